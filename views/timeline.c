/* The timeline view (`:timeline`): what the console recorded (Warning events, Argo CD
 * operations, alerts), newest first, filterable; Enter opens the entry's object when it
 * still exists, else says it is gone and only the timeline remembers it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "clients/argocd.h"
#include "clients/kube.h"
#include "core/rowview.h"
#include "core/store.h"
#include "core/timeline.h"
#include "core/xalloc.h"
#include "tui/table_widget.h"
#include "views/console.h"
#include "views/console_timeline.h"
#include "views/session.h"
#include "views/view.h"

enum tl_col { TL_TIME, TL_AGE, TL_KIND, TL_CLUSTER, TL_NAMESPACE, TL_OBJECT, TL_REASON,
	      TL_MESSAGE, TL_REVISION, TL_NCOLS };

struct timeline_view {
	struct view *view;
	struct store *store;
	struct rowview *rows;
	struct table_widget *table;
	bool stale;                 /* reread the whole file (ages moved) */
	bool grew;                  /* entries were appended since the last read */
	struct timeline_cursor cursor; /* where the last read stopped */
	size_t next_id;             /* row identities: one per entry read */
	char *note;                 /* corrupt lines or why there is no timeline */
	struct kube_call *get;      /* Enter: does the object still exist? */
	struct argocd_call *app_get;
	char *open_kind, *open_name, *open_ns, *open_ctx;
};

static void format_age(long long secs, char *buf, size_t len)
{
	if (secs < 0)
		secs = 0;
	if (secs < 120)
		snprintf(buf, len, "%llds", secs);
	else if (secs < 7200)
		snprintf(buf, len, "%lldm", secs / 60);
	else if (secs < 172800)
		snprintf(buf, len, "%lldh", secs / 3600);
	else
		snprintf(buf, len, "%lldd", secs / 86400);
}

static struct table *entries_table(const struct timeline_list *l, size_t first_id)
{
	static const char *const cols[] = {"Time", "Age", "Kind", "Cluster", "Namespace",
					   "Object", "Reason", "Message", "Revision"};
	struct table *t = table_new();
	for (size_t i = 0; i < TL_NCOLS; i++)
		table_add_column(t, cols[i], "string", "", i == TL_REVISION ? 1 : 0);
	long long now = (long long)time(NULL);
	for (size_t i = 0; i < l->n; i++) {
		const struct timeline_entry *e = &l->items[i];
		char when[32], age[48], id[32], msg[1024];
		time_t tt = (time_t)e->time;
		struct tm tm;
		gmtime_r(&tt, &tm);
		strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
		format_age(now - e->time, age, sizeof age);
		snprintf(id, sizeof id, "%zu", first_id + l->n - 1 - i); /* older first */
		if (e->count > 1)
			snprintf(msg, sizeof msg, "%s (x%ld)", e->message, e->count);
		else
			snprintf(msg, sizeof msg, "%s", e->message);
		struct table_row *r = table_add_row(t);
		const char *cells[] = {when, age, timeline_kind_name(e->kind), e->cluster,
				       e->namespace, e->object, e->reason, msg, e->revision};
		for (size_t c = 0; c < TL_NCOLS; c++)
			table_set_cell(r, c, cells[c]);
		table_set_identity(r, "", id, id);
	}
	return t;
}

static void set_note(struct timeline_view *tv, const struct timeline_list *l, const char *err)
{
	free(tv->note);
	tv->note = NULL;
	if (err)
		tv->note = xstrdup(err);
	else if (l->corrupt)
		tv->note = xasprintf("%zu corrupt line(s) skipped, the first at %s", l->corrupt,
				     l->corrupt_first);
}

/* Reads the timeline into the store: all of it when from_start (on open, and on resume
 * since ages moved), else only what was appended since the last read, so a new entry
 * costs its own line and not the whole file again. */
static void tl_read(struct timeline_view *tv, bool from_start)
{
	tv->grew = false;
	if (from_start) {
		tv->stale = false;
		tv->cursor = (struct timeline_cursor){0};
	}
	char err[512] = "";
	const char *path = console_timeline_path(err, sizeof err);
	struct timeline_list l = {0};
	bool restarted = false;
	if (!path || timeline_read_more(path, &tv->cursor, NULL, &l, &restarted, err,
					sizeof err) < 0) {
		set_note(tv, &l, err);
		if (from_start)
			store_sync(tv->store, entries_table(&l, 0));
		return;
	}
	bool whole = from_start || restarted;   /* restarted: the file was replaced */
	if (whole || l.corrupt)
		set_note(tv, &l, NULL);
	if (whole)
		tv->next_id = 0;
	struct table *t = entries_table(&l, tv->next_id);
	tv->next_id += l.n;
	if (whole) {
		store_sync(tv->store, t);
	} else {
		store_apply_event(tv->store, STORE_EVENT_ADDED, t);
		table_free(t);
	}
	timeline_list_free(&l);
}

