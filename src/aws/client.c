/* client.c - aws_call(): model -> serialise -> endpoint -> sign -> send ->
 * parse, with the standard retry mode, several calls side by side.
 * See client.h.
 *
 * A call is serialised once (so an idempotency token stays the same on
 * every retry) and signed afresh for each attempt with the clock's time.
 * aws_call_many() is one loop over the transport's multi handle: it starts
 * attempts whose time has come, waits for activity or the next retry time
 * (at most 100 ms, so a cancel is seen quickly) and settles the attempts
 * that finished. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "aws/client.h"
#include "aws/endpoint.h"
#include "aws/protocol.h"
#include "aws/retry.h"
#include "aws/sigv4.h"
#include "aws/transport.h"
#include "i18n.h"

#define DEFAULT_MAX_CONCURRENCY 8
#define CANCEL_CHECK_MS 100

struct aws_client {
	char *region;
	struct aws_creds *creds;   /* owned, may be NULL: unsigned calls */
	char *endpoint_url;        /* owned, may be NULL */
	int max_attempts;
	int max_concurrency;
	aws_log_fn log;
	void *log_ctx;
	volatile sig_atomic_t *cancel;
	struct transport *transport;
	struct retry_quota quota;
};

enum call_phase { CALL_READY, CALL_RUNNING, CALL_DONE };

/* One call of aws_call_many() on its way. */
struct call_state {
	struct aws_call_spec *spec;
	const struct aws_service_model *svc;
	const struct aws_operation *op;
	struct aws_endpoint ep;
	struct aws_http_request base; /* serialised once, signed per attempt */
	struct retry_state retry;
	int once;                     /* not idempotent: see aws_call_spec */
	enum call_phase phase;
	double next_at;               /* monotonic time of the next attempt */
	struct transport_xfer *xfer;
};

static char *dup_or_null(const char *s)
{
	return s && *s ? strdup(s) : NULL;
}

int aws_client_new(const struct aws_client_config *cfg,
		   struct aws_client **out, struct aws_error *err)
{
	struct aws_client *c;
	struct transport_config tc = { 0 };

