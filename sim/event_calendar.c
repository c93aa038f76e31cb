/*
 * event_calendar.c - the calendar queue (see event.h).
 *
 * nb buckets of width w = 2^shift ps; an event at time t lives in bucket
 * (t / w) mod nb, in a list sorted by (time, seq) whose head is a bare link
 * (the bucket array is dense). An event's ln.q1 and ln.q2 are its next and
 * previous in that list (q1 is 0 when it is not queued, odd when it waits
 * in the heap below). A bucket also keeps a bound on its last event's time
 * (ns_evbucket.tail_max): most inserts are appends, and with the bound they
 * neither read nor wait for the last event, an owner (a port, a host) that
 * is seldom still in the cache. Removing the last event leaves the bound
 * high, which is safe: an insert below it walks back through the real
 * events, as it would without the bound, and an append makes it exact again.
 *
 * The buckets hold one year (nb x w) from the start of the current bucket,
 * up to the horizon; later events (timers, mostly) wait in a heap
 * (event_heap.c) and move into their buckets as the horizon passes them. So
 * a bucket holds the events of one interval only, a pop finds the next
 * event within one turn of the buckets, and an insert never steps over
 * events a year later. A new event has the largest seq so far, so it goes
 * after every event of equal time; an event from the heap moves in before
 * any event of its time can be pushed into the buckets (the horizon passes
 * it first), so it too goes after every equal one already there.
 *
 * Shape: the bucket count doubles as the events in the buckets grow past
 * 2 nb, and halves as they fall below nb / 16; the width starts at 1 ns and
 * follows the work measured. (Brown's estimate of the width, about three
 * events per bucket at the head of the queue, assumes events spread
 * evenly. The packet model's are not: hosts that start together send in
 * step, so events crowd at a few instants of every serialization time, a
 * short packet (an ACK) is scheduled among the long ones already queued,
 * and timers lie far out. At 1,024 hosts it left inserts walking about five
 * events each, every step a cache miss on another event's owner.) Every
 * TUNE_EVERY operations the measured work steers the shape: inserts
 * stepping over later events, above one step in WALK_HALVES operations
 * (3: at 1,024 hosts the walks sat at one in two operations, on the
 * edge, when a NIC's control packets moved its next send),
 * halve the width (and double the count, keeping the year, up
 * to MAX_PER_EVENT buckets per event; past it, only if pops scan little);
 * pops stepping over empty buckets (a sequential read, but some twenty
 * instructions a step) above SCAN_MAX per operation with few walks double
 * the width (and halve the count); pushes into the heap above one in
 * SPILL_MIN operations double the count (the year is shorter than the
 * events' horizon; 32: under uec at 128 hosts one push in ten went
 * through the heap, deliveries behind queues of up to 10 us, below the
 * old threshold of one operation in eight), or, when the count may not
 * grow (a small fabric: a few dozen events spread over a microsecond),
 * double the width if inserts walk little. (Without that rule a 16-host run kept a year of 128 ns,
 * scanning 3.6 empty buckets an operation and sending a third of its
 * pushes through the heap.) The gaps between the thresholds keep the
 * shape from swinging back and forth. The order of events is (time, seq)
 * whatever the shape: only the cost changes.
 */
#include <config.h>
#include "event_int.h"

#include <stddef.h>
#include <stdlib.h>
#include "alloc.h"

#define MIN_BUCKETS   64
#define TUNE_EVERY    NS_EVQ_TUNE_EVERY   /* operations between checks of the work per operation (event.h) */
#define WALK_HALVES   3      /* 1 / WALK_HALVES insert steps per operation call for narrower buckets */
#define SCAN_MAX      1      /* empty-bucket steps per operation that call for wider ones */
#define SPILL_MIN     32     /* one push in SPILL_MIN into the heap calls for more buckets */
#define MAX_PER_EVENT 8      /* buckets per event in the buckets, as the count grows */

