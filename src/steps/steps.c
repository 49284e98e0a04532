/* steps.c - the guide's sections in the guide's order (after tmux's
 * cmd_table). Section 1 (prerequisites) is the tool itself and section 16
 * does not exist in the guide. Section 18 (API Gateway) is ours, optional,
 * after the guide's last. */
#include "config.h"

#include "step.h"

extern const struct step step_vpc, step_policy, step_user, step_ecr,
	step_security_groups, step_efs, step_launch_template, step_target_group,
	step_load_balancer, step_auto_scaling, step_nat_gateway, step_cluster,
	step_bastion, step_task_definition, step_service, step_api_gateway;

const struct step *const steps[] = {
	&step_vpc,
	&step_policy,
	&step_user,
	&step_ecr,
	&step_security_groups,
	&step_efs,
	&step_launch_template,
	&step_target_group,
	&step_load_balancer,
	&step_auto_scaling,
	&step_nat_gateway,
	&step_cluster,
	&step_bastion,
	&step_task_definition,
	&step_service,
	&step_api_gateway,
	NULL,
};
