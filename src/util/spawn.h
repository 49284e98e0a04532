/* spawn.h - running a helper program without a shell.
 *
 * The argument vector is passed to execvp as is: no user text is ever
 * interpreted by a shell. Secrets go to the child only through stdin_data
 * (written, then the pipe is closed), never through argv or the
 * environment. stdout is split into lines for progress callbacks and kept
 * (bounded); stderr is kept (bounded) for error messages. */
#ifndef ECSW_SPAWN_H
#define ECSW_SPAWN_H

#include <signal.h>
#include <stddef.h>

#include "aws/error.h"
#include "util/buf.h"

typedef void (*spawn_line_fn)(const char *line, void *ctx);

struct spawn_opts {
	const char *const *argv;  /* argv[0] looked up in PATH; NULL-terminated */
	const void *stdin_data;   /* may be NULL: the child's stdin is /dev/null */
	size_t stdin_len;
	spawn_line_fn on_line;    /* each stdout line, without the newline */
	void *ctx;
	struct buf *out;          /* stdout collected here when non-NULL */
	struct buf *err;          /* stderr collected here when non-NULL */
	const char *const *env_set; /* "NAME=value" added to the child's environment
				       (never secrets); NULL-terminated or NULL */
	int timeout_s;            /* 0: none; past it the child is killed */
	volatile sig_atomic_t *cancel; /* non-zero: kill the child and stop */
};

/* Run the program to completion. Returns 0 when it ran (its exit status in
 * *status, 128+signal when killed by one), -1 when it could not be started,
 * timed out or was cancelled (err says which). */
int spawn_run(const struct spawn_opts *o, int *status, struct aws_error *err);

/* The environment a child gets: ours without the variables that hold
 * secrets (AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_SECURITY_TOKEN),
 * with extra ("NAME=value", NULL-terminated, may be NULL) added over it.
 * A malloc'd NULL-terminated array whose strings are borrowed from
 * environ and extra: free() the array only. NULL when out of memory. */
char **spawn_env(const char *const *extra);

/* 1 when name is an executable found in PATH. */
int spawn_have(const char *name);

#endif
