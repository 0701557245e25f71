/* Who else may read or change a file that holds credentials: a kubeconfig with a token,
 * a platform.yaml with an Argo CD token. Readable by others is warned about; writable by
 * others is refused, since whoever can edit it can swap the exec plugin opsdeck runs. */
#ifndef OPSDECK_CORE_FILEMODE_H
#define OPSDECK_CORE_FILEMODE_H

#include <stddef.h>

enum filemode_exposure {
	FILEMODE_PRIVATE,   /* only the owner (or stat failed: the reader reports that) */
	FILEMODE_READABLE,  /* group- or world-readable, or group-writable */
	FILEMODE_WRITABLE,  /* world-writable */
};

/* The exposure of path (symlinks followed); *mode gets its permission bits (0 when
 * stat fails). mode may be NULL. */
enum filemode_exposure filemode_exposure(const char *path, unsigned *mode);

/* Checks a file known to hold credentials. what says what would be done with it ("read
 * its credentials", "run its exec plugin"). FILEMODE_WRITABLE: msg is the refusal
 * "PATH is writable by others (mode 0666): refusing to WHAT"; FILEMODE_READABLE: msg is
 * the warning "PATH holds credentials and is readable by others (mode 0644); chmod 600
 * it"; FILEMODE_PRIVATE: msg is "". */
enum filemode_exposure filemode_check(const char *path, const char *what, char *msg,
				      size_t msglen);

#endif
