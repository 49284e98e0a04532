/* screen-summary.c - the end: every resource with its state and id, the
 * live check results, how to tear it all down, and saving the answers as a
 * spec file for a headless re-run (spec_to_json). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "i18n.h"
#include "util/buf.h"
#include "wizard-live.h"
#include "widgets/dialog.h"

enum { DLG_SAVE = 1, DLG_SAVED, DLG_DESTROY };

struct summary {
	struct ui_lines text;
	int view_rows;
};

static const char *state_word(enum ui_action_state st, bool dry_run)
{
	switch (st) {
	case UI_ACT_PENDING: return _("not done");
	case UI_ACT_REVIEWED: return dry_run ? _("would create") : _("reviewed");
	case UI_ACT_RUNNING: return _("running");
	case UI_ACT_DONE: return _("created");
	case UI_ACT_SKIPPED: return _("skipped");
	case UI_ACT_FAILED: return _("FAILED");
	}
	return "";
}

static void add_checks(struct app *app, struct buf *b)
{
	buf_printf(b, "\n%s\n", _("Live checks:"));
	if (app->checks.count == 0)
		buf_printf(b, "  %s\n", app->dry_run ? _("(none in a dry run)")
			   : app->busy && app->last_cmd == QCMD_VERIFY ? _("(running ...)")
			   : _("(none ran)"));
	for (int i = 0; i < app->checks.count; i++)
		buf_printf(b, "  %s\n", app->checks.items[i]);
}

/* A real deployment: the journal's view of every resource (what the
 * engine recorded, whoever made it) and the endpoints. */
static int build_live_text(struct app *app, struct buf *b)
{
	struct wizard_summary sum;
	int failed = 0;

	if (wizard_live_summary(app->live, &sum) != 0)
		return -1;
	for (int i = 0; i < sum.row_count; i++) {
		int k = app_action_index(app, sum.rows[i].key);

		/* What this build cannot do (a local step it lacks) was
		 * skipped this run without a journal entry. */
		if (!sum.rows[i].complete && k >= 0 && app->act_state[k] == UI_ACT_SKIPPED) {
			sum.rows[i].complete = true;
			free(sum.rows[i].state);
			sum.rows[i].state = strdup(state_word(UI_ACT_SKIPPED, false));
		}
		failed += !sum.rows[i].complete;
	}
	if (app->last_cmd == QCMD_DESTROY && !app->busy)
		buf_printf(b, "%s\n\n", app->last_ok
			   ? _("Removed what this deployment created (the ECR repository "
			       "and its images are kept).")
			   : _("The removal stopped: the journal records what is gone; d "
			       "tries again."));
	else
		buf_printf(b, "%s\n\n", failed ? _("Deployment incomplete: what exists is kept in "
						     "the journal; Resume continues it.")
					    : _("Deployment finished."));
	buf_printf(b, "%s\n", _("Resources (section, state, id, kind, name):"));
	for (int i = 0; i < sum.row_count; i++)
		buf_printf(b, "  %2d %-10s %-21s %s %s\n", sum.rows[i].section,
			   sum.rows[i].state ? sum.rows[i].state : "",
			   sum.rows[i].id ? sum.rows[i].id : "-", sum.rows[i].kind,
			   sum.rows[i].name);
	buf_printf(b, "\n%s\n", _("Endpoints and files:"));
	for (int i = 0; i < sum.endpoint_count; i++)
		buf_printf(b, "  %s: %s\n", sum.endpoints[i].label, sum.endpoints[i].value);
	buf_printf(b, "  %s: %s\n", _("Journal"), sum.journal_path);
	wizard_summary_free(&sum);
	return 0;
}

