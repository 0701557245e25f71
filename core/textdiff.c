/* Unified line diffs (core/textdiff.h): Myers' O(ND) search over line ids, changes slid
 * into GNU diff's canonical places, then hunks printed exactly as `diff -u` prints them. */
#include "core/textdiff.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "core/xalloc.h"

struct tline {
	const char *s;
	size_t len;   /* without the '\n' */
	bool eol;     /* ends with '\n': only the last line of a text may not */
};

/* One side of the comparison: its lines, their ids (equal ids = equal lines), and which
 * lines are changed. `chg` has a zero sentinel on each side so slides need no checks. */
struct side {
	struct tline *lines;
	int *ids;
	size_t n;
	unsigned char *chg_mem;
	unsigned char *chg;   /* chg_mem + 1 */
};

static size_t split_lines(const char *text, struct tline **out)
{
	size_t n = 0, cap = 0;
	struct tline *lines = NULL;
	const char *p = text ? text : "";
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		lines = xgrow(lines, &cap, n + 1, sizeof(*lines));
		lines[n++] = (struct tline){p, len, nl != NULL};
		p += len + (nl != NULL);
	}
	*out = lines;
	return n;
}

static uint64_t line_hash(const struct tline *l)
{
	uint64_t h = 1469598103934665603ULL;   /* FNV-1a */
	for (size_t i = 0; i < l->len; i++)
		h = (h ^ (unsigned char)l->s[i]) * 1099511628211ULL;
	return (h ^ l->eol) * 1099511628211ULL;
}

static bool line_equal(const struct tline *x, const struct tline *y)
{
	return x->len == y->len && x->eol == y->eol && memcmp(x->s, y->s, x->len) == 0;
}

/* Gives equal lines of both sides equal ids, so the search compares ints, not bytes. */
static void assign_ids(struct side *sa, struct side *sb)
{
	size_t total = sa->n + sb->n, cap = 16;
	while (cap < total * 2)
		cap <<= 1;
	const struct tline **slot = xcalloc(cap, sizeof(*slot));
	int *slot_id = xmalloc(cap * sizeof(*slot_id));
	int next_id = 0;
	struct side *sides[2] = {sa, sb};
	for (int s = 0; s < 2; s++) {
		sides[s]->ids = xmalloc((sides[s]->n + 1) * sizeof(int));
		for (size_t i = 0; i < sides[s]->n; i++) {
			const struct tline *l = &sides[s]->lines[i];
			size_t h = (size_t)line_hash(l) & (cap - 1);
			while (slot[h] && !line_equal(slot[h], l))
				h = (h + 1) & (cap - 1);
			if (!slot[h]) {
				slot[h] = l;
				slot_id[h] = next_id++;
			}
			sides[s]->ids[i] = slot_id[h];
		}
	}
	free(slot);
	free(slot_id);
}

/* Myers' search keeps, for every edit count d, the furthest x reached on each diagonal
 * k = x - y in [-d, d]: row d lives at trace[d*d + d + k]; -1 marks an unreachable
 * diagonal. The whole trace is kept so the path can be walked back. */
struct search {
	const int *a, *b;
	long n, m;
	int *trace;
	size_t cap;
};

static long trace_get(const struct search *s, long d, long k)
{
	if (d < 0 || k < -d || k > d)
		return -1;
	return s->trace[d * d + d + k];
}

/* Where the d-th edit on diagonal k starts from: down (an insertion, from k+1) or right
 * (a deletion, from k-1), whichever reaches further, insertion on ties as in the paper.
 * Returns x after the edit (before the snake), -1 when neither move stays in bounds. */
static long search_step(const struct search *s, long d, long k, bool *down)
{
	long right = trace_get(s, d - 1, k - 1);
	long below = trace_get(s, d - 1, k + 1);
	long rx = (right >= 0 && right < s->n) ? right + 1 : -1;
	long dx = (below >= 0 && below - (k + 1) < s->m) ? below : -1;
	*down = dx >= rx;
	return *down ? dx : rx;
}

/* Walks the path ending at (x, y) after d edits back to (0, 0), marking its edits. */
static void search_mark(const struct search *s, long d, long x, long y,
			unsigned char *ca, unsigned char *cb)
{
	for (; d > 0; d--) {
		bool down;
		long k = x - y;
		search_step(s, d, k, &down);
		long pk = down ? k + 1 : k - 1;
		x = trace_get(s, d - 1, pk);
		y = x - pk;
		if (down)
			cb[y] = 1;
		else
			ca[x] = 1;
	}
}

/* Searches a[0..n) x b[0..m) with at most `cap` edits and marks the edits of the path
 * it ends on: the shortest script when it reaches (n, m), else the path that got
 * furthest. Stores how far that path got in *px, *py. */
