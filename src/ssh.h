/* ssh.h - doing on the bastion what the guide has a person do.
 *
 * One session to the bastion (libssh2 with OpenSSL): TCP connect with a
 * timeout, handshake, host key checked against hostkey.h's policy BEFORE
 * any authentication, then public-key authentication. Over it:
 *   - ssh_write_file_atomic(): the license onto EFS over SFTP (temporary
 *     name, fsync, rename, read back and compare SHA-256), escalating with a
 *     fixed `sudo -n install` command when the login user may not write;
 *   - ssh_http_get(): an HTTP GET from the bastion to a private address
 *     (the task's :8080, an internal load balancer) through a direct-tcpip
 *     channel, spoken by libcurl.
 * probe.h has the direct (internet-facing) probe and the result type.
 *
 * Nothing here prints or logs; file contents are never in a message or on
 * a command line. Errors are struct aws_error with a stable code
 * (HostKeyMismatch, HostKeyUnverified, AuthFailed, ConnectFailed,
 * SftpFailed, LicenseMismatch, HttpStatus, ProbeFailed, ...) and where
 * naming the hop ("bastion 203.0.113.10:22", "bastion -> 10.0.1.5:8080").
 * A session is used from one thread at a time. */
#ifndef ECSW_SSH_H
#define ECSW_SSH_H

#include <stddef.h>

#include "aws/client.h"
#include "aws/error.h"
#include "hostkey.h"
#include "probe.h"

struct ssh_session;

struct ssh_target {
	const char *host;             /* bastion address or DNS name */
	int port;                     /* 0: 22 */
	const char *user;             /* NULL: "ec2-user" */
	const char *private_key_file; /* PEM or OpenSSH; ed25519, ECDSA, RSA */
	const char *passphrase;       /* NULL when the key has none */
	/* Host key policy (hostkey.h). */
	const char *known_hosts_file; /* in the state dir; NULL: record nothing */
	const char *host_key_alias;   /* recorded under this (e.g. the instance
					 id); NULL: "host" / "[host]:port" */
	const char *pinned_fp;        /* --ssh-host-key SHA256:... */
	const char *console_output;   /* GetConsoleOutput, decoded; may be NULL */
	int accept_new;
	/* --connect-to rules, applied to the bastion and to every
	 * direct-tcpip destination (curl's meaning). Copied. */
	const struct aws_connect_to *connect_to;
	int connect_to_count;
	long connect_timeout_ms;      /* 0: 10 s; also bounds each SSH step */
};

/* What the server showed, filled as soon as the handshake got that far
 * (also when the key is refused), so the UI can show it and ask. */
struct ssh_hostkey_seen {
	char fp[HOSTKEY_FP_SIZE]; /* "" when the handshake never happened */
	char type[32];            /* "ssh-ed25519", ... */
	enum hostkey_verdict verdict;
};

/* Connect, check the host key, authenticate. seen may be NULL. On success
 * *out is the caller's (ssh_session_free). Returns 0 or -1 with err set. */
int ssh_session_open(const struct ssh_target *t, struct ssh_hostkey_seen *seen,
		     struct ssh_session **out, struct aws_error *err);
/* Say goodbye to the server and free. NULL is fine. */
void ssh_session_free(struct ssh_session *s);

/* Write data to dir/name on the bastion, atomically: SFTP to a temporary
 * name in dir (mode), fsync, rename over name, read back and compare
 * SHA-256 (LicenseMismatch when it differs). When the login user may not
 * write dir and is not root, the data goes to a 0600 temporary in the
 * user's home and `sudo -n install -m MODE -- TMP DIR/NAME` moves it (see
 * ssh_install_command). dir and name must pass ssh_path_valid. */
int ssh_write_file_atomic(struct ssh_session *s, const char *dir,
			  const char *name, const void *data, size_t len,
			  int mode, struct aws_error *err);

/* GET http://host:port/path from the bastion, through a direct-tcpip
 * channel; host:port goes through the connect-to rules first. out is
 * filled whenever a response arrived (free with probe_result_free), also
 * when the status is not 2xx: then -1 with HttpStatus. timeout_ms 0: 10 s.
 * Failures: ProbeFailed (channel refused: nothing listening, no route),
 * HttpStatus, AWS_ERR_TIMEOUT; where = "bastion -> host:port path". */
int ssh_http_get(struct ssh_session *s, const char *host, int port,
		 const char *path, long timeout_ms, struct probe_result *out,
		 struct aws_error *err);

/* ---- pieces exposed for the tests and the integrator ---------------- */

/* A path we are willing to put on a remote command line: absolute, only
 * [A-Za-z0-9._/-], no "..", no "//", at most 255 bytes. 1 or 0. */
int ssh_path_valid(const char *path);
/* "sudo -n install -m 0644 -- 'TMP' 'DEST'" with mode in octal. Both paths
 * must pass ssh_path_valid. Returns a malloc'd string or NULL (err set:
 * AWS_ERR_INPUT InvalidPath). */
char *ssh_install_command(const char *tmp, const char *dest, int mode,
			  struct aws_error *err);
/* Run a command over an exec channel; *exit_status from the server.
 * Output is discarded (it could echo anything). Returns 0 when it ran. */
int ssh_exec(struct ssh_session *s, const char *command, int *exit_status,
	     struct aws_error *err);
/* The bastion's user-visible name for errors: "bastion host:port". */
const char *ssh_session_where(const struct ssh_session *s);

#endif
