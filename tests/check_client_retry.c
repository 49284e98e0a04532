/* check_client_retry.c - aws_call() against tests/retry_server.py: attempt
 * counts, backoff bounds, what is not retried, error details, overlap of
 * aws_call_many(), cancel, --connect-to, NO_PROXY and TLS verification.
 * Run by tests/client-retry.sh, which starts the server and sets
 * RETRY_URL (http://127.0.0.1:PORT), RETRY_TLS_PORT and RETRY_CA. */
#include "config.h"

#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "aws/client.h"
#include "aws/transport.h"

#define MAX_LOGS 64

struct logrec {
	char service[32], operation[64];
	int attempt;
	long status;
	char code[128], rid[128];
	double seconds, retry_in;
};

static struct logrec logs[MAX_LOGS];
static int nlogs;

static void on_log(const struct aws_call_log *e, void *ctx)
{
	struct logrec *r;

	(void)ctx;
	ck_assert_int_lt(nlogs, MAX_LOGS);
	r = &logs[nlogs++];
	snprintf(r->service, sizeof(r->service), "%s", e->service);
	snprintf(r->operation, sizeof(r->operation), "%s", e->operation);
	r->attempt = e->attempt;
	r->status = e->http_status;
	snprintf(r->code, sizeof(r->code), "%s", e->error_code);
	snprintf(r->rid, sizeof(r->rid), "%s", e->request_id);
	r->seconds = e->seconds;
	r->retry_in = e->retry_in;
}

static const char *base_url(void)
{
	const char *u = getenv("RETRY_URL");

	ck_assert_msg(u != NULL, "RETRY_URL not set");
	return u;
}

static char *url_for(const char *segment)
{
	char *s;

	ck_assert_int_ge(asprintf(&s, "%s/%s", base_url(), segment), 0);
	return s;
}

struct client_opts {
	const char *endpoint_url;
	int max_attempts;
	int max_concurrency;
	long request_timeout_ms;
	const char *ca_bundle;
	const struct aws_connect_to *connect_to;
	int connect_to_count;
	volatile sig_atomic_t *cancel;
};

static struct aws_client *client_new(const struct client_opts *o)
{
	struct aws_client_config cfg = { 0 };
	struct aws_creds *creds;
	struct aws_client *c;
	struct aws_error err;

	creds = aws_creds_new("AKIDRETRYTEST", "retry-test-secret", NULL,
			      "test");
	ck_assert_ptr_nonnull(creds);
	cfg.region = "us-east-1";
	cfg.creds = creds;
	cfg.endpoint_url = o->endpoint_url;
	cfg.ca_bundle = o->ca_bundle;
	cfg.max_attempts = o->max_attempts;
	cfg.max_concurrency = o->max_concurrency;
	cfg.connect_timeout_ms = 2000;
	cfg.request_timeout_ms = o->request_timeout_ms ? o->request_timeout_ms
						      : 5000;
	cfg.connect_to = o->connect_to;
	cfg.connect_to_count = o->connect_to_count;
	cfg.log = on_log;
	cfg.cancel = o->cancel;
	ck_assert_int_eq(aws_client_new(&cfg, &c, &err), 0);
	aws_creds_free(creds);
	nlogs = 0;
	return c;
}

static size_t collect_body(char *d, size_t s, size_t n, void *ctx)
{
	return buf_append(ctx, d, s * n) < 0 ? 0 : s * n;
}

/* What the server saw for a scenario: an array of {t, headers, body}. */
static cJSON *server_log(const char *segment)
{
	struct buf b;
	CURL *e = curl_easy_init();
	char *u;
	cJSON *j;

	buf_init(&b, 0);
	ck_assert_int_ge(asprintf(&u, "%s/__log/%s", base_url(), segment), 0);
	curl_easy_setopt(e, CURLOPT_URL, u);
	curl_easy_setopt(e, CURLOPT_PROXY, "");
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, collect_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, &b);
	ck_assert_int_eq(curl_easy_perform(e), CURLE_OK);
	curl_easy_cleanup(e);
	free(u);
	j = cJSON_Parse(buf_str(&b));
	buf_free(&b);
	ck_assert_ptr_nonnull(j);
	return j;
}

