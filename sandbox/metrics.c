/* GET /metrics (metrics.h): what a service mesh and kube-state-metrics would export for
 * the scenario, computed from the store at scrape time. Request counters are integrated
 * (elapsed time x the current rate) so they only ever grow, whatever the scrape pace. */
#include "sandbox/metrics.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/xalloc.h"
#include "sandbox/apireq.h"
#include "sandbox/server.h"

#define LBL_TENANT "platform.opsdeck.dev/tenant"
#define LBL_SERVICE "platform.opsdeck.dev/service"
#define LBL_ENV "platform.opsdeck.dev/environment"

/* Error ratios: a healthy service fails one request in a thousand; one with crashing
 * pods behind it fails badly enough that any error-rate alert must notice. */
#define ERR_RATIO_OK 0.001
#define ERR_RATIO_BAD 0.4

struct sbx_metrics_series {
	char *key;                    /* cluster, namespace, tenant, service, environment */
	char *cluster, *ns, *tenant, *service, *env;
	long long last_ms;
	double ok, err;               /* requests answered 200 and 500 so far */
};

/* One deployment's pods as seen in this scrape. */
struct dep_pods {
	char *key;
	unsigned running, unhealthy;
};

struct scrape {
	struct dep_pods *deps;
	size_t ndeps, cap;
	struct strbuf waiting, restarts;
};

static const char *str_at(const json_t *obj, const char *a, const char *b)
{
	return json_string_value(json_object_get(json_object_get(obj, a), b));
}

static char *series_key(const char *cluster, const char *ns, const char *tenant,
			const char *service, const char *env)
{
	return xasprintf("%s\x1f%s\x1f%s\x1f%s\x1f%s", cluster, ns, tenant, service, env);
}

/* 5..20 requests/s per pod, fixed per deployment so runs are repeatable. */
static double per_pod_rate(const char *key)
{
	uint32_t h = 2166136261u;
	for (const unsigned char *p = (const unsigned char *)key; *p; p++)
		h = (h ^ *p) * 16777619u;
	return 5.0 + (double)(h % 16);
}

/* Appends name="value" with the exposition format's escapes (\\, \", \n). */
static void put_label(struct strbuf *sb, const char *name, const char *value, bool first)
{
	if (!first)
		strbuf_putc(sb, ',');
	strbuf_printf(sb, "%s=\"", name);
	for (const char *p = value ? value : ""; *p; p++) {
		if (*p == '\\' || *p == '"')
			strbuf_putc(sb, '\\');
		if (*p == '\n')
			strbuf_puts(sb, "\\n");
		else
			strbuf_putc(sb, *p);
	}
	strbuf_putc(sb, '"');
}

static struct dep_pods *scrape_dep(struct scrape *s, const char *key)
{
	for (size_t i = 0; i < s->ndeps; i++)
		if (!strcmp(s->deps[i].key, key))
			return &s->deps[i];
	s->deps = xgrow(s->deps, &s->cap, s->ndeps + 1, sizeof(*s->deps));
	struct dep_pods *d = &s->deps[s->ndeps++];
	memset(d, 0, sizeof(*d));
	d->key = xstrdup(key);
	return d;
}

static bool reason_is_backoff(const char *r)
{
	return r && (!strcmp(r, "CrashLoopBackOff") || !strcmp(r, "ImagePullBackOff") ||
		     !strcmp(r, "ErrImagePull"));
}

