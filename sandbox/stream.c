/* The machinery under every streaming response (see stream.h): libmicrohttpd's content
 * reader blocks in it until the owner's produce hook has something or the stream ends. */
#include "sandbox/stream.h"

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

/* Blocks until there is output or the stream is done. */
static void stream_step(struct sbx_stream *s)
{
	struct objstore *st = &s->srv->store;
	pthread_mutex_lock(&st->lock);
	while (!s->done && s->out.len == 0) {
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

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct sbx_stream *s = cls;
	(void)pos;
	if (s->out_pos >= s->out.len) {
		strbuf_reset(&s->out);
		s->out_pos = 0;
		stream_step(s);
		if (s->out.len == 0)
			return MHD_CONTENT_READER_END_OF_STREAM;
	}
	size_t n = s->out.len - s->out_pos;
	if (n > max)
		n = max;
	memcpy(buf, s->out.buf + s->out_pos, n);
	s->out_pos += n;
	return (ssize_t)n;
}

static void stream_free(void *cls)
{
	struct sbx_stream *s = cls;
	strbuf_free(&s->out);
	s->release(s);
}

void sbx_stream_reply(struct apireq *req, struct sbx_stream *s, const char *content_type,
		      void (*produce)(struct sbx_stream *s), void (*release)(struct sbx_stream *s))
{
	s->srv = req->srv;
	s->conn = req->conn;
	s->produce = produce;
	s->release = release;
	apireq_reply_stream(req, content_type, stream_read, s, stream_free);
}
