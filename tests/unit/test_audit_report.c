/* Unit tests for core/audit_report and its printers (views/audit_report_cmd): actions
 * paired intent with result, Argo CD history, commits and timeline merged newest first,
 * the since filter, the chain verdict on intact and tampered logs, Markdown, JSON and
 * CSV (quoting, formula cells), and escape sequences sanitised. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "core/actions.h"
#include "core/audit.h"
#include "core/audit_report.h"
#include "core/xalloc.h"
#include "tui/chrome.h"
#include "views/audit_report_cmd.h"
#include "tests/support/curses_test.h"
#include "tests/support/tmpdir.h"

static char tmpdir[64];
static char logpath[128];

static int setup(void **state)
{
	(void)state;
	test_tmp_template(tmpdir, sizeof tmpdir, "opsdeck-auditrep.XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(logpath, sizeof logpath, "%s/audit.jsonl", tmpdir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(logpath);
	rmdir(tmpdir);
	return 0;
}

static const struct audit_identity alice = {"alice", "kube-alice", NULL};

static void append(enum action_kind kind, const char *name, enum action_audit_stage stage,
		   bool ok, const char *error)
{
	struct action a = {.kind = kind, .target = {.context = "prod", .namespace = "shop",
						    .kind = "Deployment", .name = name},
			   .parameters = kind == ACTION_SCALE ? "{\"replicas\":3}" : NULL};
	char err[256];
	assert_int_equal(audit_append(logpath, stage, &a, &alice, ok, error, err, sizeof err), 0);
}

/* Prints r into a string (the caller frees). */
static char *printed(const struct audit_report *r, const char *format)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	audit_report_print(f, format, r, "AUDIT");
	fclose(f);
	return buf;
}

static void test_log_pairs_intent_with_result(void **state)
{
	(void)state;
	append(ACTION_RESTART, "web", ACTION_AUDIT_INTENT, false, NULL);
	append(ACTION_SCALE, "api", ACTION_AUDIT_INTENT, false, NULL);
	append(ACTION_SCALE, "api", ACTION_AUDIT_RESULT, false, "forbidden");
	append(ACTION_RESTART, "web", ACTION_AUDIT_RESULT, true, NULL);
	append(ACTION_DELETE, "old", ACTION_AUDIT_INTENT, false, NULL);
	struct audit_report r;
	char err[256];
	audit_report_init(&r, 0);
	assert_int_equal(audit_report_add_log(&r, logpath, err, sizeof err), 0);
	assert_int_equal(r.chain.verdict, 0);
	assert_int_equal(r.chain.records, 5);
	assert_int_equal(strlen(r.chain.last_hash), 64);
	assert_int_equal(r.n, 3);   /* three actions, not five records */
	assert_string_equal(r.rows[0].what, "scale");
	assert_string_equal(r.rows[0].who, "alice (kube-alice)");
	assert_string_equal(r.rows[0].target, "shop/Deployment/api");
	assert_string_equal(r.rows[0].context, "prod");
	assert_string_equal(r.rows[0].detail, "{\"replicas\":3} failed: forbidden");
	assert_string_equal(r.rows[1].what, "restart");
	assert_string_equal(r.rows[1].detail, "ok");
	assert_string_equal(r.rows[2].what, "delete");
	assert_string_equal(r.rows[2].detail, "no result recorded");
	for (size_t i = 0; i < r.n; i++)
		assert_int_equal(r.rows[i].source, AUDIT_SRC_AUDIT);
	audit_report_free(&r);

	/* since in the future: the chain is still judged, no row is kept */
	audit_report_init(&r, (long long)time(NULL) + 3600);
	assert_int_equal(audit_report_add_log(&r, logpath, err, sizeof err), 0);
	assert_int_equal(r.chain.verdict, 0);
	assert_int_equal(r.n, 0);
	audit_report_free(&r);
}

