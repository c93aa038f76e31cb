/*
 * diloco.c - data-parallel, DiLoCo and Streaming DiLoCo training schedules
 * as task graphs (see diloco.h; the user-facing rules are in netsim-lua(5)).
 *
 * Inner step t of worker w: on every host of w, compute ops (dp: a forward
 * op, then one backward op per gradient bucket) that wait for the end
 * marker of step t-1; optionally an allreduce of the gradients over the
 * worker's hosts; then the syncs that start at the end of step t; then the
 * step's end marker. A sync is an allreduce across workers, sharded over
 * the hosts (shard g: the g-th host of every worker), joined by a marker;
 * it must be done ("merged") before a given later step starts: the next
 * one (dp, diloco), or the one after `overlap` more steps (streaming).
 */
#include <config.h>
#include "diloco.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "collectives.h"
#include "sim/alloc.h"
#include "sim/estimate.h"
#include "sim/id.h"
#include "sim/rng.h"
#include "wl_build.h"

const char *const ns_train_mode_names[] = {"dp", "diloco", "streaming", NULL};
const char *const ns_frag_pattern_names[] = {"strided", "sequential", NULL};
const char *const ns_train_granularity_names[] = {"step", "layer", NULL};

#define LABEL_ROOM (NS_LABEL_MAX - 1 - 6)   /* room left for the "_inner" suffix */

/* a sync in flight: its done marker and the step that must not start
 * before it is done (the end marker of the step before waits for it);
 * beyond N + 1 no step waits, only the schedule's done marker */
typedef struct sync_ev {
    uint32_t done;
    uint32_t merge;
    uint32_t layer;     /* by layer: the layer whose forward of step `merge` waits (a fragment's first) */
} sync_ev;

typedef struct build {
    ns_workload          *w;
    const ns_diloco_spec *s;
    ns_err               *e;
    uint32_t              W, n, N, H, tau, P;
    uint32_t              t;          /* the step being built */
    char                  lab[NS_LABEL_MAX], lab_sync[NS_LABEL_MAX], lab_inner[NS_LABEL_MAX],
                          lab_step[NS_LABEL_MAX];
    uint32_t             *group;      /* [W]: the hosts of one shard */
    uint32_t             *first;      /* [W*n]: first compute op of the step per host */
    uint32_t             *last;       /* [W*n]: last compute op of the step per host */
    uint32_t             *bwd;        /* [W*n*buckets]: dp backward op k per host */
    uint32_t             *ready;      /* [W*n]: the host's parameters of the step are final */
    uint32_t             *wait;       /* [W*n]: scratch */
    uint32_t             *shard;      /* [n]: done markers of the shards of one sync */
    uint32_t             *prev;       /* [n]: dp: the previous bucket's shards */
    uint32_t             *chain;      /* [n]: layer syncs: the last one started, per shard, or NS_NONE */
    uint32_t             *inner;      /* [W]: inner allreduce done, or NS_NONE */
    uint32_t             *end;        /* [W]: end marker of the previous step */
    uint64_t             *sent;       /* [W]: bytes sent in this step's syncs */
    ns_time              *busy;       /* [W]: compute time of this step */
    uint64_t             *frag_bytes; /* [fragments]: bytes of each fragment's sync */
    uint32_t             *frag_low;   /* [fragments]: its lowest layer (0-based) */
    uint32_t             *lfwd, *lbwd;/* by layer: [W*n*layers] this step's forward, backward op per layer */
    sync_ev              *pend;
    size_t                npend, pend_cap;
    ns_rng              **rng;        /* [W], or NULL without stragglers */
    double                peak;
} build;

static int
failed(const ns_err *e)
{
    return e && e->code ? e->code : NS_EINVAL;
}

static int
after(build *b, uint32_t op, uint32_t dep)
{
    return ns_wl_after(b->w, op, dep, b->e);
}

static int
cmp_u32(const void *a, const void *x)
{
    uint32_t p = *(const uint32_t *)a, q = *(const uint32_t *)x;
    return (p > q) - (p < q);
}

