/* cost-refresh.h - read current on-demand prices from the AWS Price List
 * API (pricing:GetProducts, served in us-east-1) into the user's price
 * cache (price_table_cache_path()), which overlays the shipped table. */
#ifndef ECSW_COST_REFRESH_H
#define ECSW_COST_REFRESH_H

#include "aws/client.h"
#include "aws/error.h"
#include "cost.h"

struct cost_refresh_result {
	int found;   /* figures read */
	int missing; /* figures the Price List had no product for (kept as shipped) */
};

/* Read the figures for region (the instance types in the NULL-terminated
 * list, gp3 storage, NAT gateway and load balancer hours, EFS storage)
 * with client c (whose region must be one serving the Price List API:
 * us-east-1), and write them as region's entry of the table at cache_path
 * (0600, its directory made 0700; other regions there are kept). 0, or -1
 * with err (the call's error, or the file's). */
int cost_refresh_prices(struct aws_client *c, const char *region,
			const char *const *instance_types, const char *cache_path,
			struct cost_refresh_result *res, struct aws_error *err);

#endif
