/* check_serialize.c - the request serialisers on the cases that are easy to
 * get wrong: EC2's capitalised, always-flattened names, query's member.N
 * lists, json's target header, rest-json's URI/query/header locations,
 * idempotency tokens and the error naming a wrong member.
 *
 * The generated tables are used for real services; two small hand-written
 * models ("synth-query", "synth-rest") cover what none of our operations
 * use (flattened query lists and maps, greedy labels, header lists,
 * timestamps in headers, jsonvalue, payload members). Their expected
 * requests were produced by botocore's serialisers over the same models. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "aws/protocol.h"

/* ---- synthetic query model ---- */
enum { Q_IN, Q_FLAT, Q_FLATNAMED, Q_WRAPPED, Q_ATTRS, Q_FLATMAP, Q_NESTED,
       Q_TS, Q_DBL, Q_STR, Q_BOOL };

static const struct aws_member q_in_members[] = {
	{"Flat", NULL, NULL, Q_FLAT, AWS_LOC_BODY, AWS_F_FLATTENED, 0},
	{"FlatNamed", NULL, NULL, Q_FLATNAMED, AWS_LOC_BODY, AWS_F_FLATTENED, 0},
	{"Wrapped", "WrappedName", NULL, Q_WRAPPED, AWS_LOC_BODY, 0, 0},
	{"Attrs", NULL, NULL, Q_ATTRS, AWS_LOC_BODY, 0, 0},
	{"FlatMap", NULL, NULL, Q_FLATMAP, AWS_LOC_BODY, AWS_F_FLATTENED, 0},
	{"When", NULL, NULL, Q_TS, AWS_LOC_BODY, 0, AWS_TS_UNIX},
	{"At", NULL, NULL, Q_TS, AWS_LOC_BODY, 0, 0},
	{"Nested", NULL, NULL, Q_NESTED, AWS_LOC_BODY, 0, 0},
	{"Ratio", NULL, NULL, Q_DBL, AWS_LOC_BODY, 0, 0},
	{"On", NULL, NULL, Q_BOOL, AWS_LOC_BODY, 0, 0},
};
static const struct aws_member q_nested_members[] = {
	{"FlatNamed", NULL, NULL, Q_FLATNAMED, AWS_LOC_BODY, AWS_F_FLATTENED, 0},
};
static const struct aws_shape q_shapes[] = {
	[Q_IN] = {.name = "In", .type = AWS_T_STRUCTURE,
		  .members = q_in_members, .member_count = 10},
	[Q_FLAT] = {.name = "FlatList", .type = AWS_T_LIST,
		    .flags = AWS_F_FLATTENED, .member_shape = Q_STR},
	[Q_FLATNAMED] = {.name = "FlatNamedList", .type = AWS_T_LIST,
			 .flags = AWS_F_FLATTENED, .member_shape = Q_STR,
			 .member_location_name = "Item"},
	[Q_WRAPPED] = {.name = "WrappedList", .type = AWS_T_LIST,
		       .member_shape = Q_STR, .member_location_name = "Entry"},
	[Q_ATTRS] = {.name = "Attrs", .type = AWS_T_MAP, .key_shape = Q_STR,
		     .key_location_name = "Name", .value_shape = Q_STR,
		     .value_location_name = "Val"},
	[Q_FLATMAP] = {.name = "FlatMap", .type = AWS_T_MAP,
		       .flags = AWS_F_FLATTENED, .key_shape = Q_STR,
		       .value_shape = Q_STR},
	[Q_NESTED] = {.name = "Nested", .type = AWS_T_STRUCTURE,
		      .members = q_nested_members, .member_count = 1},
	[Q_TS] = {.name = "Ts", .type = AWS_T_TIMESTAMP},
	[Q_DBL] = {.name = "Dbl", .type = AWS_T_DOUBLE},
	[Q_STR] = {.name = "Str", .type = AWS_T_STRING},
	[Q_BOOL] = {.name = "Bool", .type = AWS_T_BOOLEAN},
};
static const struct aws_operation q_ops[] = {
	{"Op", "POST", "/", Q_IN, AWS_NO_SHAPE, NULL, 0},
};
static const struct aws_service_model synth_query = {
	.name = "synth-query", .api_version = "2020-01-01",
	.protocol = AWS_PROTO_QUERY, .shapes = q_shapes, .shape_count = 11,
	.operations = q_ops, .operation_count = 1,
};

