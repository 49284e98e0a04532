/* xml.h - reading untrusted XML response bodies with libxml2, safely.
 *
 * AWS's ec2 and query protocols answer in XML that we must treat as
 * hostile input: a document may not reach the network (XML_PARSE_NONET),
 * expand entities (no XML_PARSE_NOENT), load or even declare a DTD (any
 * DOCTYPE is refused: AWS never sends one, and an internal subset is where
 * billion-laughs and external-entity attacks live), nest deeper than
 * libxml2's default limit, or be larger than AWS_XML_MAX_BYTES.
 *
 * Element names are compared by local name, namespaces ignored, as
 * botocore does. Text is read from text and CDATA children only, so an
 * entity reference node can never be expanded behind our back. */
#ifndef ECSW_AWS_XML_H
#define ECSW_AWS_XML_H

#include <libxml/tree.h>
#include <stddef.h>

/* Largest body we hand to the XML parser (also the json parser's cap). */
#define AWS_XML_MAX_BYTES (16u * 1024u * 1024u)

enum aws_xml_status {
	AWS_XML_OK = 0,
	AWS_XML_TOO_LARGE, /* len > AWS_XML_MAX_BYTES */
	AWS_XML_DOCTYPE,   /* a DOCTYPE / DTD was present: refused */
	AWS_XML_INVALID,   /* not well-formed (why says where) */
	AWS_XML_NOMEM,
};

/* Parse data[0..len) into a document (caller frees with xmlFreeDoc), or
 * NULL with a status and a one-line reason in why (may be NULL). */
xmlDocPtr aws_xml_read(const char *data, size_t len,
		       enum aws_xml_status *status, char *why,
		       size_t why_size);
/* The first element child of parent whose local name is name; borrowed. */
xmlNodePtr aws_xml_child(const xmlNode *parent, const char *name);
/* The next element sibling after node with the same local name. */
xmlNodePtr aws_xml_next_named(const xmlNode *node);
/* The first element child of parent, or the element after node. */
xmlNodePtr aws_xml_first_element(const xmlNode *parent);
xmlNodePtr aws_xml_next_element(const xmlNode *node);
/* The text of an element as ElementTree's .text: the text and CDATA
 * before its first child element; "" when empty. Caller frees; NULL on
 * OOM. */
char *aws_xml_text(const xmlNode *node);

#endif
