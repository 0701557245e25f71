/* Tests for core/logline, table-driven: timestamp splitting, level detection across the
 * formats clusters emit (klog, logfmt, nginx, Go slog, zap, pino/bunyan, Spring), and JSON
 * rendering, including an escaped ESC that must come out inert. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/logline.h"
#include "core/strbuf.h"

struct ts_case {
	const char *line;
	size_t taken;
	long long ms;
};

static void test_split_timestamp(void **state)
{
	(void)state;
	static const struct ts_case cases[] = {
		{"2024-05-01T12:00:00.123456789Z hello", 31, 1714564800123LL},
		{"2024-05-01T12:00:00Z hello", 21, 1714564800000LL},
		{"2024-05-01T14:00:00.5+02:00 x", 28, 1714564800500LL},
		{"2024-05-01T07:30:00-04:30 x", 26, 1714564800000LL},
		{"1970-01-01T00:00:00Z ", 21, 0},
		{"2024-05-01T12:00:00.000000001Z", 30, 1714564800000LL},   /* no text after */
		{"2024-05-01 12:00:00 ERROR x", 0, 0},    /* Spring's own time is not the kubelet's */
		{"hello world", 0, 0},
		{"2024-13-01T12:00:00Z x", 0, 0},
		{"2024-05-01T12:00:00Zx", 0, 0},
		{"2024-05-01T12:00:00", 0, 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		long long ms = -1;
		size_t n = logline_split_timestamp(cases[i].line, strlen(cases[i].line), &ms);
		if (n != cases[i].taken || ms != cases[i].ms)
			fail_msg("case %zu \"%s\": took %zu ms %lld", i, cases[i].line, n, ms);
	}
}

struct level_case {
	const char *text;
	enum log_level level;
	bool json;
};

static void test_levels(void **state)
{
	(void)state;
	static const struct level_case cases[] = {
		/* klog */
		{"E0501 12:00:00.000000       1 controller.go:42] sync failed", LOG_LEVEL_ERROR, false},
		{"W0501 12:00:00.000000       1 reflector.go:1] watch closed", LOG_LEVEL_WARN, false},
		{"I0501 12:00:00.000000       1 main.go:10] starting", LOG_LEVEL_INFO, false},
		{"F0501 12:00:00.000000       1 main.go:10] dead", LOG_LEVEL_FATAL, false},
		/* logfmt */
		{"time=2024-05-01T12:00:00Z level=info msg=\"started\"", LOG_LEVEL_INFO, false},
		{"ts=1 lvl=warn msg=slow", LOG_LEVEL_WARN, false},
		{"level=error msg=\"db down\"", LOG_LEVEL_ERROR, false},
		/* nginx access log: no level */
		{"10.0.0.1 - - [01/May/2024:12:00:00 +0000] \"GET /error HTTP/1.1\" 500 12", LOG_LEVEL_NONE,
		 false},
		/* nginx error log */
		{"2024/05/01 12:00:00 [error] 7#7: *1 connect() failed", LOG_LEVEL_ERROR, false},
		{"2024/05/01 12:00:00 [warn] 7#7: low disk", LOG_LEVEL_WARN, false},
		/* Java / Spring */
		{"2024-05-01 12:00:00.000 ERROR 1 --- [main] o.s.boot.SpringApplication : failed",
		 LOG_LEVEL_ERROR, false},
		{"2024-05-01 12:00:00.000  INFO 1 --- [main] c.e.App : ok", LOG_LEVEL_INFO, false},
		{"12:00:00.000 [main] WARN  com.example.Foo - careful", LOG_LEVEL_WARN, false},
		/* prose with lowercase level words does not count */
		{"no error here, just info", LOG_LEVEL_NONE, false},
		{"INFORMATIONAL text", LOG_LEVEL_NONE, false},
		/* Go slog JSON */
		{"{\"time\":\"2024-05-01T12:00:00Z\",\"level\":\"WARN\",\"msg\":\"slow\"}", LOG_LEVEL_WARN, true},
		/* zap */
		{"{\"level\":\"error\",\"ts\":1714564800.1,\"msg\":\"x\"}", LOG_LEVEL_ERROR, true},
		{"{\"level\":\"dpanic\",\"msg\":\"x\"}", LOG_LEVEL_FATAL, true},
		{"{\"level\":\"debug\",\"msg\":\"x\"}", LOG_LEVEL_DEBUG, true},
		/* pino / bunyan numbers */
		{"{\"level\":30,\"time\":1,\"msg\":\"hi\"}", LOG_LEVEL_INFO, true},
		{"{\"level\":50,\"msg\":\"bad\"}", LOG_LEVEL_ERROR, true},
		{"{\"level\":60,\"msg\":\"dead\"}", LOG_LEVEL_FATAL, true},
		{"{\"level\":10,\"msg\":\"t\"}", LOG_LEVEL_TRACE, true},
		/* other keys and spellings */
		{"{\"severity\":\"WARNING\",\"message\":\"gcp\"}", LOG_LEVEL_WARN, true},
		{"{\"log.level\":\"err\",\"message\":\"ecs\"}", LOG_LEVEL_ERROR, true},
		{"{\"log\":{\"level\":\"crit\"},\"message\":\"nested\"}", LOG_LEVEL_FATAL, true},
		{"{\"lvl\":\"info\"}", LOG_LEVEL_INFO, true},
		{"{\"msg\":\"no level\"}", LOG_LEVEL_NONE, true},
		{"{not json at all}", LOG_LEVEL_NONE, false},
		{"[1,2,3]", LOG_LEVEL_NONE, false},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool json = !cases[i].json;
		enum log_level lv = logline_level(cases[i].text, strlen(cases[i].text), &json);
		if (lv != cases[i].level || json != cases[i].json)
			fail_msg("case %zu \"%s\": level %d json %d", i, cases[i].text, lv, json);
	}
}

