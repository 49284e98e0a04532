/* screen-review.c - review before every resource: kind, name, tags and the
 * exact API parameters, scrollable; then Create, Edit (back to the form),
 * Skip (adopt an existing id, or leave it out where the guide allows) or
 * Back. With review_all set it lists the whole plan instead, read-only.
 *
 * In a dry run Create only records that the call was reviewed; nothing is
 * sent. Live, it posts the action to the queue and shows the progress
 * screen until the queue is idle again. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "cost.h"
#include "i18n.h"
#include "widgets/dialog.h"

enum { DLG_SKIP_ID = 1 };
enum { B_CREATE, B_EDIT, B_SKIP, B_BACK, B_COUNT };

struct review {
	struct ui_lines text;  /* the action's text, or the plan list */
	int selected;          /* button */
	int list_cursor;       /* review_all: the action under the cursor */
	bool detail;           /* review_all: showing one action */
	int view_rows;
	int button_x[B_COUNT], button_y;
};

static const char *button_label(int i)
{
	switch (i) {
	case B_CREATE: return _("Create");
	case B_EDIT: return _("Edit");
	case B_SKIP: return _("Skip");
	case B_BACK: return _("Back");
	}
	return "";
}

static const char *act_state_word(enum ui_action_state st)
{
	switch (st) {
	case UI_ACT_PENDING: return _("pending");
	case UI_ACT_REVIEWED: return _("reviewed");
	case UI_ACT_RUNNING: return _("running");
	case UI_ACT_DONE: return _("done");
	case UI_ACT_SKIPPED: return _("skipped");
	case UI_ACT_FAILED: return _("failed");
	}
	return "";
}

/* Below the whole plan, what it costs: lines made by the engine (the
 * cursor may rest on them; Enter only opens actions). */
static int append_cost(struct app *app, struct review *r)
{
	char **cost = cost_review_lines(app->spec, app->plan);
	char **grown;
	int n = 0;

	if (!cost)
		return -1;
	while (cost[n])
		n++;
	grown = realloc(r->text.items, (size_t)(r->text.count + n + 2) * sizeof(char *));
	if (!grown) {
		cost_lines_free(cost);
		return -1;
	}
	r->text.items = grown;
	r->text.items[r->text.count++] = strdup("");
	for (int i = 0; i < n; i++)
		r->text.items[r->text.count++] = cost[i]; /* taken */
	r->text.items[r->text.count] = NULL;
	free(cost);
	for (int i = 0; i < r->text.count; i++)
		if (!r->text.items[i])
			return -1;
	return 0;
}

static int load_text(struct app *app, struct review *r)
{
	char *text;
	int rc;

	if (app->review_all && !r->detail) {
		ui_lines_free(&r->text);
		r->text.items = calloc((size_t)app->plan->count + 1, sizeof(char *));
		if (!r->text.items)
			return -1;
		for (int i = 0; i < app->plan->count; i++) {
			char *line = ui_review_line(&app->plan->actions[i]);
			char buf[512];

			snprintf(buf, sizeof(buf), "%-9s %s", act_state_word(app->act_state[i]),
				 line ? line : "");
			free(line);
			r->text.items[i] = strdup(buf);
			if (!r->text.items[i])
				return -1;
			r->text.count++;
		}
		return append_cost(app, r);
	}
	if (app->review < 0 || !app->plan || app->review >= app->plan->count)
		return ui_lines_set(&r->text, "");
	text = ui_review_text(&app->plan->actions[app->review]);
	if (!text)
		return -1;
	rc = ui_lines_set(&r->text, text);
	free(text);
	return rc;
}

/* Lookups create nothing, so they are not reviewed: a dry run notes them,
 * a live run sends them straight away. Returns 1 when the screen changes. */
static int settle_lookups(struct app *app)
{
	while (!app->review_all && app->review >= 0 && app->review < app->plan->count) {
		const struct plan_action *a = &app->plan->actions[app->review];

		if (a->role != PLAN_LOOKUP || app->act_state[app->review] == UI_ACT_DONE) {
			if (a->role == PLAN_LOOKUP)
				goto next;
			return 0;
		}
		if (!app->dry_run) {
			if (app_post(app, QCMD_RUN_ACTION, a->key, NULL) != 0)
				return 0;
			app->act_state[app->review] = UI_ACT_RUNNING;
			app_switch(app, &screen_progress);
			return 1;
		}
		app->act_state[app->review] = UI_ACT_REVIEWED;
		ui_log_addf(&app->log, _("dry run  %s: %s %s (a lookup) not sent"), a->key,
			    a->service, a->operation);
next:
		{
			int i;

			for (i = app->review + 1; i < app->plan->count; i++)
				if (app->plan->actions[i].section == a->section)
					break;
			if (i < app->plan->count) {
				app->review = i;
				continue;
			}
			/* The section held nothing but lookups. */
			app_review_advance(app);
			return 1;
		}
	}
	return 0;
}

