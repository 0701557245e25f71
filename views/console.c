/* The console (views/console.h): set-up, the view stack, keys to requests, and frames
 * that draw only what the handlers said changed. */
#include "views/console_internal.h"
#include "views/console_timeline.h"

#include <errno.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/envname.h"
#include "core/sanitize.h"
#include "core/xalloc.h"
#include "tui/chrome.h"
#include "tui/glyphs.h"

enum { CONSOLE_JOB_THREADS = 2, CONSOLE_HELP_ITEMS = 64 };

/* ---- helpers for views ------------------------------------------------------------ */

struct session *console_session(struct console *c) { return c->session; }
struct jobs *console_jobs(struct console *c) { return c->jobs; }
struct loop *console_loop(struct console *c) { return c->loop; }
const struct keymap *console_keymap(const struct console *c) { return c->keymap; }
const struct config *console_config(const struct console *c) { return c->config; }
const struct action_gate *console_gate(const struct console *c) { return &c->gate; }
const char *console_context(const struct console *c) { return c->context; }
const char *console_namespace(const struct console *c) { return c->namespace; }
struct http *console_http(struct console *c) { return c->http; }
const char *console_platform_path(const struct console *c) { return c->opts ? c->opts->platform : NULL; }
const char *console_audit_path(const struct console *c) { return c->audit_path; }

struct view *console_top(const struct console *c)
{
	return c->depth ? c->stack[c->depth - 1] : NULL;
}

void console_dirty(struct console *c, unsigned change)
{
	c->dirty |= change;
	if (c->screen)
		screen_request_frame(c->screen);
}

void console_changed(struct console *c, struct view *v, unsigned change)
{
	if (v == console_top(c) && change)
		console_dirty(c, change);
}

void console_flash(struct console *c, enum chrome_flash level, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char buf[1024];
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	free(c->flash_text);
	c->flash_text = sanitize_cstr(buf, 0);
	c->flash_level = level;
	console_dirty(c, VIEW_CHROME);
}

static void console_flash_clear(struct console *c)
{
	if (!c->flash_text)
		return;
	free(c->flash_text);
	c->flash_text = NULL;
	console_dirty(c, VIEW_CHROME);
}

struct argocd_client *console_argocd(struct console *c, char *err, size_t errlen)
{
	if (c->argocd)
		return c->argocd;
	argocd_config_clear(&c->argocd_cfg);
	if (argocd_config_resolve(c->opts->platform, &c->argocd_cfg, err, errlen) < 0)
		return NULL;
	struct kube_client *core = NULL;
	if (!c->argocd_cfg.server) {
		/* core mode: the Applications are read where the config says, else here */
		const char *ctx = c->argocd_cfg.core_context ? c->argocd_cfg.core_context
							     : c->context;
		struct session_cluster *cl = session_find(c->session, ctx);
		if (!cl) {
			snprintf(err, errlen, "Argo CD core mode: no context \"%s\"", ctx);
			return NULL;
		}
		core = session_cluster_open(c->session, cl);
	}
	c->argocd = argocd_client_new(c->loop, c->http, &c->argocd_cfg, core);
	console_audit_learn_argocd_user(c);
	return c->argocd;
}

/* ---- the view stack --------------------------------------------------------------- */

static void view_destroy(struct view *v)
{
	if (!v)
		return;
	if (v->ops->close)
		v->ops->close(v);
	free(v->priv);
	free(v);
}

