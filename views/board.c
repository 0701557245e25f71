/* The environment board (`:board`): one row per service, one column per environment in
 * promotion order, each cell the version running there with a sync/health mark and the
 * age of the last deploy, drift marked, and security findings marked (critical, high)
 * once they are read in the background; live from the Argo CD stream. Enter opens the
 * service's apps. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clients/argocd.h"
#include "core/board.h"
#include "core/platform.h"
#include "core/rowview.h"
#include "core/store.h"
#include "core/xalloc.h"
#include "tui/glyphs.h"
#include "tui/table_widget.h"
#include "views/console.h"
#include "views/findings_fetch.h"
#include "views/findings_model.h"
#include "views/view.h"

struct board_view {
	struct view *view;
	struct argocd_client *ac;
	struct argocd_watch *watch;
	struct store *apps;         /* the apps table, kept by the stream */
	unsigned long long built_gen; /* apps generation the board was built from */
	struct board *board;
	struct store *cells;        /* the board as rows */
	struct rowview *rows;
	struct table_widget *table;
	struct findings_multi *fetch;   /* the findings, read once per open */
	struct findings *findings;      /* NULL until they land */
	bool findings_new;              /* landed since the board was last built */
};

/* Marks each cell with the findings of its service's workload there. */
static void board_mark_findings(struct board_view *bv)
{
	for (size_t i = 0; bv->findings && i < bv->board->nrows; i++) {
		for (size_t e = 0; e < bv->board->nenvs; e++) {
			unsigned c[FINDING_SEVERITY_COUNT];
			findings_service_counts(bv->findings, bv->board->rows[i].service,
						bv->board->envs[e], c);
			board_set_findings(bv->board, bv->board->rows[i].service, bv->board->envs[e],
					   c[FINDING_CRITICAL], c[FINDING_HIGH]);
		}
	}
}

/* Rebuilds the board when the apps moved (a few hundred apps: cheap). */
static void board_refresh(struct board_view *bv)
{
	if (bv->board && store_generation(bv->apps) == bv->built_gen && !bv->findings_new)
		return;
	bv->findings_new = false;
	bv->built_gen = store_generation(bv->apps);
	/* the store's rows as one table: board_build reads columns by name */
	struct table *t = table_new();
	const struct table *cols = store_columns(bv->apps);
	for (size_t c = 0; cols && c < cols->ncols; c++)
		table_add_column(t, cols->cols[c].name, cols->cols[c].type, cols->cols[c].format,
				 cols->cols[c].priority);
	for (size_t i = 0; cols && i < store_count(bv->apps); i++) {
		const struct store_row *sr = store_row_at(bv->apps, i);
		struct table_row *r = table_add_row(t);
		for (size_t c = 0; c < cols->ncols; c++)
			table_set_cell(r, c, sr->r.cells[c]);
	}
	/* promotion order from platform.yaml when it has one */
	const struct platform *p = console_platform(bv->view->console);
	const char **order = NULL;
	size_t norder = p ? p->nenvs : 0;
	if (norder) {
		order = xcalloc(norder, sizeof(*order));
		for (size_t e = 0; e < norder; e++)
			order[e] = p->envs[e].name;
	}
	board_free(bv->board);
	bv->board = board_build(t, norder ? order : NULL, norder);
	free(order);
	table_free(t);
	store_changes_clear(bv->apps); /* nothing else consumes them: let deleted rows go */
	board_mark_findings(bv);
	/* two triangles: critical; one: high (drift already owns "!") */
	char critical[16];
	snprintf(critical, sizeof critical, "%s%s", glyph(GLYPH_SORT_ASC), glyph(GLYPH_SORT_ASC));
	struct board_marks marks = {glyph(GLYPH_CHECK), glyph(GLYPH_ELLIPSIS), "*",
				    glyph(GLYPH_CROSS_MARK), "!"};
	store_sync(bv->cells, board_table_findings(bv->board, &marks, critical,
						   glyph(GLYPH_SORT_ASC)));
}

static void on_synced(void *ud, struct table *t)
{
	struct board_view *bv = ud;
	store_sync(bv->apps, t);
	console_changed(bv->view->console, bv->view, VIEW_BODY | VIEW_CHROME);
}

static void on_event(void *ud, enum kube_event_type type, const struct table *row,
		     const json_t *app)
{
	(void)app;
	struct board_view *bv = ud;
	store_apply_event(bv->apps, type == KUBE_EVENT_ADDED ? STORE_EVENT_ADDED
				    : type == KUBE_EVENT_MODIFIED ? STORE_EVENT_MODIFIED
								  : STORE_EVENT_DELETED, row);
	console_changed(bv->view->console, bv->view, VIEW_BODY | VIEW_CHROME);
}

