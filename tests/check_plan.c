/* check_plan.c - the plan: every guide section's actions, their params
 * against the guide's values, references, dependencies, and jpath. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "jpath.h"
#include "plan-build.h"
#include "spec-fixture.h"

static struct plan *build(struct spec *s)
{
	struct plan *p = NULL;
	struct aws_error err;

	aws_error_clear(&err);
	ck_assert_msg(plan_build(s, &p, &err) == 0, "plan_build: %s", err.message);
	return p;
}

static const cJSON *param(const struct plan *p, const char *key, const char *path)
{
	const struct plan_action *a = plan_find(p, key);
	ck_assert_msg(a != NULL, "no action %s", key);
	return jpath_get(a->params, path);
}

static void ck_param_str(const struct plan *p, const char *key, const char *path,
			 const char *want)
{
	char *got = jpath_text(plan_find(p, key)->params, path);
	ck_assert_msg(got && strcmp(got, want) == 0, "%s %s: got %s, want %s", key,
		      path, got ? got : "(none)", want);
	free(got);
}

/* Resolve references against a table of fake run-time values. */
static cJSON *fake_ref(void *ctx, const char *key, const char *path)
{
	(void)ctx;
	if (strcmp(key, "account") == 0 && strcmp(path, "Account") == 0)
		return cJSON_CreateString("123456789012");
	if (strcmp(path, "id") == 0) {
		char buf[128];
		snprintf(buf, sizeof buf, "id-of-%s", key);
		return cJSON_CreateString(buf);
	}
	if (strcmp(key, "list") == 0)
		return cJSON_CreateIntArray((const int[]){ 1, 2 }, 2);
	return NULL;
}

START_TEST(test_standard_plan_has_every_section)
{
	struct spec *s = fixture_spec(0);
	struct plan *p = build(s);
	const char *must[] = { "account", "azs", "vpc", "vpc-dns-support",
			       "vpc-dns-hostnames", "subnet-public-1", "subnet-public-2",
			       "subnet-private-1", "subnet-private-2",
			       "subnet-public-1-map-ip", "subnet-public-2-map-ip", "igw",
			       "igw-attach", "rtb-public", "rtb-public-default-route",
			       "rtb-private-1", "rtb-private-2", "policy", "user",
			       "user-policy-ecs", "user-policy-efs", "user-policy-custom",
			       "keypair", "ecr-repo", "image-push", "sg-bastion", "sg-ecs",
			       "sg-efs", "sg-lb", "efs", "efs-mount-1", "efs-mount-2",
			       "ami-ecs", "role-instance", "instance-profile",
			       "role-task-execution", "launch-template", "target-group",
			       "load-balancer", "listener", "asg", "eip", "nat",
			       "rtb-private-1-default-route", "rtb-private-2-default-route",
			       "cluster", "capacity-provider", "cluster-capacity-providers",
			       "ami-bastion", "bastion", "license", "log-group",
			       "log-retention", "task-definition", "service", NULL };
	int last_section = 0;

	for (int i = 0; must[i]; i++)
		ck_assert_msg(plan_find(p, must[i]) != NULL, "missing %s", must[i]);
	ck_assert_ptr_null(plan_find(p, "user-policy-metering"));
	for (int i = 0; i < p->count; i++) {
		const struct plan_action *a = &p->actions[i];
		/* Guide order, and every dependency is an earlier action. */
		ck_assert_int_ge(a->section, last_section);
		last_section = a->section;
		for (int d = 0; d < a->depend_count; d++) {
			const struct plan_action *dep = plan_find(p, a->depends[d]);
			ck_assert_msg(dep && dep < a, "%s depends on later %s", a->key,
				      a->depends[d]);
		}
		if (a->role != PLAN_LOCAL)
			ck_assert_msg(*a->service && *a->operation, "%s has no call", a->key);
		if (a->role == PLAN_CREATE)
			ck_assert_msg(a->find != NULL, "%s cannot be found on resume", a->key);
	}
	plan_free(p);
	fixture_spec_free(s);
}
END_TEST

