/* fuzz_json_response.c - libFuzzer target: json 1.1 and rest-json
 * responses, with one header value taken from the input for the cases
 * that read headers. Built and run by fuzz/run.
 * FUZZ-SOURCES: src/aws/parse.c src/aws/parse_xml.c src/aws/parse_json.c src/aws/xml.c src/aws/error.c src/aws/http_message.c src/util/buf.c src/aws/models/*.c
 */
#include "config.h"

#include "fuzz_common.h"

static const struct fuzz_case cases[] = {
	{"ecs", "DescribeServices", 200, NULL},
	{"ecs", "DescribeTaskDefinition", 200, NULL},
	{"ecs", "DescribeClusters", 400, "x-amzn-query-error"},
	{"ecr", "GetAuthorizationToken", 200, NULL},
	{"logs", "DescribeLogGroups", 200, NULL},
	{"ssm", "GetParameter", 200, NULL},
	{"efs", "DescribeFileSystems", 200, NULL},
	{"efs", "DescribeFileSystems", 404, "x-amzn-ErrorType"},
	{"efs", "CreateFileSystem", 201, NULL},
	{"apigatewayv2", "GetApi", 200, NULL},
	{"apigatewayv2", "GetApis", 404, "x-amzn-ErrorType"},
	{"ecs", "ListTasks", 500, NULL},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_response(cases, sizeof(cases) / sizeof(cases[0]), data, size);
	return 0;
}
