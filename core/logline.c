/* Understanding one log line: the kubelet's timestamp prefix, the line's level (JSON
 * field or text word), and a JSON line rendered as "message key=value ...". */
#include "core/logline.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "core/sanitize.h"
#include "core/strbuf.h"

/* ---- timestamps -------------------------------------------------------------------- */

static bool digits(const char *s, size_t n, int *out)
{
	int v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
static long long days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	long long era = (y >= 0 ? y : y - 399) / 400;
	long long yoe = y - era * 400;
	long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

size_t logline_split_timestamp(const char *line, size_t len, long long *time_ms)
{
	int y, mo, d, h, mi, s;
	*time_ms = 0;
	if (len < 20 || line[4] != '-' || line[7] != '-' || (line[10] != 'T' && line[10] != 't') ||
	    line[13] != ':' || line[16] != ':')
		return 0;
	if (!digits(line, 4, &y) || !digits(line + 5, 2, &mo) || !digits(line + 8, 2, &d) ||
	    !digits(line + 11, 2, &h) || !digits(line + 14, 2, &mi) || !digits(line + 17, 2, &s))
		return 0;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60)
		return 0;
	size_t p = 19;
	long long ms = 0;
	if (p < len && line[p] == '.') {
		int nd = 0;
		for (p++; p < len && line[p] >= '0' && line[p] <= '9'; p++, nd++)
			if (nd < 3)
				ms = ms * 10 + (line[p] - '0');
		if (nd == 0)
			return 0;
		for (; nd < 3; nd++)
			ms *= 10;
	}
	long long offset = 0;
	if (p < len && (line[p] == 'Z' || line[p] == 'z')) {
		p++;
	} else if (p + 6 <= len && (line[p] == '+' || line[p] == '-') && line[p + 3] == ':') {
		int oh, om;
		if (!digits(line + p + 1, 2, &oh) || !digits(line + p + 4, 2, &om))
			return 0;
		offset = (oh * 3600LL + om * 60LL) * (line[p] == '-' ? -1 : 1);
		p += 6;
	} else {
		return 0;
	}
	if (p < len && line[p] != ' ')
		return 0;
	long long secs = days_from_civil(y, mo, d) * 86400LL + h * 3600LL + mi * 60LL + s - offset;
	*time_ms = secs * 1000 + ms;
	return p < len ? p + 1 : p;
}

/* ---- levels ------------------------------------------------------------------------ */

static const char *const level_names[] = {"", "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"};

const char *logline_level_name(enum log_level level)
{
	return (unsigned)level < sizeof(level_names) / sizeof(level_names[0]) ? level_names[level]
									     : "";
}

struct level_word {
	const char *word;
	enum log_level level;
};

static const struct level_word level_words[] = {
	{"trace", LOG_LEVEL_TRACE},   {"debug", LOG_LEVEL_DEBUG},   {"dbug", LOG_LEVEL_DEBUG},
	{"info", LOG_LEVEL_INFO},     {"information", LOG_LEVEL_INFO}, {"notice", LOG_LEVEL_INFO},
	{"warn", LOG_LEVEL_WARN},     {"warning", LOG_LEVEL_WARN},  {"error", LOG_LEVEL_ERROR},
	{"err", LOG_LEVEL_ERROR},     {"eror", LOG_LEVEL_ERROR},    {"crit", LOG_LEVEL_FATAL},
	{"critical", LOG_LEVEL_FATAL}, {"fatal", LOG_LEVEL_FATAL},  {"panic", LOG_LEVEL_FATAL},
	{"dpanic", LOG_LEVEL_FATAL},  {"alert", LOG_LEVEL_FATAL},   {"emerg", LOG_LEVEL_FATAL},
	{"severe", LOG_LEVEL_ERROR},  {"fine", LOG_LEVEL_DEBUG},
};

/* The level a word names, any case; NONE when it names none. */
static enum log_level level_of_word(const char *w, size_t n)
{
	for (size_t i = 0; i < sizeof(level_words) / sizeof(level_words[0]); i++)
		if (strlen(level_words[i].word) == n && !strncasecmp(level_words[i].word, w, n))
			return level_words[i].level;
	return LOG_LEVEL_NONE;
}

