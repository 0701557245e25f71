/* Status words, ready ratios and restart counts classified for colouring, matching the
 * words kubectl, kube-apiserver's printers and Argo CD put in STATUS-like columns. */
#include "core/status.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

struct status_word {
	const char *word;
	enum status_class cls;
};

/* Exact, case-sensitive: "Error" is a pod status, "error" in a message is not. */
static const struct status_word status_words[] = {
	/* healthy */
	{"Running", STATUS_OK}, {"Ready", STATUS_OK}, {"Bound", STATUS_OK},
	{"Active", STATUS_OK}, {"Healthy", STATUS_OK}, {"Synced", STATUS_OK},
	{"True", STATUS_OK}, {"Available", STATUS_OK}, {"Established", STATUS_OK},
	{"Approved", STATUS_OK},
	/* done */
	{"Completed", STATUS_COMPLETED}, {"Succeeded", STATUS_COMPLETED},
	{"Complete", STATUS_COMPLETED},
	/* on the way */
	{"Pending", STATUS_PENDING}, {"ContainerCreating", STATUS_PENDING},
	{"PodInitializing", STATUS_PENDING}, {"Progressing", STATUS_PENDING},
	{"Unknown", STATUS_PENDING}, {"SchedulingGated", STATUS_PENDING},
	{"Init", STATUS_PENDING}, {"Waiting", STATUS_PENDING},
	{"Suspended", STATUS_PENDING}, {"Missing", STATUS_WARN},
	/* alive but not right */
	{"OutOfSync", STATUS_WARN}, {"Ready,SchedulingDisabled", STATUS_WARN},
	{"SchedulingDisabled", STATUS_WARN}, {"Released", STATUS_WARN},
	/* going away */
	{"Terminating", STATUS_TERMINATING},
	/* broken */
	{"CrashLoopBackOff", STATUS_ERROR}, {"Error", STATUS_ERROR},
	{"ImagePullBackOff", STATUS_ERROR}, {"ErrImagePull", STATUS_ERROR},
	{"ErrImageNeverPull", STATUS_ERROR}, {"InvalidImageName", STATUS_ERROR},
	{"OOMKilled", STATUS_ERROR}, {"Failed", STATUS_ERROR}, {"Evicted", STATUS_ERROR},
	{"NotReady", STATUS_ERROR}, {"NotReady,SchedulingDisabled", STATUS_ERROR},
	{"Lost", STATUS_ERROR}, {"Degraded", STATUS_ERROR}, {"False", STATUS_ERROR},
	{"CreateContainerConfigError", STATUS_ERROR}, {"CreateContainerError", STATUS_ERROR},
	{"RunContainerError", STATUS_ERROR}, {"ContainerStatusUnknown", STATUS_ERROR},
	{"NodeLost", STATUS_ERROR}, {"PreStartHookError", STATUS_ERROR},
	{"PostStartHookError", STATUS_ERROR}, {"DeadlineExceeded", STATUS_ERROR},
	{"BackoffLimitExceeded", STATUS_ERROR}, {"NodeAffinity", STATUS_ERROR},
	{"OutOfcpu", STATUS_ERROR}, {"OutOfmemory", STATUS_ERROR},
	{"UnexpectedAdmissionError", STATUS_ERROR}, {"Shutdown", STATUS_ERROR},
	{"StartError", STATUS_ERROR}, {"ContainerCannotRun", STATUS_ERROR},
	{"Denied", STATUS_ERROR},
};

/* "A/B" with decimal A and B; false for anything else. */
static bool parse_ratio(const char *s, long *a, long *b)
{
	char *end;
	if (!isdigit((unsigned char)s[0]))
		return false;
	*a = strtol(s, &end, 10);
	if (*end != '/' || !isdigit((unsigned char)end[1]))
		return false;
	*b = strtol(end + 1, &end, 10);
	return *end == '\0';
}

/* "Init:..." is kubectl's status while init containers run: a count means waiting, a
 * reason is the init container's, and an init failure is the pod's failure. */
static enum status_class classify_init(const char *rest)
{
	long a, b;
	if (parse_ratio(rest, &a, &b))
		return STATUS_PENDING;
	enum status_class c = status_classify(rest);
	if (c == STATUS_ERROR || c == STATUS_PENDING)
		return c;
	return c == STATUS_NONE ? STATUS_NONE : STATUS_PENDING;
}

enum status_class status_classify(const char *text)
{
	if (!text || !*text)
		return STATUS_NONE;
	for (size_t i = 0; i < sizeof(status_words) / sizeof(status_words[0]); i++)
		if (strcmp(text, status_words[i].word) == 0)
			return status_words[i].cls;
	if (strncmp(text, "Init:", 5) == 0 && text[5])
		return classify_init(text + 5);
	/* kubectl prints "Signal:9" / "ExitCode:1" for a container that died without a reason */
	if (strncmp(text, "Signal:", 7) == 0 || strncmp(text, "ExitCode:", 9) == 0)
		return STATUS_ERROR;
	return STATUS_NONE;
}

enum status_class status_classify_ready(const char *text)
{
	long a, b;
	if (!text || !parse_ratio(text, &a, &b))
		return STATUS_NONE;
	if (a < b)
		return STATUS_WARN;
	return b > 0 ? STATUS_OK : STATUS_NONE;
}

enum status_class status_classify_restarts(const char *text)
{
	if (!text || !isdigit((unsigned char)text[0]))
		return STATUS_NONE;
	char *end;
	long n = strtol(text, &end, 10);
	/* the rest may only be kubectl's " (5m ago)" */
	if (*end != '\0' && strncmp(end, " (", 2) != 0)
		return STATUS_NONE;
	return n > 0 ? STATUS_WARN : STATUS_NONE;
}
