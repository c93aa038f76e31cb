/*
 * training.h - one or more training steps of a transformer as a task graph,
 * layer by layer (w:training, workloads/training.c).
 *
 * Ranks: tp x pp x dp GPUs, rank r = (d pp + p) tp + t on hosts[r] (tensor
 * parallel ranks next to each other, as in a server, then the pipeline
 * stages, then the data-parallel replicas). Stage p holds layers
 * [p L/pp, (p + 1) L/pp). Per layer and micro-batch of b sequences of s
 * tokens, the forward pass costs 2 P_l b s + 4 b s^2 h FLOPs (weights, and
 * attention scores and context), the backward pass twice that; a tensor
 * parallel rank does 1/tp of them, at flops x efficiency. Times are rounded
 * to the picosecond.
 *
 * Tensor parallelism (tp > 1), Megatron-style: a layer's forward is its
 * attention block (1/3 of the weight FLOPs, all of the attention FLOPs)
 * then an allreduce of b s h x dtype bytes over the layer's tp ranks, then
 * its MLP (2/3 of the weight FLOPs) and another allreduce; the backward
 * pass runs the MLP, an allreduce, the attention block, an allreduce.
 * Pipeline parallelism: after a micro-batch's forward on a stage, each tp
 * rank sends b s h x dtype / tp bytes of activations to the same tp rank of
 * the next stage; after its backward, as many bytes of gradients to the
 * previous stage. Each GPU runs its stage's micro-batches in the order of
 * the schedule: GPipe, every forward then every backward; 1F1B, pp - 1 - p
 * forwards, then one forward and one backward in turn, then the backwards
 * left (Narayanan et al., 2021). Data parallelism (dp > 1), as PyTorch
 * DDP: the gradients of a stage's layers, in backward order, are packed
 * into buckets of bucket_bytes (the last bucket smaller); a bucket's
 * allreduce over the dp replicas of the rank starts once the last
 * micro-batch's backward has made all its gradients, while the backward
 * pass goes on; the next step starts on a GPU when its buckets are reduced.
 * ZeRO (zero = 1, 2): each bucket is reduce-scattered instead (each
 * replica keeps the reduced shard it updates), and once all are, the
 * stage's updated parameters are allgathered (P/L/tp x dtype bytes a layer)
 * before the next step: DDP's bytes, in two collectives. ZeRO-3 (FSDP):
 * parameters stay sharded; each layer's weights are allgathered before
 * its forward passes of the step and again before its backward passes,
 * one layer after another ahead of the compute (prefetch: a layer's gather
 * starts when the previous layer's is done), gradients reduce-scattered in
 * buckets as with ZeRO-1: 1.5 times DDP's bytes.
 *
 * Expert parallelism (model.moe, ep): in an MoE layer the MLP is `experts`
 * experts of the MLP's size and each token goes to top_k of them, drawn as
 * w:moe draws them (skew, capacity_factor). The ep replicas d of a group
 * (d / ep the same; tp = 1) share a layer's experts, experts / ep each
 * (round robin), so a layer's forward on a micro-batch is, over the group,
 * w:moe's layer: attention on every rank, the dispatch alltoall (a copy of
 * b s h x dtype / (b s) bytes per token and expert on another rank), each
 * expert's compute (ns_training_expert_token_ps a token), the combine
 * alltoall; its backward: an alltoall in the dispatch direction, twice the
 * expert compute, one in the combine direction, then twice the attention
 * (each pass draws its routing). Gradients: the attention's are reduced
 * over the dp replicas, the experts' (experts / ep experts of 2/3 of the
 * layer's weights each) over the dp / ep replicas holding the same experts,
 * in the same buckets. With ep = 1 every replica holds every expert.
 *
 * With tp_analytic, a tensor-parallel allreduce is a delay op of
 * ns_training_tp_ring_ps that the group's ranks wait for (exact when
 * nothing else crosses the server's NVLink, as with rails and no PXN).
 *
 * One ns_iter per rank and step (/iterations): the step begins at the
 * training's start marker (step 1) or at the end of the rank's previous
 * step, its compute ends with its last compute op, the step with its
 * buckets reduced; its compute time is the sum of its compute ops, so that
 * pipeline bubbles and exposed communication count as waiting.
 */
