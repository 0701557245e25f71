/* Tests for clients/kube against a scripted API server on 127.0.0.1 (plain HTTP, a
 * thread): discovery (aggregated and legacy), paged Table lists, Status errors, and a
 * watch that goes through bookmark, ERROR 410 relist, reconnect and 429 Retry-After. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clients/http.h"
#include "clients/kube.h"
#include "clients/kubeconfig.h"
#include "core/loop.h"
#include "core/strbuf.h"
#include "core/xalloc.h"
#include "sandbox/scenario.h"
#include "sandbox/server.h"
#include "sandbox/statedir.h"
#include "tests/support/script_server.h"
#include "tests/support/tmpdir.h"

/* ---- the scripted server ---- */

/* The script's state, kept by serve under the server's lock. */
struct script {
	bool aggregated;        /* answer discovery in the aggregated format */
	int watches;            /* watch requests seen */
};

#define AGG_CT "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"

static const char agg_core[] =
	"{\"kind\":\"APIGroupDiscoveryList\",\"apiVersion\":\"apidiscovery.k8s.io/v2\","
	"\"items\":[{\"metadata\":{},\"versions\":[{\"version\":\"v1\",\"resources\":["
	"{\"resource\":\"pods\",\"responseKind\":{\"kind\":\"Pod\"},\"scope\":\"Namespaced\","
	"\"singularResource\":\"pod\",\"verbs\":[\"list\",\"watch\"],\"shortNames\":[\"po\"]},"
	"{\"resource\":\"secrets\",\"responseKind\":{\"kind\":\"Secret\"},\"scope\":"
	"\"Namespaced\",\"singularResource\":\"secret\",\"verbs\":[\"list\"]}]}]}]}";
static const char agg_apis[] =
	"{\"kind\":\"APIGroupDiscoveryList\",\"apiVersion\":\"apidiscovery.k8s.io/v2\","
	"\"items\":[]}";

static const char cols[] =
	"\"columnDefinitions\":[{\"name\":\"Name\",\"type\":\"string\",\"format\":\"name\"},"
	"{\"name\":\"Restarts\",\"type\":\"integer\",\"format\":\"\"}]";

static char *table_page(const char *rv, const char *cont, const char *name, int restarts)
{
	return xasprintf("{\"kind\":\"Table\",\"apiVersion\":\"meta.k8s.io/v1\",\"metadata\":"
			 "{\"resourceVersion\":\"%s\",\"continue\":\"%s\"},%s,\"rows\":[{\"cells\":"
			 "[\"%s\",%d],\"object\":{\"metadata\":{\"name\":\"%s\",\"namespace\":"
			 "\"ns1\",\"uid\":\"uid-%s\",\"resourceVersion\":\"%s\"}}}]}",
			 rv, cont, cols, name, restarts, name, name, rv);
}

static char *event_line(const char *type, const char *name, const char *rv)
{
	return xasprintf("{\"type\":\"%s\",\"object\":{\"kind\":\"Table\",\"apiVersion\":"
			 "\"meta.k8s.io/v1\",\"metadata\":{\"resourceVersion\":\"%s\"},\"rows\":"
			 "[{\"cells\":[\"%s\",7],\"object\":{\"metadata\":{\"name\":\"%s\","
			 "\"namespace\":\"ns1\",\"uid\":\"uid-%s\",\"resourceVersion\":\"%s\"}}}]}}\n",
			 type, rv, name, name, name, rv);
}

/* The watch script: see the file comment. Returns true to keep the connection open. */
static bool serve_watch(struct script *s, int fd, int n)
{
	char *a, *b;
	switch (n) {
	case 1:
		script_stream_head(fd);
		a = event_line("ADDED", "c", "11");
		script_send_str(fd, a);
		script_send_str(fd, "{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"Table\",\"metadata\":"
				"{\"resourceVersion\":\"20\"}}}\n");
		script_send_str(fd, "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"apiVersion\":"
				"\"v1\",\"status\":\"Failure\",\"message\":\"too old resource version: "
				"5 (20)\",\"reason\":\"Expired\",\"code\":410}}\n");
		free(a);
		return false;
	case 2:
		script_stream_head(fd);
		a = event_line("MODIFIED", "a", "31");
		b = event_line("DELETED", "b", "32");
		script_send_str(fd, a);
		script_send_str(fd, b);
		free(a);
		free(b);
		return false;   /* a clean close after events: reconnect at once */
	case 3:
		script_reply(fd, 429, "application/json", "Retry-After: 1\r\n",
			     "{\"kind\":\"Status\",\"message\":\"slow down\",\"code\":429}");
		return false;
	default:
		script_stream_head(fd);
		(void)s;
		return true;
	}
}

