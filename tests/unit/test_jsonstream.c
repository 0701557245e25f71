/* Tests for core/jsonstream: the same events whatever the chunk boundaries, long lines,
 * CRLF, blank lines, a final line without newline, malformed lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/jsonstream.h"
#include "core/strbuf.h"
#include "core/xalloc.h"

/* Collects every value as compact JSON text, and every error, in one log. */
struct collect {
	struct strbuf log;
	int values, errors;
	int stop_after;   /* 0: never stop */
};

static int on_value(void *ud, json_t *v)
{
	struct collect *c = ud;
	char *s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
	strbuf_printf(&c->log, "V%s\n", s);
	free(s);
	c->values++;
	return c->stop_after && c->values >= c->stop_after;
}

static void on_error(void *ud, const char *msg)
{
	struct collect *c = ud;
	strbuf_printf(&c->log, "E%s\n", msg);
	c->errors++;
}

static const char stream[] =
	"{\"type\":\"ADDED\",\"object\":{\"metadata\":{\"name\":\"a\",\"resourceVersion\":\"1\"}}}\n"
	"{\"type\":\"MODIFIED\",\"object\":{\"metadata\":{\"name\":\"a\"},\"s\":\"x\\ny\"}}\r\n"
	"\n"
	"   \r\n"
	"{\"type\":\"BOOKMARK\",\"object\":{\"metadata\":{\"resourceVersion\":\"7\"}}}\n"
	"{\"type\":\"DELETED\",\"object\":{\"k\":[1,2,{\"z\":null}]}}";

static char *run_chunks(const char *data, size_t len, size_t cut1, size_t cut2, size_t step)
{
	struct collect c = {STRBUF_INIT, 0, 0, 0};
	struct jsonstream *js = jsonstream_new(on_value, on_error, &c);
	if (step) {
		for (size_t i = 0; i < len; i += step)
			jsonstream_feed(js, data + i, len - i < step ? len - i : step);
	} else {
		jsonstream_feed(js, data, cut1);
		jsonstream_feed(js, data + cut1, cut2 - cut1);
		jsonstream_feed(js, data + cut2, len - cut2);
	}
	jsonstream_finish(js);
	jsonstream_free(js);
	return strbuf_detach(&c.log);
}

static void test_whole_stream(void **state)
{
	(void)state;
	char *got = run_chunks(stream, strlen(stream), 0, 0, strlen(stream));
	assert_string_equal(got,
		"V{\"object\":{\"metadata\":{\"name\":\"a\",\"resourceVersion\":\"1\"}},\"type\":\"ADDED\"}\n"
		"V{\"object\":{\"metadata\":{\"name\":\"a\"},\"s\":\"x\\ny\"},\"type\":\"MODIFIED\"}\n"
		"V{\"object\":{\"metadata\":{\"resourceVersion\":\"7\"}},\"type\":\"BOOKMARK\"}\n"
		"V{\"object\":{\"k\":[1,2,{\"z\":null}]},\"type\":\"DELETED\"}\n");
	free(got);
}

static void test_every_split_gives_same_events(void **state)
{
	(void)state;
	size_t len = strlen(stream);
	char *want = run_chunks(stream, len, 0, 0, len);
	for (size_t a = 0; a <= len; a++) {
		for (size_t b = a; b <= len; b += 7) {
			char *got = run_chunks(stream, len, a, b, 0);
			assert_string_equal(got, want);
			free(got);
		}
	}
	for (size_t step = 1; step <= 5; step++) {
		char *got = run_chunks(stream, len, 0, 0, step);
		assert_string_equal(got, want);
		free(got);
	}
	free(want);
}

static void test_long_line_across_many_chunks(void **state)
{
	(void)state;
	struct strbuf sb = STRBUF_INIT;
	strbuf_puts(&sb, "{\"big\":\"");
	for (int i = 0; i < 200000; i++)
		strbuf_putc(&sb, (char)('a' + i % 26));
	strbuf_puts(&sb, "\"}\n{\"n\":2}\n");
	struct collect c = {STRBUF_INIT, 0, 0, 0};
	struct jsonstream *js = jsonstream_new(on_value, on_error, &c);
	for (size_t i = 0; i < sb.len; i += 4096)
		jsonstream_feed(js, sb.buf + i, sb.len - i < 4096 ? sb.len - i : 4096);
	jsonstream_finish(js);
	assert_int_equal(c.values, 2);
	assert_int_equal(c.errors, 0);
	/* `V{"big":"` + 200000 letters + `"}\n`, then the second value. */
	assert_int_equal(c.log.len, 1 + 8 + 200000 + 3 + strlen("V{\"n\":2}\n"));
	assert_memory_equal(c.log.buf + 9, "abcdefghij", 10);
	jsonstream_free(js);
	strbuf_free(&sb);
	strbuf_free(&c.log);
}

static void test_malformed_line_reported_stream_goes_on(void **state)
{
	(void)state;
	const char *s = "{\"a\":1}\n{\"a\":\n{\"a\":3}\nnot json\r\n{\"a\":5}";
	char *got = run_chunks(s, strlen(s), 3, 11, 0);
	assert_non_null(strstr(got, "V{\"a\":1}\nEline 2: invalid JSON: "));
	assert_non_null(strstr(got, "V{\"a\":3}\nEline 4: invalid JSON: "));
	const char *tail = "V{\"a\":5}\n";
	assert_string_equal(got + strlen(got) - strlen(tail), tail);
	free(got);
}

static void test_stop_from_callback(void **state)
{
	(void)state;
	struct collect c = {STRBUF_INIT, 0, 0, 1};
	struct jsonstream *js = jsonstream_new(on_value, NULL, &c);
	assert_int_equal(jsonstream_feed(js, "{\"a\":1}\n{\"a\":2}\n", 16), 1);
	assert_int_equal(c.values, 1);
	jsonstream_free(js);
	strbuf_free(&c.log);
}

static void test_reset_drops_partial_line(void **state)
{
	(void)state;
	struct collect c = {STRBUF_INIT, 0, 0, 0};
	struct jsonstream *js = jsonstream_new(on_value, on_error, &c);
	jsonstream_feed(js, "{\"half\":", 8);
	jsonstream_reset(js);
	jsonstream_feed(js, "{\"whole\":true}\n", 15);
	assert_string_equal(strbuf_str(&c.log), "V{\"whole\":true}\n");
	assert_int_equal(jsonstream_finish(js), 0);
	assert_int_equal(c.errors, 0);
	jsonstream_free(js);
	strbuf_free(&c.log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whole_stream),
		cmocka_unit_test(test_every_split_gives_same_events),
		cmocka_unit_test(test_long_line_across_many_chunks),
		cmocka_unit_test(test_malformed_line_reported_stream_goes_on),
		cmocka_unit_test(test_stop_from_callback),
		cmocka_unit_test(test_reset_drops_partial_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
