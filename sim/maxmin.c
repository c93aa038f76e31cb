/*
 * maxmin.c - incremental max-min fair rates by progressive filling, in
 * integers (see maxmin.h for the model and the argument).
 *
 * Data: every link keeps two intrusive lists, of the flows that cross it as
 * an own link (NIC or downlink, coefficient 1) and of the route-group
 * entries that cross it; every group keeps the list of its flows. A group is
 * linked into its links' lists only while it has flows. All lists keep
 * insertion order and ids are recycled last-in first-out, so every loop
 * runs in the same order on every run.
 *
 * A solve (ns_mm_solve):
 *   1. gathers the flows to recompute: every flow (FULL), or those reached
 *      from the changed links through links and flows of rate >= t0
 *      (t0 = 0 for COMPONENT; see maxmin.h for INCREMENTAL);
 *   2. gives every link it visited its frozen load (the load of the flows
 *      it keeps) and its unfrozen weight;
 *   3. fills: a heap of links keyed by (level, link id); all links at the
 *      lowest level saturate together and freeze their unfrozen flows at
 *      that level; group entries are updated once per group per level;
 *   4. reports the flows whose rate changed and settles the links' loads
 *      and byte counters at `now`.
 * Cost: about the sum, over the links visited, of the flows and groups on
 * them, plus a heap operation per link update.
 */
#include <config.h>
#include "maxmin.h"

#include <assert.h>
#include <string.h>
#include "alloc.h"
#include "rng.h"

#define NONE NS_MM_NONE

typedef unsigned __int128 u128;

enum { F_FREE = 0, F_NEW = 1, F_ACTIVE = 2 };

typedef struct mm_link {
    u128     cap;         /* capacity x Q */
    u128     load;        /* sum of coef x rate over its flows */
    u128     acc;         /* load integrated over time up to t_acc: Q x 1e-12 bit */
    u128     frozen;      /* solve: load of the flows frozen or kept */
    ns_time  t_acc;
    uint64_t w_all;       /* sum of the coefficients of all its flows */
    uint64_t w;           /* solve: sum of the coefficients of its unfrozen flows */
    uint64_t ub;          /* >= the rate of every flow in its own list */
    uint64_t level;       /* solve: heap key */
    uint32_t fhead, ftail;   /* own flows: nodes id * 2 + slot */
    uint32_t ghead, gtail;   /* group entries */
    uint32_t stamp;       /* the solve that visited it */
    uint32_t seed;        /* 1: in the seed list */
    uint32_t hpos;        /* heap slot, or NONE */
    uint8_t  dirty;
} mm_link;

typedef struct mm_flow {
    uint64_t rate, new_rate;
    uint32_t link[2];         /* own links (slot 0: up, 1: down), or NONE */
    uint32_t next[2], prev[2];/* list nodes in the own links' lists */
    uint32_t group, gnext, gprev;
    uint32_t user;
    uint32_t stamp;           /* the solve that included it */
    uint8_t  state, frozen;
} mm_flow;

typedef struct mm_ent {
    uint32_t link, coef;
    uint32_t group;
    uint32_t next, prev;      /* in the link's group list */
} mm_ent;

typedef struct mm_group {
    uint64_t hash;
    uint64_t ub;              /* >= the rate of every flow in it */
    u128     inc_old;         /* solve: sum of the old rates of its included flows */
    uint32_t off, n;          /* entries m->ent[off .. off + n) */
    uint32_t head, tail;      /* flows */
    uint32_t nflows;
    uint32_t istamp;          /* the solve that listed it in ginc */
    uint32_t sstamp;          /* the solve that scanned it */
    uint32_t inc;             /* solve: included flows not yet frozen */
    uint32_t batch;           /* solve: flows frozen at the current level */
    uint8_t  dirty;
} mm_group;

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
    uint32_t *gtab;           /* open addressing: group ids, NONE = empty */
    size_t    gtab_cap;

    /* changes since the last solve */
    uint32_t *newf;           /* new flow ids */
    size_t    nnew, newf_cap;
    uint32_t *seeds;          /* links that lost a flow (room for all links) */
    size_t    nseeds;
    uint64_t  t0_dep;         /* lowest rate among departed flows */
    int       dirty;

    /* solve scratch */
    uint32_t  cur;            /* solve stamp */
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
    ns_mm_change *chg;
    size_t    nchg, chg_cap;

    ns_mm_stats st;
};

/* --- lists ----------------------------------------------------------------- */

