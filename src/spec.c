/* spec.c - the spec: defaults from the guide, JSON overlay, validation.
 *
 * Every key is one row of spec_keys[]: its JSON name, its type, where it
 * lives in struct spec and the check for its value. Loading, validating,
 * checking one TUI field and writing JSON all walk that one table, so a
 * key added there is loaded, checked and saved everywhere. Rules that join
 * several keys (asg_min <= asg_desired <= asg_max, the VPC holding its
 * subnets, the license only without Marketplace) live in spec_validate().
 * The rules are documented in ecs-wizard-spec(5); keep both in step. */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aws/endpoint.h"
#include "i18n.h"
#include "spec.h"

enum key_type { K_STRING, K_INT, K_BOOL };

struct key_def;
/* A value check: 0 when fine, else -1 with a translated reason. */
typedef int (*check_fn)(const struct key_def *k, const char *s, long n,
			char *why, size_t size);

struct key_def {
	const char *key;
	enum key_type type;
	size_t offset;    /* of the char * / int / bool in struct spec */
	check_fn check;
	long min, max;    /* K_INT range (inclusive) */
};

#define STR_AT(s, k) ((char **)((char *)(s) + (k)->offset))
#define INT_AT(s, k) ((int *)((char *)(s) + (k)->offset))
#define BOOL_AT(s, k) ((bool *)((char *)(s) + (k)->offset))
#define CSTR_AT(s, k) (*(char *const *)((const char *)(s) + (k)->offset))
#define CINT_AT(s, k) (*(const int *)((const char *)(s) + (k)->offset))
#define CBOOL_AT(s, k) (*(const bool *)((const char *)(s) + (k)->offset))

/* CloudWatch Logs accepts only these retention periods (PutRetentionPolicy). */
static const long log_retention_values[] = {
	1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096,
	1827, 2192, 2557, 2922, 3288, 3653, 0,
};

/* Parse "a.b.c.d/len" strictly. Returns 0 with the address (host order)
 * and prefix, or -1. */
static int parse_cidr(const char *s, unsigned long *addr, int *prefix)
{
	char ip[INET_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	struct in_addr in;
	char *end;
	long len;
	size_t n;

	if (!slash)
		return -1;
	n = (size_t)(slash - s);
	if (n == 0 || n >= sizeof(ip))
		return -1;
	memcpy(ip, s, n);
	ip[n] = '\0';
	/* inet_pton takes only dotted quads: no "10.1", no octal. */
	if (inet_pton(AF_INET, ip, &in) != 1)
		return -1;
	if (!isdigit((unsigned char)slash[1]) || strlen(slash + 1) > 2)
		return -1;
	errno = 0;
	len = strtol(slash + 1, &end, 10);
	if (errno || *end || len < 0 || len > 32)
		return -1;
	*addr = ntohl(in.s_addr);
	*prefix = (int)len;
	return 0;
}

static unsigned long cidr_mask(int prefix)
{
	return prefix == 0 ? 0ul : (0xfffffffful << (32 - prefix)) & 0xfffffffful;
}

static int check_cidr_common(const char *s, int *prefix, char *why, size_t size)
{
	unsigned long addr;

	if (parse_cidr(s, &addr, prefix) < 0) {
		snprintf(why, size, _("'%s' is not an IPv4 CIDR block like 10.0.0.0/16"), s);
		return -1;
	}
	if (addr & ~cidr_mask(*prefix)) {
		snprintf(why, size,
			 _("'%s' has host bits set: the block starts at a multiple of its size"),
			 s);
		return -1;
	}
	return 0;
}

static int check_vpc_cidr(const struct key_def *k, const char *s, long n,
			  char *why, size_t size)
{
	int prefix;

	if (check_cidr_common(s, &prefix, why, size) < 0)
		return -1;
	if (prefix < 16 || prefix > 28) {
		snprintf(why, size, _("a VPC's block must be between /16 and /28, not /%d"),
			 prefix);
		return -1;
	}
	return 0;
}

static int check_admin_cidr(const struct key_def *k, const char *s, long n,
			    char *why, size_t size)
{
	int prefix;

	if (!s[0]) {
		snprintf(why, size, "%s",
			 _("required: the addresses allowed to SSH to the bastion, e.g. 203.0.113.7/32"));
		return -1;
	}
	return check_cidr_common(s, &prefix, why, size);
}

static int check_name(const struct key_def *k, const char *s, long n,
		      char *why, size_t size)
{
	size_t len = strlen(s);
	size_t i;

	/* At most 20 leaves room for every suffix we add within AWS's
	 * shortest limit: "-lb" and "-tg" within the 32 of load balancer and
	 * target group names. At least 2 because the name is also the ECR
	 * repository's by default, and ECR wants 2. */
	if (len < 2 || len > 20) {
		snprintf(why, size, _("must be 2 to 20 characters, not %zu"), len);
		return -1;
	}
	if (!islower((unsigned char)s[0])) {
		snprintf(why, size, "%s", _("must start with a lowercase letter"));
		return -1;
	}
	for (i = 0; i < len; i++)
		if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) ||
		      s[i] == '-')) {
			snprintf(why, size, "%s",
				 _("may hold only lowercase letters, digits and '-'"));
			return -1;
		}
	if (s[len - 1] == '-') {
		snprintf(why, size, "%s", _("must not end with '-'"));
		return -1;
	}
	return 0;
}

