/* parse_json.c - json 1.1 and rest-json responses: outputs and errors.
 *
 * Follows botocore's BaseJSONParser / RestJSONParser: a member is read
 * from its locationName key (or its name), null members are left out,
 * scalars are passed on as sent (rest-json turns numeric and boolean
 * strings into numbers and booleans), timestamps (epoch numbers or
 * strings) become our ISO form. rest-json also reads members from
 * headers, the status code and a payload member.
 *
 * Errors: the code from __type for json 1.1, from x-amzn-errortype, then
 * code/Code, then __type for rest-json; "prefix#" and ":suffix" are cut
 * off; x-amzn-query-error carries the old query code for services that
 * moved from query to json. The message from message, Message or
 * errorMessage. */
#include "config.h"

#include <ctype.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws/parse_internal.h"

struct jctx {
	const struct aws_service_model *svc;
	struct aws_error *err;
	int rest; /* rest-json conversions */
};

static cJSON *json_value(struct jctx *c, const struct aws_shape *sh,
			 uint8_t flags, const cJSON *v, const char *what);

static cJSON *nomem(struct jctx *c)
{
	aws_error_set(c->err, AWS_ERR_NOMEM, "", "out of memory");
	return NULL;
}

static int nomem_rc(struct jctx *c)
{
	nomem(c);
	return -1;
}

/* Take ownership of a freshly made value, or report that there was none. */
static cJSON *made(struct jctx *c, cJSON *v)
{
	return v ? v : nomem(c);
}

/* Python's int() of a float, without libm. */
static double int_part(double v)
{
	if (v > -9.2e18 && v < 9.2e18)
		return (double)(long long)v;
	return v;
}

static cJSON *wrong_type(struct jctx *c, const char *what, const char *want)
{
	aws_error_set(c->err, AWS_ERR_PARSE, "InvalidResponse",
		      "member %s: expected %s in the JSON response", what, want);
	return NULL;
}

static const struct aws_shape *shape_or_fail(struct jctx *c, int index,
					     const char *what)
{
	const struct aws_shape *sh = aws_parse_shape(c->svc, index);

	if (!sh)
		aws_error_set(c->err, AWS_ERR_INTERNAL, "",
			      "member %s: shape %d not in the %s model", what,
			      index, c->svc->name);
	return sh;
}

static cJSON *dup(struct jctx *c, const cJSON *v)
{
	cJSON *d = cJSON_Duplicate(v, 1);

	return d ? d : nomem(c);
}

static cJSON *json_structure(struct jctx *c, const struct aws_shape *sh,
			     const cJSON *v, const char *what)
{
	cJSON *obj;

	if (!cJSON_IsObject(v))
		return wrong_type(c, what, "an object");
	obj = cJSON_CreateObject();
	if (!obj)
		return nomem(c);
	for (int i = 0; i < sh->member_count; i++) {
		const struct aws_member *m = &sh->members[i];
		const struct aws_shape *msh;
		const cJSON *raw;
		cJSON *val;

		/* Header and status members are read by parse_rest(). */
		if (m->location != AWS_LOC_BODY)
			continue;
		raw = cJSON_GetObjectItemCaseSensitive(
			v, m->location_name ? m->location_name : m->name);
		if (!raw || cJSON_IsNull(raw))
			continue;
		msh = shape_or_fail(c, m->shape, m->name);
		if (!msh)
			goto fail;
		val = json_value(c, msh, m->flags, raw, m->name);
		if (!val)
			goto fail;
		cJSON_AddItemToObject(obj, m->name, val);
	}
	return obj;
fail:
	cJSON_Delete(obj);
	return NULL;
}

static cJSON *json_list(struct jctx *c, const struct aws_shape *sh,
			const cJSON *v, const char *what)
{
	const struct aws_shape *msh;
	const cJSON *item;
	cJSON *arr;

	if (!cJSON_IsArray(v))
		return wrong_type(c, what, "an array");
	msh = shape_or_fail(c, sh->member_shape, what);
	if (!msh)
		return NULL;
	arr = cJSON_CreateArray();
	if (!arr)
		return nomem(c);
	cJSON_ArrayForEach(item, v) {
		cJSON *val = cJSON_IsNull(item)
				     ? cJSON_CreateNull()
				     : json_value(c, msh, sh->member_flags, item,
						  what);
		if (!val) {
			if (c->err->kind == AWS_ERR_NONE)
				nomem(c);
			cJSON_Delete(arr);
			return NULL;
		}
		cJSON_AddItemToArray(arr, val);
	}
	return arr;
}

