/* serialize.c - aws_serialize_request(): check the input against the
 * operation's input shape, fill idempotency tokens, then hand over to the
 * protocol's serialiser (serialize_query.c, serialize_json.c,
 * serialize_rest_json.c). Also the helpers they share: timestamps in the
 * three wire formats and numbers printed as botocore prints them.
 *
 * The checks follow botocore's ParamValidator: a wrong JSON type, a member
 * the model does not have and a missing required member are errors
 * (AWS_ERR_INPUT) whose message names the member path, e.g.
 * "TagSpecifications[0].Tags: expected a list". JSON null is not "absent":
 * it is a wrong type, as None is for botocore. */
#include "config.h"

#include <math.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/serialize_internal.h"

#define PATH_MAX_LEN 512

const struct aws_shape *ser_shape(const struct ser_ctx *c, int index)
{
	return aws_model_shape(c->svc, index);
}

const char *ser_member_name(const struct aws_member *m)
{
	return m->location_name ? m->location_name : m->name;
}

int ser_ts_format(int member_fmt, const struct aws_shape *shape, int dflt)
{
	if (member_fmt != AWS_TS_DEFAULT)
		return member_fmt;
	if (shape && shape->timestamp_format != AWS_TS_DEFAULT)
		return shape->timestamp_format;
	return dflt;
}

/* floor() without libm, which the engine does not link; inputs beyond
 * 2^63 are not timestamps or integers we send. */
static double floor_d(double d)
{
	double t;

	if (d != d || d >= 9.2e18 || d <= -9.2e18)
		return d;
	t = (double)(long long)d;
	return t > d ? t - 1.0 : t;
}

void ser_json_wipe(cJSON *v)
{
	for (; v; v = v->next) {
		if (v->valuestring)
			OPENSSL_cleanse(v->valuestring, strlen(v->valuestring));
		ser_json_wipe(v->child);
	}
}

int ser_nomem(struct ser_ctx *c)
{
	aws_error_set(c->err, AWS_ERR_NOMEM, NULL, "out of memory");
	return -1;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil), so we need neither timegm() nor the TZ. */
static long long days_from_civil(long long y, unsigned m, unsigned d)
{
	y -= m <= 2;
	long long era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

static void civil_from_days(long long z, int *y, int *m, int *d)
{
	z += 719468;
	long long era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long long yy = (long long)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yy + (*m <= 2));
}

/* Parse "YYYY-MM-DDThh:mm:ss[.frac][Z|+hh:mm|-hh:mm]" (also with a space
 * instead of T, and without a zone meaning UTC, as dateutil does). */
static int parse_iso8601(const char *s, long long *secs, int *usec)
{
	int y, mo, d, h, mi, sec, n = 0, us = 0;
	const char *p;

	if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10)
		return -1;
	p = s + n;
	h = mi = sec = 0;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		n = 0;
		if (sscanf(p + 1, "%2d:%2d:%2d%n", &h, &mi, &sec, &n) != 3 ||
		    n != 8)
			return -1;
		p += 1 + n;
		if (*p == '.') {
			int digits = 0;
			p++;
			if (*p < '0' || *p > '9')
				return -1;
			while (*p >= '0' && *p <= '9') {
				if (digits < 6) {
					us = us * 10 + (*p - '0');
					digits++;
				}
				p++;
			}
			while (digits++ < 6)
				us *= 10;
		}
	}
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    sec > 60)
		return -1;
	long long t = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 +
		      h * 3600 + mi * 60 + sec;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int oh, om, sign = *p == '-' ? -1 : 1;
		n = 0;
		if (sscanf(p + 1, "%2d:%2d%n", &oh, &om, &n) == 2 && n == 5)
			p += 6;
		else if (sscanf(p + 1, "%2d%2d%n", &oh, &om, &n) == 2 && n == 4)
			p += 5;
		else
			return -1;
		t -= sign * (oh * 3600 + om * 60);
	}
	if (*p)
		return -1;
	*secs = t;
	*usec = us;
	return 0;
}

