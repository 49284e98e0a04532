/* preflight-checks.c - the checks of preflight-checks.h, one function each.
 *
 * Every call is read-only (Describe*, Get*, SimulatePrincipalPolicy). */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/client.h"
#include "i18n.h"
#include "interrupt.h"
#include "preflight-checks.h"

/* Pages we follow at most for one list (instances, VPCs, simulation). */
#define MAX_PAGES 50

struct run {
	struct ew_context *ctx;
	const struct spec *s;
	const struct plan *p;
	struct pf_findings *f;
	int oom;
	char **zones;   /* the zones the plan uses, owned; NULL when unknown */
	int zone_count;
	int slr_missing; /* AWSServiceRoleForECS absent */
};

static const cJSON *get(const cJSON *o, const char *k)
{
	return cJSON_GetObjectItemCaseSensitive(o, k);
}

static char *vformat(const char *fmt, va_list ap)
{
	char *s = NULL;

	return vasprintf(&s, fmt, ap) < 0 ? NULL : s;
}

/* Add a finding; fix_fmt may be NULL (then no fix). Both are printf
 * formats sharing the argument list: the fix is formatted after the
 * message from a second copy of the arguments. */
static void add(struct run *r, const char *check, enum pf_status st,
		const char *fix, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static void add(struct run *r, const char *check, enum pf_status st,
		const char *fix, const char *fmt, ...)
{
	struct pf_findings *f = r->f;
	struct pf_finding *grown;
	char *msg, *fx = NULL;
	va_list ap;

	if (r->oom)
		return;
	va_start(ap, fmt);
	msg = vformat(fmt, ap);
	va_end(ap);
	if (fix)
		fx = strdup(fix);
	grown = msg && (!fix || fx) ?
		realloc(f->items, (size_t)(f->count + 1) * sizeof(*grown)) : NULL;
	if (!grown) {
		free(msg);
		free(fx);
		r->oom = 1;
		return;
	}
	f->items = grown;
	f->items[f->count++] = (struct pf_finding){ check, st, msg, fx };
	if (st == PF_PROBLEM)
		f->problems++;
	else if (st == PF_UNCHECKED)
		f->unchecked++;
}

/* A fix formatted now (add() copies it). Returns buf. */
static const char *fixf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static const char *fixf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return buf;
}

/* A check that could not be made: say which call and what AWS said. */
static void unchecked(struct run *r, const char *check, const char *what,
		      const struct aws_error *err)
{
	char line[768];

	aws_error_format(err, line, sizeof(line));
	add(r, check, PF_UNCHECKED, NULL, _("%s: could not check (%s)"), what, line);
}

/* Build {"Filters": [{"Name": n, "Values": [v...]}]} pieces. */
static cJSON *filter(const char *name, const char *const *values, int n)
{
	cJSON *f = cJSON_CreateObject();
	cJSON *vals = f ? cJSON_AddArrayToObject(f, "Values") : NULL;

	if (!vals || !cJSON_AddStringToObject(f, "Name", name)) {
		cJSON_Delete(f);
		return NULL;
	}
	for (int i = 0; i < n; i++)
		cJSON_AddItemToArray(vals, cJSON_CreateString(values[i]));
	if (cJSON_GetArraySize(vals) != n) {
		cJSON_Delete(f);
		return NULL;
	}
	return f;
}

static cJSON *with_filters(cJSON *a, cJSON *b)
{
	cJSON *in = cJSON_CreateObject();
	cJSON *list = in ? cJSON_AddArrayToObject(in, "Filters") : NULL;

	if (!list || !a) {
		cJSON_Delete(in);
		cJSON_Delete(a);
		cJSON_Delete(b);
		return NULL;
	}
	cJSON_AddItemToArray(list, a);
	if (b)
		cJSON_AddItemToArray(list, b);
	return in;
}

/* --- The zones and the instance types offered in them --- */

