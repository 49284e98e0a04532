/* hostkey.c - host key fingerprints, console output, known_hosts, policy.
 * See hostkey.h for the contract. */
#include "config.h"

#include "hostkey.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "i18n.h"
#include "util/buf.h"

/* A known_hosts file past this is not ours; refuse rather than slurp. */
#define KNOWN_HOSTS_MAX (4u * 1024u * 1024u)
/* Larger than any host key blob we accept (RSA 16384 is ~2 KiB). */
#define BLOB_MAX 8192

static const char b64chars[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int hostkey_fingerprint(const unsigned char *blob, size_t len,
			char out[HOSTKEY_FP_SIZE])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	unsigned char enc[64];
	int n;

	out[0] = '\0';
	if (!EVP_Digest(blob, len, md, &mdlen, EVP_sha256(), NULL) ||
	    mdlen != 32)
		return -1;
	n = EVP_EncodeBlock(enc, md, (int)mdlen); /* 44 chars, one '=' */
	while (n > 0 && enc[n - 1] == '=')
		n--;
	if (n != HOSTKEY_FP_SIZE - 8)
		return -1;
	memcpy(out, "SHA256:", 7);
	memcpy(out + 7, enc, (size_t)n);
	out[7 + n] = '\0';
	return 0;
}

int hostkey_fp_valid(const char *s)
{
	size_t i;

	if (!s || strncmp(s, "SHA256:", 7) != 0)
		return 0;
	s += 7;
	for (i = 0; s[i]; i++)
		if (!strchr(b64chars, s[i]))
			return 0;
	return i == 43;
}

/* Decode unpadded or padded base64 of at most BLOB_MAX bytes. Returns a
 * malloc'd blob (caller's) or NULL when it is not base64. */
static unsigned char *b64_decode(const char *s, size_t slen, size_t *outlen)
{
	unsigned char *out = NULL;
	char *tmp = NULL;
	size_t pad = 0, i, padded;
	int n;

	if (slen == 0 || slen > BLOB_MAX * 2)
		return NULL;
	for (i = 0; i < slen; i++) {
		if (s[i] == '=') {
			if (++pad > 2)
				return NULL;
		} else if (pad || !strchr(b64chars, s[i])) {
			return NULL;
		}
	}
	/* EVP_DecodeBlock wants a multiple of four; restore the padding. */
	padded = (slen + 3) / 4 * 4;
	tmp = malloc(padded + 1);
	out = malloc(padded / 4 * 3 + 1);
	if (!tmp || !out)
		goto fail;
	memcpy(tmp, s, slen);
	for (i = slen; i < padded; i++, pad++)
		tmp[i] = '=';
	tmp[padded] = '\0';
	n = EVP_DecodeBlock(out, (const unsigned char *)tmp, (int)padded);
	if (n < 0 || (size_t)n < pad)
		goto fail;
	*outlen = (size_t)n - pad;
	free(tmp);
	return out;
fail:
	free(tmp);
	free(out);
	return NULL;
}

void hostkey_blob_type(const unsigned char *blob, size_t len, char *out,
		       size_t size)
{
	uint32_t n;

	if (!size)
		return;
	out[0] = '\0';
	if (len < 4)
		return;
	n = (uint32_t)blob[0] << 24 | (uint32_t)blob[1] << 16 |
	    (uint32_t)blob[2] << 8 | blob[3];
	if (n == 0 || n > len - 4 || n >= size)
		return;
	memcpy(out, blob + 4, n);
	out[n] = '\0';
}

/* ---- console output ------------------------------------------------- */

/* Skip what the kernel, journald and cloud-init put before a line's text:
 * "[   12.345678] ", "cloud-init[1234]: ", "ec2: " (in any order seen). */
static const char *strip_prefixes(const char *p, const char *end)
{
	for (;;) {
		const char *q;

		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p < end && *p == '[') {
			q = memchr(p, ']', (size_t)(end - p));
			if (q && q - p < 24) {
				p = q + 1;
				continue;
			}
		}
		if (end - p >= 11 && memcmp(p, "cloud-init[", 11) == 0) {
			q = memchr(p, ':', (size_t)(end - p));
			if (q) {
				p = q + 1;
				continue;
			}
		}
		if (end - p >= 4 && memcmp(p, "ec2:", 4) == 0) {
			p += 4;
			continue;
		}
		return p;
	}
}

