/*
 * flow_net.c - the flow-level (fluid, max-min fair) network model.
 *
 * A transfer becomes k fluid subflows, cut as at packet level (the subflow
 * plan, sim/plan.h). A subflow crosses its source's NIC link, a route between the two
 * switches the hosts hang on, and the destination's downlink (inside a
 * server: its NVLink up and the scale-up switch's link down; under PXN the
 * route starts at the scale-up switch, through the GPU on the right rail);
 * its rate is
 * its max-min fair share (maxmin.c), re-solved after every batch of
 * arrivals and departures that happen at the same picosecond.
 *
 * Routes, with the names of the packet level:
 *   ecmp      one path, chosen hop by hop exactly as the packet model hashes
 *             it (same label, same per-switch salts, path offset = subflow
 *             index), so the same transfers collide;
 *   flowlet   as ecmp, with the label of the first flowlet (the path a
 *             packet-level flowlet flow keeps while it never pauses);
 *   spray, adaptive   the fluid ideal of spraying: at every switch the
 *             subflow splits evenly over the equal-cost next hops, so a link
 *             carries a fraction of it.
 *
 * Time: a subflow of W wire bytes (payload + one header per packet, packets
 * as the packet model cuts them) owes W x 8 x 1e12 units of 1e-12 bit; at
 * rate r bit/s it pays r units per picosecond, so all of it is sent at
 *     t_sent = t + ceil(left / r)
 * in integer arithmetic. Its last byte arrives `delay` later: the latencies
 * along the path plus one store-and-forward of its first packet at every
 * switch (the packet's serialization on the link the switch sends it on;
 * for a sprayed subflow, the slowest of its paths). Alone on a path whose
 * NIC is the slowest link, a subflow thus finishes exactly when the packet
 * model says: W x 8 / rate + latencies + store-and-forwards.
 * Each subflow has one event: first "sent" (it leaves the rate solver),
 * then "delivered" (the driver is told when all of a transfer's subflows
 * are). A rate change moves the pending event.
 */
#include <config.h>
#include "flow_net.h"
#include "flow_events.h"

#include <assert.h>
#include <string.h>
#include "sim/alloc.h"
#include "sim/error.h"
#include "sim/budget.h"
#include "sim/fabric.h"
#include "sim/plan.h"
#include "sim/prefetch.h"
#include "sim/id.h"
#include "sim/route.h"
#include "sim/sim.h"

/* Subflows live in chunks (stable addresses) of CHUNK0 << (k - 1) slots for
 * chunk k in 1..8 (chunk 0: CHUNK0), CHUNK_MAX from chunk 9 on: a small run
 * allocates little, and a big one 10 MiB at a time, five whole huge pages
 * (alloc.c's big blocks). Chunks of 5 MiB were in 4 KiB pages: 37,000 of
 * the 61,000 page faults of a 2,048-host all-to-all, at about 10 us each on
 * the project's VM (a program writing a byte a page: 0.4 GB/s; in huge
 * pages 0.7 to 17 GB/s). */
#define CHUNK0_LOG   10
#define CHUNK_MAX_LOG 18
#define CHUNK_MAX    (UINT32_C(1) << CHUNK_MAX_LOG)
#define FRAC_ONE (UINT64_C(1) << 40)   /* a whole subflow in the spraying split */

typedef unsigned __int128 u128;
typedef __int128 s128;
/* (in a subflow: aligned to 8, so that it takes 40 bytes, not 48) */
typedef __int128 s128_a8 __attribute__((aligned(8)));

/* a subflow's pending event in n->fq: "sent", then "delivered" (unless its
 * delivery waits in a FIFO of its delay, which needs no slot: see dq_push) */
enum { EV_NONE = 0, EV_SENT, EV_DELIVERED };

typedef struct fflow {
    s128_a8  left;        /* 1e-12 bit still to send as of t_upd; once it is all paid,
                           * minus what its links were credited beyond its bits (the
                           * part of the last picosecond it did not need) */
    ns_time  t_upd;
    union {
        uint32_t xfer;        /* live */
        uint32_t next_free;   /* free: the free list */
    };
    uint32_t mm;          /* solver flow id, NS_NONE once sent */
    uint32_t delay : 30;  /* its delay from the last byte sent to the last byte
                           * arrived: n->delays[delay] */
    uint32_t pending : 2; /* EV_*: its pending event */
    uint16_t qgen;        /* its event's generation in n->fq (kept when the slot is
                           * reused; a wrap sweeps the queue) */
    uint16_t sub;         /* its index among its transfer's subflows (MAX_SUBS at most) */
} fflow;
/* 40 bytes: an all-to-all keeps one per flow alive (its rate is the
 * solver's, its bytes the plan's, its slot the caller's to pass) */
_Static_assert(sizeof(fflow) == 40, "fflow grew");
#define MAX_SUBS (UINT32_C(1) << 16)
#define MAX_DELAYS (UINT32_C(1) << 30)   /* distinct delays (fflow.delay) */

/* fflow.mm of a subflow a failed cable stopped until forwarding reroutes */
#define PAUSED (NS_NONE - 1)

/* The deliveries of subflows of one delay: "sent" events fire in (time,
 * seq) order, so the "delivered" events they schedule `delay` later come in
 * that order too, and a FIFO keeps them sorted with no sifting. A subflow
 * in flight is never moved or cancelled, so its entry needs no generation,
 * and it names the subflow by its transfer and its index there: its slot
 * is free once it is sent (a delivery then reads no subflow, a cache miss
 * less on a big run). The first DQ_MAX distinct delays get a FIFO each;
 * others go into fq. */
#define DQ_MAX 16
typedef struct dq_ent {
    uint64_t when, seq;
    uint32_t xfer;
    uint16_t sub;
} dq_ent;

typedef struct dqueue {
    ns_time delay;
    dq_ent *e;            /* a ring of cap (a power of two) entries */
    size_t  cap, head, n;
} dqueue;

/* Routes met lately: a cache of single paths (ECMP, flowlet, ethereal:
 * every coefficient whole) by their links, with the route group and its
 * delay for one first-packet size. An all-to-all starts millions of
 * subflows over a few thousand paths from each leaf in turn; interning each
 * path in the solver's table (and looking up its delay) reads records all
 * over a table of every path, where this cache stays in the L2. Two ways a
 * set, the newer first: direct-mapped, the 4,032 paths from a leaf of a
 * 4,096-host leaf-spine in its 8,192 entries missed 18 % of lookups. */
#define RC_BITS  13
#define RC_LINKS 6
typedef struct rcache {
    uint32_t n;           /* links; 0: empty */
    uint32_t g;
    uint32_t links[RC_LINKS];
    uint32_t pkt;         /* delay's first-packet size; 0: not known */
    ns_time  delay;
} rcache;

/* cached delay through a route group for one first-packet size */
typedef struct gdelay {
    uint32_t pkt;
    ns_time  delay_ps;
} gdelay;

