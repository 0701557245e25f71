/* The Argo CD batch commands' shared set-up (views/argocd_batch.h). */
#include "views/argocd_batch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

int argocd_batch_open(struct argocd_batch *b, const struct global_opts *g)
{
	char err[1024];
	if (argocd_config_resolve(g->platform, &b->cfg, err, sizeof err) < 0) {
		fprintf(stderr, "opsdeck: %s\n", err);
		return 2;
	}
	if (kubeconfig_load(g->kubeconfig, &b->kcfg, err, sizeof err) < 0 && !b->cfg.server) {
		fprintf(stderr, "opsdeck: %s\n", err);
		return 2;
	}
	char *path = config_default_path();
	b->config = path ? config_load(path, err, sizeof err) : config_new();
	free(path);
	if (!b->config) {
		fprintf(stderr, "opsdeck: %s\n", err);
		return 2;
	}
	action_gate_init(&b->gate, b->config, g->readonly);
	b->loop = loop_new();
	b->http = http_new(b->loop);
	http_set_read_only(b->http, g->readonly);
	b->jobs = jobs_new(b->loop, 1);
	if (!b->cfg.server) {
		const char *name = b->cfg.core_context ? b->cfg.core_context : g->context;
		const struct kube_context *ctx = b->kcfg ? kubeconfig_context(b->kcfg, name) : NULL;
		if (!ctx) {
			fprintf(stderr, "opsdeck: Argo CD core mode needs a kubeconfig context%s%s\n",
				name ? ": no context " : "", name ? name : "");
			return 2;
		}
		b->core = kube_client_new(b->loop, b->http, b->jobs, ctx);
	}
	b->ac = argocd_client_new(b->loop, b->http, &b->cfg, b->core);
	return 0;
}

void argocd_batch_close(struct argocd_batch *b)
{
	argocd_client_free(b->ac);
	kube_client_free(b->core);
	jobs_free(b->jobs);
	http_free(b->http);
	loop_free(b->loop);
	config_free(b->config);
	kubeconfig_free(b->kcfg);
	argocd_config_clear(&b->cfg);
	if (b->sink_ready)
		audit_sink_free(&b->sink);
	free(b->argocd_user);
}

void argocd_answer_done(void *ud, const struct argocd_result *res, json_t *body)
{
	struct argocd_answer *a = ud;
	a->done = true;
	a->ok = res->ok;
	a->status = res->http_status;
	a->message = res->message ? xstrdup(res->message) : NULL;
	a->body = body;
}

bool argocd_batch_wait(struct argocd_batch *b, struct argocd_answer *a, bool quiet)
{
	if (kube_run_until(b->loop, &a->done, ARGOCD_BATCH_TIMEOUT_MS) < 0) {
		fprintf(stderr, "error: no answer from %s within %d s\n",
			argocd_client_describe(b->ac), ARGOCD_BATCH_TIMEOUT_MS / 1000);
		return false;
	}
	if (!a->ok && !quiet)
		fprintf(stderr, "error: %s\n", a->message ? a->message : "the request failed");
	return a->ok;
}

void argocd_answer_clear(struct argocd_answer *a)
{
	free(a->message);
	json_decref(a->body);
	memset(a, 0, sizeof(*a));
}

/* The account Argo CD sees, for the audit log (core mode has none). */
static void learn_argocd_user(struct argocd_batch *b)
{
	if (argocd_client_core_mode(b->ac) || b->argocd_user)
		return;
	struct argocd_answer a = {0};
	argocd_whoami(b->ac, argocd_answer_done, &a);
	if (kube_run_until(b->loop, &a.done, ARGOCD_BATCH_TIMEOUT_MS) == 0 && a.ok) {
		const char *u = json_string_value(json_object_get(a.body, "username"));
		b->argocd_user = u ? xstrdup(u) : NULL;
	}
	argocd_answer_clear(&a);
}

int argocd_batch_begin(struct argocd_batch *b, const struct action *a)
{
	char why[512] = "";
	learn_argocd_user(b);
	if (!b->sink_ready) {
		struct audit_identity who = {audit_os_user(), NULL, b->argocd_user};
		if (audit_sink_init(&b->sink, NULL, &who) < 0) {
			fprintf(stderr, "error: no place for the audit log (set XDG_STATE_HOME "
					"or HOME)\n");
			return 1;
		}
		b->sink_ready = true;
		b->gate.audit = audit_gate_hook;
		b->gate.audit_ud = &b->sink;
	}
	if (!action_gate_begin(&b->gate, a, why, sizeof why) || b->sink.failures) {
		fprintf(stderr, "error: refused: %s\n", b->sink.failures ? b->sink.last_error : why);
		return 1;
	}
	return 0;
}
