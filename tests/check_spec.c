/* check_spec.c - the spec: defaults, loading, every validation rule.
 *
 * One table of (key, value, good?) rows runs every per-key rule through
 * spec_check_value(), and the same rows through spec_validate() on a spec
 * holding that value, so the TUI's field check and the headless check
 * cannot drift apart. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "spec.h"

static char tmpdir[] = "/tmp/check_spec.XXXXXX";
static char license_path[256], bad_license_path[256], key_path[256];
static char archive_path[300], oci_dir[256];

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static void setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(license_path, sizeof(license_path), "%s/license.json", tmpdir);
	snprintf(bad_license_path, sizeof(bad_license_path), "%s/bad.json", tmpdir);
	snprintf(key_path, sizeof(key_path), "%s/id_ed25519", tmpdir);
	snprintf(archive_path, sizeof(archive_path), "docker-archive:%s/img.tar", tmpdir);
	snprintf(oci_dir, sizeof(oci_dir), "%s/oci", tmpdir);
	write_file(license_path, "{\"id\": \"secret-license\"}\n");
	write_file(bad_license_path, "not json at all\n");
	write_file(key_path, "-----BEGIN OPENSSH PRIVATE KEY-----\n");
	write_file(archive_path + strlen("docker-archive:"), "tar");
	ck_assert_int_eq(mkdir(oci_dir, 0700), 0);
}

static void teardown(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
	strcpy(tmpdir, "/tmp/check_spec.XXXXXX");
}

/* Values naming files are filled in at run time: "@license" etc. */
static const char *expand(const char *v, char *buf, size_t size)
{
	if (strcmp(v, "@license") == 0)
		return license_path;
	if (strcmp(v, "@badlicense") == 0)
		return bad_license_path;
	if (strcmp(v, "@key") == 0)
		return key_path;
	if (strcmp(v, "@archive") == 0)
		return archive_path;
	if (strcmp(v, "@oci") == 0) {
		snprintf(buf, size, "oci:%s:latest", oci_dir);
		return buf;
	}
	if (strcmp(v, "@dir") == 0)
		return tmpdir;
	return v;
}