static int review_enter(struct app *app)
{
	struct review *r = calloc(1, sizeof(*r));

	if (!r)
		return -1;
	app->screen_data = r;
	if (!app->plan && app_rebuild_plan(app) != 0)
		return -1;
	if (settle_lookups(app))
		return 0;
	if (app->review_all)
		r->list_cursor = app->review > 0 ? app->review : 0;
	return load_text(app, r);
}

static void review_leave(struct app *app)
{
	struct review *r = app->screen_data;

	if (!r)
		return;
	ui_lines_free(&r->text);
	free(r);
	app->screen_data = NULL;
}

static void review_draw(struct app *app)
{
	struct review *r = app->screen_data;
	const struct plan_action *a = NULL;
	char head[256];
	int y = 1, x = 2;

	if (app->plan && app->review >= 0 && app->review < app->plan->count)
		a = &app->plan->actions[app->review];
	attron(A_BOLD);
	if (app->review_all) {
		snprintf(head, sizeof(head), P_("The whole plan: %d action",
						"The whole plan: %d actions",
						app->plan->count),
			 app->plan->count);
	} else if (a) {
		int n, first = app_section_actions(app, a->section, &n);

		snprintf(head, sizeof(head), _("Review %d of %d in section %d: %s %s"),
			 app->review - first + 1, n, a->section, a->kind,
			 a->name ? a->name : "");
	} else {
		snprintf(head, sizeof(head), "%s", _("Nothing to review"));
	}
	app_put(stdscr, y, x, app->cols - 4, head);
	attroff(A_BOLD);
	y += 2;
	r->view_rows = app->rows - y - (app->review_all && !r->detail ? 3 : 5);
	if (r->view_rows < 1)
		r->view_rows = 1;
	if (app->review_all && !r->detail) {
		/* Keep the cursor in view. */
		if (r->list_cursor < r->text.top)
			r->text.top = r->list_cursor;
		if (r->list_cursor >= r->text.top + r->view_rows)
			r->text.top = r->list_cursor - r->view_rows + 1;
	}
	for (int i = 0; i < r->view_rows && r->text.top + i < r->text.count; i++) {
		int li = r->text.top + i;
		attr_t at = app->review_all && !r->detail && li == r->list_cursor
				    ? app_attr(app, UI_ROLE_SELECT) : A_NORMAL;

		attron(at);
		app_put(stdscr, y + i, x, app->cols - 4, r->text.items[li]);
		attroff(at);
	}
	if (r->text.count > r->view_rows) {
		snprintf(head, sizeof(head), _("[%d-%d of %d]"), r->text.top + 1,
			 r->text.top + r->view_rows < r->text.count ? r->text.top + r->view_rows
								   : r->text.count,
			 r->text.count);
		app_put(stdscr, 1, app->cols - 20, 19, head);
	}
	if (app->review_all) {
		app_draw_frame(app, r->detail ? _(" Up/Down scroll  Esc list  F1 help  F10 quit")
					      : _(" Up/Down move  Enter details  Esc back  F1 help  F10 quit"));
		return;
	}
	r->button_y = app->rows - 3;
	x = 2;
	for (int i = 0; i < B_COUNT; i++) {
		attr_t at = i == r->selected ? app_attr(app, UI_ROLE_SELECT) : A_NORMAL;
		char label[64];

		snprintf(label, sizeof(label), "< %s >", button_label(i));
		r->button_x[i] = x;
		attron(at);
		app_put(stdscr, r->button_y, x, app->cols - x, label);
		attroff(at);
		x += i18n_width(label) + 2;
	}
	if (app->dry_run)
		app_put(stdscr, r->button_y, x + 2, app->cols - x - 3,
			_("(dry run: Create only marks it reviewed)"));
	app_draw_frame(app, _(" c create  e edit  s skip  b back  Up/Down scroll  "
			      "F3 plan  F1 help  F10 quit"));
}

/* After an action is settled: the next one in the section, or the section
 * is finished. */
