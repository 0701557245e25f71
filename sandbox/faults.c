/* Fault rules: KIND[:ARG][@GLOB][%PERCENT][#COUNT], parsed from --faults and DIR/faults,
 * and the per-request decision, drawn from a seeded generator so a run can be repeated. */
#include "sandbox/faults.h"

#include "core/xalloc.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct fault_kind_info {
	const char *name;
	bool takes_arg;
	long default_arg;
	long max_arg;
};

static const struct fault_kind_info fault_kinds[] = {
	[FAULT_DROP] = {"drop", true, 1, 1000000},
	[FAULT_GONE] = {"gone", true, 0, 1000000},
	[FAULT_429] = {"429", true, 1, 3600},
	[FAULT_500] = {"500", false, 0, 0},
	[FAULT_503] = {"503", false, 0, 0},
	[FAULT_SLOW] = {"slow", true, 5, 3600},
	[FAULT_TRUNCATE] = {"truncate", false, 0, 0},
	[FAULT_GARBAGE] = {"garbage", false, 0, 0},
	[FAULT_EXPIRED] = {"expired", false, 0, 0},
	[FAULT_DOWN] = {"down", true, 10, 3600},
};
#define FAULT_NKINDS (sizeof fault_kinds / sizeof fault_kinds[0])

const char *fault_kind_name(enum fault_kind kind)
{
	return (size_t)kind < FAULT_NKINDS ? fault_kinds[kind].name : "?";
}

long long faults_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void faults_init(struct faults *f, uint64_t seed)
{
	memset(f, 0, sizeof *f);
	pthread_mutex_init(&f->lock, NULL);
	f->rng = seed;
}

static void faults_free_rules(struct fault_rule *rules, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(rules[i].glob);
	free(rules);
}

void faults_free(struct faults *f)
{
	faults_free_rules(f->rules, f->nrules);
	pthread_mutex_destroy(&f->lock);
	memset(f, 0, sizeof *f);
}

/* The rule's text in quotes for messages, whatever its length. */
static int fault_err(char *err, size_t errlen, const char *rule, size_t len, const char *why)
{
	snprintf(err, errlen, "fault \"%.*s\": %s", (int)len, rule, why);
	return -1;
}

static int fault_number(const char *text, size_t len, long max, long *out)
{
	char buf[32];
	if (len == 0 || len >= sizeof buf || text[0] == '-' || text[0] == '+')
		return -1;
	memcpy(buf, text, len);
	buf[len] = '\0';
	char *end;
	errno = 0;
	long v = strtol(buf, &end, 10);
	if (*end || errno || v > max)
		return -1;
	*out = v;
	return 0;
}

/* "50" or "2.5" (percent) into 0 < p <= 1. */
static int fault_percent(const char *text, size_t len, double *out)
{
	char buf[32];
	if (len == 0 || len >= sizeof buf || !strchr("0123456789.", text[0]))
		return -1;
	memcpy(buf, text, len);
	buf[len] = '\0';
	char *end;
	double v = strtod(buf, &end);
	if (*end || !(v > 0 && v <= 100))
		return -1;
	*out = v / 100;
	return 0;
}

static int fault_parse_kind(const char *rule, size_t len, size_t *pos, struct fault_rule *r,
			    char *err, size_t errlen)
{
	size_t k = strcspn(rule, ":@%#");
	k = k < len ? k : len;
	size_t i;
	for (i = 0; i < FAULT_NKINDS; i++)
		if (strlen(fault_kinds[i].name) == k && !strncmp(rule, fault_kinds[i].name, k))
			break;
	if (i == FAULT_NKINDS)
		return fault_err(err, errlen, rule, len,
				 "unknown kind (drop, gone, 429, 500, 503, slow, truncate, "
				 "garbage, expired, down)");
	r->kind = (enum fault_kind)i;
	r->arg = fault_kinds[i].default_arg;
	*pos = k;
	if (k < len && rule[k] == ':') {
		size_t a = strcspn(rule + k + 1, "@%#");
		a = k + 1 + a < len ? a : len - k - 1;
		if (!fault_kinds[i].takes_arg)
			return fault_err(err, errlen, rule, len, "this kind takes no argument");
		if (fault_number(rule + k + 1, a, fault_kinds[i].max_arg, &r->arg)) {
			char why[96];
			snprintf(why, sizeof why, "the argument must be a number from 0 to %ld",
				 fault_kinds[i].max_arg);
			return fault_err(err, errlen, rule, len, why);
		}
		*pos = k + 1 + a;
	}
	return 0;
}

