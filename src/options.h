/* options.h - the global command-line options, parsed once.
 *
 * Every option is global: it may appear before or after the subcommand
 * (`ecs-wizard --region eu-west-1 preflight` and `ecs-wizard preflight
 * --region eu-west-1` mean the same). A command ignores the options it has
 * no use for. Parsing does no I/O beyond reading the environment for
 * defaults (XDG directories, NO_COLOR); it is tested on its own
 * (tests/check_cli.c). All strings are owned by the struct and released by
 * ew_options_free(). */
#ifndef ECSW_OPTIONS_H
#define ECSW_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "aws/client.h"

struct ew_options {
	char *region;        /* --region, or NULL: AWS_REGION, profile, spec */
	char *profile;       /* --profile, or NULL: AWS_PROFILE, "default" */
	char *endpoint_url;  /* --endpoint-url (tests, moto, private endpoints) */
	char *state_dir;     /* --state-dir, else $XDG_STATE_HOME/ecs-wizard */
	char *config_dir;    /* $XDG_CONFIG_HOME/ecs-wizard (no option) */
	char *log_file;      /* --log FILE: one line per AWS request */
	struct aws_connect_to *connect_to; /* --connect-to, repeatable; owned */
	int connect_to_count;
	bool output_json;    /* --output json (default: text) */
	char *output_file;   /* --output FILE: any other word, export's file */
	bool yes;            /* --yes: do not ask for confirmation */
	char *spec_file;     /* --spec FILE: the answers, JSON */
	char *name;          /* --name: deployment name (overrides the spec's) */
	char *mfa_token;     /* --mfa-token CODE: for profiles with mfa_serial */
	char *ssh_host_key;  /* --ssh-host-key SHA256:...: expected bastion key */
	bool accept_new_host_key; /* --accept-new-host-key: trust on first use */
	bool no_bastion;     /* --no-bastion: no license copy, no live checks */
	bool dry_run;        /* --dry-run: plan and show, send nothing that changes */
	bool delete_images;  /* --delete-images: destroy also empties ECR */
	char *format;        /* --format: export format */
	bool refresh_prices; /* --refresh-prices: ignore the cached price list */
	bool no_color;       /* --no-color, or NO_COLOR set in the environment */
	bool help;           /* --help / -h */
	bool version;        /* --version / -V */

	char *command;       /* the subcommand, or NULL (the wizard) */
	char **args;         /* positional arguments after it; owned */
	int nargs;
};

/* Parse argv into opts (which is zeroed first). Returns 0, or -1 with a
 * one-line, translated reason in err (a usage error: exit status 2).
 * argv's order may be permuted (getopt_long). */
int ew_options_parse(int argc, char **argv, struct ew_options *opts,
		     char *err, size_t err_size);

/* Release every string and array; opts is zeroed and reusable. */
void ew_options_free(struct ew_options *opts);

/* The default state and config directories under the XDG variables (which
 * must be absolute paths to count) or $HOME. Return malloc'd strings, or
 * NULL when neither is set. */
char *ew_default_state_dir(void);
char *ew_default_config_dir(void);

/* Parse "HOST1:PORT1:HOST2:PORT2" (curl's --connect-to) with
 * aws_connect_to_parse(). Returns 0, or -1 with a translated reason in
 * err. Free rule with aws_connect_to_free(). */
int ew_connect_to_parse(const char *text, struct aws_connect_to *rule,
			char *err, size_t err_size);

#endif
