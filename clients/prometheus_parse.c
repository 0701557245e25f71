/* Parsers of Prometheus HTTP API answers (alerts, rules, query results) into the plain
 * structs of prometheus.h. Every string a server sent is sanitised; label sets sorted. */
#include "clients/prometheus.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/sanitize.h"
#include "core/strbuf.h"
#include "core/xalloc.h"

static char *clean(const char *s)
{
	return s ? sanitize_cstr(s, 0) : NULL;
}

/* ---- labels ----------------------------------------------------------------------- */

static int label_cmp(const void *a, const void *b)
{
	const struct prom_label *x = a, *y = b;
	return strcmp(x->name, y->name);
}

/* Every string-valued member of obj (others skipped), sanitised and sorted by name. */
static void labels_read(const json_t *obj, struct prom_labels *out)
{
	memset(out, 0, sizeof(*out));
	if (!json_is_object(obj) || json_object_size(obj) == 0)
		return;
	out->items = xcalloc(json_object_size(obj), sizeof(*out->items));
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)obj, k, v) {
		if (!json_is_string(v))
			continue;
		out->items[out->n].name = clean(k);
		out->items[out->n].value = clean(json_string_value(v));
		out->n++;
	}
	qsort(out->items, out->n, sizeof(*out->items), label_cmp);
}

static void labels_free(struct prom_labels *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->items[i].name);
		free(l->items[i].value);
	}
	free(l->items);
	memset(l, 0, sizeof(*l));
}

const char *prom_labels_get(const struct prom_labels *l, const char *name)
{
	size_t lo = 0, hi = l ? l->n : 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(l->items[mid].name, name);
		if (c == 0)
			return l->items[mid].value;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* ---- values ----------------------------------------------------------------------- */

/* Prometheus sends sample values as strings so that "NaN", "+Inf", "-Inf" survive JSON;
 * strtod reads all three. Anything unreadable is NaN. */
static double value_read(const json_t *v)
{
	if (json_is_number(v))
		return json_number_value(v);
	const char *s = json_string_value(v);
	if (!s || !*s)
		return NAN;
	char *end;
	double d = strtod(s, &end);
	return *end ? NAN : d;
}

static long long digits(const char **p, int n)
{
	long long v = 0;
	for (int i = 0; i < n; i++, (*p)++) {
		if (**p < '0' || **p > '9')
			return -1;
		v = v * 10 + (**p - '0');
	}
	return v;
}

/* RFC 3339 ("2018-07-04T20:27:12.60602144+02:00", "...Z") to ms since the epoch; 0 when
 * unreadable or the zero time Go sends for "never". */
static long long rfc3339_ms(const char *s)
{
	if (!s)
		return 0;
	const char *p = s;
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	long long y = digits(&p, 4);
	if (y < 1970 || *p++ != '-')
		return 0;
	long long mo = digits(&p, 2), d = (*p++ == '-') ? digits(&p, 2) : -1;
	long long h = (*p == 'T' || *p == 't' || *p == ' ') ? (p++, digits(&p, 2)) : -1;
	long long mi = (*p++ == ':') ? digits(&p, 2) : -1;
	long long sec = (*p++ == ':') ? digits(&p, 2) : -1;
	if (mo < 1 || d < 1 || h < 0 || mi < 0 || sec < 0)
		return 0;
	long long ms = 0;
	if (*p == '.') {
		int n = 0;
		for (p++; *p >= '0' && *p <= '9'; p++, n++)
			if (n < 3)
				ms = ms * 10 + (*p - '0');
		for (; n < 3; n++)
			ms *= 10;
	}
	long long off = 0;
	if (*p == '+' || *p == '-') {
		int sign = *p++ == '-' ? -1 : 1;
		long long oh = digits(&p, 2), om = (*p++ == ':') ? digits(&p, 2) : -1;
		if (oh < 0 || om < 0)
			return 0;
		off = sign * (oh * 3600 + om * 60);
	} else if (*p != 'Z' && *p != 'z') {
		return 0;
	}
	tm.tm_year = (int)(y - 1900);
	tm.tm_mon = (int)(mo - 1);
	tm.tm_mday = (int)d;
	tm.tm_hour = (int)h;
	tm.tm_min = (int)mi;
	tm.tm_sec = (int)sec;
	return ((long long)timegm(&tm) - off) * 1000 + ms;
}

static enum prom_alert_state state_read(const char *s)
{
	if (s && !strcmp(s, "firing"))
		return PROM_ALERT_FIRING;
	if (s && !strcmp(s, "pending"))
		return PROM_ALERT_PENDING;
	return PROM_ALERT_INACTIVE;
}

/* ---- the envelope ------------------------------------------------------------------ */

/* data of a success body, or NULL with err: Prometheus's "errorType: error" or what is
 * malformed. */
static const json_t *envelope(const json_t *body, char *err, size_t errlen)
{
	const char *status = json_string_value(json_object_get(body, "status"));
	if (!json_is_object(body) || !status) {
		snprintf(err, errlen, "not a Prometheus API response");
		return NULL;
	}
	if (strcmp(status, "success")) {
		char *type = clean(json_string_value(json_object_get(body, "errorType")));
		char *msg = clean(json_string_value(json_object_get(body, "error")));
		snprintf(err, errlen, "%s%s%s", type ? type : "", type ? ": " : "",
			 msg ? msg : "Prometheus answered with an error");
		free(type);
		free(msg);
		return NULL;
	}
	const json_t *data = json_object_get(body, "data");
	if (!data)
		snprintf(err, errlen, "the response has no data");
	return data;
}

/* ---- alerts ----------------------------------------------------------------------- */

static void alert_read(const json_t *a, struct prom_alert *out)
{
	labels_read(json_object_get(a, "labels"), &out->labels);
	labels_read(json_object_get(a, "annotations"), &out->annotations);
	out->state = state_read(json_string_value(json_object_get(a, "state")));
	out->active_at_ms = rfc3339_ms(json_string_value(json_object_get(a, "activeAt")));
	out->value = value_read(json_object_get(a, "value"));
}

static bool alerts_read(const json_t *arr, struct prom_alerts *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	if (!arr || json_is_null(arr))
		return true;
	if (!json_is_array(arr)) {
		snprintf(err, errlen, "alerts is not a list");
		return false;
	}
	if (json_array_size(arr))
		out->items = xcalloc(json_array_size(arr), sizeof(*out->items));
	size_t i;
	json_t *a;
	json_array_foreach(arr, i, a) {
		if (json_is_object(a))
			alert_read(a, &out->items[out->n++]);
	}
	return true;
}

void prom_alerts_free(struct prom_alerts *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->n; i++) {
		labels_free(&a->items[i].labels);
		labels_free(&a->items[i].annotations);
	}
	free(a->items);
	memset(a, 0, sizeof(*a));
}

