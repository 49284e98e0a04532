/* engine.h - the executor: runs a plan's actions against AWS, recording
 * each in the journal, so that any run can resume.
 *
 * For each action in plan order (independent ones side by side, up to
 * max_parallel): resolve its references from the journal; skip it when the
 * journal says it is done; else look for it (find: by tag or name) and
 * adopt it; else record the intent, call, record what was created, and
 * wait as botocore's waiter would. A cancel flag is checked between calls.
 *
 * The engine does no I/O of its own besides the journal and secret files:
 * calls go through call_many (aws_call_many in the product, a fake in the
 * tests) and progress goes out as queue events through on_event. Used
 * from one thread (the queue's worker) at a time. */
#ifndef ECSW_ENGINE_H
#define ECSW_ENGINE_H

#include <signal.h>

#include "aws/client.h"
#include "journal.h"
#include "plan.h"
#include "queue.h"
#include "spec.h"

struct engine;

/* Several calls side by side; fills each output/err; 0 when all succeeded. */
typedef int (*engine_call_many_fn)(void *ctx, struct aws_call_spec *calls, int n);
/* Progress; ev is the callee's (queue_event_free). */
typedef void (*engine_event_fn)(void *ctx, struct queue_event *ev);
/* A PLAN_LOCAL action's work (image push, license copy) done by another
 * module: 0 done, -1 failed (err set). params are resolved. */
typedef int (*engine_local_fn)(void *ctx, struct engine *e,
			       const struct plan_action *a, const cJSON *params,
			       struct aws_error *err);
/* The live checks after section 17 (QCMD_VERIFY), done by another module:
 * 0 when every check passed, -1 with err naming the failed hop. */
typedef int (*engine_verify_fn)(void *ctx, struct engine *e, struct aws_error *err);

struct engine_options {
	const char *state_dir;  /* journal and key files; required */
	int max_parallel;       /* 0: 8 */
	double delay_scale;     /* waiter delays are multiplied by it; 0: 1 */
};

#define ENGINE_MAX_LOCALS 8

struct engine {
	struct aws_client *client;     /* borrowed, may be NULL */
	const struct spec *spec;       /* borrowed */
	struct plan *plan;             /* owned */
	struct journal *journal;       /* owned */
	char *state_dir;               /* owned */
	int max_parallel;
	double delay_scale;
	engine_call_many_fn call_many; /* how calls are made (set by the caller) */
	void *call_ctx;
	engine_event_fn on_event;      /* where progress goes (the queue) */
	void *event_ctx;
	volatile sig_atomic_t cancel;  /* set to stop between calls */
	struct {
		char *operation;       /* "image-push", "license" */
		engine_local_fn fn;
		void *ctx;
	} locals[ENGINE_MAX_LOCALS];
	int local_count;
	engine_verify_fn verify;       /* NULL: no checks in this build */
	void *verify_ctx;
	/* Counts from the last run, for summaries. */
	int n_created, n_adopted, n_done_before, n_skipped, n_failed;
	/* Teardown (destroy.c): remove the ECR repository and its images too;
	 * what the last destroy removed, found gone already, and kept. */
	int delete_images;
	int n_deleted, n_gone, n_kept;
};

/* Build the plan for spec and open its journal in opt->state_dir.
 * *out is the caller's (engine_free). */
int engine_new(struct aws_client *client, const struct spec *spec,
	       const struct engine_options *opt, struct engine **out,
	       struct aws_error *err);
void engine_free(struct engine *e);

/* Let another module do a PLAN_LOCAL operation ("image-push", "license").
 * fn NULL: skip the operation this run, with ctx (a const char *, kept)
 * as the reason shown; nothing is journaled. */
int engine_register_local(struct engine *e, const char *operation,
			  engine_local_fn fn, void *ctx);

/* Hand a progress event to on_event (the queue); key, id, text copied,
 * any may be NULL. ok: QEV_CHECK's verdict. For the modules doing local
 * work and checks. */
void engine_post(struct engine *e, enum queue_event_type type, const char *key,
		 const char *id, const char *text, int ok, const struct aws_error *err);
/* A QEV_WAITING event: text says what for, elapsed how long so far. */
void engine_post_waiting(struct engine *e, const char *key, const char *id,
			 const char *text, double elapsed);

/* Run every remaining action (key NULL) or one action whose dependencies
 * are done. 0 when everything ran; -1 with err set to the first failure
 * (AWS_ERR_CANCELLED after a cancel). */
int engine_run(struct engine *e, const char *key, struct aws_error *err);
/* Report progress of a local action's work (layers pushed, ...) as a
 * QEV_PROGRESS event; text is copied and must hold no secret. */
void engine_post_progress(struct engine *e, const char *key, long done,
			  long total, const char *text);
/* Mark an action skipped, or adopted as id when id is given. */
int engine_skip(struct engine *e, const char *key, const char *id,
		struct aws_error *err);
/* 1 when the journal says key is finished (created/adopted/skipped and,
 * when it has a waiter, ready). */
int engine_action_done(const struct engine *e, const char *key);
/* A resolved deep copy of v (references from the journal, as the run
 * resolves them); NULL with err set when one cannot be. Caller's. */
cJSON *engine_resolve(struct engine *e, const cJSON *v, struct aws_error *err);

#endif
