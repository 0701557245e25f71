/* Fuzzes the in-place YAML editor. Input: a first line "KEY VALUE" (an image name or a
 * dotted Helm path, then the new tag; "web 1.2.3" when the line is empty), then the
 * YAML text. Every get and set runs; a successful set must read back as written. */
#include "tests/fuzz/fuzz.h"

#include <stdlib.h>

#include "core/gitops_edit.h"

/* Splits the first line into key and value (new strings). */
static void split_header(const char *line, char **key, char **value)
{
	const char *sp = strchr(line, ' ');
	if (!line[0]) {
		*key = xstrdup("web");
		*value = xstrdup("1.2.3");
	} else if (!sp) {
		*key = xstrdup(line);
		*value = xstrdup("1.2.3");
	} else {
		*key = xstrndup(line, (size_t)(sp - line));
		*value = xstrdup(sp + 1);
	}
}

/* After a set succeeded, the get must give back exactly the value written. */
static void check_kustomize(const char *text, const char *image, const char *tag)
{
	char err[256];
	char *out = gitops_kustomize_set_tag(text, image, tag, err, sizeof(err));
	if (!out)
		return;
	char *back = gitops_kustomize_get_tag(out, image, err, sizeof(err));
	if (!back || strcmp(back, tag) != 0)
		abort();
	free(back);
	free(out);
}

static void check_helm(const char *text, const char *path, const char *value)
{
	char err[256];
	char *out = gitops_helm_set_value(text, path, value, err, sizeof(err));
	if (!out)
		return;
	char *back = gitops_helm_get_value(out, path, err, sizeof(err));
	if (!back || strcmp(back, value) != 0)
		abort();
	free(back);
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *all = fuzz_cstr(data, size);
	char *nl = strchr(all, '\n');
	const char *text = nl ? nl + 1 : "";
	if (nl)
		*nl = '\0';
	char *key, *value, err[256];
	split_header(all, &key, &value);

	free(gitops_kustomize_get_tag(text, key, err, sizeof(err)));
	free(gitops_helm_get_value(text, key, err, sizeof(err)));
	check_kustomize(text, key, value);
	check_helm(text, key, value);

	free(key);
	free(value);
	free(all);
	return 0;
}
