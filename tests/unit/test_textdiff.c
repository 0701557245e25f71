/* core/textdiff: unified diffs checked byte for byte against GNU `diff -u` run on temp
 * files, over edge cases and seeded random edits; plus speed and the structured form. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/strbuf.h"
#include "core/textdiff.h"
#include "core/xalloc.h"
#include "tests/support/tmpdir.h"

static char tmpdir[64];

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	fwrite(text, 1, strlen(text), f);
	assert_int_equal(fclose(f), 0);
}

/* GNU diff's answer for the two texts; `extra` adds options such as --minimal. */
static char *gnu_diff(const char *a, const char *b, int context, const char *extra)
{
	char fa[96], fb[96], cmd[400];
	snprintf(fa, sizeof(fa), "%s/a.txt", tmpdir);
	snprintf(fb, sizeof(fb), "%s/b.txt", tmpdir);
	write_file(fa, a);
	write_file(fb, b);
	snprintf(cmd, sizeof(cmd), "LC_ALL=C diff %s -U%d --label live --label target '%s' '%s'",
		 extra, context, fa, fb);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	struct strbuf out = STRBUF_INIT;
	char buf[4096];
	size_t got;
	while ((got = fread(buf, 1, sizeof(buf), p)) > 0)
		strbuf_append(&out, buf, got);
	int rc = pclose(p);
	assert_true(rc != -1 && WEXITSTATUS(rc) <= 1);
	return strbuf_detach(&out);
}

