/* The resource table: any discovered resource (custom resources included) over one
 * namespace, several or all, and one cluster or several merged with a CLUSTER column,
 * kept live by watches; rows coloured by status, filtered and sorted as in k9s. The
 * namespaces view is this table on "namespaces", where Enter switches namespace. */
#include "views/resource_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/status.h"
#include "core/xalloc.h"

/* ---- sources: one list+watch per cluster and namespace ------------------------------ */

static void on_synced(void *ud, struct table *t)
{
	struct resource_source *src = ud;
	store_sync(src->store, t);
	src->stale_since_ms = 0; /* a complete list is current again */
	console_changed(src->owner->view->console, src->owner->view, VIEW_BODY | VIEW_CHROME);
}

static void on_event(void *ud, enum kube_event_type type, const struct table *row)
{
	struct resource_source *src = ud;
	enum store_event ev = type == KUBE_EVENT_ADDED      ? STORE_EVENT_ADDED
			      : type == KUBE_EVENT_MODIFIED ? STORE_EVENT_MODIFIED
							    : STORE_EVENT_DELETED;
	store_apply_event(src->store, ev, row);
	console_changed(src->owner->view->console, src->owner->view, VIEW_BODY | VIEW_CHROME);
}

static void on_state(void *ud, const struct kube_watch_status *st)
{
	struct resource_source *src = ud;
	static const enum store_conn map[] = {
		[KUBE_WATCH_LISTING] = STORE_CONN_LISTING,
		[KUBE_WATCH_CONNECTED] = STORE_CONN_CONNECTED,
		[KUBE_WATCH_RETRYING] = STORE_CONN_RETRYING,
		[KUBE_WATCH_FAILED] = STORE_CONN_FAILED,
	};
	store_set_state(src->store, map[st->state], st->error, st->next_attempt_ms);
	/* rows listed before stay on screen while the watch is away: stale from now */
	if (st->state == KUBE_WATCH_CONNECTED)
		src->stale_since_ms = 0;
	else if (!src->stale_since_ms && store_synced(src->store))
		src->stale_since_ms = loop_now_ms();
	console_changed(src->owner->view->console, src->owner->view, VIEW_BODY | VIEW_CHROME);
}

/* Custom resources get READY/SYNCED columns from their conditions: the core groups
 * have printer columns that already say it. */
static bool is_custom_group(const struct kube_resource *r)
{
	static const char *const builtin[] = {
		"", "apps", "batch", "autoscaling", "policy", "networking.k8s.io",
		"rbac.authorization.k8s.io", "storage.k8s.io", "coordination.k8s.io",
		"discovery.k8s.io", "events.k8s.io", "node.k8s.io", "scheduling.k8s.io",
		"apiextensions.k8s.io", "apiregistration.k8s.io", "admissionregistration.k8s.io",
		"certificates.k8s.io", "flowcontrol.apiserver.k8s.io", "authentication.k8s.io",
		"authorization.k8s.io", "resource.k8s.io"};
	if (!r)
		return false;
	for (size_t i = 0; i < sizeof builtin / sizeof builtin[0]; i++)
		if (strcmp(r->group, builtin[i]) == 0)
			return false;
	return true;
}

static void source_start(struct resource_view *rv, struct resource_source *src)
{
	struct console *c = rv->view->console;
	struct kube_client *kc = session_cluster_open(console_session(c), src->cluster);
	const char *selector = rv->filter_selector ? rv->filter_selector : rv->label_selector;
	struct kube_list_options o = {
		.resource = rv->res ? rv->qualified : rv->resource,
		.namespace = *src->namespace ? src->namespace : NULL,
		.all_namespaces = !*src->namespace,
		.label_selector = selector,
		.field_selector = rv->field_selector,
		.conditions = is_custom_group(rv->res),
	};
	static const struct kube_watch_callbacks cbs = {on_synced, on_event, on_state};
	src->watch = kube_watch_start(kc, &o, &cbs, src);
}