static void test_absent_log_is_intact_and_empty(void **state)
{
	(void)state;
	struct audit_report r;
	char err[256];
	audit_report_init(&r, 0);
	assert_int_equal(r.chain.verdict, 2);
	assert_int_equal(audit_report_add_log(&r, logpath, err, sizeof err), 0);
	assert_int_equal(r.chain.verdict, 0);
	assert_int_equal(r.chain.records, 0);
	assert_int_equal(r.n, 0);
	char text[512];
	audit_report_chain_text(&r, "F", text, sizeof text);
	assert_string_equal(text, "F: intact (empty: no actions recorded)");
	audit_report_free(&r);
}

/* Changes one byte of line 2's name: the chain is broken at line 2, rows still shown. */
static void test_tampered_log_is_reported_broken(void **state)
{
	(void)state;
	append(ACTION_RESTART, "web", ACTION_AUDIT_INTENT, false, NULL);
	append(ACTION_RESTART, "web", ACTION_AUDIT_RESULT, true, NULL);
	append(ACTION_RESTART, "web", ACTION_AUDIT_INTENT, false, NULL);
	FILE *f = fopen(logpath, "r+");
	assert_non_null(f);
	char *all = NULL;
	size_t len = 0;
	assert_int_not_equal(getdelim(&all, &len, '\0', f), -1);
	char *second = strchr(all, '\n') + 1;
	char *name = strstr(second, "\"name\":\"web\"");
	assert_non_null(name);
	fseek(f, (long)(name - all) + 8, SEEK_SET);
	fputc('W', f);
	fclose(f);
	free(all);
	struct audit_report r;
	char err[256];
	audit_report_init(&r, 0);
	assert_int_equal(audit_report_add_log(&r, logpath, err, sizeof err), 0);
	assert_int_equal(r.chain.verdict, 1);
	assert_int_equal(r.chain.bad_line, 2);
	assert_non_null(strstr(r.chain.message, "line 2"));
	assert_true(r.n >= 1);
	char text[512];
	audit_report_chain_text(&r, "F", text, sizeof text);
	assert_non_null(strstr(text, "F: chain BROKEN: line 2"));
	char *md = printed(&r, "md");
	assert_non_null(strstr(md, "**Audit log AUDIT: chain BROKEN: line 2"));
	free(md);
	char *js = printed(&r, "json");
	json_t *doc = json_loads(js, 0, NULL);
	assert_non_null(doc);
	assert_string_equal(json_string_value(json_object_get(json_object_get(doc, "chain"),
							      "verdict")), "broken");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(doc, "chain"),
							    "bad_line")), 2);
	json_decref(doc);
	free(js);
	audit_report_free(&r);
}

/* A timeline entry with owned copies (timeline_entry_free releases them). */
static struct timeline_entry entry(long long t, enum timeline_kind kind, const char *cluster,
				   const char *ns, const char *object, const char *reason,
				   const char *message, long count)
{
	struct timeline_entry e = {.time = t, .kind = kind, .cluster = xstrdup(cluster),
				   .namespace = xstrdup(ns), .object = xstrdup(object),
				   .reason = xstrdup(reason), .message = xstrdup(message),
				   .revision = xstrdup(""), .count = count, .key = xstrdup("")};
	return e;
}

static json_t *apps_fixture(void)
{
	return json_loads(
		"{\"items\":[{\"metadata\":{\"name\":\"cart-prd\",\"labels\":"
		"{\"platform.opsdeck.dev/environment\":\"prd\"}},\"spec\":{\"destination\":"
		"{\"name\":\"prod\",\"namespace\":\"shop-prd\"}},\"status\":{\"history\":["
		"{\"id\":1,\"revision\":\"aaa\",\"deployedAt\":\"2026-11-01T10:00:00Z\","
		"\"deployStartedAt\":\"2026-11-01T09:59:58Z\",\"initiatedBy\":{\"username\":\"bob\"}},"
		"{\"id\":2,\"revision\":\"bbb\",\"deployedAt\":\"2026-11-10T10:00:00Z\","
		"\"initiatedBy\":{\"automated\":true}}]}},"
		"{\"metadata\":{\"name\":\"nohist\"},\"spec\":{},\"status\":{}}]}",
		0, NULL);
}

