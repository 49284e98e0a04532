/* check_retry.c - the standard retry mode: which outcomes are retried,
 * how long we wait, and the retry quota (numbers from botocore). */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "aws/retry.h"

struct class_case {
	const char *service;
	enum aws_error_kind kind;
	long status;
	const char *code;
	enum retry_class want;
};

static const struct class_case class_cases[] = {
	{ "ecs", AWS_ERR_NONE, 200, "", RETRY_NONE },
	{ "ecs", AWS_ERR_SERVICE, 500, "", RETRY_TRANSIENT },
	{ "ecs", AWS_ERR_SERVICE, 502, "", RETRY_TRANSIENT },
	{ "ecs", AWS_ERR_SERVICE, 503, "", RETRY_TRANSIENT },
	{ "ecs", AWS_ERR_SERVICE, 504, "", RETRY_TRANSIENT },
	{ "ecs", AWS_ERR_PARSE, 503, "", RETRY_TRANSIENT },
	{ "ecs", AWS_ERR_SERVICE, 501, "", RETRY_NONE },
	{ "ecs", AWS_ERR_SERVICE, 400, "ValidationError", RETRY_NONE },
	{ "ecs", AWS_ERR_SERVICE, 400, "AccessDeniedException", RETRY_NONE },
	{ "ec2", AWS_ERR_SERVICE, 401, "AuthFailure", RETRY_NONE },
	{ "sts", AWS_ERR_SERVICE, 403, "SignatureDoesNotMatch", RETRY_NONE },
	{ "ecs", AWS_ERR_PARSE, 200, "", RETRY_NONE },
	{ "ecs", AWS_ERR_NETWORK, 0, "ConnectionError", RETRY_TRANSIENT },
	{ "ecs", AWS_ERR_TIMEOUT, 0, "ReadTimeout", RETRY_TIMEOUT },
	{ "ecs", AWS_ERR_TIMEOUT, 0, "ConnectTimeout", RETRY_TIMEOUT },
	{ "ecs", AWS_ERR_INPUT, 0, "Throttling", RETRY_NONE },
	{ "ecs", AWS_ERR_CREDENTIALS, 0, "", RETRY_NONE },
	{ "ecs", AWS_ERR_CANCELLED, 0, "", RETRY_NONE },
	{ "iam", AWS_ERR_SERVICE, 400, "Throttling", RETRY_THROTTLING },
	{ "ecs", AWS_ERR_SERVICE, 400, "ThrottlingException", RETRY_THROTTLING },
	{ "x", AWS_ERR_SERVICE, 400, "ThrottledException", RETRY_THROTTLING },
	{ "x", AWS_ERR_SERVICE, 400, "RequestThrottledException", RETRY_THROTTLING },
	{ "x", AWS_ERR_SERVICE, 429, "TooManyRequestsException", RETRY_THROTTLING },
	{ "x", AWS_ERR_SERVICE, 400, "ProvisionedThroughputExceededException", RETRY_THROTTLING },
	{ "x", AWS_ERR_SERVICE, 400, "TransactionInProgressException", RETRY_THROTTLING },
	{ "ec2", AWS_ERR_SERVICE, 503, "RequestLimitExceeded", RETRY_THROTTLING },
	{ "x", AWS_ERR_SERVICE, 400, "BandwidthLimitExceeded", RETRY_THROTTLING },
	{ "x", AWS_ERR_SERVICE, 400, "LimitExceededException", RETRY_THROTTLING },
	{ "x", AWS_ERR_SERVICE, 400, "RequestThrottled", RETRY_THROTTLING },
	{ "x", AWS_ERR_SERVICE, 503, "SlowDown", RETRY_THROTTLING },
	{ "x", AWS_ERR_SERVICE, 400, "PriorRequestNotComplete", RETRY_THROTTLING },
	{ "ec2", AWS_ERR_SERVICE, 400, "EC2ThrottledException", RETRY_THROTTLING },
	{ "x", AWS_ERR_SERVICE, 400, "RequestTimeout", RETRY_TRANSIENT },
	{ "x", AWS_ERR_SERVICE, 400, "RequestTimeoutException", RETRY_TRANSIENT },
	{ "ec2", AWS_ERR_SERVICE, 500, "InternalError", RETRY_TRANSIENT },
	{ "ec2", AWS_ERR_SERVICE, 400, "InternalError", RETRY_TRANSIENT },
	{ "sts", AWS_ERR_SERVICE, 400, "IDPCommunicationError", RETRY_TRANSIENT },
	{ "iam", AWS_ERR_SERVICE, 400, "IDPCommunicationError", RETRY_NONE },
	/* Case matters: AWS's codes are exact. */
	{ "x", AWS_ERR_SERVICE, 400, "throttling", RETRY_NONE },
	{ "x", AWS_ERR_SERVICE, 400, NULL, RETRY_NONE },
};

