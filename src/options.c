/* options.c - global options: getopt_long over the whole argv.
 *
 * GNU getopt_long permutes argv so options after the subcommand are seen
 * too; the first non-option word is the subcommand and the rest are its
 * positional arguments. We print nothing here: a usage error comes back as
 * one translated line for cli.c to show with exit status 2. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hostkey.h"
#include "i18n.h"
#include "options.h"

enum {
	OPT_REGION = 256,
	OPT_PROFILE,
	OPT_ENDPOINT_URL,
	OPT_STATE_DIR,
	OPT_LOG,
	OPT_CONNECT_TO,
	OPT_OUTPUT,
	OPT_SPEC,
	OPT_NAME,
	OPT_MFA_TOKEN,
	OPT_SSH_HOST_KEY,
	OPT_ACCEPT_NEW_HOST_KEY,
	OPT_NO_BASTION,
	OPT_DRY_RUN,
	OPT_DELETE_IMAGES,
	OPT_FORMAT,
	OPT_REFRESH_PRICES,
	OPT_NO_COLOR,
};

static const struct option long_options[] = {
	{ "region", required_argument, NULL, OPT_REGION },
	{ "profile", required_argument, NULL, OPT_PROFILE },
	{ "endpoint-url", required_argument, NULL, OPT_ENDPOINT_URL },
	{ "state-dir", required_argument, NULL, OPT_STATE_DIR },
	{ "log", required_argument, NULL, OPT_LOG },
	{ "connect-to", required_argument, NULL, OPT_CONNECT_TO },
	{ "output", required_argument, NULL, OPT_OUTPUT },
	{ "yes", no_argument, NULL, 'y' },
	{ "spec", required_argument, NULL, OPT_SPEC },
	{ "name", required_argument, NULL, OPT_NAME },
	{ "mfa-token", required_argument, NULL, OPT_MFA_TOKEN },
	{ "ssh-host-key", required_argument, NULL, OPT_SSH_HOST_KEY },
	{ "accept-new-host-key", no_argument, NULL, OPT_ACCEPT_NEW_HOST_KEY },
	{ "no-bastion", no_argument, NULL, OPT_NO_BASTION },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "delete-images", no_argument, NULL, OPT_DELETE_IMAGES },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "refresh-prices", no_argument, NULL, OPT_REFRESH_PRICES },
	{ "no-color", no_argument, NULL, OPT_NO_COLOR },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* Directory under an XDG variable, or under $HOME/fallback. The XDG base
 * directory spec says relative values are invalid and must be ignored. */
static char *xdg_dir(const char *var, const char *fallback)
{
	const char *base = getenv(var);
	const char *home = getenv("HOME");
	char *out = NULL;
	int n;

	if (base && base[0] == '/')
		n = asprintf(&out, "%s/%s", base, PACKAGE);
	else if (home && home[0] == '/')
		n = asprintf(&out, "%s/%s/%s", home, fallback, PACKAGE);
	else
		return NULL;
	return n < 0 ? NULL : out;
}

char *ew_default_state_dir(void)
{
	return xdg_dir("XDG_STATE_HOME", ".local/state");
}

char *ew_default_config_dir(void)
{
	return xdg_dir("XDG_CONFIG_HOME", ".config");
}

/* The transport's parser (one meaning of --connect-to for the whole
 * program), with the error worded for the command line. */
int ew_connect_to_parse(const char *text, struct aws_connect_to *rule,
			char *err, size_t err_size)
{
	struct aws_error e;

	aws_error_clear(&e);
	if (aws_connect_to_parse(text, rule, &e) == 0)
		return 0;
	snprintf(err, err_size,
		 _("--connect-to: '%s' is not HOST1:PORT1:HOST2:PORT2"), text);
	return -1;
}

/* Replace *slot with a copy of value (a repeated option: last one wins). */
static int set_string(char **slot, const char *value)
{
	char *copy = strdup(value);

	if (!copy)
		return -1;
	free(*slot);
	*slot = copy;
	return 0;
}

static int add_connect_to(struct ew_options *o, const char *text,
			  char *err, size_t err_size)
{
	struct aws_connect_to rule;
	struct aws_connect_to *grown;

	if (ew_connect_to_parse(text, &rule, err, err_size) < 0)
		return -1;
	grown = realloc(o->connect_to,
			sizeof(*grown) * (size_t)(o->connect_to_count + 1));
	if (!grown) {
		aws_connect_to_free(&rule);
		snprintf(err, err_size, "%s", strerror(ENOMEM));
		return -1;
	}
	o->connect_to = grown;
	o->connect_to[o->connect_to_count++] = rule;
	return 0;
}

/* The option as the user typed it, for messages: argv[optind-1] is the
 * word getopt just consumed (or the one carrying the missing argument). */
static const char *current_word(int argc, char **argv)
{
	if (optind >= 1 && optind - 1 < argc)
		return argv[optind - 1];
	return "?";
}

/* "--yes=3": a known option that takes no value, given one. */
static int is_flag_given_value(const char *word)
{
	const char *eq = strchr(word, '=');
	size_t i;

	if (strncmp(word, "--", 2) != 0 || !eq)
		return 0;
	for (i = 0; long_options[i].name; i++)
		if (long_options[i].has_arg == no_argument &&
		    strlen(long_options[i].name) == (size_t)(eq - word - 2) &&
		    strncmp(long_options[i].name, word + 2,
			    (size_t)(eq - word - 2)) == 0)
			return 1;
	return 0;
}

