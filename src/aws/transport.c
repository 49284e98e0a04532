/* transport.c - HTTP exchanges on a libcurl multi handle, and curl's
 * --connect-to rules. See transport.h and client.h.
 *
 * Every exchange is a curl easy handle added to the one multi handle, so
 * the connection cache, DNS cache and TLS sessions are shared. Nothing is
 * retried here: a finished exchange reports a response (any status) or a
 * failure, and the client decides. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>
#include <openssl/crypto.h>

#include "aws/transport.h"
#include "i18n.h"

#define USER_AGENT PACKAGE_NAME "/" PACKAGE_VERSION

struct transport_xfer {
	struct transport *t; /* NULL once handed back */
	CURL *easy;
	struct curl_slist *headers;
	struct aws_http_response resp;
	CURLcode result;
	int done;
	int in_multi;
	int body_overflow;
	int header_overflow;
	double started, finished;
	void *user;
	char errbuf[CURL_ERROR_SIZE];
	struct transport_xfer *prev, *next;
};

struct transport {
	CURLM *multi;
	struct curl_slist *connect_to;
	char *ca_bundle;
	long connect_timeout_ms;
	long request_timeout_ms;
	size_t max_response;
	struct transport_xfer *head; /* started, not yet handed back */
	int count;
};

double transport_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- --connect-to rules ------------------------------------------- */

static int host_char_ok(char ch, int bracketed)
{
	if (isalnum((unsigned char)ch) || ch == '-' || ch == '.' || ch == '_')
		return 1;
	return bracketed && ch == ':';
}

/* Read a host field up to the next ':' (IPv6 in brackets); *p moves past
 * it. The host is returned without brackets; "" when empty. */
static int parse_host(const char **p, char **host)
{
	const char *s = *p, *end;
	int bracketed = 0;

	if (*s == '[') {
		bracketed = 1;
		s++;
		end = strchr(s, ']');
		if (!end || end == s)
			return -1;
	} else {
		end = s + strcspn(s, ":");
	}
	for (const char *q = s; q < end; q++)
		if (!host_char_ok(*q, bracketed))
			return -1;
	*host = strndup(s, (size_t)(end - s));
	if (!*host)
		return -1;
	*p = end + bracketed;
	return 0;
}

/* Read a port field up to ':' or the end: "" is 0 (any / keep). */
static int parse_port(const char **p, int *port)
{
	const char *s = *p;
	long v = 0;
	int digits = 0;

	while (isdigit((unsigned char)*s)) {
		v = v * 10 + (*s - '0');
		if (v > 65535)
			return -1;
		s++;
		digits++;
	}
	if (*s && *s != ':')
		return -1;
	if (digits && v == 0)
		return -1;
	*port = (int)v;
	*p = s;
	return 0;
}

int aws_connect_to_parse(const char *spec, struct aws_connect_to *rule,
			 struct aws_error *err)
{
	const char *p = spec;

	memset(rule, 0, sizeof(*rule));
	if (!spec)
		goto bad;
	if (parse_host(&p, &rule->host1) < 0 || *p++ != ':')
		goto bad;
	if (parse_port(&p, &rule->port1) < 0 || *p++ != ':')
		goto bad;
	if (parse_host(&p, &rule->host2) < 0 || *p++ != ':')
		goto bad;
	if (parse_port(&p, &rule->port2) < 0 || *p)
		goto bad;
	/* A rule that redirects nothing is a typo, not a wish. */
	if (!rule->host2[0] && !rule->port2)
		goto bad;
	return 0;
bad:
	aws_connect_to_free(rule);
	aws_error_set(err, AWS_ERR_INPUT, "InvalidConnectTo",
		      _("expected HOST1:PORT1:HOST2:PORT2, got \"%s\""),
		      spec ? spec : "");
	return -1;
}

void aws_connect_to_free(struct aws_connect_to *rule)
{
	if (!rule)
		return;
	free(rule->host1);
	free(rule->host2);
	memset(rule, 0, sizeof(*rule));
}