static double now_sec(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Asserts our diff is GNU's, byte for byte. */
static void expect_gnu(const char *a, const char *b, int context)
{
	char *want = gnu_diff(a, b, context, "");
	char *got = textdiff_unified(a, b, "live", "target", context);
	if (strcmp(want, got) != 0)
		fail_msg("context %d\n--- a ---\n%s\n--- b ---\n%s\n--- GNU ---\n%s--- ours ---\n%s",
			 context, a, b, want, got);
	free(want);
	free(got);
}

/* Rebuilds both texts from a diff of them (with context large enough to hold every
 * line), so a diff that is not GNU's can still be shown to be a correct one. */
static void rebuild(const char *diff, struct strbuf *old_text, struct strbuf *new_text)
{
	size_t n;
	struct textdiff_line *l = textdiff_lines(diff, &n);
	for (size_t i = 0; i < n; i++) {
		char op = l[i].op;
		if (op == 'h' || op == '@')
			continue;
		if (op == '\\') {
			/* the line before had no '\n': take back the one we added */
			char prev = l[i - 1].op;
			if (prev != '+')
				old_text->buf[--old_text->len] = '\0';
			if (prev != '-')
				new_text->buf[--new_text->len] = '\0';
			continue;
		}
		if (op != '+') {
			strbuf_append(old_text, l[i].text + 1, l[i].len - 1);
			strbuf_putc(old_text, '\n');
		}
		if (op != '-') {
			strbuf_append(new_text, l[i].text + 1, l[i].len - 1);
			strbuf_putc(new_text, '\n');
		}
	}
	textdiff_lines_free(l);
}

static size_t count_edits(const char *diff)
{
	size_t n, edits = 0;
	struct textdiff_line *l = textdiff_lines(diff, &n);
	for (size_t i = 0; i < n; i++)
		edits += l[i].op == '-' || l[i].op == '+';
	textdiff_lines_free(l);
	return edits;
}

/* A correct, shortest diff: rebuilds both texts and edits as few lines as
 * `diff --minimal` does. */
static void expect_valid_minimal(const char *a, const char *b)
{
	char *got = textdiff_unified(a, b, "live", "target", 1000000);
	struct strbuf old_text = STRBUF_INIT, new_text = STRBUF_INIT;
	rebuild(got, &old_text, &new_text);
	if (!*got) {
		assert_string_equal(a, b);
	} else {
		assert_string_equal(strbuf_str(&old_text), a);
		assert_string_equal(strbuf_str(&new_text), b);
	}
	char *want = gnu_diff(a, b, 0, "--minimal");
	assert_int_equal(count_edits(got), count_edits(want));
	free(want);
	free(got);
	strbuf_free(&old_text);
	strbuf_free(&new_text);
}

static int setup(void **state)
{
	(void)state;
	test_tmp_template(tmpdir, sizeof(tmpdir), "test_textdiff.XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	char path[96];
	(void)state;
	snprintf(path, sizeof(path), "%s/a.txt", tmpdir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/b.txt", tmpdir);
	unlink(path);
	return rmdir(tmpdir);
}

static void test_equal_texts_give_empty_string(void **state)
{
	(void)state;
	char *d = textdiff_unified("a\nb\n", "a\nb\n", "x", "y", 3);
	assert_non_null(d);
	assert_string_equal(d, "");
	free(d);
	d = textdiff_unified("", NULL, NULL, NULL, 3);
	assert_string_equal(d, "");
	free(d);
	expect_gnu("same\nlines\n", "same\nlines\n", 3);
}

static void test_exact_small_example(void **state)
{
	(void)state;
	char *d = textdiff_unified("a\nb\nc\n", "a\nB\nc\n", "live", "target", 3);
	assert_string_equal(d, "--- live\n+++ target\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n");
	free(d);
	d = textdiff_unified("x\ny\n", "x\nq\ny\n", NULL, NULL, 0);
	assert_string_equal(d, "--- a\n+++ b\n@@ -1,0 +2 @@\n+q\n");
	free(d);
}

static void test_empty_sides(void **state)
{
	(void)state;
	const char *text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n";
	for (int ctx = 0; ctx <= 3; ctx++) {
		expect_gnu("", text, ctx);
		expect_gnu(text, "", ctx);
		expect_gnu("", "only\n", ctx);
		expect_gnu("only\n", "", ctx);
		expect_gnu("", "no newline", ctx);
		expect_gnu("\n", "", ctx);
	}
	char *d = textdiff_unified("", "one\n", "a", "b", 3);
	assert_string_equal(d, "--- a\n+++ b\n@@ -0,0 +1 @@\n+one\n");
	free(d);
}

static void test_last_line_and_newlines(void **state)
{
	(void)state;
	const char *cases[][2] = {
		{"1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n4\n5\n6\n7\n8\nnine\n"},
		{"a\nb\nc\n", "a\nb\nc"},
		{"a\nb\nc", "a\nb\nc\n"},
		{"a\nb\nc", "a\nb\nd"},
		{"a\nb\nc", "a\nB\nc"},
		{"a\nb\nc", "a\nb"},
		{"x", "y"},
		{"x", "x\ny"},
		{"1\n2\n3\n4\n5\n6\n7\n8\nlast", "0\n1\n2\n3\n4\n5\n6\n7\n8\nlast"},
		{"a\r\nb\r\nc\r\n", "a\r\nB\r\nc\r\n"},
		{"a\r\nb\r\nc\r\n", "a\nb\nc\n"},
		{"a\r\nb\r\n", "a\r\nb\r\nc\r"},
		{"\n\n\n", "\n\nx\n\n"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		for (int ctx = 0; ctx <= 4; ctx++)
			expect_gnu(cases[i][0], cases[i][1], ctx);
	char *d = textdiff_unified("a\r\n", "b\r\n", "l", "t", 3);
	assert_string_equal(d, "--- l\n+++ t\n@@ -1 +1 @@\n-a\r\n+b\r\n");
	free(d);
}

static void test_hunk_joining_distance(void **state)
{
	(void)state;
	struct strbuf a = STRBUF_INIT;
	for (int i = 1; i <= 30; i++)
		strbuf_printf(&a, "%d\n", i);
	/* changes 5..8 unchanged lines apart: joined at 2*context, split past it */
	for (int gap = 4; gap <= 8; gap++) {
		char *b = xstrdup(a.buf);
		char *p = strstr(b, "\n3\n");
		p[1] = 'X';
		char key[16];
		snprintf(key, sizeof(key), "\n%d\n", 3 + gap + 1);
		p = strstr(b, key);
		p[1] = 'Y';
		for (int ctx = 0; ctx <= 4; ctx++)
			expect_gnu(a.buf, b, ctx);
		free(b);
	}
	strbuf_free(&a);
}

/* A small seeded generator, so failures repeat. */
static uint64_t rng_state;

static uint32_t rng_next(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 11);
}

static unsigned rng_below(unsigned n)
{
	return n ? rng_next() % n : 0;
}

/* A text of `n` lines; with vocab 0 every line is new, else lines repeat from a pool of
 * `vocab` (YAML-like lines such as "  - name: x" repeat a lot in manifests). */
static void gen_line(struct strbuf *sb, unsigned vocab, unsigned *fresh)
{
	if (vocab)
		strbuf_printf(sb, "  key%u: v\n", rng_below(vocab));
	else
		strbuf_printf(sb, "line %u\n", (*fresh)++);
}

static char *gen_text(unsigned n, unsigned vocab, unsigned *fresh)
{
	struct strbuf sb = STRBUF_INIT;
	for (unsigned i = 0; i < n; i++)
		gen_line(&sb, vocab, fresh);
	return strbuf_detach(&sb);
}

/* Random deletions, insertions and replacements of runs of lines. */
static char *gen_edit(const char *text, unsigned vocab, unsigned *fresh, unsigned rate)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p = text;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) + 1 : strlen(p);
		unsigned r = rng_below(100);
		if (r < rate / 3) {
			/* deleted */
		} else if (r < 2 * rate / 3) {
			for (unsigned k = 1 + rng_below(3); k > 0; k--)
				gen_line(&sb, vocab, fresh);
			strbuf_append(&sb, p, len);
		} else if (r < rate) {
			gen_line(&sb, vocab, fresh);
		} else {
			strbuf_append(&sb, p, len);
		}
		p += len;
	}
	if (rng_below(10) == 0)
		gen_line(&sb, vocab, fresh);
	return strbuf_detach(&sb);
}

static void drop_final_newline(char *text)
{
	size_t len = strlen(text);
	if (len && text[len - 1] == '\n')
		text[len - 1] = '\0';
}

static void random_case(unsigned vocab, bool exact, unsigned *mismatch)
{
	unsigned fresh = 0;
	char *a = gen_text(rng_below(40), vocab, &fresh);
	char *b = gen_edit(a, vocab, &fresh, 5 + rng_below(40));
	if (rng_below(8) == 0)
		drop_final_newline(a);
	if (rng_below(8) == 0)
		drop_final_newline(b);
	int ctx = (int)rng_below(6);
	if (exact) {
		expect_gnu(a, b, ctx);
	} else {
		char *want = gnu_diff(a, b, ctx, "");
		char *got = textdiff_unified(a, b, "live", "target", ctx);
		*mismatch += strcmp(want, got) != 0;
		free(want);
		free(got);
		expect_valid_minimal(a, b);
	}
	free(a);
	free(b);
}

static void test_random_unique_lines_match_gnu(void **state)
{
	(void)state;
	rng_state = 0x9E3779B97F4A7C15ULL;
	for (int i = 0; i < 300; i++)
		random_case(0, true, NULL);
}

/* With repeated lines several shortest scripts exist and GNU's pick depends on its
 * search's details, so only a share must match byte for byte; every diff must still be
 * correct and as short as `diff --minimal`. */
static void test_random_repeated_lines(void **state)
{
	(void)state;
	unsigned mismatch = 0, total = 0;
	rng_state = 0xD1B54A32D192ED03ULL;
	for (unsigned vocab = 2; vocab <= 12; vocab += 2)
		for (int i = 0; i < 50; i++, total++)
			random_case(vocab, false, &mismatch);
	print_message("repeated lines: %u of %u differ from GNU's (valid and minimal)\n",
		      mismatch, total);
	assert_true(mismatch * 4 < total);
}

static void test_large_few_changes_fast(void **state)
{
	(void)state;
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	for (int i = 0; i < 10000; i++) {
		strbuf_printf(&a, "    field%d: value-%d\n", i % 50, i);
		if (i % 1000 == 500)
			strbuf_printf(&b, "    changed%d: x\n", i);
		else if (i % 1700 != 3)
			strbuf_printf(&b, "    field%d: value-%d\n", i % 50, i);
	}
	double t0 = now_sec();
	char *d = textdiff_unified(a.buf, b.buf, "live", "target", 3);
	double dt = now_sec() - t0;
	print_message("10,000 lines, 16 edits: %.2f ms\n", dt * 1e3);
	assert_true(dt < 0.5);
	free(d);
	expect_gnu(a.buf, b.buf, 3);
	strbuf_free(&a);
	strbuf_free(&b);
}

/* Past TEXTDIFF_MAX_EDITS the search restarts from its furthest point: bounded memory
 * and time, still a correct diff. */
static void test_large_all_different_bounded(void **state)
{
	(void)state;
	unsigned fresh = 0;
	rng_state = 42;
	char *a = gen_text(5000, 8, &fresh);
	char *b = gen_text(5000, 8, &fresh);
	double t0 = now_sec();
	char *d = textdiff_unified(a, b, "live", "target", 3);
	double dt = now_sec() - t0;
	print_message("5,000 vs 5,000 random lines: %.2f ms, %zu edits\n", dt * 1e3,
		      count_edits(d));
	assert_true(dt < 2.0);
	free(d);
	d = textdiff_unified(a, b, "live", "target", 1000000);
	struct strbuf old_text = STRBUF_INIT, new_text = STRBUF_INIT;
	rebuild(d, &old_text, &new_text);
	assert_string_equal(old_text.buf, a);
	assert_string_equal(new_text.buf, b);
	free(d);
	strbuf_free(&old_text);
	strbuf_free(&new_text);
	free(a);
	free(b);

	/* no line in common: one hunk of everything, as GNU prints it */
	a = gen_text(5000, 0, &fresh);
	b = gen_text(5000, 0, &fresh);
	t0 = now_sec();
	d = textdiff_unified(a, b, "live", "target", 3);
	print_message("5,000 vs 5,000 disjoint lines: %.2f ms\n", (now_sec() - t0) * 1e3);
	free(d);
	expect_gnu(a, b, 3);
	free(a);
	free(b);
}

static void test_lines_structured(void **state)
{
	(void)state;
	char *d = textdiff_unified("k: 1\n-- x\nz", "k: 2\n-- x\nz\n", "live", "target", 3);
	size_t n;
	struct textdiff_line *l = textdiff_lines(d, &n);
	const char *ops = "hh@-+ -\\+";
	assert_int_equal(n, strlen(ops));
	for (size_t i = 0; i < n; i++)
		assert_int_equal(l[i].op, ops[i]);
	assert_int_equal(l[0].len, strlen("--- live"));
	assert_memory_equal(l[0].text, "--- live", l[0].len);
	assert_memory_equal(l[5].text, " -- x", l[5].len);
	assert_int_equal(l[8].len, 2);
	textdiff_lines_free(l);
	free(d);

	/* two files as `argocd app diff` prints them; "--- x" inside a hunk is a removal */
	const char *multi = "===== apps/Deployment ns/web ======\n"
			    "@@ -1 +1 @@\n--- x\n+b\n"
			    "===== /ConfigMap ns/cm ======\n"
			    "@@ -3,2 +3,2 @@\n c\n-d\n+e\n";
	l = textdiff_lines(multi, &n);
	ops = "h@-+h@ -+";
	assert_int_equal(n, strlen(ops));
	for (size_t i = 0; i < n; i++)
		assert_int_equal(l[i].op, ops[i]);
	textdiff_lines_free(l);
	assert_null(textdiff_lines("", &n));
	assert_int_equal(n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_equal_texts_give_empty_string),
		cmocka_unit_test(test_exact_small_example),
		cmocka_unit_test(test_empty_sides),
		cmocka_unit_test(test_last_line_and_newlines),
		cmocka_unit_test(test_hunk_joining_distance),
		cmocka_unit_test(test_random_unique_lines_match_gnu),
		cmocka_unit_test(test_random_repeated_lines),
		cmocka_unit_test(test_large_few_changes_fast),
		cmocka_unit_test(test_large_all_different_bounded),
		cmocka_unit_test(test_lines_structured),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
