/* HTTP on the event loop (see http.h): curl's multi socket interface, where curl tells us
 * which sockets and timeout to watch and the loop tells curl what became ready. */
#include "clients/http.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/strbuf.h"
#include "core/xalloc.h"

struct http_request {
	struct http *http;
	CURL *easy;
	struct curl_slist *headers;
	struct curl_slist *connect_to;
	char *url;
	char errbuf[CURL_ERROR_SIZE];
	struct strbuf body;         /* the buffered body (or a non-2xx streamed one) */
	char *content_type;
	long retry_after;
	http_data_fn on_data;
	http_head_fn on_head;
	http_done_fn on_done;
	void *ud;
	bool cancelled;
	bool head_seen;
	bool added;                 /* handed to the multi (else still pending) */
	struct http_request *next;  /* in http->requests */
};

struct http {
	struct loop *loop;
	CURLM *multi;
	long long timer_id;         /* the loop timer curl asked for, 0 when none */
	long long pending_timer;    /* adds deferred out of curl callbacks */
	int depth;                  /* > 0 while inside curl (its callbacks run) */
	bool read_only;
	struct http_request *requests;
	int *fds;                   /* sockets registered with the loop on curl's behalf */
	size_t nfds, fds_cap;
};

static void http_check_done(struct http *http);
static void http_flush_pending(struct http *http);

/* ---- the read-only rule ---------------------------------------------------------- */

static bool path_ends_with(const char *url, const char *suffix)
{
	size_t n = strcspn(url, "?#");
	size_t sl = strlen(suffix);
	while (n > 0 && url[n - 1] == '/')
		n--;
	return n >= sl && strncmp(url + n - sl, suffix, sl) == 0;
}

bool http_is_mutating(const char *method, const char *url)
{
	if (!method || !strcasecmp(method, "GET") || !strcasecmp(method, "HEAD") ||
	    !strcasecmp(method, "OPTIONS"))
		return false;
	if (strcasecmp(method, "POST") != 0)
		return true;
	static const char *const read_only_posts[] = {
		"/selfsubjectaccessreviews", "/selfsubjectrulesreviews", "/selfsubjectreviews",
		"/api/v1/session",
	};
	for (size_t i = 0; i < sizeof(read_only_posts) / sizeof(read_only_posts[0]); i++)
		if (path_ends_with(url, read_only_posts[i]))
			return false;
	return true;
}

void http_set_read_only(struct http *http, bool read_only)
{
	http->read_only = read_only;
}

bool http_read_only(const struct http *http)
{
	return http->read_only;
}

/* ---- curl <-> loop --------------------------------------------------------------- */

static void http_fd_ready(struct loop *loop, int fd, int events, void *ud)
{
	struct http *http = ud;
	(void)loop;
	int flags = ((events & LOOP_READ) ? CURL_CSELECT_IN : 0) |
		    ((events & LOOP_WRITE) ? CURL_CSELECT_OUT : 0);
	int running;
	http->depth++;
	curl_multi_socket_action(http->multi, fd, flags, &running);
	http->depth--;
	http_check_done(http);
	http_flush_pending(http);
}

static void http_fds_forget(struct http *http, int fd)
{
	for (size_t i = 0; i < http->nfds; i++)
		if (http->fds[i] == fd) {
			http->fds[i] = http->fds[--http->nfds];
			return;
		}
}

static int http_socket_cb(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp)
{
	struct http *http = userp;
	(void)easy;
	(void)socketp;
	http_fds_forget(http, s);
	if (what == CURL_POLL_REMOVE) {
		loop_fd_remove(http->loop, s);
		return 0;
	}
	int mask = ((what & CURL_POLL_IN) ? LOOP_READ : 0) | ((what & CURL_POLL_OUT) ? LOOP_WRITE : 0);
	loop_fd_set(http->loop, s, mask, http_fd_ready, http);
	http->fds = xgrow(http->fds, &http->fds_cap, http->nfds + 1, sizeof(int));
	http->fds[http->nfds++] = s;
	return 0;
}

