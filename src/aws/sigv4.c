/* sigv4.c - AWS Signature Version 4 over OpenSSL. See sigv4.h.
 *
 * Contract: the signer is a chain of named stages over one state object
 * (after aws-c-auth): canonical request -> string to sign -> signing key ->
 * signature -> Authorization (or presigned query). Each stage's output stays
 * in struct sigv4_state so tests can hold it against the AWS suite's files.
 * Pure: the caller passes the time and the credentials. The derived keys live
 * on the stack and are wiped with OPENSSL_cleanse before the function returns.
 *
 * Canonical URI: req->path is the path as it goes on the wire (already
 * percent-encoded by the serialiser). It is normalised (dot segments removed,
 * slashes collapsed) when normalize_path, then percent-encoded once more -
 * the "double encoding" every service but S3 expects, and exactly what the
 * AWS suite does with its raw paths. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "aws/creds.h"
#include "aws/sigv4.h"
#include "i18n.h"
#include "util/buf.h"

#define SIGV4_ALGORITHM "AWS4-HMAC-SHA256"

/* Headers that proxies and HTTP stacks rewrite, or that carry the signature
 * itself; signing them would break the signature (botocore and aws-c-auth
 * leave the same ones out). */
static const char *const unsigned_headers[] = {
	"authorization", "user-agent", "x-amzn-trace-id", "expect",
	"connection",    "transfer-encoding", "upgrade",  NULL,
};

void sigv4_state_init(struct sigv4_state *st)
{
	memset(st, 0, sizeof(*st));
}

void sigv4_state_free(struct sigv4_state *st)
{
	if (!st)
		return;
	free(st->canonical_request);
	free(st->string_to_sign);
	free(st->signed_headers);
	free(st->credential_scope);
	free(st->authorization);
	memset(st, 0, sizeof(*st));
}

static void hex_encode(const unsigned char *in, size_t len, char *out)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = hex[in[i] >> 4];
		out[2 * i + 1] = hex[in[i] & 15];
	}
	out[2 * len] = '\0';
}

void sigv4_sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (!EVP_Digest(data ? data : "", len, md, &mdlen, EVP_sha256(), NULL) ||
	    mdlen != 32) {
		out[0] = '\0';
		return;
	}
	hex_encode(md, 32, out);
}

/* HMAC-SHA256(key, msg) into out[32]. */
static int hmac_sha256(const void *key, size_t keylen, const void *msg,
		       size_t msglen, unsigned char out[32])
{
	unsigned int outlen = 0;

	if (!HMAC(EVP_sha256(), key, (int)keylen, msg, msglen, out, &outlen) ||
	    outlen != 32)
		return -1;
	return 0;
}

/* ---- stage 1: canonical request ---------------------------------------- */

/* RFC 3986 5.2.4 remove_dot_segments, plus collapsing empty segments, as
 * botocore's remove_dot_segments() does: "//a/./b/../c/" -> "/a/c/". */
static char *normalize_path(const char *path)
{
	size_t n = strlen(path);
	const char **seg = calloc(n + 1, sizeof(*seg));
	size_t *seglen = calloc(n + 1, sizeof(*seglen));
	size_t nseg = 0;
	struct buf out;
	char *res = NULL;
	const char *p = path;

	buf_init(&out, 0);
	if (!seg || !seglen)
		goto out;
	while (*p) {
		const char *slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : strlen(p);

		if (len == 2 && p[0] == '.' && p[1] == '.') {
			if (nseg)
				nseg--;
		} else if (len && !(len == 1 && p[0] == '.')) {
			seg[nseg] = p;
			seglen[nseg++] = len;
		}
		p += len;
		if (*p == '/')
			p++;
	}
	if (path[0] == '/' && buf_append_char(&out, '/') < 0)
		goto out;
	for (size_t i = 0; i < nseg; i++) {
		if (i && buf_append_char(&out, '/') < 0)
			goto out;
		if (buf_append(&out, seg[i], seglen[i]) < 0)
			goto out;
	}
	if (n && path[n - 1] == '/' && nseg && buf_append_char(&out, '/') < 0)
		goto out;
	res = buf_take(&out);
out:
	buf_free(&out);
	free(seg);
	free(seglen);
	return res;
}

