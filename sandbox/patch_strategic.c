/* Kubernetes strategic merge patch, for the lists and directives kubectl sends: lists of
 * objects merged by their merge key (containers by name, ports by containerPort, ...),
 * $patch: replace/delete, $retainKeys, $deleteFromPrimitiveList/ and $setElementOrder/. */
#include "sandbox/patch_formats.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Lists merged element by element, and the field that identifies an element. Field
 * names stand for their Go struct tags (patchMergeKey) in k8s.io/api; the sandbox does
 * not know the type of an object, so a name means the same in every kind. */
static const struct {
	const char *field;
	const char *key;
} smp_merge_keys[] = {
	{"containers", "name"},
	{"initContainers", "name"},
	{"ephemeralContainers", "name"},
	{"env", "name"},
	{"volumes", "name"},
	{"imagePullSecrets", "name"},
	{"volumeMounts", "mountPath"},
	{"volumeDevices", "devicePath"},
	{"ports", "containerPort"},   /* ServicePort lists use "port"; see smp_merge_key */
	{"conditions", "type"},
	{"ownerReferences", "uid"},
	{"hostAliases", "ip"},
	{"topologySpreadConstraints", "topologyKey"},
};

/* Lists of scalars merged as sets (patchStrategy "merge" on a []string). */
static const char *const smp_primitive_sets[] = {"finalizers"};

#define SMP_DELETE_PRIMITIVE "$deleteFromPrimitiveList/"
#define SMP_SET_ORDER "$setElementOrder/"

struct smp_ctx {
	int *http_status;
	char *err;
	size_t errlen;
};

static json_t *smp_merge_object(const json_t *orig, const json_t *patch, struct smp_ctx *ctx);

static void *smp_fail(struct smp_ctx *ctx, int status, const char *msg, const char *detail)
{
	*ctx->http_status = status;
	snprintf(ctx->err, ctx->errlen, "%s%s", msg, detail ? detail : "");
	return NULL;
}

/* The merge key for field, or NULL when the list is replaced whole. ports holds
 * ContainerPorts (containerPort) in pods but ServicePorts (port) in services. */
static const char *smp_merge_key(const char *field, const json_t *patch_list)
{
	for (size_t i = 0; i < sizeof smp_merge_keys / sizeof smp_merge_keys[0]; i++) {
		if (strcmp(smp_merge_keys[i].field, field) != 0)
			continue;
		if (strcmp(field, "ports") == 0) {
			size_t j;
			json_t *el;
			json_array_foreach(patch_list, j, el)
				if (json_is_object(el) && json_object_get(el, "port") &&
				    !json_object_get(el, "containerPort"))
					return "port";
		}
		return smp_merge_keys[i].key;
	}
	return NULL;
}

static bool smp_is_primitive_set(const char *field)
{
	for (size_t i = 0; i < sizeof smp_primitive_sets / sizeof smp_primitive_sets[0]; i++)
		if (strcmp(smp_primitive_sets[i], field) == 0)
			return true;
	return false;
}

static const char *smp_directive(const json_t *obj)
{
	return json_string_value(json_object_get(obj, "$patch"));
}

static long smp_find(const json_t *list, const char *key, const json_t *want)
{
	size_t i;
	json_t *el;
	json_array_foreach(list, i, el)
		if (json_is_object(el) && json_equal(json_object_get(el, key), want))
			return (long)i;
	return -1;
}

/* Merges one patch element into out, the list being built. */
static int smp_merge_element(json_t *out, const char *key, const json_t *el,
			     struct smp_ctx *ctx)
{
	const json_t *id = json_object_get(el, key);
	if (!id) {
		smp_fail(ctx, 422, "map does not contain declared merge key: ", key);
		return -1;
	}
	long at = smp_find(out, key, id);
	const char *directive = smp_directive(el);
	if (directive && strcmp(directive, "delete") == 0) {
		if (at >= 0)
			json_array_remove(out, (size_t)at);
		return 0;
	}
	json_t *merged = smp_merge_object(at >= 0 ? json_array_get(out, (size_t)at) : NULL, el, ctx);
	if (!merged)
		return -1;
	if (at >= 0)
		json_array_set_new(out, (size_t)at, merged);
	else
		json_array_append_new(out, merged);
	return 0;
}

/* A list of objects merged by key: patch elements update the element with the same key
 * or are appended; {"$patch": "replace"} in the patch list replaces the list. */
static json_t *smp_merge_list(const json_t *orig, const json_t *patch, const char *key,
			      struct smp_ctx *ctx)
{
	bool replace = false;
	size_t i;
	json_t *el;
	json_array_foreach(patch, i, el) {
		const char *d = json_is_object(el) ? smp_directive(el) : NULL;
		if (d && strcmp(d, "replace") == 0)
			replace = true;
		else if (d && strcmp(d, "delete") != 0)
			return smp_fail(ctx, 422, "unknown patch type: ", d);
		if (!json_is_object(el))
			return smp_fail(ctx, 422, "list to be merged by key must hold objects: ", key);
	}
	json_t *out = !replace && json_is_array(orig) ? json_deep_copy(orig) : json_array();
	json_array_foreach(patch, i, el) {
		const char *d = smp_directive(el);
		if (d && strcmp(d, "replace") == 0)
			continue;
		if (smp_merge_element(out, key, el, ctx)) {
			json_decref(out);
			return NULL;
		}
	}
	return out;
}

