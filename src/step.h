/* step.h - one guide section as data (after tmux's cmd-*.c entries).
 *
 * Each file in src/steps/ exports one `const struct step`: the section's
 * number and title, a short explanation in our own words, the spec keys its
 * form edits, and plan(), which appends the section's actions. steps[] in
 * src/steps/steps.c lists them in the guide's order. */
#ifndef ECSW_STEP_H
#define ECSW_STEP_H

#include "plan.h"

struct step {
	const char *id;        /* "02-vpc" */
	int section;           /* 2 */
	const char *title;     /* N_("Create VPC"): translate when shown */
	const char *summary;   /* N_(...): what it creates and why, our words */
	const char *const *fields; /* spec keys edited in this section, NULL-terminated */
	int marketplace_skip;  /* left out entirely in Marketplace mode */
	/* Append this section's actions to p. */
	int (*plan)(const struct spec *spec, struct plan *p, struct aws_error *err);
};

extern const struct step *const steps[]; /* NULL-terminated, guide order */

#endif
