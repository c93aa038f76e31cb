/*
 * maxmin.c - incremental max-min fair rates by progressive filling, in
 * integers (see maxmin.h for the model and the argument).
 *
 * Data: every link keeps a max-heap, by rate, of the flows that cross it as
 * an own link (NIC or downlink, coefficient 1), and an intrusive list of the
 * route-group entries that cross it; every group keeps a max-heap of its
 * flows. A group is linked into its links' lists only while it has flows.
 * The heaps let a solve find the flows of rate >= t0 on a link in time
 * proportional to their number. Lists keep insertion order, heaps change
 * only by deterministic operations and ids are recycled last-in first-out,
 * so every loop runs in the same order on every run.
 *
 * A solve (ns_mm_solve):
 *   1. gathers the flows to recompute: every flow (FULL), or those reached
 *      from the changed links through links and flows of rate >= t0
 *      (t0 = 0 for COMPONENT; see maxmin.h for INCREMENTAL), switching to
 *      every flow once it has gathered 1/full_fraction of them;
 *   2. gives every link it visited its frozen load (the load of the flows
 *      it keeps) and its unfrozen weight;
 *   3. fills: a heap of links keyed by (level, link id); all links at the
 *      lowest level saturate together and freeze their unfrozen flows at
 *      that level; group entries are updated once per group per level;
 *   4. reports the flows whose rate changed and settles the links' loads
 *      and byte counters at `now`.
 * Cost: about the flows recomputed times their links (heap operations),
 * plus the flows of the links that saturate and the group entries of the
 * links visited.
 */
#include <config.h>
#include "maxmin.h"

#include <assert.h>
#include <pthread.h>
#include <string.h>
#include "sim/alloc.h"
#include "sim/lib.h"
#include "sim/prefetch.h"
#include "sim/rng.h"

typedef unsigned __int128 u128;

enum { F_FREE = 0, F_NEW = 1, F_ACTIVE = 2 };

/* A 4-ary max-heap of entries by key (a rate; new flows count as 0). The
 * key is kept in the entry so that sifting does not chase its owner.
 *
 * The heaps of flows (a link's own flows, a group's flows) are lazy: an
 * entry names a flow and the flow's `gen`, bumped when the flow leaves or
 * changes rate, and it is valid while the flow's gen is the same. A flow
 * that leaves or changes rate leaves a stale entry behind (a new rate gets
 * a new entry) instead of being moved: moving it would write its new slot
 * into every entry's owner it passes, a cache miss per level on a big run.
 * Stale entries are skipped, dropped when they come to the top, and all
 * dropped at once when they outnumber the valid ones. A solve that changes
 * the rates of an eighth or more of a heap's flows rewrites their entries
 * in place and rebuilds the heap in one pass instead (rekey_all). A gen is
 * 16 bits, and an entry 65,536 changes old could pass for a new one: every
 * RELIST_SOLVES solves every heap is made again from the flows and every
 * gen starts again at 0 (relist_all). A flow's gen moves once a solve at
 * most (its rate changes) and once when it leaves, so it cannot wrap in
 * between; if one did (a slot reused by many flows between two solves),
 * the wrap makes the heaps again too. Cost: one pass over the flows every
 * 32,768 solves (none on a 4,096-host all-to-all, which takes 9,559).
 *
 * A lazy heap rebuilt in one pass (there, when it drops its stale entries,
 * and when every heap is made again) becomes a sorted run: its entries in
 * decreasing order of key, consumed from the head. Flows usually leave in
 * decreasing order of rate (the fastest first), so the entry a departure
 * leaves stale is at the run's head and dropping it costs one step, where
 * popping a heap's root sifts through every level, a cache miss each on a
 * big run (a third of a 4,096-host all-to-all's time went there). Entries
 * pushed later go into a heap after the run; the top is the higher of the
 * two heads.
 *
 * A link's heap of group entries (`gent`, keyed by the group's highest
 * rate) is exact: every entry keeps its slot. */
#define RH_D 4
#define RELIST_SOLVES 32768
/* An entry is 12 bytes (an all-to-all keeps three a flow): its key in the
 * high 48 bits of `kg`, the flow's gen (lazy heaps) in the low 16. A key is
 * a rate saturated at KEY_MAX (2^48 - 1 b/s, 281 Tb/s): the scans compare
 * keys with min(t0, KEY_MAX) and read a saturated entry's flow for its rate
 * (collect_ent), so that rates above it are exact, only slower to find. */
#define KEY_BITS 48
#define KEY_MAX  ((UINT64_C(1) << KEY_BITS) - 1)
typedef struct __attribute__((packed, aligned(4))) rh_ent {
    uint64_t kg;          /* key << 16 | gen */
    uint32_t node;
} rh_ent;
_Static_assert(sizeof(rh_ent) == 12, "a heap entry outgrows its 12 bytes");

static inline uint64_t
key_of(uint64_t rate)
{
    return rate < KEY_MAX ? rate : KEY_MAX;
}

static inline uint64_t
ekey(rh_ent x)
{
    return x.kg >> 16;
}

static inline uint16_t
egen(rh_ent x)
{
    return (uint16_t)x.kg;
}

static inline rh_ent
ent_make(uint64_t key, uint32_t node, uint16_t gen)
{
    rh_ent x;
    x.kg = key_of(key) << 16 | gen;
    x.node = node;
    return x;
}

typedef struct rheap {
    rh_ent  *e;           /* lazy: e[r0, rn) the run, e[rn, n) the heap; else the heap */
    size_t   cap;
    uint32_t n;           /* end of its entries */
    uint32_t live;        /* lazy heaps: valid entries */
    uint32_t r0, rn;      /* lazy heaps: the run left (0, 0: none) */
    uint32_t rk;          /* solve: its flows whose rate changes */
    uint8_t  bulk;        /* solve: rebuilt in one pass rather than pushed into */
} rheap;

typedef struct mm_link {
    u128     cap;         /* capacity x Q */
    u128     load;        /* sum of coef x rate over its flows */
    u128     acc;         /* load integrated over time up to t_acc: Q x 1e-12 bit */
    u128     frozen;      /* solve: load of the flows frozen or kept */
    ns_time  t_acc;
    uint64_t w_all;       /* sum of the coefficients of all its flows */
    uint64_t w;           /* solve: sum of the coefficients of its unfrozen flows */
    uint64_t level;       /* solve: heap key */
    rheap    own;         /* own flows: nodes id * 2 + slot, by rate */
    uint32_t ghead, gtail;   /* entries of the wide groups with flows that cross it */
    rheap    gent;        /* entries of the other groups with flows that cross it, by
                           * their group's highest rate: a solve skips the
                           * groups whose flows are all below its level */
    uint32_t stamp;       /* the solve that visited it */
    uint32_t seed;        /* 1: in the seed list */
    uint32_t hpos;        /* heap slot, or NS_NONE */
    uint8_t  dirty;
} mm_link;

/* solve stamps count up to STAMP_END, then every stamp is forgotten and
 * they start again at 1: a flow keeps its stamp in 28 bits beside its flags */
#define STAMP_BITS 28
#define STAMP_END  (UINT32_C(1) << STAMP_BITS)

typedef struct mm_flow {
    uint64_t rate, new_rate;
    uint32_t link[2];         /* own links (slot 0: up, 1: down), or NS_NONE */
    uint32_t group;           /* route group, or NS_NONE */
    uint32_t user;            /* the caller's tag; free: the next free id */
    uint16_t gen;             /* bumped when it leaves or its rate changes (lazy heaps);
                               * back to 0 every RELIST_SOLVES solves (relist_all) */
    uint32_t stamp : STAMP_BITS;   /* the solve that included it */
    uint32_t state : 2;       /* F_* */
    uint32_t frozen : 1;
    uint32_t rekey : 1;       /* solve: its rate changes (valid when stamp is the solve's) */
} mm_flow;
/* 40 bytes: an all-to-all keeps one per flow alive (16.8 M at 4,096 hosts) */
_Static_assert(sizeof(mm_flow) == 40, "mm_flow grew");

typedef struct mm_ent {
    uint32_t link, coef;
    uint32_t group;
    uint32_t hpos;            /* narrow group: slot in its link's heap `gent` while the group has flows */
    uint32_t next, prev;      /* wide group: in its link's list while the group has flows */
} mm_ent;

