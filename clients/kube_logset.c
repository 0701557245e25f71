/* The log fan-in (kube_logs.h): resolves a pod, a list of pods, a workload or a label
 * selector to pods, streams every container of each, and while following watches the
 * pods so that new ones are added and deleted ones marked. */
#include "clients/kube_logs.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clients/kube_internal.h"
#include "core/strbuf.h"
#include "core/xalloc.h"

#define LOGSET_DEFAULT_STREAMS 64

struct logsource {
	struct kube_logset *set;
	unsigned index;
	char *pod;
	struct kube_log_stream *stream;
	enum kube_log_state st;
	bool end_noted;     /* its end was marked (so the watch need not say "gone" again) */
};

struct known_pod {
	char *name;
	bool init_only;     /* only an init container was running: the rest come later */
};

/* A GET of one pod in flight (to learn its containers). */
struct podfetch {
	struct kube_logset *set;
	char *name;
	struct kube_call *call;
	bool initial;       /* part of the target as first resolved */
};

struct kube_logset {
	struct kube_client *kc;
	char *ns, *pod, *workload, *selector, *container;
	char **pods;
	size_t npods;
	size_t max_streams;
	struct kube_log_options opts;
	struct kube_logset_callbacks cbs;
	void *ud;
	struct logsource **src;
	size_t nsrc, src_cap;
	struct known_pod *known;    /* pods whose streams were added */
	size_t nknown, known_cap;
	struct podfetch **fetches;
	size_t nfetches, fetches_cap;
	json_t *initial;            /* the initial pods, gathered before naming is decided */
	size_t initial_waiting;     /* initial fetches still in flight */
	char *first_error;          /* the initial resolution's error, if any */
	struct kube_call *resolve;  /* the workload GET or the pod list */
	struct kube_watch *watch;
	long long start_timer;
	bool multi;                 /* sources named pod/container */
	bool resolved;
	bool limit_noted;
	enum kube_log_state st;
	unsigned streaming;
	bool state_sent;
	int busy;
	bool stopped;
};

/* ---- lifetime ---------------------------------------------------------------------- */

static void fetch_free(struct podfetch *f)
{
	if (f->call)
		kube_call_cancel(f->call);
	free(f->name);
	free(f);
}

static void set_destroy(struct kube_logset *set)
{
	for (size_t i = 0; i < set->nsrc; i++) {
		kube_log_stream_stop(set->src[i]->stream);
		free(set->src[i]->pod);
		free(set->src[i]);
	}
	for (size_t i = 0; i < set->nfetches; i++)
		fetch_free(set->fetches[i]);
	for (size_t i = 0; i < set->nknown; i++)
		free(set->known[i].name);
	for (size_t i = 0; i < set->npods; i++)
		free(set->pods[i]);
	if (set->resolve)
		kube_call_cancel(set->resolve);
	if (set->watch)
		kube_watch_stop(set->watch);
	if (set->start_timer)
		loop_timer_cancel(kube_client_loop(set->kc), set->start_timer);
	json_decref(set->initial);
	free(set->src);
	free(set->fetches);
	free(set->known);
	free(set->pods);
	free(set->first_error);
	free(set->ns);
	free(set->pod);
	free(set->workload);
	free(set->selector);
	free(set->container);
	free(set);
}

static bool set_leave(struct kube_logset *set)
{
	if (--set->busy == 0 && set->stopped) {
		set_destroy(set);
		return true;
	}
	return false;
}

static void set_state(struct kube_logset *set, enum kube_log_state st, unsigned streaming,
		      const char *err)
{
	if (set->state_sent && set->st == st && set->streaming == streaming && !err)
		return;
	set->state_sent = true;
	set->st = st;
	set->streaming = streaming;
	if (set->cbs.state && !set->stopped)
		set->cbs.state(set->ud, st, streaming, err);
}

static void set_marker(struct kube_logset *set, unsigned index, bool gap, const char *text)
{
	if (set->cbs.marker && !set->stopped)
		set->cbs.marker(set->ud, index, gap, text);
}

/* The overall state from the sources': streaming while any source may still say
 * something (or the watch may add one), else ended, or failed when every one failed. */