/* Logs "PATH\n" per request. */
static bool serve(struct script_server *srv, int fd, const struct script_request *req, void *ud)
{
	struct script *s = ud;
	const char *path = req->path;
	script_server_logf(srv, "%s\n", path);
	if (!strcmp(path, "/api"))
		s->aggregated ? script_reply(fd, 200, AGG_CT, NULL, agg_core)
			      : script_reply(fd, 200, "application/json", NULL,
					     "{\"kind\":\"APIVersions\",\"versions\":[\"v1\"]}");
	else if (!strcmp(path, "/apis"))
		s->aggregated ? script_reply(fd, 200, AGG_CT, NULL, agg_apis)
			      : script_reply(fd, 200, "application/json", NULL,
					     "{\"kind\":\"APIGroupList\",\"groups\":[]}");
	else if (!strcmp(path, "/api/v1"))
		script_reply(fd, 200, "application/json", NULL,
			     "{\"kind\":\"APIResourceList\",\"groupVersion\":\"v1\",\"resources\":["
			     "{\"name\":\"pods\",\"singularName\":\"pod\",\"namespaced\":true,\"kind\":"
			     "\"Pod\",\"verbs\":[\"list\"],\"shortNames\":[\"po\"]}]}");
	else if (!strcmp(path, "/apis/authentication.k8s.io/v1beta1/selfsubjectreviews"))
		/* A 1.27 server: v1 is not served (404 below), v1beta1 is. */
		script_reply(fd, 201, "application/json", NULL,
			     "{\"kind\":\"SelfSubjectReview\",\"apiVersion\":"
			     "\"authentication.k8s.io/v1beta1\",\"status\":{\"userInfo\":"
			     "{\"username\":\"old-user\\u001b[31m\"}}}");
	else if (!strcmp(path, "/version"))
		script_reply(fd, 200, "application/json", NULL, "{\"major\":\"1\"}");
	else if (!strncmp(path, "/api/v1/namespaces/ns1/secrets", 30))
		script_reply(fd, 403, "application/json", NULL,
			     "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
			     "\"message\":\"secrets is forbidden: User \\\"x\\\" cannot list resource "
			     "\\\"secrets\\\" in API group \\\"\\\" in the namespace \\\"ns1\\\"\","
			     "\"reason\":\"Forbidden\",\"code\":403}");
	else if (!strncmp(path, "/api/v1/namespaces/ns1/pods?", 28) && strstr(path, "watch=1"))
		return serve_watch(s, fd, ++s->watches);
	else if (!strncmp(path, "/api/v1/namespaces/ns1/pods?", 28)) {
		char *page = strstr(path, "continue=tok")
				     ? table_page("10", "", "b", 1)
				     : table_page("10", "tok", "a", 0);
		script_reply(fd, 200, "application/json", NULL, page);
		free(page);
	} else
		script_reply(fd, 404, "application/json", NULL, "{}");
	return false;
}

/* ---- fixture ---- */

struct fixture {
	struct script_server *srv;
	struct script script;
	struct loop *loop;
	struct http *http;
	struct kube_client *kc;
	char *server_url;
};

static struct fixture *fixture_new(bool aggregated)
{
	struct fixture *f = xcalloc(1, sizeof(*f));
	f->script.aggregated = aggregated;
	f->srv = script_server_start(serve, &f->script);
	f->loop = loop_new();
	f->http = http_new(f->loop);
	f->server_url = script_server_url(f->srv, "");
	struct kube_context ctx;
	memset(&ctx, 0, sizeof(ctx));
	ctx.name = (char *)"test";
	ctx.server = f->server_url;
	ctx.namespace = (char *)"ns1";
	f->kc = kube_client_new(f->loop, f->http, NULL, &ctx);
	return f;
}

static void fixture_free(struct fixture *f)
{
	kube_client_free(f->kc);
	http_free(f->http);
	loop_free(f->loop);
	script_server_stop(f->srv);
	free(f->server_url);
	free(f);
}

struct list_result {
	bool done, ok;
	long status;
	char *message;
	char *resource;
	struct table *t;
};