/* ---- synthetic rest-json model ---- */
enum { R_IN, R_RAWIN, R_URIIN, R_PIN, R_INNER, R_STRLIST, R_INTLIST, R_MAP,
       R_TS, R_INT, R_STR, R_BOOL };

static const struct aws_member r_in_members[] = {
	{"Bucket", "Bucket", NULL, R_STR, AWS_LOC_URI, AWS_F_REQUIRED, 0},
	{"Key", "Key", NULL, R_STR, AWS_LOC_URI, AWS_F_REQUIRED, 0},
	{"Tags", "X-Tags", NULL, R_STRLIST, AWS_LOC_HEADER, 0, 0},
	{"Since", "If-Modified-Since", NULL, R_TS, AWS_LOC_HEADER, 0, 0},
	{"Meta", "x-meta-", NULL, R_MAP, AWS_LOC_HEADERS, 0, 0},
	{"Ids", "id", NULL, R_INTLIST, AWS_LOC_QUERYSTRING, 0, 0},
	{"Flag", "flag", NULL, R_BOOL, AWS_LOC_QUERYSTRING, 0, 0},
	{"After", "after", NULL, R_TS, AWS_LOC_QUERYSTRING, 0, 0},
	{"Policy", "X-Policy", NULL, R_STR, AWS_LOC_HEADER, AWS_F_JSONVALUE, 0},
	{"Doc", "doc", NULL, R_STR, AWS_LOC_BODY, 0, 0},
	{"When", NULL, NULL, R_TS, AWS_LOC_BODY, 0, 0},
};
static const struct aws_member r_rawin_members[] = {
	{"Id", "Id", NULL, R_STR, AWS_LOC_URI, 0, 0},
	{"Data", NULL, NULL, R_STR, AWS_LOC_BODY, 0, 0},
};
static const struct aws_member r_uriin_members[] = {
	{"Id", "Id", NULL, R_STR, AWS_LOC_URI, 0, 0},
};
static const struct aws_member r_pin_members[] = {
	{"Body", NULL, NULL, R_INNER, AWS_LOC_BODY, 0, 0},
};
static const struct aws_member r_inner_members[] = {
	{"A", NULL, NULL, R_STR, AWS_LOC_BODY, 0, 0},
};
static const struct aws_shape r_shapes[] = {
	[R_IN] = {.name = "In", .type = AWS_T_STRUCTURE,
		  .members = r_in_members, .member_count = 11},
	[R_RAWIN] = {.name = "RawIn", .type = AWS_T_STRUCTURE,
		     .members = r_rawin_members, .member_count = 2,
		     .payload = "Data"},
	[R_URIIN] = {.name = "UriIn", .type = AWS_T_STRUCTURE,
		     .members = r_uriin_members, .member_count = 1},
	[R_PIN] = {.name = "PIn", .type = AWS_T_STRUCTURE,
		   .members = r_pin_members, .member_count = 1,
		   .payload = "Body"},
	[R_INNER] = {.name = "Inner", .type = AWS_T_STRUCTURE,
		     .members = r_inner_members, .member_count = 1},
	[R_STRLIST] = {.name = "StrList", .type = AWS_T_LIST,
		       .member_shape = R_STR},
	[R_INTLIST] = {.name = "IntList", .type = AWS_T_LIST,
		       .member_shape = R_INT},
	[R_MAP] = {.name = "Map", .type = AWS_T_MAP, .key_shape = R_STR,
		   .value_shape = R_STR},
	[R_TS] = {.name = "Ts", .type = AWS_T_TIMESTAMP},
	[R_INT] = {.name = "Int", .type = AWS_T_INTEGER},
	[R_STR] = {.name = "Str", .type = AWS_T_STRING},
	[R_BOOL] = {.name = "Bool", .type = AWS_T_BOOLEAN},
};
static const struct aws_operation r_ops[] = {
	{"PutThing", "PUT", "/things/{Bucket}/{Key+}?tagging", R_IN,
	 AWS_NO_SHAPE, NULL, 0},
	{"PutRaw", "PUT", "/raw/{Id}", R_RAWIN, AWS_NO_SHAPE, NULL, 0},
	{"OnlyUri", "GET", "/only/{Id}", R_URIIN, AWS_NO_SHAPE, NULL, 0},
	{"PayloadStruct", "POST", "/p", R_PIN, AWS_NO_SHAPE, NULL, 0},
};
static const struct aws_service_model synth_rest = {
	.name = "synth-rest", .api_version = "2020-01-01",
	.protocol = AWS_PROTO_REST_JSON, .shapes = r_shapes, .shape_count = 12,
	.operations = r_ops, .operation_count = 4,
};

