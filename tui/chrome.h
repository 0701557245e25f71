/* The console's frame around the body: the header (context, identity, namespace,
 * READ-ONLY badge, connection state), the crumbs (where you are), the message line
 * (flash messages) and the footer (the key hints of the current view). Each is drawn
 * into a one-line window from plain values, so the shell knows nothing of layout. */
#ifndef OPSDECK_TUI_CHROME_H
#define OPSDECK_TUI_CHROME_H

#include "tui/theme.h" /* curses.h with the wide-character API */

#include <stdbool.h>
#include <stddef.h>

#include "tui/keymap.h"

enum chrome_conn {
	CHROME_CONN_NONE,      /* nothing to say (no server involved) */
	CHROME_CONN_OK,        /* connected */
	CHROME_CONN_LOADING,   /* listing */
	CHROME_CONN_RETRYING,  /* unreachable; retry_in_s says when the next try is */
	CHROME_CONN_DOWN,      /* gave up (forbidden, unknown resource ...) */
};

struct chrome_header {
	const char *context;     /* "nonprod" (or "3 clusters" for a merged view) */
	const char *identity;    /* "sandbox-admin" from SelfSubjectReview; NULL: unknown */
	const char *namespace;   /* "payments-dev", "all", "a,b"; NULL: not shown */
	const char *version;     /* server version "v1.30.0"; NULL: not shown */
	bool readonly;           /* shows the READ-ONLY badge (THEME_BADGE_READONLY) */
	bool audit;              /* audit mode (read-only too): the badge says AUDIT instead */
	bool insecure;           /* TLS verification off: the INSECURE badge (THEME_BADGE_INSECURE) */
	enum theme_element env;  /* THEME_ENV_PRODUCTION etc. for the context, or
				  * THEME_HEADER_CONTEXT for no particular environment */
	enum chrome_conn conn;
	long retry_in_s;         /* CHROME_CONN_RETRYING: seconds to the next try */
	const char *conn_detail; /* short reason ("connection refused"); may be NULL */
	bool stale;              /* the body shows data last known good stale_s seconds ago */
	long stale_s;            /* (the watch is retrying, relisting or down): "stale 12s · " */
};

/* One line: "opsdeck  ctx: nonprod  user: sandbox-admin  ns: shop  [READ-ONLY]" on the
 * left, the connection state ("● connected", "retrying in 4s: connection refused",
 * "✗ forbidden") on the right, cut to the width (the badge and the context are the
 * last things cut). Writes the whole line and wnoutrefreshes it. */
void chrome_draw_header(WINDOW *win, const struct chrome_header *h);

/* "pods › web-7d4b9 › yaml" with the last crumb in THEME_CRUMB_ACTIVE; when too wide
 * the first crumbs are dropped behind "…". right (may be NULL) is shown right-aligned
 * (e.g. "/web  42/310" or "match 3/12"). */
void chrome_draw_crumbs(WINDOW *win, const char *const *crumbs, size_t n, const char *right);

enum chrome_flash { CHROME_FLASH_INFO, CHROME_FLASH_WARN, CHROME_FLASH_ERROR };

/* The message line: text (NULL or "": a blank line) in the flash style of level. */
void chrome_draw_flash(WINDOW *win, enum chrome_flash level, const char *text);

/* The footer: "<key> help  <:> command  </> filter  <d> describe ..." from the help
 * items (first key of each request, key names from keymap_key_name) in
 * THEME_FOOTER_KEY / THEME_FOOTER, only items whose request has REQ_FOOTER, as many
 * as fit, never a cut item. */
void chrome_draw_footer(WINDOW *win, const struct keymap_help_item *items, size_t n);

#endif
