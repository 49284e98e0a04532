/* 18-api-gateway.c - optional section 18, "API Gateway for the internal
 * load balancer".
 *
 * Planned only when the spec asks for it (api_gateway, which validation
 * allows only with an internal load balancer): an HTTP API whose default
 * route proxies every request through a VPC link to the load balancer's
 * HTTP:80 listener. The link's network interfaces sit in the private
 * subnets behind a group of their own, which the load balancer's group lets
 * in on the listener's port. The guide's policy (section 3) already grants
 * apigateway:*. The integration, route and stage belong to the API and go
 * with it; the integration and the route cannot carry tags (their calls
 * take none). */
#include "config.h"

#include <stdio.h>

#include "i18n.h"
#include "plan-build.h"

#define LISTENER_PORT 80 /* section 10's listener */

static int api_plan(const struct spec *s, struct plan *p, struct aws_error *err)
{
	int zones = s->availability_zones < 1 ? 2 : s->availability_zones;
	char link[160], api[160], path[400];
	struct plan_action *a;
	cJSON *subnets;

	(void)err;
	if (!s->api_gateway)
		return 0;
	if (zones > 8)
		zones = 8;
	subnets = cJSON_CreateArray();
	for (int i = 0; subnets && i < zones; i++) {
		char ref[64];
		snprintf(ref, sizeof ref, "${subnet-private-%d.id}", i + 1);
		cJSON_AddItemToArray(subnets, cJSON_CreateString(ref));
	}

	plan_add_security_group(p, s, 18, "sg-apigw", "-apigw-sg",
				"API Gateway VPC link: to the load balancer");
	plan_add_sg_rule(p, 18, "sg-lb-in-apigw", "AuthorizeSecurityGroupIngress", "sg-lb",
			 LISTENER_PORT, NULL, "sg-apigw", "HTTP from the API Gateway VPC link");

	plan_name(link, sizeof link, s, "-vpclink");
	a = plan_add(p, 18, PLAN_CREATE, "vpc-link", "apigatewayv2:vpc-link", link,
		     "apigatewayv2", "CreateVpcLink",
		     pj(p, "{'Name': %s, 'SubnetIds': %j, 'SecurityGroupIds': "
			   "['${sg-apigw.id}'], 'Tags': %j}",
			link, subnets, plan_map_tags(p, s, link)));
	plan_set_id(p, a, "VpcLinkId", NULL);
	/* A link left DELETING or FAILED by an earlier teardown is not ours
	 * to reuse: a rerun makes a new one. */
	snprintf(path, sizeof path,
		 "Items[?Name=='%s' && VpcLinkStatus!='DELETING' && "
		 "VpcLinkStatus!='FAILED'].VpcLinkId",
		 link);
	plan_set_find(p, a, "apigatewayv2", "GetVpcLinks", pj(p, "{}"), path, NULL, NULL);
	plan_set_wait(p, a, "VpcLinkAvailable", pj(p, "{'VpcLinkId': '${self.id}'}"));

	plan_name(api, sizeof api, s, "-api");
	a = plan_add(p, 18, PLAN_CREATE, "api", "apigatewayv2:api", api, "apigatewayv2",
		     "CreateApi",
		     pj(p, "{'Name': %s, 'ProtocolType': 'HTTP', 'Tags': %j}", api,
			plan_map_tags(p, s, api)));
	plan_set_id(p, a, "ApiId", NULL);
	plan_set_keep(p, a, "ApiEndpoint");
	snprintf(path, sizeof path, "Items[?Name=='%s'].ApiId", api);
	plan_set_find(p, a, "apigatewayv2", "GetApis", pj(p, "{}"), path, NULL, NULL);

	/* The listener's ARN is what an HTTP API's private integration names
	 * for an application load balancer. */
	a = plan_add(p, 18, PLAN_CREATE, "api-integration", "apigatewayv2:integration",
		     "VPC link to the load balancer", "apigatewayv2", "CreateIntegration",
		     pj(p, "{'ApiId': '${api.id}', 'IntegrationType': 'HTTP_PROXY', "
			   "'IntegrationMethod': 'ANY', 'ConnectionType': 'VPC_LINK', "
			   "'ConnectionId': '${vpc-link.id}', "
			   "'IntegrationUri': '${listener.id}', "
			   "'PayloadFormatVersion': '1.0'}"));
	plan_set_id(p, a, "IntegrationId", NULL);
	plan_set_find(p, a, "apigatewayv2", "GetIntegrations",
		      pj(p, "{'ApiId': '${api.id}'}"),
		      "Items[?IntegrationUri=='${listener.id}'].IntegrationId", NULL,
		      "NotFoundException");

	a = plan_add(p, 18, PLAN_CREATE, "api-route", "apigatewayv2:route", "$default",
		     "apigatewayv2", "CreateRoute",
		     pj(p, "{'ApiId': '${api.id}', 'RouteKey': '$default', "
			   "'Target': 'integrations/${api-integration.id}'}"));
	plan_set_id(p, a, "RouteId", NULL);
	plan_set_find(p, a, "apigatewayv2", "GetRoutes", pj(p, "{'ApiId': '${api.id}'}"),
		      "Items[?RouteKey=='$default'].RouteId", NULL, "NotFoundException");

	a = plan_add(p, 18, PLAN_CREATE, "api-stage", "apigatewayv2:stage", "$default",
		     "apigatewayv2", "CreateStage",
		     pj(p, "{'ApiId': '${api.id}', 'StageName': '$default', "
			   "'AutoDeploy': true, 'Tags': %j}",
			plan_map_tags(p, s, api)));
	plan_depends(p, a, "api-route");
	plan_set_id(p, a, "StageName", NULL);
	plan_set_find(p, a, "apigatewayv2", "GetStages", pj(p, "{'ApiId': '${api.id}'}"),
		      "Items[?StageName=='$default'].StageName", NULL, "NotFoundException");
	return 0;
}

static const char *const api_fields[] = { "api_gateway", NULL };

const struct step step_api_gateway = {
	.id = "18-api-gateway",
	.section = 18,
	.title = N_("API Gateway for the internal load balancer (optional)"),
	.summary = N_("An HTTP API whose default route reaches the internal load "
		      "balancer through a VPC link, for callers outside the VPC. "
		      "Left out unless asked for."),
	.fields = api_fields,
	.plan = api_plan,
};