/* ---- cases ---- */
struct ser_case {
	const char *service;
	const char *operation;
	const char *input; /* JSON, or NULL for no input */
	const char *method;
	const char *path;
	const char *query;
	const char *headers; /* "Name: value\n" each, in order */
	const char *body;
	const char *error; /* expected aws_error_format() text, else NULL */
};

#define FORM "Content-Type: application/x-www-form-urlencoded; charset=utf-8\n"
#define TOKEN "tok-0001"

static const struct ser_case cases[] = {
	{"ec2", "CreateVpc",
	 "{\"CidrBlock\":\"10.0.0.0/16\",\"TagSpecifications\":[{"
	 "\"ResourceType\":\"vpc\",\"Tags\":[{\"Key\":\"Name\",\"Value\":"
	 "\"pai vpc\"},{\"Key\":\"a+b\",\"Value\":\"\"}]}]}",
	 "POST", "/", "", FORM,
	 "Action=CreateVpc&Version=2016-11-15&CidrBlock=10.0.0.0%2F16"
	 "&TagSpecification.1.ResourceType=vpc"
	 "&TagSpecification.1.Tag.1.Key=Name"
	 "&TagSpecification.1.Tag.1.Value=pai%20vpc"
	 "&TagSpecification.1.Tag.2.Key=a%2Bb"
	 "&TagSpecification.1.Tag.2.Value=",
	 NULL},
	{"ec2", "DescribeSubnets",
	 "{\"Filters\":[{\"Name\":\"vpc-id\",\"Values\":[\"vpc-1\",\"vpc-2\"]}],"
	 "\"DryRun\":false}",
	 "POST", "/", "", FORM,
	 "Action=DescribeSubnets&Version=2016-11-15&Filter.1.Name=vpc-id"
	 "&Filter.1.Value.1=vpc-1&Filter.1.Value.2=vpc-2&DryRun=false",
	 NULL},
	/* EC2 sends nothing for an empty list; query sends "Name=". */
	{"ec2", "DescribeVpcs", "{\"VpcIds\":[]}", "POST", "/", "", FORM,
	 "Action=DescribeVpcs&Version=2016-11-15", NULL},
	{"cloudformation", "ListStacks", "{\"StackStatusFilter\":[]}", "POST",
	 "/", "", FORM,
	 "Action=ListStacks&Version=2010-05-15&StackStatusFilter=", NULL},
	{"ec2", "RunInstances",
	 "{\"MinCount\":1,\"MaxCount\":1,\"InstanceMarketOptions\":{"
	 "\"SpotOptions\":{\"ValidUntil\":\"2024-05-06T09:08:09.25+02:00\"}}}",
	 "POST", "/", "", FORM,
	 "Action=RunInstances&Version=2016-11-15&MinCount=1&MaxCount=1"
	 "&InstanceMarketOptions.SpotOptions.ValidUntil="
	 "2024-05-06T07%3A08%3A09.250000Z&ClientToken=" TOKEN,
	 NULL},
	{"iam", "TagRole",
	 "{\"RoleName\":\"pai\",\"Tags\":[{\"Key\":\"k\",\"Value\":\"v\"}]}",
	 "POST", "/", "", FORM,
	 "Action=TagRole&Version=2010-05-08&RoleName=pai"
	 "&Tags.member.1.Key=k&Tags.member.1.Value=v",
	 NULL},
	{"autoscaling", "CreateAutoScalingGroup",
	 "{\"AutoScalingGroupName\":\"asg\",\"MinSize\":0,\"MaxSize\":2,"
	 "\"LaunchTemplate\":{\"LaunchTemplateId\":\"lt-1\",\"Version\":"
	 "\"$Latest\"},\"Tags\":[{\"Key\":\"AmazonECSManaged\",\"Value\":\"\","
	 "\"PropagateAtLaunch\":true}]}",
	 "POST", "/", "", FORM,
	 "Action=CreateAutoScalingGroup&Version=2011-01-01"
	 "&AutoScalingGroupName=asg&MinSize=0&MaxSize=2"
	 "&LaunchTemplate.LaunchTemplateId=lt-1"
	 "&LaunchTemplate.Version=%24Latest"
	 "&Tags.member.1.Key=AmazonECSManaged&Tags.member.1.Value="
	 "&Tags.member.1.PropagateAtLaunch=true",
	 NULL},
	{"elbv2", "CreateLoadBalancer",
	 "{\"Name\":\"alb\",\"Subnets\":[\"subnet-1\",\"subnet-2\"]}", "POST",
	 "/", "", FORM,
	 "Action=CreateLoadBalancer&Version=2015-12-01&Name=alb"
	 "&Subnets.member.1=subnet-1&Subnets.member.2=subnet-2",
	 NULL},
	{"ecs", "DescribeClusters", "{\"clusters\":[\"pai\"]}", "POST", "/",
	 "",
	 "X-Amz-Target: AmazonEC2ContainerServiceV20141113.DescribeClusters\n"
	 "Content-Type: application/x-amz-json-1.1\n",
	 "{\"clusters\":[\"pai\"]}", NULL},
	/* No input: still a JSON object body. */
	{"ecs", "ListTaskDefinitions", NULL, "POST", "/", "",
	 "X-Amz-Target: AmazonEC2ContainerServiceV20141113.ListTaskDefinitions\n"
	 "Content-Type: application/x-amz-json-1.1\n",
	 "{}", NULL},
	{"logs", "CreateLogGroup",
	 "{\"logGroupName\":\"/ecs/pai\",\"tags\":{\"a\":\"b\"}}", "POST", "/",
	 "",
	 "X-Amz-Target: Logs_20140328.CreateLogGroup\n"
	 "Content-Type: application/x-amz-json-1.1\n",
	 "{\"logGroupName\":\"/ecs/pai\",\"tags\":{\"a\":\"b\"}}", NULL},
	{"efs", "CreateMountTarget",
	 "{\"FileSystemId\":\"fs-1\",\"SubnetId\":\"subnet-1\"}", "POST",
	 "/2015-02-01/mount-targets", "", "Content-Type: application/json\n",
	 "{\"FileSystemId\":\"fs-1\",\"SubnetId\":\"subnet-1\"}", NULL},
	{"efs", "DeleteFileSystem", "{\"FileSystemId\":\"fs 1/2\"}", "DELETE",
	 "/2015-02-01/file-systems/fs%201%2F2", "", "", "", NULL},
	{"efs", "DescribeMountTargets",
	 "{\"FileSystemId\":\"fs-1\",\"MaxItems\":10}", "GET",
	 "/2015-02-01/mount-targets", "FileSystemId=fs-1&MaxItems=10", "", "",
	 NULL},
	/* Idempotency token filled when absent, kept when given. */
	{"efs", "CreateFileSystem", "{}", "POST", "/2015-02-01/file-systems",
	 "", "Content-Type: application/json\n",
	 "{\"CreationToken\":\"" TOKEN "\"}", NULL},
	{"efs", "CreateFileSystem", "{\"CreationToken\":\"mine\"}", "POST",
	 "/2015-02-01/file-systems", "", "Content-Type: application/json\n",
	 "{\"CreationToken\":\"mine\"}", NULL},
	{"apigatewayv2", "GetApi", "{\"ApiId\":\"abc\"}", "GET", "/v2/apis/abc",
	 "", "", "", NULL},
	{"apigatewayv2", "CreateApi",
	 "{\"Name\":\"pai\",\"ProtocolType\":\"HTTP\"}", "POST", "/v2/apis", "",
	 "Content-Type: application/json\n",
	 "{\"name\":\"pai\",\"protocolType\":\"HTTP\"}", NULL},
	/* Errors name the member. */
	{"ec2", "CreateVpc",
	 "{\"CidrBlock\":\"10.0.0.0/16\",\"TagSpecifications\":[{\"Tags\":"
	 "{\"Key\":\"Name\"}}]}",
	 NULL, NULL, NULL, NULL, NULL,
	 "ec2:CreateVpc: TagSpecifications[0].Tags: expected a list"},
	{"ec2", "CreateVpc", "{\"CidrBlock\":\"x\",\"Bogus\":1}", NULL, NULL,
	 NULL, NULL, NULL, "ec2:CreateVpc: unknown member \"Bogus\""},
	{"ec2", "CreateSubnet", "{\"CidrBlock\":\"10.0.0.0/24\"}", NULL, NULL,
	 NULL, NULL, NULL,
	 "ec2:CreateSubnet: missing required member \"VpcId\""},
	{"autoscaling", "UpdateAutoScalingGroup",
	 "{\"AutoScalingGroupName\":\"a\",\"MinSize\":1.5}", NULL, NULL, NULL,
	 NULL, NULL,
	 "autoscaling:UpdateAutoScalingGroup: MinSize: expected an integer"},
	{"ecs", "RegisterTaskDefinition",
	 "{\"family\":\"f\",\"containerDefinitions\":[{\"name\":\"c\","
	 "\"essential\":\"yes\"}]}",
	 NULL, NULL, NULL, NULL, NULL,
	 "ecs:RegisterTaskDefinition: containerDefinitions[0].essential: "
	 "expected a boolean"},
	{"logs", "CreateLogGroup",
	 "{\"logGroupName\":\"g\",\"tags\":{\"a\":null}}", NULL, NULL, NULL,
	 NULL, NULL,
	 "logs:CreateLogGroup: tags[\"a\"]: expected a string"},
	{"ec2", "RunInstances",
	 "{\"MinCount\":1,\"MaxCount\":1,\"InstanceMarketOptions\":{"
	 "\"SpotOptions\":{\"ValidUntil\":\"tomorrow\"}}}",
	 NULL, NULL, NULL, NULL, NULL,
	 "ec2:RunInstances: InstanceMarketOptions.SpotOptions.ValidUntil: "
	 "expected a timestamp (ISO 8601 string or epoch seconds)"},
	{"ec2", "ImportKeyPair",
	 "{\"KeyName\":\"k\",\"PublicKeyMaterial\":\"ssh-ed25519 AAAA\"}",
	 NULL, NULL, NULL, NULL, NULL,
	 "ec2:ImportKeyPair: PublicKeyMaterial: expected a base64 string"},
	{"ec2", "ImportKeyPair",
	 "{\"KeyName\":\"k\",\"PublicKeyMaterial\":\"c3NoLWVkMjU1MTk=\"}",
	 "POST", "/", "", FORM,
	 "Action=ImportKeyPair&Version=2016-11-15&KeyName=k"
	 "&PublicKeyMaterial=c3NoLWVkMjU1MTk%3D",
	 NULL},
	{"sts", "GetCallerIdentity", "{\"x\":1}", NULL, NULL, NULL, NULL, NULL,
	 "sts:GetCallerIdentity: unknown member \"x\""},
	/* The synthetic models. */
	{"synth-query", "Op",
	 "{\"Flat\":[\"a\",\"b\"],\"FlatNamed\":[\"c\"],\"Wrapped\":[\"d\","
	 "\"e\"],\"Attrs\":{\"k1\":\"v1\",\"k2\":\"v2\"},\"FlatMap\":{\"fk\":"
	 "\"fv\"},\"When\":\"2024-05-06T07:08:09Z\",\"At\":"
	 "\"2024-05-06T07:08:09.5+01:00\",\"Nested\":{\"FlatNamed\":[\"n1\","
	 "\"n2\"]},\"Ratio\":2.0,\"On\":false}",
	 "POST", "/", "", FORM,
	 "Action=Op&Version=2020-01-01&Flat.1=a&Flat.2=b&Item.1=c"
	 "&WrappedName.Entry.1=d&WrappedName.Entry.2=e"
	 "&Attrs.entry.1.Name=k1&Attrs.entry.1.Val=v1"
	 "&Attrs.entry.2.Name=k2&Attrs.entry.2.Val=v2"
	 "&FlatMap.1.key=fk&FlatMap.1.value=fv&When=1714979289"
	 "&At=2024-05-06T06%3A08%3A09.500000Z&Nested.Item.1=n1"
	 "&Nested.Item.2=n2&Ratio=2.0&On=false",
	 NULL},
	{"synth-rest", "PutThing",
	 "{\"Bucket\":\"my bucket\",\"Key\":\"a/b c.txt\",\"Tags\":[\"x\","
	 "\"a,b\",\"q\\\"t\"],\"Since\":\"2024-05-06T07:08:09.5Z\",\"Meta\":"
	 "{\"Owner\":\"me\"},\"Ids\":[1,2],\"Flag\":true,\"After\":"
	 "\"2024-05-06T07:08:09Z\",\"Policy\":\"{\\\"a\\\": [1, 2]}\","
	 "\"Doc\":\"text\",\"When\":\"2024-05-06T07:08:09Z\"}",
	 "PUT", "/things/my%20bucket/a/b%20c.txt",
	 "tagging&id=1&id=2&flag=true&after=2024-05-06T07%3A08%3A09Z",
	 "X-Tags: x,\"a,b\",\"q\\\"t\"\n"
	 "If-Modified-Since: Mon, 06 May 2024 07:08:09 GMT\n"
	 "x-meta-Owner: me\n"
	 "X-Policy: eyJhIjpbMSwyXX0=\n"
	 "Content-Type: application/json\n",
	 "{\"doc\":\"text\",\"When\":1714979289}", NULL},
	{"synth-rest", "PutThing", "{\"Bucket\":\"b\",\"Key\":\"k\",\"Tags\":[]}",
	 "PUT", "/things/b/k", "tagging", "Content-Type: application/json\n",
	 "{}", NULL},
	{"synth-rest", "PutRaw", "{\"Id\":\"1\",\"Data\":\"raw body\"}", "PUT",
	 "/raw/1", "", "", "raw body", NULL},
	{"synth-rest", "OnlyUri", "{\"Id\":\"1\"}", "GET", "/only/1", "", "", "",
	 NULL},
	{"synth-rest", "PayloadStruct", "{\"Body\":{\"A\":\"x\"}}", "POST", "/p",
	 "", "Content-Type: application/json\n", "{\"A\":\"x\"}", NULL},
	{"synth-rest", "PayloadStruct", "{}", "POST", "/p", "",
	 "Content-Type: application/json\n", "{}", NULL},
	{"synth-rest", "PutThing", "{\"Bucket\":\"b\"}", NULL, NULL, NULL, NULL,
	 NULL, "synth-rest:PutThing: missing required member \"Key\""},
};

