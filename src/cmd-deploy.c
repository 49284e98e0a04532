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
#include "cmd-json.h"
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
	int creates = 0;

	for (int i = 0; i < p->count; i++)
		creates += p->actions[i].role == PLAN_CREATE;
	fprintf(stderr, P_("This creates %d AWS resource (see `%s plan`). Continue? [y/N] ",
			   "This creates %d AWS resources (see `%s plan`). Continue? [y/N] ",
			   creates),
		creates, PACKAGE);
	return cmd_read_yes();
}

/* The --output json summary (ecs-wizard(1), JSON OUTPUT): {command, ok,
 * name, region, journal, interrupted, counts: {created, adopted,
 * done_before, skipped, failed}, resources: [...], error (the first
 * failure)}. e and err may be NULL/empty when deploy stopped early. */
static void print_summary_json(const struct spec *s, const char *region,
			       const struct engine *e, int ok, int cancelled,
			       const struct aws_error *err, const char *failed)
{
	cJSON *j = cmd_json_new("deploy");
	cJSON *counts;

	if (!j)
		return;
	cJSON_AddStringToObject(j, "name", s->name);
	cJSON_AddStringToObject(j, "region", region ? region : "");
	cJSON_AddStringToObject(j, "journal", e && e->journal ? journal_path(e->journal) : "");
	cJSON_AddBoolToObject(j, "interrupted", cancelled);
	counts = cJSON_AddObjectToObject(j, "counts");
	if (counts) {
		cJSON_AddNumberToObject(counts, "created", e ? e->n_created : 0);
		cJSON_AddNumberToObject(counts, "adopted", e ? e->n_adopted : 0);
		cJSON_AddNumberToObject(counts, "done_before", e ? e->n_done_before : 0);
		cJSON_AddNumberToObject(counts, "skipped", e ? e->n_skipped : 0);
		cJSON_AddNumberToObject(counts, "failed", e ? e->n_failed : 0);
	}
	if (e && e->journal) {
		cJSON *doc = journal_snapshot(e->journal);

		cJSON_AddItemToObject(j, "resources", cmd_json_resources(doc));
		cJSON_Delete(doc);
	} else {
		cJSON_AddItemToObject(j, "resources", cJSON_CreateArray());
	}
	if (!ok)
		cmd_json_fail(j, err, failed);
	cmd_json_print(j);
}

static int deploy_exec(struct ew_options *opts)
{
	struct aws_error err, first;
	struct spec *s = cmd_load_spec_err(opts, &err);
	struct ew_context *ctx = NULL;
	struct engine *e = NULL;
	struct queue *q = NULL;
	struct engine_options eo = { 0 };
	char *state_dir = NULL;
	const char *failed = NULL; /* for JSON: what stopped us early */
	char first_key[128] = "";  /* the action that failed first */
	struct bastion_config bastion;
	enum cmd_run_result result;
	int rc = EXIT_BAD_INPUT;
	char buf[700];

	aws_error_clear(&first);
	if (!s) {
		if (opts->output_json) {
			cJSON *j = cmd_json_new("deploy");
			cmd_json_fail(j, &err, "spec");
			cmd_json_print(j);
		}
		return EXIT_BAD_INPUT;
	}
	aws_error_clear(&err);
	failed = "options";
	if (!opts->yes && !isatty(STDIN_FILENO)) {
		fprintf(stderr, _("%s: deploy creates AWS resources that cost money; "
				  "give --yes to go ahead without a terminal\n"), PACKAGE);
		aws_error_set(&err, AWS_ERR_INPUT, "NeedsYes", "%s",
			      _("give --yes to go ahead without a terminal"));
		goto out;
	}
	state_dir = cmd_state_dir(opts);
	if (!state_dir) {
		fprintf(stderr, _("%s: no state directory: give --state-dir\n"), PACKAGE);
		aws_error_set(&err, AWS_ERR_INPUT, "StateDir", "%s", _("no state directory"));
		goto out;
	}
	/* The spec's region, unless the command line chose one. */
	if (!opts->region) {
		opts->region = strdup(s->region);
		if (!opts->region)
			goto out;
	}
	eo.state_dir = state_dir;
	eo.delay_scale = cmd_delay_scale();
	failed = "start";
	if (engine_new(NULL, s, &eo, &e, &err) < 0) {
		fprintf(stderr, "%s: %s\n", PACKAGE, aws_error_format(&err, buf, sizeof buf));
		goto out;
	}
	if (!opts->yes && !confirm(e->plan)) {
		fprintf(stderr, _("%s: nothing was done\n"), PACKAGE);
		aws_error_set(&err, AWS_ERR_CANCELLED, "NotConfirmed", "%s", _("nothing was done"));
		failed = "confirmation";
		goto out;
	}
	rc = EXIT_FAILED;
	failed = "credentials";
	if (context_open(opts, true, &ctx, &err) < 0) {
		if (err.kind == AWS_ERR_CONFIG || err.kind == AWS_ERR_INPUT)
			rc = EXIT_BAD_INPUT;
		fprintf(stderr, "%s: %s\n", PACKAGE, aws_error_format(&err, buf, sizeof buf));
		goto out;
	}
	failed = "start";
	e->client = ctx->client;
	e->call_many = client_call_many;
	e->call_ctx = ctx->client;
	if (deploy_register_locals(e, ctx->client) < 0) {
		aws_error_set(&err, AWS_ERR_NOMEM, "OutOfMemory", "%s", _("out of memory"));
		goto out;
	}
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
	result = cmd_run_queue_first(e, q, QCMD_RUN_ALL, &first, first_key, sizeof first_key);
	fprintf(stderr, _("%d created, %d found existing, %d done before, %d skipped, %d failed\n"),
		e->n_created, e->n_adopted, e->n_done_before, e->n_skipped, e->n_failed);
	/* The guide ends with a person checking the service from the bastion:
	 * so does deploy, and it succeeds only when those checks pass. */
	if (result == CMD_RUN_OK && opts->no_bastion) {
		fprintf(stderr, _("Live checks skipped (--no-bastion): run `%s verify` later\n"),
			PACKAGE);
	} else if (result == CMD_RUN_OK) {
		fprintf(stderr, _("Checking the service through the bastion\n"));
		result = cmd_run_queue_first(e, q, QCMD_VERIFY, &first, first_key,
					     sizeof first_key);
	}
	rc = result == CMD_RUN_OK ? EXIT_OK
	     : result == CMD_RUN_CANCELLED ? EXIT_INTERRUPTED : EXIT_FAILED;
	if (result != CMD_RUN_OK && first.kind == AWS_ERR_NONE)
		aws_error_set(&first, result == CMD_RUN_CANCELLED ? AWS_ERR_CANCELLED : AWS_ERR_INTERNAL,
			      result == CMD_RUN_CANCELLED ? "Cancelled" : "Failed", "%s",
			      result == CMD_RUN_CANCELLED ? _("cancelled") : _("stopped with errors"));
	if (opts->output_json)
		print_summary_json(s, opts->region, e, result == CMD_RUN_OK,
				   result == CMD_RUN_CANCELLED, &first,
				   first_key[0] ? first_key : NULL);
	failed = NULL;
out:
	if (failed && opts->output_json)
		print_summary_json(s, opts->region, e, 0, ew_interrupted, &err, failed);
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