static void on_list(void *ud, const struct kube_result *res, const struct kube_resource *r,
		    struct table *t)
{
	struct list_result *lr = ud;
	lr->done = true;
	lr->ok = res->ok;
	lr->status = res->http_status;
	lr->message = res->message ? xstrdup(res->message) : NULL;
	lr->resource = r ? xstrdup(r->resource) : NULL;
	lr->t = t;
}

static void list_result_clear(struct list_result *lr)
{
	free(lr->message);
	free(lr->resource);
	table_free(lr->t);
	memset(lr, 0, sizeof(*lr));
}

static void run_list(struct fixture *f, const char *resource, struct list_result *lr)
{
	struct kube_list_options o;
	memset(&o, 0, sizeof(o));
	o.resource = resource;
	o.limit = 1;
	kube_list(f->kc, &o, on_list, lr);
	assert_int_equal(kube_run_until(f->loop, &lr->done, 5000), 0);
}

static void check_two_pages(struct fixture *f, struct list_result *lr)
{
	assert_true(lr->ok);
	assert_string_equal(lr->resource, "pods");
	assert_non_null(lr->t);
	assert_int_equal(lr->t->nrows, 2);
	assert_string_equal(lr->t->rows[0].name, "a");
	assert_string_equal(lr->t->rows[1].name, "b");
	assert_string_equal(lr->t->rows[1].cells[1], "1");
	assert_string_equal(lr->t->kind, "Pod");
	char *log = script_server_log(f->srv);
	assert_non_null(strstr(log, "/api/v1/namespaces/ns1/pods?includeObject=Metadata&limit=1\n"));
	assert_non_null(strstr(log, "/api/v1/namespaces/ns1/pods?includeObject=Metadata&limit=1&continue=tok\n"));
	free(log);
}

static void test_list_pages_aggregated(void **state)
{
	(void)state;
	struct fixture *f = fixture_new(true);
	struct list_result lr = {0};
	run_list(f, "po", &lr);
	check_two_pages(f, &lr);
	assert_true(kube_client_discovery(f->kc)->aggregated);
	list_result_clear(&lr);
	fixture_free(f);
}

static void test_list_pages_legacy(void **state)
{
	(void)state;
	struct fixture *f = fixture_new(false);
	struct list_result lr = {0};
	run_list(f, "Pod", &lr);
	check_two_pages(f, &lr);
	assert_false(kube_client_discovery(f->kc)->aggregated);
	list_result_clear(&lr);
	fixture_free(f);
}

static void test_errors_are_one_clear_message(void **state)
{
	(void)state;
	struct fixture *f = fixture_new(true);
	struct list_result lr = {0};
	run_list(f, "secrets", &lr);
	assert_false(lr.ok);
	assert_int_equal(lr.status, 403);
	assert_string_equal(lr.message, "secrets is forbidden: User \"x\" cannot list resource "
					"\"secrets\" in API group \"\" in the namespace \"ns1\"");
	list_result_clear(&lr);
	run_list(f, "widgets", &lr);
	assert_false(lr.ok);
	assert_null(lr.resource);
	assert_string_equal(lr.message, "the server doesn't have a resource type \"widgets\"");
	list_result_clear(&lr);
	fixture_free(f);

	/* Nobody listening: the message names the server. */
	struct loop *loop = loop_new();
	struct http *http = http_new(loop);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {0};
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(fd, (struct sockaddr *)&a, sizeof(a));
	socklen_t alen = sizeof(a);
	getsockname(fd, (struct sockaddr *)&a, &alen);
	close(fd);
	char *url = xasprintf("http://127.0.0.1:%d", ntohs(a.sin_port));
	struct kube_context ctx;
	memset(&ctx, 0, sizeof(ctx));
	ctx.server = url;
	struct kube_client *kc = kube_client_new(loop, http, NULL, &ctx);
	struct kube_list_options o = {0};
	o.resource = "pods";
	kube_list(kc, &o, on_list, &lr);
	assert_int_equal(kube_run_until(loop, &lr.done, 5000), 0);
	char *want = xasprintf("cannot reach %s: Connection refused", url);
	assert_string_equal(lr.message, want);
	free(want);
	list_result_clear(&lr);
	kube_client_free(kc);
	http_free(http);
	loop_free(loop);
	free(url);
}

/* ---- the watch ---- */

struct watch_log {
	struct strbuf events;     /* "synced N" / "ADDED c" ... per line */
	int synced;
	bool connected_seen;
	bool retrying_seen;
	long long retry_delay_ms;
	char *last_rv;
};

