/* check_export.c - the exporters over the guide's plan: every reference
 * resolved (shell variables, Ref/GetAtt to resources or parameters), the
 * spec's values as parameters, shell quoting that survives the bastion's
 * user data, both modes. The real proof (cfn-lint, create-stack and the
 * script on moto) is tests/export_e2e.py. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "spec-fixture.h"

static struct plan *build(struct spec *s)
{
	struct plan *p = NULL;
	struct aws_error err;

	aws_error_clear(&err);
	ck_assert_int_eq(plan_build(s, &p, &err), 0);
	return p;
}

START_TEST(test_split_refs)
{
	cJSON *parts = export_split_refs("a${vpc.id}b${azs.AvailabilityZones[0].ZoneName}");

	ck_assert_int_eq(cJSON_GetArraySize(parts), 4);
	ck_assert_str_eq(cJSON_GetArrayItem(parts, 0)->valuestring, "a");
	ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(parts, 1), "key")->valuestring, "vpc");
	ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(parts, 1), "path")->valuestring, "id");
	ck_assert_str_eq(cJSON_GetArrayItem(parts, 2)->valuestring, "b");
	ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(parts, 3), "path")->valuestring,
			 "AvailabilityZones[0].ZoneName");
	cJSON_Delete(parts);
	parts = export_split_refs("plain");
	ck_assert_int_eq(cJSON_GetArraySize(parts), 1);
	ck_assert_str_eq(parts->child->valuestring, "plain");
	cJSON_Delete(parts);
}
END_TEST

START_TEST(test_names)
{
	char out[64];

	export_camel("subnet-public-1", out, sizeof out);
	ck_assert_str_eq(out, "SubnetPublic1");
	export_upper("rtb-private-2", out, sizeof out);
	ck_assert_str_eq(out, "RTB_PRIVATE_2");
	ck_assert(export_text_not_base64("ec2", "RunInstances", "UserData"));
	ck_assert(!export_text_not_base64("ec2", "CreateLaunchTemplate", "UserData"));
}
END_TEST

/* Every line that is not a comment: no plan reference left. */
static void assert_no_plan_refs(const char *script)
{
	const char *line = script;

	while (line && *line) {
		const char *end = strchr(line, '\n');
		size_t n = end ? (size_t)(end - line) : strlen(line);
		char *copy = strndup(line, n);
		if (copy[0] != '#') {
			/* A plan reference is ${key.path}; the shell's have no dot. */
			for (const char *r = strstr(copy, "${"); r; r = strstr(r + 2, "${")) {
				const char *close = strchr(r, '}'), *dot = strchr(r, '.');
				ck_assert_msg(!close || !dot || dot > close,
					      "unresolved reference in: %s", copy);
			}
		}
		free(copy);
		line = end ? end + 1 : NULL;
	}
}

START_TEST(test_aws_cli_script)
{
	struct spec *s = fixture_spec(_i);
	struct plan *p = build(s);
	struct aws_error err;
	char *script;

	aws_error_clear(&err);
	script = export_aws_cli(p, s, &err);
	ck_assert_ptr_nonnull(script);
	ck_assert(strncmp(script, "#!/bin/bash\n", 12) == 0);
	ck_assert_ptr_nonnull(strstr(script, "\nset -euo pipefail\n"));
	/* One command per AWS action, in kebab case. */
	ck_assert_ptr_nonnull(strstr(script, "aws ec2 create-vpc --cli-input-json "));
	ck_assert_ptr_nonnull(strstr(script, "aws ecs put-cluster-capacity-providers "));
	ck_assert_ptr_nonnull(strstr(script, "aws elbv2 wait load-balancer-available "));
	ck_assert_ptr_nonnull(strstr(script, "--query 'Vpc.VpcId' --output text)\nread -r VPC_ID"));
	ck_assert_ptr_nonnull(strstr(script, "\"VpcId\":\"'\"$VPC_ID\"'\""));
	/* The ASG's ARN comes from its find call; tokens are per run. */
	ck_assert_ptr_nonnull(strstr(script, "aws autoscaling describe-auto-scaling-groups"));
	ck_assert_ptr_nonnull(strstr(script, "\"'\"${RUN_ID}-nat\"'\""));
	if (!_i) {
		/* EFS has no CLI waiter: a polling loop; the bastion's user data
		 * (with its ' quotes) is text the CLI encodes. */
		ck_assert_ptr_nonnull(strstr(script, "poll 5 60 available aws efs describe-file-systems"));
		ck_assert_ptr_nonnull(strstr(script, "echo '\\'''\"$EFS_ID\"':/ /mnt/efs/fs1"));
		ck_assert_ptr_nonnull(strstr(script, "# LOCAL STEP, not done by this script: copy the license"));
		ck_assert_ptr_nonnull(strstr(script, "( umask 077 && aws ec2 create-key-pair"));
	} else {
		ck_assert_ptr_null(strstr(script, "aws efs "));
	}
	assert_no_plan_refs(script);
	free(script);
	plan_free(p);
	fixture_spec_free(s);
}
END_TEST

