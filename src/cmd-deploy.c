/* cmd-deploy.c - `ecs-wizard deploy --spec F --yes`: run the whole plan
 * through the backend queue, one progress line per resource on stderr,
 * a summary at the end.
 *
 * After the plan, the live checks (verify.h) run; exit 0 only when every
 * action and every check succeeded; 130 after an interrupt (the
 * journal is consistent and a re-run resumes); 2 without --yes when there
 * is nobody to ask. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cmd-engine.h"
#include "cmd-run.h"
#include "context.h"
#include "deploy-local.h"
#include "engine.h"
#include "i18n.h"
#include "interrupt.h"
#include "queue.h"
#include "verify.h"

static int client_call_many(void *ctx, struct aws_call_spec *calls, int n)
{
	return aws_call_many(ctx, calls, n);
}

static int confirm(const struct plan *p)
{
	char line[16];
	int creates = 0;

	for (int i = 0; i < p->count; i++)
		creates += p->actions[i].role == PLAN_CREATE;
	fprintf(stderr, _("This creates %d AWS resources (see `%s plan`). Continue? [y/N] "),
		creates, PACKAGE);
	if (!fgets(line, sizeof line, stdin))
		return 0;
	return line[0] == 'y' || line[0] == 'Y';
}

static int deploy_exec(struct ew_options *opts)
{
	struct spec *s = cmd_load_spec(opts);
	struct ew_context *ctx = NULL;
	struct engine *e = NULL;
	struct queue *q = NULL;
	struct engine_options eo = { 0 };
	struct aws_error err;
	char *state_dir = NULL;
	const char *scale;
	struct bastion_config bastion;
	enum cmd_run_result result;
	int rc = EXIT_BAD_INPUT;
	char buf[700];

	aws_error_clear(&err);
	if (!s)
		return EXIT_BAD_INPUT;
	if (!opts->yes && !isatty(STDIN_FILENO)) {
		fprintf(stderr, _("%s: deploy creates AWS resources that cost money; "
				  "give --yes to go ahead without a terminal\n"), PACKAGE);
		goto out;
	}
	state_dir = cmd_state_dir(opts);
	if (!state_dir) {
		fprintf(stderr, _("%s: no state directory: give --state-dir\n"), PACKAGE);
		goto out;
	}
	/* The spec's region, unless the command line chose one. */
	if (!opts->region) {
		opts->region = strdup(s->region);
		if (!opts->region)
			goto out;
	}
	eo.state_dir = state_dir;
	/* For tests against an emulator whose resources are ready at once:
	 * shrink the waiters' delays (botocore's are 15 s). */
	scale = getenv("ECSW_WAITER_DELAY_SCALE");
	eo.delay_scale = scale ? atof(scale) : 1.0;
	if (engine_new(NULL, s, &eo, &e, &err) < 0) {
		fprintf(stderr, "%s: %s\n", PACKAGE, aws_error_format(&err, buf, sizeof buf));
		goto out;
	}
	if (!opts->yes && !confirm(e->plan)) {
		fprintf(stderr, _("%s: nothing was done\n"), PACKAGE);
		goto out;
	}
	rc = EXIT_FAILED;
	if (context_open(opts, true, &ctx, &err) < 0) {
		fprintf(stderr, "%s: %s\n", PACKAGE, aws_error_format(&err, buf, sizeof buf));
		goto out;
	}
	e->client = ctx->client;
	e->call_many = client_call_many;
	e->call_ctx = ctx->client;
	if (deploy_register_locals(e, ctx->client) < 0)
		goto out;
	cmd_bastion_config(opts, ctx, &bastion);
	if (opts->no_bastion) {
		if (engine_register_local(e, "license", NULL,
					  (void *)_("--no-bastion: not copied")) < 0)
			goto out;
	} else {
		if (bastion_register_license(e, &bastion) < 0)
			goto out;
		verify_register(e, &bastion);
	}
	if (queue_start(e, &q, &err) < 0) {
		fprintf(stderr, "%s: %s\n", PACKAGE, aws_error_format(&err, buf, sizeof buf));
		goto out;
	}
	fprintf(stderr, _("Deploying %s to %s; journal %s\n"), s->name, opts->region,
		journal_path(e->journal));
	result = cmd_run_queue(e, q, QCMD_RUN_ALL);
	fprintf(stderr, _("%d created, %d found existing, %d done before, %d skipped, %d failed\n"),
		e->n_created, e->n_adopted, e->n_done_before, e->n_skipped, e->n_failed);
	if (opts->output_json) {
		cJSON *j = journal_snapshot(e->journal);
		char *txt = j ? cJSON_Print(j) : NULL;
		if (txt)
			printf("%s\n", txt);
		free(txt);
		cJSON_Delete(j);
	}
	/* The guide ends with a person checking the service from the bastion:
	 * so does deploy, and it succeeds only when those checks pass. */
	if (result == CMD_RUN_OK && opts->no_bastion) {
		fprintf(stderr, _("Live checks skipped (--no-bastion): run `%s verify` later\n"),
			PACKAGE);
	} else if (result == CMD_RUN_OK) {
		fprintf(stderr, _("Checking the service through the bastion\n"));
		result = cmd_run_queue(e, q, QCMD_VERIFY);
	}
	rc = result == CMD_RUN_OK ? EXIT_OK
	     : result == CMD_RUN_CANCELLED ? EXIT_INTERRUPTED : EXIT_FAILED;
out:
	queue_free(q);
	engine_free(e);
	context_free(ctx);
	free(state_dir);
	spec_free(s);
	return rc;
}

const struct cli_command cmd_deploy = {
	.name = "deploy",
	.usage = "--spec FILE [--yes] [--state-dir DIR] [--output json] "
		 "[--ssh-host-key SHA256:...] [--accept-new-host-key] [--no-bastion]",
	.summary = N_("create everything in the plan; resumes where a previous run stopped"),
	.max_args = 0,
	.exec = deploy_exec,
};
