/* Reading platform.yaml's sections into the model (platform_read_document): every key
 * checked, unknown ones refused, names that later become paths kept to safe words. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/platform_internal.h"
#include "core/xalloc.h"

/* Where a reader is (the key path) and what went wrong: on failure the path is left
 * at the offending key so the caller can find its line and column. */
struct rd {
	struct platform *p;
	char *path;
	size_t pathlen;
	char *msg;
	size_t msglen;
};

static bool fail(struct rd *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool fail(struct rd *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->msg, r->msglen, fmt, ap);
	va_end(ap);
	return false;
}

static void at(struct rd *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void at(struct rd *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->path, r->pathlen, fmt, ap);
	va_end(ap);
}

/* ---- values ------------------------------------------------------------------------- */

static bool get_string(struct rd *r, const json_t *v, char **out)
{
	if (!json_is_string(v) || !json_string_length(v))
		return fail(r, "expected a non-empty string");
	free(*out);
	*out = xstrdup(json_string_value(v));
	return true;
}

bool platform_name_is_safe(const char *s)
{
	if (!*s || *s == '.' || strlen(s) > 253)
		return false;
	for (; *s; s++)
		if (!strchr("-_.", *s) && !(*s >= 'a' && *s <= 'z') && !(*s >= 'A' && *s <= 'Z') &&
		    !(*s >= '0' && *s <= '9'))
			return false;
	return true;
}

static bool get_name(struct rd *r, const json_t *v, char **out)
{
	if (!get_string(r, v, out))
		return false;
	if (!platform_name_is_safe(*out))
		return fail(r, "expected a name of letters, digits, '-', '_' or '.'");
	return true;
}

/* A list of non-empty strings; the path of an error names the item. */
static bool get_strings(struct rd *r, const json_t *v, char ***out, size_t *n)
{
	size_t i, cap = 0, base = strlen(r->path);
	const json_t *item;
	if (!json_is_array(v))
		return fail(r, "expected a list of strings");
	json_array_foreach(v, i, item) {
		if (!json_is_string(item) || !json_string_length(item)) {
			snprintf(r->path + base, r->pathlen - base, "[%zu]", i);
			return fail(r, "expected a non-empty string");
		}
		*out = xgrow(*out, &cap, *n + 1, sizeof(**out));
		(*out)[(*n)++] = xstrdup(json_string_value(item));
	}
	return true;
}

enum {
	PH_SERVICE = 1,
	PH_ENV = 2,
	PH_TENANT = 4,
};

/* Checks that pattern's placeholders are among allowed ("{env}" ...). */
static bool check_pattern(struct rd *r, const char *pattern, unsigned allowed)
{
	static const char *const names[] = {"service", "env", "tenant"};
	for (const char *s = strchr(pattern, '{'); s; s = strchr(s + 1, '{')) {
		const char *end = strchr(s, '}');
		if (!end)
			return fail(r, "unclosed '{' in \"%s\"", pattern);
		size_t i, n = (size_t)(end - s - 1);
		for (i = 0; i < 3; i++)
			if (strlen(names[i]) == n && strncmp(s + 1, names[i], n) == 0)
				break;
		if (i == 3 || !(allowed & (1u << i))) {
			char use[64] = "";
			for (size_t j = 0, k = 0; j < 3; j++)
				if (allowed & (1u << j))
					snprintf(use + strlen(use), sizeof(use) - strlen(use), "%s{%s}",
						 k++ ? ", " : "", names[j]);
			return fail(r, "unknown placeholder {%.*s} (use %s)", (int)n, s + 1, use);
		}
	}
	return true;
}

static bool get_pattern(struct rd *r, const json_t *v, unsigned allowed, char **out)
{
	return get_string(r, v, out) && check_pattern(r, *out, allowed);
}

/* A path inside the repository: relative, no "..", so an edit stays in the checkout. */
static bool get_repo_path(struct rd *r, const json_t *v, unsigned allowed, char **out)
{
	if (!get_pattern(r, v, allowed, out))
		return false;
	const char *s = *out;
	if (*s == '/')
		return fail(r, "expected a path relative to the repository root");
	for (const char *seg = s; seg; seg = strchr(seg, '/') ? strchr(seg, '/') + 1 : NULL)
		if (strncmp(seg, "..", 2) == 0 && (seg[2] == '/' || seg[2] == '\0'))
			return fail(r, "expected a path without '..'");
	return true;
}

/* ---- clusters ------------------------------------------------------------------------ */

