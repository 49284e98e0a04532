/* check_cli.c - option parsing, command lookup and exit codes.
 *
 * The parser is tested without running commands: cli_parse() and
 * ew_options_parse() fill a struct we inspect. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "context.h"
#include "options.h"

#define MAXARGS 16

/* Split a space-separated line into a NULL-terminated argv (argv[0] is
 * the program); words are copies the caller frees with free_argv(). */
static int make_argv(const char *line, char **argv)
{
	char *copy = strdup(line);
	char *save = NULL;
	char *w;
	int n = 0;

	argv[n++] = strdup("ecs-wizard");
	for (w = strtok_r(copy, " ", &save); w && n < MAXARGS - 1;
	     w = strtok_r(NULL, " ", &save))
		argv[n++] = strdup(w);
	argv[n] = NULL;
	free(copy);
	return n;
}

static void free_argv(char **argv)
{
	for (int i = 0; argv[i]; i++)
		free(argv[i]);
}

/* Lines that must be refused with exit status 2, and a word the one-line
 * message must contain. */
static const struct {
	const char *line;
	const char *in_message;
} bad_lines[] = {
	{ "--bogus", "--bogus" },
	{ "-x", "-x" },
	{ "--region", "--region" },
	{ "preflight --profile", "--profile" },
	{ "--output yaml", "yaml" },
	{ "plan --output out.txt", "out.txt" },
	{ "--yes=1", "--yes" },
	{ "--connect-to a:b", "a:b" },
	{ "--connect-to a:1:b", "a:1:b" },
	{ "--connect-to a:99999:b:1", "a:99999:b:1" },
	{ "--connect-to a:x:b:1", "a:x:b:1" },
	{ "--connect-to a:1:b:0x1", "a:1:b:0x1" },
	{ "--connect-to a:1:b:1:c", "a:1:b:1:c" },
	{ "--connect-to [::1:1:b:1", "[::1:1:b:1" },
	{ "frobnicate", "frobnicate" },
	{ "--region us-east-1 frobnicate --yes", "frobnicate" },
	{ "preflight extra", "extra" },
	{ "--ssh-host-key SHA256:abc", "SHA256:abc" },
	{ "--ssh-host-key MD5:00:11:22", "MD5:00:11:22" },
	{ "--no-bastion=1", "--no-bastion" },
};

START_TEST(test_bad_lines)
{
	char *argv[MAXARGS];
	int argc = make_argv(bad_lines[_i].line, argv);
	struct ew_options o;
	const struct cli_command *cmd = (void *)1;
	char err[256];
	int rc;

	rc = cli_parse(argc, argv, &o, &cmd, err, sizeof(err));
	ck_assert_int_eq(rc, EXIT_BAD_INPUT);
	ck_assert_ptr_null(cmd);
	ck_assert_msg(strstr(err, bad_lines[_i].in_message),
		      "'%s': message '%s' lacks '%s'", bad_lines[_i].line, err,
		      bad_lines[_i].in_message);
	ck_assert_ptr_null(strchr(err, '\n'));
	/* Freed on error: a second free must be harmless. */
	ew_options_free(&o);
	free_argv(argv);
}
END_TEST

START_TEST(test_every_option)
{
	char *argv[MAXARGS * 3];
	const char *words[] = {
		"ecs-wizard", "--region", "eu-west-1", "--profile", "dev",
		"--endpoint-url", "http://127.0.0.1:5000", "--state-dir", "/tmp/st",
		"--log", "/tmp/log", "--output", "json", "-y", "--spec", "s.json",
		"--name", "demo", "--mfa-token", "123456", "--ssh-host-key",
		"SHA256:8cGYuZCcbe2nPd5Fkpx5H1scslKydGOtePJ/K6bqTqg",
		"--accept-new-host-key", "--no-bastion", "--dry-run",
		"--delete-images", "--format", "terraform", "--refresh-prices",
		"--no-color", NULL,
	};
	struct ew_options o;
	char err[256];
	int argc = 0;

	for (; words[argc]; argc++)
		argv[argc] = strdup(words[argc]);
	argv[argc] = NULL;
	ck_assert_int_eq(ew_options_parse(argc, argv, &o, err, sizeof(err)), 0);
	ck_assert_str_eq(o.region, "eu-west-1");
	ck_assert_str_eq(o.profile, "dev");
	ck_assert_str_eq(o.endpoint_url, "http://127.0.0.1:5000");
	ck_assert_str_eq(o.state_dir, "/tmp/st");
	ck_assert_str_eq(o.log_file, "/tmp/log");
	ck_assert(o.output_json);
	ck_assert(o.yes);
	ck_assert_str_eq(o.spec_file, "s.json");
	ck_assert_str_eq(o.name, "demo");
	ck_assert_str_eq(o.mfa_token, "123456");
	ck_assert_str_eq(o.ssh_host_key, "SHA256:8cGYuZCcbe2nPd5Fkpx5H1scslKydGOtePJ/K6bqTqg");
	ck_assert(o.accept_new_host_key);
	ck_assert(o.no_bastion);
	ck_assert(o.dry_run);
	ck_assert(o.delete_images);
	ck_assert_str_eq(o.format, "terraform");
	ck_assert(o.refresh_prices);
	ck_assert(o.no_color);
	ck_assert_ptr_null(o.command);
	ck_assert_int_eq(o.nargs, 0);
	ew_options_free(&o);
	ck_assert_ptr_null(o.region);
	free_argv(argv);
}
END_TEST

