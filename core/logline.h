/* One log line understood: the kubelet's RFC 3339 timestamp prefix split off, the level
 * found (a JSON line's level field, or a level word in a text line), and a JSON line
 * rendered for reading as "message key=value ..." with the fields the user chose. */
#ifndef OPSDECK_CORE_LOGLINE_H
#define OPSDECK_CORE_LOGLINE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/logring.h"

struct strbuf;

/* Splits a leading RFC 3339 timestamp ("2024-05-01T12:00:00.123456789Z " as the kubelet
 * writes with timestamps=true; offsets like +02:00 accepted) off line. Returns the
 * bytes it took including the one space after it, and the time in *time_ms; 0 (and
 * *time_ms 0) when line does not start with one. */
size_t logline_split_timestamp(const char *line, size_t len, long long *time_ms);

/* The level of a line: for a JSON object, the first of the fields "level", "lvl",
 * "severity", "log.level", "loglevel" (string, any case, "warning"/"err"/"crit"/
 * "panic"/"dpanic" mapped; or a number: bunyan/pino 10..60); for text, the first level
 * word standing alone among the first 64 bytes ("ERROR", "[warn]", "level=info",
 * "E0501", "W0501" klog prefixes). *json is set when the line is a JSON object. */
enum log_level logline_level(const char *text, size_t len, bool *json);

/* The level's short name for display ("ERROR", "WARN", ...; "" for NONE). */
const char *logline_level_name(enum log_level level);

/* A JSON line for reading: the message (first of "msg", "message", "log"), then
 * " key=value" for each of fields present in the object (dotted paths reach into
 * nested objects; strings unquoted unless they hold a space; other values as compact
 * JSON), or, with nfields == 0, every other top-level field except time and level
 * fields. Appends to out; returns false (out untouched) when text is not a JSON
 * object. Decoding undoes JSON escapes ("\u001b" is an ESC again), so every decoded
 * string is sanitised again on its way into out. */
bool logline_render_json(const char *text, size_t len, const char *const *fields,
			 size_t nfields, struct strbuf *out);

#endif
