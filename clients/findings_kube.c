/* Fetches a cluster's findings (clients/findings_kube.h): ReplicaSets first, so reports
 * on them resolve to their Deployment, then every report kind and Gatekeeper constraint
 * discovery lists, as whole objects page by page; plus the parsers' shared helpers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clients/findings_internal.h"
#include "core/sanitize.h"
#include "core/strbuf.h"
#include "core/xalloc.h"

#define FETCH_PAGE 250

/* ---- shared by the parsers ------------------------------------------------------- */

static void set_field(char **field, const json_t *labels, const char *key)
{
	const char *v = findings_str(labels, key);
	if (!v || !*v)
		return;
	free(*field);
	*field = sanitize_cstr(v, 0);
}

void findings_apply_labels(struct finding_workload *w, const json_t *labels)
{
	if (!labels)
		return;
	set_field(&w->service, labels, FINDINGS_LABEL_SERVICE);
	set_field(&w->environment, labels, FINDINGS_LABEL_ENV);
	set_field(&w->tenant, labels, FINDINGS_LABEL_TENANT);
}

struct finding_workload *findings_target(struct findings *set, const char *cluster,
					 const char *ns, const char *kind, const char *name,
					 const json_t *labels, findings_owner_fn owner_of,
					 void *ud)
{
	kind = kind ? kind : "";
	name = name ? name : "";
	ns = ns ? ns : "";
	char *stripped = NULL;
	if (!strcmp(kind, "ReplicaSet")) {
		const char *okind = NULL, *oname = NULL;
		const char *hash = findings_str(labels, "pod-template-hash");
		size_t nlen = strlen(name), hlen = hash ? strlen(hash) : 0;
		if (owner_of && owner_of(ud, ns, name, &okind, &oname) && okind && oname) {
			kind = okind;
			name = oname;
		} else if (hlen && nlen > hlen + 1 && name[nlen - hlen - 1] == '-' &&
			   !strcmp(name + nlen - hlen, hash)) {
			stripped = xstrndup(name, nlen - hlen - 1);
			kind = "Deployment";
			name = stripped;
		}
	}
	struct finding_workload *w = findings_workload(set, cluster, ns, kind, name);
	free(stripped);
	findings_apply_labels(w, labels);
	return w;
}

/* ---- the fetch ----------------------------------------------------------------------- */

enum fetch_parser { PARSE_REPLICASETS, PARSE_TRIVY, PARSE_POLICY, PARSE_GATEKEEPER };

struct fetch_list {
	char *path;        /* "/apis/G/V/resource" */
	enum fetch_parser parser;
};

struct findings_fetch {
	struct kube_client *kc;
	char *cluster;
	findings_fetch_fn done;
	void *ud;
	struct kube_call *call;   /* in flight, or NULL */
	struct findings *set;
	json_t *owners;           /* "ns/rs" -> {"kind", "name"} */
	json_t *labels;           /* "ns/Kind/name" -> the workload's labels */
	struct fetch_list *lists;
	size_t nlists, cap, next;
	char *cont;               /* continue token of the list being read */
	size_t read_ok;           /* lists read */
	char *first_err;
};

static void fetch_free(struct findings_fetch *f)
{
	if (f->set) {
		findings_free(f->set);
		free(f->set);
	}
	for (size_t i = 0; i < f->nlists; i++)
		free(f->lists[i].path);
	free(f->lists);
	json_decref(f->owners);
	json_decref(f->labels);
	free(f->cont);
	free(f->first_err);
	free(f->cluster);
	free(f);
}

/* Workloads take their platform labels from the objects themselves when the fetch saw
 * them (the ReplicaSets carry their Deployment's pod template labels). */
static void apply_object_labels(struct findings_fetch *f)
{
	for (size_t i = 0; i < f->set->n; i++) {
		struct finding_workload *w = &f->set->w[i];
		char *key = xasprintf("%s/%s/%s", w->namespace, w->kind, w->name);
		findings_apply_labels(w, json_object_get(f->labels, key));
		free(key);
	}
}

static void fetch_finish(struct findings_fetch *f)
{
	const char *err = NULL;
	if (f->read_ok == 0 && f->first_err)
		err = f->first_err;
	apply_object_labels(f);
	struct findings *set = f->set;
	f->set = NULL;
	f->done(f->ud, set, err);
	fetch_free(f);
}

static bool fetch_owner_of(void *ud, const char *ns, const char *rs_name, const char **kind,
			   const char **name)
{
	struct findings_fetch *f = ud;
	char *key = xasprintf("%s/%s", ns, rs_name);
	const json_t *o = json_object_get(f->owners, key);
	free(key);
	if (!o || !findings_str(o, "kind") || !findings_str(o, "name"))
		return false;
	*kind = findings_str(o, "kind");
	*name = findings_str(o, "name");
	return true;
}