typedef struct fnet {
    ns_net           net;
    ns_sim          *sim;
    const ns_fabric *fab;
    ns_mm           *mm;
    int              mode;        /* NS_MM_* */
    int              spread;      /* 1: spray/adaptive, 0: one hashed path */
    int              flowlet;
    int              pinned;      /* 1: ethereal, the offset names the path (ns_route_pin) */
    uint32_t         mss, header;
    uint32_t        *salt;        /* per node ECMP salt */
    ns_event         solve_ev;
    ns_fevq          fq;          /* the subflows' events (flow_events.h) */
    ns_event         fq_ev;       /* the simulator's event at the earliest of fq and dq */
    dqueue           dq[DQ_MAX];  /* subflows in flight, a FIFO per delay */
    uint32_t         ndq;
    dqueue          *dq_best;     /* the FIFO with the earliest head, or NULL */

    fflow          **chunks;      /* subflows (CHUNK0 above): stable addresses */
    size_t           nchunks, chunks_cap, nslots;
    uint32_t         free_slot;
    size_t           live, peak;

    gdelay          *gd;          /* per route group */
    size_t           gd_cap;
    rcache          *rc;          /* single paths met lately (1 << RC_BITS) */
    ns_time         *delays;      /* the distinct delays of subflows (fflow.delay) */
    size_t           ndelays, delays_cap;
    uint32_t        *dtab;        /* open addressing: indices into delays, NS_NONE = empty */
    size_t           dtab_cap;
    uint32_t         dlast;       /* the delay last asked for */
    uint64_t        *dag_key;     /* spraying: (attach node, edge) -> group, open addressing */
    uint32_t        *dag_val;
    size_t           dag_cap, ndag;

    /* failures during the run (run{ failures = }): the fabric with this
     * run's forwarding tables, the cables down, 4 events per failure */
    ns_fabric        view;
    ns_hopset       *vroute;
    uint32_t        *vhops;
    uint8_t         *down;
    struct ffail    *fev;
    int              force_full;  /* a capacity changed: the next solve is a full one */

    /* scratch for routes */
    uint32_t        *rlinks, *rcoefs;
    uint64_t        *frac;        /* per node */
    ns_time         *ndelay;      /* per node */
    uint32_t        *nstamp, stamp;
    uint32_t        *layer, *next_layer;
} fnet;

static inline fflow *
slot(fnet *n, uint32_t i)
{
    if (i >= CHUNK_MAX)
        return &n->chunks[(CHUNK_MAX_LOG - CHUNK0_LOG) + (i >> CHUNK_MAX_LOG)][i & (CHUNK_MAX - 1)];
    uint32_t c = i >> CHUNK0_LOG;   /* chunk k >= 1 holds [2^(k-1), 2^k) of these */
    if (c == 0)
        return &n->chunks[0][i];
    int k = 32 - __builtin_clz(c);
    return &n->chunks[k][i - (UINT32_C(1) << (k - 1 + CHUNK0_LOG))];
}

/* the slots of chunk k */
static inline size_t
chunk_slots(size_t k)
{
    if (k >= CHUNK_MAX_LOG - CHUNK0_LOG + 1)
        return CHUNK_MAX;
    return (size_t)1 << (k == 0 ? CHUNK0_LOG : k - 1 + CHUNK0_LOG);
}

/* the slots of chunks 0 .. k-1 together */
static inline size_t
slots_before(size_t k)
{
    if (k == 0)
        return 0;
    if (k <= CHUNK_MAX_LOG - CHUNK0_LOG + 1)
        return (size_t)1 << (k - 1 + CHUNK0_LOG);
    return (k - (CHUNK_MAX_LOG - CHUNK0_LOG)) * (size_t)CHUNK_MAX;
}

/* a free slot index (callers use slot_new, which counts it), or NS_NONE */
static uint32_t
slot_get(fnet *n)
{
    if (n->free_slot != NS_NONE) {
        uint32_t i = n->free_slot;
        n->free_slot = slot(n, i)->next_free;
        return i;
    }
    if (n->nslots == slots_before(n->nchunks)) {
        if (n->nslots >= NS_NONE - CHUNK_MAX ||
            ns_grow((void **)&n->chunks, &n->chunks_cap, n->nchunks + 1, sizeof *n->chunks))
            return NS_NONE;
        n->chunks[n->nchunks] = ns_calloc(chunk_slots(n->nchunks), sizeof(fflow));
        if (!n->chunks[n->nchunks])
            return NS_NONE;
        n->nchunks++;
    }
    return (uint32_t)n->nslots++;
}

static uint32_t
slot_new(fnet *n)
{
    uint32_t i = slot_get(n);
    if (i != NS_NONE && ++n->live > n->peak)
        n->peak = n->live;
    return i;
}

/* slot i is free (the subflow it held may still be in flight: n->live
 * counts it until it arrives) */
static void
slot_free(fnet *n, uint32_t i)
{
    slot(n, i)->next_free = n->free_slot;
    n->free_slot = i;
}

static void
slot_put(fnet *n, uint32_t i)
{
    slot_free(n, i);
    n->live--;
}

/* solve at `t` at the latest */
static void
solve_by(fnet *n, ns_time t)
{
    if (!ns_event_pending(&n->solve_ev) || n->solve_ev.when_ps > t)
        ns_sim_at(n->sim, &n->solve_ev, t);
}

/* arrivals, failures: rates are solved again at once */
static void
request_solve(fnet *n)
{
    solve_by(n, n->sim->now);
}

/* a departure: at once, or (run{ flow_quantum = q }) at the next multiple
 * of q, so that the departures of a quantum share one solve; until then the
 * capacity a departed subflow frees stays unused (an approximation that
 * only ever slows the others: see netsim-lua(5)) */
static void
request_solve_departure(fnet *n)
{
    ns_time q = n->sim->cfg.flow_quantum_ps, now = n->sim->now;
    if (q <= 0)
        solve_by(n, now);
    else
        solve_by(n, now % q == 0 ? now : ns_time_add(now - now % q, q));
}

/* --- delays ----------------------------------------------------------------
 * A subflow keeps the index of its delay among the distinct delays met (a
 * few dozen on a regular fabric): 30 bits instead of 8 bytes. */

static inline ns_time
delay_of(const fnet *n, const fflow *f)
{
    return n->delays[f->delay];
}

/* the slot of `delay` in table t (cap slots, a power of two): where its
 * index is, or the empty slot it would take */
static size_t
dtab_slot(const fnet *n, const uint32_t *t, size_t cap, ns_time delay)
{
    size_t i = ns_hash64((uint64_t)delay) & (cap - 1);
    while (t[i] != NS_NONE && n->delays[t[i]] != delay)
        i = (i + 1) & (cap - 1);
    return i;
}

/* the index of `delay` among n->delays (added if new), or NS_NONE after an
 * error (n->sim->err set) */
static uint32_t
delay_index(fnet *n, ns_time delay)
{
    if (n->ndelays > 0 && n->delays[n->dlast] == delay)   /* the last one asked for: a common case */
        return n->dlast;
    if (n->dtab_cap) {
        uint32_t k = n->dtab[dtab_slot(n, n->dtab, n->dtab_cap, delay)];
        if (k != NS_NONE)
            return n->dlast = k;
    }
    if (n->ndelays >= MAX_DELAYS) {
        ns_errorf(&n->sim->err, NS_EINVAL, "the flow model counts at most %u distinct path delays",
                  (unsigned)MAX_DELAYS);
        return NS_NONE;
    }
    if (ns_grow((void **)&n->delays, &n->delays_cap, n->ndelays + 1, sizeof *n->delays))
        goto oom;
    if (2 * (n->ndelays + 1) > n->dtab_cap) {   /* at most half full */
        size_t cap = n->dtab_cap ? 2 * n->dtab_cap : 64;
        uint32_t *t = ns_alloc(cap * sizeof *t);
        if (!t)
            goto oom;
        memset(t, 0xff, cap * sizeof *t);
        for (uint32_t k = 0; k < n->ndelays; k++)
            t[dtab_slot(n, t, cap, n->delays[k])] = k;
        ns_free(n->dtab);
        n->dtab = t;
        n->dtab_cap = cap;
    }
    n->dtab[dtab_slot(n, n->dtab, n->dtab_cap, delay)] = (uint32_t)n->ndelays;
    n->delays[n->ndelays] = delay;
    return n->dlast = (uint32_t)n->ndelays++;
oom:
    ns_errorf(&n->sim->err, NS_ENOMEM, "out of memory for the flow model's path delays");
    return NS_NONE;
}

