/* cmd-destroy.c - `ecs-wizard destroy --name N [--yes] [--delete-images]`:
 * remove what the deployment's journal knows, through the backend queue
 * (QCMD_DESTROY, see destroy.h), one progress line per resource on stderr.
 *
 * Exit 0 when everything of ours is gone (also when nothing was left: a
 * second destroy says so); 1 when a step failed (AWS's code, message and
 * request id are shown); 2 for bad input, an unknown deployment, or no
 * --yes without a terminal (what would be removed is listed, nothing is
 * sent); 130 after an interrupt (a re-run resumes). */
#include "config.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cmd-engine.h"
#include "cmd-json.h"
#include "context.h"
#include "destroy.h"
#include "engine.h"
#include "i18n.h"
#include "interrupt.h"
#include "queue.h"

static int client_call_many(void *ctx, struct aws_call_spec *calls, int n)
{
	return aws_call_many(ctx, calls, n);
}

/* The answers the deployment was made with: --spec, else the ones its
 * journal recorded, else the defaults; --name applied. Not validated
 * again: files the spec names (the license) may be gone by now, and
 * teardown reads none of them. NULL after printing why. */
static struct spec *destroy_spec(const struct ew_options *opts, const char *state_dir)
{
	struct spec *s;
	struct spec_problems pr;
	struct journal *j = NULL;
	struct aws_error err;
	char buf[700];

	if (opts->spec_file)
		return cmd_load_spec(opts);
	s = spec_new_defaults();
	if (!s) {
		fprintf(stderr, "%s: %s\n", PACKAGE, _("out of memory"));
		return NULL;
	}
	spec_problems_init(&pr);
	aws_error_clear(&err);
	if (journal_load(state_dir, opts->name, &j, &err) < 0) {
		fprintf(stderr, "%s: %s\n", PACKAGE, aws_error_format(&err, buf, sizeof buf));
		spec_free(s);
		spec_problems_free(&pr);
		return NULL;
	}
	if (journal_meta(j, "spec"))
		spec_load_json(s, journal_meta(j, "spec"), &pr);
	journal_close(j);
	if (!pr.count) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "name", opts->name);
		spec_load_json(s, o, &pr);
		cJSON_Delete(o);
	}
	if (pr.count) {
		for (size_t i = 0; i < pr.count; i++)
			fprintf(stderr, "%s: %s: %s\n", PACKAGE, pr.items[i].key,
				pr.items[i].message);
		spec_free(s);
		s = NULL;
	}
	spec_problems_free(&pr);
	return s;
}

static void print_target(const cJSON *r, const char *kind, const char *verb)
{
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(r, "id");

	fprintf(stderr, "  %-8s %-30s %-24s %s\n", verb, r->string, kind,
		cJSON_IsString(id) ? id->valuestring : _("(looked up by tag or name)"));
}

/* What would go, one line each in the order it would go, then what
 * stays: for the confirmation or the refusal. */
static void list_targets(const struct engine *e)
{
	const cJSON *res = cJSON_GetObjectItemCaseSensitive(journal_doc(e->journal), "resources");
	int n = cJSON_GetArraySize(res), i = 0, max = (n + 1) * 4, count;
	const cJSON **rec = calloc((size_t)n + 1, sizeof *rec);
	const char **kinds = calloc((size_t)n + 1, sizeof *kinds);
	enum destroy_verdict *verdict = calloc((size_t)n + 1, sizeof *verdict);
	struct destroy_step *steps = calloc((size_t)max, sizeof *steps);
	const cJSON *r;

	if (!rec || !kinds || !verdict || !steps)
		goto out;
	cJSON_ArrayForEach(r, res) {
		const struct plan_action *a = plan_find(e->plan, r->string);
		const cJSON *k = cJSON_GetObjectItemCaseSensitive(r, "kind");
		rec[i] = r;
		kinds[i] = cJSON_IsString(k) ? k->valuestring : a ? a->kind : "";
		verdict[i] = destroy_verdict_of(kinds[i], journal_state_of(e->journal, r->string),
						cJSON_IsString(cJSON_GetObjectItemCaseSensitive(r, "id")),
						cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r, "supplied")),
						e->delete_images);
		i++;
	}
	/* Removals in schedule order (one line on each resource's last row). */
	for (int j = 0; j < n; j++)
		if (verdict[j] != DESTROY_REMOVE)
			kinds[j] = NULL;
	count = destroy_schedule(kinds, n, steps, max);
	for (int s = 0; s < count; s++)
		if (steps[s].last)
			print_target(rec[steps[s].item], kinds[steps[s].item], _("remove"));
	cJSON_ArrayForEach(r, res) {
		const struct plan_action *a = plan_find(e->plan, r->string);
		const cJSON *k = cJSON_GetObjectItemCaseSensitive(r, "kind");
		const char *kind = cJSON_IsString(k) ? k->valuestring : a ? a->kind : "";
		if (destroy_verdict_of(kind, journal_state_of(e->journal, r->string), 1,
				       cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r, "supplied")),
				       e->delete_images) == DESTROY_KEEP)
			print_target(r, kind, _("keep"));
	}
