/*
 * taskgraph.h - the workload: a graph of ops with dependencies.
 *
 * The task graph is the single currency of workloads: compute (a host busy
 * for a duration), transfer (bytes from one host to another), marker (a
 * zero-length join point) and delay (a timer: done a duration after it
 * starts, without using any host; it places ops at given times). An op starts when all ops it comes `after` are
 * done. Builders in workloads/ compile collectives, training schedules and
 * traffic generators into these ops; they know nothing of packets.
 * A workload is plain data: it can be run many times, on any fabric.
 * Host ids are 1-based, as in scenarios.
 */
#ifndef NS_TASKGRAPH_H
#define NS_TASKGRAPH_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"
#include "op_runs.h"
#include "results.h"
#include "time.h"

enum { NS_OP_COMPUTE = 0, NS_OP_TRANSFER = 1, NS_OP_MARKER = 2, NS_OP_DELAY = 3 };
extern const char *const ns_op_kind_names[];   /* "compute", "transfer", "marker", "delay", NULL */

#define NS_LABEL_MAX 32   /* bytes of a label, NUL included */
#define NS_NO_PARENT (-1)

typedef struct ns_op {
    union {                /* an op has one of the two, by kind (a run keeps millions of ops) */
        uint64_t bytes;        /* transfer: bytes to move */
        ns_time  duration_ps;  /* compute: busy time; delay: time from start to finish */
    };
    uint32_t node;         /* compute: host; transfer: source host (1-based); marker, delay: 0 */
    uint32_t dst;          /* transfer: destination host (1-based) */
    uint32_t label;        /* interned label, 0 = none */
    uint8_t  kind;
    uint16_t job;          /* the job it belongs to (0-based; 0 in a run of one workload) */
} ns_op;
/* its scenario line and parent are the workload's runs (op_runs.h):
 * ns_wl_op_line, ns_wl_op_parent */
_Static_assert(sizeof(ns_op) == 24, "an op outgrows its 24 bytes");

/* a collective: recorded in /collectives with its lower bound */
typedef struct ns_coll {
    char     kind[16];        /* "allreduce", "alltoall", ... */
    char     algorithm[24];   /* "ring", "direct", ... */
    uint32_t ranks;
    uint64_t bytes;           /* the collective's bytes argument (per rank, or per pair) */
    double   nic_bytes;       /* bytes the busiest rank must send through its NIC: the
                                 lower bound is nic_bytes * 8 / (lowest NIC rate of its hosts) */
    uint32_t hosts_off;       /* its hosts: wl->coll_hosts[hosts_off .. + ranks) */
    uint32_t first_op, last_op;  /* ops [first_op, last_op] belong to it; last_op completes it */
    uint8_t  phased;          /* 1: each rank's NVLink and NIC transfers come one after the other
                                 (hierarchical, one chunk): on a fabric of servers the bound adds them */
} ns_coll;

/*
 * A job of a run of several workloads (netsim.run{workload = {w1, w2}}):
 * its ops are ops[first_op .. first_op + nops) of the merged workload (plus
 * its arrival timer start_op, when it arrives after 0), its collectives
 * colls[first_coll .. first_coll + ncolls). src is the workload it was made
 * from (borrowed: its result records index its own ops, from 0).
 */
#define NS_JOB_NAME_MAX 32
typedef struct ns_job {
    char      name[NS_JOB_NAME_MAX];
    ns_time   start_ps;            /* arrival: its first ops wait until then */
    uint32_t  first_op, nops;
    int64_t   start_op;            /* its arrival timer (a delay op), -1 if none */
    uint32_t  first_coll, ncolls;
    uint32_t  nhosts;              /* distinct hosts its ops name */
    ns_time   alone_ps;            /* its makespan run alone (--isolation), -1 if not run */
    const struct ns_workload *src;
} ns_job;

typedef struct ns_workload {
    ns_op    *ops;
    size_t    nops, ops_cap;
    ns_op_runs runs;             /* each op's scenario line and parent */
    uint32_t *dep_op, *dep_on;   /* dependency pairs: op dep_op[i] comes after dep_on[i] */
    size_t    ndeps, deps_cap;
    uint32_t *succ_start, *succ; /* sealed (ns_wl_seal): the dependencies as successor lists
                                    only, dep_op and dep_on freed; NULL otherwise */
    char    **labels;            /* interned labels; labels[0] is "" */
    size_t    nlabels, labels_cap;
    uint32_t *label_hash;        /* open addressing over labels, 0 = empty */
    size_t    label_hash_cap;
    ns_coll  *colls;
    size_t    ncolls, colls_cap;
    uint32_t *coll_hosts;
    size_t    ncoll_hosts, coll_hosts_cap;
    ns_results results;          /* what builders record for their result tables (results.h) */
    uint32_t  nbackground;       /* w:background calls made: each draws from its own stream */
    uint64_t  seed;              /* seed of the workload's random draws */
    uint32_t  max_host;          /* highest host id named by any op */
    int       cur_line;          /* line stamped on new ops (set by the Lua layer) */
    char      name[NS_JOB_NAME_MAX];   /* as a job: its name ("" = job<i>) */
    ns_time   start_ps;          /* as a job: its arrival time */
    ns_job   *jobs;              /* a merged workload's jobs (jobs.h), NULL otherwise */
    size_t    njobs;
    char      chunk[256];        /* scenario file name, for messages */
} ns_workload;

ns_workload *ns_wl_new(uint64_t seed);
void ns_wl_free(ns_workload *w);

