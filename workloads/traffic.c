/*
 * traffic.c - open-loop flows placed in time by a chain of delay ops
 * (see traffic.h); shared by background.c and replay.c.
 */
#include <config.h>
#include "traffic.h"

#include <stdlib.h>
#include "sim/alloc.h"
#include "wl_build.h"

typedef struct by_time {
    ns_time  t_ps;
    uint32_t idx;
} by_time;

static int
cmp_time(const void *a, const void *b)
{
    const by_time *x = a, *y = b;
    if (x->t_ps != y->t_ps)
        return x->t_ps < y->t_ps ? -1 : 1;
    return (x->idx > y->idx) - (x->idx < y->idx);
}

int
ns_wl_timed_flows(ns_workload *w, const ns_timed_flow *flows, size_t n, ns_traffic_ops *out, ns_err *e)
{
    ns_wl_mark mark = ns_wl_mark_take(w);
    by_time *order = ns_alloc((n ? n : 1) * sizeof *order);
    uint32_t *gate = ns_alloc((n ? n : 1) * sizeof *gate);   /* flow -> op it starts after */
    int rc = NS_OK;
    if (!order || !gate) {
        rc = ns_enomem(e, "a workload");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        if (flows[i].t_ps < 0) {
            rc = ns_errorf(e, NS_EINVAL, "internal error: a flow starts before time 0");
            goto out;
        }
        order[i].t_ps = flows[i].t_ps;
        order[i].idx = (uint32_t)i;
    }
    qsort(order, n, sizeof *order, cmp_time);
    long start = ns_wl_marker(w, "start", e);
    if (start < 0)
        goto fail;
    /* the delay chain: one delay per distinct time > 0 */
    uint32_t prev = (uint32_t)start;
    ns_time prev_t = 0;
    for (size_t k = 0; k < n; k++) {
        ns_time t = order[k].t_ps;
        if (t > prev_t) {
            long d = ns_wl_delay(w, t - prev_t, NULL, e);
            if (d < 0 || ns_wl_after(w, (uint32_t)d, prev, e))
                goto fail;
            prev = (uint32_t)d;
            prev_t = t;
        }
        gate[order[k].idx] = prev;
    }
    uint64_t bytes = 0;
    long first = (long)w->nops;
    for (size_t i = 0; i < n; i++) {
        const ns_timed_flow *f = &flows[i];
        long x = ns_wl_transfer(w, f->src, f->dst, f->bytes, f->label, e);
        if (x < 0 || ns_wl_after(w, (uint32_t)x, gate[i], e))
            goto fail;
        bytes += f->bytes;
    }
    long done = ns_wl_marker(w, "done", e);
    if (done < 0 || (n == 0 && ns_wl_after(w, (uint32_t)done, (uint32_t)start, e)))
        goto fail;
    for (size_t i = 0; i < n; i++)
        if (ns_wl_after(w, (uint32_t)done, (uint32_t)(first + (long)i), e))
            goto fail;
    out->start_op = (uint32_t)start;
    out->done_op = (uint32_t)done;
    out->flows = n;
    out->bytes = bytes;
    goto out;
fail:
    rc = e->code ? e->code : NS_ENOMEM;
out:
    ns_free(order);
    ns_free(gate);
    if (rc)
        ns_wl_rollback(w, &mark);   /* a failed call leaves the workload as it was */
    return rc;
}
