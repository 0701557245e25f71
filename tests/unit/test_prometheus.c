/* The Prometheus client: parsers on the API documentation's own examples, error bodies,
 * NaN/Inf, hostile label values; the configuration; calls against a scripted server. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clients/http.h"
#include "clients/prometheus.h"
#include "clients/prometheus_config.h"
#include "core/loop.h"
#include "core/xalloc.h"
#include "tests/support/script_server.h"
#include "tests/support/tmpdir.h"

#define FIX "tests/fixtures/prometheus/"

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
	json_t *j = json_loads(text, JSON_ALLOW_NUL, NULL);
	assert_non_null(j);
	return j;
}

/* ---- parsers on the documented examples ---------------------------------------------- */

static void test_alerts_fixture(void **state)
{
	(void)state;
	json_t *body = load_fixture(FIX "api-alerts-example.json");
	struct prom_alerts a;
	char err[256] = "";
	assert_true(prom_parse_alerts(body, &a, err, sizeof(err)));
	assert_int_equal(a.n, 1);
	assert_string_equal(prom_labels_get(&a.items[0].labels, "alertname"), "my-alert");
	assert_null(prom_labels_get(&a.items[0].labels, "severity"));
	assert_int_equal(a.items[0].annotations.n, 0);
	assert_int_equal(a.items[0].state, PROM_ALERT_FIRING);
	/* 2018-07-04T20:27:12.606+02:00 == 18:27:12.606 UTC */
	assert_true(a.items[0].active_at_ms == 1530728832606LL);
	assert_true(a.items[0].value == 1.0);
	prom_alerts_free(&a);
	json_decref(body);
}

static void test_rules_fixture(void **state)
{
	(void)state;
	json_t *body = load_fixture(FIX "api-rules-example.json");
	struct prom_rules r;
	char err[256] = "";
	assert_true(prom_parse_rules(body, &r, err, sizeof(err)));
	assert_int_equal(r.n, 1);
	assert_string_equal(r.groups[0].name, "example");
	assert_string_equal(r.groups[0].file, "/rules.yaml");
	assert_true(r.groups[0].interval_s == 60);
	assert_int_equal(r.groups[0].nrules, 2);
	const struct prom_rule *hi = &r.groups[0].rules[0], *rec = &r.groups[0].rules[1];
	assert_string_equal(hi->name, "HighRequestLatency");
	assert_true(hi->alerting);
	assert_true(hi->duration_s == 600);
	assert_string_equal(hi->health, "ok");
	assert_null(hi->last_error);
	assert_int_equal(hi->state, PROM_ALERT_FIRING);  /* from its firing alert */
	assert_string_equal(prom_labels_get(&hi->labels, "severity"), "page");
	assert_string_equal(prom_labels_get(&hi->annotations, "summary"), "High request latency");
	assert_int_equal(hi->alerts.n, 1);
	assert_string_equal(prom_labels_get(&hi->alerts.items[0].labels, "alertname"),
			    "HighRequestLatency");
	assert_string_equal(hi->query, "job:request_latency_seconds:mean5m{job=\"myjob\"} > 0.5");
	assert_false(rec->alerting);
	assert_string_equal(rec->name, "job:http_inprogress_requests:sum");
	assert_int_equal(rec->alerts.n, 0);
	prom_rules_free(&r);
	json_decref(body);
}

static void test_query_range_fixture(void **state)
{
	(void)state;
	json_t *body = load_fixture(FIX "api-query_range-example.json");
	struct prom_result r;
	char err[256] = "";
	assert_true(prom_parse_result(body, &r, err, sizeof(err)));
	assert_string_equal(r.result_type, "matrix");
	assert_int_equal(r.n, 2);
	assert_null(r.warnings);
	/* sorted by name: __name__, instance, job */
	assert_int_equal(r.series[0].labels.n, 3);
	assert_string_equal(r.series[0].labels.items[0].name, "__name__");
	assert_string_equal(r.series[0].labels.items[1].name, "instance");
	assert_string_equal(r.series[0].labels.items[2].name, "job");
	assert_string_equal(prom_labels_get(&r.series[1].labels, "job"), "node");
	assert_int_equal(r.series[1].npoints, 3);
	assert_true(r.series[1].points[0].time_ms == 1435781430781LL);
	assert_true(r.series[1].points[2].time_ms == 1435781460781LL);
	assert_true(r.series[1].points[0].value == 0.0);
	assert_true(r.series[1].points[2].value == 1.0);
	prom_result_free(&r);
	json_decref(body);
}

