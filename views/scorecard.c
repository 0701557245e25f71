/* The DORA scorecard view (`:dora [--until TIME] [TENANT|SERVICE]`): per service (t: per
 * tenant, per environment) the five metrics' values and levels, twelve-week sparklines
 * when wide enough; Enter shows a row's card with the deployments and incidents behind
 * it. The sources are gathered as `opsdeck dora` does (Prometheus's alerts on the loop
 * first, then libgit2 on a worker); ctrl-s saves the cards as shown as the Markdown
 * `opsdeck dora -o md` prints. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clients/argocd.h"
#include "clients/dora_alerts.h"
#include "clients/dora_data.h"
#include "clients/prometheus.h"
#include "clients/prometheus_config.h"
#include "core/dora_thresholds.h"
#include "core/jobs.h"
#include "core/platform.h"
#include "core/xalloc.h"
#include "tui/sparkline.h"
#include "views/console.h"
#include "views/console_internal.h"
#include "views/dora_cmd.h"
#include "views/dora_gather.h"
#include "views/md_report.h"
#include "views/scorecard_model.h"
#include "views/view.h"

#define DAY 86400LL
/* Gathered once for the longest window (90d) and the sparklines (12 weeks). */
#define SCORECARD_SPAN (90 * DAY)

struct scorecard_job;

struct scorecard_view {
	struct view *view;
	char *name;                      /* `:dora NAME`, NULL for all */
	long long until;                 /* 0: now, at each gathering */
	bool fixed_until;
	long long window;
	enum dora_group_by by;
	char **envs;                     /* the platform's environments, promotion order */
	size_t nenvs, env;               /* env == nenvs: every environment */
	struct dora_thresholds thresholds;
	struct argocd_call *call;
	struct scorecard_job *job;       /* waiting for fetch, or on the worker */
	struct prom_config_owned prom_cfg;
	struct prom_client *prom;        /* NULL: Prometheus is not configured */
	struct dora_prom_fetch *fetch;   /* the alerts for job, before it is submitted */
	struct dora_data *data;          /* NULL until gathered */
	long long data_until;
	char *error;
	struct dora_report report, weeks;  /* the window; the last twelve weeks */
	bool computed;
	/* the rows: selection and scroll; the card: its group and scroll */
	size_t sel, top, drawn_sel;
	bool card;
	char *card_group;
	size_t card_top;
	bool saving;                     /* the prompt open is ctrl-s's path */
	char title[160];
};

struct scorecard_job {
	struct scorecard_view *sv;       /* NULL once the view closed */
	struct dora_git_source git;
	json_t *apps;
	char *pattern;
	long long git_since, timeline_since;
	struct dora_alerts alerts;       /* filled on the loop before the job is submitted */
	struct dora_data data;
	int rc;
	char err[512];
};

/* ---- gathering ------------------------------------------------------------------------------ */

static void job_free(struct scorecard_job *j)
{
	dora_git_source_clear(&j->git);
	json_decref(j->apps);
	free(j->pattern);
	dora_alerts_free(&j->alerts);
	dora_data_free(&j->data);
	free(j);
}

/* On a worker: the repository's history and the timeline, turned into DORA's inputs with
 * Prometheus's alert incidents as `opsdeck dora` adds them (timeline duplicates left out),
 * so the view and the batch count the same incidents. */
static void job_work(void *ud)
{
	struct scorecard_job *j = ud;
	struct gitops_history_commit *commits = NULL;
	size_t ncommits = 0;
	j->rc = dora_git_read(&j->git, j->git_since, &commits, &ncommits, j->err, sizeof j->err);
	if (j->rc < 0)
		return;
	struct timeline_list tl;
	char terr[256];
	dora_timeline_read(j->timeline_since, &tl, terr, sizeof terr);   /* optional */
	size_t nkept;
	struct timeline_entry *kept = dora_alerts_filter_timeline(
		&j->alerts, tl.items, tl.n, DORA_ALERTS_STEP_MS / 1000, &nkept);
	struct dora_sources src = {j->apps, commits, ncommits, j->pattern, kept, nkept};
	dora_data_build(&j->data, &src);
	dora_alerts_add(&j->data, &j->alerts);
	free(kept);
	timeline_list_free(&tl);
	gitops_history_free(commits, ncommits);
}

