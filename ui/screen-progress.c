/* screen-progress.c - the log pane: requests, waits with their elapsed time
 * and what they wait for, results. The keyboard stays live (scroll, help,
 * cancel) because app.c polls the queue beside it; when the queue is idle
 * the review goes on with the next resource. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "i18n.h"
#include "widgets/dialog.h"

enum { DLG_CANCEL = 1 };

struct progress {
	int view_rows;
};

static int progress_enter(struct app *app)
{
	struct progress *p = calloc(1, sizeof(*p));

	if (!p)
		return -1;
	app->screen_data = p;
	return 0;
}

static void progress_leave(struct app *app)
{
	free(app->screen_data);
	app->screen_data = NULL;
}

static void progress_draw(struct app *app)
{
	struct progress *p = app->screen_data;
	int y = 1, first;
	char head[320];

	attron(A_BOLD);
	if (app->busy && app->running_key)
		snprintf(head, sizeof(head), _("Working on %s ..."), app->running_key);
	else if (app->busy)
		snprintf(head, sizeof(head), "%s", _("Working ..."));
	else
		snprintf(head, sizeof(head), "%s", _("Log"));
	app_put(stdscr, y, 2, app->cols - 4, head);
	attroff(A_BOLD);
	/* The elapsed time moves on every redraw (each second while busy),
	 * not only when the next poll's event arrives. */
	if (app->busy && app->wait_text) {
		snprintf(head, sizeof(head), _("Waiting %.0f s for %s"),
			 app_now() - app->wait_since, app->wait_text);
		app_put(stdscr, y + 1, 2, app->cols - 4, head);
	}
	y += 3;
	p->view_rows = app->rows - y - 2;
	if (p->view_rows < 1)
		p->view_rows = 1;
	first = ui_log_first_visible(&app->log, p->view_rows);
	for (int i = 0; i < p->view_rows; i++) {
		const char *line = ui_log_line(&app->log, first + i);
		attr_t a;

		if (!line)
			break;
		a = ui_log_line_is_error(line) ? app_attr(app, UI_ROLE_ERROR) : A_NORMAL;
		attron(a);
		app_put(stdscr, y + i, 2, app->cols - 4, line);
		attroff(a);
	}
	if (app->log.count == 0)
		app_put(stdscr, y, 2, app->cols - 4, _("(nothing yet)"));
	app_draw_frame(app, app->busy ? _(" Up/Down scroll  c cancel  F1 help  F10 quit")
				      : _(" Up/Down scroll  Esc back  F1 help  F10 quit"));
}

static int progress_key(struct app *app, int ch)
{
	struct progress *p = app->screen_data;
	static const char *buttons[3];
	MEVENT me;

	switch (ch) {
	case KEY_UP: ui_log_scroll(&app->log, 1, p->view_rows); return UI_HANDLED | UI_REDRAW;
	case KEY_DOWN: ui_log_scroll(&app->log, -1, p->view_rows); return UI_HANDLED | UI_REDRAW;
	case KEY_PPAGE: ui_log_scroll(&app->log, p->view_rows, p->view_rows); return UI_HANDLED | UI_REDRAW;
	case KEY_NPAGE: ui_log_scroll(&app->log, -p->view_rows, p->view_rows); return UI_HANDLED | UI_REDRAW;
	case KEY_END: app->log.scroll = 0; return UI_HANDLED | UI_REDRAW;
	case KEY_MOUSE:
		if (getmouse(&me) == OK) {
			if (me.bstate & BUTTON4_PRESSED)
				ui_log_scroll(&app->log, 3, p->view_rows);
			else if (me.bstate & BUTTON5_PRESSED)
				ui_log_scroll(&app->log, -3, p->view_rows);
		}
		return UI_HANDLED | UI_REDRAW;
	case 'c':
		if (!app->busy)
			return UI_HANDLED;
		buttons[0] = _("Cancel it");
		buttons[1] = _("Keep going");
		buttons[2] = NULL;
		dialog_open(app, UI_DLG_CONFIRM, DLG_CANCEL, _("Cancel"),
			    _("Stop the work in progress? The journal stays consistent; "
			      "resume later from the welcome screen."), buttons, NULL, NULL);
		return UI_HANDLED | UI_REDRAW;
	case 27:
	case KEY_F(4):
		if (app->busy)
			return UI_HANDLED;
		app_switch(app, app->review >= 0 ? &screen_review : &screen_section);
		return UI_HANDLED | UI_REDRAW;
	case 'q':
		return app_ask_quit(app);
	}
	return 0;
}

bool app_ask_host_key(struct app *app)
{
	static const char *buttons[3];
	struct wizard_failure f;
	char text[1200];

	wizard_failure_view(&app->last_err, &f);
	if (!f.host_key[0])
		return false;
	buttons[0] = _("Trust this key");
	buttons[1] = _("Do not trust");
	buttons[2] = NULL;
	snprintf(text, sizeof(text),
		 _("The bastion answered with the host key\n\n  %s\n\n"
		   "and nothing vouches for it: the instance printed no fingerprints "
		   "on its console and the key is not recorded from an earlier run. "
		   "Compare it with the fingerprints in the instance's system log "
		   "(EC2 console: the instance, Actions, Monitor and troubleshoot, "
		   "Get system log). Trust it only if they match: it is then recorded "
		   "and a different key is refused from now on."),
		 f.host_key);
	dialog_open(app, UI_DLG_CONFIRM, UI_DLG_HOSTKEY, _("Unknown host key"), text,
		    buttons, NULL, NULL);
	return true;
}