static int canonical_uri(struct buf *out, const char *path, int normalize)
{
	char *norm = NULL;
	int rc = -1;

	if (!path || !*path)
		path = "/";
	if (normalize) {
		norm = normalize_path(path);
		if (!norm)
			goto out;
		path = *norm ? norm : "/";
	}
	rc = aws_uri_encode(out, path, strlen(path), 1);
out:
	free(norm);
	return rc;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode %XX (only; '+' stays '+') and re-encode as SigV4 wants, so that
 * a query that arrives encoded or raw canonicalises the same way. */
static char *query_component(const char *s, size_t len)
{
	struct buf raw, enc;
	char *res = NULL;

	buf_init(&raw, 0);
	buf_init(&enc, 0);
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		int hi = (c == '%' && i + 2 < len) ?
				 hexval((unsigned char)s[i + 1]) : -1;
		int lo = hi >= 0 ? hexval((unsigned char)s[i + 2]) : -1;

		if (hi >= 0 && lo >= 0) {
			c = (char)(hi * 16 + lo);
			i += 2;
		}
		if (buf_append_char(&raw, c) < 0)
			goto out;
	}
	if (aws_uri_encode(&enc, raw.data ? raw.data : "", raw.len, 0) < 0)
		goto out;
	res = buf_take(&enc);
out:
	buf_free(&raw);
	buf_free(&enc);
	return res;
}

struct qparam {
	char *key;
	char *value;
};

static int qparam_cmp(const void *a, const void *b)
{
	const struct qparam *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	return c ? c : strcmp(x->value, y->value);
}

static int canonical_query(struct buf *out, const char *query)
{
	struct qparam *q = NULL;
	size_t nq = 0, cap = 0;
	const char *p = query ? query : "";
	int rc = -1;

	while (*p) {
		const char *amp = strchr(p, '&');
		size_t len = amp ? (size_t)(amp - p) : strlen(p);

		if (len) {
			const char *eq = memchr(p, '=', len);
			size_t klen = eq ? (size_t)(eq - p) : len;

			if (nq == cap) {
				struct qparam *nqp;

				cap = cap ? cap * 2 : 8;
				nqp = realloc(q, cap * sizeof(*q));
				if (!nqp)
					goto out;
				q = nqp;
			}
			q[nq].key = query_component(p, klen);
			q[nq].value = eq ? query_component(eq + 1, len - klen - 1)
					 : strdup("");
			nq++;
			if (!q[nq - 1].key || !q[nq - 1].value)
				goto out;
		}
		p += len;
		if (*p == '&')
			p++;
	}
	if (nq)
		qsort(q, nq, sizeof(*q), qparam_cmp);
	for (size_t i = 0; i < nq; i++)
		if (buf_printf(out, "%s%s=%s", i ? "&" : "", q[i].key,
			       q[i].value) < 0)
			goto out;
	rc = 0;
out:
	for (size_t i = 0; i < nq; i++) {
		free(q[i].key);
		free(q[i].value);
	}
	free(q);
	return rc;
}

struct cheader {
	char *name;  /* lowercased */
	char *value; /* trimmed, inner whitespace runs folded to one space */
	size_t order;
};

static int cheader_cmp(const void *a, const void *b)
{
	const struct cheader *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

static int is_unsigned_header(const char *lname)
{
	for (int i = 0; unsigned_headers[i]; i++)
		if (strcmp(lname, unsigned_headers[i]) == 0)
			return 1;
	return 0;
}

/* Trim and fold whitespace (spaces, tabs and the line breaks of folded
 * multi-line values) into single spaces. */
static char *fold_value(const char *v)
{
	size_t n = strlen(v);
	char *out = malloc(n + 1);
	size_t o = 0;
	int pending_space = 0;

	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			pending_space = o > 0;
			continue;
		}
		if (pending_space)
			out[o++] = ' ';
		pending_space = 0;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return out;
}

