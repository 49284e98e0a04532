/* 02-vpc.c - guide section 2, "Create VPC" with "VPC and more".
 *
 * What the console's "VPC and more" makes for two zones: the VPC (DNS
 * support and hostnames on), a public and a private subnet per zone, an
 * internet gateway, one public route table (0.0.0.0/0 to the gateway) and a
 * private route table per private subnet. The subnets are the console's
 * /20s of a /16: publics from the start of the range, privates from its
 * middle. Also the account and zone lookups that later sections use. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "plan-build.h"

/* The index-th block of 1/16th of the VPC CIDR, as text. */
static int subnet_cidr(const char *vpc_cidr, int index, char *out, size_t size)
{
	unsigned a, b, c, d, prefix, sub;
	unsigned long base, block;

	if (sscanf(vpc_cidr, "%u.%u.%u.%u/%u", &a, &b, &c, &d, &prefix) != 5 ||
	    a > 255 || b > 255 || c > 255 || d > 255 || prefix > 28)
		return -1;
	sub = prefix + 4;
	base = ((unsigned long)a << 24 | b << 16 | c << 8 | d) &
	       (prefix ? 0xffffffffUL << (32 - prefix) & 0xffffffffUL : 0);
	block = 1UL << (32 - sub);
	base += (unsigned long)index * block;
	snprintf(out, size, "%lu.%lu.%lu.%lu/%u", base >> 24 & 255, base >> 16 & 255,
		 base >> 8 & 255, base & 255, sub);
	return 0;
}

static void add_subnet(const struct spec *s, struct plan *p, const char *tier,
		       int n, const char *cidr)
{
	char key[64], name[160];
	struct plan_action *a;

	snprintf(key, sizeof key, "subnet-%s-%d", tier, n);
	snprintf(name, sizeof name, "%s-subnet-%s%d", s->name, tier, n);
	a = plan_add(p, 2, PLAN_CREATE, key, "ec2:subnet", name, "ec2", "CreateSubnet",
		     pj(p, "{'VpcId': '${vpc.id}', 'CidrBlock': %s, "
			   "'AvailabilityZone': '${azs.AvailabilityZones[%d].ZoneName}', "
			   "'TagSpecifications': %j}",
			cidr, n - 1, plan_ec2_tags(p, s, "subnet", name)));
	plan_set_id(p, a, "Subnet.SubnetId", NULL);
	plan_set_find(p, a, "ec2", "DescribeSubnets",
		      pj(p, "{'Filters': %j}", plan_ec2_tag_filters(p, s, name)),
		      "Subnets[0].SubnetId", NULL, NULL);
}

static void add_route_table(const struct spec *s, struct plan *p,
			    const char *key, const char *name)
{
	struct plan_action *a;

	a = plan_add(p, 2, PLAN_CREATE, key, "ec2:route-table", name, "ec2",
		     "CreateRouteTable",
		     pj(p, "{'VpcId': '${vpc.id}', 'ClientToken': '${token.%S}', "
			   "'TagSpecifications': %j}",
			key, plan_ec2_tags(p, s, "route-table", name)));
	plan_set_id(p, a, "RouteTable.RouteTableId", NULL);
	plan_set_find(p, a, "ec2", "DescribeRouteTables",
		      pj(p, "{'Filters': %j}", plan_ec2_tag_filters(p, s, name)),
		      "RouteTables[0].RouteTableId", NULL, NULL);
}

static void add_association(struct plan *p, const char *rtb, const char *subnet)
{
	char key[96];
	struct plan_action *a;

	snprintf(key, sizeof key, "%s-assoc-%s", rtb, subnet);
	a = plan_add(p, 2, PLAN_CONFIGURE, key, "ec2:route-table-association", "",
		     "ec2", "AssociateRouteTable",
		     pj(p, "{'RouteTableId': '${%S.id}', 'SubnetId': '${%S.id}'}",
			rtb, subnet));
	plan_set_id(p, a, "AssociationId", NULL);
	plan_set_done_errors(p, a, "Resource.AlreadyAssociated");
}