int aws_connect_to_apply(const struct aws_connect_to *rules, int n,
			 const char **host, int *port)
{
	for (int i = 0; i < n; i++) {
		const struct aws_connect_to *r = &rules[i];

		if (r->host1 && r->host1[0] && strcasecmp(r->host1, *host) != 0)
			continue;
		if (r->port1 && r->port1 != *port)
			continue;
		if (r->host2 && r->host2[0])
			*host = r->host2;
		if (r->port2)
			*port = r->port2;
		return 1;
	}
	return 0;
}

/* curl wants IPv6 hosts in brackets in a CONNECT_TO entry. */
static int connect_to_entry(struct buf *b, const struct aws_connect_to *r)
{
	const char *h1 = r->host1 ? r->host1 : "", *h2 = r->host2 ? r->host2 : "";
	int v6a = strchr(h1, ':') != NULL, v6b = strchr(h2, ':') != NULL;
	char p1[8] = "", p2[8] = "";

	if (r->port1)
		snprintf(p1, sizeof(p1), "%d", r->port1);
	if (r->port2)
		snprintf(p2, sizeof(p2), "%d", r->port2);
	return buf_printf(b, "%s%s%s:%s:%s%s%s:%s", v6a ? "[" : "", h1,
			  v6a ? "]" : "", p1, v6b ? "[" : "", h2,
			  v6b ? "]" : "", p2);
}

/* ---- the transport ---------------------------------------------------- */

int transport_new(const struct transport_config *cfg, struct transport **out,
		  struct aws_error *err)
{
	struct transport *t = calloc(1, sizeof(*t));
	const char *ca = cfg->ca_bundle;
	struct buf b;

	*out = NULL;
	buf_init(&b, 4096);
	if (!t)
		goto nomem;
	if (!ca || !*ca)
		ca = getenv("AWS_CA_BUNDLE");
	if (ca && *ca) {
		t->ca_bundle = strdup(ca);
		if (!t->ca_bundle)
			goto nomem;
	}
	t->connect_timeout_ms = cfg->connect_timeout_ms > 0
		? cfg->connect_timeout_ms
		: TRANSPORT_DEFAULT_CONNECT_TIMEOUT_MS;
	t->request_timeout_ms = cfg->request_timeout_ms > 0
		? cfg->request_timeout_ms
		: TRANSPORT_DEFAULT_REQUEST_TIMEOUT_MS;
	t->max_response = cfg->max_response ? cfg->max_response
					    : TRANSPORT_DEFAULT_MAX_RESPONSE;
	for (int i = 0; i < cfg->connect_to_count; i++) {
		struct curl_slist *l;

		buf_reset(&b);
		if (connect_to_entry(&b, &cfg->connect_to[i]) < 0)
			goto nomem;
		l = curl_slist_append(t->connect_to, buf_str(&b));
		if (!l)
			goto nomem;
		t->connect_to = l;
	}
	t->multi = curl_multi_init();
	if (!t->multi)
		goto nomem;
	buf_free(&b);
	*out = t;
	return 0;
nomem:
	buf_free(&b);
	transport_free(t);
	aws_error_set(err, AWS_ERR_NOMEM, "NoMemory", _("out of memory"));
	return -1;
}

static void xfer_unlink(struct transport_xfer *x)
{
	struct transport *t = x->t;

	if (!t)
		return;
	if (x->prev)
		x->prev->next = x->next;
	else
		t->head = x->next;
	if (x->next)
		x->next->prev = x->prev;
	x->prev = x->next = NULL;
	t->count--;
}

void transport_xfer_free(struct transport_xfer *x)
{
	if (!x)
		return;
	if (x->in_multi && x->t)
		curl_multi_remove_handle(x->t->multi, x->easy);
	xfer_unlink(x);
	if (x->easy)
		curl_easy_cleanup(x->easy);
	/* The headers carry the signature and any session token. */
	for (struct curl_slist *l = x->headers; l; l = l->next)
		OPENSSL_cleanse(l->data, strlen(l->data));
	curl_slist_free_all(x->headers);
	aws_http_response_free(&x->resp);
	free(x);
}

