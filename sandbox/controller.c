/* The controller thread and the helpers every controller uses: an owner index built once
 * per tick, writes that bypass the resourceVersion check, and Event recording. */
#include "sandbox/controller.h"

#include "core/xalloc.h"
#include "sandbox/argocd.h"
#include "sandbox/controller_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

json_t *ctl_owned(json_t *index, const char *uid)
{
	return uid ? json_object_get(index, uid) : NULL;
}

static json_t *ctl_index(struct objstore_cluster *cl, const struct resource *res)
{
	json_t *index = json_object();
	json_t *map = res ? objstore_objects(cl, res) : NULL;
	const char *key;
	json_t *obj;
	json_object_foreach(map, key, obj) {
		json_t *refs = json_object_get(json_object_get(obj, "metadata"), "ownerReferences");
		size_t i;
		json_t *ref;
		json_array_foreach(refs, i, ref) {
			const char *uid = json_string_value(json_object_get(ref, "uid"));
			if (!uid)
				continue;
			json_t *arr = json_object_get(index, uid);
			if (!arr) {
				arr = json_array();
				json_object_set_new(index, uid, arr);
			}
			json_array_append(arr, obj);
		}
	}
	return index;
}

void ctl_put(struct ctl_ctx *c, const struct resource *res, json_t *obj)
{
	json_object_del(json_object_get(obj, "metadata"), "resourceVersion");
	objstore_update(c->st, c->cl, res, obj, false, NULL);
}

void ctl_random_suffix(struct ctl_ctx *c, char *buf, size_t n)
{
	static const char alphabet[] = "bcdfghjklmnpqrstvwxz2456789";
	char uid[40];
	objstore_new_uid(c->st, uid, sizeof uid);
	for (size_t i = 0; i < n; i++)
		buf[i] = alphabet[(unsigned char)uid[(i * 7) % 36] * 31u % (sizeof alphabet - 1)];
	buf[n] = '\0';
}

json_int_t ctl_replicas(const json_t *obj)
{
	json_t *r = json_object_get(json_object_get(obj, "spec"), "replicas");
	return json_is_integer(r) ? json_integer_value(r) : 1;
}

bool ctl_pod_ready(const json_t *pod)
{
	size_t i;
	json_t *cond;
	json_array_foreach(json_object_get(json_object_get(pod, "status"), "conditions"), i, cond) {
		const char *t = json_string_value(json_object_get(cond, "type"));
		const char *s = json_string_value(json_object_get(cond, "status"));
		if (t && s && !strcmp(t, "Ready"))
			return !strcmp(s, "True");
	}
	return false;
}

json_t *ctl_owner_ref(const json_t *owner)
{
	return json_pack("{s:O,s:O,s:s,s:s,s:b,s:b}", "apiVersion", json_object_get(owner, "apiVersion"),
			 "kind", json_object_get(owner, "kind"), "name", objstore_obj_name(owner),
			 "uid", objstore_obj_uid(owner), "controller", 1, "blockOwnerDeletion", 1);
}

void ctl_event(struct ctl_ctx *c, const json_t *obj, const char *type, const char *reason,
	       const char *message, const char *component, const char *field_path)
{
	if (!c->events)
		return;
	char suffix[17];
	char uid[40];
	objstore_new_uid(c->st, uid, sizeof uid);
	memcpy(suffix, uid, 8);
	memcpy(suffix + 8, uid + 9, 4);
	memcpy(suffix + 12, uid + 14, 4);
	suffix[16] = '\0';
	char *name = xasprintf("%s.%s", objstore_obj_name(obj), suffix);
	json_t *involved = json_pack("{s:O,s:O,s:s,s:s,s:s,s:O}", "kind", json_object_get(obj, "kind"),
				     "apiVersion", json_object_get(obj, "apiVersion"), "name",
				     objstore_obj_name(obj), "namespace", objstore_obj_namespace(obj),
				     "uid", objstore_obj_uid(obj) ? objstore_obj_uid(obj) : "",
				     "resourceVersion",
				     json_object_get(json_object_get(obj, "metadata"), "resourceVersion"));
	if (field_path)
		json_object_set_new(involved, "fieldPath", json_string(field_path));
	json_t *ev = json_pack("{s:s,s:s,s:{s:s,s:s},s:o,s:s,s:s,s:{s:s},s:s,s:s,s:i,s:s,s:s,s:s}",
			       "apiVersion", "v1", "kind", "Event", "metadata", "name", name,
			       "namespace", objstore_obj_namespace(obj), "involvedObject", involved,
			       "reason", reason, "message", message, "source", "component",
			       component, "firstTimestamp", c->now_str, "lastTimestamp", c->now_str,
			       "count", 1, "type", type, "reportingComponent", component,
			       "reportingInstance", "");
	objstore_create(c->st, c->cl, c->events, ev, false, NULL);
	free(name);
}

