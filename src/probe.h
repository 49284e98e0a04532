/* probe.h - "is the container answering?": one HTTP GET and what it said.
 *
 * The guide checks `curl http://<task ip>:8080/` (an {"app_version": ...}
 * document) and /healthz, then the load balancer's DNS name. Private
 * addresses are reached through the bastion (ssh_http_get in ssh.h);
 * internet-facing load balancers directly with probe_http_direct(). Both
 * fill the same result. Bodies are capped; nothing is printed. */
#ifndef ECSW_PROBE_H
#define ECSW_PROBE_H

#include <curl/curl.h>
#include <stddef.h>

#include "aws/client.h"
#include "aws/error.h"

/* Bodies past this are cut (and truncated set): a probe needs a line. */
#define PROBE_BODY_MAX (64u * 1024u)

struct probe_result {
	long status;        /* HTTP status, 0 when no response */
	char *body;         /* NUL-terminated, at most PROBE_BODY_MAX; owned */
	size_t body_len;
	int truncated;      /* the server sent more than we kept */
	char *app_version;  /* the body's "app_version" string, or NULL; owned */
};

void probe_result_free(struct probe_result *r);

/* GET url (http:// or https://) directly, through the --connect-to rules
 * (curl's own CURLOPT_CONNECT_TO). No redirects followed. https verifies
 * the certificate against AWS_CA_BUNDLE when set (as the AWS calls do),
 * else the system's store. out is filled
 * whenever a response arrived; a non-2xx status returns -1 with HttpStatus.
 * A certificate that does not verify: CertificateUntrusted
 * (AWS_ERR_NETWORK). Other failures: ProbeFailed (AWS_ERR_NETWORK), AWS_ERR_TIMEOUT,
 * InvalidUrl (AWS_ERR_INPUT). timeout_ms 0: 10 s. */
int probe_http_direct(const char *url, const struct aws_connect_to *rules,
		      int nrules, long timeout_ms, struct probe_result *out,
		      struct aws_error *err);

/* Shared with ssh.c: prepare an easy handle to GET url into out. */
int probe_easy_setup(CURL *easy, const char *url, long timeout_ms,
		     struct probe_result *out);
/* Shared with ssh.c: turn a finished transfer into 0/-1 + err (where set
 * to the given hop) and extract app_version. */
int probe_finish(CURL *easy, CURLcode rc, const char *where,
		 struct probe_result *out, struct aws_error *err);

#endif
