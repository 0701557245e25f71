/* The SonarQube client: the Web API's own examples parsed and counted, severities old and
 * new, hostile text made inert; the scanners: configuration; a project fetch against a
 * scripted server (gate, issue pages, bearer and basic auth, errors, cancel). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clients/http.h"
#include "clients/scanners_config.h"
#include "clients/sonarqube.h"
#include "core/loop.h"
#include "core/xalloc.h"
#include "tests/support/script_server.h"
#include "tests/support/tmpdir.h"

#define FIX "tests/fixtures/sonarqube/"
#define BASE "https://sonar.example"

static json_t *load_fixture(const char *name)
{
	json_error_t e;
	json_t *j = json_load_file(name, 0, &e);
	if (!j)
		fail_msg("%s: %s", name, e.text);
	return j;
}

static json_t *parse(const char *text)
{
	json_t *j = json_loads(text, 0, NULL);
	assert_non_null(j);
	return j;
}

/* ---- parsers on the documented examples ---------------------------------------------- */

static void test_gate_fixture(void **state)
{
	(void)state;
	json_t *body = load_fixture(FIX "project_status-example.json");
	struct sonar_gate g;
	char err[256] = "";
	assert_true(sonar_parse_gate(body, &g, err, sizeof(err)));
	assert_string_equal(g.status, "ERROR");
	/* 7 conditions: new_coverage, new_blocker_violations, new_critical_violations and
	 * open_issues are ERROR; new_sqale_debt_ratio, reopened_issues, skipped_tests OK */
	assert_int_equal(g.nconditions, 7);
	assert_int_equal(g.nfailing, 4);
	assert_string_equal(g.failing[0].metric, "new_coverage");
	assert_string_equal(g.failing[0].comparator, "LT");
	assert_string_equal(g.failing[0].threshold, "85");
	assert_string_equal(g.failing[0].actual, "82.50562381034781");
	assert_string_equal(g.failing[3].metric, "open_issues");
	assert_string_equal(g.failing[3].threshold, "");  /* the example has none */

	struct findings set = {0};
	struct finding_workload *w = sonar_workload(&set, "shop_catalog", "catalog");
	sonar_add_gate(w, &g, BASE);
	assert_int_equal(w->n, 4);
	assert_int_equal(w->counts[FINDING_HIGH], 4);
	assert_string_equal(w->kind, "SonarProject");
	assert_string_equal(w->name, "shop_catalog");
	assert_string_equal(w->service, "catalog");
	assert_string_equal(w->items[0].id, "quality-gate/new_coverage");
	assert_string_equal(w->items[0].title,
			    "Quality gate ERROR: new_coverage is 82.50562381034781 (fails when LT 85)");
	assert_string_equal(w->items[0].link, BASE "/dashboard?id=shop_catalog");
	findings_free(&set);
	sonar_gate_free(&g);
	json_decref(body);
}

static void test_issues_fixture(void **state)
{
	(void)state;
	json_t *body = load_fixture(FIX "search-example.json");
	struct findings set = {0};
	struct finding_workload *w = sonar_workload(&set, "com.github.kevinsawicki:http-request",
						    NULL);
	size_t total = 0, count = 0;
	char err[256] = "";
	assert_true(sonar_parse_issues(w, body, BASE, &total, &count, err, sizeof(err)));
	/* paging.total 1, one issue: legacy severity MAJOR, impacts [SECURITY HIGH] */
	assert_int_equal(total, 1);
	assert_int_equal(count, 1);
	assert_int_equal(w->n, 1);
	assert_int_equal(w->counts[FINDING_HIGH], 1);  /* the impact wins over MAJOR */
	assert_int_equal(w->counts[FINDING_MEDIUM], 0);
	const struct finding *f = &w->items[0];
	assert_int_equal(f->source, FINDING_SRC_SONARQUBE);
	assert_string_equal(f->id, "java:S1144");
	assert_string_equal(f->package, "com.github.kevinsawicki.http.HttpRequest:81");
	assert_string_equal(f->title, "Remove this unused private \"getKee\" method.");
	assert_string_equal(f->link, BASE "/project/issues?id=com.github.kevinsawicki%3Ahttp-request"
			    "&open=01fc972e-2a3c-433e-bcae-0bd7f88f5123");
	assert_string_equal(w->service, "");
	findings_free(&set);
	json_decref(body);
}

