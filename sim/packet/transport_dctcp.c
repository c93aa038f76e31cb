/*
 * transport_dctcp.c - a DCTCP-style transport: window-based, ECN-driven,
 * one ACK per data packet or coalesced ACKs, selective acknowledgement,
 * retransmission on loss, and tolerant of reordering so that spraying is
 * not punished.
 *
 * Sender. The window (cwnd, in packets) grows by one per ACK in slow start
 * and by 1/cwnd per ACK after. The fraction F of ACKs that echo a CE mark is
 * measured over each window of data; alpha = (1 - g) alpha + g F; on an
 * echoed mark the window shrinks once per window of data to
 * cwnd (1 - alpha / 2) (Alizadeh et al., SIGCOMM 2010).
 *
 * Acknowledgement. Every ACK names the data packet it acknowledges and the
 * receiver's cumulative point; the sender keeps one state byte per packet in
 * flight, which is SACK without a block limit. With ack_every = B (Ultra
 * Ethernet's ACK coalescing; htsim's uec sink, -sack_threshold) the receiver
 * acknowledges once B wire bytes have arrived since its last ACK, and at
 * once: the subflow's first and last packets, a packet marked CE, a
 * duplicate, a packet the sender asks an ACK for (AR: its last packet, the
 * one that fills its window, a retransmission; if it came above a hole,
 * again once the hole is filled), every packet while a trimmed one is
 * missing, and a packet more than 32 beyond the cumulative point. Such an
 * ACK carries, instead of a packet's number, a bitmap of the 32 packets
 * above the cumulative point (htsim's SACK bitmap has 64): out-of-order
 * packets are coalesced too, and no timer is needed (AR ends every flight).
 * A marked packet is acknowledged at once, so at most one packet of an ACK
 * was marked: dctcp counts one per ECE and its marked fraction stays exact.
 *
 * Loss detection is time based, as RACK (RFC 8985): a packet is lost once a
 * packet sent after it has been acknowledged and more than the reordering
 * window has passed since it was sent. RACK's window of min_rtt / 4 suits
 * one path; across sprayed paths whose queues differ, packets arrive out of
 * order by as much as a queue's drain time, so the window here is 2 srtt
 * (srtt includes the queueing) and doubles each time the receiver reports a
 * duplicate (a spurious retransmission), up to 16 srtt; or it is the run's
 * dctcp.reorder_window. Packets merely overtaken on another path are
 * therefore not retransmitted, and a real loss costs about three RTTs. A loss halves
 * the window (once per window of data). When nothing comes back for an RTO
 * (max(min_rto, srtt + 4 rttvar), doubling on repeated timeouts) every
 * packet in flight is deemed lost and the window restarts at one packet.
 *
 * Receiver. It counts each payload byte once, echoes CE as ECE, and flags
 * the ACK of a duplicate (DSACK). The subflow is delivered when its last
 * new byte arrives.
 *
 * Subflows. The k subflows of a transfer share the initial window: subflow
 * i starts with its share of init_window (ns_sflow_share: the window cut as
 * the bytes are, at least one packet), so the first RTT of a transfer
 * carries init_window packets however it is split (k of them when k is
 * larger).
 *
 * Connections. Under run{connections = "persistent"} (conn.c) a transfer
 * saves for its pair of hosts: the sum of its subflows' windows and of their
 * slow-start thresholds (infinite if any is), the mean of their alpha, of
 * their srtt and rttvar (over those with an RTT sample), the least min_rtt,
 * the largest RTO and reordering multiplier. The next transfer's subflows
 * load their share of the window and threshold and the rest as saved.
 */
#include <config.h>
#include "packet_int.h"

#include <stdio.h>
#include <string.h>
#include "nscc.h"
#include "sim/alloc.h"
#include "sim/prefetch.h"
#include "sim/settings.h"
#include "sim/units.h"

/* the settings: run{dctcp = {...}} */
typedef struct ns_dctcp_cfg {
    uint32_t init_window;    /* packets */
    uint32_t ack_every;      /* wire bytes a receiver may take in order before it acknowledges; 0: every packet */
    ns_time  min_rto_ps;
    double   g;              /* EWMA gain of the marked fraction */
    ns_time  reorder_ps;     /* a hole is a loss once a later-sent packet was acked this long ago; 0 = srtt/4 */
} ns_dctcp_cfg;

_Static_assert(sizeof(ns_dctcp_cfg) <= NS_TP_SETTINGS_BYTES, "dctcp settings outgrow the run configuration");

/* transport = "uec": this file's acknowledgements, loss detection and
 * timers with NSCC's window (nscc.h); run{uec = {...}} */
typedef struct ns_uec_cfg {
    ns_dctcp_cfg base;       /* first: cfg_of() reads it */
    ns_time      target_ps;  /* NSCC's target queueing delay; 0: the network's base RTT */
} ns_uec_cfg;

_Static_assert(sizeof(ns_uec_cfg) <= NS_TP_SETTINGS_BYTES, "uec settings outgrow the run configuration");

extern const ns_transport ns_tp_uec;
#define IS_UEC(n) ((n)->tp == &ns_tp_uec)

