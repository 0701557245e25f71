/* Reads a scenario file (format documented at the top of sandbox/scenarios/demo.yaml) into
 * struct sc_model, checking it: syntax errors name file:line:col (libyaml's), semantic
 * ones the file and the key path ("demo.yaml: tenants[1].services[0]: missing name"). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "core/yaml.h"
#include "sandbox/objstore.h"
#include "sandbox/scenario_model.h"

struct parser {
	const char *file;
	char *err;
	size_t errlen;
	bool failed;
};

static void parse_fail(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void parse_fail(struct parser *p, const char *fmt, ...)
{
	if (p->failed)
		return;   /* keep the first problem: it is the one to fix first */
	p->failed = true;
	char what[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(p->err, p->errlen, "%s: %s", p->file, what);
}

static char *get_str(struct parser *p, json_t *obj, const char *key, const char *where,
		     bool required)
{
	json_t *v = json_object_get(obj, key);
	if (!v || json_is_null(v)) {
		if (required)
			parse_fail(p, "%s: missing %s", where, key);
		return NULL;
	}
	if (json_is_string(v))
		return xstrdup(json_string_value(v));
	if (json_is_integer(v))
		return xasprintf("%lld", (long long)json_integer_value(v));
	if (json_is_real(v))   /* "1.5" read as a number: keep the text form */
		return xasprintf("%g", json_real_value(v));
	parse_fail(p, "%s.%s: expected a string", where, key);
	return NULL;
}

static unsigned get_uint(struct parser *p, json_t *obj, const char *key, const char *where,
			 bool required, unsigned dflt, unsigned max)
{
	json_t *v = json_object_get(obj, key);
	if (!v) {
		if (required)
			parse_fail(p, "%s: missing %s", where, key);
		return dflt;
	}
	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > max) {
		parse_fail(p, "%s.%s: expected a whole number from 0 to %u", where, key, max);
		return dflt;
	}
	return (unsigned)json_integer_value(v);
}

static bool get_bool(struct parser *p, json_t *obj, const char *key, const char *where)
{
	json_t *v = json_object_get(obj, key);
	if (!v)
		return false;
	if (!json_is_boolean(v)) {
		parse_fail(p, "%s.%s: expected true or false", where, key);
		return false;
	}
	return json_is_true(v);
}

/* A list of strings; *n set; NULL when absent. */
static char **get_str_list(struct parser *p, json_t *obj, const char *key, const char *where,
			   size_t *n)
{
	*n = 0;
	json_t *v = json_object_get(obj, key);
	if (!v)
		return NULL;
	if (!json_is_array(v)) {
		parse_fail(p, "%s.%s: expected a list", where, key);
		return NULL;
	}
	char **out = xcalloc(json_array_size(v) + 1, sizeof(*out));
	size_t i;
	json_t *item;
	json_array_foreach(v, i, item) {
		if (json_is_string(item))
			out[(*n)++] = xstrdup(json_string_value(item));
		else if (json_is_integer(item) || json_is_real(item))
			out[(*n)++] = json_dumps(item, JSON_ENCODE_ANY);
		else
			parse_fail(p, "%s.%s[%zu]: expected a string", where, key, i);
	}
	return out;
}

static json_t *get_list(struct parser *p, json_t *obj, const char *key, const char *where,
			bool required)
{
	json_t *v = json_object_get(obj, key);
	if (!v) {
		if (required)
			parse_fail(p, "%s%smissing %s", where, *where ? ": " : "", key);
		return NULL;
	}
	if (!json_is_array(v)) {
		parse_fail(p, "%s%s%s: expected a list", where, *where ? "." : "", key);
		return NULL;
	}
	return v;
}

static bool check_mapping(struct parser *p, json_t *v, const char *where)
{
	if (json_is_object(v))
		return true;
	parse_fail(p, "%s: expected a mapping", where);
	return false;
}

