/* journal.c - the deployment's record, one JSON file rewritten atomically.
 *
 * Layout: {"version": 1, "name", "token_seed", "meta": {...},
 * "resources": {KEY: {"state", "kind", "name", "id", "arn", "outputs",
 * "ready", "updated"}}}. Every change is written through before the call
 * returns (temp file in the same directory, fsync, rename, fsync of the
 * directory), so a kill -9 at any instant leaves either the old or the new
 * document, never a torn one. A mutex guards the document because the TUI
 * may snapshot it while the worker writes. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <sys/file.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "i18n.h"
#include "journal.h"

struct journal {
	char *dir;
	char *path;
	cJSON *doc;
	int readonly;
	int lock_fd;       /* flock'd <name>.lock while open for writing */
	pthread_mutex_t lock;
};

static const char *const state_names[] = {
	[JOURNAL_NONE] = "none",       [JOURNAL_INTENT] = "intent",
	[JOURNAL_CREATED] = "created", [JOURNAL_ADOPTED] = "adopted",
	[JOURNAL_SKIPPED] = "skipped", [JOURNAL_FAILED] = "failed",
	[JOURNAL_DELETED] = "deleted",
};

const char *journal_state_name(enum journal_state s)
{
	if ((int)s < 0 || (size_t)s >= sizeof state_names / sizeof state_names[0])
		return "unknown";
	return state_names[s];
}

static enum journal_state state_from_name(const char *s)
{
	for (size_t i = 0; s && i < sizeof state_names / sizeof state_names[0]; i++)
		if (strcmp(state_names[i], s) == 0)
			return (enum journal_state)i;
	return JOURNAL_NONE;
}

char *journal_default_dir(void)
{
	const char *xdg = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");
	char buf[4096];

	if (xdg && *xdg == '/')
		snprintf(buf, sizeof buf, "%s/ecs-wizard", xdg);
	else if (home && *home)
		snprintf(buf, sizeof buf, "%s/.local/state/ecs-wizard", home);
	else
		return NULL;
	return strdup(buf);
}

/* A deployment name becomes a file name: keep it to what AWS allows in
 * names anyway, so it can never climb out of the directory. */
static int name_ok(const char *name)
{
	if (!name || !*name || *name == '.' || strlen(name) > 128)
		return 0;
	for (const char *c = name; *c; c++)
		if (!(('a' <= *c && *c <= 'z') || ('A' <= *c && *c <= 'Z') ||
		      ('0' <= *c && *c <= '9') || *c == '-' || *c == '_' || *c == '.'))
			return 0;
	return 1;
}