/* The @GLOB, %PERCENT and #COUNT suffixes, each at most once, in any order. */
static int fault_parse_suffixes(const char *rule, size_t len, size_t pos, struct fault_rule *r,
				char *err, size_t errlen)
{
	bool seen[3] = {false, false, false};
	while (pos < len) {
		char mark = rule[pos++];
		size_t v = pos;
		while (v < len && !strchr("@%#", rule[v]))
			v++;
		const char *val = rule + pos;
		size_t vlen = v - pos;
		int which = mark == '@' ? 0 : mark == '%' ? 1 : mark == '#' ? 2 : -1;
		if (which < 0)
			return fault_err(err, errlen, rule, len,
					 "expected @GLOB, %PERCENT or #COUNT");
		if (seen[which])
			return fault_err(err, errlen, rule, len, "a suffix is given twice");
		seen[which] = true;
		if (which == 0 && (vlen == 0 || (val[0] != '/' && val[0] != '*')))
			return fault_err(err, errlen, rule, len,
					 "@GLOB must start with / or * (it matches the path)");
		if (which == 0)
			r->glob = xstrndup(val, vlen);
		else if (which == 1 && fault_percent(val, vlen, &r->probability))
			return fault_err(err, errlen, rule, len,
					 "%PERCENT must be a number above 0 and at most 100");
		else if (which == 2 && (fault_number(val, vlen, 1000000000, &r->count) ||
					r->count == 0))
			return fault_err(err, errlen, rule, len, "#COUNT must be a number from 1");
		pos = v;
	}
	return 0;
}

static int fault_parse_rule(const char *rule, size_t len, struct fault_rule *r, char *err,
			    size_t errlen)
{
	memset(r, 0, sizeof *r);
	r->probability = 1;
	r->count = -1;
	size_t pos;
	if (fault_parse_kind(rule, len, &pos, r, err, errlen) ||
	    fault_parse_suffixes(rule, len, pos, r, err, errlen)) {
		free(r->glob);
		r->glob = NULL;
		return -1;
	}
	/* a down period that refired on the first request after it would never end */
	if (r->kind == FAULT_DOWN && r->count < 0)
		r->count = 1;
	return 0;
}

/* Splits spec into rules; on success *out (n rules) is the caller's. */
static int faults_parse(const char *spec, struct fault_rule **out, size_t *n, char *err,
			size_t errlen)
{
	struct fault_rule *rules = NULL;
	size_t nrules = 0, cap = 0;
	for (const char *p = spec; *p;) {
		size_t len = strcspn(p, ",\n");
		const char *next = p[len] ? p + len + 1 : p + len;
		while (len && strchr(" \t\r", *p))
			p++, len--;
		while (len && strchr(" \t\r", p[len - 1]))
			len--;
		if (len && *p != '#') {
			rules = xgrow(rules, &cap, nrules + 1, sizeof *rules);
			if (fault_parse_rule(p, len, &rules[nrules], err, errlen)) {
				faults_free_rules(rules, nrules);
				return -1;
			}
			nrules++;
		}
		p = next;
	}
	*out = rules;
	*n = nrules;
	return 0;
}

/* Lock held: down rules without a trigger start now (and are spent). */
static void faults_start_down(struct faults *f, size_t from, long long now_ms)
{
	for (size_t i = from; i < f->nrules; i++) {
		struct fault_rule *r = &f->rules[i];
		if (r->kind == FAULT_DOWN && !r->glob && r->probability >= 1 && r->count) {
			f->down_until_ms = now_ms + r->arg * 1000;
			r->count--;
		}
	}
}