/* Options before and after the subcommand mean the same; "--" ends them. */
START_TEST(test_options_after_command)
{
	char *argv[MAXARGS];
	int argc = make_argv("--region us-east-2 status extra --output json --dry-run -- --yes", argv);
	struct ew_options o;
	char err[256];

	ck_assert_int_eq(ew_options_parse(argc, argv, &o, err, sizeof(err)), 0);
	ck_assert_str_eq(o.region, "us-east-2");
	ck_assert_str_eq(o.command, "status");
	ck_assert(o.output_json);
	ck_assert(o.dry_run);
	ck_assert(!o.yes);
	ck_assert_int_eq(o.nargs, 2);
	ck_assert_str_eq(o.args[0], "extra");
	ck_assert_str_eq(o.args[1], "--yes");
	ew_options_free(&o);
	free_argv(argv);
}
END_TEST

START_TEST(test_last_value_wins)
{
	char *argv[MAXARGS];
	int argc = make_argv("--region a-1 --region b-2 --output json --output text", argv);
	struct ew_options o;
	char err[256];

	ck_assert_int_eq(ew_options_parse(argc, argv, &o, err, sizeof(err)), 0);
	ck_assert_str_eq(o.region, "b-2");
	ck_assert(!o.output_json);
	ew_options_free(&o);
	free_argv(argv);
}
END_TEST

static const struct {
	const char *text;
	const char *host1;
	int port1;
	const char *host2;
	int port2;
} good_connect_to[] = {
	{ "ec2.us-east-1.amazonaws.com:443:127.0.0.1:5000",
	  "ec2.us-east-1.amazonaws.com", 443, "127.0.0.1", 5000 },
	{ "::127.0.0.1:5000", "", 0, "127.0.0.1", 5000 },
	{ "10.0.1.5:22:localhost:2222", "10.0.1.5", 22, "localhost", 2222 },
	{ "[2001:db8::1]:22:[::1]:2222", "2001:db8::1", 22, "::1", 2222 },
	{ "example.com::127.0.0.1:", "example.com", 0, "127.0.0.1", 0 },
};

START_TEST(test_connect_to_repeatable)
{
	char *argv[MAXARGS];
	char line[512] = "";
	struct ew_options o;
	char err[256];
	size_t i, n = sizeof(good_connect_to) / sizeof(good_connect_to[0]);
	int argc;

	for (i = 0; i < n; i++) {
		strcat(line, " --connect-to ");
		strcat(line, good_connect_to[i].text);
	}
	argc = make_argv(line, argv);
	ck_assert_int_eq(ew_options_parse(argc, argv, &o, err, sizeof(err)), 0);
	ck_assert_int_eq(o.connect_to_count, (int)n);
	for (i = 0; i < n; i++) {
		ck_assert_str_eq(o.connect_to[i].host1, good_connect_to[i].host1);
		ck_assert_int_eq(o.connect_to[i].port1, good_connect_to[i].port1);
		ck_assert_str_eq(o.connect_to[i].host2, good_connect_to[i].host2);
		ck_assert_int_eq(o.connect_to[i].port2, good_connect_to[i].port2);
	}
	ew_options_free(&o);
	free_argv(argv);
}
END_TEST

START_TEST(test_xdg_defaults)
{
	char *argv[MAXARGS];
	int argc = make_argv("", argv);
	struct ew_options o;
	char err[256];

	setenv("HOME", "/home/someone", 1);
	setenv("XDG_STATE_HOME", "/xdg/state", 1);
	setenv("XDG_CONFIG_HOME", "relative/is/ignored", 1);
	unsetenv("NO_COLOR");
	ck_assert_int_eq(ew_options_parse(argc, argv, &o, err, sizeof(err)), 0);
	ck_assert_str_eq(o.state_dir, "/xdg/state/ecs-wizard");
	ck_assert_str_eq(o.config_dir, "/home/someone/.config/ecs-wizard");
	ck_assert(!o.no_color);
	ew_options_free(&o);

	unsetenv("XDG_STATE_HOME");
	setenv("XDG_CONFIG_HOME", "/xdg/config", 1);
	setenv("NO_COLOR", "1", 1);
	ck_assert_int_eq(ew_options_parse(argc, argv, &o, err, sizeof(err)), 0);
	ck_assert_str_eq(o.state_dir, "/home/someone/.local/state/ecs-wizard");
	ck_assert_str_eq(o.config_dir, "/xdg/config/ecs-wizard");
	ck_assert(o.no_color);
	ew_options_free(&o);
	unsetenv("NO_COLOR");
	free_argv(argv);
}
END_TEST