static int check_dir(const char *dir, struct aws_error *err)
{
	struct stat st;

	if (stat(dir, &st) < 0) {
		aws_error_set(err, AWS_ERR_CONFIG, "StateDir", "%s: %s", dir,
			      strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		aws_error_set(err, AWS_ERR_CONFIG, "StateDir", _("%s is not a directory"), dir);
		return -1;
	}
	if (st.st_uid != geteuid() || (st.st_mode & 077)) {
		aws_error_set(err, AWS_ERR_CONFIG, "StateDirPermissions",
			      _("%s must be a directory of yours with mode 0700 "
			      "(it is %04o); fix it with chmod 700"),
			      dir, (unsigned)(st.st_mode & 07777));
		return -1;
	}
	return 0;
}

/* mkdir -p with 0700 for what we create. */
static int make_dirs(const char *dir, struct aws_error *err)
{
	char *copy = strdup(dir);
	int rc = -1;

	if (!copy) {
		aws_error_set(err, AWS_ERR_NOMEM, "", _("out of memory"));
		return -1;
	}
	for (char *p = copy + 1; ; p++) {
		if (*p == '/' || !*p) {
			char c = *p;
			*p = '\0';
			if (mkdir(copy, 0700) < 0 && errno != EEXIST) {
				aws_error_set(err, AWS_ERR_CONFIG, "StateDir", "%s: %s", copy,
					      strerror(errno));
				goto out;
			}
			*p = c;
			if (!c)
				break;
		}
	}
	rc = 0;
out:
	free(copy);
	return rc;
}

/* 1: absent, 0: present and private, -1: refused. */
static int check_file(const char *path, struct aws_error *err)
{
	struct stat st;

	if (lstat(path, &st) < 0) {
		if (errno == ENOENT)
			return 1;
		aws_error_set(err, AWS_ERR_CONFIG, "Journal", "%s: %s", path,
			      strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 077)) {
		aws_error_set(err, AWS_ERR_CONFIG, "JournalPermissions",
			      _("%s must be a regular file of yours with mode 0600 "
			      "(it is %04o); fix it with chmod 600"),
			      path, (unsigned)(st.st_mode & 07777));
		return -1;
	}
	return 0;
}

static cJSON *read_doc(const char *path, struct aws_error *err)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	long n;
	cJSON *doc = NULL;

	if (!f) {
		aws_error_set(err, AWS_ERR_CONFIG, "Journal", "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) < 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) < 0 ||
	    n > 64L * 1024 * 1024) {
		aws_error_set(err, AWS_ERR_CONFIG, "Journal", _("%s: cannot read"), path);
		goto out;
	}
	text = malloc((size_t)n + 1);
	if (!text || fread(text, 1, (size_t)n, f) != (size_t)n) {
		aws_error_set(err, AWS_ERR_CONFIG, "Journal", _("%s: cannot read"), path);
		goto out;
	}
	text[n] = '\0';
	doc = cJSON_Parse(text);
	if (!doc || !cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(doc, "resources"))) {
		cJSON_Delete(doc);
		doc = NULL;
		aws_error_set(err, AWS_ERR_CONFIG, "JournalCorrupt",
			      _("%s is not an ecs-wizard journal"), path);
	}
out:
	free(text);
	fclose(f);
	return doc;
}

static cJSON *new_doc(const char *name)
{
	unsigned char rnd[8];
	char seed[17];
	cJSON *doc = cJSON_CreateObject();

	if (RAND_bytes(rnd, sizeof rnd) != 1) {
		cJSON_Delete(doc);
		return NULL;
	}
	for (int i = 0; i < 8; i++)
		snprintf(seed + 2 * i, 3, "%02x", rnd[i]);
	if (!doc || !cJSON_AddNumberToObject(doc, "version", 1) ||
	    !cJSON_AddStringToObject(doc, "name", name) ||
	    !cJSON_AddStringToObject(doc, "token_seed", seed) ||
	    !cJSON_AddObjectToObject(doc, "meta") ||
	    !cJSON_AddObjectToObject(doc, "resources")) {
		cJSON_Delete(doc);
		return NULL;
	}
	return doc;
}

/* Write the document through: temp file, fsync, rename, fsync dir. Called
 * with the lock held. */
static int save(struct journal *j, struct aws_error *err)
{
	char tmp[4200];
	char *text = NULL;
	int fd = -1, rc = -1;
	size_t len, off = 0;

	if (j->readonly) {
		aws_error_set(err, AWS_ERR_INTERNAL, "JournalReadOnly",
			      _("%s was opened for reading"), j->path);
		return -1;
	}
	snprintf(tmp, sizeof tmp, "%s.tmp.XXXXXX", j->path);
	text = cJSON_Print(j->doc);
	if (!text) {
		aws_error_set(err, AWS_ERR_NOMEM, "", _("out of memory"));
		return -1;
	}
	fd = mkstemp(tmp);
	if (fd < 0 || fchmod(fd, 0600) < 0) {
		aws_error_set(err, AWS_ERR_CONFIG, "JournalWrite", "%s: %s", tmp,
			      strerror(errno));
		goto out;
	}
	len = strlen(text);
	while (off < len) {
		ssize_t w = write(fd, text + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			aws_error_set(err, AWS_ERR_CONFIG, "JournalWrite", "%s: %s", tmp,
				      strerror(errno));
			goto out;
		}
		off += (size_t)w;
	}
	if (fsync(fd) < 0 || close(fd) < 0) {
		fd = -1;
		aws_error_set(err, AWS_ERR_CONFIG, "JournalWrite", "%s: %s", tmp,
			      strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp, j->path) < 0) {
		aws_error_set(err, AWS_ERR_CONFIG, "JournalWrite", "%s: %s", j->path,
			      strerror(errno));
		goto out;
	}
	tmp[0] = '\0';
	{
		int dfd = open(j->dir, O_RDONLY | O_DIRECTORY);
		if (dfd >= 0) {
			fsync(dfd);
			close(dfd);
		}
	}
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (tmp[0])
		unlink(tmp);
	free(text);
	return rc;
}

