/* check_ui_model.c - the wizard's view models without a terminal: section
 * states, field validation glue, review text, scrolling and the log ring. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../ui/model.h"
#include "wizard-live.h"

/* A steps table of our own: the model must not depend on the engine's. */
static const char *const vpc_fields[] = { "vpc_cidr", "availability_zones", NULL };
static const struct step st_vpc = { "02-vpc", 2, "Create VPC", "", vpc_fields, 0, NULL };
static const struct step st_policy = { "03-policy", 3, "Policy", "", NULL, 0, NULL };
static const struct step st_efs = { "07-efs", 7, "EFS", "", NULL, 1, NULL };
static const struct step st_svc = { "17-service", 17, "Service", "", NULL, 0, NULL };
static const struct step *const test_steps[] = { &st_vpc, &st_policy, &st_efs,
						  &st_svc, NULL };

START_TEST(test_sections_marketplace)
{
	struct ui_sections s;

	ck_assert_int_eq(ui_sections_init(&s, test_steps, false), 0);
	ck_assert_int_eq(s.count, 4);
	ck_assert_int_eq(s.current, 0);
	ck_assert_int_eq(s.items[2].state, UI_SEC_TODO);
	ck_assert_int_eq(ui_sections_next(&s, 1), 2);

	ui_sections_set_marketplace(&s, true);
	ck_assert_int_eq(s.items[2].state, UI_SEC_SKIPPED);
	ck_assert_int_eq(ui_sections_next(&s, 1), 3); /* EFS is left out */
	ck_assert_int_eq(ui_sections_prev(&s, 3), 1);
	ck_assert_int_eq(ui_sections_next(&s, 3), -1);
	ck_assert_int_eq(ui_sections_find(&s, 17), 3);
	ck_assert_int_eq(ui_sections_find(&s, 16), -1); /* the guide has no 16 */

	/* A section already done stays done when the mode flips. */
	s.items[0].state = UI_SEC_DONE;
	ui_sections_set_marketplace(&s, false);
	ck_assert_int_eq(s.items[2].state, UI_SEC_TODO);
	ck_assert_int_eq(s.items[0].state, UI_SEC_DONE);
	ck_assert_str_eq(ui_section_state_name(UI_SEC_FAILED), "failed");
	ck_assert_int_eq(ui_section_state_mark(UI_SEC_DONE), '+');
	ui_sections_free(&s);
}
END_TEST

/* A stand-in for spec_check_value: refuses anything but 10.x/16 CIDRs and
 * counts the calls, so the glue's trimming and task-size split are visible. */
static int check_calls;
static char last_key[64], last_text[64];
static int fake_check(const char *key, const char *text, char *why, size_t n)
{
	check_calls++;
	snprintf(last_key, sizeof(last_key), "%s", key);
	snprintf(last_text, sizeof(last_text), "%s", text);
	if (!strcmp(key, "vpc_cidr") && strcmp(text, "10.0.0.0/16") != 0) {
		snprintf(why, n, "bad cidr %s", text);
		return -1;
	}
	if (!strcmp(key, "task_memory") && atoi(text) > 30720)
		return -1; /* no reason given: the glue must supply one */
	return 0;
}

