/*
 * event.h - the event queue, ordered by (time, insertion seq).
 *
 * Events are embedded in their owners (a port, a host NIC, a flow, a
 * timer): scheduling never allocates once the queue has grown to its working
 * size. Equal times fire in insertion order, so ties break the same way on
 * every run. Cancel and reschedule are cheap.
 *
 * Two implementations behind one interface, chosen when the queue is made:
 *   NS_EVQ_CALENDAR  a calendar queue (R. Brown, CACM 1988): O(1) on average
 *                    while events are spread in time, as the packet model's
 *                    are (one pending event per busy link, per host, per
 *                    timer); half the instructions of a heap there. Events
 *                    beyond one turn of its buckets (timers) wait in a heap,
 *                    and its shape follows the work it measures.
 *   NS_EVQ_HEAP      a 4-ary heap: O(log n) always. The flow model keeps one
 *                    event per flow (a million in a large all-to-all) and
 *                    moves many at once, often to nearly equal times, where a
 *                    calendar's buckets crowd.
 */
#ifndef NS_EVENT_H
#define NS_EVENT_H

#include <stddef.h>
#include <stdint.h>
#include "time.h"

typedef struct ns_event ns_event;
typedef struct ns_evq ns_evq;
typedef void ns_event_fn(void *sim, ns_event *ev);

/* the queue's bookkeeping in an event: a calendar bucket's list links it
 * (and a bucket's head is a bare link, ns_evbucket), a heap keeps its slot in q1;
 * q1 == 0 when it is not queued */
typedef struct ns_evlink {
    uintptr_t q1, q2;
} ns_evlink;

struct ns_event {
    ns_time      when_ps;   /* absolute firing time */
    uint64_t     seq;       /* insertion order: equal times fire FIFO */
    ns_event_fn *fn;        /* fn(sim, ev); the owner is found from ev */
    ns_evlink    ln;
};

enum { NS_EVQ_CALENDAR = 0, NS_EVQ_HEAP = 1 };

typedef struct ns_evq_ent {
    unsigned __int128 key;  /* when_ps << 64 | seq */
    ns_event         *ev;
} ns_evq_ent;

/* a 4-ary heap of entries (event_heap.c); a queued event's q1 is its slot
 * x 2 + 1 (odd: a calendar's list pointers are even) */
typedef struct ns_evheap {
    ns_evq_ent *ent;
    size_t      n, cap;
} ns_evheap;

/* a calendar bucket: the head of its list, and a bound on the time of its
 * last event (at least that time; exact after an append): an event at or
 * after it is appended without reading the last event, which lives in
 * another owner and is seldom in the cache */
typedef struct ns_evbucket {
    ns_evlink head;
    ns_time   tail_max;
} ns_evbucket;

struct ns_evq {
    int       kind;
    size_t    n;            /* events queued, in all */
    uint64_t  next_seq;
    /* calendar */
    ns_evbucket *bucket;    /* nb buckets */
    size_t    nb;           /* a power of two */
    unsigned  shift;        /* bucket width 2^shift ps */
    size_t    cur;          /* bucket of the current time */
    /* interval ends, exclusive, at most 2^63 (one past the clock's last instant) */
    uint64_t  cur_top;      /* end of the current bucket's interval */
    uint64_t  year;         /* nb << shift: the span the buckets cover once */
    uint64_t  horizon;      /* start of the current bucket + year: later events wait in `heap` */
    uint64_t  heap_top;     /* the heap's earliest time, or 2^63 when it is empty */
    ns_time   last;         /* time of the last event popped */
    size_t    fast;         /* operations the inline push and pop may still take before the
                             * calendar must look at its shape or its bound on events (0: a heap) */
    uint64_t  ops, walk, scan, spill;   /* cost accounting, to reshape (event_calendar.c) */
    /* the heap queue's events, or the calendar's beyond its horizon */
    ns_evheap heap;
};

static inline void
ns_event_init(ns_event *ev, ns_event_fn *fn)
{
    ev->when_ps = 0;
    ev->seq = 0;
    ev->fn = fn;
    ev->ln.q1 = ev->ln.q2 = 0;
}

