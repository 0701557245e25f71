/* Glyph tables (tui/glyphs.h): one UTF-8 and one ASCII column per glyph. */
#include "tui/glyphs.h"

#include <langinfo.h>
#include <strings.h>

#define GLYPH_UTF8_(id, utf8, ascii) [GLYPH_##id] = utf8,
static const char *const glyph_utf8[GLYPH_COUNT] = {GLYPH_LIST(GLYPH_UTF8_)};
#undef GLYPH_UTF8_

#define GLYPH_ASCII_(id, utf8, ascii) [GLYPH_##id] = ascii,
static const char *const glyph_ascii[GLYPH_COUNT] = {GLYPH_LIST(GLYPH_ASCII_)};
#undef GLYPH_ASCII_

/* The table in use: ASCII until told otherwise, since it is safe on any terminal. */
static const char *const *glyph_table = glyph_ascii;

bool glyphs_codeset_is_utf8(const char *codeset)
{
	if (!codeset)
		return false;
	return strcasecmp(codeset, "UTF-8") == 0 || strcasecmp(codeset, "UTF8") == 0;
}

bool glyphs_init_from_locale(void)
{
	bool utf8 = glyphs_codeset_is_utf8(nl_langinfo(CODESET));
	glyphs_use_utf8(utf8);
	return utf8;
}

void glyphs_use_utf8(bool utf8)
{
	glyph_table = utf8 ? glyph_utf8 : glyph_ascii;
}

bool glyphs_utf8(void)
{
	return glyph_table == glyph_utf8;
}

const char *glyph(enum glyph id)
{
	if ((int)id < 0 || id >= GLYPH_COUNT)
		return "";
	return glyph_table[id];
}
