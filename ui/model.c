/* model.c - view models of the wizard: section list, field values and their
 * validation, review text, scrollable lines and the progress log.
 *
 * No ncurses and no engine calls here (only the engine's data types), so the
 * unit tests link this file alone. */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "model.h"
#include "util/buf.h"

/* --- sections --- */

int ui_sections_init(struct ui_sections *s, const struct step *const *table,
		     bool marketplace)
{
	int n = 0;

	memset(s, 0, sizeof(*s));
	while (table[n])
		n++;
	if (n == 0)
		return 0;
	s->items = calloc((size_t)n, sizeof(*s->items));
	if (!s->items)
		return -1;
	for (int i = 0; i < n; i++)
		s->items[i].step = table[i];
	s->count = n;
	s->marketplace = !marketplace; /* force the first set to apply */
	ui_sections_set_marketplace(s, marketplace);
	s->current = ui_sections_next(s, -1);
	if (s->current < 0)
		s->current = 0;
	return 0;
}

void ui_sections_free(struct ui_sections *s)
{
	free(s->items);
	memset(s, 0, sizeof(*s));
}

void ui_sections_set_marketplace(struct ui_sections *s, bool marketplace)
{
	if (s->marketplace == marketplace)
		return;
	s->marketplace = marketplace;
	for (int i = 0; i < s->count; i++) {
		struct ui_section *sec = &s->items[i];

		if (!sec->step->marketplace_skip)
			continue;
		/* Only untouched sections change: one already run stays as it is. */
		if (marketplace && sec->state == UI_SEC_TODO)
			sec->state = UI_SEC_SKIPPED;
		else if (!marketplace && sec->state == UI_SEC_SKIPPED)
			sec->state = UI_SEC_TODO;
	}
}

static bool section_left_out(const struct ui_sections *s, int i)
{
	return s->marketplace && s->items[i].step->marketplace_skip;
}

int ui_sections_next(const struct ui_sections *s, int from)
{
	for (int i = from + 1; i < s->count; i++)
		if (!section_left_out(s, i))
			return i;
	return -1;
}

int ui_sections_prev(const struct ui_sections *s, int from)
{
	for (int i = from - 1; i >= 0; i--)
		if (!section_left_out(s, i))
			return i;
	return -1;
}

int ui_sections_find(const struct ui_sections *s, int number)
{
	for (int i = 0; i < s->count; i++)
		if (s->items[i].step->section == number)
			return i;
	return -1;
}

const char *ui_section_state_name(enum ui_section_state st)
{
	switch (st) {
	case UI_SEC_TODO: return _("to do");
	case UI_SEC_REVIEWING: return _("reviewing");
	case UI_SEC_RUNNING: return _("running");
	case UI_SEC_DONE: return _("done");
	case UI_SEC_SKIPPED: return _("skipped");
	case UI_SEC_FAILED: return _("failed");
	}
	return "?";
}

char ui_section_state_mark(enum ui_section_state st)
{
	static const char marks[] = " >*+-!";

	if ((int)st < 0 || (size_t)st >= sizeof(marks) - 1)
		return '?';
	return marks[st];
}

/* --- fields --- */

static const char *const regions[] = {
	"us-east-1", "us-east-2", "us-west-1", "us-west-2",
	"ca-central-1", "sa-east-1",
	"eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-north-1",
	"eu-south-1",
	"ap-south-1", "ap-southeast-1", "ap-southeast-2", "ap-northeast-1",
	"ap-northeast-2", "ap-northeast-3", "me-south-1", "af-south-1",
	NULL,
};
static const char *const schemes[] = { "internal", "internet-facing", NULL };
static const char *const yes_no[] = { "no", "yes", NULL };

/* cpu/memory in MiB as the engine's spec keeps them. The ECS agent keeps some
 * of the host's memory, so each size leaves room on the instance type that
 * fits it (m5zn.xlarge: 4 vCPU / 16 GiB; m5zn.3xlarge: 12 vCPU / 48 GiB). */
const char *const ui_task_sizes[] = {
	"1024/14336", "2048/14336", "4096/14336",
	"4096/30720", "8192/30720", "8192/45056", NULL,
};