START_TEST(test_field_validation_glue)
{
	struct ui_field_value v[2] = { { 0 } };
	int bad = 99;
	cJSON *obj;

	v[0].def = ui_field_def_for("vpc_cidr");
	v[1].def = ui_field_def_for("task_cpu");
	ck_assert_int_eq(v[0].def->kind, UI_FIELD_CIDR);
	ck_assert_int_eq(v[1].def->kind, UI_FIELD_TASK);

	check_calls = 0;
	ck_assert_int_eq(ui_field_validate(&v[0], "10.0.0.0/33      ", fake_check), -1);
	ck_assert_str_eq(last_text, "10.0.0.0/33"); /* form padding trimmed */
	ck_assert_str_eq(v[0].why, "bad cidr 10.0.0.0/33");
	ck_assert_int_eq(ui_field_validate(&v[1], "8192/45056", fake_check), -1);
	ck_assert_str_eq(last_key, "task_memory");
	ck_assert_str_eq(v[1].why, "This value is not valid.");
	ck_assert_int_eq(ui_fields_ready(v, 2, &bad), 0);
	ck_assert_int_eq(bad, 0);

	ck_assert_int_eq(ui_field_validate(&v[0], "10.0.0.0/16   ", fake_check), 0);
	ck_assert_str_eq(v[0].why, "");
	ck_assert_int_eq(ui_field_validate(&v[1], "2048/14336", fake_check), 0);
	ck_assert_int_eq(check_calls, 6); /* a task size checks cpu then memory */
	ck_assert_int_eq(ui_fields_ready(v, 2, &bad), 1);
	ck_assert_int_eq(bad, -1);

	obj = ui_fields_to_json(v, 2);
	ck_assert_str_eq(cJSON_GetObjectItem(obj, "vpc_cidr")->valuestring, "10.0.0.0/16");
	ck_assert_int_eq(cJSON_GetObjectItem(obj, "task_cpu")->valueint, 2048);
	ck_assert_int_eq(cJSON_GetObjectItem(obj, "task_memory")->valueint, 14336);
	cJSON_Delete(obj);
	ui_field_value_free(&v[0]);
	ui_field_value_free(&v[1]);
}
END_TEST

START_TEST(test_field_text_from_spec_json)
{
	cJSON *spec = cJSON_Parse("{\"vpc_cidr\":\"10.1.0.0/16\",\"marketplace\":true,"
				  "\"availability_zones\":3,\"task_cpu\":1024,"
				  "\"task_memory\":14336}");
	char *t;
	char label[64];

	t = ui_field_text_from_json(ui_field_def_for("vpc_cidr"), spec);
	ck_assert_str_eq(t, "10.1.0.0/16");
	free(t);
	t = ui_field_text_from_json(ui_field_def_for("marketplace"), spec);
	ck_assert_str_eq(t, "yes");
	free(t);
	t = ui_field_text_from_json(ui_field_def_for("availability_zones"), spec);
	ck_assert_str_eq(t, "3");
	free(t);
	t = ui_field_text_from_json(ui_field_def_for("task_memory"), spec);
	ck_assert_str_eq(t, "1024/14336");
	ui_task_size_label(t, label, sizeof(label));
	ck_assert_str_eq(label, "1 vCPU / 14 GB");
	free(t);
	/* An unknown key still gets a field, labelled with the key. */
	ck_assert_str_eq(ui_field_def_for("some_new_key")->label, "some_new_key");
	cJSON_Delete(spec);
}
END_TEST

START_TEST(test_review_text)
{
	char *deps[] = { "lookup-azs" };
	struct plan_action a = { 0 };
	char *text, *line;

	a.key = "vpc";
	a.section = 2;
	a.role = PLAN_CREATE;
	a.kind = "ec2:vpc";
	a.name = "ecsdocs-vpc";
	a.service = "ec2";
	a.operation = "CreateVpc";
	a.depends = deps;
	a.depend_count = 1;
	a.params = cJSON_Parse("{\"CidrBlock\":\"10.9.0.0/16\",\"TagSpecifications\":"
			       "[{\"ResourceType\":\"vpc\",\"Tags\":[{\"Key\":\"Name\","
			       "\"Value\":\"ecsdocs-vpc\"},{\"Key\":\"ecs-wizard\","
			       "\"Value\":\"ecsdocs\"}]}]}");
	text = ui_review_text(&a);
	ck_assert_ptr_nonnull(text);
	ck_assert_ptr_nonnull(strstr(text, "Resource:   ec2:vpc\n"));
	ck_assert_ptr_nonnull(strstr(text, "Call:       ec2 CreateVpc\n"));
	ck_assert_ptr_nonnull(strstr(text, "Tags:       Name=ecsdocs-vpc, ecs-wizard=ecsdocs\n"));
	ck_assert_ptr_nonnull(strstr(text, "Needs:      lookup-azs\n"));
	ck_assert_ptr_nonnull(strstr(text, "\"CidrBlock\": \"10.9.0.0/16\""));
	ck_assert_ptr_null(strchr(text, '\t'));
	line = ui_review_line(&a);
	ck_assert_ptr_nonnull(strstr(line, "create"));
	ck_assert_ptr_nonnull(strstr(line, "ecsdocs-vpc"));
	free(line);
	free(text);
	cJSON_Delete(a.params);

	/* ECS-style lower-case tags and no tags at all. */
	a.params = cJSON_Parse("{\"tags\":[{\"key\":\"k\",\"value\":\"v\"}]}");
	text = ui_review_text(&a);
	ck_assert_ptr_nonnull(strstr(text, "Tags:       k=v\n"));
	free(text);
	cJSON_Delete(a.params);
	a.params = NULL;
	a.depend_count = 0;
	text = ui_review_text(&a);
	ck_assert_ptr_nonnull(strstr(text, "Tags:       (none)\n"));
	ck_assert_ptr_null(strstr(text, "Needs:"));
	free(text);
}
END_TEST