static int build_text(struct app *app, struct summary *s)
{
	struct buf b;
	int rc;

	buf_init(&b, 0);
	if (!app->dry_run && app->live && build_live_text(app, &b) == 0) {
		/* the journal's view */
	} else {
		buf_printf(&b, "%s\n\n", app->dry_run
			   ? _("Dry run finished: nothing was sent to AWS.")
			   : _("Deployment finished."));
		buf_printf(&b, "%s\n", _("Resources:"));
		for (int i = 0; app->plan && i < app->plan->count; i++) {
			const struct plan_action *a = &app->plan->actions[i];

			if (a->role == PLAN_LOOKUP)
				continue;
			buf_printf(&b, "  %-13s %-24s %-28s %s\n",
				   state_word(app->act_state[i], app->dry_run), a->kind,
				   a->name ? a->name : "", app->act_id[i] ? app->act_id[i] : "");
		}
	}
	add_checks(app, &b);
	buf_printf(&b, "\n%s\n", _("To tear it all down later:"));
	buf_printf(&b, "  ecs-wizard destroy --name %s\n", app->spec->name);
	buf_printf(&b, "\n%s\n", _("To run the same deployment without the wizard "
				    "(s saves the answers):"));
	buf_printf(&b, "  ecs-wizard deploy --spec %s.spec.json\n", app->spec->name);
	ui_lines_free(&s->text);
	rc = ui_lines_set(&s->text, buf_str(&b));
	buf_free(&b);
	return rc;
}

static int summary_enter(struct app *app)
{
	struct summary *s = calloc(1, sizeof(*s));

	if (!s)
		return -1;
	app->screen_data = s;
	if (!app->plan && app_rebuild_plan(app) != 0)
		return -1;
	/* Every action done: the live checks the engine offers (QCMD_VERIFY;
	 * the results arrive as QEV_CHECK events), once. */
	if (!app->dry_run && app->live && !app->busy && !app->verify_posted &&
	    app->last_ok && app->last_cmd != QCMD_VERIFY && app->last_cmd != QCMD_DESTROY) {
		app->verify_posted = true;
		app_post(app, QCMD_VERIFY, NULL, NULL);
	}
	return build_text(app, s);
}

static void summary_leave(struct app *app)
{
	struct summary *s = app->screen_data;

	if (!s)
		return;
	ui_lines_free(&s->text);
	free(s);
	app->screen_data = NULL;
}

static void summary_draw(struct app *app)
{
	struct summary *s = app->screen_data;

	attron(A_BOLD);
	app_put(stdscr, 1, 2, app->cols - 4, _("Summary"));
	attroff(A_BOLD);
	s->view_rows = app->rows - 5;
	for (int i = 0; i < s->view_rows && s->text.top + i < s->text.count; i++)
		app_put(stdscr, 3 + i, 2, app->cols - 4, s->text.items[s->text.top + i]);
	app_draw_frame(app, app->live && !app->dry_run
			    ? _(" s save answers  d remove all  Up/Down scroll  F4 log  F1 help  q quit")
			    : _(" s save answers as spec  Up/Down scroll  F4 log  F1 help  q quit"));
}

