/* export.c - what the two exporters share: references split into parts,
 * names for identifiers, and the local steps' instructions. */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"

cJSON *export_split_refs(const char *s)
{
	cJSON *parts = cJSON_CreateArray();

	while (parts && *s) {
		const char *o = strstr(s, "${");
		const char *c = o ? strchr(o + 2, '}') : NULL;
		const char *dot = c ? memchr(o + 2, '.', (size_t)(c - o - 2)) : NULL;
		cJSON *ref;

		if (!o || !c || !dot) {
			cJSON_AddItemToArray(parts, cJSON_CreateString(s));
			break;
		}
		if (o > s) {
			char *lit = strndup(s, (size_t)(o - s));
			cJSON_AddItemToArray(parts, cJSON_CreateString(lit ? lit : ""));
			free(lit);
		}
		ref = cJSON_CreateObject();
		if (ref) {
			char *key = strndup(o + 2, (size_t)(dot - o - 2));
			char *path = strndup(dot + 1, (size_t)(c - dot - 1));
			cJSON_AddStringToObject(ref, "key", key ? key : "");
			cJSON_AddStringToObject(ref, "path", path ? path : "");
			free(key);
			free(path);
		}
		cJSON_AddItemToArray(parts, ref);
		s = c + 1;
	}
	return parts;
}

int export_has_ref(const cJSON *v)
{
	const cJSON *c;

	if (cJSON_IsString(v))
		return strstr(v->valuestring, "${") != NULL;
	cJSON_ArrayForEach(c, v)
		if (export_has_ref(c))
			return 1;
	return 0;
}

void export_camel(const char *key, char *out, size_t size)
{
	size_t n = 0;
	int up = 1;

	for (; *key && n + 1 < size; key++) {
		if (!isalnum((unsigned char)*key)) {
			up = 1;
			continue;
		}
		out[n++] = up ? (char)toupper((unsigned char)*key) : *key;
		up = 0;
	}
	if (size)
		out[n] = '\0';
}

void export_upper(const char *key, char *out, size_t size)
{
	size_t n = 0;

	for (; *key && n + 1 < size; key++)
		out[n++] = isalnum((unsigned char)*key) ? (char)toupper((unsigned char)*key) : '_';
	if (size)
		out[n] = '\0';
}

const char *export_local_hint(const struct plan_action *a)
{
	static const struct {
		const char *operation;
		const char *hint;
	} hints[] = {
		{ "license", "copy the license file to the EFS file system through the "
			     "bastion (scp it to the bastion, then into the mount path)" },
		{ "image-push", "push the container image to the ECR repository "
				"(docker login with `aws ecr get-login-password`, tag, push)" },
	};

	for (size_t i = 0; i < sizeof hints / sizeof hints[0]; i++)
		if (strcmp(a->operation, hints[i].operation) == 0)
			return hints[i].hint;
	return "done by ecs-wizard itself, not by an AWS call";
}

int export_text_not_base64(const char *service, const char *operation,
			   const char *member)
{
	static const char *const members[][3] = {
		{ "ec2", "RunInstances", "UserData" },
		{ "ec2", "ImportKeyPair", "PublicKeyMaterial" },
	};

	for (size_t i = 0; i < sizeof members / sizeof members[0]; i++)
		if (strcmp(service, members[i][0]) == 0 &&
		    strcmp(operation, members[i][1]) == 0 && member &&
		    strcmp(member, members[i][2]) == 0)
			return 1;
	return 0;
}
