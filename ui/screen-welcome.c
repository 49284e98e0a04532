/* screen-welcome.c - start-up: what was found (credentials, region, a
 * journal to resume) and the choice of how to go on: a dry run that walks
 * every section and reviews the plan without sending anything, a real
 * deployment, or resuming one. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "i18n.h"
#include "widgets/dialog.h"

enum welcome_choice { W_DRY_RUN, W_DEPLOY, W_RESUME, W_QUIT, W_COUNT };

struct welcome {
	int selected;
	int button_x[W_COUNT], button_y;
};

static const char *choice_label(int i)
{
	switch (i) {
	case W_DRY_RUN: return _("Dry run");
	case W_DEPLOY: return _("Deploy");
	case W_RESUME: return _("Resume");
	case W_QUIT: return _("Quit");
	}
	return "";
}

static bool choice_enabled(const struct app *app, int i)
{
	if (i == W_DEPLOY)
		return app->credentials_found;
	if (i == W_RESUME)
		return app->credentials_found && app->resume_offered;
	return true;
}

static int welcome_enter(struct app *app)
{
	struct welcome *w = calloc(1, sizeof(*w));

	if (!w)
		return -1;
	w->selected = app->credentials_found ? W_DEPLOY : W_DRY_RUN;
	if (app->resume_offered && app->credentials_found)
		w->selected = W_RESUME;
	app->screen_data = w;
	return 0;
}

static void welcome_leave(struct app *app)
{
	free(app->screen_data);
	app->screen_data = NULL;
}

static void welcome_draw(struct app *app)
{
	struct welcome *w = app->screen_data;
	int y = 2, width = app->cols - 4, x;
	char line[768];

	attron(A_BOLD);
	app_put(stdscr, y++, 2, width, _("Deploy the Private AI container on AWS ECS"));
	attroff(A_BOLD);
	y++;
	app_put(stdscr, y++, 2, width,
		_("This wizard follows the manual deployment guide, sections 2 to 17."));
	app_put(stdscr, y++, 2, width,
		_("For each section you fill in a short form, then review every resource"));
	app_put(stdscr, y++, 2, width,
		_("(its name, tags and the exact API call) before it is created."));
	y++;
	snprintf(line, sizeof(line), _("Deployment name:  %s"), app->spec->name);
	app_put(stdscr, y++, 2, width, line);
	snprintf(line, sizeof(line), _("Region:           %s"),
		 app->spec->region ? app->spec->region : _("(none)"));
	app_put(stdscr, y++, 2, width, line);
	if (app->credentials_found) {
		attron(app_attr(app, UI_ROLE_OK));
		app_put(stdscr, y++, 2, width, _("Credentials:      found"));
		attroff(app_attr(app, UI_ROLE_OK));
	} else {
		attron(app_attr(app, UI_ROLE_ERROR));
		snprintf(line, sizeof(line), _("Credentials:      not found (%s)"), app->preflight);
		app_put(stdscr, y++, 2, width, line);
		attroff(app_attr(app, UI_ROLE_ERROR));
		app_put(stdscr, y++, 2, width,
			_("Without credentials you can still walk every section in a dry run."));
	}
	if (app->resume_offered) {
		snprintf(line, sizeof(line),
			 _("A journal for \"%s\" exists: Resume continues where it stopped."),
			 app->spec->name);
		app_put(stdscr, y++, 2, width, line);
	}
	y++;
	w->button_y = y;
	x = 2;
	for (int i = 0; i < W_COUNT; i++) {
		attr_t a = i == w->selected ? app_attr(app, UI_ROLE_SELECT) : A_NORMAL;

		if (!choice_enabled(app, i))
			a = app_attr(app, UI_ROLE_DIM);
		w->button_x[i] = x;
		attron(a);
		snprintf(line, sizeof(line), "< %s >", choice_label(i));
		app_put(stdscr, y, x, app->cols - x, line);
		attroff(a);
		x += i18n_width(line) + 2;
	}
	app_draw_frame(app, _(" Enter choose  Left/Right move  F1 help  F10 quit"));
}

static int activate(struct app *app, int choice)
{
	switch (choice) {
	case W_DRY_RUN:
		app->dry_run = true;
		app_switch(app, &screen_section);
		return UI_HANDLED | UI_REDRAW;
	case W_DEPLOY:
	case W_RESUME:
		if (!choice_enabled(app, choice) || !app->live)
			return UI_HANDLED;
		app->dry_run = false;
		if (choice == W_DEPLOY) {
			app_switch(app, &screen_section);
			return UI_HANDLED | UI_REDRAW;
		}
		/* Resume: what the journal holds, the whole plan to look over,
		 * then the rest created in one go (or section by section). */
		if (app_load_journal(app) != 0)
			return UI_HANDLED | UI_REDRAW;
		app->review_all = true;
		app->review = 0;
		app_switch(app, &screen_review);
		return UI_HANDLED | UI_REDRAW;
	case W_QUIT:
		return app_ask_quit(app);
	}
	return UI_HANDLED;
}

static int welcome_key(struct app *app, int ch)
{
	struct welcome *w = app->screen_data;
	MEVENT me;

	switch (ch) {
	case KEY_LEFT:
	case KEY_BTAB:
		do
			w->selected = (w->selected + W_COUNT - 1) % W_COUNT;
		while (!choice_enabled(app, w->selected));
		return UI_HANDLED | UI_REDRAW;
	case KEY_RIGHT:
	case '\t':
		do
			w->selected = (w->selected + 1) % W_COUNT;
		while (!choice_enabled(app, w->selected));
		return UI_HANDLED | UI_REDRAW;
	case '\n':
	case '\r':
	case KEY_ENTER:
		return activate(app, w->selected);
	case 'd':
		return activate(app, W_DRY_RUN);
	case 'q':
		return app_ask_quit(app);
	case KEY_MOUSE:
		if (getmouse(&me) == OK && me.y == w->button_y)
			for (int i = W_COUNT - 1; i >= 0; i--)
				if (me.x >= w->button_x[i])
					return activate(app, i);
		return UI_HANDLED;
	}
	return 0;
}

static const char *welcome_help(struct app *app)
{
	return _("Dry run walks every section and shows the plan without sending "
		 "anything. Deploy creates the resources, one reviewed call at a "
		 "time. Resume continues a deployment recorded in the journal.");
}

const struct screen screen_welcome = {
	.name = "welcome",
	.enter = welcome_enter,
	.leave = welcome_leave,
	.draw = welcome_draw,
	.key = welcome_key,
	.help = welcome_help,
};
