/* verify.c - the live checks after section 17, and of section 18's API
 * when there is one (see verify.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "jpath.h"
#include "probe.h"
#include "util/buf.h"
#include "verify.h"

/* Unscaled bounds, in seconds (tests shrink them with delay_scale). */
#define SERVICE_LIMIT 900.0 /* tasks placed and running */
#define CHECK_LIMIT 600.0   /* targets healthy and answering */
#define FIRST_DELAY 5.0
#define MAX_DELAY 30.0
#define MAX_TASKS 16

struct checks {
	const struct bastion_config *cfg;
	struct engine *e;
	struct ssh_session *ssh; /* opened on first need */
};

static double scaled(const struct engine *e, double seconds, double floor)
{
	double s = seconds * (e->delay_scale > 0 ? e->delay_scale : 1.0);
	return s < floor ? floor : s;
}

static cJSON *call(struct checks *c, const char *service, const char *op, cJSON *in,
		   struct aws_error *err)
{
	cJSON *out = NULL;
	int rc = in ? aws_call(c->cfg->client, service, op, in, &out, err) : -1;

	cJSON_Delete(in);
	return rc == 0 ? out : NULL;
}

static cJSON *cluster_input(struct checks *c)
{
	cJSON *in = cJSON_CreateObject();

	cJSON_AddStringToObject(in, "cluster", journal_id_of(c->e->journal, "cluster"));
	return in;
}

/* Wait for runningCount >= desiredCount > 0; *name gets the service's
 * name (borrowed from the journal's spec). */
static int wait_service(struct checks *c, char *name, size_t size, struct aws_error *err)
{
	const char *arn = journal_id_of(c->e->journal, "service");
	double start = bastion_now(), deadline = start + scaled(c->e, SERVICE_LIMIT, 5.0);
	char text[160];

	for (;;) {
		cJSON *in = cluster_input(c), *out, *list = cJSON_CreateArray();
		const cJSON *running, *desired, *sname;

		cJSON_AddItemToArray(list, cJSON_CreateString(arn));
		cJSON_AddItemToObject(in, "services", list);
		out = call(c, "ecs", "DescribeServices", in, err);
		if (!out)
			return -1;
		running = jpath_get(out, "services[0].runningCount");
		desired = jpath_get(out, "services[0].desiredCount");
		sname = jpath_get(out, "services[0].serviceName");
		if (cJSON_IsString(sname))
			snprintf(name, size, "%s", sname->valuestring);
		if (cJSON_IsNumber(running) && cJSON_IsNumber(desired) &&
		    desired->valueint > 0 && running->valueint >= desired->valueint) {
			cJSON_Delete(out);
			return 0;
		}
		snprintf(text, sizeof text, _("service: %d of %d tasks running"),
			 cJSON_IsNumber(running) ? running->valueint : 0,
			 cJSON_IsNumber(desired) ? desired->valueint : 0);
		cJSON_Delete(out);
		if (bastion_now() >= deadline) {
			aws_error_set(err, AWS_ERR_TIMEOUT, "ServiceNotRunning", "%s", text);
			aws_error_where(err, "ecs:%s", name);
			return -1;
		}
		engine_post_waiting(c->e, "check-service", NULL, text, bastion_now() - start);
		if (bastion_nap(c->cfg, scaled(c->e, FIRST_DELAY, 0.05), err) < 0)
			return -1;
	}
}

/* The private IPv4 addresses of the service's running tasks. Each ips[i]
 * is the caller's. Returns the count, or -1. */
static int task_addresses(struct checks *c, const char *service, char **ips, int max,
			  struct aws_error *err)
{
	cJSON *in = cluster_input(c), *out, *arns;
	const cJSON *t;
	int n = 0;

	cJSON_AddStringToObject(in, "serviceName", service);
	cJSON_AddStringToObject(in, "desiredStatus", "RUNNING");
	out = call(c, "ecs", "ListTasks", in, err);
	if (!out)
		return -1;
	arns = cJSON_DetachItemFromObjectCaseSensitive(out, "taskArns");
	cJSON_Delete(out);
	if (!cJSON_IsArray(arns) || cJSON_GetArraySize(arns) == 0) {
		cJSON_Delete(arns);
		aws_error_set(err, AWS_ERR_SERVICE, "NoTasks", "%s",
			      _("the service lists no running task"));
		aws_error_where(err, "ecs:%s", service);
		return -1;
	}
	in = cluster_input(c);
	cJSON_AddItemToObject(in, "tasks", arns);
	out = call(c, "ecs", "DescribeTasks", in, err);
	if (!out)
		return -1;
	cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(out, "tasks")) {
		const cJSON *ip = jpath_get(t, "attachments[0].details[?name=='privateIPv4Address'].value");
		if (n < max && cJSON_IsString(ip) && ip->valuestring[0]) {
			ips[n] = strdup(ip->valuestring);
			if (ips[n])
				n++;
		}
	}
	cJSON_Delete(out);
	if (n == 0) {
		aws_error_set(err, AWS_ERR_SERVICE, "NoTaskAddress", "%s",
			      _("no running task has a private address yet"));
		aws_error_where(err, "ecs:%s", service);
		return -1;
	}
	return n;
}