typedef struct mm_group {
    uint64_t hash;
    u128     inc_old;         /* solve: sum of the old rates of its included flows */
    uint32_t off, n;          /* entries m->ent[off .. off + n) */
    rheap    fl;              /* its flows, by rate (lazy) */
    uint64_t gtop;            /* its key in its links' heaps `gent` */
    uint8_t  in_gent;         /* 1: its entries are in their links' heaps or lists */
    uint32_t istamp;          /* the solve that listed it in ginc */
    uint32_t sstamp;          /* the solve that scanned it */
    uint32_t inc;             /* solve: included flows not yet frozen */
    uint32_t batch;           /* solve: flows frozen at the current level */
    uint8_t  dirty;
} mm_group;

typedef struct touched {
    struct rheap *h;
    uint32_t group;           /* HK_GFLOW: the group */
    int      kind;
} touched;

struct ns_mm {
    mm_link  *links;
    size_t    nlinks;
    mm_flow  *flows;
    size_t    nflows, flows_cap, live;
    uint32_t  free_flow;
    mm_group *groups;
    size_t    ngroups, groups_cap;
    mm_ent   *ent;
    size_t    nent, ent_cap;
    uint32_t *gtab;           /* open addressing: group ids, NS_NONE = empty */
    size_t    gtab_cap;

    /* changes since the last solve */
    uint32_t *newf;           /* new flow ids */
    size_t    nnew, newf_cap;
    size_t    nlisted;        /* newf[0, nlisted) are in their heaps (list_new) */
    int       nomem;          /* list_new ran out of memory: only ns_mm_free is left */
    uint32_t *seeds;          /* links that lost a flow (room for all links) */
    size_t    nseeds;
    uint64_t  t0_dep;         /* lowest rate among departed flows */
    int       dirty;

    /* solve scratch */
    uint32_t  cur;            /* solve stamp */
    uint64_t  t0;             /* solve: the level it restarts at */
    uint32_t  full_fraction;  /* an incremental solve reaching 1/this of the flows goes full */
    uint32_t *inc;            /* included flows */
    size_t    ninc, inc_cap;
    uint32_t *queue;          /* visited links (BFS queue) */
    size_t    nq;
    uint32_t *ginc;           /* groups with included flows */
    size_t    nginc, ginc_cap;
    uint32_t *heap;
    size_t    nheap;
    uint32_t *dlinks;         /* dirty links */
    size_t    ndl;
    uint32_t *dgroups;        /* dirty groups */
    size_t    ndg, dgroups_cap;
    uint32_t *batch;          /* links saturating at the current level */

    rh_ent   *tmp;            /* room to sort the biggest lazy heap into a run */
    size_t    tmp_cap;
    rh_ent   *tmp2;           /* the same for a second thread (rebuild_bulk) */
    size_t    tmp2_cap;
    uint64_t  par_min;        /* rebuild_bulk: entries from which a second thread helps */
    struct touched *touched;  /* rekey_all: heaps with flows whose key changes */
    size_t    ntouched, touched_cap;
    uint32_t  gent_max;       /* groups of more links are wide (GENT_MAX) */
    int       in_rekey;       /* rekey_all is running */
    int       relist;         /* a gen wrapped during rekey_all */
    uint32_t  since_relist;   /* solves since the heaps were last made again */
    uint32_t  relist_every;   /* RELIST_SOLVES (a test may set fewer) */

    ns_mm_stats st;
};

/* --- rate heaps -------------------------------------------------------------
 * Lazy heaps hold flows: a link's own flows (nodes id * 2 + slot, slot: which
 * own link of the flow, HK_OWN) or a group's flows (flow ids, HK_GFLOW). */
enum { HK_OWN = 0, HK_GFLOW = 1 };

static inline uint64_t
flow_key(const mm_flow *f)
{
    return f->state == F_ACTIVE ? f->rate : 0;
}

static inline uint32_t
node_flow(uint32_t node, int kind)
{
    return kind == HK_OWN ? node >> 1 : node;
}

static inline int
lh_valid(const ns_mm *m, rh_ent x, int kind)
{
    return m->flows[node_flow(x.node, kind)].gen == egen(x);
}

/* Sifting works on the heap part, e[rn, n) (a lazy heap's run comes
 * before it; an exact heap has no run): slot i is e[rn + i]. */

/* put x in slot i; `pos` is the solver when the heap's entries keep their
 * slot (a link's group entries), NULL for the lazy heaps */
static inline void
rh_place(ns_mm *pos, rh_ent *e, uint32_t i, rh_ent x)
{
    e[i] = x;
    if (pos)
        pos->ent[x.node].hpos = i;
}

static void
rh_up(ns_mm *pos, rheap *h, uint32_t i)
{
    rh_ent *e = h->e + h->rn;
    rh_ent x = e[i];
    while (i > 0) {
        uint32_t p = (i - 1) / RH_D;
        if (ekey(e[p]) >= ekey(x))
            break;
        rh_place(pos, e, i, e[p]);
        i = p;
    }
    rh_place(pos, e, i, x);
}

static void
rh_down(ns_mm *pos, rheap *h, uint32_t i)
{
    rh_ent *e = h->e + h->rn;
    uint32_t n = h->n - h->rn;
    rh_ent x = e[i];
    for (;;) {
        uint32_t c = RH_D * i + 1;
        if (c >= n)
            break;
        uint32_t end = c + RH_D < n ? c + RH_D : n;
        for (uint32_t k = c + 1; k < end; k++)
            if (ekey(e[k]) > ekey(e[c]))
                c = k;
        if (ekey(e[c]) <= ekey(x))
            break;
        rh_place(pos, e, i, e[c]);
        i = c;
    }
    rh_place(pos, e, i, x);
}

/* a lazy heap's top: the slot of its highest entry, the run's head or the
 * heap's root (the run's on a tie), or NS_NONE when it has none */
static inline uint32_t
lh_top(const rheap *h)
{
    if (h->r0 < h->rn)
        return h->n > h->rn && ekey(h->e[h->rn]) > ekey(h->e[h->r0]) ? h->rn : h->r0;
    return h->n > h->rn ? h->rn : NS_NONE;
}

/* ent_sort of a big heap: least significant byte first over the bytes in
 * which keys differ, each pass stable (a NIC's heap on an all-to-all holds
 * a thousand flows at hundreds of rates: no comparison to mispredict) */
static void
ent_sort_radix(rh_ent *e, uint32_t n, rh_ent *tmp)
{
    uint64_t lo = UINT64_MAX, hi = 0;
    for (uint32_t i = 0; i < n; i++) {
        lo = ekey(e[i]) < lo ? ekey(e[i]) : lo;
        hi = ekey(e[i]) > hi ? ekey(e[i]) : hi;
    }
    rh_ent *src = e, *dst = tmp;
    for (int shift = 0; shift < 64 && ((hi - lo) >> shift) != 0; shift += 8) {
        uint32_t at[256];
        memset(at, 0, sizeof at);
        for (uint32_t i = 0; i < n; i++)   /* decreasing: digit 255 - d */
            at[255 - (((ekey(src[i]) - lo) >> shift) & 255)]++;
        for (uint32_t d = 0, sum = 0; d < 256; d++) {
            uint32_t c = at[d];
            at[d] = sum;
            sum += c;
        }
        for (uint32_t i = 0; i < n; i++)
            dst[at[255 - (((ekey(src[i]) - lo) >> shift) & 255)]++] = src[i];
        rh_ent *t = src;
        src = dst;
        dst = t;
    }
    if (src != e)
        memcpy(e, src, (size_t)n * sizeof *e);
}

/* e[0, n) in decreasing order of key, entries of equal keys in the order
 * they were in (a merge sort, or a radix sort when big, through tmp, room
 * for n; the same order on every machine, whatever the C library's qsort
 * does) */
static void
ent_sort(rh_ent *e, uint32_t n, rh_ent *tmp)
{
    uint32_t i = 1;
    while (i < n && ekey(e[i]) <= ekey(e[i - 1]))
        i++;
    if (i >= n)
        return;   /* sorted already: a common case (equal rates) */
    if (n >= 256) {
        ent_sort_radix(e, n, tmp);
        return;
    }
    enum { RUN = 8 };
    for (uint32_t a = 0; a < n; a += RUN) {   /* insertion sort of short runs */
        uint32_t b = a + RUN < n ? a + RUN : n;
        for (uint32_t j = a + 1; j < b; j++) {
            rh_ent x = e[j];
            uint32_t k = j;
            while (k > a && ekey(e[k - 1]) < ekey(x)) {
                e[k] = e[k - 1];
                k--;
            }
            e[k] = x;
        }
    }
    rh_ent *src = e, *dst = tmp;
    for (uint32_t w = RUN; w < n; w *= 2) {
        for (uint32_t a = 0; a < n; a += 2 * w) {
            uint32_t m = a + w < n ? a + w : n, b = a + 2 * w < n ? a + 2 * w : n;
            uint32_t x = a, y = m, k = a;
            while (x < m && y < b)
                dst[k++] = ekey(src[y]) > ekey(src[x]) ? src[y++] : src[x++];
            while (x < m)
                dst[k++] = src[x++];
            while (y < b)
                dst[k++] = src[y++];
        }
        rh_ent *t = src;
        src = dst;
        dst = t;
    }
    if (src != e)
        memcpy(e, src, (size_t)n * sizeof *e);
}