static void http_timer_fired(struct loop *loop, long long id, void *ud)
{
	struct http *http = ud;
	(void)loop;
	(void)id;
	http->timer_id = 0;
	int running;
	http->depth++;
	curl_multi_socket_action(http->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	http->depth--;
	http_check_done(http);
	http_flush_pending(http);
}

/* curl asks for one timeout at a time: replace the previous one. Never call curl here. */
static int http_timer_cb(CURLM *multi, long timeout_ms, void *userp)
{
	struct http *http = userp;
	(void)multi;
	if (http->timer_id)
		loop_timer_cancel(http->loop, http->timer_id);
	http->timer_id = 0;
	if (timeout_ms >= 0)
		http->timer_id = loop_timer_add(http->loop, timeout_ms, false, http_timer_fired, http);
	return 0;
}

static const char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

void http_tls_copy(struct http_tls *dst, const struct http_tls *src)
{
	*dst = (struct http_tls){dup_or_null(src->ca_file), dup_or_null(src->ca_data),
				 dup_or_null(src->cert_file), dup_or_null(src->cert_data),
				 dup_or_null(src->key_file), dup_or_null(src->key_data),
				 src->insecure, dup_or_null(src->server_name)};
}

void http_tls_clear(struct http_tls *t)
{
	/* the strings are the copies http_tls_copy made: const only to borrowers */
	const char *owned[] = {t->ca_file, t->ca_data, t->cert_file, t->cert_data,
			       t->key_file, t->key_data, t->server_name};
	for (size_t i = 0; i < sizeof owned / sizeof owned[0]; i++)
		free((char *)owned[i]);
	*t = (struct http_tls){0};
}

struct http *http_new(struct loop *loop)
{
	static bool curl_ready;
	if (!curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			return NULL;
		curl_ready = true;
	}
	struct http *http = xcalloc(1, sizeof(*http));
	http->loop = loop;
	http->multi = curl_multi_init();
	if (!http->multi) {
		free(http);
		return NULL;
	}
	curl_multi_setopt(http->multi, CURLMOPT_SOCKETFUNCTION, http_socket_cb);
	curl_multi_setopt(http->multi, CURLMOPT_SOCKETDATA, http);
	curl_multi_setopt(http->multi, CURLMOPT_TIMERFUNCTION, http_timer_cb);
	curl_multi_setopt(http->multi, CURLMOPT_TIMERDATA, http);
	return http;
}

/* ---- requests -------------------------------------------------------------------- */

static void request_unlink(struct http_request *req)
{
	struct http_request **pp = &req->http->requests;
	while (*pp && *pp != req)
		pp = &(*pp)->next;
	if (*pp)
		*pp = req->next;
}

static void request_free(struct http_request *req)
{
	if (req->added)
		curl_multi_remove_handle(req->http->multi, req->easy);
	curl_easy_cleanup(req->easy);
	curl_slist_free_all(req->headers);
	curl_slist_free_all(req->connect_to);
	strbuf_free(&req->body);
	free(req->content_type);
	free(req->url);
	free(req);
}

void http_free(struct http *http)
{
	if (!http)
		return;
	while (http->requests) {
		struct http_request *req = http->requests;
		http->requests = req->next;
		request_free(req);
	}
	if (http->timer_id)
		loop_timer_cancel(http->loop, http->timer_id);
	if (http->pending_timer)
		loop_timer_cancel(http->loop, http->pending_timer);
	curl_multi_cleanup(http->multi);
	for (size_t i = 0; i < http->nfds; i++)
		loop_fd_remove(http->loop, http->fds[i]);
	free(http->fds);
	free(http);
}

size_t http_active(const struct http *http)
{
	size_t n = 0;
	for (const struct http_request *r = http->requests; r; r = r->next)
		n += !r->cancelled;
	return n;
}

static long header_retry_after(const char *v)
{
	char *end;
	long secs = strtol(v, &end, 10);
	if (end != v && (*end == '\0' || *end == '\r' || *end == '\n' || *end == ' '))
		return secs < 0 ? 0 : secs;
	time_t when = curl_getdate(v, NULL);
	if (when < 0)
		return -1;
	time_t now = time(NULL);
	return when > now ? (long)(when - now) : 0;
}

static size_t http_header_cb(char *data, size_t size, size_t nmemb, void *ud)
{
	struct http_request *req = ud;
	size_t len = size * nmemb;
	char *line = xstrndup(data, len);
	line[strcspn(line, "\r\n")] = '\0';
	if (line[0] == '\0' && req->on_head && !req->cancelled) {
		long status = 0;
		curl_easy_getinfo(req->easy, CURLINFO_RESPONSE_CODE, &status);
		/* Interim answers (100 Continue) end in a blank line too, and a proxy's
		 * CONNECT reply is not counted as the response code: wait for >= 200. */
		if (status >= 200 && !req->head_seen) {
			req->head_seen = true;
			req->on_head(req->ud, status);
		}
	} else if (!strncmp(line, "HTTP/", 5)) {
		/* A new response (after 100 Continue or a proxy CONNECT): forget the last. */
		free(req->content_type);
		req->content_type = NULL;
		req->retry_after = -1;
	} else if (!strncasecmp(line, "Content-Type:", 13)) {
		free(req->content_type);
		req->content_type = xstrdup(line + 13 + strspn(line + 13, " \t"));
	} else if (!strncasecmp(line, "Retry-After:", 12)) {
		req->retry_after = header_retry_after(line + 12 + strspn(line + 12, " \t"));
	}
	free(line);
	return len;
}

static size_t http_write_cb(char *data, size_t size, size_t nmemb, void *ud)
{
	struct http_request *req = ud;
	size_t len = size * nmemb;
	if (req->cancelled)
		return 0;   /* makes curl abort the transfer */
	long status = 0;
	curl_easy_getinfo(req->easy, CURLINFO_RESPONSE_CODE, &status);
	if (req->on_data && status >= 200 && status < 300) {
		req->on_data(req->ud, data, len);
		return req->cancelled ? 0 : len;
	}
	strbuf_append(&req->body, data, len);
	return len;
}

static void request_finish(struct http_request *req, CURLcode code)
{
	struct http_response resp;
	memset(&resp, 0, sizeof(resp));
	curl_easy_getinfo(req->easy, CURLINFO_RESPONSE_CODE, &resp.status);
	resp.content_type = req->content_type;
	resp.retry_after = req->retry_after;
	resp.body = strbuf_str(&req->body);
	resp.body_len = req->body.len;
	resp.url = req->url;
	if (code != CURLE_OK) {
		long os_errno = 0;
		curl_easy_getinfo(req->easy, CURLINFO_OS_ERRNO, &os_errno);
		resp.os_errno = (int)os_errno;
		resp.error = req->errbuf[0] ? req->errbuf : curl_easy_strerror(code);
	}
	req->on_done(req->ud, &resp);
}

/* Hands finished transfers to their callbacks; runs outside curl, so callbacks may start
 * or cancel requests freely. */
static void http_check_done(struct http *http)
{
	CURLMsg *msg;
	int left;
	while ((msg = curl_multi_info_read(http->multi, &left))) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		struct http_request *req = NULL;
		CURLcode code = msg->data.result;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&req);
		request_unlink(req);
		if (!req->cancelled && req->on_done)
			request_finish(req, code);
		request_free(req);
	}
}