/* The canonical headers block (each "name:value\n") and the signed header
 * list, from the request's headers. */
static int canonical_headers(const struct aws_http_request *req,
			     struct buf *block, struct buf *signed_list)
{
	struct cheader *h = calloc(req->header_count + 1, sizeof(*h));
	size_t nh = 0;
	int rc = -1;

	if (!h)
		return -1;
	for (size_t i = 0; i < req->header_count; i++) {
		char *lname = strdup(req->headers[i].name);

		if (!lname)
			goto out;
		for (char *c = lname; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		if (is_unsigned_header(lname)) {
			free(lname);
			continue;
		}
		h[nh].name = lname;
		h[nh].order = i;
		h[nh].value = fold_value(req->headers[i].value ?
					 req->headers[i].value : "");
		nh++;
		if (!h[nh - 1].value)
			goto out;
	}
	if (nh)
		qsort(h, nh, sizeof(*h), cheader_cmp);
	for (size_t i = 0; i < nh; i++) {
		int first = i == 0 || strcmp(h[i].name, h[i - 1].name) != 0;
		int last = i + 1 == nh || strcmp(h[i].name, h[i + 1].name) != 0;

		if (first) {
			if (buf_printf(block, "%s:", h[i].name) < 0 ||
			    buf_printf(signed_list, "%s%s", i ? ";" : "",
				       h[i].name) < 0)
				goto out;
		} else if (buf_append_char(block, ',') < 0) {
			goto out;
		}
		if (buf_append_str(block, h[i].value) < 0)
			goto out;
		if (last && buf_append_char(block, '\n') < 0)
			goto out;
	}
	rc = 0;
out:
	for (size_t i = 0; i < nh; i++) {
		free(h[i].name);
		free(h[i].value);
	}
	free(h);
	return rc;
}

char *sigv4_canonical_request(const struct aws_http_request *req,
			      const char *payload_hash, int normalize_path,
			      char **signed_headers_out)
{
	struct buf cr, hdrs, signed_list;
	char *res = NULL;

	buf_init(&cr, 0);
	buf_init(&hdrs, 0);
	buf_init(&signed_list, 0);
	if (signed_headers_out)
		*signed_headers_out = NULL;
	if (canonical_headers(req, &hdrs, &signed_list) < 0)
		goto out;
	if (buf_printf(&cr, "%s\n", req->method ? req->method : "GET") < 0 ||
	    canonical_uri(&cr, req->path, normalize_path) < 0 ||
	    buf_append_char(&cr, '\n') < 0 ||
	    canonical_query(&cr, req->query) < 0 ||
	    buf_append_char(&cr, '\n') < 0 ||
	    buf_append_str(&cr, buf_str(&hdrs)) < 0 ||
	    buf_printf(&cr, "\n%s\n%s", buf_str(&signed_list),
		       payload_hash) < 0)
		goto out;
	if (signed_headers_out) {
		*signed_headers_out = buf_take(&signed_list);
		if (!*signed_headers_out)
			goto out;
	}
	res = buf_take(&cr);
	if (!res && signed_headers_out) {
		free(*signed_headers_out);
		*signed_headers_out = NULL;
	}
out:
	buf_free(&cr);
	buf_free(&hdrs);
	buf_free(&signed_list);
	return res;
}

/* ---- stage 2: string to sign ------------------------------------------- */

char *sigv4_string_to_sign(const char *canonical_request, const char *amz_date,
			   const char *credential_scope)
{
	char hash[65];
	struct buf sts;

	buf_init(&sts, 0);
	sigv4_sha256_hex(canonical_request, strlen(canonical_request), hash);
	if (buf_printf(&sts, SIGV4_ALGORITHM "\n%s\n%s\n%s", amz_date,
		       credential_scope, hash) < 0) {
		buf_free(&sts);
		return NULL;
	}
	return buf_take(&sts);
}

/* ---- stage 3: signing key ---------------------------------------------- */

/* From the SigV4 documentation ("Derive a signing key"):
 *
 *   kSecret  = your secret access key
 *   kDate    = HMAC("AWS4" + kSecret, Date)
 *   kRegion  = HMAC(kDate, Region)
 *   kService = HMAC(kRegion, Service)
 *   kSigning = HMAC(kService, "aws4_request")
 *
 * Every intermediate key is as secret as the secret itself: wiped below. */
int sigv4_signing_key(const char *secret, const char *date8, const char *region,
		      const char *service, unsigned char key[32])
{
	size_t slen = strlen(secret);
	unsigned char *ksecret = malloc(slen + 5);
	unsigned char kdate[32], kregion[32], kservice[32];
	int rc = -1;

	if (!ksecret)
		return -1;
	memcpy(ksecret, "AWS4", 4);
	memcpy(ksecret + 4, secret, slen);
	if (hmac_sha256(ksecret, slen + 4, date8, strlen(date8), kdate) < 0 ||
	    hmac_sha256(kdate, 32, region, strlen(region), kregion) < 0 ||
	    hmac_sha256(kregion, 32, service, strlen(service), kservice) < 0 ||
	    hmac_sha256(kservice, 32, "aws4_request", 12, key) < 0)
		goto out;
	rc = 0;
out:
	OPENSSL_cleanse(ksecret, slen + 5);
	free(ksecret);
	OPENSSL_cleanse(kdate, sizeof(kdate));
	OPENSSL_cleanse(kregion, sizeof(kregion));
	OPENSSL_cleanse(kservice, sizeof(kservice));
	if (rc < 0)
		OPENSSL_cleanse(key, 32);
	return rc;
}

/* ---- stage 4: signature ------------------------------------------------ */

static int compute_signature(struct sigv4_state *st,
			     const struct sigv4_params *p, const char *date8)
{
	unsigned char key[32], sig[32];
	int rc = -1;

	if (sigv4_signing_key(p->creds->secret_access_key, date8, p->region,
			      p->service, key) < 0)
		goto out;
	if (hmac_sha256(key, 32, st->string_to_sign,
			strlen(st->string_to_sign), sig) < 0)
		goto out;
	hex_encode(sig, 32, st->signature);
	rc = 0;
out:
	OPENSSL_cleanse(key, sizeof(key));
	return rc;
}

/* ---- the whole chain --------------------------------------------------- */

static int has_header(const struct aws_http_request *req, const char *name)
{
	for (size_t i = 0; i < req->header_count; i++)
		if (strcasecmp(req->headers[i].name, name) == 0)
			return 1;
	return 0;
}

static const char *header_value(const struct aws_http_request *req,
				const char *name)
{
	for (size_t i = 0; i < req->header_count; i++)
		if (strcasecmp(req->headers[i].name, name) == 0)
			return req->headers[i].value;
	return NULL;
}

/* Drop every header called name, so that signing twice (a retry) replaces
 * the previous signature instead of adding a second one. */
static void remove_header(struct aws_http_request *req, const char *name)
{
	size_t o = 0;

	for (size_t i = 0; i < req->header_count; i++) {
		if (strcasecmp(req->headers[i].name, name) == 0) {
			free(req->headers[i].name);
			if (req->headers[i].value)
				OPENSSL_cleanse(req->headers[i].value,
						strlen(req->headers[i].value));
			free(req->headers[i].value);
			continue;
		}
		req->headers[o++] = req->headers[i];
	}
	req->header_count = o;
}

static int check_params(const struct sigv4_params *p, struct aws_error *err)
{
	if (!p || !p->creds || !p->creds->access_key_id ||
	    !p->creds->secret_access_key || !p->region || !*p->region ||
	    !p->service || !*p->service) {
		aws_error_set(err, AWS_ERR_CREDENTIALS, "MissingCredentials",
			      "%s", _("cannot sign: credentials, region or service missing"));
		return -1;
	}
	return 0;
}

/* Date, scope and payload hash: the parts both signing styles share. */
static int prepare(struct sigv4_state *st, const struct sigv4_params *p,
		   char date8[9])
{
	struct tm tm;
	struct buf scope;

	if (!gmtime_r(&p->when, &tm) ||
	    strftime(st->amz_date, sizeof(st->amz_date), "%Y%m%dT%H%M%SZ",
		     &tm) != 16)
		return -1;
	memcpy(date8, st->amz_date, 8);
	date8[8] = '\0';
	buf_init(&scope, 0);
	if (buf_printf(&scope, "%s/%s/%s/aws4_request", date8, p->region,
		       p->service) < 0) {
		buf_free(&scope);
		return -1;
	}
	free(st->credential_scope);
	st->credential_scope = buf_take(&scope);
	return st->credential_scope ? 0 : -1;
}

static void payload_hash(const struct aws_http_request *req, char out[65])
{
	sigv4_sha256_hex(req->body.data ? req->body.data : "", req->body.len,
			 out);
}

int sigv4_sign_request(struct aws_http_request *req, const char *host,
		       const struct sigv4_params *p, struct sigv4_state *st,
		       struct aws_error *err)
{
	char date8[9], phash[65];
	const char *token;
	struct buf auth;
	int rc = -1;