static int load_zones(struct run *r, struct aws_error *err)
{
	const char *avail[] = { "available" };
	cJSON *in = with_filters(filter("state", avail, 1), NULL);
	cJSON *out = NULL;
	const cJSON *z;
	int n = 0, rc = -1;

	if (!in)
		return r->oom = 1, -1;
	if (aws_call(r->ctx->client, "ec2", "DescribeAvailabilityZones", in, &out, err) < 0)
		goto out;
	r->zones = calloc((size_t)r->s->availability_zones + 1, sizeof(char *));
	if (!r->zones) {
		r->oom = 1;
		goto out;
	}
	/* The plan takes the first zones in the order AWS lists them. */
	cJSON_ArrayForEach(z, get(out, "AvailabilityZones")) {
		const cJSON *name = get(z, "ZoneName");

		if (n < r->s->availability_zones && cJSON_IsString(name) &&
		    !(r->zones[n++] = strdup(name->valuestring)))
			r->oom = 1;
	}
	r->zone_count = n;
	rc = 0;
out:
	cJSON_Delete(in);
	cJSON_Delete(out);
	return rc;
}

/* Which of the first `need` plan zones offer type; appends the missing
 * ones to missing. -1 with err when the call failed. */
static int zones_missing(struct run *r, const char *type, int need, char *missing,
			 size_t size, struct aws_error *err)
{
	cJSON *in = with_filters(filter("instance-type", &type, 1),
				 filter("location", (const char *const *)r->zones, need));
	cJSON *out = NULL;
	int absent = 0;

	missing[0] = '\0';
	if (!in || !cJSON_AddStringToObject(in, "LocationType", "availability-zone")) {
		cJSON_Delete(in);
		r->oom = 1;
		return -1;
	}
	if (aws_call(r->ctx->client, "ec2", "DescribeInstanceTypeOfferings", in, &out, err) < 0) {
		cJSON_Delete(in);
		return -1;
	}
	for (int i = 0; i < need; i++) {
		const cJSON *o;
		int found = 0;

		cJSON_ArrayForEach(o, get(out, "InstanceTypeOfferings")) {
			const cJSON *loc = get(o, "Location"), *t = get(o, "InstanceType");

			if (cJSON_IsString(loc) && cJSON_IsString(t) &&
			    strcmp(loc->valuestring, r->zones[i]) == 0 &&
			    strcmp(t->valuestring, type) == 0)
				found = 1;
		}
		if (!found) {
			size_t len = strlen(missing);

			snprintf(missing + len, size - len, "%s%s", absent ? ", " : "",
				 r->zones[i]);
			absent++;
		}
	}
	cJSON_Delete(in);
	cJSON_Delete(out);
	return absent;
}

static void check_zones(struct run *r)
{
	const char *check = "instance-type-zones";
	struct aws_error err;
	char missing[512], fix[768];
	int absent;

	aws_error_clear(&err);
	if (load_zones(r, &err) < 0) {
		if (!r->oom)
			unchecked(r, check, "ec2:DescribeAvailabilityZones", &err);
		return;
	}
	if (r->zone_count < r->s->availability_zones) {
		add(r, check, PF_PROBLEM,
		    fixf(fix, sizeof(fix), _("set availability_zones to %d or fewer, or choose another region"),
			 r->zone_count),
		    _("%s has %d available zones; the plan needs %d"),
		    r->ctx->region, r->zone_count, r->s->availability_zones);
		return;
	}
	/* The hosts run in every zone; the bastion in the first. */
	absent = zones_missing(r, r->s->instance_type, r->zone_count, missing,
			       sizeof(missing), &err);
	if (absent < 0 && !r->oom)
		unchecked(r, check, "ec2:DescribeInstanceTypeOfferings", &err);
	else if (absent > 0)
		add(r, check, PF_PROBLEM,
		    fixf(fix, sizeof(fix), _("set instance_type to a type offered in every zone the plan uses, or choose another region")),
		    _("instance type %s is not offered in %s (the plan uses %d zones)"),
		    r->s->instance_type, missing, r->zone_count);
	else if (absent == 0)
		add(r, check, PF_OK, NULL, _("instance type %s is offered in every zone the plan uses"),
		    r->s->instance_type);
	if (absent < 0)
		return;
	absent = zones_missing(r, r->s->bastion_instance_type, 1, missing, sizeof(missing), &err);
	if (absent < 0 && !r->oom)
		unchecked(r, check, "ec2:DescribeInstanceTypeOfferings", &err);
	else if (absent > 0)
		add(r, check, PF_PROBLEM,
		    fixf(fix, sizeof(fix), _("set bastion_instance_type to a type offered in %s"),
			 missing),
		    _("bastion instance type %s is not offered in %s"),
		    r->s->bastion_instance_type, missing);
}

