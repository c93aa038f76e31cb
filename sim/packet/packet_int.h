/*
 * packet_int.h - internals of the packet-level network model, shared by
 * packet_net.c (model, forwarding), port.c (output queues), lb.c (next-hop
 * choice), host.c (NIC scheduling) and transport_*.c. Not a public header.
 *
 * An output port is a FIFO that keeps the time its link is next free: a
 * packet's departure and the bytes queued ahead of it are known when it
 * arrives, so each packet costs one event per hop (its arrival at the next
 * node), whatever the queue length. Packets leave a link in the order they
 * entered it, so a port keeps the packets it has accepted (queued, on the
 * wire or propagating) in one list and has one pending event, the arrival of
 * the first: the event queue holds busy links, not packets in flight.
 */
#ifndef NS_PACKET_INT_H
#define NS_PACKET_INT_H

#include <stdint.h>
#include "sim/event.h"
#include "sim/net.h"
#include "sim/pool.h"
#include "sim/sim.h"

typedef struct ns_rng ns_rng;
typedef struct ns_pnet ns_pnet;
typedef struct ns_sflow ns_sflow;

enum { NS_PKT_DATA = 0, NS_PKT_ACK = 1 };
enum {
    NS_PF_CE   = 1,   /* congestion experienced (set by a switch) */
    NS_PF_ECE  = 2,   /* ACK: echoes CE of the data packet it acknowledges */
    NS_PF_RETX = 4,   /* data: a retransmission */
    NS_PF_ECT  = 8    /* ECN-capable: switches may mark instead of nothing */
};

typedef struct ns_pkt {
    ns_time        arrive_ps; /* when its last bit reaches node `at` */
    ns_sflow      *flow;
    struct ns_pkt *next;     /* the port's list, or the host's control queue */
    ns_time        sent_ps;  /* data: when sent; ack: echoed send time of the data */
    uint32_t       seq;      /* data: packet number in the subflow; ack: number acknowledged */
    uint32_t       cum;      /* ack: next packet number the receiver expects in order */
    uint32_t       size;     /* bytes on the wire */
    uint32_t       payload;  /* data bytes carried */
    uint32_t       at;       /* node it is arriving at */
    uint32_t       entropy;  /* flow label hashed by switches */
    uint16_t       path_off; /* subflow offset, spent digit by digit (route.h) */
    uint8_t        type, flags;
} ns_pkt;

typedef struct ns_port {
    ns_event ev;             /* arrival of `head` at the far end */
    struct ns_pkt *head, *tail;   /* accepted and not yet arrived, in order */
    ns_time  free_ps;        /* when the link finishes what is queued */
    uint64_t ps_per_byte;    /* serialization per byte when integral, else 0 */
    uint64_t rate_bps;
    ns_time  latency_ps;
    uint64_t buffer_bytes;   /* 0: unlimited */
    uint64_t enq_bytes;      /* bytes accepted so far (sent or queued) */
    uint64_t packets, drops, marks, peak_bytes;
    uint32_t to;             /* node at the far end */
    uint32_t sw;             /* owning switch node (for shared buffers), or UINT32_MAX */
    uint8_t  ecn, shared;
} ns_port;

/* a transport: how a subflow's sender and receiver behave */
typedef struct ns_tp_ops {
    const char *name;
    int     (*init)(ns_pnet *n, ns_sflow *f);          /* 0 or -1 (no memory) */
    ns_pkt *(*next)(ns_pnet *n, ns_sflow *f);          /* a packet to send now, or NULL */
    void    (*on_data)(ns_pnet *n, ns_sflow *f, ns_pkt *p);  /* at the receiver; owns p */
    void    (*on_ack)(ns_pnet *n, ns_sflow *f, ns_pkt *p);   /* at the sender; owns p */
    void    (*fini)(ns_pnet *n, ns_sflow *f);
} ns_tp_ops;

extern const ns_tp_ops ns_tp_ideal;
extern const ns_tp_ops ns_tp_dctcp;
/* bytes of a DCTCP subflow's state, its inline rings included (for its
 * pool and for memory estimates) */
size_t ns_tp_dctcp_state_size(void);

typedef struct ns_phost {
    ns_event  ev;            /* the NIC is free to send the next packet */
    uint32_t  node;
    ns_sflow *cur;           /* ring of subflows with something to send */
    ns_pkt   *ctl_head, *ctl_tail;   /* ACKs waiting for the NIC, sent first */
} ns_phost;

