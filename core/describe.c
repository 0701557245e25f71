/* `kubectl describe`-like text: the metadata block, a body per common kind, a generic
 * body (capitalised keys, nested indentation) for the rest, and the events table.
 * Every string taken from the object goes through the sanitiser before it is written. */
#include "core/describe.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/sanitize.h"
#include "core/strbuf.h"
#include "core/xalloc.h"

/* Where values start on a top-level line ("Service Account:  " is the longest). */
#define VALUE_COLUMN 18

/* ---- small readers -------------------------------------------------------------- */

static const json_t *at(const json_t *v, const char *path)
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

static const char *str(const json_t *v, const char *path)
{
	const json_t *s = at(v, path);
	return json_is_string(s) ? json_string_value(s) : NULL;
}

/* A scalar as text ("" for containers and null); the caller frees. */
static char *scalar_text(const json_t *v)
{
	if (json_is_string(v))
		return xstrndup(json_string_value(v), json_string_length(v));
	if (json_is_integer(v))
		return xasprintf("%" JSON_INTEGER_FORMAT, json_integer_value(v));
	if (json_is_real(v))
		return xasprintf("%g", json_real_value(v));
	if (json_is_boolean(v))
		return xstrdup(json_is_true(v) ? "true" : "false");
	return xstrdup("");
}

/* ---- times ---------------------------------------------------------------------- */

/* RFC 3339 as the API writes it ("2019-06-25T20:55:51Z", fractions and offsets too). */
static bool parse_time(const char *s, long long *out)
{
	struct tm tm = {0};
	int off_sign = 0, oh = 0, om = 0, used = 0;
	if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
			 &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &used) != 6)
		return false;
	const char *p = s + used;
	while (*p == '.' || isdigit((unsigned char)*p))
		p++;
	if ((*p == '+' || *p == '-') && sscanf(p + 1, "%2d:%2d", &oh, &om) == 2)
		off_sign = *p == '+' ? 1 : -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*out = (long long)timegm(&tm) - off_sign * (oh * 3600LL + om * 60LL);
	return true;
}