static inline int ns_event_pending(const ns_event *ev) { return ev->ln.q1 != 0; }

/* 0, or -1 when out of memory */
int ns_evq_init(ns_evq *q, int kind);
/* free the queue; pending events are forgotten, not touched */
void ns_evq_destroy(ns_evq *q);
/* the calendar's operations between checks of its shape (event_calendar.c) */
#define NS_EVQ_TUNE_EVERY 8192
/* one past the clock's last instant: where the calendar's intervals stop */
#define NS_EVQ_END ((uint64_t)NS_TIME_MAX + 1)
/* the general push and pop (event.c); ns_evq_push and ns_evq_pop below
 * take the calendar's common cases inline and the rest here */
int ns_evq_push_any(ns_evq *q, ns_event *ev, ns_time when);
ns_event *ns_evq_pop_any(ns_evq *q);

/* the calendar's lists (event_calendar.c), here for the inline paths below */
static inline ns_evbucket *
ns_evq_bucket_of(const ns_evq *q, ns_time t)
{
    return &q->bucket[((uint64_t)t >> q->shift) & (q->nb - 1)];
}

/* put ev last in bucket b (its time is at or after every event there):
 * the last event's link is written, never read */
static inline void
ns_evbucket_append(ns_evbucket *b, ns_event *ev)
{
    ns_evlink *l = &ev->ln, *tail = (ns_evlink *)b->head.q2;
    l->q2 = (uintptr_t)tail;
    l->q1 = (uintptr_t)&b->head;
    tail->q1 = (uintptr_t)l;
    b->head.q2 = (uintptr_t)l;
    b->tail_max = ev->when_ps;
}

/* take ev out of its bucket's list */
static inline void
ns_evlink_unlink(ns_event *ev)
{
    ns_evlink *l = &ev->ln, *prev = (ns_evlink *)l->q2, *next = (ns_evlink *)l->q1;
    prev->q1 = (uintptr_t)next;
    next->q2 = (uintptr_t)prev;
    l->q1 = l->q2 = 0;
}

/* queue `ev` at `when` (the caller checks when >= the last popped time); an
 * event already pending is moved (rescheduled, with a new seq). 0, or -1
 * when out of memory (then nothing changed).
 *
 * Inline, the calendar's common case: an idle event, before the horizon,
 * at or after the bound on its bucket's last event (an append), with no
 * reshaping or growth due (q->fast). It does exactly what ns_evq_cal_push
 * does then (the same seq, bucket, bound and count): the order of events
 * is not the path's. */
static inline int
ns_evq_push(ns_evq *q, ns_event *ev, ns_time when)
{
    if (q->fast && !ev->ln.q1 && (uint64_t)when < q->horizon) {
        ns_evbucket *b = ns_evq_bucket_of(q, when);
        if (b->head.q2 == (uintptr_t)&b->head || b->tail_max <= when) {
            ev->when_ps = when;
            ev->seq = q->next_seq++;
            ns_evbucket_append(b, ev);
            q->n++;
            q->ops++;
            q->fast--;
            return 0;
        }
    }
    return ns_evq_push_any(q, ev, when);
}
/* draw the seq the next push would give an event */
static inline uint64_t ns_evq_take_seq(ns_evq *q) { return q->next_seq++; }
/* queue `ev` at `when` with a seq drawn before (ns_evq_take_seq): an event
 * that stands for another queue's earliest event takes its place in the
 * order. Heap queues only. 0, or -1 when out of memory. */
int ns_evq_push_seq(ns_evq *q, ns_event *ev, ns_time when, uint64_t seq);
/* remove a pending event; no-op if it is idle */
void ns_evq_cancel(ns_evq *q, ns_event *ev);

/* remove and return the earliest event, NULL if empty.
 *
 * Inline, the calendar's common case: the current bucket's first event,
 * or the first of a bucket up to NS_EVQ_POP_STEPS further on, is due and
 * no reshaping is due (q->fast); as ns_evq_cal_pop does then (the same
 * buckets, bounds and counts). At 1,024 hosts one pop in nine found the
 * current bucket and the next empty, and ns_evq_cal_pop, which scanned
 * about three buckets for it, cost some 145 instructions. */