static void parse_clusters(struct parser *p, json_t *root, struct sc_model *m)
{
	json_t *list = get_list(p, root, "clusters", "", true);
	if (!list)
		return;
	m->nclusters = json_array_size(list);
	m->clusters = xcalloc(m->nclusters + 1, sizeof(*m->clusters));
	size_t i;
	json_t *c;
	json_array_foreach(list, i, c) {
		char where[64];
		snprintf(where, sizeof(where), "clusters[%zu]", i);
		if (!check_mapping(p, c, where))
			return;
		struct sc_cluster_def *d = &m->clusters[i];
		d->name = get_str(p, c, "name", where, true);
		d->control_plane = get_bool(p, c, "control_plane", where);
		d->namespaces = get_str_list(p, c, "namespaces", where, &d->nnamespaces);
		d->crd_groups = get_str_list(p, c, "crd_groups", where, &d->ncrd_groups);
		d->nodes = get_uint(p, c, "nodes", where, true, 1, 64);
		d->kubelet_version = get_str(p, c, "kubelet_version", where, true);
		d->region = get_str(p, c, "region", where, true);
		if (d->nodes == 0)
			parse_fail(p, "%s.nodes: a cluster needs at least one node", where);
	}
	if (m->nclusters == 0)
		parse_fail(p, "clusters: at least one cluster is needed");
}

static long find_cluster(const struct sc_model *m, const char *name)
{
	for (size_t i = 0; name && i < m->nclusters; i++)
		if (m->clusters[i].name && strcmp(m->clusters[i].name, name) == 0)
			return (long)i;
	return -1;
}

static void parse_envs(struct parser *p, json_t *root, struct sc_model *m)
{
	json_t *list = get_list(p, root, "environments", "", true);
	if (!list)
		return;
	m->nenvs = json_array_size(list);
	m->envs = xcalloc(m->nenvs + 1, sizeof(*m->envs));
	size_t i;
	json_t *e;
	json_array_foreach(list, i, e) {
		char where[64];
		snprintf(where, sizeof(where), "environments[%zu]", i);
		if (!check_mapping(p, e, where))
			return;
		struct sc_env *env = &m->envs[i];
		env->name = get_str(p, e, "name", where, true);
		env->cluster = get_str(p, e, "cluster", where, true);
		env->protection = get_str(p, e, "protection", where, true);
		env->freeze = get_str(p, e, "freeze", where, false);
		env->automated = get_bool(p, e, "automated", where);
		long ci = find_cluster(m, env->cluster);
		if (env->cluster && ci < 0)
			parse_fail(p, "%s.cluster: no cluster named \"%s\"", where, env->cluster);
		env->cluster_idx = ci < 0 ? 0 : (size_t)ci;
		if (env->protection && strcmp(env->protection, "none") != 0 &&
		    strcmp(env->protection, "confirm") != 0)
			parse_fail(p, "%s.protection: expected none or confirm", where);
	}
	if (m->nenvs == 0)
		parse_fail(p, "environments: at least one environment is needed");
}

static struct sc_statefulset *parse_sts(struct parser *p, json_t *svc, const char *where)
{
	json_t *s = json_object_get(svc, "statefulset");
	if (!s)
		return NULL;
	char w[128];
	snprintf(w, sizeof(w), "%s.statefulset", where);
	if (!check_mapping(p, s, w))
		return NULL;
	struct sc_statefulset *sts = xcalloc(1, sizeof(*sts));
	sts->name = get_str(p, s, "name", w, true);
	sts->image = get_str(p, s, "image", w, true);
	sts->replicas = get_uint(p, s, "replicas", w, true, 1, 10);
	sts->port = get_uint(p, s, "port", w, true, 5432, 65535);
	return sts;
}

static void parse_service(struct parser *p, json_t *s, struct sc_service *svc,
			  const struct sc_model *m, const char *where)
{
	svc->name = get_str(p, s, "name", where, true);
	svc->replicas = get_uint(p, s, "replicas", where, true, 1, 3);
	if (!p->failed && svc->replicas == 0)
		parse_fail(p, "%s.replicas: expected 1 to 3", where);
	svc->port = get_uint(p, s, "port", where, true, 8080, 65535);
	svc->web = get_bool(p, s, "web", where);
	svc->sidecar = get_bool(p, s, "sidecar", where);
	svc->log_style = get_str(p, s, "log_style", where, true);
	svc->log_interval_ms = get_uint(p, s, "log_interval_ms", where, true, 1000, 600000);
	if (svc->log_style && strcmp(svc->log_style, "text") != 0 &&
	    strcmp(svc->log_style, "json") != 0)
		parse_fail(p, "%s.log_style: expected text or json", where);
	size_t nv = 0;
	svc->versions = get_str_list(p, s, "versions", where, &nv);
	if (!svc->versions && !p->failed)
		parse_fail(p, "%s: missing versions", where);
	else if (nv != m->nenvs)
		parse_fail(p, "%s.versions: expected %zu versions (one per environment), got %zu",
			   where, m->nenvs, nv);
	svc->sts = parse_sts(p, s, where);
}

