/* ecr_push.c - docker or skopeo pushes to ECR with the password kept off
 * every command line. See ecr_push.h. */
#include "config.h"

#include "ecr_push.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/buf.h"
#include "i18n.h"
#include "util/spawn.h"

#define TOOL_TIMEOUT_S 3600 /* an 8 GB image over a slow link */
#define INSPECT_TIMEOUT_S 120

void ecr_secret_free(char *secret)
{
	if (secret) {
		OPENSSL_cleanse(secret, strlen(secret));
		free(secret);
	}
}

int ecr_decode_token(const char *token_b64, char **user, char **password,
		     struct aws_error *err)
{
	size_t len = token_b64 ? strlen(token_b64) : 0;
	unsigned char *raw = NULL;
	char *colon;
	int n, rc = -1;

	*user = *password = NULL;
	if (!len || len % 4) {
		aws_error_set(err, AWS_ERR_PARSE, "BadAuthorizationToken",
			      _("the ECR authorization token is not base64"));
		return -1;
	}
	raw = malloc(len / 4 * 3 + 1);
	if (!raw) {
		aws_error_set(err, AWS_ERR_NOMEM, "NoMemory", _("out of memory"));
		return -1;
	}
	n = EVP_DecodeBlock(raw, (const unsigned char *)token_b64, (int)len);
	if (n < 0)
		goto bad;
	/* EVP_DecodeBlock counts the padding as zero bytes. */
	if (token_b64[len - 1] == '=')
		n--;
	if (token_b64[len - 2] == '=')
		n--;
	raw[n] = '\0';
	if (strlen((char *)raw) != (size_t)n)
		goto bad;
	colon = strchr((char *)raw, ':');
	if (!colon || colon == (char *)raw || !colon[1])
		goto bad;
	*colon = '\0';
	*user = strdup((char *)raw);
	*password = strdup(colon + 1);
	if (!*user || !*password) {
		free(*user);
		ecr_secret_free(*password);
		*user = *password = NULL;
		aws_error_set(err, AWS_ERR_NOMEM, "NoMemory", _("out of memory"));
		goto out;
	}
	rc = 0;
	goto out;
bad:
	aws_error_set(err, AWS_ERR_PARSE, "BadAuthorizationToken",
		      _("the ECR authorization token is not \"user:password\" in base64"));
out:
	OPENSSL_cleanse(raw, len / 4 * 3 + 1);
	free(raw);
	return rc;
}

/* The part after the last ':' that follows the last '/', if any. */
static const char *reference_tag(const char *ref)
{
	const char *slash = strrchr(ref, '/');
	const char *colon = strrchr(slash ? slash : ref, ':');

	return colon && colon[1] ? colon + 1 : NULL;
}

char *ecr_source_tag(const char *source)
{
	const char *tag = NULL;

	if (strncmp(source, "oci:", 4) == 0) {
		const char *colon = strchr(source + 4, ':');
		tag = colon && colon[1] ? colon + 1 : NULL;
	} else if (strncmp(source, "docker-archive:", 15) == 0) {
		/* docker-archive:PATH[:NAME:TAG] */
		const char *colon = strchr(source + 15, ':');
		tag = colon ? reference_tag(colon + 1) : NULL;
	} else if (!strchr(source, '@')) {
		tag = reference_tag(source);
	}
	return strdup(tag ? tag : "latest");
}

char *ecr_skopeo_source(const char *source)
{
	struct buf b;

	if (strncmp(source, "oci:", 4) == 0 ||
	    strncmp(source, "docker-archive:", 15) == 0)
		return strdup(source);
	buf_init(&b, 0);
	if (buf_printf(&b, "docker-daemon:%s", source) < 0) {
		buf_free(&b);
		return NULL;
	}
	return buf_take(&b);
}

static int is_file_source(const char *source)
{
	return strncmp(source, "oci:", 4) == 0 ||
	       strncmp(source, "docker-archive:", 15) == 0;
}

static int docker_works(void)
{
	const char *argv[] = {"docker", "info", NULL};
	struct spawn_opts o = {.argv = argv, .timeout_s = 20};
	struct aws_error err;
	int status = -1;

	if (!spawn_have("docker"))
		return 0;
	aws_error_clear(&err);
	return spawn_run(&o, &status, &err) == 0 && status == 0;
}

