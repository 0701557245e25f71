/* The console's prompts: `:` commands ("pods kube-system @all -l app=web", "ctx prod",
 * "ns shop", "help", "q") with completion from discovery, the kubeconfig and the
 * cluster's namespaces; and `/` filters applied to the top view as they are typed. */
#include "views/console_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/xalloc.h"

enum { COMMAND_MAX_WORDS = 16, COMMAND_MAX_CLUSTERS = 64 };

/* ---- namespace names for completion -------------------------------------------------- */

void console_namespace_names_free(struct console *c)
{
	if (c->namespace_call) {
		kube_call_cancel(c->namespace_call);
		c->namespace_call = NULL;
	}
	for (size_t i = 0; i < c->nnamespace_names; i++)
		free(c->namespace_names[i]);
	free(c->namespace_names);
	c->namespace_names = NULL;
	c->nnamespace_names = 0;
}

static void on_namespaces(void *ud, const struct kube_result *res,
			  const struct kube_resource *r, struct table *t)
{
	(void)r;
	struct console *c = ud;
	c->namespace_call = NULL;
	if (!res->ok || !t) {
		table_free(t);
		return;
	}
	for (size_t i = 0; i < c->nnamespace_names; i++)
		free(c->namespace_names[i]);
	free(c->namespace_names);
	c->namespace_names = xcalloc(t->nrows ? t->nrows : 1, sizeof(char *));
	c->nnamespace_names = t->nrows;
	for (size_t i = 0; i < t->nrows; i++)
		c->namespace_names[i] = xstrdup(t->rows[i].name ? t->rows[i].name : "");
	table_free(t);
}

void console_fetch_namespaces(struct console *c)
{
	struct session_cluster *cl = session_find(c->session, c->context);
	if (!cl || c->namespace_call)
		return;
	struct kube_list_options o = {.resource = "namespaces"};
	c->namespace_call = kube_list(session_cluster_open(c->session, cl), &o, on_namespaces, c);
}

/* ---- completion ------------------------------------------------------------------- */

