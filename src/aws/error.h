/* error.h - what went wrong with an AWS call, in a form a person can act on.
 *
 * Engine functions return 0 / -1 and leave the detail here. The engine does
 * not word messages for people: kind says which family of failure it was,
 * code/message/request_id are AWS's own (or ours for local failures), and
 * the UI or CLI turns them into a sentence. */
#ifndef ECSW_AWS_ERROR_H
#define ECSW_AWS_ERROR_H

enum aws_error_kind {
	AWS_ERR_NONE = 0,
	AWS_ERR_SERVICE,     /* AWS answered with an error: code/message set */
	AWS_ERR_NETWORK,     /* connection failed, reset, DNS, TLS */
	AWS_ERR_TIMEOUT,     /* connect or request timeout */
	AWS_ERR_PARSE,       /* the response could not be understood */
	AWS_ERR_INPUT,       /* our caller's input is wrong (bad shape, etc.) */
	AWS_ERR_CREDENTIALS, /* no or unusable credentials */
	AWS_ERR_CONFIG,      /* bad config / credentials file, unknown profile */
	AWS_ERR_NOMEM,
	AWS_ERR_CANCELLED,   /* the user asked us to stop */
	AWS_ERR_INTERNAL,
};

struct aws_error {
	enum aws_error_kind kind;
	long http_status;     /* 0 when no response arrived */
	char code[128];       /* AWS error code, e.g. "SignatureDoesNotMatch" */
	char message[512];    /* AWS's message or our one-line detail */
	char request_id[128]; /* x-amzn-RequestId / RequestID, when known */
	char where[256];      /* service:operation, or file:line for config */
	/* The value the error is about, where a front end can act on it:
	 * HostKeyUnverified's fingerprint, which the wizard shows and asks
	 * about. Never a secret. Cleared by aws_error_set. */
	char subject[96];
};

/* The kind as a stable lowercase word ("service", "network", ...), for
 * --output json. */
const char *aws_error_kind_name(enum aws_error_kind kind);
/* Reset to "no error". */
void aws_error_clear(struct aws_error *err);
/* Set kind, code and a printf-formatted message and clear subject; where
 * is left alone. */
void aws_error_set(struct aws_error *err, enum aws_error_kind kind,
		   const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Record the place the error belongs to (service:op, file:line...). */
void aws_error_where(struct aws_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* One line for logs and the CLI: "where: code: message (request id X)".
 * Writes at most size bytes to out and returns out. */
char *aws_error_format(const struct aws_error *err, char *out, unsigned size);

#endif
