/* cmd-table.c - the list of subcommands, in --help order.
 *
 * The extension point: append `&cmd_<name>,` before the NULL (and declare
 * it in cli.h). Only commands that exist belong here. */
#include "config.h"

#include <stddef.h>

#include "cli.h"

const struct cli_command *const cli_commands[] = {
	&cmd_preflight,
	&cmd_plan,
	&cmd_deploy,
	&cmd_status,
	&cmd_destroy,
	&cmd_verify,
	&cmd_export,
	NULL,
};
