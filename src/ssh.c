/* ssh.c - the bastion session: connect, verify, authenticate; SFTP writes;
 * HTTP through direct-tcpip channels. See ssh.h for the contract. */
#include "config.h"

#include "ssh.h"

#include <errno.h>
#include <fcntl.h>
#include <libssh2.h>
#include <libssh2_sftp.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "i18n.h"
#include "util/buf.h"

#define DEFAULT_TIMEOUT_MS 10000L
#define SFTP_CHUNK 32768

struct ssh_session {
	int sock;
	LIBSSH2_SESSION *session;
	LIBSSH2_SFTP *sftp; /* opened on first use */
	char *user;
	char where[256]; /* "bastion host:port" */
	struct aws_connect_to *rules;
	int nrules;
	long timeout_ms;
};

/* Host key algorithms, strongest and most common on EC2 first; libssh2
 * drops the names it does not know. */
static const char hostkey_methods[] =
	"ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,"
	"ecdsa-sha2-nistp521,rsa-sha2-512,rsa-sha2-256,ssh-rsa";

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_rc;

static void ssh_global_init(void)
{
	init_rc = libssh2_init(0);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* The libssh2 reason for the last failure, for a message. */
static const char *ssh_reason(LIBSSH2_SESSION *session)
{
	char *msg = NULL;

	libssh2_session_last_error(session, &msg, NULL, 0);
	return msg && msg[0] ? msg : "?";
}

/* ---- connect-to ----------------------------------------------------- */

static void rules_free(struct aws_connect_to *rules, int n)
{
	int i;

	for (i = 0; rules && i < n; i++) {
		free(rules[i].host1);
		free(rules[i].host2);
	}
	free(rules);
}

static struct aws_connect_to *rules_copy(const struct aws_connect_to *src,
					 int n)
{
	struct aws_connect_to *r;
	int i;

	if (n <= 0)
		return NULL;
	r = calloc((size_t)n, sizeof(*r));
	if (!r)
		return NULL;
	for (i = 0; i < n; i++) {
		r[i].host1 = strdup(src[i].host1 ? src[i].host1 : "");
		r[i].host2 = strdup(src[i].host2 ? src[i].host2 : "");
		r[i].port1 = src[i].port1;
		r[i].port2 = src[i].port2;
		if (!r[i].host1 || !r[i].host2) {
			rules_free(r, n);
			return NULL;
		}
	}
	return r;
}

/* ---- TCP ------------------------------------------------------------ */

/* Connect with a deadline; returns a blocking socket or -1 with err set. */
static int tcp_connect(const char *host, int port, long timeout_ms,
		       struct aws_error *err)
{
	struct addrinfo hints, *res = NULL, *ai;
	char portstr[16];
	int fd = -1, rc, soerr = 0;
	long deadline = now_ms() + timeout_ms;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	snprintf(portstr, sizeof(portstr), "%d", port);
	rc = getaddrinfo(host, portstr, &hints, &res);
	if (rc != 0) {
		aws_error_set(err, AWS_ERR_NETWORK, "ResolveFailed",
			      _("cannot resolve %s: %s"), host,
			      gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		struct pollfd pfd;
		socklen_t sl = sizeof(soerr);
		long left = deadline - now_ms();

		if (left <= 0)
			break;
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC |
						   SOCK_NONBLOCK,
			    ai->ai_protocol);
		if (fd < 0)
			continue;
		rc = connect(fd, ai->ai_addr, ai->ai_addrlen);
		if (rc < 0 && errno == EINPROGRESS) {
			pfd.fd = fd;
			pfd.events = POLLOUT;
			rc = poll(&pfd, 1, (int)left);
			if (rc == 0) {
				soerr = ETIMEDOUT;
				rc = -1;
			} else if (rc > 0 &&
				   getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr,
					      &sl) == 0 &&
				   soerr == 0) {
				rc = 0;
			} else {
				rc = -1;
			}
		} else if (rc < 0) {
			soerr = errno;
		}
		if (rc == 0) {
			int fl = fcntl(fd, F_GETFL), one = 1;

			fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
			/* SFTP and the probes are request/answer: Nagle plus
			 * delayed ACKs would add 40 ms to each round trip. */
			setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
			freeaddrinfo(res);
			return fd;
		}
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (soerr == ETIMEDOUT || now_ms() >= deadline)
		aws_error_set(err, AWS_ERR_TIMEOUT, "ConnectTimeout",
			      _("no answer from %s port %d within %ld ms"),
			      host, port, timeout_ms);
	else
		aws_error_set(err, AWS_ERR_NETWORK, "ConnectFailed",
			      _("cannot connect to %s port %d: %s"), host,
			      port, strerror(soerr ? soerr : ECONNREFUSED));
	return -1;
}

/* ---- session -------------------------------------------------------- */

static const char *hostkey_type_name(int type)
{
	switch (type) {
	case LIBSSH2_HOSTKEY_TYPE_RSA: return "ssh-rsa";
	case LIBSSH2_HOSTKEY_TYPE_DSS: return "ssh-dss";
	case LIBSSH2_HOSTKEY_TYPE_ECDSA_256: return "ecdsa-sha2-nistp256";
	case LIBSSH2_HOSTKEY_TYPE_ECDSA_384: return "ecdsa-sha2-nistp384";
	case LIBSSH2_HOSTKEY_TYPE_ECDSA_521: return "ecdsa-sha2-nistp521";
	case LIBSSH2_HOSTKEY_TYPE_ED25519: return "ssh-ed25519";
	default: return "unknown";
	}
}

/* Append name to the comma list in b when the library supports it and it
 * is not there yet. libssh2 1.10's method_pref() corrupts memory while
 * dropping unknown names (overlapping memcpy), so we never hand it any. */
static void pref_add(struct buf *b, const char *name, const char **algs,
		     int nalgs)
{
	const char *p = buf_str(b);
	size_t len = strlen(name);
	int i;

	for (i = 0; i < nalgs; i++)
		if (strcmp(algs[i], name) == 0)
			break;
	if (i == nalgs)
		return;
	for (p = strstr(p, name); p; p = strstr(p + len, name))
		if ((p == buf_str(b) || p[-1] == ',') &&
		    (p[len] == ',' || p[len] == '\0'))
			return;
	if (b->len)
		buf_append_char(b, ',');
	buf_append_str(b, name);
}

/* Our preference, with the types already recorded for this host first so
 * a server holding several keys shows the one we can compare. Returns
 * NULL when nothing is usable (err set). */
static char *hostkey_pref(struct ssh_session *s, const struct ssh_target *t,
			  const char *name, struct aws_error *err)
{
	unsigned char **blobs = NULL;
	size_t *lens = NULL;
	const char **algs = NULL;
	struct aws_error ignored;
	char ours[sizeof(hostkey_methods)], *tok, *save = NULL;
	struct buf b;
	int n = 0, i, nalgs;

	nalgs = libssh2_session_supported_algs(s->session,
					       LIBSSH2_METHOD_HOSTKEY, &algs);
	if (nalgs <= 0) {
		aws_error_set(err, AWS_ERR_INTERNAL, "SshInit",
			      _("libssh2 lists no host key algorithms: %s"),
			      ssh_reason(s->session));
		return NULL;
	}
	buf_init(&b, 4096);
	if (t->known_hosts_file)
		n = known_hosts_lookup(t->known_hosts_file, name, &blobs, &lens,
				       &ignored);
	for (i = 0; i < n; i++) {
		char type[64];

		hostkey_blob_type(blobs[i], lens[i], type, sizeof(type));
		/* An RSA key is shown with whichever signature we ask. */
		if (strcmp(type, "ssh-rsa") == 0) {
			pref_add(&b, "rsa-sha2-512", algs, nalgs);
			pref_add(&b, "rsa-sha2-256", algs, nalgs);
		}
		if (type[0])
			pref_add(&b, type, algs, nalgs);
	}
	hostkey_blobs_free(blobs, lens, n > 0 ? n : 0);
	memcpy(ours, hostkey_methods, sizeof(ours));
	for (tok = strtok_r(ours, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save))
		pref_add(&b, tok, algs, nalgs);
	libssh2_free(s->session, algs);
	if (!b.len) {
		buf_free(&b);
		aws_error_set(err, AWS_ERR_INTERNAL, "SshInit", "%s",
			      _("no usable host key algorithm"));
		return NULL;
	}
	return buf_take(&b);
}

static int check_host_key(struct ssh_session *s, const struct ssh_target *t,
			  const char *name, struct ssh_hostkey_seen *seen,
			  struct aws_error *err)
{
	struct hostkey_fp_list console = {0};
	struct hostkey_policy policy;
	const char *blob;
	size_t len = 0;
	int type = 0;
	enum hostkey_verdict v;

	blob = libssh2_session_hostkey(s->session, &len, &type);
	if (!blob || !len) {
		aws_error_set(err, AWS_ERR_NETWORK, "HostKeyUnverified", "%s",
			      _("the server showed no host key"));
		return -1;
	}
	if (seen) {
		hostkey_fingerprint((const unsigned char *)blob, len, seen->fp);
		snprintf(seen->type, sizeof(seen->type), "%s",
			 hostkey_type_name(type));
	}
	if (hostkey_parse_console(t->console_output, &console, err) < 0)
		return -1;
	memset(&policy, 0, sizeof(policy));
	policy.known_hosts_file = t->known_hosts_file;
	policy.name = name;
	policy.pinned_fp = t->pinned_fp;
	policy.console = &console;
	policy.accept_new = t->accept_new;
	v = hostkey_verify(&policy, (const unsigned char *)blob, len, err);
	hostkey_fp_list_free(&console);
	if (seen)
		seen->verdict = v;
	return v == HOSTKEY_REFUSED ? -1 : 0;
}

/* Is the private key an RSA key? PEM says so in its header; OpenSSH's
 * format names the public key type near the start of its base64 body. */
static int key_file_is_rsa(const char *path)
{
	char text[4096], b64[257];
	unsigned char raw[200];
	const char *p;
	size_t n, k = 0;
	int dec, rsa = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return 0;
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	if (strstr(text, "BEGIN RSA PRIVATE KEY"))
		rsa = 1;
	p = strstr(text, "BEGIN OPENSSH PRIVATE KEY-----");
	if (!rsa && p) {
		for (p = strchr(p, '\n'); p && *p && k < 256; p++)
			if (strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
				   *p))
				b64[k++] = *p;
		b64[k] = '\0';
		dec = EVP_DecodeBlock(raw, (const unsigned char *)b64, (int)k / 4 * 4);
		rsa = dec > 7 && memmem(raw, (size_t)dec, "ssh-rsa", 7) != NULL;
	}
	OPENSSL_cleanse(text, sizeof(text));
	OPENSSL_cleanse(raw, sizeof(raw));
	return rsa;
}

