/* 08-launch-template.c - guide section 8, "Create EC2 Launch Template",
 * with the two roles the guide assumes exist (ecsInstanceRole with its
 * instance profile, ecsTaskExecutionRole).
 *
 * The roles are account-wide and usually present already: the find (GetRole)
 * comes first and an existing role is adopted, never ours to delete. The
 * template: the ECS-optimised AL2023 AMI of the region (SSM), the instance
 * type, the ECS hosts' group, a gp3 root volume, the instance profile and
 * the user data that names the cluster. */
#include "config.h"

#include <stdio.h>

#include "i18n.h"
#include "plan-build.h"

#define ECS_AMI_PARAMETER "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"

static void add_role(const struct spec *s, struct plan *p, const char *key,
		     const char *role, const char *principal)
{
	struct plan_action *a;

	a = plan_add(p, 8, PLAN_CREATE, key, "iam:role", role, "iam", "CreateRole",
		     pj(p, "{'RoleName': %s, 'AssumeRolePolicyDocument': {'$json': "
			   "{'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', "
			   "'Principal': {'Service': %s}, 'Action': 'sts:AssumeRole'}]}}, "
			   "'Tags': %j}",
			role, principal, plan_kv_tags(p, s, role, "Key", "Value")));
	plan_set_id(p, a, "Role.RoleName", "Role.Arn");
	plan_set_find(p, a, "iam", "GetRole", pj(p, "{'RoleName': %s}", role),
		      "Role.RoleName", "Role.Arn", "NoSuchEntity");
	/* Account-wide: another deployment may make it between our look and
	 * our create. */
	plan_set_done_errors(p, a, "EntityAlreadyExists");
}

static void attach_role(struct plan *p, const char *key, const char *role_key,
			const char *policy_arn)
{
	plan_add(p, 8, PLAN_CONFIGURE, key, "iam:role-policy-attachment", policy_arn,
		 "iam", "AttachRolePolicy",
		 pj(p, "{'RoleName': '${%S.id}', 'PolicyArn': %s}", role_key, policy_arn));
}

static int lt_plan(const struct spec *s, struct plan *p, struct aws_error *err)
{
	char name[160], user_data[512], cluster[160];
	struct plan_action *a;

	(void)err;
	plan_add(p, 8, PLAN_LOOKUP, "ami-ecs", "ssm:parameter", ECS_AMI_PARAMETER, "ssm",
		 "GetParameter", pj(p, "{'Name': %s}", ECS_AMI_PARAMETER));

	add_role(s, p, "role-instance", "ecsInstanceRole", "ec2.amazonaws.com");
	attach_role(p, "role-instance-policy", "role-instance",
		    "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role");
	a = plan_add(p, 8, PLAN_CREATE, "instance-profile", "iam:instance-profile",
		     "ecsInstanceRole", "iam", "CreateInstanceProfile",
		     pj(p, "{'InstanceProfileName': 'ecsInstanceRole', 'Tags': %j}",
			plan_kv_tags(p, s, "ecsInstanceRole", "Key", "Value")));
	plan_set_id(p, a, "InstanceProfile.InstanceProfileName", "InstanceProfile.Arn");
	plan_set_done_errors(p, a, "EntityAlreadyExists");
	plan_set_find(p, a, "iam", "GetInstanceProfile",
		      pj(p, "{'InstanceProfileName': 'ecsInstanceRole'}"),
		      "InstanceProfile.InstanceProfileName", "InstanceProfile.Arn",
		      "NoSuchEntity");
	plan_set_wait(p, a, "InstanceProfileExists",
		      pj(p, "{'InstanceProfileName': '${self.id}'}"));
	/* A profile holds one role: an adopted profile that has it already
	 * answers LimitExceeded. */
	a = plan_add(p, 8, PLAN_CONFIGURE, "instance-profile-role",
		     "iam:instance-profile-role", "ecsInstanceRole", "iam",
		     "AddRoleToInstanceProfile",
		     pj(p, "{'InstanceProfileName': '${instance-profile.id}', "
			   "'RoleName': '${role-instance.id}'}"));
	plan_set_done_errors(p, a, "LimitExceeded,EntityAlreadyExists");

	add_role(s, p, "role-task-execution", "ecsTaskExecutionRole",
		 "ecs-tasks.amazonaws.com");
	attach_role(p, "role-task-execution-policy", "role-task-execution",
		    "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy");
	if (s->marketplace)
		attach_role(p, "role-task-execution-metering", "role-task-execution",
			    "arn:aws:iam::aws:policy/AWSMarketplaceMeteringRegisterUsage");

	plan_name(cluster, sizeof cluster, s, "-cluster");
	snprintf(user_data, sizeof user_data,
		 "#!/bin/bash\necho ECS_CLUSTER=%s >> /etc/ecs/ecs.config\n", cluster);
	plan_name(name, sizeof name, s, "-lt");
	a = plan_add(p, 8, PLAN_CREATE, "launch-template", "ec2:launch-template", name,
		     "ec2", "CreateLaunchTemplate",
		     pj(p, "{'LaunchTemplateName': %s, 'VersionDescription': %s, "
			   "'ClientToken': '${token.launch-template}', "
			   "'LaunchTemplateData': {"
			   " 'ImageId': '${ami-ecs.Parameter.Value}', 'InstanceType': %s,"
			   " 'KeyName': '${keypair.id}',"
			   " 'SecurityGroupIds': ['${sg-ecs.id}'],"
			   " 'IamInstanceProfile': {'Name': 'ecsInstanceRole'},"
			   " 'BlockDeviceMappings': [{'DeviceName': '/dev/xvda', 'Ebs': "
			   "{'VolumeSize': %d, 'VolumeType': 'gp3', 'DeleteOnTermination': true}}],"
			   " 'UserData': {'$base64': %s},"
			   " 'TagSpecifications': %j},"
			   " 'TagSpecifications': %j}",
			name, "ECS hosts of the Private AI cluster", s->instance_type,
			s->root_volume_gib, user_data,
			plan_ec2_tags(p, s, "instance", cluster),
			plan_ec2_tags(p, s, "launch-template", name)));
	plan_depends(p, a, "instance-profile-role");
	plan_depends(p, a, "role-instance-policy");
	plan_set_id(p, a, "LaunchTemplate.LaunchTemplateId", NULL);
	plan_set_find(p, a, "ec2", "DescribeLaunchTemplates",
		      pj(p, "{'LaunchTemplateNames': [%s]}", name),
		      "LaunchTemplates[0].LaunchTemplateId", NULL,
		      "InvalidLaunchTemplateName.NotFoundException");
	return 0;
}

static const char *const lt_fields[] = { "instance_type", "root_volume_gib", NULL };

const struct step step_launch_template = {
	.id = "08-launch-template",
	.section = 8,
	.title = N_("Create EC2 Launch Template"),
	.summary = N_("How the ECS hosts are started: the ECS-optimised Amazon "
		      "Linux 2023 image, the instance type, the root volume and "
		      "the instance role; the roles are created when missing."),
	.fields = lt_fields,
	.plan = lt_plan,
};