bool prom_parse_alerts(const json_t *body, struct prom_alerts *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	const json_t *data = envelope(body, err, errlen);
	if (!data)
		return false;
	const json_t *arr = json_object_get(data, "alerts");
	if (!json_is_array(arr)) {
		snprintf(err, errlen, "the response has no alerts list");
		return false;
	}
	return alerts_read(arr, out, err, errlen);
}

/* ---- rules ------------------------------------------------------------------------ */

static void rule_free(struct prom_rule *r)
{
	free(r->name);
	free(r->query);
	free(r->health);
	free(r->last_error);
	labels_free(&r->labels);
	labels_free(&r->annotations);
	prom_alerts_free(&r->alerts);
}

static void rule_read(const json_t *j, struct prom_rule *r)
{
	r->name = clean(json_string_value(json_object_get(j, "name")));
	if (!r->name)
		r->name = xstrdup("");
	const char *type = json_string_value(json_object_get(j, "type"));
	r->alerting = type && !strcmp(type, "alerting");
	r->query = clean(json_string_value(json_object_get(j, "query")));
	if (!r->query)
		r->query = xstrdup("");
	r->duration_s = json_number_value(json_object_get(j, "duration"));
	r->health = clean(json_string_value(json_object_get(j, "health")));
	if (!r->health)
		r->health = xstrdup("unknown");
	const char *le = json_string_value(json_object_get(j, "lastError"));
	r->last_error = le && *le ? clean(le) : NULL;
	labels_read(json_object_get(j, "labels"), &r->labels);
	labels_read(json_object_get(j, "annotations"), &r->annotations);
	char scratch[8];
	alerts_read(json_object_get(j, "alerts"), &r->alerts, scratch, sizeof(scratch));
	r->state = state_read(json_string_value(json_object_get(j, "state")));
	/* Older servers send no rule state: the worst of its alerts. */
	for (size_t i = 0; i < r->alerts.n; i++)
		if (r->alerts.items[i].state > r->state)
			r->state = r->alerts.items[i].state;
}

static void group_read(const json_t *j, struct prom_rule_group *g)
{
	g->name = clean(json_string_value(json_object_get(j, "name")));
	g->file = clean(json_string_value(json_object_get(j, "file")));
	if (!g->name)
		g->name = xstrdup("");
	if (!g->file)
		g->file = xstrdup("");
	g->interval_s = json_number_value(json_object_get(j, "interval"));
	const json_t *rules = json_object_get(j, "rules");
	if (!json_is_array(rules) || json_array_size(rules) == 0)
		return;
	g->rules = xcalloc(json_array_size(rules), sizeof(*g->rules));
	size_t i;
	json_t *r;
	json_array_foreach(rules, i, r) {
		if (json_is_object(r))
			rule_read(r, &g->rules[g->nrules++]);
	}
}

