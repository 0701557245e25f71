/* Container logs, streamed: one container's log (GET …/pods/NAME/log) that reconnects
 * after a drop and marks the gap, and a fan-in set that follows every container of a
 * pod, of a workload's pods, or of a list of pods, adding pods as they appear. Every line
 * is sanitised before a callback sees it. */
#ifndef OPSDECK_CLIENTS_KUBE_LOGS_H
#define OPSDECK_CLIENTS_KUBE_LOGS_H

#include <stdbool.h>
#include <stddef.h>

#include "clients/kube.h"

/* What to read; strings are copied. */
struct kube_log_options {
	long long tail_lines;     /* last N lines; < 0: all */
	long long since_seconds;  /* only newer lines; <= 0: no limit */
	bool follow;              /* keep the stream open for new lines */
	bool previous;            /* the previous (terminated) instance of the container */
};

enum kube_log_state {
	KUBE_LOG_CONNECTING,   /* the request is on its way */
	KUBE_LOG_STREAMING,    /* the server answered 200 and lines flow */
	KUBE_LOG_RETRYING,     /* dropped while following; reconnecting with backoff */
	KUBE_LOG_ENDED,        /* the log ended (no follow, pod gone, container terminated
	                        * for good); error says why when it is not a clean end */
	KUBE_LOG_FAILED,       /* refused: 400 (bad container, no previous instance), 403,
	                        * 404 pod not found ...; error holds the server's message */
};

/* ---- one container ---------------------------------------------------------------- */

struct kube_log_stream;

struct kube_log_stream_callbacks {
	/* One line: sanitised (tabs kept, SGR colour sequences dropped, every other control
	 * and escape shown inert), without its timestamp or newline; time_ms from the
	 * kubelet's timestamp (always asked for, whether shown or not). Valid during the
	 * call. */
	void (*line)(void *ud, long long time_ms, const char *text, size_t len);
	/* The stream dropped while following and is back (or is trying to come back):
	 * text is a one-line description for a gap marker ("stream dropped at 12:00:01
	 * (connection reset); reconnected after 1.5 s"). The stream resumes with sinceTime
	 * at the last line's time and skips the lines it already gave, so normally nothing
	 * is lost or repeated; the marker says where it could have been. */
	void (*gap)(void *ud, const char *text);
	/* The state changed; error NULL or a message. May be NULL. */
	void (*state)(void *ud, enum kube_log_state st, const char *error);
};

/* Starts reading container of pod in namespace through kc. Callbacks never run inside
 * this call; kube_log_stream_stop is safe from inside any of them. */
struct kube_log_stream *kube_log_stream_start(struct kube_client *kc, const char *namespace,
					      const char *pod, const char *container,
					      const struct kube_log_options *opts,
					      const struct kube_log_stream_callbacks *cbs, void *ud);
void kube_log_stream_stop(struct kube_log_stream *s);
enum kube_log_state kube_log_stream_state(const struct kube_log_stream *s);

/* ---- fan-in over pods and containers ----------------------------------------------- */

/* Which pods: exactly one of pod, pods, workload or label_selector is set. */
struct kube_logset_target {
	const char *namespace;          /* NULL: the client's default namespace */
	const char *pod;                /* one pod */
	const char *const *pods;        /* a list of pods (an Argo CD app's pods) */
	size_t npods;
	const char *workload;           /* "deployment/web", "deploy/web", "sts/db",
	                                 * "statefulset/db", "ds/x", "daemonset/x", "rs/x",
	                                 * "replicaset/x", "job/x": its spec.selector */
	const char *label_selector;     /* "app.kubernetes.io/name=web" */
	const char *container;          /* NULL: every container (init containers only when
	                                 * they are the only ones running or previous asks) */
	size_t max_streams;             /* 0: 64; beyond it the set says so and stops adding */
};

struct kube_logset;

struct kube_logset_callbacks {
	/* A new source: index (0, 1, ...; stable for the set's life) and its name, "pod"
	 * when the target has one container per pod, otherwise "pod/container". */
	void (*source)(void *ud, unsigned index, const char *name);
	/* A line of source index, as in kube_log_stream_callbacks.line. */
	void (*line)(void *ud, unsigned index, long long time_ms, const char *text, size_t len);
	/* A gap of source index, or a notice about it (pod added, pod gone, container
	 * restarted, the max_streams limit): one line for the view to show as a marker.
	 * gap is true for a dropped-and-reconnected stream, false for a notice. */
	void (*marker)(void *ud, unsigned index, bool gap, const char *text);
	/* The set's overall state for the status line: resolving the target, streaming
	 * (how many sources), or failed (error: "deployments.apps \"x\" not found"). */
	void (*state)(void *ud, enum kube_log_state st, unsigned streaming, const char *error);
};

/* Resolves target (the workload's selector, then its pods) and streams every container
 * of every pod; while following, watches the pods of a workload or selector and adds new
 * ones as they start. target and opts are copied. */
struct kube_logset *kube_logset_start(struct kube_client *kc,
				      const struct kube_logset_target *target,
				      const struct kube_log_options *opts,
				      const struct kube_logset_callbacks *cbs, void *ud);
void kube_logset_stop(struct kube_logset *set);

#endif