static int server_count(const char *segment)
{
	cJSON *j = server_log(segment);
	int n = cJSON_GetArraySize(j);

	cJSON_Delete(j);
	return n;
}

static const char *header_of(const cJSON *entry, const char *name)
{
	const cJSON *h = cJSON_GetObjectItemCaseSensitive(entry, "headers");
	const cJSON *v = cJSON_GetObjectItem(h, name); /* case-insensitive */

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Each retry waited at least what the log said, and what the log said is
 * within the standard mode's bounds for that attempt. */
static void assert_backoff(const char *segment)
{
	cJSON *j = server_log(segment);

	for (int i = 0; i < nlogs; i++) {
		double cap = logs[i].attempt >= 5 ? 20.0
						  : (double)(1 << (logs[i].attempt - 1));

		ck_assert_msg(logs[i].retry_in >= 0 && logs[i].retry_in < cap,
			      "attempt %d retry_in %f", logs[i].attempt,
			      logs[i].retry_in);
		if (i + 1 < cJSON_GetArraySize(j) && logs[i].retry_in > 0) {
			double t0 = cJSON_GetObjectItem(cJSON_GetArrayItem(j, i),
							"t")->valuedouble;
			double t1 = cJSON_GetObjectItem(
					    cJSON_GetArrayItem(j, i + 1), "t")
					    ->valuedouble;

			ck_assert_msg(t1 - t0 >= logs[i].retry_in - 0.02,
				      "gap %f < retry_in %f", t1 - t0,
				      logs[i].retry_in);
		}
	}
	cJSON_Delete(j);
}

START_TEST(test_success_and_request_shape)
{
	struct client_opts o = { 0 };
	struct aws_client *c;
	struct aws_error err;
	cJSON *out = NULL, *log, *e0;
	char *u = url_for("ok-0-shape"), want[128], date[9];
	const char *auth;
	time_t now = time(NULL);

	o.endpoint_url = u;
	c = client_new(&o);
	ck_assert_int_eq(aws_call(c, "sts", "GetCallerIdentity", NULL, &out,
				  &err),
			 0);
	ck_assert_str_eq(cJSON_GetObjectItem(out, "Account")->valuestring,
			 "123456789012");
	ck_assert_int_eq(nlogs, 1);
	ck_assert_int_eq(logs[0].attempt, 1);
	ck_assert_int_eq(logs[0].status, 200);
	ck_assert_str_eq(logs[0].code, "");
	ck_assert_str_eq(logs[0].service, "sts");
	ck_assert_str_eq(logs[0].operation, "GetCallerIdentity");
	log = server_log("ok-0-shape");
	ck_assert_int_eq(cJSON_GetArraySize(log), 1);
	e0 = cJSON_GetArrayItem(log, 0);
	ck_assert_str_eq(header_of(e0, "User-Agent"),
			 PACKAGE_NAME "/" PACKAGE_VERSION);
	ck_assert_ptr_null(header_of(e0, "Expect"));
	ck_assert_ptr_nonnull(header_of(e0, "X-Amz-Date"));
	strftime(date, sizeof(date), "%Y%m%d", gmtime(&now));
	snprintf(want, sizeof(want),
		 "AWS4-HMAC-SHA256 Credential=AKIDRETRYTEST/%s/us-east-1/sts/"
		 "aws4_request",
		 date);
	auth = header_of(e0, "Authorization");
	ck_assert_ptr_nonnull(auth);
	ck_assert_msg(strncmp(auth, want, strlen(want)) == 0, "%s", auth);
	/* The secret never travels. */
	ck_assert_ptr_null(strstr(auth, "retry-test-secret"));
	cJSON_Delete(log);
	cJSON_Delete(out);
	aws_client_free(c);
	free(u);
}
END_TEST

START_TEST(test_503_twice_then_ok)
{
	struct client_opts o = { 0 };
	struct aws_client *c;
	struct aws_error err;
	cJSON *out = NULL;
	char *u = url_for("s503-2-a");

	o.endpoint_url = u;
	c = client_new(&o);
	ck_assert_int_eq(aws_call(c, "sts", "GetCallerIdentity", NULL, &out,
				  &err),
			 0);
	ck_assert_int_eq(server_count("s503-2-a"), 3);
	ck_assert_int_eq(nlogs, 3);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(logs[i].attempt, i + 1);
	ck_assert_int_eq(logs[0].status, 503);
	ck_assert_int_eq(logs[1].status, 503);
	ck_assert_int_eq(logs[2].status, 200);
	ck_assert(logs[2].retry_in == 0);
	assert_backoff("s503-2-a");
	cJSON_Delete(out);
	aws_client_free(c);
	free(u);
}
END_TEST

struct proto_case {
	const char *service, *operation, *segment, *code;
	long status;
};

static const struct proto_case throttle_cases[] = {
	{ "sts", "GetCallerIdentity", "throttle-1-query", "Throttling", 400 },
	{ "ec2", "DescribeAvailabilityZones", "throttle-1-ec2",
	  "RequestLimitExceeded", 503 },
	{ "ecs", "ListTaskDefinitions", "throttle-1-json", "ThrottlingException", 400 },
	{ "efs", "DescribeFileSystems", "throttle-1-restjson",
	  "ThrottlingException", 400 },
};

START_TEST(test_throttling_each_protocol)
{
	const struct proto_case *p = &throttle_cases[_i];
	struct client_opts o = { 0 };
	struct aws_client *c;
	struct aws_error err;
	cJSON *out = NULL;
	char *u = url_for(p->segment), rid[128];

	o.endpoint_url = u;
	c = client_new(&o);
	ck_assert_msg(aws_call(c, p->service, p->operation, NULL, &out, &err) ==
			      0,
		      "%s: %s %s", p->service, err.code, err.message);
	ck_assert_ptr_nonnull(out);
	ck_assert_int_eq(server_count(p->segment), 2);
	ck_assert_int_eq(nlogs, 2);
	ck_assert_str_eq(logs[0].code, p->code);
	ck_assert_int_eq(logs[0].status, p->status);
	snprintf(rid, sizeof(rid), "rid-%s-1", p->segment);
	ck_assert_str_eq(logs[0].rid, rid);
	ck_assert(logs[0].retry_in >= 0 && logs[0].retry_in < 1.0);
	ck_assert_str_eq(logs[1].code, "");
	assert_backoff(p->segment);
	cJSON_Delete(out);
	aws_client_free(c);
	free(u);
}
END_TEST

START_TEST(test_dropped_connections)
{
	struct client_opts o = { 0 };
	struct aws_client *c;
	struct aws_error err;
	cJSON *out = NULL;
	char *u = url_for("drop-2-a");

	o.endpoint_url = u;
	c = client_new(&o);
	ck_assert_int_eq(aws_call(c, "ecs", "ListTaskDefinitions", NULL, &out, &err),
			 0);
	ck_assert_int_eq(server_count("drop-2-a"), 3);
	ck_assert_int_eq(nlogs, 3);
	ck_assert_int_eq(logs[0].status, 0);
	ck_assert_str_eq(logs[0].code, "ConnectionError");
	ck_assert_str_eq(logs[1].code, "ConnectionError");
	ck_assert_str_eq(logs[2].code, "");
	ck_assert_int_eq(cJSON_GetArraySize(
				 cJSON_GetObjectItem(out, "taskDefinitionArns")),
			 1);
	assert_backoff("drop-2-a");
	cJSON_Delete(out);
	aws_client_free(c);
	free(u);
}
END_TEST

/* A "once" create is sent once when its answer may be lost; throttling
 * (nothing done) is retried, and so is an ordinary call, which says it
 * was sent again. */
START_TEST(test_once_calls_not_resent)
{
	struct client_opts o = { 0 };
	struct aws_client *c;
	struct aws_call_spec s[3];
	cJSON *vpc = cJSON_Parse("{\"CidrBlock\":\"10.0.0.0/16\"}");
	cJSON *nat = cJSON_Parse("{\"SubnetId\":\"subnet-1\",\"AllocationId\":\"e-1\"}");
	static const char *const seg[3] = { "drop-2-once", "drop-2-token",
					    "throttle-2-once" };

	memset(s, 0, sizeof s);
	for (int i = 0; i < 3; i++) {
		s[i].service = "ec2";
		s[i].once = i != 1;
	}
	s[0].operation = "CreateVpc";
	s[0].input = vpc;
	s[1].operation = "CreateNatGateway";
	s[1].input = nat;
	s[2].operation = "CreateVpc";
	s[2].input = vpc;
	/* Each call gets its own scenario through its own client. */
	for (int i = 0; i < 3; i++) {
		char *u = url_for(seg[i]);

		o.endpoint_url = u;
		c = client_new(&o);
		aws_call_many(c, &s[i], 1);
		aws_client_free(c);
		free(u);
	}
	ck_assert_int_eq(server_count("drop-2-once"), 1);
	ck_assert_int_eq(s[0].maybe_sent, 1);
	ck_assert_str_eq(s[0].err.code, "ConnectionError");
	ck_assert_int_eq(server_count("drop-2-token"), 3);
	ck_assert_int_eq(s[1].maybe_sent, 0);
	ck_assert_int_eq(s[1].resent, 1);
	ck_assert_int_eq(s[1].err.kind, AWS_ERR_NONE);
	ck_assert_int_eq(server_count("throttle-2-once"), 3);
	ck_assert_int_eq(s[2].maybe_sent, 0);
	ck_assert_int_eq(s[2].resent, 0); /* throttled: nothing was done */
	ck_assert_int_eq(s[2].err.kind, AWS_ERR_NONE);
	for (int i = 0; i < 3; i++)
		cJSON_Delete(s[i].output);
	cJSON_Delete(vpc);
	cJSON_Delete(nat);
}
END_TEST

START_TEST(test_stall_times_out_then_ok)
{
	struct client_opts o = { 0 };
	struct aws_client *c;
	struct aws_error err;
	cJSON *out = NULL;
	char *u = url_for("stall-1-a");

	o.endpoint_url = u;
	o.request_timeout_ms = 1000;
	c = client_new(&o);
	ck_assert_int_eq(aws_call(c, "ecs", "ListTaskDefinitions", NULL, &out, &err),
			 0);
	ck_assert_int_eq(server_count("stall-1-a"), 2);
	ck_assert_int_eq(nlogs, 2);
	ck_assert_str_eq(logs[0].code, "ReadTimeout");
	ck_assert(logs[0].seconds >= 0.9 && logs[0].seconds < 2.0);
	ck_assert_str_eq(logs[1].code, "");
	cJSON_Delete(out);
	aws_client_free(c);
	free(u);
}
END_TEST

START_TEST(test_gives_up_after_max_attempts)
{
	struct client_opts o = { 0 };
	struct aws_client *c;
	struct aws_error err;
	cJSON *out = NULL;
	char *u = url_for("always503-0-a");

	o.endpoint_url = u;
	c = client_new(&o);
	ck_assert_int_eq(aws_call(c, "sts", "GetCallerIdentity", NULL, &out,
				  &err),
			 -1);
	ck_assert_ptr_null(out);
	ck_assert_int_eq(server_count("always503-0-a"), 3);
	ck_assert_int_eq(nlogs, 3);
	ck_assert(logs[2].retry_in == 0);
	ck_assert_int_eq(err.http_status, 503);
	ck_assert_str_eq(err.where, "sts:GetCallerIdentity");
	aws_client_free(c);
	free(u);

	/* AWS_MAX_ATTEMPTS when the config does not say. */
	setenv("AWS_MAX_ATTEMPTS", "2", 1);
	u = url_for("always503-0-b");
	o.endpoint_url = u;
	c = client_new(&o);
	ck_assert_int_eq(aws_call(c, "sts", "GetCallerIdentity", NULL, &out,
				  &err),
			 -1);
	ck_assert_int_eq(server_count("always503-0-b"), 2);
	ck_assert_int_eq(nlogs, 2);
	unsetenv("AWS_MAX_ATTEMPTS");
	aws_client_free(c);
	free(u);
}
END_TEST

START_TEST(test_validation_not_retried)
{
	struct client_opts o = { 0 };
	struct aws_client *c;
	struct aws_error err;
	cJSON *out = NULL;
	char *u = url_for("validation-0-q");

	o.endpoint_url = u;
	c = client_new(&o);
	ck_assert_int_eq(aws_call(c, "sts", "GetCallerIdentity", NULL, &out,
				  &err),
			 -1);
	ck_assert_int_eq(server_count("validation-0-q"), 1);
	ck_assert_int_eq(nlogs, 1);
	ck_assert(logs[0].retry_in == 0);
	ck_assert_int_eq(err.kind, AWS_ERR_SERVICE);
	ck_assert_int_eq(err.http_status, 400);
	ck_assert_str_eq(err.code, "ValidationError");
	ck_assert_str_eq(err.message, "1 validation error detected");
	ck_assert_str_eq(err.request_id, "rid-validation-0-q-1");
	ck_assert_str_eq(err.where, "sts:GetCallerIdentity");
	aws_client_free(c);
	free(u);

	u = url_for("validation-0-j");
	o.endpoint_url = u;
	c = client_new(&o);
	ck_assert_int_eq(aws_call(c, "ecs", "ListTaskDefinitions", NULL, &out, &err),
			 -1);
	ck_assert_int_eq(server_count("validation-0-j"), 1);
	ck_assert_str_eq(err.code, "InvalidParameterException");
	ck_assert_str_eq(err.request_id, "rid-validation-0-j-1");
	ck_assert_str_eq(err.where, "ecs:ListTaskDefinitions");
	aws_client_free(c);
	free(u);
}
END_TEST

static int is_uuid4(const char *s)
{
	if (strlen(s) != 36 || s[14] != '4' || !strchr("89ab", s[19]))
		return 0;
	for (int i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return 0;
		} else if (!strchr("0123456789abcdef", s[i])) {
			return 0;
		}
	}
	return 1;
}

