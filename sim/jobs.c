/*
 * jobs.c - several workloads merged into the jobs of one run (see jobs.h).
 */
#include <config.h>
#include "jobs.h"

#include <stdio.h>
#include <string.h>
#include "alloc.h"

const char *
ns_job_name(const ns_workload *m, size_t j)
{
    return m->jobs[j].name;
}

static int
check_list(const ns_workload *const *ws, size_t n, ns_err *e)
{
    if (n == 0)
        return ns_errorf(e, NS_EINVAL, "workload: the list of jobs is empty (give at least one workload)");
    if (n > NS_JOBS_MAX)
        return ns_errorf(e, NS_EINVAL, "workload: %zu jobs, at most %d in one run", n, NS_JOBS_MAX);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++)
            if (ws[i] == ws[j])
                return ns_errorf(e, NS_EINVAL, "workload: jobs %zu and %zu are the same workload "
                                 "(a job is a workload of its own: build a second one)", j + 1, i + 1);
    return NS_OK;
}

/* name the jobs (job<i> by default) and refuse two of one name */
static int
name_jobs(ns_job *jobs, const ns_workload *const *ws, size_t n, ns_err *e)
{
    for (size_t i = 0; i < n; i++) {
        if (ws[i]->name[0])
            snprintf(jobs[i].name, sizeof jobs[i].name, "%s", ws[i]->name);
        else
            snprintf(jobs[i].name, sizeof jobs[i].name, "job%zu", i + 1);
        for (size_t j = 0; j < i; j++)
            if (strcmp(jobs[i].name, jobs[j].name) == 0)
                return ns_errorf(e, NS_EINVAL, "workload: jobs %zu and %zu are both named '%s' "
                                 "(each job needs a name of its own)", j + 1, i + 1, jobs[i].name);
    }
    return NS_OK;
}

/* copy job j's ops, dependencies and collectives into m */
static int
append_job(ns_workload *m, const ns_workload *w, uint16_t j, ns_err *e)
{
    uint32_t op0 = (uint32_t)m->nops, coll0 = (uint32_t)m->ncolls;
    for (size_t i = 0; i < w->nops; i++) {
        ns_op o = w->ops[i];
        long lab = ns_wl_intern(m, ns_wl_label(w, o.label), e);
        if (lab < 0)
            return e->code;
        o.label = (uint32_t)lab;
        o.job = j;
        m->ops[m->nops++] = o;
    }
    for (size_t k = 0; k < w->runs.n; k++) {
        ns_op_run r = w->runs.r[k];
        if (r.parent != NS_NO_PARENT)
            r.parent += (int32_t)coll0;
        if (ns_op_runs_push(&m->runs, op0 + r.first, r.line, r.parent))
            return ns_enomem(e, "the jobs' workload");
    }
    if (ns_wl_sealed(w)) {   /* (run before, alone): its successor lists */
        for (uint32_t v = 0; v < w->nops; v++) {
            uint32_t s;
            for (ns_succ_it it = ns_succ_of(w->succ_start, w->succ, v); ns_succ_next(&it, &s);) {
                m->dep_op[m->ndeps] = op0 + s;
                m->dep_on[m->ndeps] = op0 + v;
                m->ndeps++;
            }
        }
    } else {
        for (size_t d = 0; d < w->ndeps; d++) {
            m->dep_op[m->ndeps] = op0 + w->dep_op[d];
            m->dep_on[m->ndeps] = op0 + w->dep_on[d];
            m->ndeps++;
        }
    }
    for (size_t c = 0; c < w->ncolls; c++) {
        ns_coll k = w->colls[c];
        k.first_op += op0;
        k.last_op += op0;
        if (ns_wl_add_coll(m, &k, &w->coll_hosts[w->colls[c].hosts_off], e) < 0)
            return e->code;
    }
    if (w->max_host > m->max_host)
        m->max_host = w->max_host;
    return NS_OK;
}