static inline const ns_dctcp_cfg *
cfg_of(const ns_pnet *n)
{
    return (const ns_dctcp_cfg *)n->tp_settings.bytes;
}

enum {
    PS_ACKED = 1,   /* acknowledged */
    PS_LOST  = 2,   /* deemed lost, waiting to be sent again */
    PS_RETX  = 4    /* the copy in flight is a retransmission */
};

#define NS_PF_DSACK 16   /* ACK: of a duplicate */
#define NS_PF_AR    16   /* data: acknowledge at once (ack_every; the same bit, on data) */
#define NS_PF_SACKMAP 4  /* ACK: seq is a bitmap of [cum + 1, cum + 32] received (ack_every;
                          * the bit is NS_PF_RETX, which only data packets carry) */
#define SACKMAP_BITS 32
#define RING0 32         /* packets the inline rings hold */

typedef struct ns_dctcp ns_dctcp;

struct ns_dctcp {
    ns_event  rto_ev;        /* retransmission timer, re-armed lazily */
    ns_sflow *f;
    ns_pnet  *n;
    /* sender */
    double    cwnd, ssthresh, alpha;   /* packets, packets, fraction */
    uint32_t  una, nxt;      /* lowest unacknowledged; next new packet */
    uint32_t  inflight;      /* sent and neither acknowledged nor deemed lost */
    uint32_t  nlost;         /* deemed lost and not yet sent again */
    uint32_t  retx_inflight; /* retransmissions in flight */
    uint32_t  rtx_cursor;    /* no lost packet below this */
    uint32_t  orig_scan;     /* original sends below this are acknowledged, lost or resent */
    uint32_t  win_end, win_acked, win_marked;   /* the alpha observation window */
    uint32_t  cwr_end;       /* no second reduction until una passes this */
    uint32_t  reo_mult;      /* reordering window, in units of 2 srtt */
    ns_time   rack_ps;       /* latest send time among acknowledged packets */
    ns_time   srtt, rttvar, min_rtt, rto;
    ns_time   progress_ps;   /* the RTO counts from here */
    ns_time  *sent;          /* ring: send time of each packet's latest copy */
    uint8_t  *st;            /* ring: PS_* flags */
    uint32_t  cap;           /* ring size, a power of two, > nxt - una */
    /* receiver */
    uint32_t  rnxt;          /* next packet expected in order */
    uint8_t  *got;           /* ring over [rnxt, rnxt + rcap): received */
    uint32_t  rcap;
    uint32_t  rheld;         /* packets received above rnxt (holes below them) */
    uint32_t  racc;          /* wire bytes received since the last ACK (ack_every) */
    uint32_t  rwant;         /* ack_every: acknowledge once rnxt reaches it (an AR packet came
                              * above a hole); 0: nothing asked */
    uint32_t  rtrim;         /* ack_every: acknowledge every packet until rnxt reaches it (a
                              * packet was trimmed: the sender may wait for news); 0: none */
    /* the rings start here, inline (no allocation per subflow); they move to
     * the heap only if a window outgrows them */
    ns_time   sent0[RING0];
    uint8_t   st0[RING0], got0[RING0];
    ns_nscc   nscc;          /* transport = "uec": its window, in bytes */
};

/* what a transfer carries for its pair under persistent connections:
 * sums and extremes over its subflows (see the top of the file) */
typedef struct ns_dctcp_conn {
    double   cwnd, ssthresh;   /* sums, packets; ssthresh >= SS_INF: infinite */
    double   alpha;            /* sum */
    double   srtt, rttvar;     /* sums over the nrtt subflows with a sample, ps */
    ns_time  min_rtt, rto;     /* least, largest */
    uint32_t n, nrtt;          /* subflows folded; those with an RTT sample */
    uint32_t reo_mult;         /* largest */
} ns_dctcp_conn;

#define SS_INF 1e18            /* ssthresh before the first reduction */

static void rto_fire(void *simp, ns_event *ev);

#ifdef NS_DEBUG
#include <assert.h>
/* the counters agree with the per-packet states */
static void
check(ns_dctcp *d)
{
    uint32_t infl = 0, lost = 0, retx = 0;
    for (uint32_t s = d->una; s < d->nxt; s++) {
        uint8_t st = d->st[s & (d->cap - 1)];
        infl += st == 0 || st == PS_RETX;
        lost += st == PS_LOST;
        retx += st == PS_RETX;
    }
    assert(infl == d->inflight && lost == d->nlost && retx == d->retx_inflight);
}
#define CHECK(d) check(d)
#else
#define CHECK(d) ((void)0)
#endif

/* --- rings ---------------------------------------------------------------- */

static int
grow_send_ring(ns_dctcp *d, uint32_t need)
{
    uint32_t cap = d->cap;
    while (cap < need)
        cap *= 2;
    ns_time *sent = ns_alloc(cap * sizeof *sent);
    uint8_t *st = ns_alloc(cap);
    if (!sent || !st) {
        ns_free(sent);
        ns_free(st);
        return -1;
    }
    for (uint32_t s = d->una; s != d->nxt; s++) {
        sent[s & (cap - 1)] = d->sent[s & (d->cap - 1)];
        st[s & (cap - 1)] = d->st[s & (d->cap - 1)];
    }
    if (d->sent != d->sent0) {
        ns_free(d->sent);
        ns_free(d->st);
    }
    d->sent = sent;
    d->st = st;
    d->cap = cap;
    return 0;
}

