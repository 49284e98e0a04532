/* engine.c - the executor (see engine.h).
 *
 * Each started action is a small state machine (find -> create ->
 * find-after -> wait -> done). A round collects the next call of every
 * action that has one due, sends them together through call_many, and
 * feeds each answer back to its machine; then new actions whose
 * dependencies are done are started. Waits are polls scheduled by their
 * waiter's delay, so a NAT gateway's ten-minute wait does not hold up the
 * roles and policies beside it. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "engine.h"
#include "i18n.h"
#include "jpath.h"
#include "waiter.h"

enum phase {
	PH_IDLE,     /* not started */
	PH_FIND,     /* looking for an existing one */
	PH_CREATE,   /* the action's own call */
	PH_POSTFIND, /* finding what the call made (no id in its answer) */
	PH_DELETE,   /* removing ours whose secret was lost, to make it again */
	PH_WAIT,     /* polling its waiter */
	PH_DONE,
	PH_FAILED,
};

struct run {
	enum phase phase;
	int intent;        /* the journal said intent when we started */
	int existed;       /* the create answered "already exists" */
	int relooks;       /* creates whose answer was lost, looked up again */
	char *id;
	cJSON *input;      /* the resolved input of the current call */
	const struct waiter *w;
	int attempts;
	double next_at;
	double wait_started;
};

struct exec {
	struct engine *e;
	struct run *runs;
	int only;          /* run just this action index, or -1 */
	struct aws_error first;
	int failed;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *xstrdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* A filled event, or NULL when nobody listens or memory is short. */
static struct queue_event *event_new(struct engine *e, enum queue_event_type type,
				     const char *key, const char *id, const char *text,
				     int ok, const struct aws_error *err)
{
	struct queue_event *ev;

	if (!e->on_event)
		return NULL;
	ev = calloc(1, sizeof *ev);
	if (!ev)
		return NULL;
	ev->type = type;
	ev->key = xstrdup(key);
	ev->id = xstrdup(id);
	ev->text = xstrdup(text);
	ev->ok = ok;
	if (err)
		ev->err = *err;
	return ev;
}

void engine_post(struct engine *e, enum queue_event_type type, const char *key,
		 const char *id, const char *text, int ok, const struct aws_error *err)
{
	struct queue_event *ev = event_new(e, type, key, id, text, ok, err);

	if (ev)
		e->on_event(e->event_ctx, ev);
}

void engine_post_waiting(struct engine *e, const char *key, const char *id,
			 const char *text, double elapsed)
{
	struct queue_event *ev = event_new(e, QEV_WAITING, key, id, text, 1, NULL);

	if (ev) {
		ev->elapsed = elapsed;
		e->on_event(e->event_ctx, ev);
	}
}

static void post(struct engine *e, enum queue_event_type type, const char *key,
		 const char *id, const char *text, const struct aws_error *err)
{
	engine_post(e, type, key, id, text, type != QEV_FAILED, err);
}

void engine_post_progress(struct engine *e, const char *key, long done,
			  long total, const char *text)
{
	struct queue_event *ev;

	if (!e->on_event || !(ev = calloc(1, sizeof *ev)))
		return;
	ev->type = QEV_PROGRESS;
	ev->key = xstrdup(key);
	ev->text = xstrdup(text);
	ev->done = done;
	ev->total = total;
	ev->ok = 1;
	e->on_event(e->event_ctx, ev);
}

int engine_new(struct aws_client *client, const struct spec *spec,
	       const struct engine_options *opt, struct engine **out,
	       struct aws_error *err)
{
	struct engine *e = calloc(1, sizeof *e);

