/* What a table view shows: the rows of one or several stores merged (CLUSTER and
 * NAMESPACE columns when needed), filtered as k9s does and sorted type-aware, as an
 * array of row references, with the selection kept by row identity. */
#ifndef OPSDECK_CORE_ROWVIEW_H
#define OPSDECK_CORE_ROWVIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "core/store.h"

struct rowview;

/* Creates an empty view. Add stores with rowview_add_store. */
struct rowview *rowview_new(void);
/* Frees the view (not its stores). */
void rowview_free(struct rowview *rv);
/* Adds a store (borrowed: it must outlive the view or be removed first). The view
 * becomes the store's only consumer: rowview_update clears the store's changes. */
void rowview_add_store(struct rowview *rv, struct store *s);
/* Shows a CLUSTER column first (automatic when the stores come from more than one
 * cluster). */
void rowview_set_cluster_column(struct rowview *rv, bool on);
/* Shows a NAMESPACE column (before the store's columns) for all/several namespaces. */
void rowview_set_namespace_column(struct rowview *rv, bool on);

/* ---- filter --------------------------------------------------------------------- */

/* Sets the filter as typed after `/` (NULL or "" clears it):
 *   text      substring of any cell, case-insensitive unless text has an uppercase
 *             letter (smart case);
 *   regex     when text holds one of . [ ] ( ) * + ? { } | ^ $ \ : a POSIX extended
 *             regex, same smart case; an invalid one falls back to substring matching
 *             and returns false with err saying so (flash it; the filter still applies);
 *   !text     inverts either of the above;
 *   -l SEL    a label selector: nothing is filtered here; rowview_label_selector()
 *             returns SEL and the view restarts its watch with it.
 * Returns true when the filter was taken as written. Takes effect at the next
 * rowview_update (a full rebuild). */
bool rowview_set_filter(struct rowview *rv, const char *text, char *err, size_t errlen);
/* The label selector of a `-l` filter, or NULL. */
const char *rowview_label_selector(const struct rowview *rv);
/* The filter text as set ("" when none). */
const char *rowview_filter(const struct rowview *rv);

/* ---- columns and sort ----------------------------------------------------------- */

/* Displayed columns: [CLUSTER] [NAMESPACE] then the first synced store's columns. */
size_t rowview_ncols(const struct rowview *rv);
const char *rowview_column_name(const struct rowview *rv, size_t col);
/* The server column's priority (0 = always shown), 0 for CLUSTER/NAMESPACE. */
int rowview_column_priority(const struct rowview *rv, size_t col);
/* Index of the displayed column named name (case-insensitive), or -1. */
int rowview_column_index(const struct rowview *rv, const char *name);
/* Sorts by displayed column col (-1: by cluster, namespace, name), reversed or not.
 * Cells compare as integers, ready ratios "1/2", durations ("5s" < "3m12s" < "2d5h" <
 * "2y"), restarts "3 (5m ago)" by the count, RFC 3339 dates, then strings in natural
 * order (pod-2 < pod-10); ties broken by name, namespace, cluster. Takes effect at the
 * next rowview_update. */
void rowview_set_sort(struct rowview *rv, int col, bool reverse);
int rowview_sort_column(const struct rowview *rv);
bool rowview_sort_reverse(const struct rowview *rv);
/* Compares two cell strings the way the sort does (<0, 0, >0). */
int rowview_compare_cells(const char *a, const char *b);

/* ---- rows ----------------------------------------------------------------------- */

/* Brings the view up to date with its stores: a full rebuild (O(n log n)) after a
 * filter/sort/column change, a store resync, or many changes; otherwise each changed
 * row is moved, inserted (binary search) or removed in place. Clears the stores'
 * changes. Call it before drawing after any store was fed. Returns true when the row
 * order or membership changed (redraw the table), false when at most row contents
 * changed (redraw the rows rowview_row_changed_since says). */
bool rowview_update(struct rowview *rv);
/* Forces a full rebuild on the next rowview_update. */
void rowview_invalidate(struct rowview *rv);
size_t rowview_count(const struct rowview *rv);
/* The i-th shown row, or NULL. */
const struct store_row *rowview_row(const struct rowview *rv, size_t i);
/* The text of displayed column col of shown row i ("" when out of range). */
const char *rowview_cell(const struct rowview *rv, size_t i, size_t col);
/* Bumped whenever rowview_update changes order or membership or columns change: the
 * table must redraw every visible row. */
unsigned long long rowview_layout_generation(const struct rowview *rv);
/* Bumped by every rowview_update that saw any change. A table that drew at generation
 * g redraws only the visible rows for which rowview_row_changed_since(rv, i, g) is
 * true (one pod change: one row), unless the layout generation moved too. */
unsigned long long rowview_generation(const struct rowview *rv);
bool rowview_row_changed_since(const struct rowview *rv, size_t i, unsigned long long gen);

/* ---- selection (kept by identity across rebuilds) -------------------------------- */

/* Index of the selected row (0 when the view is empty). */
size_t rowview_selected(const struct rowview *rv);
/* The selected row, or NULL when the view is empty. */
const struct store_row *rowview_selected_row(const struct rowview *rv);
/* Selects row i (clamped to the last row). The selection follows the row's identity:
 * after a rebuild it is where that row went; when the row is gone (deleted or
 * filtered out), the row now at its old position (or the last row). */
void rowview_select(struct rowview *rv, size_t i);
/* Selects the row with this identity if shown; returns false (selection unchanged)
 * otherwise. cluster NULL matches any store. */
bool rowview_select_identity(struct rowview *rv, const char *cluster, const char *uid,
			     const char *ns, const char *name);

#endif
