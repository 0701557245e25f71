/* Argo CD actions through the gate (views/app_actions.h). */
#include "views/app_actions.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "views/view.h"

/* An action on its way: what the performer needs, alive until the answer. */
struct app_action {
	struct console *console;
	struct argocd_client *ac;
	struct action a;                 /* strings below are owned */
	char *name, *namespace, *cluster, *detail, *parameters;
};

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static struct app_action *app_action_new(struct console *c, struct argocd_client *ac,
					 const struct app_target *t, enum action_kind kind)
{
	struct app_action *aa = xcalloc(1, sizeof(*aa));
	aa->console = c;
	aa->ac = ac;
	aa->name = xstrdup(t->name);
	aa->namespace = dup_or_null(t->namespace);
	aa->cluster = dup_or_null(t->cluster && *t->cluster ? t->cluster : NULL);
	aa->a.kind = kind;
	aa->a.target = (struct action_target){
		/* the destination cluster decides read-only and protection: a production
		 * app is as protected as production itself */
		.context = aa->cluster ? aa->cluster : console_context(c),
		.cluster = aa->cluster,
		.namespace = aa->namespace,
		.kind = "Application",
		.name = aa->name,
	};
	return aa;
}

static void app_action_free(void *ud)
{
	struct app_action *aa = ud;
	free(aa->name);
	free(aa->namespace);
	free(aa->cluster);
	free(aa->detail);
	free(aa->parameters);
	free(aa);
}

/* A copy that outlives the dialog, with the answered detail and parameters. */
static struct app_action *app_action_copy(const struct app_action *src, const struct action *a)
{
	struct app_action *aa = xcalloc(1, sizeof(*aa));
	aa->console = src->console;
	aa->ac = src->ac;
	aa->name = xstrdup(src->name);
	aa->namespace = dup_or_null(src->namespace);
	aa->cluster = dup_or_null(src->cluster);
	aa->detail = dup_or_null(a->detail);
	aa->parameters = dup_or_null(a->parameters);
	aa->a = *a;
	aa->a.target.name = aa->name;
	aa->a.target.namespace = aa->namespace;
	aa->a.target.cluster = aa->cluster;
	aa->a.target.kind = "Application";
	if (aa->cluster)
		aa->a.target.context = aa->cluster;
	else
		aa->a.target.context = console_context(aa->console);
	aa->a.detail = aa->detail;
	aa->a.parameters = aa->parameters;
	return aa;
}

static void on_done(void *ud, const struct argocd_result *res, json_t *body)
{
	struct app_action *aa = ud;
	json_decref(body);
	console_action_done(aa->console, &aa->a, res->ok, res->message);
	app_action_free(aa);
}

/* Fails the action without a request (bad options): recorded and flashed as failed. */
static void fail(struct app_action *aa, const char *why)
{
	console_action_done(aa->console, &aa->a, false, why);
	app_action_free(aa);
}

static void start_sync(struct app_action *aa)
{
	struct argocd_sync_options o;
	char err[256];
	char *buf = app_sync_options_parse(aa->detail ? aa->detail : "", &o, err, sizeof err);
	if (!buf) {
		fail(aa, err);
		return;
	}
	argocd_sync(aa->ac, aa->name, &o, on_done, aa);
	free((void *)o.resources);
	free(buf);
}

static void start_rollback(struct app_action *aa)
{
	char *end;
	errno = 0;
	long id = aa->detail ? strtol(aa->detail, &end, 10) : 0;
	if (!aa->detail || errno || *end || id < 0) {
		fail(aa, "a rollback needs the number of a history entry (see the app's History)");
		return;
	}
	argocd_rollback(aa->ac, aa->name, id, false, false, on_done, aa);
}

static void perform(void *ud, struct console *c, const struct action *a)
{
	(void)c;
	struct app_action *aa = app_action_copy(ud, a);
	switch (a->kind) {
	case ACTION_SYNC:
		start_sync(aa);
		break;
	case ACTION_ROLLBACK:
		start_rollback(aa);
		break;
	case ACTION_REFRESH:
	case ACTION_HARD_REFRESH:
		argocd_refresh(aa->ac, aa->name, a->kind == ACTION_HARD_REFRESH, on_done, aa);
		break;
	case ACTION_TERMINATE:
		argocd_terminate(aa->ac, aa->name, on_done, aa);
		break;
	default:
		app_action_free(aa);
		break;
	}
}

unsigned app_action_request(struct console *c, struct argocd_client *ac,
			    const struct app_target *t, enum request req)
{
	static const struct {
		enum request req;
		enum action_kind kind;
	} map[] = {
		{REQ_SYNC, ACTION_SYNC},
		{REQ_ROLLBACK, ACTION_ROLLBACK},
		{REQ_APP_REFRESH, ACTION_REFRESH},
		{REQ_APP_HARD_REFRESH, ACTION_HARD_REFRESH},
		{REQ_TERMINATE, ACTION_TERMINATE},
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
		if (map[i].req != req)
			continue;
		if (!t || !t->name) {
			console_flash(c, CHROME_FLASH_INFO, "nothing selected");
			return VIEW_CHROME;
		}
		struct app_action *aa = app_action_new(c, ac, t, map[i].kind);
		char initial[32] = "";
		struct console_performer p = {.perform = perform, .release = app_action_free,
					      .ud = aa};
		if (map[i].kind == ACTION_SYNC) {
			p.ask = "Options (Enter for none): --prune --dry-run --revision R "
				"--resource GROUP:KIND:NAME";
		} else if (map[i].kind == ACTION_ROLLBACK) {
			p.ask = "History entry to roll back to (its ID):";
			if (t->rollback_id > 0)
				snprintf(initial, sizeof initial, "%ld", t->rollback_id);
			p.ask_initial = initial;
		}
		console_confirm(c, &aa->a, &p);
		return VIEW_CHROME;
	}
	return VIEW_UNHANDLED;
}

/* ---- sync options ------------------------------------------------------------------ */

char *app_sync_options_parse(const char *text, struct argocd_sync_options *opts, char *err,
			     size_t errlen)
{
	memset(opts, 0, sizeof(*opts));
	char *buf = xstrdup(text ? text : "");
	size_t cap = 0, n = 0;
	const char **resources = NULL;
	char *save = NULL;
	for (char *w = strtok_r(buf, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		if (!strcmp(w, "--prune")) {
			opts->prune = true;
		} else if (!strcmp(w, "--dry-run")) {
			opts->dry_run = true;
		} else if (!strcmp(w, "--revision") || !strcmp(w, "--resource")) {
			char *v = strtok_r(NULL, " \t", &save);
			if (!v) {
				snprintf(err, errlen, "%s needs a value", w);
				goto bad;
			}
			if (!strcmp(w, "--revision")) {
				opts->revision = v;
			} else {
				resources = xgrow(resources, &cap, n + 1, sizeof(*resources));
				resources[n++] = v;
			}
		} else {
			snprintf(err, errlen, "unknown sync option \"%s\" (use --prune, --dry-run, "
				 "--revision R, --resource GROUP:KIND:NAME)", w);
			goto bad;
		}
	}
	opts->resources = resources;
	opts->nresources = n;
	return buf;
bad:
	free(resources);
	free(buf);
	memset(opts, 0, sizeof(*opts));
	return NULL;
}
