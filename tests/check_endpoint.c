/* check_endpoint.c - where requests go: endpoint rules, the precedence of
 * --endpoint-url and the AWS_ENDPOINT_URL* variables, known regions, and
 * curl-style --connect-to rules. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "aws/client.h"
#include "aws/endpoint.h"

/* Only the metadata endpoint resolution reads; the rest stays empty. */
static const struct aws_service_model m_ec2 = {
	.name = "ec2", .service_id = "EC2", .endpoint_prefix = "ec2",
	.signing_name = "ec2", .protocol = AWS_PROTO_EC2,
};
static const struct aws_service_model m_iam = {
	.name = "iam", .service_id = "IAM", .endpoint_prefix = "iam",
	.signing_name = "iam", .protocol = AWS_PROTO_QUERY, .global = 1,
};
static const struct aws_service_model m_sts = {
	.name = "sts", .service_id = "STS", .endpoint_prefix = "sts",
	.signing_name = "sts", .protocol = AWS_PROTO_QUERY,
};
static const struct aws_service_model m_elbv2 = {
	.name = "elbv2", .service_id = "Elastic Load Balancing v2",
	.endpoint_prefix = "elasticloadbalancing",
	.signing_name = "elasticloadbalancing", .protocol = AWS_PROTO_QUERY,
};
static const struct aws_service_model m_quotas = {
	.name = "service-quotas", .service_id = "Service Quotas",
	.endpoint_prefix = "servicequotas", .signing_name = "servicequotas",
	.protocol = AWS_PROTO_JSON,
};
static const struct aws_service_model m_efs = {
	.name = "efs", .service_id = "EFS",
	.endpoint_prefix = "elasticfilesystem",
	.signing_name = "elasticfilesystem", .protocol = AWS_PROTO_REST_JSON,
};

static void clear_env(void)
{
	unsetenv("AWS_ENDPOINT_URL");
	unsetenv("AWS_ENDPOINT_URL_EC2");
	unsetenv("AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2");
	unsetenv("AWS_ENDPOINT_URL_SERVICE_QUOTAS");
	unsetenv("AWS_ENDPOINT_URL_IAM");
	unsetenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
}

struct ep_case {
	const struct aws_service_model *svc;
	const char *region;
	const char *url, *authority, *signing_region;
	int port;
};

static const struct ep_case ep_cases[] = {
	{ &m_ec2, "eu-west-1", "https://ec2.eu-west-1.amazonaws.com",
	  "ec2.eu-west-1.amazonaws.com", "eu-west-1", 443 },
	{ &m_sts, "us-west-2", "https://sts.us-west-2.amazonaws.com",
	  "sts.us-west-2.amazonaws.com", "us-west-2", 443 },
	{ &m_iam, "eu-central-1", "https://iam.amazonaws.com",
	  "iam.amazonaws.com", "us-east-1", 443 },
	{ &m_iam, "cn-north-1", "https://iam.cn-north-1.amazonaws.com.cn",
	  "iam.cn-north-1.amazonaws.com.cn", "cn-north-1", 443 },
	{ &m_ec2, "cn-northwest-1",
	  "https://ec2.cn-northwest-1.amazonaws.com.cn",
	  "ec2.cn-northwest-1.amazonaws.com.cn", "cn-northwest-1", 443 },
	{ &m_elbv2, "ap-south-1",
	  "https://elasticloadbalancing.ap-south-1.amazonaws.com",
	  "elasticloadbalancing.ap-south-1.amazonaws.com", "ap-south-1", 443 },
	{ &m_efs, "us-east-2",
	  "https://elasticfilesystem.us-east-2.amazonaws.com",
	  "elasticfilesystem.us-east-2.amazonaws.com", "us-east-2", 443 },
};

START_TEST(test_default_endpoints)
{
	const struct ep_case *c = &ep_cases[_i];
	struct aws_endpoint ep;
	struct aws_error err;

	clear_env();
	ck_assert_int_eq(endpoint_resolve(c->svc, c->region, NULL, &ep, &err),
			 0);
	ck_assert_str_eq(ep.url, c->url);
	ck_assert_str_eq(ep.scheme, "https");
	ck_assert_str_eq(ep.authority, c->authority);
	ck_assert_str_eq(ep.signing_region, c->signing_region);
	ck_assert_int_eq(ep.port, c->port);
	ck_assert_str_eq(ep.base_path, "");
	ck_assert_int_eq(ep.custom, 0);
	endpoint_free(&ep);
}
END_TEST

