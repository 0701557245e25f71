/* core/v1 Events as the kubelet, the scheduler and the controllers write them: named
 * "<object>.<hex>", involvedObject set, count and first/last timestamps, source and
 * reportingComponent, so `kubectl describe` and the timeline find them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "sandbox/scenario_model.h"

void sc_gen_event(struct sc_gen *g, size_t ci, const struct sc_event *e)
{
	const char *cluster = g->m->clusters[ci].name;
	char key[512], name[320], first[21], last[21];
	snprintf(key, sizeof(key), "%s/%s/%s/%s/%s", cluster, e->ns, e->name, e->reason,
		 e->message);
	/* the apiserver's event names end in a 16-hex-digit timestamp-derived suffix */
	snprintf(name, sizeof(name), "%s.%016llx", e->name, (unsigned long long)sc_hash(key));
	sc_time(g, e->first_ago, first);
	sc_time(g, e->last_ago, last);
	json_t *md = sc_metadata(g, cluster, "Event", e->ns, name, e->first_ago);
	json_object_del(md, "labels");
	json_t *involved = json_pack("{s:s, s:s, s:s, s:s, s:s}", "apiVersion", e->api_version,
				     "kind", e->kind, "name", e->name, "namespace", e->ns, "uid",
				     e->uid);
	if (e->field_path)
		json_object_set_new(involved, "fieldPath", json_string(e->field_path));
	json_t *source = json_pack("{s:s}", "component", e->component);
	if (e->host)
		json_object_set_new(source, "host", json_string(e->host));
	json_t *ev = json_pack("{s:s, s:s, s:o, s:o, s:s, s:s, s:o, s:s, s:s, s:i, s:s, s:n,"
			       " s:s, s:s}",
			       "apiVersion", "v1", "kind", "Event", "metadata", md,
			       "involvedObject", involved, "reason", e->reason, "message",
			       e->message, "source", source, "firstTimestamp", first,
			       "lastTimestamp", last, "count", e->count > 0 ? e->count : 1, "type",
			       e->type, "eventTime", "reportingComponent", e->component,
			       "reportingInstance", e->host ? e->host : "");
	sc_add(g, ci, ev);
}