/* Each adder returns the new op's index (>= 0) or -1 with a message in e. */
long ns_wl_compute(ns_workload *w, uint32_t node, ns_time duration_ps, const char *label, ns_err *e);
long ns_wl_transfer(ns_workload *w, uint32_t src, uint32_t dst, uint64_t bytes, const char *label, ns_err *e);
long ns_wl_marker(ns_workload *w, const char *label, ns_err *e);
/* a timer op: finishes duration_ps (>= 0) after it starts; uses no host */
long ns_wl_delay(ns_workload *w, ns_time duration_ps, const char *label, ns_err *e);
/* room for `nops` more ops and `ndeps` more dependencies, exactly: NS_OK,
 * NS_EINVAL past the op limit (naming `what`), or NS_ENOMEM. Builders call
 * ns_wl_reserve (estimate.h), which checks the memory first. */
int ns_wl_grow(ns_workload *w, uint64_t nops, uint64_t ndeps, const char *what, ns_err *e);
/* op `op` comes after op `dep` */
int ns_wl_after(ns_workload *w, uint32_t op, uint32_t dep, ns_err *e);
/* set the parent of ops [first, last]: NS_OK or NS_ENOMEM */
int ns_wl_set_parent(ns_workload *w, uint32_t first, uint32_t last, int32_t parent, ns_err *e);
/* op `op`'s scenario line (0 if unknown) and parent (NS_NO_PARENT if none) */
static inline int32_t
ns_wl_op_line(const ns_workload *w, uint32_t op)
{
    return ns_op_runs_find(&w->runs, op)->line;
}

static inline int32_t
ns_wl_op_parent(const ns_workload *w, uint32_t op)
{
    return ns_op_runs_find(&w->runs, op)->parent;
}
/* a new collective record; returns its id or -1 */
long ns_wl_add_coll(ns_workload *w, const ns_coll *c, const uint32_t *hosts, ns_err *e);
const char *ns_wl_label(const ns_workload *w, uint32_t label);
/* the id of `label` interned in w (0 for ""), or -1 with a message in e */
long ns_wl_intern(ns_workload *w, const char *label, ns_err *e);

/*
 * The dependencies as adjacency lists, in the order they were declared:
 * for each op v, adj[start[v] .. start[v + 1]) are the ops that come after
 * v (its successors), or with `preds` the ops v comes after. `start` has
 * nops + 1 entries, `adj` ndeps; both are filled. (Sealed, successors
 * are copied and predecessors listed by the op waited for.)
 */
void ns_wl_adjacency(const ns_workload *w, int preds, uint32_t *start, uint32_t *adj);
/*
 * Seal: keep the dependencies only as successor lists (ns_wl_adjacency's
 * start and adj), which every run of the workload borrows, and free the
 * pairs. A run of millions of transfers holds 4 bytes a dependency instead
 * of 12 (the pairs and a run's own lists), and a list's runs of three or
 * more consecutive ops take two entries (NS_SUCC_RANGE: a collective's
 * start marker, which millions of transfers wait for). Nothing else
 * changes: a run, its order and its numbers are the same. The next op or
 * dependency added unseals it (the pairs come back, grouped by the op
 * waited for). NS_OK, or (unsealed, nothing lost) NS_ENOMEM, or NS_EINVAL
 * on a dependency cycle: a cyclic workload stays unsealed, so that its run
 * names the cycle as it would have.
 */
int ns_wl_seal(ns_workload *w, ns_err *e);

static inline int
ns_wl_sealed(const ns_workload *w)
{
    return w->succ_start != NULL;
}

/*
 * Successor lists (CSR: op v's are succ[start[v] .. start[v + 1])): an
 * entry is an op, or, with NS_SUCC_RANGE set, the first of the ops a .. b
 * - 1, b being the next entry (op ids stay below 2^31: add_op). A sealed
 * workload's lists have them; lists made by ns_wl_adjacency do not. Read
 * them in order with
 *     for (ns_succ_it it = ns_succ_of(start, succ, v); ns_succ_next(&it, &s);)
 */
#define NS_SUCC_RANGE UINT32_C(0x80000000)
typedef struct ns_succ_it {
    const uint32_t *p, *end;
    uint32_t        next, stop;   /* the rest of a range: next .. stop - 1 */
} ns_succ_it;
static inline ns_succ_it
ns_succ_of(const uint32_t *start, const uint32_t *succ, uint32_t v)
{
    ns_succ_it it = { succ + start[v], succ + start[v + 1], 0, 0 };
    return it;
}
static inline int
ns_succ_next(ns_succ_it *it, uint32_t *s)
{
    if (it->next < it->stop) {
        *s = it->next++;
        return 1;
    }
    if (it->p == it->end)
        return 0;
    uint32_t x = *it->p++;
    if (x & NS_SUCC_RANGE) {
        x &= ~NS_SUCC_RANGE;
        it->next = x + 1;
        it->stop = *it->p++;
    }
    *s = x;
    return 1;
}

/*
 * Check the graph and order it: returns NS_OK and a topological order, or
 * NS_EINVAL naming an op on a dependency cycle. `order` has nops entries and
 * is owned by the caller.
 */
int ns_wl_check(const ns_workload *w, uint32_t *order, ns_err *e);
/* ns_wl_check on successors already listed (ns_wl_adjacency's start and
 * succ, or a sealed workload's), with `indeg` (nops entries) as scratch: a
 * big workload's checks and its run share one list */
int ns_wl_order(const ns_workload *w, const uint32_t *start, const uint32_t *succ, uint32_t *indeg,
                uint32_t *order, ns_err *e);
/* where an op came from and what it is, for messages:
 * "scenario.lua:12: transfer 'x' (op 3)" */
void ns_wl_describe(const ns_workload *w, uint32_t op, char *buf, size_t n);

#endif