static int vpc_plan(const struct spec *s, struct plan *p, struct aws_error *err)
{
	char name[160], cidr[32], key[64];
	struct plan_action *a;
	int zones = s->availability_zones < 1 ? 2 : s->availability_zones;

	if (zones > 8)
		zones = 8;
	if (subnet_cidr(s->vpc_cidr, 0, cidr, sizeof cidr) < 0) {
		aws_error_set(err, AWS_ERR_INPUT, "vpc_cidr",
			      _("vpc_cidr %s is not an IPv4 CIDR of /28 or larger"),
			      s->vpc_cidr);
		return -1;
	}
	plan_add(p, 2, PLAN_LOOKUP, "account", "sts:caller-identity", "", "sts",
		 "GetCallerIdentity", NULL);
	plan_add(p, 2, PLAN_LOOKUP, "azs", "ec2:availability-zones", "", "ec2",
		 "DescribeAvailabilityZones",
		 pj(p, "{'Filters': [{'Name': 'state', 'Values': ['available']}]}"));

	plan_name(name, sizeof name, s, "-vpc");
	a = plan_add(p, 2, PLAN_CREATE, "vpc", "ec2:vpc", name, "ec2", "CreateVpc",
		     pj(p, "{'CidrBlock': %s, 'TagSpecifications': %j}", s->vpc_cidr,
			plan_ec2_tags(p, s, "vpc", name)));
	plan_set_id(p, a, "Vpc.VpcId", NULL);
	plan_set_find(p, a, "ec2", "DescribeVpcs",
		      pj(p, "{'Filters': %j}", plan_ec2_tag_filters(p, s, name)),
		      "Vpcs[0].VpcId", NULL, NULL);
	/* One attribute per call: the API refuses both at once. */
	plan_add(p, 2, PLAN_CONFIGURE, "vpc-dns-support", "ec2:vpc-attribute", "", "ec2",
		 "ModifyVpcAttribute",
		 pj(p, "{'VpcId': '${vpc.id}', 'EnableDnsSupport': {'Value': true}}"));
	plan_add(p, 2, PLAN_CONFIGURE, "vpc-dns-hostnames", "ec2:vpc-attribute", "",
		 "ec2", "ModifyVpcAttribute",
		 pj(p, "{'VpcId': '${vpc.id}', 'EnableDnsHostnames': {'Value': true}}"));

	for (int i = 0; i < zones; i++) {
		subnet_cidr(s->vpc_cidr, i, cidr, sizeof cidr);
		add_subnet(s, p, "public", i + 1, cidr);
		snprintf(key, sizeof key, "subnet-public-%d-map-ip", i + 1);
		plan_add(p, 2, PLAN_CONFIGURE, key, "ec2:subnet-attribute", "", "ec2",
			 "ModifySubnetAttribute",
			 pj(p, "{'SubnetId': '${subnet-public-%d.id}', "
			       "'MapPublicIpOnLaunch': {'Value': true}}", i + 1));
	}
	for (int i = 0; i < zones; i++) {
		subnet_cidr(s->vpc_cidr, 8 + i, cidr, sizeof cidr);
		add_subnet(s, p, "private", i + 1, cidr);
	}

	plan_name(name, sizeof name, s, "-igw");
	a = plan_add(p, 2, PLAN_CREATE, "igw", "ec2:internet-gateway", name, "ec2",
		     "CreateInternetGateway",
		     pj(p, "{'TagSpecifications': %j}",
			plan_ec2_tags(p, s, "internet-gateway", name)));
	plan_set_id(p, a, "InternetGateway.InternetGatewayId", NULL);
	plan_set_find(p, a, "ec2", "DescribeInternetGateways",
		      pj(p, "{'Filters': %j}", plan_ec2_tag_filters(p, s, name)),
		      "InternetGateways[0].InternetGatewayId", NULL, NULL);
	a = plan_add(p, 2, PLAN_CONFIGURE, "igw-attach", "ec2:internet-gateway-attachment",
		     "", "ec2", "AttachInternetGateway",
		     pj(p, "{'InternetGatewayId': '${igw.id}', 'VpcId': '${vpc.id}'}"));
	plan_set_done_errors(p, a, "Resource.AlreadyAssociated");

	plan_name(name, sizeof name, s, "-rtb-public");
	add_route_table(s, p, "rtb-public", name);
	a = plan_add(p, 2, PLAN_CONFIGURE, "rtb-public-default-route", "ec2:route",
		     "0.0.0.0/0", "ec2", "CreateRoute",
		     pj(p, "{'RouteTableId': '${rtb-public.id}', "
			   "'DestinationCidrBlock': '0.0.0.0/0', 'GatewayId': '${igw.id}'}"));
	plan_depends(p, a, "igw-attach");
	plan_set_done_errors(p, a, "RouteAlreadyExists");
	for (int i = 0; i < zones; i++) {
		snprintf(key, sizeof key, "subnet-public-%d", i + 1);
		add_association(p, "rtb-public", key);
	}
	for (int i = 0; i < zones; i++) {
		char rtb[32], rtb_name[160];
		snprintf(rtb, sizeof rtb, "rtb-private-%d", i + 1);
		snprintf(rtb_name, sizeof rtb_name, "%s-rtb-private%d", s->name, i + 1);
		add_route_table(s, p, rtb, rtb_name);
		snprintf(key, sizeof key, "subnet-private-%d", i + 1);
		add_association(p, rtb, key);
	}
	return 0;
}

static const char *const vpc_fields[] = { "name", "region", "vpc_cidr",
					  "availability_zones", NULL };

const struct step step_vpc = {
	.id = "02-vpc",
	.section = 2,
	.title = N_("Create VPC"),
	.summary = N_("A network of its own for the deployment: a public and a "
		      "private subnet in each of two zones, an internet gateway "
		      "for the public ones and route tables, as the console's "
		      "\"VPC and more\" makes them."),
	.fields = vpc_fields,
	.plan = vpc_plan,
};
