/*
 * training.c - training steps layer by layer (see training.h).
 */
#include <config.h>
#include "training.h"

#include <math.h>
#include <string.h>
#include "collectives.h"
#include "diloco.h"
#include "moe.h"
#include "sim/alloc.h"
#include "sim/estimate.h"
#include "sim/plan.h"
#include "wl_build.h"

const char *const ns_pipe_schedule_names[] = {"1f1b", "gpipe", NULL};

#define NONE UINT32_MAX

/* the ops of one micro-batch's pass through a stage on one GPU */
typedef struct pass {
    uint32_t first, last;
} pass;

typedef struct builder {
    ns_workload             *w;
    const ns_training_spec  *s;
    ns_err                  *e;
    uint32_t n, lps, M;      /* ranks, layers per stage, micro-batches */
    uint32_t *last;          /* per rank: its latest op (the GPU's order), NONE before any */
    uint32_t *first;         /* per rank: its first op of the step */
    uint32_t *pfirst;        /* per rank: its first op of the pass being built */
    uint32_t *last_compute;  /* per rank: its latest compute op */
    uint32_t *grad;          /* per rank x layer of its stage: the op after which the
                              * layer's gradient is whole (last micro-batch's backward) */
    pass     *fw, *bw;       /* per rank x micro-batch */
    uint32_t *group;         /* hosts of a collective */
    uint32_t *ends;          /* per rank: the end of its step */
    uint64_t *sent;          /* per rank: bytes its data-parallel allreduces sent this step */
    ns_time  *busy;          /* per rank: its compute time this step */
    uint32_t *ag_f, *ag_b;   /* ZeRO-3: per (stage, tensor rank) group x layer, the done op of the
                              * allgather of the layer's weights before its forward (backward) passes */
    uint32_t  cur_layer;     /* the layer being built, and its direction, for compute() */
    int       cur_bw;
    uint32_t  nd;            /* replicas built together: ep with experts (they share MoE layers), else 1 */
    uint32_t *ehosts;        /* [nd]: the hosts of an expert-parallel group */
    uint64_t *etok;          /* [nd]: token-expert assignments each received in an MoE layer */
} builder;

static uint32_t
rank_of(const builder *b, uint32_t d, uint32_t p, uint32_t t)
{
    return (d * b->s->pp + p) * b->s->tp + t;
}

ns_time
ns_training_forward_ps(const ns_training_spec *s, int part)
{
    double bs = (double)s->batch * (double)s->seq;
    double pl = (double)s->params / s->layers;
    double weights = 2 * pl * bs, attention = 4 * bs * (double)s->seq * (double)s->hidden;
    double f = part == 0 ? weights + attention : part == 1 ? weights / 3 + attention : weights * 2 / 3;
    return (ns_time)llround(f / s->tp / (s->flops * s->efficiency) * 1e12);
}

ns_time
ns_training_expert_token_ps(const ns_training_spec *s)
{
    double pl = (double)s->params / s->layers;
    return (ns_time)llround(2 * pl * 2 / 3 / (s->flops * s->efficiency) * 1e12);
}

/* is layer k of stage p an MoE layer? (layers moe_every, 2 moe_every, ..., 1-based) */
static int
is_moe(const builder *b, uint32_t p, uint32_t k)
{
    return b->s->experts && ((uint64_t)p * b->lps + k + 1) % b->s->moe_every == 0;
}

/* op `op` runs on rank r after everything r did before */
static int
on_rank(builder *b, uint32_t r, uint32_t op)
{
    if (b->last[r] != NONE && ns_wl_after(b->w, op, b->last[r], b->e))
        return -1;
    if (b->first[r] == NONE)
        b->first[r] = op;
    if (b->pfirst[r] == NONE)
        b->pfirst[r] = op;
    b->last[r] = op;
    return 0;
}

