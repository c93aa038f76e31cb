/*
 * maxmin.h - max-min fair rates of fluid flows on links, solved by
 * progressive filling in integer arithmetic, incrementally.
 *
 * A flow crosses up to two "own" links with coefficient 1 (a host's NIC
 * link and the destination's downlink) and one route group: an interned
 * list of (link, coefficient) pairs, shared by every flow that follows the
 * same route between two switches. A coefficient is the fraction of the
 * flow's rate that crosses the link, in units of NS_MM_Q (NS_MM_Q = the
 * whole flow): 1 on a single path, 1/n on each of n sprayed next hops.
 * A link of capacity C carries at most C: sum over flows of coef x rate.
 *
 * Rates are whole bits per second and all arithmetic is on integers, so a
 * solution is the same on every machine. The filling raises all unfrozen
 * flows together; the "level" of a link is floor((C x Q - frozen load) /
 * unfrozen weight); all links at the lowest level saturate at once and
 * freeze their flows at that level; repeat. (Processing a whole level at
 * once makes the answer independent of the order of ties.)
 *
 * Incremental solving rests on one property of that filling: removing a
 * flow of rate r leaves every flow of rate < r unchanged, and adding a flow
 * leaves every flow of rate < b unchanged, where b = min over the new
 * flow's links of floor(C x Q / total weight) is a lower bound of its rate.
 * So a solve after a batch of changes restarts the filling at level
 * t0 = min(r of departed flows, b of new flows), on the flows of rate >= t0
 * connected to a changed link through links and flows of rate >= t0; every
 * other flow keeps its rate (if that reaches a large share of all flows, the
 * solve goes on as a full one). NS_MM_COMPONENT restarts at 0 on the connected
 * component, NS_MM_FULL re-solves every flow: the three give identical rates
 * (tests/unit/test_maxmin.c checks it), at very different costs.
 *
 * Link bytes are integrated over time (simulated picoseconds), exactly.
 */
#ifndef NS_MAXMIN_H
#define NS_MAXMIN_H

#include <stddef.h>
#include <stdint.h>
#include "sim/id.h"
#include "sim/time.h"

#define NS_MM_Q     (UINT32_C(1) << 20)  /* coefficient of a whole flow */
#define NS_MM_NONE  NS_NONE

enum { NS_MM_INCREMENTAL = 0, NS_MM_COMPONENT = 1, NS_MM_FULL = 2 };

typedef struct ns_mm ns_mm;

/* a flow whose rate a solve changed (new flows included) */
typedef struct ns_mm_change {
    uint32_t user;       /* the caller's tag given to ns_mm_add */
    uint64_t old_bps, new_bps;
} ns_mm_change;

typedef struct ns_mm_stats {
    uint64_t solves;          /* solves that had something to do */
    uint64_t flows_solved;    /* sum over solves of flows whose rate was recomputed */
    uint64_t links_solved;    /* sum over solves of links visited */
    uint64_t max_flows_solved;/* most flows recomputed by one solve */
    uint64_t peak_flows;      /* most flows alive at once */
    uint64_t groups;          /* distinct route groups interned */
    uint64_t relists;         /* heaps made again: every 32,768 solves, or when a flow's generation wrapped */
    uint64_t wraps;           /* ... of them because a flow's generation wrapped */
    uint64_t par_rebuilds;    /* solves whose heaps two threads rebuilt (ns_mm_set_parallel_min) */
} ns_mm_stats;

/* a solver for links 0..nlinks-1 of the given capacities (bits/s, >= 1);
 * NULL when out of memory */
ns_mm *ns_mm_new(size_t nlinks, const uint64_t *cap_bps);
void ns_mm_free(ns_mm *m);
/* the flows are done with: their records, the rate heaps and the solves'
 * scratch are freed. Only ns_mm_link_bytes, ns_mm_link_load_bps,
 * ns_mm_get_stats and ns_mm_free may be called after. */
void ns_mm_release(ns_mm *m);

/* intern the route group of the n (link, coefficient) pairs; coefficients in
 * (0, NS_MM_Q]. Returns its id (the same id for the same pairs in the same
 * order), or NS_MM_NONE when out of memory. n == 0 is not a group. */
uint32_t ns_mm_group(ns_mm *m, const uint32_t *links, const uint32_t *coefs, uint32_t n);
/* the pairs of a group */
uint32_t ns_mm_group_size(const ns_mm *m, uint32_t g);
void ns_mm_group_entry(const ns_mm *m, uint32_t g, uint32_t i, uint32_t *link, uint32_t *coef);

