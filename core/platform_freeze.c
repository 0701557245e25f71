/* Freeze windows: five-field cron schedules (UTC) with a duration, and whether a moment
 * falls inside one, found by walking back from now to the latest start that covers it. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/platform_internal.h"
#include "core/xalloc.h"

#define DAY_SECONDS 86400LL
#define MAX_DURATION (366 * DAY_SECONDS)

struct cron_field {
	const char *what;           /* for messages */
	int lo, hi;
	const char *const *names;   /* three-letter names for lo.., or NULL */
};

static const char *const month_names[] = {"jan", "feb", "mar", "apr", "may", "jun",
					  "jul", "aug", "sep", "oct", "nov", "dec", NULL};
static const char *const day_names[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat",
					NULL};

static const struct cron_field fields[5] = {
	{"minute", 0, 59, NULL},
	{"hour", 0, 23, NULL},
	{"day of month", 1, 31, NULL},
	{"month", 1, 12, month_names},
	{"day of week", 0, 7, day_names},
};

/* One number or name at *s; advances *s. -1 when there is none. */
static int cron_value(const struct cron_field *f, const char **s)
{
	if (isdigit((unsigned char)**s)) {
		char *end;
		long v = strtol(*s, &end, 10);
		*s = end;
		return v > 1000 ? 1000 : (int)v;
	}
	for (int i = 0; f->names && f->names[i]; i++) {
		if (strncasecmp(*s, f->names[i], 3) == 0 && !isalpha((unsigned char)(*s)[3])) {
			*s += 3;
			return f->lo + i;
		}
	}
	return -1;
}

/* One comma-separated item: "*", "N", "A-B", each optionally "/STEP". */
static bool cron_item(const struct cron_field *f, const char *s, uint64_t *mask, char *msg,
		      size_t msglen)
{
	const char *start = s;
	int a = f->lo, b = f->hi, step = 1;
	bool single = false;
	if (*s == '*') {
		s++;
	} else {
		a = b = cron_value(f, &s);
		single = true;
		if (a >= 0 && *s == '-') {
			s++;
			b = cron_value(f, &s);
			single = false;
		}
	}
	if (a >= 0 && b >= 0 && *s == '/') {
		char *end = NULL;
		long v = isdigit((unsigned char)s[1]) ? strtol(s + 1, &end, 10) : 0;
		step = v > 0 && v <= 60 ? (int)v : 0;
		s = end ? end : s + 1;
		if (single)   /* "5/15" is "5-59/15", as cron reads it */
			b = f->hi;
	}
	if (a < 0 || b < 0 || *s || step <= 0) {
		snprintf(msg, msglen, "bad %s \"%s\"", f->what, start);
		return false;
	}
	int bad = a < f->lo || a > f->hi ? a : b < f->lo || b > f->hi ? b : -1;
	if (bad >= 0) {
		snprintf(msg, msglen, "%s %d is out of range %d-%d", f->what, bad, f->lo, f->hi);
		return false;
	}
	if (a > b) {
		snprintf(msg, msglen, "bad %s range %d-%d (the start is after the end)", f->what,
			 a, b);
		return false;
	}
	for (int v = a; v <= b; v += step)
		*mask |= 1ULL << v;
	return true;
}

static bool cron_field_parse(const struct cron_field *f, const char *text, uint64_t *mask,
			     char *msg, size_t msglen)
{
	char *copy = xstrdup(text), *save = NULL;
	bool ok = true;
	*mask = 0;
	for (char *item = strtok_r(copy, ",", &save); item && ok;
	     item = strtok_r(NULL, ",", &save))
		ok = cron_item(f, item, mask, msg, msglen);
	if (ok && !*mask) {
		snprintf(msg, msglen, "bad %s \"%s\"", f->what, text);
		ok = false;
	}
	free(copy);
	return ok;
}

