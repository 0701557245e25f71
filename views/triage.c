/* The triage view (`:triage`): the on-call's first screen. Firing and pending alerts
 * from Prometheus mapped to the platform's services, environments and Argo CD apps
 * (views/triage_model.h), with the app's sync, health and revision, plus Degraded apps
 * as incidents; one key each to the app, the failing pods, their logs, what changed,
 * and a rollback. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clients/argocd.h"
#include "clients/kube.h"
#include "clients/prometheus.h"
#include "clients/prometheus_config.h"
#include "core/rowview.h"
#include "core/store.h"
#include "core/strbuf.h"
#include "core/xalloc.h"
#include "tui/table_widget.h"
#include "views/app_actions.h"
#include "views/console.h"
#include "views/console_timeline.h"
#include "views/session.h"
#include "views/triage_model.h"

enum { TRIAGE_REFRESH_MS = 10000 };

enum tr_col { TR_SEVERITY, TR_STATE, TR_ALERT, TR_SERVICE, TR_ENV, TR_APP, TR_WHERE,
	      TR_SINCE, TR_SUMMARY, TR_SYNC, TR_HEALTH, TR_REVISION, TR_NCOLS };

/* One alert as the view keeps it (the client's answer lives for its callback only). */
struct triage_alert {
	struct alert_target t;
	char *alertname, *severity, *summary;
	char *key;               /* its labels (alert_target_fingerprint): the row's identity,
				  * so the selection stays on it across refreshes */
	bool firing;
	long long active_at;     /* Unix seconds, 0 unknown */
};

struct triage_view {
	struct view *view;
	struct prom_config_owned cfg;
	struct prom_client *prom;
	struct prom_call *call;
	long long timer;
	char *note;                      /* not configured, or the last error */
	struct triage_alert *alerts;
	size_t nalerts;
	size_t nfiring;
	struct argocd_client *ac;
	struct argocd_watch *watch;
	struct store *apps;              /* the Argo CD apps: sync, health, revision */
	struct store *store;             /* the rows shown */
	struct rowview *rows;
	struct table_widget *table;
	char *signature;                 /* the rows last shown, to skip identical refreshes */
	struct kube_call *pods_call;     /* `l`: which pods, restarted or not */
	struct argocd_call *app_call;    /* `b`: the app's history first */
	char *pending_app, *pending_ns, *pending_cluster, *pending_service;
};

/* ---- the rows ------------------------------------------------------------------------- */

static const struct store_row *app_row(struct triage_view *tv, const char *app)
{
	for (size_t i = 0; app && i < store_count(tv->apps); i++) {
		const struct store_row *r = store_row_at(tv->apps, i);
		if (!strcmp(r->r.name, app))
			return r;
	}
	return NULL;
}

static const char *app_cell(const struct store_row *r, size_t col)
{
	return r && col < ARGOCD_COL_COUNT ? r->r.cells[col] : "";
}

static void add_alert_row(struct table *t, const struct triage_alert *a,
			  const struct store_row *app)
{
	char where[256], since[32] = "";
	snprintf(where, sizeof where, "%s/%s", a->t.cluster ? a->t.cluster : "?",
		 a->t.namespace ? a->t.namespace : "?");
	if (a->active_at > 0) {
		time_t tt = (time_t)a->active_at;
		struct tm tm;
		gmtime_r(&tt, &tm);
		/* a time, not an age: an age would redraw the screen every refresh */
		strftime(since, sizeof since, "%m-%d %H:%M", &tm);
	}
	const char *cells[TR_NCOLS] = {
		a->severity, a->firing ? "firing" : "pending", a->alertname,
		a->t.service ? a->t.service : "", a->t.env ? a->t.env : "",
		a->t.app ? a->t.app : "", where, since, a->summary,
		app_cell(app, ARGOCD_COL_SYNC), app_cell(app, ARGOCD_COL_HEALTH),
		app_cell(app, ARGOCD_COL_REVISION)};
	struct table_row *r = table_add_row(t);
	for (size_t c = 0; c < TR_NCOLS; c++)
		table_set_cell(r, c, cells[c]);
	char *id = xasprintf("a:%s", a->key);
	table_set_identity(r, a->t.namespace ? a->t.namespace : "", a->t.app ? a->t.app : a->alertname,
			   id);
	free(id);
}