bool console_push(struct console *c, const struct view_ops *ops, const struct view_args *a)
{
	struct view *v = xcalloc(1, sizeof(*v));
	v->ops = ops;
	v->console = c;
	v->priv = xcalloc(1, ops->private_size ? ops->private_size : 1);
	if (c->body)
		getmaxyx(c->body, v->body_rows, v->body_cols);
	char err[512] = "";
	struct view_args none = {0};
	if (!ops->open(v, a ? a : &none, err, sizeof err)) {
		view_destroy(v);
		console_flash(c, CHROME_FLASH_ERROR, "%s", err[0] ? err : "cannot open the view");
		return false;
	}
	if (c->depth == CONSOLE_MAX_VIEWS) {
		/* keep the first view (the root Esc returns to); drop the next oldest */
		view_destroy(c->stack[1]);
		memmove(&c->stack[1], &c->stack[2], (c->depth - 2) * sizeof(c->stack[0]));
		c->depth--;
	}
	c->stack[c->depth++] = v;
	console_dirty(c, VIEW_FULL | VIEW_CHROME);
	return true;
}

void console_pop(struct console *c)
{
	if (c->depth <= 1)
		return;
	view_destroy(c->stack[--c->depth]);
	struct view *top = console_top(c);
	unsigned change = VIEW_FULL | VIEW_CHROME;
	if (top->ops->resume)
		change |= top->ops->resume(top);
	console_dirty(c, change);
}

static void console_stack_clear(struct console *c)
{
	while (c->depth)
		view_destroy(c->stack[--c->depth]);
}

/* The first view of a context: its pods in the current namespace. */
static void console_open_root(struct console *c)
{
	struct view_args a = {.resource = "pods"};
	if (!console_push(c, &resource_view_ops, &a)) {
		a.resource = "namespaces";
		console_push(c, &resource_view_ops, &a);
	}
}

/* ---- context, namespace, theme ------------------------------------------------------ */

static void console_apply_theme(struct console *c)
{
	struct config_context cc;
	config_context_get(c->config, c->context, &cc);
	const char *chain[] = {cc.theme, config_default_theme(c->config)};
	bool colors = c->screen && screen_has_colors(c->screen);
	const char *name = theme_pick(chain, 2, getenv("NO_COLOR"), colors,
				      colors ? COLORS : 0, NULL);
	char err[512] = "";
	struct theme *t = theme_load(name, NULL, err, sizeof err);
	if (!t) {
		console_flash(c, CHROME_FLASH_ERROR, "%s", err);
		t = theme_load(colors ? "dark" : "mono", NULL, err, sizeof err);
	}
	if (!t)
		return;
	theme_free(c->theme);
	c->theme = t;
	theme_apply(t, c->screen && screen_default_colors(c->screen));
	if (c->body) {
		/* the background of every window follows the theme */
		WINDOW *wins[] = {c->header, c->crumbs, c->body, c->flash, c->footer};
		for (size_t i = 0; i < sizeof wins / sizeof wins[0]; i++)
			wbkgdset(wins[i], ' ' | theme_attr(THEME_DEFAULT));
	}
	if (c->screen)
		screen_redraw_all(c->screen);
	console_dirty(c, VIEW_FULL | VIEW_CHROME);
}

/* The HTTP layer refuses writes whenever the current context may not be changed: the
 * defence behind the gate (DESIGN.md principle 5). */
static void console_apply_readonly(struct console *c)
{
	http_set_read_only(c->http, !action_gate_allows(&c->gate, c->context));
}

void console_set_namespace(struct console *c, const char *ns)
{
	free(c->namespace);
	c->namespace = xstrdup(ns ? ns : "");
	if (*c->namespace && c->favourites_path &&
	    config_favourite_add(c->config, c->context, c->namespace)) {
		size_t n;
		const char *const *fav = config_favourites(c->config, c->context, &n);
		/* nine digit keys: the oldest favourite makes room */
		if (n > 9)
			config_favourite_remove(c->config, c->context, fav[0]);
		char err[512];
		if (!config_save_favourites(c->config, c->favourites_path, err, sizeof err))
			console_flash(c, CHROME_FLASH_WARN, "%s", err);
	}
	console_dirty(c, VIEW_CHROME);
}

const struct platform *console_platform(const struct console *c)
{
	return c->platform;
}

void console_platform_derive(struct console *c, const json_t *apps)
{
	platform_derive(c->platform, apps);
}