START_TEST(test_idempotency_token_kept)
{
	struct client_opts o = { 0 };
	struct aws_client *c;
	struct aws_error err;
	cJSON *out = NULL, *in, *log;
	char *u = url_for("s503-2-token"), first[64] = "";

	o.endpoint_url = u;
	c = client_new(&o);
	in = cJSON_Parse("{\"SubnetId\":\"subnet-1\",\"AllocationId\":\"eipalloc-1\"}");
	ck_assert_int_eq(aws_call(c, "ec2", "CreateNatGateway", in, &out, &err),
			 0);
	log = server_log("s503-2-token");
	ck_assert_int_eq(cJSON_GetArraySize(log), 3);
	for (int i = 0; i < 3; i++) {
		const char *body = cJSON_GetObjectItem(cJSON_GetArrayItem(log, i),
						       "body")->valuestring;
		const char *t = strstr(body, "ClientToken=");
		char tok[64];

		ck_assert_msg(t != NULL, "no token in %s", body);
		snprintf(tok, sizeof(tok), "%.*s", (int)strcspn(t + 12, "&"),
			 t + 12);
		ck_assert_msg(is_uuid4(tok), "not a UUIDv4: %s", tok);
		if (!i)
			snprintf(first, sizeof(first), "%s", tok);
		ck_assert_str_eq(tok, first);
	}
	cJSON_Delete(log);
	cJSON_Delete(out);
	/* A second call gets a new token. */
	free(u);
	u = url_for("ok-0-token2");
	aws_client_free(c);
	o.endpoint_url = u;
	c = client_new(&o);
	ck_assert_int_eq(aws_call(c, "ec2", "CreateNatGateway", in, &out, &err),
			 0);
	log = server_log("ok-0-token2");
	ck_assert_ptr_null(strstr(cJSON_GetObjectItem(cJSON_GetArrayItem(log, 0),
						      "body")->valuestring,
				  first));
	cJSON_Delete(log);
	cJSON_Delete(out);
	cJSON_Delete(in);
	aws_client_free(c);
	free(u);
}
END_TEST

