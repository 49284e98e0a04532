/* check_engine.c - the executor and the queue against a fake AWS: every
 * action runs once, a re-run sends nothing, waits poll until done,
 * failures stop only what depends on them, killed runs are resumed by
 * finding what was sent, cancel leaves a journal that resumes, secrets go
 * to their own file. */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "engine.h"
#include "jpath.h"
#include "queue.h"
#include "spec-fixture.h"

/* ---- a fake AWS that knows the plan ---- */

#define MAX_WORLD 128

struct fake {
	const struct plan *plan;
	struct {
		char key[64];
		char id[128];
		char subnet[64];
		int creates;
	} world[MAX_WORLD];
	int n;
	int calls;
	int nat_pending;      /* polls of the NAT gateway answered "pending" */
	const char *fail_op;  /* fail this operation ... */
	const char *fail_name; /* ... when its input names this */
	const char *fail_code;
	const char *dup_op;   /* answer this op's first call with dup_code */
	int dup_resent;       /* ... after making it: a retry after a lost answer */
	const char *dup_code;
	int sleep_ms;
	int seq;
	int deleted_keys;
	int lose_creates;     /* lose the answer of every create without a token */
	int lost;             /* answers lost so far */
	int just_created;     /* the last answer() made a new resource */
};

static int find_world(struct fake *f, const char *key)
{
	for (int i = 0; i < f->n; i++)
		if (strcmp(f->world[i].key, key) == 0)
			return i;
	return -1;
}

static int find_world_id(struct fake *f, const char *id)
{
	for (int i = 0; i < f->n; i++)
		if (strcmp(f->world[i].id, id) == 0)
			return i;
	return -1;
}

static int mentions(const cJSON *v, const char *s)
{
	const cJSON *c;

	if (!s || !*s)
		return 0;
	if (cJSON_IsString(v)) {
		/* A name, or an ARN that ends with it (GetPolicy). */
		size_t n = strlen(v->valuestring), m = strlen(s);
		return strcmp(v->valuestring, s) == 0 ||
		       (!strncmp(v->valuestring, "arn:", 4) && n > m &&
			v->valuestring[n - m - 1] == '/' && !strcmp(v->valuestring + n - m, s));
	}
	cJSON_ArrayForEach(c, v)
		if (mentions(c, s))
			return 1;
	return 0;
}

/* Set a jpath-like path ("A.B", "A[0].B", "A[?K=='v'].B") to a string. */
static void set_path(cJSON *root, const char *path, const char *value)
{
	char seg[256];
	cJSON *cur = root;
	const char *p = path;

	while (*p) {
		const char *e = p;
		char name[128], filter_k[64] = "", filter_v[128] = "";
		int last, array = 0;
		cJSON *next;
		while (*e && *e != '.' && *e != '[')
			e++;
		snprintf(name, sizeof name, "%.*s", (int)(e - p), p);
		if (*e == '[') {
			const char *close = strchr(e, ']');
			snprintf(seg, sizeof seg, "%.*s", (int)(close - e - 1), e + 1);
			array = 1;
			if (seg[0] == '?') {
				char *eq = strstr(seg, "=="), *and = strstr(seg, " &&");
				/* The first comparison names the item; the others
				 * (status != ...) hold for a member left out. */
				if (and)
					*and = '\0';
				*eq = '\0';
				snprintf(filter_k, sizeof filter_k, "%.63s", seg + 1);
				snprintf(filter_v, sizeof filter_v, "%.*s",
					 (int)strlen(eq + 3) - 1, eq + 3);
			}
			e = close + 1;
		}
		last = !*e;
		next = cJSON_GetObjectItem(cur, name);
		if (array) {
			cJSON *item;
			if (!next)
				next = cJSON_AddArrayToObject(cur, name);
			item = cJSON_GetArrayItem(next, 0);
			if (!item) {
				item = cJSON_CreateObject();
				cJSON_AddItemToArray(next, item);
			}
			if (filter_k[0] && !cJSON_GetObjectItem(item, filter_k))
				cJSON_AddStringToObject(item, filter_k, filter_v);
			next = item;
			if (last)
				return;
		} else if (last) {
			/* A filter's value names the item: keep it. */
			if (!cJSON_GetObjectItem(cur, name))
				cJSON_AddStringToObject(cur, name, value);
			return;
		} else if (!next) {
			next = cJSON_AddObjectToObject(cur, name);
		}
		cur = next;
		p = *e == '.' ? e + 1 : e;
	}
}

