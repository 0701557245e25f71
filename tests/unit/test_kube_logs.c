/* Tests for clients/kube_logs (one stream and the fan-in) against the in-process
 * sandbox over HTTPS: tail, since, previous, a multi-container pod, a deployment fan-in,
 * follow receiving new lines and a new pod, hostile lines arriving inert, a missing pod;
 * and against a scripted server: lines split across chunks, a last line without newline,
 * and a reconnect after the server cut the stream, with a gap and no duplicates. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clients/http.h"
#include "clients/kube.h"
#include "clients/kube_logs.h"
#include "core/loop.h"
#include "core/sanitize.h"
#include "core/xalloc.h"
#include "sandbox/auth.h"
#include "sandbox/certs.h"
#include "sandbox/loggen.h"
#include "sandbox/objstore.h"
#include "sandbox/server.h"
#include "tests/support/script_server.h"
#include "tests/support/tmpdir.h"

#define INTERVAL_MS 250

static struct certs certs;

struct fixture {
	char dir[64];
	char *log_path;
	struct server srv;
	struct objstore_cluster *cl;
	struct loop *loop;
	struct http *http;
	struct kube_client *kc;
	time_t now;
};

static json_t *ann(const char *style)
{
	char iv[16];
	snprintf(iv, sizeof(iv), "%d", INTERVAL_MS);
	return json_pack("{s:s,s:s}", "sandbox.opsdeck.dev/log-style", style,
			 "sandbox.opsdeck.dev/log-interval-ms", iv);
}

static json_t *running_status(const char *name, const char *started)
{
	return json_pack("{s:s,s:i,s:b,s:{s:{s:s}}}", "name", name, "restartCount", 0, "ready", 1,
			 "state", "running", "startedAt", started);
}

/* A pod with containers names[0..n) running since `started`. */
static json_t *make_pod(const char *name, const char *app, const char *style,
			const char *const *names, size_t n, const char *started)
{
	json_t *ctrs = json_array(), *st = json_array();
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(ctrs, json_pack("{s:s,s:s}", "name", names[i], "image", "x:1"));
		json_array_append_new(st, running_status(names[i], started));
	}
	return json_pack("{s:s,s:s,s:{s:s,s:s,s:{s:s},s:o},s:{s:o,s:s},s:{s:s,s:o}}",
			 "apiVersion", "v1", "kind", "Pod", "metadata", "name", name, "namespace",
			 "shop", "labels", "app", app, "annotations", ann(style), "spec",
			 "containers", ctrs, "restartPolicy", "Always", "status", "phase",
			 "Running", "containerStatuses", st);
}

static json_t *sandbox_objects(time_t now)
{
	char started[32], prev_start[32], prev_end[32];
	objstore_format_time(now - 20, started, sizeof(started));
	objstore_format_time(now - 100, prev_start, sizeof(prev_start));
	objstore_format_time(now - 90, prev_end, sizeof(prev_end));
	static const char *const one[] = {"main"}, *const two[] = {"app", "sidecar"};
	json_t *objs = json_pack("[{s:s,s:s,s:{s:s}},{s:s,s:s,s:{s:s}}]", "apiVersion", "v1",
				 "kind", "Namespace", "metadata", "name", "shop", "apiVersion",
				 "v1", "kind", "Node", "metadata", "name", "node-1");
	json_array_append_new(objs, json_pack(
		"{s:s,s:s,s:{s:s,s:s},s:{s:i,s:{s:{s:s}},s:{s:{s:{s:s}},s:{s:[{s:s,s:s}]}}}}",
		"apiVersion", "apps/v1", "kind", "Deployment", "metadata", "name", "web",
		"namespace", "shop", "spec", "replicas", 2, "selector", "matchLabels", "app", "web",
		"template", "metadata", "labels", "app", "web", "spec", "containers", "name", "main",
		"image", "x:1"));
	json_array_append_new(objs, make_pod("web-a", "web", "text", one, 1, started));
	json_array_append_new(objs, make_pod("web-b", "web", "text", one, 1, started));
	json_array_append_new(objs, make_pod("multi", "multi", "json", two, 2, started));
	json_array_append_new(objs, make_pod("evil", "evil", "hostile", one, 1, started));
	json_t *crash = make_pod("crash", "crash", "text", one, 1, started);
	json_t *cs = json_array_get(json_object_get(json_object_get(crash, "status"),
						    "containerStatuses"), 0);
	json_object_set_new(cs, "restartCount", json_integer(3));
	json_object_set_new(cs, "lastState", json_pack("{s:{s:i,s:s,s:s}}", "terminated",
		"exitCode", 1, "startedAt", prev_start, "finishedAt", prev_end));
	json_array_append_new(objs, crash);
	json_t *loop = json_deep_copy(json_array_get(objs, json_array_size(objs) - 1));
	json_object_set_new(json_object_get(loop, "metadata"), "name", json_string("looping"));
	cs = json_array_get(json_object_get(json_object_get(loop, "status"), "containerStatuses"), 0);
	json_object_set_new(cs, "state", json_pack("{s:{s:s}}", "waiting", "reason",
						   "CrashLoopBackOff"));
	json_array_append_new(objs, loop);
	/* initialising: its init container runs, its own container waits */
	json_t *init = make_pod("initing", "initing", "text", one, 1, started);
	json_object_set_new(json_object_get(init, "spec"), "initContainers",
			    json_pack("[{s:s,s:s}]", "name", "migrate", "image", "x:1"));
	json_object_set_new(json_object_get(init, "status"), "initContainerStatuses",
			    json_pack("[o]", running_status("migrate", started)));
	cs = json_array_get(json_object_get(json_object_get(init, "status"), "containerStatuses"), 0);
	json_object_set_new(cs, "state", json_pack("{s:{s:s}}", "waiting", "reason",
						   "PodInitializing"));
	json_array_append_new(objs, init);
	return objs;
}

