/* prom_config_resolve: platform.yaml's `prometheus:` section and OPSDECK_PROMETHEUS_URL.
 * A section that is present but broken is an error with its file:line:col, never
 * skipped, so a typo does not silently leave the console without alerts. */
#include "clients/prometheus_config.h"
#include "clients/secret_ref.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "core/yaml_file.h"

#define PROM_URL_ENV "OPSDECK_PROMETHEUS_URL"

/* "PATH:LINE:COL: message" at prometheus.<key> (key NULL: the section). Returns -1. */
static int yerr(const struct yaml_file *y, const char *key, char *err, size_t errlen,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static int yerr(const struct yaml_file *y, const char *key, char *err, size_t errlen,
		const char *fmt, ...)
{
	const char *path[] = {"prometheus", key};
	va_list ap;
	va_start(ap, fmt);
	yaml_file_verror(y, path, key ? 2 : 1, err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

void prom_config_clear(struct prom_config_owned *cfg)
{
	free(cfg->url);
	free(cfg->token);
	free(cfg->ca_file);
	free(cfg->source);
	memset(cfg, 0, sizeof(*cfg));
}

struct prom_config prom_config_view(const struct prom_config_owned *owned)
{
	struct prom_config c;
	memset(&c, 0, sizeof(c));
	c.url = owned->url;
	c.bearer_token = owned->token;
	c.tls.ca_file = owned->ca_file;
	c.tls.insecure = owned->insecure;
	return c;
}

static int section_token(const struct yaml_file *y, const json_t *tok, struct prom_config_owned *out,
			 char *err, size_t errlen)
{
	if (!tok || json_is_null(tok))
		return 0;
	if (json_is_string(tok))
		return yerr(y, "token", err, errlen,
			    "an inline token is refused (a token must not sit in a shared file): "
			    "use token: {env: NAME} or token: {file: PATH}");
	char why[512];
	out->token = secret_ref_resolve(tok, "token", why, sizeof why);
	if (!out->token)
		return yerr(y, "token", err, errlen, "%s", why);
	return 0;
}

static int read_section(const struct yaml_file *y, const json_t *sec, const char *env_url,
			struct prom_config_owned *out, char *err, size_t errlen)
{
	if (!json_is_object(sec))
		return yerr(y, NULL, err, errlen, "prometheus must be a mapping");
	const json_t *url = json_object_get(sec, "url");
	const char *u = json_string_value(url);
	if (!env_url && (!u || strncmp(u, "http", 4)))
		return yerr(y, url ? "url" : NULL, err, errlen,
			    "prometheus needs url: http(s)://HOST[:PORT][/PATH]");
	out->url = xstrdup(env_url ? env_url : u);
	const json_t *ca = json_object_get(sec, "ca_file");
	if (ca && !json_is_null(ca) && !json_is_string(ca))
		return yerr(y, "ca_file", err, errlen, "ca_file must be a path");
	if (json_is_string(ca))
		out->ca_file = xstrdup(json_string_value(ca));
	const json_t *insecure = json_object_get(sec, "insecure");
	if (insecure && !json_is_boolean(insecure) && !json_is_null(insecure))
		return yerr(y, "insecure", err, errlen, "insecure must be true or false");
	out->insecure = json_is_true(insecure);
	out->source = xstrdup(env_url ? PROM_URL_ENV : "platform.yaml");
	return section_token(y, json_object_get(sec, "token"), out, err, errlen);
}

/* 1: section found and read, 0: none, -1: error. */
static int try_platform(const char *path, const char *env_url, struct prom_config_owned *out,
			char *err, size_t errlen)
{
	if (!path)
		return 0;
	struct yaml_file y;
	int rc = yaml_file_load(&y, path, err, errlen);
	if (rc <= 0)
		return rc;
	const json_t *sec = json_object_get(y.doc, "prometheus");
	rc = 0;
	if (sec && !json_is_null(sec))
		rc = read_section(&y, sec, env_url, out, err, errlen) == 0 ? 1 : -1;
	yaml_file_free(&y);
	return rc;
}

static void trim_slashes(char *url)
{
	size_t n = strlen(url);
	while (n > 0 && url[n - 1] == '/')
		url[--n] = '\0';
}

int prom_config_resolve(const char *platform_path, struct prom_config_owned *out, char *err,
			size_t errlen)
{
	memset(out, 0, sizeof(*out));
	const char *env_url = getenv(PROM_URL_ENV);
	if (env_url && !*env_url)
		env_url = NULL;
	if (env_url && strncmp(env_url, "http", 4)) {
		snprintf(err, errlen, "%s must be http(s)://HOST[:PORT][/PATH]", PROM_URL_ENV);
		return -1;
	}
	int rc = try_platform(platform_path, env_url, out, err, errlen);
	if (rc < 0) {
		prom_config_clear(out);
		return -1;
	}
	if (rc == 0 && env_url) {
		out->url = xstrdup(env_url);
		out->source = xstrdup(PROM_URL_ENV);
	}
	if (!out->url)
		return 1;
	trim_slashes(out->url);
	return 0;
}
