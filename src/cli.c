/* cli.c - parse the command line, then run one command or the wizard.
 *
 * Usage errors are one line on stderr and exit status 2; --help lists every
 * command in cli_commands[] and every global option; with no command the
 * wizard runs when we have a terminal, else we say what it would do. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "aws/creds.h"
#include "cli.h"
#include "i18n.h"
#include "interrupt.h"

/* The global options for --help, in the order of ecs-wizard(1). */
static const struct {
	const char *option;
	const char *help; /* N_() */
} option_help[] = {
	{ "--region REGION", N_("AWS region (else AWS_REGION, AWS_DEFAULT_REGION, the profile's)") },
	{ "--profile NAME", N_("profile in ~/.aws/config and ~/.aws/credentials (else AWS_PROFILE)") },
	{ "--endpoint-url URL", N_("send every AWS request to URL (testing, private endpoints)") },
	{ "--connect-to H1:P1:H2:P2", N_("connect to H2:P2 for requests to H1:P1 (repeatable)") },
	{ "--spec FILE", N_("the deployment's answers as JSON (see ecs-wizard-spec(5))") },
	{ "--name NAME", N_("deployment name, overriding the spec's") },
	{ "--state-dir DIR", N_("journals and known hosts (default $XDG_STATE_HOME/ecs-wizard)") },
	{ "--log FILE", N_("append one line per AWS request to FILE (created 0600)") },
	{ "--output json|text", N_("print results as JSON or as text (default)") },
	{ "--output FILE", N_("export: write to FILE instead of standard output") },
	{ "--mfa-token CODE", N_("MFA code for a profile with mfa_serial") },
	{ "--ssh-host-key SHA256:...", N_("the bastion's expected SSH host key fingerprint") },
	{ "--accept-new-host-key", N_("trust the bastion's host key on first use") },
	{ "--dry-run", N_("show what would be done; change nothing") },
	{ "--delete-images", N_("when destroying, delete the ECR images too") },
	{ "--format FORMAT", N_("export: cloudformation or aws-cli") },
	{ "--refresh-prices", N_("fetch prices again instead of using the cache") },
	{ "-y, --yes", N_("do not ask for confirmation") },
	{ "--no-color", N_("no colours (also when NO_COLOR is set)") },
	{ "-h, --help", N_("show this help and exit") },
	{ "-V, --version", N_("show the version and exit") },
};

const char cli_credentials_hint[] =
	N_("provide credentials with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
	   "with 'aws configure' (writes ~/.aws/credentials), or name a profile "
	   "with --profile or AWS_PROFILE");

const struct cli_command *cli_find_command(const char *name)
{
	size_t i;

	for (i = 0; cli_commands[i]; i++)
		if (strcmp(cli_commands[i]->name, name) == 0)
			return cli_commands[i];
	return NULL;
}

int cli_parse(int argc, char **argv, struct ew_options *opts,
	      const struct cli_command **cmd, char *err, size_t err_size)
{
	const struct cli_command *c = NULL;

	*cmd = NULL;
	if (ew_options_parse(argc, argv, opts, err, err_size) < 0)
		return EXIT_BAD_INPUT;
	if (opts->help || opts->version) {
		/* --help names a command when one is given; an unknown one
		 * still gets the general help. */
		if (opts->command)
			*cmd = cli_find_command(opts->command);
		return EXIT_OK;
	}
	c = opts->command ? cli_find_command(opts->command) : NULL;
	if (opts->output_file && (!c || strcmp(c->name, "export") != 0)) {
		snprintf(err, err_size, _("--output: '%s' is not 'json' or 'text'"),
			 opts->output_file);
		goto bad;
	}
	if (!opts->command)
		return EXIT_OK;
	if (!c) {
		snprintf(err, err_size, _("unknown command '%s'"), opts->command);
		goto bad;
	}
	if (opts->nargs > c->max_args) {
		snprintf(err, err_size, _("%s: unexpected argument '%s'"),
			 c->name, opts->args[c->max_args]);
		goto bad;
	}
	*cmd = c;
	return EXIT_OK;
bad:
	ew_options_free(opts);
	return EXIT_BAD_INPUT;
}

