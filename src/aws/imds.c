/* imds.c - credentials from EC2 instance metadata, IMDSv2. See imds.h.
 *
 * Contract: three small HTTP exchanges with libcurl, each with a 1 s connect
 * and total timeout and one retry; never through a proxy (the service is
 * link-local). The session token and the credential document are wiped
 * after use. No IMDSv1 fallback: an instance that refuses tokens is
 * reported, not worked around. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <openssl/crypto.h>

#include "aws/creds_internal.h"
#include "aws/imds.h"
#include "i18n.h"
#include "util/buf.h"

#define IMDS_DEFAULT_ENDPOINT "http://169.254.169.254"
#define IMDS_DEFAULT_ENDPOINT_V6 "http://[fd00:ec2::254]"
#define IMDS_TIMEOUT_MS 1000L
#define IMDS_ATTEMPTS 2
#define IMDS_TOKEN_TTL "21600"
#define IMDS_MAX_BODY (64u * 1024u)

int aws_imds_enabled(void)
{
	const char *d = getenv("AWS_EC2_METADATA_DISABLED");

	return !(d && strcasecmp(d, "true") == 0);
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *ud)
{
	struct buf *b = ud;

	if (buf_append(b, data, size * nmemb) < 0)
		return 0; /* past the cap: curl fails the transfer */
	return size * nmemb;
}

/* One request with a retry. On success the body is in *body (0). HTTP
 * errors give -1 with err kind CREDENTIALS and the status; transport
 * failures give NETWORK or TIMEOUT. */
static int imds_request(const char *url, int put, const char *header,
			struct buf *body, long *status, struct aws_error *err)
{
	CURLcode cc = CURLE_OK;
	int rc = -1;

	*status = 0;
	for (int attempt = 0; attempt < IMDS_ATTEMPTS; attempt++) {
		CURL *h = curl_easy_init();
		struct curl_slist *hdrs = NULL;

		if (!h) {
			aws_error_set(err, AWS_ERR_NOMEM, "OutOfMemory", "%s",
				      _("out of memory"));
			return -1;
		}
		buf_free_secret(body);
		buf_init(body, IMDS_MAX_BODY);
		if (header)
			hdrs = curl_slist_append(NULL, header);
		curl_easy_setopt(h, CURLOPT_URL, url);
		curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
		curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, IMDS_TIMEOUT_MS);
		curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, IMDS_TIMEOUT_MS);
		curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
		curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
		curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
		curl_easy_setopt(h, CURLOPT_WRITEDATA, body);
		if (hdrs)
			curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
		if (put) {
			curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, "PUT");
			curl_easy_setopt(h, CURLOPT_POSTFIELDS, "");
			curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, 0L);
		}
		cc = curl_easy_perform(h);
		if (cc == CURLE_OK)
			curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
		curl_slist_free_all(hdrs);
		curl_easy_cleanup(h);
		if (cc == CURLE_OK && *status >= 200 && *status < 300)
			return 0;
		/* Client errors will not change on a retry. */
		if (cc == CURLE_OK && *status >= 400 && *status < 500)
			break;
	}
	if (cc == CURLE_OPERATION_TIMEDOUT)
		aws_error_set(err, AWS_ERR_TIMEOUT, "ImdsUnreachable",
			      _("instance metadata did not answer within %ld ms"),
			      IMDS_TIMEOUT_MS);
	else if (cc != CURLE_OK)
		aws_error_set(err, AWS_ERR_NETWORK, "ImdsUnreachable",
			      _("instance metadata is not reachable: %s"),
			      curl_easy_strerror(cc));
	else
		aws_error_set(err, AWS_ERR_CREDENTIALS, "ImdsHttpError",
			      _("instance metadata answered HTTP %ld"), *status);
	err->http_status = *status;
	return rc;
}

static char *trimmed_line(const struct buf *b)
{
	const char *s = buf_str(b);
	size_t n = strcspn(s, "\r\n");

	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return strndup(s, n);
}

static void cleanse_json(cJSON *j)
{
	cJSON *c;

	if (cJSON_IsString(j) && j->valuestring)
		OPENSSL_cleanse(j->valuestring, strlen(j->valuestring));
	cJSON_ArrayForEach(c, j)
		cleanse_json(c);
}

