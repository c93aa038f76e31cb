/*
 * packet_int.h - internals of the packet-level network model, shared by
 * packet_net.c (model, forwarding), port.c (output queues), lb.c (next-hop
 * choice), host.c (NIC scheduling), transports.c (the table) and
 * transport_*.c. Not a public header.
 *
 * An output port is a FIFO that keeps the time its link is next free: a
 * packet's departure and the bytes queued ahead of it are known when it
 * arrives, so each packet costs one event per hop (its arrival at the next
 * node), whatever the queue length. Packets leave a link in the order they
 * entered it, so a port keeps the packets it has accepted (queued, on the
 * wire or propagating) in one list and has one pending event, the arrival of
 * the first: the event queue holds busy links, not packets in flight.
 *
 * That is the fast path, for a port with one class that is never paused. A
 * port given classes (ns_port_set_classes: PFC, trimming, traffic classes)
 * runs a scheduler instead: waiting packets sit in per-class queues and the
 * link takes one at a time, when it is free; a trimmed header queue goes
 * before every class; then the classes by strict priority, and classes of
 * one priority level by weighted (deficit) round robin; a paused class is
 * not served (the packet on the wire finishes). Packets that left keep the
 * one list and one arrival event of the fast path.
 */
#ifndef NS_PACKET_INT_H
#define NS_PACKET_INT_H

#include <stddef.h>
#include <stdint.h>
#include "sim/id.h"
#include "sim/event.h"
#include "sim/fabric.h"
#include "sim/net.h"
#include "sim/pool.h"
#include "sim/route.h"
#include "sim/sim.h"

typedef struct ns_rng ns_rng;
typedef struct ns_pnet ns_pnet;
typedef struct ns_sflow ns_sflow;

/* every type but data (and trimmed data) goes to the subflow's sender (its transport's on_ack) */
enum { NS_PKT_DATA = 0, NS_PKT_ACK = 1, NS_PKT_CNP = 2, NS_PKT_NAK = 3,
       NS_PKT_TRIMMED = 4 /* a data packet a switch cut to its header: on to the receiver */ };
enum {
    NS_PF_CE   = 1,   /* congestion experienced (set by a switch) */
    NS_PF_ECE  = 2,   /* ACK: echoes CE of the data packet it acknowledges */
    NS_PF_RETX = 4,   /* data: a retransmission */
    NS_PF_ECT  = 8    /* ECN-capable: switches may mark instead of nothing */
};
/* bits 5 to 7 of a packet's flags: its traffic class (0 unless set; a port
 * with fewer classes queues it in its last) */
#define NS_PF_CLASS_SHIFT 5
#define ns_pkt_class(p) ((uint32_t)(p)->flags >> NS_PF_CLASS_SHIFT)

typedef struct ns_pkt {
    ns_time        next_ps;  /* on a port's list: when `next` arrives at the far end (the
                              * head's own arrival is the port event's time), so that
                              * delivering a packet schedules the next one without reading it */
    ns_sflow      *flow;
    struct ns_pkt *next;     /* the port's list, or the host's control queue */
    ns_time        sent_ps;  /* data: when sent; ack: echoed send time of the data */
    uint32_t       seq;      /* data: packet number in the subflow; ack: number acknowledged */
    uint32_t       cum;      /* ack: next packet number the receiver expects in order */
    uint32_t       size;     /* bytes on the wire */
    uint32_t       payload;  /* data: bytes carried; ack: the entropy of the data packet it answers (REPS) */
    uint32_t       entropy;  /* flow label hashed by switches */
    uint32_t       in_link;  /* the link it came in on (PFC's ingress accounting), or NS_NONE */
    uint32_t       dst;      /* the host node it goes to (its subflow's receiver, or sender for
                              * what answers data): switches route it without reading the subflow */
    uint16_t       path_off; /* subflow offset, spent digit by digit (route.h) */
    uint8_t        type, flags;
} ns_pkt;
/* one cache line (the pool aligns its objects on lines): a packet-hop
 * touches one line of its packet */
_Static_assert(sizeof(ns_pkt) == 64, "a packet outgrows its 64 bytes");

