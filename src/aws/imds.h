/* imds.h - credentials from EC2 instance metadata (IMDSv2 only).
 *
 * PUT /latest/api/token (X-aws-ec2-metadata-token-ttl-seconds), then
 * GET /latest/meta-data/iam/security-credentials/ for the role name and
 * GET .../<role> for the keys, each with X-aws-ec2-metadata-token. The
 * endpoint is AWS_EC2_METADATA_SERVICE_ENDPOINT, else http://169.254.169.254
 * (http://[fd00:ec2::254] with AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv6);
 * AWS_EC2_METADATA_DISABLED=true turns it off. Timeouts are short (1 s, one
 * retry) so a machine that is not on EC2 is not slowed down. */
#ifndef ECSW_AWS_IMDS_H
#define ECSW_AWS_IMDS_H

#include "aws/creds.h"
#include "aws/error.h"

/* Whether the environment allows asking instance metadata at all. */
int aws_imds_enabled(void);

/* Fetch the instance role's credentials. -1 with err->kind AWS_ERR_NETWORK
 * or AWS_ERR_TIMEOUT when no metadata service answers (not on EC2), other
 * kinds when one answers but gives no usable credentials. */
int aws_imds_credentials(struct aws_creds **out, struct aws_error *err);

#endif