static inline uint8_t *st_of(ns_dctcp *d, uint32_t s) { return &d->st[s & (d->cap - 1)]; }
static inline ns_time *sent_of(ns_dctcp *d, uint32_t s) { return &d->sent[s & (d->cap - 1)]; }

/* --- life cycle ------------------------------------------------------------ */

static int
dctcp_init(ns_pnet *n, ns_sflow *f)
{
    const ns_dctcp_cfg *c = cfg_of(n);
    ns_dctcp *d = ns_sflow_tp_mem(f);
    memset(d, 0, sizeof *d);
    d->cap = d->rcap = RING0;
    d->sent = d->sent0;
    d->st = d->st0;
    d->got = d->got0;
    ns_event_init(&d->rto_ev, rto_fire);
    d->f = f;
    d->n = n;
    d->cwnd = ns_sflow_share(n, f, c->init_window);   /* the transfer's subflows share it */
    d->ssthresh = SS_INF;
    d->alpha = 1.0;          /* as the DCTCP paper: start cautious */
    d->reo_mult = 1;
    d->win_end = (uint32_t)d->cwnd;
    d->min_rtt = NS_TIME_MAX;
    d->rack_ps = -1;
    d->rto = c->min_rto_ps;
    f->tp = d;
    if (IS_UEC(n)) {   /* NSCC's window: 1.5 bandwidth-delay products of the network, to start */
        const ns_fabric *fab = n->fab;
        const ns_flink *nic = &fab->links[n->hosts[f->tx].link];
        ns_time rtt = (ns_time)((double)ns_switch_bdp_bytes(fab, nic) * 8e12 / (double)nic->rate_bps);
        ns_nscc_init(&d->nscc, (double)nic->rate_bps / 8, rtt, fab->mtu, ((const ns_uec_cfg *)c)->target_ps);
        d->cwnd = d->nscc.wnd / fab->mtu;
    }
    return 0;
}

static void
dctcp_fini(ns_pnet *n, ns_sflow *f)
{
    ns_dctcp *d = f->tp;
    if (!d)
        return;
    ns_sim_cancel(n->sim, &d->rto_ev);
    if (d->sent != d->sent0) {
        ns_free(d->sent);
        ns_free(d->st);
    }
    if (d->got != d->got0)
        ns_free(d->got);
    f->tp = NULL;   /* its memory goes with the subflow's */
}

static void
arm_rto(ns_dctcp *d)
{
    if (!ns_event_pending(&d->rto_ev))
        ns_sim_at(d->n->sim, &d->rto_ev, ns_time_add(d->progress_ps, d->rto));
}

/* --- sending --------------------------------------------------------------- */

/* dctcp_next would give nothing until an ACK or the timer: the window is
 * full, or everything is sent and nothing is lost (ns_transport.blocked) */
static int
dctcp_blocked(ns_pnet *n, const ns_sflow *f)
{
    (void)n;
    const ns_dctcp *d = f->tp;
    if ((double)d->inflight >= d->cwnd && d->inflight > 0)
        return 1;
    return d->nlost == 0 && d->nxt >= f->npkts;
}

static ns_pkt *
dctcp_next(ns_pnet *n, ns_sflow *f)
{
    ns_dctcp *d = f->tp;
    const ns_dctcp_cfg *c = cfg_of(n);
    if ((double)d->inflight >= d->cwnd && d->inflight > 0)
        return NULL;
    uint32_t s;
    int retx = 0;
    if (d->nlost > 0) {
        s = d->rtx_cursor > d->una ? d->rtx_cursor : d->una;   /* below una the ring holds newer packets */
        while (!(*st_of(d, s) & PS_LOST))
            s++;
        d->rtx_cursor = s + 1;
        d->nlost--;
        retx = 1;
    } else if (d->nxt < f->npkts) {
        if (d->nxt - d->una + 1 > d->cap && grow_send_ring(d, d->nxt - d->una + 1)) {
            ns_errorf(&n->sim->err, NS_ENOMEM, "out of memory for transport state");
            return NULL;
        }
        s = d->nxt++;
    } else {
        return NULL;
    }
    ns_pkt *p = ns_pkt_new(n, f, NS_PKT_DATA);
    if (!p)
        return NULL;
    if (d->inflight == 0)
        d->progress_ps = n->sim->now;   /* the RTO counts from the first packet in flight */
    p->seq = s;
    p->payload = ns_sflow_payload(n, f, s);
    p->size = p->payload + n->fab->header;
    p->flags |= NS_PF_ECT;
    *sent_of(d, s) = n->sim->now;
    if (retx) {
        p->flags |= NS_PF_RETX;
        *st_of(d, s) = PS_RETX;
        d->retx_inflight++;
        n->sim->xfer_pkt[f->xfer].retransmits++;
    } else {
        *st_of(d, s) = 0;
    }
    d->inflight++;
    /* coalesced ACKs: ask for one when nothing may follow for a while */
    if (c->ack_every && (retx || s + 1 == f->npkts || (double)d->inflight >= d->cwnd))
        p->flags |= NS_PF_AR;
    arm_rto(d);
    CHECK(d);
    return p;
}

