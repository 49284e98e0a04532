/* check_cost.c - the cost estimate against the shipped price table: every
 * expected figure is computed here from the table itself (read with cJSON
 * on its own), never typed in, so a new table keeps the tests meaningful. */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aws/endpoint.h"
#include "cost.h"
#include "plan.h"
#include "spec-fixture.h"

static cJSON *table_json;    /* the shipped table, parsed here */
static struct price_table *table;

static void setup(void)
{
	FILE *f = fopen(TEST_PRICES, "rb");
	static char buf[1 << 20];
	size_t n;
	struct aws_error err;

	ck_assert_msg(f != NULL, "cannot open %s", TEST_PRICES);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	table_json = cJSON_Parse(buf);
	ck_assert_ptr_nonnull(table_json);
	aws_error_clear(&err);
	ck_assert_msg(price_table_load(TEST_PRICES, &table, &err) == 0, "%s", err.message);
}

static void teardown(void)
{
	price_table_free(table);
	cJSON_Delete(table_json);
}

/* The table's figure for region ("instance_hour.TYPE" or a name). */
static double fig(const char *region, const char *name)
{
	const cJSON *r = cJSON_GetObjectItem(cJSON_GetObjectItem(table_json, "regions"), region);
	const cJSON *v;

	if (strncmp(name, "instance_hour.", 14) == 0)
		v = cJSON_GetObjectItem(cJSON_GetObjectItem(r, "instance_hour"), name + 14);
	else
		v = cJSON_GetObjectItem(r, name);
	ck_assert_msg(cJSON_IsNumber(v), "table has no %s in %s", name, region);
	return v->valuedouble;
}

static int is_derived(const char *region, const char *name)
{
	const cJSON *r = cJSON_GetObjectItem(cJSON_GetObjectItem(table_json, "regions"), region);
	const cJSON *d;

	cJSON_ArrayForEach(d, cJSON_GetObjectItem(r, "derived"))
		if (strcmp(d->valuestring, name) == 0)
			return 1;
	return 0;
}

static struct plan *build(struct spec *s)
{
	struct plan *p = NULL;
	struct aws_error err;

	aws_error_clear(&err);
	ck_assert_msg(plan_build(s, &p, &err) == 0, "plan_build: %s", err.message);
	return p;
}

static void estimate(struct spec *s, struct cost_estimate *e)
{
	struct plan *p = build(s);
	struct aws_error err;

	aws_error_clear(&err);
	ck_assert_int_eq(cost_estimate(s, p, table, e, &err), 0);
	plan_free(p);
}

static const struct cost_item *item(const struct cost_estimate *e, const char *key)
{
	for (int i = 0; i < e->count; i++)
		if (strcmp(e->items[i].key, key) == 0)
			return &e->items[i];
	return NULL;
}

#define ck_money(got, want) \
	ck_assert_msg(fabs((got) - (want)) < 1e-9, "%s = %.10f, want %.10f", #got, \
		      (double)(got), (double)(want))

/* Hourly items: quantity x price; monthly = hourly x 730. Monthly items
 * (storage): quantity x price per month; hourly = monthly / 730. */
static void ck_item(const struct cost_estimate *e, const char *key, const char *region,
		    const char *figure, double quantity, int per_month)
{
	const struct cost_item *c = item(e, key);
	double price = fig(region, figure);
	double hourly = per_month ? quantity * price / 730.0 : quantity * price;

	ck_assert_msg(c != NULL, "no item %s", key);
	ck_assert_int_eq(c->known, 1);
	ck_assert_str_eq(c->price_key, figure);
	ck_money(c->quantity, quantity);
	ck_money(c->unit_price, price);
	ck_money(c->hourly, hourly);
	ck_money(c->monthly, hourly * 730.0);
	ck_assert_int_eq(c->derived, is_derived(region, figure));
}

static double sum_monthly(const struct cost_estimate *e)
{
	double t = 0;

	for (int i = 0; i < e->count; i++)
		if (e->items[i].known)
			t += e->items[i].monthly;
	return t;
}