static int check_region(const struct key_def *k, const char *s, long n,
			char *why, size_t size)
{
	/* The transport's list: one list of regions for the program. */
	if (endpoint_region_known(s))
		return 0;
	snprintf(why, size, _("'%s' is not a known AWS region (e.g. us-east-1)"), s);
	return -1;
}

/* "m5zn.xlarge", "u-6tb1.metal", "mac2-m2.metal": family.size. */
static int check_instance_type(const struct key_def *k, const char *s, long n,
			       char *why, size_t size)
{
	const char *dot = strchr(s, '.');
	const char *p;

	if (!dot || dot == s || !dot[1] || strchr(dot + 1, '.') || strlen(s) > 64 ||
	    !islower((unsigned char)s[0]))
		goto bad;
	for (p = s; *p; p++)
		if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) ||
		      *p == '-' || *p == '.'))
			goto bad;
	return 0;
bad:
	snprintf(why, size, _("'%s' is not an EC2 instance type like m5zn.xlarge"), s);
	return -1;
}

static int check_int_range(const struct key_def *k, const char *s, long n,
			   char *why, size_t size)
{
	if (n < k->min || n > k->max) {
		snprintf(why, size, _("must be between %ld and %ld, not %ld"),
			 k->min, k->max, n);
		return -1;
	}
	return 0;
}

static int check_retention(const struct key_def *k, const char *s, long n,
			   char *why, size_t size)
{
	size_t i;

	for (i = 0; log_retention_values[i]; i++)
		if (log_retention_values[i] == n)
			return 0;
	snprintf(why, size, "%s",
		 _("must be one of CloudWatch's periods: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653 days"));
	return -1;
}

static int check_health_path(const struct key_def *k, const char *s, long n,
			     char *why, size_t size)
{
	const char *p;

	if (s[0] != '/') {
		snprintf(why, size, "%s", _("must start with '/'"));
		return -1;
	}
	if (strlen(s) > 1024) {
		snprintf(why, size, "%s", _("must be at most 1024 characters"));
		return -1;
	}
	for (p = s; *p; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f) {
			snprintf(why, size, "%s",
				 _("must not hold spaces or control characters"));
			return -1;
		}
	return 0;
}

static int check_scheme(const struct key_def *k, const char *s, long n,
			char *why, size_t size)
{
	if (strcmp(s, "internal") == 0 || strcmp(s, "internet-facing") == 0)
		return 0;
	snprintf(why, size, _("must be 'internal' or 'internet-facing', not '%s'"), s);
	return -1;
}

