/* wizard-live.c - the engine side of the wizard's live mode (see
 * wizard-live.h): context, engine and queue for the spec being edited, and
 * the views the screens show. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bastion.h"
#include "cmd-engine.h"
#include "cmd-run.h"
#include "context.h"
#include "deploy-local.h"
#include "engine.h"
#include "hostkey.h"
#include "i18n.h"
#include "journal.h"
#include "jpath.h"
#include "verify.h"
#include "wizard-live.h"

struct wizard_live {
	struct ew_options *opts;  /* borrowed; its region follows the spec */
	struct ew_context *ctx;   /* owned */
	char *state_dir;          /* owned */
	double delay_scale;
	struct engine *engine;    /* owned, NULL before a bind */
	struct queue *queue;      /* owned, NULL before a bind */
	char *bound_spec;         /* owned: the spec's JSON at the last bind */
	struct bastion_config bastion; /* borrows opts and ctx; the engine keeps a pointer */
	char trusted_fp[HOSTKEY_FP_SIZE]; /* the user's answer to an unverified key, or "" */
};

static int call_many(void *ctx, struct aws_call_spec *calls, int n)
{
	return aws_call_many(ctx, calls, n);
}

int wizard_live_open(struct ew_options *opts, const char *default_region,
		     struct wizard_live **out, struct aws_error *err)
{
	struct wizard_live *l = calloc(1, sizeof *l);

	*out = NULL;
	if (!l) {
		aws_error_set(err, AWS_ERR_NOMEM, "", "out of memory");
		return -1;
	}
	/* The region is rewritten when the user picks another one, as deploy
	 * does from its spec. */
	l->opts = opts;
	l->delay_scale = cmd_delay_scale();
	l->state_dir = cmd_state_dir(opts);
	if (!l->state_dir) {
		aws_error_set(err, AWS_ERR_CONFIG, "StateDir", "no state directory: give --state-dir");
		goto fail;
	}
	if (context_open(opts, true, &l->ctx, err) < 0) {
		/* Nothing configured names a region: the spec's will do. */
		if (opts->region || !default_region || strcmp(err->code, "NoRegion") != 0)
			goto fail;
		opts->region = strdup(default_region);
		aws_error_clear(err);
		if (!opts->region || context_open(opts, true, &l->ctx, err) < 0)
			goto fail;
	}
	*out = l;
	return 0;
fail:
	wizard_live_free(l);
	return -1;
}

static void unbind(struct wizard_live *l)
{
	queue_free(l->queue);
	engine_free(l->engine);
	free(l->bound_spec);
	l->queue = NULL;
	l->engine = NULL;
	l->bound_spec = NULL;
}

void wizard_live_free(struct wizard_live *l)
{
	if (!l)
		return;
	unbind(l);
	context_free(l->ctx);
	free(l->state_dir);
	free(l);
}

/* The client signs for one region: a spec in another needs a new one. */
static int follow_region(struct wizard_live *l, const char *region, struct aws_error *err)
{
	char *copy;

	if (!region || (l->ctx && l->ctx->region && !strcmp(l->ctx->region, region)))
		return 0;
	copy = strdup(region);
	if (!copy) {
		aws_error_set(err, AWS_ERR_NOMEM, "", "out of memory");
		return -1;
	}
	free(l->opts->region);
	l->opts->region = copy;
	context_free(l->ctx);
	l->ctx = NULL;
	return context_open(l->opts, true, &l->ctx, err);
}

int wizard_live_bind(struct wizard_live *l, const struct spec *spec, struct aws_error *err)
{
	struct engine_options eo = { 0 };
	cJSON *json = spec_to_json(spec);
	char *text = json ? cJSON_PrintUnformatted(json) : NULL;

	cJSON_Delete(json);
	if (!text) {
		aws_error_set(err, AWS_ERR_NOMEM, "", "out of memory");
		return -1;
	}
	if (l->engine && l->bound_spec && !strcmp(text, l->bound_spec)) {
		free(text);
		return 0;
	}
	unbind(l);
	if (follow_region(l, spec->region, err) < 0)
		goto fail;
	eo.state_dir = l->state_dir;
	eo.delay_scale = l->delay_scale;
	if (engine_new(l->ctx->client, spec, &eo, &l->engine, err) < 0)
		goto fail;
	l->engine->call_many = call_many;
	l->engine->call_ctx = l->ctx->client;
	/* The same local work as `deploy`: the image push, the license over
	 * the bastion and the live checks (QCMD_VERIFY), or neither of the
	 * last two with --no-bastion. */
	if (deploy_register_locals(l->engine, l->ctx->client) < 0) {
		aws_error_set(err, AWS_ERR_NOMEM, "", "out of memory");
		goto fail;
	}
	cmd_bastion_config(l->opts, l->ctx, &l->bastion);
	if (l->trusted_fp[0])
		l->bastion.pinned_fp = l->trusted_fp;
	if (l->opts->no_bastion) {
		if (engine_register_local(l->engine, "license", NULL,
					  (void *)_("--no-bastion: not copied")) < 0) {
			aws_error_set(err, AWS_ERR_NOMEM, "", "out of memory");
			goto fail;
		}
	} else {
		if (bastion_register_license(l->engine, &l->bastion) < 0) {
			aws_error_set(err, AWS_ERR_NOMEM, "", "out of memory");
			goto fail;
		}
		verify_register(l->engine, &l->bastion);
	}
	if (queue_start(l->engine, &l->queue, err) < 0)
		goto fail;
	l->bound_spec = text;
	return 0;
fail:
	free(text);
	unbind(l);
	return -1;
}

