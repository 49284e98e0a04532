/* form.h - a section's form: the form library's fields, our own field type
 * that asks the engine (spec_check_value) about each value as it is typed,
 * labels, notes and the reason an invalid value is refused.
 *
 * The values live in struct ui_field_value (model.h) so the verdicts are
 * known without a terminal; this file only binds them to FIELDs. */
#ifndef ECSW_UI_FORM_H
#define ECSW_UI_FORM_H

#include <cjson/cJSON.h>
#include <curses.h>

#include "../app.h"

struct ui_form;

enum ui_form_action {
	UI_FORM_NONE = 0,
	UI_FORM_SUBMIT,    /* Enter: the user asks for Next */
	UI_FORM_OPEN_LIST, /* Space on a list field: show its choices */
};

/* A form for keys (NULL-terminated spec keys; task_cpu/task_memory become
 * one task size field), prefilled from spec_json (spec_to_json's object)
 * and validated at once. *out is the caller's (ui_form_free). */
int ui_form_new(const char *const *keys, const cJSON *spec_json, struct ui_form **out);
void ui_form_free(struct ui_form *f);
/* (Re)build the windows at y,x of h rows and w columns; after a resize too. */
void ui_form_place(struct app *app, struct ui_form *f, int y, int x, int h, int w);
/* Labels, notes and reasons; puts the cursor in the current field. */
void ui_form_draw(struct app *app, struct ui_form *f);
/* Handle a key; *action says what the screen should do next. */
int ui_form_key(struct app *app, struct ui_form *f, int ch, enum ui_form_action *action);
/* The values, in order (borrowed); *count gets their number. */
struct ui_field_value *ui_form_values(struct ui_form *f, int *count);
int ui_form_current(const struct ui_form *f);
/* Set field i's value (from a list) and check it. */
void ui_form_set(struct ui_form *f, int i, const char *text);
/* Move to field i (to show the first invalid one). */
void ui_form_focus(struct ui_form *f, int i);
/* Re-check the current field from its buffer; 1 when all are valid. */
int ui_form_ready(struct ui_form *f, int *first_bad);

#endif