/* The measures example is neither a gate nor an issues page: both parsers refuse it. */
static void test_component_fixture_refused(void **state)
{
	(void)state;
	json_t *body = load_fixture(FIX "component-example.json");
	struct sonar_gate g;
	char err[256] = "";
	assert_false(sonar_parse_gate(body, &g, err, sizeof(err)));
	assert_string_equal(err, "SonarQube: no projectStatus in the answer");
	assert_null(g.status);
	struct findings set = {0};
	struct finding_workload *w = sonar_workload(&set, "MY_PROJECT", NULL);
	size_t total, count;
	assert_false(sonar_parse_issues(w, body, BASE, &total, &count, err, sizeof(err)));
	assert_int_equal(w->n, 0);
	findings_free(&set);
	json_decref(body);
}

static void test_legacy_severities_and_hostile_text(void **state)
{
	(void)state;
	json_t *body = parse(
		"{\"total\":6,\"issues\":["
		"{\"key\":\"a\",\"rule\":\"r1\",\"severity\":\"BLOCKER\",\"component\":\"p:x.c\"},"
		"{\"key\":\"b\",\"rule\":\"r2\",\"severity\":\"CRITICAL\",\"component\":\"p:x.c\"},"
		"{\"key\":\"c\",\"rule\":\"r3\",\"severity\":\"MAJOR\",\"component\":\"p:x.c\"},"
		"{\"key\":\"d\",\"rule\":\"r4\",\"severity\":\"MINOR\",\"component\":\"p:x.c\"},"
		"{\"key\":\"e\",\"rule\":\"r5\",\"severity\":\"INFO\",\"component\":\"p:x.c\","
		" \"impacts\":[{\"severity\":\"LOW\"},{\"severity\":\"BLOCKER\"}]},"
		"{\"key\":\"f\",\"rule\":\"r6\",\"severity\":\"WEIRD\",\"component\":\"other:y.c\","
		" \"line\":3,\"message\":\"\\u001b]52;c;AAAA\\u0007 evil\"}]}");
	struct findings set = {0};
	struct finding_workload *w = sonar_workload(&set, "p", NULL);
	size_t total, count;
	char err[256];
	assert_true(sonar_parse_issues(w, body, BASE, &total, &count, err, sizeof(err)));
	assert_int_equal(total, 6);  /* the pre-6.x top-level total */
	assert_int_equal(count, 6);
	assert_int_equal(w->counts[FINDING_CRITICAL], 2);  /* BLOCKER, and e's BLOCKER impact */
	assert_int_equal(w->counts[FINDING_HIGH], 1);
	assert_int_equal(w->counts[FINDING_MEDIUM], 1);
	assert_int_equal(w->counts[FINDING_LOW], 1);
	assert_int_equal(w->counts[FINDING_UNKNOWN], 1);
	const struct finding *f = NULL;
	for (size_t i = 0; i < w->n; i++)
		if (!strcmp(w->items[i].id, "r6"))
			f = &w->items[i];
	assert_non_null(f);
	assert_string_equal(f->package, "other:y.c:3");  /* another project's prefix kept */
	assert_string_equal(f->title, "^[]52;c;AAAA^G evil");
	findings_free(&set);
	json_decref(body);

	body = parse("{\"errors\":[{\"msg\":\"Component key 'x' not found\"}]}");
	struct sonar_gate g;
	assert_false(sonar_parse_gate(body, &g, err, sizeof(err)));
	assert_string_equal(err, "SonarQube: Component key 'x' not found");
	json_decref(body);
}

/* ---- configuration -------------------------------------------------------------------- */

static char tmpdir[64];

