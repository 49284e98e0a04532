/* creds.c - finding AWS credentials and the region the way the SDKs do.
 * See creds.h.
 *
 * Contract: the chain is botocore's, minus the providers we do not need
 * (SSO, web identity, containers):
 *   1. environment (skipped when a profile is named explicitly with
 *      --profile, as botocore does; AWS_PROFILE does not skip it);
 *   2. the profile: role_arn (+ source_profile or credential_source) ->
 *      STS AssumeRole; static keys from the credentials file;
 *      credential_process; static keys from the config file;
 *   3. EC2 instance metadata (IMDSv2), unless no_imds or disabled.
 * A profile named explicitly (--profile or AWS_PROFILE) that is in neither
 * file is an error; a missing "default" profile is not. A file named by
 * AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE must exist; the default
 * ~/.aws files may be absent. Broken files are errors with file:line, never
 * skipped. Secrets are wiped when freed. */
#include "config.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>


#include "aws/creds.h"
#include "aws/creds_internal.h"
#include "aws/imds.h"
#include "aws/ini.h"
#include "i18n.h"

/* role_arn chains longer than this are surely a loop. */
#define MAX_ROLE_CHAIN 8

static void nomem(struct aws_error *err)
{
	aws_error_set(err, AWS_ERR_NOMEM, "OutOfMemory", "%s", _("out of memory"));
}

/* ---- the files ------------------------------------------------------- */

struct profile_files {
	char *cred_path;
	char *conf_path;
	struct ini_file *cred;
	struct ini_file *conf;
};

static void files_free(struct profile_files *f)
{
	free(f->cred_path);
	free(f->conf_path);
	ini_free(f->cred);
	ini_free(f->conf);
	memset(f, 0, sizeof(*f));
}

static const char *home_dir(void)
{
	const char *h = getenv("HOME");
	struct passwd *pw;

	if (h && *h)
		return h;
	pw = getpwuid(getuid());
	return pw && pw->pw_dir ? pw->pw_dir : "/";
}

/* The path in env_var (with ~ expanded, as botocore does) or the default
 * ~/.aws/<name>. *explicit_out says whether the variable named it. */
static char *file_path(const char *env_var, const char *name, int *explicit_out)
{
	const char *v = getenv(env_var);
	char *p;
	size_t n;

	*explicit_out = v && *v;
	if (*explicit_out && !(v[0] == '~' && (v[1] == '/' || !v[1])))
		return strdup(v);
	if (*explicit_out) {
		n = strlen(home_dir()) + strlen(v) + 1;
		p = malloc(n);
		if (p)
			snprintf(p, n, "%s%s", home_dir(), v + 1);
		return p;
	}
	n = strlen(home_dir()) + strlen(name) + 8;
	p = malloc(n);
	if (p)
		snprintf(p, n, "%s/.aws/%s", home_dir(), name);
	return p;
}

static int files_load(struct profile_files *f, int want_cred,
		      struct aws_error *err)
{
	int explicit_cred = 0, explicit_conf = 0;

	memset(f, 0, sizeof(*f));
	f->cred_path = file_path("AWS_SHARED_CREDENTIALS_FILE", "credentials",
				 &explicit_cred);
	f->conf_path = file_path("AWS_CONFIG_FILE", "config", &explicit_conf);
	if (!f->cred_path || !f->conf_path) {
		nomem(err);
		return -1;
	}
	if (want_cred && ini_load(f->cred_path, !explicit_cred, &f->cred, err) < 0)
		return -1;
	if (ini_load(f->conf_path, !explicit_conf, &f->conf, err) < 0)
		return -1;
	return 0;
}

/* The config file's section for profile: "[profile NAME]", or "[default]"
 * (or "[profile default]") for the default profile. Borrowed or NULL. */
static const char *conf_section(const struct ini_file *conf, const char *profile)
{
	if (!conf)
		return NULL;
	for (size_t i = 0; i < conf->section_count; i++) {
		const char *s = conf->sections[i];

		if (strcmp(profile, "default") == 0 && strcmp(s, "default") == 0)
			return s;
		if (strncmp(s, "profile", 7) == 0 && (s[7] == ' ' || s[7] == '\t')) {
			const char *n = s + 8;

			while (*n == ' ' || *n == '\t')
				n++;
			if (strcmp(n, profile) == 0)
				return s;
		}
	}
	return NULL;
}

