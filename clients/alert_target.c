/* Alert labels to platform targets (clients/alert_target.h): the service, environment,
 * tenant, app and cluster an alert points at, and the labels' stable text. */
#include "clients/alert_target.h"

#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "core/xalloc.h"

static char *dup_or_null(const char *s)
{
	return s && *s ? xstrdup(s) : NULL;
}

static const char *first_label(const struct prom_labels *l, const char *const *names)
{
	for (; *names; names++) {
		const char *v = prom_labels_get(l, *names);
		if (v && *v)
			return v;
	}
	return NULL;
}

/* The environment whose namespace for tenant (or, when tenant is NULL, for any tenant of
 * the model) is ns; *tenant_out gets the tenant that matched. */
static const struct platform_env *env_of_namespace(const struct platform *p, const char *ns,
						   const char *tenant, const char **tenant_out)
{
	for (size_t e = 0; ns && e < p->nenvs; e++) {
		for (size_t t = 0; t < (tenant ? 1 : p->ntenants); t++) {
			const char *tn = tenant ? tenant : p->tenants[t].name;
			char *want = platform_env_namespace(p, p->envs[e].name, tn);
			bool hit = want && !strcmp(want, ns);
			free(want);
			if (hit) {
				*tenant_out = tn;
				return &p->envs[e];
			}
		}
	}
	return NULL;
}

/* "<tenant>-<env>" split at the last dash, for a model that knows no environments. */
static void split_namespace(const char *ns, char **tenant, char **env)
{
	const char *dash = ns ? strrchr(ns, '-') : NULL;
	if (!dash || dash == ns || !dash[1])
		return;
	if (!*tenant)
		*tenant = xstrndup(ns, (size_t)(dash - ns));
	if (!*env)
		*env = xstrdup(dash + 1);
}

static void map_cluster(const struct platform *p, struct alert_target *out,
			const char *label)
{
	if (label && *label) {
		/* a platform cluster's name becomes its kubeconfig context */
		const struct platform_cluster *c = platform_cluster_find(p, label);
		out->cluster = xstrdup(c && c->context ? c->context : label);
		return;
	}
	const struct platform_env *e = platform_env_find(p, out->env);
	const struct platform_cluster *c = e ? platform_cluster_find(p, e->cluster) : NULL;
	if (c)
		out->cluster = xstrdup(c->context ? c->context : c->name);
}

void alert_target_map(const struct platform *p, const struct prom_labels *labels,
		      struct alert_target *out)
{
	static const char *const service_names[] = {"service", "app_kubernetes_io_name",
						     "app.kubernetes.io/name", "app", NULL};
	static const char *const env_names[] = {"environment", "env", NULL};
	static const char *const tenant_names[] = {"tenant", "team", NULL};
	*out = (struct alert_target){0};
	out->service = dup_or_null(first_label(labels, service_names));
	out->env = dup_or_null(first_label(labels, env_names));
	out->tenant = dup_or_null(first_label(labels, tenant_names));
	const char *ns = prom_labels_get(labels, "namespace");
	out->namespace = dup_or_null(ns);
	const struct platform_service *svc = platform_service_find(p, out->service);
	if (!out->tenant && svc && svc->tenant)
		out->tenant = xstrdup(svc->tenant);
	if (!out->env && ns && *ns) {
		const char *tn = NULL;
		const struct platform_env *e = env_of_namespace(p, ns, out->tenant, &tn);
		if (!e && out->tenant) /* the label's tenant may not be the model's name */
			e = env_of_namespace(p, ns, NULL, &tn);
		if (e) {
			out->env = xstrdup(e->name);
			if (!out->tenant)
				out->tenant = xstrdup(tn);
		} else if (p->nenvs == 0) {
			split_namespace(ns, &out->tenant, &out->env);
		}
	}
	if (!out->namespace && out->env && out->tenant)
		out->namespace = platform_env_namespace(p, out->env, out->tenant);
	if (out->service && out->env)
		out->app = platform_app_name(p, out->service, out->env);
	map_cluster(p, out, prom_labels_get(labels, "cluster"));
}

void alert_target_free(struct alert_target *t)
{
	char **s[] = {&t->service, &t->env, &t->tenant, &t->app, &t->cluster, &t->namespace};
	for (size_t i = 0; i < sizeof s / sizeof s[0]; i++) {
		free(*s[i]);
		*s[i] = NULL;
	}
}

char *alert_target_fingerprint(const struct prom_labels *labels)
{
	struct strbuf sb = STRBUF_INIT;
	/* labels are sorted by name (prometheus.h), so the text is stable */
	for (size_t i = 0; i < labels->n; i++)
		strbuf_printf(&sb, "%s%s=%s", i ? "," : "", labels->items[i].name,
			      labels->items[i].value);
	return strbuf_detach(&sb);
}
