/*
 * results.c - a workload's result sets (see results.h).
 */
#include <config.h>
#include "results.h"

#include <assert.h>
#include <string.h>
#include "alloc.h"

ns_result_set *
ns_results_find(ns_results *r, const ns_result_kind *k)
{
    for (size_t i = 0; i < r->n; i++)
        if (r->set[i].kind == k)
            return &r->set[i];
    return NULL;
}

const ns_result_set *
ns_results_cfind(const ns_results *r, const ns_result_kind *k)
{
    return ns_results_find((ns_results *)r, k);
}

ns_result_set *
ns_results_use(ns_results *r, const ns_result_kind *k)
{
    ns_result_set *s = ns_results_find(r, k);
    if (s)
        return s;
    assert(r->n < NS_RESULT_KINDS_MAX && k->state_size <= NS_RESULT_STATE_MAX && k->rec_size > 0);
    s = &r->set[r->n++];
    memset(s, 0, sizeof *s);
    s->kind = k;
    return s;
}

long
ns_result_append(ns_result_set *s, const void *rec, ns_err *e)
{
    if (ns_grow(&s->recs, &s->cap, s->nrecs + 1, s->kind->rec_size))
        return ns_enomem(e, "a workload"), -1;
    memcpy(ns_result_at(s, s->nrecs), rec, s->kind->rec_size);
    return (long)s->nrecs++;
}

uint64_t
ns_results_bytes(const ns_results *r)
{
    uint64_t b = 0;
    for (size_t i = 0; i < r->n; i++)
        b += (uint64_t)r->set[i].cap * r->set[i].kind->rec_size;
    return b;
}

void
ns_results_free(ns_results *r)
{
    for (size_t i = 0; i < r->n; i++)
        ns_free(r->set[i].recs);
    memset(r, 0, sizeof *r);
}

void
ns_results_mark_take(const ns_results *r, ns_results_mark *m)
{
    m->n = r->n;
    for (size_t i = 0; i < r->n; i++) {
        m->nrecs[i] = r->set[i].nrecs;
        m->state[i] = r->set[i].state;
    }
}

void
ns_results_rollback(ns_results *r, const ns_results_mark *m)
{
    for (size_t i = 0; i < r->n; i++) {
        if (i < m->n) {
            r->set[i].nrecs = m->nrecs[i];
            r->set[i].state = m->state[i];
        } else {
            r->set[i].nrecs = 0;
            memset(&r->set[i].state, 0, sizeof r->set[i].state);
        }
    }
}

int
ns_result_run_open(ns_result_run *r, const ns_workload *wl, const ns_result_set *set,
                   const ns_time *op_start, const ns_time *op_finish)
{
    r->wl = wl;
    r->set = set;
    r->op_start = op_start;
    r->op_finish = op_finish;
    r->scratch = NULL;
    return set->kind->prepare ? set->kind->prepare(r) : 0;
}

void
ns_result_run_close(ns_result_run *r)
{
    if (r->set->kind->release)
        r->set->kind->release(r);
    r->scratch = NULL;
}
