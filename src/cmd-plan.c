/* cmd-plan.c - `ecs-wizard plan --spec F [--output json]`: every section,
 * every resource and the exact call that would create it.
 *
 * Sends nothing at all, so it works without credentials: values only known
 * at run time stay references ("${vpc.id}", "${account.Account}"). The one
 * exception is --refresh-prices, which reads the AWS Price List API (and
 * so needs credentials) before the cost estimate is made. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd-engine.h"
#include "cmd-json.h"
#include "context.h"
#include "cost-refresh.h"
#include "cost.h"
#include "i18n.h"
#include "interrupt.h"
#include "plan.h"
#include "step.h"

static const char *role_word(int role)
{
	switch (role) {
	case PLAN_LOOKUP:
		return _("look up");
	case PLAN_CREATE:
		return _("create");
	case PLAN_CONFIGURE:
		return _("configure");
	default:
		return _("local");
	}
}

static void print_text(const struct plan *p)
{
	int section = -1, role_cols = 9;

	/* The role column fits the longest translated role word. */
	for (int r = PLAN_LOOKUP; r <= PLAN_LOCAL; r++)
		if (i18n_width(role_word(r)) > role_cols)
			role_cols = i18n_width(role_word(r));

	for (int i = 0; i < p->count; i++) {
		const struct plan_action *a = &p->actions[i];
		char *params;

		if (a->section != section) {
			for (int k = 0; steps[k]; k++)
				if (steps[k]->section == a->section)
					printf("%s%d. %s\n", section < 0 ? "" : "\n",
					       a->section, _(steps[k]->title));
			section = a->section;
		}
		printf("  ");
		i18n_fpad(stdout, role_word(a->role), role_cols);
		printf(" %-28s %s\n", a->key, *a->name ? a->name : a->kind);
		params = cJSON_PrintUnformatted(a->params);
		if (a->role == PLAN_LOCAL)
			printf("%*s%s %s\n", role_cols + 3, "", a->operation, params ? params : "");
		else
			printf("%*s%s %s %s\n", role_cols + 3, "", a->service, a->operation,
			       params ? params : "");
		free(params);
		if (a->depend_count) {
			printf("%*s%s", role_cols + 3, "", _("after:"));
			for (int d = 0; d < a->depend_count; d++)
				printf(" %s", a->depends[d]);
			printf("\n");
		}
	}
}

/* --refresh-prices: the spec's figures from the Price List API into the
 * cache. The API is served in us-east-1 whatever the deployment's region. */
static int refresh_prices(const struct ew_options *opts, const struct spec *s)
{
	struct ew_options eff = *opts; /* shallow: borrows opts' strings */
	struct ew_context *ctx = NULL;
	struct cost_refresh_result res;
	struct aws_error err;
	const char *types[] = { s->instance_type, s->bastion_instance_type, NULL };
	char *cache = price_table_cache_path();
	char line[1024];
	int rc = EXIT_FAILED;

	aws_error_clear(&err);
	eff.region = "us-east-1";
	if (!cache) {
		fprintf(stderr, _("%s: --refresh-prices: no cache directory (set HOME or XDG_CACHE_HOME)\n"),
			PACKAGE);
		return EXIT_BAD_INPUT;
	}
	if (context_open(&eff, true, &ctx, &err) < 0 ||
	    cost_refresh_prices(ctx->client, s->region, types, cache, &res, &err) < 0) {
		if (err.kind == AWS_ERR_CREDENTIALS) {
			fprintf(stderr, _("%s: --refresh-prices: no usable AWS credentials (%s: %s); %s\n"),
				PACKAGE, err.code, err.message, _(cli_credentials_hint));
		} else {
			aws_error_format(&err, line, sizeof(line));
			fprintf(stderr, _("%s: --refresh-prices: reading the AWS Price List failed: %s\n"),
				PACKAGE, line);
		}
		if (ew_interrupted || err.kind == AWS_ERR_CANCELLED)
			rc = EXIT_INTERRUPTED;
		else if (err.kind == AWS_ERR_CONFIG || err.kind == AWS_ERR_INPUT)
			rc = EXIT_BAD_INPUT;
		goto out;
	}
	fprintf(stderr, _("%s: read %d prices for %s from the AWS Price List (%d not found, kept as shipped) into %s\n"),
		PACKAGE, res.found, s->region, res.missing, cache);
	rc = EXIT_OK;
out:
	context_free(ctx);
	free(cache);
	return rc;
}

