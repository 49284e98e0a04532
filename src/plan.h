/* plan.h - the deployment as data: the guide's sections, each yielding the
 * AWS calls that create its resources, in order.
 *
 * A plan is pure: building it sends nothing. Values that are only known at
 * run time (the account id, availability zones, the AMI, ids of resources
 * created earlier) appear in params as references "${KEY.Path}" to the
 * output of an earlier action; the executor resolves them from the journal.
 * "lookup" actions (GetCallerIdentity, DescribeAvailabilityZones, the SSM AMI
 * parameter) create nothing and are never removed.
 *
 * Readers: the CLI prints it (plan), the TUI reviews it action by action,
 * the executor (deploy) runs it, teardown walks it backwards. Do not modify
 * a plan from outside plan.c and the step files. */
#ifndef ECSW_PLAN_H
#define ECSW_PLAN_H

#include <cjson/cJSON.h>

#include "aws/error.h"
#include "spec.h"

enum plan_action_role {
	PLAN_LOOKUP,    /* reads something we need (account, AZs, AMI) */
	PLAN_CREATE,    /* creates a resource that teardown removes */
	PLAN_CONFIGURE, /* changes a resource created earlier (rule, route, attribute) */
	PLAN_LOCAL,     /* done by us, not AWS (license over SSH, image push, checks) */
};

struct plan_action {
	char *key;       /* owned: stable id in the journal, e.g. "vpc", "subnet-private-1" */
	int section;     /* the guide's section number (2..18; 18 is the optional API Gateway) */
	int role;        /* enum plan_action_role */
	char *kind;      /* owned: resource kind, e.g. "ec2:vpc", "iam:policy" */
	char *name;      /* owned: the resource's name (Name tag or AWS name), may be "" */
	char *service;   /* owned: "ec2", "iam", ... ("" for PLAN_LOCAL) */
	char *operation; /* owned: "CreateVpc" */
	cJSON *params;   /* owned: the exact input, with ${...} references */
	char **depends;  /* owned: keys this action needs first */
	int depend_count;
	int optional;    /* the guide allows leaving it out (Skip without an id) */
	char *id_path;   /* owned: where the created id is in the output, e.g. "Vpc.VpcId";
			    NULL: found by `find` after the call (CreateAutoScalingGroup) */
	char *arn_path;  /* owned, may be NULL: where the ARN is in the output */
	/* How to find the resource when it already exists (adoption, resume
	 * after a crash), owned, may be NULL: {"service", "operation",
	 * "params", "id": path, "arn": path, "absent": [error codes meaning
	 * "not there"]}. */
	cJSON *find;
	/* What to wait for after the call, owned, may be NULL:
	 * {"waiter": name from waiters-2.json, "params": {... "${self.id}"}}. */
	cJSON *wait;
	/* Error codes that mean "already done" (a rule or route that exists
	 * because an earlier run was killed after sending it), owned, may be NULL. */
	cJSON *done_errors;
	/* Output paths kept in the journal besides id and ARN, owned, may be NULL. */
	cJSON *keep;
	/* A secret in the output (e.g. "KeyMaterial") saved to its own 0600 file
	 * <state-dir>/<secret_file> and never journaled; both NULL when none. */
	char *secret_path;
	char *secret_file;
	/* When the resource exists (ours, from a killed run) but its secret
	 * file does not, the secret is lost: this call removes the resource so
	 * it can be made again, owned, may be NULL: {"service", "operation",
	 * "params"}. */
	cJSON *lost_secret;
};

struct plan {
	struct plan_action *actions; /* owned, in execution order */
	int count;
	int alloc;
	int oom;   /* a builder ran out of memory; plan_build fails */
};

/* Build the plan for a validated spec. 0 / -1 (err set). *out is the
 * caller's (plan_free). */
int plan_build(const struct spec *spec, struct plan **out, struct aws_error *err);
void plan_free(struct plan *p);
/* Find an action by key; borrowed; NULL when absent. */
const struct plan_action *plan_find(const struct plan *p, const char *key);
/* The plan as JSON (sections, actions, params) for `plan --output json`. */
cJSON *plan_to_json(const struct plan *p);
/* One action as JSON (the same object plan_to_json lists). */
cJSON *plan_action_to_json(const struct plan_action *a);

/* References. A string "${KEY.PATH}" stands for a value known at run time:
 * PATH is "id" or "arn" of the action KEY, or a jpath into its outputs.
 * A whole-string reference becomes that value (any JSON type); references
 * inside a longer string are replaced by the value's text. Two wrappers are
 * resolved after their contents: {"$base64": "text"} becomes the base64 of
 * the text and {"$json": value} the value serialised as a JSON string (a
 * policy document). */
typedef cJSON *(*plan_ref_fn)(void *ctx, const char *key, const char *path);

/* A resolved deep copy of params; NULL with err set (AWS_ERR_INPUT, the
 * reference in message) when fn could not resolve one. Caller's. fn
 * returns a new value or NULL. */
cJSON *plan_resolve(const cJSON *params, plan_ref_fn fn, void *ctx,
		    struct aws_error *err);
/* Call cb for each reference's KEY in v (for dependencies and checks). */
void plan_each_ref(const cJSON *v, void (*cb)(void *ctx, const char *key,
					      const char *path), void *ctx);

#endif