/* bunyan/pino: 10 trace, 20 debug, 30 info, 40 warn, 50 error, 60 fatal. */
static enum log_level level_of_number(long long v)
{
	if (v >= 60)
		return LOG_LEVEL_FATAL;
	if (v >= 50)
		return LOG_LEVEL_ERROR;
	if (v >= 40)
		return LOG_LEVEL_WARN;
	if (v >= 30)
		return LOG_LEVEL_INFO;
	if (v >= 20)
		return LOG_LEVEL_DEBUG;
	return v >= 10 ? LOG_LEVEL_TRACE : LOG_LEVEL_NONE;
}

static const char *const json_level_keys[] = {"level", "lvl", "severity", "log.level", "loglevel"};

static const json_t *json_level_value(const json_t *obj)
{
	for (size_t i = 0; i < sizeof(json_level_keys) / sizeof(json_level_keys[0]); i++) {
		const json_t *v = json_object_get(obj, json_level_keys[i]);
		if (!v && !strcmp(json_level_keys[i], "log.level"))
			v = json_object_get(json_object_get(obj, "log"), "level");
		if (v && (json_is_string(v) || json_is_integer(v)))
			return v;
	}
	return NULL;
}

static enum log_level json_level(const json_t *obj)
{
	const json_t *v = json_level_value(obj);
	if (json_is_integer(v))
		return level_of_number(json_integer_value(v));
	if (json_is_string(v))
		return level_of_word(json_string_value(v), json_string_length(v));
	return LOG_LEVEL_NONE;
}

static bool looks_like_json_object(const char *text, size_t len)
{
	size_t a = 0, b = len;
	while (a < b && (text[a] == ' ' || text[a] == '\t'))
		a++;
	while (b > a && (text[b - 1] == ' ' || text[b - 1] == '\t'))
		b--;
	return b - a >= 2 && text[a] == '{' && text[b - 1] == '}';
}

static json_t *parse_object(const char *text, size_t len)
{
	if (!looks_like_json_object(text, len))
		return NULL;
	json_t *obj = json_loadb(text, len, JSON_DECODE_ANY, NULL);
	if (obj && !json_is_object(obj)) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

static bool is_word_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

static bool all_upper(const char *w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isupper((unsigned char)w[i]))
			return false;
	return true;
}

/* klog: "E0501 12:00:00.000000 ..." (severity letter, month, day, space). */
static enum log_level klog_level(const char *t, size_t len)
{
	if (len < 6 || !isdigit((unsigned char)t[1]) || !isdigit((unsigned char)t[2]) ||
	    !isdigit((unsigned char)t[3]) || !isdigit((unsigned char)t[4]) || t[5] != ' ')
		return LOG_LEVEL_NONE;
	switch (t[0]) {
	case 'I': return LOG_LEVEL_INFO;
	case 'W': return LOG_LEVEL_WARN;
	case 'E': return LOG_LEVEL_ERROR;
	case 'F': return LOG_LEVEL_FATAL;
	default: return LOG_LEVEL_NONE;
	}
}

static bool ends_with_ci(const char *t, size_t at, const char *suffix)
{
	size_t n = strlen(suffix);
	return at >= n && !strncasecmp(t + at - n, suffix, n);
}

/* A word counts when it is all capitals ("ERROR"), bracketed ("[warn]", "<info>"), or
 * the value of level=/lvl=/severity= (logfmt); a lone lowercase "error" in a sentence
 * does not, or every "no error" would read as one. */
static enum log_level text_level(const char *t, size_t len)
{
	enum log_level k = klog_level(t, len);
	if (k != LOG_LEVEL_NONE)
		return k;
	size_t end = len < 64 ? len : 64;
	for (size_t i = 0; i < end;) {
		if (!isalpha((unsigned char)t[i]) || (i > 0 && is_word_char(t[i - 1]))) {
			i++;
			continue;
		}
		size_t j = i;
		while (j < len && is_word_char(t[j]))
			j++;
		enum log_level lv = level_of_word(t + i, j - i);
		if (lv != LOG_LEVEL_NONE) {
			char before = i > 0 ? t[i - 1] : ' ';
			char after = j < len ? t[j] : ' ';
			bool bracketed = (before == '[' && after == ']') ||
					 (before == '<' && after == '>');
			bool logfmt = before == '=' && (ends_with_ci(t, i, "level=") ||
							 ends_with_ci(t, i, "lvl=") ||
							 ends_with_ci(t, i, "severity="));
			if (bracketed || logfmt || all_upper(t + i, j - i))
				return lv;
		}
		i = j;
	}
	return LOG_LEVEL_NONE;
}

