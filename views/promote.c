/* The promotion view: the plan for moving a service from one environment to a later one
 * (versions, gates, the source's commits, the file diff), built in a worker thread; p or
 * Enter lands it through the gate (commit, push, refresh, sync), the view then follows
 * the target app until it runs the new version Healthy, or says it degraded; b reverts
 * what was landed. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clients/argocd.h"
#include "clients/promote.h"
#include "core/jobs.h"
#include "core/sanitize.h"
#include "core/strbuf.h"
#include "core/xalloc.h"
#include "views/console.h"
#include "views/findings_fetch.h"
#include "views/findings_model.h"
#include "views/pager_view.h"
#include "views/promote_text.h"

/* One blocking step in a worker thread; view NULL once the view has closed. */
struct promote_job {
	struct promote_view *view;     /* touched on the loop thread only */
	const struct gitops_remote *remote;   /* what the worker uses: outlives it */
	const struct gitops_identity *who;
	enum { JOB_PLAN, JOB_APPLY, JOB_REVERT } what;
	const struct platform *platform;
	json_t *apps;
	struct promote_plan plan;      /* JOB_PLAN: filled; JOB_APPLY: a copy is not needed */
	const struct promote_plan *apply_plan;
	struct action a;               /* JOB_APPLY/REVERT: for console_action_done */
	char *service, *from, *to;
	char sha[41], commit[41];
	int rc;
	char err[512];
};

struct promote_view {
	struct pager_view pv;          /* first: the pager views' ops read it */
	struct view *view;
	struct argocd_client *ac;
	struct promote_remote remote;
	struct promote_who who;
	char *service, *from, *to;
	struct promote_plan plan;
	bool planned;
	char *status;                  /* the lines under the plan: landing, following */
	char landed[41];               /* the promotion commit, once landed */
	const char *want_tag;          /* what the target must run to have landed */
	struct promote_job *job;       /* in flight */
	struct argocd_call *call;
	struct argocd_watch *watch;
	bool following;
	/* the NO_CRITICAL gate: the source environment's findings, read beside the plan */
	struct findings_multi *findings;
	bool findings_read;
	long critical;                 /* -1: could not be read (findings_err) */
	char *findings_err;
};

static void render(struct promote_view *pv)
{
	struct strbuf sb = STRBUF_INIT;
	if (pv->status)
		strbuf_puts(&sb, pv->status);
	if (pv->planned)
		promote_text_plan(&sb, &pv->plan);
	char *clean = sanitize_cstr(strbuf_str(&sb), SANITIZE_KEEP_NEWLINE);
	pager_set_text(pv->pv.pager, clean);
	free(clean);
	strbuf_free(&sb);
	console_changed(pv->view->console, pv->view, VIEW_FULL | VIEW_CHROME);
}