static int op_count(const struct plan *p, const char *op)
{
	int n = 0;

	for (int i = 0; i < p->count; i++)
		n += !strcmp(p->actions[i].operation, op);
	return n;
}

static cJSON *answer(struct fake *f, struct aws_call_spec *c)
{
	const cJSON *in = c->input;
	cJSON *out = cJSON_CreateObject();
	char id[128];

	if (!strcmp(c->operation, "DeleteKeyPair")) {
		int w = find_world(f, "keypair");
		if (w >= 0) {
			f->world[w] = f->world[--f->n];
			f->deleted_keys++;
		}
		return out;
	}
	if (!strcmp(c->operation, "GetCallerIdentity")) {
		cJSON_AddStringToObject(out, "Account", "111122223333");
		return out;
	}
	if (!strcmp(c->operation, "DescribeAvailabilityZones")) {
		cJSON_Delete(out);
		return cJSON_Parse("{\"AvailabilityZones\": [{\"ZoneName\": \"xx-1a\"},"
				   " {\"ZoneName\": \"xx-1b\"}]}");
	}
	if (!strcmp(c->operation, "GetParameter")) {
		cJSON_Delete(out);
		return cJSON_Parse("{\"Parameter\": {\"Value\": \"ami-123\"}}");
	}
	/* Waiter polls: answer with the acceptor's success (NAT after
	 * nat_pending polls). */
	if (cJSON_GetObjectItem(in, "NatGatewayIds")) {
		cJSON_Delete(out);
		return cJSON_Parse(f->nat_pending-- > 0
					   ? "{\"NatGateways\": [{\"State\": \"pending\"}]}"
					   : "{\"NatGateways\": [{\"State\": \"available\"}]}");
	}
	if (cJSON_GetObjectItem(in, "InstanceIds")) {
		cJSON_Delete(out);
		return cJSON_Parse("{\"Reservations\": [{\"Instances\": [{\"State\": {\"Name\": \"running\"}}]}]}");
	}
	if (cJSON_GetObjectItem(in, "LoadBalancerArns")) {
		cJSON_Delete(out);
		return cJSON_Parse("{\"LoadBalancers\": [{\"State\": {\"Code\": \"active\"}}]}");
	}
	if (cJSON_GetObjectItem(in, "MountTargetId")) {
		cJSON_Delete(out);
		return cJSON_Parse("{\"MountTargets\": [{\"LifeCycleState\": \"available\"}]}");
	}
	if (!strcmp(c->operation, "DescribeFileSystems") && !cJSON_GetObjectItem(in, "CreationToken")) {
		cJSON_Delete(out);
		return cJSON_Parse("{\"FileSystems\": [{\"LifeCycleState\": \"available\"}]}");
	}
	if (!strcmp(c->operation, "DescribeServices") &&
	    strcmp(jpath_get(in, "services[0]")->valuestring, "ecsdocs-service") != 0) {
		cJSON_Delete(out);
		return cJSON_Parse("{\"services\": [{\"status\": \"ACTIVE\", \"deployments\": [{}],"
				   " \"runningCount\": 1, \"desiredCount\": 1}]}");
	}
	if (!strcmp(c->operation, "DescribeMountTargets")) {
		cJSON *list = cJSON_AddArrayToObject(out, "MountTargets");
		for (int i = 0; i < f->n; i++)
			if (!strncmp(f->world[i].key, "efs-mount-", 10)) {
				cJSON *m = cJSON_CreateObject();
				cJSON_AddStringToObject(m, "MountTargetId", f->world[i].id);
				cJSON_AddStringToObject(m, "SubnetId", f->world[i].subnet);
				cJSON_AddItemToArray(list, m);
			}
		return out;
	}
	for (int k = 0; k < f->plan->count; k++) {
		const struct plan_action *a = &f->plan->actions[k];
		const cJSON *fd = a->find;
		/* A find: answer with the resource when the world has it. */
		if (fd && !strcmp(cJSON_GetObjectItem(fd, "operation")->valuestring, c->operation) &&
		    mentions(in, a->name)) {
			int w = find_world(f, a->key);
			if (w >= 0) {
				set_path(out, cJSON_GetObjectItem(fd, "id")->valuestring, f->world[w].id);
				if (cJSON_GetObjectItem(fd, "arn"))
					set_path(out, cJSON_GetObjectItem(fd, "arn")->valuestring,
						 f->world[w].id);
			} else if (!strcmp(c->service, "iam")) {
				cJSON_Delete(out);
				return NULL; /* NoSuchEntity */
			}
			return out;
		}
		/* The action's own call. */
		if (!strcmp(a->operation, c->operation) && a->role != PLAN_LOOKUP &&
		    (a->role == PLAN_CONFIGURE || mentions(in, a->name) ||
		     op_count(f->plan, a->operation) == 1 ||
		     (!*a->name && a->role == PLAN_CREATE))) {
			int w;
			if (a->role == PLAN_CREATE && !strncmp(a->key, "efs-mount-", 10)) {
				/* Two mount targets share everything but the subnet. */
				const char *sn = cJSON_GetObjectItem(in, "SubnetId")->valuestring;
				char key[64];
				snprintf(key, sizeof key, "efs-mount-%c", sn[strlen(sn) - 1]);
				for (int m = 0; m < f->plan->count; m++)
					if (!strcmp(f->plan->actions[m].key, key))
						a = &f->plan->actions[m];
			}
			w = find_world(f, a->key);
			if (w < 0) {
				f->just_created = 1;
				w = f->n++;
				snprintf(f->world[w].key, sizeof f->world[w].key, "%s", a->key);
				snprintf(f->world[w].id, sizeof f->world[w].id, "%s-%d", a->key, ++f->seq);
				if (cJSON_GetObjectItem(in, "SubnetId"))
					snprintf(f->world[w].subnet, sizeof f->world[w].subnet, "%s",
						 cJSON_GetObjectItem(in, "SubnetId")->valuestring);
			}
			f->world[w].creates++;
			snprintf(id, sizeof id, "%s", f->world[w].id);
			if (a->id_path)
				set_path(out, a->id_path, id);
			if (a->arn_path)
				set_path(out, a->arn_path, id);
			if (a->secret_path)
				cJSON_AddStringToObject(out, a->secret_path,
							"-----BEGIN RSA PRIVATE KEY-----\nSECRETSECRET\n");
			return out;
		}
	}
	return out;
}

