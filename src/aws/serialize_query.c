/* serialize_query.c - the ec2 and query protocols: a form-urlencoded POST
 * body "Action=Op&Version=V&Name.1.Sub=value...", as botocore's
 * QuerySerializer and EC2Serializer write it.
 *
 * The pairs come in the order of the input's members (botocore walks the
 * caller's dict, so does this), depth first. The differences between the
 * two protocols, all in names and lists:
 *   query: name = locationName or the member name; lists are
 *          Name.member.N (or Name.<locationName>.N), flattened lists
 *          Name.N (the last name part replaced by the member's
 *          locationName when it has one); an empty list is sent as
 *          "Name=" ; maps are Name.entry.N.key / .value.
 *   ec2:   name = queryName, else locationName with its first letter
 *          capitalised, else the member name; every list is flattened
 *          (Name.N) and an empty list sends nothing. */
#include "config.h"

#include <ctype.h>
#include <string.h>

#include "aws/serialize_internal.h"

struct query_state {
	struct ser_ctx *c;
	struct buf *body;
	int ec2;
};

/* A name without a NUL: ec2 capitalises the first letter of a
 * locationName, and the caller appends it to the prefix. */
static int append_name(struct query_state *q, struct buf *prefix,
		       const char *query_name, const char *location_name,
		       const char *dflt)
{
	if (q->ec2 && query_name)
		return buf_append_str(prefix, query_name);
	if (location_name) {
		if (q->ec2 && location_name[0]) {
			if (buf_append_char(prefix,
					    (char)toupper((unsigned char)
							  location_name[0])) <
			    0)
				return -1;
			return buf_append_str(prefix, location_name + 1);
		}
		return buf_append_str(prefix, location_name);
	}
	return buf_append_str(prefix, dflt);
}

static void truncate_to(struct buf *b, size_t len)
{
	if (b->data) {
		b->len = len;
		b->data[len] = '\0';
	}
}

static int add_pair(struct query_state *q, const char *key, const char *value)
{
	if (buf_append_char(q->body, '&') < 0 ||
	    aws_uri_encode(q->body, key, strlen(key), 0) < 0 ||
	    buf_append_char(q->body, '=') < 0 ||
	    aws_uri_encode(q->body, value, strlen(value), 0) < 0)
		return -1;
	return 0;
}

static int query_value(struct query_state *q, int index, int member_ts,
		       int ref_flags, const cJSON *v, struct buf *prefix);

static int query_structure(struct query_state *q, const struct aws_shape *s,
			   const cJSON *v, struct buf *prefix)
{
	const cJSON *child;
	size_t plen = prefix->len;

	cJSON_ArrayForEach(child, v)
	{
		const struct aws_member *m = NULL;
		for (int i = 0; i < s->member_count; i++)
			if (strcmp(s->members[i].name, child->string) == 0)
				m = &s->members[i];
		if (!m)
			continue; /* cannot happen: the input was checked */
		if (plen && buf_append_char(prefix, '.') < 0)
			return -1;
		if (append_name(q, prefix, m->query_name, m->location_name,
				m->name) < 0 ||
		    query_value(q, m->shape, m->timestamp_format, m->flags,
				child, prefix) < 0)
			return -1;
		truncate_to(prefix, plen);
	}
	return 0;
}

static int query_list(struct query_state *q, const struct aws_shape *s,
		      int ref_flags, const cJSON *v, struct buf *prefix)
{
	const cJSON *child;
	size_t plen = prefix->len, list_len;
	int i = 1;

	if (!q->ec2 && !v->child)
		return add_pair(q, buf_str(prefix), "");
	if (!q->ec2 && (ref_flags & AWS_F_FLATTENED)) {
		if (s->member_location_name) {
			/* Replace the last part of the name. */
			const char *dot = strrchr(buf_str(prefix), '.');
			truncate_to(prefix, dot ? (size_t)(dot - prefix->data) + 1
						: 0);
			if (buf_append_str(prefix, s->member_location_name) < 0)
				return -1;
		}
	} else if (!q->ec2) {
		if (buf_append_char(prefix, '.') < 0 ||
		    buf_append_str(prefix, s->member_location_name
						   ? s->member_location_name
						   : "member") < 0)
			return -1;
	}
	list_len = prefix->len;
	cJSON_ArrayForEach(child, v)
	{
		if (buf_printf(prefix, ".%d", i++) < 0 ||
		    query_value(q, s->member_shape, AWS_TS_DEFAULT,
				s->member_flags, child, prefix) < 0)
			return -1;
		truncate_to(prefix, list_len);
	}
	/* The prefix may have lost its tail above; the caller truncates to
	 * its own length, so restore nothing more than that. */
	truncate_to(prefix, plen < prefix->len ? plen : prefix->len);
	return 0;
}