static const struct ui_field_def field_defs[] = {
	{ "name", N_("Deployment name"), UI_FIELD_TEXT, NULL,
	  N_("Prefix of every resource name; names the journal.") },
	{ "region", N_("Region"), UI_FIELD_LIST, regions,
	  N_("Space opens the list of regions; arrows step through it.") },
	{ "marketplace", N_("AWS Marketplace image"), UI_FIELD_BOOL, yes_no,
	  N_("Yes: the image carries its licence; EFS and the licence step are left out.") },
	{ "vpc_cidr", N_("VPC CIDR"), UI_FIELD_CIDR, NULL,
	  N_("A private IPv4 range, /16 to /24, e.g. 10.0.0.0/16.") },
	{ "availability_zones", N_("Availability zones"), UI_FIELD_INT, NULL,
	  N_("How many zones the subnets span (2 or more).") },
	{ "instance_type", N_("Instance type"), UI_FIELD_TEXT, NULL,
	  N_("m5zn.xlarge suits text. Images and PDFs need more, e.g. m5zn.3xlarge.") },
	{ "root_volume_gib", N_("Root volume (GiB)"), UI_FIELD_INT, NULL, NULL },
	{ "task_size", N_("Task size"), UI_FIELD_TASK, ui_task_sizes,
	  N_("Space or arrows change it; only sizes ECS accepts are offered.") },
	{ "container_port", N_("Container port"), UI_FIELD_INT, NULL, NULL },
	{ "health_check_path", N_("Health check path"), UI_FIELD_TEXT, NULL, NULL },
	{ "load_balancer_scheme", N_("Load balancer scheme"), UI_FIELD_ENUM, schemes,
	  N_("internal: reachable inside the VPC only; internet-facing: from anywhere.") },
	{ "admin_cidr", N_("Admin CIDR"), UI_FIELD_CIDR, NULL,
	  N_("Who may SSH to the bastion, e.g. 203.0.113.7/32 (your address).") },
	{ "image", N_("Image to push"), UI_FIELD_TEXT, NULL,
	  N_("deid:3.3.2-cpu, docker-archive:PATH or oci:DIR:TAG.") },
	{ "push_image", N_("Push the image"), UI_FIELD_BOOL, yes_no, NULL },
	{ "ecr_repository", N_("ECR repository"), UI_FIELD_TEXT, NULL, NULL },
	{ "license_file", N_("Licence file"), UI_FIELD_PATH, NULL,
	  N_("Must exist and be JSON; copied to EFS over SSH, never logged.") },
	{ "ssh_key_file", N_("SSH key file"), UI_FIELD_PATH, NULL,
	  N_("Empty: a key pair is created and saved for you.") },
	{ "ssh_user", N_("SSH user"), UI_FIELD_TEXT, NULL, NULL },
	{ "efs_mount_path", N_("EFS mount path"), UI_FIELD_TEXT, NULL, NULL },
	{ "bastion_instance_type", N_("Bastion instance type"), UI_FIELD_TEXT, NULL, NULL },
	{ "asg_min", N_("Auto scaling minimum"), UI_FIELD_INT, NULL, NULL },
	{ "asg_max", N_("Auto scaling maximum"), UI_FIELD_INT, NULL, NULL },
	{ "asg_desired", N_("Auto scaling desired"), UI_FIELD_INT, NULL, NULL },
	{ "desired_tasks", N_("Tasks to run"), UI_FIELD_INT, NULL, NULL },
	{ "log_retention_days", N_("Log retention (days)"), UI_FIELD_INT, NULL, NULL },
	{ "api_gateway", N_("API Gateway"), UI_FIELD_BOOL, yes_no,
	  N_("Yes: an HTTP API reaches the internal load balancer through a VPC link.") },
};

const char *const ui_global_keys[] = { "name", "region", "marketplace", NULL };

/* Unknown keys get one of these, rebuilt per key; a small ring is enough
 * since a form holds only a handful of fields. */
static struct ui_field_def unknown_defs[32];
static char unknown_keys[32][64];
static int unknown_next;

