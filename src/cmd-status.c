/* cmd-status.c - `ecs-wizard status --name N [--output json]`: what the
 * journal says about each resource (key, kind, id, state). Reads only the
 * journal; sends nothing. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd-engine.h"
#include "cmd-json.h"
#include "i18n.h"
#include "journal.h"

static const char *str(const cJSON *o, const char *field)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, field);
	return cJSON_IsString(v) ? v->valuestring : "";
}

/* In JSON mode the failure goes to stdout too, as {command, ok: false,
 * error}; the one line on stderr stays for people. */
static void json_failure(const struct ew_options *opts, const struct aws_error *err,
			 const char *failed)
{
	cJSON *j;

	if (!opts->output_json)
		return;
	j = cmd_json_new("status");
	cmd_json_fail(j, err, failed);
	cmd_json_print(j);
}

static int status_exec(struct ew_options *opts)
{
	struct journal *j = NULL;
	struct aws_error err;
	char *state_dir = cmd_state_dir(opts);
	const char *name = opts->name;
	struct spec *s = NULL;
	const cJSON *res, *r;
	int rc = EXIT_BAD_INPUT;
	char buf[700];

	aws_error_clear(&err);
	if (!name) {
		s = cmd_load_spec_err(opts, &err);
		if (!s) {
			json_failure(opts, &err, "spec");
			goto out;
		}
		name = s->name;
	}
	if (!state_dir) {
		fprintf(stderr, _("%s: no state directory: give --state-dir\n"), PACKAGE);
		aws_error_set(&err, AWS_ERR_INPUT, "StateDir", "%s", _("no state directory"));
		json_failure(opts, &err, "journal");
		goto out;
	}
	if (journal_load(state_dir, name, &j, &err) < 0) {
		fprintf(stderr, "%s: %s\n", PACKAGE, aws_error_format(&err, buf, sizeof buf));
		json_failure(opts, &err, "journal");
		goto out;
	}
	if (opts->output_json) {
		/* {command, ok, name, journal, resources: [...]} */
		cJSON *out = cmd_json_new("status");

		if (out) {
			cJSON_AddStringToObject(out, "name", name);
			cJSON_AddStringToObject(out, "journal", journal_path(j));
			cJSON_AddItemToObject(out, "resources",
					      cmd_json_resources(journal_doc(j)));
		}
		rc = cmd_json_print(out) == 0 ? EXIT_OK : EXIT_FAILED;
		goto out;
	}
	res = cJSON_GetObjectItemCaseSensitive(journal_doc(j), "resources");
	printf(_("Deployment %s (%s)\n"), name, journal_path(j));
	cJSON_ArrayForEach(r, res)
		printf("  %-32s %-28s %-9s %s\n", r->string, str(r, "kind"),
		       str(r, "state"), str(r, "id"));
	rc = EXIT_OK;
out:
	journal_close(j);
	spec_free(s);
	free(state_dir);
	return rc;
}

const struct cli_command cmd_status = {
	.name = "status",
	.usage = "--name NAME | --spec FILE [--state-dir DIR] [--output json]",
	.summary = N_("show each resource of a deployment and its state, from the journal"),
	.max_args = 0,
	.exec = status_exec,
};
