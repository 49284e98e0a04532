/* cost-paths.c - where the price tables are. See cost.h.
 *
 * Its own file because it alone is compiled with PKGDATADIR (src/cost.am);
 * cost_review_lines() is here as it opens the default table. */
#include "config.h"

#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cost.h"
#include "i18n.h"

#ifndef PKGDATADIR
#define PKGDATADIR "/usr/local/share/ecs-wizard"
#endif

static char *readable(const char *dir, const char *rel)
{
	char *path = NULL;

	if (asprintf(&path, "%s/%s", dir, rel) < 0)
		return NULL;
	if (access(path, R_OK) == 0)
		return path;
	free(path);
	return NULL;
}

char *price_table_shipped_path(void)
{
	const char *env = getenv("ECSW_DATADIR");
	char exe[PATH_MAX];
	char *path;
	ssize_t n;

	if (env && *env && (path = readable(env, "prices.json")))
		return path;
	/* A build tree: src/ecs-wizard (or src/.libs/...) beside data/. */
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *dir = dirname(exe);

		if ((path = readable(dir, "../data/prices.json")) ||
		    (path = readable(dir, "../../data/prices.json")))
			return path;
	}
	return readable(PKGDATADIR, "prices.json");
}

char *price_table_cache_path(void)
{
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	char *path = NULL;
	int n;

	if (xdg && xdg[0] == '/')
		n = asprintf(&path, "%s/%s/prices.json", xdg, PACKAGE);
	else if (home && *home)
		n = asprintf(&path, "%s/.cache/%s/prices.json", home, PACKAGE);
	else
		return NULL;
	return n < 0 ? NULL : path;
}

int price_table_open_default(struct price_table **out, struct aws_error *err)
{
	char *shipped = price_table_shipped_path();
	char *cache = price_table_cache_path();
	int rc = -1;

	*out = NULL;
	if (!shipped) {
		aws_error_set(err, AWS_ERR_CONFIG, "PriceTableMissing",
			      "no price table (prices.json) found");
		aws_error_where(err, "%s", PKGDATADIR);
		goto out;
	}
	if (price_table_load(shipped, out, err) < 0)
		goto out;
	if (cache && access(cache, F_OK) == 0 &&
	    price_table_overlay(*out, cache, err) < 0) {
		price_table_free(*out);
		*out = NULL;
		goto out;
	}
	rc = 0;
out:
	free(shipped);
	free(cache);
	return rc;
}

char **cost_review_lines(const struct spec *s, const struct plan *p)
{
	struct price_table *t = NULL;
	struct cost_estimate e;
	struct aws_error err;
	char **lines = NULL;
	char msg[768];

	aws_error_clear(&err);
	if (price_table_open_default(&t, &err) == 0 && cost_estimate(s, p, t, &e, &err) == 0) {
		lines = cost_text_lines(&e);
		cost_estimate_free(&e);
	} else if (err.kind != AWS_ERR_NOMEM) {
		snprintf(msg, sizeof(msg), _("No cost estimate: %s (%s)"), err.message, err.where);
		lines = calloc(2, sizeof(*lines));
		if (lines && !(lines[0] = strdup(msg))) {
			free(lines);
			lines = NULL;
		}
	}
	price_table_free(t);
	return lines;
}
