/* The triage model (views/triage_model.h): an app's history as what changed, and the
 * rollback target. Alert labels to platform targets are clients/alert_target.c's. */
#include "views/triage_model.h"

#include <stdlib.h>
#include <string.h>

#include "core/sanitize.h"
#include "core/xalloc.h"

/* ---- changes ------------------------------------------------------------------------ */

static char *clean_str(const json_t *v)
{
	const char *s = json_string_value(v);
	return sanitize_cstr(s ? s : "", 0);
}

static char *first_line(const char *s)
{
	const char *nl = s ? strchr(s, '\n') : NULL;
	char *line = nl ? xstrndup(s, (size_t)(nl - s)) : xstrdup(s ? s : "");
	char *clean = sanitize_cstr(line, 0);
	free(line);
	return clean;
}

static const json_t *history_of(const json_t *app)
{
	return json_object_get(json_object_get(app, "status"), "history");
}

size_t triage_changes(const json_t *app, const json_t *metadata, struct triage_change **out)
{
	const json_t *h = history_of(app);
	size_t n = json_array_size(h);
	*out = n ? xcalloc(n, sizeof(**out)) : NULL;
	for (size_t k = 0; k < n; k++) {
		const json_t *e = json_array_get(h, n - 1 - k);
		const json_t *prev = n - 1 - k > 0 ? json_array_get(h, n - 2 - k) : NULL;
		struct triage_change *c = &(*out)[k];
		c->id = (long)json_integer_value(json_object_get(e, "id"));
		c->revision = clean_str(json_object_get(e, "revision"));
		c->previous_revision = clean_str(json_object_get(prev, "revision"));
		c->deployed_at = clean_str(json_object_get(e, "deployedAt"));
		c->path = clean_str(json_object_get(json_object_get(e, "source"), "path"));
		const json_t *md = json_object_get(metadata, c->revision);
		c->author = clean_str(json_object_get(md, "author"));
		c->message = first_line(json_string_value(json_object_get(md, "message")));
	}
	return n;
}

void triage_changes_free(struct triage_change *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(c[i].revision);
		free(c[i].previous_revision);
		free(c[i].deployed_at);
		free(c[i].author);
		free(c[i].message);
		free(c[i].path);
	}
	free(c);
}

long triage_rollback_id(const json_t *app)
{
	const json_t *h = history_of(app);
	size_t n = json_array_size(h);
	if (n < 2)
		return 0;
	const char *bad = json_string_value(json_object_get(json_array_get(h, n - 1), "revision"));
	for (size_t i = n - 1; i-- > 0;) {
		const json_t *e = json_array_get(h, i);
		const char *rev = json_string_value(json_object_get(e, "revision"));
		if (!bad || !rev || strcmp(rev, bad) != 0)
			return (long)json_integer_value(json_object_get(e, "id"));
	}
	return 0;
}