static void set_update_state(struct kube_logset *set)
{
	if (!set->resolved || set->stopped)
		return;
	unsigned streaming = 0, live = 0, failed = 0;
	for (size_t i = 0; i < set->nsrc; i++) {
		enum kube_log_state st = set->src[i]->st;
		streaming += st == KUBE_LOG_STREAMING;
		live += st != KUBE_LOG_ENDED && st != KUBE_LOG_FAILED;
		failed += st == KUBE_LOG_FAILED;
	}
	if (live || set->watch || set->nfetches)
		set_state(set, KUBE_LOG_STREAMING, streaming, NULL);
	else if (set->nsrc && failed == set->nsrc)
		set_state(set, KUBE_LOG_FAILED, 0, set->first_error);
	else
		set_state(set, KUBE_LOG_ENDED, 0, NULL);
}

/* ---- sources ----------------------------------------------------------------------- */

static void src_on_line(void *ud, long long time_ms, const char *text, size_t len)
{
	struct logsource *src = ud;
	if (!src->set->stopped)
		src->set->cbs.line(src->set->ud, src->index, time_ms, text, len);
}

static void src_on_gap(void *ud, const char *text)
{
	struct logsource *src = ud;
	src->set->busy++;
	set_marker(src->set, src->index, true, text);
	set_leave(src->set);
}

static void src_on_state(void *ud, enum kube_log_state st, const char *error)
{
	struct logsource *src = ud;
	struct kube_logset *set = src->set;
	set->busy++;
	src->st = st;
	if (st == KUBE_LOG_FAILED && !set->first_error && error)
		set->first_error = xstrdup(error);
	bool alone = set->nsrc == 1 && !set->watch;
	/* A lone source's failure is the set's own (state says it); otherwise a marker. */
	if (error && (st == KUBE_LOG_ENDED || (st == KUBE_LOG_FAILED && !alone))) {
		set_marker(set, src->index, false, error);
		src->end_noted = true;
	}
	set_update_state(set);
	set_leave(set);
}

static void set_add_source(struct kube_logset *set, const char *pod, const char *container)
{
	size_t limit = set->max_streams ? set->max_streams : LOGSET_DEFAULT_STREAMS;
	if (set->nsrc >= limit) {
		if (!set->limit_noted) {
			set->limit_noted = true;
			char *text = xasprintf("more than %zu log streams: not following more "
					       "containers", limit);
			set_marker(set, set->nsrc ? (unsigned)set->nsrc - 1 : 0, false, text);
			free(text);
		}
		return;
	}
	struct logsource *src = xcalloc(1, sizeof(*src));
	src->set = set;
	src->index = (unsigned)set->nsrc;
	src->pod = xstrdup(pod);
	src->st = KUBE_LOG_CONNECTING;
	set->src = xgrow(set->src, &set->src_cap, set->nsrc + 1, sizeof(*set->src));
	set->src[set->nsrc++] = src;
	char *name = set->multi && container ? xasprintf("%s/%s", pod, container) : xstrdup(pod);
	if (set->cbs.source && !set->stopped)
		set->cbs.source(set->ud, src->index, name);
	free(name);
	static const struct kube_log_stream_callbacks cbs = {src_on_line, src_on_gap,
							     src_on_state};
	src->stream = kube_log_stream_start(set->kc, set->ns, pod, container, &set->opts, &cbs, src);
}

static const json_t *pod_containers(const json_t *pod)
{
	return json_object_get(json_object_get(pod, "spec"), "containers");
}

static const char *obj_name(const json_t *obj)
{
	return json_string_value(json_object_get(json_object_get(obj, "metadata"), "name"));
}

/* How many of the pod's containers the target reads. */
static size_t pod_wanted(const struct kube_logset *set, const json_t *pod)
{
	if (!set->container)
		return json_array_size(pod_containers(pod));
	size_t i;
	json_t *c;
	json_array_foreach(pod_containers(pod), i, c)
		if (json_string_value(json_object_get(c, "name")) &&
		    !strcmp(json_string_value(json_object_get(c, "name")), set->container))
			return 1;
	return 0;
}

/* A container that has started (running or ran) has a log to read; a pod whose
 * containers are all still waiting is added later, when the watch sees it start. */
static bool pod_started(const json_t *pod)
{
	size_t i;
	json_t *cs;
	json_array_foreach(json_object_get(json_object_get(pod, "status"), "containerStatuses"), i, cs) {
		const json_t *state = json_object_get(cs, "state");
		if (json_object_get(state, "running") || json_object_get(state, "terminated") ||
		    json_object_size(json_object_get(cs, "lastState")))
			return true;
	}
	return false;
}