typedef struct ns_port {
    /* first, what every packet through the port reads (its send and its
     * delivery): 128 bytes, two cache lines, the struct being 64-byte
     * aligned (ns_pnet's port array is); a delivery reads the first only */
    _Alignas(64) ns_event ev;      /* arrival of `head` at the far end */
    struct ns_pkt *head, *tail;   /* accepted and not yet arrived, in order */
    uint32_t to;             /* node at the far end */
    uint32_t ps_per_byte;    /* serialization per byte when integral (and below 2^32), else 0 */
    /* second line: what a send reads besides */
    ns_time  free_ps;        /* when the link finishes what is queued */
    ns_time  latency_ps;
    uint64_t buffer_bytes;   /* the port's buffer, or its switch's pool when shared; 0: unlimited */
    uint64_t enq_bytes;      /* bytes accepted so far (sent or queued) */
    uint64_t packets, peak_bytes;
    uint64_t ecn_kmin;       /* marking starts above it (ecn set) */
    uint8_t  ecn, shared;
    uint8_t  sched;          /* 1: served by its scheduler (pnet->sched[link]), not the fast path */
    uint8_t  down;           /* its cable has failed (failure.c): what it is given is lost */
    uint8_t  trim;           /* its switch trims: a data packet with no room goes on as a header */
    uint8_t  lossless;       /* a port of a switch that runs PFC: it never drops */
    /* then the rest */
    uint64_t ecn_kmax;       /* marks every packet above it */
    double   ecn_pmax;
    uint64_t rate_bps;
    double   dt_alpha;       /* shared: the dynamic threshold */
    uint64_t drops, marks;
    uint64_t trims;          /* packets it trimmed */
    uint32_t sw;             /* owning switch node (for shared buffers), or UINT32_MAX */
    /* PFC on this link: the ingress at `to` pauses this port */
    uint64_t pause_frames;   /* pause (XOFF) frames the far end sent to stop this port */
    ns_time  paused_ps;      /* time this port spent paused, up to paused_since */
    ns_time  paused_since;   /* when the current pause began, or -1 */
} ns_port;
_Static_assert(offsetof(ns_port, ps_per_byte) + sizeof(uint32_t) <= 64, "a delivery reads one line of its port");
_Static_assert(offsetof(ns_port, lossless) < 128, "a send reads two lines of its port");

/* a switch's shared pool. The dynamic threshold needs the bytes all its
 * ports hold, which the fast path knows only port by port (from each
 * port's free time). `bound` is an upper bound of them: every byte admitted
 * is added, none taken off as it leaves. A packet that the bound admits
 * would be admitted by the exact figure too (less held means more room);
 * only when the bound refuses is the exact figure summed over the ports,
 * and the bound set to it. So decisions are exact, and the sum over the
 * ports runs about once per pool's worth of traffic, or per packet only
 * when the pool is nearly full. */
typedef struct ns_swbuf {
    uint64_t bound;
} ns_swbuf;

/* the traffic classes of a port, and its queue of trimmed headers */
#define NS_PORT_CLASSES 8
#define NS_PORT_HEADERS NS_PORT_CLASSES        /* index of the header queue */
#define NS_PORT_ALL ((1u << (NS_PORT_CLASSES + 1)) - 1)   /* every class and the headers */

typedef struct ns_pktq {
    struct ns_pkt *head, *tail;
} ns_pktq;

/* PFC at the ingress of link L (at its far end): bytes that came in on L
 * and have not yet left the switch; over xoff the switch pauses L's port
 * (after the cable's delay), and resumes it once they fall to xon */
typedef struct ns_pfc_in {
    uint64_t bytes, xoff, xon;
    ns_time  frame_ps;       /* a frame's way up to L's port: the latency of L's reverse cable
                              * (here, not in the fabric's link records, which a frame would miss) */
    uint8_t  on;             /* PFC runs on this ingress */
    uint8_t  xoff_sent;      /* the last frame sent was a pause */
} ns_pfc_in;

/* a port's scheduler: a waiting packet is on exactly one queue. Link l's
 * is n->sched[l], in an array, so that the look-ahead finds its address
 * without a load; its first two lines are what a port with one class
 * (PFC's) reads for a packet: the event, the counts, the header queue and
 * class 0's (port.c) */
