/*
 * event_heap.c - the 4-ary heap of events (see event.h).
 *
 * An event's q1 holds its slot + 1 (0: not queued). Entries carry their key,
 * so sifting reads only the heap array.
 */
#include <config.h>
#include "event_int.h"

#include "alloc.h"

#define ARITY 4

static inline void
place(ns_evq *q, size_t i, ns_evq_ent e)
{
    q->ent[i] = e;
    e.ev->q1 = i + 1;
}

static void
sift_up(ns_evq *q, size_t i, ns_evq_ent e)
{
    while (i > 0) {
        size_t parent = (i - 1) / ARITY;
        if (e.key >= q->ent[parent].key)
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
        size_t c = ARITY * i + 1;
        if (c >= n)
            break;
        size_t end = c + ARITY < n ? c + ARITY : n, best = c;
        for (size_t k = c + 1; k < end; k++)
            if (q->ent[k].key < q->ent[best].key)
                best = k;
        if (q->ent[best].key >= e.key)
            break;
        place(q, i, q->ent[best]);
        i = best;
    }
    place(q, i, e);
}

int
ns_evq_heap_init(ns_evq *q)
{
    return ns_grow((void **)&q->ent, &q->cap, 256, sizeof *q->ent);
}

void
ns_evq_heap_destroy(ns_evq *q)
{
    /* the pending events' owners may already be gone: do not touch them */
    ns_free(q->ent);
    q->ent = NULL;
    q->n = q->cap = 0;
}

/* remove the entry at slot i and restore the heap */
static void
remove_at(ns_evq *q, size_t i)
{
    q->ent[i].ev->q1 = 0;
    ns_evq_ent last = q->ent[--q->n];
    if (i == q->n)
        return;
    if (i > 0 && last.key < q->ent[(i - 1) / ARITY].key)
        sift_up(q, i, last);
    else
        sift_down(q, i, last);
}

int
ns_evq_heap_push(ns_evq *q, ns_event *ev, ns_time when)
{
    if (ev->q1 == 0 && q->n == q->cap &&
        ns_grow((void **)&q->ent, &q->cap, q->n + 1, sizeof *q->ent))
        return -1;
    ev->when_ps = when;
    ev->seq = q->next_seq++;
    /* times are never negative, so the unsigned key orders them correctly */
    ns_evq_ent e = { ((unsigned __int128)(uint64_t)when << 64) | ev->seq, ev };
    if (ev->q1 != 0) {
        /* reschedule in place: the new key is larger (a later seq) or smaller */
        size_t i = ev->q1 - 1;
        if (i > 0 && e.key < q->ent[(i - 1) / ARITY].key)
            sift_up(q, i, e);
        else
            sift_down(q, i, e);
        return 0;
    }
    q->n++;
    sift_up(q, q->n - 1, e);
    return 0;
}

/* the root is the earliest event */
int
ns_evq_heap_due_at(const ns_evq *q, ns_time t)
{
    return q->n > 0 && (uint64_t)(q->ent[0].key >> 64) == (uint64_t)t;
}

void
ns_evq_heap_cancel(ns_evq *q, ns_event *ev)
{
    if (ev->q1 != 0)
        remove_at(q, ev->q1 - 1);
}

ns_event *
ns_evq_heap_pop(ns_evq *q)
{
    if (q->n == 0)
        return NULL;
    ns_event *ev = q->ent[0].ev;
    ev->q1 = 0;
    ns_evq_ent last = q->ent[--q->n];
    if (q->n)
        sift_down(q, 0, last);
    return ev;
}