/* A report on a ReplicaSet its Deployment scaled to zero (an old release kept for
 * rollback) describes an image that no longer runs: it must not count against the
 * Deployment, whose current image may be fixed. */
static bool on_retired_replicaset(const struct findings_fetch *f, const json_t *report)
{
	const json_t *labels = json_object_get(json_object_get(report, "metadata"), "labels");
	const char *kind = findings_str(labels, "trivy-operator.resource.kind");
	const char *name = findings_str(labels, "trivy-operator.resource.name");
	const char *ns = findings_str(labels, "trivy-operator.resource.namespace");
	if (!kind || strcmp(kind, "ReplicaSet") || !name || !ns)
		return false;
	char *key = xasprintf("%s/%s", ns, name);
	bool retired = json_is_true(json_object_get(json_object_get(f->owners, key), "retired"));
	free(key);
	return retired;
}

/* A ReplicaSet: remember its controller (for reports on it) and its labels under the
 * owner's identity and its own. */
static void remember_replicaset(struct findings_fetch *f, const json_t *rs)
{
	const json_t *md = json_object_get(rs, "metadata"), *ref, *owner = NULL;
	const char *ns = findings_str(md, "namespace"), *name = findings_str(md, "name");
	size_t i;
	if (!ns || !name)
		return;
	json_array_foreach(json_object_get(md, "ownerReferences"), i, ref)
		if (json_is_true(json_object_get(ref, "controller")))
			owner = ref;
	const char *okind = findings_str(owner, "kind"), *oname = findings_str(owner, "name");
	json_t *labels = json_object_get(md, "labels");
	char *key = xasprintf("%s/ReplicaSet/%s", ns, name);
	if (labels)
		json_object_set(f->labels, key, labels);
	free(key);
	json_t *replicas = json_object_get(json_object_get(rs, "spec"), "replicas");
	key = xasprintf("%s/%s", ns, name);
	json_object_set_new(f->owners, key, json_pack("{s:s?, s:s?, s:b}", "kind", okind, "name",
						      oname, "retired",
						      replicas && json_integer_value(replicas) == 0));
	free(key);
	if (!okind || !oname)
		return;
	key = xasprintf("%s/%s/%s", ns, okind, oname);
	if (labels)
		json_object_set(f->labels, key, labels);
	free(key);
}

static void parse_item(struct findings_fetch *f, enum fetch_parser parser, const json_t *item)
{
	char err[256];
	switch (parser) {
	case PARSE_REPLICASETS:
		remember_replicaset(f, item);
		break;
	case PARSE_TRIVY:
		if (on_retired_replicaset(f, item))
			break;
		findings_parse_trivy(f->set, f->cluster, item, fetch_owner_of, f, err, sizeof(err));
		break;
	case PARSE_POLICY:
		findings_parse_policy_report(f->set, f->cluster, item, fetch_owner_of, f, err,
					     sizeof(err));
		break;
	case PARSE_GATEKEEPER:
		findings_parse_gatekeeper(f->set, f->cluster, item, err, sizeof(err));
		break;
	}
}

/* A list's items leave out apiVersion and kind for built-in types: the parsers check
 * them, so they come from the list ("FooList" -> "Foo"). */
static void parse_page(struct findings_fetch *f, enum fetch_parser parser, json_t *list)
{
	const char *api = findings_str(list, "apiVersion"), *lkind = findings_str(list, "kind");
	char *kind = NULL;
	size_t klen = lkind ? strlen(lkind) : 0;
	if (klen > 4 && !strcmp(lkind + klen - 4, "List"))
		kind = xstrndup(lkind, klen - 4);
	json_t *item;
	size_t i;
	json_array_foreach(json_object_get(list, "items"), i, item) {
		if (api && !json_object_get(item, "apiVersion"))
			json_object_set_new(item, "apiVersion", json_string(api));
		if (kind && !json_object_get(item, "kind"))
			json_object_set_new(item, "kind", json_string(kind));
		parse_item(f, parser, item);
	}
	free(kind);
}

static void fetch_next(struct findings_fetch *f);

static void on_page(void *ud, const struct kube_result *res, json_t *obj)
{
	struct findings_fetch *f = ud;
	struct fetch_list *l = &f->lists[f->next];
	f->call = NULL;
	free(f->cont);
	f->cont = NULL;
	if (res->ok && obj) {
		parse_page(f, l->parser, obj);
		const char *cont = findings_str(json_object_get(obj, "metadata"), "continue");
		if (cont && *cont)
			f->cont = xstrdup(cont);
		else
			f->read_ok++;
	} else if (res->http_status != 404 && !f->first_err) {
		/* a kind discovery listed but the server does not serve is no error */
		f->first_err = xstrdup(res->message ? res->message : "cannot list findings");
	}
	json_decref(obj);
	if (!f->cont)
		f->next++;
	fetch_next(f);
}

