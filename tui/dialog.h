/* The dialog: a centred box over the body asking to confirm an action, by y/n or by
 * typing (the object's name on a protected context, a replica count), drawn in the
 * danger style for destructive actions. */
#ifndef OPSDECK_TUI_DIALOG_H
#define OPSDECK_TUI_DIALOG_H

#include "tui/theme.h" /* curses.h with the wide-character API */

#include <stdbool.h>
#include <stddef.h>

struct dialog;

enum dialog_kind {
	DIALOG_YES_NO,   /* y / Enter on "Yes" answers yes; n / Esc answers no */
	DIALOG_INPUT,    /* a one-line input (tui/prompt): Enter answers, Esc cancels */
};

enum dialog_status { DIALOG_OPEN, DIALOG_ACCEPTED, DIALOG_CANCELLED };

/* title ("Restart"), question ("Restart deployment web in shop on nonprod?"), hint (a
 * second line, e.g. "prod is protected: type web to confirm"; may be NULL); all copied.
 * initial: the input's starting text for DIALOG_INPUT (may be NULL). danger draws it
 * with THEME_DIALOG_DANGER instead of THEME_DIALOG. */
struct dialog *dialog_new(enum dialog_kind kind, const char *title, const char *question,
			  const char *hint, const char *initial, bool danger);
void dialog_free(struct dialog *d);

/* Feeds one key (as struct screen_ops.key delivers it). DIALOG_YES_NO: y/Y accepts,
 * n/N/Esc/q cancels, left/right/tab move between [Yes] and [No] (No is the default),
 * Enter answers the focused button. DIALOG_INPUT: edits the input, Enter accepts, Esc
 * cancels. */
enum dialog_status dialog_key(struct dialog *d, int key, bool function_key);

/* The typed text (DIALOG_INPUT), or "y"/"n" for DIALOG_YES_NO after it was answered. */
const char *dialog_input(const struct dialog *d);

/* Draws the dialog centred over a screen area of rows x cols starting at (y, x) (the
 * body): its own window, created or moved as needed, width min(cols - 4, 70), the
 * question wrapped on words. Draws its whole window every call and wnoutrefreshes it;
 * the caller redraws the body in full once the dialog is gone. */
void dialog_draw(struct dialog *d, int y, int x, int rows, int cols);

#endif