START_TEST(test_lines_scroll)
{
	struct ui_lines l = { 0 };

	ck_assert_int_eq(ui_lines_set(&l, "a\nb\nc\nd\ne\n"), 0);
	ck_assert_int_eq(l.count, 5);
	ck_assert_str_eq(l.items[4], "e");
	ui_lines_scroll(&l, 10, 3);
	ck_assert_int_eq(l.top, 2);
	ui_lines_scroll(&l, -1, 3);
	ck_assert_int_eq(l.top, 1);
	ui_lines_scroll(&l, -10, 3);
	ck_assert_int_eq(l.top, 0);
	ui_lines_scroll(&l, 1, 10); /* fits: never scrolls */
	ck_assert_int_eq(l.top, 0);
	ui_lines_free(&l);
}
END_TEST

START_TEST(test_log_ring)
{
	struct ui_log log;

	ck_assert_int_eq(ui_log_init(&log, 3), 0);
	ck_assert_ptr_null(ui_log_line(&log, 0));
	for (int i = 1; i <= 5; i++)
		ck_assert_int_eq(ui_log_addf(&log, "line %d", i), 0);
	ck_assert_int_eq(log.count, 3);
	ck_assert_str_eq(ui_log_line(&log, 0), "line 3"); /* oldest kept */
	ck_assert_str_eq(ui_log_line(&log, 2), "line 5");
	ck_assert_ptr_null(ui_log_line(&log, 3));
	/* Following the tail in a 2-row view, then scrolled back one. */
	ck_assert_int_eq(ui_log_first_visible(&log, 2), 1);
	ui_log_scroll(&log, 5, 2);
	ck_assert_int_eq(log.scroll, 1);
	ck_assert_int_eq(ui_log_first_visible(&log, 2), 0);
	ui_log_free(&log);
}
END_TEST

START_TEST(test_event_text)
{
	struct queue_event ev = { 0 };
	char *t;

	ev.type = QEV_WAITING;
	ev.key = "nat-gateway";
	ev.text = "NAT gateway available";
	ev.elapsed = 42.4;
	t = ui_event_text(&ev);
	ck_assert_str_eq(t, "waiting  nat-gateway: NAT gateway available (42 s)");
	free(t);

	memset(&ev, 0, sizeof(ev));
	ev.type = QEV_FAILED;
	ev.key = "vpc";
	aws_error_set(&ev.err, AWS_ERR_SERVICE, "VpcLimitExceeded", "%s", "too many");
	snprintf(ev.err.request_id, sizeof(ev.err.request_id), "%s", "req-123");
	t = ui_event_text(&ev);
	ck_assert_ptr_nonnull(strstr(t, "FAILED   vpc: "));
	ck_assert_ptr_nonnull(strstr(t, "VpcLimitExceeded"));
	ck_assert_ptr_nonnull(strstr(t, "req-123"));
	free(t);
}
END_TEST

/* A failed step as the failure popup shows it: AWS's own code, message and
 * request id, and the family of failure worded. */
