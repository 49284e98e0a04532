/* form.c - section forms on the form library, validated as typed.
 *
 * Every field gets our field type (new_fieldtype): its check calls
 * ui_field_validate() with spec_check_value(), which records the reason
 * next to the value; the form library then refuses to leave an invalid
 * field, and the reason is drawn under it. Choice fields (region, scheme,
 * yes/no, task size) are not editable: Space and the arrows cycle; Space
 * on the region opens the list. Enter is always Next. */
#include "config.h"

#include <form.h>
#include <panel.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "form.h"

struct ui_form {
	struct ui_field_value *values; /* owned */
	int count;
	int current;
	FIELD **fields;                /* owned, NULL-terminated */
	FORM *form;
	WINDOW *win, *sub;
	PANEL *panel;
	int rows_per_field;
	int label_w, field_w;
	char task_labels[8][48];       /* display text of ui_task_sizes */
};

static FIELDTYPE *spec_type;

static int is_choice(const struct ui_field_def *d)
{
	return d->kind == UI_FIELD_LIST || d->kind == UI_FIELD_ENUM ||
	       d->kind == UI_FIELD_BOOL || d->kind == UI_FIELD_TASK;
}

/* The buffer text for a value and back: only task sizes differ. */
static const char *shown_text(struct ui_form *f, const struct ui_field_value *v)
{
	if (v->def->kind == UI_FIELD_TASK && v->text)
		for (int i = 0; ui_task_sizes[i] && i < 8; i++)
			if (!strcmp(ui_task_sizes[i], v->text))
				return f->task_labels[i];
	return v->text ? v->text : "";
}

static char *value_text(struct ui_form *f, const struct ui_field_value *v,
			const char *buffer)
{
	char *t = strdup(buffer ? buffer : "");
	size_t n;

	if (!t)
		return NULL;
	n = strlen(t);
	while (n > 0 && t[n - 1] == ' ')
		t[--n] = '\0';
	if (v->def->kind == UI_FIELD_TASK)
		for (int i = 0; ui_task_sizes[i] && i < 8; i++)
			if (!strcmp(f->task_labels[i], t)) {
				free(t);
				return strdup(ui_task_sizes[i]);
			}
	return t;
}

static bool field_check(FIELD *field, const void *arg)
{
	struct ui_field_value *v = (struct ui_field_value *)arg;
	struct ui_form *f = field_userptr(field);
	char *text;

	if (!v || !f)
		return TRUE;
	text = value_text(f, v, field_buffer(field, 0));
	ui_field_validate(v, text ? text : "", spec_check_value);
	free(text);
	return v->valid ? TRUE : FALSE;
}

static void *make_arg(va_list *ap)
{
	return va_arg(*ap, void *);
}

static void *copy_arg(const void *arg)
{
	return (void *)arg;
}

static void free_arg(void *arg)
{
	(void)arg; /* the value belongs to the ui_form */
}

static FIELDTYPE *get_spec_type(void)
{
	if (!spec_type) {
		spec_type = new_fieldtype(field_check, NULL);
		if (spec_type)
			set_fieldtype_arg(spec_type, make_arg, copy_arg, free_arg);
	}
	return spec_type;
}

/* Over SSH the client's address is the best guess for who administers
 * the bastion; otherwise the field stays empty and its note gives an
 * example (a documentation address is never prefilled as a real value). */
static char *own_address(void)
{
	const char *client = getenv("SSH_CLIENT");
	unsigned a, b, c, d;
	char tmp[32];

	if (!client || sscanf(client, "%u.%u.%u.%u ", &a, &b, &c, &d) != 4 ||
	    a > 255 || b > 255 || c > 255 || d > 255)
		return strdup("");
	snprintf(tmp, sizeof(tmp), "%u.%u.%u.%u/32", a, b, c, d);
	return strdup(tmp);
}

int ui_form_new(const char *const *keys, const cJSON *spec_json, struct ui_form **out)
{
	struct ui_form *f = calloc(1, sizeof(*f));
	int n = 0;
	bool task_done = false;

	*out = NULL;
	if (!f)
		return -1;
	for (int i = 0; ui_task_sizes[i] && i < 8; i++)
		ui_task_size_label(ui_task_sizes[i], f->task_labels[i],
				   sizeof(f->task_labels[i]));
	while (keys && keys[n])
		n++;
	f->values = calloc((size_t)n + 1, sizeof(*f->values));
	if (!f->values) {
		free(f);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		const struct ui_field_def *d = ui_field_def_for(keys[i]);
		struct ui_field_value *v = &f->values[f->count];
		char *text;

		if (d->kind == UI_FIELD_TASK) {
			if (task_done)
				continue;
			task_done = true;
		}
		v->def = d;
		text = ui_field_text_from_json(d, spec_json);
		if (text && !text[0] && !strcmp(d->key, "admin_cidr")) {
			free(text);
			text = own_address();
		}
		ui_field_validate(v, text ? text : "", spec_check_value);
		free(text);
		f->count++;
	}
	*out = f;
	return 0;
}