static void on_state(void *ud, const struct kube_watch_status *st)
{
	struct board_view *bv = ud;
	store_set_state(bv->apps, st->state == KUBE_WATCH_CONNECTED ? STORE_CONN_CONNECTED
				  : st->state == KUBE_WATCH_RETRYING ? STORE_CONN_RETRYING
				  : st->state == KUBE_WATCH_FAILED   ? STORE_CONN_FAILED
								     : STORE_CONN_LISTING,
			st->error, st->next_attempt_ms);
	console_changed(bv->view->console, bv->view, VIEW_BODY | VIEW_CHROME);
}

static enum theme_element cell_style(void *ud, const struct rowview *rows, size_t row,
				     size_t col)
{
	struct board_view *bv = ud;
	const struct store_row *sr = rowview_row(rows, row);
	const struct board_row *br = sr ? board_find(bv->board, sr->r.name) : NULL;
	if (!br || col < 2 || col - 2 >= bv->board->nenvs)
		return THEME_ROW;
	const struct board_cell *c = &br->cells[col - 2];
	if (c->drift)
		return THEME_STATUS_WARN;
	switch (c->state) {
	case BOARD_OK:
		/* a healthy cell shows its findings' colour; trouble running comes first */
		return c->critical ? THEME_SEVERITY_CRITICAL
		       : c->high ? THEME_SEVERITY_HIGH : THEME_HEALTH_HEALTHY;
	case BOARD_PROGRESSING: return THEME_HEALTH_PROGRESSING;
	case BOARD_OUT_OF_SYNC: return THEME_SYNC_OUTOFSYNC;
	case BOARD_DEGRADED: return THEME_HEALTH_DEGRADED;
	default: return THEME_ROW;
	}
}

static void on_findings(void *ud, struct findings *set, const char *err, size_t failed)
{
	(void)err;
	(void)failed;   /* the marks are a hint: what could be read is shown */
	struct board_view *bv = ud;
	bv->fetch = NULL;
	if (bv->findings) {
		findings_free(bv->findings);
		free(bv->findings);
	}
	bv->findings = set;
	bv->findings_new = true;
	console_changed(bv->view->console, bv->view, VIEW_BODY);
}

static bool board_open(struct view *v, const struct view_args *a, char *err, size_t errlen)
{
	struct board_view *bv = v->priv;
	bv->view = v;
	bv->ac = console_argocd(v->console, err, errlen);
	if (!bv->ac)
		return false;
	bv->apps = store_new(NULL);
	bv->cells = store_new(NULL);
	bv->rows = rowview_new();
	rowview_add_store(bv->rows, bv->cells);
	bv->table = table_widget_new();
	table_widget_set_style(bv->table, cell_style, bv);
	table_widget_set_empty_text(bv->table, "Loading applications...");
	if (a->text && *a->text)
		rowview_set_filter(bv->rows, a->text, NULL, 0); /* a tenant's services */
	static const struct argocd_watch_callbacks cbs = {on_synced, on_event, on_state};
	bv->watch = argocd_watch_apps(bv->ac, &cbs, bv);
	bv->fetch = findings_console_fetch(v->console, NULL, on_findings, bv);
	return true;
}

static void board_close(struct view *v)
{
	struct board_view *bv = v->priv;
	argocd_watch_stop(bv->watch);
	findings_multi_cancel(bv->fetch);
	if (bv->findings) {
		findings_free(bv->findings);
		free(bv->findings);
	}
	table_widget_free(bv->table);
	rowview_free(bv->rows);
	store_free(bv->cells);
	store_free(bv->apps);
	board_free(bv->board);
}

static const char *board_section(const struct view *v)
{
	(void)v;
	return "board";
}

static void board_draw(struct view *v, WINDOW *win, bool full)
{
	struct board_view *bv = v->priv;
	if (store_synced(bv->apps))
		board_refresh(bv);
	rowview_update(bv->rows);
	if (store_synced(bv->apps) && rowview_count(bv->rows) == 0)
		table_widget_set_empty_text(bv->table, store_error(bv->apps)
					    ? store_error(bv->apps) : "No applications.");
	table_widget_draw(bv->table, win, bv->rows, full);
}

/* p on a service: the plan for its first step that differs, from the earliest healthy
 * environment whose version the next one does not run (uat -> pre when dev, sit and uat
 * run 0.9.14 and pre 0.9.12). */
