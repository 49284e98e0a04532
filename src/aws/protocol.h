/* protocol.h - turning (service, operation, input) into an HTTP request and
 * an HTTP response into output or an error, for the four AWS protocols we
 * speak: ec2, query, json 1.1 and rest-json.
 *
 * Inputs and outputs are cJSON objects shaped like botocore's: member names
 * as in the model, lists as arrays, maps as objects, timestamps as ISO-8601
 * strings (output) or ISO-8601 strings / epoch numbers (input), blobs as
 * base64 strings, integers and booleans as JSON numbers and booleans.
 * This module is pure: no network, no clock, no randomness except where the
 * caller passes it in (idempotency tokens). */
#ifndef ECSW_AWS_PROTOCOL_H
#define ECSW_AWS_PROTOCOL_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "aws/error.h"
#include "aws/model.h"
#include "util/buf.h"

struct aws_header {
	char *name;  /* owned */
	char *value; /* owned */
};

/* An HTTP request before endpoint resolution and signing. */
struct aws_http_request {
	char *method;        /* owned: "POST", "GET", ... */
	char *path;          /* owned: URI-encoded path, "/" at least */
	char *query;         /* owned: encoded query string without '?', may be "" */
	struct aws_header *headers; /* owned array */
	size_t header_count;
	struct buf body;     /* owned */
};

/* An HTTP response as received. */
struct aws_http_response {
	long status;
	struct aws_header *headers; /* owned array; names as received */
	size_t header_count;
	struct buf body;
};

void aws_http_request_init(struct aws_http_request *req);
void aws_http_request_free(struct aws_http_request *req);
/* Add (copy) a header; returns 0 or -1 on OOM. */
int aws_http_request_add_header(struct aws_http_request *req, const char *name,
				const char *value);
void aws_http_response_init(struct aws_http_response *resp);
void aws_http_response_free(struct aws_http_response *resp);
int aws_http_response_add_header(struct aws_http_response *resp,
				 const char *name, const char *value);
/* Case-insensitive lookup; borrowed, NULL when absent. */
const char *aws_http_response_header(const struct aws_http_response *resp,
				     const char *name);

/* Source of idempotency tokens; the client passes a UUIDv4 generator,
 * tests pass a fixed one. Returns a malloc'd string. */
typedef char *(*aws_token_fn)(void *ctx);

/* Serialise input (may be NULL for "no members") for op into req, which the
 * caller has initialised. On -1, err says which member was wrong. */
int aws_serialize_request(const struct aws_service_model *svc,
			  const struct aws_operation *op, const cJSON *input,
			  aws_token_fn token, void *token_ctx,
			  struct aws_http_request *req, struct aws_error *err);

/* Parse a response. A 2xx becomes *output (caller frees with cJSON_Delete;
 * an empty object when the operation has no output) and 0 is returned.
 * Anything else fills err (kind SERVICE with code, message, request id and
 * http_status; PARSE when the body is not what the protocol promises) and
 * returns -1. */
int aws_parse_response(const struct aws_service_model *svc,
		       const struct aws_operation *op,
		       const struct aws_http_response *resp, cJSON **output,
		       struct aws_error *err);

/* Percent-encode as SigV4 and AWS expect (RFC 3986 unreserved kept);
 * slash kept when keep_slash. Appends to out; 0 or -1. */
int aws_uri_encode(struct buf *out, const char *s, size_t len, int keep_slash);

#endif