static int
compute(builder *b, uint32_t r, ns_time d, const char *label)
{
    long op = ns_wl_compute(b->w, b->s->hosts[r], d, label, b->e);
    if (op < 0 || on_rank(b, r, (uint32_t)op))
        return -1;
    b->busy[r] += d;
    if (b->s->zero == 3) {   /* ZeRO-3: the layer's weights gathered first */
        uint32_t g = r % (b->s->pp * b->s->tp);   /* (stage, tensor rank) */
        const uint32_t *ag = b->cur_bw ? b->ag_b : b->ag_f;
        if (ns_wl_after(b->w, (uint32_t)op, ag[(size_t)g * b->lps + b->cur_layer], b->e))
            return -1;
    }
    b->last_compute[r] = (uint32_t)op;
    return 0;
}

ns_time
ns_training_tp_ring_ps(const ns_training_spec *s, uint64_t bytes, uint32_t n)
{
    if (n < 2)
        return 0;
    uint64_t c = bytes / n + (bytes % n != 0);
    uint64_t wire = c + ns_plan_packets(c, s->mss) * s->header;
    uint64_t first = (c < s->mss ? c : s->mss) + s->header;
    ns_time step = ns_serialize_ps(wire, s->nvl_rate_bps) + s->nvl_lat_ps + ns_serialize_ps(first, s->nvl_rate_bps);
    return (ns_time)(2 * (n - 1)) * step;
}

/* the tp ranks of (d, p) compute for `d_ps` each, then allreduce their activations */
static int
tp_part(builder *b, uint32_t d, uint32_t p, ns_time dur, const char *label)
{
    const ns_training_spec *s = b->s;
    for (uint32_t t = 0; t < s->tp; t++)
        if (compute(b, rank_of(b, d, p, t), dur, label))
            return -1;
    if (s->tp == 1)
        return 0;
    for (uint32_t t = 0; t < s->tp; t++)
        b->group[t] = s->hosts[rank_of(b, d, p, t)];
    ns_coll_ops co;
    uint64_t bytes = s->batch * s->seq * s->hidden * s->dtype_bytes;
    if (s->tp_analytic) {
        long op = ns_wl_delay(b->w, ns_training_tp_ring_ps(s, bytes, s->tp), "tp", b->e);
        if (op < 0)
            return -1;
        co.start_op = co.done_op = (uint32_t)op;
    } else if (ns_wl_allreduce(b->w, b->group, s->tp, bytes, s->algorithm, 1, "tp", &co, b->e))
        return -1;
    for (uint32_t t = 0; t < s->tp; t++) {
        uint32_t r = rank_of(b, d, p, t);
        if (ns_wl_after(b->w, co.start_op, b->last[r], b->e))
            return -1;
        b->last[r] = co.done_op;
    }
    return 0;
}

/* an MoE layer (tp = 1) of micro-batch m on stage p of the replicas d0 ..
 * d0 + nd - 1, which hold its experts: w:moe's layer over their ranks
 * (forward: attention, dispatch, experts, combine; backward: the dispatch
 * direction, twice the experts, the combine direction, then twice the
 * attention on each rank) */
static int
moe_layer(builder *b, uint32_t d0, uint32_t p, uint32_t k, int bw)
{
    const ns_training_spec *s = b->s;
    ns_time attn = ns_training_forward_ps(s, 1), tok = ns_training_expert_token_ps(s) * (bw ? 2 : 1);
    for (uint32_t j = 0; j < b->nd; j++)
        b->ehosts[j] = s->hosts[rank_of(b, d0 + j, p, 0)];
    ns_moe_spec ms;
    memset(&ms, 0, sizeof ms);
    ms.hosts = b->ehosts;
    ms.n = b->nd;
    ms.experts = s->experts;
    ms.top_k = s->top_k;
    ms.tokens = s->batch * s->seq;
    ms.hidden = s->hidden;
    ms.dtype_bytes = s->dtype_bytes;
    ms.layers = 1;
    ms.skew = s->skew;
    ms.skew_param = s->skew_param;
    ms.capacity_factor = s->capacity_factor;
    ms.attention_ps = bw ? 0 : attn;
    ms.per_token_ps = tok;
    ms.dispatch = NS_MOE_PER_EXPERT;
    ms.label = "ep";
    ms.tokens_out = b->etok;
    ns_moe_ops mo;
    if (ns_wl_moe(b->w, &ms, &mo, b->e))
        return -1;
    ns_moe_relabel(b->w, mo.first_row, p * b->lps + k + 1, bw);
    for (uint32_t j = 0; j < b->nd; j++) {
        uint32_t r = rank_of(b, d0 + j, p, 0);
        if (on_rank(b, r, mo.start_op))
            return -1;
        b->last[r] = b->last_compute[r] = mo.done_op;
        b->busy[r] += ms.attention_ps + (ns_time)b->etok[j] * tok;
        if (bw && compute(b, r, 2 * attn, "bwd"))
            return -1;
    }
    return 0;
}

