/* The console's audit hook: every action's intent and result appended to the audit log
 * (core/audit) with who acted: the OS user, the identity the target's cluster sees, and
 * the Argo CD account for Argo CD actions. An intent that cannot be written stops the
 * action: an audit trail with holes is worth little to an auditor. */
#include "views/console_internal.h"

#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/xalloc.h"

static void on_argocd_user(void *ud, const struct argocd_result *res, json_t *body)
{
	struct console *c = ud;
	c->argocd_user_call = NULL;
	const char *user = json_string_value(json_object_get(body, "username"));
	free(c->argocd_user);
	c->argocd_user = res->ok && user ? xstrdup(user) : NULL;
	json_decref(body);
}

void console_audit_learn_argocd_user(struct console *c)
{
	if (c->argocd && !c->argocd_user && !c->argocd_user_call &&
	    !argocd_client_core_mode(c->argocd))
		c->argocd_user_call = argocd_whoami(c->argocd, on_argocd_user, c);
}

static const char *kube_user_of(struct console *c, const char *context)
{
	struct session_cluster *cl = session_find(c->session, context);
	if (!cl)
		return NULL;
	/* what the server said (SelfSubjectReview), else the kubeconfig's user entry */
	return cl->identity ? cl->identity : cl->ctx->user_name;
}

static void console_audit_hook(void *ud, enum action_audit_stage stage, const struct action *a,
			       bool ok, const char *error)
{
	struct console *c = ud;
	bool argocd = a->target.kind && !strcmp(a->target.kind, "Application");
	struct audit_identity who = {
		.os_user = audit_os_user(),
		.kube_user = kube_user_of(c, argocd && c->argocd_cfg.core_context
					     ? c->argocd_cfg.core_context : a->target.context),
		.argocd_user = argocd ? c->argocd_user : NULL,
	};
	char err[256];
	if (audit_append(c->audit_path, stage, a, &who, ok, error, err, sizeof err) < 0) {
		c->audit_failed = true;
		console_flash(c, CHROME_FLASH_ERROR, "audit log: %s", err);
	}
}

void console_audit_init(struct console *c)
{
	c->audit_path = audit_default_path();
	if (!c->audit_path)
		return; /* no home at all: console_audit_refuses says so at the first action */
	c->gate.audit = console_audit_hook;
	c->gate.audit_ud = c;
}

bool console_audit_refuses(struct console *c, char *why, size_t whylen)
{
	if (!c->audit_path) {
		snprintf(why, whylen, "no place for the audit log (set XDG_STATE_HOME or HOME)");
		return true;
	}
	if (c->audit_failed) {
		snprintf(why, whylen, "the intent could not be written to %s", c->audit_path);
		c->audit_failed = false;
		return true;
	}
	return false;
}

void console_audit_free(struct console *c)
{
	if (c->argocd_user_call)
		argocd_call_cancel(c->argocd_user_call);
	free(c->argocd_user);
	free(c->audit_path);
}
