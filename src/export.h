/* export.h - the plan as infrastructure as code: a CloudFormation template
 * (export_cfn.c) or a bash script of `aws` commands (export_cli.c).
 *
 * Both are generated from the same plan the engine executes (plan_build),
 * walking its actions generically: references "${KEY.PATH}" become shell
 * variables or Ref/GetAtt, lookups become parameters or pseudo parameters,
 * local actions (license copy, image push) become instructions. Nothing is
 * sent. The shared helpers below are for the two generators only. */
#ifndef ECSW_EXPORT_H
#define ECSW_EXPORT_H

#include <cjson/cJSON.h>

#include "aws/error.h"
#include "plan.h"
#include "spec.h"

/* The bash script; a malloc'd string (caller frees) or NULL with err set. */
char *export_aws_cli(const struct plan *p, const struct spec *s, struct aws_error *err);
/* The CloudFormation template as JSON text (CloudFormation reads JSON and
 * YAML alike); a malloc'd string (caller frees) or NULL with err set. */
char *export_cloudformation(const struct plan *p, const struct spec *s,
			    struct aws_error *err);

/* ---- shared by the generators ---- */

/* Split s at its references: a new array (caller's) of strings (literal
 * text) and objects {"key": K, "path": P}; NULL on OOM. */
cJSON *export_split_refs(const char *s);
/* Does v (any JSON) hold a reference? */
int export_has_ref(const cJSON *v);
/* "subnet-public-1" -> "SubnetPublic1" (CloudFormation logical ids) or,
 * upper, "SUBNET_PUBLIC_1" (shell variables); writes at most size bytes. */
void export_camel(const char *key, char *out, size_t size);
void export_upper(const char *key, char *out, size_t size);
/* Is this top-level input a value the plan base64-encodes ({"$base64":
 * ...}) that the AWS CLI (botocore) and CloudFormation take as text and
 * encode themselves? RunInstances' UserData, ImportKeyPair's key. */
int export_text_not_base64(const char *service, const char *operation,
			   const char *member);
/* A sentence saying what a local action (PLAN_LOCAL) asks of the reader,
 * untranslated: the script and the template are not localised. */
const char *export_local_hint(const struct plan_action *a);

#endif