/* ---- errors and odd values --------------------------------------------------------- */

static void test_error_bodies(void **state)
{
	(void)state;
	char err[256] = "";
	struct prom_result r;
	json_t *b = parse("{\"status\":\"error\",\"errorType\":\"bad_data\","
			  "\"error\":\"1:6: parse error: unexpected \\u001b[31m\"}");
	assert_false(prom_parse_result(b, &r, err, sizeof(err)));
	assert_string_equal(err, "bad_data: 1:6: parse error: unexpected ^[[31m");
	assert_null(r.series);
	json_decref(b);

	struct prom_alerts a;
	b = parse("{\"status\":\"success\",\"data\":{}}");
	assert_false(prom_parse_alerts(b, &a, err, sizeof(err)));
	assert_non_null(strstr(err, "alerts"));
	json_decref(b);
	b = parse("[1,2]");
	assert_false(prom_parse_alerts(b, &a, err, sizeof(err)));
	json_decref(b);

	struct prom_rules ru;
	b = parse("{\"status\":\"success\",\"data\":{\"groups\":7}}");
	assert_false(prom_parse_rules(b, &ru, err, sizeof(err)));
	assert_int_equal(ru.n, 0);
	json_decref(b);
	b = parse("{\"status\":\"success\",\"data\":{\"resultType\":\"weird\",\"result\":[]}}");
	assert_false(prom_parse_result(b, &r, err, sizeof(err)));
	json_decref(b);
}

static void test_nan_inf_and_scalar(void **state)
{
	(void)state;
	char err[256] = "";
	struct prom_result r;
	json_t *b = parse(
		"{\"status\":\"success\",\"warnings\":[\"a\",\"b\"],\"data\":{\"resultType\":"
		"\"vector\",\"result\":[{\"metric\":{\"k\":\"1\"},\"value\":[10.5,\"NaN\"]},"
		"{\"metric\":{\"k\":\"2\"},\"value\":[10.5,\"+Inf\"]},"
		"{\"metric\":{\"k\":\"3\"},\"value\":[10.5,\"-Inf\"]},"
		"{\"metric\":{},\"value\":[10.5,\"0.25\"]}]}}");
	assert_true(prom_parse_result(b, &r, err, sizeof(err)));
	assert_int_equal(r.n, 4);
	assert_true(isnan(r.series[0].points[0].value));
	assert_true(isinf(r.series[1].points[0].value) && r.series[1].points[0].value > 0);
	assert_true(isinf(r.series[2].points[0].value) && r.series[2].points[0].value < 0);
	assert_true(r.series[3].points[0].value == 0.25);
	assert_true(r.series[3].points[0].time_ms == 10500);
	assert_int_equal(r.series[3].labels.n, 0);
	assert_string_equal(r.warnings, "a; b");
	prom_result_free(&r);
	json_decref(b);

	b = parse("{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\","
		  "\"result\":[1700000000,\"42\"]}}");
	assert_true(prom_parse_result(b, &r, err, sizeof(err)));
	assert_string_equal(r.result_type, "scalar");
	assert_int_equal(r.n, 1);
	assert_int_equal(r.series[0].npoints, 1);
	assert_true(r.series[0].points[0].value == 42);
	assert_true(r.series[0].points[0].time_ms == 1700000000000LL);
	prom_result_free(&r);
	json_decref(b);
}

static bool has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

