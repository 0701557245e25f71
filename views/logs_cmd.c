/* opsdeck logs: resolves TARGET (pod, workload, or Argo CD application) to pods through
 * the log fan-in (clients/kube_logs.h) and prints every line as kubectl logs does. */
#include "views/logs_cmd.h"

#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clients/http.h"
#include "clients/kube.h"
#include "clients/kube_logs.h"
#include "clients/kubeconfig.h"
#include "core/jobs.h"
#include "core/loop.h"
#include "core/xalloc.h"
#include "views/argocd_batch.h"

static const char logs_usage[] =
	"usage: opsdeck logs TARGET [-n NS] [-f] [--tail N] [--since D] [-c CONTAINER] "
	"[--previous] [--timestamps] [--prefix]\n"
	"  TARGET: POD, pod/POD, deploy/NAME (deployment, sts, statefulset, ds, daemonset,\n"
	"          rs, replicaset, job), or app/NAME (an Argo CD application's pods)\n";

struct logs_opts {
	const char *target;
	const char *namespace;
	const char *container;
	bool follow, previous, timestamps, prefix;
	long long tail;          /* -1: all */
	long long since;         /* seconds, 0: no limit */
};

/* ---- arguments --------------------------------------------------------------------- */

/* "30s", "5m", "1h", "2h30m" -> seconds; -1 when malformed. */
static long long parse_duration(const char *s)
{
	long long total = 0;
	if (!*s)
		return -1;
	while (*s) {
		if (!isdigit((unsigned char)*s))
			return -1;
		char *end;
		long long n = strtoll(s, &end, 10);
		long long unit = *end == 'h' ? 3600 : *end == 'm' ? 60 : *end == 's' ? 1 : 0;
		if (!unit || n > 1000000000LL)
			return -1;
		total += n * unit;
		s = end + 1;
	}
	return total > 0 ? total : -1;
}

static bool parse_count(const char *s, long long *out)
{
	char *end;
	long long v = strtoll(s, &end, 10);
	if (!*s || *end || v < -1)
		return false;
	*out = v;
	return true;
}

/* The value of a flag given as "--flag V" or "--flag=V"; NULL when it is another flag. */
static const char *flag_value(int argc, char **argv, int *i, const char *name, bool *missing)
{
	size_t n = strlen(name);
	if (strncmp(argv[*i], name, n))
		return NULL;
	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (argv[*i][n])
		return NULL;
	if (*i + 1 >= argc) {
		*missing = true;
		return NULL;
	}
	return argv[++*i];
}

static int parse_logs_args(int argc, char **argv, struct logs_opts *o, char *err, size_t len)
{
	memset(o, 0, sizeof(*o));
	o->tail = -1;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i], *v;
		bool missing = false;
		if (!strcmp(a, "-f") || !strcmp(a, "--follow")) {
			o->follow = true;
		} else if (!strcmp(a, "-p") || !strcmp(a, "--previous")) {
			o->previous = true;
		} else if (!strcmp(a, "--timestamps")) {
			o->timestamps = true;
		} else if (!strcmp(a, "--prefix")) {
			o->prefix = true;
		} else if ((v = flag_value(argc, argv, &i, "-n", &missing)) ||
			   (v = flag_value(argc, argv, &i, "--namespace", &missing))) {
			o->namespace = v;
		} else if ((v = flag_value(argc, argv, &i, "-c", &missing)) ||
			   (v = flag_value(argc, argv, &i, "--container", &missing))) {
			o->container = v;
		} else if ((v = flag_value(argc, argv, &i, "--tail", &missing))) {
			if (!parse_count(v, &o->tail)) {
				snprintf(err, len, "--tail wants a number of lines, not \"%s\"", v);
				return -1;
			}
		} else if ((v = flag_value(argc, argv, &i, "--since", &missing))) {
			if ((o->since = parse_duration(v)) < 0) {
				snprintf(err, len, "--since wants a duration like 30s, 5m, 2h30m, not \"%s\"", v);
				return -1;
			}
		} else if (missing) {
			snprintf(err, len, "%s needs a value", a);
			return -1;
		} else if (a[0] == '-' && a[1]) {
			snprintf(err, len, "unknown flag %s", a);
			return -1;
		} else if (!o->target) {
			o->target = a;
		} else {
			snprintf(err, len, "one TARGET only (got \"%s\" and \"%s\")", o->target, a);
			return -1;
		}
	}
	if (!o->target) {
		snprintf(err, len, "a TARGET is required");
		return -1;
	}
	if (o->previous && o->follow) {
		snprintf(err, len, "--previous and -f do not go together");
		return -1;
	}
	return 0;
}

