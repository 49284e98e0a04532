/* serialize_internal.h - what the protocol serialisers share; private to
 * src/aws/serialize*.c.
 *
 * serialize.c checks the whole input against the operation's input shape
 * (types, unknown and required members) and fills idempotency tokens before
 * a protocol serialiser runs, so the serialisers may assume well-typed input
 * and only fail on out-of-memory. */
#ifndef ECSW_AWS_SERIALIZE_INTERNAL_H
#define ECSW_AWS_SERIALIZE_INTERNAL_H

#include <cjson/cJSON.h>

#include "aws/protocol.h"

struct ser_ctx {
	const struct aws_service_model *svc;
	const struct aws_operation *op;
	struct aws_error *err;
};

/* The shape at index (never NULL for indices the generator wrote). */
const struct aws_shape *ser_shape(const struct ser_ctx *c, int index);

/* The serialised name of a member: locationName, else its model name. */
const char *ser_member_name(const struct aws_member *m);

/* Pick a timestamp format: the member's, else the shape's, else dflt. */
int ser_ts_format(int member_fmt, const struct aws_shape *shape, int dflt);

/* Append a timestamp input (ISO-8601 string or epoch number, already
 * checked) in fmt (AWS_TS_ISO8601/RFC822/UNIX) to out. */
int ser_timestamp(struct buf *out, const cJSON *v, int fmt);
/* The epoch seconds of a timestamp input, truncated as botocore does. */
long long ser_timestamp_epoch(const cJSON *v);

/* Append a number as botocore's str() would: integers without a point,
 * floats in shortest round-trip form ("1.5", "2.0"). */
int ser_number(struct buf *out, const cJSON *v, int type);

/* Append the text form of a scalar (string, number, boolean as
 * "true"/"false", timestamp in ts_fmt, blob as given). */
int ser_scalar_text(struct buf *out, const struct aws_shape *shape,
		    const cJSON *v, int ts_fmt);

/* Overwrite every string in a JSON tree (and its siblings): inputs may
 * hold secrets (user data, passwords), and copies we make are wiped before
 * they are freed. */
void ser_json_wipe(cJSON *v);

/* Mark out-of-memory on the error object; returns -1. */
int ser_nomem(struct ser_ctx *c);

int ser_query(struct ser_ctx *c, const cJSON *input,
	      struct aws_http_request *req);
int ser_json(struct ser_ctx *c, const cJSON *input,
	     struct aws_http_request *req);
int ser_rest_json(struct ser_ctx *c, const cJSON *input,
		  struct aws_http_request *req);

/* The JSON body value of v for a shape (json protocols). member_ts is the
 * member's timestamp override. *out is a new item or NULL on OOM. */
cJSON *ser_json_value(struct ser_ctx *c, int shape_index, int member_ts,
		      const cJSON *v);
/* Serialise the given members of a structure (those for which the
 * predicate include(member) is true, all when NULL) into a JSON object. */
cJSON *ser_json_struct(struct ser_ctx *c, const struct aws_shape *shape,
		       const cJSON *v,
		       int (*include)(const struct aws_member *m));

#endif
