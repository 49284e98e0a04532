/* 07-efs.c - guide section 7, "Create EFS Mount" (not for Marketplace).
 *
 * The file system that carries license.json to every task, and one mount
 * target per availability zone (EFS allows no more) in the private
 * subnets, behind the EFS group. The creation token makes CreateFileSystem
 * idempotent across killed runs. */
#include "config.h"

#include <stdio.h>

#include "i18n.h"
#include "plan-build.h"

static int efs_plan(const struct spec *s, struct plan *p, struct aws_error *err)
{
	char name[160], key[64], path[128];
	struct plan_action *a;
	int zones = s->availability_zones < 1 ? 2 : s->availability_zones;

	(void)err;
	if (zones > 8)
		zones = 8;
	plan_name(name, sizeof name, s, "-efs");
	a = plan_add(p, 7, PLAN_CREATE, "efs", "efs:file-system", name, "efs",
		     "CreateFileSystem",
		     pj(p, "{'CreationToken': %s, 'PerformanceMode': 'generalPurpose', "
			   "'Encrypted': true, 'Tags': %j}",
			name, plan_kv_tags(p, s, name, "Key", "Value")));
	plan_set_id(p, a, "FileSystemId", "FileSystemArn");
	plan_set_done_errors(p, a, "FileSystemAlreadyExists");
	plan_set_find(p, a, "efs", "DescribeFileSystems",
		      pj(p, "{'CreationToken': %s}", name), "FileSystems[0].FileSystemId",
		      "FileSystems[0].FileSystemArn", "FileSystemNotFound");
	plan_set_wait(p, a, "FileSystemAvailable",
		      pj(p, "{'FileSystemId': '${self.id}'}"));
	for (int i = 0; i < zones; i++) {
		snprintf(key, sizeof key, "efs-mount-%d", i + 1);
		snprintf(path, sizeof path,
			 "MountTargets[?SubnetId=='${subnet-private-%d.id}'].MountTargetId",
			 i + 1);
		a = plan_add(p, 7, PLAN_CREATE, key, "efs:mount-target", "", "efs",
			     "CreateMountTarget",
			     pj(p, "{'FileSystemId': '${efs.id}', "
				   "'SubnetId': '${subnet-private-%d.id}', "
				   "'SecurityGroups': ['${sg-efs.id}']}", i + 1));
		plan_set_id(p, a, "MountTargetId", NULL);
		plan_set_done_errors(p, a, "MountTargetConflict");
		plan_set_find(p, a, "efs", "DescribeMountTargets",
			      pj(p, "{'FileSystemId': '${efs.id}'}"), path, NULL, NULL);
		plan_set_wait(p, a, "MountTargetAvailable",
			      pj(p, "{'MountTargetId': '${self.id}'}"));
	}
	return 0;
}

const struct step step_efs = {
	.id = "07-efs",
	.section = 7,
	.title = N_("Create EFS Mount"),
	.summary = N_("A shared file system, mounted in each private subnet, that "
		      "hands the license file to every task."),
	.fields = NULL,
	.marketplace_skip = 1,
	.plan = efs_plan,
};
