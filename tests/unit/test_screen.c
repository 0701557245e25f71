/* Unit tests for tui/screen on a pseudo-terminal: setup, keys from the loop, frames
 * coalesced and rate-limited, nothing written while idle, resize, and quit signals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <pty.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/loop.h"
#include "tui/screen.h"
#include "tui/theme.h"

struct probe {
	int layouts, last_rows, last_cols;
	int frames;
	int keys[16];
	bool fkeys[16];
	int nkeys;
	int quit_signal;
	WINDOW *body; /* the probe draws here, as the shell does, never into stdscr */
};

struct fixture {
	struct loop *loop;
	int master, slave;
	struct screen *screen;
	struct probe probe;
};

static void on_key(struct screen *s, int key, bool fkey, void *ud)
{
	(void)s;
	struct probe *p = ud;
	if (p->nkeys < 16) {
		p->keys[p->nkeys] = key;
		p->fkeys[p->nkeys++] = fkey;
	}
}

static void on_layout(struct screen *s, int rows, int cols, void *ud)
{
	(void)s;
	struct probe *p = ud;
	p->layouts++;
	if (p->body)
		delwin(p->body);
	p->body = newwin(rows, cols, 0, 0);
	p->last_rows = rows;
	p->last_cols = cols;
}

static void on_frame(struct screen *s, void *ud)
{
	(void)s;
	struct probe *p = ud;
	p->frames++;
	mvwaddstr(p->body, 0, 0, "opsdeck");
	wnoutrefresh(p->body);
}

static void on_quit(struct screen *s, int signo, void *ud)
{
	(void)s;
	struct probe *p = ud;
	p->quit_signal = signo;
}

static const struct screen_ops probe_ops = {on_key, on_layout, on_frame, on_quit};

/* Reads whatever the screen wrote to the terminal; returns the byte count. */
static size_t drain(int master, char *buf, size_t cap)
{
	size_t total = 0;
	for (;;) {
		char tmp[4096];
		ssize_t n = read(master, tmp, sizeof tmp);
		if (n <= 0)
			break;
		if (buf && total + (size_t)n < cap)
			memcpy(buf + total, tmp, (size_t)n);
		total += (size_t)n;
	}
	if (buf && cap)
		buf[total < cap ? total : cap - 1] = '\0';
	return total;
}

/* Runs loop turns for about ms milliseconds. */
static void run_for(struct loop *loop, int ms)
{
	long long end = loop_now_ms() + ms;
	while (loop_now_ms() < end)
		loop_run_once(loop, (int)(end - loop_now_ms()));
}

static int setup(void **state)
{
	static struct fixture f;
	memset(&f, 0, sizeof f);
	struct winsize ws = {.ws_row = 24, .ws_col = 80};
	if (openpty(&f.master, &f.slave, NULL, NULL, &ws) != 0)
		return -1;
	fcntl(f.master, F_SETFL, O_NONBLOCK);
	f.loop = loop_new();
	setlocale(LC_ALL, "C.UTF-8");
	char err[256] = "";
	struct screen_options opts = {"xterm-256color", f.slave, f.slave};
	f.screen = screen_open(f.loop, &opts, &probe_ops, &f.probe, err, sizeof err);
	if (!f.screen) {
		fprintf(stderr, "screen_open: %s\n", err);
		return -1;
	}
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	delwin(f->probe.body);
	screen_close(f->screen);
	loop_free(f->loop);
	close(f->master);
	close(f->slave);
	return 0;
}

static void test_open_lays_out_and_draws_one_frame(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(f->probe.layouts, 1);
	assert_int_equal(f->probe.last_rows, 24);
	assert_int_equal(f->probe.last_cols, 80);
	assert_int_equal(screen_rows(f->screen), 24);
	assert_true(screen_has_colors(f->screen));
	assert_int_equal(f->probe.frames, 0); /* scheduled, not drawn inline */
	run_for(f->loop, 20);
	assert_int_equal(f->probe.frames, 1);
	char out[16384];
	assert_true(drain(f->master, out, sizeof out) > 0);
	assert_non_null(strstr(out, "opsdeck"));
}

