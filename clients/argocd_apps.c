/* The apps table (argocd_apps_table): one sanitised row per Application, and the list of
 * fields it reads, so the list and the stream ask Argo CD for those and nothing more. */
#define _XOPEN_SOURCE 700
#include "clients/argocd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clients/argocd_internal.h"
#include "core/sanitize.h"
#include "core/strbuf.h"
#include "core/xalloc.h"

#define ENVIRONMENT_LABEL "platform.opsdeck.dev/environment"

/* What the table reads, relative to one Application. */
static const char *const app_fields[] = {
	"metadata.name",
	"metadata.namespace",
	"metadata.uid",
	"metadata.resourceVersion",
	"metadata.labels",
	"spec.project",
	"spec.destination",
	"spec.syncPolicy.automated",
	"status.sync",
	"status.health",
	"status.operationState.phase",
	"status.operationState.message",
	"status.summary.images",
	"status.history",
};

char *argocd_fields_param(const char *prefix)
{
	struct strbuf sb = STRBUF_INIT;
	/* The list's own resourceVersion, so a later watch could start from it. */
	if (!strcmp(prefix, "items."))
		strbuf_puts(&sb, "metadata.resourceVersion,");
	else
		strbuf_puts(&sb, "result.type,");
	for (size_t i = 0; i < sizeof(app_fields) / sizeof(app_fields[0]); i++)
		strbuf_printf(&sb, "%s%s%s", i ? "," : "", prefix, app_fields[i]);
	return strbuf_detach(&sb);
}

/* ---- cells ---------------------------------------------------------------------------- */

static const char *jstr(const json_t *o, const char *a, const char *b, const char *c)
{
	const json_t *v = json_object_get(o, a);
	if (b)
		v = json_object_get(v, b);
	if (c)
		v = json_object_get(v, c);
	return json_string_value(v);
}

/* "https://host:6443/clusters/ops" -> "ops"; "https://kubernetes.default.svc" ->
 * "kubernetes.default.svc". */
static char *cluster_cell(const json_t *app)
{
	const char *name = jstr(app, "spec", "destination", "name");
	if (name && *name)
		return xstrdup(name);
	const char *server = jstr(app, "spec", "destination", "server");
	if (!server)
		return xstrdup("");
	size_t len = strlen(server);
	while (len > 0 && server[len - 1] == '/')
		len--;
	size_t start = len;
	while (start > 0 && server[start - 1] != '/')
		start--;
	return xstrndup(server + start, len - start);
}

static char *images_cell(const json_t *app)
{
	const json_t *imgs = json_object_get(json_object_get(json_object_get(app, "status"),
							     "summary"),
					     "images");
	struct strbuf sb = STRBUF_INIT;
	size_t i;
	const json_t *img;
	json_array_foreach(imgs, i, img) {
		if (!json_is_string(img))
			continue;
		if (sb.len)
			strbuf_putc(&sb, ',');
		strbuf_puts(&sb, json_string_value(img));
	}
	return strbuf_detach(&sb);
}

/* RFC 3339 "2024-03-05T07:33:04Z" (fractions and offsets allowed) to epoch seconds. */
static bool parse_time(const char *s, long long *out)
{
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	const char *p = s ? strptime(s, "%Y-%m-%dT%H:%M:%S", &tm) : NULL;
	if (!p)
		return false;
	if (*p == '.')
		while (*++p >= '0' && *p <= '9')
			;
	long long off = 0;
	if (*p == '+' || *p == '-') {
		int oh = 0, om = 0;
		if (sscanf(p + 1, "%2d:%2d", &oh, &om) != 2)
			return false;
		off = (*p == '+' ? 1 : -1) * (oh * 3600LL + om * 60LL);
	} else if (*p != 'Z' && *p != 'z') {
		return false;
	}
	*out = (long long)timegm(&tm) - off;
	return true;
}

/* "45s", "12m", "5h", "3d", "2y": the largest whole unit, as the console shows ages. */
static char *age_text(long long secs)
{
	if (secs < 0)
		secs = 0;
	if (secs < 60)
		return xasprintf("%llds", secs);
	if (secs < 3600)
		return xasprintf("%lldm", secs / 60);
	if (secs < 86400)
		return xasprintf("%lldh", secs / 3600);
	if (secs < 365 * 86400LL)
		return xasprintf("%lldd", secs / 86400);
	return xasprintf("%lldy", secs / (365 * 86400LL));
}