int aws_imds_credentials(struct aws_creds **out, struct aws_error *err)
{
	const char *ep = getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
	struct buf body, url, hdr;
	char *token = NULL, *role = NULL;
	cJSON *doc = NULL;
	const cJSON *code, *ak, *sk, *tok, *exp;
	size_t eplen;
	long status;
	int rc = -1;

	*out = NULL;
	buf_init(&body, IMDS_MAX_BODY);
	buf_init(&url, 0);
	buf_init(&hdr, 0);
	if (!aws_imds_enabled()) {
		aws_error_set(err, AWS_ERR_CREDENTIALS, "ImdsDisabled", "%s",
			      _("instance metadata is disabled (AWS_EC2_METADATA_DISABLED)"));
		goto out;
	}
	if (!ep || !*ep) {
		const char *mode = getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE");

		ep = mode && strcasecmp(mode, "IPv6") == 0 ? IMDS_DEFAULT_ENDPOINT_V6 :
							     IMDS_DEFAULT_ENDPOINT;
	}
	eplen = strlen(ep);
	while (eplen && ep[eplen - 1] == '/')
		eplen--;

	if (buf_printf(&url, "%.*s/latest/api/token", (int)eplen, ep) < 0)
		goto nomem;
	if (imds_request(buf_str(&url), 1,
			 "X-aws-ec2-metadata-token-ttl-seconds: " IMDS_TOKEN_TTL,
			 &body, &status, err) < 0)
		goto fail;
	token = trimmed_line(&body);
	if (!token)
		goto nomem;
	if (!*token) {
		aws_error_set(err, AWS_ERR_CREDENTIALS, "ImdsNoToken", "%s",
			      _("instance metadata returned an empty session token"));
		goto fail;
	}
	if (buf_printf(&hdr, "X-aws-ec2-metadata-token: %s", token) < 0)
		goto nomem;

	buf_reset(&url);
	if (buf_printf(&url, "%.*s/latest/meta-data/iam/security-credentials/",
		       (int)eplen, ep) < 0)
		goto nomem;
	if (imds_request(buf_str(&url), 0, buf_str(&hdr), &body, &status, err) < 0) {
		if (err->http_status == 404)
			aws_error_set(err, AWS_ERR_CREDENTIALS, "ImdsNoRole", "%s",
				      _("this instance has no IAM role attached"));
		goto fail;
	}
	role = trimmed_line(&body);
	if (!role)
		goto nomem;
	if (!*role || strchr(role, '/')) {
		aws_error_set(err, AWS_ERR_CREDENTIALS, "ImdsNoRole", "%s",
			      _("this instance has no IAM role attached"));
		goto fail;
	}
	if (buf_printf(&url, "%s", role) < 0)
		goto nomem;
	if (imds_request(buf_str(&url), 0, buf_str(&hdr), &body, &status, err) < 0)
		goto fail;

	doc = cJSON_Parse(buf_str(&body));
	code = cJSON_GetObjectItemCaseSensitive(doc, "Code");
	ak = cJSON_GetObjectItemCaseSensitive(doc, "AccessKeyId");
	sk = cJSON_GetObjectItemCaseSensitive(doc, "SecretAccessKey");
	tok = cJSON_GetObjectItemCaseSensitive(doc, "Token");
	exp = cJSON_GetObjectItemCaseSensitive(doc, "Expiration");
	if (!cJSON_IsObject(doc) || (code && !(cJSON_IsString(code) &&
					       strcmp(code->valuestring, "Success") == 0)) ||
	    !cJSON_IsString(ak) || !cJSON_IsString(sk) || !*ak->valuestring ||
	    !*sk->valuestring) {
		aws_error_set(err, AWS_ERR_PARSE, "ImdsBadCredentials",
			      _("instance metadata returned unusable credentials for role %s"),
			      role);
		goto fail;
	}
	*out = aws_creds_new(ak->valuestring, sk->valuestring,
			     cJSON_IsString(tok) && *tok->valuestring ?
				     tok->valuestring : NULL,
			     "instance metadata");
	if (!*out)
		goto nomem;
	if (cJSON_IsString(exp)) {
		time_t t = creds_parse_time(exp->valuestring);

		(*out)->expiration = t > 0 ? t : 0;
	}
	rc = 0;
	goto out;
nomem:
	aws_error_set(err, AWS_ERR_NOMEM, "OutOfMemory", "%s", _("out of memory"));
fail:
	aws_error_where(err, "%s", "instance metadata");
out:
	if (doc) {
		cleanse_json(doc);
		cJSON_Delete(doc);
	}
	if (token) {
		OPENSSL_cleanse(token, strlen(token));
		free(token);
	}
	free(role);
	buf_free_secret(&body);
	buf_free_secret(&hdr);
	buf_free(&url);
	return rc;
}
