/* Tests for core/loop (timers, fds, signals, posts) and core/jobs (work comes back on the
 * loop thread). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "core/jobs.h"
#include "core/loop.h"

struct trace {
	char log[64];
	size_t n;
	long long cancel_id;
	struct loop *loop;
	int repeats;
};

static void trace_timer(struct loop *loop, long long id, void *ud)
{
	struct trace *t = ud;
	(void)loop;
	(void)id;
	t->log[t->n++] = 'x';
}

static void tag_a(struct loop *l, long long id, void *ud) { (void)l; (void)id; struct trace *t = ud; t->log[t->n++] = 'a'; }
static void tag_b(struct loop *l, long long id, void *ud) { (void)l; (void)id; struct trace *t = ud; t->log[t->n++] = 'b'; }
static void tag_c(struct loop *l, long long id, void *ud) { (void)l; (void)id; struct trace *t = ud; t->log[t->n++] = 'c'; }

static void run_for(struct loop *loop, long long ms)
{
	long long end = loop_now_ms() + ms;
	while (loop_now_ms() < end)
		loop_run_once(loop, (int)(end - loop_now_ms()));
}

static void test_timers_fire_in_due_order(void **state)
{
	(void)state;
	struct loop *loop = loop_new();
	struct trace t = {0};
	loop_timer_add(loop, 60, false, tag_c, &t);
	loop_timer_add(loop, 10, false, tag_a, &t);
	loop_timer_add(loop, 30, false, tag_b, &t);
	run_for(loop, 120);
	assert_string_equal(t.log, "abc");
	loop_free(loop);
}

static void test_timer_cancel(void **state)
{
	(void)state;
	struct loop *loop = loop_new();
	struct trace t = {0};
	long long a = loop_timer_add(loop, 10, false, tag_a, &t);
	loop_timer_add(loop, 20, false, tag_b, &t);
	assert_true(loop_timer_cancel(loop, a));
	assert_false(loop_timer_cancel(loop, a));
	run_for(loop, 60);
	assert_string_equal(t.log, "b");
	loop_free(loop);
}

static void self_cancel(struct loop *loop, long long id, void *ud)
{
	struct trace *t = ud;
	t->log[t->n++] = 'r';
	if (++t->repeats == 3)
		assert_true(loop_timer_cancel(loop, id));
}

static void test_repeating_timer_cancels_itself(void **state)
{
	(void)state;
	struct loop *loop = loop_new();
	struct trace t = {0};
	loop_timer_add(loop, 5, true, self_cancel, &t);
	run_for(loop, 100);
	assert_string_equal(t.log, "rrr");
	loop_free(loop);
}

static void test_idle_loop_sleeps_until_timeout(void **state)
{
	(void)state;
	struct loop *loop = loop_new();
	long long start = loop_now_ms();
	int ran = loop_run_once(loop, 50);
	long long took = loop_now_ms() - start;
	assert_int_equal(ran, 0);
	assert_true(took >= 45);
	/* A timer shortens the sleep. */
	struct trace t = {0};
	loop_timer_add(loop, 10, false, trace_timer, &t);
	start = loop_now_ms();
	while (t.n == 0)
		loop_run_once(loop, 1000);
	assert_true(loop_now_ms() - start < 500);
	loop_free(loop);
}

struct fdtest {
	int reads;
	char got[16];
	int fd_write_ready;
};

static void on_readable(struct loop *loop, int fd, int events, void *ud)
{
	struct fdtest *ft = ud;
	assert_true(events & LOOP_READ);
	ssize_t n = read(fd, ft->got, sizeof(ft->got) - 1);
	assert_true(n > 0);
	ft->got[n] = '\0';
	ft->reads++;
	loop_fd_remove(loop, fd);
}

static void on_writable(struct loop *loop, int fd, int events, void *ud)
{
	struct fdtest *ft = ud;
	assert_true(events & LOOP_WRITE);
	ft->fd_write_ready++;
	loop_fd_set(loop, fd, 0, NULL, NULL);
}

