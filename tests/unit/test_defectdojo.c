/* The DefectDojo client: a real v2 findings list parsed and counted, products and
 * service tags, hostile titles; the fetch against a scripted server (paging by "next",
 * the Token header, errors, a "next" on another host, cancel). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clients/defectdojo.h"
#include "clients/http.h"
#include "core/loop.h"
#include "core/xalloc.h"
#include "tests/support/script_server.h"

#define FIX "tests/fixtures/defectdojo/"
#define BASE "https://dojo.example"

static json_t *parse(const char *text)
{
	json_t *j = json_loads(text, 0, NULL);
	assert_non_null(j);
	return j;
}

static void test_list_fixture(void **state)
{
	(void)state;
	json_error_t e;
	json_t *body = json_load_file(FIX "FindingService_response_list_fixture.json", 0, &e);
	assert_non_null(body);
	struct findings set = {0};
	char *next = (char *)"x", err[256] = "";
	size_t count = 9;
	assert_true(dojo_parse_findings(&set, body, BASE, &next, &count, err, sizeof(err)));
	/* "count": 1, "next": null, one active "Info" finding (id 42, test 222) with no
	 * cve, no vulnerability_ids, no component, related_fields null */
	assert_null(next);
	assert_int_equal(count, 1);
	assert_int_equal(set.n, 1);
	const struct finding_workload *w = &set.w[0];
	assert_string_equal(w->kind, "DefectDojoProduct");
	assert_string_equal(w->name, "test/222");   /* the product is not in the answer */
	assert_string_equal(w->service, "");
	assert_int_equal(w->n, 1);
	assert_int_equal(w->counts[FINDING_LOW], 1);  /* Info counts as low */
	const struct finding *f = &w->items[0];
	assert_int_equal(f->source, FINDING_SRC_DEFECTDOJO);
	assert_string_equal(f->id, "DD-42");
	assert_string_equal(f->title, "Open Port: 9929/TCP");
	assert_string_equal(f->link, BASE "/finding/42");
	assert_null(f->package);
	assert_true(f->score == 0);
	findings_free(&set);
	json_decref(body);
}

static void test_products_tags_and_ids(void **state)
{
	(void)state;
	json_t *body = parse(
		"{\"count\":4,\"next\":\"" BASE "/api/v2/findings/?limit=4&offset=4\",\"results\":["
		"{\"id\":1,\"title\":\"t1\",\"severity\":\"Critical\",\"active\":true,"
		" \"vulnerability_ids\":[{\"vulnerability_id\":\"CVE-2024-1\"}],\"cve\":\"CVE-OLD\","
		" \"component_name\":\"openssl\",\"component_version\":\"3.0.1\",\"cvssv3_score\":9.8,"
		" \"related_fields\":{\"test\":{\"id\":5,\"engagement\":{\"id\":6,"
		"  \"product\":{\"id\":7,\"name\":\"catalog\"}}}}},"
		"{\"id\":2,\"title\":\"t2\",\"severity\":\"High\",\"cve\":\"CVE-2023-2\","
		" \"tags\":[\"pci\",\"service:checkout\"],"
		" \"related_fields\":{\"test\":{\"engagement\":{\"product\":{\"name\":\"legacy\"}}}}},"
		"{\"id\":3,\"title\":\"\\u001b[2Jwipe\",\"severity\":\"Medium\",\"active\":true,"
		" \"related_fields\":{\"test\":{\"engagement\":{\"product\":{\"name\":\"catalog\"}}}}},"
		"{\"id\":4,\"title\":\"gone\",\"severity\":\"Critical\",\"active\":false}]}");
	struct findings set = {0};
	char *next = NULL, err[256];
	size_t count;
	assert_true(dojo_parse_findings(&set, body, BASE, &next, &count, err, sizeof(err)));
	assert_string_equal(next, BASE "/api/v2/findings/?limit=4&offset=4");
	assert_int_equal(count, 3);   /* id 4 is inactive */
	assert_int_equal(set.n, 2);   /* catalog, legacy */
	const struct finding_workload *cat = &set.w[0], *leg = &set.w[1];
	assert_string_equal(cat->name, "catalog");
	assert_string_equal(cat->service, "catalog");
	assert_int_equal(cat->n, 2);
	assert_int_equal(cat->counts[FINDING_CRITICAL], 1);
	assert_int_equal(cat->counts[FINDING_MEDIUM], 1);
	assert_string_equal(cat->items[0].id, "CVE-2024-1");  /* vulnerability_ids win */
	assert_string_equal(cat->items[0].package, "openssl");
	assert_string_equal(cat->items[0].installed, "3.0.1");
	assert_true(cat->items[0].score == 9.8);
	assert_string_equal(cat->items[1].title, "^[[2Jwipe");
	assert_string_equal(leg->name, "legacy");
	assert_string_equal(leg->service, "checkout");  /* the tag wins over the product */
	assert_string_equal(leg->items[0].id, "CVE-2023-2");
	assert_int_equal(leg->counts[FINDING_HIGH], 1);
	free(next);
	findings_free(&set);
	json_decref(body);

	body = parse("{\"detail\":\"Invalid token.\"}");
	assert_false(dojo_parse_findings(&set, body, BASE, &next, &count, err, sizeof(err)));
	assert_string_equal(err, "DefectDojo: Invalid token.");
	assert_int_equal(set.n, 0);
	json_decref(body);
}

/* ---- the client against a scripted server --------------------------------------------- */

struct script {
	int port;
	char auth[512];
	int requests;
	bool deny, foreign_next;
};