START_TEST(test_classify)
{
	const struct class_case *c = &class_cases[_i];

	ck_assert_msg(retry_classify(c->service, c->kind, c->status, c->code) ==
			      c->want,
		      "case %d: %s %ld %s", _i, c->service, c->status,
		      c->code ? c->code : "(null)");
}
END_TEST

START_TEST(test_backoff_bounds)
{
	/* Over many draws each attempt's delay stays in [0, min(20, 2^(a-1)))
	 * and actually spreads over that range (full jitter, not a constant). */
	static const double caps[] = { 1, 2, 4, 8, 16, 20, 20, 20 };

	for (int a = 1; a <= 8; a++) {
		double lo = 1e9, hi = -1, sum = 0;
		const int draws = 4000;

		for (int i = 0; i < draws; i++) {
			double d = retry_backoff(a, retry_random());

			ck_assert(d >= 0.0 && d < caps[a - 1]);
			if (d < lo)
				lo = d;
			if (d > hi)
				hi = d;
			sum += d;
		}
		ck_assert_msg(lo < caps[a - 1] * 0.05, "attempt %d min %f", a,
			      lo);
		ck_assert_msg(hi > caps[a - 1] * 0.95, "attempt %d max %f", a,
			      hi);
		ck_assert_msg(sum / draws > caps[a - 1] * 0.4 &&
				      sum / draws < caps[a - 1] * 0.6,
			      "attempt %d mean %f", a, sum / draws);
	}
	ck_assert(retry_backoff(1, 0.5) == 0.5);
	ck_assert(retry_backoff(3, 0.5) == 2.0);
	ck_assert(retry_backoff(100, 0.5) == 10.0);
}
END_TEST

START_TEST(test_max_attempts)
{
	struct retry_quota q;
	struct retry_state st;
	double d;
	int retries = 0;

	retry_quota_init(&q);
	retry_state_init(&st);
	/* Attempts 1 and 2 fail and are retried; the 3rd is the last. */
	for (st.attempt = 1; st.attempt <= 3; st.attempt++)
		retries += retry_decide(&q, &st, 3, RETRY_TRANSIENT, 0.5, &d);
	ck_assert_int_eq(retries, 2);
	ck_assert_int_eq(q.available, 500 - 2 * 5);
	retry_state_init(&st);
	st.attempt = 1;
	ck_assert_int_eq(retry_decide(&q, &st, 3, RETRY_NONE, 0.5, &d), 0);
	ck_assert_int_eq(retry_decide(&q, &st, 1, RETRY_THROTTLING, 0.5, &d),
			 0);
	ck_assert_int_eq(q.available, 490);
}
END_TEST

