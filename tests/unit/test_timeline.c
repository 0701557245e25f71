/* Unit tests for core/timeline: append and read back newest first, deduplication within
 * a run and across a reopen, filters, corrupt lines skipped and named, sanitised
 * strings, the size bound (newest half kept), file and directory modes, paths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/timeline.h"
#include "core/xalloc.h"
#include "views/timeline_cmd.h"
#include "tests/support/tmpdir.h"

static char tmpdir[64];
static char path[160];

static int setup(void **state)
{
	(void)state;
	test_tmp_template(tmpdir, sizeof tmpdir, "opsdeck-timeline.XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(path, sizeof path, "%s/state/opsdeck/timeline.jsonl", tmpdir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char *cmd = xasprintf("rm -rf '%s'", tmpdir);
	int rc = system(cmd);
	free(cmd);
	return rc == 0 ? 0 : -1;
}

static struct timeline_entry ev(long long t, enum timeline_kind kind, const char *object,
				const char *reason, const char *message, const char *key)
{
	return (struct timeline_entry){.time = t, .kind = kind, .cluster = (char *)"kind-dev",
				       .namespace = (char *)"shop-pre", .object = (char *)object,
				       .reason = (char *)reason, .message = (char *)message,
				       .count = 1, .key = (char *)key};
}

static void add(struct timeline *tl, struct timeline_entry e, int want)
{
	char err[256] = "";
	assert_int_equal(timeline_append(tl, &e, err, sizeof err), want);
}

static struct timeline *open_tl(size_t max)
{
	char err[256] = "";
	struct timeline *tl = timeline_open(path, max, err, sizeof err);
	assert_non_null(tl);
	return tl;
}

static void read_all(const struct timeline_filter *f, struct timeline_list *l)
{
	char err[256] = "";
	assert_int_equal(timeline_read(path, f, l, err, sizeof err), 0);
}

static void test_append_read_newest_first(void **state)
{
	(void)state;
	struct timeline *tl = open_tl(0);
	add(tl, ev(1000, TIMELINE_EVENT, "Pod/web-1", "BackOff", "restarting", "k1"), 1);
	add(tl, ev(3000, TIMELINE_OPERATION, "Application/catalog-pre", "Sync Succeeded",
		   "synced to abc", "k2"), 1);
	add(tl, ev(2000, TIMELINE_ALERT, "Alert/HighErrorRate", "firing", "5xx", "k3"), 1);
	add(tl, ev(2000, TIMELINE_EVENT, "Pod/web-2", "Unhealthy", "probe", "k4"), 1);
	timeline_close(tl);

	struct timeline_list l;
	read_all(NULL, &l);
	assert_int_equal(l.n, 4);
	assert_int_equal(l.corrupt, 0);
	assert_string_equal(l.items[0].object, "Application/catalog-pre");
	assert_int_equal(l.items[0].kind, TIMELINE_OPERATION);
	/* equal times: the later line first */
	assert_string_equal(l.items[1].object, "Pod/web-2");
	assert_string_equal(l.items[2].object, "Alert/HighErrorRate");
	assert_string_equal(l.items[3].reason, "BackOff");
	assert_string_equal(l.items[3].cluster, "kind-dev");
	assert_string_equal(l.items[3].revision, ""); /* NULL is written as "" */
	assert_int_equal(l.items[3].time, 1000);
	timeline_list_free(&l);
}

static void test_dedup_across_reopen(void **state)
{
	(void)state;
	struct timeline *tl = open_tl(0);
	char *k = timeline_key_event("uid-1", 3, "2026-11-23T10:00:00Z");
	add(tl, ev(1000, TIMELINE_EVENT, "Pod/a", "BackOff", "m", k), 1);
	add(tl, ev(1001, TIMELINE_EVENT, "Pod/a", "BackOff", "m", k), 0);
	assert_true(timeline_has_key(tl, k));
	timeline_close(tl);

	tl = open_tl(0);
	assert_true(timeline_has_key(tl, k));
	add(tl, ev(1002, TIMELINE_EVENT, "Pod/a", "BackOff", "m", k), 0);
	char *k4 = timeline_key_event("uid-1", 4, "2026-11-23T10:05:00Z");
	add(tl, ev(1300, TIMELINE_EVENT, "Pod/a", "BackOff", "m", k4), 1);
	/* no key: never deduplicated */
	add(tl, ev(1400, TIMELINE_EVENT, "Pod/b", "X", "m", NULL), 1);
	add(tl, ev(1400, TIMELINE_EVENT, "Pod/b", "X", "m", NULL), 1);
	timeline_close(tl);
	free(k);
	free(k4);

	struct timeline_list l;
	read_all(NULL, &l);
	assert_int_equal(l.n, 4);
	timeline_list_free(&l);
}

