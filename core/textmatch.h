/* Smart-case text matching as `/` does it everywhere: the table filter (core/rowview)
 * and the pager's search (tui/pager) read what was typed the same way. */
#ifndef OPSDECK_CORE_TEXTMATCH_H
#define OPSDECK_CORE_TEXTMATCH_H

#include <stdbool.h>
#include <stddef.h>

struct textmatch;

/* Compiles pattern (NULL is "") into *out:
 *   a POSIX extended regex when pattern holds one of . [ ] ( ) * + ? { } | ^ $ \ ,
 *   else a plain substring (an empty one matches everywhere);
 * either is case-insensitive unless pattern has an uppercase letter (smart case).
 * A regex that does not compile is matched as a plain substring instead: then the
 * result is false and err holds regcomp's reason for the caller's message (err is ""
 * otherwise; NULL or errlen 0 for no reason). *out is always set; the caller frees it
 * with textmatch_free. */
bool textmatch_compile(struct textmatch **out, const char *pattern, char *err,
		       size_t errlen);

/* Finds the first match in s starting at or after byte from (from <= strlen(s)); a
 * regex's ^ matches only when from is 0. True when there is one, with its bytes
 * [*so, *eo) of s (so and eo may be NULL when only whether matters: a little faster). */
bool textmatch_find(const struct textmatch *m, const char *s, size_t from, size_t *so,
		    size_t *eo);

/* Frees m (NULL is fine). */
void textmatch_free(struct textmatch *m);

#endif