static struct known_pod *set_known(const struct kube_logset *set, const char *pod)
{
	for (size_t i = 0; i < set->nknown; i++)
		if (!strcmp(set->known[i].name, pod))
			return &set->known[i];
	return NULL;
}

static bool set_knows(const struct kube_logset *set, const char *pod)
{
	const struct known_pod *k = set_known(set, pod);
	return k && !k->init_only;
}

/* The running init container of a pod whose own containers have not started: while a
 * pod initialises, that is the only log there is. */
static const char *running_init_container(const json_t *pod)
{
	size_t i;
	json_t *cs;
	if (pod_started(pod))
		return NULL;
	json_array_foreach(json_object_get(json_object_get(pod, "status"),
					   "initContainerStatuses"), i, cs)
		if (json_object_get(json_object_get(cs, "state"), "running"))
			return json_string_value(json_object_get(cs, "name"));
	return NULL;
}

static void set_add_containers(struct kube_logset *set, const json_t *pod, const char *name)
{
	if (set->container) {
		/* One pod asked for by name: let the server say the container is wrong. */
		if (pod_wanted(set, pod) || set->pod)
			set_add_source(set, name, set->container);
		return;
	}
	size_t i;
	json_t *c;
	json_array_foreach(pod_containers(pod), i, c)
		set_add_source(set, name, json_string_value(json_object_get(c, "name")));
}

static void set_add_pod(struct kube_logset *set, const json_t *pod, bool announce)
{
	const char *name = obj_name(pod);
	if (!name || set_knows(set, name))
		return;
	struct known_pod *k = set_known(set, name);
	if (!k) {
		set->known = xgrow(set->known, &set->known_cap, set->nknown + 1,
				   sizeof(*set->known));
		k = &set->known[set->nknown++];
		k->name = xstrdup(name);
		k->init_only = false;
	}
	size_t first = set->nsrc;
	const char *init = set->container ? NULL : running_init_container(pod);
	if (init && !k->init_only) {
		bool multi = set->multi;
		set->multi = true;   /* "pod/init" names it apart from the pod's own */
		set_add_source(set, name, init);
		set->multi = multi;
		k->init_only = true;
	} else if (!init) {
		k->init_only = false;
		set_add_containers(set, pod, name);
	}
	if (announce && set->nsrc > first) {
		char *text = xasprintf("pod %s started", name);
		set_marker(set, (unsigned)first, false, text);
		free(text);
	}
}

/* Naming is decided once, on the pods first found: "pod/container" when any has more
 * than one container to read. */
static void set_add_initial(struct kube_logset *set)
{
	size_t i;
	json_t *pod;
	set->multi = false;
	json_array_foreach(set->initial, i, pod)
		if (pod_wanted(set, pod) > 1)
			set->multi = true;
	json_array_foreach(set->initial, i, pod)
		if (set->pod || set->pods || !set->opts.follow || pod_started(pod) ||
		    running_init_container(pod))
			set_add_pod(set, pod, false);
	json_decref(set->initial);
	set->initial = NULL;
	set->resolved = true;
}


/* ---- resolving the target ---------------------------------------------------------- */

static void set_fail(struct kube_logset *set, const char *err)
{
	set->resolved = true;
	set_state(set, KUBE_LOG_FAILED, 0, err);
}

static void set_forget_fetch(struct kube_logset *set, struct podfetch *f)
{
	for (size_t i = 0; i < set->nfetches; i++)
		if (set->fetches[i] == f) {
			memmove(set->fetches + i, set->fetches + i + 1,
				(set->nfetches - i - 1) * sizeof(*set->fetches));
			set->nfetches--;
			break;
		}
	f->call = NULL;
	fetch_free(f);
}

static void set_initial_done(struct kube_logset *set)
{
	if (!json_array_size(set->initial) && set->first_error) {
		set_fail(set, set->first_error);
		return;
	}
	set_add_initial(set);
	set_update_state(set);
}

static void fetch_on_pod(void *ud, const struct kube_result *res, json_t *pod)
{
	struct podfetch *f = ud;
	struct kube_logset *set = f->set;
	bool initial = f->initial;
	set->busy++;
	set_forget_fetch(set, f);
	if (initial) {
		if (res->ok && pod)
			json_array_append(set->initial, pod);
		else if (!set->first_error)
			set->first_error = xstrdup(res->message ? res->message : "pod not found");
		if (--set->initial_waiting == 0)
			set_initial_done(set);
	} else if (res->ok && pod && (pod_started(pod) || running_init_container(pod))) {
		set_add_pod(set, pod, true);
		set_update_state(set);
	} else {
		set_update_state(set);
	}
	json_decref(pod);
	set_leave(set);
}

