/* The local timeline: Kubernetes warning events, Argo CD operation changes and alerts
 * the console saw, kept as JSON lines in $XDG_STATE_HOME/opsdeck/timeline.jsonl so they
 * stay browsable after the cluster has forgotten them (events expire after an hour). */
#ifndef OPSDECK_CORE_TIMELINE_H
#define OPSDECK_CORE_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>

enum timeline_kind {
	TIMELINE_ANY = -1,       /* filters only */
	TIMELINE_EVENT = 0,      /* a Kubernetes Warning event */
	TIMELINE_OPERATION,      /* an Argo CD operation or health change */
	TIMELINE_ALERT,          /* a Prometheus alert seen firing or pending */
};

/* One entry. Strings may be NULL (written as ""); in entries the module returns every
 * string is owned, sanitised and non-NULL. */
struct timeline_entry {
	long long time;          /* Unix seconds */
	enum timeline_kind kind;
	char *cluster;           /* the context it was seen on */
	char *namespace;
	char *object;            /* "Pod/web-1", "Application/catalog-pre" */
	char *reason;            /* "BackOff", "Sync Succeeded", "HighErrorRate" */
	char *message;
	char *revision;          /* operations: the revision synced */
	long count;              /* events: how many times; else 1 */
	char *key;               /* the deduplication key (timeline_key_*) */
};

struct timeline;

/* The word for a kind ("event", "operation", "alert"); kind_parse gives false for an
 * unknown word. */
const char *timeline_kind_name(enum timeline_kind kind);
bool timeline_kind_parse(const char *word, enum timeline_kind *out);

/* $XDG_STATE_HOME/opsdeck/timeline.jsonl (~/.local/state when unset or relative);
 * NULL when there is no home. The caller frees. */
char *timeline_default_path(void);

/* Opens (creating the directory 0700 when missing; the file is created 0600 by the
 * first append) and loads the keys of the file's tail so duplicates are recognised
 * across restarts. max_bytes 0: 16 MB. NULL with err when the directory cannot be
 * made. */
struct timeline *timeline_open(const char *path, size_t max_bytes, char *err, size_t errlen);
void timeline_close(struct timeline *tl);
const char *timeline_path(const struct timeline *tl);

/* Appends e unless an entry with its key was already recorded. Strings are sanitised
 * and copied. Past max_bytes the file is rewritten (a temporary file renamed over it)
 * with its newest half. Returns 1 appended, 0 duplicate, -1 with err. */
int timeline_append(struct timeline *tl, const struct timeline_entry *e, char *err,
		    size_t errlen);
/* True when key was recorded (this run or the loaded tail). */
bool timeline_has_key(const struct timeline *tl, const char *key);

/* Deduplication keys (new strings, caller frees): an event by its uid and its count
 * or last timestamp (a repeat counts up); an operation by app, phase and start; an
 * alert by its identifying labels (a fingerprint text), state and activeAt. */
char *timeline_key_event(const char *uid, long count, const char *last_timestamp);
char *timeline_key_operation(const char *cluster, const char *app, const char *phase,
			     const char *started_at);
char *timeline_key_alert(const char *fingerprint, const char *state, long long active_at);

struct timeline_filter {
	long long since;         /* entries at or after (Unix seconds); 0: all */
	enum timeline_kind kind; /* TIMELINE_ANY: all */
	const char *cluster;     /* exact; NULL or "": all */
	const char *namespace;   /* exact; NULL or "": all */
	const char *text;        /* case-insensitive substring of object, reason, message,
				  * namespace or cluster; NULL or "": all */
};

struct timeline_list {
	struct timeline_entry *items;  /* newest first */
	size_t n;
	size_t corrupt;                /* lines skipped */
	char *corrupt_first;           /* "PATH:LINE: why" of the first, or NULL */
};

/* Reads path (an absent file is an empty list) with f (NULL: no filter) into out,
 * newest first (file order reversed among equal times). A corrupt line is skipped and
 * counted. Returns 0, or -1 with err when the file cannot be read. */
int timeline_read(const char *path, const struct timeline_filter *f, struct timeline_list *out,
		  char *err, size_t errlen);
/* Where an incremental reader stopped: the byte offset after the last whole line read
 * and that line's number. Zeroed: the start of the file. */
struct timeline_cursor {
	long long offset;
	size_t line;
};

/* As timeline_read, but only the whole lines appended since cur, which moves past them
 * (a line still being written waits for the next call). A file now shorter than cur
 * was replaced: it is read from the start and *restarted is set, for the caller to
 * drop what it had. */
int timeline_read_more(const char *path, struct timeline_cursor *cur,
		       const struct timeline_filter *f, struct timeline_list *out, bool *restarted,
		       char *err, size_t errlen);
void timeline_list_free(struct timeline_list *l);
/* True when e passes f. */
bool timeline_entry_matches(const struct timeline_entry *e, const struct timeline_filter *f);
void timeline_entry_free(struct timeline_entry *e);

/* RFC 3339 UTC ("2026-11-23T14:50:00Z") to Unix seconds; -1 when malformed. */
long long timeline_parse_time(const char *s);

#endif
