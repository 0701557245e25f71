/* opsdeck-sandbox: an HTTPS stand-in for the Kubernetes API servers of a demo platform.
 * Parses arguments, loads the scenario, serves, writes the state directory, reloads
 * DIR/faults on SIGHUP, and stops cleanly on SIGTERM or SIGINT. */
#include "core/strbuf.h"
#include "core/xalloc.h"
#include "sandbox/controller.h"
#include "sandbox/faults.h"
#include "sandbox/scenario.h"
#include "sandbox/server.h"
#include "sandbox/statedir.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct sandbox_opts {
	const char *state_dir;
	const char *scenario;
	const char **loads;
	size_t nloads;
	struct scenario_opts scale;
	unsigned port;
	unsigned watch_history;   /* events kept per cluster for watch resume (0: 10,000) */
	const char **faults;      /* --faults SPECs */
	size_t nfaults;
	unsigned faults_seed;
};

static const char usage[] =
	"usage: opsdeck-sandbox --state-dir DIR [--scenario FILE] [--load DIR]... [--pods N]\n"
	"                       [--apps N] [--port N] [--watch-history N] [--prometheus URL]\n"
	"                       [--faults SPEC]... [--faults-seed N]\n"
	"\n"
	"--faults SPEC injects faults: rules KIND[:ARG][@GLOB][%PERCENT][#COUNT], separated\n"
	"by commas. KIND: drop[:LINES] (a stream closed mid-way), gone[:LINES] (a watch\n"
	"ends with 410 Expired), 429[:RETRY-AFTER], 500, 503, slow[:SECONDS], truncate,\n"
	"garbage (malformed JSON), expired (401), down[:SECONDS] (every connection closed).\n"
	"GLOB matches the path (fnmatch), PERCENT is the chance per request (drawn from\n"
	"--faults-seed), COUNT how many times it fires. Example: 503@*/pods%50#3,slow:2.\n"
	"On SIGHUP the rules in DIR/faults (same syntax, one per line) replace them all.\n";

static int sandbox_number(const char *flag, const char *text, unsigned max, unsigned *out)
{
	char *end;
	errno = 0;
	unsigned long v = text ? strtoul(text, &end, 10) : 0;
	if (!text || !*text || *end || errno || v > max || text[0] == '-') {
		fprintf(stderr, "opsdeck-sandbox: %s needs a number from 0 to %u, not \"%s\"\n",
			flag, max, text ? text : "");
		return -1;
	}
	*out = (unsigned)v;
	return 0;
}

/* 0: run; 1: help printed; -1: bad arguments (message printed). */
static int sandbox_parse_args(int argc, char **argv, struct sandbox_opts *o)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		bool takes = !strcmp(a, "--state-dir") || !strcmp(a, "--scenario") ||
			     !strcmp(a, "--load") || !strcmp(a, "--pods") || !strcmp(a, "--apps") ||
			     !strcmp(a, "--port") || !strcmp(a, "--watch-history") ||
			     !strcmp(a, "--prometheus") || !strcmp(a, "--faults") ||
			     !strcmp(a, "--faults-seed");
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(usage, stdout);
			return 1;
		}
		if (!takes) {
			fprintf(stderr, "opsdeck-sandbox: unknown argument \"%s\"\n%s", a, usage);
			return -1;
		}
		if (!v) {
			fprintf(stderr, "opsdeck-sandbox: %s needs a value\n%s", a, usage);
			return -1;
		}
		i++;
		int rc = 0;
		if (!strcmp(a, "--state-dir"))
			o->state_dir = v;
		else if (!strcmp(a, "--scenario"))
			o->scenario = v;
		else if (!strcmp(a, "--load")) {
			o->loads = xrealloc(o->loads, (o->nloads + 1) * sizeof *o->loads);
			o->loads[o->nloads++] = v;
		} else if (!strcmp(a, "--pods"))
			rc = sandbox_number(a, v, 1000000, &o->scale.pods);
		else if (!strcmp(a, "--apps"))
			rc = sandbox_number(a, v, 100000, &o->scale.apps);
		else if (!strcmp(a, "--watch-history"))
			rc = sandbox_number(a, v, 10000000, &o->watch_history);
		else if (!strcmp(a, "--prometheus"))
			statedir_set_prometheus(v);
		else if (!strcmp(a, "--faults")) {
			o->faults = xrealloc(o->faults, (o->nfaults + 1) * sizeof *o->faults);
			o->faults[o->nfaults++] = v;
		} else if (!strcmp(a, "--faults-seed"))
			rc = sandbox_number(a, v, 4294967295u, &o->faults_seed);
		else
			rc = sandbox_number(a, v, 65535, &o->port);
		if (rc)
			return -1;
	}
	if (!o->state_dir) {
		fprintf(stderr, "opsdeck-sandbox: --state-dir DIR is required\n%s", usage);
		return -1;
	}
	return 0;
}

