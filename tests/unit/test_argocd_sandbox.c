/* Tests for clients/argocd against the in-process sandbox (HTTPS, its Argo CD under
 * /argocd, its controllers ticking): settings from the platform.yaml it writes, the list,
 * the stream during a sync (Running then Succeeded), rollback refused on an auto-sync
 * app, the read-only token, and core mode through the ops cluster's Kubernetes API. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clients/argocd.h"
#include "clients/http.h"
#include "clients/kube.h"
#include "clients/kubeconfig.h"
#include "core/loop.h"
#include "core/strbuf.h"
#include "core/xalloc.h"
#include "sandbox/auth.h"
#include "sandbox/certs.h"
#include "sandbox/controller.h"
#include "sandbox/objstore.h"
#include "sandbox/scenario.h"
#include "sandbox/server.h"
#include "sandbox/statedir.h"
#include "tests/support/tmpdir.h"

#define DEMO "sandbox/scenarios/demo.yaml"
#define MANUAL_APP "payments-api-uat"   /* uat: manual sync, no window */
#define AUTO_APP "payments-api-dev"     /* dev: automated */

struct fixture {
	char dir[64];
	struct scenario sc;
	struct server srv;
	struct controller ctl;
	struct kubeconfig *kcfg;
	struct loop *loop;
	struct http *http;
	struct argocd_config cfg;
	struct argocd_client *ac;       /* the admin token, from platform.yaml */
	struct kube_client *kc;         /* the ops cluster */
	struct argocd_client *core;     /* core mode through kc */
};

static char *path_in(struct fixture *f, const char *name)
{
	return xasprintf("%s/%s", f->dir, name);
}

static void sandbox_start(struct fixture *f)
{
	char err[1024] = "";
	if (scenario_load(DEMO, NULL, &f->sc, err, sizeof(err)) != 0)
		fail_msg("scenario_load: %s", err);
	objstore_init(&f->srv.store, 10000);
	assert_int_equal(certs_generate(&f->srv.certs, err, sizeof(err)), 0);
	assert_int_equal(auth_init(&f->srv.auth, &f->srv.certs, err, sizeof(err)), 0);
	for (size_t i = 0; i < f->sc.nclusters; i++) {
		struct objstore_cluster *cl = objstore_add_cluster(
			&f->srv.store, f->sc.clusters[i].name, f->sc.clusters[i].control_plane);
		objstore_load_objects(&f->srv.store, cl, f->sc.clusters[i].objects);
	}
	if (server_start(&f->srv, 0, err, sizeof(err)) != 0)
		fail_msg("server_start: %s", err);
	assert_int_equal(controller_start(&f->ctl, &f->srv.store, 50), 0);
	if (statedir_write(f->dir, &f->srv, &f->sc, err, sizeof(err)) != 0)
		fail_msg("statedir_write: %s", err);
}

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));
	char err[1024] = "";
	signal(SIGPIPE, SIG_IGN);
	test_tmp_template(f->dir, sizeof(f->dir), "opsdeck-argocd-sbx-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	sandbox_start(f);
	f->loop = loop_new();
	f->http = http_new(f->loop);
	/* The settings exactly as a user of the sandbox gets them. */
	unsetenv("ARGOCD_SERVER");
	unsetenv("ARGOCD_AUTH_TOKEN");
	char *platform = path_in(f, "platform.yaml");
	if (argocd_config_resolve(platform, &f->cfg, err, sizeof(err)) != 0)
		fail_msg("argocd_config_resolve: %s", err);
	free(platform);
	f->ac = argocd_client_new(f->loop, f->http, &f->cfg, NULL);
	char *kubeconfig = path_in(f, "kubeconfig");
	if (kubeconfig_load(kubeconfig, &f->kcfg, err, sizeof(err)) != 0)
		fail_msg("kubeconfig_load: %s", err);
	free(kubeconfig);
	const struct kube_context *ctx = kubeconfig_context(f->kcfg, "ops");
	assert_non_null(ctx);
	f->kc = kube_client_new(f->loop, f->http, NULL, ctx);
	char ns[] = "argocd", ctxname[] = "ops";
	struct argocd_config core = {.core_context = ctxname, .core_namespace = ns};
	f->core = argocd_client_new(f->loop, f->http, &core, f->kc);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	argocd_client_free(f->core);
	argocd_client_free(f->ac);
	kube_client_free(f->kc);
	argocd_config_clear(&f->cfg);
	http_free(f->http);
	loop_free(f->loop);
	controller_stop(&f->ctl);
	server_stop(&f->srv);
	objstore_free(&f->srv.store);
	certs_free(&f->srv.certs);
	scenario_free(&f->sc);
	kubeconfig_free(f->kcfg);
	/* the sandbox writes more than it is asked for (scanner tokens, the GitOps
	 * repository): the whole directory goes */
	char *rm = xasprintf("rm -rf '%s'", f->dir);
	assert_int_equal(system(rm), 0);
	free(rm);
	free(f);
	return 0;
}

