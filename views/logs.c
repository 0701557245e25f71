/* The logs view (k9s's, plus a filter and a save): the lines of a pod, a workload's pods
 * or an app's pods fanned in with a coloured source prefix, followed or paused, searched,
 * filtered, restarted with another tail, since, container or the previous instance. */
#include "views/logs_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/xalloc.h"
#include "core/config.h"
#include "views/console.h"

/* ---- opening ------------------------------------------------------------------------ */

static bool logs_open(struct view *v, const struct view_args *a, char *err, size_t errlen)
{
	struct logs_view *lv = logs_of(v);
	lv->view = v;
	const struct config_logs *cfg = config_logs(console_config(v->console));
	lv->model = logs_model_new(cfg->buffer_lines);
	/* JSON lines read as "LEVEL message fields" from the start; J shows them raw */
	struct logs_display d = *logs_model_display(lv->model);
	d.json = true;
	d.fields = (const char *const *)cfg->fields;
	d.nfields = cfg->nfields;
	logs_model_set_display(lv->model, &d);
	lv->follow = true;
	lv->tail = cfg->tail_lines;
	lv->dirty = true;
	strbuf_reset(&lv->line);
	return logs_target_open(lv, a, err, errlen);
}

static void logs_close(struct view *v)
{
	struct logs_view *lv = logs_of(v);
	logs_stop(lv);
	logs_model_free(lv->model);
	logs_target_free(lv);
	strbuf_free(&lv->line);
	free(lv->el);
}

static const char *logs_section(const struct view *v)
{
	(void)v;
	return "logs";
}

static const char *logs_title(const struct view *v)
{
	return logs_of(v)->title;
}

static void logs_header(const struct view *v, struct chrome_header *h)
{
	const struct logs_view *lv = logs_of(v);
	h->context = lv->context;
	if (lv->namespace)
		h->namespace = lv->namespace;
	switch (lv->state) {
	case KUBE_LOG_CONNECTING: h->conn = CHROME_CONN_LOADING; break;
	case KUBE_LOG_STREAMING: h->conn = CHROME_CONN_OK; break;
	case KUBE_LOG_RETRYING:
		h->conn = CHROME_CONN_RETRYING;
		h->conn_detail = lv->error;
		break;
	case KUBE_LOG_FAILED:
		h->conn = CHROME_CONN_DOWN;
		h->conn_detail = lv->error;
		break;
	default: break; /* ended: nothing streams, nothing to say */
	}
}

/* ---- the status line ---------------------------------------------------------------- */