	*out = NULL;
	if (!e) {
		aws_error_set(err, AWS_ERR_NOMEM, "", _("out of memory"));
		return -1;
	}
	e->client = client;
	e->spec = spec;
	e->max_parallel = opt->max_parallel > 0 ? opt->max_parallel : 8;
	e->delay_scale = opt->delay_scale > 0 ? opt->delay_scale : 1.0;
	e->state_dir = xstrdup(opt->state_dir);
	if (!e->state_dir) {
		aws_error_set(err, AWS_ERR_INPUT, "StateDir", _("no state directory"));
		goto fail;
	}
	if (plan_build(spec, &e->plan, err) < 0)
		goto fail;
	if (journal_open(e->state_dir, spec->name, &e->journal, err) < 0)
		goto fail;
	*out = e;
	return 0;
fail:
	engine_free(e);
	return -1;
}

void engine_free(struct engine *e)
{
	if (!e)
		return;
	plan_free(e->plan);
	journal_close(e->journal);
	for (int i = 0; i < e->local_count; i++)
		free(e->locals[i].operation);
	free(e->state_dir);
	free(e);
}

int engine_register_local(struct engine *e, const char *operation,
			  engine_local_fn fn, void *ctx)
{
	if (e->local_count == ENGINE_MAX_LOCALS)
		return -1;
	e->locals[e->local_count].operation = strdup(operation);
	if (!e->locals[e->local_count].operation)
		return -1;
	e->locals[e->local_count].fn = fn;
	e->locals[e->local_count].ctx = ctx;
	e->local_count++;
	return 0;
}

static int state_done(enum journal_state s)
{
	return s == JOURNAL_CREATED || s == JOURNAL_ADOPTED || s == JOURNAL_SKIPPED;
}

int engine_action_done(const struct engine *e, const char *key)
{
	const struct plan_action *a = plan_find(e->plan, key);
	enum journal_state s = journal_state_of(e->journal, key);

	if (!a || !state_done(s))
		return 0;
	return !a->wait || s == JOURNAL_SKIPPED || journal_is_ready(e->journal, key);
}

/* ---- references ---- */

struct ref_ctx {
	struct engine *e;
	const char *self_id;
};

static cJSON *resolve_ref(void *vctx, const char *key, const char *path)
{
	struct ref_ctx *c = vctx;
	const char *v;

	if (strcmp(key, "self") == 0)
		return c->self_id && strcmp(path, "id") == 0 ? cJSON_CreateString(c->self_id)
							     : NULL;
	if (strcmp(key, "token") == 0) {
		/* Stable for this deployment's life, so a retried call after a
		 * kill is recognised by AWS as the same request. */
		char tok[65];
		snprintf(tok, sizeof tok, "ecsw-%s-%s", journal_token_seed(c->e->journal), path);
		return cJSON_CreateString(tok);
	}
	if (!state_done(journal_state_of(c->e->journal, key)))
		return NULL;
	if (strcmp(path, "id") == 0) {
		v = journal_id_of(c->e->journal, key);
		return v ? cJSON_CreateString(v) : NULL;
	}
	if (strcmp(path, "arn") == 0) {
		v = journal_arn_of(c->e->journal, key);
		if (!v)
			v = journal_id_of(c->e->journal, key);
		return v ? cJSON_CreateString(v) : NULL;
	}
	{
		const cJSON *hit = jpath_get(journal_outputs_of(c->e->journal, key), path);
		return hit ? cJSON_Duplicate(hit, 1) : NULL;
	}
}

static cJSON *resolve(struct engine *e, const cJSON *v, const char *self_id,
		      struct aws_error *err)
{
	struct ref_ctx c = { e, self_id };

	return plan_resolve(v, resolve_ref, &c, err);
}

cJSON *engine_resolve(struct engine *e, const cJSON *v, struct aws_error *err)
{
	return resolve(e, v, NULL, err);
}

/* A path that may itself hold references (a filter on a subnet id). */
static char *resolve_path_text(struct engine *e, const cJSON *obj, const char *field,
			       struct aws_error *err)
{
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(obj, field);
	cJSON *r;
	char *out;

