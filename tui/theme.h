/* Themes: an X-macro list of UI elements, each mapped by a theme file (YAML) to a
 * foreground, background and attributes; the monochrome theme uses attributes only and
 * is forced when the terminal has no colours or NO_COLOR is set. */
#ifndef OPSDECK_TUI_THEME_H
#define OPSDECK_TUI_THEME_H

/* the wide-character curses API, whichever tui header comes first */
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

/* THEME_ELEMENT(ID, "name", PARENT): an element a theme does not style inherits its
 * parent's style (so a theme can be short); DEFAULT is the root. Parents come first. */
#define THEME_ELEMENT_LIST(E) \
	E(DEFAULT, "default", DEFAULT) \
	E(HEADER, "header", DEFAULT) \
	E(HEADER_CONTEXT, "header-context", HEADER) \
	E(HEADER_IDENTITY, "header-identity", HEADER) \
	E(HEADER_NAMESPACE, "header-namespace", HEADER) \
	E(BADGE_READONLY, "badge-readonly", HEADER) \
	E(BADGE_INSECURE, "badge-insecure", HEADER) \
	E(CONNECTION_OK, "connection-ok", HEADER) \
	E(CONNECTION_RETRY, "connection-retry", HEADER) \
	E(CONNECTION_DOWN, "connection-down", HEADER) \
	E(ENV_PRODUCTION, "env-production", HEADER) \
	E(ENV_STAGING, "env-staging", HEADER) \
	E(ENV_DEVELOPMENT, "env-development", HEADER) \
	E(CRUMBS, "crumbs", DEFAULT) \
	E(CRUMB_ACTIVE, "crumb-active", CRUMBS) \
	E(TITLE, "title", DEFAULT) \
	E(BORDER, "border", DEFAULT) \
	E(TABLE_HEADER, "table-header", DEFAULT) \
	E(ROW, "row", DEFAULT) \
	E(ROW_SELECTED, "row-selected", ROW) \
	E(ROW_MARKED, "row-marked", ROW) \
	E(STATUS_OK, "status-ok", ROW) \
	E(STATUS_WARN, "status-warn", ROW) \
	E(STATUS_ERROR, "status-error", ROW) \
	E(STATUS_PENDING, "status-pending", ROW) \
	E(STATUS_TERMINATING, "status-terminating", ROW) \
	E(STATUS_COMPLETED, "status-completed", ROW) \
	E(FOOTER, "footer", DEFAULT) \
	E(FOOTER_KEY, "footer-key", FOOTER) \
	E(FLASH_INFO, "flash-info", FOOTER) \
	E(FLASH_WARN, "flash-warn", FOOTER) \
	E(FLASH_ERROR, "flash-error", FOOTER) \
	E(PROMPT, "prompt", DEFAULT) \
	E(COMPLETION, "completion", PROMPT) \
	E(COMPLETION_SELECTED, "completion-selected", COMPLETION) \
	E(DIALOG, "dialog", DEFAULT) \
	E(DIALOG_DANGER, "dialog-danger", DIALOG) \
	E(SEARCH_MATCH, "search-match", DEFAULT) \
	E(TEXT_KEY, "text-key", DEFAULT) \
	E(TEXT_COMMENT, "text-comment", DEFAULT) \
	E(DIFF_ADD, "diff-add", DEFAULT) \
	E(DIFF_DELETE, "diff-delete", DEFAULT) \
	E(DIFF_HUNK, "diff-hunk", DEFAULT) \
	E(SYNC_SYNCED, "sync-synced", ROW) \
	E(SYNC_OUTOFSYNC, "sync-outofsync", ROW) \
	E(SYNC_UNKNOWN, "sync-unknown", ROW) \
	E(HEALTH_HEALTHY, "health-healthy", ROW) \
	E(HEALTH_DEGRADED, "health-degraded", ROW) \
	E(HEALTH_PROGRESSING, "health-progressing", ROW) \
	E(HEALTH_SUSPENDED, "health-suspended", ROW) \
	E(HEALTH_MISSING, "health-missing", ROW) \
	E(HEALTH_UNKNOWN, "health-unknown", ROW) \
	E(SEVERITY_CRITICAL, "severity-critical", ROW) \
	E(SEVERITY_HIGH, "severity-high", ROW) \
	E(SEVERITY_MEDIUM, "severity-medium", ROW) \
	E(SEVERITY_LOW, "severity-low", ROW) \
	E(SEVERITY_UNKNOWN, "severity-unknown", ROW) \
	E(DORA_ELITE, "dora-elite", ROW) \
	E(DORA_HIGH, "dora-high", ROW) \
	E(DORA_MEDIUM, "dora-medium", ROW) \
	E(DORA_LOW, "dora-low", ROW) \
	E(LOG_SOURCE_1, "log-source-1", DEFAULT) \
	E(LOG_SOURCE_2, "log-source-2", LOG_SOURCE_1) \
	E(LOG_SOURCE_3, "log-source-3", LOG_SOURCE_1) \
	E(LOG_SOURCE_4, "log-source-4", LOG_SOURCE_1) \
	E(LOG_SOURCE_5, "log-source-5", LOG_SOURCE_1) \
	E(LOG_SOURCE_6, "log-source-6", LOG_SOURCE_1) \
	E(LOG_MATCH, "log-match", SEARCH_MATCH) \
	E(LOG_GAP, "log-gap", TEXT_COMMENT) \
	E(LOG_TIME, "log-time", TEXT_COMMENT) \
	E(LOG_LEVEL_ERROR, "log-level-error", STATUS_ERROR) \
	E(LOG_LEVEL_WARN, "log-level-warn", STATUS_WARN) \
	E(LOG_LEVEL_INFO, "log-level-info", STATUS_OK) \
	E(LOG_LEVEL_DEBUG, "log-level-debug", TEXT_COMMENT)

