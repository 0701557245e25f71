/* Markdown reports saved from the console (md_report.h): the default file name and the
 * atomic write (temp file in the same directory, fsync, rename). */
#include "views/md_report.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/xalloc.h"

static bool name_char_ok(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '-' || ch == '_' || ch == '.';
}

char *md_report_default_path(const char *kind, const char *scope, long long now)
{
	char day[16];
	time_t t = (time_t)now;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(day, sizeof day, "%Y-%m-%d", &tm);
	char *s = xstrdup(scope && *scope ? scope : "all");
	/* a tenant or group key is free text: no slash, so the name stays one file in "." */
	for (char *p = s; *p; p++)
		if (!name_char_ok(*p))
			*p = '-';
	char *path = xasprintf("./%s-%s-%s.md", kind, s, day);
	free(s);
	return path;
}

/* Prints into fd; false with errno set when something could not be written or synced. */
static bool print_to(int fd, md_report_print_fn *print, void *ud)
{
	FILE *out = fdopen(fd, "w");
	if (!out) {
		int e = errno;
		close(fd);
		errno = e;
		return false;
	}
	print(out, ud);
	bool ok = fflush(out) == 0 && !ferror(out);
	int e = errno;
	/* the rename below must not publish data still only in the page cache */
	if (ok && fsync(fileno(out)) != 0) {
		ok = false;
		e = errno;
	}
	if (fclose(out) != 0 && ok) {
		ok = false;
		e = errno;
	}
	errno = e ? e : EIO;
	return ok;
}

int md_report_save(const char *path, md_report_print_fn *print, void *ud, char *err,
		   size_t errlen)
{
	if (!path || !*path) {
		snprintf(err, errlen, "no file name");
		return -1;
	}
	char *tmp = xasprintf("%s.tmp-XXXXXX", path);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(tmp);
		return -1;
	}
	/* a report is meant to be shared: the usual mode, not mkstemp's 0600 */
	mode_t mask = umask(0);
	umask(mask);
	fchmod(fd, 0666 & ~mask);
	bool ok = print_to(fd, print, ud);
	int saved = errno;
	if (ok && rename(tmp, path) != 0) {
		ok = false;
		saved = errno;
	}
	if (!ok) {
		unlink(tmp);
		snprintf(err, errlen, "%s: %s", path, strerror(saved));
	}
	free(tmp);
	return ok ? 0 : -1;
}
