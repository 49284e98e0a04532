/* check_preflight_checks.c - the pure parts of preflight's checks: which
 * quota a type counts against, the IAM action names of our calls, and the
 * principal the IAM simulation is asked about. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "preflight-checks.h"

static const struct {
	const char *type;
	int standard;
} families[] = {
	{ "m5zn.xlarge", 1 }, { "t2.micro", 1 }, { "c5.large", 1 }, { "r6i.large", 1 },
	{ "z1d.large", 1 }, { "i3.large", 1 }, { "d3.xlarge", 1 }, { "a1.large", 1 },
	{ "dl1.24xlarge", 0 }, { "inf2.xlarge", 0 }, { "trn1.2xlarge", 0 },
	{ "g5.xlarge", 0 }, { "p4d.24xlarge", 0 }, { "x2idn.16xlarge", 0 },
	{ "f1.2xlarge", 0 }, { "u-6tb1.metal", 0 }, { "vt1.3xlarge", 0 },
};

START_TEST(test_vcpu_quota_family)
{
	const char *code = pf_vcpu_quota_code(families[_i].type);

	if (families[_i].standard)
		ck_assert_msg(code && strcmp(code, "L-1216C47A") == 0, "%s", families[_i].type);
	else
		ck_assert_msg(code == NULL, "%s counted as standard", families[_i].type);
}
END_TEST

START_TEST(test_iam_action_names)
{
	static const char *const cases[][3] = {
		{ "elbv2", "CreateLoadBalancer", "elasticloadbalancing:CreateLoadBalancer" },
		{ "efs", "CreateMountTarget", "elasticfilesystem:CreateMountTarget" },
		{ "service-quotas", "GetServiceQuota", "servicequotas:GetServiceQuota" },
		{ "ec2", "CreateVpc", "ec2:CreateVpc" },
		{ "logs", "CreateLogGroup", "logs:CreateLogGroup" },
		{ "autoscaling", "CreateAutoScalingGroup", "autoscaling:CreateAutoScalingGroup" },
	};
	char out[160];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pf_iam_action(cases[i][0], cases[i][1], out, sizeof(out));
		ck_assert_str_eq(out, cases[i][2]);
	}
}
END_TEST

START_TEST(test_policy_source)
{
	static const char *const cases[][2] = {
		{ "arn:aws:iam::123456789012:user/deployer", "arn:aws:iam::123456789012:user/deployer" },
		{ "arn:aws:iam::123456789012:user/team/deployer",
		  "arn:aws:iam::123456789012:user/team/deployer" },
		{ "arn:aws:sts::123456789012:assumed-role/Admin/alice@example.com",
		  "arn:aws:iam::123456789012:role/Admin" },
		{ "arn:aws:iam::123456789012:root", NULL },
		{ "arn:aws:sts::123456789012:federated-user/bob", NULL },
		{ "arn:aws:sts::123456789012:assumed-role/NoSession", NULL },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = pf_policy_source_arn(cases[i][0]);

		if (cases[i][1])
			ck_assert_msg(got && strcmp(got, cases[i][1]) == 0, "%s -> %s", cases[i][0],
				      got ? got : "(null)");
		else
			ck_assert_msg(!got, "%s -> %s, want none", cases[i][0], got);
		free(got);
	}
	ck_assert_ptr_null(pf_policy_source_arn(NULL));
}
END_TEST

START_TEST(test_findings_json)
{
	struct pf_finding items[] = {
		{ "vpc-quota", PF_PROBLEM, (char *)"VPCs: 5 in use", (char *)"release one" },
		{ "iam-simulate", PF_UNCHECKED, (char *)"could not check", NULL },
		{ "role:ecsInstanceRole", PF_OK, (char *)"exists", NULL },
	};
	struct pf_findings f = { items, 3, 1, 1 };
	cJSON *j = pf_findings_to_json(&f);
	const char *want[] = { "problem", "unchecked", "ok" };

	ck_assert_int_eq(cJSON_GetArraySize(j), 3);
	for (int i = 0; i < 3; i++) {
		cJSON *o = cJSON_GetArrayItem(j, i);

		ck_assert_str_eq(cJSON_GetObjectItem(o, "check")->valuestring, items[i].check);
		ck_assert_str_eq(cJSON_GetObjectItem(o, "status")->valuestring, want[i]);
		ck_assert_str_eq(cJSON_GetObjectItem(o, "message")->valuestring, items[i].message);
		if (items[i].fix)
			ck_assert_str_eq(cJSON_GetObjectItem(o, "fix")->valuestring, items[i].fix);
		else
			ck_assert(cJSON_IsNull(cJSON_GetObjectItem(o, "fix")));
	}
	cJSON_Delete(j);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("preflight-checks");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_vcpu_quota_family, 0,
			    (int)(sizeof(families) / sizeof(families[0])));
	tcase_add_test(tc, test_iam_action_names);
	tcase_add_test(tc, test_policy_source);
	tcase_add_test(tc, test_findings_json);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
