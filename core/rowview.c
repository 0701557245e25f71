/* What a table view shows (see rowview.h): merged, filtered, sorted row references.
 * Full rebuilds sort precomputed keys; small updates take the changed rows out in one
 * pass and merge them back in sorted, O(n + k log k) with no re-sort of the rest. */
#include "core/rowview.h"

#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/textmatch.h"
#include "core/xalloc.h"

/* ---- type-aware cell comparison ------------------------------------------------- */

/* Cell classes in sort order: a column mixing classes still sorts consistently. */
enum cell_class { CELL_INT, CELL_RATIO, CELL_DURATION, CELL_DATE, CELL_STRING };

struct cell_key {
	enum cell_class cls;
	long long a, b;    /* INT: a; RATIO: a/b; DURATION: seconds; DATE: seconds, nanos */
	const char *s;     /* the cell, for strings */
};

static const char *parse_digits(const char *p, long long *out)
{
	long long v = 0;
	if (!isdigit((unsigned char)*p))
		return NULL;
	for (; isdigit((unsigned char)*p); p++)
		v = (v > (LLONG_MAX - 9) / 10) ? LLONG_MAX : v * 10 + (*p - '0');
	*out = v;
	return p;
}

/* kubectl's HumanDuration shapes: "5s", "3m12s", "4h", "2d5h", "45d", "2y", "2y3d". */
static bool parse_duration(const char *p, long long *secs)
{
	static const struct { char unit; long long mult; } units[] = {
		{ 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 }, { 'y', 365 * 86400LL },
	};
	long long total = 0, n;
	if (!*p)
		return false;
	while (*p) {
		p = parse_digits(p, &n);
		if (!p)
			return false;
		size_t u = 0;
		while (u < sizeof(units) / sizeof(units[0]) && units[u].unit != *p)
			u++;
		if (u == sizeof(units) / sizeof(units[0]) || n > LLONG_MAX / 4 / units[u].mult)
			return false;   /* not a duration, or absurd enough to overflow */
		if (total > LLONG_MAX - n * units[u].mult)
			return false;
		total += n * units[u].mult;
		p++;
	}
	*secs = total;
	return true;
}