/* --- the subflows' events (flow_events.h) ---------------------------------- */

static int
fq_is_live(void *ctx, uint32_t idx, uint16_t gen)
{
    const fflow *f = slot((fnet *)ctx, idx);
    return (f->pending == EV_SENT || f->pending == EV_DELIVERED) && f->qgen == gen;
}

/* is a FIFO's head before (when, seq)? before the lazy queue's top t (NULL: none)? */
static inline int
dq_leads(const dqueue *d, uint64_t when, uint64_t seq)
{
    const dq_ent *x = &d->e[d->head];
    return x->when < when || (x->when == when && x->seq < seq);
}

static inline int
dq_before_top(const dqueue *d, const ns_fevq_ent *t)
{
    return !t || dq_leads(d, t->when, ns_fevq_seq(t));
}

static inline int
dq_before(const dqueue *a, const dqueue *b)
{
    return dq_leads(a, b->e[b->head].when, b->e[b->head].seq);
}

/* find it again (after a pop from it) */
static void
dq_rebest(fnet *n)
{
    dqueue *best = NULL;
    for (uint32_t i = 0; i < n->ndq; i++)
        if (n->dq[i].n > 0 && (!best || dq_before(&n->dq[i], best)))
            best = &n->dq[i];
    n->dq_best = best;
}

/* the simulator's event stands at the earliest pending subflow event */
static int
fq_arm(fnet *n)
{
    const ns_fevq_ent *t = ns_fevq_top(&n->fq);
    const dqueue *d = n->dq_best;
    uint64_t when, seq;
    if (d && dq_before_top(d, t)) {
        when = d->e[d->head].when;
        seq = d->e[d->head].seq;
    } else if (t) {
        when = t->when;
        seq = ns_fevq_seq(t);
    } else {
        if (ns_event_pending(&n->fq_ev))
            ns_sim_cancel(n->sim, &n->fq_ev);
        return 0;
    }
    if (ns_event_pending(&n->fq_ev) && (uint64_t)n->fq_ev.when_ps == when && n->fq_ev.seq == seq)
        return 0;
    return ns_sim_at_seq(n->sim, &n->fq_ev, (ns_time)when, seq);
}

/* f's event left the queue (fired) or went stale: its generation moves on
 * (a wrap drops every stale entry, so that none can pass for a new one) */
static void
fq_next_gen(fnet *n, fflow *f)
{
    f->pending = EV_NONE;
    if (++f->qgen == 0)
        ns_fevq_compact(&n->fq);
}

/* f's pending event is gone: its entry goes stale (f no longer pending
 * first: marking it stale may sweep the queue, which asks fq_is_live) */
static void
fq_drop(fnet *n, fflow *f)
{
    f->pending = EV_NONE;
    ns_fevq_stale(&n->fq);
    fq_next_gen(n, f);
}

/* f's event `kind` at `when`, in place of its pending one: as ns_sim_at would
 * queue it (the same checks, a seq from the simulator's counter). 0 or -1. */
static int
fq_schedule(fnet *n, fflow *f, uint32_t idx, int kind, ns_time when)
{
    if (ns_sim_check_when(n->sim, when))
        return -1;
    if (ns_fevq_reserve(&n->fq))
        return ns_errorf(&n->sim->err, NS_ENOMEM, "out of memory in the event queue"), -1;
    uint64_t seq = ns_sim_take_seq(n->sim);
    if (seq >= NS_FEVQ_SEQ_END)   /* 2.8e14 events: years of running */
        return ns_errorf(&n->sim->err, NS_ESIM, "the flow model's event queue counts at most %llu events",
                         (unsigned long long)NS_FEVQ_SEQ_END), -1;
    /* the simulator's event moves only if f's old event was the earliest, or
     * its new one is (the queue's first entry is live between calls); in a
     * batch, once at its end */
    const ns_fevq_ent *first = ns_fevq_first(&n->fq);
    int was_top = f->pending != EV_NONE && first && first->idx == idx && ns_fevq_gen(first) == f->qgen;
    if (f->pending != EV_NONE)
        fq_drop(n, f);
    f->pending = (uint8_t)kind;
    ns_fevq_push(&n->fq, (uint64_t)when, seq, idx, f->qgen);
    if (n->fq.bulk)
        return 0;
    if (was_top || !ns_event_pending(&n->fq_ev) || when < n->fq_ev.when_ps ||
        (when == n->fq_ev.when_ps && seq < n->fq_ev.seq))
        return fq_arm(n);
    return 0;
}

/* f was sent: its delivery at `when` into the FIFO of its delay. 1 when
 * queued there (f's slot may then be freed), 0 when its delay has no FIFO
 * (all DQ_MAX taken), -1 after an error */
static int
dq_push(fnet *n, const fflow *f, ns_time when)
{
    dqueue *d = NULL;
    for (uint32_t i = 0; i < n->ndq && !d; i++)
        if (n->dq[i].delay == delay_of(n, f))
            d = &n->dq[i];
    if (!d) {
        if (n->ndq == DQ_MAX)
            return 0;
        d = &n->dq[n->ndq++];
        d->delay = delay_of(n, f);
    }
    if (ns_sim_check_when(n->sim, when))
        return -1;
    if (d->n == d->cap) {   /* grow the ring, its entries in order from 0 */
        size_t cap = d->cap ? 2 * d->cap : 256;
        dq_ent *e = ns_alloc(cap * sizeof *e);
        if (!e)
            return ns_errorf(&n->sim->err, NS_ENOMEM, "out of memory in the event queue"), -1;
        for (size_t i = 0; i < d->n; i++)
            e[i] = d->e[(d->head + i) & (d->cap - 1)];
        ns_free(d->e);
        d->e = e;
        d->cap = cap;
        d->head = 0;
    }
    uint64_t seq = ns_sim_take_seq(n->sim);
    d->e[(d->head + d->n++) & (d->cap - 1)] = (dq_ent){ (uint64_t)when, seq, f->xfer, f->sub };
    if (d->n == 1 && (!n->dq_best || dq_before(d, n->dq_best)))   /* a new head */
        n->dq_best = d;
    /* its seq is the newest: it comes first only at an earlier time */
    if (!ns_event_pending(&n->fq_ev) || when < n->fq_ev.when_ps)
        return fq_arm(n) ? -1 : 1;
    return 1;
}

static void
fq_cancel(fnet *n, fflow *f)
{
    if (f->pending == EV_NONE)
        return;
    fq_drop(n, f);
    fq_arm(n);
}

/* --- events ---------------------------------------------------------------- */

/* the payload of subflow `sub` of transfer x: its share of the cut */
static uint64_t
sub_bytes(const fnet *n, const ns_xfer *x, uint32_t sub)
{
    ns_plan plan;
    ns_plan_cut(&plan, ns_sim_xfer_bytes(n->sim, x), x->subflows, n->mss);
    return ns_plan_bytes(&plan, sub);
}

/* f's rate now: the solver's while f is in it, else 0 */
static uint64_t
sub_rate(const fnet *n, const fflow *f)
{
    return f->mm == NS_NONE || f->mm == PAUSED ? 0 : ns_mm_rate(n->mm, f->mm);
}

/* what f's links were credited beyond its bits: the overshoot of its last
 * picosecond at each rate it finished at, taken back when it leaves */
static u128
excess(const fflow *f)
{
    return f->left < 0 ? (u128)-f->left : 0;
}

