/* ssh_tool.c - drives the ssh/probe/license engine for
 * tests/ssh_integration.py: one session, a sequence of commands, one result
 * line per command ("ok ..." or "error kind=.. code=.. where=.. msg=..").
 * Exit 0 when every command succeeded, 1 on the first failure, 2 on usage.
 *
 *   ssh_tool [--host H] [--port P] [--user U] [--key FILE] [--known-hosts F]
 *            [--alias NAME] [--pin FP] [--console FILE] [--accept-new]
 *            [--connect-to H1:P1:H2:P2]... [--timeout MS] COMMAND...
 *   COMMAND: fingerprint PUBFILE | license PATH | open |
 *            write DIR NAME LICENSEFILE | get HOST PORT PATH | direct URL
 *
 * "write" checks the license first, before any connection, as the wizard
 * does before creating anything. */
#include "config.h"

#include <libssh2.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hostkey.h"
#include "license.h"
#include "probe.h"
#include "ssh.h"

#define MAX_RULES 8

static void print_error(const struct aws_error *err)
{
	printf("error kind=%d code=%s where=%s msg=%s\n", (int)err->kind,
	       err->code, err->where, err->message);
}

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *s;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	s = calloc(1, (size_t)n + 1);
	if (s && fread(s, 1, (size_t)n, f) != (size_t)n) {
		free(s);
		s = NULL;
	}
	fclose(f);
	return s;
}

/* "H1:P1:H2:P2"; the transport module's aws_connect_to_parse() will do
 * this for the product. */
static int parse_rule(const char *spec, struct aws_connect_to *r)
{
	char h1[256], p1[16], h2[256], p2[16];

	memset(r, 0, sizeof(*r));
	if (sscanf(spec, "%255[^:]:%15[^:]:%255[^:]:%15s", h1, p1, h2, p2) != 4)
		return -1;
	r->host1 = strdup(h1);
	r->host2 = strdup(h2);
	r->port1 = atoi(p1);
	r->port2 = atoi(p2);
	return 0;
}

static int cmd_fingerprint(const char *pubfile)
{
	char *text = read_text(pubfile), *sp, *b64, *end;
	unsigned char *blob;
	char fp[HOSTKEY_FP_SIZE];
	int n, rc = 1;

	if (!text)
		return 1;
	sp = strchr(text, ' ');
	if (!sp)
		goto out;
	b64 = sp + 1;
	end = strpbrk(b64, " \n");
	if (end)
		*end = '\0';
	blob = malloc(strlen(b64));
	n = EVP_DecodeBlock(blob, (unsigned char *)b64, (int)strlen(b64));
	while (n > 0 && strlen(b64) && b64[strlen(b64) - 1] == '=') {
		b64[strlen(b64) - 1] = '\0';
		n--;
	}
	if (n > 0 && hostkey_fingerprint(blob, (size_t)n, fp) == 0) {
		printf("ok fingerprint=%s\n", fp);
		rc = 0;
	}
	free(blob);
out:
	free(text);
	return rc;
}

