/* The Harbor client: a real Trivy vulnerability report from Harbor parsed and counted, the
 * scan overview, hostile text; the fetch against a scripted server (basic auth, the
 * double-encoded repository, the overview standing in when the list is missing, errors). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clients/harbor.h"
#include "clients/http.h"
#include "core/loop.h"
#include "core/xalloc.h"
#include "tests/support/script_server.h"

#define FIX "tests/fixtures/harbor/harbor-trivy-vuln.json"

static json_t *parse(const char *text)
{
	json_t *j = json_loads(text, 0, NULL);
	assert_non_null(j);
	return j;
}

/* An artifact as GET .../artifacts/TAG?with_scan_overview=true returns it (Harbor 2.x). */
static const char artifact_json[] =
	"{\"digest\":\"sha256:711103cf\",\"tags\":[{\"name\":\"2.6.4\"}],"
	"\"scan_overview\":{\"application/vnd.security.vulnerability.report; version=1.1\":"
	"{\"report_id\":\"r1\",\"scan_status\":\"Success\",\"severity\":\"Critical\","
	"\"complete_percent\":100,\"summary\":{\"total\":4,\"fixable\":1,"
	"\"summary\":{\"Critical\":1,\"High\":1,\"Low\":1,\"Negligible\":1}}}}}";

static void test_vulnerabilities_fixture(void **state)
{
	(void)state;
	json_error_t e;
	json_t *body = json_load_file(FIX, 0, &e);
	assert_non_null(body);
	struct findings set = {0};
	struct finding_workload *w = harbor_workload(&set, "shop/catalog", "2.6.4",
						     "harbor.example/shop/catalog:2.6.4", "catalog");
	size_t count = 0;
	char err[256] = "";
	assert_true(harbor_parse_vulnerabilities(w, body, &count, err, sizeof(err)));
	/* 3 vulnerabilities: CVE-2022-1304 (High, e2fsprogs), CVE-2019-1010023 and
	 * CVE-2019-1010024 (Low, libc6); none has a fix_version */
	assert_int_equal(count, 3);
	assert_int_equal(w->n, 3);
	assert_int_equal(w->counts[FINDING_HIGH], 1);
	assert_int_equal(w->counts[FINDING_LOW], 2);
	assert_int_equal(w->counts[FINDING_CRITICAL], 0);
	assert_string_equal(w->kind, "Image");
	assert_string_equal(w->name, "shop/catalog:2.6.4");
	assert_string_equal(w->image, "harbor.example/shop/catalog:2.6.4");
	assert_string_equal(w->service, "catalog");
	const struct finding *f = &w->items[0];
	assert_int_equal(f->source, FINDING_SRC_HARBOR);
	assert_string_equal(f->id, "CVE-2022-1304");
	assert_string_equal(f->package, "e2fsprogs");
	assert_string_equal(f->installed, "1.46.2-2");
	assert_false(finding_fixable(f));
	assert_string_equal(f->link, "https://avd.aquasec.com/nvd/cve-2022-1304");
	assert_true(f->score == 7.8);
	assert_non_null(strstr(f->title, "An out-of-bounds read/write vulnerability"));
	for (size_t i = 0; i < w->n; i++)
		assert_false(finding_fixable(&w->items[i]));
	findings_free(&set);
	json_decref(body);
}

