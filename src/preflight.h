/* preflight.h - can we work in this account and region at all?
 *
 * Two read-only calls: STS GetCallerIdentity (do the credentials work, whose
 * are they) and EC2 DescribeInstanceTypeOfferings (is the instance type
 * sold in the region). The engine part returns data; cmd-preflight.c (and
 * the TUI's first screen) words it. */
#ifndef ECSW_PREFLIGHT_H
#define ECSW_PREFLIGHT_H

#include "aws/error.h"
#include "context.h"

struct preflight_result {
	char *account;           /* owned; NULL until known */
	char *arn;               /* owned */
	char *user_id;           /* owned */
	char *region;            /* owned */
	char *credential_source; /* owned: "environment", "profile dev ..." */
	char *instance_type;     /* owned */
	int instance_type_offered; /* 1 offered, 0 not, -1 not checked */
	const char *failed;      /* static: "sts:GetCallerIdentity" ..., or NULL */
};

void preflight_result_init(struct preflight_result *r);
void preflight_result_free(struct preflight_result *r);

/* Run the checks with ctx's client. Fills r as far as it got; returns 0,
 * or -1 with err (AWS's code, message and request id) and r->failed set. */
int preflight_run(struct ew_context *ctx, const char *instance_type,
		  struct preflight_result *r, struct aws_error *err);

/* r as a JSON object with stable field names (account, arn, user_id,
 * region, credential_source, instance_type, instance_type_offered) and, when
 * err is given and set, an "error" object. Caller frees (cJSON_Delete). */
cJSON *preflight_to_json(const struct preflight_result *r,
			 const struct aws_error *err);

#endif