START_TEST(test_guide_configuration)
{
	struct spec *s = fixture_spec(0);
	struct cost_estimate e;

	estimate(s, &e);
	ck_assert_int_eq(e.region_known, 1);
	ck_assert_str_eq(e.as_of, cJSON_GetObjectItem(table_json, "as_of")->valuestring);
	ck_assert_int_eq(e.unknown, 0);
	ck_item(&e, "ec2-hosts", "us-east-1", "instance_hour.m5zn.xlarge", s->asg_desired, 0);
	ck_item(&e, "ec2-bastion", "us-east-1", "instance_hour.t2.micro", 1, 0);
	ck_item(&e, "ebs-hosts", "us-east-1", "ebs_gp3_gib_month",
		s->asg_desired * s->root_volume_gib, 1);
	ck_item(&e, "ebs-bastion", "us-east-1", "ebs_gp3_gib_month", COST_BASTION_ROOT_GIB, 1);
	ck_item(&e, "nat-gateway", "us-east-1", "nat_gateway_hour", 1, 0);
	ck_item(&e, "load-balancer", "us-east-1", "alb_hour", 1, 0);
	/* Internal load balancer: the NAT's Elastic IP and the bastion's. */
	ck_item(&e, "public-ipv4", "us-east-1", "public_ipv4_hour", 2, 0);
	ck_item(&e, "efs-storage", "us-east-1", "efs_standard_gib_month", COST_EFS_GIB, 1);
	ck_item(&e, "log-storage", "us-east-1", "logs_storage_gib_month", COST_LOG_GIB, 1);
	ck_money(e.monthly_total, sum_monthly(&e));
	ck_money(e.hourly_total, e.monthly_total / 730.0);
	cost_estimate_free(&e);
	fixture_spec_free(s);
}
END_TEST

START_TEST(test_counts_follow_the_spec)
{
	struct spec *s = fixture_spec(1); /* Marketplace: no EFS */
	struct cost_estimate e;

	free(s->load_balancer_scheme);
	s->load_balancer_scheme = strdup("internet-facing");
	s->asg_desired = 3;
	s->asg_max = 3;
	s->root_volume_gib = 100;
	free(s->region);
	s->region = strdup("eu-west-1");
	estimate(s, &e);
	ck_item(&e, "ec2-hosts", "eu-west-1", "instance_hour.m5zn.xlarge", 3, 0);
	ck_item(&e, "ebs-hosts", "eu-west-1", "ebs_gp3_gib_month", 300, 1);
	/* NAT + bastion + one address per AZ for the internet-facing ALB. */
	ck_item(&e, "public-ipv4", "eu-west-1", "public_ipv4_hour",
		2 + s->availability_zones, 0);
	ck_assert_ptr_null(item(&e, "efs-storage"));
	ck_money(e.monthly_total, sum_monthly(&e));
	cost_estimate_free(&e);
	fixture_spec_free(s);
}
END_TEST

START_TEST(test_zero_hosts_cost_nothing)
{
	struct spec *s = fixture_spec(0);
	struct cost_estimate e;

	s->asg_desired = 0;
	estimate(s, &e);
	ck_assert_ptr_null(item(&e, "ec2-hosts"));
	ck_assert_ptr_null(item(&e, "ebs-hosts"));
	ck_assert_ptr_nonnull(item(&e, "ec2-bastion"));
	cost_estimate_free(&e);
	fixture_spec_free(s);
}
END_TEST

START_TEST(test_unknown_type_is_left_out)
{
	struct spec *s = fixture_spec(0);
	struct cost_estimate e;
	const struct cost_item *c;

	free(s->instance_type);
	s->instance_type = strdup("x9z.huge");
	estimate(s, &e);
	c = item(&e, "ec2-hosts");
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(c->known, 0);
	ck_assert_int_eq(e.unknown, 1);
	ck_money(e.monthly_total, sum_monthly(&e));
	ck_assert(e.monthly_total > 0);
	cost_estimate_free(&e);
	fixture_spec_free(s);
}
END_TEST

