/* The audit log (see audit.h): building a record, redacting secrets, appending it under
 * an exclusive lock chained to the last line, and verifying the whole chain. */
#include "core/audit.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "core/sanitize.h"
#include "core/strbuf.h"
#include "core/xalloc.h"

enum {
	HASH_HEX = 64,
	/* ,"hash":"<64 hex>"} ends every line: 9 + 64 + 2 bytes */
	HASH_SUFFIX = 9 + HASH_HEX + 2,
	TAIL_WINDOW = 4096,
};

static const char hash_key[] = ",\"hash\":\"";
static const char zero_hash[HASH_HEX + 1] =
	"0000000000000000000000000000000000000000000000000000000000000000";
static const char redacted[] = "[redacted]";
static const char *const secret_words[] = { "token", "password", "secret", "authorization",
					    "bearer" };

static void set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	if (!err || errlen == 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* ---- hashing -------------------------------------------------------------------- */

/* Bytes to hash, in order. */
struct hash_part {
	const void *data;
	size_t len;
};

/* hex = SHA-256 of the parts concatenated, lower-case, NUL-terminated. */
static void sha256_hex(const struct hash_part *parts, size_t nparts, char hex[HASH_HEX + 1])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	bool ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1;
	for (size_t i = 0; ok && i < nparts; i++)
		ok = EVP_DigestUpdate(ctx, parts[i].data, parts[i].len) == 1;
	ok = ok && EVP_DigestFinal_ex(ctx, md, &mdlen) == 1 && mdlen == HASH_HEX / 2;
	EVP_MD_CTX_free(ctx);
	if (!ok) {
		/* SHA-256 cannot fail short of a broken OpenSSL: abort as xmalloc does */
		fputs("opsdeck: SHA-256 failed\n", stderr);
		abort();
	}
	static const char digits[] = "0123456789abcdef";
	for (unsigned i = 0; i < mdlen; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[HASH_HEX] = '\0';
}

/* What a line's hash covers: prev (64 hex) + the body, the line up to its hash member
 * followed by "}" (docs/audit.md). */
static void record_hash(const char *prev, const char *body, size_t body_len,
			char hex[HASH_HEX + 1])
{
	const struct hash_part parts[] = { { prev, HASH_HEX }, { body, body_len }, { "}", 1 } };
	sha256_hex(parts, 3, hex);
}

static void line_hash(const char *line, size_t len, char hex[HASH_HEX + 1])
{
	const struct hash_part part = { line, len };
	sha256_hex(&part, 1, hex);
}

static bool is_hash_hex(const char *s, size_t len)
{
	if (len != HASH_HEX)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isdigit((unsigned char)s[i]) && !(s[i] >= 'a' && s[i] <= 'f'))
			return false;
	return true;
}

/* ---- redaction ------------------------------------------------------------------ */

bool audit_key_is_secret(const char *key)
{
	char norm[128];
	size_t n = 0;
	for (const char *p = key; *p; p++) {
		if (*p == '-' || *p == '_' || *p == '.')
			continue;
		if (n + 1 >= sizeof(norm))
			return true; /* absurdly long keys are not worth the risk */
		norm[n++] = (char)tolower((unsigned char)*p);
	}
	norm[n] = '\0';
	for (size_t i = 0; i < sizeof(secret_words) / sizeof(*secret_words); i++) {
		size_t wl = strlen(secret_words[i]);
		if (n >= wl && memcmp(norm + n - wl, secret_words[i], wl) == 0)
			return true;
	}
	return false;
}

/* Length of the secret word starting at s (case-insensitive), or 0. */
static size_t secret_word_at(const char *s)
{
	for (size_t i = 0; i < sizeof(secret_words) / sizeof(*secret_words); i++) {
		size_t wl = strlen(secret_words[i]);
		if (strncasecmp(s, secret_words[i], wl) == 0)
			return wl;
	}
	return 0;
}

static bool ends_value(char c)
{
	return c == '\0' || strchr("\"' \t\r\n,;&(){}[]<>", c) != NULL;
}

/* Free text (an error message, parameters that are not JSON) may still quote a secret:
 * "token=abc", "\"password\": \"x\"", "Authorization: Bearer abc". The value after such a
 * word and a ':' or '=' (or after "bearer" and a space) becomes [redacted]. */
