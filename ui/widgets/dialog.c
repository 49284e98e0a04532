/* dialog.c - popups: message, question, line of input, list (menu library).
 *
 * Each popup is a window on a panel above the screen, rebuilt on every
 * draw so a resize simply lays it out again. */
#include "config.h"

#include <menu.h>
#include <panel.h>
#include <stdlib.h>
#include <limits.h>
#include <string.h>
#include <wchar.h>

#include "i18n.h"
#include "dialog.h"

#define DLG_MAX_BUTTONS 4
#define DLG_INPUT_MAX 512

struct ui_dialog {
	enum ui_dialog_kind kind;
	int id;
	char *title;                    /* owned */
	struct ui_lines text;           /* owned, wrapped at draw time */
	char *raw_text;                 /* owned */
	char *buttons[DLG_MAX_BUTTONS]; /* owned */
	int nbuttons;
	int selected;                   /* button, or list item */
	int button_x[DLG_MAX_BUTTONS], button_y; /* where drawn, for the mouse */
	int win_y, win_x;
	char input[DLG_INPUT_MAX];
	char **choices;                 /* owned, NULL-terminated */
	int nchoices;
	WINDOW *win;
	WINDOW *menu_sub;               /* the menu's derived window */
	PANEL *panel;
	MENU *menu;
	ITEM **items;
};

static void free_menu_parts(struct ui_dialog *d)
{
	if (d->menu) {
		unpost_menu(d->menu);
		free_menu(d->menu);
		d->menu = NULL;
	}
	if (d->items) {
		for (int i = 0; d->items[i]; i++)
			free_item(d->items[i]);
		free(d->items);
		d->items = NULL;
	}
	if (d->menu_sub) {
		delwin(d->menu_sub);
		d->menu_sub = NULL;
	}
}

static void free_window(struct ui_dialog *d)
{
	free_menu_parts(d);
	if (d->panel) {
		del_panel(d->panel);
		d->panel = NULL;
	}
	if (d->win) {
		delwin(d->win);
		d->win = NULL;
	}
}

void dialog_close(struct app *app)
{
	struct ui_dialog *d = app->dialog;

	if (!d)
		return;
	free_window(d);
	free(d->title);
	free(d->raw_text);
	ui_lines_free(&d->text);
	for (int i = 0; i < d->nbuttons; i++)
		free(d->buttons[i]);
	for (int i = 0; i < d->nchoices; i++)
		free(d->choices[i]);
	free(d->choices);
	free(d);
	app->dialog = NULL;
}

int dialog_open(struct app *app, enum ui_dialog_kind kind, int id,
		const char *title, const char *text, const char *const *buttons,
		const char *const *choices, const char *initial)
{
	static const char *const ok_only[] = { N_("OK"), NULL };
	struct ui_dialog *d;

	dialog_close(app);
	d = calloc(1, sizeof(*d));
	if (!d)
		return -1;
	app->dialog = d;
	d->kind = kind;
	d->id = id;
	d->title = strdup(title ? title : "");
	d->raw_text = strdup(text ? text : "");
	if (!buttons || !buttons[0]) {
		buttons = ok_only;
		d->buttons[0] = strdup(_(ok_only[0]));
		d->nbuttons = 1;
	} else {
		for (; d->nbuttons < DLG_MAX_BUTTONS && buttons[d->nbuttons]; d->nbuttons++)
			d->buttons[d->nbuttons] = strdup(buttons[d->nbuttons]);
	}
	if (choices) {
		while (choices[d->nchoices])
			d->nchoices++;
		d->choices = calloc((size_t)d->nchoices + 1, sizeof(char *));
		if (!d->choices)
			goto fail;
		for (int i = 0; i < d->nchoices; i++) {
			d->choices[i] = strdup(choices[i]);
			if (!d->choices[i])
				goto fail;
			if (initial && !strcmp(initial, choices[i]))
				d->selected = i;
		}
	}
	if (kind == UI_DLG_INPUT && initial)
		snprintf(d->input, sizeof(d->input), "%s", initial);
	if (!d->title || !d->raw_text)
		goto fail;
	for (int i = 0; i < d->nbuttons; i++)
		if (!d->buttons[i])
			goto fail;
	return 0;
fail:
	dialog_close(app);
	return -1;
}

