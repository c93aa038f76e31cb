/*
 * event_calendar.c - the calendar queue (see event.h).
 *
 * nb buckets of width w = 2^shift ps; an event at time t lives in bucket
 * (t / w) mod nb, in a list sorted by (time, seq) with a sentinel head. An
 * event's q1 and q2 are its next and previous in that list (q1 is 0 when it
 * is not queued).
 *
 * Invariant: every queued event has when_ps >= the start of the current
 * bucket's interval (cur_top - w), because nothing is scheduled before the
 * last popped time. A new event has the largest seq so far, so it goes after
 * every event of equal time.
 *
 * Tuning: the width is re-estimated (about three events per bucket near the
 * head of the queue) and the bucket count doubled or halved when the queue
 * grows past 2 nb or shrinks below nb / 4, and whenever list walks and bucket
 * scans average more than TUNE_LIMIT steps per operation.
 */
#include <config.h>
#include "event_int.h"

#include <stdlib.h>
#include "alloc.h"

#define MIN_BUCKETS 64
#define TUNE_EVERY  8192     /* operations between checks of the work per operation */
#define TUNE_LIMIT  16       /* list steps per operation that call for a re-tune */

static inline ns_event *next_of(const ns_event *e) { return (ns_event *)e->q1; }
static inline ns_event *prev_of(const ns_event *e) { return (ns_event *)e->q2; }
static inline void set_next(ns_event *e, ns_event *v) { e->q1 = (uintptr_t)v; }
static inline void set_prev(ns_event *e, ns_event *v) { e->q2 = (uintptr_t)v; }

static inline int
ev_less(const ns_event *a, const ns_event *b)
{
    return a->when_ps < b->when_ps || (a->when_ps == b->when_ps && a->seq < b->seq);
}

static void
init_buckets(ns_event *b, size_t nb)
{
    for (size_t i = 0; i < nb; i++) {
        set_next(&b[i], &b[i]);
        set_prev(&b[i], &b[i]);
    }
}

static inline void
unlink_ev(ns_event *ev)
{
    set_next(prev_of(ev), next_of(ev));
    set_prev(next_of(ev), prev_of(ev));
    ev->q1 = ev->q2 = 0;
}

static inline void
insert_after(ns_event *p, ns_event *ev)
{
    set_prev(ev, p);
    set_next(ev, next_of(p));
    set_prev(next_of(p), ev);
    set_next(p, ev);
}

static inline ns_event *
bucket_of(const ns_evq *q, ns_time t)
{
    return &q->bucket[((uint64_t)t >> q->shift) & (q->nb - 1)];
}

/* insert into its bucket, walking back from the tail (new events are late) */
static inline void
link_ev(ns_evq *q, ns_event *ev)
{
    ns_event *head = bucket_of(q, ev->when_ps);
    ns_event *p = prev_of(head);
    while (p != head && p->when_ps > ev->when_ps) {
        p = prev_of(p);
        q->work++;
    }
    insert_after(p, ev);
}

/* the end of the current bucket's interval stops at NS_TIME_MAX: the
 * interval that holds the clock's last instant ends there, inclusive */
static void
set_current(ns_evq *q, ns_time t)
{
    q->cur = ((uint64_t)t >> q->shift) & (q->nb - 1);
    uint64_t top = (((uint64_t)t >> q->shift) + 1) << q->shift;
    q->cur_top = top > (uint64_t)NS_TIME_MAX ? NS_TIME_MAX : (ns_time)top;
}

static inline int
due(const ns_evq *q, const ns_event *e)
{
    return e->when_ps < q->cur_top || q->cur_top == NS_TIME_MAX;
}

int
ns_evq_cal_init(ns_evq *q)
{
    q->nb = MIN_BUCKETS;
    q->shift = 10;           /* 1 ns buckets until the first re-tune */
    q->bucket = ns_alloc(q->nb * sizeof *q->bucket);
    if (!q->bucket)
        return -1;
    init_buckets(q->bucket, q->nb);
    set_current(q, 0);
    return 0;
}

void
ns_evq_cal_destroy(ns_evq *q)
{
    /* the pending events' owners may already be gone: do not touch them */
    ns_free(q->bucket);
    q->bucket = NULL;
    q->n = 0;
}

static int
cmp_ev(const void *a, const void *b)
{
    const ns_event *x = *(ns_event *const *)a, *y = *(ns_event *const *)b;
    return ev_less(x, y) ? -1 : ev_less(y, x);
}

