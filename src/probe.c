/* probe.c - HTTP probes with libcurl. See probe.h. */
#include "config.h"

#include "probe.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "util/buf.h"

#define DEFAULT_TIMEOUT_MS 10000L

void probe_result_free(struct probe_result *r)
{
	if (!r)
		return;
	free(r->body);
	free(r->app_version);
	memset(r, 0, sizeof(*r));
}

static size_t body_cb(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct probe_result *r = userdata;
	size_t n = size * nmemb, room, take;
	char *nb;

	room = PROBE_BODY_MAX - r->body_len;
	take = n < room ? n : room;
	if (take < n)
		r->truncated = 1; /* keep reading: the status still counts */
	if (!take)
		return n;
	nb = realloc(r->body, r->body_len + take + 1);
	if (!nb)
		return 0; /* curl reports CURLE_WRITE_ERROR */
	memcpy(nb + r->body_len, ptr, take);
	r->body = nb;
	r->body_len += take;
	r->body[r->body_len] = '\0';
	return n;
}

int probe_easy_setup(CURL *easy, const char *url, long timeout_ms,
		     struct probe_result *out)
{
	if (timeout_ms <= 0)
		timeout_ms = DEFAULT_TIMEOUT_MS;
	memset(out, 0, sizeof(*out));
	if (curl_easy_setopt(easy, CURLOPT_URL, url) != CURLE_OK ||
	    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https") !=
		    CURLE_OK ||
	    curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L) != CURLE_OK ||
	    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, timeout_ms) != CURLE_OK ||
	    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms) !=
		    CURLE_OK ||
	    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
	    curl_easy_setopt(easy, CURLOPT_USERAGENT,
			     PACKAGE "/" VERSION " probe") != CURLE_OK ||
	    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, body_cb) != CURLE_OK ||
	    curl_easy_setopt(easy, CURLOPT_WRITEDATA, out) != CURLE_OK)
		return -1;
	return 0;
}

static void extract_app_version(struct probe_result *out)
{
	cJSON *json, *v;

	if (!out->body || out->truncated)
		return;
	json = cJSON_ParseWithLength(out->body, out->body_len);
	if (!json)
		return;
	v = cJSON_GetObjectItemCaseSensitive(json, "app_version");
	if (cJSON_IsString(v) && v->valuestring)
		out->app_version = strdup(v->valuestring);
	cJSON_Delete(json);
}

int probe_finish(CURL *easy, CURLcode rc, const char *where,
		 struct probe_result *out, struct aws_error *err)
{
	long status = 0;

	curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
	out->status = status;
	if (rc == CURLE_OPERATION_TIMEDOUT) {
		aws_error_set(err, AWS_ERR_TIMEOUT, "ProbeTimeout",
			      _("no answer in time: %s"),
			      curl_easy_strerror(rc));
		goto fail;
	}
	/* A certificate that does not check out is final: retrying does
	 * not change who signed it. */
	if (rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE) {
		aws_error_set(err, AWS_ERR_NETWORK, "CertificateUntrusted",
			      _("the server's certificate is not trusted (%s); AWS_CA_BUNDLE "
				"names a CA to trust"),
			      curl_easy_strerror(rc));
		goto fail;
	}
	if (rc != CURLE_OK) {
		aws_error_set(err, AWS_ERR_NETWORK, "ProbeFailed", "%s",
			      curl_easy_strerror(rc));
		goto fail;
	}
	extract_app_version(out);
	if (status < 200 || status > 299) {
		aws_error_set(err, AWS_ERR_NETWORK, "HttpStatus",
			      _("HTTP status %ld"), status);
		err->http_status = status;
		goto fail;
	}
	return 0;
fail:
	aws_error_where(err, "%s", where);
	return -1;
}

/* curl's "H1:P1:H2:P2", from our rule (empty host / port 0 = any). */
static int connect_to_string(const struct aws_connect_to *r, struct buf *b)
{
	buf_reset(b);
	buf_printf(b, "%s:", r->host1 ? r->host1 : "");
	if (r->port1 > 0)
		buf_printf(b, "%d", r->port1);
	buf_printf(b, ":%s:", r->host2 ? r->host2 : "");
	if (r->port2 > 0)
		return buf_printf(b, "%d", r->port2);
	return 0;
}

int probe_http_direct(const char *url, const struct aws_connect_to *rules,
		      int nrules, long timeout_ms, struct probe_result *out,
		      struct aws_error *err)
{
	struct curl_slist *connect_to = NULL, *l;
	const char *ca;
	struct buf b;
	CURL *easy = NULL;
	CURLcode rc;
	int i, ret = -1;

	memset(out, 0, sizeof(*out));
	buf_init(&b, 4096);
	if (!url || (strncmp(url, "http://", 7) != 0 &&
		     strncmp(url, "https://", 8) != 0) ||
	    strpbrk(url, " \t\r\n")) {
		aws_error_set(err, AWS_ERR_INPUT, "InvalidUrl", "%s",
			      _("not an http:// or https:// URL"));
		aws_error_where(err, "%s", url ? url : "");
		goto out;
	}
	easy = curl_easy_init();
	if (!easy || probe_easy_setup(easy, url, timeout_ms, out) < 0)
		goto internal;
	for (i = 0; i < nrules; i++) {
		if (connect_to_string(&rules[i], &b) < 0)
			goto internal;
		l = curl_slist_append(connect_to, buf_str(&b));
		if (!l)
			goto internal;
		connect_to = l;
	}
	if (connect_to &&
	    curl_easy_setopt(easy, CURLOPT_CONNECT_TO, connect_to) != CURLE_OK)
		goto internal;
	/* The CA bundle the AWS calls trust (transport.c) is the one an
	 * https probe trusts too; verification itself stays on. */
	ca = getenv("AWS_CA_BUNDLE");
	if (ca && *ca && strncmp(url, "https://", 8) == 0 &&
	    curl_easy_setopt(easy, CURLOPT_CAINFO, ca) != CURLE_OK)
		goto internal;
	rc = curl_easy_perform(easy);
	ret = probe_finish(easy, rc, url, out, err);
	goto out;
internal:
	aws_error_set(err, AWS_ERR_INTERNAL, "ProbeSetup", "%s",
		      _("cannot prepare the HTTP request"));
	aws_error_where(err, "%s", url);
out:
	if (easy)
		curl_easy_cleanup(easy);
	curl_slist_free_all(connect_to);
	buf_free(&b);
	return ret;
}