/* subflow `sub` of transfer xi arrived whole (its slot is free) */
static void
deliver_sub(fnet *n, uint32_t xi, uint32_t sub)
{
    ns_xfer *x = &n->sim->xfers[xi];
    n->sim->delivered_bytes += sub_bytes(n, x, sub);
    n->live--;
    if (--x->subflows_left == 0)
        ns_sim_transfer_done(n->sim, xi);
}

/* f, in slot idx, arrived whole */
static void
deliver(fnet *n, fflow *f, uint32_t idx)
{
    uint32_t xi = f->xfer, sub = f->sub;
    slot_free(n, idx);
    deliver_sub(n, xi, sub);
}

static void
ff_sent(fnet *n, fflow *f, uint32_t idx)
{
    ns_sim *sim = n->sim;
    /* t_sent = t_upd + ceil(left / rate): all of it is paid */
    f->left -= (s128)((u128)sub_rate(n, f) * (uint64_t)(sim->now - f->t_upd));
    assert(f->left <= 0);
    f->t_upd = sim->now;
    if (ns_mm_remove(n->mm, f->mm, sim->now, excess(f)) && !sim->err.code)
        ns_errorf(&sim->err, NS_ENOMEM, "out of memory in the flow model's rate solver");
    f->left = 0;
    f->mm = NS_NONE;
    request_solve_departure(n);
    ns_time delay = delay_of(n, f);
    if (delay > 0) {
        ns_time when = ns_time_add(sim->now, delay);
        int queued = dq_push(n, f, when);
        if (queued == 1)
            slot_free(n, idx);
        else if (queued == 0)
            fq_schedule(n, f, idx, EV_DELIVERED, when);
    } else
        deliver(n, f, idx);
}

/* the earliest subflow event fires */
static void
fq_fire(void *simp, ns_event *ev)
{
    ns_sim *sim = simp;
    fnet *n = (fnet *)sim->net;
    (void)ev;
    /* events from the sorted run come in time order but touch subflows all
     * over memory: fetch a subflow 16 events ahead, 8 ahead its solver flow
     * and its transfer's row (read at its delivery, a few thousand events
     * later: soon enough for the cache to keep it), and, in steps, what its
     * removal from the solver reads (4 ahead its links and group, 2 ahead
     * the heads of their heaps) */
    const ns_fevq_ent *a = ns_fevq_ahead(&n->fq, 16);
    if (a)
        ns_prefetch(slot(n, a->idx));
    if ((a = ns_fevq_ahead(&n->fq, 8))) {
        const fflow *g = slot(n, a->idx);
        if (g->mm < PAUSED)
            ns_mm_prefetch(n->mm, g->mm);
        ns_prefetch_w(&sim->xfers[g->xfer]);
    }
    if ((a = ns_fevq_ahead(&n->fq, 4)) && slot(n, a->idx)->mm < PAUSED)
        ns_mm_prefetch_links(n->mm, slot(n, a->idx)->mm);
    if ((a = ns_fevq_ahead(&n->fq, 2)) && slot(n, a->idx)->mm < PAUSED)
        ns_mm_prefetch_tops(n->mm, slot(n, a->idx)->mm);
    const ns_fevq_ent *t = ns_fevq_top(&n->fq);
    dqueue *d = n->dq_best;
    if (d && dq_before_top(d, t)) {
        /* a delivery from its FIFO; fetch ahead what deliveries touch, in
         * steps: the transfer's row (its count too) 8 deliveries ahead, its
         * op, its times and where its successors are 4 ahead (the row is
         * there by then), its successors 2 ahead */
        size_t mask = d->cap - 1;
        if (d->n > 8)
            ns_prefetch_w(&sim->xfers[d->e[(d->head + 8) & mask].xfer]);
        if (d->n > 4)
            ns_sim_prefetch_done(sim, d->e[(d->head + 4) & mask].xfer);
        if (d->n > 2)
            ns_sim_prefetch_succ(sim, d->e[(d->head + 2) & mask].xfer);
        const dq_ent *h = &d->e[d->head];
        assert((ns_time)h->when == sim->now);
        uint32_t xi = h->xfer, sub = h->sub;
        d->head = (d->head + 1) & mask;
        d->n--;
        dq_rebest(n);
        deliver_sub(n, xi, sub);
        fq_arm(n);
        return;
    }
    assert(t && (ns_time)t->when == sim->now);
    uint32_t idx = t->idx;
    fflow *f = slot(n, idx);
    int kind = f->pending;
    ns_fevq_pop(&n->fq);
    fq_next_gen(n, f);
    if (kind == EV_SENT)
        ff_sent(n, f, idx);
    else
        deliver(n, f, idx);
    fq_arm(n);
}

/* one rate change of a solve: settle what the subflow sent at its old rate
 * and move its "sent" event (after an error, the rest are ignored) */
static void
rate_changed(void *ctx, const ns_mm_change *c)
{
    fnet *n = ctx;
    ns_sim *sim = n->sim;
    if (sim->err.code)
        return;
    fflow *f = slot(n, c->user);
    if (c->old_bps > 0)   /* its rate since t_upd */
        f->left -= (s128)((u128)c->old_bps * (uint64_t)(sim->now - f->t_upd));
    f->t_upd = sim->now;
    uint64_t rate = c->new_bps;
    if (rate == 0) {
        char d[256];
        ns_wl_describe(sim->wl, sim->xfers[f->xfer].op, d, sizeof d);
        ns_errorf(&sim->err, NS_ESIM, "%s: in the flow model it gets less than 1 bit/s (more flows "
                  "share a link than it has bits per second)", d);
        return;
    }
    u128 left = f->left > 0 ? (u128)f->left : 0;
    u128 dt = (uint64_t)(left >> 63) == 0 ? (u128)(((uint64_t)left + rate - 1) / rate)
                                          : (left + rate - 1) / rate;
    if (dt > (u128)(NS_TIME_MAX - sim->now - delay_of(n, f))) {
        char d[256];
        ns_wl_describe(sim->wl, sim->xfers[f->xfer].op, d, sizeof d);
        ns_errorf(&sim->err, NS_ESIM, "%s: in the flow model it would take longer than netsim's "
                  "clock can count (%llu bit/s for %llu bytes)", d,
                  (unsigned long long)rate, (unsigned long long)sub_bytes(n, &sim->xfers[f->xfer], f->sub));
        return;
    }
    fq_schedule(n, f, c->user, EV_SENT, sim->now + (ns_time)dt);
}

static void
solve_now(void *simp, ns_event *ev)
{
    ns_sim *sim = simp;
    fnet *n = (fnet *)sim->net;
    (void)ev;
    ns_fevq_bulk_begin(&n->fq);   /* the events it moves come as one batch */
    long nc = ns_mm_solve(n->mm, sim->now, n->force_full ? NS_MM_FULL : n->mode, rate_changed, n);
    n->force_full = 0;
    if (ns_fevq_bulk_end(&n->fq) && !sim->err.code)
        ns_errorf(&sim->err, NS_ENOMEM, "out of memory in the event queue");
    if (nc < 0 && !sim->err.code)
        ns_errorf(&sim->err, NS_ENOMEM, "out of memory in the flow model's rate solver");
    if (!sim->err.code)
        fq_arm(n);
}

/* --- routes ---------------------------------------------------------------- */

static ns_time
hop_delay(const ns_flink *l, uint32_t pkt)
{
    return l->latency_ps + ns_serialize_ps(pkt, l->rate_bps);
}