START_TEST(test_every_created_resource_is_tagged)
{
	struct spec *s = fixture_spec(0);
	struct plan *p;

	s->api_gateway = 1;
	p = build(s);
	for (int i = 0; i < p->count; i++) {
		const struct plan_action *a = &p->actions[i];
		char *txt;
		/* Mount targets, an API's integration and its route cannot
		 * carry tags. */
		if (a->role != PLAN_CREATE || strncmp(a->key, "efs-mount-", 10) == 0 ||
		    strcmp(a->key, "api-integration") == 0 || strcmp(a->key, "api-route") == 0)
			continue;
		txt = cJSON_PrintUnformatted(a->params);
		ck_assert_msg(strstr(txt, "\"ecs-wizard:deployment\"") &&
				      strstr(txt, "\"ecsdocs\"") && strstr(txt, "\"Name\""),
			      "%s is not tagged: %s", a->key, txt);
		free(txt);
	}
	plan_free(p);
	fixture_spec_free(s);
}
END_TEST

/* Section 18 is planned only when asked for: a VPC link over the private
 * subnets to the load balancer's listener, the API, its integration,
 * default route and auto-deployed default stage, each findable again. */
START_TEST(test_api_gateway_section)
{
	struct spec *s = fixture_spec(0);
	struct plan *p = build(s);
	const char *keys[] = { "sg-apigw", "sg-lb-in-apigw", "vpc-link", "api",
			       "api-integration", "api-route", "api-stage", NULL };
	char *txt;

	for (int i = 0; i < p->count; i++)
		ck_assert_int_ne(p->actions[i].section, 18);
	for (int i = 0; keys[i]; i++)
		ck_assert_ptr_null(plan_find(p, keys[i]));
	plan_free(p);

	s->api_gateway = 1;
	p = build(s);
	for (int i = 0; keys[i]; i++) {
		const struct plan_action *a = plan_find(p, keys[i]);
		ck_assert_msg(a != NULL, "missing %s", keys[i]);
		ck_assert_int_eq(a->section, 18);
		ck_assert_msg(a->find || a->role != PLAN_CREATE, "%s has no find", keys[i]);
	}
	ck_assert_ptr_eq(&p->actions[p->count - 1], plan_find(p, "api-stage"));
	ck_param_str(p, "sg-apigw", "VpcId", "${vpc.id}");
	ck_param_str(p, "sg-lb-in-apigw", "GroupId", "${sg-lb.id}");
	ck_param_str(p, "sg-lb-in-apigw", "IpPermissions[0].FromPort", "80");
	ck_param_str(p, "sg-lb-in-apigw", "IpPermissions[0].UserIdGroupPairs[0].GroupId",
		     "${sg-apigw.id}");
	ck_param_str(p, "vpc-link", "Name", "ecsdocs-vpclink");
	ck_param_str(p, "vpc-link", "SubnetIds[0]", "${subnet-private-1.id}");
	ck_param_str(p, "vpc-link", "SubnetIds[1]", "${subnet-private-2.id}");
	ck_assert_int_eq(cJSON_GetArraySize(param(p, "vpc-link", "SubnetIds")), 2);
	ck_param_str(p, "vpc-link", "SecurityGroupIds[0]", "${sg-apigw.id}");
	ck_param_str(p, "vpc-link", "Tags.ecs-wizard:deployment", "ecsdocs");
	ck_assert_str_eq(cJSON_GetObjectItem(plan_find(p, "vpc-link")->wait, "waiter")->valuestring,
			 "VpcLinkAvailable");
	ck_param_str(p, "api", "Name", "ecsdocs-api");
	ck_param_str(p, "api", "ProtocolType", "HTTP");
	ck_param_str(p, "api", "Tags.Name", "ecsdocs-api");
	ck_param_str(p, "api-integration", "ApiId", "${api.id}");
	ck_param_str(p, "api-integration", "IntegrationType", "HTTP_PROXY");
	ck_param_str(p, "api-integration", "IntegrationMethod", "ANY");
	ck_param_str(p, "api-integration", "ConnectionType", "VPC_LINK");
	ck_param_str(p, "api-integration", "ConnectionId", "${vpc-link.id}");
	ck_param_str(p, "api-integration", "IntegrationUri", "${listener.id}");
	ck_param_str(p, "api-integration", "PayloadFormatVersion", "1.0");
	ck_param_str(p, "api-route", "RouteKey", "$default");
	ck_param_str(p, "api-route", "Target", "integrations/${api-integration.id}");
	ck_param_str(p, "api-stage", "StageName", "$default");
	ck_param_str(p, "api-stage", "AutoDeploy", "true");
	txt = cJSON_PrintUnformatted(plan_find(p, "api-integration")->find);
	ck_assert_msg(strstr(txt, "GetIntegrations"), "%s", txt);
	free(txt);
	/* Found again by name, but never a link an earlier teardown left
	 * DELETING or FAILED. */
	{
		cJSON *links = cJSON_Parse(
			"{\"Items\": ["
			"{\"Name\": \"ecsdocs-vpclink\", \"VpcLinkId\": \"old1\","
			" \"VpcLinkStatus\": \"DELETING\"},"
			"{\"Name\": \"ecsdocs-vpclink\", \"VpcLinkId\": \"old2\","
			" \"VpcLinkStatus\": \"FAILED\"},"
			"{\"Name\": \"other-vpclink\", \"VpcLinkId\": \"other\","
			" \"VpcLinkStatus\": \"AVAILABLE\"},"
			"{\"Name\": \"ecsdocs-vpclink\", \"VpcLinkId\": \"live\","
			" \"VpcLinkStatus\": \"PENDING\"}]}");
		const cJSON *find = plan_find(p, "vpc-link")->find, *m[4];
		const char *id = cJSON_GetStringValue(cJSON_GetObjectItem(find, "id"));

		ck_assert_ptr_nonnull(id);
		ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(find, "operation")),
				 "GetVpcLinks");
		ck_assert_int_eq(jpath_eval(links, id, m, 4), 1);
		ck_assert_str_eq(m[0]->valuestring, "live");
		cJSON_Delete(links);
	}
	plan_free(p);
	fixture_spec_free(s);
}
END_TEST

