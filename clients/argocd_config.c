/* Where Argo CD is and which token to use (argocd_config_resolve): platform.yaml's
 * `argocd:` section, then ARGOCD_SERVER/ARGOCD_AUTH_TOKEN, then the argocd CLI's own
 * config, then core mode. A source that is present but broken is an error, never skipped. */
#include "clients/argocd.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clients/secret_ref.h"
#include "core/xalloc.h"
#include "core/yaml_file.h"

/* "PATH:LINE:COL: message" at the key path[0..depth), or "PATH: message". Returns -1. */
static int yerr(const struct yaml_file *y, const char *const *path, size_t depth, char *err,
		size_t errlen, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static int yerr(const struct yaml_file *y, const char *const *path, size_t depth, char *err,
		size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	yaml_file_verror(y, path, depth, err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

void argocd_config_clear(struct argocd_config *cfg)
{
	free(cfg->server);
	free(cfg->token);
	free(cfg->ca_file);
	free(cfg->source);
	free(cfg->core_context);
	free(cfg->core_namespace);
	memset(cfg, 0, sizeof(*cfg));
}

/* ---- 1. platform.yaml ------------------------------------------------------------------ */

static int platform_token(const struct yaml_file *y, const json_t *tok, struct argocd_config *out,
			  char *err, size_t errlen)
{
	static const char *const at[] = {"argocd", "token"};
	if (json_is_string(tok))
		return yerr(y, at, 2, err, errlen,
			    "an inline token is refused (a token must not sit in a shared file): "
			    "use token: {env: NAME} or token: {file: PATH}");
	char why[512];
	out->token = secret_ref_resolve(tok, "token", why, sizeof why);
	if (!out->token)
		return yerr(y, at, 2, err, errlen, "%s", why);
	return 0;
}

static int platform_core(const struct yaml_file *y, const json_t *core, struct argocd_config *out,
			 char *err, size_t errlen)
{
	static const char *const at[] = {"argocd", "core"};
	if (!json_is_object(core))
		return yerr(y, at, 2, err, errlen, "core must be {context: NAME, namespace: NS}");
	const char *ctx = json_string_value(json_object_get(core, "context"));
	const char *ns = json_string_value(json_object_get(core, "namespace"));
	out->core_context = ctx ? xstrdup(ctx) : NULL;
	out->core_namespace = xstrdup(ns && *ns ? ns : "argocd");
	out->source = xstrdup("platform.yaml");
	return 0;
}

static int from_platform(const struct yaml_file *y, const json_t *sec, struct argocd_config *out,
			 char *err, size_t errlen)
{
	static const char *const at[] = {"argocd"};
	static const char *const at_server[] = {"argocd", "server"};
	if (!json_is_object(sec))
		return yerr(y, at, 1, err, errlen, "argocd must be a mapping");
	const json_t *core = json_object_get(sec, "core");
	if (core && !json_is_null(core))
		return platform_core(y, core, out, err, errlen);
	const char *server = json_string_value(json_object_get(sec, "server"));
	if (!server || strncmp(server, "http", 4))
		return yerr(y, server ? at_server : at, server ? 2 : 1, err, errlen,
			    "argocd needs server: https://HOST[:PORT] (or core: {...})");
	out->server = xstrdup(server);
	const json_t *ca = json_object_get(sec, "ca_file");
	if (json_is_string(ca))
		out->ca_file = xstrdup(json_string_value(ca));
	out->insecure = json_is_true(json_object_get(sec, "insecure"));
	out->source = xstrdup("platform.yaml");
	return platform_token(y, json_object_get(sec, "token"), out, err, errlen);
}

/* 1: found, 0: no section, -1: error. */
static int try_platform(const char *path, struct argocd_config *out, char *err, size_t errlen)
{
	if (!path)
		return 0;
	struct yaml_file y;
	int rc = yaml_file_load(&y, path, err, errlen);
	if (rc <= 0)
		return rc;
	const json_t *sec = json_object_get(y.doc, "argocd");
	rc = 0;
	if (sec)
		rc = from_platform(&y, sec, out, err, errlen) == 0 ? 1 : -1;
	yaml_file_free(&y);
	return rc;
}

/* ---- 2. the environment ------------------------------------------------------------------ */

/* The argocd CLI takes HOST:PORT; we need a URL. */
static char *server_url(const char *server, bool plaintext, const char *root_path)
{
	const char *scheme = strstr(server, "://") ? "" : plaintext ? "http://" : "https://";
	char *url = xasprintf("%s%s%s%s", scheme, server,
			      root_path && *root_path && *root_path != '/' ? "/" : "",
			      root_path ? root_path : "");
	return url;
}

static bool opts_has(const char *opts, const char *flag)
{
	size_t n = strlen(flag);
	for (const char *p = opts; p && (p = strstr(p, flag)) != NULL; p += n)
		if ((p == opts || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' ' || p[n] == '='))
			return true;
	return false;
}

static int try_env(struct argocd_config *out, char *err, size_t errlen)
{
	const char *server = getenv("ARGOCD_SERVER");
	const char *token = getenv("ARGOCD_AUTH_TOKEN");
	bool has_server = server && *server, has_token = token && *token;
	if (!has_server && !has_token)
		return 0;
	if (!has_server || !has_token) {
		snprintf(err, errlen, "%s is set but %s is not: set both or neither",
			 has_server ? "ARGOCD_SERVER" : "ARGOCD_AUTH_TOKEN",
			 has_server ? "ARGOCD_AUTH_TOKEN" : "ARGOCD_SERVER");
		return -1;
	}
	const char *opts = getenv("ARGOCD_OPTS");
	out->server = server_url(server, opts_has(opts, "--plaintext"), NULL);
	out->token = xstrdup(token);
	out->insecure = opts_has(opts, "--insecure");
	out->source = xstrdup("ARGOCD_SERVER/ARGOCD_AUTH_TOKEN");
	return 1;
}

/* ---- 3. the argocd CLI's config ------------------------------------------------------------ */

static const json_t *find_named(const json_t *arr, const char *key, const char *value)
{
	size_t i;
	const json_t *e;
	json_array_foreach(arr, i, e) {
		const char *v = json_string_value(json_object_get(e, key));
		if (v && value && !strcmp(v, value))
			return e;
	}
	return NULL;
}

static int from_cli(const struct yaml_file *y, struct argocd_config *out, char *err, size_t errlen)
{
	static const char *const at_cc[] = {"current-context"};
	static const char *const at_ctx[] = {"contexts"};
	static const char *const at_users[] = {"users"};
	const char *cc = json_string_value(json_object_get(y->doc, "current-context"));
	if (!cc || !*cc)
		return yerr(y, at_cc, 1, err, errlen, "no current-context (run argocd login)");
	const json_t *ctx = find_named(json_object_get(y->doc, "contexts"), "name", cc);
	const char *server = json_string_value(json_object_get(ctx, "server"));
	const char *user = json_string_value(json_object_get(ctx, "user"));
	if (!ctx || !server || !user)
		return yerr(y, at_ctx, 1, err, errlen,
			    "context \"%s\" is missing or has no server and user", cc);
	const json_t *srv = find_named(json_object_get(y->doc, "servers"), "server", server);
	const json_t *usr = find_named(json_object_get(y->doc, "users"), "name", user);
	const char *token = json_string_value(json_object_get(usr, "auth-token"));
	if (!token || !*token)
		return yerr(y, at_users, 1, err, errlen,
			    "user \"%s\" has no auth-token (run argocd login)", user);
	out->server = server_url(server, json_is_true(json_object_get(srv, "plain-text")),
				 json_string_value(json_object_get(srv, "grpc-web-root-path")));
	out->token = xstrdup(token);
	out->insecure = json_is_true(json_object_get(srv, "insecure"));
	return 0;
}

static int try_cli(struct argocd_config *out, char *err, size_t errlen)
{
	const char *dir = getenv("ARGOCD_CONFIG_DIR");
	const char *home = getenv("HOME");
	char *path;
	if (dir && *dir)
		path = xasprintf("%s/config", dir);
	else if (home && *home)
		path = xasprintf("%s/.config/argocd/config", home);
	else
		return 0;
	struct yaml_file y;
	int rc = yaml_file_load(&y, path, err, errlen);
	if (rc == 1) {
		rc = from_cli(&y, out, err, errlen) == 0 ? 1 : -1;
		if (rc == 1)
			out->source = (!dir || !*dir) ? xstrdup("~/.config/argocd/config")
						      : xstrdup(path);
		yaml_file_free(&y);
	}
	free(path);
	return rc;
}

/* ---- resolution ----------------------------------------------------------------------------- */

int argocd_config_resolve(const char *platform_path, struct argocd_config *out, char *err,
			  size_t errlen)
{
	memset(out, 0, sizeof(*out));
	int (*const steps[])(struct argocd_config *, char *, size_t) = {try_env, try_cli};
	int rc = try_platform(platform_path, out, err, errlen);
	for (size_t i = 0; rc == 0 && i < sizeof(steps) / sizeof(steps[0]); i++)
		rc = steps[i](out, err, errlen);
	if (rc < 0) {
		argocd_config_clear(out);
		return -1;
	}
	if (rc == 0) {
		out->core_namespace = xstrdup("argocd");
		out->source = xstrdup("core mode");
	}
	if (!out->server && !out->core_namespace)
		out->core_namespace = xstrdup("argocd");
	return 0;
}
