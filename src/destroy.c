/* destroy.c - teardown (see destroy.h).
 *
 * The recipes table below is the order: the API Gateway entry first (the
 * API, which takes its integration, route and stage with it, then the VPC
 * link, whose interfaces hold its group until it is gone), the ECS
 * service (its tasks hold addresses in the subnets and targets in the
 * group), the auto
 * scaling group emptied before the capacity provider and the cluster (a
 * cluster with container instances cannot go, the trap that hangs other
 * tools), the load balancer before its target group, the NAT gateway
 * before its address, mount targets before their file system, every
 * group-to-group rule before any security group, the network last but the
 * account-wide IAM entities, and the ECR repository only when asked. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "destroy.h"
#include "engine.h"
#include "jpath.h"
#include "waiter.h"

struct dctx;
struct ditem {
	char *key;
	char *kind;
	char *name;        /* the journal's name for it (a family, a log group) */
	char *id;          /* its id (journal, lookup or tag), NULL when unknown */
	int has_kind;      /* the journal gave a kind: it was an intent, not a lookup */
	int tagged_only;   /* found by the deployment tag alone: not in the journal */
	enum destroy_verdict verdict;
};

typedef int (*recipe_fn)(struct dctx *d, struct ditem *it, struct aws_error *err);

struct recipe {
	const char *kind;
	int phase;
	recipe_fn fn;
};

struct dctx {
	struct engine *e;
	struct ditem *items;
	int n;
};

enum call_result { CALL_OK = 0, CALL_GONE = 1, CALL_FAILED = -1 };

/* Answers meaning "still in use, try again shortly": the network
 * interfaces of a deleted load balancer or task linger for minutes. */
static const char *const busy_codes[] = {
	"DependencyViolation", "ResourceInUse", "ResourceInUseException",
	"FileSystemInUse", "InvalidIPAddress.InUse", "DeleteConflict",
	"ClusterContainsContainerInstancesException", "ClusterContainsServicesException",
	"ClusterContainsTasksException", "InvalidNetworkInterface.InUse",
	"IncorrectState", NULL,
};

#define BUSY_TRIES 24  /* 5 s doubling to 60 s: about twenty minutes */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void post(struct engine *e, enum queue_event_type type, const char *key,
		 const char *id, const char *text, const struct aws_error *err,
		 double elapsed)
{
	struct queue_event *ev;

	if (!e->on_event)
		return;
	ev = calloc(1, sizeof *ev);
	if (!ev)
		return;
	ev->type = type;
	ev->key = key ? strdup(key) : NULL;
	ev->id = id ? strdup(id) : NULL;
	ev->text = text ? strdup(text) : NULL;
	ev->elapsed = elapsed;
	ev->ok = type != QEV_FAILED;
	if (err)
		ev->err = *err;
	e->on_event(e->event_ctx, ev);
}

static int cancelled(struct dctx *d, struct aws_error *err)
{
	if (!d->e->cancel)
		return 0;
	aws_error_set(err, AWS_ERR_CANCELLED, "Cancelled", "cancelled");
	return 1;
}

/* Sleep seconds (scaled as the engine's waits are), in slices so a cancel
 * is honoured quickly. -1 when cancelled. */
static int pause_for(struct dctx *d, double seconds, struct aws_error *err)
{
	double until = now_s() + seconds * d->e->delay_scale;

	while (now_s() < until) {
		double left = until - now_s();
		struct timespec ts = { 0, (long)((left < 0.1 ? left : 0.1) * 1e9) };
		if (cancelled(d, err))
			return -1;
		nanosleep(&ts, NULL);
	}
	return cancelled(d, err) ? -1 : 0;
}

static int in_list(const char *const *list, const char *code)
{
	for (int i = 0; list[i]; i++)
		if (strcmp(list[i], code) == 0)
			return 1;
	return 0;
}

/* "Not there" in any service's words, or one of extra (comma-separated). */
static int is_gone(const struct aws_error *err, const char *extra)
{
	size_t len = strlen(err->code);

	if (err->kind != AWS_ERR_SERVICE)
		return 0;
	if (strstr(err->code, "NotFound") || strcmp(err->code, "NoSuchEntity") == 0)
		return 1;
	while (extra && *extra) {
		const char *comma = strchr(extra, ',');
		size_t n = comma ? (size_t)(comma - extra) : strlen(extra);
		if (n == len && strncmp(extra, err->code, n) == 0)
			return 1;
		extra = comma ? comma + 1 : NULL;
	}
	return 0;
}

/* One call; input is taken. Busy answers are retried with backoff; a
 * "not there" answer is CALL_GONE. *out (may be NULL) is the caller's. */
static int dcall(struct dctx *d, const char *key, const char *service,
		 const char *operation, cJSON *input, cJSON **out, const char *gone,
		 struct aws_error *err)
{
	struct engine *e = d->e;
	double delay = 5;
	int rc = CALL_FAILED;

	if (out)
		*out = NULL;
	if (!input) {
		aws_error_set(err, AWS_ERR_NOMEM, "", "out of memory");
		return CALL_FAILED;
	}
	for (int attempt = 0;; attempt++) {
		struct aws_call_spec c = {.service = service, .operation = operation, .input = input};
		char line[256];

		if (cancelled(d, err))
			break;
		aws_error_clear(&c.err);
		e->call_many(e->call_ctx, &c, 1);
		snprintf(line, sizeof line, "%s %s %s%s", service, operation,
			 c.err.kind ? "error " : "ok", c.err.kind ? c.err.code : "");
		post(e, QEV_REQUEST, key, NULL, line, NULL, 0);
		if (!c.err.kind) {
			if (out)
				*out = c.output;
			else
				cJSON_Delete(c.output);
			rc = CALL_OK;
			break;
		}
		cJSON_Delete(c.output);
		if (is_gone(&c.err, gone)) {
			rc = CALL_GONE;
			break;
		}
		if (c.err.kind == AWS_ERR_SERVICE && in_list(busy_codes, c.err.code) &&
		    attempt + 1 < BUSY_TRIES) {
			char text[200];
			snprintf(text, sizeof text, "%s: %s", operation, c.err.code);
			post(e, QEV_WAITING, key, NULL, text, NULL, 0);
			if (pause_for(d, delay, err) < 0)
				break;
			delay = delay * 2 > 60 ? 60 : delay * 2;
			continue;
		}
		*err = c.err;
		if (!err->where[0])
			aws_error_where(err, "%s:%s", service, operation);
		break;
	}
	cJSON_Delete(input);
	return rc;
}