	buf_init(&auth, 0);
	if (check_params(p, err) < 0)
		return -1;
	token = p->creds->session_token && *p->creds->session_token ?
			p->creds->session_token : NULL;
	sigv4_state_free(st);
	if (prepare(st, p, date8) < 0)
		goto nomem;

	remove_header(req, "Authorization");
	remove_header(req, "X-Amz-Date");
	if (token)
		remove_header(req, "X-Amz-Security-Token");
	if (host && *host && !has_header(req, "Host") &&
	    aws_http_request_add_header(req, "Host", host) < 0)
		goto nomem;
	if (token && !p->omit_session_token &&
	    aws_http_request_add_header(req, "X-Amz-Security-Token", token) < 0)
		goto nomem;
	if (aws_http_request_add_header(req, "X-Amz-Date", st->amz_date) < 0)
		goto nomem;
	/* A caller-provided x-amz-content-sha256 (UNSIGNED-PAYLOAD) wins. */
	if (has_header(req, "x-amz-content-sha256")) {
		snprintf(phash, sizeof(phash), "%s",
			 header_value(req, "x-amz-content-sha256"));
	} else {
		payload_hash(req, phash);
		if (p->sign_body &&
		    aws_http_request_add_header(req, "x-amz-content-sha256",
						phash) < 0)
			goto nomem;
	}

