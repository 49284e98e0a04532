/* parse.c - aws_parse_response(): dispatch by protocol, the errors every
 * protocol shares (oversized bodies, bare 5xx pages), and the value
 * conversions the XML and JSON halves share (timestamps, header text).
 *
 * Behaviour follows botocore's parsers.py so that our output can be diffed
 * against botocore's (tests/diff_parse.py): a status of 2xx is success,
 * anything else an error; a 5xx whose body is empty or an HTML page is a
 * "generic" error whose code is the status number. Where botocore would
 * raise on a body that does not parse, we fill an AWS_ERR_PARSE error that
 * names the HTTP status instead. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h> /* isfinite, a macro */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws/parse_internal.h"

const struct aws_shape *aws_parse_shape(const struct aws_service_model *svc,
					int index)
{
	if (!svc || index < 0 || index >= svc->shape_count)
		return NULL;
	return &svc->shapes[index];
}

void aws_parse_copy(char *dst, size_t size, const char *s)
{
	if (!size)
		return;
	snprintf(dst, size, "%s", s ? s : "");
}

/* ---- timestamps ---------------------------------------------------- */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

/* Seconds of 0001-01-01 and of 10000-01-01: Python's datetime range. */
#define TS_MIN_SECONDS (-62135596800LL)
#define TS_END_SECONDS (253402300800LL)

static int ts_format(int64_t sec, long usec, char out[AWS_TS_MAX])
{
	int64_t days, rem, y;
	unsigned mo, d;
	int n;

	if (sec < TS_MIN_SECONDS || sec >= TS_END_SECONDS || usec < 0 ||
	    usec > 999999)
		return -1;
	days = sec / 86400;
	rem = sec % 86400;
	if (rem < 0) {
		rem += 86400;
		days--;
	}
	civil_from_days(days, &y, &mo, &d);
	n = snprintf(out, AWS_TS_MAX, "%04" PRId64 "-%02u-%02uT%02d:%02d:%02d",
		     y, mo, d, (int)(rem / 3600), (int)(rem / 60 % 60),
		     (int)(rem % 60));
	if (usec) {
		char frac[8];
		size_t l;

		snprintf(frac, sizeof(frac), ".%06ld", usec);
		l = strlen(frac);
		while (frac[l - 1] == '0')
			frac[--l] = '\0';
		n += snprintf(out + n, AWS_TS_MAX - n, "%s", frac);
	}
	snprintf(out + n, AWS_TS_MAX - n, "Z");
	return 0;
}

int aws_ts_from_epoch(double seconds, char out[AWS_TS_MAX])
{
	double whole, frac;
	long usec;

	if (!isfinite(seconds) || seconds < (double)TS_MIN_SECONDS ||
	    seconds >= (double)TS_END_SECONDS)
		return -1;
	/* As Python's datetime.fromtimestamp: round to the microsecond.
	 * Done without libm, which the engine does not link. */
	whole = (double)(int64_t)seconds;
	if (whole > seconds)
		whole -= 1;
	frac = seconds - whole;
	usec = (long)(frac * 1e6 + 0.5);
	if (usec >= 1000000) {
		usec -= 1000000;
		whole += 1;
	}
	return ts_format((int64_t)whole, usec, out);
}

/* Read exactly n digits into *v. */
static int digits(const char **p, int n, int *v)
{
	int x = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -1;
		x = x * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*v = x;
	return 0;
}

/* Zone suffix: "", Z, UTC, GMT, +HH, +HH:MM, +HHMM (and '-'). */
static int zone_offset(const char *p, long *offset)
{
	int sign, hh, mm = 0;

	while (*p == ' ')
		p++;
	*offset = 0;
	if (!*p || strcasecmp(p, "Z") == 0 || strcasecmp(p, "UTC") == 0 ||
	    strcasecmp(p, "GMT") == 0 || strcasecmp(p, "UT") == 0)
		return 0;
	if (*p != '+' && *p != '-')
		return -1;
	sign = *p == '-' ? -1 : 1;
	p++;
	if (digits(&p, 2, &hh) < 0)
		return -1;
	if (*p == ':')
		p++;
	if (*p && digits(&p, 2, &mm) < 0)
		return -1;
	if (*p || hh > 23 || mm > 59)
		return -1;
	*offset = sign * (hh * 3600L + mm * 60L);
	return 0;
}