/* Poll a waiter (waiter.c) until it succeeds; input is taken. */
static int dwait(struct dctx *d, const char *key, const char *name, cJSON *input,
		 struct aws_error *err)
{
	const struct waiter *w = waiter_find(name);
	double started = now_s();
	int rc = -1;

	if (!w || !input) {
		aws_error_set(err, AWS_ERR_INTERNAL, "UnknownWaiter", "no waiter %s", name);
		cJSON_Delete(input);
		return -1;
	}
	for (int attempt = 0; attempt < w->max_attempts; attempt++) {
		struct aws_call_spec c = {.service = w->service, .operation = w->operation, .input = input};
		enum waiter_state st;

		if (cancelled(d, err))
			goto out;
		aws_error_clear(&c.err);
		d->e->call_many(d->e->call_ctx, &c, 1);
		st = waiter_judge(w, c.output, c.err.kind ? &c.err : NULL);
		cJSON_Delete(c.output);
		if (st == WAITER_SUCCESS) {
			rc = 0;
			goto out;
		}
		if (st == WAITER_FAILURE) {
			if (c.err.kind)
				*err = c.err;
			else
				aws_error_set(err, AWS_ERR_SERVICE, "WaiterFailed",
					      "%s: %s reached a failure state", key, name);
			goto out;
		}
		post(d->e, QEV_WAITING, key, NULL, name, NULL, now_s() - started);
		if (pause_for(d, w->delay, err) < 0)
			goto out;
	}
	aws_error_set(err, AWS_ERR_TIMEOUT, "WaiterTimeout", "%s: %s did not succeed after %d attempts",
		      key, name, w->max_attempts);
out:
	cJSON_Delete(input);
	return rc;
}

/* ---- small JSON builders ---- */

