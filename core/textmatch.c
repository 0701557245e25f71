/* Smart-case substring-or-regex matching (core/textmatch.h): one reading of what a user
 * types after `/`, whether it filters a table or searches a text. */
#include "core/textmatch.h"

#include <ctype.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/xalloc.h"

/* Any of these makes the pattern a regex: a plain name never holds them. */
#define TEXTMATCH_REGEX_CHARS ".[]()*+?{}|^$\\"

struct textmatch {
	char *needle;   /* the pattern, matched as a substring unless regex */
	size_t len;
	bool regex, icase;
	regex_t re;
};

static bool has_upper(const char *s)
{
	for (; *s; s++)
		if (isupper((unsigned char)*s))
			return true;
	return false;
}

bool textmatch_compile(struct textmatch **out, const char *pattern, char *err,
		       size_t errlen)
{
	struct textmatch *m = xcalloc(1, sizeof(*m));
	if (err && errlen)
		err[0] = '\0';
	m->needle = xstrdup(pattern ? pattern : "");
	m->len = strlen(m->needle);
	m->icase = !has_upper(m->needle);
	*out = m;
	if (!strpbrk(m->needle, TEXTMATCH_REGEX_CHARS))
		return true;
	int rc = regcomp(&m->re, m->needle, REG_EXTENDED | (m->icase ? REG_ICASE : 0));
	if (rc == 0) {
		m->regex = true;
		return true;
	}
	if (err && errlen)
		regerror(rc, &m->re, err, errlen);
	regfree(&m->re);
	return false;
}

static const char *find_icase(const char *hay, const char *needle, size_t n)
{
	if (n == 0)
		return hay;
	for (; *hay; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return hay;
	return NULL;
}

bool textmatch_find(const struct textmatch *m, const char *s, size_t from, size_t *so,
		    size_t *eo)
{
	size_t start, end;
	if (m->regex) {
		regmatch_t pm;
		bool where = so || eo;
		if (regexec(&m->re, s + from, where ? 1 : 0, where ? &pm : NULL,
			    from ? REG_NOTBOL : 0) != 0)
			return false;
		if (!where)
			return true;
		start = from + (size_t)pm.rm_so;
		end = from + (size_t)pm.rm_eo;
	} else {
		const char *h = m->icase ? find_icase(s + from, m->needle, m->len)
					 : strstr(s + from, m->needle);
		if (!h)
			return false;
		start = (size_t)(h - s);
		end = start + m->len;
	}
	if (so)
		*so = start;
	if (eo)
		*eo = end;
	return true;
}

void textmatch_free(struct textmatch *m)
{
	if (!m)
		return;
	if (m->regex)
		regfree(&m->re);
	free(m->needle);
	free(m);
}
