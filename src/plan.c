/* plan.c - building, reading and printing plans; run-time references.
 *
 * plan_build() asks each step of src/steps/ for its actions, then derives
 * every action's dependencies from the references in its params (and in
 * its find/wait calls) and checks that each names an earlier action, so a
 * typo in a step file fails every plan test rather than a deployment. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "i18n.h"
#include "jpath.h"
#include "plan-build.h"
#include "step.h"
#include "util/buf.h"

static char *dup_or_null(struct plan *p, const char *s)
{
	char *d;

	if (!s)
		return NULL;
	d = strdup(s);
	if (!d)
		p->oom = 1;
	return d;
}

struct plan_action *plan_add(struct plan *p, int section, int role,
			     const char *key, const char *kind, const char *name,
			     const char *service, const char *operation,
			     cJSON *params)
{
	struct plan_action *a;

	if (p->count == p->alloc) {
		int n = p->alloc ? p->alloc * 2 : 64;
		struct plan_action *grown = realloc(p->actions, (size_t)n * sizeof *grown);
		if (!grown) {
			p->oom = 1;
			cJSON_Delete(params);
			return NULL;
		}
		p->actions = grown;
		p->alloc = n;
	}
	a = &p->actions[p->count++];
	memset(a, 0, sizeof *a);
	a->section = section;
	a->role = role;
	a->key = dup_or_null(p, key);
	a->kind = dup_or_null(p, kind ? kind : "");
	a->name = dup_or_null(p, name ? name : "");
	a->service = dup_or_null(p, service ? service : "");
	a->operation = dup_or_null(p, operation ? operation : "");
	a->params = params ? params : cJSON_CreateObject();
	if (!a->params)
		p->oom = 1;
	return a;
}

void plan_depends(struct plan *p, struct plan_action *a, const char *key)
{
	char **d;

	if (!a)
		return;
	for (int i = 0; i < a->depend_count; i++)
		if (strcmp(a->depends[i], key) == 0)
			return;
	d = realloc(a->depends, (size_t)(a->depend_count + 1) * sizeof *d);
	if (!d) {
		p->oom = 1;
		return;
	}
	a->depends = d;
	d[a->depend_count] = dup_or_null(p, key);
	if (d[a->depend_count])
		a->depend_count++;
}

void plan_set_id(struct plan *p, struct plan_action *a, const char *id_path,
		 const char *arn_path)
{
	if (!a)
		return;
	free(a->id_path);
	free(a->arn_path);
	a->id_path = dup_or_null(p, id_path);
	a->arn_path = dup_or_null(p, arn_path);
}

static cJSON *csv_array(struct plan *p, const char *csv)
{
	cJSON *arr = cJSON_CreateArray();
	const char *s = csv;

	if (!arr) {
		p->oom = 1;
		return NULL;
	}
	while (s && *s) {
		const char *e = strchr(s, ',');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		char *item = strndup(s, n);
		cJSON *v = item ? cJSON_CreateString(item) : NULL;
		free(item);
		if (!v || !cJSON_AddItemToArray(arr, v)) {
			cJSON_Delete(v);
			p->oom = 1;
			break;
		}
		s = e ? e + 1 : NULL;
	}
	return arr;
}

void plan_set_find(struct plan *p, struct plan_action *a, const char *service,
		   const char *operation, cJSON *params, const char *id_path,
		   const char *arn_path, const char *absent)
{
	cJSON *f;

	if (!a) {
		cJSON_Delete(params);
		return;
	}
	f = cJSON_CreateObject();
	if (!f || !cJSON_AddStringToObject(f, "service", service) ||
	    !cJSON_AddStringToObject(f, "operation", operation) ||
	    !cJSON_AddItemToObject(f, "params", params ? params : cJSON_CreateObject()) ||
	    !cJSON_AddStringToObject(f, "id", id_path) ||
	    (arn_path && !cJSON_AddStringToObject(f, "arn", arn_path)) ||
	    !cJSON_AddItemToObject(f, "absent", csv_array(p, absent))) {
		p->oom = 1;
		cJSON_Delete(f);
		return;
	}
	cJSON_Delete(a->find);
	a->find = f;
}

void plan_set_wait(struct plan *p, struct plan_action *a, const char *waiter,
		   cJSON *params)
{
	cJSON *w;

	if (!a) {
		cJSON_Delete(params);
		return;
	}
	w = cJSON_CreateObject();
	if (!w || !cJSON_AddStringToObject(w, "waiter", waiter) ||
	    !cJSON_AddItemToObject(w, "params", params ? params : cJSON_CreateObject())) {
		p->oom = 1;
		cJSON_Delete(w);
		return;
	}
	cJSON_Delete(a->wait);
	a->wait = w;
}

void plan_set_done_errors(struct plan *p, struct plan_action *a, const char *codes)
{
	if (!a)
		return;
	cJSON_Delete(a->done_errors);
	a->done_errors = csv_array(p, codes);
}

void plan_set_keep(struct plan *p, struct plan_action *a, const char *paths)
{
	if (!a)
		return;
	cJSON_Delete(a->keep);
	a->keep = csv_array(p, paths);
}

void plan_set_secret(struct plan *p, struct plan_action *a, const char *path,
		     const char *file)
{
	if (!a)
		return;
	free(a->secret_path);
	free(a->secret_file);
	a->secret_path = dup_or_null(p, path);
	a->secret_file = dup_or_null(p, file);
}

void plan_set_lost_secret(struct plan *p, struct plan_action *a, const char *service,
			  const char *operation, cJSON *params)
{
	cJSON *c;

	if (!a) {
		cJSON_Delete(params);
		return;
	}
	c = cJSON_CreateObject();
	if (!c || !cJSON_AddStringToObject(c, "service", service) ||
	    !cJSON_AddStringToObject(c, "operation", operation) ||
	    !cJSON_AddItemToObject(c, "params", params ? params : cJSON_CreateObject())) {
		p->oom = 1;
		cJSON_Delete(c);
		return;
	}
	cJSON_Delete(a->lost_secret);
	a->lost_secret = c;
}

cJSON *pj(struct plan *p, const char *fmt, ...)
{
	struct buf b;
	va_list ap;
	cJSON *out = NULL;
	int bad = 0;

	buf_init(&b, 0);
	va_start(ap, fmt);
	for (const char *f = fmt; *f && !bad; f++) {
		if (*f == '\'') {
			bad |= buf_append_char(&b, '"');
			continue;
		}
		if (*f != '%') {
			bad |= buf_append_char(&b, *f);
			continue;
		}
		f++;
		switch (*f) {
		case 's': {
			const char *s = va_arg(ap, const char *);
			cJSON *str = cJSON_CreateString(s ? s : "");
			char *txt = str ? cJSON_PrintUnformatted(str) : NULL;
			bad |= !txt || buf_append_str(&b, txt);
			free(txt);
			cJSON_Delete(str);
			break;
		}
		case 'S':
			bad |= buf_append_str(&b, va_arg(ap, const char *));
			break;
		case 'd':
			bad |= buf_printf(&b, "%d", va_arg(ap, int));
			break;
		case 'b':
			bad |= buf_append_str(&b, va_arg(ap, int) ? "true" : "false");
			break;
		case 'j': {
			cJSON *v = va_arg(ap, cJSON *);
			char *txt = v ? cJSON_PrintUnformatted(v) : NULL;
			bad |= !txt || buf_append_str(&b, txt);
			free(txt);
			cJSON_Delete(v);
			break;
		}
		case '%':
			bad |= buf_append_char(&b, '%');
			break;
		default:
			bad = 1;
		}
	}
	va_end(ap);
	if (!bad)
		out = cJSON_Parse(buf_str(&b));
	if (!out) {
		/* A malformed template is a bug in a step file: plan_build()
		 * reports it and the plan tests build every step. */
		fprintf(stderr, "pj: bad template: %s\n", fmt);
		p->oom = 1;
	}
	buf_free(&b);
	return out;
}