START_TEST(test_failure_view)
{
	struct aws_error err;
	struct wizard_failure f;

	aws_error_clear(&err);
	aws_error_set(&err, AWS_ERR_SERVICE, "InvalidParameterValue", "bad CIDR %s", "x");
	snprintf(err.request_id, sizeof(err.request_id), "req-123");
	aws_error_where(&err, "ec2:CreateVpc");
	wizard_failure_view(&err, &f);
	ck_assert_str_eq(f.code, "InvalidParameterValue");
	ck_assert_str_eq(f.message, "bad CIDR x");
	ck_assert_str_eq(f.request_id, "req-123");
	ck_assert_str_eq(f.where, "ec2:CreateVpc");
	ck_assert_str_eq(f.kind, "AWS refused the request");
	ck_assert(!f.cancelled && !f.not_available);

	aws_error_clear(&err);
	aws_error_set(&err, AWS_ERR_CANCELLED, "Cancelled", "cancelled");
	wizard_failure_view(&err, &f);
	ck_assert(f.cancelled);
	ck_assert_str_eq(f.request_id, "");

	aws_error_clear(&err);
	aws_error_set(&err, AWS_ERR_INTERNAL, "NotImplemented", "verify is not available");
	wizard_failure_view(&err, &f);
	ck_assert(f.not_available);
}
END_TEST

/* The summary's endpoints come from the outputs the journal keeps. */
START_TEST(test_endpoints_from_journal)
{
	cJSON *doc = cJSON_Parse(
		"{\"resources\": {"
		"\"vpc\": {\"state\": \"created\", \"id\": \"vpc-1\"},"
		"\"lb\": {\"state\": \"created\", \"outputs\": {\"DNSName\": \"x-lb.elb.example\"}},"
		"\"keypair\": {\"state\": \"created\", \"outputs\": {\"key_file\": \"/s/x-key.pem\"}},"
		"\"nat-eip\": {\"state\": \"created\", \"outputs\": {\"PublicIp\": \"\"}}}}");
	struct wizard_summary s;

	memset(&s, 0, sizeof(s));
	ck_assert_ptr_nonnull(doc);
	ck_assert_int_eq(wizard_endpoints_from_journal(doc, &s), 0);
	ck_assert_int_eq(s.endpoint_count, 2); /* an empty address is left out */
	ck_assert_str_eq(s.endpoints[0].value, "x-lb.elb.example");
	ck_assert(strstr(s.endpoints[0].label, "Load balancer") != NULL);
	ck_assert_str_eq(s.endpoints[1].value, "/s/x-key.pem");
	wizard_summary_free(&s);
	ck_assert_int_eq(s.endpoint_count, 0);
	cJSON_Delete(doc);
}
END_TEST

START_TEST(test_log_error_lines_and_append)
{
	struct queue_event ev = { 0 };
	struct ui_lines l = { 0 };
	char *text;

	ev.type = QEV_FAILED;
	ev.key = "vpc";
	aws_error_set(&ev.err, AWS_ERR_SERVICE, "VpcLimitExceeded", "too many");
	text = ui_event_text(&ev);
	ck_assert(ui_log_line_is_error(text));
	free(text);
	ev.type = QEV_CREATED;
	ev.id = "vpc-1";
	text = ui_event_text(&ev);
	ck_assert(!ui_log_line_is_error(text));
	free(text);
	ck_assert(!ui_log_line_is_error(NULL));

	ck_assert_int_eq(ui_lines_append(&l, "one"), 0);
	ck_assert_int_eq(ui_lines_append(&l, "two"), 0);
	ck_assert_int_eq(l.count, 2);
	ck_assert_str_eq(l.items[1], "two");
	ui_lines_free(&l);
}
END_TEST


static Suite *ui_model_suite(void)
{
	Suite *s = suite_create("ui_model");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_sections_marketplace);
	tcase_add_test(tc, test_field_validation_glue);
	tcase_add_test(tc, test_field_text_from_spec_json);
	tcase_add_test(tc, test_review_text);
	tcase_add_test(tc, test_lines_scroll);
	tcase_add_test(tc, test_log_ring);
	tcase_add_test(tc, test_event_text);
	tcase_add_test(tc, test_failure_view);
	tcase_add_test(tc, test_endpoints_from_journal);
	tcase_add_test(tc, test_log_error_lines_and_append);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(ui_model_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
