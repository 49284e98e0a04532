/* creds.h - finding AWS credentials and the region the way the SDKs do.
 *
 * Order: environment, then the profile (--profile, AWS_PROFILE, "default")
 * from the shared credentials and config files (static keys,
 * credential_process, role_arn + source_profile through STS AssumeRole with
 * optional mfa_serial), then EC2 instance metadata (IMDSv2).
 * The secret and the session token never leave this module and the signer
 * except on the wire; they are wiped when freed. */
#ifndef ECSW_AWS_CREDS_H
#define ECSW_AWS_CREDS_H

#include <time.h>

#include "aws/error.h"

struct aws_creds {
	char *access_key_id;     /* owned */
	char *secret_access_key; /* owned, secret */
	char *session_token;     /* owned, secret, may be NULL */
	time_t expiration;       /* 0: does not expire */
	char *source;            /* owned: "environment", "profile dev (credentials file)",
				    "credential_process (profile dev)",
				    "assume-role arn:... (profile dev)", "instance metadata" */
};

/* Asks the person for an MFA code; returns a malloc'd string or NULL. The TUI
 * and CLI provide one; headless passes --mfa-token through mfa_token. */
typedef char *(*aws_mfa_prompt_fn)(const char *mfa_serial, void *ctx);

struct aws_client;

struct aws_creds_options {
	const char *profile;    /* --profile, or NULL: AWS_PROFILE, then "default" */
	const char *mfa_token;  /* --mfa-token, or NULL */
	aws_mfa_prompt_fn mfa_prompt;
	void *mfa_prompt_ctx;
	/* Used for STS AssumeRole; created on demand when NULL. The client's
	 * endpoint settings (--endpoint-url) apply. Borrowed. */
	const char *endpoint_url;
	const char *region;     /* region for STS when known */
	int no_imds;            /* skip instance metadata (tests, dry runs) */
};

/* Resolve credentials. On success *out is the caller's (aws_creds_free).
 * When nothing provides credentials, kind is AWS_ERR_CREDENTIALS. A broken
 * file is AWS_ERR_CONFIG with err->where naming file:line. */
int aws_creds_resolve(const struct aws_creds_options *opt,
		      struct aws_creds **out, struct aws_error *err);

/* Region: explicit (--region), AWS_REGION, AWS_DEFAULT_REGION, then the
 * profile's region in the config file. Returns a malloc'd string, or NULL
 * with err set (AWS_ERR_CONFIG) when none is configured. */
char *aws_region_resolve(const char *explicit_region, const char *profile,
			 struct aws_error *err);

struct aws_creds *aws_creds_new(const char *akid, const char *secret,
				const char *token, const char *source);
struct aws_creds *aws_creds_dup(const struct aws_creds *c);
/* Wipe and free; NULL is fine. */
void aws_creds_free(struct aws_creds *c);

#endif
