/* What platform.yaml leaves out, derived from the Argo CD applications (platform_derive):
 * a bare kubeconfig still gives tenants, environments in promotion order and services.
 * The rules are in docs/platform.md ("Derivation"); keep the two in step. */
#include <stdlib.h>
#include <string.h>

#include "core/envname.h"
#include "core/platform_internal.h"
#include "core/xalloc.h"

#define LABEL_TENANT "platform.opsdeck.dev/tenant"
#define LABEL_ENV "platform.opsdeck.dev/environment"
#define LABEL_SERVICE "platform.opsdeck.dev/service"

/* What one application says about the platform; strings borrowed from the JSON. */
struct app_facts {
	const char *name;
	const char *tenant;      /* the tenant label, else the project */
	const char *project;
	const char *env;         /* the environment label, else a known env's suffix */
	const char *cluster;     /* destination name ("in-cluster" for the local server) */
	const char *server;
	const char *ns;
};

static const char *safe_string(const json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));
	return s && platform_name_is_safe(s) ? s : NULL;
}

/* A known environment (file or derived) whose name ends the app's name after '-'. */
static const char *env_from_suffix(const struct platform *p, const char *name)
{
	size_t n = strlen(name);
	for (size_t i = 0; i < p->nenvs; i++) {
		size_t e = strlen(p->envs[i].name);
		if (n > e + 1 && name[n - e - 1] == '-' &&
		    strcmp(name + n - e, p->envs[i].name) == 0)
			return p->envs[i].name;
	}
	return NULL;
}

static bool app_facts_read(const json_t *app, struct app_facts *f)
{
	const json_t *md = json_object_get(app, "metadata");
	const json_t *labels = json_object_get(md, "labels");
	const json_t *spec = json_object_get(app, "spec");
	const json_t *dest = json_object_get(spec, "destination");
	memset(f, 0, sizeof(*f));
	f->name = safe_string(md, "name");
	if (!f->name)
		return false;
	f->project = safe_string(spec, "project");
	f->tenant = safe_string(labels, LABEL_TENANT);
	if (!f->tenant)
		f->tenant = f->project;
	f->env = safe_string(labels, LABEL_ENV);
	f->cluster = safe_string(dest, "name");
	f->server = json_string_value(json_object_get(dest, "server"));
	if (!f->cluster && f->server && strcmp(f->server, "https://kubernetes.default.svc") == 0)
		f->cluster = "in-cluster";   /* Argo CD's own name for it */
	f->ns = safe_string(dest, "namespace");
	return true;
}

/* The service the app deploys: its label, else its name without "-ENV". The result
 * is new (caller frees). */
static char *app_service(const struct platform *p, const json_t *app, const struct app_facts *f)
{
	const char *label = safe_string(json_object_get(json_object_get(app, "metadata"),
							"labels"), LABEL_SERVICE);
	if (label)
		return xstrdup(label);
	const char *env = f->env ? f->env : env_from_suffix(p, f->name);
	size_t n = strlen(f->name), e = env ? strlen(env) : 0;
	if (env && n > e + 1 && f->name[n - e - 1] == '-' && strcmp(f->name + n - e, env) == 0)
		return xstrndup(f->name, n - e - 1);
	return xstrdup(f->name);
}

static void strings_add_unique(char ***v, size_t *n, const char *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*v)[i], s) == 0)
			return;
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = xstrdup(s);
}

/* ---- one section each --------------------------------------------------------------- */

static void derive_cluster(struct platform *p, const struct app_facts *f)
{
	if (!f->cluster || platform_cluster_find(p, f->cluster))
		return;
	p->clusters = xrealloc(p->clusters, (p->nclusters + 1) * sizeof(*p->clusters));
	struct platform_cluster *c = &p->clusters[p->nclusters++];
	memset(c, 0, sizeof(*c));
	c->name = xstrdup(f->cluster);
	c->context = xstrdup(f->cluster);
	c->server = f->server ? xstrdup(f->server) : NULL;
	c->derived = true;
}

static void derive_tenant(struct platform *p, const struct app_facts *f)
{
	if (!f->tenant)
		return;
	struct platform_tenant *t = (struct platform_tenant *)platform_tenant_find(p, f->tenant);
	if (!t) {
		p->tenants = xrealloc(p->tenants, (p->ntenants + 1) * sizeof(*p->tenants));
		t = &p->tenants[p->ntenants++];
		memset(t, 0, sizeof(*t));
		t->name = xstrdup(f->tenant);
		t->derived = true;
	}
	strings_add_unique(&t->projects, &t->nprojects, f->project);
	strings_add_unique(&t->namespaces, &t->nnamespaces, f->ns);
}

/* The namespace pattern an app's destination suggests: none when it is the default
 * "{tenant}-{env}", "{tenant}" put back when the tenant starts it, else as it is. */
static char *namespace_pattern(const struct app_facts *f)
{
	if (!f->ns || !f->tenant)
		return NULL;
	size_t t = strlen(f->tenant);
	if (strncmp(f->ns, f->tenant, t) != 0)
		return xstrdup(f->ns);
	if (f->ns[t] == '-' && strcmp(f->ns + t + 1, f->env) == 0)
		return NULL;
	return xasprintf("{tenant}%s", f->ns + t);
}

