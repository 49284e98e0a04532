/* bastion.c - the session to the deployment's bastion and the license
 * written over it (see bastion.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "bastion.h"
#include "i18n.h"
#include "jpath.h"
#include "license.h"

/* Unscaled bounds, in seconds (tests shrink them with delay_scale). */
#define RUNNING_LIMIT 600.0  /* the instance reaching "running" */
#define SSHD_LIMIT 300.0     /* sshd answering after boot */
#define CONSOLE_LIMIT 240.0  /* cloud-init printing its fingerprints */
#define BOOT_LIMIT 900.0    /* cloud-init running the user data (EFS mount) */
#define POLL_DELAY 10.0

/* Exit 0 once cloud-init has run everything, user data included (it
 * writes boot-finished last), or on a host without cloud-init. A fixed
 * command: nothing of the user's is in it. */
#define BOOT_FINISHED_COMMAND \
	"test -e /var/lib/cloud/instance/boot-finished || test ! -d /var/lib/cloud"

double bastion_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int bastion_nap(const struct bastion_config *cfg, double seconds,
		struct aws_error *err)
{
	double end = bastion_now() + seconds;

	for (;;) {
		struct timespec ts = { 0, 50 * 1000 * 1000 };
		if (cfg->cancel && *cfg->cancel) {
			aws_error_set(err, AWS_ERR_CANCELLED, "Cancelled", "%s",
				      _("cancelled"));
			return -1;
		}
		if (bastion_now() >= end)
			return 0;
		nanosleep(&ts, NULL);
	}
}

/* A bound scaled like the waiters' delays, never below two seconds so a
 * loaded test machine still gets a fair attempt. */
static double scaled(const struct engine *e, double seconds)
{
	double s = seconds * (e->delay_scale > 0 ? e->delay_scale : 1.0);
	return s < 2.0 ? 2.0 : s;
}

static const char *str_at(const cJSON *doc, const char *path)
{
	const cJSON *v = jpath_get(doc, path);
	return cJSON_IsString(v) && v->valuestring[0] ? v->valuestring : NULL;
}

/* The instance's public address once it runs. *addr is the caller's. */
static int instance_address(const struct bastion_config *cfg, struct engine *e,
			    const char *id, char **addr, struct aws_error *err)
{
	double start = bastion_now(), deadline = start + scaled(e, RUNNING_LIMIT);
	char text[160];

	for (;;) {
		cJSON *in = cJSON_CreateObject(), *out = NULL, *ids;
		const char *state, *ip;
		int rc;

		ids = cJSON_AddArrayToObject(in, "InstanceIds");
		cJSON_AddItemToArray(ids, cJSON_CreateString(id));
		rc = aws_call(cfg->client, "ec2", "DescribeInstances", in, &out, err);
		cJSON_Delete(in);
		if (rc < 0)
			return -1;
		state = str_at(out, "Reservations[0].Instances[0].State.Name");
		ip = str_at(out, "Reservations[0].Instances[0].PublicIpAddress");
		if (!ip)
			ip = str_at(out, "Reservations[0].Instances[0].PublicDnsName");
		if (state && strcmp(state, "running") == 0 && ip) {
			*addr = strdup(ip);
			cJSON_Delete(out);
			return *addr ? 0 : -1;
		}
		snprintf(text, sizeof text, "%s", state ? state : "?");
		cJSON_Delete(out);
		if (strcmp(text, "pending") != 0 && strcmp(text, "running") != 0) {
			aws_error_set(err, AWS_ERR_SERVICE, "BastionNotRunning",
				      _("the bastion %s is %s"), id, text);
			aws_error_where(err, "bastion %s", id);
			return -1;
		}
		if (bastion_now() >= deadline) {
			aws_error_set(err, AWS_ERR_TIMEOUT, "BastionNotRunning",
				      _("the bastion %s is still %s"), id, text);
			aws_error_where(err, "bastion %s", id);
			return -1;
		}
		engine_post_waiting(e, "bastion", id, _("bastion starting"), bastion_now() - start);
		if (bastion_nap(cfg, scaled(e, POLL_DELAY), err) < 0)
			return -1;
	}
}

/* GetConsoleOutput's text, decoded; NULL while there is none. Failures
 * are not fatal: the console is one witness among several. */
