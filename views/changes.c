/* The changes view (`c` in triage): an app's last syncs, newest first, with revision,
 * time, author and commit message; Enter (or d) shows the GitOps repository's diff
 * between the previous entry's revision and the selected one (libgit2 in a worker job)
 * in the diff pager; b rolls back through the gate. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "clients/argocd.h"
#include "clients/gitops.h"
#include "clients/promote.h"
#include "core/jobs.h"
#include "core/rowview.h"
#include "core/sanitize.h"
#include "core/store.h"
#include "core/xalloc.h"
#include "tui/table_widget.h"
#include "views/app_actions.h"
#include "views/console.h"
#include "views/pager_view.h"
#include "views/triage_model.h"

enum ch_col { CH_ID, CH_REVISION, CH_DEPLOYED, CH_AUTHOR, CH_MESSAGE, CH_NCOLS };

struct changes_job;

struct changes_view {
	struct view *view;
	struct argocd_client *ac;
	char *name, *cluster, *title;
	json_t *app, *metadata;
	struct argocd_call *app_call, *meta_call;
	char *meta_revision;
	struct triage_change *changes;
	size_t nchanges;
	struct store *store;
	struct rowview *rows;
	struct table_widget *table;
	struct changes_job *job;
	struct subjects_job *subjects_job;
	json_t *subjects;              /* revision -> the GitOps commit's subject */
};

/* The commit subjects of the history's revisions, read from the GitOps repository
 * itself (Argo CD's revision metadata may be a summary, not the commit). */
struct subjects_job {
	struct changes_view *view;     /* NULL once the view closed */
	struct promote_remote remote;
	char **revs;
	char **subjects;               /* NULL where unknown */
	size_t n;
};

/* A diff in a worker: owns everything it touches, as the view may close meanwhile. */
struct changes_job {
	struct changes_view *view;     /* NULL once the view closed; loop thread only */
	struct promote_remote remote;
	char *from, *to, *path, *title;
	char *text;
	int rc;
	char err[512];
};

/* ---- the list -------------------------------------------------------------------------- */

static void ch_fill(struct changes_view *cv)
{
	triage_changes_free(cv->changes, cv->nchanges);
	cv->nchanges = triage_changes(cv->app, cv->metadata, &cv->changes);
	for (size_t i = 0; i < cv->nchanges; i++) {
		const char *subject = json_string_value(json_object_get(cv->subjects,
									  cv->changes[i].revision));
		if (subject) {
			free(cv->changes[i].message);
			cv->changes[i].message = xstrdup(subject);
		}
	}
	static const char *const cols[] = {"ID", "Revision", "Deployed", "Author", "Message"};
	struct table *t = table_new();
	for (size_t i = 0; i < CH_NCOLS; i++)
		table_add_column(t, cols[i], "string", "", 0);
	for (size_t i = 0; i < cv->nchanges; i++) {
		const struct triage_change *c = &cv->changes[i];
		char id[32], rev[8], key[32], when[20], who[64];
		snprintf(id, sizeof id, "%ld", c->id);
		snprintf(rev, sizeof rev, "%.7s", c->revision);
		snprintf(key, sizeof key, "%zu", i);
		/* at 80 columns the message is what matters: "2026-11-23 15:31" (UTC, sorts
		 * as the full time does) and the author's name without the address */
		snprintf(when, sizeof when, "%.16s", c->deployed_at ? c->deployed_at : "");
		if (when[10] == 'T')
			when[10] = ' ';
		const char *author = c->author ? c->author : "";
		size_t name_len = strcspn(author, "<");
		while (name_len && author[name_len - 1] == ' ')
			name_len--;
		snprintf(who, sizeof who, "%.*s", (int)name_len, author);
		struct table_row *r = table_add_row(t);
		const char *cells[] = {id, rev, when, who, c->message};
		for (size_t k = 0; k < CH_NCOLS; k++)
			table_set_cell(r, k, cells[k]);
		table_set_identity(r, "", key, key);
	}
	store_sync(cv->store, t);
	console_changed(cv->view->console, cv->view, VIEW_FULL | VIEW_CHROME);
}

static void fetch_next_metadata(struct changes_view *cv);
static void subjects_fetch(struct changes_view *cv);

static void on_metadata(void *ud, const struct argocd_result *res, json_t *body)
{
	struct changes_view *cv = ud;
	cv->meta_call = NULL;
	json_object_set_new(cv->metadata, cv->meta_revision,
			    res->ok && body ? json_incref(body) : json_object());
	json_decref(body);
	ch_fill(cv);
	fetch_next_metadata(cv);
}

/* Commit messages and authors, one revision at a time, as the app view does. */
static void fetch_next_metadata(struct changes_view *cv)
{
	if (cv->meta_call || !cv->app || argocd_client_core_mode(cv->ac))
		return;
	for (size_t i = 0; i < cv->nchanges; i++) {
		const char *rev = cv->changes[i].revision;
		if (!*rev || json_object_get(cv->metadata, rev))
			continue;
		free(cv->meta_revision);
		cv->meta_revision = xstrdup(rev);
		cv->meta_call = argocd_revision_metadata(cv->ac, cv->name, rev, on_metadata, cv);
		return;
	}
}

