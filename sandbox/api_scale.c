/* The scale subresource of deployments, replicasets and statefulsets: an
 * autoscaling/v1 Scale read from and written to the object's spec.replicas. */
#include "sandbox/api.h"

#include "core/strbuf.h"
#include "sandbox/server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int api_cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* matchLabels as the API server prints a selector: "k=v,k2=v2", keys sorted. */
static char *api_selector_string(const json_t *selector)
{
	json_t *labels = json_object_get(selector, "matchLabels");
	size_t n = json_object_size(labels), i = 0;
	const char **keys = calloc(n + 1, sizeof *keys);
	const char *k;
	json_t *v;
	json_object_foreach(labels, k, v)
		keys[i++] = k;
	qsort(keys, n, sizeof *keys, api_cmp_str);
	struct strbuf sb = STRBUF_INIT;
	for (i = 0; i < n; i++)
		strbuf_printf(&sb, "%s%s=%s", i ? "," : "", keys[i],
			      json_string_value(json_object_get(labels, keys[i])));
	free(keys);
	return strbuf_detach(&sb);
}

json_t *api_scale_of(const struct resource *res, const json_t *obj)
{
	(void)res;
	const json_t *meta = json_object_get(obj, "metadata");
	json_t *smeta = json_object();
	static const char *keys[] = {"name", "namespace", "uid", "resourceVersion",
				     "creationTimestamp"};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		json_t *v = json_object_get(meta, keys[i]);
		if (v)
			json_object_set(smeta, keys[i], v);
	}
	const json_t *spec = json_object_get(obj, "spec");
	const json_t *status = json_object_get(obj, "status");
	json_int_t want = json_is_integer(json_object_get(spec, "replicas"))
				  ? json_integer_value(json_object_get(spec, "replicas")) : 1;
	char *sel = api_selector_string(json_object_get(spec, "selector"));
	json_t *scale = json_pack("{s:s,s:s,s:o,s:{s:I},s:{s:I,s:s}}", "kind", "Scale",
				  "apiVersion", "autoscaling/v1", "metadata", smeta, "spec",
				  "replicas", want, "status", "replicas",
				  json_integer_value(json_object_get(status, "replicas")), "selector",
				  sel);
	free(sel);
	return scale;
}

void api_scale_get(struct apireq *req, const struct resource *res, const json_t *obj)
{
	apireq_reply_json(req, 200, api_scale_of(res, obj));
}

void api_scale_apply(struct apireq *req, const struct resource *res, const struct route *rt,
		     const json_t *old, json_t *scale)
{
	json_t *replicas = json_object_get(json_object_get(scale, "spec"), "replicas");
	uint64_t rv = objstore_obj_rv(scale);
	if (!json_is_integer(replicas) || json_integer_value(replicas) < 0) {
		json_decref(scale);
		char msg[512];
		snprintf(msg, sizeof msg,
			 "Scale.autoscaling \"%s\" is invalid: spec.replicas: Invalid value: must be greater than or equal to 0",
			 rt->name);
		apireq_reply_status(req, 422, "Invalid", msg,
				     apireq_details(rt->name, "autoscaling", "Scale"));
		return;
	}
	json_t *obj = json_deep_copy(old);
	json_t *spec = json_object_get(obj, "spec");
	if (!json_is_object(spec)) {
		spec = json_object();
		json_object_set_new(obj, "spec", spec);
	}
	json_object_set(spec, "replicas", replicas);
	json_decref(scale);
	json_t *meta = json_object_get(obj, "metadata");
	if (rv) {
		char buf[24];
		snprintf(buf, sizeof buf, "%llu", (unsigned long long)rv);
		json_object_set_new(meta, "resourceVersion", json_string(buf));
	} else {
		json_object_del(meta, "resourceVersion");
	}
	const json_t *stored;
	const char *dry = apireq_query(req, "dryRun");
	enum objstore_status rc = objstore_update(&req->srv->store, req->cl, res, obj, dry && *dry,
					    &stored);
	if (rc == OBJSTORE_CONFLICT) {
		char msg[600];
		snprintf(msg, sizeof msg,
			 "Operation cannot be fulfilled on %s.%s \"%s\": the object has been modified; please apply your changes to the latest version and try again",
			 res->plural, res->group, rt->name);
		apireq_reply_status(req, 409, "Conflict", msg,
				     apireq_details(rt->name, res->group, res->plural));
		return;
	}
	if (rc) {
		api_not_found(req, res, rt->name);
		return;
	}
	apireq_reply_json(req, 200, api_scale_of(res, stored));
}
