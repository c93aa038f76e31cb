/*
 * event.c - binary heap of events keyed by (when_ps, seq) (see event.h).
 */
#include <config.h>
#include "event.h"

#include "alloc.h"

static inline int
ent_less(const ns_evq_ent *a, const ns_evq_ent *b)
{
    return a->when_ps < b->when_ps || (a->when_ps == b->when_ps && a->seq < b->seq);
}

static inline void
place(ns_evq *q, size_t i, ns_evq_ent e)
{
    q->ent[i] = e;
    e.ev->heap_idx = i;
}

static void
sift_up(ns_evq *q, size_t i, ns_evq_ent e)
{
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!ent_less(&e, &q->ent[parent]))
            break;
        place(q, i, q->ent[parent]);
        i = parent;
    }
    place(q, i, e);
}

static void
sift_down(ns_evq *q, size_t i, ns_evq_ent e)
{
    size_t n = q->n;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && ent_less(&q->ent[c + 1], &q->ent[c]))
            c++;
        if (!ent_less(&q->ent[c], &e))
            break;
        place(q, i, q->ent[c]);
        i = c;
    }
    place(q, i, e);
}

void
ns_evq_init(ns_evq *q)
{
    q->ent = NULL;
    q->n = q->cap = 0;
    q->next_seq = 0;
}

void
ns_evq_destroy(ns_evq *q)
{
    /* the pending events' owners may already be gone: do not touch them */
    ns_free(q->ent);
    ns_evq_init(q);
}

int
ns_evq_reserve(ns_evq *q, size_t n)
{
    return ns_grow((void **)&q->ent, &q->cap, n, sizeof *q->ent);
}

/* remove the entry at slot i and restore the heap */
static void
remove_at(ns_evq *q, size_t i)
{
    q->ent[i].ev->heap_idx = NS_EV_IDLE;
    ns_evq_ent last = q->ent[--q->n];
    if (i == q->n)
        return;
    if (i > 0 && ent_less(&last, &q->ent[(i - 1) / 2]))
        sift_up(q, i, last);
    else
        sift_down(q, i, last);
}

int
ns_evq_push(ns_evq *q, ns_event *ev, ns_time when)
{
    if (ev->heap_idx != NS_EV_IDLE)
        remove_at(q, ev->heap_idx);
    if (q->n == q->cap && ns_evq_reserve(q, q->n + 1))
        return -1;
    ev->when_ps = when;
    ev->seq = q->next_seq++;
    ns_evq_ent e = { when, ev->seq, ev };
    q->n++;
    sift_up(q, q->n - 1, e);
    return 0;
}

void
ns_evq_cancel(ns_evq *q, ns_event *ev)
{
    if (ev->heap_idx != NS_EV_IDLE)
        remove_at(q, ev->heap_idx);
}

ns_event *
ns_evq_pop(ns_evq *q)
{
    if (q->n == 0)
        return NULL;
    ns_event *ev = q->ent[0].ev;
    ev->heap_idx = NS_EV_IDLE;
    ns_evq_ent last = q->ent[--q->n];
    if (q->n)
        sift_down(q, 0, last);
    return ev;
}