static int profile_exists(const struct profile_files *f, const char *profile)
{
	return ini_has_section(f->cred, profile) || conf_section(f->conf, profile);
}

/* A profile setting: the credentials file wins over the config file, as in
 * botocore's merged view. *from (optional) gets the file's path. */
static const char *prof_get(const struct profile_files *f, const char *profile,
			    const char *key, const struct ini_entry **entry)
{
	const struct ini_entry *e = ini_find(f->cred, profile, key);
	const char *sec;

	if (!e && (sec = conf_section(f->conf, profile)))
		e = ini_find(f->conf, sec, key);
	if (entry)
		*entry = e;
	return e && *e->value ? e->value : NULL;
}

static void profile_not_found(const struct profile_files *f, const char *profile,
			      struct aws_error *err)
{
	aws_error_set(err, AWS_ERR_CONFIG, "ProfileNotFound",
		      _("profile \"%s\" is not in %s nor in %s"), profile,
		      f->cred_path, f->conf_path);
	aws_error_where(err, "profile %s", profile);
}

/* Static keys from one file's section. 1 found, 0 none, -1 partial. */
static int static_keys(const struct ini_file *ini, const char *section,
		       const char *profile, const char *what,
		       struct aws_creds **out, struct aws_error *err)
{
	const struct ini_entry *ak, *sk, *tok;
	char source[300];

	if (!ini || !section)
		return 0;
	ak = ini_find(ini, section, "aws_access_key_id");
	sk = ini_find(ini, section, "aws_secret_access_key");
	tok = ini_find(ini, section, "aws_session_token");
	if (!tok)
		tok = ini_find(ini, section, "aws_security_token");
	if (!ak && !sk)
		return 0;
	if (!ak || !sk || !*ak->value || !*sk->value) {
		const struct ini_entry *e = ak ? ak : sk;

		aws_error_set(err, AWS_ERR_CONFIG, "PartialCredentials",
			      _("profile %s sets %s without %s"), profile,
			      (ak && *ak->value) ? "aws_access_key_id" : "aws_secret_access_key",
			      (ak && *ak->value) ? "aws_secret_access_key" : "aws_access_key_id");
		aws_error_where(err, "%s:%d", ini->path, e->line);
		return -1;
	}
	snprintf(source, sizeof(source), "profile %s (%s)", profile, what);
	*out = aws_creds_new(ak->value, sk->value,
			     tok && *tok->value ? tok->value : NULL, source);
	if (!*out) {
		nomem(err);
		return -1;
	}
	return 1;
}

/* ---- the providers --------------------------------------------------- */

