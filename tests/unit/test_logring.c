/* Tests for core/logring: drop order and numbering, the byte budget, cutting a long line
 * on a UTF-8 boundary, clear, lookups of dropped and unwritten lines, and a timed push
 * of a million lines through the default-sized ring (printed, never asserted). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/logring.h"

static const struct log_line *push_str(struct logring *r, const char *s)
{
	return logring_push(r, 0, 0, LOG_LEVEL_NONE, 0, s, strlen(s));
}

static void test_numbering_and_drop_order(void **state)
{
	(void)state;
	struct logring *r = logring_new(3, 0);
	assert_int_equal(logring_count(r), 0);
	assert_int_equal(logring_first_seq(r), 1);
	assert_int_equal(logring_next_seq(r), 1);
	const struct log_line *l = logring_push(r, 1234, 7, LOG_LEVEL_WARN, LOG_LINE_JSON, "a", 1);
	assert_int_equal(l->seq, 1);
	assert_int_equal(l->time_ms, 1234);
	assert_int_equal(l->source, 7);
	assert_int_equal(l->level, LOG_LEVEL_WARN);
	assert_int_equal(l->flags, LOG_LINE_JSON);
	push_str(r, "b");
	push_str(r, "c");
	push_str(r, "d");
	push_str(r, "e");
	assert_int_equal(logring_count(r), 3);
	assert_int_equal(logring_first_seq(r), 3);
	assert_int_equal(logring_next_seq(r), 6);
	assert_int_equal(logring_dropped(r), 2);
	assert_null(logring_get(r, 1));
	assert_null(logring_get(r, 2));
	assert_string_equal(logring_get(r, 3)->text, "c");
	assert_string_equal(logring_get(r, 4)->text, "d");
	assert_string_equal(logring_get(r, 5)->text, "e");
	assert_int_equal(logring_get(r, 5)->seq, 5);
	assert_null(logring_get(r, 6));
	assert_null(logring_get(r, 0));
	assert_int_equal(logring_bytes(r), 3);
	logring_free(r);
}

static void test_byte_limit(void **state)
{
	(void)state;
	struct logring *r = logring_new(100, 10);
	push_str(r, "aaaa");
	push_str(r, "bbbb");
	assert_int_equal(logring_bytes(r), 8);
	push_str(r, "cccc");   /* 12 > 10: the oldest goes */
	assert_int_equal(logring_count(r), 2);
	assert_int_equal(logring_bytes(r), 8);
	assert_int_equal(logring_first_seq(r), 2);
	assert_string_equal(logring_get(r, 2)->text, "bbbb");
	push_str(r, "0123456789");   /* exactly the budget: everything else goes */
	assert_int_equal(logring_count(r), 1);
	assert_string_equal(logring_get(r, 4)->text, "0123456789");
	/* Longer than the whole budget: cut to it. */
	const struct log_line *l = push_str(r, "0123456789abc");
	assert_int_equal(l->len, 10);
	assert_true(l->flags & LOG_LINE_TRUNCATED);
	assert_int_equal(logring_count(r), 1);
	logring_free(r);
}

static void test_truncation_utf8(void **state)
{
	(void)state;
	struct logring *r = logring_new(4, 1u << 20);
	static char big[LOGRING_MAX_LINE_BYTES + 10];
	/* 'x' then 3-byte "€" repeated: the cut must not fall inside a "€". */
	big[0] = 'x';
	size_t n = 1;
	while (n + 3 <= sizeof(big) - 1) {
		memcpy(big + n, "\xe2\x82\xac", 3);
		n += 3;
	}
	const struct log_line *l = logring_push(r, 0, 0, 0, 0, big, n);
	assert_true(l->flags & LOG_LINE_TRUNCATED);
	assert_true(l->len <= LOGRING_MAX_LINE_BYTES);
	assert_int_equal((l->len - 1) % 3, 0);
	assert_true(LOGRING_MAX_LINE_BYTES - l->len < 3);
	assert_int_equal(l->text[l->len], '\0');
	assert_memory_equal(l->text + l->len - 3, "\xe2\x82\xac", 3);
	/* Exactly at the limit: kept whole, not flagged. */
	l = logring_push(r, 0, 0, 0, 0, big, 1 + 3 * 5);
	assert_false(l->flags & LOG_LINE_TRUNCATED);
	assert_int_equal(l->len, 16);
	logring_free(r);
}

static void test_clear(void **state)
{
	(void)state;
	struct logring *r = logring_new(10, 0);
	push_str(r, "one");
	push_str(r, "two");
	logring_clear(r);
	assert_int_equal(logring_count(r), 0);
	assert_int_equal(logring_bytes(r), 0);
	assert_int_equal(logring_first_seq(r), 3);
	assert_int_equal(logring_next_seq(r), 3);
	assert_null(logring_get(r, 1));
	assert_null(logring_get(r, 2));
	const struct log_line *l = push_str(r, "three");
	assert_int_equal(l->seq, 3);
	assert_string_equal(logring_get(r, 3)->text, "three");
	logring_free(r);
}

/* Many wraps of the arena with lines of varied length: every kept line reads back as
 * written, and the kept range is contiguous. */
static void test_wraparound_integrity(void **state)
{
	(void)state;
	struct logring *r = logring_new(50, 2000);
	char buf[200];
	for (int i = 0; i < 5000; i++) {
		int n = snprintf(buf, sizeof(buf), "line %d %.*s", i, i % 97,
				 "................................................................"
				 "....................................");
		logring_push(r, i, 0, 0, 0, buf, (size_t)n);
		assert_true(logring_bytes(r) <= 2000);
		assert_true(logring_count(r) <= 50);
	}
	for (uint64_t s = logring_first_seq(r); s < logring_next_seq(r); s++) {
		const struct log_line *l = logring_get(r, s);
		assert_non_null(l);
		int n = snprintf(buf, sizeof(buf), "line %d %.*s", (int)(s - 1), (int)((s - 1) % 97),
				 "................................................................"
				 "....................................");
		assert_int_equal(l->len, n);
		assert_string_equal(l->text, buf);
		assert_int_equal(l->time_ms, (long long)(s - 1));
	}
	assert_int_equal(logring_dropped(r) + logring_count(r), 5000);
	logring_free(r);
}

static void test_measure_million(void **state)
{
	(void)state;
	struct logring *r = logring_new(0, 0);
	char line[128];
	memset(line, 'a', sizeof(line));
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int i = 0; i < 1000000; i++) {
		int n = snprintf(line, sizeof(line), "%d GET /api/v1/things 200 ", i);
		line[n] = 'x';
		logring_push(r, i, 0, LOG_LEVEL_INFO, 0, line, 120);
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	double s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	printf("# measure: 1,000,000 lines of 120 bytes into a %u-line ring: %.3f s (%.0f lines/s),"
	       " %zu bytes held\n", LOGRING_DEFAULT_LINES, s, 1e6 / s, logring_bytes(r));
	assert_int_equal(logring_count(r), LOGRING_DEFAULT_LINES);
	assert_int_equal(logring_first_seq(r), 1000000 - LOGRING_DEFAULT_LINES + 1);
	logring_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_numbering_and_drop_order),
		cmocka_unit_test(test_byte_limit),
		cmocka_unit_test(test_truncation_utf8),
		cmocka_unit_test(test_clear),
		cmocka_unit_test(test_wraparound_integrity),
		cmocka_unit_test(test_measure_million),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