static int fake_call_many(void *ctx, struct aws_call_spec *calls, int n)
{
	struct fake *f = ctx;
	int rc = 0;

	if (f->sleep_ms) {
		struct timespec ts = { 0, f->sleep_ms * 1000000L };
		nanosleep(&ts, NULL);
	}
	for (int i = 0; i < n; i++) {
		struct aws_call_spec *c = &calls[i];
		f->calls++;
		aws_error_clear(&c->err);
		if (f->fail_op && !strcmp(c->operation, f->fail_op) &&
		    mentions(c->input, f->fail_name)) {
			aws_error_set(&c->err, AWS_ERR_SERVICE, f->fail_code, "refused");
			rc = -1;
			continue;
		}
		if (f->dup_op && !strcmp(c->operation, f->dup_op)) {
			if (f->dup_resent) {
				cJSON_Delete(answer(f, c));
				c->resent = 1;
			}
			aws_error_set(&c->err, AWS_ERR_SERVICE, f->dup_code, "exists");
			f->dup_op = NULL;
			rc = -1;
			continue;
		}
		f->just_created = 0;
		c->output = answer(f, c);
		/* The key pair made again after its key was lost is answered. */
		if (c->output && c->once && f->lose_creates && f->just_created &&
		    (strcmp(c->operation, "CreateKeyPair") != 0 || !f->deleted_keys)) {
			/* Done on the server, the answer lost on the way back. */
			cJSON_Delete(c->output);
			c->output = NULL;
			f->lost++;
			aws_error_set(&c->err, AWS_ERR_NETWORK, "ConnectionError", "dropped");
			c->maybe_sent = 1;
			rc = -1;
			continue;
		}
		if (!c->output) {
			aws_error_set(&c->err, AWS_ERR_SERVICE, "NoSuchEntity", "absent");
			c->err.http_status = 404;
			rc = -1;
		}
	}
	return rc;
}

