/* The workload controllers: ReplicaSets keep their pod count, Deployments roll a changed
 * pod template out through a new ReplicaSet (reusing an identical old one, which is how
 * rollout undo works) and report status kubectl rollout status understands, and
 * StatefulSets keep ordinal pods NAME-0..N-1. */
#include "core/xalloc.h"
#include "sandbox/controller_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REVISION_KEY "deployment.kubernetes.io/revision"
#define TEMPLATE_HASH_KEY "sandbox.opsdeck.dev/template-hash"

static json_t *wl_get(const json_t *obj, const char *a, const char *b)
{
	return json_object_get(json_object_get(obj, a), b);
}

static json_int_t wl_status_int(const json_t *obj, const char *key)
{
	return json_integer_value(wl_get(obj, "status", key));
}

/* As the deployment controller names ReplicaSets: FNV-1a 32 of the template, printed
 * in decimal, each digit mapped into the API server's safe alphabet. */
static void wl_template_hash(const json_t *tmpl, char *out, size_t len)
{
	char *text = json_dumps(tmpl, JSON_COMPACT | JSON_SORT_KEYS);
	unsigned h = 2166136261u;
	for (const char *p = text; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	free(text);
	static const char alphabet[] = "bcdfghjklmnpqrstvwxz2456789";
	char digits[16];
	snprintf(digits, sizeof digits, "%u", h);
	size_t i;
	for (i = 0; digits[i] && i + 1 < len; i++)
		out[i] = alphabet[(unsigned char)digits[i] % (sizeof alphabet - 1)];
	out[i] = '\0';
}

static json_t *wl_template_without_hash(const json_t *tmpl)
{
	json_t *copy = json_deep_copy(tmpl);
	json_t *labels = wl_get(copy, "metadata", "labels");
	json_object_del(labels, "pod-template-hash");
	json_object_del(labels, "controller-revision-hash");
	/* clients send "creationTimestamp": null in templates; it means the same as none */
	json_t *meta = json_object_get(copy, "metadata");
	if (json_is_null(json_object_get(meta, "creationTimestamp")))
		json_object_del(meta, "creationTimestamp");
	if (json_is_object(meta) && json_object_size(json_object_get(meta, "annotations")) == 0)
		json_object_del(meta, "annotations");
	return copy;
}

static bool wl_template_equal(const json_t *rs_tmpl, const json_t *tmpl)
{
	json_t *a = wl_template_without_hash(rs_tmpl);
	json_t *b = wl_template_without_hash(tmpl);
	bool eq = json_equal(a, b);
	json_decref(a);
	json_decref(b);
	return eq;
}

static long wl_revision(const json_t *obj)
{
	const char *r = json_string_value(wl_get(obj, "metadata", "annotations") ?
		json_object_get(wl_get(obj, "metadata", "annotations"), REVISION_KEY) : NULL);
	return r ? strtol(r, NULL, 10) : 0;
}

static void wl_set_annotation(json_t *obj, const char *key, const char *value)
{
	json_t *meta = json_object_get(obj, "metadata");
	json_t *ann = json_object_get(meta, "annotations");
	if (!json_is_object(ann)) {
		ann = json_object();
		json_object_set_new(meta, "annotations", ann);
	}
	json_object_set_new(ann, key, json_string(value));
}

static void wl_set_replicas(struct ctl_ctx *c, const struct resource *res, const json_t *obj,
			    json_int_t n)
{
	json_t *copy = json_deep_copy(obj);
	json_object_set_new(json_object_get(copy, "spec"), "replicas", json_integer(n));
	ctl_put(c, res, copy);
}

/* ---- ReplicaSets ---- */

static int wl_pod_victim_cmp(const void *a, const void *b)
{
	const json_t *pa = *(const json_t *const *)a, *pb = *(const json_t *const *)b;
	bool ra = ctl_pod_ready(pa), rb = ctl_pod_ready(pb);
	if (ra != rb)
		return ra ? 1 : -1; /* not-ready pods go first */
	const char *ta = json_string_value(wl_get(pa, "metadata", "creationTimestamp"));
	const char *tb = json_string_value(wl_get(pb, "metadata", "creationTimestamp"));
	return -strcmp(ta ? ta : "", tb ? tb : ""); /* then the newest */
}

static void wl_rs_scale(struct ctl_ctx *c, const json_t *rs, json_t *pods, json_int_t want)
{
	json_int_t have = (json_int_t)json_array_size(pods);
	for (json_int_t i = have; i < want; i++) {
		char suffix[8];
		ctl_random_suffix(c, suffix, 5);
		char *name = xasprintf("%s-%s", objstore_obj_name(rs), suffix);
		ctl_create_pod(c, rs, json_object_get(json_object_get(rs, "spec"), "template"), name,
			       NULL);
		free(name);
	}
	if (have <= want)
		return;
	size_t n = json_array_size(pods);
	const json_t **sorted = xcalloc(n, sizeof *sorted);
	for (size_t i = 0; i < n; i++)
		sorted[i] = json_array_get(pods, i);
	qsort(sorted, n, sizeof *sorted, wl_pod_victim_cmp);
	for (json_int_t i = 0; i < have - want; i++) {
		char msg[300];
		snprintf(msg, sizeof msg, "Deleted pod: %s", objstore_obj_name(sorted[i]));
		ctl_event(c, rs, "Normal", "SuccessfulDelete", msg, "replicaset-controller", NULL);
		char *ns = xstrdup(objstore_obj_namespace(sorted[i]));
		char *name = xstrdup(objstore_obj_name(sorted[i]));
		objstore_delete(c->st, c->cl, c->pods, ns, name, OBJSTORE_BACKGROUND, false, NULL);
		free(ns);
		free(name);
	}
	free(sorted);
}

static void wl_rs_status(struct ctl_ctx *c, const json_t *rs, json_t *pods)
{
	json_int_t n = (json_int_t)json_array_size(pods), ready = 0;
	size_t i;
	json_t *pod;
	json_array_foreach(pods, i, pod)
		ready += ctl_pod_ready(pod);
	json_t *status = json_pack("{s:I,s:I,s:I,s:I,s:I}", "replicas", n, "fullyLabeledReplicas", n,
				   "readyReplicas", ready, "availableReplicas", ready,
				   "observedGeneration",
				   json_integer_value(wl_get(rs, "metadata", "generation")));
	if (!ready) {
		json_object_del(status, "readyReplicas");
		json_object_del(status, "availableReplicas");
	}
	if (json_equal(status, json_object_get(rs, "status"))) {
		json_decref(status);
		return;
	}
	json_t *copy = json_deep_copy(rs);
	json_object_set_new(copy, "status", status);
	ctl_put(c, c->rs, copy);
}

void ctl_replicasets_tick(struct ctl_ctx *c)
{
	json_t *list = json_array();
	const char *key;
	json_t *rs;
	json_object_foreach(objstore_objects(c->cl, c->rs), key, rs)
		json_array_append(list, rs);
	size_t i;
	json_array_foreach(list, i, rs) {
		json_t *pods = ctl_owned(c->pods_by_owner, objstore_obj_uid(rs));
		json_t *mine = pods ? json_incref(pods) : json_array();
		json_int_t want = ctl_replicas(rs);
		if ((json_int_t)json_array_size(mine) != want)
			wl_rs_scale(c, rs, mine, want);
		else
			wl_rs_status(c, rs, mine);
		json_decref(mine);
	}
	json_decref(list);
}

/* ---- Deployments ---- */

static json_t *wl_new_rs(struct ctl_ctx *c, const json_t *d, long revision)
{
	const json_t *tmpl = wl_get(d, "spec", "template");
	char hash[16], rev[24];
	wl_template_hash(tmpl, hash, sizeof hash);
	snprintf(rev, sizeof rev, "%ld", revision);
	json_t *t = json_deep_copy(tmpl);
	json_t *tmeta = json_object_get(t, "metadata");
	if (!json_is_object(tmeta)) {
		tmeta = json_object();
		json_object_set_new(t, "metadata", tmeta);
	}
	if (!json_is_object(json_object_get(tmeta, "labels")))
		json_object_set_new(tmeta, "labels", json_object());
	json_object_set_new(json_object_get(tmeta, "labels"), "pod-template-hash", json_string(hash));
	json_t *sel = json_deep_copy(wl_get(d, "spec", "selector"));
	if (!json_is_object(sel))
		sel = json_object();
	if (!json_is_object(json_object_get(sel, "matchLabels")))
		json_object_set_new(sel, "matchLabels", json_object());
	json_object_set_new(json_object_get(sel, "matchLabels"), "pod-template-hash", json_string(hash));
	char *name = xasprintf("%s-%s", objstore_obj_name(d), hash);
	json_t *rs = json_pack("{s:s,s:s,s:{s:s,s:s,s:O,s:{s:s},s:[o]},s:{s:i,s:o,s:o}}",
			       "apiVersion", "apps/v1", "kind", "ReplicaSet", "metadata", "name", name,
			       "namespace", objstore_obj_namespace(d), "labels",
			       json_object_get(tmeta, "labels"), "annotations", REVISION_KEY, rev,
			       "ownerReferences", ctl_owner_ref(d), "spec", "replicas", 0,
			       "selector", sel, "template", t);
	free(name);
	const json_t *stored = NULL;
	if (objstore_create(c->st, c->cl, c->rs, rs, false, &stored) != OBJSTORE_OK)
		return NULL;
	return (json_t *)stored;
}

static json_t *wl_condition(const json_t *old_status, const char *type, const char *status,
			    const char *reason, const char *message, const char *now)
{
	size_t i;
	json_t *cond;
	json_array_foreach(json_object_get(old_status, "conditions"), i, cond) {
		const char *t = json_string_value(json_object_get(cond, "type"));
		if (!t || strcmp(t, type))
			continue;
		const char *s = json_string_value(json_object_get(cond, "status"));
		const char *r = json_string_value(json_object_get(cond, "reason"));
		const char *m = json_string_value(json_object_get(cond, "message"));
		if (s && r && m && !strcmp(s, status) && !strcmp(r, reason) && !strcmp(m, message))
			return json_incref(cond);
	}
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "type", type, "status", status,
			 "lastUpdateTime", now, "lastTransitionTime", now, "reason", reason,
			 "message", message);
}

