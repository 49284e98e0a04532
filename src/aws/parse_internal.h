/* parse_internal.h - what parse.c, parse_xml.c and parse_json.c share.
 * Not for use outside the parsers: the contract is aws_parse_response()
 * in protocol.h.
 *
 * Output follows botocore's parsed dicts (less ResponseMetadata):
 * timestamps become "YYYY-MM-DDTHH:MM:SS[.ffffff]Z" in UTC (fraction
 * trimmed of trailing zeros, absent when zero), blobs stay base64 text. */
#ifndef ECSW_AWS_PARSE_INTERNAL_H
#define ECSW_AWS_PARSE_INTERNAL_H

#include <cjson/cJSON.h>
#include <stdint.h>

#include "aws/protocol.h"

/* Largest response body we parse at all. */
#define AWS_PARSE_MAX_BODY (16u * 1024u * 1024u)

/* Room for the longest timestamp we write, NUL included. */
#define AWS_TS_MAX 40

/* A shape by index, NULL when out of range (the parsers' own check, so a
 * broken table cannot make them read out of bounds). */
const struct aws_shape *aws_parse_shape(const struct aws_service_model *svc,
					int index);

/* Timestamps: from text in any format botocore accepts (epoch seconds,
 * ISO-8601 with or without zone, RFC 822/1123), or from epoch seconds.
 * Both write our ISO form into out and return 0, or -1 when unreadable. */
int aws_ts_from_text(const char *text, char out[AWS_TS_MAX]);
int aws_ts_from_epoch(double seconds, char out[AWS_TS_MAX]);

/* Convert one text value (XML element text or an HTTP header) to a JSON
 * value of the scalar shape type; header selects rest-json header rules
 * (booleans case-insensitive, JSON-valued strings). NULL with err set
 * (kind PARSE) when the text does not fit the type; what names the member
 * for the message. */
cJSON *aws_parse_scalar_text(const struct aws_shape *sh, uint8_t flags,
			     const char *text, int header, const char *what,
			     struct aws_error *err);

/* Per-protocol halves of aws_parse_response(). Success: 2xx only. */
int aws_parse_xml_output(const struct aws_service_model *svc,
			 const struct aws_operation *op,
			 const struct aws_http_response *resp, cJSON **output,
			 struct aws_error *err);
int aws_parse_xml_error(const struct aws_service_model *svc,
			const struct aws_http_response *resp,
			struct aws_error *err);
int aws_parse_json_output(const struct aws_service_model *svc,
			  const struct aws_operation *op,
			  const struct aws_http_response *resp, cJSON **output,
			  struct aws_error *err);
int aws_parse_json_error(const struct aws_service_model *svc,
			 const struct aws_http_response *resp,
			 struct aws_error *err);

/* Copy at most size-1 bytes of s into dst, always terminated. */
void aws_parse_copy(char *dst, size_t size, const char *s);

#endif
