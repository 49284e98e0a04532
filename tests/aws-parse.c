/* aws-parse - parse recorded HTTP responses for tests/diff_parse.py.
 *
 * Reads JSON lines {"service","operation","status","headers":{name:value},
 * "body":"..."} (or "body_b64" for bodies that are not text) on stdin and
 * writes one JSON line per case on stdout: {"output": {...}} or
 * {"error": {"kind","code","message","request_id","http_status"}}. One
 * process for every case keeps the differential test fast. */
#include "config.h"

#include <cjson/cJSON.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/protocol.h"

static const char *kind_name(enum aws_error_kind k)
{
	switch (k) {
	case AWS_ERR_SERVICE: return "service";
	case AWS_ERR_PARSE: return "parse";
	case AWS_ERR_NOMEM: return "nomem";
	case AWS_ERR_INTERNAL: return "internal";
	default: return "other";
	}
}

/* Fill resp's body from "body" or "body_b64"; 0 or -1. */
static int set_body(struct aws_http_response *resp, const cJSON *c)
{
	const char *text = cJSON_GetStringValue(
		cJSON_GetObjectItemCaseSensitive(c, "body"));
	const char *b64 = cJSON_GetStringValue(
		cJSON_GetObjectItemCaseSensitive(c, "body_b64"));
	unsigned char *raw;
	size_t len, pad = 0;
	int n;

	if (text)
		return buf_append(&resp->body, text, strlen(text));
	if (!b64)
		return 0;
	len = strlen(b64);
	raw = malloc(len / 4 * 3 + 1);
	if (!raw)
		return -1;
	n = EVP_DecodeBlock(raw, (const unsigned char *)b64, (int)len);
	while (len && b64[len - 1] == '=') {
		len--;
		pad++;
	}
	if (n >= (int)pad)
		n = buf_append(&resp->body, raw, (size_t)n - pad);
	free(raw);
	return n < 0 ? -1 : 0;
}

static cJSON *parse_case(const cJSON *c)
{
	const char *svc_name = cJSON_GetStringValue(
		cJSON_GetObjectItemCaseSensitive(c, "service"));
	const char *op_name = cJSON_GetStringValue(
		cJSON_GetObjectItemCaseSensitive(c, "operation"));
	const cJSON *status = cJSON_GetObjectItemCaseSensitive(c, "status");
	const cJSON *headers = cJSON_GetObjectItemCaseSensitive(c, "headers");
	const cJSON *h;
	const struct aws_service_model *svc;
	const struct aws_operation *op;
	struct aws_http_response resp;
	struct aws_error err;
	cJSON *out = cJSON_CreateObject(), *output = NULL, *e;

	if (!out)
		return NULL;
	aws_error_clear(&err);
	svc = svc_name ? aws_model_find(svc_name) : NULL;
	op = svc && op_name ? aws_model_operation(svc, op_name) : NULL;
	if (!op) {
		cJSON_AddStringToObject(out, "fatal", "unknown operation");
		return out;
	}
	aws_http_response_init(&resp);
	resp.status = (long)cJSON_GetNumberValue(status);
	cJSON_ArrayForEach(h, headers)
		if (cJSON_IsString(h))
			aws_http_response_add_header(&resp, h->string,
						     h->valuestring);
	if (set_body(&resp, c) < 0) {
		cJSON_AddStringToObject(out, "fatal", "body");
	} else if (aws_parse_response(svc, op, &resp, &output, &err) == 0) {
		cJSON_AddItemToObject(out, "output", output);
	} else {
		e = cJSON_AddObjectToObject(out, "error");
		cJSON_AddStringToObject(e, "kind", kind_name(err.kind));
		cJSON_AddStringToObject(e, "code", err.code);
		cJSON_AddStringToObject(e, "message", err.message);
		cJSON_AddStringToObject(e, "request_id", err.request_id);
		cJSON_AddNumberToObject(e, "http_status", (double)err.http_status);
	}
	aws_http_response_free(&resp);
	return out;
}

int main(void)
{
	char *line = NULL;
	size_t cap = 0;
	int rc = 0;

	while (getline(&line, &cap, stdin) > 0) {
		cJSON *c = cJSON_Parse(line), *out;
		char *text;

		if (!c) {
			fprintf(stderr, "aws-parse: bad JSON line\n");
			rc = 1;
			break;
		}
		out = parse_case(c);
		text = out ? cJSON_PrintUnformatted(out) : NULL;
		if (!text) {
			fprintf(stderr, "aws-parse: out of memory\n");
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
