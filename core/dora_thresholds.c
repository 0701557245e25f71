/* DORA level thresholds from YAML (core/dora_thresholds.h): the shipped table, the
 * user's file over it, every problem reported at its file:line:column. */
#include "core/dora_thresholds.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/embedded.h"
#include "core/xalloc.h"
#include "core/yaml.h"
#include "core/yaml_mark.h"

#define DORA_THRESHOLDS_EMBEDDED "thresholds/dora.yaml"

static const char *const level_keys[] = {"elite", "high", "medium"};

/* A number followed by a unit from units (each unit a word and its factor); a bare
 * number takes factor 1. -1 when malformed or negative. */
struct unit {
	const char *word;
	double factor;
};

static double parse_with_units(const char *s, const struct unit *units, size_t n)
{
	if (!s || !*s)
		return -1;
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || v < 0)
		return -1;
	if (!*end)
		return v;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(end, units[i].word))
			return v * units[i].factor;
	return -1;
}

double dora_parse_rate(const char *s)
{
	static const struct unit u[] = {{"/day", 1}, {"/week", 1.0 / 7}, {"/month", 1.0 / 30},
					{"/d", 1}, {"/w", 1.0 / 7}};
	return parse_with_units(s, u, sizeof u / sizeof *u);
}

double dora_parse_duration(const char *s)
{
	static const struct unit u[] = {{"s", 1}, {"m", 60}, {"h", 3600}, {"d", 86400},
					{"w", 7 * 86400}};
	return parse_with_units(s, u, sizeof u / sizeof *u);
}

double dora_parse_percent(const char *s)
{
	static const struct unit u[] = {{"%", 1}};
	double v = parse_with_units(s, u, 1);
	return v > 100 ? -1 : v;
}

/* A level's value: a string with a unit, or a plain number. */
static double level_value(enum dora_metric m, const json_t *v)
{
	char num[64];
	const char *s = json_string_value(v);
	if (json_is_number(v)) {
		snprintf(num, sizeof num, "%.17g", json_number_value(v));
		s = num;
	}
	switch (m) {
	case DORA_DEPLOY_FREQUENCY: return dora_parse_rate(s);
	case DORA_LEAD_TIME:
	case DORA_RECOVERY_TIME: return dora_parse_duration(s);
	default: return dora_parse_percent(s);
	}
}

static const char *unit_hint(enum dora_metric m)
{
	switch (m) {
	case DORA_DEPLOY_FREQUENCY: return "a rate like 1/day, 2/week or 1/month";
	case DORA_LEAD_TIME:
	case DORA_RECOVERY_TIME: return "a duration like 45m, 1h, 1d or 1w";
	default: return "a percentage like 15%";
	}
}

/* Where a parse problem is: the key path and the message. */
struct problem {
	const char *path[3];
	size_t depth;
	char msg[256];
};

static int metric_of(const char *key)
{
	for (int m = 0; m < DORA_METRIC_COUNT; m++)
		if (!strcmp(key, dora_metric_key((enum dora_metric)m)))
			return m;
	return -1;
}

static bool read_metric(enum dora_metric m, const json_t *levels, struct dora_thresholds *t,
			struct problem *p)
{
	const char *key;
	const json_t *v;
	if (!json_is_object(levels)) {
		snprintf(p->msg, sizeof p->msg, "expected a mapping of elite, high and medium");
		return false;
	}
	double b[DORA_LEVEL_LOW];
	memcpy(b, t->bound[m], sizeof b);
	bool seen[DORA_LEVEL_LOW] = {false};
	json_object_foreach((json_t *)levels, key, v) {
		p->path[2] = key;
		p->depth = 3;
		int l = -1;
		for (int k = 0; k < DORA_LEVEL_LOW; k++)
			if (!strcmp(key, level_keys[k]))
				l = k;
		if (l < 0) {
			snprintf(p->msg, sizeof p->msg, "unknown level \"%s\" (elite, high or medium; low is the rest)", key);
			return false;
		}
		double x = level_value(m, v);
		if (x < 0) {
			snprintf(p->msg, sizeof p->msg, "%s: expected %s", key, unit_hint(m));
			return false;
		}
		b[l] = x;
		seen[l] = true;
	}
	p->depth = 2;
	for (int k = 0; k < DORA_LEVEL_LOW; k++)
		if (!seen[k] && !t->has[m]) {
			snprintf(p->msg, sizeof p->msg, "missing level \"%s\"", level_keys[k]);
			return false;
		}
	memcpy(t->bound[m], b, sizeof b);
	t->has[m] = true;
	return true;
}

