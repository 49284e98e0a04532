/* xml.c - safe reading of XML response bodies. See xml.h.
 *
 * The DOCTYPE refusal is done in libxml2's SAX callbacks, before any
 * declaration inside the subset is looked at: the parser is stopped the
 * moment a DOCTYPE starts, so not even libxml2's own amplification limits
 * are relied on. A byte scan would not do, since a UTF-16 document hides
 * "<!DOCTYPE" from it. */
#include "config.h"

#include "aws/xml.h"

#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void xml_init(void)
{
	xmlInitParser();
}

/* Stop the parse and remember why; ctx is the parser context. */
static void refuse_dtd(void *ctx)
{
	xmlParserCtxtPtr ctxt = ctx;

	ctxt->_private = (void *)&xml_once; /* any non-NULL marker */
	xmlStopParser(ctxt);
}

static void on_internal_subset(void *ctx, const xmlChar *name,
			       const xmlChar *external_id,
			       const xmlChar *system_id)
{
	refuse_dtd(ctx);
}

static void on_entity_decl(void *ctx, const xmlChar *name, int type,
			   const xmlChar *public_id, const xmlChar *system_id,
			   xmlChar *content)
{
	refuse_dtd(ctx);
}

static void set_why(char *why, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_why(char *why, size_t size, const char *fmt, ...)
{
	va_list ap;

	if (!why || !size)
		return;
	va_start(ap, fmt);
	vsnprintf(why, size, fmt, ap);
	va_end(ap);
}

xmlDocPtr aws_xml_read(const char *data, size_t len,
		       enum aws_xml_status *status, char *why, size_t why_size)
{
	xmlParserCtxtPtr ctxt = NULL;
	xmlDocPtr doc = NULL;
	enum aws_xml_status st = AWS_XML_OK;
	/* NONET: never fetch; no NOENT, DTDLOAD, DTDATTR, HUGE or XINCLUDE:
	 * entities stay unexpanded and libxml2 keeps its depth limits. */
	const int opts = XML_PARSE_NONET | XML_PARSE_NOERROR |
			 XML_PARSE_NOWARNING | XML_PARSE_NOCDATA;

	if (why && why_size)
		why[0] = '\0';
	if (len > AWS_XML_MAX_BYTES) {
		st = AWS_XML_TOO_LARGE;
		set_why(why, why_size, "body larger than the limit");
		goto out;
	}
	if (len == 0) {
		st = AWS_XML_INVALID;
		set_why(why, why_size, "empty body");
		goto out;
	}
	pthread_once(&xml_once, xml_init);
	ctxt = xmlNewParserCtxt();
	if (!ctxt || !ctxt->sax) {
		st = AWS_XML_NOMEM;
		goto out;
	}
	ctxt->sax->internalSubset = on_internal_subset;
	ctxt->sax->externalSubset = on_internal_subset;
	ctxt->sax->entityDecl = on_entity_decl;
	ctxt->_private = NULL;
	doc = xmlCtxtReadMemory(ctxt, data, (int)len, NULL, NULL, opts);
	if (ctxt->_private) {
		st = AWS_XML_DOCTYPE;
		set_why(why, why_size, "a DOCTYPE is not allowed");
		goto out;
	}
	if (!doc || !ctxt->wellFormed || !xmlDocGetRootElement(doc)) {
		const xmlError *e = xmlCtxtGetLastError(ctxt);
		char msg[160] = "not well-formed";

		if (e && e->message) {
			snprintf(msg, sizeof(msg), "%s", e->message);
			msg[strcspn(msg, "\r\n")] = '\0';
		}
		st = (e && e->code == XML_ERR_NO_MEMORY) ? AWS_XML_NOMEM
							  : AWS_XML_INVALID;
		set_why(why, why_size, "%s (line %d)", msg, e ? e->line : 0);
		goto out;
	}
	/* Belt and braces: a DTD that slipped past the callbacks. */
	if (doc->intSubset || doc->extSubset) {
		st = AWS_XML_DOCTYPE;
		set_why(why, why_size, "a DOCTYPE is not allowed");
		goto out;
	}
out:
	if (st != AWS_XML_OK && doc) {
		xmlFreeDoc(doc);
		doc = NULL;
	}
	if (ctxt)
		xmlFreeParserCtxt(ctxt);
	if (status)
		*status = st;
	return doc;
}

static int name_is(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->name &&
	       strcmp((const char *)n->name, name) == 0;
}

xmlNodePtr aws_xml_first_element(const xmlNode *parent)
{
	for (xmlNodePtr n = parent ? parent->children : NULL; n; n = n->next)
		if (n->type == XML_ELEMENT_NODE)
			return n;
	return NULL;
}

xmlNodePtr aws_xml_next_element(const xmlNode *node)
{
	for (xmlNodePtr n = node ? node->next : NULL; n; n = n->next)
		if (n->type == XML_ELEMENT_NODE)
			return n;
	return NULL;
}

xmlNodePtr aws_xml_child(const xmlNode *parent, const char *name)
{
	for (xmlNodePtr n = parent ? parent->children : NULL; n; n = n->next)
		if (name_is(n, name))
			return n;
	return NULL;
}

xmlNodePtr aws_xml_next_named(const xmlNode *node)
{
	for (xmlNodePtr n = node->next; n; n = n->next)
		if (name_is(n, (const char *)node->name))
			return n;
	return NULL;
}

char *aws_xml_text(const xmlNode *node)
{
	size_t len = 0;
	char *s;

	for (xmlNodePtr n = node->children; n; n = n->next) {
		if (n->type == XML_ELEMENT_NODE)
			break;
		if ((n->type == XML_TEXT_NODE ||
		     n->type == XML_CDATA_SECTION_NODE) && n->content)
			len += strlen((const char *)n->content);
	}
	s = malloc(len + 1);
	if (!s)
		return NULL;
	len = 0;
	for (xmlNodePtr n = node->children; n; n = n->next) {
		if (n->type == XML_ELEMENT_NODE)
			break;
		if ((n->type == XML_TEXT_NODE ||
		     n->type == XML_CDATA_SECTION_NODE) && n->content) {
			size_t l = strlen((const char *)n->content);
			memcpy(s + len, n->content, l);
			len += l;
		}
	}
	s[len] = '\0';
	return s;
}