/* Every Ref and GetAtt names a resource, a parameter or a pseudo one. */
static void assert_refs_exist(const cJSON *root, const cJSON *v)
{
	const cJSON *res = cJSON_GetObjectItem(root, "Resources");
	const cJSON *prm = cJSON_GetObjectItem(root, "Parameters");
	const cJSON *c;

	if (cJSON_IsString(v))
		ck_assert_msg(!strstr(v->valuestring, "${"), "reference left: %s", v->valuestring);
	if (cJSON_IsObject(v)) {
		const cJSON *r = cJSON_GetObjectItem(v, "Ref");
		const cJSON *ga = cJSON_GetObjectItem(v, "Fn::GetAtt");
		if (cJSON_IsString(r))
			ck_assert_msg(cJSON_GetObjectItem(res, r->valuestring) ||
				      cJSON_GetObjectItem(prm, r->valuestring) ||
				      strncmp(r->valuestring, "AWS::", 5) == 0,
				      "Ref to nothing: %s", r->valuestring);
		if (ga)
			ck_assert_msg(cJSON_GetObjectItem(res, ga->child->valuestring),
				      "GetAtt of nothing: %s", ga->child->valuestring);
	}
	cJSON_ArrayForEach(c, v)
		assert_refs_exist(root, c);
}

START_TEST(test_cloudformation)
{
	struct spec *s = fixture_spec(_i);
	struct plan *p;
	struct aws_error err;
	char *text;
	cJSON *root, *res, *prm, *lb;

	fixture_set(&s->vpc_cidr, "10.9.0.0/16");
	p = build(s);
	aws_error_clear(&err);
	text = export_cloudformation(p, s, &err);
	ck_assert_ptr_nonnull(text);
	root = cJSON_Parse(text);
	ck_assert_ptr_nonnull(root);
	res = cJSON_GetObjectItem(root, "Resources");
	prm = cJSON_GetObjectItem(root, "Parameters");
	assert_refs_exist(root, res);
	assert_refs_exist(root, cJSON_GetObjectItem(root, "Outputs"));
	ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(prm, "VpcCidr"), "Default")->valuestring,
			 "10.9.0.0/16");
	ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(prm, "SubnetPrivate1Cidr"),
					     "Default")->valuestring, "10.9.128.0/20");
	ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(res, "Vpc"), "Type")->valuestring,
			 "AWS::EC2::VPC");
	/* Folded: the DNS attributes, the policies, the egress rule. */
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(res, "Vpc"),
		"Properties"), "EnableDnsHostnames")));
	ck_assert_ptr_null(cJSON_GetObjectItem(res, "VpcDnsHostnames"));
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(cJSON_GetObjectItem(
		cJSON_GetObjectItem(res, "SgLb"), "Properties"), "SecurityGroupEgress")), 1);
	lb = cJSON_GetObjectItem(cJSON_GetObjectItem(root, "Outputs"), "LoadBalancerDNSName");
	ck_assert_ptr_nonnull(lb);
	ck_assert_int_eq(cJSON_GetObjectItem(res, "Efs") ? 0 : 1, _i);
	ck_assert_int_eq(cJSON_GetObjectItem(res, "Bastion") ? 1 : 0, 1);
	cJSON_Delete(root);
	free(text);
	plan_free(p);
	fixture_spec_free(s);
}
END_TEST

static Suite *export_suite(void)
{
	Suite *s = suite_create("export");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_split_refs);
	tcase_add_test(tc, test_names);
	tcase_add_loop_test(tc, test_aws_cli_script, 0, 2);
	tcase_add_loop_test(tc, test_cloudformation, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(export_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