const char *wizard_live_region(const struct wizard_live *l)
{
	return l && l->ctx ? l->ctx->region : NULL;
}

struct queue *wizard_live_queue(const struct wizard_live *l)
{
	return l ? l->queue : NULL;
}

int wizard_live_trust_host_key(struct wizard_live *l, const char *fp)
{
	if (!l || !fp || !hostkey_fp_valid(fp))
		return -1;
	/* The worker reads it only while a command runs, and the queue's
	 * lock orders this write before the next command. */
	snprintf(l->trusted_fp, sizeof l->trusted_fp, "%s", fp);
	l->bastion.pinned_fp = l->trusted_fp;
	return 0;
}

int wizard_journal_exists(const struct ew_options *opts, const char *name)
{
	char *dir = cmd_state_dir(opts);
	int rc = dir && name ? journal_exists(dir, name) == 1 : 0;

	free(dir);
	return rc;
}

/* ---- views ---- */

static enum wizard_res_state state_of(const struct engine *e, const char *key)
{
	switch (journal_state_of(e->journal, key)) {
	case JOURNAL_CREATED:
	case JOURNAL_ADOPTED:
		/* Created but never seen ready (a NAT gateway still pending
		 * when the run stopped): the next run waits for it. */
		return engine_action_done(e, key) ? WIZ_RES_DONE : WIZ_RES_FAILED;
	case JOURNAL_SKIPPED:
		return WIZ_RES_SKIPPED;
	case JOURNAL_INTENT:
	case JOURNAL_FAILED:
		return WIZ_RES_FAILED;
	default:
		return WIZ_RES_NONE;
	}
}

enum wizard_res_state wizard_live_state(const struct wizard_live *l, const char *key,
					char **id)
{
	const char *v;

	*id = NULL;
	if (!l || !l->engine)
		return WIZ_RES_NONE;
	v = journal_id_of(l->engine->journal, key);
	*id = v ? strdup(v) : NULL;
	return state_of(l->engine, key);
}

static const char *state_word(enum journal_state s, int ready)
{
	switch (s) {
	case JOURNAL_NONE: return _("not done");
	case JOURNAL_INTENT: return _("unfinished");
	case JOURNAL_CREATED: return ready ? _("created") : _("not ready");
	case JOURNAL_ADOPTED: return _("existing");
	case JOURNAL_SKIPPED: return _("skipped");
	case JOURNAL_FAILED: return _("FAILED");
	case JOURNAL_DELETED: return _("deleted");
	}
	return "";
}

static int add_endpoint(struct wizard_summary *s, const char *label, const char *value)
{
	struct wizard_endpoint *n = realloc(s->endpoints, (size_t)(s->endpoint_count + 1) * sizeof *n);

	if (!n)
		return -1;
	s->endpoints = n;
	n[s->endpoint_count].label = strdup(label);
	n[s->endpoint_count].value = strdup(value);
	if (!n[s->endpoint_count].label || !n[s->endpoint_count].value) {
		free(n[s->endpoint_count].label);
		free(n[s->endpoint_count].value);
		return -1;
	}
	s->endpoint_count++;
	return 0;
}