static int check_readable(const char *path, char *why, size_t size)
{
	struct stat st;

	if (access(path, R_OK) < 0 || stat(path, &st) < 0) {
		snprintf(why, size, _("cannot read '%s': %s"), path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(why, size, _("'%s' is not a regular file"), path);
		return -1;
	}
	return 0;
}

/* The license must be a readable JSON document; its contents are secret
 * and are never quoted in messages. */
static int check_license_file(const struct key_def *k, const char *s, long n,
			      char *why, size_t size)
{
	FILE *f;
	char *text = NULL;
	size_t len = 0;
	cJSON *doc = NULL;
	struct stat st;
	int rc = -1;

	if (!s[0]) {
		snprintf(why, size, "%s", _("required unless marketplace is true"));
		return -1;
	}
	if (check_readable(s, why, size) < 0)
		return -1;
	if (stat(s, &st) < 0 || st.st_size > 1024 * 1024) {
		snprintf(why, size, _("'%s' is larger than 1 MiB: not a license file"), s);
		return -1;
	}
	f = fopen(s, "rb");
	if (!f) {
		snprintf(why, size, _("cannot read '%s': %s"), s, strerror(errno));
		return -1;
	}
	text = calloc(1, (size_t)st.st_size + 1);
	if (text)
		len = fread(text, 1, (size_t)st.st_size, f);
	fclose(f);
	if (!text) {
		snprintf(why, size, "%s", strerror(ENOMEM));
		return -1;
	}
	doc = cJSON_ParseWithLength(text, len);
	if (!doc || !(cJSON_IsObject(doc) || cJSON_IsArray(doc)))
		snprintf(why, size, _("'%s' is not a JSON document"), s);
	else
		rc = 0;
	cJSON_Delete(doc);
	memset(text, 0, len);
	free(text);
	return rc;
}

static int check_ssh_key_file(const struct key_def *k, const char *s, long n,
			      char *why, size_t size)
{
	if (!s[0])
		return 0; /* none: a key pair is created */
	return check_readable(s, why, size);
}

static int check_efs_mount_path(const struct key_def *k, const char *s, long n,
				char *why, size_t size)
{
	const char *p;

	if (s[0] != '/' || strlen(s) < 2) {
		snprintf(why, size, "%s", _("must be an absolute path like /mnt/efs/fs1"));
		return -1;
	}
	if (strlen(s) > 255) {
		snprintf(why, size, "%s", _("must be at most 255 characters"));
		return -1;
	}
	/* It is written into a shell command on the bastion: nothing that a
	 * shell would read as more than a path. */
	for (p = s; *p; p++)
		if (!(isalnum((unsigned char)*p) || strchr("._/-", *p))) {
			snprintf(why, size, "%s",
				 _("may hold only letters, digits and . _ / -"));
			return -1;
		}
	/* No ".." component: the path must stay where it says. */
	for (p = s; (p = strstr(p, "..")); p += 2)
		if (p[-1] == '/' && (p[2] == '/' || p[2] == '\0')) {
			snprintf(why, size, "%s", _("must not contain a '..' component"));
			return -1;
		}
	return 0;
}

static int check_ssh_user(const struct key_def *k, const char *s, long n,
			  char *why, size_t size)
{
	const char *p;

	if (!s[0] || strlen(s) > 32 ||
	    !(islower((unsigned char)s[0]) || s[0] == '_'))
		goto bad;
	for (p = s + 1; *p; p++)
		if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) ||
		      *p == '_' || *p == '-'))
			goto bad;
	return 0;
bad:
	snprintf(why, size, "%s",
		 _("must be a login name: a lowercase letter or '_', then lowercase letters, digits, '_' or '-' (at most 32)"));
	return -1;
}

/* ECR's rule: path components of lowercase letters and digits joined by
 * single '.', '_' or '-', separated by '/'; 2 to 256 characters. ""
 * follows name. */
static int check_ecr_repository(const struct key_def *k, const char *s, long n,
				char *why, size_t size)
{
	size_t len = strlen(s);
	size_t i;
	bool prev_alnum = false;

	if (len == 0)
		return 0;
	if (len < 2 || len > 256)
		goto bad;
	for (i = 0; i < len; i++) {
		bool alnum = islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]);

		if (!alnum && !strchr("._-/", s[i]))
			goto bad;
		/* A separator sits between two alphanumerics. */
		if (!alnum && (!prev_alnum || i + 1 == len))
			goto bad;
		prev_alnum = alnum;
	}
	return 0;
bad:
	snprintf(why, size, "%s",
		 _("must be 2 to 256 lowercase letters and digits, separated by single . _ - or /"));
	return -1;
}

/* "deid:3.3.2-cpu" (a local image), "docker-archive:PATH" (a tarball
 * from docker save) or "oci:DIR[:TAG]" (an OCI layout). */