static double run_four(int max_concurrency, const char *segment)
{
	struct client_opts o = { 0 };
	struct aws_call_spec calls[4];
	struct aws_client *c;
	char *u = url_for(segment);
	double t0, t;

	o.endpoint_url = u;
	o.max_concurrency = max_concurrency;
	c = client_new(&o);
	memset(calls, 0, sizeof(calls));
	for (int i = 0; i < 4; i++) {
		calls[i].service = i % 2 ? "ecs" : "sts";
		calls[i].operation = i % 2 ? "ListTaskDefinitions" : "GetCallerIdentity";
	}
	t0 = transport_now();
	ck_assert_int_eq(aws_call_many(c, calls, 4), 0);
	t = transport_now() - t0;
	for (int i = 0; i < 4; i++) {
		ck_assert_ptr_nonnull(calls[i].output);
		ck_assert_int_eq(calls[i].err.kind, AWS_ERR_NONE);
		cJSON_Delete(calls[i].output);
	}
	ck_assert_int_eq(server_count(segment), 4);
	ck_assert_int_eq(nlogs, 4);
	aws_client_free(c);
	free(u);
	return t;
}

START_TEST(test_call_many_overlaps)
{
	double t = run_four(0, "delay-1-all");

	ck_assert_msg(t >= 0.95 && t < 2.0, "4 calls of 1 s took %f s", t);
	t = run_four(2, "delay-1-two");
	ck_assert_msg(t >= 1.95 && t < 3.0, "4 calls, 2 at a time, took %f s",
		      t);
}
END_TEST

