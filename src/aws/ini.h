/* ini.h - the AWS shared config and credentials files, strictly.
 *
 * What botocore's RawConfigParser accepts, and nothing it refuses: "[section]"
 * lines, "key = value" (or "key: value") lines, full-line comments starting
 * with '#' or ';', blank lines, and indented continuation lines, which is how
 * nested sub-sections ("s3 =" followed by indented "key = value" lines) are
 * written; those are kept as the key's multi-line value and never mistaken
 * for keys of the section. Keys are lowercased; values are trimmed. Anything
 * else (a line outside any section, a line without '=', a duplicate section
 * or key, an unterminated section header) is AWS_ERR_CONFIG with err->where
 * set to "file:line". */
#ifndef ECSW_AWS_INI_H
#define ECSW_AWS_INI_H

#include <stddef.h>

#include "aws/error.h"

struct ini_entry {
	char *section; /* owned, as written between the brackets (trimmed) */
	char *key;     /* owned, lowercased */
	char *value;   /* owned, may hold secrets: wiped by ini_free() */
	int line;
};

struct ini_file {
	char *path;    /* owned: for error messages */
	char **sections; /* owned: every section, in file order */
	size_t section_count;
	struct ini_entry *entries; /* owned */
	size_t count;
};

/* Parse text (len bytes, need not be NUL-terminated); path names the file in
 * errors. *out is the caller's (ini_free). 0 or -1 with err set. */
int ini_parse(const char *text, size_t len, const char *path,
	      struct ini_file **out, struct aws_error *err);

/* Read and parse the file at path. A file that does not exist gives 0 and
 * *out = NULL when missing_ok, else an error; any other read failure is an
 * error (AWS_ERR_CONFIG naming the file and the reason). */
int ini_load(const char *path, int missing_ok, struct ini_file **out,
	     struct aws_error *err);

/* The value of key in section, borrowed; NULL when absent. */
const char *ini_get(const struct ini_file *f, const char *section,
		    const char *key);
/* The entry itself (for its line number), borrowed; NULL when absent. */
const struct ini_entry *ini_find(const struct ini_file *f, const char *section,
				 const char *key);
int ini_has_section(const struct ini_file *f, const char *section);

/* Wipe values and free; NULL is fine. */
void ini_free(struct ini_file *f);

#endif
