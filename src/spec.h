/* spec.h - the user's answers: what to deploy and how.
 *
 * A spec starts from the guide's values (spec_new_defaults) and is
 * overlaid with a JSON file (--spec) or the TUI's forms. Validation is
 * separate from loading so that every problem can be reported at once,
 * each naming its key, before anything is sent to AWS. The per-key checks
 * are exported so the TUI validates fields as the user types. */
#ifndef ECSW_SPEC_H
#define ECSW_SPEC_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

struct spec {
	char *name;                 /* "ecsdocs": prefix of every resource name, names the journal */
	char *region;               /* "us-east-1" */
	char *vpc_cidr;             /* "10.0.0.0/16" */
	int availability_zones;     /* 2 */
	bool marketplace;           /* false: EFS + license; true: metering policy, no EFS */
	char *instance_type;        /* "m5zn.xlarge" */
	int root_volume_gib;        /* 50 */
	int task_cpu;               /* 1024 (1 vCPU) */
	int task_memory;            /* 14336 (14 GB) */
	int container_port;         /* 8080 */
	char *health_check_path;    /* "/healthz" */
	char *load_balancer_scheme; /* "internal" or "internet-facing" */
	char *admin_cidr;           /* who may SSH to the bastion */
	char *image;                /* "deid:3.3.2-cpu", docker-archive:PATH, oci:DIR:TAG */
	bool push_image;            /* true */
	char *ecr_repository;       /* defaults to name */
	char *license_file;         /* "license.json" */
	char *ssh_key_file;         /* "": create a key pair */
	char *ssh_user;             /* "ec2-user" */
	char *efs_mount_path;       /* "/mnt/efs/fs1" */
	char *bastion_instance_type; /* "t2.micro" */
	int asg_min, asg_max, asg_desired; /* 0, 1, 1 */
	int desired_tasks;          /* 1 */
	int log_retention_days;     /* 30 */
	bool api_gateway;           /* false: an HTTP API with a VPC link to an internal load balancer */
};

/* One problem found by validation: the key and what is wrong with it,
 * already translated. */
struct spec_problem {
	char key[64];
	char message[256];
};

struct spec_problems {
	struct spec_problem *items; /* owned */
	size_t count;
};

/* A spec holding the guide's defaults; NULL on OOM. */
struct spec *spec_new_defaults(void);
void spec_free(struct spec *s);

/* Overlay the keys of a JSON file onto s. Unknown keys, wrong types and an
 * unreadable or non-JSON file are problems (file:line where possible);
 * returns 0 when none were added, -1 otherwise. */
int spec_load_file(struct spec *s, const char *path, struct spec_problems *pr);
int spec_load_json(struct spec *s, const cJSON *obj, struct spec_problems *pr);

/* Check every value (CIDR syntax and size, names, region, cpu/memory pair,
 * files readable, license is JSON ...). Returns 0 when pr stayed empty. */
int spec_validate(const struct spec *s, struct spec_problems *pr);

/* Check one key's value given as text (TUI fields). Returns 0 when fine,
 * else -1 with a translated reason in why. */
int spec_check_value(const char *key, const char *text, char *why, size_t why_size);

/* Check one key's value as spec_check_value() does, then store it (the
 * TUI's fields, --name). Setting name also moves ecr_repository when it
 * was following the name. 0, or -1 with the reason in why and s unchanged. */
int spec_set_value(struct spec *s, const char *key, const char *text,
		   char *why, size_t why_size);

/* The spec as a JSON object with every key (for --output json, saving the
 * answers for a headless re-run). Caller frees with cJSON_Delete. */
cJSON *spec_to_json(const struct spec *s);

void spec_problems_init(struct spec_problems *pr);
void spec_problems_free(struct spec_problems *pr);
void spec_problem_add(struct spec_problems *pr, const char *key,
		      const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