static void test_hostile_labels_inert(void **state)
{
	(void)state;
	char err[256] = "";
	struct prom_alerts a;
	json_t *b = parse(
		"{\"status\":\"success\",\"data\":{\"alerts\":[{\"state\":\"pending\","
		"\"activeAt\":\"2026-11-23T09:00:00Z\",\"value\":\"NaN\","
		"\"labels\":{\"zeta\":\"z\",\"service\":\"cart\\u001b]52;c;SGVsbG8=\\u0007\","
		"\"alertname\":\"X\\u001b[2J\\u009b1m\",\"e\\u001bvil\":\"v\\n2\"},"
		"\"annotations\":{\"summary\":\"\\u202eevil\\u0000\"}}]}}");
	assert_true(prom_parse_alerts(b, &a, err, sizeof(err)));
	assert_int_equal(a.n, 1);
	const struct prom_alert *al = &a.items[0];
	assert_int_equal(al->state, PROM_ALERT_PENDING);
	assert_true(al->active_at_ms == 1795424400000LL);
	assert_true(isnan(al->value));
	assert_string_equal(prom_labels_get(&al->labels, "service"), "cart^[]52;c;SGVsbG8=^G");
	assert_string_equal(prom_labels_get(&al->labels, "alertname"), "X^[[2J^[[1m");
	for (size_t i = 0; i < al->labels.n; i++) {
		assert_false(has_control(al->labels.items[i].name));
		assert_false(has_control(al->labels.items[i].value));
		if (i > 0)
			assert_true(strcmp(al->labels.items[i - 1].name, al->labels.items[i].name) < 0);
	}
	assert_string_equal(prom_labels_get(&al->labels, "e^[vil"), "v^J2");
	const char *sum = prom_labels_get(&al->annotations, "summary");
	assert_non_null(sum);
	assert_null(strstr(sum, "\xe2\x80\xae"));
	assert_false(has_control(sum));
	prom_alerts_free(&a);
	json_decref(b);
}

/* ---- configuration ------------------------------------------------------------------ */

struct tmp {
	char dir[64];
	char path[128];
};

static void write_platform(struct tmp *t, const char *text)
{
	test_tmp_template(t->dir, sizeof(t->dir), "opsdeck-prom.XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	snprintf(t->path, sizeof(t->path), "%s/platform.yaml", t->dir);
	FILE *fp = fopen(t->path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void tmp_remove(struct tmp *t)
{
	char tok[160];
	snprintf(tok, sizeof(tok), "%s/token", t->dir);
	unlink(tok);
	unlink(t->path);
	rmdir(t->dir);
}

static void test_config(void **state)
{
	(void)state;
	struct prom_config_owned c;
	char err[512] = "";
	unsetenv("OPSDECK_PROMETHEUS_URL");
	assert_int_equal(prom_config_resolve(NULL, &c, err, sizeof(err)), 1);
	assert_int_equal(prom_config_resolve("/nonexistent/platform.yaml", &c, err, sizeof(err)), 1);

	struct tmp t;
	write_platform(&t, "tenants: []\nprometheus:\n  url: http://prom:9090/\n"
			   "  token: {env: PROM_TEST_TOKEN}\n  ca_file: /ca.crt\n");
	setenv("PROM_TEST_TOKEN", "s3cret", 1);
	assert_int_equal(prom_config_resolve(t.path, &c, err, sizeof(err)), 0);
	assert_string_equal(c.url, "http://prom:9090");
	assert_string_equal(c.token, "s3cret");
	assert_string_equal(c.ca_file, "/ca.crt");
	assert_false(c.insecure);
	struct prom_config v = prom_config_view(&c);
	assert_string_equal(v.bearer_token, "s3cret");
	assert_string_equal(v.tls.ca_file, "/ca.crt");
	prom_config_clear(&c);

	setenv("OPSDECK_PROMETHEUS_URL", "http://override:1", 1);
	assert_int_equal(prom_config_resolve(t.path, &c, err, sizeof(err)), 0);
	assert_string_equal(c.url, "http://override:1");
	assert_string_equal(c.token, "s3cret");
	prom_config_clear(&c);
	assert_int_equal(prom_config_resolve(NULL, &c, err, sizeof(err)), 0);
	assert_string_equal(c.source, "OPSDECK_PROMETHEUS_URL");
	prom_config_clear(&c);
	unsetenv("OPSDECK_PROMETHEUS_URL");
	unsetenv("PROM_TEST_TOKEN");
	assert_int_equal(prom_config_resolve(t.path, &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "PROM_TEST_TOKEN is not set"));
	tmp_remove(&t);

	write_platform(&t, "prometheus:\n  url: http://p\n  token: eyJinline\n");
	assert_int_equal(prom_config_resolve(t.path, &c, err, sizeof(err)), -1);
	char want[256];
	snprintf(want, sizeof(want), "%s:3:", t.path);
	assert_non_null(strstr(err, want));
	assert_non_null(strstr(err, "inline token is refused"));
	assert_null(c.url);
	tmp_remove(&t);

	write_platform(&t, "prometheus:\n  insecure: true\n");
	assert_int_equal(prom_config_resolve(t.path, &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "needs url"));
	tmp_remove(&t);
}

/* ---- the client against a scripted server ----------------------------------------- */

struct script {
	int requests;
	char last_path[4096];
	char last_auth[512];
};

static bool starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

static bool serve(struct script_server *srv, int fd, const struct script_request *req, void *ud)
{
	struct script *s = ud;
	(void)srv;
	s->requests++;
	snprintf(s->last_path, sizeof(s->last_path), "%s", req->path);
	snprintf(s->last_auth, sizeof(s->last_auth), "%s", req->auth);
	if (starts(req->path, "/prefix/api/v1/alerts")) {
		char *body = NULL;
		FILE *fp = fopen(FIX "api-alerts-example.json", "r");
		size_t cap = 0;
		ssize_t n = fp ? getdelim(&body, &cap, '\0', fp) : -1;
		if (fp)
			fclose(fp);
		script_reply(fd, 200, "application/json", NULL, n > 0 ? body : "");
		free(body);
	} else if (starts(req->path, "/prefix/api/v1/query_range?")) {
		script_reply(fd, 200, "application/json", NULL,
			     "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":"
			     "[{\"metric\":{\"b\":\"2\",\"a\":\"1\"},\"values\":[[1,\"1\"],[2,\"NaN\"]]}]}}");
	} else if (starts(req->path, "/prefix/api/v1/query?")) {
		script_reply(fd, 400, "application/json", NULL,
			     "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"invalid parameter "
			     "\\\"query\\\"\"}");
	} else {
		script_reply(fd, 502, "text/html", NULL, "<html>bad gateway</html>");
	}
	return false;
}

struct fixture {
	struct script_server *srv;
	struct script script;
	struct loop *loop;
	struct http *http;
	struct prom_client *pc;
};

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));
	signal(SIGPIPE, SIG_IGN);
	f->srv = script_server_start(serve, &f->script);
	f->loop = loop_new();
	f->http = http_new(f->loop);
	char *url = script_server_url(f->srv, "/prefix/");
	struct prom_config cfg = {.url = url, .bearer_token = "tok-123", .timeout_ms = 5000};
	f->pc = prom_client_new(f->http, &cfg);
	free(url);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	prom_client_free(f->pc);
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
	bool done, in_call;
	char *err;
	size_t n;
	char *first_name;
	double second_value;
	int calls;
};