START_TEST(test_env_names)
{
	char *s;

	s = endpoint_env_name("Elastic Load Balancing v2");
	ck_assert_str_eq(s, "AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2");
	free(s);
	s = endpoint_env_name("Service Quotas");
	ck_assert_str_eq(s, "AWS_ENDPOINT_URL_SERVICE_QUOTAS");
	free(s);
	s = endpoint_env_name("ApiGatewayV2");
	ck_assert_str_eq(s, "AWS_ENDPOINT_URL_APIGATEWAYV2");
	free(s);
	s = endpoint_env_name("CloudWatch Logs");
	ck_assert_str_eq(s, "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS");
	free(s);
	s = endpoint_env_name("some-thing");
	ck_assert_str_eq(s, "AWS_ENDPOINT_URL_SOME_THING");
	free(s);
}
END_TEST

static char *resolve_url(const struct aws_service_model *svc,
			 const char *cfg_url)
{
	struct aws_endpoint ep;
	struct aws_error err;
	char *u;

	ck_assert_int_eq(endpoint_resolve(svc, "us-east-1", cfg_url, &ep, &err),
			 0);
	u = ep.url;
	ep.url = NULL;
	endpoint_free(&ep);
	return u;
}

START_TEST(test_precedence)
{
	char *u;

	clear_env();
	setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:4000", 1);
	setenv("AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2",
	       "http://127.0.0.1:4001", 1);
	setenv("AWS_ENDPOINT_URL_SERVICE_QUOTAS", "http://127.0.0.1:4002/", 1);
	/* Per-service variable beats the global one. */
	u = resolve_url(&m_elbv2, NULL);
	ck_assert_str_eq(u, "http://127.0.0.1:4001");
	free(u);
	u = resolve_url(&m_quotas, NULL);
	ck_assert_str_eq(u, "http://127.0.0.1:4002");
	free(u);
	/* No variable of its own: the global one. */
	u = resolve_url(&m_ec2, NULL);
	ck_assert_str_eq(u, "http://127.0.0.1:4000");
	free(u);
	/* --endpoint-url beats both. */
	u = resolve_url(&m_elbv2, "https://localhost:9443");
	ck_assert_str_eq(u, "https://localhost:9443");
	free(u);
	/* AWS_IGNORE_CONFIGURED_ENDPOINT_URLS drops the variables but not
	 * the command line. */
	setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true", 1);
	u = resolve_url(&m_elbv2, NULL);
	ck_assert_str_eq(u,
			 "https://elasticloadbalancing.us-east-1.amazonaws.com");
	free(u);
	u = resolve_url(&m_elbv2, "http://127.0.0.1:1");
	ck_assert_str_eq(u, "http://127.0.0.1:1");
	free(u);
	clear_env();
}
END_TEST

START_TEST(test_custom_endpoint_parts)
{
	struct aws_endpoint ep;
	struct aws_error err;

	clear_env();
	ck_assert_int_eq(endpoint_resolve(&m_iam, "eu-west-1",
					  "http://127.0.0.1:5000/moto/", &ep,
					  &err),
			 0);
	ck_assert_str_eq(ep.scheme, "http");
	ck_assert_str_eq(ep.host, "127.0.0.1");
	ck_assert_int_eq(ep.port, 5000);
	ck_assert_str_eq(ep.authority, "127.0.0.1:5000");
	ck_assert_str_eq(ep.base_path, "/moto");
	ck_assert_str_eq(ep.url, "http://127.0.0.1:5000/moto");
	/* A custom endpoint signs for the client's region. */
	ck_assert_str_eq(ep.signing_region, "eu-west-1");
	ck_assert_int_eq(ep.custom, 1);
	endpoint_free(&ep);

	ck_assert_int_eq(endpoint_resolve(&m_ec2, "eu-west-1",
					  "https://[::1]:8443", &ep, &err),
			 0);
	ck_assert_str_eq(ep.host, "::1");
	ck_assert_str_eq(ep.authority, "[::1]:8443");
	endpoint_free(&ep);

	/* The scheme's own port is left out of Host, as botocore does. */
	ck_assert_int_eq(endpoint_resolve(&m_ec2, "eu-west-1",
					  "http://example.test:80", &ep, &err),
			 0);
	ck_assert_str_eq(ep.authority, "example.test");
	ck_assert_int_eq(ep.port, 80);
	endpoint_free(&ep);
}
END_TEST

