/* Unit tests for core/actions: read-only refusal (global and per context), yes/no and
 * typed confirmation, the dialog and flash sentences, and the audit hook's calls. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/actions.h"
#include "core/config.h"

static struct config *sample_config(void)
{
	static const char text[] =
		"contexts:\n"
		"  - name: \"prod*\"\n"
		"    protected: true\n"
		"  - name: audit\n"
		"    readonly: true\n";
	char err[200];
	struct config *c = config_parse("config.yaml", text, strlen(text), err, sizeof(err));
	assert_non_null(c);
	return c;
}

static struct action restart_on(const char *context)
{
	struct action a = { .kind = ACTION_RESTART };
	a.target.context = context;
	a.target.namespace = "payments-prd";
	a.target.kind = "Deployment";
	a.target.name = "payments-api";
	return a;
}

static void test_verdicts(void **state)
{
	(void)state;
	struct config *cfg = sample_config();
	struct action_gate g;
	char why[200];
	action_gate_init(&g, cfg, false);
	struct action a = restart_on("dev");
	assert_int_equal(action_gate_check(&g, &a, why, sizeof(why)), ACTION_CONFIRM);
	a = restart_on("prod-eu");
	assert_int_equal(action_gate_check(&g, &a, why, sizeof(why)), ACTION_CONFIRM_TYPED);
	a = restart_on("audit");
	assert_int_equal(action_gate_check(&g, &a, why, sizeof(why)), ACTION_REFUSED);
	assert_string_equal(why, "context audit is read-only (config.yaml)");
	assert_false(action_gate_allows(&g, "audit"));
	assert_true(action_gate_allows(&g, "prod-eu"));
	/* Global --readonly refuses everything, protected or not. */
	action_gate_init(&g, cfg, true);
	a = restart_on("dev");
	assert_int_equal(action_gate_check(&g, &a, why, sizeof(why)), ACTION_REFUSED);
	assert_string_equal(why, "read-only mode (--readonly)");
	a = restart_on("prod-eu");
	assert_int_equal(action_gate_check(&g, &a, why, sizeof(why)), ACTION_REFUSED);
	assert_false(action_gate_allows(&g, "dev"));
	/* No config: confirm normally. */
	action_gate_init(&g, NULL, false);
	assert_int_equal(action_gate_check(&g, &a, NULL, 0), ACTION_CONFIRM);
	config_free(cfg);
}

static void test_malformed_actions_refused(void **state)
{
	(void)state;
	struct action_gate g;
	char why[200];
	action_gate_init(&g, NULL, false);
	struct action a = restart_on("dev");
	a.target.name = "";
	assert_int_equal(action_gate_check(&g, &a, why, sizeof(why)), ACTION_REFUSED);
	a = restart_on("dev");
	a.kind = ACTION_SCALE;
	a.replicas = -1;
	assert_int_equal(action_gate_check(&g, &a, why, sizeof(why)), ACTION_REFUSED);
	assert_string_equal(why, "replicas must be 0 or more");
	a.replicas = 0;
	assert_int_equal(action_gate_check(&g, &a, why, sizeof(why)), ACTION_CONFIRM);
}

static void test_confirmation_checker(void **state)
{
	(void)state;
	struct action a = restart_on("prod");
	assert_true(action_confirmation_ok(ACTION_CONFIRM, &a, "y"));
	assert_true(action_confirmation_ok(ACTION_CONFIRM, &a, "YES"));
	assert_false(action_confirmation_ok(ACTION_CONFIRM, &a, "n"));
	assert_false(action_confirmation_ok(ACTION_CONFIRM, &a, ""));
	assert_false(action_confirmation_ok(ACTION_CONFIRM, &a, NULL));
	assert_true(action_confirmation_ok(ACTION_CONFIRM_TYPED, &a, "payments-api"));
	assert_false(action_confirmation_ok(ACTION_CONFIRM_TYPED, &a, "y"));
	assert_false(action_confirmation_ok(ACTION_CONFIRM_TYPED, &a, "Payments-api"));
	assert_false(action_confirmation_ok(ACTION_CONFIRM_TYPED, &a, "payments-api "));
	assert_false(action_confirmation_ok(ACTION_CONFIRM_TYPED, &a, "payments-ap"));
	assert_false(action_confirmation_ok(ACTION_REFUSED, &a, "payments-api"));
}

static void assert_sentence(char *got, const char *want)
{
	assert_string_equal(got, want);
	free(got);
}

