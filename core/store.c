/* The rows of one list+watch (see store.h): an array of row pointers for iteration,
 * an open-addressing hash on identity for O(1) upsert/delete, and a change list. */
#include "core/store.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

struct store {
	char *cluster;
	struct table *cols;               /* columns of the last sync, no rows */
	struct store_row **rows;          /* live rows, unordered (swap-remove) */
	size_t nrows, rows_cap;
	struct store_row **hash;          /* linear probing, NULL = empty; cap power of 2 */
	size_t hash_cap;
	struct store_row **changes;       /* rows touched since the last clear */
	size_t nchanges, changes_cap;
	struct store_row **graveyard;     /* deleted rows, freed by store_changes_clear */
	size_t ngrave, grave_cap;
	bool reset, synced;
	unsigned long long gen, state_gen;
	enum store_conn state;
	char *error;
	long long retry_at_ms;
};

/* ---- identity hashing ----------------------------------------------------------- */

static unsigned hash_bytes(unsigned h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* The uid identifies a row; list rows without metadata fall back to namespace/name. */
static unsigned hash_identity(const char *uid, const char *ns, const char *name)
{
	if (uid && *uid)
		return hash_bytes(2166136261u, uid);
	unsigned h = hash_bytes(2166136261u, ns ? ns : "");
	h = (h ^ '/') * 16777619u;
	return hash_bytes(h, name ? name : "");
}

static bool row_has_identity(const struct store_row *row, const char *uid, const char *ns,
			     const char *name)
{
	if (uid && *uid)
		return strcmp(row->r.uid, uid) == 0;
	return row->r.uid[0] == '\0' && strcmp(row->r.namespace, ns ? ns : "") == 0 &&
	       strcmp(row->r.name, name ? name : "") == 0;
}

static size_t hash_probe_find(const struct store *s, unsigned h, const char *uid,
			      const char *ns, const char *name)
{
	size_t mask = s->hash_cap - 1;
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		const struct store_row *row = s->hash[i];
		if (!row || (row->hash == h && row_has_identity(row, uid, ns, name)))
			return i;
	}
}

static void hash_insert_slot(struct store *s, struct store_row *row)
{
	size_t mask = s->hash_cap - 1;
	size_t i = row->hash & mask;
	while (s->hash[i])
		i = (i + 1) & mask;
	s->hash[i] = row;
}

/* Keeps the load factor under 1/2 so probes stay short. */
static void hash_reserve(struct store *s, size_t n)
{
	if (n * 2 < s->hash_cap)
		return;
	size_t cap = s->hash_cap ? s->hash_cap : 64;
	while (n * 2 >= cap)
		cap *= 2;
	free(s->hash);
	s->hash = xcalloc(cap, sizeof(*s->hash));
	s->hash_cap = cap;
	for (size_t i = 0; i < s->nrows; i++)
		hash_insert_slot(s, s->rows[i]);
}

/* Backward-shift deletion: no tombstones, so lookups never slow down over time. */
static void hash_remove_at(struct store *s, size_t i)
{
	size_t mask = s->hash_cap - 1;
	size_t j = i;
	s->hash[i] = NULL;
	for (;;) {
		j = (j + 1) & mask;
		struct store_row *row = s->hash[j];
		if (!row)
			return;
		size_t home = row->hash & mask;
		/* Move row into the hole when its home is not cyclically in (i, j]. */
		bool stays = (i <= j) ? (i < home && home <= j) : (i < home || home <= j);
		if (!stays) {
			s->hash[i] = row;
			s->hash[j] = NULL;
			i = j;
		}
	}
}

/* ---- rows ------------------------------------------------------------------------ */

static void row_free(struct store_row *row, size_t ncols)
{
	for (size_t c = 0; c < ncols; c++)
		free(row->r.cells[c]);
	free(row->r.cells);
	free(row->r.namespace);
	free(row->r.name);
	free(row->r.uid);
	free(row->r.resource_version);
	free(row);
}

static size_t store_ncols(const struct store *s)
{
	return s->cols ? s->cols->ncols : 0;
}