static cJSON *json_map(struct jctx *c, const struct aws_shape *sh,
		       const cJSON *v, const char *what)
{
	const struct aws_shape *vsh;
	const cJSON *item;
	cJSON *obj;

	if (!cJSON_IsObject(v))
		return wrong_type(c, what, "an object");
	vsh = shape_or_fail(c, sh->value_shape, what);
	if (!vsh)
		return NULL;
	obj = cJSON_CreateObject();
	if (!obj)
		return nomem(c);
	cJSON_ArrayForEach(item, v) {
		cJSON *val = cJSON_IsNull(item)
				     ? cJSON_CreateNull()
				     : json_value(c, vsh, 0, item, what);
		if (!val) {
			if (c->err->kind == AWS_ERR_NONE)
				nomem(c);
			cJSON_Delete(obj);
			return NULL;
		}
		/* Duplicate keys: the last wins, as in a Python dict. */
		if (cJSON_GetObjectItemCaseSensitive(obj, item->string))
			cJSON_ReplaceItemInObjectCaseSensitive(obj, item->string,
								val);
		else
			cJSON_AddItemToObject(obj, item->string, val);
	}
	return obj;
}

static cJSON *json_value(struct jctx *c, const struct aws_shape *sh,
			 uint8_t flags, const cJSON *v, const char *what)
{
	char ts[AWS_TS_MAX];

	switch (sh->type) {
	case AWS_T_STRUCTURE:
		return json_structure(c, sh, v, what);
	case AWS_T_LIST:
		return json_list(c, sh, v, what);
	case AWS_T_MAP:
		return json_map(c, sh, v, what);
	case AWS_T_TIMESTAMP:
		if (cJSON_IsNumber(v)) {
			if (aws_ts_from_epoch(v->valuedouble, ts) < 0)
				return wrong_type(c, what, "a timestamp");
			return made(c, cJSON_CreateString(ts));
		}
		if (cJSON_IsString(v))
			return aws_parse_scalar_text(sh, flags, v->valuestring,
						     0, what, c->err);
		return wrong_type(c, what, "a timestamp");
	case AWS_T_BLOB:
		if (!cJSON_IsString(v))
			return wrong_type(c, what, "a base64 string");
		return aws_parse_scalar_text(sh, flags, v->valuestring, 0, what,
					     c->err);
	case AWS_T_INTEGER:
	case AWS_T_LONG:
	case AWS_T_FLOAT:
	case AWS_T_DOUBLE:
	case AWS_T_BOOLEAN:
		/* rest-json reads these with int()/float()/ensure_boolean. */
		if (c->rest && cJSON_IsString(v))
			return aws_parse_scalar_text(sh, flags, v->valuestring,
						     1, what, c->err);
		if (c->rest && cJSON_IsNumber(v) &&
		    (sh->type == AWS_T_INTEGER || sh->type == AWS_T_LONG))
			return made(c, cJSON_CreateNumber(int_part(v->valuedouble)));
		return dup(c, v);
	default:
		/* Strings, and documents, which are JSON as sent. */
		return dup(c, v);
	}
}

/* Parse a JSON body; an empty body is an empty object. NULL with a PARSE
 * error naming the status when it is not JSON. */
static cJSON *read_body(const struct aws_http_response *resp,
			struct aws_error *err)
{
	const char *end = NULL;
	cJSON *doc;

	if (!resp->body.len)
		return cJSON_CreateObject();
	doc = cJSON_ParseWithLengthOpts(buf_str(&resp->body), resp->body.len,
					&end, 0);
	if (!doc) {
		size_t at = end ? (size_t)(end - buf_str(&resp->body)) : 0;
		int ok = resp->status >= 200 && resp->status <= 299;

		/* The start of an error body helps ("<html>..."); a success
		 * body may hold credentials, so none of it is quoted. */
		aws_error_set(err, AWS_ERR_PARSE, "InvalidResponse",
			      "HTTP %ld response is not valid JSON (at byte %zu of %zu)%s%.40s",
			      resp->status, at, resp->body.len, ok ? "" : ": ",
			      ok ? "" : buf_str(&resp->body));
		/* A body of binary junk would garble the message. */
		for (char *p = err->message; *p; p++)
			if (!isprint((unsigned char)*p))
				*p = '?';
	}
	return doc;
}