/* the bucket width: about three events per bucket near the head of the
 * queue (Brown's rule, with simultaneous events counted), as a power of two */
static unsigned
estimate_shift(ns_event **sorted, size_t n, unsigned old)
{
    size_t k = n < 256 ? n : 256;
    if (k < 2)
        return old;
    ns_time span = sorted[k - 1]->when_ps - sorted[0]->when_ps;
    if (span <= 0)
        return old;
    uint64_t w = (uint64_t)(3 * (unsigned __int128)span / (k - 1));
    unsigned s = 0;
    while (s < 50 && ((uint64_t)1 << (s + 1)) <= w)
        s++;
    return s;
}

/* rebuild with `nb` buckets and a width estimated from the events; on
 * failure the old calendar stays, still correct */
static void
rebuild(ns_evq *q, size_t nb)
{
    ns_event **all = ns_alloc((q->n ? q->n : 1) * sizeof *all);
    ns_event *nbk = ns_alloc(nb * sizeof *nbk);
    q->ops = q->work = 0;
    if (!all || !nbk) {
        ns_free(all);
        ns_free(nbk);
        return;
    }
    size_t k = 0;
    for (size_t i = 0; i < q->nb; i++)
        for (ns_event *e = next_of(&q->bucket[i]); e != &q->bucket[i]; e = next_of(e))
            all[k++] = e;
    qsort(all, k, sizeof *all, cmp_ev);
    ns_free(q->bucket);
    q->bucket = nbk;
    q->nb = nb;
    init_buckets(nbk, nb);
    q->shift = estimate_shift(all, k, q->shift);
    for (size_t i = 0; i < k; i++) {
        /* globally sorted: appending keeps every bucket sorted */
        ns_event *head = bucket_of(q, all[i]->when_ps);
        insert_after(prev_of(head), all[i]);
    }
    set_current(q, q->last);
    ns_free(all);
}

/* every TUNE_EVERY operations: resize, or re-estimate the width if too much work */
static void
account(ns_evq *q)
{
    if (++q->ops < TUNE_EVERY)
        return;
    size_t nb = q->nb;
    if (q->n < nb / 4 && nb > MIN_BUCKETS)
        nb /= 2;
    if (q->work > TUNE_LIMIT * TUNE_EVERY || nb != q->nb)
        rebuild(q, nb);
    q->ops = q->work = 0;
}

int
ns_evq_cal_push(ns_evq *q, ns_event *ev, ns_time when)
{
    if (ev->q1) {
        unlink_ev(ev);
        q->n--;
    }
    ev->when_ps = when;
    ev->seq = q->next_seq++;
    link_ev(q, ev);
    q->n++;
    if (q->n > 2 * q->nb)
        rebuild(q, q->nb * 2);
    else
        account(q);
    return 0;
}

void
ns_evq_cal_cancel(ns_evq *q, ns_event *ev)
{
    if (ev->q1) {
        unlink_ev(ev);
        q->n--;
    }
}

/* an event at t is in t's bucket, whose list is sorted: with none queued
 * before t, it is that list's first */
int
ns_evq_cal_due_at(const ns_evq *q, ns_time t)
{
    if (q->n == 0)
        return 0;
    const ns_event *head = &q->bucket[((uint64_t)t >> q->shift) & (q->nb - 1)];
    const ns_event *e = next_of(head);
    return e != head && e->when_ps == t;
}

/* the earliest event of all, by looking at every bucket's head */
static ns_event *
direct_search(ns_evq *q)
{
    ns_event *best = NULL;
    for (size_t i = 0; i < q->nb; i++) {
        ns_event *e = next_of(&q->bucket[i]);
        if (e != &q->bucket[i] && (!best || ev_less(e, best)))
            best = e;
    }
    return best;
}

ns_event *
ns_evq_cal_pop(ns_evq *q)
{
    if (q->n == 0)
        return NULL;
    account(q);
    for (;;) {
        for (size_t i = 0; i < q->nb; i++) {
            ns_event *head = &q->bucket[q->cur];
            ns_event *e = next_of(head);
            if (e != head && due(q, e)) {
                unlink_ev(e);
                q->n--;
                q->last = e->when_ps;
                return e;
            }
            q->cur = (q->cur + 1) & (q->nb - 1);
            ns_time w = (ns_time)1 << q->shift;
            q->cur_top = q->cur_top > NS_TIME_MAX - w ? NS_TIME_MAX : q->cur_top + w;
            q->work++;
        }
        /* a whole year without a due event: jump to the earliest */
        set_current(q, direct_search(q)->when_ps);
    }
}