static void on_alerts(void *ud, const char *err, const struct prom_alerts *alerts)
{
	struct outcome *o = ud;
	assert_false(o->in_call);
	o->done = true;
	o->calls++;
	o->err = err ? xstrdup(err) : NULL;
	assert_true(!err == !!alerts);
	if (alerts) {
		o->n = alerts->n;
		o->first_name = xstrdup(prom_labels_get(&alerts->items[0].labels, "alertname"));
	}
}

static void on_result(void *ud, const char *err, const struct prom_result *res)
{
	struct outcome *o = ud;
	assert_false(o->in_call);
	o->done = true;
	o->calls++;
	o->err = err ? xstrdup(err) : NULL;
	assert_true(!err == !!res);
	if (res) {
		o->n = res->n;
		o->first_name = xstrdup(res->series[0].labels.items[0].name);
		o->second_value = res->series[0].points[1].value;
	}
}

static void outcome_clear(struct outcome *o)
{
	free(o->err);
	free(o->first_name);
	memset(o, 0, sizeof(*o));
}

static void test_client_alerts(void **state)
{
	struct fixture *f = *state;
	char *url = script_server_url(f->srv, "/prefix");
	assert_string_equal(prom_client_url(f->pc), url);  /* the trailing slash dropped */
	free(url);
	struct outcome o = {0};
	o.in_call = true;
	assert_non_null(prom_get_alerts(f->pc, on_alerts, &o));
	o.in_call = false;
	run_until(f, &o.done);
	assert_null(o.err);
	assert_int_equal(o.n, 1);
	assert_string_equal(o.first_name, "my-alert");
	script_server_lock(f->srv);
	assert_string_equal(f->script.last_path, "/prefix/api/v1/alerts");
	assert_string_equal(f->script.last_auth, "Bearer tok-123");
	script_server_unlock(f->srv);
	outcome_clear(&o);
}

