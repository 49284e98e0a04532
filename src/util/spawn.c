/* spawn.c - fork/exec with pipes and poll(). See spawn.h. */
#include "config.h"

#include "util/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "i18n.h"

int spawn_have(const char *name)
{
	const char *path = getenv("PATH");
	char full[4096];

	if (strchr(name, '/'))
		return access(name, X_OK) == 0;
	if (!path)
		path = "/usr/bin:/bin";
	while (*path) {
		const char *colon = strchr(path, ':');
		size_t n = colon ? (size_t)(colon - path) : strlen(path);
		struct stat st;

		if (n && n + strlen(name) + 2 < sizeof(full)) {
			memcpy(full, path, n);
			full[n] = '/';
			strcpy(full + n + 1, name);
			if (stat(full, &st) == 0 && S_ISREG(st.st_mode) &&
			    access(full, X_OK) == 0)
				return 1;
		}
		if (!colon)
			break;
		path = colon + 1;
	}
	return 0;
}

extern char **environ;

static const char *const secret_vars[] = {
	"AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", NULL,
};

/* Does "NAME=value" entry name one of list's names (or "NAME=...")? */
static int names_one_of(const char *entry, const char *const *list, int with_value)
{
	size_t n = strcspn(entry, "=");

	for (; list && *list; list++) {
		size_t m = with_value ? strcspn(*list, "=") : strlen(*list);
		if (m == n && strncmp(entry, *list, n) == 0)
			return 1;
	}
	return 0;
}