/* {k1: v1} with string values; more pairs through add(). */
static cJSON *obj1(const char *k, const char *v)
{
	cJSON *o = cJSON_CreateObject();

	if (o && !cJSON_AddStringToObject(o, k, v ? v : "")) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

static cJSON *add_s(cJSON *o, const char *k, const char *v)
{
	if (o && !cJSON_AddStringToObject(o, k, v ? v : "")) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

static cJSON *add_n(cJSON *o, const char *k, double v)
{
	if (o && !cJSON_AddNumberToObject(o, k, v)) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

static cJSON *add_b(cJSON *o, const char *k, int v)
{
	if (o && !cJSON_AddBoolToObject(o, k, v)) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

/* {k: [v]} */
static cJSON *obj_list1(const char *k, const char *v)
{
	cJSON *o = cJSON_CreateObject();
	const char *one[1] = { v ? v : "" };
	cJSON *a = cJSON_CreateStringArray(one, 1);

	if (!o || !a || !cJSON_AddItemToObject(o, k, a)) {
		cJSON_Delete(o);
		cJSON_Delete(a);
		return NULL;
	}
	return o;
}

static const char *id_of(struct dctx *d, const char *key)
{
	return journal_id_of(d->e->journal, key);
}

/* ---- recipes ---- */

static int rm_service(struct dctx *d, struct ditem *it, struct aws_error *err)
{
	const char *cluster = id_of(d, "cluster"), *svc = it->id;
	const char *gone = "ServiceNotActiveException,ClusterNotFoundException";
	int rc;

	if (!cluster || !svc)
		return CALL_GONE;
	rc = dcall(d, it->key, "ecs", "UpdateService",
		   add_n(add_s(obj1("cluster", cluster), "service", svc), "desiredCount", 0),
		   NULL, gone, err);
	if (rc != CALL_OK)
		return rc;
	rc = dcall(d, it->key, "ecs", "DeleteService",
		   add_b(add_s(obj1("cluster", cluster), "service", svc), "force", 1), NULL,
		   gone, err);
	if (rc != CALL_OK)
		return rc;
	{
		cJSON *in = obj_list1("services", svc);
		return dwait(d, it->key, "ServicesGone", add_s(in, "cluster", cluster), err);
	}
}

/* The stage, route and integration go with the API. */
static int rm_api(struct dctx *d, struct ditem *it, struct aws_error *err)
{
	return dcall(d, it->key, "apigatewayv2", "DeleteApi", obj1("ApiId", it->id), NULL,
		     NULL, err);
}

static int rm_vpc_link(struct dctx *d, struct ditem *it, struct aws_error *err)
{
	int rc = dcall(d, it->key, "apigatewayv2", "DeleteVpcLink",
		       obj1("VpcLinkId", it->id), NULL, NULL, err);

	if (rc != CALL_OK)
		return rc;
	return dwait(d, it->key, "VpcLinkDeleted", obj1("VpcLinkId", it->id), err);
}

/* Every active revision of the family, not just the journal's. */
static int rm_task_definition(struct dctx *d, struct ditem *it, struct aws_error *err)
{
	cJSON *out = NULL;
	const cJSON *arn;
	char want[300];
	int rc, any = 0;

	rc = dcall(d, it->key, "ecs", "ListTaskDefinitions",
		   add_s(obj1("familyPrefix", it->name), "status", "ACTIVE"), &out, NULL, err);
	if (rc != CALL_OK)
		return rc;
	snprintf(want, sizeof want, ":task-definition/%s:", it->name);
	cJSON_ArrayForEach(arn, cJSON_GetObjectItemCaseSensitive(out, "taskDefinitionArns")) {
		if (!cJSON_IsString(arn) || !strstr(arn->valuestring, want))
			continue;
		rc = dcall(d, it->key, "ecs", "DeregisterTaskDefinition",
			   obj1("taskDefinition", arn->valuestring), NULL, "ClientException", err);
		if (rc == CALL_FAILED)
			break;
		any = 1;
	}
	cJSON_Delete(out);
	if (rc == CALL_FAILED)
		return rc;
	return any ? CALL_OK : CALL_GONE;
}

/* The group as AWS sees it; CALL_GONE when it is not there. */
static int describe_asg(struct dctx *d, struct ditem *it, cJSON **group,
			cJSON **out, struct aws_error *err)
{
	int rc = dcall(d, it->key, "autoscaling", "DescribeAutoScalingGroups",
		       obj_list1("AutoScalingGroupNames", it->id), out, NULL, err);

	if (rc != CALL_OK)
		return rc;
	*group = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(*out, "AutoScalingGroups"), 0);
	if (!*group) {
		cJSON_Delete(*out);
		*out = NULL;
		return CALL_GONE;
	}
	return CALL_OK;
}

/* Empty the group: no new hosts, its hosts terminated and gone. */
static int drain_asg(struct dctx *d, struct ditem *it, struct aws_error *err)
{
	cJSON *out = NULL, *group = NULL, *ids = NULL;
	const cJSON *inst;
	int rc;

	rc = describe_asg(d, it, &group, &out, err);
	if (rc != CALL_OK)
		return rc;
	rc = dcall(d, it->key, "autoscaling", "UpdateAutoScalingGroup",
		   add_n(add_n(add_n(obj1("AutoScalingGroupName", it->id),
				     "MinSize", 0), "MaxSize", 0), "DesiredCapacity", 0),
		   NULL, NULL, err);
	ids = cJSON_CreateArray();
	cJSON_ArrayForEach(inst, cJSON_GetObjectItemCaseSensitive(group, "Instances")) {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(inst, "InstanceId");
		if (cJSON_IsString(id))
			cJSON_AddItemToArray(ids, cJSON_CreateString(id->valuestring));
	}
	cJSON_Delete(out);
	if (rc == CALL_FAILED || !ids) {
		cJSON_Delete(ids);
		return CALL_FAILED;
	}
	if (cJSON_GetArraySize(ids) == 0) {
		cJSON_Delete(ids);
		return CALL_OK;
	}
	{
		cJSON *in = cJSON_CreateObject();
		cJSON_AddItemToObject(in, "InstanceIds", cJSON_Duplicate(ids, 1));
		rc = dcall(d, it->key, "ec2", "TerminateInstances", in, NULL, NULL, err);
	}
	if (rc == CALL_OK) {
		cJSON *in = cJSON_CreateObject();
		cJSON_AddItemToObject(in, "InstanceIds", ids);
		ids = NULL;
		rc = dwait(d, it->key, "InstanceTerminated", in, err) < 0 ? CALL_FAILED : CALL_OK;
	}
	cJSON_Delete(ids);
	return rc == CALL_FAILED ? CALL_FAILED : CALL_OK;
}

static int rm_asg(struct dctx *d, struct ditem *it, struct aws_error *err)
{
	cJSON *out = NULL, *group = NULL;
	int rc = describe_asg(d, it, &group, &out, err);

	cJSON_Delete(out);
	if (rc != CALL_OK)
		return rc;
	rc = dcall(d, it->key, "autoscaling", "DeleteAutoScalingGroup",
		   add_b(obj1("AutoScalingGroupName", it->id), "ForceDelete", 1),
		   NULL, NULL, err);
	if (rc != CALL_OK)
		return rc;
	return dwait(d, it->key, "GroupNotExists",
		     obj_list1("AutoScalingGroupNames", it->id), err);
}

/* The cluster lets go of the provider first: AWS refuses to delete one
 * that a cluster still names. */
static int rm_capacity_provider(struct dctx *d, struct ditem *it, struct aws_error *err)
{
	const char *cluster = id_of(d, "cluster"), *cp = it->id;
	cJSON *out = NULL;
	const cJSON *found, *status;
	int rc, inactive;

	rc = dcall(d, it->key, "ecs", "DescribeCapacityProviders",
		   obj_list1("capacityProviders", cp), &out, NULL, err);
	if (rc != CALL_OK)
		return rc;
	found = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(out, "capacityProviders"), 0);
	status = cJSON_GetObjectItemCaseSensitive(found, "status");
	inactive = !found || (cJSON_IsString(status) && strcmp(status->valuestring, "INACTIVE") == 0);
	cJSON_Delete(out);
	if (inactive)
		return CALL_GONE;
	if (cluster) {
		cJSON *in = obj1("cluster", cluster);
		if (in) {
			cJSON_AddItemToObject(in, "capacityProviders", cJSON_CreateArray());
			cJSON_AddItemToObject(in, "defaultCapacityProviderStrategy",
					      cJSON_CreateArray());
		}
		rc = dcall(d, it->key, "ecs", "PutClusterCapacityProviders", in, NULL,
			   "ClusterNotFoundException", err);
		if (rc == CALL_FAILED)
			return rc;
	}
	return dcall(d, it->key, "ecs", "DeleteCapacityProvider",
		     obj1("capacityProvider", cp), NULL, NULL, err);
}

static int rm_cluster(struct dctx *d, struct ditem *it, struct aws_error *err)
{
	return dcall(d, it->key, "ecs", "DeleteCluster", obj1("cluster", it->id),
		     NULL, NULL, err);
}

static int rm_listener(struct dctx *d, struct ditem *it, struct aws_error *err)
{
	return dcall(d, it->key, "elbv2", "DeleteListener",
		     obj1("ListenerArn", it->id), NULL, NULL, err);
}

static int rm_load_balancer(struct dctx *d, struct ditem *it, struct aws_error *err)
{
	int rc = dcall(d, it->key, "elbv2", "DeleteLoadBalancer",
		       obj1("LoadBalancerArn", it->id), NULL, NULL, err);

	if (rc != CALL_OK)
		return rc;
	return dwait(d, it->key, "LoadBalancersDeleted",
		     obj_list1("LoadBalancerArns", it->id), err);
}

static int rm_target_group(struct dctx *d, struct ditem *it, struct aws_error *err)
{
	return dcall(d, it->key, "elbv2", "DeleteTargetGroup",
		     obj1("TargetGroupArn", it->id), NULL, NULL, err);
}

static int rm_launch_template(struct dctx *d, struct ditem *it, struct aws_error *err)
{
	return dcall(d, it->key, "ec2", "DeleteLaunchTemplate",
		     obj1("LaunchTemplateId", it->id), NULL, NULL, err);
}

static int rm_nat(struct dctx *d, struct ditem *it, struct aws_error *err)
{
	int rc = dcall(d, it->key, "ec2", "DeleteNatGateway",
		       obj1("NatGatewayId", it->id), NULL, NULL, err);

	if (rc != CALL_OK)
		return rc;
	return dwait(d, it->key, "NatGatewayDeleted",
		     obj_list1("NatGatewayIds", it->id), err);
}

static int rm_eip(struct dctx *d, struct ditem *it, struct aws_error *err)
{
	return dcall(d, it->key, "ec2", "ReleaseAddress",
		     obj1("AllocationId", it->id), NULL, NULL, err);
}

static int rm_mount_target(struct dctx *d, const char *key, const char *id,
			   struct aws_error *err)
{
	int rc = dcall(d, key, "efs", "DeleteMountTarget", obj1("MountTargetId", id),
		       NULL, NULL, err);

	if (rc != CALL_OK)
		return rc;
	return dwait(d, key, "MountTargetDeleted", obj1("MountTargetId", id), err);
}

static int rm_mount(struct dctx *d, struct ditem *it, struct aws_error *err)
{
	return rm_mount_target(d, it->key, it->id, err);
}

/* Mount targets the journal does not know (a run killed mid-create) go
 * too: a file system with any cannot be deleted. */
static int rm_file_system(struct dctx *d, struct ditem *it, struct aws_error *err)
{
	const char *fs = it->id;
	cJSON *out = NULL;
	const cJSON *mt;
	int rc;

	rc = dcall(d, it->key, "efs", "DescribeMountTargets", obj1("FileSystemId", fs), &out,
		   NULL, err);
	if (rc != CALL_OK)
		return rc;
	cJSON_ArrayForEach(mt, cJSON_GetObjectItemCaseSensitive(out, "MountTargets")) {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(mt, "MountTargetId");
		if (cJSON_IsString(id) && rm_mount_target(d, it->key, id->valuestring, err) < 0) {
			rc = CALL_FAILED;
			break;
		}
	}
	cJSON_Delete(out);
	if (rc == CALL_FAILED)
		return rc;
	rc = dcall(d, it->key, "efs", "DeleteFileSystem", obj1("FileSystemId", fs), NULL,
		   NULL, err);
	if (rc != CALL_OK)
		return rc;
	return dwait(d, it->key, "FileSystemDeleted", obj1("FileSystemId", fs), err);
}

static int rm_instance(struct dctx *d, struct ditem *it, struct aws_error *err)
{
	cJSON *out = NULL;
	char *state;
	int rc = dcall(d, it->key, "ec2", "DescribeInstances",
		       obj_list1("InstanceIds", it->id), &out, NULL, err);

	if (rc != CALL_OK)
		return rc;
	/* Terminated ones stay listed (with their tags) for a while. */
	state = jpath_text(out, "Reservations[0].Instances[0].State.Name");
	cJSON_Delete(out);
	if (!state || strcmp(state, "terminated") == 0) {
		free(state);
		return CALL_GONE;
	}
	free(state);
	rc = dcall(d, it->key, "ec2", "TerminateInstances",
		   obj_list1("InstanceIds", it->id), NULL, NULL, err);

	if (rc != CALL_OK)
		return rc;
	return dwait(d, it->key, "InstanceTerminated",
		     obj_list1("InstanceIds", it->id), err);
}

/* The rules of perms that name another group, reduced to what Revoke
 * accepts; NULL when there are none. */
static cJSON *group_rules(const cJSON *perms)
{
	cJSON *out = cJSON_CreateArray();
	const cJSON *p;

	cJSON_ArrayForEach(p, perms) {
		const cJSON *pairs = cJSON_GetObjectItemCaseSensitive(p, "UserIdGroupPairs");
		const cJSON *pair;
		cJSON *rule, *list;
		if (cJSON_GetArraySize(pairs) == 0)
			continue;
		rule = cJSON_CreateObject();
		list = cJSON_AddArrayToObject(rule, "UserIdGroupPairs");
		cJSON_AddItemToObject(rule, "IpProtocol", cJSON_Duplicate(
			cJSON_GetObjectItemCaseSensitive(p, "IpProtocol"), 1));
		if (cJSON_GetObjectItemCaseSensitive(p, "FromPort"))
			cJSON_AddItemToObject(rule, "FromPort", cJSON_Duplicate(
				cJSON_GetObjectItemCaseSensitive(p, "FromPort"), 1));
		if (cJSON_GetObjectItemCaseSensitive(p, "ToPort"))
			cJSON_AddItemToObject(rule, "ToPort", cJSON_Duplicate(
				cJSON_GetObjectItemCaseSensitive(p, "ToPort"), 1));
		cJSON_ArrayForEach(pair, pairs) {
			const cJSON *g = cJSON_GetObjectItemCaseSensitive(pair, "GroupId");
			if (cJSON_IsString(g))
				cJSON_AddItemToArray(list, obj1("GroupId", g->valuestring));
		}
		cJSON_AddItemToArray(out, rule);
	}
	if (cJSON_GetArraySize(out) == 0) {
		cJSON_Delete(out);
		return NULL;
	}
	return out;
}

/* Groups that name each other cannot be deleted: revoke those rules
 * first (every group's, before any group goes). */
static int revoke_group_rules(struct dctx *d, struct ditem *it, struct aws_error *err)
{
	static const char *const dir[2][2] = {
		{ "IpPermissions", "RevokeSecurityGroupIngress" },
		{ "IpPermissionsEgress", "RevokeSecurityGroupEgress" },
	};
	const char *gid = it->id;
	cJSON *out = NULL, *group;
	int rc;

	rc = dcall(d, it->key, "ec2", "DescribeSecurityGroups", obj_list1("GroupIds", gid),
		   &out, NULL, err);
	if (rc != CALL_OK)
		return rc;
	group = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(out, "SecurityGroups"), 0);
	for (int k = 0; k < 2 && rc == CALL_OK; k++) {
		cJSON *rules = group_rules(cJSON_GetObjectItemCaseSensitive(group, dir[k][0]));
		cJSON *in;
		if (!rules)
			continue;
		in = obj1("GroupId", gid);
		cJSON_AddItemToObject(in, "IpPermissions", rules);
		rc = dcall(d, it->key, "ec2", dir[k][1], in, NULL,
			   "InvalidPermission.NotFound", err);
		if (rc == CALL_GONE)
			rc = CALL_OK;
	}
	cJSON_Delete(out);
	return rc;
}

static int rm_security_group(struct dctx *d, struct ditem *it, struct aws_error *err)
{
	return dcall(d, it->key, "ec2", "DeleteSecurityGroup",
		     obj1("GroupId", it->id), NULL, NULL, err);
}

static int rm_subnet(struct dctx *d, struct ditem *it, struct aws_error *err)
{
	return dcall(d, it->key, "ec2", "DeleteSubnet", obj1("SubnetId", it->id),
		     NULL, NULL, err);
}

static int rm_route_table(struct dctx *d, struct ditem *it, struct aws_error *err)
{
	const char *rtb = it->id;
	cJSON *out = NULL;
	const cJSON *a;
	int rc;

	rc = dcall(d, it->key, "ec2", "DescribeRouteTables", obj_list1("RouteTableIds", rtb),
		   &out, NULL, err);
	if (rc != CALL_OK)
		return rc;
	cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(
			      cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(out, "RouteTables"), 0),
			      "Associations")) {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(a, "RouteTableAssociationId");
		if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(a, "Main")) || !cJSON_IsString(id))
			continue;
		rc = dcall(d, it->key, "ec2", "DisassociateRouteTable",
			   obj1("AssociationId", id->valuestring), NULL, NULL, err);
		if (rc == CALL_FAILED)
			break;
	}
	cJSON_Delete(out);
	if (rc == CALL_FAILED)
		return rc;
	return dcall(d, it->key, "ec2", "DeleteRouteTable", obj1("RouteTableId", rtb), NULL,
		     NULL, err);
}