void dialog_draw(struct app *app)
{
	struct ui_dialog *d = app->dialog;
	int width, height, list_rows = 0, y, x, total;

	if (!d)
		return;
	free_window(d);
	width = app->cols - 4;
	if (width > 72)
		width = 72;
	if (width < 20)
		width = app->cols;
	ui_lines_wrap(&d->text, d->raw_text, width - 4);
	if (d->kind == UI_DLG_LIST) {
		list_rows = d->nchoices;
		if (list_rows > app->rows - 8)
			list_rows = app->rows - 8;
		if (list_rows < 1)
			list_rows = 1;
	}
	height = d->text.count + 4 + list_rows + (d->kind == UI_DLG_INPUT ? 2 : 0);
	if (height > app->rows - 2)
		height = app->rows - 2;
	d->win_y = (app->rows - height) / 2;
	d->win_x = (app->cols - width) / 2;
	d->win = newwin(height, width, d->win_y, d->win_x);
	if (!d->win)
		return;
	d->panel = new_panel(d->win);
	keypad(d->win, TRUE);
	wbkgd(d->win, app_attr(app, UI_ROLE_FIELD) & ~A_UNDERLINE);
	werase(d->win);
	box(d->win, 0, 0);
	if (d->title[0]) {
		wattron(d->win, A_BOLD);
		mvwprintw(d->win, 0, 2, " ");
		app_put(d->win, 0, 3, width - 6, d->title);
		wprintw(d->win, " ");
		wattroff(d->win, A_BOLD);
	}
	y = 1;
	for (int i = d->text.top; i < d->text.count && y < height - 2 - list_rows; i++)
		app_put(d->win, y++, 2, width - 4, d->text.items[i]);
	if (d->kind == UI_DLG_INPUT) {
		int len = (int)strlen(d->input), shown = width - 6;
		const char *from = len > shown ? d->input + len - shown : d->input;

		y++;
		wattron(d->win, app_attr(app, UI_ROLE_SELECT));
		mvwprintw(d->win, y, 2, "%-*s", width - 4, "");
		app_put(d->win, y, 3, shown, from);
		wattroff(d->win, app_attr(app, UI_ROLE_SELECT));
		y++;
	}
	if (d->kind == UI_DLG_LIST && d->nchoices > 0) {
		d->items = calloc((size_t)d->nchoices + 1, sizeof(ITEM *));
		if (d->items) {
			for (int i = 0; i < d->nchoices; i++)
				d->items[i] = new_item(d->choices[i], "");
			d->menu = new_menu(d->items);
		}
		if (d->menu) {
			set_menu_win(d->menu, d->win);
			d->menu_sub = derwin(d->win, list_rows, width - 4, y, 2);
			set_menu_sub(d->menu, d->menu_sub);
			set_menu_format(d->menu, list_rows, 1);
			set_menu_mark(d->menu, "> ");
			set_menu_fore(d->menu, app_attr(app, UI_ROLE_SELECT));
			post_menu(d->menu);
			set_current_item(d->menu, d->items[d->selected]);
		}
		y += list_rows;
	}
	/* Buttons centred on the last inner row. */
	total = 0;
	for (int i = 0; i < d->nbuttons; i++)
		total += i18n_width(d->buttons[i]) + 5;
	x = (width - total) / 2;
	if (x < 1)
		x = 1;
	d->button_y = height - 2;
	for (int i = 0; i < d->nbuttons; i++) {
		attr_t a = i == d->selected && d->kind != UI_DLG_LIST
				   ? app_attr(app, UI_ROLE_SELECT) : A_NORMAL;

		d->button_x[i] = x;
		wattron(d->win, a);
		mvwprintw(d->win, d->button_y, x, "< %s >", d->buttons[i]);
		wattroff(d->win, a);
		x += i18n_width(d->buttons[i]) + 5;
	}
	if (d->kind == UI_DLG_INPUT) {
		int len = (int)strlen(d->input), shown = width - 6;

		wmove(d->win, d->button_y - 2, 3 + (len > shown ? shown : len));
	}
}

static int finish(struct app *app, int button)
{
	struct ui_dialog *d = app->dialog;
	int id = d->id;
	char *text = NULL;

	if (d->kind == UI_DLG_INPUT)
		text = strdup(d->input);
	else if (d->kind == UI_DLG_LIST && button >= 0 && d->nchoices > 0)
		text = strdup(d->choices[d->selected]);
	if (d->kind == UI_DLG_LIST && button >= 0)
		button = d->selected;
	int flags;

	dialog_close(app);
	flags = app_answer(app, id, button, text ? text : "");
	free(text);
	return flags | UI_REDRAW | UI_HANDLED;
}

