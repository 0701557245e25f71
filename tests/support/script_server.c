/* The scripted HTTP server shared by the client tests (see script_server.h): the socket,
 * the thread, request parsing and the response helpers; what to answer is the test's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/strbuf.h"
#include "core/xalloc.h"
#include "tests/support/script_server.h"

#define MAX_HELD 8

struct script_server {
	int lfd, port;
	pthread_t thread;
	volatile bool stop;
	script_serve_fn serve;
	void *ud;
	pthread_mutex_t lock;
	struct strbuf log;
	int held[MAX_HELD];     /* connections serve kept open */
	int nheld;
};

void script_send(int fd, const char *data, size_t len)
{
	while (len > 0) {
		/* no SIGPIPE when a client hung up mid-stream */
		ssize_t w = send(fd, data, len, MSG_NOSIGNAL);
		if (w <= 0)
			return;
		data += w;
		len -= (size_t)w;
	}
}

void script_send_str(int fd, const char *s)
{
	script_send(fd, s, strlen(s));
}

void script_reply(int fd, int code, const char *content_type, const char *extra,
		  const char *body)
{
	char *r = xasprintf("HTTP/1.1 %d X\r\nContent-Type: %s\r\n%sContent-Length: %zu\r\n"
			    "Connection: close\r\n\r\n%s", code, content_type, extra ? extra : "",
			    strlen(body), body);
	script_send_str(fd, r);
	free(r);
}

void script_stream_head(int fd)
{
	script_send_str(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
			    "Connection: close\r\n\r\n");
}

/* The value of header `name` (any case) in the header block head..end, into out. */
static void header_value(const char *head, const char *end, const char *name, char *out,
			 size_t cap)
{
	size_t nlen = strlen(name);
	out[0] = '\0';
	for (const char *line = strstr(head, "\r\n"); line && line < end;
	     line = strstr(line + 2, "\r\n")) {
		const char *h = line + 2;
		if (strncasecmp(h, name, nlen) || h[nlen] != ':')
			continue;
		h += nlen + 1;
		while (*h == ' ')
			h++;
		size_t n = strcspn(h, "\r");
		if (n >= cap)
			n = cap - 1;
		memcpy(out, h, n);
		out[n] = '\0';
		return;
	}
}

/* Reads one request, its body included, into req (body in *in). -1 when the client
 * closed before the end of the headers. */
static int read_request(int fd, struct strbuf *in, struct script_request *req)
{
	char buf[4096];
	const char *end;
	while (!(end = strstr(strbuf_str(in), "\r\n\r\n"))) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n <= 0)
			return -1;
		strbuf_append(in, buf, (size_t)n);
	}
	size_t hlen = (size_t)(end - in->buf) + 4;
	memset(req, 0, sizeof(*req));
	sscanf(in->buf, "%15s %4095s", req->method, req->path);
	char clen[32];
	header_value(in->buf, end, "Content-Length", clen, sizeof(clen));
	header_value(in->buf, end, "Authorization", req->auth, sizeof(req->auth));
	header_value(in->buf, end, "Host", req->host, sizeof(req->host));
	size_t want = hlen + (size_t)strtoul(clen, NULL, 10);
	while (in->len < want) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n <= 0)
			break;
		strbuf_append(in, buf, (size_t)n);
	}
	req->body = in->buf + hlen;
	req->body_len = in->len - hlen;
	return 0;
}

static void serve_one(struct script_server *s, int fd)
{
	int one = 1;
	/* what a test sends in pieces arrives in pieces */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	struct strbuf in = STRBUF_INIT;
	struct script_request req;
	bool hold = false;
	if (read_request(fd, &in, &req) == 0) {
		pthread_mutex_lock(&s->lock);
		hold = s->serve(s, fd, &req, s->ud);
		pthread_mutex_unlock(&s->lock);
	}
	strbuf_free(&in);
	if (hold && s->nheld < MAX_HELD)
		s->held[s->nheld++] = fd;
	else
		close(fd);
}

static void *server_main(void *arg)
{
	struct script_server *s = arg;
	while (!s->stop) {
		struct pollfd p = {s->lfd, POLLIN, 0};
		if (poll(&p, 1, 20) <= 0)
			continue;
		int fd = accept(s->lfd, NULL, NULL);
		if (fd >= 0)
			serve_one(s, fd);
	}
	for (int i = 0; i < s->nheld; i++)
		close(s->held[i]);
	return NULL;
}

struct script_server *script_server_start(script_serve_fn serve, void *ud)
{
	struct script_server *s = xcalloc(1, sizeof(*s));
	s->serve = serve;
	s->ud = ud;
	s->lfd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(s->lfd >= 0);
	int one = 1;
	setsockopt(s->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	struct sockaddr_in a = {0};
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(s->lfd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(s->lfd, 16), 0);
	socklen_t len = sizeof(a);
	assert_int_equal(getsockname(s->lfd, (struct sockaddr *)&a, &len), 0);
	s->port = ntohs(a.sin_port);
	pthread_mutex_init(&s->lock, NULL);
	assert_int_equal(pthread_create(&s->thread, NULL, server_main, s), 0);
	return s;
}

void script_server_stop(struct script_server *s)
{
	s->stop = true;
	pthread_join(s->thread, NULL);
	close(s->lfd);
	pthread_mutex_destroy(&s->lock);
	strbuf_free(&s->log);
	free(s);
}

int script_server_port(const struct script_server *s)
{
	return s->port;
}

char *script_server_url(const struct script_server *s, const char *path)
{
	return xasprintf("http://127.0.0.1:%d%s", s->port, path);
}

void script_server_logf(struct script_server *s, const char *fmt, ...)
{
	va_list ap, again;
	va_start(ap, fmt);
	va_copy(again, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *line = xmalloc((size_t)(n > 0 ? n : 0) + 1);
	vsnprintf(line, (size_t)(n > 0 ? n : 0) + 1, fmt, again);
	va_end(again);
	strbuf_puts(&s->log, line);
	free(line);
}

char *script_server_log(struct script_server *s)
{
	pthread_mutex_lock(&s->lock);
	char *copy = xstrdup(strbuf_str(&s->log));
	pthread_mutex_unlock(&s->lock);
	return copy;
}

int script_server_read_int(struct script_server *s, const int *value)
{
	pthread_mutex_lock(&s->lock);
	int v = *value;
	pthread_mutex_unlock(&s->lock);
	return v;
}

void script_server_lock(struct script_server *s)
{
	pthread_mutex_lock(&s->lock);
}

void script_server_unlock(struct script_server *s)
{
	pthread_mutex_unlock(&s->lock);
}
