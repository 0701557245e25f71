/* A scripted HTTP/1.1 server for client tests: plain HTTP on 127.0.0.1, one connection
 * at a time on its own thread, each request answered by the test's serve function, which
 * may also hold a connection open (a quiet stream) until the server stops. */
#ifndef OPSDECK_TESTS_SUPPORT_SCRIPT_SERVER_H
#define OPSDECK_TESTS_SUPPORT_SCRIPT_SERVER_H

#include <stdbool.h>
#include <stddef.h>

struct script_server;

/* One request as read off the connection: the request line, two headers every test
 * looks at, and the whole body (Content-Length bytes, header name in any case). */
struct script_request {
	char method[16];
	char path[4096];      /* with the query, as sent */
	char auth[512];       /* the Authorization header's value, or "" */
	char host[256];       /* the Host header's value, or "" */
	const char *body;     /* NUL-terminated; "" when there is none */
	size_t body_len;
};

/* Answers req on fd (status line, headers, body: see the helpers below). Runs on the
 * server thread with the server's lock held, so state it shares with the test is safe
 * to read under script_server_lock. Returns true to keep fd open until the server stops
 * (up to 8 such connections; more are closed), false to close it now. */
typedef bool (*script_serve_fn)(struct script_server *s, int fd,
				const struct script_request *req, void *ud);

/* Listens on an ephemeral port of 127.0.0.1 and serves until script_server_stop. Fails
 * the running test if the socket cannot be set up. */
struct script_server *script_server_start(script_serve_fn serve, void *ud);

/* Stops the thread, closes held connections and the socket, frees s. */
void script_server_stop(struct script_server *s);

int script_server_port(const struct script_server *s);

/* "http://127.0.0.1:PORT" followed by path (may be ""). Caller frees. */
char *script_server_url(const struct script_server *s, const char *path);

/* Appends to the server's request log; call from serve (the lock is held). */
void script_server_logf(struct script_server *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A copy of the request log so far. Caller frees. */
char *script_server_log(struct script_server *s);

/* *value, a counter serve keeps, read under the lock. Not from inside serve. */
int script_server_read_int(struct script_server *s, const int *value);

/* Around reads of state that serve writes. Not from inside serve. */
void script_server_lock(struct script_server *s);
void script_server_unlock(struct script_server *s);

/* Writes all of data to fd, giving up quietly if the client went away. */
void script_send(int fd, const char *data, size_t len);
void script_send_str(int fd, const char *s);

/* A whole response: "HTTP/1.1 CODE X", Content-Type, extra (complete "Name: value\r\n"
 * lines, or NULL), Content-Length of body, Connection: close, then body. */
void script_reply(int fd, int code, const char *content_type, const char *extra,
		  const char *body);

/* The head of a JSON stream (200, no length, Connection: close); the body follows. */
void script_stream_head(int fd);

#endif
