/* cmd-json.h - what every `--output json` document shares.
 *
 * Each reporting command prints exactly one JSON object on stdout, also
 * when it fails (then with an "error" object), so a script can read stdout
 * and the exit status and nothing else. Field names are stable and
 * documented in ecs-wizard(1), JSON OUTPUT: add fields, never rename.
 * A new command (destroy, ...) starts from cmd_json_new("destroy"), adds
 * its own fields, cmd_json_resources() for the journal's resources, and
 * cmd_json_fail() on errors. */
#ifndef ECSW_CMD_JSON_H
#define ECSW_CMD_JSON_H

#include <cjson/cJSON.h>

#include "aws/error.h"

/* {"command": command, "ok": true}; NULL without memory. Caller frees. */
cJSON *cmd_json_new(const char *command);
/* Mark obj failed: "ok": false and "error" {kind, code, message,
 * request_id, http_status, where}, plus "failed" (the step or check that
 * failed) when not NULL. */
void cmd_json_fail(cJSON *obj, const struct aws_error *err, const char *failed);
/* The error object alone (the fields above, without "failed"). */
cJSON *cmd_json_error(const struct aws_error *err);
/* The resources of a journal document (journal_doc()) as an array of
 * {key, kind, name, id, arn, state}; empty strings where unknown. */
cJSON *cmd_json_resources(const cJSON *journal_doc);
/* Print obj on stdout (indented, one newline after) and free it.
 * Returns 0, or -1 when obj is NULL or stdout fails. */
int cmd_json_print(cJSON *obj);

#endif