static void test_fd_read_and_write(void **state)
{
	(void)state;
	struct loop *loop = loop_new();
	int p[2];
	assert_int_equal(pipe(p), 0);
	struct fdtest ft = {0};
	loop_fd_set(loop, p[0], LOOP_READ, on_readable, &ft);
	loop_fd_set(loop, p[1], LOOP_WRITE, on_writable, &ft);
	loop_run_once(loop, 100);
	assert_int_equal(ft.fd_write_ready, 1);
	assert_int_equal(ft.reads, 0);
	assert_int_equal(write(p[1], "hey", 3), 3);
	loop_run_once(loop, 100);
	assert_int_equal(ft.reads, 1);
	assert_string_equal(ft.got, "hey");
	/* Removed: more data does not call it again. */
	assert_int_equal(write(p[1], "more", 4), 4);
	loop_run_once(loop, 20);
	assert_int_equal(ft.reads, 1);
	close(p[0]);
	close(p[1]);
	loop_free(loop);
}

static void on_signal(struct loop *loop, int signo, void *ud)
{
	int *got = ud;
	*got = signo;
	loop_stop(loop);
}

static void test_signal_self_pipe(void **state)
{
	(void)state;
	struct loop *loop = loop_new();
	int got = 0;
	assert_int_equal(loop_on_signal(loop, SIGUSR1, on_signal, &got), 0);
	raise(SIGUSR1);
	assert_int_equal(got, 0);   /* the handler only wrote a byte */
	loop_run(loop);             /* returns once on_signal stops it */
	assert_int_equal(got, SIGUSR1);
	loop_free(loop);
}

struct jobtest {
	pthread_t loop_thread;
	pthread_t work_thread;
	pthread_t done_thread;
	int value;
	int *finished;
};

static void job_work(void *ud)
{
	struct jobtest *j = ud;
	j->work_thread = pthread_self();
	usleep(2000);
	j->value *= 10;
}

static void job_done(void *ud)
{
	struct jobtest *j = ud;
	j->done_thread = pthread_self();
	(*j->finished)++;
}

static void test_jobs_come_back_on_loop(void **state)
{
	(void)state;
	struct loop *loop = loop_new();
	struct jobs *jobs = jobs_new(loop, 3);
	assert_non_null(jobs);
	int finished = 0;
	struct jobtest j[5];
	for (int i = 0; i < 5; i++) {
		memset(&j[i], 0, sizeof(j[i]));
		j[i].value = i + 1;
		j[i].finished = &finished;
		jobs_submit(jobs, job_work, job_done, &j[i]);
	}
	long long end = loop_now_ms() + 5000;
	while (finished < 5 && loop_now_ms() < end)
		loop_run_once(loop, 100);
	assert_int_equal(finished, 5);
	for (int i = 0; i < 5; i++) {
		assert_int_equal(j[i].value, (i + 1) * 10);
		assert_true(pthread_equal(j[i].done_thread, pthread_self()));
		assert_false(pthread_equal(j[i].work_thread, pthread_self()));
	}
	jobs_free(jobs);
	loop_free(loop);
}

static void stop_posted(void *ud)
{
	loop_stop(ud);
}

static void *poster(void *arg)
{
	struct loop *loop = arg;
	usleep(20000);
	loop_post(loop, stop_posted, loop);
	return NULL;
}

static void test_post_from_thread_wakes_loop(void **state)
{
	(void)state;
	struct loop *loop = loop_new();
	pthread_t th;
	pthread_create(&th, NULL, poster, loop);
	long long start = loop_now_ms();
	loop_run(loop);   /* sleeps in poll with no timers until the post wakes it */
	assert_true(loop_now_ms() - start < 2000);
	pthread_join(th, NULL);
	loop_free(loop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timers_fire_in_due_order),
		cmocka_unit_test(test_timer_cancel),
		cmocka_unit_test(test_repeating_timer_cancels_itself),
		cmocka_unit_test(test_idle_loop_sleeps_until_timeout),
		cmocka_unit_test(test_fd_read_and_write),
		cmocka_unit_test(test_signal_self_pipe),
		cmocka_unit_test(test_jobs_come_back_on_loop),
		cmocka_unit_test(test_post_from_thread_wakes_loop),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
