/* Unit tests for views/md_report: the default report name (the UTC day, unsafe scope
 * characters replaced, "all" for no scope) and the atomic save (the printer's exact text,
 * no temp file left, a file replaced whole, errors with the path and the reason). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "views/md_report.h"
#include "tests/support/tmpdir.h"

/* 2026-11-20T23:30:00Z */
#define WHEN 1795217400LL

static void test_default_path(void **state)
{
	(void)state;
	char *p = md_report_default_path("findings", "payments", WHEN);
	assert_string_equal(p, "./findings-payments-2026-11-20.md");
	free(p);
	p = md_report_default_path("dora", NULL, WHEN);
	assert_string_equal(p, "./dora-all-2026-11-20.md");
	free(p);
	p = md_report_default_path("dora", "", WHEN + 3600);   /* the next UTC day */
	assert_string_equal(p, "./dora-all-2026-11-21.md");
	free(p);
	p = md_report_default_path("findings", "../team a/b", WHEN);
	assert_string_equal(p, "./findings-..-team-a-b-2026-11-20.md");
	free(p);
}

static void print_text(FILE *out, void *ud)
{
	fputs(ud, out);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	char buf[4096];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	return xstrdup(buf);
}

static size_t count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	assert_non_null(d);
	size_t n = 0;
	for (struct dirent *e = readdir(d); e; e = readdir(d))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void test_save_atomic(void **state)
{
	(void)state;
	char dir[256];
	test_tmp_template(dir, sizeof(dir), "opsdeck-mdreport-XXXXXX");
	assert_non_null(mkdtemp(dir));
	char *path = xasprintf("%s/report.md", dir);
	char err[512] = "";
	const char *first = "## Title\n\n| A |\n|---|\n| 1 |\n";
	assert_int_equal(md_report_save(path, print_text, (void *)first, err, sizeof err), 0);
	char *got = slurp(path);
	assert_non_null(got);
	assert_string_equal(got, first);
	free(got);
	/* saved again: replaced whole, and still only the report in the directory */
	const char *second = "## Other\n";
	assert_int_equal(md_report_save(path, print_text, (void *)second, err, sizeof err), 0);
	got = slurp(path);
	assert_string_equal(got, second);
	free(got);
	assert_int_equal(count_entries(dir), 1);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	mode_t mask = umask(0);
	umask(mask);
	assert_int_equal(st.st_mode & 0777, 0666 & ~mask);
	unlink(path);
	free(path);
	rmdir(dir);
}

static void test_save_errors(void **state)
{
	(void)state;
	char dir[256];
	test_tmp_template(dir, sizeof(dir), "opsdeck-mdreport-XXXXXX");
	assert_non_null(mkdtemp(dir));
	char *path = xasprintf("%s/missing/report.md", dir);
	char err[512] = "";
	assert_int_equal(md_report_save(path, print_text, (void *)"x", err, sizeof err), -1);
	char *want = xasprintf("%s: No such file or directory", path);
	assert_string_equal(err, want);
	free(want);
	free(path);
	/* the target a directory: the rename fails, the temp file goes away */
	path = xasprintf("%s/adir", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	err[0] = '\0';
	assert_int_equal(md_report_save(path, print_text, (void *)"x", err, sizeof err), -1);
	assert_true(strncmp(err, path, strlen(path)) == 0);
	assert_int_equal(count_entries(dir), 1);
	rmdir(path);
	free(path);
	assert_int_equal(md_report_save("", print_text, (void *)"x", err, sizeof err), -1);
	assert_string_equal(err, "no file name");
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_path),
		cmocka_unit_test(test_save_atomic),
		cmocka_unit_test(test_save_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