static int authenticate(struct ssh_session *s, const struct ssh_target *t,
			struct aws_error *err)
{
	int rc;

	if (!t->private_key_file || access(t->private_key_file, R_OK) < 0) {
		aws_error_set(err, AWS_ERR_INPUT, "KeyFileUnreadable",
			      _("cannot read the private key %s: %s"),
			      t->private_key_file ? t->private_key_file : "",
			      t->private_key_file ? strerror(errno) : "-");
		return -1;
	}
	rc = libssh2_userauth_publickey_fromfile_ex(
		s->session, s->user, (unsigned int)strlen(s->user), NULL,
		t->private_key_file, t->passphrase);
	if (rc == 0 && libssh2_userauth_authenticated(s->session))
		return 0;
	if (rc == LIBSSH2_ERROR_FILE)
		aws_error_set(err, AWS_ERR_INPUT, "KeyFileInvalid",
			      _("cannot use the private key %s (wrong passphrase or unsupported format): %s"),
			      t->private_key_file, ssh_reason(s->session));
	else if (rc == LIBSSH2_ERROR_TIMEOUT)
		aws_error_set(err, AWS_ERR_TIMEOUT, "AuthTimeout",
			      _("no answer to authentication"));
	else if (!libssh2_version(0x010b00) &&
		 key_file_is_rsa(t->private_key_file))
		/* libssh2 before 1.11 signs with ssh-rsa (SHA-1) only, which
		 * OpenSSH 8.8+ and Amazon Linux 2023 refuse by default. */
		aws_error_set(err, AWS_ERR_NETWORK, "AuthFailed",
			      _("the server refused RSA key %s for user %s: libssh2 %s signs RSA with SHA-1, which current OpenSSH refuses; use an ed25519 key pair (%s)"),
			      t->private_key_file, s->user,
			      libssh2_version(0), ssh_reason(s->session));
	else
		aws_error_set(err, AWS_ERR_NETWORK, "AuthFailed",
			      _("the server refused key %s for user %s: %s"),
			      t->private_key_file, s->user,
			      ssh_reason(s->session));
	return -1;
}

