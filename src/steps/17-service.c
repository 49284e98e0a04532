/* 17-service.c - guide section 17, "Create ECS Service".
 *
 * The service that keeps desired_tasks copies of the task running through
 * the capacity provider, in the private subnets behind the ECS hosts'
 * group, registered with the target group; then ServicesStable. */
#include "config.h"

#include <stdio.h>

#include "i18n.h"
#include "plan-build.h"

static int service_plan(const struct spec *s, struct plan *p, struct aws_error *err)
{
	int zones = s->availability_zones < 1 ? 2 : s->availability_zones;
	char name[160];
	struct plan_action *a;
	cJSON *subnets = cJSON_CreateArray();

	(void)err;
	if (zones > 8)
		zones = 8;
	for (int i = 0; subnets && i < zones; i++) {
		char ref[64];
		snprintf(ref, sizeof ref, "${subnet-private-%d.id}", i + 1);
		cJSON_AddItemToArray(subnets, cJSON_CreateString(ref));
	}
	plan_name(name, sizeof name, s, "-service");
	a = plan_add(p, 17, PLAN_CREATE, "service", "ecs:service", name, "ecs",
		     "CreateService",
		     pj(p, "{'cluster': '${cluster.id}', 'serviceName': %s, "
			   "'taskDefinition': '${task-definition.arn}', 'desiredCount': %d, "
			   "'capacityProviderStrategy': [{'capacityProvider': "
			   "'${capacity-provider.id}', 'weight': 1, 'base': 0}], "
			   "'networkConfiguration': {'awsvpcConfiguration': {"
			   "'subnets': %j, 'securityGroups': ['${sg-ecs.id}'], "
			   "'assignPublicIp': 'DISABLED'}}, "
			   "'loadBalancers': [{'targetGroupArn': '${target-group.id}', "
			   "'containerName': %s, 'containerPort': %d}], 'tags': %j}",
			name, s->desired_tasks, subnets, s->name, s->container_port,
			plan_kv_tags(p, s, name, "key", "value")));
	plan_depends(p, a, "listener");
	plan_depends(p, a, "cluster-capacity-providers");
	plan_set_id(p, a, "service.serviceArn", "service.serviceArn");
	plan_set_find(p, a, "ecs", "DescribeServices",
		      pj(p, "{'cluster': '${cluster.id}', 'services': [%s]}", name),
		      "services[?status=='ACTIVE'].serviceArn",
		      "services[?status=='ACTIVE'].serviceArn", NULL);
	plan_set_wait(p, a, "ServicesStable",
		      pj(p, "{'cluster': '${cluster.id}', 'services': ['${self.id}']}"));
	return 0;
}

static const char *const service_fields[] = { "desired_tasks", NULL };

const struct step step_service = {
	.id = "17-service",
	.section = 17,
	.title = N_("Create ECS Service"),
	.summary = N_("The service that keeps the container running behind the "
		      "load balancer."),
	.fields = service_fields,
	.plan = service_plan,
};
