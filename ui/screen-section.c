/* screen-section.c - one guide section: the list of sections with their
 * states on the left, on the right what the section creates and why (the
 * step's own summary) and its form. Next (Enter) is refused until every
 * field is valid; then the answers go into the spec, the plan is rebuilt
 * and the section's resources are reviewed one by one. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "i18n.h"
#include "widgets/dialog.h"
#include "widgets/form.h"

enum { DLG_REGION = 1, DLG_PROBLEMS };

struct section_screen {
	struct ui_form *form;
	const char **keys;  /* owned array of borrowed key strings */
	int placed_rows, placed_cols;
	int left_w;
	int list_top;       /* first row of the section list */
};

static bool key_in_steps(const struct app *app, const char *key)
{
	for (int i = 0; i < app->sections.count; i++) {
		const char *const *f = app->sections.items[i].step->fields;

		for (int k = 0; f && f[k]; k++)
			if (!strcmp(f[k], key))
				return true;
	}
	return false;
}

/* The section's own keys; the first section shown also gets the global
 * ones no step edits (name, region, Marketplace mode). */
static const char **section_keys(const struct app *app)
{
	const struct ui_section *sec = &app->sections.items[app->sections.current];
	const char *const *f = sec->step->fields;
	int n = 0, k = 0;
	const char **keys;
	bool first = ui_sections_next(&app->sections, -1) == app->sections.current ||
		     app->sections.current == 0;

	while (f && f[n])
		n++;
	keys = calloc((size_t)n + 4, sizeof(*keys));
	if (!keys)
		return NULL;
	if (first)
		for (int g = 0; ui_global_keys[g]; g++)
			if (!key_in_steps(app, ui_global_keys[g]))
				keys[k++] = ui_global_keys[g];
	for (int i = 0; i < n; i++)
		keys[k++] = f[i];
	return keys;
}

static int section_enter(struct app *app)
{
	struct section_screen *s = calloc(1, sizeof(*s));
	cJSON *json = NULL;
	int rc = -1;

	if (!s)
		return -1;
	app->screen_data = s;
	if (app->sections.count == 0)
		return 0;
	s->keys = section_keys(app);
	json = spec_to_json(app->spec);
	if (!s->keys || !json)
		goto out;
	if (ui_form_new(s->keys, json, &s->form) != 0)
		goto out;
	if (app->sections.items[app->sections.current].state == UI_SEC_TODO)
		app->sections.items[app->sections.current].state = UI_SEC_TODO;
	rc = 0;
out:
	cJSON_Delete(json);
	return rc;
}

static void section_leave(struct app *app)
{
	struct section_screen *s = app->screen_data;

	if (!s)
		return;
	ui_form_free(s->form);
	free(s->keys);
	free(s);
	app->screen_data = NULL;
}

static void draw_list(struct app *app, struct section_screen *s)
{
	int y = 2, w = s->left_w;
	bool words = w >= 30;

	attron(A_BOLD);
	app_put(stdscr, 1, 1, w - 1, _("Guide sections"));
	attroff(A_BOLD);
	s->list_top = y;
	for (int i = 0; i < app->sections.count && y < app->rows - 2; i++, y++) {
		const struct ui_section *sec = &app->sections.items[i];
		char line[256];
		attr_t a = i == app->sections.current ? app_attr(app, UI_ROLE_SELECT)
						      : A_NORMAL;
		const char *state = ui_section_state_name(sec->state);

		if (sec->state == UI_SEC_FAILED)
			a |= app_attr(app, UI_ROLE_ERROR);
		else if (sec->state == UI_SEC_SKIPPED)
			a |= app_attr(app, UI_ROLE_DIM);
		snprintf(line, sizeof(line), "%c%2d %s", ui_section_state_mark(sec->state),
			 sec->step->section, _(sec->step->title));
		attron(a);
		mvhline(y, 0, ' ', w);
		app_put(stdscr, y, 0, words ? w - 11 : w - 1, line);
		if (words)
			app_put(stdscr, y, w - 10, 10, state);
		attroff(a);
	}
	mvvline_set(1, w, WACS_VLINE, app->rows - 3);
}

static void section_draw(struct app *app)
{
	struct section_screen *s = app->screen_data;
	const struct ui_section *sec;
	struct ui_lines lines = { 0 };
	char title[256];
	int x, width, y = 1, form_y;

	s->left_w = app->cols / 3 > 40 ? 40 : app->cols / 3;
	if (s->left_w < 22)
		s->left_w = 22;
	draw_list(app, s);
	app_draw_frame(app, _(" Enter next  Tab field  Esc back  F1 help  F3 plan  "
			      "F4 log  F10 quit"));
	if (app->sections.count == 0)
		return;
	sec = &app->sections.items[app->sections.current];
	x = s->left_w + 2;
	width = app->cols - x - 1;
	snprintf(title, sizeof(title), _("Section %d: %s"), sec->step->section,
		 _(sec->step->title));
	attron(A_BOLD);
	app_put(stdscr, y++, x, width, title);
	attroff(A_BOLD);
	ui_lines_wrap(&lines, sec->step->summary ? _(sec->step->summary) : "", width);
	for (int i = 0; i < lines.count && i < 5; i++)
		app_put(stdscr, ++y, x, width, lines.items[i]);
	ui_lines_free(&lines);
	form_y = y + 2;
	if (!s->form)
		return;
	if (s->placed_rows != app->rows || s->placed_cols != app->cols) {
		ui_form_place(app, s->form, form_y, x, app->rows - 3 - form_y, width);
		s->placed_rows = app->rows;
		s->placed_cols = app->cols;
	}
	{
		int count;

		ui_form_values(s->form, &count);
		if (count == 0)
			app_put(stdscr, form_y, x, width,
				_("Nothing to fill in here: Enter reviews what this section creates."));
	}
	ui_form_draw(app, s->form);
	curs_set(app->dialog ? 0 : 1);
}

