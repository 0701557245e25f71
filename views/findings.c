/* The findings view (`:findings [SERVICE|TENANT]`): security findings of every cluster of
 * the platform and of the scanners, one row per workload (or per service, environment,
 * cluster: t cycles) with counts by severity, worst first; f counts only what has a fix,
 * s one scanner's. Enter drills down to a workload's findings, then opens one as text;
 * ctrl-s saves the rows as shown as the Markdown `opsdeck findings -o md` prints. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/platform.h"
#include "core/rowview.h"
#include "core/sanitize.h"
#include "core/store.h"
#include "core/strbuf.h"
#include "core/xalloc.h"
#include "tui/table_widget.h"
#include "views/console.h"
#include "views/findings_fetch.h"
#include "views/findings_model.h"
#include "views/md_report.h"
#include "views/pager_view.h"
#include "views/view.h"

/* What the body shows: the workloads (or groups), or one workload's findings. */
enum findings_level { LEVEL_ROWS, LEVEL_ITEMS };

/* A table on screen: its rows and the widget that keeps its selection and scroll. */
struct findings_pane {
	struct store *store;
	struct rowview *rows;
	struct table_widget *table;
};

struct findings_view {
	struct view *view;
	struct findings_multi *fetch;
	struct findings *set;            /* NULL until the first answer */
	char *note;                      /* the clusters that could not be read */
	char *service;                   /* `:findings SERVICE`, NULL for all */
	char *tenant;                    /* `:findings TENANT`, NULL for all */
	int scanner;                     /* s cycles: a findings_scanner, or -1 for all */
	bool fixable;
	enum findings_group group;
	/* Enter on a group row: its workloads, the group and its key kept for Esc */
	enum findings_group drilled_group;
	char *drilled_key;
	enum findings_level level;
	char *workload_uid;              /* LEVEL_ITEMS: whose findings */
	struct findings_pane list, items;
	bool saving;                     /* the prompt open is ctrl-s's path, not a filter */
	char title[160];
};

static void pane_init(struct findings_pane *p, const char *empty)
{
	p->store = store_new(NULL);
	p->rows = rowview_new();
	rowview_add_store(p->rows, p->store);
	p->table = table_widget_new();
	table_widget_set_empty_text(p->table, empty);
}

static void pane_free(struct findings_pane *p)
{
	table_widget_free(p->table);
	rowview_free(p->rows);
	store_free(p->store);
}

static struct findings_pane *pane(struct findings_view *fv)
{
	return fv->level == LEVEL_ITEMS ? &fv->items : &fv->list;
}

/* ---- the rows ------------------------------------------------------------------------- */

/* The filter now: the service asked for, and a drilled group's key. */
static struct findings_filter current_filter(const struct findings_view *fv)
{
	struct findings_filter f = {.service = fv->service, .tenant = fv->tenant,
				    .fixable = fv->fixable,
				    .scanners = fv->scanner < 0 ? 0 : 1u << fv->scanner};
	if (fv->drilled_key && fv->group == FINDINGS_GROUP_NONE) {
		if (fv->drilled_group == FINDINGS_GROUP_SERVICE)
			f.service = fv->drilled_key;
		else if (fv->drilled_group == FINDINGS_GROUP_ENV)
			f.env = fv->drilled_key;
		else if (fv->drilled_group == FINDINGS_GROUP_CLUSTER)
			f.cluster = fv->drilled_key;
	}
	return f;
}

/* The model's order kept on screen: the rows sort by name (sort column -1), so each
 * name starts with its rank. */
static void keep_order(struct table *t)
{
	for (size_t i = 0; i < t->nrows; i++) {
		struct table_row *r = &t->rows[i];
		char *name = xasprintf("%06zu %s", i, r->name);
		char *uid = xstrdup(r->uid);
		table_set_identity(r, "", name, uid);
		free(name);
		free(uid);
	}
}

static void refill_list(struct findings_view *fv)
{
	struct findings_filter f = current_filter(fv);
	struct findings_rows rows;
	findings_rows_build(fv->set, &f, fv->group, &rows);
	struct table *t = findings_rows_table_screen(&rows);
	findings_rows_free(&rows);
	keep_order(t);
	store_sync(fv->list.store, t);
	table_widget_set_empty_text(fv->list.table, !fv->set ? "Reading the findings..."
					: fv->note ? fv->note
					: fv->fixable ? "No finding with a fix." : "No findings.");
}