typedef struct ns_port_sched {
    _Alignas(64) ns_event tx_ev;   /* the link has sent the packet it was sending */
    uint64_t  queued;        /* bytes in the queues */
    uint32_t  link;
    uint32_t  nclasses;      /* 1..NS_PORT_CLASSES */
    uint32_t  paused;        /* bit c: class c waits (bit NS_PORT_HEADERS: the headers) */
    uint8_t   fresh;         /* 1: rr got its quantum for this turn */
    uint8_t   host;          /* a host's NIC port: the host is told when the port can take a packet */
    /* the headers' queue, then class c's at c + 1 (ns_sched_queue) */
    ns_pktq   qs[NS_PORT_CLASSES + 1];
    uint32_t  rr;            /* the class whose round-robin turn it is */
    uint8_t   prio[NS_PORT_CLASSES];       /* 0 is served first */
    uint32_t  quantum[NS_PORT_CLASSES];    /* bytes a turn (weights within one level) */
    uint64_t  deficit[NS_PORT_CLASSES];
} ns_port_sched;
_Static_assert(offsetof(ns_port_sched, qs) == 64 && offsetof(ns_port_sched, qs) + 2 * sizeof(ns_pktq) <= 128,
               "a one-class port's scheduler is read in two lines");
/* 1 for a NIC's port into a PFC switch (one class): like the fast path it
 * puts what it is given on its wire behind the packet there, and a pause
 * takes back what has not started (port.c: take_back) */
static inline int
ns_sched_eager(const ns_port_sched *s)
{
    return s->host && s->nclasses == 1;
}

/* queue q of a scheduler: class q (0..NS_PORT_CLASSES-1) or NS_PORT_HEADERS */
static inline ns_pktq *
ns_sched_queue(ns_port_sched *s, uint32_t q)
{
    return &s->qs[q == NS_PORT_HEADERS ? 0 : q + 1];
}

/*
 * A transport: how a subflow's sender and receiver behave. A descriptor,
 * one row of ns_transports[] (transports.c), found by the run's `transport`
 * (a row number). A new transport is a file transport_<name>.c that defines
 * one, and a row.
 */
enum {
    NS_TPF_UNLIMITED = 1,    /* buffers are unlimited and nothing is dropped (the ideal transport) */
    NS_TPF_ACKS      = 2,    /* the receiver sends an ACK per data packet (memory estimates) */
    NS_TPF_ECN       = 4,    /* the sender backs off on ECN marks: a marking port's queue stays
                              * about its kmax (memory estimates) */
    NS_TPF_LOSSLESS  = 8     /* expects a lossless fabric: PFC on unless a switch says pfc = false */
};

typedef struct ns_settings ns_settings;

