/* The platform model's life cycle, lookups and name patterns (platform.h); reading the
 * file turns a reader's key path into the file position the user needs to fix it. */
#include "core/platform.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "core/platform_internal.h"
#include "core/strbuf.h"
#include "core/xalloc.h"
#include "core/yaml.h"
#include "core/yaml_mark.h"

struct platform *platform_new(void)
{
	return xcalloc(1, sizeof(struct platform));
}

static void strings_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void platform_cluster_clear(struct platform_cluster *c)
{
	for (size_t i = 0; i < c->nlabels; i++) {
		free(c->labels[i].key);
		free(c->labels[i].value);
	}
	free(c->labels);
	free(c->name);
	free(c->context);
	free(c->server);
	memset(c, 0, sizeof(*c));
}

void platform_tenant_clear(struct platform_tenant *t)
{
	free(t->name);
	free(t->description);
	strings_free(t->projects, t->nprojects);
	strings_free(t->namespaces, t->nnamespaces);
	memset(t, 0, sizeof(*t));
}

void platform_env_clear(struct platform_env *e)
{
	for (size_t i = 0; i < e->nfreeze; i++) {
		free(e->freeze[i].schedule);
		free(e->freeze[i].duration_text);
	}
	free(e->freeze);
	free(e->name);
	free(e->cluster);
	free(e->namespace_pattern);
	memset(e, 0, sizeof(*e));
}

void platform_service_clear(struct platform_service *s)
{
	free(s->name);
	free(s->tenant);
	free(s->app_pattern);
	free(s->image);
	memset(s, 0, sizeof(*s));
}

static void gitops_clear(struct platform_gitops *g)
{
	free(g->repo);
	free(g->path);
	free(g->revision);
	free(g->values_file);
	free(g->key_file);
	free(g->token_ref);
	memset(g, 0, sizeof(*g));
}

void platform_free(struct platform *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nclusters; i++)
		platform_cluster_clear(&p->clusters[i]);
	for (size_t i = 0; i < p->ntenants; i++)
		platform_tenant_clear(&p->tenants[i]);
	for (size_t i = 0; i < p->nenvs; i++)
		platform_env_clear(&p->envs[i]);
	for (size_t i = 0; i < p->nservices; i++)
		platform_service_clear(&p->services[i]);
	free(p->clusters);
	free(p->tenants);
	free(p->envs);
	free(p->services);
	gitops_clear(&p->gitops);
	free(p);
}

/* ---- lookups ------------------------------------------------------------------------ */

int platform_env_index(const struct platform *p, const char *name)
{
	for (size_t i = 0; p && name && i < p->nenvs; i++)
		if (strcmp(p->envs[i].name, name) == 0)
			return (int)i;
	return -1;
}

const struct platform_env *platform_env_find(const struct platform *p, const char *name)
{
	int i = platform_env_index(p, name);
	return i < 0 ? NULL : &p->envs[i];
}

const struct platform_service *platform_service_find(const struct platform *p, const char *name)
{
	for (size_t i = 0; p && name && i < p->nservices; i++)
		if (strcmp(p->services[i].name, name) == 0)
			return &p->services[i];
	return NULL;
}

const struct platform_tenant *platform_tenant_find(const struct platform *p, const char *name)
{
	for (size_t i = 0; p && name && i < p->ntenants; i++)
		if (strcmp(p->tenants[i].name, name) == 0)
			return &p->tenants[i];
	return NULL;
}

const struct platform_cluster *platform_cluster_find(const struct platform *p, const char *name)
{
	for (size_t i = 0; p && name && i < p->nclusters; i++)
		if (strcmp(p->clusters[i].name, name) == 0)
			return &p->clusters[i];
	return NULL;
}

const char *platform_protection_name(enum platform_protection prot)
{
	switch (prot) {
	case PLATFORM_PROTECT_NONE:
		return "none";
	case PLATFORM_PROTECT_CONFIRM:
		return "confirm";
	case PLATFORM_PROTECT_TYPED:
		return "typed";
	case PLATFORM_PROTECT_READONLY:
		return "readonly";
	}
	return "none";
}

/* ---- patterns ------------------------------------------------------------------------ */

char *platform_expand(const char *pattern, const char *service, const char *env,
		      const char *tenant)
{
	static const char *const names[] = {"{service}", "{env}", "{tenant}"};
	const char *values[] = {service, env, tenant};
	struct strbuf sb = STRBUF_INIT;
	const char *s = pattern;
	while (*s) {
		size_t i;
		for (i = 0; i < 3; i++)
			if (strncmp(s, names[i], strlen(names[i])) == 0)
				break;
		if (i < 3) {
			strbuf_puts(&sb, values[i] ? values[i] : "");
			s += strlen(names[i]);
		} else {
			strbuf_putc(&sb, *s++);
		}
	}
	return strbuf_detach(&sb);
}

char *platform_app_name(const struct platform *p, const char *service, const char *env)
{
	const struct platform_service *s = platform_service_find(p, service);
	const char *pattern = s && s->app_pattern ? s->app_pattern : "{service}-{env}";
	return platform_expand(pattern, service, env, s ? s->tenant : NULL);
}

char *platform_env_namespace(const struct platform *p, const char *env, const char *tenant)
{
	const struct platform_env *e = platform_env_find(p, env);
	if (!e)
		return NULL;
	const char *pattern = e->namespace_pattern ? e->namespace_pattern : "{tenant}-{env}";
	return platform_expand(pattern, NULL, e->name, tenant);
}

