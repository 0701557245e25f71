/* The console: the interactive shell around the views. It owns the screen, the keymap,
 * the theme, the clusters (views/session.h), the stack of views, the prompt and the
 * dialog; keys become requests, requests go to the top view or to the shell, and the
 * frame draws only what the handlers said changed. */
#ifndef OPSDECK_VIEWS_CONSOLE_H
#define OPSDECK_VIEWS_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "core/actions.h"
#include "core/args.h"
#include "core/loop.h"
#include "tui/chrome.h"
#include "tui/keymap.h"
#include "views/view.h"

struct console;
struct session;

/* Runs the console until the user quits: loads the kubeconfig, config, keymap and
 * theme, opens the screen and the first view (pods of the current namespace). Returns
 * the process exit code (0; 2 on a configuration error, printed to stderr). */
int console_run(const struct global_opts *g);

/* ---- for views ------------------------------------------------------------------ */

struct session *console_session(struct console *c);
/* Worker threads for blocking work (libgit2): results come back on the loop. */
struct jobs *console_jobs(struct console *c);
struct loop *console_loop(struct console *c);
const struct keymap *console_keymap(const struct console *c);
/* The user's settings (config.yaml; the defaults when there is none). */
struct config;
const struct config *console_config(const struct console *c);
const struct action_gate *console_gate(const struct console *c);

/* The current context and namespace ("" = all namespaces). */
const char *console_context(const struct console *c);
const char *console_namespace(const struct console *c);
/* The HTTP engine every client of the console shares (clients/http.h). */
struct http;
struct http *console_http(struct console *c);
/* The platform.yaml path (--platform, $OPSDECK_PLATFORM or the XDG default); may be NULL. */
const char *console_platform_path(const struct console *c);
/* The audit log actions are written to; NULL when there is no home to keep it in. */
const char *console_audit_path(const struct console *c);
/* Switches the namespace (adds it to the context's favourites, saved) and redraws. */
void console_set_namespace(struct console *c, const char *ns);
/* The current context's favourite namespaces (keys 1-9), oldest first. */
const char *const *console_favourites(struct console *c, size_t *n);
/* Switches the context: namespace becomes the context's, theme the context's; the
 * view stack is replaced by the pods of the new context. false with a flash when the
 * context does not exist. */
bool console_set_context(struct console *c, const char *context);

/* Opens a view on top; false (err flashed) when its open failed. */
bool console_push(struct console *c, const struct view_ops *ops, const struct view_args *a);
/* Opens the resource table for what a `:` command names ("pods kube-system @all");
 * false with a flash on a bad command. */
bool console_open_command(struct console *c, const char *command);
/* Closes the top view (the first view is never closed: Esc there does nothing). */
void console_pop(struct console *c);
/* The view on top of the stack (the one drawn), or NULL before the first. */
struct view *console_top(const struct console *c);

/* A view's data changed outside a key (a watch event): redraw at the next frame. v
 * that is not on top is ignored (it redraws in full when it comes back). */
void console_changed(struct console *c, struct view *v, unsigned change);

/* The message line: shown until the next key. */
void console_flash(struct console *c, enum chrome_flash level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Who performs a confirmed action: perform starts it (copying what it needs from a,
 * which lives only for the call) and later calls console_action_done; release frees ud
 * and runs exactly once, whether the action was performed, cancelled or refused. */
struct console_performer {
	void (*perform)(void *ud, struct console *c, const struct action *a);
	void (*release)(void *ud);
	void *ud;
	/* Optional: a question asked before the confirmation ("Sync options (Enter for
	 * none): --prune --dry-run --revision R"), answered in a one-line input that starts
	 * from ask_initial; the answer becomes a->detail (shown in the question and the
	 * result, and recorded in the audit log's parameters as {"options": ...}). */
	const char *ask;
	const char *ask_initial;
};
/* Asks to confirm a through the gate: refused (flash) in read-only mode; otherwise a
 * dialog (yes/no, or typing the name on a protected context; ACTION_SCALE first asks
 * the replica count, starting from a->replicas); when confirmed, the gate records the
 * intent and p->perform runs. a's strings are copied. */
void console_confirm(struct console *c, const struct action *a,
		     const struct console_performer *p);
/* The platform model (platform.yaml; empty when there is none). */
struct platform;
const struct platform *console_platform(const struct console *c);
/* Fills what platform.yaml left out from an Argo CD application list (platform_derive). */
void console_platform_derive(struct console *c, const json_t *apps);

/* The Argo CD client (made on first use from platform.yaml, ARGOCD_* or the argocd CLI's
 * config, else core mode on the current context), or NULL with err when a present
 * configuration is broken. */
struct argocd_client;
struct argocd_client *console_argocd(struct console *c, char *err, size_t errlen);

/* Records the result of an action through the gate and flashes it. */
void console_action_done(struct console *c, const struct action *a, bool ok,
			 const char *error);

/* Asks for a line of text (`/` in a view, the scale count...): the answer goes to
 * view->ops->filter of the top view. label ("/" or "search: "), initial may be NULL. */
void console_prompt_filter(struct console *c, const char *label, const char *initial);
/* True while the prompt is still being typed: a filter op called then sees a live
 * keystroke; called with the prompt closed it sees the answer (Enter, or "" for Esc). */
bool console_prompt_is_open(const struct console *c);

#endif