static void wl_deploy_status(struct ctl_ctx *c, const json_t *d, json_t *rss, const json_t *new_rs)
{
	json_int_t want = ctl_replicas(d), replicas = 0, ready = 0, avail = 0;
	size_t i;
	json_t *rs;
	json_array_foreach(rss, i, rs) {
		replicas += wl_status_int(rs, "replicas");
		ready += wl_status_int(rs, "readyReplicas");
		avail += wl_status_int(rs, "availableReplicas");
	}
	json_int_t updated = new_rs ? wl_status_int(new_rs, "replicas") : 0;
	bool complete = new_rs && updated == want && replicas == want && avail == want &&
			ctl_replicas(new_rs) == want;
	const json_t *old = json_object_get(d, "status");
	char msg[400];
	snprintf(msg, sizeof msg, complete ? "ReplicaSet \"%s\" has successfully progressed."
					   : "ReplicaSet \"%s\" is progressing.",
		 new_rs ? objstore_obj_name(new_rs) : "");
	bool min_ok = avail >= want - want / 4;
	json_t *conds = json_array();
	json_array_append_new(conds, wl_condition(old, "Available", min_ok ? "True" : "False",
		min_ok ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
		min_ok ? "Deployment has minimum availability."
		       : "Deployment does not have minimum availability.", c->now_str));
	json_array_append_new(conds, wl_condition(old, "Progressing", "True",
		complete ? "NewReplicaSetAvailable" : "ReplicaSetUpdated", msg, c->now_str));
	json_t *status = json_pack("{s:I,s:I,s:I,s:I,s:I,s:o}", "observedGeneration",
				   json_integer_value(wl_get(d, "metadata", "generation")),
				   "replicas", replicas, "updatedReplicas", updated, "readyReplicas",
				   ready, "availableReplicas", avail, "conditions", conds);
	if (replicas > avail)
		json_object_set_new(status, "unavailableReplicas", json_integer(replicas - avail));
	static const char *zero_omitted[] = {"replicas", "updatedReplicas", "readyReplicas",
					     "availableReplicas"};
	for (i = 0; i < 4; i++)
		if (json_integer_value(json_object_get(status, zero_omitted[i])) == 0)
			json_object_del(status, zero_omitted[i]);
	if (json_equal(status, old)) {
		json_decref(status);
		return;
	}
	json_t *copy = json_deep_copy(d);
	json_object_set_new(copy, "status", status);
	ctl_put(c, c->deploy, copy);
}

