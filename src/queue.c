/* queue.c - the backend queue (see queue.h).
 *
 * One worker thread takes commands from a list guarded by a mutex and a
 * condition variable and drives the engine; the engine's progress becomes
 * events on a second list, each announced by one byte on a pipe so the
 * front end can poll() it beside the keyboard. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "destroy.h"
#include "engine.h"
#include "i18n.h"
#include "queue.h"

struct qcmd {
	enum queue_command_type type;
	char *key;
	char *id;
	struct qcmd *next;
};

struct qev_node {
	struct queue_event *ev;
	struct qev_node *next;
};

struct queue {
	struct engine *eng;
	pthread_t thread;
	int started;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct qcmd *cmd_head, *cmd_tail;
	struct qev_node *ev_head, *ev_tail;
	int pipe_fd[2];
	int stopping;
};

static void push_event(void *ctx, struct queue_event *ev)
{
	struct queue *q = ctx;
	struct qev_node *n = calloc(1, sizeof *n);
	char b = 'e';

	if (!n) {
		queue_event_free(ev);
		return;
	}
	n->ev = ev;
	pthread_mutex_lock(&q->lock);
	if (q->ev_tail)
		q->ev_tail->next = n;
	else
		q->ev_head = n;
	q->ev_tail = n;
	pthread_mutex_unlock(&q->lock);
	/* Non-blocking: a full pipe already says "events are waiting". */
	while (write(q->pipe_fd[1], &b, 1) < 0 && errno == EINTR)
		;
}

static void post_simple(struct queue *q, enum queue_event_type type, const char *key,
			int ok, const struct aws_error *err)
{
	struct queue_event *ev = calloc(1, sizeof *ev);

	if (!ev)
		return;
	ev->type = type;
	ev->key = key ? strdup(key) : NULL;
	ev->ok = ok;
	if (err)
		ev->err = *err;
	push_event(q, ev);
}

static struct qcmd *take_command(struct queue *q)
{
	struct qcmd *c;

	pthread_mutex_lock(&q->lock);
	while (!q->cmd_head)
		pthread_cond_wait(&q->cond, &q->lock);
	c = q->cmd_head;
	q->cmd_head = c->next;
	if (!q->cmd_head)
		q->cmd_tail = NULL;
	pthread_mutex_unlock(&q->lock);
	return c;
}

static void free_command(struct qcmd *c)
{
	free(c->key);
	free(c->id);
	free(c);
}

static void *worker(void *arg)
{
	struct queue *q = arg;

	for (;;) {
		struct qcmd *c = take_command(q);
		struct aws_error err;
		int rc = 0;

		aws_error_clear(&err);
		switch (c->type) {
		case QCMD_STOP:
			free_command(c);
			post_simple(q, QEV_EXITED, NULL, 1, NULL);
			return NULL;
		case QCMD_RUN_ALL:
			rc = engine_run(q->eng, NULL, &err);
			break;
		case QCMD_RUN_ACTION:
			rc = engine_run(q->eng, c->key, &err);
			break;
		case QCMD_SKIP:
			rc = engine_skip(q->eng, c->key, c->id, &err);
			break;
		case QCMD_DESTROY:
			rc = destroy_run(q->eng, &err);
			break;
		case QCMD_VERIFY:
			if (q->eng->verify) {
				rc = q->eng->verify(q->eng->verify_ctx, q->eng, &err);
				break;
			}
			/* Not part of the engine yet: refuse rather than pretend. */
			aws_error_set(&err, AWS_ERR_INTERNAL, "NotImplemented",
				      _("%s is not available in this build"), "verify");
			rc = -1;
			break;
		}
		if (rc < 0 && err.kind != AWS_ERR_NONE)
			post_simple(q, QEV_FAILED, c->key, 0, &err);
		post_simple(q, QEV_IDLE, c->key, rc == 0, rc < 0 ? &err : NULL);
		free_command(c);
	}
}