static char *console_text(const struct bastion_config *cfg, const char *id)
{
	cJSON *in = cJSON_CreateObject(), *out = NULL;
	struct aws_error err;
	const char *b64;
	char *clean = NULL, *text = NULL;
	size_t n = 0;
	int len;

	aws_error_clear(&err);
	cJSON_AddStringToObject(in, "InstanceId", id);
	cJSON_AddBoolToObject(in, "Latest", 1);
	if (aws_call(cfg->client, "ec2", "GetConsoleOutput", in, &out, &err) < 0)
		goto out;
	b64 = str_at(out, "Output");
	if (!b64)
		goto out;
	clean = malloc(strlen(b64) + 1);
	if (!clean)
		goto out;
	for (const char *p = b64; *p; p++)
		if (!strchr(" \t\r\n", *p))
			clean[n++] = *p;
	clean[n] = '\0';
	if (n == 0 || n % 4 != 0)
		goto out;
	text = malloc(n / 4 * 3 + 1);
	if (!text)
		goto out;
	len = EVP_DecodeBlock((unsigned char *)text, (unsigned char *)clean, (int)n);
	if (len < 0) {
		free(text);
		text = NULL;
		goto out;
	}
	/* EVP_DecodeBlock counts the padding as zero bytes. */
	text[len] = '\0';
out:
	free(clean);
	cJSON_Delete(in);
	cJSON_Delete(out);
	return text;
}

/* The private key: the spec's, else the one the engine saved when it
 * created the key pair. Returns a malloc'd path. */
static char *private_key_path(const struct engine *e)
{
	const cJSON *kept = journal_outputs_of(e->journal, "keypair");
	const char *saved = str_at(kept, "key_file");
	char *path = NULL;

	if (e->spec->ssh_key_file && e->spec->ssh_key_file[0])
		return strdup(e->spec->ssh_key_file);
	if (saved)
		return strdup(saved);
	if (asprintf(&path, "%s/%s-key.pem", e->state_dir, e->spec->name) < 0)
		return NULL;
	return path;
}

static int is_code(const struct aws_error *err, const char *code)
{
	return strcmp(err->code, code) == 0;
}

/* Reword a refused host key so the user knows what to do next. */
static void explain_host_key(const struct ssh_hostkey_seen *seen, const char *known_hosts,
			     struct aws_error *err)
{
	char why[sizeof err->message];

	snprintf(why, sizeof why, "%s", err->message);
	if (is_code(err, "HostKeyUnverified")) {
		/* The wizard shows this one and asks (wizard-live.h). */
		snprintf(err->subject, sizeof err->subject, "%s", seen->fp);
		snprintf(err->message, sizeof err->message,
			 _("nothing vouches for the bastion's host key %s: its console "
			   "output shows no fingerprints. Compare it with the instance's "
			   "system log, then give --ssh-host-key %s (or "
			   "--accept-new-host-key)"),
			 seen->fp, seen->fp[0] ? seen->fp : "SHA256:...");
	} else if (is_code(err, "HostKeyMismatch"))
		snprintf(err->message, sizeof err->message,
			 _("WARNING: %s. Someone may be intercepting the connection; "
			   "nothing was sent. If the bastion was really replaced, remove "
			   "its line from %s"),
			 why, known_hosts);
}

int bastion_open(const struct bastion_config *cfg, struct engine *e,
		 struct ssh_session **out, struct aws_error *err)
{
	const char *id = journal_id_of(e->journal, "bastion");
	char *addr = NULL, *key = NULL, *known_hosts = NULL, *console = NULL;
	struct ssh_hostkey_seen seen;
	struct ssh_target t;
	double start = bastion_now(), sshd_deadline, console_deadline;
	int rc = -1;

