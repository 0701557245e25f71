/* scenario_load_dir (--load DIR): adds every Kubernetes object of a folder's YAML and JSON
 * files to the cluster its "sandbox.opsdeck.dev/cluster" annotation names (else the
 * control-plane cluster). Lists, JSON arrays and maps of lists (trivy's all-reports dump)
 * are unwrapped; anything else that is not an object is an error naming the file. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "core/yaml.h"
#include "sandbox/scenario.h"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool wanted(const char *name)
{
	const char *dot = strrchr(name, '.');
	return name[0] != '.' && dot &&
	       (!strcmp(dot, ".yaml") || !strcmp(dot, ".yml") || !strcmp(dot, ".json"));
}

static size_t target_cluster(const struct scenario *sc, json_t *obj, bool *known)
{
	const char *want = json_string_value(json_object_get(
		json_object_get(json_object_get(obj, "metadata"), "annotations"),
		"sandbox.opsdeck.dev/cluster"));
	*known = true;
	size_t cp = 0;
	for (size_t i = sc->nclusters; i-- > 0;) {
		if (sc->clusters[i].control_plane)
			cp = i;
		if (want && strcmp(sc->clusters[i].name, want) == 0)
			return i;
	}
	if (want)
		*known = false;
	return cp;
}

static bool is_object(json_t *v)
{
	json_t *md = json_object_get(v, "metadata");
	return json_is_string(json_object_get(v, "apiVersion")) &&
	       json_is_string(json_object_get(v, "kind")) &&
	       json_is_string(json_object_get(md, "name"));
}

static bool is_list(json_t *v)
{
	return json_is_object(v) && json_is_array(json_object_get(v, "items")) &&
	       !json_object_get(json_object_get(v, "metadata"), "name");
}

/* CRDs go after the cluster's other CRDs, so they stay ahead of the objects they serve. */
static void add_to_cluster(json_t *objects, json_t *v)
{
	if (strcmp(json_string_value(json_object_get(v, "kind")), "CustomResourceDefinition") != 0) {
		json_array_append(objects, v);
		return;
	}
	size_t i = 0;
	for (; i < json_array_size(objects); i++) {
		const char *k = json_string_value(json_object_get(json_array_get(objects, i), "kind"));
		if (!k || strcmp(k, "CustomResourceDefinition") != 0)
			break;
	}
	json_array_insert(objects, i, v);
}

struct dir_load {
	struct scenario *sc;
	const char *file;
	char *err;
	size_t errlen;
};

/* Adds v (an object, a List, an array, or a map of those); depth stops silly nesting. */
static int add_value(struct dir_load *d, json_t *v, size_t doc, int depth)
{
	if (depth > 3)
		goto bad;
	if (is_list(v))
		return add_value(d, json_object_get(v, "items"), doc, depth + 1);
	if (json_is_array(v)) {
		size_t i;
		json_t *item;
		json_array_foreach(v, i, item)
			if (add_value(d, item, doc, depth + 1) < 0)
				return -1;
		return 0;
	}
	if (is_object(v)) {
		bool known;
		size_t ci = target_cluster(d->sc, v, &known);
		if (!known) {
			snprintf(d->err, d->errlen, "%s: document %zu: %s \"%s\" names an unknown cluster",
				 d->file, doc, json_string_value(json_object_get(v, "kind")),
				 json_string_value(json_object_get(json_object_get(v, "metadata"), "name")));
			return -1;
		}
		add_to_cluster(d->sc->clusters[ci].objects, v);
		return 0;
	}
	if (json_is_object(v) && depth == 0 && json_object_size(v) > 0) {
		/* a map of lists, e.g. {"vulnerabilityreports.aquasecurity.github.io": [...]} */
		const char *k;
		json_t *item;
		json_object_foreach(v, k, item)
			if (!json_is_array(item) && !is_list(item))
				goto bad;
		json_object_foreach(v, k, item)
			if (add_value(d, item, doc, depth + 1) < 0)
				return -1;
		return 0;
	}
bad:
	snprintf(d->err, d->errlen,
		 "%s: document %zu: not a Kubernetes object (needs apiVersion, kind and "
		 "metadata.name)", d->file, doc);
	return -1;
}

static int load_file(struct scenario *sc, const char *file, char *err, size_t errlen)
{
	json_t *docs = yaml_load_file(file, err, errlen);
	if (!docs)
		return -1;
	struct dir_load d = {sc, file, err, errlen};
	int rc = 0;
	size_t i;
	json_t *doc;
	json_array_foreach(docs, i, doc)
		if (rc == 0)
			rc = add_value(&d, doc, i + 1, 0);
	json_decref(docs);
	return rc;
}

int scenario_load_dir(struct scenario *sc, const char *dir, char *err, size_t errlen)
{
	if (sc->nclusters == 0) {
		snprintf(err, errlen, "%s: no clusters to load objects into", dir);
		return -1;
	}
	DIR *dp = opendir(dir);
	if (!dp) {
		snprintf(err, errlen, "%s: cannot open the folder", dir);
		return -1;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(dp)) != NULL)
		if (wanted(de->d_name)) {
			names = xgrow(names, &cap, n + 1, sizeof(*names));
			names[n++] = xstrdup(de->d_name);
		}
	closedir(dp);
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		if (rc == 0) {
			char *file = xasprintf("%s/%s", dir, names[i]);
			rc = load_file(sc, file, err, errlen);
			free(file);
		}
		free(names[i]);
	}
	free(names);
	return rc;
}