static void w_synced(void *ud, struct table *t)
{
	struct watch_log *wl = ud;
	wl->synced++;
	strbuf_printf(&wl->events, "synced %zu\n", t->nrows);
	table_free(t);
}

static void w_event(void *ud, enum kube_event_type type, const struct table *row)
{
	struct watch_log *wl = ud;
	static const char *const names[] = {"ADDED", "MODIFIED", "DELETED"};
	assert_int_equal(row->nrows, 1);
	assert_int_equal(row->ncols, 2);
	strbuf_printf(&wl->events, "%s %s %s %s\n", names[type], row->rows[0].name,
		      row->rows[0].uid, row->rows[0].cells[1]);
}

static void w_state(void *ud, const struct kube_watch_status *st)
{
	struct watch_log *wl = ud;
	if (st->state == KUBE_WATCH_CONNECTED)
		wl->connected_seen = true;
	if (st->state == KUBE_WATCH_RETRYING && st->error && strstr(st->error, "slow down")) {
		wl->retrying_seen = true;
		wl->retry_delay_ms = st->next_attempt_ms - loop_now_ms();
	}
}

static void run_watch_script(bool conditions)
{
	struct fixture *f = fixture_new(true);
	struct watch_log wl = {STRBUF_INIT, 0, false, false, 0, NULL};
	struct kube_list_options o = {0};
	o.resource = "pods";
	o.limit = 1;
	o.conditions = conditions;
	struct kube_watch_callbacks cbs = {w_synced, w_event, w_state};
	struct kube_watch *w = kube_watch_start(f->kc, &o, &cbs, &wl);
	assert_non_null(w);
	long long end = loop_now_ms() + 8000;
	while (loop_now_ms() < end && script_server_read_int(f->srv, &f->script.watches) < 4)
		loop_run_once(f->loop, 50);
	/* Let the fourth (quiet) watch connect. */
	for (int i = 0; i < 10; i++)
		loop_run_once(f->loop, 20);
	assert_int_equal(script_server_read_int(f->srv, &f->script.watches), 4);
	assert_string_equal(strbuf_str(&wl.events),
			    "synced 2\n"
			    "ADDED c uid-c 7\n"
			    "synced 2\n"              /* relisted after ERROR 410 */
			    "MODIFIED a uid-a 7\n"
			    "DELETED b uid-b 7\n");
	assert_int_equal(wl.synced, 2);
	assert_true(wl.connected_seen);
	assert_true(wl.retrying_seen);
	assert_true(wl.retry_delay_ms > 900 && wl.retry_delay_ms <= 1000);
	const struct kube_watch_status *st = kube_watch_status(w);
	assert_int_equal(st->state, KUBE_WATCH_CONNECTED);
	assert_string_equal(st->resource_version, "32");
	char *log = script_server_log(f->srv);
	/* The first watch starts at the list's version, later ones where events left off. */
	assert_non_null(strstr(log, "watch=1&resourceVersion=10&allowWatchBookmarks=true"));
	assert_non_null(strstr(log, "watch=1&resourceVersion=32&allowWatchBookmarks=true"));
	assert_null(strstr(log, "resourceVersion=20&"));   /* 410 drops the bookmark's */
	if (conditions) {
		/* Pods without Ready/Synced conditions: the first list asks for whole
		 * objects, finds none, and from then on the decision holds: the relist and
		 * the watches ask for metadata only, and rows keep 2 columns (w_event). */
		assert_non_null(strstr(log, "pods?includeObject=Object&limit=1\n"));
		assert_non_null(strstr(log, "pods?includeObject=Object&limit=1&continue=tok\n"));
		const char *first_watch = strstr(log, "watch=1");
		assert_non_null(first_watch);
		assert_null(strstr(first_watch, "includeObject=Object"));
		assert_non_null(strstr(log, "pods?includeObject=Metadata&limit=1\n"));
		assert_non_null(strstr(log, "includeObject=Metadata&watch=1"));
	}
	free(log);
	kube_watch_stop(w);
	strbuf_free(&wl.events);
	fixture_free(f);
}

static void test_watch_relist_reconnect_retry_after(void **state)
{
	(void)state;
	run_watch_script(false);
}

static void test_watch_conditions_decided_once(void **state)
{
	(void)state;
	run_watch_script(true);
}

/* ---- identity and version ---- */

struct ident_result {
	bool done, ok;
	char *value;
	char *message;
};