static bool has_prefix_ci(const char *s, const char *prefix)
{
	return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

/* Adds head + word when word starts with the typed part. */
static void offer(struct prompt_candidates *out, const char *head, const char *typed,
		  const char *word)
{
	if (!word || !*word || !has_prefix_ci(word, typed))
		return;
	char *line = xasprintf("%s%s", head, word);
	prompt_candidates_add(out, line);
	free(line);
}

static const struct kube_discovery *current_discovery(struct console *c)
{
	struct session_cluster *cl = session_find(c->session, c->context);
	return cl && cl->kc ? kube_client_discovery(cl->kc) : NULL;
}

/* The one name a resource is offered under for what was typed: its plural, else a
 * short name, else its singular, whichever starts with typed. One candidate per
 * resource, so "dep" completes to "deployments" rather than stopping at "deploy". */
static const char *resource_word(const struct kube_resource *r, const char *typed)
{
	if (has_prefix_ci(r->resource, typed))
		return r->resource;
	for (size_t j = 0; j < r->nshort; j++)
		if (has_prefix_ci(r->short_names[j], typed))
			return r->short_names[j];
	return r->singular;
}

static void complete_first_word(struct console *c, const char *typed,
				struct prompt_candidates *out)
{
	size_t n;
	const struct view_entry *views = view_registry(&n);
	for (size_t i = 0; i < n; i++)
		offer(out, "", typed, views[i].command);
	offer(out, "", typed, "quit");
	const struct kube_discovery *d = current_discovery(c);
	for (size_t i = 0; d && i < d->nresources; i++)
		offer(out, "", typed, resource_word(&d->resources[i], typed));
	for (size_t i = 0; i < n; i++) {
		char *aliases = xstrdup(views[i].aliases);
		for (char *save, *a = strtok_r(aliases, " ", &save); a; a = strtok_r(NULL, " ", &save))
			offer(out, "", typed, a);
		free(aliases);
	}
}

static void complete_contexts(struct console *c, const char *head, const char *typed,
			      struct prompt_candidates *out)
{
	for (size_t i = 0; i < session_count(c->session); i++)
		offer(out, head, typed, session_at(c->session, i)->ctx->name);
}

static void complete_namespaces(struct console *c, const char *head, const char *typed,
				struct prompt_candidates *out)
{
	for (size_t i = 0; i < c->nnamespace_names; i++)
		offer(out, head, typed, c->namespace_names[i]);
}

static void console_complete(void *ud, const char *text, struct prompt_candidates *out)
{
	struct console *c = ud;
	while (*text == ' ')
		text++;
	const char *last_space = strrchr(text, ' ');
	if (!last_space) {
		complete_first_word(c, text, out);
		return;
	}
	size_t head_len = (size_t)(last_space - text) + 1;
	char *head = xstrndup(text, head_len);
	const char *typed = last_space + 1;
	size_t first_len = strcspn(text, " ");
	char *first = xstrndup(text, first_len);
	const struct view_entry *e = view_registry_find(first);
	if (e && e->ops == &contexts_view_ops) {
		complete_contexts(c, head, typed, out);
	} else if (e && e->ops == &namespaces_view_ops) {
		complete_namespaces(c, head, typed, out);
	} else if (!e && *typed == '@') {
		char *at = xasprintf("%s@", head);
		offer(out, at, typed + 1, "all");
		for (size_t i = 0; config_cluster_set_name(c->config, i); i++)
			offer(out, at, typed + 1, config_cluster_set_name(c->config, i));
		complete_contexts(c, at, typed + 1, out);
		free(at);
	} else if (!e) {
		offer(out, head, typed, "-A");
		complete_namespaces(c, head, typed, out);
	}
	free(first);
	free(head);
}

/* ---- prompts ----------------------------------------------------------------------- */

void console_prompt_close(struct console *c)
{
	prompt_free(c->prompt);
	c->prompt = NULL;
	c->prompt_mode = CONSOLE_PROMPT_NONE;
	console_dirty(c, VIEW_CHROME);
}

void console_prompt_open_command(struct console *c)
{
	prompt_free(c->prompt);
	c->prompt = prompt_new(":", c->command_history);
	c->prompt_mode = CONSOLE_PROMPT_COMMAND;
	prompt_set_completer(c->prompt, console_complete, c);
	if (!c->nnamespace_names)
		console_fetch_namespaces(c);
	console_dirty(c, VIEW_CHROME);
}

void console_prompt_filter(struct console *c, const char *label, const char *initial)
{
	prompt_free(c->prompt);
	c->prompt = prompt_new(label, c->filter_history);
	c->prompt_mode = CONSOLE_PROMPT_FILTER;
	if (initial)
		prompt_set_text(c->prompt, initial);
	console_dirty(c, VIEW_CHROME);
}

bool console_prompt_is_open(const struct console *c)
{
	return c->prompt != NULL;
}

static void console_filter_apply(struct console *c, const char *text)
{
	struct view *top = console_top(c);
	if (top && top->ops->filter)
		console_dirty(c, top->ops->filter(top, text) | VIEW_CHROME);
}

void console_prompt_key(struct console *c, int key, bool fkey)
{
	enum prompt_status st = prompt_key(c->prompt, key, fkey);
	if (st == PROMPT_EDITING) {
		/* filters apply as they are typed, as in k9s */
		if (c->prompt_mode == CONSOLE_PROMPT_FILTER)
			console_filter_apply(c, prompt_text(c->prompt));
		console_dirty(c, VIEW_CHROME);
		return;
	}
	char *text = xstrdup(prompt_text(c->prompt));
	enum console_prompt_mode mode = c->prompt_mode;
	console_prompt_close(c);
	if (st == PROMPT_ACCEPT && mode == CONSOLE_PROMPT_COMMAND) {
		prompt_history_add(c->command_history, text);
		console_run_command(c, text);
	} else if (mode == CONSOLE_PROMPT_FILTER) {
		if (st == PROMPT_ACCEPT)
			prompt_history_add(c->filter_history, text);
		/* Esc leaves no filter behind, as k9s */
		console_filter_apply(c, st == PROMPT_ACCEPT ? text : "");
	}
	free(text);
}

/* ---- commands ------------------------------------------------------------------------ */

static size_t split_words(char *line, char **words, size_t cap)
{
	size_t n = 0;
	for (char *save, *w = strtok_r(line, " \t", &save); w && n < cap;
	     w = strtok_r(NULL, " \t", &save))
		words[n++] = w;
	return n;
}

/* True when ns is one of the cluster's namespaces, or when they are not known yet (the
 * list is still loading, or listing namespaces is forbidden): then the table will say. */
static bool namespace_known(const struct console *c, const char *ns)
{
	if (!c->nnamespace_names)
		return true;
	for (size_t i = 0; i < c->nnamespace_names; i++)
		if (strcmp(c->namespace_names[i], ns) == 0)
			return true;
	return false;
}

static bool run_view_command(struct console *c, const struct view_entry *e, char **words,
			     size_t n)
{
	if (e->ops == &contexts_view_ops && n > 1)
		return console_set_context(c, words[1]);
	if (e->ops == &namespaces_view_ops && n > 1) {
		const char *ns = strcmp(words[1], "all") == 0 || strcmp(words[1], "-A") == 0
					 ? "" : words[1];
		if (*ns && !namespace_known(c, ns)) {
			console_flash(c, CHROME_FLASH_ERROR, "namespaces \"%s\" not found", ns);
			return false;
		}
		console_set_namespace(c, ns);
		struct view *top = console_top(c);
		if (top && top->ops->resume)
			console_dirty(c, top->ops->resume(top));
		return true;
	}
	struct view_args a = {.title = e->command};
	if ((e->ops == &apps_view_ops || e->ops == &findings_view_ops) && n > 1)
		a.text = words[1];   /* :apps payments, :findings cart → filtered */
	char rest[256] = "";
	if (e->ops == &dora_view_ops && n > 1) {
		/* :dora [--until TIME] [TENANT|SERVICE]: the view parses the words */
		size_t at = 0;
		for (size_t i = 1; i < n && at < sizeof rest; i++)
			at += (size_t)snprintf(rest + at, sizeof rest - at, "%s%s", i > 1 ? " " : "",
					       words[i]);
		a.text = rest;
	}
	char envs[160];
	if (e->ops == &promote_view_ops) {
		if (n != 4) {
			console_flash(c, CHROME_FLASH_ERROR, "usage: :promote SERVICE FROM TO");
			return false;
		}
		snprintf(envs, sizeof envs, "%s %s", words[2], words[3]);
		a.name = words[1];
		a.text = envs;
	}
	if (e->ops == &help_view_ops) {
		struct view *top = console_top(c);
		const char *section = top && top->ops->keymap_section
					      ? top->ops->keymap_section(top) : NULL;
		a.text = section ? section : "";
	}
	return console_push(c, e->ops, &a);
}

/* Parsed arguments of a resource command. */
struct resource_command {
	const char *resource;
	const char *namespaces[COMMAND_MAX_WORDS];
	size_t nnamespaces;
	bool all_namespaces;
	const char *clusters;
	const char *label_selector;
};

static bool parse_resource_command(char **words, size_t n, struct resource_command *rc,
				   char *err, size_t errlen)
{
	memset(rc, 0, sizeof(*rc));
	rc->resource = words[0];
	for (size_t i = 1; i < n; i++) {
		const char *w = words[i];
		if (*w == '@') {
			rc->clusters = w + 1;
		} else if (strcmp(w, "-l") == 0 && i + 1 < n) {
			rc->label_selector = words[++i];
		} else if (strncmp(w, "-l", 2) == 0 && w[2]) {
			rc->label_selector = w + 2;
		} else if (strcmp(w, "-A") == 0 || strcmp(w, "all") == 0) {
			rc->all_namespaces = true;
		} else if (strcmp(w, "-n") == 0 && i + 1 < n) {
			rc->namespaces[rc->nnamespaces++] = words[++i];
		} else if (*w != '-') {
			/* "a,b" names several namespaces */
			for (char *save, *ns = strtok_r(words[i], ",", &save);
			     ns && rc->nnamespaces < COMMAND_MAX_WORDS; ns = strtok_r(NULL, ",", &save))
				rc->namespaces[rc->nnamespaces++] = ns;
		} else {
			snprintf(err, errlen, "unknown flag \"%s\" (use NAMESPACE, -A, @CLUSTERS, -l SELECTOR)", w);
			return false;
		}
	}
	return true;
}

static bool run_resource_command(struct console *c, char **words, size_t n)
{
	struct resource_command rc;
	char err[512];
	if (!parse_resource_command(words, n, &rc, err, sizeof err)) {
		console_flash(c, CHROME_FLASH_ERROR, "%s", err);
		return false;
	}
	const struct kube_discovery *d = current_discovery(c);
	if (d && !kube_discovery_resolve(d, rc.resource, err, sizeof err)) {
		console_flash(c, CHROME_FLASH_ERROR, "%s", err);
		return false;
	}
	struct session_cluster *clusters[COMMAND_MAX_CLUSTERS];
	const char *names[COMMAND_MAX_CLUSTERS];
	struct view_args a = {.resource = rc.resource, .label_selector = rc.label_selector};
	if (rc.clusters) {
		/* a named set from config.yaml, else context names and globs */
		const char *set = config_cluster_set(c->config, rc.clusters);
		size_t k = session_match(c->session, set ? set : rc.clusters, clusters,
					 COMMAND_MAX_CLUSTERS);
		if (!k) {
			console_flash(c, CHROME_FLASH_ERROR, "no context matches \"@%s\"", rc.clusters);
			return false;
		}
		for (size_t i = 0; i < k; i++)
			names[i] = clusters[i]->ctx->name;
		a.contexts = names;
		a.ncontexts = k;
	}
	static const char *const all[] = {""};
	if (rc.all_namespaces) {
		a.namespaces = all;
		a.nnamespaces = 1;
	} else if (rc.nnamespaces) {
		a.namespaces = rc.namespaces;
		a.nnamespaces = rc.nnamespaces;
	}
	return console_push(c, &resource_view_ops, &a);
}

bool console_run_command(struct console *c, const char *line)
{
	char *copy = xstrdup(line);
	char *words[COMMAND_MAX_WORDS];
	size_t n = split_words(copy, words, COMMAND_MAX_WORDS);
	bool ok = true;
	if (n == 0) {
		ok = false;
	} else if (strcmp(words[0], "q") == 0 || strcmp(words[0], "quit") == 0 ||
		   strcmp(words[0], "q!") == 0) {
		loop_stop(c->loop);
	} else {
		const struct view_entry *e = view_registry_find(words[0]);
		ok = e ? run_view_command(c, e, words, n) : run_resource_command(c, words, n);
	}
	free(copy);
	return ok;
}

bool console_open_command(struct console *c, const char *command)
{
	return console_run_command(c, command);
}