static int rm_internet_gateway(struct dctx *d, struct ditem *it, struct aws_error *err)
{
	const char *igw = it->id;
	cJSON *out = NULL;
	const cJSON *a;
	int rc;

	rc = dcall(d, it->key, "ec2", "DescribeInternetGateways",
		   obj_list1("InternetGatewayIds", igw), &out, NULL, err);
	if (rc != CALL_OK)
		return rc;
	cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(
			      cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(out, "InternetGateways"), 0),
			      "Attachments")) {
		const cJSON *vpc = cJSON_GetObjectItemCaseSensitive(a, "VpcId");
		if (!cJSON_IsString(vpc))
			continue;
		rc = dcall(d, it->key, "ec2", "DetachInternetGateway",
			   add_s(obj1("InternetGatewayId", igw), "VpcId", vpc->valuestring), NULL,
			   "Gateway.NotAttached", err);
		if (rc == CALL_FAILED)
			break;
	}
	cJSON_Delete(out);
	if (rc == CALL_FAILED)
		return rc;
	return dcall(d, it->key, "ec2", "DeleteInternetGateway",
		     obj1("InternetGatewayId", igw), NULL, NULL, err);
}

static int rm_vpc(struct dctx *d, struct ditem *it, struct aws_error *err)
{
	return dcall(d, it->key, "ec2", "DeleteVpc", obj1("VpcId", it->id), NULL,
		     NULL, err);
}