static void test_client_query_range_encoding(void **state)
{
	struct fixture *f = *state;
	struct outcome o = {0};
	o.in_call = true;
	assert_non_null(prom_query_range(f->pc, "sum by (service) (rate(x{code=~\"5..\"}[1m]))",
					 1700000000000LL, 1700000060500LL, 15000, on_result, &o));
	o.in_call = false;
	run_until(f, &o.done);
	if (o.err)
		fail_msg("%s", o.err);
	assert_int_equal(o.n, 1);
	assert_string_equal(o.first_name, "a");  /* sorted */
	assert_true(isnan(o.second_value));
	script_server_lock(f->srv);
	assert_string_equal(f->script.last_path,
			    "/prefix/api/v1/query_range?query=sum%20by%20%28service%29%20%28rate"
			    "%28x%7Bcode%3D~%225..%22%7D%5B1m%5D%29%29"
			    "&start=1700000000.000&end=1700000060.500&step=15.000");
	script_server_unlock(f->srv);
	outcome_clear(&o);
}

static void test_client_errors(void **state)
{
	struct fixture *f = *state;
	struct outcome o = {0};
	prom_query(f->pc, "up{", 1700000000123LL, on_result, &o);
	run_until(f, &o.done);
	assert_string_equal(o.err, "bad_data: invalid parameter \"query\"");
	script_server_lock(f->srv);
	assert_string_equal(f->script.last_path, "/prefix/api/v1/query?query=up%7B&time=1700000000.123");
	script_server_unlock(f->srv);
	outcome_clear(&o);
}

static void on_rules(void *ud, const char *err, const struct prom_rules *rules)
{
	struct outcome *o = ud;
	o->done = true;
	o->calls++;
	o->err = err ? xstrdup(err) : NULL;
	assert_true(!err == !!rules);
}

static void test_client_http_errors_and_cancel(void **state)
{
	struct fixture *f = *state;
	struct outcome o = {0};
	/* the scripted server answers /rules with an HTML 502 */
	prom_get_rules(f->pc, on_rules, &o);
	run_until(f, &o.done);
	assert_non_null(strstr(o.err, "HTTP 502"));
	outcome_clear(&o);

	/* a cancelled call never calls back */
	struct prom_call *c = prom_get_alerts(f->pc, on_alerts, &o);
	prom_call_cancel(c);
	for (int i = 0; i < 10; i++)
		loop_run_once(f->loop, 20);
	assert_int_equal(o.calls, 0);

	/* nothing listens: "cannot reach" */
	struct prom_config cfg = {.url = "http://127.0.0.1:1", .timeout_ms = 2000};
	struct prom_client *dead = prom_client_new(f->http, &cfg);
	prom_get_alerts(dead, on_alerts, &o);
	run_until(f, &o.done);
	assert_non_null(strstr(o.err, "cannot reach Prometheus at http://127.0.0.1:1"));
	outcome_clear(&o);
	/* freeing a client with a call in flight: no callback, no leak */
	prom_get_alerts(dead, on_alerts, &o);
	prom_client_free(dead);
	for (int i = 0; i < 5; i++)
		loop_run_once(f->loop, 10);
	assert_int_equal(o.calls, 0);
}

struct freeing {
	struct prom_client *pc;
	bool done;
};

static void on_alerts_free_client(void *ud, const char *err, const struct prom_alerts *alerts)
{
	struct freeing *fr = ud;
	(void)err;
	(void)alerts;
	prom_client_free(fr->pc);  /* allowed from a callback: a console closing on error */
	fr->done = true;
}

static void test_client_freed_in_callback(void **state)
{
	struct fixture *f = *state;
	char *url = script_server_url(f->srv, "/prefix");
	struct prom_config cfg = {.url = url};
	struct freeing fr = {prom_client_new(f->http, &cfg), false};
	free(url);
	prom_get_alerts(fr.pc, on_alerts_free_client, &fr);
	run_until(f, &fr.done);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alerts_fixture),
		cmocka_unit_test(test_rules_fixture),
		cmocka_unit_test(test_query_range_fixture),
		cmocka_unit_test(test_error_bodies),
		cmocka_unit_test(test_nan_inf_and_scalar),
		cmocka_unit_test(test_hostile_labels_inert),
		cmocka_unit_test(test_config),
		cmocka_unit_test_setup_teardown(test_client_alerts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_client_query_range_encoding, setup, teardown),
		cmocka_unit_test_setup_teardown(test_client_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_client_http_errors_and_cancel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_client_freed_in_callback, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
