/* cmd-verify.c - `ecs-wizard verify --spec F`: the live checks of a
 * deployment that deploy made (verify.h), on their own: the service's
 * tasks and its load balancer answering, seen from the bastion.
 *
 * Exit 0 when every check passed, 1 when one failed (the message names
 * the hop), 2 for bad input, 130 after an interrupt. Changes nothing in
 * AWS; only the known_hosts file in the state dir may gain the bastion's
 * key (with --ssh-host-key or --accept-new-host-key). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd-engine.h"
#include "cmd-run.h"
#include "i18n.h"
#include "verify.h"

static int verify_exec(struct ew_options *opts)
{
	struct spec *s = cmd_load_spec(opts);
	struct ew_context *ctx = NULL;
	struct engine *e = NULL;
	struct queue *q = NULL;
	struct engine_options eo = { 0 };
	struct bastion_config bastion;
	struct aws_error err;
	char *state_dir = NULL;
	enum cmd_run_result result;
	int rc = EXIT_BAD_INPUT;
	char buf[700];

	aws_error_clear(&err);
	if (!s)
		return EXIT_BAD_INPUT;
	state_dir = cmd_state_dir(opts);
	if (!state_dir || !journal_exists(state_dir, s->name)) {
		fprintf(stderr, _("%s: no journal for %s in %s: deploy it first\n"), PACKAGE,
			s->name, state_dir ? state_dir : "?");
		goto out;
	}
	if (!opts->region) {
		opts->region = strdup(s->region);
		if (!opts->region)
			goto out;
	}
	eo.state_dir = state_dir;
	eo.delay_scale = cmd_delay_scale();
	rc = EXIT_FAILED;
	if (engine_new(NULL, s, &eo, &e, &err) < 0 ||
	    context_open(opts, true, &ctx, &err) < 0) {
		fprintf(stderr, "%s: %s\n", PACKAGE, aws_error_format(&err, buf, sizeof buf));
		goto out;
	}
	e->client = ctx->client;
	cmd_bastion_config(opts, ctx, &bastion);
	verify_register(e, &bastion);
	if (queue_start(e, &q, &err) < 0) {
		fprintf(stderr, "%s: %s\n", PACKAGE, aws_error_format(&err, buf, sizeof buf));
		goto out;
	}
	result = cmd_run_queue(e, q, QCMD_VERIFY);
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

const struct cli_command cmd_verify = {
	.name = "verify",
	.usage = "--spec FILE [--state-dir DIR] [--ssh-host-key SHA256:...] [--accept-new-host-key]",
	.summary = N_("check from the bastion that the service's tasks and load balancer answer"),
	.max_args = 0,
	.exec = verify_exec,
};