int ssh_session_open(const struct ssh_target *t, struct ssh_hostkey_seen *seen,
		     struct ssh_session **out, struct aws_error *err)
{
	struct ssh_session *s = NULL;
	const char *host;
	char *name = NULL, *pref = NULL;
	int port, rc;

	*out = NULL;
	if (seen)
		memset(seen, 0, sizeof(*seen));
	if (!t || !t->host || !t->host[0]) {
		aws_error_set(err, AWS_ERR_INPUT, "InvalidTarget", "%s",
			      _("no bastion host given"));
		return -1;
	}
	if (t->pinned_fp && t->pinned_fp[0] && !hostkey_fp_valid(t->pinned_fp)) {
		aws_error_set(err, AWS_ERR_INPUT, "InvalidFingerprint",
			      _("%s is not a SHA256:... host key fingerprint"),
			      t->pinned_fp);
		return -1;
	}
	pthread_once(&init_once, ssh_global_init);
	if (init_rc != 0) {
		aws_error_set(err, AWS_ERR_INTERNAL, "SshInit", "%s",
			      _("libssh2 failed to initialise"));
		return -1;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		goto nomem;
	s->sock = -1;
	s->timeout_ms = t->connect_timeout_ms > 0 ? t->connect_timeout_ms
						  : DEFAULT_TIMEOUT_MS;
	s->user = strdup(t->user && t->user[0] ? t->user : "ec2-user");
	s->rules = rules_copy(t->connect_to, t->connect_to_count);
	if (!s->user || (t->connect_to_count > 0 && !s->rules))
		goto nomem;
	s->nrules = t->connect_to_count > 0 ? t->connect_to_count : 0;
	port = t->port > 0 ? t->port : 22;
	/* Recorded under the name the user knows, not where connect-to
	 * sends us: the identity is the bastion's. */
	name = t->host_key_alias && t->host_key_alias[0]
		       ? strdup(t->host_key_alias)
		       : hostkey_host_name(t->host, port);
	if (!name)
		goto nomem;
	snprintf(s->where, sizeof(s->where), "bastion %s:%d", t->host, port);
	host = t->host;
	aws_connect_to_apply(s->rules, s->nrules, &host, &port);

	s->sock = tcp_connect(host, port, s->timeout_ms, err);
	if (s->sock < 0)
		goto fail;
	s->session = libssh2_session_init();
	if (!s->session)
		goto nomem;
	libssh2_session_set_timeout(s->session, s->timeout_ms);
	pref = hostkey_pref(s, t, name, err);
	if (!pref)
		goto fail;
	if (libssh2_session_method_pref(s->session, LIBSSH2_METHOD_HOSTKEY,
					pref) != 0) {
		aws_error_set(err, AWS_ERR_INTERNAL, "SshInit",
			      _("no usable host key algorithm: %s"),
			      ssh_reason(s->session));
		goto fail;
	}
	rc = libssh2_session_handshake(s->session, s->sock);
	if (rc != 0) {
		aws_error_set(err,
			      rc == LIBSSH2_ERROR_TIMEOUT ? AWS_ERR_TIMEOUT
							  : AWS_ERR_NETWORK,
			      "HandshakeFailed", _("SSH handshake failed: %s"),
			      ssh_reason(s->session));
		goto fail;
	}
	/* The key first: no credential goes to a server we cannot vouch for. */
	if (check_host_key(s, t, name, seen, err) < 0)
		goto fail;
	if (authenticate(s, t, err) < 0)
		goto fail;
	*out = s;
	free(name);
	free(pref);
	return 0;
nomem:
	aws_error_set(err, AWS_ERR_NOMEM, "OutOfMemory", "%s",
		      _("out of memory"));
fail:
	aws_error_where(err, "%s", s ? s->where : "bastion");
	free(name);
	free(pref);
	ssh_session_free(s);
	return -1;
}

void ssh_session_free(struct ssh_session *s)
{
	if (!s)
		return;
	if (s->session)
		libssh2_session_set_blocking(s->session, 1);
	if (s->sftp)
		libssh2_sftp_shutdown(s->sftp);
	if (s->session) {
		libssh2_session_disconnect(s->session, "bye");
		libssh2_session_free(s->session);
	}
	if (s->sock >= 0)
		close(s->sock);
	rules_free(s->rules, s->nrules);
	free(s->user);
	free(s);
}

const char *ssh_session_where(const struct ssh_session *s)
{
	return s ? s->where : "bastion";
}

/* ---- exec ----------------------------------------------------------- */

int ssh_exec(struct ssh_session *s, const char *command, int *exit_status,
	     struct aws_error *err)
{
	LIBSSH2_CHANNEL *ch;
	char sink[4096];
	int rc = -1;
	ssize_t n;