static bool read_labels(struct rd *r, const json_t *v, struct platform_cluster *c, size_t ci)
{
	const char *k;
	json_t *val;
	size_t cap = 0;
	if (!json_is_object(v))
		return fail(r, "expected a mapping of label names to values");
	json_object_foreach((json_t *)v, k, val) {
		if (!json_is_string(val)) {
			at(r, "clusters[%zu].labels.%s", ci, k);
			return fail(r, "expected a string (quote numbers and booleans)");
		}
		c->labels = xgrow(c->labels, &cap, c->nlabels + 1, sizeof(*c->labels));
		c->labels[c->nlabels++] = (struct platform_label){xstrdup(k),
			xstrdup(json_string_value(val))};
	}
	return true;
}

static bool read_cluster_key(struct rd *r, void *entry, size_t ci, const char *k,
			     const json_t *v)
{
	struct platform_cluster *c = entry;
	if (strcmp(k, "name") == 0)
		return get_name(r, v, &c->name);
	if (strcmp(k, "context") == 0)
		return get_string(r, v, &c->context);
	if (strcmp(k, "server") == 0)
		return get_string(r, v, &c->server);
	if (strcmp(k, "labels") == 0)
		return read_labels(r, v, c, ci);
	return fail(r, "unknown key");
}

/* Reads the keys of one list item (section[i], a mapping) with one_key. */
typedef bool (*key_reader)(struct rd *r, void *entry, size_t i, const char *k, const json_t *v);

static bool read_item_keys(struct rd *r, const json_t *item, const char *section, size_t i,
			   key_reader one_key, void *entry)
{
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)item, k, v) {
		at(r, "%s[%zu].%s", section, i, k);
		if (!one_key(r, entry, i, k, v))
			return false;
	}
	at(r, "%s[%zu]", section, i);
	return true;
}

static bool read_clusters(struct rd *r, const json_t *v)
{
	size_t i, cap = 0;
	const json_t *item;
	struct platform *p = r->p;
	if (!json_is_array(v))
		return fail(r, "expected a list");
	json_array_foreach(v, i, item) {
		at(r, "clusters[%zu]", i);
		if (!json_is_object(item))
			return fail(r, "expected a mapping");
		p->clusters = xgrow(p->clusters, &cap, p->nclusters + 1, sizeof(*p->clusters));
		struct platform_cluster *c = &p->clusters[p->nclusters++];
		memset(c, 0, sizeof(*c));
		if (!read_item_keys(r, item, "clusters", i, read_cluster_key, c))
			return false;
		if (!c->name)
			return fail(r, "missing name");
		if (platform_cluster_find(p, c->name) != c) {
			at(r, "clusters[%zu].name", i);
			return fail(r, "a cluster named %s comes earlier", c->name);
		}
		if (!c->context)
			c->context = xstrdup(c->name);
	}
	return true;
}

/* ---- tenants ------------------------------------------------------------------------- */

static bool read_tenant_key(struct rd *r, void *entry, size_t ti, const char *k,
			    const json_t *v)
{
	struct platform_tenant *t = entry;
	(void)ti;
	if (strcmp(k, "name") == 0)
		return get_name(r, v, &t->name);
	if (strcmp(k, "description") == 0)
		return get_string(r, v, &t->description);
	if (strcmp(k, "projects") == 0)
		return get_strings(r, v, &t->projects, &t->nprojects);
	if (strcmp(k, "namespaces") == 0)
		return get_strings(r, v, &t->namespaces, &t->nnamespaces);
	return fail(r, "unknown key");
}

static bool read_tenants(struct rd *r, const json_t *v)
{
	size_t i, cap = 0;
	const json_t *item;
	struct platform *p = r->p;
	if (!json_is_array(v))
		return fail(r, "expected a list");
	json_array_foreach(v, i, item) {
		at(r, "tenants[%zu]", i);
		if (!json_is_object(item))
			return fail(r, "expected a mapping");
		p->tenants = xgrow(p->tenants, &cap, p->ntenants + 1, sizeof(*p->tenants));
		struct platform_tenant *t = &p->tenants[p->ntenants++];
		memset(t, 0, sizeof(*t));
		if (!read_item_keys(r, item, "tenants", i, read_tenant_key, t))
			return false;
		if (!t->name)
			return fail(r, "missing name");
		if (platform_tenant_find(p, t->name) != t) {
			at(r, "tenants[%zu].name", i);
			return fail(r, "a tenant named %s comes earlier", t->name);
		}
	}
	return true;
}

