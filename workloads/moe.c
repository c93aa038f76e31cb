/*
 * moe.c - Mixture-of-Experts layers: token routing with skewed expert
 * popularity, capacity and node limits, compiled into compute ops and
 * dispatch/combine alltoalls (see moe.h).
 */
#include <config.h>
#include "moe.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include "collectives.h"
#include "wl_build.h"
#include "sim/alloc.h"
#include "sim/estimate.h"
#include "sim/rng.h"

#define REJECT_TRIES 64   /* draws before a pick falls back to an exact scan */

/* the routing state of one w:moe; arrays are per expert (E) or per host (n) */
typedef struct router {
    const ns_moe_spec *s;
    ns_rng   *r;
    uint32_t *ehost;      /* E: expert -> host index */
    uint32_t *hexperts;   /* n: experts on each host */
    double   *pop;        /* E: this layer's popularity, sums to 1 */
    double   *cum;        /* E: its running sum */
    double   *alpha;      /* E: Dirichlet parameters */
    uint32_t *perm;       /* E: Zipf ranking */
    uint64_t *load;       /* E: assignments accepted this layer */
    uint64_t  cap;        /* per expert per layer; UINT64_MAX: none */
    uint8_t  *chosen;     /* E: experts of the current token */
    uint8_t  *hused;      /* n: hosts of the current token */
    uint32_t *picked;     /* top_k: experts of the current token */
    uint32_t *hlist;      /* n: hosts of the current token, in order */
    uint32_t *node;       /* n: host index -> the node max_nodes counts (itself, or its server) */
    uint8_t  *nused;      /* nodes: the current token reached it */
    uint32_t *nlist;      /* nodes reached by the current token */
    uint32_t  nnodes;
} router;

/* one layer's routing */
typedef struct layer_route {
    uint64_t *assign;     /* n x n: assignments from host i to host j (diagonal included) */
    uint64_t *sent;       /* n x n: tokens of host i with an accepted assignment on host j */
    uint64_t *ssent;      /* two_stage: n x servers, tokens of host i accepted on server T; else NULL */
    uint64_t *recv;       /* n: assignments each host received */
    uint64_t  dropped;
    uint64_t  visits;     /* sum over tokens of the distinct hosts they went to */
} layer_route;

static void
draw_popularity(router *rt)
{
    const ns_moe_spec *s = rt->s;
    uint32_t E = s->experts;
    double sum = 0;
    switch (s->skew) {
    case NS_SKEW_ZIPF:
        for (uint32_t i = 0; i < E; i++)
            rt->perm[i] = i;
        ns_rng_shuffle(rt->r, rt->perm, E);
        for (uint32_t i = 0; i < E; i++)
            rt->pop[rt->perm[i]] = pow((double)(i + 1), -s->skew_param);
        break;
    case NS_SKEW_DIRICHLET:
        ns_rng_dirichlet(rt->r, E, rt->alpha, rt->pop);
        for (uint32_t i = 0; i < E; i++)
            if (!isfinite(rt->pop[i]) || rt->pop[i] < 0)
                sum = -1;
        if (sum < 0) {
            /* every gamma draw underflowed (tiny alpha): the limit is one expert takes all */
            memset(rt->pop, 0, E * sizeof *rt->pop);
            rt->pop[ns_rng_below(rt->r, E)] = 1;
        }
        sum = 0;
        break;
    default:
        for (uint32_t i = 0; i < E; i++)
            rt->pop[i] = 1;
    }
    for (uint32_t i = 0; i < E; i++)
        sum += rt->pop[i];
    double c = 0;
    for (uint32_t i = 0; i < E; i++) {
        rt->pop[i] /= sum;
        rt->cum[i] = c += rt->pop[i];
    }
}

static int
allowed(const router *rt, uint32_t e, uint32_t nnodes)
{
    if (rt->chosen[e])
        return 0;
    return !rt->s->max_nodes || nnodes < rt->s->max_nodes || rt->nused[rt->node[rt->ehost[e]]];
}

/* one expert for the current token, in proportion to popularity among the
 * allowed ones (not chosen yet; on a host the token already uses once it
 * reached max_nodes). Rejection from the whole table, then an exact scan:
 * both draw from the same conditional distribution. */