static int
check_spec(const ns_diloco_spec *s, ns_err *e)
{
    const char *m = "diloco";
    if (s->mode < 0 || s->mode > NS_TRAIN_STREAMING)
        return ns_errorf(e, NS_EINVAL, "diloco: unknown mode %d", s->mode);
    if (s->nworkers < 1 || s->hosts_per_worker < 1)
        return ns_errorf(e, NS_EINVAL, "%s: needs at least one worker of at least one host", m);
    if ((uint64_t)s->nworkers * s->hosts_per_worker > INT32_MAX)
        return ns_errorf(e, NS_EINVAL, "%s: too many hosts", m);
    if (s->params < 1)
        return ns_errorf(e, NS_EINVAL, "%s: params must be >= 1", m);
    if (s->layers < 1)
        return ns_errorf(e, NS_EINVAL, "%s: layers must be >= 1 (got %u)", m, s->layers);
    if (s->inner_steps < 1 || s->outer_steps < 1)
        return ns_errorf(e, NS_EINVAL, "%s: inner_steps and outer_steps must be >= 1", m);
    if ((uint64_t)s->inner_steps * s->outer_steps > INT32_MAX)
        return ns_errorf(e, NS_EINVAL, "%s: too many steps (%llu)", m,
                         (unsigned long long)s->inner_steps * s->outer_steps);
    if (s->buckets < 1)
        return ns_errorf(e, NS_EINVAL, "%s: buckets must be >= 1 (got %u)", m, s->buckets);
    if (!(s->backward_fraction >= 0 && s->backward_fraction <= 1))
        return ns_errorf(e, NS_EINVAL, "%s: backward_fraction must be between 0 and 1 (got %g)", m,
                         s->backward_fraction);
    if (s->mode == NS_TRAIN_STREAMING && (s->fragments < 1 || s->fragments > s->layers))
        return ns_errorf(e, NS_EINVAL, "%s: fragments (%u) must be between 1 and layers (%u)", m,
                         s->fragments, s->layers);
    if (s->mode == NS_TRAIN_STREAMING && s->overlap >= s->inner_steps)
        return ns_errorf(e, NS_EINVAL, "%s: overlap (%u) must be smaller than inner_steps (%u)", m,
                         s->overlap, s->inner_steps);
    if (s->layer_syncs && !s->per_layer)
        return ns_errorf(e, NS_EINVAL, "%s: layer_syncs needs granularity = \"layer\"", m);
    if (s->per_layer && s->mode == NS_TRAIN_DP && s->buckets > 1)
        return ns_errorf(e, NS_EINVAL, "%s: by layer, dp has no buckets (got %u): use layer_syncs = true for one "
                         "sync per layer, or granularity = \"step\"", m, s->buckets);
    if (s->quant_bits > 64)
        return ns_errorf(e, NS_EINVAL, "%s: quant_bits must be at most 64 (got %u)", m, s->quant_bits);
    if (s->algorithm != NS_ALG_RING && s->algorithm != NS_ALG_HALVING_DOUBLING && s->algorithm != NS_ALG_DIRECT)
        return ns_errorf(e, NS_EINVAL, "%s: the sync algorithm must be ring, halving_doubling or direct", m);
    if (s->straggler == NS_STRAGGLER_LOGNORMAL && !(s->straggler_sigma >= 0))
        return ns_errorf(e, NS_EINVAL, "%s: straggler sigma must be >= 0", m);
    if (s->straggler == NS_STRAGGLER_GAMMA && !(s->straggler_shape > 0))
        return ns_errorf(e, NS_EINVAL, "%s: straggler shape must be > 0", m);
    if (s->label && strlen(s->label) > LABEL_ROOM)
        return ns_errorf(e, NS_EINVAL, "%s: label '%s' is too long (at most %d bytes: it gets suffixes such as _inner)",
                         m, s->label, LABEL_ROOM);
    for (uint32_t w = 0; w < s->nworkers; w++)
        if (s->step_ps[w] <= 0)
            return ns_errorf(e, NS_EINVAL, "%s: the step time of worker %u must be positive", m, w + 1);
    size_t nh = (size_t)s->nworkers * s->hosts_per_worker;
    uint32_t *tmp = ns_alloc(nh * sizeof *tmp);
    if (!tmp)
        return ns_enomem(e, m);
    memcpy(tmp, s->hosts, nh * sizeof *tmp);
    qsort(tmp, nh, sizeof *tmp, cmp_u32);
    int rc = tmp[0] == 0 ? ns_errorf(e, NS_EINVAL, "%s: host ids start at 1 (got 0)", m) : NS_OK;
    for (size_t i = 1; i < nh && rc == NS_OK; i++)
        if (tmp[i] == tmp[i - 1])
            rc = ns_errorf(e, NS_EINVAL, "%s: host %u appears more than once in workers", m, tmp[i]);
    ns_free(tmp);
    return rc;
}

