/* app.c - the wizard's loop: poll() on the keyboard and the queue's event
 * fd, so the screen stays live while AWS works; screens return flags and
 * the loop redraws (after htop's HANDLED | REDRAW | BREAK and dialog's
 * KEY_RESIZE handling).
 *
 * Start-up order: preflight (credentials and region, before curses since
 * an MFA prompt may need the terminal), the spec (defaults, --spec, --name,
 * --region), the section list from the engine's steps[], then curses. */
#include "config.h"

#include <errno.h>
#include <panel.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "cmd-engine.h"
#include "context.h"
#include "i18n.h"
#include "journal.h"
#include "ui.h"
#include "widgets/dialog.h"

void app_switch(struct app *app, const struct screen *s)
{
	app->pending = s;
}

attr_t app_attr(const struct app *app, enum ui_role role)
{
	if (app->color)
		switch (role) {
		case UI_ROLE_BAR: return COLOR_PAIR(UI_ROLE_BAR);
		case UI_ROLE_ERROR: return COLOR_PAIR(UI_ROLE_ERROR) | A_BOLD;
		case UI_ROLE_OK: return COLOR_PAIR(UI_ROLE_OK);
		case UI_ROLE_FIELD: return COLOR_PAIR(UI_ROLE_FIELD);
		case UI_ROLE_SELECT: return COLOR_PAIR(UI_ROLE_SELECT) | A_BOLD;
		case UI_ROLE_DIM: return COLOR_PAIR(UI_ROLE_DIM);
		}
	switch (role) {
	case UI_ROLE_BAR: return A_REVERSE;
	case UI_ROLE_ERROR: return A_BOLD;
	case UI_ROLE_OK: return A_NORMAL;
	case UI_ROLE_FIELD: return A_UNDERLINE;
	case UI_ROLE_SELECT: return A_REVERSE;
	case UI_ROLE_DIM: return A_NORMAL;
	}
	return A_NORMAL;
}

void app_status(struct app *app, bool error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(app->status, sizeof(app->status), fmt, ap);
	va_end(ap);
	app->status_error = error;
}

/* Write at most width columns of text; multibyte strings are converted so
 * a UTF-8 label is never cut inside a character. */
void app_put(WINDOW *w, int y, int x, int width, const char *text)
{
	wchar_t wbuf[512];
	size_t n;
	int cols = 0, i;

	if (width <= 0 || !text)
		return;
	n = mbstowcs(wbuf, text, sizeof(wbuf) / sizeof(wbuf[0]) - 1);
	if (n == (size_t)-1) {
		mvwaddnstr(w, y, x, text, width);
		return;
	}
	wbuf[n] = L'\0';
	for (i = 0; wbuf[i]; i++) {
		int cw = wcwidth(wbuf[i]);

		if (cw < 0)
			cw = 1;
		if (cols + cw > width)
			break;
		cols += cw;
	}
	mvwaddnwstr(w, y, x, wbuf, i);
}

void app_draw_frame(struct app *app, const char *keys)
{
	char title[256];

	attron(app_attr(app, UI_ROLE_BAR));
	mvhline(0, 0, ' ', app->cols);
	snprintf(title, sizeof(title), _(" ecs-wizard  %s  %s  %s"),
		 app->spec->name ? app->spec->name : "",
		 app->spec->region ? app->spec->region : "",
		 app->dry_run ? _("[dry run: nothing is sent]") : "");
	app_put(stdscr, 0, 0, app->cols, title);
	mvhline(app->rows - 1, 0, ' ', app->cols);
	app_put(stdscr, app->rows - 1, 0, app->cols, keys);
	attroff(app_attr(app, UI_ROLE_BAR));
	if (app->status[0]) {
		attr_t a = app->status_error ? app_attr(app, UI_ROLE_ERROR) : A_NORMAL;

		move(app->rows - 2, 0);
		clrtoeol();
		attron(a);
		app_put(stdscr, app->rows - 2, 1, app->cols - 2, app->status);
		attroff(a);
	}
}

static void free_action_states(struct app *app)
{
	for (int i = 0; i < app->act_count; i++)
		free(app->act_id[i]);
	free(app->act_id);
	free(app->act_state);
	app->act_id = NULL;
	app->act_state = NULL;
	app->act_count = 0;
}

