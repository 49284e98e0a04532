/* parse_xml.c - ec2 and query responses: output structures and errors.
 *
 * Walks the output shape of the model over the XML tree the way botocore's
 * QueryParser / EC2QueryParser do: a member is found by its locationName
 * (or its name), a flattened list by its member's locationName; lists
 * take every child element of their wrapper (<member> for query, <item>
 * for ec2, botocore does not check the name), flattened ones every
 * sibling of the same name; maps read <entry><key/><value/></entry> or the
 * model's key/value names. A repeated scalar keeps its last value and a
 * repeated structure its first, as botocore does.
 *
 * Errors: query <ErrorResponse><Error><Code/><Message/></Error>
 * <RequestId/></ErrorResponse>, ec2 <Response><Errors><Error>...</Error>
 * </Errors><RequestID/></Response>; either family is accepted from
 * either protocol, as botocore does. */
#include "config.h"

#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/parse_internal.h"
#include "aws/xml.h"

struct xctx {
	const struct aws_service_model *svc;
	struct aws_error *err;
};

static cJSON *xml_value(struct xctx *c, const struct aws_shape *sh,
			uint8_t flags, xmlNodePtr node, const char *what);

static int nomem(struct xctx *c)
{
	aws_error_set(c->err, AWS_ERR_NOMEM, "", "out of memory");
	return -1;
}

static const struct aws_shape *shape_or_fail(struct xctx *c, int index,
					     const char *what)
{
	const struct aws_shape *sh = aws_parse_shape(c->svc, index);

	if (!sh)
		aws_error_set(c->err, AWS_ERR_INTERNAL, "",
			      "member %s: shape %d not in the %s model", what,
			      index, c->svc->name);
	return sh;
}

/* Set obj[key] = item, replacing an earlier value as a dict would. */
static void obj_set(cJSON *obj, const char *key, cJSON *item)
{
	if (cJSON_GetObjectItemCaseSensitive(obj, key))
		cJSON_ReplaceItemInObjectCaseSensitive(obj, key, item);
	else
		cJSON_AddItemToObject(obj, key, item);
}

static int is_flattened(const struct aws_shape *sh, uint8_t flags)
{
	return ((flags | sh->flags) & AWS_F_FLATTENED) != 0;
}

/* The element name a structure member is found under (botocore's
 * _member_key_name). */
static const char *member_xml_name(const struct aws_member *m,
				   const struct aws_shape *sh)
{
	if (sh->type == AWS_T_LIST && is_flattened(sh, m->flags) &&
	    sh->member_location_name)
		return sh->member_location_name;
	return m->location_name ? m->location_name : m->name;
}

static cJSON *xml_scalar(struct xctx *c, const struct aws_shape *sh,
			 uint8_t flags, xmlNodePtr node, const char *what)
{
	char *text = aws_xml_text(node);
	cJSON *v;

	if (!text) {
		nomem(c);
		return NULL;
	}
	v = aws_parse_scalar_text(sh, flags, text, 0, what, c->err);
	free(text);
	return v;
}

/* first: the wrapper element, or (flattened) the first item element. */
static cJSON *xml_list(struct xctx *c, const struct aws_shape *sh,
		       uint8_t flags, xmlNodePtr first, const char *what)
{
	const struct aws_shape *msh = shape_or_fail(c, sh->member_shape, what);
	cJSON *arr = cJSON_CreateArray();
	xmlNodePtr n;

	if (!msh || !arr) {
		if (!arr && msh)
			nomem(c);
		cJSON_Delete(arr);
		return NULL;
	}
	n = is_flattened(sh, flags) ? first : aws_xml_first_element(first);
	while (n) {
		cJSON *v = xml_value(c, msh, sh->member_flags, n, what);

		if (!v) {
			cJSON_Delete(arr);
			return NULL;
		}
		cJSON_AddItemToArray(arr, v);
		n = is_flattened(sh, flags) ? aws_xml_next_named(n)
					    : aws_xml_next_element(n);
	}
	return arr;
}