static void test_sources_merge_newest_first_since(void **state)
{
	(void)state;
	long long nov5 = timeline_parse_time("2026-11-05T00:00:00Z");
	struct audit_report r;
	audit_report_init(&r, nov5);
	json_t *apps = apps_fixture();
	audit_report_add_argocd(&r, apps);
	json_decref(apps);
	struct audit_commit old = {.sha = "1111111111111111", .time = nov5 - 1, .subject = "x"};
	struct audit_commit c = {.sha = "0123456789abcdef0123", .subject = "cart: promote 2 to prd",
				 .time = timeline_parse_time("2026-11-10T10:00:00Z"),
				 .service = "cart", .env = "prd", .promoted_from = "pre",
				 .promoted_to = "prd", .source_revision = "fedcba9876543210"};
	audit_report_add_commit(&r, &old);
	audit_report_add_commit(&r, &c);
	struct timeline_entry tl[] = {
		entry(timeline_parse_time("2026-11-12T08:00:00Z"), TIMELINE_EVENT, "prod",
		      "shop-prd", "Pod/cart-1", "BackOff", "restarting", 4),
		entry(nov5 - 10, TIMELINE_ALERT, "prod", "", "Alert/x", "Old", "", 1),
	};
	audit_report_add_timeline(&r, tl, 2);
	timeline_entry_free(&tl[0]);
	timeline_entry_free(&tl[1]);
	audit_report_sort(&r);
	/* the Nov 1 deploy, the old commit and the old alert are before since */
	assert_int_equal(r.n, 3);
	assert_int_equal(r.rows[0].source, AUDIT_SRC_TIMELINE);
	assert_string_equal(r.rows[0].what, "event BackOff");
	assert_string_equal(r.rows[0].target, "shop-prd/Pod/cart-1");
	assert_string_equal(r.rows[0].detail, "restarting (x4)");
	/* equal times: Argo CD before Git */
	assert_int_equal(r.rows[1].source, AUDIT_SRC_ARGOCD);
	assert_string_equal(r.rows[1].who, "automated");
	assert_string_equal(r.rows[1].context, "prod");
	assert_string_equal(r.rows[1].target, "shop-prd/Application/cart-prd");
	assert_string_equal(r.rows[1].env, "prd");
	assert_non_null(strstr(r.rows[1].detail, "revision bbb"));
	assert_int_equal(r.rows[2].source, AUDIT_SRC_GIT);
	assert_string_equal(r.rows[2].what, "promote");
	assert_string_equal(r.rows[2].target, "cart");
	assert_string_equal(r.rows[2].detail, "0123456789ab cart: promote 2 to prd; Promoted-From: "
			    "pre; Promoted-To: prd; Source-Revision: fedcba987654");
	audit_report_free(&r);

	/* since 0 keeps all: the Nov 1 entry says who started it */
	audit_report_init(&r, 0);
	apps = apps_fixture();
	audit_report_add_argocd(&r, apps);
	json_decref(apps);
	audit_report_sort(&r);
	assert_int_equal(r.n, 2);
	assert_string_equal(r.rows[1].who, "bob");
	assert_non_null(strstr(r.rows[1].detail, "started 2026-11-01T09:59:58Z"));
	audit_report_free(&r);
}

static void test_commit_kinds(void **state)
{
	(void)state;
	struct audit_report r;
	audit_report_init(&r, 0);
	struct audit_commit rev = {.sha = "abc", .time = 10, .subject = "Revert x",
				   .reverts = "0123456789abcdef"};
	struct audit_commit plain = {.sha = "def", .time = 20, .subject = "tidy"};
	audit_report_add_commit(&r, &rev);
	audit_report_add_commit(&r, &plain);
	audit_report_sort(&r);
	assert_string_equal(r.rows[0].what, "commit");
	assert_string_equal(r.rows[1].what, "revert");
	assert_non_null(strstr(r.rows[1].detail, "Reverts: 0123456789ab"));
	audit_report_free(&r);
}

static struct audit_report tricky_report(void)
{
	struct audit_report r;
	audit_report_init(&r, 0);
	struct timeline_entry e = entry(1700000000, TIMELINE_EVENT, "c", "ns", "Pod/p", "Bad",
					"a, \"quoted\" | piped\nnext", 1);
	audit_report_add_timeline(&r, &e, 1);
	timeline_entry_free(&e);
	struct audit_commit c = {.sha = "abc", .time = 1600000000, .subject = "=HYPERLINK(1)"};
	audit_report_add_commit(&r, &c);
	r.chain.verdict = 0;
	audit_report_sort(&r);
	return r;
}

