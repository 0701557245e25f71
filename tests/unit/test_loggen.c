/* Unit tests for sandbox/loggen: determinism, line times and index arithmetic, tail
 * windows, the kubelet timestamp prefix, hostile escape sequences and crash endings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sandbox/loggen.h"

/* 2026-11-23T09:00:00Z */
#define START ((time_t)1795424400)

static struct loggen_stream stream(enum loggen_style style)
{
	struct loggen_stream s = {"orders-7d9f-x2k", "app", style, false, START, 1500, 0};
	return s;
}

static char *line(const struct loggen_stream *s, uint64_t idx, bool ts)
{
	static char buf[2048];
	size_t n = loggen_format(s, idx, ts, buf, sizeof buf);
	assert_int_equal(n, strlen(buf));
	assert_true(n >= 1);
	assert_int_equal(buf[n - 1], '\n');
	return buf;
}

static void test_deterministic_and_seeded(void **state)
{
	(void)state;
	for (int style = LOGGEN_TEXT; style <= LOGGEN_HOSTILE; style++) {
		struct loggen_stream a = stream((enum loggen_style)style), b = a;
		b.container = "sidecar";
		size_t differ = 0;
		for (uint64_t i = 0; i < 50; i++) {
			char first[2048];
			snprintf(first, sizeof first, "%s", line(&a, i, true));
			assert_string_equal(first, line(&a, i, true)); /* same input, same line */
			differ += strcmp(first, line(&b, i, true)) != 0;
		}
		/* Another container's log differs (hostile attack lines may coincide). */
		assert_true(differ > 30);
	}
	/* Lines of one stream are not all alike. */
	struct loggen_stream s = stream(LOGGEN_TEXT);
	char l0[2048];
	snprintf(l0, sizeof l0, "%s", line(&s, 0, false));
	size_t same = 0;
	for (uint64_t i = 1; i < 40; i++)
		same += !strcmp(l0, line(&s, i, false));
	assert_int_equal(same, 0);
}

static void test_count_and_index_arithmetic(void **state)
{
	(void)state;
	struct loggen_stream s = stream(LOGGEN_TEXT); /* a line every 1.5 s */
	assert_int_equal(loggen_count_at(&s, START - 1), 0);
	assert_int_equal(loggen_count_at(&s, START), 1);      /* line 0 at START */
	assert_int_equal(loggen_count_at(&s, START + 1), 1);
	assert_int_equal(loggen_count_at(&s, START + 3), 3);  /* 0, 1.5, 3.0 */
	assert_int_equal(loggen_count_at(&s, START + 60), 41);
	assert_int_equal(loggen_index_at(&s, START - 100), 0);
	assert_int_equal(loggen_index_at(&s, START), 0);
	assert_int_equal(loggen_index_at(&s, START + 1), 1);  /* line 1 is at 1.5 s */
	assert_int_equal(loggen_index_at(&s, START + 3), 2);  /* line 2 is exactly at 3 s */
	assert_int_equal(loggen_index_at(&s, START + 4), 3);
	/* index_at(t) is the first line at or after t (line i is at START + 1.5 i s). */
	for (time_t t = START + 1; t < START + 200; t += 7) {
		uint64_t i = loggen_index_at(&s, t);
		long long ms = (long long)(t - START) * 1000;
		assert_true((long long)i * 1500 >= ms);
		assert_true((long long)(i - 1) * 1500 < ms);
		assert_true(loggen_count_at(&s, t) >= i);
	}

	s.max_lines = 10;
	assert_int_equal(loggen_count_at(&s, START + 3600), 10);
	assert_int_equal(loggen_index_at(&s, START + 3600), 10);
}

