/* What a status cell means, for colouring: a pod phase or container reason
 * ("CrashLoopBackOff"), a ready ratio ("1/2"), a restart count, an Argo CD sync or
 * health status, a condition summary. Pure string classification. */
#ifndef OPSDECK_CORE_STATUS_H
#define OPSDECK_CORE_STATUS_H

#include <stdbool.h>

enum status_class {
	STATUS_NONE,         /* not a status: plain */
	STATUS_OK,           /* Running, Ready, Bound, Active, Healthy, Synced, True */
	STATUS_WARN,         /* degraded but alive: restarts, not all ready */
	STATUS_ERROR,        /* CrashLoopBackOff, Error, ImagePullBackOff, OOMKilled, Failed,
			      * Evicted, NotReady, Lost, Degraded, False ... */
	STATUS_PENDING,      /* Pending, ContainerCreating, PodInitializing, Init:0/1,
			      * Progressing, Unknown */
	STATUS_TERMINATING,  /* Terminating */
	STATUS_COMPLETED,    /* Completed, Succeeded */
};

/* The class of a status word as kubectl prints it in STATUS/PHASE columns. */
enum status_class status_classify(const char *text);
/* "1/2": WARN when ready < total, OK when equal (and total > 0), NONE when not a ratio. */
enum status_class status_classify_ready(const char *text);
/* "3", "3 (5m ago)": WARN when > 0, NONE otherwise. */
enum status_class status_classify_restarts(const char *text);

#endif