static void free_form_parts(struct ui_form *f)
{
	if (f->form) {
		unpost_form(f->form);
		free_form(f->form);
		f->form = NULL;
	}
	if (f->fields) {
		for (int i = 0; f->fields[i]; i++)
			free_field(f->fields[i]);
		free(f->fields);
		f->fields = NULL;
	}
	if (f->panel) {
		del_panel(f->panel);
		f->panel = NULL;
	}
	if (f->sub) {
		delwin(f->sub);
		f->sub = NULL;
	}
	if (f->win) {
		delwin(f->win);
		f->win = NULL;
	}
}

void ui_form_free(struct ui_form *f)
{
	if (!f)
		return;
	free_form_parts(f);
	for (int i = 0; i < f->count; i++)
		ui_field_value_free(&f->values[i]);
	free(f->values);
	free(f);
}

void ui_form_place(struct app *app, struct ui_form *f, int y, int x, int h, int w)
{
	free_form_parts(f);
	if (h < 1 || w < 20 || f->count == 0)
		return;
	f->rows_per_field = h >= f->count * 2 ? 2 : 1;
	f->label_w = w / 3 > 24 ? 24 : w / 3;
	f->field_w = w - f->label_w - 1;
	if (f->field_w > 44)
		f->field_w = 44;
	f->win = newwin(h, w, y, x);
	if (!f->win)
		return;
	f->panel = new_panel(f->win);
	keypad(f->win, TRUE);
	f->sub = derwin(f->win, h, f->field_w, 0, f->label_w + 1);
	f->fields = calloc((size_t)f->count + 1, sizeof(FIELD *));
	if (!f->sub || !f->fields)
		return;
	for (int i = 0; i < f->count; i++) {
		struct ui_field_value *v = &f->values[i];
		FIELD *fld = new_field(1, f->field_w, i * f->rows_per_field, 0, 0, 0);

		if (!fld)
			return;
		f->fields[i] = fld;
		set_field_userptr(fld, f);
		set_field_back(fld, app_attr(app, UI_ROLE_FIELD));
		field_opts_off(fld, O_AUTOSKIP | O_STATIC | O_BLANK);
		set_max_field(fld, 1024);
		if (is_choice(v->def))
			field_opts_off(fld, O_EDIT);
		set_field_buffer(fld, 0, shown_text(f, v));
		set_field_type(fld, get_spec_type(), (void *)v);
	}
	f->form = new_form(f->fields);
	if (!f->form)
		return;
	set_form_win(f->form, f->win);
	set_form_sub(f->form, f->sub);
	post_form(f->form);
	if (f->current < f->count)
		set_current_field(f->form, f->fields[f->current]);
}

void ui_form_draw(struct app *app, struct ui_form *f)
{
	if (!f->win || !f->form)
		return;
	for (int i = 0; i < f->count; i++) {
		const struct ui_field_value *v = &f->values[i];
		int y = i * f->rows_per_field;
		attr_t a = i == f->current ? A_BOLD : A_NORMAL;

		wattron(f->win, a);
		app_put(f->win, y, 0, f->label_w, _(v->def->label));
		wattroff(f->win, a);
		if (f->rows_per_field < 2)
			continue;
		wmove(f->win, y + 1, f->label_w + 1);
		wclrtoeol(f->win);
		if (!v->valid) {
			wattron(f->win, app_attr(app, UI_ROLE_ERROR));
			app_put(f->win, y + 1, f->label_w + 1,
				getmaxx(f->win) - f->label_w - 1, v->why);
			wattroff(f->win, app_attr(app, UI_ROLE_ERROR));
		} else if (i == f->current && v->def->note) {
			wattron(f->win, app_attr(app, UI_ROLE_DIM));
			app_put(f->win, y + 1, f->label_w + 1,
				getmaxx(f->win) - f->label_w - 1, _(v->def->note));
			wattroff(f->win, app_attr(app, UI_ROLE_DIM));
		}
	}
	pos_form_cursor(f->form);
}

