/* waiter.c - the waiters of waiters-2.json the plan uses, and their
 * acceptor interpreter (see waiter.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "jpath.h"
#include "waiter.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* ec2 waiters-2.json, NatGatewayAvailable. */
static const struct waiter_acceptor nat_available[] = {
	{ WAITER_SUCCESS, MATCH_PATH_ALL, "NatGateways[].State", "available", NULL },
	{ WAITER_FAILURE, MATCH_PATH_ANY, "NatGateways[].State", "failed", NULL },
	{ WAITER_FAILURE, MATCH_PATH_ANY, "NatGateways[].State", "deleting", NULL },
	{ WAITER_FAILURE, MATCH_PATH_ANY, "NatGateways[].State", "deleted", NULL },
	{ WAITER_RETRY, MATCH_ERROR, NULL, "NatGatewayNotFound", NULL },
};

/* ec2 waiters-2.json, InstanceRunning. */
static const struct waiter_acceptor instance_running[] = {
	{ WAITER_SUCCESS, MATCH_PATH_ALL, "Reservations[].Instances[].State.Name", "running", NULL },
	{ WAITER_FAILURE, MATCH_PATH_ANY, "Reservations[].Instances[].State.Name", "shutting-down", NULL },
	{ WAITER_FAILURE, MATCH_PATH_ANY, "Reservations[].Instances[].State.Name", "terminated", NULL },
	{ WAITER_FAILURE, MATCH_PATH_ANY, "Reservations[].Instances[].State.Name", "stopping", NULL },
	{ WAITER_RETRY, MATCH_ERROR, NULL, "InvalidInstanceID.NotFound", NULL },
};

/* ecs ServicesStable's success acceptor is the JMESPath
 * length(services[?!(length(deployments) == `1` && runningCount == desiredCount)]) == `0`. */
static int services_stable(const cJSON *output)
{
	const cJSON *services = cJSON_GetObjectItemCaseSensitive(output, "services");
	const cJSON *s;

	if (!cJSON_IsArray(services))
		return 0;
	cJSON_ArrayForEach(s, services) {
		const cJSON *dep = cJSON_GetObjectItemCaseSensitive(s, "deployments");
		const cJSON *run = cJSON_GetObjectItemCaseSensitive(s, "runningCount");
		const cJSON *want = cJSON_GetObjectItemCaseSensitive(s, "desiredCount");
		if (cJSON_GetArraySize(dep) != 1 || !cJSON_IsNumber(run) ||
		    !cJSON_IsNumber(want) || run->valuedouble != want->valuedouble)
			return 0;
	}
	return 1;
}

/* ecs waiters-2.json, ServicesStable. */
static const struct waiter_acceptor services_stable_acc[] = {
	{ WAITER_FAILURE, MATCH_PATH_ANY, "failures[].reason", "MISSING", NULL },
	{ WAITER_FAILURE, MATCH_PATH_ANY, "services[].status", "DRAINING", NULL },
	{ WAITER_FAILURE, MATCH_PATH_ANY, "services[].status", "INACTIVE", NULL },
	{ WAITER_SUCCESS, MATCH_CUSTOM, NULL, NULL, services_stable },
};

/* iam waiters-2.json, InstanceProfileExists. */
static const struct waiter_acceptor profile_exists[] = {
	{ WAITER_SUCCESS, MATCH_STATUS, NULL, "200", NULL },
	{ WAITER_RETRY, MATCH_STATUS, NULL, "404", NULL },
};

/* elbv2 waiters-2.json, LoadBalancerAvailable. */
static const struct waiter_acceptor lb_available[] = {
	{ WAITER_SUCCESS, MATCH_PATH_ALL, "LoadBalancers[].State.Code", "active", NULL },
	{ WAITER_RETRY, MATCH_PATH_ANY, "LoadBalancers[].State.Code", "provisioning", NULL },
	{ WAITER_RETRY, MATCH_ERROR, NULL, "LoadBalancerNotFound", NULL },
};

/* Ours, in the same form (EFS ships no waiters). */
static const struct waiter_acceptor fs_available[] = {
	{ WAITER_SUCCESS, MATCH_PATH_ALL, "FileSystems[].LifeCycleState", "available", NULL },
	{ WAITER_FAILURE, MATCH_PATH_ANY, "FileSystems[].LifeCycleState", "error", NULL },
	{ WAITER_FAILURE, MATCH_PATH_ANY, "FileSystems[].LifeCycleState", "deleted", NULL },
};