static void print_help(FILE *f, const struct cli_command *only)
{
	size_t i;

	if (only) {
		fprintf(f, _("Usage: %s %s %s\n"), PACKAGE, only->name, only->usage);
		fprintf(f, "%s\n", _(only->summary));
		fprintf(f, _("Global options may also be given (see %s --help).\n"),
			PACKAGE);
		return;
	}
	fprintf(f, _("Usage: %s [OPTION]... [COMMAND [ARG]...]\n"), PACKAGE);
	fprintf(f, "%s\n\n", _("Deploy the Private AI container on AWS ECS, step by step.\n"
			       "Without a command, run the interactive wizard."));
	fprintf(f, "%s\n", _("Commands:"));
	for (i = 0; cli_commands[i]; i++)
		fprintf(f, "  %-10s %s\n", cli_commands[i]->name,
			_(cli_commands[i]->summary));
	fprintf(f, "\n%s\n", _("Options (before or after the command):"));
	for (i = 0; i < sizeof(option_help) / sizeof(option_help[0]); i++)
		fprintf(f, "  %-26s %s\n", option_help[i].option,
			_(option_help[i].help));
	fprintf(f, "\n%s\n", _("Exit status: 0 done, 1 failed, 2 bad input (nothing was sent), 130 interrupted."));
	fprintf(f, _("See %s(1) and %s-spec(5).\n"), PACKAGE, PACKAGE);
}

/* Without a terminal (or a TUI), say what the wizard would do, how to go
 * headless, and how to provide credentials when none are found. Looking
 * for credentials may run a profile's credential_process or AssumeRole,
 * as any AWS tool would; it never prompts. */
static int no_command(struct ew_options *opts)
{
	struct aws_creds_options co;
	struct aws_creds *creds = NULL;
	struct aws_error err;
	const char *imds = getenv("AWS_EC2_METADATA_DISABLED");
	char line[1024];
	size_t i;

	printf(_("%s deploys the Private AI container on AWS ECS as the vendor's guide\n"
		 "does by hand: a VPC with public and private subnets, a NAT gateway, a\n"
		 "bastion host, an EFS file system for the license, the image in ECR, and\n"
		 "an ECS cluster on EC2 capacity behind a load balancer. In a terminal it\n"
		 "asks its questions screen by screen; without one, use a command:\n"),
	       PACKAGE);
	for (i = 0; cli_commands[i]; i++)
		printf("  %s %-10s %s\n", PACKAGE, cli_commands[i]->name,
		       _(cli_commands[i]->summary));

	memset(&co, 0, sizeof(co));
	co.profile = opts->profile;
	co.mfa_token = opts->mfa_token;
	co.endpoint_url = opts->endpoint_url;
	co.region = opts->region;
	co.no_imds = imds && strcasecmp(imds, "true") == 0;
	aws_error_clear(&err);
	if (aws_creds_resolve(&co, &creds, &err) == 0) {
		printf(_("\nCredentials: %s.\n"), creds->source);
		aws_creds_free(creds);
	} else if (err.kind == AWS_ERR_CREDENTIALS) {
		printf(_("\nNo AWS credentials were found: %s.\n"),
		       _(cli_credentials_hint));
	} else {
		printf(_("\nThe AWS configuration has a problem: %s\n"),
		       aws_error_format(&err, line, sizeof(line)));
	}
	return EXIT_OK;
}

int cli_main(int argc, char **argv, cli_tui_fn tui)
{
	struct ew_options opts;
	const struct cli_command *cmd = NULL;
	char err[512];
	int rc;

	rc = cli_parse(argc, argv, &opts, &cmd, err, sizeof(err));
	if (rc != EXIT_OK) {
		fprintf(stderr, _("%s: %s (try '%s --help')\n"), PACKAGE, err,
			PACKAGE);
		return rc;
	}
	if (opts.version) {
		printf("%s %s\n", PACKAGE, VERSION);
		rc = EXIT_OK;
		goto out;
	}
	if (opts.help) {
		print_help(stdout, cmd);
		rc = EXIT_OK;
		goto out;
	}
	ew_catch_signals();
	if (cmd)
		rc = cmd->exec(&opts);
	else if (tui && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))
		rc = tui(&opts);
	else
		rc = no_command(&opts);
	if (ew_interrupted)
		rc = EXIT_INTERRUPTED;
out:
	ew_options_free(&opts);
	return rc;
}