static void test_sentences(void **state)
{
	(void)state;
	struct action a = restart_on("prod-ctx");
	a.target.cluster = "prod";
	assert_sentence(action_describe_question(&a),
			"Restart deployment payments-api in payments-prd on prod?");
	assert_sentence(action_describe_typed_hint(&a),
			"prod is protected: type payments-api to confirm");
	assert_sentence(action_describe_result(&a, true, NULL),
			"Restarted deployment payments-api in payments-prd on prod");
	assert_sentence(action_describe_result(&a, false, "deployments.apps is forbidden"),
			"Could not restart deployment payments-api in payments-prd on prod: "
			"deployments.apps is forbidden");
	a.kind = ACTION_SCALE;
	a.replicas = 3;
	assert_sentence(action_describe_question(&a),
			"Scale deployment payments-api in payments-prd on prod to 3 replicas?");
	a.replicas = 1;
	assert_sentence(action_describe_result(&a, true, NULL),
			"Scaled deployment payments-api in payments-prd on prod to 1 replica");
	a.kind = ACTION_ROLLOUT_UNDO;
	assert_sentence(action_describe_question(&a),
			"Roll back deployment payments-api in payments-prd on prod to its "
			"previous revision?");
	assert_sentence(action_describe_result(&a, false, NULL),
			"Could not roll back deployment payments-api in payments-prd on prod to "
			"its previous revision");
	/* Cluster-scoped, cluster unnamed: the context is named instead. */
	struct action d = { .kind = ACTION_DELETE };
	d.target.context = "kind-dev";
	d.target.kind = "Namespace";
	d.target.name = "scratch";
	assert_sentence(action_describe_question(&d), "Delete namespace scratch on kind-dev?");
	assert_sentence(action_describe_result(&d, true, NULL), "Deleted namespace scratch on kind-dev");
	assert_string_equal(action_kind_verb(ACTION_SYNC), "Sync");
	assert_string_equal(action_kind_name(ACTION_ROLLOUT_UNDO), "rollout-undo");
	assert_string_equal(action_kind_name(ACTION_HARD_REFRESH), "hard-refresh");
	assert_string_equal(action_kind_name(ACTION_KIND_COUNT), "unknown");
	/* Argo CD: the typed options and the history entry read as part of the sentence */
	struct action s = { .kind = ACTION_SYNC, .detail = "--prune --dry-run" };
	s.target.context = "ops";
	s.target.kind = "Application";
	s.target.name = "cart-prd";
	s.target.namespace = "argocd";
	assert_sentence(action_describe_question(&s),
			"Sync application cart-prd in argocd on ops with --prune --dry-run?");
	s.kind = ACTION_ROLLBACK;
	s.detail = "14";
	assert_sentence(action_describe_result(&s, true, NULL),
			"Rolled back application cart-prd in argocd on ops to history entry 14");
	s.kind = ACTION_TERMINATE;
	s.detail = NULL;
	assert_sentence(action_describe_question(&s),
			"Terminate the operation of application cart-prd in argocd on ops?");
	/* the target's own protection: typed, or refused, whatever config.yaml says */
	struct action_gate g;
	action_gate_init(&g, NULL, false);
	char why[128];
	s.kind = ACTION_PROMOTE;
	assert_int_equal(action_gate_check(&g, &s, why, sizeof why), ACTION_CONFIRM);
	s.typed = true;
	assert_int_equal(action_gate_check(&g, &s, why, sizeof why), ACTION_CONFIRM_TYPED);
	s.refused = "prd is frozen until Mon 08:00 UTC";
	assert_int_equal(action_gate_check(&g, &s, why, sizeof why), ACTION_REFUSED);
	assert_string_equal(why, "prd is frozen until Mon 08:00 UTC");
}

struct audit_log {
	int intents, results;
	bool last_ok;
	char last_error[100];
	const struct action *last;
};

static void audit_record(void *ud, enum action_audit_stage stage, const struct action *a,
			 bool ok, const char *error)
{
	struct audit_log *log = ud;
	log->last = a;
	if (stage == ACTION_AUDIT_INTENT) {
		log->intents++;
		return;
	}
	log->results++;
	log->last_ok = ok;
	snprintf(log->last_error, sizeof(log->last_error), "%s", error ? error : "");
}

static void test_begin_finish_and_audit_hook(void **state)
{
	(void)state;
	struct config *cfg = sample_config();
	struct action_gate g;
	struct audit_log log = { 0 };
	char why[200];
	action_gate_init(&g, cfg, false);
	assert_null(g.audit);   /* nothing recorded until the audit log sets the hook */
	struct action a = restart_on("dev");
	assert_true(action_gate_begin(&g, &a, why, sizeof(why)));
	free(action_gate_finish(&g, &a, true, NULL));
	g.audit = audit_record;
	g.audit_ud = &log;
	assert_true(action_gate_begin(&g, &a, why, sizeof(why)));
	assert_int_equal(log.intents, 1);
	assert_int_equal(log.results, 0);
	assert_ptr_equal(log.last, &a);
	char *flash = action_gate_finish(&g, &a, false, "timeout");
	assert_string_equal(flash, "Could not restart deployment payments-api in payments-prd "
				   "on dev: timeout");
	free(flash);
	assert_int_equal(log.results, 1);
	assert_false(log.last_ok);
	assert_string_equal(log.last_error, "timeout");
	/* Refused at begin (read-only switched on meanwhile): no intent recorded. */
	g.readonly = true;
	assert_false(action_gate_begin(&g, &a, why, sizeof(why)));
	assert_string_equal(why, "read-only mode (--readonly)");
	assert_int_equal(log.intents, 1);
	g.readonly = false;
	struct action ro = restart_on("audit");
	assert_false(action_gate_begin(&g, &ro, why, sizeof(why)));
	assert_int_equal(log.intents, 1);
	config_free(cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verdicts),
		cmocka_unit_test(test_malformed_actions_refused),
		cmocka_unit_test(test_confirmation_checker),
		cmocka_unit_test(test_sentences),
		cmocka_unit_test(test_begin_finish_and_audit_hook),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