void transport_free(struct transport *t)
{
	if (!t)
		return;
	while (t->head)
		transport_xfer_free(t->head);
	if (t->multi)
		curl_multi_cleanup(t->multi);
	curl_slist_free_all(t->connect_to);
	free(t->ca_bundle);
	free(t);
}

static size_t on_body(char *data, size_t size, size_t n, void *ctx)
{
	struct transport_xfer *x = ctx;

	if (buf_append(&x->resp.body, data, size * n) < 0) {
		x->body_overflow = 1;
		return 0;
	}
	return size * n;
}

/* One header line; a new status line (after 1xx or a proxy's CONNECT
 * answer) starts the list afresh so only the final response's remain. */
static size_t on_header(char *data, size_t size, size_t n, void *ctx)
{
	struct transport_xfer *x = ctx;
	size_t len = size * n, nlen;
	const char *colon, *v, *end = data + len;
	char *name, *value;
	int r;

	if (len >= 5 && strncmp(data, "HTTP/", 5) == 0) {
		for (size_t i = 0; i < x->resp.header_count; i++) {
			free(x->resp.headers[i].name);
			free(x->resp.headers[i].value);
		}
		free(x->resp.headers);
		x->resp.headers = NULL;
		x->resp.header_count = 0;
		return len;
	}
	colon = memchr(data, ':', len);
	if (!colon)
		return len; /* the blank line, or junk we ignore */
	if (x->resp.header_count >= TRANSPORT_MAX_HEADERS) {
		x->header_overflow = 1;
		return 0;
	}
	nlen = (size_t)(colon - data);
	v = colon + 1;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == '\r' || end[-1] == '\n' ||
			   end[-1] == ' ' || end[-1] == '\t'))
		end--;
	name = strndup(data, nlen);
	value = strndup(v, (size_t)(end - v));
	r = name && value ? aws_http_response_add_header(&x->resp, name, value)
			  : -1;
	free(name);
	free(value);
	return r < 0 ? 0 : len;
}

/* Turn the request's headers into curl's list: "Name: value", or
 * "Name;" for an empty value (curl's spelling), plus "Expect:" so a body
 * is never held back waiting for 100-continue. */
static int build_headers(struct transport_xfer *x,
			 const struct aws_http_request *req)
{
	struct buf line;
	struct curl_slist *l;
	int ret = -1;

	buf_init(&line, 0);
	for (size_t i = 0; i < req->header_count; i++) {
		const struct aws_header *h = &req->headers[i];

		buf_reset(&line);
		if (h->value && h->value[0]) {
			if (buf_printf(&line, "%s: %s", h->name, h->value) < 0)
				goto out;
		} else if (buf_printf(&line, "%s;", h->name) < 0) {
			goto out;
		}
		l = curl_slist_append(x->headers, buf_str(&line));
		if (!l)
			goto out;
		x->headers = l;
	}
	l = curl_slist_append(x->headers, "Expect:");
	if (!l)
		goto out;
	x->headers = l;
	ret = 0;
out:
	buf_free(&line);
	return ret;
}

static int set_method(CURL *e, const struct aws_http_request *req)
{
	const char *m = req->method ? req->method : "GET";
	int with_body = req->body.len > 0 || strcmp(m, "POST") == 0 ||
			strcmp(m, "PUT") == 0 || strcmp(m, "PATCH") == 0;
	CURLcode rc = CURLE_OK;

	if (strcmp(m, "HEAD") == 0)
		return curl_easy_setopt(e, CURLOPT_NOBODY, 1L) == CURLE_OK ? 0
									  : -1;
	if (strcmp(m, "GET") == 0 && !req->body.len)
		return curl_easy_setopt(e, CURLOPT_HTTPGET, 1L) == CURLE_OK ? 0
									   : -1;
	if (with_body) {
		rc = curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
				      (curl_off_t)req->body.len);
		if (rc == CURLE_OK)
			rc = curl_easy_setopt(e, CURLOPT_COPYPOSTFIELDS,
					      buf_str(&req->body));
	}
	if (rc == CURLE_OK && strcmp(m, "POST") != 0)
		rc = curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, m);
	return rc == CURLE_OK ? 0 : -1;
}

