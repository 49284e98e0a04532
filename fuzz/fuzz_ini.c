/* fuzz_ini.c - libFuzzer target: the AWS config/credentials parser, and the
 * credential_process command splitter and timestamp reader on the same
 * bytes. Built and run by fuzz/run.
 * FUZZ-SOURCES: src/aws/ini.c src/aws/creds_process.c src/aws/creds_value.c src/aws/error.c src/util/buf.c src/util/spawn.c
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aws/creds_internal.h"
#include "aws/ini.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ini_file *f = NULL;
	struct aws_error err;
	char *text, **argv = NULL;

	aws_error_clear(&err);
	if (ini_parse((const char *)data, size, "fuzz", &f, &err) == 0) {
		/* What the parser promises: every entry belongs to a known
		 * section, keys are lowercase and findable, lines increase. */
		int last_line = 0;

		for (size_t i = 0; i < f->count; i++) {
			const struct ini_entry *e = &f->entries[i];

			if (!ini_has_section(f, e->section) || !*e->key ||
			    ini_find(f, e->section, e->key) != e || e->line < last_line)
				abort();
			for (const char *c = e->key; *c; c++)
				if (*c >= 'A' && *c <= 'Z')
					abort();
			last_line = e->line;
		}
		ini_free(f);
	} else if (err.kind == AWS_ERR_CONFIG && strncmp(err.where, "fuzz:", 5) != 0) {
		abort(); /* a parse error must name file:line */
	}

	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (creds_shell_split(text, &argv, &err) == 0) {
		if (!argv || !argv[0])
			abort();
		creds_argv_free(argv);
	}
	(void)creds_parse_time(text);
	free(text);
	return 0;
}
