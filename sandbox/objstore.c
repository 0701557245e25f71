/* The sandbox's object store: objects per cluster keyed by resource and namespace/name,
 * the resourceVersion counter, metadata the API server sets, the bounded event history
 * that watches resume from, and cascading deletion through ownerReferences. */
#include "sandbox/objstore.h"

#include "core/xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CRD_KEY "apiextensions.k8s.io/customresourcedefinitions"

static time_t objstore_default_clock(void)
{
	return time(NULL);
}

void objstore_init(struct objstore *st, size_t history_cap)
{
	memset(st, 0, sizeof *st);
	pthread_mutex_init(&st->lock, NULL);
	pthread_cond_init(&st->changed, NULL);
	st->history_cap = history_cap ? history_cap : 10000;
	st->uid_state = (uint64_t)time(NULL) * 2654435761u ^ (uint64_t)getpid() << 20 ^ 0x9e3779b97f4a7c15ull;
	st->clock = objstore_default_clock;
}

static void objstore_cluster_free(struct objstore_cluster *cl)
{
	for (size_t i = 0; i < cl->ring_len; i++) {
		struct objstore_event *ev = &cl->ring[(cl->ring_start + i) % cl->ring_cap];
		free(ev->storage_key);
		json_decref(ev->obj);
		json_decref(ev->old);
	}
	free(cl->ring);
	for (size_t i = 0; i < cl->nsorted; i++) {
		free(cl->sorted[i].storage_key);
		free(cl->sorted[i].keys);
		free(cl->sorted[i].objs);
	}
	free(cl->sorted);
	json_decref(cl->objects);
	json_decref(cl->dry_run_obj);
	resource_set_free(&cl->resources);
	free(cl->name);
}

void objstore_free(struct objstore *st)
{
	for (size_t i = 0; i < st->nclusters; i++)
		objstore_cluster_free(&st->clusters[i]);
	free(st->clusters);
	pthread_cond_destroy(&st->changed);
	pthread_mutex_destroy(&st->lock);
	memset(st, 0, sizeof *st);
}

struct objstore_cluster *objstore_add_cluster(struct objstore *st, const char *name, bool control_plane)
{
	st->clusters = xrealloc(st->clusters, (st->nclusters + 1) * sizeof *st->clusters);
	struct objstore_cluster *cl = &st->clusters[st->nclusters++];
	memset(cl, 0, sizeof *cl);
	cl->name = xstrdup(name);
	cl->control_plane = control_plane;
	resource_set_init_builtin(&cl->resources);
	cl->objects = json_object();
	cl->ring = xcalloc(st->history_cap, sizeof *cl->ring);
	cl->ring_cap = st->history_cap;
	/* Real clusters never start at 0; a large start also catches clients that compare
	 * resourceVersions as numbers of the wrong width. */
	cl->rv = 100000;
	return cl;
}

struct objstore_cluster *objstore_cluster_find(struct objstore *st, const char *name)
{
	for (size_t i = 0; i < st->nclusters; i++)
		if (!strcmp(st->clusters[i].name, name))
			return &st->clusters[i];
	return NULL;
}

/* ---- small helpers ---- */

static const char *obj_meta_str(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(json_object_get(obj, "metadata"), key));
}

const char *objstore_obj_name(const json_t *obj)
{
	return obj_meta_str(obj, "name");
}

const char *objstore_obj_namespace(const json_t *obj)
{
	const char *ns = obj_meta_str(obj, "namespace");
	return ns ? ns : "";
}

const char *objstore_obj_uid(const json_t *obj)
{
	return obj_meta_str(obj, "uid");
}

uint64_t objstore_obj_rv(const json_t *obj)
{
	const char *rv = obj_meta_str(obj, "resourceVersion");
	return rv ? strtoull(rv, NULL, 10) : 0;
}

void objstore_format_time(time_t t, char *buf, size_t len)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