struct canceller {
	volatile sig_atomic_t *flag;
	int after_ms;
};

static void *cancel_later(void *arg)
{
	struct canceller *k = arg;
	struct timespec ts = { 0, (long)k->after_ms * 1000000L };

	nanosleep(&ts, NULL);
	*k->flag = 1;
	return NULL;
}

START_TEST(test_cancel)
{
	static volatile sig_atomic_t flag;
	struct client_opts o = { 0 };
	struct aws_call_spec calls[2];
	struct aws_client *c;
	struct canceller k = { &flag, 300 };
	pthread_t th;
	char *u = url_for("stall-9-cancel");
	double t0, t;

	flag = 0;
	o.endpoint_url = u;
	o.cancel = &flag;
	c = client_new(&o);
	memset(calls, 0, sizeof(calls));
	calls[0].service = calls[1].service = "ecs";
	calls[0].operation = calls[1].operation = "ListTaskDefinitions";
	ck_assert_int_eq(pthread_create(&th, NULL, cancel_later, &k), 0);
	t0 = transport_now();
	ck_assert_int_eq(aws_call_many(c, calls, 2), -1);
	t = transport_now() - t0;
	pthread_join(th, NULL);
	ck_assert_msg(t >= 0.25 && t < 0.8, "cancel took %f s", t);
	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(calls[i].err.kind, AWS_ERR_CANCELLED);
		ck_assert_ptr_null(calls[i].output);
		ck_assert_str_eq(calls[i].err.where, "ecs:ListTaskDefinitions");
	}
	/* Still set: the next call does not even start. */
	ck_assert_int_eq(aws_call_many(c, calls, 1), -1);
	ck_assert_int_eq(calls[0].err.kind, AWS_ERR_CANCELLED);
	ck_assert_int_eq(server_count("stall-9-cancel"), 2);
	/* One log line per attempt, the abandoned ones included. */
	ck_assert_int_eq(nlogs, 2);
	ck_assert_str_eq(logs[0].code, "Cancelled");
	ck_assert_str_eq(logs[1].code, "Cancelled");
	aws_client_free(c);
	free(u);
}
END_TEST

