/* app.h - the wizard's state and its screens (after htop's panels and
 * dialog's widgets).
 *
 * One struct app holds the deployment being edited (spec, plan, section
 * list, log) and the screen on show. Screens are tables of callbacks; a
 * callback never draws: it changes state and returns flags (UI_HANDLED,
 * UI_REDRAW, UI_BREAK), and app.c redraws when asked. Popups (messages,
 * confirmations, a line of input, a list) are overlays owned by app.c; their
 * answer comes back through screen->answer. */
#ifndef ECSW_UI_APP_H
#define ECSW_UI_APP_H

#include <curses.h>
#include <stdbool.h>

#include "model.h"
#include "options.h"
#include "plan.h"
#include "queue.h"
#include "spec.h"
#include "wizard-live.h"

enum {
	UI_HANDLED = 1 << 0,
	UI_REDRAW = 1 << 1,
	UI_BREAK = 1 << 2, /* leave the main loop */
};

/* Keys reach screens as ints: ASCII and KEY_* codes as curses gives them,
 * other characters (from get_wch) tagged so they cannot be mistaken for a
 * KEY_* code. */
#define UI_WCHAR_TAG 0x40000000
#define UI_IS_WCHAR(ch) (((ch) & UI_WCHAR_TAG) != 0)
#define UI_WCHAR_OF(ch) ((ch) & ~UI_WCHAR_TAG)

/* Colour roles; with NO_COLOR or a monochrome terminal they map to plain
 * attributes (reverse, bold, underline). */
enum ui_role {
	UI_ROLE_BAR = 1,
	UI_ROLE_ERROR,
	UI_ROLE_OK,
	UI_ROLE_FIELD,
	UI_ROLE_SELECT,
	UI_ROLE_DIM,
};

/* What happened to each plan action during this session. */
enum ui_action_state {
	UI_ACT_PENDING = 0,
	UI_ACT_REVIEWED, /* dry run: would be created */
	UI_ACT_RUNNING,
	UI_ACT_DONE,     /* created or adopted */
	UI_ACT_SKIPPED,
	UI_ACT_FAILED,
};

struct app;

struct screen {
	const char *name;
	/* Build the screen's windows and state for the current app state. */
	int (*enter)(struct app *app);
	void (*leave)(struct app *app);
	/* Draw everything (after erase); the only place screens draw. */
	void (*draw)(struct app *app);
	int (*key)(struct app *app, int ch);
	/* A queue event has been logged already; react to it. May be NULL. */
	int (*event)(struct app *app, const struct queue_event *ev);
	/* A popup opened with id was answered: button index (-1: Esc), text for
	 * input popups (borrowed). May be NULL. */
	int (*answer)(struct app *app, int id, int button, const char *text);
	/* The F1 text for this screen, translated. */
	const char *(*help)(struct app *app);
};

extern const struct screen screen_welcome;
extern const struct screen screen_section;
extern const struct screen screen_review;
extern const struct screen screen_progress;
extern const struct screen screen_summary;

struct ui_dialog; /* widgets/dialog.h */

struct app {
	struct ew_options *opts;    /* borrowed */
	struct spec *spec;          /* owned */
	struct plan *plan;          /* owned; rebuilt after a form is accepted */
	struct ui_sections sections;
	struct ui_log log;
	struct wizard_live *live;   /* owned; NULL without credentials */
	struct queue *queue;        /* borrowed from live; NULL until the first post */
	bool dry_run;
	bool busy;                  /* the queue is working on a command */
	/* The command in flight (or last sent), for Retry and for what comes
	 * after it. */
	enum queue_command_type last_cmd;
	char *last_key;             /* owned, may be NULL */
	bool last_ok;               /* the last command's verdict (QEV_IDLE) */
	struct aws_error last_err;  /* its first failure */
	char *last_err_key;         /* owned: the action that failed, may be NULL */
	char *running_key;          /* owned: the action last started */
	char *wait_text;            /* owned: what the last wait is for, or NULL */
	double wait_since;          /* monotonic time the wait began */
	bool verify_posted;         /* the live checks were asked for */
	bool credentials_found;
	char preflight[512];        /* why there are no credentials, translated */
	bool resume_offered;        /* a journal for the name exists */