static void compute(struct scorecard_view *sv);

static void job_done(void *ud)
{
	struct scorecard_job *j = ud;
	struct scorecard_view *sv = j->sv;
	if (sv) {
		sv->job = NULL;
		if (j->rc < 0) {
			free(sv->error);
			sv->error = xstrdup(j->err);
			console_flash(sv->view->console, CHROME_FLASH_ERROR, "dora: %s", j->err);
		} else {
			if (sv->data) {
				dora_data_free(sv->data);
				free(sv->data);
			}
			sv->data = xmalloc(sizeof *sv->data);
			*sv->data = j->data;
			memset(&j->data, 0, sizeof j->data);
			compute(sv);
		}
		console_changed(sv->view->console, sv->view, VIEW_FULL | VIEW_CHROME);
	}
	job_free(j);
}

static void copy_envs(struct scorecard_view *sv, const struct platform *p)
{
	const char *keep = sv->env < sv->nenvs ? sv->envs[sv->env] : NULL;
	char *was = keep ? xstrdup(keep) : NULL;
	bool all = sv->nenvs && sv->env == sv->nenvs;
	for (size_t i = 0; i < sv->nenvs; i++)
		free(sv->envs[i]);
	free(sv->envs);
	sv->nenvs = p ? p->nenvs : 0;
	sv->envs = xcalloc(sv->nenvs ? sv->nenvs : 1, sizeof *sv->envs);
	for (size_t i = 0; i < sv->nenvs; i++)
		sv->envs[i] = xstrdup(p->envs[i].name);
	/* production is the last environment; keep the one chosen when it still exists */
	sv->env = sv->nenvs ? sv->nenvs - 1 : 0;
	for (size_t i = 0; was && i < sv->nenvs; i++)
		if (!strcmp(sv->envs[i], was))
			sv->env = i;
	if (all)
		sv->env = sv->nenvs;
	free(was);
}

/* Prometheus's answer: its incidents mapped with the platform (the loop's), then the
 * worker. Unreachable, a flash and DORA goes on without them, as the batch does. */
static void on_alerts(void *ud, const char *err, const struct prom_result *matrix,
		      long long last_ms)
{
	struct scorecard_view *sv = ud;
	struct console *c = sv->view->console;
	struct scorecard_job *j = sv->job;
	sv->fetch = NULL;
	if (err)
		console_flash(c, CHROME_FLASH_ERROR, "dora: Prometheus: %s", err);
	else
		dora_alerts_from_matrix(&j->alerts, console_platform(c), matrix,
					DORA_ALERTS_STEP_MS, last_ms);
	jobs_submit(console_jobs(c), job_work, job_done, j);
}

/* sv->job is ready: ask Prometheus first when configured, else submit it now. */
static void start_alerts(struct scorecard_view *sv, long long from, long long to)
{
	struct console *c = sv->view->console;
	if (sv->prom) {
		sv->fetch = dora_prom_fetch_start(sv->prom, from, to, on_alerts, sv);
		if (sv->fetch)
			return;
		console_flash(c, CHROME_FLASH_ERROR, "dora: Prometheus: cannot ask Prometheus at %s",
			      prom_client_url(sv->prom));
	}
	jobs_submit(console_jobs(c), job_work, job_done, sv->job);
}

