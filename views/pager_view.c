/* The text views' shared ops (views/pager_view.h): paging, search, crumbs. */
#include "views/pager_view.h"

#include <stdio.h>
#include <stdlib.h>

#include "core/xalloc.h"
#include "views/console.h"
#include "views/session.h"

void pager_view_init(struct pager_view *pv, enum pager_syntax syntax, const char *section,
		     const char *title, const char *context)
{
	pv->pager = pager_new(syntax);
	pv->section = section;
	pv->title = xstrdup(title ? title : section);
	pv->context = context ? xstrdup(context) : NULL;
}

void pager_view_close(struct view *v)
{
	struct pager_view *pv = pager_view_of(v);
	pager_free(pv->pager);
	free(pv->title);
	free(pv->context);
}

const char *pager_view_section(const struct view *v)
{
	return pager_view_of(v)->section;
}

const char *pager_view_title(const struct view *v)
{
	return pager_view_of(v)->title;
}

void pager_view_status(const struct view *v, char *buf, size_t len)
{
	struct pager_view *pv = pager_view_of(v);
	const char *pattern = pager_search_pattern(pv->pager);
	size_t lines = pager_line_count(pv->pager);
	size_t top = lines ? pager_top(pv->pager) + 1 : 0;
	if (*pattern && pager_search_count(pv->pager))
		snprintf(buf, len, "/%s  match %zu/%zu  line %zu/%zu", pattern,
			 pager_search_current(pv->pager), pager_search_count(pv->pager), top, lines);
	else if (*pattern)
		snprintf(buf, len, "/%s  no match  line %zu/%zu", pattern, top, lines);
	else
		snprintf(buf, len, "line %zu/%zu", top, lines);
}

void pager_view_header(const struct view *v, struct chrome_header *h)
{
	struct pager_view *pv = pager_view_of(v);
	if (pv->context)
		h->context = pv->context;
}

void pager_view_draw(struct view *v, WINDOW *win, bool full)
{
	pager_draw(pager_view_of(v)->pager, win, full);
}

unsigned pager_view_request(struct view *v, enum request req, int key)
{
	(void)key;
	struct pager_view *pv = pager_view_of(v);
	if (pager_request(pv->pager, req, v->body_rows))
		return VIEW_BODY | VIEW_CHROME;
	switch (req) {
	case REQ_SEARCH_NEXT:
	case REQ_SEARCH_PREV:
		if (!pager_search_next(pv->pager, req == REQ_SEARCH_NEXT))
			console_flash(v->console, CHROME_FLASH_INFO, "Pattern not found");
		return VIEW_BODY | VIEW_CHROME;
	case REQ_BACK:
		if (*pager_search_pattern(pv->pager)) {
			pager_search(pv->pager, NULL, NULL, 0);
			return VIEW_BODY | VIEW_CHROME;
		}
		return VIEW_UNHANDLED;
	case REQ_CLEAR_FILTER:
		pager_search(pv->pager, NULL, NULL, 0);
		return VIEW_BODY | VIEW_CHROME;
	default:
		return VIEW_UNHANDLED;
	}
}

unsigned pager_view_filter(struct view *v, const char *text)
{
	struct pager_view *pv = pager_view_of(v);
	char err[256] = "";
	size_t n = pager_search(pv->pager, text, err, sizeof err);
	if (err[0])
		console_flash(v->console, CHROME_FLASH_WARN, "%s", err);
	else if (text && *text && n == 0)
		console_flash(v->console, CHROME_FLASH_INFO, "Pattern not found: %s", text);
	return VIEW_BODY | VIEW_CHROME;
}

struct kube_call *view_fetch_object(struct view *v, const struct view_args *a,
				    kube_json_fn done, void *ud, char *err, size_t errlen)
{
	struct session *s = console_session(v->console);
	const char *context = a->ncontexts ? a->contexts[0] : console_context(v->console);
	struct session_cluster *cl = session_find(s, context);
	if (!cl || !a->resource || !a->name) {
		snprintf(err, errlen, "nothing to show");
		return NULL;
	}
	const char *ns = a->namespace && *a->namespace ? a->namespace : NULL;
	return kube_get(session_cluster_open(s, cl), a->resource, ns, a->name, done, ud);
}