/* micro-batch m's forward (bw = 0) or backward pass through stage p of the
 * replicas d0 .. d0 + nd - 1 (one, or an expert-parallel group) */
static int
stage_pass(builder *b, uint32_t d0, uint32_t p, uint32_t m, int bw)
{
    const ns_training_spec *s = b->s;
    for (uint32_t d = d0; d < d0 + b->nd; d++)
        for (uint32_t t = 0; t < s->tp; t++)
            b->pfirst[rank_of(b, d, p, t)] = NONE;
    ns_time whole = ns_training_forward_ps(s, 0), attn = ns_training_forward_ps(s, 1),
            mlp = ns_training_forward_ps(s, 2);
    for (uint32_t i = 0; i < b->lps; i++) {
        uint32_t k = bw ? b->lps - 1 - i : i;
        b->cur_layer = k;
        b->cur_bw = bw;
        if (is_moe(b, p, k)) {
            if (moe_layer(b, d0, p, k, bw))
                return -1;
        } else {
            for (uint32_t d = d0; d < d0 + b->nd; d++) {
                uint32_t r0 = rank_of(b, d, p, 0);
                int rc = s->tp == 1 ? compute(b, r0, bw ? 2 * whole : whole, bw ? "bwd" : "fwd")
                       : !bw ? tp_part(b, d, p, attn, "fwd") || tp_part(b, d, p, mlp, "fwd")
                             : tp_part(b, d, p, 2 * mlp, "bwd") || tp_part(b, d, p, 2 * attn, "bwd");
                if (rc)
                    return -1;
            }
        }
        if (bw && m == b->M - 1)
            for (uint32_t d = d0; d < d0 + b->nd; d++)
                for (uint32_t t = 0; t < s->tp; t++) {
                    uint32_t r = rank_of(b, d, p, t);
                    b->grad[(size_t)r * b->lps + k] = b->last[r];
                }
    }
    for (uint32_t d = d0; d < d0 + b->nd; d++)
        for (uint32_t t = 0; t < s->tp; t++) {
            uint32_t r = rank_of(b, d, p, t);
            pass *ps = bw ? &b->bw[(size_t)r * b->M + m] : &b->fw[(size_t)r * b->M + m];
            ps->first = b->pfirst[r];
            ps->last = b->last[r];
        }
    return 0;
}

/* the stage's passes in the order of the schedule, for replicas d .. d + nd - 1 */
static int
stage_schedule(builder *b, uint32_t d, uint32_t p)
{
    const ns_training_spec *s = b->s;
    uint32_t M = b->M;
    if (s->schedule == NS_PIPE_GPIPE) {
        for (uint32_t m = 0; m < M; m++)
            if (stage_pass(b, d, p, m, 0))
                return -1;
        for (uint32_t m = 0; m < M; m++)
            if (stage_pass(b, d, p, m, 1))
                return -1;
        return 0;
    }
    uint32_t warm = s->pp - 1 - p < M ? s->pp - 1 - p : M;
    for (uint32_t m = 0; m < warm; m++)
        if (stage_pass(b, d, p, m, 0))
            return -1;
    for (uint32_t i = 0; i + warm < M; i++)
        if (stage_pass(b, d, p, warm + i, 0) || stage_pass(b, d, p, i, 1))
            return -1;
    for (uint32_t m = M - warm; m < M; m++)
        if (stage_pass(b, d, p, m, 1))
            return -1;
    return 0;
}

