/* check_client_moto.c - aws_call() end to end against moto with signature
 * checking on: one call per protocol succeeds with the right secret, and
 * fails with SignatureDoesNotMatch (AuthFailure for EC2) with a wrong one.
 * Run by tests/client-moto.py, which starts moto, creates the IAM user
 * and its key in moto's free requests, and sets MOTO_URL and MOTO_KEYS
 * (a file: access key id, then secret, one per line). */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <openssl/crypto.h>

#include "aws/client.h"

static char akid[128], secret[128];

/* The driver sets MOTO_EFS_SIGV4_BROKEN when this moto rejects even
 * botocore's own signature on EFS requests (it does in moto 5.x): then our
 * EFS call must fail exactly as botocore's does, and will have to succeed
 * as soon as moto is fixed. */
static int efs_broken(const char *service)
{
	return strcmp(service, "efs") == 0 && getenv("MOTO_EFS_SIGV4_BROKEN");
}
static int attempts;

static void on_log(const struct aws_call_log *e, void *ctx)
{
	(void)e;
	(void)ctx;
	attempts++;
}

static void load_keys(void)
{
	const char *path = getenv("MOTO_KEYS");
	FILE *f;

	ck_assert_msg(path != NULL, "MOTO_KEYS not set");
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(akid, sizeof(akid), f));
	ck_assert_ptr_nonnull(fgets(secret, sizeof(secret), f));
	fclose(f);
	akid[strcspn(akid, "\r\n")] = '\0';
	secret[strcspn(secret, "\r\n")] = '\0';
}

static struct aws_client *client_new(int wrong_secret)
{
	struct aws_client_config cfg = { 0 };
	struct aws_creds *creds;
	struct aws_client *c;
	struct aws_error err;
	char bad[160];

	load_keys();
	snprintf(bad, sizeof(bad), "%sWRONG", secret);
	creds = aws_creds_new(akid, wrong_secret ? bad : secret, NULL, "test");
	OPENSSL_cleanse(bad, sizeof(bad));
	ck_assert_ptr_nonnull(creds);
	cfg.region = "us-east-1";
	cfg.creds = creds;
	cfg.endpoint_url = getenv("MOTO_URL");
	ck_assert_ptr_nonnull(cfg.endpoint_url);
	cfg.request_timeout_ms = 20000;
	cfg.log = on_log;
	ck_assert_int_eq(aws_client_new(&cfg, &c, &err), 0);
	aws_creds_free(creds);
	attempts = 0;
	return c;
}

struct e2e_case {
	const char *service, *operation, *input;
	const char *member;      /* present in the output on success */
	const char *wrong_code;  /* error code with a wrong secret */
	int json;                /* json/rest-json: see test_wrong_secret */
};

static const struct e2e_case cases[] = {
	{ "sts", "GetCallerIdentity", NULL, "Account", "SignatureDoesNotMatch", 0 },
	{ "ec2", "DescribeInstanceTypeOfferings",
	  "{\"LocationType\":\"region\"}", "InstanceTypeOfferings",
	  "AuthFailure", 0 },
	{ "ecs", "ListTaskDefinitions", NULL, "taskDefinitionArns",
	  "SignatureDoesNotMatch", 1 },
	{ "iam", "ListPolicies", "{\"Scope\":\"Local\"}", "Policies",
	  "SignatureDoesNotMatch", 0 },
	{ "efs", "DescribeFileSystems", NULL, "FileSystems",
	  "SignatureDoesNotMatch", 1 },
};

START_TEST(test_right_secret)
{
	const struct e2e_case *k = &cases[_i];
	struct aws_client *c = client_new(0);
	struct aws_error err;
	cJSON *in = k->input ? cJSON_Parse(k->input) : NULL, *out = NULL;

	if (efs_broken(k->service)) {
		ck_assert_int_eq(aws_call(c, k->service, k->operation, in, &out,
					  &err),
				 -1);
		ck_assert_int_eq(err.http_status, 403);
		ck_assert_int_eq(attempts, 1);
		fprintf(stderr, "note: moto rejects botocore's EFS signature "
				"too; checked that we fail the same way\n");
		goto out;
	}
	ck_assert_msg(aws_call(c, k->service, k->operation, in, &out, &err) ==
			      0,
		      "%s:%s: %s %s", k->service, k->operation, err.code,
		      err.message);
	ck_assert_msg(cJSON_GetObjectItem(out, k->member) != NULL,
		      "%s missing from %s", k->member, k->operation);
	ck_assert_int_eq(attempts, 1);
	cJSON_Delete(out);
out:
	cJSON_Delete(in);
	aws_client_free(c);
}
END_TEST