/* For each string at path in the answer of a list call, call op with
 * {name_key: name, item_key: value}. */
static int for_each_listed(struct dctx *d, struct ditem *it, const char *service,
			   const char *list_op, const char *name_key, const char *name,
			   const char *path, const char *op, const char *item_key,
			   struct aws_error *err)
{
	const cJSON *vals[64];
	cJSON *out = NULL;
	int rc, n;

	rc = dcall(d, it->key, service, list_op, obj1(name_key, name), &out, NULL, err);
	if (rc != CALL_OK)
		return rc;
	n = jpath_eval(out, path, vals, 64);
	for (int i = 0; i < n && i < 64 && rc != CALL_FAILED; i++)
		if (cJSON_IsString(vals[i]))
			rc = dcall(d, it->key, service, op,
				   add_s(obj1(name_key, name), item_key, vals[i]->valuestring),
				   NULL, NULL, err);
	cJSON_Delete(out);
	return rc == CALL_FAILED ? CALL_FAILED : CALL_OK;
}

/* A user goes only without keys, login profile and policies. */
static int rm_user(struct dctx *d, struct ditem *it, struct aws_error *err)
{
	const char *u = it->id;
	int rc;

	rc = for_each_listed(d, it, "iam", "ListAccessKeys", "UserName", u,
			     "AccessKeyMetadata[].AccessKeyId", "DeleteAccessKey", "AccessKeyId", err);
	if (rc != CALL_OK)
		return rc;
	if (dcall(d, it->key, "iam", "DeleteLoginProfile", obj1("UserName", u), NULL, NULL,
		  err) == CALL_FAILED)
		return CALL_FAILED;
	if (for_each_listed(d, it, "iam", "ListAttachedUserPolicies", "UserName", u,
			    "AttachedPolicies[].PolicyArn", "DetachUserPolicy", "PolicyArn",
			    err) == CALL_FAILED ||
	    for_each_listed(d, it, "iam", "ListUserPolicies", "UserName", u, "PolicyNames[]",
			    "DeleteUserPolicy", "PolicyName", err) == CALL_FAILED)
		return CALL_FAILED;
	return dcall(d, it->key, "iam", "DeleteUser", obj1("UserName", u), NULL, NULL, err);
}

/* A managed policy goes only without its non-default versions. */
static int rm_policy(struct dctx *d, struct ditem *it, struct aws_error *err)
{
	const char *arn = it->id;
	cJSON *out = NULL;
	const cJSON *v;
	int rc;

	rc = dcall(d, it->key, "iam", "ListPolicyVersions", obj1("PolicyArn", arn), &out, NULL,
		   err);
	if (rc != CALL_OK)
		return rc;
	cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(out, "Versions")) {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(v, "VersionId");
		if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(v, "IsDefaultVersion")) ||
		    !cJSON_IsString(id))
			continue;
		rc = dcall(d, it->key, "iam", "DeletePolicyVersion",
			   add_s(obj1("PolicyArn", arn), "VersionId", id->valuestring), NULL, NULL,
			   err);
		if (rc == CALL_FAILED)
			break;
	}
	cJSON_Delete(out);
	if (rc == CALL_FAILED)
		return rc;
	return dcall(d, it->key, "iam", "DeletePolicy", obj1("PolicyArn", arn), NULL, NULL, err);
}

static int rm_instance_profile(struct dctx *d, struct ditem *it, struct aws_error *err)
{
	const char *ip = it->id;

	if (for_each_listed(d, it, "iam", "GetInstanceProfile", "InstanceProfileName", ip,
			    "InstanceProfile.Roles[].RoleName", "RemoveRoleFromInstanceProfile",
			    "RoleName", err) == CALL_FAILED)
		return CALL_FAILED;
	return dcall(d, it->key, "iam", "DeleteInstanceProfile",
		     obj1("InstanceProfileName", ip), NULL, NULL, err);
}