static int check_image(const struct key_def *k, const char *s, long n,
		       char *why, size_t size)
{
	struct stat st;
	const char *p;

	if (!s[0]) {
		snprintf(why, size, "%s", _("required"));
		return -1;
	}
	if (strncmp(s, "docker-archive:", 15) == 0)
		return check_readable(s + 15, why, size);
	if (strncmp(s, "oci:", 4) == 0) {
		char dir[4096];
		const char *colon = strchr(s + 4, ':');
		size_t len = colon ? (size_t)(colon - s - 4) : strlen(s + 4);

		if (len == 0 || len >= sizeof(dir)) {
			snprintf(why, size, _("'%s' names no OCI directory"), s);
			return -1;
		}
		memcpy(dir, s + 4, len);
		dir[len] = '\0';
		if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
			snprintf(why, size, _("'%s' is not a directory"), dir);
			return -1;
		}
		return 0;
	}
	for (p = s; *p; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f) {
			snprintf(why, size, "%s",
				 _("must be NAME:TAG, docker-archive:PATH or oci:DIR[:TAG]"));
			return -1;
		}
	return 0;
}

#define STR(k, f, chk) { k, K_STRING, offsetof(struct spec, f), chk, 0, 0 }
#define INT(k, f, chk, lo, hi) { k, K_INT, offsetof(struct spec, f), chk, lo, hi }
#define BOOL(k, f) { k, K_BOOL, offsetof(struct spec, f), NULL, 0, 1 }

static const struct key_def spec_keys[] = {
	STR("name", name, check_name),
	STR("region", region, check_region),
	STR("vpc_cidr", vpc_cidr, check_vpc_cidr),
	INT("availability_zones", availability_zones, check_int_range, 2, 6),
	BOOL("marketplace", marketplace),
	STR("instance_type", instance_type, check_instance_type),
	INT("root_volume_gib", root_volume_gib, check_int_range, 30, 16384),
	INT("task_cpu", task_cpu, check_int_range, 128, 196608),
	INT("task_memory", task_memory, check_int_range, 128, 1048576),
	INT("container_port", container_port, check_int_range, 1, 65535),
	STR("health_check_path", health_check_path, check_health_path),
	STR("load_balancer_scheme", load_balancer_scheme, check_scheme),
	STR("admin_cidr", admin_cidr, check_admin_cidr),
	STR("image", image, check_image),
	BOOL("push_image", push_image),
	STR("ecr_repository", ecr_repository, check_ecr_repository),
	STR("license_file", license_file, check_license_file),
	STR("ssh_key_file", ssh_key_file, check_ssh_key_file),
	STR("ssh_user", ssh_user, check_ssh_user),
	STR("efs_mount_path", efs_mount_path, check_efs_mount_path),
	STR("bastion_instance_type", bastion_instance_type, check_instance_type),
	INT("asg_min", asg_min, check_int_range, 0, 100),
	INT("asg_max", asg_max, check_int_range, 1, 100),
	INT("asg_desired", asg_desired, check_int_range, 0, 100),
	INT("desired_tasks", desired_tasks, check_int_range, 0, 1000),
	INT("log_retention_days", log_retention_days, check_retention, 1, 3653),
	BOOL("api_gateway", api_gateway),
};
#define N_KEYS (sizeof(spec_keys) / sizeof(spec_keys[0]))

static const struct key_def *find_key(const char *key)
{
	size_t i;

	for (i = 0; i < N_KEYS; i++)
		if (strcmp(spec_keys[i].key, key) == 0)
			return &spec_keys[i];
	return NULL;
}

void spec_problems_init(struct spec_problems *pr)
{
	pr->items = NULL;
	pr->count = 0;
}

void spec_problems_free(struct spec_problems *pr)
{
	free(pr->items);
	spec_problems_init(pr);
}

void spec_problem_add(struct spec_problems *pr, const char *key,
		      const char *fmt, ...)
{
	struct spec_problem *grown;
	va_list ap;

	grown = realloc(pr->items, sizeof(*grown) * (pr->count + 1));
	if (!grown)
		return; /* the count stays: the caller still sees earlier ones */
	pr->items = grown;
	snprintf(grown[pr->count].key, sizeof(grown[pr->count].key), "%s",
		 key ? key : "");
	va_start(ap, fmt);
	vsnprintf(grown[pr->count].message, sizeof(grown[pr->count].message),
		  fmt, ap);
	va_end(ap);
	pr->count++;
}