START_TEST(test_subnets_are_console_layout)
{
	struct spec *s = fixture_spec(0);
	struct plan *p = build(s);

	ck_param_str(p, "subnet-public-1", "CidrBlock", "10.0.0.0/20");
	ck_param_str(p, "subnet-public-2", "CidrBlock", "10.0.16.0/20");
	ck_param_str(p, "subnet-private-1", "CidrBlock", "10.0.128.0/20");
	ck_param_str(p, "subnet-private-2", "CidrBlock", "10.0.144.0/20");
	ck_param_str(p, "subnet-public-1", "AvailabilityZone",
		     "${azs.AvailabilityZones[0].ZoneName}");
	ck_param_str(p, "subnet-private-2", "AvailabilityZone",
		     "${azs.AvailabilityZones[1].ZoneName}");
	ck_param_str(p, "subnet-public-2-map-ip", "MapPublicIpOnLaunch.Value", "true");
	ck_param_str(p, "vpc-dns-hostnames", "EnableDnsHostnames.Value", "true");
	ck_param_str(p, "vpc-dns-support", "EnableDnsSupport.Value", "true");
	ck_param_str(p, "rtb-public-default-route", "GatewayId", "${igw.id}");
	ck_param_str(p, "rtb-private-2-default-route", "NatGatewayId", "${nat.id}");
	ck_param_str(p, "rtb-private-2-default-route", "RouteTableId", "${rtb-private-2.id}");
	ck_assert_ptr_nonnull(plan_find(p, "rtb-private-1-assoc-subnet-private-1"));
	ck_assert_ptr_nonnull(plan_find(p, "rtb-public-assoc-subnet-public-2"));
	plan_free(p);

	fixture_set(&s->vpc_cidr, "172.20.0.0/20");
	p = build(s);
	ck_param_str(p, "subnet-public-2", "CidrBlock", "172.20.1.0/24");
	ck_param_str(p, "subnet-private-1", "CidrBlock", "172.20.8.0/24");
	plan_free(p);
	fixture_spec_free(s);
}
END_TEST

