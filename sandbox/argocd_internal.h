/* Shared by the sandbox's Argo CD files: where Applications live, field access by dotted
 * path, revisions and their images, sync windows, health, and the grpc-gateway error. */
#ifndef OPSDECK_SANDBOX_ARGOCD_INTERNAL_H
#define OPSDECK_SANDBOX_ARGOCD_INTERNAL_H

#include "sandbox/apireq.h"
#include "sandbox/objstore.h"

#include "sandbox/selector.h"

#include <jansson.h>
#include <stdbool.h>
#include <time.h>

#define ARGOCD_NS "argocd"
#define ARGOCD_HISTORY_MAX 10
#define ARGOCD_GIT_IMAGE "sandbox.opsdeck.dev/git-image"
#define ARGOCD_REVISION_IMAGES "sandbox.opsdeck.dev/revision-images"
#define ARGOCD_SYNC_FAILS "sandbox.opsdeck.dev/sync-fails"
#define ARGOCD_REFRESH "argocd.argoproj.io/refresh"

/* gRPC status codes Argo CD's errors carry. */
enum argocd_code {
	ARGOCD_INVALID_ARGUMENT = 3,
	ARGOCD_NOT_FOUND = 5,
	ARGOCD_PERMISSION_DENIED = 7,
	ARGOCD_FAILED_PRECONDITION = 9,
	ARGOCD_UNAUTHENTICATED = 16,
};

/* grpc-gateway's error body {"error","code","message"} with the HTTP status the code
 * maps to. */
void sbx_argocd_reply_error(struct apireq *req, enum argocd_code code, const char *message);

struct objstore_cluster *sbx_argocd_plane(struct objstore *st);
const struct resource *sbx_argocd_apps(struct objstore_cluster *cl);
const struct resource *sbx_argocd_projects(struct objstore_cluster *cl);
/* The cluster an Application deploys to: destination.name, or a server URL ending in
 * /clusters/NAME; NULL when unknown. */
struct objstore_cluster *sbx_argocd_dest(struct objstore *st, const json_t *app);
/* obj's value at a dotted path ("status.sync.status"); NULL when absent. */
json_t *sbx_argocd_at(const json_t *obj, const char *path);
const char *sbx_argocd_str(const json_t *obj, const char *path);
const char *sbx_argocd_annotation(const json_t *obj, const char *key);
/* Writes app (stolen) over the stored one, without a resourceVersion check. */
void sbx_argocd_put(struct objstore *st, struct objstore_cluster *cl, json_t *app);

/* The full sha a requested revision names into out ("", "HEAD" and the targetRevision
 * mean the branch head; a known sha or a prefix of 7+ hex characters, itself); false
 * when unknown. */
bool sbx_argocd_resolve_revision(const json_t *app, const char *revision, char out[41]);
/* The image a revision deploys (from the app's revision-images annotation); NULL when
 * unknown. Into buf. */
bool sbx_argocd_revision_image(const json_t *app, const char *sha, char *buf, size_t len);

/* Sync windows: true when the project's windows refuse a sync of app at now (manual: a
 * user's sync, which manualSync windows let through). */
bool sbx_argocd_sync_blocked(const json_t *project, const json_t *app, time_t now, bool manual);
/* A five-field cron schedule matches the minute holding t (UTC). */
bool sbx_argocd_cron_matches(const char *schedule, time_t t);
/* "62h", "1h30m", "45m", "90s": seconds, or -1. */
long sbx_argocd_duration(const char *text);

/* One look at the clusters: owner indexes built on first use and kept for the pass
 * (a tick or a request), so that many Applications do not rescan every pod. */
struct argocd_view {
	struct objstore *st;
	json_t *indexes;          /* "cluster/group/plural" -> {owner uid: [objects]} */
	time_t now;
};

void sbx_argocd_view_init(struct argocd_view *v, struct objstore *st);
void sbx_argocd_view_free(struct argocd_view *v);
/* Objects of group/plural in dest owned by uid (borrowed array; NULL when none). */
json_t *sbx_argocd_owned(struct argocd_view *v, struct objstore_cluster *dest, const char *group,
		     const char *plural, const char *uid);
/* The live object for a status.resources entry; NULL when absent. */
const json_t *sbx_argocd_live(struct objstore_cluster *dest, const json_t *ref);
/* Health of a live object ("Healthy", "Progressing", "Degraded"; NULL for kinds without
 * health) from its status and, for workloads, their pods. *message gets a new string or
 * NULL (caller frees). */
const char *sbx_argocd_health(struct argocd_view *v, struct objstore_cluster *dest,
			  const json_t *obj, char **message);
/* The main container's image of a Deployment or StatefulSet into buf; false if none. */
bool sbx_argocd_workload_image(const json_t *obj, char *buf, size_t len);

/* Recomputes an Application's (a copy's) resource statuses, sync status, images and
 * health from its destination cluster; returns true when something changed. Only
 * Applications the scenario made (with a git-image annotation) are simulated. */
bool sbx_argocd_reconcile(struct argocd_view *v, json_t *app);

/* Handlers (store lock held). app is the stored Application. */
void sbx_argocd_resource_tree(struct apireq *req, const json_t *app);
void sbx_argocd_managed_resources(struct apireq *req, const json_t *app);
void sbx_argocd_revision_metadata(struct apireq *req, const json_t *app, const char *revision);
void sbx_argocd_app_events(struct apireq *req, const json_t *app);
void sbx_argocd_stream(struct apireq *req);
/* Writes (Content-Type already checked); role is the caller's enum argocd_role. */
void sbx_argocd_sync(struct apireq *req, const json_t *app, int role);
void sbx_argocd_rollback(struct apireq *req, const json_t *app, int role);
void sbx_argocd_terminate_op(struct apireq *req, const json_t *app, int role);
/* The Application as the API returns it (apiVersion and kind set): new. */
json_t *sbx_argocd_app_out(const json_t *app);
/* Every value of a repeated query parameter ("projects=a&projects=b"): new array. */
json_t *sbx_argocd_query_all(const struct apireq *req, const char *key);
/* The list filters Argo CD's list and watch share. */
bool sbx_argocd_app_matches(const json_t *app, const json_t *names, const json_t *projects,
			const struct selector *labels, const char *app_ns);

#endif
