/*
 * collectives.c - collectives as task graphs (see collectives.h): ring,
 * halving-doubling (with the fold of the extra ranks for p not a power of
 * two) and direct allreduce / reduce-scatter / allgather, direct and
 * pairwise alltoall(v), and random permutations.
 *
 * Every algorithm is written as a sequence of steps of transfers between
 * ranks (indices into hosts[]). A step builder (struct cb) keeps, for every
 * rank, the ops of its last step that had any (one or two ops; more are
 * joined by a marker): a new transfer from rank i to rank j waits for
 * those of both i and j, so it starts once everything the sender and the
 * receiver sent and received in their previous steps has arrived (the
 * receiver has posted its buffer: a rendezvous, as MPI's sendrecv and
 * NCCL's credits give). The done marker waits for every op of the
 * collective that nothing else inside it waits for.
 */
#include <config.h>
#include "collectives.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sim/alloc.h"
#include "sim/estimate.h"
#include "sim/id.h"
#include "sim/rng.h"
#include "wl_build.h"

const char *const ns_alg_names[] = {"ring", "halving_doubling", "direct", "pairwise", "hierarchical", NULL};

typedef struct step_op {
    uint32_t op, src, dst;   /* ranks */
} step_op;

/* the state of one collective being built */
typedef struct cb {
    ns_workload    *w;
    const uint32_t *hosts;
    uint32_t        n;
    const char     *label;
    ns_err         *e;
    uint32_t        start, first;   /* start marker; first op of the collective */
    uint8_t        *used;           /* [op - first]: some op of the collective waits for it */
    size_t          used_cap;
    uint64_t       *sent, *recv;    /* payload bytes per rank */
    uint32_t       *dep;            /* [2 * rank]: what the rank's next transfers wait for */
    uint32_t       *cnt, *join;     /* per rank, during end_step */
    step_op        *step;           /* transfers of the current step */
    size_t          nstep, step_cap;
} cb;

/* the code of a failed adder (which recorded it in e) */
static int
failed(const ns_err *e)
{
    return e && e->code ? e->code : NS_EINVAL;
}

static int
cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static int
check_hosts(const char *kind, const uint32_t *hosts, size_t n, ns_err *e)
{
    if (n < 1)
        return ns_errorf(e, NS_EINVAL, "%s: needs at least one host", kind);
    if (n > INT32_MAX)
        return ns_errorf(e, NS_EINVAL, "%s: too many hosts (%zu)", kind, n);
    uint32_t *tmp = ns_alloc(n * sizeof *tmp);
    if (!tmp)
        return ns_enomem(e, kind);
    memcpy(tmp, hosts, n * sizeof *tmp);
    qsort(tmp, n, sizeof *tmp, cmp_u32);
    int rc = NS_OK;
    if (tmp[0] == 0)
        rc = ns_errorf(e, NS_EINVAL, "%s: host ids start at 1 (got 0)", kind);
    for (size_t i = 1; i < n && rc == NS_OK; i++)
        if (tmp[i] == tmp[i - 1])
            rc = ns_errorf(e, NS_EINVAL, "%s: host %u appears more than once", kind, tmp[i]);
    ns_free(tmp);
    return rc;
}

static void
cb_free(cb *c)
{
    ns_free(c->used);
    ns_free(c->sent);
    ns_free(c->recv);
    ns_free(c->dep);
    ns_free(c->cnt);
    ns_free(c->join);
    ns_free(c->step);
}

/* first rank deps: the start marker */
static void
reset_deps(cb *c)
{
    for (uint32_t i = 0; i < c->n; i++) {
        c->dep[2 * i] = c->start;
        c->dep[2 * i + 1] = NS_NONE;
    }
}

static int
cb_init(cb *c, ns_workload *w, const char *kind, const uint32_t *hosts, size_t n,
        const char *label, ns_err *e)
{
    memset(c, 0, sizeof *c);
    int rc = check_hosts(kind, hosts, n, e);
    if (rc)
        return rc;
    c->w = w;
    c->hosts = hosts;
    c->n = (uint32_t)n;
    c->label = label && *label ? label : kind;
    c->e = e;
    c->sent = ns_calloc(n, sizeof *c->sent);
    c->recv = ns_calloc(n, sizeof *c->recv);
    c->dep = ns_alloc(2 * n * sizeof *c->dep);
    c->cnt = ns_calloc(n, sizeof *c->cnt);
    c->join = ns_alloc(n * sizeof *c->join);
    if (!c->sent || !c->recv || !c->dep || !c->cnt || !c->join)
        return ns_enomem(e, kind);
    long m = ns_wl_marker(w, c->label, e);
    if (m < 0)
        return failed(e);
    c->start = c->first = (uint32_t)m;
    reset_deps(c);
    return NS_OK;
}

/* op `op` waits for `on` (an op of this collective) */
static int
dep(cb *c, uint32_t op, uint32_t on)
{
    int rc = ns_wl_after(c->w, op, on, c->e);
    if (rc)
        return rc;
    size_t k = on - c->first;
    if (k >= c->used_cap) {
        size_t old = c->used_cap;
        if (ns_grow((void **)&c->used, &c->used_cap, k + 1, 1))
            return ns_enomem(c->e, "a collective");
        memset(c->used + old, 0, c->used_cap - old);
    }
    c->used[k] = 1;
    return NS_OK;
}