void ctl_create_pod(struct ctl_ctx *c, const json_t *owner, const json_t *tmpl, const char *name,
		    json_t *extra_labels)
{
	json_t *meta = json_deep_copy(json_object_get(tmpl, "metadata"));
	if (!json_is_object(meta))
		meta = json_object();
	json_t *labels = json_object_get(meta, "labels");
	if (!json_is_object(labels)) {
		labels = json_object();
		json_object_set_new(meta, "labels", labels);
	}
	if (extra_labels)
		json_object_update(labels, extra_labels);
	json_object_set_new(meta, "name", json_string(name));
	json_object_set_new(meta, "namespace", json_string(objstore_obj_namespace(owner)));
	json_object_set_new(meta, "ownerReferences", json_pack("[o]", ctl_owner_ref(owner)));
	json_t *spec = json_deep_copy(json_object_get(tmpl, "spec"));
	json_t *pod = json_pack("{s:s,s:s,s:o,s:o,s:{s:s,s:s}}", "apiVersion", "v1", "kind", "Pod",
				"metadata", meta, "spec", spec ? spec : json_object(), "status",
				"phase", "Pending", "qosClass", "BestEffort");
	const json_t *stored;
	if (objstore_create(c->st, c->cl, c->pods, pod, false, &stored) == OBJSTORE_OK) {
		char msg[512];
		snprintf(msg, sizeof msg, "Created pod: %s", name);
		const char *kind = json_string_value(json_object_get(owner, "kind"));
		bool sts = kind && !strcmp(kind, "StatefulSet");
		ctl_event(c, owner, "Normal", "SuccessfulCreate", msg,
			  sts ? "statefulset-controller" : "replicaset-controller", NULL);
	}
}

bool controller_tick_cluster(struct objstore *st, struct objstore_cluster *cl)
{
	struct ctl_ctx c;
	memset(&c, 0, sizeof c);
	c.st = st;
	c.cl = cl;
	c.now = st->clock();
	objstore_format_time(c.now, c.now_str, sizeof c.now_str);
	c.pods = resource_find(&cl->resources, "", "v1", "pods");
	c.events = resource_find(&cl->resources, "", "v1", "events");
	c.nodes = resource_find(&cl->resources, "", "v1", "nodes");
	c.rs = resource_find(&cl->resources, "apps", "v1", "replicasets");
	c.deploy = resource_find(&cl->resources, "apps", "v1", "deployments");
	c.sts = resource_find(&cl->resources, "apps", "v1", "statefulsets");
	if (!c.pods || !c.rs || !c.deploy || !c.sts)
		return false;
	/* pods first so that replica counts see this tick's readiness */
	ctl_pods_tick(&c);
	c.pods_by_owner = ctl_index(cl, c.pods);
	c.rs_by_owner = ctl_index(cl, c.rs);
	ctl_deployments_tick(&c);
	json_decref(c.rs_by_owner);
	c.rs_by_owner = ctl_index(cl, c.rs);
	ctl_replicasets_tick(&c);
	ctl_statefulsets_tick(&c);
	json_decref(c.pods_by_owner);
	json_decref(c.rs_by_owner);
	return c.waiting;
}

void controller_tick(struct objstore *st)
{
	for (size_t i = 0; i < st->nclusters; i++)
		controller_tick_cluster(st, &st->clusters[i]);
	sbx_argocd_controller_tick(st);
}

/* Ticks only the clusters where something changed or timed work waits: with 50,000
 * pods a pass costs tens of milliseconds, and an idle sandbox should use no CPU. */
static void controller_tick_changed(struct controller *c)
{
	struct objstore *st = c->store;
	bool changed = false;
	for (size_t i = 0; i < st->nclusters; i++) {
		struct objstore_cluster *cl = &st->clusters[i];
		if (cl->rv == c->seen_rv[i] && !c->waiting[i])
			continue;
		c->waiting[i] = controller_tick_cluster(st, cl);
		/* our own writes change rv: look once more next tick, then rest */
		if (cl->rv != c->seen_rv[i])
			c->waiting[i] = true;
		c->seen_rv[i] = cl->rv;
		changed = true;
	}
	/* Argo CD's controller watches every cluster (health follows pods anywhere);
	 * waiting[nclusters] is its own "timed work remains" flag */
	if (changed || c->waiting[st->nclusters])
		c->waiting[st->nclusters] = sbx_argocd_controller_tick(st);
}

static void *controller_main(void *arg)
{
	struct controller *c = arg;
	struct objstore *st = c->store;
	pthread_mutex_lock(&st->lock);
	while (!st->stopping && c->running) {
		controller_tick_changed(c);
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += (long)c->tick_ms * 1000000L;
		until.tv_sec += until.tv_nsec / 1000000000L;
		until.tv_nsec %= 1000000000L;
		/* woken early by every change: a tick is cheap enough, but pace it */
		pthread_cond_timedwait(&c->wake, &st->lock, &until);
	}
	pthread_mutex_unlock(&st->lock);
	return NULL;
}

int controller_start(struct controller *c, struct objstore *st, unsigned tick_ms)
{
	c->store = st;
	c->tick_ms = tick_ms ? tick_ms : 250;
	c->running = true;
	c->seen_rv = xcalloc(st->nclusters + 1, sizeof *c->seen_rv);
	c->waiting = xcalloc(st->nclusters + 1, sizeof *c->waiting);
	pthread_cond_init(&c->wake, NULL);
	if (pthread_create(&c->thread, NULL, controller_main, c)) {
		c->running = false;
		pthread_cond_destroy(&c->wake);
		free(c->seen_rv);
		free(c->waiting);
		return -1;
	}
	return 0;
}

void controller_stop(struct controller *c)
{
	if (!c->running)
		return;
	pthread_mutex_lock(&c->store->lock);
	c->running = false;
	pthread_cond_signal(&c->wake);
	pthread_mutex_unlock(&c->store->lock);
	pthread_join(c->thread, NULL);
	pthread_cond_destroy(&c->wake);
	free(c->seen_rv);
	free(c->waiting);
}