const char *const *console_favourites(struct console *c, size_t *n)
{
	return config_favourites(c->config, c->context, n);
}

static const char *context_namespace(const struct console *c, const char *context)
{
	const struct kube_context *k = kubeconfig_context(c->kcfg, context);
	/* no namespace in the context: every namespace, so a first look shows something */
	return k && k->namespace && *k->namespace ? k->namespace : "";
}

bool console_set_context(struct console *c, const char *context)
{
	struct session_cluster *cl = session_find(c->session, context);
	if (!cl) {
		console_flash(c, CHROME_FLASH_ERROR, "no context \"%s\" in the kubeconfig", context);
		return false;
	}
	free(c->context);
	c->context = xstrdup(context);
	free(c->namespace);
	c->namespace = xstrdup(context_namespace(c, context));
	session_cluster_open(c->session, cl);
	console_apply_readonly(c);
	console_stack_clear(c);
	console_namespace_names_free(c);
	console_apply_theme(c);
	console_open_root(c);
	console_fetch_namespaces(c);
	return true;
}

/* ---- the screen's callbacks -------------------------------------------------------- */

static void console_layout(struct screen *s, int rows, int cols, void *ud)
{
	(void)s;
	struct console *c = ud;
	WINDOW **wins[] = {&c->header, &c->crumbs, &c->body, &c->flash, &c->footer};
	for (size_t i = 0; i < sizeof wins / sizeof wins[0]; i++) {
		if (*wins[i])
			delwin(*wins[i]);
		*wins[i] = NULL;
	}
	c->rows = rows;
	c->cols = cols;
	int body = rows - 4 > 1 ? rows - 4 : 1;
	c->header = newwin(1, cols, 0, 0);
	c->crumbs = newwin(1, cols, 1, 0);
	c->body = newwin(body, cols, 2, 0);
	c->flash = newwin(1, cols, rows - 2 > 2 ? rows - 2 : 2, 0);
	c->footer = newwin(1, cols, rows - 1 > 3 ? rows - 1 : 3, 0);
	WINDOW *all[] = {c->header, c->crumbs, c->body, c->flash, c->footer};
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		wbkgdset(all[i], ' ' | theme_attr(THEME_DEFAULT));
	c->dirty |= VIEW_FULL | VIEW_CHROME;
}

/* The header colour of a context, from the environment its name says it is in. */
static enum theme_element context_environment(const char *context)
{
	switch (envname_classify(context)) {
	case ENVNAME_PRODUCTION: return THEME_ENV_PRODUCTION;
	case ENVNAME_STAGING: return THEME_ENV_STAGING;
	case ENVNAME_OTHER: break;
	}
	return THEME_HEADER_CONTEXT;
}

static void console_countdown_due(struct loop *loop, long long id, void *ud)
{
	(void)loop;
	(void)id;
	struct console *c = ud;
	c->countdown_timer = 0;
	console_dirty(c, VIEW_CHROME);
}

static void console_draw_header(struct console *c, struct view *top)
{
	struct chrome_header h = {.context = c->context, .namespace = c->namespace,
				  .conn = CHROME_CONN_NONE};
	if (!*c->namespace)
		h.namespace = "all";
	if (top && top->ops->header)
		top->ops->header(top, &h);
	struct session_cluster *cl = session_find(c->session, h.context);
	if (cl) {
		h.identity = cl->identity;
		h.version = cl->version;
		h.insecure = h.insecure || (cl->ctx && cl->ctx->insecure_skip_tls_verify);
		if (h.conn == CHROME_CONN_NONE && cl->reach == SESSION_UNREACHABLE) {
			h.conn = CHROME_CONN_DOWN;
			h.conn_detail = cl->error;
		}
	}
	h.readonly = !action_gate_allows(&c->gate, h.context ? h.context : c->context);
	h.audit = c->opts->audit;
	h.env = context_environment(h.context ? h.context : c->context);
	chrome_draw_header(c->header, &h);
	/* a retry countdown and a stale age are the only things that tick, and only while
	 * they last; an age past ten minutes shows minutes, so once a minute will do */
	if (h.conn != CHROME_CONN_RETRYING && !h.stale)
		return;
	long ms = h.conn != CHROME_CONN_RETRYING && h.stale_s >= 600 ? 60000 : 1000;
	if (c->countdown_timer && c->countdown_ms > ms) { /* a retry began: tick faster */
		loop_timer_cancel(c->loop, c->countdown_timer);
		c->countdown_timer = 0;
	}
	if (!c->countdown_timer) {
		c->countdown_timer = loop_timer_add(c->loop, ms, false, console_countdown_due, c);
		c->countdown_ms = ms;
	}
}

