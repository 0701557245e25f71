/* Fuzzes the keymap loader: the input overlaid on an empty keymap and then looked up the
 * way the console does, so bindings that parsed are also used. */
#include "tests/fuzz/fuzz.h"

#include "tui/keymap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct keymap *km = keymap_new();
	char err[512];
	if (keymap_overlay_text(km, "keymap.yaml", (const char *)data, size, err,
				sizeof(err)) == 0) {
		struct keymap_help_item items[8];
		keymap_help(km, "pods", false, items, 8);
		keymap_lookup(km, "pods", 'j');
	}
	keymap_free(km);

	/* the input's first line as a key name */
	size_t n = 0;
	while (n < size && n < 64 && data[n] != '\n')
		n++;
	char *name = fuzz_cstr(data, n);
	int key;
	if (keymap_key_from_name(name, &key)) {
		char buf[KEYMAP_KEY_NAME_MAX];
		keymap_key_name(key, buf, sizeof(buf));
	}
	free(name);
	return 0;
}
