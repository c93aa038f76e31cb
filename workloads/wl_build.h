/*
 * wl_build.h - helpers shared by the workload builders of workloads/ (not a
 * public header): undo a failed builder call, so that a builder that fails
 * leaves its workload as it found it, and split a byte count exactly.
 */
#ifndef NS_WL_BUILD_H
#define NS_WL_BUILD_H

#include <stddef.h>
#include <stdint.h>
#include "sim/taskgraph.h"

/* the sizes of a workload's arrays before a builder call */
typedef struct ns_wl_mark {
    size_t          nops, ndeps, ncolls, ncoll_hosts;
    uint32_t        max_host;
    ns_results_mark results;     /* records of the result tables, and their sets' state */
} ns_wl_mark;

static inline ns_wl_mark
ns_wl_mark_take(const ns_workload *w)
{
    ns_wl_mark m = { w->nops, w->ndeps, w->ncolls, w->ncoll_hosts, w->max_host, {0} };
    ns_results_mark_take(&w->results, &m.results);
    return m;
}

/* drop everything added since mark m (interned labels stay: they are harmless) */
static inline void
ns_wl_rollback(ns_workload *w, const ns_wl_mark *m)
{
    w->nops = m->nops;
    ns_op_runs_truncate(&w->runs, (uint32_t)m->nops);
    w->ndeps = m->ndeps;
    w->ncolls = m->ncolls;
    w->ncoll_hosts = m->ncoll_hosts;
    w->max_host = m->max_host;
    ns_results_rollback(&w->results, &m->results);
}

/* part k of `total` cut into n near-equal parts: the first total % n parts
 * get one byte more, so the parts add up to total exactly */
static inline uint64_t
ns_split(uint64_t total, uint64_t n, uint64_t k)
{
    return total / n + (k < total % n);
}

#endif
