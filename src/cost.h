/* cost.h - what the planned deployment costs per hour and per month, from
 * a dated on-demand price table (data/prices.json, see tools/gen-prices.py).
 *
 * Pure: nothing here sends anything. The table is read from a file (the
 * shipped one, overlaid with the user's refreshed one when there is one);
 * the estimate counts the plan's billable resources and prices them. The
 * CLI prints cost_text_lines(), `--output json` embeds cost_to_json(), and
 * the TUI's review shows the same lines (it needs to know nothing of AWS). */
#ifndef ECSW_COST_H
#define ECSW_COST_H

#include <cjson/cJSON.h>

#include "aws/error.h"
#include "plan.h"
#include "spec.h"

/* What we assume where the plan says nothing (stated in every estimate). */
#define COST_HOURS_PER_MONTH 730.0
#define COST_BASTION_ROOT_GIB 8   /* Amazon Linux 2023 AMI's default root volume */
#define COST_EFS_GIB 1.0          /* the license and little else */
#define COST_LOG_GIB 1.0          /* a month of the container's logs, kept */

/* The price table: the parsed JSON (format 1). Opaque outside cost.c. */
struct price_table;

/* Read the table at path. 0 and *out (the caller's, price_table_free), or
 * -1 with err (AWS_ERR_CONFIG, where = path) when it is unreadable or not
 * a format-1 table. */
int price_table_load(const char *path, struct price_table **out,
		     struct aws_error *err);
/* Take a refreshed table's figures over t's (regions and figures present in
 * it replace t's and lose their "derived" mark). 0, or -1 with err. */
int price_table_overlay(struct price_table *t, const char *path,
			struct aws_error *err);
void price_table_free(struct price_table *t);
/* A whole file as malloc'd NUL-terminated text (at most 64 MiB), or NULL. */
char *cost_read_file(const char *path);
/* The table's date ("2024-06-01"); borrowed. A refreshed region reports
 * its own date in the estimate. */
const char *price_table_as_of(const struct price_table *t);

/* Where the shipped table is: $ECSW_DATADIR/prices.json, then next to the
 * binary in a build tree (<exe dir>/../data), then PKGDATADIR. A malloc'd
 * path of a readable file, or NULL. */
char *price_table_shipped_path(void);
/* The refreshed table: $XDG_CACHE_HOME/ecs-wizard/prices.json (or
 * ~/.cache/...). Malloc'd, whether or not it exists; NULL without HOME. */
char *price_table_cache_path(void);
/* The shipped table overlaid with the cache when it exists. 0 and *out, or
 * -1 with err (no table found, unreadable). */
int price_table_open_default(struct price_table **out, struct aws_error *err);

struct cost_item {
	const char *key;      /* static, stable: "ec2-hosts", "nat-gateway" ... */
	const char *label;    /* static, N_(): what it is, translate with _() */
	char *detail;         /* owned: "1 × m5zn.xlarge", "50 GiB gp3 × 1" */
	char *price_key;      /* owned: the table's figure, "instance_hour.t2.micro" */
	double quantity;      /* units priced (instances, GiB, addresses) */
	double unit_price;    /* USD per unit per hour (hourly figures) or per month */
	int per_month;        /* 1: unit_price is per month (storage), 0: per hour */
	double hourly;        /* USD per hour */
	double monthly;       /* USD per month of COST_HOURS_PER_MONTH hours */
	int known;            /* 0: the table has no price for it (not in the totals) */
	int derived;          /* 1: the figure is an estimate (see the table's notes) */
	const char *note;     /* static, N_(), may be NULL: what is left out */
};

struct cost_estimate {
	char *region;         /* owned */
	char *as_of;          /* owned: the figures' date */
	char *source;         /* owned: where they come from */
	char *currency;       /* owned: "USD" */
	struct cost_item *items; /* owned */
	int count;
	double hourly_total;  /* of the known items */
	double monthly_total;
	int unknown;          /* items without a price */
	int derived;          /* items priced with a derived figure */
	int region_known;     /* 0: the table has no such region: nothing priced */
};

/* Price the plan's billable resources in s->region. 0 and *out filled (the
 * caller's, cost_estimate_free), or -1 with err (out of memory). A region
 * or instance type the table lacks is not an error: those items are
 * marked unknown and left out of the totals. */
int cost_estimate(const struct spec *s, const struct plan *p,
		  const struct price_table *t, struct cost_estimate *out,
		  struct aws_error *err);
void cost_estimate_free(struct cost_estimate *e);

/* The estimate as JSON (documented in ecs-wizard(1), COST): region,
 * currency, as_of, source, hours_per_month, hourly_total, monthly_total,
 * items[] {key, resource, detail, quantity, unit_price, unit, hourly,
 * monthly, known, derived, note}, assumptions[]. Caller's. */
cJSON *cost_to_json(const struct cost_estimate *e);

/* The estimate as translated lines of text (a table, totals, the date and
 * the assumptions), for `plan` and the TUI's review. Returns a
 * NULL-terminated malloc'd array of malloc'd strings (cost_lines_free), or
 * NULL when out of memory. */
char **cost_text_lines(const struct cost_estimate *e);
void cost_lines_free(char **lines);

/* For the TUI's review of the whole plan: the estimate of s's plan p from
 * the default table (price_table_open_default) as cost_text_lines(), or,
 * when there is no table, one line saying so. NULL only when out of
 * memory. Free with cost_lines_free. */
char **cost_review_lines(const struct spec *s, const struct plan *p);

#endif
