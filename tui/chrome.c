/* The console's chrome (tui/chrome.h): header, crumbs, message line and footer, each one
 * whole line rewritten per call and padded with its element's background. */
#include "tui/chrome.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/describe_text.h"
#include "core/request.h"
#include "core/strbuf.h"
#include "core/xalloc.h"
#include "tui/glyphs.h"
#include "tui/text.h"

/* Pads the line from column x to the window's width. */
static void pad(WINDOW *win, int x, attr_t attr)
{
	int width = getmaxx(win);
	if (x < width)
		mvwhline(win, 0, x, ' ' | (chtype)attr, width - x);
}

/* ---- header */

enum hseg { HSEG_APP, HSEG_CONTEXT, HSEG_IDENTITY, HSEG_NAMESPACE, HSEG_VERSION,
	    HSEG_BADGE, HSEG_INSECURE, HSEG_COUNT };

struct header_seg {
	const char *label; /* "ctx: " in THEME_HEADER */
	const char *value; /* in attr */
	attr_t attr;
	int maxw; /* columns left to the value once cut */
	bool on;
};

struct header_layout {
	struct header_seg seg[HSEG_COUNT];
	struct strbuf conn, detail; /* right side: the state, then ": detail" when room */
	attr_t conn_attr;
	bool conn_on, detail_on, conn_cuttable;
	int conn_maxw;
};

static int seg_width(const struct header_seg *s)
{
	int w = text_width(s->value);
	return text_width(s->label) + (w < s->maxw ? w : s->maxw);
}

static int left_width(const struct header_layout *l)
{
	int w = 0, n = 0;
	for (int i = 0; i < HSEG_COUNT; i++) {
		if (l->seg[i].on) {
			w += seg_width(&l->seg[i]) + (n ? 2 : 0);
			n++;
		}
	}
	return w;
}

static int right_width(const struct header_layout *l)
{
	if (!l->conn_on)
		return 0;
	int w = text_width(strbuf_str(&l->conn));
	w = w < l->conn_maxw ? w : l->conn_maxw;
	return w + (l->detail_on ? text_width(strbuf_str(&l->detail)) : 0);
}

static int header_width(const struct header_layout *l)
{
	int r = right_width(l);
	return left_width(l) + (r ? r + 2 : 0);
}

static void header_set(struct header_layout *l, enum hseg i, const char *label,
		       const char *value, enum theme_element el)
{
	l->seg[i] = (struct header_seg){label, value, theme_attr(el), text_width(value),
					value != NULL && *value};
}

static void header_conn(struct header_layout *l, const struct chrome_header *h)
{
	char buf[64];
	/* before the state, so that fitting drops the detail first and never the mark */
	if (h->stale && h->conn != CHROME_CONN_NONE) {
		/* kubectl's AGE form: "45s", "5m30s", "3h" */
		strbuf_puts(&l->conn, "stale ");
		describe_text_put_duration(&l->conn, h->stale_s < 0 ? 0 : h->stale_s);
		strbuf_printf(&l->conn, " %s ", glyphs_utf8() ? glyph(GLYPH_SPARK_NONE) : "-");
	}
	switch (h->conn) {
	case CHROME_CONN_NONE:
		return;
	case CHROME_CONN_OK:
	case CHROME_CONN_LOADING:
		strbuf_printf(&l->conn, "%s %s", glyph(GLYPH_BULLET),
			      h->conn == CHROME_CONN_OK ? "connected" : "loading");
		l->conn_attr = theme_attr(THEME_CONNECTION_OK);
		break;
	case CHROME_CONN_RETRYING:
		snprintf(buf, sizeof buf, "retrying in %lds", h->retry_in_s < 0 ? 0 : h->retry_in_s);
		strbuf_puts(&l->conn, buf);
		if (h->conn_detail && *h->conn_detail)
			strbuf_printf(&l->detail, ": %s", h->conn_detail);
		l->conn_attr = theme_attr(THEME_CONNECTION_RETRY);
		break;
	case CHROME_CONN_DOWN:
		strbuf_printf(&l->conn, "%s %s", glyph(GLYPH_CROSS_MARK),
			      h->conn_detail && *h->conn_detail ? h->conn_detail : "down");
		l->conn_attr = theme_attr(THEME_CONNECTION_DOWN);
		l->conn_cuttable = true;
		break;
	}
	l->conn_on = true;
	l->detail_on = l->detail.len > 0;
	l->conn_maxw = text_width(strbuf_str(&l->conn));
}

