/* deploy-local.h - hand the engine the PLAN_LOCAL work other modules do
 * (today the image push; the license copy once the SSH module offers it). */
#ifndef ECSW_DEPLOY_LOCAL_H
#define ECSW_DEPLOY_LOCAL_H

#include "aws/client.h"
#include "engine.h"

/* client is borrowed and must outlive e's runs. 0 / -1. */
int deploy_register_locals(struct engine *e, struct aws_client *client);

#endif