/* h's entries e[0, n) become its run (tmp has room for them) */
static void
lh_make_run_in(rheap *h, uint32_t n, rh_ent *tmp)
{
    ent_sort(h->e, n, tmp);
    h->r0 = 0;
    h->rn = h->n = n;
}

static void
lh_make_run(const ns_mm *m, rheap *h, uint32_t n)
{
    lh_make_run_in(h, n, m->tmp);
}

/* drop the stale entries at the top: the top is then valid, or h empty */
static void
lh_purge(const ns_mm *m, rheap *h, int kind)
{
    while (h->n - h->r0 > h->live) {
        uint32_t t = lh_top(h);
        if (lh_valid(m, h->e[t], kind))
            break;
        if (t == h->r0) {
            h->r0++;
        } else {
            h->e[h->rn] = h->e[--h->n];
            if (h->n - h->rn > 1)
                rh_down(NULL, h, 0);
        }
    }
    if (h->r0 == h->rn && h->rn > 0) {   /* the run is spent: the heap moves to the front */
        memmove(h->e, h->e + h->rn, (size_t)(h->n - h->rn) * sizeof *h->e);
        h->n -= h->rn;
        h->r0 = h->rn = 0;
    }
}

/* drop every stale entry; the rest become a run */
static void
lh_compact(const ns_mm *m, rheap *h, int kind)
{
    uint32_t k = 0;
    for (uint32_t i = h->r0; i < h->n; i++)
        if (lh_valid(m, h->e[i], kind))
            h->e[k++] = h->e[i];
    assert(k == h->live);
    lh_make_run(m, h, k);
}

/* room for one more entry: 0 or -1. Makes room by dropping stale entries
 * when a quarter or more are stale, else grows. */
static int
lh_reserve(ns_mm *m, rheap *h, int kind)
{
    if (h->n < h->cap)
        return 0;
    if (!m->relist && h->n - h->live >= h->n / 4 + 1) {
        lh_compact(m, h, kind);
        return 0;
    }
    /* sorting a heap's entries into a run needs as much room again: made
     * first, so that no heap ever outgrows it */
    size_t cap = h->cap ? 2 * h->cap : 8;
    if (ns_grow((void **)&m->tmp, &m->tmp_cap, cap, sizeof *m->tmp))
        return -1;
    return ns_grow_exact((void **)&h->e, &h->cap, cap, sizeof *h->e);
}

/* a valid entry for the flow of `node` at its current key (room reserved) */
static void
lh_push(const ns_mm *m, rheap *h, uint32_t node, int kind)
{
    const mm_flow *f = &m->flows[node_flow(node, kind)];
    rh_ent x = ent_make(flow_key(f), node, f->gen);
    h->e[h->n++] = x;
    h->live++;
    if (ekey(x))   /* a new flow's key, 0, is the least: it stays last, and its parent need not be read */
        rh_up(NULL, h, h->n - 1 - h->rn);
}

/* drop h's stale entries if they outnumber the valid ones */
static void
lh_tidy(const ns_mm *m, rheap *h, int kind)
{
    if (!m->relist && h->n - h->live > h->live + 64)
        lh_compact(m, h, kind);
}

/* the heaps of flow i (own links' and group's), in a fixed order */
static inline int
flow_heaps(ns_mm *m, const mm_flow *f, rheap **h, uint32_t *node, int *kind, uint32_t id)
{
    int n = 0;
    for (int s = 0; s < 2; s++)
        if (f->link[s] != NS_NONE) {
            h[n] = &m->links[f->link[s]].own;
            node[n] = id * 2 + (uint32_t)s;
            kind[n++] = HK_OWN;
        }
    if (f->group != NS_NONE) {
        h[n] = &m->groups[f->group].fl;
        node[n] = id;
        kind[n++] = HK_GFLOW;
    }
    return n;
}

static void group_retop(ns_mm *m, uint32_t gid);

/* every heap of flows made again from the flows, with no stale entry, and
 * (reset) every gen back to 0: every RELIST_SOLVES solves, or after a
 * flow's gen wrapped (an entry that old could pass for a new one). No heap
 * needs more room than it has: each held at least its flows. */
static void
relist_all(ns_mm *m, int reset)
{
    m->st.relists++;
    m->since_relist = 0;
    if (reset)
        for (size_t i = 0; i < m->nflows; i++)
            m->flows[i].gen = 0;
    for (size_t l = 0; l < m->nlinks; l++) {
        rheap *own = &m->links[l].own;
        own->n = own->live = own->r0 = own->rn = m->links[l].gent.n = 0;
        m->links[l].ghead = m->links[l].gtail = NS_NONE;
    }
    for (size_t g = 0; g < m->ngroups; g++) {
        rheap *fl = &m->groups[g].fl;
        fl->n = fl->live = fl->r0 = fl->rn = 0;
        m->groups[g].in_gent = 0;
    }
    rheap *h[3];
    uint32_t node[3];
    int kind[3];
    for (size_t i = 0; i < m->nflows; i++) {
        const mm_flow *f = &m->flows[i];
        if (f->state == F_FREE)
            continue;
        for (int k = flow_heaps(m, f, h, node, kind, (uint32_t)i); k-- > 0;) {
            rh_ent x = ent_make(flow_key(f), node[k], f->gen);
            h[k]->e[h[k]->n++] = x;
            h[k]->live++;
        }
    }
    for (size_t l = 0; l < m->nlinks; l++)
        lh_make_run(m, &m->links[l].own, m->links[l].own.n);
    for (size_t g = 0; g < m->ngroups; g++) {
        lh_make_run(m, &m->groups[g].fl, m->groups[g].fl.n);
        group_retop(m, (uint32_t)g);
    }
}

/* flow id leaves its heaps (it left, or its key is about to change): its
 * entries go stale. */
static void
flow_unlist(ns_mm *m, uint32_t id)
{
    mm_flow *f = &m->flows[id];
    for (int s = 0; s < 2; s++)
        if (f->link[s] != NS_NONE)
            m->links[f->link[s]].own.live--;
    if (f->group != NS_NONE)
        m->groups[f->group].fl.live--;
    if (++f->gen == 0) {   /* wrapped: an entry that old could pass for a new one */
        m->st.wraps++;
        if (m->in_rekey)
            m->relist = 1;    /* rekey_all relists when it is done */
        else
            relist_all(m, 1);
    }
}

/* --- a link's exact heap of group entries ---------------------------------- */

/* entry e's key becomes `key` (it is in h) */
static void
gh_fix(ns_mm *m, rheap *h, uint32_t e, uint64_t key)
{
    uint32_t i = m->ent[e].hpos;
    uint64_t old = ekey(h->e[i]);
    h->e[i] = ent_make(key, h->e[i].node, 0);
    if (key > old)
        rh_up(m, h, i);
    else
        rh_down(m, h, i);
}

static void
gh_remove(ns_mm *m, rheap *h, uint32_t e)
{
    uint32_t i = m->ent[e].hpos;
    rh_ent last = h->e[--h->n];
    if (i == h->n)
        return;
    rh_place(m, h->e, i, last);
    rh_up(m, h, i);
    rh_down(m, h, m->ent[last.node].hpos);
}

/* A narrow group (a path: at most m->gent_max links, 8 unless a test says
 * otherwise) is kept in its links' heaps by its highest rate, so that a
 * solve skips it in one look; a wide one (a sprayed route over many links,
 * whose highest rate would move in all of them) in plain lists, scanned. */
#define GENT_MAX 8

static void
ent_attach(ns_mm *m, uint32_t e)
{
    mm_ent *E = &m->ent[e];
    mm_link *L = &m->links[E->link];
    E->next = NS_NONE;
    E->prev = L->gtail;
    if (L->gtail == NS_NONE)
        L->ghead = e;
    else
        m->ent[L->gtail].next = e;
    L->gtail = e;
}

