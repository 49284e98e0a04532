/* journal.h - what this deployment has done, so any run can resume or undo.
 *
 * One JSON file per deployment, <state-dir>/<name>.json, mode 0600 in a
 * 0700 directory, rewritten atomically (temp file, fsync, rename) before
 * each create (intent) and after it (id, ARN, outputs). It never holds
 * secrets: callers pass outputs already stripped of them (e.g. a created
 * key pair's private key goes to its own 0600 file; the journal keeps the
 * path). Do not write the file from outside journal.c. */
#ifndef ECSW_JOURNAL_H
#define ECSW_JOURNAL_H

#include <cjson/cJSON.h>

#include "aws/error.h"

enum journal_state {
	JOURNAL_NONE = 0,  /* never attempted */
	JOURNAL_INTENT,    /* about to be created: look it up before retrying */
	JOURNAL_CREATED,   /* exists; id/arn/outputs known */
	JOURNAL_ADOPTED,   /* existed already (found by tag or name); not ours to delete
			      unless tagged with this deployment */
	JOURNAL_SKIPPED,   /* the user left it out or supplied an existing id */
	JOURNAL_FAILED,    /* the last attempt failed for good */
	JOURNAL_DELETED,   /* removed by teardown */
};

struct journal;

/* The default state directory: $XDG_STATE_HOME/ecs-wizard or
 * ~/.local/state/ecs-wizard. Returns a malloc'd string. */
char *journal_default_dir(void);

/* Open (creating when absent) the journal of deployment name in dir.
 * Refuses a directory looser than 0700 or a file looser than 0600 with
 * AWS_ERR_CONFIG naming the path. *out is the caller's (journal_close). */
int journal_open(const char *dir, const char *name, struct journal **out,
		 struct aws_error *err);
/* 1 when a journal for name exists in dir. */
int journal_exists(const char *dir, const char *name);
void journal_close(struct journal *j);
const char *journal_path(const struct journal *j);

/* Record that key is about to be created (kind, name for the record). */
int journal_record_intent(struct journal *j, const char *key, const char *kind,
			  const char *name, struct aws_error *err);
/* Record the created (or adopted) resource: its id, ARN (may be NULL) and
 * the call's output with secrets removed (copied; may be NULL). */
/* adopted for journal_record_created: 0 created by us, 1 found (by tag
 * or name), JOURNAL_BY_USER an existing id the user supplied (recorded as
 * "supplied": teardown keeps it). */
#define JOURNAL_BY_USER 2
int journal_record_created(struct journal *j, const char *key, const char *id,
			   const char *arn, const cJSON *outputs, int adopted,
			   struct aws_error *err);
int journal_record_state(struct journal *j, const char *key,
			 enum journal_state state, struct aws_error *err);
/* Spec and free-form deployment facts (account id, created key file path). */
int journal_set_meta(struct journal *j, const char *field, const cJSON *value,
		     struct aws_error *err);

enum journal_state journal_state_of(const struct journal *j, const char *key);
/* Borrowed views; NULL when unknown. */
const char *journal_id_of(const struct journal *j, const char *key);
const char *journal_arn_of(const struct journal *j, const char *key);
const cJSON *journal_outputs_of(const struct journal *j, const char *key);
const cJSON *journal_meta(const struct journal *j, const char *field);
/* The whole journal document (for status); borrowed. */
const cJSON *journal_doc(const struct journal *j);

const char *journal_state_name(enum journal_state s); /* "created", ... */

/* After a create: the resource has passed its waiter (NAT available,
 * service stable). A resumed run waits again for one that has not. */
int journal_record_ready(struct journal *j, const char *key, struct aws_error *err);
int journal_is_ready(const struct journal *j, const char *key);
/* A deep copy of the document, safe to read from another thread (the TUI)
 * while the worker writes. Caller's (cJSON_Delete). */
cJSON *journal_snapshot(const struct journal *j);
/* A random value made when the journal was created, kept for its life:
 * the seed of this deployment's idempotency tokens. Borrowed. */
const char *journal_token_seed(const struct journal *j);
/* Load a journal for reading only (status): no directory is created and
 * nothing is written. Same permission checks as journal_open. */
int journal_load(const char *dir, const char *name, struct journal **out,
		 struct aws_error *err);

#endif