static bool serve(struct script_server *s, int fd, const struct script_request *req, void *ud)
{
	struct script *sc = ud;
	script_server_logf(s, "%s %s\n", req->method, req->path);
	snprintf(sc->auth, sizeof(sc->auth), "%s", req->auth);
	sc->requests++;
	char body[1024];
	if (sc->deny) {
		script_reply(fd, 401, "application/json", NULL, "{\"detail\":\"Invalid token.\"}");
	} else if (!strcmp(req->path, "/dd/api/v2/findings/?active=true&related_fields=true"
			   "&limit=2&offset=0")) {
		snprintf(body, sizeof(body),
			 "{\"count\":3,\"next\":\"http://%s:%d/dd/api/v2/findings/?active=true"
			 "&related_fields=true&limit=2&offset=2\",\"previous\":null,\"results\":["
			 "{\"id\":10,\"title\":\"a\",\"severity\":\"High\",\"active\":true},"
			 "{\"id\":11,\"title\":\"b\",\"severity\":\"Low\",\"active\":true}]}",
			 sc->foreign_next ? "127.0.0.2" : "127.0.0.1", sc->port);
		script_reply(fd, 200, "application/json", NULL, body);
	} else if (!strcmp(req->path, "/dd/api/v2/findings/?active=true&related_fields=true"
			   "&limit=2&offset=2")) {
		script_reply(fd, 200, "application/json", NULL,
			     "{\"count\":3,\"next\":null,\"results\":["
			     "{\"id\":12,\"title\":\"c\",\"severity\":\"Critical\",\"active\":true}]}");
	} else {
		script_reply(fd, 404, "application/json", NULL, "{\"detail\":\"Not found.\"}");
	}
	return false;
}

struct fixture {
	struct script_server *srv;
	struct script script;
	struct loop *loop;
	struct http *http;
	struct dojo_client *dc;
};

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));
	signal(SIGPIPE, SIG_IGN);
	f->srv = script_server_start(serve, &f->script);
	f->script.port = script_server_port(f->srv);
	f->loop = loop_new();
	f->http = http_new(f->loop);
	char *url = script_server_url(f->srv, "/dd");
	struct dojo_config cfg = {.url = url, .token = "k3y", .page_size = 2, .timeout_ms = 5000};
	f->dc = dojo_client_new(f->http, &cfg);
	free(url);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	dojo_client_free(f->dc);
	http_free(f->http);
	loop_free(f->loop);
	script_server_stop(f->srv);
	free(f);
	return 0;
}

static void run_until(struct fixture *f, const bool *done)
{
	long long end = loop_now_ms() + 5000;
	while (!*done && loop_now_ms() < end)
		loop_run_once(f->loop, 20);
	assert_true(*done);
}

struct outcome {
	bool done;
	int calls;
	char *err;
	size_t findings, count;
	unsigned counts[FINDING_SEVERITY_COUNT];
};

static void on_result(void *ud, const char *err, const struct dojo_result *r)
{
	struct outcome *o = ud;
	o->done = true;
	o->calls++;
	assert_true(!err == !!r);
	o->err = err ? xstrdup(err) : NULL;
	if (r) {
		o->findings = r->findings;
		o->count = r->count;
		findings_total(r->set, NULL, NULL, o->counts);
	}
}

static void test_client_paging(void **state)
{
	struct fixture *f = *state;
	struct outcome o = {0};
	assert_non_null(dojo_fetch_active(f->dc, on_result, &o));
	assert_false(o.done);
	run_until(f, &o.done);
	assert_null(o.err);
	assert_int_equal(o.findings, 3);
	assert_int_equal(o.count, 3);
	assert_int_equal(o.counts[FINDING_CRITICAL], 1);
	assert_int_equal(o.counts[FINDING_HIGH], 1);
	assert_int_equal(o.counts[FINDING_LOW], 1);
	script_server_lock(f->srv);
	assert_string_equal(f->script.auth, "Token k3y");
	assert_int_equal(f->script.requests, 2);
	script_server_unlock(f->srv);
	char *log = script_server_log(f->srv);
	assert_non_null(strstr(log, "offset=0"));
	assert_non_null(strstr(log, "offset=2"));
	free(log);
	free(o.err);
}

static void test_client_errors(void **state)
{
	struct fixture *f = *state;
	struct outcome o = {0};
	/* the token is never sent to a host the configuration does not name */
	script_server_lock(f->srv);
	f->script.foreign_next = true;
	script_server_unlock(f->srv);
	dojo_fetch_active(f->dc, on_result, &o);
	run_until(f, &o.done);
	assert_string_equal(o.err, "DefectDojo: the next page is on another server; not following");
	script_server_lock(f->srv);
	assert_int_equal(f->script.requests, 1);
	f->script.deny = true;
	script_server_unlock(f->srv);
	free(o.err);
	memset(&o, 0, sizeof(o));

	dojo_fetch_active(f->dc, on_result, &o);
	run_until(f, &o.done);
	assert_string_equal(o.err, "DefectDojo: Invalid token. (HTTP 401)");
	assert_int_equal(o.calls, 1);
	free(o.err);
	memset(&o, 0, sizeof(o));

	struct dojo_call *call = dojo_fetch_active(f->dc, on_result, &o);
	dojo_call_cancel(call);
	for (int i = 0; i < 10; i++)
		loop_run_once(f->loop, 10);
	assert_false(o.done);
	/* teardown frees the client with this one in flight: no callback either */
	dojo_fetch_active(f->dc, on_result, &o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list_fixture),
		cmocka_unit_test(test_products_tags_and_ids),
		cmocka_unit_test_setup_teardown(test_client_paging, setup, teardown),
		cmocka_unit_test_setup_teardown(test_client_errors, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
