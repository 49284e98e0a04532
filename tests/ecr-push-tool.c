/* ecr-push-tool.c - drives ecr_push() for tests/ecr_push.sh. The password
 * is read from stdin, as the product hands it over, so it never appears in
 * this program's argv either. Prints one JSON object. */
#include "config.h"

#include <cjson/cJSON.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecr_push.h"

static void on_progress(long done, long total, const char *what, void *ctx)
{
	(void)ctx;
	(void)what;
	fprintf(stderr, "progress %ld/%ld\n", done, total);
}

int main(int argc, char **argv)
{
	struct ecr_push_request req = {.username = "AWS", .progress = on_progress};
	struct ecr_push_result res;
	struct aws_error err;
	char pw[512];
	cJSON *o;
	char *s, line[1024];

	signal(SIGPIPE, SIG_IGN);
	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--source"))
			req.source = argv[i + 1];
		else if (!strcmp(argv[i], "--registry"))
			req.registry = argv[i + 1];
		else if (!strcmp(argv[i], "--repository"))
			req.repository = argv[i + 1];
		else if (!strcmp(argv[i], "--tag"))
			req.tag = argv[i + 1];
		else if (!strcmp(argv[i], "--work-dir"))
			req.work_dir = argv[i + 1];
	}
	if (!fgets(pw, sizeof(pw), stdin))
		return 2;
	pw[strcspn(pw, "\n")] = '\0';
	req.password = pw;
	aws_error_clear(&err);
	if (ecr_push(&req, &res, &err) < 0) {
		fprintf(stderr, "error: %s\n", aws_error_format(&err, line, sizeof(line)));
		return 1;
	}
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "tag", res.tag);
	cJSON_AddStringToObject(o, "digest", res.digest);
	cJSON_AddStringToObject(o, "image_uri", res.image_uri);
	cJSON_AddBoolToObject(o, "skipped", res.skipped);
	cJSON_AddStringToObject(o, "tool", res.tool == ECR_TOOL_SKOPEO ? "skopeo" : "docker");
	s = cJSON_PrintUnformatted(o);
	printf("%s\n", s);
	free(s);
	cJSON_Delete(o);
	ecr_push_result_free(&res);
	return 0;
}
