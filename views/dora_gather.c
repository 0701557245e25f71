/* DORA's sources (views/dora_gather.h): the GitOps history under the promotions' lock,
 * the timeline, and Prometheus's ALERTS over the window in chunks. */
#include "views/dora_gather.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "clients/http.h"
#include "clients/kube.h"
#include "clients/prometheus_config.h"
#include "core/loop.h"
#include "core/xalloc.h"

/* The whole window at 60 s steps can take a few chunks: a minute for all of them. */
#define DORA_PROM_TIMEOUT_MS 60000LL

int dora_git_source_init(struct dora_git_source *s, const struct platform *p, char *err,
			 size_t errlen)
{
	memset(s, 0, sizeof *s);
	if (!p || !p->gitops.repo)
		return 0;
	if (promote_remote_init(&s->pr, p, err, errlen) < 0)
		return -1;
	const char *pattern = p->gitops.path ? p->gitops.path : "envs/{env}/{service}";
	const char *brace = strchr(pattern, '{');
	s->under = xstrndup(pattern, brace ? (size_t)(brace - pattern) : strlen(pattern));
	s->has_repo = true;
	return 0;
}

void dora_git_source_clear(struct dora_git_source *s)
{
	if (s->has_repo)
		promote_remote_clear(&s->pr);
	free(s->under);
	memset(s, 0, sizeof *s);
}

int dora_git_read(const struct dora_git_source *s, long long since,
		  struct gitops_history_commit **commits, size_t *n, char *err, size_t errlen)
{
	*commits = NULL;
	*n = 0;
	if (!s->has_repo)
		return 0;
	char *lock = xasprintf("%s.lock", s->pr.cache_dir);
	int fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd >= 0)
		flock(fd, LOCK_EX);   /* promotions use the same clone and lock */
	int rc = gitops_sync(&s->pr.r, NULL, err, errlen);
	if (rc == 0)
		rc = gitops_history(&s->pr.r, s->under, since, commits, n, err, errlen);
	if (fd >= 0)
		close(fd);
	free(lock);
	return rc < 0 ? -1 : 0;
}

int dora_timeline_read(long long since, struct timeline_list *l, char *err, size_t errlen)
{
	char *path = timeline_default_path();
	struct timeline_filter f = {.since = since, .kind = TIMELINE_ANY};
	int rc = 0;
	memset(l, 0, sizeof *l);
	if (path && timeline_read(path, &f, l, err, errlen) < 0) {
		timeline_list_free(l);
		memset(l, 0, sizeof *l);
		rc = -1;
	}
	free(path);
	return rc;
}

/* ---- Prometheus ------------------------------------------------------------------------ */

struct dora_prom_fetch {
	struct prom_client *pc;
	struct prom_call *call;
	long long next_ms, last_ms;   /* the next chunk's start; the last evaluation */
	struct prom_result merged;
	dora_prom_fn done;
	void *ud;
};

static void on_chunk(void *ud, const char *err, const struct prom_result *res);

static struct prom_call *ask_chunk(struct dora_prom_fetch *f)
{
	long long end = dora_alerts_chunk_end(f->next_ms, f->last_ms, DORA_ALERTS_STEP_MS);
	struct prom_call *c = prom_query_range(f->pc, DORA_ALERTS_QUERY, f->next_ms, end,
					       DORA_ALERTS_STEP_MS, on_chunk, f);
	f->next_ms = end + DORA_ALERTS_STEP_MS;
	return c;
}

static void fetch_end(struct dora_prom_fetch *f, const char *err)
{
	f->done(f->ud, err, err ? NULL : &f->merged, f->last_ms);
	prom_result_free(&f->merged);
	free(f);
}

static void on_chunk(void *ud, const char *err, const struct prom_result *res)
{
	struct dora_prom_fetch *f = ud;
	f->call = NULL;
	if (err) {
		fetch_end(f, err);
		return;
	}
	dora_alerts_merge(&f->merged, res);
	if (f->next_ms > f->last_ms) {
		fetch_end(f, NULL);
		return;
	}
	f->call = ask_chunk(f);
	if (!f->call)
		fetch_end(f, "cannot ask Prometheus");
}

struct dora_prom_fetch *dora_prom_fetch_start(struct prom_client *pc, long long from,
					      long long to, dora_prom_fn done, void *ud)
{
	long long now = (long long)time(NULL);
	/* The window is [from, to): its last evaluation is a second before `to`, so an alert
	 * first seen there starts inside the window, not at its excluded end. */
	long long start_ms = from * 1000, end_ms = (to < now ? to : now) * 1000 - 1000;
	if (end_ms < start_ms)
		end_ms = start_ms;
	/* The step grid ends exactly at the end: Prometheus evaluates a range query at
	 * start, start + step, ..., so a grid laid from the start would stop up to a step
	 * early and miss an alert that began firing in the window's last minute. */
	long long steps = (end_ms - start_ms + DORA_ALERTS_STEP_MS - 1) / DORA_ALERTS_STEP_MS;
	start_ms = end_ms - steps * DORA_ALERTS_STEP_MS;
	struct dora_prom_fetch *f = xcalloc(1, sizeof *f);
	f->pc = pc;
	f->done = done;
	f->ud = ud;
	f->next_ms = start_ms;
	f->last_ms = end_ms;
	f->call = ask_chunk(f);
	if (!f->call) {
		free(f);
		return NULL;
	}
	return f;
}

void dora_prom_fetch_cancel(struct dora_prom_fetch *f)
{
	if (!f)
		return;
	if (f->call)
		prom_call_cancel(f->call);
	prom_result_free(&f->merged);
	free(f);
}

struct prom_answer {
	bool done;
	char *err;
	const struct platform *p;
	struct dora_alerts *out;
};

static void prom_answer_done(void *ud, const char *err, const struct prom_result *matrix,
			     long long last_ms)
{
	struct prom_answer *a = ud;
	a->done = true;
	if (err)
		a->err = xstrdup(err);
	else
		dora_alerts_from_matrix(a->out, a->p, matrix, DORA_ALERTS_STEP_MS, last_ms);
}

int dora_prom_read(const char *platform_path, const struct platform *p, long long from,
		   long long to, struct dora_alerts *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	struct prom_config_owned cfg;
	int rc = prom_config_resolve(platform_path, &cfg, err, errlen);
	if (rc != 0)
		return rc;
	struct loop *loop = loop_new();
	struct http *http = http_new(loop);
	struct prom_config view = prom_config_view(&cfg);
	struct prom_client *pc = prom_client_new(http, &view);
	struct prom_answer a = {.p = p, .out = out};
	struct dora_prom_fetch *f = dora_prom_fetch_start(pc, from, to, prom_answer_done, &a);
	rc = 0;
	if (!f) {
		snprintf(err, errlen, "cannot ask Prometheus at %s", cfg.url);
		rc = -1;
	} else if (kube_run_until(loop, &a.done, DORA_PROM_TIMEOUT_MS) < 0) {
		dora_prom_fetch_cancel(f);
		snprintf(err, errlen, "no answer from Prometheus at %s", cfg.url);
		rc = -1;
	} else if (a.err) {
		snprintf(err, errlen, "Prometheus at %s: %s", cfg.url, a.err);
		rc = -1;
	}
	free(a.err);
	if (rc < 0)
		dora_alerts_free(out);
	prom_client_free(pc);
	http_free(http);
	loop_free(loop);
	prom_config_clear(&cfg);
	return rc;
}