/* transport state of a DCTCP subflow, from the transport pool */
typedef struct ns_dctcp ns_dctcp;

struct ns_sflow {
    uint32_t  xfer;          /* transfer index */
    uint32_t  src, dst;      /* host nodes */
    uint64_t  bytes;
    uint32_t  npkts;         /* data packets needed */
    uint32_t  next_seq;      /* next new packet to send */
    uint64_t  rcv_bytes;     /* receiver: payload bytes received, each once */
    uint32_t  entropy;       /* ECMP flow label */
    uint16_t  path_off;      /* subflow index: distinct path choice */
    uint8_t   in_ring;
    uint8_t   done;          /* the transport needs it no more: released once no packet refers to it */
    uint32_t  alive;         /* packets in the network that refer to this subflow */
    ns_sflow *ring_next, *ring_prev;
    ns_sflow *live_next, *live_prev;   /* every subflow taken from the pool and not yet released */
    ns_time   last_send_ps;  /* flowlet detection */
    uint32_t  flowlet;
    ns_dctcp *tp;            /* transport state, NULL for ideal */
};

struct ns_pnet {
    ns_net           net;
    ns_sim          *sim;
    const ns_fabric *fab;
    const ns_tp_ops *tp;
    ns_port         *ports;      /* one per directed link */
    ns_phost        *hosts;
    uint32_t        *salt;       /* per node ECMP salt */
    uint32_t        *rr;         /* per route entry round-robin counter */
    ns_pool          pkt_pool, flow_pool, tp_pool;   /* packets, subflows, transport state */
    ns_sflow        *live;       /* subflows not yet released (a run stopped early frees their transport state) */
    uint32_t        *sf_left;    /* per transfer: subflows not yet delivered */
    ns_rng          *spray_rng, *ecn_rng;
    uint32_t         mss;        /* payload bytes per full packet */
    uint32_t         ack_size;   /* bytes of an ACK on the wire */
    int              lb, spray, unlimited;
    ns_time          flowlet_gap_ps;
    uint64_t         data_packets, ack_packets;
};

/* port.c */
uint64_t ns_port_backlog(const ns_port *p, ns_time now);
/* RED-style marking probability for a packet finding `backlog` bytes queued:
 * 0 up to kmin, rising linearly to pmax at kmax, 1 above kmax */
double ns_port_ecn_prob(const ns_switch_cfg *c, uint64_t backlog);
/* put p on link `link` at sim->now; it arrives at the far end later, or is
 * dropped (and freed). */
void ns_port_send(ns_pnet *n, uint32_t link, ns_pkt *p);

/* lb.c: the outgoing link at switch `node` for a packet bound to host node `dst` */
uint32_t ns_lb_choose(ns_pnet *n, uint32_t node, uint32_t dst, ns_pkt *p);

/* host.c */
void ns_host_kick(ns_pnet *n, uint32_t host);          /* something may be sendable */
void ns_host_activate(ns_pnet *n, ns_sflow *f);        /* f has packets to send */
void ns_host_deactivate(ns_pnet *n, ns_sflow *f);      /* f has nothing more to send */
void ns_host_send_ctl(ns_pnet *n, uint32_t host, ns_pkt *p);  /* queue an ACK */
void ns_host_tx(void *simp, ns_event *ev);
/* take f off its sender's ring (before it is released: its last packet may
 * arrive before the sender's round robin comes back to it) */

/* packet_net.c */
ns_pkt *ns_pkt_new(ns_pnet *n, ns_sflow *f, int type);
void ns_pkt_free(ns_pnet *n, ns_pkt *p);
/* packet p has arrived at node p->at */
void ns_pkt_arrive(ns_pnet *n, ns_pkt *p);
/* the event of a port: its head packet arrives */
void ns_port_deliver(void *simp, ns_event *ev);
/* a subflow delivered all its bytes (the transfer may be done) */
void ns_sflow_delivered(ns_pnet *n, ns_sflow *f);
/* the transport is done with f: it returns to the pool once no packet
 * refers to it any more */
void ns_sflow_finish(ns_pnet *n, ns_sflow *f);
/* the payload of data packet `seq` of f */
static inline uint32_t
ns_sflow_payload(const ns_pnet *n, const ns_sflow *f, uint32_t seq)
{
    uint64_t off = (uint64_t)seq * n->mss;
    uint64_t left = f->bytes - off;
    return left < n->mss ? (uint32_t)left : n->mss;
}

#endif
