/* What every fuzz target shares: the libFuzzer entry point (declared so the strict
 * -Wmissing-prototypes build accepts it) and small helpers to turn bytes into inputs. */
#ifndef OPSDECK_TESTS_FUZZ_FUZZ_H
#define OPSDECK_TESTS_FUZZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <jansson.h>

#include "core/xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input as a NUL-terminated string (caller frees); parsers that take C strings stop
 * at an embedded NUL, which is fine: the bytes after it are simply not reached. */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = xmalloc(size + 1);
	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* The input parsed as one JSON document, or NULL: the parsers under test only ever see
 * what jansson accepted, as in the clients. */
static inline json_t *fuzz_json(const uint8_t *data, size_t size)
{
	return json_loadb((const char *)data, size, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
}

#endif