static int days_in_month(int y, int m)
{
	static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : dm[m - 1];
}

static int ts_build(int y, int mo, int d, int h, int mi, int s, long usec,
		    long offset, char out[AWS_TS_MAX])
{
	int64_t sec;

	if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) ||
	    h > 23 || mi > 59 || s > 59)
		return -1;
	sec = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 +
	      h * 3600 + mi * 60 + s - offset;
	return ts_format(sec, usec, out);
}

/* Up to six fraction digits as microseconds (more are dropped, as
 * dateutil does). */
static long fraction(const char **p)
{
	long us = 0;
	int n = 0;

	while (isdigit((unsigned char)**p)) {
		if (n < 6) {
			us = us * 10 + (**p - '0');
			n++;
		}
		(*p)++;
	}
	while (n++ < 6)
		us *= 10;
	return us;
}

/* ISO 8601: 2026-11-28[T ]04:17:05[.123][zone], 20261128T041705Z, a bare
 * date. */
static int ts_iso(const char *p, char out[AWS_TS_MAX])
{
	int y, mo, d, h = 0, mi = 0, s = 0, basic;
	long usec = 0, offset;

	if (digits(&p, 4, &y) < 0)
		return -1;
	basic = *p != '-';
	if (!basic)
		p++;
	if (digits(&p, 2, &mo) < 0)
		return -1;
	if (!basic && *p++ != '-')
		return -1;
	if (digits(&p, 2, &d) < 0)
		return -1;
	if (*p == 'T' || *p == 't' || (*p == ' ' && isdigit((unsigned char)p[1]))) {
		p++;
		if (digits(&p, 2, &h) < 0)
			return -1;
		if (!basic && *p == ':')
			p++;
		if (digits(&p, 2, &mi) < 0)
			return -1;
		if (!basic && *p == ':')
			p++;
		if (isdigit((unsigned char)*p)) {
			if (digits(&p, 2, &s) < 0)
				return -1;
			if (*p == '.' || *p == ',') {
				p++;
				if (!isdigit((unsigned char)*p))
					return -1;
				usec = fraction(&p);
			}
		}
	}
	if (zone_offset(p, &offset) < 0)
		return -1;
	return ts_build(y, mo, d, h, mi, s, usec, offset, out);
}

/* RFC 822 / 1123: [Sat, ]28 Nov 2026 04:17:05 GMT */
static int ts_rfc822(const char *p, char out[AWS_TS_MAX])
{
	static const char *const months[] = {"jan", "feb", "mar", "apr",
					     "may", "jun", "jul", "aug",
					     "sep", "oct", "nov", "dec"};
	int d, mo = 0, y, h, mi, s = 0;
	long usec = 0, offset;
	const char *comma = strchr(p, ',');

	if (comma)
		p = comma + 1;
	while (*p == ' ')
		p++;
	if (digits(&p, 2, &d) < 0 && digits(&p, 1, &d) < 0)
		return -1;
	if (*p++ != ' ')
		return -1;
	for (int i = 0; i < 12; i++)
		if (strncasecmp(p, months[i], 3) == 0)
			mo = i + 1;
	if (!mo || p[3] != ' ')
		return -1;
	p += 4;
	if (digits(&p, 4, &y) < 0 || *p++ != ' ')
		return -1;
	if (digits(&p, 2, &h) < 0 || *p++ != ':' || digits(&p, 2, &mi) < 0)
		return -1;
	if (*p == ':') {
		p++;
		if (digits(&p, 2, &s) < 0)
			return -1;
		if (*p == '.') {
			p++;
			usec = fraction(&p);
		}
	}
	if (zone_offset(p, &offset) < 0)
		return -1;
	return ts_build(y, mo, d, h, mi, s, usec, offset, out);
}

