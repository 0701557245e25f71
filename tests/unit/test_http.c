/* Tests for clients/http against a tiny HTTP/1.1 server on 127.0.0.1 run in a thread:
 * buffered and streamed bodies, headers, Retry-After, errors, cancel, read-only refusal. */
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
#include <sys/socket.h>
#include <unistd.h>

#include "clients/http.h"
#include "core/loop.h"
#include "core/strbuf.h"
#include "core/xalloc.h"
#include "tests/support/script_server.h"

/* ---- the in-test server: answers by path ---- */

/* What the last request carried, for the tests to check. */
struct seen {
	char last_auth[512];
	char last_host[256];
};

static void respond(int fd, const struct script_request *req)
{
	const char *path = req->path;
	if (!strcmp(path, "/plain")) {
		script_send_str(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
				"Content-Length: 11\r\nConnection: close\r\n\r\n{\"ok\":true}");
	} else if (!strcmp(path, "/stream")) {
		script_stream_head(fd);
		for (int i = 0; i < 3; i++) {
			char line[64];
			snprintf(line, sizeof(line), "{\"n\":%d}\n", i);
			script_send_str(fd, line);
			usleep(30000);   /* separate reads on the client side */
		}
	} else if (!strcmp(path, "/busy")) {
		script_send_str(fd, "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 7\r\n"
				"Content-Type: application/json\r\nContent-Length: 15\r\n"
				"Connection: close\r\n\r\n{\"kind\":\"Status\"}");
	} else if (!strcmp(path, "/slow")) {
		usleep(1500000);
		script_send_str(fd, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n"
				"Connection: close\r\n\r\n");
	} else if (!strcmp(path, "/streamerr")) {
		script_send_str(fd, "HTTP/1.1 410 Gone\r\nContent-Type: application/json\r\n"
				"Connection: close\r\n\r\n{\"kind\":\"Status\",\"code\":410}\n");
	} else {
		char *resp = xasprintf("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
				       "Content-Length: %zu\r\nConnection: close\r\n\r\n%s %s",
				       strlen(req->method) + 1 + req->body_len, req->method,
				       req->body);
		script_send_str(fd, resp);
		free(resp);
	}
}

/* Logs "METHOD PATH BODY\n" per request. */
static bool serve(struct script_server *s, int fd, const struct script_request *req, void *ud)
{
	struct seen *seen = ud;
	script_server_logf(s, "%s %s %s\n", req->method, req->path, req->body);
	snprintf(seen->last_auth, sizeof(seen->last_auth), "%s", req->auth);
	snprintf(seen->last_host, sizeof(seen->last_host), "%s", req->host);
	respond(fd, req);
	return false;
}

/* ---- client side ---- */

struct result {
	bool done;
	long status;
	char *content_type;
	long retry_after;
	char *body;
	char *error;
	struct strbuf streamed;
	int chunks;
};

static void on_done(void *ud, const struct http_response *r)
{
	struct result *res = ud;
	res->done = true;
	res->status = r->status;
	res->content_type = r->content_type ? xstrdup(r->content_type) : NULL;
	res->retry_after = r->retry_after;
	res->body = xstrndup(r->body, r->body_len);
	res->error = r->error ? xstrdup(r->error) : NULL;
}

static void on_data(void *ud, const char *data, size_t len)
{
	struct result *res = ud;
	strbuf_append(&res->streamed, data, len);
	res->chunks++;
}

static void result_clear(struct result *r)
{
	free(r->content_type);
	free(r->body);
	free(r->error);
	strbuf_free(&r->streamed);
	memset(r, 0, sizeof(*r));
}

struct fixture {
	struct script_server *srv;
	struct seen seen;
	struct loop *loop;
	struct http *http;
};

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));
	f->srv = script_server_start(serve, &f->seen);
	f->loop = loop_new();
	f->http = http_new(f->loop);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	http_free(f->http);
	loop_free(f->loop);
	script_server_stop(f->srv);
	free(f);
	return 0;
}

static void run_until(struct loop *loop, const bool *done, long long ms)
{
	long long end = loop_now_ms() + ms;
	while (!*done && loop_now_ms() < end)
		loop_run_once(loop, 50);
}

static char *url(const struct fixture *f, const char *path)
{
	return script_server_url(f->srv, path);
}

static struct http_request *start(struct fixture *f, struct http_request_opts *o,
				  const char *path, struct result *res)
{
	char *u = url(f, path);
	char err[256] = "";
	o->url = u;
	o->on_done = on_done;
	o->ud = res;
	struct http_request *req = http_start(f->http, o, err, sizeof(err));
	free(u);
	return req;
}

