/*
 * sim.h - one simulation: clock, event queue, random streams, the task-graph
 * driver and the network model, all in one ns_sim (no globals).
 *
 * Life cycle: ns_sim_new() borrows a finished fabric and a workload and a
 * run configuration; ns_sim_run() simulates until every op is done (or
 * `until`, or a stop request); the records (op and transfer times, link
 * counters) stay readable until ns_sim_free().
 */
#ifndef NS_SIM_H
#define NS_SIM_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"
#include "event.h"
#include "fabric.h"
#include "net.h"
#include "plan.h"
#include "prefetch.h"
#include "taskgraph.h"
#include "time.h"

typedef struct ns_rng ns_rng;

/* the rows of the built-in models (ns_models[], net.h) and transports
 * (sim/packet/transports.c), for C callers; a new row needs no name here */
enum { NS_MODEL_PACKET = 0, NS_MODEL_FLOW = 1 };
enum { NS_TP_IDEAL = 0, NS_TP_DCTCP, NS_TP_DCQCN };
enum { NS_LB_ECMP = 0, NS_LB_SPRAY, NS_LB_FLOWLET, NS_LB_ADAPTIVE, NS_LB_ETHEREAL, NS_LB_REPS };
enum { NS_SPRAY_RANDOM = 0, NS_SPRAY_ROUNDROBIN, NS_SPRAY_OBLIVIOUS };
enum { NS_CONN_PER_TRANSFER = 0, NS_CONN_PERSISTENT };

extern const char *const ns_lb_names[];         /* "ecmp", "spray", "flowlet", "adaptive", "ethereal", "reps", NULL */
extern const char *const ns_spray_names[];      /* "random", "roundrobin", "oblivious", NULL */
extern const char *const ns_flow_solver_names[]; /* "incremental", "component", "full", NULL */
extern const char *const ns_connections_names[]; /* "per_transfer", "persistent", NULL */

/* room for a transport's settings in a run configuration */
#define NS_TP_SETTINGS_BYTES 128

/* a cable that fails during a run (run{ failures = {...} }): both
 * directions of link `link` (and its reverse) go down, or run at rate_bps,
 * from at_ps until until_ps (NS_TIME_MAX: for good); forwarding stops (and
 * resumes) using a down cable reroute_ps after each change */
typedef struct ns_failure {
    uint32_t link;           /* a directed link of the cable (0-based) */
    ns_time  at_ps, until_ps;
    uint64_t rate_bps;       /* 0: down */
} ns_failure;

/* the delay from a cable going down (or up) to forwarding around it: a
 * link-down seen at the port and the ECMP groups updated in hardware */
#define NS_REROUTE_DEFAULT_PS ((ns_time)1000000000)   /* 1 ms */

typedef struct ns_run_cfg {
    uint64_t     seed;
    int          model;      /* a row of ns_models[] (net.h) */
    int          lb;
    int          spray;
    uint32_t     spray_entropies;   /* spray = "oblivious": entropies a subflow cycles through */
    ns_time      flowlet_gap_ps;
    uint32_t     subflows;
    int          connections;/* NS_CONN_*: congestion state per transfer, or carried per pair of hosts */
    int          transport;  /* a row of the transports (net.h) */
    int          tp_settings_row;   /* the transport tp_settings belong to; -1: none (each uses its defaults) */
    union {                  /* the settings as the transport's parser left them (ns_transport_settings) */
        unsigned char bytes[NS_TP_SETTINGS_BYTES];
        uint64_t      align_u64;
        double        align_dbl;
    } tp_settings;
    ns_time      until_ps;   /* stop here if not done; 0 = run to completion */
    ns_time      sample_ps;  /* time-series period; 0 = none */
    int          flow_solver;/* flow model: NS_MM_INCREMENTAL, _COMPONENT or _FULL (maxmin.h) */
    ns_time      flow_quantum_ps;   /* flow model: departures re-solved at the next multiple of it; 0: at once (exact) */
    const ns_failure *failures;   /* nfailures of them (borrowed), or NULL */
    uint32_t     nfailures;
    ns_time      reroute_ps;
    int          reroute_given;  /* 1: the scenario set reroute_ps; 0: the default (the header says so) */
    uint64_t    *failure_lost;   /* OUT, nfailures: packets lost on each failed cable (or NULL) */
    uint32_t     reps_buffer;    /* lb = "reps": entropies a sender keeps (reps.c) */
    int          reps_freeze;    /* 1: a timeout freezes the set of entropies */
    ns_time      reps_freeze_ps; /* for this long */
} ns_run_cfg;

