/* A small fixed pool of worker threads for blocking work (exec credential plugins, git):
 * the work runs on a worker, its completion runs back on the event loop thread. */
#ifndef OPSDECK_CORE_JOBS_H
#define OPSDECK_CORE_JOBS_H

#include "core/loop.h"

struct jobs;

/* Runs on a worker thread: must not touch loop-owned state. */
typedef void (*jobs_work_fn)(void *ud);
/* Runs on the loop thread after work_fn returned (handed back through loop_post). */
typedef void (*jobs_done_fn)(void *ud);

/* nthreads workers (1..16; 0 means 2). Returns NULL if no thread could be started. */
struct jobs *jobs_new(struct loop *loop, int nthreads);
/* Queues work; done may be NULL. Jobs run in submission order when nthreads is 1. */
void jobs_submit(struct jobs *jobs, jobs_work_fn work, jobs_done_fn done, void *ud);
/* Waits for every queued and running job to finish, then stops the workers. Their done
 * callbacks have been posted to the loop and run at its next turns. */
void jobs_free(struct jobs *jobs);

#endif