START_TEST(test_wrong_secret)
{
	const struct e2e_case *k = &cases[_i];
	struct aws_client *c = client_new(1);
	struct aws_error err;
	cJSON *in = k->input ? cJSON_Parse(k->input) : NULL, *out = NULL;
	char where[256];

	ck_assert_int_eq(aws_call(c, k->service, k->operation, in, &out, &err),
			 -1);
	ck_assert_ptr_null(out);
	ck_assert_int_ge(err.http_status, 400);
	ck_assert_int_lt(err.http_status, 500);
	/* moto answers a json/rest-json service's failed signature with an
	 * XML <ErrorResponse> (AWS itself answers in JSON). botocore cannot
	 * read that either ("An error occurred (403)"); until the parser
	 * falls back to XML for such bodies we accept a PARSE error that
	 * carries the 403 and AWS's words in its message. */
	if (k->json && err.kind == AWS_ERR_PARSE) {
		ck_assert_int_eq(err.http_status, 403);
		fprintf(stderr, "note: %s error body not read as AWS error: %s\n",
			k->service, err.message);
	} else {
		ck_assert_int_eq(err.kind, AWS_ERR_SERVICE);
		ck_assert_str_eq(err.code, k->wrong_code);
	}
	snprintf(where, sizeof(where), "%s:%s", k->service, k->operation);
	ck_assert_str_eq(err.where, where);
	/* An authentication failure is not retried. */
	ck_assert_int_eq(attempts, 1);
	cJSON_Delete(in);
	aws_client_free(c);
}
END_TEST

START_TEST(test_write_then_read)
{
	struct aws_client *c = client_new(0);
	struct aws_error err;
	cJSON *in, *out = NULL;

	in = cJSON_Parse("{\"clusterName\":\"e2e-client\"}");
	ck_assert_int_eq(aws_call(c, "ecs", "CreateCluster", in, &out, &err), 0);
	cJSON_Delete(in);
	cJSON_Delete(out);
	in = cJSON_Parse("{\"clusters\":[\"e2e-client\"]}");
	ck_assert_int_eq(aws_call(c, "ecs", "DescribeClusters", in, &out, &err),
			 0);
	ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(
				     cJSON_GetObjectItem(out, "clusters"), 0),
				     "clusterName")->valuestring,
			 "e2e-client");
	cJSON_Delete(in);
	cJSON_Delete(out);
	in = cJSON_Parse("{\"UserName\":\"deployer\"}");
	ck_assert_int_eq(aws_call(c, "iam", "GetUser", in, &out, &err), 0);
	ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(out, "User"),
					     "UserName")->valuestring,
			 "deployer");
	cJSON_Delete(in);
	cJSON_Delete(out);
	aws_client_free(c);
}
END_TEST

START_TEST(test_many_at_once)
{
	struct aws_client *c = client_new(0);
	struct aws_call_spec calls[5];
	cJSON *inputs[5];
	const int n = sizeof(cases) / sizeof(cases[0]);

	memset(calls, 0, sizeof(calls));
	for (int i = 0; i < n; i++) {
		if (efs_broken(cases[i].service)) {
			inputs[i] = NULL;
			calls[i].service = "sts";
			calls[i].operation = "GetCallerIdentity";
			continue;
		}
		inputs[i] = cases[i].input ? cJSON_Parse(cases[i].input) : NULL;
		calls[i].service = cases[i].service;
		calls[i].operation = cases[i].operation;
		calls[i].input = inputs[i];
	}
	ck_assert_int_eq(aws_call_many(c, calls, n), 0);
	for (int i = 0; i < n; i++) {
		ck_assert_ptr_nonnull(cJSON_GetObjectItem(
			calls[i].output, efs_broken(cases[i].service)
						 ? "Account"
						 : cases[i].member));
		cJSON_Delete(calls[i].output);
		cJSON_Delete(inputs[i]);
	}
	ck_assert_int_eq(attempts, n);
	aws_client_free(c);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("client-moto");
	TCase *tc = tcase_create("moto");
	SRunner *sr;
	int failed;
	const int n = sizeof(cases) / sizeof(cases[0]);

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_right_secret, 0, n);
	tcase_add_loop_test(tc, test_wrong_secret, 0, n);
	tcase_add_test(tc, test_write_then_read);
	tcase_add_test(tc, test_many_at_once);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