/* The pod's kube-state-metrics series, and whether it is running and whether it fails. */
static void pod_containers(struct scrape *s, const char *cluster, const json_t *pod,
			   bool *running, bool *unhealthy)
{
	const char *ns = objstore_obj_namespace(pod), *name = objstore_obj_name(pod);
	const json_t *status = json_object_get(pod, "status");
	const char *phase = json_string_value(json_object_get(status, "phase"));
	bool deleting = json_object_get(json_object_get(pod, "metadata"), "deletionTimestamp");
	*running = !deleting && phase && !strcmp(phase, "Running");
	*unhealthy = false;
	size_t i;
	json_t *cs;
	json_array_foreach(json_object_get(status, "containerStatuses"), i, cs) {
		const char *cname = json_string_value(json_object_get(cs, "name"));
		const char *reason = str_at(json_object_get(cs, "state"), "waiting", "reason");
		if ((*running && !json_is_true(json_object_get(cs, "ready"))) ||
		    reason_is_backoff(reason))
			*unhealthy = !deleting;
		struct strbuf lbl = STRBUF_INIT;
		put_label(&lbl, "cluster", cluster, true);
		put_label(&lbl, "namespace", ns, false);
		put_label(&lbl, "pod", name, false);
		put_label(&lbl, "container", cname, false);
		/* Not in kube-state-metrics, but they let an alert name the service. */
		static const char *const plat[][2] = {{"tenant", LBL_TENANT},
						      {"service", LBL_SERVICE},
						      {"environment", LBL_ENV}};
		for (size_t k = 0; k < 3; k++) {
			const char *v = str_at(json_object_get(pod, "metadata"), "labels", plat[k][1]);
			if (v)
				put_label(&lbl, plat[k][0], v, false);
		}
		if (reason) {
			strbuf_printf(&s->waiting, "kube_pod_container_status_waiting_reason{%s",
				      strbuf_str(&lbl));
			put_label(&s->waiting, "reason", reason, false);
			strbuf_puts(&s->waiting, "} 1\n");
		}
		strbuf_printf(&s->restarts, "kube_pod_container_status_restarts_total{%s} %lld\n",
			      strbuf_str(&lbl),
			      (long long)json_integer_value(json_object_get(cs, "restartCount")));
		strbuf_free(&lbl);
	}
}

static void scrape_pods(struct scrape *s, struct objstore_cluster *cl)
{
	const struct resource *res = resource_find(&cl->resources, "", "v1", "pods");
	if (!res)
		return;
	const json_t **objs;
	const char **keys;
	size_t n = objstore_list(cl, res, NULL, NULL, &objs, &keys);
	for (size_t i = 0; i < n; i++) {
		bool running, unhealthy;
		pod_containers(s, cl->name, objs[i], &running, &unhealthy);
		const json_t *md = json_object_get(objs[i], "metadata");
		const char *tenant = str_at(md, "labels", LBL_TENANT);
		const char *svc = str_at(md, "labels", LBL_SERVICE);
		const char *env = str_at(md, "labels", LBL_ENV);
		if (!tenant || !svc || !env || !running)
			continue;
		char *key = series_key(cl->name, objstore_obj_namespace(objs[i]), tenant, svc, env);
		struct dep_pods *d = scrape_dep(s, key);
		d->running++;
		d->unhealthy += unhealthy;
		free(key);
	}
	free(objs);
	free(keys);
}

static struct sbx_metrics_series *series_get(struct sbx_metrics *m, const char *key,
					     const char *const lbl[5], long long now_ms)
{
	for (size_t i = 0; i < m->n; i++)
		if (!strcmp(m->series[i].key, key))
			return &m->series[i];
	m->series = xgrow(m->series, &m->cap, m->n + 1, sizeof(*m->series));
	struct sbx_metrics_series *se = &m->series[m->n++];
	memset(se, 0, sizeof(*se));
	se->key = xstrdup(key);
	se->cluster = xstrdup(lbl[0]);
	se->ns = xstrdup(lbl[1]);
	se->tenant = xstrdup(lbl[2]);
	se->service = xstrdup(lbl[3]);
	se->env = xstrdup(lbl[4]);
	se->last_ms = now_ms;
	return se;
}

/* Every deployment of a service: its counters move on by the time since the last scrape
 * at the rate its pods give now. */