#define NS_EVQ_POP_STEPS 8
static inline ns_event *
ns_evq_pop(ns_evq *q)
{
    if (q->fast) {   /* an empty calendar's buckets are empty: it goes on to ns_evq_pop_any */
        ns_evlink *head = &q->bucket[q->cur].head, *l = (ns_evlink *)head->q1;
        ns_event *e = (ns_event *)((char *)l - offsetof(ns_event, ln));
        if (!(l != head && (uint64_t)e->when_ps < q->cur_top)) {
            /* or a later bucket's first, when it is due there and the
             * steps pass no event waiting in the heap (nothing to move
             * in) nor the clock's end: ns_evq_cal_pop's scan, which
             * starts again from the current bucket when this one gives up */
            uint64_t w = (uint64_t)1 << q->shift, top = q->cur_top, horizon = q->horizon;
            size_t cur = q->cur;
            for (unsigned k = 1;; k++) {
                if (k > NS_EVQ_POP_STEPS || horizon >= NS_EVQ_END - w || q->heap_top < horizon + w)
                    return ns_evq_pop_any(q);
                cur = (cur + 1) & (q->nb - 1);
                top += w;
                horizon += w;
                head = &q->bucket[cur].head;
                l = (ns_evlink *)head->q1;
                if (l == head)
                    continue;
                e = (ns_event *)((char *)l - offsetof(ns_event, ln));
                if ((uint64_t)e->when_ps >= top)
                    return ns_evq_pop_any(q);
                q->cur = cur;
                q->cur_top = top;
                q->horizon = horizon;
                q->scan += k;
                break;
            }
        }
        ns_evlink_unlink(e);
        q->n--;
        q->last = e->when_ps;
        q->ops++;
        q->fast--;
        return e;
    }
    return ns_evq_pop_any(q);
}
/* A look-ahead for a handler that fetches the memory of the events after
 * its own while it runs (the packet model's deliveries, port.c): the
 * calendar's next two events, as far as the current bucket's list and the
 * next bucket's show them (NULL past them, or on a heap), and the address
 * of the links of the event after the second (a bucket's head when it is
 * its bucket's last), to fetch its line without reading it. The next
 * bucket holds the interval after the current one's (events beyond the
 * horizon move in only as it passes them), so its first event is next
 * when the current bucket has no more. Pushes and cancels before their
 * turn may still change what comes next: a look-ahead only guesses, and a
 * wrong guess costs a wasted fetch. */
static inline const void *
ns_evq_peek(const ns_evq *q, const ns_event **e1, const ns_event **e2)
{
    *e1 = *e2 = NULL;
    if (q->kind != NS_EVQ_CALENDAR)
        return NULL;
    const ns_evlink *h = &q->bucket[q->cur].head;
    const ns_evlink *next = &q->bucket[(q->cur + 1) & (q->nb - 1)].head;
    const ns_evlink *l1 = (const ns_evlink *)h->q1;
    if (l1 == h) {
        h = next;
        l1 = (const ns_evlink *)h->q1;
        if (l1 == h)
            return NULL;
    }
    *e1 = (const ns_event *)((const char *)l1 - offsetof(ns_event, ln));
    const ns_evlink *l2 = (const ns_evlink *)l1->q1;
    if (l2 == h && h != next) {
        h = next;
        l2 = (const ns_evlink *)h->q1;
    }
    if (l2 == h)
        return NULL;
    *e2 = (const ns_event *)((const char *)l2 - offsetof(ns_event, ln));
    return (const void *)l2->q1;
}

/* 1 if an event is queued at time t, when none is queued before t (t is
 * the last popped time, the clock); O(1) */
int ns_evq_due_at(const ns_evq *q, ns_time t);
static inline size_t ns_evq_size(const ns_evq *q) { return q->n; }

#endif