static void wl_scale_event(struct ctl_ctx *c, const json_t *d, const json_t *rs, json_int_t from,
			   json_int_t to)
{
	char msg[400];
	snprintf(msg, sizeof msg, "Scaled %s replica set %s to %lld from %lld",
		 to > from ? "up" : "down", objstore_obj_name(rs), (long long)to, (long long)from);
	ctl_event(c, d, "Normal", "ScalingReplicaSet", msg, "deployment-controller", NULL);
}

/* One rolling step: new up by one while within the surge, old down by what the new
 * ReplicaSet's ready pods cover. */
static void wl_roll(struct ctl_ctx *c, const json_t *d, json_t *rss, const json_t *new_rs)
{
	json_int_t want = ctl_replicas(d), cur = ctl_replicas(new_rs), old_total = 0;
	size_t i;
	json_t *rs;
	json_array_foreach(rss, i, rs)
		if (rs != new_rs)
			old_total += ctl_replicas(rs);
	json_int_t surge = want / 4 > 1 ? want / 4 : 1;
	if (cur > want) {
		wl_scale_event(c, d, new_rs, cur, want);
		wl_set_replicas(c, c->rs, new_rs, want);
	} else if (cur < want && cur + old_total < want + surge) {
		wl_scale_event(c, d, new_rs, cur, cur + 1);
		wl_set_replicas(c, c->rs, new_rs, cur + 1);
	}
	json_int_t excess = wl_status_int(new_rs, "readyReplicas") + old_total - want;
	json_array_foreach(rss, i, rs) {
		json_int_t n = ctl_replicas(rs);
		if (rs == new_rs || n == 0 || excess <= 0)
			continue;
		json_int_t cut = n < excess ? n : excess;
		wl_scale_event(c, d, rs, n, n - cut);
		wl_set_replicas(c, c->rs, rs, n - cut);
		excess -= cut;
	}
}

