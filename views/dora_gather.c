/* DORA's sources (views/dora_gather.h): the GitOps history under the promotions' lock,
 * and the timeline. */
#include "views/dora_gather.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "core/xalloc.h"

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
