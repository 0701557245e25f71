/* The terminal (tui/screen.h): ncurses on the tty, keys from the loop, resize, and frames
 * scheduled by one-shot timers so that nothing ticks while idle. */
#include "tui/screen.h"

/* wide-character input (wget_wch) for UTF-8 typed into prompts */
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <curses.h>
#include <term.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <termios.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "core/xalloc.h"

/* Esc must feel immediate, yet arrow keys over SSH still arrive as one sequence. */
#define SCREEN_ESCDELAY_MS 25

static const int screen_quit_signals[] = {SIGTERM, SIGINT, SIGHUP};

struct screen {
	struct loop *loop;
	struct screen_ops ops;
	void *ud;
	SCREEN *term;
	WINDOW *input; /* 1x1, never drawn: keys are read here (see screen_setup_modes) */
	FILE *in, *out;
	int in_fd;
	int rows, cols;
	bool colors, default_colors;
	bool ended;
	long long frame_timer; /* 0 when no frame is scheduled */
	long long last_frame_ms;
	int frame_ms;          /* least time between frames */
	unsigned long frames;
};

static void screen_frame_due(struct loop *loop, long long id, void *ud)
{
	(void)loop;
	(void)id;
	struct screen *s = ud;
	s->frame_timer = 0;
	if (s->ended)
		return;
	if (s->ops.frame)
		s->ops.frame(s, s->ud);
	doupdate();
	s->frames++;
	s->last_frame_ms = loop_now_ms();
}

void screen_request_frame(struct screen *s)
{
	if (!s || s->ended || s->frame_timer)
		return;
	long long wait = 0;
	if (s->frames) {
		long long since = loop_now_ms() - s->last_frame_ms;
		wait = since >= s->frame_ms ? 0 : s->frame_ms - since;
	}
	s->frame_timer = loop_timer_add(s->loop, wait, false, screen_frame_due, s);
}

void screen_set_frame_ms(struct screen *s, int ms)
{
	if (s)
		s->frame_ms = ms < 0 ? 0 : ms;
}

void screen_redraw_all(struct screen *s)
{
	if (!s || s->ended)
		return;
	clearok(curscr, TRUE);
	screen_request_frame(s);
}

/* The terminal's size from the kernel; false when unknown. */
static bool screen_query_size(const struct screen *s, int *rows, int *cols)
{
	struct winsize ws;
	if (ioctl(fileno(s->out), TIOCGWINSZ, &ws) != 0 || ws.ws_row == 0 || ws.ws_col == 0)
		return false;
	*rows = ws.ws_row;
	*cols = ws.ws_col;
	return true;
}

/* Adopts a new size (from SIGWINCH or KEY_RESIZE): resizes ncurses' idea of the
 * terminal when it differs, lets the shell lay out again, repaints everything. */
static void screen_resize(struct screen *s)
{
	int rows = LINES, cols = COLS;
	if (screen_query_size(s, &rows, &cols) && (rows != LINES || cols != COLS))
		resizeterm(rows, cols);
	if (rows == s->rows && cols == s->cols)
		return;
	s->rows = rows;
	s->cols = cols;
	if (s->ops.layout)
		s->ops.layout(s, rows, cols, s->ud);
	screen_redraw_all(s);
}

static void screen_on_winch(struct loop *loop, int signo, void *ud)
{
	(void)loop;
	(void)signo;
	struct screen *s = ud;
	if (!s->ended)
		screen_resize(s);
}

static void screen_on_quit(struct loop *loop, int signo, void *ud)
{
	struct screen *s = ud;
	screen_end(s);
	if (s->ops.quit)
		s->ops.quit(s, signo, s->ud);
	else
		loop_stop(loop);
}

/* Reads every key ncurses has (nodelay: ERR when none is left). */
static void screen_on_input(struct loop *loop, int fd, int events, void *ud)
{
	(void)loop;
	(void)fd;
	(void)events;
	struct screen *s = ud;
	wint_t ch;
	int rc;
	untouchwin(s->input);
	while (!s->ended && (rc = wget_wch(s->input, &ch)) != ERR) {
		bool fkey = rc == KEY_CODE_YES;
		if (fkey && ch == KEY_RESIZE)
			screen_resize(s);
		else if (s->ops.key)
			s->ops.key(s, (int)ch, fkey, s->ud);
	}
}

/* Opens the terminal streams: given fds (duplicated), else /dev/tty, else stdio. */
static int screen_open_streams(struct screen *s, const struct screen_options *opts,
			       char *err, size_t errlen)
{
	int in = -1, out = -1;
	if (opts && opts->in_fd >= 0 && opts->out_fd >= 0) {
		in = dup(opts->in_fd);
		out = dup(opts->out_fd);
	} else {
		int tty = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (tty >= 0) {
			in = tty;
			out = dup(tty);
		} else if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) {
			in = dup(STDIN_FILENO);
			out = dup(STDOUT_FILENO);
		}
	}
	s->in = in >= 0 ? fdopen(in, "r") : NULL;
	s->out = out >= 0 ? fdopen(out, "w") : NULL;
	if (!s->in || !s->out) {
		snprintf(err, errlen, "no terminal to draw on (stdin/stdout are not a tty)");
		if (s->in)
			fclose(s->in);
		else if (in >= 0)
			close(in);
		if (s->out)
			fclose(s->out);
		else if (out >= 0)
			close(out);
		s->in = s->out = NULL;
		return -1;
	}
	s->in_fd = fileno(s->in);
	return 0;
}

