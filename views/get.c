/* opsdeck get: lists a resource through the Kubernetes client (a server-side Table, every
 * page) and prints it as kubectl does: same columns, same layout, same messages. */
#include "views/get.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clients/http.h"
#include "clients/kube.h"
#include "clients/kubeconfig.h"
#include "core/jobs.h"
#include "core/loop.h"
#include "core/table_print.h"
#include "core/xalloc.h"

enum { GET_TIMEOUT_MS = 120000 };

/* One list in flight and what it returned. */
struct get_run {
	bool done;
	bool ok;
	long http_status;
	char *message;
	struct table *table;
	const struct kube_resource *resource;
};

static void on_list(void *ud, const struct kube_result *res, const struct kube_resource *r,
		    struct table *t)
{
	struct get_run *run = ud;
	run->done = true;
	run->ok = res->ok;
	run->http_status = res->http_status;
	run->message = res->message ? xstrdup(res->message) : NULL;
	run->table = t;
	run->resource = r;
}

/* Lists once; returns 0, or 1 with the message printed. */
static int list_once(struct loop *loop, struct kube_client *kc,
		     const struct kube_list_options *lo, struct get_run *run)
{
	memset(run, 0, sizeof(*run));
	kube_list(kc, lo, on_list, run);
	if (kube_run_until(loop, &run->done, GET_TIMEOUT_MS) < 0) {
		fprintf(stderr, "error: no answer from %s within %d s\n", kube_client_server(kc),
			GET_TIMEOUT_MS / 1000);
		return 1;
	}
	if (!run->ok) {
		fprintf(stderr, "error: %s\n", run->message ? run->message : "request failed");
		return 1;
	}
	return 0;
}

/* kubectl's "TYPE" in "TYPE/NAME": the kind in lower case, then ".group" if any. */
static char *type_name(const struct kube_resource *r)
{
	char *kind = xstrdup(r->kind);
	for (char *p = kind; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	char *s = *r->group ? xasprintf("%s.%s", kind, r->group) : xstrdup(kind);
	free(kind);
	return s;
}

static void print_empty(const struct get_opts *o, const struct kube_resource *r,
			const char *ns)
{
	if (o->output == OUTPUT_JSON) {
		puts("[]");
		return;
	}
	if (o->output == OUTPUT_NAME)
		return;
	if (r->namespaced && !o->all_namespaces)
		fprintf(stderr, "No resources found in %s namespace.\n", ns);
	else
		fprintf(stderr, "No resources found\n");
}

static void print_table(const struct get_opts *o, const struct kube_resource *r,
			const struct table *t)
{
	struct table_print_opts po = {
		.wide = o->output == OUTPUT_WIDE,
		.with_namespace = o->all_namespaces && r->namespaced,
	};
	if (o->output == OUTPUT_JSON) {
		table_print_json(stdout, t, &po);
	} else if (o->output == OUTPUT_NAME) {
		char *type = type_name(r);
		table_print_names(stdout, t, type);
		free(type);
	} else {
		table_print_text(stdout, t, &po);
	}
}

/* Lists each named object (a field selector on metadata.name keeps the server's Table
 * columns) and merges the rows; names not found are reported as kubectl reports them. */
static int get_named(struct loop *loop, struct kube_client *kc, struct kube_list_options *lo,
		     const struct get_opts *o, struct get_run *all)
{
	int rc = 0;
	memset(all, 0, sizeof(*all));
	for (size_t i = 0; o->names[i]; i++) {
		char *fs = o->field_selector && *o->field_selector
				   ? xasprintf("metadata.name=%s,%s", o->names[i], o->field_selector)
				   : xasprintf("metadata.name=%s", o->names[i]);
		lo->field_selector = fs;
		struct get_run one;
		int r = list_once(loop, kc, lo, &one);
		free(fs);
		free(one.message);
		if (r) {
			table_free(one.table);
			return 1;
		}
		all->resource = one.resource;
		if (one.table->nrows == 0) {
			fprintf(stderr, "Error from server (NotFound): %s \"%s\" not found\n",
				one.resource->resource, o->names[i]);
			rc = 1;
		}
		if (!all->table) {
			all->table = one.table;
		} else {
			table_take_rows(all->table, one.table);
			table_free(one.table);
		}
	}
	return rc;
}

static int get_run_lists(const struct global_opts *g, const struct get_opts *o,
			 const struct kube_context *ctx)
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
	const char *ns = o->namespace ? o->namespace : kube_client_default_namespace(kc);
	struct kube_list_options lo = {
		.resource = o->resource,
		.namespace = ns,
		.all_namespaces = o->all_namespaces,
		.label_selector = o->label_selector,
		.field_selector = o->field_selector,
	};
	struct get_run run;
	int rc;
	if (o->names[0]) {
		rc = get_named(loop, kc, &lo, o, &run);
	} else {
		rc = list_once(loop, kc, &lo, &run);
		free(run.message);
	}
	if (run.table && run.resource) {
		if (run.table->nrows == 0 && !o->names[0])
			print_empty(o, run.resource, ns);
		else if (run.table->nrows > 0)
			print_table(o, run.resource, run.table);
	}
	table_free(run.table);
	kube_client_free(kc);
	jobs_free(jobs);
	http_free(http);
	loop_free(loop);
	return rc;
}

int get_command(const struct global_opts *g, int argc, char **argv)
{
	struct get_opts o;
	char err[1024];
	if (args_parse_get(argc, argv, &o, err, sizeof(err)) < 0) {
		fprintf(stderr, "opsdeck get: %s\n", err);
		free(o.names);
		return 2;
	}
	struct kubeconfig *kcfg = NULL;
	if (kubeconfig_load(g->kubeconfig, &kcfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "opsdeck: %s\n", err);
		free(o.names);
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
		if (kcfg->warning)
			fprintf(stderr, "opsdeck: warning: %s\n", kcfg->warning);
		/* kubectl says nothing here; a man-in-the-middle would not either */
		if (ctx->insecure_skip_tls_verify)
			fprintf(stderr, "opsdeck: warning: context \"%s\" skips TLS verification "
				"(insecure-skip-tls-verify): the server is not authenticated\n",
				ctx->name);
		rc = get_run_lists(g, &o, ctx);
	}
	kubeconfig_free(kcfg);
	free(o.names);
	return rc;
}
