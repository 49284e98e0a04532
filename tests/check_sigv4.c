/* check_sigv4.c - the signer against every case of the AWS SigV4 suite.
 *
 * The suite (aws-c-auth's v4 test cases) is read at test time from
 * $top_srcdir/../shared/testdata/aws-sigv4-suite/v4: each case directory has
 * request.txt, context.json and the expected canonical request, string to
 * sign, signature and signed request for header signing (header-*) and for
 * query signing (query-*). A missing or empty suite directory fails. */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "aws/creds.h"
#include "aws/protocol.h"
#include "aws/sigv4.h"

static char *suite_dir;
static char **cases;
static int ncases;

static char *read_file(const char *dir, const char *name, size_t *len_out)
{
	char path[4096];
	FILE *f;
	char *data = NULL;
	long len;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0) {
		data = malloc((size_t)len + 1);
		if (data && fread(data, 1, (size_t)len, f) != (size_t)len) {
			free(data);
			data = NULL;
		}
		if (data) {
			data[len] = '\0';
			if (len_out)
				*len_out = (size_t)len;
		}
	}
	fclose(f);
	return data;
}

/* Expected files sometimes end with a newline the stage output lacks. */
static char *read_expected(const char *dir, const char *name)
{
	char *s = read_file(dir, name, NULL);
	size_t n;

	ck_assert_msg(s != NULL, "%s/%s missing", dir, name);
	n = strlen(s);
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

struct suite_case {
	char *dir;
	struct aws_http_request req;
	struct aws_creds *creds;
	struct sigv4_params p;
	char *region, *service;
	long expires;
	cJSON *ctx;
};

/* request.txt: "METHOD URI HTTP/1.1", headers (a line starting with
 * whitespace continues the previous value), a blank line, the body. The URI
 * may contain raw spaces and UTF-8; it is kept as is. */
static void parse_request(struct aws_http_request *req, const char *text)
{
	const char *eol = strchr(text, '\n');
	const char *sp, *end, *q, *p;
	size_t linelen;

	ck_assert_ptr_nonnull(eol);
	linelen = (size_t)(eol - text);
	sp = memchr(text, ' ', linelen);
	ck_assert_ptr_nonnull(sp);
	req->method = strndup(text, (size_t)(sp - text));
	end = text + linelen;
	ck_assert_msg(linelen > 9 && memcmp(end - 9, " HTTP/1.1", 9) == 0,
		      "bad request line");
	end -= 9;
	q = memchr(sp + 1, '?', (size_t)(end - sp - 1));
	req->path = strndup(sp + 1, (size_t)((q ? q : end) - sp - 1));
	req->query = q ? strndup(q + 1, (size_t)(end - q - 1)) : strdup("");

	p = eol + 1;
	while (*p && *p != '\n') {
		const char *le = strchr(p, '\n');
		size_t n = le ? (size_t)(le - p) : strlen(p);

		if ((*p == ' ' || *p == '\t') && req->header_count) {
			struct aws_header *h = &req->headers[req->header_count - 1];
			size_t old = strlen(h->value);
			char *v = realloc(h->value, old + n + 2);

			ck_assert_ptr_nonnull(v);
			v[old] = '\n';
			memcpy(v + old + 1, p, n);
			v[old + 1 + n] = '\0';
			h->value = v;
		} else {
			const char *colon = memchr(p, ':', n);
			char *name, *value;

			ck_assert_ptr_nonnull(colon);
			name = strndup(p, (size_t)(colon - p));
			value = strndup(colon + 1, n - (size_t)(colon - p) - 1);
			ck_assert_int_eq(aws_http_request_add_header(req, name, value), 0);
			free(name);
			free(value);
		}
		p += n;
		if (*p == '\n')
			p++;
	}
	if (*p == '\n') {
		p++;
		ck_assert_int_eq(buf_append(&req->body, p, strlen(p)), 0);
	}
}

static time_t parse_time(const char *iso)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	ck_assert_ptr_nonnull(strptime(iso, "%Y-%m-%dT%H:%M:%SZ", &tm));
	return timegm(&tm);
}