#define THEME_ELEMENT_ENUM_(id, name, parent) THEME_##id,
enum theme_element {
	THEME_ELEMENT_LIST(THEME_ELEMENT_ENUM_)
	THEME_ELEMENT_COUNT
};
#undef THEME_ELEMENT_ENUM_

/* A colour: -1 the terminal's default, 0-255 as in xterm's 256-colour palette. */
#define THEME_COLOR_DEFAULT (-1)

/* How one element looks; has_* say what the theme file set (the rest is inherited). */
struct theme_style {
	short fg, bg;
	attr_t attrs; /* A_BOLD, A_REVERSE, A_UNDERLINE, A_DIM, A_STANDOUT */
	bool has_fg, has_bg, has_attrs;
};

struct theme {
	char *name;
	struct theme_style styles[THEME_ELEMENT_COUNT]; /* resolved: inheritance applied */
};

/* Element name <-> id ("row-selected" <-> THEME_ROW_SELECTED). */
const char *theme_element_name(enum theme_element el);
bool theme_element_from_name(const char *name, enum theme_element *out);

/* Parses a colour: "default", black, red, green, yellow, blue, magenta, cyan, white,
 * bright-black (also grey/gray) .. bright-white, or a number 0-255. */
bool theme_color_from_name(const char *name, short *out);

/* The theme name to use: "mono" when no_color is non-NULL and non-empty (the NO_COLOR
 * convention), the terminal has no colours, or fewer than 8; otherwise the first name of
 * chain (n entries; NULL entries skipped) for which a theme exists (user dir or
 * embedded; user_dir NULL means the default $XDG_CONFIG_HOME/opsdeck/themes), else
 * "dark". The chain is e.g. {context's theme, environment's theme, configured theme}. */
const char *theme_pick(const char *const *chain, size_t n, const char *no_color,
		       bool has_colors, int colors, const char *user_dir);

/* True when a theme called name exists, as user_dir/NAME.yaml or embedded. */
bool theme_exists(const char *name, const char *user_dir);

/* Parses a theme from text (name labels errors, usually the file path). "base: NAME"
 * starts from that theme (looked up like theme_load). Returns a new theme or NULL with
 * err "FILE:LINE:COL: problem". */
struct theme *theme_parse_text(const char *theme_name, const char *file, const char *text,
			       size_t len, const char *user_dir, char *err, size_t errlen);

/* Loads theme name: user_dir/NAME.yaml if present (user_dir NULL: the default
 * $XDG_CONFIG_HOME/opsdeck/themes), else the embedded themes/NAME.yaml. NULL with err
 * set when absent or broken. Names are [a-z0-9_-]+. */
struct theme *theme_load(const char *name, const char *user_dir, char *err, size_t errlen);

void theme_free(struct theme *theme);

/* Loads every NAME.yaml in user_dir (NULL: the default, as theme_load) so that a bad
 * theme is refused when the console starts, not when a context first picks it. Returns
 * 0 (an absent directory included), or -1 with err naming the file and position. */
int theme_check_user_dir(const char *user_dir, char *err, size_t errlen);

/* Maps a 0-255 colour onto a terminal with colors colours (8, 16, 256...): the 16 basic
 * colours fold onto the 8 (bright-x -> x), the 6x6x6 cube onto the nearest basic hue,
 * greys onto black or white. -1 stays -1. */
short theme_color_reduce(short color, int colors);

/* What theme_apply will do for one element, computed without a terminal. */
struct theme_plan_entry {
	short pair; /* colour pair number, 0 when the element uses no colour */
	short fg, bg; /* after reduction (and default substitution) */
	attr_t attrs;
};

/* Plans colour pairs for theme on a terminal with colors colours (0: monochrome, colours
 * dropped, attributes kept) and max_pairs pairs; identical fg/bg share a pair; when
 * default_colors is false (no use_default_colors) "default" becomes white on black. A
 * foreground reduced onto its background is swapped for a contrasting one, so grey on
 * black stays readable on 8 colours. Pairs beyond max_pairs fall back to pair 0. */
void theme_plan(const struct theme *theme, int colors, int max_pairs, bool default_colors,
		struct theme_plan_entry plan[THEME_ELEMENT_COUNT]);

/* Applies theme to the current ncurses screen (after start_color when has_colors()):
 * init_pair for each planned pair; afterwards theme_attr returns the attributes to draw
 * each element with. default_colors: whether use_default_colors() succeeded. */
void theme_apply(const struct theme *theme, bool default_colors);

/* COLOR_PAIR + attributes of el in the applied theme (A_NORMAL before any apply). */
attr_t theme_attr(enum theme_element el);

#endif
