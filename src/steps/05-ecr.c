/* 05-ecr.c - guide section 5, "Create ECR Repository and Upload Private AI
 * Container".
 *
 * The repository is ours; the push is the image module's (a PLAN_LOCAL
 * action the executor hands to it, or skips with a note when absent). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "plan-build.h"

const char *step_image_tag(const char *image, char *buf, size_t size)
{
	const char *colon, *slash;

	snprintf(buf, size, "latest");
	if (!image || strncmp(image, "docker-archive:", 15) == 0)
		return buf;
	colon = strrchr(image, ':');
	slash = strrchr(image, '/');
	if (colon && (!slash || colon > slash) && colon[1] &&
	    !(strncmp(image, "oci:", 4) == 0 && colon == image + 3))
		snprintf(buf, size, "%s", colon + 1);
	return buf;
}

static int ecr_plan(const struct spec *s, struct plan *p, struct aws_error *err)
{
	const char *repo = s->ecr_repository && *s->ecr_repository ? s->ecr_repository
								  : s->name;
	char tag[128];
	struct plan_action *a;

	(void)err;
	a = plan_add(p, 5, PLAN_CREATE, "ecr-repo", "ecr:repository", repo, "ecr",
		     "CreateRepository",
		     pj(p, "{'repositoryName': %s, 'tags': %j}", repo,
			plan_kv_tags(p, s, repo, "Key", "Value")));
	plan_set_id(p, a, "repository.repositoryName", "repository.repositoryArn");
	plan_set_keep(p, a, "repository.repositoryUri");
	plan_set_find(p, a, "ecr", "DescribeRepositories",
		      pj(p, "{'repositoryNames': [%s]}", repo),
		      "repositories[0].repositoryName",
		      "repositories[0].repositoryArn", "RepositoryNotFoundException");
	if (s->push_image) {
		step_image_tag(s->image, tag, sizeof tag);
		plan_add(p, 5, PLAN_LOCAL, "image-push", "local:image-push", repo, "",
			 "image-push",
			 pj(p, "{'image': %s, 'repository': '${ecr-repo.id}', 'tag': %s, "
			       "'registry': '${account.Account}.dkr.ecr.%S.amazonaws.com'}",
			    s->image, tag, s->region));
	}
	return 0;
}

static const char *const ecr_fields[] = { "image", "push_image", "ecr_repository",
					  NULL };

const struct step step_ecr = {
	.id = "05-ecr",
	.section = 5,
	.title = N_("Create ECR Repository and Upload Private AI Container"),
	.summary = N_("A private container registry repository and the Private "
		      "AI image pushed into it."),
	.fields = ecr_fields,
	.plan = ecr_plan,
};