/* --- Quotas --- */

const char *pf_vcpu_quota_code(const char *type)
{
	/* Families with quotas of their own, though their letter is standard. */
	static const char *const own[] = { "dl", "inf", "trn", "u-", "hpc", NULL };

	if (!type || !strchr("acdhimrtz", type[0]))
		return NULL;
	for (int i = 0; own[i]; i++)
		if (strncmp(type, own[i], strlen(own[i])) == 0)
			return NULL;
	return "L-1216C47A";
}

/* The quota's value: the account's, else AWS's default. 0, or -1 with err. */
static int quota_value(struct run *r, const char *service, const char *code,
		       double *value, struct aws_error *err)
{
	const char *ops[] = { "GetServiceQuota", "GetAWSDefaultServiceQuota" };
	int rc = -1;

	for (int i = 0; i < 2 && rc < 0; i++) {
		cJSON *in = cJSON_CreateObject(), *out = NULL;
		const cJSON *v;

		if (!in || !cJSON_AddStringToObject(in, "ServiceCode", service) ||
		    !cJSON_AddStringToObject(in, "QuotaCode", code)) {
			cJSON_Delete(in);
			r->oom = 1;
			return -1;
		}
		if (i > 0)
			aws_error_clear(err);
		if (aws_call(r->ctx->client, "service-quotas", ops[i], in, &out, err) == 0) {
			v = get(get(out, "Quota"), "Value");
			if (cJSON_IsNumber(v)) {
				*value = v->valuedouble;
				rc = 0;
			} else {
				aws_error_set(err, AWS_ERR_PARSE, "NoQuotaValue", "%s",
					      "the quota has no value");
			}
		}
		cJSON_Delete(in);
		cJSON_Delete(out);
		/* Only "not applied to this account" sends us to the default. */
		if (rc < 0 && strcmp(err->code, "NoSuchResourceException") != 0)
			break;
	}
	return rc;
}

/* Count a list, page by page: items under list_key, or with count_fn
 * (given arg). */
static int count_pages(struct run *r, const char *service, const char *op,
		       cJSON *in, const char *list_key,
		       double (*count_fn)(const cJSON *out, void *arg), void *arg,
		       double *total, struct aws_error *err)
{
	cJSON *out = NULL;
	const cJSON *next;
	int rc = -1;

	*total = 0;
	for (int page = 0; page < MAX_PAGES; page++) {
		if (aws_call(r->ctx->client, service, op, in, &out, err) < 0)
			goto out;
		*total += count_fn ? count_fn(out, arg) : cJSON_GetArraySize(get(out, list_key));
		next = get(out, "NextToken");
		if (!cJSON_IsString(next) || !*next->valuestring)
			break;
		cJSON_DeleteItemFromObjectCaseSensitive(in, "NextToken");
		if (!cJSON_AddStringToObject(in, "NextToken", next->valuestring)) {
			r->oom = 1;
			goto out;
		}
		cJSON_Delete(out);
		out = NULL;
	}
	rc = 0;
out:
	cJSON_Delete(out);
	return rc;
}

/* vCPUs of running and pending instances in the standard families, from
 * their CpuOptions; instances without them are counted by type in arg
 * ({"type": count}) to be priced with DescribeInstanceTypes. */