static char *write_platform(const char *text)
{
	test_tmp_template(tmpdir, sizeof(tmpdir), "opsdeck-sonar-XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	char *path = xasprintf("%s/platform.yaml", tmpdir);
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	return path;
}

static void remove_platform(char *path)
{
	unlink(path);
	char *tok = xasprintf("%s/tok", tmpdir);
	unlink(tok);
	free(tok);
	rmdir(tmpdir);
	free(path);
}

static void test_config(void **state)
{
	(void)state;
	struct scanners_config c;
	char err[512] = "";
	setenv("OPSDECK_TEST_SONAR", "squ_abc", 1);
	/* a token from the environment, a password from a file */
	test_tmp_template(tmpdir, sizeof(tmpdir), "opsdeck-sonar-XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	char *tok = xasprintf("%s/tok", tmpdir);
	FILE *fp = fopen(tok, "w");
	fputs("  s3cret \n", fp);
	fclose(fp);
	char *text = xasprintf("scanners:\n"
			       "  sonarqube:\n"
			       "    url: https://sonar.example/\n"
			       "    token: {env: OPSDECK_TEST_SONAR}\n"
			       "    auth: basic\n"
			       "    projects:\n"
			       "      catalog: shop_catalog\n"
			       "  harbor:\n"
			       "    url: https://harbor.example\n"
			       "    username: robot$opsdeck\n"
			       "    password: {file: %s}\n"
			       "    registry: registry.example.com\n", tok);
	char *path = xasprintf("%s/platform.yaml", tmpdir);
	fp = fopen(path, "w");
	fputs(text, fp);
	fclose(fp);
	assert_int_equal(scanners_config_resolve(path, &c, err, sizeof(err)), 0);
	assert_string_equal(c.sonarqube.url, "https://sonar.example");
	assert_string_equal(c.sonarqube.token, "squ_abc");
	assert_true(c.sonarqube.basic_auth);
	assert_string_equal(scanners_sonar_key(&c, "catalog"), "shop_catalog");
	assert_string_equal(scanners_sonar_key(&c, "cart"), "cart");
	assert_null(c.defectdojo.url);
	assert_string_equal(c.harbor.username, "robot$opsdeck");
	assert_string_equal(c.harbor.password, "s3cret");
	assert_string_equal(scanners_harbor_project(&c, "shop"), "shop");
	struct harbor_config hv = scanners_harbor_view(&c);
	assert_string_equal(hv.registry, "registry.example.com");
	assert_string_equal(hv.password, "s3cret");
	struct sonar_config sv = scanners_sonar_view(&c);
	assert_true(sv.basic_auth);
	assert_string_equal(sv.token, "squ_abc");
	scanners_config_clear(&c);
	free(text);
	free(tok);
	remove_platform(path);

	/* an inline token is refused, with its position */
	path = write_platform("scanners:\n  defectdojo:\n    url: https://dojo.example\n"
			      "    token: abc123\n");
	assert_int_equal(scanners_config_resolve(path, &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "platform.yaml:4:5: an inline token is refused"));
	assert_null(strstr(err, "abc123"));
	assert_null(c.defectdojo.url);
	remove_platform(path);

	path = write_platform("scanners:\n  sonarqube:\n    url: https://s\n  jira: {}\n");
	assert_int_equal(scanners_config_resolve(path, &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ":4:3: unknown scanner jira"));
	remove_platform(path);

	path = write_platform("scanners:\n  harbor:\n    url: ftp://h\n");
	assert_int_equal(scanners_config_resolve(path, &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ":3:5: harbor needs url"));
	remove_platform(path);

	path = write_platform("scanners:\n  sonarqube:\n    url: https://s\n"
			      "    token: {env: OPSDECK_TEST_UNSET_VAR}\n");
	unsetenv("OPSDECK_TEST_UNSET_VAR");
	assert_int_equal(scanners_config_resolve(path, &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "OPSDECK_TEST_UNSET_VAR is not set"));
	remove_platform(path);

	path = write_platform("tenants: {}\n");
	assert_int_equal(scanners_config_resolve(path, &c, err, sizeof(err)), 1);
	remove_platform(path);
	assert_int_equal(scanners_config_resolve("/nonexistent/platform.yaml", &c, err,
						 sizeof(err)), 1);
	assert_int_equal(scanners_config_resolve(NULL, &c, err, sizeof(err)), 1);
}

/* ---- the client against a scripted server --------------------------------------------- */

struct script {
	int gate_calls, pages;
	char auth[512];
	bool deny;
};

static bool starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/* 3 issues over 2 pages: paging.total 501 makes the client ask for page 2. */
static bool serve(struct script_server *s, int fd, const struct script_request *req, void *ud)
{
	struct script *sc = ud;
	script_server_logf(s, "%s %s\n", req->method, req->path);
	snprintf(sc->auth, sizeof(sc->auth), "%s", req->auth);
	if (sc->deny) {
		script_reply(fd, 401, "application/json", NULL,
			     "{\"errors\":[{\"msg\":\"Insufficient privileges\"}]}");
	} else if (starts(req->path, "/sq/api/qualitygates/project_status?projectKey=shop%3Acart")) {
		sc->gate_calls++;
		script_reply(fd, 200, "application/json", NULL,
			     "{\"projectStatus\":{\"status\":\"WARN\",\"conditions\":["
			     "{\"status\":\"WARN\",\"metricKey\":\"coverage\",\"comparator\":\"LT\","
			     "\"warningThreshold\":\"80\",\"actualValue\":\"70\"}]}}");
	} else if (starts(req->path, "/sq/api/issues/search?componentKeys=shop%3Acart"
			  "&resolved=false&ps=500&p=1")) {
		sc->pages++;
		script_reply(fd, 200, "application/json", NULL,
			     "{\"paging\":{\"pageIndex\":1,\"pageSize\":500,\"total\":501},\"issues\":["
			     "{\"key\":\"i1\",\"rule\":\"c:S1\",\"severity\":\"BLOCKER\","
			     "\"component\":\"shop:cart:a.c\",\"line\":1},"
			     "{\"key\":\"i2\",\"rule\":\"c:S2\",\"severity\":\"MINOR\","
			     "\"component\":\"shop:cart:a.c\",\"line\":2}]}");
	} else if (starts(req->path, "/sq/api/issues/search?componentKeys=shop%3Acart"
			  "&resolved=false&ps=500&p=2")) {
		sc->pages++;
		script_reply(fd, 200, "application/json", NULL,
			     "{\"paging\":{\"pageIndex\":2,\"pageSize\":500,\"total\":501},\"issues\":["
			     "{\"key\":\"i3\",\"rule\":\"c:S3\",\"impacts\":[{\"softwareQuality\":"
			     "\"SECURITY\",\"severity\":\"HIGH\"}],\"component\":\"shop:cart:b.c\"}]}");
	} else {
		script_reply(fd, 404, "text/plain", NULL, "not here");
	}
	return false;
}

struct fixture {
	struct script_server *srv;
	struct script script;
	struct loop *loop;
	struct http *http;
};

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));
	signal(SIGPIPE, SIG_IGN);
	f->srv = script_server_start(serve, &f->script);
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
	struct findings set;   /* taken from the callback */
	char *gate_status;
	size_t issues, total;
	struct sonar_client *free_me;
};