static void case_load(struct suite_case *c, int i)
{
	char *text, *json;
	const cJSON *cr, *tok;

	memset(c, 0, sizeof(*c));
	c->dir = malloc(strlen(suite_dir) + strlen(cases[i]) + 2);
	sprintf(c->dir, "%s/%s", suite_dir, cases[i]);
	text = read_file(c->dir, "request.txt", NULL);
	ck_assert_msg(text != NULL, "%s/request.txt missing", c->dir);
	aws_http_request_init(&c->req);
	parse_request(&c->req, text);
	free(text);

	json = read_file(c->dir, "context.json", NULL);
	ck_assert_msg(json != NULL, "%s/context.json missing", c->dir);
	c->ctx = cJSON_Parse(json);
	free(json);
	ck_assert_ptr_nonnull(c->ctx);
	cr = cJSON_GetObjectItemCaseSensitive(c->ctx, "credentials");
	tok = cJSON_GetObjectItemCaseSensitive(cr, "token");
	c->creds = aws_creds_new(
		cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(cr, "access_key_id")),
		cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(cr, "secret_access_key")),
		cJSON_IsString(tok) ? tok->valuestring : NULL, "suite");
	ck_assert_ptr_nonnull(c->creds);
	c->p.region = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c->ctx, "region"));
	c->p.service = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c->ctx, "service"));
	ck_assert_ptr_nonnull(c->p.region);
	ck_assert_ptr_nonnull(c->p.service);
	c->p.when = parse_time(cJSON_GetStringValue(
		cJSON_GetObjectItemCaseSensitive(c->ctx, "timestamp")));
	c->p.creds = c->creds;
	c->p.normalize_path = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c->ctx, "normalize"));
	c->p.sign_body = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c->ctx, "sign_body"));
	c->p.omit_session_token = cJSON_IsTrue(
		cJSON_GetObjectItemCaseSensitive(c->ctx, "omit_session_token"));
	c->expires = (long)cJSON_GetNumberValue(
		cJSON_GetObjectItemCaseSensitive(c->ctx, "expiration_in_seconds"));
}

static void case_free(struct suite_case *c)
{
	aws_http_request_free(&c->req);
	aws_creds_free(c->creds);
	cJSON_Delete(c->ctx);
	free(c->dir);
}

static const char *req_header(const struct aws_http_request *req,
			      const char *name)
{
	for (size_t i = 0; i < req->header_count; i++)
		if (strcasecmp(req->headers[i].name, name) == 0)
			return req->headers[i].value;
	return NULL;
}

/* Compare a stage's output with the suite's file, naming the case. */
static void expect_file(const char *dir, const char *file, const char *got)
{
	char *want = read_expected(dir, file);

	ck_assert_msg(got && strcmp(got, want) == 0,
		      "%s/%s:\nwant:\n%s\ngot:\n%s", dir, file, want,
		      got ? got : "(null)");
	free(want);
}

START_TEST(test_header_signing)
{
	struct suite_case c;
	struct sigv4_state st;
	struct aws_error err;
	char *signed_req, *line;
	int saw_auth = 0;

	case_load(&c, _i);
	sigv4_state_init(&st);
	aws_error_clear(&err);
	ck_assert_int_eq(sigv4_sign_request(&c.req, NULL, &c.p, &st, &err), 0);
	expect_file(c.dir, "header-canonical-request.txt", st.canonical_request);
	expect_file(c.dir, "header-string-to-sign.txt", st.string_to_sign);
	expect_file(c.dir, "header-signature.txt", st.signature);

	/* The signed request: Authorization byte for byte, and every X-Amz-*
	 * header the suite shows with the value it shows. */
	signed_req = read_expected(c.dir, "header-signed-request.txt");
	for (line = strtok(signed_req, "\n"); line; line = strtok(NULL, "\n")) {
		char *colon = strchr(line, ':');
		const char *got;

		if (!colon || line[0] == ' ')
			continue;
		*colon = '\0';
		if (strcasecmp(line, "Authorization") != 0 &&
		    strncasecmp(line, "X-Amz-", 6) != 0)
			continue;
		got = req_header(&c.req, line);
		ck_assert_msg(got && strcmp(got, colon + 1) == 0,
			      "%s: header %s: want %s got %s", c.dir, line,
			      colon + 1, got ? got : "(none)");
		if (strcasecmp(line, "Authorization") == 0) {
			ck_assert_str_eq(st.authorization, colon + 1);
			saw_auth = 1;
		}
	}
	ck_assert_msg(saw_auth, "%s: no Authorization in signed request", c.dir);
	free(signed_req);
	sigv4_state_free(&st);
	case_free(&c);
}
END_TEST