cJSON *plan_ec2_tags(struct plan *p, const struct spec *s,
		     const char *resource_type, const char *name)
{
	return pj(p, "[{'ResourceType': %s, 'Tags': %j}]", resource_type,
		  plan_kv_tags(p, s, name, "Key", "Value"));
}

cJSON *plan_kv_tags(struct plan *p, const struct spec *s, const char *name,
		    const char *k, const char *v)
{
	return pj(p, "[{'%S': %s, '%S': %s}, {'%S': 'Name', '%S': %s}]", k,
		  PLAN_DEPLOYMENT_TAG, v, s->name, k, v, name);
}

cJSON *plan_map_tags(struct plan *p, const struct spec *s, const char *name)
{
	return pj(p, "{%s: %s, 'Name': %s}", PLAN_DEPLOYMENT_TAG, s->name, name);
}

cJSON *plan_ec2_tag_filters(struct plan *p, const struct spec *s, const char *name)
{
	return pj(p, "[{'Name': 'tag:%S', 'Values': [%s]}, "
		  "{'Name': 'tag:Name', 'Values': [%s]}]",
		  PLAN_DEPLOYMENT_TAG, s->name, name);
}

void plan_add_security_group(struct plan *p, const struct spec *s, int section,
			     const char *key, const char *suffix, const char *description)
{
	char name[160];
	struct plan_action *a;

	plan_name(name, sizeof name, s, suffix);
	a = plan_add(p, section, PLAN_CREATE, key, "ec2:security-group", name, "ec2",
		     "CreateSecurityGroup",
		     pj(p, "{'GroupName': %s, 'Description': %s, 'VpcId': '${vpc.id}', "
			   "'TagSpecifications': %j}",
			name, description, plan_ec2_tags(p, s, "security-group", name)));
	plan_set_id(p, a, "GroupId", NULL);
	plan_set_find(p, a, "ec2", "DescribeSecurityGroups",
		      pj(p, "{'Filters': [{'Name': 'vpc-id', 'Values': ['${vpc.id}']}, "
			    "{'Name': 'group-name', 'Values': [%s]}]}", name),
		      "SecurityGroups[0].GroupId", NULL, NULL);
}