/* bytes to exchange for `nparams` parameters */
static uint64_t
exchange_bytes(const ns_diloco_spec *s, uint64_t nparams)
{
    if (s->quant_bits && s->mode != NS_TRAIN_DP) {
        unsigned __int128 bits = (unsigned __int128)nparams * s->quant_bits;
        return (uint64_t)((bits + 7) / 8);
    }
    return nparams * s->bytes_per_param;
}

/* the bytes of each fragment: layers of equal size (params split exactly),
 * strided (fragment p: layers p, p+P, ...) or sequential (contiguous) */
static void
fragment_bytes(const ns_diloco_spec *s, uint32_t P, uint64_t *out)
{
    uint32_t L = s->layers;
    for (uint32_t p = 0; p < P; p++) {
        uint64_t params = 0;
        if (s->pattern == NS_FRAG_STRIDED) {
            for (uint32_t l = p; l < L; l += P)
                params += ns_split(s->params, L, l);
        } else {
            uint32_t l0 = 0;
            for (uint32_t q = 0; q < p; q++)
                l0 += (uint32_t)ns_split(L, P, q);
            uint32_t nl = (uint32_t)ns_split(L, P, p);
            for (uint32_t l = l0; l < l0 + nl; l++)
                params += ns_split(s->params, L, l);
        }
        out[p] = exchange_bytes(s, params);
    }
}

static void
build_free(build *b)
{
    ns_free(b->group);
    ns_free(b->first);
    ns_free(b->last);
    ns_free(b->bwd);
    ns_free(b->ready);
    ns_free(b->wait);
    ns_free(b->shard);
    ns_free(b->prev);
    ns_free(b->chain);
    ns_free(b->inner);
    ns_free(b->end);
    ns_free(b->sent);
    ns_free(b->busy);
    ns_free(b->frag_bytes);
    ns_free(b->frag_low);
    ns_free(b->lfwd);
    ns_free(b->lbwd);
    ns_free(b->pend);
    if (b->rng)
        for (uint32_t w = 0; w < b->W; w++)
            ns_rng_free(b->rng[w]);
    ns_free(b->rng);
}

/* bytes that `host` sends in collective `coll` */
static uint64_t
coll_sent(const ns_workload *w, int32_t coll, uint32_t host)
{
    const ns_coll *c = &w->colls[coll];
    uint64_t sum = 0;
    for (uint32_t k = c->first_op; k <= c->last_op; k++)
        if (w->ops[k].kind == NS_OP_TRANSFER && w->ops[k].node == host)
            sum += w->ops[k].bytes;
    return sum;
}

/* one sync across workers of `bytes` in n shards: shard g's allreduce waits
 * for b->wait[w * n + g] of every worker w and, if prev, for prev[g];
 * b->shard[g] gets its done marker; b->sent[w] grows by what w sends */