struct spec *spec_new_defaults(void)
{
	struct spec *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	/* The guide's values (see each field in spec.h). */
	s->name = strdup("ecsdocs");
	s->region = strdup("us-east-1");
	s->vpc_cidr = strdup("10.0.0.0/16");
	s->availability_zones = 2;
	s->marketplace = false;
	s->instance_type = strdup("m5zn.xlarge");
	s->root_volume_gib = 50;
	s->task_cpu = 1024;
	s->task_memory = 14336;
	s->container_port = 8080;
	s->health_check_path = strdup("/healthz");
	s->load_balancer_scheme = strdup("internal");
	s->admin_cidr = strdup("");
	s->image = strdup("deid:3.3.2-cpu");
	s->push_image = true;
	s->ecr_repository = strdup("ecsdocs");
	s->license_file = strdup("license.json");
	s->ssh_key_file = strdup("");
	s->ssh_user = strdup("ec2-user");
	s->efs_mount_path = strdup("/mnt/efs/fs1");
	s->bastion_instance_type = strdup("t2.micro");
	s->asg_min = 0;
	s->asg_max = 1;
	s->asg_desired = 1;
	s->desired_tasks = 1;
	s->log_retention_days = 30;
	s->api_gateway = false;
	if (!s->name || !s->region || !s->vpc_cidr || !s->instance_type ||
	    !s->health_check_path || !s->load_balancer_scheme || !s->admin_cidr ||
	    !s->image || !s->ecr_repository || !s->license_file ||
	    !s->ssh_key_file || !s->ssh_user || !s->efs_mount_path ||
	    !s->bastion_instance_type) {
		spec_free(s);
		return NULL;
	}
	return s;
}

void spec_free(struct spec *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < N_KEYS; i++)
		if (spec_keys[i].type == K_STRING)
			free(*STR_AT(s, &spec_keys[i]));
	free(s);
}

/* Set a string key; "name" also moves ecr_repository when it followed
 * the name ("defaults to name"). */
static int set_string_key(struct spec *s, const struct key_def *k,
			  const char *value)
{
	char *copy = strdup(value);
	char **slot = STR_AT(s, k);

	if (!copy)
		return -1;
	if (strcmp(k->key, "name") == 0 && s->ecr_repository && s->name &&
	    strcmp(s->ecr_repository, s->name) == 0) {
		char *repo = strdup(value);

		if (!repo) {
			free(copy);
			return -1;
		}
		free(s->ecr_repository);
		s->ecr_repository = repo;
	}
	free(*slot);
	*slot = copy;
	return 0;
}

static const char *type_name(enum key_type t)
{
	switch (t) {
	case K_STRING: return _("a string");
	case K_INT: return _("a whole number");
	case K_BOOL: return _("true or false");
	}
	return "?";
}

int spec_load_json(struct spec *s, const cJSON *obj, struct spec_problems *pr)
{
	const cJSON *item;
	size_t before = pr->count;
	const cJSON *name_item = NULL;

	if (!cJSON_IsObject(obj)) {
		spec_problem_add(pr, "", "%s", _("the spec must be a JSON object"));
		return -1;
	}
	/* "name" first, so that an explicit ecr_repository later wins over
	 * the one that follows the name. */
	name_item = cJSON_GetObjectItemCaseSensitive(obj, "name");
	for (int pass = 0; pass < 2; pass++) {
		cJSON_ArrayForEach(item, obj) {
			const struct key_def *k;

			if ((pass == 0) != (item == name_item))
				continue;
			k = find_key(item->string);
			if (!k) {
				spec_problem_add(pr, item->string, "%s",
						 _("unknown key"));
				continue;
			}
			switch (k->type) {
			case K_STRING:
				if (!cJSON_IsString(item)) {
					spec_problem_add(pr, k->key, _("must be %s"),
							 type_name(k->type));
					continue;
				}
				if (set_string_key(s, k, item->valuestring) < 0)
					spec_problem_add(pr, k->key, "%s", strerror(ENOMEM));
				break;
			case K_INT:
				/* Range first: casting a double beyond long is
				 * undefined, and a fuzzer found 1e44 here. */
				if (!cJSON_IsNumber(item) ||
				    !(item->valuedouble >= INT_MIN &&
				      item->valuedouble <= INT_MAX) ||
				    item->valuedouble != (double)(int)item->valuedouble) {
					spec_problem_add(pr, k->key, _("must be %s"),
							 type_name(k->type));
					continue;
				}
				*INT_AT(s, k) = (int)item->valuedouble;
				break;
			case K_BOOL:
				if (!cJSON_IsBool(item)) {
					spec_problem_add(pr, k->key, _("must be %s"),
							 type_name(k->type));
					continue;
				}
				*BOOL_AT(s, k) = cJSON_IsTrue(item);
				break;
			}
		}
	}
	/* "" means "the same as name". */
	if (s->ecr_repository && !s->ecr_repository[0] && s->name) {
		char *repo = strdup(s->name);

		if (repo) {
			free(s->ecr_repository);
			s->ecr_repository = repo;
		}
	}
	return pr->count == before ? 0 : -1;
}

