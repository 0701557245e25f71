/* The action gate (see actions.h): read-only refusal, yes/no or typed confirmation,
 * the dialog and flash sentences, and the audit hook around the caller's work. */
#include "core/actions.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/strbuf.h"
#include "core/xalloc.h"

static const struct {
	const char *name, *verb, *past;
} kinds[] = {
#define ACTION_TEXT(id, name, verb, past) { name, verb, past },
	ACTION_KINDS(ACTION_TEXT)
#undef ACTION_TEXT
};

const char *action_kind_name(enum action_kind kind)
{
	return kind < ACTION_KIND_COUNT ? kinds[kind].name : "unknown";
}

const char *action_kind_verb(enum action_kind kind)
{
	return kind < ACTION_KIND_COUNT ? kinds[kind].verb : "Act on";
}

void action_gate_init(struct action_gate *g, const struct config *config, bool readonly)
{
	memset(g, 0, sizeof(*g));
	g->config = config;
	g->readonly = readonly;
}

static bool context_flag(const struct action_gate *g, const char *context, bool protected_)
{
	struct config_context cc;
	if (!g->config)
		return false;
	config_context_get(g->config, context ? context : "", &cc);
	return protected_ ? cc.protected_ : cc.readonly;
}

bool action_gate_allows(const struct action_gate *g, const char *context)
{
	return !g->readonly && !context_flag(g, context, false);
}

static bool nonempty(const char *s)
{
	return s && *s;
}

enum action_verdict action_gate_check(const struct action_gate *g, const struct action *a,
				      char *why, size_t whylen)
{
	const char *ctx = a->target.context ? a->target.context : "";
	if (why && whylen)
		why[0] = '\0';
	if (g->readonly) {
		snprintf(why, whylen, "read-only mode (--readonly)");
		return ACTION_REFUSED;
	}
	if (context_flag(g, ctx, false)) {
		snprintf(why, whylen, "context %s is read-only (config.yaml)", ctx);
		return ACTION_REFUSED;
	}
	if (a->kind >= ACTION_KIND_COUNT || !nonempty(a->target.name) ||
	    !nonempty(a->target.kind)) {
		snprintf(why, whylen, "nothing selected to act on");
		return ACTION_REFUSED;
	}
	if (a->kind == ACTION_SCALE && a->replicas < 0) {
		snprintf(why, whylen, "replicas must be 0 or more");
		return ACTION_REFUSED;
	}
	if (nonempty(a->refused)) {
		snprintf(why, whylen, "%s", a->refused);
		return ACTION_REFUSED;
	}
	return context_flag(g, ctx, true) || a->typed ? ACTION_CONFIRM_TYPED : ACTION_CONFIRM;
}

bool action_confirmation_ok(enum action_verdict v, const struct action *a, const char *input)
{
	if (!input)
		return false;
	switch (v) {
	case ACTION_CONFIRM:
		return strcasecmp(input, "y") == 0 || strcasecmp(input, "yes") == 0;
	case ACTION_CONFIRM_TYPED:
		return nonempty(a->target.name) && strcmp(input, a->target.name) == 0;
	default:
		return false;
	}
}

bool action_gate_begin(const struct action_gate *g, const struct action *a, char *why,
		       size_t whylen)
{
	/* Checked again: the mode may have changed while the dialog was open. */
	if (action_gate_check(g, a, why, whylen) == ACTION_REFUSED)
		return false;
	if (g->audit)
		g->audit(g->audit_ud, ACTION_AUDIT_INTENT, a, false, NULL);
	return true;
}

char *action_gate_finish(const struct action_gate *g, const struct action *a, bool ok,
			 const char *error)
{
	if (g->audit)
		g->audit(g->audit_ud, ACTION_AUDIT_RESULT, a, ok, error);
	return action_describe_result(a, ok, error);
}

/* ---- sentences ------------------------------------------------------------------- */

/* "deployment payments-api in payments-prd on prod": kind lower-cased as kubectl
 * prints it, namespace only for namespaced objects. */
static void put_object(struct strbuf *sb, const struct action *a)
{
	const struct action_target *t = &a->target;
	const char *kind = nonempty(t->kind) ? t->kind : "object";
	const char *where = nonempty(t->cluster) ? t->cluster : t->context;
	for (const char *p = kind; *p; p++)
		strbuf_putc(sb, (char)tolower((unsigned char)*p));
	strbuf_printf(sb, " %s", nonempty(t->name) ? t->name : "?");
	if (nonempty(t->namespace))
		strbuf_printf(sb, " in %s", t->namespace);
	if (nonempty(where))
		strbuf_printf(sb, " on %s", where);
}

static void put_tail(struct strbuf *sb, const struct action *a)
{
	if (a->kind == ACTION_SCALE)
		strbuf_printf(sb, " to %ld replica%s", a->replicas, a->replicas == 1 ? "" : "s");
	else if (a->kind == ACTION_ROLLOUT_UNDO)
		strbuf_puts(sb, " to its previous revision");
	if (!nonempty(a->detail))
		return;
	if (a->kind == ACTION_ROLLBACK)
		strbuf_printf(sb, " to history entry %s", a->detail);
	else if (a->kind == ACTION_SYNC)
		strbuf_printf(sb, " with %s", a->detail);
	else
		strbuf_printf(sb, " %s", a->detail);
}

char *action_describe_question(const struct action *a)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_printf(&sb, "%s ", action_kind_verb(a->kind));
	put_object(&sb, a);
	put_tail(&sb, a);
	strbuf_putc(&sb, '?');
	return strbuf_detach(&sb);
}

char *action_describe_typed_hint(const struct action *a)
{
	const struct action_target *t = &a->target;
	const char *where = nonempty(t->cluster) ? t->cluster : t->context;
	return xasprintf("%s is protected: type %s to confirm",
			 nonempty(where) ? where : "this context",
			 nonempty(t->name) ? t->name : "the name");
}

char *action_describe_result(const struct action *a, bool ok, const char *error)
{
	struct strbuf sb = STRBUF_INIT;
	if (ok) {
		strbuf_printf(&sb, "%s ", a->kind < ACTION_KIND_COUNT ? kinds[a->kind].past
								      : "Done:");
	} else {
		const char *verb = action_kind_verb(a->kind);
		strbuf_puts(&sb, "Could not ");
		for (const char *p = verb; *p; p++)
			strbuf_putc(&sb, p == verb ? (char)tolower((unsigned char)*p) : *p);
		strbuf_putc(&sb, ' ');
	}
	put_object(&sb, a);
	put_tail(&sb, a);
	if (!ok && nonempty(error))
		strbuf_printf(&sb, ": %s", error);
	return strbuf_detach(&sb);
}