static const struct {
	const char *key;
	const char *value;
	int good;
} rows[] = {
	{ "name", "ecsdocs", 1 }, { "name", "ab", 1 }, { "name", "a-1-b", 1 },
	{ "name", "a", 0 },
	{ "name", "abcdefghijklmnopqrst", 1 },
	{ "name", "abcdefghijklmnopqrstu", 0 }, { "name", "", 0 },
	{ "name", "1abc", 0 }, { "name", "-abc", 0 }, { "name", "Abc", 0 },
	{ "name", "ab_c", 0 }, { "name", "abc-", 0 }, { "name", "a.b", 0 },
	{ "region", "us-east-1", 1 }, { "region", "eu-central-2", 1 },
	{ "region", "ca-central-1", 1 },
	{ "region", "us-east-7", 0 }, { "region", "", 0 },
	{ "region", "US-EAST-1", 0 }, { "region", "cn-north-1", 1 },
	{ "region", "us-gov-west-1", 0 },
	{ "vpc_cidr", "10.0.0.0/16", 1 }, { "vpc_cidr", "192.168.0.0/24", 1 },
	{ "vpc_cidr", "172.16.0.0/28", 1 },
	{ "vpc_cidr", "10.0.0.0/15", 0 }, { "vpc_cidr", "10.0.0.0/29", 0 },
	{ "vpc_cidr", "10.0.0.1/16", 0 }, { "vpc_cidr", "10.0.0.0", 0 },
	{ "vpc_cidr", "10.0.0/16", 0 }, { "vpc_cidr", "10.0.0.256/24", 0 },
	{ "vpc_cidr", "10.0.0.0/16x", 0 }, { "vpc_cidr", "10.0.0.0/-1", 0 },
	{ "vpc_cidr", "", 0 }, { "vpc_cidr", "fd00::/48", 0 },
	{ "availability_zones", "2", 1 }, { "availability_zones", "6", 1 },
	{ "availability_zones", "1", 0 }, { "availability_zones", "7", 0 },
	{ "availability_zones", "two", 0 }, { "availability_zones", "2.5", 0 },
	{ "marketplace", "true", 1 }, { "marketplace", "false", 1 },
	{ "marketplace", "yes", 0 }, { "marketplace", "1", 0 },
	{ "instance_type", "m5zn.xlarge", 1 }, { "instance_type", "u-6tb1.metal", 1 },
	{ "instance_type", "c7gn.16xlarge", 1 },
	{ "instance_type", "m5zn", 0 }, { "instance_type", "M5zn.xlarge", 0 },
	{ "instance_type", "m5zn.x.large", 0 }, { "instance_type", ".xlarge", 0 },
	{ "instance_type", "m5zn xlarge", 0 }, { "instance_type", "", 0 },
	{ "root_volume_gib", "30", 1 }, { "root_volume_gib", "50", 1 },
	{ "root_volume_gib", "16384", 1 },
	{ "root_volume_gib", "29", 0 }, { "root_volume_gib", "16385", 0 },
	{ "root_volume_gib", "", 0 }, { "root_volume_gib", " 50", 0 },
	{ "task_cpu", "128", 1 }, { "task_cpu", "1024", 1 }, { "task_cpu", "196608", 1 },
	{ "task_cpu", "127", 0 }, { "task_cpu", "196609", 0 }, { "task_cpu", "-1024", 0 },
	{ "task_memory", "128", 1 }, { "task_memory", "14336", 1 },
	{ "task_memory", "127", 0 }, { "task_memory", "1048577", 0 },
	{ "container_port", "1", 1 }, { "container_port", "8080", 1 },
	{ "container_port", "65535", 1 },
	{ "container_port", "0", 0 }, { "container_port", "65536", 0 },
	{ "health_check_path", "/healthz", 1 }, { "health_check_path", "/", 1 },
	{ "health_check_path", "healthz", 0 }, { "health_check_path", "", 0 },
	{ "health_check_path", "/a b", 0 },
	{ "load_balancer_scheme", "internal", 1 },
	{ "load_balancer_scheme", "internet-facing", 1 },
	{ "load_balancer_scheme", "external", 0 }, { "load_balancer_scheme", "", 0 },
	{ "load_balancer_scheme", "Internal", 0 },
	{ "admin_cidr", "203.0.113.7/32", 1 }, { "admin_cidr", "0.0.0.0/0", 1 },
	{ "admin_cidr", "198.51.100.0/24", 1 },
	{ "admin_cidr", "", 0 }, { "admin_cidr", "203.0.113.7", 0 },
	{ "admin_cidr", "203.0.113.7/24", 0 }, { "admin_cidr", "203.0.113.7/33", 0 },
	{ "image", "deid:3.3.2-cpu", 1 }, { "image", "@archive", 1 }, { "image", "@oci", 1 },
	{ "image", "", 0 }, { "image", "docker-archive:/nonexistent/img.tar", 0 },
	{ "image", "oci:/nonexistent:tag", 0 }, { "image", "deid 3.3.2", 0 },
	{ "push_image", "true", 1 }, { "push_image", "no", 0 },
	{ "ecr_repository", "ecsdocs", 1 }, { "ecr_repository", "team/deid", 1 },
	{ "ecr_repository", "a.b_c-d", 1 }, { "ecr_repository", "", 1 },
	{ "ecr_repository", "a", 0 }, { "ecr_repository", "Deid", 0 },
	{ "ecr_repository", "a//b", 0 }, { "ecr_repository", "ab-", 0 },
	{ "ecr_repository", "-ab", 0 },
	{ "license_file", "@license", 1 },
	{ "license_file", "", 0 }, { "license_file", "/nonexistent/license.json", 0 },
	{ "license_file", "@badlicense", 0 }, { "license_file", "@dir", 0 },
	{ "ssh_key_file", "", 1 }, { "ssh_key_file", "@key", 1 },
	{ "ssh_key_file", "/nonexistent/key", 0 }, { "ssh_key_file", "@dir", 0 },
	{ "ssh_user", "ec2-user", 1 }, { "ssh_user", "_svc", 1 }, { "ssh_user", "ubuntu", 1 },
	{ "ssh_user", "", 0 }, { "ssh_user", "Ec2", 0 }, { "ssh_user", "1user", 0 },
	{ "ssh_user", "a;rm", 0 }, { "ssh_user", "abcdefghijabcdefghijabcdefghijabc", 0 },
	{ "efs_mount_path", "/mnt/efs/fs1", 1 }, { "efs_mount_path", "/data", 1 },
	{ "efs_mount_path", "mnt/efs", 0 }, { "efs_mount_path", "/", 0 },
	{ "efs_mount_path", "/mnt/efs fs", 0 }, { "efs_mount_path", "/mnt/$(x)", 0 },
	{ "efs_mount_path", "/mnt/../etc", 0 }, { "efs_mount_path", "/mnt/..", 0 },
	{ "efs_mount_path", "/mnt/a..b", 1 },
	{ "bastion_instance_type", "t2.micro", 1 }, { "bastion_instance_type", "t2", 0 },
	{ "asg_min", "0", 1 }, { "asg_min", "-1", 0 },
	{ "asg_max", "1", 1 }, { "asg_max", "0", 0 }, { "asg_max", "101", 0 },
	{ "asg_desired", "0", 1 }, { "asg_desired", "-1", 0 },
	{ "desired_tasks", "0", 1 }, { "desired_tasks", "3", 1 },
	{ "desired_tasks", "-1", 0 },
	{ "log_retention_days", "30", 1 }, { "log_retention_days", "1", 1 },
	{ "log_retention_days", "3653", 1 },
	{ "log_retention_days", "2", 0 }, { "log_retention_days", "0", 0 },
	{ "nosuchkey", "x", 0 },
};
#define N_ROWS ((int)(sizeof(rows) / sizeof(rows[0])))