int app_rebuild_plan(struct app *app)
{
	struct plan *p = NULL;
	struct aws_error err;
	enum ui_action_state *st;
	char **ids;
	char line[1200];

	aws_error_clear(&err);
	if (plan_build(app->spec, &p, &err) != 0) {
		aws_error_format(&err, line, sizeof(line));
		dialog_open(app, UI_DLG_MSG, UI_DLG_MESSAGE, _("The plan cannot be built"),
			    line, NULL, NULL, NULL);
		return -1;
	}
	st = calloc((size_t)p->count + 1, sizeof(*st));
	ids = calloc((size_t)p->count + 1, sizeof(*ids));
	if (!st || !ids) {
		free(st);
		free(ids);
		plan_free(p);
		return -1;
	}
	/* What was done stays done: states follow the action's key. */
	for (int i = 0; i < p->count; i++) {
		for (int j = 0; app->plan && j < app->act_count; j++) {
			if (strcmp(app->plan->actions[j].key, p->actions[i].key) != 0)
				continue;
			st[i] = app->act_state[j];
			ids[i] = app->act_id[j];
			app->act_id[j] = NULL;
			break;
		}
	}
	free_action_states(app);
	if (app->plan)
		plan_free(app->plan);
	app->plan = p;
	app->act_state = st;
	app->act_id = ids;
	app->act_count = p->count;
	return 0;
}

int app_section_actions(const struct app *app, int number, int *count)
{
	int first = -1;

	*count = 0;
	for (int i = 0; app->plan && i < app->plan->count; i++) {
		if (app->plan->actions[i].section != number)
			continue;
		if (first < 0)
			first = i;
		(*count)++;
	}
	return first;
}

void app_section_finished(struct app *app)
{
	struct ui_sections *s = &app->sections;
	int next = ui_sections_next(s, s->current);

	if (next < 0) {
		app_switch(app, &screen_summary);
		return;
	}
	s->current = next;
	app_switch(app, &screen_section);
}

int app_post(struct app *app, enum queue_command_type type, const char *key,
	     const char *id)
{
	struct aws_error err;
	char line[1200];

	if (!app->live || app->busy)
		return -1;
	aws_error_clear(&err);
	/* The engine follows the answers: a form accepted since the last
	 * post gives a new plan (the journal keeps what was done). */
	if (wizard_live_bind(app->live, app->spec, &err) != 0) {
		aws_error_format(&err, line, sizeof(line));
		dialog_open(app, UI_DLG_MSG, UI_DLG_MESSAGE, _("Cannot start the work"),
			    line, NULL, NULL, NULL);
		return -1;
	}
	app->queue = wizard_live_queue(app->live);
	if (!app->queue || queue_post(app->queue, type, key, id) != 0)
		return -1;
	app->last_cmd = type;
	free(app->last_key);
	app->last_key = key ? strdup(key) : NULL;
	aws_error_clear(&app->last_err);
	free(app->last_err_key);
	app->last_err_key = NULL;
	app->busy = true;
	return 0;
}

int app_action_index(const struct app *app, const char *key)
{
	for (int i = 0; key && app->plan && i < app->plan->count; i++)
		if (!strcmp(app->plan->actions[i].key, key))
			return i;
	return -1;
}

int app_load_journal(struct app *app)
{
	struct aws_error err;
	char line[1200];

	if (!app->live)
		return -1;
	if (!app->plan && app_rebuild_plan(app) != 0)
		return -1;
	aws_error_clear(&err);
	if (wizard_live_bind(app->live, app->spec, &err) != 0) {
		aws_error_format(&err, line, sizeof(line));
		dialog_open(app, UI_DLG_MSG, UI_DLG_MESSAGE, _("Cannot read the journal"),
			    line, NULL, NULL, NULL);
		return -1;
	}
	app->queue = wizard_live_queue(app->live);
	for (int i = 0; i < app->act_count; i++) {
		char *id = NULL;

		switch (wizard_live_state(app->live, app->plan->actions[i].key, &id)) {
		case WIZ_RES_DONE: app->act_state[i] = UI_ACT_DONE; break;
		case WIZ_RES_SKIPPED: app->act_state[i] = UI_ACT_SKIPPED; break;
		case WIZ_RES_FAILED: app->act_state[i] = UI_ACT_FAILED; break;
		case WIZ_RES_NONE: app->act_state[i] = UI_ACT_PENDING; break;
		}
		free(app->act_id[i]);
		app->act_id[i] = id;
	}
	app_refresh_sections(app);
	return 0;
}