static void test_idle_writes_nothing_and_wakes_for_nothing(void **state)
{
	struct fixture *f = *state;
	run_for(f->loop, 60);
	drain(f->master, NULL, 0);
	int frames = f->probe.frames;
	/* nothing due: the turn waits out its timeout and runs no callback */
	assert_int_equal(loop_run_once(f->loop, 150), 0);
	assert_int_equal(f->probe.frames, frames);
	assert_int_equal(drain(f->master, NULL, 0), 0);
}

static void test_frames_coalesce_and_rate_limit(void **state)
{
	struct fixture *f = *state;
	run_for(f->loop, 60);
	int frames = f->probe.frames;
	for (int i = 0; i < 100; i++)
		screen_request_frame(f->screen);
	run_for(f->loop, 30);
	assert_int_equal(f->probe.frames, frames + 1);
	/* right after a frame, the next waits out SCREEN_FRAME_MS */
	screen_request_frame(f->screen);
	loop_run_once(f->loop, 0);
	assert_int_equal(f->probe.frames, frames + 1);
	run_for(f->loop, SCREEN_FRAME_MS + 20);
	assert_int_equal(f->probe.frames, frames + 2);
	/* 20 frames/s at most whatever the request rate */
	int before = f->probe.frames;
	long long end = loop_now_ms() + 500;
	while (loop_now_ms() < end) {
		screen_request_frame(f->screen);
		loop_run_once(f->loop, 5);
	}
	int drawn = f->probe.frames - before;
	assert_true(drawn >= 3 && drawn <= 11); /* low bound loose for loaded machines */
	assert_int_equal(screen_frame_count(f->screen), (unsigned long)f->probe.frames);
	/* a longer coalescing time (config.yaml) holds the next frame back longer */
	screen_set_frame_ms(f->screen, 300);
	run_for(f->loop, 350);
	before = f->probe.frames;
	screen_request_frame(f->screen);          /* long after the last: at once */
	run_for(f->loop, 30);
	assert_int_equal(f->probe.frames, before + 1);
	screen_request_frame(f->screen);          /* right after one: waits 300 ms */
	run_for(f->loop, 100);
	assert_int_equal(f->probe.frames, before + 1);
	run_for(f->loop, 400);
	assert_int_equal(f->probe.frames, before + 2);
	screen_set_frame_ms(f->screen, SCREEN_FRAME_MS);
	drain(f->master, NULL, 0);
}

static void test_keys_are_read_from_the_loop(void **state)
{
	struct fixture *f = *state;
	/* reading keys writes nothing (no implicit wrefresh): only frames draw */
	run_for(f->loop, 60);
	drain(f->master, NULL, 0);
	f->probe.nkeys = 0;
	assert_int_equal(write(f->master, "k", 1), 1);
	run_for(f->loop, 40);
	assert_int_equal(f->probe.nkeys, 1);
	assert_int_equal(drain(f->master, NULL, 0), 0);
	f->probe.nkeys = 0;
	/* keypad() put the terminal in application mode: up is ESC O A (kcuu1) */
	assert_int_equal(write(f->master, "j\x1bOA:", 5), 5);
	run_for(f->loop, 40);
	assert_int_equal(f->probe.nkeys, 3);
	assert_int_equal(f->probe.keys[0], 'j');
	assert_false(f->probe.fkeys[0]);
	assert_int_equal(f->probe.keys[1], KEY_UP);
	assert_true(f->probe.fkeys[1]);
	assert_int_equal(f->probe.keys[2], ':');
	/* a lone Esc arrives after the short ESCDELAY, not a second later */
	f->probe.nkeys = 0;
	assert_int_equal(write(f->master, "\x1b", 1), 1);
	run_for(f->loop, 150);
	assert_int_equal(f->probe.nkeys, 1);
	assert_int_equal(f->probe.keys[0], 27);
	/* UTF-8 input arrives as one code point */
	f->probe.nkeys = 0;
	assert_int_equal(write(f->master, "\xc3\xa9", 2), 2);
	run_for(f->loop, 40);
	assert_int_equal(f->probe.nkeys, 1);
	assert_int_equal(f->probe.keys[0], 0xe9);
	drain(f->master, NULL, 0);
}

