/* The auditor's views: `:activity` (everything), `:auditlog` (opsdeck's own actions, the
 * chain verified), `:history` (Argo CD deployments of every app) and `:promotions` (the
 * GitOps repository's commits and trailers), the last 30 days newest first, from the same
 * model `opsdeck report audit` prints. Reading only: nothing here can change a thing. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clients/argocd.h"
#include "core/audit_report.h"
#include "core/jobs.h"
#include "core/rowview.h"
#include "core/store.h"
#include "core/strbuf.h"
#include "core/table.h"
#include "core/xalloc.h"
#include "tui/table_widget.h"
#include "views/audit_report_cmd.h"
#include "views/console.h"
#include "views/dora_gather.h"
#include "views/view.h"

#define AUDIT_VIEW_SPAN (30 * 86400LL)

/* when, who, what and where first: what fits 80 columns */
enum av_col { AV_TIME, AV_WHO, AV_WHAT, AV_TARGET, AV_ENV, AV_SOURCE, AV_CONTEXT, AV_DETAIL,
	      AV_NCOLS };

struct av_job;

struct audit_view {
	struct view *view;
	enum audit_source only;      /* AUDIT_SRC_ANY: every source */
	struct audit_report report;
	struct store *store;
	struct rowview *rows;
	struct table_widget *table;
	struct argocd_call *call;
	struct av_job *job;
	char *note;                  /* the chain's verdict, or what could not be read */
	unsigned pending;            /* sources still on their way */
};

/* The repository's history, read on a worker (libgit2 blocks). */
struct av_job {
	struct audit_view *av;       /* NULL once the view closed */
	struct dora_git_source git;
	char *pattern;
	long long since;
	struct gitops_history_commit *commits;
	size_t n;
	int rc;
	char err[512];
};

static bool wants(const struct audit_view *av, enum audit_source s)
{
	return av->only == AUDIT_SRC_ANY || av->only == s;
}

static void set_note(struct audit_view *av, const char *prefix, const char *text)
{
	free(av->note);
	av->note = xasprintf("%s%s", prefix, text);
}

/* A commit author "Name <email>" as its name: the table is narrow, the address is in
 * the report and in describe. Anything else is kept. */
static void short_who(const char *who, char *buf, size_t len)
{
	const char *lt = who ? strstr(who, " <") : NULL;
	if (lt && lt > who && who[strlen(who) - 1] == '>')
		snprintf(buf, len, "%.*s", (int)(lt - who), who);
	else
		snprintf(buf, len, "%s", who ? who : "");
}

/* The report as a table for the store; row ids are positions (rebuilt whole). */
static void rebuild(struct audit_view *av)
{
	static const char *const cols[] = {"Time", "Who", "What", "Target", "Env", "Source",
					   "Context", "Detail"};
	audit_report_sort(&av->report);
	struct table *t = table_new();
	for (size_t i = 0; i < AV_NCOLS; i++)
		table_add_column(t, cols[i], "string", "", i == AV_CONTEXT ? 1 : 0);
	for (size_t i = 0; i < av->report.n; i++) {
		const struct audit_row *r = &av->report.rows[i];
		char when[32], id[32];
		audit_report_time(r->time, when, sizeof when);
		snprintf(id, sizeof id, "%zu", i);
		char who[128];
		short_who(r->who, who, sizeof who);
		const char *cells[] = {when, who, r->what, r->target, r->env,
				       audit_source_name(r->source), r->context, r->detail};
		struct table_row *row = table_add_row(t);
		for (size_t c = 0; c < AV_NCOLS; c++)
			table_set_cell(row, c, cells[c]);
		table_set_identity(row, "", id, id);
	}
	store_sync(av->store, t);
	if (av->view)
		console_changed(av->view->console, av->view, VIEW_FULL | VIEW_CHROME);
}

