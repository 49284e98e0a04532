/* check_ecr.c - the pure parts of the image push and the tool runner. */
#include "config.h"

#include <check.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "ecr_push.h"
#include "util/spawn.h"

START_TEST(test_decode_token)
{
	char *user, *pw;
	struct aws_error err;

	aws_error_clear(&err);
	/* base64("AWS:s3cr3t:with:colons") */
	ck_assert_int_eq(ecr_decode_token("QVdTOnMzY3IzdDp3aXRoOmNvbG9ucw==", &user, &pw, &err), 0);
	ck_assert_str_eq(user, "AWS");
	ck_assert_str_eq(pw, "s3cr3t:with:colons");
	free(user);
	ecr_secret_free(pw);
	/* base64("AWS:x") has one '=' of padding */
	ck_assert_int_eq(ecr_decode_token("QVdTOng=", &user, &pw, &err), 0);
	ck_assert_str_eq(pw, "x");
	free(user);
	ecr_secret_free(pw);
	ck_assert_int_eq(ecr_decode_token("not base64!", &user, &pw, &err), -1);
	ck_assert_str_eq(err.code, "BadAuthorizationToken");
	ck_assert_ptr_null(user);
	/* base64("nocolon") */
	ck_assert_int_eq(ecr_decode_token("bm9jb2xvbg==", &user, &pw, &err), -1);
	ck_assert_int_eq(ecr_decode_token("", &user, &pw, &err), -1);
}
END_TEST

static const struct {
	const char *source, *tag, *skopeo;
} sources[] = {
	{"deid:3.3.2-cpu", "3.3.2-cpu", "docker-daemon:deid:3.3.2-cpu"},
	{"deid", "latest", "docker-daemon:deid"},
	{"registry.example:5000/team/deid:3.3.2-gpu", "3.3.2-gpu",
	 "docker-daemon:registry.example:5000/team/deid:3.3.2-gpu"},
	{"registry.example:5000/deid", "latest", "docker-daemon:registry.example:5000/deid"},
	{"oci:/images/deid:3.3.2-cpu", "3.3.2-cpu", "oci:/images/deid:3.3.2-cpu"},
	{"oci:/images/deid", "latest", "oci:/images/deid"},
	{"docker-archive:/tmp/deid.tar", "latest", "docker-archive:/tmp/deid.tar"},
	{"docker-archive:/tmp/deid.tar:deid:4.0.0", "4.0.0", "docker-archive:/tmp/deid.tar:deid:4.0.0"},
};

START_TEST(test_source_tag)
{
	char *tag = ecr_source_tag(sources[_i].source);
	char *sk = ecr_skopeo_source(sources[_i].source);

	ck_assert_str_eq(tag, sources[_i].tag);
	ck_assert_str_eq(sk, sources[_i].skopeo);
	free(tag);
	free(sk);
}
END_TEST

static void count_line(const char *line, void *ctx)
{
	int *n = ctx;

	if (strncmp(line, "line", 4) == 0)
		(*n)++;
}

START_TEST(test_spawn_stdin_and_lines)
{
	const char *argv[] = {"cat", NULL};
	const char data[] = "line one\nline two\nline three";
	struct buf out;
	int status = -1, lines = 0;
	struct aws_error err;
	struct spawn_opts o = {.argv = argv, .stdin_data = data,
			       .stdin_len = sizeof(data) - 1, .on_line = count_line,
			       .ctx = &lines, .timeout_s = 10};

	buf_init(&out, 0);
	o.out = &out;
	aws_error_clear(&err);
	ck_assert_int_eq(spawn_run(&o, &status, &err), 0);
	ck_assert_int_eq(status, 0);
	ck_assert_str_eq(buf_str(&out), data);
	ck_assert_int_eq(lines, 3); /* the unterminated last line counts too */
	buf_free(&out);
}
END_TEST

START_TEST(test_spawn_env_and_status)
{
	const char *argv[] = {"sh", "-c", "printf %s \"$ECSW_PROBE\"; exit 3", NULL};
	const char *env[] = {"ECSW_PROBE=visible", NULL};
	struct buf out;
	int status = -1;
	struct aws_error err;
	struct spawn_opts o = {.argv = argv, .env_set = env, .timeout_s = 10};

	buf_init(&out, 0);
	o.out = &out;
	ck_assert_int_eq(spawn_run(&o, &status, &err), 0);
	ck_assert_int_eq(status, 3);
	ck_assert_str_eq(buf_str(&out), "visible");
	ck_assert_ptr_null(getenv("ECSW_PROBE")); /* only the child saw it */
	buf_free(&out);
}
END_TEST

START_TEST(test_spawn_timeout_and_missing)
{
	const char *slow[] = {"sleep", "5", NULL};
	const char *none[] = {"ecsw-no-such-tool", NULL};
	struct spawn_opts o = {.argv = slow, .timeout_s = 1};
	struct aws_error err;
	int status = -1;

	aws_error_clear(&err);
	ck_assert_int_eq(spawn_run(&o, &status, &err), -1);
	ck_assert_int_eq(err.kind, AWS_ERR_TIMEOUT);
	o.argv = none;
	ck_assert_int_eq(spawn_run(&o, &status, &err), -1);
	ck_assert_str_eq(err.code, "ToolMissing");
	ck_assert_int_eq(spawn_have("sh"), 1);
	ck_assert_int_eq(spawn_have("ecsw-no-such-tool"), 0);
}
END_TEST

START_TEST(test_push_refuses_incomplete_request)
{
	struct ecr_push_request req = {.source = "deid:1", .registry = "r",
				       .repository = "x", .username = "AWS"};
	struct ecr_push_result res;
	struct aws_error err;

	aws_error_clear(&err);
	ck_assert_int_eq(ecr_push(&req, &res, &err), -1);
	ck_assert_int_eq(err.kind, AWS_ERR_INPUT);
	ck_assert_ptr_null(res.digest);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ecr");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	signal(SIGPIPE, SIG_IGN);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_decode_token);
	tcase_add_loop_test(tc, test_source_tag, 0, (int)(sizeof(sources) / sizeof(sources[0])));
	tcase_add_test(tc, test_spawn_stdin_and_lines);
	tcase_add_test(tc, test_spawn_env_and_status);
	tcase_add_test(tc, test_spawn_timeout_and_missing);
	tcase_add_test(tc, test_push_refuses_incomplete_request);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