static uint32_t
pick(router *rt, uint32_t nhosts)
{
    uint32_t E = rt->s->experts;
    for (int t = 0; t < REJECT_TRIES; t++) {
        double u = ns_rng_uniform(rt->r) * rt->cum[E - 1];
        uint32_t lo = 0, hi = E - 1;   /* the first e with u < cum[e] */
        while (lo < hi) {
            uint32_t mid = lo + (hi - lo) / 2;
            if (u < rt->cum[mid])
                hi = mid;
            else
                lo = mid + 1;
        }
        if (allowed(rt, lo, nhosts))
            return lo;
    }
    double mass = 0;
    uint32_t count = 0, last = 0;
    for (uint32_t e = 0; e < E; e++)
        if (allowed(rt, e, nhosts)) {
            mass += rt->pop[e];
            count++;
            last = e;
        }
    if (mass > 0) {
        double u = ns_rng_uniform(rt->r) * mass, acc = 0;
        for (uint32_t e = 0; e < E; e++)
            if (allowed(rt, e, nhosts) && rt->pop[e] > 0 && u < (acc += rt->pop[e]))
                return e;
        return last;   /* rounding */
    }
    /* the allowed experts have no popularity at all: uniformly among them */
    uint32_t j = (uint32_t)ns_rng_below(rt->r, count);
    for (uint32_t e = 0; e < E; e++)
        if (allowed(rt, e, nhosts) && j-- == 0)
            return e;
    return last;
}

static void
route_layer(router *rt, layer_route *lr)
{
    const ns_moe_spec *s = rt->s;
    size_t n = s->n;
    memset(lr->assign, 0, n * n * sizeof *lr->assign);
    memset(lr->sent, 0, n * n * sizeof *lr->sent);
    memset(rt->load, 0, s->experts * sizeof *rt->load);
    lr->dropped = lr->visits = 0;
    draw_popularity(rt);
    if (lr->ssent)
        memset(lr->ssent, 0, n * rt->nnodes * sizeof *lr->ssent);
    for (uint64_t t = 0; t < s->tokens; t++) {
        for (size_t i = 0; i < n; i++) {
            uint32_t nh = 0, nn = 0;
            for (uint32_t j = 0; j < s->top_k; j++) {
                uint32_t e = pick(rt, nn);
                rt->chosen[e] = 1;
                rt->picked[j] = e;
                uint32_t h = rt->ehost[e];
                if (!rt->hused[h]) {
                    rt->hused[h] = 1;
                    rt->hlist[nh++] = h;
                }
                if (!rt->nused[rt->node[h]]) {
                    rt->nused[rt->node[h]] = 1;
                    rt->nlist[nn++] = rt->node[h];
                }
            }
            for (uint32_t k = 0; k < nn; k++)
                rt->nused[rt->nlist[k]] = 0;
            lr->visits += nh;
            for (uint32_t j = 0; j < s->top_k; j++) {
                uint32_t e = rt->picked[j];
                rt->chosen[e] = 0;
                if (rt->load[e] < rt->cap) {
                    rt->load[e]++;
                    lr->assign[i * n + rt->ehost[e]]++;
                    rt->hused[rt->ehost[e]] = 2;   /* the host took the token */
                } else {
                    lr->dropped++;
                }
            }
            for (uint32_t h = 0; h < nh; h++) {
                uint32_t hh = rt->hlist[h];
                if (rt->hused[hh] == 2) {
                    lr->sent[i * n + hh]++;
                    if (lr->ssent && !rt->nused[rt->node[hh]]) {   /* once per server */
                        rt->nused[rt->node[hh]] = 1;
                        lr->ssent[i * rt->nnodes + rt->node[hh]]++;
                    }
                }
                rt->hused[hh] = 0;
            }
            for (uint32_t h = 0; h < nh; h++)
                rt->nused[rt->node[rt->hlist[h]]] = 0;
        }
    }
    for (size_t j = 0; j < n; j++) {
        lr->recv[j] = 0;
        for (size_t i = 0; i < n; i++)
            lr->recv[j] += lr->assign[i * n + j];
    }
}