static void test_line_times_and_timestamp_format(void **state)
{
	(void)state;
	struct loggen_stream s = stream(LOGGEN_JSON);
	/* Line 3 is at START + 4.5 s. */
	char *l = line(&s, 3, true);
	assert_memory_equal(l, "2026-11-23T09:00:04.5", 21);
	/* RFC 3339 with nine fraction digits, then one space, as the kubelet writes. */
	assert_int_equal(l[10], 'T');
	for (int i = 20; i < 29; i++)
		assert_true(l[i] >= '0' && l[i] <= '9');
	assert_int_equal(l[29], 'Z');
	assert_int_equal(l[30], ' ');
	char with_ts[2048];
	snprintf(with_ts, sizeof with_ts, "%s", l);
	assert_string_equal(with_ts + 31, line(&s, 3, false));
	l = line(&s, 40, true);
	assert_memory_equal(l, "2026-11-23T09:01:00.0", 21);
	/* The JSON style's own ts agrees to the millisecond. */
	l = line(&s, 41, false);
	assert_non_null(strstr(l, "\"ts\":\"2026-11-23T09:01:01.500Z\""));
}

static void test_json_style_fields(void **state)
{
	(void)state;
	struct loggen_stream s = stream(LOGGEN_JSON);
	size_t levels[4] = {0};
	const char *names[] = {"\"level\":\"debug\"", "\"level\":\"info\"", "\"level\":\"warn\"",
			       "\"level\":\"error\""};
	for (uint64_t i = 0; i < 400; i++) {
		char *l = line(&s, i, false);
		assert_int_equal(l[0], '{');
		assert_non_null(strstr(l, "\"logger\":\""));
		assert_non_null(strstr(l, "\"msg\":\""));
		assert_non_null(strstr(l, "\"trace_id\":\""));
		assert_non_null(strstr(l, "\"latency_ms\":"));
		assert_int_equal(l[strlen(l) - 2], '}');
		for (int k = 0; k < 4; k++)
			levels[k] += strstr(l, names[k]) != NULL;
	}
	assert_true(levels[1] > levels[2]);
	assert_true(levels[2] > 0 && levels[3] > 0);
}

static void test_text_style_mixture(void **state)
{
	(void)state;
	struct loggen_stream s = stream(LOGGEN_TEXT);
	size_t access = 0, info = 0, warn = 0, error = 0, frames = 0;
	for (uint64_t i = 0; i < 500; i++) {
		char *l = line(&s, i, false);
		access += strstr(l, " HTTP/1.1\" ") != NULL;
		info += strstr(l, " INFO  ") != NULL;
		warn += strstr(l, " WARN  ") != NULL;
		if (strstr(l, " ERROR ")) {
			error++;
			/* An error is followed by a stack frame. */
			assert_memory_equal(line(&s, i + 1, false), "\tat ", 4);
		}
		frames += !strncmp(l, "\tat ", 4);
		for (const char *p = l; *p; p++)
			assert_true(*p == '\t' || *p == '\n' || (*p >= ' ' && *p < 127));
	}
	assert_true(access > 150);
	assert_true(info > 100);
	assert_true(warn > 0);
	assert_true(error > 0);
	assert_true(frames >= error);
}

static void test_hostile_lines_present(void **state)
{
	(void)state;
	struct loggen_stream s = stream(LOGGEN_HOSTILE);
	bool clear = false, osc52 = false, title = false, cursor = false, cr = false, bel = false;
	size_t hostile = 0, total = 40;
	for (uint64_t i = 0; i < total; i++) {
		char *l = line(&s, i, false);
		bool bad = strchr(l, '\x1b') || strchr(l, '\r') || strchr(l, '\a');
		hostile += bad;
		clear |= strstr(l, "\x1b[2J\x1b[H") != NULL;
		osc52 |= strstr(l, "\x1b]52;c;") != NULL && strchr(l, '\a');
		title |= strstr(l, "\x1b]0;") != NULL;
		cursor |= strstr(l, "\x1b[10;10H") != NULL;
		cr |= strchr(l, '\r') != NULL;
		bel |= strchr(l, '\a') && !strstr(l, "\x1b]");
	}
	assert_true(clear && osc52 && title && cursor && cr && bel);
	/* Mostly normal lines: attacks are a minority. */
	assert_true(hostile > 0 && hostile * 3 < total);
}

