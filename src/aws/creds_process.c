/* creds_process.c - credential_process: run a command, read its JSON.
 *
 * Contract: the command is split like botocore splits it (shlex, POSIX) and
 * run directly with posix_spawnp - never through a shell. The child gets our
 * environment and stdin unchanged (nothing secret is added to either) and
 * its stdout is read whole (at most 64 KiB) and parsed as the Version 1
 * document: {"Version": 1, "AccessKeyId", "SecretAccessKey",
 * "SessionToken"?, "Expiration"?}. Its stderr is kept for the error
 * message. A non-zero exit, a signal, or a document that is not that shape
 * is an AWS_ERR_CREDENTIALS error naming the profile and the command's
 * first word; the secret bytes read are wiped. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <openssl/crypto.h>

#include "aws/creds_internal.h"
#include "util/spawn.h"
#include "i18n.h"
#include "util/buf.h"

extern char **environ;

#define PROCESS_STDOUT_MAX (64u * 1024u)
#define PROCESS_STDERR_KEEP 400u

void creds_argv_free(char **argv)
{
	if (!argv)
		return;
	for (char **a = argv; *a; a++)
		free(*a);
	free(argv);
}

static int argv_push(char ***argv, size_t *n, struct buf *word)
{
	char **na = realloc(*argv, (*n + 2) * sizeof(**argv));
	char *w;

	if (!na)
		return -1;
	*argv = na;
	w = buf_take(word);
	if (!w)
		return -1;
	na[(*n)++] = w;
	na[*n] = NULL;
	return 0;
}

int creds_shell_split(const char *cmd, char ***argv_out, struct aws_error *err)
{
	enum { WS, WORD, SQ, DQ } state = WS;
	char **argv = NULL;
	size_t n = 0;
	struct buf word;
	int in_word = 0, rc = -1;

	*argv_out = NULL;
	buf_init(&word, 0);
	for (const char *p = cmd;; p++) {
		char c = *p;

		if (state == SQ) {
			if (!c)
				goto unclosed;
			if (c == '\'')
				state = WORD;
			else if (buf_append_char(&word, c) < 0)
				goto nomem;
			continue;
		}
		if (state == DQ) {
			if (!c)
				goto unclosed;
			if (c == '"') {
				state = WORD;
			} else if (c == '\\' && (p[1] == '"' || p[1] == '\\')) {
				if (buf_append_char(&word, *++p) < 0)
					goto nomem;
			} else if (buf_append_char(&word, c) < 0) {
				goto nomem;
			}
			continue;
		}
		if (!c || c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			if (in_word && argv_push(&argv, &n, &word) < 0)
				goto nomem;
			in_word = 0;
			state = WS;
			if (!c)
				break;
			continue;
		}
		in_word = 1;
		state = WORD;
		if (c == '\'') {
			state = SQ;
		} else if (c == '"') {
			state = DQ;
		} else if (c == '\\') {
			if (!p[1]) {
				aws_error_set(err, AWS_ERR_CONFIG, "CredentialProcessSyntax",
					      "%s", _("credential_process ends with a lone backslash"));
				goto out;
			}
			if (buf_append_char(&word, *++p) < 0)
				goto nomem;
		} else if (buf_append_char(&word, c) < 0) {
			goto nomem;
		}
	}
	if (!n) {
		aws_error_set(err, AWS_ERR_CONFIG, "CredentialProcessSyntax", "%s",
			      _("credential_process is empty"));
		goto out;
	}
	*argv_out = argv;
	argv = NULL;
	rc = 0;
	goto out;
unclosed:
	aws_error_set(err, AWS_ERR_CONFIG, "CredentialProcessSyntax", "%s",
		      _("credential_process has an unclosed quotation mark"));
	goto out;
nomem:
	aws_error_set(err, AWS_ERR_NOMEM, "OutOfMemory", "%s",
		      _("out of memory"));
out:
	buf_free(&word);
	creds_argv_free(argv);
	return rc;
}

time_t creds_parse_time(const char *iso)
{
	struct tm tm;
	int y, mo, d, h, mi, s, consumed = 0;
	const char *p;
	long off = 0;
	time_t t;

	if (!iso || sscanf(iso, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h,
			   &mi, &s, &consumed) != 6 || !consumed)
		return -1;
	p = iso + consumed;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int oh = 0, om = 0, sign = *p == '-' ? -1 : 1;

		if (sscanf(p + 1, "%2d:%2d", &oh, &om) != 2 &&
		    sscanf(p + 1, "%2d%2d", &oh, &om) != 2)
			return -1;
		off = sign * (oh * 3600L + om * 60L);
		p += strlen(p);
	} else if (*p) {
		return -1;
	}
	if (*p || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    s > 60)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	t = timegm(&tm);
	return t == (time_t)-1 ? -1 : t - off;
}

/* Read the child's stdout and stderr to EOF without letting either pipe
 * fill up and stall it. 0, or -1 when stdout passed its cap. */