const struct ui_field_def *ui_field_def_for(const char *key)
{
	int i;

	if (!strcmp(key, "task_cpu") || !strcmp(key, "task_memory"))
		key = "task_size";
	for (size_t k = 0; k < sizeof(field_defs) / sizeof(field_defs[0]); k++)
		if (!strcmp(field_defs[k].key, key))
			return &field_defs[k];
	for (i = 0; i < unknown_next && i < 32; i++)
		if (!strcmp(unknown_keys[i], key))
			return &unknown_defs[i];
	i = unknown_next++ % 32;
	snprintf(unknown_keys[i], sizeof(unknown_keys[i]), "%s", key);
	unknown_defs[i] = (struct ui_field_def){ unknown_keys[i], unknown_keys[i],
						 UI_FIELD_TEXT, NULL, NULL };
	return &unknown_defs[i];
}

void ui_task_size_label(const char *choice, char *out, size_t size)
{
	int cpu = 0, mem = 0;

	if (sscanf(choice, "%d/%d", &cpu, &mem) != 2) {
		snprintf(out, size, "%s", choice);
		return;
	}
	/* cpu units: 1024 per vCPU; memory in MiB, shown in GB as the guide does. */
	snprintf(out, size, _("%g vCPU / %g GB"), cpu / 1024.0, mem / 1024.0);
}

static char *trimmed_copy(const char *raw)
{
	size_t len;
	char *out;

	while (*raw == ' ')
		raw++;
	len = strlen(raw);
	while (len > 0 && isspace((unsigned char)raw[len - 1]))
		len--;
	out = malloc(len + 1);
	if (!out)
		return NULL;
	memcpy(out, raw, len);
	out[len] = '\0';
	return out;
}

static int check_task_size(const char *text, ui_check_fn check, char *why, size_t n)
{
	char num[32];
	int cpu = 0, mem = 0;

	if (sscanf(text, "%d/%d", &cpu, &mem) != 2) {
		snprintf(why, n, "%s", _("Choose one of the offered task sizes."));
		return -1;
	}
	snprintf(num, sizeof(num), "%d", cpu);
	if (check("task_cpu", num, why, n) != 0)
		return -1;
	snprintf(num, sizeof(num), "%d", mem);
	return check("task_memory", num, why, n);
}

int ui_field_validate(struct ui_field_value *v, const char *raw, ui_check_fn check)
{
	char *text = trimmed_copy(raw ? raw : "");
	int rc;

	if (!text) {
		snprintf(v->why, sizeof(v->why), "%s", _("Out of memory."));
		v->valid = false;
		return -1;
	}
	free(v->text);
	v->text = text;
	v->why[0] = '\0';
	switch (v->def->kind) {
	case UI_FIELD_BOOL:
		rc = (!strcmp(text, "yes") || !strcmp(text, "no")) ? 0 : -1;
		if (rc)
			snprintf(v->why, sizeof(v->why), "%s", _("Choose yes or no."));
		break;
	case UI_FIELD_TASK:
		rc = check_task_size(text, check, v->why, sizeof(v->why));
		break;
	default:
		rc = check(v->def->key, text, v->why, sizeof(v->why));
		break;
	}
	if (rc != 0 && !v->why[0])
		snprintf(v->why, sizeof(v->why), "%s", _("This value is not valid."));
	v->valid = rc == 0;
	return v->valid ? 0 : -1;
}

void ui_field_value_free(struct ui_field_value *v)
{
	free(v->text);
	v->text = NULL;
}

int ui_fields_ready(const struct ui_field_value *v, int count, int *first_bad)
{
	for (int i = 0; i < count; i++) {
		if (!v[i].valid) {
			if (first_bad)
				*first_bad = i;
			return 0;
		}
	}
	if (first_bad)
		*first_bad = -1;
	return 1;
}

cJSON *ui_fields_to_json(const struct ui_field_value *v, int count)
{
	cJSON *obj = cJSON_CreateObject();

	if (!obj)
		return NULL;
	for (int i = 0; i < count; i++) {
		const struct ui_field_def *d = v[i].def;
		const char *t = v[i].text ? v[i].text : "";
		int cpu = 0, mem = 0;

		switch (d->kind) {
		case UI_FIELD_INT:
			cJSON_AddNumberToObject(obj, d->key, atoi(t));
			break;
		case UI_FIELD_BOOL:
			cJSON_AddBoolToObject(obj, d->key, !strcmp(t, "yes"));
			break;
		case UI_FIELD_TASK:
			if (sscanf(t, "%d/%d", &cpu, &mem) == 2) {
				cJSON_AddNumberToObject(obj, "task_cpu", cpu);
				cJSON_AddNumberToObject(obj, "task_memory", mem);
			}
			break;
		default:
			cJSON_AddStringToObject(obj, d->key, t);
			break;
		}
	}
	return obj;
}

