/* Environment from a name (core/envname.h). */
#include "core/envname.h"

#include <string.h>
#include <strings.h>

bool envname_has_part(const char *name, const char *word)
{
	size_t len = strlen(word);
	for (const char *p = name; p && *p;) {
		size_t n = strcspn(p, "-_.");
		if (n == len && strncasecmp(p, word, n) == 0)
			return true;
		p += n;
		if (*p)
			p++;
	}
	return false;
}

static bool has_any_part(const char *name, const char *const *words, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (envname_has_part(name, words[i]))
			return true;
	return false;
}

enum envname_class envname_classify(const char *name)
{
	static const char *const production[] = {"prod", "prd", "production", "live"};
	static const char *const staging[] = {"uat", "pre", "preprod", "staging", "stage", "stg"};
	if (!name)
		return ENVNAME_OTHER;
	if (has_any_part(name, production, sizeof production / sizeof production[0]))
		return ENVNAME_PRODUCTION;
	if (has_any_part(name, staging, sizeof staging / sizeof staging[0]))
		return ENVNAME_STAGING;
	return ENVNAME_OTHER;
}
