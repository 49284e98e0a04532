/* check_destroy.c - teardown's pure parts: which journal entries are
 * removed or kept, and the order AWS needs them to go in. */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "destroy.h"
#include "engine.h"
#include "spec-fixture.h"

/* The kinds of a full deployment, in the order deploy creates them. */
static const char *const full[] = {
	"sts:caller-identity", "ec2:vpc", "ec2:subnet", "ec2:subnet",
	"ec2:internet-gateway", "ec2:internet-gateway-attachment", "ec2:route-table",
	"ec2:route", "ec2:route-table-association", "iam:policy", "iam:user",
	"iam:user-policy-attachment", "ec2:key-pair", "ecr:repository",
	"ec2:security-group", "ec2:security-group", "ec2:security-group-rule",
	"efs:file-system", "efs:mount-target", "iam:role", "iam:instance-profile",
	"ec2:launch-template", "elbv2:target-group", "elbv2:load-balancer",
	"elbv2:listener", "autoscaling:group", "ec2:elastic-ip", "ec2:natgateway",
	"ecs:cluster", "ecs:capacity-provider", "ecs:cluster-capacity-providers",
	"ec2:instance", "logs:log-group", "ecs:task-definition", "ecs:service",
	"ec2:security-group", "ec2:security-group-rule", "apigatewayv2:vpc-link",
	"apigatewayv2:api", "apigatewayv2:integration", "apigatewayv2:route",
	"apigatewayv2:stage",
};
#define NFULL ((int)(sizeof full / sizeof full[0]))

static struct destroy_step steps[256];
static int nsteps;

static void schedule_full(void)
{
	nsteps = destroy_schedule(full, NFULL, steps, 256);
}

/* Position of the k-th (0-based) step of an item of kind; -1 if none. */
static int pos(const char *kind, int which_row)
{
	for (int s = 0; s < nsteps; s++)
		if (strcmp(full[steps[s].item], kind) == 0 && which_row-- == 0)
			return s;
	return -1;
}

/* Position of the last step among all items of kind. */
static int last_pos(const char *kind)
{
	int p = -1;

	for (int s = 0; s < nsteps; s++)
		if (strcmp(full[steps[s].item], kind) == 0)
			p = s;
	return p;
}

struct before { const char *first, *then; };

static const struct before order[] = {
	{ "apigatewayv2:api", "apigatewayv2:vpc-link" },
	{ "apigatewayv2:api", "elbv2:listener" },
	{ "apigatewayv2:vpc-link", "elbv2:listener" },
	{ "apigatewayv2:vpc-link", "ec2:security-group" },
	{ "apigatewayv2:vpc-link", "ec2:subnet" },
	{ "ecs:service", "ecs:task-definition" },
	{ "ecs:service", "autoscaling:group" },
	{ "ecs:service", "elbv2:listener" },
	{ "ecs:service", "ec2:security-group" },
	{ "ecs:capacity-provider", "ecs:cluster" },
	{ "elbv2:listener", "elbv2:load-balancer" },
	{ "elbv2:load-balancer", "elbv2:target-group" },
	{ "ec2:natgateway", "ec2:elastic-ip" },
	{ "efs:mount-target", "efs:file-system" },
	{ "efs:file-system", "ec2:security-group" },
	{ "ec2:instance", "ec2:security-group" },
	{ "ec2:instance", "ec2:key-pair" },
	{ "ec2:natgateway", "ec2:subnet" },
	{ "ec2:subnet", "ec2:vpc" },
	{ "ec2:route-table", "ec2:vpc" },
	{ "ec2:internet-gateway", "ec2:vpc" },
	{ "iam:user", "iam:policy" },
	{ "iam:instance-profile", "iam:role" },
	{ "ec2:launch-template", "iam:instance-profile" },
};

/* Every resource of `first` is gone before the first row of `then`. */
START_TEST(test_dependency_order)
{
	schedule_full();
	ck_assert_int_gt(last_pos(order[_i].first), -1);
	ck_assert_int_gt(pos(order[_i].then, 0), -1);
	ck_assert_msg(last_pos(order[_i].first) < pos(order[_i].then, 0),
		      "%s must go before %s", order[_i].first, order[_i].then);
}
END_TEST

/* The trap: the group is emptied before the capacity provider and the
 * cluster go, and deleted after them. */
