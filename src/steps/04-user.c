/* 04-user.c - guide section 4, "Create IAM User", and its key pair.
 *
 * The user gets the two AWS managed policies the guide names and the
 * policy of section 3 (plus the metering policy for Marketplace images).
 * The EC2 key pair is imported from ssh_key_file's public half when given
 * (a blob: base64 on the wire, which the serialiser expects us to supply);
 * otherwise created, and its private key goes to <state-dir>/<name>-key.pem
 * (0600) and never into the journal. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "plan-build.h"
#include "util/buf.h"

static void attach(struct plan *p, const char *key, const char *policy_arn)
{
	struct plan_action *a;

	a = plan_add(p, 4, PLAN_CONFIGURE, key, "iam:user-policy-attachment",
		     policy_arn, "iam", "AttachUserPolicy",
		     pj(p, "{'UserName': '${user.id}', 'PolicyArn': %s}", policy_arn));
	(void)a;
}

/* The public key beside a private key file (ssh-keygen writes FILE.pub). */
static char *read_public_key(const char *private_file, struct aws_error *err)
{
	char path[4096];
	char line[16384];
	FILE *f;
	char *nl;

	snprintf(path, sizeof path, "%s.pub", private_file);
	f = fopen(path, "r");
	if (!f) {
		aws_error_set(err, AWS_ERR_INPUT, "ssh_key_file",
			      _("ssh_key_file: cannot read the public key %s: %s"),
			      path, strerror(errno));
		return NULL;
	}
	if (!fgets(line, sizeof line, f)) {
		fclose(f);
		aws_error_set(err, AWS_ERR_INPUT, "ssh_key_file",
			      _("ssh_key_file: %s is empty"), path);
		return NULL;
	}
	fclose(f);
	nl = strpbrk(line, "\r\n");
	if (nl)
		*nl = '\0';
	return strdup(line);
}

static int user_plan(const struct spec *s, struct plan *p, struct aws_error *err)
{
	char name[160], file[200];
	struct plan_action *a;

	plan_name(name, sizeof name, s, "-user");
	a = plan_add(p, 4, PLAN_CREATE, "user", "iam:user", name, "iam", "CreateUser",
		     pj(p, "{'UserName': %s, 'Tags': %j}", name,
			plan_kv_tags(p, s, name, "Key", "Value")));
	plan_set_id(p, a, "User.UserName", "User.Arn");
	plan_set_find(p, a, "iam", "GetUser", pj(p, "{'UserName': %s}", name),
		      "User.UserName", "User.Arn", "NoSuchEntity");
	attach(p, "user-policy-ecs", "arn:aws:iam::aws:policy/AmazonECS_FullAccess");
	attach(p, "user-policy-efs",
	       "arn:aws:iam::aws:policy/AmazonElasticFileSystemFullAccess");
	attach(p, "user-policy-custom", "${policy.arn}");
	if (s->marketplace)
		attach(p, "user-policy-metering",
		       "arn:aws:iam::aws:policy/AWSMarketplaceMeteringRegisterUsage");

	plan_name(name, sizeof name, s, "-key");
	if (s->ssh_key_file && *s->ssh_key_file) {
		char *pub = read_public_key(s->ssh_key_file, err);
		if (!pub)
			return -1;
		a = plan_add(p, 4, PLAN_CREATE, "keypair", "ec2:key-pair", name, "ec2",
			     "ImportKeyPair",
			     pj(p, "{'KeyName': %s, 'PublicKeyMaterial': {'$base64': %s}, "
				   "'TagSpecifications': %j}",
				name, pub, plan_ec2_tags(p, s, "key-pair", name)));
		free(pub);
	} else {
		/* ed25519: libssh2 signs RSA keys with SHA-1 only, which the
		 * OpenSSH of Amazon Linux 2023 refuses. AWS returns such a key
		 * in OpenSSH's format, which libssh2 reads. */
		a = plan_add(p, 4, PLAN_CREATE, "keypair", "ec2:key-pair", name, "ec2",
			     "CreateKeyPair",
			     pj(p, "{'KeyName': %s, 'KeyType': 'ed25519', 'KeyFormat': 'pem', "
				   "'TagSpecifications': %j}",
				name, plan_ec2_tags(p, s, "key-pair", name)));
		snprintf(file, sizeof file, "%s-key.pem", s->name);
		plan_set_secret(p, a, "KeyMaterial", file);
		/* A run killed between CreateKeyPair's answer and the key file
		 * leaves a key pair nobody can use: delete it and make another. */
		plan_set_lost_secret(p, a, "ec2", "DeleteKeyPair",
				     pj(p, "{'KeyName': %s}", name));
	}
	plan_set_id(p, a, "KeyName", NULL);
	plan_set_find(p, a, "ec2", "DescribeKeyPairs",
		      pj(p, "{'KeyNames': [%s]}", name), "KeyPairs[0].KeyName", NULL,
		      "InvalidKeyPair.NotFound");
	return 0;
}

static const char *const user_fields[] = { "marketplace", "ssh_key_file", NULL };

const struct step step_user = {
	.id = "04-user",
	.section = 4,
	.title = N_("Create IAM User"),
	.summary = N_("A user for running the deployment with ECS and EFS full "
		      "access and the policy above, and the SSH key pair for the "
		      "hosts."),
	.fields = user_fields,
	.plan = user_plan,
};
