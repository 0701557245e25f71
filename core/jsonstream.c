/* Newline-delimited JSON splitting (see jsonstream.h). Bytes are gathered until a newline;
 * only then is the line parsed, so chunk boundaries never matter. */
#include "core/jsonstream.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "core/xalloc.h"

struct jsonstream {
	jsonstream_value_fn on_value;
	jsonstream_error_fn on_error;
	void *ud;
	struct strbuf line;
	bool overflow;          /* the current line passed JSONSTREAM_MAX_LINE: skip it */
	unsigned long lineno;
};

struct jsonstream *jsonstream_new(jsonstream_value_fn on_value, jsonstream_error_fn on_error,
				  void *ud)
{
	struct jsonstream *js = xcalloc(1, sizeof(*js));
	js->on_value = on_value;
	js->on_error = on_error;
	js->ud = ud;
	return js;
}

static void jsonstream_report(struct jsonstream *js, const char *what, const char *detail)
{
	if (!js->on_error)
		return;
	char msg[512];
	snprintf(msg, sizeof(msg), "line %lu: %s%s", js->lineno, what, detail);
	js->on_error(js->ud, msg);
}

static bool line_is_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return false;
	return true;
}

/* Parses the gathered line and empties the buffer. Returns the callback's answer. */
static int jsonstream_emit(struct jsonstream *js)
{
	js->lineno++;
	if (js->overflow) {
		js->overflow = false;
		strbuf_reset(&js->line);
		jsonstream_report(js, "line too long, skipped", "");
		return 0;
	}
	size_t n = js->line.len;
	const char *s = strbuf_str(&js->line);
	if (n > 0 && s[n - 1] == '\r')
		n--;
	if (line_is_blank(s, n)) {
		strbuf_reset(&js->line);
		return 0;
	}
	json_error_t jerr;
	json_t *v = json_loadb(s, n, JSON_DECODE_ANY, &jerr);
	strbuf_reset(&js->line);
	if (!v) {
		jsonstream_report(js, "invalid JSON: ", jerr.text);
		return 0;
	}
	int rc = js->on_value(js->ud, v);
	json_decref(v);
	return rc;
}

static void jsonstream_gather(struct jsonstream *js, const char *data, size_t len)
{
	if (js->overflow)
		return;
	if (js->line.len + len > JSONSTREAM_MAX_LINE) {
		js->overflow = true;
		strbuf_reset(&js->line);
		return;
	}
	strbuf_append(&js->line, data, len);
}

int jsonstream_feed(struct jsonstream *js, const char *data, size_t len)
{
	while (len > 0) {
		const char *nl = memchr(data, '\n', len);
		if (!nl) {
			jsonstream_gather(js, data, len);
			return 0;
		}
		size_t part = (size_t)(nl - data);
		jsonstream_gather(js, data, part);
		data += part + 1;
		len -= part + 1;
		if (jsonstream_emit(js) != 0)
			return 1;
	}
	return 0;
}

int jsonstream_finish(struct jsonstream *js)
{
	if (js->line.len == 0 && !js->overflow)
		return 0;
	return jsonstream_emit(js) != 0;
}

void jsonstream_reset(struct jsonstream *js)
{
	strbuf_reset(&js->line);
	js->overflow = false;
	js->lineno = 0;
}

void jsonstream_free(struct jsonstream *js)
{
	if (!js)
		return;
	strbuf_free(&js->line);
	free(js);
}