START_TEST(test_policy_is_guides_with_account_and_region)
{
	struct spec *s = fixture_spec(0);
	struct plan *p;
	struct aws_error err;
	cJSON *resolved, *doc;
	char *txt;

	fixture_set(&s->region, "eu-west-1");
	p = build(s);
	txt = cJSON_PrintUnformatted(plan_find(p, "policy")->params);
	ck_assert_ptr_null(strstr(txt, "807274709480"));
	free(txt);
	aws_error_clear(&err);
	resolved = plan_resolve(plan_find(p, "policy")->params, fake_ref, NULL, &err);
	ck_assert_ptr_nonnull(resolved);
	doc = cJSON_Parse(cJSON_GetObjectItem(resolved, "PolicyDocument")->valuestring);
	ck_assert_ptr_nonnull(doc);
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "Statement")), 9);
	for (int i = 0; i < 9; i++) {
		char path[64], want[32];
		snprintf(path, sizeof path, "Statement[%d].Sid", i);
		snprintf(want, sizeof want, "VisualEditor%d", i);
		txt = jpath_text(doc, path);
		ck_assert_str_eq(txt, want);
		free(txt);
	}
	txt = jpath_text(doc, "Statement[4].Resource");
	ck_assert_str_eq(txt, "arn:aws:ecr:eu-west-1:123456789012:repository/*");
	free(txt);
	txt = jpath_text(doc, "Statement[3].Resource[5]");
	ck_assert_str_eq(txt, "arn:aws:ec2:*:123456789012:instance/*");
	free(txt);
	ck_assert_int_eq(cJSON_GetArraySize(jpath_get(doc, "Statement[3].Action")), 11);
	cJSON_Delete(doc);
	cJSON_Delete(resolved);
	plan_free(p);
	fixture_spec_free(s);
}
END_TEST

START_TEST(test_security_group_rules)
{
	struct spec *s = fixture_spec(0);
	struct plan *p = build(s);

	ck_param_str(p, "sg-bastion-in-ssh", "IpPermissions[0].FromPort", "22");
	ck_param_str(p, "sg-bastion-in-ssh", "IpPermissions[0].IpRanges[0].CidrIp",
		     "203.0.113.7/32");
	ck_param_str(p, "sg-ecs-in-service", "IpPermissions[0].ToPort", "8080");
	ck_param_str(p, "sg-ecs-in-service", "IpPermissions[0].UserIdGroupPairs[0].GroupId",
		     "${sg-lb.id}");
	ck_param_str(p, "sg-ecs-in-ssh", "IpPermissions[0].IpRanges[0].CidrIp", "10.0.0.0/16");
	ck_param_str(p, "sg-efs-in-ecs", "IpPermissions[0].FromPort", "2049");
	ck_param_str(p, "sg-efs-in-bastion", "IpPermissions[0].UserIdGroupPairs[0].GroupId",
		     "${sg-bastion.id}");
	ck_param_str(p, "sg-lb-in-http", "IpPermissions[0].IpRanges[0].CidrIp", "10.0.0.0/16");
	ck_param_str(p, "sg-lb-out-default-revoke", "IpPermissions[0].IpProtocol", "-1");
	ck_assert_str_eq(plan_find(p, "sg-lb-out-service")->operation,
			 "AuthorizeSecurityGroupEgress");
	ck_param_str(p, "sg-lb-out-service", "IpPermissions[0].UserIdGroupPairs[0].GroupId",
		     "${sg-ecs.id}");
	/* The egress is replaced only after the default one is gone, never
	 * the other way round (the revoke would not remove ours, but order
	 * keeps the guide's steps). */
	ck_assert(plan_find(p, "sg-lb-out-default-revoke") <
		  plan_find(p, "sg-lb-out-service"));
	ck_param_str(p, "load-balancer", "Scheme", "internal");
	ck_param_str(p, "load-balancer", "Subnets[0]", "${subnet-private-1.id}");
	plan_free(p);

	fixture_set(&s->load_balancer_scheme, "internet-facing");
	p = build(s);
	ck_param_str(p, "sg-lb-in-http", "IpPermissions[0].IpRanges[0].CidrIp", "0.0.0.0/0");
	ck_param_str(p, "load-balancer", "Scheme", "internet-facing");
	ck_param_str(p, "load-balancer", "Subnets[1]", "${subnet-public-2.id}");
	plan_free(p);
	fixture_spec_free(s);
}
END_TEST