static inline uint32_t *
node_next(ns_mm *m, uint32_t node)
{
    return &m->flows[node >> 1].next[node & 1];
}

static inline uint32_t *
node_prev(ns_mm *m, uint32_t node)
{
    return &m->flows[node >> 1].prev[node & 1];
}

static void
own_append(ns_mm *m, uint32_t l, uint32_t node)
{
    mm_link *L = &m->links[l];
    *node_next(m, node) = NONE;
    *node_prev(m, node) = L->ftail;
    if (L->ftail == NONE)
        L->fhead = node;
    else
        *node_next(m, L->ftail) = node;
    L->ftail = node;
}

static void
own_unlink(ns_mm *m, uint32_t l, uint32_t node)
{
    mm_link *L = &m->links[l];
    uint32_t nx = *node_next(m, node), pv = *node_prev(m, node);
    if (pv == NONE)
        L->fhead = nx;
    else
        *node_next(m, pv) = nx;
    if (nx == NONE)
        L->ftail = pv;
    else
        *node_prev(m, nx) = pv;
}

static void
ent_attach(ns_mm *m, uint32_t e)
{
    mm_ent *E = &m->ent[e];
    mm_link *L = &m->links[E->link];
    E->next = NONE;
    E->prev = L->gtail;
    if (L->gtail == NONE)
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
    if (E->prev == NONE)
        L->ghead = E->next;
    else
        m->ent[E->prev].next = E->next;
    if (E->next == NONE)
        L->gtail = E->prev;
    else
        m->ent[E->next].prev = E->prev;
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
        L->fhead = L->ftail = L->ghead = L->gtail = NONE;
        L->hpos = NONE;
    }
    m->free_flow = NONE;
    m->t0_dep = UINT64_MAX;
    return m;
}