/* One writer per deployment: a second deploy of the same name would race
 * the first to create the same resources. The lock dies with the process,
 * so a kill -9 leaves nothing to clean up by hand; temp files left by a
 * write that was killed half-way are removed here, under the lock. */
static int take_lock(struct journal *j, const char *name, struct aws_error *err)
{
	char path[4200];
	glob_t g;

	snprintf(path, sizeof path, "%s/%s.lock", j->dir, name);
	j->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (j->lock_fd < 0) {
		aws_error_set(err, AWS_ERR_CONFIG, "JournalLock", "%s: %s", path,
			      strerror(errno));
		return -1;
	}
	if (flock(j->lock_fd, LOCK_EX | LOCK_NB) < 0) {
		aws_error_set(err, AWS_ERR_CONFIG, "JournalBusy",
			      _("another ecs-wizard is working on %s (%s)"), name, path);
		return -1;
	}
	snprintf(path, sizeof path, "%s.tmp.*", j->path);
	if (glob(path, GLOB_NOSORT, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc; i++)
			unlink(g.gl_pathv[i]);
		globfree(&g);
	}
	return 0;
}

static int open_common(const char *dir, const char *name, int readonly,
		       struct journal **out, struct aws_error *err)
{
	struct journal *j = NULL;
	char path[4200];
	int exists;

	*out = NULL;
	if (!name_ok(name)) {
		aws_error_set(err, AWS_ERR_INPUT, "JournalName",
			      _("deployment name %s cannot name a journal"), name ? name : "");
		return -1;
	}
	if (!readonly && make_dirs(dir, err) < 0)
		return -1;
	if (check_dir(dir, err) < 0)
		return -1;
	snprintf(path, sizeof path, "%s/%s.json", dir, name);
	exists = check_file(path, err);
	if (exists < 0)
		return -1;
	if (readonly && exists == 1) {
		aws_error_set(err, AWS_ERR_CONFIG, "NoJournal",
			      _("no deployment called %s in %s"), name, dir);
		return -1;
	}
	j = calloc(1, sizeof *j);
	if (!j || !(j->dir = strdup(dir)) || !(j->path = strdup(path))) {
		aws_error_set(err, AWS_ERR_NOMEM, "", _("out of memory"));
		free(j ? j->dir : NULL);
		free(j);
		return -1;
	}
	j->lock_fd = -1;
	pthread_mutex_init(&j->lock, NULL);
	j->readonly = readonly;
	if (!readonly && take_lock(j, name, err) < 0)
		goto fail_locked;
	if (exists == 0) {
		j->doc = read_doc(path, err);
		if (!j->doc)
			goto fail_locked;
		if (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(j->doc, "token_seed"))) {
			aws_error_set(err, AWS_ERR_CONFIG, "JournalCorrupt",
				      _("%s has no token seed"), path);
			goto fail_locked;
		}
	} else {
		j->doc = new_doc(name);
		if (!j->doc) {
			aws_error_set(err, AWS_ERR_NOMEM, "", _("out of memory"));
			goto fail_locked;
		}
		if (save(j, err) < 0)
			goto fail_locked;
	}
	*out = j;
	return 0;
