/* destroy.h - teardown: remove what a deployment's journal knows, in
 * reverse dependency order, waiting where AWS needs it.
 *
 * Each resource kind has a recipe of one or more rows; a row runs in its
 * phase (all phase-20 rows before any phase-25 row), and within a phase
 * the resources go in reverse creation order. A row is idempotent: an
 * answer saying the resource is not there counts as done, and "still in
 * use" answers (DependencyViolation, ResourceInUse, ...) are retried with
 * backoff. Besides the journal, EC2's tag index names what carries the
 * deployment tag. The journal records each resource as deleted once its last row
 * succeeded, so a killed destroy resumes and a second one is a no-op.
 *
 * Calls and events go through the engine (call_many, on_event); nothing
 * here prints. Used from the queue's worker (QCMD_DESTROY). */
#ifndef ECSW_DESTROY_H
#define ECSW_DESTROY_H

#include "aws/error.h"
#include "journal.h"

struct engine;

/* What teardown does with one journal entry. */
enum destroy_verdict {
	DESTROY_IGNORE, /* nothing to remove (lookup, configure, never made, deleted) */
	DESTROY_REMOVE, /* ours: remove it */
	DESTROY_KEEP,   /* exists but stays (a role we adopted, an id the user supplied,
			   ECR without --delete-images) */
};

/* Pure: the verdict for a resource of kind in state, with or without an
 * id known; supplied: the user typed its id (the journal's "supplied"). */
enum destroy_verdict destroy_verdict_of(const char *kind, enum journal_state state,
					int has_id, int supplied, int delete_images);

/* 1 when teardown knows how to remove resources of kind. */
int destroy_has_recipe(const char *kind);

/* One call of a recipe row on one resource, in the order they run. */
struct destroy_step {
	int item;   /* index into the kinds given to destroy_schedule */
	int phase;  /* the row's phase */
	int row;    /* the row (private to destroy.c) */
	int last;   /* 1 on the resource's last row: record it deleted after */
};

/* Pure: the order in which resources of these kinds (index = creation
 * order) are torn down. Fills out (at most max) and returns the count;
 * kinds without a recipe (or NULL) yield nothing. */
int destroy_schedule(const char *const *kinds, int n, struct destroy_step *out,
		     int max);

/* QEV_SKIPPED texts (codes; the front end words them). */
#define DESTROY_KEPT_IMAGES "kept:images" /* the repository, without --delete-images */
#define DESTROY_KEPT_FOUND "kept:found"   /* existed before this deployment */

/* Remove every resource of e's journal that is ours (see
 * destroy_verdict_of), using e->delete_images, e->call_many, e->on_event,
 * honouring e->cancel between calls. Progress: QEV_STARTED, QEV_WAITING,
 * QEV_DELETED (text "gone" when it was not there), QEV_SKIPPED (kept, text
 * DESTROY_KEPT_*), QEV_FAILED. EC2 resources carrying the deployment tag
 * that the journal does not know (the group's hosts, strays) go too, as
 * items keyed "tagged:<id>". Sets e->n_deleted, n_gone, n_kept. 0 when everything ours
 * is gone; -1 with err set (AWS_ERR_CANCELLED after a cancel). */
int destroy_run(struct engine *e, struct aws_error *err);

/* How many resources a destroy would remove now and keep (for the
 * confirmation and the "nothing to do" case); reads the journal only. */
void destroy_count(struct engine *e, int *remove, int *keep);

#endif