void app_refresh_sections(struct app *app)
{
	for (int s = 0; s < app->sections.count; s++) {
		struct ui_section *sec = &app->sections.items[s];
		int n = 0, done = 0, skipped = 0, running = 0, failed = 0;

		if (sec->state == UI_SEC_SKIPPED && app->sections.marketplace &&
		    sec->step->marketplace_skip)
			continue;
		for (int i = 0; app->plan && i < app->act_count; i++) {
			if (app->plan->actions[i].section != sec->step->section ||
			    app->plan->actions[i].role == PLAN_LOOKUP)
				continue;
			n++;
			switch (app->act_state[i]) {
			case UI_ACT_DONE: case UI_ACT_REVIEWED: done++; break;
			case UI_ACT_SKIPPED: skipped++; break;
			case UI_ACT_RUNNING: running++; break;
			case UI_ACT_FAILED: failed++; break;
			case UI_ACT_PENDING: break;
			}
		}
		if (failed)
			sec->state = UI_SEC_FAILED;
		else if (running)
			sec->state = UI_SEC_RUNNING;
		else if (n && done + skipped == n)
			sec->state = done ? UI_SEC_DONE : UI_SEC_SKIPPED;
		else if (sec->state != UI_SEC_REVIEWING)
			sec->state = UI_SEC_TODO;
	}
}

double app_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int app_ask_quit(struct app *app)
{
	static const char *buttons[3];

	buttons[0] = _("Quit");
	buttons[1] = _("Stay");
	buttons[2] = NULL;
	dialog_open(app, UI_DLG_CONFIRM, UI_DLG_QUIT, _("Quit"),
		    app->busy ? _("Work is in progress. Quitting cancels it; what was "
				  "created is in the journal and a later run resumes it.")
			      : _("Leave ecs-wizard? Answers not saved as a spec are lost."),
		    buttons, NULL, NULL);
	return UI_HANDLED | UI_REDRAW;
}

int app_answer(struct app *app, int id, int button, const char *text)
{
	switch (id) {
	case UI_DLG_QUIT:
		if (button == 0) {
			if (app->queue && app->busy)
				queue_cancel(app->queue);
			app->quit = true;
			return UI_BREAK;
		}
		return UI_REDRAW;
	case UI_DLG_HELP:
	case UI_DLG_MESSAGE:
		return UI_REDRAW;
	}
	if (app->screen && app->screen->answer)
		return app->screen->answer(app, id, button, text);
	return UI_REDRAW;
}

static const char *general_help(void)
{
	return _("Keys: Tab or arrows move between fields, Space changes a choice, "
		 "Enter goes on, Esc goes back, F3 reviews the whole plan (a there "
		 "creates all that remains), F4 shows the log, F10 or q quits. In a "
		 "review: c create, e edit, s skip, b back. While work runs: arrows "
		 "scroll the log, c cancels.");
}

static void show_help(struct app *app)
{
	const char *own = app->screen && app->screen->help ? app->screen->help(app) : "";
	char text[2048];

	snprintf(text, sizeof(text), "%s\n\n%s", own, general_help());
	dialog_open(app, UI_DLG_MSG, UI_DLG_HELP, _("Help"), text, NULL, NULL, NULL);
}

static void setup_colors(struct app *app)
{
	const char *nc = getenv("NO_COLOR");

	app->color = has_colors() && !(nc && *nc) && !app->opts->no_color;
	if (!app->color)
		return;
	start_color();
	use_default_colors();
	init_pair(UI_ROLE_BAR, COLOR_WHITE, COLOR_BLUE);
	init_pair(UI_ROLE_ERROR, COLOR_RED, -1);
	init_pair(UI_ROLE_OK, COLOR_GREEN, -1);
	init_pair(UI_ROLE_FIELD, COLOR_BLACK, COLOR_CYAN);
	init_pair(UI_ROLE_SELECT, COLOR_WHITE, COLOR_BLUE);
	init_pair(UI_ROLE_DIM, COLOR_BLUE, -1);
}

static void redraw(struct app *app)
{
	getmaxyx(stdscr, app->rows, app->cols);
	erase();
	curs_set(0);
	if (app->screen && app->screen->draw)
		app->screen->draw(app);
	if (app->dialog)
		dialog_draw(app);
	/* stdscr first, then every panel over it, bottom to top. */
	wnoutrefresh(stdscr);
	for (PANEL *p = panel_above(NULL); p; p = panel_above(p))
		touchwin(panel_window(p));
	update_panels();
	doupdate();
}

