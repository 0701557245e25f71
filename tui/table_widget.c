/* The table widget (tui/table_widget.h): column layout over a rowview, selection and
 * scrolling, and a record of what each screen line shows so that a frame rewrites only
 * the lines whose content changed (an idle console writes nothing). */
#include "tui/table_widget.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "tui/glyphs.h"
#include "tui/text.h"

enum {
	COL_CAP = 60,        /* a column wider than this is cut (except the last shown) */
	COL_GAP = 2,         /* spaces between columns */
};

/* What one body line shows, to tell whether the next frame must rewrite it. */
struct line_state {
	const struct store_row *row;   /* NULL: a blank line */
	unsigned long long gen;        /* the row's store generation when drawn */
	bool selected, marked;
	bool valid;                    /* false: unknown, rewrite it */
};

struct table_widget {
	table_widget_style_fn style;
	void *style_ud;
	table_widget_marked_fn marked;
	void *marked_ud;
	bool wide;
	char *empty_text;
	size_t top, left;
	unsigned long lines_written;

	size_t *widths;                /* natural width of each rowview column */
	size_t nwidths;
	size_t *disp;                  /* rowview columns displayed (wide or not) */
	size_t ndisp, disp_cap;
	bool have_layout;
	unsigned long long layout_gen; /* rowview layout generation the widths are for */
	unsigned long long drawn_gen;  /* rowview generation at the last draw */

	int sort_col;                  /* sort shown by the header as drawn */
	bool sort_rev, header_valid;
	WINDOW *win;                   /* the window and size of the last draw */
	int rows, cols;
	struct line_state *lines;      /* one per body line */
	bool drawn_empty;              /* the empty text is on screen */
	bool dirty;                    /* rewrite everything (options or columns moved) */
};

struct table_widget *table_widget_new(void)
{
	struct table_widget *tw = xcalloc(1, sizeof(*tw));
	tw->dirty = true;
	return tw;
}

void table_widget_free(struct table_widget *tw)
{
	if (!tw)
		return;
	free(tw->empty_text);
	free(tw->widths);
	free(tw->disp);
	free(tw->lines);
	free(tw);
}

void table_widget_set_style(struct table_widget *tw, table_widget_style_fn fn, void *ud)
{
	tw->style = fn;
	tw->style_ud = fn ? ud : NULL;
	tw->dirty = true;
}

void table_widget_set_marked(struct table_widget *tw, table_widget_marked_fn fn, void *ud)
{
	tw->marked = fn;
	tw->marked_ud = fn ? ud : NULL;
	tw->dirty = true;
}

void table_widget_set_wide(struct table_widget *tw, bool wide)
{
	if (tw->wide != wide)
		tw->dirty = true;
	tw->wide = wide;
}

bool table_widget_wide(const struct table_widget *tw)
{
	return tw->wide;
}

void table_widget_set_empty_text(struct table_widget *tw, const char *text)
{
	const char *old = tw->empty_text ? tw->empty_text : "";
	if (strcmp(old, text ? text : "") != 0)
		tw->dirty = true;
	free(tw->empty_text);
	tw->empty_text = text ? xstrdup(text) : NULL;
}

size_t table_widget_top(const struct table_widget *tw)
{
	return tw->top;
}

size_t table_widget_left(const struct table_widget *tw)
{
	return tw->left;
}

unsigned long table_widget_lines_written(const struct table_widget *tw)
{
	return tw->lines_written;
}

/* ---- columns --------------------------------------------------------------------- */

static size_t header_width(const struct rowview *rv, size_t col)
{
	size_t w = (size_t)text_width(rowview_column_name(rv, col));
	return rowview_sort_column(rv) == (int)col ? w + 1 : w;
}

/* True when every rowview column, wide ones included, fits the last drawn width: a
 * 200-column terminal then shows IP and NODE without ctrl-w, as k9s does. */
static bool all_columns_fit(const struct table_widget *tw, size_t n)
{
	if (tw->nwidths != n || tw->cols <= 0)
		return false;
	size_t total = 1;
	for (size_t c = 0; c < n; c++) {
		size_t w = tw->widths[c];
		total += (c + 1 < n && w > COL_CAP ? COL_CAP : w) + (c ? COL_GAP : 0);
	}
	return total <= (size_t)tw->cols;
}