static int mouse_button(struct app *app)
{
	struct ui_dialog *d = app->dialog;
	MEVENT me;

	if (getmouse(&me) != OK || !(me.bstate & (BUTTON1_CLICKED | BUTTON1_RELEASED)))
		return -1;
	if (me.y - d->win_y != d->button_y)
		return -1;
	for (int i = 0; i < d->nbuttons; i++) {
		int x0 = d->win_x + d->button_x[i];

		if (me.x >= x0 && me.x < x0 + i18n_width(d->buttons[i]) + 4)
			return i;
	}
	return -1;
}

int dialog_key(struct app *app, int ch)
{
	struct ui_dialog *d = app->dialog;
	int b;

	if (!d)
		return 0;
	switch (ch) {
	case 27: /* Esc */
		return finish(app, -1);
	case KEY_MOUSE:
		b = mouse_button(app);
		if (b >= 0) {
			if (d->kind == UI_DLG_LIST)
				return finish(app, b == 0 ? 0 : -1);
			return finish(app, b);
		}
		return UI_HANDLED;
	case '\n':
	case '\r':
	case KEY_ENTER:
		if (d->kind == UI_DLG_LIST)
			return finish(app, 0);
		return finish(app, d->selected);
	}
	if (d->kind == UI_DLG_LIST) {
		int req = 0;

		switch (ch) {
		case KEY_UP: case 'k': req = REQ_UP_ITEM; break;
		case KEY_DOWN: case 'j': req = REQ_DOWN_ITEM; break;
		case KEY_PPAGE: req = REQ_SCR_UPAGE; break;
		case KEY_NPAGE: req = REQ_SCR_DPAGE; break;
		case KEY_HOME: req = REQ_FIRST_ITEM; break;
		case KEY_END: req = REQ_LAST_ITEM; break;
		}
		if (req && d->menu) {
			menu_driver(d->menu, req);
			d->selected = item_index(current_item(d->menu));
		} else if (req) {
			d->selected += req == REQ_UP_ITEM ? -1 : 1;
			if (d->selected < 0)
				d->selected = 0;
			if (d->selected >= d->nchoices)
				d->selected = d->nchoices - 1;
		}
		return UI_HANDLED | UI_REDRAW;
	}
	switch (ch) {
	case '\t':
	case KEY_RIGHT:
		d->selected = (d->selected + 1) % d->nbuttons;
		return UI_HANDLED | UI_REDRAW;
	case KEY_BTAB:
	case KEY_LEFT:
		d->selected = (d->selected + d->nbuttons - 1) % d->nbuttons;
		return UI_HANDLED | UI_REDRAW;
	}
	if (d->kind == UI_DLG_INPUT) {
		size_t len = strlen(d->input);

		if (ch == KEY_BACKSPACE || ch == 127 || ch == 8) {
			/* Drop one whole UTF-8 sequence. */
			while (len > 0 && ((unsigned char)d->input[len - 1] & 0xC0) == 0x80)
				len--;
			if (len > 0)
				len--;
			d->input[len] = '\0';
		} else if (ch >= 32 && ch < 127 && len + 1 < sizeof(d->input)) {
			d->input[len] = (char)ch;
			d->input[len + 1] = '\0';
		} else if (UI_IS_WCHAR(ch)) {
			char mb[MB_LEN_MAX];
			mbstate_t st;
			size_t n;

			memset(&st, 0, sizeof(st));
			n = wcrtomb(mb, (wchar_t)UI_WCHAR_OF(ch), &st);
			if (n != (size_t)-1 && len + n < sizeof(d->input)) {
				memcpy(d->input + len, mb, n);
				d->input[len + n] = '\0';
			}
		}
		return UI_HANDLED | UI_REDRAW;
	}
	if (d->kind == UI_DLG_CONFIRM && (ch == 'y' || ch == 'Y'))
		return finish(app, 0);
	if (d->kind == UI_DLG_CONFIRM && (ch == 'n' || ch == 'N'))
		return finish(app, d->nbuttons > 1 ? 1 : -1);
	return UI_HANDLED;
}