/* --- receiving data --------------------------------------------------------- */

/* packet s lies beyond the bitmap a coalesced ACK carries */
static inline int
beyond_map(const ns_dctcp *d, uint32_t s)
{
    return s > d->rnxt && s - d->rnxt > SACKMAP_BITS;
}

/* under ack_every: whether the new packet p must be acknowledged at once
 * (see the top of the file) */
static int
ack_now(ns_dctcp *d, const ns_sflow *f, const ns_pkt *p, uint32_t ack_every)
{
    if ((p->flags & NS_PF_AR) && p->seq >= d->rnxt && p->seq + 1 > d->rwant)
        d->rwant = p->seq + 1;         /* above a hole: again once the hole is filled */
    if (d->rwant && d->rnxt >= d->rwant) {
        d->rwant = 0;
        return 1;
    }
    if (d->rtrim) {
        if (d->rnxt < d->rtrim)
            return 1;
        d->rtrim = 0;
    }
    return (p->flags & (NS_PF_CE | NS_PF_AR)) || d->racc >= ack_every
        || beyond_map(d, p->seq)
        || f->rcv_bytes == p->payload || f->rcv_bytes == f->bytes;   /* the first, the last */
}

/* the packets received in [rnxt + 1, rnxt + 32], bit i for rnxt + 1 + i
 * (the ring holds [rnxt, rnxt + rcap): nothing beyond it is received) */
static uint32_t
held_bits(const ns_dctcp *d)
{
    uint32_t b = 0, span = d->rcap - 1 < SACKMAP_BITS ? d->rcap - 1 : SACKMAP_BITS;
    for (uint32_t i = 0; d->rheld && i < span; i++)
        if (d->got[(d->rnxt + 1 + i) & (d->rcap - 1)])
            b |= 1u << i;
    return b;
}

/* an ACK of data packet p: per packet, it names p; coalesced, it carries
 * the bitmap of what is held above the cumulative point, unless p lies
 * beyond it (named) */
static int
send_ack(ns_pnet *n, ns_sflow *f, const ns_pkt *p, int dup, int map, int ce)
{
    ns_dctcp *d = f->tp;
    ns_pkt *a = ns_pkt_new(n, f, NS_PKT_ACK);
    if (!a)
        return -1;                     /* out of memory: the run stops with an error */
    a->cum = d->rnxt;
    if (map) {
        a->seq = held_bits(d);
        a->flags |= NS_PF_SACKMAP;
    } else {
        a->seq = p->seq;
    }
    a->sent_ps = p->sent_ps;           /* echo: the RTT sample is exact */
    a->size = n->ack_size;
    if (ce)
        a->flags |= NS_PF_ECE;
    if (dup)
        a->flags |= NS_PF_DSACK;
    ns_host_send_ctl(n, f->dst, a);
    return 0;
}

static void
dctcp_on_data(ns_pnet *n, ns_sflow *f, ns_pkt *p)
{
    ns_dctcp *d = f->tp;
    uint32_t ack_every = cfg_of(n)->ack_every;
    uint32_t s = p->seq, from = d->rnxt;
    int dup = 1, rc = 0;
    if (s >= d->rnxt) {
        if (s - d->rnxt >= d->rcap && ns_flag_ring_grow(&d->got, d->got0, &d->rcap, d->rnxt, s - d->rnxt + 1)) {
            ns_errorf(&n->sim->err, NS_ENOMEM, "out of memory for transport state");
            ns_pkt_free(n, p);
            return;
        }
        uint8_t *g = &d->got[s & (d->rcap - 1)];
        if (!*g) {
            *g = 1;
            dup = 0;
            f->rcv_bytes += p->payload;
            if (p->flags & NS_PF_CE)
                n->sim->xfer_pkt[f->xfer].ecn_marks++;
            while (d->got[d->rnxt & (d->rcap - 1)]) {
                d->got[d->rnxt & (d->rcap - 1)] = 0;
                d->rnxt++;
            }
            if (s == from)
                d->rheld -= d->rnxt - from - 1;   /* the held packets it joined up */
            else
                d->rheld++;
        }
    }
    if (!ack_every) {
        rc = send_ack(n, f, p, dup, 0, p->flags & NS_PF_CE);
    } else {
        if (!dup) {
            d->racc += p->size;
            if (!ack_now(d, f, p, ack_every)) {
                ns_pkt_free(n, p);   /* not the last packet: ack_now() says so */
                return;
            }
        }
        d->racc = 0;
        int far = beyond_map(d, s);
        if (far && d->rheld > 1)
            rc = send_ack(n, f, p, 0, 1, 0);   /* the bitmap for what it holds, then p by name */
        if (rc == 0)
            rc = send_ack(n, f, p, dup, !far, p->flags & NS_PF_CE);
    }
    ns_pkt_free(n, p);       /* the ACK still refers to f: f stays */
    if (rc == 0 && !dup && f->rcv_bytes == f->bytes)
        ns_sflow_delivered(n, f);
}

