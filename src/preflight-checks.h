/* preflight-checks.h - what makes a deployment fail halfway, found before
 * anything is created: the instance types offered in the zones the plan
 * uses, the On-Demand vCPU, Elastic IP and VPC quotas against current use,
 * the guide's roles, and (where the caller may ask) whether IAM lets the
 * caller make every call the plan makes.
 *
 * Read-only. A check that cannot be made (the API is refused, or not
 * there) is "unchecked", never a failure: the finding says why. Each
 * problem carries what to change. Messages are translated here because
 * they carry numbers the caller would otherwise have to rebuild. */
#ifndef ECSW_PREFLIGHT_CHECKS_H
#define ECSW_PREFLIGHT_CHECKS_H

#include <cjson/cJSON.h>

#include "aws/error.h"
#include "context.h"
#include "plan.h"
#include "spec.h"

enum pf_status {
	PF_OK,        /* fine as planned */
	PF_PROBLEM,   /* the deployment would fail: see fix */
	PF_UNCHECKED, /* could not be checked: message says why */
};

struct pf_finding {
	const char *check; /* static, stable: "instance-type-zones", "vcpu-quota",
			      "elastic-ip-quota", "vpc-quota", "role:NAME",
			      "iam-simulate" */
	enum pf_status status;
	char *message;     /* owned, translated: what was found */
	char *fix;         /* owned, translated: what to change; NULL unless PF_PROBLEM */
};

struct pf_findings {
	struct pf_finding *items; /* owned */
	int count;
	int problems;
	int unchecked;
};

/* The vCPU quota the plan's instances count against, or NULL when the
 * type is not in the standard families (A, C, D, H, I, M, R, T, Z). */
const char *pf_vcpu_quota_code(const char *instance_type);
/* The IAM action for one of our calls: ("elbv2", "CreateLoadBalancer") ->
 * "elasticloadbalancing:CreateLoadBalancer". Writes into out. */
void pf_iam_action(const char *service, const char *operation, char *out,
		   size_t size);
/* The principal SimulatePrincipalPolicy takes for a caller ARN (an
 * assumed role's session becomes the role), malloc'd; NULL when there is
 * none (root, federated users). */
char *pf_policy_source_arn(const char *caller_arn);

/* Run every check with ctx's client for spec s and its plan p (p may be
 * NULL: the IAM simulation is then unchecked). caller_arn is
 * GetCallerIdentity's Arn. 0 with *out filled (pf_findings_free), or -1
 * with err when out of memory or interrupted. */
int pf_run(struct ew_context *ctx, const struct spec *s, const struct plan *p,
	   const char *caller_arn, struct pf_findings *out, struct aws_error *err);
void pf_findings_free(struct pf_findings *f);

/* [{"check", "status": "ok"|"problem"|"unchecked", "message", "fix"}]. */
cJSON *pf_findings_to_json(const struct pf_findings *f);
const char *pf_status_name(enum pf_status st);

#endif
