/* The poll(2) event loop (see loop.h). Small on purpose, in the spirit of redis's ae.c:
 * arrays scanned linearly, because a console holds tens of fds and timers, not thousands. */
#include "core/loop.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/xalloc.h"

struct loop_fd {
	int fd;
	int mask;
	loop_fd_fn fn;
	void *ud;
};

struct loop_timer {
	long long id;
	long long due;
	long long interval;   /* 0: one-shot */
	loop_timer_fn fn;
	void *ud;
};

struct loop_post_item {
	loop_post_fn fn;
	void *ud;
	struct loop_post_item *next;
};

#define LOOP_NSIG 65

struct loop {
	struct loop_fd *fds;
	size_t nfds, fds_cap;
	struct loop_timer *timers;
	size_t ntimers, timers_cap;
	long long next_timer_id;
	bool stopped;

	int wake_pipe[2];
	pthread_mutex_t post_lock;
	struct loop_post_item *post_head, *post_tail;

	int sig_pipe[2];
	loop_signal_fn sig_fn[LOOP_NSIG];
	void *sig_ud[LOOP_NSIG];
};

/* The signal handler can only reach a global: the write end of the owning loop's pipe. */
static volatile sig_atomic_t loop_sig_fd = -1;

long long loop_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int pipe_nonblock(int p[2])
{
	if (pipe(p) != 0)
		return -1;
	for (int i = 0; i < 2; i++) {
		fcntl(p[i], F_SETFL, fcntl(p[i], F_GETFL) | O_NONBLOCK);
		fcntl(p[i], F_SETFD, FD_CLOEXEC);
	}
	return 0;
}

static void pipe_drain(int fd)
{
	char buf[256];
	while (read(fd, buf, sizeof(buf)) > 0)
		;
}

static void loop_wake_cb(struct loop *loop, int fd, int events, void *ud)
{
	(void)events;
	(void)ud;
	pipe_drain(fd);
	pthread_mutex_lock(&loop->post_lock);
	struct loop_post_item *it = loop->post_head;
	loop->post_head = loop->post_tail = NULL;
	pthread_mutex_unlock(&loop->post_lock);
	while (it) {
		struct loop_post_item *next = it->next;
		it->fn(it->ud);
		free(it);
		it = next;
	}
}

struct loop *loop_new(void)
{
	struct loop *loop = xcalloc(1, sizeof(*loop));
	loop->sig_pipe[0] = loop->sig_pipe[1] = -1;
	if (pipe_nonblock(loop->wake_pipe) != 0) {
		free(loop);
		return NULL;
	}
	pthread_mutex_init(&loop->post_lock, NULL);
	loop_fd_set(loop, loop->wake_pipe[0], LOOP_READ, loop_wake_cb, NULL);
	return loop;
}

void loop_free(struct loop *loop)
{
	if (!loop)
		return;
	for (int s = 1; s < LOOP_NSIG; s++)
		if (loop->sig_fn[s])
			signal(s, SIG_DFL);
	if (loop->sig_pipe[0] >= 0) {
		loop_sig_fd = -1;
		close(loop->sig_pipe[0]);
		close(loop->sig_pipe[1]);
	}
	struct loop_post_item *it = loop->post_head;
	while (it) {
		struct loop_post_item *next = it->next;
		free(it);
		it = next;
	}
	pthread_mutex_destroy(&loop->post_lock);
	close(loop->wake_pipe[0]);
	close(loop->wake_pipe[1]);
	free(loop->fds);
	free(loop->timers);
	free(loop);
}

static struct loop_fd *fd_find(struct loop *loop, int fd)
{
	for (size_t i = 0; i < loop->nfds; i++)
		if (loop->fds[i].fd == fd)
			return &loop->fds[i];
	return NULL;
}

void loop_fd_remove(struct loop *loop, int fd)
{
	struct loop_fd *f = fd_find(loop, fd);
	if (!f)
		return;
	*f = loop->fds[--loop->nfds];
}

void loop_fd_set(struct loop *loop, int fd, int mask, loop_fd_fn fn, void *ud)
{
	if (mask == 0) {
		loop_fd_remove(loop, fd);
		return;
	}
	struct loop_fd *f = fd_find(loop, fd);
	if (!f) {
		loop->fds = xgrow(loop->fds, &loop->fds_cap, loop->nfds + 1, sizeof(*loop->fds));
		f = &loop->fds[loop->nfds++];
	}
	f->fd = fd;
	f->mask = mask;
	f->fn = fn;
	f->ud = ud;
}

long long loop_timer_add(struct loop *loop, long long ms, bool repeat, loop_timer_fn fn,
			 void *ud)
{
	if (ms < 0)
		ms = 0;
	loop->timers = xgrow(loop->timers, &loop->timers_cap, loop->ntimers + 1,
			     sizeof(*loop->timers));
	struct loop_timer *t = &loop->timers[loop->ntimers++];
	t->id = ++loop->next_timer_id;
	t->due = loop_now_ms() + ms;
	/* A repeating timer of 0 ms would spin: make it 1 ms at least. */
	t->interval = repeat ? (ms > 0 ? ms : 1) : 0;
	t->fn = fn;
	t->ud = ud;
	return t->id;
}

static struct loop_timer *timer_find(struct loop *loop, long long id)
{
	for (size_t i = 0; i < loop->ntimers; i++)
		if (loop->timers[i].id == id)
			return &loop->timers[i];
	return NULL;
}

