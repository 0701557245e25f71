/* Fuzzes the sanitiser: the first byte picks the flags, the rest is the text. Besides
 * memory errors it checks the promises sanitize.h makes, so a wrong answer also crashes. */
#include "tests/fuzz/fuzz.h"

#include <stdlib.h>

#include "core/sanitize.h"
#include "core/strbuf.h"

/* No byte of out may be an unsafe control: C0 except the kept tab/newline, DEL, or the
 * UTF-8 of C1 (C2 80-9F). */
static void check_output(const char *out, size_t len, unsigned flags)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)out[i];
		if (c == '\t' && (flags & SANITIZE_KEEP_TAB))
			continue;
		if (c == '\n' && (flags & SANITIZE_KEEP_NEWLINE))
			continue;
		if (c < 0x20 || c == 0x7f)
			abort();
		if (c == 0xc2 && i + 1 < len && (unsigned char)out[i + 1] >= 0x80 &&
		    (unsigned char)out[i + 1] <= 0x9f)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	unsigned flags = data[0] & 7u;
	const char *s = (const char *)data + 1;
	size_t len = size - 1;

	char *out = sanitize_text(s, len, flags);
	size_t outlen = strlen(out);
	check_output(out, outlen, flags);
	/* the output is clean, and sanitising it again changes nothing */
	if (!sanitize_is_clean(out, outlen, flags))
		abort();
	if (sanitize_is_clean(s, len, flags) &&
	    (outlen != len || memcmp(out, s, len) != 0))
		abort();
	if (sanitize_clean_prefix(s, len, flags) > len)
		abort();

	struct strbuf sb = STRBUF_INIT;
	sanitize_append(&sb, s, len, flags);
	if (sb.len != outlen || strcmp(strbuf_str(&sb), out) != 0)
		abort();
	strbuf_free(&sb);
	free(out);

	struct sanitize_escape esc;
	if (sanitize_escape_scan(s, len, &esc) > len)
		abort();
	return 0;
}