/* ---- running calls ---------------------------------------------------------------------- */

struct outcome {
	bool done, ok;
	long status;
	char *message;
	json_t *body;
};

static void on_json(void *ud, const struct argocd_result *res, json_t *body)
{
	struct outcome *o = ud;
	o->done = true;
	o->ok = res->ok;
	o->status = res->http_status;
	o->message = res->message ? xstrdup(res->message) : NULL;
	o->body = body;
}

static void outcome_clear(struct outcome *o)
{
	free(o->message);
	json_decref(o->body);
	memset(o, 0, sizeof(*o));
}

static void wait_done(struct fixture *f, struct outcome *o)
{
	long long end = loop_now_ms() + 10000;
	while (!o->done && loop_now_ms() < end)
		loop_run_once(f->loop, 20);
	assert_true(o->done);
}

static const char *jpath(const json_t *o, const char *a, const char *b, const char *c)
{
	const json_t *v = json_object_get(o, a);
	if (b)
		v = json_object_get(v, b);
	if (c)
		v = json_object_get(v, c);
	return json_string_value(v);
}

static json_t *get_app(struct fixture *f, struct argocd_client *ac, const char *name)
{
	struct outcome o = {0};
	argocd_get_app(ac, name, on_json, &o);
	wait_done(f, &o);
	if (!o.ok)
		fail_msg("get %s: %s", name, o.message);
	json_t *app = json_incref(o.body);
	outcome_clear(&o);
	return app;
}

static size_t history_len(struct fixture *f, struct argocd_client *ac, const char *name)
{
	json_t *app = get_app(f, ac, name);
	size_t n = json_array_size(json_object_get(json_object_get(app, "status"), "history"));
	json_decref(app);
	return n;
}

/* Polls until the app's operationState.phase is want (10 s). */
static void wait_phase(struct fixture *f, struct argocd_client *ac, const char *name,
		       const char *want)
{
	long long end = loop_now_ms() + 10000;
	char last[64] = "";
	while (loop_now_ms() < end) {
		json_t *app = get_app(f, ac, name);
		const char *phase = jpath(app, "status", "operationState", "phase");
		snprintf(last, sizeof(last), "%s", phase ? phase : "");
		json_decref(app);
		if (!strcmp(last, want))
			return;
		for (int i = 0; i < 5; i++)
			loop_run_once(f->loop, 20);
	}
	fail_msg("%s: phase %s, wanted %s", name, last, want);
}

/* ---- REST ------------------------------------------------------------------------------ */