	*exit_status = -1;
	ch = libssh2_channel_open_session(s->session);
	if (!ch) {
		aws_error_set(err, AWS_ERR_NETWORK, "ExecFailed",
			      _("cannot open a channel: %s"),
			      ssh_reason(s->session));
		goto out;
	}
	if (libssh2_channel_exec(ch, command) != 0) {
		aws_error_set(err, AWS_ERR_NETWORK, "ExecFailed",
			      _("the server refused to run a command: %s"),
			      ssh_reason(s->session));
		goto out;
	}
	/* Nothing comes on stdin: say so, so no command waits for it. */
	libssh2_channel_send_eof(ch);
	/* Drain and drop: the output is the remote's and may echo paths. */
	for (;;) {
		n = libssh2_channel_read(ch, sink, sizeof(sink));
		if (n > 0)
			continue;
		n = libssh2_channel_read_stderr(ch, sink, sizeof(sink));
		if (n > 0)
			continue;
		if (n < 0 || libssh2_channel_eof(ch))
			break;
	}
	if (n < 0) {
		aws_error_set(err, AWS_ERR_NETWORK, "ExecFailed",
			      _("the command's channel failed: %s"),
			      ssh_reason(s->session));
		goto out;
	}
	libssh2_channel_close(ch);
	libssh2_channel_wait_closed(ch);
	*exit_status = libssh2_channel_get_exit_status(ch);
	rc = 0;
out:
	if (ch)
		libssh2_channel_free(ch);
	if (rc < 0)
		aws_error_where(err, "%s", s->where);
	return rc;
}

/* ---- paths and the escalation command ------------------------------- */

int ssh_path_valid(const char *path)
{
	size_t i, len;

	if (!path || path[0] != '/')
		return 0;
	len = strlen(path);
	if (len > 255)
		return 0;
	for (i = 0; i < len; i++) {
		char c = path[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '/' || c == '-'))
			return 0;
	}
	if (strstr(path, "//") || strstr(path, "/./") || strstr(path, "/../"))
		return 0;
	if (len >= 3 && strcmp(path + len - 3, "/..") == 0)
		return 0;
	if (len >= 2 && strcmp(path + len - 2, "/.") == 0)
		return 0;
	return 1;
}

/* A file name inside a directory: no slash, not "." or "..". */
static int name_valid(const char *name)
{
	struct buf b;
	int ok;

	if (!name || !name[0] || strchr(name, '/') || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0)
		return 0;
	buf_init(&b, 512);
	ok = buf_printf(&b, "/%s", name) == 0 && ssh_path_valid(buf_str(&b));
	buf_free(&b);
	return ok;
}

char *ssh_install_command(const char *tmp, const char *dest, int mode,
			  struct aws_error *err)
{
	struct buf b;

	if (!ssh_path_valid(tmp) || !ssh_path_valid(dest)) {
		aws_error_set(err, AWS_ERR_INPUT, "InvalidPath", "%s",
			      _("refusing a path outside [A-Za-z0-9._/-] on a remote command line"));
		return NULL;
	}
	if (mode < 0 || mode > 0777) {
		aws_error_set(err, AWS_ERR_INPUT, "InvalidMode",
			      _("file mode %o is not a permission mode"),
			      (unsigned)mode);
		return NULL;
	}
	/* The paths are validated to need no quoting; the quotes are a
	 * second fence. Nothing else the user typed goes in here. */
	buf_init(&b, 1024);
	if (buf_printf(&b, "sudo -n install -m %04o -- '%s' '%s'",
		       (unsigned)mode, tmp, dest) < 0) {
		buf_free(&b);
		aws_error_set(err, AWS_ERR_NOMEM, "OutOfMemory", "%s",
			      _("out of memory"));
		return NULL;
	}
	return buf_take(&b);
}

/* ---- SFTP ----------------------------------------------------------- */

static int sftp_ready(struct ssh_session *s, struct aws_error *err)
{
	if (s->sftp)
		return 0;
	s->sftp = libssh2_sftp_init(s->session);
	if (!s->sftp) {
		aws_error_set(err, AWS_ERR_NETWORK, "SftpFailed",
			      _("the server offers no SFTP: %s"),
			      ssh_reason(s->session));
		return -1;
	}
	return 0;
}

static const char *sftp_status_text(unsigned long st)
{
	switch (st) {
	case LIBSSH2_FX_NO_SUCH_FILE: return "no such file or directory";
	case LIBSSH2_FX_PERMISSION_DENIED: return "permission denied";
	case LIBSSH2_FX_NO_SUCH_PATH: return "no such path";
	case LIBSSH2_FX_FILE_ALREADY_EXISTS: return "file exists";
	case LIBSSH2_FX_NO_SPACE_ON_FILESYSTEM: return "no space left";
	case LIBSSH2_FX_QUOTA_EXCEEDED: return "quota exceeded";
	case LIBSSH2_FX_WRITE_PROTECT: return "read-only file system";
	case LIBSSH2_FX_OP_UNSUPPORTED: return "operation unsupported";
	default: return "failure";
	}
}

static void sftp_fail(struct ssh_session *s, struct aws_error *err,
		      const char *what, const char *path)
{
	unsigned long st = libssh2_sftp_last_error(s->sftp);

	aws_error_set(err, AWS_ERR_NETWORK, "SftpFailed", _("cannot %s %s: %s"),
		      what, path, sftp_status_text(st));
}