static void on_apps(void *ud, const struct argocd_result *res, json_t *body)
{
	struct scorecard_view *sv = ud;
	struct console *c = sv->view->console;
	sv->call = NULL;
	if (!res->ok || !body) {
		free(sv->error);
		sv->error = xasprintf("Argo CD: %s", res->message ? res->message : "no answer");
		json_decref(body);
		console_changed(c, sv->view, VIEW_FULL | VIEW_CHROME);
		return;
	}
	console_platform_derive(c, body);
	const struct platform *p = console_platform(c);
	copy_envs(sv, p);
	struct scorecard_job *j = xcalloc(1, sizeof *j);
	if (dora_git_source_init(&j->git, p, j->err, sizeof j->err) < 0) {
		free(sv->error);
		sv->error = xstrdup(j->err);
		job_free(j);
		json_decref(body);
		console_changed(c, sv->view, VIEW_FULL | VIEW_CHROME);
		return;
	}
	/* the worker gets its own copy: jansson's reference counts are not thread-safe */
	j->apps = json_deep_copy(body);
	json_decref(body);
	j->pattern = p->gitops.path ? xstrdup(p->gitops.path) : NULL;
	sv->data_until = sv->fixed_until ? sv->until : (long long)time(NULL);
	long long from = sv->data_until - SCORECARD_SPAN;
	j->git_since = from - DORA_GIT_LOOKBACK;
	j->timeline_since = from - DORA_TIMELINE_LOOKBACK;
	j->sv = sv;
	sv->job = j;
	start_alerts(sv, from - DORA_TIMELINE_LOOKBACK, sv->data_until);
}

static void gather(struct scorecard_view *sv)
{
	char err[256];
	if (sv->call || sv->job)
		return;
	struct argocd_client *ac = console_argocd(sv->view->console, err, sizeof err);
	if (!ac) {
		free(sv->error);
		sv->error = xstrdup(err);
		return;
	}
	sv->call = argocd_list_apps(ac, on_apps, sv);
}

/* ---- the numbers ---------------------------------------------------------------------------- */

static const char *env_name(const struct scorecard_view *sv)
{
	if (sv->env < sv->nenvs)
		return sv->envs[sv->env];
	return sv->nenvs ? NULL : "prd";   /* no platform environments: the batch's default */
}

/* The same query `opsdeck dora` makes for this window, environment and filter. */
static struct dora_query query(const struct scorecard_view *sv, long long window)
{
	struct dora_query q = {.from = sv->data_until - window, .to = sv->data_until,
			       .by = sv->by, .env = env_name(sv)};
	if (sv->name && scorecard_name_is_tenant(sv->data, sv->name))
		q.tenant = sv->name;
	else
		q.service = sv->name;
	return q;
}

static void compute(struct scorecard_view *sv)
{
	if (sv->computed) {
		dora_report_free(&sv->report);
		dora_report_free(&sv->weeks);
		sv->computed = false;
	}
	if (!sv->data)
		return;
	const struct dora_data *d = sv->data;
	struct dora_query q = query(sv, sv->window);
	dora_compute(d->deploys, d->ndeploys, d->incidents, d->nincidents, &q, &sv->thresholds,
		     &sv->report);
	q = query(sv, SCORECARD_SPARK_WEEKS * DORA_WEEK);
	dora_compute(d->deploys, d->ndeploys, d->incidents, d->nincidents, &q, &sv->thresholds,
		     &sv->weeks);
	sv->computed = true;
	if (sv->sel >= sv->report.ncards)
		sv->sel = sv->report.ncards ? sv->report.ncards - 1 : 0;
	if (sv->card && !scorecard_find_card(&sv->report, sv->card_group))
		sv->card = false;   /* the group is not in this window or environment */
}

/* ---- drawing -------------------------------------------------------------------------------- */

static void fill_line(WINDOW *win, int y, int cols, attr_t attr)
{
	wattrset(win, (int)attr);
	mvwprintw(win, y, 0, "%*s", cols, "");
}

static void put_cut(WINDOW *win, int y, int x, int w, int cols, const char *text, attr_t attr)
{
	if (w <= 0 || x >= cols)
		return;
	if (x + w > cols)
		w = cols - x;
	wattrset(win, (int)attr);
	mvwaddnstr(win, y, x, text, w);
}

