/* cmd-engine.h - what plan, deploy and status share: loading the spec
 * from the options and printing its problems. */
#ifndef ECSW_CMD_ENGINE_H
#define ECSW_CMD_ENGINE_H

#include "options.h"
#include "spec.h"

/* The spec from --spec (or the guide's defaults), --name applied, then
 * validated. On problems prints each ("key: message") to stderr and
 * returns NULL; the caller exits EXIT_BAD_INPUT. Caller frees (spec_free). */
struct spec *cmd_load_spec(const struct ew_options *opts);
/* The same; on problems err also gets the first one (kind input, code
 * InvalidSpec, where the spec file), for --output json. */
struct spec *cmd_load_spec_err(const struct ew_options *opts, struct aws_error *err);
/* The user's own defaults, $XDG_CONFIG_HOME/ecs-wizard/defaults.json
 * (~/.config/ecs-wizard/...): spec keys overlaid onto s before --spec, so
 * the spec and the command line still win. No file: nothing to do.
 * Returns 0, or -1 with problems added to pr. */
int cmd_load_config_defaults(struct spec *s, const struct ew_options *opts,
			     struct spec_problems *pr);
/* --state-dir or the default; malloc'd, NULL when neither is known. */
char *cmd_state_dir(const struct ew_options *opts);

/* Read one answer to a [y/N] question from standard input: 1 for yes
 * ('y', the locale's yes, or the first letter of the translated "yes"). */
int cmd_read_yes(void);

/* The factor applied to the waiters' delays: ECSW_WAITER_DELAY_SCALE (for
 * tests against an emulator whose resources are ready at once; botocore's
 * delays are 15 s), else 1. */
double cmd_delay_scale(void);

#endif
