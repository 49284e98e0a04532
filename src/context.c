/* context.c - region, credentials, log file and client for a command.
 *
 * The order matters: the region first (STS AssumeRole needs one), then
 * credentials (they may prompt for an MFA code), then the log (so a bad
 * --log is reported before anything is sent) and the client last. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "context.h"
#include "i18n.h"
#include "interrupt.h"

/* Ask for an MFA code on the terminal; the code is not echoed back by us
 * but typed in the clear (it is one-time). Returns NULL when no terminal. */
static char *prompt_mfa(const char *mfa_serial, void *ctx)
{
	FILE *tty = fopen("/dev/tty", "r+");
	char line[64];
	char *code = NULL;
	size_t n;

	(void)ctx;
	if (!tty)
		return NULL;
	fprintf(tty, _("MFA code for %s: "), mfa_serial);
	fflush(tty);
	if (fgets(line, sizeof(line), tty)) {
		n = strcspn(line, "\r\n");
		line[n] = '\0';
		if (n > 0)
			code = strdup(line);
	}
	memset(line, 0, sizeof(line));
	fclose(tty);
	return code;
}

int context_open_log(const char *path, FILE **out, struct aws_error *err)
{
	struct stat st;
	int fd;

	*out = NULL;
	/* O_NOFOLLOW: a symlink planted at the path must not redirect our
	 * log; O_APPEND: several runs share one file. */
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC,
		  0600);
	if (fd < 0) {
		aws_error_set(err, AWS_ERR_CONFIG, "LogFile", "%s",
			      strerror(errno));
		aws_error_where(err, "%s", path);
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		aws_error_set(err, AWS_ERR_CONFIG, "LogFile", "%s",
			      _("not a regular file"));
		goto fail;
	}
	if (st.st_mode & 077) {
		aws_error_set(err, AWS_ERR_CONFIG, "LogFile",
			      _("permissions %04o are too open (others may read the log); run chmod 600"),
			      (unsigned)(st.st_mode & 07777));
		goto fail;
	}
	if (st.st_uid != geteuid()) {
		aws_error_set(err, AWS_ERR_CONFIG, "LogFile", "%s",
			      _("the file belongs to another user"));
		goto fail;
	}
	*out = fdopen(fd, "a");
	if (!*out) {
		aws_error_set(err, AWS_ERR_NOMEM, "LogFile", "%s",
			      strerror(errno));
		goto fail;
	}
	setvbuf(*out, NULL, _IOLBF, 0);
	return 0;
fail:
	aws_error_where(err, "%s", path);
	close(fd);
	return -1;
}

/* A field for a space-separated line: "-" when empty, and no spaces or
 * control characters that would break one-line-per-request. */
static const char *field(const char *s, char *tmp, size_t size)
{
	size_t i;

	if (!s || !s[0])
		return "-";
	for (i = 0; s[i] && i + 1 < size; i++)
		tmp[i] = ((unsigned char)s[i] <= ' ' || s[i] == 0x7f) ? '_' : s[i];
	tmp[i] = '\0';
	return tmp;
}

void context_format_log_line(const struct aws_call_log *e, time_t when,
			     char *out, size_t size)
{
	char stamp[32] = "";
	char f1[64], f2[96], f3[160], f4[160];
	struct tm tm;

	if (gmtime_r(&when, &tm))
		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(out, size,
		 "%s %s %s attempt=%d status=%ld request_id=%s error=%s seconds=%.3f retry_in=%.3f",
		 stamp, field(e->service, f1, sizeof(f1)),
		 field(e->operation, f2, sizeof(f2)), e->attempt,
		 e->http_status, field(e->request_id, f3, sizeof(f3)),
		 field(e->error_code, f4, sizeof(f4)), e->seconds, e->retry_in);
}

static void log_call(const struct aws_call_log *e, void *arg)
{
	struct ew_context *ctx = arg;
	char line[768];

	if (!ctx->log)
		return;
	context_format_log_line(e, time(NULL), line, sizeof(line));
	fprintf(ctx->log, "%s\n", line);
}

int context_open(const struct ew_options *opts, bool need_credentials,
		 struct ew_context **out, struct aws_error *err)
{
	struct ew_context *ctx;
	struct aws_creds_options co;
	struct aws_client_config cc;
	const char *imds = getenv("AWS_EC2_METADATA_DISABLED");
	int rc = -1;

	*out = NULL;
	aws_error_clear(err);
	ctx = calloc(1, sizeof(*ctx));
	if (!ctx) {
		aws_error_set(err, AWS_ERR_NOMEM, "NoMemory", "%s", strerror(ENOMEM));
		return -1;
	}
	ctx->opts = opts;

	ctx->region = aws_region_resolve(opts->region, opts->profile, err);
	if (!ctx->region) {
		if (need_credentials)
			goto out;
		aws_error_clear(err); /* the spec may name the region */
	}

	if (need_credentials) {
		memset(&co, 0, sizeof(co));
		co.profile = opts->profile;
		co.mfa_token = opts->mfa_token;
		if (!opts->mfa_token && isatty(STDIN_FILENO))
			co.mfa_prompt = prompt_mfa;
		co.endpoint_url = opts->endpoint_url;
		co.region = ctx->region;
		co.no_imds = imds && strcasecmp(imds, "true") == 0;
		if (aws_creds_resolve(&co, &ctx->creds, err) < 0)
			goto out;
	}

	if (opts->log_file && context_open_log(opts->log_file, &ctx->log, err) < 0)
		goto out;

	if (need_credentials) {
		memset(&cc, 0, sizeof(cc));
		cc.region = ctx->region;
		cc.creds = ctx->creds;
		cc.endpoint_url = opts->endpoint_url;
		cc.connect_to = opts->connect_to;
		cc.connect_to_count = opts->connect_to_count;
		cc.log = log_call;
		cc.log_ctx = ctx;
		cc.cancel = &ew_interrupted;
		/* For tests whose faults stall: give up on a request sooner
		 * than the 60 s default. */
		if (getenv("ECSW_REQUEST_TIMEOUT_MS"))
			cc.request_timeout_ms = atol(getenv("ECSW_REQUEST_TIMEOUT_MS"));
		if (aws_client_new(&cc, &ctx->client, err) < 0)
			goto out;
	}
	rc = 0;
out:
	if (rc < 0)
		context_free(ctx);
	else
		*out = ctx;
	return rc;
}

void context_free(struct ew_context *ctx)
{
	if (!ctx)
		return;
	if (ctx->client)
		aws_client_free(ctx->client);
	aws_creds_free(ctx->creds);
	if (ctx->log)
		fclose(ctx->log);
	free(ctx->region);
	free(ctx);
}
