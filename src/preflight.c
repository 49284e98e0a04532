/* preflight.c - GetCallerIdentity and DescribeInstanceTypeOfferings.
 *
 * Read-only: nothing here creates or changes anything in the account. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "aws/client.h"
#include "preflight.h"

void preflight_result_init(struct preflight_result *r)
{
	memset(r, 0, sizeof(*r));
	r->instance_type_offered = -1;
}

void preflight_result_free(struct preflight_result *r)
{
	free(r->account);
	free(r->arn);
	free(r->user_id);
	free(r->region);
	free(r->credential_source);
	free(r->instance_type);
	preflight_result_init(r);
}

/* A copy of obj[key] when it is a string; NULL otherwise. */
static char *dup_string(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(v) ? strdup(v->valuestring) : NULL;
}

static int caller_identity(struct ew_context *ctx, struct preflight_result *r,
			   struct aws_error *err)
{
	cJSON *out = NULL;

	if (aws_call(ctx->client, "sts", "GetCallerIdentity", NULL, &out, err) < 0)
		return -1;
	r->account = dup_string(out, "Account");
	r->arn = dup_string(out, "Arn");
	r->user_id = dup_string(out, "UserId");
	cJSON_Delete(out);
	if (!r->account || !r->arn) {
		aws_error_set(err, AWS_ERR_PARSE, "IncompleteResponse", "%s",
			      "GetCallerIdentity returned no Account or Arn");
		aws_error_where(err, "sts:GetCallerIdentity");
		return -1;
	}
	return 0;
}

/* LocationType=region with a filter on the type: an empty list means the
 * region does not sell it. */
static int instance_type_offered(struct ew_context *ctx, const char *type,
				 struct preflight_result *r,
				 struct aws_error *err)
{
	cJSON *in = cJSON_CreateObject();
	cJSON *out = NULL;
	cJSON *filters, *filter, *values;
	const cJSON *offers, *o;
	int rc = -1;

	if (!in)
		goto nomem;
	filters = cJSON_AddArrayToObject(in, "Filters");
	filter = cJSON_CreateObject();
	if (!filters || !filter || !cJSON_AddStringToObject(in, "LocationType", "region")) {
		cJSON_Delete(filter);
		goto nomem;
	}
	cJSON_AddItemToArray(filters, filter);
	values = cJSON_AddArrayToObject(filter, "Values");
	if (!cJSON_AddStringToObject(filter, "Name", "instance-type") || !values)
		goto nomem;
	cJSON_AddItemToArray(values, cJSON_CreateString(type));
	if (cJSON_GetArraySize(values) != 1)
		goto nomem;
	if (aws_call(ctx->client, "ec2", "DescribeInstanceTypeOfferings", in, &out,
		     err) < 0)
		goto out;
	r->instance_type_offered = 0;
	offers = cJSON_GetObjectItemCaseSensitive(out, "InstanceTypeOfferings");
	cJSON_ArrayForEach(o, offers) {
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "InstanceType");

		if (cJSON_IsString(t) && strcmp(t->valuestring, type) == 0)
			r->instance_type_offered = 1;
	}
	rc = 0;
	goto out;
nomem:
	aws_error_set(err, AWS_ERR_NOMEM, "OutOfMemory", "%s", "out of memory");
out:
	cJSON_Delete(in);
	cJSON_Delete(out);
	return rc;
}

int preflight_run(struct ew_context *ctx, const char *instance_type,
		  struct preflight_result *r, struct aws_error *err)
{
	aws_error_clear(err);
	r->region = ctx->region ? strdup(ctx->region) : NULL;
	r->credential_source = ctx->creds && ctx->creds->source ?
		strdup(ctx->creds->source) : NULL;
	r->instance_type = strdup(instance_type);
	if (caller_identity(ctx, r, err) < 0) {
		r->failed = "sts:GetCallerIdentity";
		return -1;
	}
	if (instance_type_offered(ctx, instance_type, r, err) < 0) {
		r->failed = "ec2:DescribeInstanceTypeOfferings";
		return -1;
	}
	return 0;
}

static void add_string_or_null(cJSON *obj, const char *key, const char *v)
{
	if (v)
		cJSON_AddStringToObject(obj, key, v);
	else
		cJSON_AddNullToObject(obj, key);
}

cJSON *preflight_to_json(const struct preflight_result *r,
			 const struct aws_error *err)
{
	cJSON *obj = cJSON_CreateObject();
	cJSON *e;

	if (!obj)
		return NULL;
	add_string_or_null(obj, "account", r->account);
	add_string_or_null(obj, "arn", r->arn);
	add_string_or_null(obj, "user_id", r->user_id);
	add_string_or_null(obj, "region", r->region);
	add_string_or_null(obj, "credential_source", r->credential_source);
	add_string_or_null(obj, "instance_type", r->instance_type);
	if (r->instance_type_offered < 0)
		cJSON_AddNullToObject(obj, "instance_type_offered");
	else
		cJSON_AddBoolToObject(obj, "instance_type_offered",
				      r->instance_type_offered == 1);
	if (err && err->kind != AWS_ERR_NONE) {
		e = cJSON_AddObjectToObject(obj, "error");
		if (e) {
			add_string_or_null(e, "failed", r->failed);
			cJSON_AddStringToObject(e, "kind", aws_error_kind_name(err->kind));
			cJSON_AddStringToObject(e, "code", err->code);
			cJSON_AddStringToObject(e, "message", err->message);
			cJSON_AddStringToObject(e, "request_id", err->request_id);
			cJSON_AddNumberToObject(e, "http_status", (double)err->http_status);
			cJSON_AddStringToObject(e, "where", err->where);
		}
	}
	return obj;
}