enum ecr_tool ecr_detect_tool(const char *source)
{
	if (is_file_source(source))
		return spawn_have("skopeo") ? ECR_TOOL_SKOPEO : ECR_TOOL_NONE;
	return docker_works() ? ECR_TOOL_DOCKER : ECR_TOOL_NONE;
}

void ecr_push_result_free(struct ecr_push_result *res)
{
	free(res->tag);
	free(res->digest);
	free(res->image_uri);
	memset(res, 0, sizeof(*res));
}

/* A private 0700 directory for the auth file and the digest file. */
struct private_dir {
	char path[4096];
	char auth[4200];
	char digest[4200];
	size_t auth_len;
};

static int private_dir_make(struct private_dir *pd, const char *work_dir,
			    struct aws_error *err)
{
	const char *base = work_dir ? work_dir : getenv("TMPDIR");

	if (!base || !*base)
		base = "/tmp";
	snprintf(pd->path, sizeof(pd->path), "%s/ecsw-push-XXXXXX", base);
	if (!mkdtemp(pd->path)) {
		aws_error_set(err, AWS_ERR_INTERNAL, "PushFailed",
			      _("cannot create a private directory in %s: %s"), base,
			      strerror(errno));
		return -1;
	}
	snprintf(pd->auth, sizeof(pd->auth), "%s/auth.json", pd->path);
	snprintf(pd->digest, sizeof(pd->digest), "%s/digest", pd->path);
	pd->auth_len = 0;
	return 0;
}

/* Overwrite the auth file before unlinking it: the bytes held a password. */
static void private_dir_remove(struct private_dir *pd)
{
	int fd = open(pd->auth, O_WRONLY);

	if (fd >= 0) {
		char zeros[256] = {0};
		size_t left = pd->auth_len;

		while (left) {
			size_t n = left < sizeof(zeros) ? left : sizeof(zeros);
			if (write(fd, zeros, n) != (ssize_t)n)
				break;
			left -= n;
		}
		fsync(fd);
		close(fd);
	}
	unlink(pd->auth);
	unlink(pd->digest);
	rmdir(pd->path);
}

/* skopeo's auth file: {"auths":{"REGISTRY":{"auth":"base64(user:password)"}}} */
static int write_authfile(struct private_dir *pd, const char *registry,
			  const char *user, const char *password,
			  struct aws_error *err)
{
	struct buf plain, json;
	unsigned char *b64 = NULL;
	int fd = -1, rc = -1;

	buf_init(&plain, 0);
	buf_init(&json, 0);
	if (buf_printf(&plain, "%s:%s", user, password) < 0)
		goto nomem;
	b64 = malloc(4 * ((plain.len + 2) / 3) + 1);
	if (!b64)
		goto nomem;
	EVP_EncodeBlock(b64, (const unsigned char *)plain.data, (int)plain.len);
	if (buf_printf(&json, "{\"auths\":{\"%s\":{\"auth\":\"%s\"}}}\n",
		       registry, (char *)b64) < 0)
		goto nomem;
	fd = open(pd->auth, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, json.data, json.len) != (ssize_t)json.len) {
		aws_error_set(err, AWS_ERR_INTERNAL, "PushFailed",
			      _("cannot write the registry auth file: %s"),
			      strerror(errno));
		goto out;
	}
	pd->auth_len = json.len;
	rc = 0;
	goto out;
nomem:
	aws_error_set(err, AWS_ERR_NOMEM, "NoMemory", _("out of memory"));
out:
	if (fd >= 0)
		close(fd);
	if (b64) {
		OPENSSL_cleanse(b64, strlen((char *)b64));
		free(b64);
	}
	buf_free_secret(&plain);
	buf_free_secret(&json);
	return rc;
}

static void sha256_digest(const void *data, size_t len, char out[72])
{
	unsigned char md[SHA256_DIGEST_LENGTH];

	SHA256(data, len, md);
	strcpy(out, "sha256:");
	for (int i = 0; i < SHA256_DIGEST_LENGTH; i++)
		sprintf(out + 7 + 2 * i, "%02x", md[i]);
}