/* cli_main's exit codes for what needs no AWS: help, version, usage. */
static const struct {
	const char *line;
	int status;
} exit_codes[] = {
	{ "--help", EXIT_OK },
	{ "-h", EXIT_OK },
	{ "--version", EXIT_OK },
	{ "nosuchcommand --help", EXIT_OK },
	{ "--bogus", EXIT_BAD_INPUT },
	{ "nosuchcommand", EXIT_BAD_INPUT },
	{ "--output xml", EXIT_BAD_INPUT },
};

START_TEST(test_exit_codes)
{
	char *argv[MAXARGS];
	int argc = make_argv(exit_codes[_i].line, argv);

	ck_assert_int_eq(cli_main(argc, argv, NULL), exit_codes[_i].status);
	free_argv(argv);
}
END_TEST

/* Every command in the table has what --help and the dispatcher need. */
START_TEST(test_table_complete)
{
	size_t i;

	for (i = 0; cli_commands[i]; i++) {
		ck_assert_ptr_nonnull(cli_commands[i]->name);
		ck_assert_ptr_nonnull(cli_commands[i]->usage);
		ck_assert_ptr_nonnull(cli_commands[i]->summary);
		ck_assert_ptr_nonnull(cli_commands[i]->exec);
		ck_assert_ptr_eq(cli_find_command(cli_commands[i]->name),
				 cli_commands[i]);
	}
	ck_assert_ptr_null(cli_find_command("nosuchcommand"));
}
END_TEST

START_TEST(test_finds_preflight)
{
	char *argv[MAXARGS];
	int argc = make_argv("--output json preflight --region eu-west-1", argv);
	struct ew_options o;
	const struct cli_command *cmd = NULL;
	char err[256];

	ck_assert_int_eq(cli_parse(argc, argv, &o, &cmd, err, sizeof(err)), EXIT_OK);
	ck_assert_ptr_eq(cmd, &cmd_preflight);
	ck_assert_str_eq(o.region, "eu-west-1");
	ck_assert(o.output_json);
	ew_options_free(&o);
	free_argv(argv);
}
END_TEST

/* The --log file: created 0600, refused when others could read it, when
 * it is a symlink, or a directory. */
START_TEST(test_log_file)
{
	char dir[] = "/tmp/check_cli.XXXXXX";
	char path[128], link[128];
	struct aws_error err;
	struct stat st;
	FILE *f = NULL;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/calls.log", dir);
	snprintf(link, sizeof(link), "%s/link.log", dir);
	ck_assert_int_eq(context_open_log(path, &f, &err), 0);
	fclose(f);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	/* Appending to our own 0600 file is fine. */
	ck_assert_int_eq(context_open_log(path, &f, &err), 0);
	fclose(f);
	ck_assert_int_eq(chmod(path, 0640), 0);
	ck_assert_int_eq(context_open_log(path, &f, &err), -1);
	ck_assert_ptr_null(f);
	ck_assert_int_eq(err.kind, AWS_ERR_CONFIG);
	ck_assert_str_eq(err.where, path);
	ck_assert_int_eq(chmod(path, 0600), 0);
	ck_assert_int_eq(symlink(path, link), 0);
	ck_assert_int_eq(context_open_log(link, &f, &err), -1);
	ck_assert_int_eq(context_open_log(dir, &f, &err), -1);
	unlink(link);
	unlink(path);
	rmdir(dir);
}
END_TEST

START_TEST(test_log_line)
{
	struct aws_call_log e = {
		.service = "sts", .operation = "GetCallerIdentity", .attempt = 2,
		.http_status = 403, .request_id = "abc-123",
		.error_code = "Signature Does\nNotMatch", .seconds = 0.25,
		.retry_in = 0,
	};
	char line[512];

	context_format_log_line(&e, 0, line, sizeof(line));
	ck_assert_str_eq(line, "1970-01-01T00:00:00Z sts GetCallerIdentity attempt=2 "
			 "status=403 request_id=abc-123 error=Signature_Does_NotMatch "
			 "seconds=0.250 retry_in=0.000");
	e.request_id = "";
	e.error_code = "";
	context_format_log_line(&e, 0, line, sizeof(line));
	ck_assert_ptr_nonnull(strstr(line, "request_id=- error=-"));
}
END_TEST

static Suite *cli_suite(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("parse");

	tcase_add_loop_test(tc, test_bad_lines, 0,
			    sizeof(bad_lines) / sizeof(bad_lines[0]));
	tcase_add_test(tc, test_every_option);
	tcase_add_test(tc, test_options_after_command);
	tcase_add_test(tc, test_last_value_wins);
	tcase_add_test(tc, test_connect_to_repeatable);
	tcase_add_test(tc, test_xdg_defaults);
	tcase_add_loop_test(tc, test_exit_codes, 0,
			    sizeof(exit_codes) / sizeof(exit_codes[0]));
	tcase_add_test(tc, test_table_complete);
	tcase_add_test(tc, test_finds_preflight);
	tcase_add_test(tc, test_log_file);
	tcase_add_test(tc, test_log_line);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(cli_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