/* Random suffix for temporary names, so two wizards never collide. */
static void random_suffix(char out[17])
{
	unsigned char r[8];
	int i;

	if (RAND_bytes(r, sizeof(r)) != 1) {
		unsigned long v = (unsigned long)getpid() ^ (unsigned long)now_ms();

		memcpy(r, &v, sizeof(r) < sizeof(v) ? sizeof(r) : sizeof(v));
	}
	for (i = 0; i < 8; i++)
		snprintf(out + 2 * i, 3, "%02x", r[i]);
}

/* Create path exclusively with mode, write data, fsync, close. Returns 0,
 * -1 with err set, or -2 when creating was refused for permissions. */
static int sftp_put(struct ssh_session *s, const char *path, const void *data,
		    size_t len, int mode, struct aws_error *err)
{
	LIBSSH2_SFTP_HANDLE *h;
	LIBSSH2_SFTP_ATTRIBUTES attrs;
	const char *p = data;
	size_t left = len;
	int rc = -1;

	h = libssh2_sftp_open(s->sftp, path,
			      LIBSSH2_FXF_WRITE | LIBSSH2_FXF_CREAT |
				      LIBSSH2_FXF_EXCL,
			      mode);
	if (!h) {
		if (libssh2_sftp_last_error(s->sftp) ==
		    LIBSSH2_FX_PERMISSION_DENIED)
			return -2;
		sftp_fail(s, err, _("create"), path);
		return -1;
	}
	while (left) {
		ssize_t w = libssh2_sftp_write(h, p, left < SFTP_CHUNK ? left
								       : SFTP_CHUNK);
		if (w <= 0) {
			sftp_fail(s, err, _("write"), path);
			goto out;
		}
		p += w;
		left -= (size_t)w;
	}
	/* The server's umask shaped the mode at creation; say it exactly. */
	memset(&attrs, 0, sizeof(attrs));
	attrs.flags = LIBSSH2_SFTP_ATTR_PERMISSIONS;
	attrs.permissions = (unsigned long)mode;
	if (libssh2_sftp_fsetstat(h, &attrs) != 0) {
		sftp_fail(s, err, _("set the mode of"), path);
		goto out;
	}
	/* fsync@openssh.com: on EFS the rename must not outrun the data.
	 * A server without the extension still gets close()'s flush. */
	if (libssh2_sftp_fsync(h) != 0 &&
	    libssh2_sftp_last_error(s->sftp) != LIBSSH2_FX_OP_UNSUPPORTED) {
		sftp_fail(s, err, _("fsync"), path);
		goto out;
	}
	rc = 0;
out:
	if (libssh2_sftp_close(h) != 0 && rc == 0) {
		sftp_fail(s, err, _("close"), path);
		rc = -1;
	}
	return rc;
}

/* Read path back (at most want + 1 bytes) and compare with data's hash. */
static int sftp_verify(struct ssh_session *s, const char *path,
		       const void *data, size_t want, struct aws_error *err)
{
	LIBSSH2_SFTP_HANDLE *h;
	unsigned char a[EVP_MAX_MD_SIZE], b[EVP_MAX_MD_SIZE];
	unsigned int alen = 0, blen = 0;
	EVP_MD_CTX *ctx = NULL;
	char chunk[SFTP_CHUNK];
	size_t got = 0;
	int rc = -1;

	h = libssh2_sftp_open(s->sftp, path, LIBSSH2_FXF_READ, 0);
	if (!h) {
		sftp_fail(s, err, _("read back"), path);
		return -1;
	}
	ctx = EVP_MD_CTX_new();
	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL))
		goto crypto;
	for (;;) {
		ssize_t n = libssh2_sftp_read(h, chunk, sizeof(chunk));

		if (n < 0) {
			sftp_fail(s, err, _("read back"), path);
			goto out;
		}
		if (n == 0)
			break;
		got += (size_t)n;
		if (got > want) /* longer than what we wrote: differs */
			break;
		if (!EVP_DigestUpdate(ctx, chunk, (size_t)n))
			goto crypto;
	}
	if (!EVP_DigestFinal_ex(ctx, a, &alen) ||
	    !EVP_Digest(data, want, b, &blen, EVP_sha256(), NULL))
		goto crypto;
	if (got != want || alen != blen || CRYPTO_memcmp(a, b, alen) != 0) {
		aws_error_set(err, AWS_ERR_NETWORK, "LicenseMismatch",
			      _("%s on the bastion differs from what was sent (%zu bytes read, %zu sent)"),
			      path, got, want);
		goto out;
	}
	rc = 0;
	goto out;
crypto:
	aws_error_set(err, AWS_ERR_INTERNAL, "CryptoFailed", "%s",
		      _("cannot compute SHA-256"));
out:
	OPENSSL_cleanse(chunk, sizeof(chunk));
	EVP_MD_CTX_free(ctx);
	libssh2_sftp_close(h);
	return rc;
}

/* The fixed command `mv -f -- TMP DEST`: SFTP's rename (protocol v3, which
 * OpenSSH speaks) will not replace an existing file, and libssh2 1.10 does
 * not offer posix-rename@openssh.com. rename(2) in one directory is
 * atomic. */
static int replace_with_mv(struct ssh_session *s, const char *tmp,
			   const char *dest, struct aws_error *err)
{
	struct buf b;
	int status = -1, rc = -1;

	buf_init(&b, 1024);
	if (!ssh_path_valid(tmp) || !ssh_path_valid(dest) ||
	    buf_printf(&b, "mv -f -- '%s' '%s'", tmp, dest) < 0) {
		aws_error_set(err, AWS_ERR_INPUT, "InvalidPath", "%s",
			      _("refusing a path outside [A-Za-z0-9._/-] on a remote command line"));
		goto out;
	}
	if (ssh_exec(s, buf_str(&b), &status, err) < 0)
		goto out;
	if (status != 0) {
		aws_error_set(err, AWS_ERR_NETWORK, "SftpFailed",
			      _("cannot rename %s over %s (mv exited %d)"), tmp,
			      dest, status);
		goto out;
	}
	rc = 0;
out:
	buf_free(&b);
	return rc;
}