/* First line of a tool's stderr, for a one-line error. */
static void first_line(const struct buf *b, char *out, size_t size)
{
	const char *s = buf_str(b);
	size_t n;

	while (*s == '\n' || *s == ' ')
		s++;
	n = strcspn(s, "\n");
	if (n >= size)
		n = size - 1;
	memcpy(out, s, n);
	out[n] = '\0';
}

static int looks_unauthorized(const struct buf *errout)
{
	const char *s = buf_str(errout);

	return strstr(s, "unauthorized") || strstr(s, "authentication required") ||
	       strstr(s, "401 Unauthorized") || strstr(s, "denied") ||
	       strstr(s, "invalid username/password");
}

static int tool_failed(const char *what, const struct buf *errout, int status,
		       struct aws_error *err)
{
	char line[400];

	first_line(errout, line, sizeof(line));
	if (looks_unauthorized(errout))
		aws_error_set(err, AWS_ERR_SERVICE, "RegistryAuthFailed",
			      _("the registry refused the credentials (%s)"), line);
	else
		aws_error_set(err, AWS_ERR_SERVICE, "PushFailed",
			      _("%s exited with status %d: %s"), what, status, line);
	return -1;
}

/* Run a tool whose stdout we want whole. */
static int run_capture(const char *const *argv, struct buf *out,
		       struct buf *errout, int *status,
		       const struct ecr_push_request *req, struct aws_error *err)
{
	struct spawn_opts o = {.argv = argv, .out = out, .err = errout,
			       .timeout_s = INSPECT_TIMEOUT_S, .cancel = req->cancel};

	return spawn_run(&o, status, err);
}

/* Digest of the source's config blob: the image id, the same whatever the
 * transport or manifest format. */
static int local_config_digest(const char *src, const struct ecr_push_request *req,
			       char out[72], long *layers, struct aws_error *err)
{
	const char *argv_cfg[] = {"skopeo", "inspect", "--config", "--raw", src, NULL};
	const char *argv_man[] = {"skopeo", "inspect", "--raw", src, NULL};
	struct buf o, e;
	cJSON *man = NULL;
	int status = 0, rc = -1;

	buf_init(&o, 64u * 1024 * 1024);
	buf_init(&e, 64 * 1024);
	if (run_capture(argv_cfg, &o, &e, &status, req, err) < 0)
		goto out;
	if (status != 0) {
		char line[400];
		first_line(&e, line, sizeof(line));
		aws_error_set(err, AWS_ERR_INPUT, "ImageNotFound",
			      _("cannot read the image %s: %s"), req->source, line);
		goto out;
	}
	sha256_digest(o.data, o.len, out);
	buf_reset(&o);
	buf_reset(&e);
	*layers = 0;
	if (run_capture(argv_man, &o, &e, &status, req, err) == 0 && status == 0 &&
	    (man = cJSON_Parse(buf_str(&o)))) {
		const cJSON *l = cJSON_GetObjectItemCaseSensitive(man, "layers");
		*layers = cJSON_IsArray(l) ? cJSON_GetArraySize(l) : 0;
	}
	rc = 0;
out:
	cJSON_Delete(man);
	buf_free(&o);
	buf_free(&e);
	return rc;
}

/* What the registry holds under the tag: its manifest digest and config
 * digest. Returns 1 when found, 0 when the tag is absent, -1 on error
 * (a refused login among them). */