static const struct aws_service_model *find_service(const char *name)
{
	if (strcmp(name, synth_query.name) == 0)
		return &synth_query;
	if (strcmp(name, synth_rest.name) == 0)
		return &synth_rest;
	return aws_model_find(name);
}

static char *test_token(void *ctx)
{
	int *calls = ctx;

	(*calls)++;
	return strdup(TOKEN);
}

START_TEST(test_case)
{
	const struct ser_case *tc = &cases[_i];
	const struct aws_service_model *svc = find_service(tc->service);
	const struct aws_operation *op;
	struct aws_http_request req;
	struct aws_error err;
	struct buf headers;
	cJSON *input = NULL;
	char msg[1024];
	int calls = 0, rc;

	ck_assert_msg(svc, "no service %s", tc->service);
	op = aws_model_operation(svc, tc->operation);
	ck_assert_msg(op, "no operation %s", tc->operation);
	if (tc->input) {
		input = cJSON_Parse(tc->input);
		ck_assert_msg(input, "bad test JSON in case %d", _i);
	}
	aws_http_request_init(&req);
	aws_error_clear(&err);
	rc = aws_serialize_request(svc, op, input, test_token, &calls, &req,
				   &err);
	cJSON_Delete(input);
	if (tc->error) {
		ck_assert_int_eq(rc, -1);
		ck_assert_int_eq(err.kind, AWS_ERR_INPUT);
		ck_assert_str_eq(aws_error_format(&err, msg, sizeof(msg)),
				 tc->error);
		ck_assert_ptr_null(req.method);
		return;
	}
	ck_assert_msg(rc == 0, "case %d: %s", _i,
		      aws_error_format(&err, msg, sizeof(msg)));
	ck_assert_str_eq(req.method, tc->method);
	ck_assert_str_eq(req.path, tc->path);
	ck_assert_str_eq(req.query, tc->query);
	buf_init(&headers, 0);
	for (size_t i = 0; i < req.header_count; i++)
		buf_printf(&headers, "%s: %s\n", req.headers[i].name,
			   req.headers[i].value);
	ck_assert_str_eq(buf_str(&headers), tc->headers);
	buf_free(&headers);
	ck_assert_str_eq(buf_str(&req.body), tc->body);
	ck_assert_uint_eq(req.body.len, strlen(tc->body));
	aws_http_request_free(&req);
}
END_TEST