static bool refill_items(struct findings_view *fv)
{
	const struct finding_workload *w = findings_workload_by_uid(fv->set, fv->workload_uid);
	if (!w)
		return false;
	struct findings_filter f = current_filter(fv);
	struct table *t = findings_items_table_filtered(w, &f);
	keep_order(t);
	store_sync(fv->items.store, t);
	table_widget_set_empty_text(fv->items.table, fv->fixable ? "No finding with a fix."
					 : "No findings listed (only counts were reported).");
	return true;
}

static void refill(struct findings_view *fv)
{
	refill_list(fv);
	if (fv->level == LEVEL_ITEMS && !refill_items(fv))
		fv->level = LEVEL_ROWS;   /* the workload went away */
	console_changed(fv->view->console, fv->view, VIEW_FULL | VIEW_CHROME);
}

static void on_findings(void *ud, struct findings *set, const char *err, size_t failed)
{
	struct findings_view *fv = ud;
	(void)failed;
	fv->fetch = NULL;
	if (fv->set) {
		findings_free(fv->set);
		free(fv->set);
	}
	fv->set = set;
	free(fv->note);
	fv->note = err ? xasprintf("Not everything could be read: %s", err) : NULL;
	if (err)
		console_flash(fv->view->console, CHROME_FLASH_WARN, "findings: %s", err);
	refill(fv);
}

static void fetch(struct findings_view *fv)
{
	if (!fv->fetch)
		fv->fetch = findings_console_fetch_all(fv->view->console, on_findings, fv);
}

/* ---- the view --------------------------------------------------------------------------- */

static enum theme_element severity_element(enum finding_severity s)
{
	switch (s) {
	case FINDING_CRITICAL: return THEME_SEVERITY_CRITICAL;
	case FINDING_HIGH: return THEME_SEVERITY_HIGH;
	case FINDING_MEDIUM: return THEME_SEVERITY_MEDIUM;
	case FINDING_LOW: return THEME_SEVERITY_LOW;
	default: return THEME_SEVERITY_UNKNOWN;
	}
}

/* Count columns in their severity's colour when not zero; the items' Severity column. */
static enum theme_element cell_style(void *ud, const struct rowview *rv, size_t row, size_t col)
{
	(void)ud;
	const char *name = rowview_column_name(rv, col);
	const char *cell = rowview_cell(rv, row, col);
	if (!name || !cell)
		return THEME_ROW;
	if (!strcmp(name, "Severity"))
		return severity_element(finding_severity_parse(cell));
	static const char *const counts[] = {"Critical", "High", "Medium", "Low"};
	static const enum finding_severity sev[] = {FINDING_CRITICAL, FINDING_HIGH,
						    FINDING_MEDIUM, FINDING_LOW};
	for (size_t i = 0; i < 4; i++)
		if (!strcmp(name, counts[i]))
			return strcmp(cell, "0") ? severity_element(sev[i]) : THEME_ROW;
	return THEME_ROW;
}

static bool findings_open(struct view *v, const struct view_args *a, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	struct findings_view *fv = v->priv;
	fv->view = v;
	/* a tenant's name (not also a service's) filters to the tenant's services */
	const struct platform *p = console_platform(v->console);
	const char *arg = a->text && *a->text ? a->text : NULL;
	if (arg && p && platform_tenant_find(p, arg) && !platform_service_find(p, arg))
		fv->tenant = xstrdup(arg);
	else
		fv->service = arg ? xstrdup(arg) : NULL;
	fv->scanner = -1;
	pane_init(&fv->list, "Reading the findings...");
	pane_init(&fv->items, "");
	table_widget_set_style(fv->list.table, cell_style, fv);
	table_widget_set_style(fv->items.table, cell_style, fv);
	fetch(fv);
	return true;
}

static void findings_close(struct view *v)
{
	struct findings_view *fv = v->priv;
	findings_multi_cancel(fv->fetch);
	if (fv->set) {
		findings_free(fv->set);
		free(fv->set);
	}
	pane_free(&fv->list);
	pane_free(&fv->items);
	free(fv->note);
	free(fv->service);
	free(fv->tenant);
	free(fv->drilled_key);
	free(fv->workload_uid);
}

static const char *findings_section(const struct view *v)
{
	(void)v;
	return "findings";
}