/* Degraded apps no alert points at: incidents Argo CD sees on its own. */
static void add_degraded_rows(struct triage_view *tv, struct table *t)
{
	for (size_t i = 0; i < store_count(tv->apps); i++) {
		const struct store_row *r = store_row_at(tv->apps, i);
		if (strcmp(app_cell(r, ARGOCD_COL_HEALTH), "Degraded") != 0)
			continue;
		bool covered = false;
		for (size_t k = 0; k < tv->nalerts && !covered; k++)
			covered = tv->alerts[k].t.app && !strcmp(tv->alerts[k].t.app, r->r.name);
		if (covered)
			continue;
		const char *cells[TR_NCOLS] = {
			"argocd", "degraded", "AppDegraded", "", app_cell(r, ARGOCD_COL_ENVIRONMENT),
			r->r.name, app_cell(r, ARGOCD_COL_CLUSTER), "", "Argo CD reports the app Degraded",
			app_cell(r, ARGOCD_COL_SYNC), app_cell(r, ARGOCD_COL_HEALTH),
			app_cell(r, ARGOCD_COL_REVISION)};
		struct table_row *row = table_add_row(t);
		for (size_t c = 0; c < TR_NCOLS; c++)
			table_set_cell(row, c, cells[c]);
		char *id = xasprintf("d-%s", r->r.name);
		table_set_identity(row, "", r->r.name, id);
		free(id);
	}
}

static struct table *rows_table(struct triage_view *tv)
{
	static const char *const cols[TR_NCOLS] = {
		"Severity", "State", "Alert", "Service", "Env", "App", "Cluster/Namespace",
		"Since", "Summary", "Sync", "Health", "Revision"};
	struct table *t = table_new();
	for (size_t i = 0; i < TR_NCOLS; i++)
		table_add_column(t, cols[i], "string", "", 0);
	for (size_t i = 0; i < tv->nalerts; i++)
		add_alert_row(t, &tv->alerts[i], app_row(tv, tv->alerts[i].t.app));
	add_degraded_rows(tv, t);
	return t;
}

static char *table_signature(const struct table *t)
{
	struct strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < t->nrows; i++) {
		for (size_t c = 0; c < t->ncols; c++)
			strbuf_printf(&sb, "%s\x1f", t->rows[i].cells[c]);
		strbuf_putc(&sb, '\n');
	}
	return strbuf_detach(&sb);
}

/* Rebuilds the rows; draws only when they differ from what is shown. */
static void triage_refill(struct triage_view *tv)
{
	struct table *t = rows_table(tv);
	char *sig = table_signature(t);
	if (tv->signature && !strcmp(sig, tv->signature)) {
		free(sig);
		table_free(t);
		return;
	}
	free(tv->signature);
	tv->signature = sig;
	store_sync(tv->store, t);
	console_changed(tv->view->console, tv->view, VIEW_FULL | VIEW_CHROME);
}

/* ---- Prometheus --------------------------------------------------------------------- */

static void alerts_clear(struct triage_view *tv)
{
	for (size_t i = 0; i < tv->nalerts; i++) {
		struct triage_alert *a = &tv->alerts[i];
		alert_target_free(&a->t);
		free(a->alertname);
		free(a->severity);
		free(a->summary);
		free(a->key);
	}
	free(tv->alerts);
	tv->alerts = NULL;
	tv->nalerts = tv->nfiring = 0;
}

static char *label_or(const struct prom_labels *l, const char *name, const char *dflt)
{
	const char *v = prom_labels_get(l, name);
	return xstrdup(v && *v ? v : dflt);
}

static void record_alert(const struct triage_alert *a, const struct prom_alert *pa)
{
	char *fp = alert_target_fingerprint(&pa->labels);
	char *key = timeline_key_alert(fp, a->firing ? "firing" : "pending", a->active_at);
	char *object = xasprintf("Alert/%s", a->alertname);
	char *msg = xasprintf("%s%s%s%s%s", a->summary, a->t.service ? " service=" : "",
			      a->t.service ? a->t.service : "", a->t.env ? " env=" : "",
			      a->t.env ? a->t.env : "");
	struct timeline_entry e = {
		.time = a->active_at > 0 ? a->active_at : (long long)time(NULL),
		.kind = TIMELINE_ALERT, .cluster = a->t.cluster, .namespace = a->t.namespace,
		.object = object, .reason = a->firing ? (char *)"firing" : (char *)"pending",
		.message = msg, .revision = NULL, .count = 1, .key = key};
	console_timeline_append(&e);
	free(fp);
	free(key);
	free(object);
	free(msg);
}