START_TEST(test_connect_to)
{
	struct client_opts o = { 0 };
	struct aws_connect_to rule;
	struct aws_client *c;
	struct aws_error err;
	cJSON *out = NULL, *log;
	const char *port = strrchr(base_url(), ':') + 1;
	char spec[64];

	/* A name that cannot resolve inside the test's network namespace:
	 * only the rule gets the request to the server. */
	snprintf(spec, sizeof(spec), ":80:127.0.0.1:%s", port);
	ck_assert_int_eq(aws_connect_to_parse(spec, &rule, &err), 0);
	o.endpoint_url = "http://sts.connect-to.invalid/ok-0-ct";
	o.connect_to = &rule;
	o.connect_to_count = 1;
	c = client_new(&o);
	aws_connect_to_free(&rule); /* the client keeps its own copy */
	ck_assert_msg(aws_call(c, "sts", "GetCallerIdentity", NULL, &out,
			       &err) == 0,
		      "%s %s", err.code, err.message);
	log = server_log("ok-0-ct");
	ck_assert_int_eq(cJSON_GetArraySize(log), 1);
	ck_assert_str_eq(header_of(cJSON_GetArrayItem(log, 0), "Host"),
			 "sts.connect-to.invalid");
	cJSON_Delete(log);
	cJSON_Delete(out);
	aws_client_free(c);
}
END_TEST

