/* Secrets named by {env} or {file} (clients/secret_ref.h). */
#include "clients/secret_ref.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/filemode.h"
#include "core/xalloc.h"

/* The first line without surrounding whitespace; NULL with errno when unreadable. */
static char *first_line(const char *path)
{
	FILE *fp = fopen(path, "r");
	if (!fp)
		return NULL;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n = getline(&line, &cap, fp);
	fclose(fp);
	if (n < 0) {
		free(line);
		return xstrdup("");
	}
	while (n > 0 && strchr(" \t\r\n", line[n - 1]))
		line[--n] = '\0';
	char *s = xstrdup(line + strspn(line, " \t"));
	free(line);
	return s;
}

static char *from_file(const char *file, const char *what, char *why, size_t whylen)
{
	char msg[512];
	if (filemode_check(file, "use it", msg, sizeof msg) == FILEMODE_WRITABLE) {
		snprintf(why, whylen, "the %s file %s", what, msg);
		return NULL;
	}
	char *s = first_line(file);
	if (!s) {
		snprintf(why, whylen, "cannot read the %s file %s: %s", what, file, strerror(errno));
		return NULL;
	}
	if (!*s) {
		snprintf(why, whylen, "the %s file %s is empty", what, file);
		free(s);
		return NULL;
	}
	return s;
}

char *secret_ref_resolve(const json_t *v, const char *what, char *why, size_t whylen)
{
	const char *env = json_string_value(json_object_get(v, "env"));
	const char *file = json_string_value(json_object_get(v, "file"));
	if (!json_is_object(v) || (!env && !file)) {
		snprintf(why, whylen, "%s must be {env: NAME} or {file: PATH}", what);
		return NULL;
	}
	if (!env)
		return from_file(file, what, why, whylen);
	const char *s = getenv(env);
	if (!s || !*s) {
		snprintf(why, whylen, "the variable %s is not set", env);
		return NULL;
	}
	return xstrdup(s);
}
