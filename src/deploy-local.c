/* deploy-local.c - the PLAN_LOCAL actions that other modules do, handed to
 * the engine by the deploy command.
 *
 * image-push: an ECR authorization token, split by ecr_decode_token, and
 * ecr_push (docker or skopeo; the password only through stdin or a wiped
 * 0600 file). The token is a secret: it is wiped from the call's answer
 * before the answer is freed and never reaches the journal. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "deploy-local.h"
#include "ecr_push.h"
#include "i18n.h"
#include "interrupt.h"
#include "jpath.h"

static const char *param(const cJSON *params, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(params, name);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

struct push_progress {
	struct engine *engine;
	const char *key;
};

/* The push tool's layer lines become the queue's progress events, so the
 * TUI and the headless run both show a long push moving. */
static void on_push_progress(long done, long total, const char *what, void *ctx)
{
	struct push_progress *pp = ctx;

	engine_post_progress(pp->engine, pp->key, done, total, what);
}

static int image_push(void *ctx, struct engine *e, const struct plan_action *a,
		      const cJSON *params, struct aws_error *err)
{
	struct aws_client *client = ctx;
	cJSON *in = cJSON_CreateObject(), *out = NULL;
	char *user = NULL, *password = NULL;
	struct ecr_push_request req;
	struct ecr_push_result res;
	struct push_progress pp = {.engine = e, .key = a->key};
	cJSON *token;
	int rc = -1;

	memset(&res, 0, sizeof res);
	if (!in || aws_call(client, "ecr", "GetAuthorizationToken", in, &out, err) < 0)
		goto out;
	token = (cJSON *)jpath_get(out, "authorizationData[0].authorizationToken");
	if (!cJSON_IsString(token)) {
		aws_error_set(err, AWS_ERR_PARSE, "NoAuthorizationToken",
			      _("GetAuthorizationToken answered without a token"));
		goto out;
	}
	if (ecr_decode_token(token->valuestring, &user, &password, err) < 0)
		goto out;
	memset(&req, 0, sizeof req);
	req.source = param(params, "image");
	req.registry = param(params, "registry");
	req.repository = param(params, "repository");
	req.tag = param(params, "tag");
	req.username = user;
	req.password = password;
	req.work_dir = e->state_dir;
	req.cancel = &ew_interrupted;
	req.progress = on_push_progress;
	req.progress_ctx = &pp;
	rc = ecr_push(&req, &res, err);
	ecr_push_result_free(&res);
out:
	if (out) {
		token = (cJSON *)jpath_get(out, "authorizationData[0].authorizationToken");
		if (cJSON_IsString(token))
			OPENSSL_cleanse(token->valuestring, strlen(token->valuestring));
	}
	cJSON_Delete(out);
	cJSON_Delete(in);
	free(user);
	ecr_secret_free(password);
	return rc;
}

int deploy_register_locals(struct engine *e, struct aws_client *client)
{
	return engine_register_local(e, "image-push", image_push, client);
}