/* 1234567 -> "1,234,567" */
static const char *count(char *buf, size_t len, unsigned long long n)
{
	char digits[32];
	int nd = snprintf(digits, sizeof digits, "%llu", n);
	size_t o = 0;
	for (int i = 0; i < nd && o + 2 < len; i++) {
		if (i > 0 && (nd - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
	return buf;
}

static const char *state_text(const struct logs_view *lv, char *buf, size_t len)
{
	switch (lv->state) {
	case KUBE_LOG_CONNECTING: return lv->tree_call ? "finding pods" : "connecting";
	case KUBE_LOG_STREAMING: snprintf(buf, len, "%u streaming", lv->streaming); return buf;
	case KUBE_LOG_RETRYING: snprintf(buf, len, "%u streaming, retrying", lv->streaming); return buf;
	case KUBE_LOG_ENDED: return lv->error ? lv->error : "ended";
	default: return "failed";
	}
}

static void since_text(const struct logs_view *lv, char *buf, size_t len)
{
	char tail[32] = "all";
	if (lv->tail >= 0)
		snprintf(tail, sizeof tail, "tail %lld", lv->tail);
	if (lv->since <= 0)
		snprintf(buf, len, "%s", tail);
	else if (lv->since % 3600 == 0)
		snprintf(buf, len, "%s since %lldh", tail, lv->since / 3600);
	else
		snprintf(buf, len, "%s since %lldm", tail, lv->since / 60);
}

static void logs_status(const struct view *v, char *buf, size_t len)
{
	const struct logs_view *lv = logs_of(v);
	const struct logring *r = logs_model_ring(lv->model);
	char a[32], b[32], st[64], since[64], mode[64], find[160] = "";
	if (lv->follow)
		snprintf(mode, sizeof mode, "following");
	else
		snprintf(mode, sizeof mode, "paused, %s new", count(a, sizeof a, lv->new_lines));
	since_text(lv, since, sizeof since);
	const char *filter = logs_model_filter(lv->model);
	const char *search = logs_model_search_pattern(lv->model);
	size_t o = 0;
	if (*filter)
		o += (size_t)snprintf(find + o, sizeof find - o, "  &%s %zu", filter,
				      logs_model_shown(lv->model));
	if (*search && o < sizeof find) {
		size_t rank = logs_model_search_rank(lv->model, lv->current);
		size_t total = logs_model_search_count(lv->model);
		if (total && rank)
			snprintf(find + o, sizeof find - o, "  /%s match %zu/%zu", search, rank, total);
		else
			snprintf(find + o, sizeof find - o, "  /%s %zu matches", search, total);
	}
	char which[96] = "";
	if (lv->container)
		snprintf(which, sizeof which, " [%s]", lv->container);
	int n = snprintf(buf, len, "%s%s%s  %s  %s lines", mode, lv->previous ? " (previous)" : "",
			 which, state_text(lv, st, sizeof st), count(a, sizeof a, logring_count(r)));
	if (n > 0 && (size_t)n < len && logring_dropped(r))
		n += snprintf(buf + n, len - (size_t)n, " (%s dropped)",
			      count(b, sizeof b, logring_dropped(r)));
	/* narrow screens: the crumb (which pod) matters more than tail and since */
	bool wide = v->body_cols <= 0 || v->body_cols >= 110;
	if (n > 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, "%s%s%s", wide ? "  " : "", wide ? since : "",
			 find);
}

/* ---- motions ------------------------------------------------------------------------ */

/* Stops following with shown line idx at the top. */
static void pause_at(struct logs_view *lv, size_t idx)
{
	if (lv->follow)
		lv->new_lines = 0;
	lv->follow = false;
	size_t n = logs_model_shown(lv->model);
	lv->top_seq = idx < n ? logs_model_shown_seq(lv->model, idx)
			      : logring_next_seq(logs_model_ring(lv->model));
	lv->dirty = true;
}

static void resume(struct logs_view *lv)
{
	lv->follow = true;
	lv->new_lines = 0;
	lv->dirty = true;
}

static bool motion(struct logs_view *lv, enum request req, int rows, int cols)
{
	size_t page = rows > 1 ? (size_t)rows : 1, half = page / 2 ? page / 2 : 1;
	size_t top = logs_top_index(lv, rows, cols), bottom = logs_bottom_top(lv, rows, cols);
	size_t to;
	switch (req) {
	case REQ_MOVE_UP: to = top > 0 ? top - 1 : 0; break;
	case REQ_PAGE_UP: to = top > page ? top - page : 0; break;
	case REQ_HALF_PAGE_UP: to = top > half ? top - half : 0; break;
	case REQ_MOVE_DOWN: to = top + 1; break;
	case REQ_PAGE_DOWN: to = top + page; break;
	case REQ_HALF_PAGE_DOWN: to = top + half; break;
	case REQ_FIRST: to = 0; break;
	case REQ_LAST: resume(lv); return true;
	case REQ_SCROLL_LEFT:
		lv->left = lv->left > 8 ? lv->left - 8 : 0;
		lv->dirty = true;
		return true;
	case REQ_SCROLL_RIGHT:
		lv->left = lv->wrap ? 0 : lv->left + 8;
		lv->dirty = true;
		return true;
	default:
		return false;
	}
	/* scrolling down while following stays at the end; anything else pauses */
	if (lv->follow && to >= top && req != REQ_FIRST)
		return true;
	pause_at(lv, to < bottom ? to : bottom);
	return true;
}

/* ---- search ------------------------------------------------------------------------- */

static bool visible(struct logs_view *lv, size_t idx)
{
	int rows = lv->drawn_rows > 0 ? lv->drawn_rows : lv->view->body_rows;
	int cols = lv->drawn_cols > 0 ? lv->drawn_cols : lv->view->body_cols;
	size_t top = logs_top_index(lv, rows, cols);
	int used = 0;
	for (size_t i = top; i <= idx && used < rows; i++) {
		if (i == idx)
			return true;
		used += logs_line_rows(lv, i, cols);
	}
	return false;
}

/* Makes shown line idx the current match, in view (pausing when it is not). */
static void show_match(struct logs_view *lv, size_t idx)
{
	lv->current = logs_model_shown_seq(lv->model, idx);
	lv->dirty = true;
	if (visible(lv, idx))
		return;
	int rows = lv->drawn_rows > 0 ? lv->drawn_rows : lv->view->body_rows;
	size_t third = rows > 3 ? (size_t)rows / 3 : 0;
	pause_at(lv, idx > third ? idx - third : 0);
}

static unsigned search_step(struct logs_view *lv, bool forward)
{
	int rows = lv->drawn_rows > 0 ? lv->drawn_rows : lv->view->body_rows;
	int cols = lv->drawn_cols > 0 ? lv->drawn_cols : lv->view->body_cols;
	size_t from = logs_top_index(lv, rows, cols);
	bool inclusive = true;
	if (lv->current && logs_model_search_rank(lv->model, lv->current)) {
		size_t cur = logs_model_shown_index(lv->model, lv->current);
		if (visible(lv, cur)) {
			from = cur;
			inclusive = false;
		}
	}
	size_t idx = logs_model_search_step(lv->model, from, forward, inclusive);
	if (idx == SIZE_MAX) {
		console_flash(lv->view->console, CHROME_FLASH_INFO, "Pattern not found");
		return VIEW_CHROME;
	}
	show_match(lv, idx);
	return VIEW_BODY | VIEW_CHROME;
}

static unsigned apply_search(struct logs_view *lv, const char *text)
{
	char err[256] = "";
	size_t n = logs_model_search(lv->model, text, err, sizeof err);
	lv->current = 0;
	lv->dirty = true;
	if (err[0])
		console_flash(lv->view->console, CHROME_FLASH_WARN, "%s", err);
	if (!n) {
		if (text && *text)
			console_flash(lv->view->console, CHROME_FLASH_INFO, "Pattern not found: %s",
				      text);
		return VIEW_BODY | VIEW_CHROME;
	}
	return search_step(lv, true);
}

static unsigned apply_filter(struct logs_view *lv, const char *text)
{
	char err[256] = "";
	logs_model_set_filter(lv->model, text, err, sizeof err);
	if (err[0])
		console_flash(lv->view->console, CHROME_FLASH_WARN, "%s", err);
	lv->dirty = true;
	return VIEW_FULL | VIEW_CHROME;
}

/* ---- options ------------------------------------------------------------------------ */

static void set_display(struct logs_view *lv, bool timestamps, bool json, const char *fields)
{
	const struct logs_display *cur = logs_model_display(lv->model);
	struct logs_display d = {.timestamps = timestamps, .json = json};
	char *copy = NULL;
	const char *list[64];
	if (fields) {
		copy = xstrdup(fields);
		char *save;
		for (char *f = strtok_r(copy, ", ", &save); f && d.nfields < 64;
		     f = strtok_r(NULL, ", ", &save))
			if (strcmp(f, "*") != 0)
				list[d.nfields++] = f;
		d.fields = list;
	} else {
		d.fields = cur->fields;
		d.nfields = cur->nfields;
	}
	logs_model_set_display(lv->model, &d);
	free(copy);
	lv->dirty = true;
}

static unsigned restart(struct logs_view *lv, const char *what)
{
	lv->follow = true;
	logs_restart(lv);
	if (what)
		console_flash(lv->view->console, CHROME_FLASH_INFO, "%s", what);
	return VIEW_FULL | VIEW_CHROME;
}

static unsigned next_container(struct logs_view *lv)
{
	if (lv->ncontainers < 2 && !lv->container) {
		console_flash(lv->view->console, CHROME_FLASH_INFO, "one container: nothing to cycle");
		return VIEW_CHROME;
	}
	size_t i = 0;
	while (lv->container && i < lv->ncontainers && strcmp(lv->containers[i], lv->container))
		i++;
	char *next = NULL;
	if (!lv->container)
		next = xstrdup(lv->containers[0]);
	else if (i + 1 < lv->ncontainers)
		next = xstrdup(lv->containers[i + 1]);
	free(lv->container);
	lv->container = next;
	char msg[160];
	snprintf(msg, sizeof msg, "container: %s", next ? next : "all");
	return restart(lv, msg);
}

static unsigned since(struct logs_view *lv, int key)
{
	static const long long seconds[] = {60, 300, 900, 3600, 0};
	static const char *const names[] = {"1m", "5m", "15m", "1h", "all"};
	if (key < '1' || key > '5')
		return VIEW_SAME;
	size_t i = (size_t)(key - '1');
	lv->since = seconds[i];
	if (!seconds[i])
		lv->tail = -1; /* all: every line the kubelet still has */
	char msg[64];
	snprintf(msg, sizeof msg, "since %s", names[i]);
	return restart(lv, msg);
}

static void ask(struct logs_view *lv, enum logs_prompt p, const char *label, const char *initial)
{
	lv->prompt = p;
	console_prompt_filter(lv->view->console, label, initial);
}

static char *default_save_path(const struct logs_view *lv)
{
	char when[32];
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y%m%d-%H%M%S", &tm);
	char *path = xasprintf("./logs-%s-%s.log", lv->name, when);
	for (char *p = path + 2; *p; p++)
		if (*p == '/' || *p == ' ')
			*p = '-';
	return path;
}

static unsigned ask_fields(struct logs_view *lv)
{
	const struct logs_display *d = logs_model_display(lv->model);
	struct strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < d->nfields; i++)
		strbuf_printf(&sb, "%s%s", i ? "," : "", d->fields[i]);
	ask(lv, LOGS_PROMPT_FIELDS, "fields (comma-separated, * for all): ", strbuf_str(&sb));
	strbuf_free(&sb);
	return VIEW_CHROME;
}

static unsigned toggle(struct logs_view *lv, enum request req)
{
	const struct logs_display *d = logs_model_display(lv->model);
	switch (req) {
	case REQ_LOG_FOLLOW:
		if (lv->follow) {
			int rows = lv->drawn_rows > 0 ? lv->drawn_rows : lv->view->body_rows;
			int cols = lv->drawn_cols > 0 ? lv->drawn_cols : lv->view->body_cols;
			pause_at(lv, logs_top_index(lv, rows, cols));
		} else {
			resume(lv);
		}
		return VIEW_BODY | VIEW_CHROME;
	case REQ_LOG_TIMESTAMPS: set_display(lv, !d->timestamps, d->json, NULL); break;
	case REQ_LOG_JSON: set_display(lv, d->timestamps, !d->json, NULL); break;
	case REQ_LOG_WRAP:
		lv->wrap = !lv->wrap;
		lv->left = 0;
		lv->dirty = true;
		break;
	case REQ_LOG_PREVIOUS:
		lv->previous = !lv->previous;
		return restart(lv, lv->previous ? "previous instance" : "current instance");
	default:
		return VIEW_UNHANDLED;
	}
	return VIEW_FULL | VIEW_CHROME;
}

static unsigned logs_request(struct view *v, enum request req, int key)
{
	struct logs_view *lv = logs_of(v);
	if (motion(lv, req, v->body_rows, v->body_cols))
		return VIEW_BODY | VIEW_CHROME;
	char buf[32];
	switch (req) {
	case REQ_SEARCH_NEXT:
	case REQ_SEARCH_PREV:
		return search_step(lv, req == REQ_SEARCH_NEXT);
	case REQ_BACK:
		/* Esc clears the filter and search before it goes back */
		if (!*logs_model_filter(lv->model) && !*logs_model_search_pattern(lv->model))
			return VIEW_UNHANDLED;
		/* fall through */
	case REQ_CLEAR_FILTER:
		apply_search(lv, NULL);
		return apply_filter(lv, NULL);
	case REQ_LOG_FILTER:
		ask(lv, LOGS_PROMPT_FILTER, "&", logs_model_filter(lv->model));
		return VIEW_CHROME;
	case REQ_LOG_TAIL:
		snprintf(buf, sizeof buf, "%lld", lv->tail >= 0 ? lv->tail : (long long)LOGS_DEFAULT_TAIL);
		ask(lv, LOGS_PROMPT_TAIL, "tail lines (all for every line): ", buf);
		return VIEW_CHROME;
	case REQ_LOG_FIELDS:
		return ask_fields(lv);
	case REQ_LOG_SAVE: {
		char *path = default_save_path(lv);
		ask(lv, LOGS_PROMPT_SAVE, "save to: ", path);
		free(path);
		return VIEW_CHROME;
	}
	case REQ_LOG_CONTAINER: return next_container(lv);
	case REQ_LOG_SINCE: return since(lv, key);
	default:
		return toggle(lv, req);
	}
}

/* ---- prompts ------------------------------------------------------------------------ */

static unsigned set_tail(struct logs_view *lv, const char *text)
{
	char *end;
	errno = 0;
	long long n = strtoll(text, &end, 10);
	if (strcmp(text, "all") == 0) {
		n = -1;
	} else if (errno || end == text || *end || n < 0) {
		console_flash(lv->view->console, CHROME_FLASH_ERROR,
			      "tail: \"%s\" is not a number of lines", text);
		return VIEW_CHROME;
	}
	lv->tail = n;
	char msg[64];
	snprintf(msg, sizeof msg, n < 0 ? "tail: all" : "tail %lld", n);
	return restart(lv, msg);
}

static unsigned save(struct logs_view *lv, const char *path)
{
	char err[512], a[32];
	long n = logs_model_save(lv->model, path, err, sizeof err);
	if (n < 0)
		console_flash(lv->view->console, CHROME_FLASH_ERROR, "save failed: %s", err);
	else
		console_flash(lv->view->console, CHROME_FLASH_INFO, "saved %s lines to %s",
			      count(a, sizeof a, (unsigned long long)n), path);
	return VIEW_CHROME;
}

static unsigned logs_filter(struct view *v, const char *text)
{
	struct logs_view *lv = logs_of(v);
	enum logs_prompt p = lv->prompt;
	bool done = !console_prompt_is_open(v->console); /* tail, fields, save: on Enter */
	if (done)
		lv->prompt = LOGS_PROMPT_SEARCH;
	if (p == LOGS_PROMPT_SEARCH)
		return apply_search(lv, text);
	if (p == LOGS_PROMPT_FILTER)
		return apply_filter(lv, text);
	/* the others act once, on Enter; Esc (an empty text) keeps things as they were */
	if (!done || !text || !*text)
		return VIEW_SAME;
	if (p == LOGS_PROMPT_TAIL)
		return set_tail(lv, text);
	if (p == LOGS_PROMPT_SAVE)
		return save(lv, text);
	const struct logs_display *d = logs_model_display(lv->model);
	set_display(lv, d->timestamps, d->json, text);
	return VIEW_FULL | VIEW_CHROME;
}

static unsigned logs_resume(struct view *v)
{
	logs_of(v)->dirty = true;
	return VIEW_FULL;
}

const struct view_ops logs_view_ops = {
	.name = "logs",
	.private_size = sizeof(struct logs_view),
	.open = logs_open,
	.close = logs_close,
	.keymap_section = logs_section,
	.title = logs_title,
	.status = logs_status,
	.header = logs_header,
	.draw = logs_draw,
	.request = logs_request,
	.filter = logs_filter,
	.resume = logs_resume,
};
