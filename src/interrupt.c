/* interrupt.c - the interrupt flag and its signal handlers. */
#include "config.h"

#include <string.h>

#include "interrupt.h"

volatile sig_atomic_t ew_interrupted;

static void on_signal(int sig)
{
	(void)sig;
	ew_interrupted = 1;
}

void ew_catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}
