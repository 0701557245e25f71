/* One container's log stream (kube_logs.h): GET …/pods/NAME/log with timestamps, split
 * into lines in place, sanitised, and, when following, resumed after a drop with
 * sinceTime and the already delivered lines skipped. The fan-in is kube_logset.c. */
#include "clients/kube_logs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clients/kube_internal.h"
#include "core/backoff.h"
#include "core/logline.h"
#include "core/sanitize.h"
#include "core/strbuf.h"
#include "core/xalloc.h"

#define LOG_SANITIZE (SANITIZE_KEEP_TAB | SANITIZE_DROP_SGR)

struct kube_log_stream {
	struct kube_client *kc;
	char *ns, *pod, *container;
	struct kube_log_options opts;
	struct kube_log_stream_callbacks cbs;
	void *ud;
	enum kube_log_state state;
	struct kube_req *req;
	struct kube_call *check;        /* GET of the pod after the stream ended */
	struct strbuf partial;          /* a line cut by the end of a chunk */
	struct strbuf clean;            /* scratch for sanitising; reused, never shrunk */
	struct backoff bo;
	bool connected_once;            /* a 200 came at least once */
	bool resuming;                  /* skipping what was already delivered */
	long long last_ms;              /* time of the last line delivered, 0 none */
	unsigned last_dups;             /* lines delivered at exactly last_ms */
	long long skip_ms;              /* resuming: skip lines before this time ... */
	unsigned skip_left;             /* ... and this many more at exactly it */
	long long drop_wall_ms;         /* when the stream dropped (wall clock), 0 none */
	long long drop_mono_ms;
	char *drop_reason;
	int busy;
	bool stopped;
};

static void stream_connect(struct kube_log_stream *s);

static long long wall_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void stream_destroy(struct kube_log_stream *s)
{
	if (s->req)
		kube_req_cancel(s->req);
	if (s->check)
		kube_call_cancel(s->check);
	backoff_cancel(&s->bo, kube_client_loop(s->kc));
	strbuf_free(&s->partial);
	strbuf_free(&s->clean);
	free(s->drop_reason);
	free(s->ns);
	free(s->pod);
	free(s->container);
	free(s);
}

/* Leaves an entry point; true when the stream was freed (stopped from a callback). */
static bool stream_leave(struct kube_log_stream *s)
{
	if (--s->busy == 0 && s->stopped) {
		stream_destroy(s);
		return true;
	}
	return false;
}

static void stream_set_state(struct kube_log_stream *s, enum kube_log_state st, const char *err)
{
	if (s->state == st && !err)
		return;
	s->state = st;
	if (s->cbs.state && !s->stopped)
		s->cbs.state(s->ud, st, err);
}

/* ---- lines ------------------------------------------------------------------------- */

/* Whether a resumed stream already delivered this line (sinceTime has only seconds, so
 * the server repeats the tail of the last second, and lines sharing a timestamp are told
 * apart by how many of them were delivered). */
static bool stream_skip(struct kube_log_stream *s, long long t)
{
	if (!s->resuming || t == 0)
		return false;
	if (t < s->skip_ms)
		return true;
	if (t == s->skip_ms && s->skip_left > 0) {
		s->skip_left--;
		return true;
	}
	s->resuming = false;
	return false;
}

static void stream_line(struct kube_log_stream *s, const char *line, size_t len)
{
	if (len && line[len - 1] == '\r')
		len--;
	long long t;
	size_t ts = logline_split_timestamp(line, len, &t);
	if (stream_skip(s, t))
		return;
	if (t) {
		if (t == s->last_ms) {
			s->last_dups++;
		} else {
			s->last_ms = t;
			s->last_dups = 1;
		}
	}
	backoff_attempt_delivered(&s->bo);
	line += ts;
	len -= ts;
	if (!sanitize_is_clean(line, len, LOG_SANITIZE)) {
		strbuf_reset(&s->clean);
		sanitize_append(&s->clean, line, len, LOG_SANITIZE);
		line = strbuf_str(&s->clean);
		len = s->clean.len;
	}
	s->cbs.line(s->ud, t, line, len);
}

static void stream_on_data(void *ud, const char *data, size_t len)
{
	struct kube_log_stream *s = ud;
	s->busy++;
	const char *end = data + len;
	while (data < end && !s->stopped) {
		const char *nl = memchr(data, '\n', (size_t)(end - data));
		if (!nl) {
			strbuf_append(&s->partial, data, (size_t)(end - data));
			break;
		}
		if (s->partial.len) {
			strbuf_append(&s->partial, data, (size_t)(nl - data));
			stream_line(s, s->partial.buf, s->partial.len);
			strbuf_reset(&s->partial);
		} else {
			stream_line(s, data, (size_t)(nl - data));
		}
		data = nl + 1;
	}
	stream_leave(s);
}

static void stream_flush_partial(struct kube_log_stream *s)
{
	if (s->partial.len && !s->stopped)
		stream_line(s, s->partial.buf, s->partial.len);
	strbuf_reset(&s->partial);
}

/* ---- reconnecting ------------------------------------------------------------------ */