/* check the spec against itself; NS_OK or NS_EINVAL */
static int
check_spec(const ns_moe_spec *s, const uint32_t *hexperts, uint32_t nnodes, ns_err *e)
{
    if (s->n < 1)
        return ns_errorf(e, NS_EINVAL, "moe: needs at least one host");
    if (s->experts < 1)
        return ns_errorf(e, NS_EINVAL, "moe: experts must be >= 1");
    if (s->top_k < 1 || s->top_k > s->experts)
        return ns_errorf(e, NS_EINVAL, "moe: top_k must be between 1 and experts = %u (got %u)",
                         s->experts, s->top_k);
    if (s->tokens < 1 || s->hidden < 1 || s->dtype_bytes < 1 || s->layers < 1)
        return ns_errorf(e, NS_EINVAL, "moe: tokens, hidden, dtype_bytes and layers must be >= 1");
    if (s->skew == NS_SKEW_ZIPF && !(s->skew_param >= 0 && isfinite(s->skew_param)))
        return ns_errorf(e, NS_EINVAL, "moe: the Zipf exponent must be >= 0 (got %g)", s->skew_param);
    if (s->skew == NS_SKEW_DIRICHLET && !(s->skew_param > 0 && isfinite(s->skew_param)))
        return ns_errorf(e, NS_EINVAL, "moe: the Dirichlet alpha must be > 0 (got %g)", s->skew_param);
    if (!(s->capacity_factor >= 0) || !isfinite(s->capacity_factor))
        return ns_errorf(e, NS_EINVAL, "moe: capacity_factor must be > 0 (got %g)", s->capacity_factor);
    const char *nodes = s->dispatch == NS_MOE_TWO_STAGE ? "servers" : "hosts";
    if (s->max_nodes > nnodes)
        return ns_errorf(e, NS_EINVAL, "moe: max_nodes_per_token must be between 1 and the number of %s, "
                         "%u (got %u)", nodes, nnodes, s->max_nodes);
    double assignments = (double)s->n * (double)s->tokens * s->top_k;
    if (assignments * (double)s->hidden * (double)s->dtype_bytes > 9e18)
        return ns_errorf(e, NS_EINVAL, "moe: tokens x top_k x hidden x dtype_bytes bytes per layer is too large");
    if (assignments * (double)s->per_token_ps * 2 > 9e18 || (double)s->attention_ps * 2 > 9e18)
        return ns_errorf(e, NS_EINVAL, "moe: the compute time of a layer is too large");
    if (s->max_nodes) {
        /* the max_nodes hosts with the fewest experts must hold top_k of them */
        uint32_t sum = 0;
        size_t used = 0;
        uint32_t lo = 0;
        while (used < s->max_nodes) {
            uint32_t best = UINT32_MAX;
            size_t nbest = 0;
            for (size_t h = 0; h < nnodes; h++)
                if (hexperts[h] > lo && hexperts[h] < best)
                    best = hexperts[h];
            if (best == UINT32_MAX)
                break;
            for (size_t h = 0; h < nnodes; h++)
                nbest += hexperts[h] == best;
            size_t take = nbest < s->max_nodes - used ? nbest : s->max_nodes - used;
            sum += best * (uint32_t)take;
            used += take;
            lo = best;
        }
        if (sum < s->top_k)
            return ns_errorf(e, NS_EINVAL, "moe: with max_nodes_per_token = %u a token may find only %u experts "
                             "on the %s holding the fewest, fewer than top_k = %u", s->max_nodes, sum, nodes,
                             s->top_k);
    }
    return NS_OK;
}

static void
router_free(router *rt)
{
    ns_rng_free(rt->r);
    ns_free(rt->ehost);
    ns_free(rt->hexperts);
    ns_free(rt->pop);
    ns_free(rt->cum);
    ns_free(rt->alpha);
    ns_free(rt->perm);
    ns_free(rt->load);
    ns_free(rt->chosen);
    ns_free(rt->hused);
    ns_free(rt->picked);
    ns_free(rt->hlist);
    ns_free(rt->node);
    ns_free(rt->nused);
    ns_free(rt->nlist);
}