static int
shard_sync(build *b, uint64_t bytes, const uint32_t *prev)
{
    const ns_diloco_spec *s = b->s;
    int rc;
    for (uint32_t g = 0; g < b->n; g++) {
        for (uint32_t w = 0; w < b->W; w++)
            b->group[w] = s->hosts[(size_t)w * b->n + g];
        ns_coll_ops o;
        rc = ns_wl_allreduce(b->w, b->group, b->W, ns_split(bytes, b->n, g), s->algorithm, 1,
                             b->lab_sync, &o, b->e);
        if (rc)
            return rc;
        for (uint32_t w = 0; w < b->W; w++)
            if ((rc = after(b, o.start_op, b->wait[(size_t)w * b->n + g])))
                return rc;
        if (prev && prev[g] != NS_NONE && (rc = after(b, o.start_op, prev[g])))
            return rc;
        b->shard[g] = o.done_op;
        for (uint32_t w = 0; w < b->W; w++)
            b->sent[w] += coll_sent(b->w, o.coll, b->group[w]);
    }
    return NS_OK;
}

/* join the shards of the sync just built into one marker, pending until step
 * `merge` (by layer: until the forward of `layer` in step `merge`) */
static int
add_pending(build *b, uint32_t merge, uint32_t layer)
{
    long m = ns_wl_marker(b->w, b->lab_sync, b->e);
    if (m < 0)
        return failed(b->e);
    for (uint32_t g = 0; g < b->n; g++) {
        int rc = after(b, (uint32_t)m, b->shard[g]);
        if (rc)
            return rc;
    }
    if (ns_grow((void **)&b->pend, &b->pend_cap, b->npend + 1, sizeof *b->pend))
        return ns_enomem(b->e, "a training schedule");
    b->pend[b->npend++] = (sync_ev){ (uint32_t)m, merge, layer };
    return NS_OK;
}

/*
 * By layer (streaming, granularity "layer"): step t of worker w on each of
 * its hosts is the forward of layers 1..L (fwd split evenly) then their
 * backward from L down to 1 (bwd split evenly). The forward of a layer waits
 * for the syncs that must be merged before this step and whose fragment's
 * first layer it is (the fragment's other layers come later in the forward).
 */
static int
layer_step(build *b, uint32_t w, ns_time fwd, ns_time bwd)
{
    const ns_diloco_spec *s = b->s;
    uint32_t L = s->layers;
    int rc;
    for (uint32_t h = 0; h < b->n; h++) {
        size_t i = (size_t)w * b->n + h;
        uint32_t host = s->hosts[i], prev = b->end[w];
        for (uint32_t k = 0; k < 2 * L; k++) {
            int back = k >= L;
            uint32_t l = back ? 2 * L - 1 - k : k;
            ns_time dl = (ns_time)ns_split((uint64_t)(back ? bwd : fwd), L, back ? L - 1 - l : l);
            long op = ns_wl_compute(b->w, host, dl, b->lab, b->e);
            if (op < 0)
                return failed(b->e);
            if ((rc = after(b, (uint32_t)op, prev)))
                return rc;
            if (!back)
                for (size_t j = 0; j < b->npend; j++)
                    if (b->pend[j].merge == b->t && b->pend[j].layer == l &&
                        (rc = after(b, (uint32_t)op, b->pend[j].done)))
                        return rc;
            (back ? b->lbwd : b->lfwd)[i * L + l] = (uint32_t)op;
            prev = (uint32_t)op;
        }
        b->first[i] = b->lfwd[i * L];
        b->last[i] = b->ready[i] = b->lbwd[i * L];
    }
    b->inner[w] = NS_NONE;
    return NS_OK;
}