static const char *findings_title(const struct view *v)
{
	struct findings_view *fv = v->priv;
	if (fv->level == LEVEL_ITEMS) {
		const struct finding_workload *w = findings_workload_by_uid(fv->set, fv->workload_uid);
		snprintf(fv->title, sizeof fv->title, "findings %s/%s", w ? w->kind : "?",
			 w ? w->name : "?");
	} else {
		const char *key = fv->drilled_key && fv->group == FINDINGS_GROUP_NONE
				  ? fv->drilled_key : fv->service ? fv->service : fv->tenant;
		snprintf(fv->title, sizeof fv->title, "findings%s%s%s%s%s%s", key ? " " : "",
			 key ? key : "", fv->group != FINDINGS_GROUP_NONE ? " by " : "",
			 fv->group != FINDINGS_GROUP_NONE ? findings_group_name(fv->group) : "",
			 fv->scanner >= 0 ? " from " : "",
			 fv->scanner >= 0 ? findings_scanner_name((enum findings_scanner)fv->scanner)
			 : "");
	}
	return fv->title;
}

static void findings_status(const struct view *v, char *buf, size_t len)
{
	struct findings_view *fv = v->priv;
	struct findings_pane *p = pane(fv);
	const char *filter = rowview_filter(p->rows);
	snprintf(buf, len, "%s%s%s%s%zu/%zu", fv->fixable ? "fixable  " : "", *filter ? "/" : "",
		 filter, *filter ? "  " : "", rowview_count(p->rows), store_count(p->store));
}

static void findings_draw(struct view *v, WINDOW *win, bool full)
{
	struct findings_view *fv = v->priv;
	struct findings_pane *p = pane(fv);
	rowview_update(p->rows);
	table_widget_draw(p->table, win, p->rows, full);
}

/* ---- ctrl-s: the rows as a Markdown report ---------------------------------------------- */

/* What the rows cover, as `opsdeck findings` names it in the report's title. */
static char *export_scope(const struct findings_view *fv)
{
	struct findings_filter f = current_filter(fv);
	return xstrdup(f.service ? f.service : f.tenant ? f.tenant : f.env ? f.env
		       : f.cluster ? f.cluster : "all");
}

/* The title `opsdeck findings -o md` gives the same filter and grouping (UTC day). */
static char *export_title(const struct findings_view *fv)
{
	struct findings_filter f = current_filter(fv);
	struct strbuf sb = STRBUF_INIT;
	const char *words[] = {"tenant", "service", "environment", "cluster"};
	const char *vals[] = {f.tenant, f.service, f.env, f.cluster};
	strbuf_puts(&sb, "Security findings:");
	size_t start = sb.len;
	for (size_t i = 0; i < 4; i++)
		if (vals[i] && *vals[i])
			strbuf_printf(&sb, "%s %s %s", sb.len > start ? "," : "", words[i], vals[i]);
	if (sb.len == start)
		strbuf_puts(&sb, " every service");
	if (f.scanners) {
		char *src = findings_scanners_text(f.scanners);
		strbuf_printf(&sb, ", from %s", src);
		free(src);
	}
	if (f.fixable)
		strbuf_puts(&sb, ", with a fix only");
	if (fv->group != FINDINGS_GROUP_NONE)
		strbuf_printf(&sb, ", by %s", findings_group_name(fv->group));
	/* the batch has no `/`: a report cut by one says so */
	if (*rowview_filter(fv->list.rows))
		strbuf_printf(&sb, ", rows matching /%s", rowview_filter(fv->list.rows));
	time_t now = time(NULL);
	struct tm tm;
	char day[16];
	gmtime_r(&now, &tm);
	strftime(day, sizeof day, "%Y-%m-%d", &tm);
	strbuf_printf(&sb, " (%s)", day);
	return strbuf_detach(&sb);
}

/* With a `/` filter, only the rows it shows: each screen row's name starts with its rank
 * in rows (keep_order). The others move to the end, past r->n, still owned by r. */