	/* Per plan action (same index as plan->actions). */
	enum ui_action_state *act_state; /* owned */
	char **act_id;                   /* owned strings: created/adopted ids */
	int act_count;
	int review;                 /* index of the action under review, -1 none */
	bool review_all;            /* the review screen lists the whole plan */
	struct ui_lines checks;     /* live check results for the summary */

	const struct screen *screen;
	const struct screen *pending; /* switch to this at the next turn */
	struct ui_dialog *dialog;   /* owned; the popup on show, or NULL */
	char status[256];           /* one line above the key bar */
	bool status_error;

	int rows, cols;
	bool color;
	bool quit;
	int exit_code;
	void *screen_data;          /* owned by the screen on show */
};

/* Switch screens at the next turn of the loop (callbacks call this). */
void app_switch(struct app *app, const struct screen *s);
/* The attribute for a role, colour or not. */
attr_t app_attr(const struct app *app, enum ui_role role);
/* Set the status line (printf-style, already translated text). */
void app_status(struct app *app, bool error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Rebuild the plan from the spec; keeps per-action states by key. 0 / -1
 * (a message box says why). */
int app_rebuild_plan(struct app *app);
/* The index of the first action of section number, or -1; *count gets how
 * many actions it has. */
int app_section_actions(const struct app *app, int number, int *count);
/* Move on after the current section is finished: next section's form, or
 * the summary after the last. */
void app_section_finished(struct app *app);
/* The action under review is settled (created, adopted, skipped): review
 * the section's next one, or finish the section (screen-review.c). */
int app_review_advance(struct app *app);
/* Post a command to the queue (live mode) and mark the app busy; binds
 * the engine to the spec as it stands first. 0 / -1 (a message says why). */
int app_post(struct app *app, enum queue_command_type type, const char *key,
	     const char *id);
/* Take the journal's view of every action into act_state/act_id (resume). */
int app_load_journal(struct app *app);
/* The index of the action with key, or -1. */
int app_action_index(const struct app *app, const char *key);
/* Recompute section states from their actions' states (live mode). */
void app_refresh_sections(struct app *app);
/* Seconds on a monotonic clock. */
double app_now(void);
/* The last command failed: show AWS's code, message and request id and
 * offer Retry, Skip and Stop (screen-progress.c). When it failed because
 * nothing vouches for the bastion's host key, first show the key's
 * fingerprint and ask whether to trust it (app_ask_host_key). */
void app_show_failure(struct app *app);
/* If the last failure is an unverified bastion host key, show its
 * fingerprint and ask (UI_DLG_HOSTKEY: button 0 trusts it) and return
 * true; false otherwise. */
bool app_ask_host_key(struct app *app);
/* The answer to UI_DLG_HOSTKEY: on "Trust", tell the engine and post the
 * last command again; returns true when it did. */
bool app_trust_host_key(struct app *app, int button);
/* Open the Skip popup for the action under review (screen-review.c). */
void app_open_skip(struct app *app);
/* Draw the title bar, the status line and the key bar. */
void app_draw_frame(struct app *app, const char *keys);
/* Write text at y,x clipped to width columns (multibyte aware). */
void app_put(WINDOW *w, int y, int x, int width, const char *text);
/* Ask to quit: a confirmation (stronger while work runs). */
int app_ask_quit(struct app *app);

/* A popup was answered: the app's own ids, else the screen's answer. */
int app_answer(struct app *app, int id, int button, const char *text);

/* Popup ids shared by the screens (the app's own answers). */
enum { UI_DLG_QUIT = 1000, UI_DLG_HELP, UI_DLG_MESSAGE, UI_DLG_SKIP, UI_DLG_FAILED,
       UI_DLG_HOSTKEY };

#endif
