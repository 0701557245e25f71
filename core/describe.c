/* `kubectl describe`-like text: the metadata block, the generic body (capitalised keys,
 * nested indentation) for kinds without one of their own, and the events table; the
 * bodies of the common kinds are in describe_kinds.c, the text layout in describe_text.c.
 * Every string taken from the object goes through the sanitiser before it is written. */
#include "core/describe.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/describe_internal.h"
#include "core/describe_text.h"
#include "core/sanitize.h"
#include "core/strbuf.h"
#include "core/xalloc.h"

/* ---- readers -------------------------------------------------------------------- */

const json_t *describe_json_at(const json_t *v, const char *path)
{
	/* "a.b.c" through nested objects */
	char key[64];
	while (v && *path) {
		const char *dot = strchr(path, '.');
		size_t n = dot ? (size_t)(dot - path) : strlen(path);
		if (n >= sizeof(key))
			return NULL;
		memcpy(key, path, n);
		key[n] = '\0';
		v = json_object_get(v, key);
		path += n + (dot != NULL);
	}
	return v;
}

const char *describe_json_str(const json_t *v, const char *path)
{
	const json_t *s = describe_json_at(v, path);
	return json_is_string(s) ? json_string_value(s) : NULL;
}

const char *describe_json_str_or(const json_t *v, const char *path, const char *fallback)
{
	const char *s = describe_json_str(v, path);
	return s ? s : fallback;
}

long long describe_json_num(const json_t *v, const char *path)
{
	const json_t *n = describe_json_at(v, path);
	return json_is_integer(n) ? (long long)json_integer_value(n) : 0;
}

/* ---- generic -------------------------------------------------------------------- */

/* Words kubectl prints in capitals when it titles a field name. */
static bool is_acronym(const char *w, size_t n)
{
	static const char *const acronyms[] = {"api", "uid", "url", "uri", "ip", "id", "json",
					       "http", "https", "dns", "cpu", "tls", "ui", "os"};
	for (size_t i = 0; i < sizeof(acronyms) / sizeof(acronyms[0]); i++)
		if (strlen(acronyms[i]) == n && strncasecmp(w, acronyms[i], n) == 0)
			return true;
	return false;
}

/* "creationTimestamp" -> "Creation Timestamp", "podIP" -> "Pod IP", "apiVersion" ->
 * "API Version": a word starts at an upper-case letter after a lower-case one, or at
 * the last capital of a run followed by lower case ("URLPath" -> "URL Path"). */
static char *title_key(const char *k)
{
	struct strbuf sb = STRBUF_INIT;
	size_t start = 0, n = strlen(k);
	for (size_t i = 1; i <= n; i++) {
		unsigned char c = (unsigned char)k[i];
		bool boundary = i == n ||
				(isupper(c) && (islower((unsigned char)k[i - 1]) ||
						(isupper((unsigned char)k[i - 1]) &&
						 islower((unsigned char)k[i + 1]))));
		if (!boundary)
			continue;
		if (start)
			strbuf_putc(&sb, ' ');
		size_t len = i - start;
		for (size_t j = 0; j < len; j++) {
			char ch = k[start + j];
			if (is_acronym(k + start, len))
				ch = (char)toupper((unsigned char)ch);
			else if (j == 0)
				ch = (char)toupper((unsigned char)ch);
			strbuf_putc(&sb, ch);
		}
		start = i;
	}
	return strbuf_detach(&sb);
}

static void generic_value(struct strbuf *sb, int indent, int width, const char *key,
			  const json_t *v);

static bool is_one_line(const json_t *v)
{
	if (json_is_object(v) || json_is_array(v))
		return json_object_size(v) == 0 && json_array_size(v) == 0;
	return !json_is_string(v) || !strchr(json_string_value(v), '\n');
}

/* Values of one map line up after its longest one-line key, as kubectl's tabwriter
 * aligns a block of lines. */
static void generic_map(struct strbuf *sb, int indent, const json_t *obj)
{
	size_t n;
	const char **keys = describe_text_sort_keys(obj, &n);
	int width = 0;
	for (size_t i = 0; i < n; i++) {
		if (!is_one_line(json_object_get(obj, keys[i])))
			continue;
		char *title = title_key(keys[i]);
		int w = (int)describe_text_measure_width(title) + 3;
		width = w > width ? w : width;
		free(title);
	}
	for (size_t i = 0; i < n; i++)
		generic_value(sb, indent, width, keys[i], json_object_get(obj, keys[i]));
	free(keys);
}