static void test_buffered_get(void **state)
{
	struct fixture *f = *state;
	struct result res = {0};
	struct http_request_opts o = {0};
	o.bearer_token = "s3cret";
	assert_non_null(start(f, &o, "/plain", &res));
	assert_false(res.done);   /* never inside http_start */
	run_until(f->loop, &res.done, 5000);
	assert_true(res.done);
	assert_int_equal(res.status, 200);
	assert_string_equal(res.content_type, "application/json");
	assert_int_equal(res.retry_after, -1);
	assert_string_equal(res.body, "{\"ok\":true}");
	assert_null(res.error);
	assert_string_equal(f->seen.last_auth, "Bearer s3cret");
	assert_int_equal(http_active(f->http), 0);
	result_clear(&res);
}

static void test_streamed_body_arrives_in_pieces(void **state)
{
	struct fixture *f = *state;
	struct result res = {0};
	struct http_request_opts o = {0};
	o.on_data = on_data;
	assert_non_null(start(f, &o, "/stream", &res));
	run_until(f->loop, &res.done, 5000);
	assert_int_equal(res.status, 200);
	assert_string_equal(strbuf_str(&res.streamed), "{\"n\":0}\n{\"n\":1}\n{\"n\":2}\n");
	assert_true(res.chunks >= 2);
	assert_string_equal(res.body, "");
	result_clear(&res);
}

static void test_stream_error_status_is_buffered(void **state)
{
	struct fixture *f = *state;
	struct result res = {0};
	struct http_request_opts o = {0};
	o.on_data = on_data;
	assert_non_null(start(f, &o, "/streamerr", &res));
	run_until(f->loop, &res.done, 5000);
	assert_int_equal(res.status, 410);
	assert_int_equal(res.streamed.len, 0);
	assert_string_equal(res.body, "{\"kind\":\"Status\",\"code\":410}\n");
	result_clear(&res);
}

static void test_retry_after(void **state)
{
	struct fixture *f = *state;
	struct result res = {0};
	struct http_request_opts o = {0};
	assert_non_null(start(f, &o, "/busy", &res));
	run_until(f->loop, &res.done, 5000);
	assert_int_equal(res.status, 429);
	assert_int_equal(res.retry_after, 7);
	result_clear(&res);
}

static void test_post_body_and_basic_auth(void **state)
{
	struct fixture *f = *state;
	struct result res = {0};
	struct http_request_opts o = {0};
	o.method = "PATCH";
	o.body = "{\"spec\":{}}";
	o.body_len = strlen(o.body);
	o.username = "alice";
	o.password = "pw";
	assert_non_null(start(f, &o, "/echo", &res));
	run_until(f->loop, &res.done, 5000);
	assert_int_equal(res.status, 200);
	assert_string_equal(res.body, "PATCH {\"spec\":{}}");
	assert_string_equal(f->seen.last_auth, "Basic YWxpY2U6cHc=");
	result_clear(&res);
}

static void test_read_only_refuses_before_sending(void **state)
{
	struct fixture *f = *state;
	http_set_read_only(f->http, true);
	assert_true(http_read_only(f->http));
	const char *methods[] = {"POST", "PUT", "PATCH", "DELETE"};
	for (size_t i = 0; i < 4; i++) {
		struct http_request_opts o = {0};
		char *u = url(f, "/apis/apps/v1/namespaces/x/deployments/y");
		char err[256] = "";
		o.method = methods[i];
		o.url = u;
		o.on_done = on_done;
		assert_null(http_start(f->http, &o, err, sizeof(err)));
		assert_non_null(strstr(err, "read-only mode: refusing"));
		assert_non_null(strstr(err, methods[i]));
		free(u);
	}
	/* The read-only POSTs still go, as do GETs. */
	struct result res = {0};
	struct http_request_opts o = {0};
	o.method = "POST";
	o.body = "{}";
	o.body_len = 2;
	assert_non_null(start(f, &o, "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", &res));
	run_until(f->loop, &res.done, 5000);
	assert_int_equal(res.status, 200);
	result_clear(&res);
	char *log = script_server_log(f->srv);
	assert_null(strstr(log, "deployments"));
	assert_non_null(strstr(log, "POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews"));
	free(log);
	http_set_read_only(f->http, false);
}

