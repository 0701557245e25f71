/* Deterministic synthetic container logs: line i of a container is a pure function of the
 * pod, the container, the instance (current or previous) and i, so any window of the log
 * (tail, since, follow) can be produced without storing anything. */
#ifndef OPSDECK_SANDBOX_LOGGEN_H
#define OPSDECK_SANDBOX_LOGGEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

enum loggen_style {
	LOGGEN_TEXT,     /* access-log and application text lines */
	LOGGEN_JSON,     /* one JSON object a line: ts, level, msg, and some fields */
	LOGGEN_HOSTILE,  /* lines carrying escape sequences: clear screen, OSC 52, title, cursor moves */
};

struct loggen_stream {
	const char *pod;         /* pod name: seeds the content */
	const char *container;
	enum loggen_style style;
	bool previous;           /* the terminated previous instance: ends with a crash message */
	time_t start;            /* time of line 0 */
	unsigned interval_ms;    /* time between lines (> 0) */
	uint64_t max_lines;      /* previous instances stop after this many; 0 = unbounded */
};

/* Number of lines written by time now (lines whose time is <= now). */
uint64_t loggen_count_at(const struct loggen_stream *s, time_t now);
/* Index of the first line written at or after t. */
uint64_t loggen_index_at(const struct loggen_stream *s, time_t t);
/* Writes line idx followed by '\n' into buf (truncated to cap); with timestamps, prefixed
 * by its RFC 3339 time with nanoseconds and a space, as the kubelet does. Returns bytes. */
size_t loggen_format(const struct loggen_stream *s, uint64_t idx, bool timestamps, char *buf,
		     size_t cap);

#endif
