/* bastion.h - the deployment's bastion, once it runs: the session to it
 * (host key verified) and the plan's local:license action done over it.
 *
 * The bastion is the journal's "bastion" instance. Its address comes from
 * DescribeInstances; its host key is checked against, in order, what the
 * state dir's known_hosts recorded for the instance id, the fingerprints
 * cloud-init printed on its console (GetConsoleOutput, Latest), the
 * user's --ssh-host-key pin, and --accept-new-host-key (hostkey.h). The
 * private key is the spec's ssh_key_file or the key pair's file that the
 * engine saved in the state dir.
 *
 * Waits (the instance starting, sshd coming up, cloud-init printing its
 * fingerprints) are bounded and scaled by the engine's delay_scale like
 * the waiters. Progress goes out as engine events; nothing here prints,
 * and the license's bytes never reach a message, the journal or a log. */
#ifndef ECSW_BASTION_H
#define ECSW_BASTION_H

#include <signal.h>

#include "aws/client.h"
#include "engine.h"
#include "ssh.h"

struct bastion_config {
	struct aws_client *client;               /* borrowed */
	const struct aws_connect_to *connect_to; /* --connect-to; borrowed */
	int connect_to_count;
	const char *pinned_fp;                   /* --ssh-host-key, or NULL */
	int accept_new;                          /* --accept-new-host-key */
	volatile sig_atomic_t *cancel;           /* borrowed; may be NULL */
};

/* Open a verified, authenticated session to the deployment's bastion,
 * waiting for it to run and for sshd to answer. *out is the caller's
 * (ssh_session_free). 0, or -1 with err set (where names the hop). */
int bastion_open(const struct bastion_config *cfg, struct engine *e,
		 struct ssh_session **out, struct aws_error *err);

/* Register the "license" local operation with the engine. cfg is borrowed
 * and must outlive e's runs. 0 / -1. */
int bastion_register_license(struct engine *e, const struct bastion_config *cfg);

/* Sleep up to seconds, in short naps, returning -1 early (err set to
 * AWS_ERR_CANCELLED) when cfg->cancel is raised. For bounded retries. */
int bastion_nap(const struct bastion_config *cfg, double seconds,
		struct aws_error *err);

/* Seconds since an arbitrary start, monotonic. */
double bastion_now(void);

#endif
