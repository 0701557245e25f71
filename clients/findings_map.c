/* findings_map (clients/findings_kube.h): each workload placed in the platform model,
 * its environment and tenant read from its namespace through the environments'
 * namespace patterns, its service from its name. */
#include <stdlib.h>
#include <string.h>

#include "clients/findings_internal.h"
#include "core/platform.h"
#include "core/xalloc.h"

/* Matches ns against pattern ("{tenant}-{env}", "team-{tenant}", "{tenant}"): {env} is
 * env literally, {tenant} any non-empty text, captured into t and tlen. */
static bool pattern_match(const char *pat, const char *ns, const char *env, const char **t,
			  size_t *tlen)
{
	while (*pat) {
		if (!strncmp(pat, "{env}", 5)) {
			size_t n = strlen(env);
			if (strncmp(ns, env, n))
				return false;
			pat += 5;
			ns += n;
		} else if (!strncmp(pat, "{tenant}", 8)) {
			/* shortest capture first: "a-b-dev" with "{tenant}-{env}" has one answer */
			for (size_t n = 1; n <= strlen(ns); n++)
				if (pattern_match(pat + 8, ns + n, env, t, tlen)) {
					*t = ns;
					*tlen = n;
					return true;
				}
			return false;
		} else if (*pat++ != *ns++) {
			return false;
		}
	}
	return *ns == '\0';
}

/* A tenant name the model knows (its tenants, or a service's tenant); with no tenants
 * known at all, any. */
static bool tenant_known(const struct platform *p, const char *t, size_t len)
{
	bool any = p->ntenants > 0;
	for (size_t i = 0; i < p->ntenants; i++)
		if (strlen(p->tenants[i].name) == len && !strncmp(p->tenants[i].name, t, len))
			return true;
	for (size_t i = 0; i < p->nservices; i++) {
		const char *st = p->services[i].tenant;
		any |= st != NULL;
		if (st && strlen(st) == len && !strncmp(st, t, len))
			return true;
	}
	return !any;
}

/* The environment's cluster, when known, must be the workload's (by name or context). */
static bool cluster_matches(const struct platform *p, const struct platform_env *e,
			    const char *cluster)
{
	const struct platform_cluster *c = platform_cluster_find(p, e->cluster);
	if (!c || !*cluster)
		return true;
	return !strcmp(c->name, cluster) || (c->context && !strcmp(c->context, cluster));
}

static void set_str(char **field, const char *v, size_t len)
{
	free(*field);
	*field = xstrndup(v, len);
}

/* Environment and tenant from the namespace; an environment on another cluster counts
 * only when no environment of the workload's cluster matches. */
static void map_namespace(struct finding_workload *w, const struct platform *p)
{
	const struct platform_env *best = NULL;
	const char *tenant = NULL;
	size_t tlen = 0;
	bool best_on_cluster = false;
	for (size_t i = 0; i < p->nenvs; i++) {
		const struct platform_env *e = &p->envs[i];
		const char *pat = e->namespace_pattern ? e->namespace_pattern : "{tenant}-{env}";
		const char *t = NULL;
		size_t n = 0;
		if (!pattern_match(pat, w->namespace, e->name, &t, &n))
			continue;
		if (t && !tenant_known(p, t, n))
			continue;
		bool on_cluster = cluster_matches(p, e, w->cluster);
		if (best && (best_on_cluster || !on_cluster))
			continue;
		best = e;
		best_on_cluster = on_cluster;
		tenant = t;
		tlen = n;
	}
	if (!best)
		return;
	if (!*w->environment)
		set_str(&w->environment, best->name, strlen(best->name));
	if (!*w->tenant && tenant)
		set_str(&w->tenant, tenant, tlen);
}

/* Kinds whose name is not a service's even when it reads like one. */
static bool names_service(const char *kind)
{
	static const char *const not_workloads[] = {"Role", "ClusterRole", "Namespace"};
	size_t n = strlen(kind);
	if (n >= 6 && !strcmp(kind + n - 6, "Report"))
		return false;
	for (size_t i = 0; i < sizeof(not_workloads) / sizeof(not_workloads[0]); i++)
		if (!strcmp(kind, not_workloads[i]))
			return false;
	return true;
}

void findings_map(struct findings *set, const struct platform *p)
{
	if (!set || !p)
		return;
	for (size_t i = 0; i < set->n; i++) {
		struct finding_workload *w = &set->w[i];
		map_namespace(w, p);
		if (*w->service || !names_service(w->kind))
			continue;
		const struct platform_service *s = platform_service_find(p, w->name);
		if (!s)
			continue;
		set_str(&w->service, s->name, strlen(s->name));
		if (!*w->tenant && s->tenant)
			set_str(&w->tenant, s->tenant, strlen(s->tenant));
	}
}
