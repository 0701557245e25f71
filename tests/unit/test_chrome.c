/* Unit tests for tui/chrome: the header at 80 and 200 columns (what is dropped first, the
 * READ-ONLY badge kept, each connection state), crumbs cut from the left, the footer
 * showing whole REQ_FOOTER items only, and the flash levels' styles. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "tests/support/curses_test.h"
#include "tui/chrome.h"
#include "tui/glyphs.h"

static int group_setup(void **state)
{
	return curses_test_setup(state, 30, 220, "mono");
}

/* The whole row 0 of w as UTF-8, trailing spaces kept: every chrome bar is one line. */
static char *row_text(WINDOW *w, char *buf, size_t cap)
{
	return curses_test_text(w, 0, 0, -1, buf, cap);
}

static struct chrome_header sample_header(void)
{
	struct chrome_header h = {
		.context = "nonprod",
		.identity = "sandbox-admin",
		.namespace = "payments-development-long",
		.version = "v1.30.0",
		.readonly = true,
		.env = THEME_HEADER_CONTEXT,
		.conn = CHROME_CONN_RETRYING,
		.retry_in_s = 4,
		.conn_detail = "connection refused",
	};
	return h;
}

static void test_header_wide(void **state)
{
	(void)state;
	WINDOW *w = newwin(1, 200, 0, 0);
	struct chrome_header h = sample_header();
	char buf[1024];
	chrome_draw_header(w, &h);
	row_text(w, buf, sizeof buf);
	assert_true(strncmp(buf, "opsdeck  ctx: nonprod  user: sandbox-admin  "
				 "ns: payments-development-long  k8s: v1.30.0  [READ-ONLY]  ",
			    strlen("opsdeck  ctx: nonprod  user: sandbox-admin  "
				   "ns: payments-development-long  k8s: v1.30.0  [READ-ONLY]  ")) == 0);
	/* the connection state right-aligned, with its detail */
	const char *right = "retrying in 4s: connection refused";
	assert_string_equal(buf + strlen(buf) - strlen(right), right);
	/* connection-retry, header, the context, padding */
	assert_int_equal(curses_test_attrs(w, 0, 200 - 34), A_REVERSE | A_BOLD);
	assert_int_equal(curses_test_attrs(w, 0, 0), A_REVERSE);
	assert_int_equal(curses_test_attrs(w, 0, 14), A_REVERSE | A_BOLD);
	assert_int_equal(curses_test_attrs(w, 0, 120), A_REVERSE);
	char *badge = strstr(buf, "[READ-ONLY]");
	assert_int_equal(curses_test_attrs(w, 0, (int)(badge - buf)), A_BOLD | A_UNDERLINE);

	/* no badge when not read-only; a production context in its environment style */
	h.readonly = false;
	h.env = THEME_ENV_PRODUCTION;
	h.conn = CHROME_CONN_OK;
	chrome_draw_header(w, &h);
	row_text(w, buf, sizeof buf);
	assert_null(strstr(buf, "READ-ONLY"));
	assert_int_equal(curses_test_attrs(w, 0, 14), A_BOLD | A_UNDERLINE);
	curses_test_rtrim(buf);
	assert_string_equal(buf + strlen(buf) - strlen("\xe2\x80\xa2 connected"),
			    "\xe2\x80\xa2 connected");
	delwin(w);
}

static void test_header_80_drops_in_order(void **state)
{
	(void)state;
	WINDOW *w = newwin(1, 80, 0, 0);
	struct chrome_header h = sample_header();
	char buf[1024];
	chrome_draw_header(w, &h);
	/* version, the retry detail and the identity gone, the namespace cut by one */
	assert_string_equal(row_text(w, buf, sizeof buf),
			    "opsdeck  ctx: nonprod  ns: payments-development-lo\xe2\x80\xa6  "
			    "[READ-ONLY]  retrying in 4s");

	/* a short namespace leaves room for the identity, not the version */
	h.namespace = "shop";
	h.conn = CHROME_CONN_OK;
	chrome_draw_header(w, &h);
	curses_test_rtrim(row_text(w, buf, sizeof buf));
	assert_non_null(strstr(buf, "user: sandbox-admin  ns: shop  [READ-ONLY]"));
	assert_null(strstr(buf, "v1.30.0"));
	assert_string_equal(buf + strlen(buf) - strlen("connected"), "connected");

	/* very narrow: the badge and the context are what is left */
	WINDOW *narrow = newwin(1, 30, 1, 0);
	h = sample_header();
	chrome_draw_header(narrow, &h);
	curses_test_rtrim(row_text(narrow, buf, sizeof buf));
	assert_string_equal(buf, "ctx: nonprod  [READ-ONLY]");
	delwin(narrow);
	narrow = newwin(1, 16, 1, 0);
	chrome_draw_header(narrow, &h);
	curses_test_rtrim(row_text(narrow, buf, sizeof buf));
	assert_string_equal(buf, "[READ-ONLY]");
	delwin(narrow);
	delwin(w);
}