static void job_free(struct av_job *j)
{
	dora_git_source_clear(&j->git);
	gitops_history_free(j->commits, j->n);
	free(j->pattern);
	free(j);
}

static void job_work(void *ud)
{
	struct av_job *j = ud;
	j->rc = dora_git_read(&j->git, j->since, &j->commits, &j->n, j->err, sizeof j->err);
}

static void job_done(void *ud)
{
	struct av_job *j = ud;
	struct audit_view *av = j->av;
	if (av) {
		av->job = NULL;
		av->pending--;
		if (j->rc < 0)
			console_flash(av->view->console, CHROME_FLASH_ERROR, "GitOps history: %s",
				      j->err);
		else
			audit_report_add_commits(&av->report, j->commits, j->n, j->pattern);
		rebuild(av);
	}
	job_free(j);
}

static void start_git(struct audit_view *av)
{
	struct console *c = av->view->console;
	const struct platform *p = console_platform(c);
	struct av_job *j = xcalloc(1, sizeof *j);
	if (dora_git_source_init(&j->git, p, j->err, sizeof j->err) < 0) {
		console_flash(c, CHROME_FLASH_ERROR, "GitOps history: %s", j->err);
		job_free(j);
		return;
	}
	if (!j->git.has_repo && av->only == AUDIT_SRC_GIT)
		set_note(av, "", "platform.yaml names no GitOps repository");
	j->pattern = p && p->gitops.path ? xstrdup(p->gitops.path) : NULL;
	j->since = av->report.since;
	j->av = av;
	av->job = j;
	av->pending++;
	jobs_submit(console_jobs(c), job_work, job_done, j);
}

static void on_apps(void *ud, const struct argocd_result *res, json_t *body)
{
	struct audit_view *av = ud;
	av->call = NULL;
	av->pending--;
	if (!res->ok || !body) {
		console_flash(av->view->console, CHROME_FLASH_ERROR, "Argo CD: %s",
			      res->message ? res->message : "no answer");
		json_decref(body);
		rebuild(av);
		return;
	}
	console_platform_derive(av->view->console, body);
	if (wants(av, AUDIT_SRC_ARGOCD))
		audit_report_add_argocd(&av->report, body);
	json_decref(body);
	if (wants(av, AUDIT_SRC_GIT))
		start_git(av);
	rebuild(av);
}

/* The local files: the audit log (its chain judged) and the timeline. */
static void read_local(struct audit_view *av)
{
	const char *audit_path = console_audit_path(av->view->console);
	char err[512] = "";
	if (wants(av, AUDIT_SRC_AUDIT) && audit_path) {
		if (audit_report_add_log(&av->report, audit_path, err, sizeof err) < 0)
			set_note(av, "", err);
		else if (av->report.chain.verdict != 0)
			set_note(av, "audit log chain BROKEN: ", av->report.chain.message);
		else if (av->only == AUDIT_SRC_AUDIT)
			set_note(av, "", "no actions recorded in the last 30 days; the chain is intact");
	}
	if (wants(av, AUDIT_SRC_TIMELINE)) {
		struct timeline_list tl;
		if (dora_timeline_read(av->report.since, &tl, err, sizeof err) == 0)
			audit_report_add_timeline(&av->report, tl.items, tl.n);
		timeline_list_free(&tl);
	}
}

static void gather(struct audit_view *av)
{
	struct console *c = av->view->console;
	read_local(av);
	if (wants(av, AUDIT_SRC_ARGOCD) || wants(av, AUDIT_SRC_GIT)) {
		char err[256] = "";
		struct argocd_client *ac = console_argocd(c, err, sizeof err);
		if (ac) {
			av->pending++;
			av->call = argocd_list_apps(ac, on_apps, av);
			if (!av->call)
				av->pending--;
		} else {
			console_flash(c, CHROME_FLASH_ERROR, "Argo CD: %s", err);
		}
	}
	rebuild(av);
}