static void test_config_and_list(void **state)
{
	struct fixture *f = *state;
	assert_string_equal(f->cfg.source, "platform.yaml");
	assert_non_null(strstr(f->cfg.server, "/argocd"));
	assert_non_null(f->cfg.ca_file);
	struct outcome o = {0};
	argocd_whoami(f->ac, on_json, &o);
	wait_done(f, &o);
	assert_true(o.ok);
	assert_string_equal(json_string_value(json_object_get(o.body, "username")), "admin");
	outcome_clear(&o);

	argocd_list_apps(f->ac, on_json, &o);
	wait_done(f, &o);
	assert_true(o.ok);
	json_t *items = json_object_get(o.body, "items");
	assert_true(json_array_size(items) > 10);
	/* pruned to the fields asked for */
	assert_null(json_object_get(json_object_get(json_array_get(items, 0), "spec"), "source"));
	struct table *t = argocd_apps_table(o.body, (long long)time(NULL));
	bool found = false;
	for (size_t r = 0; r < t->nrows; r++) {
		if (strcmp(t->rows[r].name, MANUAL_APP))
			continue;
		found = true;
		assert_string_equal(t->rows[r].cells[ARGOCD_COL_NAME], MANUAL_APP);
		assert_string_equal(t->rows[r].namespace, "argocd");
		assert_true(*t->rows[r].uid);
		assert_true(*t->rows[r].cells[ARGOCD_COL_PROJECT]);
		assert_true(*t->rows[r].cells[ARGOCD_COL_CLUSTER]);
		assert_true(*t->rows[r].cells[ARGOCD_COL_SYNC]);
		assert_true(*t->rows[r].cells[ARGOCD_COL_HEALTH]);
		assert_int_equal(strlen(t->rows[r].cells[ARGOCD_COL_REVISION]), 7);
	}
	assert_true(found);
	table_free(t);
	outcome_clear(&o);
}

struct watch_log {
	int synced;
	struct strbuf events;   /* "TYPE name phase|" */
};

static void wl_synced(void *ud, struct table *t)
{
	struct watch_log *wl = ud;
	wl->synced++;
	table_free(t);
}

static void wl_event(void *ud, enum kube_event_type type, const struct table *row,
		     const json_t *app)
{
	struct watch_log *wl = ud;
	static const char *const names[] = {"ADDED", "MODIFIED", "DELETED"};
	(void)app;
	strbuf_printf(&wl->events, "%s %s %s|", names[type], row->rows[0].name,
		      row->rows[0].cells[ARGOCD_COL_OPERATION]);
}

/* Waits for needle in the events from offset from on; returns its offset, or -1. */
static long wait_event(struct fixture *f, struct watch_log *wl, const char *needle, long from)
{
	long long end = loop_now_ms() + 10000;
	const char *hit = NULL;
	while (from >= 0 && loop_now_ms() < end) {
		hit = strstr(strbuf_str(&wl->events) + from, needle);
		if (hit)
			return (long)(hit - strbuf_str(&wl->events));
		loop_run_once(f->loop, 20);
	}
	return -1;
}

/* The stream during a sync, then the history. Used for both modes. */
static void sync_and_follow(struct fixture *f, struct argocd_client *ac, const char *app)
{
	struct watch_log wl = {0, STRBUF_INIT};
	struct argocd_watch_callbacks cbs = {wl_synced, wl_event, NULL};
	struct argocd_watch *w = argocd_watch_apps(ac, &cbs, &wl);
	long long end = loop_now_ms() + 10000;
	while (!wl.synced && loop_now_ms() < end)
		loop_run_once(f->loop, 20);
	assert_int_equal(wl.synced, 1);
	for (int i = 0; i < 10; i++)   /* let the stream connect */
		loop_run_once(f->loop, 20);
	size_t before = history_len(f, ac, app);
	struct outcome o = {0};
	argocd_sync(ac, app, NULL, on_json, &o);
	wait_done(f, &o);
	if (!o.ok)
		fail_msg("sync: %s", o.message);
	assert_non_null(json_object_get(o.body, "operation"));
	outcome_clear(&o);
	char *running = xasprintf("MODIFIED %s Running|", app);
	char *succeeded = xasprintf("MODIFIED %s Succeeded|", app);
	/* Running, and after it Succeeded (the app's earlier operation was Succeeded too) */
	long at = wait_event(f, &wl, running, 0);
	if (at < 0 || wait_event(f, &wl, succeeded, at) < 0) {
		argocd_watch_stop(w);
		fail_msg("events: %s", strbuf_str(&wl.events));
	}
	free(running);
	free(succeeded);
	assert_int_equal(history_len(f, ac, app), before + 1);
	argocd_watch_stop(w);
	strbuf_free(&wl.events);
}