/* rest-json: members in headers, the status code and the payload. */
static int parse_rest(struct jctx *c, const struct aws_shape *sh,
		      const struct aws_http_response *resp, const cJSON *body,
		      cJSON *out)
{
	for (int i = 0; i < sh->member_count; i++) {
		const struct aws_member *m = &sh->members[i];
		const struct aws_shape *msh = shape_or_fail(c, m->shape, m->name);
		const char *hv;
		cJSON *val = NULL;

		if (!msh)
			return -1;
		switch (m->location) {
		case AWS_LOC_STATUSCODE:
			val = cJSON_CreateNumber((double)resp->status);
			break;
		case AWS_LOC_HEADER:
			hv = aws_http_response_header(
				resp, m->location_name ? m->location_name : m->name);
			if (!hv)
				continue;
			if (msh->type == AWS_T_LIST) {
				/* A list header is comma-separated (RFC 7230). */
				const struct aws_shape *ish = shape_or_fail(
					c, msh->member_shape, m->name);
				char *copy = strdup(hv), *save = NULL, *tok;

				val = cJSON_CreateArray();
				if (!ish || !copy || !val) {
					free(copy);
					cJSON_Delete(val);
					if (ish)
						nomem(c);
					return -1;
				}
				for (tok = strtok_r(copy, ",", &save); tok;
				     tok = strtok_r(NULL, ",", &save)) {
					cJSON *it;

					while (isspace((unsigned char)*tok))
						tok++;
					for (size_t l = strlen(tok);
					     l && isspace((unsigned char)tok[l - 1]);)
						tok[--l] = '\0';
					it = aws_parse_scalar_text(ish, 0, tok, 1,
								   m->name, c->err);
					if (!it) {
						free(copy);
						cJSON_Delete(val);
						return -1;
					}
					cJSON_AddItemToArray(val, it);
				}
				free(copy);
			} else {
				val = aws_parse_scalar_text(msh, m->flags, hv, 1,
							    m->name, c->err);
				if (!val)
					return -1;
			}
			break;
		case AWS_LOC_HEADERS: {
			const char *prefix = m->location_name ? m->location_name : "";
			size_t pl = strlen(prefix);

			val = cJSON_CreateObject();
			for (size_t h = 0; val && h < resp->header_count; h++) {
				const struct aws_header *hd = &resp->headers[h];

				if (strncasecmp(hd->name, prefix, pl) == 0)
					cJSON_AddItemToObject(
						val, hd->name + pl,
						cJSON_CreateString(hd->value));
			}
			break;
		}
		default:
			continue;
		}
		if (!val) {
			nomem(c);
			return -1;
		}
		cJSON_AddItemToObject(out, m->name, val);
	}
	if (sh->payload) {
		const struct aws_member *pm = NULL;
		const struct aws_shape *psh;
		cJSON *val;

		for (int i = 0; i < sh->member_count; i++)
			if (strcmp(sh->members[i].name, sh->payload) == 0)
				pm = &sh->members[i];
		if (!pm) {
			aws_error_set(c->err, AWS_ERR_INTERNAL, "",
				      "payload member %s not in shape %s",
				      sh->payload, sh->name);
			return -1;
		}
		psh = shape_or_fail(c, pm->shape, pm->name);
		if (!psh)
			return -1;
		if (psh->type == AWS_T_STRING) {
			val = cJSON_CreateString(buf_str(&resp->body));
		} else if (psh->type == AWS_T_BLOB) {
			/* Raw bytes out as base64, like every blob we hand out. */
			size_t n = resp->body.len;
			char *b64 = malloc(4 * ((n + 2) / 3) + 1);

			if (!b64)
				return nomem_rc(c);
			EVP_EncodeBlock((unsigned char *)b64,
					(const unsigned char *)buf_str(&resp->body),
					(int)n);
			val = cJSON_CreateString(b64);
			free(b64);
		} else {
			val = json_value(c, psh, pm->flags, body, pm->name);
			if (!val)
				return -1;
		}
		if (!val)
			return nomem_rc(c);
		cJSON_AddItemToObject(out, pm->name, val);
		return 0;
	}
	{
		cJSON *parsed = json_structure(c, sh, body, sh->name);
		cJSON *item;

		if (!parsed)
			return -1;
		/* Body members win over header ones, as dict.update(). */
		for (item = parsed->child; item; item = parsed->child) {
			cJSON_DetachItemViaPointer(parsed, item);
			if (cJSON_GetObjectItemCaseSensitive(out, item->string))
				cJSON_DeleteItemFromObjectCaseSensitive(
					out, item->string);
			cJSON_AddItemToObject(out, item->string, item);
		}
		cJSON_Delete(parsed);
	}
	return 0;
}