bool app_trust_host_key(struct app *app, int button)
{
	struct wizard_failure f;
	char *key;
	int idx;

	wizard_failure_view(&app->last_err, &f);
	if (button != 0 || !f.host_key[0] || wizard_live_trust_host_key(app->live, f.host_key) != 0)
		return false;
	/* app_post forgets the failure: keep the key to retry. */
	key = app->last_key ? strdup(app->last_key) : NULL;
	if (app->last_key && !key)
		return false;
	if (app_post(app, app->last_cmd, key, NULL) != 0) {
		free(key);
		return false;
	}
	idx = app_action_index(app, key);
	if (idx >= 0)
		app->act_state[idx] = UI_ACT_RUNNING;
	app_status(app, false, _("Trusting host key %s; trying again."), f.host_key);
	free(key);
	return true;
}

/* Retry, Skip, Stop or Remove all. */
static void show_failure_choices(struct app *app)
{
	static const char *buttons[5];
	struct wizard_failure f;
	char text[1600];
	const char *key = app->last_err_key ? app->last_err_key : app->last_key;

	wizard_failure_view(&app->last_err, &f);
	buttons[0] = _("Retry");
	buttons[1] = _("Skip");
	buttons[2] = _("Stop");
	buttons[3] = _("Remove all");
	buttons[4] = NULL;
	snprintf(text, sizeof(text),
		 _("%s failed: %s.\nError code: %s\nMessage: %s\nRequest id: %s\n\n"
		   "Retry sends it again; Skip uses an existing resource or leaves "
		   "it out; Stop keeps what exists and shows the summary; Remove all "
		   "stops and removes what this deployment created."),
		 key ? key : _("The step"), f.kind, f.code[0] ? f.code : _("(none)"),
		 f.message[0] ? f.message : _("(none)"),
		 f.request_id[0] ? f.request_id : _("(none)"));
	dialog_open(app, UI_DLG_CONFIRM, UI_DLG_FAILED, _("Failed"), text, buttons, NULL, NULL);
}

void app_show_failure(struct app *app)
{
	if (!app_ask_host_key(app))
		show_failure_choices(app);
}

static int progress_event(struct app *app, const struct queue_event *ev)
{
	if (ev->type != QEV_IDLE || app->last_cmd == QCMD_VERIFY)
		return UI_REDRAW;
	if (!ev->ok) {
		if (app->last_err.kind == AWS_ERR_CANCELLED) {
			app_status(app, true, "%s",
				   _("Cancelled. What was created is in the journal; Resume "
				     "continues it."));
			return UI_REDRAW;
		}
		app_show_failure(app);
		return UI_REDRAW;
	}
	if (app->last_cmd == QCMD_DESTROY) {
		/* The summary says it was removed. */
		app->review = -1;
		app_switch(app, &screen_summary);
		return UI_REDRAW;
	}
	if (app->last_cmd == QCMD_RUN_ALL) {
		app->review = -1;
		app_switch(app, &screen_summary);
		return UI_REDRAW;
	}
	if (app->review >= 0 && app->review < app->act_count &&
	    (app->act_state[app->review] == UI_ACT_DONE ||
	     app->act_state[app->review] == UI_ACT_SKIPPED))
		return app_review_advance(app);
	return UI_REDRAW;
}

static int progress_answer(struct app *app, int id, int button, const char *text)
{
	int idx;

	(void)text;
	if (id == DLG_CANCEL && button == 0 && app->queue)
		queue_cancel(app->queue);
	if (id == UI_DLG_HOSTKEY) {
		/* Not trusted: the usual choices, with the refusal explained. */
		if (!app_trust_host_key(app, button))
			show_failure_choices(app);
		return UI_REDRAW;
	}
	if (id != UI_DLG_FAILED)
		return UI_REDRAW;
	switch (button) {
	case 0: /* Retry */
		if (app_post(app, app->last_cmd, app->last_key, NULL) == 0) {
			idx = app_action_index(app, app->last_key);
			if (idx >= 0)
				app->act_state[idx] = UI_ACT_RUNNING;
		}
		break;
	case 1: /* Skip */
		idx = app_action_index(app, app->last_err_key ? app->last_err_key
							      : app->last_key);
		if (idx < 0)
			break;
		app->review = idx;
		app->review_all = false;
		app_switch(app, &screen_review);
		app_open_skip(app);
		break;
	case 2: /* Stop: keep what exists */
		app->review = -1;
		app->review_all = false;
		app_switch(app, &screen_summary);
		break;
	case 3: /* Remove all: stop and tear down (the log shows it) */
		app->review = -1;
		app->review_all = false;
		app_post(app, QCMD_DESTROY, NULL, NULL);
		break;
	default: /* Esc: look at the log, then decide from the review */
		break;
	}
	return UI_REDRAW;
}

static const char *progress_help(struct app *app)
{
	(void)app;
	return _("Every request, wait and result is logged here. Waits show what "
		 "they wait for and for how long. c cancels the work in progress; "
		 "the journal keeps what was done and Resume continues it.");
}

const struct screen screen_progress = {
	.name = "progress",
	.enter = progress_enter,
	.leave = progress_leave,
	.draw = progress_draw,
	.key = progress_key,
	.event = progress_event,
	.answer = progress_answer,
	.help = progress_help,
};