static void parse_tenants(struct parser *p, json_t *root, struct sc_model *m)
{
	json_t *list = get_list(p, root, "tenants", "", true);
	if (!list)
		return;
	m->ntenants = json_array_size(list);
	m->tenants = xcalloc(m->ntenants + 1, sizeof(*m->tenants));
	size_t total = 0, i;
	json_t *t;
	json_array_foreach(list, i, t)
		total += json_array_size(json_object_get(t, "services"));
	m->services = xcalloc(total + 1, sizeof(*m->services));
	json_array_foreach(list, i, t) {
		char where[64];
		snprintf(where, sizeof(where), "tenants[%zu]", i);
		if (!check_mapping(p, t, where))
			return;
		m->tenants[i].name = get_str(p, t, "name", where, true);
		m->tenants[i].description = get_str(p, t, "description", where, false);
		m->tenants[i].release_days = get_uint(p, t, "release_every_days", where, false, 8, 60);
		m->tenants[i].fail_one_in = get_uint(p, t, "failed_one_in", where, false, 0, 100);
		if (!m->tenants[i].release_days)
			parse_fail(p, "%s.release_every_days: expected 1 to 60", where);
		json_t *svcs = get_list(p, t, "services", where, true);
		size_t j;
		json_t *s;
		json_array_foreach(svcs, j, s) {
			char w[96];
			snprintf(w, sizeof(w), "%s.services[%zu]", where, j);
			if (!check_mapping(p, s, w))
				return;
			struct sc_service *svc = &m->services[m->nservices++];
			svc->tenant_idx = i;
			parse_service(p, s, svc, m, w);
		}
	}
}

static long find_service(const struct sc_model *m, const char *name)
{
	for (size_t i = 0; name && i < m->nservices; i++)
		if (m->services[i].name && strcmp(m->services[i].name, name) == 0)
			return (long)i;
	return -1;
}

static long find_env(const struct sc_model *m, const char *name)
{
	for (size_t i = 0; name && i < m->nenvs; i++)
		if (m->envs[i].name && strcmp(m->envs[i].name, name) == 0)
			return (long)i;
	return -1;
}

/* Resolves service and environment names of a mapping; false (and err) if unknown. */
static bool parse_target(struct parser *p, json_t *o, const char *where, const struct sc_model *m,
			 size_t *svc, size_t *env)
{
	char *s = get_str(p, o, "service", where, true);
	char *e = get_str(p, o, "environment", where, true);
	long si = find_service(m, s), ei = find_env(m, e);
	if (s && si < 0)
		parse_fail(p, "%s.service: no service named \"%s\"", where, s);
	if (e && ei < 0)
		parse_fail(p, "%s.environment: no environment named \"%s\"", where, e);
	free(s);
	free(e);
	*svc = si < 0 ? 0 : (size_t)si;
	*env = ei < 0 ? 0 : (size_t)ei;
	return si >= 0 && ei >= 0;
}