static void http_flush_pending(struct http *http)
{
	if (http->depth > 0)
		return;
	for (struct http_request *r = http->requests; r; r = r->next) {
		if (r->added || r->cancelled)
			continue;
		r->added = true;
		curl_multi_add_handle(http->multi, r->easy);
	}
	/* Free requests cancelled while curl was running (removing them there is not
	 * allowed). */
	struct http_request **pp = &http->requests;
	while (*pp) {
		struct http_request *r = *pp;
		if (r->cancelled) {
			*pp = r->next;
			request_free(r);
		} else {
			pp = &r->next;
		}
	}
}

static void http_pending_fired(struct loop *loop, long long id, void *ud)
{
	struct http *http = ud;
	(void)loop;
	(void)id;
	http->pending_timer = 0;
	http_flush_pending(http);
}

void http_cancel(struct http_request *req)
{
	struct http *http = req->http;
	if (req->cancelled)
		return;
	req->cancelled = true;
	if (http->depth > 0) {
		/* Inside curl, where removing a handle is not allowed: the write callback
		 * refuses more data, and the flush after curl returns frees it. */
		if (!http->pending_timer)
			http->pending_timer = loop_timer_add(http->loop, 0, false,
							     http_pending_fired, http);
		return;
	}
	request_unlink(req);
	request_free(req);
}