/* a transfer of `bytes` from rank i to rank j in the current step */
static int
xfer(cb *c, uint32_t i, uint32_t j, uint64_t bytes)
{
    long t = ns_wl_transfer(c->w, c->hosts[i], c->hosts[j], bytes, c->label, c->e);
    if (t < 0)
        return failed(c->e);
    /* the sender's and the receiver's previous steps (without duplicates) */
    uint32_t d[4] = { c->dep[2 * i], c->dep[2 * i + 1], c->dep[2 * j], c->dep[2 * j + 1] };
    for (int k = 0; k < 4; k++) {
        int seen = d[k] == NS_NONE;
        for (int m = 0; m < k && !seen; m++)
            seen = d[m] == d[k];
        if (!seen) {
            int rc = dep(c, (uint32_t)t, d[k]);
            if (rc)
                return rc;
        }
    }
    if (ns_grow((void **)&c->step, &c->step_cap, c->nstep + 1, sizeof *c->step))
        return ns_enomem(c->e, "a collective");
    c->step[c->nstep++] = (step_op){ (uint32_t)t, i, j };
    c->sent[i] += bytes;
    c->recv[j] += bytes;
    return NS_OK;
}

/* close the current step: every rank that took part now waits, in its next
 * step, for all it sent and received in this one */
static int
end_step(cb *c)
{
    int rc;
    for (size_t k = 0; k < c->nstep; k++) {
        c->cnt[c->step[k].src]++;
        c->cnt[c->step[k].dst]++;
    }
    for (uint32_t i = 0; i < c->n; i++) {
        c->join[i] = NS_NONE;
        if (c->cnt[i] == 0)
            continue;
        c->dep[2 * i] = c->dep[2 * i + 1] = NS_NONE;
        if (c->cnt[i] > 2) {
            long m = ns_wl_marker(c->w, c->label, c->e);
            if (m < 0)
                return failed(c->e);
            c->join[i] = c->dep[2 * i] = (uint32_t)m;
        }
    }
    for (size_t k = 0; k < c->nstep; k++) {
        uint32_t r[2] = { c->step[k].src, c->step[k].dst };
        for (int s = 0; s < 2; s++) {
            uint32_t i = r[s];
            if (c->join[i] != NS_NONE) {
                if ((rc = dep(c, c->join[i], c->step[k].op)))
                    return rc;
            } else if (c->dep[2 * i] == NS_NONE) {
                c->dep[2 * i] = c->step[k].op;
            } else if (c->dep[2 * i] != c->step[k].op) {
                c->dep[2 * i + 1] = c->step[k].op;
            }
        }
    }
    for (uint32_t i = 0; i < c->n; i++)
        c->cnt[i] = 0;
    c->nstep = 0;
    return NS_OK;
}

/* the done marker, the record, the parents; nic_bytes < 0: the busiest
 * rank's payload, else the lower bound's bytes as given */
static int
cb_finish(cb *c, const char *kind, int algorithm, uint64_t bytes, double nic_bytes, ns_coll_ops *out)
{
    ns_workload *w = c->w;
    long done = ns_wl_marker(w, c->label, c->e);
    if (done < 0)
        return failed(c->e);
    uint32_t last = (uint32_t)done;
    int rc;
    for (uint32_t op = c->first; op < last; op++) {
        size_t k = op - c->first;
        if (k < c->used_cap && c->used[k])
            continue;
        if ((rc = dep(c, last, op)))
            return rc;
    }
    ns_coll rec;
    memset(&rec, 0, sizeof rec);
    snprintf(rec.kind, sizeof rec.kind, "%s", kind);
    snprintf(rec.algorithm, sizeof rec.algorithm, "%s", ns_alg_names[algorithm]);
    rec.ranks = c->n;
    rec.bytes = bytes;
    uint64_t busiest = 0;
    for (uint32_t i = 0; i < c->n; i++) {
        if (c->sent[i] > busiest)
            busiest = c->sent[i];
        if (c->recv[i] > busiest)
            busiest = c->recv[i];
    }
    rec.nic_bytes = nic_bytes < 0 ? (double)busiest : nic_bytes;
    rec.first_op = c->first;
    rec.last_op = last;
    long id = ns_wl_add_coll(w, &rec, c->hosts, c->e);
    if (id < 0)
        return failed(c->e);
    if (ns_wl_set_parent(w, c->first, last, (int32_t)id, c->e))
        return failed(c->e);
    out->start_op = c->start;
    out->done_op = last;
    out->coll = (int32_t)id;
    return NS_OK;
}

/* --- allreduce, reduce-scatter, allgather --------------------------------- */

enum { K_ALLREDUCE = 0, K_REDUCESCATTER, K_ALLGATHER };
static const char *const kind_names[] = {"allreduce", "reducescatter", "allgather"};

/* ring over p ranks of a buffer of x bytes cut into p segments (segment k
 * is the final output of rank k for reduce-scatter, the input of rank k for
 * allgather). Reduce-scatter: in step t rank i sends segment i - t - 1 to
 * rank i + 1; allgather: segment i - t. */
