/*
 * diloco.h - training schedules as task graphs (workloads/diloco.c): data
 * parallel (dp), DiLoCo and Streaming DiLoCo across groups of hosts
 * ("workers", typically one per datacenter).
 *
 * Every host of every worker computes each inner step; the workers
 * synchronise by allreduces across workers, sharded: the k-th hosts of all
 * workers form one allreduce group that moves 1/n of the bytes (n hosts
 * per worker, the same for every worker). The exact schedule of each mode
 * is in netsim-lua(5) under w:diloco.
 *
 * Records one ns_iter per (worker, inner step) in the workload's
 * ns_train_results set, for /iterations:
 * start_op is the step's first compute op on the worker's first host,
 * compute_op its last compute op there, end_op a marker that completes
 * when the worker may start its next step (its compute, its inner
 * allreduce, and every sync that must be merged before that step), and
 * bytes_sent the bytes the worker's hosts send in the syncs that start at
 * the end of that step. Workers are numbered after those already in the
 * workload. Raises the set's peak bandwidth to the schedule's peak.
 */
#ifndef NS_DILOCO_H
#define NS_DILOCO_H

#include <stddef.h>
#include <stdint.h>
#include "sim/error.h"
#include "sim/results.h"
#include "sim/taskgraph.h"

enum { NS_TRAIN_DP = 0, NS_TRAIN_DILOCO, NS_TRAIN_STREAMING };
extern const char *const ns_train_mode_names[];      /* "dp", "diloco", "streaming", NULL */
enum { NS_FRAG_STRIDED = 0, NS_FRAG_SEQUENTIAL };
extern const char *const ns_frag_pattern_names[];    /* "strided", "sequential", NULL */
enum { NS_STRAGGLER_NONE = 0, NS_STRAGGLER_LOGNORMAL, NS_STRAGGLER_GAMMA };

/* granularity of a streaming step: one compute block, or layer by layer */
enum { NS_GRAN_STEP = 0, NS_GRAN_LAYER = 1 };
extern const char *const ns_train_granularity_names[];   /* "step", "layer", NULL */

typedef struct ns_diloco_spec {
    const uint32_t *hosts;         /* nworkers x hosts_per_worker ids, worker by worker (borrowed) */
    uint32_t  nworkers, hosts_per_worker;
    uint64_t  params;              /* parameters of the model */
    uint32_t  layers;              /* >= 1; fragments are made of whole layers of equal size */
    uint32_t  bytes_per_param;     /* bytes of an exchanged value (gradient, parameter) */
    const ns_time *step_ps;        /* [nworkers]: compute time of one inner step (borrowed) */
    int       mode;                /* NS_TRAIN_* */
    uint32_t  inner_steps;         /* H; 1 for dp */
    uint32_t  outer_steps;         /* inner steps in all: inner_steps x outer_steps */
    uint32_t  buckets;             /* dp: gradient buckets, >= 1 */
    double    backward_fraction;   /* dp: share of the step that is the backward pass, [0, 1] */
    uint32_t  fragments;           /* streaming: P, 1 <= P <= layers */
    int       pattern;             /* streaming: NS_FRAG_* */
    uint32_t  overlap;             /* streaming: tau, < inner_steps */
    int       per_layer;           /* steps as forward and backward per layer (NS_GRAN_LAYER) */
    int       layer_syncs;         /* per_layer: every layer's values are a sync of their own, started when
                                    * its backward is done and merged before its forward; the syncs of a
                                    * shard run one after the other, in the order they start */
    uint32_t  quant_bits;          /* diloco, streaming: bits per exchanged value; 0: 8 x bytes_per_param */
    int       inner_allreduce;     /* allreduce the gradients inside each worker every step */
    int       algorithm;           /* of the cross-worker allreduces (NS_ALG_*) */
    int       straggler;           /* NS_STRAGGLER_*: step times multiplied by a random factor */
    double    straggler_sigma, straggler_mu;   /* lognormal: exp(N(mu, sigma^2)) */
    double    straggler_shape;     /* gamma: Gamma(shape, 1/shape), mean 1 */
    const char *label;             /* NULL: the mode's name */
} ns_diloco_spec;

/* one inner step of one worker of a training schedule: a row of /iterations */
typedef struct ns_iter {
    uint32_t worker, step;    /* 1-based */
    uint32_t start_op;        /* the op whose start begins the step */
    uint32_t compute_op;      /* the op whose finish ends the step's compute */
    uint32_t end_op;          /* the op whose finish ends the step (compute and any blocking sync) */
    uint64_t bytes_sent;      /* bytes this worker sent across workers during this step's syncs */
    ns_time  busy_ps;         /* its compute time, when not the span from the step's start to the end of
                               * its compute (w:training: the sum of its compute ops, so that pipeline
                               * bubbles count as waiting); 0: that span */
} ns_iter;

/*
 * The result tables of training schedules (workloads/diloco_results.c):
 * /iterations (one row per ns_iter), /workers (one row per worker), and the
 * summary's numbers workers, bytes_exchanged and peak_bandwidth_bps, with
 * compute_utilization taken over as the mean over workers of compute /
 * wall time, and its "training" line.
 */
extern const ns_result_kind ns_train_results;

/* w's ns_iter records: *n of them (NULL and 0 without) */
const ns_iter *ns_train_iters(const ns_workload *w, size_t *n);
/* workers numbered so far: the highest worker of w's records */
uint32_t ns_train_workers(const ns_workload *w);
/* the cross-worker rate, bit/s, at which every sync of the schedules of w
 * lasts its window (overlap steps, one step without overlap) */
double ns_train_peak_bandwidth(const ns_workload *w);
/* for builders: append a record (its index, or -1 with NS_ENOMEM in e), and
 * raise the peak bandwidth to bps */
long ns_train_add_iter(ns_workload *w, const ns_iter *it, ns_err *e);
void ns_train_raise_peak(ns_workload *w, double bps);

/*
 * Append the schedule to w. Returns NS_OK with the start marker (which the
 * caller makes wait for what the schedule comes after) and the done marker
 * (complete when every step and every sync is), or an error code with a
 * message in e, leaving w as it was.
 */
int ns_wl_diloco(ns_workload *w, const ns_diloco_spec *s, uint32_t *start_op, uint32_t *done_op, ns_err *e);

#endif