/* Multi-line strings (scripts, certificates) keep their lines, indented under the key. */
static void generic_lines(struct strbuf *sb, int indent, const char *s)
{
	for (const char *nl; *s; s = nl + 1) {
		nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s) : strlen(s);
		describe_text_put_indent(sb, indent);
		sanitize_append(sb, s, len, 0);
		strbuf_putc(sb, '\n');
		if (!nl)
			break;
	}
}

static void generic_value(struct strbuf *sb, int indent, int width, const char *key,
			  const json_t *v)
{
	char *title = title_key(key);
	char *safe = sanitize_cstr(title, 0);
	if (json_is_object(v) && json_object_size(v)) {
		describe_text_put_heading(sb, indent, safe);
		generic_map(sb, indent + 2, v);
	} else if (json_is_array(v) && json_array_size(v)) {
		describe_text_put_heading(sb, indent, safe);
		size_t i;
		const json_t *item;
		json_array_foreach(v, i, item) {
			if (json_is_object(item) || json_is_array(item)) {
				generic_map(sb, indent + 2, item);
			} else {
				char *s = describe_text_format_scalar(item);
				generic_lines(sb, indent + 2, s);
				free(s);
			}
		}
	} else if (json_is_string(v) && strchr(json_string_value(v), '\n')) {
		describe_text_put_heading(sb, indent, safe);
		generic_lines(sb, indent + 2, json_string_value(v));
	} else {
		char *s = describe_text_format_scalar(v);
		describe_text_put_label(sb, indent, safe, width);
		sanitize_append(sb, s, strlen(s), 0);
		strbuf_putc(sb, '\n');
		free(s);
	}
	free(safe);
	free(title);
}

/* Custom resources and kinds without a body of their own: what kubectl prints for
 * unstructured objects, the rest of metadata and every other top-level field. */
static void generic_body(struct strbuf *sb, const json_t *obj, long long now)
{
	(void)now;
	static const char *const shown[] = {"name", "namespace", "labels", "annotations",
					    "managedFields"};
	describe_text_put_field(sb, 0, "API Version", describe_json_str(obj, "apiVersion"));
	describe_text_put_field(sb, 0, "Kind", describe_json_str(obj, "kind"));
	json_t *meta = json_copy(json_object_get(obj, "metadata"));
	for (size_t i = 0; i < sizeof(shown) / sizeof(shown[0]); i++)
		json_object_del(meta, shown[i]);
	if (json_object_size(meta))
		generic_value(sb, 0, DESCRIBE_TEXT_VALUE_COLUMN, "metadata", meta);
	json_decref(meta);
	size_t n;
	const char **keys = describe_text_sort_keys(obj, &n);
	for (size_t i = 0; i < n; i++)
		if (strcmp(keys[i], "apiVersion") && strcmp(keys[i], "kind") &&
		    strcmp(keys[i], "metadata"))
			generic_value(sb, 0, DESCRIBE_TEXT_VALUE_COLUMN, keys[i],
				      json_object_get(obj, keys[i]));
	free(keys);
}

/* ---- events --------------------------------------------------------------------- */

static long long event_time(const json_t *e)
{
	long long t = 0;
	if (!describe_text_parse_time(describe_json_str(e, "lastTimestamp"), &t) &&
	    !describe_text_parse_time(describe_json_str(e, "eventTime"), &t))
		describe_text_parse_time(describe_json_str(e, "firstTimestamp"), &t);
	return t;
}

static int cmp_event(const void *a, const void *b)
{
	long long ta = event_time(*(const json_t *const *)a);
	long long tb = event_time(*(const json_t *const *)b);
	return (ta > tb) - (ta < tb);
}

/* "5m", or "5m (x3 over 1h)" for a repeated event, as kubectl's Age column. */
static char *event_age(const json_t *e, long long now)
{
	struct strbuf sb = STRBUF_INIT;
	long long last = event_time(e), first;
	if (!last) {
		strbuf_puts(&sb, "<unknown>");
		return strbuf_detach(&sb);
	}
	describe_text_put_duration(&sb, now - last);
	long long count = describe_json_num(e, "count");
	if (!count)
		count = describe_json_num(e, "series.count");
	if (count > 1 && describe_text_parse_time(describe_json_str(e, "firstTimestamp"), &first)) {
		strbuf_printf(&sb, " (x%lld over ", count);
		describe_text_put_duration(&sb, now - first);
		strbuf_putc(&sb, ')');
	}
	return strbuf_detach(&sb);
}