	*out = NULL;
	aws_error_clear(err);
	if (!cfg->region || !*cfg->region) {
		aws_error_set(err, AWS_ERR_CONFIG, "NoRegion",
			      _("no region configured"));
		return -1;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		goto nomem;
	c->region = strdup(cfg->region);
	c->endpoint_url = dup_or_null(cfg->endpoint_url);
	if (!c->region || (cfg->endpoint_url && *cfg->endpoint_url &&
			   !c->endpoint_url))
		goto nomem;
	if (cfg->creds) {
		c->creds = aws_creds_dup(cfg->creds);
		if (!c->creds)
			goto nomem;
	}
	c->max_attempts = retry_max_attempts(cfg->max_attempts);
	c->max_concurrency = cfg->max_concurrency > 0
		? cfg->max_concurrency
		: DEFAULT_MAX_CONCURRENCY;
	c->log = cfg->log;
	c->log_ctx = cfg->log_ctx;
	c->cancel = cfg->cancel;
	retry_quota_init(&c->quota);
	tc.ca_bundle = cfg->ca_bundle;
	tc.connect_timeout_ms = cfg->connect_timeout_ms;
	tc.request_timeout_ms = cfg->request_timeout_ms;
	tc.connect_to = cfg->connect_to;
	tc.connect_to_count = cfg->connect_to_count;
	if (transport_new(&tc, &c->transport, err) < 0) {
		aws_client_free(c);
		return -1;
	}
	*out = c;
	return 0;
nomem:
	aws_client_free(c);
	aws_error_set(err, AWS_ERR_NOMEM, "NoMemory", _("out of memory"));
	return -1;
}

void aws_client_free(struct aws_client *c)
{
	if (!c)
		return;
	transport_free(c->transport);
	aws_creds_free(c->creds);
	free(c->region);
	free(c->endpoint_url);
	free(c);
}

int aws_client_set_creds(struct aws_client *c, const struct aws_creds *creds)
{
	struct aws_creds *copy = NULL;

	if (creds) {
		copy = aws_creds_dup(creds);
		if (!copy)
			return -1;
	}
	aws_creds_free(c->creds);
	c->creds = copy;
	return 0;
}

const char *aws_client_region(const struct aws_client *c)
{
	return c->region;
}

char *aws_client_endpoint(const struct aws_client *c, const char *service)
{
	const struct aws_service_model *svc = aws_model_find(service);
	struct aws_endpoint ep;
	struct aws_error err;
	char *url;

	if (!svc || endpoint_resolve(svc, c->region, c->endpoint_url, &ep,
				     &err) < 0)
		return NULL;
	url = ep.url;
	ep.url = NULL;
	endpoint_free(&ep);
	return url;
}

/* Idempotency tokens: a random (version 4) UUID. */
static char *uuid4(void *ctx)
{
	unsigned char b[16];
	char *s = malloc(37);

	(void)ctx;
	if (!s)
		return NULL;
	if (RAND_bytes(b, sizeof(b)) != 1) {
		free(s);
		return NULL;
	}
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	snprintf(s, 37,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
		 "%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9],
		 b[10], b[11], b[12], b[13], b[14], b[15]);
	return s;
}

static int request_copy(struct aws_http_request *dst,
			const struct aws_http_request *src)
{
	aws_http_request_init(dst);
	dst->method = strdup(src->method ? src->method : "GET");
	dst->path = strdup(src->path ? src->path : "/");
	dst->query = strdup(src->query ? src->query : "");
	if (!dst->method || !dst->path || !dst->query)
		return -1;
	for (size_t i = 0; i < src->header_count; i++)
		if (aws_http_request_add_header(dst, src->headers[i].name,
						src->headers[i].value) < 0)
			return -1;
	if (src->body.len &&
	    buf_append(&dst->body, src->body.data, src->body.len) < 0)
		return -1;
	return 0;
}

/* A custom endpoint's path goes in front of the operation's. */
static int prefix_path(struct aws_http_request *req, const char *base)
{
	char *p;

	if (!base || !*base)
		return 0;
	if (asprintf(&p, "%s%s", base, req->path ? req->path : "/") < 0)
		return -1;
	free(req->path);
	req->path = p;
	return 0;
}

/* After a failed attempt: might the server have acted on the request?
 * Only a refused connection, throttling or a 4xx prove it did not. */
static int may_have_acted(const struct aws_error *e, enum retry_class cls)
{
	if (cls == RETRY_THROTTLING)
		return 0;
	if (e->kind == AWS_ERR_NETWORK)
		return strcmp(e->code, "ConnectFailed") != 0;
	if (e->kind == AWS_ERR_TIMEOUT)
		return strcmp(e->code, "ConnectTimeout") != 0;
	return e->http_status == 0 || e->http_status >= 500;
}

/* Look up, serialise and resolve: everything a call needs once. */
static int call_prepare(struct aws_client *c, struct call_state *cs)
{
	struct aws_call_spec *s = cs->spec;
	struct aws_error *err = &s->err;

	aws_http_request_init(&cs->base);
	cs->svc = aws_model_find(s->service);
	if (!cs->svc) {
		aws_error_set(err, AWS_ERR_INPUT, "UnknownService",
			      _("no model for service %s"), s->service);
		return -1;
	}
	cs->op = aws_model_operation(cs->svc, s->operation);
	if (!cs->op) {
		aws_error_set(err, AWS_ERR_INPUT, "UnknownOperation",
			      _("no model for %s %s"), s->service, s->operation);
		return -1;
	}
	cs->once = s->once;
	if (aws_serialize_request(cs->svc, cs->op, s->input, uuid4, NULL,
				  &cs->base, err) < 0)
		return -1;
	if (endpoint_resolve(cs->svc, c->region, c->endpoint_url, &cs->ep,
			     err) < 0)
		return -1;
	if (prefix_path(&cs->base, cs->ep.base_path) < 0) {
		aws_error_set(err, AWS_ERR_NOMEM, "NoMemory", _("out of memory"));
		return -1;
	}
	return 0;
}

/* Sign a copy of the call's request and hand it to the transport. */
static int attempt_start(struct aws_client *c, struct call_state *cs)
{
	struct aws_http_request req;
	struct sigv4_state st;
	struct sigv4_params p = { 0 };
	struct buf url;
	struct aws_error *err = &cs->spec->err;
	int ret = -1;

	buf_init(&url, 0);
	sigv4_state_init(&st);
	if (request_copy(&req, &cs->base) < 0)
		goto nomem;
	if (c->creds) {
		p.region = cs->ep.signing_region;
		p.service = cs->svc->signing_name ? cs->svc->signing_name
						  : cs->svc->endpoint_prefix;
		p.when = time(NULL);
		p.creds = c->creds;
		p.normalize_path = 1;
		if (sigv4_sign_request(&req, cs->ep.authority, &p, &st, err) <
		    0)
			goto out;
	}
	if (buf_printf(&url, "%s://%s%s%s%s", cs->ep.scheme, cs->ep.authority,
		       req.path, req.query[0] ? "?" : "", req.query) < 0)
		goto nomem;
	cs->xfer = transport_start(c->transport, buf_str(&url), &req,
				   cs->once ? TRANSPORT_FRESH : 0, cs, err);
	if (!cs->xfer)
		goto out;
	cs->retry.attempt++;
	cs->phase = CALL_RUNNING;
	ret = 0;
	goto out;
nomem:
	aws_error_set(err, AWS_ERR_NOMEM, "NoMemory", _("out of memory"));
out:
	sigv4_state_free(&st);
	/* The signed copy carries the session token in a header. */
	for (size_t i = 0; i < req.header_count; i++)
		if (req.headers[i].value)
			OPENSSL_cleanse(req.headers[i].value,
					strlen(req.headers[i].value));
	aws_http_request_free(&req);
	buf_free(&url);
	return ret;
}

static const char *request_id_header(const struct aws_http_response *resp)
{
	static const char *const names[] = { "x-amzn-RequestId",
					     "x-amz-request-id",
					     "x-amzn-requestid", NULL };

	for (size_t i = 0; names[i]; i++) {
		const char *v = aws_http_response_header(resp, names[i]);

		if (v)
			return v;
	}
	return "";
}

static void log_attempt(struct aws_client *c, const struct call_state *cs,
			long status, const char *request_id, const char *code,
			double seconds, double retry_in)
{
	struct aws_call_log e;

	if (!c->log)
		return;
	e.service = cs->spec->service;
	e.operation = cs->spec->operation;
	e.attempt = cs->retry.attempt;
	e.http_status = status;
	e.request_id = request_id ? request_id : "";
	e.error_code = code ? code : "";
	e.seconds = seconds;
	e.retry_in = retry_in;
	c->log(&e, c->log_ctx);
}

static void call_fail(struct call_state *cs)
{
	struct aws_call_spec *s = cs->spec;

	if (s->err.kind == AWS_ERR_NONE)
		aws_error_set(&s->err, AWS_ERR_INTERNAL, "Internal",
			      _("call failed without a reason"));
	aws_error_where(&s->err, "%s:%s", s->service, s->operation);
	cs->phase = CALL_DONE;
}

/* An attempt finished: parse, log, and succeed, retry or fail. */
static void attempt_finish(struct aws_client *c, struct call_state *cs,
			   struct transport_xfer *x, double now)
{
	struct aws_http_response resp;
	struct aws_error aerr;
	cJSON *output = NULL;
	double seconds = transport_xfer_seconds(x), delay = 0;
	const char *rid = "";
	enum retry_class cls;