void plan_add_sg_rule(struct plan *p, int section, const char *key, const char *op,
		      const char *group, int port, const char *cidr, const char *peer,
		      const char *description)
{
	struct plan_action *a;
	cJSON *perm;

	if (cidr)
		perm = pj(p, "[{'IpProtocol': 'tcp', 'FromPort': %d, 'ToPort': %d, "
			     "'IpRanges': [{'CidrIp': %s, 'Description': %s}]}]",
			  port, port, cidr, description);
	else
		perm = pj(p, "[{'IpProtocol': 'tcp', 'FromPort': %d, 'ToPort': %d, "
			     "'UserIdGroupPairs': [{'GroupId': '${%S.id}', "
			     "'Description': %s}]}]",
			  port, port, peer, description);
	a = plan_add(p, section, PLAN_CONFIGURE, key, "ec2:security-group-rule", description,
		     "ec2", op,
		     pj(p, "{'GroupId': '${%S.id}', 'IpPermissions': %j}", group, perm));
	plan_set_done_errors(p, a, "InvalidPermission.Duplicate");
}

const char *plan_name(char *buf, size_t size, const struct spec *s,
		      const char *suffix)
{
	snprintf(buf, size, "%s%s", s->name, suffix);
	return buf;
}

static void action_free(struct plan_action *a)
{
	free(a->key);
	free(a->kind);
	free(a->name);
	free(a->service);
	free(a->operation);
	cJSON_Delete(a->params);
	for (int i = 0; i < a->depend_count; i++)
		free(a->depends[i]);
	free(a->depends);
	free(a->id_path);
	free(a->arn_path);
	cJSON_Delete(a->find);
	cJSON_Delete(a->wait);
	cJSON_Delete(a->done_errors);
	cJSON_Delete(a->keep);
	free(a->secret_path);
	free(a->secret_file);
	cJSON_Delete(a->lost_secret);
}

