/* What the Argo CD batch commands (apps/sync/rollback, promote/board) share: the clients
 * set up once, waiting on the loop for one answer, and beginning an action through the
 * gate with its intent in the audit log. */
#ifndef OPSDECK_VIEWS_ARGOCD_BATCH_H
#define OPSDECK_VIEWS_ARGOCD_BATCH_H

#include <stdbool.h>

#include <jansson.h>

#include "clients/argocd.h"
#include "clients/kubeconfig.h"
#include "core/actions.h"
#include "core/args.h"
#include "core/audit.h"
#include "core/config.h"
#include "core/jobs.h"

/* How long one call may take before the command gives up. */
#define ARGOCD_BATCH_TIMEOUT_MS 60000

struct argocd_batch {
	struct loop *loop;
	struct http *http;
	struct jobs *jobs;
	struct kubeconfig *kcfg;     /* NULL when there is none and Argo CD needs none */
	struct kube_client *core;    /* core mode's cluster, else NULL */
	struct argocd_config cfg;
	struct argocd_client *ac;
	struct config *config;
	struct action_gate gate;
	struct audit_sink sink;
	bool sink_ready;
	char *argocd_user;
};

/* Resolves Argo CD's settings, loads the kubeconfig (needed for core mode and to name
 * clusters) and config.yaml, and makes the clients and the gate. Returns 0, or the exit
 * status 2 with the message printed. Call argocd_batch_close either way. */
int argocd_batch_open(struct argocd_batch *b, const struct global_opts *g);
void argocd_batch_close(struct argocd_batch *b);

/* One call's answer: pass argocd_answer_done and the struct as the callback and ud. */
struct argocd_answer {
	bool done, ok;
	long status;
	char *message;
	json_t *body;
};
void argocd_answer_done(void *ud, const struct argocd_result *res, json_t *body);
/* Runs the loop until a answers; false on failure or timeout (printed unless quiet). */
bool argocd_batch_wait(struct argocd_batch *b, struct argocd_answer *a, bool quiet);
void argocd_answer_clear(struct argocd_answer *a);

/* After the command's own confirmation rules: learns the Argo CD account, plugs the
 * audit log into the gate and begins a (the intent is written). 0 to go on, 1 refused
 * (printed). */
int argocd_batch_begin(struct argocd_batch *b, const struct action *a);

#endif