	aws_http_response_init(&resp);
	aws_error_clear(&aerr);
	cs->xfer = NULL;
	if (transport_xfer_result(x, &resp, &aerr) == 0) {
		rid = request_id_header(&resp);
		if (aws_parse_response(cs->svc, cs->op, &resp, &output,
				       &aerr) == 0) {
			log_attempt(c, cs, resp.status, rid, "", seconds, 0);
			retry_on_success(&c->quota, &cs->retry);
			aws_error_clear(&cs->spec->err);
			cs->spec->output = output;
			cs->phase = CALL_DONE;
			goto out;
		}
		if (!aerr.http_status)
			aerr.http_status = resp.status;
		if (!aerr.request_id[0])
			snprintf(aerr.request_id, sizeof(aerr.request_id),
				 "%s", rid);
	}
	cls = retry_classify(cs->spec->service, aerr.kind, aerr.http_status,
			     aerr.code);
	if (cls != RETRY_NONE && cs->once && may_have_acted(&aerr, cls))
		cs->spec->maybe_sent = 1; /* the caller looks before retrying */
	else if (retry_decide(&c->quota, &cs->retry, c->max_attempts, cls,
			 retry_random(), &delay)) {
		cs->phase = CALL_READY;
		cs->next_at = now + delay;
		if (may_have_acted(&aerr, cls))
			cs->spec->resent = 1;
	}
	log_attempt(c, cs, aerr.http_status, aerr.request_id, aerr.code,
		    seconds, cs->phase == CALL_READY ? delay : 0);
	cs->spec->err = aerr;
	if (cs->phase != CALL_READY)
		call_fail(cs);
out:
	aws_http_response_free(&resp);
	transport_xfer_free(x);
}

static void call_cancel(struct aws_client *c, struct call_state *cs)
{
	if (cs->xfer) {
		/* The abandoned attempt still gets its log line. */
		log_attempt(c, cs, 0, "", "Cancelled",
			    transport_xfer_seconds(cs->xfer), 0);
		cs->spec->maybe_sent = 1; /* it may have arrived all the same */
		transport_xfer_free(cs->xfer);
		cs->xfer = NULL;
	}
	aws_error_clear(&cs->spec->err);
	aws_error_set(&cs->spec->err, AWS_ERR_CANCELLED, "Cancelled",
		      _("cancelled"));
	call_fail(cs);
}

int aws_call_many(struct aws_client *c, struct aws_call_spec *calls, int n)
{
	struct call_state *cs;
	int pending = 0, ret = 0;

	if (n <= 0)
		return 0;
	cs = calloc((size_t)n, sizeof(*cs));
	if (!cs) {
		for (int i = 0; i < n; i++) {
			calls[i].output = NULL;
			aws_error_set(&calls[i].err, AWS_ERR_NOMEM, "NoMemory",
				      _("out of memory"));
		}
		return -1;
	}
	for (int i = 0; i < n; i++) {
		cs[i].spec = &calls[i];
		calls[i].output = NULL;
		calls[i].maybe_sent = 0;
		calls[i].resent = 0;
		aws_error_clear(&calls[i].err);
		retry_state_init(&cs[i].retry);
		if (call_prepare(c, &cs[i]) < 0) {
			call_fail(&cs[i]);
			continue;
		}
		cs[i].phase = CALL_READY;
		pending++;
	}
	while (pending > 0) {
		double now = transport_now(), wake = now + CANCEL_CHECK_MS / 1e3;
		int running = 0;
		struct transport_xfer *x;
		struct aws_error werr;

		if (c->cancel && *c->cancel) {
			for (int i = 0; i < n; i++)
				if (cs[i].phase != CALL_DONE)
					call_cancel(c, &cs[i]);
			break;
		}
		for (int i = 0; i < n; i++)
			running += cs[i].phase == CALL_RUNNING;
		for (int i = 0; i < n; i++) {
			if (cs[i].phase != CALL_READY)
				continue;
			if (cs[i].next_at > now) {
				if (cs[i].next_at < wake)
					wake = cs[i].next_at;
				continue;
			}
			if (running >= c->max_concurrency)
				continue;
			if (attempt_start(c, &cs[i]) < 0) {
				call_fail(&cs[i]);
				pending--;
				continue;
			}
			running++;
		}
		if (!pending)
			break;
		aws_error_clear(&werr);
		if (transport_wait(c->transport,
				   (int)((wake - now) * 1e3) + 1, &werr) < 0) {
			for (int i = 0; i < n; i++) {
				if (cs[i].phase == CALL_DONE)
					continue;
				if (cs[i].xfer)
					transport_xfer_free(cs[i].xfer);
				cs[i].xfer = NULL;
				cs[i].spec->err = werr;
				call_fail(&cs[i]);
			}
			break;
		}
		now = transport_now();
		while ((x = transport_done(c->transport))) {
			struct call_state *s = transport_xfer_user(x);

			attempt_finish(c, s, x, now);
			if (s->phase == CALL_DONE)
				pending--;
		}
	}
	for (int i = 0; i < n; i++) {
		if (calls[i].err.kind != AWS_ERR_NONE) {
			ret = -1;
			if (calls[i].output) {
				cJSON_Delete(calls[i].output);
				calls[i].output = NULL;
			}
		}
		endpoint_free(&cs[i].ep);
		aws_http_request_free(&cs[i].base);
	}
	free(cs);
	return ret;
}

int aws_call(struct aws_client *c, const char *service, const char *operation,
	     const cJSON *input, cJSON **output, struct aws_error *err)
{
	struct aws_call_spec s = { 0 };
	int ret;

	s.service = service;
	s.operation = operation;
	s.input = input;
	ret = aws_call_many(c, &s, 1);
	*output = s.output;
	*err = s.err;
	return ret;
}
