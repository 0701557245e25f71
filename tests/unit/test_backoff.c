/* core/backoff: delays double from 0.5 s to a 30 s cap, jitter stays within ±20% and
 * spreads, health resets the count, and the retry timer fires once and is replaceable. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>

#include "core/backoff.h"
#include "core/loop.h"

static void test_base_doubles_then_caps(void **state)
{
	(void)state;
	static const long long want[] = {500, 500, 1000, 2000, 4000, 8000, 16000, 30000,
					 30000};
	for (unsigned f = 0; f < sizeof(want) / sizeof(want[0]); f++)
		assert_int_equal(backoff_base_ms(f), want[f]);
	assert_int_equal(backoff_base_ms(1000), BACKOFF_MAX_MS);
	assert_int_equal(backoff_base_ms(~0u), BACKOFF_MAX_MS);
}

static void test_jitter_ends_of_range(void **state)
{
	(void)state;
	/* 1000 ± 200: draw 0 is the low end, draw 400 the high end, 401 wraps to low. */
	assert_int_equal(backoff_jitter_ms(1000, 0), 800);
	assert_int_equal(backoff_jitter_ms(1000, 200), 1000);
	assert_int_equal(backoff_jitter_ms(1000, 400), 1200);
	assert_int_equal(backoff_jitter_ms(1000, 401), 800);
	assert_int_equal(backoff_jitter_ms(30000, 2147483647L) >= 24000, true);
	assert_int_equal(backoff_jitter_ms(30000, 2147483647L) <= 36000, true);
}

/* Over many random draws every delay stays in base ± 20%, and they do spread out. */
static void test_delay_jitter_bounds(void **state)
{
	(void)state;
	srandom(12345);
	for (unsigned f = 1; f <= 10; f++) {
		long long base = backoff_base_ms(f);
		long long lo = base, hi = base;
		for (int i = 0; i < 2000; i++) {
			long long d = backoff_delay_ms(f);
			assert_true(d >= base - base / 5);
			assert_true(d <= base + base / 5);
			lo = d < lo ? d : lo;
			hi = d > hi ? d : hi;
		}
		/* 2000 draws over 201+ values: both tails are reached, near enough. */
		assert_true(lo <= base - base / 5 + base / 50);
		assert_true(hi >= base + base / 5 - base / 50);
	}
}

static void test_fail_counts_and_grows(void **state)
{
	(void)state;
	struct backoff b = {0};
	srandom(7);
	long long prev_base = 0;
	for (unsigned i = 1; i <= 12; i++) {
		long long d = backoff_fail(&b);
		assert_int_equal(b.failures, i);
		long long base = backoff_base_ms(i);
		assert_true(d >= base - base / 5 && d <= base + base / 5);
		assert_true(base >= prev_base);
		prev_base = base;
	}
	assert_int_equal(prev_base, BACKOFF_MAX_MS);
}

static void test_healthy_after_event_or_time(void **state)
{
	(void)state;
	struct backoff b = {0};
	backoff_fail(&b);
	backoff_fail(&b);
	backoff_attempt_begin(&b, 1000);
	assert_false(backoff_attempt_healthy(&b, 1000));
	assert_false(backoff_attempt_healthy(&b, 1000 + BACKOFF_HEALTHY_MS - 1));
	assert_true(backoff_attempt_healthy(&b, 1000 + BACKOFF_HEALTHY_MS));
	/* an event makes even a young stream healthy */
	backoff_attempt_delivered(&b);
	assert_true(backoff_attempt_healthy(&b, 1001));
	/* a new attempt forgets the last one's event */
	backoff_attempt_begin(&b, 5000);
	assert_false(backoff_attempt_healthy(&b, 5001));
	assert_int_equal(b.failures, 2);
	backoff_reset(&b);
	assert_int_equal(b.failures, 0);
	/* after a reset the next failure waits the first delay again */
	long long d = backoff_fail(&b);
	assert_true(d >= 400 && d <= 600);
}

static void on_fire(struct loop *loop, long long id, void *ud)
{
	(void)loop;
	(void)id;
	struct backoff *b = ud;
	b->timer = 0;
	b->attempt_started_ms++;   /* counts firings */
}

static void test_retry_timer(void **state)
{
	(void)state;
	struct loop *loop = loop_new();
	assert_non_null(loop);
	struct backoff b = {0};
	long long before = loop_now_ms();
	backoff_retry_in(&b, loop, 60000, on_fire, &b);
	assert_true(b.timer > 0);
	assert_true(b.next_attempt_ms >= before + 60000);
	assert_true(b.next_attempt_ms <= loop_now_ms() + 60000);
	/* replacing it cancels the long one: only the short one fires */
	long long first = b.timer;
	backoff_retry_in(&b, loop, 0, on_fire, &b);
	assert_true(b.timer != first);
	assert_false(loop_timer_cancel(loop, first));
	for (int i = 0; i < 10 && b.timer; i++)
		loop_run_once(loop, 100);
	assert_int_equal(b.timer, 0);
	assert_int_equal(b.attempt_started_ms, 1);
	/* cancelling leaves nothing pending */
	backoff_retry_in(&b, loop, 0, on_fire, &b);
	long long pending = b.timer;
	backoff_cancel(&b, loop);
	assert_int_equal(b.timer, 0);
	assert_false(loop_timer_cancel(loop, pending));
	loop_run_once(loop, 10);
	assert_int_equal(b.attempt_started_ms, 1);
	backoff_cancel(&b, loop);   /* twice is harmless */
	loop_free(loop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base_doubles_then_caps),
		cmocka_unit_test(test_jitter_ends_of_range),
		cmocka_unit_test(test_delay_jitter_bounds),
		cmocka_unit_test(test_fail_counts_and_grows),
		cmocka_unit_test(test_healthy_after_event_or_time),
		cmocka_unit_test(test_retry_timer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