/* the router of spec s: placement, tables, stream; NS_OK or an error */
static int
router_init(router *rt, const ns_moe_spec *s, uint64_t seed, uint64_t stream, ns_err *e)
{
    uint32_t E = s->experts;
    size_t n = s->n;
    memset(rt, 0, sizeof *rt);
    rt->s = s;
    rt->ehost = ns_alloc(E * sizeof *rt->ehost);
    rt->hexperts = ns_calloc(n, sizeof *rt->hexperts);
    rt->pop = ns_alloc(E * sizeof *rt->pop);
    rt->cum = ns_alloc(E * sizeof *rt->cum);
    rt->alpha = ns_alloc(E * sizeof *rt->alpha);
    rt->perm = ns_alloc(E * sizeof *rt->perm);
    rt->load = ns_alloc(E * sizeof *rt->load);
    rt->chosen = ns_calloc(E, 1);
    rt->hused = ns_calloc(n, 1);
    rt->picked = ns_alloc(s->top_k * sizeof *rt->picked);
    rt->hlist = ns_alloc(n * sizeof *rt->hlist);
    rt->node = ns_alloc(n * sizeof *rt->node);
    rt->nused = ns_calloc(n, 1);
    rt->nlist = ns_alloc(n * sizeof *rt->nlist);
    rt->r = ns_rng_new(seed, NS_RNG_MOE, stream);
    if (!rt->ehost || !rt->hexperts || !rt->pop || !rt->cum || !rt->alpha || !rt->perm || !rt->load ||
        !rt->chosen || !rt->hused || !rt->picked || !rt->hlist || !rt->node || !rt->nused || !rt->nlist || !rt->r)
        return ns_enomem(e, "a workload");
    /* the nodes max_nodes counts: hosts, or under two_stage servers (numbered
     * in the order of their first host in the list) */
    rt->nnodes = 0;
    for (size_t h = 0; h < n; h++) {
        rt->node[h] = (uint32_t)h;
        if (s->dispatch != NS_MOE_TWO_STAGE) {
            rt->nnodes++;
            continue;
        }
        uint32_t sv = (s->hosts[h] - 1) / s->gpus_per_server;
        rt->node[h] = rt->nnodes;
        for (size_t k = 0; k < h; k++)
            if ((s->hosts[k] - 1) / s->gpus_per_server == sv) {
                rt->node[h] = rt->node[k];
                break;
            }
        if (rt->node[h] == rt->nnodes)
            rt->nnodes++;
    }
    if (s->dispatch == NS_MOE_TWO_STAGE && (size_t)rt->nnodes * s->gpus_per_server != n)
        return ns_errorf(e, NS_EINVAL, "moe: dispatch = \"two_stage\" needs whole servers among the hosts (all %u "
                         "GPUs of each): %zu hosts are on %u servers", s->gpus_per_server, n, rt->nnodes);
    for (uint32_t x = 0; x < E; x++) {
        rt->alpha[x] = s->skew_param;
        if (!s->placement) {
            rt->ehost[x] = (uint32_t)(x % n);
        } else {
            size_t h = 0;
            while (h < n && s->hosts[h] != s->placement[x])
                h++;
            if (h == n)
                return ns_errorf(e, NS_EINVAL, "moe: placement[%u] = %u is not one of the hosts",
                                 x + 1, s->placement[x]);
            rt->ehost[x] = (uint32_t)h;
        }
        rt->hexperts[rt->ehost[x]]++;
    }
    rt->cap = UINT64_MAX;
    if (s->capacity_factor > 0)
        rt->cap = (uint64_t)floor(s->capacity_factor * (double)n * (double)s->tokens * s->top_k / E);
    return NS_OK;
}

/* the ops the next step of the graph waits for */
typedef struct frontier {
    uint32_t *ops;   /* the ops the next step waits for */
    size_t    n;
} frontier;

static int
after_all(ns_workload *w, uint32_t op, const frontier *f, ns_err *e)
{
    for (size_t i = 0; i < f->n; i++)
        if (ns_wl_after(w, op, f->ops[i], e))
            return -1;
    return 0;
}

/* one compute op per host in `which` (all hosts, or those with experts),
 * each after `dep`; they become the frontier */