static int
ring(cb *c, int kind, uint64_t x)
{
    uint32_t p = c->n;
    int rc;
    if (kind != K_ALLGATHER)
        for (uint32_t t = 0; t + 1 < p; t++) {
            for (uint32_t i = 0; i < p; i++)
                if ((rc = xfer(c, i, (i + 1) % p, ns_split(x, p, ((uint64_t)i + 2 * (uint64_t)p - t - 1) % p))))
                    return rc;
            if ((rc = end_step(c)))
                return rc;
        }
    if (kind != K_REDUCESCATTER)
        for (uint32_t t = 0; t + 1 < p; t++) {
            for (uint32_t i = 0; i < p; i++)
                if ((rc = xfer(c, i, (i + 1) % p, ns_split(x, p, ((uint64_t)i + p - t) % p))))
                    return rc;
            if ((rc = end_step(c)))
                return rc;
        }
    return NS_OK;
}

/* direct: reduce-scatter sends segment j from every rank straight to rank
 * j; allgather sends segment i from rank i straight to every rank; rank i
 * addresses ranks i+1, i+2, ..., i-1 in that order */
static int
direct(cb *c, int kind, uint64_t x)
{
    uint32_t p = c->n;
    int rc;
    if (kind != K_ALLGATHER && p > 1) {
        for (uint32_t i = 0; i < p; i++)
            for (uint32_t r = 1; r < p; r++)
                if ((rc = xfer(c, i, (i + r) % p, ns_split(x, p, (i + r) % p))))
                    return rc;
        if ((rc = end_step(c)))
            return rc;
    }
    if (kind != K_REDUCESCATTER && p > 1) {
        for (uint32_t i = 0; i < p; i++)
            for (uint32_t r = 1; r < p; r++)
                if ((rc = xfer(c, i, (i + r) % p, ns_split(x, p, i))))
                    return rc;
        if ((rc = end_step(c)))
            return rc;
    }
    return NS_OK;
}

/*
 * Halving-doubling (Rabenseifner): reduce-scatter by recursive halving,
 * allgather by recursive doubling, over q = 2^floor(log2 p) ranks. When p is
 * not a power of two, the r = p - q extra ranks are folded in first, as
 * MPICH does: among ranks 0 .. 2r-1, each even rank 2k hands its data to
 * rank 2k+1 (which plays virtual rank k) and sits out; the other ranks
 * 2r .. p-1 play virtual ranks r .. q-1. At the end, rank 2k+1 returns to
 * rank 2k what it needs.
 *
 * The buffer is seen as q groups: for allreduce q equal segments; for
 * reduce-scatter and allgather, group k holds the output (input) segments
 * of the real ranks playing virtual rank k (two segments for a folded pair).
 */
static uint32_t
real_rank(uint32_t v, uint32_t r)
{
    return v < r ? 2 * v + 1 : v + r;
}

static int
halving_doubling(cb *c, int kind, uint64_t x, uint64_t *wsum, uint32_t *lo, uint32_t *hi)
{
    uint32_t p = c->n, q = 1;
    int rc;
    while (q * 2 <= p)
        q *= 2;
    uint32_t r = p - q;
    /* prefix sums of the group weights: wsum[k] = bytes of groups 0 .. k-1 */
    wsum[0] = 0;
    for (uint32_t v = 0; v < q; v++) {
        uint64_t g;
        if (kind == K_ALLREDUCE)
            g = ns_split(x, q, v);
        else if (v < r)
            g = ns_split(x, p, 2 * v) + ns_split(x, p, 2 * v + 1);
        else
            g = ns_split(x, p, v + r);
        wsum[v + 1] = wsum[v] + g;
    }
    /* fold in */
    if (r > 0) {
        for (uint32_t k = 0; k < r; k++)
            if ((rc = xfer(c, 2 * k, 2 * k + 1, kind == K_ALLGATHER ? ns_split(x, p, 2 * k) : x)))
                return rc;
        if ((rc = end_step(c)))
            return rc;
    }
    for (uint32_t v = 0; v < q; v++) {
        lo[v] = kind == K_ALLGATHER ? v : 0;
        hi[v] = kind == K_ALLGATHER ? v + 1 : q;
    }
    if (kind != K_ALLGATHER)
        for (uint32_t d = q / 2; d >= 1; d /= 2) {
            for (uint32_t v = 0; v < q; v++) {
                uint32_t mid = lo[v] + (hi[v] - lo[v]) / 2;
                uint64_t b = (v & d) ? wsum[mid] - wsum[lo[v]] : wsum[hi[v]] - wsum[mid];
                if ((rc = xfer(c, real_rank(v, r), real_rank(v ^ d, r), b)))
                    return rc;
            }
            for (uint32_t v = 0; v < q; v++) {
                uint32_t mid = lo[v] + (hi[v] - lo[v]) / 2;
                if (v & d)
                    lo[v] = mid;
                else
                    hi[v] = mid;
            }
            if ((rc = end_step(c)))
                return rc;
        }
    if (kind != K_REDUCESCATTER)
        for (uint32_t d = 1; d < q; d *= 2) {
            for (uint32_t v = 0; v < q; v++)
                if ((rc = xfer(c, real_rank(v, r), real_rank(v ^ d, r), wsum[hi[v]] - wsum[lo[v]])))
                    return rc;
            for (uint32_t v = 0; v < q; v++) {
                uint32_t len = hi[v] - lo[v];
                if (v & d)
                    lo[v] -= len;
                else
                    hi[v] += len;
            }
            if ((rc = end_step(c)))
                return rc;
        }
    /* fold out */
    if (r > 0) {
        for (uint32_t k = 0; k < r; k++)
            if ((rc = xfer(c, 2 * k + 1, 2 * k, kind == K_REDUCESCATTER ? ns_split(x, p, 2 * k) : x)))
                return rc;
        if ((rc = end_step(c)))
            return rc;
    }
    return NS_OK;
}