/* a switch trimmed data packet p to its header: ask for it again at once */
static void
dctcp_on_trimmed(ns_pnet *n, ns_sflow *f, ns_pkt *p)
{
    ns_dctcp *d = f->tp;
    if (cfg_of(n)->ack_every) {
        /* coalescing: the sender learns now what arrived (its window may
         * have shrunk below what is in flight, and nothing asks for an ACK
         * any more), and hears of every packet until the hole is filled */
        if (d->racc > 0 && send_ack(n, f, p, 0, 1, 0) == 0)
            d->racc = 0;
        if (p->seq + 1 > d->rtrim)
            d->rtrim = p->seq + 1;
    }
    ns_pkt *a = ns_pkt_new(n, f, NS_PKT_NAK);
    if (a) {
        a->seq = p->seq;
        a->cum = d->rnxt;
        a->sent_ps = p->sent_ps;
        a->size = n->ack_size;
    }
    ns_pkt_free(n, p);
    if (a)
        ns_host_send_ctl(n, f->dst, a);
}

/* --- receiving ACKs ---------------------------------------------------------- */

/* acknowledge packet s; returns 1 if it was not acknowledged before */
static int
ack_one(ns_dctcp *d, uint32_t s)
{
    uint8_t *st = st_of(d, s);
    if (*st & PS_ACKED)
        return 0;
    if (*st & PS_LOST)
        d->nlost--;                    /* came through after all: no need to resend */
    else {
        d->inflight--;
        if (*st & PS_RETX)
            d->retx_inflight--;
    }
    *st = PS_ACKED;
    return 1;
}

static void
mark_lost(ns_dctcp *d, uint32_t s)
{
    uint8_t *st = st_of(d, s);
    if (*st & PS_RETX)
        d->retx_inflight--;
    *st = PS_LOST;
    d->inflight--;
    d->nlost++;
    if (s < d->rtx_cursor)
        d->rtx_cursor = s;
}

static ns_time
reo_window(const ns_dctcp *d, const ns_dctcp_cfg *c)
{
    if (c->reorder_ps > 0)
        return c->reorder_ps;
    return ns_time_mul(ns_time_mul(d->srtt, 2), d->reo_mult);
}

/* RACK: packets sent more than the reordering window before the latest
 * acknowledged send are lost; returns how many were newly deemed lost */
static uint32_t
detect_losses(ns_dctcp *d, const ns_dctcp_cfg *c)
{
    if (d->rack_ps < 0)
        return 0;
    ns_time limit = d->rack_ps - reo_window(d, c);
    uint32_t lost = 0;
    if (d->orig_scan < d->una)
        d->orig_scan = d->una;
    /* original sends are in time order: stop at the first one still in time */
    while (d->orig_scan < d->nxt) {
        uint32_t s = d->orig_scan;
        uint8_t st = *st_of(d, s);
        if (st == 0) {
            if (*sent_of(d, s) >= limit)
                break;
            mark_lost(d, s);
            lost++;
        }
        d->orig_scan++;
    }
    /* retransmissions in flight (rare): scan the window */
    for (uint32_t s = d->una; d->retx_inflight > 0 && s < d->nxt; s++) {
        if (*st_of(d, s) == PS_RETX && *sent_of(d, s) < limit) {
            mark_lost(d, s);
            lost++;
        }
    }
    return lost;
}

static void
reduce_window(ns_dctcp *d, double factor)
{
    if (d->una < d->cwr_end)
        return;                        /* already reduced for this window of data */
    d->cwnd *= factor;
    if (d->cwnd < 1)
        d->cwnd = 1;
    d->ssthresh = d->cwnd;
    d->cwr_end = d->nxt;
}

static void
rtt_sample(ns_dctcp *d, ns_time r, const ns_dctcp_cfg *c)
{
    if (r < d->min_rtt)
        d->min_rtt = r;
    if (d->srtt == 0) {
        d->srtt = r;
        d->rttvar = r / 2;
    } else {
        ns_time diff = d->srtt > r ? d->srtt - r : r - d->srtt;
        d->rttvar = (ns_time)(((__int128)3 * d->rttvar + diff) / 4);   /* 128 bits: no overflow */
        d->srtt = (ns_time)(((__int128)7 * d->srtt + r) / 8);
    }
    d->rto = ns_time_add(d->srtt, ns_time_mul(d->rttvar, 4));
    if (d->rto < c->min_rto_ps)
        d->rto = c->min_rto_ps;
}