/* ---- environments -------------------------------------------------------------------- */

static bool read_protection(struct rd *r, const json_t *v, enum platform_protection *out)
{
	static const enum platform_protection all[] = {
		PLATFORM_PROTECT_NONE, PLATFORM_PROTECT_CONFIRM, PLATFORM_PROTECT_TYPED,
		PLATFORM_PROTECT_READONLY,
	};
	const char *s = json_string_value(v);
	for (size_t i = 0; s && i < sizeof(all) / sizeof(all[0]); i++) {
		if (strcmp(s, platform_protection_name(all[i])) == 0) {
			*out = all[i];
			return true;
		}
	}
	return fail(r, "expected none, confirm, typed or readonly");
}

static bool read_window(struct rd *r, const json_t *item, struct platform_freeze *f,
			size_t ei, size_t wi)
{
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)item, k, v) {
		at(r, "environments[%zu].freeze[%zu].%s", ei, wi, k);
		if (strcmp(k, "schedule") == 0) {
			if (!get_string(r, v, &f->schedule) ||
			    !platform_cron_parse(f->schedule, &f->cron, r->msg, r->msglen))
				return false;
		} else if (strcmp(k, "duration") == 0) {
			if (!json_is_string(v) ||
			    !platform_duration_parse(json_string_value(v), &f->duration))
				return fail(r, "expected a duration like 62h, 90m or 1d12h "
					    "(at most 366d)");
			free(f->duration_text);
			f->duration_text = xstrdup(json_string_value(v));
		} else {
			return fail(r, "unknown key");
		}
	}
	at(r, "environments[%zu].freeze[%zu]", ei, wi);
	if (!f->schedule)
		return fail(r, "missing schedule (cron: minute hour day month weekday)");
	if (!f->duration_text)
		return fail(r, "missing duration");
	return true;
}

static bool read_freeze(struct rd *r, const json_t *v, struct platform_env *e, size_t ei)
{
	size_t i, cap = 0;
	const json_t *item;
	if (!json_is_array(v))
		return fail(r, "expected a list of {schedule, duration}");
	json_array_foreach(v, i, item) {
		at(r, "environments[%zu].freeze[%zu]", ei, i);
		if (!json_is_object(item))
			return fail(r, "expected a mapping {schedule, duration}");
		e->freeze = xgrow(e->freeze, &cap, e->nfreeze + 1, sizeof(*e->freeze));
		struct platform_freeze *f = &e->freeze[e->nfreeze++];
		memset(f, 0, sizeof(*f));
		if (!read_window(r, item, f, ei, i))
			return false;
	}
	return true;
}

/* gates: {no_critical: true|false}: the promotion gates an environment turns on or off. */
static bool read_gates(struct rd *r, const json_t *v, struct platform_env *e, size_t ei)
{
	const char *k;
	json_t *g;
	if (!json_is_object(v))
		return fail(r, "expected a mapping {no_critical: true|false}");
	json_object_foreach((json_t *)v, k, g) {
		at(r, "environments[%zu].gates.%s", ei, k);
		if (strcmp(k, "no_critical") != 0)
			return fail(r, "unknown gate (known: no_critical)");
		if (!json_is_boolean(g))
			return fail(r, "expected true or false");
		e->gate_no_critical = json_is_true(g) ? PLATFORM_GATE_ON : PLATFORM_GATE_OFF;
	}
	return true;
}

static bool read_env_key(struct rd *r, void *entry, size_t ei, const char *k,
			 const json_t *v)
{
	struct platform_env *e = entry;
	if (strcmp(k, "name") == 0)
		return get_name(r, v, &e->name);
	if (strcmp(k, "cluster") == 0)
		return get_name(r, v, &e->cluster);
	if (strcmp(k, "namespace") == 0)
		return get_pattern(r, v, PH_TENANT | PH_ENV, &e->namespace_pattern);
	if (strcmp(k, "protection") == 0)
		return read_protection(r, v, &e->protection);
	if (strcmp(k, "freeze") == 0)
		return read_freeze(r, v, e, ei);
	if (strcmp(k, "gates") == 0)
		return read_gates(r, v, e, ei);
	return fail(r, "unknown key");
}