/* The estimate for the plan, or NULL (with a warning: a plan without a
 * price table is still a plan). *e is the caller's when returned. */
static int estimate(const struct spec *s, const struct plan *p,
		    struct cost_estimate *e)
{
	struct price_table *t = NULL;
	struct aws_error err;
	char line[1024];
	int rc;

	aws_error_clear(&err);
	if (price_table_open_default(&t, &err) < 0 ||
	    cost_estimate(s, p, t, e, &err) < 0) {
		aws_error_format(&err, line, sizeof(line));
		fprintf(stderr, _("%s: no cost estimate: %s\n"), PACKAGE, line);
		rc = -1;
	} else {
		rc = 0;
	}
	price_table_free(t);
	return rc;
}

static void print_cost(const struct cost_estimate *e)
{
	char **lines = cost_text_lines(e);

	printf("\n");
	for (int i = 0; lines && lines[i]; i++)
		printf("%s\n", lines[i]);
	cost_lines_free(lines);
}

static int plan_exec(struct ew_options *opts)
{
	struct aws_error err;
	struct spec *s = cmd_load_spec_err(opts, &err);
	struct plan *p = NULL;
	struct cost_estimate cost;
	int have_cost = 0;
	int rc = EXIT_BAD_INPUT;

	memset(&cost, 0, sizeof(cost));
	if (!s) {
		if (opts->output_json) {
			cJSON *j = cmd_json_new("plan");
			cmd_json_fail(j, &err, "spec");
			cmd_json_print(j);
		}
		return EXIT_BAD_INPUT;
	}
	if (plan_build(s, &p, &err) < 0) {
		fprintf(stderr, "%s: %s\n", PACKAGE, err.message);
		if (opts->output_json) {
			cJSON *j = cmd_json_new("plan");
			cmd_json_fail(j, &err, "plan");
			cmd_json_print(j);
		}
		goto out;
	}
	if (opts->refresh_prices) {
		rc = refresh_prices(opts, s);
		if (rc != EXIT_OK)
			goto out;
	}
	have_cost = estimate(s, p, &cost) == 0;
	if (opts->output_json) {
		/* {command, ok, sections: [...], spec, cost} (ecs-wizard(1)). */
		cJSON *j = plan_to_json(p);

		if (j) {
			cJSON_AddStringToObject(j, "command", "plan");
			cJSON_AddBoolToObject(j, "ok", 1);
			cJSON_AddItemToObject(j, "spec", spec_to_json(s));
			if (have_cost)
				cJSON_AddItemToObject(j, "cost", cost_to_json(&cost));
			else
				cJSON_AddNullToObject(j, "cost");
		}
		rc = cmd_json_print(j) == 0 ? EXIT_OK : EXIT_FAILED;
		goto out;
	}
	print_text(p);
	if (have_cost)
		print_cost(&cost);
	rc = fflush(stdout) == 0 ? EXIT_OK : EXIT_FAILED;
out:
	cost_estimate_free(&cost);
	plan_free(p);
	spec_free(s);
	return rc;
}

const struct cli_command cmd_plan = {
	.name = "plan",
	.usage = "[--spec FILE] [--name NAME] [--output json] [--refresh-prices]",
	.summary = N_("show every resource and the exact AWS call that creates it; sends nothing"),
	.max_args = 0,
	.exec = plan_exec,
};