static void on_alerts(void *ud, const char *err, const struct prom_alerts *alerts)
{
	struct triage_view *tv = ud;
	tv->call = NULL;
	char *note = err ? xasprintf("Prometheus (%s): %s", tv->cfg.url, err) : NULL;
	bool same = (!note && !tv->note) || (note && tv->note && !strcmp(note, tv->note));
	free(tv->note);
	tv->note = note;
	if (!same) /* the note appears, changes or goes */
		console_changed(tv->view->console, tv->view, VIEW_FULL | VIEW_CHROME);
	if (err)
		return;
	size_t was_firing = tv->nfiring, was_alerts = tv->nalerts;
	alerts_clear(tv);
	tv->alerts = alerts->n ? xcalloc(alerts->n, sizeof(*tv->alerts)) : NULL;
	const struct platform *p = console_platform(tv->view->console);
	for (size_t i = 0; i < alerts->n; i++) {
		const struct prom_alert *pa = &alerts->items[i];
		if (pa->state == PROM_ALERT_INACTIVE)
			continue;
		struct triage_alert *a = &tv->alerts[tv->nalerts++];
		alert_target_map(p, &pa->labels, &a->t);
		a->alertname = label_or(&pa->labels, "alertname", "?");
		a->severity = label_or(&pa->labels, "severity", "");
		a->summary = label_or(&pa->annotations, "summary", "");
		a->key = alert_target_fingerprint(&pa->labels);
		a->firing = pa->state == PROM_ALERT_FIRING;
		a->active_at = pa->active_at_ms / 1000;
		tv->nfiring += a->firing;
		record_alert(a, pa);
	}
	triage_refill(tv);
	/* the count in the crumbs may move while the rows do not (a filter hides them) */
	if (was_firing != tv->nfiring || was_alerts != tv->nalerts)
		console_changed(tv->view->console, tv->view, VIEW_CHROME);
}

static void triage_fetch(struct triage_view *tv)
{
	if (tv->prom && !tv->call)
		tv->call = prom_get_alerts(tv->prom, on_alerts, tv);
}

/* Every 10 s while on top; a view underneath stops its timer (resume restarts it). */
static void on_timer(struct loop *loop, long long id, void *ud)
{
	(void)id;
	struct triage_view *tv = ud;
	if (console_top(tv->view->console) != tv->view) {
		loop_timer_cancel(loop, tv->timer);
		tv->timer = 0;
		return;
	}
	triage_fetch(tv);
}

static void timer_start(struct triage_view *tv)
{
	if (tv->prom && !tv->timer)
		tv->timer = loop_timer_add(console_loop(tv->view->console), TRIAGE_REFRESH_MS, true,
					   on_timer, tv);
}

/* ---- the Argo CD apps --------------------------------------------------------------- */

static void on_apps_synced(void *ud, struct table *t)
{
	struct triage_view *tv = ud;
	store_sync(tv->apps, t);
	store_changes_clear(tv->apps);
	triage_refill(tv);
}

static void on_app_event(void *ud, enum kube_event_type type, const struct table *row,
			 const json_t *app)
{
	(void)app;
	struct triage_view *tv = ud;
	store_apply_event(tv->apps, type == KUBE_EVENT_ADDED ? STORE_EVENT_ADDED
				    : type == KUBE_EVENT_MODIFIED ? STORE_EVENT_MODIFIED
								  : STORE_EVENT_DELETED, row);
	/* the apps store has no rowview: forget its change list here */
	store_changes_clear(tv->apps);
	triage_refill(tv);
}

/* ---- the view ---------------------------------------------------------------------- */

