/* cmd-status.c - `ecs-wizard status --name N [--output json]`: what the
 * journal says about each resource (key, kind, id, state). Reads only the
 * journal; sends nothing. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd-engine.h"
#include "i18n.h"
#include "journal.h"

static const char *str(const cJSON *o, const char *field)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, field);
	return cJSON_IsString(v) ? v->valuestring : "";
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
		s = cmd_load_spec(opts);
		if (!s)
			goto out;
		name = s->name;
	}
	if (!state_dir) {
		fprintf(stderr, _("%s: no state directory: give --state-dir\n"), PACKAGE);
		goto out;
	}
	if (journal_load(state_dir, name, &j, &err) < 0) {
		fprintf(stderr, "%s: %s\n", PACKAGE, aws_error_format(&err, buf, sizeof buf));
		goto out;
	}
	res = cJSON_GetObjectItemCaseSensitive(journal_doc(j), "resources");
	if (opts->output_json) {
		cJSON *out = cJSON_CreateObject(), *list = cJSON_CreateArray();
		char *txt;
		cJSON_AddStringToObject(out, "name", name);
		cJSON_AddStringToObject(out, "journal", journal_path(j));
		cJSON_ArrayForEach(r, res) {
			cJSON *o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "key", r->string);
			cJSON_AddStringToObject(o, "kind", str(r, "kind"));
			cJSON_AddStringToObject(o, "name", str(r, "name"));
			cJSON_AddStringToObject(o, "id", str(r, "id"));
			cJSON_AddStringToObject(o, "arn", str(r, "arn"));
			cJSON_AddStringToObject(o, "state", str(r, "state"));
			cJSON_AddItemToArray(list, o);
		}
		cJSON_AddItemToObject(out, "resources", list);
		txt = cJSON_Print(out);
		if (txt)
			printf("%s\n", txt);
		free(txt);
		cJSON_Delete(out);
	} else {
		printf(_("Deployment %s (%s)\n"), name, journal_path(j));
		cJSON_ArrayForEach(r, res)
			printf("  %-32s %-28s %-9s %s\n", r->string, str(r, "kind"),
			       str(r, "state"), str(r, "id"));
	}
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