/* the hosts of each job: counts, and the first one two jobs share */
static int
count_hosts(ns_workload *m, ns_jobs_overlap *ov, ns_err *e)
{
    uint16_t *owner = ns_calloc((size_t)m->max_host + 1, sizeof *owner);   /* job + 1, 0 = none */
    if (!owner)
        return ns_enomem(e, "the jobs' hosts");
    for (size_t i = 0; i < m->nops; i++) {
        const ns_op *o = &m->ops[i];
        uint32_t hs[2] = { o->node, o->kind == NS_OP_TRANSFER ? o->dst : 0 };
        for (int k = 0; k < 2; k++) {
            uint32_t h = hs[k];
            if (h == 0)
                continue;
            if (owner[h] == 0) {
                owner[h] = (uint16_t)(o->job + 1);
                m->jobs[o->job].nhosts++;
            } else if (owner[h] != o->job + 1 && ov && ov->host == 0) {
                ov->host = h;
                ov->job_a = owner[h] - 1u;
                ov->job_b = o->job;
            }
        }
    }
    /* a host two jobs name counts for each of them */
    if (ov && ov->host) {
        for (size_t j = 0; j < m->njobs; j++)
            m->jobs[j].nhosts = 0;
        for (size_t j = 0; j < m->njobs; j++) {
            memset(owner, 0, ((size_t)m->max_host + 1) * sizeof *owner);
            const ns_job *jb = &m->jobs[j];
            for (uint32_t i = jb->first_op; i < jb->first_op + jb->nops; i++) {
                const ns_op *o = &m->ops[i];
                uint32_t hs[2] = { o->node, o->kind == NS_OP_TRANSFER ? o->dst : 0 };
                for (int k = 0; k < 2; k++)
                    if (hs[k] && !owner[hs[k]]) {
                        owner[hs[k]] = 1;
                        m->jobs[j].nhosts++;
                    }
            }
        }
    }
    ns_free(owner);
    return NS_OK;
}

/* the ops of job j that wait for nothing now wait for its arrival timer */
static int
add_arrival(ns_workload *m, size_t j, const uint8_t *has_pred, ns_err *e)
{
    ns_job *jb = &m->jobs[j];
    if (jb->start_ps <= 0)
        return NS_OK;
    long t = ns_wl_delay(m, jb->start_ps, "arrival", e);
    if (t < 0)
        return e->code;
    m->ops[t].job = (uint16_t)j;
    jb->start_op = t;
    for (uint32_t i = jb->first_op; i < jb->first_op + jb->nops; i++)
        if (!has_pred[i] && ns_wl_after(m, i, (uint32_t)t, e))
            return e->code;
    return NS_OK;
}

int
ns_jobs_merge(const ns_workload *const *ws, size_t n, ns_workload **out, ns_jobs_overlap *ov, ns_err *e)
{
    *out = NULL;
    if (ov)
        memset(ov, 0, sizeof *ov);
    int rc = check_list(ws, n, e);
    if (rc)
        return rc;
    uint64_t nops = 0, ndeps = 0;
    for (size_t i = 0; i < n; i++) {
        nops += ws[i]->nops + 1;          /* + its arrival timer */
        ndeps += ws[i]->ndeps + ws[i]->nops;   /* + waits for the timer */
    }
    ns_workload *m = ns_wl_new(ws[0]->seed);
    uint8_t *has_pred = NULL;
    if (!m)
        return ns_enomem(e, "the merged workload of the jobs");
    snprintf(m->chunk, sizeof m->chunk, "%s", ws[0]->chunk);
    m->jobs = ns_calloc(n, sizeof *m->jobs);
    m->njobs = n;
    if (!m->jobs) {
        rc = ns_enomem(e, "the merged workload of the jobs");
        goto fail;
    }
    if ((rc = name_jobs(m->jobs, ws, n, e)) || (rc = ns_wl_grow(m, nops, ndeps, "the jobs", e)))
        goto fail;
    for (size_t j = 0; j < n; j++) {
        ns_job *jb = &m->jobs[j];
        jb->start_ps = ws[j]->start_ps;
        jb->first_op = (uint32_t)m->nops;
        jb->nops = (uint32_t)ws[j]->nops;
        jb->start_op = -1;
        jb->first_coll = (uint32_t)m->ncolls;
        jb->ncolls = (uint32_t)ws[j]->ncolls;
        jb->alone_ps = -1;
        jb->src = ws[j];
        if ((rc = append_job(m, ws[j], (uint16_t)j, e)))
            goto fail;
    }
    if ((rc = count_hosts(m, ov, e)))
        goto fail;
    has_pred = ns_calloc(m->nops ? m->nops : 1, 1);
    if (!has_pred) {
        rc = ns_enomem(e, "the merged workload of the jobs");
        goto fail;
    }
    for (size_t d = 0; d < m->ndeps; d++)
        has_pred[m->dep_op[d]] = 1;
    for (size_t j = 0; j < n; j++)
        if ((rc = add_arrival(m, j, has_pred, e)))
            goto fail;
    ns_free(has_pred);
    *out = m;
    return NS_OK;
fail:
    ns_free(has_pred);
    ns_wl_free(m);
    return rc;
}