static void url_escape(struct strbuf *sb, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.' || c == '~')
			strbuf_putc(sb, (char)c);
		else
			strbuf_printf(sb, "%%%02X", c);
	}
}

static void fetch_next(struct findings_fetch *f)
{
	if (f->next >= f->nlists) {
		fetch_finish(f);
		return;
	}
	struct strbuf path = STRBUF_INIT;
	strbuf_printf(&path, "%s?limit=%d", f->lists[f->next].path, FETCH_PAGE);
	if (f->cont) {
		strbuf_puts(&path, "&continue=");
		url_escape(&path, f->cont);
	}
	f->call = kube_request(f->kc, "GET", strbuf_str(&path), NULL, NULL, on_page, f);
	strbuf_free(&path);
}

static const char *const trivy_resources[] = {
	"vulnerabilityreports", "configauditreports", "clusterconfigauditreports",
	"exposedsecretreports", "rbacassessmentreports", "clusterrbacassessmentreports",
	"clustercompliancereports",
};

/* Which parser reads a served resource, or false when it holds no findings. */
static bool resource_parser(const struct kube_resource *r, enum fetch_parser *p)
{
	if (!(r->verbs & KUBE_VERB_LIST))
		return false;
	if (!strcmp(r->group, "constraints.gatekeeper.sh")) {
		*p = PARSE_GATEKEEPER;
		return true;
	}
	if (!strcmp(r->group, "wgpolicyk8s.io")) {
		*p = PARSE_POLICY;
		return !strcmp(r->resource, "policyreports") ||
		       !strcmp(r->resource, "clusterpolicyreports");
	}
	if (!strcmp(r->group, "aquasecurity.github.io")) {
		*p = PARSE_TRIVY;
		for (size_t i = 0; i < sizeof(trivy_resources) / sizeof(trivy_resources[0]); i++)
			if (!strcmp(r->resource, trivy_resources[i]))
				return true;
	}
	return false;
}

static void plan_add(struct findings_fetch *f, const struct kube_resource *r,
		     enum fetch_parser p)
{
	f->lists = xgrow(f->lists, &f->cap, f->nlists + 1, sizeof(*f->lists));
	f->lists[f->nlists].path = *r->group
		? xasprintf("/apis/%s/%s/%s", r->group, r->version, r->resource)
		: xasprintf("/api/%s/%s", r->version, r->resource);
	f->lists[f->nlists++].parser = p;
}

/* ReplicaSets first (owner resolution needs them), then each findings kind served. */
static void plan(struct findings_fetch *f, const struct kube_discovery *disc)
{
	char err[256];
	const struct kube_resource *rs = kube_discovery_resolve(disc, "replicasets.apps", err,
								sizeof(err));
	bool has_reports = false;
	for (size_t i = 0; i < disc->nresources; i++) {
		enum fetch_parser p;
		if (resource_parser(&disc->resources[i], &p)) {
			plan_add(f, &disc->resources[i], p);
			has_reports = true;
		}
	}
	if (rs && has_reports && (rs->verbs & KUBE_VERB_LIST)) {
		plan_add(f, rs, PARSE_REPLICASETS);
		struct fetch_list last = f->lists[f->nlists - 1];
		memmove(f->lists + 1, f->lists, (f->nlists - 1) * sizeof(*f->lists));
		f->lists[0] = last;
	}
}

static void on_discovered(void *ud, const struct kube_discovery *disc, const char *err)
{
	struct findings_fetch *f = ud;
	f->call = NULL;
	if (!disc) {
		f->first_err = xstrdup(err ? err : "discovery failed");
		fetch_finish(f);
		return;
	}
	plan(f, disc);
	fetch_next(f);
}

struct findings_fetch *findings_fetch_cluster(struct kube_client *kc, const char *cluster,
					      findings_fetch_fn done, void *ud)
{
	struct findings_fetch *f = xcalloc(1, sizeof(*f));
	f->kc = kc;
	f->cluster = xstrdup(cluster ? cluster : "");
	f->done = done;
	f->ud = ud;
	f->set = xcalloc(1, sizeof(*f->set));
	f->owners = json_object();
	f->labels = json_object();
	f->call = kube_discover(kc, on_discovered, f);
	return f;
}

void findings_fetch_cancel(struct findings_fetch *f)
{
	if (!f)
		return;
	if (f->call)
		kube_call_cancel(f->call);
	fetch_free(f);
}