static const char *const workload_kinds[] = {
	"deploy", "deployment", "deployments", "sts", "statefulset", "statefulsets", "ds",
	"daemonset", "daemonsets", "rs", "replicaset", "replicasets", "job", "jobs",
};

/* Fills the fan-in target from TARGET; -1 with err for an unknown kind. */
static int target_from(const char *target, struct kube_logset_target *t, char *err, size_t len)
{
	const char *slash = strchr(target, '/');
	if (!slash) {
		t->pod = target;
		return 0;
	}
	size_t n = (size_t)(slash - target);
	if (!slash[1]) {
		snprintf(err, len, "TARGET \"%s\" has no name", target);
		return -1;
	}
	if ((n == 3 && !strncmp(target, "pod", 3)) || (n == 4 && !strncmp(target, "pods", 4)) ||
	    (n == 2 && !strncmp(target, "po", 2))) {
		t->pod = slash + 1;
		return 0;
	}
	for (size_t i = 0; i < sizeof(workload_kinds) / sizeof(workload_kinds[0]); i++)
		if (strlen(workload_kinds[i]) == n && !strncmp(target, workload_kinds[i], n)) {
			t->workload = target;
			return 0;
		}
	snprintf(err, len, "cannot read logs of \"%.*s\": use a pod, deploy/, sts/, ds/, rs/, job/ "
		 "or app/", (int)n, target);
	return -1;
}

/* ---- printing ---------------------------------------------------------------------- */

struct logs_line {
	long long time_ms;
	size_t order;
	unsigned source;
	char *text;
};

struct logs_run {
	const struct logs_opts *o;
	char **names;               /* source names by index */
	size_t nnames, names_cap;
	bool buffer;                /* several sources, not following: sort by time at the end */
	struct logs_line *lines;
	size_t nlines, lines_cap;
	bool done, failed;
	char *error;
};

static void print_time(long long ms)
{
	time_t s = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&s, &tm);
	char buf[32];
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	printf("%s.%03lld000000Z ", buf, ms % 1000);
}

static void print_line(const struct logs_run *r, unsigned source, long long t, const char *text,
		       size_t len)
{
	if (r->o->prefix || r->nnames > 1)
		printf("[%s] ", source < r->nnames ? r->names[source] : "?");
	if (r->o->timestamps && t)
		print_time(t);
	fwrite(text, 1, len, stdout);
	putchar('\n');
}

static void on_source(void *ud, unsigned index, const char *name)
{
	struct logs_run *r = ud;
	r->names = xgrow(r->names, &r->names_cap, index + 1, sizeof(*r->names));
	while (r->nnames <= index)
		r->names[r->nnames++] = NULL;
	free(r->names[index]);
	r->names[index] = xstrdup(name);
}

static void on_line(void *ud, unsigned index, long long t, const char *text, size_t len)
{
	struct logs_run *r = ud;
	if (!r->buffer) {
		print_line(r, index, t, text, len);
		if (r->o->follow)
			fflush(stdout);
		return;
	}
	r->lines = xgrow(r->lines, &r->lines_cap, r->nlines + 1, sizeof(*r->lines));
	struct logs_line *l = &r->lines[r->nlines];
	l->time_ms = t;
	l->order = r->nlines++;
	l->source = index;
	l->text = xstrndup(text, len);
}

static void on_marker(void *ud, unsigned index, bool gap, const char *text)
{
	struct logs_run *r = ud;
	fprintf(stderr, "opsdeck logs: %s%s%s%s\n", gap ? "gap: " : "",
		index < r->nnames && r->nnames > 1 ? r->names[index] : "",
		index < r->nnames && r->nnames > 1 ? ": " : "", text);
}

