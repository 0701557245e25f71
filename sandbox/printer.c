/* Server-side Table assembly (meta.k8s.io/v1): column definitions, rows with their
 * object as include_object asks, CRD additionalPrinterColumns, and the age format and
 * simple JSONPath that the API server's printers use. */
#include "sandbox/printer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "core/xalloc.h"
#include "sandbox/printer_builtin.h"

static const struct printer_column generic_cols[] = {
	{"Name", "string", "name", printer_desc_name, 0},
	{"Age", "string", "", printer_desc_created, 0},
};

/* What apiextensions-apiserver serves for a CRD version without printer columns. */
static const char crd_default_columns[] =
	"[{\"name\":\"Age\",\"type\":\"date\",\"jsonPath\":\".metadata.creationTimestamp\"}]";

void printer_age(long seconds, char *buf, size_t len)
{
	/* Two seconds of clock skew still read as "now", as HumanDuration allows. */
	if (seconds < -1) {
		snprintf(buf, len, "<invalid>");
		return;
	}
	if (seconds < 0)
		seconds = 0;
	long minutes = seconds / 60, hours = seconds / 3600, days = hours / 24;
	if (seconds < 120)
		snprintf(buf, len, "%lds", seconds);
	else if (minutes < 10)
		snprintf(buf, len, seconds % 60 ? "%ldm%lds" : "%ldm", minutes, seconds % 60);
	else if (minutes < 180)
		snprintf(buf, len, "%ldm", minutes);
	else if (hours < 8)
		snprintf(buf, len, minutes % 60 ? "%ldh%ldm" : "%ldh", hours, minutes % 60);
	else if (hours < 48)
		snprintf(buf, len, "%ldh", hours);
	else if (hours < 24 * 8)
		snprintf(buf, len, hours % 24 ? "%ldd%ldh" : "%ldd", days, hours % 24);
	else if (hours < 24 * 365 * 2)
		snprintf(buf, len, "%ldd", days);
	else if (hours < 24 * 365 * 8)
		snprintf(buf, len, days % 365 ? "%ldy%ldd" : "%ldy", days / 365, days % 365);
	else
		snprintf(buf, len, "%ldy", days / 365);
}

/* Reads one key of a dotted step into key (unescaping "\."); returns the end. */
static const char *jsonpath_read_key(const char *p, struct strbuf *key)
{
	while (*p && *p != '.' && *p != '[' && *p != '}') {
		if (p[0] == '\\' && p[1] == '.')
			p++;
		strbuf_putc(key, *p++);
	}
	return p;
}

/* Reads a bracket step "[0]" or "['a.b']"; returns the end, or NULL when malformed. */
static const char *jsonpath_read_bracket(const char *p, struct strbuf *key, long *index)
{
	p++;
	if (*p == '\'' || *p == '"') {
		char q = *p++;
		while (*p && *p != q)
			strbuf_putc(key, *p++);
		if (*p != q || p[1] != ']')
			return NULL;
		return p + 2;
	}
	char *end;
	*index = strtol(p, &end, 10);
	if (end == p || *end != ']')
		return NULL;
	return end + 1;
}

json_t *printer_jsonpath(const json_t *obj, const char *path)
{
	const json_t *cur = obj;
	const char *p = path;
	if (*p == '{')
		p++;
	if (*p == '$')
		p++;
	struct strbuf key = STRBUF_INIT;
	while (cur && *p && *p != '}') {
		long index = -1;
		strbuf_reset(&key);
		if (*p == '.') {
			p = jsonpath_read_key(p + 1, &key);
			if (key.len == 0) {
				cur = NULL;
				break;
			}
		} else if (*p == '[') {
			p = jsonpath_read_bracket(p, &key, &index);
			if (!p) {
				cur = NULL;
				break;
			}
		} else {
			cur = NULL;
			break;
		}
		if (key.len)
			cur = json_is_object(cur) ? json_object_get(cur, strbuf_str(&key)) : NULL;
		else
			cur = json_is_array(cur) && index >= 0 ? json_array_get(cur, (size_t)index) : NULL;
	}
	strbuf_free(&key);
	return (json_t *)cur;
}

static json_t *column_json(const char *name, const char *type, const char *format,
			   const char *desc, json_int_t priority)
{
	return json_pack("{s:s,s:s,s:s,s:s,s:I}", "name", name, "type", type, "format",
			 format ? format : "", "description", desc ? desc : "", "priority",
			 priority);
}

static json_t *columns_builtin(const struct printer_column *cols, size_t n)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, column_json(cols[i].name, cols[i].type, cols[i].format,
						       cols[i].description, cols[i].priority));
	return arr;
}

static json_t *columns_crd(const json_t *crd_cols)
{
	json_t *arr = json_array();
	json_array_append_new(arr, column_json("Name", "string", "name", printer_desc_name, 0));
	size_t i;
	const json_t *c;
	json_array_foreach(crd_cols, i, c) {
		const char *desc = printer_str(c, "description");
		char *dflt = NULL;
		if (!*desc)
			desc = dflt = xasprintf("Custom resource definition column (in JSONPath "
						"format): %s", printer_str(c, "jsonPath"));
		json_array_append_new(arr, column_json(printer_str(c, "name"),
						       printer_str(c, "type"),
						       printer_str(c, "format"), desc,
						       printer_int(c, "priority", 0)));
		free(dflt);
	}
	return arr;
}

