/*
 * budget.h - what netsim may use: the memory of this machine, the budget
 * (--max-memory), the check of an estimate against it with its message,
 * saturating arithmetic for the terms of estimates, and the memory of a
 * fabric (before it is built, from its shape, and once built). The run's
 * estimate, which knows the driver and the models, is estimate.h.
 */
#ifndef NS_BUDGET_H
#define NS_BUDGET_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"

typedef struct ns_fabric ns_fabric;

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

/* NS_OK if `bytes` fit the budget, else NS_ENOMEM with "WHAT would need
 * about X of memory (DETAIL), more than the Y netsim may use here ..." */
int ns_mem_check(uint64_t bytes, const char *what, const char *detail, ns_err *e);

/* a fabric of this shape, before it is built (builders check it first) */
uint64_t ns_mem_fabric_shape(uint64_t nodes, uint64_t hosts, uint64_t cables, uint64_t edge_nodes);
/* the least memory any run on a fabric of this shape needs besides the
 * fabric: the hosts' state in the driver, the cheapest model's per-link
 * state (NS_MEM_FLOW_LINK_BYTES, the flow model's), the HDF5 writer's
 * tables, and the program */
#define NS_MEM_FLOW_LINK_BYTES 256
/* a host's compute state in a run (ns_cpu, sim.h: checked there), here so
 * that the budget needs no part of the simulation */
#define NS_MEM_HOST_BYTES 64
uint64_t ns_mem_run_floor(uint64_t hosts, uint64_t cables);
/* A builder's check, before it allocates anything: NS_OK, or NS_ENOMEM with
 * "WHAT would need about X of memory to build, at least Y to run (...)" when
 * the fabric of this shape, or the least a run on it needs, is over the
 * budget. `what` is "star: this fabric". */
int ns_mem_fabric_check(uint64_t nodes, uint64_t hosts, uint64_t cables, uint64_t edge_nodes,
                        const char *what, ns_err *e);
/* a built fabric */
uint64_t ns_mem_fabric(const ns_fabric *f);

#endif