static void on_state(void *ud, enum kube_log_state st, unsigned streaming, const char *error)
{
	struct logs_run *r = ud;
	(void)streaming;
	if (st == KUBE_LOG_STREAMING)
		r->buffer = !r->o->follow && r->nnames > 1;
	if (st != KUBE_LOG_ENDED && st != KUBE_LOG_FAILED)
		return;
	r->done = true;
	r->failed = st == KUBE_LOG_FAILED;
	if (error) {
		free(r->error);
		r->error = xstrdup(error);
	}
}

static int line_cmp(const void *a, const void *b)
{
	const struct logs_line *x = a, *y = b;
	if (x->time_ms != y->time_ms)
		return x->time_ms < y->time_ms ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static void flush_buffered(struct logs_run *r)
{
	if (r->nlines > 1)   /* qsort's array may not be NULL, even for none */
		qsort(r->lines, r->nlines, sizeof(*r->lines), line_cmp);
	for (size_t i = 0; i < r->nlines; i++) {
		print_line(r, r->lines[i].source, r->lines[i].time_ms, r->lines[i].text,
			   strlen(r->lines[i].text));
		free(r->lines[i].text);
	}
	r->nlines = 0;
}

/* ---- running ----------------------------------------------------------------------- */

static void on_signal(struct loop *loop, int signo, void *ud)
{
	(void)loop;
	(void)signo;
	((struct logs_run *)ud)->done = true;
}

static int logs_stream(struct loop *loop, struct kube_client *kc, const struct logs_opts *o,
		       const struct kube_logset_target *target)
{
	struct logs_run r;
	memset(&r, 0, sizeof(r));
	r.o = o;
	struct kube_log_options lo = {o->tail, o->since, o->follow, o->previous};
	static const struct kube_logset_callbacks cbs = {on_source, on_line, on_marker, on_state};
	loop_on_signal(loop, SIGINT, on_signal, &r);
	loop_on_signal(loop, SIGTERM, on_signal, &r);
	struct kube_logset *set = kube_logset_start(kc, target, &lo, &cbs, &r);
	kube_run_until(loop, &r.done, -1);
	kube_logset_stop(set);
	flush_buffered(&r);
	fflush(stdout);
	if (r.failed)
		fprintf(stderr, "error: %s\n", r.error ? r.error : "cannot read the logs");
	for (size_t i = 0; i < r.nnames; i++)
		free(r.names[i]);
	free(r.names);
	free(r.lines);
	free(r.error);
	return r.failed ? 1 : 0;
}

static int logs_with_context(const struct global_opts *g, const struct kube_context *ctx,
			     const struct logs_opts *o, struct kube_logset_target *target)
{
	struct loop *loop = loop_new();
	struct http *http = loop ? http_new(loop) : NULL;
	if (!http) {
		fprintf(stderr, "error: cannot set up the HTTP client\n");
		loop_free(loop);
		return 1;
	}
	http_set_read_only(http, g->readonly);
	struct jobs *jobs = jobs_new(loop, 1);
	struct kube_client *kc = kube_client_new(loop, http, jobs, ctx);
	int rc = logs_stream(loop, kc, o, target);
	kube_client_free(kc);
	jobs_free(jobs);
	http_free(http);
	loop_free(loop);
	return rc;
}

/* ---- app/NAME: an Argo CD application's pods ---------------------------------------- */

/* The kubeconfig context of the app's destination: its name, else the context whose
 * server is the destination's URL, else the URL's last path part. */
static char *app_context(const struct argocd_batch *b, const json_t *app)
{
	const json_t *d = json_object_get(json_object_get(app, "spec"), "destination");
	const char *name = json_string_value(json_object_get(d, "name"));
	if (name && *name)
		return xstrdup(name);
	const char *server = json_string_value(json_object_get(d, "server"));
	for (size_t i = 0; server && b->kcfg && i < b->kcfg->ncontexts; i++)
		if (b->kcfg->contexts[i].server && !strcmp(b->kcfg->contexts[i].server, server))
			return xstrdup(b->kcfg->contexts[i].name);
	const char *slash = server ? strrchr(server, '/') : NULL;
	return xstrdup(slash && slash[1] ? slash + 1 : server ? server : "");
}

/* The Pod nodes of the resource tree: names into pods (borrowed from tree), and the
 * namespace of the first. */
static size_t tree_pods(const json_t *tree, const char **pods, size_t cap, const char **ns)
{
	size_t n = 0, i;
	json_t *node;
	json_array_foreach(json_object_get(tree, "nodes"), i, node) {
		const char *kind = json_string_value(json_object_get(node, "kind"));
		const char *group = json_string_value(json_object_get(node, "group"));
		const char *name = json_string_value(json_object_get(node, "name"));
		if (!kind || strcmp(kind, "Pod") || (group && *group) || !name || n >= cap)
			continue;
		if (!n)
			*ns = json_string_value(json_object_get(node, "namespace"));
		pods[n++] = name;
	}
	return n;
}

static int logs_app_tree(struct argocd_batch *b, const struct global_opts *g,
			 const struct logs_opts *o, struct kube_logset_target *t,
			 const char *name, const json_t *app)
{
	struct argocd_answer tree = {0};
	argocd_resource_tree(b->ac, name, argocd_answer_done, &tree);
	if (!argocd_batch_wait(b, &tree, false))
		return 1;
	int rc;
	size_t cap = json_array_size(json_object_get(tree.body, "nodes")) + 1;
	const char **pods = xcalloc(cap, sizeof(*pods));
	const char *ns = NULL;
	size_t n = tree_pods(tree.body, pods, cap, &ns);
	char *context = app_context(b, app);
	const struct kube_context *ctx = b->kcfg ? kubeconfig_context(b->kcfg, context) : NULL;
	if (!n) {
		fprintf(stderr, "error: application \"%s\" has no pods\n", name);
		rc = 1;
	} else if (!ctx) {
		fprintf(stderr, "error: application \"%s\" deploys to \"%s\", which is no context "
				"of the kubeconfig\n", name, context);
		rc = 1;
	} else {
		t->pod = NULL;
		t->pods = pods;
		t->npods = n;
		if (!t->namespace)
			t->namespace = ns;
		rc = logs_with_context(g, ctx, o, t);
	}
	free(context);
	free(pods);
	argocd_answer_clear(&tree);
	return rc;
}

static int logs_app(const struct global_opts *g, const struct logs_opts *o,
		    struct kube_logset_target *t, const char *name)
{
	struct argocd_batch b;
	memset(&b, 0, sizeof(b));
	int rc = argocd_batch_open(&b, g);
	if (rc == 0) {
		struct argocd_answer app = {0};
		argocd_get_app(b.ac, name, argocd_answer_done, &app);
		if (!argocd_batch_wait(&b, &app, false))
			rc = 1;
		else
			rc = logs_app_tree(&b, g, o, t, name, app.body);
		argocd_answer_clear(&app);
	}
	argocd_batch_close(&b);
	return rc;
}

int logs_command(const struct global_opts *g, int argc, char **argv)
{
	struct logs_opts o;
	char err[1024];
	struct kube_logset_target t;
	memset(&t, 0, sizeof(t));
	if (parse_logs_args(argc, argv, &o, err, sizeof(err)) < 0 ||
	    (strncmp(o.target, "app/", 4) && target_from(o.target, &t, err, sizeof(err)) < 0)) {
		fprintf(stderr, "opsdeck logs: %s\n%s", err, logs_usage);
		return 2;
	}
	t.namespace = o.namespace;
	t.container = o.container;
	if (!strncmp(o.target, "app/", 4))
		return logs_app(g, &o, &t, o.target + 4);
	struct kubeconfig *kcfg = NULL;
	if (kubeconfig_load(g->kubeconfig, &kcfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "opsdeck: %s\n", err);
		return 2;
	}
	int rc;
	const struct kube_context *ctx = kubeconfig_context(kcfg, g->context);
	if (!ctx && g->context) {
		fprintf(stderr, "error: context \"%s\" does not exist\n", g->context);
		rc = 2;
	} else if (!ctx) {
		fprintf(stderr, "error: no current context in the kubeconfig; name one with "
				"--context (or set KUBECONFIG)\n");
		rc = 2;
	} else {
		rc = logs_with_context(g, ctx, &o, &t);
	}
	kubeconfig_free(kcfg);
	return rc;
}
