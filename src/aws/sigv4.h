/* sigv4.h - AWS Signature Version 4, as a chain of named stages.
 *
 * canonical request -> string to sign -> signing key -> signature, each a
 * separate function so that tests can compare every stage with the AWS
 * suite's .creq/.sts/.authz files (after aws-c-auth). Pure: the time and
 * the credentials are inputs; nothing here reads a clock or the network.
 * Secrets handled here are wiped before they are freed. */
#ifndef ECSW_AWS_SIGV4_H
#define ECSW_AWS_SIGV4_H

#include <stddef.h>
#include <time.h>

#include "aws/protocol.h"

struct aws_creds;

struct sigv4_params {
	const char *region;
	const char *service;  /* signing name, e.g. "ec2", "elasticfilesystem" */
	time_t when;          /* signing time, UTC */
	const struct aws_creds *creds;
	int normalize_path;   /* 1 for every service but S3 */
	int sign_body;        /* add x-amz-content-sha256 */
	int omit_session_token; /* sign without, add after (suite option) */
};

/* Every stage's output, kept so tests can look at each. Owned strings. */
struct sigv4_state {
	char *canonical_request;
	char *string_to_sign;
	char *signed_headers;   /* "host;x-amz-date" */
	char *credential_scope; /* "20150830/us-east-1/service/aws4_request" */
	char signature[65];     /* lowercase hex */
	char *authorization;    /* full Authorization header value */
	char amz_date[17];      /* 20150830T123600Z */
};

void sigv4_state_init(struct sigv4_state *st);
void sigv4_state_free(struct sigv4_state *st);

/* Sign req in place with headers: adds X-Amz-Date, Host when missing,
 * X-Amz-Security-Token when the credentials have one, and Authorization.
 * host is the request's Host header value. 0 or -1 (err set). */
int sigv4_sign_request(struct aws_http_request *req, const char *host,
		       const struct sigv4_params *p, struct sigv4_state *st,
		       struct aws_error *err);

/* Sign by query string (presigning) for expires seconds; appends the
 * X-Amz-* parameters to req->query. */
int sigv4_presign_request(struct aws_http_request *req, const char *host,
			  const struct sigv4_params *p, long expires,
			  struct sigv4_state *st, struct aws_error *err);

/* The stages, exposed for the suite tests. Each returns a malloc'd string
 * or NULL on error. payload_hash is the hex SHA-256 of the body. */
char *sigv4_canonical_request(const struct aws_http_request *req,
			      const char *payload_hash, int normalize_path,
			      char **signed_headers_out);
char *sigv4_string_to_sign(const char *canonical_request, const char *amz_date,
			   const char *credential_scope);
/* The derived key (32 bytes) into key; AWS's pseudocode:
 * kDate = HMAC("AWS4" + secret, date); kRegion = HMAC(kDate, region);
 * kService = HMAC(kRegion, service); kSigning = HMAC(kService, "aws4_request") */
int sigv4_signing_key(const char *secret, const char *date8, const char *region,
		      const char *service, unsigned char key[32]);

/* Hex SHA-256 of data into out[65]. */
void sigv4_sha256_hex(const void *data, size_t len, char out[65]);

#endif
