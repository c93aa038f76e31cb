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

/* the heap of entries; ev's when_ps and seq are its key */
int       ns_evheap_reserve(ns_evheap *h, size_t n);   /* room for n: 0, or -1 (no memory) */
int       ns_evheap_insert(ns_evheap *h, ns_event *ev); /* 0, or -1 (no memory; nothing changed) */
void      ns_evheap_remove(ns_evheap *h, ns_event *ev); /* ev is in h */
ns_event *ns_evheap_pop(ns_evheap *h);                  /* h is not empty */
static inline ns_time ns_evheap_top_when(const ns_evheap *h) { return (ns_time)(uint64_t)(h->ent[0].key >> 64); }
static inline int ns_evheap_has(const ns_event *ev) { return (ev->ln.q1 & 1) != 0; }

int       ns_evq_heap_init(ns_evq *q);
void      ns_evq_heap_destroy(ns_evq *q);
int       ns_evq_heap_push(ns_evq *q, ns_event *ev, ns_time when);
void      ns_evq_heap_cancel(ns_evq *q, ns_event *ev);
ns_event *ns_evq_heap_pop(ns_evq *q);
int       ns_evq_heap_due_at(const ns_evq *q, ns_time t);

#endif