/* The login user may not write dir: put the data in a 0600 file in the
 * user's home and let `sudo -n install` place it. */
static int write_escalated(struct ssh_session *s, const char *dest,
			   const char *name, const void *data, size_t len,
			   int mode, struct aws_error *err)
{
	char home[1024], suffix[17];
	struct buf tmp;
	char *cmd = NULL;
	int status = -1, rc = -1, made = 0, n;

	buf_init(&tmp, 1024);
	n = libssh2_sftp_realpath(s->sftp, ".", home, sizeof(home) - 1);
	if (n <= 0) {
		sftp_fail(s, err, _("find the home directory of"), s->user);
		goto out;
	}
	home[n] = '\0';
	random_suffix(suffix);
	if (buf_printf(&tmp, "%s/.ecsw-%s.%s", strcmp(home, "/") ? home : "",
		       name, suffix) < 0)
		goto nomem;
	cmd = ssh_install_command(buf_str(&tmp), dest, mode, err);
	if (!cmd)
		goto out;
	n = sftp_put(s, buf_str(&tmp), data, len, 0600, err);
	if (n == -2) {
		sftp_fail(s, err, _("create"), buf_str(&tmp));
		goto out;
	}
	made = 1;
	if (n < 0)
		goto out;
	if (ssh_exec(s, cmd, &status, err) < 0)
		goto out;
	if (status != 0) {
		aws_error_set(err, AWS_ERR_NETWORK, "PermissionDenied",
			      _("%s may not write %s and `sudo -n install` failed (exit %d)"),
			      s->user, dest, status);
		goto out;
	}
	rc = 0;
	goto out;
nomem:
	aws_error_set(err, AWS_ERR_NOMEM, "OutOfMemory", "%s",
		      _("out of memory"));
out:
	if (made)
		libssh2_sftp_unlink(s->sftp, buf_str(&tmp));
	free(cmd);
	buf_free(&tmp);
	return rc;
}

int ssh_write_file_atomic(struct ssh_session *s, const char *dir,
			  const char *name, const void *data, size_t len,
			  int mode, struct aws_error *err)
{
	struct buf dest, tmp;
	char suffix[17];
	int rc = -1, n, made = 0;

	buf_init(&dest, 1024);
	buf_init(&tmp, 1024);
	if (!ssh_path_valid(dir) || !name_valid(name)) {
		aws_error_set(err, AWS_ERR_INPUT, "InvalidPath", "%s",
			      _("refusing a path outside [A-Za-z0-9._/-]"));
		goto out;
	}
	if (mode < 0 || mode > 0777) {
		aws_error_set(err, AWS_ERR_INPUT, "InvalidMode",
			      _("file mode %o is not a permission mode"),
			      (unsigned)mode);
		goto out;
	}
	random_suffix(suffix);
	if (buf_printf(&dest, "%s/%s", strcmp(dir, "/") ? dir : "", name) < 0 ||
	    buf_printf(&tmp, "%s/.%s.ecsw-%s", strcmp(dir, "/") ? dir : "",
		       name, suffix) < 0) {
		aws_error_set(err, AWS_ERR_NOMEM, "OutOfMemory", "%s",
			      _("out of memory"));
		goto out;
	}
	if (!ssh_path_valid(buf_str(&dest)) || !ssh_path_valid(buf_str(&tmp))) {
		aws_error_set(err, AWS_ERR_INPUT, "InvalidPath", "%s",
			      _("the path is too long"));
		goto out;
	}
	if (sftp_ready(s, err) < 0)
		goto out;
	n = sftp_put(s, buf_str(&tmp), data, len, mode, err);
	if (n == -2) {
		if (strcmp(s->user, "root") == 0) {
			sftp_fail(s, err, _("create"), buf_str(&tmp));
			goto out;
		}
		if (write_escalated(s, buf_str(&dest), name, data, len, mode,
				    err) < 0)
			goto out;
	} else {
		made = 1;
		if (n < 0)
			goto out;
		if (libssh2_sftp_rename_ex(
			    s->sftp, buf_str(&tmp), (unsigned int)tmp.len,
			    buf_str(&dest), (unsigned int)dest.len,
			    LIBSSH2_SFTP_RENAME_OVERWRITE |
				    LIBSSH2_SFTP_RENAME_ATOMIC |
				    LIBSSH2_SFTP_RENAME_NATIVE) != 0 &&
		    replace_with_mv(s, buf_str(&tmp), buf_str(&dest), err) < 0)
			goto out;
		made = 0; /* renamed: nothing left to clean */
	}
	if (sftp_verify(s, buf_str(&dest), data, len, err) < 0)
		goto out;
	rc = 0;
out:
	if (made && s->sftp)
		libssh2_sftp_unlink(s->sftp, buf_str(&tmp));
	if (rc < 0)
		aws_error_where(err, "%s", s->where);
	buf_free(&dest);
	buf_free(&tmp);
	return rc;
}

/* ---- HTTP through a direct-tcpip channel ----------------------------- */

/* libcurl connects to a Unix socket of ours (CURLOPT_UNIX_SOCKET_PATH, in
 * a fresh 0700 directory) and pump() copies between the accepted end and
 * the SSH channel, all in this thread: curl's multi interface waits on our
 * sockets too. The URL keeps the real host, so Host: is right.
 * Why not a socketpair handed over with CURLOPT_OPENSOCKETFUNCTION and
 * CURL_SOCKOPT_ALREADY_CONNECTED: libcurl 7.88 (Debian 12) calls connect()
 * on such a socket anyway and fails (curl issue #10626, fixed in 8.0). */