/* REPS's defaults: those of Ultra Ethernet's htsim (buffer_reps.cpp) */
#define NS_REPS_BUFFER     8
#define NS_REPS_BUFFER_MAX 256
#define NS_REPS_FREEZE_PS  ((ns_time)10000000000)   /* 10 ms */
#define NS_REPS_EXPLORE    16                         /* random entropies after a freeze */

void ns_run_cfg_defaults(ns_run_cfg *c);

/* the most subflows a transfer is cut into (run{subflows}, or ethereal's
 * pinned paths: NS_PIN_MAX_PATHS, fabric.h) */
#define NS_MAX_SUBFLOWS 65535u

/* one transfer op as the network saw it: a row of /transfers */
typedef struct ns_xfer {
    uint32_t op;
    uint16_t subflows;       /* the driver sets the subflows it asks for; the model, those it made */
    uint16_t subflows_left;  /* the model's count of its subflows not yet delivered */
    uint16_t path0;          /* the path of its subflow 0 (the driver sets it; plan.h: a
                              * path offset is 16 bits) */
} ns_xfer;
/* the flow model keeps millions: its hosts, bytes, start and finish are its
 * op's (ns_sim_xfer_src, _dst, _bytes, _start, _finish), its data packets
 * its plan's (ns_sim_xfer_packets); the payload delivered is counted for
 * the run (ns_sim.delivered_bytes). 12 bytes: 64 MiB less than 16 at the
 * 4,096-host all-to-all's 16.8 M transfers */
_Static_assert(sizeof(ns_xfer) == 12, "a transfer row outgrows its 12 bytes");

/* what only the packet model counts of a transfer (sim->xfer_pkt): kept
 * apart so that a flow run's rows stay small */
typedef struct ns_xfer_pkt {
    uint64_t packets;        /* data packets sent, retransmissions included */
    uint64_t retransmits;
    uint64_t timeouts;       /* retransmission timeouts of its subflows */
    ns_time  pause_ps;       /* time its sender's NIC was paused by PFC while it ran (the
                              * model keeps the NIC's paused time at its start here until it ends) */
    uint64_t ecn_marks;      /* data packets that arrived marked */
} ns_xfer_pkt;

/* 64 ops: which are transfers (bit k: op 64 i + k), and how many transfers
 * come before them */
typedef struct ns_xfer_rank {
    uint64_t bits;
    uint64_t before;
} ns_xfer_rank;

/* per-host compute resource: ops run one at a time, in the order they became ready */
typedef struct ns_cpu {
    ns_event ev;             /* end of the running op */
    uint32_t running;        /* op, or UINT32_MAX when idle */
    uint32_t head, tail;     /* FIFO of ready ops, linked through sim->op_waiting (an op
                                waits for nothing more once ready: its count is free) */
    ns_time  busy_ps;        /* total compute time */
} ns_cpu;

/* the timer of a delay op (one per delay op of the workload, in op order) */
typedef struct ns_delay {
    ns_event ev;
    uint32_t op;
} ns_delay;

typedef void ns_sample_fn(void *ctx, ns_sim *sim);
typedef void ns_progress_fn(void *ctx, ns_sim *sim);

struct ns_sim {
    ns_err            err;
    ns_time           now;
    ns_evq            evq;
    uint64_t          events;
    const ns_fabric  *fab;       /* borrowed */
    const ns_workload *wl;       /* borrowed */
    ns_run_cfg        cfg;
    ns_net           *net;

