/* The sanitiser (see sanitize.h): clean runs are copied whole, found 8 bytes at a time;
 * only the unsafe bytes between them are looked at one by one. */
#include "core/sanitize.h"

#include <stdint.h>
#include <string.h>

#include "core/strbuf.h"
#include "core/xalloc.h"

#define ESC 0x1B
#define BEL 0x07
#define REPLACEMENT "\xEF\xBF\xBD" /* U+FFFD in UTF-8 */

/* True when none of the 8 bytes is below 0x20 or at/above 0x7F. Both tests may flag a
 * byte next to a true hit (borrow/carry), never a word without one, so no false
 * "plain" answers: plain ASCII words are the common case and skip the byte loop. */
static inline bool word_is_plain(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101ull;
	const uint64_t highs = 0x8080808080808080ull;
	uint64_t below_space = (w - ones * 0x20) & ~w & highs;
	uint64_t del_or_high = (w | (w + ones)) & highs;
	return (below_space | del_or_high) == 0;
}

/* Decodes one UTF-8 sequence at s (len >= 1, s[0] >= 0x80) by Unicode's Table 3-7.
 * Returns the bytes used; *cp is the code point, or -1 when ill-formed, in which case
 * the return value is the maximal subpart to replace by one U+FFFD (at least 1). */
static size_t utf8_decode(const unsigned char *s, size_t len, int32_t *cp)
{
	unsigned char c = s[0];
	size_t need;
	unsigned char lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
	int32_t v;

	*cp = -1;
	if (c >= 0xC2 && c <= 0xDF) {
		need = 1, v = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		need = 2, v = c & 0x0F;
		if (c == 0xE0)
			lo = 0xA0; /* no overlongs */
		else if (c == 0xED)
			hi = 0x9F; /* no surrogates */
	} else if (c >= 0xF0 && c <= 0xF4) {
		need = 3, v = c & 0x07;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F; /* nothing above U+10FFFF */
	} else {
		return 1; /* continuation byte, C0, C1, F5-FF */
	}
	for (size_t i = 1; i <= need; i++) {
		if (i >= len || s[i] < lo || s[i] > hi)
			return i;
		v = (v << 6) | (s[i] & 0x3F);
		lo = 0x80, hi = 0xBF;
	}
	*cp = v;
	return need + 1;
}

/* Code points that are valid UTF-8 but must not reach the terminal. */
static inline bool codepoint_is_unsafe(int32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9F)         /* C1 controls */
	       || (cp >= 0x2028 && cp <= 0x202E)  /* LS, PS, LRE RLE PDF LRO RLO */
	       || (cp >= 0x2066 && cp <= 0x2069); /* LRI RLI FSI PDI */
}

size_t sanitize_clean_prefix(const char *s, size_t len, unsigned flags)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	for (;;) {
		uint64_t w;
		while (i + 8 <= len) {
			memcpy(&w, p + i, 8);
			if (!word_is_plain(w))
				break;
			i += 8;
		}
		if (i >= len)
			return len;
		unsigned char c = p[i];
		if ((c >= 0x20 && c < 0x7F) || (c == '\t' && (flags & SANITIZE_KEEP_TAB))
		    || (c == '\n' && (flags & SANITIZE_KEEP_NEWLINE))) {
			i++;
			continue;
		}
		if (c < 0x80)
			return i;
		int32_t cp;
		size_t n = utf8_decode(p + i, len - i, &cp);
		if (cp < 0 || codepoint_is_unsafe(cp))
			return i;
		i += n;
	}
}

bool sanitize_is_clean(const char *s, size_t len, unsigned flags)
{
	return sanitize_clean_prefix(s, len, flags) == len;
}

/* The Fe byte an escape introducer stands for: s[1] after ESC, or code - 0x40 for a
 * UTF-8 encoded C1 control. 0 when s starts no introducer (or a lone ESC at the end). */
static unsigned char escape_introducer(const unsigned char *s, size_t len)
{
	if (len >= 2 && s[0] == ESC)
		return s[1];
	if (len >= 2 && s[0] == 0xC2 && s[1] >= 0x80 && s[1] <= 0x9F)
		return (unsigned char)(s[1] - 0x40);
	return 0;
}

static void scan_csi(const unsigned char *s, size_t len, struct sanitize_escape *esc)
{
	size_t i = 2;
	while (i < len && s[i] >= 0x30 && s[i] <= 0x3F)
		i++; /* parameter bytes */
	while (i < len && s[i] >= 0x20 && s[i] <= 0x2F)
		i++; /* intermediate bytes */
	esc->kind = SANITIZE_ESC_CSI;
	if (i < len && s[i] >= 0x40 && s[i] <= 0x7E) {
		esc->final = (char)s[i];
		esc->complete = true;
		i++;
	}
	esc->len = i;
}

/* OSC, DCS, SOS, PM, APC: a body ended by ST (ESC \ or U+009C), or BEL for OSC as
 * xterm accepts. CAN, SUB or an ESC starting anything else abandons the string. */