/* The age of the newest history entry: the one with the highest id (Argo CD appends, but
 * do not rely on the order). */
static char *deployed_cell(const json_t *app, long long now)
{
	const json_t *hist = json_object_get(json_object_get(app, "status"), "history");
	const json_t *best = NULL, *h;
	size_t i;
	json_array_foreach(hist, i, h) {
		if (!best || json_integer_value(json_object_get(h, "id")) >=
				     json_integer_value(json_object_get(best, "id")))
			best = h;
	}
	const char *when = json_string_value(json_object_get(best, "deployedAt"));
	if (!when)
		when = json_string_value(json_object_get(best, "deployStartedAt"));
	long long t;
	if (!parse_time(when, &t))
		return xstrdup("");
	return age_text(now - t);
}

static void set_clean(struct table_row *row, size_t col, const char *value)
{
	char *clean = sanitize_cstr(value ? value : "", 0);
	table_set_cell(row, col, clean);
	free(clean);
}

static void set_owned(struct table_row *row, size_t col, char *value)
{
	set_clean(row, col, value);
	free(value);
}

/* ---- rows ------------------------------------------------------------------------------ */

static void add_app_row(struct table *t, const json_t *app, long long now)
{
	struct table_row *row = table_add_row(t);
	char *ns = sanitize_cstr(jstr(app, "metadata", "namespace", NULL), 0);
	char *name = sanitize_cstr(jstr(app, "metadata", "name", NULL), 0);
	char *uid = sanitize_cstr(jstr(app, "metadata", "uid", NULL), 0);
	table_set_identity(row, ns, name, uid);
	free(ns);
	free(name);
	free(uid);
	const char *rv = jstr(app, "metadata", "resourceVersion", NULL);
	free(row->resource_version);
	row->resource_version = rv ? sanitize_cstr(rv, 0) : NULL;

	set_clean(row, ARGOCD_COL_NAME, jstr(app, "metadata", "name", NULL));
	set_clean(row, ARGOCD_COL_PROJECT, jstr(app, "spec", "project", NULL));
	set_owned(row, ARGOCD_COL_CLUSTER, cluster_cell(app));
	set_clean(row, ARGOCD_COL_ENVIRONMENT, jstr(app, "metadata", "labels", ENVIRONMENT_LABEL));
	set_clean(row, ARGOCD_COL_SYNC, jstr(app, "status", "sync", "status"));
	set_clean(row, ARGOCD_COL_HEALTH, jstr(app, "status", "health", "status"));
	set_clean(row, ARGOCD_COL_OPERATION, jstr(app, "status", "operationState", "phase"));
	const char *rev = jstr(app, "status", "sync", "revision");
	rev = rev ? rev : "";
	set_owned(row, ARGOCD_COL_REVISION, xstrndup(rev, strnlen(rev, 7)));
	set_owned(row, ARGOCD_COL_IMAGES, images_cell(app));
	set_owned(row, ARGOCD_COL_DEPLOYED, deployed_cell(app, now));
}

static struct table *apps_table_new(void)
{
	struct table *t = table_new();
#define ARGOCD_COL_ADD_(id, name) \
	table_add_column(t, name, "string", ARGOCD_COL_##id == ARGOCD_COL_NAME ? "name" : "", 0);
	ARGOCD_APP_COLUMNS(ARGOCD_COL_ADD_)
#undef ARGOCD_COL_ADD_
	t->kind = xstrdup("Application");
	return t;
}

struct table *argocd_apps_table(const json_t *list, long long now)
{
	struct table *t = apps_table_new();
	const json_t *items = json_object_get(list, "items");
	size_t i;
	const json_t *app;
	json_array_foreach(items, i, app) {
		if (json_is_object(app))
			add_app_row(t, app, now);
	}
	const char *rv = jstr(list, "metadata", "resourceVersion", NULL);
	if (rv)
		t->resource_version = sanitize_cstr(rv, 0);
	return t;
}

struct table *argocd_app_row_table(const json_t *app, long long now)
{
	struct table *t = apps_table_new();
	add_app_row(t, app, now);
	return t;
}