static cJSON *xml_map(struct xctx *c, const struct aws_shape *sh,
		      uint8_t flags, xmlNodePtr first, const char *what)
{
	const struct aws_shape *ksh = shape_or_fail(c, sh->key_shape, what);
	const struct aws_shape *vsh = shape_or_fail(c, sh->value_shape, what);
	const char *kname = sh->key_location_name ? sh->key_location_name : "key";
	const char *vname =
		sh->value_location_name ? sh->value_location_name : "value";
	int flat = is_flattened(sh, flags);
	cJSON *obj = NULL;
	xmlNodePtr entry;

	if (!ksh || !vsh)
		return NULL;
	obj = cJSON_CreateObject();
	if (!obj) {
		nomem(c);
		return NULL;
	}
	entry = flat ? first : aws_xml_first_element(first);
	for (; entry; entry = flat ? aws_xml_next_named(entry)
				   : aws_xml_next_element(entry)) {
		char *key = NULL;
		cJSON *val = NULL;

		for (xmlNodePtr kv = aws_xml_first_element(entry); kv;
		     kv = aws_xml_next_element(kv)) {
			const char *tag = (const char *)kv->name;

			if (strcmp(tag, kname) == 0) {
				free(key);
				key = aws_xml_text(kv);
				if (!key)
					nomem(c);
			} else if (strcmp(tag, vname) == 0) {
				cJSON_Delete(val);
				val = xml_value(c, vsh, 0, kv, what);
			} else {
				aws_error_set(c->err, AWS_ERR_PARSE,
					      "InvalidResponse",
					      "member %s: unexpected <%.64s> in a map entry",
					      what, tag);
				cJSON_Delete(val);
				val = NULL;
			}
			if (!val && c->err->kind != AWS_ERR_NONE)
				break;
		}
		if (c->err->kind == AWS_ERR_NONE && (!key || !val))
			aws_error_set(c->err, AWS_ERR_PARSE, "InvalidResponse",
				      "member %s: map entry without a <%s> or <%s>",
				      what, kname, vname);
		if (c->err->kind != AWS_ERR_NONE) {
			free(key);
			cJSON_Delete(val);
			cJSON_Delete(obj);
			return NULL;
		}
		obj_set(obj, key, val);
		free(key);
	}
	return obj;
}

static cJSON *xml_structure(struct xctx *c, const struct aws_shape *sh,
			    xmlNodePtr node)
{
	cJSON *obj = cJSON_CreateObject();

	if (!obj) {
		nomem(c);
		return NULL;
	}
	for (int i = 0; i < sh->member_count; i++) {
		const struct aws_member *m = &sh->members[i];
		const struct aws_shape *msh = shape_or_fail(c, m->shape, m->name);
		xmlNodePtr found, last;
		cJSON *v;

		if (!msh)
			goto fail;
		/* Header and status members never come from an XML body. */
		if (m->location != AWS_LOC_BODY)
			continue;
		found = aws_xml_child(node, member_xml_name(m, msh));
		if (!found) {
			xmlChar *attr;

			if (!(m->flags & AWS_F_XML_ATTRIBUTE) || !m->location_name)
				continue;
			attr = xmlGetNoNsProp(node,
					      (const xmlChar *)m->location_name);
			if (!attr)
				continue;
			v = cJSON_CreateString((const char *)attr);
			xmlFree(attr);
			if (!v) {
				nomem(c);
				goto fail;
			}
			cJSON_AddItemToObject(obj, m->name, v);
			continue;
		}
		if (msh->type != AWS_T_STRUCTURE && msh->type != AWS_T_LIST &&
		    msh->type != AWS_T_MAP) {
			/* botocore's _text_content keeps the last of repeats. */
			last = aws_xml_next_named(found);
			while (last) {
				found = last;
				last = aws_xml_next_named(found);
			}
		}
		v = xml_value(c, msh, m->flags, found, m->name);
		if (!v)
			goto fail;
		cJSON_AddItemToObject(obj, m->name, v);
	}
	return obj;
fail:
	cJSON_Delete(obj);
	return NULL;
}

static cJSON *xml_value(struct xctx *c, const struct aws_shape *sh,
			uint8_t flags, xmlNodePtr node, const char *what)
{
	switch (sh->type) {
	case AWS_T_STRUCTURE:
		return xml_structure(c, sh, node);
	case AWS_T_LIST:
		return xml_list(c, sh, flags, node, what);
	case AWS_T_MAP:
		return xml_map(c, sh, flags, node, what);
	default:
		return xml_scalar(c, sh, flags, node, what);
	}
}

/* Parse the body or fill err with a PARSE error naming the status. */
static xmlDocPtr read_body(const struct aws_http_response *resp,
			   struct aws_error *err)
{
	enum aws_xml_status st;
	char why[200];
	xmlDocPtr doc;

