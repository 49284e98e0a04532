/* 13-cluster.c - guide section 13, "Create ECS Cluster".
 *
 * The cluster named in the launch template's user data, a capacity
 * provider on the auto scaling group, and that provider as the cluster's
 * default strategy, as the console sets it up. */
#include "config.h"

#include "i18n.h"
#include "plan-build.h"

static int cluster_plan(const struct spec *s, struct plan *p, struct aws_error *err)
{
	char name[160], cp[160];
	struct plan_action *a;

	(void)err;
	plan_name(name, sizeof name, s, "-cluster");
	a = plan_add(p, 13, PLAN_CREATE, "cluster", "ecs:cluster", name, "ecs",
		     "CreateCluster",
		     pj(p, "{'clusterName': %s, 'tags': %j}", name,
			plan_kv_tags(p, s, name, "key", "value")));
	plan_set_id(p, a, "cluster.clusterName", "cluster.clusterArn");
	plan_set_find(p, a, "ecs", "DescribeClusters", pj(p, "{'clusters': [%s]}", name),
		      "clusters[?status=='ACTIVE'].clusterName",
		      "clusters[?status=='ACTIVE'].clusterArn", NULL);

	plan_name(cp, sizeof cp, s, "-cp");
	a = plan_add(p, 13, PLAN_CREATE, "capacity-provider", "ecs:capacity-provider", cp,
		     "ecs", "CreateCapacityProvider",
		     pj(p, "{'name': %s, 'autoScalingGroupProvider': {"
			   "'autoScalingGroupArn': '${asg.arn}', "
			   "'managedScaling': {'status': 'ENABLED', 'targetCapacity': 100}, "
			   "'managedTerminationProtection': 'DISABLED'}, 'tags': %j}",
			cp, plan_kv_tags(p, s, cp, "key", "value")));
	plan_set_id(p, a, "capacityProvider.name", "capacityProvider.capacityProviderArn");
	plan_set_find(p, a, "ecs", "DescribeCapacityProviders",
		      pj(p, "{'capacityProviders': [%s]}", cp),
		      "capacityProviders[?status=='ACTIVE'].name",
		      "capacityProviders[?status=='ACTIVE'].capacityProviderArn", NULL);

	plan_add(p, 13, PLAN_CONFIGURE, "cluster-capacity-providers",
		 "ecs:cluster-capacity-providers", name, "ecs",
		 "PutClusterCapacityProviders",
		 pj(p, "{'cluster': '${cluster.id}', "
		       "'capacityProviders': ['${capacity-provider.id}'], "
		       "'defaultCapacityProviderStrategy': [{'capacityProvider': "
		       "'${capacity-provider.id}', 'weight': 1, 'base': 0}]}"));
	return 0;
}

const struct step step_cluster = {
	.id = "13-cluster",
	.section = 13,
	.title = N_("Create ECS Cluster"),
	.summary = N_("The ECS cluster, fed with hosts by the auto scaling group "
		      "through a capacity provider."),
	.fields = NULL,
	.plan = cluster_plan,
};