static void test_header_connection_states(void **state)
{
	(void)state;
	WINDOW *w = newwin(1, 80, 0, 0);
	struct chrome_header h = {.context = "kind", .env = THEME_HEADER_CONTEXT};
	char buf[1024];
	static const struct {
		enum chrome_conn conn;
		const char *detail, *text;
		attr_t attrs;
	} cases[] = {
		{CHROME_CONN_NONE, NULL, "ctx: kind", A_REVERSE},
		{CHROME_CONN_OK, NULL, "\xe2\x80\xa2 connected", A_REVERSE},
		{CHROME_CONN_LOADING, NULL, "\xe2\x80\xa2 loading", A_REVERSE},
		{CHROME_CONN_RETRYING, NULL, "retrying in 12s", A_REVERSE | A_BOLD},
		{CHROME_CONN_RETRYING, "timeout", "retrying in 12s: timeout", A_REVERSE | A_BOLD},
		{CHROME_CONN_DOWN, "forbidden", "\xe2\x9c\x97 forbidden",
		 A_REVERSE | A_BOLD | A_UNDERLINE},
		{CHROME_CONN_DOWN, NULL, "\xe2\x9c\x97 down", A_REVERSE | A_BOLD | A_UNDERLINE},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		h.conn = cases[i].conn;
		h.conn_detail = cases[i].detail;
		h.retry_in_s = 12;
		chrome_draw_header(w, &h);
		curses_test_rtrim(row_text(w, buf, sizeof buf));
		size_t n = strlen(cases[i].text);
		assert_true(strlen(buf) >= n);
		assert_string_equal(buf + strlen(buf) - n, cases[i].text);
		assert_int_equal(curses_test_attrs(w, 0, 79), cases[i].attrs);
	}
	delwin(w);
}

/* Stale rows: "stale Ns · " before the state, kept at 80 columns where the retry detail
 * goes, in the connection's style; nothing when the rows are current. */
static void test_header_stale(void **state)
{
	(void)state;
	WINDOW *w = newwin(1, 200, 0, 0);
	struct chrome_header h = sample_header();
	h.stale = true;
	h.stale_s = 12;
	h.conn_detail = "503 Service Unavailable";
	char buf[1024];
	chrome_draw_header(w, &h);
	curses_test_rtrim(row_text(w, buf, sizeof buf));
	const char *right = "stale 12s \xc2\xb7 retrying in 4s: 503 Service Unavailable";
	assert_true(strlen(buf) > strlen(right));
	assert_string_equal(buf + strlen(buf) - strlen(right), right);
	/* "stale" is drawn in the retry style, as the countdown */
	assert_int_equal(curses_test_attrs(w, 0, 200 - 49), A_REVERSE | A_BOLD);
	delwin(w);

	w = newwin(1, 80, 0, 0);
	chrome_draw_header(w, &h);
	curses_test_rtrim(row_text(w, buf, sizeof buf));
	/* the detail dropped before the countdown and the mark */
	right = "stale 12s \xc2\xb7 retrying in 4s";
	assert_string_equal(buf + strlen(buf) - strlen(right), right);
	assert_null(strstr(buf, "503"));
	assert_non_null(strstr(buf, "ctx: nonprod"));
	assert_non_null(strstr(buf, "[READ-ONLY]"));

	/* down with stale rows; relisting with stale rows */
	h.conn = CHROME_CONN_DOWN;
	h.conn_detail = "forbidden";
	h.stale_s = 75;
	chrome_draw_header(w, &h);
	curses_test_rtrim(row_text(w, buf, sizeof buf));
	right = "stale 75s \xc2\xb7 \xe2\x9c\x97 forbidden";
	assert_string_equal(buf + strlen(buf) - strlen(right), right);
	h.conn = CHROME_CONN_LOADING;
	chrome_draw_header(w, &h);
	curses_test_rtrim(row_text(w, buf, sizeof buf));
	right = "stale 75s \xc2\xb7 \xe2\x80\xa2 loading";
	assert_string_equal(buf + strlen(buf) - strlen(right), right);

	/* current rows: no mark */
	h.stale = false;
	h.conn = CHROME_CONN_RETRYING;
	chrome_draw_header(w, &h);
	row_text(w, buf, sizeof buf);
	assert_null(strstr(buf, "stale"));
	assert_non_null(strstr(buf, "retrying in 4s"));
	/* no connection, nothing to be stale about */
	h.stale = true;
	h.conn = CHROME_CONN_NONE;
	chrome_draw_header(w, &h);
	row_text(w, buf, sizeof buf);
	assert_null(strstr(buf, "stale"));
	delwin(w);
}