struct tunnel {
	char dir[64];     /* mkdtemp'd, holds the socket "s" */
	char path[80];
	int listen_fd;
	int our_fd;       /* accepted: curl's connection */
	LIBSSH2_CHANNEL *ch;
	char up[16384];   /* curl -> channel */
	size_t up_len, up_off;
	char down[16384]; /* channel -> curl */
	size_t down_len, down_off;
	int up_eof_sent, down_eof;
	int failed;
};

static int tunnel_listen(struct tunnel *t, struct aws_error *err)
{
	struct sockaddr_un sa;
	const char *tmp = getenv("TMPDIR");

	if (!tmp || !tmp[0] || strlen(tmp) > 40 || tmp[0] != '/')
		tmp = "/tmp";
	snprintf(t->dir, sizeof(t->dir), "%s/ecsw-probe.XXXXXX", tmp);
	if (!mkdtemp(t->dir)) {
		t->dir[0] = '\0';
		goto fail;
	}
	snprintf(t->path, sizeof(t->path), "%s/s", t->dir);
	t->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			      0);
	if (t->listen_fd < 0)
		goto fail;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", t->path);
	if (bind(t->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(t->listen_fd, 1) < 0)
		goto fail;
	return 0;
fail:
	aws_error_set(err, AWS_ERR_INTERNAL, "ProbeSetup",
		      _("cannot make a local socket for the probe: %s"),
		      strerror(errno));
	return -1;
}

static void tunnel_close(struct tunnel *t)
{
	if (t->our_fd >= 0)
		close(t->our_fd);
	if (t->listen_fd >= 0)
		close(t->listen_fd);
	if (t->path[0])
		unlink(t->path);
	if (t->dir[0])
		rmdir(t->dir);
	t->our_fd = t->listen_fd = -1;
	t->path[0] = t->dir[0] = '\0';
}

/* Take curl's connection; only our own process may be the peer. */
static void tunnel_accept(struct tunnel *t)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	int fd = accept4(t->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd < 0)
		return;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 ||
	    cred.pid != getpid()) {
		close(fd);
		return;
	}
	t->our_fd = fd;
}

/* Move what is ready in both directions without blocking. */
static void pump(struct tunnel *t)
{
	ssize_t n;

	if (t->our_fd < 0) {
		tunnel_accept(t);
		if (t->our_fd < 0)
			return;
	}
	/* curl -> channel */
	if (t->up_off == t->up_len && !t->up_eof_sent) {
		t->up_off = t->up_len = 0;
		n = read(t->our_fd, t->up, sizeof(t->up));
		if (n > 0) {
			t->up_len = (size_t)n;
		} else if (n == 0) {
			if (libssh2_channel_send_eof(t->ch) != LIBSSH2_ERROR_EAGAIN)
				t->up_eof_sent = 1;
		}
	}
	while (t->up_off < t->up_len) {
		n = libssh2_channel_write(t->ch, t->up + t->up_off,
					  t->up_len - t->up_off);
		if (n == LIBSSH2_ERROR_EAGAIN)
			break;
		if (n < 0) {
			t->failed = 1;
			return;
		}
		t->up_off += (size_t)n;
	}
	/* channel -> curl */
	for (;;) {
		if (t->down_off == t->down_len && !t->down_eof) {
			t->down_off = t->down_len = 0;
			n = libssh2_channel_read(t->ch, t->down, sizeof(t->down));
			if (n == LIBSSH2_ERROR_EAGAIN)
				break;
			if (n < 0) {
				t->failed = 1;
				return;
			}
			if (n == 0) {
				if (libssh2_channel_eof(t->ch)) {
					t->down_eof = 1;
					shutdown(t->our_fd, SHUT_WR);
				}
				break;
			}
			t->down_len = (size_t)n;
		}
		if (t->down_off == t->down_len)
			break;
		n = write(t->our_fd, t->down + t->down_off,
			  t->down_len - t->down_off);
		if (n < 0)
			break; /* EAGAIN, or curl went away: its error */
		t->down_off += (size_t)n;
	}
}

static int host_valid(const char *host)
{
	size_t i;

	if (!host || !host[0] || strlen(host) > 253)
		return 0;
	for (i = 0; host[i]; i++) {
		char c = host[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '-'))
			return 0;
	}
	return 1;
}

static int url_path_valid(const char *path)
{
	size_t i;

	if (!path || path[0] != '/' || strlen(path) > 2048)
		return 0;
	for (i = 0; path[i]; i++)
		if ((unsigned char)path[i] <= ' ' || path[i] == 0x7f ||
		    path[i] == '#')
			return 0;
	return 1;
}

static LIBSSH2_CHANNEL *open_direct(struct ssh_session *s, const char *host,
				    int port, long deadline,
				    struct aws_error *err)
{
	LIBSSH2_CHANNEL *ch;

	for (;;) {
		struct pollfd pfd;
		int dir;

		ch = libssh2_channel_direct_tcpip_ex(s->session, host, port,
						     "127.0.0.1", 0);
		if (ch)
			return ch;
		if (libssh2_session_last_errno(s->session) !=
		    LIBSSH2_ERROR_EAGAIN)
			break;
		if (now_ms() >= deadline) {
			aws_error_set(err, AWS_ERR_TIMEOUT, "ProbeTimeout",
				      _("the bastion did not open a channel to %s:%d in time"),
				      host, port);
			return NULL;
		}
		dir = libssh2_session_block_directions(s->session);
		pfd.fd = s->sock;
		pfd.events = 0;
		if (dir & LIBSSH2_SESSION_BLOCK_INBOUND)
			pfd.events |= POLLIN;
		if (dir & LIBSSH2_SESSION_BLOCK_OUTBOUND)
			pfd.events |= POLLOUT;
		poll(&pfd, 1, 100);
	}
	aws_error_set(err, AWS_ERR_NETWORK, "ProbeFailed",
		      _("the bastion could not connect to %s:%d: %s"), host,
		      port, ssh_reason(s->session));
	return NULL;
}

