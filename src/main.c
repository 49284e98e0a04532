/* main.c - ecs-wizard's entry point: locale, then the command line.
 * Everything else lives in libecsw (engine) and libecswui (screens). */
#include "config.h"

#include <locale.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>

#include "cli.h"
#include "../ui/ui.h"
#include "i18n.h"

int main(int argc, char **argv)
{
	const char *localedir = getenv("ECSW_LOCALEDIR");

	/* A helper tool or peer closing its end must not kill us: writes
	 * then fail with EPIPE and are reported like any other error. */
	signal(SIGPIPE, SIG_IGN);
	setlocale(LC_ALL, "");
	/* ECSW_LOCALEDIR: catalogues from elsewhere than the installed ones
	 * (the tests use the build tree's, before `make install`). */
	bindtextdomain(PACKAGE, localedir && localedir[0] == '/' ? localedir : LOCALEDIR);
	textdomain(PACKAGE);
	return cli_main(argc, argv, ui_main);
}