static void on_new_entry(void *ud)
{
	struct timeline_view *tv = ud;
	tv->grew = true;
	/* redrawn only when on top (console_changed ignores others; resume redraws) */
	console_changed(tv->view->console, tv->view, VIEW_BODY | VIEW_CHROME);
}

static bool tl_open(struct view *v, const struct view_args *a, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	struct timeline_view *tv = v->priv;
	tv->view = v;
	tv->store = store_new(NULL);
	tv->rows = rowview_new();
	rowview_add_store(tv->rows, tv->store);
	rowview_set_sort(tv->rows, TL_TIME, true); /* newest first */
	tv->table = table_widget_new();
	tl_read(tv, true);
	if (a->text && *a->text)
		rowview_set_filter(tv->rows, a->text, NULL, 0);
	console_timeline_listen(on_new_entry, tv);
	if (tv->note)
		console_flash(v->console, CHROME_FLASH_WARN, "%s", tv->note);
	return true;
}

static void open_target_free(struct timeline_view *tv)
{
	if (tv->get)
		kube_call_cancel(tv->get);
	if (tv->app_get)
		argocd_call_cancel(tv->app_get);
	tv->get = NULL;
	tv->app_get = NULL;
	free(tv->open_kind);
	free(tv->open_name);
	free(tv->open_ns);
	free(tv->open_ctx);
	tv->open_kind = tv->open_name = tv->open_ns = tv->open_ctx = NULL;
}

static void tl_close(struct view *v)
{
	struct timeline_view *tv = v->priv;
	console_timeline_listen(NULL, tv);
	open_target_free(tv);
	table_widget_free(tv->table);
	rowview_free(tv->rows);
	store_free(tv->store);
	free(tv->note);
}

static const char *tl_section(const struct view *v)
{
	(void)v;
	return "timeline";
}

static const char *tl_title(const struct view *v)
{
	(void)v;
	return "timeline";
}

static void tl_status(const struct view *v, char *buf, size_t len)
{
	struct timeline_view *tv = v->priv;
	const char *filter = rowview_filter(tv->rows);
	size_t shown = rowview_count(tv->rows), total = store_count(tv->store);
	if (shown != total)
		snprintf(buf, len, "/%s  %zu/%zu", filter, shown, total);
	else
		snprintf(buf, len, "%zu", total);
}

static void tl_draw(struct view *v, WINDOW *win, bool full)
{
	struct timeline_view *tv = v->priv;
	if (tv->stale)
		tl_read(tv, true);
	else if (tv->grew)
		tl_read(tv, false);
	rowview_update(tv->rows);
	table_widget_set_empty_text(tv->table, tv->note ? tv->note
					       : *rowview_filter(tv->rows) ? "Nothing matches the filter"
					       : "Nothing recorded yet: warning events and Argo CD "
						 "operations appear here as the console sees them");
	table_widget_draw(tv->table, win, tv->rows, full);
}

/* ---- Enter: the object, if it still exists ---------------------------------------------- */

static void gone(struct timeline_view *tv)
{
	console_flash(tv->view->console, CHROME_FLASH_WARN, "%s/%s is gone; from the timeline",
		      tv->open_kind, tv->open_name);
	open_target_free(tv);
}

static void on_object(void *ud, const struct kube_result *res, json_t *obj)
{
	struct timeline_view *tv = ud;
	tv->get = NULL;
	json_decref(obj);
	if (!res->ok) {
		if (res->http_status == 404)
			gone(tv);
		else
			console_flash(tv->view->console, CHROME_FLASH_ERROR, "%s", res->message);
		open_target_free(tv);
		return;
	}
	const char *contexts[] = {tv->open_ctx};
	struct view_args a = {.resource = tv->open_kind, .name = tv->open_name,
			      .namespace = tv->open_ns, .contexts = contexts, .ncontexts = 1};
	console_push(tv->view->console, &describe_view_ops, &a);
	open_target_free(tv);
}

