/* The audit log: every mutating action recorded twice (intent, then result) as one JSON
 * line each in $XDG_STATE_HOME/opsdeck/audit.jsonl, SHA-256 chained so that a changed,
 * removed or reordered line is detected. docs/audit.md defines the bytes hashed. */
#ifndef OPSDECK_CORE_AUDIT_H
#define OPSDECK_CORE_AUDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/actions.h"

/* Who acted. Each may be NULL (recorded as null). Borrowed. */
struct audit_identity {
	const char *os_user;      /* audit_os_user() */
	const char *kube_user;    /* the kubeconfig user of the context */
	const char *argocd_user;  /* the Argo CD account, for Argo CD actions */
};

/* Appends one record (intent or result) for a to path, chained to the file's last line.
 * Creates the directory (0700) and the file (0600) when missing. Holds an exclusive
 * flock while it reads the last line and writes the new one, so concurrent opsdeck
 * processes interleave whole lines and the chain stays valid. ok and error matter for
 * ACTION_AUDIT_RESULT only. Parameters are redacted (docs/audit.md). Returns 0, or -1
 * with err set. */
int audit_append(const char *path, enum action_audit_stage stage, const struct action *a,
		 const struct audit_identity *who, bool ok, const char *error, char *err,
		 size_t errlen);

/* Checks every line's hash, prev link, seq and JSON form. Returns 0 when intact (an
 * absent or empty file is intact: *nlines 0); 1 when a line fails: *bad_line is its
 * number (1-based) and err says "line N: hash does not match" etc.; -1 when the file
 * cannot be read (err says why, *bad_line 0). nlines, last_hash (65 bytes: the last
 * line's own hash, "" when empty) and bad_line may be NULL. */
int audit_verify(const char *path, size_t *nlines, char *last_hash, size_t *bad_line,
		 char *err, size_t errlen);

/* $XDG_STATE_HOME/opsdeck/audit.jsonl, or ~/.local/state/opsdeck/audit.jsonl when
 * XDG_STATE_HOME is unset or not absolute. NULL when there is no home either. The
 * caller frees. */
char *audit_default_path(void);

/* The effective user's login name (getpwuid), else $USER, else NULL. The returned
 * string is static: it lives as long as the process. */
const char *audit_os_user(void);

/* True when a JSON object key names a secret: ignoring case, '-' and '_', it is or ends
 * with token, password, secret, authorization or bearer ("access_token", "X-Secret"). */
bool audit_key_is_secret(const char *key);

/* ---- the gate's hook ------------------------------------------------------------ */

/* What the adapter needs: set path (owned: the sink frees it) and who, then
 *   gate.audit = audit_gate_hook; gate.audit_ud = &sink;
 * A failed append cannot stop the gate (the hook returns nothing): it is counted in
 * failures with the last message in last_error, for the caller to show or to refuse. */
struct audit_sink {
	char *path;
	struct audit_identity who;
	unsigned failures;
	char last_error[256];
};

/* Sets up a sink writing to path (copied; NULL: audit_default_path()). who is copied
 * by value, its strings stay borrowed. Returns -1 when no path can be found. */
int audit_sink_init(struct audit_sink *s, const char *path, const struct audit_identity *who);
void audit_sink_free(struct audit_sink *s);
/* An action_audit_fn: ud is a struct audit_sink. */
void audit_gate_hook(void *ud, enum action_audit_stage stage, const struct action *a, bool ok,
		     const char *error);

#endif