static void test_overview(void **state)
{
	(void)state;
	json_t *a = parse(artifact_json);
	struct harbor_overview o;
	char err[256] = "";
	assert_true(harbor_parse_overview(a, &o, err, sizeof(err)));
	assert_string_equal(o.scan_status, "Success");
	assert_string_equal(o.severity, "Critical");
	assert_int_equal(o.total, 4);
	assert_int_equal(o.fixable, 1);
	assert_int_equal(o.counts[FINDING_CRITICAL], 1);
	assert_int_equal(o.counts[FINDING_HIGH], 1);
	assert_int_equal(o.counts[FINDING_LOW], 2);  /* Low and Negligible */
	harbor_overview_free(&o);
	json_decref(a);

	/* never scanned: no scan_overview at all */
	a = parse("{\"digest\":\"sha256:1\"}");
	assert_true(harbor_parse_overview(a, &o, err, sizeof(err)));
	assert_string_equal(o.scan_status, "");
	assert_int_equal(o.total, 0);
	harbor_overview_free(&o);
	json_decref(a);

	a = parse("{\"errors\":[{\"code\":\"NOT_FOUND\",\"message\":\"artifact x not found\"}]}");
	assert_false(harbor_parse_overview(a, &o, err, sizeof(err)));
	assert_string_equal(err, "Harbor: artifact x not found");
	json_decref(a);

	/* hostile text, an empty report, a report whose list is not a list */
	struct findings set = {0};
	struct finding_workload *w = harbor_workload(&set, "r", "t", NULL, NULL);
	size_t n;
	a = parse("{\"application/vnd.security.vulnerability.report; version=1.1\":"
		  "{\"vulnerabilities\":[{\"id\":\"CVE-1\",\"package\":\"p\\u001b[31m\","
		  "\"severity\":\"Unknown\",\"fix_version\":\"2\",\"description\":\"one\\ntwo\"}]}}");
	assert_true(harbor_parse_vulnerabilities(w, a, &n, err, sizeof(err)));
	assert_int_equal(n, 1);
	assert_string_equal(w->items[0].package, "p^[[31m");
	assert_string_equal(w->items[0].title, "one");
	assert_true(finding_fixable(&w->items[0]));
	assert_int_equal(w->counts[FINDING_UNKNOWN], 1);
	assert_null(w->image);
	json_decref(a);
	a = parse("{}");
	assert_true(harbor_parse_vulnerabilities(w, a, &n, err, sizeof(err)));
	assert_int_equal(n, 0);
	json_decref(a);
	a = parse("{\"application/vnd.security.vulnerability.report; version=1.1\":"
		  "{\"vulnerabilities\":7}}");
	assert_false(harbor_parse_vulnerabilities(w, a, &n, err, sizeof(err)));
	json_decref(a);
	findings_free(&set);
}

/* ---- the client against a scripted server --------------------------------------------- */

struct script {
	char *report;
	char auth[512];
	bool no_list;
};

static bool serve(struct script_server *s, int fd, const struct script_request *req, void *ud)
{
	struct script *sc = ud;
	script_server_logf(s, "%s %s\n", req->method, req->path);
	snprintf(sc->auth, sizeof(sc->auth), "%s", req->auth);
	const char *art = "/h/api/v2.0/projects/shop/repositories/team%252Fcatalog/artifacts/2.6.4";
	size_t alen = strlen(art);
	if (strncmp(req->path, art, alen)) {
		script_reply(fd, 404, "application/json", NULL,
			     "{\"errors\":[{\"code\":\"NOT_FOUND\",\"message\":\"artifact not found\"}]}");
	} else if (!strcmp(req->path + alen, "?with_scan_overview=true")) {
		script_reply(fd, 200, "application/json", NULL, artifact_json);
	} else if (!strcmp(req->path + alen, "/additions/vulnerabilities") && !sc->no_list) {
		script_reply(fd, 200, "application/json", NULL, sc->report);
	} else {
		script_reply(fd, 500, "text/plain", NULL, "boom");
	}
	return false;
}

struct fixture {
	struct script_server *srv;
	struct script script;
	struct loop *loop;
	struct http *http;
	struct harbor_client *hc;
};

static char *read_file(const char *path)
{
	FILE *fp = fopen(path, "r");
	assert_non_null(fp);
	char *buf = xcalloc(1, 65536);
	size_t n = fread(buf, 1, 65535, fp);
	fclose(fp);
	assert_true(n > 0);
	return buf;
}

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));
	signal(SIGPIPE, SIG_IGN);
	f->script.report = read_file(FIX);
	f->srv = script_server_start(serve, &f->script);
	f->loop = loop_new();
	f->http = http_new(f->loop);
	char *url = script_server_url(f->srv, "/h/");
	struct harbor_config cfg = {.url = url, .username = "robot$opsdeck", .password = "s3cret",
				    .timeout_ms = 5000};
	f->hc = harbor_client_new(f->http, &cfg);
	free(url);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	harbor_client_free(f->hc);
	http_free(f->http);
	loop_free(f->loop);
	script_server_stop(f->srv);
	free(f->script.report);
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
	bool done, list_read;
	char *err, *image, *name, *severity;
	size_t vulns, items;
	unsigned counts[FINDING_SEVERITY_COUNT];
};