/* Tokens are asked for only when the member is absent. */
START_TEST(test_token_only_when_absent)
{
	const struct aws_service_model *svc = aws_model_find("efs");
	const struct aws_operation *op =
		aws_model_operation(svc, "CreateFileSystem");
	struct aws_http_request req;
	struct aws_error err;
	cJSON *in = cJSON_Parse("{\"CreationToken\":\"mine\"}");
	int calls = 0;

	aws_http_request_init(&req);
	ck_assert_int_eq(aws_serialize_request(svc, op, in, test_token, &calls,
					       &req, &err),
			 0);
	ck_assert_int_eq(calls, 0);
	aws_http_request_free(&req);
	ck_assert_int_eq(aws_serialize_request(svc, op, NULL, test_token,
					       &calls, &req, &err),
			 0);
	ck_assert_int_eq(calls, 1);
	ck_assert_ptr_nonnull(strstr(buf_str(&req.body), TOKEN));
	aws_http_request_free(&req);
	/* The caller's input is not modified. */
	ck_assert_int_eq(cJSON_GetArraySize(in), 1);
	cJSON_Delete(in);
}
END_TEST

/* The tables the generator wrote are consistent: every member and list
 * element points at a shape of the service, every operation's shapes
 * exist, and lookups find what aws_models[] lists. */
