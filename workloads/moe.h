/*
 * moe.h - Mixture-of-Experts layers as task graphs (workloads/moe.c).
 *
 * `experts` experts live on `hosts` (round robin, or a placement). In every
 * layer each host holds `tokens` tokens; each token is routed to `top_k`
 * distinct experts drawn in proportion to the layer's expert popularity
 * (uniform, Zipf with a random ranking per layer, or Dirichlet per layer),
 * at most `max_nodes` distinct hosts per token when that is set. An expert
 * takes at most its capacity, floor(capacity_factor x n x tokens x top_k /
 * experts) token-expert assignments per layer (tokens in order: token 1 of
 * every host, then token 2, ...); the rest are dropped and counted.
 *
 * A layer is: attention compute on every host; the dispatch alltoall (every
 * accepted assignment carries hidden x dtype_bytes bytes from the token's
 * host to the expert's host; with per_host dispatch a token crosses once to
 * each other host that accepted any of its assignments, which hands it to
 * its experts; nothing crosses the network to the own host; with two_stage
 * dispatch, as DeepEP's internode kernels, a token crosses the NIC once to
 * each other server that accepted any of its assignments, to the GPU there
 * with its own GPU index (its rail), and that GPU forwards it over NVLink to
 * each other GPU of its server that accepted it (a token goes straight to
 * the GPUs of its own server): two alltoalls, "dispatch" then
 * "dispatch-fwd", and for the combine "combine-gather" then "combine");
 * expert compute on every host that holds experts, per_token for each
 * assignment it received; the combine alltoall (the transpose); then the
 * next layer. The backward pass goes through the layers in reverse order,
 * with the same routing: an alltoall in the dispatch direction (gradients
 * of the combine), twice the expert compute, an alltoall in the combine
 * direction, twice the attention compute.
 *
 * Each layer and pass is recorded as an ns_moe_layer in the workload's
 * ns_moe_results set, for /moe_layers. Draws come from the
 * stream (w->seed, NS_RNG_MOE, index of this w:moe among the workload's).
 * A failed call leaves the workload as it was.
 * Cost: O(layers x n x tokens x top_k x log experts) time while building.
 */
#ifndef NS_MOE_H
#define NS_MOE_H

#include <stddef.h>
#include <stdint.h>
#include "sim/error.h"
#include "sim/results.h"
#include "sim/taskgraph.h"
#include "sim/time.h"

enum { NS_SKEW_UNIFORM = 0, NS_SKEW_ZIPF, NS_SKEW_DIRICHLET };
/* what the dispatch sends: a copy of a token per accepted assignment, or one
 * per host that accepted any (node-level deduplication, as DeepEP does) */
enum { NS_MOE_PER_EXPERT = 0, NS_MOE_PER_HOST, NS_MOE_TWO_STAGE };

typedef struct ns_moe_spec {
    const uint32_t *hosts;        /* distinct host ids, borrowed */
    size_t          n;
    uint32_t        experts;      /* >= 1 */
    uint32_t        top_k;        /* 1 .. experts */
    uint64_t        tokens;       /* per host per layer, >= 1 */
    uint64_t        hidden;       /* values per token, >= 1 */
    uint64_t        dtype_bytes;  /* bytes per value, >= 1 */
    uint32_t        layers;       /* >= 1 */
    int             skew;         /* NS_SKEW_* */
    double          skew_param;   /* Zipf exponent s >= 0, or Dirichlet alpha > 0 */
    double          capacity_factor;  /* > 0, or 0 for no capacity limit */
    const uint32_t *placement;    /* host id of each expert (one of hosts), or NULL: round robin */
    uint32_t        max_nodes;    /* distinct hosts a token may reach; 0 = no limit */
    ns_time         attention_ps; /* forward attention compute per host per layer */
    ns_time         per_token_ps; /* forward expert compute per assignment received */
    int             backward;     /* 1: add the backward pass */
    int             dispatch;     /* NS_MOE_PER_EXPERT, NS_MOE_PER_HOST or NS_MOE_TWO_STAGE */
    uint32_t        gpus_per_server;  /* two_stage: host id h is GPU (h-1) % G of server (h-1) / G;
                                     the hosts are whole servers; max_nodes counts servers */
    const char     *label;        /* label of the start and done markers, or NULL for "moe" */
    uint64_t       *tokens_out;   /* NULL, or room for layers x n: assignments each host
                                     received in each layer (filled; OUT) */
} ns_moe_spec;

/* one pass (forward or backward) through one layer of a w:moe: a row of /moe_layers */
typedef struct ns_moe_layer {
    uint32_t moe;             /* which w:moe of the workload, 0-based */
    uint32_t layer;           /* 1-based */
    uint32_t backward;        /* 0: forward pass, 1: backward pass */
    int32_t  dispatch_coll;   /* row of colls: the alltoall towards the experts */
    int32_t  combine_coll;    /* row of colls: the alltoall back */
    uint32_t dispatch_start, dispatch_done;   /* their start and done markers */
    uint32_t combine_start, combine_done;
    uint64_t tokens_max;      /* most token-expert assignments one host received */
    double   tokens_mean;     /* their mean over the hosts that hold experts */
    double   hosts_per_token; /* mean number of distinct hosts a token went to */
    uint64_t dropped;         /* assignments over an expert's capacity */
    uint64_t dispatch_bytes;  /* bytes the dispatch moves between distinct hosts */
} ns_moe_layer;

/* the result table of MoE layers (workloads/moe_results.c): /moe_layers,
 * one row per ns_moe_layer, with the times of its alltoalls */
extern const ns_result_kind ns_moe_results;

/* w's ns_moe_layer records: *n of them (NULL and 0 without) */
const ns_moe_layer *ns_moe_layers(const ns_workload *w, size_t *n);

/* set the layer number and the pass of row `row` of /moe_layers (w:training
 * builds its MoE layers one call of ns_wl_moe at a time) */
void ns_moe_relabel(ns_workload *w, size_t row, uint32_t layer, int backward);

typedef struct ns_moe_ops {
    uint32_t start_op;   /* marker: make it wait for what the MoE comes after */
    uint32_t done_op;    /* marker: done after the last layer (of the backward pass if any) */
    size_t   first_row;  /* its rows in ns_moe_layers(): [first_row, first_row + nrows) */
    size_t   nrows;
} ns_moe_ops;

int ns_wl_moe(ns_workload *w, const ns_moe_spec *s, ns_moe_ops *out, ns_err *e);

#endif
