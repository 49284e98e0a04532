/* cmd-preflight.c - `ecs-wizard preflight`: who am I, where, can I run
 * the instance type there, and what would make a deployment of the spec
 * fail halfway (preflight-checks.h). Words the results as text or JSON.
 *
 * Exit status: 0 when the checks ran (whether or not they found problems:
 * those are reported with what to change, not a failure), 1 when a call failed or no credentials
 * were found, 2 for bad input (spec, config file, no region). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd-json.h"
#include "context.h"
#include "i18n.h"
#include "interrupt.h"
#include "plan.h"
#include "preflight-checks.h"
#include "preflight.h"
#include "spec.h"

static int exit_status_for(const struct aws_error *err)
{
	if (ew_interrupted || err->kind == AWS_ERR_CANCELLED)
		return EXIT_INTERRUPTED;
	if (err->kind == AWS_ERR_CONFIG || err->kind == AWS_ERR_INPUT)
		return EXIT_BAD_INPUT;
	return EXIT_FAILED;
}

/* The one line for a failure, on stderr (text mode). */
static void print_failure(const struct preflight_result *r,
			  const struct aws_error *err)
{
	char line[1024];

	if (err->kind == AWS_ERR_CREDENTIALS) {
		fprintf(stderr, _("%s: preflight: no usable AWS credentials (%s: %s); %s\n"),
			PACKAGE, err->code, err->message, _(cli_credentials_hint));
		return;
	}
	aws_error_format(err, line, sizeof(line));
	if (r->failed)
		fprintf(stderr, _("%s: preflight: %s failed: %s\n"), PACKAGE,
			r->failed, line);
	else
		fprintf(stderr, _("%s: preflight: %s\n"), PACKAGE, line);
}

static void print_text(const struct preflight_result *r)
{
	printf(_("Account:        %s\n"), r->account);
	printf(_("Caller:         %s\n"), r->arn);
	printf(_("Region:         %s\n"), r->region);
	printf(_("Credentials:    %s\n"), r->credential_source ? r->credential_source : "-");
	if (r->instance_type_offered == 1)
		printf(_("Instance type:  %s is offered in %s\n"), r->instance_type,
		       r->region);
	else
		printf(_("Instance type:  %s is NOT offered in %s: choose another type or region\n"),
		       r->instance_type, r->region);
}

static void print_findings(const struct pf_findings *f)
{
	printf("%s\n", _("Checks:"));
	for (int i = 0; i < f->count; i++) {
		const struct pf_finding *x = &f->items[i];
		const char *word = x->status == PF_OK ? _("ok") :
			x->status == PF_PROBLEM ? _("PROBLEM") : _("not checked");

		printf("  %-12s %s\n", word, x->message);
		if (x->fix)
			printf("  %-12s %s %s\n", "", _("fix:"), x->fix);
	}
	printf(P_("%d problem", "%d problems", f->problems), f->problems);
	printf(", ");
	printf(P_("%d check could not be made\n", "%d checks could not be made\n", f->unchecked),
	       f->unchecked);
}

static void print_json(const struct preflight_result *r, const struct aws_error *err,
		       const struct pf_findings *f)
{
	/* preflight_to_json's fields plus the envelope's {command, ok}. */
	cJSON *obj = preflight_to_json(r, err);

	if (obj && f) {
		cJSON_AddItemToObject(obj, "checks", pf_findings_to_json(f));
		cJSON_AddNumberToObject(obj, "problems", f->problems);
		cJSON_AddNumberToObject(obj, "unchecked", f->unchecked);
	}

	if (obj) {
		cJSON_AddStringToObject(obj, "command", "preflight");
		cJSON_AddBoolToObject(obj, "ok", !err || err->kind == AWS_ERR_NONE);
	}
	cmd_json_print(obj);
}

static int preflight_exec(struct ew_options *opts)
{
	struct ew_options eff = *opts; /* shallow: borrows opts' strings */
	struct spec *spec = NULL;
	struct spec_problems pr;
	struct ew_context *ctx = NULL;
	struct preflight_result r;
	struct aws_error err;
	struct plan *plan = NULL;
	struct pf_findings findings = { 0 };
	const char *type = "m5zn.xlarge";
	int rc = EXIT_FAILED;
	size_t i;

	spec_problems_init(&pr);
	preflight_result_init(&r);
	aws_error_clear(&err);
	if (opts->spec_file) {
		spec = spec_new_defaults();
		if (!spec)
			goto out;
		spec_load_file(spec, opts->spec_file, &pr);
		/* Only what preflight uses must be right here; plan and deploy
		 * validate the whole spec. */
		if (!pr.count) {
			char why[256];

			if (spec_check_value("region", spec->region, why, sizeof(why)) < 0)
				spec_problem_add(&pr, "region", "%s", why);
			if (spec_check_value("instance_type", spec->instance_type, why,
					     sizeof(why)) < 0)
				spec_problem_add(&pr, "instance_type", "%s", why);
		}
		if (pr.count) {
			if (opts->output_json) {
				/* Scripts read stdout: the first problem there too. */
				aws_error_set(&err, AWS_ERR_INPUT, "InvalidSpec", "%s%s%s",
					      pr.items[0].key, pr.items[0].key[0] ? ": " : "",
					      pr.items[0].message);
				aws_error_where(&err, "%s", opts->spec_file);
				r.failed = "spec";
				print_json(&r, &err, NULL);
			}
			for (i = 0; i < pr.count; i++)
				if (pr.items[i].key[0])
					fprintf(stderr, "%s: %s: %s: %s\n", PACKAGE,
						opts->spec_file, pr.items[i].key,
						pr.items[i].message);
				else
					fprintf(stderr, "%s: %s\n", PACKAGE,
						pr.items[i].message);
			rc = EXIT_BAD_INPUT;
			goto out;
		}
		type = spec->instance_type;
		/* The spec says where the deployment goes; --region still wins. */
		if (!eff.region)
			eff.region = spec->region;
	}
	if (context_open(&eff, true, &ctx, &err) < 0) {
		r.failed = err.kind == AWS_ERR_CREDENTIALS ? "credentials" : NULL;
		r.instance_type = strdup(type);
		goto failed;
	}
	if (preflight_run(ctx, type, &r, &err) < 0)
		goto failed;
	if (!spec && !(spec = spec_new_defaults()))
		goto out;
	/* A plan that cannot be built (a spec that plan would refuse) only
	 * leaves the IAM simulation unchecked. */
	if (plan_build(spec, &plan, &err) < 0) {
		plan = NULL;
		aws_error_clear(&err);
	}
	if (pf_run(ctx, spec, plan, r.arn, &findings, &err) < 0) {
		r.failed = "checks";
		goto failed;
	}
	if (opts->output_json) {
		print_json(&r, NULL, &findings);
	} else {
		print_text(&r);
		print_findings(&findings);
	}
	rc = ew_interrupted ? EXIT_INTERRUPTED : EXIT_OK;
	goto out;
failed:
	if (opts->output_json)
		print_json(&r, &err, NULL);
	else
		print_failure(&r, &err);
	rc = exit_status_for(&err);
out:
	pf_findings_free(&findings);
	plan_free(plan);
	context_free(ctx);
	preflight_result_free(&r);
	spec_problems_free(&pr);
	spec_free(spec);
	return rc;
}

const struct cli_command cmd_preflight = {
	.name = "preflight",
	.usage = "[--region R] [--profile P] [--spec FILE] [--endpoint-url URL] [--output json]",
	.summary = N_("check the credentials, the account and that the instance type is offered"),
	.max_args = 0,
	.exec = preflight_exec,
};
