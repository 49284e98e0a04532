/* cost.c - the price table and the estimate. See cost.h.
 *
 * The table is kept as parsed JSON: its shape is documented in
 * tools/gen-prices.py and only read here, through figure(). */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cost.h"
#include "i18n.h"

struct price_table {
	cJSON *root; /* owned: {"format": 1, "as_of", "source", "regions": {...}} */
};

char *cost_read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL, *grown;
	size_t len = 0, cap = 0, n;

	if (!f)
		return NULL;
	for (;;) {
		if (cap - len < 4096) {
			if (cap > (size_t)64 << 20) /* no price table is this big */
				goto fail;
			cap = cap ? cap * 2 : 65536;
			grown = realloc(buf, cap + 1);
			if (!grown)
				goto fail;
			buf = grown;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f))
		goto fail;
	fclose(f);
	buf[len] = '\0';
	return buf;
fail:
	fclose(f);
	free(buf);
	return NULL;
}

/* Parse path as a format-1 table: the root, or NULL with err set. */
static cJSON *load_table_json(const char *path, struct aws_error *err)
{
	char *text = cost_read_file(path);
	cJSON *root, *fmt;

	if (!text) {
		aws_error_set(err, AWS_ERR_CONFIG, "PriceTableUnreadable",
			      "cannot read the price table");
		aws_error_where(err, "%s", path);
		return NULL;
	}
	root = cJSON_Parse(text);
	free(text);
	fmt = cJSON_GetObjectItemCaseSensitive(root, "format");
	if (!root || !cJSON_IsNumber(fmt) || fmt->valueint != 1 ||
	    !cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(root, "regions"))) {
		cJSON_Delete(root);
		aws_error_set(err, AWS_ERR_CONFIG, "PriceTableInvalid",
			      "not a price table (format 1, with regions)");
		aws_error_where(err, "%s", path);
		return NULL;
	}
	return root;
}

int price_table_load(const char *path, struct price_table **out,
		     struct aws_error *err)
{
	struct price_table *t;
	cJSON *root = load_table_json(path, err);

	*out = NULL;
	if (!root)
		return -1;
	t = calloc(1, sizeof(*t));
	if (!t) {
		cJSON_Delete(root);
		aws_error_set(err, AWS_ERR_NOMEM, "OutOfMemory", "out of memory");
		return -1;
	}
	t->root = root;
	*out = t;
	return 0;
}

void price_table_free(struct price_table *t)
{
	if (!t)
		return;
	cJSON_Delete(t->root);
	free(t);
}

const char *price_table_as_of(const struct price_table *t)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(t->root, "as_of");

	return cJSON_IsString(v) ? v->valuestring : "";
}

static const char *price_table_source(const struct price_table *t)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(t->root, "source");

	return cJSON_IsString(v) ? v->valuestring : "";
}

/* Drop name from region's "derived" list: the figure is now a live one. */
static void undo_derived(cJSON *region, const char *name)
{
	cJSON *list = cJSON_GetObjectItemCaseSensitive(region, "derived");
	int i = 0;
	const cJSON *d;

	cJSON_ArrayForEach(d, list) {
		if (cJSON_IsString(d) && strcmp(d->valuestring, name) == 0) {
			cJSON_DeleteItemFromArray(list, i);
			return;
		}
		i++;
	}
}

/* Set obj[key] = a copy of v, replacing what was there. */
static int replace_copy(cJSON *obj, const char *key, const cJSON *v)
{
	cJSON *copy = cJSON_Duplicate(v, 1);

	if (!copy)
		return -1;
	if (cJSON_GetObjectItemCaseSensitive(obj, key))
		return cJSON_ReplaceItemInObjectCaseSensitive(obj, key, copy) ? 0 : -1;
	return cJSON_AddItemToObject(obj, key, copy) ? 0 : -1;
}

int price_table_overlay(struct price_table *t, const char *path,
			struct aws_error *err)
{
	cJSON *live = load_table_json(path, err);
	cJSON *regions = cJSON_GetObjectItemCaseSensitive(t->root, "regions");
	const cJSON *lr, *fig, *it;
	int rc = -1;

