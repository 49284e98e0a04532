/* check_creds.c - the credentials chain, the AWS files and the region.
 *
 * Every test runs with a fresh temporary HOME holding .aws/credentials and
 * .aws/config as the test writes them, with every AWS_* variable the chain
 * reads unset, and with instance metadata disabled unless the test starts
 * the little IMDSv2 server below (a thread on 127.0.0.1). */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <ftw.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "aws/creds.h"
#include "aws/creds_internal.h"
#include "aws/imds.h"
#include "aws/ini.h"

static char tmpdir[256];
static char path_cred[512], path_conf[512];

static const char *const aws_vars[] = {
	"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
	"AWS_SECURITY_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
	"AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE", "AWS_REGION",
	"AWS_DEFAULT_REGION", "AWS_EC2_METADATA_SERVICE_ENDPOINT",
	"AWS_EC2_METADATA_DISABLED", "AWS_ENDPOINT_URL", NULL,
};

static void write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
}

static void setup(void)
{
	char aws[300];

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check_creds.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	for (int i = 0; aws_vars[i]; i++)
		unsetenv(aws_vars[i]);
	setenv("HOME", tmpdir, 1);
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	snprintf(aws, sizeof(aws), "%s/.aws", tmpdir);
	ck_assert_int_eq(mkdir(aws, 0700), 0);
	snprintf(path_cred, sizeof(path_cred), "%s/credentials", aws);
	snprintf(path_conf, sizeof(path_conf), "%s/config", aws);
}

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	return remove(p);
}

static void teardown(void)
{
	if (!getenv("KEEP_TMP"))
		nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	for (int i = 0; aws_vars[i]; i++)
		unsetenv(aws_vars[i]);
}

/* Resolve with options; returns the creds or NULL, err filled. */
static struct aws_creds *resolve(const char *profile, struct aws_error *err)
{
	struct aws_creds_options opt;
	struct aws_creds *c = NULL;

	memset(&opt, 0, sizeof(opt));
	opt.profile = profile;
	opt.no_imds = 1;
	aws_error_clear(err);
	if (aws_creds_resolve(&opt, &c, err) < 0) {
		ck_assert_ptr_null(c);
		ck_assert_int_ne(err->kind, AWS_ERR_NONE);
		return NULL;
	}
	ck_assert_ptr_nonnull(c);
	return c;
}

/* ---- environment --------------------------------------------------- */

START_TEST(test_env)
{
	struct aws_error err;
	struct aws_creds *c;

	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "secretenv", 1);
	setenv("AWS_SESSION_TOKEN", "tokenenv", 1);
	c = resolve(NULL, &err);
	ck_assert_ptr_nonnull(c);
	ck_assert_str_eq(c->access_key_id, "AKIDENV");
	ck_assert_str_eq(c->secret_access_key, "secretenv");
	ck_assert_str_eq(c->session_token, "tokenenv");
	ck_assert_str_eq(c->source, "environment");
	aws_creds_free(c);
}
END_TEST

START_TEST(test_env_partial)
{
	struct aws_error err;

	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	ck_assert_ptr_null(resolve(NULL, &err));
	ck_assert_int_eq(err.kind, AWS_ERR_CREDENTIALS);
	ck_assert_ptr_nonnull(strstr(err.message, "AWS_SECRET_ACCESS_KEY"));
	unsetenv("AWS_ACCESS_KEY_ID");
	setenv("AWS_SECRET_ACCESS_KEY", "secretenv", 1);
	ck_assert_ptr_null(resolve(NULL, &err));
	ck_assert_int_eq(err.kind, AWS_ERR_CREDENTIALS);
	ck_assert_ptr_nonnull(strstr(err.message, "AWS_ACCESS_KEY_ID is not"));
}
END_TEST

/* ---- files --------------------------------------------------------- */

