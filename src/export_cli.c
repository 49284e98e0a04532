/* export_cli.c - the plan as a bash script of `aws` commands.
 *
 * One command per AWS action, in the plan's order, each with its exact
 * input as --cli-input-json. A value a later action refers to is captured
 * into a shell variable with --query (the action's id/ARN path, or its
 * find call when the id is not in the answer, as CreateAutoScalingGroup);
 * references become those variables, idempotency tokens a per-run string.
 * Waits use `aws SERVICE wait` where botocore has the waiter and a polling
 * loop built from our waiter table where it does not (EFS, API Gateway's
 * VPC link). Local actions
 * (license copy, image push) become commented instructions. */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "export.h"
#include "util/buf.h"
#include "waiter.h"

struct cli_gen {
	const struct plan *p;
	struct buf out;
	cJSON *needed; /* {key: [paths later actions read]} */
	int b64_count; /* base64 values made by the script itself */
	int oom;
};

/* Botocore ships waiters-2.json for every service we wait on but EFS and
 * API Gateway. */
static int cli_has_waiter(const char *service)
{
	return strcmp(service, "efs") != 0 && strcmp(service, "apigatewayv2") != 0;
}

static void emit(struct cli_gen *g, const char *s)
{
	g->oom |= buf_append_str(&g->out, s) != 0;
}

/* s in single quotes, each ' as '\''. */
static void emit_quoted(struct cli_gen *g, const char *s)
{
	emit(g, "'");
	for (; *s; s++) {
		if (*s == '\'')
			emit(g, "'\\''");
		else
			g->oom |= buf_append_char(&g->out, *s) != 0;
	}
	emit(g, "'");
}

/* "CreateVpc" -> "create-vpc", as botocore's xform_name. */
static void kebab(const char *op, char *out, size_t size)
{
	size_t n = 0;

	for (size_t i = 0; op[i] && n + 2 < size; i++) {
		int up = isupper((unsigned char)op[i]);
		if (i && up && (islower((unsigned char)op[i - 1]) ||
				isdigit((unsigned char)op[i - 1]) ||
				(op[i + 1] && islower((unsigned char)op[i + 1]))))
			out[n++] = '-';
		out[n++] = (char)tolower((unsigned char)op[i]);
	}
	out[n] = '\0';
}

/* The shell variable holding ${key.path}. */
static void var_name(const char *key, const char *path, char *out, size_t size)
{
	char k[128], pth[256];

	export_upper(key, k, sizeof k);
	export_upper(path, pth, sizeof pth);
	snprintf(out, size, "%s_%s", k, pth);
}

static void note_need(void *ctx, const char *key, const char *path)
{
	struct cli_gen *g = ctx;
	cJSON *paths = cJSON_GetObjectItemCaseSensitive(g->needed, key);
	const cJSON *c;

	if (strcmp(key, "self") == 0 || strcmp(key, "token") == 0)
		return;
	if (!paths)
		paths = cJSON_AddArrayToObject(g->needed, key);
	cJSON_ArrayForEach(c, paths)
		if (strcmp(c->valuestring, path) == 0)
			return;
	if (!paths || !cJSON_AddItemToArray(paths, cJSON_CreateString(path)))
		g->oom = 1;
}

/* text with its references as shell expansions: one shell word. */
static void emit_word(struct cli_gen *g, const char *self, const char *text)
{
	cJSON *parts = export_split_refs(text);
	const cJSON *c;
	char var[400];

	if (!parts) {
		g->oom = 1;
		return;
	}
	if (!cJSON_GetArraySize(parts))
		emit(g, "''");
	cJSON_ArrayForEach(c, parts) {
		const char *key, *path;
		if (cJSON_IsString(c)) {
			emit_quoted(g, c->valuestring);
			continue;
		}
		key = cJSON_GetObjectItem(c, "key")->valuestring;
		path = cJSON_GetObjectItem(c, "path")->valuestring;
		if (strcmp(key, "token") == 0) {
			/* Unique per run and under the 64 characters EC2 allows. */
			snprintf(var, sizeof var, "\"${RUN_ID}-%s\"", path);
			emit(g, var);
			continue;
		}
		var_name(strcmp(key, "self") == 0 ? self : key, path, var, sizeof var);
		emit(g, "\"$");
		emit(g, var);
		emit(g, "\"");
	}
	cJSON_Delete(parts);
}

static char *base64_of(const char *text)
{
	size_t n = strlen(text);
	char *out = malloc(4 * ((n + 2) / 3) + 1);

	if (out)
		EVP_EncodeBlock((unsigned char *)out, (const unsigned char *)text, (int)n);
	return out;
}

