/* A small single-threaded poll(2) event loop: file descriptors, monotonic timers, signals
 * through a self-pipe, and functions posted from other threads through a wake pipe. */
#ifndef OPSDECK_CORE_LOOP_H
#define OPSDECK_CORE_LOOP_H

#include <stdbool.h>

struct loop;

enum { LOOP_READ = 1, LOOP_WRITE = 2 };

/* events: LOOP_READ and/or LOOP_WRITE that are ready (errors and hangups count as both
 * the interests registered, so the callback's read/write sees them). */
typedef void (*loop_fd_fn)(struct loop *loop, int fd, int events, void *ud);
typedef void (*loop_timer_fn)(struct loop *loop, long long id, void *ud);
typedef void (*loop_signal_fn)(struct loop *loop, int signo, void *ud);
typedef void (*loop_post_fn)(void *ud);

/* Returns NULL only when the wake pipe cannot be created. */
struct loop *loop_new(void);
/* Frees the loop; posted functions not yet run are dropped without being called, and
 * signal handlers installed by loop_on_signal are reset to their default. */
void loop_free(struct loop *loop);

/* Registers fd with interest mask (LOOP_READ|LOOP_WRITE), replacing any earlier
 * registration of fd; mask 0 removes it. Safe to call from any loop callback. */
void loop_fd_set(struct loop *loop, int fd, int mask, loop_fd_fn fn, void *ud);
void loop_fd_remove(struct loop *loop, int fd);

/* A timer firing after ms milliseconds (0: at the next turn), then every ms when repeat.
 * Returns its id (> 0). Timers due at the same time fire in the order they were added. */
long long loop_timer_add(struct loop *loop, long long ms, bool repeat, loop_timer_fn fn,
			 void *ud);
/* Cancels a timer (safe from its own callback); false when no such timer is pending. */
bool loop_timer_cancel(struct loop *loop, long long id);

/* Calls fn on the loop thread after signo arrives; the handler itself only writes the
 * signal number to a pipe. One loop per process may own signals. Returns 0 or -1. */
int loop_on_signal(struct loop *loop, int signo, loop_signal_fn fn, void *ud);

/* Thread-safe: queues fn(ud) to run on the loop thread and wakes the loop. */
void loop_post(struct loop *loop, loop_post_fn fn, void *ud);

/* Runs until loop_stop(). */
void loop_run(struct loop *loop);
/* Makes loop_run return after the current turn; safe from callbacks. */
void loop_stop(struct loop *loop);
/* One turn: waits at most timeout_ms (<0: until something happens; never busy-waits),
 * then dispatches what is ready and what is due. Returns how many callbacks ran. */
int loop_run_once(struct loop *loop, int timeout_ms);

/* The monotonic clock in milliseconds. */
long long loop_now_ms(void);

#endif