	if (!live)
		return -1;
	cJSON_ArrayForEach(lr, cJSON_GetObjectItemCaseSensitive(live, "regions")) {
		cJSON *dst = cJSON_GetObjectItemCaseSensitive(regions, lr->string);
		cJSON *types;

		if (!cJSON_IsObject(lr))
			continue;
		if (!dst) {
			dst = cJSON_AddObjectToObject(regions, lr->string);
			if (!dst)
				goto nomem;
		}
		cJSON_ArrayForEach(fig, lr) {
			if (strcmp(fig->string, "instance_hour") == 0) {
				types = cJSON_GetObjectItemCaseSensitive(dst, "instance_hour");
				if (!types && !(types = cJSON_AddObjectToObject(dst, "instance_hour")))
					goto nomem;
				cJSON_ArrayForEach(it, fig) {
					char name[128];

					if (!cJSON_IsNumber(it))
						continue;
					if (replace_copy(types, it->string, it) < 0)
						goto nomem;
					snprintf(name, sizeof(name), "instance_hour.%s", it->string);
					undo_derived(dst, name);
				}
			} else if (cJSON_IsNumber(fig) || cJSON_IsString(fig)) {
				/* figures, and the region's own as_of and source */
				if (replace_copy(dst, fig->string, fig) < 0)
					goto nomem;
				undo_derived(dst, fig->string);
			}
		}
	}
	rc = 0;
	goto out;
nomem:
	aws_error_set(err, AWS_ERR_NOMEM, "OutOfMemory", "out of memory");
out:
	cJSON_Delete(live);
	return rc;
}

/* The figure named key in region r ("nat_gateway_hour", or
 * "instance_hour.TYPE"): 0 and *price, *derived; -1 when absent. */
static int figure(const cJSON *r, const char *key, double *price, int *derived)
{
	const cJSON *v, *d;

	if (strncmp(key, "instance_hour.", 14) == 0)
		v = cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(r, "instance_hour"), key + 14);
	else
		v = cJSON_GetObjectItemCaseSensitive(r, key);
	if (!cJSON_IsNumber(v) || v->valuedouble < 0)
		return -1;
	*price = v->valuedouble;
	*derived = 0;
	cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(r, "derived"))
		if (cJSON_IsString(d) && strcmp(d->valuestring, key) == 0)
			*derived = 1;
	return 0;
}

/* How many actions of the plan create a resource of this kind. */
static int count_kind(const struct plan *p, const char *kind)
{
	int n = 0;

	for (int i = 0; i < p->count; i++)
		if (p->actions[i].role == PLAN_CREATE &&
		    strcmp(p->actions[i].kind, kind) == 0)
			n++;
	return n;
}

struct builder {
	struct cost_estimate *e;
	const cJSON *region;  /* the table's region, NULL when absent */
	int oom;
};

static char *vformat(const char *fmt, va_list ap)
{
	char *s = NULL;

	if (vasprintf(&s, fmt, ap) < 0)
		return NULL;
	return s;
}

/* Add one priced item; per_month tells which way unit_price runs. */
static void add_item(struct builder *b, const char *key, const char *label,
		     const char *price_key, double quantity, int per_month,
		     const char *note, const char *detail_fmt, ...)
	__attribute__((format(printf, 8, 9)));
