/* What the logs view shows, without a screen: the ring of lines with their sources'
 * names, how a line reads (prefix, timestamp, level colours, JSON rendered), the filter
 * kept incrementally as lines arrive, the search, wrapping, and saving to a file. */
#ifndef OPSDECK_VIEWS_LOGS_MODEL_H
#define OPSDECK_VIEWS_LOGS_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/logring.h"

struct strbuf;
struct logs_model;

/* How lines read; strings are copied by logs_model_set_display. */
struct logs_display {
	bool timestamps;              /* the kubelet's time before each line */
	bool json;                    /* JSON lines as "LEVEL message key=value" */
	const char *const *fields;    /* the JSON fields to show (0: all but time/level) */
	size_t nfields;
};

/* A model keeping at most max_lines lines (0: LOGRING_DEFAULT_LINES). */
struct logs_model *logs_model_new(size_t max_lines);
void logs_model_free(struct logs_model *m);
/* Forgets lines and sources (a restarted stream); filter, search and display stay. */
void logs_model_reset(struct logs_model *m);
const struct logring *logs_model_ring(const struct logs_model *m);

/* Names source index ("web-7d4b9/app"); the prefix of its lines. */
void logs_model_set_source(struct logs_model *m, unsigned index, const char *name);
/* The name of index ("?" when unknown) and how many sources were named. */
const char *logs_model_source_name(const struct logs_model *m, unsigned index);
size_t logs_model_source_count(const struct logs_model *m);

/* Appends a line (text sanitised, flags from enum log_line_flag: GAP/NOTICE for
 * markers); its level and JSON-ness are found here. Returns true when it is shown
 * (passes the filter). */
bool logs_model_push(struct logs_model *m, long long time_ms, unsigned source,
		     unsigned flags, const char *text, size_t len);

/* Changes how lines read; the filter and search run again (they match the text as
 * shown). */
void logs_model_set_display(struct logs_model *m, const struct logs_display *d);
const struct logs_display *logs_model_display(const struct logs_model *m);

/* The filter: only lines whose text (as shown, without prefix and time) matches
 * pattern (core/textmatch: smart case, regex when it has a metacharacter); "!pattern"
 * keeps the others; NULL or "" clears. Markers (gaps, notices) always pass. False with
 * err when the regex was bad (then matched as plain text). */
bool logs_model_set_filter(struct logs_model *m, const char *pattern, char *err,
			   size_t errlen);
const char *logs_model_filter(const struct logs_model *m); /* "" when none */

/* The shown lines (all kept lines, or those passing the filter), oldest first. */
size_t logs_model_shown(const struct logs_model *m);
uint64_t logs_model_shown_seq(const struct logs_model *m, size_t i);
/* Index of the first shown line numbered >= seq (logs_model_shown when none). */
size_t logs_model_shown_index(const struct logs_model *m, uint64_t seq);
const struct log_line *logs_model_shown_line(const struct logs_model *m, size_t i);

/* The search among the shown lines (NULL or "": none). Returns the matching lines;
 * false-y err as in logs_model_set_filter. */
size_t logs_model_search(struct logs_model *m, const char *pattern, char *err,
			 size_t errlen);
const char *logs_model_search_pattern(const struct logs_model *m); /* "" when none */
const struct textmatch *logs_model_search_match(const struct logs_model *m); /* or NULL */
size_t logs_model_search_count(const struct logs_model *m);
/* The shown index of the next matching line after from (forward) or before it,
 * wrapping; at from itself too when inclusive. SIZE_MAX when no line matches. */
size_t logs_model_search_step(const struct logs_model *m, size_t from, bool forward,
			      bool inclusive);
/* 1-based rank of line seq among the matches (0: not a match). */
size_t logs_model_search_rank(const struct logs_model *m, uint64_t seq);

/* The text of l as shown after its prefix and time (JSON rendered when the display
 * asks): l->text, or a rendering in scratch. */
const char *logs_model_body(const struct logs_model *m, const struct log_line *l,
			    struct strbuf *scratch);

/* The whole line as drawn: "SOURCE  TIME LEVEL body" (markers: "SOURCE ── text ──"),
 * into out (reset first), with the theme element of every byte in (*el)[0..len) (grown
 * with xgrow; enum theme_element values). Returns the offset of the body in out (search
 * matches are looked for from there). */
size_t logs_model_format(struct logs_model *m, const struct log_line *l, struct strbuf *out,
			 unsigned char **el, size_t *elcap);

/* Screen rows s takes wrapped at cols columns (at least 1). */
int logs_wrap_rows(const char *s, int cols);

/* Writes the shown lines to path as plain text ("TIME SOURCE text", markers as
 * "TIME SOURCE -- text --"), atomically (a temporary file in the same directory, then
 * rename). Returns the lines written, or -1 with err naming the path and the reason. */
long logs_model_save(const struct logs_model *m, const char *path, char *err, size_t errlen);

#endif
