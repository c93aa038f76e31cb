/*
 * event.h - the event queue: a calendar queue ordered by (time, insertion seq).
 *
 * Events are embedded in their owners (a packet, a host NIC, a flow timer,
 * the task-graph driver): scheduling never allocates once the queue has
 * grown to its working size. Equal times fire in insertion order, so ties
 * break the same way on every run.
 *
 * The calendar queue (R. Brown, CACM 1988) hashes an event's time into one of
 * nb buckets of width w picoseconds (a "year" is nb x w); each bucket is a
 * list sorted by (time, seq). Insertion and removal cost O(1) on average
 * while the width matches the density of events; the queue re-estimates the
 * width and the bucket count as it grows, shrinks, or finds itself scanning
 * too much. Cancel and reschedule are O(1).
 */
#ifndef NS_EVENT_H
#define NS_EVENT_H

#include <stddef.h>
#include <stdint.h>
#include "time.h"

typedef struct ns_event ns_event;
typedef struct ns_evq ns_evq;
typedef void ns_event_fn(void *sim, ns_event *ev);

struct ns_event {
    ns_time      when_ps;   /* absolute firing time */
    uint64_t     seq;       /* insertion order: equal times fire FIFO */
    ns_event    *next, *prev;   /* bucket list; next is NULL when not queued */
    ns_event_fn *fn;        /* fn(sim, ev); the owner is found from ev */
};

struct ns_evq {
    ns_event *bucket;       /* nb list heads (sentinels) */
    size_t    nb;           /* a power of two */
    unsigned  shift;        /* w = 2^shift picoseconds */
    size_t    cur;          /* bucket of the current time */
    ns_time   cur_top;      /* end of the current bucket's interval */
    ns_time   last;         /* time of the last event popped */
    size_t    n;
    uint64_t  next_seq;
    uint64_t  pops, work;   /* cost accounting, to re-tune the width */
};

static inline void
ns_event_init(ns_event *ev, ns_event_fn *fn)
{
    ev->when_ps = 0;
    ev->seq = 0;
    ev->next = ev->prev = NULL;
    ev->fn = fn;
}

static inline int ns_event_pending(const ns_event *ev) { return ev->next != NULL; }

/* 0, or -1 when out of memory */
int ns_evq_init(ns_evq *q);
/* free the buckets; pending events are forgotten, not touched */
void ns_evq_destroy(ns_evq *q);
/* queue `ev` at `when` (the caller checks when >= the last popped time).
 * An event already pending is moved (rescheduled, with a new seq).
 * Never fails: growing the calendar is an optimisation. Returns 0. */
int ns_evq_push(ns_evq *q, ns_event *ev, ns_time when);
/* remove a pending event; no-op if it is idle */
void ns_evq_cancel(ns_evq *q, ns_event *ev);
/* remove and return the earliest event, NULL if empty */
ns_event *ns_evq_pop(ns_evq *q);
static inline size_t ns_evq_size(const ns_evq *q) { return q->n; }

#endif