void plan_free(struct plan *p)
{
	if (!p)
		return;
	for (int i = 0; i < p->count; i++)
		action_free(&p->actions[i]);
	free(p->actions);
	free(p);
}

const struct plan_action *plan_find(const struct plan *p, const char *key)
{
	if (!p || !key)
		return NULL;
	for (int i = 0; i < p->count; i++)
		if (p->actions[i].key && strcmp(p->actions[i].key, key) == 0)
			return &p->actions[i];
	return NULL;
}

/* ---- references ---- */

/* Find the next "${...}" in s; *b and *e bracket the inside. */
static int next_ref(const char *s, const char **b, const char **e)
{
	const char *o = strstr(s, "${");
	const char *c;

	if (!o)
		return 0;
	c = strchr(o + 2, '}');
	if (!c)
		return 0;
	*b = o + 2;
	*e = c;
	return 1;
}

/* Split "key.path" into its parts (copies into the caller's buffers). */
static int split_ref(const char *b, const char *e, char *key, size_t ks,
		     char *path, size_t ps)
{
	const char *dot = memchr(b, '.', (size_t)(e - b));
	size_t kl, pl;

	if (!dot)
		return -1;
	kl = (size_t)(dot - b);
	pl = (size_t)(e - dot - 1);
	if (!kl || !pl || kl >= ks || pl >= ps)
		return -1;
	memcpy(key, b, kl);
	key[kl] = '\0';
	memcpy(path, dot + 1, pl);
	path[pl] = '\0';
	return 0;
}

void plan_each_ref(const cJSON *v, void (*cb)(void *ctx, const char *key,
					      const char *path), void *ctx)
{
	const cJSON *c;

	if (!v)
		return;
	if (cJSON_IsString(v)) {
		const char *s = v->valuestring, *b, *e;
		char key[128], path[256];
		while (next_ref(s, &b, &e)) {
			if (split_ref(b, e, key, sizeof key, path, sizeof path) == 0)
				cb(ctx, key, path);
			s = e + 1;
		}
		return;
	}
	cJSON_ArrayForEach(c, v)
		plan_each_ref(c, cb, ctx);
}

static char *base64_of(const char *text)
{
	size_t n = strlen(text);
	char *out = malloc(4 * ((n + 2) / 3) + 1);

	if (out)
		EVP_EncodeBlock((unsigned char *)out, (const unsigned char *)text, (int)n);
	return out;
}

static cJSON *resolve_string(const char *s, plan_ref_fn fn, void *ctx,
			     struct aws_error *err)
{
	const char *b, *e;
	char key[128], path[256];
	struct buf out;
	cJSON *res = NULL;

	/* A whole-string reference keeps the value's type. */
	if (next_ref(s, &b, &e) && b == s + 2 && e[1] == '\0') {
		if (split_ref(b, e, key, sizeof key, path, sizeof path) < 0) {
			aws_error_set(err, AWS_ERR_INPUT, "BadReference",
				      _("malformed reference %s"), s);
			return NULL;
		}
		res = fn(ctx, key, path);
		if (!res)
			aws_error_set(err, AWS_ERR_INPUT, "UnresolvedReference",
				      _("${%s.%s} is not known yet"), key, path);
		return res;
	}
	buf_init(&out, 0);
	while (next_ref(s, &b, &e)) {
		cJSON *v;
		char *txt;
		buf_append(&out, s, (size_t)(b - 2 - s));
		if (split_ref(b, e, key, sizeof key, path, sizeof path) < 0) {
			aws_error_set(err, AWS_ERR_INPUT, "BadReference",
				      _("malformed reference in %s"), s);
			goto out;
		}
		v = fn(ctx, key, path);
		txt = jpath_scalar_text(v);
		cJSON_Delete(v);
		if (!txt) {
			aws_error_set(err, AWS_ERR_INPUT, "UnresolvedReference",
				      _("${%s.%s} is not known yet"), key, path);
			goto out;
		}
		buf_append_str(&out, txt);
		free(txt);
		s = e + 1;
	}
	buf_append_str(&out, s);
	res = cJSON_CreateString(buf_str(&out));
	if (!res)
		aws_error_set(err, AWS_ERR_NOMEM, "", _("out of memory"));
out:
	buf_free(&out);
	return res;
}