static void
ent_detach(ns_mm *m, uint32_t e)
{
    mm_ent *E = &m->ent[e];
    mm_link *L = &m->links[E->link];
    if (E->prev == NS_NONE)
        L->ghead = E->next;
    else
        m->ent[E->prev].next = E->next;
    if (E->next == NS_NONE)
        L->gtail = E->prev;
    else
        m->ent[E->next].prev = E->prev;
}

/* after a change to group gid's flows: keep its entries in their links'
 * heaps (narrow) or lists (wide) while it has flows (room in the heaps was
 * reserved when it had none) */
static void
group_retop(ns_mm *m, uint32_t gid)
{
    mm_group *g = &m->groups[gid];
    lh_purge(m, &g->fl, HK_GFLOW);
    if (g->n > m->gent_max) {
        if ((g->fl.live > 0) != g->in_gent)
            for (uint32_t k = 0; k < g->n; k++) {
                if (g->fl.live > 0)
                    ent_attach(m, g->off + k);
                else
                    ent_detach(m, g->off + k);
            }
        g->in_gent = g->fl.live > 0;
        return;
    }
    if (g->fl.live == 0) {
        if (g->in_gent)
            for (uint32_t k = 0; k < g->n; k++)
                gh_remove(m, &m->links[m->ent[g->off + k].link].gent, g->off + k);
        g->in_gent = 0;
        return;
    }
    uint64_t top = ekey(g->fl.e[lh_top(&g->fl)]);
    if (!g->in_gent) {
        for (uint32_t k = 0; k < g->n; k++) {
            rheap *h = &m->links[m->ent[g->off + k].link].gent;
            rh_ent x = ent_make(top, g->off + k, 0);
            rh_place(m, h->e, h->n++, x);
            rh_up(m, h, h->n - 1);
        }
        g->in_gent = 1;
    } else if (top != g->gtop) {
        for (uint32_t k = 0; k < g->n; k++)
            gh_fix(m, &m->links[m->ent[g->off + k].link].gent, g->off + k, top);
    }
    g->gtop = top;
}

/* --- life cycle ------------------------------------------------------------ */

ns_mm *
ns_mm_new(size_t nlinks, const uint64_t *cap_bps)
{
    ns_mm *m = ns_calloc(1, sizeof *m);
    if (!m)
        return NULL;
    size_t n = nlinks ? nlinks : 1;
    m->links = ns_calloc(n, sizeof *m->links);
    m->queue = ns_alloc(n * sizeof *m->queue);
    m->heap = ns_alloc(n * sizeof *m->heap);
    m->dlinks = ns_alloc(n * sizeof *m->dlinks);
    m->batch = ns_alloc(n * sizeof *m->batch);
    m->seeds = ns_alloc(n * sizeof *m->seeds);
    m->gtab_cap = 1024;
    m->gtab = ns_alloc(m->gtab_cap * sizeof *m->gtab);
    if (!m->links || !m->queue || !m->heap || !m->dlinks || !m->batch || !m->seeds || !m->gtab) {
        ns_mm_free(m);
        return NULL;
    }
    memset(m->gtab, 0xff, m->gtab_cap * sizeof *m->gtab);
    m->nlinks = nlinks;
    for (size_t l = 0; l < nlinks; l++) {
        mm_link *L = &m->links[l];
        L->cap = (u128)cap_bps[l] * NS_MM_Q;
        L->hpos = NS_NONE;
        L->ghead = L->gtail = NS_NONE;
    }
    m->free_flow = NS_NONE;
    m->gent_max = GENT_MAX;
    m->relist_every = RELIST_SOLVES;
    m->par_min = NS_MM_PARALLEL_MIN;
    m->t0_dep = UINT64_MAX;
    m->full_fraction = 4;
    return m;
}

void
ns_mm_free(ns_mm *m)
{
    if (!m)
        return;
    ns_mm_release(m);
    ns_free(m->links);
    ns_free(m->groups);
    ns_free(m->ent);
    ns_free(m->gtab);
    ns_free(m->seeds);
    ns_free(m->queue);
    ns_free(m->heap);
    ns_free(m->dlinks);
    ns_free(m->batch);
    ns_free(m);
}

void
ns_mm_release(ns_mm *m)
{
    for (size_t l = 0; m->links && l < m->nlinks; l++) {
        ns_free(m->links[l].own.e);
        ns_free(m->links[l].gent.e);
        memset(&m->links[l].own, 0, sizeof m->links[l].own);
        memset(&m->links[l].gent, 0, sizeof m->links[l].gent);
    }
    for (size_t g = 0; g < m->ngroups; g++) {
        ns_free(m->groups[g].fl.e);
        memset(&m->groups[g].fl, 0, sizeof m->groups[g].fl);
    }
    ns_free(m->flows);
    ns_free(m->newf);
    ns_free(m->inc);
    ns_free(m->ginc);
    ns_free(m->dgroups);
    ns_free(m->touched);
    ns_free(m->tmp);
    ns_free(m->tmp2);
    m->tmp2 = NULL;
    m->tmp2_cap = 0;
    m->flows = NULL;
    m->newf = m->inc = m->ginc = m->dgroups = NULL;
    m->touched = NULL;
    m->tmp = NULL;
    m->nflows = m->flows_cap = m->live = 0;
    m->nnew = m->nlisted = m->newf_cap = m->ninc = m->inc_cap = m->nginc = m->ginc_cap = 0;
    m->ndg = m->dgroups_cap = m->ntouched = m->touched_cap = m->tmp_cap = 0;
    m->free_flow = NS_NONE;
}

/* --- groups ---------------------------------------------------------------- */

static uint64_t
group_hash(const uint32_t *links, const uint32_t *coefs, uint32_t n)
{
    uint64_t h = ns_hash64(n);
    for (uint32_t i = 0; i < n; i++)
        h = ns_hash64(h ^ (((uint64_t)links[i] << 32) | coefs[i]));
    return h;
}

static int
group_equal(const ns_mm *m, const mm_group *g, const uint32_t *links, const uint32_t *coefs, uint32_t n)
{
    if (g->n != n)
        return 0;
    for (uint32_t i = 0; i < n; i++)
        if (m->ent[g->off + i].link != links[i] || m->ent[g->off + i].coef != coefs[i])
            return 0;
    return 1;
}

static int
gtab_grow(ns_mm *m)
{
    size_t cap = m->gtab_cap * 2;
    uint32_t *t = ns_alloc(cap * sizeof *t);
    if (!t)
        return -1;
    memset(t, 0xff, cap * sizeof *t);
    for (size_t g = 0; g < m->ngroups; g++) {
        size_t i = m->groups[g].hash & (cap - 1);
        while (t[i] != NS_NONE)
            i = (i + 1) & (cap - 1);
        t[i] = (uint32_t)g;
    }
    ns_free(m->gtab);
    m->gtab = t;
    m->gtab_cap = cap;
    return 0;
}

uint32_t
ns_mm_group(ns_mm *m, const uint32_t *links, const uint32_t *coefs, uint32_t n)
{
    if (n == 0)
        return NS_NONE;
    uint64_t h = group_hash(links, coefs, n);
    size_t i = h & (m->gtab_cap - 1);
    for (; m->gtab[i] != NS_NONE; i = (i + 1) & (m->gtab_cap - 1)) {
        const mm_group *g = &m->groups[m->gtab[i]];
        if (g->hash == h && group_equal(m, g, links, coefs, n))
            return m->gtab[i];
    }
    if (m->ngroups >= NS_NONE - 1 || m->nent + n >= NS_NONE ||
        ns_grow((void **)&m->groups, &m->groups_cap, m->ngroups + 1, sizeof *m->groups) ||
        ns_grow((void **)&m->ent, &m->ent_cap, m->nent + n, sizeof *m->ent))
        return NS_NONE;
    uint32_t id = (uint32_t)m->ngroups++;
    mm_group *g = &m->groups[id];
    memset(g, 0, sizeof *g);
    g->hash = h;
    g->off = (uint32_t)m->nent;
    g->n = n;
    for (uint32_t k = 0; k < n; k++) {
        mm_ent *E = &m->ent[m->nent++];
        assert(links[k] < m->nlinks && coefs[k] > 0 && coefs[k] <= NS_MM_Q);
        E->link = links[k];
        E->coef = coefs[k];
        E->group = id;
        E->hpos = E->next = E->prev = NS_NONE;
    }
    m->gtab[i] = id;
    m->st.groups = m->ngroups;
    if (2 * m->ngroups > m->gtab_cap && gtab_grow(m))
        return NS_NONE;   /* the group exists but the table is full: no memory */
    return id;
}