static void on_app(void *ud, const struct argocd_result *res, json_t *body)
{
	struct changes_view *cv = ud;
	cv->app_call = NULL;
	if (!res->ok || !body) {
		table_widget_set_empty_text(cv->table, res->message ? res->message : "no answer");
		json_decref(body);
		console_changed(cv->view->console, cv->view, VIEW_FULL);
		return;
	}
	json_decref(cv->app);
	cv->app = body;
	table_widget_set_empty_text(cv->table, "No history: the app was never synced.");
	ch_fill(cv);
	fetch_next_metadata(cv);
	subjects_fetch(cv);
}

/* ---- commit subjects from the repository ------------------------------------------------ */

enum { CHANGES_SUBJECTS_MAX = 20 };

static void subjects_work(void *ud)
{
	struct subjects_job *j = ud;
	for (size_t i = 0; i < j->n; i++) {
		struct promote_commit_info ci = {0};
		char err[256];
		if (promote_commit_info(&j->remote.r, j->revs[i], &ci, err, sizeof err) == 0 &&
		    ci.subject)
			j->subjects[i] = sanitize_cstr(ci.subject, 0);
		promote_commit_info_clear(&ci);
	}
}

static void subjects_free(struct subjects_job *j)
{
	for (size_t i = 0; i < j->n; i++) {
		free(j->revs[i]);
		free(j->subjects[i]);
	}
	free(j->revs);
	free(j->subjects);
	promote_remote_clear(&j->remote);
	free(j);
}

static void subjects_done(void *ud)
{
	struct subjects_job *j = ud;
	struct changes_view *cv = j->view;
	if (cv) {
		cv->subjects_job = NULL;
		for (size_t i = 0; i < j->n; i++)
			if (j->subjects[i])
				json_object_set_new(cv->subjects, j->revs[i], json_string(j->subjects[i]));
		ch_fill(cv);
	}
	subjects_free(j);
}

/* Once, when the history first arrives; quietly nothing without a GitOps repository. */
static void subjects_fetch(struct changes_view *cv)
{
	if (cv->subjects_job || json_object_size(cv->subjects) || !cv->nchanges)
		return;
	struct subjects_job *j = xcalloc(1, sizeof(*j));
	char err[256];
	if (promote_remote_init(&j->remote, console_platform(cv->view->console), err,
				sizeof err) < 0) {
		subjects_free(j);
		return;
	}
	size_t n = cv->nchanges < CHANGES_SUBJECTS_MAX ? cv->nchanges : CHANGES_SUBJECTS_MAX;
	j->revs = xcalloc(n, sizeof(char *));
	j->subjects = xcalloc(n, sizeof(char *));
	for (size_t i = 0; i < n; i++)
		if (*cv->changes[i].revision)
			j->revs[j->n++] = xstrdup(cv->changes[i].revision);
	j->view = cv;
	cv->subjects_job = j;
	jobs_submit(console_jobs(cv->view->console), subjects_work, subjects_done, j);
}

/* ---- the diff ---------------------------------------------------------------------------- */