static int list_add(struct hostkey_fp_list *list, const char *fp,
		    size_t fplen, const char *type, size_t typelen)
{
	struct hostkey_fp *items;
	int i;

	for (i = 0; i < list->n; i++)
		if (strlen(list->items[i].fp) == fplen &&
		    memcmp(list->items[i].fp, fp, fplen) == 0)
			return 0; /* printed again after a reboot */
	items = realloc(list->items, sizeof(*items) * (size_t)(list->n + 1));
	if (!items)
		return -1;
	list->items = items;
	memset(&items[list->n], 0, sizeof(items[0]));
	memcpy(items[list->n].fp, fp, fplen);
	if (typelen >= sizeof(items[0].type))
		typelen = sizeof(items[0].type) - 1;
	memcpy(items[list->n].type, type, typelen);
	list->n++;
	return 0;
}

/* "256 SHA256:abc... root@ip-10-0-0-1 (ED25519)" */
static int parse_fp_line(struct hostkey_fp_list *list, const char *p,
			 const char *end)
{
	const char *fp, *fpend, *type = "", *typeend;
	char tmp[HOSTKEY_FP_SIZE];

	while (p < end && *p >= '0' && *p <= '9')
		p++;
	if (p == end || *p != ' ')
		return 0;
	while (p < end && *p == ' ')
		p++;
	fp = p;
	while (p < end && *p != ' ')
		p++;
	fpend = p;
	if ((size_t)(fpend - fp) != HOSTKEY_FP_SIZE - 1)
		return 0;
	memcpy(tmp, fp, HOSTKEY_FP_SIZE - 1);
	tmp[HOSTKEY_FP_SIZE - 1] = '\0';
	if (!hostkey_fp_valid(tmp))
		return 0; /* MD5 fingerprints of old images: cannot verify */
	typeend = end;
	while (typeend > p && typeend[-1] == ' ')
		typeend--;
	if (typeend > p && typeend[-1] == ')') {
		const char *open = typeend - 1;

		while (open > p && *open != '(')
			open--;
		if (*open == '(') {
			type = open + 1;
			typeend--;
		}
	}
	if (!*type)
		typeend = type;
	return list_add(list, tmp, HOSTKEY_FP_SIZE - 1, type,
			(size_t)(typeend - type));
}

/* "ssh-ed25519 AAAAC3... root@ip-10-0-0-1" */
static int parse_key_line(struct hostkey_fp_list *list, const char *p,
			  const char *end)
{
	const char *type = p, *typeend, *b64;
	unsigned char *blob;
	size_t len = 0;
	char fp[HOSTKEY_FP_SIZE], blobtype[32];
	int rc = 0;

	while (p < end && *p != ' ')
		p++;
	typeend = p;
	while (p < end && *p == ' ')
		p++;
	b64 = p;
	while (p < end && *p != ' ')
		p++;
	if (typeend == type || p == b64)
		return 0;
	blob = b64_decode(b64, (size_t)(p - b64), &len);
	if (!blob)
		return 0;
	/* The blob must say the type the line says, or it is not a key. */
	hostkey_blob_type(blob, len, blobtype, sizeof(blobtype));
	if (strlen(blobtype) == (size_t)(typeend - type) &&
	    memcmp(blobtype, type, (size_t)(typeend - type)) == 0 &&
	    hostkey_fingerprint(blob, len, fp) == 0) {
		const char *t = strncmp(blobtype, "ssh-", 4) == 0 ? blobtype + 4
								   : blobtype;
		rc = list_add(list, fp, strlen(fp), t, strlen(t));
	}
	free(blob);
	return rc;
}

#define BEGIN_FPS "-----BEGIN SSH HOST KEY FINGERPRINTS-----"
#define BEGIN_KEYS "-----BEGIN SSH HOST KEY KEYS-----"

static int line_is(const char *s, const char *end, const char *marker)
{
	size_t l = strlen(marker);

	return (size_t)(end - s) == l && memcmp(s, marker, l) == 0;
}