/* dirname(/proc/self/exe)/../sandbox/scenarios/demo.yaml (also ../../ for build/NAME/
 * trees), then ./sandbox/… */
static char *sandbox_default_scenario(void)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		const char *dir = dirname(exe);
		static const char *ups[] = {"..", "../.."};
		for (size_t i = 0; i < sizeof ups / sizeof ups[0]; i++) {
			char *path = xasprintf("%s/%s/sandbox/scenarios/demo.yaml", dir, ups[i]);
			if (access(path, R_OK) == 0)
				return path;
			free(path);
		}
	}
	return xstrdup("sandbox/scenarios/demo.yaml");
}

static int sandbox_add_faults(struct faults *f, const struct sandbox_opts *o)
{
	char err[512];
	for (size_t i = 0; i < o->nfaults; i++) {
		if (faults_add_spec(f, o->faults[i], faults_now_ms(), err, sizeof err)) {
			fprintf(stderr, "opsdeck-sandbox: --faults: %s\n", err);
			return -1;
		}
	}
	return 0;
}

static int sandbox_load(const struct sandbox_opts *o, struct scenario *sc)
{
	char err[1024];
	char *path = o->scenario ? xstrdup(o->scenario) : sandbox_default_scenario();
	int rc = scenario_load(path, &o->scale, sc, err, sizeof err);
	free(path);
	for (size_t i = 0; rc == 0 && i < o->nloads; i++)
		rc = scenario_load_dir(sc, o->loads[i], err, sizeof err);
	if (rc)
		fprintf(stderr, "opsdeck-sandbox: %s\n", err);
	return rc;
}

static void sandbox_fill_store(struct objstore *st, const struct scenario *sc)
{
	for (size_t i = 0; i < sc->nclusters; i++) {
		struct objstore_cluster *cl = objstore_add_cluster(st, sc->clusters[i].name,
							     sc->clusters[i].control_plane);
		size_t skipped = objstore_load_objects(st, cl, sc->clusters[i].objects);
		if (skipped)
			fprintf(stderr, "opsdeck-sandbox: %s: %zu objects of unknown types skipped\n",
				cl->name, skipped);
	}
}

static int sandbox_prepare(struct server *srv, const struct sandbox_opts *o, char *err,
			   size_t errlen)
{
	if (mkdir(o->state_dir, 0700) && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", o->state_dir, strerror(errno));
		return -1;
	}
	if (certs_generate(&srv->certs, err, errlen) || auth_init(&srv->auth, &srv->certs, err, errlen))
		return -1;
	char *log = xasprintf("%s/requests.log", o->state_dir);
	srv->log = fopen(log, "a");
	if (!srv->log)
		snprintf(err, errlen, "%s: %s", log, strerror(errno));
	free(log);
	return srv->log ? 0 : -1;
}

