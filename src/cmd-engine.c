/* cmd-engine.c - spec loading shared by plan, deploy and status. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd-engine.h"
#include "i18n.h"
#include "journal.h"

struct spec *cmd_load_spec(const struct ew_options *opts)
{
	struct spec *s = spec_new_defaults();
	struct spec_problems pr;

	if (!s) {
		fprintf(stderr, "%s: %s\n", PACKAGE, _("out of memory"));
		return NULL;
	}
	spec_problems_init(&pr);
	if (opts->spec_file)
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
