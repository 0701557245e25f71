/* What the logs view follows: the target read from the view's arguments (a pod, a
 * workload, a list of pods, an Argo CD app whose tree names its pods), and the
 * kube_logset that fans their containers in, restarted when the options change. */
#include "views/logs_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "views/console.h"
#include "views/logs_target.h"
#include "views/session.h"

enum { APP_MAX_PODS = 256 };

/* ---- the set's callbacks ------------------------------------------------------------ */

static void remember_container(struct logs_view *lv, const char *name)
{
	const char *slash = strchr(name, '/');
	if (!slash || !slash[1])
		return;
	for (size_t i = 0; i < lv->ncontainers; i++)
		if (strcmp(lv->containers[i], slash + 1) == 0)
			return;
	lv->containers = xrealloc(lv->containers, (lv->ncontainers + 1) * sizeof(char *));
	lv->containers[lv->ncontainers++] = xstrdup(slash + 1);
}

static void on_source(void *ud, unsigned index, const char *name)
{
	struct logs_view *lv = ud;
	/* one pod: its name is in the crumb already, so the prefix is the container's; at
	 * 80 columns "pod/container" would take half the line */
	const char *slash = strchr(name, '/');
	logs_model_set_source(lv->model, index, lv->pod && slash ? slash + 1 : name);
	remember_container(lv, name);
	lv->dirty = true; /* the prefix width may have changed */
	console_changed(lv->view->console, lv->view, VIEW_BODY);
}

/* A line arrived: redraw when it shows (following, or within the paused window). */
static void arrived(struct logs_view *lv, bool shown)
{
	unsigned change = VIEW_CHROME;
	if (shown && !lv->follow) {
		lv->new_lines++;
		size_t last = logs_model_shown(lv->model) - 1;
		size_t top = logs_model_shown_index(lv->model, lv->top_seq);
		if (last < top + (size_t)(lv->drawn_rows > 0 ? lv->drawn_rows : 1))
			lv->dirty = true;
	} else if (shown) {
		lv->dirty = true;
	}
	if (lv->dirty)
		change |= VIEW_BODY;
	console_changed(lv->view->console, lv->view, change);
}

static void on_line(void *ud, unsigned index, long long time_ms, const char *text, size_t len)
{
	struct logs_view *lv = ud;
	arrived(lv, logs_model_push(lv->model, time_ms, index, 0, text, len));
}

static void on_marker(void *ud, unsigned index, bool gap, const char *text)
{
	struct logs_view *lv = ud;
	unsigned flag = gap ? LOG_LINE_GAP : LOG_LINE_NOTICE;
	arrived(lv, logs_model_push(lv->model, 0, index, flag, text, strlen(text)));
}

static void on_state(void *ud, enum kube_log_state st, unsigned streaming, const char *error)
{
	struct logs_view *lv = ud;
	lv->state = st;
	lv->streaming = streaming;
	free(lv->error);
	lv->error = error ? xstrdup(error) : NULL;
	if (st == KUBE_LOG_FAILED && error)
		console_flash(lv->view->console, CHROME_FLASH_ERROR, "logs: %s", error);
	console_changed(lv->view->console, lv->view, VIEW_CHROME);
}

/* ---- starting and stopping ---------------------------------------------------------- */

void logs_stop(struct logs_view *lv)
{
	if (lv->set) {
		kube_logset_stop(lv->set);
		lv->set = NULL;
	}
	if (lv->tree_call) {
		argocd_call_cancel(lv->tree_call);
		lv->tree_call = NULL;
	}
}

static void start_set(struct logs_view *lv)
{
	struct session *s = console_session(lv->view->console);
	struct session_cluster *cl = session_find(s, lv->context);
	if (!cl) {
		console_flash(lv->view->console, CHROME_FLASH_ERROR, "logs: no context %s",
			      lv->context);
		lv->state = KUBE_LOG_FAILED;
		return;
	}
	struct kube_logset_target t = {
		.namespace = lv->namespace,
		.pod = lv->pod,
		.pods = (const char *const *)lv->pods,
		.npods = lv->npods,
		.workload = lv->workload,
		.label_selector = lv->label_selector,
		.container = lv->container,
	};
	struct kube_log_options o = {.tail_lines = lv->tail, .since_seconds = lv->since,
				     .follow = true, .previous = lv->previous};
	static const struct kube_logset_callbacks cbs = {on_source, on_line, on_marker, on_state};
	lv->state = KUBE_LOG_CONNECTING;
	lv->set = kube_logset_start(session_cluster_open(s, cl), &t, &o, &cbs, lv);
}

void logs_restart(struct logs_view *lv)
{
	if (lv->tree_call) /* the app's pods are not known yet: they start when they are */
		return;
	logs_stop(lv);
	logs_model_reset(lv->model);
	lv->new_lines = 0;
	lv->current = 0;
	lv->streaming = 0;
	lv->dirty = true;
	if (lv->app && !lv->npods) {
		lv->state = KUBE_LOG_ENDED;
		free(lv->error);
		lv->error = xasprintf("%s has no pods", lv->app);
		return;
	}
	start_set(lv);
}

/* ---- the target --------------------------------------------------------------------- */

size_t logs_tree_pods(const json_t *tree, const char **pods, size_t cap, const char **ns)
{
	size_t n = 0, i;
	const json_t *node;
	*ns = NULL;
	json_array_foreach(json_object_get(tree, "nodes"), i, node) {
		const char *kind = json_string_value(json_object_get(node, "kind"));
		const char *name = json_string_value(json_object_get(node, "name"));
		if (!kind || !name || strcmp(kind, "Pod") != 0)
			continue;
		if (!*ns)
			*ns = json_string_value(json_object_get(node, "namespace"));
		if (n < cap)
			pods[n] = name;
		n++;
	}
	return n;
}

