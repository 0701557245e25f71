/* Capped, jittered exponential backoff and the retry timer shared by the watches (see
 * backoff.h). */
#include "core/backoff.h"

#include <stdlib.h>

long long backoff_base_ms(unsigned failures)
{
	long long ms = BACKOFF_FIRST_MS;
	for (unsigned i = 1; i < failures && ms < BACKOFF_MAX_MS; i++)
		ms *= 2;
	return ms > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : ms;
}

long long backoff_jitter_ms(long long base, long draw)
{
	long long jitter = base / 5;
	return base - jitter + (long long)draw % (2 * jitter + 1);
}

long long backoff_delay_ms(unsigned failures)
{
	return backoff_jitter_ms(backoff_base_ms(failures), random());
}

void backoff_attempt_begin(struct backoff *b, long long now_ms)
{
	b->attempt_started_ms = now_ms;
	b->attempt_delivered = false;
}

bool backoff_attempt_healthy(const struct backoff *b, long long now_ms)
{
	return b->attempt_delivered || now_ms - b->attempt_started_ms >= BACKOFF_HEALTHY_MS;
}

long long backoff_fail(struct backoff *b)
{
	b->failures++;
	return backoff_delay_ms(b->failures);
}

void backoff_retry_in(struct backoff *b, struct loop *loop, long long ms, loop_timer_fn fn,
		      void *ud)
{
	backoff_cancel(b, loop);
	b->next_attempt_ms = loop_now_ms() + ms;
	b->timer = loop_timer_add(loop, ms, false, fn, ud);
}

void backoff_cancel(struct backoff *b, struct loop *loop)
{
	if (b->timer)
		loop_timer_cancel(loop, b->timer);
	b->timer = 0;
}
