/* fuzz_json_response.c - libFuzzer target: json 1.1 and rest-json
 * responses, with one header value taken from the input for the cases
 * that read headers. Built and run by fuzz/run.
 * FUZZ-SOURCES: src/aws/parse.c src/aws/parse_xml.c src/aws/parse_json.c src/aws/xml.c src/aws/error.c src/aws/http_message.c src/util/buf.c src/aws/models/*.c
 */
#include "config.h"

#include "fuzz_common.h"

/* None of our real rest-json outputs has header, status or payload
 * members, so a small model of its own puts the input there. */
static const struct aws_member m_out[] = {
	{"Count", "x-count", NULL, 1, AWS_LOC_HEADER, 0, 0},
	{"When", "x-when", NULL, 2, AWS_LOC_HEADER, 0, 0},
	{"Ok", "x-ok", NULL, 3, AWS_LOC_HEADER, 0, 0},
	{"Tags", "x-tags", NULL, 5, AWS_LOC_HEADER, 0, 0},
	{"Doc", "x-doc", NULL, 4, AWS_LOC_HEADER, AWS_F_JSONVALUE, 0},
	{"Meta", "x-", NULL, 6, AWS_LOC_HEADERS, 0, 0},
	{"Status", NULL, NULL, 1, AWS_LOC_STATUSCODE, 0, 0},
	{"Body", NULL, NULL, 7, AWS_LOC_BODY, 0, 0},
};
static const struct aws_member m_body[] = {
	{"N", "n", NULL, 1, AWS_LOC_BODY, 0, 0},
	{"B", "b", NULL, 8, AWS_LOC_BODY, 0, 0},
	{"L", "l", NULL, 5, AWS_LOC_BODY, 0, 0},
};
static const struct aws_shape shapes[] = {
	{.name = "Out", .type = AWS_T_STRUCTURE, .members = m_out,
	 .member_count = 8, .payload = "Body", .member_shape = -1,
	 .key_shape = -1, .value_shape = -1},
	{.name = "Int", .type = AWS_T_INTEGER, .member_shape = -1,
	 .key_shape = -1, .value_shape = -1},
	{.name = "Ts", .type = AWS_T_TIMESTAMP, .member_shape = -1,
	 .key_shape = -1, .value_shape = -1},
	{.name = "Bool", .type = AWS_T_BOOLEAN, .member_shape = -1,
	 .key_shape = -1, .value_shape = -1},
	{.name = "Str", .type = AWS_T_STRING, .member_shape = -1,
	 .key_shape = -1, .value_shape = -1},
	{.name = "Tags", .type = AWS_T_LIST, .member_shape = 2, .key_shape = -1,
	 .value_shape = -1},
	{.name = "Meta", .type = AWS_T_MAP, .member_shape = -1, .key_shape = 4,
	 .value_shape = 4},
	{.name = "Body", .type = AWS_T_STRUCTURE, .members = m_body,
	 .member_count = 3, .member_shape = -1, .key_shape = -1,
	 .value_shape = -1},
	{.name = "Blob", .type = AWS_T_BLOB, .member_shape = -1,
	 .key_shape = -1, .value_shape = -1},
};
static const struct aws_operation ops[] = {
	{"Headers", "GET", "/", -1, 0, NULL, 0},
};
static const struct aws_service_model rest_model = {
	.name = "fuzz-rest", .protocol = AWS_PROTO_REST_JSON,
	.shapes = shapes, .shape_count = 9, .operations = ops,
	.operation_count = 1,
};

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
	{"fuzz-rest", "Headers", 200, "x-count", &rest_model},
	{"fuzz-rest", "Headers", 200, "x-when", &rest_model},
	{"fuzz-rest", "Headers", 200, "x-ok", &rest_model},
	{"fuzz-rest", "Headers", 200, "x-tags", &rest_model},
	{"fuzz-rest", "Headers", 200, "x-doc", &rest_model},
	{"fuzz-rest", "Headers", 200, "x-anything", &rest_model},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_response(cases, sizeof(cases) / sizeof(cases[0]), data, size);
	return 0;
}
