/* Unit tests for core/status: status words, ready ratios and restart counts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/status.h"

struct word_case {
	const char *text;
	enum status_class cls;
};

static void check_words(const struct word_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (status_classify(cases[i].text) != cases[i].cls)
			fail_msg("status_classify(\"%s\") = %d, want %d", cases[i].text,
				 status_classify(cases[i].text), cases[i].cls);
	}
}

#define CHECK(cases) check_words(cases, sizeof(cases) / sizeof(cases[0]))

static void test_pod_statuses(void **state)
{
	(void)state;
	static const struct word_case cases[] = {
		{"Running", STATUS_OK}, {"Pending", STATUS_PENDING},
		{"ContainerCreating", STATUS_PENDING}, {"PodInitializing", STATUS_PENDING},
		{"Completed", STATUS_COMPLETED}, {"Succeeded", STATUS_COMPLETED},
		{"Terminating", STATUS_TERMINATING}, {"CrashLoopBackOff", STATUS_ERROR},
		{"Error", STATUS_ERROR}, {"ImagePullBackOff", STATUS_ERROR},
		{"ErrImagePull", STATUS_ERROR}, {"OOMKilled", STATUS_ERROR},
		{"Failed", STATUS_ERROR}, {"Evicted", STATUS_ERROR},
		{"CreateContainerConfigError", STATUS_ERROR},
		{"ContainerStatusUnknown", STATUS_ERROR}, {"NodeLost", STATUS_ERROR},
		{"SchedulingGated", STATUS_PENDING}, {"Unknown", STATUS_PENDING},
		{"Signal:9", STATUS_ERROR}, {"ExitCode:137", STATUS_ERROR},
	};
	CHECK(cases);
}

static void test_init_statuses(void **state)
{
	(void)state;
	static const struct word_case cases[] = {
		{"Init:0/1", STATUS_PENDING}, {"Init:1/2", STATUS_PENDING},
		{"Init:Error", STATUS_ERROR}, {"Init:CrashLoopBackOff", STATUS_ERROR},
		{"Init:ImagePullBackOff", STATUS_ERROR}, {"Init:", STATUS_NONE},
		{"Init:whatever", STATUS_NONE},
	};
	CHECK(cases);
}

static void test_node_pvc_namespace(void **state)
{
	(void)state;
	static const struct word_case cases[] = {
		{"Ready", STATUS_OK}, {"NotReady", STATUS_ERROR},
		{"NotReady,SchedulingDisabled", STATUS_ERROR},
		{"Ready,SchedulingDisabled", STATUS_WARN},
		{"Bound", STATUS_OK}, {"Lost", STATUS_ERROR},
		{"Active", STATUS_OK},
	};
	CHECK(cases);
}

static void test_argocd_and_conditions(void **state)
{
	(void)state;
	static const struct word_case cases[] = {
		{"Synced", STATUS_OK}, {"OutOfSync", STATUS_WARN}, {"Healthy", STATUS_OK},
		{"Progressing", STATUS_PENDING}, {"Degraded", STATUS_ERROR},
		{"Suspended", STATUS_PENDING}, {"Missing", STATUS_WARN},
		{"True", STATUS_OK}, {"False", STATUS_ERROR},
	};
	CHECK(cases);
}

static void test_unknown_and_case(void **state)
{
	(void)state;
	static const struct word_case cases[] = {
		{"running", STATUS_NONE}, {"RUNNING", STATUS_NONE}, {"error", STATUS_NONE},
		{"true", STATUS_NONE}, {"", STATUS_NONE}, {"Running ", STATUS_NONE},
		{"web-7d4b9", STATUS_NONE}, {"1/2", STATUS_NONE},
	};
	CHECK(cases);
	assert_int_equal(status_classify(NULL), STATUS_NONE);
}

static void test_ready_ratio(void **state)
{
	(void)state;
	assert_int_equal(status_classify_ready("1/1"), STATUS_OK);
	assert_int_equal(status_classify_ready("3/3"), STATUS_OK);
	assert_int_equal(status_classify_ready("1/2"), STATUS_WARN);
	assert_int_equal(status_classify_ready("0/3"), STATUS_WARN);
	assert_int_equal(status_classify_ready("0/0"), STATUS_NONE);
	assert_int_equal(status_classify_ready("10/12"), STATUS_WARN);
	assert_int_equal(status_classify_ready("a/b"), STATUS_NONE);
	assert_int_equal(status_classify_ready("1/"), STATUS_NONE);
	assert_int_equal(status_classify_ready("1/2x"), STATUS_NONE);
	assert_int_equal(status_classify_ready("Running"), STATUS_NONE);
	assert_int_equal(status_classify_ready(""), STATUS_NONE);
	assert_int_equal(status_classify_ready(NULL), STATUS_NONE);
}

static void test_restarts(void **state)
{
	(void)state;
	assert_int_equal(status_classify_restarts("0"), STATUS_NONE);
	assert_int_equal(status_classify_restarts("3"), STATUS_WARN);
	assert_int_equal(status_classify_restarts("3 (5m ago)"), STATUS_WARN);
	assert_int_equal(status_classify_restarts("12 (2d3h ago)"), STATUS_WARN);
	assert_int_equal(status_classify_restarts("0 (5m ago)"), STATUS_NONE);
	assert_int_equal(status_classify_restarts("abc"), STATUS_NONE);
	assert_int_equal(status_classify_restarts("3x"), STATUS_NONE);
	assert_int_equal(status_classify_restarts("-1"), STATUS_NONE);
	assert_int_equal(status_classify_restarts(""), STATUS_NONE);
	assert_int_equal(status_classify_restarts(NULL), STATUS_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pod_statuses),
		cmocka_unit_test(test_init_statuses),
		cmocka_unit_test(test_node_pvc_namespace),
		cmocka_unit_test(test_argocd_and_conditions),
		cmocka_unit_test(test_unknown_and_case),
		cmocka_unit_test(test_ready_ratio),
		cmocka_unit_test(test_restarts),
	};
	return cmocka_run_group_tests_name("status", tests, NULL, NULL);
}
