/* ecr_push.h - putting the container image into the ECR repository (guide
 * section 5) without ever exposing the registry password.
 *
 * The password (from ECR GetAuthorizationToken) reaches the tools only
 * through the standard input of `docker login --password-stdin` or through
 * a 0600 auth file in a private 0700 directory that is wiped and removed
 * afterwards: never argv, never a child's environment, never a log.
 * With a working Docker engine the local image is tagged and pushed with
 * docker; otherwise skopeo copies a `docker-archive:PATH` or `oci:DIR[:TAG]`
 * source. When the repository already holds the same image (same config
 * digest under the tag), nothing is uploaded. */
#ifndef ECSW_ECR_PUSH_H
#define ECSW_ECR_PUSH_H

#include <signal.h>

#include "aws/error.h"

enum ecr_tool {
	ECR_TOOL_NONE,
	ECR_TOOL_DOCKER,
	ECR_TOOL_SKOPEO,
};

/* Progress of a push: layers done out of total (0 total: unknown). */
typedef void (*ecr_progress_fn)(long done, long total, const char *what,
				void *ctx);

struct ecr_push_request {
	const char *source;     /* "deid:3.3.2-cpu", "docker-archive:PATH", "oci:DIR:TAG" */
	const char *registry;   /* "<account>.dkr.ecr.<region>.amazonaws.com" (no scheme) */
	const char *repository; /* "ecsdocs" */
	const char *tag;        /* NULL: the source's own tag */
	const char *username;   /* "AWS" */
	const char *password;   /* secret: borrowed, never copied into argv/env/logs */
	const char *work_dir;   /* where the private auth dir is made; NULL: $TMPDIR or /tmp */
	ecr_progress_fn progress;
	void *progress_ctx;
	volatile sig_atomic_t *cancel;
};

struct ecr_push_result {
	char *tag;       /* owned: the tag pushed */
	char *digest;    /* owned: "sha256:..." manifest digest in the registry */
	char *image_uri; /* owned: registry/repository@digest */
	int skipped;     /* 1: the registry already had this image */
	enum ecr_tool tool;
};

/* Which tool this machine can push with: docker when `docker info` works,
 * else skopeo when installed, else NONE. */
enum ecr_tool ecr_detect_tool(const char *source);

/* Split an ECR authorization token (base64 "AWS:<password>") into its
 * user and password (both malloc'd; wipe the password with
 * ecr_secret_free). */
int ecr_decode_token(const char *token_b64, char **user, char **password,
		     struct aws_error *err);
void ecr_secret_free(char *secret);

/* The tag a source carries: "deid:3.3.2-cpu" -> "3.3.2-cpu", "oci:D:T" -> "T",
 * otherwise "latest". Returns a malloc'd string. */
char *ecr_source_tag(const char *source);
/* The skopeo transport reference for a source ("oci:...", "docker-archive:...",
 * or "docker-daemon:NAME:TAG"). Returns a malloc'd string. */
char *ecr_skopeo_source(const char *source);

/* Push (or find already pushed). On success res is filled (free with
 * ecr_push_result_free). Errors: RegistryAuthFailed (wrong password),
 * ToolMissing (neither docker nor skopeo: what to install), PushFailed. */
int ecr_push(const struct ecr_push_request *req, struct ecr_push_result *res,
	     struct aws_error *err);
void ecr_push_result_free(struct ecr_push_result *res);

#endif
