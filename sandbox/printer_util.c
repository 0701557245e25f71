/* Helpers shared by the sandbox's Table printers: timestamps and ages, field access,
 * label selectors and container lists printed as the API server prints them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "core/xalloc.h"
#include "sandbox/printer.h"
#include "sandbox/printer_builtin.h"

const char printer_desc_name[] =
	"Name must be unique within a namespace. Is required when creating resources, although "
	"some resources may allow a client to request the generation of an appropriate name "
	"automatically. Name is primarily intended for creation idempotence and configuration "
	"definition. Cannot be updated. More info: "
	"https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";
const char printer_desc_created[] =
	"CreationTimestamp is a timestamp representing the server time when this object was "
	"created. It is not guaranteed to be set in happens-before order across separate "
	"operations. Clients may not set this value. It is represented in RFC3339 form and is "
	"in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: "
	"https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

bool printer_parse_time(const char *s, time_t *out)
{
	int y, mo, d, h, mi, sec, n = 0;
	if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 ||
	    n != 19)
		return false;
	const char *p = s + n;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return false;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	long offset = 0;
	if (*p == '+' || *p == '-') {
		int oh, om, m = 0;
		if (sscanf(p + 1, "%2d:%2d%n", &oh, &om, &m) != 2 || m != 5 || p[6])
			return false;
		offset = (oh * 3600L + om * 60L) * (*p == '-' ? -1 : 1);
	} else if ((*p != 'Z' && *p != 'z') || p[1]) {
		return false;
	}
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return false;
	struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h,
			.tm_min = mi, .tm_sec = sec};
	*out = timegm(&tm) - offset;
	return true;
}

json_t *printer_since(const json_t *ts, time_t now)
{
	const char *s = json_string_value(ts);
	if (!s || !*s)
		return json_string("<unknown>");
	time_t t;
	if (!printer_parse_time(s, &t))
		return json_string("<invalid>");
	char buf[32];
	printer_age((long)(now - t), buf, sizeof buf);
	return json_string(buf);
}

const char *printer_str(const json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));
	return s ? s : "";
}

long long printer_int(const json_t *obj, const char *key, long long dflt)
{
	const json_t *v = json_object_get(obj, key);
	if (json_is_integer(v))
		return json_integer_value(v);
	if (json_is_real(v))
		return (long long)json_real_value(v);
	return dflt;
}

struct requirement {
	const char *key;
	char *text;
};

static int requirement_cmp(const void *a, const void *b)
{
	return strcmp(((const struct requirement *)a)->key, ((const struct requirement *)b)->key);
}

static int string_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* "key in (a,b)" with the values sorted, as a sets.String prints them. */
static char *expression_string(const json_t *expr)
{
	const char *key = printer_str(expr, "key"), *op = printer_str(expr, "operator");
	if (!strcmp(op, "Exists"))
		return xstrdup(key);
	if (!strcmp(op, "DoesNotExist"))
		return xasprintf("!%s", key);
	const json_t *values = json_object_get(expr, "values");
	size_t n = json_array_size(values), i;
	const char **vals = xcalloc(n ? n : 1, sizeof *vals);
	for (i = 0; i < n; i++) {
		const char *v = json_string_value(json_array_get(values, i));
		vals[i] = v ? v : "";
	}
	qsort(vals, n, sizeof *vals, string_cmp);
	struct strbuf sb = STRBUF_INIT;
	strbuf_printf(&sb, "%s %s (", key, !strcmp(op, "NotIn") ? "notin" : "in");
	for (i = 0; i < n; i++)
		strbuf_printf(&sb, "%s%s", i ? "," : "", vals[i]);
	strbuf_putc(&sb, ')');
	free(vals);
	return strbuf_detach(&sb);
}

char *printer_selector_string(const json_t *selector)
{
	const json_t *ml = json_object_get(selector, "matchLabels");
	const json_t *me = json_object_get(selector, "matchExpressions");
	size_t n = json_object_size(ml) + json_array_size(me), k = 0, i;
	struct requirement *reqs = xcalloc(n ? n : 1, sizeof *reqs);
	const char *key;
	const json_t *v;
	json_object_foreach((json_t *)ml, key, v) {
		reqs[k].key = key;
		reqs[k++].text = xasprintf("%s=%s", key, json_string_value(v) ? json_string_value(v) : "");
	}
	json_array_foreach(me, i, v) {
		reqs[k].key = printer_str(v, "key");
		reqs[k++].text = expression_string(v);
	}
	qsort(reqs, k, sizeof *reqs, requirement_cmp);
	struct strbuf sb = STRBUF_INIT;
	for (i = 0; i < k; i++) {
		strbuf_printf(&sb, "%s%s", i ? "," : "", reqs[i].text);
		free(reqs[i].text);
	}
	free(reqs);
	/* metav1.FormatLabelSelector shows an empty selector as "<none>". */
	if (sb.len == 0)
		strbuf_puts(&sb, "<none>");
	return strbuf_detach(&sb);
}

char *printer_format_labels(const json_t *map)
{
	size_t n = json_object_size(map), k = 0;
	if (n == 0)
		return xstrdup("<none>");
	struct requirement *reqs = xcalloc(n, sizeof *reqs);
	const char *key;
	const json_t *v;
	json_object_foreach((json_t *)map, key, v) {
		reqs[k].key = key;
		reqs[k++].text = xasprintf("%s=%s", key, json_string_value(v) ? json_string_value(v) : "");
	}
	qsort(reqs, k, sizeof *reqs, requirement_cmp);
	struct strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < k; i++) {
		strbuf_printf(&sb, "%s%s", i ? "," : "", reqs[i].text);
		free(reqs[i].text);
	}
	free(reqs);
	return strbuf_detach(&sb);
}

void printer_containers(const json_t *podspec, char **names, char **images)
{
	struct strbuf n = STRBUF_INIT, im = STRBUF_INIT;
	size_t i;
	const json_t *c;
	json_array_foreach(json_object_get(podspec, "containers"), i, c) {
		strbuf_printf(&n, "%s%s", i ? "," : "", printer_str(c, "name"));
		strbuf_printf(&im, "%s%s", i ? "," : "", printer_str(c, "image"));
	}
	*names = strbuf_detach(&n);
	*images = strbuf_detach(&im);
}
