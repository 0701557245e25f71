/* The bounded log ring: a fixed array of struct log_line slots (slot = (seq - 1) % lines)
 * and one circular byte arena holding every line's text back to back, NUL-terminated.
 * Both are allocated once, so pushing a line never mallocs and memory stays flat. */
#include "core/logring.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

/*
 * The arena is written like a tape: text goes at `head`; the oldest kept text starts at
 * the oldest line's text pointer. When a line does not fit before the arena's end it goes
 * to offset 0 instead (the tail end is wasted until the tape wraps again). Oldest lines
 * are dropped until the new text fits, the line budget and the byte budget allow it. The
 * arena is sized byte budget + one NUL per line + one maximal line, so the byte budget,
 * not fragmentation, is what normally drops lines.
 */
struct logring {
	struct log_line *slots;
	size_t max_lines;
	size_t max_bytes;
	char *arena;
	size_t arena_size;
	size_t head;          /* where the next text goes */
	uint64_t first, next; /* seq of the oldest kept line, and of the next push */
	uint64_t dropped;
	size_t bytes;         /* sum of len of the kept lines */
};

struct logring *logring_new(size_t max_lines, size_t max_bytes)
{
	struct logring *r = xcalloc(1, sizeof(*r));
	r->max_lines = max_lines ? max_lines : LOGRING_DEFAULT_LINES;
	r->max_bytes = max_bytes ? max_bytes : r->max_lines * 256;
	r->slots = xcalloc(r->max_lines, sizeof(*r->slots));
	r->arena_size = r->max_bytes + r->max_lines + LOGRING_MAX_LINE_BYTES + 1;
	/* Not touched up front: pages become resident only as the tape reaches them. */
	r->arena = xmalloc(r->arena_size);
	r->first = r->next = 1;
	return r;
}

void logring_free(struct logring *r)
{
	if (!r)
		return;
	free(r->slots);
	free(r->arena);
	free(r);
}

static inline struct log_line *slot_of(const struct logring *r, uint64_t seq)
{
	return &r->slots[(seq - 1) % r->max_lines];
}

static void drop_oldest(struct logring *r)
{
	struct log_line *l = slot_of(r, r->first);
	r->bytes -= l->len;
	l->text = NULL;
	r->first++;
	r->dropped++;
	if (r->first == r->next)
		r->head = 0;   /* empty: start the tape over */
}

/* Where `need` bytes can go now, or SIZE_MAX when the oldest must go first. */
static size_t arena_place(const struct logring *r, size_t need)
{
	if (r->first == r->next)
		return need <= r->arena_size ? 0 : SIZE_MAX;
	size_t tail = (size_t)(slot_of(r, r->first)->text - r->arena);
	if (r->head > tail) {
		if (r->arena_size - r->head >= need)
			return r->head;
		/* Wrap; strictly less so that head never catches up with tail. */
		return need < tail ? 0 : SIZE_MAX;
	}
	return tail - r->head > need ? r->head : SIZE_MAX;
}

/* The byte count of text cut to at most cap bytes without splitting a UTF-8 sequence. */
static size_t cut_utf8(const char *text, size_t len, size_t cap)
{
	if (len <= cap)
		return len;
	size_t n = cap;
	while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80)
		n--;
	return n;
}

const struct log_line *logring_push(struct logring *r, long long time_ms, unsigned source,
				    enum log_level level, unsigned flags, const char *text,
				    size_t len)
{
	size_t cap = LOGRING_MAX_LINE_BYTES < r->max_bytes ? LOGRING_MAX_LINE_BYTES : r->max_bytes;
	size_t n = cut_utf8(text, len, cap);
	if (n < len)
		flags |= LOG_LINE_TRUNCATED;
	while (r->next - r->first >= r->max_lines || r->bytes + n > r->max_bytes)
		drop_oldest(r);
	size_t at;
	while ((at = arena_place(r, n + 1)) == SIZE_MAX)
		drop_oldest(r);
	char *dst = r->arena + at;
	if (n)
		memcpy(dst, text, n);
	dst[n] = '\0';
	r->head = at + n + 1;
	struct log_line *l = slot_of(r, r->next);
	l->seq = r->next++;
	l->time_ms = time_ms;
	l->source = (uint16_t)source;
	l->level = (uint8_t)level;
	l->flags = (uint8_t)flags;
	l->len = (uint32_t)n;
	l->text = dst;
	r->bytes += n;
	return l;
}

size_t logring_count(const struct logring *r)
{
	return (size_t)(r->next - r->first);
}

uint64_t logring_first_seq(const struct logring *r)
{
	return r->first;
}

uint64_t logring_next_seq(const struct logring *r)
{
	return r->next;
}

uint64_t logring_dropped(const struct logring *r)
{
	return r->dropped;
}

size_t logring_bytes(const struct logring *r)
{
	return r->bytes;
}

const struct log_line *logring_get(const struct logring *r, uint64_t seq)
{
	if (seq < r->first || seq >= r->next)
		return NULL;
	return slot_of(r, seq);
}

void logring_clear(struct logring *r)
{
	for (uint64_t s = r->first; s < r->next; s++)
		slot_of(r, s)->text = NULL;
	r->first = r->next;
	r->bytes = 0;
	r->head = 0;
	r->dropped = 0;
}
