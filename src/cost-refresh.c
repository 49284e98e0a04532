/* cost-refresh.c - `--refresh-prices`: the spec's figures from the AWS
 * Price List API (pricing:GetProducts), written to the user's cache as a
 * price table that overlays the shipped one (cost.h).
 *
 * Read-only towards AWS. Each PriceList entry is a JSON document in a
 * string: {"product": {"attributes": {...}}, "terms": {"OnDemand": {id:
 * {"priceDimensions": {id: {"unit", "pricePerUnit": {"USD"}}}}}}}. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cost-refresh.h"

/* At most this many pages per query: our filters match a few products. */
#define MAX_PAGES 20

struct query {
	const char *figure;       /* the table's name: "nat_gateway_hour" */
	const char *service_code; /* "AmazonEC2" */
	const char *unit;         /* the price dimension's unit: "Hrs", "GB-Mo" */
	const char *usage_suffix; /* usagetype ends with it, or NULL: any */
	const char *filters[8][2];/* field, value (TERM_MATCH); region added */
};

static const struct query fixed_queries[] = {
	{ "ebs_gp3_gib_month", "AmazonEC2", "GB-Mo", NULL,
	  { { "productFamily", "Storage" }, { "volumeApiName", "gp3" } } },
	{ "nat_gateway_hour", "AmazonEC2", "Hrs", "NatGateway-Hours",
	  { { "productFamily", "NAT Gateway" } } },
	{ "alb_hour", "AWSELB", "Hrs", "LoadBalancerUsage",
	  { { "productFamily", "Load Balancer-Application" } } },
	{ "efs_standard_gib_month", "AmazonEFS", "GB-Mo", "TimedStorage-ByteHrs",
	  { { "productFamily", "Storage" }, { "storageClass", "General Purpose" } } },
};

static int nomem(struct aws_error *err)
{
	aws_error_set(err, AWS_ERR_NOMEM, "OutOfMemory", "out of memory");
	return -1;
}

static const cJSON *get(const cJSON *o, const char *k)
{
	return cJSON_GetObjectItemCaseSensitive(o, k);
}

static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* The on-demand USD price of one PriceList document when its usage type
 * and unit are the query's: 0 and *price, -1 when it is not one. */
static int product_price(const char *doc, const struct query *q, double *price)
{
	cJSON *root = cJSON_Parse(doc);
	const cJSON *attrs, *usage, *term, *dim, *usd;
	int rc = -1;

	attrs = get(get(root, "product"), "attributes");
	usage = get(attrs, "usagetype");
	if (!root || (q->usage_suffix &&
		      (!cJSON_IsString(usage) || !ends_with(usage->valuestring, q->usage_suffix))))
		goto out;
	/* The filters again: a product that says otherwise is not ours. */
	for (int i = 0; i < 8 && q->filters[i][0]; i++) {
		const cJSON *a = get(attrs, q->filters[i][0]);

		if (cJSON_IsString(a) && strcmp(a->valuestring, q->filters[i][1]) != 0)
			goto out;
	}
	cJSON_ArrayForEach(term, get(get(root, "terms"), "OnDemand")) {
		cJSON_ArrayForEach(dim, get(term, "priceDimensions")) {
			const cJSON *unit = get(dim, "unit");

			usd = get(get(dim, "pricePerUnit"), "USD");
			if (!cJSON_IsString(unit) || strcmp(unit->valuestring, q->unit) != 0 ||
			    !cJSON_IsString(usd))
				continue;
			*price = strtod(usd->valuestring, NULL);
			/* A tier starting above zero is not the first GB's price. */
			if (*price > 0) {
				rc = 0;
				goto out;
			}
		}
	}
out:
	cJSON_Delete(root);
	return rc;
}

