/* The app view's text (views/app_text.h), laid out with core/describe_text so it reads
 * like `kubectl describe`. */
#include "views/app_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/describe_text.h"
#include "core/sanitize.h"
#include "core/xalloc.h"
#include "tui/glyphs.h"

static const json_t *at(const json_t *v, const char *path)
{
	char key[64];
	while (v && *path) {
		size_t n = strcspn(path, ".");
		snprintf(key, sizeof key, "%.*s", (int)n, path);
		v = json_object_get(v, key);
		path += n;
		if (*path == '.')
			path++;
	}
	return v;
}

static const char *str_at(const json_t *v, const char *path)
{
	const char *s = json_string_value(at(v, path));
	return s ? s : "";
}

static void put_age(struct strbuf *out, const char *rfc3339, long long now)
{
	long long t;
	if (!describe_text_parse_time(rfc3339, &t)) {
		strbuf_puts(out, "?");
		return;
	}
	describe_text_put_duration(out, now > t ? now - t : 0);
}

static void put_operation(struct strbuf *out, const json_t *app, long long now)
{
	const json_t *op = at(app, "status.operationState");
	if (!op) {
		describe_text_put_field(out, 0, "Operation", "none yet");
		return;
	}
	struct strbuf v = STRBUF_INIT;
	strbuf_printf(&v, "%s", str_at(op, "phase"));
	const char *rev = str_at(op, "operation.sync.revision");
	if (*rev)
		strbuf_printf(&v, ", sync to %.7s", rev);
	if (*str_at(op, "startedAt")) {
		strbuf_puts(&v, ", started ");
		put_age(&v, str_at(op, "startedAt"), now);
		strbuf_puts(&v, " ago");
	}
	describe_text_put_field(out, 0, "Operation", strbuf_str(&v));
	if (*str_at(op, "message"))
		describe_text_put_field(out, 0, "Message", str_at(op, "message"));
	strbuf_free(&v);
}

void app_text_summary(struct strbuf *out, const json_t *app, long long now)
{
	describe_text_put_field(out, 0, "Application", str_at(app, "metadata.name"));
	describe_text_put_field(out, 0, "Project", str_at(app, "spec.project"));
	const char *dest = str_at(app, "spec.destination.name");
	if (!*dest)
		dest = str_at(app, "spec.destination.server");
	describe_text_put_field(out, 0, "Destination", dest);
	describe_text_put_field(out, 0, "Namespace", str_at(app, "spec.destination.namespace"));
	char *source = xasprintf("%s  %s @ %s", str_at(app, "spec.source.repoURL"),
				 str_at(app, "spec.source.path"),
				 str_at(app, "spec.source.targetRevision"));
	describe_text_put_field(out, 0, "Source", source);
	free(source);
	char *sync = xasprintf("%s  (revision %.7s)", str_at(app, "status.sync.status"),
			       str_at(app, "status.sync.revision"));
	describe_text_put_field(out, 0, "Sync", sync);
	free(sync);
	describe_text_put_field(out, 0, "Health", str_at(app, "status.health.status"));
	const json_t *automated = at(app, "spec.syncPolicy.automated");
	char *auto_sync = automated
		? xasprintf("on%s%s", json_is_true(json_object_get(automated, "prune")) ? ", prune" : "",
			    json_is_true(json_object_get(automated, "selfHeal")) ? ", self-heal" : "")
		: xstrdup("off");
	describe_text_put_field(out, 0, "Auto-sync", auto_sync);
	free(auto_sync);
	put_operation(out, app, now);
	const json_t *images = at(app, "status.summary.images");
	size_t i;
	const json_t *img;
	json_array_foreach(images, i, img) {
		if (i == 0) {
			describe_text_put_field(out, 0, "Images", json_string_value(img));
			continue;
		}
		/* more images line up under the first, as kubectl lists labels */
		const char *s = json_string_value(img);
		describe_text_put_indent(out, DESCRIBE_TEXT_VALUE_COLUMN);
		sanitize_append(out, s ? s : "", s ? strlen(s) : 0, 0);
		strbuf_putc(out, '\n');
	}
}

/* ---- the tree ------------------------------------------------------------------------ */

/* True when node's parentRefs name the node at index p (by uid, else kind/name). */
static bool is_child_of(const json_t *node, const json_t *parent)
{
	size_t i;
	const json_t *ref;
	const char *puid = str_at(parent, "uid");
	json_array_foreach(json_object_get(node, "parentRefs"), i, ref) {
		const char *uid = str_at(ref, "uid");
		if (*uid && *puid ? !strcmp(uid, puid)
				  : !strcmp(str_at(ref, "kind"), str_at(parent, "kind")) &&
				    !strcmp(str_at(ref, "name"), str_at(parent, "name")))
			return true;
	}
	return false;
}

static bool has_parent_in(const json_t *node, const json_t *nodes)
{
	size_t i;
	const json_t *other;
	json_array_foreach(nodes, i, other)
		if (other != node && is_child_of(node, other))
			return true;
	return false;
}