int aws_parse_json_output(const struct aws_service_model *svc,
			  const struct aws_operation *op,
			  const struct aws_http_response *resp, cJSON **output,
			  struct aws_error *err)
{
	struct jctx c = {svc, err, svc->protocol == AWS_PROTO_REST_JSON};
	const struct aws_shape *sh;
	cJSON *body = NULL;
	int rc = -1;

	/* Nothing to read: whatever the body says does not matter. */
	if (op->output_shape == AWS_NO_SHAPE) {
		*output = cJSON_CreateObject();
		return *output ? 0 : nomem_rc(&c);
	}
	sh = shape_or_fail(&c, op->output_shape, op->name);
	if (!sh)
		return -1;
	/* A rest-json string or blob payload is the raw body, not JSON. */
	if (c.rest && sh->payload) {
		for (int i = 0; i < sh->member_count; i++) {
			const struct aws_shape *psh;

			if (strcmp(sh->members[i].name, sh->payload) != 0)
				continue;
			psh = aws_parse_shape(svc, sh->members[i].shape);
			if (psh && (psh->type == AWS_T_STRING ||
				    psh->type == AWS_T_BLOB))
				body = cJSON_CreateNull();
		}
	}
	if (!body)
		body = read_body(resp, err);
	if (!body)
		goto out;
	if (!c.rest) {
		*output = json_value(&c, sh, 0, body, op->name);
		rc = *output ? 0 : -1;
		goto out;
	}
	*output = cJSON_CreateObject();
	if (!*output) {
		nomem(&c);
		goto out;
	}
	rc = parse_rest(&c, sh, resp, body, *output);
out:
	cJSON_Delete(body);
	return rc;
}

/* botocore's code cleaning: "aws.protocoltests#FooError:http://..." ->
 * "FooError". */
static void set_code(struct aws_error *err, const char *code)
{
	char tmp[sizeof(err->code)];
	const char *hash;

	aws_parse_copy(tmp, sizeof(tmp), code);
	tmp[strcspn(tmp, ":")] = '\0';
	hash = strrchr(tmp, '#');
	aws_parse_copy(err->code, sizeof(err->code), hash ? hash + 1 : tmp);
}

static const char *string_member(const cJSON *obj, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

int aws_parse_json_error(const struct aws_service_model *svc,
			 const struct aws_http_response *resp,
			 struct aws_error *err)
{
	cJSON *body = read_body(resp, err);
	const char *type, *header, *code, *msg, *qe;
	int rest = svc->protocol == AWS_PROTO_REST_JSON;

	if (!body)
		return -1;
	type = string_member(body, "__type");
	header = aws_http_response_header(resp, "x-amzn-errortype");
	code = string_member(body, "code");
	if (!code)
		code = string_member(body, "Code");
	err->kind = AWS_ERR_SERVICE;
	if (rest && header)
		set_code(err, header);
	else if (rest && code)
		set_code(err, code);
	else if (type)
		set_code(err, type);
	else if (header)
		set_code(err, header);
	else if (code)
		set_code(err, code);
	else
		snprintf(err->code, sizeof(err->code), "%ld", resp->status);
	/* Services that moved from query keep the old code here:
	 * "AWS.SimpleQueueService.NonExistentQueue;Sender". */
	qe = aws_http_response_header(resp, "x-amzn-query-error");
	if (qe && type && !(rest && (header || code))) {
		const char *semi = strchr(qe, ';');

		if (semi && semi != qe && !strchr(semi + 1, ';')) {
			size_t n = (size_t)(semi - qe);

			if (n >= sizeof(err->code))
				n = sizeof(err->code) - 1;
			memcpy(err->code, qe, n);
			err->code[n] = '\0';
		}
	}
	msg = string_member(body, "message");
	if (!msg)
		msg = string_member(body, "Message");
	if (!msg)
		msg = string_member(body, "errorMessage");
	aws_parse_copy(err->message, sizeof(err->message), msg);
	cJSON_Delete(body);
	return 0;
}