static void on_result(void *ud, const char *err, const struct harbor_result *r)
{
	struct outcome *o = ud;
	o->done = true;
	assert_true(!err == !!r);
	o->err = err ? xstrdup(err) : NULL;
	if (r) {
		assert_int_equal(r->set->n, 1);
		o->image = xstrdup(r->set->w[0].image);
		o->name = xstrdup(r->set->w[0].name);
		o->items = r->set->w[0].n;
		memcpy(o->counts, r->set->w[0].counts, sizeof(o->counts));
		o->severity = xstrdup(r->overview->severity);
		o->vulns = r->vulnerabilities;
		o->list_read = r->list_read;
	}
}

static void outcome_clear(struct outcome *o)
{
	free(o->err);
	free(o->image);
	free(o->name);
	free(o->severity);
	memset(o, 0, sizeof(*o));
}

static void test_client_fetch(void **state)
{
	struct fixture *f = *state;
	struct outcome o = {0};
	assert_non_null(harbor_fetch_image(f->hc, "shop", "team/catalog", "2.6.4", "catalog",
					   on_result, &o));
	run_until(f, &o.done);
	assert_null(o.err);
	assert_true(o.list_read);
	assert_int_equal(o.vulns, 3);
	assert_int_equal(o.items, 3);
	assert_int_equal(o.counts[FINDING_HIGH], 1);
	assert_int_equal(o.counts[FINDING_LOW], 2);
	assert_string_equal(o.severity, "Critical");
	assert_string_equal(o.name, "team/catalog:2.6.4");
	char host[64];
	snprintf(host, sizeof(host), "127.0.0.1:%d/shop/team/catalog:2.6.4",
		 script_server_port(f->srv));
	assert_string_equal(o.image, host);
	script_server_lock(f->srv);
	assert_string_equal(f->script.auth, "Basic cm9ib3Qkb3BzZGVjazpzM2NyZXQ=");
	script_server_unlock(f->srv);
	outcome_clear(&o);

	/* images named by the registry pods use, when Harbor sits behind another name */
	char *url = script_server_url(f->srv, "/h");
	struct harbor_config cfg = {.url = url, .username = "robot$opsdeck", .password = "s3cret",
				    .registry = "registry.example.com"};
	struct harbor_client *hc = harbor_client_new(f->http, &cfg);
	free(url);
	harbor_fetch_image(hc, "shop", "team/catalog", "2.6.4", NULL, on_result, &o);
	run_until(f, &o.done);
	assert_string_equal(o.image, "registry.example.com/shop/team/catalog:2.6.4");
	outcome_clear(&o);
	harbor_client_free(hc);
}

static void test_client_overview_only_and_errors(void **state)
{
	struct fixture *f = *state;
	struct outcome o = {0};
	script_server_lock(f->srv);
	f->script.no_list = true;
	script_server_unlock(f->srv);
	harbor_fetch_image(f->hc, "shop", "team/catalog", "2.6.4", NULL, on_result, &o);
	run_until(f, &o.done);
	assert_null(o.err);
	assert_false(o.list_read);
	assert_int_equal(o.items, 0);
	/* the overview's summary: Critical 1, High 1, Low+Negligible 2 */
	assert_int_equal(o.counts[FINDING_CRITICAL], 1);
	assert_int_equal(o.counts[FINDING_HIGH], 1);
	assert_int_equal(o.counts[FINDING_LOW], 2);
	outcome_clear(&o);

	harbor_fetch_image(f->hc, "shop", "nope", "1.0", NULL, on_result, &o);
	run_until(f, &o.done);
	assert_string_equal(o.err, "Harbor: artifact not found (HTTP 404)");
	outcome_clear(&o);

	struct harbor_call *call = harbor_fetch_image(f->hc, "shop", "team/catalog", "2.6.4",
						      NULL, on_result, &o);
	harbor_call_cancel(call);
	for (int i = 0; i < 10; i++)
		loop_run_once(f->loop, 10);
	assert_false(o.done);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vulnerabilities_fixture),
		cmocka_unit_test(test_overview),
		cmocka_unit_test_setup_teardown(test_client_fetch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_client_overview_only_and_errors, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