static double count_vcpus(const cJSON *out, void *arg)
{
	cJSON *by_type = arg;
	const cJSON *res, *inst;
	double n = 0;

	cJSON_ArrayForEach(res, get(out, "Reservations"))
		cJSON_ArrayForEach(inst, get(res, "Instances")) {
			const cJSON *t = get(inst, "InstanceType");
			const cJSON *cpu = get(inst, "CpuOptions");
			const cJSON *cores = get(cpu, "CoreCount"), *threads = get(cpu, "ThreadsPerCore");
			cJSON *seen;

			if (!cJSON_IsString(t) || !pf_vcpu_quota_code(t->valuestring))
				continue;
			if (cJSON_IsNumber(cores)) {
				n += cores->valuedouble *
					(cJSON_IsNumber(threads) ? threads->valuedouble : 1);
				continue;
			}
			seen = cJSON_GetObjectItemCaseSensitive(by_type, t->valuestring);
			if (seen)
				cJSON_SetNumberValue(seen, seen->valuedouble + 1);
			else
				cJSON_AddNumberToObject(by_type, t->valuestring, 1);
		}
	return n;
}

/* DefaultVCpus of each type named in list (strings): fills vcpus[type]. */
static int describe_vcpus(struct run *r, const cJSON *names, cJSON *vcpus,
			  struct aws_error *err)
{
	cJSON *in = cJSON_CreateObject(), *out = NULL;
	const cJSON *t;
	int rc = -1;

	if (!in || !cJSON_AddItemToObject(in, "InstanceTypes", cJSON_Duplicate(names, 1))) {
		cJSON_Delete(in);
		r->oom = 1;
		return -1;
	}
	if (aws_call(r->ctx->client, "ec2", "DescribeInstanceTypes", in, &out, err) < 0)
		goto out;
	cJSON_ArrayForEach(t, get(out, "InstanceTypes")) {
		const cJSON *name = get(t, "InstanceType");
		const cJSON *v = get(get(t, "VCpuInfo"), "DefaultVCpus");

		if (cJSON_IsString(name) && cJSON_IsNumber(v))
			cJSON_AddNumberToObject(vcpus, name->valuestring, v->valuedouble);
	}
	rc = 0;
out:
	cJSON_Delete(in);
	cJSON_Delete(out);
	return rc;
}

/* vCPUs in use: running and pending standard instances. */
static int vcpus_in_use(struct run *r, double *used, struct aws_error *err)
{
	const char *states[] = { "pending", "running" };
	cJSON *in = with_filters(filter("instance-state-name", states, 2), NULL);
	cJSON *by_type = cJSON_CreateObject(), *names = cJSON_CreateArray();
	cJSON *vcpus = cJSON_CreateObject();
	const cJSON *t;
	int rc = -1;

	if (!in || !by_type || !names || !vcpus) {
		r->oom = 1;
		goto out;
	}
	if (count_pages(r, "ec2", "DescribeInstances", in, NULL, count_vcpus, by_type,
			used, err) < 0)
		goto out;
	if (cJSON_GetArraySize(by_type) > 0) {
		cJSON_ArrayForEach(t, by_type)
			cJSON_AddItemToArray(names, cJSON_CreateString(t->string));
		if (describe_vcpus(r, names, vcpus, err) < 0)
			goto out;
		cJSON_ArrayForEach(t, by_type) {
			const cJSON *v = get(vcpus, t->string);

			*used += t->valuedouble * (cJSON_IsNumber(v) ? v->valuedouble : 1);
		}
	}
	rc = 0;
out:
	cJSON_Delete(in);
	cJSON_Delete(by_type);
	cJSON_Delete(names);
	cJSON_Delete(vcpus);
	return rc;
}

