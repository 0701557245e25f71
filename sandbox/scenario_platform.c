/* The platform model text the sandbox writes as DIR/platform.yaml: clusters (contexts
 * named as the clusters, server URLs with the ${SANDBOX_URL} placeholder the server
 * fills in), tenants, environments in promotion order, services and the GitOps repo. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "core/xalloc.h"
#include "sandbox/scenario_model.h"

static void put_clusters(struct strbuf *sb, const struct sc_model *m)
{
	strbuf_puts(sb, "clusters:\n");
	for (size_t i = 0; i < m->nclusters; i++) {
		const struct sc_cluster_def *c = &m->clusters[i];
		strbuf_printf(sb, "  - name: %s\n    context: %s\n"
			      "    server: ${SANDBOX_URL}/clusters/%s\n"
			      "    labels: {region: %s, tier: %s}\n",
			      c->name, c->name, c->name, c->region,
			      c->control_plane ? "control-plane" : "workload");
	}
}

/* A YAML double-quoted scalar, so any description reads back unchanged. */
static void put_quoted(struct strbuf *sb, const char *prefix, const char *text)
{
	strbuf_puts(sb, prefix);
	strbuf_putc(sb, '"');
	for (const char *p = text; *p; p++) {
		if (*p == '"' || *p == '\\')
			strbuf_putc(sb, '\\');
		if ((unsigned char)*p < 0x20)
			strbuf_printf(sb, "\\x%02x", (unsigned char)*p);
		else
			strbuf_putc(sb, *p);
	}
	strbuf_puts(sb, "\"\n");
}

static void put_tenants(struct strbuf *sb, const struct sc_model *m)
{
	strbuf_puts(sb, "\ntenants:\n");
	for (size_t t = 0; t < m->ntenants; t++) {
		const char *name = m->tenants[t].name;
		strbuf_printf(sb, "  - name: %s\n", name);
		if (m->tenants[t].description)
			put_quoted(sb, "    description: ", m->tenants[t].description);
		strbuf_printf(sb, "    projects: [%s]\n    namespaces: [", name);
		for (size_t e = 0; e < m->nenvs; e++)
			strbuf_printf(sb, "%s%s-%s", e ? ", " : "", name, m->envs[e].name);
		strbuf_puts(sb, "]\n");
	}
}

static void put_envs(struct strbuf *sb, const struct sc_model *m)
{
	strbuf_puts(sb, "\n# In promotion order.\nenvironments:\n");
	for (size_t e = 0; e < m->nenvs; e++) {
		const struct sc_env *env = &m->envs[e];
		strbuf_printf(sb, "  - name: %s\n    cluster: %s\n    namespace: \"{tenant}-%s\"\n"
			      "    protection: %s\n",
			      env->name, env->cluster, env->name, env->protection);
		if (env->freeze) {
			const char *sp = strrchr(env->freeze, ' ');
			strbuf_printf(sb, "    freeze:\n      - {schedule: \"%.*s\", duration: %s}\n",
				      sp ? (int)(sp - env->freeze) : (int)strlen(env->freeze),
				      env->freeze, sp ? sp + 1 : "24h");
		}
	}
}

static void put_services(struct strbuf *sb, const struct sc_model *m)
{
	strbuf_puts(sb, "\nservices:\n");
	for (size_t s = 0; s < m->nservices; s++) {
		const struct sc_service *svc = &m->services[s];
		strbuf_printf(sb, "  - name: %s\n    tenant: %s\n    app: \"{service}-{env}\"\n"
			      "    image: %s/%s/%s\n",
			      svc->name, m->tenants[svc->tenant_idx].name, m->registry,
			      m->tenants[svc->tenant_idx].name, svc->name);
	}
}

char *sc_platform_yaml(const struct sc_model *m)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_puts(&sb, "# opsdeck platform model for the sandbox's demo platform.\n"
			 "# ${SANDBOX_URL} is the sandbox's base URL.\n\n");
	put_clusters(&sb, m);
	put_tenants(&sb, m);
	put_envs(&sb, m);
	put_services(&sb, m);
	strbuf_printf(&sb, "\ngitops:\n  repo: %s\n  path: \"%s\"\n  revision: %s\n"
			   "  image_tag: kustomize   # images[].newTag in kustomization.yaml\n",
		      m->gitops_repo, m->gitops_path, m->gitops_revision);
	return strbuf_detach(&sb);
}
