/* The sanitiser: every string from a server, a log or a file passes here before it is
 * stored, so that nothing a cluster says can drive the terminal (DESIGN.md principle 2).
 * Output is always valid UTF-8 with no C0/C1 control, DEL, escape, line/paragraph
 * separator or bidi override left in it, except the tab and newline a caller keeps. */
#ifndef OPSDECK_CORE_SANITIZE_H
#define OPSDECK_CORE_SANITIZE_H

#include <stdbool.h>
#include <stddef.h>

struct strbuf;

/*
 * What becomes of each unsafe thing (the placeholders are plain ASCII, except U+FFFD):
 *   C0 control 0x00-0x1F   caret notation: NUL "^@", BEL "^G", BS "^H", CR "^M", ESC "^["
 *   DEL 0x7F               "^?"
 *   tab                    kept with SANITIZE_KEEP_TAB, otherwise one space
 *   newline                kept with SANITIZE_KEEP_NEWLINE, otherwise "^J"
 *   CR right before LF     dropped when SANITIZE_KEEP_NEWLINE (CRLF text reads as lines)
 *   escape sequence        its ESC becomes "^[", the printable rest stays as text, each
 *                          control inside is replaced too: ESC[2J -> "^[[2J", OSC 52 ended
 *                          by BEL -> "^[]52;c;...^G", ended by ST -> "^[]52;c;...^[\"
 *   C1 U+0080-U+009F       its 7-bit equivalent, ESC + (code - 0x40): U+009B (CSI) ->
 *                          "^[[", U+009D (OSC) -> "^[]", U+0085 (NEL) -> "^[E", so the
 *                          8-bit form of a sequence reads exactly like the 7-bit form
 *   invalid UTF-8          U+FFFD per maximal ill-formed subpart (Unicode 3.9): stray
 *                          continuation bytes, overlongs, surrogates, > U+10FFFF, bytes
 *                          C0 C1 F5-FF, and a sequence truncated by the end of the input
 *   U+2028, U+2029,        U+FFFD: they break lines or reorder what an operator reads
 *   U+202A-U+202E, U+2066-U+2069
 * Everything else (ASCII text, accents, CJK, emoji, any valid code point) is unchanged.
 */
enum sanitize_flag {
	SANITIZE_KEEP_TAB = 1u << 0,     /* logs: keep \t (cells turn it into a space) */
	SANITIZE_KEEP_NEWLINE = 1u << 1, /* multi-line text, YAML: keep \n */
	/* Logs: remove complete SGR sequences (colours, ESC[...m) instead of showing them.
	 * Safe because nothing is sent; any other or incomplete sequence is still shown. */
	SANITIZE_DROP_SGR = 1u << 2,
};

/* A new NUL-terminated string (xmalloc'd; the caller frees). s may hold NUL bytes
 * ("^@" in the output); s may be NULL when len is 0. */
char *sanitize_text(const char *s, size_t len, unsigned flags);

/* sanitize_text for a C string; NULL gives NULL. */
char *sanitize_cstr(const char *s, unsigned flags);

/* Appends the sanitised form of s to out, with no allocation beyond out's growth. */
void sanitize_append(struct strbuf *out, const char *s, size_t len, unsigned flags);

/* True when sanitising s with these flags would return it unchanged, so callers may
 * store the bytes as they are. Checks 8 ASCII bytes a step; no allocation. */
bool sanitize_is_clean(const char *s, size_t len, unsigned flags);

/* How many leading bytes of s are already clean (== len when all are). */
size_t sanitize_clean_prefix(const char *s, size_t len, unsigned flags);

/* The escape sequences the sanitiser recognises, for callers that want to interpret
 * some of them (a log pager turning SGR into attributes) rather than show them. */
enum sanitize_escape_kind {
	SANITIZE_ESC_NONE,   /* s does not start an escape sequence */
	SANITIZE_ESC_SHORT,  /* ESC + final (ESC c, ESC 7), nF (ESC ( B), or another C1 */
	SANITIZE_ESC_CSI,    /* ESC [ params intermediates final, or U+009B ... */
	SANITIZE_ESC_OSC,    /* ESC ] ... BEL or ST, or U+009D ... */
	SANITIZE_ESC_STRING, /* DCS ESC P, SOS ESC X, PM ESC ^, APC ESC _ ... ST */
};

struct sanitize_escape {
	enum sanitize_escape_kind kind;
	size_t len;          /* bytes from the introducer through the terminator */
	bool complete;       /* false when cut short by the end or by a stray byte */
	char final;          /* CSI and SHORT: the final byte, else 0 */
};

/* Recognises the escape sequence at the start of s (7-bit ESC form, or its C1
 * introducer encoded in UTF-8). Returns esc->len; 0 and SANITIZE_ESC_NONE if none. */
size_t sanitize_escape_scan(const char *s, size_t len, struct sanitize_escape *esc);

#endif