/* a route from a scale-up switch (PXN: the sender's GPU is on another
 * rail than dst's) starts with the link to its server's GPU on dst's rail
 * and that GPU's NIC, at full weight: put them in the route's first two
 * slots and return the leaf the rest starts from; else return a */
static uint32_t
pxn_prefix(fnet *n, uint32_t a, uint32_t dst, size_t *cnt)
{
    const ns_fabric *fab = n->fab;
    if (fab->nodes[a].tier != NS_TIER_SCALEUP)
        return a;
    uint32_t l1 = ns_fabric_scaleup_next(fab, a, dst), l2 = fab->host_link[fab->links[l1].dst];
    n->rlinks[*cnt] = l1;
    n->rcoefs[(*cnt)++] = NS_MM_Q;
    n->rlinks[*cnt] = l2;
    n->rcoefs[(*cnt)++] = NS_MM_Q;
    return fab->links[l2].dst;
}

/* one hashed (or, under ethereal, pinned) path from switch `a` to the
 * attachment of host node `dst`, as ns_lb_choose walks it; returns the
 * hops or -1 (no route) */
static long
walk_ecmp(fnet *n, uint32_t a, uint32_t dst, uint32_t label, uint32_t off)
{
    const ns_fabric *fab = n->fab;
    size_t first = 0;
    uint32_t target = fab->host_attach[dst], node = pxn_prefix(n, a, dst, &first);
    long cnt = (long)first;
    while (node != target) {
        const ns_hopset *hs = ns_fabric_route(fab, node, dst);
        if (hs->n == 0 || (size_t)cnt >= fab->nlinks)
            return -1;
        uint32_t idx = hs->n == 1 ? 0 : n->pinned ? ns_route_pin(&off, hs->n)
                                                  : ns_route_pick(n->salt[node], label, &off, hs->n);
        uint32_t link = fab->hops[hs->off + idx];
        n->rlinks[cnt] = link;
        n->rcoefs[cnt] = NS_MM_Q;
        cnt++;
        node = fab->links[link].dst;
    }
    return cnt;
}

static void
next_stamp(fnet *n)
{
    if (++n->stamp == 0) {
        memset(n->nstamp, 0, n->fab->nnodes * sizeof *n->nstamp);
        n->stamp = 1;
    }
}

/* the spraying split from switch `a` towards host node `dst`: every
 * equal-cost next hop gets an equal share of what reaches a switch. Links
 * come out layer by layer (all paths are shortest); returns their count or -1 */
static long
walk_spray(fnet *n, uint32_t a, uint32_t dst)
{
    const ns_fabric *fab = n->fab;
    uint32_t target = fab->host_attach[dst];
    size_t ncur = 1, cnt = 0;
    a = pxn_prefix(n, a, dst, &cnt);
    next_stamp(n);
    n->layer[0] = a;
    n->nstamp[a] = n->stamp;
    n->frac[a] = FRAC_ONE;
    while (ncur > 0 && n->layer[0] != target) {
        size_t nnext = 0;
        for (size_t i = 0; i < ncur; i++) {
            uint32_t v = n->layer[i];
            const ns_hopset *hs = ns_fabric_route(fab, v, dst);
            if (hs->n == 0)
                return -1;
            uint64_t share = n->frac[v] / hs->n;
            for (uint32_t k = 0; k < hs->n; k++) {
                uint32_t link = fab->hops[hs->off + k], w = fab->links[link].dst;
                if (cnt >= fab->nlinks)
                    return -1;
                n->rlinks[cnt] = link;
                n->rcoefs[cnt] = (uint32_t)((share + (FRAC_ONE / NS_MM_Q) - 1) / (FRAC_ONE / NS_MM_Q));
                if (n->rcoefs[cnt] == 0)
                    n->rcoefs[cnt] = 1;
                cnt++;
                if (n->nstamp[w] != n->stamp) {
                    n->nstamp[w] = n->stamp;
                    n->frac[w] = 0;
                    n->next_layer[nnext++] = w;
                }
                n->frac[w] += share;
            }
        }
        uint32_t *t = n->layer;
        n->layer = n->next_layer;
        n->next_layer = t;
        ncur = nnext;
    }
    return (long)cnt;
}

/* the delay through group g for a first packet of `pkt` bytes: the slowest
 * path of latency + serialization over its links (in layer order) */
static ns_time
group_delay(fnet *n, uint32_t g, uint32_t pkt)
{
    if (g < n->gd_cap && n->gd[g].pkt == pkt)
        return n->gd[g].delay_ps;
    const ns_fabric *fab = n->fab;
    uint32_t cnt = ns_mm_group_size(n->mm, g), link, coef;
    next_stamp(n);
    ns_time worst = 0;
    for (uint32_t i = 0; i < cnt; i++) {
        ns_mm_group_entry(n->mm, g, i, &link, &coef);
        const ns_flink *l = &fab->links[link];
        ns_time d0 = n->nstamp[l->src] == n->stamp ? n->ndelay[l->src] : 0;
        ns_time d = d0 + hop_delay(l, pkt);
        if (n->nstamp[l->dst] != n->stamp || n->ndelay[l->dst] < d) {
            n->nstamp[l->dst] = n->stamp;
            n->ndelay[l->dst] = d;
        }
        if (n->ndelay[l->dst] > worst)
            worst = n->ndelay[l->dst];
    }
    if (g >= n->gd_cap) {
        size_t old = n->gd_cap;
        if (ns_grow((void **)&n->gd, &n->gd_cap, (size_t)g + 1, sizeof *n->gd))
            return worst;   /* no cache, same answer */
        for (size_t i = old; i < n->gd_cap; i++)
            n->gd[i].pkt = 0;
    }
    n->gd[g].pkt = pkt;
    n->gd[g].delay_ps = worst;
    return worst;
}

/* spraying groups depend only on (source switch, destination edge): cache */
static uint32_t
dag_lookup(fnet *n, uint64_t key)
{
    if (!n->dag_cap)
        return NS_NONE;
    for (size_t i = ns_hash64(key) & (n->dag_cap - 1); n->dag_key[i] != UINT64_MAX; i = (i + 1) & (n->dag_cap - 1))
        if (n->dag_key[i] == key)
            return n->dag_val[i];
    return NS_NONE;
}

static int
dag_insert(fnet *n, uint64_t key, uint32_t g)
{
    if (2 * (n->ndag + 1) > n->dag_cap) {
        size_t cap = n->dag_cap ? 2 * n->dag_cap : 256;
        uint64_t *k = ns_alloc(cap * sizeof *k);
        uint32_t *v = ns_alloc(cap * sizeof *v);
        if (!k || !v) {
            ns_free(k);
            ns_free(v);
            return -1;
        }
        memset(k, 0xff, cap * sizeof *k);
        for (size_t i = 0; i < n->dag_cap; i++) {
            if (n->dag_key[i] == UINT64_MAX)
                continue;
            size_t j = ns_hash64(n->dag_key[i]) & (cap - 1);
            while (k[j] != UINT64_MAX)
                j = (j + 1) & (cap - 1);
            k[j] = n->dag_key[i];
            v[j] = n->dag_val[i];
        }
        ns_free(n->dag_key);
        ns_free(n->dag_val);
        n->dag_key = k;
        n->dag_val = v;
        n->dag_cap = cap;
    }
    size_t i = ns_hash64(key) & (n->dag_cap - 1);
    while (n->dag_key[i] != UINT64_MAX)
        i = (i + 1) & (n->dag_cap - 1);
    n->dag_key[i] = key;
    n->dag_val[i] = g;
    n->ndag++;
    return 0;
}

/* the route group of subflow `off` from switch a to host node dst; *g is
 * NS_MM_NONE when a is dst's own switch, and *rc its entry in the cache of
 * single paths (or NULL). NS_OK or an error code. */