/* --- refusing the impossible early -------------------------------------- */

/* Reserve room for a collective of p ranks whose algorithm moves at most
 * `per_rank` transfers per rank, before building it: a collective too large
 * for the machine is refused at once, with an estimate, not after hours of
 * building. Counted on every algorithm (p = 5 to 16, 1 and 3 chunks): at
 * most 2 markers a rank besides its transfers, and at most 4 dependencies
 * a transfer (pairwise alltoall 3.9, ring 3.0, direct allreduce 3.5). */
static int
reserve(ns_workload *w, const char *what, uint64_t p, uint64_t per_rank, ns_err *e)
{
    uint64_t x = p * per_rank;
    if (per_rank && x / per_rank != p)
        x = UINT64_MAX / 8;
    return ns_wl_reserve(w, x + 2 * p + 2, 4 * x + 2 * p, x, what, e);
}

static uint64_t
log2_ceil(uint64_t p)
{
    uint64_t k = 0;
    while (((uint64_t)1 << k) < p)
        k++;
    return k;
}

static int
build_reduce(ns_workload *w, int kind, const uint32_t *hosts, size_t n, uint64_t bytes,
             int algorithm, uint32_t chunks, const char *label, ns_coll_ops *out, ns_err *e)
{
    const char *kn = kind_names[kind];
    if (algorithm != NS_ALG_RING && algorithm != NS_ALG_HALVING_DOUBLING && algorithm != NS_ALG_DIRECT)
        return ns_errorf(e, NS_EINVAL, "%s: algorithm must be \"ring\", \"halving_doubling\" or \"direct\" (got %s)",
                         kn, algorithm >= 0 && algorithm <= NS_ALG_PAIRWISE ? ns_alg_names[algorithm] : "?");
    if (chunks < 1)
        return ns_errorf(e, NS_EINVAL, "%s: chunks must be >= 1 (got %u)", kn, chunks);
    /* transfers per rank: ring 2(p-1), direct 2(p-1), halving-doubling
     * 2 log2 p + the fold's 2, each per chunk */
    uint64_t steps = algorithm == NS_ALG_HALVING_DOUBLING ? 2 * log2_ceil(n) + 2 : 2 * (uint64_t)n;
    int rc0 = reserve(w, kn, n, steps * chunks, e);
    if (rc0)
        return rc0;
    ns_wl_mark mark = ns_wl_mark_take(w);
    cb c;
    uint64_t *wsum = NULL;
    uint32_t *lo = NULL, *hi = NULL;
    int rc = cb_init(&c, w, kn, hosts, n, label, e);
    if (rc == NS_OK && algorithm == NS_ALG_HALVING_DOUBLING) {
        wsum = ns_alloc((n + 1) * sizeof *wsum);
        lo = ns_alloc(n * sizeof *lo);
        hi = ns_alloc(n * sizeof *hi);
        if (!wsum || !lo || !hi)
            rc = ns_enomem(e, kn);
    }
    for (uint32_t j = 0; j < chunks && rc == NS_OK; j++) {
        uint64_t x = ns_split(bytes, chunks, j);
        reset_deps(&c);
        if (algorithm == NS_ALG_RING)
            rc = ring(&c, kind, x);
        else if (algorithm == NS_ALG_DIRECT)
            rc = direct(&c, kind, x);
        else
            rc = halving_doubling(&c, kind, x, wsum, lo, hi);
    }
    if (rc == NS_OK)
        rc = cb_finish(&c, kn, algorithm, bytes, -1, out);
    ns_free(wsum);
    ns_free(lo);
    ns_free(hi);
    cb_free(&c);
    if (rc)
        ns_wl_rollback(w, &mark);
    return rc;
}

int
ns_wl_allreduce(ns_workload *w, const uint32_t *hosts, size_t n, uint64_t bytes,
                int algorithm, uint32_t chunks, const char *label, ns_coll_ops *out, ns_err *e)
{
    return build_reduce(w, K_ALLREDUCE, hosts, n, bytes, algorithm, chunks, label, out, e);
}

int
ns_wl_reducescatter(ns_workload *w, const uint32_t *hosts, size_t n, uint64_t bytes,
                    int algorithm, uint32_t chunks, const char *label, ns_coll_ops *out, ns_err *e)
{
    return build_reduce(w, K_REDUCESCATTER, hosts, n, bytes, algorithm, chunks, label, out, e);
}

