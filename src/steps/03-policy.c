/* 03-policy.c - guide section 3, "Policy Creation".
 *
 * The guide's final policy, statement for statement, with the vendor's
 * account (807274709480) replaced by the caller's, which is only known at
 * run time (${account.Account}), and its region (us-east-1, the only
 * region the guide names, in the ECR statement) by the spec's. */
#include "config.h"

#include <stdio.h>

#include "i18n.h"
#include "plan-build.h"

#define ACCT "${account.Account}"

static int policy_plan(const struct spec *s, struct plan *p, struct aws_error *err)
{
	char name[160];
	struct plan_action *a;
	cJSON *doc;

	(void)err;
	doc = pj(p,
		 "{'Version': '2012-10-17', 'Statement': ["
		 "{'Sid': 'VisualEditor0', 'Effect': 'Allow', 'Action': 'apigateway:*',"
		 " 'Resource': ['arn:aws:apigateway:*::/account', 'arn:aws:apigateway:*::/apis',"
		 " 'arn:aws:apigateway:*::/apis/*', 'arn:aws:apigateway:*::/apis/*/integrations',"
		 " 'arn:aws:apigateway:*::/apis/*/integrations/*/integrationresponses',"
		 " 'arn:aws:apigateway:*::/apis/*/routes', 'arn:aws:apigateway:*::/apis/*/stages',"
		 " 'arn:aws:apigateway:*::/restapis', 'arn:aws:apigateway:*::/vpclinks',"
		 " 'arn:aws:apigateway:*::/vpclinks/*']},"
		 "{'Sid': 'VisualEditor1', 'Effect': 'Allow', 'Action': 'autoscaling:CreateOrUpdateTags',"
		 " 'Resource': 'arn:aws:autoscaling:*:" ACCT ":autoScalingGroup:*:autoScalingGroupName/*'},"
		 "{'Sid': 'VisualEditor2', 'Effect': 'Allow', 'Action': 'cloudformation:ListStacks',"
		 " 'Resource': '*'},"
		 "{'Sid': 'VisualEditor3', 'Effect': 'Allow', 'Action': ["
		 " 'ec2:AuthorizeSecurityGroupEgress', 'ec2:CreateLaunchTemplate',"
		 " 'ec2:TerminateInstances', 'ec2:StartInstances', 'ec2:CreateNatGateway',"
		 " 'ec2:CreateTags', 'ec2:RevokeSecurityGroupEgress', 'ec2:ModifyLaunchTemplate',"
		 " 'ec2:StopInstances', 'ec2:AllocateAddress', 'ec2:CreateLaunchTemplateVersion'],"
		 " 'Resource': ['arn:aws:ec2:*:" ACCT ":security-group/*',"
		 " 'arn:aws:ec2:*:" ACCT ":natgateway/*',"
		 " 'arn:aws:ec2:*:" ACCT ":launch-template/*',"
		 " 'arn:aws:ec2:*:" ACCT ":subnet/*',"
		 " 'arn:aws:ec2:*:" ACCT ":elastic-ip/*',"
		 " 'arn:aws:ec2:*:" ACCT ":instance/*']},"
		 "{'Sid': 'VisualEditor4', 'Effect': 'Allow', 'Action': 'ecr:*',"
		 " 'Resource': 'arn:aws:ecr:%S:" ACCT ":repository/*'},"
		 "{'Sid': 'VisualEditor5', 'Effect': 'Allow', 'Action': ["
		 " 'elasticloadbalancing:DescribeSSLPolicies',"
		 " 'elasticloadbalancing:DescribeTargetHealth'], 'Resource': '*'},"
		 "{'Sid': 'VisualEditor6', 'Effect': 'Allow', 'Action': ["
		 " 'iam:GetRole', 'iam:ListInstanceProfilesForRole'],"
		 " 'Resource': 'arn:aws:iam::" ACCT ":role/*'},"
		 "{'Sid': 'VisualEditor7', 'Effect': 'Allow', 'Action': 'logs:GetLogEvents',"
		 " 'Resource': 'arn:aws:logs:*:" ACCT ":log-group:*:log-stream:*'},"
		 "{'Sid': 'VisualEditor8', 'Effect': 'Allow', 'Action': ["
		 " 'logs:DescribeLogStreams', 'logs:PutRetentionPolicy', 'apigateway:*'],"
		 " 'Resource': 'arn:aws:logs:*:" ACCT ":log-group:*'}]}",
		 s->region);

	plan_name(name, sizeof name, s, "-policy");
	a = plan_add(p, 3, PLAN_CREATE, "policy", "iam:policy", name, "iam",
		     "CreatePolicy",
		     pj(p, "{'PolicyName': %s, 'Description': %s, "
			   "'PolicyDocument': {'$json': %j}, 'Tags': %j}",
			name, "Private AI on ECS: ECR, EC2, logs, ELB and API Gateway "
			      "permissions for the deployment user",
			doc, plan_kv_tags(p, s, name, "Key", "Value")));
	plan_set_id(p, a, "Policy.Arn", "Policy.Arn");
	plan_set_find(p, a, "iam", "GetPolicy",
		      pj(p, "{'PolicyArn': 'arn:aws:iam::" ACCT ":policy/%S'}", name),
		      "Policy.Arn", "Policy.Arn", "NoSuchEntity");
	return 0;
}

static const char *const policy_fields[] = { "region", NULL };

const struct step step_policy = {
	.id = "03-policy",
	.section = 3,
	.title = N_("Policy Creation"),
	.summary = N_("A managed policy with the least permissions the guide "
		      "asks for, for your account and region."),
	.fields = policy_fields,
	.plan = policy_plan,
};