static void draw_row(struct scorecard_view *sv, WINDOW *win, const struct scorecard_layout *l,
		     int y, size_t k, int cols)
{
	const struct dora_card *c = &sv->report.cards[k];
	bool sel = k == sv->sel;
	attr_t row = theme_attr(sel ? THEME_ROW_SELECTED : THEME_ROW);
	fill_line(win, y, cols, row);
	put_cut(win, y, l->group_x, l->group_w, cols, c->group, row);
	if (l->tenant_w)
		put_cut(win, y, l->tenant_x, l->tenant_w, cols, c->tenant, row);
	char buf[64];
	if (l->deploys_w) {
		snprintf(buf, sizeof buf, "%zu", c->ndeploys);
		put_cut(win, y, l->deploys_x, l->deploys_w, cols, buf, row);
	}
	for (int m = 0; m < DORA_METRIC_COUNT; m++) {
		const struct dora_value *v = &c->metric[m];
		dora_format_value((enum dora_metric)m, v, buf, sizeof buf);
		put_cut(win, y, l->value_x[m], l->value_w[m], cols, buf, row);
		attr_t la = sel ? row : theme_attr(scorecard_level_element(v->level));
		put_cut(win, y, l->level_x[m], l->level_w, cols,
			scorecard_level_word(v->level, l->short_levels), la);
		if (l->spark_w && l->spark_x[m] + l->spark_w <= cols) {
			double w[SCORECARD_SPARK_WEEKS];
			scorecard_weekly(&sv->weeks, c->group, (enum dora_metric)m, w);
			sparkline_draw(win, y, l->spark_x[m], w, SCORECARD_SPARK_WEEKS, l->spark_w, row);
		}
	}
	wattrset(win, A_NORMAL);
}

static void draw_message(WINDOW *win, int rows, int cols, const char *text)
{
	for (int y = 1; y < rows; y++)
		fill_line(win, y, cols, theme_attr(THEME_ROW));
	put_cut(win, 1, 1, cols - 1, cols, text, theme_attr(THEME_ROW));
	wattrset(win, A_NORMAL);
}

static void draw_rows(struct scorecard_view *sv, WINDOW *win, bool full)
{
	int rows, cols;
	getmaxyx(win, rows, cols);
	struct scorecard_layout l;
	scorecard_layout_compute(&sv->report, sv->by, cols, &l);
	size_t page = rows > 1 ? (size_t)rows - 1 : 1, top = sv->top;
	if (sv->sel < top)
		top = sv->sel;
	else if (sv->sel >= top + page)
		top = sv->sel - page + 1;
	if (!full && top == sv->top && sv->computed) {
		/* a move: only the rows that were and are selected */
		if (sv->drawn_sel < sv->report.ncards && sv->drawn_sel != sv->sel)
			draw_row(sv, win, &l, 1 + (int)(sv->drawn_sel - top), sv->drawn_sel, cols);
		if (sv->sel < sv->report.ncards)
			draw_row(sv, win, &l, 1 + (int)(sv->sel - top), sv->sel, cols);
		sv->drawn_sel = sv->sel;
		return;
	}
	sv->top = top;
	char head[512];
	scorecard_header_text(&l, sv->by, head, sizeof head);
	fill_line(win, 0, cols, theme_attr(THEME_TABLE_HEADER));
	put_cut(win, 0, 0, cols, cols, head, theme_attr(THEME_TABLE_HEADER));
	if (!sv->computed || sv->report.ncards == 0) {
		draw_message(win, rows, cols, sv->error ? sv->error
			     : !sv->computed ? "Gathering deployments and incidents..."
			     : "No deployment or incident in this window and environment.");
		return;
	}
	for (int y = 1; y < rows; y++) {
		size_t k = top + (size_t)y - 1;
		if (k < sv->report.ncards)
			draw_row(sv, win, &l, y, k, cols);
		else
			fill_line(win, y, cols, theme_attr(THEME_ROW));
	}
	sv->drawn_sel = sv->sel;
	wattrset(win, A_NORMAL);
}

/* ---- the card ------------------------------------------------------------------------------- */

/* One line of a card: text, or a metric's line (value, level, sparkline) when metric >= 0. */
struct card_line {
	char *text;
	enum theme_element el;
	int metric;
};

struct card_lines {
	struct card_line *v;
	size_t n, cap;
};

static void add_line(struct card_lines *cl, enum theme_element el, int metric, char *text)
{
	cl->v = xgrow(cl->v, &cl->cap, cl->n + 1, sizeof *cl->v);
	cl->v[cl->n++] = (struct card_line){text, el, metric};
}

