/* spec-fixture.h - a spec with the guide's values for the engine's unit
 * tests, built by hand so they do not depend on spec.c's loader. */
#ifndef ECSW_TEST_SPEC_FIXTURE_H
#define ECSW_TEST_SPEC_FIXTURE_H

#include <stdlib.h>
#include <string.h>

#include "spec.h"

static inline struct spec *fixture_spec(int marketplace)
{
	struct spec *s = calloc(1, sizeof *s);

	s->name = strdup("ecsdocs");
	s->region = strdup("us-east-1");
	s->vpc_cidr = strdup("10.0.0.0/16");
	s->availability_zones = 2;
	s->marketplace = marketplace;
	s->instance_type = strdup("m5zn.xlarge");
	s->root_volume_gib = 50;
	s->task_cpu = 1024;
	s->task_memory = 14336;
	s->container_port = 8080;
	s->health_check_path = strdup("/healthz");
	s->load_balancer_scheme = strdup("internal");
	s->admin_cidr = strdup("203.0.113.7/32");
	s->image = strdup("deid:3.3.2-cpu");
	s->push_image = 1;
	s->ecr_repository = strdup("");
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
	return s;
}

static inline void fixture_set(char **field, const char *value)
{
	free(*field);
	*field = strdup(value);
}

static inline void fixture_spec_free(struct spec *s)
{
	char **strs[] = { &s->name, &s->region, &s->vpc_cidr, &s->instance_type,
			  &s->health_check_path, &s->load_balancer_scheme,
			  &s->admin_cidr, &s->image, &s->ecr_repository,
			  &s->license_file, &s->ssh_key_file, &s->ssh_user,
			  &s->efs_mount_path, &s->bastion_instance_type };
	for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
		free(*strs[i]);
	free(s);
}

#endif
