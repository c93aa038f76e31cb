/*
 * estimate.c - the memory of a run, estimated before it starts (see estimate.h).
 */
#include <config.h>
#include "estimate.h"

#include <stdio.h>
#include <string.h>
#include "alloc.h"
#include "fabric.h"
#include "net.h"
#include "sim/output/h5mem.h"
#include "sim.h"
#include "taskgraph.h"
#include "units.h"

/* what the driver allocates per op, dependency and transfer when it runs */
static uint64_t
driver_bytes(uint64_t nops, uint64_t ndeps, uint64_t ntransfers)
{
    uint64_t b = 0;
    /* op_start, op_finish, op_waiting, succ_start, which ops are transfers
     * (16 bytes for 64 ops: 1 byte here), plus what the checks hold while
     * the run is made: a topological order and finish times (ns_check_ranges) */
    b = ns_mem_mad(b, nops, 3 * sizeof(ns_time) + 3 * sizeof(uint32_t) + 1);
    /* the driver's successors (the checks use them too) */
    b = ns_mem_mad(b, ndeps, sizeof(uint32_t));
    /* the /transfers record, the summary's completion times */
    b = ns_mem_mad(b, ntransfers, sizeof(ns_xfer) + sizeof(ns_time));
    return b;
}

uint64_t
ns_mem_ops(uint64_t nops, uint64_t ndeps, uint64_t ntransfers)
{
    /* the ops and dependencies themselves (dep_op, dep_on), and the driver's */
    uint64_t b = ns_mem_mad(ns_mem_mad(0, nops, sizeof(ns_op)), ndeps, 2 * sizeof(uint32_t));
    return ns_mem_add(b, driver_bytes(nops, ndeps, ntransfers));
}

uint64_t
ns_mem_workload(const ns_workload *wl, size_t nhosts)
{
    size_t nx = 0;
    for (size_t i = 0; i < wl->nops; i++)
        nx += wl->ops[i].kind == NS_OP_TRANSFER;
    /* the arrays as allocated (their capacity), the driver's as used (a
     * sealed workload has no pairs, deps_cap 0: its successor lists are the
     * driver's, counted there) */
    uint64_t b = ns_mem_mad(ns_mem_mad(0, wl->ops_cap, sizeof(ns_op)), wl->deps_cap, 2 * sizeof(uint32_t));
    b = ns_mem_add(b, driver_bytes(wl->nops, wl->ndeps, nx));
    b = ns_mem_mad(b, wl->runs.cap, sizeof(ns_op_run));          /* the ops' lines and parents */
    b = ns_mem_mad(b, wl->labels_cap, sizeof(char *) + 24);     /* interned labels, about 24 bytes each */
    b = ns_mem_mad(b, wl->label_hash_cap, sizeof(uint32_t));
    b = ns_mem_mad(b, wl->colls_cap, sizeof(ns_coll));
    b = ns_mem_mad(b, wl->coll_hosts_cap, sizeof(uint32_t));
    b = ns_mem_add(b, ns_results_bytes(&wl->results));         /* the builders' records */
    b = ns_mem_mad(b, nhosts, sizeof(ns_cpu));
    return b;
}

/* transfers in the widest level of the task graph (level = ops on the
 * longest chain before it): the transfers that may run at once */
static uint64_t
widest_level(const ns_workload *wl)
{
    size_t n = wl->nops;
    uint64_t nx = 0;
    for (size_t i = 0; i < n; i++)
        nx += wl->ops[i].kind == NS_OP_TRANSFER;
    if (n == 0 || wl->ndeps == 0)
        return nx;
    int sealed = ns_wl_sealed(wl);   /* its lists, borrowed */
    uint32_t *order = ns_alloc(n * sizeof *order);
    uint32_t *start = sealed ? wl->succ_start : ns_calloc(n + 1, sizeof *start);
    uint32_t *succ = sealed ? wl->succ : ns_alloc(wl->ndeps * sizeof *succ);
    uint32_t *level = ns_calloc(n, sizeof *level);
    uint64_t *width = ns_calloc(n, sizeof *width);
    uint64_t best = nx;
    ns_err e;
    if (order && start && succ && level && width) {
        if (!sealed)
            ns_wl_adjacency(wl, 0, start, succ);
        if (ns_wl_order(wl, start, succ, level, order, &e) != NS_OK)   /* `level` is scratch there */
            goto out;
        memset(level, 0, n * sizeof *level);
        for (size_t k = 0; k < n; k++) {
            uint32_t v = order[k];
            uint32_t s;
            for (ns_succ_it it = ns_succ_of(start, succ, v); ns_succ_next(&it, &s);)
                if (level[s] < level[v] + 1)
                    level[s] = level[v] + 1;
        }
        best = 0;
        for (size_t i = 0; i < n; i++)
            if (wl->ops[i].kind == NS_OP_TRANSFER && ++width[level[i]] > best)
                best = width[level[i]];
    }
out:
    ns_free(order);
    if (!sealed) {
        ns_free(start);
        ns_free(succ);
    }
    ns_free(level);
    ns_free(width);
    return best;
}

void
ns_mem_estimate(const ns_fabric *f, const ns_workload *wl, const ns_run_cfg *c, ns_mem_est *m)
{
    memset(m, 0, sizeof *m);
    m->fabric = ns_mem_fabric(f);
    m->workload = ns_mem_workload(wl, f->nhosts);
    ns_models[c->model]->estimate(f, wl, c, widest_level(wl), m);
    /* what the HDF5 writer holds (sim/output/h5out.c) */
    m->output = ns_h5out_mem(f->nlinks, c->sample_ps > 0);
    m->total = ns_mem_add(ns_mem_add(ns_mem_add(ns_mem_add(NS_MEM_BASE_BYTES, m->fabric), m->workload),
                                     m->model), m->output);
}

void
ns_mem_describe(const ns_mem_est *m, int model, char *buf, size_t n)
{
    char a[32], b[32], c[32], d[32], e[32];
    ns_format_size(m->fabric, a, sizeof a);
    ns_format_size(m->workload, b, sizeof b);
    ns_format_size(m->model, c, sizeof c);
    ns_format_size(m->output, d, sizeof d);
    ns_format_size(NS_MEM_BASE_BYTES, e, sizeof e);
    snprintf(buf, n, "fabric %s, workload %s, %s model %s for %llu subflow%s and %llu packet%s in flight, "
             "output %s, program %s", a, b, ns_model_name(model), c,
             (unsigned long long)m->subflows, m->subflows == 1 ? "" : "s", (unsigned long long)m->packets,
             m->packets == 1 ? "" : "s", d, e);
}

int
ns_wl_reserve(ns_workload *w, uint64_t nops, uint64_t ndeps, uint64_t ntransfers, const char *what, ns_err *e)
{
    char detail[128], name[160];
    snprintf(detail, sizeof detail, "%llu ops, %llu of them transfers, and %llu dependencies",
             (unsigned long long)nops, (unsigned long long)ntransfers, (unsigned long long)ndeps);
    snprintf(name, sizeof name, "%s: its task graph", what);
    uint64_t have = ns_alloc_live_bytes();
    uint64_t need = ns_mem_ops(nops, ndeps, ntransfers);
    int rc = ns_mem_check(need > UINT64_MAX - have ? UINT64_MAX : need + have, name, detail, e);
    if (rc)
        return rc;
    return ns_wl_grow(w, nops, ndeps, what, e);
}
