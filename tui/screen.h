/* The terminal: ncurses set up on the controlling tty, keys read from the event loop
 * without blocking, resize handling, and frames drawn at most every 50 ms, only when
 * asked for (an idle console schedules nothing and writes nothing). */
#ifndef OPSDECK_TUI_SCREEN_H
#define OPSDECK_TUI_SCREEN_H

#include <stdbool.h>
#include <stddef.h>

#include "core/loop.h"

/* Minimum time between two frames: bursts of watch events coalesce to <= 20 frames/s. */
#define SCREEN_FRAME_MS 50

struct screen;

/* What the screen calls back; ud is the pointer given to screen_open. */
struct screen_ops {
	/* A key: when function_key is true, key is a KEY_* code from curses.h; otherwise a
	 * character (Unicode code point, or a control character such as 27 for Esc). Both
	 * can go to keymap_lookup when function_key || key < 256 (keymap names are ASCII).
	 * KEY_RESIZE is handled by the screen and never delivered. */
	void (*key)(struct screen *s, int key, bool function_key, void *ud);
	/* The terminal has rows x cols (called once from screen_open and after every
	 * resize): (re)create windows. A full redraw is already scheduled. */
	void (*layout)(struct screen *s, int rows, int cols, void *ud);
	/* Draw what changed into windows and wnoutrefresh them; the screen then calls one
	 * doupdate(). Never call doupdate or refresh here. */
	void (*frame)(struct screen *s, void *ud);
	/* SIGTERM, SIGINT (Ctrl-C under cbreak) or SIGHUP arrived; the terminal has already
	 * been restored (screen_end). NULL: the screen calls loop_stop. */
	void (*quit)(struct screen *s, int signo, void *ud);
};

/* Options of screen_open. */
struct screen_options {
	/* Terminal type; NULL uses $TERM. */
	const char *term;
	/* Terminal fds; -1 for both means /dev/tty, falling back to stdin/stdout when there
	 * is no controlling tty. Tests pass a pseudo-terminal here. The fds stay the
	 * caller's when given (they are duplicated). */
	int in_fd, out_fd;
};

/* Sets up ncurses on the terminal (newterm, cbreak, noecho, nonl, keypad, intrflush
 * off, ESCDELAY 25 ms, hidden cursor, start_color + use_default_colors when the
 * terminal has colours), registers the input fd and SIGWINCH/SIGTERM/SIGINT/SIGHUP on
 * loop, calls ops->layout and schedules the first frame. Call setlocale(LC_ALL, "")
 * first (ncursesw needs it for UTF-8). opts may be NULL. Returns NULL with err set when
 * there is no usable terminal. Output goes to the tty, so stdout stays free for pipes. */
struct screen *screen_open(struct loop *loop, const struct screen_options *opts,
			   const struct screen_ops *ops, void *ud, char *err, size_t errlen);

/* Schedules one frame: at the next loop turn, or when SCREEN_FRAME_MS have passed since
 * the last one. Any number of calls before it runs make one frame. */
void screen_request_frame(struct screen *s);

/* Sets the least time between frames (config.yaml defaults.coalesce_ms); the default
 * is SCREEN_FRAME_MS. */
void screen_set_frame_ms(struct screen *s, int ms);

/* Ctrl-L: makes the next frame repaint the whole terminal (clearok) and schedules it. */
void screen_redraw_all(struct screen *s);

/* Restores the terminal (endwin) and stops reading keys; safe to call twice. The screen
 * stays allocated until screen_close. */
void screen_end(struct screen *s);

/* screen_end, then releases the ncurses screen, the tty and s; restores the signals'
 * default handling. NULL is fine. */
void screen_close(struct screen *s);

/* Current size. */
int screen_rows(const struct screen *s);
int screen_cols(const struct screen *s);

/* True when the terminal has colours and start_color succeeded. NO_COLOR is not
 * considered here: theme_pick decides the theme from this and the environment. */
bool screen_has_colors(const struct screen *s);
/* True when use_default_colors() succeeded ("default" colours usable). */
bool screen_default_colors(const struct screen *s);

/* How many frames have been drawn (tests and the idle check). */
unsigned long screen_frame_count(const struct screen *s);

#endif
