/* model.h - the shape of the tables generated from botocore's service models.
 *
 * tools/gen-models.py reads botocore's service-2.json for each service we
 * call and writes src/aws/models/<service>.c: the operations we use and every
 * shape they reach, as the constant tables below. The serialisers
 * (protocol_*.c) and parsers (parse_*.c) are generic over these tables; no
 * operation is serialised by hand. Do not edit the generated files: change
 * tools/gen-models.py or its operation list and regenerate
 * (`make regen-models`).
 *
 * Shapes are referred to by index into their service's shapes[] array;
 * AWS_NO_SHAPE marks "none" (an operation without input or output). */
#ifndef ECSW_AWS_MODEL_H
#define ECSW_AWS_MODEL_H

#include <stddef.h>
#include <stdint.h>

#define AWS_NO_SHAPE (-1)

enum aws_protocol {
	AWS_PROTO_EC2,
	AWS_PROTO_QUERY,
	AWS_PROTO_JSON,
	AWS_PROTO_REST_JSON,
};

enum aws_shape_type {
	AWS_T_STRUCTURE,
	AWS_T_LIST,
	AWS_T_MAP,
	AWS_T_STRING,
	AWS_T_INTEGER,
	AWS_T_LONG,
	AWS_T_FLOAT,
	AWS_T_DOUBLE,
	AWS_T_BOOLEAN,
	AWS_T_TIMESTAMP,
	AWS_T_BLOB,
	/* botocore "structure" with "document": true (json protocols): any
	 * JSON value, sent and received as is. */
	AWS_T_DOCUMENT,
};

/* Where a member travels in rest protocols; always BODY for ec2/query/json. */
enum aws_location {
	AWS_LOC_BODY,
	AWS_LOC_URI,
	AWS_LOC_QUERYSTRING,
	AWS_LOC_HEADER,
	AWS_LOC_HEADERS,    /* a map sent as headers with a prefix */
	AWS_LOC_STATUSCODE, /* output only: the HTTP status */
};

/* Member and shape flags. */
#define AWS_F_FLATTENED 0x01        /* xml/query list or map without wrapper */
#define AWS_F_XML_ATTRIBUTE 0x02    /* xml attribute rather than element */
#define AWS_F_IDEMPOTENCY_TOKEN 0x04 /* filled with a UUID when absent */
#define AWS_F_JSONVALUE 0x08        /* a string holding JSON (headers) */
#define AWS_F_EVENTSTREAM 0x10      /* unused by us; kept for completeness */
#define AWS_F_SENSITIVE 0x20        /* never log the value */
#define AWS_F_REQUIRED 0x40         /* listed in the structure's required */
#define AWS_F_HOST_LABEL 0x80       /* part of the host name (unused) */

enum aws_timestamp_format {
	AWS_TS_DEFAULT = 0, /* the protocol's default */
	AWS_TS_ISO8601,
	AWS_TS_RFC822,
	AWS_TS_UNIX,
};

/* locationName, queryName and the flattened flag are stored as botocore
 * resolves them: the member reference's own, else the target shape's (so a
 * serialiser never has to look at both). */
struct aws_member {
	const char *name;          /* the member's name in the model */
	const char *location_name; /* locationName, or NULL */
	const char *query_name;    /* ec2 queryName, or NULL */
	int shape;                 /* index into the service's shapes[] */
	uint8_t location;          /* enum aws_location */
	uint8_t flags;             /* AWS_F_* set on the member */
	uint8_t timestamp_format;  /* member-level override, or DEFAULT */
};

struct aws_shape {
	const char *name;
	uint8_t type;             /* enum aws_shape_type */
	uint8_t flags;            /* AWS_F_* set on the shape (flattened, sensitive) */
	uint8_t timestamp_format; /* shape-level timestampFormat, or DEFAULT */
	/* structure */
	const struct aws_member *members;
	int member_count;
	const char *payload; /* rest: name of the member that is the body */
	/* list: member; map: key and value */
	int member_shape;
	const char *member_location_name; /* list member locationName */
	uint8_t member_flags;             /* flags on the list's member ref */
	int key_shape;
	const char *key_location_name;
	int value_shape;
	const char *value_location_name;
	/* structure that is an error: its code, or NULL */
	const char *error_code;
};

struct aws_operation {
	const char *name;
	const char *http_method;   /* "POST" for ec2/query/json */
	const char *request_uri;   /* "/" or a rest-json template */
	int input_shape;           /* or AWS_NO_SHAPE */
	int output_shape;          /* or AWS_NO_SHAPE */
	const char *result_wrapper; /* query: <OpResult>, or NULL */
	int http_status;           /* expected success status (rest), 0: any 2xx */
};

struct aws_service_model {
	const char *name;            /* our key: "ec2", "iam", "elbv2", ... */
	const char *service_id;      /* metadata.serviceId: "Elastic Load Balancing v2";
					names AWS_ENDPOINT_URL_<SERVICE_ID> */
	const char *endpoint_prefix; /* host label: "ec2", "elasticloadbalancing" */
	const char *signing_name;    /* SigV4 service name */
	const char *api_version;     /* "2016-11-15" */
	const char *target_prefix;   /* json: X-Amz-Target prefix */
	const char *json_version;    /* json: "1.1" */
	const char *xml_namespace;   /* ec2/query: response xmlns, informative */
	uint8_t protocol;            /* enum aws_protocol */
	uint8_t global;              /* one endpoint for every region (IAM) */
	const struct aws_shape *shapes;
	int shape_count;
	const struct aws_operation *operations;
	int operation_count;
};

/* Look up a service by our key ("ec2", "ecs", ...); NULL when unknown. */
const struct aws_service_model *aws_model_find(const char *service);
/* Look up an operation by name in a service; NULL when not generated. */
const struct aws_operation *aws_model_operation(
	const struct aws_service_model *svc, const char *operation);
/* A shape by index; NULL for AWS_NO_SHAPE or out of range. */
const struct aws_shape *aws_model_shape(const struct aws_service_model *svc,
					int index);
/* Every generated service, NULL-terminated (for tests and --help). */
extern const struct aws_service_model *const aws_models[];

#endif