static void on_project(void *ud, const char *err, const struct sonar_project *p)
{
	struct outcome *o = ud;
	o->done = true;
	o->calls++;
	assert_true(!err == !!p);
	o->err = err ? xstrdup(err) : NULL;
	if (p) {
		o->set = *p->set;  /* take it */
		memset(p->set, 0, sizeof(*p->set));
		o->gate_status = xstrdup(p->gate->status);
		o->issues = p->issues;
		o->total = p->total;
	}
	if (o->free_me)
		sonar_client_free(o->free_me);
}

static void outcome_clear(struct outcome *o)
{
	free(o->err);
	free(o->gate_status);
	findings_free(&o->set);
	memset(o, 0, sizeof(*o));
}

static struct sonar_client *client(struct fixture *f, bool basic)
{
	char *url = script_server_url(f->srv, "/sq/");
	struct sonar_config cfg = {.url = url, .token = "squ_tok", .basic_auth = basic,
				   .timeout_ms = 5000};
	struct sonar_client *sc = sonar_client_new(f->http, &cfg);
	free(url);
	return sc;
}

static void test_client_pages_and_bearer(void **state)
{
	struct fixture *f = *state;
	struct sonar_client *sc = client(f, false);
	struct outcome o = {0};
	assert_non_null(sonar_fetch_project(sc, "shop:cart", "cart", on_project, &o));
	assert_false(o.done);  /* never inside the starting call */
	run_until(f, &o.done);
	assert_null(o.err);
	assert_string_equal(o.gate_status, "WARN");
	assert_int_equal(o.issues, 3);
	assert_int_equal(o.total, 501);
	assert_int_equal(o.set.n, 1);
	const struct finding_workload *w = &o.set.w[0];
	assert_string_equal(w->name, "shop:cart");
	assert_string_equal(w->service, "cart");
	assert_int_equal(w->n, 4);                       /* 1 gate condition + 3 issues */
	assert_int_equal(w->counts[FINDING_CRITICAL], 1); /* i1 */
	assert_int_equal(w->counts[FINDING_HIGH], 1);     /* i3's impact */
	assert_int_equal(w->counts[FINDING_MEDIUM], 1);   /* the WARN condition */
	assert_int_equal(w->counts[FINDING_LOW], 1);      /* i2 */
	script_server_lock(f->srv);
	assert_string_equal(f->script.auth, "Bearer squ_tok");
	assert_int_equal(f->script.gate_calls, 1);
	assert_int_equal(f->script.pages, 2);
	script_server_unlock(f->srv);
	char *log = script_server_log(f->srv);
	/* gate first, then the pages in order */
	const char *g = strstr(log, "project_status"), *p1 = strstr(log, "&p=1"),
		   *p2 = strstr(log, "&p=2");
	assert_true(g && p1 && p2 && g < p1 && p1 < p2);
	free(log);
	outcome_clear(&o);
	sonar_client_free(sc);
}