static void test_previous_instance_ends_in_crash(void **state)
{
	(void)state;
	const char *pods[] = {"a", "b", "c", "d", "e", "f", "g", "h"};
	bool saw_go = false, saw_java = false;
	for (size_t k = 0; k < 8; k++) {
		struct loggen_stream s = stream(LOGGEN_JSON);
		s.pod = pods[k];
		s.previous = true;
		s.max_lines = 30;
		assert_int_equal(loggen_count_at(&s, START + 86400), 30);
		char tail[8192] = "";
		for (uint64_t i = 20; i < 30; i++)
			strcat(tail, line(&s, i, false));
		bool go = strstr(tail, "panic: runtime error: invalid memory address") != NULL;
		bool java = strstr(tail, "java.lang.OutOfMemoryError") != NULL;
		assert_true(go || java);
		saw_go |= go;
		saw_java |= java;
		/* The very last line belongs to the crash, not to normal output. */
		char *last = line(&s, 29, false);
		assert_null(strstr(last, "\"level\""));
		/* The current instance of the same container does not crash. */
		s.previous = false;
		s.max_lines = 0;
		for (uint64_t i = 0; i < 30; i++)
			assert_null(strstr(line(&s, i, false), "panic:"));
	}
	assert_true(saw_go && saw_java);

	/* An instance that died after two lines shows only the end of its crash. */
	struct loggen_stream s = stream(LOGGEN_TEXT);
	s.previous = true;
	s.max_lines = 2;
	char both[4096];
	snprintf(both, sizeof both, "%s", line(&s, 0, false));
	strcat(both, line(&s, 1, false));
	assert_true(strstr(both, "\tat ") || strstr(both, "main.main()"));
	assert_null(strstr(both, " HTTP/1.1\" "));
}

/* A tail window is exactly the last lines of the full log, in order. */
static void test_tail_window_matches_full_log(void **state)
{
	(void)state;
	struct loggen_stream s = stream(LOGGEN_TEXT);
	time_t now = START + 300;
	uint64_t n = loggen_count_at(&s, now), tail = 5;
	assert_int_equal(n, 201);
	char full[201][2048];
	for (uint64_t i = 0; i < n; i++)
		snprintf(full[i], sizeof full[i], "%s", line(&s, i, true));
	for (uint64_t i = n - tail; i < n; i++)
		assert_string_equal(full[i], line(&s, i, true));
	/* Timestamps never go backwards. */
	for (uint64_t i = 1; i < n; i++)
		assert_true(strncmp(full[i - 1], full[i], 30) < 0);
	/* since=START+100: the first line shown is the first at or after it. */
	uint64_t first = loggen_index_at(&s, START + 100);
	assert_true(strncmp(full[first], "2026-11-23T09:01:40", 19) >= 0);
	assert_true(strncmp(full[first - 1], "2026-11-23T09:01:40", 19) < 0);
}

static void test_truncation(void **state)
{
	(void)state;
	struct loggen_stream s = stream(LOGGEN_TEXT);
	char small[16];
	size_t n = loggen_format(&s, 0, true, small, sizeof small);
	assert_int_equal(n, sizeof small - 1);
	assert_int_equal(small[n], '\0');
	assert_int_equal(small[n - 1], '\n');
	assert_memory_equal(small, "2026-11-23T09:", 14);
	assert_int_equal(loggen_format(&s, 0, true, small, 0), 0);
	char one[1];
	assert_int_equal(loggen_format(&s, 0, true, one, 1), 0);
	assert_int_equal(one[0], '\0');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deterministic_and_seeded),
		cmocka_unit_test(test_count_and_index_arithmetic),
		cmocka_unit_test(test_line_times_and_timestamp_format),
		cmocka_unit_test(test_json_style_fields),
		cmocka_unit_test(test_text_style_mixture),
		cmocka_unit_test(test_hostile_lines_present),
		cmocka_unit_test(test_previous_instance_ends_in_crash),
		cmocka_unit_test(test_tail_window_matches_full_log),
		cmocka_unit_test(test_truncation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