static int add_filter(cJSON *filters, const char *field, const char *value)
{
	cJSON *f = cJSON_CreateObject();

	if (!f || !cJSON_AddItemToArray(filters, f)) {
		cJSON_Delete(f);
		return -1;
	}
	return cJSON_AddStringToObject(f, "Type", "TERM_MATCH") &&
		cJSON_AddStringToObject(f, "Field", field) &&
		cJSON_AddStringToObject(f, "Value", value) ? 0 : -1;
}

/* Run one query, page by page, until a product prices it. 1 found (*price),
 * 0 not found, -1 error. */
static int run_query(struct aws_client *c, const char *region,
		     const struct query *q, double *price, struct aws_error *err)
{
	cJSON *in = cJSON_CreateObject();
	cJSON *filters, *out = NULL;
	const cJSON *item, *next;
	int rc = -1, found = 0;

	filters = in ? cJSON_AddArrayToObject(in, "Filters") : NULL;
	if (!filters || !cJSON_AddStringToObject(in, "ServiceCode", q->service_code) ||
	    !cJSON_AddStringToObject(in, "FormatVersion", "aws_v1") ||
	    add_filter(filters, "regionCode", region) < 0) {
		cJSON_Delete(in);
		return nomem(err);
	}
	for (int i = 0; i < 8 && q->filters[i][0]; i++)
		if (add_filter(filters, q->filters[i][0], q->filters[i][1]) < 0) {
			cJSON_Delete(in);
			return nomem(err);
		}
	for (int page = 0; page < MAX_PAGES && !found; page++) {
		if (aws_call(c, "pricing", "GetProducts", in, &out, err) < 0)
			goto out;
		cJSON_ArrayForEach(item, get(out, "PriceList"))
			if (cJSON_IsString(item) && product_price(item->valuestring, q, price) == 0) {
				found = 1;
				break;
			}
		next = get(out, "NextToken");
		if (found || !cJSON_IsString(next) || !*next->valuestring)
			break;
		cJSON_DeleteItemFromObjectCaseSensitive(in, "NextToken");
		if (!cJSON_AddStringToObject(in, "NextToken", next->valuestring)) {
			rc = nomem(err);
			goto out;
		}
		cJSON_Delete(out);
		out = NULL;
	}
	rc = found;
out:
	cJSON_Delete(in);
	cJSON_Delete(out);
	return rc;
}

/* The refreshed table so far (the cache's other regions are kept), or a
 * new one. */
static cJSON *load_cache(const char *path)
{
	char *text = cost_read_file(path);
	cJSON *doc = text ? cJSON_Parse(text) : NULL;

	free(text);
	if (doc && !cJSON_IsObject(get(doc, "regions"))) {
		cJSON_Delete(doc);
		doc = NULL;
	}
	if (!doc) {
		doc = cJSON_CreateObject();
		if (doc && (!cJSON_AddNumberToObject(doc, "format", 1) ||
			    !cJSON_AddStringToObject(doc, "currency", "USD") ||
			    !cJSON_AddObjectToObject(doc, "regions"))) {
			cJSON_Delete(doc);
			doc = NULL;
		}
	}
	return doc;
}