START_TEST(test_task_definition_matches_guide_sample)
{
	struct spec *s = fixture_spec(0);
	struct plan *p = build(s);
	const char *td = "task-definition";

	ck_param_str(p, td, "family", "ecsdocs-task");
	ck_param_str(p, td, "networkMode", "awsvpc");
	ck_param_str(p, td, "requiresCompatibilities[0]", "EC2");
	ck_assert(cJSON_IsString(param(p, td, "cpu")));
	ck_param_str(p, td, "cpu", "1024");
	ck_assert(cJSON_IsString(param(p, td, "memory")));
	ck_param_str(p, td, "memory", "14336");
	ck_param_str(p, td, "runtimePlatform.cpuArchitecture", "X86_64");
	ck_param_str(p, td, "runtimePlatform.operatingSystemFamily", "LINUX");
	ck_param_str(p, td, "taskRoleArn", "${role-task-execution.arn}");
	ck_param_str(p, td, "executionRoleArn", "${role-task-execution.arn}");
	ck_param_str(p, td, "containerDefinitions[0].name", "ecsdocs");
	ck_param_str(p, td, "containerDefinitions[0].image",
		     "${account.Account}.dkr.ecr.us-east-1.amazonaws.com/ecsdocs:3.3.2-cpu");
	ck_param_str(p, td, "containerDefinitions[0].essential", "true");
	ck_param_str(p, td, "containerDefinitions[0].portMappings[0].name", "ecsdocs-8080-tcp");
	ck_param_str(p, td, "containerDefinitions[0].portMappings[0].containerPort", "8080");
	ck_param_str(p, td, "containerDefinitions[0].portMappings[0].protocol", "tcp");
	ck_param_str(p, td, "containerDefinitions[0].portMappings[0].appProtocol", "http");
	ck_param_str(p, td, "containerDefinitions[0].mountPoints[0].sourceVolume",
		     "ecsdocs-volume");
	ck_param_str(p, td, "containerDefinitions[0].mountPoints[0].containerPath",
		     "/app/license");
	ck_param_str(p, td, "containerDefinitions[0].mountPoints[0].readOnly", "true");
	ck_param_str(p, td, "volumes[0].name", "ecsdocs-volume");
	ck_param_str(p, td, "volumes[0].efsVolumeConfiguration.fileSystemId", "${efs.id}");
	ck_param_str(p, td, "containerDefinitions[0].logConfiguration.logDriver", "awslogs");
	ck_param_str(p, td, "containerDefinitions[0].logConfiguration.options.awslogs-group",
		     "/ecs/ecsdocs");
	ck_param_str(p, td, "containerDefinitions[0].logConfiguration.options.awslogs-region",
		     "us-east-1");
	ck_param_str(p, td, "containerDefinitions[0].healthCheck.command[0]", "CMD-SHELL");
	ck_param_str(p, td, "containerDefinitions[0].healthCheck.command[1]",
		     "curl -f http://localhost:8080/healthz || exit 1");
	ck_param_str(p, td, "containerDefinitions[0].healthCheck.interval", "30");
	ck_param_str(p, td, "containerDefinitions[0].healthCheck.timeout", "5");
	ck_param_str(p, td, "containerDefinitions[0].healthCheck.retries", "3");
	ck_param_str(p, td, "containerDefinitions[0].healthCheck.startPeriod", "60");
	ck_param_str(p, "log-retention", "retentionInDays", "30");
	ck_param_str(p, "service", "serviceName", "ecsdocs-service");
	ck_param_str(p, "service", "desiredCount", "1");
	ck_param_str(p, "service", "networkConfiguration.awsvpcConfiguration.subnets[1]",
		     "${subnet-private-2.id}");
	ck_param_str(p, "service", "loadBalancers[0].containerPort", "8080");
	ck_param_str(p, "service", "capacityProviderStrategy[0].capacityProvider",
		     "${capacity-provider.id}");
	ck_assert_str_eq(cJSON_GetObjectItem(plan_find(p, "service")->wait, "waiter")
				 ->valuestring, "ServicesStable");
	plan_free(p);
	fixture_spec_free(s);
}
END_TEST

