/* The view registry (views/view.h) and the session's cluster matching (views/session.h):
 * what `:ctx`, `:ns` and `@all` resolve to. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "views/session.h"
#include "views/view.h"

static void test_registry_finds_commands_and_aliases(void **state)
{
	(void)state;
	size_t n;
	const struct view_entry *all = view_registry(&n);
	assert_true(n >= 3);
	assert_ptr_equal(view_registry_find("contexts")->ops, &contexts_view_ops);
	assert_ptr_equal(view_registry_find("ctx")->ops, &contexts_view_ops);
	assert_ptr_equal(view_registry_find("context")->ops, &contexts_view_ops);
	assert_ptr_equal(view_registry_find("ns")->ops, &namespaces_view_ops);
	assert_ptr_equal(view_registry_find("help")->ops, &help_view_ops);
	assert_null(view_registry_find("pods"));   /* resources are not views */
	assert_null(view_registry_find("c"));      /* no prefixes: completion does that */
	assert_null(view_registry_find("ctx2"));
	for (size_t i = 0; i < n; i++) {
		assert_non_null(all[i].ops->open);
		assert_non_null(all[i].ops->draw);
		assert_true(strlen(all[i].help) > 10);
	}
}

static struct kube_context ctx(const char *name, const char *server)
{
	struct kube_context k;
	memset(&k, 0, sizeof k);
	k.name = (char *)(uintptr_t)name;
	k.server = (char *)(uintptr_t)server;
	return k;
}

static void test_session_match(void **state)
{
	(void)state;
	struct kube_context contexts[] = {
		ctx("nonprod", "https://a"), ctx("nonprod-viewer", "https://a"),
		ctx("ops", "https://b"), ctx("prod", "https://c"), ctx("prod-viewer", "https://c"),
	};
	struct kubeconfig kcfg = {.contexts = contexts, .ncontexts = 5};
	struct session *s = session_new(NULL, NULL, NULL, &kcfg);
	struct session_cluster *out[8];

	/* all: every cluster once, the first context reaching it */
	assert_int_equal(session_match(s, "all", out, 8), 3);
	assert_string_equal(out[0]->ctx->name, "nonprod");
	assert_string_equal(out[1]->ctx->name, "ops");
	assert_string_equal(out[2]->ctx->name, "prod");

	/* globs and lists match context names, viewers included when named */
	assert_int_equal(session_match(s, "prod*", out, 8), 2);
	assert_string_equal(out[1]->ctx->name, "prod-viewer");
	assert_int_equal(session_match(s, "ops,prod", out, 8), 2);
	assert_int_equal(session_match(s, "nosuch", out, 8), 0);
	assert_int_equal(session_match(s, "*", out, 2), 2); /* capped */

	assert_non_null(session_find(s, "ops"));
	assert_null(session_find(s, "op"));
	assert_int_equal(session_count(s), 5);
	session_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registry_finds_commands_and_aliases),
		cmocka_unit_test(test_session_match),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
