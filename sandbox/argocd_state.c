/* The live side of the sandbox's Argo CD: managed resources looked up in the destination
 * cluster, health as Argo CD's built-in checks judge Deployments, StatefulSets, ReplicaSets
 * and Pods, and the reconciliation of an Application's sync and health with them. */
#include "sandbox/argocd_internal.h"

#include "core/xalloc.h"

#include <stdio.h>
#include <string.h>

void sbx_argocd_view_init(struct argocd_view *v, struct objstore *st)
{
	v->st = st;
	v->indexes = json_object();
	v->now = st->clock();
}

void sbx_argocd_view_free(struct argocd_view *v)
{
	json_decref(v->indexes);
	v->indexes = NULL;
}

static json_t *argocd_index_build(struct objstore_cluster *cl, const struct resource *res)
{
	json_t *index = json_object();
	const char *key;
	json_t *obj;
	json_object_foreach(res ? objstore_objects(cl, res) : NULL, key, obj) {
		size_t i;
		json_t *ref;
		json_array_foreach(sbx_argocd_at(obj, "metadata.ownerReferences"), i, ref) {
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

json_t *sbx_argocd_owned(struct argocd_view *v, struct objstore_cluster *dest, const char *group,
		     const char *plural, const char *uid)
{
	if (!dest || !uid)
		return NULL;
	char *key = xasprintf("%s/%s/%s", dest->name, group, plural);
	json_t *index = json_object_get(v->indexes, key);
	if (!index) {
		index = argocd_index_build(dest, resource_find_any(&dest->resources, group, plural));
		json_object_set_new(v->indexes, key, index);
	}
	free(key);
	return json_object_get(index, uid);
}

const json_t *sbx_argocd_live(struct objstore_cluster *dest, const json_t *ref)
{
	if (!dest)
		return NULL;
	const char *group = json_string_value(json_object_get(ref, "group"));
	const char *version = json_string_value(json_object_get(ref, "version"));
	const char *kind = json_string_value(json_object_get(ref, "kind"));
	char api_version[160];
	if (group && *group)
		snprintf(api_version, sizeof api_version, "%s/%s", group, version ? version : "v1");
	else
		snprintf(api_version, sizeof api_version, "%s", version ? version : "v1");
	const struct resource *res = kind ? resource_find_kind(&dest->resources, api_version, kind)
					  : NULL;
	if (!res)
		return NULL;
	return objstore_get(dest, res, json_string_value(json_object_get(ref, "namespace")),
			    json_string_value(json_object_get(ref, "name")));
}

bool sbx_argocd_workload_image(const json_t *obj, char *buf, size_t len)
{
	json_t *containers = sbx_argocd_at(obj, "spec.template.spec.containers");
	const char *name = objstore_obj_name(obj);
	json_t *pick = json_array_get(containers, 0);
	size_t i;
	json_t *c;
	json_array_foreach(containers, i, c) {
		const char *cn = json_string_value(json_object_get(c, "name"));
		if (cn && name && !strcmp(cn, name))
			pick = c;
	}
	const char *img = json_string_value(json_object_get(pick, "image"));
	if (img)
		snprintf(buf, len, "%s", img);
	return img != NULL;
}

static json_int_t argocd_int(const json_t *obj, const char *path, json_int_t dflt)
{
	json_t *v = sbx_argocd_at(obj, path);
	return json_is_integer(v) ? json_integer_value(v) : dflt;
}

/* A container stuck the way Argo CD's pod check calls Degraded. */
static const char *argocd_pod_stuck(const json_t *pod)
{
	static const char *bad[] = {"CrashLoopBackOff", "ImagePullBackOff", "ErrImagePull",
				    "CreateContainerConfigError", "InvalidImageName"};
	size_t i;
	json_t *cs;
	json_array_foreach(sbx_argocd_at(pod, "status.containerStatuses"), i, cs) {
		const char *reason = sbx_argocd_str(cs, "state.waiting.reason");
		for (size_t k = 0; reason && k < sizeof bad / sizeof bad[0]; k++)
			if (!strcmp(reason, bad[k]))
				return reason;
	}
	return NULL;
}

static const char *argocd_pod_health(const json_t *pod, char **message)
{
	const char *phase = sbx_argocd_str(pod, "status.phase");
	const char *stuck = argocd_pod_stuck(pod);
	if (stuck) {
		*message = xasprintf("containers are in %s", stuck);
		return "Degraded";
	}
	if (phase && !strcmp(phase, "Failed"))
		return "Degraded";
	if (phase && (!strcmp(phase, "Running") || !strcmp(phase, "Succeeded"))) {
		size_t i;
		json_t *cs;
		json_array_foreach(sbx_argocd_at(pod, "status.containerStatuses"), i, cs)
			if (!json_is_true(json_object_get(cs, "ready")))
				return "Progressing";
		return "Healthy";
	}
	return "Progressing";
}

/* A pod of the workload (through its ReplicaSets for a Deployment) that is stuck. */
static const char *argocd_workload_stuck(struct argocd_view *v, struct objstore_cluster *dest,
					 const json_t *obj, bool deployment)
{
	json_t *owners = deployment ? sbx_argocd_owned(v, dest, "apps", "replicasets",
						   objstore_obj_uid(obj))
				    : NULL;
	json_t *self = deployment ? NULL : json_pack("[O]", obj);
	const char *found = NULL;
	size_t i, k;
	json_t *o, *pod;
	json_array_foreach(deployment ? owners : self, i, o)
		json_array_foreach(sbx_argocd_owned(v, dest, "", "pods", objstore_obj_uid(o)), k, pod)
			if (!found)
				found = argocd_pod_stuck(pod);
	json_decref(self);
	return found;
}

static const char *argocd_deployment_health(const json_t *d, char **message)
{
	json_int_t want = argocd_int(d, "spec.replicas", 1);
	json_int_t updated = argocd_int(d, "status.updatedReplicas", 0);
	json_int_t total = argocd_int(d, "status.replicas", 0);
	json_int_t avail = argocd_int(d, "status.availableReplicas", 0);
	size_t i;
	json_t *cond;
	json_array_foreach(sbx_argocd_at(d, "status.conditions"), i, cond) {
		const char *reason = json_string_value(json_object_get(cond, "reason"));
		if (reason && !strcmp(reason, "ProgressDeadlineExceeded")) {
			*message = xasprintf("Deployment \"%s\" exceeded its progress deadline",
					     objstore_obj_name(d));
			return "Degraded";
		}
	}
	if (argocd_int(d, "status.observedGeneration", 0) < argocd_int(d, "metadata.generation", 0))
		*message = xstrdup("Waiting for rollout to finish: observed deployment generation "
				   "less than desired generation");
	else if (updated < want)
		*message = xasprintf("Waiting for rollout to finish: %lld out of %lld new replicas "
				     "have been updated...", (long long)updated, (long long)want);
	else if (total > updated)
		*message = xasprintf("Waiting for rollout to finish: %lld old replicas are pending "
				     "termination...", (long long)(total - updated));
	else if (avail < updated)
		*message = xasprintf("Waiting for rollout to finish: %lld of %lld updated replicas "
				     "are available...", (long long)avail, (long long)updated);
	return *message ? "Progressing" : "Healthy";
}

const char *sbx_argocd_health(struct argocd_view *v, struct objstore_cluster *dest,
			  const json_t *obj, char **message)
{
	*message = NULL;
	const char *kind = sbx_argocd_str(obj, "kind");
	if (!kind)
		return NULL;
	if (!strcmp(kind, "Pod"))
		return argocd_pod_health(obj, message);
	bool deploy = !strcmp(kind, "Deployment");
	if (deploy || !strcmp(kind, "StatefulSet") || !strcmp(kind, "ReplicaSet")) {
		const char *stuck = argocd_workload_stuck(v, dest, obj, deploy);
		if (stuck) {
			*message = xasprintf("pods are in %s", stuck);
			return "Degraded";
		}
		if (deploy)
			return argocd_deployment_health(obj, message);
		json_int_t want = argocd_int(obj, "spec.replicas", 1);
		json_int_t ready = argocd_int(obj, "status.readyReplicas", 0);
		if (ready < want)
			*message = xasprintf("Waiting for %lld pods to be ready...",
					     (long long)(want - ready));
		return *message ? "Progressing" : "Healthy";
	}
	if (!strcmp(kind, "Service") || !strcmp(kind, "Ingress") ||
	    !strcmp(kind, "PersistentVolumeClaim"))
		return "Healthy";
	return NULL;
}

/* Argo CD's health order: the app shows its worst resource. */
static int argocd_health_rank(const char *h)
{
	static const char *order[] = {"Healthy", "Suspended", "Progressing", "Missing",
				      "Degraded", "Unknown"};
	for (int i = 0; h && i < 6; i++)
		if (!strcmp(order[i], h))
			return i;
	return -1;
}

/* One status.resources entry against the live object; returns its health (or NULL). */
static const char *argocd_reconcile_entry(struct argocd_view *v, struct objstore_cluster *dest,
					  json_t *entry, const char *git_image, json_t *images)
{
	const json_t *live = sbx_argocd_live(dest, entry);
	const char *kind = json_string_value(json_object_get(entry, "kind"));
	char *msg = NULL;
	const char *health = live ? sbx_argocd_health(v, dest, live, &msg) : "Missing";
	const char *sync = live ? "Synced" : "OutOfSync";
	char img[512];
	if (live && kind && (!strcmp(kind, "Deployment") || !strcmp(kind, "StatefulSet")) &&
	    sbx_argocd_workload_image(live, img, sizeof img)) {
		json_array_append_new(images, json_string(img));
		if (!strcmp(kind, "Deployment") && strcmp(img, git_image))
			sync = "OutOfSync";
	}
	json_object_set_new(entry, "status", json_string(sync));
	if (health) {
		json_t *h = json_pack("{s:s}", "status", health);
		if (msg)
			json_object_set_new(h, "message", json_string(msg));
		json_object_set_new(entry, "health", h);
	} else {
		json_object_del(entry, "health");
	}
	free(msg);
	return health;
}

/* images holds an image of image's repository (the part before the tag). */
static bool argocd_same_repo(const json_t *images, const char *image)
{
	if (!image)
		return true;
	const char *colon = strrchr(image, ':');
	size_t n = colon && !strchr(colon, '/') ? (size_t)(colon - image) : strlen(image);
	size_t i;
	json_t *x;
	json_array_foreach(images, i, x) {
		const char *s = json_string_value(x);
		if (s && !strncmp(s, image, n) && (s[n] == ':' || s[n] == '\0'))
			return true;
	}
	return false;
}

bool sbx_argocd_reconcile(struct argocd_view *v, json_t *app)
{
	const char *git_image = sbx_argocd_annotation(app, ARGOCD_GIT_IMAGE);
	struct objstore_cluster *dest = sbx_argocd_dest(v->st, app);
	json_t *status = json_object_get(app, "status");
	if (!git_image || !dest || !json_is_object(status))
		return false;
	json_t *before = json_deep_copy(status);
	json_t *images = json_array();
	const char *worst = "Healthy";
	bool out_of_sync = false;
	size_t i;
	json_t *entry;
	json_array_foreach(json_object_get(status, "resources"), i, entry) {
		const char *h = argocd_reconcile_entry(v, dest, entry, git_image, images);
		if (h && argocd_health_rank(h) > argocd_health_rank(worst))
			worst = h;
		const char *s = json_string_value(json_object_get(entry, "status"));
		out_of_sync = out_of_sync || (s && !strcmp(s, "OutOfSync"));
	}
	json_t *sync = json_object_get(status, "sync");
	if (json_is_object(sync))
		json_object_set_new(sync, "status", json_string(out_of_sync ? "OutOfSync" : "Synced"));
	json_t *health = json_pack("{s:s}", "status", worst);
	json_object_set_new(status, "health", health);
	json_t *summary = json_object_get(status, "summary");
	if (!json_is_object(summary)) {
		summary = json_object();
		json_object_set_new(status, "summary", summary);
	}
	/* keep the images the summary listed for other repositories (sidecars): only the
	 * workloads' main images move */
	json_array_foreach(json_object_get(summary, "images"), i, entry)
		if (!argocd_same_repo(images, json_string_value(entry)))
			json_array_append(images, entry);
	json_object_set_new(summary, "images", images);
	bool changed = !json_equal(before, status);
	json_decref(before);
	return changed;
}