static void add_item(struct builder *b, const char *key, const char *label,
		     const char *price_key, double quantity, int per_month,
		     const char *note, const char *detail_fmt, ...)
{
	struct cost_estimate *e = b->e;
	struct cost_item *it, *grown;
	va_list ap;
	char *detail, *pkey;

	if (b->oom || quantity <= 0)
		return;
	va_start(ap, detail_fmt);
	detail = vformat(detail_fmt, ap);
	va_end(ap);
	pkey = strdup(price_key);
	grown = detail && pkey ? realloc(e->items, (size_t)(e->count + 1) * sizeof(*grown)) : NULL;
	if (!grown) {
		free(detail);
		free(pkey);
		b->oom = 1;
		return;
	}
	e->items = grown;
	it = &e->items[e->count++];
	memset(it, 0, sizeof(*it));
	it->key = key;
	it->label = label;
	it->detail = detail;
	it->price_key = pkey;
	it->quantity = quantity;
	it->per_month = per_month;
	it->note = note;
	if (b->region && figure(b->region, price_key, &it->unit_price, &it->derived) == 0) {
		it->known = 1;
		if (per_month) {
			it->monthly = quantity * it->unit_price;
			it->hourly = it->monthly / COST_HOURS_PER_MONTH;
		} else {
			it->hourly = quantity * it->unit_price;
			it->monthly = it->hourly * COST_HOURS_PER_MONTH;
		}
		e->hourly_total += it->hourly;
		e->monthly_total += it->monthly;
		e->derived += it->derived;
	} else {
		e->unknown++;
	}
}

static char *dup_field(const cJSON *obj, const char *key, const char *fallback)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return strdup(cJSON_IsString(v) ? v->valuestring : fallback);
}

int cost_estimate(const struct spec *s, const struct plan *p,
		  const struct price_table *t, struct cost_estimate *out,
		  struct aws_error *err)
{
	struct builder b = { .e = out };
	const cJSON *regions = cJSON_GetObjectItemCaseSensitive(t->root, "regions");
	char host_key[96], bastion_key[96];
	int hosts = count_kind(p, "autoscaling:group") ? s->asg_desired : 0;
	int bastions = count_kind(p, "ec2:instance");
	int nats = count_kind(p, "ec2:natgateway");
	int eips = count_kind(p, "ec2:elastic-ip");
	int lbs = count_kind(p, "elbv2:load-balancer");
	int efs = count_kind(p, "efs:file-system");
	int logs = count_kind(p, "logs:log-group");
	int lb_ips = strcmp(s->load_balancer_scheme, "internet-facing") == 0 ?
		lbs * s->availability_zones : 0;

	memset(out, 0, sizeof(*out));
	b.region = cJSON_GetObjectItemCaseSensitive(regions, s->region);
	out->region_known = b.region != NULL;
	out->region = strdup(s->region);
	/* A refreshed region carries its own date and source. */
	out->as_of = dup_field(b.region && cJSON_GetObjectItemCaseSensitive(b.region, "as_of") ?
			       b.region : t->root, "as_of", "");
	if (b.region && cJSON_IsString(cJSON_GetObjectItemCaseSensitive(b.region, "source"))) {
		/* A refreshed region: say where the figures it lacked come from. */
		if (asprintf(&out->source, "%s; other figures: %s, as of %s",
			     cJSON_GetObjectItemCaseSensitive(b.region, "source")->valuestring,
			     price_table_source(t), price_table_as_of(t)) < 0)
			out->source = NULL;
	} else {
		out->source = dup_field(t->root, "source", "");
	}
	out->currency = dup_field(t->root, "currency", "USD");
	if (!out->region || !out->as_of || !out->source || !out->currency)
		b.oom = 1;
	snprintf(host_key, sizeof(host_key), "instance_hour.%s", s->instance_type);
	snprintf(bastion_key, sizeof(bastion_key), "instance_hour.%s",
		 s->bastion_instance_type);

