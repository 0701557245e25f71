/* A growable byte buffer, always NUL-terminated; it owns its bytes. */
#ifndef OPSDECK_CORE_STRBUF_H
#define OPSDECK_CORE_STRBUF_H

#include <stddef.h>

struct strbuf {
	char *buf;   /* NULL until the first append */
	size_t len;
	size_t cap;
};

#define STRBUF_INIT {NULL, 0, 0}

void strbuf_append(struct strbuf *sb, const char *data, size_t len);
void strbuf_puts(struct strbuf *sb, const char *s);
void strbuf_putc(struct strbuf *sb, char c);
void strbuf_printf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Drops the first n bytes (a consumed prefix). */
void strbuf_consume(struct strbuf *sb, size_t n);
void strbuf_reset(struct strbuf *sb);
/* Hands the bytes to the caller (never NULL) and empties the buffer. */
char *strbuf_detach(struct strbuf *sb);
void strbuf_free(struct strbuf *sb);
/* The contents as a C string ("" when empty). */
static inline const char *strbuf_str(const struct strbuf *sb)
{
	return sb->buf ? sb->buf : "";
}

#endif