static void search_round(struct search *s, long cap, unsigned char *ca, unsigned char *cb,
			 long *px, long *py)
{
	long best_x = 0, best_y = 0, best_d = 0;
	for (long d = 0; d <= cap; d++) {
		s->trace = xgrow(s->trace, &s->cap, (size_t)((d + 1) * (d + 1)), sizeof(int));
		best_x = -1;
		for (long k = -d; k <= d; k += 2) {
			bool down;
			long x = d == 0 ? 0 : search_step(s, d, k, &down);
			long y = x - k;
			if (x >= 0)
				while (x < s->n && y < s->m && s->a[x] == s->b[y])
					x++, y++;
			s->trace[d * d + d + k] = (int)x;
			if (x >= 0 && (best_x < 0 || x + y > best_x + best_y)) {
				best_x = x;
				best_y = y;
				best_d = d;
			}
			if (x == s->n && y == s->m) {
				search_mark(s, d, x, y, ca, cb);
				*px = x;
				*py = y;
				return;
			}
		}
	}
	search_mark(s, best_d, best_x, best_y, ca, cb);
	*px = best_x;
	*py = best_y;
}

/* Marks changed lines on both sides: common prefix and suffix first (cheap, and most
 * manifests differ in a few fields), then bounded search rounds over the middle. */
static void diff_mark(struct side *sa, struct side *sb)
{
	struct search s = {0};
	size_t ia = 0, ib = 0, ea = sa->n, eb = sb->n;
	for (;;) {
		while (ia < ea && ib < eb && sa->ids[ia] == sb->ids[ib])
			ia++, ib++;
		while (ia < ea && ib < eb && sa->ids[ea - 1] == sb->ids[eb - 1])
			ea--, eb--;
		if (ia == ea || ib == eb) {
			memset(sa->chg + ia, 1, ea - ia);
			memset(sb->chg + ib, 1, eb - ib);
			break;
		}
		s.a = sa->ids + ia;
		s.b = sb->ids + ib;
		s.n = (long)(ea - ia);
		s.m = (long)(eb - ib);
		long px, py;
		search_round(&s, TEXTDIFF_MAX_EDITS, sa->chg + ia, sb->chg + ib, &px, &py);
		ia += (size_t)px;
		ib += (size_t)py;
		if (ia == ea && ib == eb)
			break;
	}
	free(s.trace);
}

/* Equal-cost scripts differ in where a run of changes sits among equal lines ("a\nb\na"
 * vs "a"): GNU diff slides each run down as far as it goes, merging with runs it meets,
 * then back up to line up with a run of changes on the other side if it passed one.
 * Doing the same makes our hunks match `diff -u` byte for byte. `j` follows the
 * position on the other side that lines up with position `i` on this one. */
static void slide_runs(struct side *me, const struct side *other)
{
	unsigned char *chg = me->chg;
	const unsigned char *oth = other->chg;
	const int *ids = me->ids;
	long n = (long)me->n, i = 0, j = 0;
	for (;;) {
		for (; i < n && !chg[i]; i++, j++)
			while (oth[j])
				j++;
		if (i == n)
			break;
		long start = i, run, lined_up;
		while (chg[++i])
			;
		while (oth[j])
			j++;
		do {
			run = i - start;
			/* up while the line above equals the run's last line */
			while (start > 0 && ids[start - 1] == ids[i - 1]) {
				chg[--start] = 1;
				chg[--i] = 0;
				while (chg[start - 1])
					start--;
				while (oth[--j])
					;
			}
			lined_up = oth[j - 1] ? i : n;
			/* down while the run's first line equals the line below */
			while (i < n && ids[start] == ids[i]) {
				chg[start++] = 0;
				chg[i++] = 1;
				while (chg[i])
					i++;
				while (oth[++j])
					lined_up = i;
			}
		} while (run != i - start);
		while (lined_up < i) {
			chg[--start] = 1;
			chg[--i] = 0;
			while (oth[--j])
				;
		}
	}
}

/* A run of changes: del lines from a at ia, ins lines from b at ib. */
struct change {
	size_t ia, del, ib, ins;
};

static size_t collect_changes(const struct side *sa, const struct side *sb,
			      struct change **out)
{
	struct change *ch = NULL;
	size_t count = 0, cap = 0, i = 0, j = 0;
	while (i < sa->n || j < sb->n) {
		if (!sa->chg[i] && !sb->chg[j]) {
			i++, j++;
			continue;
		}
		struct change c = {i, 0, j, 0};
		while (sa->chg[i])
			i++, c.del++;
		while (sb->chg[j])
			j++, c.ins++;
		ch = xgrow(ch, &cap, count + 1, sizeof(*ch));
		ch[count++] = c;
	}
	*out = ch;
	return count;
}

/* GNU's range: "start,count", the count left out when 1, start the line before an empty
 * range. `first` is 0-based. */
static void put_range(struct strbuf *sb, size_t first, size_t count)
{
	if (count == 1)
		strbuf_printf(sb, "%zu", first + 1);
	else
		strbuf_printf(sb, "%zu,%zu", count ? first + 1 : first, count);
}

static void put_line(struct strbuf *sb, char op, const struct tline *l)
{
	strbuf_putc(sb, op);
	strbuf_append(sb, l->s, l->len);
	strbuf_putc(sb, '\n');
	if (!l->eol)
		strbuf_puts(sb, "\\ No newline at end of file\n");
}