static const struct waiter_acceptor mt_available[] = {
	{ WAITER_SUCCESS, MATCH_PATH_ALL, "MountTargets[].LifeCycleState", "available", NULL },
	{ WAITER_FAILURE, MATCH_PATH_ANY, "MountTargets[].LifeCycleState", "error", NULL },
	{ WAITER_FAILURE, MATCH_PATH_ANY, "MountTargets[].LifeCycleState", "deleted", NULL },
	{ WAITER_RETRY, MATCH_ERROR, NULL, "MountTargetNotFound", NULL },
};

/* Ours (API Gateway ships no waiters): a VPC link takes minutes to place
 * its network interfaces, and an integration through a PENDING one fails. */
static const struct waiter_acceptor vpc_link_available[] = {
	{ WAITER_SUCCESS, MATCH_PATH_ALL, "VpcLinkStatus", "AVAILABLE", NULL },
	{ WAITER_FAILURE, MATCH_PATH, "VpcLinkStatus", "FAILED", NULL },
	{ WAITER_FAILURE, MATCH_PATH, "VpcLinkStatus", "INACTIVE", NULL },
	{ WAITER_FAILURE, MATCH_PATH, "VpcLinkStatus", "DELETING", NULL },
};

/* ---- teardown ---- */

static int no_mount_targets(const cJSON *output)
{
	return cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(output, "MountTargets")) == 0;
}

static int no_file_systems(const cJSON *output)
{
	return cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(output, "FileSystems")) == 0;
}

/* ec2 waiters-2.json, NatGatewayDeleted. */
static const struct waiter_acceptor nat_deleted[] = {
	{ WAITER_SUCCESS, MATCH_PATH_ALL, "NatGateways[].State", "deleted", NULL },
	{ WAITER_SUCCESS, MATCH_ERROR, NULL, "NatGatewayNotFound", NULL },
};

/* ec2 waiters-2.json, InstanceTerminated (and a gone instance is too). */
static const struct waiter_acceptor instance_terminated[] = {
	{ WAITER_SUCCESS, MATCH_PATH_ALL, "Reservations[].Instances[].State.Name", "terminated", NULL },
	{ WAITER_FAILURE, MATCH_PATH_ANY, "Reservations[].Instances[].State.Name", "pending", NULL },
	{ WAITER_FAILURE, MATCH_PATH_ANY, "Reservations[].Instances[].State.Name", "stopping", NULL },
	{ WAITER_SUCCESS, MATCH_ERROR, NULL, "InvalidInstanceID.NotFound", NULL },
};

/* ecs waiters-2.json, ServicesInactive, except that a service AWS no
 * longer knows (MISSING) is gone too, which is what teardown waits for. */
static const struct waiter_acceptor services_gone[] = {
	{ WAITER_SUCCESS, MATCH_PATH_ANY, "failures[].reason", "MISSING", NULL },
	{ WAITER_SUCCESS, MATCH_PATH_ANY, "services[].status", "INACTIVE", NULL },
	{ WAITER_SUCCESS, MATCH_ERROR, NULL, "ServiceNotFoundException", NULL },
	{ WAITER_SUCCESS, MATCH_ERROR, NULL, "ClusterNotFoundException", NULL },
};

/* Ours: the link's interfaces hold its security group until it is gone. */
static const struct waiter_acceptor vpc_link_deleted[] = {
	{ WAITER_SUCCESS, MATCH_ERROR, NULL, "NotFoundException", NULL },
	{ WAITER_RETRY, MATCH_PATH, "VpcLinkStatus", "DELETING", NULL },
};

/* elbv2 waiters-2.json, LoadBalancersDeleted. */
static const struct waiter_acceptor lb_deleted[] = {
	{ WAITER_RETRY, MATCH_PATH_ALL, "LoadBalancers[].State.Code", "active", NULL },
	{ WAITER_SUCCESS, MATCH_ERROR, NULL, "LoadBalancerNotFound", NULL },
};

/* autoscaling waiters-2.json, GroupNotExists: length(AutoScalingGroups) == 0. */
static int no_groups(const cJSON *output)
{
	return cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(output, "AutoScalingGroups")) == 0;
}

static const struct waiter_acceptor group_not_exists[] = {
	{ WAITER_SUCCESS, MATCH_CUSTOM, NULL, NULL, no_groups },
};

/* Ours, for EFS: deleted, or no longer known. */
static const struct waiter_acceptor mt_deleted[] = {
	{ WAITER_SUCCESS, MATCH_ERROR, NULL, "MountTargetNotFound", NULL },
	{ WAITER_SUCCESS, MATCH_PATH_ALL, "MountTargets[].LifeCycleState", "deleted", NULL },
	{ WAITER_SUCCESS, MATCH_CUSTOM, NULL, NULL, no_mount_targets },
};