int wizard_endpoints_from_journal(const void *journal_doc, struct wizard_summary *out)
{
	/* The outputs the steps keep, by the name the journal stores them
	 * under, and what they mean to a person. */
	static const struct {
		const char *output;
		const char *label;
	} known[] = {
		{ "DNSName", N_("Load balancer address (HTTP, port 80)") },
		{ "repositoryUri", N_("Image repository") },
		{ "PublicIp", N_("NAT gateway public address") },
		{ "key_file", N_("SSH private key file") },
	};
	const cJSON *res = cJSON_GetObjectItemCaseSensitive(journal_doc, "resources");
	const cJSON *r;

	for (size_t k = 0; k < sizeof known / sizeof known[0]; k++)
		cJSON_ArrayForEach(r, res) {
			const cJSON *o = cJSON_GetObjectItemCaseSensitive(r, "outputs");
			const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, known[k].output);

			if (cJSON_IsString(v) && v->valuestring[0] &&
			    add_endpoint(out, _(known[k].label), v->valuestring) < 0)
				return -1;
		}
	return 0;
}

int wizard_live_summary(const struct wizard_live *l, struct wizard_summary *out)
{
	const struct engine *e = l ? l->engine : NULL;
	cJSON *doc = NULL;
	int rc = -1;

	memset(out, 0, sizeof *out);
	if (!e)
		return -1;
	out->rows = calloc((size_t)e->plan->count + 1, sizeof *out->rows);
	out->journal_path = strdup(journal_path(e->journal));
	if (!out->rows || !out->journal_path)
		goto out;
	for (int i = 0; i < e->plan->count; i++) {
		const struct plan_action *a = &e->plan->actions[i];
		struct wizard_summary_row *row = &out->rows[out->row_count];
		enum journal_state s = journal_state_of(e->journal, a->key);
		const char *id = journal_id_of(e->journal, a->key);

		if (a->role == PLAN_LOOKUP)
			continue;
		row->section = a->section;
		row->key = strdup(a->key);
		row->kind = strdup(a->kind);
		row->name = strdup(a->name ? a->name : "");
		row->state = strdup(state_word(s, !a->wait || journal_is_ready(e->journal, a->key)));
		row->id = id ? strdup(id) : NULL;
		row->complete = state_of(e, a->key) == WIZ_RES_DONE || s == JOURNAL_SKIPPED;
		out->row_count++;
		if (!row->key || !row->kind || !row->name || !row->state || (id && !row->id))
			goto out;
	}
	doc = journal_snapshot(e->journal);
	if (!doc || wizard_endpoints_from_journal(doc, out) < 0)
		goto out;
	rc = 0;
out:
	cJSON_Delete(doc);
	if (rc < 0)
		wizard_summary_free(out);
	return rc;
}

void wizard_summary_free(struct wizard_summary *s)
{
	for (int i = 0; i < s->row_count; i++) {
		free(s->rows[i].key);
		free(s->rows[i].kind);
		free(s->rows[i].name);
		free(s->rows[i].state);
		free(s->rows[i].id);
	}
	for (int i = 0; i < s->endpoint_count; i++) {
		free(s->endpoints[i].label);
		free(s->endpoints[i].value);
	}
	free(s->rows);
	free(s->endpoints);
	free(s->journal_path);
	memset(s, 0, sizeof *s);
}

void wizard_failure_view(const struct aws_error *err, struct wizard_failure *out)
{
	const char *kind = "";

	memset(out, 0, sizeof *out);
	snprintf(out->code, sizeof out->code, "%s", err->code);
	snprintf(out->message, sizeof out->message, "%s", err->message);
	snprintf(out->request_id, sizeof out->request_id, "%s", err->request_id);
	snprintf(out->where, sizeof out->where, "%s", err->where);
	out->cancelled = err->kind == AWS_ERR_CANCELLED;
	out->not_available = !strcmp(err->code, "NotImplemented");
	if (!strcmp(err->code, "HostKeyUnverified") && hostkey_fp_valid(err->subject))
		snprintf(out->host_key, sizeof out->host_key, "%s", err->subject);
	switch (err->kind) {
	case AWS_ERR_NONE: kind = ""; break;
	case AWS_ERR_SERVICE: kind = _("AWS refused the request"); break;
	case AWS_ERR_NETWORK: kind = _("AWS could not be reached"); break;
	case AWS_ERR_TIMEOUT: kind = _("AWS did not answer in time"); break;
	case AWS_ERR_PARSE: kind = _("AWS's answer could not be understood"); break;
	case AWS_ERR_INPUT: kind = _("A value the step needs is missing or wrong"); break;
	case AWS_ERR_CREDENTIALS: kind = _("The credentials were not accepted"); break;
	case AWS_ERR_CONFIG: kind = _("A configuration or local file is wrong"); break;
	case AWS_ERR_NOMEM: kind = _("Out of memory"); break;
	case AWS_ERR_CANCELLED: kind = _("Cancelled"); break;
	case AWS_ERR_INTERNAL: kind = _("Internal error"); break;
	}
	snprintf(out->kind, sizeof out->kind, "%s", kind);
}