static bool av_open_source(struct view *v, const struct view_args *a, enum audit_source only)
{
	struct audit_view *av = v->priv;
	av->view = v;
	av->only = only;
	audit_report_init(&av->report, (long long)time(NULL) - AUDIT_VIEW_SPAN);
	av->store = store_new(NULL);
	av->rows = rowview_new();
	rowview_add_store(av->rows, av->store);
	rowview_set_sort(av->rows, AV_TIME, true); /* newest first */
	av->table = table_widget_new();
	gather(av);
	if (a->text && *a->text)
		rowview_set_filter(av->rows, a->text, NULL, 0);
	if (av->note && av->report.chain.verdict != 0 && wants(av, AUDIT_SRC_AUDIT))
		console_flash(v->console, CHROME_FLASH_ERROR, "%s", av->note);
	return true;
}

static bool av_open_all(struct view *v, const struct view_args *a, char *err, size_t len)
{
	(void)err;
	(void)len;
	return av_open_source(v, a, AUDIT_SRC_ANY);
}

static bool av_open_log(struct view *v, const struct view_args *a, char *err, size_t len)
{
	(void)err;
	(void)len;
	return av_open_source(v, a, AUDIT_SRC_AUDIT);
}

static bool av_open_history(struct view *v, const struct view_args *a, char *err, size_t len)
{
	(void)err;
	(void)len;
	return av_open_source(v, a, AUDIT_SRC_ARGOCD);
}

static bool av_open_promotions(struct view *v, const struct view_args *a, char *err, size_t len)
{
	(void)err;
	(void)len;
	return av_open_source(v, a, AUDIT_SRC_GIT);
}

static void av_close(struct view *v)
{
	struct audit_view *av = v->priv;
	if (av->call)
		argocd_call_cancel(av->call);
	if (av->job)
		av->job->av = NULL;   /* the worker's result is dropped when it comes back */
	table_widget_free(av->table);
	rowview_free(av->rows);
	store_free(av->store);
	audit_report_free(&av->report);
	free(av->note);
}

static const char *av_title(const struct view *v)
{
	const struct audit_view *av = v->priv;
	switch (av->only) {
	case AUDIT_SRC_AUDIT:
		return "audit log";
	case AUDIT_SRC_ARGOCD:
		return "history";
	case AUDIT_SRC_GIT:
		return "promotions";
	default:
		return "activity";
	}
}

static void av_status(const struct view *v, char *buf, size_t len)
{
	struct audit_view *av = v->priv;
	const char *filter = rowview_filter(av->rows);
	size_t shown = rowview_count(av->rows), total = store_count(av->store);
	const char *chain = !wants(av, AUDIT_SRC_AUDIT) ? ""
			    : av->report.chain.verdict == 0 ? "chain intact  "
			    : av->report.chain.verdict == 1 ? "CHAIN BROKEN  " : "";
	if (shown != total)
		snprintf(buf, len, "%s/%s  %zu/%zu", chain, filter, shown, total);
	else
		snprintf(buf, len, "%s%s%zu", chain, av->pending ? "loading  " : "", total);
}

static void av_draw(struct view *v, WINDOW *win, bool full)
{
	struct audit_view *av = v->priv;
	rowview_update(av->rows);
	table_widget_set_empty_text(av->table, av->pending ? "Loading..."
					       : *rowview_filter(av->rows) ? "Nothing matches the filter"
					       : av->note ? av->note
					       : "Nothing recorded in the last 30 days");
	table_widget_draw(av->table, win, av->rows, full);
}