/* Write the spec as JSON, mode 0600, refusing to follow a symlink. */
static int save_spec(struct app *app, const char *path, char *why, size_t n)
{
	cJSON *json = spec_to_json(app->spec);
	char *text = json ? cJSON_Print(json) : NULL;
	int fd = -1, rc = -1;
	size_t len;

	if (!text) {
		snprintf(why, n, "%s", _("Out of memory."));
		goto out;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(why, n, "%s: %s", path, strerror(errno));
		goto out;
	}
	len = strlen(text);
	if (write(fd, text, len) != (ssize_t)len || write(fd, "\n", 1) != 1) {
		snprintf(why, n, "%s: %s", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (fd >= 0 && close(fd) != 0 && rc == 0) {
		snprintf(why, n, "%s: %s", path, strerror(errno));
		rc = -1;
	}
	free(text);
	cJSON_Delete(json);
	return rc;
}

static int summary_key(struct app *app, int ch)
{
	struct summary *s = app->screen_data;
	static const char *buttons[3];
	char path[512];

	switch (ch) {
	case KEY_UP: ui_lines_scroll(&s->text, -1, s->view_rows); return UI_HANDLED | UI_REDRAW;
	case KEY_DOWN: ui_lines_scroll(&s->text, 1, s->view_rows); return UI_HANDLED | UI_REDRAW;
	case KEY_PPAGE: ui_lines_scroll(&s->text, -s->view_rows, s->view_rows); return UI_HANDLED | UI_REDRAW;
	case KEY_NPAGE: ui_lines_scroll(&s->text, s->view_rows, s->view_rows); return UI_HANDLED | UI_REDRAW;
	case 's':
		buttons[0] = _("Save");
		buttons[1] = _("Cancel");
		buttons[2] = NULL;
		snprintf(path, sizeof(path), "%s.spec.json", app->spec->name);
		dialog_open(app, UI_DLG_INPUT, DLG_SAVE, _("Save answers"),
			    _("File to write the answers to (JSON, for --spec):"),
			    buttons, NULL, path);
		return UI_HANDLED | UI_REDRAW;
	case 'd':
		/* Tear down from here, as `ecs-wizard destroy` would. */
		if (!app->live || app->dry_run || app->busy)
			return UI_HANDLED;
		buttons[0] = _("Remove all");
		buttons[1] = _("Cancel");
		buttons[2] = NULL;
		dialog_open(app, UI_DLG_CONFIRM, DLG_DESTROY, _("Remove the deployment"),
			    _("Remove every resource this deployment created, in the order "
			      "AWS needs? The ECR repository and its images are kept."),
			    buttons, NULL, NULL);
		return UI_HANDLED | UI_REDRAW;
	case KEY_F(4):
		app_switch(app, &screen_progress);
		return UI_HANDLED | UI_REDRAW;
	case 27:
		app->sections.current = ui_sections_prev(&app->sections, app->sections.count);
		if (app->sections.current < 0)
			app->sections.current = 0;
		app_switch(app, &screen_section);
		return UI_HANDLED | UI_REDRAW;
	case 'q':
		return app_ask_quit(app);
	}
	return 0;
}

/* The live checks failed: one line saying why. */
static void add_check_failure(struct app *app)
{
	struct wizard_failure f;
	char line[800];

	wizard_failure_view(&app->last_err, &f);
	if (f.not_available)
		snprintf(line, sizeof(line), "%s",
			 _("skipped: this run does not reach the bastion (--no-bastion)"));
	else
		snprintf(line, sizeof(line), _("FAILED: %s %s (request id %s)"),
			 f.code, f.message, f.request_id[0] ? f.request_id : _("none"));
	ui_lines_append(&app->checks, line);
}

static int summary_event(struct app *app, const struct queue_event *ev)
{
	struct summary *s = app->screen_data;

	if (ev->type == QEV_IDLE && app->last_cmd == QCMD_VERIFY && !ev->ok &&
	    app_ask_host_key(app))
		return UI_REDRAW; /* the checks' line waits for the answer */
	if (ev->type == QEV_IDLE && app->last_cmd == QCMD_VERIFY && !ev->ok)
		add_check_failure(app);
	if (ev->type == QEV_IDLE || ev->type == QEV_CHECK)
		build_text(app, s);
	return UI_REDRAW;
}

static int summary_answer(struct app *app, int id, int button, const char *text)
{
	char why[600], msg[700];

	if (id == UI_DLG_HOSTKEY) {
		if (!app_trust_host_key(app, button)) {
			add_check_failure(app);
			build_text(app, app->screen_data);
		}
		return UI_REDRAW;
	}
	if (id == DLG_DESTROY) {
		if (button == 0 && app_post(app, QCMD_DESTROY, NULL, NULL) == 0)
			app_switch(app, &screen_progress);
		return UI_REDRAW;
	}
	if (id != DLG_SAVE || button != 0 || !text[0])
		return UI_REDRAW;
	if (save_spec(app, text, why, sizeof(why)) != 0) {
		dialog_open(app, UI_DLG_MSG, DLG_SAVED, _("Not saved"), why, NULL, NULL, NULL);
		return UI_REDRAW;
	}
	snprintf(msg, sizeof(msg), _("Saved the answers to %s."), text);
	app_status(app, false, "%s", msg);
	return UI_REDRAW;
}

static const char *summary_help(struct app *app)
{
	return _("Every resource with its state and id. s saves your answers as a "
		 "spec file: `ecs-wizard deploy --spec FILE` repeats this deployment "
		 "without the wizard. d removes everything the deployment created.");
}

const struct screen screen_summary = {
	.name = "summary",
	.enter = summary_enter,
	.leave = summary_leave,
	.draw = summary_draw,
	.key = summary_key,
	.event = summary_event,
	.answer = summary_answer,
	.help = summary_help,
};
