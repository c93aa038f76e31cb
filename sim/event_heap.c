/*
 * event_heap.c - the 4-ary heap of events (see event.h): the heap queue,
 * and the heap under the calendar queue that holds its far events.
 *
 * An event's q1 holds its slot x 2 + 1 (0: not queued; odd, so that the
 * calendar tells its heap's events from its lists'). Entries carry their
 * key, so sifting reads only the heap array.
 */
#include <config.h>
#include "event_int.h"

#include <assert.h>

#include "alloc.h"

#define ARITY 4

static inline void
place(ns_evheap *h, size_t i, ns_evq_ent e)
{
    h->ent[i] = e;
    e.ev->ln.q1 = 2 * i + 1;
}

static inline size_t slot_of(const ns_event *ev) { return (ev->ln.q1 - 1) / 2; }

static inline ns_evq_ent
entry_of(ns_event *ev)
{
    /* times are never negative, so the unsigned key orders them correctly */
    ns_evq_ent e = { ((unsigned __int128)(uint64_t)ev->when_ps << 64) | ev->seq, ev };
    return e;
}

static void
sift_up(ns_evheap *h, size_t i, ns_evq_ent e)
{
    while (i > 0) {
        size_t parent = (i - 1) / ARITY;
        if (e.key >= h->ent[parent].key)
            break;
        place(h, i, h->ent[parent]);
        i = parent;
    }
    place(h, i, e);
}

static void
sift_down(ns_evheap *h, size_t i, ns_evq_ent e)
{
    size_t n = h->n;
    for (;;) {
        size_t c = ARITY * i + 1;
        if (c >= n)
            break;
        size_t end = c + ARITY < n ? c + ARITY : n, best = c;
        for (size_t k = c + 1; k < end; k++)
            if (h->ent[k].key < h->ent[best].key)
                best = k;
        if (h->ent[best].key >= e.key)
            break;
        place(h, i, h->ent[best]);
        i = best;
    }
    place(h, i, e);
}

/* put e (new, or moved from slot i) where its key belongs */
static void
settle(ns_evheap *h, size_t i, ns_evq_ent e)
{
    if (i > 0 && e.key < h->ent[(i - 1) / ARITY].key)
        sift_up(h, i, e);
    else
        sift_down(h, i, e);
}

int
ns_evheap_reserve(ns_evheap *h, size_t n)
{
    return n <= h->cap ? 0 : ns_grow((void **)&h->ent, &h->cap, n, sizeof *h->ent);
}

int
ns_evheap_insert(ns_evheap *h, ns_event *ev)
{
    if (ns_evheap_reserve(h, h->n + 1))
        return -1;
    h->n++;
    sift_up(h, h->n - 1, entry_of(ev));
    return 0;
}

void
ns_evheap_remove(ns_evheap *h, ns_event *ev)
{
    size_t i = slot_of(ev);
    ev->ln.q1 = 0;
    ns_evq_ent last = h->ent[--h->n];
    if (i != h->n)
        settle(h, i, last);
}

ns_event *
ns_evheap_pop(ns_evheap *h)
{
    ns_event *ev = h->ent[0].ev;
    ev->ln.q1 = 0;
    ns_evq_ent last = h->ent[--h->n];
    if (h->n)
        sift_down(h, 0, last);
    return ev;
}

/* --- the heap queue ----------------------------------------------------- */

int
ns_evq_heap_init(ns_evq *q)
{
    return ns_evheap_reserve(&q->heap, 256);
}

void
ns_evq_heap_destroy(ns_evq *q)
{
    /* the pending events' owners may already be gone: do not touch them */
    ns_free(q->heap.ent);
    q->heap.ent = NULL;
    q->heap.n = q->heap.cap = 0;
    q->n = 0;
}

static int
heap_push(ns_evq *q, ns_event *ev, ns_time when, uint64_t seq)
{
    if (ev->ln.q1 == 0 && ns_evheap_reserve(&q->heap, q->heap.n + 1))
        return -1;
    ev->when_ps = when;
    ev->seq = seq;
    if (ev->ln.q1 != 0) {
        /* reschedule in place: the new key is larger (a later seq) or smaller */
        settle(&q->heap, slot_of(ev), entry_of(ev));
        return 0;
    }
    ns_evheap_insert(&q->heap, ev);
    q->n = q->heap.n;
    return 0;
}

int
ns_evq_heap_push(ns_evq *q, ns_event *ev, ns_time when)
{
    return heap_push(q, ev, when, q->next_seq++);
}

int
ns_evq_push_seq(ns_evq *q, ns_event *ev, ns_time when, uint64_t seq)
{
    assert(q->kind == NS_EVQ_HEAP);   /* a calendar's lists assume seqs in push order */
    return heap_push(q, ev, when, seq);
}

/* the root is the earliest event */
int
ns_evq_heap_due_at(const ns_evq *q, ns_time t)
{
    return q->heap.n > 0 && ns_evheap_top_when(&q->heap) == t;
}

void
ns_evq_heap_cancel(ns_evq *q, ns_event *ev)
{
    if (ev->ln.q1 != 0) {
        ns_evheap_remove(&q->heap, ev);
        q->n = q->heap.n;
    }
}

ns_event *
ns_evq_heap_pop(ns_evq *q)
{
    if (q->heap.n == 0)
        return NULL;
    ns_event *ev = ns_evheap_pop(&q->heap);
    q->n = q->heap.n;
    return ev;
}