int
ns_wl_allgather(ns_workload *w, const uint32_t *hosts, size_t n, uint64_t bytes,
                int algorithm, uint32_t chunks, const char *label, ns_coll_ops *out, ns_err *e)
{
    return build_reduce(w, K_ALLGATHER, hosts, n, bytes, algorithm, chunks, label, out, e);
}

/* --- hierarchical: inside the servers, then across them ------------------ */

/* one step t of a ring over each of `ng` groups of `p` ranks, group g being
 * ranks base(g) + k * stride (k = 0 .. p-1): reduce-scatter (ag = 0) or
 * allgather (ag = 1) of group g's buffer of x[g] bytes cut into p segments,
 * segment numbering as ring(); then the step ends. A group's label says which
 * level it is (the ops of a level carry it). */
static int
ring_step_groups(cb *c, int ag, uint32_t ng, uint32_t gstride, uint32_t p, uint32_t stride, const uint64_t *x,
                 uint32_t t, const char *label)
{
    const char *keep = c->label;
    c->label = label;
    int rc = NS_OK;
    for (uint32_t g = 0; g < ng && rc == NS_OK; g++)
        for (uint32_t i = 0; i < p && rc == NS_OK; i++) {
            uint64_t seg = ag ? ((uint64_t)i + p - t) % p : ((uint64_t)i + 2 * (uint64_t)p - t - 1) % p;
            rc = xfer(c, g * gstride + i * stride, g * gstride + ((i + 1) % p) * stride, ns_split(x[g], p, seg));
        }
    c->label = keep;
    return rc ? rc : end_step(c);
}

/*
 * Hierarchical allreduce, reduce-scatter and allgather over S servers of L
 * ranks each (rank s L + l is GPU l of server s), chunk of x bytes:
 *   allreduce:      ring reduce-scatter of x inside every server (GPU l ends
 *                   with segment l, x_l = split(x, L, l) bytes), a ring
 *                   allreduce of x_l across the servers among the GPUs l
 *                   (one ring per rail), ring allgather inside every server;
 *   reduce-scatter: the first two steps with a reduce-scatter across;
 *   allgather:      ring allgather of x_l across (GPU l of every server
 *                   brings split(x_l, S, s)), then allgather inside.
 * Inside a server the transfers go over NVLink, across over the NICs.
 */
static int
hierarchical(cb *c, int kind, uint32_t S, uint32_t L, uint64_t x, uint64_t *xs)
{
    int rc;
    /* labels of the levels: the collective's, cut to leave room, and a suffix */
    char in_rs[32], in_ag[32], across[32];
    int room = 31 - 7;
    snprintf(in_rs, sizeof in_rs, "%.*s/in-rs", room, c->label);
    snprintf(in_ag, sizeof in_ag, "%.*s/in-ag", room, c->label);
    snprintf(across, sizeof across, "%.*s/across", room, c->label);
    /* servers: S groups of L consecutive ranks, each the whole x */
    for (uint32_t g = 0; g < S; g++)
        xs[g] = x;
    if (kind != K_ALLGATHER)
        for (uint32_t t = 0; t + 1 < L; t++)
            if ((rc = ring_step_groups(c, 0, S, L, L, 1, xs, t, in_rs)))
                return rc;
    /* rails: L groups (GPU l of each server, stride L), group l x_l bytes */
    for (uint32_t l = 0; l < L; l++)
        xs[l] = ns_split(x, L, l);
    if (kind != K_ALLGATHER)
        for (uint32_t t = 0; t + 1 < S; t++)
            if ((rc = ring_step_groups(c, 0, L, 1, S, L, xs, t, across)))
                return rc;
    if (kind != K_REDUCESCATTER)
        for (uint32_t t = 0; t + 1 < S; t++)
            if ((rc = ring_step_groups(c, 1, L, 1, S, L, xs, t, across)))
                return rc;
    for (uint32_t g = 0; g < S; g++)
        xs[g] = x;
    if (kind != K_REDUCESCATTER)
        for (uint32_t t = 0; t + 1 < L; t++)
            if ((rc = ring_step_groups(c, 1, S, L, L, 1, xs, t, in_ag)))
                return rc;
    return NS_OK;
}

int
ns_wl_hierarchical(ns_workload *w, int which, const uint32_t *hosts, size_t n, uint32_t local, uint64_t bytes,
                   uint32_t chunks, const char *label, ns_coll_ops *out, ns_err *e)
{
    if (which < K_ALLREDUCE || which > K_ALLGATHER)
        return ns_errorf(e, NS_EINVAL, "hierarchical: not a reduction (%d)", which);
    const char *kn = kind_names[which];
    if (chunks < 1)
        return ns_errorf(e, NS_EINVAL, "%s: chunks must be >= 1 (got %u)", kn, chunks);
    if (local < 1 || n % local)
        return ns_errorf(e, NS_EINVAL, "%s: hierarchical needs the same number of ranks in every server "
                         "(%zu ranks, %u per server)", kn, n, local);
    uint32_t S = (uint32_t)(n / local), L = local;
    /* transfers per rank: 2 (L - 1) inside, 2 (S - 1) across, per chunk */
    int rc0 = reserve(w, kn, n, (2 * (uint64_t)L + 2 * (uint64_t)S) * chunks, e);
    if (rc0)
        return rc0;
    ns_wl_mark mark = ns_wl_mark_take(w);
    cb c;
    uint64_t *xs = ns_alloc(((S > L ? S : L) + 1) * sizeof *xs);
    int rc = xs ? cb_init(&c, w, kn, hosts, n, label, e) : ns_enomem(e, kn);
    for (uint32_t j = 0; j < chunks && rc == NS_OK; j++) {
        reset_deps(&c);
        rc = hierarchical(&c, which, S, L, ns_split(bytes, chunks, j), xs);
    }
    if (rc == NS_OK)
        rc = cb_finish(&c, kn, NS_ALG_HIERARCHICAL, bytes, -1, out);
    if (rc == NS_OK)
        w->colls[out->coll].phased = chunks == 1;
    ns_free(xs);
    if (xs)
        cb_free(&c);
    if (rc)
        ns_wl_rollback(w, &mark);
    return rc;
}