static long long days_from_civil(long long y, unsigned m, unsigned d)
{
	y -= m <= 2;
	long long era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

/* RFC 3339: 2024-01-02T03:04:05[.frac](Z|+hh:mm|-hh:mm). */
static bool parse_date(const char *p, long long *secs, long long *nanos)
{
	int y, mo, d, h, mi, s, n = 0;
	if (sscanf(p, "%4d-%2d-%2d%*1[Tt ]%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &s, &n) != 6 ||
	    n != 19 || mo < 1 || mo > 12 || d < 1 || d > 31)
		return false;
	p += n;
	long long ns = 0, scale = 100000000;
	if (*p == '.') {
		for (p++; isdigit((unsigned char)*p); p++, scale /= 10)
			ns += (*p - '0') * scale;
	}
	long long off = 0;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int oh, om, m2 = 0;
		if (sscanf(p + 1, "%2d:%2d%n", &oh, &om, &m2) != 2 || m2 != 5)
			return false;
		off = (oh * 3600LL + om * 60) * (*p == '-' ? -1 : 1);
		p += 6;
	} else {
		return false;
	}
	if (*p)
		return false;
	*secs = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600LL + mi * 60 +
		s - off;
	*nanos = ns;
	return true;
}

static void cell_key_make(const char *cell, struct cell_key *k)
{
	const char *p;
	long long a, b;
	memset(k, 0, sizeof(*k));
	k->s = cell;
	k->cls = CELL_STRING;
	p = parse_digits(cell[0] == '-' ? cell + 1 : cell, &a);
	if (p && !*p) {
		k->cls = CELL_INT;
		k->a = cell[0] == '-' ? -a : a;
	} else if (p && cell[0] != '-' && strncmp(p, " (", 2) == 0 && p[strlen(p) - 1] == ')') {
		k->cls = CELL_INT;   /* restarts: "3 (5m ago)" sorts by the count */
		k->a = a;
	} else if (p && cell[0] != '-' && *p == '/' && (p = parse_digits(p + 1, &b)) && !*p) {
		k->cls = CELL_RATIO;
		k->a = a;
		k->b = b;
	} else if (parse_duration(cell, &a)) {
		k->cls = CELL_DURATION;
		k->a = a;
	} else if (parse_date(cell, &a, &b)) {
		k->cls = CELL_DATE;
		k->a = a;
		k->b = b;
	}
}

static int cmp_ll(long long x, long long y)
{
	return (x > y) - (x < y);
}

/* Natural order: digit runs compare as numbers, the rest case-insensitively; bytes
 * break ties so different strings never compare equal. */
static int cmp_natural(const char *a, const char *b)
{
	const char *pa = a, *pb = b;
	while (*pa && *pb) {
		if (isdigit((unsigned char)*pa) && isdigit((unsigned char)*pb)) {
			while (*pa == '0' && isdigit((unsigned char)pa[1]))
				pa++;
			while (*pb == '0' && isdigit((unsigned char)pb[1]))
				pb++;
			size_t la = 0, lb = 0;
			while (isdigit((unsigned char)pa[la]))
				la++;
			while (isdigit((unsigned char)pb[lb]))
				lb++;
			if (la != lb)
				return la < lb ? -1 : 1;
			int c = memcmp(pa, pb, la);
			if (c)
				return c;
			pa += la;
			pb += lb;
			continue;
		}
		int ca = tolower((unsigned char)*pa), cb = tolower((unsigned char)*pb);
		if (ca != cb)
			return ca - cb;
		pa++;
		pb++;
	}
	if (*pa || *pb)
		return *pa ? 1 : -1;
	return strcmp(a, b);
}

static int cell_key_cmp(const struct cell_key *x, const struct cell_key *y)
{
	if (x->cls != y->cls)
		return x->cls < y->cls ? -1 : 1;
	switch (x->cls) {
	case CELL_STRING:
		return cmp_natural(x->s, y->s);
	case CELL_RATIO: case CELL_DATE:
		return x->a != y->a ? cmp_ll(x->a, y->a) : cmp_ll(x->b, y->b);
	default:
		return cmp_ll(x->a, y->a);
	}
}

int rowview_compare_cells(const char *a, const char *b)
{
	struct cell_key x, y;
	cell_key_make(a ? a : "", &x);
	cell_key_make(b ? b : "", &y);
	return cell_key_cmp(&x, &y);
}

/* ---- the view -------------------------------------------------------------------- */

enum filter_kind { FILTER_NONE, FILTER_TEXT, FILTER_LABELS };

struct rowview {
	struct store **stores;
	size_t nstores, stores_cap;
	bool cluster_col_forced, namespace_col;
	const struct table *cols;        /* the columns shown after the virtual ones */
	/* filter */
	char *filter_text;
	enum filter_kind filter;
	bool invert;
	struct textmatch *match;         /* FILTER_TEXT */
	char *selector;
	/* sort */
	int sort_col;
	bool reverse;
	/* rows */
	struct store_row **shown;
	size_t nshown, shown_cap;
	struct store_row **compact, **merged;   /* buffers of small updates */
	size_t compact_cap, merged_cap;
	bool need_full;
	unsigned long long layout_gen;
	unsigned long long gen;          /* bumped by every update that changed anything */
	/* selection by identity */
	size_t sel;
	struct store *sel_store;
	char *sel_uid, *sel_ns, *sel_name;
};

struct rowview *rowview_new(void)
{
	struct rowview *rv = xcalloc(1, sizeof(*rv));
	rv->filter_text = xstrdup("");
	rv->sort_col = -1;
	rv->need_full = true;
	return rv;
}

static void filter_clear(struct rowview *rv)
{
	textmatch_free(rv->match);
	free(rv->selector);
	rv->match = NULL;
	rv->selector = NULL;
	rv->filter = FILTER_NONE;
	rv->invert = false;
}

static void selection_forget(struct rowview *rv)
{
	free(rv->sel_uid);
	free(rv->sel_ns);
	free(rv->sel_name);
	rv->sel_uid = rv->sel_ns = rv->sel_name = NULL;
	rv->sel_store = NULL;
}

void rowview_free(struct rowview *rv)
{
	if (!rv)
		return;
	filter_clear(rv);
	selection_forget(rv);
	free(rv->filter_text);
	free(rv->stores);
	free(rv->shown);
	free(rv->compact);
	free(rv->merged);
	free(rv);
}

void rowview_add_store(struct rowview *rv, struct store *s)
{
	rv->stores = xgrow(rv->stores, &rv->stores_cap, rv->nstores + 1, sizeof(*rv->stores));
	rv->stores[rv->nstores++] = s;
	rv->need_full = true;
}

void rowview_set_cluster_column(struct rowview *rv, bool on)
{
	rv->cluster_col_forced = on;
	rv->need_full = true;
}

void rowview_set_namespace_column(struct rowview *rv, bool on)
{
	rv->namespace_col = on;
	rv->need_full = true;
}

void rowview_invalidate(struct rowview *rv)
{
	rv->need_full = true;
}

/* ---- columns --------------------------------------------------------------------- */

/* A CLUSTER column when asked for, or when the stores come from more than one cluster
 * (several namespaces of one cluster are several stores, but one cluster). */
static bool has_cluster_col(const struct rowview *rv)
{
	if (rv->cluster_col_forced)
		return true;
	for (size_t i = 1; i < rv->nstores; i++)
		if (strcmp(store_cluster(rv->stores[i]), store_cluster(rv->stores[0])) != 0)
			return true;
	return false;
}

static size_t virtual_cols(const struct rowview *rv)
{
	return (has_cluster_col(rv) ? 1 : 0) + (rv->namespace_col ? 1 : 0);
}

size_t rowview_ncols(const struct rowview *rv)
{
	return virtual_cols(rv) + (rv->cols ? rv->cols->ncols : 0);
}

const char *rowview_column_name(const struct rowview *rv, size_t col)
{
	if (has_cluster_col(rv) && col-- == 0)
		return "CLUSTER";
	if (rv->namespace_col && col-- == 0)
		return "NAMESPACE";
	return rv->cols && col < rv->cols->ncols ? rv->cols->cols[col].name : "";
}

int rowview_column_priority(const struct rowview *rv, size_t col)
{
	size_t v = virtual_cols(rv);
	if (col < v || !rv->cols || col - v >= rv->cols->ncols)
		return 0;
	return rv->cols->cols[col - v].priority;
}

int rowview_column_index(const struct rowview *rv, const char *name)
{
	for (size_t c = 0; c < rowview_ncols(rv); c++)
		if (strcasecmp(rowview_column_name(rv, c), name) == 0)
			return (int)c;
	return -1;
}

static const char *cell_of(const struct rowview *rv, const struct store_row *row, size_t col)
{
	if (has_cluster_col(rv) && col-- == 0)
		return row->r.cluster ? row->r.cluster : "";
	if (rv->namespace_col && col-- == 0)
		return row->r.namespace;
	const struct table *own = store_columns(row->store);
	return own && col < own->ncols ? row->r.cells[col] : "";
}

/* The first synced store names the columns; a change means a full rebuild. */
static void columns_refresh(struct rowview *rv)
{
	const struct table *cols = NULL;
	for (size_t i = 0; i < rv->nstores && !cols; i++)
		cols = store_columns(rv->stores[i]);
	if (cols != rv->cols) {
		rv->cols = cols;
		rv->need_full = true;
	}
}

/* ---- filter ---------------------------------------------------------------------- */

bool rowview_set_filter(struct rowview *rv, const char *text, char *err, size_t errlen)
{
	filter_clear(rv);
	free(rv->filter_text);
	rv->filter_text = xstrdup(text ? text : "");
	rv->need_full = true;
	if (err && errlen)
		err[0] = '\0';
	const char *p = rv->filter_text;
	if (strncmp(p, "-l", 2) == 0 && (p[2] == ' ' || p[2] == '\t' || p[2] == '\0')) {
		p += 2;
		while (*p == ' ' || *p == '\t')
			p++;
		rv->filter = FILTER_LABELS;
		rv->selector = xstrdup(p);
		return true;
	}
	if (*p == '!') {
		rv->invert = true;
		p++;
	}
	if (!*p) {
		rv->invert = false;
		return true;
	}
	char why[128];
	rv->filter = FILTER_TEXT;
	if (textmatch_compile(&rv->match, p, why, sizeof(why)))
		return true;
	if (err && errlen)
		snprintf(err, errlen, "invalid regex (%s): matching \"%s\" as plain text", why, p);
	return false;
}

const char *rowview_label_selector(const struct rowview *rv)
{
	return rv->selector;
}

const char *rowview_filter(const struct rowview *rv)
{
	return rv->filter_text;
}

static bool row_matches(const struct rowview *rv, const struct store_row *row)
{
	if (rv->filter == FILTER_NONE || rv->filter == FILTER_LABELS)
		return true;
	bool hit = false;
	for (size_t c = 0; c < rowview_ncols(rv) && !hit; c++)
		hit = textmatch_find(rv->match, cell_of(rv, row, c), 0, NULL, NULL);
	return hit != rv->invert;
}

/* ---- sorting --------------------------------------------------------------------- */

struct keyed_row {
	struct cell_key k;
	struct store_row *row;
	bool by_location;   /* no sort column: cluster, namespace, name */
};

static int cmp_identity(const struct store_row *a, const struct store_row *b, bool by_location)
{
	const char *ca = a->r.cluster ? a->r.cluster : "", *cb = b->r.cluster ? b->r.cluster : "";
	int c;
	if (by_location) {
		if ((c = cmp_natural(ca, cb)) || (c = cmp_natural(a->r.namespace, b->r.namespace)))
			return c;
		if ((c = cmp_natural(a->r.name, b->r.name)))
			return c;
	} else {
		if ((c = cmp_natural(a->r.name, b->r.name)) ||
		    (c = cmp_natural(a->r.namespace, b->r.namespace)) || (c = cmp_natural(ca, cb)))
			return c;
	}
	return strcmp(a->r.uid, b->r.uid);
}

static int keyed_cmp(const void *pa, const void *pb)
{
	const struct keyed_row *a = pa, *b = pb;
	int c = a->by_location ? 0 : cell_key_cmp(&a->k, &b->k);
	return c ? c : cmp_identity(a->row, b->row, a->by_location);
}

static void keyed_make(const struct rowview *rv, struct store_row *row, struct keyed_row *out)
{
	memset(out, 0, sizeof(*out));
	out->row = row;
	/* A column that does not exist (yet: before the first sync) sorts by location. */
	out->by_location = rv->sort_col < 0 || (size_t)rv->sort_col >= rowview_ncols(rv);
	if (!out->by_location)
		cell_key_make(cell_of(rv, row, (size_t)rv->sort_col), &out->k);
}

/* <0 when a is shown before b. */
static int row_order(const struct rowview *rv, struct store_row *a, struct store_row *b)
{
	struct keyed_row ka, kb;
	keyed_make(rv, a, &ka);
	keyed_make(rv, b, &kb);
	int c = keyed_cmp(&ka, &kb);
	return rv->reverse ? -c : c;
}

void rowview_set_sort(struct rowview *rv, int col, bool reverse)
{
	rv->sort_col = col;
	rv->reverse = reverse;
	rv->need_full = true;
}

int rowview_sort_column(const struct rowview *rv) { return rv->sort_col; }
bool rowview_sort_reverse(const struct rowview *rv) { return rv->reverse; }

/* ---- rebuilding ------------------------------------------------------------------ */

static void shown_reserve(struct rowview *rv, size_t n)
{
	rv->shown = xgrow(rv->shown, &rv->shown_cap, n ? n : 1, sizeof(*rv->shown));
}

static void rebuild_full(struct rowview *rv)
{
	size_t total = 0, n = 0;
	for (size_t i = 0; i < rv->nstores; i++)
		total += store_count(rv->stores[i]);
	struct keyed_row *keys = xmalloc((total ? total : 1) * sizeof(*keys));
	for (size_t i = 0; i < rv->nstores; i++) {
		for (size_t j = 0; j < store_count(rv->stores[i]); j++) {
			struct store_row *row = store_row_at(rv->stores[i], j);
			if (row_matches(rv, row))
				keyed_make(rv, row, &keys[n++]);
		}
	}
	qsort(keys, n, sizeof(*keys), keyed_cmp);
	shown_reserve(rv, n);
	for (size_t i = 0; i < n; i++) {
		/* A total order reversed is the reversed comparison: same as row_order. */
		struct store_row *row = keys[rv->reverse ? n - 1 - i : i].row;
		rv->shown[i] = row;
		row->view_pos = i;
		row->view_gen = rv->gen;
	}
	rv->nshown = n;
	free(keys);
}

/* The first position in compact[0..n) whose row comes after key (binary search). */
static size_t insert_point(const struct rowview *rv, struct store_row **compact, size_t n,
			   struct store_row *key)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (row_order(rv, compact[mid], key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int keyed_cmp_reverse(const void *pa, const void *pb)
{
	return keyed_cmp(pb, pa);
}

/* Collects the changed rows that should be shown (keys) and marks every changed row
 * so the compaction pass drops its old place. Returns how many keys. */
static size_t changes_collect(struct rowview *rv, struct keyed_row *keys)
{
	size_t nk = 0;
	for (size_t i = 0; i < rv->nstores; i++) {
		struct store *s = rv->stores[i];
		for (size_t j = 0; j < store_changes_count(s); j++) {
			struct store_row *row = store_change_at(s, j);
			row->view_pos = SIZE_MAX;
			row->view_gen = rv->gen;
			if (!row->deleted && row_matches(rv, row))
				keyed_make(rv, row, &keys[nk++]);
		}
	}
	return nk;
}

/* Takes the changed rows out in one pass, sorts those still shown, and merges them
 * back by binary search: O(n + k log n) and no re-sort of unchanged rows. Returns true
 * when the order or membership changed. */
static bool rebuild_changes(struct rowview *rv, size_t nchanged)
{
	struct keyed_row *keys = xmalloc((nchanged ? nchanged : 1) * sizeof(*keys));
	size_t nk = changes_collect(rv, keys), nc = 0, nm = 0, from = 0;
	qsort(keys, nk, sizeof(*keys), rv->reverse ? keyed_cmp_reverse : keyed_cmp);
	rv->compact = xgrow(rv->compact, &rv->compact_cap, rv->nshown + 1, sizeof(*rv->compact));
	rv->merged = xgrow(rv->merged, &rv->merged_cap, rv->nshown + nk + 1, sizeof(*rv->merged));
	for (size_t i = 0; i < rv->nshown; i++)
		if (rv->shown[i]->view_pos != SIZE_MAX)
			rv->compact[nc++] = rv->shown[i];
	for (size_t k = 0; k < nk; k++) {
		size_t at = insert_point(rv, rv->compact, nc, keys[k].row);
		while (from < at)
			rv->merged[nm++] = rv->compact[from++];
		rv->merged[nm++] = keys[k].row;
	}
	while (from < nc)
		rv->merged[nm++] = rv->compact[from++];
	free(keys);
	bool moved = nm != rv->nshown ||
		     memcmp(rv->merged, rv->shown, nm * sizeof(*rv->merged)) != 0;
	struct store_row **tmp = rv->shown;
	size_t tcap = rv->shown_cap;
	rv->shown = rv->merged;
	rv->shown_cap = rv->merged_cap;
	rv->merged = tmp;
	rv->merged_cap = tcap;
	rv->nshown = nm;
	for (size_t i = 0; i < nm; i++)
		rv->shown[i]->view_pos = i;
	return moved;
}

/* ---- selection ------------------------------------------------------------------- */

static void selection_remember(struct rowview *rv)
{
	selection_forget(rv);
	if (rv->sel >= rv->nshown)
		rv->sel = rv->nshown ? rv->nshown - 1 : 0;
	if (!rv->nshown)
		return;
	const struct store_row *row = rv->shown[rv->sel];
	rv->sel_store = row->store;
	rv->sel_uid = xstrdup(row->r.uid);
	rv->sel_ns = xstrdup(row->r.namespace);
	rv->sel_name = xstrdup(row->r.name);
}

/* After a rebuild: the same object if still shown, else the row at the old index. */
static void selection_resolve(struct rowview *rv)
{
	if (rv->sel_store) {
		struct store_row *row = store_row_find(rv->sel_store, rv->sel_uid, rv->sel_ns,
						       rv->sel_name);
		if (row && !row->deleted && row->view_pos < rv->nshown &&
		    rv->shown[row->view_pos] == row)
			rv->sel = row->view_pos;
	}
	selection_remember(rv);
}

size_t rowview_selected(const struct rowview *rv)
{
	return rv->sel;
}

const struct store_row *rowview_selected_row(const struct rowview *rv)
{
	return rv->sel < rv->nshown ? rv->shown[rv->sel] : NULL;
}

void rowview_select(struct rowview *rv, size_t i)
{
	rv->sel = i;
	selection_remember(rv);
}

bool rowview_select_identity(struct rowview *rv, const char *cluster, const char *uid,
			     const char *ns, const char *name)
{
	for (size_t i = 0; i < rv->nstores; i++) {
		struct store *s = rv->stores[i];
		if (cluster && strcmp(store_cluster(s), cluster) != 0)
			continue;
		struct store_row *row = store_row_find(s, uid, ns, name);
		if (row && row->view_pos < rv->nshown && rv->shown[row->view_pos] == row) {
			rowview_select(rv, row->view_pos);
			return true;
		}
	}
	return false;
}

/* ---- update ---------------------------------------------------------------------- */

bool rowview_update(struct rowview *rv)
{
	size_t nchanged = 0;
	bool moved;
	columns_refresh(rv);
	for (size_t i = 0; i < rv->nstores; i++) {
		if (store_changes_reset(rv->stores[i]))
			rv->need_full = true;
		nchanged += store_changes_count(rv->stores[i]);
	}
	/* Past an eighth of the rows, sorting everything is as cheap as merging. */
	if (nchanged > 64 && nchanged > rv->nshown / 8)
		rv->need_full = true;
	if (rv->need_full || nchanged)
		rv->gen++;
	if (rv->need_full) {
		rebuild_full(rv);
		moved = true;
	} else if (nchanged) {
		moved = rebuild_changes(rv, nchanged);
	} else {
		moved = false;
	}
	rv->need_full = false;
	selection_resolve(rv);
	for (size_t i = 0; i < rv->nstores; i++)
		store_changes_clear(rv->stores[i]);
	if (moved)
		rv->layout_gen++;
	return moved;
}

size_t rowview_count(const struct rowview *rv)
{
	return rv->nshown;
}

const struct store_row *rowview_row(const struct rowview *rv, size_t i)
{
	return i < rv->nshown ? rv->shown[i] : NULL;
}

const char *rowview_cell(const struct rowview *rv, size_t i, size_t col)
{
	if (i >= rv->nshown || col >= rowview_ncols(rv))
		return "";
	return cell_of(rv, rv->shown[i], col);
}

unsigned long long rowview_layout_generation(const struct rowview *rv)
{
	return rv->layout_gen;
}

unsigned long long rowview_generation(const struct rowview *rv)
{
	return rv->gen;
}

bool rowview_row_changed_since(const struct rowview *rv, size_t i, unsigned long long gen)
{
	return i < rv->nshown && rv->shown[i]->view_gen > gen;
}
