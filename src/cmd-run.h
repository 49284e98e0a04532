/* cmd-run.h - what deploy and verify share: driving the backend queue
 * from the command line, one progress line per event on stderr, and the
 * bastion settings taken from the options. */
#ifndef ECSW_CMD_RUN_H
#define ECSW_CMD_RUN_H

#include "bastion.h"
#include "context.h"
#include "engine.h"
#include "options.h"
#include "queue.h"

enum cmd_run_result {
	CMD_RUN_OK,
	CMD_RUN_FAILED,
	CMD_RUN_CANCELLED,
};

/* Post type to q and print its events until the worker is idle; an
 * interrupt (ew_interrupted) cancels. */
enum cmd_run_result cmd_run_queue(struct engine *e, struct queue *q,
				  enum queue_command_type type);
/* The same, also keeping the first failure reported (first must be
 * cleared by the caller; first_key gets its action's key, may be NULL). */
enum cmd_run_result cmd_run_queue_first(struct engine *e, struct queue *q,
					enum queue_command_type type,
					struct aws_error *first, char *first_key,
					size_t key_size);

/* The same, keeping the first failure reported (err and action key) for
 * a summary; first's kind stays AWS_ERR_NONE when nothing failed. */
enum cmd_run_result cmd_run_queue_first(struct engine *e, struct queue *q,
					enum queue_command_type type,
					struct aws_error *first, char *first_key,
					size_t key_size);

/* The bastion settings from the options and the context's client (all
 * borrowed: opts and ctx must outlive cfg's use). */
void cmd_bastion_config(const struct ew_options *opts, const struct ew_context *ctx,
			struct bastion_config *cfg);

#endif
