/* model.h - the wizard's view models: plain C, no ncurses (after ncdu's
 * dir_* / browser split).
 *
 * The screens only draw what these hold and turn keys into calls on them,
 * so everything here is tested without a terminal (tests/check_ui_model.c).
 * Nothing in this file sends anything or knows an AWS wire format: it reads
 * the engine's data (steps, plan actions, queue events) and words it. */
#ifndef ECSW_UI_MODEL_H
#define ECSW_UI_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "plan.h"
#include "queue.h"
#include "step.h"

/* --- The section list (left pane) --- */

enum ui_section_state {
	UI_SEC_TODO = 0,
	UI_SEC_REVIEWING,
	UI_SEC_RUNNING,
	UI_SEC_DONE,
	UI_SEC_SKIPPED,
	UI_SEC_FAILED,
};

struct ui_section {
	const struct step *step; /* borrowed from the steps table */
	enum ui_section_state state;
};

struct ui_sections {
	struct ui_section *items; /* owned, guide order */
	int count;
	int current;              /* index of the section shown on the right */
	bool marketplace;
};

/* Build the list from a NULL-terminated steps table (the engine's steps[] or
 * a test's). Sections left out in Marketplace mode start as skipped. */
int ui_sections_init(struct ui_sections *s, const struct step *const *table,
		     bool marketplace);
void ui_sections_free(struct ui_sections *s);
/* Switch Marketplace mode: its sections become skipped, or to do again. */
void ui_sections_set_marketplace(struct ui_sections *s, bool marketplace);
/* The next section after index from that is not skipped; -1 at the end. */
int ui_sections_next(const struct ui_sections *s, int from);
/* The previous such section; -1 at the start. */
int ui_sections_prev(const struct ui_sections *s, int from);
/* The index of the section with guide number n; -1 when absent. */
int ui_sections_find(const struct ui_sections *s, int number);
/* The state's word, translated ("to do", "done" ...). */
const char *ui_section_state_name(enum ui_section_state st);
/* The one-character mark drawn before a section (' ', '>', '*', '+', '-', '!'). */
char ui_section_state_mark(enum ui_section_state st);

/* --- Form fields and the validation glue --- */

enum ui_field_kind {
	UI_FIELD_TEXT,
	UI_FIELD_INT,
	UI_FIELD_CIDR,
	UI_FIELD_PATH,
	UI_FIELD_LIST,  /* pick one of choices from a menu (region) */
	UI_FIELD_ENUM,  /* toggle through choices (scheme) */
	UI_FIELD_BOOL,  /* yes / no */
	UI_FIELD_TASK,  /* task size: a pair of spec keys task_cpu/task_memory */
};

struct ui_field_def {
	const char *key;   /* spec key ("vpc_cidr"); "task_size" for UI_FIELD_TASK */
	const char *label; /* N_() */
	enum ui_field_kind kind;
	const char *const *choices; /* LIST/ENUM/TASK, NULL-terminated; borrowed */
	const char *note;  /* N_(): shown under the field, may be NULL */
};

/* The definition for a spec key: one of ours, or a plain text field labelled
 * with the key itself for keys this table does not know. Borrowed. */
const struct ui_field_def *ui_field_def_for(const char *key);
/* Keys every deployment has, edited in the first section unless a step
 * lists them itself ("name", "region", "marketplace"). NULL-terminated. */
extern const char *const ui_global_keys[];

/* Task sizes offered: "1024/14336" style choices and their display text. */
extern const char *const ui_task_sizes[];
/* "1 vCPU / 14 GB" for "1024/14336", into out. */
void ui_task_size_label(const char *choice, char *out, size_t size);

/* How a value is checked: spec_check_value()'s signature. */
typedef int (*ui_check_fn)(const char *key, const char *text, char *why,
			   size_t why_size);

/* One field's current value and verdict. */
struct ui_field_value {
	const struct ui_field_def *def; /* borrowed */
	char *text;       /* owned: trimmed value as typed */
	char why[256];    /* translated reason when !valid */
	bool valid;
};

/* Take raw form text (ncurses pads buffers with blanks; they are trimmed),
 * check it with check, and record the verdict. Returns 0 when valid. */
int ui_field_validate(struct ui_field_value *v, const char *raw, ui_check_fn check);
void ui_field_value_free(struct ui_field_value *v);
/* 1 when every value is valid (Next may proceed); *first_bad gets the index
 * of the first invalid one (or -1). */
int ui_fields_ready(const struct ui_field_value *v, int count, int *first_bad);
/* Copy a section's values onto a JSON object of spec keys (numbers for INT
 * and TASK, booleans for BOOL) for spec_load_json. Caller frees. */
cJSON *ui_fields_to_json(const struct ui_field_value *v, int count);
/* The text shown for key in a spec JSON (spec_to_json's object); caller frees. */
char *ui_field_text_from_json(const struct ui_field_def *def, const cJSON *spec);

/* --- Review of one plan action --- */

/* What the review panel shows for an action: kind, name, section, the call,
 * its dependencies, the tags and the exact parameters as pretty JSON.
 * Caller frees; NULL on OOM. */
char *ui_review_text(const struct plan_action *a);
/* One line for the "review all" list: "  2  create  ec2:vpc  ecsdocs-vpc". */
char *ui_review_line(const struct plan_action *a);
/* The role's word, translated. */
const char *ui_role_name(int role);

/* --- Lines of text with a scroll position (review, help, summary) --- */

struct ui_lines {
	char **items; /* owned */
	int count;
	int top;      /* first line shown */
};

/* Split text at newlines (text is copied). */
int ui_lines_set(struct ui_lines *l, const char *text);
/* Word-wrap text to width bytes into l. */
int ui_lines_wrap(struct ui_lines *l, const char *text, int width);
void ui_lines_free(struct ui_lines *l);
/* Add one line at the end (copied). 0 / -1. */
int ui_lines_append(struct ui_lines *l, const char *line);
/* Scroll by delta lines for a view of height rows, clamped. */
void ui_lines_scroll(struct ui_lines *l, int delta, int height);

/* --- The progress log (a ring buffer of lines) --- */

struct ui_log {
	char **lines; /* owned ring of cap entries */
	int cap;
	int start;    /* index of the oldest line */
	int count;
	int scroll;   /* lines up from the newest; 0 follows the tail */
};

int ui_log_init(struct ui_log *log, int cap);
void ui_log_free(struct ui_log *log);
/* Append one line (copied); the oldest is dropped when full. 0 / -1. */
int ui_log_add(struct ui_log *log, const char *line);
int ui_log_addf(struct ui_log *log, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The i-th line, oldest first; borrowed; NULL out of range. */
const char *ui_log_line(const struct ui_log *log, int i);
/* The first line to show in a view of height rows, honouring scroll. */
int ui_log_first_visible(const struct ui_log *log, int height);
void ui_log_scroll(struct ui_log *log, int delta, int height);

/* 1 when a log line reports a failure (drawn as an error). */
int ui_log_line_is_error(const char *line);
/* A queue event worded for the log; caller frees. */
char *ui_event_text(const struct queue_event *ev);

#endif