static int rm_role(struct dctx *d, struct ditem *it, struct aws_error *err)
{
	const char *role = it->id;
	cJSON *out = NULL;
	const cJSON *vals[32];
	int rc, n;

	if (for_each_listed(d, it, "iam", "ListAttachedRolePolicies", "RoleName", role,
			    "AttachedPolicies[].PolicyArn", "DetachRolePolicy", "PolicyArn",
			    err) == CALL_FAILED)
		return CALL_FAILED;
	/* Here the role is the item and the profile the name. */
	rc = dcall(d, it->key, "iam", "ListInstanceProfilesForRole", obj1("RoleName", role),
		   &out, NULL, err);
	if (rc == CALL_FAILED)
		return rc;
	n = jpath_eval(out, "InstanceProfiles[].InstanceProfileName", vals, 32);
	for (int i = 0; i < n && i < 32 && rc != CALL_FAILED; i++)
		if (cJSON_IsString(vals[i]))
			rc = dcall(d, it->key, "iam", "RemoveRoleFromInstanceProfile",
				   add_s(obj1("InstanceProfileName", vals[i]->valuestring),
					 "RoleName", role), NULL, NULL, err);
	cJSON_Delete(out);
	if (rc == CALL_FAILED)
		return rc;
	return dcall(d, it->key, "iam", "DeleteRole", obj1("RoleName", role), NULL, NULL, err);
}

/* The key pair and the private key file we wrote for it (an imported
 * key's file is the user's and stays). */
static int rm_key_pair(struct dctx *d, struct ditem *it, struct aws_error *err)
{
	const cJSON *kf = cJSON_GetObjectItemCaseSensitive(
		journal_outputs_of(d->e->journal, it->key), "key_file");
	int rc = dcall(d, it->key, "ec2", "DeleteKeyPair",
		       obj1(strncmp(it->id ? it->id : "", "key-", 4) == 0 ? "KeyPairId" : "KeyName",
			    it->id), NULL, NULL, err);

	if (rc != CALL_FAILED && cJSON_IsString(kf))
		unlink(kf->valuestring);
	return rc;
}

static int rm_log_group(struct dctx *d, struct ditem *it, struct aws_error *err)
{
	const char *g = it->id;

	return dcall(d, it->key, "logs", "DeleteLogGroup",
		     obj1("logGroupName", g ? g : it->name), NULL, NULL, err);
}

static int rm_repository(struct dctx *d, struct ditem *it, struct aws_error *err)
{
	return dcall(d, it->key, "ecr", "DeleteRepository",
		     add_b(obj1("repositoryName", it->id), "force", 1), NULL, NULL,
		     err);
}

/* The order of teardown. Rows of one kind run in their phases; a resource
 * is recorded deleted after its last row. */
static const struct recipe recipes[] = {
	{ "apigatewayv2:api", 5, rm_api },
	{ "apigatewayv2:vpc-link", 6, rm_vpc_link },
	{ "ecs:service", 10, rm_service },
	{ "ecs:task-definition", 15, rm_task_definition },
	{ "autoscaling:group", 20, drain_asg },
	{ "ecs:capacity-provider", 30, rm_capacity_provider },
	{ "ecs:cluster", 35, rm_cluster },
	{ "elbv2:listener", 40, rm_listener },
	{ "elbv2:load-balancer", 42, rm_load_balancer },
	{ "elbv2:target-group", 44, rm_target_group },
	{ "autoscaling:group", 45, rm_asg },
	{ "ec2:launch-template", 46, rm_launch_template },
	{ "ec2:natgateway", 50, rm_nat },
	{ "ec2:elastic-ip", 52, rm_eip },
	{ "efs:mount-target", 55, rm_mount },
	{ "efs:file-system", 57, rm_file_system },
	{ "ec2:instance", 60, rm_instance },
	{ "ec2:security-group", 65, revoke_group_rules },
	{ "ec2:security-group", 70, rm_security_group },
	{ "ec2:subnet", 80, rm_subnet },
	{ "ec2:route-table", 82, rm_route_table },
	{ "ec2:internet-gateway", 84, rm_internet_gateway },
	{ "ec2:vpc", 86, rm_vpc },
	{ "iam:user", 90, rm_user },
	{ "iam:policy", 92, rm_policy },
	{ "iam:instance-profile", 94, rm_instance_profile },
	{ "iam:role", 96, rm_role },
	{ "ec2:key-pair", 98, rm_key_pair },
	{ "logs:log-group", 99, rm_log_group },
	{ "ecr:repository", 100, rm_repository },
};

#define N_RECIPES ((int)(sizeof recipes / sizeof recipes[0]))

int destroy_has_recipe(const char *kind)
{
	for (int r = 0; kind && r < N_RECIPES; r++)
		if (strcmp(recipes[r].kind, kind) == 0)
			return 1;
	return 0;
}

enum destroy_verdict destroy_verdict_of(const char *kind, enum journal_state state,
					int has_id, int supplied, int delete_images)
{
	int shared = kind && (strcmp(kind, "iam:role") == 0 ||
			      strcmp(kind, "iam:instance-profile") == 0);

	if (!destroy_has_recipe(kind))
		return DESTROY_IGNORE;
	switch (state) {
	case JOURNAL_CREATED:
		break;
	case JOURNAL_ADOPTED:
		/* Account-wide roles we found are someone else's, and so is
		 * whatever the user told us to use. */
		if (shared || supplied)
			return DESTROY_KEEP;
		break;
	case JOURNAL_INTENT:
	case JOURNAL_FAILED:
		/* Maybe made by a run that died before it could say so (or
		 * made, then failed its wait): ours when it is there. */
		(void)has_id;
		break;
	default:
		return DESTROY_IGNORE;
	}
	if (strcmp(kind, "ecr:repository") == 0 && !delete_images)
		return DESTROY_KEEP;
	return DESTROY_REMOVE;
}

static int step_cmp(const void *va, const void *vb)
{
	const struct destroy_step *a = va, *b = vb;

	if (a->phase != b->phase)
		return a->phase - b->phase;
	return b->item - a->item; /* newest first */
}

int destroy_schedule(const char *const *kinds, int n, struct destroy_step *out, int max)
{
	int count = 0;

	for (int i = 0; i < n; i++) {
		int last = -1;
		for (int r = 0; kinds[i] && r < N_RECIPES; r++) {
			if (strcmp(recipes[r].kind, kinds[i]) != 0)
				continue;
			if (count == max)
				return count;
			out[count] = (struct destroy_step){ i, recipes[r].phase, r, 0 };
			last = count++;
		}
		if (last >= 0)
			out[last].last = 1;
	}
	qsort(out, (size_t)count, sizeof *out, step_cmp);
	return count;
}

