/* retry.h - when to try an AWS call again and how long to wait first.
 *
 * The SDKs' "standard" retry mode as botocore implements it
 * (botocore/retries/standard.py and quota.py): at most 3 attempts unless
 * configured, full-jitter exponential backoff capped at 20 s, and a retry
 * quota of 500 tokens shared by every call of a client so that a failing
 * service is not hammered. Pure: the random number is an input, nothing
 * here sleeps or reads a clock. */
#ifndef ECSW_AWS_RETRY_H
#define ECSW_AWS_RETRY_H

#include "aws/error.h"

#define RETRY_DEFAULT_MAX_ATTEMPTS 3
#define RETRY_MAX_BACKOFF 20.0
#define RETRY_QUOTA_INITIAL 500
#define RETRY_COST 5
#define RETRY_TIMEOUT_COST 10
#define RETRY_NO_RETRY_INCREMENT 1

/* What an attempt's outcome is, for the retry decision. */
enum retry_class {
	RETRY_NONE = 0,    /* success or an error that retrying cannot fix */
	RETRY_TRANSIENT,   /* 5xx, connection failure, transient code */
	RETRY_THROTTLING,  /* the service asked us to slow down */
	RETRY_TIMEOUT,     /* connect or request timeout (costs more quota) */
};

/* The token bucket shared by a client's calls. */
struct retry_quota {
	int available;
	int max;
};

/* Per call: how far it got and what its last retry cost. */
struct retry_state {
	int attempt;   /* attempts made so far */
	int last_cost; /* quota taken by the most recent retry, 0 if none */
};

void retry_quota_init(struct retry_quota *q);
void retry_state_init(struct retry_state *st);

/* Classify an attempt's outcome from what we know of it: the error kind
 * (NONE on a 2xx), the HTTP status (0 without a response) and AWS's error
 * code ("" or NULL when none). service is our model key ("sts", ...):
 * IDPCommunicationError is retried only for STS, as botocore does. */
enum retry_class retry_classify(const char *service, enum aws_error_kind kind,
				long http_status, const char *error_code);

/* Is code one of the throttling codes (botocore's _THROTTLED_ERROR_CODES)? */
int retry_is_throttling_code(const char *code);

/* The wait before the next attempt after attempt number `attempt` (1-based)
 * failed: r * min(20, 2^(attempt-1)), r drawn uniformly from [0, 1). */
double retry_backoff(int attempt, double r);

/* Decide after a failed attempt whether to retry: under max_attempts, a
 * retryable class and quota available. Takes the quota and returns 1 with
 * *delay set, or 0 (no retry; nothing taken). r as for retry_backoff(). */
int retry_decide(struct retry_quota *q, struct retry_state *st,
		 int max_attempts, enum retry_class cls, double r,
		 double *delay);

/* A call succeeded (2xx): give back 1 token, or what its last retry took. */
void retry_on_success(struct retry_quota *q, const struct retry_state *st);

/* Max attempts: configured when > 0, else AWS_MAX_ATTEMPTS when it is a
 * positive integer, else 3. */
int retry_max_attempts(int configured);

/* A uniform double in [0, 1) from OpenSSL's generator. */
double retry_random(void);

#endif
