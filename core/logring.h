/* A bounded ring of log lines for the logs view: the newest lines are kept, the oldest
 * dropped, so memory stays flat however long logs are followed and however fast they
 * come. Lines keep a sequence number for life, so a view holding a position in the ring
 * can tell when its line has been dropped. */
#ifndef OPSDECK_CORE_LOGRING_H
#define OPSDECK_CORE_LOGRING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LOGRING_DEFAULT_LINES 100000u
/* Lines longer than this are cut (LOG_LINE_TRUNCATED): one runaway line cannot eat the
 * budget of a hundred thousand. */
#define LOGRING_MAX_LINE_BYTES 16384u

enum log_level {
	LOG_LEVEL_NONE = 0, /* no level found */
	LOG_LEVEL_TRACE,
	LOG_LEVEL_DEBUG,
	LOG_LEVEL_INFO,
	LOG_LEVEL_WARN,
	LOG_LEVEL_ERROR,
	LOG_LEVEL_FATAL,
};

enum log_line_flag {
	LOG_LINE_GAP = 1u << 0,       /* not a log line: opsdeck's marker where a stream dropped
	                               * and reconnected (text says how long and why) */
	LOG_LINE_NOTICE = 1u << 1,    /* not a log line: opsdeck's own note (stream ended,
	                               * container restarted, pod gone) */
	LOG_LINE_TRUNCATED = 1u << 2, /* cut at LOGRING_MAX_LINE_BYTES */
	LOG_LINE_JSON = 1u << 3,      /* the text is one JSON object (core/logline) */
};

struct log_line {
	uint64_t seq;        /* 1 for the first line ever pushed, then +1 each push */
	long long time_ms;   /* the kubelet's timestamp (ms since the epoch), 0 when none */
	uint16_t source;     /* which stream it came from (the fan-in's source index) */
	uint8_t level;       /* enum log_level */
	uint8_t flags;       /* enum log_line_flag bits */
	uint32_t len;        /* bytes of text */
	const char *text;    /* sanitised, NUL-terminated, without timestamp or newline; owned
	                      * by the ring, valid until the line is dropped or cleared */
};

struct logring;

/* A ring keeping at most max_lines lines (0: LOGRING_DEFAULT_LINES) and at most max_bytes
 * bytes of text (0: max_lines * 256); whichever limit is reached first drops the oldest. */
struct logring *logring_new(size_t max_lines, size_t max_bytes);
void logring_free(struct logring *r);

/* Appends a line; text must already be sanitised (core/sanitize) and is copied, cut at
 * LOGRING_MAX_LINE_BYTES on a UTF-8 boundary. Drops the oldest lines as needed. Returns
 * the stored line (valid as above). */
const struct log_line *logring_push(struct logring *r, long long time_ms, unsigned source,
				    enum log_level level, unsigned flags, const char *text,
				    size_t len);

/* Lines kept now, the sequence number of the oldest kept (== logring_next_seq when
 * empty), and the number the next push will get. Lines [first, next) are all present. */
size_t logring_count(const struct logring *r);
uint64_t logring_first_seq(const struct logring *r);
uint64_t logring_next_seq(const struct logring *r);
/* Lines dropped from the front since creation (or the last clear). */
uint64_t logring_dropped(const struct logring *r);
/* Bytes of text held (for the status line and the benchmark). */
size_t logring_bytes(const struct logring *r);

/* The line numbered seq, or NULL when it was dropped or not written yet. O(1). */
const struct log_line *logring_get(const struct logring *r, uint64_t seq);

/* Forgets every line; numbering continues (a view's old positions read as dropped). */
void logring_clear(struct logring *r);

#endif