uint32_t
ns_mm_group_size(const ns_mm *m, uint32_t g)
{
    return m->groups[g].n;
}

void
ns_mm_group_entry(const ns_mm *m, uint32_t g, uint32_t i, uint32_t *link, uint32_t *coef)
{
    const mm_ent *E = &m->ent[m->groups[g].off + i];
    *link = E->link;
    *coef = E->coef;
}

/* --- flows ----------------------------------------------------------------- */

static inline void
settle(mm_link *L, ns_time now)
{
    if (now > L->t_acc) {
        L->acc += L->load * (u128)(uint64_t)(now - L->t_acc);
        L->t_acc = now;
    }
}

static void
add_seed(ns_mm *m, uint32_t l)
{
    if (m->links[l].seed)
        return;
    m->links[l].seed = 1;   /* seeds has room for every link */
    m->seeds[m->nseeds++] = l;
}

/* New flows go into their heaps and add their weight to their links in a
 * batch (list_new), before anything else reads or changes the heaps: the
 * next solve, removal or relisting. Each heap gets the same entries in the
 * same order as if each flow had gone in when added, and the batch can
 * fetch ahead: an all-to-all starts millions of flows at once, each into
 * the heaps of a route group and a NIC all over memory. */

/* flow id (new, not yet listed) into its heaps: 0, or -1 when out of memory */
static int
list_one(ns_mm *m, uint32_t id)
{
    mm_flow *f = &m->flows[id];
    uint32_t group = f->group;
    if ((f->link[0] != NS_NONE && lh_reserve(m, &m->links[f->link[0]].own, HK_OWN)) ||
        (f->link[1] != NS_NONE && lh_reserve(m, &m->links[f->link[1]].own, HK_OWN)) ||
        (group != NS_NONE && lh_reserve(m, &m->groups[group].fl, HK_GFLOW)))
        return -1;
    if (group != NS_NONE && !m->groups[group].in_gent && m->groups[group].n <= m->gent_max)
        for (uint32_t k = 0; k < m->groups[group].n; k++) {
            rheap *h = &m->links[m->ent[m->groups[group].off + k].link].gent;
            if (ns_grow((void **)&h->e, &h->cap, (size_t)h->n + 1, sizeof *h->e))
                return -1;
        }
    for (int s = 0; s < 2; s++) {
        if (f->link[s] == NS_NONE)
            continue;
        lh_push(m, &m->links[f->link[s]].own, id * 2 + (uint32_t)s, HK_OWN);
        m->links[f->link[s]].w_all += NS_MM_Q;
    }
    if (group != NS_NONE) {
        mm_group *g = &m->groups[group];
        lh_push(m, &g->fl, id, HK_GFLOW);
        group_retop(m, group);
        for (uint32_t k = 0; k < g->n; k++)
            m->links[m->ent[g->off + k].link].w_all += m->ent[g->off + k].coef;
    }
    return 0;
}

/* fetch what list_one will touch for flow id: its links and group (stage
 * 0), then the ends of their heaps and the group's entries (stage 1) */
static inline void
list_prefetch(const ns_mm *m, uint32_t id, int stage)
{
    const mm_flow *f = &m->flows[id];
    for (int s = 0; s < 2; s++)
        if (f->link[s] != NS_NONE) {
            const rheap *h = &m->links[f->link[s]].own;
            if (stage == 0)
                ns_prefetch_w(h);
            else if (h->e)
                ns_prefetch_w(&h->e[h->n]);
        }
    if (f->group != NS_NONE) {
        const mm_group *g = &m->groups[f->group];
        if (stage == 0) {
            ns_prefetch_w(g);
        } else {
            if (g->fl.e)
                ns_prefetch_w(&g->fl.e[g->fl.n]);
            ns_prefetch(&m->ent[g->off]);
        }
    }
}

/* every flow added since the last batch into its heaps: 0, or -1 when out
 * of memory (then for good: the flows not listed have no entries, and the
 * solver only answers -1 until it is freed) */
static int
list_new(ns_mm *m)
{
    enum { AHEAD0 = 16, AHEAD1 = 8 };
    if (m->nomem)
        return -1;
    for (size_t i = m->nlisted; i < m->nnew; i++) {
        if (i + AHEAD0 < m->nnew)
            list_prefetch(m, m->newf[i + AHEAD0], 0);
        if (i + AHEAD1 < m->nnew)
            list_prefetch(m, m->newf[i + AHEAD1], 1);
        if (list_one(m, m->newf[i])) {
            m->nomem = 1;
            return -1;
        }
        m->nlisted = i + 1;
    }
    return 0;
}

uint32_t
ns_mm_add(ns_mm *m, uint32_t up, uint32_t down, uint32_t group, uint32_t user)
{
    assert(up == NS_NONE || up != down);
    if (ns_grow((void **)&m->newf, &m->newf_cap, m->nnew + 1, sizeof *m->newf))
        return NS_NONE;
    uint32_t id, gen = 0;
    if (m->free_flow != NS_NONE) {
        id = m->free_flow;
        m->free_flow = m->flows[id].user;
        gen = m->flows[id].gen;
    } else {
        if (m->nflows >= (NS_NONE >> 1) - 1 ||
            ns_grow((void **)&m->flows, &m->flows_cap, m->nflows + 1, sizeof *m->flows))
            return NS_NONE;
        id = (uint32_t)m->nflows++;
    }
    mm_flow *f = &m->flows[id];
    memset(f, 0, sizeof *f);
    f->gen = gen;
    f->state = F_NEW;
    f->user = user;
    f->link[0] = up;
    f->link[1] = down;
    f->group = group;
    m->newf[m->nnew++] = id;   /* into its heaps at the next list_new */
    m->dirty = 1;
    if (++m->live > m->st.peak_flows)
        m->st.peak_flows = m->live;
    return id;
}

/* flow id's record goes back to the free list */
static void
flow_free(ns_mm *m, uint32_t id)
{
    mm_flow *f = &m->flows[id];
    f->state = F_FREE;
    f->stamp = 0;
    f->user = m->free_flow;
    m->free_flow = id;
    m->live--;
    m->dirty = 1;
}

int
ns_mm_remove(ns_mm *m, uint32_t id, ns_time now, unsigned __int128 excess)
{
    mm_flow *f = &m->flows[id];
    assert(f->state != F_FREE);
    if (list_new(m)) {   /* its heaps may not be whole: it only goes */
        flow_free(m, id);
        return -1;
    }
    int active = f->state == F_ACTIVE;
    uint64_t r = active ? f->rate : 0;
    if (active && r < m->t0_dep)
        m->t0_dep = r;
    /* its life ends: its heap entries are stale from now on */
    f->state = F_FREE;
    flow_unlist(m, id);
    for (int s = 0; s < 2; s++) {
        uint32_t l = f->link[s];
        if (l == NS_NONE)
            continue;
        mm_link *L = &m->links[l];
        settle(L, now);
        L->load -= (u128)r * NS_MM_Q;
        L->acc -= excess * NS_MM_Q;
        L->w_all -= NS_MM_Q;
        lh_tidy(m, &L->own, HK_OWN);
        add_seed(m, l);
    }
    if (f->group != NS_NONE) {
        mm_group *g = &m->groups[f->group];
        for (uint32_t k = 0; k < g->n; k++) {
            const mm_ent *E = &m->ent[g->off + k];
            mm_link *L = &m->links[E->link];
            settle(L, now);
            L->load -= (u128)r * E->coef;
            L->acc -= excess * E->coef;
            L->w_all -= E->coef;
            add_seed(m, E->link);
        }
        lh_tidy(m, &g->fl, HK_GFLOW);
        group_retop(m, f->group);
    }
    flow_free(m, id);
    return 0;
}

void
ns_mm_prefetch(const ns_mm *m, uint32_t id)
{
    if (id < m->nflows)
        ns_prefetch(&m->flows[id]);
}

void
ns_mm_prefetch_links(const ns_mm *m, uint32_t id)
{
    if (id >= m->nflows)
        return;
    const mm_flow *f = &m->flows[id];
    for (int s = 0; s < 2; s++)
        if (f->link[s] != NS_NONE)
            ns_prefetch_w(&m->links[f->link[s]]);
    if (f->group != NS_NONE)
        ns_prefetch_w(&m->groups[f->group]);
}