START_TEST(test_marketplace_mode)
{
	struct spec *s = fixture_spec(1);
	struct plan *p = build(s);
	const struct plan_action *a;

	ck_assert_ptr_null(plan_find(p, "efs"));
	ck_assert_ptr_null(plan_find(p, "efs-mount-1"));
	ck_assert_ptr_null(plan_find(p, "license"));
	ck_param_str(p, "user-policy-metering", "PolicyArn",
		     "arn:aws:iam::aws:policy/AWSMarketplaceMeteringRegisterUsage");
	ck_param_str(p, "role-task-execution-metering", "PolicyArn",
		     "arn:aws:iam::aws:policy/AWSMarketplaceMeteringRegisterUsage");
	ck_assert_int_eq(cJSON_GetArraySize(param(p, "task-definition", "volumes")), 0);
	ck_assert_int_eq(cJSON_GetArraySize(param(p, "task-definition",
						  "containerDefinitions[0].mountPoints")), 0);
	a = plan_find(p, "bastion");
	for (int i = 0; i < a->depend_count; i++)
		ck_assert(strncmp(a->depends[i], "efs", 3) != 0);
	plan_free(p);
	fixture_spec_free(s);
}
END_TEST

START_TEST(test_launch_template_and_bastion)
{
	struct spec *s = fixture_spec(0);
	struct plan *p = build(s);
	struct aws_error err;
	cJSON *r;
	unsigned char out[512];
	const char *b64;
	int n;

	ck_param_str(p, "ami-ecs", "Name",
		     "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id");
	ck_param_str(p, "launch-template", "LaunchTemplateData.ImageId",
		     "${ami-ecs.Parameter.Value}");
	ck_param_str(p, "launch-template", "LaunchTemplateData.InstanceType", "m5zn.xlarge");
	ck_param_str(p, "launch-template", "LaunchTemplateData.SecurityGroupIds[0]",
		     "${sg-ecs.id}");
	ck_param_str(p, "launch-template", "LaunchTemplateData.IamInstanceProfile.Name",
		     "ecsInstanceRole");
	ck_param_str(p, "launch-template",
		     "LaunchTemplateData.BlockDeviceMappings[0].Ebs.VolumeSize", "50");
	ck_param_str(p, "launch-template",
		     "LaunchTemplateData.BlockDeviceMappings[0].Ebs.VolumeType", "gp3");
	aws_error_clear(&err);
	r = plan_resolve(plan_find(p, "launch-template")->params, fake_ref, NULL, &err);
	/* The idempotency token is unknown to fake_ref: refused, named. */
	ck_assert_ptr_null(r);
	ck_assert_str_eq(err.code, "UnresolvedReference");
	ck_assert_ptr_nonnull(strstr(err.message, "${token.launch-template}"));
	r = plan_resolve(param(p, "launch-template", "LaunchTemplateData.UserData"),
			 fake_ref, NULL, &err);
	ck_assert_ptr_nonnull(r);
	b64 = r->valuestring;
	n = EVP_DecodeBlock(out, (const unsigned char *)b64, (int)strlen(b64));
	ck_assert_int_gt(n, 0);
	out[n] = '\0';
	ck_assert_ptr_nonnull(strstr((char *)out,
				     "#!/bin/bash\necho ECS_CLUSTER=ecsdocs-cluster >> "
				     "/etc/ecs/ecs.config"));
	cJSON_Delete(r);

	ck_param_str(p, "ami-bastion", "Name",
		     "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64");
	ck_param_str(p, "bastion", "InstanceType", "t2.micro");
	ck_param_str(p, "bastion", "NetworkInterfaces[0].SubnetId", "${subnet-public-1.id}");
	ck_param_str(p, "bastion", "NetworkInterfaces[0].AssociatePublicIpAddress", "true");
	ck_param_str(p, "bastion", "NetworkInterfaces[0].Groups[0]", "${sg-bastion.id}");
	r = plan_resolve(param(p, "bastion", "UserData"), fake_ref, NULL, &err);
	ck_assert_ptr_nonnull(r);
	n = EVP_DecodeBlock(out, (const unsigned char *)r->valuestring,
			    (int)strlen(r->valuestring));
	out[n > 0 ? n : 0] = '\0';
	ck_assert_ptr_nonnull(strstr((char *)out, "amazon-efs-utils"));
	ck_assert_ptr_nonnull(strstr((char *)out, "id-of-efs:/ /mnt/efs/fs1 efs"));
	cJSON_Delete(r);
	ck_param_str(p, "asg", "MinSize", "0");
	ck_param_str(p, "asg", "MaxSize", "1");
	ck_param_str(p, "asg", "DesiredCapacity", "1");
	ck_param_str(p, "asg", "VPCZoneIdentifier",
		     "${subnet-private-1.id},${subnet-private-2.id}");
	ck_param_str(p, "asg", "Tags[2].Key", "AmazonECSManaged");
	ck_param_str(p, "target-group", "TargetType", "ip");
	ck_param_str(p, "target-group", "Port", "8080");
	ck_param_str(p, "target-group", "HealthCheckPath", "/healthz");
	ck_param_str(p, "listener", "Port", "80");
	ck_param_str(p, "listener", "DefaultActions[0].TargetGroupArn", "${target-group.id}");
	ck_param_str(p, "cluster", "clusterName", "ecsdocs-cluster");
	ck_param_str(p, "cluster-capacity-providers",
		     "defaultCapacityProviderStrategy[0].capacityProvider",
		     "${capacity-provider.id}");
	ck_param_str(p, "capacity-provider", "autoScalingGroupProvider.autoScalingGroupArn",
		     "${asg.arn}");
	plan_free(p);
	fixture_spec_free(s);
}
END_TEST

