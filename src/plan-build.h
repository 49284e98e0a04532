/* plan-build.h - what the step files use to append actions to a plan.
 *
 * Only plan.c and src/steps/ include this. Builders never fail loudly: on
 * OOM they set p->oom and return NULL, and plan_build() reports it once, so
 * a step reads as a list of resources rather than a ladder of checks. */
#ifndef ECSW_PLAN_BUILD_H
#define ECSW_PLAN_BUILD_H

#include "plan.h"
#include "step.h"

/* The tag every taggable resource carries. */
#define PLAN_DEPLOYMENT_TAG "ecs-wizard:deployment"

/* Append an action; params is taken (may be NULL: no input). The returned
 * pointer is valid until the next plan_add. */
struct plan_action *plan_add(struct plan *p, int section, int role,
			     const char *key, const char *kind, const char *name,
			     const char *service, const char *operation,
			     cJSON *params);
/* An explicit ordering need that no reference expresses. */
void plan_depends(struct plan *p, struct plan_action *a, const char *key);
void plan_set_id(struct plan *p, struct plan_action *a, const char *id_path,
		 const char *arn_path);
/* absent: comma-separated error codes meaning "does not exist", or NULL. */
void plan_set_find(struct plan *p, struct plan_action *a, const char *service,
		   const char *operation, cJSON *params, const char *id_path,
		   const char *arn_path, const char *absent);
void plan_set_wait(struct plan *p, struct plan_action *a, const char *waiter,
		   cJSON *params);
/* Comma-separated lists. */
void plan_set_done_errors(struct plan *p, struct plan_action *a, const char *codes);
void plan_set_keep(struct plan *p, struct plan_action *a, const char *paths);
void plan_set_secret(struct plan *p, struct plan_action *a, const char *path,
		     const char *file);
/* The call that deletes the resource when its secret file was lost. */
void plan_set_lost_secret(struct plan *p, struct plan_action *a, const char *service,
			  const char *operation, cJSON *params);

/* JSON from a template written with single quotes for double ones:
 * %s a string (quoted, escaped), %S raw text (inside a quoted template
 * string; must hold no quotes or backslashes), %d an int, %b a bool
 * (int), %j a cJSON value (taken). NULL (p->oom or a bad template) on
 * failure. */
cJSON *pj(struct plan *p, const char *fmt, ...);

/* Tags, in each service's spelling, with the deployment tag and Name. */
cJSON *plan_ec2_tags(struct plan *p, const struct spec *s, const char *resource_type,
		     const char *name);     /* TagSpecifications */
cJSON *plan_kv_tags(struct plan *p, const struct spec *s, const char *name,
		    const char *k, const char *v); /* [{k: .., v: ..}] */
cJSON *plan_map_tags(struct plan *p, const struct spec *s, const char *name);
/* The EC2 Filters that find a resource carrying our tags. */
cJSON *plan_ec2_tag_filters(struct plan *p, const struct spec *s, const char *name);

/* A security group "<spec name><suffix>" in the deployment's VPC, found
 * again by its name. */
void plan_add_security_group(struct plan *p, const struct spec *s, int section,
			     const char *key, const char *suffix, const char *description);
/* A tcp rule on group (a key) for one port, op Authorize...Ingress or
 * ...Egress, from (or to) a CIDR or, when cidr is NULL, the group peer (a
 * key); a duplicate counts as done. */
void plan_add_sg_rule(struct plan *p, int section, const char *key, const char *op,
		      const char *group, int port, const char *cidr, const char *peer,
		      const char *description);

/* "<spec name><suffix>" into a static-free buffer of the caller. */
const char *plan_name(char *buf, size_t size, const struct spec *s,
		      const char *suffix);

/* The tag of an image reference: "deid:3.3.2-cpu" -> "3.3.2-cpu",
 * "oci:DIR:TAG" -> "TAG", a docker-archive or an untagged name -> "latest".
 * Returns buf. */
const char *step_image_tag(const char *image, char *buf, size_t size);

#endif
