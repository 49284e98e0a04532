/* creds_sts.c - role_arn profiles: STS AssumeRole through aws_call().
 *
 * Contract: given the source credentials and the role profile's settings,
 * call sts:AssumeRole with RoleArn, RoleSessionName (the profile's, or
 * "ecs-wizard-<epoch>"), ExternalId, DurationSeconds and, with mfa_serial,
 * SerialNumber + TokenCode (from opt->mfa_token, else opt->mfa_prompt; with
 * neither it is an error, never a silent skip). The client is made here
 * with opt->endpoint_url and the region (aws_region_resolve() for the role
 * profile, else us-east-1) and freed before returning. The
 * returned secrets are wiped from the parsed output before it is freed. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <openssl/crypto.h>

#include "aws/client.h"
#include "aws/creds_internal.h"
#include "i18n.h"

static void cleanse_json(cJSON *j)
{
	cJSON *c;

	if (cJSON_IsString(j) && j->valuestring)
		OPENSSL_cleanse(j->valuestring, strlen(j->valuestring));
	cJSON_ArrayForEach(c, j)
		cleanse_json(c);
}

static int parse_duration(const char *s, long *out)
{
	char *end;
	long v;

	if (!s)
		return 0;
	v = strtol(s, &end, 10);
	if (end == s || *end || v < 900 || v > 43200)
		return -1;
	*out = v;
	return 0;
}

int creds_assume_role(const struct aws_creds *source,
		      const struct creds_assume_role *ar,
		      const struct aws_creds_options *opt,
		      struct aws_creds **out, struct aws_error *err)
{
	struct aws_client_config cfg;
	struct aws_client *client = NULL;
	cJSON *in = NULL, *res = NULL;
	const cJSON *c, *ak, *sk, *tok, *exp;
	char *region = NULL, *mfa = NULL, session[64], src[512];
	struct aws_error rerr;
	long duration = 0;
	int rc = -1;

	*out = NULL;
	if (parse_duration(ar->duration_seconds, &duration) < 0) {
		aws_error_set(err, AWS_ERR_CONFIG, "InvalidDuration",
			      _("profile %s: duration_seconds must be a whole number from 900 to 43200, not \"%s\""),
			      ar->profile, ar->duration_seconds);
		aws_error_where(err, "profile %s", ar->profile);
		return -1;
	}
	if (ar->mfa_serial) {
		if (opt->mfa_token && *opt->mfa_token)
			mfa = strdup(opt->mfa_token);
		else if (opt->mfa_prompt)
			mfa = opt->mfa_prompt(ar->mfa_serial, opt->mfa_prompt_ctx);
		if (!mfa || !*mfa) {
			aws_error_set(err, AWS_ERR_CREDENTIALS, "MfaTokenRequired",
				      _("profile %s needs an MFA code from %s: pass --mfa-token"),
				      ar->profile, ar->mfa_serial);
			aws_error_where(err, "profile %s", ar->profile);
			goto out;
		}
	}

	/* --region, AWS_REGION, AWS_DEFAULT_REGION, the role profile's region;
	 * STS answers in every region, so lacking one is not an error. */
	aws_error_clear(&rerr);
	region = aws_region_resolve(opt->region, ar->profile, &rerr);
	if (!region && rerr.kind == AWS_ERR_CONFIG && strcmp(rerr.code, "NoRegion") != 0) {
		*err = rerr;
		goto out;
	}
	if (!region)
		region = strdup("us-east-1");
	if (!region)
		goto nomem;

	memset(&cfg, 0, sizeof(cfg));
	cfg.region = region;
	cfg.creds = source;
	cfg.endpoint_url = opt->endpoint_url;
	if (aws_client_new(&cfg, &client, err) < 0)
		goto out;

	if (ar->role_session_name)
		snprintf(session, sizeof(session), "%s", ar->role_session_name);
	else
		snprintf(session, sizeof(session), "ecs-wizard-%lld",
			 (long long)time(NULL));
	in = cJSON_CreateObject();
	if (!in || !cJSON_AddStringToObject(in, "RoleArn", ar->role_arn) ||
	    !cJSON_AddStringToObject(in, "RoleSessionName", session))
		goto nomem;
	if (ar->external_id && !cJSON_AddStringToObject(in, "ExternalId", ar->external_id))
		goto nomem;
	if (duration && !cJSON_AddNumberToObject(in, "DurationSeconds", (double)duration))
		goto nomem;
	if (mfa && (!cJSON_AddStringToObject(in, "SerialNumber", ar->mfa_serial) ||
		    !cJSON_AddStringToObject(in, "TokenCode", mfa)))
		goto nomem;

	if (aws_call(client, "sts", "AssumeRole", in, &res, err) < 0) {
		if (!err->where[0])
			aws_error_where(err, "sts:AssumeRole");
		goto out;
	}
	c = cJSON_GetObjectItemCaseSensitive(res, "Credentials");
	ak = cJSON_GetObjectItemCaseSensitive(c, "AccessKeyId");
	sk = cJSON_GetObjectItemCaseSensitive(c, "SecretAccessKey");
	tok = cJSON_GetObjectItemCaseSensitive(c, "SessionToken");
	exp = cJSON_GetObjectItemCaseSensitive(c, "Expiration");
	if (!cJSON_IsString(ak) || !cJSON_IsString(sk) || !cJSON_IsString(tok)) {
		aws_error_set(err, AWS_ERR_PARSE, "AssumeRoleNoCredentials",
			      _("AssumeRole for %s answered without credentials"),
			      ar->role_arn);
		aws_error_where(err, "sts:AssumeRole");
		goto out;
	}
	snprintf(src, sizeof(src), "assume-role %s (profile %s)", ar->role_arn,
		 ar->profile);
	*out = aws_creds_new(ak->valuestring, sk->valuestring, tok->valuestring, src);
	if (!*out)
		goto nomem;
	if (cJSON_IsString(exp)) {
		time_t t = creds_parse_time(exp->valuestring);

		(*out)->expiration = t > 0 ? t : 0;
	} else if (cJSON_IsNumber(exp)) {
		(*out)->expiration = (time_t)exp->valuedouble;
	}
	rc = 0;
	goto out;
nomem:
	aws_error_set(err, AWS_ERR_NOMEM, "OutOfMemory", "%s", _("out of memory"));
out:
	if (mfa) {
		OPENSSL_cleanse(mfa, strlen(mfa));
		free(mfa);
	}
	if (res) {
		cleanse_json(res);
		cJSON_Delete(res);
	}
	cJSON_Delete(in);
	aws_client_free(client);
	free(region);
	return rc;
}