static void set_fetch_pod(struct kube_logset *set, const char *name, bool initial)
{
	for (size_t i = 0; i < set->nfetches; i++)
		if (!strcmp(set->fetches[i]->name, name))
			return;
	struct podfetch *f = xcalloc(1, sizeof(*f));
	f->set = set;
	f->name = xstrdup(name);
	f->initial = initial;
	set->fetches = xgrow(set->fetches, &set->fetches_cap, set->nfetches + 1,
			     sizeof(*set->fetches));
	set->fetches[set->nfetches++] = f;
	char *path = xasprintf("/api/v1/namespaces/%s/pods/%s", set->ns, name);
	f->call = kube_request(set->kc, "GET", path, NULL, NULL, fetch_on_pod, f);
	free(path);
}

/* ---- watching the pods of a workload or selector ----------------------------------- */

static void set_pod_seen(struct kube_logset *set, const char *name)
{
	if (name && !set_knows(set, name))
		set_fetch_pod(set, name, false);
}

static void watch_on_synced(void *ud, struct table *t)
{
	struct kube_logset *set = ud;
	set->busy++;
	for (size_t i = 0; i < t->nrows && !set->stopped; i++)
		set_pod_seen(set, t->rows[i].name);
	table_free(t);
	set_leave(set);
}

static void watch_on_event(void *ud, enum kube_event_type type, const struct table *row)
{
	struct kube_logset *set = ud;
	if (!row->nrows)
		return;
	const char *name = row->rows[0].name;
	set->busy++;
	if (type != KUBE_EVENT_DELETED) {
		set_pod_seen(set, name);
	} else if (name && set_knows(set, name)) {
		for (size_t i = 0; i < set->nsrc; i++)
			if (!strcmp(set->src[i]->pod, name) && !set->src[i]->end_noted) {
				char *text = xasprintf("pod %s gone", name);
				set_marker(set, set->src[i]->index, false, text);
				free(text);
				break;
			}
	}
	set_leave(set);
}

static void set_start_watch(struct kube_logset *set)
{
	struct kube_list_options o;
	memset(&o, 0, sizeof(o));
	o.resource = "pods";
	o.namespace = set->ns;
	o.label_selector = set->selector;
	static const struct kube_watch_callbacks cbs = {watch_on_synced, watch_on_event, NULL};
	set->watch = kube_watch_start(set->kc, &o, &cbs, set);
}

/* ---- workloads and selectors ------------------------------------------------------- */

static void list_on_pods(void *ud, const struct kube_result *res, json_t *list)
{
	struct kube_logset *set = ud;
	set->resolve = NULL;
	set->busy++;
	if (!res->ok) {
		set_fail(set, res->message);
	} else {
		json_decref(set->initial);
		set->initial = json_incref(json_object_get(list, "items"));
		if (!set->initial)
			set->initial = json_array();
		if (!json_array_size(set->initial) && !set->opts.follow) {
			char *msg = xasprintf("no pods match %s", set->selector);
			set_fail(set, msg);
			free(msg);
		} else {
			set_add_initial(set);
			if (set->opts.follow)
				set_start_watch(set);
			set_update_state(set);
		}
	}
	json_decref(list);
	set_leave(set);
}

static void set_list_pods(struct kube_logset *set)
{
	char *path = xasprintf("/api/v1/namespaces/%s/pods", set->ns);
	path = kube_path_add_query(path, "labelSelector", set->selector);
	set->resolve = kube_request(set->kc, "GET", path, NULL, NULL, list_on_pods, set);
	free(path);
}

static void append_values(struct strbuf *sb, const json_t *values)
{
	size_t i;
	json_t *v;
	strbuf_puts(sb, " (");
	json_array_foreach(values, i, v)
		strbuf_printf(sb, "%s%s", i ? "," : "", json_string_value(v) ? json_string_value(v) : "");
	strbuf_putc(sb, ')');
}