/* ---- the run ---- */

static const char *str_of(const cJSON *o, const char *field)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, field);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void free_items(struct dctx *d)
{
	for (int i = 0; i < d->n; i++) {
		free(d->items[i].key);
		free(d->items[i].kind);
		free(d->items[i].name);
		free(d->items[i].id);
	}
	free(d->items);
	d->items = NULL;
	d->n = 0;
}

/* The journal's entries, in its (creation) order, with their kinds (the
 * plan's when the journal has none: an adopted one) and verdicts. */
static int load_items(struct dctx *d, struct aws_error *err)
{
	struct engine *e = d->e;
	const cJSON *res = cJSON_GetObjectItemCaseSensitive(journal_doc(e->journal), "resources");
	const cJSON *r;
	int n = cJSON_GetArraySize(res), i = 0;

	d->items = calloc((size_t)n + 1, sizeof *d->items);
	if (!d->items) {
		aws_error_set(err, AWS_ERR_NOMEM, "", "out of memory");
		return -1;
	}
	cJSON_ArrayForEach(r, res) {
		const struct plan_action *a = plan_find(e->plan, r->string);
		const char *kind = str_of(r, "kind");
		const char *name = str_of(r, "name");
		struct ditem *it = &d->items[i];
		if (!kind && a)
			kind = a->kind;
		if (!name)
			name = a ? a->name : "";
		it->key = strdup(r->string);
		it->kind = strdup(kind ? kind : "");
		it->name = strdup(name);
		it->has_kind = str_of(r, "kind") != NULL;
		if (str_of(r, "id") && !(it->id = strdup(str_of(r, "id")))) {
			aws_error_set(err, AWS_ERR_NOMEM, "", "out of memory");
			return -1;
		}
		d->n = ++i;
		if (!it->key || !it->kind || !it->name) {
			aws_error_set(err, AWS_ERR_NOMEM, "", "out of memory");
			return -1;
		}
		it->verdict = destroy_verdict_of(it->kind, journal_state_of(e->journal, it->key),
						 str_of(r, "id") != NULL,
						 cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r, "supplied")),
						 e->delete_images);
	}
	return 0;
}

/* An entry whose create was sent but whose answer never got recorded:
 * look it up as the deploy would (by tag or name) to learn its id. 0 when
 * found and recorded, 1 when it is not there, -1 on failure. */
static int discover(struct dctx *d, struct ditem *it, struct aws_error *err)
{
	struct engine *e = d->e;
	const struct plan_action *a = plan_find(e->plan, it->key);
	const cJSON *f = a ? a->find : NULL;
	struct aws_error rerr;
	cJSON *in, *out = NULL, *idp;
	char *id = NULL, *arn = NULL;
	int rc;

	if (!f)
		return 1;
	aws_error_clear(&rerr);
	in = engine_resolve(e, cJSON_GetObjectItemCaseSensitive(f, "params"), &rerr);
	idp = engine_resolve(e, cJSON_GetObjectItemCaseSensitive(f, "id"), &rerr);
	if (!in || !cJSON_IsString(idp)) {
		/* What it needs was never made, so neither was it. */
		cJSON_Delete(in);
		cJSON_Delete(idp);
		return 1;
	}
	rc = dcall(d, it->key, str_of(f, "service"), str_of(f, "operation"), in, &out,
		   NULL, err);
	if (rc == CALL_OK) {
		cJSON *arnp = engine_resolve(e, cJSON_GetObjectItemCaseSensitive(f, "arn"), &rerr);
		id = jpath_text(out, idp->valuestring);
		arn = cJSON_IsString(arnp) ? jpath_text(out, arnp->valuestring) : NULL;
		cJSON_Delete(arnp);
	}
	cJSON_Delete(out);
	cJSON_Delete(idp);
	if (rc == CALL_FAILED)
		return -1;
	if (!id) {
		free(arn);
		return 1;
	}
	rc = journal_record_created(e->journal, it->key, id, arn, NULL, 0, err);
	free(it->id);
	it->id = id;
	free(arn);
	return rc < 0 ? -1 : 0;
}

/* EC2 resource types the deployment tags, and their kinds. */
static const char *const tag_kinds[][2] = {
	{ "instance", "ec2:instance" },         { "natgateway", "ec2:natgateway" },
	{ "elastic-ip", "ec2:elastic-ip" },     { "security-group", "ec2:security-group" },
	{ "subnet", "ec2:subnet" },             { "route-table", "ec2:route-table" },
	{ "internet-gateway", "ec2:internet-gateway" }, { "vpc", "ec2:vpc" },
	{ "launch-template", "ec2:launch-template" },   { "key-pair", "ec2:key-pair" },
};

static int known_id(const struct dctx *d, const char *id)
{
	for (int i = 0; i < d->n; i++)
		if (d->items[i].id && strcmp(d->items[i].id, id) == 0)
			return 1;
	return 0;
}

/* What carries the deployment tag (PLAN_DEPLOYMENT_TAG) but is not in
 * the journal: the hosts the auto scaling group started, anything made by
 * a run whose journal entry was lost. Added as items to remove. */
static int add_tagged(struct dctx *d, struct aws_error *err)
{
	cJSON *in = cJSON_Parse("{\"Filters\": [{\"Name\": \"key\", \"Values\": "
				"[\"ecs-wizard:deployment\"]}, {\"Name\": \"value\"}]}");
	cJSON *out = NULL, *f;
	const cJSON *t;
	const char *one[1] = { d->e->spec->name };
	int rc;

	f = in ? cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(in, "Filters"), 1) : NULL;
	if (f)
		cJSON_AddItemToObject(f, "Values", cJSON_CreateStringArray(one, 1));
	rc = dcall(d, "tags", "ec2", "DescribeTags", in, &out, NULL, err);
	if (rc == CALL_FAILED)
		return -1;
	cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(out, "Tags")) {
		const char *id = str_of(t, "ResourceId"), *type = str_of(t, "ResourceType");
		const char *kind = NULL;
		struct ditem *grown, *it;
		char key[200];
		for (size_t k = 0; type && k < sizeof tag_kinds / sizeof tag_kinds[0]; k++)
			if (strcmp(tag_kinds[k][0], type) == 0)
				kind = tag_kinds[k][1];
		if (!id || !kind || known_id(d, id))
			continue;
		grown = realloc(d->items, ((size_t)d->n + 2) * sizeof *d->items);
		if (!grown)
			goto oom;
		d->items = grown;
		it = &d->items[d->n];
		memset(it, 0, sizeof *it);
		snprintf(key, sizeof key, "tagged:%s", id);
		it->key = strdup(key);
		it->kind = strdup(kind);
		it->name = strdup(id);
		it->id = strdup(id);
		it->tagged_only = 1;
		it->verdict = DESTROY_REMOVE;
		d->n++;
		if (!it->key || !it->kind || !it->name || !it->id)
			goto oom;
	}
	cJSON_Delete(out);
	return 0;