/* Append a positional word: the first is the subcommand. */
static int add_word(struct ew_options *o, const char *word)
{
	char **grown;

	if (!o->command)
		return set_string(&o->command, word);
	grown = realloc(o->args, sizeof(*grown) * (size_t)(o->nargs + 1));
	if (!grown)
		return -1;
	o->args = grown;
	o->args[o->nargs] = strdup(word);
	if (!o->args[o->nargs])
		return -1;
	o->nargs++;
	return 0;
}

int ew_options_parse(int argc, char **argv, struct ew_options *o,
		     char *err, size_t err_size)
{
	const char *no_color = getenv("NO_COLOR");
	int rc = -1;
	int i;

	memset(o, 0, sizeof(*o));
	err[0] = '\0';
	/* optind = 0 makes glibc start afresh, so tests can parse many times
	 * in one process; opterr = 0: we word the errors ourselves. A leading
	 * '-' hands us each non-option word in order (code 1) whatever
	 * POSIXLY_CORRECT says, so options may follow the subcommand; ':'
	 * reports a missing value apart from an unknown option. */
	optind = 0;
	opterr = 0;
	for (;;) {
		int c = getopt_long(argc, argv, "-:hVy", long_options, NULL);
		int r = 0;

		if (c == -1)
			break;
		switch (c) {
		case 1: r = add_word(o, optarg); break;
		case OPT_REGION: r = set_string(&o->region, optarg); break;
		case OPT_PROFILE: r = set_string(&o->profile, optarg); break;
		case OPT_ENDPOINT_URL: r = set_string(&o->endpoint_url, optarg); break;
		case OPT_STATE_DIR: r = set_string(&o->state_dir, optarg); break;
		case OPT_LOG: r = set_string(&o->log_file, optarg); break;
		case OPT_SPEC: r = set_string(&o->spec_file, optarg); break;
		case OPT_NAME: r = set_string(&o->name, optarg); break;
		case OPT_MFA_TOKEN: r = set_string(&o->mfa_token, optarg); break;
		case OPT_SSH_HOST_KEY:
			if (!hostkey_fp_valid(optarg)) {
				snprintf(err, err_size,
					 _("--ssh-host-key: '%s' is not SHA256: followed by "
					   "43 base64 characters (ssh-keygen -lf KEY -E sha256)"),
					 optarg);
				goto out;
			}
			r = set_string(&o->ssh_host_key, optarg);
			break;
		case OPT_FORMAT: r = set_string(&o->format, optarg); break;
		case OPT_CONNECT_TO:
			if (add_connect_to(o, optarg, err, err_size) < 0)
				goto out;
			break;
		case OPT_OUTPUT:
			if (strcmp(optarg, "json") == 0) {
				o->output_json = true;
			} else if (strcmp(optarg, "text") == 0) {
				o->output_json = false;
			} else {
				/* export's file; other commands refuse it
				 * (cli_parse, once the command is known). */
				r = set_string(&o->output_file, optarg);
			}
			break;
		case 'y': o->yes = true; break;
		case OPT_ACCEPT_NEW_HOST_KEY: o->accept_new_host_key = true; break;
		case OPT_NO_BASTION: o->no_bastion = true; break;
		case OPT_DRY_RUN: o->dry_run = true; break;
		case OPT_DELETE_IMAGES: o->delete_images = true; break;
		case OPT_REFRESH_PRICES: o->refresh_prices = true; break;
		case OPT_NO_COLOR: o->no_color = true; break;
		case 'h': o->help = true; break;
		case 'V': o->version = true; break;
		case ':':
			snprintf(err, err_size, _("option '%s' needs a value"),
				 current_word(argc, argv));
			goto out;
		default:
			/* '?': an unknown option, an ambiguous abbreviation, or
			 * a value given to an option that takes none. */
			if (is_flag_given_value(current_word(argc, argv)))
				snprintf(err, err_size,
					 _("option '%.*s' takes no value"),
					 (int)strcspn(current_word(argc, argv), "="),
					 current_word(argc, argv));
			else if (optopt > 0 && optopt < 256 &&
			    strncmp(current_word(argc, argv), "--", 2) != 0)
				snprintf(err, err_size, _("unknown option '-%c'"),
					 optopt);
			else
				snprintf(err, err_size, _("unknown option '%s'"),
					 current_word(argc, argv));
			goto out;
		}
		if (r < 0)
			goto nomem;
	}
	/* Words after "--" are positional too. */
	for (i = optind; i < argc; i++)
		if (add_word(o, argv[i]) < 0)
			goto nomem;
	if (no_color && no_color[0])
		o->no_color = true; /* https://no-color.org */
	if (!o->state_dir)
		o->state_dir = ew_default_state_dir();
	o->config_dir = ew_default_config_dir();
	rc = 0;
	goto out;
nomem:
	snprintf(err, err_size, "%s", strerror(ENOMEM));
out:
	if (rc < 0)
		ew_options_free(o);
	return rc;
}

void ew_options_free(struct ew_options *o)
{
	int i;

	free(o->region);
	free(o->profile);
	free(o->endpoint_url);
	free(o->state_dir);
	free(o->config_dir);
	free(o->log_file);
	for (i = 0; i < o->connect_to_count; i++)
		aws_connect_to_free(&o->connect_to[i]);
	free(o->connect_to);
	free(o->spec_file);
	free(o->name);
	if (o->mfa_token) {
		/* A one-time code, but a code all the same. */
		memset(o->mfa_token, 0, strlen(o->mfa_token));
		free(o->mfa_token);
	}
	free(o->ssh_host_key);
	free(o->format);
	free(o->output_file);
	free(o->command);
	for (i = 0; i < o->nargs; i++)
		free(o->args[i]);
	free(o->args);
	memset(o, 0, sizeof(*o));
}