int hostkey_parse_console(const char *text, struct hostkey_fp_list *out,
			  struct aws_error *err)
{
	enum { NONE, FPS, KEYS } in = NONE;
	const char *p = text;

	out->items = NULL;
	out->n = 0;
	if (!text)
		return 0;
	while (*p) {
		const char *eol = strchr(p, '\n');
		const char *end = eol ? eol : p + strlen(p);
		const char *s;
		int rc = 0;

		while (end > p && (end[-1] == '\r' || end[-1] == ' '))
			end--;
		s = strip_prefixes(p, end);
		if (end - s >= 5 && memcmp(s, "-----", 5) == 0) {
			if (line_is(s, end, BEGIN_FPS))
				in = FPS;
			else if (line_is(s, end, BEGIN_KEYS))
				in = KEYS;
			else if (end - s >= 8 && memcmp(s, "-----END", 8) == 0)
				in = NONE;
		} else if (in == FPS) {
			rc = parse_fp_line(out, s, end);
		} else if (in == KEYS) {
			rc = parse_key_line(out, s, end);
		}
		if (rc < 0) {
			aws_error_set(err, AWS_ERR_NOMEM, "OutOfMemory", "%s",
				      _("out of memory"));
			hostkey_fp_list_free(out);
			return -1;
		}
		if (!eol)
			break;
		p = eol + 1;
	}
	return 0;
}

void hostkey_fp_list_free(struct hostkey_fp_list *list)
{
	if (!list)
		return;
	free(list->items);
	list->items = NULL;
	list->n = 0;
}

/* ---- known_hosts ---------------------------------------------------- */

char *hostkey_host_name(const char *host, int port)
{
	struct buf b;

	buf_init(&b, 1024);
	if (port == 0 || port == 22)
		buf_append_str(&b, host);
	else
		buf_printf(&b, "[%s]:%d", host, port);
	return buf_take(&b);
}

/* Read the whole file into b; a missing file reads as empty. */
static int read_small_file(const char *path, struct buf *b,
			   struct aws_error *err)
{
	char chunk[4096];
	FILE *f;
	size_t n;
	int rc = -1;

	f = fopen(path, "rb");
	if (!f) {
		if (errno == ENOENT)
			return 0;
		aws_error_set(err, AWS_ERR_CONFIG, "KnownHostsUnreadable",
			      _("cannot read %s: %s"), path, strerror(errno));
		return -1;
	}
	for (;;) {
		n = fread(chunk, 1, sizeof(chunk), f);
		if (n == 0)
			break;
		if (buf_append(b, chunk, n) < 0) {
			aws_error_set(err, AWS_ERR_CONFIG, "KnownHostsTooLarge",
				      _("%s is larger than %u bytes"), path,
				      KNOWN_HOSTS_MAX);
			goto out;
		}
	}
	if (ferror(f)) {
		aws_error_set(err, AWS_ERR_CONFIG, "KnownHostsUnreadable",
			      _("cannot read %s"), path);
		goto out;
	}
	rc = 0;
out:
	fclose(f);
	return rc;
}

/* Does the comma-separated host field list name? */
static int field_names(const char *field, size_t flen, const char *name)
{
	size_t nlen = strlen(name);
	const char *p = field, *end = field + flen;

	while (p < end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *e = comma ? comma : end;

		if ((size_t)(e - p) == nlen && memcmp(p, name, nlen) == 0)
			return 1;
		p = e + 1;
	}
	return 0;
}

void hostkey_blobs_free(unsigned char **blobs, size_t *lens, int n)
{
	int i;

	for (i = 0; blobs && i < n; i++)
		free(blobs[i]);
	free(blobs);
	free(lens);
}

int known_hosts_lookup(const char *path, const char *name,
		       unsigned char ***blobs, size_t **lens,
		       struct aws_error *err)
{
	struct buf b;
	const char *p;
	int n = 0;

