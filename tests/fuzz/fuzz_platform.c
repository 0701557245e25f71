/* Fuzzes the platform.yaml loader (parse, validation, derived names and freeze windows). */
#include "tests/fuzz/fuzz.h"

#include "core/platform.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct platform *p = NULL;
	char err[512];
	if (platform_parse("platform.yaml", (const char *)data, size, &p, err, sizeof(err)) == 0)
		platform_free(p);
	return 0;
}
