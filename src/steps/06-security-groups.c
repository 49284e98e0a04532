/* 06-security-groups.c - guide section 6, "Create Security Groups".
 *
 * Four groups and the guide's rules: bastion 22 from admin_cidr; ECS hosts
 * the container port from the load balancer's group and 22 from the VPC;
 * EFS 2049 from the ECS hosts and the bastion; load balancer 80 from the
 * VPC (internal) or anywhere (internet-facing), with the default egress
 * replaced by the container port to the ECS hosts. Rules are their own
 * actions, after all four groups exist, because two of them point at each
 * other. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "plan-build.h"

static void add_group(const struct spec *s, struct plan *p, const char *key,
		      const char *suffix, const char *description)
{
	char name[160];
	struct plan_action *a;

	plan_name(name, sizeof name, s, suffix);
	a = plan_add(p, 6, PLAN_CREATE, key, "ec2:security-group", name, "ec2",
		     "CreateSecurityGroup",
		     pj(p, "{'GroupName': %s, 'Description': %s, 'VpcId': '${vpc.id}', "
			   "'TagSpecifications': %j}",
			name, description, plan_ec2_tags(p, s, "security-group", name)));
	plan_set_id(p, a, "GroupId", NULL);
	plan_set_find(p, a, "ec2", "DescribeSecurityGroups",
		      pj(p, "{'Filters': [{'Name': 'vpc-id', 'Values': ['${vpc.id}']}, "
			    "{'Name': 'group-name', 'Values': [%s]}]}", name),
		      "SecurityGroups[0].GroupId", NULL, NULL);
}

/* A rule from (or to) a CIDR or, when cidr is NULL, another group. */
static void add_rule(struct plan *p, const char *key, const char *op,
		     const char *group, int port, const char *cidr,
		     const char *peer, const char *description)
{
	struct plan_action *a;
	cJSON *perm;

	if (cidr)
		perm = pj(p, "[{'IpProtocol': 'tcp', 'FromPort': %d, 'ToPort': %d, "
			     "'IpRanges': [{'CidrIp': %s, 'Description': %s}]}]",
			  port, port, cidr, description);
	else
		perm = pj(p, "[{'IpProtocol': 'tcp', 'FromPort': %d, 'ToPort': %d, "
			     "'UserIdGroupPairs': [{'GroupId': '${%S.id}', "
			     "'Description': %s}]}]",
			  port, port, peer, description);
	a = plan_add(p, 6, PLAN_CONFIGURE, key, "ec2:security-group-rule", description,
		     "ec2", op,
		     pj(p, "{'GroupId': '${%S.id}', 'IpPermissions': %j}", group, perm));
	plan_set_done_errors(p, a, "InvalidPermission.Duplicate");
}

static int sg_plan(const struct spec *s, struct plan *p, struct aws_error *err)
{
	const int internal = !s->load_balancer_scheme ||
			     strcmp(s->load_balancer_scheme, "internet-facing") != 0;
	const char *in = "AuthorizeSecurityGroupIngress";
	struct plan_action *a;

	(void)err;
	add_group(s, p, "sg-bastion", "-bastion-sg", "Bastion host: SSH from the admin");
	add_group(s, p, "sg-ecs", "-ecs-sg", "ECS hosts: the service from the load balancer");
	add_group(s, p, "sg-efs", "-efs-sg", "EFS mount targets: NFS from ECS hosts and bastion");
	add_group(s, p, "sg-lb", "-lb-sg", "Load balancer: HTTP in, the service out");

	add_rule(p, "sg-bastion-in-ssh", in, "sg-bastion", 22, s->admin_cidr, NULL,
		 "SSH from the administrator");
	add_rule(p, "sg-ecs-in-service", in, "sg-ecs", s->container_port, NULL, "sg-lb",
		 "The service from the load balancer");
	add_rule(p, "sg-ecs-in-ssh", in, "sg-ecs", 22, s->vpc_cidr, NULL,
		 "SSH from inside the VPC");
	add_rule(p, "sg-efs-in-ecs", in, "sg-efs", 2049, NULL, "sg-ecs",
		 "NFS from the ECS hosts");
	add_rule(p, "sg-efs-in-bastion", in, "sg-efs", 2049, NULL, "sg-bastion",
		 "NFS from the bastion");
	add_rule(p, "sg-lb-in-http", in, "sg-lb", 80,
		 internal ? s->vpc_cidr : "0.0.0.0/0", NULL,
		 internal ? "HTTP from the VPC" : "HTTP from the internet");
	a = plan_add(p, 6, PLAN_CONFIGURE, "sg-lb-out-default-revoke",
		     "ec2:security-group-rule", "default egress", "ec2",
		     "RevokeSecurityGroupEgress",
		     pj(p, "{'GroupId': '${sg-lb.id}', 'IpPermissions': [{'IpProtocol': "
			   "'-1', 'IpRanges': [{'CidrIp': '0.0.0.0/0'}]}]}"));
	plan_set_done_errors(p, a, "InvalidPermission.NotFound");
	add_rule(p, "sg-lb-out-service", "AuthorizeSecurityGroupEgress", "sg-lb",
		 s->container_port, NULL, "sg-ecs", "The service on the ECS hosts");
	return 0;
}

static const char *const sg_fields[] = { "admin_cidr", "load_balancer_scheme",
					 "container_port", NULL };

const struct step step_security_groups = {
	.id = "06-security-groups",
	.section = 6,
	.title = N_("Create Security Groups"),
	.summary = N_("Firewall groups for the bastion, the ECS hosts, the EFS "
		      "mount targets and the load balancer, each letting in only "
		      "what the next hop needs."),
	.fields = sg_fields,
	.plan = sg_plan,
};
