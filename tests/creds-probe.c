/* creds-probe.c - resolve credentials like ecs-wizard does and prove them
 * with sts:GetCallerIdentity; for tests/creds_assume_role.py.
 *
 *   creds-probe [--profile P] [--mfa-token T] [--mfa-prompt T]
 *               [--endpoint-url U] [--region R]
 *
 * Prints one JSON object: {"source", "access_key_id", "has_session_token",
 * "expiration", "prompted_for" (the MFA serial the prompt was asked for),
 * "arn" (GetCallerIdentity's, made with the resolved credentials)} or
 * {"error": {"kind", "code", "message", "where"}}. Secrets are not printed. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "aws/client.h"
#include "aws/creds.h"

struct prompt_ctx {
	const char *answer;
	char *asked_serial;
};

static char *prompt(const char *mfa_serial, void *ctx)
{
	struct prompt_ctx *p = ctx;

	free(p->asked_serial);
	p->asked_serial = strdup(mfa_serial);
	return p->answer ? strdup(p->answer) : NULL;
}

static void add_error(cJSON *out, const struct aws_error *err)
{
	cJSON *e = cJSON_AddObjectToObject(out, "error");

	cJSON_AddNumberToObject(e, "kind", err->kind);
	cJSON_AddStringToObject(e, "code", err->code);
	cJSON_AddStringToObject(e, "message", err->message);
	cJSON_AddStringToObject(e, "where", err->where);
}

int main(int argc, char **argv)
{
	struct aws_creds_options opt;
	struct prompt_ctx pc = { NULL, NULL };
	struct aws_creds *creds = NULL;
	struct aws_client *client = NULL;
	struct aws_client_config cfg;
	struct aws_error err;
	cJSON *out = cJSON_CreateObject(), *who = NULL;
	char *region = NULL, *text;
	int rc = 1;

	memset(&opt, 0, sizeof(opt));
	opt.no_imds = 1;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--profile") == 0)
			opt.profile = argv[i + 1];
		else if (strcmp(argv[i], "--mfa-token") == 0)
			opt.mfa_token = argv[i + 1];
		else if (strcmp(argv[i], "--mfa-prompt") == 0)
			pc.answer = argv[i + 1];
		else if (strcmp(argv[i], "--endpoint-url") == 0)
			opt.endpoint_url = argv[i + 1];
		else if (strcmp(argv[i], "--region") == 0)
			opt.region = argv[i + 1];
	}
	opt.mfa_prompt = prompt;
	opt.mfa_prompt_ctx = &pc;
	aws_error_clear(&err);
	if (aws_creds_resolve(&opt, &creds, &err) < 0) {
		add_error(out, &err);
		goto print;
	}
	cJSON_AddStringToObject(out, "source", creds->source);
	cJSON_AddStringToObject(out, "access_key_id", creds->access_key_id);
	cJSON_AddBoolToObject(out, "has_session_token", creds->session_token != NULL);
	cJSON_AddNumberToObject(out, "expiration", (double)creds->expiration);
	if (pc.asked_serial)
		cJSON_AddStringToObject(out, "prompted_for", pc.asked_serial);

	region = aws_region_resolve(opt.region, opt.profile, &err);
	memset(&cfg, 0, sizeof(cfg));
	cfg.region = region ? region : "us-east-1";
	cfg.creds = creds;
	cfg.endpoint_url = opt.endpoint_url;
	if (aws_client_new(&cfg, &client, &err) < 0 ||
	    aws_call(client, "sts", "GetCallerIdentity", NULL, &who, &err) < 0) {
		add_error(out, &err);
		goto print;
	}
	cJSON_AddStringToObject(out, "arn",
		cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(who, "Arn")));
	rc = 0;
print:
	text = cJSON_PrintUnformatted(out);
	printf("%s\n", text ? text : "{}");
	free(text);
	cJSON_Delete(out);
	cJSON_Delete(who);
	aws_client_free(client);
	aws_creds_free(creds);
	free(region);
	free(pc.asked_serial);
	return rc;
}