static void cycle_choice(struct ui_form *f, int delta)
{
	struct ui_field_value *v = &f->values[f->current];
	const char *const *ch = v->def->choices;
	int n = 0, at = 0;

	if (!ch)
		return;
	while (ch[n])
		n++;
	for (int i = 0; i < n; i++)
		if (v->text && !strcmp(ch[i], v->text))
			at = i;
	at = (at + delta + n) % n;
	ui_form_set(f, f->current, ch[at]);
}

void ui_form_set(struct ui_form *f, int i, const char *text)
{
	struct ui_field_value *v;

	if (i < 0 || i >= f->count)
		return;
	v = &f->values[i];
	ui_field_validate(v, text, spec_check_value);
	if (f->fields && f->fields[i])
		set_field_buffer(f->fields[i], 0, shown_text(f, v));
}

void ui_form_focus(struct ui_form *f, int i)
{
	if (i < 0 || i >= f->count)
		return;
	/* The form library refuses to leave an invalid field; then the cursor
	 * stays where the problem is, which is what we want anyway. */
	if (f->form && set_current_field(f->form, f->fields[i]) == E_OK)
		f->current = i;
	else if (!f->form)
		f->current = i;
}

static void sync_current(struct ui_form *f)
{
	if (f->form)
		f->current = field_index(current_field(f->form));
}

int ui_form_key(struct app *app, struct ui_form *f, int ch, enum ui_form_action *action)
{
	struct ui_field_value *v;
	int rc, req = 0;
	bool edit = false;

	*action = UI_FORM_NONE;
	if (!f->form || f->count == 0) {
		if (ch == '\n' || ch == '\r' || ch == KEY_ENTER)
			*action = UI_FORM_SUBMIT;
		return UI_HANDLED;
	}
	v = &f->values[f->current];
	switch (ch) {
	case '\t':
	case KEY_DOWN:
		req = REQ_NEXT_FIELD;
		break;
	case KEY_BTAB:
	case KEY_UP:
		req = REQ_PREV_FIELD;
		break;
	case '\n':
	case '\r':
	case KEY_ENTER:
		form_driver(f->form, REQ_VALIDATION);
		*action = UI_FORM_SUBMIT;
		return UI_HANDLED | UI_REDRAW;
	}
	if (!req && is_choice(v->def)) {
		if (ch == ' ' && v->def->kind == UI_FIELD_LIST) {
			*action = UI_FORM_OPEN_LIST;
			return UI_HANDLED | UI_REDRAW;
		}
		if (ch == ' ' || ch == KEY_RIGHT)
			cycle_choice(f, 1);
		else if (ch == KEY_LEFT)
			cycle_choice(f, -1);
		else
			return UI_HANDLED;
		return UI_HANDLED | UI_REDRAW;
	}
	if (!req) {
		edit = true;
		switch (ch) {
		case KEY_LEFT: req = REQ_PREV_CHAR; edit = false; break;
		case KEY_RIGHT: req = REQ_NEXT_CHAR; edit = false; break;
		case KEY_HOME: case 1: req = REQ_BEG_LINE; edit = false; break;
		case KEY_END: case 5: req = REQ_END_LINE; edit = false; break;
		case KEY_BACKSPACE: case 127: case 8: req = REQ_DEL_PREV; break;
		case KEY_DC: req = REQ_DEL_CHAR; break;
		case 21: req = REQ_CLR_FIELD; break; /* ^U as in a shell */
		case 11: req = REQ_CLR_EOL; break;   /* ^K */
		default:
			if (UI_IS_WCHAR(ch)) {
				form_driver_w(f->form, OK, (wchar_t)UI_WCHAR_OF(ch));
			} else if (ch >= 32 && ch < 127) {
				form_driver(f->form, ch);
			} else {
				return UI_HANDLED;
			}
			req = 0;
		}
	}
	if (req) {
		rc = form_driver(f->form, req);
		if (rc == E_INVALID_FIELD) {
			beep();
			app_status(app, true, _("%s: %s"), _(v->def->label), v->why);
		}
	}
	if (edit)
		form_driver(f->form, REQ_VALIDATION); /* sync and check as typed */
	sync_current(f);
	return UI_HANDLED | UI_REDRAW;
}

struct ui_field_value *ui_form_values(struct ui_form *f, int *count)
{
	*count = f->count;
	return f->values;
}

int ui_form_current(const struct ui_form *f)
{
	return f->current;
}

int ui_form_ready(struct ui_form *f, int *first_bad)
{
	if (f->form)
		form_driver(f->form, REQ_VALIDATION);
	return ui_fields_ready(f->values, f->count, first_bad);
}
