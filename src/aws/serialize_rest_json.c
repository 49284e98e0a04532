/* serialize_rest_json.c - the rest-json protocol (EFS, API Gateway v2), as
 * botocore's RestJSONSerializer does it.
 *
 * Each top-level input member goes where its location says: into the
 * requestUri template ({Label} percent-encoded with '/' escaped, greedy
 * {Label+} with '/' kept), into the query string (lists repeat the key, a
 * map adds its pairs), into a header (lists comma-joined, timestamps
 * RFC 822, jsonvalue base64 of compact JSON), into prefixed headers (map),
 * or into the JSON body. The body is the payload member when the input
 * shape names one, else the JSON of the body members; "{}" when there are
 * none but the shape has body members, nothing when it has none at all.
 * A non-empty body gets Content-Type application/json. */
#include "config.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws/serialize_internal.h"

static const struct aws_member *member_by_name(const struct aws_shape *s,
					       const char *name)
{
	for (int i = 0; i < s->member_count; i++)
		if (strcmp(s->members[i].name, name) == 0)
			return &s->members[i];
	return NULL;
}

static int is_body_member(const struct aws_member *m)
{
	return m->location == AWS_LOC_BODY;
}

/* The text of a URI label or query string value. */
static int uri_text(struct ser_ctx *c, const struct aws_member *m,
		   int shape_index, const cJSON *v, struct buf *out)
{
	const struct aws_shape *s = ser_shape(c, shape_index);

	return ser_scalar_text(out, s, v,
			       ser_ts_format(m ? m->timestamp_format
					       : AWS_TS_DEFAULT,
					     s, AWS_TS_ISO8601));
}

static int render_uri(struct ser_ctx *c, const struct aws_shape *in_shape,
		      const cJSON *input, const char *tmpl, size_t tlen,
		      struct buf *path)
{
	const char *p = tmpl, *end = tmpl + tlen;
	struct buf text;
	int rc = -1;

	buf_init(&text, 0);
	while (p < end) {
		const char *open = memchr(p, '{', (size_t)(end - p));
		const char *close;
		const struct aws_member *m = NULL;
		const cJSON *v = NULL;
		size_t llen;
		int greedy;

		if (!open) {
			if (buf_append(path, p, (size_t)(end - p)) < 0)
				goto nomem;
			break;
		}
		if (buf_append(path, p, (size_t)(open - p)) < 0)
			goto nomem;
		close = memchr(open, '}', (size_t)(end - open));
		if (!close) {
			aws_error_set(c->err, AWS_ERR_INTERNAL, NULL,
				      "bad requestUri %s", c->op->request_uri);
			goto out;
		}
		llen = (size_t)(close - open - 1);
		greedy = llen > 0 && open[llen] == '+';
		if (greedy)
			llen--;
		for (int i = 0; i < in_shape->member_count; i++) {
			const struct aws_member *cand = &in_shape->members[i];
			const char *n = ser_member_name(cand);
			if (cand->location == AWS_LOC_URI &&
			    strlen(n) == llen && strncmp(n, open + 1, llen) == 0)
				m = cand;
		}
		if (m)
			v = cJSON_GetObjectItemCaseSensitive(input, m->name);
		if (!v) {
			aws_error_set(c->err, AWS_ERR_INPUT, NULL,
				      "missing required member \"%.*s\"",
				      (int)llen, open + 1);
			goto out;
		}
		buf_reset(&text);
		if (uri_text(c, m, m->shape, v, &text) < 0 ||
		    aws_uri_encode(path, buf_str(&text), text.len, greedy) < 0)
			goto nomem;
		p = close + 1;
	}
	rc = 0;
	goto out;
nomem:
	ser_nomem(c);
out:
	buf_free_secret(&text);
	return rc;
}

static int query_pair(struct buf *q, const char *key, const char *value)
{
	if (q->len && buf_append_char(q, '&') < 0)
		return -1;
	if (aws_uri_encode(q, key, strlen(key), 0) < 0 ||
	    buf_append_char(q, '=') < 0 ||
	    aws_uri_encode(q, value, strlen(value), 0) < 0)
		return -1;
	return 0;
}