/* ---- building a request ------------------------------------------------------------ */

static void blob_set(CURL *easy, CURLoption opt, const char *pem)
{
	struct curl_blob blob = {(void *)pem, strlen(pem), CURL_BLOB_COPY};
	curl_easy_setopt(easy, opt, &blob);
}

/* tls-server-name: ask for https://NAME:PORT/... and connect NAME:PORT to HOST:PORT, so
 * SNI and certificate verification use NAME while the bytes go to the real server. */
static int request_server_name(struct http_request *req, const char *name, char *err,
			       size_t errlen)
{
	CURLU *u = curl_url();
	char *host = NULL, *port = NULL, *url = NULL;
	int rc = -1;
	if (curl_url_set(u, CURLUPART_URL, req->url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) != CURLUE_OK) {
		snprintf(err, errlen, "invalid URL %s", req->url);
		goto out;
	}
	if (curl_url_set(u, CURLUPART_HOST, name, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_URL, &url, 0) != CURLUE_OK) {
		snprintf(err, errlen, "invalid tls-server-name %s", name);
		goto out;
	}
	char *map = xasprintf("%s:%s:%s:%s", name, port, host, port);
	req->connect_to = curl_slist_append(req->connect_to, map);
	free(map);
	char *hosthdr = xasprintf("Host: %s:%s", host, port);
	req->headers = curl_slist_append(req->headers, hosthdr);
	free(hosthdr);
	curl_easy_setopt(req->easy, CURLOPT_URL, url);
	curl_easy_setopt(req->easy, CURLOPT_CONNECT_TO, req->connect_to);
	rc = 0;
out:
	curl_free(host);
	curl_free(port);
	curl_free(url);
	curl_url_cleanup(u);
	return rc;
}