struct transport_xfer *transport_start(struct transport *t, const char *url,
				       const struct aws_http_request *req,
				       unsigned flags, void *user,
				       struct aws_error *err)
{
	struct transport_xfer *x = calloc(1, sizeof(*x));
	CURL *e;
	CURLcode rc = CURLE_OK;

	if (!x)
		goto nomem;
	aws_http_response_init(&x->resp);
	buf_init(&x->resp.body, t->max_response);
	x->user = user;
	x->easy = e = curl_easy_init();
	if (!e || build_headers(x, req) < 0)
		goto nomem;

#define SET(opt, val)                                      \
	do {                                               \
		if (rc == CURLE_OK)                        \
			rc = curl_easy_setopt(e, opt, val); \
	} while (0)
	SET(CURLOPT_URL, url);
#if LIBCURL_VERSION_NUM >= 0x075500
	SET(CURLOPT_PROTOCOLS_STR, "http,https");
#else
	SET(CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_FOLLOWLOCATION, 0L);
	SET(CURLOPT_SSL_VERIFYPEER, 1L);
	SET(CURLOPT_SSL_VERIFYHOST, 2L);
	if (t->ca_bundle)
		SET(CURLOPT_CAINFO, t->ca_bundle);
	SET(CURLOPT_CONNECTTIMEOUT_MS, t->connect_timeout_ms);
	SET(CURLOPT_TIMEOUT_MS, t->request_timeout_ms);
	SET(CURLOPT_TCP_KEEPALIVE, 1L);
	SET(CURLOPT_USERAGENT, USER_AGENT);
	SET(CURLOPT_HTTPHEADER, x->headers);
	if (t->connect_to)
		SET(CURLOPT_CONNECT_TO, t->connect_to);
	SET(CURLOPT_WRITEFUNCTION, on_body);
	SET(CURLOPT_WRITEDATA, x);
	SET(CURLOPT_HEADERFUNCTION, on_header);
	SET(CURLOPT_HEADERDATA, x);
	SET(CURLOPT_ERRORBUFFER, x->errbuf);
	SET(CURLOPT_PRIVATE, x);
	if (flags & TRANSPORT_FRESH) {
		SET(CURLOPT_FRESH_CONNECT, 1L);
		SET(CURLOPT_FORBID_REUSE, 1L);
	}
#undef SET
	if (rc != CURLE_OK || set_method(e, req) < 0) {
		aws_error_set(err, AWS_ERR_INTERNAL, "CurlSetup",
			      _("libcurl refused an option: %s"),
			      curl_easy_strerror(rc));
		goto fail;
	}
	if (curl_multi_add_handle(t->multi, e) != CURLM_OK)
		goto nomem;
	x->in_multi = 1;
	x->t = t;
	x->next = t->head;
	if (t->head)
		t->head->prev = x;
	t->head = x;
	t->count++;
	x->started = transport_now();
	return x;
nomem:
	aws_error_set(err, AWS_ERR_NOMEM, "NoMemory", _("out of memory"));
fail:
	transport_xfer_free(x);
	return NULL;
}

/* Mark every exchange curl has finished. */
static int collect(struct transport *t)
{
	CURLMsg *msg;
	int left, found = 0;

	while ((msg = curl_multi_info_read(t->multi, &left))) {
		struct transport_xfer *x = NULL;

		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE,
				  (char **)&x);
		if (!x)
			continue;
		x->result = msg->data.result;
		x->done = 1;
		x->finished = transport_now();
		/* Out of the multi handle now: its connection goes back to
		 * the cache, and a later free need not touch the multi. */
		curl_multi_remove_handle(t->multi, x->easy);
		x->in_multi = 0;
		found++;
	}
	return found;
}

static int has_done(const struct transport *t)
{
	for (const struct transport_xfer *x = t->head; x; x = x->next)
		if (x->done)
			return 1;
	return 0;
}