static void parse_incidents(struct parser *p, json_t *root, struct sc_model *m)
{
	json_t *list = get_list(p, root, "incidents", "", false);
	m->incidents = xcalloc(json_array_size(list) + 1, sizeof(*m->incidents));
	size_t i;
	json_t *o;
	json_array_foreach(list, i, o) {
		char where[64];
		snprintf(where, sizeof(where), "incidents[%zu]", i);
		if (!check_mapping(p, o, where))
			return;
		struct sc_incident *inc = &m->incidents[m->nincidents++];
		char *kind = get_str(p, o, "kind", where, true);
		if (kind && strcmp(kind, "CrashLoopBackOff") == 0)
			inc->kind = SC_CRASHLOOP;
		else if (kind && strcmp(kind, "ImagePullBackOff") == 0)
			inc->kind = SC_IMAGEPULL;
		else if (kind && strcmp(kind, "Pending") == 0)
			inc->kind = SC_PENDING;
		else if (kind)
			parse_fail(p, "%s.kind: expected CrashLoopBackOff, ImagePullBackOff or Pending",
				   where);
		free(kind);
		inc->oomkilled = get_bool(p, o, "oomkilled", where);
		parse_target(p, o, where, m, &inc->service_idx, &inc->env_idx);
	}
}

static void parse_drift(struct parser *p, json_t *root, struct sc_model *m)
{
	json_t *list = get_list(p, root, "drift", "", false);
	m->drifts = xcalloc(json_array_size(list) + 1, sizeof(*m->drifts));
	size_t i;
	json_t *o;
	json_array_foreach(list, i, o) {
		char where[64];
		snprintf(where, sizeof(where), "drift[%zu]", i);
		if (!check_mapping(p, o, where))
			return;
		struct sc_drift *d = &m->drifts[m->ndrifts++];
		d->git_version = get_str(p, o, "git_version", where, true);
		parse_target(p, o, where, m, &d->service_idx, &d->env_idx);
	}
}

static void parse_hostile(struct parser *p, json_t *root, struct sc_model *m)
{
	m->hostile_service = m->hostile_env = -1;
	json_t *o = json_object_get(root, "hostile_logs");
	if (!o || !check_mapping(p, o, "hostile_logs"))
		return;
	size_t s, e;
	if (!parse_target(p, o, "hostile_logs", m, &s, &e))
		return;
	if (strcmp(m->envs[e].name, "dev") != 0)
		parse_fail(p, "hostile_logs.environment: must be dev");
	m->hostile_service = (long)s;
	m->hostile_env = (long)e;
}

/* bad_versions[i].environments: the names it crashes in, into in_env; absent: all. */
static bool *parse_bad_envs(struct parser *p, json_t *o, const char *where,
			    const struct sc_model *m)
{
	bool *in_env = xcalloc(m->nenvs + 1, sizeof(*in_env));
	size_t n;
	char **names = get_str_list(p, o, "environments", where, &n);
	if (!json_object_get(o, "environments")) {
		for (size_t e = 0; e < m->nenvs; e++)
			in_env[e] = true;
		return in_env;
	}
	if (names && n == 0)
		parse_fail(p, "%s.environments: expected at least one environment", where);
	for (size_t i = 0; i < n; i++) {
		long e = find_env(m, names[i]);
		if (e < 0)
			parse_fail(p, "%s.environments[%zu]: no environment named \"%s\"", where, i,
				   names[i]);
		else
			in_env[e] = true;
		free(names[i]);
	}
	free(names);
	return in_env;
}

/* bad_versions[]: {service, version, environments (optional: all)}; the version must not
 * run yet where it crashes, so that a promotion brings it (and its crash loop) in. */
static void parse_bad_versions(struct parser *p, json_t *root, struct sc_model *m)
{
	json_t *list = get_list(p, root, "bad_versions", "", false);
	m->bad_versions = xcalloc(json_array_size(list) + 1, sizeof(*m->bad_versions));
	size_t i;
	json_t *o;
	json_array_foreach(list, i, o) {
		char where[64];
		snprintf(where, sizeof(where), "bad_versions[%zu]", i);
		if (!check_mapping(p, o, where))
			return;
		char *name = get_str(p, o, "service", where, true);
		char *version = get_str(p, o, "version", where, true);
		bool *in_env = parse_bad_envs(p, o, where, m);
		long si = name ? find_service(m, name) : -1;
		if (name && si < 0)
			parse_fail(p, "%s.service: no service named \"%s\"", where, name);
		char **runs = si >= 0 && version ? m->services[si].versions : NULL;
		for (size_t e = 0; runs && runs[e] && e < m->nenvs; e++)
			if (in_env[e] && !strcmp(runs[e], version))
				parse_fail(p, "%s.version: %s already runs in %s, where it crashes", where,
					   version, m->envs[e].name);
		free(name);
		if (si < 0 || !version) {
			free(version);
			free(in_env);
			continue;
		}
		struct sc_bad_version *b = &m->bad_versions[m->nbad_versions++];
		b->service_idx = (size_t)si;
		b->version = version;
		b->in_env = in_env;
	}
}