/* A set of scalars: the patch's values are added once each, in order. */
static json_t *smp_merge_set(const json_t *orig, const json_t *patch)
{
	json_t *out = json_is_array(orig) ? json_deep_copy(orig) : json_array();
	size_t i, j;
	json_t *el, *have;
	json_array_foreach(patch, i, el) {
		bool found = false;
		json_array_foreach(out, j, have)
			found = found || json_equal(have, el);
		if (!found)
			json_array_append_new(out, json_deep_copy(el));
	}
	return out;
}

static void smp_delete_primitives(json_t *out, const char *field, const json_t *values)
{
	json_t *list = json_object_get(out, field);
	if (!json_is_array(list))
		return;
	for (size_t i = json_array_size(list); i-- > 0;) {
		size_t j;
		json_t *v;
		json_array_foreach(values, j, v)
			if (json_equal(json_array_get(list, i), v)) {
				json_array_remove(list, i);
				break;
			}
	}
}

/* The merged value of one field. */
static json_t *smp_merge_value(const char *field, const json_t *orig, const json_t *patch,
			       struct smp_ctx *ctx)
{
	if (json_is_object(patch))
		return smp_merge_object(json_is_object(orig) ? orig : NULL, patch, ctx);
	if (json_is_array(patch)) {
		const char *key = smp_merge_key(field, patch);
		if (key)
			return smp_merge_list(orig, patch, key, ctx);
		if (smp_is_primitive_set(field))
			return smp_merge_set(orig, patch);
	}
	return json_deep_copy(patch);
}

/* $retainKeys: fields of the result not named in the list are dropped (used by kubectl
 * apply for union types such as a Deployment's strategy). */
static int smp_retain_keys(json_t *out, const json_t *keys, struct smp_ctx *ctx)
{
	if (!json_is_array(keys)) {
		smp_fail(ctx, 422, "$retainKeys must be a list of strings", NULL);
		return -1;
	}
	const char *name;
	json_t *value;
	void *tmp;
	json_object_foreach_safe(out, tmp, name, value) {
		bool keep = false;
		size_t i;
		json_t *k;
		json_array_foreach(keys, i, k)
			keep = keep || (json_is_string(k) && strcmp(json_string_value(k), name) == 0);
		if (!keep)
			json_object_del(out, name);
	}
	return 0;
}

/* Applies the fields of patch to out (a copy of the original), skipping directives. */
static int smp_apply_fields(json_t *out, const json_t *orig, const json_t *patch,
			    struct smp_ctx *ctx)
{
	const char *field;
	json_t *value;
	json_object_foreach((json_t *)patch, field, value) {
		if (field[0] == '$') {
			if (strncmp(field, SMP_DELETE_PRIMITIVE, strlen(SMP_DELETE_PRIMITIVE)) == 0)
				smp_delete_primitives(out, field + strlen(SMP_DELETE_PRIMITIVE), value);
			continue;   /* $patch, $retainKeys: by the caller; $setElementOrder: ignored */
		}
		if (json_is_null(value)) {
			json_object_del(out, field);
			continue;
		}
		const char *d = json_is_object(value) ? smp_directive(value) : NULL;
		if (d && strcmp(d, "delete") == 0) {
			json_object_del(out, field);
			continue;
		}
		json_t *merged = smp_merge_value(field, json_object_get(orig, field), value, ctx);
		if (!merged)
			return -1;
		json_object_set_new(out, field, merged);
	}
	return 0;
}

/* Merges patch into orig (NULL: nothing there yet). $patch: replace in patch makes the
 * result the patch alone; nested directives are still interpreted, never stored. */
static json_t *smp_merge_object(const json_t *orig, const json_t *patch, struct smp_ctx *ctx)
{
	const char *directive = smp_directive(patch);
	if (directive && strcmp(directive, "replace") == 0)
		orig = NULL;
	else if (directive && strcmp(directive, "delete") != 0)
		return smp_fail(ctx, 422, "unknown patch type: ", directive);
	json_t *out = orig ? json_deep_copy(orig) : json_object();
	if (smp_apply_fields(out, orig, patch, ctx)) {
		json_decref(out);
		return NULL;
	}
	const json_t *retain = json_object_get(patch, "$retainKeys");
	if (retain && smp_retain_keys(out, retain, ctx)) {
		json_decref(out);
		return NULL;
	}
	return out;
}

json_t *patch_strategic(const json_t *orig, const json_t *patch, int *http_status, char *err,
			size_t errlen)
{
	struct smp_ctx ctx = {http_status, err, errlen};
	const char *directive = smp_directive(patch);
	if (directive && strcmp(directive, "delete") == 0)
		return smp_fail(&ctx, 422, "$patch: delete is not allowed on the whole object",
				NULL);
	return smp_merge_object(json_is_object(orig) ? orig : NULL, patch, &ctx);
}
