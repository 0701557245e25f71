/* Keymaps: which key asks for which request, per view, loaded from YAML data (the
 * embedded keymaps/default.yaml, overlaid by $XDG_CONFIG_HOME/opsdeck/keymap.yaml). */
#ifndef OPSDECK_TUI_KEYMAP_H
#define OPSDECK_TUI_KEYMAP_H

#include <stdbool.h>
#include <stddef.h>

#include "core/request.h"

/* The section every view falls back to. */
#define KEYMAP_GLOBAL "global"
/* At most this many keys are listed per request in a help item. */
#define KEYMAP_HELP_MAX_KEYS 12
/* Longest key name (e.g. "shift-right") plus its NUL. */
#define KEYMAP_KEY_NAME_MAX 16

struct keymap;

/* One line of `?` help or footer: a request and the keys that ask for it in a view. */
struct keymap_help_item {
	enum request req;
	int keys[KEYMAP_HELP_MAX_KEYS]; /* normalised key codes, in keymap file order */
	size_t nkeys;
};

/* An empty keymap (no bindings). Free with keymap_free. */
struct keymap *keymap_new(void);
void keymap_free(struct keymap *km);

/* Overlays the keymap text (YAML; name labels errors, usually the file path) onto km:
 * each binding in a section replaces km's binding of that key in that section, "none"
 * unbinds it. The text is checked whole before anything is applied, so on error km is
 * unchanged. Returns 0, or -1 with err "NAME:LINE:COL: problem". */
int keymap_overlay_text(struct keymap *km, const char *name, const char *text, size_t len,
			char *err, size_t errlen);

/* Overlays the file at path; a missing file is not an error (returns 0, nothing done).
 * Otherwise as keymap_overlay_text. */
int keymap_overlay_file(struct keymap *km, const char *path, char *err, size_t errlen);

/* The keymap the console uses: the embedded keymaps/default.yaml, then user_path
 * overlaid (NULL: $XDG_CONFIG_HOME/opsdeck/keymap.yaml, XDG_CONFIG_HOME defaulting to
 * $HOME/.config). Returns NULL only when the embedded default is missing or broken (a
 * build bug; err says why). A bad user file leaves the defaults in force and sets err
 * (check err[0]), so the console still starts and can show the message. */
struct keymap *keymap_load(const char *user_path, char *err, size_t errlen);

/* The request key asks for in view (a section name such as "pods"; NULL or unknown
 * sections use "global" only). The view's section wins over "global", including a
 * "none" there. Returns REQ_NONE for unbound keys. Read-only filtering is the caller's:
 * check request_is_action() (the action gate refuses anyway). */
enum request keymap_lookup(const struct keymap *km, const char *view, int key);

/* Fills out (up to cap items) with the requests bound in view, in request (help) order,
 * each with its keys; skips REQ_ACTION requests when readonly and requests with no key.
 * Returns the number of items available (may exceed cap; only cap are written). The
 * footer and `?` are generated from this. */
size_t keymap_help(const struct keymap *km, const char *view, bool readonly,
		   struct keymap_help_item *out, size_t cap);

/* Folds the codes ncurses may deliver for one key into one: '\n' and KEY_ENTER become
 * enter (13, '\r' as with nonl), 8 and 127 become KEY_BACKSPACE. */
int keymap_key_normalize(int key);

/* Parses a key name ("j", "G", "?", "space", "enter", "ctrl-d", "shift-up", "f5",
 * "pgdn", "shift-n" = "N"); returns false when it names no key. *key is normalised. */
bool keymap_key_from_name(const char *name, int *key);

/* Writes the canonical name of key into buf (at least KEYMAP_KEY_NAME_MAX bytes) and
 * returns buf; "" when the key has no name. */
const char *keymap_key_name(int key, char *buf, size_t len);

#endif
