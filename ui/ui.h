/* ui.h - the interactive wizard, entered by cli_main() when no command is
 * given and stdin/stdout are a terminal. */
#ifndef ECSW_UI_H
#define ECSW_UI_H

struct ew_options;

/* Run the wizard until the user quits; returns the process exit status
 * (enum cli_exit). setlocale() has been called by main(). */
int ui_main(struct ew_options *opts);

#endif