oom:
	cJSON_Delete(out);
	aws_error_set(err, AWS_ERR_NOMEM, "", "out of memory");
	return -1;
}

void destroy_count(struct engine *e, int *remove, int *keep)
{
	struct dctx d = { .e = e };
	struct aws_error err;

	*remove = *keep = 0;
	aws_error_clear(&err);
	if (load_items(&d, &err) == 0)
		for (int i = 0; i < d.n; i++) {
			*remove += d.items[i].verdict == DESTROY_REMOVE;
			*keep += d.items[i].verdict == DESTROY_KEEP;
		}
	free_items(&d);
}

/* After a complete teardown, what the resources carried (rules, routes,
 * attachments, the license copy) is gone with them: say so, so that a
 * later deploy makes it all again. Lookups stay; so does the image push
 * when its repository was kept. */
static int mark_rest(struct dctx *d, struct aws_error *err)
{
	struct engine *e = d->e;
	int repo_kept = 0;

	for (int i = 0; i < d->n; i++)
		repo_kept |= d->items[i].verdict == DESTROY_KEEP &&
			     strcmp(d->items[i].kind, "ecr:repository") == 0;
	for (int i = 0; i < d->n; i++) {
		struct ditem *it = &d->items[i];
		enum journal_state s = journal_state_of(e->journal, it->key);
		/* Lookups are recorded without an intent, so without a kind. */
		if (it->verdict != DESTROY_IGNORE || destroy_has_recipe(it->kind) ||
		    !it->has_kind || s == JOURNAL_DELETED || s == JOURNAL_NONE)
			continue;
		if (repo_kept && strcmp(it->kind, "local:image-push") == 0)
			continue;
		if (journal_record_state(e->journal, it->key, JOURNAL_DELETED, err) < 0)
			return -1;
	}
	return 0;
}

int destroy_run(struct engine *e, struct aws_error *err)
{
	struct dctx d = { .e = e };
	struct destroy_step *steps = NULL;
	const char **kinds = NULL;
	int nsteps, rc = -1, max;
	char *gone = NULL; /* per item: every row so far found it not there */

	e->n_deleted = e->n_gone = e->n_kept = 0;
	if (!e->call_many) {
		aws_error_set(err, AWS_ERR_INTERNAL, "NoTransport", "no way to call AWS");
		return -1;
	}
	if (load_items(&d, err) < 0)
		goto out;
	/* Learn the ids of creates that were sent but never recorded, before
	 * anything they were looked up by is gone; then what the tag knows. */
	for (int i = 0; i < d.n; i++) {
		struct ditem *it = &d.items[i];
		int found;
		if (it->verdict != DESTROY_REMOVE || it->id)
			continue;
		found = discover(&d, it, err);
		if (found < 0) {
			post(e, QEV_FAILED, it->key, NULL, "find", err, 0);
			goto out;
		}
		if (found == 1) {
			/* Never made: nothing to remove. */
			if (journal_record_state(e->journal, it->key, JOURNAL_DELETED, err) < 0)
				goto out;
			it->verdict = DESTROY_IGNORE;
		}
	}
	if (add_tagged(&d, err) < 0) {
		post(e, QEV_FAILED, "tags", NULL, "DescribeTags", err, 0);
		goto out;
	}
	kinds = calloc((size_t)d.n + 1, sizeof *kinds);
	max = (d.n + 1) * N_RECIPES;
	steps = calloc((size_t)max, sizeof *steps);
	gone = calloc((size_t)d.n + 1, 1);
	if (!kinds || !steps || !gone) {
		aws_error_set(err, AWS_ERR_NOMEM, "", "out of memory");
		goto out;
	}
	for (int i = 0; i < d.n; i++) {
		kinds[i] = d.items[i].verdict == DESTROY_REMOVE ? d.items[i].kind : NULL;
		gone[i] = 1;
		if (d.items[i].verdict == DESTROY_KEEP) {
			e->n_kept++;
			post(e, QEV_SKIPPED, d.items[i].key, journal_id_of(e->journal, d.items[i].key),
			     strcmp(d.items[i].kind, "ecr:repository") == 0 ? DESTROY_KEPT_IMAGES
									     : DESTROY_KEPT_FOUND,
			     NULL, 0);
		}
	}
	nsteps = destroy_schedule(kinds, d.n, steps, max);
	for (int s = 0; s < nsteps; s++) {
		struct ditem *it = &d.items[steps[s].item];
		const char *id = it->id;
		int r;
		if (cancelled(&d, err))
			goto out;
		post(e, QEV_STARTED, it->key, id, it->name, NULL, 0);
		aws_error_clear(err);
		r = recipes[steps[s].row].fn(&d, it, err);
		if (r == CALL_FAILED || r < 0) {
			if (!err->kind)
				aws_error_set(err, AWS_ERR_INTERNAL, "Failed", "%s failed", it->key);
			post(e, QEV_FAILED, it->key, NULL, recipes[steps[s].row].kind, err, 0);
			goto out;
		}
		if (r == CALL_OK)
			gone[steps[s].item] = 0;
		if (!steps[s].last)
			continue;
		if (!it->tagged_only &&
		    journal_record_state(e->journal, it->key, JOURNAL_DELETED, err) < 0)
			goto out;
		if (gone[steps[s].item])
			e->n_gone++;
		else
			e->n_deleted++;
		post(e, QEV_DELETED, it->key, id, gone[steps[s].item] ? "gone" : "deleted", NULL,
		     0);
	}
	if (mark_rest(&d, err) < 0)
		goto out;
	aws_error_clear(err);
	rc = 0;
out:
	free(gone);
	free(steps);
	free(kinds);
	free_items(&d);
	return rc;
}