/* the compute ops of step t of worker w on all its hosts */
static int
compute_step(build *b, uint32_t w)
{
    const ns_diloco_spec *s = b->s;
    double f = 1;
    if (s->straggler == NS_STRAGGLER_LOGNORMAL)
        f = ns_rng_lognormal(b->rng[w], s->straggler_mu, s->straggler_sigma);
    else if (s->straggler == NS_STRAGGLER_GAMMA)
        f = ns_rng_gamma(b->rng[w], s->straggler_shape, 1.0 / s->straggler_shape);
    double d = (double)s->step_ps[w] * f;
    if (!(d < 1e18))
        return ns_errorf(b->e, NS_EINVAL, "diloco: a straggling step of worker %u would last %g s",
                         w + 1, d * 1e-12);
    ns_time dur = (ns_time)llround(d);
    b->busy[w] = dur;
    ns_time bwd = s->mode == NS_TRAIN_DP || s->per_layer ? (ns_time)llround(s->backward_fraction * (double)dur) : 0;
    int rc;
    if (s->per_layer)
        return layer_step(b, w, dur - bwd, bwd);
    for (uint32_t h = 0; h < b->n; h++) {
        size_t i = (size_t)w * b->n + h;
        uint32_t host = s->hosts[i];
        long op = ns_wl_compute(b->w, host, dur - bwd, b->lab, b->e);
        if (op < 0)
            return failed(b->e);
        if ((rc = after(b, (uint32_t)op, b->end[w])))
            return rc;
        b->first[i] = b->last[i] = (uint32_t)op;
        if (s->mode != NS_TRAIN_DP)
            continue;
        for (uint32_t k = 0; k < s->buckets; k++) {
            long p = ns_wl_compute(b->w, host, (ns_time)ns_split((uint64_t)bwd, s->buckets, k), b->lab, b->e);
            if (p < 0)
                return failed(b->e);
            if ((rc = after(b, (uint32_t)p, b->last[i])))
                return rc;
            b->last[i] = b->bwd[i * s->buckets + k] = (uint32_t)p;
        }
    }
    /* the inner allreduce of the gradients: after every host's compute */
    b->inner[w] = NS_NONE;
    for (uint32_t h = 0; h < b->n; h++)
        b->ready[(size_t)w * b->n + h] = b->last[(size_t)w * b->n + h];
    if (s->inner_allreduce && b->n > 1) {
        ns_coll_ops o;
        rc = ns_wl_allreduce(b->w, &s->hosts[(size_t)w * b->n], b->n, s->params * s->bytes_per_param,
                             NS_ALG_RING, 1, b->lab_inner, &o, b->e);
        if (rc)
            return rc;
        for (uint32_t h = 0; h < b->n; h++) {
            if ((rc = after(b, o.start_op, b->last[(size_t)w * b->n + h])))
                return rc;
            b->ready[(size_t)w * b->n + h] = o.done_op;
        }
        b->inner[w] = o.done_op;
    }
    return NS_OK;
}

/* is layer l (0-based) in fragment p of P? */
static int
in_fragment(const build *b, uint32_t l, uint32_t p)
{
    if (b->s->pattern == NS_FRAG_STRIDED)
        return l % b->P == p;
    uint32_t lo = b->frag_low[p];
    return l >= lo && l < lo + (uint32_t)ns_split(b->s->layers, b->P, p);
}

/*
 * By layer, every mode is fragments: dp one fragment synced every step,
 * diloco one every H steps, streaming P staggered over H. Fragment p syncs
 * after steps (p+1) H / P + k H: as one sync once the backward of its first
 * layer (its last to finish) is done, merged before that layer's forward in
 * step t + tau + 1; or, with layer_syncs, as one sync per layer, each once
 * its own backward is done and merged before its own forward, in the order
 * the backward releases them, one after the other on each shard.
 */
static int
layer_syncs_at(build *b, uint32_t t)
{
    const ns_diloco_spec *s = b->s;
    size_t nh = (size_t)b->W * b->n;
    uint32_t L = s->layers;
    int rc;
    for (uint32_t p = 0; p < b->P; p++) {
        uint32_t off = (uint32_t)(((uint64_t)p + 1) * b->H / b->P);
        if (t < off || (t - off) % b->H)
            continue;
        if (!s->layer_syncs) {
            for (size_t i = 0; i < nh; i++)
                b->wait[i] = b->lbwd[i * L + b->frag_low[p]];
            if ((rc = shard_sync(b, b->frag_bytes[p], NULL)) || (rc = add_pending(b, t + b->tau + 1, b->frag_low[p])))
                return rc;
            continue;
        }
        for (uint32_t k = L; k-- > 0;) {
            if (!in_fragment(b, k, p))
                continue;
            for (size_t i = 0; i < nh; i++)
                b->wait[i] = b->lbwd[i * L + k];
            if ((rc = shard_sync(b, exchange_bytes(s, ns_split(s->params, L, k)), b->chain)))
                return rc;
            memcpy(b->chain, b->shard, b->n * sizeof *b->chain);
            if ((rc = add_pending(b, t + b->tau + 1, k)))
                return rc;
        }
    }
    return NS_OK;
}