void
ns_mm_prefetch_tops(const ns_mm *m, uint32_t id)
{
    if (id >= m->nflows)
        return;
    const mm_flow *f = &m->flows[id];
    for (int s = 0; s < 2; s++)
        if (f->link[s] != NS_NONE) {
            const rheap *h = &m->links[f->link[s]].own;
            if (h->r0 < h->n)
                ns_prefetch(&h->e[h->r0]);
        }
    if (f->group != NS_NONE) {
        const mm_group *g = &m->groups[f->group];
        if (g->fl.r0 < g->fl.n)
            ns_prefetch(&g->fl.e[g->fl.r0]);
        ns_prefetch(&m->ent[g->off]);
    }
}

uint64_t
ns_mm_rate(const ns_mm *m, uint32_t id)
{
    return m->flows[id].state == F_ACTIVE ? m->flows[id].rate : 0;
}

/* --- the heap of links, keyed by (level, link id) --------------------------- */

static inline int
hless(const ns_mm *m, uint32_t a, uint32_t b)
{
    const mm_link *A = &m->links[a], *B = &m->links[b];
    return A->level < B->level || (A->level == B->level && a < b);
}

static void
hplace(ns_mm *m, size_t i, uint32_t l)
{
    m->heap[i] = l;
    m->links[l].hpos = (uint32_t)i;
}

static void
hup(ns_mm *m, size_t i)
{
    uint32_t l = m->heap[i];
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!hless(m, l, m->heap[p]))
            break;
        hplace(m, i, m->heap[p]);
        i = p;
    }
    hplace(m, i, l);
}

static void
hdown(ns_mm *m, size_t i)
{
    uint32_t l = m->heap[i];
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= m->nheap)
            break;
        if (c + 1 < m->nheap && hless(m, m->heap[c + 1], m->heap[c]))
            c++;
        if (!hless(m, m->heap[c], l))
            break;
        hplace(m, i, m->heap[c]);
        i = c;
    }
    hplace(m, i, l);
}

static void
hremove(ns_mm *m, uint32_t l)
{
    size_t i = m->links[l].hpos;
    m->links[l].hpos = NS_NONE;
    uint32_t last = m->heap[--m->nheap];
    if (i == m->nheap)
        return;
    hplace(m, i, last);
    hup(m, i);
    hdown(m, m->links[last].hpos);
}

static inline uint64_t
link_level(const mm_link *L)
{
    assert(L->frozen <= L->cap && L->w > 0);
    u128 room = L->cap - L->frozen;
    if ((uint64_t)(room >> 64) == 0)
        return (uint64_t)room / L->w;
    u128 q = room / L->w;
    return (q >> 64) ? UINT64_MAX : (uint64_t)q;
}

/* --- the solve ------------------------------------------------------------- */

static inline void
visit(ns_mm *m, uint32_t l)
{
    mm_link *L = &m->links[l];
    if (L->stamp == m->cur)
        return;
    L->stamp = m->cur;
    L->frozen = L->load;
    L->w = 0;
    L->dirty = 0;
    m->queue[m->nq++] = l;
}

static void
include(ns_mm *m, uint32_t id)
{
    mm_flow *f = &m->flows[id];
    f->stamp = m->cur;
    f->frozen = 0;
    m->inc[m->ninc++] = id;
    uint64_t old = f->state == F_ACTIVE ? f->rate : 0;
    for (int s = 0; s < 2; s++) {
        uint32_t l = f->link[s];
        if (l == NS_NONE)
            continue;
        visit(m, l);
        m->links[l].frozen -= (u128)old * NS_MM_Q;
        m->links[l].w += NS_MM_Q;
    }
    if (f->group != NS_NONE) {
        mm_group *g = &m->groups[f->group];
        if (g->istamp != m->cur) {
            g->istamp = m->cur;
            g->inc = 0;
            g->inc_old = 0;
            g->batch = 0;
            g->dirty = 0;
            m->ginc[m->nginc++] = f->group;
            for (uint32_t k = 0; k < g->n; k++)
                visit(m, m->ent[g->off + k].link);
        }
        g->inc++;
        g->inc_old += old;
    }
}

/* include the flow of entry x if it is valid, active and not yet in */
static inline void
collect_ent(ns_mm *m, rh_ent x, int grp)
{
    uint32_t id = node_flow(x.node, grp);
    const mm_flow *f = &m->flows[id];
    if (f->stamp != m->cur && f->state == F_ACTIVE && f->gen == egen(x) &&
        (ekey(x) < KEY_MAX || f->rate >= m->t0))   /* saturated: its rate decides */
        include(m, id);
}

/* The scans below take tk = key_of(t0): the flows of rate >= t0 have keys
 * >= tk (collect_ent drops a saturated key's flow below t0). */

/* include the flows of rate >= t0 in the heap part of h, from slot i down */
static void
collect_heap(ns_mm *m, const rh_ent *e, uint32_t n, uint32_t i, uint64_t tk, int grp)
{
    if (i >= n || ekey(e[i]) < tk)
        return;
    collect_ent(m, e[i], grp);
    for (uint32_t c = RH_D * i + 1; c <= RH_D * i + RH_D; c++)
        collect_heap(m, e, n, c, tk, grp);
}

/* include the flows of rate >= t0 in lazy heap h (HK_OWN or HK_GFLOW):
 * the run's head down to tk, then the heap's */
static void
collect(ns_mm *m, const rheap *h, uint64_t tk, int grp)
{
    for (uint32_t i = h->r0; i < h->rn && ekey(h->e[i]) >= tk; i++)
        collect_ent(m, h->e[i], grp);
    if (h->n > h->rn)   /* (a heap never grown has no array to offset) */
        collect_heap(m, h->e + h->rn, h->n - h->rn, 0, tk, grp);
}

/* include the flows of rate >= t0 of group gid, once a solve */
static void
collect_group(ns_mm *m, uint32_t gid, uint64_t tk)
{
    mm_group *g = &m->groups[gid];
    if (g->sstamp != m->cur) {
        g->sstamp = m->cur;
        collect(m, &g->fl, tk, HK_GFLOW);
    }
}

/* include the flows of rate >= t0 of the groups in a link's heap of group
 * entries, from slot i down */
static void
collect_groups(ns_mm *m, const rheap *h, uint32_t i, uint64_t tk)
{
    if (i >= h->n || ekey(h->e[i]) < tk)
        return;
    collect_group(m, m->ent[h->e[i].node].group, tk);
    for (uint32_t c = RH_D * i + 1; c <= RH_D * i + RH_D; c++)
        collect_groups(m, h, c, tk);
}

/* include the flows of rate >= t0 on link l: its own and its groups' */
static void
scan_link(ns_mm *m, uint32_t l, uint64_t t0)
{
    uint64_t tk = key_of(t0);   /* the keys' threshold */
    lh_purge(m, &m->links[l].own, HK_OWN);
    collect(m, &m->links[l].own, tk, HK_OWN);
    collect_groups(m, &m->links[l].gent, 0, tk);
    for (uint32_t e = m->links[l].ghead; e != NS_NONE; e = m->ent[e].next)
        collect_group(m, m->ent[e].group, tk);
}

static inline void
mark_link(ns_mm *m, uint32_t l)
{
    mm_link *L = &m->links[l];
    if (!L->dirty) {
        L->dirty = 1;
        m->dlinks[m->ndl++] = l;
    }
}

static void
freeze(ns_mm *m, uint32_t id, uint64_t t)
{
    mm_flow *f = &m->flows[id];
    f->frozen = 1;
    f->new_rate = t;
    for (int s = 0; s < 2; s++) {
        uint32_t l = f->link[s];
        if (l == NS_NONE)
            continue;
        m->links[l].frozen += (u128)t * NS_MM_Q;
        m->links[l].w -= NS_MM_Q;
        mark_link(m, l);
    }
    if (f->group != NS_NONE) {
        mm_group *g = &m->groups[f->group];
        g->inc--;
        g->batch++;
        if (!g->dirty) {
            g->dirty = 1;
            m->dgroups[m->ndg++] = f->group;
        }
    }
}

/* freeze at t the flows group gid has in this solve */
static void
saturate_group(ns_mm *m, uint32_t gid, uint64_t t)
{
    mm_group *g = &m->groups[gid];
    if (g->istamp != m->cur || g->inc == 0)
        return;
    uint64_t tk = key_of(m->t0);
    for (uint32_t i = g->fl.r0; i < g->fl.n && g->inc > 0; i++) {
        if (ekey(g->fl.e[i]) < tk && ekey(g->fl.e[i]) != 0)
            continue;
        uint32_t id = g->fl.e[i].node;
        if (m->flows[id].stamp == m->cur && !m->flows[id].frozen && m->flows[id].gen == egen(g->fl.e[i]))
            freeze(m, id, t);
    }
}

