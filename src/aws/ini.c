/* ini.c - a small strict parser for ~/.aws/config and ~/.aws/credentials.
 * See ini.h. Rules follow Python's configparser as botocore configures it
 * (RawConfigParser: delimiters '=' and ':', full-line comments only,
 * indented lines continue the previous value, duplicates refused), so a file
 * the AWS CLI reads the same way reads the same way here. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "aws/ini.h"
#include "i18n.h"
#include "util/buf.h"

/* Credentials files are small; a cap keeps a wrong path (a device, a huge
 * log) from being read whole. */
#define INI_MAX_BYTES (1024u * 1024u)

static void wipe_free(char *s)
{
	if (!s)
		return;
	OPENSSL_cleanse(s, strlen(s));
	free(s);
}

void ini_free(struct ini_file *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->count; i++) {
		free(f->entries[i].section);
		free(f->entries[i].key);
		wipe_free(f->entries[i].value);
	}
	for (size_t i = 0; i < f->section_count; i++)
		free(f->sections[i]);
	free(f->sections);
	free(f->entries);
	free(f->path);
	free(f);
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* [s, e) trimmed of whitespace on both sides. */
static void trim(const char **s, const char **e)
{
	while (*s < *e && is_space(**s))
		(*s)++;
	while (*e > *s && is_space((*e)[-1]))
		(*e)--;
}

static int config_error(struct aws_error *err, const char *path, int line,
			const char *what)
{
	aws_error_set(err, AWS_ERR_CONFIG, "ConfigParseError", "%s", what);
	aws_error_where(err, "%s:%d", path, line);
	return -1;
}

static int add_section(struct ini_file *f, const char *name, size_t len)
{
	char **ns = realloc(f->sections, (f->section_count + 1) * sizeof(*ns));
	char *copy;

	if (!ns)
		return -1;
	f->sections = ns;
	copy = strndup(name, len);
	if (!copy)
		return -1;
	f->sections[f->section_count++] = copy;
	return 0;
}

static int add_entry(struct ini_file *f, const char *section, const char *key,
		     size_t klen, const char *value, size_t vlen, int line)
{
	struct ini_entry *ne = realloc(f->entries, (f->count + 1) * sizeof(*ne));
	struct ini_entry *e;

	if (!ne)
		return -1;
	f->entries = ne;
	e = &f->entries[f->count];
	memset(e, 0, sizeof(*e));
	e->section = strdup(section);
	e->key = strndup(key, klen);
	e->value = strndup(value, vlen);
	e->line = line;
	if (!e->section || !e->key || !e->value) {
		free(e->section);
		free(e->key);
		wipe_free(e->value);
		return -1;
	}
	for (char *c = e->key; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	f->count++;
	return 0;
}

/* Append a continuation line to the last entry's value. */
static int continue_value(struct ini_file *f, const char *s, size_t len)
{
	struct ini_entry *e = &f->entries[f->count - 1];
	size_t old = strlen(e->value);
	char *v = malloc(old + len + 2);

	if (!v)
		return -1;
	memcpy(v, e->value, old);
	v[old] = '\n';
	memcpy(v + old + 1, s, len);
	v[old + 1 + len] = '\0';
	wipe_free(e->value);
	e->value = v;
	return 0;
}

int ini_parse(const char *text, size_t len, const char *path,
	      struct ini_file **out, struct aws_error *err)
{
	struct ini_file *f = calloc(1, sizeof(*f));
	const char *p = text, *end = text + len;
	char *section = NULL;
	int line = 0, have_key = 0, rc = -1;

	*out = NULL;
	if (!f || !(f->path = strdup(path ? path : "(config)"))) {
		aws_error_set(err, AWS_ERR_NOMEM, "OutOfMemory", "%s",
			      _("out of memory reading the AWS configuration"));
		goto out;
	}
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *ls = p, *le = eol ? eol : end;
		int indented;

		line++;
		p = eol ? eol + 1 : end;
		if (memchr(ls, '\0', (size_t)(le - ls))) {
			config_error(err, f->path, line,
				     _("the file contains a NUL byte"));
			goto out;
		}
		indented = ls < le && is_space(*ls) && *ls != '\r';
		trim(&ls, &le);
		if (ls == le)
			continue;
		if (*ls == '#' || *ls == ';')
			continue;
		/* An indented line continues the value above it: this is how
		 * nested settings ("s3 =" then "  key = value") are written. */
		if (indented && have_key) {
			if (continue_value(f, ls, (size_t)(le - ls)) < 0)
				goto nomem;
			continue;
		}
		if (*ls == '[') {
			const char *close = NULL, *after;
			const char *ns = ls + 1, *ne;

			/* The last ']' closes the name, as configparser's
			 * greedy pattern has it; only a comment may follow. */
			for (const char *c = ls; c < le; c++)
				if (*c == ']')
					close = c;
			after = close ? close + 1 : le;
			while (after < le && is_space(*after))
				after++;
			if (!close || (after < le && *after != '#' && *after != ';')) {
				config_error(err, f->path, line,
					     _("a section header must be \"[name]\" on a line of its own"));
				goto out;
			}
			ne = close;
			trim(&ns, &ne);
			if (ns == ne) {
				config_error(err, f->path, line,
					     _("empty section name"));
				goto out;
			}
			free(section);
			section = strndup(ns, (size_t)(ne - ns));
			if (!section)
				goto nomem;
			if (ini_has_section(f, section)) {
				aws_error_set(err, AWS_ERR_CONFIG, "ConfigParseError",
					      _("section [%s] appears twice"), section);
				aws_error_where(err, "%s:%d", f->path, line);
				goto out;
			}
			if (add_section(f, ns, (size_t)(ne - ns)) < 0)
				goto nomem;
			have_key = 0;
			continue;
		}
		if (!section) {
			config_error(err, f->path, line,
				     _("a setting appears before any [section] header"));
			goto out;
		}
		{
			const char *eq = ls, *ks = ls, *ke, *vs, *ve = le;

			while (eq < le && *eq != '=' && *eq != ':')
				eq++;
			if (eq == le) {
				config_error(err, f->path, line,
					     _("expected \"key = value\""));
				goto out;
			}
			ke = eq;
			vs = eq + 1;
			trim(&ks, &ke);
			trim(&vs, &ve);
			if (ks == ke) {
				config_error(err, f->path, line,
					     _("a setting without a name"));
				goto out;
			}
			if (add_entry(f, section, ks, (size_t)(ke - ks), vs,
				      (size_t)(ve - vs), line) < 0)
				goto nomem;
			/* Duplicate keys are refused, as configparser does. */
			/* A section's entries are contiguous (sections never
			 * repeat), so look back only through this one. */
			for (size_t i = f->count - 1; i-- > 0;) {
				const struct ini_entry *a = &f->entries[i];
				const struct ini_entry *b = &f->entries[f->count - 1];

				if (strcmp(a->section, b->section) != 0)
					break;
				if (strcmp(a->key, b->key) == 0) {
					aws_error_set(err, AWS_ERR_CONFIG, "ConfigParseError",
						      _("\"%s\" is set twice in [%s] (first on line %d)"),
						      b->key, b->section, a->line);
					aws_error_where(err, "%s:%d", f->path, line);
					goto out;
				}
			}
			have_key = 1;
		}
	}
	*out = f;
	f = NULL;
	rc = 0;
	goto out;
nomem:
	aws_error_set(err, AWS_ERR_NOMEM, "OutOfMemory", "%s",
		      _("out of memory reading the AWS configuration"));
out:
	free(section);
	ini_free(f);
	return rc;
}

