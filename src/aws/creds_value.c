/* creds_value.c - the struct aws_creds value: new, dup, wipe-and-free.
 *
 * Kept apart from the chain (creds.c) so that the signer and programs that
 * only carry credentials around do not link the STS client. See creds.h. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "aws/creds.h"

static void free_secret(char *s)
{
	if (!s)
		return;
	OPENSSL_cleanse(s, strlen(s));
	free(s);
}

struct aws_creds *aws_creds_new(const char *akid, const char *secret,
				const char *token, const char *source)
{
	struct aws_creds *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->access_key_id = strdup(akid ? akid : "");
	c->secret_access_key = strdup(secret ? secret : "");
	c->session_token = token ? strdup(token) : NULL;
	c->source = strdup(source ? source : "");
	if (!c->access_key_id || !c->secret_access_key || !c->source ||
	    (token && !c->session_token)) {
		aws_creds_free(c);
		return NULL;
	}
	return c;
}

struct aws_creds *aws_creds_dup(const struct aws_creds *c)
{
	struct aws_creds *d;

	if (!c)
		return NULL;
	d = aws_creds_new(c->access_key_id, c->secret_access_key,
			  c->session_token, c->source);
	if (d)
		d->expiration = c->expiration;
	return d;
}

void aws_creds_free(struct aws_creds *c)
{
	if (!c)
		return;
	free(c->access_key_id);
	free_secret(c->secret_access_key);
	free_secret(c->session_token);
	free(c->source);
	free(c);
}
