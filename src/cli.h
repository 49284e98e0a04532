/* cli.h - the command line: subcommands, global options, exit codes.
 *
 * Commands are data, after tmux: each lives in its own src/cmd-<name>.c and
 * exports one `const struct cli_command cmd_<name>`; src/cmd-table.c lists
 * them in a NULL-terminated array. To add a command, write the file, add it
 * to your Makefile fragment, declare it below and append `&cmd_<name>` to
 * cli_commands[] in src/cmd-table.c (and document it in ecs-wizard(1)). */
#ifndef ECSW_CLI_H
#define ECSW_CLI_H

#include <stddef.h>

#include "options.h"

/* Exit statuses, documented in ecs-wizard(1). */
enum cli_exit {
	EXIT_OK = 0,
	EXIT_FAILED = 1,      /* a step or check failed */
	EXIT_BAD_INPUT = 2,   /* usage, spec or file errors; nothing was sent */
	EXIT_INTERRUPTED = 130,
};

struct cli_command {
	const char *name;    /* "preflight" */
	const char *usage;   /* options it uses, for --help: "[--spec FILE]" */
	const char *summary; /* one line, N_() so the table stays constant */
	int max_args;        /* positional words it accepts after its name */
	/* Run the command; returns an enum cli_exit. Prints its own output
	 * (text or --output json) and its own one-line errors. */
	int (*exec)(struct ew_options *opts);
};

/* The commands, NULL-terminated (src/cmd-table.c). */
extern const struct cli_command *const cli_commands[];

extern const struct cli_command cmd_preflight;
extern const struct cli_command cmd_plan, cmd_deploy, cmd_status, cmd_verify;
extern const struct cli_command cmd_destroy;
extern const struct cli_command cmd_export;

/* The interactive wizard (ui_main), given to cli_main by main(). */
typedef int (*cli_tui_fn)(struct ew_options *opts);

/* How to provide credentials, one sentence (N_(): translate when shown). */
extern const char cli_credentials_hint[];

/* Find a command by its full name; NULL when unknown. */
const struct cli_command *cli_find_command(const char *name);

/* Parse argv into opts and find the command (NULL: none given, or --help /
 * --version). Returns EXIT_OK, or EXIT_BAD_INPUT with one translated line
 * in err and opts freed. Runs nothing: for the tests. */
int cli_parse(int argc, char **argv, struct ew_options *opts,
	      const struct cli_command **cmd, char *err, size_t err_size);

/* Parse argv and run the command (or the wizard through tui when no
 * command is given and stdin/stdout are terminals); returns the process
 * exit status. tui may be NULL. */
int cli_main(int argc, char **argv, cli_tui_fn tui);

#endif