/* Go's %v for a float64: shortest text that reads back the same. */
static void format_real(double v, struct strbuf *out)
{
	char buf[40];
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, sizeof buf, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	strbuf_puts(out, buf);
}

/* A "string" column prints what the JSONPath found: strings as they are, maps and
 * arrays as compact JSON, numbers and booleans as Go prints them. */
static json_t *cell_string(const json_t *v)
{
	struct strbuf sb = STRBUF_INIT;
	if (json_is_string(v)) {
		strbuf_puts(&sb, json_string_value(v));
	} else if (json_is_integer(v)) {
		strbuf_printf(&sb, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	} else if (json_is_real(v)) {
		format_real(json_real_value(v), &sb);
	} else if (json_is_boolean(v)) {
		strbuf_puts(&sb, json_is_true(v) ? "true" : "false");
	} else {
		char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		strbuf_puts(&sb, s ? s : "");
		free(s);
	}
	json_t *cell = json_string(strbuf_str(&sb));
	strbuf_free(&sb);
	return cell;
}

static json_t *cell_typed(const char *type, const json_t *v, time_t now)
{
	if (!v || json_is_null(v))
		return json_null();
	if (!strcmp(type, "string"))
		return cell_string(v);
	if (!strcmp(type, "integer") && json_is_number(v))
		return json_integer(json_is_integer(v) ? json_integer_value(v)
						       : (json_int_t)json_real_value(v));
	if (!strcmp(type, "number") && json_is_number(v))
		return json_real(json_number_value(v));
	if (!strcmp(type, "boolean") && json_is_boolean(v))
		return json_boolean(json_is_true(v));
	if (!strcmp(type, "date") && json_is_string(v))
		return printer_since(v, now);
	return json_null();
}

static void row_crd(const json_t *crd_cols, const json_t *obj, json_t *cells, time_t now)
{
	json_array_append_new(cells, json_string(printer_str(json_object_get(obj, "metadata"),
							     "name")));
	size_t i;
	const json_t *c;
	json_array_foreach(crd_cols, i, c) {
		const json_t *v = printer_jsonpath(obj, printer_str(c, "jsonPath"));
		json_array_append_new(cells, cell_typed(printer_str(c, "type"), v, now));
	}
}

static void row_generic(const json_t *obj, json_t *cells, json_t **conditions, time_t now)
{
	(void)conditions;
	const json_t *md = json_object_get(obj, "metadata");
	json_array_append_new(cells, json_string(printer_str(md, "name")));
	json_array_append_new(cells, printer_since(json_object_get(md, "creationTimestamp"), now));
}

static json_t *row_object(const json_t *obj, const char *include_object)
{
	if (include_object && !strcmp(include_object, "None"))
		return json_null();
	if (include_object && !strcmp(include_object, "Object"))
		return json_deep_copy(obj);
	json_t *md = json_deep_copy(json_object_get(obj, "metadata"));
	return json_pack("{s:s,s:s,s:o}", "kind", "PartialObjectMetadata", "apiVersion",
			 "meta.k8s.io/v1", "metadata", md ? md : json_object());
}

/* Built-in API groups print Name + Age as strings; custom resources get the CRD
 * default (an Age column of type date). */
static bool group_is_builtin(const char *group)
{
	size_t n = strlen(group);
	return !strchr(group, '.') || (n > 7 && !strcmp(group + n - 7, ".k8s.io"));
}

static json_t *table_metadata(const char *list_rv, const char *continue_token)
{
	json_t *md = json_object();
	if (list_rv && *list_rv)
		json_object_set_new(md, "resourceVersion", json_string(list_rv));
	if (continue_token && *continue_token)
		json_object_set_new(md, "continue", json_string(continue_token));
	return md;
}

json_t *printer_table(const char *group, const char *resource, const json_t *printer_columns,
		      const json_t *items, const char *include_object, const char *list_rv,
		      const char *continue_token, time_t now)
{
	if (!group)
		group = "";
	const struct printer_kind *kind = printer_builtin_find(group, resource ? resource : "");
	json_t *crd_cols = NULL, *cols;
	if (!kind && json_is_array(printer_columns) && json_array_size(printer_columns) > 0)
		crd_cols = json_incref((json_t *)printer_columns);
	else if (!kind && !group_is_builtin(group))
		crd_cols = json_loads(crd_default_columns, 0, NULL);
	if (kind)
		cols = columns_builtin(kind->cols, kind->ncols);
	else if (crd_cols)
		cols = columns_crd(crd_cols);
	else
		cols = columns_builtin(generic_cols, sizeof generic_cols / sizeof *generic_cols);
	json_t *rows = json_array();
	size_t i;
	const json_t *obj;
	json_array_foreach(items, i, obj) {
		json_t *cells = json_array(), *conditions = NULL;
		if (kind)
			kind->row(obj, cells, &conditions, now);
		else if (crd_cols)
			row_crd(crd_cols, obj, cells, now);
		else
			row_generic(obj, cells, &conditions, now);
		json_t *row = json_pack("{s:o}", "cells", cells);
		if (conditions)
			json_object_set_new(row, "conditions", conditions);
		json_object_set_new(row, "object", row_object(obj, include_object));
		json_array_append_new(rows, row);
	}
	json_decref(crd_cols);
	return json_pack("{s:s,s:s,s:o,s:o,s:o}", "kind", "Table", "apiVersion", "meta.k8s.io/v1",
			 "metadata", table_metadata(list_rv, continue_token), "columnDefinitions",
			 cols, "rows", rows);
}
