/* The console's clusters (views/session.h): clients made on first use and a background
 * probe per cluster (server version, the identity it sees, discovery). */
#include "views/session.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

enum { SESSION_MAX_LISTENERS = 8 };

struct session_listener {
	session_changed_fn fn;
	void *ud;
};

struct session {
	struct loop *loop;
	struct http *http;
	struct jobs *jobs;
	const struct kubeconfig *kcfg;
	struct session_cluster *clusters;
	size_t n;
	struct session_listener listeners[SESSION_MAX_LISTENERS];
	size_t nlisteners;
};

/* A probe in flight: three answers, then the listeners hear of it once. */
struct session_probe {
	struct session *s;
	struct session_cluster *cl;
	int pending;
	bool failed;
};

struct session *session_new(struct loop *loop, struct http *http, struct jobs *jobs,
			    const struct kubeconfig *kcfg)
{
	struct session *s = xcalloc(1, sizeof(*s));
	s->loop = loop;
	s->http = http;
	s->jobs = jobs;
	s->kcfg = kcfg;
	s->n = kcfg->ncontexts;
	s->clusters = xcalloc(s->n ? s->n : 1, sizeof(*s->clusters));
	for (size_t i = 0; i < s->n; i++)
		s->clusters[i].ctx = &kcfg->contexts[i];
	return s;
}

void session_free(struct session *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		struct session_cluster *cl = &s->clusters[i];
		kube_client_free(cl->kc); /* cancels probes in flight: no callback runs */
		free(cl->probe);
		free(cl->version);
		free(cl->identity);
		free(cl->error);
	}
	free(s->clusters);
	free(s);
}

void session_listen(struct session *s, session_changed_fn fn, void *ud)
{
	if (s->nlisteners < SESSION_MAX_LISTENERS)
		s->listeners[s->nlisteners++] = (struct session_listener){fn, ud};
}

void session_unlisten(struct session *s, session_changed_fn fn, void *ud)
{
	for (size_t i = 0; i < s->nlisteners; i++) {
		if (s->listeners[i].fn == fn && s->listeners[i].ud == ud) {
			memmove(&s->listeners[i], &s->listeners[i + 1],
				(s->nlisteners - i - 1) * sizeof(s->listeners[0]));
			s->nlisteners--;
			return;
		}
	}
}

size_t session_count(const struct session *s)
{
	return s->n;
}

struct session_cluster *session_at(struct session *s, size_t i)
{
	return i < s->n ? &s->clusters[i] : NULL;
}

struct session_cluster *session_find(struct session *s, const char *name)
{
	for (size_t i = 0; name && i < s->n; i++)
		if (strcmp(s->clusters[i].ctx->name, name) == 0)
			return &s->clusters[i];
	return NULL;
}

static void probe_step_done(struct session_probe *p, const struct kube_result *res)
{
	struct session_cluster *cl = p->cl;
	/* Only an unreachable server makes the cluster unreachable: a forbidden
	 * SelfSubjectReview still proves the server answers. */
	if (res && !res->ok && res->http_status == 0) {
		p->failed = true;
		free(cl->error);
		cl->error = xstrdup(res->message ? res->message : "unreachable");
	}
	if (--p->pending > 0)
		return;
	cl->probing = false;
	cl->probe = NULL;
	cl->probed_at_ms = loop_now_ms();
	cl->reach = p->failed ? SESSION_UNREACHABLE : SESSION_REACHABLE;
	if (!p->failed) {
		free(cl->error);
		cl->error = NULL;
	}
	struct session *s = p->s;
	free(p);
	for (size_t i = 0; i < s->nlisteners; i++)
		s->listeners[i].fn(s->listeners[i].ud, cl);
}

static void on_version(void *ud, const struct kube_result *res, const char *git_version)
{
	struct session_probe *p = ud;
	if (res->ok && git_version) {
		free(p->cl->version);
		p->cl->version = xstrdup(git_version);
	}
	probe_step_done(p, res);
}

static void on_identity(void *ud, const struct kube_result *res, const char *user)
{
	struct session_probe *p = ud;
	if (res->ok && user) {
		free(p->cl->identity);
		p->cl->identity = xstrdup(user);
	}
	probe_step_done(p, res);
}

static void on_discovery(void *ud, const struct kube_discovery *disc, const char *err)
{
	struct session_probe *p = ud;
	struct kube_result res = {.ok = disc != NULL, .http_status = disc ? 200 : 0,
				  .message = err};
	/* discovery errors do not say whether the server was reached: the version
	 * probe decides reachability */
	if (!disc)
		res.http_status = 1;
	probe_step_done(p, &res);
}

void session_probe(struct session *s, struct session_cluster *cl)
{
	if (!cl->kc || cl->probing)
		return;
	cl->probing = true;
	cl->reach = SESSION_UNKNOWN;
	struct session_probe *p = xcalloc(1, sizeof(*p));
	p->s = s;
	p->cl = cl;
	p->pending = 3;
	cl->probe = p;
	kube_version(cl->kc, on_version, p);
	kube_whoami(cl->kc, on_identity, p);
	kube_discover(cl->kc, on_discovery, p);
}

struct kube_client *session_cluster_open(struct session *s, struct session_cluster *cl)
{
	if (!cl->kc) {
		cl->kc = kube_client_new(s->loop, s->http, s->jobs, cl->ctx);
		session_probe(s, cl);
	}
	return cl->kc;
}

static bool session_pattern_matches(const char *pattern, size_t len, const char *name)
{
	char *pat = xstrndup(pattern, len);
	bool ok = strcmp(pat, "all") == 0 || fnmatch(pat, name, 0) == 0;
	free(pat);
	return ok;
}

/* True when an earlier context than i reaches the same server (ops and ops-viewer). */
static bool session_server_seen(const struct session *s, size_t i)
{
	const char *server = s->clusters[i].ctx->server;
	for (size_t j = 0; server && j < i; j++)
		if (s->clusters[j].ctx->server && strcmp(s->clusters[j].ctx->server, server) == 0)
			return true;
	return false;
}

size_t session_match(struct session *s, const char *pattern, struct session_cluster **out,
		     size_t cap)
{
	size_t n = 0;
	bool all = strcmp(pattern, "all") == 0;
	for (size_t i = 0; i < s->n; i++) {
		/* "all" means every cluster once, not every identity on it */
		if (all && session_server_seen(s, i))
			continue;
		const char *p = pattern;
		while (*p) {
			size_t len = strcspn(p, ",");
			if (len && session_pattern_matches(p, len, s->clusters[i].ctx->name)) {
				if (n < cap)
					out[n] = &s->clusters[i];
				n++;
				break;
			}
			p += len;
			if (*p == ',')
				p++;
		}
	}
	return n < cap ? n : cap;
}
