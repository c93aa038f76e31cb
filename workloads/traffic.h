/*
 * traffic.h - open-loop traffic as task graphs: Poisson background flows
 * (workloads/background.c) and the replay of a flow trace
 * (workloads/replay.c).
 *
 * Messages start with the builder's name ("replay: trace.csv:4:7: ...").
 *
 * Both place each flow at its start time with a chain of delay ops (one
 * pending timer at a time, whatever the number of flows): a "start" marker
 * (which the caller makes wait for whatever the traffic comes after), then
 * delay, delay, ... each followed by the transfers that start when it
 * ends, and a "done" marker that completes when every transfer has.
 * Times are relative to the start marker.
 */
#ifndef NS_TRAFFIC_H
#define NS_TRAFFIC_H

#include <stddef.h>
#include <stdint.h>
#include "sim/error.h"
#include "sim/taskgraph.h"
#include "sim/time.h"

typedef struct ns_cdf ns_cdf;

/* one flow of open-loop traffic */
typedef struct ns_timed_flow {
    ns_time  t_ps;                /* start, from the start marker */
    uint32_t src, dst;            /* host ids >= 1 */
    uint64_t bytes;
    char     label[NS_LABEL_MAX]; /* "" for none */
} ns_timed_flow;

typedef struct ns_traffic_ops {
    uint32_t start_op;   /* marker: make it wait for what the traffic comes after */
    uint32_t done_op;    /* marker: done when every flow is */
    size_t   flows;      /* transfers made */
    uint64_t bytes;      /* their total size */
} ns_traffic_ops;

/* build flows[0..n) as described above (times in any order; the transfers
 * are made in array order, flows at equal times share a delay op) */
int ns_wl_timed_flows(ns_workload *w, const ns_timed_flow *flows, size_t n, ns_traffic_ops *out, ns_err *e);

/*
 * Poisson background traffic. Each host h of hosts[0..n) (n >= 2, distinct)
 * starts flows as a Poisson process of rate
 *     lambda_h = load * rate_bps[h] / (8 * mean flow size)   flows per second,
 * so the bytes it offers are `load` times its NIC rate; the whole set of
 * hosts starts flows at lambda = sum of lambda_h (drawn as one process whose
 * source is h with probability rate_bps[h] / sum of rates). A flow goes to a
 * host drawn uniformly among the n - 1 others, its size drawn from `sizes`.
 * Arrivals fall in [0, until_ps). Draws come from the stream
 * (w->seed, NS_RNG_BACKGROUND, rank of this call among the workload's w:background).
 */
typedef struct ns_background_spec {
    const uint32_t *hosts;      /* borrowed */
    size_t          n;
    const uint64_t *rate_bps;   /* NIC rate of each host, borrowed */
    double          load;       /* 0 < load < 1 */
    const ns_cdf   *sizes;      /* borrowed */
    ns_time         until_ps;   /* > 0 */
    const char     *label;      /* label of the transfers, or NULL */
} ns_background_spec;

int ns_wl_background(ns_workload *w, const ns_background_spec *s, ns_traffic_ops *out, ns_err *e);

/*
 * Replay a CSV trace: lines "time,src,dst,bytes[,label]" (time in seconds
 * or with a unit, bytes with or without a unit, hosts by id >= 1), an
 * optional header line starting with "time", '#' comment lines and blank
 * lines. Each line becomes a transfer starting at its time. `where` names
 * the text in messages: "trace.csv:LINE:COLUMN: field: problem".
 * `label` is used for lines without one.
 */
int ns_wl_replay(ns_workload *w, const char *text, const char *where, const char *label,
                 ns_traffic_ops *out, ns_err *e);
/* read a file and replay it (NS_EIO if it cannot be read) */
int ns_wl_replay_file(ns_workload *w, const char *path, const char *label, ns_traffic_ops *out, ns_err *e);

#endif