static int
route_group(fnet *n, uint32_t a, uint32_t dst, uint32_t label, uint32_t off, uint32_t *g, rcache **rc)
{
    const ns_fabric *fab = n->fab;
    *g = NS_NONE;
    *rc = NULL;
    if (a == fab->host_attach[dst])
        return NS_OK;
    uint64_t key = ((uint64_t)a << 32) | fab->nodes[fab->host_attach[dst]].edge;
    if (n->spread && (*g = dag_lookup(n, key)) != NS_NONE)
        return NS_OK;
    long cnt = n->spread ? walk_spray(n, a, dst) : walk_ecmp(n, a, dst, label, off);
    if (cnt < 0)
        return ns_errorf(&n->sim->err, NS_ESIM, "flow model: no route from '%s' to '%s'",
                         fab->nodes[a].name, fab->nodes[dst].name);
    if (!n->spread && cnt <= RC_LINKS) {   /* one path: every coefficient whole (n->rc is made) */
        uint64_t h = (uint64_t)cnt;
        for (long k = 0; k < cnt; k++)
            h = (h ^ n->rlinks[k]) * UINT64_C(0x9e3779b97f4a7c15);
        rcache *set = &n->rc[(h >> (64 - RC_BITS)) & ~(uint64_t)1], *e = set;
        for (int w = 0; w < 2; w++) {
            int hit = set[w].n == (uint32_t)cnt;
            for (long k = 0; hit && k < cnt; k++)
                hit = set[w].links[k] == n->rlinks[k];
            if (hit) {
                if (w) {   /* it becomes the newer */
                    rcache t = set[0];
                    set[0] = set[1];
                    set[1] = t;
                }
                *g = e->g;
                *rc = e;
                return NS_OK;
            }
        }
        *g = ns_mm_group(n->mm, n->rlinks, n->rcoefs, (uint32_t)cnt);
        if (*g == NS_NONE)
            return ns_errorf(&n->sim->err, NS_ENOMEM, "out of memory for the flow model's routes");
        set[1] = set[0];   /* the older goes */
        e->n = (uint32_t)cnt;
        e->g = *g;
        memcpy(e->links, n->rlinks, (size_t)cnt * sizeof *e->links);
        e->pkt = 0;
        *rc = e;
        return NS_OK;
    }
    *g = ns_mm_group(n->mm, n->rlinks, n->rcoefs, (uint32_t)cnt);
    if (*g == NS_NONE || (n->spread && dag_insert(n, key, *g)))
        return ns_errorf(&n->sim->err, NS_ENOMEM, "out of memory for the flow model's routes");
    return NS_OK;
}

/* the links and the delay of subflow i (of plan, transfer xi) under the
 * current forwarding: its own up link, its route group (or NS_NONE), the
 * destination's own down link (or NS_NONE: two hosts on one cable) */
static int
sub_route(fnet *n, uint32_t xi, const ns_plan *plan, uint32_t i, uint32_t *up, uint32_t *down, uint32_t *g,
          ns_time *delay)
{
    const ns_fabric *fab = n->fab;
    const ns_xfer *x = &n->sim->xfers[xi];
    uint32_t src = ns_sim_xfer_src(n->sim, x) - 1, dst = ns_sim_xfer_dst(n->sim, x) - 1;
    uint32_t label = plan->label;
    if (n->flowlet)
        label = ns_route_flowlet_label(label, 0);   /* flowlet 0, as ns_pkt_new labels it */
    *up = ns_fabric_egress(fab, src, dst);
    uint32_t a = fab->links[*up].dst;
    uint64_t b = ns_plan_bytes(plan, i);
    uint32_t pkt = (uint32_t)((b < n->mss ? b : n->mss) + n->header);
    *down = *g = NS_NONE;
    *delay = fab->links[*up].latency_ps;
    if (fab->gpus_per_server && ns_fabric_server_of(fab, src) == ns_fabric_server_of(fab, dst)) {
        /* inside a server: up its NVLink, down the scale-up switch's link to dst */
        *down = ns_fabric_scaleup_next(fab, a, dst);
        *delay += hop_delay(&fab->links[*down], pkt);
    } else if (a != dst) {   /* through switches (else two hosts on one cable) */
        rcache *e;
        int rc = route_group(n, a, dst, label, ns_plan_path(plan, i), g, &e);
        if (rc)
            return rc;
        *down = ns_fabric_downlink(fab, dst);
        if (e && e->pkt == pkt) {
            *delay += e->delay;
        } else if (*g != NS_NONE) {
            ns_time d = group_delay(n, *g, pkt);
            *delay += d;
            if (e) {
                e->pkt = pkt;
                e->delay = d;
            }
        }
        *delay += hop_delay(&fab->links[*down], pkt);
    }
    return NS_OK;
}

/* --- failures during the run ------------------------------------------------ */

/* A cable that slows gets its new capacity at once. One that goes down
 * stops the subflows that cross it (they keep what they sent, and lose
 * nothing: the fluid model has no packets) until forwarding reroutes,
 * reroute_ps later: then every subflow not yet sent is routed again over
 * the cables that are up, as the packet model's switches would send its
 * next packets. A repaired cable is used again after the next reroute. */
enum { FF_CHANGE = 0, FF_REPAIR, FF_REROUTE };

typedef struct ffail {
    ns_event ev;
    fnet    *n;
    uint32_t i;
    uint8_t  kind;
} ffail;

static int
crosses_down(const fnet *n, uint32_t up, uint32_t down, uint32_t g)
{
    if (n->down[up] || (down != NS_NONE && n->down[down]))
        return 1;
    for (uint32_t k = 0; g != NS_NONE && k < ns_mm_group_size(n->mm, g); k++) {
        uint32_t link, coef;
        ns_mm_group_entry(n->mm, g, k, &link, &coef);
        if (n->down[link])
            return 1;
    }
    return 0;
}

/* settle f's bits up to now and take it out of the solver (it waits) */
static void
pause_flow(fnet *n, fflow *f)
{
    ns_sim *sim = n->sim;
    uint64_t rate = sub_rate(n, f);
    u128 credited = excess(f);   /* before this rate's overshoot, which is not counted */
    u128 left = f->left > 0 ? (u128)f->left : 0;
    if (rate > 0) {
        u128 paid = (u128)rate * (uint64_t)(sim->now - f->t_upd);
        left = paid >= left ? 0 : left - paid;
    }
    f->left = (s128)left;
    f->t_upd = sim->now;
    if (ns_mm_remove(n->mm, f->mm, sim->now, credited) && !sim->err.code)
        ns_errorf(&sim->err, NS_ENOMEM, "out of memory in the flow model's rate solver");
    fq_cancel(n, f);
    f->mm = PAUSED;
}

/* route a waiting f again under the current tables; it keeps waiting when
 * no way is left */
static int
resume_flow(fnet *n, fflow *f, uint32_t idx)
{
    const ns_xfer *x = &n->sim->xfers[f->xfer];
    ns_plan plan;
    ns_plan_make(&plan, ns_sim_xfer_bytes(n->sim, x), x->subflows, x->path0, n->mss, ns_sim_xfer_src(n->sim, x) - 1,
                 ns_sim_xfer_dst(n->sim, x) - 1, ns_sim_label_xfer(n->sim, f->xfer));
    uint32_t up, down, g;
    ns_time delay;
    if (sub_route(n, f->xfer, &plan, f->sub, &up, &down, &g, &delay)) {
        if (n->sim->err.code != NS_ESIM)
            return n->sim->err.code;
        memset(&n->sim->err, 0, sizeof n->sim->err);   /* no route now: wait for the next reroute */
        return NS_OK;
    }
    if (crosses_down(n, up, down, g))
        return NS_OK;
    uint32_t d = delay_index(n, delay);
    if (d == NS_NONE)
        return n->sim->err.code;
    uint32_t id = ns_mm_add(n->mm, up, down, g, idx);
    if (id == NS_NONE)
        return ns_errorf(&n->sim->err, NS_ENOMEM, "out of memory for flows");
    f->mm = id;
    f->delay = d;
    f->t_upd = n->sim->now;
    return NS_OK;
}