static int
computes(ns_workload *w, const ns_moe_spec *s, const router *rt, int experts_only, const uint64_t *recv,
         ns_time each_ps, int times, const char *label, uint32_t dep, frontier *f, ns_err *e)
{
    f->n = 0;
    for (size_t h = 0; h < s->n; h++) {
        if (experts_only && !rt->hexperts[h])
            continue;
        ns_time d = (experts_only ? (ns_time)recv[h] * each_ps : each_ps) * times;
        long c = ns_wl_compute(w, s->hosts[h], d, label, e);
        if (c < 0 || ns_wl_after(w, (uint32_t)c, dep, e))
            return -1;
        f->ops[f->n++] = (uint32_t)c;
    }
    if (f->n == 0)
        f->ops[f->n++] = dep;
    return 0;
}

static int
alltoall(ns_workload *w, const ns_moe_spec *s, const uint64_t *matrix, const char *label,
         const frontier *f, ns_coll_ops *c, ns_err *e)
{
    int rc = ns_wl_alltoallv(w, s->hosts, s->n, matrix, NS_ALG_DIRECT, label, c, e);
    if (rc)
        return rc;
    return after_all(w, c->start_op, f, e) ? e->code : NS_OK;
}

/* the matrices of a two_stage layer from its routing: disp (NIC, and
 * straight to the GPUs of the own server), fwd (NVLink, from the GPU with
 * the sender's index in the target server to the experts' other GPUs
 * there), and their transposes comb and gat for the combine. The GPU with
 * index l of server T is host index T's first host + l: hosts are whole
 * servers, and a server's hosts are found by node. */
static void
two_stage_matrices(const ns_moe_spec *s, const router *rt, const uint64_t *sn, const uint64_t *ss, uint64_t per,
                   uint64_t *disp, uint64_t *comb, uint64_t *fwd, uint64_t *gat, uint64_t *total)
{
    size_t n = s->n, nn = n * n;
    uint32_t G = s->gpus_per_server;
    memset(disp, 0, nn * sizeof *disp);
    memset(fwd, 0, nn * sizeof *fwd);
    for (size_t i = 0; i < n; i++) {
        uint32_t si = rt->node[i], li = (s->hosts[i] - 1) % G;
        for (size_t j = 0; j < n; j++) {
            if (i == j || !sn[i * n + j])
                continue;
            uint32_t sj = rt->node[j];
            if (sj == si) {
                disp[i * n + j] += sn[i * n + j] * per;   /* own server: straight over NVLink */
                continue;
            }
            /* the relay: the GPU of server sj with index li */
            size_t r = 0;
            while (r < n && !(rt->node[r] == sj && (s->hosts[r] - 1) % G == li))
                r++;
            if (r != j)
                fwd[r * n + j] += sn[i * n + j] * per;
        }
        for (size_t j = 0; j < n; j++) {
            uint32_t sj = rt->node[j];
            if (sj != si && (s->hosts[j] - 1) % G == li)   /* j: the relay of server sj for host i */
                disp[i * n + j] += ss[i * rt->nnodes + sj] * per;
        }
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            comb[j * n + i] = disp[i * n + j];
            gat[j * n + i] = fwd[i * n + j];
            *total += disp[i * n + j] + fwd[i * n + j];
        }
}

/* Before anything is allocated, so that layers = 1e9 is refused at once
 * with the estimate: the routing kept for the backward pass (two n x n
 * matrices and a vector a layer), and what the layers add, every pass
 * through a layer: at most n (n - 1) transfers in each of its two
 * alltoalls, the attention's and the experts' compute ops (n each, twice
 * in the backward pass), markers, and as the collectives count at most 4
 * dependencies a transfer (counted: 44 ops and 96 dependencies a layer of 4
 * hosts, against 46 and 112 reserved). */
static int
reserve_layers(ns_workload *w, const ns_moe_spec *s, uint64_t keep, ns_err *e)
{
    uint64_t n = s->n;
    uint64_t route = ns_mem_mad(0, keep, (2 * n * n + n) * sizeof(uint64_t));
    char detail[96];
    snprintf(detail, sizeof detail, "the routing of %llu layers of %llu hosts", (unsigned long long)keep,
             (unsigned long long)n);
    int rc = ns_mem_check(ns_mem_add(route, ns_alloc_live_bytes()), "moe: its routing", detail, e);
    if (rc)
        return rc;
    uint64_t passes = (uint64_t)s->layers * (1 + !!s->backward);
    /* two_stage: four alltoalls a layer */
    uint64_t x = ns_mem_mad(0, passes, (s->dispatch == NS_MOE_TWO_STAGE ? 4 : 2) * n * (n - 1));
    uint64_t ops = ns_mem_add(x, ns_mem_mad(0, passes, 4 * n + 6));
    uint64_t deps = ns_mem_mad(ns_mem_mad(0, passes, 4 * n), x, 4);
    return ns_wl_reserve(w, ops, deps, x, "moe", e);
}