/* Default vCPUs of the host and bastion types. */
static int type_vcpus(struct run *r, const char *host, const char *bastion,
		      int *host_v, int *bastion_v, struct aws_error *err)
{
	cJSON *names = cJSON_CreateArray(), *vcpus = cJSON_CreateObject();
	const cJSON *h, *b;
	int rc = -1;

	if (!names || !vcpus) {
		r->oom = 1;
		goto out;
	}
	cJSON_AddItemToArray(names, cJSON_CreateString(host));
	if (strcmp(host, bastion) != 0)
		cJSON_AddItemToArray(names, cJSON_CreateString(bastion));
	if (describe_vcpus(r, names, vcpus, err) < 0)
		goto out;
	h = get(vcpus, host);
	b = get(vcpus, bastion);
	if (!cJSON_IsNumber(h) || !cJSON_IsNumber(b)) {
		aws_error_set(err, AWS_ERR_SERVICE, "UnknownInstanceType",
			      "no vCPU count for %s", !cJSON_IsNumber(h) ? host : bastion);
		goto out;
	}
	*host_v = h->valueint;
	*bastion_v = b->valueint;
	rc = 0;
out:
	cJSON_Delete(names);
	cJSON_Delete(vcpus);
	return rc;
}

static void check_vcpus(struct run *r)
{
	const char *check = "vcpu-quota";
	const char *code = pf_vcpu_quota_code(r->s->instance_type);
	struct aws_error err;
	int host_v, bastion_v, need;
	double used, quota;
	char fix[768];

	aws_error_clear(&err);
	if (!code) {
		add(r, check, PF_UNCHECKED, NULL,
		    _("instance type %s is not in the standard On-Demand families; check its own vCPU quota in Service Quotas"),
		    r->s->instance_type);
		return;
	}
	if (type_vcpus(r, r->s->instance_type, r->s->bastion_instance_type, &host_v,
		       &bastion_v, &err) < 0) {
		if (!r->oom)
			unchecked(r, check, "ec2:DescribeInstanceTypes", &err);
		return;
	}
	/* The group may grow to asg_max; the bastion counts when standard. */
	need = r->s->asg_max * host_v +
		(pf_vcpu_quota_code(r->s->bastion_instance_type) ? bastion_v : 0);
	if (vcpus_in_use(r, &used, &err) < 0) {
		if (!r->oom)
			unchecked(r, check, "ec2:DescribeInstances", &err);
		return;
	}
	if (quota_value(r, "ec2", code, &quota, &err) < 0) {
		if (!r->oom)
			unchecked(r, check, "service-quotas:GetServiceQuota ec2/L-1216C47A", &err);
		return;
	}
	if (used + need > quota)
		add(r, check, PF_PROBLEM,
		    fixf(fix, sizeof(fix), _("request an increase of quota L-1216C47A (Running On-Demand Standard instances) to at least %.0f vCPUs in Service Quotas, or lower asg_max or choose a smaller instance_type"),
			 used + need),
		    _("the plan needs %d vCPUs (asg_max %d x %d + bastion %d); %.0f are in use and the quota is %.0f"),
		    need, r->s->asg_max, host_v, bastion_v, used, quota);
	else
		add(r, check, PF_OK, NULL,
		    _("the plan needs %d vCPUs; %.0f are in use and the quota is %.0f"),
		    need, used, quota);
}

static int count_created(const struct plan *p, const char *kind)
{
	int n = 0;

	for (int i = 0; p && i < p->count; i++)
		if (p->actions[i].role == PLAN_CREATE && strcmp(p->actions[i].kind, kind) == 0)
			n++;
	return n;
}

/* Used + needed against a quota: Elastic IPs, VPCs. */
static void check_count_quota(struct run *r, const char *check, const char *what,
			      const char *list_service, const char *list_op,
			      const char *list_key, const char *quota_service,
			      const char *quota_code, int need)
{
	struct aws_error err;
	cJSON *in = cJSON_CreateObject();
	double used, quota;
	char where[128], fix[768];

	aws_error_clear(&err);
	if (!in) {
		r->oom = 1;
		return;
	}
	if (count_pages(r, list_service, list_op, in, list_key, NULL, NULL, &used, &err) < 0) {
		cJSON_Delete(in);
		snprintf(where, sizeof(where), "%s:%s", list_service, list_op);
		if (!r->oom)
			unchecked(r, check, where, &err);
		return;
	}
	cJSON_Delete(in);
	if (quota_value(r, quota_service, quota_code, &quota, &err) < 0) {
		snprintf(where, sizeof(where), "service-quotas:GetServiceQuota %s/%s",
			 quota_service, quota_code);
		if (!r->oom)
			unchecked(r, check, where, &err);
		return;
	}
	if (used + need > quota)
		add(r, check, PF_PROBLEM,
		    fixf(fix, sizeof(fix), _("release unused %s, or request an increase of quota %s to at least %.0f in Service Quotas"),
			 _(what), quota_code, used + need),
		    _("%s: %.0f in use, the plan needs %d more, the quota is %.0f"),
		    _(what), used, need, quota);
	else
		add(r, check, PF_OK, NULL, _("%s: %.0f in use, the plan needs %d more, the quota is %.0f"),
		    _(what), used, need, quota);
}