static void
saturate(ns_mm *m, uint32_t l, uint64_t t)
{
    /* the flows included are those of rate >= t0, and new ones (key 0) */
    const rheap *h = &m->links[l].own;
    uint64_t tk = key_of(m->t0);
    for (uint32_t i = h->r0; i < h->n; i++) {
        if (ekey(h->e[i]) < tk && ekey(h->e[i]) != 0)
            continue;
        const mm_flow *f = &m->flows[h->e[i].node >> 1];
        if (f->stamp == m->cur && !f->frozen && f->gen == egen(h->e[i]))
            freeze(m, h->e[i].node >> 1, t);
    }
    const rheap *ge = &m->links[l].gent;
    for (uint32_t j = 0; j < ge->n; j++)
        saturate_group(m, m->ent[ge->e[j].node].group, t);
    for (uint32_t e = m->links[l].ghead; e != NS_NONE; e = m->ent[e].next)
        saturate_group(m, m->ent[e].group, t);
}

static void
fill(ns_mm *m)
{
    m->nheap = 0;
    for (size_t i = 0; i < m->nq; i++) {
        uint32_t l = m->queue[i];
        mm_link *L = &m->links[l];
        L->hpos = NS_NONE;
        if (L->w == 0)
            continue;
        L->level = link_level(L);
        m->heap[m->nheap] = l;
        L->hpos = (uint32_t)m->nheap++;
        hup(m, m->nheap - 1);
    }
    while (m->nheap > 0) {
        uint64_t t = m->links[m->heap[0]].level;
        size_t nb = 0;
        while (m->nheap > 0 && m->links[m->heap[0]].level == t) {
            uint32_t l = m->heap[0];
            hremove(m, l);
            m->batch[nb++] = l;
        }
        m->ndl = m->ndg = 0;
        for (size_t i = 0; i < nb; i++)
            saturate(m, m->batch[i], t);
        for (size_t i = 0; i < m->ndg; i++) {
            mm_group *g = &m->groups[m->dgroups[i]];
            for (uint32_t k = 0; k < g->n; k++) {
                const mm_ent *E = &m->ent[g->off + k];
                mm_link *L = &m->links[E->link];
                L->frozen += (u128)t * E->coef * g->batch;
                L->w -= (uint64_t)E->coef * g->batch;
                mark_link(m, E->link);
            }
            g->batch = 0;
            g->dirty = 0;
        }
        for (size_t i = 0; i < m->ndl; i++) {
            mm_link *L = &m->links[m->dlinks[i]];
            L->dirty = 0;
            if (L->hpos == NS_NONE)
                continue;
            if (L->w == 0) {
                hremove(m, m->dlinks[i]);
                continue;
            }
            uint64_t lv = link_level(L);
            assert(lv >= t);
            if (lv != L->level) {
                L->level = lv;
                hdown(m, L->hpos);
            }
        }
    }
}

/* a bulk heap made again in one pass: valid entries stay, the entry of each
 * flow whose rate this solve changed (its gen was bumped once since) takes
 * the new rate, the rest go */
static void
lh_rebuild(const ns_mm *m, rheap *h, int kind, rh_ent *tmp)
{
    uint32_t k = 0;
    for (uint32_t i = h->r0; i < h->n; i++) {
        rh_ent x = h->e[i];
        const mm_flow *f = &m->flows[node_flow(x.node, kind)];
        if (egen(x) != f->gen) {
            if (!(f->stamp == m->cur && f->rekey && f->state == F_ACTIVE && (uint16_t)(egen(x) + 1) == f->gen))
                continue;
            x = ent_make(f->rate, x.node, f->gen);
            h->live++;
        }
        h->e[k++] = x;
    }
    assert(k == h->live);
    lh_make_run_in(h, k, tmp);
}

/* The heaps rekey_all rebuilds whole, each on its own: after a solve that
 * changed most rates (the first of a big all-to-all: 50 million entries at
 * 4,096 hosts, each read against its flow, then sorted) two threads take
 * them in turn, each with its own room to sort. A heap's run depends on its
 * entries and the flows alone, so the result is the same whoever takes it. */
typedef struct rebuild_job {
    const ns_mm *m;
    size_t       next;        /* the next touched heap to take (atomic) */
    rh_ent      *tmp;
} rebuild_job;

static void
rebuild_some(rebuild_job *j, rh_ent *tmp)
{
    const ns_mm *m = j->m;
    for (;;) {
        size_t i = __atomic_fetch_add(&j->next, 1, __ATOMIC_RELAXED);
        if (i >= m->ntouched)
            return;
        const touched *t = &m->touched[i];
        if (t->h->bulk)
            lh_rebuild(m, t->h, t->kind, tmp);
    }
}

static void *
rebuild_thread(void *arg)
{
    rebuild_job *j = arg;
    rebuild_some(j, j->tmp);
    return NULL;
}

static void
rebuild_bulk(ns_mm *m)
{
    uint64_t ents = 0;
    for (size_t i = 0; i < m->ntouched; i++)
        if (m->touched[i].h->bulk)
            ents += m->touched[i].h->n - m->touched[i].h->r0;
    rebuild_job j = { m, 0, NULL };
    pthread_t tid;
    int helped = 0;
    /* the second room to sort: the size of the first (no heap outgrows it);
     * without it, or a thread, one thread does it all */
    if (ents >= m->par_min && ns_cores() > 1 &&
        ns_grow((void **)&m->tmp2, &m->tmp2_cap, m->tmp_cap, sizeof *m->tmp2) == 0) {
        j.tmp = m->tmp2;
        helped = pthread_create(&tid, NULL, rebuild_thread, &j) == 0;
    }
    rebuild_some(&j, m->tmp);
    if (helped)
        pthread_join(tid, NULL);
    m->st.par_rebuilds += helped;
}

/* the end of a solve: the included flows take their new rates, the
 * changes are reported, and the heaps follow the flows whose key changed
 * (a new flow's key was 0). A heap where an eighth or more of the entries
 * change is rebuilt in one pass (a full solve would otherwise double every
 * heap); in the others a changed flow leaves a stale entry and gets a fresh
 * one. fn is told of every change. The number of changes, or -1 when out
 * of memory. */
static long
rekey_all(ns_mm *m, ns_mm_change_fn *fn, void *ctx)
{
    long nchg = 0;
    rheap *h[3];
    uint32_t node[3];
    int kind[3];
    m->ntouched = 0;
    for (size_t i = 0; i < m->ninc; i++) {
        mm_flow *f = &m->flows[m->inc[i]];
        assert(f->frozen);
        uint64_t old = flow_key(f);
        if (f->state == F_NEW || f->new_rate != old) {
            ns_mm_change c = { f->user, old, f->new_rate };
            fn(ctx, &c);
            nchg++;
        }
        f->rekey = f->new_rate != old;
        if (f->rekey)
            for (int k = flow_heaps(m, f, h, node, kind, m->inc[i]); k-- > 0;)
                if (h[k]->rk++ == 0) {   /* first change in this heap: decide later */
                    touched *t = &m->touched[m->ntouched++];
                    t->h = h[k];
                    t->kind = kind[k];
                    t->group = kind[k] == HK_GFLOW ? f->group : NS_NONE;
                }
    }
    for (size_t i = 0; i < m->ntouched; i++)
        m->touched[i].h->bulk = 8 * (uint64_t)m->touched[i].h->rk >= m->touched[i].h->n;
    m->in_rekey = 1;
    for (size_t i = 0; i < m->ninc; i++) {
        mm_flow *f = &m->flows[m->inc[i]];
        int rekey = f->rekey;
        f->state = F_ACTIVE;
        f->rate = f->new_rate;
        if (!rekey)
            continue;
        flow_unlist(m, m->inc[i]);
        for (int k = 0, nh = flow_heaps(m, f, h, node, kind, m->inc[i]); k < nh; k++) {
            if (h[k]->bulk)
                continue;
            if (lh_reserve(m, h[k], kind[k])) {
                m->in_rekey = 0;
                return -1;
            }
            lh_push(m, h[k], node[k], kind[k]);
        }
    }
    m->in_rekey = 0;
    if (!m->relist)   /* else relist_all below makes every heap again */
        rebuild_bulk(m);
    for (size_t i = 0; i < m->ntouched; i++) {
        touched *t = &m->touched[i];
        if (!m->relist) {
            if (!t->h->bulk)
                lh_tidy(m, t->h, t->kind);
            if (t->kind == HK_GFLOW)
                group_retop(m, t->group);
        }
        t->h->rk = 0;
        t->h->bulk = 0;
    }
    if (m->relist) {
        m->relist = 0;
        relist_all(m, 1);
    }
    return nchg;
}

