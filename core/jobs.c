/* Worker threads for blocking work (see jobs.h): a mutex-guarded FIFO, N threads, and
 * completions posted back to the loop. */
#include "core/jobs.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include "core/xalloc.h"

struct job {
	jobs_work_fn work;
	jobs_done_fn done;
	void *ud;
	struct job *next;
};

#define JOBS_MAX_THREADS 16

struct jobs {
	struct loop *loop;
	pthread_t threads[JOBS_MAX_THREADS];
	int nthreads;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct job *head, *tail;
	bool stopping;
};

/* Runs on the loop thread: the job's completion. */
static void job_finish(void *ud)
{
	struct job *job = ud;
	if (job->done)
		job->done(job->ud);
	free(job);
}

static void *jobs_worker(void *arg)
{
	struct jobs *jobs = arg;
	for (;;) {
		pthread_mutex_lock(&jobs->lock);
		while (!jobs->head && !jobs->stopping)
			pthread_cond_wait(&jobs->cond, &jobs->lock);
		struct job *job = jobs->head;
		if (!job) {   /* stopping and nothing left to do */
			pthread_mutex_unlock(&jobs->lock);
			return NULL;
		}
		jobs->head = job->next;
		if (!jobs->head)
			jobs->tail = NULL;
		pthread_mutex_unlock(&jobs->lock);
		job->work(job->ud);
		loop_post(jobs->loop, job_finish, job);
	}
}

struct jobs *jobs_new(struct loop *loop, int nthreads)
{
	if (nthreads <= 0)
		nthreads = 2;
	if (nthreads > JOBS_MAX_THREADS)
		nthreads = JOBS_MAX_THREADS;
	struct jobs *jobs = xcalloc(1, sizeof(*jobs));
	jobs->loop = loop;
	pthread_mutex_init(&jobs->lock, NULL);
	pthread_cond_init(&jobs->cond, NULL);
	for (int i = 0; i < nthreads; i++) {
		if (pthread_create(&jobs->threads[jobs->nthreads], NULL, jobs_worker, jobs) != 0)
			break;
		jobs->nthreads++;
	}
	if (jobs->nthreads == 0) {
		pthread_mutex_destroy(&jobs->lock);
		pthread_cond_destroy(&jobs->cond);
		free(jobs);
		return NULL;
	}
	return jobs;
}

void jobs_submit(struct jobs *jobs, jobs_work_fn work, jobs_done_fn done, void *ud)
{
	struct job *job = xcalloc(1, sizeof(*job));
	job->work = work;
	job->done = done;
	job->ud = ud;
	pthread_mutex_lock(&jobs->lock);
	if (jobs->tail)
		jobs->tail->next = job;
	else
		jobs->head = job;
	jobs->tail = job;
	pthread_cond_signal(&jobs->cond);
	pthread_mutex_unlock(&jobs->lock);
}

void jobs_free(struct jobs *jobs)
{
	if (!jobs)
		return;
	pthread_mutex_lock(&jobs->lock);
	jobs->stopping = true;
	pthread_cond_broadcast(&jobs->cond);
	pthread_mutex_unlock(&jobs->lock);
	for (int i = 0; i < jobs->nthreads; i++)
		pthread_join(jobs->threads[i], NULL);
	pthread_mutex_destroy(&jobs->lock);
	pthread_cond_destroy(&jobs->cond);
	free(jobs);
}
