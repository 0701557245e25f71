/* core/board: apps pivoted to services x environments, states and drift. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/board.h"

static struct table *apps_table(void)
{
	struct table *t = table_new();
	const char *cols[] = {"Name", "Project", "Cluster", "Environment", "Sync", "Health",
			      "Operation", "Revision", "Images", "Deployed"};
	for (size_t i = 0; i < 10; i++)
		table_add_column(t, cols[i], "string", "", 0);
	return t;
}

static void add_app(struct table *t, const char *name, const char *env, const char *sync,
		    const char *health, const char *op, const char *images)
{
	struct table_row *r = table_add_row(t);
	const char *cells[] = {name, "shop", "prod", env, sync, health, op, "abc", images, "2d"};
	for (size_t i = 0; i < 10; i++)
		table_set_cell(r, i, cells[i]);
	table_set_identity(r, "argocd", name, name);
}

static void test_pivot_states_and_order(void **state)
{
	(void)state;
	struct table *t = apps_table();
	add_app(t, "cart-prd", "prd", "Synced", "Healthy", "Succeeded", "reg/shop/cart:1.0");
	add_app(t, "cart-dev", "dev", "Synced", "Healthy", "", "reg/shop/sidecar:9, reg/shop/cart:1.2");
	add_app(t, "cart-qa", "qa", "OutOfSync", "Healthy", "", "reg/shop/cart:1.1");
	add_app(t, "web-uat", "uat", "Synced", "Degraded", "", "reg/shop/web:2.0");
	add_app(t, "web-dev", "dev", "Synced", "Progressing", "Running", "reg/shop/web:2.1");
	struct board *b = board_build(t, NULL, 0);
	/* promotion order first, the unknown (qa) after them */
	assert_int_equal(b->nenvs, 4);
	assert_string_equal(b->envs[0], "dev");
	assert_string_equal(b->envs[1], "uat");
	assert_string_equal(b->envs[2], "prd");
	assert_string_equal(b->envs[3], "qa");
	assert_int_equal(b->nrows, 2);
	const struct board_row *cart = board_find(b, "cart");
	assert_non_null(cart);
	assert_string_equal(cart->cells[0].version, "1.2");   /* the cart image, not the sidecar */
	assert_int_equal(cart->cells[0].state, BOARD_OK);
	assert_null(cart->cells[1].app);                      /* no cart in uat */
	assert_int_equal(cart->cells[3].state, BOARD_OUT_OF_SYNC);
	const struct board_row *web = board_find(b, "web");
	assert_int_equal(web->cells[0].state, BOARD_PROGRESSING);
	assert_int_equal(web->cells[1].state, BOARD_DEGRADED);
	struct board_marks m = {"+", "~", "*", "x", "!"};
	struct table *bt = board_table(b, &m);
	assert_int_equal(bt->ncols, 6);
	assert_string_equal(bt->cols[2].name, "dev");
	assert_string_equal(bt->rows[0].cells[0], "cart");
	assert_string_equal(bt->rows[0].cells[2], "1.2 + 2d");
	assert_string_equal(bt->rows[0].cells[3], "");
	assert_string_equal(bt->rows[0].uid, "cart");
	table_free(bt);
	board_free(b);
	table_free(t);
}

static void test_drift(void **state)
{
	(void)state;
	struct table *t = apps_table();
	/* prd runs 1.10 that neither dev (1.9) nor uat (1.8) runs, and newer: drift */
	add_app(t, "api-dev", "dev", "Synced", "Healthy", "", "r/api:1.9");
	add_app(t, "api-uat", "uat", "Synced", "Healthy", "", "r/api:1.8");
	add_app(t, "api-prd", "prd", "Synced", "Healthy", "", "r/api:1.10");
	/* an older version later on is the normal state of a pipeline: no drift */
	add_app(t, "ui-dev", "dev", "Synced", "Healthy", "", "r/ui:3.1");
	add_app(t, "ui-prd", "prd", "Synced", "Healthy", "", "r/ui:3.0");
	struct board *b = board_build(t, NULL, 0);
	assert_true(board_find(b, "api")->cells[2].drift);
	assert_false(board_find(b, "api")->cells[1].drift);
	assert_false(board_find(b, "ui")->cells[2].drift);
	struct board_marks m = {"+", "~", "*", "x", "!"};
	struct table *bt = board_table(b, &m);
	assert_string_equal(bt->rows[0].cells[4], "1.10 +! 2d");
	table_free(bt);
	board_free(b);
	table_free(t);
	/* an explicit order wins; an empty table gives an empty board */
	const char *order[] = {"prd", "dev"};
	t = apps_table();
	add_app(t, "x-dev", "dev", "Synced", "Healthy", "", "r/x:1");
	add_app(t, "x-prd", "prd", "Synced", "Healthy", "", "r/x:1");
	b = board_build(t, order, 2);
	assert_string_equal(b->envs[0], "prd");
	board_free(b);
	table_free(t);
	b = board_build(NULL, NULL, 0);
	assert_int_equal(b->nrows, 0);
	board_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pivot_states_and_order),
		cmocka_unit_test(test_drift),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