/* The rowview columns to display: priority > 0 only when wide or when all fit. Returns
 * true when the set changed (every line must be rewritten). */
static bool columns_select(struct table_widget *tw, const struct rowview *rv)
{
	size_t n = rowview_ncols(rv);
	size_t old_n = tw->ndisp, old_last = tw->ndisp ? tw->disp[tw->ndisp - 1] : 0;
	bool all = tw->wide || all_columns_fit(tw, n);
	tw->disp = xgrow(tw->disp, &tw->disp_cap, n + 1, sizeof(*tw->disp));
	tw->ndisp = 0;
	for (size_t c = 0; c < n; c++)
		if (all || rowview_column_priority(rv, c) <= 0)
			tw->disp[tw->ndisp++] = c;
	if (tw->left >= tw->ndisp)
		tw->left = tw->ndisp ? tw->ndisp - 1 : 0;
	return tw->ndisp != old_n || (tw->ndisp && tw->disp[tw->ndisp - 1] != old_last);
}

/* Widens the columns to fit shown row i; true when one grew. */
static bool widths_grow_row(struct table_widget *tw, const struct rowview *rv, size_t i)
{
	bool grew = false;
	for (size_t c = 0; c < tw->nwidths; c++) {
		size_t w = (size_t)text_width(rowview_cell(rv, i, c));
		if (w > tw->widths[c]) {
			tw->widths[c] = w;
			grew = true;
		}
	}
	return grew;
}

/* Recomputes every width over the header and all rows; true when any changed. */
static bool widths_compute(struct table_widget *tw, const struct rowview *rv)
{
	size_t n = rowview_ncols(rv);
	size_t *old = tw->widths, nold = tw->nwidths;
	tw->widths = xcalloc(n + 1, sizeof(*tw->widths));
	tw->nwidths = n;
	for (size_t c = 0; c < n; c++)
		tw->widths[c] = header_width(rv, c);
	for (size_t i = 0; i < rowview_count(rv); i++)
		widths_grow_row(tw, rv, i);
	bool changed = n != nold || (n && memcmp(old, tw->widths, n * sizeof(*old)) != 0);
	free(old);
	return changed;
}

/* The width given to displayed column k: capped, except the last one. */
static int column_width(const struct table_widget *tw, size_t k)
{
	size_t w = tw->widths[tw->disp[k]];
	if (k + 1 < tw->ndisp && w > COL_CAP)
		w = COL_CAP;
	return w > 4096 ? 4096 : (int)w;
}

/* ---- drawing --------------------------------------------------------------------- */

typedef const char *(*cell_text_fn)(const struct rowview *rv, size_t row, size_t col,
				    char *buf, size_t len);

static const char *cell_of_row(const struct rowview *rv, size_t row, size_t col, char *buf,
			       size_t len)
{
	(void)buf;
	(void)len;
	return rowview_cell(rv, row, col);
}

/* The header text of col: the name in capitals, the sort glyph after the sorted one. */
static const char *cell_of_header(const struct rowview *rv, size_t row, size_t col,
				  char *buf, size_t len)
{
	(void)row;
	const char *name = rowview_column_name(rv, col);
	size_t n = 0;
	for (; name[n] && n + 8 < len; n++)
		buf[n] = (char)toupper((unsigned char)name[n]);
	buf[n] = '\0';
	if (rowview_sort_column(rv) == (int)col)
		strcat(buf, glyph(rowview_sort_reverse(rv) ? GLYPH_SORT_DESC : GLYPH_SORT_ASC));
	return buf;
}

/* How a line is drawn: its base attributes (gaps, padding) and whether cells take
 * their own element from the style hook. */
struct line_look {
	attr_t base;
	bool styled;
	const char *lead;   /* what the leading column shows */
};

