/*
 * flow_events.h - the flow model's own queue of subflow events.
 *
 * Every live subflow has one pending event ("sent", then "delivered"), and a
 * re-solve moves the events of every subflow whose rate changed: millions
 * of events at a time on a big all-to-all. In the simulator's heap each
 * move writes the event's new slot into every event it passes, a cache
 * miss per level. Here the queue is lazy: an entry names a subflow and the
 * subflow's event generation; moving or cancelling an event bumps the
 * generation and leaves the old entry stale, to be dropped when it reaches
 * the top (or all at once when stale entries outnumber the live ones).
 *
 * A solve that schedules many events at once (the first solve of a big
 * all-to-all schedules one per flow) can give them as a batch
 * (ns_fevq_bulk_begin/end): a big batch is sorted by time once and kept as
 * a sorted run, popped in order with no sifting; the heap keeps the rest.
 *
 * Entries are ordered by (time, seq) with seq drawn from the simulator's
 * own counter when the event is scheduled, and the flow model keeps one
 * simulator event at the key of the earliest live entry (ns_sim_at_seq):
 * events fire in exactly the order the simulator's queue would give them.
 */
#ifndef NS_FLOW_EVENTS_H
#define NS_FLOW_EVENTS_H

#include <stddef.h>
#include <stdint.h>
#include "sim/time.h"

/* An entry is 20 bytes (a big all-to-all keeps one a flow, 16.8 million at
 * 4,096 hosts): the seq in the high 48 bits of `sg`, the generation in the
 * low 16. Seqs are distinct, so `sg` orders entries as the seq does. A seq
 * must be below NS_FEVQ_SEQ_END (2.8e14 events: the caller checks). */
#define NS_FEVQ_GEN_BITS 16
#define NS_FEVQ_SEQ_END  (UINT64_C(1) << (64 - NS_FEVQ_GEN_BITS))
typedef struct __attribute__((packed, aligned(4))) ns_fevq_ent {
    uint64_t when;     /* ps */
    uint64_t sg;       /* seq << 16 | gen */
    uint32_t idx;      /* the subflow */
} ns_fevq_ent;
_Static_assert(sizeof(ns_fevq_ent) == 20, "an event entry outgrew its 20 bytes");

static inline uint64_t
ns_fevq_seq(const ns_fevq_ent *x)
{
    return x->sg >> NS_FEVQ_GEN_BITS;
}

/* the subflow's event generation when it was scheduled */
static inline uint16_t
ns_fevq_gen(const ns_fevq_ent *x)
{
    return (uint16_t)x->sg;
}

/* is entry (idx, gen) still the subflow's pending event? */
typedef int ns_fevq_live_fn(void *ctx, uint32_t idx, uint16_t gen);

typedef struct ns_fevq {
    ns_fevq_ent     *e;         /* the heap */
    size_t           n, cap;
    ns_fevq_ent     *run;       /* the sorted run: run[rh .. rn) are left */
    size_t           rh, rn;
    ns_fevq_ent     *buf;       /* a batch being given */
    size_t           nbuf, buf_cap;
    int              bulk;      /* 1: between bulk_begin and bulk_end */
    size_t           run_min;   /* a batch this big or bigger becomes a run (65,536) */
    size_t           live;      /* entries still pending (heap, run and batch) */
    ns_fevq_live_fn *is_live;
    void            *ctx;
} ns_fevq;

void ns_fevq_init(ns_fevq *q, ns_fevq_live_fn *is_live, void *ctx);
void ns_fevq_free(ns_fevq *q);
/* room for one more entry: 0, or -1 when out of memory */
int  ns_fevq_reserve(ns_fevq *q);
/* a live entry (room reserved; seq < NS_FEVQ_SEQ_END) */
void ns_fevq_push(ns_fevq *q, ns_time when, uint64_t seq, uint32_t idx, uint16_t gen);
/* a live entry went stale (its subflow's generation was bumped) */
void ns_fevq_stale(ns_fevq *q);
/* drop every stale entry (when a generation wraps) */
void ns_fevq_compact(ns_fevq *q);
/* the earliest live entry, or NULL when none is pending */
const ns_fevq_ent *ns_fevq_top(ns_fevq *q);
/* the earliest entry, live or stale, without dropping any (the top, when
 * nothing went stale since ns_fevq_top); NULL when empty */
const ns_fevq_ent *ns_fevq_first(const ns_fevq *q);
/* the entry k places behind the sorted run's head, live or stale, or NULL:
 * what is likely to fire soon, to prefetch */
static inline const ns_fevq_ent *
ns_fevq_ahead(const ns_fevq *q, size_t k)
{
    return q->rh + k < q->rn ? &q->run[q->rh + k] : NULL;
}
/* pushes between these two are a batch; bulk_end puts it in place: a big
 * batch into the sorted run (into the heap, slower, when there is no memory
 * to merge it), a small one into the heap. 0, or -1 when the heap could not
 * grow to take it */
void ns_fevq_bulk_begin(ns_fevq *q);
int  ns_fevq_bulk_end(ns_fevq *q);
/* remove the top (it is live) */
void ns_fevq_pop(ns_fevq *q);

#endif