int
ns_wl_moe(ns_workload *w, const ns_moe_spec *s, ns_moe_ops *out, ns_err *e)
{
    router rt;
    size_t n = s->n, nn = n * n;
    uint32_t L = s->layers;
    ns_wl_mark mark = ns_wl_mark_take(w);
    ns_result_set *rows = ns_results_use(&w->results, &ns_moe_results);
    uint32_t moe = rows->nrecs ? ((const ns_moe_layer *)ns_result_at(rows, rows->nrecs - 1))->moe + 1 : 0;
    int rc = router_init(&rt, s, w->seed, moe, e);
    uint64_t *assign = NULL, *sent = NULL, *disp = NULL, *comb = NULL, *recv = NULL, *ssent = NULL;
    uint64_t *fwd = NULL, *gat = NULL;   /* two_stage: the NVLink forward and gather */
    uint32_t *nexp = NULL;
    frontier f = {0};
    if (rc)
        goto out;
    if (!rc) {   /* experts per node (host, or server under two_stage) */
        nexp = ns_calloc(n, sizeof *nexp);
        if (!nexp)
            rc = ns_enomem(e, "a workload");
        for (size_t h = 0; nexp && h < n; h++)
            nexp[rt.node[h]] += rt.hexperts[h];
    }
    if (rc || (rc = check_spec(s, nexp, rt.nnodes, e)))
        goto out;
    /* the routing of every layer is kept for the backward pass */
    size_t keep = s->backward ? L : 1;
    if ((rc = reserve_layers(w, s, keep, e)))
        goto out;
    assign = ns_alloc(nn * keep * sizeof *assign);
    sent = ns_alloc(nn * keep * sizeof *sent);
    recv = ns_alloc(n * keep * sizeof *recv);
    disp = ns_alloc(nn * sizeof *disp);
    comb = ns_alloc(nn * sizeof *comb);
    f.ops = ns_alloc((n + 1) * sizeof *f.ops);
    int two = s->dispatch == NS_MOE_TWO_STAGE;
    if (two) {
        ssent = ns_alloc(n * rt.nnodes * keep * sizeof *ssent);
        fwd = ns_alloc(nn * sizeof *fwd);
        gat = ns_alloc(nn * sizeof *gat);
    }
    if (!assign || !sent || !recv || !disp || !comb || !f.ops || (two && (!ssent || !fwd || !gat))) {
        rc = ns_enomem(e, "a workload");
        goto out;
    }
    size_t first_row = rows->nrecs;
    uint64_t per = s->hidden * s->dtype_bytes;
    const char *label = s->label ? s->label : "moe";
    long start = ns_wl_marker(w, label, e);
    if (start < 0)
        goto fail;
    f.ops[0] = (uint32_t)start;
    f.n = 1;
    for (int pass = 0; pass < 1 + !!s->backward; pass++) {
        for (uint32_t k = 0; k < L; k++) {
            uint32_t l = pass ? L - 1 - k : k;   /* 0-based layer */
            uint64_t *a = &assign[nn * (s->backward ? l : 0)];
            uint64_t *sn = &sent[nn * (s->backward ? l : 0)];
            uint64_t *rv = &recv[n * (s->backward ? l : 0)];
            uint64_t *ss = two ? &ssent[n * rt.nnodes * (s->backward ? l : 0)] : NULL;
            ns_moe_layer row;
            memset(&row, 0, sizeof row);
            if (pass == 0) {
                layer_route lr = { a, sn, ss, rv, 0, 0 };
                route_layer(&rt, &lr);
                row.dropped = lr.dropped;
                row.hosts_per_token = (double)lr.visits / ((double)n * (double)s->tokens);
                uint64_t sum = 0;
                size_t holders = 0;
                for (size_t h = 0; h < n; h++) {
                    if (rt.hexperts[h]) {
                        holders++;
                        sum += rv[h];
                    }
                    if (rv[h] > row.tokens_max)
                        row.tokens_max = rv[h];
                }
                row.tokens_mean = (double)sum / (double)holders;
                if (s->tokens_out)
                    memcpy(&s->tokens_out[(size_t)l * n], rv, n * sizeof *rv);
            } else {
                const ns_moe_layer *fw = ns_result_at(rows, first_row + l);
                row.dropped = fw->dropped;
                row.hosts_per_token = fw->hosts_per_token;
                row.tokens_max = fw->tokens_max;
                row.tokens_mean = fw->tokens_mean;
            }
            if (two)
                two_stage_matrices(s, &rt, sn, ss, per, disp, comb, fwd, gat, &row.dispatch_bytes);
            else
                for (size_t i = 0; i < n; i++)
                    for (size_t j = 0; j < n; j++) {
                        uint64_t copies = s->dispatch == NS_MOE_PER_HOST ? sn[i * n + j] : a[i * n + j];
                        uint64_t b = i == j ? 0 : copies * per;
                        disp[i * n + j] = comb[j * n + i] = b;
                        row.dispatch_bytes += b;
                    }
            /* forward: attention, dispatch, experts, combine; backward: the
             * alltoall in the dispatch direction first, twice the compute */
            ns_coll_ops d, c;
            int times = pass ? 2 : 1;
            if (pass == 0 &&
                computes(w, s, &rt, 0, NULL, s->attention_ps, 1, "attention", f.ops[0], &f, e))
                goto fail;
            if ((rc = alltoall(w, s, disp, "dispatch", &f, &d, e)))
                goto out;
            if (two) {   /* then over NVLink from the rail GPU to the experts' GPUs */
                ns_coll_ops d2;
                frontier f2 = { &d.done_op, 1 };
                if ((rc = alltoall(w, s, fwd, "dispatch-fwd", &f2, &d2, e)))
                    goto out;
                d.done_op = d2.done_op;
            }
            if (computes(w, s, &rt, 1, rv, s->per_token_ps, times, "expert", d.done_op, &f, e))
                goto fail;
            ns_coll_ops c0 = {0};
            if (two) {   /* back over NVLink to the rail GPU first */
                if ((rc = alltoall(w, s, gat, "combine-gather", &f, &c0, e)))
                    goto out;
                f.ops[0] = c0.done_op;
                f.n = 1;
            }
            if ((rc = alltoall(w, s, comb, "combine", &f, &c, e)))
                goto out;
            if (two)
                c.start_op = c0.start_op;
            f.ops[0] = c.done_op;
            f.n = 1;
            if (pass == 1 &&
                computes(w, s, &rt, 0, NULL, s->attention_ps, 2, "attention", c.done_op, &f, e))
                goto fail;
            row.moe = moe;
            row.layer = l + 1;
            row.backward = (uint32_t)pass;
            row.dispatch_coll = d.coll;
            row.combine_coll = c.coll;
            row.dispatch_start = d.start_op;
            row.dispatch_done = d.done_op;
            row.combine_start = c.start_op;
            row.combine_done = c.done_op;
            if (ns_result_append(rows, &row, e) < 0)
                goto fail;
        }
    }
    long done = ns_wl_marker(w, label, e);
    if (done < 0 || after_all(w, (uint32_t)done, &f, e))
        goto fail;
    out->start_op = (uint32_t)start;
    out->done_op = (uint32_t)done;
    out->first_row = first_row;
    out->nrows = rows->nrecs - first_row;
    rc = NS_OK;
    goto out;
fail:
    rc = e->code ? e->code : NS_ENOMEM;
out:
    router_free(&rt);
    ns_free(assign);
    ns_free(sent);
    ns_free(recv);
    ns_free(disp);
    ns_free(comb);
    ns_free(ssent);
    ns_free(fwd);
    ns_free(gat);
    ns_free(nexp);
    ns_free(f.ops);
    if (rc)
        ns_wl_rollback(w, &mark);   /* a failed call leaves the workload as it was */
    return rc;
}