/* the syncs that start at the end of step t */
static int
syncs_at(build *b, uint32_t t)
{
    const ns_diloco_spec *s = b->s;
    size_t nh = (size_t)b->W * b->n;
    int rc;
    if (s->per_layer)
        return layer_syncs_at(b, t);
    if (s->mode == NS_TRAIN_DP) {
        /* buckets one after the other, each once its backward op is done everywhere */
        uint64_t G = s->params * s->bytes_per_param;
        for (uint32_t g = 0; g < b->n; g++)
            b->prev[g] = NS_NONE;
        for (uint32_t k = 0; k < s->buckets; k++) {
            for (size_t i = 0; i < nh; i++)
                b->wait[i] = b->bwd[i * s->buckets + k];
            if ((rc = shard_sync(b, ns_split(G, s->buckets, k), b->prev)))
                return rc;
            memcpy(b->prev, b->shard, b->n * sizeof *b->prev);
        }
        return add_pending(b, t + 1, 0);
    }
    memcpy(b->wait, b->ready, nh * sizeof *b->wait);
    if (s->mode == NS_TRAIN_DILOCO) {
        if (t % b->H)
            return NS_OK;
        if ((rc = shard_sync(b, exchange_bytes(s, s->params), NULL)))
            return rc;
        return add_pending(b, t + 1, 0);
    }
    /* streaming: fragment p syncs after steps (p+1) H / P + k H */
    for (uint32_t p = 0; p < s->fragments; p++) {
        uint32_t off = (uint32_t)(((uint64_t)p + 1) * b->H / s->fragments);
        if (t < off || (t - off) % b->H)
            continue;
        if ((rc = shard_sync(b, b->frag_bytes[p], NULL)))
            return rc;
        if ((rc = add_pending(b, t + b->tau + 1, b->frag_low[p])))
            return rc;
    }
    return NS_OK;
}

