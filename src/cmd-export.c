/* cmd-export.c - `ecs-wizard export --spec F --format cloudformation|aws-cli
 * [--output FILE]`: the plan as a CloudFormation template or as a bash
 * script of AWS CLI commands (src/export_cfn.c, src/export_cli.c).
 *
 * Sends nothing, so it needs no credentials. The file is written whole
 * (temporary file, then rename) so a failed export leaves no half file. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "cmd-engine.h"
#include "export.h"
#include "i18n.h"

/* Write text to path atomically; mode 0755 for a script. 0 / -1 (errno). */
static int write_file(const char *path, const char *text, mode_t mode)
{
	size_t n = strlen(path) + 16;
	char *tmp = malloc(n);
	size_t len = strlen(text), off = 0;
	int fd, rc = -1, saved;

	if (!tmp)
		return -1;
	snprintf(tmp, n, "%s.tmpXXXXXX", path);
	fd = mkstemp(tmp);
	if (fd < 0)
		goto out;
	while (off < len) {
		ssize_t w = write(fd, text + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	if (off == len && fchmod(fd, mode) == 0 && fsync(fd) == 0 && close(fd) == 0) {
		fd = -1;
		rc = rename(tmp, path);
	}
	saved = errno;
	if (fd >= 0)
		close(fd);
	if (rc < 0)
		unlink(tmp);
	errno = saved;
out:
	free(tmp);
	return rc;
}

static int export_exec(struct ew_options *opts)
{
	const char *format = opts->format;
	struct spec *s;
	struct plan *p = NULL;
	struct aws_error err;
	char *text = NULL;
	int rc = EXIT_BAD_INPUT, script;

	if (!format) {
		fprintf(stderr, _("%s: export: --format is required: cloudformation or aws-cli\n"),
			PACKAGE);
		return EXIT_BAD_INPUT;
	}
	script = strcmp(format, "aws-cli") == 0;
	if (!script && strcmp(format, "cloudformation") != 0) {
		fprintf(stderr, _("%s: export: --format '%s' is not cloudformation or aws-cli\n"),
			PACKAGE, format);
		return EXIT_BAD_INPUT;
	}
	s = cmd_load_spec(opts);
	if (!s)
		return EXIT_BAD_INPUT;
	aws_error_clear(&err);
	if (plan_build(s, &p, &err) < 0) {
		fprintf(stderr, "%s: %s\n", PACKAGE, err.message);
		goto out;
	}
	text = script ? export_aws_cli(p, s, &err) : export_cloudformation(p, s, &err);
	if (!text) {
		fprintf(stderr, "%s: export: %s\n", PACKAGE, err.message);
		rc = EXIT_FAILED;
		goto out;
	}
	if (opts->output_file && strcmp(opts->output_file, "-") != 0) {
		if (write_file(opts->output_file, text, script ? 0755 : 0644) < 0) {
			fprintf(stderr, _("%s: export: cannot write %s: %s\n"), PACKAGE,
				opts->output_file, strerror(errno));
			rc = EXIT_FAILED;
			goto out;
		}
		rc = EXIT_OK;
		goto out;
	}
	fputs(text, stdout);
	rc = fflush(stdout) == 0 ? EXIT_OK : EXIT_FAILED;
out:
	free(text);
	plan_free(p);
	spec_free(s);
	return rc;
}

const struct cli_command cmd_export = {
	.name = "export",
	.usage = "--format cloudformation|aws-cli [--spec FILE] [--name NAME] [--output FILE]",
	.summary = N_("write the plan as a CloudFormation template or an AWS CLI script; sends nothing"),
	.max_args = 0,
	.exec = export_exec,
};