static int remote_digests(const char *dest, const struct private_dir *pd,
			  const struct ecr_push_request *req, char manifest[72],
			  char config[72], struct aws_error *err)
{
	const char *argv[] = {"skopeo", "inspect", "--raw", "--authfile", pd->auth,
			      dest, NULL};
	struct buf o, e;
	cJSON *man = NULL;
	const cJSON *cfg, *dg;
	int status = 0, rc = -1;

	buf_init(&o, 16u * 1024 * 1024);
	buf_init(&e, 64 * 1024);
	if (run_capture(argv, &o, &e, &status, req, err) < 0)
		goto out;
	if (status != 0) {
		const char *s = buf_str(&e);
		if (looks_unauthorized(&e))
			rc = tool_failed("skopeo inspect", &e, status, err);
		else if (strstr(s, "manifest unknown") || strstr(s, "not found") ||
			 strstr(s, "MANIFEST_UNKNOWN") || strstr(s, "NAME_UNKNOWN"))
			rc = 0;
		else
			rc = tool_failed("skopeo inspect", &e, status, err);
		goto out;
	}
	sha256_digest(o.data, o.len, manifest);
	man = cJSON_Parse(buf_str(&o));
	cfg = cJSON_GetObjectItemCaseSensitive(man, "config");
	dg = cJSON_GetObjectItemCaseSensitive(cfg, "digest");
	if (!cJSON_IsString(dg) || strlen(dg->valuestring) >= 72) {
		rc = 0; /* a manifest list or something else: push ours */
		goto out;
	}
	strcpy(config, dg->valuestring);
	rc = 1;
out:
	cJSON_Delete(man);
	buf_free(&o);
	buf_free(&e);
	return rc;
}

struct progress_state {
	const struct ecr_push_request *req;
	long done, total;
};

/* skopeo prints one "Copying blob sha256:..." line per layer, docker one
 * "...: Pushed" / "Layer already exists" line per layer. */
static void on_progress_line(const char *line, void *ctx)
{
	struct progress_state *ps = ctx;

	if (strncmp(line, "Copying blob", 12) == 0 || strstr(line, ": Pushed") ||
	    strstr(line, "Layer already exists")) {
		ps->done++;
		if (ps->total && ps->done > ps->total)
			ps->total = ps->done;
		if (ps->req->progress)
			ps->req->progress(ps->done, ps->total, line,
					  ps->req->progress_ctx);
	}
}

static int fill_result(struct ecr_push_result *res, const struct ecr_push_request *req,
		       const char *tag, const char *digest, struct aws_error *err)
{
	struct buf b;

	buf_init(&b, 0);
	res->tag = strdup(tag);
	res->digest = strdup(digest);
	if (buf_printf(&b, "%s/%s@%s", req->registry, req->repository, digest) < 0 ||
	    !res->tag || !res->digest) {
		buf_free(&b);
		aws_error_set(err, AWS_ERR_NOMEM, "NoMemory", _("out of memory"));
		return -1;
	}
	res->image_uri = buf_take(&b);
	return 0;
}

static int push_with_skopeo(const struct ecr_push_request *req, const char *tag,
			    struct ecr_push_result *res, struct aws_error *err)
{
	struct private_dir pd;
	struct buf dest, e;
	char local_cfg[72], remote_man[72], remote_cfg[72];
	char *src = ecr_skopeo_source(req->source);
	long layers = 0;
	int status = 0, found, rc = -1;

	buf_init(&dest, 0);
	buf_init(&e, 64 * 1024);
	pd.path[0] = '\0';
	if (!src || buf_printf(&dest, "docker://%s/%s:%s", req->registry,
			       req->repository, tag) < 0) {
		aws_error_set(err, AWS_ERR_NOMEM, "NoMemory", _("out of memory"));
		goto out;
	}
	if (local_config_digest(src, req, local_cfg, &layers, err) < 0)
		goto out;
	if (private_dir_make(&pd, req->work_dir, err) < 0) {
		pd.path[0] = '\0';
		goto out;
	}
	if (write_authfile(&pd, req->registry, req->username, req->password, err) < 0)
		goto out;
	found = remote_digests(dest.data, &pd, req, remote_man, remote_cfg, err);
	if (found < 0)
		goto out;
	if (found && strcmp(remote_cfg, local_cfg) == 0) {
		res->skipped = 1;
		rc = fill_result(res, req, tag, remote_man, err);
		goto out;
	}
	{
		const char *argv[] = {"skopeo", "copy", "--authfile", pd.auth,
				      "--digestfile", pd.digest, "--retry-times", "3",
				      src, dest.data, NULL};
		struct progress_state ps = {.req = req, .total = layers};
		struct spawn_opts o = {.argv = argv, .err = &e, .on_line = on_progress_line,
				       .ctx = &ps, .timeout_s = TOOL_TIMEOUT_S,
				       .cancel = req->cancel};
		char digest[128] = "";
		FILE *f;

		if (req->progress)
			req->progress(0, layers, "start", req->progress_ctx);
		if (spawn_run(&o, &status, err) < 0)
			goto out;
		if (status != 0) {
			tool_failed("skopeo copy", &e, status, err);
			goto out;
		}
		f = fopen(pd.digest, "r");
		if (!f || !fgets(digest, sizeof(digest), f) ||
		    strncmp(digest, "sha256:", 7) != 0) {
			if (f)
				fclose(f);
			aws_error_set(err, AWS_ERR_INTERNAL, "PushFailed",
				      _("skopeo did not report the pushed digest"));
			goto out;
		}
		fclose(f);
		digest[strcspn(digest, "\r\n")] = '\0';
		if (req->progress)
			req->progress(ps.done > layers ? ps.done : layers,
				      ps.done > layers ? ps.done : layers, "done",
				      req->progress_ctx);
		rc = fill_result(res, req, tag, digest, err);
	}
out:
	if (pd.path[0])
		private_dir_remove(&pd);
	free(src);
	buf_free(&dest);
	buf_free(&e);
	return rc;
}