/* Seconds and microseconds of a checked timestamp input. */
static void timestamp_split(const cJSON *v, long long *secs, int *usec)
{
	if (cJSON_IsNumber(v)) {
		double f = floor_d(v->valuedouble);
		*secs = (long long)f;
		*usec = (int)((v->valuedouble - f) * 1e6 + 0.5);
		if (*usec >= 1000000) {
			(*secs)++;
			*usec -= 1000000;
		}
		return;
	}
	if (parse_iso8601(v->valuestring, secs, usec) < 0) {
		*secs = 0;
		*usec = 0;
	}
}

long long ser_timestamp_epoch(const cJSON *v)
{
	long long secs;
	int usec;

	timestamp_split(v, &secs, &usec);
	return secs;
}

int ser_timestamp(struct buf *out, const cJSON *v, int fmt)
{
	static const char *const wday[] = {"Thu", "Fri", "Sat", "Sun",
					   "Mon", "Tue", "Wed"};
	static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr",
					  "May", "Jun", "Jul", "Aug",
					  "Sep", "Oct", "Nov", "Dec"};
	long long secs, days, rem;
	int usec, y, m, d;

	timestamp_split(v, &secs, &usec);
	if (fmt == AWS_TS_UNIX)
		return buf_printf(out, "%lld", secs);
	days = secs / 86400;
	rem = secs % 86400;
	if (rem < 0) {
		rem += 86400;
		days--;
	}
	civil_from_days(days, &y, &m, &d);
	if (fmt == AWS_TS_RFC822)
		/* RFC 822 has no fractions; botocore drops them too. */
		return buf_printf(out, "%s, %02d %s %04d %02d:%02d:%02d GMT",
				  wday[((days % 7) + 7) % 7], d, mon[m - 1], y,
				  (int)(rem / 3600), (int)(rem / 60 % 60),
				  (int)(rem % 60));
	if (usec)
		return buf_printf(out, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", y,
				  m, d, (int)(rem / 3600), (int)(rem / 60 % 60),
				  (int)(rem % 60), usec);
	return buf_printf(out, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d,
			  (int)(rem / 3600), (int)(rem / 60 % 60),
			  (int)(rem % 60));
}

int ser_number(struct buf *out, const cJSON *v, int type)
{
	double d = v->valuedouble;
	char tmp[64];

	if (type == AWS_T_INTEGER || type == AWS_T_LONG)
		return buf_printf(out, "%.0f", d);
	if (isnan(d))
		return buf_append_str(out, "NaN");
	if (isinf(d))
		return buf_append_str(out, d > 0 ? "Infinity" : "-Infinity");
	/* Python's str(float): shortest text that reads back the same, and
	 * integral values keep a ".0". */
	if (d == floor_d(d) && d < 1e16 && d > -1e16)
		return buf_printf(out, "%.1f", d);
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*g", prec, d);
		if (strtod(tmp, NULL) == d)
			break;
	}
	return buf_append_str(out, tmp);
}

int ser_scalar_text(struct buf *out, const struct aws_shape *shape,
		    const cJSON *v, int ts_fmt)
{
	switch (shape->type) {
	case AWS_T_BOOLEAN:
		return buf_append_str(out, cJSON_IsTrue(v) ? "true" : "false");
	case AWS_T_INTEGER:
	case AWS_T_LONG:
	case AWS_T_FLOAT:
	case AWS_T_DOUBLE:
		return ser_number(out, v, shape->type);
	case AWS_T_TIMESTAMP:
		return ser_timestamp(out, v, ts_fmt);
	default:
		return buf_append_str(out, v->valuestring ? v->valuestring : "");
	}
}

/* ---- input checks ---- */

static const struct aws_member *find_member(const struct aws_shape *s,
					    const char *name)
{
	for (int i = 0; i < s->member_count; i++)
		if (strcmp(s->members[i].name, name) == 0)
			return &s->members[i];
	return NULL;
}

static int input_error(struct ser_ctx *c, const char *path, const char *what)
{
	if (path[0])
		aws_error_set(c->err, AWS_ERR_INPUT, NULL, "%s: %s", path, what);
	else
		aws_error_set(c->err, AWS_ERR_INPUT, NULL, "%s", what);
	return -1;
}