static void wl_deployment(struct ctl_ctx *c, const json_t *d)
{
	json_t *owned = ctl_owned(c->rs_by_owner, objstore_obj_uid(d));
	json_t *rss = owned ? json_incref(owned) : json_array();
	const json_t *tmpl = wl_get(d, "spec", "template");
	json_t *new_rs = NULL;
	long maxrev = 0;
	size_t i;
	json_t *rs;
	json_array_foreach(rss, i, rs) {
		long r = wl_revision(rs);
		maxrev = r > maxrev ? r : maxrev;
		if (!new_rs && wl_template_equal(wl_get(rs, "spec", "template"), tmpl))
			new_rs = rs;
	}
	if (!new_rs) {
		wl_new_rs(c, d, maxrev + 1);
		json_decref(rss);
		return; /* scaled from the next tick, once indexed */
	}
	long rev = wl_revision(new_rs);
	char buf[24];
	if (rev < maxrev || rev == 0) {
		/* an older ReplicaSet is current again (rollout undo): it becomes the newest */
		snprintf(buf, sizeof buf, "%ld", maxrev + 1);
		json_t *copy = json_deep_copy(new_rs);
		wl_set_annotation(copy, REVISION_KEY, buf);
		ctl_put(c, c->rs, copy);
		json_decref(rss);
		return;
	}
	snprintf(buf, sizeof buf, "%ld", rev);
	if (wl_revision(d) != rev) {
		json_t *copy = json_deep_copy(d);
		wl_set_annotation(copy, REVISION_KEY, buf);
		ctl_put(c, c->deploy, copy);
		json_decref(rss);
		return;
	}
	if (!json_is_true(wl_get(d, "spec", "paused")))
		wl_roll(c, d, rss, new_rs);
	wl_deploy_status(c, d, rss, new_rs);
	json_decref(rss);
}

void ctl_deployments_tick(struct ctl_ctx *c)
{
	json_t *list = json_array();
	const char *key;
	json_t *d;
	json_object_foreach(objstore_objects(c->cl, c->deploy), key, d)
		json_array_append(list, d);
	size_t i;
	json_array_foreach(list, i, d)
		wl_deployment(c, d);
	json_decref(list);
}

/* ---- StatefulSets ---- */

static const json_t *wl_sts_pod(json_t *pods, const char *name)
{
	size_t i;
	json_t *pod;
	json_array_foreach(pods, i, pod)
		if (!strcmp(objstore_obj_name(pod), name))
			return pod;
	return NULL;
}

static void wl_sts_create(struct ctl_ctx *c, const json_t *sts, json_int_t ordinal,
			  const char *revision)
{
	char *name = xasprintf("%s-%lld", objstore_obj_name(sts), (long long)ordinal);
	char idx[24];
	snprintf(idx, sizeof idx, "%lld", (long long)ordinal);
	json_t *extra = json_pack("{s:s,s:s,s:s}", "statefulset.kubernetes.io/pod-name", name,
				  "apps.kubernetes.io/pod-index", idx, "controller-revision-hash",
				  revision);
	ctl_create_pod(c, sts, wl_get(sts, "spec", "template"), name, extra);
	json_decref(extra);
	free(name);
}