out:
	free(rec);
	free(kinds);
	free(verdict);
	free(steps);
}

static int confirm(void)
{
	fprintf(stderr, _("Remove these resources? [y/N] "));
	return cmd_read_yes();
}

static void print_event(const struct engine *e, const struct queue_event *ev)
{
	const struct plan_action *a = ev->key ? plan_find(e->plan, ev->key) : NULL;
	int section = a ? a->section : 0;
	char buf[700];

	switch (ev->type) {
	case QEV_DELETED:
		if (ev->text && strcmp(ev->text, "gone") == 0)
			fprintf(stderr, _("[%2d] %-30s already gone %s\n"), section, ev->key,
				ev->id ? ev->id : "");
		else
			fprintf(stderr, _("[%2d] %-30s deleted %s\n"), section, ev->key,
				ev->id ? ev->id : "");
		break;
	case QEV_SKIPPED:
		if (ev->text && strcmp(ev->text, DESTROY_KEPT_IMAGES) == 0)
			fprintf(stderr, _("[%2d] %-30s kept %s: give --delete-images to remove "
					  "it and its images\n"), section, ev->key,
				ev->id ? ev->id : "");
		else
			fprintf(stderr, _("[%2d] %-30s kept %s: it existed before this "
					  "deployment\n"), section, ev->key, ev->id ? ev->id : "");
		break;
	case QEV_WAITING:
		fprintf(stderr, _("[%2d] %-30s waiting (%s, %.0f s)\n"), section, ev->key,
			ev->text ? ev->text : "", ev->elapsed);
		break;
	case QEV_FAILED:
		if (ev->err.kind == AWS_ERR_CANCELLED) {
			fprintf(stderr, _("[%2d] %-30s interrupted: run destroy again to "
					  "finish\n"), section, ev->key ? ev->key : "-");
			break;
		}
		fprintf(stderr, _("[%2d] %-30s FAILED: %s\n"), section,
			ev->key ? ev->key : "-", aws_error_format(&ev->err, buf, sizeof buf));
		break;
	default:
		break;
	}
}

/* The envelope (cmd-json.h) with {"name", "journal", "deleted": [keys],
 * "gone": [...], "kept": [...]}, and "error"/"failed" (the first failure)
 * when not ok. */
static void print_json(const struct engine *e, const char *name, cJSON *deleted,
		       cJSON *gone, cJSON *kept, int ok, const struct aws_error *first,
		       const char *first_key)
{
	cJSON *o = cmd_json_new("destroy");

	if (!o) {
		cJSON_Delete(deleted);
		cJSON_Delete(gone);
		cJSON_Delete(kept);
		return;
	}
	cJSON_AddStringToObject(o, "name", name);
	cJSON_AddStringToObject(o, "journal", journal_path(e->journal));
	cJSON_AddItemToObject(o, "deleted", deleted);
	cJSON_AddItemToObject(o, "gone", gone);
	cJSON_AddItemToObject(o, "kept", kept);
	if (!ok)
		cmd_json_fail(o, first, first_key && *first_key ? first_key : NULL);
	cmd_json_print(o);
}

static int run_queue(struct engine *e, struct ew_options *opts, const char *name)
{
	struct ew_context *ctx = NULL;
	struct queue *q = NULL;
	struct aws_error err;
	cJSON *deleted = cJSON_CreateArray(), *gone = cJSON_CreateArray();
	cJSON *kept = cJSON_CreateArray();
	int ok = 0, cancelled = 0, rc = EXIT_FAILED;
	struct aws_error first;      /* the first failure, for JSON */
	char first_key[128] = "";
	char buf[700];

	aws_error_clear(&err);
	aws_error_clear(&first);
	if (context_open(opts, true, &ctx, &err) < 0) {
		fprintf(stderr, "%s: %s\n", PACKAGE, aws_error_format(&err, buf, sizeof buf));
		goto out;
	}
	e->client = ctx->client;
	e->call_many = client_call_many;
	e->call_ctx = ctx->client;
	if (queue_start(e, &q, &err) < 0 || queue_post(q, QCMD_DESTROY, NULL, NULL) < 0) {
		fprintf(stderr, "%s: %s\n", PACKAGE, aws_error_format(&err, buf, sizeof buf));
		goto out;
	}
	fprintf(stderr, _("Destroying %s in %s; journal %s\n"), name, opts->region,
		journal_path(e->journal));
	for (int idle = 0; !idle;) {
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
				cancelled |= ev->err.kind == AWS_ERR_CANCELLED;
			} else if (ev->type != QEV_FAILED || ev->key) {
				print_event(e, ev);
			}
			if (ev->type == QEV_DELETED && ev->key)
				cJSON_AddItemToArray(ev->text && strcmp(ev->text, "gone") == 0
							     ? gone : deleted,
						     cJSON_CreateString(ev->key));
			if (ev->type == QEV_FAILED && first.kind == AWS_ERR_NONE) {
				first = ev->err;
				snprintf(first_key, sizeof first_key, "%s", ev->key ? ev->key : "");
			}
			if (ev->type == QEV_SKIPPED && ev->key)
				cJSON_AddItemToArray(kept, cJSON_CreateString(ev->key));
			queue_event_free(ev);
		}
	}
	fprintf(stderr, _("%d deleted, %d already gone, %d kept\n"), e->n_deleted, e->n_gone,
		e->n_kept);
	if (!ok && cancelled)
		fprintf(stderr, _("%s: interrupted; the journal records what was removed: run "
				  "destroy again to finish\n"), PACKAGE);
	if (opts->output_json) {
		if (!ok && first.kind == AWS_ERR_NONE)
			aws_error_set(&first, cancelled ? AWS_ERR_CANCELLED : AWS_ERR_INTERNAL,
				      cancelled ? "Cancelled" : "Failed", "%s",
				      cancelled ? _("cancelled") : _("stopped with errors"));
		print_json(e, name, deleted, gone, kept, ok, &first, first_key);
		deleted = gone = kept = NULL;
	}
	rc = ok ? EXIT_OK : cancelled ? EXIT_INTERRUPTED : EXIT_FAILED;