START_TEST(test_no_proxy)
{
	struct client_opts o = { 0 };
	struct aws_client *c;
	struct aws_error err;
	cJSON *out = NULL;
	char *u = url_for("ok-0-proxy");

	/* A proxy that refuses connections: used, the call fails. */
	setenv("http_proxy", "http://127.0.0.1:9", 1);
	unsetenv("NO_PROXY");
	unsetenv("no_proxy");
	o.endpoint_url = u;
	o.max_attempts = 1;
	c = client_new(&o);
	ck_assert_int_eq(aws_call(c, "sts", "GetCallerIdentity", NULL, &out,
				  &err),
			 -1);
	ck_assert_int_eq(err.kind, AWS_ERR_NETWORK);
	ck_assert_int_eq(server_count("ok-0-proxy"), 0);
	/* NO_PROXY names the server: straight there. */
	setenv("NO_PROXY", "localhost,127.0.0.1", 1);
	ck_assert_int_eq(aws_call(c, "sts", "GetCallerIdentity", NULL, &out,
				  &err),
			 0);
	ck_assert_int_eq(server_count("ok-0-proxy"), 1);
	unsetenv("http_proxy");
	unsetenv("NO_PROXY");
	cJSON_Delete(out);
	aws_client_free(c);
	free(u);
}
END_TEST

START_TEST(test_tls_verification)
{
	const char *tls_port = getenv("RETRY_TLS_PORT"), *ca = getenv("RETRY_CA");
	struct client_opts o = { 0 };
	struct aws_client *c;
	struct aws_error err;
	cJSON *out = NULL;
	char *u;

	if (!tls_port || !ca) {
		/* The driver could not make a certificate (no openssl). */
		fprintf(stderr, "note: TLS checks skipped\n");
		return;
	}
	ck_assert_int_ge(asprintf(&u, "https://localhost:%s/ok-0-tls", tls_port),
			 0);
	o.endpoint_url = u;
	o.max_attempts = 1;
	unsetenv("AWS_CA_BUNDLE");
	/* Our own CA is not trusted by the system store. */
	c = client_new(&o);
	ck_assert_int_eq(aws_call(c, "sts", "GetCallerIdentity", NULL, &out,
				  &err),
			 -1);
	ck_assert_int_eq(err.kind, AWS_ERR_NETWORK);
	ck_assert_str_eq(err.code, "TLSError");
	aws_client_free(c);
	/* The config's CA bundle... */
	o.ca_bundle = ca;
	c = client_new(&o);
	ck_assert_msg(aws_call(c, "sts", "GetCallerIdentity", NULL, &out,
			       &err) == 0,
		      "%s %s", err.code, err.message);
	cJSON_Delete(out);
	aws_client_free(c);
	/* ...or AWS_CA_BUNDLE. */
	o.ca_bundle = NULL;
	setenv("AWS_CA_BUNDLE", ca, 1);
	c = client_new(&o);
	ck_assert_int_eq(aws_call(c, "sts", "GetCallerIdentity", NULL, &out,
				  &err),
			 0);
	cJSON_Delete(out);
	aws_client_free(c);
	unsetenv("AWS_CA_BUNDLE");
	/* The certificate names localhost only: the same server by address
	 * fails even with the CA trusted. */
	free(u);
	ck_assert_int_ge(asprintf(&u, "https://127.0.0.1:%s/ok-0-tls2",
				  tls_port),
			 0);
	o.endpoint_url = u;
	o.ca_bundle = ca;
	c = client_new(&o);
	ck_assert_int_eq(aws_call(c, "sts", "GetCallerIdentity", NULL, &out,
				  &err),
			 -1);
	ck_assert_int_eq(err.kind, AWS_ERR_NETWORK);
	ck_assert_str_eq(err.code, "TLSError");
	aws_client_free(c);
	ck_assert_int_eq(server_count("ok-0-tls"), 2);
	ck_assert_int_eq(server_count("ok-0-tls2"), 0);
	free(u);
}
END_TEST

