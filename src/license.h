/* license.h - the Private AI license file, checked before anything exists.
 *
 * The wizard refuses to create resources when the license it will later
 * write onto EFS cannot be read or is not JSON, so a typo in a path costs
 * nothing. Errors name the file and what is wrong with it; the contents
 * are a secret and never appear in a message. */
#ifndef ECSW_LICENSE_H
#define ECSW_LICENSE_H

#include <stddef.h>

#include "aws/error.h"

/* Larger than any license we have seen by two orders of magnitude. */
#define LICENSE_MAX_BYTES (1024u * 1024u)

/* Read path: a regular file, at most LICENSE_MAX_BYTES, a JSON object.
 * On success *data (caller's; release with license_data_free) and *len
 * hold the exact bytes. Returns 0 or -1 with err set (kind AWS_ERR_INPUT,
 * code LicenseUnreadable/LicenseTooLarge/LicenseInvalid, where = path). */
int license_load(const char *path, char **data, size_t *len,
		 struct aws_error *err);
/* Wipe and free what license_load returned. */
void license_data_free(char *data, size_t len);
/* As license_load, keeping nothing: the check run before planning. */
int license_check_file(const char *path, struct aws_error *err);

#endif