	add_item(&b, "ec2-hosts", N_("EC2 instances (ECS hosts)"), host_key,
		 hosts, 0, NULL, "%d x %s", hosts, s->instance_type);
	add_item(&b, "ec2-bastion", N_("EC2 instance (bastion)"), bastion_key,
		 bastions, 0, NULL, "%d x %s", bastions, s->bastion_instance_type);
	add_item(&b, "ebs-hosts", N_("EBS root volumes (ECS hosts)"),
		 "ebs_gp3_gib_month", (double)hosts * s->root_volume_gib, 1, NULL,
		 "%d x %d GiB gp3", hosts, s->root_volume_gib);
	add_item(&b, "ebs-bastion", N_("EBS root volume (bastion)"),
		 "ebs_gp3_gib_month", (double)bastions * COST_BASTION_ROOT_GIB, 1,
		 N_("assumed 8 GiB, the AMI's default"), "%d x %d GiB gp3", bastions,
		 COST_BASTION_ROOT_GIB);
	add_item(&b, "nat-gateway", N_("NAT gateway"), "nat_gateway_hour", nats, 0,
		 N_("data processed is extra, per GB"), "%d", nats);
	add_item(&b, "load-balancer", N_("Application load balancer"), "alb_hour",
		 lbs, 0, N_("load balancer capacity units (LCU) are extra"), "%d (%s)",
		 lbs, s->load_balancer_scheme);
	add_item(&b, "public-ipv4", N_("Public IPv4 addresses"), "public_ipv4_hour",
		 eips + bastions + lb_ips, 0, NULL,
		 "%d (NAT %d, bastion %d, load balancer %d)", eips + bastions + lb_ips,
		 eips, bastions, lb_ips);
	add_item(&b, "efs-storage", N_("EFS storage (Standard)"),
		 "efs_standard_gib_month", efs * COST_EFS_GIB, 1,
		 N_("assumed 1 GiB stored"), "%g GiB", efs * COST_EFS_GIB);
	add_item(&b, "log-storage", N_("CloudWatch log storage"),
		 "logs_storage_gib_month", logs * COST_LOG_GIB, 1,
		 N_("assumed 1 GiB stored per log group; ingestion is extra, per GB"),
		 "%g GiB", logs * COST_LOG_GIB);
	if (b.oom) {
		cost_estimate_free(out);
		aws_error_set(err, AWS_ERR_NOMEM, "OutOfMemory", "out of memory");
		return -1;
	}
	return 0;
}

void cost_estimate_free(struct cost_estimate *e)
{
	if (!e)
		return;
	for (int i = 0; i < e->count; i++) {
		free(e->items[i].detail);
		free(e->items[i].price_key);
	}
	free(e->items);
	free(e->region);
	free(e->as_of);
	free(e->source);
	free(e->currency);
	memset(e, 0, sizeof(*e));
}

cJSON *cost_to_json(const struct cost_estimate *e)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *items, *assume, *it;

	if (!o)
		return NULL;
	cJSON_AddStringToObject(o, "region", e->region);
	cJSON_AddBoolToObject(o, "region_known", e->region_known);
	cJSON_AddStringToObject(o, "currency", e->currency);
	cJSON_AddStringToObject(o, "as_of", e->as_of);
	cJSON_AddStringToObject(o, "source", e->source);
	cJSON_AddNumberToObject(o, "hours_per_month", COST_HOURS_PER_MONTH);
	cJSON_AddNumberToObject(o, "hourly_total", e->hourly_total);
	cJSON_AddNumberToObject(o, "monthly_total", e->monthly_total);
	cJSON_AddNumberToObject(o, "unknown_items", e->unknown);
	cJSON_AddNumberToObject(o, "derived_items", e->derived);
	items = cJSON_AddArrayToObject(o, "items");
	for (int i = 0; items && i < e->count; i++) {
		const struct cost_item *c = &e->items[i];

		it = cJSON_CreateObject();
		if (!it || !cJSON_AddItemToArray(items, it)) {
			cJSON_Delete(it);
			break;
		}
		cJSON_AddStringToObject(it, "key", c->key);
		cJSON_AddStringToObject(it, "resource", c->label);
		cJSON_AddStringToObject(it, "detail", c->detail);
		cJSON_AddStringToObject(it, "price", c->price_key);
		cJSON_AddNumberToObject(it, "quantity", c->quantity);
		cJSON_AddStringToObject(it, "unit", c->per_month ? "month" : "hour");
		cJSON_AddBoolToObject(it, "known", c->known);
		if (c->known) {
			cJSON_AddNumberToObject(it, "unit_price", c->unit_price);
			cJSON_AddNumberToObject(it, "hourly", c->hourly);
			cJSON_AddNumberToObject(it, "monthly", c->monthly);
		} else {
			cJSON_AddNullToObject(it, "unit_price");
			cJSON_AddNullToObject(it, "hourly");
			cJSON_AddNullToObject(it, "monthly");
		}
		cJSON_AddBoolToObject(it, "derived", c->derived);
		if (c->note)
			cJSON_AddStringToObject(it, "note", c->note);
		else
			cJSON_AddNullToObject(it, "note");
	}
	assume = cJSON_AddArrayToObject(o, "assumptions");
	if (assume) {
		cJSON_AddItemToArray(assume, cJSON_CreateString(
			"on-demand, Linux, shared tenancy; no free tier, savings plans or taxes"));
		cJSON_AddItemToArray(assume, cJSON_CreateString(
			"a month is 730 hours; storage is priced per GiB-month"));
		cJSON_AddItemToArray(assume, cJSON_CreateString(
			"data transfer, NAT data processing, load balancer LCUs and log ingestion are not included"));
	}
	return o;
}