static void set_pods(struct logs_view *lv, const char *const *pods, size_t n)
{
	lv->pods = n ? xcalloc(n, sizeof(char *)) : NULL;
	for (size_t i = 0; i < n; i++)
		lv->pods[i] = xstrdup(pods[i]);
	lv->npods = n;
}

static void on_tree(void *ud, const struct argocd_result *res, json_t *body)
{
	struct logs_view *lv = ud;
	lv->tree_call = NULL;
	if (!res->ok || !body) {
		lv->state = KUBE_LOG_FAILED;
		free(lv->error);
		lv->error = xasprintf("%s: %s", lv->app, res->message ? res->message : "no tree");
		console_flash(lv->view->console, CHROME_FLASH_ERROR, "logs: %s", lv->error);
	} else {
		const char *pods[APP_MAX_PODS], *ns;
		size_t n = logs_tree_pods(body, pods, APP_MAX_PODS, &ns);
		set_pods(lv, pods, n < APP_MAX_PODS ? n : APP_MAX_PODS);
		if (ns) {
			free(lv->namespace);
			lv->namespace = xstrdup(ns);
		}
		logs_restart(lv);
	}
	json_decref(body);
	console_changed(lv->view->console, lv->view, VIEW_BODY | VIEW_CHROME);
}

/* "deployments.apps" -> "deployment"; NULL when the resource has no logs. */
static const char *workload_kind(const char *resource)
{
	static const char *const kinds[][2] = {
		{"deployments", "deployment"}, {"deployment", "deployment"}, {"deploy", "deployment"},
		{"statefulsets", "statefulset"}, {"statefulset", "statefulset"}, {"sts", "statefulset"},
		{"daemonsets", "daemonset"}, {"daemonset", "daemonset"}, {"ds", "daemonset"},
		{"replicasets", "replicaset"}, {"replicaset", "replicaset"}, {"rs", "replicaset"},
		{"jobs", "job"}, {"job", "job"},
	};
	size_t n = strcspn(resource, ".");
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (strlen(kinds[i][0]) == n && strncmp(resource, kinds[i][0], n) == 0)
			return kinds[i][1];
	return NULL;
}

static bool is_plural(const char *resource, const char *const *names)
{
	size_t n = strcspn(resource, ".");
	for (; *names; names++)
		if (strlen(*names) == n && strncasecmp(resource, *names, n) == 0)
			return true;
	return false;
}

/* Reads what a->resource and a->name name; false with err when nothing with logs. */
static bool target_from_resource(struct logs_view *lv, const struct view_args *a, char *err,
				 size_t errlen)
{
	static const char *const pods[] = {"pods", "pod", "po", NULL};
	static const char *const apps[] = {"applications", "application", "apps", "app", NULL};
	const char *kind = workload_kind(a->resource);
	if (is_plural(a->resource, pods)) {
		lv->pod = xstrdup(a->name);
	} else if (kind) {
		lv->workload = xasprintf("%s/%s", kind, a->name);
	} else if (is_plural(a->resource, apps)) {
		lv->app = xstrdup(a->name);
	} else {
		snprintf(err, errlen, "no logs for %s: pods, workloads and apps have logs",
			 a->resource);
		return false;
	}
	return true;
}

/* Starts fetching the app's tree: its pods are followed once it is here. */
static bool start_app(struct logs_view *lv, char *err, size_t errlen)
{
	struct argocd_client *ac = console_argocd(lv->view->console, err, errlen);
	if (!ac)
		return false;
	lv->state = KUBE_LOG_CONNECTING;
	lv->tree_call = argocd_resource_tree(ac, lv->app, on_tree, lv);
	return true;
}

bool logs_target_open(struct logs_view *lv, const struct view_args *a, char *err,
		      size_t errlen)
{
	struct console *c = lv->view->console;
	if (a->npods) {
		set_pods(lv, a->pods, a->npods);
	} else if (a->resource && a->name) {
		if (!target_from_resource(lv, a, err, errlen))
			return false;
	} else if (a->label_selector) {
		lv->label_selector = xstrdup(a->label_selector);
	} else {
		snprintf(err, errlen, "logs: no pod named");
		return false;
	}
	lv->context = xstrdup(a->ncontexts && a->contexts[0] && *a->contexts[0] ? a->contexts[0]
									  : console_context(c));
	const char *ns = a->namespace && *a->namespace ? a->namespace
			 : a->nnamespaces && *a->namespaces[0] ? a->namespaces[0]
			 : console_namespace(c);
	lv->namespace = ns && *ns ? xstrdup(ns) : NULL;
	lv->container = a->container ? xstrdup(a->container) : NULL;
	lv->previous = a->previous;
	lv->name = xstrdup(lv->pod ? lv->pod : a->name ? a->name
			   : lv->npods ? lv->pods[0] : "selector");
	lv->title = a->title ? xstrdup(a->title) : xasprintf("%s logs", lv->name);
	if (lv->app && !a->npods)
		return start_app(lv, err, errlen);
	logs_restart(lv);
	return true;
}

static void free_list(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void logs_target_free(struct logs_view *lv)
{
	free(lv->context);
	free(lv->namespace);
	free(lv->title);
	free(lv->name);
	free(lv->pod);
	free(lv->workload);
	free(lv->label_selector);
	free(lv->app);
	free_list(lv->pods, lv->npods);
	free(lv->container);
	free_list(lv->containers, lv->ncontainers);
	free(lv->error);
}