char *ui_field_text_from_json(const struct ui_field_def *def, const cJSON *spec)
{
	char tmp[64];
	const cJSON *item;

	if (def->kind == UI_FIELD_TASK) {
		const cJSON *cpu = cJSON_GetObjectItemCaseSensitive(spec, "task_cpu");
		const cJSON *mem = cJSON_GetObjectItemCaseSensitive(spec, "task_memory");

		if (!cJSON_IsNumber(cpu) || !cJSON_IsNumber(mem))
			return strdup(ui_task_sizes[0]);
		snprintf(tmp, sizeof(tmp), "%d/%d", cpu->valueint, mem->valueint);
		return strdup(tmp);
	}
	item = cJSON_GetObjectItemCaseSensitive(spec, def->key);
	if (cJSON_IsString(item))
		return strdup(item->valuestring);
	if (cJSON_IsBool(item))
		return strdup(cJSON_IsTrue(item) ? "yes" : "no");
	if (cJSON_IsNumber(item)) {
		snprintf(tmp, sizeof(tmp), "%d", item->valueint);
		return strdup(tmp);
	}
	return strdup("");
}

/* --- review --- */

const char *ui_role_name(int role)
{
	switch (role) {
	case PLAN_LOOKUP: return _("look up");
	case PLAN_CREATE: return _("create");
	case PLAN_CONFIGURE: return _("configure");
	case PLAN_LOCAL: return _("local");
	}
	return "?";
}

/* Tags come as Key/Value (EC2, IAM, EFS, ECR, ELB) or key/value (ECS) lists;
 * EC2 nests them in TagSpecifications. */
static void append_tag_list(struct buf *b, const cJSON *tags, int *n)
{
	const cJSON *t;

	cJSON_ArrayForEach(t, tags) {
		const cJSON *k = cJSON_GetObjectItem(t, "Key");
		const cJSON *v = cJSON_GetObjectItem(t, "Value");

		if (!cJSON_IsString(k))
			continue;
		buf_printf(b, "%s%s=%s", (*n)++ ? ", " : "", k->valuestring,
			   cJSON_IsString(v) ? v->valuestring : "");
	}
}

static void append_tags(struct buf *b, const cJSON *params)
{
	const cJSON *spec, *item;
	int n = 0;

	spec = cJSON_GetObjectItemCaseSensitive(params, "TagSpecifications");
	cJSON_ArrayForEach(item, spec)
		append_tag_list(b, cJSON_GetObjectItem(item, "Tags"), &n);
	item = cJSON_GetObjectItem(params, "Tags");
	if (cJSON_IsArray(item)) {
		append_tag_list(b, item, &n);
	} else if (cJSON_IsObject(item)) { /* EFS-style map, or tags as an object */
		const cJSON *kv;

		cJSON_ArrayForEach(kv, item)
			if (cJSON_IsString(kv))
				buf_printf(b, "%s%s=%s", n++ ? ", " : "", kv->string,
					   kv->valuestring);
	}
	if (n == 0)
		buf_append_str(b, _("(none)"));
}

char *ui_review_text(const struct plan_action *a)
{
	struct buf b;
	char *json = NULL, *out = NULL;

	buf_init(&b, 0);
	buf_printf(&b, _("Section:    %d\n"), a->section);
	buf_printf(&b, _("Resource:   %s\n"), a->kind ? a->kind : "");
	buf_printf(&b, _("Name:       %s\n"), a->name && *a->name ? a->name : _("(none)"));
	buf_printf(&b, _("Action:     %s%s\n"), ui_role_name(a->role),
		   a->optional ? _(" (optional)") : "");
	if (a->service && *a->service)
		buf_printf(&b, _("Call:       %s %s\n"), a->service, a->operation);
	else
		buf_printf(&b, _("Step:       %s\n"), a->operation ? a->operation : "");
	buf_printf(&b, "%s", _("Tags:       "));
	append_tags(&b, a->params);
	buf_append_char(&b, '\n');
	if (a->depend_count > 0) {
		buf_printf(&b, "%s", _("Needs:      "));
		for (int i = 0; i < a->depend_count; i++)
			buf_printf(&b, "%s%s", i ? ", " : "", a->depends[i]);
		buf_append_char(&b, '\n');
	}
	buf_printf(&b, "%s", _("Parameters (exactly as sent; ${...} is filled in from earlier results):\n"));
	if (a->params) {
		json = cJSON_Print(a->params);
		if (!json)
			goto out;
		/* cJSON indents with tabs; two spaces keep narrow terminals readable. */
		for (const char *p = json; *p; p++)
			if (*p == '\t')
				buf_append_str(&b, p > json && p[-1] == ':' ? " " : "  ");
			else
				buf_append_char(&b, *p);
	} else {
		buf_append_str(&b, "{}");
	}
	buf_append_char(&b, '\n');
	out = buf_take(&b);
out:
	free(json);
	buf_free(&b);
	return out;
}