void
ns_mm_free(ns_mm *m)
{
    if (!m)
        return;
    ns_free(m->links);
    ns_free(m->flows);
    ns_free(m->groups);
    ns_free(m->ent);
    ns_free(m->gtab);
    ns_free(m->newf);
    ns_free(m->seeds);
    ns_free(m->inc);
    ns_free(m->queue);
    ns_free(m->ginc);
    ns_free(m->heap);
    ns_free(m->dlinks);
    ns_free(m->dgroups);
    ns_free(m->batch);
    ns_free(m->chg);
    ns_free(m);
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
        while (t[i] != NONE)
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
        return NONE;
    uint64_t h = group_hash(links, coefs, n);
    size_t i = h & (m->gtab_cap - 1);
    for (; m->gtab[i] != NONE; i = (i + 1) & (m->gtab_cap - 1)) {
        const mm_group *g = &m->groups[m->gtab[i]];
        if (g->hash == h && group_equal(m, g, links, coefs, n))
            return m->gtab[i];
    }
    if (m->ngroups >= NONE - 1 || m->nent + n >= NONE ||
        ns_grow((void **)&m->groups, &m->groups_cap, m->ngroups + 1, sizeof *m->groups) ||
        ns_grow((void **)&m->ent, &m->ent_cap, m->nent + n, sizeof *m->ent))
        return NONE;
    uint32_t id = (uint32_t)m->ngroups++;
    mm_group *g = &m->groups[id];
    memset(g, 0, sizeof *g);
    g->hash = h;
    g->off = (uint32_t)m->nent;
    g->n = n;
    g->head = g->tail = NONE;
    for (uint32_t k = 0; k < n; k++) {
        mm_ent *E = &m->ent[m->nent++];
        assert(links[k] < m->nlinks && coefs[k] > 0 && coefs[k] <= NS_MM_Q);
        E->link = links[k];
        E->coef = coefs[k];
        E->group = id;
        E->next = E->prev = NONE;
    }
    m->gtab[i] = id;
    m->st.groups = m->ngroups;
    if (2 * m->ngroups > m->gtab_cap && gtab_grow(m))
        return NONE;   /* the group exists but the table is full: no memory */
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

uint32_t
ns_mm_add(ns_mm *m, uint32_t up, uint32_t down, uint32_t group, uint32_t user)
{
    assert(up == NONE || up != down);
    if (ns_grow((void **)&m->newf, &m->newf_cap, m->nnew + 1, sizeof *m->newf))
        return NONE;
    uint32_t id;
    if (m->free_flow != NONE) {
        id = m->free_flow;
        m->free_flow = m->flows[id].next[0];
    } else {
        if (m->nflows >= (NONE >> 1) - 1 ||
            ns_grow((void **)&m->flows, &m->flows_cap, m->nflows + 1, sizeof *m->flows))
            return NONE;
        id = (uint32_t)m->nflows++;
    }
    mm_flow *f = &m->flows[id];
    memset(f, 0, sizeof *f);
    f->state = F_NEW;
    f->user = user;
    f->link[0] = up;
    f->link[1] = down;
    f->group = group;
    for (int s = 0; s < 2; s++) {
        if (f->link[s] == NONE)
            continue;
        own_append(m, f->link[s], id * 2 + (uint32_t)s);
        m->links[f->link[s]].w_all += NS_MM_Q;
    }
    if (group != NONE) {
        mm_group *g = &m->groups[group];
        f->gnext = NONE;
        f->gprev = g->tail;
        if (g->tail == NONE)
            g->head = id;
        else
            m->flows[g->tail].gnext = id;
        g->tail = id;
        if (g->nflows++ == 0)
            for (uint32_t k = 0; k < g->n; k++)
                ent_attach(m, g->off + k);
        for (uint32_t k = 0; k < g->n; k++)
            m->links[m->ent[g->off + k].link].w_all += m->ent[g->off + k].coef;
    }
    m->newf[m->nnew++] = id;
    m->dirty = 1;
    if (++m->live > m->st.peak_flows)
        m->st.peak_flows = m->live;
    return id;
}

void
ns_mm_remove(ns_mm *m, uint32_t id, ns_time now, unsigned __int128 excess)
{
    mm_flow *f = &m->flows[id];
    assert(f->state != F_FREE);
    int active = f->state == F_ACTIVE;
    uint64_t r = active ? f->rate : 0;
    if (active && r < m->t0_dep)
        m->t0_dep = r;
    for (int s = 0; s < 2; s++) {
        uint32_t l = f->link[s];
        if (l == NONE)
            continue;
        mm_link *L = &m->links[l];
        settle(L, now);
        L->load -= (u128)r * NS_MM_Q;
        L->acc -= excess * NS_MM_Q;
        L->w_all -= NS_MM_Q;
        own_unlink(m, l, id * 2 + (uint32_t)s);
        add_seed(m, l);
    }
    if (f->group != NONE) {
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
        if (f->gprev == NONE)
            g->head = f->gnext;
        else
            m->flows[f->gprev].gnext = f->gnext;
        if (f->gnext == NONE)
            g->tail = f->gprev;
        else
            m->flows[f->gnext].gprev = f->gprev;
        if (--g->nflows == 0)
            for (uint32_t k = 0; k < g->n; k++)
                ent_detach(m, g->off + k);
    }
    f->state = F_FREE;
    f->stamp = 0;
    f->next[0] = m->free_flow;
    m->free_flow = id;
    m->live--;
    m->dirty = 1;
}

int
ns_mm_dirty(const ns_mm *m)
{
    return m->dirty;
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
    m->links[l].hpos = NONE;
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
        if (l == NONE)
            continue;
        visit(m, l);
        m->links[l].frozen -= (u128)old * NS_MM_Q;
        m->links[l].w += NS_MM_Q;
    }
    if (f->group != NONE) {
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

/* include the flows of rate >= t0 on link l; refresh the upper bounds */
static void
scan_link(ns_mm *m, uint32_t l, uint64_t t0)
{
    mm_link *L = &m->links[l];
    if (L->ub >= t0) {
        uint64_t mx = 0;
        for (uint32_t nd = L->fhead; nd != NONE; nd = *node_next(m, nd)) {
            mm_flow *f = &m->flows[nd >> 1];
            if (f->state != F_ACTIVE)
                continue;
            if (f->rate > mx)
                mx = f->rate;
            if (f->stamp != m->cur && f->rate >= t0)
                include(m, nd >> 1);
        }
        m->links[l].ub = mx;
    }
    for (uint32_t e = m->links[l].ghead; e != NONE; e = m->ent[e].next) {
        mm_group *g = &m->groups[m->ent[e].group];
        if (g->sstamp == m->cur)
            continue;
        g->sstamp = m->cur;
        if (g->ub < t0)
            continue;
        uint64_t mx = 0;
        for (uint32_t id = g->head; id != NONE; id = m->flows[id].gnext) {
            mm_flow *f = &m->flows[id];
            if (f->state != F_ACTIVE)
                continue;
            if (f->rate > mx)
                mx = f->rate;
            if (f->stamp != m->cur && f->rate >= t0)
                include(m, id);
        }
        g->ub = mx;
    }
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
        if (l == NONE)
            continue;
        m->links[l].frozen += (u128)t * NS_MM_Q;
        m->links[l].w -= NS_MM_Q;
        mark_link(m, l);
    }
    if (f->group != NONE) {
        mm_group *g = &m->groups[f->group];
        g->inc--;
        g->batch++;
        if (!g->dirty) {
            g->dirty = 1;
            m->dgroups[m->ndg++] = f->group;
        }
    }
}

static void
saturate(ns_mm *m, uint32_t l, uint64_t t)
{
    for (uint32_t nd = m->links[l].fhead; nd != NONE; nd = *node_next(m, nd)) {
        mm_flow *f = &m->flows[nd >> 1];
        if (f->stamp == m->cur && !f->frozen)
            freeze(m, nd >> 1, t);
    }
    for (uint32_t e = m->links[l].ghead; e != NONE; e = m->ent[e].next) {
        mm_group *g = &m->groups[m->ent[e].group];
        if (g->istamp != m->cur || g->inc == 0)
            continue;
        for (uint32_t id = g->head; id != NONE && g->inc > 0; id = m->flows[id].gnext) {
            mm_flow *f = &m->flows[id];
            if (f->stamp == m->cur && !f->frozen)
                freeze(m, id, t);
        }
    }
}

static void
fill(ns_mm *m)
{
    m->nheap = 0;
    for (size_t i = 0; i < m->nq; i++) {
        uint32_t l = m->queue[i];
        mm_link *L = &m->links[l];
        L->hpos = NONE;
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
            if (L->hpos == NONE)
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

long
ns_mm_solve(ns_mm *m, ns_time now, int mode, const ns_mm_change **out)
{
    *out = m->chg;
    m->nchg = 0;
    if (!m->dirty && mode != NS_MM_FULL)
        return 0;
    if (++m->cur == 0) {   /* the stamp wrapped: forget every old stamp */
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
        ns_grow((void **)&m->chg, &m->chg_cap, m->nflows + 1, sizeof *m->chg))
        return -1;

    uint64_t t0 = 0;
    if (mode == NS_MM_INCREMENTAL) {
        t0 = m->t0_dep;
        for (size_t i = 0; i < m->nnew; i++) {
            const mm_flow *f = &m->flows[m->newf[i]];
            if (f->state != F_NEW)
                continue;
            for (int s = 0; s < 2; s++) {
                if (f->link[s] == NONE)
                    continue;
                const mm_link *L = &m->links[f->link[s]];
                u128 b = L->cap / L->w_all;
                if (b < t0)
                    t0 = (uint64_t)b;
            }
            if (f->group != NONE) {
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
        for (size_t q = 0; q < m->nq; q++)
            scan_link(m, m->queue[q], t0);
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
    fill(m);

    *out = m->chg;
    for (size_t i = 0; i < m->ninc; i++) {
        mm_flow *f = &m->flows[m->inc[i]];
        assert(f->frozen);
        uint64_t old = f->state == F_ACTIVE ? f->rate : 0;
        if (f->state == F_NEW || f->new_rate != old) {
            ns_mm_change *c = &m->chg[m->nchg++];
            c->user = f->user;
            c->old_bps = old;
            c->new_bps = f->new_rate;
        }
        f->state = F_ACTIVE;
        f->rate = f->new_rate;
        for (int s = 0; s < 2; s++)
            if (f->link[s] != NONE && m->links[f->link[s]].ub < f->rate)
                m->links[f->link[s]].ub = f->rate;
        if (f->group != NONE && m->groups[f->group].ub < f->rate)
            m->groups[f->group].ub = f->rate;
    }
    for (size_t i = 0; i < m->nq; i++) {
        mm_link *L = &m->links[m->queue[i]];
        settle(L, now);
        assert(L->frozen <= L->cap);
        L->load = L->frozen;
    }
    for (size_t i = 0; i < m->nseeds; i++)
        m->links[m->seeds[i]].seed = 0;
    m->nseeds = m->nnew = 0;
    m->t0_dep = UINT64_MAX;
    m->dirty = 0;
    m->st.solves++;
    m->st.flows_solved += m->ninc;
    m->st.links_solved += m->nq;
    if (m->ninc > m->st.max_flows_solved)
        m->st.max_flows_solved = m->ninc;
    return (long)m->nchg;
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