/* "10.0.1.5:8080 unhealthy (Target.FailedHealthChecks)", one per target,
 * into b; nothing when the call fails (the view is only a hint). */
static void target_health(struct checks *c, struct buf *b)
{
	cJSON *in = cJSON_CreateObject(), *out;
	const cJSON *d;
	struct aws_error err;

	aws_error_clear(&err);
	buf_reset(b);
	cJSON_AddStringToObject(in, "TargetGroupArn",
				journal_id_of(c->e->journal, "target-group"));
	out = call(c, "elbv2", "DescribeTargetHealth", in, &err);
	cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(out, "TargetHealthDescriptions")) {
		char *id = jpath_text(d, "Target.Id"), *port = jpath_text(d, "Target.Port");
		char *state = jpath_text(d, "TargetHealth.State");
		char *reason = jpath_text(d, "TargetHealth.Reason");

		buf_printf(b, "%s%s:%s %s", b->len ? ", " : "", id ? id : "?",
			   port ? port : "?", state ? state : "?");
		if (reason)
			buf_printf(b, " (%s)", reason);
		free(id);
		free(port);
		free(state);
		free(reason);
	}
	if (!b->len)
		buf_printf(b, "%s", _("none registered"));
	cJSON_Delete(out);
}

static int ensure_ssh(struct checks *c, struct aws_error *err)
{
	return c->ssh ? 0 : bastion_open(c->cfg, c->e, &c->ssh, err);
}

/* One GET: through the bastion (http), or directly over scheme. */
static int get(struct checks *c, int via_bastion, const char *scheme, const char *host,
	       int port, const char *path, struct probe_result *res, struct aws_error *err)
{
	char url[600];

	memset(res, 0, sizeof *res);
	if (via_bastion) {
		if (ensure_ssh(c, err) < 0)
			return -1;
		return ssh_http_get(c->ssh, host, port, path, 0, res, err);
	}
	snprintf(url, sizeof url, "%s://%s:%d%s", scheme, host, port, path);
	return probe_http_direct(url, c->cfg->connect_to, c->cfg->connect_to_count, 0, res,
				 err);
}

/* A failure worth another try: the target not healthy or not listening
 * yet. A refused host key or login is final. */
static int transient(const struct aws_error *err)
{
	return strcmp(err->code, "HttpStatus") == 0 || strcmp(err->code, "ProbeFailed") == 0 ||
	       strcmp(err->code, "ProbeTimeout") == 0 || err->kind == AWS_ERR_TIMEOUT;
}

/* GET each path on scheme://host:port until all answer 2xx; the
 * app_version of the first goes into *version (caller's). */
static int check_target(struct checks *c, const char *key, int via_bastion,
			const char *scheme, const char *host, int port,
			const char *const *paths, char **version, struct aws_error *err)
{
	double start = bastion_now(), deadline = start + scaled(c->e, CHECK_LIMIT, 5.0);
	double delay = scaled(c->e, FIRST_DELAY, 0.05);
	struct buf health, text;
	char hop[300];
	int rc = -1;

	buf_init(&health, 4096);
	buf_init(&text, 8192);
	snprintf(hop, sizeof hop, "%s:%d", host, port);
	for (;;) {
		struct probe_result res;
		int i, ok = 1;

		aws_error_clear(err);
		for (i = 0; ok && paths[i]; i++) {
			ok = get(c, via_bastion, scheme, host, port, paths[i], &res, err) == 0;
			if (ok && i == 0) {
				free(*version);
				*version = strdup(res.app_version ? res.app_version : "?");
			}
			probe_result_free(&res);
		}
		if (ok) {
			rc = 0;
			break;
		}
		if (!transient(err))
			break;
		target_health(c, &health);
		if (bastion_now() + delay >= deadline) {
			char msg[sizeof err->message];
			snprintf(msg, sizeof msg, "%s", err->message);
			snprintf(err->message, sizeof err->message, _("%s; target health: %s"),
				 msg, buf_str(&health));
			break;
		}
		buf_reset(&text);
		buf_printf(&text, _("%s: %s; target health: %s"), err->where, err->message,
			   buf_str(&health));
		engine_post_waiting(c->e, key, hop, buf_str(&text), bastion_now() - start);
		if (bastion_nap(c->cfg, delay, err) < 0)
			break;
		delay = delay * 2 > scaled(c->e, MAX_DELAY, 0.05) ? scaled(c->e, MAX_DELAY, 0.05)
								 : delay * 2;
	}
	engine_post(c->e, QEV_CHECK, key, hop, rc == 0 ? *version : NULL, rc == 0,
		    rc == 0 ? NULL : err);
	buf_free(&health);
	buf_free(&text);
	return rc;
}

