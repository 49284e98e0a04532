/* 15-task-definition.c - guide section 15, "Create ECS Task Definition".
 *
 * The guide's sample, field for field: family <name>-task on EC2 with
 * awsvpc, cpu and memory as strings, Linux/X86_64, one essential container
 * <name> from our ECR repository with port <port> tcp/http, the license
 * volume read-only at /app/license (EFS; not in Marketplace mode), awslogs
 * to /ecs/<name> and the curl health check, both roles ecsTaskExecutionRole.
 * The log group is created first with its retention, rather than left to
 * awslogs-create-group, so that it is tagged and expires. */
#include "config.h"

#include <stdio.h>

#include "i18n.h"
#include "plan-build.h"

static int td_plan(const struct spec *s, struct plan *p, struct aws_error *err)
{
	char group[160], family[160], volume[160], port_name[160], tag[128];
	char health[256], cpu[16], mem[16], filter[256];
	const char *repo = s->ecr_repository && *s->ecr_repository ? s->ecr_repository
								  : s->name;
	struct plan_action *a;
	cJSON *mounts, *volumes;

	(void)err;
	snprintf(group, sizeof group, "/ecs/%s", s->name);
	a = plan_add(p, 15, PLAN_CREATE, "log-group", "logs:log-group", group, "logs",
		     "CreateLogGroup",
		     pj(p, "{'logGroupName': %s, 'tags': %j}", group,
			plan_map_tags(p, s, group)));
	plan_set_id(p, a, NULL, NULL);
	plan_set_done_errors(p, a, "ResourceAlreadyExistsException");
	snprintf(filter, sizeof filter, "logGroups[?logGroupName=='%s']", group);
	{
		char id_path[300], arn_path[300];
		snprintf(id_path, sizeof id_path, "%s.logGroupName", filter);
		snprintf(arn_path, sizeof arn_path, "%s.arn", filter);
		plan_set_find(p, a, "logs", "DescribeLogGroups",
			      pj(p, "{'logGroupNamePrefix': %s}", group), id_path,
			      arn_path, NULL);
	}
	plan_add(p, 15, PLAN_CONFIGURE, "log-retention", "logs:retention-policy", group,
		 "logs", "PutRetentionPolicy",
		 pj(p, "{'logGroupName': '${log-group.id}', 'retentionInDays': %d}",
		    s->log_retention_days));

	plan_name(family, sizeof family, s, "-task");
	plan_name(volume, sizeof volume, s, "-volume");
	snprintf(port_name, sizeof port_name, "%s-%d-tcp", s->name, s->container_port);
	snprintf(health, sizeof health, "curl -f http://localhost:%d%s || exit 1",
		 s->container_port, s->health_check_path);
	snprintf(cpu, sizeof cpu, "%d", s->task_cpu);
	snprintf(mem, sizeof mem, "%d", s->task_memory);
	step_image_tag(s->image, tag, sizeof tag);
	if (s->marketplace) {
		mounts = pj(p, "[]");
		volumes = pj(p, "[]");
	} else {
		mounts = pj(p, "[{'sourceVolume': %s, 'containerPath': '/app/license', "
			       "'readOnly': true}]", volume);
		volumes = pj(p, "[{'name': %s, 'efsVolumeConfiguration': {"
				"'fileSystemId': '${efs.id}', 'rootDirectory': '/'}}]",
			     volume);
	}
	a = plan_add(p, 15, PLAN_CREATE, "task-definition", "ecs:task-definition", family,
		     "ecs", "RegisterTaskDefinition",
		     pj(p, "{'family': %s, "
			   "'taskRoleArn': '${role-task-execution.arn}', "
			   "'executionRoleArn': '${role-task-execution.arn}', "
			   "'networkMode': 'awsvpc', "
			   "'requiresCompatibilities': ['EC2'], 'cpu': %s, 'memory': %s, "
			   "'runtimePlatform': {'cpuArchitecture': 'X86_64', "
			   "'operatingSystemFamily': 'LINUX'}, "
			   "'containerDefinitions': [{'name': %s, "
			   "'image': '${account.Account}.dkr.ecr.%S.amazonaws.com/%S:%S', "
			   "'cpu': 0, 'portMappings': [{'name': %s, 'containerPort': %d, "
			   "'hostPort': %d, 'protocol': 'tcp', 'appProtocol': 'http'}], "
			   "'essential': true, 'environment': [], 'environmentFiles': [], "
			   "'mountPoints': %j, 'volumesFrom': [], 'ulimits': [], "
			   "'logConfiguration': {'logDriver': 'awslogs', 'options': {"
			   "'awslogs-create-group': 'true', 'awslogs-group': %s, "
			   "'awslogs-region': %s, 'awslogs-stream-prefix': %s}, "
			   "'secretOptions': []}, "
			   "'healthCheck': {'command': ['CMD-SHELL', %s], 'interval': 30, "
			   "'timeout': 5, 'retries': 3, 'startPeriod': 60}}], "
			   "'volumes': %j, 'placementConstraints': [], 'tags': %j}",
			family, cpu, mem, s->name, s->region, repo, tag, port_name,
			s->container_port, s->container_port, mounts, group, s->region,
			s->name, health, volumes,
			plan_kv_tags(p, s, family, "key", "value")));
	plan_depends(p, a, "log-retention");
	plan_depends(p, a, "role-task-execution-policy");
	if (s->marketplace)
		plan_depends(p, a, "role-task-execution-metering");
	if (plan_find(p, "image-push"))
		plan_depends(p, a, "image-push");
	plan_set_id(p, a, "taskDefinition.taskDefinitionArn",
		    "taskDefinition.taskDefinitionArn");
	plan_set_find(p, a, "ecs", "DescribeTaskDefinition",
		      pj(p, "{'taskDefinition': %s}", family),
		      "taskDefinition.taskDefinitionArn",
		      "taskDefinition.taskDefinitionArn", "ClientException");
	return 0;
}

static const char *const td_fields[] = { "task_cpu", "task_memory",
					 "log_retention_days", NULL };

const struct step step_task_definition = {
	.id = "15-task-definition",
	.section = 15,
	.title = N_("Create ECS Task Definition"),
	.summary = N_("How to run the Private AI container: image, CPU and memory, "
		      "port, license volume, logs and health check, as in the "
		      "guide's sample."),
	.fields = td_fields,
	.plan = td_plan,
};