static bool triage_open(struct view *v, const struct view_args *a, char *err, size_t errlen)
{
	(void)a;
	struct triage_view *tv = v->priv;
	struct console *c = v->console;
	tv->view = v;
	tv->apps = store_new(NULL);
	tv->store = store_new(NULL);
	tv->rows = rowview_new();
	rowview_add_store(tv->rows, tv->store);
	rowview_set_sort(tv->rows, TR_STATE, false); /* firing before pending */
	tv->table = table_widget_new();
	char perr[512] = "";
	int rc = prom_config_resolve(console_platform_path(c), &tv->cfg, perr, sizeof perr);
	if (rc < 0) {
		snprintf(err, errlen, "%s", perr);
		return false;
	}
	if (rc == 0) {
		struct prom_config pc = prom_config_view(&tv->cfg);
		tv->prom = prom_client_new(console_http(c), &pc);
		triage_fetch(tv);
		timer_start(tv);
	} else {
		tv->note = xstrdup("Prometheus is not configured: set OPSDECK_PROMETHEUS_URL, or "
				   "prometheus: url: in platform.yaml (docs/triage.md). Degraded apps "
				   "are listed as incidents meanwhile.");
	}
	tv->ac = console_argocd(c, perr, sizeof perr);
	static const struct argocd_watch_callbacks cbs = {on_apps_synced, on_app_event, NULL};
	if (tv->ac)
		tv->watch = argocd_watch_apps(tv->ac, &cbs, tv);
	triage_refill(tv);
	return true;
}

static void pending_clear(struct triage_view *tv)
{
	if (tv->pods_call)
		kube_call_cancel(tv->pods_call);
	if (tv->app_call)
		argocd_call_cancel(tv->app_call);
	tv->pods_call = NULL;
	tv->app_call = NULL;
	free(tv->pending_app);
	free(tv->pending_ns);
	free(tv->pending_cluster);
	free(tv->pending_service);
	tv->pending_app = tv->pending_ns = tv->pending_cluster = tv->pending_service = NULL;
}

static void triage_close(struct view *v)
{
	struct triage_view *tv = v->priv;
	pending_clear(tv);
	if (tv->timer)
		loop_timer_cancel(console_loop(v->console), tv->timer);
	if (tv->call)
		prom_call_cancel(tv->call);
	prom_client_free(tv->prom);
	prom_config_clear(&tv->cfg);
	if (tv->watch)
		argocd_watch_stop(tv->watch);
	alerts_clear(tv);
	table_widget_free(tv->table);
	rowview_free(tv->rows);
	store_free(tv->store);
	store_free(tv->apps);
	free(tv->note);
	free(tv->signature);
}

static const char *triage_section(const struct view *v)
{
	(void)v;
	return "triage";
}

static const char *triage_title(const struct view *v)
{
	(void)v;
	return "triage";
}

static void triage_status(const struct view *v, char *buf, size_t len)
{
	struct triage_view *tv = v->priv;
	const char *filter = rowview_filter(tv->rows);
	snprintf(buf, len, "%s%s%s%zu firing, %zu pending", *filter ? "/" : "", filter,
		 *filter ? "  " : "", tv->nfiring, tv->nalerts - tv->nfiring);
}

static void triage_draw(struct view *v, WINDOW *win, bool full)
{
	struct triage_view *tv = v->priv;
	rowview_update(tv->rows);
	table_widget_set_empty_text(tv->table, tv->note ? tv->note
					       : !tv->signature ? "Asking Prometheus..."
					       : "No alert is firing.");
	table_widget_draw(tv->table, win, tv->rows, full);
	if (tv->note && rowview_count(tv->rows) > 0) {
		/* the rows are there (incidents, or the last answer): the note goes below */
		int rows = getmaxy(win);
		if ((size_t)rows > rowview_count(tv->rows) + 2) {
			wattrset(win, theme_attr(THEME_STATUS_PENDING));
			mvwaddnstr(win, rows - 1, 0, tv->note, getmaxx(win));
			wattrset(win, theme_attr(THEME_DEFAULT));
			wnoutrefresh(win);
		}
	}
}

/* ---- keys --------------------------------------------------------------------------- */

/* What the selected row points at; false (flashed) when there is no row. */
struct triage_sel {
	const char *app, *service, *namespace, *cluster;
	const char *app_cluster;  /* the Argo CD row's cluster (the app view's) */
};