int transport_wait(struct transport *t, int timeout_ms, struct aws_error *err)
{
	int running;
	CURLMcode mc;

	mc = curl_multi_perform(t->multi, &running);
	if (mc == CURLM_OK) {
		collect(t);
		if (has_done(t))
			return 0;
		mc = curl_multi_poll(t->multi, NULL, 0,
				     timeout_ms < 0 ? 0 : timeout_ms, NULL);
	}
	if (mc == CURLM_OK)
		mc = curl_multi_perform(t->multi, &running);
	if (mc != CURLM_OK) {
		aws_error_set(err, AWS_ERR_INTERNAL, "CurlMulti", _("libcurl: %s"),
			      curl_multi_strerror(mc));
		return -1;
	}
	collect(t);
	return 0;
}

struct transport_xfer *transport_done(struct transport *t)
{
	for (struct transport_xfer *x = t->head; x; x = x->next) {
		if (x->done) {
			xfer_unlink(x);
			x->t = NULL;
			return x;
		}
	}
	return NULL;
}

int transport_in_flight(const struct transport *t)
{
	return t->count;
}

void *transport_xfer_user(const struct transport_xfer *x)
{
	return x->user;
}

double transport_xfer_seconds(const struct transport_xfer *x)
{
	return (x->done ? x->finished : transport_now()) - x->started;
}

int transport_xfer_result(struct transport_xfer *x,
			  struct aws_http_response *resp,
			  struct aws_error *err)
{
	const char *detail = x->errbuf[0] ? x->errbuf
					  : curl_easy_strerror(x->result);
	double connect_time = 0;

	if (!x->done) {
		aws_error_set(err, AWS_ERR_INTERNAL, "NotDone",
			      _("exchange still running"));
		return -1;
	}
	if (x->body_overflow) {
		aws_error_set(err, AWS_ERR_PARSE, "ResponseTooLarge",
			      _("response larger than %zu bytes"),
			      x->resp.body.cap);
		return -1;
	}
	if (x->header_overflow) {
		aws_error_set(err, AWS_ERR_PARSE, "ResponseTooLarge",
			      _("more than %d response headers"),
			      TRANSPORT_MAX_HEADERS);
		return -1;
	}
	switch (x->result) {
	case CURLE_OK:
		break;
	case CURLE_OPERATION_TIMEDOUT:
		curl_easy_getinfo(x->easy, CURLINFO_CONNECT_TIME,
				  &connect_time);
		aws_error_set(err, AWS_ERR_TIMEOUT,
			      connect_time > 0 ? "ReadTimeout"
					       : "ConnectTimeout",
			      "%s", detail);
		return -1;
	case CURLE_OUT_OF_MEMORY:
		aws_error_set(err, AWS_ERR_NOMEM, "NoMemory", _("out of memory"));
		return -1;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CONNECT_ERROR:
		aws_error_set(err, AWS_ERR_NETWORK, "TLSError", "%s", detail);
		return -1;
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
		/* Nothing was sent: safe to retry even a non-idempotent call. */
		aws_error_set(err, AWS_ERR_NETWORK, "ConnectFailed", "%s",
			      detail);
		return -1;
	default:
		aws_error_set(err, AWS_ERR_NETWORK, "ConnectionError", "%s",
			      detail);
		return -1;
	}
	aws_http_response_free(resp);
	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &x->resp.status);
	*resp = x->resp;
	aws_http_response_init(&x->resp);
	return 0;
}

int transport_perform(struct transport *t, const char *url,
		      const struct aws_http_request *req,
		      struct aws_http_response *resp, struct aws_error *err)
{
	struct transport_xfer *x;
	int ret = -1;

	x = transport_start(t, url, req, 0, NULL, err);
	if (!x)
		return -1;
	/* Other exchanges may finish meanwhile; they stay for their owner. */
	while (!x->done)
		if (transport_wait(t, 1000, err) < 0)
			goto out;
	ret = transport_xfer_result(x, resp, err);
out:
	transport_xfer_free(x);
	return ret;
}