int aws_ts_from_text(const char *text, char out[AWS_TS_MAX])
{
	char tmp[96];
	size_t len;
	const char *p = text;
	char *end;
	double v;

	while (isspace((unsigned char)*p))
		p++;
	len = strlen(p);
	while (len && isspace((unsigned char)p[len - 1]))
		len--;
	if (!len || len >= sizeof(tmp))
		return -1;
	memcpy(tmp, p, len);
	tmp[len] = '\0';
	/* Epoch seconds first, as botocore tries float(value) first; the
	 * character check keeps strtod's "inf", "nan" and hex forms out. */
	errno = 0;
	v = strtod(tmp, &end);
	if (end != tmp && !*end && !errno && strspn(tmp, "+-0123456789.eE") == len)
		return aws_ts_from_epoch(v, out);
	if (ts_iso(tmp, out) == 0)
		return 0;
	return ts_rfc822(tmp, out);
}

/* ---- text values ----------------------------------------------------- */

static int trimmed(const char *text, char *buf, size_t size)
{
	size_t len;

	while (isspace((unsigned char)*text))
		text++;
	len = strlen(text);
	while (len && isspace((unsigned char)text[len - 1]))
		len--;
	if (len >= size)
		return -1;
	memcpy(buf, text, len);
	buf[len] = '\0';
	return 0;
}

/* A header's JSON value: base64 of a JSON document (jsonvalue trait). */
static cJSON *json_value_header(const char *text)
{
	size_t len = strlen(text), pad = 0;
	unsigned char *raw;
	int n;
	cJSON *v = NULL;

	if (len % 4 || len > (size_t)AWS_PARSE_MAX_BODY)
		return NULL;
	raw = malloc(len / 4 * 3 + 1);
	if (!raw)
		return NULL;
	n = EVP_DecodeBlock(raw, (const unsigned char *)text, (int)len);
	if (n >= 0) {
		while (len && text[len - 1] == '=') {
			len--;
			pad++;
		}
		n -= (int)pad;
		if (n >= 0)
			v = cJSON_ParseWithLength((const char *)raw, (size_t)n);
	}
	free(raw);
	return v;
}

cJSON *aws_parse_scalar_text(const struct aws_shape *sh, uint8_t flags,
			     const char *text, int header, const char *what,
			     struct aws_error *err)
{
	char num[64], ts[AWS_TS_MAX];
	char *end;
	cJSON *v = NULL;

	switch (sh->type) {
	case AWS_T_STRING:
		if (header && ((flags | sh->flags) & AWS_F_JSONVALUE)) {
			v = json_value_header(text);
			if (!v)
				goto bad;
			return v;
		}
		v = cJSON_CreateString(text);
		break;
	case AWS_T_INTEGER:
	case AWS_T_LONG: {
		long long x;

		if (trimmed(text, num, sizeof(num)) < 0 || !num[0])
			goto bad;
		errno = 0;
		x = strtoll(num, &end, 10);
		if (*end || errno)
			goto bad;
		v = cJSON_CreateNumber((double)x);
		break;
	}
	case AWS_T_FLOAT:
	case AWS_T_DOUBLE: {
		double x;

		if (trimmed(text, num, sizeof(num)) < 0 || !num[0])
			goto bad;
		x = strtod(num, &end);
		if (*end)
			goto bad;
		v = cJSON_CreateNumber(x);
		break;
	}
	case AWS_T_BOOLEAN:
		v = cJSON_CreateBool(header ? strcasecmp(text, "true") == 0
					    : strcmp(text, "true") == 0);
		break;
	case AWS_T_TIMESTAMP:
		/* A stamp we cannot read is passed on as sent rather than
		 * failing the whole response over one field. */
		v = cJSON_CreateString(aws_ts_from_text(text, ts) == 0 ? ts
								      : text);
		break;
	case AWS_T_BLOB: {
		/* Kept as base64; line breaks some encoders add are dropped. */
		size_t len = strlen(text), j = 0;
		char *s = malloc(len + 1);

		if (!s)
			break;
		for (size_t i = 0; i < len; i++)
			if (!isspace((unsigned char)text[i]))
				s[j++] = text[i];
		s[j] = '\0';
		v = cJSON_CreateString(s);
		free(s);
		break;
	}
	default:
		goto bad;
	}
	if (!v)
		aws_error_set(err, AWS_ERR_NOMEM, "", "out of memory");
	return v;
bad:
	/* A sensitive member's value never reaches a message or a log. */
	if ((flags | sh->flags) & AWS_F_SENSITIVE)
		aws_error_set(err, AWS_ERR_PARSE, "InvalidResponse",
			      "member %s: not a valid %s", what,
			      sh->name ? sh->name : "value");
	else
		aws_error_set(err, AWS_ERR_PARSE, "InvalidResponse",
			      "member %s: \"%.60s\" is not a valid %s", what,
			      text, sh->name ? sh->name : "value");
	return NULL;
}

