/* error.c - filling and wording struct aws_error. See error.h. */
#include "config.h"

#include "aws/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void aws_error_clear(struct aws_error *err)
{
	if (!err)
		return;
	memset(err, 0, sizeof(*err));
}

void aws_error_set(struct aws_error *err, enum aws_error_kind kind,
		   const char *code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	err->kind = kind;
	snprintf(err->code, sizeof(err->code), "%s", code ? code : "");
	err->subject[0] = '\0';
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
}

void aws_error_where(struct aws_error *err, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	vsnprintf(err->where, sizeof(err->where), fmt, ap);
	va_end(ap);
}

char *aws_error_format(const struct aws_error *err, char *out, unsigned size)
{
	int n = 0;

	if (!size)
		return out;
	out[0] = '\0';
	if (err->where[0])
		n = snprintf(out, size, "%s: ", err->where);
	if (n >= 0 && (unsigned)n < size && err->code[0])
		n += snprintf(out + n, size - n, "%s: ", err->code);
	if (n >= 0 && (unsigned)n < size)
		n += snprintf(out + n, size - n, "%s", err->message);
	if (n >= 0 && (unsigned)n < size && err->request_id[0])
		snprintf(out + n, size - n, " (request id %s)", err->request_id);
	return out;
}

const char *aws_error_kind_name(enum aws_error_kind k)
{
	switch (k) {
	case AWS_ERR_NONE: return "none";
	case AWS_ERR_SERVICE: return "service";
	case AWS_ERR_NETWORK: return "network";
	case AWS_ERR_TIMEOUT: return "timeout";
	case AWS_ERR_PARSE: return "parse";
	case AWS_ERR_INPUT: return "input";
	case AWS_ERR_CREDENTIALS: return "credentials";
	case AWS_ERR_CONFIG: return "config";
	case AWS_ERR_NOMEM: return "nomem";
	case AWS_ERR_CANCELLED: return "cancelled";
	case AWS_ERR_INTERNAL: return "internal";
	}
	return "internal";
}
