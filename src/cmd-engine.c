/* cmd-engine.c - spec loading shared by plan, deploy and status. */
#include "config.h"

#include <ctype.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd-engine.h"
#include "i18n.h"
#include "journal.h"

int cmd_load_config_defaults(struct spec *s, const struct ew_options *opts,
			     struct spec_problems *pr)
{
	char path[4096];
	int n;

	if (!opts->config_dir)
		return 0;
	n = snprintf(path, sizeof path, "%s/defaults.json", opts->config_dir);
	if (n < 0 || (size_t)n >= sizeof path || access(path, F_OK) != 0)
		return 0;
	return spec_load_file(s, path, pr);
}

struct spec *cmd_load_spec(const struct ew_options *opts)
{
	struct aws_error err;

	return cmd_load_spec_err(opts, &err);
}

struct spec *cmd_load_spec_err(const struct ew_options *opts, struct aws_error *err)
{
	struct spec *s = spec_new_defaults();
	struct spec_problems pr;

	aws_error_clear(err);
	if (!s) {
		aws_error_set(err, AWS_ERR_NOMEM, "OutOfMemory", "%s", _("out of memory"));
		fprintf(stderr, "%s: %s\n", PACKAGE, _("out of memory"));
		return NULL;
	}
	spec_problems_init(&pr);
	cmd_load_config_defaults(s, opts, &pr);
	if (!pr.count && opts->spec_file)
		spec_load_file(s, opts->spec_file, &pr);
	if (!pr.count && opts->name) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "name", opts->name);
		spec_load_json(s, o, &pr);
		cJSON_Delete(o);
	}
	if (!pr.count)
		spec_validate(s, &pr);
	if (pr.count) {
		aws_error_set(err, AWS_ERR_INPUT, "InvalidSpec", "%s%s%s", pr.items[0].key,
			      pr.items[0].key[0] ? ": " : "", pr.items[0].message);
		if (opts->spec_file)
			aws_error_where(err, "%s", opts->spec_file);
		for (size_t i = 0; i < pr.count; i++)
			fprintf(stderr, "%s: %s: %s\n", PACKAGE, pr.items[i].key,
				pr.items[i].message);
		spec_problems_free(&pr);
		spec_free(s);
		return NULL;
	}
	spec_problems_free(&pr);
	return s;
}

char *cmd_state_dir(const struct ew_options *opts)
{
	if (opts->state_dir)
		return strdup(opts->state_dir);
	return journal_default_dir();
}

int cmd_read_yes(void)
{
	char line[16];
	const char *yes;

	if (!fgets(line, sizeof line, stdin))
		return 0;
	/* 'y' always; rpmatch() adds the locale's own yes, and the first
	 * letter of the translated "yes" covers a translation used in
	 * another locale (LANGUAGE=fr with C.UTF-8: "o" for "oui"). */
	/* TRANSLATORS: its first letter answers the [y/N] question. */
	yes = _("yes");
	return line[0] == 'y' || line[0] == 'Y' || rpmatch(line) == 1 ||
	       (line[0] != '\n' && tolower((unsigned char)line[0]) ==
				     tolower((unsigned char)yes[0]));
}

double cmd_delay_scale(void)
{
	const char *scale = getenv("ECSW_WAITER_DELAY_SCALE");

	return scale ? atof(scale) : 1.0;
}
