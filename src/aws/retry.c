/* retry.c - the standard retry mode: classification, backoff, quota.
 * See retry.h. The code lists are botocore's (retries/standard.py:
 * TransientRetryableChecker, ThrottledRetryableChecker, special.py's
 * RetryIDPCommunicationError); the quota numbers are RetryQuotaChecker's. */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "aws/retry.h"

static const char *const throttling_codes[] = {
	"Throttling",
	"ThrottlingException",
	"ThrottledException",
	"RequestThrottledException",
	"TooManyRequestsException",
	"ProvisionedThroughputExceededException",
	"TransactionInProgressException",
	"RequestLimitExceeded",
	"BandwidthLimitExceeded",
	"LimitExceededException",
	"RequestThrottled",
	"SlowDown",
	"PriorRequestNotComplete",
	"EC2ThrottledException",
	NULL,
};

/* botocore's transient codes, plus the "internal error" codes EC2 and the
 * query services send: those normally come with a 500 (already retried by
 * status) but the code alone should not depend on the status being right. */
static const char *const transient_codes[] = {
	"RequestTimeout",
	"RequestTimeoutException",
	"PriorRequestNotComplete",
	"InternalError",
	"InternalFailure",
	"ServiceUnavailable",
	NULL,
};

static const long transient_statuses[] = { 500, 502, 503, 504 };

static int in_list(const char *const *list, const char *code)
{
	if (!code || !code[0])
		return 0;
	for (size_t i = 0; list[i]; i++)
		if (strcmp(list[i], code) == 0)
			return 1;
	return 0;
}

void retry_quota_init(struct retry_quota *q)
{
	q->available = RETRY_QUOTA_INITIAL;
	q->max = RETRY_QUOTA_INITIAL;
}

void retry_state_init(struct retry_state *st)
{
	st->attempt = 0;
	st->last_cost = 0;
}

int retry_is_throttling_code(const char *code)
{
	return in_list(throttling_codes, code);
}

enum retry_class retry_classify(const char *service, enum aws_error_kind kind,
				long http_status, const char *error_code)
{
	switch (kind) {
	case AWS_ERR_NONE:
		return RETRY_NONE;
	case AWS_ERR_TIMEOUT:
		return RETRY_TIMEOUT;
	case AWS_ERR_NETWORK:
		return RETRY_TRANSIENT;
	case AWS_ERR_SERVICE:
	case AWS_ERR_PARSE:
		break;
	default:
		/* Our own failures (input, credentials, memory, cancel) do
		 * not get better by asking again. */
		return RETRY_NONE;
	}
	if (retry_is_throttling_code(error_code))
		return RETRY_THROTTLING;
	if (in_list(transient_codes, error_code))
		return RETRY_TRANSIENT;
	if (service && strcmp(service, "sts") == 0 && error_code &&
	    strcmp(error_code, "IDPCommunicationError") == 0)
		return RETRY_TRANSIENT;
	for (size_t i = 0;
	     i < sizeof(transient_statuses) / sizeof(transient_statuses[0]); i++)
		if (http_status == transient_statuses[i])
			return RETRY_TRANSIENT;
	return RETRY_NONE;
}

double retry_backoff(int attempt, double r)
{
	double cap = 1.0;

	if (attempt < 1)
		attempt = 1;
	/* 2^(attempt-1) without overflow: past 2^5 we are above the cap. */
	for (int i = 1; i < attempt && cap < RETRY_MAX_BACKOFF; i++)
		cap *= 2.0;
	if (cap > RETRY_MAX_BACKOFF)
		cap = RETRY_MAX_BACKOFF;
	if (r < 0.0)
		r = 0.0;
	if (r >= 1.0)
		r = 0.0;
	return r * cap;
}

int retry_decide(struct retry_quota *q, struct retry_state *st,
		 int max_attempts, enum retry_class cls, double r,
		 double *delay)
{
	int cost;

	*delay = 0.0;
	if (cls == RETRY_NONE || st->attempt >= max_attempts)
		return 0;
	cost = cls == RETRY_TIMEOUT ? RETRY_TIMEOUT_COST : RETRY_COST;
	if (cost > q->available)
		return 0;
	q->available -= cost;
	st->last_cost = cost;
	*delay = retry_backoff(st->attempt, r);
	return 1;
}

void retry_on_success(struct retry_quota *q, const struct retry_state *st)
{
	int amount = st->last_cost ? st->last_cost : RETRY_NO_RETRY_INCREMENT;

	if (amount > q->max - q->available)
		amount = q->max - q->available;
	q->available += amount;
}

int retry_max_attempts(int configured)
{
	const char *env;
	char *end;
	long v;

	if (configured > 0)
		return configured;
	env = getenv("AWS_MAX_ATTEMPTS");
	if (env && *env) {
		errno = 0;
		v = strtol(env, &end, 10);
		if (!errno && !*end && v > 0 && v <= 100)
			return (int)v;
	}
	return RETRY_DEFAULT_MAX_ATTEMPTS;
}

double retry_random(void)
{
	uint64_t v = 0;

	/* 53 random bits make every double in [0, 1) reachable evenly. If
	 * the generator fails we wait the longest time allowed rather than
	 * none: slower, never a retry storm. */
	if (RAND_bytes((unsigned char *)&v, sizeof(v)) != 1)
		return 0.999999;
	return (double)(v >> 11) / 9007199254740992.0;
}