static void test_keys_differ(void **state)
{
	(void)state;
	char *a = timeline_key_operation("c", "catalog-pre", "Running", "2026-11-23T10:00:00Z");
	char *b = timeline_key_operation("c", "catalog-pre", "Succeeded", "2026-11-23T10:00:00Z");
	char *c = timeline_key_alert("alertname=X,service=catalog", "firing", 1700000000);
	char *d = timeline_key_alert("alertname=X,service=catalog", "pending", 1700000000);
	assert_string_not_equal(a, b);
	assert_string_not_equal(c, d);
	assert_non_null(strstr(a, "catalog-pre"));
	free(a);
	free(b);
	free(c);
	free(d);
}

static void test_filters(void **state)
{
	(void)state;
	struct timeline *tl = open_tl(0);
	struct timeline_entry e = ev(1000, TIMELINE_EVENT, "Pod/web-1", "BackOff", "Back-off", "a");
	add(tl, e, 1);
	e = ev(2000, TIMELINE_OPERATION, "Application/catalog-pre", "Sync Failed", "hook", "b");
	e.cluster = (char *)"kind-prd";
	add(tl, e, 1);
	e = ev(3000, TIMELINE_EVENT, "Pod/cart-1", "Unhealthy", "Readiness probe failed", "c");
	e.namespace = (char *)"shop-prd";
	add(tl, e, 1);
	timeline_close(tl);

	struct timeline_list l;
	struct timeline_filter f = {.kind = TIMELINE_ANY, .since = 2000};
	read_all(&f, &l);
	assert_int_equal(l.n, 2);
	timeline_list_free(&l);

	f = (struct timeline_filter){.kind = TIMELINE_EVENT};
	read_all(&f, &l);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.items[0].object, "Pod/cart-1");
	timeline_list_free(&l);

	f = (struct timeline_filter){.kind = TIMELINE_ANY, .cluster = "kind-prd"};
	read_all(&f, &l);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.items[0].reason, "Sync Failed");
	timeline_list_free(&l);

	f = (struct timeline_filter){.kind = TIMELINE_ANY, .namespace = "shop-prd"};
	read_all(&f, &l);
	assert_int_equal(l.n, 1);
	timeline_list_free(&l);

	f = (struct timeline_filter){.kind = TIMELINE_ANY, .text = "READINESS"};
	read_all(&f, &l);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.items[0].object, "Pod/cart-1");
	timeline_list_free(&l);

	f = (struct timeline_filter){.kind = TIMELINE_ANY, .text = "nothing-like-this"};
	read_all(&f, &l);
	assert_int_equal(l.n, 0);
	timeline_list_free(&l);
}

static void write_raw(const char *text, const char *mode)
{
	FILE *f = fopen(path, mode);
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_corrupt_lines_skipped(void **state)
{
	(void)state;
	struct timeline *tl = open_tl(0);
	add(tl, ev(1000, TIMELINE_EVENT, "Pod/a", "BackOff", "m", "a"), 1);
	timeline_close(tl);
	write_raw("{not json\n", "a");
	write_raw("{\"time\":\"yesterday\",\"kind\":\"event\"}\n", "a");
	write_raw("[1,2]\n\n", "a");
	write_raw("{\"time\":\"2026-11-23T10:00:00Z\",\"kind\":\"nonsense\"}\n", "a");
	write_raw("{\"time\":\"2026-11-23T10:00:00.123Z\",\"kind\":\"alert\",\"object\":7}\n", "a");

	struct timeline_list l;
	read_all(NULL, &l);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.corrupt, 4);
	assert_non_null(l.corrupt_first);
	char want[200];
	snprintf(want, sizeof want, "%s:2:", path);
	assert_non_null(strstr(l.corrupt_first, want));
	/* a missing or non-string field reads as "" */
	assert_int_equal(l.items[0].kind, TIMELINE_ALERT);
	assert_string_equal(l.items[0].object, "");
	assert_int_equal(l.items[0].time, timeline_parse_time("2026-11-23T10:00:00Z"));
	timeline_list_free(&l);

	/* a reopen over the corrupt file works and keeps the good keys */
	tl = open_tl(0);
	assert_true(timeline_has_key(tl, "a"));
	timeline_close(tl);
}