time_t objstore_parse_time(const char *s)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	if (!s)
		return -1;
	int used = 0;
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
		   &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &used) != 6 || used != 19)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	const char *p = s + used;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	long offset = 0;
	if (*p == '+' || *p == '-') {
		int hh, mm;
		if (sscanf(p + 1, "%2d:%2d", &hh, &mm) != 2)
			return -1;
		offset = (hh * 3600L + mm * 60L) * (*p == '-' ? -1 : 1);
	} else if (*p != 'Z' && *p != 'z') {
		return -1;
	}
	return timegm(&tm) - offset;
}

void objstore_new_uid(struct objstore *st, char *buf, size_t len)
{
	uint64_t a, b;
	/* xorshift64*: unique enough for uids, no syscalls under the lock */
	for (int i = 0; i < 2; i++) {
		uint64_t x = st->uid_state;
		x ^= x >> 12;
		x ^= x << 25;
		x ^= x >> 27;
		st->uid_state = x;
		if (i == 0)
			a = x * 0x2545F4914F6CDD1Dull;
		else
			b = x * 0x2545F4914F6CDD1Dull;
	}
	snprintf(buf, len, "%08x-%04x-4%03x-%04x-%012llx", (unsigned)(a >> 32),
		 (unsigned)(a >> 16) & 0xffff, (unsigned)a & 0xfff,
		 (unsigned)((b >> 48) & 0x3fff) | 0x8000, (unsigned long long)(b & 0xffffffffffffull));
}

static char *objstore_key(const char *ns, const char *name)
{
	return xasprintf("%s/%s", ns ? ns : "", name);
}

json_t *objstore_objects(struct objstore_cluster *cl, const struct resource *res)
{
	return json_object_get(cl->objects, res->storage_key);
}

const json_t *objstore_get(struct objstore_cluster *cl, const struct resource *res, const char *ns,
			const char *name)
{
	json_t *map = objstore_objects(cl, res);
	if (!map || !name)
		return NULL;
	char *key = objstore_key(res->namespaced ? ns : "", name);
	const json_t *obj = json_object_get(map, key);
	free(key);
	return obj;
}

struct keyed {
	const char *key;
	const json_t *obj;
};

static int keyed_cmp(const void *a, const void *b)
{
	return strcmp(((const struct keyed *)a)->key, ((const struct keyed *)b)->key);
}

static void objstore_sorted_build(struct objstore_sorted *s, json_t *map)
{
	size_t cap = map ? json_object_size(map) : 0, n = 0;
	struct keyed *tmp = xcalloc(cap + 1, sizeof *tmp);
	const char *key;
	json_t *obj;
	if (map) {
		json_object_foreach(map, key, obj) {
			tmp[n].key = key;
			tmp[n++].obj = obj;
		}
	}
	qsort(tmp, n, sizeof *tmp, keyed_cmp);
	free(s->keys);
	free(s->objs);
	s->keys = xcalloc(n + 1, sizeof *s->keys);
	s->objs = xcalloc(n + 1, sizeof *s->objs);
	for (size_t i = 0; i < n; i++) {
		s->keys[i] = tmp[i].key;
		s->objs[i] = tmp[i].obj;
	}
	s->n = n;
	free(tmp);
}

static const struct objstore_sorted *objstore_sorted_get(struct objstore_cluster *cl,
						   const struct resource *res)
{
	struct objstore_sorted *s = NULL;
	for (size_t i = 0; i < cl->nsorted && !s; i++)
		if (!strcmp(cl->sorted[i].storage_key, res->storage_key))
			s = &cl->sorted[i];
	if (!s) {
		cl->sorted = xrealloc(cl->sorted, (cl->nsorted + 1) * sizeof *cl->sorted);
		s = &cl->sorted[cl->nsorted++];
		memset(s, 0, sizeof *s);
		s->storage_key = xstrdup(res->storage_key);
		s->rv = UINT64_MAX;
	}
	if (s->rv != cl->rv) {
		objstore_sorted_build(s, objstore_objects(cl, res));
		s->rv = cl->rv;
	}
	return s;
}