	if (!resp->body.len) {
		aws_error_set(err, AWS_ERR_PARSE, "InvalidResponse",
			      "HTTP %ld response has an empty body where XML was expected",
			      resp->status);
		return NULL;
	}
	doc = aws_xml_read(buf_str(&resp->body), resp->body.len, &st, why,
			   sizeof(why));
	if (doc)
		return doc;
	switch (st) {
	case AWS_XML_DOCTYPE:
		aws_error_set(err, AWS_ERR_PARSE, "UnsafeXML",
			      "HTTP %ld response refused: it declares a DOCTYPE",
			      resp->status);
		break;
	case AWS_XML_TOO_LARGE:
		aws_error_set(err, AWS_ERR_PARSE, "ResponseTooLarge",
			      "HTTP %ld response body of %zu bytes is over the %u-byte limit",
			      resp->status, resp->body.len, AWS_XML_MAX_BYTES);
		break;
	case AWS_XML_NOMEM:
		aws_error_set(err, AWS_ERR_NOMEM, "", "out of memory");
		break;
	default:
		aws_error_set(err, AWS_ERR_PARSE, "InvalidResponse",
			      "HTTP %ld response is not valid XML: %s",
			      resp->status, why);
		break;
	}
	return NULL;
}

int aws_parse_xml_output(const struct aws_service_model *svc,
			 const struct aws_operation *op,
			 const struct aws_http_response *resp, cJSON **output,
			 struct aws_error *err)
{
	struct xctx c = {svc, err};
	const struct aws_shape *sh;
	xmlDocPtr doc = NULL;
	xmlNodePtr start;
	int rc = -1;

	/* Nothing to read: whatever the body says does not matter. */
	if (op->output_shape == AWS_NO_SHAPE && !resp->body.len) {
		*output = cJSON_CreateObject();
		return *output ? 0 : nomem(&c);
	}
	doc = read_body(resp, err);
	if (!doc)
		goto out;
	if (op->output_shape == AWS_NO_SHAPE) {
		*output = cJSON_CreateObject();
		rc = *output ? 0 : nomem(&c);
		goto out;
	}
	sh = shape_or_fail(&c, op->output_shape, op->name);
	if (!sh)
		goto out;
	start = xmlDocGetRootElement(doc);
	if (op->result_wrapper) {
		start = aws_xml_child(start, op->result_wrapper);
		if (!start) {
			aws_error_set(err, AWS_ERR_PARSE, "InvalidResponse",
				      "HTTP %ld response has no <%s> element",
				      resp->status, op->result_wrapper);
			goto out;
		}
	}
	*output = xml_value(&c, sh, 0, start, op->name);
	if (*output)
		rc = 0;
out:
	if (doc)
		xmlFreeDoc(doc);
	return rc;
}

/* Copy the text of parent's child element name into dst, if present. */
static void child_text(const xmlNode *parent, const char *name, char *dst,
		       size_t size)
{
	xmlNodePtr n = aws_xml_child(parent, name);
	char *text;

	if (!n || dst[0])
		return;
	text = aws_xml_text(n);
	if (text)
		aws_parse_copy(dst, size, text);
	free(text);
}

int aws_parse_xml_error(const struct aws_service_model *svc,
			const struct aws_http_response *resp,
			struct aws_error *err)
{
	xmlDocPtr doc = read_body(resp, err);
	xmlNodePtr root, error;
	int rc = -1;

	if (!doc)
		return -1;
	root = xmlDocGetRootElement(doc);
	if (strcmp((const char *)root->name, "Error") == 0) {
		error = root;
	} else {
		error = aws_xml_child(root, "Error");
		if (!error)
			error = aws_xml_child(aws_xml_child(root, "Errors"),
					      "Error");
	}
	if (!error) {
		aws_error_set(err, AWS_ERR_PARSE, "InvalidResponse",
			      "HTTP %ld response without an <Error> element (root <%.64s>)",
			      resp->status, (const char *)root->name);
		goto out;
	}
	err->kind = AWS_ERR_SERVICE;
	child_text(error, "Code", err->code, sizeof(err->code));
	child_text(error, "Message", err->message, sizeof(err->message));
	child_text(root, "RequestId", err->request_id, sizeof(err->request_id));
	child_text(root, "RequestID", err->request_id, sizeof(err->request_id));
	child_text(error, "RequestId", err->request_id, sizeof(err->request_id));
	if (!err->code[0])
		snprintf(err->code, sizeof(err->code), "%ld", resp->status);
	rc = 0;
out:
	xmlFreeDoc(doc);
	return rc;
}