/* A spec that validates: the defaults plus what the guide leaves to the
 * person (admin_cidr) and a license that exists. */
static struct spec *valid_spec(void)
{
	struct spec *s = spec_new_defaults();
	char why[256];

	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(spec_set_value(s, "admin_cidr", "203.0.113.7/32", why, sizeof(why)), 0);
	ck_assert_int_eq(spec_set_value(s, "license_file", license_path, why, sizeof(why)), 0);
	return s;
}

START_TEST(test_check_value)
{
	char buf[300], why[256] = "";
	const char *v = expand(rows[_i].value, buf, sizeof(buf));
	int rc = spec_check_value(rows[_i].key, v, why, sizeof(why));

	if (rows[_i].good)
		ck_assert_msg(rc == 0, "%s=%s refused: %s", rows[_i].key, v, why);
	else
		ck_assert_msg(rc == -1 && why[0], "%s=%s accepted", rows[_i].key, v);
	/* The license's contents never appear in a reason. */
	ck_assert_ptr_null(strstr(why, "secret-license"));
}
END_TEST

/* The same rows through spec_set_value + spec_validate: a good value
 * leaves a valid spec valid, a bad one is refused or reported by key. */
START_TEST(test_validate_rows)
{
	char buf[300], why[256];
	const char *v = expand(rows[_i].value, buf, sizeof(buf));
	struct spec *s = valid_spec();
	struct spec_problems pr;
	int rc;

	spec_problems_init(&pr);
	rc = spec_set_value(s, rows[_i].key, v, why, sizeof(why));
	if (rows[_i].good) {
		ck_assert_int_eq(rc, 0);
		/* asg and subnet rules join keys: keep the rest consistent. */
		if (strcmp(rows[_i].key, "asg_desired") == 0 && s->asg_desired == 0)
			s->asg_min = 0;
		if (strcmp(rows[_i].key, "vpc_cidr") == 0 && strstr(v, "/28"))
			goto done; /* too small for 4 subnets: see test_subnets */
		spec_validate(s, &pr);
		ck_assert_msg(pr.count == 0, "%s=%s: %s: %s", rows[_i].key, v,
			      pr.count ? pr.items[0].key : "",
			      pr.count ? pr.items[0].message : "");
	} else {
		ck_assert_int_eq(rc, -1);
	}
done:
	spec_problems_free(&pr);
	spec_free(s);
}
END_TEST