/* mkdir -p with mode 0700 for each missing directory of path's parent. */
static int make_parent(const char *path)
{
	char dir[4096];
	char *p;

	if (strlen(path) >= sizeof(dir))
		return -1;
	strcpy(dir, path);
	p = strrchr(dir, '/');
	if (!p || p == dir)
		return 0;
	*p = '\0';
	for (p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(dir, 0700) < 0 && errno != EEXIST ? -1 : 0;
}

/* Write doc to path through a temp file and rename, mode 0600. */
static int write_atomic(const char *path, const cJSON *doc, struct aws_error *err)
{
	char tmp[4200];
	char *text = cJSON_Print(doc);
	size_t len, off = 0;
	int fd = -1, rc = -1;

	if (!text)
		return nomem(err);
	if (make_parent(path) < 0 ||
	    snprintf(tmp, sizeof(tmp), "%s.tmp.XXXXXX", path) >= (int)sizeof(tmp) ||
	    (fd = mkstemp(tmp)) < 0 || fchmod(fd, 0600) < 0)
		goto fail;
	len = strlen(text);
	while (off < len) {
		ssize_t w = write(fd, text + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			goto fail;
		off += (size_t)w;
	}
	if (fsync(fd) < 0 || close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) < 0)
		goto fail;
	rc = 0;
	goto out;
fail:
	aws_error_set(err, AWS_ERR_CONFIG, "PriceCacheWrite", "%s", strerror(errno));
	aws_error_where(err, "%s", path);
	if (fd >= 0) {
		close(fd);
		unlink(tmp);
	}
out:
	free(text);
	return rc;
}

static int set_number(cJSON *obj, const char *key, double v)
{
	cJSON *n = cJSON_CreateNumber(v);

	if (!n)
		return -1;
	if (get(obj, key))
		return cJSON_ReplaceItemInObjectCaseSensitive(obj, key, n) ? 0 : -1;
	return cJSON_AddItemToObject(obj, key, n) ? 0 : -1;
}

/* Run q and store its price as dst[key], counting it found or missing. */
static int fetch(struct aws_client *c, const char *region, const struct query *q,
		 cJSON *dst, const char *key, struct cost_refresh_result *res,
		 struct aws_error *err)
{
	double price;
	int found = run_query(c, region, q, &price, err);

	if (found < 0)
		return -1;
	if (!found) {
		res->missing++;
		return 0;
	}
	if (set_number(dst, key, price) < 0)
		return nomem(err);
	res->found++;
	return 0;
}

int cost_refresh_prices(struct aws_client *c, const char *region,
			const char *const *instance_types, const char *cache_path,
			struct cost_refresh_result *res, struct aws_error *err)
{
	cJSON *doc = load_cache(cache_path);
	cJSON *regions, *r, *types;
	char today[16];
	time_t now = time(NULL);
	struct tm tm;
	int rc = -1;

	memset(res, 0, sizeof(*res));
	if (!doc)
		return nomem(err);
	strftime(today, sizeof(today), "%Y-%m-%d", gmtime_r(&now, &tm));
	regions = (cJSON *)get(doc, "regions");
	cJSON_DeleteItemFromObjectCaseSensitive(regions, region);
	r = cJSON_AddObjectToObject(regions, region);
	types = r ? cJSON_AddObjectToObject(r, "instance_hour") : NULL;
	if (!types || !cJSON_AddStringToObject(r, "as_of", today) ||
	    !cJSON_AddStringToObject(r, "source",
				     "AWS Price List API (pricing:GetProducts), on-demand") ||
	    set_number(doc, "format", 1) < 0) {
		nomem(err);
		goto out;
	}
	for (int i = 0; instance_types[i]; i++) {
		struct query q = {
			.figure = instance_types[i], .service_code = "AmazonEC2", .unit = "Hrs",
			.filters = { { "instanceType", instance_types[i] },
				     { "operatingSystem", "Linux" }, { "tenancy", "Shared" },
				     { "preInstalledSw", "NA" }, { "capacitystatus", "Used" } },
		};

		if (get(types, instance_types[i]))
			continue; /* host and bastion of the same type */
		if (fetch(c, region, &q, types, instance_types[i], res, err) < 0)
			goto out;
	}
	for (size_t i = 0; i < sizeof(fixed_queries) / sizeof(fixed_queries[0]); i++) {
		if (fetch(c, region, &fixed_queries[i], r, fixed_queries[i].figure, res,
			  err) < 0)
			goto out;
	}
	if (!res->found) { /* nothing read: the cache must not claim a fresh date */
		rc = 0;
		goto out;
	}
	cJSON_DeleteItemFromObjectCaseSensitive(doc, "as_of");
	if (!cJSON_AddStringToObject(doc, "as_of", today)) {
		nomem(err);
		goto out;
	}
	rc = write_atomic(cache_path, doc, err);
out:
	cJSON_Delete(doc);
	return rc;
}
