/* cmd-plan.c - `ecs-wizard plan --spec F [--output json]`: every section,
 * every resource and the exact call that would create it.
 *
 * Sends nothing at all, so it works without credentials: values only known
 * at run time stay references ("${vpc.id}", "${account.Account}"). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "cmd-engine.h"
#include "cmd-json.h"
#include "i18n.h"
#include "plan.h"
#include "step.h"

static const char *role_word(int role)
{
	switch (role) {
	case PLAN_LOOKUP:
		return _("look up");
	case PLAN_CREATE:
		return _("create");
	case PLAN_CONFIGURE:
		return _("configure");
	default:
		return _("local");
	}
}

static void print_text(const struct plan *p)
{
	int section = -1, role_cols = 9;

	/* The role column fits the longest translated role word. */
	for (int r = PLAN_LOOKUP; r <= PLAN_LOCAL; r++)
		if (i18n_width(role_word(r)) > role_cols)
			role_cols = i18n_width(role_word(r));

	for (int i = 0; i < p->count; i++) {
		const struct plan_action *a = &p->actions[i];
		char *params;

		if (a->section != section) {
			for (int k = 0; steps[k]; k++)
				if (steps[k]->section == a->section)
					printf("%s%d. %s\n", section < 0 ? "" : "\n",
					       a->section, _(steps[k]->title));
			section = a->section;
		}
		printf("  ");
		i18n_fpad(stdout, role_word(a->role), role_cols);
		printf(" %-28s %s\n", a->key, *a->name ? a->name : a->kind);
		params = cJSON_PrintUnformatted(a->params);
		if (a->role == PLAN_LOCAL)
			printf("%*s%s %s\n", role_cols + 3, "", a->operation, params ? params : "");
		else
			printf("%*s%s %s %s\n", role_cols + 3, "", a->service, a->operation,
			       params ? params : "");
		free(params);
		if (a->depend_count) {
			printf("%*s%s", role_cols + 3, "", _("after:"));
			for (int d = 0; d < a->depend_count; d++)
				printf(" %s", a->depends[d]);
			printf("\n");
		}
	}
}

static int plan_exec(struct ew_options *opts)
{
	struct aws_error err;
	struct spec *s = cmd_load_spec_err(opts, &err);
	struct plan *p = NULL;
	int rc = EXIT_BAD_INPUT;

	if (!s) {
		if (opts->output_json) {
			cJSON *j = cmd_json_new("plan");
			cmd_json_fail(j, &err, "spec");
			cmd_json_print(j);
		}
		return EXIT_BAD_INPUT;
	}
	if (plan_build(s, &p, &err) < 0) {
		fprintf(stderr, "%s: %s\n", PACKAGE, err.message);
		if (opts->output_json) {
			cJSON *j = cmd_json_new("plan");
			cmd_json_fail(j, &err, "plan");
			cmd_json_print(j);
		}
		goto out;
	}
	if (opts->output_json) {
		/* {command, ok, sections: [...], spec} (ecs-wizard(1)). */
		cJSON *j = plan_to_json(p);

		if (j) {
			cJSON_AddStringToObject(j, "command", "plan");
			cJSON_AddBoolToObject(j, "ok", 1);
			cJSON_AddItemToObject(j, "spec", spec_to_json(s));
		}
		rc = cmd_json_print(j) == 0 ? EXIT_OK : EXIT_FAILED;
		goto out;
	}
	print_text(p);
	rc = fflush(stdout) == 0 ? EXIT_OK : EXIT_FAILED;
out:
	plan_free(p);
	spec_free(s);
	return rc;
}

const struct cli_command cmd_plan = {
	.name = "plan",
	.usage = "[--spec FILE] [--name NAME] [--output json]",
	.summary = N_("show every resource and the exact AWS call that creates it; sends nothing"),
	.max_args = 0,
	.exec = plan_exec,
};