char *platform_gitops_file(const struct platform *p, const char *service, const char *env)
{
	if (!p || !p->gitops.repo)
		return NULL;
	const struct platform_service *s = platform_service_find(p, service);
	const char *tenant = s ? s->tenant : NULL;
	const struct platform_gitops *g = &p->gitops;
	char *dir = platform_expand(g->path ? g->path : "envs/{env}/{service}", service, env,
				    tenant);
	char *file = g->image_tag == PLATFORM_TAG_HELM ?
		platform_expand(g->values_file ? g->values_file : "values-{env}.yaml", service,
				env, tenant) : xstrdup("kustomization.yaml");
	size_t dlen = strlen(dir);
	while (dlen && dir[dlen - 1] == '/')
		dir[--dlen] = '\0';
	char *out = dlen ? xasprintf("%s/%s", dir, file) : xstrdup(file);
	free(dir);
	free(file);
	return out;
}

/* ---- where a bad value sits ----------------------------------------------------------- */

static yaml_node_t *node_key(yaml_document_t *doc, yaml_node_t *map, const char *key,
			     size_t keylen, yaml_node_t **key_node)
{
	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *pr = map->data.mapping.pairs.start;
	     pr < map->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = yaml_document_get_node(doc, pr->key);
		if (k && k->type == YAML_SCALAR_NODE && k->data.scalar.length == keylen &&
		    memcmp(k->data.scalar.value, key, keylen) == 0) {
			*key_node = k;
			return yaml_document_get_node(doc, pr->value);
		}
	}
	return NULL;
}

static yaml_node_t *node_index(yaml_document_t *doc, yaml_node_t *seq, long i)
{
	if (!seq || seq->type != YAML_SEQUENCE_NODE || i < 0 ||
	    i >= seq->data.sequence.items.top - seq->data.sequence.items.start)
		return NULL;
	return yaml_document_get_node(doc, seq->data.sequence.items.start[i]);
}

/* Follows a key path as the readers write it ("environments[4].freeze[0].schedule")
 * and gives the position of its last key or item. A key that holds '.' or '[' (a
 * label key) is matched as the longest key the mapping has. */
static bool locate_path(yaml_document_t *doc, const char *path, int *line, int *col)
{
	yaml_node_t *node = yaml_document_get_root_node(doc), *mark = node;
	const char *s = path;
	while (*s && node) {
		if (*s == '[') {
			node = mark = node_index(doc, node, strtol(s + 1, NULL, 10));
			const char *close = strchr(s, ']');
			s = close ? close + 1 : s + strlen(s);
		} else {
			if (*s == '.')
				s++;
			yaml_node_t *found = NULL, *found_mark = NULL;
			size_t used = 0;
			for (size_t n = strcspn(s, ".["); ; n += 1 + strcspn(s + n + 1, ".[")) {
				yaml_node_t *km = NULL, *v = node_key(doc, node, s, n, &km);
				if (v) {
					found = v;
					found_mark = km;
					used = n;
				}
				if (!s[n])
					break;
			}
			node = found;
			mark = found_mark;
			s += used ? used : strlen(s);
		}
	}
	if (!node || !mark)
		return false;
	*line = (int)mark->start_mark.line + 1;
	*col = (int)mark->start_mark.column + 1;
	return true;
}

static void error_with_position(const char *name, const char *text, size_t len,
				const char *path, const char *msg, char *err, size_t errlen)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	int line = 0, col = 0;
	bool found = false;
	if (yaml_parser_initialize(&parser)) {
		yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
		if (yaml_parser_load(&parser, &doc)) {
			found = locate_path(&doc, path, &line, &col);
			yaml_document_delete(&doc);
		}
		yaml_parser_delete(&parser);
	}
	const char *shown = *path ? path : "(top level)";
	if (found)
		snprintf(err, errlen, "%s:%d:%d: %s: %s", name, line, col, shown, msg);
	else
		snprintf(err, errlen, "%s: %s: %s", name, shown, msg);
}

/* ---- reading -------------------------------------------------------------------------- */

int platform_parse(const char *name, const char *text, size_t len, struct platform **out,
		   char *err, size_t errlen)
{
	*out = NULL;
	json_t *docs = yaml_parse_documents(name, text, len, err, errlen);
	if (!docs)
		return -1;
	struct platform *p = platform_new();
	char path[512] = "", msg[512] = "";
	bool ok = true;
	if (json_array_size(docs) > 1) {
		snprintf(msg, sizeof(msg), "expected one YAML document");
		ok = false;
	} else if (json_array_size(docs) == 1) {
		ok = platform_read_document(p, json_array_get(docs, 0), path, sizeof(path), msg,
					    sizeof(msg));
	}
	json_decref(docs);
	if (!ok) {
		error_with_position(name, text, len, path, msg, err, errlen);
		platform_free(p);
		return -1;
	}
	*out = p;
	return 0;
}

int platform_load(const char *path, struct platform **out, char *err, size_t errlen)
{
	size_t len = 0;
	*out = NULL;
	char *text = yaml_mark_read_file(path, &len);
	if (!text) {
		if (errno == ENOENT) {
			if (errlen)
				err[0] = '\0';
			*out = platform_new();
			return 0;
		}
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	int rc = platform_parse(path, text, len, out, err, errlen);
	free(text);
	return rc;
}
