/* check_buf.c - bounded buffers refuse to grow past their cap. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

START_TEST(test_append_and_take)
{
	struct buf b;
	char *s;

	buf_init(&b, 0);
	ck_assert_str_eq(buf_str(&b), "");
	ck_assert_int_eq(buf_append_str(&b, "abc"), 0);
	ck_assert_int_eq(buf_printf(&b, "-%d-", 42), 0);
	ck_assert_str_eq(buf_str(&b), "abc-42-");
	ck_assert_uint_eq(b.len, 7);
	s = buf_take(&b);
	ck_assert_str_eq(s, "abc-42-");
	ck_assert_ptr_null(b.data);
	free(s);
}
END_TEST

START_TEST(test_cap_refuses)
{
	struct buf b;

	buf_init(&b, 8);
	ck_assert_int_eq(buf_append_str(&b, "12345678"), 0);
	ck_assert_int_eq(buf_append_char(&b, 'x'), -1);
	ck_assert_int_eq(buf_printf(&b, "%s", "y"), -1);
	ck_assert_str_eq(buf_str(&b), "12345678");
	buf_free_secret(&b);
	ck_assert_ptr_null(b.data);
}
END_TEST

static Suite *buf_suite(void)
{
	Suite *s = suite_create("buf");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_append_and_take);
	tcase_add_test(tc, test_cap_refuses);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(buf_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