cJSON *plan_resolve(const cJSON *params, plan_ref_fn fn, void *ctx,
		    struct aws_error *err)
{
	const cJSON *c;
	cJSON *out;

	if (!params)
		return cJSON_CreateNull();
	if (cJSON_IsString(params))
		return resolve_string(params->valuestring, fn, ctx, err);
	if (cJSON_IsObject(params) && cJSON_GetArraySize(params) == 1) {
		const cJSON *b64 = cJSON_GetObjectItemCaseSensitive(params, "$base64");
		const cJSON *js = cJSON_GetObjectItemCaseSensitive(params, "$json");
		if (b64 || js) {
			cJSON *inner = plan_resolve(b64 ? b64 : js, fn, ctx, err);
			char *txt = NULL;
			if (!inner)
				return NULL;
			if (b64 && cJSON_IsString(inner))
				txt = base64_of(inner->valuestring);
			else if (js)
				txt = cJSON_PrintUnformatted(inner);
			cJSON_Delete(inner);
			out = txt ? cJSON_CreateString(txt) : NULL;
			free(txt);
			if (!out)
				aws_error_set(err, AWS_ERR_INPUT, "BadWrapper",
					      _("cannot encode value"));
			return out;
		}
	}
	if (!cJSON_IsObject(params) && !cJSON_IsArray(params))
		return cJSON_Duplicate(params, 0);
	out = cJSON_IsArray(params) ? cJSON_CreateArray() : cJSON_CreateObject();
	if (!out) {
		aws_error_set(err, AWS_ERR_NOMEM, "", _("out of memory"));
		return NULL;
	}
	cJSON_ArrayForEach(c, params) {
		cJSON *v = plan_resolve(c, fn, ctx, err);
		if (!v) {
			cJSON_Delete(out);
			return NULL;
		}
		if (cJSON_IsArray(out))
			cJSON_AddItemToArray(out, v);
		else
			cJSON_AddItemToObject(out, c->string, v);
	}
	return out;
}

/* ---- building ---- */

struct dep_ctx {
	struct plan *p;
	int index;          /* the action whose references are walked */
	struct aws_error *err;
	int bad;
};

static void add_ref_dep(void *vctx, const char *key, const char *path)
{
	struct dep_ctx *d = vctx;
	struct plan_action *a = &d->p->actions[d->index];
	int found = 0;

	(void)path;
	/* "self" is the action's own id (waits), "token" its idempotency
	 * token: neither is another action. */
	if (strcmp(key, "self") == 0 || strcmp(key, "token") == 0)
		return;
	for (int i = 0; i < d->index; i++)
		if (strcmp(d->p->actions[i].key, key) == 0)
			found = 1;
	if (!found) {
		if (!d->bad)
			aws_error_set(d->err, AWS_ERR_INTERNAL, "BadPlan",
				      _("%s refers to %s, which is not an earlier action"),
				      a->key, key);
		d->bad = 1;
		return;
	}
	plan_depends(d->p, a, key);
}

int plan_build(const struct spec *spec, struct plan **out,
	       struct aws_error *err)
{
	struct plan *p = calloc(1, sizeof *p);
	int rc = -1;