static int request_set_tls(struct http_request *req, const struct http_tls *tls, char *err,
			   size_t errlen)
{
	CURL *e = req->easy;
	if (tls->ca_data)
		blob_set(e, CURLOPT_CAINFO_BLOB, tls->ca_data);
	else if (tls->ca_file)
		curl_easy_setopt(e, CURLOPT_CAINFO, tls->ca_file);
	if (tls->cert_data)
		blob_set(e, CURLOPT_SSLCERT_BLOB, tls->cert_data);
	else if (tls->cert_file)
		curl_easy_setopt(e, CURLOPT_SSLCERT, tls->cert_file);
	if (tls->key_data)
		blob_set(e, CURLOPT_SSLKEY_BLOB, tls->key_data);
	else if (tls->key_file)
		curl_easy_setopt(e, CURLOPT_SSLKEY, tls->key_file);
	if (tls->insecure) {
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (tls->server_name && *tls->server_name)
		return request_server_name(req, tls->server_name, err, errlen);
	return 0;
}

static void request_set_auth(struct http_request *req, const struct http_request_opts *o)
{
	if (o->bearer_token && *o->bearer_token) {
		char *h = xasprintf("Authorization: Bearer %s", o->bearer_token);
		req->headers = curl_slist_append(req->headers, h);
		memset(h, 0, strlen(h));   /* keep the token out of freed memory */
		free(h);
	} else if (o->username) {
		curl_easy_setopt(req->easy, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
		curl_easy_setopt(req->easy, CURLOPT_USERNAME, o->username);
		curl_easy_setopt(req->easy, CURLOPT_PASSWORD, o->password ? o->password : "");
	}
}

static void request_set_method(struct http_request *req, const struct http_request_opts *o)
{
	CURL *e = req->easy;
	const char *m = o->method ? o->method : "GET";
	if (!strcasecmp(m, "HEAD"))
		curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
	else if (strcasecmp(m, "GET") != 0)
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, m);
	if (o->body) {
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)o->body_len);
		curl_easy_setopt(e, CURLOPT_COPYPOSTFIELDS, o->body);
		/* POSTFIELDS switches the method to POST; CUSTOMREQUEST above keeps PUT/PATCH. */
		/* No "Expect: 100-continue" round trip for small API bodies. */
		req->headers = curl_slist_append(req->headers, "Expect:");
	}
}

static struct http_request *request_new(struct http *http, const struct http_request_opts *o)
{
	struct http_request *req = xcalloc(1, sizeof(*req));
	req->http = http;
	req->url = xstrdup(o->url);
	req->retry_after = -1;
	req->on_data = o->on_data;
	req->on_head = o->on_head;
	req->on_done = o->on_done;
	req->ud = o->ud;
	req->easy = curl_easy_init();
	CURL *e = req->easy;
	curl_easy_setopt(e, CURLOPT_URL, req->url);
	curl_easy_setopt(e, CURLOPT_PRIVATE, (char *)req);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, req->errbuf);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, http_header_cb);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, req);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, http_write_cb);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, req);
	curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
			 o->connect_timeout_ms > 0 ? o->connect_timeout_ms : 10000L);
	if (o->timeout_ms > 0)
		curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, o->timeout_ms);
	/* An empty proxy string disables the *_proxy environment variables, as kubectl's
	 * explicit proxy-url would; without one curl honours them like Go does. */
	if (o->proxy_url)
		curl_easy_setopt(e, CURLOPT_PROXY, o->proxy_url);
	return req;
}

struct http_request *http_start(struct http *http, const struct http_request_opts *o, char *err,
				size_t errlen)
{
	if (!o->url || !o->on_done) {
		snprintf(err, errlen, "http: a request needs a URL and a completion callback");
		return NULL;
	}
	if (http->read_only && http_is_mutating(o->method, o->url)) {
		const char *path = strstr(o->url, "://");
		path = path ? strchr(path + 3, '/') : NULL;
		snprintf(err, errlen, "read-only mode: refusing %s %s", o->method,
			 path ? path : o->url);
		return NULL;
	}
	struct http_request *req = request_new(http, o);
	for (const char *const *h = o->headers; h && *h; h++)
		req->headers = curl_slist_append(req->headers, *h);
	request_set_method(req, o);
	request_set_auth(req, o);
	if (request_set_tls(req, &o->tls, err, errlen) != 0) {
		request_free(req);
		return NULL;
	}
	curl_easy_setopt(req->easy, CURLOPT_HTTPHEADER, req->headers);
	struct http_request **tail = &http->requests;
	while (*tail)
		tail = &(*tail)->next;
	*tail = req;
	/* Added from a zero timer, never here: curl may call our socket/timer callbacks while
	 * adding, and the caller may itself be inside a curl callback. */
	if (!http->pending_timer)
		http->pending_timer = loop_timer_add(http->loop, 0, false, http_pending_fired, http);
	return req;
}
