/* PATCH as the Kubernetes API server takes it: picks the format from the Content-Type,
 * decodes the body, and applies it. Also holds RFC 7386 merge patch, the simplest. */
#include "sandbox/patch.h"

#include "sandbox/patch_formats.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

enum patch_kind { PATCH_UNKNOWN, PATCH_JSON, PATCH_MERGE, PATCH_STRATEGIC };

/* The media types we accept, in the order the API server lists them. */
static const struct {
	const char *type;
	enum patch_kind kind;
} patch_types[] = {
	{"application/json-patch+json", PATCH_JSON},
	{"application/merge-patch+json", PATCH_MERGE},
	{"application/strategic-merge-patch+json", PATCH_STRATEGIC},
};

/* Like the API server, ignores parameters such as "; charset=utf-8". Media types are
 * case-insensitive (RFC 9110). */
static enum patch_kind patch_kind_of(const char *content_type)
{
	if (!content_type)
		return PATCH_UNKNOWN;
	while (*content_type == ' ' || *content_type == '\t')
		content_type++;
	size_t len = strcspn(content_type, ";");
	while (len && (content_type[len - 1] == ' ' || content_type[len - 1] == '\t'))
		len--;
	for (size_t i = 0; i < sizeof patch_types / sizeof patch_types[0]; i++)
		if (strlen(patch_types[i].type) == len &&
		    strncasecmp(patch_types[i].type, content_type, len) == 0)
			return patch_types[i].kind;
	return PATCH_UNKNOWN;
}

static json_t *patch_fail(int *http_status, int status, char *err, size_t errlen, const char *msg)
{
	*http_status = status;
	snprintf(err, errlen, "%s", msg);
	return NULL;
}

json_t *patch_merge(const json_t *orig, const json_t *patch)
{
	if (!json_is_object(patch))
		return json_deep_copy(patch);
	json_t *out = json_is_object(orig) ? json_deep_copy(orig) : json_object();
	const char *key;
	json_t *value;
	json_object_foreach((json_t *)patch, key, value) {
		if (json_is_null(value)) {
			json_object_del(out, key);
			continue;
		}
		json_object_set_new(out, key, patch_merge(json_object_get(out, key), value));
	}
	return out;
}

/* Decodes the body: an object for the merge formats, an array for JSON patch. */
static json_t *patch_decode(enum patch_kind kind, const char *body, size_t len,
			    int *http_status, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *doc = json_loadb(body ? body : "", body ? len : 0, JSON_DECODE_ANY, &jerr);
	char msg[300];
	if (!doc) {
		snprintf(msg, sizeof msg, "error decoding patch: %s (line %d, column %d)", jerr.text,
			 jerr.line, jerr.column);
		return patch_fail(http_status, 400, err, errlen, msg);
	}
	if (kind == PATCH_JSON && !json_is_array(doc)) {
		json_decref(doc);
		return patch_fail(http_status, 400, err, errlen,
				  "error decoding patch: json: cannot unmarshal non-array into Go "
				  "value of type jsonpatch.Patch");
	}
	if (kind != PATCH_JSON && !json_is_object(doc)) {
		json_decref(doc);
		return patch_fail(http_status, 400, err, errlen,
				  "error decoding patch: json: cannot unmarshal non-object into Go "
				  "value of type map[string]interface {}");
	}
	return doc;
}

json_t *patch_apply(const json_t *orig, const char *content_type, const char *body, size_t len,
		    int *http_status, char *err, size_t errlen)
{
	enum patch_kind kind = patch_kind_of(content_type);
	if (kind == PATCH_UNKNOWN)
		return patch_fail(http_status, 415, err, errlen,
				  "the body of the request was in an unknown format - accepted media "
				  "types include: application/json-patch+json, "
				  "application/merge-patch+json, "
				  "application/strategic-merge-patch+json");
	json_t *doc = patch_decode(kind, body, len, http_status, err, errlen);
	if (!doc)
		return NULL;
	json_t *out;
	if (kind == PATCH_MERGE)
		out = patch_merge(orig, doc);
	else if (kind == PATCH_STRATEGIC)
		out = patch_strategic(orig, doc, http_status, err, errlen);
	else
		out = patch_json(orig, doc, http_status, err, errlen);
	json_decref(doc);
	/* A JSON patch can replace the whole document; an API object must stay an object. */
	if (out && !json_is_object(out)) {
		json_decref(out);
		return patch_fail(http_status, 422, err, errlen,
				  "the patched object is not a JSON object");
	}
	return out;
}