static void test_resize_relays_out_and_repaints(void **state)
{
	struct fixture *f = *state;
	run_for(f->loop, 60);
	int frames = f->probe.frames;
	struct winsize ws = {.ws_row = 50, .ws_col = 200};
	assert_int_equal(ioctl(f->master, TIOCSWINSZ, &ws), 0);
	kill(getpid(), SIGWINCH);
	run_for(f->loop, 80);
	assert_int_equal(f->probe.last_rows, 50);
	assert_int_equal(f->probe.last_cols, 200);
	assert_int_equal(screen_cols(f->screen), 200);
	assert_int_equal(LINES, 50);
	assert_true(f->probe.frames > frames);
	drain(f->master, NULL, 0);
}

static void test_theme_applies_on_the_screen(void **state)
{
	struct fixture *f = *state;
	char err[256];
	struct theme *t = theme_load("dark", "/nonexistent", err, sizeof err);
	assert_non_null(t);
	theme_apply(t, screen_default_colors(f->screen));
	attr_t header = theme_attr(THEME_HEADER);
	assert_int_not_equal(PAIR_NUMBER(header), 0);
	short fg = 0, bg = 0;
	pair_content((short)PAIR_NUMBER(header), &fg, &bg);
	assert_int_equal(fg, 252);
	assert_int_equal(bg, 236);
	assert_true(theme_attr(THEME_HEADER_CONTEXT) & A_BOLD);
	theme_free(t);
}

static void test_quit_signal_restores_terminal(void **state)
{
	struct fixture *f = *state;
	drain(f->master, NULL, 0);
	kill(getpid(), SIGTERM);
	run_for(f->loop, 30);
	assert_int_equal(f->probe.quit_signal, SIGTERM);
	char out[4096];
	assert_true(drain(f->master, out, sizeof out) > 0); /* endwin's reset sequences */
	/* ended: frames are no longer drawn */
	int frames = f->probe.frames;
	screen_request_frame(f->screen);
	run_for(f->loop, 60);
	assert_int_equal(f->probe.frames, frames);
}

/* Every terminal type the console supports opens, draws and knows its colours. */
static void test_terminal_types(void **state)
{
	(void)state;
	const struct {
		const char *term;
		bool colors;
	} terms[] = {{"xterm", true}, {"xterm-256color", true}, {"screen", true},
		     {"tmux-256color", true}, {"vt100", false}};
	for (size_t i = 0; i < sizeof terms / sizeof terms[0]; i++) {
		int master, slave;
		struct winsize ws = {.ws_row = 24, .ws_col = 80};
		assert_int_equal(openpty(&master, &slave, NULL, NULL, &ws), 0);
		fcntl(master, F_SETFL, O_NONBLOCK);
		struct loop *loop = loop_new();
		struct probe probe = {0};
		struct screen_options opts = {terms[i].term, slave, slave};
		char err[256] = "";
		struct screen *s = screen_open(loop, &opts, &probe_ops, &probe, err, sizeof err);
		if (!s)
			fail_msg("%s: %s", terms[i].term, err);
		assert_int_equal(screen_has_colors(s), terms[i].colors);
		run_for(loop, 20);
		assert_int_equal(probe.frames, 1);
		char out[16384];
		drain(master, out, sizeof out);
		assert_non_null(strstr(out, "opsdeck"));
		delwin(probe.body);
		screen_close(s);
		loop_free(loop);
		close(master);
		close(slave);
	}
	struct loop *loop = loop_new();
	struct probe probe = {0};
	char err[256] = "";
	struct screen_options bad = {"no-such-terminal-type", 0, 1};
	assert_null(screen_open(loop, &bad, &probe_ops, &probe, err, sizeof err));
	assert_non_null(strstr(err, "no-such-terminal-type"));
	loop_free(loop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_lays_out_and_draws_one_frame,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_idle_writes_nothing_and_wakes_for_nothing,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_frames_coalesce_and_rate_limit,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_keys_are_read_from_the_loop,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_resize_relays_out_and_repaints,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_theme_applies_on_the_screen,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_quit_signal_restores_terminal,
						setup, teardown),
		cmocka_unit_test(test_terminal_types),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