	*out = NULL;
	if (!id) {
		aws_error_set(err, AWS_ERR_INPUT, "NoBastion", "%s",
			      _("the journal has no bastion yet: run deploy first"));
		return -1;
	}
	if (instance_address(cfg, e, id, &addr, err) < 0)
		goto out;
	key = private_key_path(e);
	if (!key || asprintf(&known_hosts, "%s/%s-known_hosts", e->state_dir,
			     e->spec->name) < 0) {
		known_hosts = NULL;
		aws_error_set(err, AWS_ERR_NOMEM, "OutOfMemory", "%s", _("out of memory"));
		goto out;
	}
	memset(&t, 0, sizeof t);
	t.host = addr;
	t.user = e->spec->ssh_user;
	t.private_key_file = key;
	t.known_hosts_file = known_hosts;
	t.host_key_alias = id; /* the instance, whatever its address */
	t.pinned_fp = cfg->pinned_fp;
	t.accept_new = cfg->accept_new;
	t.connect_to = cfg->connect_to;
	t.connect_to_count = cfg->connect_to_count;
	sshd_deadline = bastion_now() + scaled(e, SSHD_LIMIT);
	console_deadline = bastion_now() + scaled(e, CONSOLE_LIMIT);
	for (;;) {
		free(console);
		console = console_text(cfg, id);
		t.console_output = console;
		aws_error_clear(err);
		if (ssh_session_open(&t, &seen, out, err) == 0)
			break;
		/* Still booting: sshd not listening or not ready. */
		if ((is_code(err, "ConnectFailed") || is_code(err, "ConnectTimeout") ||
		     is_code(err, "HandshakeFailed")) &&
		    bastion_now() < sshd_deadline) {
			engine_post_waiting(e, "bastion", id, _("sshd not answering yet"),
					    bastion_now() - start);
		} else if (is_code(err, "HostKeyUnverified") && !cfg->pinned_fp &&
			   bastion_now() < console_deadline) {
			/* cloud-init prints the fingerprints late in the boot. */
			engine_post_waiting(e, "bastion", id,
					    _("host key fingerprints not on the console yet"),
					    bastion_now() - start);
		} else {
			explain_host_key(&seen, known_hosts, err);
			goto out;
		}
		if (bastion_nap(cfg, scaled(e, POLL_DELAY), err) < 0)
			goto out;
	}
	rc = 0;
out:
	free(console);
	free(addr);
	free(key);
	free(known_hosts);
	return rc;
}

/* The user data mounts EFS at the mount path; until it has run, a file
 * written there lands on the bastion's own disk. Wait for cloud-init. */
static int wait_boot_finished(const struct bastion_config *cfg, struct engine *e,
			      struct ssh_session *s, struct aws_error *err)
{
	double start = bastion_now(), deadline = start + scaled(e, BOOT_LIMIT);
	int status;

	for (;;) {
		if (ssh_exec(s, BOOT_FINISHED_COMMAND, &status, err) < 0)
			return -1;
		if (status == 0)
			return 0;
		if (bastion_now() >= deadline) {
			aws_error_set(err, AWS_ERR_TIMEOUT, "BastionBooting", "%s",
				      _("cloud-init has not finished on the bastion, so the "
					"file system may not be mounted yet; run again later"));
			aws_error_where(err, "%s", ssh_session_where(s));
			return -1;
		}
		engine_post_waiting(e, "license", NULL,
				    _("the bastion is still running its user data"),
				    bastion_now() - start);
		if (bastion_nap(cfg, scaled(e, POLL_DELAY), err) < 0)
			return -1;
	}
}

static const char *param(const cJSON *params, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(params, name);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* The local:license action: the spec's license file onto EFS, read back
 * and compared. The bytes are wiped when done. */
static int write_license(void *ctx, struct engine *e, const struct plan_action *a,
			 const cJSON *params, struct aws_error *err)
{
	const struct bastion_config *cfg = ctx;
	const char *file = param(params, "license_file");
	const char *dir = param(params, "path");
	struct ssh_session *s = NULL;
	char *data = NULL;
	size_t len = 0;
	int rc = -1;

	if (!file || !dir) {
		aws_error_set(err, AWS_ERR_INTERNAL, "BadPlan", "%s",
			      _("the license action lacks its file or path"));
		return -1;
	}
	/* Checked at planning too; read again now, the file may have moved. */
	if (license_load(file, &data, &len, err) < 0)
		return -1;
	if (bastion_open(cfg, e, &s, err) < 0 || wait_boot_finished(cfg, e, s, err) < 0)
		goto out;
	rc = ssh_write_file_atomic(s, dir, "license.json", data, len, 0644, err);
out:
	ssh_session_free(s);
	license_data_free(data, len);
	return rc;
}

int bastion_register_license(struct engine *e, const struct bastion_config *cfg)
{
	return engine_register_local(e, "license", write_license, (void *)cfg);
}