/* --- Roles --- */

static void check_role(struct run *r, const char *check, const char *name,
		       int created_by_plan)
{
	cJSON *in = cJSON_CreateObject(), *out = NULL;
	struct aws_error err;

	aws_error_clear(&err);
	if (!in || !cJSON_AddStringToObject(in, "RoleName", name)) {
		cJSON_Delete(in);
		r->oom = 1;
		return;
	}
	if (aws_call(r->ctx->client, "iam", "GetRole", in, &out, &err) == 0)
		add(r, check, PF_OK, NULL, _("role %s exists"), name);
	else if (strcmp(err.code, "NoSuchEntity") == 0 && created_by_plan)
		add(r, check, PF_OK, NULL, _("role %s does not exist yet; deploy creates it"), name);
	else if (strcmp(err.code, "NoSuchEntity") == 0) {
		r->slr_missing = 1;
		add(r, check, PF_OK, NULL,
		    _("role %s does not exist yet; ECS creates it with the first cluster (the caller needs iam:CreateServiceLinkedRole)"),
		    name);
	} else
		unchecked(r, check, "iam:GetRole", &err);
	cJSON_Delete(in);
	cJSON_Delete(out);
}

/* --- What IAM lets the caller do --- */

void pf_iam_action(const char *service, const char *operation, char *out, size_t size)
{
	static const char *const map[][2] = {
		{ "elbv2", "elasticloadbalancing" }, { "efs", "elasticfilesystem" },
		{ "service-quotas", "servicequotas" }, { "apigatewayv2", "apigateway" },
		{ NULL, NULL },
	};
	const char *prefix = service;

	for (int i = 0; map[i][0]; i++)
		if (strcmp(map[i][0], service) == 0)
			prefix = map[i][1];
	snprintf(out, size, "%s:%s", prefix, operation);
}

char *pf_policy_source_arn(const char *arn)
{
	const char *p;
	char *out = NULL;
	int acct_len;

	if (!arn)
		return NULL;
	/* arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION -> arn:aws:iam::ACCOUNT:role/NAME */
	if (strncmp(arn, "arn:aws:sts::", 13) == 0 && (p = strstr(arn, ":assumed-role/"))) {
		const char *name = p + 14, *end = strchr(name, '/');

		acct_len = (int)(p - (arn + 13));
		if (!end || asprintf(&out, "arn:aws:iam::%.*s:role/%.*s", acct_len, arn + 13,
				     (int)(end - name), name) < 0)
			return NULL;
		return out;
	}
	if (strncmp(arn, "arn:aws:iam::", 13) == 0 &&
	    (strstr(arn, ":user/") || strstr(arn, ":role/")))
		return strdup(arn);
	return NULL; /* root, federated-user: nothing to simulate */
}

/* Add "prefix:Operation" to the list unless it is there. */
static void add_action(struct run *r, cJSON *list, const char *service, const char *op)
{
	char name[160];
	const cJSON *it;

	if (!service || !*service || !op || !*op)
		return;
	pf_iam_action(service, op, name, sizeof(name));
	cJSON_ArrayForEach(it, list)
		if (strcmp(it->valuestring, name) == 0)
			return;
	if (!cJSON_AddItemToArray(list, cJSON_CreateString(name)))
		r->oom = 1;
}

