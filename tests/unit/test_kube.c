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
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clients/http.h"
#include "clients/kube.h"
#include "core/loop.h"
#include "core/strbuf.h"
#include "core/xalloc.h"

/* ---- the scripted server ---- */

struct server {
	int lfd, port;
	pthread_t thread;
	volatile bool stop;
	bool aggregated;        /* answer discovery in the aggregated format */
	pthread_mutex_t lock;
	struct strbuf log;      /* "PATH\n" per request */
	int watches;            /* watch requests seen */
	int held[8];            /* connections left open (a quiet watch) */
	int nheld;
};

static void send_str(int fd, const char *s)
{
	size_t n = strlen(s);
	while (n > 0) {
		ssize_t w = write(fd, s, n);
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

static void reply(int fd, int code, const char *ctype, const char *extra, const char *body)
{
	char *r = xasprintf("HTTP/1.1 %d X\r\nContent-Type: %s\r\n%sContent-Length: %zu\r\n"
			    "Connection: close\r\n\r\n%s", code, ctype, extra ? extra : "",
			    strlen(body), body);
	send_str(fd, r);
	free(r);
}

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

static void stream_head(int fd)
{
	send_str(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
		     "Connection: close\r\n\r\n");
}

/* The watch script: see the file comment. Returns true to keep the connection open. */
static bool serve_watch(struct server *s, int fd, int n)
{
	char *a, *b;
	switch (n) {
	case 1:
		stream_head(fd);
		a = event_line("ADDED", "c", "11");
		send_str(fd, a);
		send_str(fd, "{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"Table\",\"metadata\":"
			     "{\"resourceVersion\":\"20\"}}}\n");
		send_str(fd, "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"apiVersion\":"
			     "\"v1\",\"status\":\"Failure\",\"message\":\"too old resource version: "
			     "5 (20)\",\"reason\":\"Expired\",\"code\":410}}\n");
		free(a);
		return false;
	case 2:
		stream_head(fd);
		a = event_line("MODIFIED", "a", "31");
		b = event_line("DELETED", "b", "32");
		send_str(fd, a);
		send_str(fd, b);
		free(a);
		free(b);
		return false;   /* a clean close after events: reconnect at once */
	case 3:
		reply(fd, 429, "application/json", "Retry-After: 1\r\n",
		      "{\"kind\":\"Status\",\"message\":\"slow down\",\"code\":429}");
		return false;
	default:
		stream_head(fd);
		(void)s;
		return true;
	}
}

static bool serve(struct server *s, int fd, const char *path)
{
	if (!strcmp(path, "/api"))
		s->aggregated ? reply(fd, 200, AGG_CT, NULL, agg_core)
			      : reply(fd, 200, "application/json", NULL,
				      "{\"kind\":\"APIVersions\",\"versions\":[\"v1\"]}");
	else if (!strcmp(path, "/apis"))
		s->aggregated ? reply(fd, 200, AGG_CT, NULL, agg_apis)
			      : reply(fd, 200, "application/json", NULL,
				      "{\"kind\":\"APIGroupList\",\"groups\":[]}");
	else if (!strcmp(path, "/api/v1"))
		reply(fd, 200, "application/json", NULL,
		      "{\"kind\":\"APIResourceList\",\"groupVersion\":\"v1\",\"resources\":["
		      "{\"name\":\"pods\",\"singularName\":\"pod\",\"namespaced\":true,\"kind\":"
		      "\"Pod\",\"verbs\":[\"list\"],\"shortNames\":[\"po\"]}]}");
	else if (!strncmp(path, "/api/v1/namespaces/ns1/secrets", 30))
		reply(fd, 403, "application/json", NULL,
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
		reply(fd, 200, "application/json", NULL, page);
		free(page);
	} else
		reply(fd, 404, "application/json", NULL, "{}");
	return false;
}

static void *server_main(void *arg)
{
	struct server *s = arg;
	while (!s->stop) {
		struct pollfd p = {s->lfd, POLLIN, 0};
		if (poll(&p, 1, 20) <= 0)
			continue;
		int fd = accept(s->lfd, NULL, NULL);
		if (fd < 0)
			continue;
		char buf[8192];
		size_t len = 0;
		ssize_t n;
		while (len < sizeof(buf) - 1 && (n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0) {
			len += (size_t)n;
			buf[len] = '\0';
			if (strstr(buf, "\r\n\r\n"))
				break;
		}
		buf[len] = '\0';
		char path[2048] = "";
		sscanf(buf, "%*s %2047s", path);
		pthread_mutex_lock(&s->lock);
		strbuf_printf(&s->log, "%s\n", path);
		bool hold = serve(s, fd, path);
		pthread_mutex_unlock(&s->lock);
		if (hold && s->nheld < 8)
			s->held[s->nheld++] = fd;
		else
			close(fd);
	}
	for (int i = 0; i < s->nheld; i++)
		close(s->held[i]);
	return NULL;
}

static struct server *server_start(bool aggregated)
{
	struct server *s = xcalloc(1, sizeof(*s));
	s->aggregated = aggregated;
	s->lfd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {0};
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(s->lfd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(s->lfd, 16), 0);
	socklen_t len = sizeof(a);
	getsockname(s->lfd, (struct sockaddr *)&a, &len);
	s->port = ntohs(a.sin_port);
	pthread_mutex_init(&s->lock, NULL);
	pthread_create(&s->thread, NULL, server_main, s);
	return s;
}

static void server_stop(struct server *s)
{
	s->stop = true;
	pthread_join(s->thread, NULL);
	close(s->lfd);
	pthread_mutex_destroy(&s->lock);
	strbuf_free(&s->log);
	free(s);
}

/* ---- fixture ---- */

struct fixture {
	struct server *srv;
	struct loop *loop;
	struct http *http;
	struct kube_client *kc;
	char *server_url;
};

static struct fixture *fixture_new(bool aggregated)
{
	struct fixture *f = xcalloc(1, sizeof(*f));
	f->srv = server_start(aggregated);
	f->loop = loop_new();
	f->http = http_new(f->loop);
	f->server_url = xasprintf("http://127.0.0.1:%d", f->srv->port);
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
	server_stop(f->srv);
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
	pthread_mutex_lock(&f->srv->lock);
	const char *log = strbuf_str(&f->srv->log);
	assert_non_null(strstr(log, "/api/v1/namespaces/ns1/pods?includeObject=Metadata&limit=1\n"));
	assert_non_null(strstr(log, "/api/v1/namespaces/ns1/pods?includeObject=Metadata&limit=1&continue=tok\n"));
	pthread_mutex_unlock(&f->srv->lock);
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

static void test_watch_relist_reconnect_retry_after(void **state)
{
	(void)state;
	struct fixture *f = fixture_new(true);
	struct watch_log wl = {STRBUF_INIT, 0, false, false, 0, NULL};
	struct kube_list_options o = {0};
	o.resource = "pods";
	o.limit = 1;
	struct kube_watch_callbacks cbs = {w_synced, w_event, w_state};
	struct kube_watch *w = kube_watch_start(f->kc, &o, &cbs, &wl);
	assert_non_null(w);
	long long end = loop_now_ms() + 8000;
	while (loop_now_ms() < end && f->srv->watches < 4)
		loop_run_once(f->loop, 50);
	/* Let the fourth (quiet) watch connect. */
	for (int i = 0; i < 10; i++)
		loop_run_once(f->loop, 20);
	assert_int_equal(f->srv->watches, 4);
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
	pthread_mutex_lock(&f->srv->lock);
	const char *log = strbuf_str(&f->srv->log);
	/* The first watch starts at the list's version, later ones where events left off. */
	assert_non_null(strstr(log, "watch=1&resourceVersion=10&allowWatchBookmarks=true"));
	assert_non_null(strstr(log, "watch=1&resourceVersion=32&allowWatchBookmarks=true"));
	assert_null(strstr(log, "resourceVersion=20&"));   /* 410 drops the bookmark's */
	pthread_mutex_unlock(&f->srv->lock);
	kube_watch_stop(w);
	strbuf_free(&wl.events);
	fixture_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list_pages_aggregated),
		cmocka_unit_test(test_list_pages_legacy),
		cmocka_unit_test(test_errors_are_one_clear_message),
		cmocka_unit_test(test_watch_relist_reconnect_retry_after),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