    /* task graph state */
    ns_time          *op_start, *op_finish;   /* -1 until known */
    uint32_t         *op_waiting;             /* unfinished 'after' ops */
    uint32_t         *succ_start, *succ;      /* successors (CSR), the sealed workload's if it is */
    int               succ_owned;             /* 1: made for this run (freed with it) */
    ns_xfer_rank     *xfer_rank;              /* which ops are transfers, and their index (ns_sim_xfer_of) */
    uint32_t         *done_q;                 /* a FIFO of ops done whose successors are yet to be
                                                 counted down, in the order they finished; NS_NONE:
                                                 at the run's start, the ops that wait for none */
    size_t            done_head, done_tail, done_cap;
    size_t            ops_done;
    ns_cpu           *cpus;                   /* one per host */
    ns_xfer          *xfers;
    ns_xfer_pkt      *xfer_pkt;               /* the packet model's counts per transfer, else NULL */
    size_t            nxfers;
    uint32_t         *job_xfer0;              /* several jobs: each job's first transfer, else NULL */
    size_t            xfers_done;
    uint64_t          delivered_bytes;        /* payload bytes of all transfers delivered, each once */
    double            total_bytes;            /* payload bytes of all transfers (the progress's whole) */
    double            crossing_bytes;         /* those of the transfers started that cross the network:
                                                 the flow model's bytes sent (a sample reads no row) */
    ns_delay         *delays;                 /* sorted by op: found by binary search */
    size_t            ndelays;
    ns_time          *coll_cut_ps;            /* per collective: its WAN cut bound (0: crosses none) */
    double            link_bytes_total;       /* sum over transfers of wire bytes x links on the path */

    /* lb = "ethereal": the transfers that started at this instant, to be
     * assigned paths as one batch once nothing else is due now (sim.c) */
    ns_event          eth_ev;
    uint32_t         *eth_pend;               /* in the order they started */
    size_t            eth_n;
    struct ns_eth_rec *eth_rec;               /* scratch for grouping them */

    /* observers */
    ns_event          sample_ev;
    ns_sample_fn     *sample_fn;
    void             *sample_ctx;
    ns_progress_fn   *progress_fn;
    void             *progress_ctx;
    uint64_t          progress_every;         /* events between progress calls */
    volatile int     *stop_flag;              /* set (by a signal handler) to stop within 1,024 events */
    uint64_t          max_events;             /* stop after this many events; 0 = no limit (fuzzing) */
    int               stopped;                /* 1: stopped by stop_flag, 2: by until, 3: by max_events */
};

/* A new simulation of `wl` on `fab` (both borrowed; the fabric finished).
 * Checks the workload against the fabric (hosts exist, no cycles).
 * Returns NS_OK and *out, or an error code with the message in `e`. */
int ns_sim_new(const ns_fabric *fab, const ns_workload *wl, const ns_run_cfg *cfg,
               ns_sim **out, ns_err *e);
void ns_sim_free(ns_sim *sim);

/* NS_OK when every host an op or a collective names is a host of `fab`, else
 * NS_EINVAL naming the op. ns_sim_new checks it; so must anything that reads
 * the fabric by an op's hosts before (the memory estimate). */
int ns_sim_check_hosts(const ns_fabric *fab, const ns_workload *wl, ns_err *e);

/*
 * The clock and the counters: NS_OK, or NS_EINVAL with a message when the
 * workload cannot fit them, checked before the run:
 *  - the run would last past the clock's end (2^63 ps, 106.7 days) whatever
 *    the network does: a chain of ops (compute durations, and each
 *    transfer's time through its source's NIC) or one host's compute ops or
 *    NIC sends add up to more (not checked when `until` stops the run first);
 *  - the payload of the workload exceeds NS_MAX_WORKLOAD_BYTES;
 *  - the model's own limits (its descriptor's check, net.h), checked first.
 * `order` is a topological order of the ops (ns_wl_check), start and succ
 * their successors (ns_wl_adjacency). Called by ns_sim_new; in sim/ranges.c.
 */
