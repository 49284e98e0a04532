/* 10-load-balancer.c - guide section 10, "Create Load Balancer".
 *
 * An application load balancer, internal in the private subnets or
 * internet-facing in the public ones, behind the load balancer group, and
 * an HTTP:80 listener forwarding to the target group. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "plan-build.h"
#include "util/buf.h"

static int lb_plan(const struct spec *s, struct plan *p, struct aws_error *err)
{
	const int internal = !s->load_balancer_scheme ||
			     strcmp(s->load_balancer_scheme, "internet-facing") != 0;
	int zones = s->availability_zones < 1 ? 2 : s->availability_zones;
	char name[160];
	struct plan_action *a;
	cJSON *subnets = cJSON_CreateArray();

	(void)err;
	if (zones > 8)
		zones = 8;
	for (int i = 0; subnets && i < zones; i++) {
		char ref[64];
		snprintf(ref, sizeof ref, "${subnet-%s-%d.id}",
			 internal ? "private" : "public", i + 1);
		cJSON_AddItemToArray(subnets, cJSON_CreateString(ref));
	}
	plan_name(name, sizeof name, s, "-lb");
	a = plan_add(p, 10, PLAN_CREATE, "load-balancer", "elbv2:load-balancer", name,
		     "elbv2", "CreateLoadBalancer",
		     pj(p, "{'Name': %s, 'Type': 'application', 'Scheme': %s, "
			   "'IpAddressType': 'ipv4', 'Subnets': %j, "
			   "'SecurityGroups': ['${sg-lb.id}'], 'Tags': %j}",
			name, internal ? "internal" : "internet-facing", subnets,
			plan_kv_tags(p, s, name, "Key", "Value")));
	plan_set_id(p, a, "LoadBalancers[0].LoadBalancerArn",
		    "LoadBalancers[0].LoadBalancerArn");
	plan_set_keep(p, a, "LoadBalancers[0].DNSName");
	plan_set_find(p, a, "elbv2", "DescribeLoadBalancers",
		      pj(p, "{'Names': [%s]}", name), "LoadBalancers[0].LoadBalancerArn",
		      "LoadBalancers[0].LoadBalancerArn", "LoadBalancerNotFound");
	plan_set_wait(p, a, "LoadBalancerAvailable",
		      pj(p, "{'LoadBalancerArns': ['${self.id}']}"));

	a = plan_add(p, 10, PLAN_CREATE, "listener", "elbv2:listener", "HTTP:80",
		     "elbv2", "CreateListener",
		     pj(p, "{'LoadBalancerArn': '${load-balancer.id}', 'Protocol': 'HTTP', "
			   "'Port': 80, 'DefaultActions': [{'Type': 'forward', "
			   "'TargetGroupArn': '${target-group.id}'}], 'Tags': %j}",
			plan_kv_tags(p, s, name, "Key", "Value")));
	plan_set_id(p, a, "Listeners[0].ListenerArn", "Listeners[0].ListenerArn");
	plan_set_find(p, a, "elbv2", "DescribeListeners",
		      pj(p, "{'LoadBalancerArn': '${load-balancer.id}'}"),
		      "Listeners[?Port==`80`].ListenerArn",
		      "Listeners[?Port==`80`].ListenerArn", "ListenerNotFound");
	return 0;
}

static const char *const lb_fields[] = { "load_balancer_scheme", NULL };

const struct step step_load_balancer = {
	.id = "10-load-balancer",
	.section = 10,
	.title = N_("Create Load Balancer"),
	.summary = N_("An application load balancer with an HTTP listener that "
		      "forwards to the target group."),
	.fields = lb_fields,
	.plan = lb_plan,
};
