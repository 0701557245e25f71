/* Fuzzes the Kubernetes Table parser: the input is one JSON page appended twice to the
 * same table (the second as a later page or watch event), with condition columns. */
#include "tests/fuzz/fuzz.h"

#include "clients/kube_table.h"
#include "core/table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *doc = fuzz_json(data, size);
	if (!doc)
		return 0;
	char err[256];
	struct table *t = table_new();
	kube_table_append(t, doc, err, sizeof(err));
	kube_table_append(t, doc, err, sizeof(err));
	table_free(t);

	struct kube_table_cond cond = {.fixed = false, .cols = KUBE_COND_ALL};
	t = table_new();
	if (kube_table_append_cond(t, doc, &cond, err, sizeof(err)) == 0) {
		kube_table_append_cond(t, doc, &cond, err, sizeof(err));
		kube_table_drop_cond(t, cond.cols);
	}
	table_free(t);

	free(kube_table_condition(doc, "Ready"));
	free(kube_table_render_cell(doc));
	json_decref(doc);
	return 0;
}