static void stream_timer_fired(struct loop *loop, long long id, void *ud)
{
	struct kube_log_stream *s = ud;
	(void)loop;
	(void)id;
	s->bo.timer = 0;
	s->busy++;
	stream_connect(s);
	stream_leave(s);
}

static void stream_retry(struct kube_log_stream *s, const char *reason)
{
	if (!s->drop_wall_ms) {
		s->drop_wall_ms = wall_now_ms();
		s->drop_mono_ms = loop_now_ms();
		free(s->drop_reason);
		s->drop_reason = xstrdup(reason ? reason : "stream ended");
	}
	if (backoff_attempt_healthy(&s->bo, loop_now_ms()))
		backoff_reset(&s->bo);
	long long ms = backoff_fail(&s->bo);
	stream_set_state(s, KUBE_LOG_RETRYING, reason);
	backoff_retry_in(&s->bo, kube_client_loop(s->kc), ms, stream_timer_fired, s);
}

/* The stream is back: say where the gap was. */
static void stream_report_gap(struct kube_log_stream *s)
{
	if (!s->drop_wall_ms)
		return;
	time_t at = (time_t)(s->drop_wall_ms / 1000);
	struct tm tm;
	localtime_r(&at, &tm);
	char when[16];
	strftime(when, sizeof(when), "%H:%M:%S", &tm);
	double after = (double)(loop_now_ms() - s->drop_mono_ms) / 1000.0;
	char *text = xasprintf("stream dropped at %s (%s); reconnected after %.1f s", when,
			       s->drop_reason ? s->drop_reason : "stream ended", after);
	s->drop_wall_ms = 0;
	if (s->cbs.gap && !s->stopped)
		s->cbs.gap(s->ud, text);
	free(text);
}

static const json_t *container_status(const json_t *pod, const char *container)
{
	const json_t *status = json_object_get(pod, "status");
	const char *lists[] = {"containerStatuses", "initContainerStatuses"};
	for (size_t l = 0; l < 2; l++) {
		size_t i;
		json_t *cs;
		json_array_foreach(json_object_get(status, lists[l]), i, cs) {
			const char *name = json_string_value(json_object_get(cs, "name"));
			if (name && !strcmp(name, container))
				return cs;
		}
	}
	return NULL;
}

/* A terminated container comes back only under restartPolicy Always, or OnFailure after
 * a failure; a finished pod never restarts anything. */
static bool container_done_for_good(const json_t *pod, const char *container)
{
	const char *phase = json_string_value(json_object_get(json_object_get(pod, "status"),
							      "phase"));
	if (phase && (!strcmp(phase, "Succeeded") || !strcmp(phase, "Failed")))
		return true;
	const json_t *cs = container
		? container_status(pod, container)
		: json_array_get(json_object_get(json_object_get(pod, "status"), "containerStatuses"), 0);
	const json_t *term = json_object_get(json_object_get(cs, "state"), "terminated");
	if (!term)
		return false;
	const char *policy = json_string_value(json_object_get(json_object_get(pod, "spec"),
							       "restartPolicy"));
	if (!policy || !strcmp(policy, "Always"))
		return false;
	if (!strcmp(policy, "OnFailure"))
		return json_integer_value(json_object_get(term, "exitCode")) == 0;
	return true;
}

static void stream_on_check(void *ud, const struct kube_result *res, json_t *pod)
{
	struct kube_log_stream *s = ud;
	s->check = NULL;
	s->busy++;
	if (!res->ok && res->http_status == 404) {
		char *msg = xasprintf("pod %s gone", s->pod);
		stream_set_state(s, KUBE_LOG_ENDED, msg);
		free(msg);
	} else if (res->ok && container_done_for_good(pod, s->container)) {
		char *msg = xasprintf("container %s terminated",
				      s->container ? s->container : s->pod);
		stream_set_state(s, KUBE_LOG_ENDED, msg);
		free(msg);
	} else {
		/* drop_wall_ms is set, so the gap keeps the drop's time and reason. */
		stream_retry(s, s->drop_reason);
	}
	json_decref(pod);
	stream_leave(s);
}

/* A following stream ended: find out whether the pod and container still exist before
 * reconnecting. */
static void stream_after_end(struct kube_log_stream *s, const char *reason)
{
	s->drop_wall_ms = wall_now_ms();
	s->drop_mono_ms = loop_now_ms();
	free(s->drop_reason);
	s->drop_reason = xstrdup(reason ? reason : "stream ended");
	char *path = xasprintf("/api/v1/namespaces/%s/pods/%s", s->ns, s->pod);
	s->check = kube_request(s->kc, "GET", path, NULL, NULL, stream_on_check, s);
	free(path);
}

/* ---- the request ------------------------------------------------------------------- */

static void stream_on_head(void *ud, long status)
{
	struct kube_log_stream *s = ud;
	if (status < 200 || status >= 300)
		return;
	s->busy++;
	backoff_attempt_begin(&s->bo, loop_now_ms());
	s->connected_once = true;
	stream_set_state(s, KUBE_LOG_STREAMING, NULL);
	stream_report_gap(s);
	stream_leave(s);
}