static char *scrub_text(const char *s)
{
	struct strbuf out = STRBUF_INIT;
	size_t i = 0;
	while (s[i]) {
		size_t wl = secret_word_at(s + i);
		if (wl == 0) {
			strbuf_putc(&out, s[i++]);
			continue;
		}
		bool bearer = strncasecmp(s + i, "bearer", 6) == 0;
		size_t j = i + wl;
		while (s[j] == '"' || s[j] == '\'' || (!bearer && (s[j] == ' ' || s[j] == '\t')))
			j++;
		bool sep = s[j] == ':' || s[j] == '=';
		if (sep)
			j++;
		if (!sep && !(bearer && (s[j] == ' ' || s[j] == '\t'))) {
			strbuf_append(&out, s + i, wl);
			i += wl;
			continue;
		}
		while (s[j] == ' ' || s[j] == '\t' || s[j] == '"' || s[j] == '\'')
			j++;
		strbuf_append(&out, s + i, j - i);
		i = j;
		/* "Authorization: Bearer x": leave the scheme for the bearer rule */
		if (ends_value(s[i]) ||
		    (strncasecmp(s + i, "bearer", 6) == 0 && (s[i + 6] == ' ' || s[i + 6] == '\t')))
			continue;
		while (!ends_value(s[i]))
			i++;
		strbuf_puts(&out, redacted);
	}
	return strbuf_detach(&out);
}

/* A JSON string for s: NULL gives null; invalid UTF-8 is repaired rather than lost. */
static json_t *json_text(const char *s)
{
	if (!s)
		return json_null();
	json_t *j = json_string(s);
	if (j)
		return j;
	char *clean = sanitize_cstr(s, SANITIZE_KEEP_TAB | SANITIZE_KEEP_NEWLINE);
	j = json_string(clean);
	free(clean);
	return j ? j : json_string("?");
}

static json_t *json_scrubbed(const char *s)
{
	char *clean = scrub_text(s);
	json_t *j = json_text(clean);
	free(clean);
	return j;
}

/* Replaces every secret-named member's value, at any depth, and scrubs string values. */
static json_t *redact(json_t *v)
{
	if (json_is_string(v)) {
		json_t *s = json_scrubbed(json_string_value(v));
		json_decref(v);
		return s;
	}
	if (json_is_array(v)) {
		for (size_t i = 0; i < json_array_size(v); i++)
			json_array_set_new(v, i, redact(json_incref(json_array_get(v, i))));
	} else if (json_is_object(v)) {
		const char *key;
		json_t *member;
		void *tmp;
		json_object_foreach_safe(v, tmp, key, member) {
			if (audit_key_is_secret(key))
				json_object_set_new(v, key, json_string(redacted));
			else
				json_object_set_new(v, key, redact(json_incref(member)));
		}
	}
	return v;
}

/* ---- the record ----------------------------------------------------------------- */

/* The parameters member: a->parameters parsed (a string when not JSON), plus the scale's
 * replicas and the detail when the text does not already hold them; all redacted. */
static json_t *record_parameters(const struct action *a)
{
	json_t *p = NULL;
	if (a->parameters && *a->parameters) {
		p = json_loads(a->parameters, JSON_DECODE_ANY, NULL);
		if (!p)
			return json_scrubbed(a->parameters);
	}
	bool extra = a->kind == ACTION_SCALE || (a->detail && *a->detail);
	if (!p && !extra)
		return json_null();
	if (!p)
		p = json_object();
	if (json_is_object(p)) {
		if (a->kind == ACTION_SCALE && !json_object_get(p, "replicas"))
			json_object_set_new(p, "replicas", json_integer(a->replicas));
		if (a->detail && *a->detail && !json_object_get(p, "detail"))
			json_object_set_new(p, "detail", json_text(a->detail));
	}
	return redact(p);
}

static void format_now(char *buf, size_t len)
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	char sec[32];
	strftime(sec, sizeof(sec), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%03ldZ", sec, ts.tv_nsec / 1000000L);
}

struct record_in {
	enum action_audit_stage stage;
	const struct action *a;
	const struct audit_identity *who;
	bool ok;
	const char *error;
	long long seq;
	const char *prev;
};

