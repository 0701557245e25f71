/* Helpers every scenario generator shares: hashes standing in for randomness (so the same
 * file gives the same objects), uids, timestamps, labels and owner references. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "sandbox/scenario_model.h"

uint64_t sc_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;   /* FNV-1a, then a final mix for spread */
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

uint64_t sc_hash2(const char *a, const char *b)
{
	return sc_hash(a) * 31 ^ sc_hash(b);
}

void sc_uid(char out[37], const char *cluster, const char *kind, const char *ns,
	    const char *name)
{
	char key[512];
	snprintf(key, sizeof(key), "%s/%s/%s/%s", cluster, kind, ns ? ns : "", name);
	uint64_t a = sc_hash(key), b = sc_hash2(key, "uid");
	/* version 4 and variant bits so it looks like what the apiserver hands out */
	snprintf(out, 37, "%08x-%04x-4%03x-%04x-%012llx", (unsigned)(a >> 32),
		 (unsigned)(a >> 16) & 0xffff, (unsigned)a & 0xfff,
		 (unsigned)(0x8000 | ((b >> 48) & 0x3fff)),
		 (unsigned long long)(b & 0xffffffffffffULL));
}

void sc_time(const struct sc_gen *g, long seconds_ago, char out[21])
{
	time_t t = g->now - seconds_ago;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

long sc_age(const char *key, long min, long max)
{
	if (max <= min)
		return min;
	return min + (long)(sc_hash(key) % (uint64_t)(max - min + 1));
}

void sc_hash_name(const char *key, char *out, size_t n)
{
	/* the alphabet Kubernetes uses for generated names: no vowels, no look-alikes */
	static const char alphabet[] = "bcdfghjklmnpqrstvwxz2456789";
	uint64_t h = sc_hash(key);
	for (size_t i = 0; i < n; i++) {
		if (i % 12 == 11)
			h = sc_hash2(key, out);
		out[i] = alphabet[h % (sizeof(alphabet) - 1)];
		h /= sizeof(alphabet) - 1;
		out[i + 1] = '\0';
	}
	out[n] = '\0';
}

json_t *sc_metadata(const struct sc_gen *g, const char *cluster, const char *kind,
		    const char *ns, const char *name, long age)
{
	char uid[37], ts[21];
	sc_uid(uid, cluster, kind, ns, name);
	sc_time(g, age, ts);
	json_t *md = json_object();
	json_object_set_new(md, "name", json_string(name));
	if (ns)
		json_object_set_new(md, "namespace", json_string(ns));
	json_object_set_new(md, "uid", json_string(uid));
	json_object_set_new(md, "creationTimestamp", json_string(ts));
	json_object_set_new(md, "labels", json_object());
	return md;
}

json_t *sc_labels(const struct sc_model *m, size_t svc, size_t env)
{
	const struct sc_service *s = &m->services[svc];
	const char *tenant = m->tenants[s->tenant_idx].name;
	json_t *l = json_object();
	json_object_set_new(l, "app.kubernetes.io/name", json_string(s->name));
	json_object_set_new(l, "app.kubernetes.io/part-of", json_string(tenant));
	json_object_set_new(l, "platform.opsdeck.dev/tenant", json_string(tenant));
	json_object_set_new(l, "platform.opsdeck.dev/environment", json_string(m->envs[env].name));
	json_object_set_new(l, "platform.opsdeck.dev/service", json_string(s->name));
	return l;
}

json_t *sc_owner_ref(const char *api_version, const char *kind, const char *name,
		     const char *uid)
{
	return json_pack("[{s:s, s:s, s:s, s:s, s:b, s:b}]", "apiVersion", api_version, "kind",
			 kind, "name", name, "uid", uid, "controller", 1, "blockOwnerDeletion", 1);
}

void sc_add(struct sc_gen *g, size_t ci, json_t *obj)
{
	json_array_append_new(g->rest[ci], obj);
}

json_t *sc_base64(const char *s)
{
	static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t n = strlen(s), o = 0;
	char *out = xmalloc(4 * ((n + 2) / 3) + 1);
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned char)s[i] << 16;
		if (i + 1 < n)
			v |= (unsigned char)s[i + 1] << 8;
		if (i + 2 < n)
			v |= (unsigned char)s[i + 2];
		out[o++] = tbl[(v >> 18) & 63];
		out[o++] = tbl[(v >> 12) & 63];
		out[o++] = i + 1 < n ? tbl[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < n ? tbl[v & 63] : '=';
	}
	out[o] = '\0';
	json_t *j = json_string(out);
	free(out);
	return j;
}

char *sc_prev_version(const char *v)
{
	unsigned a = 0, b = 0, c = 0;
	if (sscanf(v, "%u.%u.%u", &a, &b, &c) != 3)
		return xasprintf("%s-prev", v);
	if (c > 0)
		c--;
	else if (b > 0) {
		b--;
		c = 9;
	} else if (a > 0) {
		a--;
		b = 9;
		c = 9;
	}
	return xasprintf("%u.%u.%u", a, b, c);
}

const struct sc_incident *sc_incident_for(const struct sc_model *m, size_t svc, size_t env)
{
	for (size_t i = 0; i < m->nincidents; i++)
		if (m->incidents[i].service_idx == svc && m->incidents[i].env_idx == env)
			return &m->incidents[i];
	return NULL;
}

const struct sc_drift *sc_drift_for(const struct sc_model *m, size_t svc, size_t env)
{
	for (size_t i = 0; i < m->ndrifts; i++)
		if (m->drifts[i].service_idx == svc && m->drifts[i].env_idx == env)
			return &m->drifts[i];
	return NULL;
}

char *sc_bad_images(const struct sc_model *m, size_t svc, size_t env)
{
	const struct sc_service *s = &m->services[svc];
	char *out = NULL;
	for (size_t i = 0; i < m->nbad_versions; i++) {
		if (m->bad_versions[i].service_idx != svc || !m->bad_versions[i].in_env[env])
			continue;
		char *next = xasprintf("%s%s%s/%s/%s:%s", out ? out : "", out ? "," : "", m->registry,
				       m->tenants[s->tenant_idx].name, s->name,
				       m->bad_versions[i].version);
		free(out);
		out = next;
	}
	return out;
}

char *sc_namespace_name(const struct sc_model *m, size_t svc, size_t env)
{
	return xasprintf("%s-%s", m->tenants[m->services[svc].tenant_idx].name, m->envs[env].name);
}

void sc_node_name(const struct sc_model *m, size_t ci, unsigned i, char out[64])
{
	snprintf(out, 64, "%s-node-%u", m->clusters[ci].name, i + 1);
}