/* A copy of v with the plan's wrappers resolved: {"$json": v} becomes v's
 * text, {"$base64": s} the base64 of s, computed here when s is constant
 * and by the script (a B64_N_VALUE variable set before the command) when s
 * holds a reference. raw_b64 (for the top level, a struct plan_action):
 * members the AWS CLI encodes itself (export_text_not_base64) stay text.
 * NULL on OOM. */
static cJSON *unwrap(struct cli_gen *g, const char *self, const cJSON *v,
		    const struct plan_action *top, int raw_b64)
{
	const cJSON *js = cJSON_IsObject(v) && cJSON_GetArraySize(v) == 1 ?
			  cJSON_GetObjectItemCaseSensitive(v, "$json") : NULL;
	const cJSON *b64 = cJSON_IsObject(v) && cJSON_GetArraySize(v) == 1 ?
			   cJSON_GetObjectItemCaseSensitive(v, "$base64") : NULL;
	const cJSON *c;
	cJSON *out;
	char *txt = NULL;

	if (js || b64) {
		cJSON *inner = unwrap(g, self, js ? js : b64, NULL, 0);
		if (!inner)
			return NULL;
		if (js) {
			txt = cJSON_PrintUnformatted(inner);
		} else if (!cJSON_IsString(inner)) {
			txt = NULL;
		} else if (raw_b64) {
			txt = strdup(inner->valuestring);
		} else if (!export_has_ref(inner)) {
			txt = base64_of(inner->valuestring);
		} else {
			char line[96];
			g->b64_count++;
			snprintf(line, sizeof line, "B64_%d_VALUE=$(printf '%%s' ", g->b64_count);
			emit(g, line);
			emit_word(g, self, inner->valuestring);
			emit(g, " | base64 | tr -d '\\n')\n");
			snprintf(line, sizeof line, "${b64-%d.value}", g->b64_count);
			txt = strdup(line);
		}
		cJSON_Delete(inner);
		out = txt ? cJSON_CreateString(txt) : NULL;
		free(txt);
		return out;
	}
	if (!cJSON_IsObject(v) && !cJSON_IsArray(v))
		return cJSON_Duplicate(v, 0);
	out = cJSON_IsArray(v) ? cJSON_CreateArray() : cJSON_CreateObject();
	cJSON_ArrayForEach(c, v) {
		int raw = top && export_text_not_base64(top->service, top->operation, c->string);
		cJSON *item = out ? unwrap(g, self, c, NULL, raw) : NULL;
		if (!item) {
			cJSON_Delete(out);
			return NULL;
		}
		if (cJSON_IsArray(out))
			cJSON_AddItemToArray(out, item);
		else
			cJSON_AddItemToObject(out, c->string, item);
	}
	return out;
}

/* The JMESPath that gives ${key.path} from the action's own answer, or
 * NULL when only its find call knows it. */
static const char *own_query(const struct plan_action *a, const char *path)
{
	if (a->secret_path)
		return NULL; /* the answer goes to the secret's file */
	if (strcmp(path, "id") == 0)
		return a->id_path;
	if (strcmp(path, "arn") == 0)
		return a->arn_path;
	return path;
}

static const char *find_query(const struct plan_action *a, const char *path)
{
	const cJSON *q = cJSON_GetObjectItemCaseSensitive(
		a->find, strcmp(path, "arn") == 0 ? "arn" : "id");

	return cJSON_IsString(q) ? q->valuestring : NULL;
}

/* One `aws` call with its input; captures the paths in want (queries
 * from query_of) into their variables. */