START_TEST(test_key_pair_modes)
{
	struct spec *s = fixture_spec(0);
	struct plan *p = build(s);
	const struct plan_action *a = plan_find(p, "keypair");
	char dir[] = "/tmp/check_plan.XXXXXX", key[256];
	struct aws_error err;
	FILE *f;

	ck_assert_str_eq(a->operation, "CreateKeyPair");
	ck_assert_str_eq(a->secret_path, "KeyMaterial");
	ck_assert_str_eq(a->secret_file, "ecsdocs-key.pem");
	plan_free(p);

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(key, sizeof key, "%s/id", dir);
	fixture_set(&s->ssh_key_file, key);
	aws_error_clear(&err);
	ck_assert_int_eq(plan_build(s, &p, &err), -1); /* no id.pub */
	ck_assert_ptr_nonnull(strstr(err.message, "id.pub"));
	snprintf(key, sizeof key, "%s/id.pub", dir);
	f = fopen(key, "w");
	fputs("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAItest me@host\n", f);
	fclose(f);
	p = build(s);
	a = plan_find(p, "keypair");
	ck_assert_str_eq(a->operation, "ImportKeyPair");
	ck_assert_ptr_null(a->secret_file);
	ck_param_str(p, "keypair", "PublicKeyMaterial.$base64",
		     "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAItest me@host");
	plan_free(p);
	unlink(key);
	rmdir(dir);
	fixture_spec_free(s);
}
END_TEST

START_TEST(test_resolve_references)
{
	struct aws_error err;
	cJSON *in = cJSON_Parse("{\"a\": \"${vpc.id}\", \"b\": \"x-${vpc.id}-${account.Account}\","
				"\"c\": \"${list.all}\", \"d\": {\"$base64\": \"hi ${vpc.id}\"},"
				"\"e\": {\"$json\": {\"k\": \"${account.Account}\"}}, \"f\": 5,"
				"\"g\": \"$Latest\"}");
	cJSON *out;
	char *t;

	aws_error_clear(&err);
	out = plan_resolve(in, fake_ref, NULL, &err);
	ck_assert_ptr_nonnull(out);
	t = jpath_text(out, "a");
	ck_assert_str_eq(t, "id-of-vpc");
	free(t);
	t = jpath_text(out, "b");
	ck_assert_str_eq(t, "x-id-of-vpc-123456789012");
	free(t);
	ck_assert(cJSON_IsArray(cJSON_GetObjectItem(out, "c")));
	t = jpath_text(out, "d");
	ck_assert_str_eq(t, "aGkgaWQtb2YtdnBj"); /* base64("hi id-of-vpc") */
	free(t);
	t = jpath_text(out, "e");
	ck_assert_str_eq(t, "{\"k\":\"123456789012\"}");
	free(t);
	t = jpath_text(out, "g");
	ck_assert_str_eq(t, "$Latest");
	free(t);
	cJSON_Delete(out);
	cJSON_Delete(in);

	in = cJSON_CreateString("arn:${nothing.here}");
	ck_assert_ptr_null(plan_resolve(in, fake_ref, NULL, &err));
	ck_assert_int_eq(err.kind, AWS_ERR_INPUT);
	cJSON_Delete(in);
}
END_TEST