/* a list's nodes are links: a bucket's head, or an event's `ln` */
typedef ns_evlink link;
static inline link *next_of(const link *l) { return (link *)l->q1; }
static inline link *prev_of(const link *l) { return (link *)l->q2; }
static inline void set_next(link *l, link *v) { l->q1 = (uintptr_t)v; }
static inline void set_prev(link *l, link *v) { l->q2 = (uintptr_t)v; }
static inline ns_event *ev_of(link *l) { return (ns_event *)((char *)l - offsetof(ns_event, ln)); }

static inline int
ev_less(const ns_event *a, const ns_event *b)
{
    return a->when_ps < b->when_ps || (a->when_ps == b->when_ps && a->seq < b->seq);
}

static void
init_buckets(ns_evbucket *b, size_t nb)
{
    for (size_t i = 0; i < nb; i++) {
        set_next(&b[i].head, &b[i].head);
        set_prev(&b[i].head, &b[i].head);
        b[i].tail_max = 0;
    }
}

static inline void
insert_after(link *p, ns_event *ev)
{
    link *l = &ev->ln;
    set_prev(l, p);
    set_next(l, next_of(p));
    set_prev(next_of(p), l);
    set_next(p, l);
}

/* events in the buckets (the rest wait in the heap) */
static inline size_t in_buckets(const ns_evq *q) { return q->n - q->heap.n; }

/* one past the clock's last instant: where interval ends stop */
#define END NS_EVQ_END

static inline uint64_t
add_end(uint64_t a, uint64_t b)
{
    return a + b > END ? END : a + b;   /* no overflow: a <= 2^63, b <= 2^63 */
}

/* insert into its bucket, walking back from the tail (new events are late) */
static inline void
link_ev(ns_evq *q, ns_event *ev)
{
    ns_evbucket *b = ns_evq_bucket_of(q, ev->when_ps);
    link *head = &b->head, *tail = prev_of(head);
    if (tail == head || b->tail_max <= ev->when_ps) {
        ns_evbucket_append(b, ev);
        return;
    }
    link *p = tail;
    while (p != head && ev_of(p)->when_ps > ev->when_ps) {
        p = prev_of(p);
        q->walk++;
    }
    if (p == tail)
        ns_evbucket_append(b, ev);   /* the bound was high: the last event had gone */
    else
        insert_after(p, ev);
}

/* 1 if an event at t waits in the heap: at or past the horizon */
static inline int
beyond(const ns_evq *q, ns_time t)
{
    return (uint64_t)t >= q->horizon;
}

/* after the heap changed */
static inline void
note_heap(ns_evq *q)
{
    q->heap_top = q->heap.n ? (uint64_t)ns_evheap_top_when(&q->heap) : END;
}

/* the heap's events the horizon has passed go to their buckets */
static inline void
migrate(ns_evq *q)
{
    if (q->heap_top >= q->horizon)
        return;
    while (q->heap.n && !beyond(q, ns_evheap_top_when(&q->heap)))
        link_ev(q, ns_evheap_pop(&q->heap));
    note_heap(q);
}

/* make the bucket of t current */
static void
set_current(ns_evq *q, ns_time t)
{
    q->cur = ((uint64_t)t >> q->shift) & (q->nb - 1);
    uint64_t start = ((uint64_t)t >> q->shift) << q->shift;
    q->cur_top = add_end(start, (uint64_t)1 << q->shift);
    q->horizon = add_end(start, q->year);
}

static void
set_shape(ns_evq *q, size_t nb, unsigned shift)
{
    q->nb = nb;
    q->shift = shift;
    unsigned bits = 0;
    while (((size_t)1 << bits) < nb)
        bits++;
    q->year = shift + bits >= 63 ? END : (uint64_t)nb << shift;
}

static inline int
due(const ns_evq *q, const ns_event *e)
{
    return (uint64_t)e->when_ps < q->cur_top;
}

/* the operations the inline push and pop (event.h) may take before these
 * must look again: up to the shape's next check (account), and while the
 * buckets stay at or below 2 nb events even if every one is a push (a pop
 * only makes room) */