	st->canonical_request = sigv4_canonical_request(req, phash,
							p->normalize_path,
							&st->signed_headers);
	if (!st->canonical_request)
		goto nomem;
	st->string_to_sign = sigv4_string_to_sign(st->canonical_request,
						  st->amz_date,
						  st->credential_scope);
	if (!st->string_to_sign || compute_signature(st, p, date8) < 0)
		goto nomem;
	if (buf_printf(&auth,
		       SIGV4_ALGORITHM " Credential=%s/%s, SignedHeaders=%s, "
				       "Signature=%s",
		       p->creds->access_key_id, st->credential_scope,
		       st->signed_headers, st->signature) < 0)
		goto nomem;
	st->authorization = buf_take(&auth);
	if (!st->authorization)
		goto nomem;
	/* The suite's omit_session_token: the token travels unsigned. */
	if (token && p->omit_session_token &&
	    aws_http_request_add_header(req, "X-Amz-Security-Token", token) < 0)
		goto nomem;
	if (aws_http_request_add_header(req, "Authorization",
					st->authorization) < 0)
		goto nomem;
	rc = 0;
	goto out;
nomem:
	aws_error_set(err, AWS_ERR_NOMEM, "OutOfMemory", "%s",
		      _("out of memory while signing the request"));
out:
	buf_free(&auth);
	return rc;
}

static int append_param(struct buf *q, const char *key, const char *value)
{
	if (q->len && buf_append_char(q, '&') < 0)
		return -1;
	if (buf_printf(q, "%s=", key) < 0)
		return -1;
	return aws_uri_encode(q, value, strlen(value), 0);
}

int sigv4_presign_request(struct aws_http_request *req, const char *host,
			  const struct sigv4_params *p, long expires,
			  struct sigv4_state *st, struct aws_error *err)
{
	char date8[9], phash[65], expires_s[32];
	const char *token;
	struct buf q, hdrs, signed_list, cred;
	char *newq = NULL;
	int rc = -1;