typedef struct ns_transport {
    const char *name;        /* run{transport = ...} */
    unsigned    flags;       /* NS_TPF_* */
    size_t      state_size;  /* bytes of a subflow's state, from the model's pool; 0: none */
    /* settings, run{<name> = {...}}: settings_size bytes (at most
     * NS_TP_SETTINGS_BYTES, sim.h), 0 if none (then defaults and parse are NULL) */
    size_t      settings_size;
    void    (*defaults)(void *settings);
    int     (*parse)(const ns_settings *r, void *settings);   /* over the defaults; NS_OK or an error */
    /* the subflow's life; the settings are at n->tp_settings */
    int     (*init)(ns_pnet *n, ns_sflow *f);          /* 0 or -1 (no memory) */
    ns_pkt *(*next)(ns_pnet *n, ns_sflow *f);          /* a packet to send now, or NULL */
    /* 1 when next() would give nothing now and until the transport itself
     * calls ns_host_resume (an ACK, a timer): its window is full, or all is
     * sent and nothing lost. The NIC then takes f off its ring as soon as it
     * has sent, instead of finding it empty at its next turn (an event).
     * NULL: the NIC asks next() at its turn. */
    int     (*blocked)(ns_pnet *n, const ns_sflow *f);
    void    (*on_data)(ns_pnet *n, ns_sflow *f, ns_pkt *p);  /* at the receiver; owns p */
    void    (*on_ack)(ns_pnet *n, ns_sflow *f, ns_pkt *p);   /* at the sender; owns p */
    /* at the receiver, a data packet a switch trimmed (switch = { trim = true });
     * owns p; NULL: the transport cannot run on trimming switches */
    void    (*on_trimmed)(ns_pnet *n, ns_sflow *f, ns_pkt *p);
    void    (*fini)(ns_pnet *n, ns_sflow *f);
    /* optional: fetch (ns_prefetch, reading nothing) the lines of f's state
     * that on_data, on_trimmed or on_ack will read for p, a delivery before
     * p reaches its host (port.c's look-ahead); NULL: the first 128 bytes
     * of the state */
    void    (*fetch)(const ns_pnet *n, const ns_sflow *f, const ns_pkt *p);
    /* Connections (run{connections = "persistent"}): the congestion state a
     * transport carries from one transfer of an ordered pair of hosts to the
     * next, as long-lived queue pairs do. A record of conn_size bytes whose
     * layout is the transport's own (8-byte aligned); conn_size 0 if it
     * carries nothing (the ideal transport): then conn_save and conn_load
     * are NULL and "persistent" runs as "per_transfer". The model (conn.c)
     * owns the records: one per pair of hosts that has transfers, allocated
     * when the model is built, and one per running transfer, from a pool;
     * conn.c also decides when to save and what a transfer loads (the rules
     * are at its top and in man/netsim-lua.5).
     *  - conn_save(n, f, state) folds subflow f's sender state (f->tp, still
     *    valid) into `state`: a record that starts zeroed and holds the fold
     *    of some other subflows of f's transfer. It is called once per
     *    subflow as its sender finishes and, for the senders still running
     *    when the transfer completes, once more on a copy; so a fold must
     *    accumulate (sums, counts, extremes), never depend on the order,
     *    and keep splitting on equal terms with one flow: windows and rates
     *    add up (their sum is what one flow would have reached), per-path
     *    estimates (alpha, RTT) are averaged (sum and count here, divided at
     *    load).
     *  - conn_load(n, f, state), called right after init (before the
     *    subflow sends), starts subflow f from its pair's record, never a
     *    zeroed one: before the pair has saved one, or when another transfer
     *    of the pair holds it, init's state stands. f takes its share of what
     *    adds up: ns_sflow_share(n, f, w) of a window w (init does the same
     *    with the initial window), rate / k of a rate, k the subflows of
     *    f's transfer (n->sim->xfers[f->xfer].subflows).
     * A new transport with state to carry (a dcqcn: rate, target rate,
     * alpha) defines its record type and these two functions and sets the
     * three fields; nothing else changes. */
    size_t      conn_size;
    void    (*conn_save)(ns_pnet *n, const ns_sflow *f, void *state);
    void    (*conn_load)(ns_pnet *n, ns_sflow *f, const void *state);
    /* its settings in a line for the run's header ("init_window 10, ..."); NULL: none */
    void    (*describe)(const void *settings, char *buf, size_t n);
} ns_transport;

extern const ns_transport *const ns_transports[];   /* transports.c, NULL-ended */

/* a sender of a host: its NIC, or (servers) its NVLink port, each with a
 * clock and a ring of its own; n->hosts[h] is host node h's NIC and
 * n->hosts[nhosts + h] its NVLink (ns_host_sender) */
typedef struct ns_phost {
    ns_event  ev;            /* the port is free to send the next packet */
    uint32_t  node;
    uint32_t  link;          /* the link it sends on */
    ns_sflow *cur;           /* ring of subflows with something to send */
    ns_pkt   *ctl_head, *ctl_tail;   /* ACKs waiting for the NIC, sent first */
} ns_phost;