int ns_check_ranges(const ns_fabric *f, const ns_workload *wl, const ns_run_cfg *c,
                    const uint32_t *order, const uint32_t *start, const uint32_t *succ, ns_err *e);
/* the time series (run{sample =}): NS_OK, or NS_EINVAL when the sample
 * period is shorter than one packet of the mtu takes on the fabric's
 * fastest link (rows finer than that repeat the row before: a link's
 * counters move a packet at a time); checked by ns_check_ranges too */
int ns_check_sample(const ns_fabric *f, const ns_run_cfg *c, ns_err *e);

/*
 * The index of transfer x within its job: what its flow label (ECMP path,
 * sprayed packets' draws) is made from, so that a job's transfers take the
 * same paths beside other jobs as alone (--isolation compares like with like).
 */
static inline uint32_t
ns_sim_label_xfer(const ns_sim *sim, uint32_t x)
{
    return sim->job_xfer0 ? x - sim->job_xfer0[sim->wl->ops[sim->xfers[x].op].job] : x;
}

/* the index of transfer op `op` among the workload's transfers (they are
 * numbered in op order) */
static inline uint32_t
ns_sim_xfer_of(const ns_sim *sim, uint32_t op)
{
    const ns_xfer_rank *r = &sim->xfer_rank[op / 64];
    return (uint32_t)r->before + (uint32_t)__builtin_popcountll(r->bits & ((UINT64_C(1) << (op % 64)) - 1));
}

/* a transfer's source and destination hosts (1-based) and bytes: its op's */
static inline uint32_t
ns_sim_xfer_src(const ns_sim *sim, const ns_xfer *x)
{
    return sim->wl->ops[x->op].node;
}

static inline uint32_t
ns_sim_xfer_dst(const ns_sim *sim, const ns_xfer *x)
{
    return sim->wl->ops[x->op].dst;
}

static inline uint64_t
ns_sim_xfer_bytes(const ns_sim *sim, const ns_xfer *x)
{
    return sim->wl->ops[x->op].bytes;
}

/* when transfer x started and finished: its op's times (-1 until then) */
static inline ns_time
ns_sim_xfer_start(const ns_sim *sim, uint32_t x)
{
    return sim->op_start[sim->xfers[x].op];
}

static inline ns_time
ns_sim_xfer_finish(const ns_sim *sim, uint32_t x)
{
    return sim->op_finish[sim->xfers[x].op];
}

/* transfer x's data packets sent, retransmissions included: the packet
 * model counts them; under the flow model, those of its plan once it
 * started (its subflows' packets, all sent at its start), 0 before or
 * when nothing crosses the network */
static inline uint64_t
ns_sim_xfer_packets(const ns_sim *sim, uint32_t x)
{
    if (sim->xfer_pkt)
        return sim->xfer_pkt[x].packets;
    const ns_xfer *r = &sim->xfers[x];
    uint64_t bytes = ns_sim_xfer_bytes(sim, r);
    if (ns_sim_xfer_start(sim, x) < 0 || !ns_plan_crosses(bytes, ns_sim_xfer_src(sim, r), ns_sim_xfer_dst(sim, r)))
        return 0;
    ns_plan p;
    ns_plan_cut(&p, bytes, r->subflows, sim->fab->mtu - sim->fab->header);
    return ns_plan_all_packets(&p);
}

/* a hint that transfer x is done soon (its row loaded or on its way): bring
 * its op (its bytes) and what ns_sim_transfer_done writes and reads of it
 * toward the cache */
static inline void
ns_sim_prefetch_done(const ns_sim *sim, uint32_t x)
{
    uint32_t op = sim->xfers[x].op;
    ns_prefetch(&sim->wl->ops[op]);
    ns_prefetch_w(&sim->op_finish[op]);
    ns_prefetch(&sim->succ_start[op]);
}