enum log_level logline_level(const char *text, size_t len, bool *json)
{
	*json = false;
	json_t *obj = parse_object(text, len);
	if (obj) {
		*json = true;
		enum log_level lv = json_level(obj);
		json_decref(obj);
		return lv;
	}
	return text_level(text, len);
}

/* ---- JSON rendering ---------------------------------------------------------------- */

#define LOGLINE_SANITIZE (SANITIZE_KEEP_TAB | SANITIZE_DROP_SGR)

static const char *const message_keys[] = {"msg", "message", "log"};
static const char *const time_keys[] = {"time", "ts", "timestamp", "@timestamp", "t"};

static bool in_list(const char *key, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(key, list[i]))
			return true;
	return false;
}

static bool is_skipped_key(const char *key, const char *msg_key)
{
	return (msg_key && !strcmp(key, msg_key)) || in_list(key, time_keys, 5) ||
	       in_list(key, json_level_keys, 5);
}

/* One value: strings as they are (quoted when they hold a space), others compact JSON;
 * always sanitised, since decoding may have turned "\u001b" back into an ESC. */
static void append_value(struct strbuf *out, const json_t *v)
{
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		size_t n = json_string_length(v);
		bool quote = n == 0 || memchr(s, ' ', n) != NULL;
		if (quote)
			strbuf_putc(out, '"');
		sanitize_append(out, s, n, LOGLINE_SANITIZE);
		if (quote)
			strbuf_putc(out, '"');
		return;
	}
	char *dump = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	if (dump) {
		sanitize_append(out, dump, strlen(dump), LOGLINE_SANITIZE);
		free(dump);
	}
}

/* A dotted path: the literal key first ("log.level" as ECS writes it), then nested. */
static const json_t *json_path(const json_t *obj, const char *path)
{
	const json_t *v = json_object_get(obj, path);
	if (v)
		return v;
	const char *dot = strchr(path, '.');
	if (!dot || !json_is_object(obj))
		return NULL;
	char head[256];
	size_t n = (size_t)(dot - path);
	if (n >= sizeof(head))
		return NULL;
	memcpy(head, path, n);
	head[n] = '\0';
	return json_path(json_object_get(obj, head), dot + 1);
}

static void append_field(struct strbuf *out, const char *key, const json_t *v)
{
	if (out->len)
		strbuf_putc(out, ' ');
	sanitize_append(out, key, strlen(key), LOGLINE_SANITIZE);
	strbuf_putc(out, '=');
	append_value(out, v);
}

bool logline_render_json(const char *text, size_t len, const char *const *fields,
			 size_t nfields, struct strbuf *out)
{
	json_t *obj = parse_object(text, len);
	if (!obj)
		return false;
	struct strbuf tmp = STRBUF_INIT;
	const char *msg_key = NULL;
	for (size_t i = 0; i < 3 && !msg_key; i++) {
		const json_t *m = json_object_get(obj, message_keys[i]);
		if (m) {
			msg_key = message_keys[i];
			if (json_is_string(m))
				sanitize_append(&tmp, json_string_value(m), json_string_length(m),
						LOGLINE_SANITIZE);
			else
				append_value(&tmp, m);
		}
	}
	if (nfields) {
		for (size_t i = 0; i < nfields; i++) {
			const json_t *v = json_path(obj, fields[i]);
			if (v)
				append_field(&tmp, fields[i], v);
		}
	} else {
		const char *key;
		json_t *v;
		json_object_foreach(obj, key, v)
			if (!is_skipped_key(key, msg_key))
				append_field(&tmp, key, v);
	}
	strbuf_append(out, strbuf_str(&tmp), tmp.len);
	strbuf_free(&tmp);
	json_decref(obj);
	return true;
}