START_TEST(test_asg_emptied_before_cluster)
{
	int drain, del;

	schedule_full();
	drain = pos("autoscaling:group", 0);
	del = pos("autoscaling:group", 1);
	ck_assert_int_gt(drain, -1);
	ck_assert_int_gt(del, drain);
	ck_assert_int_lt(drain, pos("ecs:capacity-provider", 0));
	ck_assert_int_lt(drain, pos("ecs:cluster", 0));
	ck_assert_int_gt(del, pos("ecs:cluster", 0));
	ck_assert_int_eq(steps[drain].last, 0);
	ck_assert_int_eq(steps[del].last, 1);
}
END_TEST

/* Every group's cross references are revoked before any group goes. */
START_TEST(test_rules_revoked_before_groups)
{
	int revoke_last = -1, delete_first = -1;

	schedule_full();
	for (int s = 0; s < nsteps; s++) {
		if (strcmp(full[steps[s].item], "ec2:security-group") != 0)
			continue;
		if (!steps[s].last)
			revoke_last = s;
		else if (delete_first < 0)
			delete_first = s;
	}
	ck_assert_int_gt(revoke_last, -1);
	ck_assert_int_gt(delete_first, revoke_last);
}
END_TEST

/* Lookups and configure actions have no recipe; each resource has exactly
 * one last row; ties go newest first. */
START_TEST(test_only_resources_each_once)
{
	int lasts[NFULL] = { 0 };
	int s1 = -1, s2 = -1;

	schedule_full();
	for (int s = 0; s < nsteps; s++) {
		const char *k = full[steps[s].item];
		ck_assert_msg(destroy_has_recipe(k), "%s scheduled", k);
		lasts[steps[s].item] += steps[s].last;
	}
	for (int i = 0; i < NFULL; i++)
		ck_assert_int_eq(lasts[i], destroy_has_recipe(full[i]) ? 1 : 0);
	ck_assert(!destroy_has_recipe("ec2:route"));
	/* They go with their API. */
	ck_assert(!destroy_has_recipe("apigatewayv2:integration"));
	ck_assert(!destroy_has_recipe("apigatewayv2:route"));
	ck_assert(!destroy_has_recipe("apigatewayv2:stage"));
	ck_assert(!destroy_has_recipe("sts:caller-identity"));
	ck_assert(!destroy_has_recipe(NULL));
	for (int s = 0; s < nsteps; s++)
		if (strcmp(full[steps[s].item], "ec2:subnet") == 0) {
			if (s1 < 0)
				s1 = s;
			else
				s2 = s;
		}
	ck_assert_int_gt(steps[s1].item, steps[s2].item);
}
END_TEST

START_TEST(test_null_kinds_and_capacity)
{
	const char *kinds[] = { "ec2:vpc", NULL, "ec2:subnet" };
	struct destroy_step few[2];

	ck_assert_int_eq(destroy_schedule(kinds, 3, steps, 256), 2);
	ck_assert_int_eq(steps[0].item, 2);
	ck_assert_int_eq(steps[1].item, 0);
	ck_assert_int_eq(destroy_schedule(full, NFULL, few, 2), 2);
}
END_TEST

