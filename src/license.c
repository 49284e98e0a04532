/* license.c - reading and checking the license file. See license.h. */
#include "config.h"

#include "license.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "i18n.h"

void license_data_free(char *data, size_t len)
{
	if (!data)
		return;
	OPENSSL_cleanse(data, len);
	free(data);
}

/* cJSON copied the strings; they are as secret as the file. */
static void json_wipe(cJSON *item)
{
	for (; item; item = item->next) {
		if (item->valuestring)
			OPENSSL_cleanse(item->valuestring,
					strlen(item->valuestring));
		if (item->string)
			OPENSSL_cleanse(item->string, strlen(item->string));
		json_wipe(item->child);
	}
}

static int fail(struct aws_error *err, const char *path, const char *code,
		const char *what)
{
	aws_error_set(err, AWS_ERR_INPUT, code, _("license file %s: %s"), path,
		      what);
	aws_error_where(err, "%s", path);
	return -1;
}

int license_load(const char *path, char **data, size_t *len,
		 struct aws_error *err)
{
	struct stat st;
	char *buf = NULL;
	size_t got = 0;
	const char *end = NULL;
	cJSON *json = NULL;
	int fd = -1, rc = -1;

	*data = NULL;
	*len = 0;
	if (!path || !path[0])
		return fail(err, "", "LicenseUnreadable", _("no path given"));
	/* O_NONBLOCK: a FIFO given by mistake must not hang the wizard. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return fail(err, path, "LicenseUnreadable", strerror(errno));
	if (fstat(fd, &st) < 0) {
		fail(err, path, "LicenseUnreadable", strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		fail(err, path, "LicenseUnreadable", _("not a regular file"));
		goto out;
	}
	if (st.st_size > (off_t)LICENSE_MAX_BYTES) {
		fail(err, path, "LicenseTooLarge",
		     _("larger than 1 MiB; is this the license?"));
		goto out;
	}
	if (st.st_size == 0) {
		fail(err, path, "LicenseInvalid", _("empty file"));
		goto out;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		fail(err, path, "LicenseUnreadable", _("out of memory"));
		goto out;
	}
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			fail(err, path, "LicenseUnreadable", strerror(errno));
			goto out;
		}
		if (r == 0)
			break; /* shrank while we read: check what we have */
		got += (size_t)r;
	}
	buf[got] = '\0';
	json = cJSON_ParseWithLengthOpts(buf, got, &end, 0);
	if (!json) {
		fail(err, path, "LicenseInvalid", _("not valid JSON"));
		goto out;
	}
	if (!cJSON_IsObject(json)) {
		fail(err, path, "LicenseInvalid", _("not a JSON object"));
		goto out;
	}
	*data = buf;
	*len = got;
	buf = NULL;
	rc = 0;
out:
	if (json) {
		json_wipe(json);
		cJSON_Delete(json);
	}
	if (fd >= 0)
		close(fd);
	license_data_free(buf, got);
	return rc;
}

int license_check_file(const char *path, struct aws_error *err)
{
	char *data = NULL;
	size_t len = 0;

	if (license_load(path, &data, &len, err) < 0)
		return -1;
	license_data_free(data, len);
	return 0;
}