START_TEST(test_credentials_file)
{
	struct aws_error err;
	struct aws_creds *c;

	write_file(path_cred,
		   "# a comment\n[default]\naws_access_key_id = AKIDDEF\n"
		   "aws_secret_access_key=secretdef\n\n; another\n[dev]\n"
		   "AWS_ACCESS_KEY_ID = AKIDDEV \naws_secret_access_key = secret dev\n"
		   "aws_session_token = tokdev\n", 0600);
	c = resolve(NULL, &err);
	ck_assert_ptr_nonnull(c);
	ck_assert_str_eq(c->access_key_id, "AKIDDEF");
	ck_assert_str_eq(c->secret_access_key, "secretdef");
	ck_assert_ptr_null(c->session_token);
	ck_assert_str_eq(c->source, "profile default (credentials file)");
	aws_creds_free(c);

	setenv("AWS_PROFILE", "dev", 1);
	c = resolve(NULL, &err);
	ck_assert_ptr_nonnull(c);
	ck_assert_str_eq(c->access_key_id, "AKIDDEV");
	ck_assert_str_eq(c->secret_access_key, "secret dev");
	ck_assert_str_eq(c->session_token, "tokdev");
	ck_assert_str_eq(c->source, "profile dev (credentials file)");
	aws_creds_free(c);
}
END_TEST

START_TEST(test_config_file)
{
	struct aws_error err;
	struct aws_creds *c;

	write_file(path_conf,
		   "[default]\nregion = eu-west-1\naws_access_key_id = AKIDCONFDEF\n"
		   "aws_secret_access_key = s1\n[profile  work]\n"
		   "aws_access_key_id = AKIDWORK\naws_secret_access_key = s2\n", 0600);
	c = resolve(NULL, &err);
	ck_assert_ptr_nonnull(c);
	ck_assert_str_eq(c->access_key_id, "AKIDCONFDEF");
	ck_assert_str_eq(c->source, "profile default (config file)");
	aws_creds_free(c);
	c = resolve("work", &err);
	ck_assert_ptr_nonnull(c);
	ck_assert_str_eq(c->access_key_id, "AKIDWORK");
	ck_assert_str_eq(c->source, "profile work (config file)");
	aws_creds_free(c);
}
END_TEST

/* Files named by the variables are read instead of ~/.aws. */
START_TEST(test_file_env_vars)
{
	struct aws_error err;
	struct aws_creds *c;
	char other[600];

	snprintf(other, sizeof(other), "%s/elsewhere", tmpdir);
	write_file(path_cred, "[default]\naws_access_key_id=A1\naws_secret_access_key=S1\n", 0600);
	write_file(other, "[default]\naws_access_key_id=A2\naws_secret_access_key=S2\n", 0600);
	setenv("AWS_SHARED_CREDENTIALS_FILE", other, 1);
	c = resolve(NULL, &err);
	ck_assert_ptr_nonnull(c);
	ck_assert_str_eq(c->access_key_id, "A2");
	aws_creds_free(c);

	/* A file named explicitly must exist. */
	snprintf(other, sizeof(other), "%s/missing", tmpdir);
	setenv("AWS_SHARED_CREDENTIALS_FILE", other, 1);
	ck_assert_ptr_null(resolve(NULL, &err));
	ck_assert_int_eq(err.kind, AWS_ERR_CONFIG);
	ck_assert_ptr_nonnull(strstr(err.message, "missing"));
}
END_TEST

START_TEST(test_unreadable_file)
{
	struct aws_error err;

	/* A directory where the file should be cannot be read as one. */
	ck_assert_int_eq(mkdir(path_cred, 0700), 0);
	ck_assert_ptr_null(resolve(NULL, &err));
	ck_assert_int_eq(err.kind, AWS_ERR_CONFIG);
	ck_assert_ptr_nonnull(strstr(err.message, path_cred));
}
END_TEST

