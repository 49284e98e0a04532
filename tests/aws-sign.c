/* aws-sign.c - sign requests described as JSON lines, for the differential
 * test against botocore (tests/diff_sigv4.py).
 *
 * Each stdin line: {"method", "host", "path" (encoded, as on the wire),
 * "query" (encoded), "headers": [[name, value], ...], "body", "region",
 * "service", "time" (epoch seconds), "creds": {"access_key_id",
 * "secret_access_key", "session_token"?}}. Each stdout line: {"authorization",
 * "x-amz-date", "token_header" (whether X-Amz-Security-Token was set to the
 * given token; the token itself is not printed), "canonical_request",
 * "string_to_sign"} or {"error": "..."}. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "aws/creds.h"
#include "aws/protocol.h"
#include "aws/sigv4.h"

static const char *jstr(const cJSON *o, const char *k)
{
	const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, k));

	return s ? s : "";
}

static const char *header(const struct aws_http_request *req, const char *name)
{
	for (size_t i = 0; i < req->header_count; i++)
		if (strcasecmp(req->headers[i].name, name) == 0)
			return req->headers[i].value;
	return NULL;
}

static int sign_line(const char *line)
{
	cJSON *in = cJSON_Parse(line), *out = cJSON_CreateObject();
	const cJSON *hdrs, *h, *cr;
	struct aws_http_request req;
	struct aws_creds *creds = NULL;
	struct sigv4_params p;
	struct sigv4_state st;
	struct aws_error err;
	const char *tok, *body;
	char *text;
	int rc = -1;

	aws_http_request_init(&req);
	sigv4_state_init(&st);
	aws_error_clear(&err);
	if (!in || !out) {
		cJSON_AddStringToObject(out, "error", "bad JSON line");
		goto print;
	}
	req.method = strdup(jstr(in, "method"));
	req.path = strdup(jstr(in, "path"));
	req.query = strdup(jstr(in, "query"));
	hdrs = cJSON_GetObjectItemCaseSensitive(in, "headers");
	cJSON_ArrayForEach(h, hdrs) {
		aws_http_request_add_header(&req,
			cJSON_GetStringValue(cJSON_GetArrayItem(h, 0)),
			cJSON_GetStringValue(cJSON_GetArrayItem(h, 1)));
	}
	body = jstr(in, "body");
	buf_append(&req.body, body, strlen(body));
	cr = cJSON_GetObjectItemCaseSensitive(in, "creds");
	tok = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(cr, "session_token"));
	creds = aws_creds_new(jstr(cr, "access_key_id"),
			      jstr(cr, "secret_access_key"), tok, "test");
	memset(&p, 0, sizeof(p));
	p.region = jstr(in, "region");
	p.service = jstr(in, "service");
	p.when = (time_t)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(in, "time"));
	p.creds = creds;
	p.normalize_path = strcmp(p.service, "s3") != 0;
	if (sigv4_sign_request(&req, jstr(in, "host"), &p, &st, &err) < 0) {
		cJSON_AddStringToObject(out, "error", err.message);
		goto print;
	}
	cJSON_AddStringToObject(out, "authorization", header(&req, "Authorization"));
	cJSON_AddStringToObject(out, "x-amz-date", header(&req, "X-Amz-Date"));
	cJSON_AddBoolToObject(out, "token_header",
			      tok && header(&req, "X-Amz-Security-Token") &&
			      strcmp(header(&req, "X-Amz-Security-Token"), tok) == 0);
	cJSON_AddStringToObject(out, "canonical_request", st.canonical_request);
	cJSON_AddStringToObject(out, "string_to_sign", st.string_to_sign);
	rc = 0;
print:
	text = cJSON_PrintUnformatted(out);
	if (text)
		printf("%s\n", text);
	free(text);
	cJSON_Delete(in);
	cJSON_Delete(out);
	sigv4_state_free(&st);
	aws_http_request_free(&req);
	aws_creds_free(creds);
	return rc;
}

int main(void)
{
	char *line = NULL;
	size_t cap = 0;
	int failed = 0;

	while (getline(&line, &cap, stdin) > 0) {
		if (line[0] == '\n')
			continue;
		failed |= sign_line(line) < 0;
		fflush(stdout);
	}
	free(line);
	return failed ? 1 : 0;
}