char **spawn_env(const char *const *extra)
{
	size_t n = 0, k = 0;
	char **env;

	for (char **e = environ; e && *e; e++)
		n++;
	for (const char *const *e = extra; e && *e; e++)
		n++;
	env = calloc(n + 1, sizeof *env);
	if (!env)
		return NULL;
	for (char **e = environ; e && *e; e++)
		if (!names_one_of(*e, secret_vars, 0) && !names_one_of(*e, extra, 1))
			env[k++] = *e;
	for (const char *const *e = extra; e && *e; e++)
		env[k++] = (char *)*e;
	return env;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Hand complete lines of pending to the callback; keep the partial tail. */
static void emit_lines(struct buf *pending, const struct spawn_opts *o)
{
	char *start = pending->data, *nl;
	size_t rest;

	if (!start)
		return;
	while ((nl = memchr(start, '\n', pending->len - (size_t)(start - pending->data)))) {
		*nl = '\0';
		if (nl > start && nl[-1] == '\r')
			nl[-1] = '\0';
		if (o->on_line)
			o->on_line(start, o->ctx);
		start = nl + 1;
	}
	rest = pending->len - (size_t)(start - pending->data);
	memmove(pending->data, start, rest);
	pending->len = rest;
	pending->data[rest] = '\0';
}

/* The environment handed to the child, also kept here while a child may
 * run: a child whose exec fails leaves with _exit(127) and cannot free it,
 * and a pointer only on its stack would be reported as a leak by valgrind
 * (which then changes the child's exit status). */
static char **child_env;

/* In the child: only async-signal-safe calls (we may have threads), so
 * the environment was built before the fork. */
static void child_exec(const struct spawn_opts *o, char **env, int in_fd, int out_fd,
		       int err_fd)
{
	if (dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(err_fd, 2) < 0)
		_exit(127);
	for (int fd = 3; fd < 1024; fd++)
		close(fd);
	execvpe(o->argv[0], (char *const *)o->argv, env);
	_exit(127);
}

int spawn_run(const struct spawn_opts *o, int *status, struct aws_error *err)
{
	int in[2] = {-1, -1}, out[2] = {-1, -1}, errp[2] = {-1, -1};
	struct buf pending;
	size_t written = 0;
	double deadline = o->timeout_s > 0 ? now_s() + o->timeout_s : 0;
	int rc = -1, wst = 0, killed = 0;
	pid_t pid;
	char **env = spawn_env(o->env_set);

	buf_init(&pending, 1024 * 1024);
	if (!env) {
		aws_error_set(err, AWS_ERR_NOMEM, "NoMemory", "%s", _("out of memory"));
		goto out;
	}
	if (pipe(in) < 0 || pipe(out) < 0 || pipe(errp) < 0) {
		aws_error_set(err, AWS_ERR_INTERNAL, "SpawnFailed", _("pipe: %s"),
			      strerror(errno));
		goto out;
	}
	child_env = env;
	pid = fork();
	if (pid < 0) {
		aws_error_set(err, AWS_ERR_INTERNAL, "SpawnFailed", _("fork: %s"),
			      strerror(errno));
		goto out;
	}
	if (pid == 0) {
		if (!o->stdin_data) {
			int devnull = open("/dev/null", O_RDONLY);
			if (devnull >= 0)
				in[0] = devnull;
		}
		child_exec(o, env, in[0], out[1], errp[1]);
	}
	close(in[0]);
	close(out[1]);
	close(errp[1]);
	in[0] = out[1] = errp[1] = -1;
	if (!o->stdin_data || !o->stdin_len) {
		close(in[1]);
		in[1] = -1;
	} else {
		fcntl(in[1], F_SETFL, O_NONBLOCK);
	}

	while (out[0] >= 0 || errp[0] >= 0) {
		struct pollfd pf[3];
		int n = 0, io = -1, ie = -1, iw = -1;
		char chunk[4096];

		if (out[0] >= 0) {
			pf[n] = (struct pollfd){.fd = out[0], .events = POLLIN};
			io = n++;
		}
		if (errp[0] >= 0) {
			pf[n] = (struct pollfd){.fd = errp[0], .events = POLLIN};
			ie = n++;
		}
		if (in[1] >= 0) {
			pf[n] = (struct pollfd){.fd = in[1], .events = POLLOUT};
			iw = n++;
		}
		if (poll(pf, (nfds_t)n, 100) < 0 && errno != EINTR)
			break;
		if ((o->cancel && *o->cancel) || (deadline && now_s() > deadline)) {
			kill(pid, SIGKILL);
			killed = (o->cancel && *o->cancel) ? 2 : 1;
			break;
		}
		if (iw >= 0 && (pf[iw].revents & (POLLOUT | POLLERR | POLLHUP))) {
			ssize_t w = write(in[1], (const char *)o->stdin_data + written,
					  o->stdin_len - written);
			if (w > 0)
				written += (size_t)w;
			if (w < 0 && errno != EAGAIN) {
				close(in[1]);
				in[1] = -1;
			} else if (written == o->stdin_len) {
				close(in[1]);
				in[1] = -1;
			}
		}
		if (io >= 0 && (pf[io].revents & (POLLIN | POLLHUP | POLLERR))) {
			ssize_t r = read(out[0], chunk, sizeof(chunk));
			if (r <= 0) {
				close(out[0]);
				out[0] = -1;
			} else {
				if (o->out)
					buf_append(o->out, chunk, (size_t)r);
				buf_append(&pending, chunk, (size_t)r);
				emit_lines(&pending, o);
			}
		}
		if (ie >= 0 && (pf[ie].revents & (POLLIN | POLLHUP | POLLERR))) {
			ssize_t r = read(errp[0], chunk, sizeof(chunk));
			if (r <= 0) {
				close(errp[0]);
				errp[0] = -1;
			} else if (o->err) {
				buf_append(o->err, chunk, (size_t)r);
			}
		}
	}
	if (pending.len && o->on_line && !killed)
		o->on_line(pending.data, o->ctx);
	while (waitpid(pid, &wst, 0) < 0 && errno == EINTR)
		;
	if (killed) {
		aws_error_set(err, killed == 2 ? AWS_ERR_CANCELLED : AWS_ERR_TIMEOUT,
			      killed == 2 ? "Cancelled" : "Timeout",
			      _("%s %s"), o->argv[0],
			      killed == 2 ? "was cancelled" : "took too long");
		goto out;
	}
	if (WIFEXITED(wst) && WEXITSTATUS(wst) == 127 && !spawn_have(o->argv[0])) {
		aws_error_set(err, AWS_ERR_INPUT, "ToolMissing", _("%s is not installed"),
			      o->argv[0]);
		goto out;
	}
	*status = WIFEXITED(wst) ? WEXITSTATUS(wst) : 128 + WTERMSIG(wst);
	rc = 0;
out:
	for (int i = 0; i < 2; i++) {
		if (in[i] >= 0)
			close(in[i]);
		if (out[i] >= 0)
			close(out[i]);
		if (errp[i] >= 0)
			close(errp[i]);
	}
	buf_free(&pending);
	if (child_env == env)
		child_env = NULL;
	free(env);
	return rc;
}
