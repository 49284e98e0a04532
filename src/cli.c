/* cli.c - placeholder until the CLI lands: --version and --help. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "i18n.h"

int cli_main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--version") == 0) {
		printf("%s %s\n", PACKAGE, VERSION);
		return EXIT_OK;
	}
	printf(_("Usage: %s [--version]\n"), PACKAGE);
	return EXIT_OK;
}
