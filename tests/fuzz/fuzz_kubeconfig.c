/* Fuzzes the kubeconfig file loader. It reads a path, so the input goes to a memfd and
 * the loader opens it through /proc/self/fd (relative paths resolve to /proc/self/fd). */
#define _GNU_SOURCE
#include "tests/fuzz/fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "clients/kubeconfig_file.h"

static int input_fd = -1;
static char input_path[64];

/* The memfd is made once and rewritten for each input: a file per run would cost a
 * syscall storm and litter /tmp if the fuzzer is killed. */
static const char *input_write(const uint8_t *data, size_t size)
{
	if (input_fd < 0) {
		input_fd = memfd_create("kubeconfig", 0);
		if (input_fd < 0)
			abort();
		snprintf(input_path, sizeof(input_path), "/proc/self/fd/%d", input_fd);
	}
	if (ftruncate(input_fd, 0) < 0 || pwrite(input_fd, data, size, 0) != (ssize_t)size)
		abort();
	return input_path;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = input_write(data, size);
	struct kc_file f;
	int errno_out = 0;
	char err[512];
	if (kc_file_load(path, &f, &errno_out, err, sizeof(err)) == 0) {
		for (size_t i = 0; i < f.nusers; i++) {
			struct kube_exec_config *e = kc_exec_dup(f.users[i].exec);
			kc_exec_free(e);
		}
	}
	kc_file_clear(&f);
	return 0;
}
