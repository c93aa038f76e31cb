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
#include "error.h"

typedef struct ns_fabric ns_fabric;
typedef struct ns_workload ns_workload;
typedef struct ns_run_cfg ns_run_cfg;

#define NS_MEM_BASE_BYTES ((uint64_t)24 << 20)
/* packets one subflow may number (sequence numbers and the transport's rings) */
#define NS_MAX_SUBFLOW_PACKETS (UINT32_C(1) << 31)
/* payload bytes of a whole workload: keeps every byte counter (per port,
 * headers and retransmissions included) far from 2^64 */
#define NS_MAX_WORKLOAD_BYTES (UINT64_C(1) << 60)

typedef struct ns_mem_est {
    uint64_t fabric, workload, model, output;
    uint64_t total;          /* the four, plus NS_MEM_BASE_BYTES */
    uint64_t packets;        /* packets in flight assumed by the model term */
    uint64_t subflows;       /* subflows alive at once assumed */
} ns_mem_est;

/* saturating arithmetic for the terms: a + b x c, a + b */
static inline uint64_t
ns_mem_mad(uint64_t a, uint64_t b, uint64_t c)
{
    unsigned __int128 r = (unsigned __int128)b * c + a;
    return r > UINT64_MAX ? UINT64_MAX : (uint64_t)r;
}

static inline uint64_t
ns_mem_add(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* the memory of this machine: physical memory, or the container's
 * (cgroup) or the process's (RLIMIT_AS, RLIMIT_DATA) limit if lower */
uint64_t ns_mem_machine(void);
/* what netsim may use: the allocator's ceiling (ns_alloc_set_limit, which
 * main() sets from --max-memory, else from ns_mem_machine()) */
uint64_t ns_mem_budget(void);

/* a fabric of this shape, before it is built (builders check it first) */
uint64_t ns_mem_fabric_shape(uint64_t nodes, uint64_t hosts, uint64_t cables, uint64_t edge_nodes);
/* a built fabric; a built workload with the driver's state for it */
uint64_t ns_mem_fabric(const ns_fabric *f);
uint64_t ns_mem_workload(const ns_workload *wl, size_t nhosts);
/* ops and dependencies about to be added to a workload (builders of large
 * collectives check this first): theirs and the driver's state for them */
uint64_t ns_mem_ops(uint64_t nops, uint64_t ndeps, uint64_t ntransfers);

/* the estimate of a run of wl on f with c */
void ns_mem_estimate(const ns_fabric *f, const ns_workload *wl, const ns_run_cfg *c, ns_mem_est *out);
/* "fabric 1.2 MB, workload 30 kB, packet model 4 MB, output 1 MB"; `model` is a row of ns_models[] */
void ns_mem_describe(const ns_mem_est *m, int model, char *buf, size_t n);

/* NS_OK if `bytes` fit the budget, else NS_ENOMEM with "WHAT would need
 * about X of memory (DETAIL), more than the Y netsim may use here ..." */
int ns_mem_check(uint64_t bytes, const char *what, const char *detail, ns_err *e);

/*
 * The clock and the counters: NS_OK, or NS_EINVAL with a message when the
 * workload cannot fit them, checked before the run:
 *  - the run would last past the clock's end (2^63 ps, 106.7 days) whatever
 *    the network does: a chain of ops (compute durations, and each
 *    transfer's time through its source's NIC) or one host's compute ops or
 *    NIC sends add up to more (not checked when `until` stops the run first);
 *  - the payload of the workload exceeds NS_MAX_WORKLOAD_BYTES;
 *  - the model's own limits (its descriptor's check, net.h), checked first.
 * `order` is a topological order of the ops (ns_wl_check).
 */
int ns_check_ranges(const ns_fabric *f, const ns_workload *wl, const ns_run_cfg *c,
                    const uint32_t *order, ns_err *e);

#endif