/* 1-based line of byte offset `at` in text. */
static int line_of(const char *text, size_t at)
{
	int line = 1;
	size_t i;

	for (i = 0; i < at && text[i]; i++)
		if (text[i] == '\n')
			line++;
	return line;
}

int spec_load_file(struct spec *s, const char *path, struct spec_problems *pr)
{
	FILE *f = NULL;
	char *text = NULL;
	size_t len = 0, alloc = 0;
	cJSON *doc = NULL;
	const char *end = NULL;
	int rc = -1;

	f = fopen(path, "rb");
	if (!f) {
		spec_problem_add(pr, "", _("%s: %s"), path, strerror(errno));
		return -1;
	}
	/* A spec is small; 1 MiB is generous and bounds what we read. */
	for (;;) {
		size_t got;

		if (len + 4096 + 1 > alloc) {
			char *grown;

			alloc = alloc ? alloc * 2 : 8192;
			if (alloc > 1024 * 1024 + 8192) {
				spec_problem_add(pr, "", _("%s: larger than 1 MiB"), path);
				goto out;
			}
			grown = realloc(text, alloc);
			if (!grown) {
				spec_problem_add(pr, "", "%s", strerror(ENOMEM));
				goto out;
			}
			text = grown;
		}
		got = fread(text + len, 1, 4096, f);
		len += got;
		if (got < 4096)
			break;
	}
	if (ferror(f)) {
		spec_problem_add(pr, "", _("%s: %s"), path, strerror(errno));
		goto out;
	}
	text[len] = '\0';
	/* The length counts the NUL: cJSON's "require null terminated"
	 * looks for it inside the buffer. A NUL inside the file is refused. */
	if (memchr(text, '\0', len)) {
		spec_problem_add(pr, "", _("%s:%d: not valid JSON"), path,
				 line_of(text, strlen(text)));
		goto out;
	}
	doc = cJSON_ParseWithLengthOpts(text, len + 1, &end, 1);
	if (!doc) {
		size_t at = end ? (size_t)(end - text) : 0;

		spec_problem_add(pr, "", _("%s:%d: not valid JSON"), path,
				 line_of(text, at));
		goto out;
	}
	rc = spec_load_json(s, doc, pr);
out:
	cJSON_Delete(doc);
	free(text);
	if (f)
		fclose(f);
	return rc;
}

/* Run k's check; "" for a missing string (each check decides whether
 * empty means "none" or is a problem). */
static int check_key(const struct key_def *k, const char *str, long n,
		     char *why, size_t size)
{
	/* "${key.field}" is how the plan refers to what AWS returns; a value
	 * holding it would be read as such a reference, not as text. */
	if (k->type == K_STRING && str && strstr(str, "${")) {
		snprintf(why, size, _("must not contain \"${\""));
		return -1;
	}
	if (!k->check)
		return 0;
	return k->check(k, str ? str : "", n, why, size);
}