START_TEST(test_precedence)
{
	struct aws_error err;
	struct aws_creds *c;

	write_file(path_cred, "[default]\naws_access_key_id=FROMCRED\naws_secret_access_key=x\n"
			      "[p]\naws_access_key_id=PCRED\naws_secret_access_key=x\n", 0600);
	write_file(path_conf, "[default]\naws_access_key_id=FROMCONF\naws_secret_access_key=x\n"
			      "[profile p]\naws_access_key_id=PCONF\naws_secret_access_key=x\n"
			      "[profile q]\naws_access_key_id=QCONF\naws_secret_access_key=x\n", 0600);
	setenv("AWS_ACCESS_KEY_ID", "FROMENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "x", 1);

	/* environment beats the files ... */
	c = resolve(NULL, &err);
	ck_assert_str_eq(c->access_key_id, "FROMENV");
	aws_creds_free(c);
	/* ... also with AWS_PROFILE (as botocore) ... */
	setenv("AWS_PROFILE", "q", 1);
	c = resolve(NULL, &err);
	ck_assert_str_eq(c->access_key_id, "FROMENV");
	aws_creds_free(c);
	/* ... but not an explicit --profile. */
	c = resolve("p", &err);
	ck_assert_str_eq(c->access_key_id, "PCRED");
	aws_creds_free(c);
	c = resolve("q", &err);
	ck_assert_str_eq(c->access_key_id, "QCONF");
	aws_creds_free(c);
	/* The credentials file beats the config file for one profile. */
	unsetenv("AWS_ACCESS_KEY_ID");
	unsetenv("AWS_SECRET_ACCESS_KEY");
	unsetenv("AWS_PROFILE");
	c = resolve(NULL, &err);
	ck_assert_str_eq(c->access_key_id, "FROMCRED");
	aws_creds_free(c);
}
END_TEST

START_TEST(test_partial_keys_in_file)
{
	struct aws_error err;
	char where[600];

	write_file(path_cred, "[default]\n\naws_access_key_id = AKID\n", 0600);
	ck_assert_ptr_null(resolve(NULL, &err));
	ck_assert_int_eq(err.kind, AWS_ERR_CONFIG);
	snprintf(where, sizeof(where), "%s:3", path_cred);
	ck_assert_str_eq(err.where, where);
	ck_assert_ptr_nonnull(strstr(err.message, "aws_secret_access_key"));
}
END_TEST

/* Malformed lines are refused with file:line. */
static const struct {
	const char *text;
	int line;
	const char *says;
} malformed[] = {
	{ "[default]\nregion = x\nthis is not a setting\n", 3, "key = value" },
	{ "region = x\n[default]\n", 1, "before any" },
	{ "[default]\nregion = a\n\n# c\nregion = b\n", 5, "twice" },
	{ "[default\nregion = a\n", 1, "section" },
	{ "[default]\n[profile x]\n[default]\n", 3, "twice" },
	{ "[]\n", 1, "empty section" },
	{ "[default]\n = value\n", 2, "without a name" },
	{ "[default] trailing\n", 1, "section" },
};

START_TEST(test_malformed)
{
	struct aws_error err;
	char where[600];

	write_file(path_conf, malformed[_i].text, 0600);
	ck_assert_ptr_null(resolve(NULL, &err));
	ck_assert_int_eq(err.kind, AWS_ERR_CONFIG);
	snprintf(where, sizeof(where), "%s:%d", path_conf, malformed[_i].line);
	ck_assert_str_eq(err.where, where);
	ck_assert_msg(strstr(err.message, malformed[_i].says), "message: %s",
		      err.message);
}
END_TEST

/* Nested sub-sections are continuation lines of their key, never keys. */
START_TEST(test_nested_subsection)
{
	struct ini_file *f = NULL;
	struct aws_error err;
	static const char text[] =
		"[profile dev]\ns3 =\n  max_concurrent_requests = 20\n"
		"  addressing_style = path\nregion = eu-north-1\n"
		"[default] # comment\nregion=us-west-2\n";

	aws_error_clear(&err);
	ck_assert_int_eq(ini_parse(text, strlen(text), "cfg", &f, &err), 0);
	ck_assert_str_eq(ini_get(f, "profile dev", "region"), "eu-north-1");
	ck_assert_ptr_null(ini_get(f, "profile dev", "max_concurrent_requests"));
	ck_assert_str_eq(ini_get(f, "profile dev", "s3"),
			 "\nmax_concurrent_requests = 20\naddressing_style = path");
	ck_assert_str_eq(ini_get(f, "default", "region"), "us-west-2");
	ck_assert_int_eq(ini_find(f, "default", "region")->line, 7);
	ini_free(f);
}
END_TEST

START_TEST(test_unknown_profile)
{
	struct aws_error err;

	write_file(path_cred, "[default]\naws_access_key_id=A\naws_secret_access_key=S\n", 0600);
	ck_assert_ptr_null(resolve("nope", &err));
	ck_assert_int_eq(err.kind, AWS_ERR_CONFIG);
	ck_assert_str_eq(err.code, "ProfileNotFound");
	ck_assert_ptr_nonnull(strstr(err.message, "\"nope\""));
	ck_assert_ptr_nonnull(strstr(err.message, path_cred));
	ck_assert_ptr_nonnull(strstr(err.message, path_conf));
	setenv("AWS_PROFILE", "alsonope", 1);
	ck_assert_ptr_null(resolve(NULL, &err));
	ck_assert_ptr_nonnull(strstr(err.message, "\"alsonope\""));
}
END_TEST

START_TEST(test_nothing_found)
{
	struct aws_error err;

	ck_assert_ptr_null(resolve(NULL, &err));
	ck_assert_int_eq(err.kind, AWS_ERR_CREDENTIALS);
	ck_assert_str_eq(err.code, "NoCredentials");
}
END_TEST

/* ---- credential_process -------------------------------------------- */

static void write_script(const char *name, const char *body, char *path, size_t n)
{
	snprintf(path, n, "%s/%s", tmpdir, name);
	write_file(path, body, 0700);
}

START_TEST(test_process_ok)
{
	struct aws_error err;
	struct aws_creds *c;
	char script[600], conf[2000], marker[600];

	/* The first argument becomes the key id, so the test sees how the
	 * command line was split; no shell runs, so "; touch" is an argument. */
	write_script("cp.sh",
		     "#!/bin/sh\nprintf '{\"Version\": 1, \"AccessKeyId\": \"%s\", "
		     "\"SecretAccessKey\": \"procsecret\", \"SessionToken\": \"proctok\", "
		     "\"Expiration\": \"2030-01-02T03:04:05Z\", \"Extra\": \"%s\"}' \"$1\" \"$2\"\n",
		     script, sizeof(script));
	snprintf(marker, sizeof(marker), "%s/marker", tmpdir);
	snprintf(conf, sizeof(conf),
		 "[profile proc]\ncredential_process = \"%s\" 'ID with  space' ; touch %s\n",
		 script, marker);
	write_file(path_conf, conf, 0600);
	c = resolve("proc", &err);
	ck_assert_msg(c != NULL, "%s", err.message);
	ck_assert_str_eq(c->access_key_id, "ID with  space");
	ck_assert_str_eq(c->secret_access_key, "procsecret");
	ck_assert_str_eq(c->session_token, "proctok");
	ck_assert_int_eq((long long)c->expiration, 1893553445LL);
	ck_assert_str_eq(c->source, "credential_process (profile proc)");
	ck_assert_int_ne(access(marker, F_OK), 0);
	aws_creds_free(c);
}
END_TEST

START_TEST(test_process_fails)
{
	struct aws_error err;
	char script[600], conf[1000];

	write_script("fail.sh", "#!/bin/sh\necho 'token expired, run login' >&2\nexit 1\n",
		     script, sizeof(script));
	snprintf(conf, sizeof(conf), "[default]\ncredential_process = %s\n", script);
	write_file(path_conf, conf, 0600);
	ck_assert_ptr_null(resolve(NULL, &err));
	ck_assert_int_eq(err.kind, AWS_ERR_CREDENTIALS);
	ck_assert_str_eq(err.code, "CredentialProcessFailed");
	ck_assert_ptr_nonnull(strstr(err.message, "status 1"));
	ck_assert_ptr_nonnull(strstr(err.message, "token expired, run login"));
}
END_TEST

static const char *const bad_outputs[] = {
	"echo 'this is not json'",
	"echo '{\"Version\": 2, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"S\"}'",
	"echo '{\"Version\": 1, \"AccessKeyId\": \"A\"}'",
	"echo '{\"Version\": 1, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"S\", \"Expiration\": \"soon\"}'",
	"echo '[1, 2]'",
};

START_TEST(test_process_garbage)
{
	struct aws_error err;
	char script[600], conf[1000], body[600];

	snprintf(body, sizeof(body), "#!/bin/sh\n%s\n", bad_outputs[_i]);
	write_script("bad.sh", body, script, sizeof(script));
	snprintf(conf, sizeof(conf), "[default]\ncredential_process = %s\n", script);
	write_file(path_conf, conf, 0600);
	ck_assert_ptr_null(resolve(NULL, &err));
	ck_assert_int_eq(err.kind, AWS_ERR_CREDENTIALS);
	ck_assert_str_eq(err.code, "CredentialProcessOutput");
	ck_assert_ptr_nonnull(strstr(err.message, "profile default"));
}
END_TEST

START_TEST(test_process_not_found)
{
	struct aws_error err;

	write_file(path_conf, "[default]\ncredential_process = /nonexistent/helper --x\n", 0600);
	ck_assert_ptr_null(resolve(NULL, &err));
	ck_assert_int_eq(err.kind, AWS_ERR_CREDENTIALS);
	ck_assert_ptr_nonnull(strstr(err.message, "/nonexistent/helper"));
}
END_TEST

static const struct {
	const char *cmd;
	int argc;
	const char *argv[6];
} splits[] = {
	{ "a b  c", 3, { "a", "b", "c" } },
	{ "'a b' \"c \\\" d\" e\\ f", 3, { "a b", "c \" d", "e f" } },
	{ "x'y'\"z\" ''", 2, { "xyz", "" } },
	{ "\"a\\nb\" 'c\\d'", 2, { "a\\nb", "c\\d" } },
	{ "cmd ; rm -rf /", 5, { "cmd", ";", "rm", "-rf", "/" } },
};

START_TEST(test_shell_split)
{
	char **argv = NULL;
	struct aws_error err;
	int n = 0;

	aws_error_clear(&err);
	ck_assert_int_eq(creds_shell_split(splits[_i].cmd, &argv, &err), 0);
	for (; argv[n]; n++) {
		ck_assert_int_lt(n, splits[_i].argc);
		ck_assert_str_eq(argv[n], splits[_i].argv[n]);
	}
	ck_assert_int_eq(n, splits[_i].argc);
	creds_argv_free(argv);
}
END_TEST

START_TEST(test_shell_split_errors)
{
	char **argv = NULL;
	struct aws_error err;

	ck_assert_int_eq(creds_shell_split("a 'b", &argv, &err), -1);
	ck_assert_ptr_null(argv);
	ck_assert_int_eq(creds_shell_split("a \"b", &argv, &err), -1);
	ck_assert_int_eq(creds_shell_split("a\\", &argv, &err), -1);
	ck_assert_int_eq(creds_shell_split("   ", &argv, &err), -1);
}
END_TEST

START_TEST(test_parse_time)
{
	ck_assert_int_eq((long long)creds_parse_time("2030-01-02T03:04:05Z"), 1893553445LL);
	ck_assert_int_eq((long long)creds_parse_time("2030-01-02T03:04:05.123Z"), 1893553445LL);
	ck_assert_int_eq((long long)creds_parse_time("2030-01-02T05:04:05+02:00"), 1893553445LL);
	ck_assert_int_eq((long long)creds_parse_time("2030-01-02"), -1);
	ck_assert_int_eq((long long)creds_parse_time("2030-01-02T03:04:05Zjunk"), -1);
}
END_TEST

/* ---- role profiles (no network: these fail before any call) --------- */

START_TEST(test_role_needs_source)
{
	struct aws_error err;

	write_file(path_conf, "[profile r]\nregion = eu-west-1\nrole_arn = arn:aws:iam::1:role/x\n", 0600);
	ck_assert_ptr_null(resolve("r", &err));
	ck_assert_int_eq(err.kind, AWS_ERR_CONFIG);
	ck_assert_ptr_nonnull(strstr(err.message, "source_profile"));
	ck_assert_ptr_nonnull(strstr(err.where, ":3"));
}
END_TEST

START_TEST(test_role_loop)
{
	struct aws_error err;

	write_file(path_conf, "[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = b\n"
			      "[profile b]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = a\n",
		   0600);
	ck_assert_ptr_null(resolve("a", &err));
	ck_assert_int_eq(err.kind, AWS_ERR_CONFIG);
	ck_assert_str_eq(err.code, "InfiniteLoopConfig");
}
END_TEST

START_TEST(test_role_missing_source)
{
	struct aws_error err;

	write_file(path_conf, "[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = ghost\n", 0600);
	ck_assert_ptr_null(resolve("a", &err));
	ck_assert_int_eq(err.kind, AWS_ERR_CONFIG);
	ck_assert_ptr_nonnull(strstr(err.message, "\"ghost\""));
}
END_TEST

START_TEST(test_role_mfa_without_token)
{
	struct aws_error err;

	write_file(path_cred, "[base]\naws_access_key_id=A\naws_secret_access_key=S\n", 0600);
	write_file(path_conf, "[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = base\n"
			      "mfa_serial = arn:aws:iam::1:mfa/me\n", 0600);
	ck_assert_ptr_null(resolve("a", &err));
	ck_assert_int_eq(err.kind, AWS_ERR_CREDENTIALS);
	ck_assert_str_eq(err.code, "MfaTokenRequired");
	ck_assert_ptr_nonnull(strstr(err.message, "arn:aws:iam::1:mfa/me"));
}
END_TEST

START_TEST(test_role_bad_duration)
{
	struct aws_error err;

	write_file(path_cred, "[base]\naws_access_key_id=A\naws_secret_access_key=S\n", 0600);
	write_file(path_conf, "[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = base\n"
			      "duration_seconds = 12h\n", 0600);
	ck_assert_ptr_null(resolve("a", &err));
	ck_assert_int_eq(err.kind, AWS_ERR_CONFIG);
	ck_assert_ptr_nonnull(strstr(err.message, "12h"));
}
END_TEST

/* ---- region -------------------------------------------------------- */

START_TEST(test_region_order)
{
	struct aws_error err;
	char *r;

	aws_error_clear(&err);
	write_file(path_conf, "[default]\nregion = eu-central-1\n[profile x]\nregion = ap-south-1\n", 0600);
	r = aws_region_resolve(NULL, NULL, &err);
	ck_assert_str_eq(r, "eu-central-1");
	free(r);
	r = aws_region_resolve(NULL, "x", &err);
	ck_assert_str_eq(r, "ap-south-1");
	free(r);
	setenv("AWS_PROFILE", "x", 1);
	r = aws_region_resolve(NULL, NULL, &err);
	ck_assert_str_eq(r, "ap-south-1");
	free(r);
	setenv("AWS_DEFAULT_REGION", "us-west-1", 1);
	r = aws_region_resolve(NULL, "x", &err);
	ck_assert_str_eq(r, "us-west-1");
	free(r);
	setenv("AWS_REGION", "us-east-2", 1);
	r = aws_region_resolve(NULL, "x", &err);
	ck_assert_str_eq(r, "us-east-2");
	free(r);
	r = aws_region_resolve("sa-east-1", "x", &err);
	ck_assert_str_eq(r, "sa-east-1");
	free(r);
}
END_TEST

START_TEST(test_region_none)
{
	struct aws_error err;

	aws_error_clear(&err);
	write_file(path_conf, "[profile other]\nregion = eu-west-3\n", 0600);
	ck_assert_ptr_null(aws_region_resolve(NULL, NULL, &err));
	ck_assert_int_eq(err.kind, AWS_ERR_CONFIG);
	ck_assert_ptr_nonnull(strstr(err.message, "\"default\""));
	write_file(path_conf, "[default]\nregion eu-west-3\n", 0600);
	ck_assert_ptr_null(aws_region_resolve(NULL, NULL, &err));
	ck_assert_int_eq(err.kind, AWS_ERR_CONFIG);
	ck_assert_ptr_nonnull(strstr(err.where, "config:2"));
}
END_TEST

/* ---- instance metadata: a small IMDSv2 server ------------------------ */

struct imds_stub {
	int fd;
	int port;
	pthread_t thread;
	volatile int stop;
	int token_puts_with_ttl; /* PUT /latest/api/token with the TTL header */
	int gets_with_token;     /* GETs carrying the session token */
	int gets_without_token;
	int role_attached;
};

static void stub_reply(int c, int status, const char *body)
{
	char head[256];
	int n = snprintf(head, sizeof(head),
			 "HTTP/1.1 %d X\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n",
			 status, strlen(body));

	if (write(c, head, (size_t)n) < 0 || write(c, body, strlen(body)) < 0)
		return;
}

static void stub_handle(struct imds_stub *s, int c)
{
	char req[4096];
	size_t len = 0;
	int has_token, has_ttl;

	while (len < sizeof(req) - 1) {
		ssize_t n = read(c, req + len, sizeof(req) - 1 - len);

		if (n <= 0)
			break;
		len += (size_t)n;
		req[len] = '\0';
		if (strstr(req, "\r\n\r\n"))
			break;
	}
	req[len] = '\0';
	has_token = strcasestr(req, "\r\nX-aws-ec2-metadata-token: STUBTOKEN\r\n") != NULL;
	has_ttl = strcasestr(req, "\r\nX-aws-ec2-metadata-token-ttl-seconds: ") != NULL;
	if (strncmp(req, "PUT /latest/api/token ", 22) == 0) {
		s->token_puts_with_ttl += has_ttl;
		stub_reply(c, has_ttl ? 200 : 400, has_ttl ? "STUBTOKEN" : "");
		return;
	}
	if (strncmp(req, "GET ", 4) == 0) {
		s->gets_with_token += has_token;
		s->gets_without_token += !has_token;
	}
	if (!has_token) {
		stub_reply(c, 401, "");
	} else if (strncmp(req, "GET /latest/meta-data/iam/security-credentials/ ", 48) == 0) {
		if (s->role_attached)
			stub_reply(c, 200, "stub-role\n");
		else
			stub_reply(c, 404, "");
	} else if (strncmp(req, "GET /latest/meta-data/iam/security-credentials/stub-role ", 57) == 0) {
		stub_reply(c, 200, "{\"Code\": \"Success\", \"Type\": \"AWS-HMAC\", "
				   "\"AccessKeyId\": \"ASIAIMDS\", \"SecretAccessKey\": \"imdssecret\", "
				   "\"Token\": \"imdstoken\", \"Expiration\": \"2030-01-02T03:04:05Z\"}");
	} else {
		stub_reply(c, 404, "");
	}
}

static void *stub_main(void *arg)
{
	struct imds_stub *s = arg;

	while (!s->stop) {
		struct pollfd pf = { s->fd, POLLIN, 0 };
		int c;

		if (poll(&pf, 1, 50) <= 0)
			continue;
		c = accept(s->fd, NULL, NULL);
		if (c < 0)
			continue;
		stub_handle(s, c);
		close(c);
	}
	return NULL;
}

static void stub_start(struct imds_stub *s, int role_attached)
{
	struct sockaddr_in a;
	socklen_t alen = sizeof(a);
	char ep[64];

	memset(s, 0, sizeof(*s));
	s->role_attached = role_attached;
	s->fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(s->fd, 0);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(s->fd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(listen(s->fd, 8), 0);
	ck_assert_int_eq(getsockname(s->fd, (struct sockaddr *)&a, &alen), 0);
	s->port = ntohs(a.sin_port);
	ck_assert_int_eq(pthread_create(&s->thread, NULL, stub_main, s), 0);
	snprintf(ep, sizeof(ep), "http://127.0.0.1:%d/", s->port);
	setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", ep, 1);
	unsetenv("AWS_EC2_METADATA_DISABLED");
}

static void stub_stop(struct imds_stub *s)
{
	s->stop = 1;
	pthread_join(s->thread, NULL);
	close(s->fd);
}

START_TEST(test_imds)
{
	struct imds_stub s;
	struct aws_creds_options opt;
	struct aws_creds *c = NULL;
	struct aws_error err;

	stub_start(&s, 1);
	memset(&opt, 0, sizeof(opt));
	aws_error_clear(&err);
	ck_assert_int_eq(aws_creds_resolve(&opt, &c, &err), 0);
	stub_stop(&s);
	ck_assert_ptr_nonnull(c);
	ck_assert_str_eq(c->access_key_id, "ASIAIMDS");
	ck_assert_str_eq(c->secret_access_key, "imdssecret");
	ck_assert_str_eq(c->session_token, "imdstoken");
	ck_assert_str_eq(c->source, "instance metadata");
	ck_assert_int_eq((long long)c->expiration, 1893553445LL);
	ck_assert_int_eq(s.token_puts_with_ttl, 1);
	ck_assert_int_eq(s.gets_with_token, 2);
	ck_assert_int_eq(s.gets_without_token, 0);
	aws_creds_free(c);
}
END_TEST

START_TEST(test_imds_no_role)
{
	struct imds_stub s;
	struct aws_creds *c = NULL;
	struct aws_error err;

	stub_start(&s, 0);
	aws_error_clear(&err);
	ck_assert_int_eq(aws_imds_credentials(&c, &err), -1);
	stub_stop(&s);
	ck_assert_ptr_null(c);
	ck_assert_str_eq(err.code, "ImdsNoRole");
	ck_assert_int_eq(s.token_puts_with_ttl, 1);
}
END_TEST

/* no_imds and AWS_EC2_METADATA_DISABLED keep the chain away from it. */
START_TEST(test_imds_skipped)
{
	struct imds_stub s;
	struct aws_creds_options opt;
	struct aws_creds *c = NULL;
	struct aws_error err;

	stub_start(&s, 1);
	memset(&opt, 0, sizeof(opt));
	opt.no_imds = 1;
	ck_assert_int_eq(aws_creds_resolve(&opt, &c, &err), -1);
	ck_assert_str_eq(err.code, "NoCredentials");
	opt.no_imds = 0;
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	ck_assert_int_eq(aws_creds_resolve(&opt, &c, &err), -1);
	ck_assert_str_eq(err.code, "NoCredentials");
	stub_stop(&s);
	ck_assert_int_eq(s.token_puts_with_ttl + s.gets_with_token + s.gets_without_token, 0);
}
END_TEST

/* Nothing listening: the chain ends quickly with NoCredentials. */
START_TEST(test_imds_unreachable)
{
	struct aws_creds_options opt;
	struct aws_creds *c = NULL;
	struct aws_error err;
	struct sockaddr_in a;
	socklen_t alen = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	char ep[64];
	time_t t0;

	/* A port that was free a moment ago and is closed now. */
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	getsockname(fd, (struct sockaddr *)&a, &alen);
	close(fd);
	snprintf(ep, sizeof(ep), "http://127.0.0.1:%d", ntohs(a.sin_port));
	setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", ep, 1);
	unsetenv("AWS_EC2_METADATA_DISABLED");
	memset(&opt, 0, sizeof(opt));
	t0 = time(NULL);
	ck_assert_int_eq(aws_creds_resolve(&opt, &c, &err), -1);
	ck_assert_int_le((long)(time(NULL) - t0), 3);
	ck_assert_str_eq(err.code, "NoCredentials");
	ck_assert_ptr_nonnull(strstr(err.message, "instance metadata"));
}
END_TEST

static Suite *creds_suite(void)
{
	Suite *s = suite_create("creds");
	TCase *tc = tcase_create("chain");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_env);
	tcase_add_test(tc, test_env_partial);
	tcase_add_test(tc, test_credentials_file);
	tcase_add_test(tc, test_config_file);
	tcase_add_test(tc, test_file_env_vars);
	tcase_add_test(tc, test_unreadable_file);
	tcase_add_test(tc, test_precedence);
	tcase_add_test(tc, test_partial_keys_in_file);
	tcase_add_loop_test(tc, test_malformed, 0, sizeof(malformed) / sizeof(malformed[0]));
	tcase_add_test(tc, test_nested_subsection);
	tcase_add_test(tc, test_unknown_profile);
	tcase_add_test(tc, test_nothing_found);
	tcase_add_test(tc, test_process_ok);
	tcase_add_test(tc, test_process_fails);
	tcase_add_loop_test(tc, test_process_garbage, 0,
			    sizeof(bad_outputs) / sizeof(bad_outputs[0]));
	tcase_add_test(tc, test_process_not_found);
	tcase_add_loop_test(tc, test_shell_split, 0, sizeof(splits) / sizeof(splits[0]));
	tcase_add_test(tc, test_shell_split_errors);
	tcase_add_test(tc, test_parse_time);
	tcase_add_test(tc, test_role_needs_source);
	tcase_add_test(tc, test_role_loop);
	tcase_add_test(tc, test_role_missing_source);
	tcase_add_test(tc, test_role_mfa_without_token);
	tcase_add_test(tc, test_role_bad_duration);
	tcase_add_test(tc, test_region_order);
	tcase_add_test(tc, test_region_none);
	tcase_add_test(tc, test_imds);
	tcase_add_test(tc, test_imds_no_role);
	tcase_add_test(tc, test_imds_skipped);
	tcase_add_test(tc, test_imds_unreachable);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(creds_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