/* The record without its hash, keys in the documented order. */
static json_t *record_build(const struct record_in *in)
{
	static const struct audit_identity nobody = { NULL, NULL, NULL };
	const struct audit_identity *who = in->who ? in->who : &nobody;
	const struct action_target *t = &in->a->target;
	bool result = in->stage == ACTION_AUDIT_RESULT;
	char now[64];
	format_now(now, sizeof(now));
	json_t *r = json_object();
	json_object_set_new(r, "time", json_string(now));
	json_object_set_new(r, "seq", json_integer(in->seq));
	json_object_set_new(r, "stage", json_string(result ? "result" : "intent"));
	json_object_set_new(r, "os_user", json_text(who->os_user));
	json_object_set_new(r, "kube_user", json_text(who->kube_user));
	json_object_set_new(r, "argocd_user", json_text(who->argocd_user));
	json_object_set_new(r, "context", json_text(t->context));
	json_object_set_new(r, "cluster", json_text(t->cluster));
	json_object_set_new(r, "namespace", json_text(t->namespace));
	json_object_set_new(r, "kind", json_text(t->kind));
	json_object_set_new(r, "name", json_text(t->name));
	json_object_set_new(r, "action", json_string(action_kind_name(in->a->kind)));
	json_object_set_new(r, "parameters", record_parameters(in->a));
	json_object_set_new(r, "result",
			    result ? json_string(in->ok ? "ok" : "failed") : json_null());
	json_object_set_new(r, "error", result && !in->ok && in->error ?
					json_scrubbed(in->error) : json_null());
	json_object_set_new(r, "prev", json_string(in->prev));
	return r;
}

/* The line to write: body without its closing brace, the hash member, "}\n". The hash
 * is SHA-256(prev hex + body), body being the compact record without "hash". */
static char *record_line(const struct record_in *in, size_t *len)
{
	json_t *r = record_build(in);
	char *body = json_dumps(r, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(r);
	if (!body) {
		fputs("opsdeck: out of memory\n", stderr);
		abort();
	}
	size_t blen = strlen(body);
	char hex[HASH_HEX + 1];
	record_hash(in->prev, body, blen - 1, hex);
	char *line = xasprintf("%.*s%s%s\"}\n", (int)(blen - 1), body, hash_key, hex);
	free(body);
	*len = strlen(line);
	return line;
}

/* ---- appending ------------------------------------------------------------------ */

/* mkdir -p of path's directory, each created level 0700. */
static int make_parent_dirs(const char *path, char *err, size_t errlen)
{
	char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	int rc = 0;
	if (slash && slash != dir) {
		*slash = '\0';
		for (char *p = dir + 1; rc == 0; p++) {
			if (*p != '/' && *p != '\0')
				continue;
			char c = *p;
			*p = '\0';
			if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
				set_err(err, errlen, "cannot create %s: %s", dir, strerror(errno));
				rc = -1;
			}
			*p = c;
			if (c == '\0')
				break;
		}
	}
	free(dir);
	return rc;
}

