/*
 * job_stats.c - each job's numbers of a run of several workloads (jobs.h):
 * its makespan from its arrival, its transfers and their completion times,
 * and its slowdown against running alone (--isolation). The /jobs table and
 * the summary's job lines both come from here.
 */
#include <config.h>
#include "summary.h"

#include <stdlib.h>
#include <string.h>
#include "sim/alloc.h"
#include "sim/sim.h"

int
ns_summary_jobs(const ns_sim *sim, ns_job_summary *out)
{
    const ns_workload *wl = sim->wl;
    size_t nj = wl->njobs;
    /* finished transfers' completion times, bucketed by job */
    size_t *first = ns_calloc(nj + 1, sizeof *first);
    ns_time *fct = ns_alloc((sim->nxfers ? sim->nxfers : 1) * sizeof *fct);
    if (!first || !fct) {
        ns_free(first);
        ns_free(fct);
        return -1;
    }
    memset(out, 0, nj * sizeof *out);
    for (size_t j = 0; j < nj; j++) {
        const ns_job *jb = &wl->jobs[j];
        ns_job_summary *o = &out[j];
        memcpy(o->name, jb->name, sizeof o->name);
        o->start_ps = jb->start_ps;
        o->alone_ps = jb->alone_ps;
        o->hosts = jb->nhosts;
    }
    for (size_t i = 0; i < wl->nops; i++) {
        ns_job_summary *o = &out[wl->ops[i].job];
        o->ops++;
        if (sim->op_finish[i] >= 0) {
            o->ops_done++;
            if (sim->op_finish[i] > o->finish_ps)
                o->finish_ps = sim->op_finish[i];
        }
    }
    for (size_t x = 0; x < sim->nxfers; x++) {
        const ns_xfer *t = &sim->xfers[x];
        ns_job_summary *o = &out[wl->ops[t->op].job];
        o->transfers++;
        if (ns_sim_xfer_finish(sim, (uint32_t)x) >= 0) {
            o->transfers_done++;
            o->bytes += ns_sim_xfer_bytes(sim, t);
            first[wl->ops[t->op].job + 1]++;
        }
    }
    for (size_t j = 0; j < nj; j++)
        first[j + 1] += first[j];
    size_t *fill = ns_alloc((nj ? nj : 1) * sizeof *fill);
    if (!fill) {
        ns_free(first);
        ns_free(fct);
        return -1;
    }
    memcpy(fill, first, nj * sizeof *fill);
    for (size_t x = 0; x < sim->nxfers; x++) {
        ns_time finish = ns_sim_xfer_finish(sim, (uint32_t)x);
        if (finish >= 0)
            fct[fill[wl->ops[sim->xfers[x].op].job]++] = finish - ns_sim_xfer_start(sim, (uint32_t)x);
    }
    for (size_t j = 0; j < nj; j++) {
        ns_job_summary *o = &out[j];
        size_t n = first[j + 1] - first[j];
        ns_sort_times(fct + first[j], n);
        o->fct_p50_ps = ns_percentile(fct + first[j], n, 0.50);
        o->fct_p99_ps = ns_percentile(fct + first[j], n, 0.99);
        if (o->ops_done < o->ops) {
            o->finish_ps = -1;
            o->makespan_ps = sim->now > o->start_ps ? sim->now - o->start_ps : 0;
        } else {
            o->makespan_ps = o->finish_ps > o->start_ps ? o->finish_ps - o->start_ps : 0;
        }
        o->slowdown = o->alone_ps > 0 && o->finish_ps >= 0 ? (double)o->makespan_ps / (double)o->alone_ps : 0;
    }
    ns_free(fill);
    ns_free(first);
    ns_free(fct);
    return 0;
}