static int
build_steps(build *b, uint32_t *start_op, uint32_t *done_op)
{
    const ns_diloco_spec *s = b->s;
    ns_workload *w = b->w;
    uint32_t base = ns_train_workers(w);
    int rc;
    long st = ns_wl_marker(w, b->lab, b->e);
    if (st < 0)
        return failed(b->e);
    for (uint32_t k = 0; k < b->W; k++)
        b->end[k] = (uint32_t)st;
    for (uint32_t t = 1; t <= b->N; t++) {
        b->t = t;
        for (uint32_t k = 0; k < b->W; k++) {
            b->sent[k] = 0;
            if ((rc = compute_step(b, k)))
                return rc;
        }
        if (s->per_layer) {     /* the syncs merged into this step's forwards */
            size_t j = 0;
            for (size_t i = 0; i < b->npend; i++)
                if (b->pend[i].merge != t)
                    b->pend[j++] = b->pend[i];
            b->npend = j;
        }
        if ((rc = syncs_at(b, t)))
            return rc;
        for (uint32_t k = 0; k < b->W; k++) {
            /* bits over the window a sync may take without blocking: tau steps (one if 0) */
            double rate = (double)b->sent[k] * 8e12 / ((double)(b->tau ? b->tau : 1) * (double)s->step_ps[k]);
            if (rate > b->peak)
                b->peak = rate;
            long m = ns_wl_marker(w, b->lab_step, b->e);
            if (m < 0)
                return failed(b->e);
            for (uint32_t h = 0; h < b->n; h++)
                if ((rc = after(b, (uint32_t)m, b->last[(size_t)k * b->n + h])))
                    return rc;
            if (b->inner[k] != NS_NONE && (rc = after(b, (uint32_t)m, b->inner[k])))
                return rc;
            for (size_t i = 0; i < b->npend && !s->per_layer; i++)
                if (b->pend[i].merge == t + 1 && (rc = after(b, (uint32_t)m, b->pend[i].done)))
                    return rc;
            /* by layer a step may wait inside (a forward waits for its layer's sync): it spans from
             * the end of the step before, and its compute is its ops' time */
            ns_iter it = { base + k + 1, t, s->per_layer ? b->end[k] : b->first[(size_t)k * b->n],
                           b->last[(size_t)k * b->n], (uint32_t)m, b->sent[k], s->per_layer ? b->busy[k] : 0 };
            if (ns_train_add_iter(w, &it, b->e) < 0)
                return failed(b->e);
            b->end[k] = (uint32_t)m;
        }
        /* forget the syncs merged now (by layer: at the next step's forwards) */
        size_t j = 0;
        for (size_t i = 0; i < b->npend; i++)
            if (s->per_layer || b->pend[i].merge != t + 1)
                b->pend[j++] = b->pend[i];
        b->npend = j;
    }
    long done = ns_wl_marker(w, b->lab, b->e);
    if (done < 0)
        return failed(b->e);
    for (uint32_t k = 0; k < b->W; k++)
        if ((rc = after(b, (uint32_t)done, b->end[k])))
            return rc;
    for (size_t i = 0; i < b->npend; i++)
        if ((rc = after(b, (uint32_t)done, b->pend[i].done)))
            return rc;
    *start_op = (uint32_t)st;
    *done_op = (uint32_t)done;
    return NS_OK;
}

/* Make room for the least the schedule adds, before building it, so that
 * outer_steps = 1e9 is refused at once with the estimate rather than after
 * filling the memory allowed: every host's compute ops of every step (one,
 * or in dp a forward and one per bucket), a marker per worker and step, and
 * the transfers of the cross-worker syncs (N x buckets in dp, outer_steps in
 * diloco, outer_steps x fragments in streaming; each of n allreduces over W
 * ranks, at least 2 (W - 1) transfers a rank by ring or direct, 2 floor(log2
 * W) by halving-doubling), each op after at least one other. A lower bound:
 * the allreduces reserve the rest of theirs as they are built. */
static int
reserve_steps(ns_workload *w, const ns_diloco_spec *s, uint64_t N, uint32_t P, ns_err *e)
{
    uint64_t W = s->nworkers, n = s->hosts_per_worker;
    uint64_t per_host = s->mode == NS_TRAIN_DP ? 1 + (uint64_t)s->buckets : 1;
    uint64_t syncs = s->mode == NS_TRAIN_DP ? N * s->buckets :
                     s->mode == NS_TRAIN_STREAMING ? (uint64_t)s->outer_steps * P : s->outer_steps;
    uint64_t per_rank = 2 * (W - 1);
    if (s->algorithm == NS_ALG_HALVING_DOUBLING) {
        per_rank = 0;
        for (uint64_t v = W; v > 1; v >>= 1)
            per_rank += 2;
    }
    /* at most 2^32 steps, 2^32 hosts, 2^32 buckets: 128-bit products, saturated */
    unsigned __int128 comp = (unsigned __int128)N * W * n * per_host + (unsigned __int128)N * W;
    unsigned __int128 x = (unsigned __int128)syncs * n * W * per_rank;
    unsigned __int128 ops = comp + x;
    uint64_t cap = UINT64_MAX / 8;
    uint64_t o = ops > cap ? cap : (uint64_t)ops, t = x > cap ? cap : (uint64_t)x;
    return ns_wl_reserve(w, o, o, t, "diloco", e);
}