/* Run the transfer: curl's multi loop with the pump between turns. */
static CURLcode run_tunnel(struct ssh_session *s, CURL *easy,
			   struct tunnel *t, long deadline)
{
	CURLM *multi = curl_multi_init();
	CURLcode result = CURLE_OPERATION_TIMEDOUT;
	int running = 1;

	if (!multi)
		return CURLE_OUT_OF_MEMORY;
	if (curl_multi_add_handle(multi, easy) != CURLM_OK) {
		curl_multi_cleanup(multi);
		return CURLE_OUT_OF_MEMORY;
	}
	while (now_ms() < deadline + 1000) {
		struct curl_waitfd wfd[2];
		CURLMsg *msg;
		int left, dir;

		if (curl_multi_perform(multi, &running) != CURLM_OK)
			break;
		msg = curl_multi_info_read(multi, &left);
		if (msg && msg->msg == CURLMSG_DONE) {
			result = msg->data.result;
			break;
		}
		pump(t);
		if (t->failed) {
			result = CURLE_RECV_ERROR;
			break;
		}
		dir = libssh2_session_block_directions(s->session);
		wfd[0].fd = s->sock;
		wfd[0].events = CURL_WAIT_POLLIN;
		if (dir & LIBSSH2_SESSION_BLOCK_OUTBOUND)
			wfd[0].events |= CURL_WAIT_POLLOUT;
		wfd[0].revents = 0;
		wfd[1].fd = t->our_fd >= 0 ? t->our_fd : t->listen_fd;
		wfd[1].events = CURL_WAIT_POLLIN;
		if (t->down_off < t->down_len)
			wfd[1].events |= CURL_WAIT_POLLOUT;
		wfd[1].revents = 0;
		/* Short waits: libssh2 may hold decrypted data the socket no
		 * longer signals. */
		curl_multi_poll(multi, wfd, 2, 20, NULL);
	}
	curl_multi_remove_handle(multi, easy);
	curl_multi_cleanup(multi);
	return result;
}

int ssh_http_get(struct ssh_session *s, const char *host, int port,
		 const char *path, long timeout_ms, struct probe_result *out,
		 struct aws_error *err)
{
	struct tunnel *t = NULL;
	struct buf url, where;
	CURL *easy = NULL;
	CURLcode cc;
	const char *dest = host;
	int dport = port, rc = -1;
	long deadline;

	memset(out, 0, sizeof(*out));
	buf_init(&url, 4096);
	buf_init(&where, 1024);
	if (timeout_ms <= 0)
		timeout_ms = DEFAULT_TIMEOUT_MS;
	deadline = now_ms() + timeout_ms;
	buf_printf(&where, "%s -> %s:%d %s", s->where, host ? host : "", port,
		   path ? path : "");
	if (!host_valid(host) || port <= 0 || port > 65535 ||
	    !url_path_valid(path)) {
		aws_error_set(err, AWS_ERR_INPUT, "InvalidUrl", "%s",
			      _("a probe needs a host name or IPv4 address, a port and a path"));
		goto fail;
	}
	aws_connect_to_apply(s->rules, s->nrules, &dest, &dport);
	t = calloc(1, sizeof(*t));
	if (!t)
		goto nomem;
	t->our_fd = t->listen_fd = -1;
	if (tunnel_listen(t, err) < 0)
		goto fail;

	libssh2_session_set_blocking(s->session, 0);
	t->ch = open_direct(s, dest, dport, deadline, err);
	if (!t->ch)
		goto fail;

	/* The URL keeps the name the caller gave (the Host header); with a
	 * Unix socket path curl resolves nothing. */
	if (buf_printf(&url, "http://%s:%d%s", host, port, path) < 0)
		goto nomem;
	easy = curl_easy_init();
	if (!easy || probe_easy_setup(easy, buf_str(&url), timeout_ms, out) < 0)
		goto nomem;
	if (curl_easy_setopt(easy, CURLOPT_PROXY, "") != CURLE_OK ||
	    curl_easy_setopt(easy, CURLOPT_FORBID_REUSE, 1L) != CURLE_OK ||
	    curl_easy_setopt(easy, CURLOPT_UNIX_SOCKET_PATH, t->path) !=
		    CURLE_OK)
		goto nomem;
	cc = run_tunnel(s, easy, t, deadline);
	rc = probe_finish(easy, cc, buf_str(&where), out, err);
	goto out;
nomem:
	aws_error_set(err, AWS_ERR_NOMEM, "OutOfMemory", "%s",
		      _("out of memory"));
fail:
	aws_error_where(err, "%s", buf_str(&where));
out:
	if (easy)
		curl_easy_cleanup(easy);
	if (t) {
		tunnel_close(t);
		if (t->ch) {
			long until = now_ms() + 2000;

			while (libssh2_channel_close(t->ch) ==
				       LIBSSH2_ERROR_EAGAIN &&
			       now_ms() < until)
				usleep(1000);
			while (libssh2_channel_free(t->ch) ==
				       LIBSSH2_ERROR_EAGAIN &&
			       now_ms() < until)
				usleep(1000);
		}
		free(t);
	}
	libssh2_session_set_blocking(s->session, 1);
	buf_free(&url);
	buf_free(&where);
	return rc;
}