static bool read_source(const json_t *src, struct dora_thresholds *t, struct problem *p)
{
	const char *report = json_string_value(json_object_get(src, "report"));
	const char *url = json_string_value(json_object_get(src, "url"));
	if (!json_is_object(src) || !report || !url) {
		snprintf(p->msg, sizeof p->msg, "expected report: and url: (strings)");
		return false;
	}
	free(t->source);
	t->source = xasprintf("%s, %s", report, url);
	return true;
}

static bool read_document(const json_t *doc, struct dora_thresholds *t, struct problem *p)
{
	const char *key, *mkey;
	const json_t *v, *mv;
	if (!json_is_object(doc)) {
		snprintf(p->msg, sizeof p->msg, "expected a mapping with source: and levels:");
		return false;
	}
	json_object_foreach((json_t *)doc, key, v) {
		p->path[0] = key;
		p->depth = 1;
		if (!strcmp(key, "source")) {
			if (!read_source(v, t, p))
				return false;
			continue;
		}
		if (strcmp(key, "levels")) {
			snprintf(p->msg, sizeof p->msg, "unknown key \"%s\" (source or levels)", key);
			return false;
		}
		if (!json_is_object(v)) {
			snprintf(p->msg, sizeof p->msg, "expected a mapping of metrics");
			return false;
		}
		json_object_foreach((json_t *)v, mkey, mv) {
			p->path[1] = mkey;
			p->depth = 2;
			int m = metric_of(mkey);
			if (m < 0) {
				snprintf(p->msg, sizeof p->msg, "unknown metric \"%s\" (deployment_frequency, lead_time, change_fail_rate, recovery_time or rework_rate)", mkey);
				return false;
			}
			if (!read_metric((enum dora_metric)m, mv, t, p))
				return false;
		}
	}
	return true;
}

int dora_thresholds_parse(const char *name, const char *text, size_t len,
			  struct dora_thresholds *t, char *err, size_t errlen)
{
	json_t *docs = yaml_parse_documents(name, text, len, err, errlen);
	if (!docs)
		return -1;
	const json_t *doc = json_array_get(docs, 0);
	struct problem p = {.depth = 0};
	int rc = 0;
	if (doc && !json_is_null(doc) && !read_document(doc, t, &p)) {
		int line = 1, col = 1;
		if (p.depth)
			yaml_mark_find(text, len, p.path, p.depth, &line, &col);
		snprintf(err, errlen, "%s:%d:%d: %s", name, line, col, p.msg);
		rc = -1;
	}
	json_decref(docs);
	return rc;
}

int dora_thresholds_load_file(const char *path, struct dora_thresholds *t, char *err,
			      size_t errlen)
{
	size_t len;
	char *text = yaml_mark_read_file(path, &len);
	if (!text) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	int rc = dora_thresholds_parse(path, text, len, t, err, errlen);
	free(text);
	return rc;
}

char *dora_thresholds_user_path(void)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	if (xdg && xdg[0] == '/')
		return xasprintf("%s/opsdeck/dora.yaml", xdg);
	const char *home = getenv("HOME");
	return home && *home ? xasprintf("%s/.config/opsdeck/dora.yaml", home) : NULL;
}

int dora_thresholds_load(const char *user_path, struct dora_thresholds *t, char *err,
			 size_t errlen)
{
	const struct embedded_file *f = embedded_find(DORA_THRESHOLDS_EMBEDDED);
	if (!f) {
		snprintf(err, errlen, "%s is not built in", DORA_THRESHOLDS_EMBEDDED);
		return -1;
	}
	if (dora_thresholds_parse(f->path, f->data, f->len, t, err, errlen) < 0)
		return -1;
	char *own = user_path ? NULL : dora_thresholds_user_path();
	const char *path = user_path ? user_path : own;
	int rc = 0;
	FILE *probe = path ? fopen(path, "r") : NULL;
	if (probe) {
		fclose(probe);
		rc = dora_thresholds_load_file(path, t, err, errlen);
	}
	free(own);
	return rc;
}

void dora_thresholds_clear(struct dora_thresholds *t)
{
	free(t->source);
	memset(t, 0, sizeof *t);
}