START_TEST(test_verdicts)
{
	/* Ours: removed; roles only when this deployment made them. */
	ck_assert_int_eq(destroy_verdict_of("ec2:vpc", JOURNAL_CREATED, 1, 0, 0), DESTROY_REMOVE);
	ck_assert_int_eq(destroy_verdict_of("ec2:vpc", JOURNAL_ADOPTED, 1, 0, 0), DESTROY_REMOVE);
	/* An id the user typed (Skip with an id) is theirs. */
	ck_assert_int_eq(destroy_verdict_of("ec2:vpc", JOURNAL_ADOPTED, 1, 1, 0), DESTROY_KEEP);
	ck_assert_int_eq(destroy_verdict_of("iam:role", JOURNAL_CREATED, 1, 0, 0), DESTROY_REMOVE);
	ck_assert_int_eq(destroy_verdict_of("iam:role", JOURNAL_ADOPTED, 1, 0, 0), DESTROY_KEEP);
	ck_assert_int_eq(destroy_verdict_of("iam:instance-profile", JOURNAL_ADOPTED, 1, 0, 0),
			 DESTROY_KEEP);
	/* The repository keeps its images unless asked. */
	ck_assert_int_eq(destroy_verdict_of("ecr:repository", JOURNAL_CREATED, 1, 0, 0), DESTROY_KEEP);
	ck_assert_int_eq(destroy_verdict_of("ecr:repository", JOURNAL_CREATED, 1, 0, 1),
			 DESTROY_REMOVE);
	/* A create that was sent but never answered may exist: look. */
	ck_assert_int_eq(destroy_verdict_of("ec2:natgateway", JOURNAL_INTENT, 0, 0, 0),
			 DESTROY_REMOVE);
	ck_assert_int_eq(destroy_verdict_of("ec2:natgateway", JOURNAL_FAILED, 1, 0, 0),
			 DESTROY_REMOVE);
	/* Done, never made, or not ours to remove. */
	ck_assert_int_eq(destroy_verdict_of("ec2:vpc", JOURNAL_DELETED, 1, 0, 0), DESTROY_IGNORE);
	ck_assert_int_eq(destroy_verdict_of("ec2:vpc", JOURNAL_SKIPPED, 0, 0, 0), DESTROY_IGNORE);
	ck_assert_int_eq(destroy_verdict_of("ec2:vpc", JOURNAL_NONE, 0, 0, 0), DESTROY_IGNORE);
	ck_assert_int_eq(destroy_verdict_of("ec2:route", JOURNAL_CREATED, 0, 0, 0), DESTROY_IGNORE);
	ck_assert_int_eq(destroy_verdict_of("local:license", JOURNAL_CREATED, 0, 0, 0),
			 DESTROY_IGNORE);
}
END_TEST

/* ---- a run against a scripted AWS ---- */

static char tmpdir[64];
static struct spec *spec;
static struct engine *eng;
static char calls[128][160];
static int ncalls, sg_busy, terminated;

static const char *in_str(const cJSON *in, const char *field)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(in, field);
	return cJSON_IsString(v) ? v->valuestring : "";
}

/* Records "Operation arg"; answers as the script below says. */
static int scripted(void *ctx, struct aws_call_spec *c, int n)
{
	(void)ctx;
	for (int i = 0; i < n; i++) {
		const char *op = c[i].operation;
		const cJSON *in = c[i].input;
		if (ncalls < 128)
			snprintf(calls[ncalls++], sizeof calls[0], "%s %s", op,
				 in_str(in, strcmp(op, "DeleteSecurityGroup") == 0 ? "GroupId"
					    : strcmp(op, "DeleteSubnet") == 0 ? "SubnetId"
					    : strcmp(op, "DeleteRepository") == 0 ? "repositoryName"
					    : "VpcId"));
		if (strcmp(op, "DescribeSecurityGroups") == 0 &&
		    strcmp(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(in, "GroupIds"), 0)
				   ->valuestring, "sg-1") == 0)
			c[i].output = cJSON_Parse(
				"{\"SecurityGroups\": [{\"GroupId\": \"sg-1\", \"IpPermissions\": "
				"[{\"IpProtocol\": \"tcp\", \"FromPort\": 8080, \"ToPort\": 8080, "
				"\"IpRanges\": [], \"UserIdGroupPairs\": [{\"GroupId\": \"sg-2\", "
				"\"UserId\": \"123456789012\"}]}], \"IpPermissionsEgress\": []}]}");
		else if (strcmp(op, "DescribeTags") == 0)
			c[i].output = cJSON_Parse(
				"{\"Tags\": [{\"ResourceId\": \"i-77\", \"ResourceType\": \"instance\"}, "
				"{\"ResourceId\": \"vpc-1\", \"ResourceType\": \"vpc\"}]}");
		else if (strcmp(op, "DescribeInstances") == 0)
			c[i].output = cJSON_Parse(terminated
				? "{\"Reservations\": [{\"Instances\": [{\"State\": {\"Name\": "
				  "\"terminated\"}}]}]}"
				: "{\"Reservations\": [{\"Instances\": [{\"State\": {\"Name\": "
				  "\"running\"}}]}]}");
		else if (strcmp(op, "TerminateInstances") == 0 && (terminated = 1))
			c[i].output = cJSON_CreateObject();
		else if (strcmp(op, "DescribeSubnets") == 0)
			c[i].output = cJSON_Parse("{\"Subnets\": [{\"SubnetId\": \"subnet-9\"}]}");
		else if (strcmp(op, "DeleteSecurityGroup") == 0 && !strcmp(in_str(in, "GroupId"), "sg-1") &&
			 sg_busy-- > 0)
			aws_error_set(&c[i].err, AWS_ERR_SERVICE, "DependencyViolation",
				      "resource sg-1 has a dependent object");
		else if (strcmp(op, "DeleteSubnet") == 0)
			aws_error_set(&c[i].err, AWS_ERR_SERVICE, "InvalidSubnetID.NotFound",
				      "no such subnet");
		else
			c[i].output = cJSON_CreateObject();
	}
	return 0;
}