static int faults_install(struct faults *f, const char *spec, bool replace, long long now_ms,
			  char *err, size_t errlen)
{
	struct fault_rule *rules;
	size_t n;
	if (faults_parse(spec, &rules, &n, err, errlen))
		return -1;
	pthread_mutex_lock(&f->lock);
	if (replace) {
		faults_free_rules(f->rules, f->nrules);
		f->rules = NULL;
		f->nrules = 0;
		f->down_until_ms = 0;
	}
	size_t from = f->nrules;
	f->rules = xrealloc(f->rules, (f->nrules + n + 1) * sizeof *f->rules);
	if (n)
		memcpy(f->rules + f->nrules, rules, n * sizeof *rules);
	f->nrules += n;
	faults_start_down(f, from, now_ms);
	pthread_mutex_unlock(&f->lock);
	free(rules);
	return 0;
}

int faults_add_spec(struct faults *f, const char *spec, long long now_ms, char *err,
		    size_t errlen)
{
	return faults_install(f, spec, false, now_ms, err, errlen);
}

int faults_replace_spec(struct faults *f, const char *spec, long long now_ms, char *err,
			size_t errlen)
{
	return faults_install(f, spec, true, now_ms, err, errlen);
}

/* splitmix64: small, good enough, and the same sequence for the same seed everywhere */
static double faults_draw(struct faults *f)
{
	uint64_t z = (f->rng += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return (double)(z >> 11) / (double)(1ULL << 53);
}

static bool fault_in_phase(enum fault_kind kind, enum fault_phase phase)
{
	switch (phase) {
	case FAULT_PHASE_WATCH:
		return kind == FAULT_DROP || kind == FAULT_GONE;
	case FAULT_PHASE_STREAM:
		return kind == FAULT_DROP;
	case FAULT_PHASE_BODY:
		return kind == FAULT_TRUNCATE || kind == FAULT_GARBAGE;
	case FAULT_PHASE_REQUEST:
		break;
	}
	return kind != FAULT_DROP && kind != FAULT_GONE && kind != FAULT_TRUNCATE &&
	       kind != FAULT_GARBAGE;
}

static bool fault_path_matches(const struct fault_rule *r, const char *uri)
{
	if (!r->glob)
		return true;
	size_t len = strcspn(uri, "?");
	char *path = xstrndup(uri, len);
	bool m = fnmatch(r->glob, path, 0) == 0;
	free(path);
	return m;
}

struct fault_hit faults_decide(struct faults *f, enum fault_phase phase, const char *uri,
			       long long now_ms)
{
	struct fault_hit hit = {false, FAULT_500, 0};
	if (!f)
		return hit;
	pthread_mutex_lock(&f->lock);
	if (phase == FAULT_PHASE_REQUEST && now_ms < f->down_until_ms) {
		long left_s = (long)((f->down_until_ms - now_ms + 999) / 1000);
		hit = (struct fault_hit){true, FAULT_DOWN, left_s};
		pthread_mutex_unlock(&f->lock);
		return hit;
	}
	for (size_t i = 0; i < f->nrules && !hit.fired; i++) {
		struct fault_rule *r = &f->rules[i];
		if (!r->count || !fault_in_phase(r->kind, phase) || !fault_path_matches(r, uri))
			continue;
		/* only uncertain rules draw, so adding a sure rule keeps the others' sequence */
		if (r->probability < 1 && faults_draw(f) >= r->probability)
			continue;
		if (r->count > 0)
			r->count--;
		hit = (struct fault_hit){true, r->kind, r->arg};
		if (r->kind == FAULT_DOWN)
			f->down_until_ms = now_ms + r->arg * 1000;
	}
	pthread_mutex_unlock(&f->lock);
	return hit;
}

bool faults_down(struct faults *f, long long now_ms)
{
	if (!f)
		return false;
	pthread_mutex_lock(&f->lock);
	bool down = now_ms < f->down_until_ms;
	pthread_mutex_unlock(&f->lock);
	return down;
}

size_t fault_stream_pass(struct fault_stream *fs, const char *buf, size_t n)
{
	if (!fs->hit.fired) {
		for (size_t i = 0; i < n; i++)
			fs->lines += buf[i] == '\n';
		return n;
	}
	for (size_t i = 0; i < n; i++) {
		if (fs->lines >= fs->hit.arg)
			return i;
		if (buf[i] == '\n')
			fs->lines++;
	}
	return n;
}

bool fault_stream_due(const struct fault_stream *fs)
{
	return fs->hit.fired && fs->lines >= fs->hit.arg;
}
