/* endpoint.c - the URL and signing region of a service. See endpoint.h.
 * URLs are taken apart by libcurl's URL API, the same parser that will
 * later connect to them, so what we sign is what curl sends. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "aws/endpoint.h"
#include "i18n.h"

/* botocore's endpoints.json, partitions "aws" and "aws-cn". */
static const char *const known_regions[] = {
	"af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1",
	"ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-south-2",
	"ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4",
	"ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "ca-central-1",
	"ca-west-1", "eu-central-1", "eu-central-2", "eu-north-1",
	"eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3",
	"il-central-1", "me-central-1", "me-south-1", "mx-central-1",
	"sa-east-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2",
	"cn-north-1", "cn-northwest-1",
	NULL,
};

int endpoint_region_known(const char *region)
{
	if (!region)
		return 0;
	for (size_t i = 0; known_regions[i]; i++)
		if (strcmp(known_regions[i], region) == 0)
			return 1;
	return 0;
}

const char *endpoint_dns_suffix(const char *region)
{
	if (region && strncmp(region, "cn-", 3) == 0)
		return "amazonaws.com.cn";
	return "amazonaws.com";
}

void endpoint_free(struct aws_endpoint *ep)
{
	if (!ep)
		return;
	free(ep->url);
	free(ep->scheme);
	free(ep->host);
	free(ep->authority);
	free(ep->base_path);
	free(ep->signing_region);
	memset(ep, 0, sizeof(*ep));
}

char *endpoint_env_name(const char *service_id)
{
	static const char prefix[] = "AWS_ENDPOINT_URL_";
	size_t n = strlen(service_id);
	char *s = malloc(sizeof(prefix) + n);

	if (!s)
		return NULL;
	memcpy(s, prefix, sizeof(prefix) - 1);
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)service_id[i];

		s[sizeof(prefix) - 1 + i] =
			(ch == ' ' || ch == '-') ? '_' : (char)toupper(ch);
	}
	s[sizeof(prefix) - 1 + n] = '\0';
	return s;
}

/* A region must be one DNS label's worth of [a-z0-9-]: it goes into a
 * host name, and "us-east-1.evil.example/" must not. */
static int region_valid(const char *region)
{
	size_t n = strlen(region);

	if (!n || n > 63 || region[0] == '-' || region[n - 1] == '-')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!(islower((unsigned char)region[i]) ||
		      isdigit((unsigned char)region[i]) || region[i] == '-'))
			return 0;
	return 1;
}

static int env_true(const char *name)
{
	const char *v = getenv(name);

	return v && strcasecmp(v, "true") == 0;
}

/* The configured endpoint URL, or NULL: config, per-service env, global env. */
static const char *configured_url(const struct aws_service_model *svc,
				  const char *endpoint_url, int *oom)
{
	const char *v;
	char *name;

	*oom = 0;
	if (endpoint_url && *endpoint_url)
		return endpoint_url;
	if (env_true("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"))
		return NULL;
	if (svc->service_id) {
		name = endpoint_env_name(svc->service_id);
		if (!name) {
			*oom = 1;
			return NULL;
		}
		v = getenv(name);
		free(name);
		if (v && *v)
			return v;
	}
	v = getenv("AWS_ENDPOINT_URL");
	if (v && *v)
		return v;
	return NULL;
}