static void test_sanitised(void **state)
{
	(void)state;
	struct timeline *tl = open_tl(0);
	add(tl, ev(1000, TIMELINE_EVENT, "Pod/\x1b[2Jevil", "Back\x07Off", "line1\nline2", "s"), 1);
	timeline_close(tl);
	/* a hand-edited line with an escape in it is cleaned when read too */
	write_raw("{\"time\":\"2026-11-23T10:00:00Z\",\"kind\":\"event\",\"message\":\"\\u001b]52;c;x\\u0007\"}\n",
		  "a");
	struct timeline_list l;
	read_all(NULL, &l);
	assert_int_equal(l.n, 2);
	for (size_t i = 0; i < l.n; i++) {
		const char *s[] = {l.items[i].object, l.items[i].reason, l.items[i].message};
		for (size_t j = 0; j < 3; j++)
			for (const char *p = s[j]; *p; p++)
				assert_false((unsigned char)*p < 0x20 || *p == 0x7f);
	}
	assert_string_equal(l.items[1].object, "Pod/^[[2Jevil");
	assert_string_equal(l.items[1].message, "line1^Jline2");
	timeline_list_free(&l);
}

static void test_bound_keeps_newest_half(void **state)
{
	(void)state;
	struct timeline *tl = open_tl(8192);
	char msg[120], key[32];
	memset(msg, 'x', sizeof msg - 1);
	msg[sizeof msg - 1] = '\0';
	for (int i = 0; i < 200; i++) {
		snprintf(key, sizeof key, "k%d", i);
		add(tl, ev(1000 + i, TIMELINE_EVENT, "Pod/a", "BackOff", msg, key), 1);
		struct stat st;
		assert_int_equal(stat(path, &st), 0);
		assert_true(st.st_size <= 8192 + 400);
	}
	/* keys of dropped lines are still known in this run */
	assert_true(timeline_has_key(tl, "k0"));
	timeline_close(tl);

	struct timeline_list l;
	read_all(NULL, &l);
	assert_int_equal(l.corrupt, 0);
	assert_true(l.n > 10 && l.n < 200);
	assert_int_equal(l.items[0].time, 1199); /* the newest survived */
	/* and what remains is a contiguous newest run */
	for (size_t i = 1; i < l.n; i++)
		assert_int_equal(l.items[i].time, l.items[i - 1].time - 1);
	timeline_list_free(&l);
	char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	assert_int_not_equal(access(tmp, F_OK), 0);
	free(tmp);
}

static void test_modes(void **state)
{
	(void)state;
	struct timeline *tl = open_tl(0);
	add(tl, ev(1000, TIMELINE_EVENT, "Pod/a", "BackOff", "m", "a"), 1);
	timeline_close(tl);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	char *dir = xasprintf("%s/state/opsdeck", tmpdir);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	free(dir);
}

static void test_absent_file_and_bad_dir(void **state)
{
	(void)state;
	struct timeline_list l;
	read_all(NULL, &l);
	assert_int_equal(l.n, 0);
	timeline_list_free(&l);
	/* a directory that cannot be made: NULL with a message naming it */
	char bad[200], err[256] = "";
	snprintf(bad, sizeof bad, "%s/file", tmpdir);
	FILE *f = fopen(bad, "w");
	assert_non_null(f);
	fclose(f);
	char *under = xasprintf("%s/sub/timeline.jsonl", bad);
	assert_null(timeline_open(under, 0, err, sizeof err));
	assert_non_null(strstr(err, bad));
	free(under);
}

static void test_default_path_and_time(void **state)
{
	(void)state;
	setenv("XDG_STATE_HOME", "/x/state", 1);
	char *p = timeline_default_path();
	assert_string_equal(p, "/x/state/opsdeck/timeline.jsonl");
	free(p);
	setenv("XDG_STATE_HOME", "relative", 1);
	setenv("HOME", "/home/u", 1);
	p = timeline_default_path();
	assert_string_equal(p, "/home/u/.local/state/opsdeck/timeline.jsonl");
	free(p);
	unsetenv("XDG_STATE_HOME");
	assert_int_equal(timeline_parse_time("1970-01-01T00:01:00Z"), 60);
	assert_int_equal(timeline_parse_time("2026-11-23T14:50:36Z"), 1795445436LL);
	assert_int_equal(timeline_parse_time("2026-11-23T14:50:36"), -1);
	assert_int_equal(timeline_parse_time("2026-13-23T14:50:36Z"), -1);
	assert_int_equal(timeline_parse_time(NULL), -1);
	enum timeline_kind k;
	assert_true(timeline_kind_parse("operation", &k));
	assert_int_equal(k, TIMELINE_OPERATION);
	assert_false(timeline_kind_parse("events", &k));
	assert_string_equal(timeline_kind_name(TIMELINE_ALERT), "alert");
}