static void test_stream_during_sync(void **state)
{
	struct fixture *f = *state;
	sync_and_follow(f, f->ac, MANUAL_APP);
}

static void test_refusals(void **state)
{
	struct fixture *f = *state;
	struct outcome o = {0};
	argocd_rollback(f->ac, AUTO_APP, 1, false, false, on_json, &o);
	wait_done(f, &o);
	assert_false(o.ok);
	assert_int_equal(o.status, 400);
	assert_string_equal(o.message, "rollback cannot be initiated when auto-sync is enabled");
	outcome_clear(&o);

	/* the read-only token: reads work, writes get Argo CD's "permission denied" */
	char *tokpath = path_in(f, "argocd-readonly.token");
	FILE *fp = fopen(tokpath, "r");
	assert_non_null(fp);
	char tok[4096] = "";
	assert_non_null(fgets(tok, sizeof(tok), fp));
	fclose(fp);
	free(tokpath);
	tok[strcspn(tok, "\r\n")] = '\0';
	struct argocd_config cfg = f->cfg;
	cfg.token = tok;
	struct argocd_client *ro = argocd_client_new(f->loop, f->http, &cfg, NULL);
	argocd_whoami(ro, on_json, &o);
	wait_done(f, &o);
	assert_true(o.ok);
	assert_string_equal(json_string_value(json_object_get(o.body, "username")), "readonly");
	outcome_clear(&o);
	argocd_sync(ro, MANUAL_APP, NULL, on_json, &o);
	wait_done(f, &o);
	assert_false(o.ok);
	assert_int_equal(o.status, 403);
	/* Argo CD's wording: "permission denied: applications, sync, PROJECT/APP, sub: ..." */
	assert_true(!strncmp(o.message, "permission denied", 17));
	assert_null(strstr(o.message, tok));
	outcome_clear(&o);
	argocd_client_free(ro);
}

/* ---- core mode ---------------------------------------------------------------------------- */

static void test_core_mode(void **state)
{
	struct fixture *f = *state;
	assert_true(argocd_client_core_mode(f->core));
	assert_string_equal(argocd_client_describe(f->core),
			    "core mode (context ops, namespace argocd)");
	struct outcome o = {0};
	argocd_list_apps(f->core, on_json, &o);
	wait_done(f, &o);
	assert_true(o.ok);
	assert_true(json_array_size(json_object_get(o.body, "items")) > 10);
	outcome_clear(&o);

	argocd_rollback(f->core, AUTO_APP, 1, false, false, on_json, &o);
	wait_done(f, &o);
	assert_false(o.ok);
	assert_string_equal(o.message, "rollback cannot be initiated when auto-sync is enabled");
	outcome_clear(&o);

	argocd_managed_resources(f->core, MANUAL_APP, on_json, &o);
	wait_done(f, &o);
	assert_false(o.ok);
	assert_string_equal(o.message,
			    "the diff needs the Argo CD API (core mode has no repo server)");
	outcome_clear(&o);

	argocd_resource_tree(f->core, MANUAL_APP, on_json, &o);
	wait_done(f, &o);
	assert_true(o.ok);
	assert_true(json_array_size(json_object_get(o.body, "nodes")) > 0);
	outcome_clear(&o);

	/* .operation set through the Kubernetes API, run by the controller */
	sync_and_follow(f, f->core, "catalog-uat");
	wait_phase(f, f->core, "catalog-uat", "Succeeded");

	argocd_refresh(f->core, "catalog-uat", true, on_json, &o);
	wait_done(f, &o);
	assert_true(o.ok);
	assert_string_equal(jpath(o.body, "metadata", "annotations", "argocd.argoproj.io/refresh"),
			    "hard");
	outcome_clear(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_and_list),
		cmocka_unit_test(test_stream_during_sync),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_core_mode),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