static int query_map(struct query_state *q, const struct aws_shape *s,
		     int ref_flags, const cJSON *v, struct buf *prefix)
{
	const cJSON *child;
	size_t plen = prefix->len, entry_len;
	int i = 1;

	if (!(ref_flags & AWS_F_FLATTENED) &&
	    buf_append_str(prefix, ".entry") < 0)
		return -1;
	entry_len = prefix->len;
	cJSON_ArrayForEach(child, v)
	{
		size_t ilen;
		if (buf_printf(prefix, ".%d.", i++) < 0)
			return -1;
		ilen = prefix->len;
		if (append_name(q, prefix, NULL, s->key_location_name, "key") <
			    0 ||
		    add_pair(q, buf_str(prefix), child->string) < 0)
			return -1;
		truncate_to(prefix, ilen);
		if (append_name(q, prefix, NULL, s->value_location_name,
				"value") < 0 ||
		    query_value(q, s->value_shape, AWS_TS_DEFAULT, 0, child,
				prefix) < 0)
			return -1;
		truncate_to(prefix, entry_len);
	}
	truncate_to(prefix, plen);
	return 0;
}

static int query_value(struct query_state *q, int index, int member_ts,
		       int ref_flags, const cJSON *v, struct buf *prefix)
{
	const struct aws_shape *s = ser_shape(q->c, index);
	struct buf text;
	int rc;

	switch (s->type) {
	case AWS_T_STRUCTURE:
		return query_structure(q, s, v, prefix);
	case AWS_T_LIST:
		return query_list(q, s, ref_flags, v, prefix);
	case AWS_T_MAP:
		return query_map(q, s, ref_flags, v, prefix);
	default:
		break;
	}
	buf_init(&text, 0);
	rc = ser_scalar_text(&text, s, v,
			     ser_ts_format(member_ts, s, AWS_TS_ISO8601));
	if (rc == 0)
		rc = add_pair(q, buf_str(prefix), buf_str(&text));
	buf_free_secret(&text);
	return rc;
}

int ser_query(struct ser_ctx *c, const cJSON *input,
	      struct aws_http_request *req)
{
	struct query_state q = {c, &req->body, c->svc->protocol == AWS_PROTO_EC2};
	struct buf prefix;
	int rc = -1;

	buf_init(&prefix, 0);
	req->path = strdup("/");
	req->query = strdup("");
	if (!req->path || !req->query)
		goto out;
	if (buf_append_str(&req->body, "Action=") < 0 ||
	    aws_uri_encode(&req->body, c->op->name, strlen(c->op->name), 0) <
		    0 ||
	    buf_append_str(&req->body, "&Version=") < 0 ||
	    aws_uri_encode(&req->body, c->svc->api_version,
			   strlen(c->svc->api_version), 0) < 0)
		goto out;
	if (c->op->input_shape != AWS_NO_SHAPE &&
	    query_value(&q, c->op->input_shape, AWS_TS_DEFAULT, 0, input,
			&prefix) < 0)
		goto out;
	if (aws_http_request_add_header(
		    req, "Content-Type",
		    "application/x-www-form-urlencoded; charset=utf-8") < 0)
		goto out;
	rc = 0;
out:
	buf_free(&prefix);
	if (rc < 0)
		ser_nomem(c);
	return rc;
}