int app_review_advance(struct app *app)
{
	const struct plan_action *a = &app->plan->actions[app->review];
	struct ui_section *sec;
	int idx = ui_sections_find(&app->sections, a->section), any_done = 0;

	for (int i = app->review + 1; i < app->plan->count; i++) {
		if (app->plan->actions[i].section == a->section) {
			app->review = i;
			app_switch(app, &screen_review);
			return UI_HANDLED | UI_REDRAW;
		}
	}
	if (idx >= 0) {
		sec = &app->sections.items[idx];
		sec->state = UI_SEC_SKIPPED;
		for (int i = 0; i < app->plan->count; i++) {
			if (app->plan->actions[i].section != a->section)
				continue;
			if (app->act_state[i] == UI_ACT_FAILED) {
				sec->state = UI_SEC_FAILED;
				break;
			}
			if (app->act_state[i] != UI_ACT_SKIPPED)
				any_done = 1;
		}
		if (sec->state != UI_SEC_FAILED && any_done)
			sec->state = UI_SEC_DONE;
	}
	app->review = -1;
	app_section_finished(app);
	return UI_HANDLED | UI_REDRAW;
}

static int do_create(struct app *app)
{
	const struct plan_action *a = &app->plan->actions[app->review];

	if (app->dry_run) {
		app->act_state[app->review] = UI_ACT_REVIEWED;
		ui_log_addf(&app->log, _("dry run  %s: %s %s reviewed, not sent"), a->key,
			    a->service && *a->service ? a->service : _("local"), a->operation);
		return app_review_advance(app);
	}
	if (app_post(app, QCMD_RUN_ACTION, a->key, NULL) != 0) {
		app_status(app, true, "%s", _("The request could not be queued."));
		return UI_HANDLED | UI_REDRAW;
	}
	app->act_state[app->review] = UI_ACT_RUNNING;
	{
		int idx = ui_sections_find(&app->sections, a->section);

		if (idx >= 0)
			app->sections.items[idx].state = UI_SEC_RUNNING;
	}
	app_switch(app, &screen_progress);
	return UI_HANDLED | UI_REDRAW;
}

static int do_skip(struct app *app)
{
	const struct plan_action *a = &app->plan->actions[app->review];
	static const char *buttons[3];
	char text[512];

	buttons[0] = _("Skip");
	buttons[1] = _("Cancel");
	buttons[2] = NULL;
	snprintf(text, sizeof(text), "%s",
		 a->optional ? _("Type the id of an existing resource to use instead, "
				 "or leave it empty to leave this one out.")
			     : _("Type the id of an existing resource to use instead "
				 "(this one cannot be left out)."));
	dialog_open(app, UI_DLG_INPUT, DLG_SKIP_ID, _("Skip"), text, buttons, NULL, "");
	return UI_HANDLED | UI_REDRAW;
}

static int activate(struct app *app, int b)
{
	int idx;

	switch (b) {
	case B_CREATE:
		return do_create(app);
	case B_EDIT:
		idx = ui_sections_find(&app->sections, app->plan->actions[app->review].section);
		if (idx >= 0)
			app->sections.current = idx;
		app_switch(app, &screen_section);
		return UI_HANDLED | UI_REDRAW;
	case B_SKIP:
		return do_skip(app);
	case B_BACK:
		for (int i = app->review - 1; i >= 0; i--) {
			if (app->plan->actions[i].section == app->plan->actions[app->review].section) {
				app->review = i;
				app_switch(app, &screen_review);
				return UI_HANDLED | UI_REDRAW;
			}
		}
		return activate(app, B_EDIT);
	}
	return UI_HANDLED;
}

static int scroll_keys(struct review *r, int ch)
{
	switch (ch) {
	case KEY_UP: ui_lines_scroll(&r->text, -1, r->view_rows); return 1;
	case KEY_DOWN: ui_lines_scroll(&r->text, 1, r->view_rows); return 1;
	case KEY_PPAGE: ui_lines_scroll(&r->text, -r->view_rows, r->view_rows); return 1;
	case KEY_NPAGE: ui_lines_scroll(&r->text, r->view_rows, r->view_rows); return 1;
	case KEY_HOME: r->text.top = 0; return 1;
	case KEY_END: ui_lines_scroll(&r->text, r->text.count, r->view_rows); return 1;
	}
	return 0;
}

