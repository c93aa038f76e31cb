/*
 * flow_events.c - a lazy 4-ary min-heap of subflow events by (time, seq)
 * (see flow_events.h).
 */
#include <config.h>
#include "flow_events.h"

#include <assert.h>
#include "sim/alloc.h"

#define D 4

static inline int
before(const ns_fevq_ent *a, const ns_fevq_ent *b)
{
    return a->when < b->when || (a->when == b->when && a->seq < b->seq);
}

static void
up(ns_fevq *q, size_t i)
{
    ns_fevq_ent x = q->e[i];
    while (i > 0) {
        size_t p = (i - 1) / D;
        if (!before(&x, &q->e[p]))
            break;
        q->e[i] = q->e[p];
        i = p;
    }
    q->e[i] = x;
}

static void
down(ns_fevq *q, size_t i)
{
    ns_fevq_ent x = q->e[i];
    for (;;) {
        size_t c = D * i + 1;
        if (c >= q->n)
            break;
        size_t end = c + D < q->n ? c + D : q->n;
        for (size_t k = c + 1; k < end; k++)
            if (before(&q->e[k], &q->e[c]))
                c = k;
        if (!before(&q->e[c], &x))
            break;
        q->e[i] = q->e[c];
        i = c;
    }
    q->e[i] = x;
}

void
ns_fevq_init(ns_fevq *q, ns_fevq_live_fn *is_live, void *ctx)
{
    q->e = NULL;
    q->n = q->cap = q->live = 0;
    q->is_live = is_live;
    q->ctx = ctx;
}

void
ns_fevq_free(ns_fevq *q)
{
    ns_free(q->e);
    q->e = NULL;
    q->n = q->cap = q->live = 0;
}

void
ns_fevq_compact(ns_fevq *q)
{
    size_t k = 0;
    for (size_t i = 0; i < q->n; i++)
        if (q->is_live(q->ctx, q->e[i].idx, q->e[i].gen))
            q->e[k++] = q->e[i];
    assert(k == q->live);
    q->n = k;
    for (size_t i = k > 1 ? (k - 2) / D + 1 : 0; i-- > 0;)
        down(q, i);
}

int
ns_fevq_reserve(ns_fevq *q)
{
    if (q->n < q->cap)
        return 0;
    if (q->n - q->live >= q->n / 4 + 1) {   /* a quarter stale: make room by dropping them */
        ns_fevq_compact(q);
        return 0;
    }
    return ns_grow((void **)&q->e, &q->cap, q->n + 1, sizeof *q->e);
}

void
ns_fevq_push(ns_fevq *q, ns_time when, uint64_t seq, uint32_t idx, uint32_t gen)
{
    assert(q->n < q->cap);
    ns_fevq_ent x = { (uint64_t)when, seq, idx, gen };
    q->e[q->n++] = x;
    q->live++;
    up(q, q->n - 1);
}

void
ns_fevq_stale(ns_fevq *q)
{
    assert(q->live > 0);
    q->live--;
    if (q->n - q->live > 2 * q->live + 4096)   /* at most three entries a live one, on average */
        ns_fevq_compact(q);
}

const ns_fevq_ent *
ns_fevq_top(ns_fevq *q)
{
    while (q->n > q->live && !q->is_live(q->ctx, q->e[0].idx, q->e[0].gen)) {
        q->e[0] = q->e[--q->n];
        if (q->n > 1)
            down(q, 0);
    }
    return q->live ? &q->e[0] : NULL;
}

void
ns_fevq_pop(ns_fevq *q)
{
    assert(q->live > 0 && q->is_live(q->ctx, q->e[0].idx, q->e[0].gen));
    q->live--;
    q->e[0] = q->e[--q->n];
    if (q->n > 1)
        down(q, 0);
}
