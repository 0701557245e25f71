/* The apps view (`:apps`): every Argo CD Application with its project, cluster,
 * environment, sync, health, operation, revision, images and last deploy, kept live by
 * the stream; filter and sort as any table; Enter opens the app, d its diff, and sync,
 * rollback, refresh and terminate go through the gate. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "clients/argocd.h"
#include "core/rowview.h"
#include "core/store.h"
#include "core/xalloc.h"
#include "tui/table_widget.h"
#include "views/app_actions.h"
#include "views/console.h"
#include "views/view.h"

struct apps_view {
	struct view *view;
	struct argocd_client *ac;
	struct argocd_watch *watch;
	struct store *store;
	struct rowview *rows;
	struct table_widget *table;
	long long stale_since_ms;  /* loop_now_ms() when the rows stopped being current; 0 */
};

/* ---- the stream -------------------------------------------------------------------- */

static void on_synced(void *ud, struct table *t)
{
	struct apps_view *av = ud;
	store_sync(av->store, t);
	av->stale_since_ms = 0; /* a complete list is current again */
	console_changed(av->view->console, av->view, VIEW_BODY | VIEW_CHROME);
}

static void on_event(void *ud, enum kube_event_type type, const struct table *row,
		     const json_t *app)
{
	(void)app;
	struct apps_view *av = ud;
	enum store_event ev = type == KUBE_EVENT_ADDED      ? STORE_EVENT_ADDED
			      : type == KUBE_EVENT_MODIFIED ? STORE_EVENT_MODIFIED
							    : STORE_EVENT_DELETED;
	store_apply_event(av->store, ev, row);
	console_changed(av->view->console, av->view, VIEW_BODY | VIEW_CHROME);
}

static void on_state(void *ud, const struct kube_watch_status *st)
{
	struct apps_view *av = ud;
	static const enum store_conn map[] = {
		[KUBE_WATCH_LISTING] = STORE_CONN_LISTING,
		[KUBE_WATCH_CONNECTED] = STORE_CONN_CONNECTED,
		[KUBE_WATCH_RETRYING] = STORE_CONN_RETRYING,
		[KUBE_WATCH_FAILED] = STORE_CONN_FAILED,
	};
	store_set_state(av->store, map[st->state], st->error, st->next_attempt_ms);
	/* the applications listed before stay on screen while the stream is away */
	if (st->state == KUBE_WATCH_CONNECTED)
		av->stale_since_ms = 0;
	else if (!av->stale_since_ms && store_synced(av->store))
		av->stale_since_ms = loop_now_ms();
	console_changed(av->view->console, av->view, VIEW_BODY | VIEW_CHROME);
}

/* ---- colours ----------------------------------------------------------------------- */

static enum theme_element sync_element(const char *s)
{
	if (!strcmp(s, "Synced"))
		return THEME_SYNC_SYNCED;
	return !strcmp(s, "OutOfSync") ? THEME_SYNC_OUTOFSYNC : THEME_SYNC_UNKNOWN;
}