/* --- broadcast, reduce, gather, scatter ---------------------------------- */

enum { K_BROADCAST = 0, K_REDUCE, K_GATHER, K_SCATTER };
static const char *const rooted_names[] = {"broadcast", "reduce", "gather", "scatter"};

/* a transfer of `bytes` from rank i to rank j that waits for ops a and b
 * (NS_NONE: none; neither: the start marker); its id in *op */
static int
xfer_after(cb *c, uint32_t i, uint32_t j, uint64_t bytes, uint32_t a, uint32_t b, uint32_t *op)
{
    long t = ns_wl_transfer(c->w, c->hosts[i], c->hosts[j], bytes, c->label, c->e);
    if (t < 0)
        return failed(c->e);
    int rc;
    if (a == NS_NONE && b == NS_NONE)
        a = c->start;
    if (a != NS_NONE && (rc = dep(c, (uint32_t)t, a)))
        return rc;
    if (b != NS_NONE && b != a && (rc = dep(c, (uint32_t)t, b)))
        return rc;
    c->sent[i] += bytes;
    c->recv[j] += bytes;
    *op = (uint32_t)t;
    return NS_OK;
}

/*
 * One chunk of x bytes of a rooted collective. Position k of the chain is
 * rank (root + k) mod n. prev[k]: the transfer of the previous chunk at hop
 * (or, direct, to or from position) k, which this chunk's waits for: a
 * connection sends its chunks in order.
 * ring: a chain; broadcast and scatter flow outwards (hop s: position s to
 * s+1; scatter carries the segments of positions s+1 .. n-1), reduce and
 * gather inwards (hop s: position n-1-s to n-2-s; gather carries the
 * segments of positions n-1-s .. n-1); hop s waits for hop s-1 of its chunk.
 * direct: the root sends to (broadcast, scatter) or receives from (reduce,
 * gather) every other rank at once: the whole chunk, or the rank's segment.
 */
static int
rooted_chunk(cb *c, int kind, int algorithm, uint32_t root, uint64_t x, uint32_t *prev)
{
    uint32_t n = c->n;
    int out = kind == K_BROADCAST || kind == K_SCATTER, seg = kind == K_GATHER || kind == K_SCATTER;
    uint32_t last = NS_NONE;   /* the previous hop of this chunk (ring) */
    int rc;
    for (uint32_t s = 0; s + 1 < n; s++) {
        uint32_t from, to;   /* positions */
        uint64_t b = x;
        if (algorithm == NS_ALG_RING) {
            from = out ? s : n - 1 - s;
            to = out ? s + 1 : n - 2 - s;
            if (seg) {       /* the segments of the positions beyond the hop */
                b = 0;
                for (uint32_t k = out ? to : from; k < n; k++)
                    b += ns_split(x, n, (root + k) % n);
            }
        } else {
            from = out ? 0 : s + 1;
            to = out ? s + 1 : 0;
            if (seg)
                b = ns_split(x, n, (root + s + 1) % n);
        }
        uint32_t op;
        if ((rc = xfer_after(c, (root + from) % n, (root + to) % n, b,
                             algorithm == NS_ALG_RING ? last : NS_NONE, prev[s], &op)))
            return rc;
        prev[s] = last = op;
    }
    return NS_OK;
}