static void test_level_names(void **state)
{
	(void)state;
	assert_string_equal(logline_level_name(LOG_LEVEL_NONE), "");
	assert_string_equal(logline_level_name(LOG_LEVEL_ERROR), "ERROR");
	assert_string_equal(logline_level_name(LOG_LEVEL_WARN), "WARN");
	assert_string_equal(logline_level_name(LOG_LEVEL_FATAL), "FATAL");
}

struct render_case {
	const char *text;
	const char *fields[3];
	size_t nfields;
	const char *want;
};

static void test_render_json(void **state)
{
	(void)state;
	static const struct render_case cases[] = {
		{"{\"time\":\"t\",\"level\":\"INFO\",\"msg\":\"started\",\"port\":8080,\"mode\":\"fast\"}",
		 {NULL}, 0, "started port=8080 mode=fast"},
		{"{\"level\":30,\"message\":\"hi there\",\"user\":\"a b\",\"ok\":true}",
		 {NULL}, 0, "hi there user=\"a b\" ok=true"},
		{"{\"msg\":\"req\",\"http\":{\"status\":500,\"path\":\"/x\"},\"trace\":\"abc\"}",
		 {"http.status", "trace", "missing"}, 3, "req http.status=500 trace=abc"},
		{"{\"msg\":\"req\",\"http\":{\"status\":500}}", {NULL}, 0, "req http={\"status\":500}"},
		{"{\"log\":\"from fluent\",\"stream\":\"stdout\"}", {NULL}, 0, "from fluent stream=stdout"},
		/* the escaped ESC and BEL decode to real ones and must be shown inert */
		{"{\"msg\":\"\\u001b[2Jcleared\\u0007\",\"k\":\"\\u001b]52;c;eA==\\u0007\"}",
		 {NULL}, 0, "^[[2Jcleared^G k=^[]52;c;eA==^G"},
		/* colour codes inside a message are dropped, as in text lines */
		{"{\"msg\":\"\\u001b[31mred\\u001b[0m\"}", {NULL}, 0, "red"},
		{"{\"msg\":\"a\\nb\"}", {NULL}, 0, "a^Jb"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct strbuf out = STRBUF_INIT;
		assert_true(logline_render_json(cases[i].text, strlen(cases[i].text),
						cases[i].fields, cases[i].nfields, &out));
		if (strcmp(strbuf_str(&out), cases[i].want))
			fail_msg("case %zu: got \"%s\" want \"%s\"", i, strbuf_str(&out), cases[i].want);
		for (size_t k = 0; k < out.len; k++)
			assert_true((unsigned char)out.buf[k] >= 0x20 && out.buf[k] != 0x7f);
		strbuf_free(&out);
	}
}

static void test_render_not_json(void **state)
{
	(void)state;
	struct strbuf out = STRBUF_INIT;
	strbuf_puts(&out, "keep");
	assert_false(logline_render_json("plain text", 10, NULL, 0, &out));
	assert_false(logline_render_json("{broken", 7, NULL, 0, &out));
	assert_false(logline_render_json("[1]", 3, NULL, 0, &out));
	assert_string_equal(strbuf_str(&out), "keep");
	/* Appends after what out held. */
	assert_true(logline_render_json("{\"msg\":\"m\"}", 11, NULL, 0, &out));
	assert_string_equal(strbuf_str(&out), "keepm");
	strbuf_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_timestamp),
		cmocka_unit_test(test_levels),
		cmocka_unit_test(test_level_names),
		cmocka_unit_test(test_render_json),
		cmocka_unit_test(test_render_not_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