static unsigned board_promote(struct board_view *bv)
{
	struct console *c = bv->view->console;
	const struct store_row *row = rowview_selected_row(bv->rows);
	const struct board_row *br = row ? board_find(bv->board, row->r.name) : NULL;
	if (!br) {
		console_flash(c, CHROME_FLASH_INFO, "nothing selected");
		return VIEW_CHROME;
	}
	for (size_t e = 0; e + 1 < bv->board->nenvs; e++) {
		const struct board_cell *a = &br->cells[e], *b = &br->cells[e + 1];
		if (a->state != BOARD_OK || !a->version || !b->app ||
		    (b->version && !strcmp(a->version, b->version)))
			continue;
		char envs[160];
		snprintf(envs, sizeof envs, "%s %s", bv->board->envs[e], bv->board->envs[e + 1]);
		struct view_args args = {.name = br->service, .text = envs};
		console_push(c, &promote_view_ops, &args);
		return VIEW_SAME;
	}
	console_flash(c, CHROME_FLASH_INFO, "%s: every environment runs what the one before it "
		      "runs (or is not healthy): :promote %s FROM TO to choose", br->service,
		      br->service);
	return VIEW_CHROME;
}

/* l on a service: the logs of its app in the current context's environment (else the
 * first environment that has one). */
static unsigned board_logs(struct board_view *bv)
{
	struct console *c = bv->view->console;
	const struct store_row *row = rowview_selected_row(bv->rows);
	const struct board_row *br = row ? board_find(bv->board, row->r.name) : NULL;
	const struct board_cell *cell = NULL;
	for (size_t e = 0; br && e < bv->board->nenvs; e++) {
		const struct board_cell *x = &br->cells[e];
		if (!x->app || !*x->app)
			continue;
		if (!cell)
			cell = x;
		if (x->cluster && !strcmp(x->cluster, console_context(c))) {
			cell = x;
			break;
		}
	}
	if (!cell) {
		console_flash(c, CHROME_FLASH_INFO, "no application to show the logs of");
		return VIEW_CHROME;
	}
	const char *contexts[] = {cell->cluster};
	struct view_args a = {.resource = "applications", .name = cell->app,
			      .contexts = contexts, .ncontexts = cell->cluster && *cell->cluster};
	console_push(c, &logs_view_ops, &a);
	return VIEW_SAME;
}

static unsigned board_request(struct view *v, enum request req, int key)
{
	(void)key;
	struct board_view *bv = v->priv;
	rowview_update(bv->rows);
	if (table_widget_request(bv->table, bv->rows, req, v->body_rows))
		return VIEW_BODY | VIEW_CHROME;
	if (req == REQ_BACK && *rowview_filter(bv->rows)) {
		rowview_set_filter(bv->rows, "", NULL, 0);
		return VIEW_FULL | VIEW_CHROME;
	}
	if (req == REQ_PROMOTE)
		return board_promote(bv);
	if (req == REQ_LOGS)
		return board_logs(bv);
	if (req != REQ_ENTER)
		return VIEW_UNHANDLED;
	const struct store_row *row = rowview_selected_row(bv->rows);
	if (row) {
		/* the service's apps, every environment */
		char *filter = xasprintf("^%s-", row->r.name);
		struct view_args a = {.text = filter};
		console_push(v->console, &apps_view_ops, &a);
		free(filter);
	}
	return VIEW_SAME;
}

static unsigned board_filter(struct view *v, const char *text)
{
	struct board_view *bv = v->priv;
	rowview_set_filter(bv->rows, text, NULL, 0);
	return VIEW_FULL | VIEW_CHROME;
}

static void board_status(const struct view *v, char *buf, size_t len)
{
	const struct board_view *bv = v->priv;
	const char *filter = rowview_filter(bv->rows);
	size_t shown = rowview_count(bv->rows), total = store_count(bv->cells);
	if (*filter)
		snprintf(buf, len, "/%s  %zu/%zu", filter, shown, total);
	else
		snprintf(buf, len, "%zu", total);
}

static const char *board_title(const struct view *v)
{
	(void)v;
	return "board";
}

const struct view_ops board_view_ops = {
	.name = "board",
	.private_size = sizeof(struct board_view),
	.open = board_open,
	.close = board_close,
	.keymap_section = board_section,
	.title = board_title,
	.status = board_status,
	.draw = board_draw,
	.request = board_request,
	.filter = board_filter,
};