static int add_querystring(struct ser_ctx *c, const struct aws_member *m,
			   const cJSON *v, struct buf *q)
{
	const struct aws_shape *s = ser_shape(c, m->shape);
	const cJSON *child, *el;
	struct buf text;
	int rc = -1;

	buf_init(&text, 0);
	if (s->type == AWS_T_MAP) {
		/* botocore merges the map's pairs into the query. */
		cJSON_ArrayForEach(child, v)
		{
			if (cJSON_IsArray(child)) {
				cJSON_ArrayForEach(el, child)
				{
					if (query_pair(q, child->string,
						       cJSON_IsString(el)
							       ? el->valuestring
							       : "") < 0)
						goto out;
				}
			} else if (query_pair(q, child->string,
					      cJSON_IsString(child)
						      ? child->valuestring
						      : "") < 0) {
				goto out;
			}
		}
	} else if (s->type == AWS_T_LIST) {
		cJSON_ArrayForEach(el, v)
		{
			buf_reset(&text);
			if (uri_text(c, NULL, s->member_shape, el, &text) < 0 ||
			    query_pair(q, ser_member_name(m), buf_str(&text)) <
				    0)
				goto out;
		}
	} else {
		if (uri_text(c, m, m->shape, v, &text) < 0 ||
		    query_pair(q, ser_member_name(m), buf_str(&text)) < 0)
			goto out;
	}
	rc = 0;
out:
	buf_free_secret(&text);
	return rc;
}

static int base64_append(struct buf *out, const char *s, size_t len)
{
	unsigned char *enc = malloc(4 * ((len + 2) / 3) + 1);
	int n, rc;

	if (!enc)
		return -1;
	n = EVP_EncodeBlock(enc, (const unsigned char *)s, (int)len);
	rc = n < 0 ? -1 : buf_append(out, enc, (size_t)n);
	free(enc);
	return rc;
}

/* A header value as botocore's _convert_header_value writes it. */
static int header_text(struct ser_ctx *c, const struct aws_member *m,
		       int shape_index, int flags, const cJSON *v,
		       struct buf *out)
{
	const struct aws_shape *s = ser_shape(c, shape_index);
	const cJSON *el;
	int first = 1;

	if (s->type == AWS_T_TIMESTAMP) {
		/* Whole seconds: botocore goes through timegm() first. */
		cJSON *secs = cJSON_CreateNumber(
			(double)ser_timestamp_epoch(v));
		int rc = secs ? ser_timestamp(out, secs,
					      ser_ts_format(m ? m->timestamp_format
							      : AWS_TS_DEFAULT,
							    s, AWS_TS_RFC822))
			      : -1;
		cJSON_Delete(secs);
		return rc;
	}
	if (s->type == AWS_T_LIST) {
		const struct aws_shape *ms = ser_shape(c, s->member_shape);
		cJSON_ArrayForEach(el, v)
		{
			if (!first && buf_append_char(out, ',') < 0)
				return -1;
			first = 0;
			if (ms->type == AWS_T_STRING &&
			    (strchr(el->valuestring, '"') ||
			     strchr(el->valuestring, ','))) {
				if (buf_append_char(out, '"') < 0)
					return -1;
				for (const char *p = el->valuestring; *p; p++)
					if ((*p == '"' &&
					     buf_append_char(out, '\\') < 0) ||
					    buf_append_char(out, *p) < 0)
						return -1;
				if (buf_append_char(out, '"') < 0)
					return -1;
			} else if (header_text(c, NULL, s->member_shape,
					       s->member_flags, el, out) < 0) {
				return -1;
			}
		}
		return 0;
	}
	if (flags & AWS_F_JSONVALUE) {
		/* The value is JSON text; botocore re-dumps it compactly. */
		cJSON *doc = cJSON_Parse(v->valuestring);
		char *compact = doc ? cJSON_PrintUnformatted(doc) : NULL;
		int rc = compact ? base64_append(out, compact, strlen(compact))
				 : base64_append(out, v->valuestring,
						 strlen(v->valuestring));
		free(compact);
		cJSON_Delete(doc);
		return rc;
	}
	return ser_scalar_text(out, s, v, AWS_TS_ISO8601);
}

static int has_header(const struct aws_http_request *req, const char *name)
{
	for (size_t i = 0; i < req->header_count; i++)
		if (strcasecmp(req->headers[i].name, name) == 0)
			return 1;
	return 0;
}