/* Enter: the selected row whole, for what the table cut. */
static unsigned open_record(struct audit_view *av)
{
	const struct store_row *sel = rowview_selected_row(av->rows);
	size_t i = sel ? (size_t)strtoul(sel->r.name, NULL, 10) : SIZE_MAX;
	if (i >= av->report.n) {
		console_flash(av->view->console, CHROME_FLASH_INFO, "nothing selected");
		return VIEW_CHROME;
	}
	const struct audit_row *r = &av->report.rows[i];
	char when[32];
	audit_report_time(r->time, when, sizeof when);
	const char *const label[] = {"Time", "Source", "Who", "What", "Context", "Target",
				     "Environment", "Detail"};
	const char *const value[] = {when, audit_source_name(r->source), r->who, r->what,
				     r->context, r->target, r->env, r->detail};
	struct strbuf sb = STRBUF_INIT;
	for (size_t k = 0; k < sizeof label / sizeof label[0]; k++) {
		strbuf_printf(&sb, "%-13s", label[k]);
		/* the detail's parts ("subject; Promoted-From: ci; ...") one a line */
		for (const char *p = value[k]; *p; p++) {
			if (p[0] == ';' && p[1] == ' ') {
				strbuf_printf(&sb, "\n%-13s", "");
				p++;
			} else {
				strbuf_append(&sb, p, 1);
			}
		}
		strbuf_puts(&sb, "\n");
	}
	struct view_args a = {.text = strbuf_str(&sb), .title = when};
	console_push(av->view->console, &text_view_ops, &a);
	strbuf_free(&sb);
	return VIEW_SAME;
}

static unsigned av_request(struct view *v, enum request req, int key)
{
	(void)key;
	struct audit_view *av = v->priv;
	rowview_update(av->rows);
	if (table_widget_request(av->table, av->rows, req, v->body_rows))
		return VIEW_BODY | VIEW_CHROME;
	switch (req) {
	case REQ_BACK:
		if (!*rowview_filter(av->rows))
			return VIEW_UNHANDLED;
		/* fall through */
	case REQ_CLEAR_FILTER:
		rowview_set_filter(av->rows, "", NULL, 0);
		return VIEW_FULL | VIEW_CHROME;
	case REQ_ENTER:
	case REQ_DESCRIBE:
		return open_record(av);
	case REQ_TOGGLE_WIDE:
		table_widget_set_wide(av->table, !table_widget_wide(av->table));
		return VIEW_FULL;
	case REQ_SORT_REVERSE:
		rowview_set_sort(av->rows, rowview_sort_column(av->rows),
				 !rowview_sort_reverse(av->rows));
		return VIEW_BODY;
	default:
		return VIEW_UNHANDLED;
	}
}

static unsigned av_filter(struct view *v, const char *text)
{
	struct audit_view *av = v->priv;
	char err[256] = "";
	rowview_set_filter(av->rows, text, err, sizeof err);
	if (err[0])
		console_flash(v->console, CHROME_FLASH_WARN, "%s", err);
	return VIEW_FULL | VIEW_CHROME;
}

const struct view_ops activity_view_ops = {
	.name = "activity",
	.private_size = sizeof(struct audit_view),
	.open = av_open_all,
	.close = av_close,
	.title = av_title,
	.status = av_status,
	.draw = av_draw,
	.request = av_request,
	.filter = av_filter,
};

const struct view_ops auditlog_view_ops = {
	.name = "auditlog",
	.private_size = sizeof(struct audit_view),
	.open = av_open_log,
	.close = av_close,
	.title = av_title,
	.status = av_status,
	.draw = av_draw,
	.request = av_request,
	.filter = av_filter,
};

const struct view_ops history_view_ops = {
	.name = "history",
	.private_size = sizeof(struct audit_view),
	.open = av_open_history,
	.close = av_close,
	.title = av_title,
	.status = av_status,
	.draw = av_draw,
	.request = av_request,
	.filter = av_filter,
};

const struct view_ops promotions_view_ops = {
	.name = "promotions",
	.private_size = sizeof(struct audit_view),
	.open = av_open_promotions,
	.close = av_close,
	.title = av_title,
	.status = av_status,
	.draw = av_draw,
	.request = av_request,
	.filter = av_filter,
};