/* First index whose key is greater than (or, if inclusive, equal to) key. */
static size_t objstore_sorted_bound(const struct objstore_sorted *s, const char *key, bool inclusive)
{
	size_t lo = 0, hi = s->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(s->keys[mid], key);
		if (c < 0 || (c == 0 && !inclusive))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t objstore_list(struct objstore_cluster *cl, const struct resource *res, const char *ns,
		  const char *after_key, const json_t ***out, const char ***keys)
{
	const struct objstore_sorted *s = objstore_sorted_get(cl, res);
	char *prefix = ns && *ns ? xasprintf("%s/", ns) : NULL;
	size_t plen = prefix ? strlen(prefix) : 0;
	size_t start = prefix ? objstore_sorted_bound(s, prefix, true) : 0;
	if (after_key) {
		size_t a = objstore_sorted_bound(s, after_key, false);
		start = a > start ? a : start;
	}
	size_t end = start;
	while (end < s->n && (!prefix || !strncmp(s->keys[end], prefix, plen)))
		end++;
	size_t n = end - start;
	*out = xcalloc(n + 1, sizeof **out);
	memcpy(*out, s->objs + start, n * sizeof **out);
	if (keys) {
		*keys = xcalloc(n + 1, sizeof **keys);
		memcpy(*keys, s->keys + start, n * sizeof **keys);
	}
	free(prefix);
	return n;
}

/* ---- history ---- */

static void objstore_record(struct objstore *st, struct objstore_cluster *cl, enum objstore_event_type type,
			 const char *storage_key, json_t *obj, const json_t *prev)
{
	size_t cap = st->history_cap;
	if (cl->ring_len == cap) {
		struct objstore_event *old = &cl->ring[cl->ring_start];
		cl->evicted_rv = old->rv;
		free(old->storage_key);
		json_decref(old->obj);
		json_decref(old->old);
		cl->ring_start = (cl->ring_start + 1) % cap;
		cl->ring_len--;
	}
	struct objstore_event *ev = &cl->ring[(cl->ring_start + cl->ring_len) % cap];
	ev->rv = objstore_obj_rv(obj);
	ev->type = type;
	ev->storage_key = xstrdup(storage_key);
	ev->obj = json_incref(obj);
	ev->old = prev ? json_incref((json_t *)prev) : NULL;
	cl->ring_len++;
	pthread_cond_broadcast(&st->changed);
}

bool objstore_history_seek(const struct objstore_cluster *cl, uint64_t after_rv, size_t *pos)
{
	if (after_rv < cl->evicted_rv)
		return false;
	size_t lo = 0, hi = cl->ring_len;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (objstore_history_at(cl, mid)->rv <= after_rv)
			lo = mid + 1;
		else
			hi = mid;
	}
	*pos = lo;
	return true;
}

const struct objstore_event *objstore_history_at(const struct objstore_cluster *cl, size_t pos)
{
	if (pos >= cl->ring_len)
		return NULL;
	return &cl->ring[(cl->ring_start + pos) % cl->ring_cap];
}

void objstore_wait(struct objstore *st, const struct timespec *deadline)
{
	int rc;
	do
		rc = pthread_cond_timedwait(&st->changed, &st->lock, deadline);
	while (rc == EINTR);
}

/* ---- writes ---- */

static json_t *obj_metadata(json_t *obj)
{
	json_t *meta = json_object_get(obj, "metadata");
	if (!json_is_object(meta)) {
		meta = json_object();
		json_object_set_new(obj, "metadata", meta);
	}
	return meta;
}

static void objstore_stamp_rv(struct objstore_cluster *cl, json_t *obj)
{
	char rv[24];
	snprintf(rv, sizeof rv, "%llu", (unsigned long long)++cl->rv);
	json_object_set_new(obj_metadata(obj), "resourceVersion", json_string(rv));
}

static void objstore_set_type(const struct resource *res, json_t *obj)
{
	char *api_version = resource_api_version(res);
	json_object_set_new(obj, "apiVersion", json_string(api_version));
	json_object_set_new(obj, "kind", json_string(res->kind));
	free(api_version);
}