static void test_csv_quoting(void **state)
{
	(void)state;
	struct audit_report r = tricky_report();
	char *csv = printed(&r, "csv");
	const char *want =
		"time,source,who,what,context,target,environment,detail\r\n"
		"2023-11-14T22:13:20Z,timeline,,event Bad,c,ns/Pod/p,,"
		"\"a, \"\"quoted\"\" | piped^Jnext\"\r\n";
	assert_memory_equal(csv, want, strlen(want));
	/* the commit's detail starts with its sha: no formula, no quotes */
	assert_non_null(strstr(csv, ",abc =HYPERLINK(1)\r\n"));
	free(csv);
	audit_report_free(&r);
}

static void test_formula_cell_is_defused(void **state)
{
	(void)state;
	struct audit_report r;
	audit_report_init(&r, 0);
	struct timeline_entry e = entry(1, TIMELINE_EVENT, "=cmd|x", "", "o", "r", "@SUM(1)", 1);
	audit_report_add_timeline(&r, &e, 1);
	timeline_entry_free(&e);
	char *csv = printed(&r, "csv");
	assert_non_null(strstr(csv, ",\"'=cmd|x\","));
	assert_non_null(strstr(csv, ",\"'@SUM(1)\"\r\n"));
	free(csv);
	audit_report_free(&r);
}

static void test_md_escapes_cells(void **state)
{
	(void)state;
	struct audit_report r = tricky_report();
	char *md = printed(&r, "md");
	assert_non_null(strstr(md, "## Audit report: the start to "));
	assert_non_null(strstr(md, "Audit log AUDIT: intact (empty: no actions recorded)"));
	assert_non_null(strstr(md, "| Time | Source | Who | What | Context | Target | "
				   "Environment | Detail |\n|---|---|---|---|---|---|---|---|\n"));
	assert_non_null(strstr(md, "| a, \"quoted\" \\| piped^Jnext |\n"));
	assert_non_null(strstr(md, "\n2 rows:"));
	free(md);
	audit_report_free(&r);
}

static void test_json_rows(void **state)
{
	(void)state;
	struct audit_report r = tricky_report();
	r.since = 1500000000;
	char *js = printed(&r, "json");
	json_t *doc = json_loads(js, 0, NULL);
	assert_non_null(doc);
	assert_string_equal(json_string_value(json_object_get(doc, "since")),
			    "2017-07-14T02:40:00Z");
	json_t *rows = json_object_get(doc, "rows");
	assert_int_equal(json_array_size(rows), 2);
	json_t *first = json_array_get(rows, 0);
	assert_string_equal(json_string_value(json_object_get(first, "source")), "timeline");
	assert_string_equal(json_string_value(json_object_get(first, "environment")), "");
	assert_string_equal(json_string_value(json_object_get(first, "detail")),
			    "a, \"quoted\" | piped^Jnext");   /* sanitised: one line */
	assert_string_equal(json_string_value(json_object_get(json_object_get(doc, "chain"),
							      "verdict")), "intact");
	json_decref(doc);
	free(js);
	audit_report_free(&r);
}

/* A hostile value cannot drive the terminal: ESC never reaches a row. */
static void test_rows_are_sanitised(void **state)
{
	(void)state;
	struct audit_report r;
	audit_report_init(&r, 0);
	struct audit_commit c = {.sha = "abc", .time = 5, .subject = "evil \033]0;pwned\007 title"};
	audit_report_add_commit(&r, &c);
	assert_null(strchr(r.rows[0].detail, '\033'));
	assert_null(strchr(r.rows[0].detail, '\007'));
	audit_report_free(&r);
}

static void test_source_names(void **state)
{
	(void)state;
	enum audit_source s;
	for (int i = 0; i < AUDIT_SRC_COUNT; i++) {
		assert_true(audit_source_parse(audit_source_name((enum audit_source)i), &s));
		assert_int_equal(s, i);
	}
	assert_false(audit_source_parse("nope", &s));
	assert_string_equal(audit_source_name(AUDIT_SRC_GIT), "git");
}