/* ncurses modes the console relies on. */
static void screen_setup_modes(struct screen *s)
{
	cbreak();
	noecho();
	nonl();
	/* cbreak leaves XON/XOFF flow control on: ctrl-s would freeze the terminal instead of
	 * reaching opsdeck (the logs view saves with it). def_prog_mode keeps the change
	 * across endwin/refresh; endwin still gives the shell its own settings back. */
	struct termios tio;
	if (tcgetattr(s->in_fd, &tio) == 0 && (tio.c_iflag & IXON)) {
		tio.c_iflag &= ~(tcflag_t)IXON;
		if (tcsetattr(s->in_fd, TCSANOW, &tio) == 0)
			def_prog_mode();
	}
	/* wgetch refreshes the window it reads from when that window changed; reading from
	 * stdscr would paint it over the shell's windows outside any frame. A private 1x1
	 * window that nobody draws into keeps key reading free of output. */
	s->input = newwin(1, 1, 0, 0);
	intrflush(s->input, FALSE);
	keypad(s->input, TRUE);
	nodelay(s->input, TRUE);
	leaveok(s->input, TRUE);
	set_escdelay(SCREEN_ESCDELAY_MS);
	curs_set(0);
	leaveok(stdscr, TRUE);
	if (has_colors() && start_color() == OK) {
		s->colors = true;
		s->default_colors = use_default_colors() == OK;
	}
}

static void screen_watch_signals(struct screen *s, loop_signal_fn winch, loop_signal_fn quit)
{
	loop_on_signal(s->loop, SIGWINCH, winch, winch ? s : NULL);
	for (size_t i = 0; i < sizeof screen_quit_signals / sizeof screen_quit_signals[0]; i++) {
		loop_on_signal(s->loop, screen_quit_signals[i], quit, quit ? s : NULL);
		if (!quit)
			signal(screen_quit_signals[i], SIG_DFL);
	}
	if (!winch)
		signal(SIGWINCH, SIG_DFL);
}

/* Whether terminfo knows term: asked first because a failing newterm leaks its
 * half-built screen inside ncurses, while setupterm cleans up after itself. */
static bool screen_term_known(const char *term, int fd)
{
	if (!term || !*term)
		return false;
	TERMINAL *saved = cur_term;
	int errret = 0;
	if (setupterm(term, fd, &errret) != OK)
		return false;
	del_curterm(cur_term);
	set_curterm(saved);
	return true;
}

struct screen *screen_open(struct loop *loop, const struct screen_options *opts,
			   const struct screen_ops *ops, void *ud, char *err, size_t errlen)
{
	struct screen *s = xcalloc(1, sizeof *s);
	s->loop = loop;
	s->frame_ms = SCREEN_FRAME_MS;
	s->ops = *ops;
	s->ud = ud;
	if (screen_open_streams(s, opts, err, errlen) != 0) {
		free(s);
		return NULL;
	}
	/* Our SIGWINCH handler goes in first: ncurses then keeps its own out, and the
	 * resize reaches us through the loop instead of interrupting a blocking read. */
	screen_watch_signals(s, screen_on_winch, screen_on_quit);
	const char *term = opts && opts->term ? opts->term : getenv("TERM");
	s->term = screen_term_known(term, fileno(s->out)) ? newterm(term, s->out, s->in) : NULL;
	if (!s->term) {
		snprintf(err, errlen, "cannot use terminal type '%s'", term ? term : "(unset)");
		screen_watch_signals(s, NULL, NULL);
		fclose(s->in);
		fclose(s->out);
		free(s);
		return NULL;
	}
	set_term(s->term);
	screen_setup_modes(s);
	loop_fd_set(loop, s->in_fd, LOOP_READ, screen_on_input, s);
	s->rows = LINES;
	s->cols = COLS;
	if (s->ops.layout)
		s->ops.layout(s, s->rows, s->cols, s->ud);
	screen_redraw_all(s);
	return s;
}

void screen_end(struct screen *s)
{
	if (!s || s->ended)
		return;
	s->ended = true;
	if (s->frame_timer)
		loop_timer_cancel(s->loop, s->frame_timer);
	s->frame_timer = 0;
	loop_fd_remove(s->loop, s->in_fd);
	curs_set(1);
	endwin();
	fflush(s->out);
}

void screen_close(struct screen *s)
{
	if (!s)
		return;
	screen_end(s);
	screen_watch_signals(s, NULL, NULL);
	delwin(s->input);
	delscreen(s->term);
	fclose(s->in);
	fclose(s->out);
	free(s);
}

int screen_rows(const struct screen *s)
{
	return s->rows;
}

int screen_cols(const struct screen *s)
{
	return s->cols;
}

bool screen_has_colors(const struct screen *s)
{
	return s->colors;
}

bool screen_default_colors(const struct screen *s)
{
	return s->default_colors;
}

unsigned long screen_frame_count(const struct screen *s)
{
	return s->frames;
}