static void emit_call(struct cli_gen *g, const struct plan_action *a,
		      const char *service, const char *operation,
		      const cJSON *params, const cJSON *want,
		      const char *(*query_of)(const struct plan_action *, const char *),
		      const char *secret_path, const char *secret_file)
{
	const struct plan_action top = { .service = (char *)service,
					 .operation = (char *)operation };
	cJSON *input = unwrap(g, a->key, params, &top, 0);
	char *json = input ? cJSON_PrintUnformatted(input) : NULL;
	char op[128], var[400], vars[2048] = "";
	struct buf q;
	const cJSON *c;
	int n = 0;

	buf_init(&q, 0);
	cJSON_ArrayForEach(c, want) {
		const char *path = query_of(a, c->valuestring);
		if (!path)
			continue;
		/* A filter projection answers a list: its first element. */
		buf_printf(&q, "%s%s%s", n ? ", " : "", path,
			   strstr(path, "[?") || strstr(path, "[]") ? " | [0]" : "");
		var_name(a->key, c->valuestring, var, sizeof var);
		snprintf(vars + strlen(vars), sizeof vars - strlen(vars), " %s", var);
		n++;
	}
	kebab(operation, op, sizeof op);
	if (!json) {
		g->oom = 1;
		goto out;
	}
	if (secret_path)
		emit(g, "( umask 077 && ");
	else if (n)
		emit(g, "_out=$(");
	emit(g, "aws ");
	emit(g, service);
	emit(g, " ");
	emit(g, op);
	emit(g, " --cli-input-json ");
	emit_word(g, a->key, json);
	if (secret_path) {
		emit(g, " --query ");
		emit_quoted(g, secret_path);
		emit(g, " --output text > ");
		emit_quoted(g, secret_file);
		emit(g, " )\n");
	} else if (n) {
		struct buf all;
		buf_init(&all, 0);
		buf_printf(&all, n > 1 ? "[%s]" : "%s", buf_str(&q));
		emit(g, " --query ");
		emit_quoted(g, buf_str(&all));
		buf_free(&all);
		emit(g, " --output text)\nread -r");
		emit(g, vars);
		emit(g, " <<<\"$_out\"\n");
		cJSON_ArrayForEach(c, want) {
			if (!query_of(a, c->valuestring))
				continue;
			var_name(a->key, c->valuestring, var, sizeof var);
			emit(g, "need ");
			emit(g, var);
			emit(g, "\n");
		}
	} else {
		emit(g, " >/dev/null\n");
	}
out:
	free(json);
	cJSON_Delete(input);
	buf_free(&q);
}

static void emit_wait(struct cli_gen *g, const struct plan_action *a)
{
	const char *name = cJSON_GetObjectItem(a->wait, "waiter")->valuestring;
	const cJSON *params = cJSON_GetObjectItem(a->wait, "params");
	const struct waiter *w = waiter_find(name);
	const char *service = w ? w->service : a->service;
	cJSON *input = unwrap(g, a->key, params, NULL, 0);
	char *json = input ? cJSON_PrintUnformatted(input) : NULL;
	char op[128], line[256];

	if (!json) {
		g->oom = 1;
		goto out;
	}
	if (cli_has_waiter(service) || !w) {
		kebab(name, op, sizeof op);
		emit(g, "aws ");
		emit(g, service);
		emit(g, " wait ");
		emit(g, op);
		emit(g, " --cli-input-json ");
		emit_word(g, a->key, json);
		emit(g, "\n");
		goto out;
	}
	/* No CLI waiter: poll like our waiter table says (its first success
	 * acceptor: every value of the path equals the expected state). */
	for (int i = 0; i < w->acceptor_count; i++) {
		const struct waiter_acceptor *ac = &w->acceptors[i];
		if (ac->state != WAITER_SUCCESS || ac->matcher != MATCH_PATH_ALL)
			continue;
		kebab(w->operation, op, sizeof op);
		snprintf(line, sizeof line, "poll %d %d %s aws %s %s --cli-input-json ",
			 w->delay, w->max_attempts, ac->expected, w->service, op);
		emit(g, line);
		emit_word(g, a->key, json);
		emit(g, " --query ");
		emit_quoted(g, ac->argument);
		emit(g, " --output text\n");
		break;
	}
out:
	free(json);
	cJSON_Delete(input);
}

static void emit_local(struct cli_gen *g, const struct plan_action *a)
{
	char *params = cJSON_PrintUnformatted(a->params);
	cJSON *parts = params ? export_split_refs(params) : NULL;
	const cJSON *c;
	char var[400];

	emit(g, "# LOCAL STEP, not done by this script: ");
	emit(g, export_local_hint(a));
	emit(g, ".\n#   ");
	emit(g, a->operation);
	emit(g, " ");
	/* The values it needs, as the variables that hold them. */
	cJSON_ArrayForEach(c, parts) {
		if (cJSON_IsString(c)) {
			emit(g, c->valuestring);
			continue;
		}
		var_name(cJSON_GetObjectItem(c, "key")->valuestring,
			 cJSON_GetObjectItem(c, "path")->valuestring, var, sizeof var);
		emit(g, "$");
		emit(g, var);
	}
	emit(g, "\n");
	cJSON_Delete(parts);
	free(params);
}