static void draw_cells(struct table_widget *tw, WINDOW *win, const struct rowview *rv,
		       size_t row, cell_text_fn text, const struct line_look *look)
{
	char buf[1024];
	int x = 1;
	wattrset(win, look->base);
	if (look->lead)
		waddstr(win, look->lead);
	else
		text_put_blank(win, 1, look->base);
	for (size_t k = tw->left; k < tw->ndisp && x < tw->cols; k++) {
		if (k > tw->left) {
			int gap = tw->cols - x < COL_GAP ? tw->cols - x : COL_GAP;
			text_put_blank(win, gap, look->base);
			if ((x += gap) >= tw->cols)
				break;
		}
		size_t c = tw->disp[k];
		int w = column_width(tw, k);
		if (w > tw->cols - x)
			w = tw->cols - x;
		attr_t a = look->base;
		if (look->styled)
			a = theme_attr(tw->style ? tw->style(tw->style_ud, rv, row, c) : THEME_ROW);
		int used = text_put_cut(win, text(rv, row, c, buf, sizeof(buf)), w, a);
		text_put_blank(win, w - used, look->base);
		x += w;
	}
	text_put_blank(win, tw->cols - x, look->base);
	tw->lines_written++;
}

static void draw_header(struct table_widget *tw, WINDOW *win, const struct rowview *rv)
{
	struct line_look look = {theme_attr(THEME_TABLE_HEADER), false, NULL};
	wmove(win, 0, 0);
	draw_cells(tw, win, rv, 0, cell_of_header, &look);
	tw->sort_col = rowview_sort_column(rv);
	tw->sort_rev = rowview_sort_reverse(rv);
	tw->header_valid = true;
}

static void draw_row(struct table_widget *tw, WINDOW *win, const struct rowview *rv,
		     size_t row, int y, const struct line_state *ls)
{
	struct line_look look = {theme_attr(THEME_ROW), true, NULL};
	if (ls->selected) {
		look.base = theme_attr(THEME_ROW_SELECTED);
		look.styled = false;
	} else if (ls->marked) {
		look.base = theme_attr(THEME_ROW_MARKED);
		look.styled = false;
	}
	if (ls->marked)
		look.lead = glyph(GLYPH_BULLET);
	wmove(win, y, 0);
	draw_cells(tw, win, rv, row, cell_of_row, &look);
}

static void draw_blank(struct table_widget *tw, WINDOW *win, int y)
{
	wmove(win, y, 0);
	text_put_blank(win, tw->cols, theme_attr(THEME_ROW));
	tw->lines_written++;
}

/* No rows: blank body, the empty text centred. Rewritten only when it was not shown. */
static void draw_empty(struct table_widget *tw, WINDOW *win, bool full)
{
	int body = tw->rows - 1, mid = 1 + (tw->rows - 1) / 2;
	if (!full && tw->drawn_empty)
		return;
	for (int y = 1; y <= body; y++) {
		draw_blank(tw, win, y);
		tw->lines[y - 1].valid = false;
	}
	if (tw->empty_text && *tw->empty_text && mid < tw->rows) {
		int w = text_width(tw->empty_text);
		int x = w < tw->cols ? (tw->cols - w) / 2 : 0;
		wmove(win, mid, x);
		text_put_cut(win, tw->empty_text, tw->cols - x, theme_attr(THEME_ROW));
	}
	tw->drawn_empty = true;
}

/* Keeps the selection visible, scrolling by the minimum, and no blank tail when the
 * rows would fill the window. */
static void scroll_adjust(struct table_widget *tw, const struct rowview *rv, size_t body)
{
	size_t count = rowview_count(rv), sel = rowview_selected(rv);
	if (body == 0) {
		tw->top = sel;
		return;
	}
	if (count <= body)
		tw->top = 0;
	else if (tw->top > count - body)
		tw->top = count - body;
	if (sel < tw->top)
		tw->top = sel;
	else if (sel >= tw->top + body)
		tw->top = sel - body + 1;
}

static void draw_rows(struct table_widget *tw, WINDOW *win, struct rowview *rv, bool full)
{
	size_t count = rowview_count(rv), sel = rowview_selected(rv);
	for (int y = 1; y < tw->rows; y++) {
		struct line_state *old = &tw->lines[y - 1], now = {NULL, 0, false, false, true};
		size_t i = tw->top + (size_t)(y - 1);
		if (i >= count) {
			if (full || !old->valid || old->row)
				draw_blank(tw, win, y);
			*old = now;
			continue;
		}
		now.row = rowview_row(rv, i);
		now.gen = now.row->gen;
		now.selected = i == sel;
		now.marked = tw->marked && tw->marked(tw->marked_ud, rv, i);
		if (full || !old->valid || old->row != now.row || old->gen != now.gen ||
		    old->selected != now.selected || old->marked != now.marked ||
		    rowview_row_changed_since(rv, i, tw->drawn_gen))
			draw_row(tw, win, rv, i, y, &now);
		*old = now;
	}
	tw->drawn_empty = false;
}

