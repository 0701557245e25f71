/* The help view (`?`): the keys of the view it was opened from, generated from the
 * active keymap (action keys left out in read-only mode), the `:` commands from the
 * view registry, the filter syntax and the favourite namespaces. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "core/xalloc.h"
#include "tui/keymap.h"
#include "views/console.h"
#include "views/pager_view.h"

enum { HELP_MAX_ITEMS = 128 };

struct help_view {
	struct pager_view pv;  /* first: the pager views' ops read it */
};

static void put_keys(struct strbuf *sb, const struct keymap *km, const char *section,
		     bool readonly)
{
	struct keymap_help_item items[HELP_MAX_ITEMS];
	size_t n = keymap_help(km, section, readonly, items, HELP_MAX_ITEMS);
	if (n > HELP_MAX_ITEMS)
		n = HELP_MAX_ITEMS;
	for (size_t i = 0; i < n; i++) {
		char keys[128] = "";
		for (size_t k = 0; k < items[i].nkeys; k++) {
			char name[KEYMAP_KEY_NAME_MAX];
			keymap_key_name(items[i].keys[k], name, sizeof name);
			snprintf(keys + strlen(keys), sizeof keys - strlen(keys), "%s%s",
				 k ? " " : "", name);
		}
		/* the request's name last: it is what keymap.yaml binds, and the first
		 * thing to give way on an 80-column terminal */
		strbuf_printf(sb, "  %-14s %s  (%s)\n", keys, request_help(items[i].req),
			      request_name(items[i].req));
	}
}

static void put_commands(struct strbuf *sb)
{
	strbuf_puts(sb, "\nCommands (press : then type; Tab completes, Enter runs)\n");
	strbuf_puts(sb, "  :RESOURCE [NS[,NS2]|-A] [@CTX|@all|@glob*] [-l SELECTOR]\n"
			"                         a live table of any resource: pods, deploy, svc,\n"
			"                         applications.argoproj.io ...; @ merges clusters\n");
	size_t n;
	const struct view_entry *views = view_registry(&n);
	for (size_t i = 0; i < n; i++) {
		char names[64];
		snprintf(names, sizeof names, *views[i].aliases ? ":%s (%s)" : ":%s%s",
			 views[i].command, views[i].aliases);
		strbuf_printf(sb, "  %-22s %s\n", names, views[i].help);
	}
	strbuf_puts(sb, "  :ctx NAME              Switch to context NAME\n"
			"  :ns NAME               Switch to namespace NAME (all: every namespace)\n"
			"  :q                     Quit\n");
	strbuf_puts(sb, "\nFilter (press / in a table; Esc clears it)\n"
			"  text                   rows containing text (case-insensitive unless\n"
			"                         it has capitals)\n"
			"  regex                  a regular expression: web-.*, ^api\n"
			"  !text                  rows NOT matching\n"
			"  -l app=web             a label selector, asked of the server\n");
}

static void put_favourites(struct strbuf *sb, struct console *c)
{
	size_t n;
	const char *const *fav = console_favourites(c, &n);
	strbuf_puts(sb, "\nFavourite namespaces (the namespaces you switch to; 0 shows all)\n");
	if (n == 0)
		strbuf_puts(sb, "  none yet\n");
	for (size_t i = 0; i < n && i < 9; i++)
		strbuf_printf(sb, "  %zu  %s\n", i + 1, fav[i]);
}

static bool help_open(struct view *v, const struct view_args *a, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	struct help_view *hv = v->priv;
	struct console *c = v->console;
	const char *section = a->text && *a->text ? a->text : NULL;
	pager_view_init(&hv->pv, PAGER_DESCRIBE, "help", "help", NULL);
	bool readonly = !action_gate_allows(console_gate(c), console_context(c));
	struct strbuf sb = STRBUF_INIT;
	strbuf_printf(&sb, "Keys in %s%s\n", section ? section : "this view",
		      readonly ? " (read-only: actions are off)" : "");
	put_keys(&sb, console_keymap(c), section, readonly);
	put_commands(&sb);
	put_favourites(&sb, c);
	strbuf_puts(&sb, "\nKeys are set in keymaps/default.yaml; override them in "
			 "$XDG_CONFIG_HOME/opsdeck/keymap.yaml.\n");
	pager_set_text(hv->pv.pager, strbuf_str(&sb));
	strbuf_free(&sb);
	return true;
}

const struct view_ops help_view_ops = {
	.name = "help",
	.private_size = sizeof(struct help_view),
	.open = help_open,
	.close = pager_view_close,
	PAGER_VIEW_SHARED_OPS,
};
