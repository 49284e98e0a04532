/* verify.h - the live checks after section 17 (QCMD_VERIFY): what the
 * guide has a person do from the bastion with curl.
 *
 *   1. the service reaches its desired running count (DescribeServices);
 *   2. each running task's private address (ListTasks, DescribeTasks'
 *      ENI attachment) answers GET / with an app_version and GET /healthz
 *      with 2xx, through a direct-tcpip channel from the bastion;
 *   3. the load balancer's DNS name answers GET / on port 80: directly
 *      when internet-facing, through the bastion when internal;
 *   4. with section 18 deployed, the API's invoke URL (GetApi's
 *      ApiEndpoint) answers GET / the same way, directly over https.
 * Each check is retried with backoff within a time limit (scaled by the
 * engine's delay_scale) while targets become healthy; every failed try
 * posts a QEV_WAITING event with DescribeTargetHealth's view alongside.
 * A result is a QEV_CHECK event: key "check-task", "check-load-balancer" or
 * "check-api-gateway",
 * id the address checked, text the app_version, ok. A failure's err.where
 * names the hop that failed. */
#ifndef ECSW_VERIFY_H
#define ECSW_VERIFY_H

#include "bastion.h"
#include "engine.h"

/* Make cfg's checks the engine's QCMD_VERIFY. cfg is borrowed and must
 * outlive e's runs. */
void verify_register(struct engine *e, const struct bastion_config *cfg);

/* The checks themselves (what QCMD_VERIFY runs). 0 when all passed. */
int verify_run(const struct bastion_config *cfg, struct engine *e,
	       struct aws_error *err);

#endif