bool platform_cron_parse(const char *text, struct platform_cron *out, char *msg, size_t msglen)
{
	char part[5][64];
	int n = 0;
	const char *s = text;
	memset(out, 0, sizeof(*out));
	while (*s) {
		s += strspn(s, " \t");
		size_t len = strcspn(s, " \t");
		if (!len)
			break;
		if (n == 5 || len >= sizeof(part[0])) {
			n = 6;
			break;
		}
		memcpy(part[n], s, len);
		part[n++][len] = '\0';
		s += len;
	}
	if (n != 5) {
		snprintf(msg, msglen, "expected 5 cron fields (minute hour day-of-month month "
			 "day-of-week), as in \"0 18 * * 5\"");
		return false;
	}
	uint64_t mask[5];
	for (int i = 0; i < 5; i++)
		if (!cron_field_parse(&fields[i], part[i], &mask[i], msg, msglen))
			return false;
	out->minutes = mask[0];
	out->hours = (uint32_t)mask[1];
	out->days = (uint32_t)mask[2];
	out->months = (uint16_t)mask[3];
	out->weekdays = (uint8_t)((mask[4] | (mask[4] >> 7)) & 0x7f);   /* 7 is Sunday */
	out->days_star = part[2][0] == '*';
	out->weekdays_star = part[4][0] == '*';
	return true;
}

bool platform_duration_parse(const char *text, long long *seconds)
{
	long long total = 0;
	const char *s = text;
	if (!s || !*s)
		return false;
	while (*s) {
		if (!isdigit((unsigned char)*s))
			return false;
		char *end;
		long long v = strtoll(s, &end, 10);
		long long unit = *end == 'd' ? DAY_SECONDS : *end == 'h' ? 3600 :
				 *end == 'm' ? 60 : 0;
		if (!unit || v > MAX_DURATION)
			return false;
		total += v * unit;
		if (total > MAX_DURATION)
			return false;
		s = end + 1;
	}
	if (total <= 0)
		return false;
	*seconds = total;
	return true;
}

/* ---- inside a window? -------------------------------------------------------------- */

static bool cron_day_matches(const struct platform_cron *c, long long day)
{
	time_t t = (time_t)(day * DAY_SECONDS);
	struct tm tm;
	if (!gmtime_r(&t, &tm))
		return false;
	if (!(c->months & (1u << (tm.tm_mon + 1))))
		return false;
	bool dom = c->days & (1u << tm.tm_mday), dow = c->weekdays & (1u << tm.tm_wday);
	return c->days_star || c->weekdays_star ? dom && dow : dom || dow;
}

static long long floor_div(long long a, long long b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* The latest start of f at or before now whose window still covers now; -1 if none. */
static long long window_start(const struct platform_freeze *f, long long now)
{
	long long last = floor_div(now, 60) * 60, earliest = now - f->duration;
	for (long long day = floor_div(last, DAY_SECONDS);
	     (day + 1) * DAY_SECONDS > earliest + 1; day--) {
		if (!cron_day_matches(&f->cron, day))
			continue;
		for (int h = 23; h >= 0; h--) {
			if (!(f->cron.hours & (1u << h)))
				continue;
			for (int m = 59; m >= 0; m--) {
				long long t = day * DAY_SECONDS + h * 3600LL + m * 60LL;
				if (t > last || !(f->cron.minutes & (1ULL << m)))
					continue;
				return t > earliest ? t : -1;
			}
		}
	}
	return -1;
}

/* "Mon 08:00 UTC" within a week of now, else "2025-05-12 08:00 UTC"; the weekday
 * names are fixed so a user's locale cannot change them. */
static void format_until(long long end, long long now, char *buf, size_t len)
{
	static const char *const wd[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	time_t t = (time_t)end;
	struct tm tm;
	if (!gmtime_r(&t, &tm)) {
		snprintf(buf, len, "@%lld", end);
		return;
	}
	if (end - now < 7 * DAY_SECONDS)
		snprintf(buf, len, "%s %02d:%02d UTC", wd[tm.tm_wday], tm.tm_hour, tm.tm_min);
	else
		snprintf(buf, len, "%04d-%02d-%02d %02d:%02d UTC", tm.tm_year + 1900, tm.tm_mon + 1,
			 tm.tm_mday, tm.tm_hour, tm.tm_min);
}

bool platform_env_frozen(const struct platform_env *e, long long now, char *why,
			 size_t whylen)
{
	const struct platform_freeze *longest = NULL;
	long long end = 0;
	for (size_t i = 0; e && i < e->nfreeze; i++) {
		long long start = window_start(&e->freeze[i], now);
		if (start >= 0 && start + e->freeze[i].duration > end) {
			end = start + e->freeze[i].duration;
			longest = &e->freeze[i];
		}
	}
	if (!longest)
		return false;
	if (why && whylen) {
		char until[40];
		format_until(end, now, until, sizeof(until));
		snprintf(why, whylen, "%s is frozen until %s (window %s, %s)", e->name, until,
			 longest->schedule, longest->duration_text);
	}
	return true;
}