static int
build_rooted(ns_workload *w, int kind, const uint32_t *hosts, size_t n, uint64_t bytes, uint32_t root,
             int algorithm, uint32_t chunks, const char *label, ns_coll_ops *out, ns_err *e)
{
    const char *kn = rooted_names[kind];
    if (algorithm != NS_ALG_RING && algorithm != NS_ALG_DIRECT)
        return ns_errorf(e, NS_EINVAL, "%s: algorithm must be \"ring\" or \"direct\" (got %s)", kn,
                         algorithm >= 0 && algorithm <= NS_ALG_PAIRWISE ? ns_alg_names[algorithm] : "?");
    if (chunks < 1)
        return ns_errorf(e, NS_EINVAL, "%s: chunks must be >= 1 (got %u)", kn, chunks);
    if (root >= n)
        return ns_errorf(e, NS_EINVAL, "%s: root must be a rank, 0 .. %zu (got %u)", kn, n ? n - 1 : 0, root);
    int rc0 = reserve(w, kn, n, 2 * (uint64_t)chunks, e);
    if (rc0)
        return rc0;
    ns_wl_mark mark = ns_wl_mark_take(w);
    cb c;
    uint32_t *prev = NULL;
    int rc = cb_init(&c, w, kn, hosts, n, label, e);
    if (rc == NS_OK && !(prev = ns_alloc(n * sizeof *prev)))
        rc = ns_enomem(e, kn);
    for (size_t k = 0; rc == NS_OK && k < n; k++)
        prev[k] = NS_NONE;
    for (uint32_t j = 0; j < chunks && rc == NS_OK; j++)
        rc = rooted_chunk(&c, kind, algorithm, root, ns_split(bytes, chunks, j), prev);
    /* the lower bound: what the root's NIC must carry whatever the algorithm */
    double nic = kind == K_BROADCAST || kind == K_REDUCE ? (double)bytes
                                                         : (double)(bytes - ns_split(bytes, n, root));
    if (rc == NS_OK)
        rc = cb_finish(&c, kn, algorithm, bytes, n > 1 ? nic : 0, out);
    ns_free(prev);
    cb_free(&c);
    if (rc)
        ns_wl_rollback(w, &mark);
    return rc;
}

int
ns_wl_broadcast(ns_workload *w, const uint32_t *hosts, size_t n, uint64_t bytes, uint32_t root,
                int algorithm, uint32_t chunks, const char *label, ns_coll_ops *out, ns_err *e)
{
    return build_rooted(w, K_BROADCAST, hosts, n, bytes, root, algorithm, chunks, label, out, e);
}

int
ns_wl_reduce(ns_workload *w, const uint32_t *hosts, size_t n, uint64_t bytes, uint32_t root,
             int algorithm, uint32_t chunks, const char *label, ns_coll_ops *out, ns_err *e)
{
    return build_rooted(w, K_REDUCE, hosts, n, bytes, root, algorithm, chunks, label, out, e);
}

int
ns_wl_gather(ns_workload *w, const uint32_t *hosts, size_t n, uint64_t bytes, uint32_t root,
             int algorithm, uint32_t chunks, const char *label, ns_coll_ops *out, ns_err *e)
{
    return build_rooted(w, K_GATHER, hosts, n, bytes, root, algorithm, chunks, label, out, e);
}

int
ns_wl_scatter(ns_workload *w, const uint32_t *hosts, size_t n, uint64_t bytes, uint32_t root,
              int algorithm, uint32_t chunks, const char *label, ns_coll_ops *out, ns_err *e)
{
    return build_rooted(w, K_SCATTER, hosts, n, bytes, root, algorithm, chunks, label, out, e);
}

/* --- alltoall, permutation ----------------------------------------------- */

int
ns_wl_alltoall_reserve(ns_workload *w, size_t n, ns_err *e)
{
    return reserve(w, "alltoall", n, n, e);
}

int
ns_wl_alltoallv(ns_workload *w, const uint32_t *hosts, size_t n, const uint64_t *matrix,
                int algorithm, const char *label, ns_coll_ops *out, ns_err *e)
{
    if (algorithm != NS_ALG_DIRECT && algorithm != NS_ALG_PAIRWISE)
        return ns_errorf(e, NS_EINVAL, "alltoall: algorithm must be \"direct\" or \"pairwise\" (got %s)",
                         algorithm >= 0 && algorithm <= NS_ALG_PAIRWISE ? ns_alg_names[algorithm] : "?");
    int rc0 = ns_wl_alltoall_reserve(w, n, e);
    if (rc0)
        return rc0;
    ns_wl_mark mark = ns_wl_mark_take(w);
    cb c;
    int rc = cb_init(&c, w, "alltoall", hosts, n, label, e);
    uint32_t p = (uint32_t)n;
    uint64_t biggest = 0;
    for (uint32_t i = 0; i < p && rc == NS_OK; i++)
        for (uint32_t j = 0; j < p; j++)
            if (i != j && matrix[(size_t)i * n + j] > biggest)
                biggest = matrix[(size_t)i * n + j];
    if (rc == NS_OK && algorithm == NS_ALG_DIRECT && p > 1) {
        /* rank i addresses i+1, i+2, ..., i-1: with equal sizes, every
         * moment of the exchange is a permutation (no incast) */
        for (uint32_t i = 0; i < p && rc == NS_OK; i++)
            for (uint32_t r = 1; r < p && rc == NS_OK; r++) {
                uint32_t j = (i + r) % p;
                uint64_t b = matrix[(size_t)i * n + j];
                if (b)
                    rc = xfer(&c, i, j, b);
            }
        if (rc == NS_OK)
            rc = end_step(&c);
    } else if (rc == NS_OK) {
        /* pairwise: round r, rank i sends to i + r (zero-byte transfers keep the rounds) */
        for (uint32_t r = 1; r < p && rc == NS_OK; r++) {
            for (uint32_t i = 0; i < p && rc == NS_OK; i++) {
                uint32_t j = (i + r) % p;
                rc = xfer(&c, i, j, matrix[(size_t)i * n + j]);
            }
            if (rc == NS_OK)
                rc = end_step(&c);
        }
    }
    if (rc == NS_OK)
        rc = cb_finish(&c, "alltoall", algorithm, biggest, -1, out);
    cb_free(&c);
    if (rc)
        ns_wl_rollback(w, &mark);
    return rc;
}

