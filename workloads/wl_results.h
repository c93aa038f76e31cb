/*
 * wl_results.h - the result kinds of the workload builders, in one list
 * (workloads/wl_results.c), as Lua's linit.c lists its libraries.
 */
#ifndef NS_WL_RESULTS_H
#define NS_WL_RESULTS_H

#include "sim/taskgraph.h"

/*
 * Register every builder's result kind with w, in the list's order, so
 * that every output has their tables (empty when no builder recorded
 * anything) and every summary their numbers. Allocates nothing; a
 * workload made without it gets the kinds its builders register as they
 * run. A new workload that records results adds its kind to the list.
 */
void ns_wl_results_init(ns_workload *w);

#endif