static int handle_key(struct app *app, int ch)
{
	if (ch == KEY_RESIZE)
		return UI_REDRAW;
	if (app->dialog)
		return dialog_key(app, ch);
	if (ch == KEY_F(10) || ch == 3 /* ^C in raw mode */)
		return app_ask_quit(app);
	if (ch == KEY_F(1)) {
		show_help(app);
		return UI_REDRAW;
	}
	if (app->screen && app->screen->key)
		return app->screen->key(app, ch);
	return 0;
}

/* What an event means for the actions' states, whatever screen is up. */
static void track_event(struct app *app, const struct queue_event *ev)
{
	int i = app_action_index(app, ev->key);

	switch (ev->type) {
	case QEV_STARTED:
		if (i >= 0)
			app->act_state[i] = UI_ACT_RUNNING;
		free(app->running_key);
		app->running_key = ev->key ? strdup(ev->key) : NULL;
		break;
	case QEV_CREATED:
	case QEV_ADOPTED:
		if (i >= 0) {
			app->act_state[i] = UI_ACT_DONE;
			free(app->act_id[i]);
			app->act_id[i] = ev->id ? strdup(ev->id) : NULL;
		}
		break;
	case QEV_SKIPPED:
		if (i >= 0)
			app->act_state[i] = UI_ACT_SKIPPED;
		break;
	case QEV_FAILED:
		if (i >= 0)
			app->act_state[i] = UI_ACT_FAILED;
		if (app->last_err.kind == AWS_ERR_NONE) {
			app->last_err = ev->err;
			free(app->last_err_key);
			app->last_err_key = ev->key ? strdup(ev->key) : NULL;
		}
		break;
	case QEV_WAITING:
		if (!app->wait_text || !ev->text || strcmp(app->wait_text, ev->text) != 0 ||
		    !ev->key || !app->running_key || strcmp(ev->key, app->running_key) != 0) {
			free(app->wait_text);
			app->wait_text = NULL;
			if (ev->text && ev->key &&
			    asprintf(&app->wait_text, "%s: %s", ev->key, ev->text) < 0)
				app->wait_text = NULL;
			app->wait_since = app_now() - ev->elapsed;
		}
		break;
	case QEV_CHECK: {
		char *line = ui_event_text(ev);

		if (line)
			ui_lines_append(&app->checks, line);
		free(line);
		break;
	}
	case QEV_IDLE:
	case QEV_EXITED:
		app->busy = false;
		app->last_ok = ev->ok;
		if (!ev->ok && app->last_err.kind == AWS_ERR_NONE)
			app->last_err = ev->err;
		/* Whatever still says running did not finish. */
		for (int k = 0; k < app->act_count; k++)
			if (app->act_state[k] == UI_ACT_RUNNING)
				app->act_state[k] = ev->ok ? UI_ACT_DONE : UI_ACT_PENDING;
		free(app->wait_text);
		app->wait_text = NULL;
		break;
	default:
		break;
	}
}

static int drain_events(struct app *app)
{
	struct queue_event *ev;
	int flags = 0;

	while (app->queue && (ev = queue_next_event(app->queue)) != NULL) {
		/* The worker repeats an action's failure when the command ends:
		 * log it once. */
		bool repeat = ev->type == QEV_FAILED && app->last_err.kind != AWS_ERR_NONE &&
			      !strcmp(app->last_err.code, ev->err.code) && ev->key &&
			      app->last_err_key && !strcmp(ev->key, app->last_err_key);
		char *text = repeat ? NULL : ui_event_text(ev);

		if (text)
			ui_log_add(&app->log, text);
		free(text);
		track_event(app, ev);
		if (!app->dry_run)
			app_refresh_sections(app);
		if (app->screen && app->screen->event)
			flags |= app->screen->event(app, ev);
		flags |= UI_REDRAW;
		queue_event_free(ev);
	}
	return flags;
}

static int read_keys(struct app *app)
{
	wint_t wc;
	int flags = 0, rc;

	while ((rc = get_wch(&wc)) != ERR) {
		int ch;

		if (rc == KEY_CODE_YES)
			ch = (int)wc;
		else if (wc < 128)
			ch = (int)wc;
		else
			ch = (int)wc | UI_WCHAR_TAG;
		flags |= handle_key(app, ch);
		if (flags & UI_BREAK)
			break;
	}
	return flags;
}

static void switch_pending(struct app *app)
{
	while (app->pending) {
		const struct screen *next = app->pending;

		app->pending = NULL;
		if (app->screen && app->screen->leave)
			app->screen->leave(app);
		app->screen = next;
		app->status[0] = '\0';
		if (next->enter && next->enter(app) != 0)
			app_status(app, true, "%s", _("This screen could not be opened."));
	}
}

