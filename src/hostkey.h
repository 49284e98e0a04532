/* hostkey.h - deciding whether an SSH host key is the bastion's own.
 *
 * Three sources of trust, in the order a careful person uses them:
 *   1. what we recorded before (known_hosts in the state dir, OpenSSH's
 *      "name key-type base64" lines, written 0600 and atomically);
 *   2. what the instance itself printed on its console at first boot
 *      (cloud-init's "SSH HOST KEY FINGERPRINTS"/"KEYS" blocks, read with
 *      EC2 GetConsoleOutput), or a fingerprint the user pinned
 *      (--ssh-host-key SHA256:...);
 *   3. the user's explicit accept-new.
 * A key that differs from a recorded, pinned or console-printed one is
 * refused (HostKeyMismatch); a key nothing vouches for is HostKeyUnverified
 * so the caller can show the fingerprint and ask.
 *
 * Fingerprints are OpenSSH's: "SHA256:" + unpadded base64 of the SHA-256
 * of the key blob. Nothing here does I/O except the known_hosts functions,
 * and nothing prints. */
#ifndef ECSW_HOSTKEY_H
#define ECSW_HOSTKEY_H

#include <stddef.h>

#include "aws/error.h"

/* "SHA256:" + 43 base64 characters + NUL. */
#define HOSTKEY_FP_SIZE 51

/* One fingerprint found in console output. */
struct hostkey_fp {
	char fp[HOSTKEY_FP_SIZE]; /* "SHA256:..." */
	char type[16];            /* "ED25519", "ECDSA", "RSA", or "" */
};

/* The fingerprints a console output vouches for. Owns its array. */
struct hostkey_fp_list {
	struct hostkey_fp *items;
	int n;
};

/* Fingerprint of a raw key blob (the SSH wire encoding, as in a .pub file
 * after base64 decoding). Returns 0, or -1 on a crypto failure. */
int hostkey_fingerprint(const unsigned char *blob, size_t len,
			char out[HOSTKEY_FP_SIZE]);

/* Is s a well-formed "SHA256:<43 base64 chars>"? 1 or 0. */
int hostkey_fp_valid(const char *s);

/* Collect the fingerprints in cloud-init's blocks of a console output
 * (GetConsoleOutput's decoded text). Tolerates "ec2: ", "[  12.3] " and
 * "cloud-init[123]: " prefixes and CRLF; keys printed in the
 * "SSH HOST KEY KEYS" block are fingerprinted too. No block is not an
 * error: out->n is 0. Returns 0, or -1 when out of memory. */
int hostkey_parse_console(const char *text, struct hostkey_fp_list *out,
			  struct aws_error *err);
void hostkey_fp_list_free(struct hostkey_fp_list *list);

/* The SSH wire name of a key blob's type ("ssh-ed25519", ...), read from
 * the blob itself; writes "" when the blob is malformed. */
void hostkey_blob_type(const unsigned char *blob, size_t len, char *out,
		       size_t size);

/* The name a host is recorded under: "host" for port 22, "[host]:port"
 * otherwise (OpenSSH's form). Returns a malloc'd string (caller's). */
char *hostkey_host_name(const char *host, int port);

/* Keys recorded for name in a known_hosts file. *blobs is a malloc'd
 * array of malloc'd blobs (free with hostkey_blobs_free). A missing file
 * is an empty list. Returns the count (>= 0) or -1 with err set. */
int known_hosts_lookup(const char *path, const char *name,
		       unsigned char ***blobs, size_t **lens,
		       struct aws_error *err);
void hostkey_blobs_free(unsigned char **blobs, size_t *lens, int n);

/* Append "name type base64" to the file, keeping the other lines; the file
 * is rewritten through a temporary in the same directory, mode 0600, then
 * renamed into place. Returns 0 or -1 with err set. */
int known_hosts_add(const char *path, const char *name,
		    const unsigned char *blob, size_t len,
		    struct aws_error *err);

/* What vouches for a host key. All borrowed; any may be NULL/0. */
struct hostkey_policy {
	const char *known_hosts_file; /* NULL: nothing recorded or saved */
	const char *name;             /* recorded under; from hostkey_host_name */
	const char *pinned_fp;        /* "SHA256:..." from --ssh-host-key */
	const struct hostkey_fp_list *console; /* from hostkey_parse_console */
	int accept_new;               /* the user said: trust what we see */
};

enum hostkey_verdict {
	HOSTKEY_REFUSED = -1, /* err set: HostKeyMismatch/HostKeyUnverified/... */
	HOSTKEY_KNOWN = 0,    /* matches the recorded key */
	HOSTKEY_PINNED,       /* matches the pinned fingerprint; recorded now */
	HOSTKEY_CONSOLE,      /* printed on the console; recorded now */
	HOSTKEY_ACCEPTED_NEW, /* trusted on the user's word; recorded now */
};

/* Apply the policy to the key the server showed. On acceptance the key is
 * recorded (unless it already was). Returns a verdict; HOSTKEY_REFUSED with
 * err set (kind AWS_ERR_NETWORK for a refused key, whose message names the
 * expected and the seen fingerprints). */
enum hostkey_verdict hostkey_verify(const struct hostkey_policy *policy,
				    const unsigned char *blob, size_t len,
				    struct aws_error *err);

#endif