bool loop_timer_cancel(struct loop *loop, long long id)
{
	struct loop_timer *t = timer_find(loop, id);
	if (!t)
		return false;
	/* Keep the array ordered by id so equal due times fire in the order added. */
	size_t i = (size_t)(t - loop->timers);
	memmove(t, t + 1, (loop->ntimers - i - 1) * sizeof(*t));
	loop->ntimers--;
	return true;
}

static void loop_signal_handler(int signo)
{
	int saved = errno;
	unsigned char b = (unsigned char)signo;
	if (loop_sig_fd >= 0)
		(void)!write(loop_sig_fd, &b, 1);
	errno = saved;
}

static void loop_signal_cb(struct loop *loop, int fd, int events, void *ud)
{
	(void)events;
	(void)ud;
	unsigned char buf[64];
	ssize_t n;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		for (ssize_t i = 0; i < n; i++)
			if (buf[i] < LOOP_NSIG && loop->sig_fn[buf[i]])
				loop->sig_fn[buf[i]](loop, buf[i], loop->sig_ud[buf[i]]);
}

int loop_on_signal(struct loop *loop, int signo, loop_signal_fn fn, void *ud)
{
	if (signo <= 0 || signo >= LOOP_NSIG)
		return -1;
	if (loop->sig_pipe[0] < 0) {
		if (pipe_nonblock(loop->sig_pipe) != 0)
			return -1;
		loop_sig_fd = loop->sig_pipe[1];
		loop_fd_set(loop, loop->sig_pipe[0], LOOP_READ, loop_signal_cb, NULL);
	}
	loop->sig_fn[signo] = fn;
	loop->sig_ud[signo] = ud;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = loop_signal_handler;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	return sigaction(signo, &sa, NULL);
}

void loop_post(struct loop *loop, loop_post_fn fn, void *ud)
{
	struct loop_post_item *it = xcalloc(1, sizeof(*it));
	it->fn = fn;
	it->ud = ud;
	pthread_mutex_lock(&loop->post_lock);
	if (loop->post_tail)
		loop->post_tail->next = it;
	else
		loop->post_head = it;
	loop->post_tail = it;
	pthread_mutex_unlock(&loop->post_lock);
	char b = 1;
	(void)!write(loop->wake_pipe[1], &b, 1);
}

/* How long poll may sleep: until the next timer, capped by the caller's timeout. */
static int loop_poll_timeout(struct loop *loop, int timeout_ms)
{
	long long wait = timeout_ms;
	if (loop->ntimers > 0) {
		long long now = loop_now_ms(), next = loop->timers[0].due;
		for (size_t i = 1; i < loop->ntimers; i++)
			if (loop->timers[i].due < next)
				next = loop->timers[i].due;
		long long until = next > now ? next - now : 0;
		if (wait < 0 || until < wait)
			wait = until;
	}
	return wait > 1000000000LL ? 1000000000 : (int)wait;
}

static int loop_dispatch_fds(struct loop *loop, struct pollfd *pfds, size_t n)
{
	int ran = 0;
	for (size_t i = 0; i < n; i++) {
		if (!pfds[i].revents)
			continue;
		/* Look the fd up again: an earlier callback may have removed or replaced it. */
		struct loop_fd *f = fd_find(loop, pfds[i].fd);
		if (!f)
			continue;
		int ev = 0;
		if (pfds[i].revents & (POLLIN | POLLPRI))
			ev |= LOOP_READ;
		if (pfds[i].revents & POLLOUT)
			ev |= LOOP_WRITE;
		if (pfds[i].revents & (POLLERR | POLLHUP | POLLNVAL))
			ev |= f->mask;
		ev &= f->mask;
		if (!ev)
			continue;
		f->fn(loop, f->fd, ev, f->ud);
		ran++;
	}
	return ran;
}

/* Fires the timers due now, oldest first; timers added by callbacks wait for next turn. */
static int loop_dispatch_timers(struct loop *loop)
{
	long long now = loop_now_ms(), last_id = loop->next_timer_id;
	int ran = 0;
	for (;;) {
		struct loop_timer *due = NULL;
		for (size_t i = 0; i < loop->ntimers; i++) {
			struct loop_timer *t = &loop->timers[i];
			if (t->due <= now && t->id <= last_id && (!due || t->due < due->due))
				due = t;
		}
		if (!due)
			break;
		long long id = due->id;
		loop_timer_fn fn = due->fn;
		void *ud = due->ud;
		if (due->interval > 0) {
			due->due += due->interval;
			if (due->due <= now)
				due->due = now + due->interval;
		} else {
			loop_timer_cancel(loop, id);
		}
		fn(loop, id, ud);
		ran++;
	}
	return ran;
}

int loop_run_once(struct loop *loop, int timeout_ms)
{
	size_t n = loop->nfds;
	struct pollfd *pfds = xcalloc(n ? n : 1, sizeof(*pfds));
	for (size_t i = 0; i < n; i++) {
		pfds[i].fd = loop->fds[i].fd;
		pfds[i].events = (short)(((loop->fds[i].mask & LOOP_READ) ? POLLIN : 0) |
					 ((loop->fds[i].mask & LOOP_WRITE) ? POLLOUT : 0));
	}
	int rc = poll(pfds, (nfds_t)n, loop_poll_timeout(loop, timeout_ms));
	int ran = 0;
	if (rc > 0)
		ran += loop_dispatch_fds(loop, pfds, n);
	free(pfds);
	ran += loop_dispatch_timers(loop);
	return ran;
}

void loop_run(struct loop *loop)
{
	loop->stopped = false;
	while (!loop->stopped)
		loop_run_once(loop, -1);
}

void loop_stop(struct loop *loop)
{
	loop->stopped = true;
}