/* Cuts a value so the line loses excess columns; drops it when less than two columns
 * (a character and the ellipsis) would remain. */
static void cut_seg(struct header_seg *s, int excess)
{
	int w = text_width(s->value);
	s->maxw = w - excess;
	if (s->maxw < 2)
		s->on = false;
}

/* Shrinks the header to width, least useful parts first; the context and the badge go
 * last because they say where a keypress lands and whether it can change anything. */
static void header_fit(struct header_layout *l, int width)
{
	for (int step = 0; header_width(l) > width && step < 9; step++) {
		int excess = header_width(l) - width;
		switch (step) {
		case 0: l->seg[HSEG_VERSION].on = false; break;
		case 1: l->detail_on = false; break;
		case 2: l->seg[HSEG_IDENTITY].on = false; break;
		case 3:
			if (l->seg[HSEG_NAMESPACE].on)
				cut_seg(&l->seg[HSEG_NAMESPACE], excess);
			break;
		case 4:
			if (l->conn_cuttable && l->conn_maxw - excess >= 4)
				l->conn_maxw -= excess;
			break;
		case 5: l->conn_on = false; break;
		case 6: l->seg[HSEG_APP].on = false; break;
		case 7:
			if (l->seg[HSEG_CONTEXT].on)
				cut_seg(&l->seg[HSEG_CONTEXT], excess);
			break;
		case 8: /* only the badges are left and they do not fit: cut them too */
			l->seg[HSEG_BADGE].maxw = width;
			l->seg[HSEG_INSECURE].maxw = width;
			break;
		}
	}
}

static int header_draw_left(WINDOW *win, const struct header_layout *l, int width)
{
	attr_t base = theme_attr(THEME_HEADER);
	int x = 0, n = 0;
	for (int i = 0; i < HSEG_COUNT; i++) {
		const struct header_seg *s = &l->seg[i];
		if (!s->on)
			continue;
		if (n++)
			x += text_put(win, "  ", width - x, base);
		x += text_put(win, s->label, width - x, base);
		int maxw = s->maxw < width - x ? s->maxw : width - x;
		x += text_put_cut(win, s->value, maxw, s->attr);
	}
	return x;
}

void chrome_draw_header(WINDOW *win, const struct chrome_header *h)
{
	int width = getmaxx(win);
	attr_t base = theme_attr(THEME_HEADER);
	struct header_layout l;
	memset(&l, 0, sizeof l);
	header_set(&l, HSEG_APP, "", "opsdeck", THEME_HEADER);
	header_set(&l, HSEG_CONTEXT, "ctx: ", h->context ? h->context : "-", h->env);
	header_set(&l, HSEG_IDENTITY, "user: ", h->identity, THEME_HEADER_IDENTITY);
	header_set(&l, HSEG_NAMESPACE, "ns: ", h->namespace, THEME_HEADER_NAMESPACE);
	header_set(&l, HSEG_VERSION, "k8s: ", h->version, THEME_HEADER);
	header_set(&l, HSEG_BADGE, "", h->audit ? "[AUDIT]" : h->readonly ? "[READ-ONLY]" : NULL,
		   THEME_BADGE_READONLY);
	header_set(&l, HSEG_INSECURE, "", h->insecure ? "[INSECURE]" : NULL,
		   THEME_BADGE_INSECURE);
	header_conn(&l, h);
	header_fit(&l, width);

	wmove(win, 0, 0);
	int x = header_draw_left(win, &l, width);
	int rw = right_width(&l);
	pad(win, x, base);
	if (rw && x + 2 + rw <= width) {
		wmove(win, 0, width - rw);
		int used = text_put_cut(win, strbuf_str(&l.conn), l.conn_maxw, l.conn_attr);
		if (l.detail_on)
			text_put(win, strbuf_str(&l.detail), rw - used, l.conn_attr);
	}
	strbuf_free(&l.conn);
	strbuf_free(&l.detail);
	wnoutrefresh(win);
}

