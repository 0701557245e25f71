/* The sandbox's object store: per cluster, objects by resource, namespace and name, one
 * resourceVersion counter, a bounded event history for watches, and the waiting that
 * lets watch and log streams sleep until something changes. */
#ifndef OPSDECK_SANDBOX_OBJSTORE_H
#define OPSDECK_SANDBOX_OBJSTORE_H

#include "sandbox/resource.h"

#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

enum objstore_event_type { OBJSTORE_ADDED, OBJSTORE_MODIFIED, OBJSTORE_DELETED };

enum objstore_status {
	OBJSTORE_OK = 0,
	OBJSTORE_NOT_FOUND,
	OBJSTORE_EXISTS,
	OBJSTORE_CONFLICT,   /* stale resourceVersion on update */
	OBJSTORE_INVALID,    /* no name, or a namespace for a cluster-scoped object */
	OBJSTORE_NO_NAMESPACE, /* the namespace does not exist */
};

/* One change; obj is the object as it was after the change (as deleted for DELETED).
 * Stored objects are never modified in place, so obj is shared with the store. */
struct objstore_event {
	uint64_t rv;
	enum objstore_event_type type;
	char *storage_key;
	json_t *obj;
	json_t *old;   /* MODIFIED: the object before the change (else NULL) */
};

/* A resource's objects in key order, kept until the cluster's next write: paging through
 * 50,000 pods must not sort them again for every page. */
struct objstore_sorted {
	char *storage_key;
	uint64_t rv;              /* cluster rv when built */
	const char **keys;        /* borrowed from the object map, valid while rv holds */
	const json_t **objs;
	size_t n;
};

struct objstore_cluster {
	char *name;
	bool control_plane;
	struct resource_set resources;
	json_t *objects;          /* storage_key -> {"ns/name" or "/name": object} */
	uint64_t rv;              /* last resourceVersion handed out */
	struct objstore_event *ring; /* history, oldest first from ring_start */
	size_t ring_start, ring_len;
	uint64_t evicted_rv;      /* rv of the newest event dropped from history (0: none) */
	size_t ring_cap;
	json_t *dry_run_obj;      /* the last dry-run result, owned here until the next one */
	struct objstore_sorted *sorted;
	size_t nsorted;
};

struct objstore {
	pthread_mutex_t lock;     /* one lock for everything: requests are short */
	pthread_cond_t changed;   /* broadcast on every change and on stop */
	struct objstore_cluster *clusters;
	size_t nclusters;
	size_t history_cap;
	bool stopping;
	uint64_t uid_state;
	time_t (*clock)(void);    /* time source; tests may replace it */
};

enum objstore_propagation { OBJSTORE_BACKGROUND, OBJSTORE_FOREGROUND, OBJSTORE_ORPHAN };

void objstore_init(struct objstore *st, size_t history_cap);
void objstore_free(struct objstore *st);
struct objstore_cluster *objstore_add_cluster(struct objstore *st, const char *name, bool control_plane);
struct objstore_cluster *objstore_cluster_find(struct objstore *st, const char *name);

/* Loads objects (scenario output): each by apiVersion/kind; CRDs register as they come.
 * Returns the number of objects that named an unknown type (skipped). */
size_t objstore_load_objects(struct objstore *st, struct objstore_cluster *cl, const json_t *objects);

/* Lookups return borrowed references, valid while the lock is held. ns is NULL or "" for
 * cluster-scoped resources. */
const json_t *objstore_get(struct objstore_cluster *cl, const struct resource *res, const char *ns,
			const char *name);
/* The {"ns/name": object} map of a resource (NULL when empty). */
json_t *objstore_objects(struct objstore_cluster *cl, const struct resource *res);
/* Objects of res in ns (all namespaces when ns is NULL or ""), sorted by namespace/name
 * (the API server's etcd key order), optionally starting after key after_key. Fills a
 * new array of borrowed pointers (*out, caller frees the array) and their keys. */
size_t objstore_list(struct objstore_cluster *cl, const struct resource *res, const char *ns,
		  const char *after_key, const json_t ***out, const char ***keys);

/* Writes take ownership of obj. On success *stored (if not NULL) is the stored object
 * (borrowed). dry_run validates and fills metadata without storing. */
enum objstore_status objstore_create(struct objstore *st, struct objstore_cluster *cl,
			       const struct resource *res, json_t *obj, bool dry_run,
			       const json_t **stored);
/* Replaces an existing object; a resourceVersion in obj must match (else CONFLICT).
 * uid and creationTimestamp are kept; generation grows when spec changes. An update that
 * changes nothing produces no event and keeps the resourceVersion. */
enum objstore_status objstore_update(struct objstore *st, struct objstore_cluster *cl,
			       const struct resource *res, json_t *obj, bool dry_run,
			       const json_t **stored);
/* Deletes an object and, unless orphaning, its dependents (by ownerReferences uid);
 * deleting a namespace deletes what is in it. *deleted (if not NULL) receives a new
 * reference to the object as deleted. */
enum objstore_status objstore_delete(struct objstore *st, struct objstore_cluster *cl,
			       const struct resource *res, const char *ns, const char *name,
			       enum objstore_propagation policy, bool dry_run, json_t **deleted);

/* History: index of the first event with rv greater than after_rv, as an absolute
 * sequence usable with objstore_history_at; returns false when events after after_rv have
 * already been dropped (the watch must get 410 Expired). */
bool objstore_history_seek(const struct objstore_cluster *cl, uint64_t after_rv, size_t *pos);
/* The event at position pos of the ring (0 = oldest kept), or NULL past the end. */
const struct objstore_event *objstore_history_at(const struct objstore_cluster *cl, size_t pos);

/* Waits on st->changed until the absolute deadline (CLOCK_REALTIME); lock held. */
void objstore_wait(struct objstore *st, const struct timespec *deadline);

/* Current time as RFC 3339 UTC ("2026-11-23T09:00:00Z") into buf (>= 21 bytes). */
void objstore_format_time(time_t t, char *buf, size_t len);
/* Parses RFC 3339 ("…Z", fractional seconds and offsets accepted); -1 when invalid. */
time_t objstore_parse_time(const char *s);
/* A fresh random-looking UUID (v4 layout). buf >= 37 bytes. */
void objstore_new_uid(struct objstore *st, char *buf, size_t len);

/* Small accessors for object fields. */
const char *objstore_obj_name(const json_t *obj);
const char *objstore_obj_namespace(const json_t *obj);
const char *objstore_obj_uid(const json_t *obj);
uint64_t objstore_obj_rv(const json_t *obj);

#endif