static void test_secret_values_are_masked(void **state)
{
	(void)state;
	json_t *secret = json_loads(
		"{\"kind\":\"Secret\",\"metadata\":{\"name\":\"db\",\"annotations\":{"
		"\"kubectl.kubernetes.io/last-applied-configuration\":\"{\\\"data\\\":"
		"{\\\"password\\\":\\\"aHVudGVyMg==\\\"}}\",\"team\":\"db\"}},"
		"\"data\":{\"password\":\"aHVudGVyMg==\",\"user\":\"YWRtaW4=\"},"
		"\"stringData\":{\"token\":\"s3cr3t-t0ken\"}}", 0, NULL);
	assert_non_null(secret);
	assert_true(audit_mask_secret(secret));
	char *text = json_dumps(secret, JSON_COMPACT);
	assert_null(strstr(text, "aHVudGVyMg"));
	assert_null(strstr(text, "YWRtaW4"));
	assert_null(strstr(text, "s3cr3t"));
	json_t *data = json_object_get(secret, "data");
	assert_string_equal(json_string_value(json_object_get(data, "password")),
			    "[hidden: 7 bytes]");   /* "hunter2" */
	assert_string_equal(json_string_value(json_object_get(data, "user")), "[hidden: 5 bytes]");
	assert_string_equal(json_string_value(json_object_get(json_object_get(secret, "stringData"),
								"token")), "[hidden: 12 bytes]");
	json_t *ann = json_object_get(json_object_get(secret, "metadata"), "annotations");
	assert_string_equal(json_string_value(json_object_get(
				    ann, "kubectl.kubernetes.io/last-applied-configuration")),
			    "[hidden]");
	assert_string_equal(json_string_value(json_object_get(ann, "team")), "db");
	free(text);
	json_decref(secret);

	/* a ConfigMap is not a Secret: its data is shown */
	json_t *cm = json_loads("{\"kind\":\"ConfigMap\",\"data\":{\"k\":\"v\"}}", 0, NULL);
	assert_false(audit_mask_secret(cm));
	assert_string_equal(json_string_value(json_object_get(json_object_get(cm, "data"), "k")),
			    "v");
	json_decref(cm);
}

/* Audit mode's header: the badge says AUDIT (never READ-ONLY beside it), with theme
 * element of the read-only badge. */
static void test_header_badge_says_audit(void **state)
{
	(void)state;
	struct curses_test_screen *scr = curses_test_open(24, 80, "mono");
	assert_non_null(scr);
	WINDOW *w = newwin(1, 80, 0, 0);
	struct chrome_header h = {.context = "prod", .readonly = true, .audit = true,
				  .env = THEME_HEADER_CONTEXT};
	chrome_draw_header(w, &h);
	const char *line = curses_test_line(w, 0);
	assert_non_null(strstr(line, "[AUDIT]"));
	assert_null(strstr(line, "READ-ONLY"));
	h.audit = false;
	chrome_draw_header(w, &h);
	line = curses_test_line(w, 0);
	assert_non_null(strstr(line, "[READ-ONLY]"));
	assert_null(strstr(line, "AUDIT"));
	delwin(w);
	curses_test_close(scr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_log_pairs_intent_with_result, setup, teardown),
		cmocka_unit_test_setup_teardown(test_absent_log_is_intact_and_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tampered_log_is_reported_broken, setup, teardown),
		cmocka_unit_test(test_sources_merge_newest_first_since),
		cmocka_unit_test(test_commit_kinds),
		cmocka_unit_test(test_csv_quoting),
		cmocka_unit_test(test_formula_cell_is_defused),
		cmocka_unit_test(test_md_escapes_cells),
		cmocka_unit_test(test_json_rows),
		cmocka_unit_test(test_rows_are_sanitised),
		cmocka_unit_test(test_source_names),
		cmocka_unit_test(test_secret_values_are_masked),
		cmocka_unit_test(test_header_badge_says_audit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