static void on_discovered(void *ud, const struct kube_discovery *disc, const char *err)
{
	assert_null(err);
	assert_non_null(disc);
	*(bool *)ud = true;
}

static struct kube_client *client_for(struct loop *loop, struct http *http, const char *server,
				      bool tls)
{
	struct kube_context ctx;
	memset(&ctx, 0, sizeof(ctx));
	ctx.name = xstrdup("test");
	ctx.namespace = xstrdup("shop");
	ctx.server = xstrdup(server);
	if (tls) {
		ctx.ca_data = certs.ca_pem;
		ctx.client_cert_data = certs.admin_cert_pem;
		ctx.client_key_data = certs.admin_key_pem;
	}
	struct kube_client *kc = kube_client_new(loop, http, NULL, &ctx);
	free(ctx.server);
	free(ctx.name);
	free(ctx.namespace);
	return kc;
}

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));
	test_tmp_template(f->dir, sizeof(f->dir), "test_kube_logs.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	f->log_path = xasprintf("%s/requests.log", f->dir);
	objstore_init(&f->srv.store, 10000);
	f->srv.certs = certs;
	char err[256];
	assert_int_equal(auth_init(&f->srv.auth, &f->srv.certs, err, sizeof(err)), 0);
	f->srv.log = fopen(f->log_path, "w");
	assert_non_null(f->srv.log);
	f->cl = objstore_add_cluster(&f->srv.store, "test", false);
	f->now = time(NULL);
	json_t *objs = sandbox_objects(f->now);
	objstore_load_objects(&f->srv.store, f->cl, objs);
	json_decref(objs);
	assert_int_equal(server_start(&f->srv, 0, err, sizeof(err)), 0);
	f->loop = loop_new();
	f->http = http_new(f->loop);
	char *server = xasprintf("%s/clusters/test", f->srv.base_url);
	f->kc = client_for(f->loop, f->http, server, true);
	free(server);
	bool done = false;
	kube_discover(f->kc, on_discovered, &done);
	assert_int_equal(kube_run_until(f->loop, &done, 10000), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	kube_client_free(f->kc);
	http_free(f->http);
	loop_free(f->loop);
	server_stop(&f->srv);
	objstore_free(&f->srv.store);
	fclose(f->srv.log);
	unlink(f->log_path);
	rmdir(f->dir);
	free(f->log_path);
	free(f);
	return 0;
}

/* ---- what a stream or set delivered ---- */

#define MAX_GOT 4096

struct got {
	size_t n;
	long long time_ms[MAX_GOT];
	unsigned source[MAX_GOT];
	char *text[MAX_GOT];
	char *sources[16];
	size_t nsources;
	char *gaps[16];
	size_t ngaps;
	char *markers[16];
	size_t nmarkers;
	enum kube_log_state st;
	unsigned streaming;
	char *error;
	bool done;            /* reached ENDED or FAILED */
	size_t stop_after;    /* > 0: done after this many lines */
};

static void got_line(struct got *g, unsigned src, long long t, const char *text, size_t len)
{
	assert_null(memchr(text, 0, len));   /* a NUL would have been made "^@" */
	if (g->n < MAX_GOT) {
		g->time_ms[g->n] = t;
		g->source[g->n] = src;
		g->text[g->n] = xstrndup(text, len);
		g->n++;
	}
	if (g->stop_after && g->n >= g->stop_after)
		g->done = true;
}

static void got_free(struct got *g)
{
	for (size_t i = 0; i < g->n; i++)
		free(g->text[i]);
	for (size_t i = 0; i < g->nsources; i++)
		free(g->sources[i]);
	for (size_t i = 0; i < g->ngaps; i++)
		free(g->gaps[i]);
	for (size_t i = 0; i < g->nmarkers; i++)
		free(g->markers[i]);
	free(g->error);
	memset(g, 0, sizeof(*g));
}

static void s_line(void *ud, long long t, const char *text, size_t len)
{
	got_line(ud, 0, t, text, len);
}

static void s_gap(void *ud, const char *text)
{
	struct got *g = ud;
	if (g->ngaps < 16)
		g->gaps[g->ngaps++] = xstrdup(text);
}

static void s_state(void *ud, enum kube_log_state st, const char *error)
{
	struct got *g = ud;
	g->st = st;
	if (error) {
		free(g->error);
		g->error = xstrdup(error);
	}
	if (st == KUBE_LOG_ENDED || st == KUBE_LOG_FAILED)
		g->done = true;
}

static const struct kube_log_stream_callbacks stream_cbs = {s_line, s_gap, s_state};

static void set_source(void *ud, unsigned index, const char *name)
{
	struct got *g = ud;
	assert_int_equal(index, g->nsources);
	g->sources[g->nsources++] = xstrdup(name);
}

static void set_line(void *ud, unsigned index, long long t, const char *text, size_t len)
{
	got_line(ud, index, t, text, len);
}

static void set_marker(void *ud, unsigned index, bool gap, const char *text)
{
	struct got *g = ud;
	(void)index;
	(void)gap;
	if (g->nmarkers < 16)
		g->markers[g->nmarkers++] = xstrdup(text);
}

static void set_state(void *ud, enum kube_log_state st, unsigned streaming, const char *error)
{
	struct got *g = ud;
	g->streaming = streaming;
	s_state(ud, st, error);
}

static const struct kube_logset_callbacks set_cbs = {set_source, set_line, set_marker, set_state};

static struct kube_log_options opts_tail(long long tail)
{
	struct kube_log_options o = {tail, 0, false, false};
	return o;
}

/* The text loggen gives line idx of pod/container, sanitised as the stream does. */
static char *expected_line(const char *pod, const char *container, enum loggen_style style,
			   bool previous, time_t start, uint64_t idx)
{
	struct loggen_stream gen;
	memset(&gen, 0, sizeof(gen));
	gen.pod = pod;
	gen.container = container;
	gen.style = style;
	gen.previous = previous;
	gen.start = start;
	gen.interval_ms = INTERVAL_MS;
	char buf[8192];
	size_t n = loggen_format(&gen, idx, false, buf, sizeof(buf));
	if (n && buf[n - 1] == '\n')
		n--;
	return sanitize_text(buf, n, SANITIZE_KEEP_TAB | SANITIZE_DROP_SGR);
}

/* Every line is loggen's line for its time, and consecutive. */
static void assert_lines_match(const struct got *g, const char *pod, const char *container,
			       time_t start, bool previous)
{
	long long prev_idx = -1;
	for (size_t i = 0; i < g->n; i++) {
		long long idx = (g->time_ms[i] - start * 1000LL) / INTERVAL_MS;
		assert_true(idx >= 0);
		if (prev_idx >= 0)
			assert_int_equal(idx, prev_idx + 1);
		prev_idx = idx;
		char *want = expected_line(pod, container, LOGGEN_TEXT, previous, start,
					   (uint64_t)idx);
		assert_string_equal(g->text[i], want);
		free(want);
	}
}

static void run(struct fixture *f, struct got *g, long long ms)
{
	kube_run_until(f->loop, &g->done, ms);
}

/* ---- one stream against the sandbox ---- */

static void test_tail(void **state)
{
	struct fixture *f = *state;
	struct got g = {0};
	struct kube_log_options o = opts_tail(5);
	struct kube_log_stream *s = kube_log_stream_start(f->kc, "shop", "web-a", NULL, &o,
							  &stream_cbs, &g);
	assert_int_equal(g.n, 0);   /* nothing inside start */
	run(f, &g, 10000);
	assert_int_equal(g.st, KUBE_LOG_ENDED);
	assert_null(g.error);
	assert_int_equal(g.n, 5);
	assert_lines_match(&g, "web-a", "main", f->now - 20, false);
	assert_true(g.time_ms[4] <= (long long)time(NULL) * 1000 + 1000);
	kube_log_stream_stop(s);
	got_free(&g);
}

static void test_since(void **state)
{
	struct fixture *f = *state;
	struct got g = {0};
	struct kube_log_options o = {-1, 3, false, false};
	long long asked = (long long)time(NULL);
	struct kube_log_stream *s = kube_log_stream_start(f->kc, NULL, "web-b", "main", &o,
							  &stream_cbs, &g);
	run(f, &g, 10000);
	assert_int_equal(g.st, KUBE_LOG_ENDED);
	/* 3 s at 4 lines a second, give or take the second boundaries */
	assert_in_range(g.n, 8, 20);
	for (size_t i = 0; i < g.n; i++)
		assert_true(g.time_ms[i] >= (asked - 4) * 1000);
	assert_lines_match(&g, "web-b", "main", f->now - 20, false);
	kube_log_stream_stop(s);
	got_free(&g);
}

static void test_previous(void **state)
{
	struct fixture *f = *state;
	struct got g = {0};
	struct kube_log_options o = {-1, 0, false, true};
	struct kube_log_stream *s = kube_log_stream_start(f->kc, "shop", "crash", "main", &o,
							  &stream_cbs, &g);
	run(f, &g, 10000);
	assert_int_equal(g.st, KUBE_LOG_ENDED);
	assert_true(g.n > 10);
	for (size_t i = 0; i < g.n; i++) {
		assert_true(g.time_ms[i] >= (f->now - 100) * 1000LL);
		assert_true(g.time_ms[i] <= (f->now - 90) * 1000LL);
	}
	kube_log_stream_stop(s);
	size_t n_previous = g.n;
	got_free(&g);

	/* Following a previous instance: its log is whole, so the stream ends once, with no
	 * reconnect and no gap marker, and the same lines. */
	struct got g3 = {0};
	struct kube_log_options of = {-1, 0, true, true};
	s = kube_log_stream_start(f->kc, "shop", "crash", "main", &of, &stream_cbs, &g3);
	run(f, &g3, 10000);
	assert_int_equal(g3.st, KUBE_LOG_ENDED);
	assert_int_equal(g3.ngaps, 0);
	assert_int_equal(g3.n, n_previous);
	kube_log_stream_stop(s);
	got_free(&g3);

	/* A pod that never restarted has no previous instance: the server's 400. */
	struct got g2 = {0};
	s = kube_log_stream_start(f->kc, "shop", "web-a", "main", &o, &stream_cbs, &g2);
	run(f, &g2, 10000);
	assert_int_equal(g2.st, KUBE_LOG_FAILED);
	assert_non_null(strstr(g2.error, "previous terminated container"));
	kube_log_stream_stop(s);
	got_free(&g2);
}

static void test_missing_pod(void **state)
{
	struct fixture *f = *state;
	struct got g = {0};
	struct kube_log_options o = opts_tail(-1);
	o.follow = true;
	struct kube_log_stream *s = kube_log_stream_start(f->kc, "shop", "nope", NULL, &o,
							  &stream_cbs, &g);
	run(f, &g, 10000);
	assert_int_equal(g.st, KUBE_LOG_FAILED);
	assert_int_equal(kube_log_stream_state(s), KUBE_LOG_FAILED);
	assert_non_null(strstr(g.error, "\"nope\" not found"));
	assert_int_equal(g.n, 0);
	kube_log_stream_stop(s);
	got_free(&g);
}

static void test_hostile_inert(void **state)
{
	struct fixture *f = *state;
	struct got g = {0};
	struct kube_log_options o = opts_tail(-1);
	struct kube_log_stream *s = kube_log_stream_start(f->kc, "shop", "evil", NULL, &o,
							  &stream_cbs, &g);
	run(f, &g, 10000);
	assert_int_equal(g.st, KUBE_LOG_ENDED);
	assert_true(g.n > 20);
	bool saw_caret_esc = false;
	for (size_t i = 0; i < g.n; i++) {
		const unsigned char *p = (const unsigned char *)g.text[i];
		for (; *p; p++) {
			assert_true(*p >= 0x20 || *p == '\t');
			assert_true(*p != 0x7f);
			if (p[0] == 0xc2)
				assert_false(p[1] >= 0x80 && p[1] <= 0x9f);
		}
		saw_caret_esc |= strstr(g.text[i], "^[") != NULL;
	}
	assert_true(saw_caret_esc);   /* the hostile sequences are there, shown inert */
	kube_log_stream_stop(s);
	got_free(&g);
}

static void test_follow_new_lines(void **state)
{
	struct fixture *f = *state;
	struct got g = {0};
	struct kube_log_options o = {1, 0, true, false};
	g.stop_after = 7;   /* 1 from the tail, then at least 6 new ones (~1.5 s) */
	struct kube_log_stream *s = kube_log_stream_start(f->kc, "shop", "web-a", NULL, &o,
							  &stream_cbs, &g);
	run(f, &g, 8000);
	assert_true(g.n >= 7);
	assert_int_equal(g.st, KUBE_LOG_STREAMING);
	assert_int_equal(kube_log_stream_state(s), KUBE_LOG_STREAMING);
	assert_lines_match(&g, "web-a", "main", f->now - 20, false);
	kube_log_stream_stop(s);
	got_free(&g);
}

/* ---- the sandbox behaves like the kubelet ---- */

static void on_request_done(void *ud, const struct kube_result *res, json_t *obj)
{
	json_decref(obj);
	*(long *)ud = res->ok ? 200 : res->http_status ? res->http_status : -1;
}

/* A crash-looping container's log is its last instance's (the same as --previous), and
 * following it ends at once: that instance is over. */
static void test_sandbox_crashloop(void **state)
{
	struct fixture *f = *state;
	struct got cur = {0}, prev = {0};
	struct kube_log_options o = opts_tail(-1);
	struct kube_log_stream *s = kube_log_stream_start(f->kc, "shop", "looping", NULL, &o,
							  &stream_cbs, &cur);
	run(f, &cur, 10000);
	kube_log_stream_stop(s);
	o.previous = true;
	s = kube_log_stream_start(f->kc, "shop", "looping", NULL, &o, &stream_cbs, &prev);
	run(f, &prev, 10000);
	kube_log_stream_stop(s);
	assert_int_equal(cur.st, KUBE_LOG_ENDED);
	assert_true(cur.n > 10);
	assert_int_equal(cur.n, prev.n);
	for (size_t i = 0; i < cur.n; i++)
		assert_string_equal(cur.text[i], prev.text[i]);
	assert_true(cur.time_ms[cur.n - 1] <= (f->now - 90) * 1000LL);
	got_free(&cur);
	got_free(&prev);

	long status = 0;
	kube_request(f->kc, "GET", "/api/v1/namespaces/shop/pods/looping/log?follow=true",
		     NULL, NULL, on_request_done, &status);
	long long until = loop_now_ms() + 5000;
	while (!status && loop_now_ms() < until)
		loop_run_once(f->loop, 100);
	assert_int_equal(status, 200);
}

/* Following a running container ends when that instance ends (it crashed). */
static void test_sandbox_follow_ends_with_instance(void **state)
{
	struct fixture *f = *state;
	long status = 0;
	kube_request(f->kc, "GET", "/api/v1/namespaces/shop/pods/web-a/log?follow=true&tailLines=1",
		     NULL, NULL, on_request_done, &status);
	long long until = loop_now_ms() + 700;
	while (loop_now_ms() < until)
		loop_run_once(f->loop, 100);
	assert_int_equal(status, 0);   /* still following */
	const struct resource *pods = resource_find(&f->cl->resources, "", "v1", "pods");
	pthread_mutex_lock(&f->srv.store.lock);
	json_t *pod = json_deep_copy(objstore_get(f->cl, pods, "shop", "web-a"));
	json_t *cs = json_array_get(json_object_get(json_object_get(pod, "status"),
						    "containerStatuses"), 0);
	json_object_set_new(cs, "state", json_pack("{s:{s:s}}", "waiting", "reason",
						   "CrashLoopBackOff"));
	json_object_del(json_object_get(pod, "metadata"), "resourceVersion");
	assert_int_equal(objstore_update(&f->srv.store, f->cl, pods, pod, false, NULL), 0);
	pthread_mutex_unlock(&f->srv.store.lock);
	until = loop_now_ms() + 5000;
	while (!status && loop_now_ms() < until)
		loop_run_once(f->loop, 100);
	assert_int_equal(status, 200);
}

/* ---- the fan-in against the sandbox ---- */

static void test_set_multi_container(void **state)
{
	struct fixture *f = *state;
	struct got g = {0};
	struct kube_logset_target t = {0};
	t.pod = "multi";
	struct kube_log_options o = opts_tail(3);
	struct kube_logset *set = kube_logset_start(f->kc, &t, &o, &set_cbs, &g);
	run(f, &g, 10000);
	assert_int_equal(g.st, KUBE_LOG_ENDED);
	assert_int_equal(g.nsources, 2);
	assert_string_equal(g.sources[0], "multi/app");
	assert_string_equal(g.sources[1], "multi/sidecar");
	assert_int_equal(g.n, 6);
	size_t per[2] = {0, 0};
	for (size_t i = 0; i < g.n; i++) {
		per[g.source[i]]++;
		assert_int_equal(g.text[i][0], '{');   /* json style */
	}
	assert_int_equal(per[0], 3);
	assert_int_equal(per[1], 3);
	kube_logset_stop(set);
	got_free(&g);

	/* The container filter: one source, named after the pod alone. */
	t.container = "sidecar";
	set = kube_logset_start(f->kc, &t, &o, &set_cbs, &g);
	run(f, &g, 10000);
	assert_int_equal(g.nsources, 1);
	assert_string_equal(g.sources[0], "multi");
	assert_int_equal(g.n, 3);
	kube_logset_stop(set);
	got_free(&g);
}

/* While a pod initialises, its running init container is what there is to read. */
static void test_set_init_container(void **state)
{
	struct fixture *f = *state;
	struct got g = {0};
	struct kube_logset_target t = {0};
	t.pod = "initing";
	struct kube_log_options o = opts_tail(4);
	struct kube_logset *set = kube_logset_start(f->kc, &t, &o, &set_cbs, &g);
	run(f, &g, 10000);
	assert_int_equal(g.st, KUBE_LOG_ENDED);
	assert_int_equal(g.nsources, 1);
	assert_string_equal(g.sources[0], "initing/migrate");
	assert_int_equal(g.n, 4);
	kube_logset_stop(set);
	got_free(&g);
}

static void test_set_deployment(void **state)
{
	struct fixture *f = *state;
	struct got g = {0};
	struct kube_logset_target t = {0};
	t.namespace = "shop";
	t.workload = "deploy/web";
	struct kube_log_options o = opts_tail(2);
	struct kube_logset *set = kube_logset_start(f->kc, &t, &o, &set_cbs, &g);
	run(f, &g, 10000);
	assert_int_equal(g.st, KUBE_LOG_ENDED);
	assert_int_equal(g.nsources, 2);
	bool a = false, b = false;
	for (size_t i = 0; i < 2; i++) {
		a |= !strcmp(g.sources[i], "web-a");
		b |= !strcmp(g.sources[i], "web-b");
	}
	assert_true(a && b);
	assert_int_equal(g.n, 4);
	kube_logset_stop(set);
	got_free(&g);

	/* A workload that does not exist: the server's message. */
	t.workload = "deployment/ghost";
	set = kube_logset_start(f->kc, &t, &o, &set_cbs, &g);
	run(f, &g, 10000);
	assert_int_equal(g.st, KUBE_LOG_FAILED);
	assert_non_null(strstr(g.error, "\"ghost\" not found"));
	kube_logset_stop(set);
	got_free(&g);
}

static void store_create_pod(struct fixture *f, json_t *pod)
{
	const struct resource *pods = resource_find(&f->cl->resources, "", "v1", "pods");
	pthread_mutex_lock(&f->srv.store.lock);
	assert_int_equal(objstore_create(&f->srv.store, f->cl, pods, pod, false, NULL), 0);
	pthread_mutex_unlock(&f->srv.store.lock);
}

static void store_delete_pod(struct fixture *f, const char *name)
{
	const struct resource *pods = resource_find(&f->cl->resources, "", "v1", "pods");
	pthread_mutex_lock(&f->srv.store.lock);
	assert_int_equal(objstore_delete(&f->srv.store, f->cl, pods, "shop", name,
					 OBJSTORE_BACKGROUND, false, NULL), 0);
	pthread_mutex_unlock(&f->srv.store.lock);
}

static bool has_marker(const struct got *g, const char *text)
{
	for (size_t i = 0; i < g->nmarkers; i++)
		if (strstr(g->markers[i], text))
			return true;
	return false;
}

static void test_set_follow_adds_pods(void **state)
{
	struct fixture *f = *state;
	struct got g = {0};
	struct kube_logset_target t = {0};
	t.workload = "deploy/web";
	struct kube_log_options o = {0, 0, true, false};
	struct kube_logset *set = kube_logset_start(f->kc, &t, &o, &set_cbs, &g);
	while (g.nsources < 2 || g.streaming < 2)
		assert_int_equal(loop_run_once(f->loop, 5000) > 0, 1);
	char started[32];
	objstore_format_time(time(NULL) - 5, started, sizeof(started));
	static const char *const one[] = {"main"};
	store_create_pod(f, make_pod("web-c", "web", "text", one, 1, started));
	long long until = loop_now_ms() + 8000;
	while ((g.nsources < 3 || !has_marker(&g, "pod web-c started")) && loop_now_ms() < until)
		loop_run_once(f->loop, 200);
	assert_int_equal(g.nsources, 3);
	assert_string_equal(g.sources[2], "web-c");
	/* lines of the new pod arrive */
	until = loop_now_ms() + 5000;
	bool c_line = false;
	while (!c_line && loop_now_ms() < until) {
		loop_run_once(f->loop, 200);
		for (size_t i = 0; i < g.n; i++)
			c_line |= g.source[i] == 2;
	}
	assert_true(c_line);
	store_delete_pod(f, "web-c");
	until = loop_now_ms() + 8000;
	while (!has_marker(&g, "pod web-c gone") && loop_now_ms() < until)
		loop_run_once(f->loop, 200);
	assert_true(has_marker(&g, "pod web-c gone"));
	assert_int_equal(g.st, KUBE_LOG_STREAMING);   /* still watching for pods */
	kube_logset_stop(set);
	got_free(&g);
}

/* ---- a scripted server: chunking and reconnects ---- */

struct script {
	int log_requests;
	int pod_requests;
	char since_time[64];
};

#define T1 "2024-05-01T12:00:01.100000000Z "
#define T2 "2024-05-01T12:00:02.200000000Z "
#define T3 "2024-05-01T12:00:03.300000000Z "

static const char pod_json[] =
	"{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"p\",\"namespace\":\"shop\"},"
	"\"spec\":{\"restartPolicy\":\"Always\",\"containers\":[{\"name\":\"main\"}]},"
	"\"status\":{\"phase\":\"Running\",\"containerStatuses\":[{\"name\":\"main\",\"state\":"
	"{\"running\":{\"startedAt\":\"2024-05-01T12:00:00Z\"}}}]}}";

static void send_plain_head(int fd)
{
	script_send_str(fd, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n");
}

static bool serve_chunks(struct script_server *srv, int fd, const struct script_request *req,
			 void *ud)
{
	(void)srv;
	(void)ud;
	if (!strstr(req->path, "/log?")) {
		script_reply(fd, 404, "application/json", NULL, "{}");
		return false;
	}
	send_plain_head(fd);
	script_send_str(fd, T1 "first line\n" T2 "sec");
	usleep(100 * 1000);
	script_send_str(fd, "ond line\tkept tab\n" T3 "\x1b[31mred\x1b[0m and \x1b]0;title\x07");
	usleep(100 * 1000);
	script_send_str(fd, "\n" T3 "last without newline");
	return false;
}

static void test_script_chunks(void **state)
{
	(void)state;
	struct script_server *srv = script_server_start(serve_chunks, NULL);
	struct loop *loop = loop_new();
	struct http *http = http_new(loop);
	char *url = script_server_url(srv, "");
	struct kube_client *kc = client_for(loop, http, url, false);
	struct got g = {0};
	struct kube_log_options o = opts_tail(-1);
	struct kube_log_stream *s = kube_log_stream_start(kc, "shop", "p", NULL, &o, &stream_cbs, &g);
	kube_run_until(loop, &g.done, 10000);
	assert_int_equal(g.st, KUBE_LOG_ENDED);
	assert_int_equal(g.n, 4);
	assert_string_equal(g.text[0], "first line");
	assert_int_equal(g.time_ms[0], 1714564801100LL);
	assert_string_equal(g.text[1], "second line\tkept tab");
	assert_int_equal(g.time_ms[1], 1714564802200LL);
	assert_string_equal(g.text[2], "red and ^[]0;title^G");
	assert_string_equal(g.text[3], "last without newline");
	assert_int_equal(g.time_ms[3], 1714564803300LL);
	kube_log_stream_stop(s);
	got_free(&g);
	kube_client_free(kc);
	http_free(http);
	loop_free(loop);
	free(url);
	script_server_stop(srv);
}

/* First connection: L1 at T1, L2 and L3 both at T2, then the server cuts it. The
 * reconnect (sinceTime) repeats from T2 on: L2, L3 again, then L4; the client must give
 * L1..L4 exactly once and one gap. */
static bool serve_reconnect(struct script_server *srv, int fd, const struct script_request *req,
			    void *ud)
{
	struct script *sc = ud;
	(void)srv;
	if (strstr(req->path, "/log?")) {
		const char *since = strstr(req->path, "sinceTime=");
		sc->log_requests++;
		send_plain_head(fd);
		if (!since) {
			script_send_str(fd, T1 "L1\n" T2 "L2\n" T2 "L3\n");
			return false;   /* cut */
		}
		snprintf(sc->since_time, sizeof(sc->since_time), "%.30s", since + 10);
		script_send_str(fd, T2 "L2\n" T2 "L3\n" T3 "L4\n");
		return true;   /* hold open */
	}
	sc->pod_requests++;
	script_reply(fd, 200, "application/json", NULL, pod_json);
	return false;
}

static void test_script_reconnect(void **state)
{
	(void)state;
	struct script sc;
	memset(&sc, 0, sizeof(sc));
	struct script_server *srv = script_server_start(serve_reconnect, &sc);
	struct loop *loop = loop_new();
	struct http *http = http_new(loop);
	char *url = script_server_url(srv, "");
	struct kube_client *kc = client_for(loop, http, url, false);
	struct got g = {0};
	struct kube_log_options o = {-1, 0, true, false};
	struct kube_log_stream *s = kube_log_stream_start(kc, "shop", "p", "main", &o,
							  &stream_cbs, &g);
	long long until = loop_now_ms() + 10000;
	while ((g.n < 4 || g.ngaps < 1) && loop_now_ms() < until)
		loop_run_once(loop, 200);
	/* nothing more comes: no duplicates even later */
	until = loop_now_ms() + 300;
	while (loop_now_ms() < until)
		loop_run_once(loop, 50);
	assert_int_equal(g.n, 4);
	assert_string_equal(g.text[0], "L1");
	assert_string_equal(g.text[1], "L2");
	assert_string_equal(g.text[2], "L3");
	assert_string_equal(g.text[3], "L4");
	assert_int_equal(g.ngaps, 1);
	assert_non_null(strstr(g.gaps[0], "stream dropped at "));
	assert_non_null(strstr(g.gaps[0], "reconnected after "));
	assert_int_equal(g.st, KUBE_LOG_STREAMING);
	assert_int_equal(script_server_read_int(srv, &sc.log_requests), 2);
	assert_true(script_server_read_int(srv, &sc.pod_requests) >= 1);
	script_server_lock(srv);
	assert_non_null(strstr(sc.since_time, "2024-05-01T12%3A00%3A02Z"));
	script_server_unlock(srv);
	kube_log_stream_stop(s);
	got_free(&g);
	kube_client_free(kc);
	http_free(http);
	loop_free(loop);
	free(url);
	script_server_stop(srv);
}

#define BULK_LINES 200000

static bool serve_bulk(struct script_server *srv, int fd, const struct script_request *req,
		       void *ud)
{
	(void)srv;
	(void)req;
	(void)ud;
	send_plain_head(fd);
	static char chunk[1 << 16];
	size_t n = 0;
	for (int i = 0; i < BULK_LINES; i++) {
		/* ~120 bytes a line, as a busy service writes them */
		n += (size_t)snprintf(chunk + n, sizeof(chunk) - n,
				      "2024-05-01T12:%02d:%02d.%09dZ 10.0.0.%d - - \"GET /api/v1/items/%d "
				      "HTTP/1.1\" 200 512 \"-\" \"curl/8.0\" %dms\n",
				      (i / 60000) % 60, (i / 1000) % 60, i % 1000 * 1000000, i % 255, i,
				      i % 97);
		if (sizeof(chunk) - n < 256) {
			script_send(fd, chunk, n);
			n = 0;
		}
	}
	script_send(fd, chunk, n);
	return false;
}

static void count_line(void *ud, long long t, const char *text, size_t len)
{
	struct got *g = ud;
	(void)t;
	(void)text;
	(void)len;
	g->n++;
}

/* Throughput of the per-line path (split, timestamp, sanitiser check, callback): printed,
 * not asserted; the console needs 100,000 lines a second. */
static void test_measure_stream(void **state)
{
	(void)state;
	struct script_server *srv = script_server_start(serve_bulk, NULL);
	struct loop *loop = loop_new();
	struct http *http = http_new(loop);
	char *url = script_server_url(srv, "");
	struct kube_client *kc = client_for(loop, http, url, false);
	struct got g = {0};
	static const struct kube_log_stream_callbacks cbs = {count_line, s_gap, s_state};
	struct kube_log_options o = opts_tail(-1);
	long long t0 = loop_now_ms();
	struct kube_log_stream *s = kube_log_stream_start(kc, "shop", "p", NULL, &o, &cbs, &g);
	kube_run_until(loop, &g.done, 60000);
	long long ms = loop_now_ms() - t0;
	assert_int_equal(g.st, KUBE_LOG_ENDED);
	assert_int_equal(g.n, BULK_LINES);
	printf("# measure: %d log lines of ~120 bytes over HTTP: %lld ms (%.0f lines/s)\n",
	       BULK_LINES, ms, ms ? BULK_LINES * 1000.0 / (double)ms : 0.0);
	kube_log_stream_stop(s);
	g.n = 0;   /* counted, not stored */
	got_free(&g);
	kube_client_free(kc);
	http_free(http);
	loop_free(loop);
	free(url);
	script_server_stop(srv);
}

/* Stopping from inside a line callback is safe. */
static void stop_in_line(void *ud, long long t, const char *text, size_t len)
{
	struct kube_log_stream **sp = ud;
	(void)t;
	(void)text;
	(void)len;
	kube_log_stream_stop(*sp);
	*sp = NULL;
}

static void test_stop_inside_callback(void **state)
{
	struct fixture *f = *state;
	static const struct kube_log_stream_callbacks cbs = {stop_in_line, NULL, NULL};
	struct kube_log_stream *s = NULL;
	struct kube_log_options o = opts_tail(50);
	s = kube_log_stream_start(f->kc, "shop", "web-a", NULL, &o, &cbs, &s);
	long long until = loop_now_ms() + 5000;
	while (s && loop_now_ms() < until)
		loop_run_once(f->loop, 100);
	assert_null(s);
	for (int i = 0; i < 5; i++)
		loop_run_once(f->loop, 20);
}

static void set_stop_in_line(void *ud, unsigned index, long long t, const char *text, size_t len)
{
	struct kube_logset **sp = ud;
	(void)index;
	(void)t;
	(void)text;
	(void)len;
	kube_logset_stop(*sp);
	*sp = NULL;
}

static void test_set_stop_inside_callback(void **state)
{
	struct fixture *f = *state;
	static const struct kube_logset_callbacks cbs = {NULL, set_stop_in_line, NULL, NULL};
	struct kube_logset *set = NULL;
	struct kube_logset_target t = {0};
	t.workload = "deploy/web";
	struct kube_log_options o = {50, 0, true, false};
	set = kube_logset_start(f->kc, &t, &o, &cbs, &set);
	long long until = loop_now_ms() + 5000;
	while (set && loop_now_ms() < until)
		loop_run_once(f->loop, 100);
	assert_null(set);
	for (int i = 0; i < 5; i++)
		loop_run_once(f->loop, 20);
}

static int group_setup(void **state)
{
	(void)state;
	char err[256];
	return certs_generate(&certs, err, sizeof(err));
}

static int group_teardown(void **state)
{
	(void)state;
	certs_free(&certs);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_tail, setup, teardown),
		cmocka_unit_test_setup_teardown(test_since, setup, teardown),
		cmocka_unit_test_setup_teardown(test_previous, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_pod, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_inert, setup, teardown),
		cmocka_unit_test_setup_teardown(test_follow_new_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sandbox_crashloop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sandbox_follow_ends_with_instance, setup, teardown),
		cmocka_unit_test_setup_teardown(test_set_multi_container, setup, teardown),
		cmocka_unit_test_setup_teardown(test_set_deployment, setup, teardown),
		cmocka_unit_test_setup_teardown(test_set_init_container, setup, teardown),
		cmocka_unit_test_setup_teardown(test_set_follow_adds_pods, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stop_inside_callback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_set_stop_inside_callback, setup, teardown),
		cmocka_unit_test(test_script_chunks),
		cmocka_unit_test(test_script_reconnect),
		cmocka_unit_test(test_measure_stream),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