/* Every commercial region the client knows has every figure us-east-1 has. */
START_TEST(test_every_commercial_region)
{
	const cJSON *regions = cJSON_GetObjectItem(table_json, "regions");
	const cJSON *base = cJSON_GetObjectItem(regions, "us-east-1");
	const cJSON *r, *f;
	const char *probe[] = { "af-south-1", "ap-east-1", "ap-south-2", "ca-west-1",
				"eu-south-2", "il-central-1", "me-central-1", "mx-central-1",
				"sa-east-1", "us-west-1", NULL };

	ck_assert(cJSON_IsString(cJSON_GetObjectItem(table_json, "as_of")));
	ck_assert(cJSON_IsString(cJSON_GetObjectItem(table_json, "source")));
	for (int i = 0; probe[i]; i++)
		ck_assert_msg(cJSON_GetObjectItem(regions, probe[i]), "no %s", probe[i]);
	cJSON_ArrayForEach(r, regions) {
		ck_assert_msg(endpoint_region_known(r->string), "%s is no region", r->string);
		ck_assert_msg(strncmp(r->string, "cn-", 3) != 0, "%s is not commercial", r->string);
		cJSON_ArrayForEach(f, base) {
			if (cJSON_IsNumber(f))
				ck_assert_msg(cJSON_IsNumber(cJSON_GetObjectItem(r, f->string)),
					      "%s lacks %s", r->string, f->string);
		}
		cJSON_ArrayForEach(f, cJSON_GetObjectItem(base, "instance_hour"))
			ck_assert_msg(cJSON_GetObjectItem(cJSON_GetObjectItem(r, "instance_hour"),
							  f->string),
				      "%s lacks %s", r->string, f->string);
	}
}
END_TEST

