/* Fuzzes the newline-delimited JSON splitter: the input is fed in chunks whose sizes come
 * from the input itself, so every line may be cut anywhere. */
#include "tests/fuzz/fuzz.h"

#include "core/jsonstream.h"

struct counts {
	size_t values, errors;
};

static int on_value(void *ud, json_t *value)
{
	struct counts *c = ud;
	c->values++;
	/* a stop request mid-chunk must drop the rest cleanly */
	return json_is_string(value) && c->values % 7 == 0;
}

static void on_error(void *ud, const char *message)
{
	struct counts *c = ud;
	c->errors += message[0] != '\0';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct counts c = {0};
	struct jsonstream *js = jsonstream_new(on_value, on_error, &c);
	size_t step = size ? (size_t)data[0] % 17 + 1 : 1;
	size_t off = size ? 1 : 0;
	while (off < size) {
		size_t n = size - off < step ? size - off : step;
		jsonstream_feed(js, (const char *)data + off, n);
		off += n;
		step = step * 5 % 23 + 1;
	}
	jsonstream_finish(js);
	/* the same bytes in one chunk after a reset */
	jsonstream_reset(js);
	jsonstream_feed(js, (const char *)data, size);
	jsonstream_finish(js);
	jsonstream_free(js);
	return 0;
}