int spec_validate(const struct spec *s, struct spec_problems *pr)
{
	char why[256];
	size_t before = pr->count;
	size_t i;
	int prefix;
	unsigned long addr;

	for (i = 0; i < N_KEYS; i++) {
		const struct key_def *k = &spec_keys[i];

		/* Marketplace images carry their license. */
		if (k->check == check_license_file && s->marketplace)
			continue;
		if (check_key(k, k->type == K_STRING ? CSTR_AT(s, k) : NULL,
			      k->type == K_INT ? CINT_AT(s, k) : 0, why,
			      sizeof(why)) < 0)
			spec_problem_add(pr, k->key, "%s", why);
	}
	if (s->asg_min > s->asg_desired)
		spec_problem_add(pr, "asg_min", _("must not exceed asg_desired (%d > %d)"),
				 s->asg_min, s->asg_desired);
	if (s->asg_desired > s->asg_max)
		spec_problem_add(pr, "asg_desired", _("must not exceed asg_max (%d > %d)"),
				 s->asg_desired, s->asg_max);
	/* The gateway reaches the load balancer through a VPC link, which
	 * the guide offers only for an internal one. */
	if (s->api_gateway && s->load_balancer_scheme &&
	    strcmp(s->load_balancer_scheme, "internet-facing") == 0)
		spec_problem_add(pr, "api_gateway", "%s",
				 _("needs load_balancer_scheme 'internal': the API reaches the "
				   "load balancer through a VPC link"));
	/* One public and one private subnet per zone, each at least a /28
	 * (AWS's smallest): the VPC must hold 2 x zones of them. */
	if (s->vpc_cidr && parse_cidr(s->vpc_cidr, &addr, &prefix) == 0 &&
	    s->availability_zones >= 1 && s->availability_zones <= 64) {
		int need = 0;

		while ((1 << need) < 2 * s->availability_zones)
			need++;
		if (prefix + need > 28)
			spec_problem_add(pr, "vpc_cidr",
					 _("/%d is too small for %d public and %d private subnets of at least /28"),
					 prefix, s->availability_zones,
					 s->availability_zones);
	}
	return pr->count == before ? 0 : -1;
}

int spec_check_value(const char *key, const char *text, char *why, size_t why_size)
{
	const struct key_def *k = find_key(key);
	char *end;
	long n = 0;

	if (!k) {
		snprintf(why, why_size, _("%s: unknown key"), key);
		return -1;
	}
	if (!text)
		text = "";
	switch (k->type) {
	case K_STRING:
		return check_key(k, text, 0, why, why_size);
	case K_INT:
		errno = 0;
		n = strtol(text, &end, 10);
		if (!text[0] || *end || errno || n < INT_MIN || n > INT_MAX ||
		    isspace((unsigned char)text[0])) {
			snprintf(why, why_size, _("must be %s"), type_name(k->type));
			return -1;
		}
		return check_key(k, NULL, n, why, why_size);
	case K_BOOL:
		if (strcmp(text, "true") == 0 || strcmp(text, "false") == 0)
			return 0;
		snprintf(why, why_size, _("must be %s"), type_name(k->type));
		return -1;
	}
	return -1;
}

int spec_set_value(struct spec *s, const char *key, const char *text,
		   char *why, size_t why_size)
{
	const struct key_def *k = find_key(key);

	if (spec_check_value(key, text, why, why_size) < 0)
		return -1;
	switch (k->type) {
	case K_STRING:
		/* "" for ecr_repository follows the name, as in a file. */
		if (strcmp(key, "ecr_repository") == 0 && !text[0])
			text = s->name ? s->name : "";
		if (set_string_key(s, k, text) < 0) {
			snprintf(why, why_size, "%s", strerror(ENOMEM));
			return -1;
		}
		break;
	case K_INT:
		*INT_AT(s, k) = (int)strtol(text, NULL, 10);
		break;
	case K_BOOL:
		*BOOL_AT(s, k) = strcmp(text, "true") == 0;
		break;
	}
	return 0;
}

cJSON *spec_to_json(const struct spec *s)
{
	cJSON *obj = cJSON_CreateObject();
	size_t i;

	if (!obj)
		return NULL;
	for (i = 0; i < N_KEYS; i++) {
		const struct key_def *k = &spec_keys[i];
		cJSON *v = NULL;

		switch (k->type) {
		case K_STRING:
			v = cJSON_CreateString(CSTR_AT(s, k) ? CSTR_AT(s, k) : "");
			break;
		case K_INT:
			v = cJSON_CreateNumber(CINT_AT(s, k));
			break;
		case K_BOOL:
			v = cJSON_CreateBool(CBOOL_AT(s, k));
			break;
		}
		if (!v || !cJSON_AddItemToObject(obj, k->key, v)) {
			cJSON_Delete(v);
			cJSON_Delete(obj);
			return NULL;
		}
	}
	return obj;
}