static void free_lines(struct card_lines *cl)
{
	for (size_t i = 0; i < cl->n; i++)
		free(cl->v[i].text);
	free(cl->v);
}

static void card_head(const struct scorecard_view *sv, const struct dora_card *c,
		      struct card_lines *cl)
{
	char until[32];
	time_t tt = (time_t)sv->data_until;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(until, sizeof until, "%Y-%m-%d %H:%M", &tm);
	add_line(cl, THEME_TITLE, -1, xasprintf(" %s%s%s%s  %s  %lld days to %s UTC", c->group,
		 *c->tenant ? " (tenant " : "", c->tenant, *c->tenant ? ")" : "",
		 env_name(sv) ? env_name(sv) : "all environments", sv->window / DAY, until));
	add_line(cl, THEME_ROW, -1, xasprintf(" %zu deployments, %zu failed, %zu rework; %zu "
		 "incidents, %zu open", c->ndeploys, c->nfailed, c->nrework, c->nincidents, c->nopen));
	add_line(cl, THEME_ROW, -1, xstrdup(""));
	for (int m = 0; m < DORA_METRIC_COUNT; m++) {
		add_line(cl, THEME_ROW, m, NULL);
		add_line(cl, THEME_TEXT_COMMENT, -1,
			 xasprintf("     %s", scorecard_metric_definition((enum dora_metric)m)));
	}
}

static void card_build(const struct scorecard_view *sv, struct card_lines *cl)
{
	const struct dora_card *c = scorecard_find_card(&sv->report, sv->card_group);
	memset(cl, 0, sizeof *cl);
	if (!c || !sv->data)
		return;
	card_head(sv, c, cl);
	char buf[512];
	add_line(cl, THEME_ROW, -1, xstrdup(""));
	add_line(cl, THEME_TITLE, -1, xasprintf(" Deployments behind the numbers (%zu; FAILED: "
		 "failed or blamed by an incident, REWORK: unplanned)", c->ndeploys));
	add_line(cl, THEME_TABLE_HEADER, -1, xasprintf(" %-16s  %-8s %-16s %-8s  %-13s  %s",
		 "TIME", "ENV", "SERVICE", "REVISION", "MARKS", "NOTE"));
	for (size_t i = 0; i < c->ndeploys; i++) {
		size_t d = c->deploys[i];
		scorecard_deploy_line(&sv->report, sv->data, d, buf, sizeof buf);
		add_line(cl, sv->report.deploy_failed[d] ? THEME_STATUS_ERROR
			 : sv->data->deploys[d].rework ? THEME_STATUS_WARN : THEME_ROW, -1,
			 xasprintf(" %s", buf));
	}
	add_line(cl, THEME_ROW, -1, xstrdup(""));
	add_line(cl, THEME_TITLE, -1, xasprintf(" Incidents (%zu, %zu open)", c->nincidents,
		 c->nopen));
	add_line(cl, THEME_TABLE_HEADER, -1, xasprintf(" %-16s  %-16s  %-8s %-16s %s", "START",
		 "RESTORED", "ENV", "SERVICE", "WHAT"));
	for (size_t i = 0; i < c->nincidents; i++) {
		scorecard_incident_line(sv->data, c->incidents[i], buf, sizeof buf);
		add_line(cl, THEME_ROW, -1, xasprintf(" %s", buf));
	}
}