/* TLS verification off: the INSECURE badge next to READ-ONLY, in its own style, and
 * like READ-ONLY it outlasts the context when the line is short. */
static void test_header_insecure(void **state)
{
	(void)state;
	WINDOW *w = newwin(1, 200, 0, 0);
	struct chrome_header h = sample_header();
	char buf[1024];
	h.insecure = true;
	chrome_draw_header(w, &h);
	row_text(w, buf, sizeof buf);
	char *badge = strstr(buf, "[READ-ONLY]  [INSECURE]  ");
	assert_non_null(badge);
	int x = (int)(badge - buf) + (int)strlen("[READ-ONLY]  ");
	assert_int_equal(curses_test_attrs(w, 0, x), A_BOLD | A_REVERSE);
	assert_int_equal(curses_test_attrs(w, 0, x - 1), A_REVERSE);
	h.insecure = false;
	chrome_draw_header(w, &h);
	assert_null(strstr(row_text(w, buf, sizeof buf), "INSECURE"));
	delwin(w);

	/* at 80 columns everything else goes first */
	w = newwin(1, 80, 0, 0);
	h = sample_header();
	h.insecure = true;
	chrome_draw_header(w, &h);
	curses_test_rtrim(row_text(w, buf, sizeof buf));
	assert_non_null(strstr(buf, "ctx: nonprod  "));
	assert_non_null(strstr(buf, "[READ-ONLY]  [INSECURE]"));
	delwin(w);

	/* narrow: the context is cut before either badge */
	w = newwin(1, 30, 1, 0);
	chrome_draw_header(w, &h);
	curses_test_rtrim(row_text(w, buf, sizeof buf));
	assert_string_equal(buf, "[READ-ONLY]  [INSECURE]");
	h.readonly = false;
	chrome_draw_header(w, &h);
	curses_test_rtrim(row_text(w, buf, sizeof buf));
	assert_string_equal(buf, "ctx: nonprod  [INSECURE]");
	delwin(w);
}

static void test_crumbs(void **state)
{
	(void)state;
	WINDOW *w = newwin(1, 60, 0, 0);
	const char *const crumbs[] = {"pods", "web-7d4b9", "yaml"};
	char buf[1024];
	chrome_draw_crumbs(w, crumbs, 3, "/web  42/310");
	curses_test_rtrim(row_text(w, buf, sizeof buf));
	assert_true(strncmp(buf, "pods \xe2\x80\xba web-7d4b9 \xe2\x80\xba yaml ", 28) == 0);
	assert_string_equal(buf + strlen(buf) - 12, "/web  42/310");
	assert_int_equal(curses_test_attrs(w, 0, 8), 0);       /* "web-7d4b9" in crumbs */
	assert_int_equal(curses_test_attrs(w, 0, 19), A_BOLD); /* "yaml", the active crumb */
	delwin(w);

	/* 20 columns: the position text goes, then the first crumb behind "…" */
	w = newwin(1, 20, 0, 0);
	chrome_draw_crumbs(w, crumbs, 3, "/web  42/310");
	assert_string_equal(row_text(w, buf, sizeof buf),
			    "\xe2\x80\xa6 \xe2\x80\xba web-7d4b9 \xe2\x80\xba yaml");
	delwin(w);
	w = newwin(1, 12, 0, 0);
	chrome_draw_crumbs(w, crumbs, 3, NULL);
	assert_string_equal(row_text(w, buf, sizeof buf), "\xe2\x80\xa6 \xe2\x80\xba yaml    ");
	/* a last crumb wider than the line is cut at its end */
	const char *const one[] = {"replicasets-frontend"};
	chrome_draw_crumbs(w, one, 1, NULL);
	assert_string_equal(row_text(w, buf, sizeof buf), "replicasets\xe2\x80\xa6");
	/* a non-UTF-8 locale gets the ASCII glyphs */
	glyphs_use_utf8(false);
	chrome_draw_crumbs(w, crumbs, 3, NULL);
	assert_string_equal(row_text(w, buf, sizeof buf), "~ > yaml    ");
	glyphs_use_utf8(true);
	delwin(w);
}