out:
	queue_free(q);
	e->client = NULL;
	context_free(ctx);
	cJSON_Delete(deleted);
	cJSON_Delete(gone);
	cJSON_Delete(kept);
	return rc;
}

static int destroy_exec(struct ew_options *opts)
{
	struct spec *s = NULL;
	struct engine *e = NULL;
	struct engine_options eo = { 0 };
	struct aws_error err;
	char *state_dir = cmd_state_dir(opts);
	int rc = EXIT_BAD_INPUT, remove, keep;
	char buf[700];

	aws_error_clear(&err);
	if (!state_dir) {
		fprintf(stderr, _("%s: no state directory: give --state-dir\n"), PACKAGE);
		goto out;
	}
	if (!opts->name && !opts->spec_file) {
		fprintf(stderr, _("%s: destroy: give --name NAME (or --spec FILE)\n"), PACKAGE);
		goto out;
	}
	if (!opts->name) {
		s = cmd_load_spec(opts);
		if (!s)
			goto out;
		opts->name = strdup(s->name);
		spec_free(s);
		s = NULL;
		if (!opts->name)
			goto out;
	}
	if (!journal_exists(state_dir, opts->name)) {
		fprintf(stderr, _("%s: destroy: no deployment named %s in %s\n"), PACKAGE,
			opts->name, state_dir);
		goto out;
	}
	s = destroy_spec(opts, state_dir);
	if (!s)
		goto out;
	if (!opts->region) {
		opts->region = strdup(s->region);
		if (!opts->region)
			goto out;
	}
	eo.state_dir = state_dir;
	eo.delay_scale = cmd_delay_scale();
	if (engine_new(NULL, s, &eo, &e, &err) < 0) {
		fprintf(stderr, "%s: %s\n", PACKAGE, aws_error_format(&err, buf, sizeof buf));
		goto out;
	}
	e->delete_images = opts->delete_images;
	destroy_count(e, &remove, &keep);
	if (!remove) {
		fprintf(stderr, _("Nothing to remove: deployment %s has no resources left "
				  "(journal %s)\n"), opts->name, journal_path(e->journal));
		if (keep)
			list_targets(e);
		if (opts->output_json) {
			cJSON *kept = cJSON_CreateArray();
			print_json(e, opts->name, cJSON_CreateArray(), cJSON_CreateArray(), kept, 1,
				   NULL, NULL);
		}
		rc = EXIT_OK;
		goto out;
	}
	if (!opts->yes) {
		fprintf(stderr, _("destroy would remove %d resources of deployment %s (and "
				  "keep %d):\n"), remove, opts->name, keep);
		list_targets(e);
		if (!isatty(STDIN_FILENO)) {
			fprintf(stderr, _("%s: nothing was removed; give --yes to go ahead "
					  "without a terminal\n"), PACKAGE);
			goto out;
		}
		if (!confirm()) {
			fprintf(stderr, _("%s: nothing was removed\n"), PACKAGE);
			goto out;
		}
	}
	rc = run_queue(e, opts, opts->name);
out:
	engine_free(e);
	free(state_dir);
	spec_free(s);
	return rc;
}

const struct cli_command cmd_destroy = {
	.name = "destroy",
	.usage = "--name NAME | --spec FILE [--yes] [--delete-images] [--state-dir DIR] "
		 "[--output json]",
	.summary = N_("remove every resource of a deployment, newest first; resumes "
		      "where a previous run stopped"),
	.max_args = 0,
	.exec = destroy_exec,
};
