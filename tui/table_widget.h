/* The table widget: draws a rowview into a window (a header line, then one line per
 * row), keeps the selection visible, scrolls columns sideways, and redraws only the
 * rows that changed since the last draw. Motions (up, down, pages, first, last, left,
 * right) are handled here so every table view moves the same way. */
#ifndef OPSDECK_TUI_TABLE_WIDGET_H
#define OPSDECK_TUI_TABLE_WIDGET_H

#include "tui/theme.h" /* curses.h with the wide-character API */

#include <stdbool.h>
#include <stddef.h>

#include "core/request.h"
#include "core/rowview.h"

struct table_widget;

/* The element a cell is drawn with (status colours); THEME_ROW for plain cells. Called
 * only for visible cells; row and col index the rowview's shown rows and displayed
 * columns. The selected row is always drawn with THEME_ROW_SELECTED whatever this says. */
typedef enum theme_element (*table_widget_style_fn)(void *ud, const struct rowview *rv,
						    size_t row, size_t col);
/* True when shown row `row` is marked (drawn with THEME_ROW_MARKED and a mark glyph). */
typedef bool (*table_widget_marked_fn)(void *ud, const struct rowview *rv, size_t row);

struct table_widget *table_widget_new(void);
void table_widget_free(struct table_widget *tw);

/* Optional hooks; NULL fn removes them. */
void table_widget_set_style(struct table_widget *tw, table_widget_style_fn fn, void *ud);
void table_widget_set_marked(struct table_widget *tw, table_widget_marked_fn fn, void *ud);

/* Wide: also show columns with priority > 0 (as kubectl -o wide). Off by default, and
 * then they are shown only when every column fits the window. */
void table_widget_set_wide(struct table_widget *tw, bool wide);
bool table_widget_wide(const struct table_widget *tw);

/* The line shown centred in the body when the rowview has no rows ("Loading…", "No
 * pods in payments-prd", an error); copied; NULL means none. */
void table_widget_set_empty_text(struct table_widget *tw, const char *text);

/* Draws rv into win, which the widget owns for the call: line 0 is the column header
 * (THEME_TABLE_HEADER, the sorted column marked with the SORT_ASC/SORT_DESC glyph), the
 * other lines show rows from the scroll position. Column widths are the widest of the
 * header and the cells (computed over all rows when the layout generation moved, grown
 * as changed rows come in, never shrunk between layouts so columns do not jitter),
 * cells are cut with the ELLIPSIS glyph, widths counted in terminal columns (wcwidth).
 * With full false, only rows that changed since the previous draw (rowview
 * generations), the rows whose selection state changed, and the header when the sort
 * changed are rewritten; untouched lines are left as they are so ncurses sends nothing
 * for them. full true (first draw, resize, a view switch, Ctrl-L) rewrites every line.
 * Adjusts the scroll position so rowview_selected(rv) is visible. Calls wnoutrefresh
 * only when something was written (never doupdate). */
void table_widget_draw(struct table_widget *tw, WINDOW *win, struct rowview *rv, bool full);

/* Handles the motion requests (MOVE_UP/DOWN, PAGE_UP/DOWN, HALF_PAGE_UP/DOWN, FIRST,
 * LAST, SCROLL_LEFT/RIGHT) against rv, a page being body_rows - 1 rows (the header line
 * excluded). Changes rv's selection (rowview_select) or the horizontal offset. Returns
 * true when req was a motion (handled, even at an edge), false otherwise. */
bool table_widget_request(struct table_widget *tw, struct rowview *rv, enum request req,
			  int body_rows);

/* First shown row (scroll position) and first shown column (horizontal scroll). A view
 * keeps its own widget, so each view keeps its selection and scroll. */
size_t table_widget_top(const struct table_widget *tw);
size_t table_widget_left(const struct table_widget *tw);

/* How many lines the last draw wrote (tests: a one-row change rewrites one or two). */
unsigned long table_widget_lines_written(const struct table_widget *tw);

#endif