/* ---- fixtures ---- */

static char tmpdir[64];
static struct spec *spec;
static struct engine *eng;
static struct fake fake;

static void rm_rf(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[512];

	if (!d)
		return;
	for (e = readdir(d); e; e = readdir(d)) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

static void open_engine(void)
{
	struct engine_options eo = { .state_dir = tmpdir, .delay_scale = 0.001 };
	struct aws_error err;

	aws_error_clear(&err);
	ck_assert_msg(engine_new(NULL, spec, &eo, &eng, &err) == 0, "%s", err.message);
	eng->call_many = fake_call_many;
	eng->call_ctx = &fake;
	fake.plan = eng->plan;
}

static void setup(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/check_engine.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	spec = fixture_spec(0);
	memset(&fake, 0, sizeof fake);
	open_engine();
}

static void teardown(void)
{
	engine_free(eng);
	eng = NULL;
	fixture_spec_free(spec);
	rm_rf(tmpdir);
}

static void reopen(void)
{
	engine_free(eng);
	open_engine();
}

static int creates_of(const char *key)
{
	int w = find_world(&fake, key);
	return w < 0 ? 0 : fake.world[w].creates;
}

/* ---- tests ---- */

START_TEST(test_full_run_then_rerun_sends_nothing)
{
	struct aws_error err;
	int locals = 0;

	aws_error_clear(&err);
	ck_assert_msg(engine_run(eng, NULL, &err) == 0, "%s: %s", err.where, err.message);
	for (int i = 0; i < eng->plan->count; i++) {
		const struct plan_action *a = &eng->plan->actions[i];
		if (a->role == PLAN_LOCAL) {
			locals++;
			ck_assert_int_eq(journal_state_of(eng->journal, a->key), JOURNAL_NONE);
			continue;
		}
		ck_assert_msg(engine_action_done(eng, a->key), "%s not done", a->key);
		if (a->role == PLAN_CREATE) {
			ck_assert_int_eq(creates_of(a->key), 1);
			if (a->id_path) /* else the id is what the find reports */
				ck_assert_str_eq(journal_id_of(eng->journal, a->key), fake.world[find_world(&fake, a->key)].id);
		}
	}
	ck_assert_int_eq(locals, 2); /* image push and license: other modules */
	ck_assert_int_eq(eng->n_skipped, 2);
	ck_assert_int_eq(eng->n_failed, 0);
	ck_assert_str_eq(cJSON_GetObjectItem(journal_outputs_of(eng->journal, "account"), "Account")
				 ->valuestring, "111122223333");
	reopen();
	fake.calls = 0;
	ck_assert_int_eq(engine_run(eng, NULL, &err), 0);
	ck_assert_int_eq(fake.calls, 0);
	ck_assert_int_eq(eng->n_created, 0);
	ck_assert_int_eq(eng->n_done_before, eng->plan->count - 2);
}
END_TEST

START_TEST(test_secret_goes_to_its_own_file)
{
	struct aws_error err;
	char path[160], buf[256];
	struct stat st;
	FILE *f;
	size_t n;

	aws_error_clear(&err);
	ck_assert_int_eq(engine_run(eng, NULL, &err), 0);
	snprintf(path, sizeof path, "%s/ecsdocs-key.pem", tmpdir);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	f = fopen(path, "r");
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	ck_assert_ptr_nonnull(strstr(buf, "SECRETSECRET"));
	ck_assert_str_eq(cJSON_GetObjectItem(journal_outputs_of(eng->journal, "keypair"),
					     "key_file")->valuestring, path);
	f = fopen(journal_path(eng->journal), "r");
	{
		char all[200000];
		n = fread(all, 1, sizeof all - 1, f);
		all[n] = '\0';
		ck_assert_ptr_null(strstr(all, "SECRETSECRET"));
		ck_assert_ptr_null(strstr(all, "KeyMaterial"));
	}
	fclose(f);
}
END_TEST

START_TEST(test_waits_poll_until_available)
{
	struct aws_error err;
	struct queue *q = NULL;
	struct queue_event *ev;
	int waiting = 0, idle = 0, ok = 0, started = 0;

	fake.nat_pending = 3;
	aws_error_clear(&err);
	ck_assert_int_eq(queue_start(eng, &q, &err), 0);
	ck_assert_int_eq(queue_post(q, QCMD_RUN_ALL, NULL, NULL), 0);
	while (!idle) {
		struct pollfd pfd = { queue_event_fd(q), POLLIN, 0 };
		ck_assert_int_eq(poll(&pfd, 1, 10000), 1);
		for (ev = queue_next_event(q); ev; ev = queue_next_event(q)) {
			if (ev->type == QEV_WAITING && !strcmp(ev->key, "nat"))
				waiting++;
			if (ev->type == QEV_STARTED)
				started++;
			if (ev->type == QEV_IDLE) {
				idle = 1;
				ok = ev->ok;
			}
			queue_event_free(ev);
		}
	}
	ck_assert_int_eq(ok, 1);
	ck_assert_int_eq(waiting, 3);
	ck_assert_int_eq(started, eng->plan->count);
	ck_assert_int_eq(journal_is_ready(eng->journal, "nat"), 1);
	queue_free(q);
}
END_TEST

START_TEST(test_failure_stops_dependants_only_and_resumes)
{
	struct aws_error err;

	fake.fail_op = "CreateSecurityGroup";
	fake.fail_name = "ecsdocs-lb-sg";
	fake.fail_code = "UnauthorizedOperation";
	aws_error_clear(&err);
	ck_assert_int_eq(engine_run(eng, NULL, &err), -1);
	ck_assert_str_eq(err.code, "UnauthorizedOperation");
	ck_assert_int_eq(journal_state_of(eng->journal, "sg-lb"), JOURNAL_FAILED);
	ck_assert_int_eq(journal_state_of(eng->journal, "load-balancer"), JOURNAL_NONE);
	ck_assert_int_eq(journal_state_of(eng->journal, "service"), JOURNAL_NONE);
	ck_assert(engine_action_done(eng, "vpc"));
	ck_assert(engine_action_done(eng, "nat"));      /* independent of the group */
	ck_assert(engine_action_done(eng, "user"));
	fake.fail_op = NULL;
	reopen();
	ck_assert_msg(engine_run(eng, NULL, &err) == 0, "%s", err.message);
	ck_assert_int_eq(creates_of("vpc"), 1);
	ck_assert_int_eq(creates_of("sg-lb"), 1);
	ck_assert(engine_action_done(eng, "service"));
}
END_TEST

START_TEST(test_killed_run_is_found_not_redone)
{
	struct aws_error err;
	int w;

	aws_error_clear(&err);
	/* A run that died after sending CreateVpc but before recording it,
	 * and a role that the account had before us. */
	ck_assert_int_eq(journal_record_intent(eng->journal, "vpc", "ec2:vpc", "ecsdocs-vpc", &err), 0);
	w = fake.n++;
	snprintf(fake.world[w].key, sizeof fake.world[w].key, "vpc");
	snprintf(fake.world[w].id, sizeof fake.world[w].id, "vpc-from-before");
	w = fake.n++;
	snprintf(fake.world[w].key, sizeof fake.world[w].key, "role-instance");
	snprintf(fake.world[w].id, sizeof fake.world[w].id, "ecsInstanceRole");
	fake.dup_op = "AuthorizeSecurityGroupIngress";
	fake.dup_code = "InvalidPermission.Duplicate";
	ck_assert_msg(engine_run(eng, NULL, &err) == 0, "%s", err.message);
	ck_assert_int_eq(creates_of("vpc"), 0);
	ck_assert_str_eq(journal_id_of(eng->journal, "vpc"), "vpc-from-before");
	ck_assert_int_eq(journal_state_of(eng->journal, "vpc"), JOURNAL_CREATED);
	ck_assert_int_eq(creates_of("role-instance"), 0);
	ck_assert_int_eq(journal_state_of(eng->journal, "role-instance"), JOURNAL_ADOPTED);
	ck_assert_int_eq(creates_of("role-task-execution"), 1);
	ck_assert_int_eq(journal_state_of(eng->journal, "role-task-execution"), JOURNAL_CREATED);
	ck_assert_ptr_null(fake.dup_op); /* the duplicate was answered and taken as done */
	ck_assert(engine_action_done(eng, "sg-bastion-in-ssh"));
	(void)find_world_id;
}
END_TEST

START_TEST(test_lost_answers_are_looked_up_not_resent)
{
	struct aws_error err;
	static const char *const keys[] = { "vpc", "subnet-public-a", "igw", "sg-bastion",
					    "policy", "user", "keypair", NULL };

	aws_error_clear(&err);
	/* Every create without a token loses its answer. */
	fake.lose_creates = 1;
	ck_assert_msg(engine_run(eng, NULL, &err) == 0, "%s", err.message);
	ck_assert_int_gt(fake.lost, 10);
	for (int k = 0; keys[k]; k++) {
		if (!plan_find(eng->plan, keys[k]))
			continue;
		ck_assert_msg(creates_of(keys[k]) == 1, "%s created %d times", keys[k],
			      creates_of(keys[k]));
		/* Ours, though found by a lookup: destroy must remove it. */
		ck_assert_int_eq(journal_state_of(eng->journal, keys[k]), JOURNAL_CREATED);
	}
	/* The key pair's private key was in the lost answer: it was made
	 * again, not adopted without its key. */
	ck_assert_int_eq(fake.deleted_keys, 1);
}
END_TEST

START_TEST(test_exists_after_a_resend_is_ours)
{
	struct aws_error err;

	aws_error_clear(&err);
	/* The file system's first attempt made it, its answer was lost, the
	 * client sent it again and heard "already exists". */
	fake.dup_op = "CreateFileSystem";
	fake.dup_code = "FileSystemAlreadyExists";
	fake.dup_resent = 1;
	ck_assert_msg(engine_run(eng, NULL, &err) == 0, "%s", err.message);
	ck_assert_ptr_null(fake.dup_op);
	ck_assert_int_eq(creates_of("efs"), 1);
	ck_assert_int_eq(journal_state_of(eng->journal, "efs"), JOURNAL_CREATED);
}
END_TEST

START_TEST(test_cancel_then_resume_makes_one_of_each)
{
	struct aws_error err;
	struct queue *q = NULL;
	struct queue_event *ev;
	int idle = 0, ok = -1, events = 0;
	enum aws_error_kind kind = AWS_ERR_NONE;

	fake.sleep_ms = 5;
	aws_error_clear(&err);
	ck_assert_int_eq(queue_start(eng, &q, &err), 0);
	ck_assert_int_eq(queue_post(q, QCMD_RUN_ALL, NULL, NULL), 0);
	while (!idle) {
		struct pollfd pfd = { queue_event_fd(q), POLLIN, 0 };
		ck_assert_int_eq(poll(&pfd, 1, 10000), 1);
		for (ev = queue_next_event(q); ev; ev = queue_next_event(q)) {
			if (++events == 40)
				queue_cancel(q);
			if (ev->type == QEV_IDLE) {
				idle = 1;
				ok = ev->ok;
				kind = ev->err.kind;
			}
			queue_event_free(ev);
		}
	}
	ck_assert_int_eq(ok, 0);
	ck_assert_int_eq(kind, AWS_ERR_CANCELLED);
	ck_assert(!engine_action_done(eng, "service"));
	queue_free(q);
	reopen();
	fake.sleep_ms = 0;
	ck_assert_msg(engine_run(eng, NULL, &err) == 0, "%s", err.message);
	for (int i = 0; i < fake.n; i++)
		ck_assert_msg(fake.world[i].creates <= 1 || plan_find(eng->plan, fake.world[i].key)->role
								    == PLAN_CONFIGURE,
			      "%s made %d times", fake.world[i].key, fake.world[i].creates);
}
END_TEST

START_TEST(test_queue_single_action_skip_and_refusals)
{
	struct aws_error err;
	struct queue *q = NULL;
	struct queue_event *ev;
	int idles = 0, oks[4] = { -1, -1, -1, -1 }, adopted = 0;
	char codes[4][128] = { "", "", "", "" };

	aws_error_clear(&err);
	ck_assert_int_eq(queue_start(eng, &q, &err), 0);
	queue_post(q, QCMD_RUN_ACTION, "vpc-dns-support", NULL); /* VPC not there yet */
	queue_post(q, QCMD_RUN_ACTION, "account", NULL);
	queue_post(q, QCMD_SKIP, "vpc", "vpc-given");
	queue_post(q, QCMD_VERIFY, NULL, NULL);
	while (idles < 4) {
		struct pollfd pfd = { queue_event_fd(q), POLLIN, 0 };
		ck_assert_int_eq(poll(&pfd, 1, 10000), 1);
		for (ev = queue_next_event(q); ev; ev = queue_next_event(q)) {
			if (ev->type == QEV_ADOPTED && !strcmp(ev->key, "vpc"))
				adopted = !strcmp(ev->id, "vpc-given");
			if (ev->type == QEV_IDLE) {
				oks[idles] = ev->ok;
				snprintf(codes[idles], sizeof codes[idles], "%s", ev->err.code);
				idles++;
			}
			queue_event_free(ev);
		}
	}
	/* No event is left and the fd is quiet. */
	{
		struct pollfd pfd = { queue_event_fd(q), POLLIN, 0 };
		ck_assert_int_eq(poll(&pfd, 1, 0), 0);
	}
	ck_assert_int_eq(oks[0], 0);
	ck_assert_str_eq(codes[0], "NotReady");
	ck_assert_int_eq(oks[1], 1);
	ck_assert(engine_action_done(eng, "account"));
	ck_assert_int_eq(oks[2], 1);
	ck_assert(adopted);
	ck_assert_int_eq(journal_state_of(eng->journal, "vpc"), JOURNAL_ADOPTED);
	ck_assert_int_eq(oks[3], 0);
	ck_assert_str_eq(codes[3], "NotImplemented");
	queue_free(q);
}
END_TEST

/* A local operation left out on purpose is skipped with its reason and not
 * journaled; QCMD_VERIFY runs the registered checks, whose events and
 * verdict reach the front end. */
static int verify_calls;

static int fake_verify(void *ctx, struct engine *e, struct aws_error *err)
{
	verify_calls++;
	engine_post(e, QEV_CHECK, "check-task", "10.0.1.5:8080", ctx, 1, NULL);
	engine_post_waiting(e, "check-load-balancer", NULL, "HTTP status 503", 2.5);
	aws_error_set(err, AWS_ERR_NETWORK, "HttpStatus", "HTTP status 503");
	return -1;
}

START_TEST(test_local_left_out_and_verify_hook)
{
	struct aws_error err;
	struct queue *q = NULL;
	struct queue_event *ev;
	int idles = 0, ok[2] = { -1, -1 }, checked = 0, waited = 0;
	char reason[128] = "", code[128] = "";

	aws_error_clear(&err);
	ck_assert_int_eq(engine_register_local(eng, "license", NULL, (void *)"left out"), 0);
	eng->verify = fake_verify;
	eng->verify_ctx = (void *)"3.3.2-cpu";
	ck_assert_int_eq(queue_start(eng, &q, &err), 0);
	queue_post(q, QCMD_RUN_ALL, NULL, NULL);
	queue_post(q, QCMD_VERIFY, NULL, NULL);
	while (idles < 2) {
		struct pollfd pfd = { queue_event_fd(q), POLLIN, 0 };
		ck_assert_int_eq(poll(&pfd, 1, 10000), 1);
		for (ev = queue_next_event(q); ev; ev = queue_next_event(q)) {
			if (ev->type == QEV_SKIPPED && !strcmp(ev->key, "license"))
				snprintf(reason, sizeof reason, "%s", ev->text);
			if (ev->type == QEV_CHECK)
				checked = ev->ok && !strcmp(ev->text, "3.3.2-cpu") &&
					  !strcmp(ev->id, "10.0.1.5:8080");
			if (ev->type == QEV_WAITING && ev->key &&
			    !strcmp(ev->key, "check-load-balancer"))
				waited = ev->elapsed > 2.4 && ev->elapsed < 2.6;
			if (ev->type == QEV_IDLE) {
				if (idles == 1)
					snprintf(code, sizeof code, "%s", ev->err.code);
				ok[idles++] = ev->ok;
			}
			queue_event_free(ev);
		}
	}
	queue_free(q);
	ck_assert_str_eq(reason, "left out");
	ck_assert_int_eq(journal_state_of(eng->journal, "license"), JOURNAL_NONE);
	ck_assert_int_eq(ok[0], 1);
	ck_assert_int_eq(verify_calls, 1);
	ck_assert(checked);
	ck_assert(waited);
	ck_assert_int_eq(ok[1], 0);
	ck_assert_str_eq(code, "HttpStatus");
}
END_TEST

START_TEST(test_key_pair_whose_key_was_lost_is_made_again)
{
	struct aws_error err;
	char path[160];
	int w;

	aws_error_clear(&err);
	/* Killed after CreateKeyPair answered, before the key file was written. */
	ck_assert_int_eq(journal_record_intent(eng->journal, "keypair", "ec2:key-pair",
					       "ecsdocs-key", &err), 0);
	w = fake.n++;
	snprintf(fake.world[w].key, sizeof fake.world[w].key, "keypair");
	snprintf(fake.world[w].id, sizeof fake.world[w].id, "ecsdocs-key");
	ck_assert_msg(engine_run(eng, NULL, &err) == 0, "%s", err.message);
	ck_assert_int_eq(fake.deleted_keys, 1);
	ck_assert_int_eq(creates_of("keypair"), 1);
	snprintf(path, sizeof path, "%s/ecsdocs-key.pem", tmpdir);
	ck_assert_int_eq(access(path, R_OK), 0);
	/* With the file present, a found key pair is simply kept. */
	ck_assert_int_eq(journal_record_intent(eng->journal, "keypair", "ec2:key-pair",
					       "ecsdocs-key", &err), 0);
	reopen();
	ck_assert_int_eq(engine_run(eng, NULL, &err), 0);
	ck_assert_int_eq(fake.deleted_keys, 1);
	ck_assert_int_eq(creates_of("keypair"), 1);
}
END_TEST

static Suite *engine_suite(void)
{
	Suite *s = suite_create("engine");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 30);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_full_run_then_rerun_sends_nothing);
	tcase_add_test(tc, test_secret_goes_to_its_own_file);
	tcase_add_test(tc, test_waits_poll_until_available);
	tcase_add_test(tc, test_failure_stops_dependants_only_and_resumes);
	tcase_add_test(tc, test_killed_run_is_found_not_redone);
	tcase_add_test(tc, test_cancel_then_resume_makes_one_of_each);
	tcase_add_test(tc, test_lost_answers_are_looked_up_not_resent);
	tcase_add_test(tc, test_exists_after_a_resend_is_ours);
	tcase_add_test(tc, test_queue_single_action_skip_and_refusals);
	tcase_add_test(tc, test_key_pair_whose_key_was_lost_is_made_again);
	tcase_add_test(tc, test_local_left_out_and_verify_hook);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(engine_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