/* ---- dispatch -------------------------------------------------------- */

static const char *reason_phrase(long status)
{
	switch (status) {
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	default: return "";
	}
}

/* botocore's _is_generic_error_response: a 5xx with no body or an HTML
 * page, as proxies and load balancers send. botocore only knows "<html>";
 * we also take "<!DOCTYPE html" and "<html lang=..>", which web frameworks
 * send, rather than calling them unparseable JSON. */
static int generic_error_body(const struct aws_http_response *resp)
{
	const char *p = buf_str(&resp->body), *e = p + resp->body.len;

	if (resp->status < 500)
		return 0;
	while (p < e && isspace((unsigned char)*p))
		p++;
	return p == e ||
	       (e - p >= 5 && strncasecmp(p, "<html", 5) == 0) ||
	       (e - p >= 14 && strncasecmp(p, "<!doctype html", 14) == 0);
}

static void request_id_from_headers(const struct aws_http_response *resp,
				    struct aws_error *err)
{
	const char *id = aws_http_response_header(resp, "x-amzn-RequestId");

	if (!id)
		id = aws_http_response_header(resp, "x-amz-request-id");
	if (id && !err->request_id[0])
		aws_parse_copy(err->request_id, sizeof(err->request_id), id);
}

int aws_parse_response(const struct aws_service_model *svc,
		       const struct aws_operation *op,
		       const struct aws_http_response *resp, cJSON **output,
		       struct aws_error *err)
{
	char where[sizeof(err->where)];
	int xml;

	/* The caller may have said where this call belongs; keep that. */
	memcpy(where, err->where, sizeof(where));
	aws_error_clear(err);
	memcpy(err->where, where, sizeof(where));
	if (output)
		*output = NULL;
	if (!svc || !op || !resp || !output) {
		aws_error_set(err, AWS_ERR_INTERNAL, "", "aws_parse_response: missing argument");
		return -1;
	}
	err->http_status = resp->status;
	xml = svc->protocol == AWS_PROTO_EC2 || svc->protocol == AWS_PROTO_QUERY;
	if (resp->body.len > AWS_PARSE_MAX_BODY) {
		aws_error_set(err, AWS_ERR_PARSE, "ResponseTooLarge",
			      "HTTP %ld response body of %zu bytes is over the %u-byte limit",
			      resp->status, resp->body.len, AWS_PARSE_MAX_BODY);
		goto fail;
	}
	if (resp->status >= 200 && resp->status <= 299) {
		int rc = xml ? aws_parse_xml_output(svc, op, resp, output, err)
			     : aws_parse_json_output(svc, op, resp, output, err);
		if (rc == 0)
			return 0;
		cJSON_Delete(*output);
		*output = NULL;
		goto fail;
	}
	if (generic_error_body(resp)) {
		char code[24];

		snprintf(code, sizeof(code), "%ld", resp->status);
		aws_error_set(err, AWS_ERR_SERVICE, code, "%s",
			      reason_phrase(resp->status));
	} else if (xml) {
		aws_parse_xml_error(svc, resp, err);
	} else {
		aws_parse_json_error(svc, resp, err);
	}
fail:
	if (err->kind == AWS_ERR_NONE)
		aws_error_set(err, AWS_ERR_INTERNAL, "", "parser left no error");
	err->http_status = resp->status;
	request_id_from_headers(resp, err);
	return -1;
}