static void change_note(struct store *s, struct store_row *row)
{
	row->gen = s->gen;
	if (row->pending || s->reset)
		return;
	row->pending = true;
	s->changes = xgrow(s->changes, &s->changes_cap, s->nchanges + 1, sizeof(*s->changes));
	s->changes[s->nchanges++] = row;
}

static void row_bury(struct store *s, struct store_row *row)
{
	row->deleted = true;
	s->graveyard = xgrow(s->graveyard, &s->grave_cap, s->ngrave + 1, sizeof(*s->graveyard));
	s->graveyard[s->ngrave++] = row;
}

/* Copies src's strings into row (which owns ncols cells already, or none when new). */
static void row_fill(struct store_row *row, const struct table_row *src, size_t src_ncols,
		     size_t ncols, bool fresh)
{
	if (fresh)
		row->r.cells = xcalloc(ncols ? ncols : 1, sizeof(char *));
	for (size_t c = 0; c < ncols; c++) {
		if (!fresh)
			free(row->r.cells[c]);
		row->r.cells[c] = xstrdup(c < src_ncols && src->cells[c] ? src->cells[c] : "");
	}
	if (fresh) {
		row->r.namespace = xstrdup(src->namespace ? src->namespace : "");
		row->r.name = xstrdup(src->name ? src->name : "");
		row->r.uid = xstrdup(src->uid ? src->uid : "");
	}
	free(row->r.resource_version);
	row->r.resource_version = xstrdup(src->resource_version ? src->resource_version : "");
}

static void row_attach(struct store *s, struct store_row *row)
{
	row->store = s;
	row->r.cluster = s->cluster;
	row->hash = hash_identity(row->r.uid, row->r.namespace, row->r.name);
	row->slot = s->nrows;
	s->rows = xgrow(s->rows, &s->rows_cap, s->nrows + 1, sizeof(*s->rows));
	s->rows[s->nrows++] = row;
	hash_reserve(s, s->nrows);
	hash_insert_slot(s, row);
}

static void row_detach(struct store *s, struct store_row *row, size_t hash_index)
{
	hash_remove_at(s, hash_index);
	struct store_row *last = s->rows[--s->nrows];
	s->rows[row->slot] = last;
	last->slot = row->slot;
}

/* ---- public ---------------------------------------------------------------------- */

struct store *store_new(const char *cluster)
{
	struct store *s = xcalloc(1, sizeof(*s));
	s->cluster = xstrdup(cluster ? cluster : "");
	s->state = STORE_CONN_LISTING;
	return s;
}

static void store_free_rows(struct store *s)
{
	size_t ncols = store_ncols(s);
	for (size_t i = 0; i < s->nrows; i++)
		row_free(s->rows[i], ncols);
	s->nrows = 0;
}

void store_free(struct store *s)
{
	if (!s)
		return;
	store_changes_clear(s);   /* first: it touches the listed live rows */
	store_free_rows(s);
	free(s->rows);
	free(s->hash);
	free(s->changes);
	free(s->graveyard);
	table_free(s->cols);
	free(s->cluster);
	free(s->error);
	free(s);
}

/* Moves a table row's strings into a new store row (no copy: t gives them up). */
static struct store_row *row_steal(struct table_row *src)
{
	struct store_row *row = xcalloc(1, sizeof(*row));
	row->r = *src;
	free(row->r.cluster);
	row->r.cluster = NULL;
	memset(src, 0, sizeof(*src));
	return row;
}

void store_sync(struct store *s, struct table *t)
{
	/* Old rows go to the graveyard: the consumer may still point at them. */
	for (size_t i = 0; i < s->nrows; i++)
		row_bury(s, s->rows[i]);
	s->nrows = 0;
	if (s->hash)
		memset(s->hash, 0, s->hash_cap * sizeof(*s->hash));
	/* Graveyard rows have the old column count; free them before switching columns. */
	store_changes_clear(s);
	table_free(s->cols);
	s->gen++;
	s->reset = true;
	s->synced = true;
	hash_reserve(s, t->nrows);
	for (size_t i = 0; i < t->nrows; i++) {
		struct store_row *row = row_steal(&t->rows[i]);
		struct store_row *dup;
		row->hash = hash_identity(row->r.uid, row->r.namespace, row->r.name);
		dup = s->hash[hash_probe_find(s, row->hash, row->r.uid, row->r.namespace,
					      row->r.name)];
		if (dup) {  /* a list never repeats a row; if it does, the later one wins */
			row_detach(s, dup, hash_probe_find(s, dup->hash, dup->r.uid,
							   dup->r.namespace, dup->r.name));
			row_free(dup, t->ncols);
		}
		row_attach(s, row);
		row->gen = s->gen;
	}
	t->nrows = 0;
	s->cols = t;
}

