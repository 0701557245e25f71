/* The sandbox's API entry point and the handlers behind it: authentication outcome,
 * authorization, then discovery, resource reads, watches, writes, logs and reviews. */
#ifndef OPSDECK_SANDBOX_API_H
#define OPSDECK_SANDBOX_API_H

#include "sandbox/apireq.h"
#include "sandbox/resource.h"
#include "sandbox/route.h"

/* Handles a request whose identity is known (req->who, NULL = anonymous); called with the
 * store lock held; sets req->resp. */
void api_handle(struct apireq *req);

/* Handlers, each in its own file; called with the store lock held. */
void discovery_handle(struct apireq *req, const char *path);
void openapi_handle(struct apireq *req, const char *path);
void api_list(struct apireq *req, const struct resource *res, const struct route *rt);
void api_get(struct apireq *req, const struct resource *res, const struct route *rt);
void api_watch(struct apireq *req, const struct resource *res, const struct route *rt);
void api_create(struct apireq *req, const struct resource *res, const struct route *rt);
void api_update(struct apireq *req, const struct resource *res, const struct route *rt);
void api_patch(struct apireq *req, const struct resource *res, const struct route *rt);
void api_delete(struct apireq *req, const struct resource *res, const struct route *rt);
void api_delete_collection(struct apireq *req, const struct resource *res,
			   const struct route *rt);
void api_logs(struct apireq *req, const struct resource *res, const struct route *rt);
void api_review(struct apireq *req, const struct resource *res, const struct route *rt);

/* Common error replies with kube-apiserver's wording. */
void api_not_found(struct apireq *req, const struct resource *res, const char *name);
void api_bad_request(struct apireq *req, const char *message);
/* The body as a JSON object, or NULL after replying 400. */
json_t *api_body_json(struct apireq *req);
/* Serialises an object for res (apiVersion rewritten to the version asked for). */
json_t *api_object_out(const struct resource *res, const json_t *obj);

/* Shared by the read paths (api_list.c) and the watch. */
struct selector;
bool api_wants_table(const struct apireq *req);
int api_selectors(struct apireq *req, struct selector **labels, struct selector **fields);
json_t *api_table(const struct apireq *req, const struct resource *res, const json_t *items,
		  const char *rv, const char *cont);
/* The autoscaling/v1 Scale of a deployment, replicaset or statefulset (api_scale.c). */
void api_scale_get(struct apireq *req, const struct resource *res, const json_t *obj);
json_t *api_scale_of(const struct resource *res, const json_t *obj);
/* Applies a new Scale (stolen) to old: spec.replicas, with the resourceVersion check. */
void api_scale_apply(struct apireq *req, const struct resource *res, const struct route *rt,
		     const json_t *old, json_t *scale);

#endif