/* Where a hint goes in the footer: 80 columns hold five or six, so the keys a newcomer
 * needs first (help, command), then what this view can do that others cannot (its
 * actions), then the rest in help order; quit last, as everyone finds q. */
static int footer_rank(enum request req)
{
	if (req == REQ_HELP)
		return 0;
	if (req == REQ_COMMAND)
		return 1;
	if (request_is_action(req))
		return 2;
	return req == REQ_QUIT ? 4 : 3;
}

static void footer_order(struct keymap_help_item *items, size_t n)
{
	/* insertion sort: stable, and n is a few dozen */
	for (size_t i = 1; i < n; i++) {
		struct keymap_help_item it = items[i];
		size_t j = i;
		while (j > 0 && footer_rank(items[j - 1].req) > footer_rank(it.req)) {
			items[j] = items[j - 1];
			j--;
		}
		items[j] = it;
	}
}

static void console_draw_chrome(struct console *c, struct view *top)
{
	console_draw_header(c, top);
	const char *crumbs[CONSOLE_MAX_VIEWS];
	for (size_t i = 0; i < c->depth; i++)
		crumbs[i] = c->stack[i]->ops->title ? c->stack[i]->ops->title(c->stack[i]) : "";
	char right[256] = "";
	if (top && top->ops->status)
		top->ops->status(top, right, sizeof right);
	chrome_draw_crumbs(c->crumbs, crumbs, c->depth, right);
	if (c->prompt) {
		prompt_draw(c->prompt, c->footer, c->flash);
		return;
	}
	chrome_draw_flash(c->flash, c->flash_level, c->flash_text);
	struct keymap_help_item items[CONSOLE_HELP_ITEMS];
	const char *section = top && top->ops->keymap_section ? top->ops->keymap_section(top) : NULL;
	size_t n = keymap_help(c->keymap, section, !action_gate_allows(&c->gate, c->context),
			       items, CONSOLE_HELP_ITEMS);
	n = n < CONSOLE_HELP_ITEMS ? n : CONSOLE_HELP_ITEMS;
	footer_order(items, n);
	chrome_draw_footer(c->footer, items, n);
}

static void console_frame(struct screen *s, void *ud)
{
	(void)s;
	struct console *c = ud;
	struct view *top = console_top(c);
	unsigned dirty = c->dirty;
	c->dirty = 0;
	if (top && (dirty & (VIEW_BODY | VIEW_FULL))) {
		bool full = (dirty & VIEW_FULL) != 0;
		if (full)
			werase(c->body);
		getmaxyx(c->body, top->body_rows, top->body_cols);
		top->ops->draw(top, c->body, full);
		if (full)
			wnoutrefresh(c->body);
	}
	if (dirty & VIEW_CHROME)
		console_draw_chrome(c, top);
	if (c->dialog)
		dialog_draw(c->dialog, 2, 0, c->rows - 4, c->cols);
}

static void console_quit_signal(struct screen *s, int signo, void *ud)
{
	(void)s;
	(void)signo;
	struct console *c = ud;
	loop_stop(c->loop);
}

/* ---- keys ---------------------------------------------------------------------------- */