/* The clone is shared with promotions: the same flock as clients/promote.c. */
static int clone_lock(const char *cache_dir)
{
	char *path = xasprintf("%s.lock", cache_dir);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	free(path);
	if (fd >= 0 && flock(fd, LOCK_EX) < 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

static void job_work(void *ud)
{
	struct changes_job *j = ud;
	int fd = clone_lock(j->remote.r.cache_dir);
	if (fd < 0) {
		snprintf(j->err, sizeof j->err, "cannot lock the clone: %s", strerror(errno));
		j->rc = -1;
		return;
	}
	j->rc = gitops_sync(&j->remote.r, NULL, j->err, sizeof j->err);
	if (j->rc == 0)
		j->rc = gitops_diff(&j->remote.r, j->from, j->to, j->path, &j->text, j->err,
				    sizeof j->err);
	close(fd);
}

static void job_free(struct changes_job *j)
{
	promote_remote_clear(&j->remote);
	free(j->from);
	free(j->to);
	free(j->path);
	free(j->title);
	free(j->text);
	free(j);
}

static bool diff_open(struct view *v, const struct view_args *a, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	struct pager_view *pv = v->priv;
	pager_view_init(pv, PAGER_DIFF, "app-diff", a->title, NULL);
	pager_set_text(pv->pager, a->text ? a->text : "");
	return true;
}

/* The diff text in the diff pager (search, n/N). */
static const struct view_ops changes_diff_view_ops = {
	.name = "changes-diff",
	.private_size = sizeof(struct pager_view),
	.open = diff_open,
	.close = pager_view_close,
	PAGER_VIEW_SHARED_OPS,
};

static void job_done(void *ud)
{
	struct changes_job *j = ud;
	struct changes_view *cv = j->view;
	if (cv) {
		cv->job = NULL;
		if (j->rc < 0) {
			console_flash(cv->view->console, CHROME_FLASH_ERROR, "%s", j->err);
		} else {
			struct view_args a = {.title = j->title,
					      .text = *j->text ? j->text : "(no difference)\n"};
			console_push(cv->view->console, &changes_diff_view_ops, &a);
		}
	}
	job_free(j);
}

static unsigned show_diff(struct changes_view *cv)
{
	size_t i = rowview_selected(cv->rows);
	const struct store_row *row = rowview_selected_row(cv->rows);
	if (!row || cv->job)
		return VIEW_SAME;
	const struct triage_change *c = &cv->changes[strtoul(rowview_row(cv->rows, i)->r.name, NULL, 10)];
	struct changes_job *j = xcalloc(1, sizeof(*j));
	char err[512] = "";
	if (promote_remote_init(&j->remote, console_platform(cv->view->console), err, sizeof err) < 0) {
		console_flash(cv->view->console, CHROME_FLASH_ERROR, "%s", err);
		job_free(j);
		return VIEW_CHROME;
	}
	j->view = cv;
	j->from = xstrdup(c->previous_revision);
	j->to = xstrdup(c->revision);
	j->path = xstrdup(c->path);
	j->title = xasprintf("%s %.7s diff", cv->name, c->revision);
	cv->job = j;
	jobs_submit(console_jobs(cv->view->console), job_work, job_done, j);
	console_flash(cv->view->console, CHROME_FLASH_INFO, "reading the GitOps repository...");
	return VIEW_CHROME;
}

/* ---- the view ------------------------------------------------------------------------------ */

static bool ch_open(struct view *v, const struct view_args *a, char *err, size_t errlen)
{
	struct changes_view *cv = v->priv;
	cv->view = v;
	if (!a->name) {
		snprintf(err, errlen, "no application named");
		return false;
	}
	cv->ac = console_argocd(v->console, err, errlen);
	if (!cv->ac)
		return false;
	cv->name = xstrdup(a->name);
	cv->cluster = a->ncontexts && a->contexts[0] ? xstrdup(a->contexts[0]) : NULL;
	cv->title = xasprintf("%s changes", a->name);
	cv->metadata = json_object();
	cv->subjects = json_object();
	cv->store = store_new(NULL);
	cv->rows = rowview_new();
	rowview_add_store(cv->rows, cv->store);
	rowview_set_sort(cv->rows, CH_DEPLOYED, true); /* newest first */
	cv->table = table_widget_new();
	table_widget_set_empty_text(cv->table, "Loading the history...");
	cv->app_call = argocd_get_app(cv->ac, cv->name, on_app, cv);
	return true;
}

static void ch_close(struct view *v)
{
	struct changes_view *cv = v->priv;
	if (cv->job)
		cv->job->view = NULL; /* it finishes on its own and frees itself */
	if (cv->subjects_job)
		cv->subjects_job->view = NULL;
	if (cv->app_call)
		argocd_call_cancel(cv->app_call);
	if (cv->meta_call)
		argocd_call_cancel(cv->meta_call);
	triage_changes_free(cv->changes, cv->nchanges);
	json_decref(cv->app);
	json_decref(cv->metadata);
	json_decref(cv->subjects);
	table_widget_free(cv->table);
	rowview_free(cv->rows);
	store_free(cv->store);
	free(cv->name);
	free(cv->cluster);
	free(cv->title);
	free(cv->meta_revision);
}

static const char *ch_section(const struct view *v)
{
	(void)v;
	return "changes";
}

static const char *ch_title(const struct view *v)
{
	const struct changes_view *cv = v->priv;
	return cv->title;
}

static void ch_status(const struct view *v, char *buf, size_t len)
{
	struct changes_view *cv = v->priv;
	snprintf(buf, len, "%zu syncs", cv->nchanges);
}

static void ch_draw(struct view *v, WINDOW *win, bool full)
{
	struct changes_view *cv = v->priv;
	rowview_update(cv->rows);
	table_widget_draw(cv->table, win, cv->rows, full);
}

static unsigned ch_request(struct view *v, enum request req, int key)
{
	(void)key;
	struct changes_view *cv = v->priv;
	rowview_update(cv->rows);
	if (table_widget_request(cv->table, cv->rows, req, v->body_rows))
		return VIEW_BODY | VIEW_CHROME;
	switch (req) {
	case REQ_ENTER:
	case REQ_DIFF:
		return show_diff(cv);
	case REQ_ROLLBACK: {
		const json_t *md = json_object_get(cv->app, "metadata");
		struct app_target t = {
			.name = cv->name,
			.namespace = json_string_value(json_object_get(md, "namespace")),
			.cluster = cv->cluster,
			.rollback_id = triage_rollback_id(cv->app),
		};
		return app_action_request(v->console, cv->ac, &t, req);
	}
	default:
		return VIEW_UNHANDLED;
	}
}

const struct view_ops changes_view_ops = {
	.name = "changes",
	.private_size = sizeof(struct changes_view),
	.open = ch_open,
	.close = ch_close,
	.keymap_section = ch_section,
	.title = ch_title,
	.status = ch_status,
	.draw = ch_draw,
	.request = ch_request,
};