static void
dctcp_on_ack(ns_pnet *n, ns_sflow *f, ns_pkt *p)
{
    ns_dctcp *d = f->tp;
    const ns_dctcp_cfg *c = cfg_of(n);
    ns_time now = n->sim->now;
    uint32_t newly = 0;
    if (f->done) {
        ns_pkt_free(n, p);   /* a late ACK of a duplicate: the sender is finished */
        return;
    }
    if (p->type == NS_PKT_NAK) {
        /* a trimmed packet: lost for sure, sent again now; a sign of
         * congestion, answered as a loss (once per window) */
        uint32_t s = p->seq;
        if (s >= d->una && s < d->nxt && !(*st_of(d, s) & (PS_ACKED | PS_LOST))) {
            mark_lost(d, s);
            if (IS_UEC(n)) {
                ns_nscc_nack(&d->nscc, n->sim->now, n->fab->mtu);
                d->cwnd = d->nscc.wnd / n->fab->mtu;
            } else {
                reduce_window(d, 0.5);
            }
        }
        ns_pkt_free(n, p);
        CHECK(d);
        ns_host_resume(n, f);
        return;
    }
    uint32_t cum = p->cum < d->nxt ? p->cum : d->nxt;
    /* coalesced, the ACK's mark is the named packet's alone (a marked
     * packet is acknowledged at once): it counts if that packet is news */
    int map = (p->flags & NS_PF_SACKMAP) != 0;
    int named_new = !map && p->seq >= d->una && p->seq < d->nxt && !(*st_of(d, p->seq) & PS_ACKED);
    for (uint32_t s = d->una; s < cum; s++)
        newly += (uint32_t)ack_one(d, s);
    if (map) {                         /* the packets held above the cumulative point */
        for (uint32_t b = p->seq; b; b &= b - 1) {
            uint32_t s = p->cum + 1 + (uint32_t)__builtin_ctz(b);
            if (s >= d->una && s < d->nxt)
                newly += (uint32_t)ack_one(d, s);
        }
        named_new = newly > 0;         /* the packet it answers is among them, new unless ACKs crossed */
    } else if (p->seq >= d->una && p->seq < d->nxt) {
        newly += (uint32_t)ack_one(d, p->seq);
    }
    while (d->una < d->nxt && (*st_of(d, d->una) & PS_ACKED))
        d->una++;
    int ece = (p->flags & NS_PF_ECE) != 0;
    if (p->flags & NS_PF_DSACK && d->reo_mult < 8)
        d->reo_mult *= 2;              /* we retransmitted too early: wait longer */
    rtt_sample(d, now - p->sent_ps, c);
    if (p->sent_ps > d->rack_ps)
        d->rack_ps = p->sent_ps;

    if (newly && IS_UEC(n)) {
        d->progress_ps = now;
        ns_nscc_ack(&d->nscc, now, now - p->sent_ps, ece, (double)newly * n->fab->mtu);
        d->cwnd = d->nscc.wnd / n->fab->mtu;
    } else if (newly) {
        d->progress_ps = now;
        d->win_acked += newly;
        if (ece)
            d->win_marked += c->ack_every ? (uint32_t)named_new : newly;
        if (ece)
            reduce_window(d, 1.0 - d->alpha / 2);
        else if (d->cwnd < d->ssthresh)
            d->cwnd += newly;
        else
            d->cwnd += (double)newly / d->cwnd;
        if (d->una >= d->win_end) {
            double frac = d->win_acked ? (double)d->win_marked / (double)d->win_acked : 0;
            d->alpha = (1 - c->g) * d->alpha + c->g * frac;
            d->win_acked = d->win_marked = 0;
            d->win_end = d->nxt;
        }
    }
    uint32_t lost = detect_losses(d, c);
    if (lost && IS_UEC(n)) {
        ns_nscc_nack(&d->nscc, now, (double)lost * n->fab->mtu);
        d->cwnd = d->nscc.wnd / n->fab->mtu;
    } else if (lost) {
        reduce_window(d, 0.5);
    }
    CHECK(d);
    if (d->una == f->npkts) {
        ns_sim_cancel(n->sim, &d->rto_ev);
        ns_sflow_finish(n, f);   /* p still refers to f, so f stays until p goes */
        ns_pkt_free(n, p);
        return;
    }
    ns_pkt_free(n, p);
    ns_host_resume(n, f);
}

/* --- retransmission timeout --------------------------------------------------- */

static void
rto_fire(void *simp, ns_event *ev)
{
    ns_sim *sim = simp;
    ns_dctcp *d = ns_container_of(ev, ns_dctcp, rto_ev);
    if (d->inflight == 0)
        return;                        /* nothing outstanding: re-armed when something is sent */
    ns_time deadline = ns_time_add(d->progress_ps, d->rto);
    if (sim->now < deadline) {
        ns_sim_at(sim, &d->rto_ev, deadline);
        return;
    }
    /* a timeout: everything in flight is lost, start again from one packet */
    sim->xfer_pkt[d->f->xfer].timeouts++;
    ns_reps_timeout(d->n, d->f);
    for (uint32_t s = d->una; s < d->nxt; s++) {
        uint8_t st = *st_of(d, s);
        if (!(st & (PS_ACKED | PS_LOST)))
            mark_lost(d, s);
    }
    d->orig_scan = d->nxt;
    d->ssthresh = d->cwnd / 2 > 2 ? d->cwnd / 2 : 2;
    d->cwnd = 1;
    if (IS_UEC(d->n))
        d->nscc.wnd = d->nscc.min_wnd;
    d->cwr_end = d->nxt;
    ns_time cap = ns_time_mul(cfg_of(d->n)->min_rto_ps, 64);
    d->rto = ns_time_mul(d->rto, 2) < cap ? ns_time_mul(d->rto, 2) : cap;
    d->progress_ps = sim->now;
    CHECK(d);
    ns_host_resume(d->n, d->f);
}