static void test_is_mutating_rule(void **state)
{
	(void)state;
	assert_false(http_is_mutating("GET", "https://h/api/v1/pods"));
	assert_false(http_is_mutating(NULL, "https://h/api/v1/pods"));
	assert_true(http_is_mutating("POST", "https://h/api/v1/namespaces/a/pods"));
	assert_true(http_is_mutating("DELETE", "https://h/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"));
	assert_false(http_is_mutating("post", "https://h/apis/authentication.k8s.io/v1/selfsubjectreviews"));
	assert_false(http_is_mutating("POST", "https://h/apis/authorization.k8s.io/v1/selfsubjectrulesreviews?x=1"));
	assert_false(http_is_mutating("POST", "https://argocd/api/v1/session"));
	assert_true(http_is_mutating("POST", "https://argocd/api/v1/sessionx"));
	assert_true(http_is_mutating("POST", "https://argocd/api/v1/applications/a/sync"));
}

static void test_cancel_runs_no_callback(void **state)
{
	struct fixture *f = *state;
	struct result res = {0};
	struct http_request_opts o = {0};
	struct http_request *req = start(f, &o, "/slow", &res);
	assert_non_null(req);
	/* Let it connect and send, then cancel mid-flight. */
	long long end = loop_now_ms() + 200;
	while (loop_now_ms() < end)
		loop_run_once(f->loop, 20);
	assert_int_equal(http_active(f->http), 1);
	http_cancel(req);
	assert_int_equal(http_active(f->http), 0);
	end = loop_now_ms() + 300;
	while (loop_now_ms() < end)
		loop_run_once(f->loop, 20);
	assert_false(res.done);
	result_clear(&res);
}

/* tls-server-name: the URL's host is swapped for the name (what SNI and certificate checks
 * see) while CONNECT_TO still reaches the real server, and Host stays the real one. The
 * name does not resolve, so arriving at all proves the connection was redirected. */
static void test_server_name_redirects_connection(void **state)
{
	struct fixture *f = *state;
	struct result res = {0};
	struct http_request_opts o = {0};
	o.tls.server_name = "apiserver.invalid";
	assert_non_null(start(f, &o, "/echo", &res));
	run_until(f->loop, &res.done, 5000);
	assert_null(res.error);
	assert_int_equal(res.status, 200);
	char want[64];
	snprintf(want, sizeof(want), "127.0.0.1:%d", script_server_port(f->srv));
	assert_string_equal(f->seen.last_host, want);
	result_clear(&res);
}

static void test_connection_refused_names_error(void **state)
{
	struct fixture *f = *state;
	/* A port nobody listens on: bind, read the port, close. */
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {0};
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(fd, (struct sockaddr *)&a, sizeof(a));
	socklen_t len = sizeof(a);
	getsockname(fd, (struct sockaddr *)&a, &len);
	close(fd);
	char *u = xasprintf("http://127.0.0.1:%d/x", ntohs(a.sin_port));
	struct result res = {0};
	struct http_request_opts o = {0};
	char err[256];
	o.url = u;
	o.on_done = on_done;
	o.ud = &res;
	assert_non_null(http_start(f->http, &o, err, sizeof(err)));
	run_until(f->loop, &res.done, 5000);
	assert_true(res.done);
	assert_int_equal(res.status, 0);
	assert_non_null(res.error);
	assert_non_null(strstr(res.error, "onnect"));
	free(u);
	result_clear(&res);
}

/* A client keeps its own copy of the TLS settings: equal strings, not the same memory. */
static void test_tls_copy_owns_its_strings(void **state)
{
	(void)state;
	char ca[] = "/etc/ca.pem", name[] = "api.internal";
	struct http_tls src = {.ca_file = ca, .key_data = "KEY", .insecure = true,
			       .server_name = name};
	struct http_tls dst;
	http_tls_copy(&dst, &src);
	ca[0] = name[0] = 'X'; /* the configuration goes away */
	assert_string_equal(dst.ca_file, "/etc/ca.pem");
	assert_string_equal(dst.server_name, "api.internal");
	assert_string_equal(dst.key_data, "KEY");
	assert_ptr_not_equal(dst.key_data, src.key_data);
	assert_null(dst.cert_file);
	assert_true(dst.insecure);
	http_tls_clear(&dst);
	assert_null(dst.ca_file);
	assert_false(dst.insecure);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_buffered_get, setup, teardown),
		cmocka_unit_test_setup_teardown(test_streamed_body_arrives_in_pieces, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stream_error_status_is_buffered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retry_after, setup, teardown),
		cmocka_unit_test_setup_teardown(test_post_body_and_basic_auth, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_only_refuses_before_sending, setup, teardown),
		cmocka_unit_test(test_is_mutating_rule),
		cmocka_unit_test_setup_teardown(test_cancel_runs_no_callback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_server_name_redirects_connection, setup, teardown),
		cmocka_unit_test_setup_teardown(test_connection_refused_names_error, setup, teardown),
		cmocka_unit_test(test_tls_copy_owns_its_strings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