START_TEST(test_tables_consistent)
{
	int services = 0;

	for (size_t i = 0; aws_models[i]; i++) {
		const struct aws_service_model *svc = aws_models[i];
		services++;
		ck_assert_ptr_eq(aws_model_find(svc->name), svc);
		ck_assert_ptr_nonnull(svc->api_version);
		ck_assert_ptr_nonnull(svc->signing_name);
		for (int o = 0; o < svc->operation_count; o++) {
			const struct aws_operation *op = &svc->operations[o];
			ck_assert_ptr_eq(aws_model_operation(svc, op->name), op);
			ck_assert(op->input_shape == AWS_NO_SHAPE ||
				  aws_model_shape(svc, op->input_shape));
			ck_assert(op->output_shape == AWS_NO_SHAPE ||
				  aws_model_shape(svc, op->output_shape));
		}
		for (int s = 0; s < svc->shape_count; s++) {
			const struct aws_shape *sh = &svc->shapes[s];
			for (int m = 0; m < sh->member_count; m++)
				ck_assert_ptr_nonnull(aws_model_shape(
					svc, sh->members[m].shape));
			if (sh->type == AWS_T_LIST)
				ck_assert_ptr_nonnull(
					aws_model_shape(svc, sh->member_shape));
			if (sh->type == AWS_T_MAP) {
				ck_assert_ptr_nonnull(
					aws_model_shape(svc, sh->key_shape));
				ck_assert_ptr_nonnull(
					aws_model_shape(svc, sh->value_shape));
			}
		}
	}
	/* The 14 services of tools/operations.txt at the time of writing. */
	ck_assert_int_ge(services, 14);
	ck_assert_ptr_null(aws_model_find("no-such-service"));
	ck_assert_ptr_null(aws_model_operation(aws_model_find("ec2"),
					       "NoSuchOperation"));
	ck_assert_ptr_null(aws_model_shape(aws_model_find("ec2"), -1));
	ck_assert_str_eq(aws_model_find("elbv2")->endpoint_prefix,
			 "elasticloadbalancing");
	ck_assert_int_eq(aws_model_find("iam")->global, 1);
	ck_assert_int_eq(aws_model_find("ec2")->protocol, AWS_PROTO_EC2);
}
END_TEST

static Suite *serialize_suite(void)
{
	Suite *s = suite_create("serialize");
	TCase *tc = tcase_create("cases");

	tcase_add_loop_test(tc, test_case, 0,
			    (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_test(tc, test_token_only_when_absent);
	tcase_add_test(tc, test_tables_consistent);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(serialize_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