static void set_status(struct promote_view *pv, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void set_status(struct promote_view *pv, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char line[512];
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	free(pv->status);
	pv->status = xasprintf("%s\n\n", line);
	render(pv);
}

/* ---- worker jobs ---------------------------------------------------------------------- */

/* In the worker thread: only the job's own fields (never the view, which the loop
 * thread may close meanwhile). */
static void job_work(void *ud)
{
	struct promote_job *j = ud;
	switch (j->what) {
	case JOB_PLAN:
		j->rc = promote_plan_build(j->platform, j->apps, j->remote, j->service, j->from,
					   j->to, (long long)time(NULL), &j->plan, j->err,
					   sizeof j->err);
		break;
	case JOB_APPLY:
		j->rc = promote_apply(j->apply_plan, j->remote, j->who, j->sha, j->err,
				      sizeof j->err);
		break;
	case JOB_REVERT:
		j->rc = promote_revert(j->remote, j->who, j->commit, j->sha, j->err,
				       sizeof j->err);
		break;
	}
}

static void job_free(struct promote_job *j)
{
	json_decref(j->apps);
	promote_plan_clear(&j->plan);
	free(j->service);
	free(j->from);
	free(j->to);
	free((char *)j->a.target.name);
	free((char *)j->a.target.context);
	free((char *)j->a.detail);
	free((char *)j->a.parameters);
	free(j);
}

static void start_following(struct promote_view *pv);

/* The gate once both the plan and the findings are there. */
static void gate_findings(struct promote_view *pv)
{
	if (!pv->planned || !pv->findings_read)
		return;
	promote_plan_gate_findings(&pv->plan, console_platform(pv->view->console), pv->critical,
				   pv->findings_err);
}

static void plan_status(struct promote_view *pv)
{
	gate_findings(pv);
	set_status(pv, !pv->findings_read ? "Reading the findings of %s in %s for the gates..."
		   : pv->plan.blocked ? "Blocked: a gate below is not met."
		   : "Press p (or Enter) to promote, Esc to leave it.", pv->service, pv->from);
}

static void on_findings(void *ud, struct findings *set, const char *err, size_t failed)
{
	struct promote_view *pv = ud;
	pv->findings = NULL;
	pv->findings_read = true;
	unsigned counts[FINDING_SEVERITY_COUNT];
	findings_service_counts(set, pv->service, pv->from, counts);
	/* a cluster that answered nothing cannot vouch for the version */
	pv->critical = failed ? -1 : (long)counts[FINDING_CRITICAL];
	pv->findings_err = err ? xstrdup(err) : NULL;
	findings_free(set);
	free(set);
	if (pv->planned)
		plan_status(pv);
}

static void on_synced_app(void *ud, const struct argocd_result *res, json_t *body)
{
	struct promote_view *pv = ud;
	pv->call = NULL;
	json_decref(body);
	if (!res->ok) {
		set_status(pv, "Committed %.7s, but the sync of %s failed: %s", pv->landed,
			   pv->plan.to_app, res->message ? res->message : "?");
		return;
	}
	set_status(pv, "Committed %.7s; syncing %s...", pv->landed, pv->plan.to_app);
	start_following(pv);
}

static void on_refreshed(void *ud, const struct argocd_result *res, json_t *body)
{
	struct promote_view *pv = ud;
	(void)res;
	json_decref(body);
	struct argocd_sync_options o = {0};
	pv->call = argocd_sync(pv->ac, pv->plan.to_app, &o, on_synced_app, pv);
}

static void job_done(void *ud)
{
	struct promote_job *j = ud;
	struct promote_view *pv = j->view;
	if (!pv) {
		job_free(j);
		return;
	}
	pv->job = NULL;
	struct console *c = pv->view->console;
	if (j->what == JOB_PLAN) {
		if (j->rc == 0) {
			pv->plan = j->plan;
			memset(&j->plan, 0, sizeof j->plan);
			pv->planned = true;
			plan_status(pv);
		} else {
			set_status(pv, "No plan: %s", j->err);
		}
	} else {
		bool ok = j->rc == 0 && j->sha[0];
		console_action_done(c, &j->a, ok, j->rc ? j->err : ok ? NULL : j->err);
		if (ok) {
			snprintf(pv->landed, sizeof pv->landed, "%s", j->sha);
			set_status(pv, "Committed %.7s; refreshing %s...", j->sha, pv->plan.to_app);
			pv->call = argocd_refresh(pv->ac, pv->plan.to_app, false, on_refreshed, pv);
		} else {
			set_status(pv, "Nothing landed: %s", j->err);
		}
	}
	job_free(j);
}

static void submit(struct promote_view *pv, struct promote_job *j)
{
	j->view = pv;
	j->remote = &pv->remote.r;
	j->who = &pv->who.id;
	pv->job = j;
	jobs_submit(console_jobs(pv->view->console), job_work, job_done, j);
}

/* ---- following the target app ----------------------------------------------------------- */

static void on_synced(void *ud, struct table *t)
{
	(void)ud;
	table_free(t);
}

static void on_event(void *ud, enum kube_event_type type, const struct table *row,
		     const json_t *app)
{
	(void)type;
	(void)row;
	struct promote_view *pv = ud;
	const char *name = json_string_value(json_object_get(json_object_get(app, "metadata"),
							      "name"));
	if (!pv->following || !name || strcmp(name, pv->plan.to_app) != 0)
		return;
	const json_t *st = json_object_get(app, "status");
	const char *health = json_string_value(json_object_get(json_object_get(st, "health"), "status"));
	const char *sync = json_string_value(json_object_get(json_object_get(st, "sync"), "status"));
	char *running = promote_app_version(app, pv->plan.image, pv->service);
	bool there = running && pv->want_tag && !strcmp(running, pv->want_tag);
	struct console *c = pv->view->console;
	if (there && health && !strcmp(health, "Healthy") && sync && !strcmp(sync, "Synced")) {
		set_status(pv, "Landed: %s runs %s, Synced and Healthy (commit %.7s).",
			   pv->plan.to_app, pv->want_tag, pv->landed);
		console_flash(c, CHROME_FLASH_INFO, "%s runs %s, Healthy", pv->plan.to_app, pv->want_tag);
		pv->following = false;
	} else if (there && health && !strcmp(health, "Degraded")) {
		set_status(pv, "Degraded: %s runs %s but is not healthy. Press b to revert %.7s.",
			   pv->plan.to_app, pv->want_tag, pv->landed);
		console_flash(c, CHROME_FLASH_ERROR, "%s is Degraded on %s: b reverts the promotion",
			      pv->plan.to_app, pv->want_tag);
	} else {
		set_status(pv, "Committed %.7s; %s runs %s, %s, %s...", pv->landed, pv->plan.to_app,
			   running && *running ? running : "?", sync ? sync : "?",
			   health ? health : "?");
	}
	free(running);
}

static void start_following(struct promote_view *pv)
{
	pv->following = true;
	if (!pv->watch) {
		static const struct argocd_watch_callbacks cbs = {on_synced, on_event, NULL};
		pv->watch = argocd_watch_apps(pv->ac, &cbs, pv);
	}
}

/* ---- actions ---------------------------------------------------------------------------- */

static void perform(void *ud, struct console *c, const struct action *a)
{
	(void)c;
	struct promote_view *pv = ud;
	struct promote_job *j = xcalloc(1, sizeof(*j));
	j->what = a->kind == ACTION_PROMOTE ? JOB_APPLY : JOB_REVERT;
	j->apply_plan = &pv->plan;
	j->a = *a;
	j->a.target.name = xstrdup(a->target.name);
	j->a.target.context = xstrdup(a->target.context ? a->target.context : "");
	j->a.target.cluster = j->a.target.context;
	j->a.target.namespace = NULL;
	j->a.target.kind = "Application"; /* a's strings die with the dialog */
	j->a.detail = a->detail ? xstrdup(a->detail) : NULL;
	j->a.parameters = a->parameters ? xstrdup(a->parameters) : NULL;
	snprintf(j->commit, sizeof j->commit, "%s", pv->landed);
	/* a revert lands when the target runs again what it ran before the promotion */
	pv->want_tag = j->what == JOB_APPLY ? pv->plan.tag : pv->plan.to_version;
	set_status(pv, j->what == JOB_APPLY ? "Committing and pushing..." : "Reverting %.7s...",
		   pv->landed);
	submit(pv, j);
}

static void no_release(void *ud)
{
	(void)ud; /* the view owns what perform uses */
}

static unsigned confirm(struct promote_view *pv, enum action_kind kind)
{
	struct console *c = pv->view->console;
	if (pv->job) {
		console_flash(c, CHROME_FLASH_INFO, "busy: wait for the step in progress");
		return VIEW_CHROME;
	}
	if (kind == ACTION_PROMOTE && pv->planned && !pv->findings_read) {
		console_flash(c, CHROME_FLASH_INFO, "reading the findings for the gates: a moment");
		return VIEW_CHROME;
	}
	if (!pv->planned || (kind == ACTION_PROMOTE && pv->plan.blocked)) {
		const struct promote_gate *g = NULL;
		for (int i = 0; pv->planned && !g && i < PROMOTE_GATE_COUNT; i++)
			g = pv->plan.gates[i].ok ? NULL : &pv->plan.gates[i];
		if (g)
			console_flash(c, CHROME_FLASH_WARN, "blocked: %s: %s", g->name,
				      g->detail ? g->detail : "");
		else
			console_flash(c, CHROME_FLASH_WARN, pv->planned ? "blocked: see the gates"
				      : "no plan yet");
		return VIEW_CHROME;
	}
	if (kind == ACTION_REVERT && !pv->landed[0]) {
		console_flash(c, CHROME_FLASH_INFO, "nothing landed here to revert");
		return VIEW_CHROME;
	}
	char detail[128];
	json_t *params;
	if (kind == ACTION_PROMOTE) {
		snprintf(detail, sizeof detail, "to %s (%s)", pv->plan.to_env, pv->plan.tag);
		params = json_pack("{s:s,s:s,s:s,s:s}", "service", pv->service, "from",
				   pv->plan.from_env, "to", pv->plan.to_env, "tag", pv->plan.tag);
	} else {
		snprintf(detail, sizeof detail, "(promotion %.7s)", pv->landed);
		params = json_pack("{s:s,s:s}", "service", pv->service, "revert", pv->landed);
	}
	char *ptext = json_dumps(params, JSON_COMPACT);
	json_decref(params);
	struct action a = {.kind = kind, .detail = detail, .parameters = ptext};
	a.target = (struct action_target){.context = pv->plan.to_cluster,
					  .cluster = pv->plan.to_cluster, .kind = "Application",
					  .name = pv->plan.to_app};
	a.typed = pv->plan.protection == PLATFORM_PROTECT_TYPED;
	if (pv->plan.protection == PLATFORM_PROTECT_READONLY)
		a.refused = "the environment is read-only (platform.yaml)";
	struct console_performer p = {.perform = perform, .release = no_release, .ud = pv};
	console_confirm(c, &a, &p);
	free(ptext);
	return VIEW_CHROME;
}

/* ---- the view ---------------------------------------------------------------------------- */

static void on_apps(void *ud, const struct argocd_result *res, json_t *body)
{
	struct promote_view *pv = ud;
	pv->call = NULL;
	if (!res->ok || !body) {
		set_status(pv, "No plan: %s", res->message ? res->message : "no answer from Argo CD");
		json_decref(body);
		return;
	}
	struct promote_job *j = xcalloc(1, sizeof(*j));
	j->what = JOB_PLAN;
	j->platform = console_platform(pv->view->console);
	j->apps = body;
	j->service = xstrdup(pv->service);
	j->from = xstrdup(pv->from);
	j->to = xstrdup(pv->to);
	set_status(pv, "Planning: fetching the GitOps repository...");
	submit(pv, j);
}

static bool promote_open(struct view *v, const struct view_args *a, char *err, size_t errlen)
{
	struct promote_view *pv = v->priv;
	pv->view = v;
	char from[64] = "", to[64] = "";
	if (!a->name || !a->text || sscanf(a->text, "%63s %63s", from, to) != 2) {
		snprintf(err, errlen, "promote needs a service and two environments (\"uat pre\")");
		return false;
	}
	pv->ac = console_argocd(v->console, err, errlen);
	if (!pv->ac)
		return false;
	if (promote_remote_init(&pv->remote, console_platform(v->console), err, errlen) < 0)
		return false;
	promote_who_init(&pv->who);
	pv->service = xstrdup(a->name);
	pv->from = xstrdup(from);
	pv->to = xstrdup(to);
	char *title = xasprintf("promote %s %s>%s", a->name, from, to);
	pager_view_init(&pv->pv, PAGER_DIFF, "promote", title, NULL);
	free(title);
	set_status(pv, "Planning: reading the applications...");
	pv->call = argocd_list_apps(pv->ac, on_apps, pv);
	const struct platform_env *fe = platform_env_find(console_platform(v->console), from);
	pv->findings = findings_console_fetch(v->console, fe ? fe->cluster : NULL, on_findings, pv);
	return true;
}

static void promote_close(struct view *v)
{
	struct promote_view *pv = v->priv;
	if (pv->job)
		pv->job->view = NULL; /* it finishes on its own and frees itself */
	if (pv->call)
		argocd_call_cancel(pv->call);
	argocd_watch_stop(pv->watch);
	findings_multi_cancel(pv->findings);
	free(pv->findings_err);
	/* a job still running reads remote, who and plan: they must outlive it, so a view
	 * closed mid-step leaks them rather than free them under the worker */
	if (!pv->job) {
		promote_plan_clear(&pv->plan);
		promote_remote_clear(&pv->remote);
		promote_who_clear(&pv->who);
	}
	free(pv->service);
	free(pv->from);
	free(pv->to);
	free(pv->status);
	pager_view_close(v);
}

static unsigned promote_request(struct view *v, enum request req, int key)
{
	struct promote_view *pv = v->priv;
	switch (req) {
	case REQ_PROMOTE:
	case REQ_ENTER:
		return confirm(pv, ACTION_PROMOTE);
	case REQ_ROLLBACK:
		return confirm(pv, ACTION_REVERT);
	default:
		return pager_view_request(v, req, key);
	}
}

const struct view_ops promote_view_ops = {
	.name = "promote",
	.private_size = sizeof(struct promote_view),
	.open = promote_open,
	.close = promote_close,
	.keymap_section = pager_view_section,
	.title = pager_view_title,
	.status = pager_view_status,
	.header = pager_view_header,
	.draw = pager_view_draw,
	.request = promote_request,
	.filter = pager_view_filter,
};
