/* The rows of one list+watch (one cluster, one resource, one namespace scope), kept
 * current from the watch callbacks, with O(1) lookup by identity, a generation counter
 * and per-row change marks so a table redraws only the rows that changed. */
#ifndef OPSDECK_CORE_STORE_H
#define OPSDECK_CORE_STORE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/table.h"

/* The watch's events, as plain values (the view glue maps clients/kube.h's enum). */
enum store_event { STORE_EVENT_ADDED, STORE_EVENT_MODIFIED, STORE_EVENT_DELETED };

/* Connection state for the header (mirrors the watch's states). */
enum store_conn {
	STORE_CONN_LISTING,     /* first list, or relisting */
	STORE_CONN_CONNECTED,   /* watching */
	STORE_CONN_RETRYING,    /* waiting until retry_at_ms */
	STORE_CONN_FAILED,      /* gave up; see error */
};

struct store;

/* One row. The table_row part owns its strings, except `cluster`, which points at the
 * store's cluster name (borrowed; never free it). Pointers to a row stay valid until it
 * is deleted and store_changes_clear() has run. */
struct store_row {
	struct table_row r;
	struct store *store;          /* the store holding the row */
	unsigned long long gen;       /* store generation of the row's last change */
	size_t slot;                  /* index in the store's row array (internal) */
	size_t view_pos;              /* scratch for the one rowview over this store: the
				       * row's position in it (checked before use) */
	unsigned long long view_gen;  /* scratch for that rowview: its generation when the
				       * row last changed (see rowview_row_changed_since) */
	unsigned hash;                /* identity hash (internal) */
	bool deleted;                 /* deleted, kept until store_changes_clear() */
	bool pending;                 /* listed in the change list (internal) */
};

/* Creates an empty store for rows of cluster (a context name, copied; may be NULL). */
struct store *store_new(const char *cluster);
/* Frees the store and every row, including deleted rows awaiting store_changes_clear. */
void store_free(struct store *s);

/* Replaces every row with the rows of t (a complete list) and takes ownership of t
 * (its rows' strings are moved, not copied). The columns, kind and resourceVersion
 * are taken from t. Marks the store "reset" for its consumer. */
void store_sync(struct store *s, struct table *t);
/* Applies one watch event: each row of t (normally one) is upserted (ADDED, MODIFIED)
 * or removed (DELETED) by uid, or by namespace/name when the uid is empty. t is only
 * read. Cells beyond the store's column count are ignored; missing ones become "". An
 * event before the first sync adopts t's columns. */
void store_apply_event(struct store *s, enum store_event type, const struct table *t);
/* Records the connection state for the header: error (copied, may be NULL) and the
 * loop_now_ms() time of the next attempt when RETRYING. Bumps the state generation. */
void store_set_state(struct store *s, enum store_conn state, const char *error,
		     long long retry_at_ms);

/* ---- reading -------------------------------------------------------------------- */

const char *store_cluster(const struct store *s);   /* "" when none was given */
/* Column names/types of the last sync (a table without rows), or NULL before any. */
const struct table *store_columns(const struct store *s);
size_t store_count(const struct store *s);
/* The i-th live row (0 <= i < store_count), in no particular order. */
struct store_row *store_row_at(const struct store *s, size_t i);
/* The row with this uid, or (uid NULL or "") namespace/name; NULL when absent. O(1). */
struct store_row *store_row_find(const struct store *s, const char *uid, const char *ns,
				 const char *name);
/* Bumped on every change of rows or columns (never on state changes). */
unsigned long long store_generation(const struct store *s);
bool store_synced(const struct store *s);
enum store_conn store_state(const struct store *s);
const char *store_error(const struct store *s);      /* NULL when none */
long long store_retry_at_ms(const struct store *s);
/* Bumped on every store_set_state, so the header knows when to redraw. */
unsigned long long store_state_generation(const struct store *s);

/* ---- changes for the consumer (one consumer per store: its rowview) ------------ */

/* True when a sync replaced every row since the last store_changes_clear. */
bool store_changes_reset(const struct store *s);
/* Rows added, modified or deleted since the last clear, each listed once (check
 * row->deleted). Not meaningful after a reset (then every row is new). */
size_t store_changes_count(const struct store *s);
struct store_row *store_change_at(const struct store *s, size_t i);
/* Forgets the changes and frees the deleted rows. Call it once the consumer has
 * processed them (rowview_update does); until then deleted rows stay allocated. */
void store_changes_clear(struct store *s);

#endif