fail_locked:
	pthread_mutex_destroy(&j->lock);
	if (j->lock_fd >= 0)
		close(j->lock_fd);
	cJSON_Delete(j->doc);
	free(j->dir);
	free(j->path);
	free(j);
	return -1;
}

int journal_open(const char *dir, const char *name, struct journal **out,
		 struct aws_error *err)
{
	return open_common(dir, name, 0, out, err);
}

int journal_load(const char *dir, const char *name, struct journal **out,
		 struct aws_error *err)
{
	return open_common(dir, name, 1, out, err);
}

int journal_exists(const char *dir, const char *name)
{
	char path[4200];
	struct stat st;

	if (!name_ok(name))
		return 0;
	snprintf(path, sizeof path, "%s/%s.json", dir, name);
	return lstat(path, &st) == 0 && S_ISREG(st.st_mode);
}

void journal_close(struct journal *j)
{
	if (!j)
		return;
	pthread_mutex_destroy(&j->lock);
	if (j->lock_fd >= 0)
		close(j->lock_fd);
	cJSON_Delete(j->doc);
	free(j->dir);
	free(j->path);
	free(j);
}

const char *journal_path(const struct journal *j)
{
	return j->path;
}

static cJSON *resource(struct journal *j, const char *key, int create)
{
	cJSON *res = cJSON_GetObjectItemCaseSensitive(j->doc, "resources");
	cJSON *r = cJSON_GetObjectItemCaseSensitive(res, key);

	if (!r && create) {
		r = cJSON_AddObjectToObject(res, key);
	}
	return r;
}

static void set_string(cJSON *o, const char *field, const char *value)
{
	cJSON_DeleteItemFromObjectCaseSensitive(o, field);
	if (value)
		cJSON_AddStringToObject(o, field, value);
}

static void stamp(cJSON *r)
{
	char ts[32];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
	set_string(r, "updated", ts);
}

int journal_record_intent(struct journal *j, const char *key, const char *kind,
			  const char *name, struct aws_error *err)
{
	cJSON *r;
	int rc = -1;

	pthread_mutex_lock(&j->lock);
	r = resource(j, key, 1);
	if (!r) {
		aws_error_set(err, AWS_ERR_NOMEM, "", _("out of memory"));
		goto out;
	}
	set_string(r, "state", state_names[JOURNAL_INTENT]);
	set_string(r, "kind", kind);
	set_string(r, "name", name);
	stamp(r);
	rc = save(j, err);
out:
	pthread_mutex_unlock(&j->lock);
	return rc;
}

int journal_record_created(struct journal *j, const char *key, const char *id,
			   const char *arn, const cJSON *outputs, int adopted,
			   struct aws_error *err)
{
	cJSON *r;
	int rc = -1;

	pthread_mutex_lock(&j->lock);
	r = resource(j, key, 1);
	if (!r) {
		aws_error_set(err, AWS_ERR_NOMEM, "", _("out of memory"));
		goto out;
	}
	set_string(r, "state", state_names[adopted ? JOURNAL_ADOPTED : JOURNAL_CREATED]);
	/* An id the user typed names their resource: never ours to delete. */
	cJSON_DeleteItemFromObjectCaseSensitive(r, "supplied");
	if (adopted == JOURNAL_BY_USER)
		cJSON_AddTrueToObject(r, "supplied");
	set_string(r, "id", id);
	set_string(r, "arn", arn);
	cJSON_DeleteItemFromObjectCaseSensitive(r, "outputs");
	if (outputs)
		cJSON_AddItemToObject(r, "outputs", cJSON_Duplicate(outputs, 1));
	cJSON_DeleteItemFromObjectCaseSensitive(r, "ready");
	stamp(r);
	rc = save(j, err);
out:
	pthread_mutex_unlock(&j->lock);
	return rc;
}

