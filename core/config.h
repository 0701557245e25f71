/* The user's settings: $XDG_CONFIG_HOME/opsdeck/config.yaml (per-context read-only,
 * protection and theme, by name or glob; defaults) and the namespace favourites kept
 * in $XDG_STATE_HOME/opsdeck/favourites.yaml. Format: docs/config.md. */
#ifndef OPSDECK_CORE_CONFIG_H
#define OPSDECK_CORE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

struct config;

/* What applies to one context, merged from every matching entry. */
struct config_context {
	bool readonly;       /* no actions at all */
	bool protected_;     /* actions need the object's name typed */
	const char *theme;   /* theme name (the context's, else the default); never NULL */
};

/* A configuration with built-in defaults only (theme "dark", coalesce 50 ms). */
struct config *config_new(void);
void config_free(struct config *c);

/* Reads path over the defaults. An absent file is not an error (returns the defaults).
 * On a syntax error returns NULL with err "PATH:LINE:COL: problem"; on a bad value,
 * NULL with err "PATH:LINE:COL: key.path: problem" ("PATH: key.path: problem" when
 * the position cannot be found). */
struct config *config_load(const char *path, char *err, size_t errlen);
/* Same, from text (name labels errors). */
struct config *config_parse(const char *name, const char *text, size_t len, char *err,
			    size_t errlen);
/* $XDG_CONFIG_HOME/opsdeck/config.yaml ($HOME/.config when unset); caller frees.
 * NULL when neither variable is set. */
char *config_default_path(void);

/* The settings for context (a kubeconfig context name). readonly and protected are
 * true when any matching entry says so (a broad pattern cannot be loosened by a
 * narrower one); theme comes from the exact-name entry, else the first matching glob
 * in file order, else defaults.theme. The returned theme lives as long as c. */
void config_context_get(const struct config *c, const char *context,
			struct config_context *out);
const char *config_default_theme(const struct config *c);
/* The members of the cluster set called name (config.yaml cluster_sets), as one
 * comma-separated pattern ("prod-eu,prod-us,dr-*") for `@name`; NULL when none. */
const char *config_cluster_set(const struct config *c, const char *name);
/* The name of the i-th cluster set (completion), NULL past the last. */
const char *config_cluster_set_name(const struct config *c, size_t i);
/* Minimum milliseconds between frames while watch events stream in (default 50). */
int config_coalesce_ms(const struct config *c);

/* The logs view's settings (config.yaml `logs:`). */
struct config_logs {
	size_t buffer_lines;   /* lines the ring keeps (default 100,000; 1,000..10,000,000) */
	long long tail_lines;  /* lines asked for when a log opens (default 200; -1: all) */
	char **fields;         /* JSON fields shown after the message (empty: all fields) */
	size_t nfields;
};
/* Valid as long as c. */
const struct config_logs *config_logs(const struct config *c);

/* ---- namespace favourites (state, written by opsdeck) --------------------------- */

/* $XDG_STATE_HOME/opsdeck/favourites.yaml ($HOME/.local/state when unset); caller
 * frees. NULL when neither variable is set. */
char *config_favourites_default_path(void);
/* Replaces c's favourites with those in path (absent file: none). Returns false with
 * err ("PATH:LINE:COL: problem" or "PATH:LINE:COL: key.path: problem") on a bad file. */
bool config_favourites_load(struct config *c, const char *path, char *err, size_t errlen);
/* The favourite namespaces of context, in the order added; *n gets the count. */
const char *const *config_favourites(const struct config *c, const char *context, size_t *n);
/* Adds ns to context's favourites (no duplicates); returns false if already there. */
bool config_favourite_add(struct config *c, const char *context, const char *ns);
/* Removes ns; returns false if it was not a favourite. */
bool config_favourite_remove(struct config *c, const char *context, const char *ns);
bool config_favourite_has(const struct config *c, const char *context, const char *ns);
/* Writes every context's favourites to path atomically (a temp file in the same
 * directory, fsync, rename), creating the directory if needed. Returns false with err
 * on failure; the old file is then untouched. */
bool config_save_favourites(const struct config *c, const char *path, char *err,
			    size_t errlen);

#endif
