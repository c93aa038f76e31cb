/*
 * chakra.h - read Chakra execution traces (mlcommons/chakra's protobuf
 * format, described by workloads/chakra.proto) into a workload.
 *
 * A trace is one file per rank: a varint-length-prefixed GlobalMetadata,
 * then varint-length-prefixed Nodes. Rank r runs on hosts[r]. Each node
 * becomes ops of the workload:
 *   COMP_NODE          compute on the rank's host for duration_micros (or
 *                      num_ops / (gpu_flops * gpu_efficiency) when gpu_flops
 *                      > 0 and the node has num_ops); is_cpu_op = true nodes
 *                      become delays (they keep no GPU busy)
 *   MEM_LOAD/STORE     compute of duration_micros
 *   COMM_SEND_NODE     a transfer of comm_size bytes to rank comm_dst
 *   COMM_RECV_NODE     a marker done when the matching send's transfer is:
 *                      sends and receives pair by (source rank, destination
 *                      rank, comm_tag), first to first
 *   COMM_COLL_NODE     the k-th collective node of a process group on every
 *                      rank of the group together form one netsim collective
 *                      over the group's ranks (comm_type: ALL_REDUCE,
 *                      ALL_GATHER, REDUCE_SCATTER, ALL_TO_ALL, BROADCAST,
 *                      REDUCE, GATHER, SCATTER; comm_size bytes per rank; the
 *                      root of a rooted one from a "root" or "root_rank"
 *                      attribute, a rank of the group, else the group's
 *                      first). The group: pg_name, as a process_group:init
 *                      node of any rank defines it; without pg_name, or with
 *                      one no such node defines (counted), all ranks. A
 *                      collective node without comm_size, or of another
 *                      comm_type, is a marker (counted in the warnings)
 *   METADATA_NODE      a marker (a process_group:init one also defines the
 *                      process groups, from its inputs.values: JSON objects
 *                      with "pg_name" and "ranks", [] meaning every rank);
 *                      any other type: a marker, counted
 * ctrl_deps and data_deps become dependencies (ns_wl_after).
 */
#ifndef NS_CHAKRA_H
#define NS_CHAKRA_H

#include <stddef.h>
#include <stdint.h>
#include "sim/error.h"
#include "sim/taskgraph.h"

typedef struct ns_chakra_spec {
    const char *const *files;   /* one path per rank, or one with `replicate` (borrowed) */
    size_t          nfiles;
    const uint32_t *hosts;      /* hosts[r]: the host of rank r, distinct, >= 1 (borrowed) */
    size_t          ranks;
    int             replicate;  /* files[0] is the trace of every rank */
    int             algorithm;  /* NS_ALG_RING, NS_ALG_HALVING_DOUBLING or NS_ALG_DIRECT (reductions);
                                   alltoalls use NS_ALG_DIRECT */
    double          gpu_flops;  /* > 0: compute time from num_ops at gpu_flops * gpu_efficiency */
    double          gpu_efficiency;
    int             repair;     /* drop (and count) the dependencies that make a raw trace
                                   invalid, rather than fail: on a node the file lacks, on the
                                   node itself, on a later record of the file (which closes the
                                   cycles of traces recorded without linking) */
    const char     *label;      /* label of the ops, NULL: "chakra" */
} ns_chakra_spec;

typedef struct ns_chakra_info {
    uint32_t start_op, done_op;   /* markers: before every node, after every node */
    uint64_t nodes;               /* nodes read, over all ranks */
    uint64_t deps;                /* ctrl_deps + data_deps entries read */
    uint64_t comm_bytes;          /* comm_size summed over send and collective nodes, over all ranks */
    uint64_t compute, memory, sends, recvs, colls;   /* nodes of each kind */
    uint64_t unknown_types;       /* nodes of a type netsim does not model (made markers) */
    uint64_t unknown_attrs;       /* attributes netsim does not know */
    uint64_t unmodelled_colls;    /* collective nodes made markers */
    uint64_t pg_colls;            /* collective nodes naming a process group (pg_name) that no
                                     process_group:init node defines: run over all ranks */
    uint64_t pg_resolved;         /* collective nodes naming a process group that one defines */
    uint64_t dropped_deps;        /* dependencies dropped by `repair` */
} ns_chakra_info;

/*
 * Read the traces and add their ops to w. NS_OK and *out, or NS_EINVAL with
 * "chakra: FILE: byte N: what was expected" (a malformed record, a
 * dependency on a missing node, a cycle), NS_EIO (unreadable file) or
 * NS_ENOMEM; a failed call leaves w as it was. Cost: linear in the nodes
 * and dependencies, plus the collectives' ops.
 */
int ns_wl_chakra(ns_workload *w, const ns_chakra_spec *s, ns_chakra_info *out, ns_err *e);

#endif