char *ui_review_line(const struct plan_action *a)
{
	struct buf b;
	char *out;

	buf_init(&b, 0);
	buf_printf(&b, "%3d  %-9s  %-26s  %s", a->section, ui_role_name(a->role),
		   a->kind ? a->kind : "", a->name ? a->name : "");
	out = buf_take(&b);
	buf_free(&b);
	return out;
}

/* --- lines --- */

int ui_lines_append(struct ui_lines *l, const char *line)
{
	char **items = realloc(l->items, (size_t)(l->count + 1) * sizeof(char *));
	char *copy = strdup(line);

	if (items)
		l->items = items;
	if (!items || !copy) {
		free(copy);
		return -1;
	}
	l->items[l->count++] = copy;
	return 0;
}

int ui_lines_set(struct ui_lines *l, const char *text)
{
	const char *p = text;
	int n = 1;

	ui_lines_free(l);
	for (const char *q = text; *q; q++)
		if (*q == '\n')
			n++;
	l->items = calloc((size_t)n, sizeof(char *));
	if (!l->items)
		return -1;
	for (int i = 0; i < n; i++) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		l->items[i] = strndup(p, len);
		if (!l->items[i]) {
			ui_lines_free(l);
			return -1;
		}
		l->count++;
		p = nl ? nl + 1 : p + len;
	}
	/* A trailing newline does not make a line of its own. */
	if (l->count > 1 && !l->items[l->count - 1][0]) {
		free(l->items[l->count - 1]);
		l->count--;
	}
	return 0;
}

/* Greedy word wrap at spaces; a word longer than width stays whole. */
int ui_lines_wrap(struct ui_lines *out, const char *text, int width)
{
	size_t n = strlen(text), cap = n * 2 + 2, o = 0;
	char *w = malloc(cap);
	int col = 0, rc;
	const char *p = text;

	if (!w || width < 8) {
		free(w);
		return ui_lines_set(out, text);
	}
	while (*p) {
		const char *end = p;
		size_t len;
		int cols;

		if (*p == '\n') {
			w[o++] = '\n';
			col = 0;
			p++;
			continue;
		}
		while (*end && *end != ' ' && *end != '\n')
			end++;
		len = (size_t)(end - p);
		cols = i18n_width_n(p, len);
		if (col > 0 && col + cols > width) {
			w[o++] = '\n';
			col = 0;
		}
		memcpy(w + o, p, len);
		o += len;
		col += cols;
		p = end;
		if (*p == ' ') {
			if (col < width) {
				w[o++] = ' ';
				col++;
			}
			p++;
		}
	}
	w[o] = '\0';
	rc = ui_lines_set(out, w);
	free(w);
	return rc;
}

void ui_lines_free(struct ui_lines *l)
{
	for (int i = 0; i < l->count; i++)
		free(l->items[i]);
	free(l->items);
	memset(l, 0, sizeof(*l));
}

void ui_lines_scroll(struct ui_lines *l, int delta, int height)
{
	int max = l->count - height;

	if (max < 0)
		max = 0;
	l->top += delta;
	if (l->top > max)
		l->top = max;
	if (l->top < 0)
		l->top = 0;
}

/* --- log --- */

int ui_log_init(struct ui_log *log, int cap)
{
	memset(log, 0, sizeof(*log));
	log->lines = calloc((size_t)cap, sizeof(char *));
	if (!log->lines)
		return -1;
	log->cap = cap;
	return 0;
}