START_TEST(test_jpath)
{
	cJSON *doc = cJSON_Parse(
		"{\"A\": [{\"N\": \"x\", \"S\": \"available\", \"P\": 80},"
		" {\"N\": \"y\", \"S\": \"pending\", \"P\": 443}],"
		" \"R\": [{\"I\": [{\"St\": {\"Name\": \"running\"}}]},"
		"        {\"I\": [{\"St\": {\"Name\": \"pending\"}}]}]}");
	const cJSON *m[8];
	char *t;

	t = jpath_text(doc, "A[1].N");
	ck_assert_str_eq(t, "y");
	free(t);
	t = jpath_text(doc, "A[-1].N");
	ck_assert_str_eq(t, "y");
	free(t);
	ck_assert_int_eq(jpath_eval(doc, "A[].S", m, 8), 2);
	ck_assert_int_eq(jpath_eval(doc, "R[].I[].St.Name", m, 8), 2);
	ck_assert_str_eq(m[1]->valuestring, "pending");
	t = jpath_text(doc, "A[?S=='pending'].N");
	ck_assert_str_eq(t, "y");
	free(t);
	t = jpath_text(doc, "A[?P==`80`].N");
	ck_assert_str_eq(t, "x");
	free(t);
	ck_assert_int_eq(jpath_eval(doc, "A[?S!='pending']", m, 8), 1);
	t = jpath_text(doc, "A[?S!='available' && P==`443`].N");
	ck_assert_str_eq(t, "y");
	free(t);
	ck_assert_int_eq(jpath_eval(doc, "A[?N=='x'&&S=='pending']", m, 8), 0);
	ck_assert_int_eq(jpath_eval(doc, "A[?S != 'x' && S != 'y' && P != `1`]", m, 8), 2);
	ck_assert_int_eq(jpath_eval(doc, "A[?N=='a && b'].N", m, 8), 0);
	ck_assert_int_eq(jpath_eval(doc, "A[?N=='x' &&]", m, 8), -1);
	ck_assert_int_eq(jpath_eval(doc, "A[?N=='x' && S]", m, 8), -1);
	ck_assert_int_eq(jpath_eval(doc, "A[5].N", m, 8), 0);
	ck_assert_ptr_null(jpath_get(doc, "Nope.N"));
	ck_assert_int_eq(jpath_eval(doc, "A[x", m, 8), -1);
	ck_assert_int_eq(jpath_eval(doc, "A.", m, 8), -1);
	cJSON_Delete(doc);
}
END_TEST

START_TEST(test_plan_json)
{
	struct spec *s = fixture_spec(0);
	struct plan *p = build(s);
	cJSON *j = plan_to_json(p);
	const cJSON *sec = cJSON_GetObjectItem(j, "sections");
	int n = 0;
	char *t;

	ck_assert_int_eq(cJSON_GetArraySize(sec), 15);
	t = jpath_text(j, "sections[0].title");
	ck_assert_str_eq(t, "Create VPC");
	free(t);
	t = jpath_text(j, "sections[-1].actions[0].operation");
	ck_assert_str_eq(t, "CreateService");
	free(t);
	for (int i = 0; i < cJSON_GetArraySize(sec); i++)
		n += cJSON_GetArraySize(jpath_get(cJSON_GetArrayItem(sec, i), "actions"));
	ck_assert_int_eq(n, p->count);
	cJSON_Delete(j);
	plan_free(p);
	fixture_spec_free(s);
}
END_TEST

static Suite *plan_suite(void)
{
	Suite *s = suite_create("plan");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_standard_plan_has_every_section);
	tcase_add_test(tc, test_every_created_resource_is_tagged);
	tcase_add_test(tc, test_api_gateway_section);
	tcase_add_test(tc, test_subnets_are_console_layout);
	tcase_add_test(tc, test_policy_is_guides_with_account_and_region);
	tcase_add_test(tc, test_security_group_rules);
	tcase_add_test(tc, test_task_definition_matches_guide_sample);
	tcase_add_test(tc, test_marketplace_mode);
	tcase_add_test(tc, test_launch_template_and_bastion);
	tcase_add_test(tc, test_key_pair_modes);
	tcase_add_test(tc, test_resolve_references);
	tcase_add_test(tc, test_jpath);
	tcase_add_test(tc, test_plan_json);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(plan_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
