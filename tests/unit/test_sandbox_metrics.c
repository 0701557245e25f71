/* The sandbox's /metrics: the exposition parses, counters only grow, and the error rate
 * jumps while a deployment has a crash-looping pod. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "sandbox/metrics.h"
#include "sandbox/objstore.h"

static struct objstore st;
static struct objstore_cluster *cl;

static json_t *labels(const char *svc)
{
	return json_pack("{s:s, s:s, s:s}", "platform.opsdeck.dev/tenant", "shop",
			 "platform.opsdeck.dev/service", svc, "platform.opsdeck.dev/environment",
			 "prd");
}

static json_t *pod(const char *name, const char *svc, bool ready, const char *waiting,
		   int restarts)
{
	json_t *state = waiting ? json_pack("{s:{s:s}}", "waiting", "reason", waiting)
				: json_pack("{s:{}}", "running");
	return json_pack("{s:s, s:s, s:{s:s, s:s, s:o}, s:{s:s, s:[{s:s, s:b, s:i, s:o}]}}",
			 "apiVersion", "v1", "kind", "Pod", "metadata", "name", name,
			 "namespace", "shop-prd", "labels", labels(svc), "status", "phase",
			 "Running", "containerStatuses", "name", svc, "ready", ready,
			 "restartCount", restarts, "state", state);
}

static json_t *deployment(const char *svc)
{
	return json_pack("{s:s, s:s, s:{s:s, s:s, s:o}, s:{s:i}}", "apiVersion", "apps/v1",
			 "kind", "Deployment", "metadata", "name", svc, "namespace", "shop-prd",
			 "labels", labels(svc), "spec", "replicas", 2);
}

static int setup(void **state)
{
	(void)state;
	objstore_init(&st, 1000);
	cl = objstore_add_cluster(&st, "prod", false);
	json_t *objs = json_pack("[{s:s, s:s, s:{s:s}}]", "apiVersion", "v1", "kind",
				 "Namespace", "metadata", "name", "shop-prd");
	json_array_append_new(objs, deployment("cart"));
	json_array_append_new(objs, deployment("web\"x"));
	json_array_append_new(objs, pod("cart-1", "cart", true, NULL, 0));
	json_array_append_new(objs, pod("cart-2", "cart", true, NULL, 0));
	json_array_append_new(objs, pod("web-1", "web\"x", true, NULL, 0));
	assert_int_equal(objstore_load_objects(&st, cl, objs), 0);
	json_decref(objs);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	objstore_free(&st);
	return 0;
}

/* Every sample line is NAME{LABELS} INTEGER; every family has HELP and TYPE. */
static void check_format(const char *text)
{
	char *copy = strdup(text);
	int samples = 0;
	for (char *line = strtok(copy, "\n"); line; line = strtok(NULL, "\n")) {
		if (line[0] == '#') {
			assert_true(!strncmp(line, "# HELP ", 7) || !strncmp(line, "# TYPE ", 7));
			continue;
		}
		char *brace = strchr(line, '{'), *close = strrchr(line, '}');
		assert_non_null(brace);
		assert_non_null(close);
		assert_true(close > brace);
		assert_int_equal(close[1], ' ');
		char *end;
		strtoll(close + 2, &end, 10);
		assert_int_equal(*end, '\0');
		samples++;
	}
	assert_true(samples > 0);
	free(copy);
	assert_non_null(strstr(text, "# TYPE http_requests_total counter\n"));
	assert_non_null(strstr(text, "# TYPE kube_pod_container_status_waiting_reason gauge\n"));
	assert_non_null(strstr(text, "# TYPE kube_pod_container_status_restarts_total counter\n"));
}