static void draw_metric_line(const struct scorecard_view *sv, const struct dora_card *c,
			     WINDOW *win, int y, int m, int cols)
{
	char v[64], text[128];
	dora_format_value((enum dora_metric)m, &c->metric[m], v, sizeof v);
	snprintf(text, sizeof text, "   %-17s %-11s", dora_metric_title((enum dora_metric)m), v);
	put_cut(win, y, 0, cols, cols, text, theme_attr(THEME_ROW));
	int x = (int)strlen(text);
	const char *word = c->metric[m].level == DORA_LEVEL_NONE ? "n/a"
			   : scorecard_level_word(c->metric[m].level, false);
	put_cut(win, y, x, 7, cols, word, theme_attr(scorecard_level_element(c->metric[m].level)));
	x += 8;
	if (x + SCORECARD_SPARK_WEEKS + 12 <= cols) {
		double w[SCORECARD_SPARK_WEEKS];
		scorecard_weekly(&sv->weeks, c->group, (enum dora_metric)m, w);
		sparkline_draw(win, y, x, w, SCORECARD_SPARK_WEEKS, SCORECARD_SPARK_WEEKS,
			       theme_attr(THEME_ROW));
		put_cut(win, y, x + SCORECARD_SPARK_WEEKS + 1, 10, cols, "12 weeks",
			theme_attr(THEME_TEXT_COMMENT));
	}
}

static size_t card_draw(struct scorecard_view *sv, WINDOW *win)
{
	int rows, cols;
	getmaxyx(win, rows, cols);
	struct card_lines cl;
	card_build(sv, &cl);
	const struct dora_card *c = scorecard_find_card(&sv->report, sv->card_group);
	if (sv->card_top + 1 > cl.n)
		sv->card_top = cl.n ? cl.n - 1 : 0;
	for (int y = 0; y < rows; y++) {
		size_t i = sv->card_top + (size_t)y;
		fill_line(win, y, cols, theme_attr(THEME_ROW));
		if (i >= cl.n)
			continue;
		if (cl.v[i].metric >= 0 && c)
			draw_metric_line(sv, c, win, y, cl.v[i].metric, cols);
		else
			put_cut(win, y, 0, cols, cols, cl.v[i].text, theme_attr(cl.v[i].el));
	}
	wattrset(win, A_NORMAL);
	size_t n = cl.n;
	free_lines(&cl);
	return n;
}

/* ---- keys ----------------------------------------------------------------------------------- */

/* Motions: a new position from pos among n with a page of page; false when not a motion. */
static bool motion(enum request req, size_t n, size_t page, size_t *pos)
{
	size_t last = n ? n - 1 : 0, p = *pos, half = page / 2 ? page / 2 : 1;
	switch (req) {
	case REQ_MOVE_UP: p = p ? p - 1 : 0; break;
	case REQ_MOVE_DOWN: p = p < last ? p + 1 : last; break;
	case REQ_PAGE_UP: p = p > page ? p - page : 0; break;
	case REQ_PAGE_DOWN: p = p + page < last ? p + page : last; break;
	case REQ_HALF_PAGE_UP: p = p > half ? p - half : 0; break;
	case REQ_HALF_PAGE_DOWN: p = p + half < last ? p + half : last; break;
	case REQ_FIRST: p = 0; break;
	case REQ_LAST: p = last; break;
	default: return false;
	}
	*pos = p;
	return true;
}

static unsigned card_request(struct scorecard_view *sv, enum request req)
{
	if (req == REQ_BACK || req == REQ_ENTER) {
		sv->card = false;
		return VIEW_FULL | VIEW_CHROME;
	}
	struct card_lines cl;
	card_build(sv, &cl);
	size_t n = cl.n;
	free_lines(&cl);
	size_t page = sv->view->body_rows > 1 ? (size_t)sv->view->body_rows : 1;
	size_t last_top = n > page ? n - page : 0, top = sv->card_top;
	if (req == REQ_MOVE_DOWN || req == REQ_MOVE_UP || req == REQ_FIRST || req == REQ_LAST ||
	    req == REQ_PAGE_UP || req == REQ_PAGE_DOWN || req == REQ_HALF_PAGE_UP ||
	    req == REQ_HALF_PAGE_DOWN) {
		motion(req, last_top + 1, page, &top);
		if (top == sv->card_top)
			return VIEW_SAME;
		sv->card_top = top;
		return VIEW_FULL;
	}
	return VIEW_UNHANDLED;
}

static unsigned settings_changed(struct scorecard_view *sv, const char *what)
{
	compute(sv);
	sv->top = 0;
	console_flash(sv->view->console, CHROME_FLASH_INFO, "%s", what);
	return VIEW_FULL | VIEW_CHROME;
}

