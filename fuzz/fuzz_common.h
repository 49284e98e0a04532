/* fuzz_common.h - what the response-parser fuzz targets share: a table of
 * (service, operation, status, header) cases, and a driver that picks one
 * case from the input's first byte, takes one header value from the first
 * line when the case names a header, and hands the rest to the parser as
 * the body.
 *
 * The invariants checked are the parser's promises (protocol.h): 0 means an
 * output object and no error; -1 means no output and an error kind set. A
 * broken promise aborts, which libFuzzer reports as a crash. */
#ifndef ECSW_FUZZ_COMMON_H
#define ECSW_FUZZ_COMMON_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "aws/model.h"
#include "aws/protocol.h"

struct fuzz_case {
	const char *service;    /* model name, or the private model's */
	const char *operation;
	long status;            /* HTTP status of the fake response */
	const char *header;     /* header whose value comes from the input, or NULL */
	const struct aws_service_model *model; /* NULL: the generated tables */
};

/* Header values are short in real life; a bound keeps runs fast. */
#define FUZZ_HEADER_MAX 256

static void fuzz_response(const struct fuzz_case *cases, size_t count,
			  const uint8_t *data, size_t size)
{
	const struct fuzz_case *c;
	const struct aws_service_model *svc;
	const struct aws_operation *op;
	struct aws_http_response resp;
	struct aws_error err;
	cJSON *output = NULL;
	int rc;

	if (size < 1 || count == 0)
		return;
	c = &cases[data[0] % count];
	data++;
	size--;
	svc = c->model ? c->model : aws_model_find(c->service);
	op = svc ? aws_model_operation(svc, c->operation) : NULL;
	if (!op)
		abort(); /* the table names something that does not exist */

	aws_http_response_init(&resp);
	resp.status = c->status;
	if (c->header) {
		const uint8_t *nl = memchr(data, '\n', size);
		size_t len = nl ? (size_t)(nl - data) : size;
		char value[FUZZ_HEADER_MAX + 1];

		if (len > FUZZ_HEADER_MAX)
			len = FUZZ_HEADER_MAX;
		memcpy(value, data, len);
		value[len] = '\0';
		/* An embedded NUL just shortens the value, as a header would. */
		if (aws_http_response_add_header(&resp, c->header, value) < 0)
			goto out;
		if (nl) {
			size -= (size_t)(nl - data) + 1;
			data = nl + 1;
		} else {
			size = 0;
		}
	}
	if (buf_append(&resp.body, data, size) < 0)
		goto out;

	aws_error_clear(&err);
	rc = aws_parse_response(svc, op, &resp, &output, &err);
	if (rc == 0 && (!output || !cJSON_IsObject(output) || err.kind != AWS_ERR_NONE))
		abort();
	if (rc != 0 && (output || err.kind == AWS_ERR_NONE))
		abort();
	cJSON_Delete(output);
out:
	aws_http_response_free(&resp);
}

#endif