void prom_rules_free(struct prom_rules *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++) {
		struct prom_rule_group *g = &r->groups[i];
		for (size_t k = 0; k < g->nrules; k++)
			rule_free(&g->rules[k]);
		free(g->rules);
		free(g->name);
		free(g->file);
	}
	free(r->groups);
	memset(r, 0, sizeof(*r));
}

bool prom_parse_rules(const json_t *body, struct prom_rules *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	const json_t *data = envelope(body, err, errlen);
	if (!data)
		return false;
	const json_t *groups = json_object_get(data, "groups");
	if (!json_is_array(groups)) {
		snprintf(err, errlen, "the response has no groups list");
		return false;
	}
	if (json_array_size(groups))
		out->groups = xcalloc(json_array_size(groups), sizeof(*out->groups));
	size_t i;
	json_t *g;
	json_array_foreach(groups, i, g) {
		if (json_is_object(g))
			group_read(g, &out->groups[out->n++]);
	}
	return true;
}

/* ---- query results ---------------------------------------------------------------- */

/* [time_seconds, "value"]; false when it is not a pair. */
static bool point_read(const json_t *pair, struct prom_point *pt)
{
	if (!json_is_array(pair) || json_array_size(pair) != 2 ||
	    !json_is_number(json_array_get(pair, 0)))
		return false;
	/* rounded by hand: the program is not linked with libm */
	double ms = json_number_value(json_array_get(pair, 0)) * 1000.0;
	pt->time_ms = (long long)(ms < 0 ? ms - 0.5 : ms + 0.5);
	pt->value = value_read(json_array_get(pair, 1));
	return true;
}

static void series_points(const json_t *values, struct prom_series *s)
{
	if (!json_is_array(values) || json_array_size(values) == 0)
		return;
	s->points = xcalloc(json_array_size(values), sizeof(*s->points));
	size_t i;
	json_t *v;
	json_array_foreach(values, i, v) {
		if (point_read(v, &s->points[s->npoints]))
			s->npoints++;
	}
}

static bool result_series(const char *type, const json_t *result, struct prom_result *out,
			  char *err, size_t errlen)
{
	if (!strcmp(type, "scalar") || !strcmp(type, "string")) {
		out->series = xcalloc(1, sizeof(*out->series));
		out->n = 1;
		out->series->points = xcalloc(1, sizeof(*out->series->points));
		if (point_read(result, out->series->points))
			out->series->npoints = 1;
		return true;
	}
	if (!json_is_array(result)) {
		snprintf(err, errlen, "the %s result is not a list", type);
		return false;
	}
	if (json_array_size(result))
		out->series = xcalloc(json_array_size(result), sizeof(*out->series));
	bool matrix = !strcmp(type, "matrix");
	size_t i;
	json_t *e;
	json_array_foreach(result, i, e) {
		if (!json_is_object(e))
			continue;
		struct prom_series *s = &out->series[out->n++];
		labels_read(json_object_get(e, "metric"), &s->labels);
		if (matrix) {
			series_points(json_object_get(e, "values"), s);
		} else {
			s->points = xcalloc(1, sizeof(*s->points));
			if (point_read(json_object_get(e, "value"), s->points))
				s->npoints = 1;
		}
	}
	return true;
}

static char *warnings_read(const json_t *w)
{
	if (!json_is_array(w) || json_array_size(w) == 0)
		return NULL;
	struct strbuf sb = STRBUF_INIT;
	size_t i;
	json_t *e;
	json_array_foreach(w, i, e) {
		const char *s = json_string_value(e);
		if (!s)
			continue;
		if (sb.len)
			strbuf_puts(&sb, "; ");
		sanitize_append(&sb, s, strlen(s), 0);
	}
	if (!sb.len) {
		strbuf_free(&sb);
		return NULL;
	}
	return strbuf_detach(&sb);
}

void prom_result_free(struct prom_result *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++) {
		labels_free(&r->series[i].labels);
		free(r->series[i].points);
	}
	free(r->series);
	free(r->result_type);
	free(r->warnings);
	memset(r, 0, sizeof(*r));
}

bool prom_parse_result(const json_t *body, struct prom_result *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	const json_t *data = envelope(body, err, errlen);
	if (!data)
		return false;
	const char *type = json_string_value(json_object_get(data, "resultType"));
	if (!type || (strcmp(type, "vector") && strcmp(type, "matrix") && strcmp(type, "scalar") &&
		      strcmp(type, "string"))) {
		snprintf(err, errlen, "unknown resultType");
		return false;
	}
	out->result_type = xstrdup(type);
	if (!result_series(type, json_object_get(data, "result"), out, err, errlen)) {
		prom_result_free(out);
		return false;
	}
	out->warnings = warnings_read(json_object_get(body, "warnings"));
	return true;
}
