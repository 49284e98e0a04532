/* http_message.c - HTTP requests and responses as plain data, and the
 * percent-encoding AWS signs. Shared by the serialisers, the signer, the
 * transport and the parsers. See protocol.h. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws/protocol.h"

void aws_http_request_init(struct aws_http_request *req)
{
	memset(req, 0, sizeof(*req));
	buf_init(&req->body, 0);
}

static void headers_free(struct aws_header *h, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(h[i].name);
		free(h[i].value);
	}
	free(h);
}

void aws_http_request_free(struct aws_http_request *req)
{
	free(req->method);
	free(req->path);
	free(req->query);
	headers_free(req->headers, req->header_count);
	buf_free(&req->body);
	memset(req, 0, sizeof(*req));
	buf_init(&req->body, 0);
}

/* Append a copy of name/value to a header array. */
static int headers_add(struct aws_header **arr, size_t *count,
		       const char *name, const char *value)
{
	struct aws_header *h;
	char *n = strdup(name), *v = strdup(value ? value : "");

	h = realloc(*arr, (*count + 1) * sizeof(**arr));
	if (!n || !v || !h) {
		free(n);
		free(v);
		if (h)
			*arr = h;
		return -1;
	}
	*arr = h;
	h[*count].name = n;
	h[*count].value = v;
	(*count)++;
	return 0;
}

int aws_http_request_add_header(struct aws_http_request *req, const char *name,
				const char *value)
{
	return headers_add(&req->headers, &req->header_count, name, value);
}

void aws_http_response_init(struct aws_http_response *resp)
{
	memset(resp, 0, sizeof(*resp));
	buf_init(&resp->body, 0);
}

void aws_http_response_free(struct aws_http_response *resp)
{
	headers_free(resp->headers, resp->header_count);
	buf_free(&resp->body);
	memset(resp, 0, sizeof(*resp));
	buf_init(&resp->body, 0);
}

int aws_http_response_add_header(struct aws_http_response *resp,
				 const char *name, const char *value)
{
	return headers_add(&resp->headers, &resp->header_count, name, value);
}

const char *aws_http_response_header(const struct aws_http_response *resp,
				     const char *name)
{
	for (size_t i = 0; i < resp->header_count; i++)
		if (strcasecmp(resp->headers[i].name, name) == 0)
			return resp->headers[i].value;
	return NULL;
}

int aws_uri_encode(struct buf *out, const char *s, size_t len, int keep_slash)
{
	static const char hex[] = "0123456789ABCDEF";

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		int plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
			    c == '.' || c == '~' || (keep_slash && c == '/');
		if (plain) {
			if (buf_append_char(out, (char)c) < 0)
				return -1;
		} else {
			char esc[3] = {'%', hex[c >> 4], hex[c & 15]};
			if (buf_append(out, esc, 3) < 0)
				return -1;
		}
	}
	return 0;
}