static int list_key(struct app *app, struct review *r, int ch)
{
	if (r->detail) {
		if (ch == 27 || ch == KEY_LEFT) {
			r->detail = false;
			load_text(app, r);
			return UI_HANDLED | UI_REDRAW;
		}
		return scroll_keys(r, ch) ? UI_HANDLED | UI_REDRAW : 0;
	}
	switch (ch) {
	case KEY_UP: case 'k':
		if (r->list_cursor > 0)
			r->list_cursor--;
		return UI_HANDLED | UI_REDRAW;
	case KEY_DOWN: case 'j':
		if (r->list_cursor < r->text.count - 1)
			r->list_cursor++;
		return UI_HANDLED | UI_REDRAW;
	case KEY_NPAGE:
		r->list_cursor += r->view_rows;
		if (r->list_cursor >= r->text.count)
			r->list_cursor = r->text.count - 1;
		return UI_HANDLED | UI_REDRAW;
	case KEY_PPAGE:
		r->list_cursor -= r->view_rows;
		if (r->list_cursor < 0)
			r->list_cursor = 0;
		return UI_HANDLED | UI_REDRAW;
	case '\n': case '\r': case KEY_ENTER: case KEY_RIGHT:
		if (r->list_cursor < 0 || r->list_cursor >= app->plan->count)
			return UI_HANDLED;
		r->detail = true;
		{
			int keep = app->review;

			app->review = r->list_cursor;
			load_text(app, r);
			app->review = keep;
		}
		return UI_HANDLED | UI_REDRAW;
	case 27: case 'q': case KEY_F(3):
		app->review_all = false;
		app->review = -1;
		app_switch(app, &screen_section);
		return UI_HANDLED | UI_REDRAW;
	}
	return 0;
}

static int review_key(struct app *app, int ch)
{
	struct review *r = app->screen_data;
	MEVENT me;

	if (app->review_all)
		return list_key(app, r, ch);
	if (app->review < 0 || !app->plan)
		return 0;
	if (scroll_keys(r, ch))
		return UI_HANDLED | UI_REDRAW;
	switch (ch) {
	case KEY_LEFT: case KEY_BTAB:
		r->selected = (r->selected + B_COUNT - 1) % B_COUNT;
		return UI_HANDLED | UI_REDRAW;
	case KEY_RIGHT: case '\t':
		r->selected = (r->selected + 1) % B_COUNT;
		return UI_HANDLED | UI_REDRAW;
	case '\n': case '\r': case KEY_ENTER:
		return activate(app, r->selected);
	case 'c': return activate(app, B_CREATE);
	case 'e': return activate(app, B_EDIT);
	case 's': return activate(app, B_SKIP);
	case 'b': case 27: return activate(app, B_BACK);
	case 'q': return app_ask_quit(app);
	case KEY_F(3):
		app->review_all = true;
		app_switch(app, &screen_review);
		return UI_HANDLED | UI_REDRAW;
	case KEY_F(4):
		app_switch(app, &screen_progress);
		return UI_HANDLED | UI_REDRAW;
	case KEY_MOUSE:
		if (getmouse(&me) != OK)
			return UI_HANDLED;
		if (me.bstate & BUTTON4_PRESSED)
			ui_lines_scroll(&r->text, -3, r->view_rows);
		else if (me.bstate & BUTTON5_PRESSED)
			ui_lines_scroll(&r->text, 3, r->view_rows);
		else if (me.y == r->button_y)
			for (int i = B_COUNT - 1; i >= 0; i--)
				if (me.x >= r->button_x[i])
					return activate(app, i);
		return UI_HANDLED | UI_REDRAW;
	}
	return 0;
}

static int review_answer(struct app *app, int id, int button, const char *text)
{
	const struct plan_action *a;

	if (id != DLG_SKIP_ID || button != 0 || app->review < 0)
		return UI_REDRAW;
	a = &app->plan->actions[app->review];
	if (!text[0] && !a->optional) {
		app_status(app, true, "%s",
			   _("This resource is needed by later sections: type an existing id to skip it."));
		return UI_REDRAW;
	}
	if (app->dry_run) {
		app->act_state[app->review] = UI_ACT_SKIPPED;
		free(app->act_id[app->review]);
		app->act_id[app->review] = text[0] ? strdup(text) : NULL;
		if (text[0])
			ui_log_addf(&app->log, _("dry run  %s: would use %s"), a->key, text);
		else
			ui_log_addf(&app->log, _("dry run  %s: left out"), a->key);
		return app_review_advance(app);
	}
	if (app_post(app, QCMD_SKIP, a->key, text[0] ? text : NULL) != 0) {
		app_status(app, true, "%s", _("The request could not be queued."));
		return UI_REDRAW;
	}
	app->act_state[app->review] = UI_ACT_RUNNING;
	app_switch(app, &screen_progress);
	return UI_REDRAW;
}

static const char *review_help(struct app *app)
{
	return _("This is exactly what will be sent for this resource. Create sends "
		 "it; Edit goes back to the section's form; Skip uses an existing "
		 "resource whose id you type, or leaves it out where the guide allows; "
		 "Back returns to the previous resource.");
}

const struct screen screen_review = {
	.name = "review",
	.enter = review_enter,
	.leave = review_leave,
	.draw = review_draw,
	.key = review_key,
	.answer = review_answer,
	.help = review_help,
};