/* spec.selector as a label selector string: matchLabels, then matchExpressions. */
static char *selector_string(const json_t *sel)
{
	struct strbuf sb = STRBUF_INIT;
	const char *key;
	json_t *v;
	json_object_foreach(json_object_get(sel, "matchLabels"), key, v)
		strbuf_printf(&sb, "%s%s=%s", sb.len ? "," : "", key,
			      json_string_value(v) ? json_string_value(v) : "");
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(sel, "matchExpressions"), i, e) {
		const char *k = json_string_value(json_object_get(e, "key"));
		const char *op = json_string_value(json_object_get(e, "operator"));
		if (!k || !op)
			continue;
		if (sb.len)
			strbuf_putc(&sb, ',');
		if (!strcmp(op, "In") || !strcmp(op, "NotIn")) {
			strbuf_printf(&sb, "%s %s", k, op[0] == 'I' ? "in" : "notin");
			append_values(&sb, json_object_get(e, "values"));
		} else if (!strcmp(op, "Exists")) {
			strbuf_puts(&sb, k);
		} else if (!strcmp(op, "DoesNotExist")) {
			strbuf_printf(&sb, "!%s", k);
		}
	}
	return strbuf_detach(&sb);
}

static void workload_on_get(void *ud, const struct kube_result *res, json_t *obj)
{
	struct kube_logset *set = ud;
	set->resolve = NULL;
	set->busy++;
	const json_t *sel = json_object_get(json_object_get(obj, "spec"), "selector");
	if (!res->ok) {
		set_fail(set, res->message);
	} else if (!json_is_object(sel)) {
		char *msg = xasprintf("%s has no pod selector", set->workload);
		set_fail(set, msg);
		free(msg);
	} else {
		free(set->selector);
		set->selector = selector_string(sel);
		if (!*set->selector) {
			char *msg = xasprintf("%s has an empty pod selector", set->workload);
			set_fail(set, msg);
			free(msg);
		} else {
			set_list_pods(set);
		}
	}
	json_decref(obj);
	set_leave(set);
}

static void set_begin(struct loop *loop, long long id, void *ud)
{
	struct kube_logset *set = ud;
	(void)loop;
	(void)id;
	set->start_timer = 0;
	set->busy++;
	set_state(set, KUBE_LOG_CONNECTING, 0, NULL);
	if (set->pod || set->pods) {
		set->initial = json_array();
		set->initial_waiting = set->pod ? 1 : set->npods;
		if (set->pod)
			set_fetch_pod(set, set->pod, true);
		for (size_t i = 0; i < set->npods && !set->stopped; i++)
			set_fetch_pod(set, set->pods[i], true);
		if (!set->initial_waiting)
			set_fail(set, "no pods to read");
	} else if (set->workload) {
		const char *slash = strchr(set->workload, '/');
		char *kind = slash ? xstrndup(set->workload, (size_t)(slash - set->workload))
				   : xstrdup(set->workload);
		set->resolve = kube_get(set->kc, kind, set->ns, slash ? slash + 1 : "",
					workload_on_get, set);
		free(kind);
	} else if (set->selector) {
		set_list_pods(set);
	} else {
		set_fail(set, "no log target");
	}
	set_leave(set);
}

/* ---- public ------------------------------------------------------------------------ */

static char *dup_or_null(const char *s)
{
	return s && *s ? xstrdup(s) : NULL;
}

struct kube_logset *kube_logset_start(struct kube_client *kc,
				      const struct kube_logset_target *target,
				      const struct kube_log_options *opts,
				      const struct kube_logset_callbacks *cbs, void *ud)
{
	struct kube_logset *set = xcalloc(1, sizeof(*set));
	set->kc = kc;
	set->ns = xstrdup(target->namespace && *target->namespace ? target->namespace
						: kube_client_default_namespace(kc));
	set->pod = dup_or_null(target->pod);
	set->workload = dup_or_null(target->workload);
	set->selector = dup_or_null(target->label_selector);
	set->container = dup_or_null(target->container);
	if (target->pods) {
		set->pods = xcalloc(target->npods + 1, sizeof(*set->pods));
		for (size_t i = 0; i < target->npods; i++)
			set->pods[i] = xstrdup(target->pods[i]);
		set->npods = target->npods;
	}
	set->max_streams = target->max_streams;
	set->opts = *opts;
	set->cbs = *cbs;
	set->ud = ud;
	set->st = KUBE_LOG_CONNECTING;
	/* Callbacks never run inside this call: resolution starts at the loop's next turn. */
	set->start_timer = loop_timer_add(kube_client_loop(kc), 0, false, set_begin, set);
	return set;
}

void kube_logset_stop(struct kube_logset *set)
{
	if (!set)
		return;
	if (set->busy) {
		set->stopped = true;
		return;
	}
	set_destroy(set);
}