/* activations forward and gradients backward between the stages */
static int
pipeline_transfers(builder *b)
{
    const ns_training_spec *s = b->s;
    uint64_t bytes = s->batch * s->seq * s->hidden * s->dtype_bytes / s->tp;
    if (bytes == 0)
        bytes = 1;
    for (uint32_t d = 0; d < s->dp; d++)
        for (uint32_t p = 0; p + 1 < s->pp; p++)
            for (uint32_t t = 0; t < s->tp; t++) {
                uint32_t a = rank_of(b, d, p, t), c = rank_of(b, d, p + 1, t);
                for (uint32_t m = 0; m < b->M; m++) {
                    const pass *fa = &b->fw[(size_t)a * b->M + m], *fc = &b->fw[(size_t)c * b->M + m];
                    const pass *ba = &b->bw[(size_t)a * b->M + m], *bc = &b->bw[(size_t)c * b->M + m];
                    long x = ns_wl_transfer(b->w, s->hosts[a], s->hosts[c], bytes, "pp", b->e);
                    if (x < 0 || ns_wl_after(b->w, (uint32_t)x, fa->last, b->e) ||
                        ns_wl_after(b->w, fc->first, (uint32_t)x, b->e))
                        return -1;
                    x = ns_wl_transfer(b->w, s->hosts[c], s->hosts[a], bytes, "pp", b->e);
                    if (x < 0 || ns_wl_after(b->w, (uint32_t)x, bc->last, b->e) ||
                        ns_wl_after(b->w, ba->first, (uint32_t)x, b->e))
                        return -1;
                }
            }
    return 0;
}

/* bytes the ranks of group (p, t) sent in collective co */
static void
count_sent(builder *b, const ns_coll_ops *co, uint32_t p, uint32_t t)
{
    const ns_training_spec *s = b->s;
    for (uint32_t op = co->start_op; op <= co->done_op; op++) {
        const ns_op *o = &b->w->ops[op];
        if (o->kind == NS_OP_TRANSFER)
            for (uint32_t d = 0; d < s->dp; d++)
                if (o->node == s->hosts[rank_of(b, d, p, t)])
                    b->sent[rank_of(b, d, p, t)] += o->bytes;
    }
}

/* a collective over the dp replicas of (p, t): allreduce, reduce-scatter or allgather */
static int
dp_coll(builder *b, uint32_t p, uint32_t t, int kind, uint64_t bytes, ns_coll_ops *co)
{
    const ns_training_spec *s = b->s;
    for (uint32_t d = 0; d < s->dp; d++)
        b->group[d] = s->hosts[rank_of(b, d, p, t)];
    int rc = kind == 0 ? ns_wl_allreduce(b->w, b->group, s->dp, bytes, s->algorithm, 1, "dp", co, b->e)
           : kind == 1 ? ns_wl_reducescatter(b->w, b->group, s->dp, bytes, s->algorithm, 1, "dp", co, b->e)
                       : ns_wl_allgather(b->w, b->group, s->dp, bytes, s->algorithm, 1, "dp", co, b->e);
    if (rc)
        return -1;
    count_sent(b, co, p, t);
    return 0;
}

/* a bucket's expert gradients of (p, t): over each group of the dp / ep
 * replicas that hold the same experts (d mod ep the same), once the
 * bucket's last layer k is done; each rank's step ends after its group's */
static int
expert_colls(builder *b, uint32_t p, uint32_t t, uint64_t bytes, uint32_t k)
{
    const ns_training_spec *s = b->s;
    uint32_t g = s->dp / s->ep;
    for (uint32_t j = 0; j < s->ep; j++) {
        for (uint32_t i = 0; i < g; i++)
            b->group[i] = s->hosts[rank_of(b, j + i * s->ep, p, t)];
        ns_coll_ops co;
        if (ns_wl_allreduce(b->w, b->group, g, bytes, s->algorithm, 1, "ep-dp", &co, b->e))
            return -1;
        count_sent(b, &co, p, t);
        for (uint32_t i = 0; i < g; i++) {
            uint32_t r = rank_of(b, j + i * s->ep, p, t);
            if (ns_wl_after(b->w, co.start_op, b->grad[(size_t)r * b->lps + k], b->e) ||
                ns_wl_after(b->w, b->ends[r], co.done_op, b->e))
                return -1;
        }
    }
    return 0;
}

/* the data-parallel buckets of (p, t): their allreduces (ZeRO: reduce-scatters,
 * and for ZeRO-1 and 2 the allgather of the updated weights), and each rank's
 * end of step after them */