static enum theme_element health_element(const char *s)
{
	static const struct {
		const char *word;
		enum theme_element el;
	} map[] = {
		{"Healthy", THEME_HEALTH_HEALTHY},       {"Degraded", THEME_HEALTH_DEGRADED},
		{"Progressing", THEME_HEALTH_PROGRESSING}, {"Suspended", THEME_HEALTH_SUSPENDED},
		{"Missing", THEME_HEALTH_MISSING},
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (!strcmp(s, map[i].word))
			return map[i].el;
	return THEME_HEALTH_UNKNOWN;
}

static enum theme_element operation_element(const char *s)
{
	if (!strcmp(s, "Running") || !strcmp(s, "Terminating"))
		return THEME_STATUS_PENDING;
	if (!strcmp(s, "Failed") || !strcmp(s, "Error"))
		return THEME_STATUS_ERROR;
	return !strcmp(s, "Succeeded") ? THEME_STATUS_OK : THEME_ROW;
}

static enum theme_element cell_style(void *ud, const struct rowview *rows, size_t row,
				     size_t col)
{
	(void)ud;
	const char *cell = rowview_cell(rows, row, col);
	switch (col) {
	case ARGOCD_COL_SYNC: return sync_element(cell);
	case ARGOCD_COL_HEALTH: return health_element(cell);
	case ARGOCD_COL_OPERATION: return operation_element(cell);
	default: return THEME_ROW;
	}
}

/* ---- the view ------------------------------------------------------------------------ */

static bool apps_open(struct view *v, const struct view_args *a, char *err, size_t errlen)
{
	struct apps_view *av = v->priv;
	av->view = v;
	av->ac = console_argocd(v->console, err, errlen);
	if (!av->ac)
		return false;
	av->store = store_new(NULL);
	av->rows = rowview_new();
	rowview_add_store(av->rows, av->store);
	av->table = table_widget_new();
	table_widget_set_style(av->table, cell_style, av);
	table_widget_set_empty_text(av->table, "Loading applications...");
	if (a->text && *a->text)
		rowview_set_filter(av->rows, a->text, NULL, 0);
	static const struct argocd_watch_callbacks cbs = {on_synced, on_event, on_state};
	av->watch = argocd_watch_apps(av->ac, &cbs, av);
	return true;
}

static void apps_close(struct view *v)
{
	struct apps_view *av = v->priv;
	argocd_watch_stop(av->watch);
	table_widget_free(av->table);
	rowview_free(av->rows);
	store_free(av->store);
}

static const char *apps_section(const struct view *v)
{
	(void)v;
	return "apps";
}

static const char *apps_title(const struct view *v)
{
	(void)v;
	return "apps";
}

static void apps_status(const struct view *v, char *buf, size_t len)
{
	struct apps_view *av = v->priv;
	const char *filter = rowview_filter(av->rows);
	size_t shown = rowview_count(av->rows), total = store_count(av->store);
	if (shown != total)
		snprintf(buf, len, "%s%s  %zu/%zu", *filter ? "/" : "", filter, shown, total);
	else
		snprintf(buf, len, "%zu", total);
}

static void apps_header(const struct view *v, struct chrome_header *h)
{
	struct apps_view *av = v->priv;
	h->namespace = NULL;
	if (av->stale_since_ms && store_count(av->store)) {
		h->stale = true;
		h->stale_s = (long)((loop_now_ms() - av->stale_since_ms) / 1000);
	}
	switch (store_state(av->store)) {
	case STORE_CONN_CONNECTED: h->conn = CHROME_CONN_OK; break;
	case STORE_CONN_LISTING: h->conn = CHROME_CONN_LOADING; break;
	case STORE_CONN_RETRYING: {
		long long left = store_retry_at_ms(av->store) - loop_now_ms();
		h->conn = CHROME_CONN_RETRYING;
		h->retry_in_s = left > 0 ? (long)((left + 999) / 1000) : 0;
		h->conn_detail = store_error(av->store);
		break;
	}
	case STORE_CONN_FAILED:
		h->conn = CHROME_CONN_DOWN;
		h->conn_detail = store_error(av->store);
		break;
	}
}

static void apps_draw(struct view *v, WINDOW *win, bool full)
{
	struct apps_view *av = v->priv;
	rowview_update(av->rows);
	if (rowview_count(av->rows) == 0) {
		const char *error = store_error(av->store);
		table_widget_set_empty_text(av->table,
					    error ? error
					    : !store_synced(av->store) ? "Loading applications..."
					    : *rowview_filter(av->rows) ? "No applications match the filter"
					    : "No applications.");
	}
	table_widget_draw(av->table, win, av->rows, full);
}

/* The selected app as an action target. */
static bool selected_target(struct apps_view *av, struct app_target *t)
{
	size_t i = rowview_selected(av->rows);
	const struct store_row *row = rowview_selected_row(av->rows);
	if (!row)
		return false;
	*t = (struct app_target){.name = row->r.name, .namespace = row->r.namespace,
				 .cluster = rowview_cell(av->rows, i, ARGOCD_COL_CLUSTER)};
	return true;
}

static unsigned open_app(struct apps_view *av, const struct view_ops *ops)
{
	struct app_target t;
	if (!selected_target(av, &t))
		return VIEW_SAME;
	const char *contexts[] = {t.cluster};
	struct view_args a = {.name = t.name, .namespace = t.namespace, .contexts = contexts,
			      .ncontexts = t.cluster && *t.cluster ? 1 : 0};
	console_push(av->view->console, ops, &a);
	return VIEW_SAME;
}

static unsigned sort_by(struct apps_view *av, const char *name)
{
	int col = rowview_column_index(av->rows, name);
	if (col < 0)
		return VIEW_SAME;
	bool rev = rowview_sort_column(av->rows) == col && !rowview_sort_reverse(av->rows);
	rowview_set_sort(av->rows, col, rev);
	return VIEW_BODY;
}

static unsigned apps_request(struct view *v, enum request req, int key)
{
	(void)key;
	struct apps_view *av = v->priv;
	/* keys typed ahead of the next frame (a pasted "/name Enter Enter") must act on
	 * the rows as they are now, filter included */
	rowview_update(av->rows);
	if (table_widget_request(av->table, av->rows, req, v->body_rows))
		return VIEW_BODY | VIEW_CHROME;
	switch (req) {
	case REQ_ENTER: return open_app(av, &app_view_ops);
	case REQ_DIFF: return open_app(av, &app_diff_view_ops);
	case REQ_LOGS: {
		struct app_target t;
		if (!selected_target(av, &t))
			return VIEW_SAME;
		const char *contexts[] = {t.cluster};
		struct view_args a = {.resource = "applications", .name = t.name,
				      .contexts = contexts, .ncontexts = t.cluster && *t.cluster};
		console_push(v->console, &logs_view_ops, &a);
		return VIEW_SAME;
	}
	case REQ_BACK:
		/* Esc clears the filter before it goes back */
		if (!*rowview_filter(av->rows))
			return VIEW_UNHANDLED;
		/* fall through */
	case REQ_CLEAR_FILTER:
		rowview_set_filter(av->rows, "", NULL, 0);
		return VIEW_FULL | VIEW_CHROME;
	case REQ_SORT_NAME: return sort_by(av, "Name");
	case REQ_SORT_STATUS: return sort_by(av, "Sync");
	case REQ_SORT_AGE: return sort_by(av, "Deployed");
	case REQ_SORT_NAMESPACE: return sort_by(av, "Project");
	case REQ_SORT_REVERSE:
		rowview_set_sort(av->rows, rowview_sort_column(av->rows),
				 !rowview_sort_reverse(av->rows));
		return VIEW_BODY;
	case REQ_TOGGLE_WIDE:
		table_widget_set_wide(av->table, !table_widget_wide(av->table));
		return VIEW_FULL;
	default:
		break;
	}
	struct app_target t;
	bool have = selected_target(av, &t);
	return app_action_request(v->console, av->ac, have ? &t : NULL, req);
}

static unsigned apps_filter(struct view *v, const char *text)
{
	struct apps_view *av = v->priv;
	char err[256] = "";
	rowview_set_filter(av->rows, text, err, sizeof err);
	if (err[0])
		console_flash(v->console, CHROME_FLASH_WARN, "%s", err);
	return VIEW_FULL | VIEW_CHROME;
}

const struct view_ops apps_view_ops = {
	.name = "apps",
	.private_size = sizeof(struct apps_view),
	.open = apps_open,
	.close = apps_close,
	.keymap_section = apps_section,
	.title = apps_title,
	.status = apps_status,
	.header = apps_header,
	.draw = apps_draw,
	.request = apps_request,
	.filter = apps_filter,
};
