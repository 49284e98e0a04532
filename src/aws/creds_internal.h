/* creds_internal.h - the pieces of the credentials chain, shared between
 * creds.c (the chain and the files), creds_process.c (credential_process),
 * creds_sts.c (AssumeRole) and imds.c (instance metadata). Not for use
 * outside src/aws/creds*.c, imds.c and their tests. */
#ifndef ECSW_AWS_CREDS_INTERNAL_H
#define ECSW_AWS_CREDS_INTERNAL_H

#include <time.h>

#include "aws/creds.h"
#include "aws/error.h"

/* Split a command line the way botocore does (shlex.split, POSIX rules):
 * whitespace separates words, '...' is literal, "..." allows \" and \\,
 * a backslash outside quotes escapes any character. No shell is involved.
 * *argv_out is a NULL-terminated array, the caller's (creds_argv_free). */
int creds_shell_split(const char *cmd, char ***argv_out, struct aws_error *err);
void creds_argv_free(char **argv);

/* Run a credential_process command (no shell; stdin and environment are
 * ours, nothing secret is added to either) and parse its Version 1 JSON. */
int creds_from_process(const char *command, const char *profile,
		       struct aws_creds **out, struct aws_error *err);

/* ISO-8601 UTC time ("2026-11-28T05:00:00Z", fractions and +hh:mm allowed)
 * to time_t; -1 when it does not parse. */
time_t creds_parse_time(const char *iso);

/* What AssumeRole needs, from a profile. All borrowed. */
struct creds_assume_role {
	const char *profile;
	const char *role_arn;
	const char *role_session_name; /* NULL: "ecs-wizard-<epoch>" */
	const char *external_id;
	const char *duration_seconds;  /* as written in the file, or NULL */
	const char *mfa_serial;
};

/* STS AssumeRole with source credentials, through aws_call(). */
int creds_assume_role(const struct aws_creds *source,
		      const struct creds_assume_role *ar,
		      const struct aws_creds_options *opt,
		      struct aws_creds **out, struct aws_error *err);

#endif
