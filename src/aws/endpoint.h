/* endpoint.h - where to send a service's requests and which region signs.
 *
 * Order as in botocore: the client's --endpoint-url, then
 * AWS_ENDPOINT_URL_<SERVICE_ID> (the model's serviceId upper-cased, spaces
 * and hyphens as underscores), then AWS_ENDPOINT_URL; the environment is
 * skipped when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true. Without any,
 * https://<endpointPrefix>.<region>.amazonaws.com (.com.cn in China), with
 * IAM's one global endpoint signed for us-east-1. Plain http is used only
 * when the person names an http:// endpoint. */
#ifndef ECSW_AWS_ENDPOINT_H
#define ECSW_AWS_ENDPOINT_H

#include "aws/error.h"
#include "aws/model.h"

struct aws_endpoint {
	char *url;       /* owned: scheme://host[:port][/base], no trailing '/' */
	char *scheme;    /* owned: "https" or "http" */
	char *host;      /* owned: host name, IPv6 without brackets */
	int port;        /* the port connected to (443/80 when not given) */
	char *authority; /* owned: Host header value: host, with :port when
			    not the scheme's default, IPv6 in brackets */
	char *base_path; /* owned: path of a custom endpoint, "" or "/x" */
	char *signing_region; /* owned */
	int custom;      /* 1 when the URL came from the person's settings */
};

/* Resolve the endpoint of svc in region. endpoint_url is the client's
 * --endpoint-url or NULL. 0, or -1 with err (AWS_ERR_CONFIG for a bad URL,
 * AWS_ERR_INPUT for a missing region). Free with endpoint_free(). */
int endpoint_resolve(const struct aws_service_model *svc, const char *region,
		     const char *endpoint_url, struct aws_endpoint *out,
		     struct aws_error *err);
void endpoint_free(struct aws_endpoint *ep);

/* "AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2" for "Elastic Load Balancing
 * v2". Returns a malloc'd string, NULL on OOM. */
char *endpoint_env_name(const char *service_id);

/* 1 when region is a region of the aws (commercial) or aws-cn partition
 * that we know of, else 0. For spec validation. */
int endpoint_region_known(const char *region);
/* The DNS suffix for region: "amazonaws.com.cn" for cn-*, else
 * "amazonaws.com". Borrowed. */
const char *endpoint_dns_suffix(const char *region);

#endif