static void advance_deployments(struct sbx_metrics *m, struct scrape *s,
				struct objstore_cluster *cl, long long now_ms)
{
	const struct resource *res = resource_find(&cl->resources, "apps", "v1", "deployments");
	if (!res)
		return;
	const json_t **objs;
	const char **keys;
	size_t n = objstore_list(cl, res, NULL, NULL, &objs, &keys);
	for (size_t i = 0; i < n; i++) {
		const json_t *md = json_object_get(objs[i], "metadata");
		const char *lbl[5] = {cl->name, objstore_obj_namespace(objs[i]),
				      str_at(md, "labels", LBL_TENANT),
				      str_at(md, "labels", LBL_SERVICE), str_at(md, "labels", LBL_ENV)};
		if (!lbl[1] || !lbl[2] || !lbl[3] || !lbl[4])
			continue;
		char *key = series_key(lbl[0], lbl[1], lbl[2], lbl[3], lbl[4]);
		struct dep_pods *d = scrape_dep(s, key);
		struct sbx_metrics_series *se = series_get(m, key, lbl, now_ms);
		double secs = now_ms > se->last_ms ? (double)(now_ms - se->last_ms) / 1000.0 : 0;
		double total = secs * per_pod_rate(key) * d->running;
		double ratio = d->unhealthy ? ERR_RATIO_BAD : ERR_RATIO_OK;
		se->ok += total * (1.0 - ratio);
		se->err += total * ratio;
		if (now_ms > se->last_ms)
			se->last_ms = now_ms;
		free(key);
	}
	free(objs);
	free(keys);
}

static void put_requests(const struct sbx_metrics *m, struct strbuf *out)
{
	strbuf_puts(out, "# HELP http_requests_total Requests served, by service deployment and "
			 "status code.\n# TYPE http_requests_total counter\n");
	for (size_t i = 0; i < m->n; i++) {
		const struct sbx_metrics_series *se = &m->series[i];
		static const char *const codes[] = {"200", "500"};
		double v[] = {se->ok, se->err};
		for (int c = 0; c < 2; c++) {
			strbuf_puts(out, "http_requests_total{");
			put_label(out, "cluster", se->cluster, true);
			put_label(out, "namespace", se->ns, false);
			put_label(out, "tenant", se->tenant, false);
			put_label(out, "service", se->service, false);
			put_label(out, "environment", se->env, false);
			put_label(out, "code", codes[c], false);
			/* truncation keeps the printed counter monotonic as the total grows */
			strbuf_printf(out, "} %lld\n", (long long)v[c]);
		}
	}
}

void sbx_metrics_render(struct sbx_metrics *m, struct objstore *st, long long now_ms,
			struct strbuf *out)
{
	struct scrape s;
	memset(&s, 0, sizeof(s));
	for (size_t i = 0; i < st->nclusters; i++) {
		scrape_pods(&s, &st->clusters[i]);
		advance_deployments(m, &s, &st->clusters[i], now_ms);
	}
	put_requests(m, out);
	strbuf_puts(out, "# HELP kube_pod_container_status_waiting_reason Describes the reason "
			 "the container is currently in waiting state.\n"
			 "# TYPE kube_pod_container_status_waiting_reason gauge\n");
	strbuf_puts(out, strbuf_str(&s.waiting));
	strbuf_puts(out, "# HELP kube_pod_container_status_restarts_total The number of "
			 "container restarts per container.\n"
			 "# TYPE kube_pod_container_status_restarts_total counter\n");
	strbuf_puts(out, strbuf_str(&s.restarts));
	for (size_t i = 0; i < s.ndeps; i++)
		free(s.deps[i].key);
	free(s.deps);
	strbuf_free(&s.waiting);
	strbuf_free(&s.restarts);
}

void sbx_metrics_free(struct sbx_metrics *m)
{
	for (size_t i = 0; i < m->n; i++) {
		struct sbx_metrics_series *se = &m->series[i];
		free(se->key);
		free(se->cluster);
		free(se->ns);
		free(se->tenant);
		free(se->service);
		free(se->env);
	}
	free(m->series);
	memset(m, 0, sizeof(*m));
}

/* One accumulator set for the process: there is one store, and scrapes hold its lock. */
static struct sbx_metrics process_metrics;

void sbx_metrics_handle(struct apireq *req)
{
	if (strcmp(req->method, "GET") && strcmp(req->method, "HEAD")) {
		apireq_reply_bytes(req, 405, "text/plain", "method not allowed\n", 19);
		return;
	}
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	long long now_ms = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	struct strbuf out = STRBUF_INIT;
	sbx_metrics_render(&process_metrics, &req->srv->store, now_ms, &out);
	apireq_reply_bytes(req, 200, SBX_METRICS_CONTENT_TYPE, strbuf_str(&out), out.len);
	strbuf_free(&out);
}