struct ns_sflow {
    uint32_t  xfer;          /* transfer index */
    uint32_t  src, dst;      /* host nodes */
    uint32_t  tx;            /* its sender (ns_phost index, ns_host_sender) */
    uint64_t  bytes;
    uint32_t  npkts;         /* data packets needed */
    uint32_t  next_seq;      /* next new packet to send */
    uint64_t  rcv_bytes;     /* receiver: payload bytes received, each once */
    uint32_t  entropy;       /* ECMP flow label */
    uint16_t  path_off;      /* subflow index: distinct path choice */
    uint16_t  sub;           /* its index among the subflows of its transfer (0..k-1) */
    uint32_t  ev_sent;       /* spray = "oblivious": data packets given an entropy so far */
    uint8_t   in_ring;
    uint8_t   held;          /* the transport paces it: after a packet it leaves the NIC's ring until
                              * hold_ps, and the transport's timer puts it back (ns_host_resume) */
    uint8_t   done;          /* the transport needs it no more: released once no packet refers to it */
    uint32_t  alive;         /* packets in the network that refer to this subflow */
    ns_sflow *ring_next, *ring_prev;
    ns_sflow *live_next, *live_prev;   /* every subflow taken from the pool and not yet released */
    ns_time   last_send_ps;  /* flowlet detection */
    ns_time   hold_ps;       /* held: when it may send again */
    uint32_t  flowlet;
    void     *tp;            /* transport state (state_size bytes), NULL if none */
    struct ns_reps *reps;    /* lb = "reps": its sender's entropies (reps.c), else NULL */
    uint32_t  rx_entropy;    /* receiver: the entropy of the data packet being answered */
    /* persistent connections: the record of its running transfer, and the
     * transfer's other subflows not yet folded into it (conn.c); NULL once
     * folded, or when connections are per transfer */
    struct ns_conn_xfer *cx;
    ns_sflow *cx_next, *cx_prev;
};

/* A subflow and its transport's state are one object of the model's pool:
 * the state starts on the first cache line after the subflow, so that a
 * packet reaching its host can have both fetched at once (port.c) */
#define NS_LINE_ROUND(x) (((x) + 63) / 64 * 64)
#define NS_SFLOW_TP_OFF NS_LINE_ROUND(sizeof(ns_sflow))
static inline void *ns_sflow_tp_mem(ns_sflow *f) { return (char *)f + NS_SFLOW_TP_OFF; }
static inline const void *ns_sflow_tp_cmem(const ns_sflow *f) { return (const char *)f + NS_SFLOW_TP_OFF; }
/* bytes of a subflow with the state of transport tp */
#define NS_SFLOW_OBJ_SIZE(tp) (NS_SFLOW_TP_OFF + NS_LINE_ROUND((tp)->state_size))

struct ns_pnet {
    ns_net           net;
    ns_sim          *sim;
    const ns_fabric *fab;
    const ns_transport *tp;
    ns_port         *ports;      /* one per directed link (64-byte aligned in ports_mem) */
    void            *ports_mem;
    ns_port_sched   *sched;      /* per link: the scheduler of a port that has one (its `sched`
                                  * flag), 64-byte aligned in sched_mem; NULL when none has one */
    ns_pfc_in       *pfc;        /* per link, when PFC runs anywhere; else NULL */
    ns_pool          frame_pool; /* pause frames on their way up a cable */
    ns_event         pfc_watch;  /* looks for a cycle of paused ports */
    uint32_t         npaused;    /* ports paused now */
    ns_swbuf        *swbuf;      /* per switch (node - nhosts), for shared pools */
    ns_phost        *hosts;
    struct ns_failures *fail;    /* failures during the run (failure.c), or NULL */
    ns_pool          reps_pool;  /* lb = "reps": the subflows' entropy sets (reps.c) */
    uint32_t        *salt;       /* per node ECMP salt */
    uint32_t        *rr;         /* per route entry round-robin counter */
    ns_pool          pkt_pool, flow_pool;   /* packets; subflows, each with its transport's state */
    ns_sflow        *live;       /* subflows not yet released (a run stopped early frees their transport state) */
    struct ns_conn  *conn;       /* persistent connections (conn.c); NULL when per transfer */
    /* keys of the per-packet random draws (spraying, ECN marking): a draw is
     * a hash of its key and of what it is for (a subflow's packet count, a
     * port's packet count), not the next number of a shared stream, so the
     * draws of one port or subflow do not depend on the traffic elsewhere
     * (a job's draws are the same beside another job as alone) */
    uint64_t         spray_key, ecn_key;
    uint32_t         mss;        /* payload bytes per full packet */
    uint32_t         ack_size;   /* bytes of an ACK on the wire */
    int              lb, spray, unlimited;
    int              lb_hashed;  /* lb hashes the label and nothing else (ecmp, flowlet, spray
                                  * random or oblivious, reps): ns_pkt_next_link's inline path */
    uint32_t         spray_entropies;   /* spray = "oblivious" */
    ns_time          flowlet_gap_ps;
    uint64_t         data_packets, ack_packets;
    /* the next link the last delivery's look-ahead found for the packet at
     * the head of the port it guessed would deliver next (port.c): that
     * delivery takes it instead of finding it again. NULL when none; a
     * delivery clears it before its own look-ahead, and so does a failure
     * (its packets lost, its routes changed) */
    const struct ns_pkt *peek_pkt;
    uint32_t         peek_out;
    uint16_t         peek_off;
    union {                      /* the transport's settings (its defaults, or the run's) */
        unsigned char bytes[NS_TP_SETTINGS_BYTES];
        uint64_t      align_u64;
        double        align_dbl;
    } tp_settings;
    void            *sched_mem;  /* the block `sched` is aligned in (last: the hot fields keep their lines) */
};

