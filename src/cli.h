/* cli.h - the command line: subcommands, global options, exit codes. */
#ifndef ECSW_CLI_H
#define ECSW_CLI_H

/* Exit statuses, documented in ecs-wizard(1). */
enum cli_exit {
	EXIT_OK = 0,
	EXIT_FAILED = 1,      /* a step or check failed */
	EXIT_BAD_INPUT = 2,   /* usage, spec or file errors; nothing was sent */
	EXIT_INTERRUPTED = 130,
};

/* Parse argv and run the command; returns the process exit status. */
int cli_main(int argc, char **argv);

#endif