START_TEST(test_quota_exhaustion_and_refund)
{
	struct retry_quota q;
	struct retry_state st;
	double d;
	int n = 0;

	retry_quota_init(&q);
	ck_assert_int_eq(q.available, 500);
	/* 500 tokens at 5 per retry: exactly 100 retries, then none. */
	for (int i = 0; i < 200; i++) {
		retry_state_init(&st);
		st.attempt = 1;
		if (retry_decide(&q, &st, 3, RETRY_THROTTLING, 0.3, &d)) {
			n++;
			ck_assert_int_eq(st.last_cost, 5);
			ck_assert(d == 0.3);
		} else {
			ck_assert(d == 0.0);
		}
	}
	ck_assert_int_eq(n, 100);
	ck_assert_int_eq(q.available, 0);
	/* A success without retry gives one token back... */
	retry_state_init(&st);
	retry_on_success(&q, &st);
	ck_assert_int_eq(q.available, 1);
	/* ...still not enough for a retry (5). */
	st.attempt = 1;
	ck_assert_int_eq(retry_decide(&q, &st, 3, RETRY_TRANSIENT, 0.1, &d), 0);
	for (int i = 0; i < 4; i++)
		retry_on_success(&q, &(struct retry_state){ 0, 0 });
	ck_assert_int_eq(q.available, 5);
	ck_assert_int_eq(retry_decide(&q, &st, 3, RETRY_TRANSIENT, 0.1, &d), 1);
	ck_assert_int_eq(q.available, 0);
	/* A success after a retry gives back what that retry cost. */
	retry_on_success(&q, &st);
	ck_assert_int_eq(q.available, 5);
	/* Timeouts cost 10. */
	retry_state_init(&st);
	st.attempt = 1;
	ck_assert_int_eq(retry_decide(&q, &st, 3, RETRY_TIMEOUT, 0.1, &d), 0);
	q.available = 10;
	ck_assert_int_eq(retry_decide(&q, &st, 3, RETRY_TIMEOUT, 0.1, &d), 1);
	ck_assert_int_eq(q.available, 0);
	ck_assert_int_eq(st.last_cost, 10);
	retry_on_success(&q, &st);
	ck_assert_int_eq(q.available, 10);
	/* Refunds never pass the maximum. */
	q.available = 499;
	retry_on_success(&q, &st);
	ck_assert_int_eq(q.available, 500);
}
END_TEST

START_TEST(test_max_attempts_env)
{
	unsetenv("AWS_MAX_ATTEMPTS");
	ck_assert_int_eq(retry_max_attempts(0), 3);
	ck_assert_int_eq(retry_max_attempts(7), 7);
	setenv("AWS_MAX_ATTEMPTS", "5", 1);
	ck_assert_int_eq(retry_max_attempts(0), 5);
	ck_assert_int_eq(retry_max_attempts(2), 2);
	setenv("AWS_MAX_ATTEMPTS", "five", 1);
	ck_assert_int_eq(retry_max_attempts(0), 3);
	setenv("AWS_MAX_ATTEMPTS", "0", 1);
	ck_assert_int_eq(retry_max_attempts(0), 3);
	setenv("AWS_MAX_ATTEMPTS", "-2", 1);
	ck_assert_int_eq(retry_max_attempts(0), 3);
	unsetenv("AWS_MAX_ATTEMPTS");
}
END_TEST

START_TEST(test_random_range)
{
	int distinct = 0;
	double prev = -1;

	for (int i = 0; i < 1000; i++) {
		double r = retry_random();

		ck_assert(r >= 0.0 && r < 1.0);
		distinct += r != prev;
		prev = r;
	}
	ck_assert_int_gt(distinct, 990);
}
END_TEST

static Suite *retry_suite(void)
{
	Suite *s = suite_create("retry");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_classify, 0,
			    sizeof(class_cases) / sizeof(class_cases[0]));
	tcase_add_test(tc, test_backoff_bounds);
	tcase_add_test(tc, test_max_attempts);
	tcase_add_test(tc, test_quota_exhaustion_and_refund);
	tcase_add_test(tc, test_max_attempts_env);
	tcase_add_test(tc, test_random_range);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(retry_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