START_TEST(test_defaults_are_the_guides)
{
	struct spec *s = spec_new_defaults();

	ck_assert_str_eq(s->name, "ecsdocs");
	ck_assert_str_eq(s->region, "us-east-1");
	ck_assert_str_eq(s->vpc_cidr, "10.0.0.0/16");
	ck_assert_int_eq(s->availability_zones, 2);
	ck_assert(!s->marketplace);
	ck_assert_str_eq(s->instance_type, "m5zn.xlarge");
	ck_assert_int_eq(s->root_volume_gib, 50);
	ck_assert_int_eq(s->task_cpu, 1024);
	ck_assert_int_eq(s->task_memory, 14336);
	ck_assert_int_eq(s->container_port, 8080);
	ck_assert_str_eq(s->health_check_path, "/healthz");
	ck_assert_str_eq(s->load_balancer_scheme, "internal");
	ck_assert_str_eq(s->admin_cidr, "");
	ck_assert_str_eq(s->image, "deid:3.3.2-cpu");
	ck_assert(s->push_image);
	ck_assert_str_eq(s->ecr_repository, "ecsdocs");
	ck_assert_str_eq(s->license_file, "license.json");
	ck_assert_str_eq(s->ssh_key_file, "");
	ck_assert_str_eq(s->ssh_user, "ec2-user");
	ck_assert_str_eq(s->efs_mount_path, "/mnt/efs/fs1");
	ck_assert_str_eq(s->bastion_instance_type, "t2.micro");
	ck_assert_int_eq(s->asg_min, 0);
	ck_assert_int_eq(s->asg_max, 1);
	ck_assert_int_eq(s->asg_desired, 1);
	ck_assert_int_eq(s->desired_tasks, 1);
	ck_assert_int_eq(s->log_retention_days, 30);
	ck_assert(!s->api_gateway);
	spec_free(s);
}
END_TEST

/* The defaults miss only what the guide leaves to the person. */
START_TEST(test_defaults_need_admin_cidr)
{
	struct spec *s = spec_new_defaults();
	struct spec_problems pr;

	spec_problems_init(&pr);
	free(s->license_file);
	s->license_file = strdup(license_path);
	ck_assert_int_eq(spec_validate(s, &pr), -1);
	ck_assert_uint_eq(pr.count, 1);
	ck_assert_str_eq(pr.items[0].key, "admin_cidr");
	spec_problems_free(&pr);
	spec_free(s);
}
END_TEST

START_TEST(test_cross_key_rules)
{
	struct spec *s = valid_spec();
	struct spec_problems pr;

	spec_problems_init(&pr);
	ck_assert_int_eq(spec_validate(s, &pr), 0);

	s->asg_min = 2; s->asg_desired = 1; s->asg_max = 3;
	ck_assert_int_eq(spec_validate(s, &pr), -1);
	ck_assert_uint_eq(pr.count, 1);
	ck_assert_str_eq(pr.items[0].key, "asg_min");
	spec_problems_free(&pr);

	s->asg_min = 0; s->asg_desired = 4; s->asg_max = 3;
	ck_assert_int_eq(spec_validate(s, &pr), -1);
	ck_assert_uint_eq(pr.count, 1);
	ck_assert_str_eq(pr.items[0].key, "asg_desired");
	spec_problems_free(&pr);

	s->asg_desired = 3;
	/* Marketplace: no license needed, even a missing one. */
	free(s->license_file);
	s->license_file = strdup("/nonexistent/license.json");
	ck_assert_int_eq(spec_validate(s, &pr), -1);
	ck_assert_str_eq(pr.items[0].key, "license_file");
	spec_problems_free(&pr);
	s->marketplace = true;
	ck_assert_int_eq(spec_validate(s, &pr), 0);

	/* The API Gateway section needs an internal load balancer. */
	s->api_gateway = true;
	ck_assert_int_eq(spec_validate(s, &pr), 0);
	free(s->load_balancer_scheme);
	s->load_balancer_scheme = strdup("internet-facing");
	ck_assert_int_eq(spec_validate(s, &pr), -1);
	ck_assert_uint_eq(pr.count, 1);
	ck_assert_str_eq(pr.items[0].key, "api_gateway");
	ck_assert_ptr_nonnull(strstr(pr.items[0].message, "internal"));
	spec_problems_free(&pr);
	s->api_gateway = false;
	ck_assert_int_eq(spec_validate(s, &pr), 0);

	spec_problems_free(&pr);
	spec_free(s);
}
END_TEST

