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

enum { DLG_CANCEL = 1, DLG_FAILED };

struct progress {
	int view_rows;
	const struct screen *back; /* where Esc returns when nothing runs */
	char waiting[256];         /* the latest wait, shown above the log */
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
	if (app->busy && app->review >= 0 && app->plan)
		snprintf(head, sizeof(head), _("Working on %s ..."),
			 app->plan->actions[app->review].key);
	else
		snprintf(head, sizeof(head), "%s", _("Log"));
	app_put(stdscr, y, 2, app->cols - 4, head);
	attroff(A_BOLD);
	if (p->waiting[0])
		app_put(stdscr, y + 1, 2, app->cols - 4, p->waiting);
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
		a = !strncmp(line, "FAILED", 6) ? app_attr(app, UI_ROLE_ERROR) : A_NORMAL;
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

	switch (ch) {
	case KEY_UP: ui_log_scroll(&app->log, 1, p->view_rows); return UI_HANDLED | UI_REDRAW;
	case KEY_DOWN: ui_log_scroll(&app->log, -1, p->view_rows); return UI_HANDLED | UI_REDRAW;
	case KEY_PPAGE: ui_log_scroll(&app->log, p->view_rows, p->view_rows); return UI_HANDLED | UI_REDRAW;
	case KEY_NPAGE: ui_log_scroll(&app->log, -p->view_rows, p->view_rows); return UI_HANDLED | UI_REDRAW;
	case KEY_END: app->log.scroll = 0; return UI_HANDLED | UI_REDRAW;
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

static int progress_event(struct app *app, const struct queue_event *ev)
{
	struct progress *p = app->screen_data;
	const struct plan_action *a;

	if (ev->type == QEV_WAITING) {
		snprintf(p->waiting, sizeof(p->waiting), _("Waiting %.0f s for %s"),
			 ev->elapsed, ev->text ? ev->text : "");
		return UI_REDRAW;
	}
	if (app->review < 0 || !app->plan)
		return UI_REDRAW;
	a = &app->plan->actions[app->review];
	if (ev->key && !strcmp(ev->key, a->key)) {
		if (ev->type == QEV_CREATED || ev->type == QEV_ADOPTED) {
			app->act_state[app->review] = UI_ACT_DONE;
			free(app->act_id[app->review]);
			app->act_id[app->review] = ev->id ? strdup(ev->id) : NULL;
		} else if (ev->type == QEV_SKIPPED) {
			app->act_state[app->review] = UI_ACT_SKIPPED;
		} else if (ev->type == QEV_FAILED) {
			char line[1200];

			app->act_state[app->review] = UI_ACT_FAILED;
			aws_error_format(&ev->err, line, sizeof(line));
			dialog_open(app, UI_DLG_MSG, DLG_FAILED, _("Failed"), line,
				    NULL, NULL, NULL);
		}
	}
	if (ev->type == QEV_IDLE) {
		p->waiting[0] = '\0';
		if (app->act_state[app->review] == UI_ACT_DONE ||
		    app->act_state[app->review] == UI_ACT_SKIPPED)
			return app_review_advance(app);
	}
	return UI_REDRAW;
}

static int progress_answer(struct app *app, int id, int button, const char *text)
{
	if (id == DLG_CANCEL && button == 0 && app->queue)
		queue_cancel(app->queue);
	if (id == DLG_FAILED)
		app_switch(app, &screen_review); /* Edit, Skip or try Create again */
	return UI_REDRAW;
}

static const char *progress_help(struct app *app)
{
	return _("Every request, wait and result is logged here. Waits show what "
		 "they wait for and for how long. c cancels the work in progress.");
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