static void test_footer(void **state)
{
	(void)state;
	const struct keymap_help_item items[] = {
		{REQ_HELP, {'?'}, 1},
		{REQ_COMMAND, {':'}, 1},
		{REQ_MOVE_DOWN, {'j', KEY_DOWN}, 2}, /* no REQ_FOOTER: never shown */
		{REQ_FILTER, {'/'}, 1},
		{REQ_DESCRIBE, {'d'}, 1},
		{REQ_SORT_NAME, {'N'}, 1},
		{REQ_DELETE, {4}, 1},
		{REQ_LOGS, {'l'}, 1},
	};
	size_t n = sizeof items / sizeof items[0];
	char buf[1024];
	WINDOW *w = newwin(1, 100, 0, 0);
	chrome_draw_footer(w, items, n);
	curses_test_rtrim(row_text(w, buf, sizeof buf));
	assert_string_equal(buf, "<?> help  <:> command  </> filter  <d> describe  "
				 "<ctrl-d> delete  <l> logs");
	assert_int_equal(curses_test_attrs(w, 0, 0), A_REVERSE | A_BOLD); /* footer-key */
	assert_int_equal(curses_test_attrs(w, 0, 4), A_REVERSE);          /* footer */
	assert_int_equal(curses_test_attrs(w, 0, 99), A_REVERSE);         /* padded */
	delwin(w);
	/* 60 columns: "<ctrl-d> delete" would end at 64, so it and what follows stay out */
	w = newwin(1, 60, 0, 0);
	chrome_draw_footer(w, items, n);
	curses_test_rtrim(row_text(w, buf, sizeof buf));
	assert_string_equal(buf, "<?> help  <:> command  </> filter  <d> describe");
	delwin(w);
	w = newwin(1, 7, 0, 0); /* not even the first item */
	chrome_draw_footer(w, items, n);
	assert_string_equal(row_text(w, buf, sizeof buf), "       ");
	delwin(w);
}

static void test_flash_mono(void **state)
{
	(void)state;
	WINDOW *w = newwin(1, 20, 0, 0);
	char buf[256];
	chrome_draw_flash(w, CHROME_FLASH_INFO, "saved");
	assert_string_equal(row_text(w, buf, sizeof buf), "saved               ");
	assert_int_equal(curses_test_attrs(w, 0, 0), A_REVERSE);
	assert_int_equal(curses_test_attrs(w, 0, 19), A_REVERSE);
	chrome_draw_flash(w, CHROME_FLASH_WARN, "slow");
	assert_int_equal(curses_test_attrs(w, 0, 0), A_REVERSE | A_BOLD);
	chrome_draw_flash(w, CHROME_FLASH_ERROR, "delete failed: forbidden by policy");
	assert_string_equal(row_text(w, buf, sizeof buf), "delete failed: forb\xe2\x80\xa6");
	assert_int_equal(curses_test_attrs(w, 0, 0), A_REVERSE | A_BOLD | A_UNDERLINE);
	chrome_draw_flash(w, CHROME_FLASH_ERROR, "");
	assert_string_equal(row_text(w, buf, sizeof buf), "                    ");
	assert_int_equal(curses_test_attrs(w, 0, 0), 0);
	chrome_draw_flash(w, CHROME_FLASH_WARN, "tab\there");
	assert_string_equal(row_text(w, buf, sizeof buf), "tab?here            ");
	delwin(w);
}

/* Last: it starts colours, which the mono tests above do without. */
static void test_flash_dark_colours(void **state)
{
	(void)state;
	assert_int_equal(start_color(), OK);
	use_default_colors();
	struct theme *dark = curses_test_theme_use("dark", true);
	assert_non_null(dark);
	WINDOW *w = newwin(1, 20, 0, 0);
	chrome_draw_flash(w, CHROME_FLASH_INFO, "ok");
	short info = curses_test_pair(w, 0, 0);
	assert_int_equal(curses_test_pair(w, 0, 19), info); /* the colour fills the line */
	chrome_draw_flash(w, CHROME_FLASH_WARN, "hm");
	short warn = curses_test_pair(w, 0, 0);
	chrome_draw_flash(w, CHROME_FLASH_ERROR, "no");
	short error = curses_test_pair(w, 0, 0);
	assert_true(info != 0 && warn != 0 && error != 0);
	assert_true(info != warn && warn != error && info != error);
	assert_int_equal((short)PAIR_NUMBER(theme_attr(THEME_FLASH_ERROR)), error);
	delwin(w);
	theme_free(dark);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_wide),
		cmocka_unit_test(test_header_80_drops_in_order),
		cmocka_unit_test(test_header_connection_states),
		cmocka_unit_test(test_header_stale),
		cmocka_unit_test(test_header_insecure),
		cmocka_unit_test(test_crumbs),
		cmocka_unit_test(test_footer),
		cmocka_unit_test(test_flash_mono),
		cmocka_unit_test(test_flash_dark_colours),
	};
	return cmocka_run_group_tests(tests, group_setup, curses_test_teardown);
}