static char *write_temp(const char *text)
{
	char *path = strdup("/tmp/check_cost.XXXXXX");
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

START_TEST(test_refreshed_figures_win)
{
	struct spec *s = fixture_spec(0);
	struct cost_estimate e;
	struct aws_error err;
	char *cache;
	const struct cost_item *c;

	free(s->region);
	s->region = strdup("ap-south-2");
	ck_assert(is_derived("ap-south-2", "instance_hour.m5zn.xlarge"));
	cache = write_temp("{\"format\": 1, \"regions\": {\"ap-south-2\": {"
			   "\"as_of\": \"2030-01-02\", \"source\": \"test\","
			   "\"instance_hour\": {\"m5zn.xlarge\": 1.5}, \"alb_hour\": 0.5}}}");
	aws_error_clear(&err);
	ck_assert_int_eq(price_table_overlay(table, cache, &err), 0);
	estimate(s, &e);
	c = item(&e, "ec2-hosts");
	ck_money(c->unit_price, 1.5);
	ck_assert_int_eq(c->derived, 0);
	ck_money(item(&e, "load-balancer")->hourly, 0.5);
	ck_assert_int_eq(item(&e, "load-balancer")->derived, 0);
	/* Figures the refresh did not bring stay the shipped ones. */
	ck_money(item(&e, "nat-gateway")->unit_price, fig("ap-south-2", "nat_gateway_hour"));
	ck_assert_str_eq(e.as_of, "2030-01-02");
	/* The source says where the figures the refresh lacked come from. */
	ck_assert_ptr_nonnull(strstr(e.source, "test; other figures: "));
	ck_assert_ptr_nonnull(strstr(e.source, cJSON_GetObjectItem(table_json, "as_of")->valuestring));
	cost_estimate_free(&e);
	unlink(cache);
	free(cache);
	fixture_spec_free(s);
}
END_TEST

START_TEST(test_bad_tables)
{
	struct price_table *t = NULL;
	struct aws_error err;
	char *bad = write_temp("{\"format\": 2, \"regions\": {}}");
	char *junk = write_temp("not json");

	aws_error_clear(&err);
	ck_assert_int_eq(price_table_load(bad, &t, &err), -1);
	ck_assert_int_eq(err.kind, AWS_ERR_CONFIG);
	ck_assert_str_eq(err.where, bad);
	ck_assert_ptr_null(t);
	aws_error_clear(&err);
	ck_assert_int_eq(price_table_load(junk, &t, &err), -1);
	aws_error_clear(&err);
	ck_assert_int_eq(price_table_load("/nonexistent/prices.json", &t, &err), -1);
	aws_error_clear(&err);
	ck_assert_int_eq(price_table_overlay(table, junk, &err), -1);
	unlink(bad);
	unlink(junk);
	free(bad);
	free(junk);
}
END_TEST

START_TEST(test_unknown_region)
{
	struct spec *s = fixture_spec(0);
	struct price_table *t = NULL;
	struct plan *p = build(s);
	struct cost_estimate e;
	struct aws_error err;
	char *only = write_temp("{\"format\": 1, \"as_of\": \"2024-01-01\", \"regions\": "
				"{\"eu-west-1\": {\"alb_hour\": 1}}}");

	aws_error_clear(&err);
	ck_assert_int_eq(price_table_load(only, &t, &err), 0);
	ck_assert_int_eq(cost_estimate(s, p, t, &e, &err), 0);
	ck_assert_int_eq(e.region_known, 0);
	ck_assert_int_eq(e.unknown, e.count);
	ck_money(e.monthly_total, 0);
	cost_estimate_free(&e);
	price_table_free(t);
	plan_free(p);
	unlink(only);
	free(only);
	fixture_spec_free(s);
}
END_TEST

START_TEST(test_json_and_text)
{
	struct spec *s = fixture_spec(0);
	struct cost_estimate e;
	cJSON *j, *items, *first;
	char **lines;
	char want[64];
	int found_total = 0, n = 0;
	const char *fields[] = { "key", "resource", "detail", "price", "quantity", "unit",
				 "known", "unit_price", "hourly", "monthly", "derived", "note",
				 NULL };

	estimate(s, &e);
	j = cost_to_json(&e);
	ck_assert_str_eq(cJSON_GetObjectItem(j, "region")->valuestring, "us-east-1");
	ck_assert_str_eq(cJSON_GetObjectItem(j, "as_of")->valuestring, e.as_of);
	ck_money(cJSON_GetObjectItem(j, "monthly_total")->valuedouble, e.monthly_total);
	ck_money(cJSON_GetObjectItem(j, "hourly_total")->valuedouble, e.hourly_total);
	ck_assert_int_eq(cJSON_GetObjectItem(j, "hours_per_month")->valueint, 730);
	items = cJSON_GetObjectItem(j, "items");
	ck_assert_int_eq(cJSON_GetArraySize(items), e.count);
	first = cJSON_GetArrayItem(items, 0);
	for (int i = 0; fields[i]; i++)
		ck_assert_msg(cJSON_GetObjectItem(first, fields[i]), "no field %s", fields[i]);
	ck_assert(cJSON_IsArray(cJSON_GetObjectItem(j, "assumptions")));
	cJSON_Delete(j);

	lines = cost_text_lines(&e);
	ck_assert_ptr_nonnull(lines);
	snprintf(want, sizeof(want), "%.2f", e.monthly_total);
	for (; lines[n]; n++)
		if (strstr(lines[n], "Total") && strstr(lines[n], want))
			found_total = 1;
	ck_assert_msg(found_total, "no total line with %s", want);
	ck_assert_ptr_nonnull(strstr(lines[0], e.as_of));
	ck_assert_int_gt(n, e.count);
	cost_lines_free(lines);
	cost_estimate_free(&e);
	fixture_spec_free(s);
}
END_TEST

static Suite *cost_suite(void)
{
	Suite *s = suite_create("cost");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_guide_configuration);
	tcase_add_test(tc, test_counts_follow_the_spec);
	tcase_add_test(tc, test_zero_hosts_cost_nothing);
	tcase_add_test(tc, test_unknown_type_is_left_out);
	tcase_add_test(tc, test_every_commercial_region);
	tcase_add_test(tc, test_refreshed_figures_win);
	tcase_add_test(tc, test_bad_tables);
	tcase_add_test(tc, test_unknown_region);
	tcase_add_test(tc, test_json_and_text);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(cost_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