static int
dp_buckets(builder *b, uint32_t p, uint32_t t)
{
    const ns_training_spec *s = b->s;
    uint64_t per_layer = s->params / s->layers / s->tp * s->dtype_bytes, acc = 0, eacc = 0;
    /* an MoE layer: the attention's third of the weights, and experts / ep experts of the MLP's two thirds */
    uint64_t pl = s->params / s->layers, attn_b = pl / 3 * s->dtype_bytes;
    uint64_t exp_b = s->experts ? (uint64_t)(s->experts / s->ep) * (pl - pl / 3) * s->dtype_bytes : 0;
    long gather = -1;        /* ZeRO-1, 2: the allgather's start marker */
    ns_coll_ops ag;
    if (s->zero == 1 || s->zero == 2) {
        if (dp_coll(b, p, t, 2, per_layer * b->lps, &ag))
            return -1;
        gather = ag.start_op;
        for (uint32_t d = 0; d < s->dp; d++)
            if (ns_wl_after(b->w, b->ends[rank_of(b, d, p, t)], ag.done_op, b->e))
                return -1;
    }
    for (uint32_t i = 0; i < b->lps; i++) {
        uint32_t k = b->lps - 1 - i;          /* backward order */
        if (!is_moe(b, p, k))
            acc += per_layer;
        else if (s->ep == 1)                   /* every replica holds every expert */
            acc += attn_b + exp_b;
        else {
            acc += attn_b;
            eacc += exp_b;
        }
        if (acc + eacc < s->bucket_bytes && k > 0)
            continue;
        if (eacc && s->dp / s->ep > 1 && expert_colls(b, p, t, eacc, k))
            return -1;
        eacc = 0;
        ns_coll_ops co;
        if (dp_coll(b, p, t, s->zero ? 1 : 0, acc, &co))
            return -1;
        for (uint32_t d = 0; d < s->dp; d++) {
            uint32_t r = rank_of(b, d, p, t);
            if (ns_wl_after(b->w, co.start_op, b->grad[(size_t)r * b->lps + k], b->e) ||
                ns_wl_after(b->w, b->ends[r], co.done_op, b->e))
                return -1;
        }
        if (gather >= 0 && ns_wl_after(b->w, (uint32_t)gather, co.done_op, b->e))
            return -1;
        acc = 0;
    }
    return 0;
}

/* ZeRO-3: the allgathers of each layer's weights of (p, t) for this step,
 * forward ones in layer order, then backward ones in reverse, each after
 * the previous (the first after the ranks' previous step, or `start`) */
static int
zero3_gathers(builder *b, uint32_t p, uint32_t t, uint32_t start)
{
    const ns_training_spec *s = b->s;
    uint64_t per_layer = s->params / s->layers / s->tp * s->dtype_bytes;
    uint32_t g = p * s->tp + t, prev = NONE;
    for (uint32_t i = 0; i < 2 * b->lps; i++) {
        int bw = i >= b->lps;
        uint32_t k = bw ? 2 * b->lps - 1 - i : i;
        ns_coll_ops co;
        if (dp_coll(b, p, t, 2, per_layer, &co))
            return -1;
        if (prev != NONE) {
            if (ns_wl_after(b->w, co.start_op, prev, b->e))
                return -1;
        } else {
            for (uint32_t d = 0; d < s->dp; d++) {
                uint32_t r = rank_of(b, d, p, t);
                if (ns_wl_after(b->w, co.start_op, b->last[r] != NONE ? b->last[r] : start, b->e))
                    return -1;
            }
        }
        (bw ? b->ag_b : b->ag_f)[(size_t)g * b->lps + k] = co.done_op;
        prev = co.done_op;
    }
    return 0;
}