static void test_command(void **state)
{
	(void)state;
	assert_int_equal(timeline_parse_duration("90s"), 90);
	assert_int_equal(timeline_parse_duration("15m"), 900);
	assert_int_equal(timeline_parse_duration("1h"), 3600);
	assert_int_equal(timeline_parse_duration("2d"), 172800);
	assert_int_equal(timeline_parse_duration("1"), -1);
	assert_int_equal(timeline_parse_duration("h"), -1);
	assert_int_equal(timeline_parse_duration("1hh"), -1);
	struct global_opts g = {0};
	char *bad_since[] = {(char *)"--since", (char *)"soon"};
	assert_int_equal(timeline_command(&g, 2, bad_since), 2);
	char *bad_kind[] = {(char *)"--kind", (char *)"pods"};
	assert_int_equal(timeline_command(&g, 2, bad_kind), 2);
	char *bad_o[] = {(char *)"-o", (char *)"yaml"};
	assert_int_equal(timeline_command(&g, 2, bad_o), 2);
	/* an absent file is an empty timeline */
	char *absent = xasprintf("%s/none.jsonl", tmpdir);
	char *ok_args[] = {(char *)"--since", (char *)"1h", (char *)"-o", (char *)"json", absent};
	assert_int_equal(timeline_command(&g, 5, ok_args), 0);
	free(absent);
}

/* The view's incremental read: only appended whole lines, a half-written line waits,
 * a replaced (shorter) file starts again. */
static void test_read_more(void **state)
{
	(void)state;
	char err[256] = "";
	struct timeline_cursor cur = {0};
	struct timeline_list l;
	bool restarted = true;
	/* absent: nothing, no error */
	assert_int_equal(timeline_read_more(path, &cur, NULL, &l, &restarted, err, sizeof err), 0);
	assert_int_equal(l.n, 0);
	assert_false(restarted);
	timeline_list_free(&l);

	struct timeline *tl = open_tl(0);
	add(tl, ev(1000, TIMELINE_EVENT, "Pod/a", "BackOff", "m", "k1"), 1);
	add(tl, ev(2000, TIMELINE_EVENT, "Pod/b", "BackOff", "m", "k2"), 1);
	assert_int_equal(timeline_read_more(path, &cur, NULL, &l, &restarted, err, sizeof err), 0);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.items[0].object, "Pod/b");
	assert_int_equal(cur.line, 2);
	timeline_list_free(&l);

	add(tl, ev(3000, TIMELINE_EVENT, "Pod/c", "BackOff", "m", "k3"), 1);
	timeline_close(tl);
	/* half a line: written by someone still writing */
	FILE *f = fopen(path, "a");
	assert_non_null(f);
	fputs("{\"time\":\"2026-11-23T10:00:00Z\",\"kind\":\"ev", f);
	fclose(f);
	assert_int_equal(timeline_read_more(path, &cur, NULL, &l, &restarted, err, sizeof err), 0);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.items[0].object, "Pod/c");
	assert_int_equal(l.corrupt, 0);
	assert_false(restarted);
	timeline_list_free(&l);
	long long at = cur.offset;
	assert_int_equal(timeline_read_more(path, &cur, NULL, &l, &restarted, err, sizeof err), 0);
	assert_int_equal(l.n, 0);
	assert_int_equal(cur.offset, at);
	timeline_list_free(&l);

	/* replaced by a shorter file: read again from the start */
	assert_int_equal(truncate(path, 0), 0);
	tl = open_tl(0);
	add(tl, ev(4000, TIMELINE_EVENT, "Pod/d", "BackOff", "m", "k4"), 1);
	timeline_close(tl);
	assert_int_equal(timeline_read_more(path, &cur, NULL, &l, &restarted, err, sizeof err), 0);
	assert_true(restarted);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.items[0].object, "Pod/d");
	assert_int_equal(cur.line, 1);
	timeline_list_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_append_read_newest_first, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dedup_across_reopen, setup, teardown),
		cmocka_unit_test(test_keys_differ),
		cmocka_unit_test_setup_teardown(test_filters, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_lines_skipped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sanitised, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bound_keeps_newest_half, setup, teardown),
		cmocka_unit_test_setup_teardown(test_modes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_absent_file_and_bad_dir, setup, teardown),
		cmocka_unit_test(test_default_path_and_time),
		cmocka_unit_test_setup_teardown(test_read_more, setup, teardown),
		cmocka_unit_test_setup_teardown(test_command, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
