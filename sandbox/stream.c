/* The machinery under every streaming response (see stream.h): libmicrohttpd's content
 * reader blocks in it until the owner's produce hook has something or the stream ends;
 * injected faults (sandbox/faults.h) cut it short. */
#include "sandbox/stream.h"

#include "core/xalloc.h"
#include "sandbox/faults.h"
#include "sandbox/server.h"

#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void sbx_stream_put_json(struct sbx_stream *s, json_t *ev)
{
	char *line = json_dumps(ev, JSON_COMPACT);
	json_decref(ev);
	if (line)
		strbuf_puts(&s->out, line);
	strbuf_putc(&s->out, '\n');
	free(line);
}

static bool stream_client_gone(struct sbx_stream *s)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(s->conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	if (!ci)
		return false;
	struct pollfd pfd = {.fd = ci->connect_fd, .events = POLLIN};
	/* a stream's client sends nothing; readable means it closed (EOF or TLS
	 * close_notify) */
	return poll(&pfd, 1, 0) > 0;
}

/* What libmicrohttpd reads from: the stream, and its injected fault. */
struct stream_run {
	struct sbx_stream *s;
	struct fault_stream fault;
	bool cut;   /* the server went down: close without the stream's end */
};

/* Blocks until there is output or the stream is done. */
static void stream_step(struct stream_run *run)
{
	struct sbx_stream *s = run->s;
	struct objstore *st = &s->srv->store;
	pthread_mutex_lock(&st->lock);
	while (!s->done && s->out.len == 0) {
		if (faults_down(s->srv->faults, faults_now_ms())) {
			run->cut = s->done = true;
			break;
		}
		if (st->stopping || stream_client_gone(s)) {
			s->done = true;
			break;
		}
		s->produce(s);
		if (s->out.len || s->done)
			break;
		/* wake each second even without changes, to notice a client that left */
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 1;
		objstore_wait(st, &until);
	}
	pthread_mutex_unlock(&st->lock);
}

/* gone: what kube-apiserver sends when the watch's resourceVersion is compacted away,
 * instead of whatever was still to send; then the stream ends. */
static void stream_put_gone(struct stream_run *run)
{
	struct sbx_stream *s = run->s;
	strbuf_reset(&s->out);
	s->out_pos = 0;
	sbx_stream_put_json(s, json_pack("{s:s,s:{s:s,s:s,s:{},s:s,s:s,s:s,s:i}}", "type",
					 "ERROR", "object", "kind", "Status", "apiVersion", "v1",
					 "metadata", "status", "Failure", "message",
					 "too old resource version (injected fault)", "reason",
					 "Expired", "code", 410));
	s->done = true;
	run->fault.hit.fired = false;
}

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct stream_run *run = cls;
	struct sbx_stream *s = run->s;
	(void)pos;
	if (run->cut)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	if (fault_stream_due(&run->fault)) {
		if (run->fault.hit.kind == FAULT_DROP)
			return MHD_CONTENT_READER_END_WITH_ERROR;
		stream_put_gone(run);
	}
	if (s->out_pos >= s->out.len) {
		strbuf_reset(&s->out);
		s->out_pos = 0;
		stream_step(run);
		if (run->cut)
			return MHD_CONTENT_READER_END_WITH_ERROR;
		if (s->out.len == 0)
			return MHD_CONTENT_READER_END_OF_STREAM;
	}
	size_t n = s->out.len - s->out_pos;
	if (n > max)
		n = max;
	n = fault_stream_pass(&run->fault, s->out.buf + s->out_pos, n);
	memcpy(buf, s->out.buf + s->out_pos, n);
	s->out_pos += n;
	return (ssize_t)n;
}

static void stream_free(void *cls)
{
	struct stream_run *run = cls;
	strbuf_free(&run->s->out);
	run->s->release(run->s);
	free(run);
}

void sbx_stream_reply(struct apireq *req, struct sbx_stream *s, const char *content_type,
		      void (*produce)(struct sbx_stream *s), void (*release)(struct sbx_stream *s))
{
	s->srv = req->srv;
	s->conn = req->conn;
	s->produce = produce;
	s->release = release;
	struct stream_run *run = xcalloc(1, sizeof *run);
	run->s = s;
	/* Argo CD's stream has no 410; every other stream here is a Kubernetes watch */
	bool argocd = !strncmp(req->raw_uri, "/argocd", 7);
	run->fault.hit = faults_decide(s->srv->faults, argocd ? FAULT_PHASE_STREAM
							      : FAULT_PHASE_WATCH,
				       req->raw_uri, faults_now_ms());
	apireq_reply_stream(req, content_type, stream_read, run, stream_free);
}