/* Accept the form: values into the spec, then review the section. */
static int submit(struct app *app, struct section_screen *s)
{
	struct ui_section *sec = &app->sections.items[app->sections.current];
	struct ui_field_value *v;
	struct spec_problems pr;
	cJSON *obj;
	int count, bad, first, n, rc;

	if (!ui_form_ready(s->form, &bad)) {
		v = ui_form_values(s->form, &count);
		ui_form_focus(s->form, bad);
		app_status(app, true, _("Next refused: %s: %s"), _(v[bad].def->label),
			   v[bad].why);
		beep();
		return UI_HANDLED | UI_REDRAW;
	}
	v = ui_form_values(s->form, &count);
	obj = ui_fields_to_json(v, count);
	if (!obj)
		return UI_HANDLED;
	spec_problems_init(&pr);
	rc = spec_load_json(app->spec, obj, &pr);
	cJSON_Delete(obj);
	if (rc != 0) {
		char text[2048] = "";

		for (size_t i = 0; i < pr.count; i++) {
			size_t len = strlen(text);

			snprintf(text + len, sizeof(text) - len, "%s: %s\n", pr.items[i].key,
				 pr.items[i].message);
		}
		spec_problems_free(&pr);
		dialog_open(app, UI_DLG_MSG, DLG_PROBLEMS, _("Not accepted"), text,
			    NULL, NULL, NULL);
		return UI_HANDLED | UI_REDRAW;
	}
	spec_problems_free(&pr);
	ui_sections_set_marketplace(&app->sections, app->spec->marketplace);
	if (app_rebuild_plan(app) != 0)
		return UI_HANDLED | UI_REDRAW;
	first = app_section_actions(app, sec->step->section, &n);
	if (first < 0) {
		sec->state = UI_SEC_DONE;
		app_section_finished(app);
		return UI_HANDLED | UI_REDRAW;
	}
	sec->state = UI_SEC_REVIEWING;
	app->review = first;
	app->review_all = false;
	app_switch(app, &screen_review);
	return UI_HANDLED | UI_REDRAW;
}

static int open_region_list(struct app *app, struct section_screen *s)
{
	struct ui_field_value *v;
	int count, cur = ui_form_current(s->form);

	v = ui_form_values(s->form, &count);
	dialog_open(app, UI_DLG_LIST, DLG_REGION, _(v[cur].def->label),
		    _("Choose with the arrows, Enter to take it."), NULL,
		    v[cur].def->choices, v[cur].text);
	return UI_HANDLED | UI_REDRAW;
}

static int go_back(struct app *app)
{
	int prev = ui_sections_prev(&app->sections, app->sections.current);

	if (prev < 0) {
		app_switch(app, &screen_welcome);
	} else {
		app->sections.current = prev;
		app_switch(app, &screen_section);
	}
	return UI_HANDLED | UI_REDRAW;
}

static int section_key(struct app *app, int ch)
{
	struct section_screen *s = app->screen_data;
	enum ui_form_action action;
	int flags;
	MEVENT me;

	switch (ch) {
	case 27:
		return go_back(app);
	case KEY_F(3):
		if (app_rebuild_plan(app) == 0) {
			app->review_all = true;
			app->review = app->plan->count > 0 ? 0 : -1;
			app_switch(app, &screen_review);
		}
		return UI_HANDLED | UI_REDRAW;
	case KEY_F(4):
		app_switch(app, &screen_progress);
		return UI_HANDLED | UI_REDRAW;
	case KEY_MOUSE:
		/* A click on the list opens that section. */
		if (getmouse(&me) == OK && me.x < s->left_w && me.y >= s->list_top) {
			int i = me.y - s->list_top;

			if (i < app->sections.count &&
			    app->sections.items[i].state != UI_SEC_SKIPPED) {
				app->sections.current = i;
				app_switch(app, &screen_section);
			}
		}
		return UI_HANDLED | UI_REDRAW;
	}
	if (!s->form)
		return 0;
	app->status[0] = '\0';
	flags = ui_form_key(app, s->form, ch, &action);
	if (action == UI_FORM_SUBMIT)
		return submit(app, s);
	if (action == UI_FORM_OPEN_LIST)
		return open_region_list(app, s);
	return flags;
}

static int section_answer(struct app *app, int id, int button, const char *text)
{
	struct section_screen *s = app->screen_data;

	if (id == DLG_REGION && button >= 0 && s->form)
		ui_form_set(s->form, ui_form_current(s->form), text);
	return UI_REDRAW;
}

static const char *section_help(struct app *app)
{
	return _("Fill in the section's fields. A value that is not valid is refused "
		 "as you type, with the reason under the field; Enter goes on to "
		 "review what this section creates once every field is valid.");
}

const struct screen screen_section = {
	.name = "section",
	.enter = section_enter,
	.leave = section_leave,
	.draw = section_draw,
	.key = section_key,
	.answer = section_answer,
	.help = section_help,
};
