/* File permission checks for files that hold credentials (core/filemode.h). */
#include "core/filemode.h"

#include <stdio.h>
#include <sys/stat.h>

enum filemode_exposure filemode_exposure(const char *path, unsigned *mode)
{
	struct stat st;
	if (mode)
		*mode = 0;
	if (!path || stat(path, &st) != 0)
		return FILEMODE_PRIVATE;
	if (mode)
		*mode = (unsigned)(st.st_mode & 07777);
	if (st.st_mode & S_IWOTH)
		return FILEMODE_WRITABLE;
	/* a group that can write can also read what it wrote: warn, as for reading */
	if (st.st_mode & (S_IRGRP | S_IROTH | S_IWGRP))
		return FILEMODE_READABLE;
	return FILEMODE_PRIVATE;
}

enum filemode_exposure filemode_check(const char *path, const char *what, char *msg,
				      size_t msglen)
{
	unsigned mode;
	enum filemode_exposure e = filemode_exposure(path, &mode);
	if (msglen)
		msg[0] = '\0';
	if (e == FILEMODE_WRITABLE)
		snprintf(msg, msglen, "%s is writable by others (mode %04o): refusing to %s",
			 path, mode, what);
	else if (e == FILEMODE_READABLE)
		snprintf(msg, msglen, "%s holds credentials and is readable by others "
			 "(mode %04o); chmod 600 it", path, mode);
	return e;
}