/* The value of the http_requests_total sample for service svc and code. */
static long long requests(const char *text, const char *svc, const char *code)
{
	char want[256];
	snprintf(want, sizeof(want),
		 "http_requests_total{cluster=\"prod\",namespace=\"shop-prd\",tenant=\"shop\","
		 "service=\"%s\",environment=\"prd\",code=\"%s\"} ", svc, code);
	const char *p = strstr(text, want);
	assert_non_null(p);
	return strtoll(p + strlen(want), NULL, 10);
}

static char *scrape(struct sbx_metrics *m, long long now_ms)
{
	struct strbuf sb = STRBUF_INIT;
	sbx_metrics_render(m, &st, now_ms, &sb);
	return strbuf_detach(&sb);
}

static void test_format_and_monotonic(void **state)
{
	(void)state;
	struct sbx_metrics m = {0};
	char *a = scrape(&m, 1000);
	check_format(a);
	assert_true(requests(a, "cart", "200") == 0);
	/* a label value with a quote is escaped */
	assert_non_null(strstr(a, "service=\"web\\\"x\""));
	char *b = scrape(&m, 61000);
	check_format(b);
	long long ok = requests(b, "cart", "200"), err = requests(b, "cart", "500");
	/* 60 s x 2 pods x 5..20 req/s, 0.1% errors */
	assert_true(ok >= 600 && ok <= 2400);
	assert_true(err <= ok / 500);
	char *c = scrape(&m, 61500);
	char *d = scrape(&m, 61400);  /* a clock going back changes nothing */
	assert_true(requests(c, "cart", "200") >= ok);
	assert_true(requests(d, "cart", "200") == requests(c, "cart", "200"));
	/* deterministic: another accumulator set gives the same numbers */
	struct sbx_metrics m2 = {0};
	free(scrape(&m2, 1000));
	char *e = scrape(&m2, 61000);
	assert_true(requests(e, "cart", "200") == ok);
	free(a);
	free(b);
	free(c);
	free(d);
	free(e);
	sbx_metrics_free(&m);
	sbx_metrics_free(&m2);
}

static void test_error_rate_jumps_on_crash_loop(void **state)
{
	(void)state;
	struct sbx_metrics m = {0};
	free(scrape(&m, 0));
	char *a = scrape(&m, 60000);
	long long ok0 = requests(a, "cart", "200"), err0 = requests(a, "cart", "500");
	assert_true((double)err0 / (double)(ok0 + err0) < 0.01);
	assert_null(strstr(a, "CrashLoopBackOff"));

	/* the new release's pod crash-loops next to the old ones */
	json_t *objs = json_pack("[o]", pod("cart-3", "cart", false, "CrashLoopBackOff", 4));
	assert_int_equal(objstore_load_objects(&st, cl, objs), 0);
	json_decref(objs);
	char *b = scrape(&m, 120000);
	long long dok = requests(b, "cart", "200") - ok0, derr = requests(b, "cart", "500") - err0;
	double ratio = (double)derr / (double)(dok + derr);
	assert_true(ratio > 0.35 && ratio < 0.45);
	assert_true(dok > 0);  /* counters still grow */
	assert_non_null(strstr(b, "kube_pod_container_status_waiting_reason{cluster=\"prod\","
				  "namespace=\"shop-prd\",pod=\"cart-3\",container=\"cart\","
				  "tenant=\"shop\",service=\"cart\",environment=\"prd\","
				  "reason=\"CrashLoopBackOff\"} 1\n"));
	assert_non_null(strstr(b, "kube_pod_container_status_restarts_total{cluster=\"prod\","
				  "namespace=\"shop-prd\",pod=\"cart-3\",container=\"cart\","
				  "tenant=\"shop\",service=\"cart\",environment=\"prd\"} 4\n"));
	/* the other service is unaffected */
	long long wok = requests(b, "web\\\"x", "200"), werr = requests(b, "web\\\"x", "500");
	assert_true((double)werr / (double)(wok + werr) < 0.01);
	free(a);
	free(b);
	sbx_metrics_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_format_and_monotonic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_rate_jumps_on_crash_loop, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