/* The API Gateway section's invoke URL, asked of AWS (the journal's id
 * stays true when the API was found again rather than created): reached
 * directly over https, certificate checked. */
static int check_api(struct checks *c, const char *const *paths, char **version,
		     struct aws_error *err)
{
	cJSON *in = cJSON_CreateObject(), *out;
	const char *url;
	char host[256];
	size_t len;

	cJSON_AddStringToObject(in, "ApiId", journal_id_of(c->e->journal, "api"));
	out = call(c, "apigatewayv2", "GetApi", in, err);
	if (!out)
		return -1;
	url = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(out, "ApiEndpoint"));
	if (!url || strncmp(url, "https://", 8) != 0 ||
	    (len = strcspn(url + 8, ":/?#")) == 0 || len >= sizeof host) {
		aws_error_set(err, AWS_ERR_PARSE, "NoApiEndpoint", "%s",
			      _("the API has no https invoke URL"));
		aws_error_where(err, "apigatewayv2:%s", journal_id_of(c->e->journal, "api"));
		cJSON_Delete(out);
		return -1;
	}
	memcpy(host, url + 8, len);
	host[len] = '\0';
	cJSON_Delete(out);
	return check_target(c, "check-api-gateway", 0, "https", host, 443, paths, version, err);
}

int verify_run(const struct bastion_config *cfg, struct engine *e, struct aws_error *err)
{
	static const char *const task_paths[] = { "/", "/healthz", NULL };
	static const char *const lb_paths[] = { "/", NULL };
	struct checks c = { cfg, e, NULL };
	const char *dns = NULL;
	char service[256] = "", *ips[MAX_TASKS], *version = NULL;
	int n = 0, rc = -1;

	if (!journal_id_of(e->journal, "service") || !journal_id_of(e->journal, "cluster")) {
		aws_error_set(err, AWS_ERR_INPUT, "NoService", "%s",
			      _("the journal has no service yet: run deploy first"));
		return -1;
	}
	if (wait_service(&c, service, sizeof service, err) < 0)
		goto out;
	n = task_addresses(&c, service, ips, MAX_TASKS, err);
	if (n < 0) {
		n = 0;
		goto out;
	}
	for (int i = 0; i < n; i++)
		if (check_target(&c, "check-task", 1, "http", ips[i], e->spec->container_port,
				 task_paths, &version, err) < 0)
			goto out;
	dns = cJSON_GetStringValue(
		cJSON_GetObjectItemCaseSensitive(journal_outputs_of(e->journal, "load-balancer"),
						 "DNSName"));
	if (!dns) {
		aws_error_set(err, AWS_ERR_INPUT, "NoLoadBalancer", "%s",
			      _("the journal has no load balancer DNS name"));
		goto out;
	}
	if (check_target(&c, "check-load-balancer",
			 strcmp(e->spec->load_balancer_scheme, "internet-facing") != 0, "http",
			 dns, 80, lb_paths, &version, err) < 0)
		goto out;
	if (journal_id_of(e->journal, "api") && check_api(&c, lb_paths, &version, err) < 0)
		goto out;
	rc = 0;
out:
	for (int i = 0; i < n; i++)
		free(ips[i]);
	free(version);
	ssh_session_free(c.ssh);
	return rc;
}

static int verify_hook(void *ctx, struct engine *e, struct aws_error *err)
{
	return verify_run(ctx, e, err);
}

void verify_register(struct engine *e, const struct bastion_config *cfg)
{
	e->verify = verify_hook;
	e->verify_ctx = (void *)cfg;
}
