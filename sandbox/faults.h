/* Injected faults (opsdeck-sandbox --faults SPEC): the rule parser and the decision
 * "which fault, if any, applies to this request now", so tests can break the sandbox
 * on purpose and watch clients cope. The grammar is in docs/sandbox.md ("Faults"). */
#ifndef OPSDECK_SANDBOX_FAULTS_H
#define OPSDECK_SANDBOX_FAULTS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum fault_kind {
	FAULT_DROP,      /* a stream closed without its end after ARG lines (default 1) */
	FAULT_GONE,      /* a watch ends with ERROR 410 Expired after ARG lines (default 0) */
	FAULT_429,       /* 429 TooManyRequests with Retry-After: ARG (default 1) */
	FAULT_500,       /* 500 InternalError */
	FAULT_503,       /* 503 ServiceUnavailable */
	FAULT_SLOW,      /* the response starts after ARG seconds (default 5) */
	FAULT_TRUNCATE,  /* a JSON reply cut to half its bytes (with a matching length) */
	FAULT_GARBAGE,   /* a JSON reply replaced by malformed JSON */
	FAULT_EXPIRED,   /* 401 Unauthorized, as for an expired token */
	FAULT_DOWN,      /* every connection closed at once for ARG seconds (default 10) */
};

/* Where a decision is taken: REQUEST before a handler runs (429, 500, 503, slow,
 * expired, down), BODY once a handler made a JSON reply (truncate, garbage), STREAM when
 * a stream starts (drop), WATCH when a Kubernetes watch starts (drop and gone). So a
 * rule is only spent on requests it can break. */
enum fault_phase { FAULT_PHASE_REQUEST, FAULT_PHASE_BODY, FAULT_PHASE_STREAM,
		   FAULT_PHASE_WATCH };

struct fault_rule {
	enum fault_kind kind;
	long arg;
	char *glob;          /* fnmatch(3) pattern on the path (query excluded); NULL: all */
	double probability;  /* 0 < p <= 1 */
	long count;          /* firings left; -1: unlimited */
};

struct faults {
	pthread_mutex_t lock;
	struct fault_rule *rules;
	size_t nrules;
	uint64_t rng;               /* seeded by --faults-seed */
	long long down_until_ms;    /* monotonic ms; the server is down before this */
};

/* What a decision found. */
struct fault_hit {
	bool fired;
	enum fault_kind kind;
	long arg;
};

void faults_init(struct faults *f, uint64_t seed);
void faults_free(struct faults *f);

/* Parses SPEC (rules separated by commas or newlines; blank lines and lines starting
 * with '#' ignored) and appends its rules. On error nothing is added and err says which
 * rule is wrong and why. A down rule with neither @GLOB nor %PROB starts its down period
 * at now_ms. Returns 0 or -1. */
int faults_add_spec(struct faults *f, const char *spec, long long now_ms, char *err,
		    size_t errlen);
/* As faults_add_spec, but the rules replace all rules in force and any down period
 * (the runtime control: the sandbox reads DIR/faults on SIGHUP). On error the rules in
 * force stay. */
int faults_replace_spec(struct faults *f, const char *spec, long long now_ms, char *err,
			size_t errlen);

/* The first rule of phase whose glob matches uri's path and which fires now (its
 * probability drawn from the seeded generator, its count spent). In the REQUEST phase a
 * down period in force is a hit of FAULT_DOWN; a down rule that fires starts one. f may
 * be NULL (no faults). */
struct fault_hit faults_decide(struct faults *f, enum fault_phase phase, const char *uri,
			       long long now_ms);
/* Whether a down period is in force at now_ms (open streams end when it starts). */
bool faults_down(struct faults *f, long long now_ms);

/* "drop", "gone", "429", ... */
const char *fault_kind_name(enum fault_kind kind);

/* A stream's fault as it runs: counts lines until the cut (drop or gone) is due. */
struct fault_stream {
	struct fault_hit hit;
	long lines;          /* complete lines let through */
};

/* How many of buf's n bytes may go out: all, or up to and including the line that
 * makes hit.arg lines. Counts the lines let through. */
size_t fault_stream_pass(struct fault_stream *fs, const char *buf, size_t n);
/* The stream has sent its hit.arg lines: drop it, or send the 410 and end. */
bool fault_stream_due(const struct fault_stream *fs);

/* A monotonic clock in ms for now_ms. */
long long faults_now_ms(void);

#endif
