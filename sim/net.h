/*
 * net.h - the seam between the task-graph driver and a network model.
 *
 * The driver asks a model to move the bytes of a transfer from one host to
 * another (ns_net_ops.start) and is called back, through
 * ns_sim_transfer_done(), when the last byte has arrived. The packet model
 * (packet_net.c) and the flow model (flow_net.c) implement this interface;
 * nothing else of either leaks into the driver.
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
    uint64_t ecn_marks;       /* packets marked CE at the port */
} ns_link_stats;

typedef struct ns_net_ops {
    const char *name;
    /* begin moving transfer `xfer` (sim->xfers[xfer]); NS_OK or an error code
     * with a message in sim->err */
    int  (*start)(ns_net *net, uint32_t xfer);
    void (*link_stats)(ns_net *net, uint32_t link, ns_link_stats *out);
    /* model-specific memory figures for the summary, may be NULL */
    uint64_t (*peak_objects)(ns_net *net);
    void (*free)(ns_net *net);
} ns_net_ops;

struct ns_net {
    const ns_net_ops *ops;
    ns_sim           *sim;
};

/* constructors: NS_OK and *out, or an error code with a message in sim->err */
int ns_packet_net_new(ns_sim *sim, ns_net **out);
int ns_flow_net_new(ns_sim *sim, ns_net **out);

/* the packet model's memory for a run (estimate.h): `peak_xfers` transfers
 * alive at once; *packets and *subflows get the counts it assumed */
typedef struct ns_fabric ns_fabric;
typedef struct ns_workload ns_workload;
typedef struct ns_run_cfg ns_run_cfg;
uint64_t ns_packet_net_estimate(const ns_fabric *f, const ns_workload *wl, const ns_run_cfg *c,
                                uint64_t peak_xfers, uint64_t *packets, uint64_t *subflows);

/* called by a model when the last byte of a transfer has arrived */
void ns_sim_transfer_done(ns_sim *sim, uint32_t xfer);

#endif