static int check_value(struct ser_ctx *c, int index, const cJSON *v,
		       char *path, size_t plen);

static int is_base64(const char *s)
{
	size_t n = 0, pad = 0;

	for (; *s; s++, n++) {
		int alpha = (*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
			    (*s >= '0' && *s <= '9') || *s == '+' || *s == '/';
		if (*s == '=')
			pad++;
		else if (!alpha || pad)
			return 0;
	}
	return n % 4 == 0 && pad <= 2;
}

static int check_structure(struct ser_ctx *c, const struct aws_shape *s,
			   const cJSON *v, char *path, size_t plen)
{
	const cJSON *child;
	char what[256];

	if (!cJSON_IsObject(v))
		return input_error(c, path, "expected a structure (JSON object)");
	cJSON_ArrayForEach(child, v)
	{
		const struct aws_member *m = find_member(s, child->string);
		if (!m) {
			snprintf(what, sizeof(what), "unknown member \"%s\"",
				 child->string);
			return input_error(c, path, what);
		}
		snprintf(path + plen, PATH_MAX_LEN - plen, "%s%s",
			 plen ? "." : "", m->name);
		if (check_value(c, m->shape, child, path,
				strlen(path)) < 0)
			return -1;
		path[plen] = '\0';
	}
	for (int i = 0; i < s->member_count; i++) {
		const struct aws_member *m = &s->members[i];
		if ((m->flags & AWS_F_REQUIRED) &&
		    !cJSON_GetObjectItemCaseSensitive(v, m->name)) {
			snprintf(what, sizeof(what),
				 "missing required member \"%s\"", m->name);
			return input_error(c, path, what);
		}
	}
	return 0;
}

static int check_value(struct ser_ctx *c, int index, const cJSON *v,
		       char *path, size_t plen)
{
	const struct aws_shape *s = ser_shape(c, index);
	const cJSON *child;
	long long secs;
	int usec, i = 0;

	if (!s) {
		aws_error_set(c->err, AWS_ERR_INTERNAL, NULL,
			      "%s: shape %d not in the model", path, index);
		return -1;
	}
	switch (s->type) {
	case AWS_T_STRUCTURE:
		return check_structure(c, s, v, path, plen);
	case AWS_T_LIST:
		if (!cJSON_IsArray(v))
			return input_error(c, path, "expected a list");
		cJSON_ArrayForEach(child, v)
		{
			snprintf(path + plen, PATH_MAX_LEN - plen, "[%d]", i++);
			if (check_value(c, s->member_shape, child, path,
					strlen(path)) < 0)
				return -1;
			path[plen] = '\0';
		}
		return 0;
	case AWS_T_MAP:
		if (!cJSON_IsObject(v))
			return input_error(c, path,
					   "expected a map (JSON object)");
		cJSON_ArrayForEach(child, v)
		{
			snprintf(path + plen, PATH_MAX_LEN - plen, "[\"%s\"]",
				 child->string);
			if (check_value(c, s->value_shape, child, path,
					strlen(path)) < 0)
				return -1;
			path[plen] = '\0';
		}
		return 0;
	case AWS_T_STRING:
		if (!cJSON_IsString(v))
			return input_error(c, path, "expected a string");
		return 0;
	case AWS_T_BLOB:
		/* Blobs travel as the caller's base64 text; raw bytes here
		 * would reach AWS as garbage, so refuse them. */
		if (!cJSON_IsString(v) || !is_base64(v->valuestring))
			return input_error(c, path, "expected a base64 string");
		return 0;
	case AWS_T_INTEGER:
	case AWS_T_LONG:
		if (!cJSON_IsNumber(v) || v->valuedouble != floor_d(v->valuedouble))
			return input_error(c, path, "expected an integer");
		if (s->type == AWS_T_INTEGER &&
		    (v->valuedouble > 2147483647.0 ||
		     v->valuedouble < -2147483648.0))
			return input_error(c, path,
					   "integer out of range (32 bits)");
		return 0;
	case AWS_T_FLOAT:
	case AWS_T_DOUBLE:
		if (!cJSON_IsNumber(v))
			return input_error(c, path, "expected a number");
		return 0;
	case AWS_T_BOOLEAN:
		if (!cJSON_IsBool(v))
			return input_error(c, path, "expected a boolean");
		return 0;
	case AWS_T_TIMESTAMP:
		if (cJSON_IsNumber(v))
			return 0;
		if (cJSON_IsString(v) &&
		    parse_iso8601(v->valuestring, &secs, &usec) == 0)
			return 0;
		return input_error(c, path,
				   "expected a timestamp (ISO 8601 string or "
				   "epoch seconds)");
	case AWS_T_DOCUMENT:
		return 0;
	default:
		aws_error_set(c->err, AWS_ERR_INTERNAL, NULL,
			      "%s: shape %s has an unknown type", path, s->name);
		return -1;
	}
}

/* Idempotency-token members absent from the input get a token from the
 * callback, as botocore's generate_idempotent_uuid handler does (top level
 * only). */
static int fill_tokens(struct ser_ctx *c, const struct aws_shape *s,
		       cJSON *in, aws_token_fn token, void *token_ctx)
{
	for (int i = 0; i < s->member_count; i++) {
		const struct aws_member *m = &s->members[i];
		char *t;
		cJSON *item;

		if (!(m->flags & AWS_F_IDEMPOTENCY_TOKEN) ||
		    cJSON_GetObjectItemCaseSensitive(in, m->name))
			continue;
		t = token(token_ctx);
		if (!t)
			return ser_nomem(c);
		item = cJSON_CreateString(t);
		free(t);
		if (!item || !cJSON_AddItemToObject(in, m->name, item)) {
			cJSON_Delete(item);
			return ser_nomem(c);
		}
	}
	return 0;
}

int aws_serialize_request(const struct aws_service_model *svc,
			  const struct aws_operation *op, const cJSON *input,
			  aws_token_fn token, void *token_ctx,
			  struct aws_http_request *req, struct aws_error *err)
{
	struct ser_ctx c = {svc, op, err};
	const struct aws_shape *in_shape = NULL;
	char path[PATH_MAX_LEN] = "";
	cJSON *in = NULL;
	int rc = -1;

	if (!svc || !op || !req) {
		aws_error_set(err, AWS_ERR_INTERNAL, NULL,
			      "no service or operation");
		return -1;
	}
	if (input && !cJSON_IsObject(input)) {
		input_error(&c, path, "the input must be a JSON object");
		goto out;
	}
	in = input ? cJSON_Duplicate(input, 1) : cJSON_CreateObject();
	if (!in) {
		ser_nomem(&c);
		goto out;
	}
	if (op->input_shape != AWS_NO_SHAPE) {
		in_shape = ser_shape(&c, op->input_shape);
		if (token && fill_tokens(&c, in_shape, in, token, token_ctx) < 0)
			goto out;
		if (check_value(&c, op->input_shape, in, path, 0) < 0)
			goto out;
	} else if (in->child) {
		char what[256];
		snprintf(what, sizeof(what), "unknown member \"%s\"",
			 in->child->string);
		input_error(&c, path, what);
		goto out;
	}

	req->method = strdup(op->http_method ? op->http_method : "POST");
	if (!req->method) {
		ser_nomem(&c);
		goto out;
	}
	switch (svc->protocol) {
	case AWS_PROTO_EC2:
	case AWS_PROTO_QUERY:
		rc = ser_query(&c, in, req);
		break;
	case AWS_PROTO_JSON:
		rc = ser_json(&c, in, req);
		break;
	case AWS_PROTO_REST_JSON:
		rc = ser_rest_json(&c, in, req);
		break;
	default:
		aws_error_set(err, AWS_ERR_INTERNAL, NULL,
			      "protocol %d not implemented", svc->protocol);
		break;
	}
out:
	if (rc < 0) {
		aws_error_where(err, "%s:%s", svc ? svc->name : "?",
				op ? op->name : "?");
		aws_http_request_free(req);
	}
	ser_json_wipe(in);
	cJSON_Delete(in);
	return rc;
}