static void console_request(struct console *c, enum request req, int key)
{
	struct view *top = console_top(c);
	const char *section = top->ops->keymap_section ? top->ops->keymap_section(top) : NULL;
	switch (req) {
	case REQ_QUIT:
		loop_stop(c->loop);
		return;
	case REQ_COMMAND:
		console_prompt_open_command(c);
		return;
	case REQ_HELP: {
		struct view_args a = {.text = section ? section : "", .title = "help"};
		console_push(c, &help_view_ops, &a);
		return;
	}
	case REQ_REFRESH:
		screen_redraw_all(c->screen);
		console_dirty(c, VIEW_FULL | VIEW_CHROME);
		return;
	case REQ_FILTER:
	case REQ_SEARCH:
		if (top->ops->filter) {
			console_prompt_filter(c, "/", NULL);
			return;
		}
		break;
	default:
		break;
	}
	unsigned change = top->ops->request ? top->ops->request(top, req, key) : VIEW_UNHANDLED;
	if ((change & VIEW_UNHANDLED) && req == REQ_BACK) {
		console_pop(c);
		return;
	}
	if (change & VIEW_UNHANDLED) {
		if (req != REQ_NONE && request_is_action(req) &&
		    !action_gate_allows(&c->gate, c->context))
			console_flash(c, CHROME_FLASH_WARN, "read-only: %s is not allowed here",
				      request_name(req));
		change &= ~(unsigned)VIEW_UNHANDLED;
	}
	if (change)
		console_dirty(c, change);
}

static void console_key(struct screen *s, int key, bool fkey, void *ud)
{
	(void)s;
	struct console *c = ud;
	if (c->dialog) {
		console_dialog_key(c, key, fkey);
		return;
	}
	if (c->prompt) {
		console_prompt_key(c, key, fkey);
		return;
	}
	console_flash_clear(c);
	struct view *top = console_top(c);
	if (!top || (fkey == false && key >= 256))
		return;
	int k = keymap_key_normalize(key);
	const char *section = top->ops->keymap_section ? top->ops->keymap_section(top) : NULL;
	enum request req = keymap_lookup(c->keymap, section, k);
	if (req == REQ_NONE)
		return;
	console_request(c, req, k);
}

/* ---- set-up and the run ------------------------------------------------------------- */

static void console_on_cluster(void *ud, struct session_cluster *cl)
{
	struct console *c = ud;
	if (strcmp(cl->ctx->name, c->context) == 0)
		console_dirty(c, VIEW_CHROME);
}

static int console_load_files(struct console *c, char *err, size_t errlen)
{
	if (kubeconfig_load(c->opts->kubeconfig, &c->kcfg, err, errlen) < 0)
		return -1;
	if (c->kcfg->ncontexts == 0) {
		bool read_some = c->kcfg->files && c->kcfg->files[0];
		snprintf(err, errlen, "%s: opsdeck needs at least one context; name a kubeconfig "
			 "with --kubeconfig or KUBECONFIG, or try the sandbox: make demo",
			 read_some ? "the kubeconfig has no contexts"
				   : "no kubeconfig found (KUBECONFIG, ~/.kube/config)");
		return -1;
	}
	const char *ctx = c->opts->context ? c->opts->context : c->kcfg->current_context;
	if (!ctx || !kubeconfig_context(c->kcfg, ctx)) {
		if (c->opts->context || ctx) {
			snprintf(err, errlen, "context \"%s\" does not exist", ctx);
			return -1;
		}
		ctx = c->kcfg->contexts[0].name;
	}
	c->context = xstrdup(ctx);
	c->namespace = xstrdup(context_namespace(c, ctx));
	char *path = config_default_path();
	c->config = path ? config_load(path, err, errlen) : config_new();
	free(path);
	if (!c->config)
		return -1;
	/* a platform file named by --platform or OPSDECK_PLATFORM must exist; the default
	 * one may be absent (an empty model) */
	if (c->opts->platform && c->opts->platform_explicit && access(c->opts->platform, R_OK) != 0) {
		snprintf(err, errlen, "%s: %s", c->opts->platform, strerror(errno));
		return -1;
	}
	if (!c->opts->platform)
		c->platform = platform_new();
	else if (platform_load(c->opts->platform, &c->platform, err, errlen) < 0)
		return -1;
	c->favourites_path = config_favourites_default_path();
	if (c->favourites_path &&
	    !config_favourites_load(c->config, c->favourites_path, err, errlen))
		return -1;
	return 0;
}

