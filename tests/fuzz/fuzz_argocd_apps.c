/* Fuzzes the Argo CD Application parser: a list ({"items": [...]}) into the apps table,
 * and the same document as one Application row (what the stream gives). */
#include "tests/fuzz/fuzz.h"

#include "clients/argocd.h"
#include "clients/argocd_internal.h"
#include "core/table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *doc = fuzz_json(data, size);
	if (!doc)
		return 0;
	const long long now = 1767225600; /* 2026-01-01: fixed so runs repeat */
	table_free(argocd_apps_table(doc, now));
	table_free(argocd_app_row_table(doc, now));
	json_decref(doc);
	return 0;
}