/* Brings the widths up to date; true when they moved (every line must be rewritten). */
static bool widths_update(struct table_widget *tw, const struct rowview *rv, size_t body)
{
	unsigned long long lg = rowview_layout_generation(rv);
	if (!tw->have_layout || lg != tw->layout_gen || tw->nwidths != rowview_ncols(rv)) {
		tw->have_layout = true;
		tw->layout_gen = lg;
		return widths_compute(tw, rv);
	}
	bool grew = false;
	for (size_t i = tw->top; i < tw->top + body && i < rowview_count(rv); i++)
		if (rowview_row_changed_since(rv, i, tw->drawn_gen))
			grew |= widths_grow_row(tw, rv, i);
	return grew;
}

void table_widget_draw(struct table_widget *tw, WINDOW *win, struct rowview *rv, bool full)
{
	int h, w;
	getmaxyx(win, h, w);
	tw->lines_written = 0;
	if (h <= 0 || w <= 0)
		return;
	if (win != tw->win || h != tw->rows || w != tw->cols) {
		free(tw->lines);
		tw->lines = xcalloc((size_t)h, sizeof(*tw->lines));
		tw->win = win;
		tw->rows = h;
		tw->cols = w;
		full = true;
	}
	full |= tw->dirty;
	size_t body = (size_t)h - 1;
	scroll_adjust(tw, rv, body);
	full |= widths_update(tw, rv, body);
	full |= columns_select(tw, rv);
	if (full || !tw->header_valid || tw->sort_col != rowview_sort_column(rv) ||
	    tw->sort_rev != rowview_sort_reverse(rv))
		draw_header(tw, win, rv);
	if (rowview_count(rv) == 0)
		draw_empty(tw, win, full);
	else
		draw_rows(tw, win, rv, full || tw->drawn_empty);
	tw->drawn_gen = rowview_generation(rv);
	tw->dirty = false;
	wattrset(win, A_NORMAL);
	if (tw->lines_written)
		wnoutrefresh(win);
}

/* ---- motions --------------------------------------------------------------------- */

static size_t sub_clamped(size_t a, size_t b)
{
	return a > b ? a - b : 0;
}

static bool scroll_columns(struct table_widget *tw, const struct rowview *rv, bool right)
{
	columns_select(tw, rv);
	if (right && tw->left + 1 < tw->ndisp) {
		tw->left++;
		tw->dirty = true;
	} else if (!right && tw->left > 0) {
		tw->left--;
		tw->dirty = true;
	}
	return true;
}

bool table_widget_request(struct table_widget *tw, struct rowview *rv, enum request req,
			  int body_rows)
{
	size_t page = body_rows > 2 ? (size_t)body_rows - 1 : 1;
	size_t half = page / 2 ? page / 2 : 1;
	size_t count = rowview_count(rv), sel = rowview_selected(rv), to;
	switch (req) {
	case REQ_MOVE_UP: to = sub_clamped(sel, 1); break;
	case REQ_MOVE_DOWN: to = sel + 1; break;
	case REQ_PAGE_UP: to = sub_clamped(sel, page); break;
	case REQ_PAGE_DOWN: to = sel + page; break;
	case REQ_HALF_PAGE_UP: to = sub_clamped(sel, half); break;
	case REQ_HALF_PAGE_DOWN: to = sel + half; break;
	case REQ_FIRST: to = 0; break;
	case REQ_LAST: to = count; break;
	case REQ_SCROLL_LEFT: return scroll_columns(tw, rv, false);
	case REQ_SCROLL_RIGHT: return scroll_columns(tw, rv, true);
	default: return false;
	}
	if (count) {
		if (to >= count)
			to = count - 1;
		if (to != sel)
			rowview_select(rv, to);
	}
	return true;
}