static void console_free(struct console *c)
{
	console_stack_clear(c);
	console_timeline_stop(c);
	console_pending_free(c);
	dialog_free(c->dialog);
	prompt_free(c->prompt);
	prompt_history_free(c->command_history);
	prompt_history_free(c->filter_history);
	console_namespace_names_free(c);
	if (c->countdown_timer)
		loop_timer_cancel(c->loop, c->countdown_timer);
	WINDOW *wins[] = {c->header, c->crumbs, c->body, c->flash, c->footer};
	for (size_t i = 0; i < sizeof wins / sizeof wins[0]; i++)
		if (wins[i])
			delwin(wins[i]);
	screen_close(c->screen);
	console_audit_free(c);         /* may cancel a call of the Argo CD client */
	argocd_client_free(c->argocd); /* borrows a session's kube client: first */
	argocd_config_clear(&c->argocd_cfg);
	session_free(c->session);
	jobs_free(c->jobs);
	http_free(c->http);
	loop_free(c->loop);
	keymap_free(c->keymap);
	theme_free(c->theme);
	config_free(c->config);
	platform_free(c->platform);
	kubeconfig_free(c->kcfg);
	free(c->favourites_path);
	free(c->context);
	free(c->namespace);
	free(c->flash_text);
}

int console_run(const struct global_opts *g)
{
	setlocale(LC_ALL, "");
	glyphs_init_from_locale();
	struct console con = {.opts = g};
	struct console *c = &con;
	char err[1024] = "";
	if (console_load_files(c, err, sizeof err) < 0) {
		fprintf(stderr, "opsdeck: %s\n", err);
		console_free(c);
		return 2;
	}
	/* a bad keymap or theme is refused like a bad config.yaml: before the terminal is
	 * touched, with its position, exit 2 (docs/config.md) */
	char keymap_err[512] = "";
	c->keymap = keymap_load(NULL, keymap_err, sizeof keymap_err);
	if (!c->keymap || keymap_err[0] || theme_check_user_dir(NULL, err, sizeof err) < 0) {
		fprintf(stderr, "opsdeck: %s\n", keymap_err[0] ? keymap_err : err);
		console_free(c);
		return 2;
	}
	action_gate_init(&c->gate, c->config, g->readonly);
	console_audit_init(c);
	c->loop = loop_new();
	c->http = http_new(c->loop);
	c->jobs = jobs_new(c->loop, CONSOLE_JOB_THREADS);
	c->session = session_new(c->loop, c->http, c->jobs, c->kcfg);
	session_listen(c->session, console_on_cluster, c);
	c->command_history = prompt_history_new(100);
	c->filter_history = prompt_history_new(100);
	console_apply_readonly(c);
	static const struct screen_ops ops = {
		.key = console_key, .layout = console_layout, .frame = console_frame,
		.quit = console_quit_signal};
	c->screen = screen_open(c->loop, NULL, &ops, c, err, sizeof err);
	if (!c->screen) {
		fprintf(stderr, "opsdeck: %s\n", err);
		console_free(c);
		return 2;
	}
	screen_set_frame_ms(c->screen, config_coalesce_ms(c->config));
	console_apply_theme(c);
	session_cluster_open(c->session, session_find(c->session, c->context));
	console_open_root(c);
	console_fetch_namespaces(c);
	console_timeline_start(c);
	if (c->kcfg->warning)
		console_flash(c, CHROME_FLASH_WARN, "%s", c->kcfg->warning);
	loop_run(c->loop);
	console_free(c);
	return 0;
}