/* kubectl's format, always in UTC so the text does not depend on the host's zone. */
static void put_time(struct strbuf *sb, const char *rfc3339)
{
	long long t;
	if (!parse_time(rfc3339, &t)) {
		sanitize_append(sb, rfc3339 ? rfc3339 : "<unknown>",
				rfc3339 ? strlen(rfc3339) : 9, 0);
		return;
	}
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	char buf[64];
	strftime(buf, sizeof(buf), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	strbuf_puts(sb, buf);
}

/* apimachinery's HumanDuration: precise when short, coarser as it grows. */
static void put_duration(struct strbuf *sb, long long s)
{
	if (s < -1) {
		strbuf_puts(sb, "<invalid>");
		return;
	}
	if (s < 0)
		s = 0;
	long long m = s / 60, h = s / 3600, d = h / 24, y = d / 365;
	if (s < 120)
		strbuf_printf(sb, "%llds", s);
	else if (m < 10)
		strbuf_printf(sb, s % 60 ? "%lldm%llds" : "%lldm", m, s % 60);
	else if (m < 180)
		strbuf_printf(sb, "%lldm", m);
	else if (h < 8)
		strbuf_printf(sb, m % 60 ? "%lldh%lldm" : "%lldh", h, m % 60);
	else if (h < 48)
		strbuf_printf(sb, "%lldh", h);
	else if (h < 192)
		strbuf_printf(sb, h % 24 ? "%lldd%lldh" : "%lldd", d, h % 24);
	else if (d < 730)
		strbuf_printf(sb, "%lldd", d);
	else if (y < 8)
		strbuf_printf(sb, d % 365 ? "%lldy%lldd" : "%lldy", y, d % 365);
	else
		strbuf_printf(sb, "%lldy", y);
}

/* ---- lines ---------------------------------------------------------------------- */

static void put_indent(struct strbuf *sb, int n)
{
	for (int i = 0; i < n; i++)
		strbuf_putc(sb, ' ');
}

/* Where nested values start: containers' fields and their state details line up. */
static int value_width(int indent)
{
	if (indent == 0)
		return VALUE_COLUMN;
	return (indent >= 4 ? 20 : 16) - indent;
}

/* "Label:" padded so the value starts at indent + width; at least two spaces. */
static void put_label(struct strbuf *sb, int indent, const char *label, int width)
{
	put_indent(sb, indent);
	strbuf_puts(sb, label);
	strbuf_putc(sb, ':');
	int used = (int)strlen(label) + 1;
	put_indent(sb, used + 2 > width ? 2 : width - used);
}

/* One "Label:  value" line; value sanitised, "<none>" when missing or empty. */
static void field(struct strbuf *sb, int indent, const char *label, const char *value)
{
	put_label(sb, indent, label, value_width(indent));
	if (value && *value)
		sanitize_append(sb, value, strlen(value), 0);
	else
		strbuf_puts(sb, "<none>");
	strbuf_putc(sb, '\n');
}

static void field_json(struct strbuf *sb, int indent, const char *label, const json_t *v)
{
	char *s = scalar_text(v);
	field(sb, indent, label, s);
	free(s);
}

static void field_time(struct strbuf *sb, int indent, const char *label, const char *t)
{
	put_label(sb, indent, label, value_width(indent));
	put_time(sb, t);
	strbuf_putc(sb, '\n');
}

/* A heading line with nothing after it ("Containers:"). */
static void heading(struct strbuf *sb, int indent, const char *label)
{
	put_indent(sb, indent);
	strbuf_puts(sb, label);
	strbuf_puts(sb, ":\n");
}

static int cmp_key(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The keys of obj, sorted; the caller frees the array (not the keys). */
static const char **sorted_keys(const json_t *obj, size_t *n)
{
	*n = json_object_size(obj);
	const char **keys = xcalloc(*n + 1, sizeof(*keys));
	const char *k;
	json_t *v;
	size_t i = 0;
	json_object_foreach((json_t *)obj, k, v)
		keys[i++] = k;
	qsort(keys, *n, sizeof(*keys), cmp_key);
	return keys;
}

/* Labels, annotations, selectors: one "k=v" per line under the first, sorted. */
static void field_map(struct strbuf *sb, int indent, const char *label, const json_t *map,
		      const char *sep)
{
	size_t n;
	const char **keys = sorted_keys(map, &n);
	int width = value_width(indent);
	put_label(sb, indent, label, width);
	if (n == 0)
		strbuf_puts(sb, "<none>\n");
	for (size_t i = 0; i < n; i++) {
		if (i)
			put_indent(sb, indent + width);
		sanitize_append(sb, keys[i], strlen(keys[i]), 0);
		strbuf_puts(sb, sep);
		char *v = scalar_text(json_object_get(map, keys[i]));
		sanitize_append(sb, v, strlen(v), 0);
		free(v);
		strbuf_putc(sb, '\n');
	}
	free(keys);
}

/* A small aligned table (conditions, events): rows of owned, sanitised cells. */
struct dtable {
	size_t ncols, nrows;
	char **cells; /* nrows * ncols */
};

static void dtable_add(struct dtable *t, const char *const *cells)
{
	t->cells = xrealloc(t->cells, (t->nrows + 1) * t->ncols * sizeof(*t->cells));
	for (size_t c = 0; c < t->ncols; c++)
		t->cells[t->nrows * t->ncols + c] = sanitize_cstr(cells[c] ? cells[c] : "", 0);
	t->nrows++;
}

static size_t text_width(const char *s)
{
	size_t w = 0;
	for (; *s; s++)
		w += ((unsigned char)*s & 0xC0) != 0x80;
	return w;
}

/* Writes and frees the table, columns two spaces apart, no trailing blanks. */
static void dtable_put(struct strbuf *sb, struct dtable *t, int indent)
{
	size_t *w = xcalloc(t->ncols, sizeof(*w));
	for (size_t r = 0; r < t->nrows; r++)
		for (size_t c = 0; c < t->ncols; c++) {
			size_t cw = text_width(t->cells[r * t->ncols + c]);
			w[c] = cw > w[c] ? cw : w[c];
		}
	for (size_t r = 0; r < t->nrows; r++) {
		put_indent(sb, indent);
		for (size_t c = 0; c < t->ncols; c++) {
			const char *cell = t->cells[r * t->ncols + c];
			strbuf_puts(sb, cell);
			if (c + 1 < t->ncols)
				put_indent(sb, (int)(w[c] - text_width(cell) + 2));
			free(t->cells[r * t->ncols + c]);
		}
		while (sb->len && sb->buf[sb->len - 1] == ' ')
			sb->buf[--sb->len] = '\0';
		strbuf_putc(sb, '\n');
	}
	free(w);
	free(t->cells);
	t->cells = NULL;
	t->nrows = 0;
}

/* ---- shared pieces -------------------------------------------------------------- */

/* "Conditions:" as a Type/Status(/Reason) table; nothing when there are none. */
static void put_conditions(struct strbuf *sb, const json_t *conds, bool with_reason)
{
	if (json_array_size(conds) == 0)
		return;
	heading(sb, 0, "Conditions");
	struct dtable t = {.ncols = with_reason ? 3 : 2};
	static const char *const head[] = {"Type", "Status", "Reason"};
	static const char *const rule[] = {"----", "------", "------"};
	dtable_add(&t, head);
	if (with_reason)
		dtable_add(&t, rule);
	size_t i;
	const json_t *c;
	json_array_foreach(conds, i, c) {
		const char *row[] = {str(c, "type"), str(c, "status"), str(c, "reason")};
		dtable_add(&t, row);
	}
	dtable_put(sb, &t, 2);
}

static void put_ports(struct strbuf *sb, int indent, const json_t *ports)
{
	if (json_array_size(ports) == 0) {
		field(sb, indent, "Port", NULL);
		return;
	}
	struct strbuf v = STRBUF_INIT;
	size_t i;
	const json_t *p;
	json_array_foreach(ports, i, p) {
		const char *proto = str(p, "protocol");
		strbuf_printf(&v, "%s%" JSON_INTEGER_FORMAT "/%s", i ? ", " : "",
			      json_integer_value(json_object_get(p, "containerPort")),
			      proto ? proto : "TCP");
	}
	field(sb, indent, json_array_size(ports) > 1 ? "Ports" : "Port", strbuf_str(&v));
	strbuf_reset(&v);
	json_array_foreach(ports, i, p) {
		const char *proto = str(p, "protocol");
		strbuf_printf(&v, "%s%" JSON_INTEGER_FORMAT "/%s", i ? ", " : "",
			      json_integer_value(json_object_get(p, "hostPort")),
			      proto ? proto : "TCP");
	}
	field(sb, indent, json_array_size(ports) > 1 ? "Host Ports" : "Host Port",
	      strbuf_str(&v));
	strbuf_free(&v);
}

/* "State:  Waiting" and its details, as kubectl's describeContainerState. */
static void put_container_state(struct strbuf *sb, const char *label, const json_t *state)
{
	const char *k;
	const json_t *d;
	json_object_foreach((json_t *)state, k, d) {
		char name[16];
		snprintf(name, sizeof(name), "%c%s", toupper((unsigned char)k[0]), k + 1);
		field(sb, 4, label, name);
		if (str(d, "reason"))
			field(sb, 6, "Reason", str(d, "reason"));
		if (str(d, "message"))
			field(sb, 6, "Message", str(d, "message"));
		if (json_object_get(d, "exitCode"))
			field_json(sb, 6, "Exit Code", json_object_get(d, "exitCode"));
		if (json_object_get(d, "signal"))
			field_json(sb, 6, "Signal", json_object_get(d, "signal"));
		if (str(d, "startedAt"))
			field_time(sb, 6, "Started", str(d, "startedAt"));
		if (str(d, "finishedAt"))
			field_time(sb, 6, "Finished", str(d, "finishedAt"));
		return; /* only one of waiting/running/terminated is ever set */
	}
	if (strcmp(label, "State") == 0)
		field(sb, 4, label, "Waiting");
}

static const json_t *status_of(const json_t *statuses, const char *name)
{
	size_t i;
	const json_t *s;
	json_array_foreach(statuses, i, s)
		if (name && str(s, "name") && strcmp(str(s, "name"), name) == 0)
			return s;
	return NULL;
}

/* "key:  value" lines with the values of one map aligned (quantities, capacity). */
static void put_aligned_map(struct strbuf *sb, int indent, const json_t *m)
{
	size_t n;
	const char **keys = sorted_keys(m, &n);
	int width = 0;
	for (size_t i = 0; i < n; i++)
		width = (int)strlen(keys[i]) + 3 > width ? (int)strlen(keys[i]) + 3 : width;
	for (size_t i = 0; i < n; i++) {
		char *v = scalar_text(json_object_get(m, keys[i]));
		put_label(sb, indent, keys[i], width);
		sanitize_append(sb, v, strlen(v), 0);
		strbuf_putc(sb, '\n');
		free(v);
	}
	free(keys);
}

static void put_resources(struct strbuf *sb, const json_t *res)
{
	static const char *const which[] = {"limits", "requests"};
	static const char *const label[] = {"Limits", "Requests"};
	for (int w = 0; w < 2; w++) {
		const json_t *m = json_object_get(res, which[w]);
		if (json_object_size(m) == 0)
			continue;
		heading(sb, 4, label[w]);
		put_aligned_map(sb, 6, m);
	}
}

/* One container of a pod or pod template; statuses may be NULL (templates). */
static void put_container(struct strbuf *sb, const json_t *c, const json_t *statuses)
{
	const char *name = str(c, "name");
	put_indent(sb, 2);
	sanitize_append(sb, name ? name : "", name ? strlen(name) : 0, 0);
	strbuf_puts(sb, ":\n");
	const json_t *st = status_of(statuses, name);
	if (st)
		field(sb, 4, "Container ID", str(st, "containerID"));
	field(sb, 4, "Image", str(c, "image"));
	if (st)
		field(sb, 4, "Image ID", str(st, "imageID"));
	put_ports(sb, 4, json_object_get(c, "ports"));
	if (st) {
		put_container_state(sb, "State", json_object_get(st, "state"));
		if (json_object_size(json_object_get(st, "lastState")))
			put_container_state(sb, "Last State", json_object_get(st, "lastState"));
		field(sb, 4, "Ready", json_is_true(json_object_get(st, "ready")) ? "True" : "False");
		field_json(sb, 4, "Restart Count", json_object_get(st, "restartCount"));
	}
	put_resources(sb, json_object_get(c, "resources"));
	const json_t *env = json_object_get(c, "env");
	if (json_array_size(env) == 0) {
		field(sb, 4, "Environment", NULL);
	} else {
		heading(sb, 4, "Environment");
		size_t i;
		const json_t *e;
		json_array_foreach(env, i, e) {
			const char *val = str(e, "value");
			field(sb, 6, str(e, "name") ? str(e, "name") : "",
			      val ? val : (json_object_get(e, "valueFrom") ? "<set from a reference>"
								     : ""));
		}
	}
	const json_t *mounts = json_object_get(c, "volumeMounts");
	if (json_array_size(mounts) == 0) {
		field(sb, 4, "Mounts", NULL);
		return;
	}
	heading(sb, 4, "Mounts");
	size_t i;
	const json_t *m;
	json_array_foreach(mounts, i, m) {
		char *line = xasprintf("%s from %s (%s)", str(m, "mountPath") ? str(m, "mountPath") : "",
				       str(m, "name") ? str(m, "name") : "",
				       json_is_true(json_object_get(m, "readOnly")) ? "ro" : "rw");
		put_indent(sb, 6);
		sanitize_append(sb, line, strlen(line), 0);
		strbuf_putc(sb, '\n');
		free(line);
	}
}

static void put_containers(struct strbuf *sb, const char *label, const json_t *list,
			   const json_t *statuses)
{
	if (json_array_size(list) == 0)
		return;
	heading(sb, 0, label);
	size_t i;
	const json_t *c;
	json_array_foreach(list, i, c)
		put_container(sb, c, statuses);
}

/* The first key of a volume other than its name is its type ("secret", "configMap"). */
static void put_volumes(struct strbuf *sb, const json_t *vols)
{
	if (json_array_size(vols) == 0) {
		field(sb, 0, "Volumes", NULL);
		return;
	}
	heading(sb, 0, "Volumes");
	size_t i;
	const json_t *v;
	json_array_foreach(vols, i, v) {
		const char *name = str(v, "name");
		put_indent(sb, 2);
		sanitize_append(sb, name ? name : "", name ? strlen(name) : 0, 0);
		strbuf_puts(sb, ":\n");
		const char *k;
		const json_t *src;
		json_object_foreach((json_t *)v, k, src) {
			if (strcmp(k, "name") == 0 || !json_is_object(src))
				continue;
			char type[64];
			snprintf(type, sizeof(type), "%c%s", toupper((unsigned char)k[0]), k + 1);
			field(sb, 4, "Type", type);
			size_t n;
			const char **keys = sorted_keys(src, &n);
			for (size_t j = 0; j < n; j++) {
				const json_t *x = json_object_get(src, keys[j]);
				if (!json_is_object(x) && !json_is_array(x))
					field_json(sb, 4, keys[j], x);
			}
			free(keys);
		}
	}
}

static const json_t *controller_ref(const json_t *obj)
{
	const json_t *refs = at(obj, "metadata.ownerReferences"), *r;
	size_t i;
	json_array_foreach(refs, i, r)
		if (json_is_true(json_object_get(r, "controller")))
			return r;
	return NULL;
}

/* ---- kinds ---------------------------------------------------------------------- */

/* Pod lines kubectl prints between Namespace and Labels. */
static void pod_head(struct strbuf *sb, const json_t *pod)
{
	const json_t *spec = json_object_get(pod, "spec");
	if (json_object_get(spec, "priority"))
		field_json(sb, 0, "Priority", json_object_get(spec, "priority"));
	if (str(spec, "priorityClassName"))
		field(sb, 0, "Priority Class Name", str(spec, "priorityClassName"));
	field(sb, 0, "Service Account", str(spec, "serviceAccountName"));
	const char *node = str(spec, "nodeName"), *host = str(pod, "status.hostIP");
	char *nodes = node && host ? xasprintf("%s/%s", node, host) : xstrdup(node ? node : "");
	field(sb, 0, "Node", nodes);
	free(nodes);
	if (str(pod, "status.startTime"))
		field_time(sb, 0, "Start Time", str(pod, "status.startTime"));
}

/* "key=value:Effect for 300s", one toleration per line aligned under the first. */
static void put_tolerations(struct strbuf *sb, const json_t *tols)
{
	const json_t *t;
	size_t i;
	put_label(sb, 0, "Tolerations", VALUE_COLUMN);
	if (json_array_size(tols) == 0)
		strbuf_puts(sb, "<none>\n");
	json_array_foreach(tols, i, t) {
		const char *key = str(t, "key"), *val = str(t, "value"), *eff = str(t, "effect");
		const char *op = str(t, "operator");
		struct strbuf line = STRBUF_INIT;
		strbuf_printf(&line, "%s%s%s%s%s", key ? key : "", val ? "=" : "", val ? val : "",
			      eff ? ":" : "", eff ? eff : "");
		if (op && strcmp(op, "Exists") == 0 && !val)
			strbuf_puts(&line, " op=Exists");
		if (json_is_integer(json_object_get(t, "tolerationSeconds")))
			strbuf_printf(&line, " for %" JSON_INTEGER_FORMAT "s",
				      json_integer_value(json_object_get(t, "tolerationSeconds")));
		if (i)
			put_indent(sb, VALUE_COLUMN);
		sanitize_append(sb, strbuf_str(&line), line.len, 0);
		strbuf_putc(sb, '\n');
		strbuf_free(&line);
	}
}

static void pod_body(struct strbuf *sb, const json_t *pod, long long now)
{
	const json_t *spec = json_object_get(pod, "spec"), *st = json_object_get(pod, "status");
	long long del;
	if (parse_time(str(pod, "metadata.deletionTimestamp"), &del)) {
		put_label(sb, 0, "Status", VALUE_COLUMN);
		strbuf_puts(sb, "Terminating (lasts ");
		put_duration(sb, now - del);
		strbuf_puts(sb, ")\n");
		field_json(sb, 0, "Termination Grace Period",
			   at(pod, "metadata.deletionGracePeriodSeconds"));
	} else {
		field(sb, 0, "Status", str(st, "phase"));
	}
	if (str(st, "reason"))
		field(sb, 0, "Reason", str(st, "reason"));
	if (str(st, "message"))
		field(sb, 0, "Message", str(st, "message"));
	field(sb, 0, "IP", str(st, "podIP"));
	const json_t *ctl = controller_ref(pod);
	if (ctl) {
		char *by = xasprintf("%s/%s", str(ctl, "kind") ? str(ctl, "kind") : "",
				     str(ctl, "name") ? str(ctl, "name") : "");
		field(sb, 0, "Controlled By", by);
		free(by);
	}
	put_containers(sb, "Init Containers", json_object_get(spec, "initContainers"),
		       json_object_get(st, "initContainerStatuses"));
	put_containers(sb, "Containers", json_object_get(spec, "containers"),
		       json_object_get(st, "containerStatuses"));
	put_conditions(sb, json_object_get(st, "conditions"), false);
	put_volumes(sb, json_object_get(spec, "volumes"));
	field(sb, 0, "QoS Class", str(st, "qosClass"));
	field_map(sb, 0, "Node-Selectors", json_object_get(spec, "nodeSelector"), "=");
	put_tolerations(sb, json_object_get(spec, "tolerations"));
}

static long long num(const json_t *v, const char *path)
{
	const json_t *n = at(v, path);
	return json_is_integer(n) ? (long long)json_integer_value(n) : 0;
}

static void put_selector(struct strbuf *sb, const json_t *sel)
{
	const json_t *labels = json_object_get(sel, "matchLabels");
	struct strbuf v = STRBUF_INIT;
	size_t n;
	const char **keys = sorted_keys(labels ? labels : sel, &n);
	for (size_t i = 0; i < n; i++) {
		char *val = scalar_text(json_object_get(labels ? labels : sel, keys[i]));
		strbuf_printf(&v, "%s%s=%s", i ? "," : "", keys[i], val);
		free(val);
	}
	free(keys);
	if (json_array_size(json_object_get(sel, "matchExpressions")))
		strbuf_printf(&v, "%s(+matchExpressions)", v.len ? "," : "");
	field(sb, 0, "Selector", strbuf_str(&v));
	strbuf_free(&v);
}

static void put_pod_template(struct strbuf *sb, const json_t *tmpl)
{
	heading(sb, 0, "Pod Template");
	field_map(sb, 2, "Labels", at(tmpl, "metadata.labels"), "=");
	if (json_object_size(at(tmpl, "metadata.annotations")))
		field_map(sb, 2, "Annotations", at(tmpl, "metadata.annotations"), ": ");
	if (str(tmpl, "spec.serviceAccountName"))
		field(sb, 2, "Service Account", str(tmpl, "spec.serviceAccountName"));
	put_containers(sb, "  Containers", at(tmpl, "spec.containers"), NULL);
}

static void deployment_body(struct strbuf *sb, const json_t *d, long long now)
{
	(void)now;
	put_selector(sb, at(d, "spec.selector"));
	char *rep = xasprintf("%lld desired | %lld updated | %lld total | %lld available | "
			      "%lld unavailable",
			      json_object_get(json_object_get(d, "spec"), "replicas")
				      ? num(d, "spec.replicas") : 1,
			      num(d, "status.updatedReplicas"), num(d, "status.replicas"),
			      num(d, "status.availableReplicas"),
			      num(d, "status.unavailableReplicas"));
	field(sb, 0, "Replicas", rep);
	free(rep);
	field(sb, 0, "StrategyType", str(d, "spec.strategy.type"));
	char *mrs = xasprintf("%lld", num(d, "spec.minReadySeconds"));
	field(sb, 0, "MinReadySeconds", mrs);
	free(mrs);
	const json_t *ru = at(d, "spec.strategy.rollingUpdate");
	if (ru) {
		char *u = scalar_text(json_object_get(ru, "maxUnavailable"));
		char *s = scalar_text(json_object_get(ru, "maxSurge"));
		char *line = xasprintf("%s max unavailable, %s max surge", u, s);
		field(sb, 0, "RollingUpdateStrategy", line);
		free(line);
		free(u);
		free(s);
	}
	put_pod_template(sb, at(d, "spec.template"));
	put_conditions(sb, at(d, "status.conditions"), true);
}

static void replicas_body(struct strbuf *sb, const json_t *o, long long now)
{
	(void)now;
	const char *kind = str(o, "kind");
	put_selector(sb, at(o, "spec.selector"));
	char *line;
	if (strcmp(kind, "DaemonSet") == 0) {
		line = xasprintf("%lld desired | %lld current | %lld ready | %lld available",
				 num(o, "status.desiredNumberScheduled"),
				 num(o, "status.currentNumberScheduled"),
				 num(o, "status.numberReady"), num(o, "status.numberAvailable"));
		put_label(sb, 0, "Desired Number of Nodes Scheduled", VALUE_COLUMN);
		strbuf_printf(sb, "%lld\n", num(o, "status.desiredNumberScheduled"));
		field(sb, 0, "Number of Nodes", line);
	} else {
		line = xasprintf("%lld current / %lld desired", num(o, "status.replicas"),
				 json_object_get(json_object_get(o, "spec"), "replicas")
					 ? num(o, "spec.replicas") : 1);
		field(sb, 0, "Replicas", line);
	}
	free(line);
	line = xasprintf("%lld Ready / %lld Available", num(o, "status.readyReplicas"),
			 num(o, "status.availableReplicas"));
	if (strcmp(kind, "DaemonSet") != 0)
		field(sb, 0, "Pods Status", line);
	free(line);
	put_pod_template(sb, at(o, "spec.template"));
	put_conditions(sb, at(o, "status.conditions"), true);
}

static void service_body(struct strbuf *sb, const json_t *svc, long long now)
{
	(void)now;
	const json_t *spec = json_object_get(svc, "spec");
	field_map(sb, 0, "Selector", json_object_get(spec, "selector"), "=");
	field(sb, 0, "Type", str(spec, "type"));
	field(sb, 0, "IP", str(spec, "clusterIP"));
	const json_t *ports = json_object_get(spec, "ports"), *p;
	size_t i;
	json_array_foreach(ports, i, p) {
		const char *proto = str(p, "protocol") ? str(p, "protocol") : "TCP";
		const char *name = str(p, "name") ? str(p, "name") : "<unset>";
		char *line = xasprintf("%s  %lld/%s", name, num(p, "port"), proto);
		field(sb, 0, "Port", line);
		free(line);
		char *target = scalar_text(json_object_get(p, "targetPort"));
		line = xasprintf("%s/%s", *target ? target : "<none>", proto);
		field(sb, 0, "TargetPort", line);
		free(line);
		free(target);
		if (num(p, "nodePort")) {
			line = xasprintf("%s  %lld/%s", name, num(p, "nodePort"), proto);
			field(sb, 0, "NodePort", line);
			free(line);
		}
	}
	field(sb, 0, "Session Affinity", str(spec, "sessionAffinity"));
	const json_t *ing = at(svc, "status.loadBalancer.ingress"), *x;
	json_array_foreach(ing, i, x)
		field(sb, 0, "LoadBalancer Ingress", str(x, "ip") ? str(x, "ip") : str(x, "hostname"));
}

/* Roles come from node-role.kubernetes.io/NAME labels, as kubectl finds them. */
static void node_roles(struct strbuf *sb, const json_t *labels)
{
	static const char prefix[] = "node-role.kubernetes.io/";
	struct strbuf roles = STRBUF_INIT;
	size_t n;
	const char **keys = sorted_keys(labels, &n);
	for (size_t i = 0; i < n; i++)
		if (strncmp(keys[i], prefix, sizeof(prefix) - 1) == 0 && keys[i][sizeof(prefix) - 1])
			strbuf_printf(&roles, "%s%s", roles.len ? "," : "", keys[i] + sizeof(prefix) - 1);
	free(keys);
	field(sb, 0, "Roles", strbuf_str(&roles));
	strbuf_free(&roles);
}

static void put_quantities(struct strbuf *sb, const char *label, const json_t *m)
{
	if (!m)
		return;
	heading(sb, 0, label);
	put_aligned_map(sb, 2, m);
}

static void node_body(struct strbuf *sb, const json_t *node, long long now)
{
	(void)now;
	const json_t *st = json_object_get(node, "status");
	if (str(node, "metadata.creationTimestamp"))
		field_time(sb, 0, "CreationTimestamp", str(node, "metadata.creationTimestamp"));
	const json_t *taints = at(node, "spec.taints"), *t;
	size_t i;
	if (json_array_size(taints) == 0)
		field(sb, 0, "Taints", NULL);
	json_array_foreach(taints, i, t) {
		const char *key = str(t, "key"), *val = str(t, "value"), *eff = str(t, "effect");
		char *line = xasprintf("%s%s%s:%s", key ? key : "", val ? "=" : "", val ? val : "",
				       eff ? eff : "");
		if (i == 0) {
			field(sb, 0, "Taints", line);
		} else {
			put_indent(sb, VALUE_COLUMN);
			sanitize_append(sb, line, strlen(line), 0);
			strbuf_putc(sb, '\n');
		}
		free(line);
	}
	field(sb, 0, "Unschedulable",
	      json_is_true(at(node, "spec.unschedulable")) ? "true" : "false");
	put_conditions(sb, json_object_get(st, "conditions"), true);
	const json_t *addrs = json_object_get(st, "addresses"), *a;
	heading(sb, 0, "Addresses");
	json_array_foreach(addrs, i, a)
		field(sb, 2, str(a, "type") ? str(a, "type") : "", str(a, "address"));
	put_quantities(sb, "Capacity", json_object_get(st, "capacity"));
	put_quantities(sb, "Allocatable", json_object_get(st, "allocatable"));
	static const char *const info[][2] = {
		{"machineID", "Machine ID"}, {"systemUUID", "System UUID"},
		{"bootID", "Boot ID"}, {"kernelVersion", "Kernel Version"},
		{"osImage", "OS Image"}, {"operatingSystem", "Operating System"},
		{"architecture", "Architecture"},
		{"containerRuntimeVersion", "Container Runtime Version"},
		{"kubeletVersion", "Kubelet Version"}, {"kubeProxyVersion", "Kube-Proxy Version"},
	};
	const json_t *ni = json_object_get(st, "nodeInfo");
	if (ni) {
		heading(sb, 0, "System Info");
		for (size_t k = 0; k < sizeof(info) / sizeof(info[0]); k++) {
			put_label(sb, 2, info[k][1], 28);
			const char *v = str(ni, info[k][0]);
			sanitize_append(sb, v ? v : "", v ? strlen(v) : 0, 0);
			strbuf_putc(sb, '\n');
		}
	}
	if (str(node, "spec.podCIDR"))
		field(sb, 0, "PodCIDR", str(node, "spec.podCIDR"));
}

static void namespace_body(struct strbuf *sb, const json_t *ns, long long now)
{
	(void)now;
	field(sb, 0, "Status", str(ns, "status.phase"));
}

/* Secret values are never shown, only their sizes, as kubectl does. */
static void secret_body(struct strbuf *sb, const json_t *sec, long long now)
{
	(void)now;
	field(sb, 0, "Type", str(sec, "type"));
	strbuf_puts(sb, "\nData\n====\n");
	size_t n;
	const json_t *data = json_object_get(sec, "data");
	const char **keys = sorted_keys(data, &n);
	for (size_t i = 0; i < n; i++) {
		const char *b64 = json_string_value(json_object_get(data, keys[i]));
		size_t len = b64 ? strlen(b64) : 0, pad = 0;
		while (pad < 2 && pad < len && b64[len - 1 - pad] == '=')
			pad++;
		sanitize_append(sb, keys[i], strlen(keys[i]), 0);
		strbuf_printf(sb, ":  %zu bytes\n", len / 4 * 3 - pad);
	}
	free(keys);
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
	const char **keys = sorted_keys(obj, &n);
	int width = 0;
	for (size_t i = 0; i < n; i++) {
		if (!is_one_line(json_object_get(obj, keys[i])))
			continue;
		char *title = title_key(keys[i]);
		int w = (int)text_width(title) + 3;
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
		put_indent(sb, indent);
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
		heading(sb, indent, safe);
		generic_map(sb, indent + 2, v);
	} else if (json_is_array(v) && json_array_size(v)) {
		heading(sb, indent, safe);
		size_t i;
		const json_t *item;
		json_array_foreach(v, i, item) {
			if (json_is_object(item) || json_is_array(item)) {
				generic_map(sb, indent + 2, item);
			} else {
				char *s = scalar_text(item);
				generic_lines(sb, indent + 2, s);
				free(s);
			}
		}
	} else if (json_is_string(v) && strchr(json_string_value(v), '\n')) {
		heading(sb, indent, safe);
		generic_lines(sb, indent + 2, json_string_value(v));
	} else {
		char *s = scalar_text(v);
		put_label(sb, indent, safe, width);
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
	field(sb, 0, "API Version", str(obj, "apiVersion"));
	field(sb, 0, "Kind", str(obj, "kind"));
	json_t *meta = json_copy(json_object_get(obj, "metadata"));
	for (size_t i = 0; i < sizeof(shown) / sizeof(shown[0]); i++)
		json_object_del(meta, shown[i]);
	if (json_object_size(meta))
		generic_value(sb, 0, VALUE_COLUMN, "metadata", meta);
	json_decref(meta);
	size_t n;
	const char **keys = sorted_keys(obj, &n);
	for (size_t i = 0; i < n; i++)
		if (strcmp(keys[i], "apiVersion") && strcmp(keys[i], "kind") &&
		    strcmp(keys[i], "metadata"))
			generic_value(sb, 0, VALUE_COLUMN, keys[i], json_object_get(obj, keys[i]));
	free(keys);
}

/* ---- events --------------------------------------------------------------------- */

static long long event_time(const json_t *e)
{
	long long t = 0;
	if (!parse_time(str(e, "lastTimestamp"), &t) && !parse_time(str(e, "eventTime"), &t))
		parse_time(str(e, "firstTimestamp"), &t);
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
	put_duration(&sb, now - last);
	long long count = num(e, "count");
	if (!count)
		count = num(e, "series.count");
	if (count > 1 && parse_time(str(e, "firstTimestamp"), &first)) {
		strbuf_printf(&sb, " (x%lld over ", count);
		put_duration(&sb, now - first);
		strbuf_putc(&sb, ')');
	}
	return strbuf_detach(&sb);
}

static char *event_source(const json_t *e)
{
	const char *comp = str(e, "source.component");
	if (!comp || !*comp)
		comp = str(e, "reportingComponent");
	if (!comp || !*comp)
		comp = str(e, "reportingController");
	/* kubectl shows the component alone, not the source host */
	return xstrdup(comp ? comp : "");
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
	heading(sb, 0, "Events");
	struct dtable t = {.ncols = 5};
	static const char *const head[] = {"Type", "Reason", "Age", "From", "Message"};
	static const char *const rule[] = {"----", "------", "----", "----", "-------"};
	dtable_add(&t, head);
	dtable_add(&t, rule);
	for (size_t i = 0; i < n; i++) {
		char *age = event_age(sorted[i], now), *from = event_source(sorted[i]);
		/* kubectl trims the message; inner newlines become visible ^J */
		const char *msg = str(sorted[i], "message") ? str(sorted[i], "message") : "";
		while (isspace((unsigned char)*msg))
			msg++;
		char *trimmed = xstrdup(msg);
		size_t len = strlen(trimmed);
		while (len && isspace((unsigned char)trimmed[len - 1]))
			trimmed[--len] = '\0';
		const char *row[] = {str(sorted[i], "type"), str(sorted[i], "reason"), age, from,
				     trimmed};
		dtable_add(&t, row);
		free(age);
		free(from);
		free(trimmed);
	}
	dtable_put(sb, &t, 2);
	free(sorted);
}

/* ---- entry ---------------------------------------------------------------------- */

typedef void (*describe_body_fn)(struct strbuf *sb, const json_t *obj, long long now);

static const struct {
	const char *kind;
	describe_body_fn body;
} describe_kinds[] = {
	{"Pod", pod_body},
	{"Deployment", deployment_body},
	{"ReplicaSet", replicas_body},
	{"StatefulSet", replicas_body},
	{"DaemonSet", replicas_body},
	{"Service", service_body},
	{"Node", node_body},
	{"Namespace", namespace_body},
	{"Secret", secret_body},
};

char *describe_object(const json_t *obj, const json_t *events, long long now)
{
	struct strbuf sb = STRBUF_INIT;
	const char *kind = str(obj, "kind");
	describe_body_fn body = generic_body;
	for (size_t i = 0; kind && i < sizeof(describe_kinds) / sizeof(describe_kinds[0]); i++)
		if (strcmp(kind, describe_kinds[i].kind) == 0)
			body = describe_kinds[i].body;
	field(&sb, 0, "Name", str(obj, "metadata.name"));
	if (str(obj, "metadata.namespace"))
		field(&sb, 0, "Namespace", str(obj, "metadata.namespace"));
	if (body != pod_body && body != node_body && body != generic_body &&
	    str(obj, "metadata.creationTimestamp"))
		field_time(&sb, 0, "CreationTimestamp", str(obj, "metadata.creationTimestamp"));
	if (body == pod_body)
		pod_head(&sb, obj);
	if (body == node_body)
		node_roles(&sb, at(obj, "metadata.labels"));
	field_map(&sb, 0, "Labels", at(obj, "metadata.labels"), "=");
	field_map(&sb, 0, "Annotations", at(obj, "metadata.annotations"), ": ");
	body(&sb, obj, now);
	put_events(&sb, events, now);
	return strbuf_detach(&sb);
}