/* port.c */
/* bytes ahead on the wire: what the fast path holds (its free time) */
uint64_t ns_port_backlog(const ns_port *p, ns_time now);
/* bytes waiting in port `link`: ahead on the wire, and in its queues */
static inline uint64_t
ns_port_queue(const ns_pnet *n, uint32_t link, ns_time now)
{
    const ns_port *p = &n->ports[link];
    uint64_t b = ns_port_backlog(p, now);
    return p->sched ? b + n->sched[link].queued : b;
}
/* RED-style marking probability for a packet finding `backlog` bytes queued:
 * 0 up to kmin, rising linearly to pmax at kmax, 1 above kmax */
double ns_port_ecn_prob(uint64_t kmin, uint64_t kmax, double pmax, uint64_t backlog);
/* bytes held by the ports of switch `sw` (a shared pool), summed over them */
uint64_t ns_switch_occupancy(const ns_pnet *n, uint32_t sw, ns_time now);
/* put p on link `link` at sim->now; it arrives at the far end later, or is
 * dropped (and freed). */
void ns_port_send(ns_pnet *n, uint32_t link, ns_pkt *p);
/* give port `link` a scheduler with `nclasses` (1..NS_PORT_CLASSES) classes:
 * class c has priority level prio[c] (0 first) and a weight of quantum[c]
 * bytes a turn (> 0) among the classes of its level. Before the run, on an
 * idle port. NS_OK, NS_EINVAL (message in sim->err) or NS_ENOMEM. */
int  ns_port_set_classes(ns_pnet *n, uint32_t link, uint32_t nclasses, const uint8_t *prio,
                         const uint32_t *quantum);
/* PFC: classes in the mask `classes` (bit c: class c, bit NS_PORT_HEADERS:
 * the headers) stop being served at sim->now, after the packet on the wire,
 * or are served again. Ports with a scheduler only. */
void ns_port_pause(ns_pnet *n, uint32_t link, uint32_t classes);
void ns_port_resume(ns_pnet *n, uint32_t link, uint32_t classes);
/* trimming: put the header p on the header queue of `link` (a port with a
 * scheduler): it goes before every class, and is never dropped */
void ns_port_send_header(ns_pnet *n, uint32_t link, ns_pkt *p);
/* free the schedulers (with the model) */
void ns_port_sched_free(ns_pnet *n);
/* 1 if port `link` (with a scheduler) holds no waiting packet and is not
 * paused: the host's NIC hands it the next packet when its link is free */
int  ns_port_ready(const ns_pnet *n, uint32_t link);

/* pfc.c: priority flow control (one priority: every class pauses) */
/* 1 if some switch of f runs PFC under transport (ns_pfc_on) */
int  ns_pfc_anywhere(const ns_fabric *f, int transport);
/* set up PFC on the ingress of every link into a switch that runs it;
 * NS_OK, or NS_EINVAL when a buffer cannot hold its thresholds and headroom */
int  ns_pfc_setup(ns_pnet *n);
/* a packet that came in on p->in_link arrives at a switch / leaves it */
void ns_pfc_arrive(ns_pnet *n, const ns_pkt *p);
void ns_pfc_leave(ns_pnet *n, const ns_pkt *p);
void ns_pfc_free(ns_pnet *n);

/* failure.c: schedule the run's failures (n->sim->cfg); 0, or an error
 * code with the message in n->sim->err; and free them */
int ns_failures_setup(ns_pnet *n);
void ns_failures_free(ns_pnet *n);
/* a packet lost on a failed cable (port.c) or with no way on (lb.c) */
void ns_failures_lost(ns_pnet *n, uint32_t link, ns_pkt *p);

