/* serialize_json.c - the json 1.1 protocol (ECS, ECR, Logs, SSM, ...): a
 * POST to "/" with X-Amz-Target "<targetPrefix>.<Op>", Content-Type
 * "application/x-amz-json-<jsonVersion>" and the input as a JSON object,
 * "{}" when it is empty, as botocore's JSONSerializer sends it.
 *
 * Also the JSON body builder the rest-json serialiser reuses: members under
 * their locationName, timestamps as epoch seconds unless the model says
 * otherwise, blobs as the base64 text the caller gave. */
#include "config.h"

#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>

#include "aws/serialize_internal.h"

cJSON *ser_json_struct(struct ser_ctx *c, const struct aws_shape *shape,
		       const cJSON *v,
		       int (*include)(const struct aws_member *m))
{
	cJSON *obj = cJSON_CreateObject();
	const cJSON *child;

	if (!obj)
		return NULL;
	cJSON_ArrayForEach(child, v)
	{
		const struct aws_member *m = NULL;
		cJSON *item;
		for (int i = 0; i < shape->member_count; i++)
			if (strcmp(shape->members[i].name, child->string) == 0)
				m = &shape->members[i];
		if (!m || (include && !include(m)))
			continue;
		item = ser_json_value(c, m->shape, m->timestamp_format, child);
		if (!item || !cJSON_AddItemToObject(obj, ser_member_name(m),
						    item)) {
			cJSON_Delete(item);
			cJSON_Delete(obj);
			return NULL;
		}
	}
	return obj;
}

cJSON *ser_json_value(struct ser_ctx *c, int shape_index, int member_ts,
		      const cJSON *v)
{
	const struct aws_shape *s = ser_shape(c, shape_index);
	const cJSON *child;
	cJSON *out = NULL, *item;
	struct buf text;
	int fmt;

	switch (s->type) {
	case AWS_T_STRUCTURE:
		return ser_json_struct(c, s, v, NULL);
	case AWS_T_LIST:
		out = cJSON_CreateArray();
		if (!out)
			return NULL;
		cJSON_ArrayForEach(child, v)
		{
			item = ser_json_value(c, s->member_shape, AWS_TS_DEFAULT,
					      child);
			if (!item || !cJSON_AddItemToArray(out, item)) {
				cJSON_Delete(item);
				cJSON_Delete(out);
				return NULL;
			}
		}
		return out;
	case AWS_T_MAP:
		out = cJSON_CreateObject();
		if (!out)
			return NULL;
		cJSON_ArrayForEach(child, v)
		{
			item = ser_json_value(c, s->value_shape, AWS_TS_DEFAULT,
					      child);
			if (!item ||
			    !cJSON_AddItemToObject(out, child->string, item)) {
				cJSON_Delete(item);
				cJSON_Delete(out);
				return NULL;
			}
		}
		return out;
	case AWS_T_STRING:
	case AWS_T_BLOB:
		return cJSON_CreateString(v->valuestring);
	case AWS_T_INTEGER:
	case AWS_T_LONG:
	case AWS_T_FLOAT:
	case AWS_T_DOUBLE:
		return cJSON_CreateNumber(v->valuedouble);
	case AWS_T_BOOLEAN:
		return cJSON_CreateBool(cJSON_IsTrue(v));
	case AWS_T_TIMESTAMP:
		fmt = ser_ts_format(member_ts, s, AWS_TS_UNIX);
		if (fmt == AWS_TS_UNIX)
			return cJSON_CreateNumber(
				(double)ser_timestamp_epoch(v));
		buf_init(&text, 0);
		if (ser_timestamp(&text, v, fmt) == 0)
			out = cJSON_CreateString(buf_str(&text));
		buf_free_secret(&text);
		return out;
	case AWS_T_DOCUMENT:
		return cJSON_Duplicate(v, 1);
	default:
		return NULL;
	}
}

/* Print a JSON value into the request body. */
static int body_from_json(struct aws_http_request *req, const cJSON *obj)
{
	char *text = cJSON_PrintUnformatted(obj);
	int rc;

	if (!text)
		return -1;
	rc = buf_append_str(&req->body, text);
	OPENSSL_cleanse(text, strlen(text));
	free(text);
	return rc;
}

int ser_json(struct ser_ctx *c, const cJSON *input,
	     struct aws_http_request *req)
{
	struct buf hdr;
	cJSON *body = NULL;
	int rc = -1;

	buf_init(&hdr, 0);
	req->path = strdup("/");
	req->query = strdup("");
	if (!req->path || !req->query)
		goto out;
	if (buf_printf(&hdr, "%s.%s",
		       c->svc->target_prefix ? c->svc->target_prefix : "",
		       c->op->name) < 0 ||
	    aws_http_request_add_header(req, "X-Amz-Target", buf_str(&hdr)) <
		    0)
		goto out;
	buf_reset(&hdr);
	if (buf_printf(&hdr, "application/x-amz-json-%s",
		       c->svc->json_version ? c->svc->json_version : "1.0") <
		    0 ||
	    aws_http_request_add_header(req, "Content-Type", buf_str(&hdr)) <
		    0)
		goto out;
	if (c->op->input_shape != AWS_NO_SHAPE)
		body = ser_json_struct(c, ser_shape(c, c->op->input_shape),
				       input, NULL);
	else
		body = cJSON_CreateObject();
	if (!body || body_from_json(req, body) < 0)
		goto out;
	rc = 0;
out:
	ser_json_wipe(body);
	cJSON_Delete(body);
	buf_free(&hdr);
	if (rc < 0)
		ser_nomem(c);
	return rc;
}
