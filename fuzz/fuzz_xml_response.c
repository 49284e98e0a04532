/* fuzz_xml_response.c - libFuzzer target: ec2 and query response bodies.
 * Built and run by fuzz/run.
 * FUZZ-SOURCES: src/aws/parse.c src/aws/parse_xml.c src/aws/parse_json.c src/aws/xml.c src/aws/error.c src/aws/http_message.c src/util/buf.c src/aws/models/*.c
 */
#include "config.h"

#include "fuzz_common.h"

static const struct fuzz_case cases[] = {
	{"ec2", "DescribeVpcs", 200, NULL},
	{"ec2", "DescribeInstances", 200, NULL},
	{"ec2", "DescribeLaunchTemplateVersions", 200, NULL},
	{"ec2", "DescribeVpcs", 400, NULL},
	{"ec2", "DeleteVpc", 200, NULL},
	{"iam", "GetUser", 200, NULL},
	{"iam", "ListAttachedRolePolicies", 200, NULL},
	{"iam", "GetUser", 404, NULL},
	{"elbv2", "DescribeLoadBalancers", 200, NULL},
	{"autoscaling", "DescribeAutoScalingGroups", 200, NULL},
	{"cloudformation", "DescribeStacks", 200, NULL},
	{"sts", "AssumeRole", 200, NULL},
	{"iam", "GetUser", 503, NULL},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_response(cases, sizeof(cases) / sizeof(cases[0]), data, size);
	return 0;
}