static void
refill(ns_evq *q)
{
    size_t ncal = in_buckets(q), room = ncal < 2 * q->nb ? 2 * q->nb - ncal : 0;
    size_t tune = q->ops < TUNE_EVERY - 1 ? TUNE_EVERY - 1 - q->ops : 0;
    q->fast = room < tune ? room : tune;
}

int
ns_evq_cal_init(ns_evq *q)
{
    q->bucket = ns_alloc(MIN_BUCKETS * sizeof *q->bucket);
    if (!q->bucket)
        return -1;
    set_shape(q, MIN_BUCKETS, 10);   /* 1 ns buckets */
    init_buckets(q->bucket, q->nb);
    set_current(q, 0);
    note_heap(q);
    refill(q);
    return 0;
}

void
ns_evq_cal_destroy(ns_evq *q)
{
    /* the pending events' owners may already be gone: do not touch them */
    ns_free(q->bucket);
    ns_free(q->heap.ent);
    q->bucket = NULL;
    q->heap.ent = NULL;
    q->heap.n = q->heap.cap = 0;
    q->n = 0;
}

static int
cmp_ev(const void *a, const void *b)
{
    const ns_event *x = *(ns_event *const *)a, *y = *(ns_event *const *)b;
    return ev_less(x, y) ? -1 : ev_less(y, x);
}

/* rebuild with `nb` buckets of width 2^shift; on failure the old calendar
 * stays, still correct */
static void
rebuild(ns_evq *q, size_t nb, unsigned shift)
{
    ns_event **all = ns_alloc((q->n ? q->n : 1) * sizeof *all);
    ns_evbucket *nbk = ns_alloc(nb * sizeof *nbk);
    q->ops = q->walk = q->scan = q->spill = 0;
    if (!all || !nbk || ns_evheap_reserve(&q->heap, q->n)) {
        ns_free(all);
        ns_free(nbk);
        return;
    }
    size_t k = 0;
    for (size_t i = 0; i < q->nb; i++)
        for (link *l = next_of(&q->bucket[i].head); l != &q->bucket[i].head; l = next_of(l))
            all[k++] = ev_of(l);
    for (size_t i = 0; i < q->heap.n; i++)
        all[k++] = q->heap.ent[i].ev;
    q->heap.n = 0;
    qsort(all, k, sizeof *all, cmp_ev);
    ns_free(q->bucket);
    q->bucket = nbk;
    init_buckets(nbk, nb);
    set_shape(q, nb, shift);
    set_current(q, q->last);
    for (size_t i = 0; i < k; i++) {
        /* globally sorted: appending keeps every bucket sorted; the heap
         * takes them in order, each at its end (room reserved above) */
        if (!beyond(q, all[i]->when_ps))
            ns_evbucket_append(ns_evq_bucket_of(q, all[i]->when_ps), all[i]);
        else
            ns_evheap_insert(&q->heap, all[i]);
    }
    note_heap(q);
    ns_free(all);
}

/* every TUNE_EVERY operations: shrink, or reshape if the work per
 * operation calls for it (see the top) */
static void
account(ns_evq *q)
{
    if (++q->ops < TUNE_EVERY)
        return;
    size_t nb = q->nb, ncal = in_buckets(q);
    int more = nb < MAX_PER_EVENT * ncal;
    if (ncal < nb / 16 && nb > MIN_BUCKETS)
        rebuild(q, nb / 2, q->shift);
    else if (q->spill > TUNE_EVERY / SPILL_MIN && more)
        rebuild(q, nb * 2, q->shift);
    else if (q->walk > TUNE_EVERY / WALK_HALVES && q->shift > 0 && (more || q->scan < TUNE_EVERY))
        rebuild(q, more ? nb * 2 : nb, q->shift - 1);
    else if (q->scan > SCAN_MAX * TUNE_EVERY && q->walk < TUNE_EVERY / (4 * WALK_HALVES) && q->shift < 50)
        rebuild(q, nb > MIN_BUCKETS ? nb / 2 : nb, q->shift + 1);
    else if (q->spill > TUNE_EVERY / SPILL_MIN && q->walk < TUNE_EVERY / (4 * WALK_HALVES) && q->shift < 50)
        rebuild(q, nb, q->shift + 1);   /* the year is short and the buckets may not multiply: wider */
    q->ops = q->walk = q->scan = q->spill = 0;
}