int
ns_wl_diloco(ns_workload *w, const ns_diloco_spec *s, uint32_t *start_op, uint32_t *done_op, ns_err *e)
{
    int rc = check_spec(s, e);
    if (rc)
        return rc;
    build b;
    memset(&b, 0, sizeof b);
    b.w = w;
    b.s = s;
    b.e = e;
    b.W = s->nworkers;
    b.n = s->hosts_per_worker;
    b.H = s->mode == NS_TRAIN_DP ? 1 : s->inner_steps;
    b.N = b.H * s->outer_steps;
    b.tau = s->mode == NS_TRAIN_STREAMING ? s->overlap : 0;
    const char *lab = s->label && *s->label ? s->label : ns_train_mode_names[s->mode];
    snprintf(b.lab, sizeof b.lab, "%s", lab);
    snprintf(b.lab_sync, sizeof b.lab_sync, "%s_sync", lab);
    snprintf(b.lab_inner, sizeof b.lab_inner, "%s_inner", lab);
    snprintf(b.lab_step, sizeof b.lab_step, "%s_step", lab);
    size_t nh = (size_t)b.W * b.n;
    uint32_t P = s->mode == NS_TRAIN_STREAMING ? s->fragments : 1;
    b.P = P;
    if ((rc = reserve_steps(w, s, b.N, P, e)))
        return rc;
    b.group = ns_alloc(b.W * sizeof *b.group);
    b.first = ns_alloc(nh * sizeof *b.first);
    b.last = ns_alloc(nh * sizeof *b.last);
    b.bwd = ns_alloc(nh * s->buckets * sizeof *b.bwd);
    b.ready = ns_alloc(nh * sizeof *b.ready);
    b.wait = ns_alloc(nh * sizeof *b.wait);
    b.shard = ns_alloc(b.n * sizeof *b.shard);
    b.prev = ns_alloc(b.n * sizeof *b.prev);
    b.chain = ns_alloc(b.n * sizeof *b.chain);
    b.inner = ns_alloc(b.W * sizeof *b.inner);
    b.end = ns_alloc(b.W * sizeof *b.end);
    b.sent = ns_calloc(b.W, sizeof *b.sent);
    b.busy = ns_calloc(b.W, sizeof *b.busy);
    b.frag_bytes = ns_alloc(P * sizeof *b.frag_bytes);
    b.frag_low = ns_alloc(P * sizeof *b.frag_low);
    if (s->per_layer) {
        b.lfwd = ns_alloc(nh * s->layers * sizeof *b.lfwd);
        b.lbwd = ns_alloc(nh * s->layers * sizeof *b.lbwd);
    }
    if (s->straggler != NS_STRAGGLER_NONE && (b.rng = ns_calloc(b.W, sizeof *b.rng)))
        for (uint32_t k = 0; k < b.W; k++)
            if (!(b.rng[k] = ns_rng_new(w->seed, NS_RNG_STRAGGLER, (uint64_t)ns_train_workers(w) + k + 1)))
                rc = NS_ENOMEM;
    if (rc || !b.group || !b.first || !b.last || !b.bwd || !b.ready || !b.wait || !b.shard || !b.prev || !b.chain ||
        !b.inner || !b.end || !b.sent || !b.busy || !b.frag_bytes || !b.frag_low ||
        (s->per_layer && (!b.lfwd || !b.lbwd)) || (s->straggler != NS_STRAGGLER_NONE && !b.rng)) {
        build_free(&b);
        return ns_enomem(e, "a training schedule");
    }
    for (uint32_t g = 0; g < b.n; g++)
        b.chain[g] = NS_NONE;
    fragment_bytes(s, P, b.frag_bytes);
    for (uint32_t p = 0, l0 = 0; p < P; p++) {   /* strided: layer p; sequential: its block's first */
        b.frag_low[p] = s->pattern == NS_FRAG_STRIDED ? p : l0;
        l0 += (uint32_t)ns_split(s->layers, P, p);
    }
    ns_wl_mark mark = ns_wl_mark_take(w);
    rc = build_steps(&b, start_op, done_op);
    if (rc)
        ns_wl_rollback(w, &mark);
    else
        ns_train_raise_peak(w, b.peak);
    build_free(&b);
    return rc;
}
