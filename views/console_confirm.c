/* Action dialogs (views/console.h console_confirm): the gate decides, a dialog asks
 * (y/n, the replica count, or the object's name typed on a protected context), and
 * only a confirmed action reaches its performer, with the intent audited first. */
#include "views/console_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/xalloc.h"

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

void console_pending_free(struct console *c)
{
	struct console_pending *p = c->pending;
	if (!p)
		return;
	if (p->performer.release)
		p->performer.release(p->performer.ud);
	free(p->context);
	free(p->cluster);
	free(p->namespace);
	free(p->kind);
	free(p->name);
	free(p->detail);
	free(p->ask);
	free(p->ask_initial);
	free(p->parameters);
	free(p);
	c->pending = NULL;
}

static void console_dialog_close(struct console *c)
{
	dialog_free(c->dialog);
	c->dialog = NULL;
	console_dirty(c, VIEW_FULL | VIEW_CHROME);
}

/* Opens the dialog for the pending action's next question. */
static void console_ask(struct console *c)
{
	struct console_pending *p = c->pending;
	bool danger = p->a.kind == ACTION_DELETE || p->verdict == ACTION_CONFIRM_TYPED;
	const char *title = action_kind_verb(p->a.kind);
	dialog_free(c->dialog);
	if (p->ask && !p->asked_options) {
		char *q = action_describe_question(&p->a);
		c->dialog = dialog_new(DIALOG_INPUT, title, q, p->ask, p->ask_initial, danger);
		free(q);
	} else if (p->a.kind == ACTION_SCALE && !p->asked_replicas) {
		char *q = action_describe_question(&p->a);
		/* the question ends "to N?": ask for the count instead */
		char *cut = strstr(q, " to ");
		char *ask = xasprintf("%.*s: how many replicas?",
				      (int)(cut ? (size_t)(cut - q) : strlen(q)), q);
		char initial[32];
		snprintf(initial, sizeof initial, "%ld", p->a.replicas);
		c->dialog = dialog_new(DIALOG_INPUT, title, ask, NULL, initial, danger);
		free(ask);
		free(q);
	} else if (p->verdict == ACTION_CONFIRM_TYPED) {
		char *q = action_describe_question(&p->a);
		char *hint = action_describe_typed_hint(&p->a);
		c->dialog = dialog_new(DIALOG_INPUT, title, q, hint, NULL, true);
		free(q);
		free(hint);
	} else {
		char *q = action_describe_question(&p->a);
		c->dialog = dialog_new(DIALOG_YES_NO, title, q, NULL, NULL, danger);
		free(q);
	}
	console_dirty(c, VIEW_CHROME);
}

void console_confirm(struct console *c, const struct action *a,
		     const struct console_performer *perf)
{
	char why[512] = "";
	enum action_verdict v = action_gate_check(&c->gate, a, why, sizeof why);
	if (v == ACTION_REFUSED) {
		console_flash(c, CHROME_FLASH_ERROR, "%s %s refused: %s", action_kind_verb(a->kind),
			      a->target.name ? a->target.name : "", why);
		if (perf->release)
			perf->release(perf->ud);
		return;
	}
	console_pending_free(c);
	struct console_pending *p = xcalloc(1, sizeof(*p));
	p->a = *a;
	p->context = dup_or_null(a->target.context);
	p->cluster = dup_or_null(a->target.cluster);
	p->namespace = dup_or_null(a->target.namespace);
	p->kind = dup_or_null(a->target.kind);
	p->name = dup_or_null(a->target.name);
	p->detail = dup_or_null(a->detail);
	p->a.target = (struct action_target){p->context, p->cluster, p->namespace, p->kind,
					     p->name};
	p->a.detail = p->detail;
	p->verdict = v;
	p->performer = *perf;
	p->ask = dup_or_null(perf->ask);
	p->ask_initial = dup_or_null(perf->ask_initial);
	p->parameters = dup_or_null(a->parameters);
	p->a.parameters = p->parameters;
	c->pending = p;
	console_ask(c);
}

static bool parse_replicas(const char *text, long *out)
{
	char *end;
	errno = 0;
	long n = strtol(text, &end, 10);
	while (*end == ' ')
		end++;
	if (errno || end == text || *end || n < 0 || n > 100000)
		return false;
	*out = n;
	return true;
}

/* The answer to the performer's question becomes the action's detail, and its audit
 * parameters unless the view gave its own. */
static void answer_options(struct console_pending *p, const char *input)
{
	p->asked_options = true;
	while (*input == ' ')
		input++;
	free(p->detail);
	p->detail = *input ? xstrdup(input) : NULL;
	p->a.detail = p->detail;
	if (!p->parameters && p->detail) {
		json_t *o = json_pack("{s:s}", "options", p->detail);
		p->parameters = json_dumps(o, JSON_COMPACT);
		json_decref(o);
		p->a.parameters = p->parameters;
	}
}

/* The dialog was answered yes (or with text): the next question, or the action. */
static void console_dialog_accepted(struct console *c, const char *input)
{
	struct console_pending *p = c->pending;
	if (p->ask && !p->asked_options) {
		answer_options(p, input);
		console_ask(c);
		return;
	}
	if (p->a.kind == ACTION_SCALE && !p->asked_replicas) {
		if (!parse_replicas(input, &p->a.replicas)) {
			console_flash(c, CHROME_FLASH_ERROR, "\"%s\" is not a replica count", input);
			console_pending_free(c);
			return;
		}
		p->asked_replicas = true;
		if (!p->parameters) {
			p->parameters = xasprintf("{\"replicas\":%ld}", p->a.replicas);
			p->a.parameters = p->parameters;
		}
		if (p->verdict == ACTION_CONFIRM_TYPED) {
			console_ask(c);
			return;
		}
		input = "yes"; /* typing the count was the confirmation */
	}
	if (!action_confirmation_ok(p->verdict, &p->a, input)) {
		console_flash(c, CHROME_FLASH_WARN, "Not confirmed: nothing was changed");
		console_pending_free(c);
		return;
	}
	char why[512] = "";
	if (!action_gate_begin(&c->gate, &p->a, why, sizeof why) ||
	    console_audit_refuses(c, why, sizeof why)) {
		console_flash(c, CHROME_FLASH_ERROR, "refused: %s", why);
		console_pending_free(c);
		return;
	}
	console_flash(c, CHROME_FLASH_INFO, "%s %s...", action_kind_verb(p->a.kind), p->a.target.name);
	p->performer.perform(p->performer.ud, c, &p->a);
	console_pending_free(c);
}

void console_dialog_key(struct console *c, int key, bool fkey)
{
	enum dialog_status st = dialog_key(c->dialog, key, fkey);
	if (st == DIALOG_OPEN) {
		console_dirty(c, VIEW_CHROME);
		return;
	}
	char *input = xstrdup(dialog_input(c->dialog));
	console_dialog_close(c);
	if (st == DIALOG_ACCEPTED && c->pending) {
		console_dialog_accepted(c, input);
	} else {
		console_flash(c, CHROME_FLASH_INFO, "Cancelled");
		console_pending_free(c);
	}
	free(input);
}

void console_action_done(struct console *c, const struct action *a, bool ok, const char *error)
{
	char *msg = action_gate_finish(&c->gate, a, ok, error);
	console_flash(c, ok ? CHROME_FLASH_INFO : CHROME_FLASH_ERROR, "%s", msg);
	free(msg);
}