/* the live subflows still sending (or waiting), one by one: f in slot i */
#define FOR_SENDING(n, f, i)                                                \
    for ((i) = 0; (i) < (n)->nslots; (i)++)                                 \
        if (((f) = slot((n), (i)))->mm != NS_NONE && (f)->left > 0)

static void
ff_fire(void *simp, ns_event *ev)
{
    ns_sim *sim = simp;
    ffail *fe = ns_container_of(ev, ffail, ev);
    fnet *n = fe->n;
    const ns_failure *fl = &sim->cfg.failures[fe->i];
    const ns_fabric *orig = sim->fab;
    uint32_t l[2] = { fl->link, orig->links[fl->link].reverse };
    fflow *f;
    uint32_t fi;
    if (sim->ops_done == sim->wl->nops)
        return;
    if (fe->kind == FF_REROUTE) {
        ns_hopset *route;
        uint32_t *hops;
        if (ns_fabric_reroute(orig, n->down, &route, &hops, &sim->err))
            return;
        ns_free(n->vroute);
        ns_free(n->vhops);
        n->vroute = n->view.route = route;
        n->vhops = n->view.hops = hops;
        if (n->dag_cap) {   /* spraying's cached groups were for the old tables */
            memset(n->dag_key, 0xff, n->dag_cap * sizeof *n->dag_key);
            n->ndag = 0;
        }
        FOR_SENDING(n, f, fi) {
            if (f->mm != PAUSED)
                pause_flow(n, f);
            if (resume_flow(n, f, fi))
                return;
        }
    } else if (fl->rate_bps) {   /* slowed, or back to its own rate */
        for (int k = 0; k < 2; k++)
            ns_mm_set_capacity(n->mm, l[k], fe->kind == FF_REPAIR ? orig->links[l[k]].rate_bps : fl->rate_bps);
        n->force_full = 1;
    } else {   /* down or up: the subflows crossing it stop at once; forwarding follows later */
        for (int k = 0; k < 2; k++)
            n->down[l[k]] = fe->kind == FF_CHANGE;
        if (fe->kind == FF_CHANGE)
            FOR_SENDING(n, f, fi)
                if (f->mm != PAUSED) {
                    const ns_xfer *x = &sim->xfers[f->xfer];
                    ns_plan plan;
                    ns_plan_make(&plan, ns_sim_xfer_bytes(sim, x), x->subflows, x->path0, n->mss,
                                 ns_sim_xfer_src(sim, x) - 1, ns_sim_xfer_dst(sim, x) - 1,
                                 ns_sim_label_xfer(sim, f->xfer));
                    uint32_t up, down, g;
                    ns_time delay;
                    if (sub_route(n, f->xfer, &plan, f->sub, &up, &down, &g, &delay))
                        return;
                    if (crosses_down(n, up, down, g))
                        pause_flow(n, f);
                }
        ffail *r = &n->fev[4 * fe->i + 2 + (fe->kind == FF_REPAIR)];
        ns_sim_at(sim, &r->ev, ns_time_add(sim->now, sim->cfg.reroute_ps));
    }
    request_solve(n);
}

static int
failures_setup(fnet *n)
{
    ns_sim *sim = n->sim;
    const ns_run_cfg *c = &sim->cfg;
    if (!c->nfailures)
        return NS_OK;
    n->view = *sim->fab;
    n->fab = &n->view;
    n->down = ns_calloc(sim->fab->nlinks ? sim->fab->nlinks : 1, 1);
    n->fev = ns_calloc(4 * (size_t)c->nfailures, sizeof *n->fev);
    if (!n->down || !n->fev)
        return ns_enomem(&sim->err, "failures");
    for (uint32_t i = 0; i < c->nfailures; i++) {
        for (int k = 0; k < 4; k++) {
            ffail *fe = &n->fev[4 * i + k];
            ns_event_init(&fe->ev, ff_fire);
            fe->n = n;
            fe->i = i;
            fe->kind = (uint8_t)(k == 0 ? FF_CHANGE : k == 1 ? FF_REPAIR : FF_REROUTE);
        }
        if (ns_sim_at(sim, &n->fev[4 * i].ev, c->failures[i].at_ps) ||
            (c->failures[i].until_ps < NS_TIME_MAX && ns_sim_at(sim, &n->fev[4 * i + 1].ev, c->failures[i].until_ps)))
            return sim->err.code ? sim->err.code : NS_ENOMEM;
    }
    return NS_OK;
}

/* --- ns_net_ops ------------------------------------------------------------ */

static int
fnet_start(ns_net *net, uint32_t xi)
{
    fnet *n = (fnet *)net;
    const ns_fabric *fab = n->fab;
    ns_xfer *x = &n->sim->xfers[xi];
    uint32_t src = ns_sim_xfer_src(n->sim, x) - 1, dst = ns_sim_xfer_dst(n->sim, x) - 1;
    ns_plan plan;
    ns_plan_make(&plan, ns_sim_xfer_bytes(n->sim, x), x->subflows, x->path0, n->mss, src, dst,
                 ns_sim_label_xfer(n->sim, xi));
    if (plan.k > MAX_SUBS)
        return ns_errorf(&n->sim->err, NS_EINVAL, "a transfer cut into %u subflows: the flow model counts "
                         "at most %u", plan.k, MAX_SUBS);
    x->subflows = (uint16_t)plan.k;   /* at most the subflows asked for */
    x->subflows_left = (uint16_t)plan.k;
    (void)fab;
    for (uint32_t i = 0; i < plan.k; i++) {
        uint64_t b = ns_plan_bytes(&plan, i);
        uint64_t npk = ns_plan_packets(b, n->mss);
        uint64_t wire = b + npk * n->header;
        uint32_t up, down, g;
        ns_time delay;
        int rc = sub_route(n, xi, &plan, i, &up, &down, &g, &delay);
        if (rc)
            return rc;
        uint32_t d = delay_index(n, delay);
        if (d == NS_NONE)
            return n->sim->err.code;
        size_t fresh_from = n->nslots;   /* slots from here on were never used */
        uint32_t idx = slot_new(n);
        if (idx == NS_NONE)
            return ns_errorf(&n->sim->err, NS_ENOMEM, "out of memory for flows");
        fflow *f = slot(n, idx);
        uint32_t id = ns_mm_add(n->mm, up, down, g, idx);
        if (id == NS_NONE) {
            slot_put(n, idx);
            return ns_errorf(&n->sim->err, NS_ENOMEM, "out of memory for flows");
        }
        /* older entries of a reused slot may still wait in fq: it keeps
         * its generation. A new slot is still zero, and is not read: reading
         * a fresh page first maps the zero page, and the write after it
         * then costs a second fault and a TLB flush (9 % of a 2,048-host
         * all-to-all) */
        uint16_t qgen = idx < fresh_from ? f->qgen : 0;
        memset(f, 0, sizeof *f);
        f->qgen = qgen;
        f->left = (s128)((u128)wire * 8 * (uint64_t)NS_PS_PER_S);
        f->t_upd = n->sim->now;
        f->delay = d;
        f->xfer = xi;
        f->mm = id;
        f->sub = (uint16_t)i;
    }
    request_solve(n);
    return NS_OK;
}

