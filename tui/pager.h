/* The pager: a read-only text (YAML, describe output, help) shown a screen at a time,
 * with vim-like motions, horizontal scroll, and search that highlights every match and
 * steps between them. */
#ifndef OPSDECK_TUI_PAGER_H
#define OPSDECK_TUI_PAGER_H

#include "tui/theme.h" /* curses.h with the wide-character API */

#include <stdbool.h>
#include <stddef.h>

#include "core/request.h"

struct pager;

/* How lines are coloured. */
enum pager_syntax {
	PAGER_PLAIN,     /* THEME_DEFAULT everywhere */
	PAGER_YAML,      /* "key:" in THEME_TEXT_KEY, "# ..." comments in THEME_TEXT_COMMENT */
	PAGER_DESCRIBE,  /* kubectl describe: "Key:" at line start in THEME_TEXT_KEY */
	PAGER_DIFF,      /* unified diff: '+' lines THEME_DIFF_ADD, '-' THEME_DIFF_DELETE,
			  * "@@" and file headers THEME_DIFF_HUNK */
};

struct pager *pager_new(enum pager_syntax syntax);
void pager_free(struct pager *p);

/* Replaces the text (copied; split on '\n'; a trailing newline makes no empty last
 * line; tabs expand to 8 columns). The text must already be sanitised (core/sanitize);
 * the pager draws it as is. Keeps the scroll position when the text is replaced (a
 * refresh), clamped to the new length; the search is re-run on the new text. */
void pager_set_text(struct pager *p, const char *text);
size_t pager_line_count(const struct pager *p);
const char *pager_line(const struct pager *p, size_t i); /* NULL out of range */

/* Draws the visible window of text into win: lines from the scroll position, cut at
 * the window width after the horizontal offset, every search match in
 * THEME_SEARCH_MATCH. full false redraws only when the scroll position, the search or
 * the text changed since the last draw (otherwise writes nothing). Calls wnoutrefresh
 * only when something was written. */
void pager_draw(struct pager *p, WINDOW *win, bool full);

/* Motions: MOVE_UP/DOWN scroll one line, PAGE_*, HALF_PAGE_*, FIRST, LAST,
 * SCROLL_LEFT/RIGHT (by 8 columns). body_rows is the window height. Returns true when
 * req was a motion. */
bool pager_request(struct pager *p, enum request req, int body_rows);

/* Searches for pattern (smart case: case-insensitive unless it has an uppercase letter;
 * a POSIX extended regex when it holds a regex metacharacter, as core/rowview's
 * filter; an invalid regex falls back to a substring search and sets err). Moves to
 * the first match at or after the top line (wrapping), so that it is visible. Returns
 * the number of matching lines; 0 leaves the position unchanged ("Pattern not found").
 * NULL or "" clears the search. */
size_t pager_search(struct pager *p, const char *pattern, char *err, size_t errlen);
/* The next (forward) or previous match line, wrapping; false when there is no search
 * or no match. */
bool pager_search_next(struct pager *p, bool forward);
/* The current pattern ("" when none), the matching line count, and the 1-based index
 * of the current match line (0 when none): for "match 3/12" in the crumbs. */
const char *pager_search_pattern(const struct pager *p);
size_t pager_search_count(const struct pager *p);
size_t pager_search_current(const struct pager *p);

size_t pager_top(const struct pager *p);  /* first shown line */

#endif
