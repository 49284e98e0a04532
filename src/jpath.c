/* jpath.c - the JMESPath subset of jpath.h.
 *
 * Evaluation keeps a working set of nodes; each segment maps the set to the
 * next one. A projection ([] or a filter) is what turns one node into many,
 * which is exactly what waiters' pathAll/pathAny need. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jpath.h"

#define JPATH_MAX_SET 256

struct set {
	const cJSON *n[JPATH_MAX_SET];
	int count;
};

static void set_add(struct set *s, const cJSON *v)
{
	if (v && s->count < JPATH_MAX_SET)
		s->n[s->count++] = v;
}

char *jpath_scalar_text(const cJSON *v)
{
	char tmp[64];

	if (!v)
		return NULL;
	if (cJSON_IsString(v))
		return strdup(v->valuestring);
	if (cJSON_IsNumber(v)) {
		double d = v->valuedouble;
		/* In range before the cast: beyond it the cast is undefined. */
		if (d > -9.2e18 && d < 9.2e18 && d == (double)(long long)d)
			snprintf(tmp, sizeof tmp, "%lld", (long long)d);
		else
			snprintf(tmp, sizeof tmp, "%.17g", d);
		return strdup(tmp);
	}
	if (cJSON_IsBool(v))
		return strdup(cJSON_IsTrue(v) ? "true" : "false");
	return NULL;
}

/* Does member name of v compare (op) to literal lit? */
static int filter_match(const cJSON *v, const char *name, size_t name_len,
			int negate, const char *lit, size_t lit_len)
{
	char key[128];
	const cJSON *m;
	char *text;
	int eq;

	if (name_len >= sizeof key || !cJSON_IsObject(v))
		return negate;
	memcpy(key, name, name_len);
	key[name_len] = '\0';
	m = cJSON_GetObjectItemCaseSensitive(v, key);
	text = jpath_scalar_text(m);
	eq = text && strlen(text) == lit_len && memcmp(text, lit, lit_len) == 0;
	free(text);
	return negate ? !eq : eq;
}

#define JPATH_MAX_TERMS 4

/* One comparison of a filter: name == or != lit. */
struct term {
	const char *name, *lit;
	size_t name_len, lit_len;
	int negate;
};

static int is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* Parse "name==lit" or "name!=lit" between b and e (exclusive), spaces
 * around either side allowed. */
static int parse_term(const char *b, const char *e, struct term *t)
{
	const char *p, *name_end, *lit, *lit_end = e;

	while (b < e && is_space(*b))
		b++;
	p = b;
	while (p < e && *p != '=' && *p != '!')
		p++;
	if (p + 2 > e || p[1] != '=')
		return -1;
	name_end = p;
	while (name_end > b && is_space(name_end[-1]))
		name_end--;
	if (name_end == b)
		return -1;
	lit = p + 2;
	while (lit < lit_end && is_space(*lit))
		lit++;
	while (lit_end > lit && is_space(lit_end[-1]))
		lit_end--;
	if (lit < lit_end && (*lit == '\'' || *lit == '`')) {
		if (lit_end - lit < 2 || lit_end[-1] != *lit)
			return -1;
		lit++;
		lit_end--;
	}
	t->name = b;
	t->name_len = (size_t)(name_end - b);
	t->negate = *p == '!';
	t->lit = lit;
	t->lit_len = (size_t)(lit_end - lit);
	return 0;
}

/* A filter's body (after '?'): comparisons joined by &&. Returns the
 * number of terms or -1 when malformed. */
static int parse_filter(const char *b, const char *e, struct term *t, int max)
{
	int n = 0, quote = 0;
	const char *start = b;

	for (const char *p = b;; p++) {
		if (p < e && (*p == '\'' || *p == '`'))
			quote = quote == *p ? 0 : quote ? quote : *p;
		if (p == e || (!quote && p + 1 < e && p[0] == '&' && p[1] == '&')) {
			if (n == max || parse_term(start, p, &t[n]) < 0)
				return -1;
			n++;
			if (p == e)
				return n;
			start = p + 2;
			p++;
		}
	}
}

/* Apply one bracket expression [..] (between b and e, exclusive) to cur. */
static int apply_bracket(const struct set *cur, const char *b, const char *e,
			 struct set *next)
{
	next->count = 0;
	if (b == e) { /* [] : flatten */
		for (int i = 0; i < cur->count; i++) {
			const cJSON *c;
			if (!cJSON_IsArray(cur->n[i]))
				continue;
			cJSON_ArrayForEach(c, cur->n[i])
				set_add(next, c);
		}
		return 0;
	}
	if (*b == '?') {
		struct term t[JPATH_MAX_TERMS];
		int nt = parse_filter(b + 1, e, t, JPATH_MAX_TERMS);

		if (nt < 0)
			return -1;
		for (int i = 0; i < cur->count; i++) {
			const cJSON *c;
			if (!cJSON_IsArray(cur->n[i]))
				continue;
			cJSON_ArrayForEach(c, cur->n[i]) {
				int k = 0;
				while (k < nt && filter_match(c, t[k].name, t[k].name_len,
							      t[k].negate, t[k].lit,
							      t[k].lit_len))
					k++;
				if (k == nt)
					set_add(next, c);
			}
		}
		return 0;
	}
	{
		char *end;
		long idx = strtol(b, &end, 10);
		if (end != e)
			return -1;
		for (int i = 0; i < cur->count; i++) {
			int n;
			if (!cJSON_IsArray(cur->n[i]))
				continue;
			n = cJSON_GetArraySize(cur->n[i]);
			if (idx < 0 ? -idx > n : idx >= n)
				continue;
			set_add(next, cJSON_GetArrayItem(cur->n[i],
							 (int)(idx < 0 ? n + idx : idx)));
		}
	}
	return 0;
}

int jpath_eval(const cJSON *root, const char *path, const cJSON **out, int max)
{
	struct set a = { .count = 0 }, b;
	struct set *cur = &a, *next = &b, *t;
	const char *p = path;

	if (!root || !path)
		return -1;
	set_add(cur, root);
	while (*p) {
		const char *name = p;
		char key[128];
		size_t len;

		while (*p && *p != '.' && *p != '[')
			p++;
		len = (size_t)(p - name);
		if (len) {
			if (len >= sizeof key)
				return -1;
			memcpy(key, name, len);
			key[len] = '\0';
			next->count = 0;
			for (int i = 0; i < cur->count; i++)
				if (cJSON_IsObject(cur->n[i]))
					set_add(next, cJSON_GetObjectItemCaseSensitive(
							      cur->n[i], key));
			t = cur, cur = next, next = t;
		}
		while (*p == '[') {
			const char *b0 = p + 1, *e = b0;
			int quote = 0;
			while (*e && (quote || *e != ']')) {
				if (*e == '\'' || *e == '`')
					quote = !quote;
				e++;
			}
			if (*e != ']')
				return -1;
			if (apply_bracket(cur, b0, e, next) < 0)
				return -1;
			t = cur, cur = next, next = t;
			p = e + 1;
		}
		if (*p == '.') {
			p++;
			if (!*p)
				return -1;
		} else if (*p) {
			return -1;
		}
	}
	for (int i = 0; i < cur->count && i < max; i++)
		out[i] = cur->n[i];
	return cur->count;
}

const cJSON *jpath_get(const cJSON *root, const char *path)
{
	const cJSON *v = NULL;

	if (jpath_eval(root, path, &v, 1) < 1)
		return NULL;
	return v;
}

char *jpath_text(const cJSON *root, const char *path)
{
	return jpath_scalar_text(jpath_get(root, path));
}
