/*
 * ranges.c - the clock and the counters of a run, checked before it starts
 * (ns_check_ranges, sim.h).
 */
#include <config.h>
#include "sim.h"

#include <stdio.h>
#include "alloc.h"
#include "budget.h"
#include "fabric.h"
#include "taskgraph.h"
#include "units.h"

/* --- the clock and the counters ------------------------------------------------ */

#define CLOCK_END_S 9223372.036854775807   /* NS_TIME_MAX picoseconds, in seconds */

static void
days(double seconds, char *buf, size_t n)
{
    if (seconds >= 86400)
        snprintf(buf, n, "%.4g days", seconds / 86400);
    else
        snprintf(buf, n, "%.4g s", seconds);
}

int
ns_check_sample(const ns_fabric *f, const ns_run_cfg *c, ns_err *e)
{
    if (c->sample_ps <= 0)
        return NS_OK;
    /* a row more often than one packet of the mtu takes on the fastest link
     * repeats what the row before said (a link's counters move a packet at a
     * time) and only grows the file */
    uint64_t fastest = 0;
    for (size_t l = 0; l < f->nlinks; l++)
        if (f->links[l].rate_bps > fastest)
            fastest = f->links[l].rate_bps;
    ns_time floor_ps = fastest ? ns_serialize_ps(f->mtu, fastest) : 0;
    if (c->sample_ps >= floor_ps)
        return NS_OK;
    char got[32], fl[32], r[32];
    ns_format_time(c->sample_ps, got, sizeof got);
    ns_format_time(floor_ps, fl, sizeof fl);
    ns_format_rate(fastest, r, sizeof r);
    return ns_errorf(e, NS_EINVAL, "field 'sample' is %s, shorter than one packet of the mtu (%u bytes) takes on "
                     "the fastest link (%s): give at least %s (rows of %zu links every %s would only repeat "
                     "the row before, and fill the disk)", got, f->mtu, r, fl, f->nlinks, got);
}

int
ns_check_ranges(const ns_fabric *f, const ns_workload *wl, const ns_run_cfg *c,
                const uint32_t *order, const uint32_t *start, const uint32_t *succ, ns_err *e)
{
    size_t n = wl->nops;
    unsigned __int128 total = 0;
    char d[400], t[64];
    const ns_model *model = ns_models[c->model];
    if (model->check) {
        int rc = model->check(f, wl, c, e);
        if (rc)
            return rc;
    }
    for (size_t i = 0; i < n; i++) {
        const ns_op *o = &wl->ops[i];
        if (o->kind != NS_OP_TRANSFER)
            continue;
        total += o->bytes;
    }
    if (total > NS_MAX_WORKLOAD_BYTES) {
        char b[32];
        ns_format_size(total > UINT64_MAX ? UINT64_MAX : (uint64_t)total, b, sizeof b);
        return ns_errorf(e, NS_EINVAL, "the workload moves %s%s in all, more than netsim's byte counters allow "
                         "(2^60 bytes, 1.15 EB)", total > UINT64_MAX ? "more than " : "", b);
    }
    int rc0 = ns_check_sample(f, c, e);
    if (rc0)
        return rc0;
    if (c->until_ps > 0 || n == 0)
        return NS_OK;   /* the run stops at `until`, before the clock's end */

    /* lower bounds of the makespan, in seconds (double: no overflow) */
    double *fin = ns_calloc(n, sizeof *fin);
    double *cpu = ns_calloc(f->nhosts, sizeof *cpu);
    double *nic = ns_calloc(f->nhosts, sizeof *nic);
    int rc = NS_OK;
    if (!fin || !cpu || !nic) {
        rc = ns_enomem(e, "the range checks");
        goto out;
    }
    /* fin[v] holds the latest finish of v's predecessors until v is reached */
    for (size_t k = 0; k < n; k++) {
        uint32_t v = order[k];
        const ns_op *o = &wl->ops[v];
        double dur = 0;
        if (o->kind == NS_OP_COMPUTE) {
            dur = (double)o->duration_ps * 1e-12;
            cpu[o->node - 1] += dur;
        } else if (o->kind == NS_OP_TRANSFER && o->bytes > 0 && o->node != o->dst) {
            const ns_flink *l = &f->links[f->host_link[o->node - 1]];
            double ser = (double)o->bytes * 8 / (double)l->rate_bps;
            nic[o->node - 1] += ser;
            dur = ser + (double)l->latency_ps * 1e-12;
        }
        fin[v] += dur;
        if (fin[v] >= CLOCK_END_S) {
            ns_wl_describe(wl, v, d, sizeof d);
            days(fin[v], t, sizeof t);
            rc = ns_errorf(e, NS_EINVAL, "%s ends a chain of ops that lasts at least %s (compute durations, and "
                           "transfers at their sender's NIC rate), past the end of netsim's clock (2^63 ps, "
                           "106.7 days); make it shorter, or stop the run earlier with run{until = ...}", d, t);
            goto out;
        }
        uint32_t s;
        for (ns_succ_it it = ns_succ_of(start, succ, v); ns_succ_next(&it, &s);)
            if (fin[s] < fin[v])
                fin[s] = fin[v];
    }
    for (size_t h = 0; h < f->nhosts; h++) {
        if (cpu[h] >= CLOCK_END_S || nic[h] >= CLOCK_END_S) {
            int is_cpu = cpu[h] >= CLOCK_END_S;
            days(is_cpu ? cpu[h] : nic[h], t, sizeof t);
            rc = ns_errorf(e, NS_EINVAL, "host %zu %s %s, past the end of netsim's clock (2^63 ps, 106.7 days); "
                           "make it shorter, or stop the run earlier with run{until = ...}", h + 1,
                           is_cpu ? "computes (its compute ops one after the other) for" :
                                    "needs, to send its transfers through its NIC,", t);
            goto out;
        }
    }
out:
    ns_free(fin);
    ns_free(cpu);
    ns_free(nic);
    return rc;
}