/* ---- ctrl-s: the cards as a Markdown report ------------------------------------------------- */

struct export_job {
	const struct scorecard_view *sv;
	struct dora_query q;
};

static void export_print(FILE *out, void *ud)
{
	const struct export_job *j = ud;
	dora_print(out, "md", &j->sv->report, &j->q, &j->sv->thresholds);
}

static unsigned export_save(struct scorecard_view *sv, const char *path)
{
	struct console *c = sv->view->console;
	if (!sv->computed) {
		console_flash(c, CHROME_FLASH_WARN, "dora: nothing gathered yet, nothing to save");
		return VIEW_CHROME;
	}
	struct export_job j = {sv, query(sv, sv->window)};
	char err[512];
	if (md_report_save(path, export_print, &j, err, sizeof err) < 0)
		console_flash(c, CHROME_FLASH_ERROR, "save failed: %s", err);
	else
		console_flash(c, CHROME_FLASH_INFO, "saved %zu rows to %s", sv->report.ncards, path);
	return VIEW_CHROME;
}

static unsigned export_ask(struct scorecard_view *sv)
{
	char *path = md_report_default_path("dora", sv->name, (long long)time(NULL));
	sv->saving = true;
	console_prompt_filter(sv->view->console, "save to: ", path);
	free(path);
	return VIEW_CHROME;
}

/* The prompt's answer: only ctrl-s asks, and its path acts once, on Enter. */
static unsigned sc_filter(struct view *v, const char *text)
{
	struct scorecard_view *sv = v->priv;
	if (!sv->saving || console_prompt_is_open(v->console))
		return VIEW_SAME;
	sv->saving = false;
	return text && *text ? export_save(sv, text) : VIEW_CHROME;
}

static unsigned sc_request(struct view *v, enum request req, int key)
{
	(void)key;
	struct scorecard_view *sv = v->priv;
	if (req == REQ_EXPORT)
		return export_ask(sv);   /* the cards, from the card too */
	if (sv->card)
		return card_request(sv, req);
	size_t page = v->body_rows > 2 ? (size_t)v->body_rows - 1 : 1;
	if (motion(req, sv->report.ncards, page, &sv->sel))
		return VIEW_BODY | VIEW_CHROME;
	static const char *const by_words[] = {"service", "tenant", "environment"};
	char what[64];
	switch (req) {
	case REQ_ENTER:
		if (!sv->computed || sv->sel >= sv->report.ncards)
			return VIEW_SAME;
		free(sv->card_group);
		sv->card_group = xstrdup(sv->report.cards[sv->sel].group);
		sv->card = true;
		sv->card_top = 0;
		return VIEW_FULL | VIEW_CHROME;
	case REQ_DORA_GROUP:
		sv->by = (enum dora_group_by)((sv->by + 1) % 3);
		sv->sel = 0;
		snprintf(what, sizeof what, "by %s", by_words[sv->by]);
		return settings_changed(sv, what);
	case REQ_DORA_WINDOW:
		sv->window = scorecard_next_window(sv->window);
		snprintf(what, sizeof what, "window: %lld days", sv->window / DAY);
		return settings_changed(sv, what);
	case REQ_DORA_ENV:
		sv->env = sv->nenvs ? (sv->env + 1) % (sv->nenvs + 1) : 0;
		snprintf(what, sizeof what, "environment: %s", env_name(sv) ? env_name(sv) : "all");
		return settings_changed(sv, what);
	default:
		return VIEW_UNHANDLED;
	}
}

/* ---- the view ------------------------------------------------------------------------------- */

/* Prometheus from the platform file's prometheus: section or the environment; a broken
 * section is flashed and DORA goes on without alerts. */
static void open_prom(struct scorecard_view *sv)
{
	struct console *c = sv->view->console;
	char err[512] = "";
	int rc = prom_config_resolve(c->opts->platform, &sv->prom_cfg, err, sizeof err);
	if (rc < 0)
		console_flash(c, CHROME_FLASH_ERROR, "dora: Prometheus: %s", err);
	if (rc != 0)
		return;
	struct prom_config pc = prom_config_view(&sv->prom_cfg);
	sv->prom = prom_client_new(c->http, &pc);
}

