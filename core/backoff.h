/* Reconnect backoff for long-lived streams (the Kubernetes and Argo CD watches): the
 * delay before the next try, the count of failures since the last healthy stream, and
 * the one retry timer. No I/O of its own beyond a loop timer. */
#ifndef OPSDECK_CORE_BACKOFF_H
#define OPSDECK_CORE_BACKOFF_H

#include <stdbool.h>

#include "core/loop.h"

#define BACKOFF_FIRST_MS 500
#define BACKOFF_MAX_MS 30000
/* A stream that delivered something or lived this long was healthy: backoff resets. */
#define BACKOFF_HEALTHY_MS 10000

/* The delay before retry number `failures` without jitter: 0.5 s for the first (and for
 * 0), doubling each time, capped at 30 s. */
long long backoff_base_ms(unsigned failures);

/* base ± 20%, the point in that range picked by draw (any value >= 0, e.g. random()),
 * so that many streams that broke together do not come back together. */
long long backoff_jitter_ms(long long base, long draw);

/* backoff_jitter_ms(backoff_base_ms(failures), random()). */
long long backoff_delay_ms(unsigned failures);

/* One stream's reconnect state; zero it (xcalloc) to start. */
struct backoff {
	unsigned failures;            /* consecutive failures since the last healthy stream */
	long long attempt_started_ms; /* loop_now_ms() when the current stream began */
	bool attempt_delivered;       /* the current stream delivered an event */
	long long timer;              /* the pending retry's loop timer, 0 when none */
	long long next_attempt_ms;    /* loop_now_ms() time that timer fires */
};

/* A new stream begins (or its headers arrived) at now_ms; it has delivered nothing yet. */
void backoff_attempt_begin(struct backoff *b, long long now_ms);

static inline void backoff_attempt_delivered(struct backoff *b)
{
	b->attempt_delivered = true;
}

/* Whether the current stream counts as healthy at now_ms: it delivered something or has
 * lived BACKOFF_HEALTHY_MS. The caller decides whether to backoff_reset then. */
bool backoff_attempt_healthy(const struct backoff *b, long long now_ms);

static inline void backoff_reset(struct backoff *b)
{
	b->failures = 0;
}

/* Counts one more failure and returns the jittered delay before the next try. */
long long backoff_fail(struct backoff *b);

/* Replaces any pending retry with fn(ud) in ms milliseconds and records when that is in
 * next_attempt_ms. fn must set b->timer to 0 first thing: the timer is then spent. */
void backoff_retry_in(struct backoff *b, struct loop *loop, long long ms, loop_timer_fn fn,
		      void *ud);

/* Cancels the pending retry, if any (before freeing the owner). */
void backoff_cancel(struct backoff *b, struct loop *loop);

#endif