/* --- persistent connections (conn.c) ----------------------------------------- */

static void
dctcp_conn_save(ns_pnet *n, const ns_sflow *f, void *state)
{
    (void)n;
    const ns_dctcp *d = f->tp;
    ns_dctcp_conn *r = state;  /* zeroed before the first subflow */
    if (!d)
        return;
    r->cwnd += d->cwnd;
    r->ssthresh = d->ssthresh >= SS_INF || r->ssthresh >= SS_INF ? SS_INF : r->ssthresh + d->ssthresh;
    r->alpha += d->alpha;
    if (d->srtt > 0) {
        r->srtt += (double)d->srtt;
        r->rttvar += (double)d->rttvar;
        if (r->nrtt == 0 || d->min_rtt < r->min_rtt)
            r->min_rtt = d->min_rtt;
        r->nrtt++;
    }
    if (d->rto > r->rto)
        r->rto = d->rto;
    if (d->reo_mult > r->reo_mult)
        r->reo_mult = d->reo_mult;
    r->n++;
}

static void
dctcp_conn_load(ns_pnet *n, ns_sflow *f, const void *state)
{
    ns_dctcp *d = f->tp;
    const ns_dctcp_conn *r = state;
    if (!d || r->n == 0)
        return;
    d->cwnd = ns_sflow_share(n, f, r->cwnd);
    d->ssthresh = r->ssthresh >= SS_INF ? SS_INF : ns_sflow_share(n, f, r->ssthresh);
    d->win_end = (uint32_t)d->cwnd;
    d->alpha = r->alpha / r->n;
    if (r->nrtt) {
        d->srtt = (ns_time)(r->srtt / r->nrtt + 0.5);
        d->rttvar = (ns_time)(r->rttvar / r->nrtt + 0.5);
        d->min_rtt = r->min_rtt;
    }
    if (r->rto > d->rto)
        d->rto = r->rto;
    if (r->reo_mult > d->reo_mult)
        d->reo_mult = r->reo_mult;
}

/* --- settings ---------------------------------------------------------------- */

static void
dctcp_defaults(void *settings)
{
    ns_dctcp_cfg *c = settings;
    memset(c, 0, sizeof *c);
    c->init_window = 10;
    c->min_rto_ps = 1 * NS_PS_PER_MS;
    c->g = 1.0 / 16;
    c->reorder_ps = 0;
}

#define ACK_EVERY_MAX (1u << 30)

/* ack_every: a size; 0 (or one packet or less) is an ACK per packet */
static int
parse_ack_every(const ns_settings *r, ns_dctcp_cfg *c)
{
    uint64_t b = r->size(r, "ack_every", c->ack_every);
    if (b > ACK_EVERY_MAX)
        return r->fail(r, "field 'ack_every' must be at most 1GiB (a size such as \"16KiB\"; 0 acknowledges every packet)");
    c->ack_every = (uint32_t)b;
    return NS_OK;
}

static int
dctcp_parse(const ns_settings *r, void *settings)
{
    static const char *const fields[] = {"init_window", "min_rto", "g", "reorder_window", "ack_every", NULL};
    ns_dctcp_cfg *c = settings;
    r->check_fields(r, fields);
    c->init_window = (uint32_t)r->integer(r, "init_window", c->init_window, 1, 1 << 20);
    c->min_rto_ps = r->time(r, "min_rto", c->min_rto_ps);
    c->g = r->number(r, "g", c->g, 1e-6, 1);
    c->reorder_ps = r->time(r, "reorder_window", c->reorder_ps);
    if (c->min_rto_ps <= 0)
        return r->fail(r, "field 'min_rto' must be positive");
    return parse_ack_every(r, c);
}

/* "an ACK per packet" or "an ACK every 16384 bytes" (exact: "16KiB" and
 * "16KB" differ) */
static void
describe_acks(const ns_dctcp_cfg *c, char *buf, size_t n)
{
    if (c->ack_every)
        snprintf(buf, n, "an ACK every %u bytes", c->ack_every);
    else
        snprintf(buf, n, "an ACK per packet");
}

static void
dctcp_describe(const void *settings, char *buf, size_t n)
{
    const ns_dctcp_cfg *c = settings;
    char rto[32], reo[32], acks[48];
    ns_format_time(c->min_rto_ps, rto, sizeof rto);
    ns_format_time(c->reorder_ps, reo, sizeof reo);
    describe_acks(c, acks, sizeof acks);
    snprintf(buf, n, "init_window %u packets, min_rto %s, g %g, reorder_window %s, %s", c->init_window, rto, c->g,
             c->reorder_ps ? reo : "2 srtt (adaptive)", acks);
}