static void on_ident(void *ud, const struct kube_result *res, const char *value)
{
	struct ident_result *ir = ud;
	ir->done = true;
	ir->ok = res->ok;
	assert_true(res->ok == (value != NULL));
	ir->value = value ? xstrdup(value) : NULL;
	ir->message = res->message ? xstrdup(res->message) : NULL;
}

static void ident_clear(struct ident_result *ir)
{
	free(ir->value);
	free(ir->message);
	memset(ir, 0, sizeof(*ir));
}

static void test_whoami_falls_back_to_v1beta1(void **state)
{
	(void)state;
	struct fixture *f = fixture_new(true);
	http_set_read_only(f->http, true);   /* the review POST must still go out */
	struct ident_result ir = {0};
	kube_whoami(f->kc, on_ident, &ir);
	assert_int_equal(kube_run_until(f->loop, &ir.done, 5000), 0);
	assert_true(ir.ok);
	assert_string_equal(ir.value, "old-user^[[31m");   /* sanitised */
	ident_clear(&ir);
	char *log = script_server_log(f->srv);
	assert_non_null(strstr(log, "/apis/authentication.k8s.io/v1/selfsubjectreviews\n"
				    "/apis/authentication.k8s.io/v1beta1/selfsubjectreviews\n"));
	free(log);
	/* A /version without gitVersion is a failure, not an empty version. */
	kube_version(f->kc, on_ident, &ir);
	assert_int_equal(kube_run_until(f->loop, &ir.done, 5000), 0);
	assert_false(ir.ok);
	assert_null(ir.value);
	assert_non_null(ir.message);
	ident_clear(&ir);
	/* A call cancelled before it answers never calls back. */
	struct kube_call *c = kube_version(f->kc, on_ident, &ir);
	kube_call_cancel(c);
	for (int i = 0; i < 10; i++)
		loop_run_once(f->loop, 10);
	assert_false(ir.done);
	fixture_free(f);
}

static void test_version_unreachable(void **state)
{
	(void)state;
	struct loop *loop = loop_new();
	struct http *http = http_new(loop);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {0};
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(fd, (struct sockaddr *)&a, sizeof(a));
	socklen_t alen = sizeof(a);
	getsockname(fd, (struct sockaddr *)&a, &alen);
	close(fd);
	char *url = xasprintf("http://127.0.0.1:%d", ntohs(a.sin_port));
	struct kube_context ctx;
	memset(&ctx, 0, sizeof(ctx));
	ctx.server = url;
	struct kube_client *kc = kube_client_new(loop, http, NULL, &ctx);
	struct ident_result ir = {0}, who = {0};
	kube_version(kc, on_ident, &ir);
	kube_whoami(kc, on_ident, &who);
	assert_int_equal(kube_run_until(loop, &ir.done, 5000), 0);
	assert_int_equal(kube_run_until(loop, &who.done, 5000), 0);
	assert_false(ir.ok);
	assert_null(ir.value);
	assert_non_null(strstr(ir.message, "cannot reach"));
	assert_false(who.ok);
	assert_null(who.value);
	ident_clear(&ir);
	ident_clear(&who);
	kube_client_free(kc);
	http_free(http);
	loop_free(loop);
	free(url);
}

/* ---- against the sandbox, in-process (HTTPS, client certificates, tokens) ---- */

#define DEMO "sandbox/scenarios/demo.yaml"

struct sandbox {
	char dir[64];
	char *kubeconfig_path, *log_path;
	struct scenario sc;
	struct server srv;
	struct kubeconfig *cfg;
	struct loop *loop;
	struct http *http;
};

