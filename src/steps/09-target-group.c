/* 09-target-group.c - guide section 9, "Create EC2 Target Group".
 *
 * IP targets (awsvpc tasks register by address), HTTP on the container
 * port, the health check path, in our VPC. */
#include "config.h"

#include "i18n.h"
#include "plan-build.h"

static int tg_plan(const struct spec *s, struct plan *p, struct aws_error *err)
{
	char name[160];
	struct plan_action *a;

	(void)err;
	plan_name(name, sizeof name, s, "-tg");
	a = plan_add(p, 9, PLAN_CREATE, "target-group", "elbv2:target-group", name,
		     "elbv2", "CreateTargetGroup",
		     pj(p, "{'Name': %s, 'Protocol': 'HTTP', 'ProtocolVersion': 'HTTP1', "
			   "'Port': %d, 'VpcId': '${vpc.id}', 'TargetType': 'ip', "
			   "'IpAddressType': 'ipv4', 'HealthCheckProtocol': 'HTTP', "
			   "'HealthCheckPath': %s, 'Tags': %j}",
			name, s->container_port, s->health_check_path,
			plan_kv_tags(p, s, name, "Key", "Value")));
	plan_set_id(p, a, "TargetGroups[0].TargetGroupArn", "TargetGroups[0].TargetGroupArn");
	plan_set_find(p, a, "elbv2", "DescribeTargetGroups",
		      pj(p, "{'Names': [%s]}", name), "TargetGroups[0].TargetGroupArn",
		      "TargetGroups[0].TargetGroupArn", "TargetGroupNotFound");
	return 0;
}

static const char *const tg_fields[] = { "container_port", "health_check_path", NULL };

const struct step step_target_group = {
	.id = "09-target-group",
	.section = 9,
	.title = N_("Create EC2 Target Group"),
	.summary = N_("The set of task addresses the load balancer sends requests "
		      "to, with the health check that decides which are ready."),
	.fields = tg_fields,
	.plan = tg_plan,
};