static const char *const bad_urls[] = {
	"ftp://example.test",
	"example.test",
	"http://user:pw@example.test",
	"https://example.test/?a=b",
	"https://example.test/#frag",
	"https://",
	"not a url at all",
};

START_TEST(test_bad_endpoints)
{
	struct aws_endpoint ep;
	struct aws_error err;

	clear_env();
	aws_error_clear(&err);
	ck_assert_int_eq(endpoint_resolve(&m_ec2, "us-east-1", bad_urls[_i],
					  &ep, &err),
			 -1);
	ck_assert_int_eq(err.kind, AWS_ERR_CONFIG);
	ck_assert_str_eq(err.code, "InvalidEndpoint");
	ck_assert_ptr_null(ep.url);
}
END_TEST

START_TEST(test_bad_regions)
{
	static const char *const bad[] = { "", "US-EAST-1", "us-east-1.evil.test",
					   "us east", "-us", "us/east" };
	struct aws_endpoint ep;
	struct aws_error err;

	clear_env();
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		aws_error_clear(&err);
		ck_assert_int_eq(endpoint_resolve(&m_ec2, bad[i], NULL, &ep,
						  &err),
				 -1);
		ck_assert_int_eq(err.kind, AWS_ERR_INPUT);
	}
	ck_assert_int_eq(endpoint_resolve(&m_ec2, NULL, NULL, &ep, &err), -1);
}
END_TEST

START_TEST(test_regions_known)
{
	ck_assert(endpoint_region_known("us-east-1"));
	ck_assert(endpoint_region_known("eu-central-2"));
	ck_assert(endpoint_region_known("ap-southeast-7"));
	ck_assert(endpoint_region_known("mx-central-1"));
	ck_assert(endpoint_region_known("cn-north-1"));
	ck_assert(!endpoint_region_known("us-east-7"));
	ck_assert(!endpoint_region_known("moon-1"));
	ck_assert(!endpoint_region_known(""));
	ck_assert(!endpoint_region_known(NULL));
	ck_assert_str_eq(endpoint_dns_suffix("cn-north-1"), "amazonaws.com.cn");
	ck_assert_str_eq(endpoint_dns_suffix("eu-west-1"), "amazonaws.com");
}
END_TEST

/* ---- --connect-to ---- */

struct ct_case {
	const char *spec;
	const char *host1;
	int port1;
	const char *host2;
	int port2;
};

static const struct ct_case ct_good[] = {
	{ "::127.0.0.1:8080", "", 0, "127.0.0.1", 8080 },
	{ "a.example:443:b:1", "a.example", 443, "b", 1 },
	{ "ec2.us-east-1.amazonaws.com:443:localhost:", "ec2.us-east-1.amazonaws.com", 443, "localhost", 0 },
	{ ":443::8443", "", 443, "", 8443 },
	{ "[::1]:80:[fe80::2]:8080", "::1", 80, "fe80::2", 8080 },
	{ "x:65535:y:65535", "x", 65535, "y", 65535 },
};

START_TEST(test_connect_to_good)
{
	const struct ct_case *c = &ct_good[_i];
	struct aws_connect_to r;
	struct aws_error err;

	ck_assert_int_eq(aws_connect_to_parse(c->spec, &r, &err), 0);
	ck_assert_str_eq(r.host1, c->host1);
	ck_assert_int_eq(r.port1, c->port1);
	ck_assert_str_eq(r.host2, c->host2);
	ck_assert_int_eq(r.port2, c->port2);
	aws_connect_to_free(&r);
	ck_assert_ptr_null(r.host1);
}
END_TEST

