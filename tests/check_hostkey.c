/* check_hostkey.c - host key fingerprints, console output, known_hosts,
 * the trust policy, remote command construction and the license check.
 * Expected fingerprints were printed by `ssh-keygen -lf KEY.pub -E sha256`
 * (OpenSSH 9.2) for the keys below; tests/ssh_integration.py checks fresh
 * keys against ssh-keygen at run time too. */
#include "config.h"

#include <check.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hostkey.h"
#include "license.h"
#include "ssh.h"

struct fixture_key {
	const char *type;
	const char *b64;
	const char *fp;
};

static const struct fixture_key keys[] = {
	{"ssh-ed25519",
	 "AAAAC3NzaC1lZDI1NTE5AAAAIIEsM1DxcGKieJKNiIT2LFQ17CuYbIxsZWCRmz7zA+Fa",
	 "SHA256:VUeqCJGylJRv8tD/73IqcW69unDSLTFby2s8UAqSGYw"},
	{"ecdsa-sha2-nistp256",
	 "AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBLxxigxrrwtf7w5Zy1a3"
	 "itndjbXGPf9F44t4qz120bS0BaSckoEZ4IuqsEsmshxoj0m1wnvuJPdh9qVLs5KNgiU=",
	 "SHA256:Pyb1AS3KeX3YYjr/aaBb8jS4SpRJ4WXgPzWYPF72lOk"},
	{"ssh-rsa",
	 "AAAAB3NzaC1yc2EAAAADAQABAAABAQDrt2XD8eFbG6H1iVAyP6TP894XCbB1T0+C03DQGK39"
	 "sA9DJrPgoQYshJu9aAZUKvXvYw3MISx+bF2l3D++Li9t3uv+mK53TWZ4zeJmKEDxZnxmUNb/"
	 "vand5sReiNbwRuc1pTqGX9ACalDLyi8ebWFyaOELDN2xDRrzvMOWCrG4HfJjZ6iV8J4s3n+Z"
	 "0lxP4faCiSMaG0MGWNLNCp6426+Jvn2QMF3xhpVkt7lGT1RqK0JchgDJJ0S4VFNFoF8p6NRA"
	 "JwMh8KDdTqxL5sqdkkiieZi1FwmjXyis7KfbujVkOx9wfznLecKQa58clHxB4Yq6BqpCwqpa"
	 "/YteJ8aQq1RT",
	 "SHA256:nopdcgQAEMobdzetKQDbfZUsHRs+HKskq+TuEciTQCw"},
};

/* Decode a fixture with OpenSSL directly (not the code under test). */
static unsigned char *decode(const char *b64, size_t *len)
{
	size_t in = strlen(b64), pad = 0;
	unsigned char *out = malloc(in);
	int n;

	ck_assert_ptr_nonnull(out);
	n = EVP_DecodeBlock(out, (const unsigned char *)b64, (int)in);
	ck_assert_int_gt(n, 0);
	while (in && b64[in - 1] == '=') {
		in--;
		pad++;
	}
	*len = (size_t)n - pad;
	return out;
}

static char tmpdir[64];