/* a later hint for the same transfer (after ns_sim_prefetch_done had time
 * to bring its row and its op's successor offsets): its op's successor
 * list, which finishing it reads next */
static inline void
ns_sim_prefetch_succ(const ns_sim *sim, uint32_t x)
{
    if (sim->succ)
        ns_prefetch(&sim->succ[sim->succ_start[sim->xfers[x].op]]);
}

/* simulate; NS_OK (also when stopped early: see sim->stopped), or an error */
int ns_sim_run(ns_sim *sim);
/* the run is over and does not go on: the network model frees what only
 * simulating needs (the flow model its subflows, events and solver flows),
 * before the summary and the file are made; the rows, the counters and the
 * links' statistics stay. ns_sim_run may not be called after. */
void ns_sim_finish(ns_sim *sim);
/* collective c of the run: when its first op started and its last finished
 * (-1: never), and its lower bound: the larger of the NIC bound (the busiest
 * rank's NIC bytes at the lowest NIC rate of its hosts) and the cut bound
 * (for each datacentre, the bytes the collective's transfers move out of it
 * over the capacity of the links that leave it, plus the shortest latency of
 * those links; the same into it), INT64_MAX past the clock */
void ns_sim_coll_span(const ns_sim *sim, const ns_coll *c, ns_time *start, ns_time *finish, ns_time *bound);
const char *ns_sim_errmsg(const ns_sim *sim);

/* how far a run is, for the progress line: the bytes of its transfers,
 * sent (data packets x payload, at most each transfer's bytes) and
 * delivered, and the bytes in all; the bytes the links have carried so far
 * (headers and acks included) and the wire bytes of all transfers times the
 * links on their path (what the links carry in all, acks and retransmissions
 * left out); O(links) under the flow model, O(transfers + links) under the
 * packet model */
typedef struct ns_progress {
    double sent_bytes, delivered_bytes, total_bytes;
    double link_bytes, link_bytes_total;
} ns_progress;
void ns_sim_progress(const ns_sim *sim, ns_progress *out);

/* schedule `ev` at absolute time `when` >= now; 0, or -1 with sim->err set.
 * Inline for the packet model's few events a packet-hop: a time that needs
 * no check beyond not being in the past, queued by the calendar's inline
 * path; anything else (and every error) goes through ns_sim_at_checked. */
int ns_sim_at_checked(ns_sim *sim, ns_event *ev, ns_time when);
static inline int
ns_sim_at(ns_sim *sim, ns_event *ev, ns_time when)
{
    if (when >= sim->now && when != NS_TIME_MAX && ns_evq_push(&sim->evq, ev, when) == 0)
        return 0;
    return ns_sim_at_checked(sim, ev, when);   /* a failed push changed nothing: it tries again */
}
static inline void ns_sim_cancel(ns_sim *sim, ns_event *ev) { ns_evq_cancel(&sim->evq, ev); }
/* a seq from the simulator's counter, and an event queued at (when, seq):
 * for a model that keeps its own queue and one simulator event at its
 * earliest entry (flow_events.h). Heap queues only; 0 or -1 as ns_sim_at. */
static inline uint64_t ns_sim_take_seq(ns_sim *sim) { return ns_evq_take_seq(&sim->evq); }
int ns_sim_at_seq(ns_sim *sim, ns_event *ev, ns_time when, uint64_t seq);
/* the checks of ns_sim_at on a time (not in the past, not the clock's end
 * unless the run stops earlier): 0, or -1 with the error set */
int ns_sim_check_when(ns_sim *sim, ns_time when);

/* ask for a sample callback every cfg.sample_ps (call before ns_sim_run) */
void ns_sim_set_sampler(ns_sim *sim, ns_sample_fn *fn, void *ctx);
void ns_sim_set_progress(ns_sim *sim, ns_progress_fn *fn, void *ctx, uint64_t every);

#define ns_container_of(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))

#endif
