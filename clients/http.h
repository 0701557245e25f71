/* HTTP(S) requests on the event loop: a libcurl multi handle driven by the loop's fds and
 * timers, never blocking. Buffered or streamed bodies, per-request TLS and credentials,
 * cancellation, and a read-only switch that refuses mutating requests before sending. */
#ifndef OPSDECK_CLIENTS_HTTP_H
#define OPSDECK_CLIENTS_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "core/loop.h"

struct http;
struct http_request;

/* TLS settings of one request; every string is copied (NULL: not set). *_data hold PEM
 * text and win over the matching *_file. */
struct http_tls {
	const char *ca_file, *ca_data;
	const char *cert_file, *cert_data;
	const char *key_file, *key_data;
	bool insecure;                 /* skip server certificate verification */
	/* kubeconfig tls-server-name: the name used for SNI and for verifying the server's
	 * certificate instead of the URL's host. curl 7.88 has no option for it, so the
	 * URL's host is replaced by this name and CURLOPT_CONNECT_TO sends the connection to
	 * the real host:port; the Host header keeps the real host, as kubectl sends it. */
	const char *server_name;
};

/* An owned copy of src for a client that outlives its configuration: every string of
 * dst is a new copy (NULL stays NULL), freed by http_tls_clear. */
void http_tls_copy(struct http_tls *dst, const struct http_tls *src);
void http_tls_clear(struct http_tls *t);

/* What a finished request gives its done callback; valid during the callback only. */
struct http_response {
	long status;               /* HTTP status; 0 when no response arrived */
	const char *content_type;  /* Content-Type header, or NULL */
	long retry_after;          /* Retry-After in seconds (date form converted); -1 absent */
	const char *body;          /* buffered body, NUL-terminated; "" when streamed */
	size_t body_len;
	const char *error;         /* transport error (curl's message), NULL on success */
	int os_errno;              /* the system error behind a transport error, or 0 */
	const char *url;           /* the URL requested */
};

/* Streamed body bytes, as they arrive, for 2xx responses only (a non-2xx body, such as a
 * Kubernetes Status, is buffered and handed to done instead). */
typedef void (*http_data_fn)(void *ud, const char *data, size_t len);
/* Runs when the final response's headers have all arrived (before any body), with its
 * status; for a watch this is the moment it is connected. Runs inside curl: it may cancel
 * or start requests, nothing slower. */
typedef void (*http_head_fn)(void *ud, long status);
/* Runs once per request unless it was cancelled; the request is freed after it returns. */
typedef void (*http_done_fn)(void *ud, const struct http_response *resp);

struct http_request_opts {
	const char *method;            /* NULL: GET */
	const char *url;
	const char *const *headers;    /* NULL-terminated "Name: value" list, or NULL */
	const char *body;              /* copied; NULL: no body */
	size_t body_len;
	struct http_tls tls;
	const char *proxy_url;
	const char *bearer_token;      /* sent as Authorization: Bearer; never logged */
	const char *username, *password;  /* basic auth when username is set */
	long timeout_ms;               /* whole request; 0: no limit (watches, logs) */
	long connect_timeout_ms;       /* 0: 10 s */
	http_data_fn on_data;          /* NULL: buffer the body */
	http_head_fn on_head;          /* may be NULL */
	http_done_fn on_done;
	void *ud;
};

/* Returns NULL if libcurl cannot be set up. The loop must outlive it. */
struct http *http_new(struct loop *loop);
/* Cancels every request in flight (no callbacks) and frees everything. */
void http_free(struct http *http);

/* While set, every method but GET/HEAD/OPTIONS is refused before anything is sent,
 * except POSTs to the read-only endpoints: paths ending in /selfsubjectaccessreviews,
 * /selfsubjectrulesreviews, /selfsubjectreviews, and /api/v1/session (Argo CD login). */
void http_set_read_only(struct http *http, bool read_only);
bool http_read_only(const struct http *http);
/* Whether method+url would be refused in read-only mode (for the action gate). */
bool http_is_mutating(const char *method, const char *url);

/* Starts a request; every option string is copied. Returns the request (valid until its
 * done callback returns or it is cancelled), or NULL with err filled (read-only refusal:
 * "read-only mode: refusing POST /api/v1/..."; bad options). Callbacks never run inside
 * this call. Safe to call from any http callback. */
struct http_request *http_start(struct http *http, const struct http_request_opts *opts,
				char *err, size_t errlen);
/* Stops a request; its callbacks never run again. Safe from inside its own callbacks. */
void http_cancel(struct http_request *req);
/* How many requests are in flight (for tests and quiescence checks). */
size_t http_active(const struct http *http);

#endif