static void objstore_generate_name(struct objstore *st, json_t *meta)
{
	const char *prefix = json_string_value(json_object_get(meta, "generateName"));
	if (!prefix || json_string_value(json_object_get(meta, "name")))
		return;
	/* the alphabet of k8s.io/apimachinery/pkg/util/rand.String: no vowels, no 0/1/3 */
	static const char alphabet[] = "bcdfghjklmnpqrstvwxz2456789";
	char suffix[6], uid[40];
	objstore_new_uid(st, uid, sizeof uid);
	for (int i = 0; i < 5; i++)
		suffix[i] = alphabet[(unsigned char)uid[i * 3] % (sizeof alphabet - 1)];
	suffix[5] = '\0';
	char *name = xasprintf("%s%s", prefix, suffix);
	json_object_set_new(meta, "name", json_string(name));
	free(name);
}

/* CRDs report themselves established at once, as a healthy API server would soon. */
static void objstore_crd_status(json_t *crd, const char *now)
{
	json_t *spec = json_object_get(crd, "spec");
	json_t *status = json_object();
	json_object_set(status, "acceptedNames", json_object_get(spec, "names"));
	json_t *conds = json_array();
	const char *types[] = {"NamesAccepted", "Established"};
	const char *reasons[] = {"NoConflicts", "InitialNamesAccepted"};
	for (int i = 0; i < 2; i++)
		json_array_append_new(conds, json_pack("{s:s,s:s,s:s,s:s,s:s}", "type", types[i],
						       "status", "True", "lastTransitionTime", now,
						       "reason", reasons[i], "message",
						       i ? "the initial names have been accepted"
							 : "no conflicts found"));
	json_object_set_new(status, "conditions", conds);
	json_t *stored = json_array(), *ver;
	size_t i;
	json_array_foreach(json_object_get(spec, "versions"), i, ver)
		if (json_is_true(json_object_get(ver, "storage")))
			json_array_append(stored, json_object_get(ver, "name"));
	json_object_set_new(status, "storedVersions", stored);
	json_object_set_new(crd, "status", status);
}

static enum objstore_status objstore_check_scope(struct objstore_cluster *cl, const struct resource *res,
					   json_t *meta)
{
	const char *ns = json_string_value(json_object_get(meta, "namespace"));
	if (!res->namespaced) {
		json_object_del(meta, "namespace");
		return OBJSTORE_OK;
	}
	if (!ns || !*ns)
		return OBJSTORE_INVALID;
	struct resource *nsres = resource_find(&cl->resources, "", "v1", "namespaces");
	if (nsres && !objstore_get(cl, nsres, "", ns))
		return OBJSTORE_NO_NAMESPACE;
	return OBJSTORE_OK;
}

static void objstore_put(json_t *map, const char *ns, const char *name, json_t *obj)
{
	char *key = objstore_key(ns, name);
	json_object_set_new(map, key, obj);
	free(key);
}

static json_t *objstore_map_for(struct objstore_cluster *cl, const struct resource *res)
{
	json_t *map = json_object_get(cl->objects, res->storage_key);
	if (!map) {
		map = json_object();
		json_object_set_new(cl->objects, res->storage_key, map);
	}
	return map;
}