static void keep_shown(struct findings_view *fv, struct findings_rows *r, size_t *shown)
{
	*shown = r->n;
	if (!*rowview_filter(fv->list.rows))
		return;
	rowview_update(fv->list.rows);
	bool *keep = xcalloc(r->n ? r->n : 1, sizeof *keep);
	for (size_t i = 0; i < rowview_count(fv->list.rows); i++) {
		size_t k = strtoul(rowview_row(fv->list.rows, i)->r.name, NULL, 10);
		if (k < r->n)
			keep[k] = true;
	}
	struct findings_row *v = xcalloc(r->n ? r->n : 1, sizeof *v);
	size_t front = 0, back = r->n;
	for (size_t i = 0; i < r->n; i++)
		v[keep[i] ? front++ : --back] = r->v[i];
	memcpy(r->v, v, r->n * sizeof *v);
	*shown = front;
	free(v);
	free(keep);
}

struct export_job {
	const struct table *t;
	const char *title;
};

static void export_print(FILE *out, void *ud)
{
	const struct export_job *j = ud;
	findings_print_md(out, j->t, j->title);
}

/* The table of the level on screen: the rows, or the drilled workload's findings. */
static struct table *export_table(struct findings_view *fv, char **title)
{
	struct findings_filter f = current_filter(fv);
	if (fv->level == LEVEL_ITEMS) {
		const struct finding_workload *w = findings_workload_by_uid(fv->set,
									     fv->workload_uid);
		if (!w)
			return NULL;
		*title = xasprintf("Security findings of %s/%s in %s/%s", w->kind, w->name,
				   w->cluster ? w->cluster : "", w->namespace ? w->namespace : "");
		return findings_items_table_filtered(w, &f);
	}
	struct findings_rows rows;
	findings_rows_build(fv->set, &f, fv->group, &rows);
	size_t all = rows.n;
	keep_shown(fv, &rows, &rows.n);
	struct table *t = findings_rows_table(&rows);
	rows.n = all;
	findings_rows_free(&rows);
	*title = export_title(fv);
	return t;
}

static unsigned export_save(struct findings_view *fv, const char *path)
{
	struct console *c = fv->view->console;
	char *title = NULL;
	struct table *t = fv->set ? export_table(fv, &title) : NULL;
	if (!t) {
		console_flash(c, CHROME_FLASH_WARN, "no findings read yet: nothing to save");
		free(title);
		return VIEW_CHROME;
	}
	struct export_job j = {t, title};
	char err[512];
	if (md_report_save(path, export_print, &j, err, sizeof err) < 0)
		console_flash(c, CHROME_FLASH_ERROR, "save failed: %s", err);
	else
		console_flash(c, CHROME_FLASH_INFO, "saved %zu rows to %s", t->nrows, path);
	table_free(t);
	free(title);
	return VIEW_CHROME;
}

static unsigned export_ask(struct findings_view *fv)
{
	char *scope = export_scope(fv);
	char *path = md_report_default_path("findings", scope, (long long)time(NULL));
	fv->saving = true;
	console_prompt_filter(fv->view->console, "save to: ", path);
	free(path);
	free(scope);
	return VIEW_CHROME;
}

/* ---- keys ------------------------------------------------------------------------------- */

static unsigned open_item(struct findings_view *fv)
{
	const struct store_row *r = rowview_selected_row(fv->items.rows);
	const struct finding_workload *w = findings_workload_by_uid(fv->set, fv->workload_uid);
	size_t i = r ? strtoul(r->r.uid, NULL, 10) : 0;
	if (!r || !w || i >= w->n)
		return VIEW_SAME;
	char *text = findings_item_text(w, &w->items[i]);
	char *clean = sanitize_cstr(text, SANITIZE_KEEP_NEWLINE);
	struct view_args a = {.text = clean, .title = w->items[i].id ? w->items[i].id : "finding"};
	console_push(fv->view->console, &text_view_ops, &a);
	free(clean);
	free(text);
	return VIEW_SAME;
}

static unsigned enter(struct findings_view *fv)
{
	if (fv->level == LEVEL_ITEMS)
		return open_item(fv);
	const struct store_row *r = rowview_selected_row(fv->list.rows);
	if (!r)
		return VIEW_SAME;
	if (fv->group != FINDINGS_GROUP_NONE) {
		/* a group: its workloads */
		free(fv->drilled_key);
		fv->drilled_key = xstrdup(r->r.uid + 2);   /* "g:KEY" */
		fv->drilled_group = fv->group;
		fv->group = FINDINGS_GROUP_NONE;
		refill(fv);
		return VIEW_FULL | VIEW_CHROME;
	}
	free(fv->workload_uid);
	fv->workload_uid = xstrdup(r->r.uid);
	fv->level = LEVEL_ITEMS;
	rowview_set_filter(fv->items.rows, "", NULL, 0);
	rowview_select(fv->items.rows, 0);
	if (!refill_items(fv))
		fv->level = LEVEL_ROWS;
	return VIEW_FULL | VIEW_CHROME;
}