/* each ns_prefetch of dctcp_fetch names one line of fields read together */
_Static_assert(offsetof(ns_dctcp, rnxt) / 64 == offsetof(ns_dctcp, cap) / 64 &&
               offsetof(ns_dctcp, rnxt) / 64 == offsetof(ns_dctcp, rcap) / 64,
               "dctcp_fetch: the ring sizes and the receiver's fields share a line");
_Static_assert(offsetof(ns_dctcp, sent) / 64 == offsetof(ns_dctcp, st) / 64 &&
               offsetof(ns_dctcp, sent) / 64 == offsetof(ns_dctcp, srtt) / 64,
               "dctcp_fetch: the rings and the RTT estimate share a line");

/* the lines of d that a packet reaching its host reads (ns_transport.fetch):
 * at the receiver, the header's first line and the receiver's fields, and
 * the inline ring entry of the packet; at the sender, the sender's fields
 * and the inline rings' entries of the packet acknowledged (and NSCC's
 * window under uec). A ring moved to the heap (a window past RING0) is not
 * fetched: that would read the state */
static void
dctcp_fetch(const ns_pnet *n, const ns_sflow *f, const ns_pkt *p)
{
    const char *d = ns_sflow_tp_cmem(f);
    uint32_t i = p->seq & (RING0 - 1);
    ns_prefetch(d);
    ns_prefetch(d + offsetof(ns_dctcp, rnxt));
    if (p->type == NS_PKT_DATA || p->type == NS_PKT_TRIMMED) {
        ns_prefetch(d + offsetof(ns_dctcp, got0) + i);
        return;
    }
    ns_prefetch(d + offsetof(ns_dctcp, una));
    ns_prefetch(d + offsetof(ns_dctcp, sent));
    ns_prefetch(d + offsetof(ns_dctcp, st0) + i);
    ns_prefetch(d + offsetof(ns_dctcp, sent0) + i * sizeof(ns_time));
    if (IS_UEC(n))
        ns_prefetch(d + offsetof(ns_dctcp, nscc));
}

const ns_transport ns_tp_dctcp = {
    .name = "dctcp", .flags = NS_TPF_ACKS | NS_TPF_ECN, .state_size = sizeof(ns_dctcp),
    .settings_size = sizeof(ns_dctcp_cfg), .defaults = dctcp_defaults, .parse = dctcp_parse,
    .init = dctcp_init, .next = dctcp_next, .blocked = dctcp_blocked, .on_data = dctcp_on_data, .on_ack = dctcp_on_ack,
    .on_trimmed = dctcp_on_trimmed, .fini = dctcp_fini, .fetch = dctcp_fetch,
    .conn_size = sizeof(ns_dctcp_conn), .conn_save = dctcp_conn_save, .conn_load = dctcp_conn_load,
    .describe = dctcp_describe
};

/* --- transport = "uec" -------------------------------------------------------- */

static void
uec_defaults(void *settings)
{
    ns_uec_cfg *c = settings;
    memset(c, 0, sizeof *c);
    dctcp_defaults(&c->base);
}

static int
uec_parse(const ns_settings *r, void *settings)
{
    static const char *const fields[] = {"min_rto", "reorder_window", "target_delay", "ack_every", NULL};
    ns_uec_cfg *c = settings;
    r->check_fields(r, fields);
    c->base.min_rto_ps = r->time(r, "min_rto", c->base.min_rto_ps);
    c->base.reorder_ps = r->time(r, "reorder_window", c->base.reorder_ps);
    c->target_ps = r->time(r, "target_delay", c->target_ps);
    if (c->base.min_rto_ps <= 0)
        return r->fail(r, "field 'min_rto' must be positive");
    return parse_ack_every(r, &c->base);
}

static void
uec_describe(const void *settings, char *buf, size_t n)
{
    const ns_uec_cfg *c = settings;
    char rto[32], reo[32], tgt[32], acks[48];
    ns_format_time(c->base.min_rto_ps, rto, sizeof rto);
    ns_format_time(c->base.reorder_ps, reo, sizeof reo);
    ns_format_time(c->target_ps, tgt, sizeof tgt);
    describe_acks(&c->base, acks, sizeof acks);
    snprintf(buf, n, "NSCC window (starts at 1.5 BDP), target_delay %s, min_rto %s, reorder_window %s, %s",
             c->target_ps ? tgt : "the base RTT", rto, c->base.reorder_ps ? reo : "2 srtt (adaptive)", acks);
}

const ns_transport ns_tp_uec = {
    .name = "uec", .flags = NS_TPF_ACKS | NS_TPF_ECN, .state_size = sizeof(ns_dctcp),
    .settings_size = sizeof(ns_uec_cfg), .defaults = uec_defaults, .parse = uec_parse,
    .init = dctcp_init, .next = dctcp_next, .blocked = dctcp_blocked, .on_data = dctcp_on_data, .on_ack = dctcp_on_ack,
    .on_trimmed = dctcp_on_trimmed, .fini = dctcp_fini, .fetch = dctcp_fetch,
    .describe = uec_describe
};