static bool selected(struct triage_view *tv, struct triage_sel *s)
{
	const struct store_row *r = rowview_selected_row(tv->rows);
	*s = (struct triage_sel){0};
	if (!r) {
		console_flash(tv->view->console, CHROME_FLASH_INFO, "nothing selected");
		return false;
	}
	if (!strncmp(r->r.uid, "a:", 2)) {
		size_t i = 0;
		while (i < tv->nalerts && strcmp(tv->alerts[i].key, r->r.uid + 2) != 0)
			i++;
		if (i == tv->nalerts)
			return false;
		const struct alert_target *t = &tv->alerts[i].t;
		*s = (struct triage_sel){t->app, t->service, t->namespace, t->cluster, NULL};
	} else {
		s->app = r->r.name;
	}
	const struct store_row *ar = app_row(tv, s->app);
	s->app_cluster = ar && *app_cell(ar, ARGOCD_COL_CLUSTER) ? app_cell(ar, ARGOCD_COL_CLUSTER)
								 : s->cluster;
	if (!s->cluster)
		s->cluster = s->app_cluster;
	return true;
}

static bool need(struct triage_view *tv, const char *what, const char *value)
{
	if (value && *value)
		return true;
	console_flash(tv->view->console, CHROME_FLASH_WARN,
		      "the alert's labels name no %s (docs/triage.md: the labels used)", what);
	return false;
}

static char *pods_selector(const char *service)
{
	return xasprintf("app.kubernetes.io/name=%s", service);
}

static unsigned open_app(struct triage_view *tv, const struct view_ops *ops)
{
	struct triage_sel s;
	if (!selected(tv, &s) || !need(tv, "app (service and environment)", s.app))
		return VIEW_CHROME;
	const char *contexts[] = {s.app_cluster};
	struct view_args a = {.name = s.app, .contexts = contexts,
			      .ncontexts = s.app_cluster ? 1 : 0};
	console_push(tv->view->console, ops, &a);
	return VIEW_SAME;
}

static unsigned open_pods(struct triage_view *tv)
{
	struct triage_sel s;
	if (!selected(tv, &s) || !need(tv, "service", s.service) ||
	    !need(tv, "namespace", s.namespace))
		return VIEW_CHROME;
	char *sel = pods_selector(s.service);
	const char *contexts[] = {s.cluster};
	const char *namespaces[] = {s.namespace};
	struct view_args a = {.resource = "pods", .contexts = contexts,
			      .ncontexts = s.cluster ? 1 : 0, .namespaces = namespaces,
			      .nnamespaces = 1, .label_selector = sel};
	console_push(tv->view->console, &resource_view_ops, &a);
	free(sel);
	return VIEW_SAME;
}

/* `l`: the pods first, to know whether one restarted (then the previous instance is
 * what holds the crash). */
static void on_pods(void *ud, const struct kube_result *res,
		    const struct kube_resource *resource, struct table *t)
{
	(void)resource;
	struct triage_view *tv = ud;
	tv->pods_call = NULL;
	if (!res->ok || !t || t->nrows == 0) {
		console_flash(tv->view->console, CHROME_FLASH_WARN, "no pods of %s in %s%s%s",
			      tv->pending_service, tv->pending_ns, res->ok ? "" : ": ",
			      res->ok ? "" : res->message);
		table_free(t);
		pending_clear(tv);
		return;
	}
	int restarts = table_column_index(t, "Restarts");
	bool restarted = false;
	const char **names = xcalloc(t->nrows, sizeof(*names));
	for (size_t i = 0; i < t->nrows; i++) {
		names[i] = t->rows[i].name;
		if (restarts >= 0 && strtol(t->rows[i].cells[restarts], NULL, 10) > 0)
			restarted = true;
	}
	const char *contexts[] = {tv->pending_cluster};
	struct view_args a = {.contexts = contexts, .ncontexts = tv->pending_cluster ? 1 : 0,
			      .namespace = tv->pending_ns,
			      .pods = names, .npods = t->nrows, .previous = restarted};
	console_push(tv->view->console, &logs_view_ops, &a);
	free(names);
	table_free(t);
	pending_clear(tv);
}