enum objstore_status objstore_create(struct objstore *st, struct objstore_cluster *cl,
			       const struct resource *res, json_t *obj, bool dry_run,
			       const json_t **stored)
{
	json_t *meta = obj_metadata(obj);
	objstore_generate_name(st, meta);
	const char *name = json_string_value(json_object_get(meta, "name"));
	enum objstore_status rc = name && *name ? objstore_check_scope(cl, res, meta) : OBJSTORE_INVALID;
	const char *ns = objstore_obj_namespace(obj);
	if (rc == OBJSTORE_OK && objstore_get(cl, res, ns, name))
		rc = OBJSTORE_EXISTS;
	if (rc != OBJSTORE_OK) {
		json_decref(obj);
		return rc;
	}
	char now[32], uid[40];
	objstore_format_time(st->clock(), now, sizeof now);
	objstore_new_uid(st, uid, sizeof uid);
	objstore_set_type(res, obj);
	/* loaded objects keep their uids: their ownerReferences point at them */
	if (!json_string_value(json_object_get(meta, "uid")))
		json_object_set_new(meta, "uid", json_string(uid));
	if (!json_string_value(json_object_get(meta, "creationTimestamp")))
		json_object_set_new(meta, "creationTimestamp", json_string(now));
	if (!resource_is_core(res) && !json_object_get(meta, "generation"))
		json_object_set_new(meta, "generation", json_integer(1));
	json_object_del(meta, "managedFields");
	json_object_del(meta, "resourceVersion");
	json_object_del(meta, "deletionTimestamp");
	if (!strcmp(res->storage_key, CRD_KEY))
		objstore_crd_status(obj, now);
	if (!strcmp(res->storage_key, "/namespaces") &&
	    !json_object_get(json_object_get(obj, "status"), "phase"))
		json_object_set_new(obj, "status", json_pack("{s:s}", "phase", "Active"));
	if (dry_run) {
		/* nothing was stored: no resourceVersion, as kube-apiserver answers */
		if (stored)
			*stored = obj;
		/* the caller serialises the dry-run result before the next write */
		json_decref(cl->dry_run_obj);
		cl->dry_run_obj = obj;
		return OBJSTORE_OK;
	}
	objstore_stamp_rv(cl, obj);
	objstore_put(objstore_map_for(cl, res), ns, name, obj);
	if (!strcmp(res->storage_key, CRD_KEY))
		resource_register_crd(&cl->resources, obj);
	objstore_record(st, cl, OBJSTORE_ADDED, res->storage_key, obj, NULL);
	if (stored)
		*stored = obj;
	return OBJSTORE_OK;
}

static bool objstore_spec_changed(const json_t *old, const json_t *obj)
{
	return !json_equal(json_object_get(old, "spec"), json_object_get(obj, "spec"));
}

/* What an update cannot change: identity, creation, the version it replaces. */
static void objstore_keep_identity(const json_t *old_meta, json_t *meta)
{
	static const char *kept[] = {"uid", "creationTimestamp", "resourceVersion", "generation",
				     "deletionTimestamp"};
	for (size_t i = 0; i < sizeof kept / sizeof kept[0]; i++) {
		json_t *v = json_object_get(old_meta, kept[i]);
		if (v)
			json_object_set(meta, kept[i], v);
		else
			json_object_del(meta, kept[i]);
	}
	json_object_del(meta, "managedFields");
}

enum objstore_status objstore_update(struct objstore *st, struct objstore_cluster *cl,
			       const struct resource *res, json_t *obj, bool dry_run,
			       const json_t **stored)
{
	json_t *meta = obj_metadata(obj);
	const char *name = json_string_value(json_object_get(meta, "name"));
	const char *ns = res->namespaced ? objstore_obj_namespace(obj) : "";
	const json_t *old = name ? objstore_get(cl, res, ns, name) : NULL;
	if (!old) {
		json_decref(obj);
		return name ? OBJSTORE_NOT_FOUND : OBJSTORE_INVALID;
	}
	uint64_t want = objstore_obj_rv(obj);
	if (want && want != objstore_obj_rv(old)) {
		json_decref(obj);
		return OBJSTORE_CONFLICT;
	}
	objstore_keep_identity(json_object_get(old, "metadata"), meta);
	objstore_set_type(res, obj);
	if (!strcmp(res->storage_key, CRD_KEY)) {
		char now[32];
		objstore_format_time(st->clock(), now, sizeof now);
		objstore_crd_status(obj, now);
	}
	if (json_equal(obj, old)) {
		json_decref(obj);
		if (stored)
			*stored = old;
		return OBJSTORE_OK;
	}
	json_int_t gen = json_integer_value(json_object_get(meta, "generation"));
	if (gen && objstore_spec_changed(old, obj))
		json_object_set_new(meta, "generation", json_integer(gen + 1));
	if (dry_run) {
		json_decref(cl->dry_run_obj);
		cl->dry_run_obj = obj;
		if (stored)
			*stored = obj;
		return OBJSTORE_OK;
	}
	objstore_stamp_rv(cl, obj);
	json_t *before = json_incref((json_t *)old); /* objstore_put drops the map's reference */
	objstore_put(objstore_map_for(cl, res), ns, name, obj);
	if (!strcmp(res->storage_key, CRD_KEY))
		resource_register_crd(&cl->resources, obj);
	objstore_record(st, cl, OBJSTORE_MODIFIED, res->storage_key, obj, before);
	json_decref(before);
	if (stored)
		*stored = obj;
	return OBJSTORE_OK;
}

