/* main.c - ecs-wizard's entry point: locale, then the command line.
 * Everything else lives in libecsw (engine) and libecswui (screens). */
#include "config.h"

#include <locale.h>
#include <signal.h>
#include <stddef.h>

#include "cli.h"
#include "../ui/ui.h"
#include "i18n.h"

int main(int argc, char **argv)
{
	/* A helper tool or peer closing its end must not kill us: writes
	 * then fail with EPIPE and are reported like any other error. */
	signal(SIGPIPE, SIG_IGN);
	setlocale(LC_ALL, "");
	bindtextdomain(PACKAGE, LOCALEDIR);
	textdomain(PACKAGE);
	return cli_main(argc, argv, ui_main);
}