START_TEST(test_unknown_service_and_endpoint)
{
	struct client_opts o = { 0 };
	struct aws_client *c;
	struct aws_error err;
	cJSON *out = NULL;
	char *ep;

	o.endpoint_url = NULL;
	c = client_new(&o);
	ck_assert_int_eq(aws_call(c, "nosuch", "Op", NULL, &out, &err), -1);
	ck_assert_int_eq(err.kind, AWS_ERR_INPUT);
	ck_assert_str_eq(err.where, "nosuch:Op");
	ck_assert_int_eq(aws_call(c, "ecs", "NoSuchOp", NULL, &out, &err), -1);
	ck_assert_int_eq(err.kind, AWS_ERR_INPUT);
	ck_assert_str_eq(err.where, "ecs:NoSuchOp");
	ck_assert_int_eq(nlogs, 0);
	unsetenv("AWS_ENDPOINT_URL");
	ep = aws_client_endpoint(c, "elbv2");
	ck_assert_str_eq(ep, "https://elasticloadbalancing.us-east-1.amazonaws.com");
	free(ep);
	ep = aws_client_endpoint(c, "iam");
	ck_assert_str_eq(ep, "https://iam.amazonaws.com");
	free(ep);
	ck_assert_ptr_null(aws_client_endpoint(c, "nosuch"));
	ck_assert_str_eq(aws_client_region(c), "us-east-1");
	aws_client_free(c);
}
END_TEST

START_TEST(test_transport_cap_and_headers)
{
	struct transport_config tc = { 0 };
	struct transport *t;
	struct aws_http_request req;
	struct aws_http_response resp;
	struct aws_error err;
	char *u;

	ck_assert_int_ge(asprintf(&u, "%s/ok-0-cap/", base_url()), 0);
	aws_http_request_init(&req);
	req.method = strdup("POST");
	req.path = strdup("/");
	req.query = strdup("");
	ck_assert_int_eq(aws_http_request_add_header(
				 &req, "Content-Type",
				 "application/x-www-form-urlencoded"),
			 0);
	ck_assert_int_eq(buf_append_str(&req.body, "Action=GetCallerIdentity&"
						   "Version=2011-06-15"),
			 0);
	/* Whole response: status, headers by any case, body. */
	ck_assert_int_eq(transport_new(&tc, &t, &err), 0);
	aws_http_response_init(&resp);
	ck_assert_int_eq(transport_perform(t, u, &req, &resp, &err), 0);
	ck_assert_int_eq(resp.status, 200);
	ck_assert_str_eq(aws_http_response_header(&resp, "content-type"),
			 "text/xml");
	ck_assert_ptr_nonnull(strstr(buf_str(&resp.body), "<Account>"));
	ck_assert_int_eq(transport_in_flight(t), 0);
	aws_http_response_free(&resp);
	transport_free(t);
	/* A body past the cap is refused, not truncated. */
	tc.max_response = 64;
	ck_assert_int_eq(transport_new(&tc, &t, &err), 0);
	ck_assert_int_eq(transport_perform(t, u, &req, &resp, &err), -1);
	ck_assert_int_eq(err.kind, AWS_ERR_PARSE);
	ck_assert_str_eq(err.code, "ResponseTooLarge");
	aws_http_response_free(&resp);
	transport_free(t);
	ck_assert_int_eq(server_count("ok-0-cap"), 2);
	aws_http_request_free(&req);
	free(u);
}
END_TEST

static Suite *client_suite(void)
{
	Suite *s = suite_create("client-retry");
	TCase *tc = tcase_create("retry-server");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_success_and_request_shape);
	tcase_add_test(tc, test_503_twice_then_ok);
	tcase_add_loop_test(tc, test_throttling_each_protocol, 0,
			    sizeof(throttle_cases) / sizeof(throttle_cases[0]));
	tcase_add_test(tc, test_dropped_connections);
	tcase_add_test(tc, test_stall_times_out_then_ok);
	tcase_add_test(tc, test_once_calls_not_resent);
	tcase_add_test(tc, test_gives_up_after_max_attempts);
	tcase_add_test(tc, test_validation_not_retried);
	tcase_add_test(tc, test_idempotency_token_kept);
	tcase_add_test(tc, test_call_many_overlaps);
	tcase_add_test(tc, test_cancel);
	tcase_add_test(tc, test_connect_to);
	tcase_add_test(tc, test_no_proxy);
	tcase_add_test(tc, test_tls_verification);
	tcase_add_test(tc, test_unknown_service_and_endpoint);
	tcase_add_test(tc, test_transport_cap_and_headers);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr;
	int failed;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	sr = srunner_create(client_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	curl_global_cleanup();
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
