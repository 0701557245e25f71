/* API discovery (see kube_discovery.h and kube.h): parsing both discovery formats,
 * resolving typed names as kubectl does, and fetching discovery from a server. */
#include "clients/kube_discovery.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "clients/kube_internal.h"
#include "core/sanitize.h"
#include "core/xalloc.h"

struct kube_discovery *kube_discovery_new(void)
{
	return xcalloc(1, sizeof(struct kube_discovery));
}

void kube_discovery_free(struct kube_discovery *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->nresources; i++) {
		struct kube_resource *r = &d->resources[i];
		free(r->group);
		free(r->version);
		free(r->resource);
		free(r->singular);
		free(r->kind);
		for (size_t j = 0; j < r->nshort; j++)
			free(r->short_names[j]);
		free(r->short_names);
	}
	free(d->resources);
	free(d);
}

static const char *str_of(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

static unsigned verbs_parse(const json_t *verbs)
{
	static const char *const names[] = {"get", "list", "watch", "create", "update",
					    "patch", "delete", "deletecollection"};
	unsigned bits = 0;
	size_t i;
	const json_t *v;
	json_array_foreach((json_t *)verbs, i, v)
		for (unsigned b = 0; b < sizeof(names) / sizeof(names[0]); b++)
			if (json_is_string(v) && !strcmp(json_string_value(v), names[b]))
				bits |= 1u << b;
	return bits;
}

static bool discovery_has(const struct kube_discovery *d, const char *group, const char *res)
{
	for (size_t i = 0; i < d->nresources; i++)
		if (!strcmp(d->resources[i].group, group) && !strcmp(d->resources[i].resource, res))
			return true;
	return false;
}

static char *lower_dup(const char *s)
{
	char *out = xstrdup(s);
	for (char *p = out; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return out;
}

/* One resource; fields already pulled from whichever format. */
static void discovery_add(struct kube_discovery *d, const char *group, const char *version,
			  const char *resource, const char *singular, const char *kind,
			  bool namespaced, const json_t *verbs, const json_t *short_names)
{
	if (!*resource || strchr(resource, '/') || discovery_has(d, group, resource))
		return;
	d->resources = xgrow(d->resources, &d->resources_cap, d->nresources + 1,
			     sizeof(*d->resources));
	struct kube_resource *r = &d->resources[d->nresources++];
	memset(r, 0, sizeof(*r));
	/* Sanitised like everything a server says: names are shown and typed by users. */
	r->group = sanitize_cstr(group, 0);
	r->version = sanitize_cstr(version, 0);
	r->resource = sanitize_cstr(resource, 0);
	r->kind = sanitize_cstr(kind, 0);
	char *single = *singular ? xstrdup(singular) : lower_dup(kind);
	r->singular = sanitize_cstr(single, 0);
	free(single);
	r->namespaced = namespaced;
	r->verbs = verbs_parse(verbs);
	r->nshort = json_array_size(short_names);
	r->short_names = xcalloc(r->nshort ? r->nshort : 1, sizeof(char *));
	for (size_t i = 0; i < r->nshort; i++) {
		const char *s = json_string_value(json_array_get(short_names, i));
		r->short_names[i] = sanitize_cstr(s ? s : "", 0);
	}
}

int kube_discovery_add_legacy(struct kube_discovery *d, const json_t *list, char *err,
			      size_t errlen)
{
	const char *gv = str_of(list, "groupVersion");
	const json_t *resources = json_object_get(list, "resources");
	if (!*gv || !json_is_array(resources)) {
		snprintf(err, errlen, "not an APIResourceList");
		return -1;
	}
	const char *slash = strchr(gv, '/');
	char *group = slash ? xstrndup(gv, (size_t)(slash - gv)) : xstrdup("");
	const char *version = slash ? slash + 1 : gv;
	size_t i;
	const json_t *r;
	json_array_foreach((json_t *)resources, i, r)
		discovery_add(d, group, version, str_of(r, "name"), str_of(r, "singularName"),
			      str_of(r, "kind"), json_is_true(json_object_get(r, "namespaced")),
			      json_object_get(r, "verbs"), json_object_get(r, "shortNames"));
	free(group);
	return 0;
}

int kube_discovery_add_aggregated(struct kube_discovery *d, const json_t *list, char *err,
				  size_t errlen)
{
	const json_t *items = json_object_get(list, "items");
	if (!json_is_array(items)) {
		snprintf(err, errlen, "not an APIGroupDiscoveryList");
		return -1;
	}
	size_t i, j, k;
	const json_t *g, *v, *r;
	json_array_foreach((json_t *)items, i, g) {
		const char *group = str_of(json_object_get(g, "metadata"), "name");
		json_array_foreach(json_object_get(g, "versions"), j, v) {
			const char *version = str_of(v, "version");
			json_array_foreach(json_object_get(v, "resources"), k, r) {
				const json_t *rk = json_object_get(r, "responseKind");
				discovery_add(d, group, version, str_of(r, "resource"),
					      str_of(r, "singularResource"), str_of(rk, "kind"),
					      !strcmp(str_of(r, "scope"), "Namespaced"),
					      json_object_get(r, "verbs"),
					      json_object_get(r, "shortNames"));
			}
		}
	}
	d->aggregated = true;
	return 0;
}

static char **paths_push(char **paths, size_t *n, char *p)
{
	paths = xrealloc(paths, (*n + 2) * sizeof(char *));
	paths[(*n)++] = p;
	paths[*n] = NULL;
	return paths;
}

char **kube_discovery_group_paths(const json_t *group_list)
{
	size_t n = 0, i, j;
	char **paths = xcalloc(1, sizeof(char *));
	const json_t *g, *v;
	json_array_foreach(json_object_get(group_list, "groups"), i, g) {
		const char *pref = str_of(json_object_get(g, "preferredVersion"), "groupVersion");
		if (*pref)
			paths = paths_push(paths, &n, xasprintf("/apis/%s", pref));
		json_array_foreach(json_object_get(g, "versions"), j, v) {
			const char *gv = str_of(v, "groupVersion");
			if (*gv && strcmp(gv, pref) != 0)
				paths = paths_push(paths, &n, xasprintf("/apis/%s", gv));
		}
	}
	return paths;
}

char **kube_discovery_core_paths(const json_t *versions)
{
	size_t n = 0, i;
	char **paths = xcalloc(1, sizeof(char *));
	const json_t *v;
	json_array_foreach(json_object_get(versions, "versions"), i, v)
		if (json_is_string(v))
			paths = paths_push(paths, &n, xasprintf("/api/%s", json_string_value(v)));
	if (n == 0)
		paths = paths_push(paths, &n, xstrdup("/api/v1"));
	return paths;
}

/* ---- resolution ------------------------------------------------------------------- */

static bool name_matches(const struct kube_resource *r, const char *name)
{
	if (!strcasecmp(name, r->resource) || !strcasecmp(name, r->singular) ||
	    !strcasecmp(name, r->kind))
		return true;
	for (size_t i = 0; i < r->nshort; i++)
		if (!strcasecmp(name, r->short_names[i]))
			return true;
	return false;
}

/* "apps" matches group apps; a partial group matches at dot boundaries from the start
 * ("argoproj" matches "argoproj.io"). */
static bool group_matches(const char *group, const char *want)
{
	size_t n = strlen(want);
	return !strcasecmp(group, want) ||
	       (n > 0 && !strncasecmp(group, want, n) && group[n] == '.');
}

static const struct kube_resource *find(const struct kube_discovery *d, const char *name,
					const char *version, const char *group)
{
	for (size_t i = 0; i < d->nresources; i++) {
		const struct kube_resource *r = &d->resources[i];
		if (group && !group_matches(r->group, group))
			continue;
		if (version && strcasecmp(r->version, version) != 0)
			continue;
		if (name_matches(r, name))
			return r;
	}
	return NULL;
}

static bool looks_like_version(const char *s, size_t n)
{
	return n >= 2 && s[0] == 'v' && isdigit((unsigned char)s[1]);
}

const struct kube_resource *kube_discovery_resolve(const struct kube_discovery *d,
						   const char *name, char *err, size_t errlen)
{
	const struct kube_resource *r = NULL;
	const char *dot = strchr(name, '.');
	if (!dot) {
		/* Core group first, since discovery lists it first. */
		r = find(d, name, NULL, NULL);
	} else {
		char *base = xstrndup(name, (size_t)(dot - name));
		const char *rest = dot + 1;
		const char *dot2 = strchr(rest, '.');
		/* "deployments.v1.apps" names a version too; else all of rest is the group. */
		if (dot2 && looks_like_version(rest, (size_t)(dot2 - rest))) {
			char *version = xstrndup(rest, (size_t)(dot2 - rest));
			r = find(d, base, version, dot2 + 1);
			free(version);
		}
		if (!r)
			r = find(d, base, NULL, rest);
		free(base);
	}
	if (!r && err)
		snprintf(err, errlen, "the server doesn't have a resource type \"%s\"", name);
	return r;
}

/* ---- fetching --------------------------------------------------------------------- */

struct disc_fetch;

struct disc_slot {
	struct disc_fetch *f;
	size_t index;
};

struct disc_fetch {
	struct kube_call *call;
	struct disc_slot *slots;   /* legacy: one per path, the ud of its request */
	void (*cont)(struct kube_call *call, const char *err);
	struct kube_discovery *d;
	char **paths;          /* legacy: every /api/V and /apis/G/V, in preference order */
	size_t npaths;
	json_t **docs;         /* legacy: each path's APIResourceList, or NULL if it failed */
	size_t pending;
	char *core_err;        /* legacy: the core group failed */
	char *err;
};

static void disc_fetch_free(void *p)
{
	struct disc_fetch *f = p;
	if (!f)
		return;
	kube_discovery_free(f->d);
	for (size_t i = 0; i < f->npaths; i++) {
		free(f->paths[i]);
		json_decref(f->docs ? f->docs[i] : NULL);
	}
	free(f->paths);
	free(f->docs);
	free(f->slots);
	free(f->core_err);
	free(f->err);
	free(f);
}

/* Ends the fetch: hands the discovery to the client and continues the operation. */
static void disc_finish(struct kube_call *call)
{
	struct disc_fetch *f = call->step;
	call->step = NULL;
	call->step_free = NULL;
	/* Two fetches may overlap (a probe and a first list): the first answer stays, since
	 * callers already hold pointers into it; the later copy is dropped. */
	if (!f->err && f->d && !kube_client_discovery(call->kc)) {
		kube_client_set_discovery(call->kc, f->d);
		f->d = NULL;
	}
	char *err = f->err;
	f->err = NULL;
	void (*cont)(struct kube_call *, const char *) = f->cont;
	disc_fetch_free(f);
	cont(call, err);
	free(err);
}

static void disc_fail(struct disc_fetch *f, char *err)
{
	free(f->err);
	f->err = err;
	disc_finish(f->call);
}

/* The body as JSON, or NULL with *err set (transport, Status, or parse failure). */
static json_t *disc_body(struct kube_call *call, const struct http_response *resp,
			 const char *send_err, char **err)
{
	if (!resp) {
		*err = xstrdup(send_err);
		return NULL;
	}
	if ((*err = kube_response_error(call->kc, resp)))
		return NULL;
	json_error_t jerr;
	json_t *doc = json_loadb(resp->body, resp->body_len, 0, &jerr);
	if (!doc)
		*err = xasprintf("%s: invalid discovery document: %s", resp->url, jerr.text);
	return doc;
}

static void disc_send(struct disc_fetch *f, const char *path, const char *accept,
		      kube_sent_fn done, void *ud)
{
	struct kube_send s;
	memset(&s, 0, sizeof(s));
	s.path = path;
	s.accept = accept;
	kube_call_send(f->call, &s, done, ud);
}

static void disc_legacy_assemble(struct disc_fetch *f)
{
	char err[256];
	if (f->core_err) {
		disc_fail(f, xstrdup(f->core_err));
		return;
	}
	/* A broken aggregated API group (metrics unavailable, ...) must not hide the rest:
	 * kubectl warns and goes on, and so do we. */
	for (size_t i = 0; i < f->npaths; i++)
		if (f->docs[i])
			kube_discovery_add_legacy(f->d, f->docs[i], err, sizeof(err));
	disc_finish(f->call);
}

static void disc_on_group_version(void *ud, const struct http_response *resp,
				  const char *send_err)
{
	struct disc_slot *slot = ud;
	struct disc_fetch *f = slot->f;
	char *err = NULL;
	f->docs[slot->index] = disc_body(f->call, resp, send_err, &err);
	if (err && !strncmp(f->paths[slot->index], "/api/", 5) && !f->core_err)
		f->core_err = xstrdup(err);
	free(err);
	if (--f->pending == 0)
		disc_legacy_assemble(f);
}

static void disc_on_legacy_groups(void *ud, const struct http_response *resp,
				  const char *send_err)
{
	struct disc_fetch *f = ud;
	char *err = NULL;
	json_t *doc = disc_body(f->call, resp, send_err, &err);
	if (!doc) {
		disc_fail(f, err);
		return;
	}
	char **groups = kube_discovery_group_paths(doc);
	json_decref(doc);
	for (size_t i = 0; groups[i]; i++) {
		f->paths = xrealloc(f->paths, (f->npaths + 1) * sizeof(char *));
		f->paths[f->npaths++] = groups[i];
	}
	free(groups);
	f->docs = xcalloc(f->npaths ? f->npaths : 1, sizeof(json_t *));
	f->pending = f->npaths;
	f->slots = xcalloc(f->npaths ? f->npaths : 1, sizeof(*f->slots));
	for (size_t i = 0; i < f->npaths; i++) {
		f->slots[i].f = f;
		f->slots[i].index = i;
		disc_send(f, f->paths[i], "application/json", disc_on_group_version,
			  &f->slots[i]);
	}
}

static void disc_on_aggregated_apis(void *ud, const struct http_response *resp,
				    const char *send_err)
{
	struct disc_fetch *f = ud;
	char *err = NULL;
	json_t *doc = disc_body(f->call, resp, send_err, &err);
	if (!doc) {
		disc_fail(f, err);
		return;
	}
	char perr[256];
	if (kube_discovery_add_aggregated(f->d, doc, perr, sizeof(perr)) != 0)
		err = xasprintf("%s: %s", resp->url, perr);
	json_decref(doc);
	if (err)
		disc_fail(f, err);
	else
		disc_finish(f->call);
}

static bool is_aggregated(const struct http_response *resp)
{
	return resp->content_type && strstr(resp->content_type, "as=APIGroupDiscoveryList");
}

static void disc_on_api(void *ud, const struct http_response *resp, const char *send_err)
{
	struct disc_fetch *f = ud;
	char *err = NULL;
	json_t *doc = disc_body(f->call, resp, send_err, &err);
	if (!doc) {
		disc_fail(f, err);
		return;
	}
	if (is_aggregated(resp)) {
		char perr[256];
		int rc = kube_discovery_add_aggregated(f->d, doc, perr, sizeof(perr));
		json_decref(doc);
		if (rc != 0) {
			disc_fail(f, xasprintf("%s: %s", resp->url, perr));
			return;
		}
		disc_send(f, "/apis", KUBE_DISCOVERY_ACCEPT, disc_on_aggregated_apis, f);
		return;
	}
	char **core = kube_discovery_core_paths(doc);
	json_decref(doc);
	f->paths = core;
	while (f->paths[f->npaths])
		f->npaths++;
	disc_send(f, "/apis", "application/json", disc_on_legacy_groups, f);
}

void kube_discovery_fetch(struct kube_call *call,
			  void (*cont)(struct kube_call *call, const char *err))
{
	struct disc_fetch *f = xcalloc(1, sizeof(*f));
	f->call = call;
	f->cont = cont;
	call->step = f;
	call->step_free = disc_fetch_free;
	if (kube_client_discovery(call->kc)) {
		kube_call_defer(call, disc_finish);
		return;
	}
	f->d = kube_discovery_new();
	disc_send(f, "/api", KUBE_DISCOVERY_ACCEPT, disc_on_api, f);
}

/* ---- the public call ---------------------------------------------------------------- */

struct disc_op {
	kube_discovery_fn done;
	void *ud;
};

static void disc_op_done(struct kube_call *call, const char *err)
{
	struct disc_op *op = call->op;
	op->done(op->ud, err ? NULL : kube_client_discovery(call->kc), err);
	kube_call_end(call);
}

struct kube_call *kube_discover(struct kube_client *kc, kube_discovery_fn done, void *ud)
{
	struct disc_op *op = xcalloc(1, sizeof(*op));
	op->done = done;
	op->ud = ud;
	struct kube_call *call = kube_call_new(kc, op, free);
	kube_discovery_fetch(call, disc_op_done);
	return call;
}
