/* The app view's text (views/app_text.h) and the sync options the console and
 * `opsdeck sync` accept (views/app_actions.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <jansson.h>

#include "tui/glyphs.h"
#include "views/app_actions.h"
#include "views/app_text.h"

static json_t *parse(const char *text)
{
	json_error_t e;
	json_t *v = json_loads(text, 0, &e);
	if (!v)
		fail_msg("bad test JSON: %s", e.text);
	return v;
}

static void assert_has(const char *text, const char *part)
{
	if (!strstr(text, part))
		fail_msg("\"%s\" not in:\n%s", part, text);
}

static const char app_json[] =
	"{\"metadata\":{\"name\":\"cart-prd\",\"namespace\":\"argocd\"},"
	"\"spec\":{\"project\":\"storefront\",\"destination\":{\"name\":\"prod\",\"namespace\":\"storefront-prd\"},"
	"\"source\":{\"repoURL\":\"https://git/x.git\",\"path\":\"envs/prd/cart\",\"targetRevision\":\"main\"},"
	"\"syncPolicy\":{\"automated\":{\"prune\":true}}},"
	"\"status\":{\"sync\":{\"status\":\"OutOfSync\",\"revision\":\"0123456789abcdef\"},"
	"\"health\":{\"status\":\"Degraded\"},"
	"\"operationState\":{\"phase\":\"Running\",\"startedAt\":\"2026-01-01T00:00:00Z\","
	"\"message\":\"waiting for healthy \\u001b[31mstate\",\"operation\":{\"sync\":{\"revision\":\"fedcba9876\"}}},"
	"\"summary\":{\"images\":[\"reg/cart:1.2\",\"reg/sidecar:3\"]},"
	"\"history\":[{\"id\":7,\"revision\":\"aaaaaaa111\",\"deployedAt\":\"2025-12-30T10:00:00Z\"},"
	"{\"id\":8,\"revision\":\"bbbbbbb222\",\"deployedAt\":\"2025-12-31T11:30:00Z\"}]}}";

static void test_summary(void **state)
{
	(void)state;
	json_t *app = parse(app_json);
	struct strbuf sb = STRBUF_INIT;
	app_text_summary(&sb, app, 1767225660); /* 2026-01-01T00:01:00Z */
	const char *t = strbuf_str(&sb);
	assert_has(t, "Application:      cart-prd\n");
	assert_has(t, "Destination:      prod\n");
	assert_has(t, "Source:           https://git/x.git  envs/prd/cart @ main\n");
	assert_has(t, "Sync:             OutOfSync  (revision 0123456)\n");
	assert_has(t, "Health:           Degraded\n");
	assert_has(t, "Auto-sync:        on, prune\n");
	assert_has(t, "Operation:        Running, sync to fedcba9, started 60s ago\n");
	assert_has(t, "Images:           reg/cart:1.2\n                  reg/sidecar:3\n");
	assert_null(strchr(t, '\033'));  /* the server's escape sequence is made visible */
	strbuf_free(&sb);
	json_decref(app);
}

static void test_history_and_previous_id(void **state)
{
	(void)state;
	json_t *app = parse(app_json);
	json_t *meta = parse("{\"bbbbbbb222\":{\"author\":\"ci-bot\",\"message\":\"cart: bump to 1.2\\n\\nlong body\"}}");
	struct strbuf sb = STRBUF_INIT;
	app_text_history(&sb, app, meta);
	const char *t = strbuf_str(&sb);
	/* newest first, with the commit's first line */
	const char *eight = strstr(t, "  8  "), *seven = strstr(t, "  7  ");
	assert_non_null(eight);
	assert_non_null(seven);
	assert_true(eight < seven);
	assert_has(t, "  8   bbbbbbb   2025-12-31 11:30  ci-bot  cart: bump to 1.2\n");
	assert_null(strstr(t, "long body"));
	assert_int_equal(app_text_previous_history_id(app), 7);
	json_t *one = parse("{\"status\":{\"history\":[{\"id\":3}]}}");
	assert_int_equal(app_text_previous_history_id(one), 0);
	assert_int_equal(app_text_previous_history_id(NULL), 0);
	strbuf_free(&sb);
	json_decref(one);
	json_decref(meta);
	json_decref(app);
}

static void test_tree_nests_children(void **state)
{
	(void)state;
	glyphs_use_utf8(false);
	json_t *tree = parse("{\"nodes\":["
		"{\"kind\":\"Pod\",\"name\":\"cart-7d-x\",\"uid\":\"p1\",\"parentRefs\":[{\"kind\":\"ReplicaSet\",\"name\":\"cart-7d\",\"uid\":\"r1\"}],\"health\":{\"status\":\"Degraded\",\"message\":\"CrashLoopBackOff\"}},"
		"{\"kind\":\"Deployment\",\"name\":\"cart\",\"uid\":\"d1\",\"health\":{\"status\":\"Degraded\"}},"
		"{\"kind\":\"ReplicaSet\",\"name\":\"cart-7d\",\"uid\":\"r1\",\"parentRefs\":[{\"kind\":\"Deployment\",\"name\":\"cart\",\"uid\":\"d1\"}]},"
		"{\"kind\":\"Service\",\"name\":\"cart\",\"uid\":\"s1\",\"health\":{\"status\":\"Healthy\"}}]}");
	struct strbuf sb = STRBUF_INIT;
	app_text_tree(&sb, tree);
	assert_string_equal(strbuf_str(&sb),
			    "Resources:\n"
			    "  Deployment/cart  Degraded\n"
			    "  `- ReplicaSet/cart-7d\n"
			    "     `- Pod/cart-7d-x  Degraded  CrashLoopBackOff\n"
			    "  Service/cart  Healthy\n");
	strbuf_reset(&sb);
	app_text_tree(&sb, NULL);
	assert_has(strbuf_str(&sb), "loading");
	strbuf_free(&sb);
	json_decref(tree);
}

static void test_sync_options(void **state)
{
	(void)state;
	struct argocd_sync_options o;
	char err[256];
	char *buf = app_sync_options_parse(" --prune --revision abc --resource apps:Deployment:web "
					   "--dry-run --resource :Service:web", &o, err, sizeof err);
	assert_non_null(buf);
	assert_true(o.prune);
	assert_true(o.dry_run);
	assert_string_equal(o.revision, "abc");
	assert_int_equal(o.nresources, 2);
	assert_string_equal(o.resources[1], ":Service:web");
	free((void *)o.resources);
	free(buf);
	buf = app_sync_options_parse("", &o, err, sizeof err);
	assert_non_null(buf);
	assert_false(o.prune);
	assert_null(o.revision);
	free(buf);
	assert_null(app_sync_options_parse("--force", &o, err, sizeof err));
	assert_non_null(strstr(err, "unknown sync option \"--force\""));
	assert_null(app_sync_options_parse("--revision", &o, err, sizeof err));
	assert_string_equal(err, "--revision needs a value");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_summary),
		cmocka_unit_test(test_history_and_previous_id),
		cmocka_unit_test(test_tree_nests_children),
		cmocka_unit_test(test_sync_options),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