/* ---- deletion ---- */

static struct resource *objstore_res_by_key(struct objstore_cluster *cl, const char *storage_key)
{
	for (size_t i = 0; i < cl->resources.n; i++)
		if (!strcmp(cl->resources.items[i]->storage_key, storage_key))
			return cl->resources.items[i];
	return NULL;
}

static bool objstore_owned_by(const json_t *obj, const char *uid)
{
	json_t *refs = json_object_get(json_object_get(obj, "metadata"), "ownerReferences");
	size_t i;
	json_t *ref;
	json_array_foreach(refs, i, ref) {
		const char *u = json_string_value(json_object_get(ref, "uid"));
		if (u && !strcmp(u, uid))
			return true;
	}
	return false;
}

/* A dependent found by a scan: deleted or orphaned after the scan, never during it. */
struct objstore_victim {
	char *storage_key, *ns, *name;
};

static size_t objstore_find_dependents(struct objstore_cluster *cl, const char *ns, const char *uid,
				    bool whole_namespace, struct objstore_victim **out)
{
	size_t n = 0, cap = 0;
	size_t nslen = strlen(ns);
	const char *skey, *okey;
	json_t *map, *obj;
	*out = NULL;
	json_object_foreach(cl->objects, skey, map) {
		json_object_foreach(map, okey, obj) {
			bool in_ns = okey[0] == '/' ? false
				     : !strncmp(okey, ns, nslen) && okey[nslen] == '/';
			bool hit = whole_namespace ? in_ns
				   : (in_ns || okey[0] == '/') && objstore_owned_by(obj, uid);
			if (!hit)
				continue;
			*out = xgrow(*out, &cap, n + 1, sizeof **out);
			(*out)[n].storage_key = xstrdup(skey);
			(*out)[n].ns = xstrdup(objstore_obj_namespace(obj));
			(*out)[n].name = xstrdup(objstore_obj_name(obj));
			n++;
		}
	}
	return n;
}

static void objstore_orphan(struct objstore *st, struct objstore_cluster *cl, const struct resource *res,
			 const json_t *obj, const char *uid)
{
	json_t *copy = json_deep_copy(obj);
	json_t *refs = json_object_get(json_object_get(copy, "metadata"), "ownerReferences");
	for (size_t i = json_array_size(refs); i-- > 0;) {
		const char *u = json_string_value(json_object_get(json_array_get(refs, i), "uid"));
		if (u && !strcmp(u, uid))
			json_array_remove(refs, i);
	}
	if (json_array_size(refs) == 0)
		json_object_del(json_object_get(copy, "metadata"), "ownerReferences");
	json_object_del(json_object_get(copy, "metadata"), "resourceVersion");
	objstore_update(st, cl, res, copy, false, NULL);
}

static void objstore_drop_crd_objects(struct objstore_cluster *cl, const json_t *crd)
{
	const json_t *spec = json_object_get(crd, "spec");
	const char *group = json_string_value(json_object_get(spec, "group"));
	const char *plural = json_string_value(json_object_get(json_object_get(spec, "names"),
							       "plural"));
	if (!group || !plural)
		return;
	char *key = xasprintf("%s/%s", group, plural);
	json_object_del(cl->objects, key);
	free(key);
	resource_unregister_crd(&cl->resources, objstore_obj_name(crd));
}