static void stream_on_failure(struct kube_log_stream *s, const struct http_response *resp,
			      const char *msg)
{
	long st = resp ? resp->status : 0;
	if (s->opts.follow && s->connected_once && st == 404) {
		char *gone = xasprintf("pod %s gone", s->pod);
		stream_set_state(s, KUBE_LOG_ENDED, gone);
		free(gone);
	} else if (s->opts.follow && s->connected_once && st != 403) {
		/* 400 after a restart: the new instance is still starting. */
		stream_retry(s, msg);
	} else if (s->opts.follow && (st == 0 || st >= 500 || st == 429)) {
		stream_retry(s, msg);
	} else {
		stream_set_state(s, KUBE_LOG_FAILED, msg ? msg : "request failed");
	}
}

static void stream_on_done(void *ud, const struct http_response *resp, const char *err)
{
	struct kube_log_stream *s = ud;
	s->req = NULL;
	s->busy++;
	if (!resp) {
		stream_on_failure(s, NULL, err);
		stream_leave(s);
		return;
	}
	char *msg = kube_response_error(s->kc, resp);
	bool ok_status = resp->status >= 200 && resp->status < 300;
	if (ok_status)
		stream_flush_partial(s);
	if (s->stopped) {
		/* nothing: stopped from inside a line callback */
	} else if (!ok_status) {
		stream_on_failure(s, resp, msg);
	} else if (s->opts.follow) {
		stream_after_end(s, resp->error ? resp->error : "stream ended");
	} else {
		stream_set_state(s, KUBE_LOG_ENDED, msg);
	}
	free(msg);
	stream_leave(s);
}

static char *stream_path(const struct kube_log_stream *s)
{
	char *path = xasprintf("/api/v1/namespaces/%s/pods/%s/log", s->ns, s->pod);
	path = kube_path_add_query(path, "timestamps", "true");
	if (s->container)
		path = kube_path_add_query(path, "container", s->container);
	if (s->opts.follow)
		path = kube_path_add_query(path, "follow", "true");
	if (s->opts.previous)
		path = kube_path_add_query(path, "previous", "true");
	char num[32];
	if (s->resuming) {
		/* sinceTime takes whole seconds: round down, then skip what we had. */
		time_t t = (time_t)(s->skip_ms / 1000);
		struct tm tm;
		gmtime_r(&t, &tm);
		char when[32];
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
		return kube_path_add_query(path, "sinceTime", when);
	}
	if (s->opts.tail_lines >= 0) {
		snprintf(num, sizeof(num), "%lld", s->opts.tail_lines);
		path = kube_path_add_query(path, "tailLines", num);
	}
	if (s->opts.since_seconds > 0) {
		snprintf(num, sizeof(num), "%lld", s->opts.since_seconds);
		path = kube_path_add_query(path, "sinceSeconds", num);
	}
	return path;
}

static void stream_connect(struct kube_log_stream *s)
{
	if (s->last_ms) {
		s->resuming = true;
		s->skip_ms = s->last_ms;
		s->skip_left = s->last_dups;
	} else if (s->connected_once) {
		/* Dropped before any line: ask again as first asked. */
		s->resuming = false;
	}
	strbuf_reset(&s->partial);
	char *path = stream_path(s);
	struct kube_send snd;
	memset(&snd, 0, sizeof(snd));
	snd.path = path;
	snd.accept = "*/*";
	snd.timeout_ms = -1;
	snd.on_data = stream_on_data;
	snd.on_head = stream_on_head;
	snd.stream_ud = s;
	backoff_attempt_begin(&s->bo, loop_now_ms());
	if (s->state != KUBE_LOG_RETRYING)
		stream_set_state(s, KUBE_LOG_CONNECTING, NULL);
	s->req = kube_send(s->kc, &snd, stream_on_done, s);
	free(path);
}

/* ---- public ------------------------------------------------------------------------ */

struct kube_log_stream *kube_log_stream_start(struct kube_client *kc, const char *namespace,
					      const char *pod, const char *container,
					      const struct kube_log_options *opts,
					      const struct kube_log_stream_callbacks *cbs, void *ud)
{
	struct kube_log_stream *s = xcalloc(1, sizeof(*s));
	s->kc = kc;
	s->ns = xstrdup(namespace ? namespace : kube_client_default_namespace(kc));
	s->pod = xstrdup(pod);
	s->container = container && *container ? xstrdup(container) : NULL;
	s->opts = *opts;
	/* a previous instance has terminated: its log is whole, there is nothing to follow
	 * (the kubelet ignores follow for it; reconnecting would only repeat gap markers) */
	if (s->opts.previous)
		s->opts.follow = false;
	s->cbs = *cbs;
	s->ud = ud;
	s->state = KUBE_LOG_CONNECTING;
	s->busy++;
	stream_connect(s);
	s->busy--;
	return s;
}

void kube_log_stream_stop(struct kube_log_stream *s)
{
	if (!s)
		return;
	if (s->busy) {
		s->stopped = true;
		return;
	}
	stream_destroy(s);
}

enum kube_log_state kube_log_stream_state(const struct kube_log_stream *s)
{
	return s->state;
}
