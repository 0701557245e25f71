/* The sandbox's controllers: a thread that, every tick and under the store lock, moves
 * Deployments, ReplicaSets, StatefulSets and Pods toward what their specs ask for. */
#ifndef OPSDECK_SANDBOX_CONTROLLER_H
#define OPSDECK_SANDBOX_CONTROLLER_H

#include "sandbox/objstore.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

struct controller {
	struct objstore *store;
	pthread_t thread;
	pthread_cond_t wake;      /* signalled by controller_stop */
	uint64_t *seen_rv;        /* per cluster: resourceVersion after the last tick */
	bool *waiting;            /* per cluster: the last tick left timed work */
	bool running;
	unsigned tick_ms;
};

/* One pass over every cluster; lock held. Exposed for tests. */
void controller_tick(struct objstore *st);
/* One pass over one cluster; returns true when timed work remains (lock held). */
bool controller_tick_cluster(struct objstore *st, struct objstore_cluster *cl);
/* Starts the ticking thread; returns 0 or -1. */
int controller_start(struct controller *c, struct objstore *st, unsigned tick_ms);
/* Stops and joins it (the store's stopping flag or this call ends it). */
void controller_stop(struct controller *c);

#endif