/* reps.c: recycled entropy packet spraying (lb = "reps"), per subflow */
size_t ns_reps_size(uint32_t buffer);                 /* bytes of a subflow's state */
int ns_reps_attach(ns_pnet *n, ns_sflow *f);          /* 0, or -1 (no memory) */
void ns_reps_detach(ns_pnet *n, ns_sflow *f);
uint32_t ns_reps_next(ns_pnet *n, ns_sflow *f);       /* the entropy of the next data packet */
void ns_reps_ack(ns_pnet *n, ns_sflow *f, const ns_pkt *ack);   /* an ACK came back */
void ns_reps_timeout(ns_pnet *n, ns_sflow *f);        /* the transport's retransmission timer fired */

/* lb.c: the outgoing link at switch `node` for a packet bound to host node
 * `dst`; NS_NONE when the switch has no way there any more (failures) */
uint32_t ns_lb_choose(ns_pnet *n, uint32_t node, uint32_t dst, ns_pkt *p);

/* host.c */
/* the sender of host node h for packets to host node dst, and of link l */
static inline uint32_t
ns_host_sender(const ns_pnet *n, uint32_t h, uint32_t dst)
{
    return h + (ns_fabric_via_nvlink(n->fab, h, dst) ? (uint32_t)n->fab->nhosts : 0);
}
static inline uint32_t
ns_host_link_sender(const ns_pnet *n, uint32_t link)
{
    uint32_t h = n->fab->links[link].src;
    return h + (n->fab->gpus_per_server && n->fab->host_nvlink[h] == link ? (uint32_t)n->fab->nhosts : 0);
}
void ns_host_kick(ns_pnet *n, uint32_t sender);        /* something may be sendable */
void ns_host_activate(ns_pnet *n, ns_sflow *f);        /* f has packets to send */
void ns_host_deactivate(ns_pnet *n, ns_sflow *f);      /* f has nothing more to send */
void ns_host_send_ctl(ns_pnet *n, uint32_t host, ns_pkt *p);  /* queue an ACK from `host` to its subflow's sender */
/* f may send again (an ACK opened its window, a timer fired, a paced gap
 * is over): back on the ring, and its packet goes at once if the NIC is
 * idle (no event more). Called by the transport at the end of its own
 * event, its state settled (a new subflow goes through ns_host_activate:
 * the NIC's next turn, once all the transfer's subflows are on the ring) */
void ns_host_resume(ns_pnet *n, ns_sflow *f);
void ns_host_tx(void *simp, ns_event *ev);
/* take f off its sender's ring (before it is released: its last packet may
 * arrive before the sender's round robin comes back to it) */

/* conn.c: persistent connections (run{connections = "persistent"}) */
/* build the per-pair store for the run's transfers (n->conn stays NULL
 * unless connections are persistent and the transport carries state);
 * NS_OK or NS_ENOMEM (message in sim->err) */
int  ns_conn_new(ns_pnet *n);
void ns_conn_free(ns_pnet *n);      /* accepts n->conn == NULL */
/* transfer xi starts (before its subflows): 0, or -1 (no memory) */
int  ns_conn_start(ns_pnet *n, uint32_t xi);
/* subflow f of a started transfer, just through the transport's init, loads
 * its pair's record if its transfer holds one */
void ns_conn_attach(ns_pnet *n, ns_sflow *f);
/* f's sender is finished: fold it into its transfer's record */
void ns_conn_sflow_done(ns_pnet *n, ns_sflow *f);
/* transfer xi completed: fold its running subflows, save the record as its pair's */
void ns_conn_xfer_done(ns_pnet *n, uint32_t xi);

/* the share of subflow f (index f->sub of the k of its transfer) of a window
 * of w packets: w is cut as a transfer's bytes are (plan.h): floor(w) / k,
 * one more for the first floor(w) mod k subflows, and at least 1 */
static inline double
ns_sflow_share(const ns_pnet *n, const ns_sflow *f, double w)
{
    uint32_t k = n->sim->xfers[f->xfer].subflows;
    uint64_t whole = w < 1 ? 0 : w > 4e18 ? (uint64_t)4e18 : (uint64_t)w;
    uint64_t s = k > 1 ? whole / k + (f->sub < whole % k) : whole;
    return s < 1 ? 1.0 : (double)s;
}