enum objstore_status objstore_delete(struct objstore *st, struct objstore_cluster *cl,
			       const struct resource *res, const char *ns, const char *name,
			       enum objstore_propagation policy, bool dry_run, json_t **deleted)
{
	const json_t *found = objstore_get(cl, res, ns, name);
	if (!found)
		return OBJSTORE_NOT_FOUND;
	json_t *obj = json_deep_copy(found);
	if (dry_run) {
		if (deleted)
			*deleted = obj;
		else
			json_decref(obj);
		return OBJSTORE_OK;
	}
	char *uid = xstrdup(objstore_obj_uid(obj) ? objstore_obj_uid(obj) : "");
	bool is_ns = !strcmp(res->storage_key, "/namespaces");
	char *key = objstore_key(res->namespaced ? ns : "", name);
	json_object_del(objstore_objects(cl, res), key);
	free(key);
	objstore_stamp_rv(cl, obj);
	objstore_record(st, cl, OBJSTORE_DELETED, res->storage_key, obj, NULL);
	if (!strcmp(res->storage_key, CRD_KEY))
		objstore_drop_crd_objects(cl, obj);
	struct objstore_victim *v;
	size_t n = objstore_find_dependents(cl, is_ns ? name : objstore_obj_namespace(obj), uid, is_ns, &v);
	for (size_t i = 0; i < n; i++) {
		const struct resource *dres = objstore_res_by_key(cl, v[i].storage_key);
		const json_t *dep = dres ? objstore_get(cl, dres, v[i].ns, v[i].name) : NULL;
		if (dep && policy == OBJSTORE_ORPHAN && !is_ns)
			objstore_orphan(st, cl, dres, dep, uid);
		else if (dep)
			objstore_delete(st, cl, dres, v[i].ns, v[i].name, policy, false, NULL);
		free(v[i].storage_key);
		free(v[i].ns);
		free(v[i].name);
	}
	free(v);
	free(uid);
	if (deleted)
		*deleted = obj;
	else
		json_decref(obj);
	return OBJSTORE_OK;
}

/* ---- loading ---- */

static void objstore_ensure_namespace(struct objstore *st, struct objstore_cluster *cl, const char *ns)
{
	struct resource *nsres = resource_find(&cl->resources, "", "v1", "namespaces");
	if (!ns || !*ns || !nsres || objstore_get(cl, nsres, "", ns))
		return;
	json_t *obj = json_pack("{s:s,s:s,s:{s:s,s:{s:s}},s:{},s:{s:s}}", "apiVersion", "v1",
				"kind", "Namespace", "metadata", "name", ns, "labels",
				"kubernetes.io/metadata.name", ns, "spec", "status", "phase",
				"Active");
	objstore_create(st, cl, nsres, obj, false, NULL);
}

size_t objstore_load_objects(struct objstore *st, struct objstore_cluster *cl, const json_t *objects)
{
	size_t i, unknown = 0;
	json_t *obj;
	json_array_foreach(objects, i, obj) {
		const char *api_version = json_string_value(json_object_get(obj, "apiVersion"));
		const char *kind = json_string_value(json_object_get(obj, "kind"));
		struct resource *res = resource_find_kind(&cl->resources, api_version, kind);
		if (!res || res->create_only) {
			unknown++;
			continue;
		}
		if (res->namespaced)
			objstore_ensure_namespace(st, cl, objstore_obj_namespace(obj));
		json_t *copy = json_deep_copy(obj);
		if (objstore_create(st, cl, res, copy, false, NULL) == OBJSTORE_EXISTS) {
			copy = json_deep_copy(obj);
			json_object_del(json_object_get(copy, "metadata"), "resourceVersion");
			objstore_update(st, cl, res, copy, false, NULL);
		}
	}
	return unknown;
}
