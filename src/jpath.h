/* jpath.h - a small subset of JMESPath for reading AWS outputs.
 *
 * Plans name values inside call outputs ("Vpc.VpcId",
 * "AvailabilityZones[1].ZoneName", "NatGateways[].State",
 * "MountTargets[?SubnetId=='subnet-1'].MountTargetId") and waiters test them
 * (botocore's waiters-2.json arguments). Supported: dotted names, [N]
 * (negative counts from the end), [] (flatten/project), [?Name=='v'] and
 * [?Name!='v'] filters comparing a member's text to a literal ('str',
 * `num`), several joined by && ([?Name=='v' && State!='DELETING']). That
 * is all the plan and the waiters use. */
#ifndef ECSW_JPATH_H
#define ECSW_JPATH_H

#include <cjson/cJSON.h>

/* Evaluate path on root and store up to max matches (borrowed) in out.
 * Returns the number of matches (may exceed max; only max are stored), or -1
 * when the path is malformed. */
int jpath_eval(const cJSON *root, const char *path, const cJSON **out, int max);
/* The first match or NULL (also NULL for a malformed path). Borrowed. */
const cJSON *jpath_get(const cJSON *root, const char *path);
/* The first match as text (strings as they are, numbers and booleans
 * printed); NULL when absent or not a scalar. Caller frees. */
char *jpath_text(const cJSON *root, const char *path);
/* A scalar's text (as jpath_text), NULL for objects/arrays. Caller frees. */
char *jpath_scalar_text(const cJSON *v);

#endif