static int
cal_push(ns_evq *q, ns_event *ev, ns_time when)
{
    int far = beyond(q, when);
    if (far && !ns_evheap_has(ev) && ns_evheap_reserve(&q->heap, q->heap.n + 1))
        return -1;   /* nothing changed */
    if (ev->ln.q1) {
        if (ns_evheap_has(ev)) {
            ns_evheap_remove(&q->heap, ev);
            note_heap(q);
        } else {
            ns_evlink_unlink(ev);
        }
        q->n--;
    }
    ev->when_ps = when;
    ev->seq = q->next_seq++;
    q->n++;
    if (far) {
        ns_evheap_insert(&q->heap, ev);   /* cannot fail: room reserved */
        note_heap(q);
        q->spill++;
    } else {
        link_ev(q, ev);
    }
    if (in_buckets(q) > 2 * q->nb)
        rebuild(q, q->nb * 2, q->shift);
    else
        account(q);
    return 0;
}

int
ns_evq_cal_push(ns_evq *q, ns_event *ev, ns_time when)
{
    int rc = cal_push(q, ev, when);
    refill(q);
    return rc;
}

void
ns_evq_cal_cancel(ns_evq *q, ns_event *ev)
{
    if (!ev->ln.q1)
        return;
    if (ns_evheap_has(ev)) {
        ns_evheap_remove(&q->heap, ev);
        note_heap(q);
    } else {
        ns_evlink_unlink(ev);
    }
    q->n--;
}

/* an event at t is in t's bucket (t is the clock: before the horizon),
 * whose list is sorted: with none queued before t, it is that list's first */
int
ns_evq_cal_due_at(const ns_evq *q, ns_time t)
{
    if (q->n == 0)
        return 0;
    const link *head = &ns_evq_bucket_of(q, t)->head;
    link *l = next_of(head);
    return l != head && ev_of(l)->when_ps == t;
}

/* the earliest event in the buckets, by looking at every bucket's head */
static ns_event *
direct_search(ns_evq *q)
{
    ns_event *best = NULL;
    for (size_t i = 0; i < q->nb; i++) {
        link *l = next_of(&q->bucket[i].head);
        if (l != &q->bucket[i].head && (!best || ev_less(ev_of(l), best)))
            best = ev_of(l);
    }
    return best;
}

static ns_event *
cal_pop(ns_evq *q)
{
    if (q->n == 0)
        return NULL;
    account(q);
    for (;;) {
        if (in_buckets(q) == 0) {   /* all wait in the heap: jump to its earliest */
            set_current(q, ns_evheap_top_when(&q->heap));
            migrate(q);
        }
        /* the buckets' events lie within a year of the current bucket: one turn finds the first */
        uint64_t w = (uint64_t)1 << q->shift;
        for (size_t i = 0; i < q->nb; i++) {
            link *head = &q->bucket[q->cur].head;
            link *l = next_of(head);
            ns_event *e = ev_of(l);
            if (l != head && due(q, e)) {
                ns_evlink_unlink(e);
                q->n--;
                q->last = e->when_ps;
                return e;
            }
            q->cur = (q->cur + 1) & (q->nb - 1);
            q->cur_top = add_end(q->cur_top, w);
            q->horizon = add_end(q->horizon, w);
            q->scan++;
            migrate(q);
        }
        /* not reached while the buckets hold one year; a safeguard */
        ns_event *e = direct_search(q);
        if (e)
            set_current(q, e->when_ps);
    }
}

ns_event *
ns_evq_cal_pop(ns_evq *q)
{
    ns_event *e = cal_pop(q);
    refill(q);
    return e;
}