	*out = NULL;
	if (!p) {
		aws_error_set(err, AWS_ERR_NOMEM, "", _("out of memory"));
		return -1;
	}
	for (int i = 0; steps[i]; i++) {
		if (spec->marketplace && steps[i]->marketplace_skip)
			continue;
		if (steps[i]->plan(spec, p, err) < 0)
			goto out;
		if (p->oom) {
			aws_error_set(err, AWS_ERR_NOMEM, "", _("cannot build section %d"),
				      steps[i]->section);
			goto out;
		}
	}
	for (int i = 0; i < p->count; i++) {
		struct dep_ctx d = { p, i, err, 0 };
		struct plan_action *a = &p->actions[i];
		if (plan_find(p, a->key) != a) {
			aws_error_set(err, AWS_ERR_INTERNAL, "BadPlan",
				      _("two actions are called %s"), a->key);
			goto out;
		}
		for (int k = 0; k < a->depend_count; k++)
			if (!plan_find(p, a->depends[k])) {
				aws_error_set(err, AWS_ERR_INTERNAL, "BadPlan",
					      _("%s depends on unknown %s"), a->key,
					      a->depends[k]);
				goto out;
			}
		plan_each_ref(a->params, add_ref_dep, &d);
		plan_each_ref(a->find, add_ref_dep, &d);
		plan_each_ref(a->wait, add_ref_dep, &d);
		if (d.bad)
			goto out;
	}
	if (p->oom) {
		aws_error_set(err, AWS_ERR_NOMEM, "", _("out of memory"));
		goto out;
	}
	*out = p;
	p = NULL;
	rc = 0;
out:
	plan_free(p);
	return rc;
}

/* ---- printing ---- */

static const char *role_name(int role)
{
	switch (role) {
	case PLAN_LOOKUP:
		return "lookup";
	case PLAN_CREATE:
		return "create";
	case PLAN_CONFIGURE:
		return "configure";
	case PLAN_LOCAL:
		return "local";
	}
	return "?";
}

cJSON *plan_action_to_json(const struct plan_action *a)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *deps = cJSON_CreateArray();

	if (!o || !deps) {
		cJSON_Delete(o);
		cJSON_Delete(deps);
		return NULL;
	}
	cJSON_AddStringToObject(o, "key", a->key);
	cJSON_AddNumberToObject(o, "section", a->section);
	cJSON_AddStringToObject(o, "role", role_name(a->role));
	cJSON_AddStringToObject(o, "kind", a->kind);
	cJSON_AddStringToObject(o, "name", a->name);
	cJSON_AddStringToObject(o, "service", a->service);
	cJSON_AddStringToObject(o, "operation", a->operation);
	cJSON_AddItemToObject(o, "params", cJSON_Duplicate(a->params, 1));
	for (int i = 0; i < a->depend_count; i++)
		cJSON_AddItemToArray(deps, cJSON_CreateString(a->depends[i]));
	cJSON_AddItemToObject(o, "depends", deps);
	if (a->optional)
		cJSON_AddBoolToObject(o, "optional", 1);
	if (a->id_path)
		cJSON_AddStringToObject(o, "id_path", a->id_path);
	if (a->find)
		cJSON_AddItemToObject(o, "find", cJSON_Duplicate(a->find, 1));
	if (a->wait)
		cJSON_AddItemToObject(o, "wait", cJSON_Duplicate(a->wait, 1));
	if (a->done_errors)
		cJSON_AddItemToObject(o, "done_errors", cJSON_Duplicate(a->done_errors, 1));
	if (a->secret_file)
		cJSON_AddStringToObject(o, "secret_file", a->secret_file);
	return o;
}

cJSON *plan_to_json(const struct plan *p)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *sections = cJSON_CreateArray();
	cJSON *cur = NULL;
	int cur_section = -1;

	if (!root || !sections) {
		cJSON_Delete(root);
		cJSON_Delete(sections);
		return NULL;
	}
	cJSON_AddItemToObject(root, "sections", sections);
	for (int i = 0; i < p->count; i++) {
		const struct plan_action *a = &p->actions[i];
		if (a->section != cur_section) {
			cJSON *sec = cJSON_CreateObject();
			const char *title = "";
			for (int k = 0; steps[k]; k++)
				if (steps[k]->section == a->section)
					title = steps[k]->title;
			cJSON_AddNumberToObject(sec, "section", a->section);
			cJSON_AddStringToObject(sec, "title", title);
			cur = cJSON_AddArrayToObject(sec, "actions");
			cJSON_AddItemToArray(sections, sec);
			cur_section = a->section;
		}
		cJSON_AddItemToArray(cur, plan_action_to_json(a));
	}
	return root;
}