/* Append one formatted line to a NULL-terminated list; -1 when out of memory. */
static int add_line(char ***lines, int *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int add_line(char ***lines, int *n, const char *fmt, ...)
{
	char **grown;
	char *s;
	va_list ap;

	va_start(ap, fmt);
	s = vformat(fmt, ap);
	va_end(ap);
	grown = s ? realloc(*lines, (size_t)(*n + 2) * sizeof(*grown)) : NULL;
	if (!grown) {
		free(s);
		return -1;
	}
	grown[(*n)++] = s;
	grown[*n] = NULL;
	*lines = grown;
	return 0;
}

char **cost_text_lines(const struct cost_estimate *e)
{
	char **lines = calloc(1, sizeof(*lines));
	int n = 0, bad = !lines;

	if (bad)
		return NULL;
	bad |= add_line(&lines, &n, _("Estimated cost in %s (on-demand %s, prices as of %s):"),
			e->region, e->currency, e->as_of);
	if (!e->region_known)
		bad |= add_line(&lines, &n, "  %s",
				_("the price table has no figures for this region; "
				  "try --refresh-prices"));
	bad |= add_line(&lines, &n, "  %-30s %-40s %10s %10s", _("Resource"),
			_("Quantity"), _("Hourly"), _("Monthly"));
	for (int i = 0; i < e->count; i++) {
		const struct cost_item *c = &e->items[i];

		if (c->known)
			bad |= add_line(&lines, &n, "  %-30s %-40s %10.4f %10.2f%s",
					_(c->label), c->detail, c->hourly, c->monthly,
					c->derived ? " *" : "");
		else
			bad |= add_line(&lines, &n, "  %-30s %-40s %10s %10s", _(c->label),
					c->detail, "?", "?");
		if (c->note)
			bad |= add_line(&lines, &n, "    (%s)", _(c->note));
	}
	bad |= add_line(&lines, &n, "  %-30s %-40s %10.4f %10.2f", _("Total"), "",
			e->hourly_total, e->monthly_total);
	bad |= add_line(&lines, &n, "  %s", _("A month is 730 hours. Data transfer, NAT data "
					      "processing, LCUs and log ingestion are not included."));
	if (e->unknown)
		bad |= add_line(&lines, &n, "  %s", _("?: no price in the table, not in the total; "
						      "--refresh-prices reads the AWS Price List"));
	if (e->derived)
		bad |= add_line(&lines, &n, "  %s", _("*: estimated from the us-east-1 price "
						      "(see the price table's notes)"));
	bad |= add_line(&lines, &n, _("  Source: %s"), e->source);
	if (bad) {
		cost_lines_free(lines);
		return NULL;
	}
	return lines;
}

void cost_lines_free(char **lines)
{
	if (!lines)
		return;
	for (int i = 0; lines[i]; i++)
		free(lines[i]);
	free(lines);
}