#ifndef NS_TRAINING_H
#define NS_TRAINING_H

#include <stddef.h>
#include <stdint.h>
#include "sim/error.h"
#include "sim/taskgraph.h"

enum { NS_PIPE_1F1B = 0, NS_PIPE_GPIPE = 1 };
extern const char *const ns_pipe_schedule_names[];   /* "1f1b", "gpipe", NULL */

typedef struct ns_training_spec {
    const uint32_t *hosts;      /* tp x pp x dp distinct host ids (borrowed) */
    uint32_t tp, pp, dp;
    uint32_t layers;            /* a multiple of pp */
    uint64_t hidden, seq, batch;/* batch: sequences per micro-batch */
    uint64_t params;            /* of the whole model (its transformer layers) */
    uint32_t dtype_bytes;       /* of activations and gradients */
    double   flops, efficiency; /* a GPU's peak FLOP/s and the share reached */
    uint32_t microbatches;
    int      schedule;          /* NS_PIPE_* */
    uint64_t bucket_bytes;      /* DDP's gradient bucket */
    int      zero;              /* ZeRO stage 0 (DDP), 1, 2 or 3 */
    uint32_t steps;
    int      algorithm;         /* of the allreduces (collectives.h) */
    const char *label;
    /* mixture of experts (model.moe; experts = 0: a dense model) */
    uint32_t experts, top_k;    /* experts per MoE layer, experts a token goes to */
    uint32_t moe_every;         /* layers k, 2k, ... (1-based) are MoE layers; 1: every layer */
    int      skew;              /* NS_SKEW_* of moe.h */
    double   skew_param, capacity_factor;
    uint32_t ep;                /* expert parallelism: an MoE layer's experts spread over ep replicas */
    /* tp_comm = "analytic": each tensor-parallel allreduce is one delay op of
     * the time its ring takes alone on the server's NVLink (the flow model's
     * time to the picosecond), instead of its 2 (tp - 1) tp transfers */
    int      tp_analytic;
    uint64_t nvl_rate_bps;      /* NVLink rate, up and down */
    ns_time  nvl_lat_ps;        /* latency up plus latency down */
    uint32_t mss, header;       /* the fabric's payload and header bytes per packet */
} ns_training_spec;

/* the time of a ring allreduce of `bytes` over n GPUs of one server alone
 * on its NVLink: 2 (n - 1) steps of the largest chunk, ceil(bytes / n), each
 * its wire bytes at the NVLink rate, the two latencies and the scale-up
 * switch's store-and-forward of the first packet */
ns_time ns_training_tp_ring_ps(const ns_training_spec *s, uint64_t bytes, uint32_t n);

/* the time (ps) of one token through one expert (the MLP's 2/3 of the
 * layer's weights) in the forward pass; the backward takes twice that */
ns_time ns_training_expert_token_ps(const ns_training_spec *s);

/* the time (ps) of one layer's forward pass on one tensor-parallel rank;
 * the backward pass takes twice that (each part rounded on its own) */
ns_time ns_training_forward_ps(const ns_training_spec *s, int part);   /* part: 0 whole, 1 attention, 2 MLP */

/*
 * Append the steps to w: NS_OK with *start_op (a marker the first ops wait
 * for: make it wait for what the training comes after) and *done_op (a
 * marker done when every GPU's last step is), or an error in e (the
 * workload unchanged).
 */
int ns_wl_training(ns_workload *w, const ns_training_spec *s, uint32_t *start_op, uint32_t *done_op, ns_err *e);

#endif