static void on_app(void *ud, const struct argocd_result *res, json_t *body)
{
	struct timeline_view *tv = ud;
	tv->app_get = NULL;
	json_decref(body);
	if (!res->ok) {
		gone(tv);
		return;
	}
	struct view_args a = {.name = tv->open_name};
	console_push(tv->view->console, &app_view_ops, &a);
	open_target_free(tv);
}

static unsigned tl_enter(struct timeline_view *tv)
{
	size_t i = rowview_selected(tv->rows);
	if (!rowview_selected_row(tv->rows))
		return VIEW_SAME;
	const char *object = rowview_cell(tv->rows, i, TL_OBJECT);
	const char *slash = strchr(object, '/');
	if (!slash || !slash[1])
		return VIEW_SAME;
	open_target_free(tv);
	tv->open_kind = xstrndup(object, (size_t)(slash - object));
	tv->open_name = xstrdup(slash + 1);
	tv->open_ns = xstrdup(rowview_cell(tv->rows, i, TL_NAMESPACE));
	tv->open_ctx = xstrdup(rowview_cell(tv->rows, i, TL_CLUSTER));
	struct console *c = tv->view->console;
	char err[256] = "";
	if (!strcasecmp(tv->open_kind, "Application")) {
		struct argocd_client *ac = console_argocd(c, err, sizeof err);
		if (ac)
			tv->app_get = argocd_get_app(ac, tv->open_name, on_app, tv);
	} else if (!strcasecmp(tv->open_kind, "Alert")) {
		console_flash(c, CHROME_FLASH_INFO, "alerts open from :triage");
		open_target_free(tv);
		return VIEW_CHROME;
	} else {
		struct session_cluster *cl = session_find(console_session(c), tv->open_ctx);
		struct kube_client *kc = cl ? session_cluster_open(console_session(c), cl) : NULL;
		if (kc)
			tv->get = kube_get(kc, tv->open_kind, tv->open_ns, tv->open_name, on_object, tv);
		else
			snprintf(err, sizeof err, "no context \"%s\" in the kubeconfig", tv->open_ctx);
	}
	if (!tv->get && !tv->app_get) {
		console_flash(c, CHROME_FLASH_ERROR, "%s", err);
		open_target_free(tv);
	}
	return VIEW_CHROME;
}

static unsigned tl_request(struct view *v, enum request req, int key)
{
	(void)key;
	struct timeline_view *tv = v->priv;
	rowview_update(tv->rows);
	if (table_widget_request(tv->table, tv->rows, req, v->body_rows))
		return VIEW_BODY | VIEW_CHROME;
	switch (req) {
	case REQ_ENTER:
		return tl_enter(tv);
	case REQ_BACK:
		if (!*rowview_filter(tv->rows))
			return VIEW_UNHANDLED;
		/* fall through */
	case REQ_CLEAR_FILTER:
		rowview_set_filter(tv->rows, "", NULL, 0);
		return VIEW_FULL | VIEW_CHROME;
	case REQ_TOGGLE_WIDE:
		table_widget_set_wide(tv->table, !table_widget_wide(tv->table));
		return VIEW_FULL;
	case REQ_SORT_REVERSE:
		rowview_set_sort(tv->rows, rowview_sort_column(tv->rows),
				 !rowview_sort_reverse(tv->rows));
		return VIEW_BODY;
	default:
		return VIEW_UNHANDLED;
	}
}

static unsigned tl_filter(struct view *v, const char *text)
{
	struct timeline_view *tv = v->priv;
	char err[256] = "";
	rowview_set_filter(tv->rows, text, err, sizeof err);
	if (err[0])
		console_flash(v->console, CHROME_FLASH_WARN, "%s", err);
	return VIEW_FULL | VIEW_CHROME;
}

static unsigned tl_resume(struct view *v)
{
	struct timeline_view *tv = v->priv;
	tv->stale = true; /* ages moved too */
	return VIEW_FULL | VIEW_CHROME;
}

const struct view_ops timeline_view_ops = {
	.name = "timeline",
	.private_size = sizeof(struct timeline_view),
	.open = tl_open,
	.close = tl_close,
	.keymap_section = tl_section,
	.title = tl_title,
	.status = tl_status,
	.draw = tl_draw,
	.request = tl_request,
	.filter = tl_filter,
	.resume = tl_resume,
};
