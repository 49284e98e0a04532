/* client.h - calling AWS: endpoints, signing, retries, concurrency.
 *
 * A client owns a libcurl multi handle (connections are reused), the
 * credentials, the region and the retry quota. Calls are made from one
 * thread (the engine's worker); aws_call_many() runs several side by side.
 * Nothing here prints: the optional log callback receives one line per
 * HTTP attempt, without secrets. */
#ifndef ECSW_AWS_CLIENT_H
#define ECSW_AWS_CLIENT_H

#include <cjson/cJSON.h>
#include <signal.h>

#include "aws/creds.h"
#include "aws/error.h"

struct aws_client;

/* One --connect-to rule, curl's meaning: requests for host1:port1 go to
 * host2:port2; an empty host1 or port1 (0) matches any. */
struct aws_connect_to {
	char *host1;
	int port1;
	char *host2;
	int port2;
};

/* One line per HTTP attempt, for --log and the TUI's log pane. */
struct aws_call_log {
	const char *service;
	const char *operation;
	int attempt;          /* 1-based */
	long http_status;     /* 0 if none */
	const char *request_id;
	const char *error_code; /* "" on success */
	double seconds;
	double retry_in;      /* seconds before the next attempt, 0 if none */
};
typedef void (*aws_log_fn)(const struct aws_call_log *entry, void *ctx);

struct aws_client_config {
	const char *region;        /* required */
	const struct aws_creds *creds; /* copied; may be NULL for unsigned use */
	const char *endpoint_url;  /* --endpoint-url; else AWS_ENDPOINT_URL[_SVC] */
	const char *ca_bundle;     /* else AWS_CA_BUNDLE */
	const struct aws_connect_to *connect_to; /* copied */
	int connect_to_count;
	int max_attempts;          /* 0: AWS_MAX_ATTEMPTS or 3 */
	long connect_timeout_ms;   /* 0: 10 s */
	long request_timeout_ms;   /* 0: 60 s */
	int max_concurrency;       /* 0: 8 */
	aws_log_fn log;
	void *log_ctx;
	/* Set to non-zero from anywhere (signal handler, UI thread) to abandon
	 * calls in flight; they fail with AWS_ERR_CANCELLED. Borrowed. */
	volatile sig_atomic_t *cancel;
};

int aws_client_new(const struct aws_client_config *cfg,
		   struct aws_client **out, struct aws_error *err);
void aws_client_free(struct aws_client *c);
/* Replace the credentials (after a refresh); copied. */
int aws_client_set_creds(struct aws_client *c, const struct aws_creds *creds);
const char *aws_client_region(const struct aws_client *c);

/* One call: serialise, sign, send, retry as the SDKs' standard mode does,
 * parse. *output is the caller's on success. */
int aws_call(struct aws_client *c, const char *service, const char *operation,
	     const cJSON *input, cJSON **output, struct aws_error *err);

/* Several independent calls side by side. Each entry's output/err is
 * filled; returns 0 when all succeeded, -1 when any failed.
 *
 * once: the call creates something that the caller can look up. It is
 * sent on a fresh connection (libcurl silently resends a request whose
 * reused connection dies) and not retried after a failure that may have
 * happened once the request reached the server (a dropped connection, a
 * read timeout, a 5xx): it fails with maybe_sent set, and the caller looks
 * the resource up before sending it again. Failures that prove nothing was
 * done (throttling, connection refused) are retried as usual. This holds
 * with an idempotency token too: not every service (nor moto) honours one
 * for every operation, and a lookup costs little. */
struct aws_call_spec {
	const char *service;
	const char *operation;
	const cJSON *input;     /* borrowed */
	int once;               /* in: see above */
	cJSON *output;          /* filled: caller's */
	struct aws_error err;   /* filled */
	int maybe_sent;         /* filled: failed, and may have been done */
	int resent;             /* filled: sent again after an attempt that
				   may have been done ("already exists" may
				   then be this call's own doing) */
};
int aws_call_many(struct aws_client *c, struct aws_call_spec *calls, int n);

/* The endpoint URL for a service in this client's region (for tests, the
 * log and the bastion checks). Returns a malloc'd string. */
char *aws_client_endpoint(const struct aws_client *c, const char *service);

/* Parse "H1:P1:H2:P2" into rule; 0 or -1 with err set (AWS_ERR_INPUT). */
int aws_connect_to_parse(const char *spec, struct aws_connect_to *rule,
			 struct aws_error *err);
void aws_connect_to_free(struct aws_connect_to *rule);
/* Apply the first matching rule: *host and *port are rewritten in place;
 * a rewritten *host points into the rule (borrowed, lives as long as the
 * rules). Returns 1 if a rule matched, 0 if none did. */
int aws_connect_to_apply(const struct aws_connect_to *rules, int n,
			 const char **host, int *port);

#endif