int journal_record_state(struct journal *j, const char *key,
			 enum journal_state state, struct aws_error *err)
{
	cJSON *r;
	int rc = -1;

	pthread_mutex_lock(&j->lock);
	r = resource(j, key, 1);
	if (!r) {
		aws_error_set(err, AWS_ERR_NOMEM, "", _("out of memory"));
		goto out;
	}
	set_string(r, "state", journal_state_name(state));
	stamp(r);
	rc = save(j, err);
out:
	pthread_mutex_unlock(&j->lock);
	return rc;
}

int journal_record_ready(struct journal *j, const char *key, struct aws_error *err)
{
	cJSON *r;
	int rc = -1;

	pthread_mutex_lock(&j->lock);
	r = resource(j, key, 0);
	if (!r) {
		aws_error_set(err, AWS_ERR_INTERNAL, "NoRecord", _("%s was never recorded"), key);
		goto out;
	}
	cJSON_DeleteItemFromObjectCaseSensitive(r, "ready");
	cJSON_AddBoolToObject(r, "ready", 1);
	rc = save(j, err);
out:
	pthread_mutex_unlock(&j->lock);
	return rc;
}

int journal_is_ready(const struct journal *j, const char *key)
{
	struct journal *mj = (struct journal *)j;
	int ready;

	pthread_mutex_lock(&mj->lock);
	ready = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(resource(mj, key, 0), "ready"));
	pthread_mutex_unlock(&mj->lock);
	return ready;
}

int journal_set_meta(struct journal *j, const char *field, const cJSON *value,
		     struct aws_error *err)
{
	cJSON *meta;
	cJSON *copy = cJSON_Duplicate(value, 1);
	int rc = -1;

	if (!copy) {
		aws_error_set(err, AWS_ERR_NOMEM, "", _("out of memory"));
		return -1;
	}
	pthread_mutex_lock(&j->lock);
	meta = cJSON_GetObjectItemCaseSensitive(j->doc, "meta");
	if (!meta)
		meta = cJSON_AddObjectToObject(j->doc, "meta");
	cJSON_DeleteItemFromObjectCaseSensitive(meta, field);
	cJSON_AddItemToObject(meta, field, copy);
	rc = save(j, err);
	pthread_mutex_unlock(&j->lock);
	return rc;
}

enum journal_state journal_state_of(const struct journal *j, const char *key)
{
	const cJSON *r = resource((struct journal *)j, key, 0);
	const cJSON *s = cJSON_GetObjectItemCaseSensitive(r, "state");

	return cJSON_IsString(s) ? state_from_name(s->valuestring) : JOURNAL_NONE;
}

const char *journal_id_of(const struct journal *j, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(
		resource((struct journal *)j, key, 0), "id");
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static const char *arn_of(const struct journal *j, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(
		resource((struct journal *)j, key, 0), "arn");
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

const char *journal_arn_of(const struct journal *j, const char *key)
{
	return arn_of(j, key);
}

const cJSON *journal_outputs_of(const struct journal *j, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(resource((struct journal *)j, key, 0),
						"outputs");
}

const cJSON *journal_meta(const struct journal *j, const char *field)
{
	return cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(j->doc, "meta"), field);
}

const cJSON *journal_doc(const struct journal *j)
{
	return j->doc;
}

cJSON *journal_snapshot(const struct journal *j)
{
	struct journal *mj = (struct journal *)j;
	cJSON *copy;

	pthread_mutex_lock(&mj->lock);
	copy = cJSON_Duplicate(j->doc, 1);
	pthread_mutex_unlock(&mj->lock);
	return copy;
}

const char *journal_token_seed(const struct journal *j)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j->doc, "token_seed");
	return cJSON_IsString(v) ? v->valuestring : "";
}