	*blobs = NULL;
	*lens = NULL;
	buf_init(&b, KNOWN_HOSTS_MAX);
	if (read_small_file(path, &b, err) < 0) {
		n = -1;
		goto out;
	}
	p = buf_str(&b);
	while (*p) {
		const char *eol = strchr(p, '\n');
		const char *end = eol ? eol : p + strlen(p);
		const char *f1 = p, *f1e, *f2, *f2e, *f3, *f3e;

		while (f1 < end && (*f1 == ' ' || *f1 == '\t'))
			f1++;
		f1e = f1;
		while (f1e < end && *f1e != ' ' && *f1e != '\t')
			f1e++;
		f2 = f1e;
		while (f2 < end && (*f2 == ' ' || *f2 == '\t'))
			f2++;
		f2e = f2;
		while (f2e < end && *f2e != ' ' && *f2e != '\t')
			f2e++;
		f3 = f2e;
		while (f3 < end && (*f3 == ' ' || *f3 == '\t'))
			f3++;
		f3e = f3;
		while (f3e < end && *f3e != ' ' && *f3e != '\t' && *f3e != '\r')
			f3e++;
		if (f1 < end && *f1 != '#' && *f1 != '@' && f3e > f3 &&
		    field_names(f1, (size_t)(f1e - f1), name)) {
			size_t len = 0;
			unsigned char *blob =
				b64_decode(f3, (size_t)(f3e - f3), &len);
			unsigned char **nb;
			size_t *nl;

			if (blob) {
				nb = realloc(*blobs, sizeof(*nb) * (size_t)(n + 1));
				if (nb)
					*blobs = nb;
				nl = realloc(*lens, sizeof(*nl) * (size_t)(n + 1));
				if (nl)
					*lens = nl;
				if (!nb || !nl) {
					free(blob);
					aws_error_set(err, AWS_ERR_NOMEM,
						      "OutOfMemory", "%s",
						      _("out of memory"));
					hostkey_blobs_free(*blobs, *lens, n);
					*blobs = NULL;
					*lens = NULL;
					n = -1;
					goto out;
				}
				(*blobs)[n] = blob;
				(*lens)[n] = len;
				n++;
			}
		}
		if (!eol)
			break;
		p = eol + 1;
	}
out:
	buf_free(&b);
	return n;
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t w = write(fd, data, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		data += w;
		len -= (size_t)w;
	}
	return 0;
}

int known_hosts_add(const char *path, const char *name,
		    const unsigned char *blob, size_t len,
		    struct aws_error *err)
{
	struct buf b, tmp;
	char type[64];
	unsigned char *enc = NULL;
	int fd = -1, rc = -1, made = 0;

	buf_init(&b, KNOWN_HOSTS_MAX);
	buf_init(&tmp, 0);
	hostkey_blob_type(blob, len, type, sizeof(type));
	/* A name with blanks or a newline would forge other lines. */
	if (!type[0] || len > BLOB_MAX || !name[0] || strpbrk(name, " \t\r\n#")) {
		aws_error_set(err, AWS_ERR_INPUT, "InvalidHostKey", "%s",
			      _("refusing to record a malformed host key"));
		goto out;
	}
	if (read_small_file(path, &b, err) < 0)
		goto out;
	if (b.len && b.data[b.len - 1] != '\n')
		buf_append_char(&b, '\n');
	enc = malloc(len / 3 * 4 + 8);
	if (!enc)
		goto nomem;
	EVP_EncodeBlock(enc, blob, (int)len);
	if (buf_printf(&b, "%s %s %s\n", name, type, (const char *)enc) < 0)
		goto nomem;
	if (buf_printf(&tmp, "%s.XXXXXX", path) < 0)
		goto nomem;
	fd = mkstemp(tmp.data); /* mode 0600 */
	if (fd < 0) {
		aws_error_set(err, AWS_ERR_CONFIG, "KnownHostsWrite",
			      _("cannot create %s: %s"), tmp.data,
			      strerror(errno));
		goto out;
	}
	made = 1;
	if (fchmod(fd, 0600) < 0 || write_all(fd, b.data, b.len) < 0 ||
	    fsync(fd) < 0) {
		aws_error_set(err, AWS_ERR_CONFIG, "KnownHostsWrite",
			      _("cannot write %s: %s"), tmp.data,
			      strerror(errno));
		goto out;
	}
	if (close(fd) < 0) {
		fd = -1;
		aws_error_set(err, AWS_ERR_CONFIG, "KnownHostsWrite",
			      _("cannot write %s: %s"), tmp.data,
			      strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp.data, path) < 0) {
		aws_error_set(err, AWS_ERR_CONFIG, "KnownHostsWrite",
			      _("cannot replace %s: %s"), path, strerror(errno));
		goto out;
	}
	rc = 0;
	goto out;
nomem:
	aws_error_set(err, AWS_ERR_NOMEM, "OutOfMemory", "%s",
		      _("out of memory"));
out:
	if (fd >= 0)
		close(fd);
	if (rc < 0 && made)
		unlink(tmp.data);
	free(enc);
	buf_free(&b);
	buf_free(&tmp);
	if (rc < 0)
		aws_error_where(err, "%s", path);
	return rc;
}