START_TEST(test_query_signing)
{
	struct suite_case c;
	struct sigv4_state st;
	struct aws_error err;
	char *signed_req, *q, *end;

	case_load(&c, _i);
	sigv4_state_init(&st);
	aws_error_clear(&err);
	ck_assert_int_eq(sigv4_presign_request(&c.req, NULL, &c.p, c.expires,
					       &st, &err), 0);
	expect_file(c.dir, "query-canonical-request.txt", st.canonical_request);
	expect_file(c.dir, "query-string-to-sign.txt", st.string_to_sign);
	expect_file(c.dir, "query-signature.txt", st.signature);

	/* The presigned query string exactly as the suite's request line. */
	signed_req = read_expected(c.dir, "query-signed-request.txt");
	end = strstr(signed_req, " HTTP/1.1\n");
	ck_assert_ptr_nonnull(end);
	*end = '\0';
	q = strchr(signed_req, '?');
	ck_assert_ptr_nonnull(q);
	ck_assert_msg(strcmp(c.req.query, q + 1) == 0, "%s: query\nwant %s\ngot  %s",
		      c.dir, q + 1, c.req.query);
	ck_assert_ptr_null(req_header(&c.req, "Authorization"));
	free(signed_req);
	sigv4_state_free(&st);
	case_free(&c);
}
END_TEST

START_TEST(test_suite_present)
{
	ck_assert_msg(ncases > 0, "no SigV4 suite cases found in %s",
		      suite_dir ? suite_dir : "(no path)");
}
END_TEST

/* Known answer from the AWS documentation's signing key example. */
START_TEST(test_signing_key_example)
{
	unsigned char key[32];
	char hex[65];
	static const char *want =
		"c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9";

	ck_assert_int_eq(sigv4_signing_key("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
					   "20150830", "us-east-1", "iam", key), 0);
	for (int i = 0; i < 32; i++)
		sprintf(hex + 2 * i, "%02x", key[i]);
	ck_assert_str_eq(hex, want);
}
END_TEST

/* Signing twice (a retry) replaces the signature instead of adding one. */
START_TEST(test_resign_replaces)
{
	struct aws_http_request req;
	struct aws_creds *cr = aws_creds_new("AKID", "SECRET", "TOKEN", "test");
	struct sigv4_params p = { "us-east-1", "ec2", 1440938160, cr, 1, 0, 0 };
	struct sigv4_state st;
	struct aws_error err;
	int nauth = 0, ntok = 0, ndate = 0;

	aws_http_request_init(&req);
	req.method = strdup("POST");
	req.path = strdup("/");
	req.query = strdup("");
	sigv4_state_init(&st);
	ck_assert_int_eq(sigv4_sign_request(&req, "ec2.us-east-1.amazonaws.com",
					    &p, &st, &err), 0);
	p.when += 60;
	ck_assert_int_eq(sigv4_sign_request(&req, "ec2.us-east-1.amazonaws.com",
					    &p, &st, &err), 0);
	for (size_t i = 0; i < req.header_count; i++) {
		nauth += strcasecmp(req.headers[i].name, "Authorization") == 0;
		ntok += strcasecmp(req.headers[i].name, "X-Amz-Security-Token") == 0;
		ndate += strcasecmp(req.headers[i].name, "X-Amz-Date") == 0;
	}
	ck_assert_int_eq(nauth, 1);
	ck_assert_int_eq(ntok, 1);
	ck_assert_int_eq(ndate, 1);
	ck_assert_str_eq(req_header(&req, "X-Amz-Date"), "20150830T123700Z");
	ck_assert_str_eq(req_header(&req, "Host"), "ec2.us-east-1.amazonaws.com");
	ck_assert_ptr_nonnull(strstr(st.signed_headers, "x-amz-security-token"));
	sigv4_state_free(&st);
	aws_http_request_free(&req);
	aws_creds_free(cr);
}
END_TEST