void
ns_mm_set_capacity(ns_mm *m, uint32_t link, uint64_t cap_bps)
{
    m->links[link].cap = (u128)cap_bps * NS_MM_Q;
    m->dirty = 1;
}

long
ns_mm_solve(ns_mm *m, ns_time now, int mode, ns_mm_change_fn *fn, void *ctx)
{
    long nchg = 0;
    if (list_new(m))
        return -1;
    if (!m->dirty && mode != NS_MM_FULL)
        return 0;
    if (++m->since_relist >= m->relist_every)
        relist_all(m, 1);   /* before any gen can wrap */
    if (++m->cur == STAMP_END) {   /* the stamp wrapped: forget every old stamp */
        for (size_t l = 0; l < m->nlinks; l++)
            m->links[l].stamp = 0;
        for (size_t i = 0; i < m->nflows; i++)
            m->flows[i].stamp = 0;
        for (size_t g = 0; g < m->ngroups; g++)
            m->groups[g].istamp = m->groups[g].sstamp = 0;
        m->cur = 1;
    }
    m->ninc = m->nq = m->nginc = 0;
    /* room for every flow and group, so that gathering never allocates */
    if (ns_grow((void **)&m->dgroups, &m->dgroups_cap, m->ngroups + 1, sizeof *m->dgroups) ||
        ns_grow((void **)&m->ginc, &m->ginc_cap, m->ngroups + 1, sizeof *m->ginc) ||
        ns_grow((void **)&m->inc, &m->inc_cap, m->nflows + 1, sizeof *m->inc) ||
        ns_grow((void **)&m->touched, &m->touched_cap, m->nlinks + m->ngroups + 1, sizeof *m->touched))
        return -1;

    uint64_t t0 = 0;
    if (mode == NS_MM_INCREMENTAL) {
        t0 = m->t0_dep;
        for (size_t i = 0; i < m->nnew; i++) {
            const mm_flow *f = &m->flows[m->newf[i]];
            if (f->state != F_NEW)
                continue;
            for (int s = 0; s < 2; s++) {
                if (f->link[s] == NS_NONE)
                    continue;
                const mm_link *L = &m->links[f->link[s]];
                u128 b = L->cap / L->w_all;
                if (b < t0)
                    t0 = (uint64_t)b;
            }
            if (f->group != NS_NONE) {
                const mm_group *g = &m->groups[f->group];
                for (uint32_t k = 0; k < g->n; k++) {
                    const mm_link *L = &m->links[m->ent[g->off + k].link];
                    u128 b = L->cap / L->w_all;
                    if (b < t0)
                        t0 = (uint64_t)b;
                }
            }
        }
    }
    m->t0 = t0;
    if (mode == NS_MM_FULL) {
        for (size_t i = 0; i < m->nflows; i++)
            if (m->flows[i].state != F_FREE)
                include(m, (uint32_t)i);
        for (size_t i = 0; i < m->nseeds; i++)
            visit(m, m->seeds[i]);
    } else {
        for (size_t i = 0; i < m->nnew; i++)
            if (m->flows[m->newf[i]].state == F_NEW && m->flows[m->newf[i]].stamp != m->cur)
                include(m, m->newf[i]);
        for (size_t i = 0; i < m->nseeds; i++)
            visit(m, m->seeds[i]);
        for (size_t q = 0; q < m->nq; q++) {
            scan_link(m, m->queue[q], t0);
            if (m->full_fraction && m->ninc > m->live / m->full_fraction) {
                /* most flows can change: finish as a full solve, which costs
                 * less per flow than gathering them one by one */
                m->t0 = 0;
                for (size_t i = 0; i < m->nflows; i++)
                    if (m->flows[i].state != F_FREE && m->flows[i].stamp != m->cur)
                        include(m, (uint32_t)i);
                break;
            }
        }
    }
    for (size_t i = 0; i < m->nginc; i++) {
        const mm_group *g = &m->groups[m->ginc[i]];
        for (uint32_t k = 0; k < g->n; k++) {
            const mm_ent *E = &m->ent[g->off + k];
            mm_link *L = &m->links[E->link];
            L->frozen -= g->inc_old * E->coef;
            L->w += (uint64_t)E->coef * g->inc;
        }
    }
    if (m->newf_cap >= 65536) {
        /* a big batch of arrivals (an all-to-all's start: 4 bytes a flow)
         * is gathered: its list goes before the rest of the solve and the
         * events it schedules reach the run's peak */
        ns_free(m->newf);
        m->newf = NULL;
        m->newf_cap = 0;
    }
    m->nnew = m->nlisted = 0;
    fill(m);

    nchg = rekey_all(m, fn, ctx);
    if (nchg < 0)
        return -1;
    for (size_t i = 0; i < m->nq; i++) {
        mm_link *L = &m->links[m->queue[i]];
        settle(L, now);
        assert(L->frozen <= L->cap);
        L->load = L->frozen;
    }
    for (size_t i = 0; i < m->nseeds; i++)
        m->links[m->seeds[i]].seed = 0;
    m->nseeds = 0;
    m->t0_dep = UINT64_MAX;
    m->dirty = 0;
    m->st.solves++;
    m->st.flows_solved += m->ninc;
    m->st.links_solved += m->nq;
    if (m->ninc > m->st.max_flows_solved)
        m->st.max_flows_solved = m->ninc;
    return nchg;
}

void
ns_mm_set_full_fraction(ns_mm *m, uint32_t f)
{
    m->full_fraction = f;
}

/* --- readings -------------------------------------------------------------- */

uint64_t
ns_mm_link_bytes(const ns_mm *m, uint32_t link, ns_time now)
{
    const mm_link *L = &m->links[link];
    u128 acc = L->acc;
    if (now > L->t_acc)
        acc += L->load * (u128)(uint64_t)(now - L->t_acc);
    return (uint64_t)(acc / ((u128)NS_MM_Q * 8 * (uint64_t)NS_PS_PER_S));
}

uint64_t
ns_mm_link_load_bps(const ns_mm *m, uint32_t link)
{
    return (uint64_t)(m->links[link].load / NS_MM_Q);
}

void
ns_mm_get_stats(const ns_mm *m, ns_mm_stats *s)
{
    *s = m->st;
}

void
ns_mm_set_parallel_min(ns_mm *m, uint64_t entries)
{
    m->par_min = entries;
}

void
ns_mm_set_wide(ns_mm *m, uint32_t n)
{
    assert(m->nflows == 0);
    m->gent_max = n;
}

/* the entries of h out of order: run entries above the one before them,
 * heap entries above their parent */
static uint64_t
heap_disorder(const rheap *h)
{
    uint64_t bad = 0;
    for (uint32_t i = h->r0 + 1; i < h->rn; i++)
        bad += ekey(h->e[i]) > ekey(h->e[i - 1]);
    const rh_ent *e = h->e + h->rn;
    for (uint32_t i = 1; i < h->n - h->rn; i++)
        bad += ekey(e[i]) > ekey(e[(i - 1) / RH_D]);
    return bad;
}

uint64_t
ns_mm_test_disorder(const ns_mm *m)
{
    uint64_t bad = 0;
    for (size_t l = 0; l < m->nlinks; l++)
        bad += heap_disorder(&m->links[l].own) + heap_disorder(&m->links[l].gent);
    for (size_t g = 0; g < m->ngroups; g++)
        bad += heap_disorder(&m->groups[g].fl);
    return bad;
}

void
ns_mm_test_set_relist(ns_mm *m, uint32_t every)
{
    m->relist_every = every;
}

void
ns_mm_test_set_gens(ns_mm *m, uint32_t gen)
{
    for (size_t i = 0; i < m->nflows; i++)
        m->flows[i].gen = (uint16_t)gen;
    relist_all(m, 0);
}

void
ns_mm_test_set_stamp(ns_mm *m, uint32_t back)
{
    assert(back > 0 && back < STAMP_END);
    if (m->cur < STAMP_END - back)   /* every stamp given so far stays below the new one */
        m->cur = STAMP_END - back;
}