/* docker keeps its login in $DOCKER_CONFIG/config.json: point it at our
 * private directory for the children so the credentials go away with it. */
static int push_with_docker(const struct ecr_push_request *req, const char *tag,
			    struct ecr_push_result *res, struct aws_error *err)
{
	struct private_dir pd;
	struct buf target, e, out, pw;
	char cfgenv[4200];
	const char *env[] = {cfgenv, NULL};
	int status = 0, rc = -1;
	const char *d;

	buf_init(&target, 0);
	buf_init(&e, 64 * 1024);
	buf_init(&out, 1024 * 1024);
	buf_init(&pw, 0);
	if (private_dir_make(&pd, req->work_dir, err) < 0)
		return -1;
	snprintf(cfgenv, sizeof(cfgenv), "DOCKER_CONFIG=%s", pd.path);
	if (buf_printf(&target, "%s/%s:%s", req->registry, req->repository, tag) < 0 ||
	    buf_printf(&pw, "%s", req->password) < 0)
		goto nomem;
	{
		const char *argv[] = {"docker", "login", "--username", req->username,
				      "--password-stdin", req->registry, NULL};
		struct spawn_opts o = {.argv = argv, .stdin_data = pw.data,
				       .stdin_len = pw.len, .err = &e, .env_set = env,
				       .timeout_s = INSPECT_TIMEOUT_S, .cancel = req->cancel};
		if (spawn_run(&o, &status, err) < 0)
			goto out;
		if (status != 0) {
			tool_failed("docker login", &e, status, err);
			goto out;
		}
	}
	{
		const char *argv[] = {"docker", "tag", req->source, target.data, NULL};
		struct spawn_opts o = {.argv = argv, .err = &e, .env_set = env,
				       .timeout_s = INSPECT_TIMEOUT_S};
		buf_reset(&e);
		if (spawn_run(&o, &status, err) < 0)
			goto out;
		if (status != 0) {
			tool_failed("docker tag", &e, status, err);
			goto out;
		}
	}
	{
		const char *argv[] = {"docker", "push", target.data, NULL};
		struct progress_state ps = {.req = req};
		struct spawn_opts o = {.argv = argv, .out = &out, .err = &e,
				       .env_set = env, .on_line = on_progress_line, .ctx = &ps,
				       .timeout_s = TOOL_TIMEOUT_S, .cancel = req->cancel};
		char digest[72];

		buf_reset(&e);
		if (spawn_run(&o, &status, err) < 0)
			goto out;
		if (status != 0) {
			tool_failed("docker push", &e, status, err);
			goto out;
		}
		d = strstr(buf_str(&out), "digest: sha256:");
		if (!d || sscanf(d, "digest: %71s", digest) != 1) {
			aws_error_set(err, AWS_ERR_INTERNAL, "PushFailed",
				      _("docker push did not report the pushed digest"));
			goto out;
		}
		rc = fill_result(res, req, tag, digest, err);
	}
	goto out;
nomem:
	aws_error_set(err, AWS_ERR_NOMEM, "NoMemory", _("out of memory"));
out:
	{
		/* docker login wrote the credentials here: remove them. */
		char cfg[4200];
		int fd;

		snprintf(cfg, sizeof(cfg), "%s/config.json", pd.path);
		fd = open(cfg, O_WRONLY);
		if (fd >= 0) {
			struct stat st;
			if (fstat(fd, &st) == 0) {
				char zeros[256] = {0};
				for (off_t left = st.st_size; left > 0; left -= (off_t)sizeof(zeros))
					if (write(fd, zeros, sizeof(zeros)) < 0)
						break;
			}
			close(fd);
		}
		unlink(cfg);
	}
	private_dir_remove(&pd);
	buf_free(&target);
	buf_free(&e);
	buf_free(&out);
	buf_free_secret(&pw);
	return rc;
}