static const char *const ct_bad[] = {
	"",
	"a:443:b",
	"a:443:b:1:2",
	"a:4x3:b:1",
	"a:443:b:65536",
	"a:443:b:0",
	"a:443:b:-1",
	"a b:443:c:1",
	"[::1:80:b:1",
	"[]:80:b:1",
	":::",
	"a:443::",
	"a:443:b:1 ",
	"a/b:443:c:1",
};

START_TEST(test_connect_to_bad)
{
	struct aws_connect_to r;
	struct aws_error err;

	aws_error_clear(&err);
	ck_assert_msg(aws_connect_to_parse(ct_bad[_i], &r, &err) == -1,
		      "accepted \"%s\"", ct_bad[_i]);
	ck_assert_int_eq(err.kind, AWS_ERR_INPUT);
	ck_assert_str_eq(err.code, "InvalidConnectTo");
	ck_assert_ptr_null(r.host1);
	ck_assert_ptr_null(r.host2);
}
END_TEST

START_TEST(test_connect_to_apply)
{
	struct aws_connect_to rules[3];
	struct aws_error err;
	const char *host = "ec2.us-east-1.amazonaws.com";
	int port = 443;

	ck_assert_int_eq(aws_connect_to_parse("other:443:nowhere:1", &rules[0],
					      &err),
			 0);
	ck_assert_int_eq(aws_connect_to_parse("EC2.us-east-1.amazonaws.com:22:x:2",
					      &rules[1], &err),
			 0);
	ck_assert_int_eq(aws_connect_to_parse("::127.0.0.1:2222", &rules[2],
					      &err),
			 0);
	/* First two do not match (host, then port); the catch-all does. */
	ck_assert_int_eq(aws_connect_to_apply(rules, 3, &host, &port), 1);
	ck_assert_str_eq(host, "127.0.0.1");
	ck_assert_int_eq(port, 2222);
	/* Matching is case-insensitive on the host and the first rule wins. */
	host = "ec2.us-east-1.amazonaws.com";
	port = 22;
	ck_assert_int_eq(aws_connect_to_apply(rules, 3, &host, &port), 1);
	ck_assert_str_eq(host, "x");
	ck_assert_int_eq(port, 2);
	/* No rules, no change. */
	ck_assert_int_eq(aws_connect_to_apply(rules, 2, &host, &port), 0);
	ck_assert_str_eq(host, "x");
	ck_assert_int_eq(port, 2);
	/* Empty target host keeps the host, and an empty port the port. */
	aws_connect_to_free(&rules[0]);
	ck_assert_int_eq(aws_connect_to_parse("x:2::9", &rules[0], &err), 0);
	ck_assert_int_eq(aws_connect_to_apply(rules, 1, &host, &port), 1);
	ck_assert_str_eq(host, "x");
	ck_assert_int_eq(port, 9);
	for (int i = 0; i < 3; i++)
		aws_connect_to_free(&rules[i]);
}
END_TEST

static Suite *endpoint_suite(void)
{
	Suite *s = suite_create("endpoint");
	TCase *tc = tcase_create("endpoints");
	TCase *ct = tcase_create("connect-to");

	tcase_add_loop_test(tc, test_default_endpoints, 0,
			    sizeof(ep_cases) / sizeof(ep_cases[0]));
	tcase_add_test(tc, test_env_names);
	tcase_add_test(tc, test_precedence);
	tcase_add_test(tc, test_custom_endpoint_parts);
	tcase_add_loop_test(tc, test_bad_endpoints, 0,
			    sizeof(bad_urls) / sizeof(bad_urls[0]));
	tcase_add_test(tc, test_bad_regions);
	tcase_add_test(tc, test_regions_known);
	suite_add_tcase(s, tc);
	tcase_add_loop_test(ct, test_connect_to_good, 0,
			    sizeof(ct_good) / sizeof(ct_good[0]));
	tcase_add_loop_test(ct, test_connect_to_bad, 0,
			    sizeof(ct_bad) / sizeof(ct_bad[0]));
	tcase_add_test(ct, test_connect_to_apply);
	suite_add_tcase(s, ct);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(endpoint_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
