/* transport.h - HTTP exchanges for the AWS client, on one libcurl multi
 * handle so connections are reused and several exchanges run at once.
 *
 * TLS peer and host verification are always on for https (a CA bundle from
 * the config or AWS_CA_BUNDLE replaces the system store); proxies come from
 * the environment as libcurl reads them (https_proxy, http_proxy, all_proxy,
 * no_proxy/NO_PROXY); --connect-to rules are handed to CURLOPT_CONNECT_TO.
 * The response body is kept in a bounded buffer. One thread only. */
#ifndef ECSW_AWS_TRANSPORT_H
#define ECSW_AWS_TRANSPORT_H

#include <stddef.h>

#include "aws/client.h"
#include "aws/error.h"
#include "aws/protocol.h"

#define TRANSPORT_DEFAULT_CONNECT_TIMEOUT_MS 10000L
#define TRANSPORT_DEFAULT_REQUEST_TIMEOUT_MS 60000L
#define TRANSPORT_DEFAULT_MAX_RESPONSE (32u * 1024u * 1024u)
#define TRANSPORT_MAX_HEADERS 256

struct transport_config {
	const char *ca_bundle;     /* NULL: AWS_CA_BUNDLE, else the system's */
	long connect_timeout_ms;   /* 0: default */
	long request_timeout_ms;   /* 0: default; the whole exchange */
	const struct aws_connect_to *connect_to; /* read during _new only */
	int connect_to_count;
	size_t max_response;       /* body cap in bytes; 0: default */
};

struct transport;
struct transport_xfer;

int transport_new(const struct transport_config *cfg, struct transport **out,
		  struct aws_error *err);
/* Frees the transport; exchanges still in flight are abandoned and freed. */
void transport_free(struct transport *t);

/* transport_start() flags. TRANSPORT_FRESH: a new connection, closed
 * after. libcurl silently sends a request again when a reused connection
 * dies before any answer; a request that must not be sent twice (a create
 * without an idempotency token) cannot have that. */
#define TRANSPORT_FRESH 1u

/* Start sending req to url ("https://host[:port]/path?query", built by the
 * caller from the endpoint and the request). The request is copied; user
 * is handed back by transport_xfer_user(). NULL with err on failure. */
struct transport_xfer *transport_start(struct transport *t, const char *url,
				       const struct aws_http_request *req,
				       unsigned flags, void *user,
				       struct aws_error *err);

/* Move exchanges forward, waiting up to timeout_ms for something to
 * happen. Returns at once when an exchange has finished. 0 or -1. */
int transport_wait(struct transport *t, int timeout_ms, struct aws_error *err);
/* Hand back one finished exchange (the caller frees it), or NULL. */
struct transport_xfer *transport_done(struct transport *t);
/* Number of exchanges started and not yet handed back. */
int transport_in_flight(const struct transport *t);

/* The outcome of a finished exchange: 0 with *resp filled (moved out; any
 * HTTP status), or -1 with err (NETWORK, TIMEOUT, or PARSE when the body
 * passed the cap). resp must have been initialised. */
int transport_xfer_result(struct transport_xfer *x,
			  struct aws_http_response *resp,
			  struct aws_error *err);
void *transport_xfer_user(const struct transport_xfer *x);
/* Seconds from start to finish (or to now while running). */
double transport_xfer_seconds(const struct transport_xfer *x);
/* Free an exchange, finished or not (a running one is abandoned). */
void transport_xfer_free(struct transport_xfer *x);

/* One exchange, start to finish (for callers without concurrency). */
int transport_perform(struct transport *t, const char *url,
		      const struct aws_http_request *req,
		      struct aws_http_response *resp, struct aws_error *err);

/* Seconds on a monotonic clock, for schedules. */
double transport_now(void);

#endif
