/* context.h - what every command needs before it talks to AWS.
 *
 * context_open() turns the options into a region, credentials, an open
 * --log file and a client, in that order, stopping at the first failure
 * with the detail on an aws_error (the caller words it). Nothing here
 * prints except the MFA prompt, which goes to the terminal (/dev/tty) and
 * only when stdin is one and no --mfa-token was given. */
#ifndef ECSW_CONTEXT_H
#define ECSW_CONTEXT_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "aws/client.h"
#include "aws/creds.h"
#include "aws/error.h"
#include "options.h"

struct ew_context {
	const struct ew_options *opts; /* borrowed */
	char *region;                  /* owned; NULL when none is configured
					  and credentials were not needed */
	struct aws_creds *creds;       /* owned; NULL without need_credentials */
	struct aws_client *client;     /* owned; NULL without need_credentials */
	FILE *log;                     /* --log, owned; NULL without one */
};

/* Build the context. With need_credentials false only the region (when
 * one is configured) and the log are set up. Returns 0 and *out (the
 * caller's, context_free), or -1 with err filled: AWS_ERR_CONFIG for a
 * missing region, a broken config file or an unsafe log file (where names
 * it), AWS_ERR_CREDENTIALS when nothing provides credentials. */
int context_open(const struct ew_options *opts, bool need_credentials,
		 struct ew_context **out, struct aws_error *err);
void context_free(struct ew_context *ctx);

/* Open (create, 0600, append) a log file; refuses an existing file that
 * group or others may read or write, a symlink, or a non-regular file. */
int context_open_log(const char *path, FILE **out, struct aws_error *err);

/* One log line (no newline) for an HTTP attempt made at `when`:
 * "2026-11-28T04:19:00Z sts GetCallerIdentity attempt=1 status=200
 *  request_id=... error=- seconds=0.012". Never holds secrets: the entry
 * has none. */
void context_format_log_line(const struct aws_call_log *e, time_t when,
			     char *out, size_t size);

#endif