/* Take a URL apart into ep. */
static int parse_url(const char *url, struct aws_endpoint *ep,
		     struct aws_error *err)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL, *path = NULL;
	char *query = NULL, *user = NULL, *fragment = NULL;
	size_t plen;
	int ret = -1;

	if (!u) {
		aws_error_set(err, AWS_ERR_NOMEM, "NoMemory", _("out of memory"));
		return -1;
	}
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK) {
		aws_error_set(err, AWS_ERR_CONFIG, "InvalidEndpoint",
			      _("not a URL: %s"), url);
		goto out;
	}
	curl_url_get(u, CURLUPART_SCHEME, &scheme, 0);
	curl_url_get(u, CURLUPART_HOST, &host, 0);
	curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT);
	curl_url_get(u, CURLUPART_PATH, &path, 0);
	curl_url_get(u, CURLUPART_QUERY, &query, 0);
	curl_url_get(u, CURLUPART_USER, &user, 0);
	curl_url_get(u, CURLUPART_FRAGMENT, &fragment, 0);
	if (!scheme || (strcmp(scheme, "https") != 0 &&
			strcmp(scheme, "http") != 0)) {
		aws_error_set(err, AWS_ERR_CONFIG, "InvalidEndpoint",
			      _("endpoint must be http:// or https://: %s"), url);
		goto out;
	}
	if (!host || !*host || !port) {
		aws_error_set(err, AWS_ERR_CONFIG, "InvalidEndpoint",
			      _("endpoint has no host: %s"), url);
		goto out;
	}
	/* Credentials, a query or a fragment in an endpoint are a mistake
	 * we would otherwise sign and send along. */
	if (query || user || fragment) {
		aws_error_set(err, AWS_ERR_CONFIG, "InvalidEndpoint",
			      _("endpoint may not have user, query or fragment"));
		goto out;
	}
	ep->scheme = strdup(scheme);
	ep->port = atoi(port);
	if (host[0] == '[') {
		ep->host = strndup(host + 1, strlen(host) - 2);
	} else {
		ep->host = strdup(host);
	}
	plen = path ? strlen(path) : 0;
	while (plen && path[plen - 1] == '/')
		plen--;
	ep->base_path = strndup(path ? path : "", plen);
	if (!ep->scheme || !ep->host || !ep->base_path)
		goto oom;
	if ((strcmp(scheme, "https") == 0 && ep->port == 443) ||
	    (strcmp(scheme, "http") == 0 && ep->port == 80))
		ep->authority = strdup(host);
	else if (asprintf(&ep->authority, "%s:%d", host, ep->port) < 0)
		ep->authority = NULL;
	if (!ep->authority)
		goto oom;
	if (asprintf(&ep->url, "%s://%s%s", scheme, ep->authority,
		     ep->base_path) < 0) {
		ep->url = NULL;
		goto oom;
	}
	ret = 0;
	goto out;
oom:
	aws_error_set(err, AWS_ERR_NOMEM, "NoMemory", _("out of memory"));
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(path);
	curl_free(query);
	curl_free(user);
	curl_free(fragment);
	curl_url_cleanup(u);
	return ret;
}

int endpoint_resolve(const struct aws_service_model *svc, const char *region,
		     const char *endpoint_url, struct aws_endpoint *out,
		     struct aws_error *err)
{
	struct aws_endpoint ep = { 0 };
	const char *url, *signing_region = region;
	char *built = NULL;
	int oom, ret = -1;

	memset(out, 0, sizeof(*out));
	if (!region || !region_valid(region)) {
		aws_error_set(err, AWS_ERR_INPUT, "InvalidRegion",
			      _("not a region name: %s"), region ? region : "");
		return -1;
	}
	url = configured_url(svc, endpoint_url, &oom);
	if (oom)
		goto nomem;
	if (url) {
		ep.custom = 1;
	} else if ((svc->global || strcmp(svc->endpoint_prefix, "iam") == 0) &&
		   strncmp(region, "cn-", 3) != 0) {
		/* IAM (and any other global service) has one endpoint for
		 * the commercial partition, signed for us-east-1. */
		if (asprintf(&built, "https://%s.amazonaws.com",
			     svc->endpoint_prefix) < 0) {
			built = NULL;
			goto nomem;
		}
		signing_region = "us-east-1";
		url = built;
	} else {
		if (asprintf(&built, "https://%s.%s.%s", svc->endpoint_prefix,
			     region, endpoint_dns_suffix(region)) < 0) {
			built = NULL;
			goto nomem;
		}
		url = built;
	}
	if (parse_url(url, &ep, err) < 0)
		goto out;
	ep.signing_region = strdup(signing_region);
	if (!ep.signing_region)
		goto nomem;
	*out = ep;
	memset(&ep, 0, sizeof(ep));
	ret = 0;
	goto out;
nomem:
	aws_error_set(err, AWS_ERR_NOMEM, "NoMemory", _("out of memory"));
out:
	free(built);
	endpoint_free(&ep);
	return ret;
}