/* Every call the plan makes: its actions, how it finds what exists, and
 * the calls behind its local steps and waiters. */
static cJSON *plan_actions(struct run *r)
{
	static const char *const extra[][2] = {
		{ "iam", "PassRole" }, { "iam", "CreateServiceLinkedRole" },
		{ "ecr", "GetAuthorizationToken" }, { "ecr", "InitiateLayerUpload" },
		{ "ecr", "UploadLayerPart" }, { "ecr", "CompleteLayerUpload" },
		{ "ecr", "BatchCheckLayerAvailability" }, { "ecr", "PutImage" },
		{ "ec2", "DescribeInstances" }, { "ecs", "DescribeServices" },
		{ "elbv2", "DescribeTargetHealth" }, { NULL, NULL },
	};
	cJSON *list = cJSON_CreateArray();

	if (!list) {
		r->oom = 1;
		return NULL;
	}
	for (int i = 0; i < r->p->count; i++) {
		const struct plan_action *a = &r->p->actions[i];
		const cJSON *fs = get(a->find, "service"), *fo = get(a->find, "operation");

		if (a->role != PLAN_LOCAL)
			add_action(r, list, a->service, a->operation);
		if (cJSON_IsString(fs) && cJSON_IsString(fo))
			add_action(r, list, fs->valuestring, fo->valuestring);
	}
	for (int i = 0; extra[i][0]; i++) {
		/* ECS makes its service-linked role only when it is missing. */
		if (strcmp(extra[i][1], "CreateServiceLinkedRole") == 0 && !r->slr_missing)
			continue;
		if (strcmp(extra[i][0], "ecr") == 0 && !r->s->push_image &&
		    strcmp(extra[i][1], "GetAuthorizationToken") != 0)
			continue;
		add_action(r, list, extra[i][0], extra[i][1]);
	}
	return list;
}

static void check_simulate(struct run *r, const char *caller_arn)
{
	const char *check = "iam-simulate";
	char *source = pf_policy_source_arn(caller_arn);
	cJSON *in = NULL, *out = NULL, *names;
	const cJSON *res, *marker;
	struct aws_error err;
	char denied[2048] = "", fix[2600];
	int n_denied = 0, n_checked = 0;

	aws_error_clear(&err);
	if (!r->p) {
		add(r, check, PF_UNCHECKED, NULL, "%s",
		    _("no plan for this spec: the calls it makes were not simulated"));
		goto out;
	}
	if (!source) {
		add(r, check, PF_UNCHECKED, NULL,
		    _("%s is not an IAM user or role: its permissions were not simulated"),
		    caller_arn ? caller_arn : "?");
		goto out;
	}
	in = cJSON_CreateObject();
	names = plan_actions(r);
	if (!in || !names || !cJSON_AddItemToObject(in, "ActionNames", names) ||
	    !cJSON_AddStringToObject(in, "PolicySourceArn", source)) {
		if (!in || !cJSON_GetObjectItemCaseSensitive(in, "ActionNames"))
			cJSON_Delete(names);
		r->oom = 1;
		goto out;
	}
	for (int page = 0; page < MAX_PAGES; page++) {
		if (aws_call(r->ctx->client, "iam", "SimulatePrincipalPolicy", in, &out, &err) < 0) {
			unchecked(r, check, "iam:SimulatePrincipalPolicy", &err);
			goto out;
		}
		cJSON_ArrayForEach(res, get(out, "EvaluationResults")) {
			const cJSON *name = get(res, "EvalActionName"), *d = get(res, "EvalDecision");

			n_checked++;
			if (cJSON_IsString(d) && strcmp(d->valuestring, "allowed") != 0 &&
			    cJSON_IsString(name)) {
				size_t len = strlen(denied);

				snprintf(denied + len, sizeof(denied) - len, "%s%s",
					 n_denied ? ", " : "", name->valuestring);
				n_denied++;
			}
		}
		marker = get(out, "Marker");
		if (!cJSON_IsTrue(get(out, "IsTruncated")) || !cJSON_IsString(marker))
			break;
		cJSON_DeleteItemFromObjectCaseSensitive(in, "Marker");
		if (!cJSON_AddStringToObject(in, "Marker", marker->valuestring)) {
			r->oom = 1;
			goto out;
		}
		cJSON_Delete(out);
		out = NULL;
	}
	if (n_denied)
		add(r, check, PF_PROBLEM,
		    fixf(fix, sizeof(fix), _("allow these actions to %s (the guide's policy of section 3 with AmazonECS_FullAccess and AmazonElasticFileSystemFullAccess covers them): %s"),
			 source, denied),
		    _("IAM denies %d of the %d calls the plan makes: %s"), n_denied, n_checked,
		    denied);
	else
		add(r, check, PF_OK, NULL, _("IAM allows all %d calls the plan makes"), n_checked);
out:
	free(source);
	cJSON_Delete(in);
	cJSON_Delete(out);
}