static void run_loop(struct app *app)
{
	int flags = UI_REDRAW;

	switch_pending(app);
	while (!app->quit) {
		struct pollfd pfd[2];
		int nfds = 1, rc;

		if (flags & UI_REDRAW)
			redraw(app);
		flags = 0;
		pfd[0].fd = STDIN_FILENO;
		pfd[0].events = POLLIN;
		if (app->queue) {
			pfd[1].fd = queue_event_fd(app->queue);
			pfd[1].events = POLLIN;
			nfds = 2;
		}
		/* While work runs, wake each second so elapsed times move. */
		rc = poll(pfd, (nfds_t)nfds, app->busy ? 1000 : -1);
		if (rc < 0 && errno != EINTR)
			break;
		if (rc <= 0) {
			flags |= app->busy ? UI_REDRAW : 0;
			/* A resize arrives as SIGWINCH; curses turns it into a key. */
			flags |= read_keys(app);
			continue;
		}
		if (nfds == 2 && (pfd[1].revents & POLLIN))
			flags |= drain_events(app);
		if (pfd[0].revents & (POLLIN | POLLHUP))
			flags |= read_keys(app);
		if (flags & UI_BREAK)
			break;
		if (app->pending) {
			switch_pending(app);
			flags |= UI_REDRAW;
		}
	}
	if (app->screen && app->screen->leave)
		app->screen->leave(app);
	app->screen = NULL;
}

/* Credentials and region, the way every command finds them; with them,
 * the live session the deployment runs through. */
static void preflight(struct app *app)
{
	struct aws_error err;

	aws_error_clear(&err);
	if (wizard_live_open(app->opts, app->spec->region, &app->live, &err) == 0) {
		app->credentials_found = true;
		const char *region = wizard_live_region(app->live);

		if (region && !app->opts->region) {
			free(app->spec->region);
			app->spec->region = strdup(region);
		}
	} else {
		aws_error_format(&err, app->preflight, sizeof(app->preflight));
	}
}

static int load_spec(struct app *app)
{
	struct spec_problems pr;
	int rc = 0;

	app->spec = spec_new_defaults();
	if (!app->spec)
		return -1;
	spec_problems_init(&pr);
	if (cmd_load_config_defaults(app->spec, app->opts, &pr) != 0 ||
	    (app->opts->spec_file && spec_load_file(app->spec, app->opts->spec_file, &pr) != 0)) {
		for (size_t i = 0; i < pr.count; i++)
			fprintf(stderr, "%s: %s\n", pr.items[i].key, pr.items[i].message);
		rc = -1;
	}
	spec_problems_free(&pr);
	if (app->opts->name) {
		free(app->spec->name);
		app->spec->name = strdup(app->opts->name);
	}
	if (app->opts->region) {
		free(app->spec->region);
		app->spec->region = strdup(app->opts->region);
	}
	return rc;
}

int ui_main(struct ew_options *opts)
{
	struct app app;
	int rc = EXIT_FAILURE;

	memset(&app, 0, sizeof(app));
	app.opts = opts;
	app.review = -1;
	app.exit_code = 0;
	if (load_spec(&app) != 0) {
		rc = 2; /* EXIT_BAD_INPUT: the spec file is wrong */
		goto out;
	}
	app.dry_run = opts->dry_run;
	preflight(&app);
	if (app.credentials_found && app.spec->name)
		app.resume_offered = wizard_journal_exists(opts, app.spec->name);
	if (ui_sections_init(&app.sections, steps, app.spec->marketplace) != 0 ||
	    ui_log_init(&app.log, 2000) != 0)
		goto out;

	if (!initscr())
		goto out;
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	mousemask(BUTTON1_CLICKED | BUTTON1_RELEASED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
	curs_set(0);
	setup_colors(&app);
	getmaxyx(stdscr, app.rows, app.cols);
	app_switch(&app, &screen_welcome);
	run_loop(&app);
	dialog_close(&app);
	endwin();
	rc = app.exit_code;
out:
	/* Stops the worker (cancelling what runs) before the plan goes. */
	wizard_live_free(app.live);
	free(app.last_key);
	free(app.last_err_key);
	free(app.running_key);
	free(app.wait_text);
	free_action_states(&app);
	if (app.plan)
		plan_free(app.plan);
	ui_lines_free(&app.checks);
	ui_log_free(&app.log);
	ui_sections_free(&app.sections);
	if (app.spec)
		spec_free(app.spec);
	return rc;
}
