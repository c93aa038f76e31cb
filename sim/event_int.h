/*
 * event_int.h - the two event-queue implementations behind event.h.
 */
#ifndef NS_EVENT_INT_H
#define NS_EVENT_INT_H

#include "event.h"

int       ns_evq_cal_init(ns_evq *q);
void      ns_evq_cal_destroy(ns_evq *q);
int       ns_evq_cal_push(ns_evq *q, ns_event *ev, ns_time when);
void      ns_evq_cal_cancel(ns_evq *q, ns_event *ev);
ns_event *ns_evq_cal_pop(ns_evq *q);
int       ns_evq_cal_due_at(const ns_evq *q, ns_time t);

int       ns_evq_heap_init(ns_evq *q);
void      ns_evq_heap_destroy(ns_evq *q);
int       ns_evq_heap_push(ns_evq *q, ns_event *ev, ns_time when);
void      ns_evq_heap_cancel(ns_evq *q, ns_event *ev);
ns_event *ns_evq_heap_pop(ns_evq *q);
int       ns_evq_heap_due_at(const ns_evq *q, ns_time t);

#endif