static void make_tmpdir(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check_hostkey.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void remove_tmpdir(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(test_fingerprint_matches_ssh_keygen)
{
	size_t len;
	unsigned char *blob = decode(keys[_i].b64, &len);
	char fp[HOSTKEY_FP_SIZE], type[64];

	ck_assert_int_eq(hostkey_fingerprint(blob, len, fp), 0);
	ck_assert_str_eq(fp, keys[_i].fp);
	ck_assert(hostkey_fp_valid(fp));
	hostkey_blob_type(blob, len, type, sizeof(type));
	ck_assert_str_eq(type, keys[_i].type);
	free(blob);
}
END_TEST

START_TEST(test_fp_valid)
{
	ck_assert(hostkey_fp_valid("SHA256:VUeqCJGylJRv8tD/73IqcW69unDSLTFby2s8UAqSGYw"));
	ck_assert(!hostkey_fp_valid("SHA256:VUeqCJGylJRv8tD/73IqcW69unDSLTFby2s8UAqSGY"));
	ck_assert(!hostkey_fp_valid("SHA256:VUeqCJGylJRv8tD/73IqcW69unDSLTFby2s8UAqSGYw="));
	ck_assert(!hostkey_fp_valid("MD5:aa:bb"));
	ck_assert(!hostkey_fp_valid("sha256:VUeqCJGylJRv8tD/73IqcW69unDSLTFby2s8UAqSGYw"));
	ck_assert(!hostkey_fp_valid(NULL));
}
END_TEST

/* As Amazon Linux 2023 prints it, with the noise around it. */
static const char console_al2023[] =
	"[    0.000000] Linux version 6.1.0 (mockbuild@amazon.com)\r\n"
	"[   12.345678] cloud-init[1234]: Cloud-init v. 22.2.2 running 'modules:final'\r\n"
	"ec2: 256 SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA outside (ED25519)\r\n"
	"[   13.1] cloud-init[1234]: ec2: \r\n"
	"[   13.2] cloud-init[1234]: ec2: #############################################################\r\n"
	"[   13.3] cloud-init[1234]: ec2: -----BEGIN SSH HOST KEY FINGERPRINTS-----\r\n"
	"[   13.4] cloud-init[1234]: ec2: 256 SHA256:Pyb1AS3KeX3YYjr/aaBb8jS4SpRJ4WXgPzWYPF72lOk root@ip-10-0-0-1.ec2.internal (ECDSA)\r\n"
	"[   13.5] cloud-init[1234]: ec2: 256 SHA256:VUeqCJGylJRv8tD/73IqcW69unDSLTFby2s8UAqSGYw root@ip-10-0-0-1.ec2.internal (ED25519)\r\n"
	"[   13.6] cloud-init[1234]: ec2: 2048 a1:b2:c3:d4:e5:f6:a1:b2:c3:d4:e5:f6:a1:b2:c3:d4 root@old (RSA)\r\n"
	"[   13.7] cloud-init[1234]: ec2: garbage line that is not a fingerprint\r\n"
	"[   13.8] cloud-init[1234]: ec2: -----END SSH HOST KEY FINGERPRINTS-----\r\n"
	"[   13.9] cloud-init[1234]: ec2: #############################################################\r\n"
	"Amazon Linux 2023\r\n";

/* As older images print it: no timestamps, bare "ec2:" lines, and the
 * KEYS block (whose keys we fingerprint ourselves). */
static const char console_plain[] =
	"-----BEGIN SSH HOST KEY FINGERPRINTS-----\n"
	"2048 SHA256:nopdcgQAEMobdzetKQDbfZUsHRs+HKskq+TuEciTQCw root@ip-10-0-0-1 (RSA)\n"
	"-----END SSH HOST KEY FINGERPRINTS-----\n"
	"-----BEGIN SSH HOST KEY KEYS-----\n"
	"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIEsM1DxcGKieJKNiIT2LFQ17CuYbIxsZWCRmz7zA+Fa root@ip-10-0-0-1\n"
	"ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIIEsM1DxcGKieJKNiIT2LFQ17CuYbIxsZWCRmz7zA+Fa type-lies\n"
	"-----END SSH HOST KEY KEYS-----";

START_TEST(test_console_al2023)
{
	struct hostkey_fp_list l;
	struct aws_error err;

	aws_error_clear(&err);
	ck_assert_int_eq(hostkey_parse_console(console_al2023, &l, &err), 0);
	ck_assert_int_eq(l.n, 2);
	ck_assert_str_eq(l.items[0].fp, keys[1].fp);
	ck_assert_str_eq(l.items[0].type, "ECDSA");
	ck_assert_str_eq(l.items[1].fp, keys[0].fp);
	ck_assert_str_eq(l.items[1].type, "ED25519");
	hostkey_fp_list_free(&l);
	ck_assert_int_eq(l.n, 0);
}
END_TEST

START_TEST(test_console_plain_and_keys)
{
	struct hostkey_fp_list l;
	struct aws_error err;

	aws_error_clear(&err);
	ck_assert_int_eq(hostkey_parse_console(console_plain, &l, &err), 0);
	/* The line whose blob is not the type it claims is not a key. */
	ck_assert_int_eq(l.n, 2);
	ck_assert_str_eq(l.items[0].fp, keys[2].fp);
	ck_assert_str_eq(l.items[0].type, "RSA");
	ck_assert_str_eq(l.items[1].fp, keys[0].fp);
	hostkey_fp_list_free(&l);
}
END_TEST

START_TEST(test_console_without_block)
{
	struct hostkey_fp_list l;
	struct aws_error err;

	aws_error_clear(&err);
	ck_assert_int_eq(hostkey_parse_console(
				 "ec2: 256 SHA256:VUeqCJGylJRv8tD/73IqcW69unDSLTFby2s8UAqSGYw x (ED25519)\n"
				 "-----BEGIN SSH HOST KEY FINGERPRINTS-----", &l, &err),
			 0);
	ck_assert_int_eq(l.n, 0);
	ck_assert_int_eq(hostkey_parse_console(NULL, &l, &err), 0);
	ck_assert_int_eq(l.n, 0);
	ck_assert_int_eq(hostkey_parse_console("", &l, &err), 0);
	ck_assert_int_eq(l.n, 0);
	hostkey_fp_list_free(&l);
}
END_TEST

/* Every prefix of the samples, each in a buffer of exactly its size, so
 * ASan and valgrind see any read past the end; the parser never finds
 * more than the whole text holds, nor a fingerprint cut short. */
START_TEST(test_console_every_prefix)
{
	const char *samples[] = {console_al2023, console_plain};
	struct aws_error err;
	size_t i, len;
	int k;

	for (k = 0; k < 2; k++) {
		len = strlen(samples[k]);
		for (i = 0; i <= len; i++) {
			struct hostkey_fp_list l;
			char *copy = malloc(i + 1);
			int j;

			ck_assert_ptr_nonnull(copy);
			memcpy(copy, samples[k], i);
			copy[i] = '\0';
			aws_error_clear(&err);
			ck_assert_int_eq(hostkey_parse_console(copy, &l, &err), 0);
			ck_assert_int_le(l.n, 2);
			for (j = 0; j < l.n; j++)
				ck_assert(hostkey_fp_valid(l.items[j].fp));
			hostkey_fp_list_free(&l);
			free(copy);
		}
	}
}
END_TEST

/* Lines a hand-edited or foreign known_hosts may hold: skipped, not fatal. */
START_TEST(test_known_hosts_foreign_lines)
{
	char path[128];
	unsigned char **blobs = NULL;
	size_t *lens = NULL;
	struct aws_error err;
	FILE *f;
	int n;

	make_tmpdir();
	snprintf(path, sizeof(path), "%s/known_hosts", tmpdir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "# comment h ssh-ed25519 %s\n"
		   "@revoked h ssh-ed25519 %s\n"
		   "|1|abc=|def= ssh-ed25519 %s\n"
		   "h ssh-ed25519 !!!notbase64!!!\n"
		   "h ssh-ed25519\n"
		   "\n   \n"
		   "other,h,third ssh-ed25519 %s\r\n"
		   "h",
		keys[0].b64, keys[0].b64, keys[0].b64, keys[1].b64);
	fclose(f);
	aws_error_clear(&err);
	n = known_hosts_lookup(path, "h", &blobs, &lens, &err);
	ck_assert_int_eq(n, 1); /* only the comma list names h usably */
	hostkey_blobs_free(blobs, lens, n);
	n = known_hosts_lookup(path, "third", &blobs, &lens, &err);
	ck_assert_int_eq(n, 1);
	hostkey_blobs_free(blobs, lens, n);
	n = known_hosts_lookup(path, "oth", &blobs, &lens, &err);
	ck_assert_int_eq(n, 0);
	remove_tmpdir();
}
END_TEST

START_TEST(test_host_name)
{
	char *a = hostkey_host_name("203.0.113.10", 22);
	char *b = hostkey_host_name("203.0.113.10", 2222);

	ck_assert_str_eq(a, "203.0.113.10");
	ck_assert_str_eq(b, "[203.0.113.10]:2222");
	free(a);
	free(b);
}
END_TEST

START_TEST(test_known_hosts_roundtrip)
{
	char path[128];
	unsigned char **blobs = NULL, *k0, *k1;
	size_t *lens = NULL, l0, l1;
	struct aws_error err;
	struct stat st;
	FILE *f;
	char line[1024];
	int n;

	make_tmpdir();
	snprintf(path, sizeof(path), "%s/known_hosts", tmpdir);
	k0 = decode(keys[0].b64, &l0);
	k1 = decode(keys[1].b64, &l1);
	aws_error_clear(&err);
	ck_assert_int_eq(known_hosts_lookup(path, "h", &blobs, &lens, &err), 0);
	ck_assert_int_eq(known_hosts_add(path, "h", k0, l0, &err), 0);
	ck_assert_int_eq(known_hosts_add(path, "[h]:2222", k1, l1, &err), 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0600);

	n = known_hosts_lookup(path, "h", &blobs, &lens, &err);
	ck_assert_int_eq(n, 1);
	ck_assert_uint_eq(lens[0], l0);
	ck_assert_mem_eq(blobs[0], k0, l0);
	hostkey_blobs_free(blobs, lens, n);
	n = known_hosts_lookup(path, "[h]:2222", &blobs, &lens, &err);
	ck_assert_int_eq(n, 1);
	ck_assert_mem_eq(blobs[0], k1, l1);
	hostkey_blobs_free(blobs, lens, n);

	/* OpenSSH's own line format, readable by ssh -o UserKnownHostsFile. */
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
	fclose(f);
	ck_assert_int_eq(strncmp(line, "h ssh-ed25519 ", 14), 0);
	ck_assert_int_eq(strncmp(line + 14, keys[0].b64, strlen(keys[0].b64)), 0);

	/* A name that would forge a second line is refused. */
	ck_assert_int_eq(known_hosts_add(path, "h\nevil", k0, l0, &err), -1);
	ck_assert_str_eq(err.code, "InvalidHostKey");
	free(k0);
	free(k1);
	remove_tmpdir();
}
END_TEST

/* The trust policy, one row per situation. */
struct policy_case {
	const char *name;
	int record_first;     /* key index recorded before, or -1 */
	const char *pinned;
	const char *console;
	int accept_new;
	int shown;            /* key index the server shows */
	int verdict;
	const char *code;     /* on refusal */
	int recorded_after;   /* entries under the name afterwards */
};

static const struct policy_case policy_cases[] = {
	{"nothing vouches", -1, NULL, NULL, 0, 0, HOSTKEY_REFUSED,
	 "HostKeyUnverified", 0},
	{"pinned right", -1, "SHA256:VUeqCJGylJRv8tD/73IqcW69unDSLTFby2s8UAqSGYw",
	 NULL, 0, 0, HOSTKEY_PINNED, NULL, 1},
	{"pinned wrong", -1, "SHA256:Pyb1AS3KeX3YYjr/aaBb8jS4SpRJ4WXgPzWYPF72lOk",
	 NULL, 1, 0, HOSTKEY_REFUSED, "HostKeyMismatch", 0},
	{"console lists it", -1, NULL, console_al2023, 0, 0, HOSTKEY_CONSOLE,
	 NULL, 1},
	{"console lists others", -1, NULL, console_al2023, 1, 2,
	 HOSTKEY_REFUSED, "HostKeyMismatch", 0},
	{"accept new", -1, NULL, NULL, 1, 2, HOSTKEY_ACCEPTED_NEW, NULL, 1},
	{"known", 0, NULL, NULL, 0, 0, HOSTKEY_KNOWN, NULL, 1},
	{"changed", 0, NULL, NULL, 1, 1, HOSTKEY_REFUSED, "HostKeyMismatch", 1},
	{"changed but pinned", 0, "SHA256:Pyb1AS3KeX3YYjr/aaBb8jS4SpRJ4WXgPzWYPF72lOk",
	 NULL, 0, 1, HOSTKEY_REFUSED, "HostKeyMismatch", 1},
};

START_TEST(test_policy)
{
	const struct policy_case *c = &policy_cases[_i];
	struct hostkey_fp_list console = {0};
	struct hostkey_policy p;
	struct aws_error err;
	unsigned char *shown, *first, **blobs;
	size_t len, flen, *lens;
	char path[128];
	int v, n;

	make_tmpdir();
	snprintf(path, sizeof(path), "%s/known_hosts", tmpdir);
	aws_error_clear(&err);
	if (c->record_first >= 0) {
		first = decode(keys[c->record_first].b64, &flen);
		ck_assert_int_eq(known_hosts_add(path, "bastion", first, flen, &err), 0);
		free(first);
	}
	if (c->console)
		ck_assert_int_eq(hostkey_parse_console(c->console, &console, &err), 0);
	memset(&p, 0, sizeof(p));
	p.known_hosts_file = path;
	p.name = "bastion";
	p.pinned_fp = c->pinned;
	p.console = &console;
	p.accept_new = c->accept_new;
	shown = decode(keys[c->shown].b64, &len);
	v = hostkey_verify(&p, shown, len, &err);
	ck_assert_msg(v == c->verdict, "%s: verdict %d, want %d (%s)", c->name,
		      v, c->verdict, err.message);
	if (c->code) {
		ck_assert_str_eq(err.code, c->code);
		ck_assert_int_eq(err.kind, AWS_ERR_NETWORK);
		/* The person must see what we saw... */
		ck_assert_ptr_nonnull(strstr(err.message, keys[c->shown].fp));
		/* ...and, for a mismatch, what we expected. */
		if (strcmp(c->code, "HostKeyMismatch") == 0 && c->record_first >= 0)
			ck_assert_ptr_nonnull(strstr(err.message, keys[c->record_first].fp));
		if (strcmp(c->code, "HostKeyMismatch") == 0 && c->pinned &&
		    c->record_first < 0)
			ck_assert_ptr_nonnull(strstr(err.message, c->pinned));
	} else {
		ck_assert_str_eq(err.code, "");
	}
	n = known_hosts_lookup(path, "bastion", &blobs, &lens, &err);
	ck_assert_int_eq(n, c->recorded_after);
	if (n == 1 && c->record_first < 0) {
		ck_assert_uint_eq(lens[0], len);
		ck_assert_mem_eq(blobs[0], shown, len);
	}
	hostkey_blobs_free(blobs, lens, n);
	hostkey_fp_list_free(&console);
	free(shown);
	remove_tmpdir();
}
END_TEST

START_TEST(test_path_valid)
{
	ck_assert(ssh_path_valid("/mnt/efs/fs1"));
	ck_assert(ssh_path_valid("/mnt/efs/fs1/license.json"));
	ck_assert(ssh_path_valid("/home/ec2-user/.ecsw-license.json.0a1b"));
	ck_assert(!ssh_path_valid("mnt/efs"));
	ck_assert(!ssh_path_valid("/mnt/efs/../etc"));
	ck_assert(!ssh_path_valid("/mnt/.."));
	ck_assert(!ssh_path_valid("/mnt/./x"));
	ck_assert(!ssh_path_valid("/mnt//x"));
	ck_assert(!ssh_path_valid("/mnt/efs fs1"));
	ck_assert(!ssh_path_valid("/mnt/efs';reboot;'"));
	ck_assert(!ssh_path_valid("/mnt/$(id)"));
	ck_assert(!ssh_path_valid("/mnt/`id`"));
	ck_assert(!ssh_path_valid("/mnt/x\ny"));
	ck_assert(!ssh_path_valid(""));
	ck_assert(!ssh_path_valid(NULL));
}
END_TEST

START_TEST(test_install_command)
{
	struct aws_error err;
	char *cmd;

	aws_error_clear(&err);
	cmd = ssh_install_command("/home/ec2-user/.ecsw-license.json.ab12",
				  "/mnt/efs/fs1/license.json", 0644, &err);
	ck_assert_ptr_nonnull(cmd);
	ck_assert_str_eq(cmd, "sudo -n install -m 0644 -- "
			      "'/home/ec2-user/.ecsw-license.json.ab12' "
			      "'/mnt/efs/fs1/license.json'");
	free(cmd);
	cmd = ssh_install_command("/tmp/x", "/mnt/efs/fs1/a'b", 0644, &err);
	ck_assert_ptr_null(cmd);
	ck_assert_str_eq(err.code, "InvalidPath");
	ck_assert_int_eq(err.kind, AWS_ERR_INPUT);
	aws_error_clear(&err);
	cmd = ssh_install_command("relative", "/mnt/x", 0644, &err);
	ck_assert_ptr_null(cmd);
	ck_assert_str_eq(err.code, "InvalidPath");
	aws_error_clear(&err);
	cmd = ssh_install_command("/tmp/x", "/mnt/x", 01777, &err);
	ck_assert_ptr_null(cmd);
	ck_assert_str_eq(err.code, "InvalidMode");
}
END_TEST

static void write_file(const char *path, const char *data)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(data, f);
	fclose(f);
}

START_TEST(test_license)
{
	char path[128], *data = NULL;
	size_t len = 0;
	struct aws_error err;
	int fd;

	make_tmpdir();
	snprintf(path, sizeof(path), "%s/license.json", tmpdir);

	write_file(path, "{\"license_key\": \"SECRET-LICENSE-123\"}\n");
	aws_error_clear(&err);
	ck_assert_int_eq(license_check_file(path, &err), 0);
	ck_assert_int_eq(license_load(path, &data, &len, &err), 0);
	ck_assert_uint_eq(len, strlen("{\"license_key\": \"SECRET-LICENSE-123\"}\n"));
	ck_assert_mem_eq(data, "{\"license_key\": \"SECRET-LICENSE-123\"}\n", len);
	license_data_free(data, len);

	/* Not JSON: the message names the file, never the contents. */
	write_file(path, "license_key=SECRET-LICENSE-123\n");
	ck_assert_int_eq(license_check_file(path, &err), -1);
	ck_assert_str_eq(err.code, "LicenseInvalid");
	ck_assert_int_eq(err.kind, AWS_ERR_INPUT);
	ck_assert_ptr_nonnull(strstr(err.message, path));
	ck_assert_ptr_null(strstr(err.message, "SECRET"));

	write_file(path, "[\"SECRET-LICENSE-123\"]");
	aws_error_clear(&err);
	ck_assert_int_eq(license_check_file(path, &err), -1);
	ck_assert_str_eq(err.code, "LicenseInvalid");

	write_file(path, "");
	aws_error_clear(&err);
	ck_assert_int_eq(license_check_file(path, &err), -1);
	ck_assert_str_eq(err.code, "LicenseInvalid");

	/* A sparse 2 MiB file: refused on size, without reading it. */
	fd = open(path, O_WRONLY | O_TRUNC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, 2 * 1024 * 1024), 0);
	close(fd);
	aws_error_clear(&err);
	ck_assert_int_eq(license_check_file(path, &err), -1);
	ck_assert_str_eq(err.code, "LicenseTooLarge");

	aws_error_clear(&err);
	ck_assert_int_eq(license_check_file(tmpdir, &err), -1);
	ck_assert_str_eq(err.code, "LicenseUnreadable");
	ck_assert_ptr_nonnull(strstr(err.message, tmpdir));

	snprintf(path, sizeof(path), "%s/missing.json", tmpdir);
	aws_error_clear(&err);
	ck_assert_int_eq(license_check_file(path, &err), -1);
	ck_assert_str_eq(err.code, "LicenseUnreadable");
	ck_assert_ptr_nonnull(strstr(err.message, "missing.json"));

	/* Permission bits bind only non-root users. */
	if (geteuid() != 0) {
		snprintf(path, sizeof(path), "%s/noread.json", tmpdir);
		write_file(path, "{}");
		ck_assert_int_eq(chmod(path, 0), 0);
		aws_error_clear(&err);
		ck_assert_int_eq(license_check_file(path, &err), -1);
		ck_assert_str_eq(err.code, "LicenseUnreadable");
	}
	remove_tmpdir();
}
END_TEST

static Suite *hostkey_suite(void)
{
	Suite *s = suite_create("hostkey");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_fingerprint_matches_ssh_keygen, 0,
			    (int)(sizeof(keys) / sizeof(keys[0])));
	tcase_add_test(tc, test_fp_valid);
	tcase_add_test(tc, test_console_al2023);
	tcase_add_test(tc, test_console_plain_and_keys);
	tcase_add_test(tc, test_console_without_block);
	tcase_add_test(tc, test_console_every_prefix);
	tcase_add_test(tc, test_known_hosts_foreign_lines);
	tcase_add_test(tc, test_host_name);
	tcase_add_test(tc, test_known_hosts_roundtrip);
	tcase_add_loop_test(tc, test_policy, 0,
			    (int)(sizeof(policy_cases) / sizeof(policy_cases[0])));
	tcase_add_test(tc, test_path_valid);
	tcase_add_test(tc, test_install_command);
	tcase_add_test(tc, test_license);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(hostkey_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
