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

#include <string.h>

#include "i18n.h"
#include "plan-build.h"

static int sg_plan(const struct spec *s, struct plan *p, struct aws_error *err)
{
	const int internal = !s->load_balancer_scheme ||
			     strcmp(s->load_balancer_scheme, "internet-facing") != 0;
	const char *in = "AuthorizeSecurityGroupIngress";
	struct plan_action *a;

	(void)err;
	plan_add_security_group(p, s, 6, "sg-bastion", "-bastion-sg", "Bastion host: SSH from the admin");
	plan_add_security_group(p, s, 6, "sg-ecs", "-ecs-sg", "ECS hosts: the service from the load balancer");
	plan_add_security_group(p, s, 6, "sg-efs", "-efs-sg", "EFS mount targets: NFS from ECS hosts and bastion");
	plan_add_security_group(p, s, 6, "sg-lb", "-lb-sg", "Load balancer: HTTP in, the service out");

	plan_add_sg_rule(p, 6, "sg-bastion-in-ssh", in, "sg-bastion", 22, s->admin_cidr, NULL,
		 "SSH from the administrator");
	plan_add_sg_rule(p, 6, "sg-ecs-in-service", in, "sg-ecs", s->container_port, NULL, "sg-lb",
		 "The service from the load balancer");
	plan_add_sg_rule(p, 6, "sg-ecs-in-ssh", in, "sg-ecs", 22, s->vpc_cidr, NULL,
		 "SSH from inside the VPC");
	plan_add_sg_rule(p, 6, "sg-efs-in-ecs", in, "sg-efs", 2049, NULL, "sg-ecs",
		 "NFS from the ECS hosts");
	plan_add_sg_rule(p, 6, "sg-efs-in-bastion", in, "sg-efs", 2049, NULL, "sg-bastion",
		 "NFS from the bastion");
	plan_add_sg_rule(p, 6, "sg-lb-in-http", in, "sg-lb", 80,
		 internal ? s->vpc_cidr : "0.0.0.0/0", NULL,
		 internal ? "HTTP from the VPC" : "HTTP from the internet");
	a = plan_add(p, 6, PLAN_CONFIGURE, "sg-lb-out-default-revoke",
		     "ec2:security-group-rule", "default egress", "ec2",
		     "RevokeSecurityGroupEgress",
		     pj(p, "{'GroupId': '${sg-lb.id}', 'IpPermissions': [{'IpProtocol': "
			   "'-1', 'IpRanges': [{'CidrIp': '0.0.0.0/0'}]}]}"));
	plan_set_done_errors(p, a, "InvalidPermission.NotFound");
	plan_add_sg_rule(p, 6, "sg-lb-out-service", "AuthorizeSecurityGroupEgress", "sg-lb",
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