static void store_adopt_columns(struct store *s, const struct table *t)
{
	s->cols = table_new();
	for (size_t c = 0; c < t->ncols; c++)
		table_add_column(s->cols, t->cols[c].name, t->cols[c].type, t->cols[c].format,
				 t->cols[c].priority);
	if (t->kind)
		s->cols->kind = xstrdup(t->kind);
}

static void store_apply_row(struct store *s, enum store_event type, const struct table_row *src,
			    size_t src_ncols)
{
	unsigned h = hash_identity(src->uid, src->namespace, src->name);
	size_t at = hash_probe_find(s, h, src->uid, src->namespace, src->name);
	struct store_row *row = s->hash[at];
	if (type == STORE_EVENT_DELETED) {
		if (!row)
			return;
		s->gen++;
		row_detach(s, row, at);
		change_note(s, row);
		row_bury(s, row);
		return;
	}
	s->gen++;
	if (row) {
		row_fill(row, src, src_ncols, store_ncols(s), false);
	} else {
		row = xcalloc(1, sizeof(*row));
		row_fill(row, src, src_ncols, store_ncols(s), true);
		row_attach(s, row);
	}
	change_note(s, row);
}

void store_apply_event(struct store *s, enum store_event type, const struct table *t)
{
	if (!s->cols)
		store_adopt_columns(s, t);
	hash_reserve(s, s->nrows + t->nrows);
	for (size_t i = 0; i < t->nrows; i++)
		store_apply_row(s, type, &t->rows[i], t->ncols);
}

void store_set_state(struct store *s, enum store_conn state, const char *error,
		     long long retry_at_ms)
{
	s->state = state;
	free(s->error);
	s->error = error ? xstrdup(error) : NULL;
	s->retry_at_ms = retry_at_ms;
	s->state_gen++;
}

const char *store_cluster(const struct store *s) { return s->cluster; }
const struct table *store_columns(const struct store *s) { return s->cols; }
size_t store_count(const struct store *s) { return s->nrows; }
unsigned long long store_generation(const struct store *s) { return s->gen; }
bool store_synced(const struct store *s) { return s->synced; }
enum store_conn store_state(const struct store *s) { return s->state; }
const char *store_error(const struct store *s) { return s->error; }
long long store_retry_at_ms(const struct store *s) { return s->retry_at_ms; }
unsigned long long store_state_generation(const struct store *s) { return s->state_gen; }
bool store_changes_reset(const struct store *s) { return s->reset; }
size_t store_changes_count(const struct store *s) { return s->nchanges; }

struct store_row *store_row_at(const struct store *s, size_t i)
{
	return i < s->nrows ? s->rows[i] : NULL;
}

struct store_row *store_change_at(const struct store *s, size_t i)
{
	return i < s->nchanges ? s->changes[i] : NULL;
}

struct store_row *store_row_find(const struct store *s, const char *uid, const char *ns,
				 const char *name)
{
	if (!s->hash_cap)
		return NULL;
	unsigned h = hash_identity(uid, ns, name);
	return s->hash[hash_probe_find(s, h, uid, ns, name)];
}

void store_changes_clear(struct store *s)
{
	for (size_t i = 0; i < s->nchanges; i++)
		s->changes[i]->pending = false;
	s->nchanges = 0;
	s->reset = false;
	size_t ncols = store_ncols(s);
	for (size_t i = 0; i < s->ngrave; i++)
		row_free(s->graveyard[i], ncols);
	s->ngrave = 0;
}