static int
one_step(builder *b, uint32_t step, uint32_t start)
{
    const ns_training_spec *s = b->s;
    for (uint32_t r = 0; r < b->n; r++) {
        b->first[r] = NONE;
        b->sent[r] = 0;
        b->busy[r] = 0;
    }
    if (s->zero == 3)
        for (uint32_t p = 0; p < s->pp; p++)
            for (uint32_t t = 0; t < s->tp; t++)
                if (zero3_gathers(b, p, t, start))
                    return -1;
    for (uint32_t d = 0; d < s->dp; d += b->nd)
        for (uint32_t p = 0; p < s->pp; p++)
            if (stage_schedule(b, d, p))
                return -1;
    if (pipeline_transfers(b))
        return -1;
    for (uint32_t r = 0; r < b->n; r++) {
        long end = ns_wl_marker(b->w, "step", b->e);
        if (end < 0 || ns_wl_after(b->w, (uint32_t)end, b->last[r], b->e))
            return -1;
        b->ends[r] = (uint32_t)end;
        /* the step's first op waits for the start (step 1) or for the rank's previous step */
        if (step == 1 && ns_wl_after(b->w, b->first[r], start, b->e))
            return -1;
    }
    if (s->dp > 1)
        for (uint32_t p = 0; p < s->pp; p++)
            for (uint32_t t = 0; t < s->tp; t++)
                if (dp_buckets(b, p, t))
                    return -1;
    for (uint32_t r = 0; r < b->n; r++) {
        uint32_t begin = step == 1 ? start : b->last[r];   /* the training's start, or its previous step's end */
        ns_iter it = { r + 1, step, begin, b->last_compute[r], b->ends[r], b->sent[r], b->busy[r] };
        if (ns_train_add_iter(b->w, &it, b->e) < 0)
            return -1;
        b->last[r] = b->ends[r];
    }
    return 0;
}

static int
check_spec(const ns_training_spec *s, ns_err *e)
{
    if (!s->tp || !s->pp || !s->dp || !s->microbatches || !s->steps || !s->layers)
        return ns_errorf(e, NS_EINVAL, "training: tp, pp, dp, microbatches, steps and layers must be >= 1");
    if (s->layers % s->pp)
        return ns_errorf(e, NS_EINVAL, "training: layers (%u) must be a multiple of pp (%u): each stage holds "
                         "layers / pp of them", s->layers, s->pp);
    if (s->params < s->layers)
        return ns_errorf(e, NS_EINVAL, "training: params (%llu) must be at least one per layer",
                         (unsigned long long)s->params);
    if (!(s->flops > 0) || !(s->efficiency > 0) || s->efficiency > 1)
        return ns_errorf(e, NS_EINVAL, "training: gpu flops must be > 0 and efficiency in (0, 1]");
    if (s->ep < 1 || s->dp % s->ep)
        return ns_errorf(e, NS_EINVAL, "training: ep (%u) must divide dp (%u): an expert-parallel group is ep "
                         "data-parallel replicas", s->ep, s->dp);
    if (!s->experts && s->ep > 1)
        return ns_errorf(e, NS_EINVAL, "training: ep = %u needs experts (model.moe)", s->ep);
    if (s->experts) {
        if (s->experts % s->ep)
            return ns_errorf(e, NS_EINVAL, "training: model.moe.experts (%u) must be a multiple of ep (%u): each "
                             "rank of a group holds experts / ep of them", s->experts, s->ep);
        if (s->top_k < 1 || s->top_k > s->experts)
            return ns_errorf(e, NS_EINVAL, "training: model.moe.top_k must be between 1 and experts = %u (got %u)",
                             s->experts, s->top_k);
        if (s->moe_every < 1)
            return ns_errorf(e, NS_EINVAL, "training: model.moe.every must be >= 1");
        if (s->tp > 1)
            return ns_errorf(e, NS_EINVAL, "training: model.moe with tp = %u is not supported yet (experts split "
                             "over tensor-parallel ranks): use tp = 1 with ep", s->tp);
        if (s->zero)
            return ns_errorf(e, NS_EINVAL, "training: model.moe with zero = %d is not supported yet (sharded "
                             "expert states): use zero = 0", s->zero);
    }
    return NS_OK;
}