static unsigned open_logs(struct triage_view *tv)
{
	struct triage_sel s;
	if (!selected(tv, &s) || !need(tv, "service", s.service) ||
	    !need(tv, "namespace", s.namespace))
		return VIEW_CHROME;
	struct console *c = tv->view->console;
	const char *ctx = s.cluster ? s.cluster : console_context(c);
	struct session_cluster *cl = session_find(console_session(c), ctx);
	struct kube_client *kc = cl ? session_cluster_open(console_session(c), cl) : NULL;
	if (!kc) {
		console_flash(c, CHROME_FLASH_ERROR, "no context \"%s\" in the kubeconfig", ctx);
		return VIEW_CHROME;
	}
	pending_clear(tv);
	tv->pending_service = xstrdup(s.service);
	tv->pending_ns = xstrdup(s.namespace);
	tv->pending_cluster = xstrdup(ctx);
	char *sel = pods_selector(s.service);
	struct kube_list_options o = {.resource = "pods", .namespace = s.namespace,
				      .label_selector = sel};
	tv->pods_call = kube_list(kc, &o, on_pods, tv);
	free(sel);
	return VIEW_SAME;
}

/* `b`: the app's history decides the entry proposed; the gate asks and confirms. */
static void on_rollback_app(void *ud, const struct argocd_result *res, json_t *app)
{
	struct triage_view *tv = ud;
	tv->app_call = NULL;
	if (!res->ok || !app) {
		console_flash(tv->view->console, CHROME_FLASH_ERROR, "%s: %s", tv->pending_app,
			      res->message ? res->message : "no answer");
		json_decref(app);
		pending_clear(tv);
		return;
	}
	const json_t *md = json_object_get(app, "metadata");
	struct app_target t = {
		.name = tv->pending_app,
		.namespace = json_string_value(json_object_get(md, "namespace")),
		.cluster = tv->pending_cluster,
		.rollback_id = triage_rollback_id(app),
	};
	unsigned change = app_action_request(tv->view->console, tv->ac, &t, REQ_ROLLBACK);
	json_decref(app);
	pending_clear(tv);
	console_changed(tv->view->console, tv->view, change & ~(unsigned)VIEW_UNHANDLED);
}

static unsigned rollback(struct triage_view *tv)
{
	struct triage_sel s;
	if (!selected(tv, &s) || !need(tv, "app (service and environment)", s.app))
		return VIEW_CHROME;
	if (!tv->ac) {
		console_flash(tv->view->console, CHROME_FLASH_ERROR, "Argo CD is not reachable");
		return VIEW_CHROME;
	}
	pending_clear(tv);
	tv->pending_app = xstrdup(s.app);
	tv->pending_cluster = s.app_cluster ? xstrdup(s.app_cluster) : NULL;
	tv->app_call = argocd_get_app(tv->ac, s.app, on_rollback_app, tv);
	return VIEW_SAME;
}

static unsigned triage_request(struct view *v, enum request req, int key)
{
	(void)key;
	struct triage_view *tv = v->priv;
	rowview_update(tv->rows);
	if (table_widget_request(tv->table, tv->rows, req, v->body_rows))
		return VIEW_BODY | VIEW_CHROME;
	switch (req) {
	case REQ_ENTER:
	case REQ_OPEN_APP: return open_app(tv, &app_view_ops);
	case REQ_CHANGES: return open_app(tv, &changes_view_ops);
	case REQ_FAILING_PODS: return open_pods(tv);
	case REQ_LOGS: return open_logs(tv);
	case REQ_ROLLBACK: return rollback(tv);
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
	default:
		return VIEW_UNHANDLED;
	}
}

static unsigned triage_filter(struct view *v, const char *text)
{
	struct triage_view *tv = v->priv;
	char err[256] = "";
	rowview_set_filter(tv->rows, text, err, sizeof err);
	if (err[0])
		console_flash(v->console, CHROME_FLASH_WARN, "%s", err);
	return VIEW_FULL | VIEW_CHROME;
}

/* On top again: ask now, then every 10 s. */
static unsigned triage_resume(struct view *v)
{
	struct triage_view *tv = v->priv;
	triage_fetch(tv);
	timer_start(tv);
	return VIEW_FULL | VIEW_CHROME;
}

const struct view_ops triage_view_ops = {
	.name = "triage",
	.private_size = sizeof(struct triage_view),
	.open = triage_open,
	.close = triage_close,
	.keymap_section = triage_section,
	.title = triage_title,
	.status = triage_status,
	.draw = triage_draw,
	.request = triage_request,
	.filter = triage_filter,
	.resume = triage_resume,
};