static bool read_envs(struct rd *r, const json_t *v)
{
	size_t i, cap = 0;
	const json_t *item;
	struct platform *p = r->p;
	if (!json_is_array(v))
		return fail(r, "expected a list in promotion order");
	json_array_foreach(v, i, item) {
		at(r, "environments[%zu]", i);
		if (!json_is_object(item))
			return fail(r, "expected a mapping");
		p->envs = xgrow(p->envs, &cap, p->nenvs + 1, sizeof(*p->envs));
		struct platform_env *e = &p->envs[p->nenvs++];
		memset(e, 0, sizeof(*e));
		if (!read_item_keys(r, item, "environments", i, read_env_key, e))
			return false;
		if (!e->name)
			return fail(r, "missing name");
		if (platform_env_find(p, e->name) != e) {
			at(r, "environments[%zu].name", i);
			return fail(r, "an environment named %s comes earlier", e->name);
		}
	}
	return true;
}

/* ---- services ------------------------------------------------------------------------ */

static bool read_service_key(struct rd *r, void *entry, size_t si, const char *k,
			     const json_t *v)
{
	struct platform_service *s = entry;
	(void)si;
	if (strcmp(k, "name") == 0)
		return get_name(r, v, &s->name);
	if (strcmp(k, "tenant") == 0)
		return get_name(r, v, &s->tenant);
	if (strcmp(k, "app") == 0)
		return get_pattern(r, v, PH_SERVICE | PH_ENV | PH_TENANT, &s->app_pattern);
	if (strcmp(k, "image") == 0)
		return get_string(r, v, &s->image);
	return fail(r, "unknown key");
}

static bool read_services(struct rd *r, const json_t *v)
{
	size_t i, cap = 0;
	const json_t *item;
	struct platform *p = r->p;
	if (!json_is_array(v))
		return fail(r, "expected a list");
	json_array_foreach(v, i, item) {
		at(r, "services[%zu]", i);
		if (!json_is_object(item))
			return fail(r, "expected a mapping");
		p->services = xgrow(p->services, &cap, p->nservices + 1, sizeof(*p->services));
		struct platform_service *s = &p->services[p->nservices++];
		memset(s, 0, sizeof(*s));
		if (!read_item_keys(r, item, "services", i, read_service_key, s))
			return false;
		if (!s->name)
			return fail(r, "missing name");
		if (platform_service_find(p, s->name) != s) {
			at(r, "services[%zu].name", i);
			return fail(r, "a service named %s comes earlier", s->name);
		}
	}
	return true;
}

/* ---- gitops ----------------------------------------------------------------------------- */

static bool read_token_ref(struct rd *r, const json_t *v, struct platform_gitops *g)
{
	const char *env = json_string_value(json_object_get(v, "env"));
	const char *file = json_string_value(json_object_get(v, "file"));
	if (json_is_string(v))
		return fail(r, "an inline token is refused (a token must not sit in a shared "
			    "file): use token: {env: NAME} or token: {file: PATH}");
	if (!json_is_object(v) || json_object_size(v) != 1 || !((env && *env) || (file && *file)))
		return fail(r, "expected {env: NAME} or {file: PATH}");
	g->credentials = env ? PLATFORM_CRED_TOKEN_ENV : PLATFORM_CRED_TOKEN_FILE;
	g->token_ref = xstrdup(env ? env : file);
	return true;
}

static bool read_credentials(struct rd *r, const json_t *v, struct platform_gitops *g)
{
	const char *k;
	json_t *val;
	if (!json_is_object(v) || json_object_size(v) != 1)
		return fail(r, "expected one of {ssh_agent: true}, {key_file: PATH} or "
			    "{token: {env: NAME} | {file: PATH}}");
	json_object_foreach((json_t *)v, k, val) {
		at(r, "gitops.credentials.%s", k);
		if (strcmp(k, "ssh_agent") == 0) {
			if (!json_is_true(val))
				return fail(r, "expected true");
			g->credentials = PLATFORM_CRED_SSH_AGENT;
		} else if (strcmp(k, "key_file") == 0) {
			if (!get_string(r, val, &g->key_file))
				return false;
			g->credentials = PLATFORM_CRED_KEY_FILE;
		} else if (strcmp(k, "token") == 0) {
			if (!read_token_ref(r, val, g))
				return false;
		} else {
			return fail(r, "unknown key (ssh_agent, key_file or token)");
		}
	}
	return true;
}

static bool read_image_tag(struct rd *r, const json_t *v, struct platform_gitops *g)
{
	const char *s = json_string_value(v);
	if (s && strcmp(s, "kustomize") == 0)
		g->image_tag = PLATFORM_TAG_KUSTOMIZE;
	else if (s && strcmp(s, "helm") == 0)
		g->image_tag = PLATFORM_TAG_HELM;
	else
		return fail(r, "expected kustomize or helm");
	return true;
}

