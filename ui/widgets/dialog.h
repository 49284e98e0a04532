/* dialog.h - popups over the current screen: a message, a question with
 * buttons, a line of input, a list to pick from (the menu library).
 *
 * A popup is not modal in the loop's sense: app.c keeps polling the queue
 * while it is up and hands it the keys. When answered it reports through
 * the screen's answer callback with the id it was opened with. Strings are
 * copied; the popup owns its window, panel, menu and items. */
#ifndef ECSW_UI_DIALOG_H
#define ECSW_UI_DIALOG_H

#include <curses.h>

#include "../app.h"

enum ui_dialog_kind { UI_DLG_MSG, UI_DLG_CONFIRM, UI_DLG_INPUT, UI_DLG_LIST };

/* Open a popup; any earlier one is closed. buttons: NULL-terminated,
 * translated labels (MSG defaults to OK). For LIST, choices are the items
 * and initial the one selected first; for INPUT, initial prefills the line.
 * 0 / -1. */
int dialog_open(struct app *app, enum ui_dialog_kind kind, int id,
		const char *title, const char *text, const char *const *buttons,
		const char *const *choices, const char *initial);
void dialog_close(struct app *app);
/* Handle a key; calls the screen's answer when the popup is done. */
int dialog_key(struct app *app, int ch);
/* Lay out and draw (after a resize too). */
void dialog_draw(struct app *app);

#endif