int queue_start(struct engine *eng, struct queue **out, struct aws_error *err)
{
	struct queue *q = calloc(1, sizeof *q);

	*out = NULL;
	if (!q) {
		aws_error_set(err, AWS_ERR_NOMEM, "", _("out of memory"));
		return -1;
	}
	q->eng = eng;
	q->pipe_fd[0] = q->pipe_fd[1] = -1;
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->cond, NULL);
	if (pipe(q->pipe_fd) < 0 ||
	    fcntl(q->pipe_fd[0], F_SETFL, O_NONBLOCK) < 0 ||
	    fcntl(q->pipe_fd[1], F_SETFL, O_NONBLOCK) < 0 ||
	    fcntl(q->pipe_fd[0], F_SETFD, FD_CLOEXEC) < 0 ||
	    fcntl(q->pipe_fd[1], F_SETFD, FD_CLOEXEC) < 0) {
		aws_error_set(err, AWS_ERR_INTERNAL, "Pipe", _("pipe: %s"), strerror(errno));
		goto fail;
	}
	eng->on_event = push_event;
	eng->event_ctx = q;
	if (pthread_create(&q->thread, NULL, worker, q) != 0) {
		aws_error_set(err, AWS_ERR_INTERNAL, "Thread", _("cannot start the worker"));
		eng->on_event = NULL;
		goto fail;
	}
	q->started = 1;
	*out = q;
	return 0;
fail:
	if (q->pipe_fd[0] >= 0)
		close(q->pipe_fd[0]);
	if (q->pipe_fd[1] >= 0)
		close(q->pipe_fd[1]);
	pthread_mutex_destroy(&q->lock);
	pthread_cond_destroy(&q->cond);
	free(q);
	return -1;
}

int queue_post(struct queue *q, enum queue_command_type type, const char *key,
	       const char *id)
{
	struct qcmd *c = calloc(1, sizeof *c);

	if (!c)
		return -1;
	c->type = type;
	c->key = key ? strdup(key) : NULL;
	c->id = id ? strdup(id) : NULL;
	if ((key && !c->key) || (id && !c->id)) {
		free_command(c);
		return -1;
	}
	pthread_mutex_lock(&q->lock);
	/* A new command starts afresh after an earlier cancel. */
	if (type != QCMD_STOP)
		q->eng->cancel = 0;
	if (q->cmd_tail)
		q->cmd_tail->next = c;
	else
		q->cmd_head = c;
	q->cmd_tail = c;
	pthread_cond_signal(&q->cond);
	pthread_mutex_unlock(&q->lock);
	return 0;
}

int queue_event_fd(const struct queue *q)
{
	return q->pipe_fd[0];
}

struct queue_event *queue_next_event(struct queue *q)
{
	struct qev_node *n;
	struct queue_event *ev = NULL;
	char drain[64];

	pthread_mutex_lock(&q->lock);
	n = q->ev_head;
	if (n) {
		q->ev_head = n->next;
		if (!q->ev_head)
			q->ev_tail = NULL;
	}
	/* Empty the pipe only once the list is empty, so a readable fd always
	 * means an event is waiting. */
	if (!q->ev_head)
		while (read(q->pipe_fd[0], drain, sizeof drain) > 0)
			;
	pthread_mutex_unlock(&q->lock);
	if (n) {
		ev = n->ev;
		free(n);
	}
	return ev;
}

void queue_event_free(struct queue_event *ev)
{
	if (!ev)
		return;
	free(ev->key);
	free(ev->id);
	free(ev->text);
	free(ev);
}

void queue_cancel(struct queue *q)
{
	q->eng->cancel = 1;
}

void queue_free(struct queue *q)
{
	struct queue_event *ev;

	if (!q)
		return;
	if (q->started) {
		q->eng->cancel = 1;
		pthread_mutex_lock(&q->lock);
		/* Drop what has not started, then stop. */
		while (q->cmd_head) {
			struct qcmd *c = q->cmd_head;
			q->cmd_head = c->next;
			free_command(c);
		}
		q->cmd_tail = NULL;
		pthread_mutex_unlock(&q->lock);
		queue_post(q, QCMD_STOP, NULL, NULL);
		pthread_join(q->thread, NULL);
	}
	for (ev = queue_next_event(q); ev; ev = queue_next_event(q))
		queue_event_free(ev);
	q->eng->on_event = NULL;
	close(q->pipe_fd[0]);
	close(q->pipe_fd[1]);
	pthread_mutex_destroy(&q->lock);
	pthread_cond_destroy(&q->cond);
	free(q);
}