static void sources_stop(struct resource_view *rv)
{
	for (size_t i = 0; i < rv->nsources; i++) {
		struct resource_source *src = &rv->sources[i];
		kube_watch_stop(src->watch);
		store_free(src->store);
		free(src->namespace);
	}
	free(rv->sources);
	rv->sources = NULL;
	rv->nsources = 0;
	rowview_free(rv->rows);
	rv->rows = NULL;
}

/* The namespaces the view covers now: its own, or the console's current one. */
static size_t current_namespaces(struct resource_view *rv, const char ***out)
{
	static const char *const all[] = {""};
	if (rv->res && !rv->res->namespaced) {
		*out = (const char **)all;
		return 1;
	}
	if (rv->follow_namespace) {
		static const char *current[1];
		current[0] = console_namespace(rv->view->console);
		*out = current;
		return 1;
	}
	*out = (const char **)rv->namespaces;
	return rv->nnamespaces;
}

static void sources_start(struct resource_view *rv)
{
	const char **namespaces;
	size_t nns = current_namespaces(rv, &namespaces);
	struct session *s = console_session(rv->view->console);
	char *filter = rv->rows ? xstrdup(rowview_filter(rv->rows)) : NULL;
	int sort_col = rv->rows ? rowview_sort_column(rv->rows) : -1;
	bool sort_rev = rv->rows && rowview_sort_reverse(rv->rows);
	sources_stop(rv);
	rv->rows = rowview_new();
	rv->nsources = rv->ncontexts * nns;
	rv->sources = xcalloc(rv->nsources, sizeof(*rv->sources));
	size_t k = 0;
	for (size_t i = 0; i < rv->ncontexts; i++) {
		for (size_t j = 0; j < nns; j++) {
			struct resource_source *src = &rv->sources[k++];
			src->owner = rv;
			src->cluster = session_find(s, rv->contexts[i]);
			src->namespace = xstrdup(namespaces[j]);
			src->store = store_new(rv->contexts[i]);
			rowview_add_store(rv->rows, src->store);
		}
	}
	bool namespaced = !rv->res || rv->res->namespaced;
	rowview_set_namespace_column(rv->rows, namespaced && (nns > 1 || !*namespaces[0]));
	rowview_set_cluster_column(rv->rows, rv->ncontexts > 1);
	if (filter && *filter && !rv->filter_selector)
		rowview_set_filter(rv->rows, filter, NULL, 0);
	rowview_set_sort(rv->rows, sort_col, sort_rev);
	free(filter);
	for (size_t i = 0; i < rv->nsources; i++)
		source_start(rv, &rv->sources[i]);
}

/* ---- helpers for the other resource files --------------------------------------------- */

struct kube_client *resource_row_client(struct resource_view *rv, const struct store_row *row)
{
	if (!row)
		return NULL;
	struct session *s = console_session(rv->view->console);
	struct session_cluster *cl = session_find(s, store_cluster(row->store));
	return cl ? session_cluster_open(s, cl) : NULL;
}

const char *resource_kind(const struct resource_view *rv)
{
	return rv->res ? rv->res->kind : "";
}

/* ---- status colours ------------------------------------------------------------------ */

static enum theme_element element_of(enum status_class cls)
{
	switch (cls) {
	case STATUS_OK: return THEME_STATUS_OK;
	case STATUS_WARN: return THEME_STATUS_WARN;
	case STATUS_ERROR: return THEME_STATUS_ERROR;
	case STATUS_PENDING: return THEME_STATUS_PENDING;
	case STATUS_TERMINATING: return THEME_STATUS_TERMINATING;
	case STATUS_COMPLETED: return THEME_STATUS_COMPLETED;
	case STATUS_NONE: break;
	}
	return THEME_ROW;
}

