/* Fuzzes the theme loader. User themes come from a folder that does not exist, so a
 * "base:" resolves to the embedded themes only and no file outside the input is read. */
#include "tests/fuzz/fuzz.h"

#include "tui/theme.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];
	struct theme *t = theme_parse_text("fuzz", "fuzz.yaml", (const char *)data, size,
					   "/nonexistent/opsdeck-fuzz-themes", err, sizeof(err));
	theme_free(t);
	return 0;
}
