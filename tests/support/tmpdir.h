/* Where unit tests make their temporary directories: under $TMPDIR when it is set (as
 * mkdtemp(3) users are expected to honour), else /tmp. */
#ifndef OPSDECK_TESTS_SUPPORT_TMPDIR_H
#define OPSDECK_TESTS_SUPPORT_TMPDIR_H

#include <stddef.h>

/* Writes the mkdtemp template "$TMPDIR/NAME" into buf (NAME ends in XXXXXX) and returns
 * buf; the caller then calls mkdtemp on it. */
char *test_tmp_template(char *buf, size_t len, const char *name);

#endif
