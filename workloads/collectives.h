/*
 * collectives.h - collectives as task graphs (workloads/collectives.c).
 *
 * Each builder appends ops to a workload: it first adds a "start" marker
 * (which the caller makes wait for whatever the collective comes after),
 * then the transfers and markers of the algorithm, then a "done" marker that
 * completes when the whole collective does. It records one ns_coll row
 * (kind, algorithm, ranks, bytes, the bytes the busiest rank must push
 * through its NIC for the lower bound) and sets the parent of all its ops
 * to that row.
 *
 * Returns NS_OK and fills *out, or an error code with a message in e; a
 * failed call leaves the workload as it was. `hosts` is borrowed; it must
 * list distinct host ids >= 1.
 *
 * Dependencies (documented for users in netsim-lua(5)): the algorithms run
 * in steps; a transfer of a step from rank i to rank j waits for all the
 * transfers (sent and received) of i's previous step and of j's previous
 * step (a rank's previous step: the last one it took part in; none: the
 * start marker). With chunks = c > 1 the buffer is
 * cut into c near-equal chunks that each run the whole algorithm on their
 * own (chunk j's step s waits only for chunk j's step s - 1).
 * nic_bytes of the record is the most payload bytes any rank sends or
 * receives (a NIC is full duplex); the rooted collectives below set it otherwise.
 */
#ifndef NS_COLLECTIVES_H
#define NS_COLLECTIVES_H

#include <stddef.h>
#include <stdint.h>
#include "sim/error.h"
#include "sim/taskgraph.h"

enum { NS_ALG_RING = 0, NS_ALG_HALVING_DOUBLING, NS_ALG_DIRECT, NS_ALG_PAIRWISE, NS_ALG_HIERARCHICAL };
extern const char *const ns_alg_names[];   /* "ring", "halving_doubling", "direct", "pairwise", "hierarchical", NULL */

typedef struct ns_coll_ops {
    uint32_t start_op;   /* marker: make it wait for what the collective comes after */
    uint32_t done_op;    /* marker: done when the collective is */
    int32_t  coll;       /* row in wl->colls */
} ns_coll_ops;

/* allreduce, reduce-scatter, allgather of `bytes` per rank over hosts[0..n) */
int ns_wl_allreduce(ns_workload *w, const uint32_t *hosts, size_t n, uint64_t bytes,
                    int algorithm, uint32_t chunks, const char *label, ns_coll_ops *out, ns_err *e);
int ns_wl_reducescatter(ns_workload *w, const uint32_t *hosts, size_t n, uint64_t bytes,
                        int algorithm, uint32_t chunks, const char *label, ns_coll_ops *out, ns_err *e);
int ns_wl_allgather(ns_workload *w, const uint32_t *hosts, size_t n, uint64_t bytes,
                    int algorithm, uint32_t chunks, const char *label, ns_coll_ops *out, ns_err *e);
/* hierarchical allreduce (which 0), reduce-scatter (1) or allgather (2) of
 * `bytes` over n ranks in servers of `local` ranks: hosts[s local + l] is
 * GPU l of server s (the caller orders them). Rings inside every server and
 * one ring per GPU index across the servers (collectives.c: hierarchical);
 * the transfers of each level carry the label (cut to 24 bytes) with
 * "/in-rs" (inside the servers, reduce-scatter), "/across" or "/in-ag". */
int ns_wl_hierarchical(ns_workload *w, int which, const uint32_t *hosts, size_t n, uint32_t local, uint64_t bytes,
                       uint32_t chunks, const char *label, ns_coll_ops *out, ns_err *e);
/*
 * Rooted collectives over hosts[0..n), root a rank (index into hosts):
 * broadcast (the root's `bytes` to every rank), reduce (every rank's `bytes`
 * summed at the root), gather (segment k, ns_split(bytes, n, k), from every
 * rank k to the root), scatter (segment k from the root to rank k).
 * algorithm NS_ALG_RING: a pipelined chain root, root+1, ..., root-1 (mod n)
 * (outwards for broadcast and scatter, inwards for reduce and gather), as
 * NCCL's ring broadcast and reduce; NS_ALG_DIRECT: the root exchanges with
 * every rank at once, as NCCL's gather and scatter (grouped send/recv).
 * With chunks = c the buffer is cut into c near-equal chunks; a chunk's
 * transfer waits for the previous chunk's transfer on the same hop (direct:
 * to or from the same rank) and, ring, for its own chunk's previous hop.
 * The record's nic_bytes is the root's unavoidable load: `bytes` for
 * broadcast and reduce, bytes minus the root's segment for gather and
 * scatter. Errors: another algorithm, chunks < 1, root >= n.
 */
int ns_wl_broadcast(ns_workload *w, const uint32_t *hosts, size_t n, uint64_t bytes, uint32_t root,
                    int algorithm, uint32_t chunks, const char *label, ns_coll_ops *out, ns_err *e);
int ns_wl_reduce(ns_workload *w, const uint32_t *hosts, size_t n, uint64_t bytes, uint32_t root,
                 int algorithm, uint32_t chunks, const char *label, ns_coll_ops *out, ns_err *e);
int ns_wl_gather(ns_workload *w, const uint32_t *hosts, size_t n, uint64_t bytes, uint32_t root,
                 int algorithm, uint32_t chunks, const char *label, ns_coll_ops *out, ns_err *e);
int ns_wl_scatter(ns_workload *w, const uint32_t *hosts, size_t n, uint64_t bytes, uint32_t root,
                  int algorithm, uint32_t chunks, const char *label, ns_coll_ops *out, ns_err *e);
/* refuses, with an estimate, an alltoall over n hosts too large for the
 * machine; called before its n x n matrix is even built */
int ns_wl_alltoall_reserve(ns_workload *w, size_t n, ns_err *e);
/* hierarchical alltoall over servers of `local` ranks (hosts[s local + l]:
 * GPU l of server s; matrix in that order): inside every server GPU l hands
 * GPU l' all it has for GPU l' of any server (NVLink, label "/in"), then GPU
 * l' of every server sends GPU l' of every other server what its server has
 * for it (one rail, label "/across"): each byte crosses the fabric once, on
 * the destination's rail */
int ns_wl_alltoall_hier(ns_workload *w, const uint32_t *hosts, size_t n, uint32_t local, const uint64_t *matrix,
                        const char *label, ns_coll_ops *out, ns_err *e);
/* alltoall: matrix[i * n + j] bytes from hosts[i] to hosts[j] (diagonal ignored) */
int ns_wl_alltoallv(ns_workload *w, const uint32_t *hosts, size_t n, const uint64_t *matrix,
                    int algorithm, const char *label, ns_coll_ops *out, ns_err *e);
/* permutation: every host sends `bytes` to another, along a random
 * derangement drawn from the workload's stream (purpose NS_RNG_PERMUTATION,
 * id k for the k-th permutation of the workload, counted from 0), so adding
 * a permutation leaves the earlier ones unchanged. n >= 2. */
int ns_wl_permutation(ns_workload *w, const uint32_t *hosts, size_t n, uint64_t bytes,
                      const char *label, ns_coll_ops *out, ns_err *e);

#endif