/* a new flow on links `up`, `down` (either may be NS_MM_NONE; not the same
 * link) and route group `group` (or NS_MM_NONE), tagged `user`. Its rate is
 * 0 until the next solve. It goes into its heaps (and its weight onto its
 * links) at the next solve or remove, in one batch with the others added
 * since. Returns its id, or NS_MM_NONE when out of memory. */
uint32_t ns_mm_add(ns_mm *m, uint32_t up, uint32_t down, uint32_t group, uint32_t user);
/* flow `id` leaves at time `now`; `excess` is what the links were credited
 * beyond the flow's true bytes (in 1e-12 bit units: rate x time overshoot),
 * taken back from their byte counters. The id may be reused at once. 0, or
 * -1 when out of memory: the flows added before it could not be put in
 * their heaps (ns_mm_add leaves that to the next remove or solve), and the
 * solver is of no more use but to free. */
int ns_mm_remove(ns_mm *m, uint32_t id, ns_time now, unsigned __int128 excess);
uint64_t ns_mm_rate(const ns_mm *m, uint32_t id);
/* bring flow id's record toward the cache (a hint); then, once the record
 * is there, its links' and group's records; then, once those are there,
 * the heads of their heaps (what ns_mm_remove reads) */
void ns_mm_prefetch(const ns_mm *m, uint32_t id);
void ns_mm_prefetch_links(const ns_mm *m, uint32_t id);
void ns_mm_prefetch_tops(const ns_mm *m, uint32_t id);

/* link's capacity becomes cap_bps (>= 1) from now on: the next solve must
 * be NS_MM_FULL (incremental solving assumes fixed capacities) */
void ns_mm_set_capacity(ns_mm *m, uint32_t link, uint64_t cap_bps);

/* told of each change of a solve, in a fixed order, while the solve runs:
 * it must not call the solver */
typedef void ns_mm_change_fn(void *ctx, const ns_mm_change *c);

/* re-solve after the changes since the last solve, at time `now`, calling
 * fn(ctx, change) for every flow whose rate changed (and every new flow).
 * Returns the number of changes, or -1 when out of memory. */
long ns_mm_solve(ns_mm *m, ns_time now, int mode, ns_mm_change_fn *fn, void *ctx);

/* an incremental solve that finds it must recompute more than 1/f of the
 * flows finishes as a full solve (same rates; a full solve costs less per
 * flow). Default 4; 0 never switches (for tests). */
void ns_mm_set_full_fraction(ns_mm *m, uint32_t f);

/* bytes carried by `link` up to `now` (floor), and its current load in
 * bits/s (floor) */
uint64_t ns_mm_link_bytes(const ns_mm *m, uint32_t link, ns_time now);
uint64_t ns_mm_link_load_bps(const ns_mm *m, uint32_t link);
void ns_mm_get_stats(const ns_mm *m, ns_mm_stats *s);
/* for tests: every flow's generation (its heap entries' 16-bit tag, bumped
 * when its rate changes or it leaves) becomes `gen` mod 2^16, so that a run
 * reaches the wrap after a few changes. Between solves only. */
void ns_mm_test_set_gens(ns_mm *m, uint32_t gen);
/* for tests: the heaps are made again every `every` solves (32,768) */
void ns_mm_test_set_relist(ns_mm *m, uint32_t every);
/* for tests: the solve stamp (a flow keeps it in 28 bits) jumps to `back`
 * solves short of its wrap, when it is not there yet */
void ns_mm_test_set_stamp(ns_mm *m, uint32_t back);
/* for tests: the entries of the solver's heaps and sorted runs that are
 * out of order (0 unless a heap is broken) */
uint64_t ns_mm_test_disorder(const ns_mm *m);
/* groups of more than n links count as wide (kept in lists, scanned;
 * default 8): before the first flow; for tests */
void ns_mm_set_wide(ns_mm *m, uint32_t n);
/* a solve that rebuilds heaps of this many entries or more in all (most
 * rates changed) has a second thread rebuild some (each heap is rebuilt
 * alone, the same whichever thread does it): NS_MM_PARALLEL_MIN unless a
 * test says otherwise; UINT64_MAX: never */
#define NS_MM_PARALLEL_MIN (UINT64_C(1) << 20)
void ns_mm_set_parallel_min(ns_mm *m, uint64_t entries);

#endif
