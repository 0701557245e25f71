/* Loads the CustomResourceDefinitions the sandbox serves (the .yaml files of sandbox/crds)
 * and hands each to the clusters whose crd_groups name its API group. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "core/yaml.h"
#include "sandbox/scenario_model.h"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* Sorted file names (so the order never depends on the file system); NULL-terminated. */
static char **list_yaml_files(const char *dir, size_t *n, char *err, size_t errlen)
{
	DIR *d = opendir(dir);
	if (!d) {
		snprintf(err, errlen, "%s: cannot open the CRD folder (it belongs beside the "
			 "scenario file's folder)", dir);
		return NULL;
	}
	size_t cap = 0;
	char **names = NULL;
	*n = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' ||
		    !(has_suffix(de->d_name, ".yaml") || has_suffix(de->d_name, ".yml")))
			continue;
		names = xgrow(names, &cap, *n + 2, sizeof(*names));
		names[(*n)++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (!names)
		names = xcalloc(1, sizeof(*names));
	qsort(names, *n, sizeof(*names), cmp_str);
	names[*n] = NULL;
	return names;
}

static bool cluster_serves(const struct sc_cluster_def *c, const char *group)
{
	for (size_t i = 0; i < c->ncrd_groups; i++)
		if (strcmp(c->crd_groups[i], group) == 0)
			return true;
	return false;
}

/* The uid and creation time an installed CRD would have, the same on every load. */
static void stamp(const struct sc_gen *g, size_t ci, json_t *crd)
{
	json_t *md = json_object_get(crd, "metadata");
	const char *name = json_string_value(json_object_get(md, "name"));
	if (!json_is_object(md) || !name)
		return;
	char uid[37], ts[21];
	sc_uid(uid, g->m->clusters[ci].name, "CustomResourceDefinition", NULL, name);
	sc_time(g, 30 * 86400 + 3600, ts);
	json_object_set_new(md, "uid", json_string(uid));
	json_object_set_new(md, "creationTimestamp", json_string(ts));
}

static int add_crd(struct sc_gen *g, json_t *doc, const char *file, size_t idx, char *err,
		   size_t errlen)
{
	const char *kind = json_string_value(json_object_get(doc, "kind"));
	const char *group = json_string_value(json_object_get(json_object_get(doc, "spec"), "group"));
	if (!kind || strcmp(kind, "CustomResourceDefinition") != 0 || !group) {
		snprintf(err, errlen, "%s: document %zu: not a CustomResourceDefinition", file,
			 idx + 1);
		return -1;
	}
	for (size_t ci = 0; ci < g->m->nclusters; ci++) {
		if (!cluster_serves(&g->m->clusters[ci], group))
			continue;
		json_t *crd = json_deep_copy(doc);
		stamp(g, ci, crd);
		json_array_append_new(g->crds[ci], crd);
	}
	return 0;
}

int sc_load_crds(struct sc_gen *g, const char *dir, char *err, size_t errlen)
{
	size_t n;
	char **names = list_yaml_files(dir, &n, err, errlen);
	if (!names)
		return -1;
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		char *file = xasprintf("%s/%s", dir, names[i]);
		json_t *docs = yaml_load_file(file, err, errlen);
		if (!docs)
			rc = -1;
		size_t k;
		json_t *doc;
		json_array_foreach(docs, k, doc)
			if (rc == 0)
				rc = add_crd(g, doc, file, k, err, errlen);
		json_decref(docs);
		free(file);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}
