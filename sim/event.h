/*
 * event.h - the event queue: a binary heap ordered by (time, insertion seq).
 *
 * Events are embedded in their owners (a packet, a host NIC, a flow timer,
 * the task-graph driver): scheduling never allocates once the heap has
 * grown to its working size. Equal times fire in insertion order, so ties
 * break the same way on every run. heap_idx makes cancel and reschedule
 * O(log n) and lets a caller ask whether an event is pending.
 */
#ifndef NS_EVENT_H
#define NS_EVENT_H

#include <stddef.h>
#include <stdint.h>
#include "time.h"

typedef struct ns_event ns_event;
typedef struct ns_evq ns_evq;
typedef void ns_event_fn(void *sim, ns_event *ev);

#define NS_EV_IDLE SIZE_MAX

struct ns_event {
    ns_time      when_ps;   /* absolute firing time */
    uint64_t     seq;       /* insertion order: equal times fire FIFO */
    size_t       heap_idx;  /* slot in the heap, NS_EV_IDLE when not queued */
    ns_event_fn *fn;        /* fn(sim, ev); the owner is found from ev */
};

/* heap entries carry the key so that sifting does not chase pointers */
typedef struct ns_evq_ent {
    ns_time   when_ps;
    uint64_t  seq;
    ns_event *ev;
} ns_evq_ent;

struct ns_evq {
    ns_evq_ent *ent;
    size_t      n, cap;
    uint64_t    next_seq;
};

static inline void
ns_event_init(ns_event *ev, ns_event_fn *fn)
{
    ev->when_ps = 0;
    ev->seq = 0;
    ev->heap_idx = NS_EV_IDLE;
    ev->fn = fn;
}

static inline int ns_event_pending(const ns_event *ev) { return ev->heap_idx != NS_EV_IDLE; }

void ns_evq_init(ns_evq *q);
/* free the heap; pending events are forgotten, not touched */
void ns_evq_destroy(ns_evq *q);
/* reserve room for `n` pending events; 0 or -1 (out of memory) */
int ns_evq_reserve(ns_evq *q, size_t n);
/* queue `ev` at `when`; the caller checks when >= now. 0 or -1 (no memory).
 * An event already pending is moved (rescheduled, with a new seq). */
int ns_evq_push(ns_evq *q, ns_event *ev, ns_time when);
/* remove a pending event; no-op if it is idle */
void ns_evq_cancel(ns_evq *q, ns_event *ev);
/* remove and return the earliest event, NULL if empty */
ns_event *ns_evq_pop(ns_evq *q);
static inline size_t ns_evq_size(const ns_evq *q) { return q->n; }
static inline ns_time ns_evq_top_time(const ns_evq *q) { return q->n ? q->ent[0].when_ps : NS_TIME_MAX; }

#endif