/* ---- crumbs */

/* Columns of crumbs[first..n) joined by the separator, with "… › " when first > 0. */
static int crumbs_width(const char *const *crumbs, size_t n, size_t first, int sepw)
{
	int w = first > 0 ? text_width(glyph(GLYPH_ELLIPSIS)) + sepw : 0;
	for (size_t i = first; i < n; i++)
		w += text_width(crumbs[i]) + (i > first ? sepw : 0);
	return w;
}

void chrome_draw_crumbs(WINDOW *win, const char *const *crumbs, size_t n, const char *right)
{
	int width = getmaxx(win);
	attr_t attr = theme_attr(THEME_CRUMBS), active = theme_attr(THEME_CRUMB_ACTIVE);
	char sep[16];
	snprintf(sep, sizeof sep, " %s ", glyph(GLYPH_CRUMB_SEP));
	int sepw = text_width(sep);
	int rw = right && *right ? text_width(right) : 0;
	int avail = width;
	/* the position text yields to the crumbs when both cannot be shown legibly */
	if (rw && rw + 2 + (n ? 8 : 0) <= width)
		avail = width - rw - 2;
	else
		rw = 0;
	size_t first = 0;
	while (first + 1 < n && crumbs_width(crumbs, n, first, sepw) > avail)
		first++;

	wmove(win, 0, 0);
	int x = 0;
	if (first > 0) {
		x += text_put(win, glyph(GLYPH_ELLIPSIS), avail - x, attr);
		x += text_put(win, sep, avail - x, attr);
	}
	for (size_t i = first; i < n; i++) {
		if (i > first)
			x += text_put(win, sep, avail - x, attr);
		x += text_put_cut(win, crumbs[i], avail - x, i + 1 == n ? active : attr);
	}
	pad(win, x, attr);
	if (rw) {
		wmove(win, 0, width - rw);
		text_put(win, right, rw, attr);
	}
	wnoutrefresh(win);
}

/* ---- message line */

void chrome_draw_flash(WINDOW *win, enum chrome_flash level, const char *text)
{
	static const enum theme_element els[] = {
		[CHROME_FLASH_INFO] = THEME_FLASH_INFO,
		[CHROME_FLASH_WARN] = THEME_FLASH_WARN,
		[CHROME_FLASH_ERROR] = THEME_FLASH_ERROR,
	};
	int width = getmaxx(win);
	int x = 0;
	attr_t attr = theme_attr(THEME_DEFAULT);
	if (text && *text) {
		enum theme_element el = (unsigned)level <= CHROME_FLASH_ERROR ? els[level]
									    : THEME_FLASH_INFO;
		attr = theme_attr(el);
		wmove(win, 0, 0);
		x = text_put_cut(win, text, width, attr);
	}
	pad(win, x, attr);
	wnoutrefresh(win);
}

/* ---- footer */

void chrome_draw_footer(WINDOW *win, const struct keymap_help_item *items, size_t n)
{
	int width = getmaxx(win);
	attr_t attr = theme_attr(THEME_FOOTER), key_attr = theme_attr(THEME_FOOTER_KEY);
	int x = 0;
	wmove(win, 0, 0);
	for (size_t i = 0; i < n; i++) {
		const struct keymap_help_item *it = &items[i];
		if (!(request_flags(it->req) & REQ_FOOTER) || it->nkeys == 0)
			continue;
		char name[KEYMAP_KEY_NAME_MAX], key[KEYMAP_KEY_NAME_MAX + 2];
		keymap_key_name(it->keys[0], name, sizeof name);
		if (!name[0])
			continue;
		snprintf(key, sizeof key, "<%s>", name);
		const char *hint = request_name(it->req);
		int sep = x > 0 ? 2 : 0;
		int w = sep + text_width(key) + 1 + text_width(hint);
		if (x + w > width)
			break; /* never a cut item: the rest would mislead */
		x += text_put(win, sep ? "  " : "", sep, attr);
		x += text_put(win, key, width - x, key_attr);
		x += text_put(win, " ", width - x, attr);
		x += text_put(win, hint, width - x, attr);
	}
	pad(win, x, attr);
	wnoutrefresh(win);
}