int
ns_wl_training(ns_workload *w, const ns_training_spec *s, uint32_t *start_op, uint32_t *done_op, ns_err *e)
{
    int rc = check_spec(s, e);
    if (rc)
        return rc;
    builder b;
    memset(&b, 0, sizeof b);
    b.w = w;
    b.s = s;
    b.e = e;
    b.n = s->tp * s->pp * s->dp;
    b.lps = s->layers / s->pp;
    b.M = s->microbatches;
    b.nd = s->experts ? s->ep : 1;
    /* ops, roughly: the computes, the collectives' ops, the pipeline's transfers */
    uint64_t per_step = (uint64_t)b.n * b.M * b.lps * 2 * (s->tp > 1 ? 2 : 1);
    uint64_t tp_colls = s->tp > 1 ? (uint64_t)s->dp * s->pp * b.M * b.lps * 4 : 0;
    uint64_t tp_xfers = tp_colls * 2 * s->tp * (s->tp - 1);
    uint64_t pp_xfers = (uint64_t)s->dp * (s->pp - 1) * s->tp * b.M * 2;
    uint64_t dp_xfers = s->dp > 1 ? (uint64_t)s->pp * s->tp * b.lps * 2 * s->dp * (s->dp - 1) : 0;
    uint64_t xfers = s->steps * (tp_xfers + pp_xfers + dp_xfers);
    uint64_t nops = s->steps * (per_step + tp_colls * (2 + 2 * s->tp) + b.n) + xfers + 2;
    if ((rc = ns_wl_reserve(w, nops, 3 * nops, xfers, "training", e)))
        return rc;
    size_t n = b.n, nl = (size_t)n * b.lps, nm = (size_t)n * b.M;
    size_t ng = s->tp > s->dp ? s->tp : s->dp;
    b.last = ns_alloc(n * sizeof *b.last);
    b.first = ns_alloc(n * sizeof *b.first);
    b.pfirst = ns_alloc(n * sizeof *b.pfirst);
    b.last_compute = ns_alloc(n * sizeof *b.last_compute);
    b.ends = ns_alloc(n * sizeof *b.ends);
    b.sent = ns_alloc(n * sizeof *b.sent);
    b.busy = ns_alloc(n * sizeof *b.busy);
    size_t ngl = (size_t)s->pp * s->tp * b.lps;
    b.ag_f = ns_alloc(ngl * sizeof *b.ag_f);
    b.ag_b = ns_alloc(ngl * sizeof *b.ag_b);
    b.grad = ns_alloc(nl * sizeof *b.grad);
    b.fw = ns_alloc(nm * sizeof *b.fw);
    b.bw = ns_alloc(nm * sizeof *b.bw);
    b.group = ns_alloc(ng * sizeof *b.group);
    b.ehosts = ns_alloc(b.nd * sizeof *b.ehosts);
    b.etok = ns_alloc(b.nd * sizeof *b.etok);
    ns_wl_mark mark = ns_wl_mark_take(w);
    if (!b.last || !b.first || !b.pfirst || !b.last_compute || !b.ends || !b.sent || !b.busy || !b.ag_f ||
        !b.ag_b || !b.grad || !b.fw || !b.bw || !b.group || !b.ehosts || !b.etok) {
        rc = ns_enomem(e, "training");
        goto out;
    }
    long start = ns_wl_marker(w, s->label ? s->label : "training", e);
    if (start < 0)
        goto fail;
    for (uint32_t r = 0; r < n; r++)
        b.last[r] = b.last_compute[r] = b.pfirst[r] = NONE;
    for (uint32_t step = 1; step <= s->steps; step++)
        if (one_step(&b, step, (uint32_t)start))
            goto fail;
    long done = ns_wl_marker(w, s->label ? s->label : "training", e);
    if (done < 0)
        goto fail;
    for (uint32_t r = 0; r < n; r++)
        if (ns_wl_after(w, (uint32_t)done, b.last[r], e))
            goto fail;
    *start_op = (uint32_t)start;
    *done_op = (uint32_t)done;
    rc = NS_OK;
    goto out;
fail:
    rc = e->code ? e->code : NS_EINVAL;
    ns_wl_rollback(w, &mark);
out:
    ns_free(b.last);
    ns_free(b.first);
    ns_free(b.pfirst);
    ns_free(b.last_compute);
    ns_free(b.ends);
    ns_free(b.sent);
    ns_free(b.busy);
    ns_free(b.ag_f);
    ns_free(b.ag_b);
    ns_free(b.grad);
    ns_free(b.fw);
    ns_free(b.bw);
    ns_free(b.group);
    ns_free(b.ehosts);
    ns_free(b.etok);
    return rc;
}
