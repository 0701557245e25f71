/* Allocation wrappers that abort on out-of-memory, so callers need not check. */
#ifndef OPSDECK_CORE_XALLOC_H
#define OPSDECK_CORE_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *ptr, size_t size);
/* Grows an array of *cap items of item_size so that it holds at least need items. */
void *xgrow(void *ptr, size_t *cap, size_t need, size_t item_size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