static const struct waiter_acceptor fs_deleted[] = {
	{ WAITER_SUCCESS, MATCH_ERROR, NULL, "FileSystemNotFound", NULL },
	{ WAITER_SUCCESS, MATCH_PATH_ALL, "FileSystems[].LifeCycleState", "deleted", NULL },
	{ WAITER_SUCCESS, MATCH_CUSTOM, NULL, NULL, no_file_systems },
};

static const struct waiter waiters[] = {
	{ "NatGatewayAvailable", "ec2", "DescribeNatGateways", 15, 40, nat_available, N(nat_available) },
	{ "InstanceRunning", "ec2", "DescribeInstances", 15, 40, instance_running, N(instance_running) },
	{ "ServicesStable", "ecs", "DescribeServices", 15, 40, services_stable_acc, N(services_stable_acc) },
	{ "InstanceProfileExists", "iam", "GetInstanceProfile", 1, 40, profile_exists, N(profile_exists) },
	{ "LoadBalancerAvailable", "elbv2", "DescribeLoadBalancers", 15, 40, lb_available, N(lb_available) },
	{ "FileSystemAvailable", "efs", "DescribeFileSystems", 5, 60, fs_available, N(fs_available) },
	{ "MountTargetAvailable", "efs", "DescribeMountTargets", 5, 60, mt_available, N(mt_available) },
	{ "VpcLinkAvailable", "apigatewayv2", "GetVpcLink", 15, 40, vpc_link_available, N(vpc_link_available) },
	{ "NatGatewayDeleted", "ec2", "DescribeNatGateways", 15, 40, nat_deleted, N(nat_deleted) },
	{ "InstanceTerminated", "ec2", "DescribeInstances", 15, 40, instance_terminated, N(instance_terminated) },
	{ "ServicesGone", "ecs", "DescribeServices", 15, 40, services_gone, N(services_gone) },
	{ "LoadBalancersDeleted", "elbv2", "DescribeLoadBalancers", 15, 40, lb_deleted, N(lb_deleted) },
	{ "GroupNotExists", "autoscaling", "DescribeAutoScalingGroups", 15, 40, group_not_exists, N(group_not_exists) },
	{ "MountTargetDeleted", "efs", "DescribeMountTargets", 5, 60, mt_deleted, N(mt_deleted) },
	{ "FileSystemDeleted", "efs", "DescribeFileSystems", 5, 60, fs_deleted, N(fs_deleted) },
	{ "VpcLinkDeleted", "apigatewayv2", "GetVpcLink", 15, 40, vpc_link_deleted, N(vpc_link_deleted) },
};

const struct waiter *waiter_find(const char *name)
{
	for (int i = 0; name && i < N(waiters); i++)
		if (strcmp(waiters[i].name, name) == 0)
			return &waiters[i];
	return NULL;
}

static int text_is(const cJSON *v, const char *expected)
{
	char *t = jpath_scalar_text(v);
	int eq = t && strcmp(t, expected) == 0;

	free(t);
	return eq;
}

static int matches(const struct waiter_acceptor *a, const cJSON *output,
		   const struct aws_error *err)
{
	const cJSON *vals[64];
	int n;

	switch (a->matcher) {
	case MATCH_ERROR:
		return err && err->kind == AWS_ERR_SERVICE && strcmp(err->code, a->expected) == 0;
	case MATCH_STATUS:
		if (strcmp(a->expected, "200") == 0)
			return !err;
		return err && err->http_status == atol(a->expected);
	case MATCH_CUSTOM:
		return !err && a->custom(output);
	case MATCH_PATH:
		return !err && text_is(jpath_get(output, a->argument), a->expected);
	case MATCH_PATH_ALL:
		if (err)
			return 0;
		n = jpath_eval(output, a->argument, vals, N(vals));
		if (n < 1 || n > N(vals))
			return 0;
		for (int i = 0; i < n; i++)
			if (!text_is(vals[i], a->expected))
				return 0;
		return 1;
	case MATCH_PATH_ANY:
		if (err)
			return 0;
		n = jpath_eval(output, a->argument, vals, N(vals));
		for (int i = 0; i < n && i < N(vals); i++)
			if (text_is(vals[i], a->expected))
				return 1;
		return 0;
	}
	return 0;
}

enum waiter_state waiter_judge(const struct waiter *w, const cJSON *output,
			       const struct aws_error *err)
{
	for (int i = 0; i < w->acceptor_count; i++)
		if (matches(&w->acceptors[i], output, err))
			return w->acceptors[i].state;
	return err ? WAITER_FAILURE : WAITER_RETRY;
}
