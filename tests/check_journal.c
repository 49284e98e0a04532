/* check_journal.c - the journal: permissions, atomic rewrites, states,
 * round trips through the file. */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "journal.h"

static char tmpdir[64];

static void setup(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/check_journal.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void rm_rf(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[512];

	if (!d)
		return;
	for (e = readdir(d); e; e = readdir(d)) {
		struct stat st;
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
			rm_rf(path);
		else
			unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

static void teardown(void)
{
	rm_rf(tmpdir);
}

static int count_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	for (e = d ? readdir(d) : NULL; e; e = readdir(d))
		if (e->d_name[0] != '.' && !strstr(e->d_name, ".lock"))
			n++;
	if (d)
		closedir(d);
	return n;
}

START_TEST(test_open_creates_private_dir_and_file)
{
	char dir[128], path[160];
	struct journal *j = NULL;
	struct aws_error err;
	struct stat st;

	snprintf(dir, sizeof dir, "%s/a/b", tmpdir);
	aws_error_clear(&err);
	ck_assert_int_eq(journal_exists(dir, "ecsdocs"), 0);
	ck_assert_int_eq(journal_open(dir, "ecsdocs", &j, &err), 0);
	ck_assert_int_eq(stat(dir, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0700);
	snprintf(path, sizeof path, "%s/ecsdocs.json", dir);
	ck_assert_str_eq(journal_path(j), path);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	ck_assert_int_eq(journal_exists(dir, "ecsdocs"), 1);
	ck_assert_int_eq(strlen(journal_token_seed(j)), 16);
	journal_close(j);
}
END_TEST

START_TEST(test_intent_created_roundtrip)
{
	struct journal *j = NULL;
	struct aws_error err;
	cJSON *out = cJSON_Parse("{\"DNSName\": \"lb.example\"}");
	char seed[32];

	aws_error_clear(&err);
	ck_assert_int_eq(journal_open(tmpdir, "d1", &j, &err), 0);
	snprintf(seed, sizeof seed, "%s", journal_token_seed(j));
	ck_assert_int_eq(journal_state_of(j, "vpc"), JOURNAL_NONE);
	ck_assert_int_eq(journal_record_intent(j, "vpc", "ec2:vpc", "d1-vpc", &err), 0);
	ck_assert_int_eq(journal_state_of(j, "vpc"), JOURNAL_INTENT);
	ck_assert_ptr_null(journal_id_of(j, "vpc"));
	ck_assert_int_eq(journal_record_created(j, "vpc", "vpc-1", NULL, NULL, 0, &err), 0);
	ck_assert_int_eq(journal_record_created(j, "lb", "arn:lb", "arn:lb", out, 0, &err), 0);
	ck_assert_int_eq(journal_record_ready(j, "lb", &err), 0);
	ck_assert_int_eq(journal_record_created(j, "role", "r", "arn:r", NULL, 1, &err), 0);
	ck_assert_int_eq(journal_record_state(j, "x", JOURNAL_SKIPPED, &err), 0);
	ck_assert_int_eq(journal_set_meta(j, "account", out, &err), 0);
	journal_close(j);
	cJSON_Delete(out);
	/* Only the journal: no temp files left behind by the rewrites. */
	ck_assert_int_eq(count_files(tmpdir), 1);

	ck_assert_int_eq(journal_open(tmpdir, "d1", &j, &err), 0);
	ck_assert_str_eq(journal_token_seed(j), seed);
	ck_assert_int_eq(journal_state_of(j, "vpc"), JOURNAL_CREATED);
	ck_assert_str_eq(journal_id_of(j, "vpc"), "vpc-1");
	ck_assert_int_eq(journal_is_ready(j, "vpc"), 0);
	ck_assert_int_eq(journal_is_ready(j, "lb"), 1);
	ck_assert_str_eq(journal_arn_of(j, "lb"), "arn:lb");
	ck_assert_str_eq(cJSON_GetObjectItem(journal_outputs_of(j, "lb"), "DNSName")->valuestring,
			 "lb.example");
	ck_assert_int_eq(journal_state_of(j, "role"), JOURNAL_ADOPTED);
	ck_assert_int_eq(journal_state_of(j, "x"), JOURNAL_SKIPPED);
	ck_assert_ptr_nonnull(journal_meta(j, "account"));
	ck_assert_str_eq(journal_state_name(JOURNAL_ADOPTED), "adopted");
	{
		cJSON *snap = journal_snapshot(j);
		ck_assert_ptr_nonnull(cJSON_GetObjectItem(
			cJSON_GetObjectItem(snap, "resources"), "lb"));
		cJSON_Delete(snap);
	}
	journal_close(j);
}
END_TEST

START_TEST(test_refuses_loose_permissions)
{
	struct journal *j = NULL;
	struct aws_error err;
	char path[160];

	aws_error_clear(&err);
	chmod(tmpdir, 0755);
	ck_assert_int_eq(journal_open(tmpdir, "d2", &j, &err), -1);
	ck_assert_int_eq(err.kind, AWS_ERR_CONFIG);
	ck_assert_ptr_nonnull(strstr(err.message, tmpdir));
	chmod(tmpdir, 0700);
	ck_assert_int_eq(journal_open(tmpdir, "d2", &j, &err), 0);
	journal_close(j);
	snprintf(path, sizeof path, "%s/d2.json", tmpdir);
	chmod(path, 0644);
	aws_error_clear(&err);
	ck_assert_int_eq(journal_open(tmpdir, "d2", &j, &err), -1);
	ck_assert_str_eq(err.code, "JournalPermissions");
	ck_assert_int_eq(journal_load(tmpdir, "d2", &j, &err), -1);
}
END_TEST

START_TEST(test_bad_names_and_readonly)
{
	struct journal *j = NULL;
	struct aws_error err;

	aws_error_clear(&err);
	ck_assert_int_eq(journal_open(tmpdir, "../evil", &j, &err), -1);
	ck_assert_int_eq(journal_open(tmpdir, "", &j, &err), -1);
	ck_assert_int_eq(journal_load(tmpdir, "absent", &j, &err), -1);
	ck_assert_str_eq(err.code, "NoJournal");
	ck_assert_int_eq(journal_open(tmpdir, "d3", &j, &err), 0);
	journal_close(j);
	ck_assert_int_eq(journal_load(tmpdir, "d3", &j, &err), 0);
	ck_assert_int_eq(journal_record_intent(j, "vpc", "k", "n", &err), -1);
	journal_close(j);
}
END_TEST

START_TEST(test_corrupt_journal_refused)
{
	struct journal *j = NULL;
	struct aws_error err;
	char path[160];
	FILE *f;

	snprintf(path, sizeof path, "%s/d4.json", tmpdir);
	f = fopen(path, "w");
	fputs("{\"half\": ", f);
	fclose(f);
	chmod(path, 0600);
	aws_error_clear(&err);
	ck_assert_int_eq(journal_open(tmpdir, "d4", &j, &err), -1);
	ck_assert_str_eq(err.code, "JournalCorrupt");
}
END_TEST

START_TEST(test_one_writer_and_stale_temp_files)
{
	struct journal *j = NULL, *j2 = NULL;
	struct aws_error err;
	char path[160];
	FILE *f;

	aws_error_clear(&err);
	ck_assert_int_eq(journal_open(tmpdir, "d5", &j, &err), 0);
	ck_assert_int_eq(journal_open(tmpdir, "d5", &j2, &err), -1);
	ck_assert_str_eq(err.code, "JournalBusy");
	/* Readers (status) do not need the lock. */
	ck_assert_int_eq(journal_load(tmpdir, "d5", &j2, &err), 0);
	journal_close(j2);
	journal_close(j);
	/* A write killed between its temp file and the rename. */
	snprintf(path, sizeof path, "%s/d5.json.tmp.AbC123", tmpdir);
	f = fopen(path, "w");
	fputs("{", f);
	fclose(f);
	ck_assert_int_eq(count_files(tmpdir), 2);
	ck_assert_int_eq(journal_open(tmpdir, "d5", &j, &err), 0);
	ck_assert_int_eq(count_files(tmpdir), 1);
	journal_close(j);
}
END_TEST

static Suite *journal_suite(void)
{
	Suite *s = suite_create("journal");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_open_creates_private_dir_and_file);
	tcase_add_test(tc, test_intent_created_roundtrip);
	tcase_add_test(tc, test_refuses_loose_permissions);
	tcase_add_test(tc, test_bad_names_and_readonly);
	tcase_add_test(tc, test_corrupt_journal_refused);
	tcase_add_test(tc, test_one_writer_and_stale_temp_files);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(journal_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