	if (!cJSON_IsString(p))
		return NULL;
	r = resolve(e, p, NULL, err);
	out = r && cJSON_IsString(r) ? strdup(r->valuestring) : NULL;
	cJSON_Delete(r);
	return out;
}

static int code_in(const cJSON *list, const char *code)
{
	const cJSON *c;

	cJSON_ArrayForEach(c, list)
		if (cJSON_IsString(c) && strcmp(c->valuestring, code) == 0)
			return 1;
	return 0;
}

/* ---- recording ---- */

/* Outputs worth keeping: the keep paths, by their last name. */
static cJSON *kept_outputs(const struct plan_action *a, const cJSON *output)
{
	cJSON *kept = cJSON_CreateObject();
	const cJSON *k;

	cJSON_ArrayForEach(k, a->keep) {
		const cJSON *v = jpath_get(output, k->valuestring);
		const char *name = strrchr(k->valuestring, '.');
		if (v)
			cJSON_AddItemToObject(kept, name ? name + 1 : k->valuestring,
					      cJSON_Duplicate(v, 1));
	}
	return kept;
}

/* Write a secret of the output (a created key pair's private key) to its
 * own 0600 file and wipe it from the output. */
static int save_secret(struct engine *e, const struct plan_action *a, cJSON *output,
		       cJSON *kept, struct aws_error *err)
{
	cJSON *s = cJSON_GetObjectItemCaseSensitive(output, a->secret_path);
	char path[4200];
	int fd, rc = -1;
	size_t len, off = 0;

	if (!cJSON_IsString(s)) {
		aws_error_set(err, AWS_ERR_PARSE, "NoSecret", _("%s: the answer has no %s"),
			      a->key, a->secret_path);
		return -1;
	}
	snprintf(path, sizeof path, "%s/%s", e->state_dir, a->secret_file);
	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		aws_error_set(err, AWS_ERR_CONFIG, "SecretFile", "%s: %s", path,
			      strerror(errno));
		goto out;
	}
	len = strlen(s->valuestring);
	while (off < len) {
		ssize_t w = write(fd, s->valuestring + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	if (off != len || fsync(fd) < 0) {
		aws_error_set(err, AWS_ERR_CONFIG, "SecretFile", "%s: %s", path,
			      strerror(errno));
		close(fd);
		goto out;
	}
	close(fd);
	cJSON_AddStringToObject(kept, "key_file", path);
	rc = 0;
out:
	OPENSSL_cleanse(s->valuestring, strlen(s->valuestring));
	return rc;
}

static void fail_run(struct exec *x, int i, const struct aws_error *err)
{
	struct engine *e = x->e;
	const struct plan_action *a = &e->plan->actions[i];
	struct aws_error jerr;

	x->runs[i].phase = PH_FAILED;
	e->n_failed++;
	if (!x->failed) {
		x->first = *err;
		if (!x->first.where[0])
			aws_error_where(&x->first, "%s", a->key);
		x->failed = 1;
	}
	/* A cancelled action stays "intent": the next run looks it up. */
	if (err->kind != AWS_ERR_CANCELLED)
		journal_record_state(e->journal, a->key, JOURNAL_FAILED, &jerr);
	post(e, QEV_FAILED, a->key, NULL, a->operation, err);
}

static void finish(struct exec *x, int i)
{
	x->runs[i].phase = PH_DONE;
}

static void start_wait(struct exec *x, int i)
{
	struct engine *e = x->e;
	const struct plan_action *a = &e->plan->actions[i];
	struct run *r = &x->runs[i];
	struct aws_error err;

	aws_error_clear(&err);
	r->w = waiter_find(cJSON_GetObjectItemCaseSensitive(a->wait, "waiter")->valuestring);
	if (!r->w) {
		aws_error_set(&err, AWS_ERR_INTERNAL, "UnknownWaiter", _("no waiter for %s"), a->key);
		fail_run(x, i, &err);
		return;
	}
	r->phase = PH_WAIT;
	r->attempts = 0;
	r->next_at = 0;
	r->wait_started = now_s();
}

/* Found or created: record it and move on to its wait. */
static void record_resource(struct exec *x, int i, const char *id, const char *arn,
			    cJSON *kept, int adopted)
{
	struct engine *e = x->e;
	const struct plan_action *a = &e->plan->actions[i];
	struct run *r = &x->runs[i];
	struct aws_error err;

	aws_error_clear(&err);
	if (journal_record_created(e->journal, a->key, id, arn, kept, adopted, &err) < 0) {
		fail_run(x, i, &err);
		return;
	}
	free(r->id);
	r->id = xstrdup(id);
	if (adopted)
		e->n_adopted++;
	else
		e->n_created++;
	post(e, adopted ? QEV_ADOPTED : QEV_CREATED, a->key, id, a->name, NULL);
	if (a->wait)
		start_wait(x, i);
	else
		finish(x, i);
}

/* Begin the create call: intent first, then the call in the next round. */
static void begin_create(struct exec *x, int i)
{
	struct engine *e = x->e;
	const struct plan_action *a = &e->plan->actions[i];
	struct run *r = &x->runs[i];
	struct aws_error err;

	aws_error_clear(&err);
	cJSON_Delete(r->input);
	r->input = resolve(e, a->params, NULL, &err);
	if (!r->input) {
		fail_run(x, i, &err);
		return;
	}
	if (a->role != PLAN_LOOKUP &&
	    journal_record_intent(e->journal, a->key, a->kind, a->name, &err) < 0) {
		fail_run(x, i, &err);
		return;
	}
	r->phase = PH_CREATE;
}

static void begin_find(struct exec *x, int i, enum phase phase)
{
	struct engine *e = x->e;
	const struct plan_action *a = &e->plan->actions[i];
	struct run *r = &x->runs[i];
	struct aws_error err;

	aws_error_clear(&err);
	cJSON_Delete(r->input);
	r->input = resolve(e, cJSON_GetObjectItemCaseSensitive(a->find, "params"), NULL, &err);
	if (!r->input) {
		fail_run(x, i, &err);
		return;
	}
	r->phase = phase;
}

static void run_local(struct exec *x, int i)
{
	struct engine *e = x->e;
	const struct plan_action *a = &e->plan->actions[i];
	struct aws_error err;
	cJSON *params;

	aws_error_clear(&err);
	for (int k = 0; k < e->local_count; k++) {
		if (strcmp(e->locals[k].operation, a->operation) != 0)
			continue;
		if (!e->locals[k].fn) {
			/* Left out on purpose this run (ctx says why); nothing
			 * is journaled, so a later run does it. */
			e->n_skipped++;
			post(e, QEV_SKIPPED, a->key, NULL, e->locals[k].ctx, NULL);
			finish(x, i);
			return;
		}
		params = resolve(e, a->params, NULL, &err);
		if (!params || journal_record_intent(e->journal, a->key, a->kind, a->name,
						     &err) < 0 ||
		    e->locals[k].fn(e->locals[k].ctx, e, a, params, &err) < 0) {
			cJSON_Delete(params);
			fail_run(x, i, &err);
			return;
		}
		cJSON_Delete(params);
		record_resource(x, i, NULL, NULL, NULL, 0);
		return;
	}
	/* The module that does this is not part of this build: say so and go
	 * on; nothing is journaled, so a later build does it. */
	e->n_skipped++;
	post(e, QEV_SKIPPED, a->key, NULL, "not available in this build", NULL);
	finish(x, i);
}

/* Start action i: from the journal, a lookup, a find or a create. */
static void start(struct exec *x, int i)
{
	struct engine *e = x->e;
	const struct plan_action *a = &e->plan->actions[i];
	struct run *r = &x->runs[i];
	enum journal_state s = journal_state_of(e->journal, a->key);

	post(e, QEV_STARTED, a->key, NULL, a->name, NULL);
	if (state_done(s)) {
		if (a->wait && s != JOURNAL_SKIPPED && !journal_is_ready(e->journal, a->key)) {
			r->id = xstrdup(journal_id_of(e->journal, a->key));
			start_wait(x, i);
			return;
		}
		e->n_done_before++;
		post(e, s == JOURNAL_SKIPPED ? QEV_SKIPPED
					     : s == JOURNAL_ADOPTED ? QEV_ADOPTED : QEV_CREATED,
		     a->key, journal_id_of(e->journal, a->key), "journal", NULL);
		finish(x, i);
		return;
	}
	r->intent = s == JOURNAL_INTENT || s == JOURNAL_FAILED;
	if (a->role == PLAN_LOCAL)
		run_local(x, i);
	else if (a->find)
		begin_find(x, i, PH_FIND);
	else
		begin_create(x, i);
}

/* ---- answers ---- */

static void on_find(struct exec *x, int i, const cJSON *output,
		    const struct aws_error *cerr)
{
	struct engine *e = x->e;
	const struct plan_action *a = &e->plan->actions[i];
	struct run *r = &x->runs[i];
	struct aws_error err;
	char *id = NULL, *arn = NULL, *idp = NULL, *arnp = NULL;

	aws_error_clear(&err);
	if (cerr) {
		if (cerr->kind == AWS_ERR_SERVICE &&
		    code_in(cJSON_GetObjectItemCaseSensitive(a->find, "absent"), cerr->code) &&
		    r->phase == PH_FIND) {
			begin_create(x, i);
			return;
		}
		fail_run(x, i, cerr);
		return;
	}
	idp = resolve_path_text(e, a->find, "id", &err);
	arnp = resolve_path_text(e, a->find, "arn", &err);
	id = idp ? jpath_text(output, idp) : NULL;
	arn = arnp ? jpath_text(output, arnp) : NULL;
	if (id) {
		cJSON *kept = kept_outputs(a, output);
		/* Found with our intent recorded: ours, made by a run that died
		 * before it could say so. Found without (before the create, or
		 * because the create said it exists): someone else's. */
		int adopted = !r->intent && (r->phase == PH_FIND || r->existed);
		if (a->secret_file && r->phase == PH_FIND) {
			char path[4200];
			snprintf(path, sizeof path, "%s/%s", e->state_dir, a->secret_file);
			if (access(path, R_OK) == 0) {
				cJSON_AddStringToObject(kept, "key_file", path);
			} else if (!adopted && a->lost_secret) {
				cJSON_Delete(kept);
				cJSON_Delete(r->input);
				r->input = resolve(e, cJSON_GetObjectItemCaseSensitive(
							      a->lost_secret, "params"),
						   NULL, &err);
				if (!r->input)
					fail_run(x, i, &err);
				else
					r->phase = PH_DELETE;
				goto out;
			}
		}
		record_resource(x, i, id, arn, kept, adopted);
		cJSON_Delete(kept);
	} else if (r->phase == PH_FIND) {
		begin_create(x, i);
	} else {
		aws_error_set(&err, AWS_ERR_PARSE, "NotFoundAfterCreate",
			      _("%s was created but cannot be found"), a->key);
		fail_run(x, i, &err);
	}
out:
	free(id);
	free(arn);
	free(idp);
	free(arnp);
}

/* How often a create whose answer was lost is looked up and sent again
 * before its error stands. */
#define MAX_RELOOKS 6

static void on_create(struct exec *x, int i, cJSON *output, const struct aws_error *cerr,
		      int maybe_sent, int resent)
{
	struct engine *e = x->e;
	const struct plan_action *a = &e->plan->actions[i];
	struct run *r = &x->runs[i];
	struct aws_error err;
	char *id = NULL, *arn = NULL;
	cJSON *kept = NULL;

	aws_error_clear(&err);
	if (cerr && maybe_sent && a->find && cerr->kind != AWS_ERR_CANCELLED &&
	    r->relooks < MAX_RELOOKS) {
		/* The create may have been done and its answer lost: look for
		 * it (as ours, hence intent) before sending it again. */
		r->relooks++;
		r->intent = 1;
		begin_find(x, i, PH_FIND);
		return;
	}
	if (cerr) {
		if (cerr->kind == AWS_ERR_SERVICE && code_in(a->done_errors, cerr->code)) {
			/* Already there (a rule or route sent by a killed run, a
			 * role another run made since we looked, or this call's
			 * own earlier attempt whose answer was lost: ours). */
			x->runs[i].existed = 1;
			if (resent)
				r->intent = 1;
			if (a->find)
				begin_find(x, i, PH_POSTFIND);
			else
				record_resource(x, i, NULL, NULL, NULL, 0);
			return;
		}
		fail_run(x, i, cerr);
		return;
	}
	if (a->role == PLAN_LOOKUP) {
		if (journal_record_created(e->journal, a->key, NULL, NULL, output, 0, &err) < 0) {
			fail_run(x, i, &err);
			return;
		}
		post(e, QEV_CREATED, a->key, NULL, a->name, NULL);
		finish(x, i);
		return;
	}
	kept = kept_outputs(a, output);
	if (a->secret_path && save_secret(e, a, output, kept, &err) < 0) {
		cJSON_Delete(kept);
		fail_run(x, i, &err);
		return;
	}
	id = a->id_path ? jpath_text(output, a->id_path) : NULL;
	arn = a->arn_path ? jpath_text(output, a->arn_path) : NULL;
	if (!id && a->role == PLAN_CREATE) {
		if (a->find) {
			begin_find(x, i, PH_POSTFIND);
		} else {
			aws_error_set(&err, AWS_ERR_PARSE, "NoId", _("%s: no %s in the answer"),
				      a->key, a->id_path ? a->id_path : "id");
			fail_run(x, i, &err);
		}
	} else {
		record_resource(x, i, id, arn, kept, 0);
	}
	cJSON_Delete(kept);
	free(id);
	free(arn);
}

static void on_wait(struct exec *x, int i, const cJSON *output, const struct aws_error *cerr)
{
	struct engine *e = x->e;
	const struct plan_action *a = &e->plan->actions[i];
	struct run *r = &x->runs[i];
	struct aws_error err;
	char text[160];

	aws_error_clear(&err);
	switch (waiter_judge(r->w, output, cerr)) {
	case WAITER_SUCCESS:
		if (journal_record_ready(e->journal, a->key, &err) < 0) {
			fail_run(x, i, &err);
			return;
		}
		finish(x, i);
		return;
	case WAITER_FAILURE:
		if (cerr) {
			fail_run(x, i, cerr);
		} else {
			aws_error_set(&err, AWS_ERR_SERVICE, "WaiterFailed",
				      _("%s: %s reached a failure state"), a->key, r->w->name);
			fail_run(x, i, &err);
		}
		return;
	case WAITER_RETRY:
		break;
	}
	if (++r->attempts >= r->w->max_attempts) {
		aws_error_set(&err, AWS_ERR_TIMEOUT, "WaiterTimeout",
			      _("%s: %s did not succeed after %d attempts"), a->key,
			      r->w->name, r->attempts);
		fail_run(x, i, &err);
		return;
	}
	r->next_at = now_s() + r->w->delay * e->delay_scale;
	snprintf(text, sizeof text, "%s", r->w->name);
	engine_post_waiting(e, a->key, NULL, text, now_s() - r->wait_started);
}

/* ---- the loop ---- */

/* 1 when every dependency of i is done, -1 when one failed, 0 otherwise. */
static int deps_state(struct exec *x, int i)
{
	const struct plan_action *a = &x->e->plan->actions[i];
	int ready = 1;

	for (int d = 0; d < a->depend_count; d++) {
		const struct plan_action *dep = plan_find(x->e->plan, a->depends[d]);
		int k = (int)(dep - x->e->plan->actions);
		if (x->runs[k].phase == PH_FAILED)
			return -1;
		if (x->runs[k].phase == PH_DONE)
			continue;
		if (x->only >= 0 && engine_action_done(x->e, dep->key))
			continue;
		ready = 0;
	}
	return ready;
}

static int in_flight(const struct run *r)
{
	return r->phase != PH_IDLE && r->phase != PH_DONE && r->phase != PH_FAILED;
}

static int wait_input(struct exec *x, int i, struct aws_error *err)
{
	const struct plan_action *a = &x->e->plan->actions[i];
	struct run *r = &x->runs[i];

	cJSON_Delete(r->input);
	r->input = resolve(x->e, cJSON_GetObjectItemCaseSensitive(a->wait, "params"),
			   r->id, err);
	return r->input ? 0 : -1;
}

int engine_run(struct engine *e, const char *key, struct aws_error *err)
{
	struct exec x = { .e = e, .only = -1 };
	int n = e->plan->count, rc = -1;
	struct aws_call_spec *calls = NULL;
	int *who = NULL;

	aws_error_clear(&x.first);
	/* The answers behind this journal, so that teardown (which may be
	 * given only the name) rebuilds the same plan in the same region. */
	{
		cJSON *sj = spec_to_json(e->spec);
		struct aws_error me;
		if (sj && !cJSON_Compare(sj, journal_meta(e->journal, "spec"), 1) &&
		    journal_set_meta(e->journal, "spec", sj, &me) < 0) {
			*err = me;
			cJSON_Delete(sj);
			return -1;
		}
		cJSON_Delete(sj);
	}
	e->n_created = e->n_adopted = e->n_done_before = e->n_skipped = e->n_failed = 0;
	if (!e->call_many) {
		aws_error_set(err, AWS_ERR_INTERNAL, "NoTransport", _("no way to call AWS"));
		return -1;
	}
	x.runs = calloc((size_t)n, sizeof *x.runs);
	calls = calloc((size_t)n, sizeof *calls);
	who = calloc((size_t)n, sizeof *who);
	if (!x.runs || !calls || !who) {
		aws_error_set(err, AWS_ERR_NOMEM, "", _("out of memory"));
		goto out;
	}
	if (key) {
		const struct plan_action *a = plan_find(e->plan, key);
		if (!a) {
			aws_error_set(err, AWS_ERR_INPUT, "UnknownAction", _("no action %s"), key);
			goto out;
		}
		x.only = (int)(a - e->plan->actions);
		if (deps_state(&x, x.only) != 1) {
			aws_error_set(err, AWS_ERR_INPUT, "NotReady",
				      _("%s needs the actions before it first"), key);
			goto out;
		}
	}
	for (;;) {
		int active = 0, ncalls = 0, pending = 0;
		double soonest = 0, t;

		if (e->cancel) {
			struct aws_error c;
			aws_error_clear(&c);
			aws_error_set(&c, AWS_ERR_CANCELLED, "Cancelled", _("cancelled"));
			for (int i = 0; i < n; i++)
				if (in_flight(&x.runs[i]))
					fail_run(&x, i, &c);
			x.first = c; /* the reason the run stopped */
			x.failed = 1;
			break;
		}
		/* Start what can start. */
		for (int i = 0; i < n; i++)
			if (in_flight(&x.runs[i]))
				active++;
		for (int i = 0; i < n && active < e->max_parallel; i++) {
			int ds;
			if (x.runs[i].phase != PH_IDLE || (x.only >= 0 && i != x.only))
				continue;
			ds = deps_state(&x, i);
			if (ds < 0) {
				struct aws_error d;
				aws_error_clear(&d);
				aws_error_set(&d, AWS_ERR_INPUT, "DependencyFailed",
					      _("%s waits on an action that failed"),
					      e->plan->actions[i].key);
				x.runs[i].phase = PH_FAILED;
				e->n_failed++;
				post(e, QEV_FAILED, e->plan->actions[i].key, NULL,
				     "dependency failed", &d);
				i = -1; /* a failure may block earlier-listed ones too */
				continue;
			}
			if (ds == 0) {
				pending++;
				continue;
			}
			start(&x, i);
			if (in_flight(&x.runs[i]))
				active++;
		}
		/* Collect the calls that are due. */
		t = now_s();
		for (int i = 0; i < n; i++) {
			struct run *r = &x.runs[i];
			const struct plan_action *a = &e->plan->actions[i];
			const cJSON *f = a->find;
			if (!in_flight(r))
				continue;
			if (r->phase == PH_WAIT) {
				struct aws_error we;
				if (r->next_at > t) {
					if (!soonest || r->next_at < soonest)
						soonest = r->next_at;
					continue;
				}
				aws_error_clear(&we);
				if (wait_input(&x, i, &we) < 0) {
					fail_run(&x, i, &we);
					continue;
				}
				calls[ncalls].service = r->w->service;
				calls[ncalls].operation = r->w->operation;
			} else if (r->phase == PH_DELETE) {
				calls[ncalls].service = cJSON_GetObjectItemCaseSensitive(
					a->lost_secret, "service")->valuestring;
				calls[ncalls].operation = cJSON_GetObjectItemCaseSensitive(
					a->lost_secret, "operation")->valuestring;
			} else if (r->phase == PH_FIND || r->phase == PH_POSTFIND) {
				calls[ncalls].service =
					cJSON_GetObjectItemCaseSensitive(f, "service")->valuestring;
				calls[ncalls].operation =
					cJSON_GetObjectItemCaseSensitive(f, "operation")->valuestring;
			} else {
				calls[ncalls].service = a->service;
				calls[ncalls].operation = a->operation;
			}
			calls[ncalls].input = r->input;
			/* A create that find can look up is not re-sent blindly:
			 * on_create looks first when its answer is lost. */
			calls[ncalls].once = r->phase == PH_CREATE && a->find &&
					     a->role == PLAN_CREATE;
			calls[ncalls].output = NULL;
			aws_error_clear(&calls[ncalls].err);
			who[ncalls++] = i;
		}
		if (!ncalls) {
			int any = 0;
			for (int i = 0; i < n; i++)
				any |= in_flight(&x.runs[i]);
			if (!any)
				break; /* nothing runs; pending ones are blocked for good */
			/* Only waits remain: sleep until the first is due, in
			 * slices so a cancel is honoured quickly. */
			while (!e->cancel && now_s() < soonest) {
				double left = soonest - now_s();
				struct timespec ts = { 0, (long)((left < 0.1 ? left : 0.1) * 1e9) };
				nanosleep(&ts, NULL);
			}
			continue;
		}
		e->call_many(e->call_ctx, calls, ncalls);
		for (int c = 0; c < ncalls; c++) {
			int i = who[c];
			struct run *r = &x.runs[i];
			const struct aws_error *ce =
				calls[c].err.kind != AWS_ERR_NONE ? &calls[c].err : NULL;
			char line[256];
			snprintf(line, sizeof line, "%s %s %s%s", calls[c].service,
				 calls[c].operation, ce ? "error " : "ok",
				 ce ? (ce->code[0] ? ce->code : "") : "");
			post(e, QEV_REQUEST, e->plan->actions[i].key, NULL, line, NULL);
			switch (r->phase) {
			case PH_FIND:
			case PH_POSTFIND:
				on_find(&x, i, calls[c].output, ce);
				break;
			case PH_CREATE:
				on_create(&x, i, calls[c].output, ce, calls[c].maybe_sent,
					  calls[c].resent);
				break;
			case PH_WAIT:
				on_wait(&x, i, calls[c].output, ce);
				break;
			case PH_DELETE:
				if (ce)
					fail_run(&x, i, ce);
				else
					begin_create(&x, i);
				break;
			default:
				break;
			}
			cJSON_Delete(calls[c].output);
			calls[c].output = NULL;
		}
		(void)pending;
	}
	if (x.failed) {
		*err = x.first;
		goto out;
	}
	for (int i = 0; i < n; i++)
		if ((x.only < 0 || i == x.only) && x.runs[i].phase != PH_DONE) {
			aws_error_set(err, AWS_ERR_INTERNAL, "NotRun", _("%s did not run"),
				      e->plan->actions[i].key);
			goto out;
		}
	rc = 0;
out:
	for (int i = 0; x.runs && i < n; i++) {
		free(x.runs[i].id);
		cJSON_Delete(x.runs[i].input);
	}
	free(x.runs);
	free(calls);
	free(who);
	return rc;
}

int engine_skip(struct engine *e, const char *key, const char *id,
		struct aws_error *err)
{
	const struct plan_action *a = plan_find(e->plan, key);

	if (!a) {
		aws_error_set(err, AWS_ERR_INPUT, "UnknownAction", _("no action %s"), key);
		return -1;
	}
	if (id) {
		if (journal_record_created(e->journal, key, id, NULL, NULL, JOURNAL_BY_USER,
					   err) < 0)
			return -1;
		if (a->wait && journal_record_ready(e->journal, key, err) < 0)
			return -1;
		post(e, QEV_ADOPTED, key, id, a->name, NULL);
		return 0;
	}
	if (journal_record_state(e->journal, key, JOURNAL_SKIPPED, err) < 0)
		return -1;
	post(e, QEV_SKIPPED, key, NULL, a->name, NULL);
	return 0;
}
