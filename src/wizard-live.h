/* wizard-live.h - what the interactive wizard needs from the engine when it
 * deploys for real, as plain data the screens can show without knowing AWS.
 *
 * The wizard edits its spec section by section; wizard_live_bind() gives it
 * an engine and a backend queue for the spec as it stands (made again when
 * the answers changed, the journal on disk carrying what was done). The
 * views (a resource's journal state, the end summary, a failure) are built
 * here so that AWS's vocabulary (output names, error kinds, request ids)
 * stays out of ui/. Everything here runs on the UI thread while the queue
 * is idle, except wizard_live_queue(), which any caller may read. */
#ifndef ECSW_WIZARD_LIVE_H
#define ECSW_WIZARD_LIVE_H

#include <stdbool.h>
#include <stddef.h>

#include "aws/error.h"
#include "options.h"
#include "queue.h"
#include "spec.h"

struct wizard_live;

/* Credentials, region and client from the options (context_open), the
 * state directory, the waiter delay scale (ECSW_WAITER_DELAY_SCALE). No
 * engine yet. Without a configured region the spec's default_region is
 * used (and written to opts). opts is borrowed and must outlive the
 * session. *out is the caller's (wizard_live_free). */
int wizard_live_open(struct ew_options *opts, const char *default_region,
		     struct wizard_live **out, struct aws_error *err);
/* Stops the queue (cancelling what runs), frees the engine and client. */
void wizard_live_free(struct wizard_live *l);
/* An engine and queue for spec (borrowed: it must outlive them and stay
 * unchanged while the queue works). Kept when spec is what it was at the
 * last bind; otherwise the old ones are stopped and new ones made, which
 * only the idle wizard may ask for. 0 / -1 (err set). */
int wizard_live_bind(struct wizard_live *l, const struct spec *spec,
		     struct aws_error *err);
/* The region the credentials were found for (configuration or --region);
 * borrowed, may be NULL. */
const char *wizard_live_region(const struct wizard_live *l);
/* The queue of the last bind, or NULL before one. Borrowed. */
struct queue *wizard_live_queue(const struct wizard_live *l);
/* The user compared fp (a HostKeyUnverified failure's, wizard_failure's
 * host_key) with the instance's system log and trusts it: from the next
 * command on the bastion's key is accepted when it has exactly this
 * fingerprint, and recorded in the state dir's known_hosts. A key that
 * differs is still refused. Only while the queue is idle. 0, or -1 when
 * fp is not a well-formed "SHA256:..." fingerprint. */
int wizard_live_trust_host_key(struct wizard_live *l, const char *fp);
/* 1 when a journal for name exists in the state directory opts names (or
 * the default one). */
int wizard_journal_exists(const struct ew_options *opts, const char *name);

/* --- Views --- */

/* What the journal says about one resource, for the screens. */
enum wizard_res_state {
	WIZ_RES_NONE = 0, /* not attempted, or a lookup to do again */
	WIZ_RES_DONE,     /* created or adopted (and ready) */
	WIZ_RES_SKIPPED,
	WIZ_RES_FAILED,   /* failed, or started and not known to be finished */
};

/* The journal's state of key, and its id (malloc'd, NULL when none) in
 * *id. Needs a bind. */
enum wizard_res_state wizard_live_state(const struct wizard_live *l, const char *key,
					char **id);

struct wizard_summary_row {
	char *key, *kind, *name; /* owned */
	char *state;             /* owned, translated word */
	char *id;                /* owned, may be NULL */
	int section;
	bool complete;           /* created, adopted (and ready) or skipped */
};

struct wizard_endpoint {
	char *label; /* owned, translated: "Load balancer" */
	char *value; /* owned: "ecsdocs-lb-123.us-east-1.elb.amazonaws.com" */
};

struct wizard_summary {
	struct wizard_summary_row *rows; /* owned, plan order, lookups left out */
	int row_count;
	struct wizard_endpoint *endpoints; /* owned */
	int endpoint_count;
	char *journal_path; /* owned */
};

/* Every resource of the bound plan with its journal state and id, and the
 * endpoints and files a person needs next (load balancer address, image
 * repository, NAT address, SSH key file). Caller frees. 0 / -1. */
int wizard_live_summary(const struct wizard_live *l, struct wizard_summary *out);
void wizard_summary_free(struct wizard_summary *s);
/* The endpoints found in a journal document (journal.h's layout); for
 * wizard_live_summary and the tests. 0 / -1. */
int wizard_endpoints_from_journal(const void *journal_doc, struct wizard_summary *out);

/* A failed step as a person needs it: AWS's error code, its message and
 * the request id to quote to support, where it happened, and whether the
 * user cancelled it. Strings are empty when unknown. */
struct wizard_failure {
	char code[128];
	char message[512];
	char request_id[128];
	char where[256];
	char kind[128]; /* translated family ("AWS refused the request", ...) */
	bool cancelled;
	bool not_available; /* the build lacks the module that does this */
	/* Nothing vouches for the bastion's host key (no fingerprints on its
	 * console, no pin): the fingerprint it showed, to show and ask about
	 * (wizard_live_trust_host_key); "" otherwise. */
	char host_key[96];
};

void wizard_failure_view(const struct aws_error *err, struct wizard_failure *out);

#endif