static const char prelude[] =
	"set -euo pipefail\n"
	"\n"
	"# Region: AWS_DEFAULT_REGION, else the spec's. Credentials and endpoint:\n"
	"# as for any aws command (AWS_PROFILE, AWS_ENDPOINT_URL, ...).\n"
	": \"${AWS_DEFAULT_REGION:=%s}\"\n"
	"export AWS_DEFAULT_REGION\n"
	"export AWS_PAGER=\"\"\n"
	"# Idempotency tokens: unique to this run.\n"
	"RUN_ID=\"$(date +%%s)-$$\"\n"
	"\n"
	"# need VAR: stop when a call did not answer the value we need.\n"
	"need() {\n"
	"\tif [ -z \"${!1:-}\" ] || [ \"${!1}\" = None ]; then\n"
	"\t\techo \"$0: no value for $1\" >&2\n"
	"\t\texit 1\n"
	"\tfi\n"
	"}\n"
	"\n"
	"# poll DELAY ATTEMPTS EXPECTED COMMAND...: wait until every word COMMAND\n"
	"# prints is EXPECTED (for services whose CLI has no waiter).\n"
	"poll() {\n"
	"\tlocal delay=$1 attempts=$2 want=$3 i got w ok\n"
	"\tshift 3\n"
	"\tfor ((i = 0; i < attempts; i++)); do\n"
	"\t\tgot=$(\"$@\") || got=\n"
	"\t\tok=${got:+1}\n"
	"\t\tfor w in $got; do [ \"$w\" = \"$want\" ] || ok=; done\n"
	"\t\t[ -n \"$ok\" ] && return 0\n"
	"\t\tsleep \"$delay\"\n"
	"\tdone\n"
	"\techo \"$0: timed out waiting for $want: $*\" >&2\n"
	"\treturn 1\n"
	"}\n";

char *export_aws_cli(const struct plan *p, const struct spec *s, struct aws_error *err)
{
	struct cli_gen g = { .p = p };
	int section = -1;

	buf_init(&g.out, 0);
	g.needed = cJSON_CreateObject();
	if (!g.needed)
		goto oom;
	for (int i = 0; i < p->count; i++) {
		const struct plan_action *a = &p->actions[i];
		plan_each_ref(a->params, note_need, &g);
		plan_each_ref(a->wait, note_need, &g);
		if (a->wait)
			note_need(&g, a->key, "id");
	}
	buf_printf(&g.out, "#!/bin/bash\n# %s: deployment \"%s\" as AWS CLI commands, "
		   "generated by %s %s\n# from the same plan `%s deploy` runs. "
		   "Run it once, on an account without this\n# deployment; it "
		   "stops at the first error.\n",
		   s->name, s->name, PACKAGE, VERSION, PACKAGE);
	buf_printf(&g.out, prelude, s->region);
	for (int i = 0; i < p->count; i++) {
		const struct plan_action *a = &p->actions[i];
		const cJSON *want = cJSON_GetObjectItemCaseSensitive(g.needed, a->key);
		cJSON *from_find = cJSON_CreateArray();
		const cJSON *c;

		if (a->section != section) {
			buf_printf(&g.out, "\n# ---- section %d ----\n", a->section);
			section = a->section;
		}
		buf_printf(&g.out, "\n# %s: %s%s%s\n", a->key, a->kind, *a->name ? " " : "",
			   a->name);
		if (a->role == PLAN_LOCAL) {
			emit_local(&g, a);
			cJSON_Delete(from_find);
			continue;
		}
		emit_call(&g, a, a->service, a->operation, a->params, want, own_query,
			  a->secret_path, a->secret_file);
		cJSON_ArrayForEach(c, want)
			if (!own_query(a, c->valuestring))
				cJSON_AddItemToArray(from_find, cJSON_CreateString(c->valuestring));
		if (cJSON_GetArraySize(from_find) && a->find)
			emit_call(&g, a, cJSON_GetObjectItem(a->find, "service")->valuestring,
				  cJSON_GetObjectItem(a->find, "operation")->valuestring,
				  cJSON_GetObjectItem(a->find, "params"), from_find,
				  find_query, NULL, NULL);
		else if (cJSON_GetArraySize(from_find))
			buf_printf(&g.out, "# (no way to read %s's id: the plan has no find call)\n",
				   a->key);
		cJSON_Delete(from_find);
		if (a->wait)
			emit_wait(&g, a);
	}
	buf_printf(&g.out, "\necho \"%s: every AWS step is done; see the LOCAL STEP "
		   "comments for the rest.\"\n", s->name);
	if (g.oom || g.out.len == 0)
		goto oom;
	cJSON_Delete(g.needed);
	return buf_take(&g.out);
oom:
	cJSON_Delete(g.needed);
	buf_free(&g.out);
	aws_error_set(err, AWS_ERR_NOMEM, "", "out of memory");
	return NULL;
}
