/* Temporary directory templates for unit tests, under $TMPDIR. */
#include "tests/support/tmpdir.h"

#include <stdio.h>
#include <stdlib.h>

char *test_tmp_template(char *buf, size_t len, const char *name)
{
	const char *dir = getenv("TMPDIR");
	snprintf(buf, len, "%s/%s", dir && *dir ? dir : "/tmp", name);
	return buf;
}