/* gitops.history_until: an RFC 3339 UTC time, or absent. */
static void parse_history_until(struct parser *p, json_t *g, struct sc_model *m)
{
	char *until = get_str(p, g, "history_until", "gitops", false);
	if (!until)
		return;
	m->gitops_until = objstore_parse_time(until);
	if (m->gitops_until <= 0) {
		parse_fail(p, "gitops.history_until: expected a time like 2026-11-20T16:00:00Z");
		m->gitops_until = 0;
	}
	free(until);
}

static void parse_root(struct parser *p, json_t *root, struct sc_model *m)
{
	parse_clusters(p, root, m);
	parse_envs(p, root, m);
	json_t *g = json_object_get(root, "gitops");
	if (!g)
		parse_fail(p, "missing gitops");
	else if (check_mapping(p, g, "gitops")) {
		m->gitops_repo = get_str(p, g, "repo", "gitops", true);
		m->gitops_path = get_str(p, g, "path", "gitops", true);
		m->gitops_revision = get_str(p, g, "revision", "gitops", true);
		parse_history_until(p, g, m);
	}
	m->registry = get_str(p, root, "registry", "(top level)", true);
	parse_tenants(p, root, m);
	parse_incidents(p, root, m);
	parse_drift(p, root, m);
	parse_hostile(p, root, m);
	parse_bad_versions(p, root, m);
}

int sc_model_parse(const char *path, struct sc_model *m, char *err, size_t errlen)
{
	memset(m, 0, sizeof(*m));
	m->hostile_service = m->hostile_env = -1;
	json_t *docs = yaml_load_file(path, err, errlen);
	if (!docs)
		return -1;
	struct parser p = {.file = path, .err = err, .errlen = errlen};
	json_t *root = json_array_get(docs, 0);
	if (json_array_size(docs) != 1 || !json_is_object(root))
		parse_fail(&p, "expected one YAML document holding a mapping");
	else
		parse_root(&p, root, m);
	json_decref(docs);
	if (p.failed) {
		sc_model_free(m);
		return -1;
	}
	return 0;
}

static void free_strv(char **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

void sc_model_free(struct sc_model *m)
{
	for (size_t i = 0; i < m->nclusters; i++) {
		struct sc_cluster_def *c = &m->clusters[i];
		free(c->name);
		free_strv(c->namespaces, c->nnamespaces);
		free_strv(c->crd_groups, c->ncrd_groups);
		free(c->kubelet_version);
		free(c->region);
	}
	free(m->clusters);
	for (size_t i = 0; i < m->nenvs; i++) {
		free(m->envs[i].name);
		free(m->envs[i].cluster);
		free(m->envs[i].protection);
		free(m->envs[i].freeze);
	}
	for (size_t i = 0; i < m->nservices; i++) {
		struct sc_service *s = &m->services[i];
		free(s->name);
		free(s->log_style);
		for (size_t v = 0; s->versions && s->versions[v]; v++)
			free(s->versions[v]);
		free(s->versions);
		if (s->sts) {
			free(s->sts->name);
			free(s->sts->image);
			free(s->sts);
		}
	}
	free(m->services);
	for (size_t i = 0; i < m->ntenants; i++) {
		free(m->tenants[i].name);
		free(m->tenants[i].description);
	}
	free(m->tenants);
	free(m->envs);
	free(m->incidents);
	for (size_t i = 0; i < m->ndrifts; i++)
		free(m->drifts[i].git_version);
	free(m->drifts);
	for (size_t i = 0; i < m->nbad_versions; i++) {
		free(m->bad_versions[i].version);
		free(m->bad_versions[i].in_env);
	}
	free(m->bad_versions);
	free(m->gitops_repo);
	free(m->gitops_path);
	free(m->gitops_revision);
	free(m->registry);
	memset(m, 0, sizeof(*m));
}
