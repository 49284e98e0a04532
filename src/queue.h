/* queue.h - the backend queue: one worker thread owns all network work.
 *
 * The front end (TUI or headless CLI) posts commands and reads events.
 * Events are announced on a pipe whose read end (queue_event_fd) the front
 * end polls beside its keyboard; it then drains them with
 * queue_next_event(). Nothing here blocks the caller on the network.
 * Cancel is honoured at any point and leaves the journal consistent. */
#ifndef ECSW_QUEUE_H
#define ECSW_QUEUE_H

#include "aws/error.h"

enum queue_command_type {
	QCMD_RUN_ACTION, /* create (or adopt) one plan action, by key */
	QCMD_RUN_ALL,    /* run every remaining action, independent ones in parallel */
	QCMD_SKIP,       /* mark an action skipped; with id: adopt that existing id */
	QCMD_VERIFY,     /* the live checks after section 17 */
	QCMD_DESTROY,    /* tear the deployment down (destroy.h; engine's delete_images) */
	QCMD_STOP,       /* finish or abandon what is in flight, then exit the worker */
};

enum queue_event_type {
	QEV_STARTED,   /* an action began: key */
	QEV_REQUEST,   /* an HTTP attempt: text = "ec2 CreateVpc 200 (req id)" */
	QEV_WAITING,   /* waiting on AWS: key, text = what for, elapsed */
	QEV_PROGRESS,  /* local work progress: key, done/total */
	QEV_CREATED,   /* key, id */
	QEV_ADOPTED,   /* key, id: found an existing one */
	QEV_SKIPPED,   /* key */
	QEV_DELETED,   /* key, id (teardown) */
	QEV_FAILED,    /* key, err */
	QEV_CHECK,     /* a live check result: key, text (app_version), ok */
	QEV_IDLE,      /* the command finished; the worker waits for the next */
	QEV_EXITED,    /* the worker stopped (after QCMD_STOP or cancel) */
};

struct queue_event {
	enum queue_event_type type;
	char *key;     /* owned, may be NULL */
	char *id;      /* owned, may be NULL */
	char *text;    /* owned, may be NULL: never holds secrets */
	double elapsed; /* seconds, for QEV_WAITING */
	long done, total; /* QEV_PROGRESS */
	int ok;        /* QEV_CHECK, QEV_IDLE: 1 when the command succeeded */
	struct aws_error err; /* QEV_FAILED */
};

struct queue;
struct engine; /* what the worker drives: client, plan, journal (engine.h) */

/* Start the worker for engine (borrowed; must outlive the queue). */
int queue_start(struct engine *eng, struct queue **out, struct aws_error *err);
/* Post a command; key/id copied; may be NULL. 0 / -1. */
int queue_post(struct queue *q, enum queue_command_type type, const char *key,
	       const char *id);
/* The fd to poll for readability; events are waiting when it is readable. */
int queue_event_fd(const struct queue *q);
/* The next event, or NULL when none is waiting. Caller frees. */
struct queue_event *queue_next_event(struct queue *q);
void queue_event_free(struct queue_event *ev);
/* Ask the worker to abandon what is in flight (safe from a signal handler's
 * flag or the UI thread). */
void queue_cancel(struct queue *q);
/* Stop the worker and wait for it; frees q. */
void queue_free(struct queue *q);

#endif