static struct sandbox *sandbox_new(void)
{
	struct sandbox *sb = xcalloc(1, sizeof(*sb));
	char err[1024] = "";
	signal(SIGPIPE, SIG_IGN);   /* the server writes to connections clients closed */
	test_tmp_template(sb->dir, sizeof(sb->dir), "opsdeck-kube-XXXXXX");
	assert_non_null(mkdtemp(sb->dir));
	if (scenario_load(DEMO, NULL, &sb->sc, err, sizeof(err)) != 0)
		fail_msg("scenario_load: %s", err);
	objstore_init(&sb->srv.store, 10000);
	assert_int_equal(certs_generate(&sb->srv.certs, err, sizeof(err)), 0);
	assert_int_equal(auth_init(&sb->srv.auth, &sb->srv.certs, err, sizeof(err)), 0);
	for (size_t i = 0; i < sb->sc.nclusters; i++) {
		struct objstore_cluster *cl = objstore_add_cluster(
			&sb->srv.store, sb->sc.clusters[i].name, sb->sc.clusters[i].control_plane);
		objstore_load_objects(&sb->srv.store, cl, sb->sc.clusters[i].objects);
	}
	sb->log_path = xasprintf("%s/requests.log", sb->dir);
	sb->srv.log = fopen(sb->log_path, "a");
	assert_non_null(sb->srv.log);
	if (server_start(&sb->srv, 0, err, sizeof(err)) != 0)
		fail_msg("server_start: %s", err);
	sb->kubeconfig_path = xasprintf("%s/kubeconfig", sb->dir);
	char *text = statedir_kubeconfig(&sb->srv, &sb->sc);
	FILE *fp = fopen(sb->kubeconfig_path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	free(text);
	if (kubeconfig_load(sb->kubeconfig_path, &sb->cfg, err, sizeof(err)) != 0)
		fail_msg("kubeconfig_load: %s", err);
	sb->loop = loop_new();
	sb->http = http_new(sb->loop);
	return sb;
}

static struct kube_client *sandbox_client(struct sandbox *sb, const char *context)
{
	const struct kube_context *ctx = kubeconfig_context(sb->cfg, context);
	assert_non_null(ctx);
	return kube_client_new(sb->loop, sb->http, NULL, ctx);
}

/* The request log so far (each line: time user method uri status). Caller frees. */
static char *sandbox_log(const struct sandbox *sb)
{
	FILE *fp = fopen(sb->log_path, "r");
	assert_non_null(fp);
	struct strbuf out = STRBUF_INIT;
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		strbuf_append(&out, buf, n);
	fclose(fp);
	return strbuf_detach(&out);
}

static void sandbox_free(struct sandbox *sb)
{
	http_free(sb->http);
	loop_free(sb->loop);
	server_stop(&sb->srv);
	fclose(sb->srv.log);
	objstore_free(&sb->srv.store);
	certs_free(&sb->srv.certs);
	scenario_free(&sb->sc);
	kubeconfig_free(sb->cfg);
	unlink(sb->kubeconfig_path);
	unlink(sb->log_path);
	rmdir(sb->dir);
	free(sb->kubeconfig_path);
	free(sb->log_path);
	free(sb);
}

static void expect_whoami(struct sandbox *sb, const char *context, const char *want)
{
	struct kube_client *kc = sandbox_client(sb, context);
	struct ident_result ir = {0};
	kube_whoami(kc, on_ident, &ir);
	assert_int_equal(kube_run_until(sb->loop, &ir.done, 10000), 0);
	if (!ir.ok)
		fail_msg("whoami %s: %s", context, ir.message);
	assert_string_equal(ir.value, want);
	ident_clear(&ir);
	kube_version(kc, on_ident, &ir);
	assert_int_equal(kube_run_until(sb->loop, &ir.done, 10000), 0);
	assert_true(ir.ok);
	assert_string_equal(ir.value, "v1.30.6");
	ident_clear(&ir);
	kube_client_free(kc);
}

static void test_sandbox_whoami_and_version(void **state)
{
	(void)state;
	struct sandbox *sb = sandbox_new();
	http_set_read_only(sb->http, true);
	expect_whoami(sb, "ops", "sandbox-admin");            /* client certificate */
	expect_whoami(sb, "ops-viewer", "sandbox-viewer");    /* bearer token */
	char *log = sandbox_log(sb);
	assert_non_null(strstr(log, "sandbox-viewer POST /clusters/ops/apis/authentication.k8s.io"
				    "/v1/selfsubjectreviews 201"));
	free(log);
	sandbox_free(sb);
}

static void run_sandbox_list(struct sandbox *sb, struct kube_client *kc,
			     const struct kube_list_options *o, struct list_result *lr)
{
	memset(lr, 0, sizeof(*lr));
	kube_list(kc, o, on_list, lr);
	assert_int_equal(kube_run_until(sb->loop, &lr->done, 20000), 0);
	if (!lr->ok)
		fail_msg("list %s: %s", o->resource, lr->message);
}

/* The scenario's Argo CD Applications carry sync and health status but no Ready/Synced
 * conditions: asking for conditions must leave the server's columns as they are. */
static void test_sandbox_applications_keep_server_columns(void **state)
{
	(void)state;
	struct sandbox *sb = sandbox_new();
	struct kube_client *kc = sandbox_client(sb, "ops-viewer");
	struct kube_list_options o = {0};
	o.resource = "applications.argoproj.io";
	o.namespace = "argocd";
	o.limit = 25;   /* three pages */
	struct list_result plain, cond;
	run_sandbox_list(sb, kc, &o, &plain);
	o.conditions = true;
	run_sandbox_list(sb, kc, &o, &cond);
	assert_int_equal(cond.t->nrows, 60);
	assert_int_equal(plain.t->nrows, 60);
	assert_int_equal(cond.t->ncols, plain.t->ncols);
	for (size_t c = 0; c < cond.t->ncols; c++)
		assert_string_equal(cond.t->cols[c].name, plain.t->cols[c].name);
	assert_int_equal(table_column_index(cond.t, "READY"), -1);
	assert_int_equal(table_column_index(cond.t, "SYNCED"), -1);
	assert_string_equal(cond.t->rows[59].cells[0], plain.t->rows[59].cells[0]);
	assert_string_equal(cond.t->rows[59].uid, plain.t->rows[59].uid);
	char *log = sandbox_log(sb);
	assert_non_null(strstr(log, "/clusters/ops/apis/argoproj.io/v1alpha1/namespaces/argocd/"
				    "applications?includeObject=Object&limit=25"));
	assert_non_null(strstr(log, "applications?includeObject=Metadata&limit=25"));
	free(log);
	list_result_clear(&plain);
	list_result_clear(&cond);
	kube_client_free(kc);
	sandbox_free(sb);
}

struct json_result {
	bool done, ok;
	char *message;
};

static void on_json(void *ud, const struct kube_result *res, json_t *obj)
{
	struct json_result *jr = ud;
	jr->done = true;
	jr->ok = res->ok;
	jr->message = res->message ? xstrdup(res->message) : NULL;
	json_decref(obj);
}

static void sandbox_send(struct sandbox *sb, struct kube_client *kc, const char *method,
			 const char *path, const char *body, const char *ctype)
{
	struct json_result jr = {0};
	kube_request(kc, method, path, body, ctype, on_json, &jr);
	assert_int_equal(kube_run_until(sb->loop, &jr.done, 10000), 0);
	if (!jr.ok)
		fail_msg("%s %s: %s", method, path, jr.message);
	free(jr.message);
}

#define APPS_PATH "/apis/argoproj.io/v1alpha1/namespaces/argocd/applications"

static char *app_json(const char *name, const char *conditions)
{
	return xasprintf("{\"apiVersion\":\"argoproj.io/v1alpha1\",\"kind\":\"Application\","
			 "\"metadata\":{\"name\":\"%s\",\"namespace\":\"argocd\",\"labels\":"
			 "{\"opsdeck.dev/test\":\"conditions\"}},\"spec\":{\"project\":"
			 "\"default\"}%s%s%s}", name, conditions ? ",\"status\":{\"conditions\":" : "",
			 conditions ? conditions : "", conditions ? "}" : "");
}

struct cond_watch {
	struct table *synced;
	int nsynced;
	struct table *modified;   /* a copy of the last MODIFIED row */
	char *names;              /* the MODIFIED row's column names, '|'-joined */
};

static void cw_synced(void *ud, struct table *t)
{
	struct cond_watch *cw = ud;
	table_free(cw->synced);
	cw->synced = t;
	cw->nsynced++;
}

static void cw_event(void *ud, enum kube_event_type type, const struct table *row)
{
	struct cond_watch *cw = ud;
	if (type != KUBE_EVENT_MODIFIED)
		return;
	struct strbuf names = STRBUF_INIT;
	table_free(cw->modified);
	cw->modified = table_new();
	for (size_t c = 0; c < row->ncols; c++) {
		table_add_column(cw->modified, row->cols[c].name, row->cols[c].type, "", 0);
		strbuf_printf(&names, "%s|", row->cols[c].name);
	}
	struct table_row *r = table_add_row(cw->modified);
	for (size_t c = 0; c < row->ncols; c++)
		table_set_cell(r, c, row->rows[0].cells[c]);
	table_set_cell(r, 0, row->rows[0].name);
	free(cw->names);
	cw->names = strbuf_detach(&names);
}

static char *column_names(const struct table *t)
{
	struct strbuf names = STRBUF_INIT;
	for (size_t c = 0; c < t->ncols; c++)
		strbuf_printf(&names, "%s|", t->cols[c].name);
	return strbuf_detach(&names);
}

static const char *cell(const struct table *t, size_t row, const char *column)
{
	int c = table_column_index(t, column);
	assert_true(c >= 0);
	return t->rows[row].cells[c];
}

/* Custom objects with conditions, written through the API: the list gets READY and
 * SYNCED, and a watch's MODIFIED event arrives with exactly the list's columns. */
static void test_sandbox_conditions_list_and_watch(void **state)
{
	(void)state;
	struct sandbox *sb = sandbox_new();
	struct kube_client *kc = sandbox_client(sb, "ops");
	char *a = app_json("cond-a", "[{\"type\":\"Ready\",\"status\":\"True\"},{\"type\":"
				     "\"Synced\",\"status\":\"False\",\"reason\":\"ComparisonError\"}]");
	char *b = app_json("cond-b", NULL);
	sandbox_send(sb, kc, "POST", APPS_PATH, a, NULL);
	sandbox_send(sb, kc, "POST", APPS_PATH, b, NULL);
	free(a);
	free(b);

	struct kube_list_options o = {0};
	o.resource = "Application";
	o.namespace = "argocd";
	o.label_selector = "opsdeck.dev/test=conditions";
	o.conditions = true;
	struct list_result lr;
	run_sandbox_list(sb, kc, &o, &lr);
	assert_int_equal(lr.t->nrows, 2);
	assert_string_equal(lr.t->cols[lr.t->ncols - 2].name, "READY");
	assert_string_equal(lr.t->cols[lr.t->ncols - 1].name, "SYNCED");
	assert_string_equal(lr.t->rows[0].name, "cond-a");
	assert_string_equal(cell(lr.t, 0, "READY"), "True");
	assert_string_equal(cell(lr.t, 0, "SYNCED"), "False (ComparisonError)");
	assert_string_equal(cell(lr.t, 1, "READY"), "");
	assert_string_equal(cell(lr.t, 1, "SYNCED"), "");
	char *list_names = column_names(lr.t);

	struct cond_watch cw = {0};
	struct kube_watch_callbacks cbs = {cw_synced, cw_event, NULL};
	struct kube_watch *w = kube_watch_start(kc, &o, &cbs, &cw);
	long long end = loop_now_ms() + 10000;
	while (loop_now_ms() < end && kube_watch_status(w)->state != KUBE_WATCH_CONNECTED)
		loop_run_once(sb->loop, 20);
	assert_int_equal(kube_watch_status(w)->state, KUBE_WATCH_CONNECTED);
	assert_int_equal(cw.nsynced, 1);
	char *synced_names = column_names(cw.synced);
	assert_string_equal(synced_names, list_names);

	sandbox_send(sb, kc, "PATCH", APPS_PATH "/cond-a",
		     "{\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"False\","
		     "\"reason\":\"Degraded\"},{\"type\":\"Synced\",\"status\":\"True\"}]}}",
		     "application/merge-patch+json");
	end = loop_now_ms() + 10000;
	while (loop_now_ms() < end && !cw.modified)
		loop_run_once(sb->loop, 20);
	assert_non_null(cw.modified);
	assert_string_equal(cw.names, list_names);
	assert_string_equal(cw.modified->rows[0].cells[0], "cond-a");
	assert_string_equal(cell(cw.modified, 0, "READY"), "False (Degraded)");
	assert_string_equal(cell(cw.modified, 0, "SYNCED"), "True");
	char *log = sandbox_log(sb);
	assert_non_null(strstr(log, "includeObject=Object&watch=1"));
	free(log);

	kube_watch_stop(w);
	table_free(cw.synced);
	table_free(cw.modified);
	free(cw.names);
	free(synced_names);
	free(list_names);
	list_result_clear(&lr);
	kube_client_free(kc);
	sandbox_free(sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list_pages_aggregated),
		cmocka_unit_test(test_list_pages_legacy),
		cmocka_unit_test(test_errors_are_one_clear_message),
		cmocka_unit_test(test_watch_relist_reconnect_retry_after),
		cmocka_unit_test(test_watch_conditions_decided_once),
		cmocka_unit_test(test_whoami_falls_back_to_v1beta1),
		cmocka_unit_test(test_version_unreachable),
		cmocka_unit_test(test_sandbox_whoami_and_version),
		cmocka_unit_test(test_sandbox_applications_keep_server_columns),
		cmocka_unit_test(test_sandbox_conditions_list_and_watch),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