static bool sc_open(struct view *v, const struct view_args *a, char *err, size_t errlen)
{
	struct scorecard_view *sv = v->priv;
	sv->view = v;
	sv->window = 30 * DAY;
	const char *env_until = getenv("OPSDECK_DORA_UNTIL");
	if (env_until && *env_until) {
		sv->until = timeline_parse_time(env_until);
		if (sv->until < 0) {
			snprintf(err, errlen, "OPSDECK_DORA_UNTIL is not a time like 2026-11-20T16:00:00Z");
			return false;
		}
		sv->fixed_until = true;
	}
	long long until = sv->until;
	if (scorecard_parse_args(a->text, &sv->name, &until, err, errlen) < 0)
		return false;
	if (until != sv->until) {
		sv->until = until;
		sv->fixed_until = true;
	}
	if (dora_thresholds_load(NULL, &sv->thresholds, err, errlen) < 0) {
		dora_thresholds_clear(&sv->thresholds);
		free(sv->name);
		return false;
	}
	copy_envs(sv, console_platform(v->console));
	open_prom(sv);
	gather(sv);
	return true;
}

static void sc_close(struct view *v)
{
	struct scorecard_view *sv = v->priv;
	if (sv->call)
		argocd_call_cancel(sv->call);
	if (sv->fetch) {
		/* the job waits for the alerts: it was never submitted */
		dora_prom_fetch_cancel(sv->fetch);
		job_free(sv->job);
	} else if (sv->job) {
		sv->job->sv = NULL;   /* its done frees it */
	}
	prom_client_free(sv->prom);
	prom_config_clear(&sv->prom_cfg);
	if (sv->computed) {
		dora_report_free(&sv->report);
		dora_report_free(&sv->weeks);
	}
	if (sv->data) {
		dora_data_free(sv->data);
		free(sv->data);
	}
	for (size_t i = 0; i < sv->nenvs; i++)
		free(sv->envs[i]);
	free(sv->envs);
	dora_thresholds_clear(&sv->thresholds);
	free(sv->name);
	free(sv->error);
	free(sv->card_group);
}

static const char *sc_section(const struct view *v)
{
	(void)v;
	return "dora";
}

static const char *sc_title(const struct view *v)
{
	struct scorecard_view *sv = v->priv;
	static const char *const by_words[] = {"", " by tenant", " by environment"};
	if (sv->card)
		snprintf(sv->title, sizeof sv->title, "dora %s", sv->card_group);
	else
		snprintf(sv->title, sizeof sv->title, "dora%s%s%s", sv->name ? " " : "",
			 sv->name ? sv->name : "", by_words[sv->by]);
	return sv->title;
}

static void sc_status(const struct view *v, char *buf, size_t len)
{
	const struct scorecard_view *sv = v->priv;
	const char *env = env_name(sv) ? env_name(sv) : "all";
	if (sv->call || sv->job)
		snprintf(buf, len, "%s  %lldd  loading", env, sv->window / DAY);
	else
		snprintf(buf, len, "%s  %lldd  %zu/%zu", env, sv->window / DAY,
			 sv->report.ncards ? sv->sel + 1 : 0, sv->report.ncards);
}

static void sc_draw(struct view *v, WINDOW *win, bool full)
{
	struct scorecard_view *sv = v->priv;
	if (sv->card)
		card_draw(sv, win);
	else
		draw_rows(sv, win, full);
}

/* On top again: gather afresh when the data follows the clock. */
static unsigned sc_resume(struct view *v)
{
	struct scorecard_view *sv = v->priv;
	if (!sv->fixed_until)
		gather(sv);
	return VIEW_FULL | VIEW_CHROME;
}

const struct view_ops dora_view_ops = {
	.name = "dora",
	.private_size = sizeof(struct scorecard_view),
	.open = sc_open,
	.close = sc_close,
	.keymap_section = sc_section,
	.title = sc_title,
	.status = sc_status,
	.draw = sc_draw,
	.request = sc_request,
	.filter = sc_filter,
	.resume = sc_resume,
};