/* ring.c: a receiver's ring of one-byte flags over [base, base + *cap) (a
 * power of two), in `inline0` until it first grows: make it hold `need`
 * slots (a power of two at least need); 0, or -1 (no memory, ring unchanged) */
int ns_flag_ring_grow(uint8_t **ring, const uint8_t *inline0, uint32_t *cap, uint32_t base, uint32_t need);

/* packet_net.c */
ns_pkt *ns_pkt_new(ns_pnet *n, ns_sflow *f, int type);
void ns_pkt_free(ns_pnet *n, ns_pkt *p);
/* a port's link rate (and its serialization per byte, when integral) */
void ns_port_set_rate(ns_port *p, uint64_t bps);
/* ns_pkt_next_link's answer when the node is the packet's destination */
#define NS_PKT_HOME (NS_NONE - 1)
/* ns_pkt_next_link's inline cases: the last hop down, and at a switch a
 * hashed pick among the ways on (spending a digit of *off, the packet's
 * offset); NS_NONE for the rest (a GPU passing PXN traffic, a scale-up
 * switch, no way left, the policies that look further), which
 * ns_lb_choose decides */
static inline uint32_t
ns_pkt_link_inline(const ns_pnet *n, const ns_pkt *p, uint32_t at, uint32_t *off)
{
    uint32_t dst = p->dst;
    if (at == dst)
        return NS_PKT_HOME;
    const ns_fabric *f = n->fab;
    if (f->host_attach[dst] == at)
        return ns_fabric_downlink(f, dst);
    if (n->lb_hashed && at >= f->nhosts) {
        const ns_hopset *hs = ns_fabric_route(f, at, dst);
        if (hs->n == 1)
            return f->hops[hs->off];
        if (hs->n > 1)
            return f->hops[hs->off + ns_route_pick(n->salt[at], p->entropy, off, hs->n)];
    }
    return NS_NONE;
}
/* the link packet p leaves node `at` on (ns_lb_choose), NS_PKT_HOME when
 * `at` is its destination, NS_NONE when failures left `at` no way on */
static inline uint32_t
ns_pkt_next_link(ns_pnet *n, ns_pkt *p, uint32_t at)
{
    uint32_t off = p->path_off;
    uint32_t out = ns_pkt_link_inline(n, p, at, &off);
    if (out == NS_NONE)
        return ns_lb_choose(n, at, p->dst, p);
    p->path_off = (uint16_t)off;
    return out;
}
/* the same answer without spending the offset, where it is inline (a
 * look-ahead's guess), and in *off the offset ns_pkt_next_link would leave
 * in the packet; NS_NONE where ns_lb_choose would decide */
static inline uint32_t
ns_pkt_peek_link(const ns_pnet *n, const ns_pkt *p, uint32_t at, uint32_t *off)
{
    *off = p->path_off;
    return ns_pkt_link_inline(n, p, at, off);
}
/* packet p has arrived at node `at` (the far end of the port that delivered
 * it) and leaves on `out` (ns_pkt_next_link's answer): 1 when the caller
 * is to send it on `out` (ns_port_send), 0 when it arrived home or was
 * lost. Inline: it runs at every packet-hop, from its one caller, a
 * port's delivery (which sends it with ns_port_send's fast path inline) */
static inline int
ns_pkt_arrive(ns_pnet *n, ns_pkt *p, uint32_t at, uint32_t out)
{
    if (out == NS_PKT_HOME) {
        ns_sflow *f = p->flow;
        if (p->type == NS_PKT_DATA) {
            f->rx_entropy = p->entropy;   /* for the ACK that answers it */
            n->tp->on_data(n, f, p);
        } else if (p->type == NS_PKT_TRIMMED) {
            f->rx_entropy = p->entropy;
            n->tp->on_trimmed(n, f, p);
        } else {
            if (f->reps && p->type == NS_PKT_ACK)
                ns_reps_ack(n, f, p);
            n->tp->on_ack(n, f, p);
        }
        return 0;
    }
    if (out == NS_NONE) {   /* failures left this switch no way to dst */
        ns_failures_lost(n, p->in_link, p);
        return 0;
    }
    if (n->pfc && at >= n->fab->nhosts)
        ns_pfc_arrive(n, p);   /* counted at this switch's ingress until it leaves */
    return 1;
}
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