static void test_client_basic_auth(void **state)
{
	struct fixture *f = *state;
	struct sonar_client *sc = client(f, true);
	struct outcome o = {0};
	sonar_fetch_project(sc, "shop:cart", NULL, on_project, &o);
	run_until(f, &o.done);
	assert_null(o.err);
	script_server_lock(f->srv);
	/* base64("squ_tok:") — the token as user, an empty password */
	assert_string_equal(f->script.auth, "Basic c3F1X3Rvazo=");
	script_server_unlock(f->srv);
	assert_string_equal(o.set.w[0].service, "");
	outcome_clear(&o);
	sonar_client_free(sc);
}

static void test_client_errors(void **state)
{
	struct fixture *f = *state;
	struct sonar_client *sc = client(f, false);
	struct outcome o = {0};
	/* an unknown project: the scripted 404 text body */
	sonar_fetch_project(sc, "nope", NULL, on_project, &o);
	run_until(f, &o.done);
	assert_non_null(strstr(o.err, "answered HTTP 404"));
	assert_int_equal(o.calls, 1);
	outcome_clear(&o);

	script_server_lock(f->srv);
	f->script.deny = true;
	script_server_unlock(f->srv);
	sonar_fetch_project(sc, "shop:cart", NULL, on_project, &o);
	run_until(f, &o.done);
	assert_string_equal(o.err, "SonarQube: Insufficient privileges (HTTP 401)");
	outcome_clear(&o);
	sonar_client_free(sc);

	/* nobody listening */
	struct sonar_config cfg = {.url = "http://127.0.0.1:1", .timeout_ms = 2000};
	sc = sonar_client_new(f->http, &cfg);
	sonar_fetch_project(sc, "x", NULL, on_project, &o);
	run_until(f, &o.done);
	assert_non_null(strstr(o.err, "cannot reach SonarQube at http://127.0.0.1:1"));
	outcome_clear(&o);
	sonar_client_free(sc);
}

static void test_client_cancel_and_free_in_callback(void **state)
{
	struct fixture *f = *state;
	struct sonar_client *sc = client(f, false);
	struct outcome o = {0};
	struct sonar_call *call = sonar_fetch_project(sc, "shop:cart", NULL, on_project, &o);
	sonar_call_cancel(call);
	for (int i = 0; i < 10; i++)
		loop_run_once(f->loop, 10);
	assert_false(o.done);
	/* a call in flight when the client goes: no callback either */
	sonar_fetch_project(sc, "shop:cart", NULL, on_project, &o);
	sonar_client_free(sc);
	for (int i = 0; i < 10; i++)
		loop_run_once(f->loop, 10);
	assert_false(o.done);
	/* the callback may free the client */
	o.free_me = client(f, false);
	sonar_fetch_project(o.free_me, "shop:cart", NULL, on_project, &o);
	run_until(f, &o.done);
	assert_null(o.err);
	outcome_clear(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gate_fixture),
		cmocka_unit_test(test_issues_fixture),
		cmocka_unit_test(test_component_fixture_refused),
		cmocka_unit_test(test_legacy_severities_and_hostile_text),
		cmocka_unit_test(test_config),
		cmocka_unit_test_setup_teardown(test_client_pages_and_bearer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_client_basic_auth, setup, teardown),
		cmocka_unit_test_setup_teardown(test_client_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_client_cancel_and_free_in_callback, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
