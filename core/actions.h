/* The action gate (DESIGN.md principle 5): every mutation (restart, scale, delete,
 * rollout undo; later sync, rollback, promote) is checked here: refused when read-only,
 * confirmed yes/no, or by typing the object's name on a protected context. The gate
 * also words the dialog and the result flash. The caller performs the action. */
#ifndef OPSDECK_CORE_ACTIONS_H
#define OPSDECK_CORE_ACTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/config.h"

/* X(ID, "name", verb, past tense): "Restart deployment x?" / "Restarted deployment x";
 * the name is what the audit log records. */
#define ACTION_KINDS(X)                                                          \
	X(RESTART, "restart", "Restart", "Restarted")                            \
	X(SCALE, "scale", "Scale", "Scaled")                                     \
	X(DELETE, "delete", "Delete", "Deleted")                                 \
	X(ROLLOUT_UNDO, "rollout-undo", "Roll back", "Rolled back")              \
	X(SYNC, "sync", "Sync", "Synced")                                        \
	X(ROLLBACK, "rollback", "Roll back", "Rolled back")                      \
	X(REFRESH, "refresh", "Refresh", "Refreshed")                            \
	X(HARD_REFRESH, "hard-refresh", "Hard refresh", "Hard refreshed")        \
	X(TERMINATE, "terminate", "Terminate the operation of",                  \
	  "Terminated the operation of")                                         \
	X(PROMOTE, "promote", "Promote", "Promoted")                             \
	X(REVERT, "revert", "Revert", "Reverted")

enum action_kind {
#define ACTION_ENUM(id, name, verb, past) ACTION_##id,
	ACTION_KINDS(ACTION_ENUM)
#undef ACTION_ENUM
	ACTION_KIND_COUNT
};

/* What is acted on. Strings are borrowed. namespace "" or NULL: cluster-scoped. */
struct action_target {
	const char *context;     /* kubeconfig context: decides readonly/protected */
	const char *cluster;     /* shown in sentences; the context when NULL */
	const char *namespace;
	const char *kind;        /* "Deployment", "Pod", "Application", … */
	const char *name;
};

struct action {
	enum action_kind kind;
	struct action_target target;
	long replicas;           /* ACTION_SCALE: the new count */
	const char *detail;      /* ACTION_PROMOTE: "to prd" etc. (optional, borrowed) */
	const char *parameters;  /* the options as a JSON object text for the audit log
				  * ({"prune":true,"revision":"abc"}, {"id":14}), or NULL */
	bool typed;              /* the target's own protection (platform.yaml "typed")
				  * asks for its name whatever config.yaml says */
	const char *refused;     /* non-NULL: refused for this reason (platform.yaml
				  * "readonly", a frozen environment), whatever else says */
};

enum action_verdict {
	ACTION_REFUSED,          /* read-only: do not offer, do not perform */
	ACTION_CONFIRM,          /* ask yes/no */
	ACTION_CONFIRM_TYPED,    /* protected: the user must type the object's name */
};

/* Where an audit record belongs in the action's life. */
enum action_audit_stage { ACTION_AUDIT_INTENT, ACTION_AUDIT_RESULT };

/* Audit hook: called with the intent before the caller performs the action and with
 * the result after. The audit log (a later issue) sets it; while it is NULL nothing is
 * recorded. ok and error are meaningful for ACTION_AUDIT_RESULT only. */
typedef void (*action_audit_fn)(void *ud, enum action_audit_stage stage,
				const struct action *a, bool ok, const char *error);

struct action_gate {
	const struct config *config;   /* per-context readonly/protected; may be NULL */
	bool readonly;                 /* global --readonly */
	action_audit_fn audit;         /* NULL until the audit log exists */
	void *audit_ud;
};

/* Sets up a gate with no audit hook. config is borrowed (may be NULL). */
void action_gate_init(struct action_gate *g, const struct config *config, bool readonly);

/* True when actions may be offered on context at all (footer/help show action keys
 * only then): neither --readonly nor the context's readonly. */
bool action_gate_allows(const struct action_gate *g, const char *context);

/* Decides how a's target may be acted on. On ACTION_REFUSED, why says so ("read-only
 * mode (--readonly)", "context prod is read-only (config.yaml)", or a malformed action). */
enum action_verdict action_gate_check(const struct action_gate *g, const struct action *a,
				      char *why, size_t whylen);

/* The confirmation checker. ACTION_CONFIRM: input is "y" or "yes" (any case).
 * ACTION_CONFIRM_TYPED: input equals the object's name exactly. ACTION_REFUSED: false. */
bool action_confirmation_ok(enum action_verdict v, const struct action *a, const char *input);

/* Just before performing: checks again (refuses if read-only now), then records the
 * intent through the audit hook. Returns false with why when refused. */
bool action_gate_begin(const struct action_gate *g, const struct action *a, char *why,
		       size_t whylen);
/* After performing: records the result through the audit hook and returns the flash
 * message ("Restarted deployment x in ns on prod" / "Could not restart …: error");
 * the caller frees it. */
char *action_gate_finish(const struct action_gate *g, const struct action *a, bool ok,
			 const char *error);

/* ---- sentences (the caller frees each) ------------------------------------------ */

/* "Restart deployment payments-api in payments-prd on prod?" */
char *action_describe_question(const struct action *a);
/* The typed-confirmation hint: "prod is protected: type payments-api to confirm". */
char *action_describe_typed_hint(const struct action *a);
/* The result flash (what action_gate_finish returns). */
char *action_describe_result(const struct action *a, bool ok, const char *error);
/* "Restart", "Scale", … */
const char *action_kind_verb(enum action_kind kind);
/* "restart", "rollout-undo", "sync", … ("unknown" out of range). */
const char *action_kind_name(enum action_kind kind);

#endif