/* Two public and two private subnets of at least /28 need a /26. */
START_TEST(test_subnets)
{
	static const struct { const char *cidr; int zones; int ok; } cases[] = {
		{ "10.0.0.0/26", 2, 1 }, { "10.0.0.0/27", 2, 0 },
		{ "10.0.0.0/28", 2, 0 }, { "10.0.0.0/25", 3, 1 },
		{ "10.0.0.0/26", 3, 0 }, { "10.0.0.0/16", 6, 1 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct spec *s = valid_spec();
		struct spec_problems pr;

		spec_problems_init(&pr);
		free(s->vpc_cidr);
		s->vpc_cidr = strdup(cases[i].cidr);
		s->availability_zones = cases[i].zones;
		ck_assert_int_eq(spec_validate(s, &pr), cases[i].ok ? 0 : -1);
		if (!cases[i].ok)
			ck_assert_str_eq(pr.items[0].key, "vpc_cidr");
		spec_problems_free(&pr);
		spec_free(s);
	}
}
END_TEST

START_TEST(test_load_json)
{
	struct spec *s = spec_new_defaults();
	struct spec_problems pr;
	cJSON *obj = cJSON_Parse(
		"{\"name\": \"demo\", \"task_cpu\": 2048, \"marketplace\": true,"
		" \"bogus_key\": 1, \"region\": 5, \"container_port\": 80.5,"
		" \"push_image\": \"yes\", \"asg_max\": \"3\"}");
	const char *want[] = { "bogus_key", "region", "container_port",
			       "push_image", "asg_max" };
	size_t i;

	spec_problems_init(&pr);
	ck_assert_int_eq(spec_load_json(s, obj, &pr), -1);
	ck_assert_uint_eq(pr.count, 5);
	for (i = 0; i < 5; i++)
		ck_assert_str_eq(pr.items[i].key, want[i]);
	ck_assert_str_eq(s->name, "demo");
	ck_assert_str_eq(s->ecr_repository, "demo"); /* follows name */
	ck_assert_int_eq(s->task_cpu, 2048);
	ck_assert(s->marketplace);
	ck_assert_str_eq(s->region, "us-east-1"); /* wrong type: unchanged */
	cJSON_Delete(obj);
	spec_problems_free(&pr);

	/* An explicit repository wins, whatever the key order. */
	obj = cJSON_Parse("{\"ecr_repository\": \"team/deid\", \"name\": \"other\"}");
	ck_assert_int_eq(spec_load_json(s, obj, &pr), 0);
	ck_assert_str_eq(s->ecr_repository, "team/deid");
	ck_assert_str_eq(s->name, "other");
	cJSON_Delete(obj);

	/* Numbers beyond any integer type are refused, not cast (the cast
	 * would be undefined; the fuzzer's 1.4e44 and its neighbours). */
	obj = cJSON_Parse("{\"task_cpu\": 1.4337e+44, \"asg_max\": -1e300,"
			  " \"asg_min\": 2147483648, \"asg_desired\": 1e999}");
	ck_assert_int_eq(spec_load_json(s, obj, &pr), -1);
	ck_assert_uint_eq(pr.count, 4);
	ck_assert_int_eq(s->task_cpu, 2048); /* unchanged */
	cJSON_Delete(obj);
	spec_problems_free(&pr);

	obj = cJSON_Parse("[1, 2]");
	ck_assert_int_eq(spec_load_json(s, obj, &pr), -1);
	ck_assert_uint_eq(pr.count, 1);
	cJSON_Delete(obj);
	spec_problems_free(&pr);
	spec_free(s);
}
END_TEST

START_TEST(test_load_file)
{
	char path[300];
	struct spec *s = spec_new_defaults();
	struct spec_problems pr;

	spec_problems_init(&pr);
	snprintf(path, sizeof(path), "%s/spec.json", tmpdir);
	write_file(path, "{\n  \"name\": \"filed\",\n  \"task_memory\": 8192\n}\n");
	ck_assert_msg(spec_load_file(s, path, &pr) == 0, "%s",
		      pr.count ? pr.items[0].message : "");
	ck_assert_str_eq(s->name, "filed");
	ck_assert_int_eq(s->task_memory, 8192);

	write_file(path, "{\n  \"name\": \"x\",\n  \"task_memory\": ,\n}\n");
	ck_assert_int_eq(spec_load_file(s, path, &pr), -1);
	ck_assert_uint_eq(pr.count, 1);
	ck_assert_msg(strstr(pr.items[0].message, "spec.json:3:"),
		      "no file:line in '%s'", pr.items[0].message);
	spec_problems_free(&pr);

	ck_assert_int_eq(spec_load_file(s, "/nonexistent/spec.json", &pr), -1);
	ck_assert_ptr_nonnull(strstr(pr.items[0].message, "/nonexistent/spec.json"));
	spec_problems_free(&pr);
	spec_free(s);
}
END_TEST

/* What spec_to_json writes, spec_load_json reads back unchanged. */
START_TEST(test_json_round_trip)
{
	struct spec *a = valid_spec();
	struct spec *b = spec_new_defaults();
	struct spec_problems pr;
	cJSON *ja, *jb;
	char why[256];

	spec_problems_init(&pr);
	ck_assert_int_eq(spec_set_value(a, "name", "round", why, sizeof(why)), 0);
	ck_assert_int_eq(spec_set_value(a, "asg_max", "4", why, sizeof(why)), 0);
	ck_assert_int_eq(spec_set_value(a, "marketplace", "true", why, sizeof(why)), 0);
	ja = spec_to_json(a);
	ck_assert_int_eq(cJSON_GetArraySize(ja), 27);
	ck_assert_int_eq(spec_load_json(b, ja, &pr), 0);
	jb = spec_to_json(b);
	ck_assert(cJSON_Compare(ja, jb, 1));
	ck_assert_str_eq(b->name, "round");
	ck_assert_str_eq(b->ecr_repository, "round");
	ck_assert(b->marketplace);
	ck_assert_int_eq(b->asg_max, 4);
	cJSON_Delete(ja);
	cJSON_Delete(jb);
	spec_problems_free(&pr);
	spec_free(a);
	spec_free(b);
}
END_TEST

START_TEST(test_set_value_refuses)
{
	struct spec *s = spec_new_defaults();
	char why[256];

	ck_assert_int_eq(spec_set_value(s, "task_cpu", "lots", why, sizeof(why)), -1);
	ck_assert_int_eq(s->task_cpu, 1024);
	ck_assert_int_eq(spec_set_value(s, "name", "Bad Name", why, sizeof(why)), -1);
	ck_assert_str_eq(s->name, "ecsdocs");
	ck_assert_int_eq(spec_set_value(s, "nosuch", "1", why, sizeof(why)), -1);
	ck_assert_ptr_nonnull(strstr(why, "nosuch"));
	/* Plan references are not text a user may type: the engine would
	 * read it as one and look up the vpc's id. */
	ck_assert_int_eq(spec_set_value(s, "image", "deid:${vpc.id}", why, sizeof(why)), -1);
	ck_assert_ptr_nonnull(strstr(why, "${"));
	ck_assert_str_eq(s->image, "deid:3.3.2-cpu");
	ck_assert_int_eq(spec_set_value(s, "image", "deid:$3", why, sizeof(why)), 0);
	spec_free(s);
}
END_TEST

static Suite *spec_suite(void)
{
	Suite *s = suite_create("spec");
	TCase *tc = tcase_create("spec");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_check_value, 0, N_ROWS);
	tcase_add_loop_test(tc, test_validate_rows, 0, N_ROWS);
	tcase_add_test(tc, test_defaults_are_the_guides);
	tcase_add_test(tc, test_defaults_need_admin_cidr);
	tcase_add_test(tc, test_cross_key_rules);
	tcase_add_test(tc, test_subnets);
	tcase_add_test(tc, test_load_json);
	tcase_add_test(tc, test_load_file);
	tcase_add_test(tc, test_json_round_trip);
	tcase_add_test(tc, test_set_value_refuses);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(spec_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
