/* scanners_config_resolve: platform.yaml's `scanners:` section. A section that is
 * present but broken is an error with its file:line:col, never skipped, so a typo does
 * not silently leave the console without findings. */
#include "clients/scanners_config.h"
#include "clients/secret_ref.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "core/yaml_file.h"

/* "PATH:LINE:COL: message" at scanners.<scanner>.<key> (NULLs end the path). -1. */
static int yerr(const struct yaml_file *y, const char *scanner, const char *key, char *err,
		size_t errlen, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static int yerr(const struct yaml_file *y, const char *scanner, const char *key, char *err,
		size_t errlen, const char *fmt, ...)
{
	const char *path[] = {"scanners", scanner, key};
	va_list ap;
	va_start(ap, fmt);
	yaml_file_verror(y, path, !scanner ? 1 : !key ? 2 : 3, err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

void scanners_config_clear(struct scanners_config *cfg)
{
	free(cfg->sonarqube.url);
	free(cfg->sonarqube.token);
	free(cfg->sonarqube.ca_file);
	for (size_t i = 0; i < cfg->sonarqube.nprojects; i++) {
		free(cfg->sonarqube.projects[i].service);
		free(cfg->sonarqube.projects[i].key);
	}
	free(cfg->sonarqube.projects);
	free(cfg->defectdojo.url);
	free(cfg->defectdojo.token);
	free(cfg->defectdojo.ca_file);
	free(cfg->harbor.url);
	free(cfg->harbor.username);
	free(cfg->harbor.password);
	free(cfg->harbor.ca_file);
	free(cfg->harbor.project);
	free(cfg->harbor.registry);
	memset(cfg, 0, sizeof(*cfg));
}

/* scanner.key as {env: VAR} or {file: PATH} into *out; absent is fine when !required. */
static int read_secret(const struct yaml_file *y, const json_t *sec, const char *scanner,
		       const char *key, char **out, char *err, size_t errlen)
{
	const json_t *v = json_object_get(sec, key);
	if (!v || json_is_null(v))
		return 0;
	if (json_is_string(v))
		return yerr(y, scanner, key, err, errlen,
			    "an inline %s is refused (a secret must not sit in a shared file): "
			    "use %s: {env: NAME} or %s: {file: PATH}", key, key, key);
	char why[512];
	*out = secret_ref_resolve(v, key, why, sizeof why);
	if (!*out)
		return yerr(y, scanner, key, err, errlen, "%s", why);
	return 0;
}

/* An optional string member (NULL stays NULL). */
static int read_string(const struct yaml_file *y, const json_t *sec, const char *scanner,
		       const char *key, char **out, char *err, size_t errlen)
{
	const json_t *v = json_object_get(sec, key);
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v) || !*json_string_value(v))
		return yerr(y, scanner, key, err, errlen, "%s must be a non-empty string", key);
	*out = xstrdup(json_string_value(v));
	return 0;
}

/* url (required, http(s), trailing slashes dropped), ca_file, insecure. */
static int read_common(const struct yaml_file *y, const json_t *sec, const char *scanner,
		       char **url, char **ca_file, bool *insecure, char *err, size_t errlen)
{
	if (!json_is_object(sec))
		return yerr(y, scanner, NULL, err, errlen, "%s must be a mapping", scanner);
	const char *u = json_string_value(json_object_get(sec, "url"));
	if (!u || strncmp(u, "http", 4))
		return yerr(y, scanner, json_object_get(sec, "url") ? "url" : NULL, err, errlen,
			    "%s needs url: http(s)://HOST[:PORT][/PATH]", scanner);
	*url = xstrdup(u);
	size_t n = strlen(*url);
	while (n > 0 && (*url)[n - 1] == '/')
		(*url)[--n] = '\0';
	if (read_string(y, sec, scanner, "ca_file", ca_file, err, errlen))
		return -1;
	const json_t *ins = json_object_get(sec, "insecure");
	if (ins && !json_is_boolean(ins) && !json_is_null(ins))
		return yerr(y, scanner, "insecure", err, errlen, "insecure must be true or false");
	*insecure = json_is_true(ins);
	return 0;
}

static int read_sonarqube(const struct yaml_file *y, const json_t *sec, struct scanners_config *c,
			  char *err, size_t errlen)
{
	if (read_common(y, sec, "sonarqube", &c->sonarqube.url, &c->sonarqube.ca_file,
			&c->sonarqube.insecure, err, errlen) ||
	    read_secret(y, sec, "sonarqube", "token", &c->sonarqube.token, err, errlen))
		return -1;
	const json_t *auth = json_object_get(sec, "auth");
	const char *a = json_string_value(auth);
	if (auth && (!a || (strcmp(a, "bearer") && strcmp(a, "basic"))))
		return yerr(y, "sonarqube", "auth", err, errlen, "auth must be bearer or basic");
	c->sonarqube.basic_auth = a && !strcmp(a, "basic");
	const json_t *projects = json_object_get(sec, "projects");
	if (!projects || json_is_null(projects))
		return 0;
	if (!json_is_object(projects))
		return yerr(y, "sonarqube", "projects", err, errlen,
			    "projects must map service names to project keys");
	const char *svc;
	const json_t *key;
	json_object_foreach((json_t *)projects, svc, key) {
		if (!json_is_string(key) || !*json_string_value(key))
			return yerr(y, "sonarqube", "projects", err, errlen,
				    "the project key of %s must be a non-empty string", svc);
		c->sonarqube.projects = xrealloc(c->sonarqube.projects,
						 (c->sonarqube.nprojects + 1) *
						 sizeof(*c->sonarqube.projects));
		struct scanners_project *p = &c->sonarqube.projects[c->sonarqube.nprojects++];
		p->service = xstrdup(svc);
		p->key = xstrdup(json_string_value(key));
	}
	return 0;
}

static int read_harbor(const struct yaml_file *y, const json_t *sec, struct scanners_config *c,
		       char *err, size_t errlen)
{
	if (read_common(y, sec, "harbor", &c->harbor.url, &c->harbor.ca_file,
			&c->harbor.insecure, err, errlen) ||
	    read_string(y, sec, "harbor", "username", &c->harbor.username, err, errlen) ||
	    read_secret(y, sec, "harbor", "password", &c->harbor.password, err, errlen) ||
	    read_string(y, sec, "harbor", "project", &c->harbor.project, err, errlen) ||
	    read_string(y, sec, "harbor", "registry", &c->harbor.registry, err, errlen))
		return -1;
	if (c->harbor.password && !c->harbor.username)
		return yerr(y, "harbor", "password", err, errlen,
			    "a password needs a username (the robot account)");
	return 0;
}

static int read_section(const struct yaml_file *y, const json_t *sec, struct scanners_config *c,
			char *err, size_t errlen)
{
	if (!json_is_object(sec))
		return yerr(y, NULL, NULL, err, errlen, "scanners must be a mapping");
	const char *k;
	const json_t *v;
	json_object_foreach((json_t *)sec, k, v) {
		if (strcmp(k, "sonarqube") && strcmp(k, "defectdojo") && strcmp(k, "harbor"))
			return yerr(y, k, NULL, err, errlen,
				    "unknown scanner %s (sonarqube, defectdojo, harbor)", k);
	}
	const json_t *s = json_object_get(sec, "sonarqube");
	if (s && !json_is_null(s) && read_sonarqube(y, s, c, err, errlen))
		return -1;
	s = json_object_get(sec, "defectdojo");
	if (s && !json_is_null(s) &&
	    (read_common(y, s, "defectdojo", &c->defectdojo.url, &c->defectdojo.ca_file,
			 &c->defectdojo.insecure, err, errlen) ||
	     read_secret(y, s, "defectdojo", "token", &c->defectdojo.token, err, errlen)))
		return -1;
	s = json_object_get(sec, "harbor");
	if (s && !json_is_null(s) && read_harbor(y, s, c, err, errlen))
		return -1;
	return 0;
}

int scanners_config_resolve(const char *platform_path, struct scanners_config *out, char *err,
			    size_t errlen)
{
	memset(out, 0, sizeof(*out));
	if (!platform_path)
		return 1;
	struct yaml_file y;
	int rc = yaml_file_load(&y, platform_path, err, errlen);
	if (rc <= 0)
		return rc < 0 ? -1 : 1;
	const json_t *sec = json_object_get(y.doc, "scanners");
	rc = 1;
	if (sec && !json_is_null(sec)) {
		if (read_section(&y, sec, out, err, errlen)) {
			scanners_config_clear(out);
			rc = -1;
		} else if (out->sonarqube.url || out->defectdojo.url || out->harbor.url) {
			rc = 0;
		}
	}
	yaml_file_free(&y);
	return rc;
}

const char *scanners_sonar_key(const struct scanners_config *cfg, const char *service)
{
	for (size_t i = 0; i < cfg->sonarqube.nprojects; i++)
		if (!strcmp(cfg->sonarqube.projects[i].service, service))
			return cfg->sonarqube.projects[i].key;
	return service;
}

const char *scanners_harbor_project(const struct scanners_config *cfg, const char *tenant)
{
	return cfg->harbor.project ? cfg->harbor.project : tenant;
}

struct sonar_config scanners_sonar_view(const struct scanners_config *cfg)
{
	struct sonar_config c;
	memset(&c, 0, sizeof(c));
	c.url = cfg->sonarqube.url;
	c.token = cfg->sonarqube.token;
	c.basic_auth = cfg->sonarqube.basic_auth;
	c.tls.ca_file = cfg->sonarqube.ca_file;
	c.tls.insecure = cfg->sonarqube.insecure;
	return c;
}

struct dojo_config scanners_dojo_view(const struct scanners_config *cfg)
{
	struct dojo_config c;
	memset(&c, 0, sizeof(c));
	c.url = cfg->defectdojo.url;
	c.token = cfg->defectdojo.token;
	c.tls.ca_file = cfg->defectdojo.ca_file;
	c.tls.insecure = cfg->defectdojo.insecure;
	return c;
}

struct harbor_config scanners_harbor_view(const struct scanners_config *cfg)
{
	struct harbor_config c;
	memset(&c, 0, sizeof(c));
	c.url = cfg->harbor.url;
	c.username = cfg->harbor.username;
	c.password = cfg->harbor.password;
	c.registry = cfg->harbor.registry;
	c.tls.ca_file = cfg->harbor.ca_file;
	c.tls.insecure = cfg->harbor.insecure;
	return c;
}