static void derive_env(struct platform *p, const struct app_facts *f)
{
	if (!f->env || platform_env_find(p, f->env))
		return;
	p->envs = xrealloc(p->envs, (p->nenvs + 1) * sizeof(*p->envs));
	struct platform_env *e = &p->envs[p->nenvs++];
	memset(e, 0, sizeof(*e));
	e->name = xstrdup(f->env);
	e->cluster = f->cluster ? xstrdup(f->cluster) : NULL;
	e->namespace_pattern = namespace_pattern(f);
	/* without a file, the name is all there is to go by: never make production the
	 * easiest place to change something */
	switch (envname_classify(f->env)) {
	case ENVNAME_PRODUCTION:
		e->protection = PLATFORM_PROTECT_TYPED;
		break;
	case ENVNAME_STAGING:
		e->protection = PLATFORM_PROTECT_CONFIRM;
		break;
	case ENVNAME_OTHER:
		e->protection = PLATFORM_PROTECT_NONE;
		break;
	}
	e->derived = true;
}

/* The app name pattern for service: none when the app is "{service}-{env}" (the
 * default), "PREFIX-{env}" when only the prefix differs, else the fixed name. */
static char *app_pattern(const char *app, const char *service, const char *env)
{
	size_t n = strlen(app), e = env ? strlen(env) : 0;
	if (!env || n <= e + 1 || app[n - e - 1] != '-' || strcmp(app + n - e, env) != 0)
		return xstrdup(app);
	if (n - e - 1 == strlen(service) && strncmp(app, service, n - e - 1) == 0)
		return NULL;
	return xasprintf("%.*s-{env}", (int)(n - e - 1), app);
}

static void derive_service(struct platform *p, const json_t *app, const struct app_facts *f)
{
	char *name = app_service(p, app, f);
	if (!platform_name_is_safe(name) || platform_service_find(p, name)) {
		free(name);
		return;
	}
	p->services = xrealloc(p->services, (p->nservices + 1) * sizeof(*p->services));
	struct platform_service *s = &p->services[p->nservices++];
	memset(s, 0, sizeof(*s));
	s->name = name;
	s->tenant = f->tenant ? xstrdup(f->tenant) : NULL;
	const char *env = f->env ? f->env : env_from_suffix(p, f->name);
	s->app_pattern = app_pattern(f->name, name, env);
	s->derived = true;
}

/* ---- ordering ------------------------------------------------------------------------- */

static int env_rank(const char *name)
{
	static const char *const order[] = {"dev", "sit", "uat", "pre", "prd"};
	for (int i = 0; i < 5; i++)
		if (strcmp(name, order[i]) == 0)
			return i;
	return 5;
}

static int cmp_env(const void *a, const void *b)
{
	const struct platform_env *x = a, *y = b;
	int rx = env_rank(x->name), ry = env_rank(y->name);
	return rx != ry ? rx - ry : strcmp(x->name, y->name);
}

static int cmp_cluster(const void *a, const void *b)
{
	return strcmp(((const struct platform_cluster *)a)->name,
		      ((const struct platform_cluster *)b)->name);
}

static int cmp_tenant(const void *a, const void *b)
{
	return strcmp(((const struct platform_tenant *)a)->name,
		      ((const struct platform_tenant *)b)->name);
}

static int cmp_service(const void *a, const void *b)
{
	const struct platform_service *x = a, *y = b;
	int t = strcmp(x->tenant ? x->tenant : "", y->tenant ? y->tenant : "");
	return t ? t : strcmp(x->name, y->name);
}

/* Drops what an earlier call derived, so a new application list replaces it. */
static void derived_clear(struct platform *p)
{
	if (!(p->from_file & PLATFORM_SECTION_CLUSTERS)) {
		for (size_t i = 0; i < p->nclusters; i++)
			platform_cluster_clear(&p->clusters[i]);
		p->nclusters = 0;
	}
	if (!(p->from_file & PLATFORM_SECTION_TENANTS)) {
		for (size_t i = 0; i < p->ntenants; i++)
			platform_tenant_clear(&p->tenants[i]);
		p->ntenants = 0;
	}
	if (!(p->from_file & PLATFORM_SECTION_ENVS)) {
		for (size_t i = 0; i < p->nenvs; i++)
			platform_env_clear(&p->envs[i]);
		p->nenvs = 0;
	}
	if (!(p->from_file & PLATFORM_SECTION_SERVICES)) {
		for (size_t i = 0; i < p->nservices; i++)
			platform_service_clear(&p->services[i]);
		p->nservices = 0;
	}
}

void platform_derive(struct platform *p, const json_t *apps)
{
	const json_t *items = json_is_array(apps) ? apps : json_object_get(apps, "items");
	const json_t *app;
	size_t i;
	struct app_facts f;
	unsigned file = p->from_file;
	derived_clear(p);
	/* environments first: services strip "-ENV" using them */
	json_array_foreach(items, i, app)
		if (!(file & PLATFORM_SECTION_ENVS) && app_facts_read(app, &f))
			derive_env(p, &f);
	json_array_foreach(items, i, app) {
		if (!app_facts_read(app, &f))
			continue;
		if (!(file & PLATFORM_SECTION_CLUSTERS))
			derive_cluster(p, &f);
		if (!(file & PLATFORM_SECTION_TENANTS))
			derive_tenant(p, &f);
		if (!(file & PLATFORM_SECTION_SERVICES))
			derive_service(p, app, &f);
	}
	if (!(file & PLATFORM_SECTION_CLUSTERS) && p->nclusters > 1)
		qsort(p->clusters, p->nclusters, sizeof(*p->clusters), cmp_cluster);
	if (!(file & PLATFORM_SECTION_TENANTS) && p->ntenants > 1)
		qsort(p->tenants, p->ntenants, sizeof(*p->tenants), cmp_tenant);
	if (!(file & PLATFORM_SECTION_ENVS) && p->nenvs > 1)
		qsort(p->envs, p->nenvs, sizeof(*p->envs), cmp_env);
	if (!(file & PLATFORM_SECTION_SERVICES) && p->nservices > 1)
		qsort(p->services, p->nservices, sizeof(*p->services), cmp_service);
}