int ser_rest_json(struct ser_ctx *c, const cJSON *input,
		  struct aws_http_request *req)
{
	const struct aws_shape *in_shape = NULL;
	const char *tmpl = c->op->request_uri ? c->op->request_uri : "/";
	const char *qmark = strchr(tmpl, '?');
	size_t tlen = qmark ? (size_t)(qmark - tmpl) : strlen(tmpl);
	struct buf path, query, text;
	const cJSON *child;
	cJSON *body = NULL;
	int rc = -1, body_members = 0, oom = 1;

	buf_init(&path, 0);
	buf_init(&query, 0);
	buf_init(&text, 0);
	if (qmark && buf_append_str(&query, qmark + 1) < 0)
		goto out;
	if (c->op->input_shape == AWS_NO_SHAPE) {
		if (buf_append(&path, tmpl, tlen) < 0)
			goto out;
		goto done;
	}
	in_shape = ser_shape(c, c->op->input_shape);
	if (render_uri(c, in_shape, input, tmpl, tlen, &path) < 0) {
		oom = 0;
		goto out;
	}
	cJSON_ArrayForEach(child, input)
	{
		const struct aws_member *m = member_by_name(in_shape,
							    child->string);
		const struct aws_shape *ms;
		const cJSON *el;

		if (!m)
			continue;
		ms = ser_shape(c, m->shape);
		switch (m->location) {
		case AWS_LOC_QUERYSTRING:
			if (add_querystring(c, m, child, &query) < 0)
				goto out;
			break;
		case AWS_LOC_HEADER:
			if (ms->type == AWS_T_LIST && !child->child)
				break; /* empty lists are not sent */
			buf_reset(&text);
			if (header_text(c, m, m->shape, m->flags, child, &text) <
				    0 ||
			    aws_http_request_add_header(req, ser_member_name(m),
							buf_str(&text)) < 0)
				goto out;
			break;
		case AWS_LOC_HEADERS:
			cJSON_ArrayForEach(el, child)
			{
				buf_reset(&text);
				if (buf_printf(&text, "%s%s", ser_member_name(m),
					       el->string) < 0 ||
				    aws_http_request_add_header(
					    req, buf_str(&text),
					    cJSON_IsString(el) ? el->valuestring
							       : "") < 0)
					goto out;
			}
			break;
		case AWS_LOC_BODY:
			body_members++;
			break;
		default:
			break;
		}
	}

	if (in_shape->payload) {
		const struct aws_member *pm = member_by_name(in_shape,
							     in_shape->payload);
		const cJSON *pv = cJSON_GetObjectItemCaseSensitive(
			input, in_shape->payload);
		const struct aws_shape *ps = pm ? ser_shape(c, pm->shape) : NULL;
		if (ps && (ps->type == AWS_T_STRING || ps->type == AWS_T_BLOB)) {
			/* A raw payload: the string as given. */
			if (pv && buf_append_str(&req->body, pv->valuestring) < 0)
				goto out;
			goto done;
		}
		body = pv && pm ? ser_json_value(c, pm->shape,
						 pm->timestamp_format, pv)
				: cJSON_CreateObject();
		if (!body)
			goto out;
	} else if (body_members) {
		body = ser_json_struct(c, in_shape, input, is_body_member);
		if (!body)
			goto out;
	} else {
		for (int i = 0; i < in_shape->member_count; i++)
			if (in_shape->members[i].location == AWS_LOC_BODY) {
				body = cJSON_CreateObject();
				if (!body)
					goto out;
				break;
			}
	}
	if (body) {
		char *printed = cJSON_PrintUnformatted(body);
		if (!printed)
			goto out;
		rc = buf_append_str(&req->body, printed);
		OPENSSL_cleanse(printed, strlen(printed));
		free(printed);
		if (rc < 0)
			goto out;
		rc = -1;
	}
	if (req->body.len && !has_header(req, "Content-Type") &&
	    aws_http_request_add_header(req, "Content-Type",
					"application/json") < 0)
		goto out;
done:
	req->path = buf_take(&path);
	req->query = buf_take(&query);
	if (!req->path || !req->query)
		goto out;
	rc = 0;
out:
	if (rc < 0 && oom)
		ser_nomem(c);
	ser_json_wipe(body);
	cJSON_Delete(body);
	buf_free(&path);
	buf_free(&query);
	buf_free_secret(&text);
	return rc;
}
