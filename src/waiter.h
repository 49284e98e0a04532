/* waiter.h - botocore's waiters (waiters-2.json) as data, and the
 * interpreter that decides from one poll whether to stop.
 *
 * The table copies the delay, maxAttempts and acceptors of the waiters the
 * plan uses. EFS has no waiters-2.json; FileSystemAvailable and
 * MountTargetAvailable are ours, in the same form, and so are API
 * Gateway's VpcLinkAvailable and VpcLinkDeleted (it ships none either). */
#ifndef ECSW_WAITER_H
#define ECSW_WAITER_H

#include <cjson/cJSON.h>

#include "aws/error.h"

enum waiter_state { WAITER_RETRY, WAITER_SUCCESS, WAITER_FAILURE };

enum waiter_matcher {
	MATCH_PATH,     /* the value at argument equals expected */
	MATCH_PATH_ALL, /* every value of the projection equals expected (and there is one) */
	MATCH_PATH_ANY, /* some value of the projection equals expected */
	MATCH_ERROR,    /* the call failed with error code expected */
	MATCH_STATUS,   /* the HTTP status is expected ("200": the call succeeded) */
	MATCH_CUSTOM,   /* custom(output) is true: JMESPath beyond jpath */
};

struct waiter_acceptor {
	enum waiter_state state;
	enum waiter_matcher matcher;
	const char *argument;
	const char *expected;
	int (*custom)(const cJSON *output);
};

struct waiter {
	const char *name;
	const char *service;
	const char *operation;
	int delay;        /* seconds between polls */
	int max_attempts;
	const struct waiter_acceptor *acceptors;
	int acceptor_count;
};

/* NULL when unknown. */
const struct waiter *waiter_find(const char *name);
/* Decide from one poll: output on success, or err when the call failed.
 * As botocore: the first matching acceptor wins; no match retries after a
 * success and fails after an error. */
enum waiter_state waiter_judge(const struct waiter *w, const cJSON *output,
			       const struct aws_error *err);

#endif