int pf_run(struct ew_context *ctx, const struct spec *s, const struct plan *p,
	   const char *caller_arn, struct pf_findings *out, struct aws_error *err)
{
	struct run r = { .ctx = ctx, .s = s, .p = p, .f = out };

	memset(out, 0, sizeof(*out));
	check_zones(&r);
	if (!ew_interrupted)
		check_vcpus(&r);
	if (!ew_interrupted)
		check_count_quota(&r, "elastic-ip-quota", N_("Elastic IP addresses"), "ec2",
				  "DescribeAddresses", "Addresses", "ec2", "L-0263D0A3",
				  count_created(p, "ec2:elastic-ip"));
	if (!ew_interrupted)
		check_count_quota(&r, "vpc-quota", N_("VPCs"), "ec2", "DescribeVpcs", "Vpcs",
				  "vpc", "L-F678F1CE", p ? count_created(p, "ec2:vpc") : 1);
	if (!ew_interrupted)
		check_role(&r, "role:ecsInstanceRole", "ecsInstanceRole", 1);
	if (!ew_interrupted)
		check_role(&r, "role:ecsTaskExecutionRole", "ecsTaskExecutionRole", 1);
	if (!ew_interrupted)
		check_role(&r, "role:AWSServiceRoleForECS", "AWSServiceRoleForECS", 0);
	if (!ew_interrupted)
		check_simulate(&r, caller_arn);
	for (int i = 0; r.zones && r.zones[i]; i++)
		free(r.zones[i]);
	free(r.zones);
	if (r.oom) {
		pf_findings_free(out);
		aws_error_set(err, AWS_ERR_NOMEM, "OutOfMemory", "out of memory");
		return -1;
	}
	if (ew_interrupted) {
		pf_findings_free(out);
		aws_error_set(err, AWS_ERR_CANCELLED, "Interrupted", "interrupted");
		return -1;
	}
	return 0;
}

void pf_findings_free(struct pf_findings *f)
{
	if (!f)
		return;
	for (int i = 0; i < f->count; i++) {
		free(f->items[i].message);
		free(f->items[i].fix);
	}
	free(f->items);
	memset(f, 0, sizeof(*f));
}

const char *pf_status_name(enum pf_status st)
{
	switch (st) {
	case PF_OK: return "ok";
	case PF_PROBLEM: return "problem";
	case PF_UNCHECKED: return "unchecked";
	}
	return "unchecked";
}

cJSON *pf_findings_to_json(const struct pf_findings *f)
{
	cJSON *list = cJSON_CreateArray();

	for (int i = 0; list && i < f->count; i++) {
		const struct pf_finding *x = &f->items[i];
		cJSON *o = cJSON_CreateObject();

		if (!o || !cJSON_AddItemToArray(list, o)) {
			cJSON_Delete(o);
			break;
		}
		cJSON_AddStringToObject(o, "check", x->check);
		cJSON_AddStringToObject(o, "status", pf_status_name(x->status));
		cJSON_AddStringToObject(o, "message", x->message);
		if (x->fix)
			cJSON_AddStringToObject(o, "fix", x->fix);
		else
			cJSON_AddNullToObject(o, "fix");
	}
	return list;
}
