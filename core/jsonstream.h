/* Splits a newline-delimited JSON stream (Kubernetes watches, Argo CD streams) fed in
 * arbitrary chunks into JSON values, one per line, whatever the chunk boundaries. */
#ifndef OPSDECK_CORE_JSONSTREAM_H
#define OPSDECK_CORE_JSONSTREAM_H

#include <stddef.h>

#include <jansson.h>

struct jsonstream;

/* Called for each complete line holding JSON. value is borrowed: it is released after
 * the callback returns (json_incref to keep it). Return 0 to go on, non-zero to stop:
 * jsonstream_feed then returns at once and drops the rest of that chunk (use it before
 * freeing the stream from inside the callback's caller). */
typedef int (*jsonstream_value_fn)(void *ud, json_t *value);
/* Called for a line that is not valid JSON (or is longer than the limit); message says
 * why, as "line 3: ..." ; the stream goes on with the next line. May be NULL. */
typedef void (*jsonstream_error_fn)(void *ud, const char *message);

struct jsonstream *jsonstream_new(jsonstream_value_fn on_value, jsonstream_error_fn on_error,
				  void *ud);
/* Feeds a chunk. Returns 0, or 1 when a callback asked to stop. */
int jsonstream_feed(struct jsonstream *js, const char *data, size_t len);
/* End of stream: a final line without its newline is parsed now. Returns like feed. */
int jsonstream_finish(struct jsonstream *js);
/* Drops any partial line (e.g. before reusing the stream for a new connection). */
void jsonstream_reset(struct jsonstream *js);
void jsonstream_free(struct jsonstream *js);

/* Lines longer than this (bytes) are reported as errors and skipped. */
#define JSONSTREAM_MAX_LINE (64u * 1024u * 1024u)

#endif