/* A `docker save` archive names its image in manifest.json's RepoTags:
 * use that tag when the source does not name one. NULL when none. */
static char *archive_tag(const char *source)
{
	const char *path = source + strlen("docker-archive:");
	const char *argv[] = {"tar", "-xOf", path, "manifest.json", NULL};
	struct spawn_opts o = {.argv = argv, .timeout_s = INSPECT_TIMEOUT_S};
	struct aws_error err;
	struct buf out;
	cJSON *doc = NULL;
	const cJSON *tags;
	char *tag = NULL;
	int status = -1;

	if (strchr(path, ':'))
		return NULL;
	buf_init(&out, 1024 * 1024);
	o.out = &out;
	aws_error_clear(&err);
	if (spawn_run(&o, &status, &err) == 0 && status == 0 &&
	    (doc = cJSON_Parse(buf_str(&out))) && cJSON_IsArray(doc)) {
		tags = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(doc, 0), "RepoTags");
		if (cJSON_IsString(cJSON_GetArrayItem(tags, 0))) {
			const char *t = reference_tag(cJSON_GetArrayItem(tags, 0)->valuestring);
			tag = t ? strdup(t) : NULL;
		}
	}
	cJSON_Delete(doc);
	buf_free(&out);
	return tag;
}

int ecr_push(const struct ecr_push_request *req, struct ecr_push_result *res,
	     struct aws_error *err)
{
	char *tag;
	int rc = -1;

	memset(res, 0, sizeof(*res));
	if (!req->source || !*req->source || !req->registry || !req->repository ||
	    !req->username || !req->password) {
		aws_error_set(err, AWS_ERR_INPUT, "BadRequest",
			      _("image, registry, repository and credentials are required"));
		return -1;
	}
	if (req->tag && *req->tag)
		tag = strdup(req->tag);
	else if (strncmp(req->source, "docker-archive:", 15) == 0)
		tag = archive_tag(req->source);
	else
		tag = NULL;
	if (!tag)
		tag = ecr_source_tag(req->source);
	if (!tag) {
		aws_error_set(err, AWS_ERR_NOMEM, "NoMemory", _("out of memory"));
		return -1;
	}
	res->tool = ecr_detect_tool(req->source);
	switch (res->tool) {
	case ECR_TOOL_SKOPEO:
		rc = push_with_skopeo(req, tag, res, err);
		break;
	case ECR_TOOL_DOCKER:
		rc = push_with_docker(req, tag, res, err);
		break;
	case ECR_TOOL_NONE:
		if (is_file_source(req->source))
			aws_error_set(err, AWS_ERR_INPUT, "ToolMissing",
				      _("pushing %s needs skopeo: install the Debian package skopeo"),
				      req->source);
		else
			aws_error_set(err, AWS_ERR_INPUT, "ToolMissing",
				      _("no working Docker engine for %s: start Docker, or save the image "
				      "(docker save -o image.tar %s) and use docker-archive:image.tar with skopeo"),
				      req->source, req->source);
		break;
	}
	if (rc < 0) {
		aws_error_where(err, "ecr-push");
		ecr_push_result_free(res);
	}
	free(tag);
	return rc;
}