static char *event_source(const json_t *e)
{
	const char *comp = describe_json_str(e, "source.component");
	if (!comp || !*comp)
		comp = describe_json_str(e, "reportingComponent");
	if (!comp || !*comp)
		comp = describe_json_str(e, "reportingController");
	/* kubectl shows the component alone, not the source host */
	return xstrdup(comp ? comp : "");
}

/* kubectl trims the message; inner newlines stay and the sanitiser shows them as ^J. */
static char *event_message(const json_t *e)
{
	const char *msg = describe_json_str_or(e, "message", "");
	while (isspace((unsigned char)*msg))
		msg++;
	char *trimmed = xstrdup(msg);
	size_t len = strlen(trimmed);
	while (len && isspace((unsigned char)trimmed[len - 1]))
		trimmed[--len] = '\0';
	return trimmed;
}

static void put_events(struct strbuf *sb, const json_t *events, long long now)
{
	if (!events) {
		strbuf_puts(sb, "Events:  <unknown>\n");
		return;
	}
	const json_t *items = json_object_get(events, "items");
	size_t n = json_array_size(items);
	if (n == 0) {
		strbuf_puts(sb, "Events:  <none>\n");
		return;
	}
	const json_t **sorted = xcalloc(n, sizeof(*sorted));
	for (size_t i = 0; i < n; i++)
		sorted[i] = json_array_get(items, i);
	qsort(sorted, n, sizeof(*sorted), cmp_event);
	describe_text_put_heading(sb, 0, "Events");
	struct describe_text_table t = {.ncols = 5};
	static const char *const head[] = {"Type", "Reason", "Age", "From", "Message"};
	static const char *const rule[] = {"----", "------", "----", "----", "-------"};
	describe_text_table_add_row(&t, head);
	describe_text_table_add_row(&t, rule);
	for (size_t i = 0; i < n; i++) {
		char *age = event_age(sorted[i], now), *from = event_source(sorted[i]);
		char *msg = event_message(sorted[i]);
		const char *row[] = {describe_json_str(sorted[i], "type"),
				     describe_json_str(sorted[i], "reason"), age, from, msg};
		describe_text_table_add_row(&t, row);
		free(age);
		free(from);
		free(msg);
	}
	describe_text_put_table(sb, &t, 2);
	free(sorted);
}

/* ---- entry ---------------------------------------------------------------------- */

static const struct {
	const char *kind;
	describe_body_fn body;
} describe_kinds[] = {
	{"Pod", describe_put_pod_body},
	{"Deployment", describe_put_deployment_body},
	{"ReplicaSet", describe_put_replicas_body},
	{"StatefulSet", describe_put_replicas_body},
	{"DaemonSet", describe_put_replicas_body},
	{"Service", describe_put_service_body},
	{"Node", describe_put_node_body},
	{"Namespace", describe_put_namespace_body},
	{"Secret", describe_put_secret_body},
};

char *describe_object(const json_t *obj, const json_t *events, long long now)
{
	struct strbuf sb = STRBUF_INIT;
	const char *kind = describe_json_str(obj, "kind");
	describe_body_fn body = generic_body;
	for (size_t i = 0; kind && i < sizeof(describe_kinds) / sizeof(describe_kinds[0]); i++)
		if (strcmp(kind, describe_kinds[i].kind) == 0)
			body = describe_kinds[i].body;
	const char *ns = describe_json_str(obj, "metadata.namespace");
	const char *created = describe_json_str(obj, "metadata.creationTimestamp");
	const json_t *labels = describe_json_at(obj, "metadata.labels");
	const json_t *annotations = describe_json_at(obj, "metadata.annotations");
	describe_text_put_field(&sb, 0, "Name", describe_json_str(obj, "metadata.name"));
	if (ns)
		describe_text_put_field(&sb, 0, "Namespace", ns);
	/* Pods show Start Time instead, Nodes print it after their labels and the generic
	 * body with the rest of the metadata. */
	if (body != describe_put_pod_body && body != describe_put_node_body &&
	    body != generic_body && created)
		describe_text_put_field_time(&sb, 0, "CreationTimestamp", created);
	if (body == describe_put_pod_body)
		describe_put_pod_head(&sb, obj);
	if (body == describe_put_node_body)
		describe_put_node_roles(&sb, labels);
	describe_text_put_map(&sb, 0, "Labels", labels, "=");
	describe_text_put_map(&sb, 0, "Annotations", annotations, ": ");
	body(&sb, obj, now);
	put_events(&sb, events, now);
	return strbuf_detach(&sb);
}