int
ns_wl_alltoall_hier(ns_workload *w, const uint32_t *hosts, size_t n, uint32_t local, const uint64_t *matrix,
                    const char *label, ns_coll_ops *out, ns_err *e)
{
    if (local < 1 || n % local)
        return ns_errorf(e, NS_EINVAL, "alltoall: hierarchical needs the same number of ranks in every server "
                         "(%zu ranks, %u per server)", n, local);
    int rc0 = ns_wl_alltoall_reserve(w, n, e);
    if (rc0)
        return rc0;
    uint32_t L = local, S = (uint32_t)(n / local);
    ns_wl_mark mark = ns_wl_mark_take(w);
    cb c;
    int rc = cb_init(&c, w, "alltoall", hosts, n, label, e);
    uint64_t biggest = 0;
    for (size_t i = 0; i < n * n && rc == NS_OK; i++)
        if (i / n != i % n && matrix[i] > biggest)
            biggest = matrix[i];
    char in[32], across[32];
    const char *keep = c.label;
    snprintf(in, sizeof in, "%.*s/in", 31 - 7, keep ? keep : "alltoall");
    snprintf(across, sizeof across, "%.*s/across", 31 - 7, keep ? keep : "alltoall");
    /* inside every server, GPU l hands GPU l' what goes to GPU l' of every
     * server (its own included): an exchange over NVLink */
    c.label = in;
    for (uint32_t a = 0; a < S && rc == NS_OK; a++)
        for (uint32_t l = 0; l < L && rc == NS_OK; l++)
            for (uint32_t r = 1; r < L && rc == NS_OK; r++) {
                uint32_t l2 = (l + r) % L, i = a * L + l;
                uint64_t b = 0;
                for (uint32_t t = 0; t < S; t++)
                    b += matrix[(size_t)i * n + t * L + l2];
                if (b)
                    rc = xfer(&c, i, a * L + l2, b);
            }
    if (rc == NS_OK)
        rc = end_step(&c);
    /* across, on one rail: GPU l' of server a sends GPU l' of server t what
     * every GPU of a has for it */
    c.label = across;
    for (uint32_t l2 = 0; l2 < L && rc == NS_OK; l2++)
        for (uint32_t a = 0; a < S && rc == NS_OK; a++)
            for (uint32_t r = 1; r < S && rc == NS_OK; r++) {
                uint32_t t = (a + r) % S;
                uint64_t b = 0;
                for (uint32_t l = 0; l < L; l++)
                    b += matrix[(size_t)(a * L + l) * n + t * L + l2];
                if (b)
                    rc = xfer(&c, a * L + l2, t * L + l2, b);
            }
    if (rc == NS_OK)
        rc = end_step(&c);
    c.label = keep;
    if (rc == NS_OK)
        rc = cb_finish(&c, "alltoall", NS_ALG_HIERARCHICAL, biggest, -1, out);
    if (rc == NS_OK)
        w->colls[out->coll].phased = 1;
    cb_free(&c);
    if (rc)
        ns_wl_rollback(w, &mark);
    return rc;
}

/* how many permutations the workload holds: the stream id of the next one */
static uint64_t
count_permutations(const ns_workload *w)
{
    uint64_t k = 0;
    for (size_t i = 0; i < w->ncolls; i++)
        k += strcmp(w->colls[i].kind, "permutation") == 0;
    return k;
}

int
ns_wl_permutation(ns_workload *w, const uint32_t *hosts, size_t n, uint64_t bytes,
                  const char *label, ns_coll_ops *out, ns_err *e)
{
    if (n < 2)
        return ns_errorf(e, NS_EINVAL, "permutation: needs at least 2 hosts (got %zu)", n);
    ns_wl_mark mark = ns_wl_mark_take(w);
    cb c;
    uint32_t *perm = NULL;
    ns_rng *rng = NULL;
    int rc = cb_init(&c, w, "permutation", hosts, n, label, e);
    if (rc == NS_OK) {
        perm = ns_alloc(n * sizeof *perm);
        rng = ns_rng_new(w->seed, NS_RNG_PERMUTATION, count_permutations(w));
        if (!perm || !rng)
            rc = ns_enomem(e, "permutation");
    }
    if (rc == NS_OK) {
        /* a uniform derangement: shuffle until no rank maps to itself
         * (about e = 2.718 tries on average) */
        int fixed;
        do {
            for (uint32_t i = 0; i < n; i++)
                perm[i] = i;
            ns_rng_shuffle(rng, perm, n);
            fixed = 0;
            for (uint32_t i = 0; i < n; i++)
                fixed |= perm[i] == i;
        } while (fixed);
        for (uint32_t i = 0; i < n && rc == NS_OK; i++)
            rc = xfer(&c, i, perm[i], bytes);
        if (rc == NS_OK)
            rc = end_step(&c);
    }
    if (rc == NS_OK)
        rc = cb_finish(&c, "permutation", NS_ALG_DIRECT, bytes, -1, out);
    ns_rng_free(rng);
    ns_free(perm);
    cb_free(&c);
    if (rc)
        ns_wl_rollback(w, &mark);
    return rc;
}