static int drain(int out_fd, int err_fd, struct buf *out, struct buf *errb)
{
	struct pollfd pf[2] = { { out_fd, POLLIN, 0 }, { err_fd, POLLIN, 0 } };
	char chunk[4096];
	int open_fds = 2, rc = 0;

	while (open_fds) {
		if (poll(pf, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		for (int i = 0; i < 2; i++) {
			ssize_t n;

			if (pf[i].fd < 0 || !pf[i].revents)
				continue;
			n = read(pf[i].fd, chunk, sizeof(chunk));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				pf[i].fd = -1;
				open_fds--;
				continue;
			}
			if (i == 0 && buf_append(out, chunk, (size_t)n) < 0)
				rc = -1; /* keep draining so the child can exit */
			if (i == 1 && errb->len < PROCESS_STDERR_KEEP)
				buf_append(errb, chunk, (size_t)n < PROCESS_STDERR_KEEP - errb->len ?
					   (size_t)n : PROCESS_STDERR_KEEP - errb->len);
		}
	}
	OPENSSL_cleanse(chunk, sizeof(chunk));
	return rc;
}

/* The first line of what the command said on stderr, for the message. */
static const char *first_line(struct buf *b)
{
	char *nl;

	if (!b->data)
		return "";
	nl = strchr(b->data, '\n');
	if (nl)
		*nl = '\0';
	return b->data;
}

static void cleanse_json(cJSON *j)
{
	cJSON *c;

	if (cJSON_IsString(j) && j->valuestring)
		OPENSSL_cleanse(j->valuestring, strlen(j->valuestring));
	cJSON_ArrayForEach(c, j)
		cleanse_json(c);
}

static int parse_document(const char *json, const char *profile,
			  struct aws_creds **out, struct aws_error *err)
{
	cJSON *doc = cJSON_Parse(json);
	const cJSON *ver, *ak, *sk, *tok, *exp;
	char source[256];
	int rc = -1;

	if (!cJSON_IsObject(doc)) {
		aws_error_set(err, AWS_ERR_CREDENTIALS, "CredentialProcessOutput",
			      _("credential_process of profile %s did not print a JSON object"),
			      profile);
		goto out;
	}
	ver = cJSON_GetObjectItemCaseSensitive(doc, "Version");
	ak = cJSON_GetObjectItemCaseSensitive(doc, "AccessKeyId");
	sk = cJSON_GetObjectItemCaseSensitive(doc, "SecretAccessKey");
	tok = cJSON_GetObjectItemCaseSensitive(doc, "SessionToken");
	exp = cJSON_GetObjectItemCaseSensitive(doc, "Expiration");
	if (!cJSON_IsNumber(ver) || ver->valuedouble != 1) {
		aws_error_set(err, AWS_ERR_CREDENTIALS, "CredentialProcessOutput",
			      _("credential_process of profile %s: \"Version\" must be 1"),
			      profile);
		goto out;
	}
	if (!cJSON_IsString(ak) || !*ak->valuestring || !cJSON_IsString(sk) ||
	    !*sk->valuestring || (tok && !cJSON_IsNull(tok) && !cJSON_IsString(tok))) {
		aws_error_set(err, AWS_ERR_CREDENTIALS, "CredentialProcessOutput",
			      _("credential_process of profile %s: AccessKeyId and SecretAccessKey must be non-empty strings"),
			      profile);
		goto out;
	}
	snprintf(source, sizeof(source), "credential_process (profile %s)", profile);
	*out = aws_creds_new(ak->valuestring, sk->valuestring,
			     cJSON_IsString(tok) && *tok->valuestring ?
				     tok->valuestring : NULL,
			     source);
	if (!*out) {
		aws_error_set(err, AWS_ERR_NOMEM, "OutOfMemory", "%s", _("out of memory"));
		goto out;
	}
	if (cJSON_IsString(exp)) {
		time_t t = creds_parse_time(exp->valuestring);

		if (t < 0) {
			aws_error_set(err, AWS_ERR_CREDENTIALS, "CredentialProcessOutput",
				      _("credential_process of profile %s: cannot read Expiration \"%s\""),
				      profile, exp->valuestring);
			aws_creds_free(*out);
			*out = NULL;
			goto out;
		}
		(*out)->expiration = t;
	}
	rc = 0;
out:
	if (doc) {
		cleanse_json(doc);
		cJSON_Delete(doc);
	}
	return rc;
}

int creds_from_process(const char *command, const char *profile,
		       struct aws_creds **out, struct aws_error *err)
{
	char **argv = NULL;
	int outp[2] = { -1, -1 }, errp[2] = { -1, -1 };
	posix_spawn_file_actions_t fa;
	int fa_ready = 0, status = 0, rc = -1, e;
	pid_t pid = -1;
	struct buf sout, serr;
	char **env = NULL;

	*out = NULL;
	buf_init(&sout, PROCESS_STDOUT_MAX);
	buf_init(&serr, PROCESS_STDERR_KEEP + 1);
	if (creds_shell_split(command, &argv, err) < 0) {
		aws_error_where(err, "profile %s: credential_process", profile);
		goto out;
	}
	if (pipe2(outp, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0 ||
	    posix_spawn_file_actions_init(&fa) != 0) {
		aws_error_set(err, AWS_ERR_INTERNAL, "CredentialProcessFailed",
			      _("cannot start credential_process: %s"), strerror(errno));
		goto out;
	}
	fa_ready = 1;
	if (posix_spawn_file_actions_adddup2(&fa, outp[1], 1) != 0 ||
	    posix_spawn_file_actions_adddup2(&fa, errp[1], 2) != 0) {
		aws_error_set(err, AWS_ERR_NOMEM, "OutOfMemory", "%s", _("out of memory"));
		goto out;
	}
	/* Credentials of the environment stay out of the child's. */
	env = spawn_env(NULL);
	if (!env) {
		aws_error_set(err, AWS_ERR_NOMEM, "OutOfMemory", "%s", _("out of memory"));
		goto out;
	}
	e = posix_spawnp(&pid, argv[0], &fa, NULL, argv, env);
	if (e != 0) {
		pid = -1;
		aws_error_set(err, AWS_ERR_CREDENTIALS, "CredentialProcessFailed",
			      _("credential_process of profile %s: cannot run %s: %s"),
			      profile, argv[0], strerror(e));
		goto out;
	}
	close(outp[1]);
	close(errp[1]);
	outp[1] = errp[1] = -1;
	if (drain(outp[0], errp[0], &sout, &serr) < 0) {
		aws_error_set(err, AWS_ERR_CREDENTIALS, "CredentialProcessOutput",
			      _("credential_process of profile %s printed more than %u bytes"),
			      profile, PROCESS_STDOUT_MAX);
		goto out;
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			status = -1;
			break;
		}
	}
	pid = -1;
	if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		const char *said = first_line(&serr);

		if (WIFSIGNALED(status))
			aws_error_set(err, AWS_ERR_CREDENTIALS, "CredentialProcessFailed",
				      _("credential_process of profile %s (%s) was killed by signal %d%s%s"),
				      profile, argv[0], WTERMSIG(status),
				      *said ? ": " : "", said);
		else
			aws_error_set(err, AWS_ERR_CREDENTIALS, "CredentialProcessFailed",
				      _("credential_process of profile %s (%s) exited with status %d%s%s"),
				      profile, argv[0],
				      WIFEXITED(status) ? WEXITSTATUS(status) : -1,
				      *said ? ": " : "", said);
		goto out;
	}
	rc = parse_document(buf_str(&sout), profile, out, err);
out:
	if (pid > 0)
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	if (fa_ready)
		posix_spawn_file_actions_destroy(&fa);
	for (int i = 0; i < 2; i++) {
		if (outp[i] >= 0)
			close(outp[i]);
		if (errp[i] >= 0)
			close(errp[i]);
	}
	buf_free_secret(&sout);
	buf_free_secret(&serr);
	creds_argv_free(argv);
	free(env);
	return rc;
}