static bool read_gitops_key(struct rd *r, struct platform_gitops *g, const char *k,
			    const json_t *v)
{
	if (strcmp(k, "repo") == 0)
		return get_string(r, v, &g->repo);
	if (strcmp(k, "path") == 0)
		return get_repo_path(r, v, PH_SERVICE | PH_ENV | PH_TENANT, &g->path);
	if (strcmp(k, "revision") == 0)
		return get_string(r, v, &g->revision);
	if (strcmp(k, "image_tag") == 0)
		return read_image_tag(r, v, g);
	if (strcmp(k, "values_file") == 0)
		return get_repo_path(r, v, PH_SERVICE | PH_ENV | PH_TENANT, &g->values_file);
	if (strcmp(k, "credentials") == 0)
		return read_credentials(r, v, g);
	return fail(r, "unknown key");
}

static bool read_gitops(struct rd *r, const json_t *v)
{
	struct platform_gitops *g = &r->p->gitops;
	const char *k;
	json_t *val;
	if (!json_is_object(v))
		return fail(r, "expected a mapping");
	json_object_foreach((json_t *)v, k, val) {
		at(r, "gitops.%s", k);
		if (!read_gitops_key(r, g, k, val))
			return false;
	}
	if (g->values_file && g->image_tag != PLATFORM_TAG_HELM) {
		at(r, "gitops.values_file");
		return fail(r, "only with image_tag: helm (kustomize edits kustomization.yaml)");
	}
	at(r, "gitops");
	if (!g->repo)
		return fail(r, "missing repo");
	if (!g->path)
		g->path = xstrdup("envs/{env}/{service}");
	if (g->image_tag == PLATFORM_TAG_HELM && !g->values_file)
		g->values_file = xstrdup("values-{env}.yaml");
	return true;
}

/* ---- the document -------------------------------------------------------------------- */

/* Names that point at another section must name one of its entries, when the file
 * gives that section (otherwise platform_derive may still supply it). */
static bool check_references(struct rd *r)
{
	struct platform *p = r->p;
	for (size_t i = 0; i < p->nenvs; i++) {
		const char *c = p->envs[i].cluster;
		if (c && (p->from_file & PLATFORM_SECTION_CLUSTERS) && !platform_cluster_find(p, c)) {
			at(r, "environments[%zu].cluster", i);
			return fail(r, "no cluster named %s in clusters", c);
		}
	}
	for (size_t i = 0; i < p->nservices; i++) {
		const char *t = p->services[i].tenant;
		if (t && (p->from_file & PLATFORM_SECTION_TENANTS) && !platform_tenant_find(p, t)) {
			at(r, "services[%zu].tenant", i);
			return fail(r, "no tenant named %s in tenants", t);
		}
	}
	return true;
}

static bool read_section(struct rd *r, const char *k, const json_t *v)
{
	struct platform *p = r->p;
	at(r, "%s", k);
	if (strcmp(k, "clusters") == 0) {
		p->from_file |= PLATFORM_SECTION_CLUSTERS;
		return read_clusters(r, v);
	}
	if (strcmp(k, "tenants") == 0) {
		p->from_file |= PLATFORM_SECTION_TENANTS;
		return read_tenants(r, v);
	}
	if (strcmp(k, "environments") == 0) {
		p->from_file |= PLATFORM_SECTION_ENVS;
		return read_envs(r, v);
	}
	if (strcmp(k, "services") == 0) {
		p->from_file |= PLATFORM_SECTION_SERVICES;
		return read_services(r, v);
	}
	if (strcmp(k, "gitops") == 0)
		return read_gitops(r, v);
	if (strcmp(k, "argocd") == 0 || strcmp(k, "prometheus") == 0 || strcmp(k, "scanners") == 0)
		return true;   /* read by clients/{argocd,prometheus,scanners}_config.c */
	return fail(r, "unknown key");
}

bool platform_read_document(struct platform *p, const json_t *doc, char *path,
			    size_t pathlen, char *msg, size_t msglen)
{
	struct rd r = {p, path, pathlen, msg, msglen};
	const char *k;
	json_t *v;
	path[0] = '\0';
	if (json_is_null(doc))
		return true;   /* an empty file, or only comments */
	if (!json_is_object(doc))
		return fail(&r, "expected a mapping");
	json_object_foreach((json_t *)doc, k, v)
		if (!read_section(&r, k, v))
			return false;
	return check_references(&r);
}