/* SIGHUP: DIR/faults (missing or empty: no faults) replaces the rules in force, so a
 * test can break the server and heal it without a restart. */
static void sandbox_reload_faults(struct server *srv, const char *state_dir)
{
	char *path = xasprintf("%s/faults", state_dir);
	struct strbuf text = STRBUF_INIT;
	FILE *fp = fopen(path, "r");
	if (fp) {
		char buf[4096];
		size_t n;
		while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
			strbuf_append(&text, buf, n);
		fclose(fp);
	}
	char err[512];
	if (faults_replace_spec(srv->faults, strbuf_str(&text), faults_now_ms(), err, sizeof err))
		fprintf(stderr, "opsdeck-sandbox: %s: %s (rules unchanged)\n", path, err);
	else
		fprintf(stderr, "opsdeck-sandbox: faults reloaded from %s (%zu rules)\n", path,
			srv->faults->nrules);
	strbuf_free(&text);
	free(path);
}

static int sandbox_serve(struct server *srv, const struct sandbox_opts *o,
			 const struct scenario *sc, const sigset_t *stop_signals)
{
	char err[1024];
	struct controller ctl;
	memset(&ctl, 0, sizeof ctl);
	if (server_start(srv, o->port, err, sizeof err)) {
		fprintf(stderr, "opsdeck-sandbox: %s\n", err);
		return 1;
	}
	controller_start(&ctl, &srv->store, 250);
	int rc = statedir_write(o->state_dir, srv, sc, err, sizeof err);
	if (rc)
		fprintf(stderr, "opsdeck-sandbox: %s\n", err);
	else
		fprintf(stderr, "opsdeck-sandbox: serving %s (state in %s)\n", srv->base_url,
			o->state_dir);
	int sig = 0;
	while (!rc) {
		if (sigwait(stop_signals, &sig) != 0)
			continue;
		if (sig != SIGHUP)
			break;
		sandbox_reload_faults(srv, o->state_dir);
	}
	controller_stop(&ctl);
	server_stop(srv);
	return rc ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct sandbox_opts o;
	memset(&o, 0, sizeof o);
	int parsed = sandbox_parse_args(argc, argv, &o);
	if (parsed) {
		free(o.loads);
		free(o.faults);
		return parsed > 0 ? 0 : 2;
	}
	struct scenario sc;
	memset(&sc, 0, sizeof sc);
	if (sandbox_load(&o, &sc)) {
		scenario_free(&sc);
		free(o.loads);
		free(o.faults);
		return 2;
	}
	/* block the stop signals before any thread starts so only sigwait sees them */
	sigset_t stop_signals;
	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGTERM);
	sigaddset(&stop_signals, SIGINT);
	sigaddset(&stop_signals, SIGHUP); /* not a stop: reloads DIR/faults */
	pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
	signal(SIGPIPE, SIG_IGN);

	struct server srv;
	memset(&srv, 0, sizeof srv);
	struct faults faults;
	faults_init(&faults, o.faults_seed);
	srv.faults = &faults;
	if (sandbox_add_faults(&faults, &o)) {
		faults_free(&faults);
		scenario_free(&sc);
		free(o.loads);
		free(o.faults);
		return 2;
	}
	/* --watch-history: a small history lets tests reach 410 Expired */
	objstore_init(&srv.store, o.watch_history ? o.watch_history : 10000);
	char err[1024];
	int rc = 1;
	if (sandbox_prepare(&srv, &o, err, sizeof err) == 0) {
		sandbox_fill_store(&srv.store, &sc);
		rc = sandbox_serve(&srv, &o, &sc, &stop_signals);
	} else {
		fprintf(stderr, "opsdeck-sandbox: %s\n", err);
	}
	if (srv.log)
		fclose(srv.log);
	objstore_free(&srv.store);
	certs_free(&srv.certs);
	faults_free(&faults);
	scenario_free(&sc);
	free(o.loads);
	free(o.faults);
	return rc;
}
