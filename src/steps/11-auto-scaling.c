/* 11-auto-scaling.c - guide section 11, "Create Auto Scaling Group".
 *
 * The ECS hosts: the launch template in the private subnets with the
 * spec's sizes. AmazonECSManaged is the tag ECS's capacity provider
 * expects on a group it manages (the console adds it too).
 * CreateAutoScalingGroup answers nothing, so the id and ARN come from
 * DescribeAutoScalingGroups afterwards (the find). */
#include "config.h"

#include <stdio.h>

#include "i18n.h"
#include "plan-build.h"
#include "util/buf.h"

static int asg_plan(const struct spec *s, struct plan *p, struct aws_error *err)
{
	int zones = s->availability_zones < 1 ? 2 : s->availability_zones;
	char name[160], cluster[160];
	struct buf subnets;
	struct plan_action *a;

	(void)err;
	if (zones > 8)
		zones = 8;
	buf_init(&subnets, 4096);
	for (int i = 0; i < zones; i++)
		buf_printf(&subnets, "%s${subnet-private-%d.id}", i ? "," : "", i + 1);
	plan_name(name, sizeof name, s, "-asg");
	plan_name(cluster, sizeof cluster, s, "-cluster");
	a = plan_add(p, 11, PLAN_CREATE, "asg", "autoscaling:group", name,
		     "autoscaling", "CreateAutoScalingGroup",
		     pj(p, "{'AutoScalingGroupName': %s, "
			   "'LaunchTemplate': {'LaunchTemplateId': '${launch-template.id}', "
			   "'Version': '$Latest'}, "
			   "'MinSize': %d, 'MaxSize': %d, 'DesiredCapacity': %d, "
			   "'VPCZoneIdentifier': %s, 'Tags': ["
			   "{'Key': %s, 'Value': %s, 'PropagateAtLaunch': true}, "
			   "{'Key': 'Name', 'Value': %s, 'PropagateAtLaunch': true}, "
			   "{'Key': 'AmazonECSManaged', 'Value': '', 'PropagateAtLaunch': true}]}",
			name, s->asg_min, s->asg_max, s->asg_desired, buf_str(&subnets),
			PLAN_DEPLOYMENT_TAG, s->name, cluster));
	buf_free(&subnets);
	plan_set_id(p, a, NULL, NULL);
	plan_set_done_errors(p, a, "AlreadyExists");
	plan_set_find(p, a, "autoscaling", "DescribeAutoScalingGroups",
		      pj(p, "{'AutoScalingGroupNames': [%s]}", name),
		      "AutoScalingGroups[0].AutoScalingGroupName",
		      "AutoScalingGroups[0].AutoScalingGroupARN", NULL);
	return 0;
}

static const char *const asg_fields[] = { "asg_min", "asg_max", "asg_desired", NULL };

const struct step step_auto_scaling = {
	.id = "11-auto-scaling",
	.section = 11,
	.title = N_("Create Auto Scaling Group"),
	.summary = N_("The group that starts and replaces the ECS hosts in the "
		      "private subnets."),
	.fields = asg_fields,
	.plan = asg_plan,
};