static void scan_string(const unsigned char *s, size_t len, bool osc,
			struct sanitize_escape *esc)
{
	size_t i = 2;
	esc->kind = osc ? SANITIZE_ESC_OSC : SANITIZE_ESC_STRING;
	for (; i < len; i++) {
		unsigned char c = s[i];
		if (c == BEL && osc) {
			esc->complete = true;
			i++;
			break;
		}
		bool st = (c == ESC || c == 0xC2) && i + 1 < len
			  && s[i + 1] == (c == ESC ? '\\' : 0x9C);
		if (st) {
			esc->complete = true;
			i += 2;
			break;
		}
		if (c == ESC || c == 0x18 || c == 0x1A)
			break;
	}
	esc->len = i;
}

size_t sanitize_escape_scan(const char *s, size_t len, struct sanitize_escape *esc)
{
	const unsigned char *p = (const unsigned char *)s;
	*esc = (struct sanitize_escape){SANITIZE_ESC_NONE, 0, false, 0};
	unsigned char fe = escape_introducer(p, len);

	if (fe == 0) {
		if (len >= 1 && p[0] == ESC) /* a lone ESC at the very end */
			*esc = (struct sanitize_escape){SANITIZE_ESC_SHORT, 1, false, 0};
		return esc->len;
	}
	if (fe == '[') {
		scan_csi(p, len, esc);
	} else if (fe == ']' || fe == 'P' || fe == 'X' || fe == '^' || fe == '_') {
		scan_string(p, len, fe == ']', esc);
	} else if (p[0] == ESC && fe >= 0x20 && fe <= 0x2F) {
		size_t i = 2; /* nF: intermediates then a final byte, e.g. ESC ( B */
		while (i < len && p[i] >= 0x20 && p[i] <= 0x2F)
			i++;
		bool fin = i < len && p[i] >= 0x30 && p[i] <= 0x7E;
		*esc = (struct sanitize_escape){SANITIZE_ESC_SHORT, fin ? i + 1 : i, fin,
						fin ? (char)p[i] : 0};
	} else if (fe >= 0x30 && fe <= 0x7E) {
		*esc = (struct sanitize_escape){SANITIZE_ESC_SHORT, 2, true, (char)fe};
	} else {
		/* ESC followed by a control or a non-ASCII byte: only the ESC is the sequence */
		*esc = (struct sanitize_escape){SANITIZE_ESC_SHORT, 1, false, 0};
	}
	return esc->len;
}

/* Length of a complete SGR sequence (ESC [ digits ; : m) at s, else 0. */
static size_t sgr_length(const char *s, size_t len)
{
	struct sanitize_escape esc;
	size_t n = sanitize_escape_scan(s, len, &esc);
	if (esc.kind != SANITIZE_ESC_CSI || !esc.complete || esc.final != 'm')
		return 0;
	for (size_t i = 2; i + 1 < n; i++) {
		char c = s[i];
		if (!((c >= '0' && c <= '9') || c == ';' || c == ':'))
			return 0;
	}
	return n;
}

static void append_caret(struct strbuf *out, unsigned char c)
{
	char two[2] = {'^', (char)(c ^ 0x40)}; /* 0x1B -> '[', 0x7F -> '?' */
	strbuf_append(out, two, 2);
}

/* Replaces the unsafe item at s (s[0] is not clean); returns the bytes consumed. */
static size_t append_unsafe(struct strbuf *out, const char *s, size_t len, unsigned flags)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned char c = p[0];

	if ((flags & SANITIZE_DROP_SGR) && (c == ESC || c == 0xC2)) {
		size_t n = sgr_length(s, len);
		if (n)
			return n;
	}
	if (c == '\t') {
		strbuf_putc(out, ' ');
		return 1;
	}
	if (c == '\r' && (flags & SANITIZE_KEEP_NEWLINE) && len >= 2 && p[1] == '\n')
		return 1;
	if (c < 0x80) {
		append_caret(out, c);
		return 1;
	}
	int32_t cp;
	size_t n = utf8_decode(p, len, &cp);
	if (cp >= 0x80 && cp <= 0x9F) {
		char three[3] = {'^', '[', (char)(cp - 0x40)};
		strbuf_append(out, three, 3);
	} else {
		strbuf_append(out, REPLACEMENT, 3);
	}
	return n;
}

void sanitize_append(struct strbuf *out, const char *s, size_t len, unsigned flags)
{
	size_t i = 0;
	while (i < len) {
		size_t run = sanitize_clean_prefix(s + i, len - i, flags);
		if (run)
			strbuf_append(out, s + i, run);
		i += run;
		if (i < len)
			i += append_unsafe(out, s + i, len - i, flags);
	}
	if (!out->buf)
		strbuf_append(out, "", 0); /* a valid C string even for empty input */
}

char *sanitize_text(const char *s, size_t len, unsigned flags)
{
	size_t clean = len ? sanitize_clean_prefix(s, len, flags) : 0;
	if (clean == len) { /* the common case: one copy, no buffer growth */
		char *copy = xmalloc(len + 1);
		if (len)
			memcpy(copy, s, len);
		copy[len] = '\0';
		return copy;
	}
	struct strbuf sb = STRBUF_INIT;
	strbuf_append(&sb, s, clean);
	sanitize_append(&sb, s + clean, len - clean, flags);
	return strbuf_detach(&sb);
}

char *sanitize_cstr(const char *s, unsigned flags)
{
	return s ? sanitize_text(s, strlen(s), flags) : NULL;
}