	buf_init(&q, 0);
	buf_init(&hdrs, 0);
	buf_init(&signed_list, 0);
	buf_init(&cred, 0);
	if (check_params(p, err) < 0)
		return -1;
	if (expires <= 0 || expires > 7L * 24 * 3600) {
		aws_error_set(err, AWS_ERR_INPUT, "InvalidExpires",
			      _("presigned URLs last 1 second to 7 days, not %ld seconds"),
			      expires);
		return -1;
	}
	token = p->creds->session_token && *p->creds->session_token ?
			p->creds->session_token : NULL;
	sigv4_state_free(st);
	if (prepare(st, p, date8) < 0)
		goto nomem;
	if (host && *host && !has_header(req, "Host") &&
	    aws_http_request_add_header(req, "Host", host) < 0)
		goto nomem;
	if (canonical_headers(req, &hdrs, &signed_list) < 0)
		goto nomem;
	st->signed_headers = buf_take(&signed_list);
	if (!st->signed_headers)
		goto nomem;
	snprintf(expires_s, sizeof(expires_s), "%ld", expires);
	if (buf_printf(&cred, "%s/%s", p->creds->access_key_id,
		       st->credential_scope) < 0)
		goto nomem;

	/* Parameters in the order the AWS suite's signed requests show. */
	if (req->query && buf_append_str(&q, req->query) < 0)
		goto nomem;
	if (append_param(&q, "X-Amz-Algorithm", SIGV4_ALGORITHM) < 0 ||
	    append_param(&q, "X-Amz-Credential", buf_str(&cred)) < 0 ||
	    append_param(&q, "X-Amz-Date", st->amz_date) < 0 ||
	    append_param(&q, "X-Amz-SignedHeaders", st->signed_headers) < 0 ||
	    append_param(&q, "X-Amz-Expires", expires_s) < 0)
		goto nomem;
	if (token && !p->omit_session_token &&
	    append_param(&q, "X-Amz-Security-Token", token) < 0)
		goto nomem;
	newq = buf_take(&q);
	if (!newq)
		goto nomem;
	free(req->query);
	req->query = newq;

	/* A presigned body is hashed as it is; sign_body adds no header here. */
	if (has_header(req, "x-amz-content-sha256"))
		snprintf(phash, sizeof(phash), "%s",
			 header_value(req, "x-amz-content-sha256"));
	else
		payload_hash(req, phash);
	free(st->signed_headers);
	st->signed_headers = NULL;
	st->canonical_request = sigv4_canonical_request(req, phash,
							p->normalize_path,
							&st->signed_headers);
	if (!st->canonical_request)
		goto nomem;
	st->string_to_sign = sigv4_string_to_sign(st->canonical_request,
						  st->amz_date,
						  st->credential_scope);
	if (!st->string_to_sign || compute_signature(st, p, date8) < 0)
		goto nomem;

	buf_init(&q, 0);
	if (buf_append_str(&q, req->query) < 0)
		goto nomem;
	if (token && p->omit_session_token &&
	    append_param(&q, "X-Amz-Security-Token", token) < 0)
		goto nomem;
	if (append_param(&q, "X-Amz-Signature", st->signature) < 0)
		goto nomem;
	newq = buf_take(&q);
	if (!newq)
		goto nomem;
	free(req->query);
	req->query = newq;
	rc = 0;
	goto out;
nomem:
	aws_error_set(err, AWS_ERR_NOMEM, "OutOfMemory", "%s",
		      _("out of memory while signing the request"));
out:
	buf_free_secret(&q);
	buf_free(&hdrs);
	buf_free(&signed_list);
	buf_free(&cred);
	return rc;
}
