/*
 * net.h - the seam between the task-graph driver and a network model.
 *
 * The driver asks a model to move the bytes of a transfer from one host to
 * another (ns_net_ops.start) and is called back, through
 * ns_sim_transfer_done(), when the last byte has arrived. The packet model
 * (sim/packet/) and the flow model (sim/flow/) implement this interface
 * and describe themselves in an ns_model; nothing else of either leaks into
 * the driver.
 */
#ifndef NS_NET_H
#define NS_NET_H

#include <stdint.h>
#include "time.h"

typedef struct ns_sim ns_sim;
typedef struct ns_net ns_net;

/* counters of one directed link (its output port), as of sim->now */
typedef struct ns_link_stats {
    uint64_t tx_bytes;        /* bytes fully sent on the link so far */
    uint64_t tx_packets;      /* packets sent (0 in the flow model) */
    uint64_t queue_bytes;     /* bytes waiting in the port now */
    uint64_t peak_queue_bytes;
    uint64_t drops;           /* packets dropped at the port */
    uint64_t trimmed;         /* data packets the port cut to their header (switch = { trim = true }) */
    uint64_t ecn_marks;       /* packets marked CE at the port */
    uint64_t pause_frames;    /* PFC pause frames the far end sent to stop this port */
    ns_time  paused_ps;       /* time the port spent paused */
} ns_link_stats;

/* a model's rate solver, for the summary (the flow model's) */
typedef struct ns_solver_stats {
    uint64_t solves;          /* solves that had something to do */
    uint64_t rates;           /* rates recomputed, over the solves */
    uint64_t rates_max;       /* the most one solve recomputed */
    uint64_t peak_flows;      /* most flows alive at once */
} ns_solver_stats;

typedef struct ns_net_ops {
    const char *name;
    /* begin moving transfer `xfer` (sim->xfers[xfer]); NS_OK or an error code
     * with a message in sim->err */
    int  (*start)(ns_net *net, uint32_t xfer);
    void (*link_stats)(ns_net *net, uint32_t link, ns_link_stats *out);
    /* model-specific memory figures for the summary, may be NULL */
    uint64_t (*peak_objects)(ns_net *net);
    void (*free)(ns_net *net);
    /* its rate solver's work, may be NULL (no solver) */
    void (*solver_stats)(ns_net *net, ns_solver_stats *out);
    /* the run is over and does not go on: free what only simulating needs,
     * keeping what link_stats, peak_objects and solver_stats read; may be
     * NULL (ns_sim_finish) */
    void (*finish)(ns_net *net);
} ns_net_ops;

struct ns_net {
    const ns_net_ops *ops;
    ns_sim           *sim;
};

typedef struct ns_fabric ns_fabric;
typedef struct ns_workload ns_workload;
typedef struct ns_run_cfg ns_run_cfg;
typedef struct ns_mem_est ns_mem_est;
typedef struct ns_err ns_err;
typedef struct ns_settings ns_settings;

/*
 * A network model is a descriptor, a row of ns_models[] (sim.c), which the
 * driver finds by the run's `model` (a row number: ns_model_find() gives
 * it for a name). A new model is a folder of its own, its descriptor, and
 * a row.
 */
typedef struct ns_model {
    const char *name;        /* run{model = ...} */
    int         evq;         /* the event queue it wants: NS_EVQ_CALENDAR or NS_EVQ_HEAP (event.h) */
    /* NS_OK and *out, or an error code with a message in sim->err */
    int  (*create)(ns_sim *sim, ns_net **out);
    /* its memory for a run (estimate.h), `peak_xfers` transfers alive at
     * once: sets m->model (bytes), m->packets and m->subflows (the counts
     * it assumed) */
    void (*estimate)(const ns_fabric *f, const ns_workload *wl, const ns_run_cfg *c, uint64_t peak_xfers,
                     ns_mem_est *m);
    /* the workload against the model's own limits, before the run: NS_OK,
     * or NS_EINVAL with a message in e; NULL: none */
    int  (*check)(const ns_fabric *f, const ns_workload *wl, const ns_run_cfg *c, ns_err *e);
} ns_model;

extern const ns_model *const ns_models[];   /* NULL-ended; the row numbers are NS_MODEL_* (sim.h) */

/* the row of the model called `name`, or -1 */
int ns_model_find(const char *name);
/* the name of row `row`, or NULL past the last row */
const char *ns_model_name(int row);

/*
 * The packet model's transports are descriptors too, rows of a table in
 * sim/packet/transports.c (packet_int.h has the descriptor). What others
 * see of them: their names, and their settings (run{dctcp = {...}}), read
 * through a neutral reader (settings.h) into the run configuration.
 */
/* the row of the transport called `name`, or -1 */
int ns_transport_find(const char *name);
/* the name of row `row`, or NULL past the last row */
const char *ns_transport_name(int row);
/* 1 if transport `row` expects a lossless fabric (RoCE): switches whose
 * `pfc` the scenario left unsaid run priority flow control under it */
int ns_transport_wants_pfc(int row);
/* 1 if transport `row` backs off on ECN marks */
int ns_transport_reacts_to_ecn(int row);
/* 1 if transport `row` ignores buffers (the ideal transport: nothing dropped or marked) */
int ns_transport_ignores_buffers(int row);
/* its receiver sends an ACK (a header's bytes) per data packet */
int ns_transport_acks(int row);
/* 1 if PFC runs on the ports into switch configuration `cfg` under `transport` */
int ns_pfc_on(const ns_fabric *f, uint32_t cfg, int transport);
/* transport `row`'s settings in a line, for the header: 0 if it has none,
 * 1 if they are its defaults, 2 if the run set some */
int ns_transport_describe(int row, const ns_run_cfg *c, char *buf, size_t n);
/* 1 if transport `row` takes settings (a table named as the transport) */
int ns_transport_has_settings(int row);
/* 1 if transport `row` carries congestion state from one transfer of a pair
 * of hosts to the next under run{connections = "persistent"} */
int ns_transport_carries(int row);
/* read the settings of transport `row` from `r`, over its defaults. For
 * c->transport's row they go into c (c->tp_settings); another row's are
 * checked, then dropped. NS_OK, or the reader's error (settings.h). */
int ns_transport_settings(int row, const ns_settings *r, ns_run_cfg *c);

/* called by a model when the last byte of a transfer has arrived */
void ns_sim_transfer_done(ns_sim *sim, uint32_t xfer);

#endif
