/* aws-serialize - serialise requests for tests/diff_serialize.py.
 *
 * Reads JSON lines {"service","operation","input"} on stdin and writes one
 * JSON line per case on stdout: {"method","path","query","headers":[[name,
 * value]...],"body"} or {"error": "<aws_error_format() text>"}.
 * Idempotency tokens come from a fixed source (TEST_TOKEN) so the driver can
 * give botocore the same one. Batch mode keeps the differential test fast:
 * one process for every case. */
#include "config.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/protocol.h"

#define TEST_TOKEN "00000000-1111-4222-8333-444444444444"

static char *fixed_token(void *ctx)
{
	(void)ctx;
	return strdup(TEST_TOKEN);
}

static cJSON *serialise_case(const cJSON *c)
{
	const cJSON *svc_name = cJSON_GetObjectItemCaseSensitive(c, "service");
	const cJSON *op_name = cJSON_GetObjectItemCaseSensitive(c, "operation");
	const cJSON *input = cJSON_GetObjectItemCaseSensitive(c, "input");
	const struct aws_service_model *svc;
	const struct aws_operation *op;
	struct aws_http_request req;
	struct aws_error err;
	cJSON *out = cJSON_CreateObject(), *headers;
	char msg[1024];

	if (!out)
		return NULL;
	aws_error_clear(&err);
	svc = aws_model_find(cJSON_GetStringValue(svc_name));
	op = svc ? aws_model_operation(svc, cJSON_GetStringValue(op_name))
		 : NULL;
	if (!op) {
		cJSON_AddStringToObject(out, "error", "unknown operation");
		return out;
	}
	aws_http_request_init(&req);
	if (aws_serialize_request(svc, op, cJSON_IsNull(input) ? NULL : input,
				  fixed_token, NULL, &req, &err) < 0) {
		cJSON_AddStringToObject(out, "error",
					aws_error_format(&err, msg, sizeof(msg)));
		return out;
	}
	cJSON_AddStringToObject(out, "method", req.method);
	cJSON_AddStringToObject(out, "path", req.path);
	cJSON_AddStringToObject(out, "query", req.query);
	headers = cJSON_AddArrayToObject(out, "headers");
	for (size_t i = 0; headers && i < req.header_count; i++) {
		const char *pair[2] = {req.headers[i].name,
				       req.headers[i].value};
		cJSON_AddItemToArray(headers, cJSON_CreateStringArray(pair, 2));
	}
	cJSON_AddStringToObject(out, "body", buf_str(&req.body));
	aws_http_request_free(&req);
	return out;
}

int main(void)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int rc = 0;

	while ((n = getline(&line, &cap, stdin)) > 0) {
		cJSON *c = cJSON_Parse(line), *out;
		char *text;

		if (!c) {
			fprintf(stderr, "aws-serialize: bad JSON line\n");
			rc = 1;
			break;
		}
		out = serialise_case(c);
		text = out ? cJSON_PrintUnformatted(out) : NULL;
		if (!text) {
			fprintf(stderr, "aws-serialize: out of memory\n");
			rc = 1;
		} else {
			printf("%s\n", text);
		}
		free(text);
		cJSON_Delete(out);
		cJSON_Delete(c);
		if (rc)
			break;
	}
	free(line);
	return rc;
}