/* ---- policy --------------------------------------------------------- */

static enum hostkey_verdict record(const struct hostkey_policy *policy,
				   enum hostkey_verdict v,
				   const unsigned char *blob, size_t len,
				   struct aws_error *err)
{
	if (!policy->known_hosts_file || !policy->name)
		return v;
	if (known_hosts_add(policy->known_hosts_file, policy->name, blob, len,
			    err) < 0)
		return HOSTKEY_REFUSED;
	return v;
}

enum hostkey_verdict hostkey_verify(const struct hostkey_policy *policy,
				    const unsigned char *blob, size_t len,
				    struct aws_error *err)
{
	char seen[HOSTKEY_FP_SIZE], rec[HOSTKEY_FP_SIZE];
	unsigned char **blobs = NULL;
	size_t *lens = NULL;
	int n = 0, i;
	enum hostkey_verdict v = HOSTKEY_REFUSED;
	const char *name = policy->name ? policy->name : "";

	if (hostkey_fingerprint(blob, len, seen) < 0) {
		aws_error_set(err, AWS_ERR_INTERNAL, "CryptoFailed", "%s",
			      _("cannot compute the host key fingerprint"));
		return HOSTKEY_REFUSED;
	}
	if (policy->known_hosts_file && policy->name) {
		n = known_hosts_lookup(policy->known_hosts_file, policy->name,
				       &blobs, &lens, err);
		if (n < 0)
			return HOSTKEY_REFUSED;
	}
	for (i = 0; i < n; i++) {
		if (lens[i] == len && memcmp(blobs[i], blob, len) == 0) {
			v = HOSTKEY_KNOWN;
			goto out;
		}
	}
	if (n > 0) {
		/* Something recorded, and this is not it: the classic
		 * man-in-the-middle warning, never overridden here. */
		hostkey_fingerprint(blobs[0], lens[0], rec);
		aws_error_set(err, AWS_ERR_NETWORK, "HostKeyMismatch",
			      _("host key for %s changed: recorded %s, seen %s"),
			      name, rec, seen);
		goto out;
	}
	if (policy->pinned_fp && policy->pinned_fp[0]) {
		if (strcmp(policy->pinned_fp, seen) == 0) {
			v = record(policy, HOSTKEY_PINNED, blob, len, err);
			goto out;
		}
		aws_error_set(err, AWS_ERR_NETWORK, "HostKeyMismatch",
			      _("host key for %s is not the pinned one: expected %s, seen %s"),
			      name, policy->pinned_fp, seen);
		goto out;
	}
	if (policy->console && policy->console->n > 0) {
		for (i = 0; i < policy->console->n; i++) {
			if (strcmp(policy->console->items[i].fp, seen) == 0) {
				v = record(policy, HOSTKEY_CONSOLE, blob, len,
					   err);
				goto out;
			}
		}
		/* The instance printed its keys and this is none of them. */
		aws_error_set(err, AWS_ERR_NETWORK, "HostKeyMismatch",
			      _("host key for %s is not among the instance's console fingerprints: expected %s%s, seen %s"),
			      name, policy->console->items[0].fp,
			      policy->console->n > 1 ? _(" (or another listed)") : "",
			      seen);
		goto out;
	}
	if (policy->accept_new) {
		v = record(policy, HOSTKEY_ACCEPTED_NEW, blob, len, err);
		goto out;
	}
	aws_error_set(err, AWS_ERR_NETWORK, "HostKeyUnverified",
		      _("nothing vouches for the host key of %s: %s"), name,
		      seen);
out:
	hostkey_blobs_free(blobs, lens, n);
	return v;
}
