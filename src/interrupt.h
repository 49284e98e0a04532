/* interrupt.h - SIGINT/SIGTERM as a flag, never as an abrupt exit.
 *
 * The flag is the AWS clients' cancel flag (calls in flight are abandoned)
 * and the engine's "stop after this step"; commands that see it set return
 * EXIT_INTERRUPTED (130). */
#ifndef ECSW_INTERRUPT_H
#define ECSW_INTERRUPT_H

#include <signal.h>

extern volatile sig_atomic_t ew_interrupted;

/* Install the handlers (idempotent). */
void ew_catch_signals(void);

#endif