void ui_log_free(struct ui_log *log)
{
	for (int i = 0; i < log->cap; i++)
		free(log->lines[i]);
	free(log->lines);
	memset(log, 0, sizeof(*log));
}

int ui_log_add(struct ui_log *log, const char *line)
{
	char *copy = strdup(line);
	int slot;

	if (!copy)
		return -1;
	if (log->count < log->cap) {
		slot = (log->start + log->count) % log->cap;
		log->count++;
	} else {
		slot = log->start;
		free(log->lines[slot]);
		log->start = (log->start + 1) % log->cap;
	}
	log->lines[slot] = copy;
	/* A reader scrolled back keeps looking at the same lines. */
	if (log->scroll > 0 && log->scroll < log->count - 1)
		log->scroll++;
	return 0;
}

int ui_log_addf(struct ui_log *log, const char *fmt, ...)
{
	struct buf b;
	va_list ap;
	int rc;

	buf_init(&b, 0);
	va_start(ap, fmt);
	rc = buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (rc == 0)
		rc = ui_log_add(log, buf_str(&b));
	buf_free(&b);
	return rc;
}

const char *ui_log_line(const struct ui_log *log, int i)
{
	if (i < 0 || i >= log->count)
		return NULL;
	return log->lines[(log->start + i) % log->cap];
}

int ui_log_first_visible(const struct ui_log *log, int height)
{
	int first = log->count - height - log->scroll;

	return first < 0 ? 0 : first;
}

void ui_log_scroll(struct ui_log *log, int delta, int height)
{
	int max = log->count - height;

	if (max < 0)
		max = 0;
	log->scroll += delta;
	if (log->scroll > max)
		log->scroll = max;
	if (log->scroll < 0)
		log->scroll = 0;
}

int ui_log_line_is_error(const char *line)
{
	/* The failure line's own (translated) prefix, up to its first field. */
	const char *fmt = _("FAILED   %s: %s");
	const char *pct = strchr(fmt, '%');
	size_t n = pct ? (size_t)(pct - fmt) : strlen(fmt);

	while (n > 0 && fmt[n - 1] == ' ')
		n--;
	return line && n > 0 && strncmp(line, fmt, n) == 0;
}

char *ui_event_text(const struct queue_event *ev)
{
	struct buf b;
	const char *key = ev->key ? ev->key : "";
	char *out;

	buf_init(&b, 0);
	switch (ev->type) {
	case QEV_STARTED:
		buf_printf(&b, _("start    %s"), key);
		break;
	case QEV_REQUEST:
		buf_printf(&b, _("request  %s"), ev->text ? ev->text : "");
		break;
	case QEV_WAITING:
		buf_printf(&b, _("waiting  %s: %s (%.0f s)"), key,
			   ev->text ? ev->text : "", ev->elapsed);
		break;
	case QEV_PROGRESS:
		buf_printf(&b, _("progress %s: %ld of %ld"), key, ev->done, ev->total);
		break;
	case QEV_CREATED:
		buf_printf(&b, _("created  %s: %s"), key, ev->id ? ev->id : "");
		break;
	case QEV_ADOPTED:
		buf_printf(&b, _("adopted  %s: %s (existed already)"), key,
			   ev->id ? ev->id : "");
		break;
	case QEV_SKIPPED:
		buf_printf(&b, _("skipped  %s"), key);
		break;
	case QEV_DELETED:
		buf_printf(&b, _("deleted  %s: %s"), key, ev->id ? ev->id : "");
		break;
	case QEV_FAILED: {
		char line[1200];

		aws_error_format(&ev->err, line, sizeof(line));
		buf_printf(&b, _("FAILED   %s: %s"), key, line);
		break;
	}
	case QEV_CHECK:
		buf_printf(&b, _("check    %s: %s %s"), key, ev->ok ? _("ok") : _("FAILED"),
			   ev->text ? ev->text : "");
		break;
	case QEV_IDLE:
		buf_printf(&b, "%s", ev->ok ? _("finished") : _("stopped with errors"));
		break;
	case QEV_EXITED:
		buf_printf(&b, "%s", _("worker stopped"));
		break;
	}
	out = buf_take(&b);
	buf_free(&b);
	return out;
}
