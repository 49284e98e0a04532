/* cmd-json.c - the envelope, errors and resource lists of --output json
 * (see cmd-json.h; the fields are documented in ecs-wizard(1)). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "cmd-json.h"

cJSON *cmd_json_new(const char *command)
{
	cJSON *o = cJSON_CreateObject();

	if (o && (!cJSON_AddStringToObject(o, "command", command) ||
		  !cJSON_AddBoolToObject(o, "ok", 1))) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

cJSON *cmd_json_error(const struct aws_error *err)
{
	cJSON *e = cJSON_CreateObject();

	if (!e)
		return NULL;
	cJSON_AddStringToObject(e, "kind", aws_error_kind_name(err->kind));
	cJSON_AddStringToObject(e, "code", err->code);
	cJSON_AddStringToObject(e, "message", err->message);
	cJSON_AddStringToObject(e, "request_id", err->request_id);
	cJSON_AddNumberToObject(e, "http_status", (double)err->http_status);
	cJSON_AddStringToObject(e, "where", err->where);
	return e;
}

void cmd_json_fail(cJSON *obj, const struct aws_error *err, const char *failed)
{
	cJSON *e;

	if (!obj)
		return;
	cJSON_ReplaceItemInObjectCaseSensitive(obj, "ok", cJSON_CreateBool(0));
	cJSON_DeleteItemFromObjectCaseSensitive(obj, "error");
	e = cmd_json_error(err);
	if (!e)
		return;
	if (failed)
		cJSON_AddStringToObject(e, "failed", failed);
	cJSON_AddItemToObject(obj, "error", e);
}

static const char *str(const cJSON *o, const char *field)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, field);

	return cJSON_IsString(v) ? v->valuestring : "";
}

cJSON *cmd_json_resources(const cJSON *journal_doc)
{
	const cJSON *res = cJSON_GetObjectItemCaseSensitive(journal_doc, "resources");
	const cJSON *r;
	cJSON *list = cJSON_CreateArray();

	if (!list)
		return NULL;
	cJSON_ArrayForEach(r, res) {
		cJSON *o = cJSON_CreateObject();

		if (!o)
			break;
		cJSON_AddStringToObject(o, "key", r->string);
		cJSON_AddStringToObject(o, "kind", str(r, "kind"));
		cJSON_AddStringToObject(o, "name", str(r, "name"));
		cJSON_AddStringToObject(o, "id", str(r, "id"));
		cJSON_AddStringToObject(o, "arn", str(r, "arn"));
		cJSON_AddStringToObject(o, "state", str(r, "state"));
		cJSON_AddItemToArray(list, o);
	}
	return list;
}

int cmd_json_print(cJSON *obj)
{
	char *text = obj ? cJSON_Print(obj) : NULL;
	int rc = -1;

	if (text && printf("%s\n", text) >= 0 && fflush(stdout) == 0)
		rc = 0;
	free(text);
	cJSON_Delete(obj);
	return rc;
}
