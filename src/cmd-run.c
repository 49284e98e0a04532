/* cmd-run.c - the queue's events as progress lines (see cmd-run.h). */
#include "config.h"

#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "cmd-run.h"
#include "i18n.h"
#include "interrupt.h"

static void print_event(const struct engine *e, const struct queue_event *ev)
{
	const struct plan_action *a = ev->key ? plan_find(e->plan, ev->key) : NULL;
	int section = a ? a->section
			: !ev->key ? 0
			: strcmp(ev->key, "check-api-gateway") == 0 ? 18
			: strncmp(ev->key, "check-", 6) == 0 ? 17 : 0;
	char buf[700];

	switch (ev->type) {
	case QEV_CREATED:
		if (ev->text && strcmp(ev->text, "journal") == 0)
			fprintf(stderr, _("[%2d] %-30s done before %s\n"), section,
				ev->key, ev->id ? ev->id : "");
		else
			fprintf(stderr, _("[%2d] %-30s created %s\n"), section,
				ev->key, ev->id ? ev->id : "");
		break;
	case QEV_ADOPTED:
		fprintf(stderr, _("[%2d] %-30s found existing %s\n"), section,
			ev->key, ev->id ? ev->id : "");
		break;
	case QEV_SKIPPED:
		fprintf(stderr, _("[%2d] %-30s skipped: %s\n"), section, ev->key,
			ev->text ? ev->text : "");
		break;
	case QEV_WAITING:
		fprintf(stderr, _("[%2d] %-30s waiting (%s, %.0f s)\n"), section,
			ev->key, ev->text ? ev->text : "", ev->elapsed);
		break;
	case QEV_PROGRESS:
		if (ev->total > 0)
			fprintf(stderr, _("[%2d] %-30s %ld of %ld layers: %s\n"), section,
				ev->key, ev->done, ev->total, ev->text ? ev->text : "");
		else
			fprintf(stderr, _("[%2d] %-30s %ld layers: %s\n"), section,
				ev->key, ev->done, ev->text ? ev->text : "");
		break;
	case QEV_FAILED:
		fprintf(stderr, _("[%2d] %-30s FAILED: %s\n"), section,
			ev->key ? ev->key : "-", aws_error_format(&ev->err, buf, sizeof buf));
		break;
	case QEV_CHECK:
		if (ev->ok)
			fprintf(stderr, _("[%2d] %-30s ok %s app_version %s\n"), section,
				ev->key, ev->id ? ev->id : "", ev->text ? ev->text : "?");
		else
			fprintf(stderr, _("[%2d] %-30s FAILED %s: %s\n"), section, ev->key,
				ev->id ? ev->id : "", aws_error_format(&ev->err, buf, sizeof buf));
		break;
	default:
		break;
	}
}

enum cmd_run_result cmd_run_queue(struct engine *e, struct queue *q,
				  enum queue_command_type type)
{
	return cmd_run_queue_first(e, q, type, NULL, NULL, 0);
}

enum cmd_run_result cmd_run_queue_first(struct engine *e, struct queue *q,
					enum queue_command_type type,
					struct aws_error *first, char *first_key,
					size_t key_size)
{
	int idle = 0, ok = 0, cancelled = 0, checked = 0;
	char buf[700];

	if (queue_post(q, type, NULL, NULL) < 0) {
		fprintf(stderr, "%s: %s\n", PACKAGE, _("out of memory"));
		return CMD_RUN_FAILED;
	}
	while (!idle) {
		struct pollfd pfd = { queue_event_fd(q), POLLIN, 0 };
		struct queue_event *ev;

		if (ew_interrupted && !cancelled) {
			queue_cancel(q);
			cancelled = 1;
		}
		if (poll(&pfd, 1, 200) <= 0)
			continue;
		for (ev = queue_next_event(q); ev; ev = queue_next_event(q)) {
			if (ev->type == QEV_IDLE) {
				idle = 1;
				ok = ev->ok;
				/* A failure no check or action reported itself. */
				if (!ok && !checked && type == QCMD_VERIFY &&
				    ev->err.kind != AWS_ERR_NONE)
					fprintf(stderr, "%s: %s\n", PACKAGE,
						aws_error_format(&ev->err, buf, sizeof buf));
			} else if (ev->type != QEV_FAILED || ev->key) {
				checked |= ev->type == QEV_CHECK && !ev->ok;
				print_event(e, ev);
			}
			if (first && ev->type == QEV_FAILED && first->kind == AWS_ERR_NONE) {
				*first = ev->err;
				if (first_key && key_size)
					snprintf(first_key, key_size, "%s", ev->key ? ev->key : "");
			}
			queue_event_free(ev);
		}
	}
	return ok ? CMD_RUN_OK : cancelled ? CMD_RUN_CANCELLED : CMD_RUN_FAILED;
}

void cmd_bastion_config(const struct ew_options *opts, const struct ew_context *ctx,
			struct bastion_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->client = ctx->client;
	cfg->connect_to = opts->connect_to;
	cfg->connect_to_count = opts->connect_to_count;
	cfg->pinned_fp = opts->ssh_host_key;
	cfg->accept_new = opts->accept_new_host_key;
	cfg->cancel = &ew_interrupted;
}