/* At most one pod created or deleted per tick, lowest missing first, highest extra or
 * outdated first, and only when every existing pod is ready (OrderedReady). */
static void wl_sts_step(struct ctl_ctx *c, const json_t *sts, json_t *pods, const char *revision)
{
	json_int_t want = ctl_replicas(sts), n = (json_int_t)json_array_size(pods);
	size_t i;
	json_t *pod;
	bool all_ready = true;
	json_array_foreach(pods, i, pod)
		all_ready = all_ready && ctl_pod_ready(pod);
	if (!all_ready)
		return;
	const json_t *victim = NULL;
	for (json_int_t k = 0; k < want; k++) {
		char *name = xasprintf("%s-%lld", objstore_obj_name(sts), (long long)k);
		const json_t *p = wl_sts_pod(pods, name);
		free(name);
		if (!p) {
			wl_sts_create(c, sts, k, revision);
			return;
		}
		const char *h = json_string_value(json_object_get(wl_get(p, "metadata", "labels"),
								  "controller-revision-hash"));
		if (h && strcmp(h, revision))
			victim = p; /* the highest outdated ordinal */
	}
	for (json_int_t k = n + 16; k >= want; k--) {
		char *name = xasprintf("%s-%lld", objstore_obj_name(sts), (long long)k);
		const json_t *p = wl_sts_pod(pods, name);
		free(name);
		if (p) {
			victim = p;
			break;
		}
	}
	if (victim) {
		char *ns = xstrdup(objstore_obj_namespace(victim)), *name = xstrdup(objstore_obj_name(victim));
		objstore_delete(c->st, c->cl, c->pods, ns, name, OBJSTORE_BACKGROUND, false, NULL);
		free(ns);
		free(name);
	}
}

static void wl_statefulset(struct ctl_ctx *c, const json_t *sts)
{
	json_t *owned = ctl_owned(c->pods_by_owner, objstore_obj_uid(sts));
	json_t *pods = owned ? json_incref(owned) : json_array();
	const char *revision = json_string_value(wl_get(sts, "status", "updateRevision"));
	char hash[16];
	wl_template_hash(wl_get(sts, "spec", "template"), hash, sizeof hash);
	const char *seen = json_string_value(json_object_get(wl_get(sts, "metadata", "annotations"),
							     TEMPLATE_HASH_KEY));
	if (!seen || strcmp(seen, hash)) {
		/* first sight keeps the scenario's revision; a changed template starts a new one */
		json_t *copy = json_deep_copy(sts);
		wl_set_annotation(copy, TEMPLATE_HASH_KEY, hash);
		if (seen || !revision) {
			if (!json_is_object(json_object_get(copy, "status")))
				json_object_set_new(copy, "status", json_object());
			char *fresh = xasprintf("%s-%s", objstore_obj_name(sts), hash);
			json_object_set_new(json_object_get(copy, "status"), "updateRevision",
					    json_string(fresh));
			free(fresh);
		}
		ctl_put(c, c->sts, copy);
		json_decref(pods);
		return;
	}
	char *rev = xstrdup(revision);
	wl_sts_step(c, sts, pods, rev);
	json_int_t n = (json_int_t)json_array_size(pods), ready = 0;
	size_t i;
	json_t *pod;
	json_array_foreach(pods, i, pod)
		ready += ctl_pod_ready(pod);
	json_t *status = json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:s,s:s,s:i}", "observedGeneration",
				   json_integer_value(wl_get(sts, "metadata", "generation")),
				   "replicas", n, "readyReplicas", ready, "currentReplicas", n,
				   "updatedReplicas", n, "availableReplicas", ready,
				   "currentRevision", rev, "updateRevision", rev, "collisionCount", 0);
	if (!json_equal(status, json_object_get(sts, "status"))) {
		json_t *copy = json_deep_copy(sts);
		json_object_set_new(copy, "status", status);
		ctl_put(c, c->sts, copy);
	} else {
		json_decref(status);
	}
	free(rev);
	json_decref(pods);
}

void ctl_statefulsets_tick(struct ctl_ctx *c)
{
	json_t *list = json_array();
	const char *key;
	json_t *sts;
	json_object_foreach(objstore_objects(c->cl, c->sts), key, sts)
		json_array_append(list, sts);
	size_t i;
	json_array_foreach(list, i, sts)
		wl_statefulset(c, sts);
	json_decref(list);
}