static int read_at(int fd, char *buf, size_t len, off_t off)
{
	size_t done = 0;
	while (done < len) {
		ssize_t n = pread(fd, buf + done, len - done, off + (off_t)done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		done += (size_t)n;
	}
	return 0;
}

/* The file's last line without its newline (xmalloc'd; *len), NULL for an empty file.
 * Reads backwards in growing windows so a long log costs one small read. */
static char *read_last_line(int fd, off_t size, size_t *len, bool *ends_newline, int *rc)
{
	*rc = 0;
	*ends_newline = true;
	if (size == 0)
		return NULL;
	char last;
	if (read_at(fd, &last, 1, size - 1) < 0) {
		*rc = -1;
		return NULL;
	}
	*ends_newline = last == '\n';
	off_t end = *ends_newline ? size - 1 : size;
	for (off_t window = TAIL_WINDOW;; window *= 2) {
		off_t start = end > window ? end - window : 0;
		size_t n = (size_t)(end - start);
		char *buf = xmalloc(n + 1);
		if (read_at(fd, buf, n, start) < 0) {
			free(buf);
			*rc = -1;
			return NULL;
		}
		size_t from = n;
		while (from > 0 && buf[from - 1] != '\n')
			from--;
		if (from > 0 || start == 0) {
			memmove(buf, buf + from, n - from);
			*len = n - from;
			buf[*len] = '\0';
			return buf;
		}
		free(buf);
	}
}

/* Lines in the file (a final line without newline counts), for when the last line's
 * seq cannot be read. */
static long long count_lines(int fd, off_t size)
{
	char buf[65536];
	long long lines = 0;
	off_t off = 0;
	char last = '\n';
	while (off < size) {
		ssize_t n = pread(fd, buf, sizeof(buf), off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (ssize_t i = 0; i < n; i++)
			lines += buf[i] == '\n';
		last = buf[n - 1];
		off += n;
	}
	return lines + (last != '\n');
}

/* Fills prev and seq from the last line; *need_newline when the file ends mid-line
 * (a write cut short), so the new record starts on a line of its own. */
static int chain_state(int fd, char prev[HASH_HEX + 1], long long *seq, bool *need_newline)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return -1;
	size_t len = 0;
	bool ends_newline;
	int rc;
	char *last = read_last_line(fd, st.st_size, &len, &ends_newline, &rc);
	*need_newline = !ends_newline;
	if (rc < 0)
		return -1;
	if (!last) {
		memcpy(prev, zero_hash, sizeof(zero_hash));
		*seq = 1;
		return 0;
	}
	line_hash(last, len, prev);
	json_t *j = json_loadb(last, len, 0, NULL);
	json_t *s = json_object_get(j, "seq");
	*seq = json_is_integer(s) && ends_newline ? json_integer_value(s) + 1
						   : count_lines(fd, st.st_size) + 1;
	json_decref(j);
	free(last);
	return 0;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* With the lock held: read the chain's end, write one line, fsync. */
static int append_locked(int fd, struct record_in *in, char *err, size_t errlen,
			 const char *path)
{
	char prev[HASH_HEX + 1];
	bool need_newline;
	if (chain_state(fd, prev, &in->seq, &need_newline) < 0) {
		set_err(err, errlen, "cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	in->prev = prev;
	size_t len;
	char *line = record_line(in, &len);
	if (need_newline) {
		char *fixed = xasprintf("\n%s", line);
		free(line);
		line = fixed;
		len++;
	}
	/* one write: with O_APPEND a reader never sees half a record from a whole write */
	int rc = write_all(fd, line, len);
	if (rc == 0)
		rc = fsync(fd);
	if (rc < 0)
		set_err(err, errlen, "cannot write %s: %s", path, strerror(errno));
	free(line);
	return rc;
}

int audit_append(const char *path, enum action_audit_stage stage, const struct action *a,
		 const struct audit_identity *who, bool ok, const char *error, char *err,
		 size_t errlen)
{
	if (!path || !*path || !a) {
		set_err(err, errlen, "audit: no log file or no action");
		return -1;
	}
	if (make_parent_dirs(path, err, errlen) < 0)
		return -1;
	int fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		set_err(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	int rc;
	while ((rc = flock(fd, LOCK_EX)) < 0 && errno == EINTR)
		;
	if (rc < 0) {
		set_err(err, errlen, "cannot lock %s: %s", path, strerror(errno));
	} else {
		struct record_in in = { stage, a, who, ok, error, 0, NULL };
		rc = append_locked(fd, &in, err, errlen, path);
	}
	close(fd); /* releases the lock */
	return rc;
}

/* ---- verifying ------------------------------------------------------------------ */

/* Checks one line (without newline) against the previous line's hash; n is its number.
 * Returns 0, or 1 with err set. */
static int verify_line(const char *line, size_t len, size_t n, const char *expect_prev,
		       char *err, size_t errlen)
{
	json_t *j = json_loadb(line, len, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(j)) {
		json_decref(j);
		set_err(err, errlen, "line %zu: not JSON", n);
		return 1;
	}
	const char *prev = json_string_value(json_object_get(j, "prev"));
	const char *hash = json_string_value(json_object_get(j, "hash"));
	json_t *seq = json_object_get(j, "seq");
	/* the hash member must be the last one, exactly as the writer puts it */
	const char *suffix = len >= HASH_SUFFIX ? line + len - HASH_SUFFIX : NULL;
	const char *suffix_hex = suffix ? suffix + sizeof(hash_key) - 1 : NULL;
	bool hash_ok = suffix && memcmp(suffix, hash_key, sizeof(hash_key) - 1) == 0 &&
		       memcmp(line + len - 2, "\"}", 2) == 0 && hash &&
		       strlen(hash) == HASH_HEX && memcmp(hash, suffix_hex, HASH_HEX) == 0 &&
		       prev && is_hash_hex(prev, strlen(prev));
	if (hash_ok) {
		char hex[HASH_HEX + 1];
		record_hash(prev, line, len - HASH_SUFFIX, hex);
		hash_ok = memcmp(hex, suffix_hex, HASH_HEX) == 0;
	}
	int rc = 1;
	if (!hash_ok)
		set_err(err, errlen, "line %zu: hash does not match", n);
	else if (strcmp(prev, expect_prev) != 0 && n == 1)
		set_err(err, errlen, "line 1: prev is not 64 zeros (not the start of a chain)");
	else if (strcmp(prev, expect_prev) != 0)
		set_err(err, errlen, "line %zu: prev does not match line %zu", n, n - 1);
	else if (!json_is_integer(seq) || json_integer_value(seq) != (json_int_t)n)
		set_err(err, errlen, "line %zu: seq out of order", n);
	else
		rc = 0;
	json_decref(j);
	return rc;
}

/* Walks the open file line by line; see audit_verify. */
static int verify_stream(FILE *f, size_t *nlines, char last_hash[HASH_HEX + 1],
			 size_t *bad_line, char *err, size_t errlen)
{
	char prev[HASH_HEX + 1];
	memcpy(prev, zero_hash, sizeof(zero_hash));
	char *line = NULL;
	size_t cap = 0, n = 0;
	ssize_t got;
	int rc = 0;
	while (rc == 0 && (got = getline(&line, &cap, f)) > 0) {
		size_t len = (size_t)got;
		bool newline = line[len - 1] == '\n';
		if (newline)
			len--;
		n++;
		rc = verify_line(line, len, n, prev, err, errlen);
		if (rc == 0 && !newline) {
			set_err(err, errlen, "line %zu: no newline at the end (a cut write?)", n);
			rc = 1;
		}
		if (rc == 0)
			line_hash(line, len, prev);
		else
			*bad_line = n;
	}
	free(line);
	if (rc == 0 && ferror(f)) {
		set_err(err, errlen, "read error after line %zu: %s", n, strerror(errno));
		rc = -1;
	}
	*nlines = n;
	/* the last line's own hash is the value to keep elsewhere as an anchor */
	if (rc == 0 && n > 0)
		memcpy(last_hash, prev, sizeof(zero_hash));
	return rc;
}

int audit_verify(const char *path, size_t *nlines, char *last_hash, size_t *bad_line,
		 char *err, size_t errlen)
{
	size_t lines = 0, bad = 0;
	char hash[HASH_HEX + 1] = "";
	int rc = 0;
	FILE *f = fopen(path, "re");
	if (!f && errno != ENOENT) {
		set_err(err, errlen, "cannot open %s: %s", path, strerror(errno));
		rc = -1;
	} else if (f) {
		rc = verify_stream(f, &lines, hash, &bad, err, errlen);
		fclose(f);
	}
	if (nlines)
		*nlines = lines;
	if (bad_line)
		*bad_line = bad;
	if (last_hash)
		memcpy(last_hash, hash, rc == 0 ? sizeof(hash) : 1);
	return rc;
}

/* ---- paths and identity --------------------------------------------------------- */

static const char *home_dir(void)
{
	const char *home = getenv("HOME");
	if (home && *home)
		return home;
	struct passwd *pw = getpwuid(geteuid());
	return pw && pw->pw_dir && *pw->pw_dir ? pw->pw_dir : NULL;
}

char *audit_default_path(void)
{
	const char *state = getenv("XDG_STATE_HOME");
	/* the XDG spec: a relative value is invalid and must be ignored */
	if (state && state[0] == '/')
		return xasprintf("%s/opsdeck/audit.jsonl", state);
	const char *home = home_dir();
	return home ? xasprintf("%s/.local/state/opsdeck/audit.jsonl", home) : NULL;
}

static char os_user_name[256];
static pthread_once_t os_user_once = PTHREAD_ONCE_INIT;

static void os_user_lookup(void)
{
	struct passwd *pw = getpwuid(geteuid());
	const char *name = pw && pw->pw_name && *pw->pw_name ? pw->pw_name : getenv("USER");
	if (name)
		snprintf(os_user_name, sizeof(os_user_name), "%s", name);
}

const char *audit_os_user(void)
{
	pthread_once(&os_user_once, os_user_lookup);
	return os_user_name[0] ? os_user_name : NULL;
}

/* ---- the gate's hook ------------------------------------------------------------ */

int audit_sink_init(struct audit_sink *s, const char *path, const struct audit_identity *who)
{
	memset(s, 0, sizeof(*s));
	s->path = path ? xstrdup(path) : audit_default_path();
	if (who)
		s->who = *who;
	return s->path ? 0 : -1;
}

void audit_sink_free(struct audit_sink *s)
{
	free(s->path);
	s->path = NULL;
}

void audit_gate_hook(void *ud, enum action_audit_stage stage, const struct action *a, bool ok,
		     const char *error)
{
	struct audit_sink *s = ud;
	char err[sizeof(s->last_error)];
	if (audit_append(s->path, stage, a, &s->who, ok, error, err, sizeof(err)) < 0) {
		s->failures++;
		memcpy(s->last_error, err, sizeof(err));
	}
}