static int call_index(const char *text)
{
	for (int i = 0; i < ncalls; i++)
		if (strcmp(calls[i], text) == 0)
			return i;
	return -1;
}

static int call_count(const char *text)
{
	int k = 0;

	for (int i = 0; i < ncalls; i++)
		k += strcmp(calls[i], text) == 0;
	return k;
}

static void record(const char *key, const char *kind, const char *id, int adopted)
{
	struct aws_error err;

	aws_error_clear(&err);
	if (kind)
		ck_assert_int_eq(journal_record_intent(eng->journal, key, kind, "", &err), 0);
	if (id || !kind || adopted >= 0)
		ck_assert_int_eq(journal_record_created(eng->journal, key, id, NULL, NULL,
							adopted > 0, &err), 0);
}

static void run_setup(void)
{
	struct engine_options eo = { .state_dir = NULL, .delay_scale = 0.0001 };
	struct aws_error err;

	snprintf(tmpdir, sizeof tmpdir, "/tmp/check_destroy.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	eo.state_dir = tmpdir;
	spec = fixture_spec(0);
	aws_error_clear(&err);
	ck_assert_msg(engine_new(NULL, spec, &eo, &eng, &err) == 0, "%s", err.message);
	eng->call_many = scripted;
	ncalls = 0;
	sg_busy = 2;
	terminated = 0;
	record("account", NULL, NULL, 0);                       /* a lookup */
	record("vpc", "ec2:vpc", "vpc-1", 0);
	journal_record_intent(eng->journal, "subnet-private-1", "ec2:subnet", "", &err);
	record("sg-ecs", "ec2:security-group", "sg-1", 0);
	record("sg-lb", "ec2:security-group", "sg-2", 0);
	record("sg-ecs-in-service", "ec2:security-group-rule", NULL, 0);
	record("role-instance", NULL, "ecsInstanceRole", 1);   /* found, not made */
	record("ecr-repo", "ecr:repository", "ecsdocs", 0);
}

static void run_teardown(void)
{
	DIR *d = opendir(tmpdir);
	struct dirent *e;
	char path[512];

	engine_free(eng);
	eng = NULL;
	fixture_spec_free(spec);
	for (e = d ? readdir(d) : NULL; e; e = readdir(d)) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", tmpdir, e->d_name);
		unlink(path);
	}
	if (d)
		closedir(d);
	rmdir(tmpdir);
}

