/* YAML files with positions for messages (core/yaml_file.h). */
#include "core/yaml_file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/yaml.h"
#include "core/yaml_mark.h"

void yaml_file_free(struct yaml_file *y)
{
	free(y->text);
	json_decref(y->doc);
	y->text = NULL;
	y->doc = NULL;
}

int yaml_file_load(struct yaml_file *y, const char *path, char *err, size_t errlen)
{
	memset(y, 0, sizeof(*y));
	y->path = path;
	y->text = yaml_mark_read_file(path, &y->len);
	if (!y->text) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	json_t *docs = yaml_parse_documents(path, y->text, y->len, err, errlen);
	if (!docs) {
		yaml_file_free(y);
		return -1;
	}
	y->doc = json_incref(json_array_get(docs, 0));
	json_decref(docs);
	return 1;
}

int yaml_file_verror(const struct yaml_file *y, const char *const *keys, size_t n,
		     char *err, size_t errlen, const char *fmt, va_list ap)
{
	char msg[512];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	int line, col;
	if (yaml_mark_find(y->text, y->len, keys, n, &line, &col))
		snprintf(err, errlen, "%s:%d:%d: %s", y->path, line, col, msg);
	else
		snprintf(err, errlen, "%s: %s", y->path, msg);
	return -1;
}