static void
fnet_link_stats(ns_net *net, uint32_t link, ns_link_stats *s)
{
    fnet *n = (fnet *)net;
    memset(s, 0, sizeof *s);
    s->tx_bytes = ns_mm_link_bytes(n->mm, link, n->sim->now);
}

static uint64_t
fnet_peak_objects(ns_net *net)
{
    return ((fnet *)net)->peak;
}

/* the subflows, their events and the solver's flows go: 170 bytes or so a
 * subflow, which the summary and the file need no more (the links' byte
 * counters stay) */
static void
fnet_finish(ns_net *net)
{
    fnet *n = (fnet *)net;
    if (n->mm)
        ns_mm_release(n->mm);
    ns_fevq_free(&n->fq);
    for (uint32_t i = 0; i < n->ndq; i++) {
        ns_free(n->dq[i].e);
        n->dq[i].e = NULL;
        n->dq[i].cap = n->dq[i].n = n->dq[i].head = 0;
    }
    for (size_t i = 0; i < n->nchunks; i++)
        ns_free(n->chunks[i]);
    n->nchunks = n->nslots = n->live = 0;
    n->free_slot = NS_NONE;
}

static void
fnet_free(ns_net *net)
{
    fnet *n = (fnet *)net;
    fnet_finish(net);
    ns_mm_free(n->mm);
    ns_free(n->chunks);
    ns_free(n->salt);
    ns_free(n->gd);
    ns_free(n->rc);
    ns_free(n->delays);
    ns_free(n->dtab);
    ns_free(n->dag_key);
    ns_free(n->dag_val);
    ns_free(n->rlinks);
    ns_free(n->rcoefs);
    ns_free(n->frac);
    ns_free(n->ndelay);
    ns_free(n->nstamp);
    ns_free(n->layer);
    ns_free(n->next_layer);
    ns_free(n->vroute);
    ns_free(n->vhops);
    ns_free(n->down);
    ns_free(n->fev);
    ns_free(n);
}

static void
fnet_solver_stats(ns_net *net, ns_solver_stats *out)
{
    ns_mm_stats st;
    ns_mm_get_stats(((const fnet *)net)->mm, &st);
    out->solves = st.solves;
    out->rates = st.flows_solved;
    out->rates_max = st.max_flows_solved;
    out->peak_flows = st.peak_flows;
}

static const ns_net_ops fnet_ops = {
    "flow", fnet_start, fnet_link_stats, fnet_peak_objects, fnet_free, fnet_solver_stats, fnet_finish
};

/* per link a few hundred bytes; per subflow alive (model, solver, event
 * queue) 140 bytes, measured as the peak RSS less the rest of the run's
 * estimate (estimate.h) on w:alltoall over 2,048 hosts (2026-12-07, with
 * 40-byte subflows and 20-byte event entries; 152 with 48 and 24, 179 with
 * 16-byte heap entries, 182 to 186 over 1,024 and 4,096 hosts before
 * subflows and solver flows shrank); 184 leaves room for the stale entries
 * of the lazy heaps and the event queue that unequal flows leave (up to as
 * many again as live ones before a sweep), and covers what a 128-host
 * all-to-all allocates at its peak (tests/unit/test_limits.c: 12 bytes
 * fewer fell 0.5 % short there) */
static void
fnet_estimate(const ns_fabric *f, const ns_workload *wl, const ns_run_cfg *c, uint64_t peak_xfers,
              ns_mem_est *m)
{
    uint32_t most = c->subflows;
    if (c->lb == NS_LB_ETHEREAL)
        for (size_t i = 0; i < wl->nops; i++) {
            const ns_op *o = &wl->ops[i];
            if (o->kind != NS_OP_TRANSFER || !ns_plan_crosses(o->bytes, o->node, o->dst))
                continue;
            uint32_t k = ns_plan_subflows(o->bytes, ns_fabric_most_subflows(f, c->lb, c->subflows,
                                                                            o->node - 1, o->dst - 1));
            most = k > most ? k : most;
        }
    m->packets = 0;
    m->subflows = peak_xfers * most;
    m->model = ns_mem_mad(ns_mem_mad(0, f->nlinks, 256), m->subflows, 184);
}

static int fnet_new(ns_sim *sim, ns_net **out);

/* many events move at once (every subflow whose rate changed): a heap */
const ns_model ns_flow_model = {
    "flow", NS_EVQ_HEAP, fnet_new, fnet_estimate, NULL
};

int
ns_flow_net_stats(const ns_net *net, ns_mm_stats *out)
{
    memset(out, 0, sizeof *out);
    if (!net || net->ops != &fnet_ops)
        return -1;
    ns_mm_get_stats(((const fnet *)net)->mm, out);
    return 0;
}

static int
fnet_new(ns_sim *sim, ns_net **out)
{
    const ns_fabric *fab = sim->fab;
    const ns_run_cfg *c = &sim->cfg;
    *out = NULL;
    fnet *n = ns_calloc(1, sizeof *n);
    if (!n)
        return ns_errorf(&sim->err, NS_ENOMEM, "out of memory building the flow model");
    n->net.ops = &fnet_ops;
    n->net.sim = sim;
    n->sim = sim;
    n->fab = fab;
    n->mode = c->flow_solver;
    n->spread = c->lb == NS_LB_SPRAY || c->lb == NS_LB_ADAPTIVE || c->lb == NS_LB_REPS;
    n->flowlet = c->lb == NS_LB_FLOWLET;
    n->pinned = c->lb == NS_LB_ETHEREAL;
    n->mss = fab->mtu - fab->header;
    n->header = fab->header;
    n->free_slot = NS_NONE;
    ns_event_init(&n->solve_ev, solve_now);
    ns_fevq_init(&n->fq, fq_is_live, n);
    ns_event_init(&n->fq_ev, fq_fire);
    size_t nl = fab->nlinks ? fab->nlinks : 1, nn = fab->nnodes;
    uint64_t *cap = ns_alloc(nl * sizeof *cap);
    if (cap)
        for (size_t l = 0; l < fab->nlinks; l++)
            cap[l] = fab->links[l].rate_bps;
    n->mm = cap ? ns_mm_new(fab->nlinks, cap) : NULL;
    ns_free(cap);
    n->salt = ns_alloc(nn * sizeof *n->salt);
    n->rlinks = ns_alloc(nl * sizeof *n->rlinks);
    n->rcoefs = ns_alloc(nl * sizeof *n->rcoefs);
    n->frac = ns_alloc(nn * sizeof *n->frac);
    n->ndelay = ns_alloc(nn * sizeof *n->ndelay);
    n->nstamp = ns_calloc(nn, sizeof *n->nstamp);
    n->rc = n->spread ? NULL : ns_calloc((size_t)1 << RC_BITS, sizeof *n->rc);
    n->layer = ns_alloc(nn * sizeof *n->layer);
    n->next_layer = ns_alloc(nn * sizeof *n->next_layer);
    if (!n->mm || !n->salt || !n->rlinks || !n->rcoefs || !n->frac || !n->ndelay ||
        !n->nstamp || (!n->spread && !n->rc) || !n->layer || !n->next_layer || ns_route_salts(c->seed, n->salt, nn)) {
        fnet_free(&n->net);
        return ns_errorf(&sim->err, NS_ENOMEM, "out of memory building the flow model");
    }
    int rc = failures_setup(n);
    if (rc) {
        fnet_free(&n->net);
        return rc;
    }
    *out = &n->net;
    return NS_OK;
}