/* 1 found, 0 not set, -1 half set. */
static int from_env(struct aws_creds **out, struct aws_error *err)
{
	const char *ak = getenv("AWS_ACCESS_KEY_ID");
	const char *sk = getenv("AWS_SECRET_ACCESS_KEY");
	const char *tok = getenv("AWS_SESSION_TOKEN");

	if (!tok || !*tok)
		tok = getenv("AWS_SECURITY_TOKEN");
	ak = ak && *ak ? ak : NULL;
	sk = sk && *sk ? sk : NULL;
	if (!ak && !sk)
		return 0;
	if (!ak || !sk) {
		aws_error_set(err, AWS_ERR_CREDENTIALS, "PartialCredentials",
			      _("%s is set but %s is not: set both or neither"),
			      ak ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY",
			      ak ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID");
		aws_error_where(err, "environment");
		return -1;
	}
	*out = aws_creds_new(ak, sk, tok && *tok ? tok : NULL, "environment");
	if (!*out) {
		nomem(err);
		return -1;
	}
	return 1;
}

struct chain {
	const struct aws_creds_options *opt;
	struct profile_files files;
	const char *visited[MAX_ROLE_CHAIN + 1];
	int nvisited;
};

static int resolve_profile(struct chain *ch, const char *profile, int as_source,
			   struct aws_creds **out, struct aws_error *err);

/* credential_source = Environment | Ec2InstanceMetadata. */
static int from_credential_source(const char *src, const char *profile,
				  struct aws_creds **out, struct aws_error *err)
{
	int r;

	if (strcmp(src, "Environment") == 0) {
		r = from_env(out, err);
		if (r == 0) {
			aws_error_set(err, AWS_ERR_CREDENTIALS, "NoCredentials",
				      _("profile %s takes its source credentials from the environment, but AWS_ACCESS_KEY_ID is not set"),
				      profile);
			return -1;
		}
		return r < 0 ? -1 : 0;
	}
	if (strcmp(src, "Ec2InstanceMetadata") == 0)
		return aws_imds_credentials(out, err);
	aws_error_set(err, AWS_ERR_CONFIG, "InvalidCredentialSource",
		      _("profile %s: credential_source \"%s\" is not supported (use Environment or Ec2InstanceMetadata)"),
		      profile, src);
	return -1;
}

static int assume_role(struct chain *ch, const char *profile,
		       struct aws_creds **out, struct aws_error *err)
{
	const struct profile_files *f = &ch->files;
	const char *src_profile = prof_get(f, profile, "source_profile", NULL);
	const char *cred_source = prof_get(f, profile, "credential_source", NULL);
	struct creds_assume_role ar;
	struct aws_creds *source = NULL;
	int rc = -1;

	if (!src_profile == !cred_source) {
		const struct ini_entry *e;

		prof_get(f, profile, "role_arn", &e);
		aws_error_set(err, AWS_ERR_CONFIG, "InvalidRoleProfile",
			      src_profile ?
				      _("profile %s sets both source_profile and credential_source; set one") :
				      _("profile %s sets role_arn but neither source_profile nor credential_source"),
			      profile);
		aws_error_where(err, "%s:%d", e ? (ini_find(f->cred, profile, "role_arn") == e ?
						   f->cred_path : f->conf_path) : "?",
				e ? e->line : 0);
		return -1;
	}
	if (cred_source) {
		if (from_credential_source(cred_source, profile, &source, err) < 0)
			goto out;
	} else {
		for (int i = 0; i < ch->nvisited; i++) {
			if (strcmp(ch->visited[i], src_profile) == 0 &&
			    !(prof_get(f, src_profile, "aws_access_key_id", NULL) &&
			      strcmp(src_profile, profile) == 0)) {
				aws_error_set(err, AWS_ERR_CONFIG, "InfiniteLoopConfig",
					      _("source_profile of profile %s leads back to profile %s"),
					      profile, src_profile);
				aws_error_where(err, "profile %s", profile);
				goto out;
			}
		}
		if (ch->nvisited >= MAX_ROLE_CHAIN) {
			aws_error_set(err, AWS_ERR_CONFIG, "InfiniteLoopConfig",
				      _("profile %s: more than %d roles chained through source_profile"),
				      profile, MAX_ROLE_CHAIN);
			goto out;
		}
		if (!profile_exists(f, src_profile)) {
			aws_error_set(err, AWS_ERR_CONFIG, "ProfileNotFound",
				      _("source_profile \"%s\" of profile %s is not in %s nor in %s"),
				      src_profile, profile, f->cred_path, f->conf_path);
			aws_error_where(err, "profile %s", profile);
			goto out;
		}
		ch->visited[ch->nvisited++] = src_profile;
		if (resolve_profile(ch, src_profile, 1, &source, err) < 0)
			goto out;
		if (!source) {
			aws_error_set(err, AWS_ERR_CREDENTIALS, "NoCredentials",
				      _("source_profile \"%s\" of profile %s has no credentials"),
				      src_profile, profile);
			aws_error_where(err, "profile %s", src_profile);
			goto out;
		}
	}
	memset(&ar, 0, sizeof(ar));
	ar.profile = profile;
	ar.role_arn = prof_get(f, profile, "role_arn", NULL);
	ar.role_session_name = prof_get(f, profile, "role_session_name", NULL);
	ar.external_id = prof_get(f, profile, "external_id", NULL);
	ar.duration_seconds = prof_get(f, profile, "duration_seconds", NULL);
	ar.mfa_serial = prof_get(f, profile, "mfa_serial", NULL);
	rc = creds_assume_role(source, &ar, ch->opt, out, err);
out:
	aws_creds_free(source);
	return rc;
}

/* Credentials from one profile: 0 with *out set, 0 with *out NULL when the
 * profile provides none, -1 on error. A source profile's static keys win
 * over its own role_arn (botocore's rule for chains). */
static int resolve_profile(struct chain *ch, const char *profile, int as_source,
			   struct aws_creds **out, struct aws_error *err)
{
	const struct profile_files *f = &ch->files;
	const char *csec = conf_section(f->conf, profile);
	const char *process;
	int r;

	*out = NULL;
	if (as_source || !prof_get(f, profile, "role_arn", NULL)) {
		r = static_keys(f->cred, ini_has_section(f->cred, profile) ? profile : NULL,
				profile, "credentials file", out, err);
		if (r)
			return r < 0 ? -1 : 0;
	}
	if (prof_get(f, profile, "role_arn", NULL))
		return assume_role(ch, profile, out, err);
	process = prof_get(f, profile, "credential_process", NULL);
	if (process)
		return creds_from_process(process, profile, out, err);
	r = static_keys(f->conf, csec, profile, "config file", out, err);
	return r < 0 ? -1 : 0;
}

int aws_creds_resolve(const struct aws_creds_options *opt,
		      struct aws_creds **out, struct aws_error *err)
{
	static const struct aws_creds_options none;
	struct chain ch;
	const char *profile;
	int explicit_profile, r, rc = -1;
	struct aws_error imds_err;

	*out = NULL;
	if (!opt)
		opt = &none;
	memset(&ch, 0, sizeof(ch));
	ch.opt = opt;
	explicit_profile = opt->profile && *opt->profile;

	if (!explicit_profile) {
		r = from_env(out, err);
		if (r)
			return r < 0 ? -1 : 0;
	}

	profile = explicit_profile ? opt->profile : getenv("AWS_PROFILE");
	if (!explicit_profile && profile && *profile)
		explicit_profile = 1;
	if (!profile || !*profile)
		profile = "default";
	if (files_load(&ch.files, 1, err) < 0)
		goto out;
	if (!profile_exists(&ch.files, profile)) {
		if (explicit_profile) {
			profile_not_found(&ch.files, profile, err);
			goto out;
		}
	} else {
		ch.visited[ch.nvisited++] = profile;
		if (resolve_profile(&ch, profile, 0, out, err) < 0)
			goto out;
		if (*out) {
			rc = 0;
			goto out;
		}
	}

	aws_error_clear(&imds_err);
	if (!opt->no_imds && aws_imds_enabled()) {
		if (aws_imds_credentials(out, &imds_err) == 0) {
			rc = 0;
			goto out;
		}
		/* An instance that answers but gives nothing usable is worth
		 * reporting; "not on EC2" is just the end of the chain. */
		if (imds_err.kind != AWS_ERR_NETWORK &&
		    imds_err.kind != AWS_ERR_TIMEOUT) {
			*err = imds_err;
			goto out;
		}
	}
	aws_error_set(err, AWS_ERR_CREDENTIALS, "NoCredentials",
		      _("no AWS credentials found: looked in the environment, profile \"%s\" of %s and %s%s"),
		      profile, ch.files.cred_path, ch.files.conf_path,
		      opt->no_imds || !aws_imds_enabled() ? "" :
							  _(", and instance metadata"));
out:
	files_free(&ch.files);
	return rc;
}

char *aws_region_resolve(const char *explicit_region, const char *profile,
			 struct aws_error *err)
{
	const char *env_vars[] = { "AWS_REGION", "AWS_DEFAULT_REGION" };
	struct profile_files f;
	const char *sec, *v;
	char *res = NULL;

	if (explicit_region && *explicit_region)
		return strdup(explicit_region);
	for (int i = 0; i < 2; i++) {
		v = getenv(env_vars[i]);
		if (v && *v)
			return strdup(v);
	}
	if (!profile || !*profile)
		profile = getenv("AWS_PROFILE");
	if (!profile || !*profile)
		profile = "default";
	if (files_load(&f, 0, err) < 0)
		goto out;
	sec = conf_section(f.conf, profile);
	v = sec ? ini_get(f.conf, sec, "region") : NULL;
	if (v && *v) {
		res = strdup(v);
		if (!res)
			nomem(err);
		goto out;
	}
	aws_error_set(err, AWS_ERR_CONFIG, "NoRegion",
		      _("no AWS region: pass --region, set AWS_REGION, or set region in profile \"%s\" of %s"),
		      profile, f.conf_path);
out:
	files_free(&f);
	return res;
}