START_TEST(test_run_order_retries_and_verdicts)
{
	struct aws_error err;

	aws_error_clear(&err);
	ck_assert_msg(destroy_run(eng, &err) == 0, "%s: %s", err.code, err.message);
	/* The rule between the groups goes before any group; the busy group
	 * is tried again until it goes; the network goes last. */
	ck_assert_int_ge(call_index("RevokeSecurityGroupIngress "), 0);
	ck_assert_int_lt(call_index("RevokeSecurityGroupIngress "), call_index("DeleteSecurityGroup sg-2"));
	ck_assert_int_eq(call_count("DeleteSecurityGroup sg-1"), 3);
	/* The subnet whose create was never answered was looked up, then
	 * found gone on delete. */
	ck_assert_int_ge(call_index("DescribeSubnets "), 0);
	ck_assert_int_eq(call_count("DeleteSubnet subnet-9"), 1);
	ck_assert_int_gt(call_index("DeleteVpc vpc-1"), call_index("DeleteSecurityGroup sg-1"));
	ck_assert_int_gt(call_index("DeleteVpc vpc-1"), call_index("DeleteSubnet subnet-9"));
	/* A role this deployment found and the repository stay. */
	ck_assert_int_eq(call_index("DeleteRepository ecsdocs"), -1);
	for (int i = 0; i < ncalls; i++)
		ck_assert_msg(strncmp(calls[i], "DeleteRole", 10) != 0, "%s", calls[i]);
	ck_assert_int_eq(journal_state_of(eng->journal, "vpc"), JOURNAL_DELETED);
	ck_assert_int_eq(journal_state_of(eng->journal, "sg-ecs"), JOURNAL_DELETED);
	ck_assert_int_eq(journal_state_of(eng->journal, "subnet-private-1"), JOURNAL_DELETED);
	ck_assert_int_eq(journal_state_of(eng->journal, "sg-ecs-in-service"), JOURNAL_DELETED);
	ck_assert_int_eq(journal_state_of(eng->journal, "role-instance"), JOURNAL_ADOPTED);
	ck_assert_int_eq(journal_state_of(eng->journal, "ecr-repo"), JOURNAL_CREATED);
	ck_assert_int_eq(journal_state_of(eng->journal, "account"), JOURNAL_CREATED);
	/* A host the journal does not know, found by the deployment tag, goes
	 * before the groups; the VPC it also lists is not done twice. */
	ck_assert_int_eq(call_count("TerminateInstances "), 1);
	ck_assert_int_lt(call_index("TerminateInstances "), call_index("DeleteSecurityGroup sg-2"));
	ck_assert_int_eq(call_count("DeleteVpc vpc-1"), 1);
	ck_assert_int_eq(eng->n_deleted, 4);
	ck_assert_int_eq(eng->n_gone, 1);
	ck_assert_int_eq(eng->n_kept, 2);

	/* Again: nothing in the journal to do; the tag's host is looked at
	 * again (terminated hosts keep their tags) and found gone. */
	{
		int remove, keep;
		destroy_count(eng, &remove, &keep);
		ck_assert_int_eq(remove, 0);
		ck_assert_int_eq(keep, 2);
	}
	ncalls = 0;
	ck_assert_int_eq(destroy_run(eng, &err), 0);
	for (int i = 0; i < ncalls; i++)
		ck_assert_msg(!strncmp(calls[i], "DescribeTags", 12) ||
			      !strncmp(calls[i], "DescribeInstances", 17), "%s", calls[i]);
	ck_assert_int_eq(eng->n_deleted, 0);
	ck_assert_int_eq(eng->n_gone, 1);
	ck_assert_int_eq(journal_state_of(eng->journal, "vpc"), JOURNAL_DELETED);

	/* With --delete-images the repository goes, images and all. */
	eng->delete_images = 1;
	ck_assert_int_eq(destroy_run(eng, &err), 0);
	ck_assert_int_eq(call_count("DeleteRepository ecsdocs"), 1);
	ck_assert_int_eq(journal_state_of(eng->journal, "ecr-repo"), JOURNAL_DELETED);
}
END_TEST

/* A failure stops the run with AWS's words; what went before is recorded,
 * and a cancel stops it with AWS_ERR_CANCELLED. */
START_TEST(test_run_failure_and_cancel)
{
	struct aws_error err;

	sg_busy = 1000; /* busy for good: the tries run out */
	aws_error_clear(&err);
	ck_assert_int_eq(destroy_run(eng, &err), -1);
	ck_assert_str_eq(err.code, "DependencyViolation");
	ck_assert_int_eq(journal_state_of(eng->journal, "sg-lb"), JOURNAL_DELETED);
	ck_assert_int_eq(journal_state_of(eng->journal, "sg-ecs"), JOURNAL_CREATED);
	ck_assert_int_eq(journal_state_of(eng->journal, "vpc"), JOURNAL_CREATED);
	ck_assert_int_eq(journal_state_of(eng->journal, "sg-ecs-in-service"), JOURNAL_CREATED);
	eng->cancel = 1;
	aws_error_clear(&err);
	ck_assert_int_eq(destroy_run(eng, &err), -1);
	ck_assert_int_eq(err.kind, AWS_ERR_CANCELLED);
}
END_TEST

static Suite *destroy_suite(void)
{
	Suite *s = suite_create("destroy");
	TCase *tc = tcase_create("order");

	tcase_add_loop_test(tc, test_dependency_order, 0,
			    (int)(sizeof order / sizeof order[0]));
	tcase_add_test(tc, test_asg_emptied_before_cluster);
	tcase_add_test(tc, test_rules_revoked_before_groups);
	tcase_add_test(tc, test_only_resources_each_once);
	tcase_add_test(tc, test_null_kinds_and_capacity);
	tcase_add_test(tc, test_verdicts);
	suite_add_tcase(s, tc);
	tc = tcase_create("run");
	tcase_add_checked_fixture(tc, run_setup, run_teardown);
	tcase_add_test(tc, test_run_order_retries_and_verdicts);
	tcase_add_test(tc, test_run_failure_and_cancel);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(destroy_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
