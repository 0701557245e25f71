/* Request path parsing after kube-apiserver's RequestInfoFactory: /api/v1/… and
 * /apis/GROUP/VERSION/…, "namespaces/NS/" scoping, then resource/name/subresource. */
#include "sandbox/route.h"

#include "core/xalloc.h"

#include <stdlib.h>
#include <string.h>

static const char *route_verb(const char *method, bool has_name, bool watch)
{
	if (!strcmp(method, "GET") || !strcmp(method, "HEAD"))
		return has_name ? "get" : watch ? "watch" : "list";
	if (!strcmp(method, "POST"))
		return "create";
	if (!strcmp(method, "PUT"))
		return "update";
	if (!strcmp(method, "PATCH"))
		return "patch";
	if (!strcmp(method, "DELETE"))
		return has_name ? "delete" : "deletecollection";
	return "";
}

static size_t route_split(char *buf, char **parts)
{
	size_t n = 0;
	char *save = NULL;
	for (char *tok = strtok_r(buf, "/", &save); tok && n < ROUTE_MAX_PARTS;
	     tok = strtok_r(NULL, "/", &save))
		parts[n++] = tok;
	return n;
}

void route_parse(struct route *rt, const char *path, const char *method, bool watch)
{
	static char empty[] = "";
	memset(rt, 0, sizeof *rt);
	rt->group = rt->version = rt->ns = rt->resource = rt->name = rt->sub = empty;
	rt->buf = xstrdup(path);
	char *parts[ROUTE_MAX_PARTS];
	size_t n = route_split(rt->buf, parts), i = 0;
	rt->verb = !strcmp(method, "GET") || !strcmp(method, "HEAD") ? "get"
		   : !strcmp(method, "POST") ? "post" : !strcmp(method, "PUT") ? "put"
		   : !strcmp(method, "PATCH") ? "patch" : !strcmp(method, "DELETE") ? "delete" : "";
	if (n >= 2 && !strcmp(parts[0], "api")) {
		rt->version = parts[1];
		i = 2;
	} else if (n >= 3 && !strcmp(parts[0], "apis")) {
		rt->group = parts[1];
		rt->version = parts[2];
		i = 3;
	} else {
		return; /* non-resource: discovery, version, openapi */
	}
	/* the deprecated /watch/ prefix: GET …/watch/namespaces/NS/pods means watch=true */
	if (i < n && !strcmp(parts[i], "watch") && (!strcmp(method, "GET") || !strcmp(method, "HEAD"))) {
		watch = true;
		i++;
		rt->legacy_watch = true;
	}
	if (i >= n)
		return; /* /api/v1, /apis/g/v: discovery */
	rt->is_resource = true;
	char **p = parts + i;
	size_t left = n - i;
	if (!strcmp(p[0], "namespaces") && left > 1) {
		rt->ns = p[1];
		/* namespaces/NS/status and /finalize are subresources of the namespace */
		if (left > 2 && strcmp(p[2], "status") && strcmp(p[2], "finalize")) {
			p += 2;
			left -= 2;
		}
	}
	rt->resource = p[0];
	if (left > 1)
		rt->name = p[1];
	if (left > 2)
		rt->sub = p[2];
	/* a legacy watch of one name watches the collection with a name field selector */
	rt->verb = rt->legacy_watch ? "watch" : route_verb(method, *rt->name != '\0', watch);
}

void route_free(struct route *rt)
{
	free(rt->buf);
	rt->buf = NULL;
}
