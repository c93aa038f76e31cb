/*
 * event.c - the event queue's interface, dispatching to the calendar
 * (event_calendar.c) or the heap (event_heap.c); see event.h.
 */
#include <config.h>
#include "event.h"

#include <string.h>
#include "event_int.h"

int
ns_evq_init(ns_evq *q, int kind)
{
    memset(q, 0, sizeof *q);
    q->kind = kind;
    return kind == NS_EVQ_HEAP ? ns_evq_heap_init(q) : ns_evq_cal_init(q);
}

void
ns_evq_destroy(ns_evq *q)
{
    if (q->kind == NS_EVQ_HEAP)
        ns_evq_heap_destroy(q);
    else
        ns_evq_cal_destroy(q);
}

int
ns_evq_push_any(ns_evq *q, ns_event *ev, ns_time when)
{
    return q->kind == NS_EVQ_HEAP ? ns_evq_heap_push(q, ev, when) : ns_evq_cal_push(q, ev, when);
}

void
ns_evq_cancel(ns_evq *q, ns_event *ev)
{
    if (q->kind == NS_EVQ_HEAP)
        ns_evq_heap_cancel(q, ev);
    else
        ns_evq_cal_cancel(q, ev);
}

ns_event *
ns_evq_pop_any(ns_evq *q)
{
    return q->kind == NS_EVQ_HEAP ? ns_evq_heap_pop(q) : ns_evq_cal_pop(q);
}

int
ns_evq_due_at(const ns_evq *q, ns_time t)
{
    return q->kind == NS_EVQ_HEAP ? ns_evq_heap_due_at(q, t) : ns_evq_cal_due_at(q, t);
}