static enum theme_element cell_style(void *ud, const struct rowview *rows, size_t row,
				     size_t col)
{
	(void)ud;
	const char *name = rowview_column_name(rows, col);
	const char *cell = rowview_cell(rows, row, col);
	if (!name)
		return THEME_ROW;
	if (!strcasecmp(name, "Status") || !strcasecmp(name, "Phase") ||
	    !strcasecmp(name, "Synced") || !strcasecmp(name, "Health") ||
	    !strcasecmp(name, "Sync Status") || !strcasecmp(name, "Health Status"))
		return element_of(status_classify(cell));
	if (!strcasecmp(name, "Ready")) {
		enum status_class cls = status_classify_ready(cell);
		return element_of(cls != STATUS_NONE ? cls : status_classify(cell));
	}
	if (!strcasecmp(name, "Restarts"))
		return element_of(status_classify_restarts(cell));
	return THEME_ROW;
}

/* ---- the view ------------------------------------------------------------------------ */

static char **copy_strings(const char *const *src, size_t n)
{
	char **out = xcalloc(n ? n : 1, sizeof(char *));
	for (size_t i = 0; i < n; i++)
		out[i] = xstrdup(src[i] ? src[i] : "");
	return out;
}

static void free_strings(char **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

/* Resolves the resource on the first cluster's discovery when it is known. */
static bool resolve(struct resource_view *rv, char *err, size_t errlen)
{
	struct session *s = console_session(rv->view->console);
	struct session_cluster *cl = session_find(s, rv->contexts[0]);
	if (!cl) {
		snprintf(err, errlen, "no context \"%s\" in the kubeconfig", rv->contexts[0]);
		return false;
	}
	const struct kube_discovery *d = kube_client_discovery(session_cluster_open(s, cl));
	rv->res = d ? kube_discovery_resolve(d, rv->resource, err, errlen) : NULL;
	if (d && !rv->res)
		return false;
	/* the keymap section is the plural alone ("deployments"), the request name the
	 * qualified one so that a custom "pods.example.com" is never taken for pods */
	free(rv->section);
	rv->section = xstrdup(rv->res ? rv->res->resource : rv->resource);
	free(rv->qualified);
	if (rv->res && *rv->res->group)
		rv->qualified = xasprintf("%s.%s", rv->res->resource, rv->res->group);
	else
		rv->qualified = xstrdup(rv->section);
	return true;
}

static bool resource_open(struct view *v, const struct view_args *a, char *err, size_t errlen)
{
	struct resource_view *rv = resource_of(v);
	struct console *c = v->console;
	rv->view = v;
	rv->resource = xstrdup(a->resource ? a->resource : "pods");
	const char *current = console_context(c);
	rv->contexts = a->ncontexts ? copy_strings(a->contexts, a->ncontexts)
				    : copy_strings(&current, 1);
	rv->ncontexts = a->ncontexts ? a->ncontexts : 1;
	rv->follow_namespace = a->nnamespaces == 0;
	rv->namespaces = copy_strings(a->namespaces, a->nnamespaces);
	rv->nnamespaces = a->nnamespaces;
	rv->label_selector = a->label_selector ? xstrdup(a->label_selector) : NULL;
	rv->field_selector = a->field_selector ? xstrdup(a->field_selector) : NULL;
	rv->select_name = a->name ? xstrdup(a->name) : NULL;
	rv->select_namespace = a->namespace ? xstrdup(a->namespace) : NULL;
	if (!resolve(rv, err, errlen))
		return false;
	rv->title = xstrdup(a->title ? a->title : rv->res ? rv->res->resource : rv->resource);
	rv->table = table_widget_new();
	table_widget_set_style(rv->table, cell_style, rv);
	sources_start(rv);
	return true;
}

static void resource_close(struct view *v)
{
	struct resource_view *rv = resource_of(v);
	resource_nav_cancel(rv);
	sources_stop(rv);
	table_widget_free(rv->table);
	free_strings(rv->contexts, rv->ncontexts);
	free_strings(rv->namespaces, rv->nnamespaces);
	free(rv->resource);
	free(rv->section);
	free(rv->qualified);
	free(rv->title);
	free(rv->label_selector);
	free(rv->field_selector);
	free(rv->filter_selector);
	free(rv->select_name);
	free(rv->select_namespace);
}

static const char *resource_section(const struct view *v)
{
	return resource_of((struct view *)v)->section;
}

static const char *resource_title(const struct view *v)
{
	return resource_of((struct view *)v)->title;
}

static size_t total_rows(const struct resource_view *rv)
{
	size_t n = 0;
	for (size_t i = 0; i < rv->nsources; i++)
		n += store_count(rv->sources[i].store);
	return n;
}

static void resource_status(const struct view *v, char *buf, size_t len)
{
	struct resource_view *rv = resource_of((struct view *)v);
	const char *filter = rowview_filter(rv->rows);
	const char *sel = rv->filter_selector ? rv->filter_selector : rv->label_selector;
	size_t shown = rowview_count(rv->rows), total = total_rows(rv);
	char count[64];
	if (shown == total)
		snprintf(count, sizeof count, "%zu", total);
	else
		snprintf(count, sizeof count, "%zu/%zu", shown, total);
	snprintf(buf, len, "%s%s%s%s%s%s", *filter ? "/" : "", filter, *filter ? "  " : "",
		 sel ? "-l " : "", sel ? sel : "", sel ? "  " : "");
	size_t used = strlen(buf);
	if (used < len)
		snprintf(buf + used, len - used, "%s", count);
}

/* Rows shown but not current: the oldest source's age since it was last current. */
static void resource_header_stale(const struct resource_view *rv, struct chrome_header *h)
{
	long long now = loop_now_ms();
	for (size_t i = 0; i < rv->nsources; i++) {
		const struct resource_source *src = &rv->sources[i];
		if (!src->stale_since_ms || !store_count(src->store))
			continue;
		long age = (long)((now - src->stale_since_ms) / 1000);
		if (!h->stale || age > h->stale_s)
			h->stale_s = age;
		h->stale = true;
	}
}

/* The worst state over the sources, for the header. */
static void resource_header(const struct view *v, struct chrome_header *h)
{
	struct resource_view *rv = resource_of((struct view *)v);
	static char clusters[64];
	if (rv->ncontexts > 1) {
		snprintf(clusters, sizeof clusters, "%zu clusters", rv->ncontexts);
		h->context = clusters;
	} else {
		h->context = rv->contexts[0];
	}
	if (!rv->follow_namespace) {
		/* several namespaces: the first and how many more, so that the identity
		 * keeps its place in an 80-column header */
		static char ns[128];
		const char *first = *rv->namespaces[0] ? rv->namespaces[0] : "all";
		if (rv->nnamespaces > 1)
			snprintf(ns, sizeof ns, "%s +%zu", first, rv->nnamespaces - 1);
		else
			snprintf(ns, sizeof ns, "%s", first);
		h->namespace = ns;
	}
	if (rv->res && !rv->res->namespaced)
		h->namespace = NULL;
	h->conn = CHROME_CONN_OK;
	resource_header_stale(rv, h);
	for (size_t i = 0; i < rv->nsources; i++) {
		const struct store *s = rv->sources[i].store;
		enum store_conn st = store_state(s);
		if (st == STORE_CONN_FAILED) {
			h->conn = CHROME_CONN_DOWN;
			h->conn_detail = store_error(s);
			return;
		}
		if (st == STORE_CONN_RETRYING && h->conn != CHROME_CONN_RETRYING) {
			h->conn = CHROME_CONN_RETRYING;
			long long left = store_retry_at_ms(s) - loop_now_ms();
			h->retry_in_s = left > 0 ? (long)((left + 999) / 1000) : 0;
			h->conn_detail = store_error(s);
		} else if (st == STORE_CONN_LISTING && h->conn == CHROME_CONN_OK) {
			h->conn = CHROME_CONN_LOADING;
		}
	}
}

static void update_empty_text(struct resource_view *rv)
{
	const char *what = rv->res ? rv->res->resource : rv->resource;
	char text[512];
	const char *error = NULL;
	bool loading = false;
	for (size_t i = 0; i < rv->nsources; i++) {
		enum store_conn st = store_state(rv->sources[i].store);
		if ((st == STORE_CONN_FAILED || st == STORE_CONN_RETRYING) && !error)
			error = store_error(rv->sources[i].store);
		if (!store_synced(rv->sources[i].store))
			loading = true;
	}
	if (error)
		snprintf(text, sizeof text, "%s", error);
	else if (loading)
		snprintf(text, sizeof text, "Loading %s...", what);
	else if (*rowview_filter(rv->rows))
		snprintf(text, sizeof text, "No %s match the filter", what);
	else if (rv->nsources == 1 && *rv->sources[0].namespace)
		snprintf(text, sizeof text, "No %s found in %s namespace.", what,
			 rv->sources[0].namespace);
	else
		snprintf(text, sizeof text, "No %s found.", what);
	table_widget_set_empty_text(rv->table, text);
}

static void resource_draw(struct view *v, WINDOW *win, bool full)
{
	struct resource_view *rv = resource_of(v);
	rowview_update(rv->rows);
	if (rv->select_name && rowview_select_identity(rv->rows, NULL, NULL,
						       rv->select_namespace, rv->select_name)) {
		free(rv->select_name);
		rv->select_name = NULL;
	}
	if (rowview_count(rv->rows) == 0)
		update_empty_text(rv);
	table_widget_draw(rv->table, win, rv->rows, full);
}

/* Sort by the column named name (again: reverse). */
static unsigned sort_by_name(struct resource_view *rv, const char *name)
{
	int col = rowview_column_index(rv->rows, name);
	if (col < 0) {
		console_flash(rv->view->console, CHROME_FLASH_WARN, "no %s column here", name);
		return VIEW_SAME;
	}
	bool rev = rowview_sort_column(rv->rows) == col && !rowview_sort_reverse(rv->rows);
	rowview_set_sort(rv->rows, col, rev);
	return VIEW_BODY;
}

static unsigned sort_step(struct resource_view *rv, int step)
{
	int n = (int)rowview_ncols(rv->rows);
	if (n == 0)
		return VIEW_SAME;
	int col = rowview_sort_column(rv->rows);
	col = col < 0 ? (step > 0 ? 0 : n - 1) : (col + step + n) % n;
	rowview_set_sort(rv->rows, col, false);
	return VIEW_BODY;
}

static unsigned switch_namespace(struct resource_view *rv, const char *ns)
{
	struct console *c = rv->view->console;
	console_set_namespace(c, ns);
	if (!rv->follow_namespace) {
		/* a view on fixed namespaces follows the console from now on */
		free_strings(rv->namespaces, rv->nnamespaces);
		rv->namespaces = NULL;
		rv->nnamespaces = 0;
		rv->follow_namespace = true;
	}
	sources_start(rv);
	return VIEW_FULL | VIEW_CHROME;
}

static unsigned favourite(struct resource_view *rv, int key)
{
	struct console *c = rv->view->console;
	size_t n;
	const char *const *fav = console_favourites(c, &n);
	size_t i = (size_t)(key - '1');
	if (key < '1' || key > '9' || i >= n) {
		console_flash(c, CHROME_FLASH_INFO, "no favourite namespace %c: namespaces you "
			      "switch to become favourites 1-9", key);
		return VIEW_SAME;
	}
	char *ns = xstrdup(fav[i]);
	unsigned change = switch_namespace(rv, ns);
	free(ns);
	return change;
}

static unsigned resource_request(struct view *v, enum request req, int key)
{
	struct resource_view *rv = resource_of(v);
	/* keys typed ahead of the next frame (a pasted "/name Enter d") must act on the
	 * rows as they are now, filter included */
	rowview_update(rv->rows);
	if (table_widget_request(rv->table, rv->rows, req, v->body_rows))
		return VIEW_BODY | VIEW_CHROME;
	switch (req) {
	case REQ_BACK:
		if (*rowview_filter(rv->rows) || rv->filter_selector)
			return v->ops->filter(v, "");
		return VIEW_UNHANDLED;
	case REQ_CLEAR_FILTER:
		return v->ops->filter(v, "");
	case REQ_SORT_NEXT_COLUMN: return sort_step(rv, 1);
	case REQ_SORT_PREV_COLUMN: return sort_step(rv, -1);
	case REQ_SORT_REVERSE:
		rowview_set_sort(rv->rows, rowview_sort_column(rv->rows),
				 !rowview_sort_reverse(rv->rows));
		return VIEW_BODY;
	case REQ_SORT_NAME: return sort_by_name(rv, "Name");
	case REQ_SORT_NAMESPACE: return sort_by_name(rv, "Namespace");
	case REQ_SORT_AGE: return sort_by_name(rv, "Age");
	case REQ_SORT_STATUS: return sort_by_name(rv, "Status");
	case REQ_TOGGLE_WIDE:
		table_widget_set_wide(rv->table, !table_widget_wide(rv->table));
		return VIEW_FULL;
	case REQ_ALL_NAMESPACES:
		return rv->res && !rv->res->namespaced ? VIEW_SAME : switch_namespace(rv, "");
	case REQ_FAVOURITE_NAMESPACE:
		return rv->res && !rv->res->namespaced ? VIEW_SAME : favourite(rv, key);
	default:
		break;
	}
	if (request_is_action(req))
		return resource_action_request(rv, req);
	return resource_nav_request(rv, req);
}

static unsigned resource_filter(struct view *v, const char *text)
{
	struct resource_view *rv = resource_of(v);
	char err[256] = "";
	bool had_selector = rv->filter_selector != NULL;
	rowview_set_filter(rv->rows, text, err, sizeof err);
	const char *sel = rowview_label_selector(rv->rows);
	if (sel || had_selector) {
		free(rv->filter_selector);
		rv->filter_selector = sel && *sel ? xstrdup(sel) : NULL;
		sources_start(rv);
	}
	if (err[0])
		console_flash(v->console, CHROME_FLASH_WARN, "%s", err);
	return VIEW_FULL | VIEW_CHROME;
}

static unsigned resource_resume(struct view *v)
{
	struct resource_view *rv = resource_of(v);
	if (rv->follow_namespace && rv->nsources &&
	    strcmp(rv->sources[0].namespace, console_namespace(v->console)) != 0 &&
	    (!rv->res || rv->res->namespaced)) {
		sources_start(rv);
		return VIEW_FULL | VIEW_CHROME;
	}
	return VIEW_SAME;
}

/* What the resource and namespaces views share: everything but how they open. */
#define RESOURCE_TABLE_OPS                  \
	.close = resource_close,            \
	.keymap_section = resource_section, \
	.title = resource_title,            \
	.status = resource_status,          \
	.header = resource_header,          \
	.draw = resource_draw,              \
	.request = resource_request,        \
	.filter = resource_filter,          \
	.resume = resource_resume

const struct view_ops resource_view_ops = {
	.name = "resource",
	.private_size = sizeof(struct resource_view),
	.open = resource_open,
	RESOURCE_TABLE_OPS,
};

/* The namespaces view: the same table on "namespaces". */
static bool namespaces_open(struct view *v, const struct view_args *a, char *err, size_t errlen)
{
	struct view_args na = *a;
	na.resource = "namespaces";
	na.title = "namespaces";
	na.name = console_namespace(v->console);
	return resource_open(v, &na, err, errlen);
}

const struct view_ops namespaces_view_ops = {
	.name = "namespaces",
	.private_size = sizeof(struct resource_view),
	.open = namespaces_open,
	RESOURCE_TABLE_OPS,
};
