/*
 * estimate.h - what a run needs, checked before it starts: memory (an
 * estimate, compared with what netsim may use on this machine) and the
 * ranges of the integer clock and counters (a run longer than the clock,
 * a transfer with more packets than a subflow can number).
 *
 * The memory estimate (bytes) adds up:
 *   fabric    nodes, links (twice: the builder's array and its sorted copy),
 *             forwarding tables (next-hop sets per switch and edge node) and
 *             igraph's distance matrix while they are computed;
 *   workload  ops, dependencies, labels, collectives, and the driver's state
 *             per op, per dependency and per transfer;
 *   model     the model's own estimate (its descriptor's, net.h) for the
 *             transfers of the widest level of the task graph alive at once:
 *             at packet level ports, hosts, per-node and per-route state,
 *             the subflows alive at once with their transport state, and the
 *             packets in flight (sim/packet/packet_net.c); at flow level per
 *             link and per subflow (sim/flow/flow_net.c);
 *   output    the HDF5 writer's row buffers and time-series rows;
 * plus 24 MiB for the program and its libraries. It is an estimate: an
 * incast into unlimited buffers holds more packets (the summary's
 * peak_packets reports what a run held).
 */
#ifndef NS_ESTIMATE_H
#define NS_ESTIMATE_H

#include <stddef.h>
#include <stdint.h>
#include "budget.h"
#include "error.h"

typedef struct ns_workload ns_workload;
typedef struct ns_run_cfg ns_run_cfg;

/* a built workload with the driver's state for it */
uint64_t ns_mem_workload(const ns_workload *wl, size_t nhosts);
/* ops and dependencies about to be added to a workload (builders of large
 * collectives check this first): theirs and the driver's state for them */
uint64_t ns_mem_ops(uint64_t nops, uint64_t ndeps, uint64_t ntransfers);

/*
 * Make room for `nops` more ops (`ntransfers` of them transfers) and `ndeps`
 * more dependencies, before a builder adds them: NS_OK, or NS_ENOMEM when
 * they (and the driver's state for them) would need more memory than netsim
 * may use, with the estimate in the message, before anything is allocated;
 * NS_EINVAL past the op limit (ns_wl_grow). `what` names the builder
 * ("alltoall"). Builders of large collectives call it first, so that 10^12
 * transfers are refused at once rather than after hours of building.
 */
int ns_wl_reserve(ns_workload *w, uint64_t nops, uint64_t ndeps, uint64_t ntransfers, const char *what,
                  ns_err *e);

/* the estimate of a run of wl on f with c */
void ns_mem_estimate(const ns_fabric *f, const ns_workload *wl, const ns_run_cfg *c, ns_mem_est *out);
/* "fabric 1.2 MB, workload 30 kB, packet model 4 MB, output 1 MB"; `model` is a row of ns_models[] */
void ns_mem_describe(const ns_mem_est *m, int model, char *buf, size_t n);

#endif
