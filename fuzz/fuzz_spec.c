/* fuzz_spec.c - libFuzzer target: the spec parser (src/spec.c). The bytes
 * are a spec file (read through a memfd, as --spec reads a file), then
 * "key=value" for the TUI's field checks. Built and run by fuzz/run.
 * FUZZ-SOURCES: src/spec.c src/aws/endpoint.c src/aws/error.c src/util/buf.c
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What the parser promises for a file it accepted: validation runs, and
 * the spec written back as JSON loads again to the same JSON. */
static void round_trip(const struct spec *s)
{
	struct spec_problems pr;
	struct spec *again = spec_new_defaults();
	cJSON *a = spec_to_json(s), *b;

	spec_problems_init(&pr);
	(void)spec_validate(s, &pr);
	for (size_t i = 0; i < pr.count; i++)
		if (!pr.items[i].message[0])
			abort(); /* every problem says what is wrong */
	spec_problems_free(&pr);
	spec_problems_init(&pr);
	if (!again || !a || spec_load_json(again, a, &pr) != 0)
		abort();
	b = spec_to_json(again);
	if (!b || !cJSON_Compare(a, b, 1))
		abort();
	cJSON_Delete(a);
	cJSON_Delete(b);
	spec_problems_free(&pr);
	spec_free(again);
}

static void load_file(const uint8_t *data, size_t size)
{
	struct spec_problems pr;
	struct spec *s = spec_new_defaults();
	char path[64];
	int fd = memfd_create("fuzz-spec", MFD_CLOEXEC);

	if (!s || fd < 0 || write(fd, data, size) != (ssize_t)size) {
		if (fd >= 0)
			close(fd);
		spec_free(s);
		return;
	}
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	spec_problems_init(&pr);
	if (spec_load_file(s, path, &pr) == 0) {
		if (pr.count)
			abort();
		round_trip(s);
	} else if (!pr.count) {
		abort(); /* a refusal comes with a problem */
	}
	spec_problems_free(&pr);
	spec_free(s);
	close(fd);
}

/* "key=value": the check and the store agree, and a refusal leaves the
 * spec as it was. */
static void set_value(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), *eq, why[256], why2[256];
	struct spec *s = spec_new_defaults();
	cJSON *before = NULL, *after = NULL;

	if (!text || !s)
		goto out;
	memcpy(text, data, size);
	text[size] = '\0';
	eq = strchr(text, '=');
	if (!eq)
		goto out;
	*eq = '\0';
	before = spec_to_json(s);
	if (spec_check_value(text, eq + 1, why, sizeof why) == 0) {
		if (spec_set_value(s, text, eq + 1, why2, sizeof why2) != 0)
			abort();
	} else {
		if (spec_set_value(s, text, eq + 1, why2, sizeof why2) == 0)
			abort();
		after = spec_to_json(s);
		if (!cJSON_Compare(before, after, 1))
			abort();
	}
out:
	cJSON_Delete(before);
	cJSON_Delete(after);
	spec_free(s);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	load_file(data, size);
	set_value(data, size);
	return 0;
}