/* Double encoding for non-S3 services: an encoded '+' is encoded again. */
START_TEST(test_double_encoding)
{
	struct aws_http_request req;
	char *sh = NULL, *cr;

	aws_http_request_init(&req);
	req.method = strdup("GET");
	req.path = strdup("/2015-02-01/file-systems/a%2Bb%20c%3Ad");
	req.query = strdup("b=2&a=x%2By&a=w");
	ck_assert_int_eq(aws_http_request_add_header(&req, "Host", "h"), 0);
	cr = sigv4_canonical_request(&req, "HASH", 1, &sh);
	ck_assert_str_eq(cr, "GET\n/2015-02-01/file-systems/a%252Bb%2520c%253Ad\n"
			     "a=w&a=x%2By&b=2\nhost:h\n\nhost\nHASH");
	ck_assert_str_eq(sh, "host");
	free(cr);
	free(sh);
	aws_http_request_free(&req);
}
END_TEST

static int case_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void find_cases(void)
{
	const char *shared = getenv("ECSW_SHARED");
	const char *top = getenv("top_srcdir");
	static const char *const rel[] = {
		"../shared/testdata/aws-sigv4-suite/v4",
		"../../shared/testdata/aws-sigv4-suite/v4",
	};
	char path[4096];
	DIR *d = NULL;
	struct dirent *de;

	if (shared && *shared) {
		snprintf(path, sizeof(path), "%s/testdata/aws-sigv4-suite/v4", shared);
		d = opendir(path);
	}
	if (!d && top && *top) {
		snprintf(path, sizeof(path),
			 "%s/../shared/testdata/aws-sigv4-suite/v4", top);
		d = opendir(path);
	}
	for (size_t i = 0; !d && i < sizeof(rel) / sizeof(rel[0]); i++) {
		snprintf(path, sizeof(path), "%s", rel[i]);
		d = opendir(path);
	}
	suite_dir = strdup(path);
	if (!d)
		return;
	for (;;) {
		char sub[4096 + 256 + 16];
		struct stat sb;
		char **nc;

		de = readdir(d);
		if (!de)
			break;
		if (de->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s/request.txt", path, de->d_name);
		if (stat(sub, &sb) != 0)
			continue;
		nc = realloc(cases, (size_t)(ncases + 1) * sizeof(*cases));
		if (!nc)
			break;
		cases = nc;
		cases[ncases++] = strdup(de->d_name);
	}
	closedir(d);
	if (ncases)
		qsort(cases, (size_t)ncases, sizeof(*cases), case_cmp);
}

int main(void)
{
	Suite *s = suite_create("sigv4");
	TCase *tc = tcase_create("suite");
	TCase *unit = tcase_create("unit");
	SRunner *sr;
	int failed;

	find_cases();
	tcase_add_test(tc, test_suite_present);
	tcase_add_loop_test(tc, test_header_signing, 0, ncases);
	tcase_add_loop_test(tc, test_query_signing, 0, ncases);
	suite_add_tcase(s, tc);
	tcase_add_test(unit, test_signing_key_example);
	tcase_add_test(unit, test_resign_replaces);
	tcase_add_test(unit, test_double_encoding);
	suite_add_tcase(s, unit);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	printf("%d SigV4 suite cases (header and query signing each)\n", ncases);
	for (int i = 0; i < ncases; i++)
		free(cases[i]);
	free(cases);
	free(suite_dir);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