/* Esc: the filter first, then out of a workload, then back to the groups. */
static unsigned back(struct findings_view *fv)
{
	struct findings_pane *p = pane(fv);
	if (*rowview_filter(p->rows)) {
		rowview_set_filter(p->rows, "", NULL, 0);
		return VIEW_FULL | VIEW_CHROME;
	}
	if (fv->level == LEVEL_ITEMS) {
		fv->level = LEVEL_ROWS;
		return VIEW_FULL | VIEW_CHROME;
	}
	if (fv->drilled_key) {
		free(fv->drilled_key);
		fv->drilled_key = NULL;
		fv->group = fv->drilled_group;
		refill(fv);
		return VIEW_FULL | VIEW_CHROME;
	}
	return VIEW_UNHANDLED;
}

static unsigned findings_request(struct view *v, enum request req, int key)
{
	(void)key;
	struct findings_view *fv = v->priv;
	struct findings_pane *p = pane(fv);
	rowview_update(p->rows);
	if (table_widget_request(p->table, p->rows, req, v->body_rows))
		return VIEW_BODY | VIEW_CHROME;
	switch (req) {
	case REQ_ENTER: return enter(fv);
	case REQ_BACK: return back(fv);
	case REQ_CLEAR_FILTER:
		rowview_set_filter(p->rows, "", NULL, 0);
		return VIEW_FULL | VIEW_CHROME;
	case REQ_FINDINGS_FIXABLE:
		fv->fixable = !fv->fixable;
		console_flash(v->console, CHROME_FLASH_INFO, fv->fixable
			      ? "counting only findings with a fix" : "counting every finding");
		refill(fv);
		return VIEW_FULL | VIEW_CHROME;
	case REQ_FINDINGS_SOURCE:
		fv->scanner = fv->scanner + 1 >= FINDINGS_SCANNER_COUNT ? -1 : fv->scanner + 1;
		console_flash(v->console, CHROME_FLASH_INFO, "findings from %s", fv->scanner < 0
			      ? "every scanner"
			      : findings_scanner_name((enum findings_scanner)fv->scanner));
		rowview_select(pane(fv)->rows, 0);
		refill(fv);
		return VIEW_FULL | VIEW_CHROME;
	case REQ_FINDINGS_GROUP:
		if (fv->level == LEVEL_ITEMS)
			return VIEW_SAME;
		free(fv->drilled_key);
		fv->drilled_key = NULL;
		fv->group = (enum findings_group)((fv->group + 1) % FINDINGS_GROUP_COUNT);
		rowview_select(fv->list.rows, 0);
		refill(fv);
		return VIEW_FULL | VIEW_CHROME;
	case REQ_TOGGLE_WIDE:
		table_widget_set_wide(p->table, !table_widget_wide(p->table));
		return VIEW_FULL;
	case REQ_EXPORT:
		return export_ask(fv);
	default:
		return VIEW_UNHANDLED;
	}
}

static unsigned findings_filter(struct view *v, const char *text)
{
	struct findings_view *fv = v->priv;
	if (fv->saving) {
		/* the path acts once, on Enter; Esc (an empty text) saves nothing */
		if (console_prompt_is_open(v->console))
			return VIEW_SAME;
		fv->saving = false;
		return text && *text ? export_save(fv, text) : VIEW_CHROME;
	}
	char err[256] = "";
	rowview_set_filter(pane(fv)->rows, text, err, sizeof err);
	if (err[0])
		console_flash(v->console, CHROME_FLASH_WARN, "%s", err);
	return VIEW_FULL | VIEW_CHROME;
}

/* On top again: read the findings afresh (a scan may have run meanwhile). */
static unsigned findings_resume(struct view *v)
{
	fetch(v->priv);
	return VIEW_FULL | VIEW_CHROME;
}

const struct view_ops findings_view_ops = {
	.name = "findings",
	.private_size = sizeof(struct findings_view),
	.open = findings_open,
	.close = findings_close,
	.keymap_section = findings_section,
	.title = findings_title,
	.status = findings_status,
	.draw = findings_draw,
	.request = findings_request,
	.filter = findings_filter,
	.resume = findings_resume,
};