int ini_load(const char *path, int missing_ok, struct ini_file **out,
	     struct aws_error *err)
{
	FILE *fp;
	struct buf b;
	char chunk[4096];
	size_t n;
	int rc = -1;

	*out = NULL;
	buf_init(&b, INI_MAX_BYTES);
	fp = fopen(path, "rb");
	if (!fp) {
		if (errno == ENOENT && missing_ok)
			return 0;
		aws_error_set(err, AWS_ERR_CONFIG, "ConfigFileUnreadable",
			      _("cannot read %s: %s"), path, strerror(errno));
		aws_error_where(err, "%s", path);
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		if (buf_append(&b, chunk, n) < 0) {
			aws_error_set(err, AWS_ERR_CONFIG, "ConfigFileTooLarge",
				      _("%s is larger than %u bytes; is it the right file?"),
				      path, INI_MAX_BYTES);
			aws_error_where(err, "%s", path);
			goto out;
		}
	}
	if (ferror(fp)) {
		aws_error_set(err, AWS_ERR_CONFIG, "ConfigFileUnreadable",
			      _("cannot read %s: %s"), path, strerror(errno));
		aws_error_where(err, "%s", path);
		goto out;
	}
	rc = ini_parse(b.data ? b.data : "", b.len, path, out, err);
out:
	fclose(fp);
	buf_free_secret(&b);
	return rc;
}

const struct ini_entry *ini_find(const struct ini_file *f, const char *section,
				 const char *key)
{
	if (!f)
		return NULL;
	for (size_t i = 0; i < f->count; i++)
		if (strcmp(f->entries[i].section, section) == 0 &&
		    strcmp(f->entries[i].key, key) == 0)
			return &f->entries[i];
	return NULL;
}

const char *ini_get(const struct ini_file *f, const char *section,
		    const char *key)
{
	const struct ini_entry *e = ini_find(f, section, key);

	return e ? e->value : NULL;
}

int ini_has_section(const struct ini_file *f, const char *section)
{
	if (!f)
		return 0;
	for (size_t i = 0; i < f->section_count; i++)
		if (strcmp(f->sections[i], section) == 0)
			return 1;
	return 0;
}