int main(int argc, char **argv)
{
	struct ssh_target t;
	struct aws_connect_to rules[MAX_RULES];
	struct ssh_session *sess = NULL;
	struct ssh_hostkey_seen seen;
	struct aws_error err;
	char *console = NULL;
	long timeout = 5000;
	int i, nrules = 0, rc = 0;

	memset(&t, 0, sizeof(t));
	memset(rules, 0, sizeof(rules));
	aws_error_clear(&err);
	for (i = 1; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
		const char *o = argv[i];

		if (strcmp(o, "--accept-new") == 0) {
			t.accept_new = 1;
			continue;
		}
		if (i + 1 >= argc)
			return 2;
		if (strcmp(o, "--host") == 0)
			t.host = argv[++i];
		else if (strcmp(o, "--port") == 0)
			t.port = atoi(argv[++i]);
		else if (strcmp(o, "--user") == 0)
			t.user = argv[++i];
		else if (strcmp(o, "--key") == 0)
			t.private_key_file = argv[++i];
		else if (strcmp(o, "--known-hosts") == 0)
			t.known_hosts_file = argv[++i];
		else if (strcmp(o, "--alias") == 0)
			t.host_key_alias = argv[++i];
		else if (strcmp(o, "--pin") == 0)
			t.pinned_fp = argv[++i];
		else if (strcmp(o, "--timeout") == 0)
			timeout = atol(argv[++i]);
		else if (strcmp(o, "--console") == 0) {
			console = read_text(argv[++i]);
			if (!console)
				return 2;
		} else if (strcmp(o, "--connect-to") == 0) {
			if (nrules == MAX_RULES ||
			    parse_rule(argv[++i], &rules[nrules]) < 0)
				return 2;
			nrules++;
		} else {
			return 2;
		}
	}
	t.console_output = console;
	t.connect_to = rules;
	t.connect_to_count = nrules;
	t.connect_timeout_ms = timeout;

	while (i < argc && rc == 0) {
		const char *cmd = argv[i++];

		if (strcmp(cmd, "caps") == 0) {
			/* libssh2 1.11 signs RSA user keys with rsa-sha2. */
			printf("ok%s\n", libssh2_version(0x010b00) ? " ssh_rsa_sha2" : "");
			continue;
		}
		if (strcmp(cmd, "fingerprint") == 0 && i < argc) {
			rc = cmd_fingerprint(argv[i++]);
			continue;
		}
		if (strcmp(cmd, "license") == 0 && i < argc) {
			if (license_check_file(argv[i++], &err) < 0) {
				print_error(&err);
				rc = 1;
			} else {
				printf("ok license\n");
			}
			continue;
		}
		if (strcmp(cmd, "direct") == 0 && i < argc) {
			struct probe_result r;

			if (probe_http_direct(argv[i++], rules, nrules, timeout,
					      &r, &err) < 0) {
				printf("status=%ld ", r.status);
				print_error(&err);
				rc = 1;
			} else {
				printf("ok status=%ld app_version=%s\n", r.status,
				       r.app_version ? r.app_version : "-");
			}
			probe_result_free(&r);
			continue;
		}
		if (strcmp(cmd, "write") == 0 && i + 2 < argc) {
			char *data = NULL;
			size_t len = 0;

			/* The license is checked before anything connects. */
			if (license_load(argv[i + 2], &data, &len, &err) < 0) {
				print_error(&err);
				rc = 1;
				break;
			}
			if (!sess &&
			    ssh_session_open(&t, &seen, &sess, &err) < 0) {
				printf("seen=%s ", seen.fp[0] ? seen.fp : "-");
				print_error(&err);
				license_data_free(data, len);
				rc = 1;
				break;
			}
			if (ssh_write_file_atomic(sess, argv[i], argv[i + 1],
						  data, len, 0644, &err) < 0) {
				print_error(&err);
				rc = 1;
			} else {
				printf("ok write bytes=%zu\n", len);
			}
			license_data_free(data, len);
			i += 3;
			continue;
		}
		if (strcmp(cmd, "open") == 0) {
			if (!sess &&
			    ssh_session_open(&t, &seen, &sess, &err) < 0) {
				printf("seen=%s ", seen.fp[0] ? seen.fp : "-");
				print_error(&err);
				rc = 1;
				break;
			}
			printf("ok open verdict=%d fp=%s type=%s\n",
			       (int)seen.verdict, seen.fp, seen.type);
			continue;
		}
		if (strcmp(cmd, "get") == 0 && i + 2 < argc) {
			struct probe_result r;

			if (!sess &&
			    ssh_session_open(&t, &seen, &sess, &err) < 0) {
				printf("seen=%s ", seen.fp[0] ? seen.fp : "-");
				print_error(&err);
				rc = 1;
				break;
			}
			if (ssh_http_get(sess, argv[i], atoi(argv[i + 1]),
					 argv[i + 2], timeout, &r, &err) < 0) {
				printf("status=%ld ", r.status);
				print_error(&err);
				rc = 1;
			} else {
				printf("ok status=%ld app_version=%s body_len=%zu\n",
				       r.status,
				       r.app_version ? r.app_version : "-",
				       r.body_len);
			}
			probe_result_free(&r);
			i += 3;
			continue;
		}
		fprintf(stderr, "usage: unknown command or missing arguments: %s\n",
			cmd);
		rc = 2;
	}
	fflush(stdout);
	ssh_session_free(sess);
	for (i = 0; i < nrules; i++) {
		free(rules[i].host1);
		free(rules[i].host2);
	}
	free(console);
	return rc;
}
