/* 12-nat-gateway.c - guide section 12, "Create VPC NAT Gateway".
 *
 * An Elastic IP and a public NAT gateway in the first public subnet; once
 * it is available (NatGatewayAvailable), each private route table's
 * default route goes through it, so the hosts can reach ECR and ECS. */
#include "config.h"

#include <stdio.h>

#include "i18n.h"
#include "plan-build.h"

static int nat_plan(const struct spec *s, struct plan *p, struct aws_error *err)
{
	int zones = s->availability_zones < 1 ? 2 : s->availability_zones;
	char name[160], key[64];
	struct plan_action *a;

	(void)err;
	if (zones > 8)
		zones = 8;
	plan_name(name, sizeof name, s, "-eip");
	a = plan_add(p, 12, PLAN_CREATE, "eip", "ec2:elastic-ip", name, "ec2",
		     "AllocateAddress",
		     pj(p, "{'Domain': 'vpc', 'TagSpecifications': %j}",
			plan_ec2_tags(p, s, "elastic-ip", name)));
	plan_set_id(p, a, "AllocationId", NULL);
	plan_set_keep(p, a, "PublicIp");
	plan_set_find(p, a, "ec2", "DescribeAddresses",
		      pj(p, "{'Filters': %j}", plan_ec2_tag_filters(p, s, name)),
		      "Addresses[0].AllocationId", NULL, NULL);

	plan_name(name, sizeof name, s, "-nat");
	a = plan_add(p, 12, PLAN_CREATE, "nat", "ec2:natgateway", name, "ec2",
		     "CreateNatGateway",
		     pj(p, "{'SubnetId': '${subnet-public-1.id}', 'AllocationId': "
			   "'${eip.id}', 'ConnectivityType': 'public', "
			   "'ClientToken': '${token.nat}', 'TagSpecifications': %j}",
			plan_ec2_tags(p, s, "natgateway", name)));
	plan_depends(p, a, "igw-attach");
	plan_set_id(p, a, "NatGateway.NatGatewayId", NULL);
	/* DescribeNatGateways spells its filter list "Filter". Ours is the
	 * live one in our VPC's first public subnet (tag filters are not
	 * honoured everywhere, moto for one; the VPC is ours alone). */
	plan_set_find(p, a, "ec2", "DescribeNatGateways",
		      pj(p, "{'Filter': [{'Name': 'vpc-id', 'Values': ['${vpc.id}']}, "
			    "{'Name': 'subnet-id', 'Values': ['${subnet-public-1.id}']}, "
			    "{'Name': 'state', 'Values': ['pending', 'available']}]}"),
		      "NatGateways[0].NatGatewayId", NULL, NULL);
	plan_set_wait(p, a, "NatGatewayAvailable",
		      pj(p, "{'NatGatewayIds': ['${self.id}']}"));

	for (int i = 0; i < zones; i++) {
		snprintf(key, sizeof key, "rtb-private-%d-default-route", i + 1);
		a = plan_add(p, 12, PLAN_CONFIGURE, key, "ec2:route", "0.0.0.0/0", "ec2",
			     "CreateRoute",
			     pj(p, "{'RouteTableId': '${rtb-private-%d.id}', "
				   "'DestinationCidrBlock': '0.0.0.0/0', "
				   "'NatGatewayId': '${nat.id}'}", i + 1));
		plan_set_done_errors(p, a, "RouteAlreadyExists");
	}
	return 0;
}

const struct step step_nat_gateway = {
	.id = "12-nat-gateway",
	.section = 12,
	.title = N_("Create VPC NAT Gateway"),
	.summary = N_("A NAT gateway with its own public address, through which "
		      "the private subnets reach the internet."),
	.fields = NULL,
	.plan = nat_plan,
};