/* Prints changes [c, end) as one hunk with `ctx` lines around. */
static void put_hunk(struct strbuf *sb, const struct side *sa, const struct side *sb_,
		     const struct change *c, const struct change *end, size_t ctx)
{
	const struct change *last = end - 1;
	size_t lead = c->ia < ctx ? c->ia : ctx;
	if (c->ib < lead)
		lead = c->ib;
	size_t a0 = c->ia - lead, b0 = c->ib - lead;
	size_t a1 = last->ia + last->del + ctx, b1 = last->ib + last->ins + ctx;
	size_t trail = 0;
	if (a1 > sa->n)
		trail = a1 - sa->n;
	if (b1 > sb_->n && b1 - sb_->n > trail)
		trail = b1 - sb_->n;
	a1 -= trail;
	b1 -= trail;
	strbuf_puts(sb, "@@ -");
	put_range(sb, a0, a1 - a0);
	strbuf_puts(sb, " +");
	put_range(sb, b0, b1 - b0);
	strbuf_puts(sb, " @@\n");
	size_t i = a0, j = b0;
	for (; c < end; c++) {
		for (; i < c->ia; i++, j++)
			put_line(sb, ' ', &sa->lines[i]);
		for (; i < c->ia + c->del; i++)
			put_line(sb, '-', &sa->lines[i]);
		for (; j < c->ib + c->ins; j++)
			put_line(sb, '+', &sb_->lines[j]);
	}
	for (; i < a1; i++, j++)
		put_line(sb, ' ', &sa->lines[i]);
}

static void side_init(struct side *s, const char *text)
{
	s->n = split_lines(text, &s->lines);
	s->chg_mem = xcalloc(s->n + 2, 1);
	s->chg = s->chg_mem + 1;
}

static void side_free(struct side *s)
{
	free(s->lines);
	free(s->ids);
	free(s->chg_mem);
}

char *textdiff_unified(const char *a, const char *b, const char *a_label, const char *b_label,
		       int context)
{
	struct side sa, sb;
	side_init(&sa, a);
	side_init(&sb, b);
	assign_ids(&sa, &sb);
	diff_mark(&sa, &sb);
	slide_runs(&sa, &sb);
	slide_runs(&sb, &sa);
	struct change *ch;
	size_t count = collect_changes(&sa, &sb, &ch);
	struct strbuf out = STRBUF_INIT;
	size_t ctx = context > 0 ? (size_t)context : 0;
	if (count)
		strbuf_printf(&out, "--- %s\n+++ %s\n", a_label ? a_label : "a",
			      b_label ? b_label : "b");
	for (size_t h = 0; h < count;) {
		size_t e = h + 1;
		/* GNU joins changes whose context would touch or overlap */
		while (e < count && ch[e].ia - (ch[e - 1].ia + ch[e - 1].del) <= 2 * ctx)
			e++;
		put_hunk(&out, &sa, &sb, ch + h, ch + e, ctx);
		h = e;
	}
	free(ch);
	side_free(&sa);
	side_free(&sb);
	return strbuf_detach(&out);
}

/* Reads the two counts of "@@ -l[,s] +l[,s] @@"; a missing ",s" means 1. */
static bool parse_hunk_header(const char *p, size_t len, long *old_n, long *new_n)
{
	const char *end = p + len;
	if (len < 4 || strncmp(p, "@@ -", 4) != 0)
		return false;
	long *dst[2] = {old_n, new_n};
	p += 4;
	for (int f = 0; f < 2; f++) {
		char *q;
		strtol(p, &q, 10);
		if (q == p || q >= end)
			return false;
		*dst[f] = 1;
		if (*q == ',') {
			p = q + 1;
			*dst[f] = strtol(p, &q, 10);
			if (q == p || q >= end)
				return false;
		}
		if (f == 0 && (end - q < 2 || q[0] != ' ' || q[1] != '+'))
			return false;
		p = q + 2;
	}
	return true;
}

/* What a line is: inside a hunk its first byte says; outside, only "@@ -" starts one. */
static char classify_line(const char *s, size_t len, long *old_left, long *new_left)
{
	bool in_hunk = *old_left > 0 || *new_left > 0;
	char c = len ? s[0] : ' ';
	if (c == '\\')
		return '\\';
	if (in_hunk && (c == ' ' || c == '-' || c == '+' || len == 0)) {
		if (c != '+')
			--*old_left;
		if (c != '-')
			--*new_left;
		return c;
	}
	if (parse_hunk_header(s, len, old_left, new_left))
		return '@';
	*old_left = *new_left = 0;
	return 'h';
}

struct textdiff_line *textdiff_lines(const char *unified, size_t *count)
{
	struct textdiff_line *lines = NULL;
	size_t n = 0, cap = 0;
	long old_left = 0, new_left = 0;
	const char *p = unified ? unified : "";
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		lines = xgrow(lines, &cap, n + 1, sizeof(*lines));
		lines[n].op = classify_line(p, len, &old_left, &new_left);
		lines[n].text = p;
		lines[n].len = len;
		n++;
		p += len + (nl != NULL);
	}
	*count = n;
	return lines;
}

void textdiff_lines_free(struct textdiff_line *lines)
{
	free(lines);
}
