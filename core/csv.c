/* CSV fields (core/csv.h). */
#include "core/csv.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static bool is_number(const char *s)
{
	char *end = NULL;
	(void)strtod(s, &end);
	return end != s && *end == '\0';
}

/* OWASP's list of formula triggers; numbers and the "-" placeholder are data. */
static bool is_formula(const char *s)
{
	return s[0] && strchr("=+-@\t\r", s[0]) && strcmp(s, "-") != 0 && !is_number(s);
}

void csv_put(FILE *out, const char *s)
{
	if (!s)
		s = "";
	bool formula = is_formula(s);
	if (!formula && !strpbrk(s, ",\"\r\n")) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	if (formula)
		fputc('\'', out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}