static void put_node(struct strbuf *out, const json_t *nodes, const json_t *node,
		     struct strbuf *prefix, bool last, int depth)
{
	strbuf_puts(out, "  ");
	strbuf_puts(out, strbuf_str(prefix));
	if (depth > 0) {
		strbuf_puts(out, glyph(last ? GLYPH_TREE_LAST : GLYPH_TREE_BRANCH));
		strbuf_putc(out, ' ');
	}
	char *line = xasprintf("%s/%s", str_at(node, "kind"), str_at(node, "name"));
	sanitize_append(out, line, strlen(line), 0);
	free(line);
	const char *health = str_at(node, "health.status");
	if (*health)
		strbuf_printf(out, "  %s", health);
	const char *msg = str_at(node, "health.message");
	if (*msg) {
		strbuf_puts(out, "  ");
		sanitize_append(out, msg, strlen(msg), 0);
	}
	strbuf_putc(out, '\n');
	if (depth > 8)
		return; /* a cycle in parentRefs must not recurse forever */
	size_t keep = prefix->len, i, n = 0, seen = 0;
	const json_t *child;
	json_array_foreach(nodes, i, child)
		n += is_child_of(child, node);
	if (depth > 0)
		strbuf_puts(prefix, last ? "   " : (glyphs_utf8() ? "\u2502  " : "|  "));
	json_array_foreach(nodes, i, child)
		if (is_child_of(child, node))
			put_node(out, nodes, child, prefix, ++seen == n, depth + 1);
	prefix->len = keep;
	if (prefix->buf)
		prefix->buf[keep] = '\0';
}

void app_text_tree(struct strbuf *out, const json_t *tree)
{
	describe_text_put_heading(out, 0, "Resources");
	const json_t *nodes = json_object_get(tree, "nodes");
	if (!tree) {
		strbuf_puts(out, "  loading...\n");
		return;
	}
	if (json_array_size(nodes) == 0) {
		strbuf_puts(out, "  <none>\n");
		return;
	}
	struct strbuf prefix = STRBUF_INIT;
	size_t i;
	const json_t *node;
	json_array_foreach(nodes, i, node)
		if (!has_parent_in(node, nodes))
			put_node(out, nodes, node, &prefix, true, 0);
	strbuf_free(&prefix);
}

/* ---- history and events ----------------------------------------------------------------- */

long app_text_previous_history_id(const json_t *app)
{
	const json_t *h = at(app, "status.history");
	size_t n = json_array_size(h);
	if (n < 2)
		return 0;
	return (long)json_integer_value(json_object_get(json_array_get(h, n - 2), "id"));
}

void app_text_history(struct strbuf *out, const json_t *app, const json_t *metadata)
{
	describe_text_put_heading(out, 0, "History");
	const json_t *h = at(app, "status.history");
	if (json_array_size(h) == 0) {
		strbuf_puts(out, "  <none>\n");
		return;
	}
	struct describe_text_table t = {.ncols = 5};
	const char *head[] = {"ID", "REVISION", "DEPLOYED", "AUTHOR", "MESSAGE"};
	describe_text_table_add_row(&t, head);
	for (size_t i = json_array_size(h); i-- > 0;) {
		const json_t *e = json_array_get(h, i);
		char id[32], rev[8], when[32];
		snprintf(id, sizeof id, "%lld", (long long)json_integer_value(json_object_get(e, "id")));
		snprintf(rev, sizeof rev, "%.7s", str_at(e, "revision"));
		snprintf(when, sizeof when, "%.16s", str_at(e, "deployedAt"));
		for (char *p = when; *p; p++)
			if (*p == 'T')
				*p = ' ';
		const json_t *meta = json_object_get(metadata, str_at(e, "revision"));
		char msg[160];
		snprintf(msg, sizeof msg, "%.*s", (int)strcspn(str_at(meta, "message"), "\n"),
			 str_at(meta, "message"));
		const char *cells[] = {id, rev, when, str_at(meta, "author"), msg};
		char *clean[5];
		for (size_t k = 0; k < 5; k++)
			clean[k] = sanitize_cstr(cells[k], 0);
		describe_text_table_add_row(&t, (const char *const *)clean);
		for (size_t k = 0; k < 5; k++)
			free(clean[k]);
	}
	describe_text_put_table(out, &t, 2);
}

void app_text_events(struct strbuf *out, const json_t *events, long long now)
{
	describe_text_put_heading(out, 0, "Events");
	const json_t *items = json_object_get(events, "items");
	if (!events) {
		strbuf_puts(out, "  loading...\n");
		return;
	}
	if (json_array_size(items) == 0) {
		strbuf_puts(out, "  <none>\n");
		return;
	}
	struct describe_text_table t = {.ncols = 4};
	const char *head[] = {"TYPE", "REASON", "AGE", "MESSAGE"};
	describe_text_table_add_row(&t, head);
	for (size_t i = json_array_size(items); i-- > 0;) {
		const json_t *e = json_array_get(items, i);
		const char *when = str_at(e, "lastTimestamp");
		if (!*when)
			when = str_at(e, "eventTime");
		struct strbuf age = STRBUF_INIT;
		put_age(&age, when, now);
		const char *cells[] = {str_at(e, "type"), str_at(e, "reason"), strbuf_str(&age),
				       str_at(e, "message")};
		char *clean[4];
		for (size_t k = 0; k < 4; k++)
			clean[k] = sanitize_cstr(cells[k], 0);
		describe_text_table_add_row(&t, (const char *const *)clean);
		for (size_t k = 0; k < 4; k++)
			free(clean[k]);
		strbuf_free(&age);
	}
	describe_text_put_table(out, &t, 2);
}
