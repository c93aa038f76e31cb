/*
 * transport_dcqcn.c - a RoCEv2 NIC with DCQCN (Zhu et al., "Congestion
 * Control for Large-Scale RDMA Deployments", SIGCOMM 2015): rate-based, no
 * window; each subflow is a queue pair of its own.
 *
 * Sender (reaction point). It starts at the line rate of its host's NIC and
 * paces its packets at its current rate RC: a packet may leave size / RC
 * after the previous one; when it is too early next() returns NULL and arms
 * the subflow's pacing timer, which puts the subflow back on the NIC's ring.
 * The rate arithmetic is in dcqcn_rate.h: a CNP cuts the rate and raises
 * alpha, alpha decays every K without a CNP, and the rate recovers on the
 * increase timer (every T from the last cut) and the byte counter (every B
 * bytes sent): F stages of fast recovery, then additive and hyper increase.
 * The alpha timer is kept lazily: at a CNP, alpha first decays once per K
 * elapsed since the previous CNP (or the start), then the K period restarts.
 *
 * Receiver (notification point). It acknowledges every data packet (the
 * packet and its cumulative point), and sends a CNP when a data packet
 * arrives CE-marked, at most one per cnp_interval per subflow.
 *
 * Loss recovery. Go-back-N (the default, as most RoCE NICs): the receiver
 * takes only the next packet in order and drops any other; the first
 * out-of-order arrival after its expected point moved sends a NAK naming that
 * point, and the sender goes back and sends everything again from there.
 * recovery = "selective" (IRN, Mittal et al., SIGCOMM 2018): the receiver
 * keeps out-of-order packets and NAKs each one with its cumulative point and
 * the packet's number; the sender resends only the packets below that number
 * not yet acknowledged, each once (a lost resend waits for the timeout).
 * A retransmission timeout (no progress of the cumulative point for rto
 * while packets are outstanding) resends from the cumulative point; the
 * timeout does not back off (a NIC retries with its fixed timeout).
 *
 * Connections. Under run{connections = "persistent"} (conn.c) a transfer
 * leaves its pair the sums of its queue pairs' current and target rates and
 * of their alpha; the next transfer's k queue pairs start at rate / k each
 * and the mean alpha, and recover from there by the timer and the byte
 * counter as after a cut (the timers do not run while the pair is idle).
 * Each queue pair otherwise starts at the line rate, as a NIC's does.
 */
#include <config.h>
#include "packet_int.h"
#include "dcqcn_rate.h"

#include <stdio.h>
#include <string.h>
#include "sim/alloc.h"
#include "sim/settings.h"
#include "sim/units.h"

/* the settings: run{dcqcn = {...}} */
typedef struct ns_dcqcn_cfg {
    double   g;              /* alpha gain */
    double   init_alpha;
    ns_time  cnp_interval_ps;   /* N: at most one CNP per subflow this often */
    ns_time  alpha_timer_ps;    /* K */
    ns_time  rate_timer_ps;     /* T */
    ns_time  rto_ps;
    uint64_t byte_counter;      /* B, bytes */
    uint64_t rai_bps, rhai_bps, min_rate_bps;
    uint32_t stages;            /* F */
    uint8_t  rate_control;      /* 0: plain RoCE at line rate */
    uint8_t  recovery;          /* REC_* */
} ns_dcqcn_cfg;

enum { REC_GOBACKN = 0, REC_SELECTIVE = 1 };
static const char *const recovery_names[] = {"gobackn", "selective", NULL};

_Static_assert(sizeof(ns_dcqcn_cfg) <= NS_TP_SETTINGS_BYTES, "dcqcn settings outgrow the run configuration");

static inline const ns_dcqcn_cfg *
cfg_of(const ns_pnet *n)
{
    return (const ns_dcqcn_cfg *)n->tp_settings.bytes;
}

/* per-packet states of the selective sender */
enum {
    PS_ACKED = 1,
    PS_LOST  = 2,   /* to be sent again */
    PS_RETX  = 4    /* sent again, not yet acknowledged */
};

#define RING0 32

typedef struct ns_dcqcn ns_dcqcn;

struct ns_dcqcn {
    ns_event  pace_ev;       /* the pacing gap is over */
    ns_event  incr_ev;       /* the rate increase timer T */
    ns_event  rto_ev;        /* retransmission timer, re-armed lazily */
    ns_sflow *f;
    ns_pnet  *n;
    ns_dcqcn_params p;
    ns_dcqcn_rate   r;
    /* sender */
    uint32_t  una;           /* lowest packet not acknowledged */
    uint32_t  nxt;           /* next packet to send (go-back-N moves it back) */
    uint32_t  hi;            /* one past the highest packet ever sent */
    uint32_t  nlost;         /* selective: packets to send again */
    uint32_t  lost_cursor;   /* selective: no lost packet below this */
    uint32_t  nak_hi;        /* selective: packets below this were looked at by a NAK */
    ns_time   next_tx_ps;    /* pacing: the next packet may leave then */
    ns_time   alpha_ps;      /* alpha has decayed up to here */
    ns_time   progress_ps;   /* the RTO counts from here */
    uint64_t  bc_bytes;      /* bytes sent since the byte counter last expired */
    uint8_t  *st;            /* selective: ring of PS_* over [una, hi) */
    uint32_t  cap;
    /* receiver */
    uint32_t  rnxt;          /* next packet expected in order */
    uint32_t  nak_at;        /* go-back-N: rnxt when the last NAK was sent (UINT32_MAX: none) */
    ns_time   cnp_ps;        /* when the last CNP was sent; -1: never */
    uint8_t  *got;           /* selective: ring over [rnxt, rnxt + rcap): received */
    uint32_t  rcap;
    uint8_t   st0[RING0], got0[RING0];
};

static void pace_fire(void *simp, ns_event *ev);
static void incr_fire(void *simp, ns_event *ev);
static void rto_fire(void *simp, ns_event *ev);

/* --- rings (selective recovery) ---------------------------------------------- */

static int
grow_send_ring(ns_dcqcn *d, uint32_t need)
{
    uint32_t cap = d->cap;
    while (cap < need)
        cap *= 2;
    uint8_t *st = ns_alloc(cap);
    if (!st)
        return -1;
    for (uint32_t s = d->una; s != d->hi; s++)
        st[s & (cap - 1)] = d->st[s & (d->cap - 1)];
    if (d->st != d->st0)
        ns_free(d->st);
    d->st = st;
    d->cap = cap;
    return 0;
}

static inline uint8_t *st_of(ns_dcqcn *d, uint32_t s) { return &d->st[s & (d->cap - 1)]; }

/* --- life cycle ------------------------------------------------------------ */

static int
dcqcn_init(ns_pnet *n, ns_sflow *f)
{
    const ns_dcqcn_cfg *c = cfg_of(n);
    ns_dcqcn *d = ns_sflow_tp_mem(f);
    memset(d, 0, sizeof *d);
    ns_event_init(&d->pace_ev, pace_fire);
    ns_event_init(&d->incr_ev, incr_fire);
    ns_event_init(&d->rto_ev, rto_fire);
    d->f = f;
    d->n = n;
    d->p.line_bps = (double)n->ports[n->hosts[f->tx].link].rate_bps;   /* its NIC, or its NVLink port */
    d->p.min_bps = (double)c->min_rate_bps;
    if (d->p.min_bps > d->p.line_bps)
        d->p.min_bps = d->p.line_bps;
    d->p.rai_bps = (double)c->rai_bps;
    d->p.rhai_bps = (double)c->rhai_bps;
    d->p.g = c->g;
    d->p.stages = c->stages;
    ns_dcqcn_start(&d->r, &d->p, c->init_alpha);
    d->alpha_ps = n->sim->now;
    d->next_tx_ps = n->sim->now;
    d->cap = d->rcap = RING0;
    d->st = d->st0;
    d->got = d->got0;
    d->nak_at = UINT32_MAX;
    d->cnp_ps = -1;
    f->tp = d;
    return 0;
}

static void
stop_timers(ns_pnet *n, ns_dcqcn *d)
{
    ns_sim_cancel(n->sim, &d->pace_ev);
    ns_sim_cancel(n->sim, &d->incr_ev);
    ns_sim_cancel(n->sim, &d->rto_ev);
}

static void
dcqcn_fini(ns_pnet *n, ns_sflow *f)
{
    ns_dcqcn *d = f->tp;
    if (!d)
        return;
    stop_timers(n, d);
    if (d->st != d->st0)
        ns_free(d->st);
    if (d->got != d->got0)
        ns_free(d->got);
    f->tp = NULL;   /* its memory goes with the subflow's */
}

static void
arm_rto(ns_dcqcn *d)
{
    if (!ns_event_pending(&d->rto_ev))
        ns_sim_at(d->n->sim, &d->rto_ev, ns_time_add(d->progress_ps, cfg_of(d->n)->rto_ps));
}

/* the rate is below the line rate: the increase timer runs */
static int
recovering(const ns_dcqcn *d)
{
    return d->r.rc_bps < d->p.line_bps || d->r.rt_bps < d->p.line_bps;
}

/* --- sending --------------------------------------------------------------- */

static ns_pkt *
dcqcn_next(ns_pnet *n, ns_sflow *f)
{
    ns_dcqcn *d = f->tp;
    const ns_dcqcn_cfg *c = cfg_of(n);
    ns_time now = n->sim->now;
    uint32_t s;
    int retx = 0;
    if (c->recovery == REC_SELECTIVE && d->nlost > 0) {
        s = d->lost_cursor > d->una ? d->lost_cursor : d->una;
        while (!(*st_of(d, s) & PS_LOST))
            s++;
    } else if (d->nxt < f->npkts) {
        s = d->nxt;
    } else {
        return NULL;
    }
    if (c->rate_control && now < d->next_tx_ps) {
        if (!ns_event_pending(&d->pace_ev))
            ns_sim_at(n->sim, &d->pace_ev, d->next_tx_ps);
        return NULL;
    }
    if (c->recovery == REC_SELECTIVE) {
        if (s == d->nxt && d->nlost == 0) {
            if (d->hi - d->una + 1 > d->cap && grow_send_ring(d, d->hi - d->una + 1)) {
                ns_errorf(&n->sim->err, NS_ENOMEM, "out of memory for transport state");
                return NULL;
            }
        } else {
            retx = 1;
        }
    } else {
        retx = s < d->hi;
    }
    ns_pkt *p = ns_pkt_new(n, f, NS_PKT_DATA);
    if (!p)
        return NULL;
    if (d->una == d->hi)
        d->progress_ps = now;   /* the RTO counts from the first packet outstanding */
    p->seq = s;
    p->payload = ns_sflow_payload(n, f, s);
    p->size = p->payload + n->fab->header;
    p->flags |= NS_PF_ECT;
    if (c->recovery == REC_SELECTIVE) {
        if (retx) {
            *st_of(d, s) = PS_RETX;
            d->nlost--;
            d->lost_cursor = s + 1;
        } else {
            *st_of(d, s) = 0;
            d->nxt++;
        }
    } else {
        d->nxt++;
    }
    if (s + 1 > d->hi)
        d->hi = s + 1;
    if (retx) {
        p->flags |= NS_PF_RETX;
        n->sim->xfer_pkt[f->xfer].retransmits++;
    }
    if (c->rate_control) {
        d->next_tx_ps = now + (ns_time)((double)p->size * 8e12 / d->r.rc_bps);
        /* slower than the NIC: off its ring until the gap is over (host.c) */
        f->held = d->r.rc_bps < d->p.line_bps;
        f->hold_ps = d->next_tx_ps;
        if (f->held && !ns_event_pending(&d->pace_ev))
            ns_sim_at(n->sim, &d->pace_ev, d->next_tx_ps);
        if (recovering(d)) {
            d->bc_bytes += p->size;
            if (d->bc_bytes >= c->byte_counter) {
                d->bc_bytes -= c->byte_counter;
                ns_dcqcn_on_increase(&d->r, &d->p, NS_DCQCN_BYTES);
            }
        }
    }
    arm_rto(d);
    return p;
}

static void
pace_fire(void *simp, ns_event *ev)
{
    (void)simp;
    ns_dcqcn *d = ns_container_of(ev, ns_dcqcn, pace_ev);
    ns_host_resume(d->n, d->f);
}

static void
incr_fire(void *simp, ns_event *ev)
{
    ns_sim *sim = simp;
    ns_dcqcn *d = ns_container_of(ev, ns_dcqcn, incr_ev);
    ns_dcqcn_on_increase(&d->r, &d->p, NS_DCQCN_TIMER);
    if (recovering(d))
        ns_sim_at(sim, &d->incr_ev, ns_time_add(sim->now, cfg_of(d->n)->rate_timer_ps));
}

/* --- persistent connections (conn.c) ---------------------------------------- */

/* what a transfer carries for its pair under run{connections = "persistent"}:
 * the sums of its queue pairs' current and target rates and of their alpha.
 * The next transfer's k queue pairs take rate / k each (within the minimum
 * and the line rate), the mean alpha, and recover from there as after a cut */
typedef struct ns_dcqcn_conn {
    double   rc_bps, rt_bps, alpha;   /* sums */
    uint32_t n;                       /* queue pairs folded */
} ns_dcqcn_conn;

static void
dcqcn_conn_save(ns_pnet *n, const ns_sflow *f, void *state)
{
    const ns_dcqcn *d = f->tp;
    ns_dcqcn_conn *r = state;
    if (!d)
        return;
    /* alpha decays lazily (at the next CNP): what is carried has decayed
     * for every alpha timer period the queue pair sent without a CNP */
    const ns_dcqcn_cfg *c = cfg_of(n);
    ns_dcqcn_rate now = d->r;
    if (n->sim->now > d->alpha_ps)
        ns_dcqcn_alpha_decay(&now, &d->p, (uint64_t)((n->sim->now - d->alpha_ps) / c->alpha_timer_ps));
    r->rc_bps += now.rc_bps;
    r->rt_bps += now.rt_bps;
    r->alpha += now.alpha;
    r->n++;
}

static double
clamp_rate(const ns_dcqcn *d, double bps)
{
    return bps > d->p.line_bps ? d->p.line_bps : bps < d->p.min_bps ? d->p.min_bps : bps;
}

static void
dcqcn_conn_load(ns_pnet *n, ns_sflow *f, const void *state)
{
    ns_dcqcn *d = f->tp;
    const ns_dcqcn_conn *r = state;
    if (!d || r->n == 0 || !cfg_of(n)->rate_control)
        return;
    double k = n->sim->xfers[f->xfer].subflows;
    d->r.rc_bps = clamp_rate(d, r->rc_bps / k);
    d->r.rt_bps = clamp_rate(d, r->rt_bps / k);
    d->r.alpha = r->alpha / r->n;
    if (recovering(d))
        ns_sim_at(n->sim, &d->incr_ev, ns_time_add(n->sim->now, cfg_of(n)->rate_timer_ps));
}

/* --- the receiver ------------------------------------------------------------ */

/* a control packet of f to its sender */
static ns_pkt *
ctl(ns_pnet *n, ns_sflow *f, int type, uint32_t seq, uint32_t cum, const ns_pkt *data)
{
    ns_pkt *a = ns_pkt_new(n, f, type);
    if (!a)
        return NULL;
    a->seq = seq;
    a->cum = cum;
    a->sent_ps = data->sent_ps;
    a->size = n->ack_size;
    return a;
}

static void
dcqcn_on_data(ns_pnet *n, ns_sflow *f, ns_pkt *p)
{
    ns_dcqcn *d = f->tp;
    const ns_dcqcn_cfg *c = cfg_of(n);
    uint32_t s = p->seq;
    int ce = (p->flags & NS_PF_CE) != 0, fresh = 0, type = NS_PKT_ACK, reply = 1;
    if (c->recovery == REC_SELECTIVE) {
        if (s >= d->rnxt) {
            if (s - d->rnxt >= d->rcap && ns_flag_ring_grow(&d->got, d->got0, &d->rcap, d->rnxt, s - d->rnxt + 1)) {
                ns_errorf(&n->sim->err, NS_ENOMEM, "out of memory for transport state");
                ns_pkt_free(n, p);
                return;
            }
            uint8_t *g = &d->got[s & (d->rcap - 1)];
            if (!*g) {
                *g = 1;
                fresh = 1;
                while (d->got[d->rnxt & (d->rcap - 1)]) {
                    d->got[d->rnxt & (d->rcap - 1)] = 0;
                    d->rnxt++;
                }
            }
            if (s > d->rnxt)
                type = NS_PKT_NAK;   /* a gap below s: say which */
        }
    } else if (s == d->rnxt) {
        fresh = 1;
        d->rnxt++;
    } else if (s > d->rnxt) {
        /* go-back-N: dropped; one NAK per gap (until the expected point moves) */
        type = NS_PKT_NAK;
        reply = d->nak_at != d->rnxt;
        d->nak_at = d->rnxt;
    }
    if (fresh) {
        f->rcv_bytes += p->payload;
        if (ce)
            n->sim->xfer_pkt[f->xfer].ecn_marks++;
    }
    ns_pkt *a = reply ? ctl(n, f, type, s, d->rnxt, p) : NULL;
    ns_pkt *cnp = NULL;
    ns_time now = n->sim->now;
    int want_cnp = c->rate_control && ce && (d->cnp_ps < 0 || now - d->cnp_ps >= c->cnp_interval_ps);
    if (want_cnp) {
        cnp = ctl(n, f, NS_PKT_CNP, s, d->rnxt, p);
        d->cnp_ps = now;
    }
    ns_pkt_free(n, p);       /* a and cnp still refer to f: f stays */
    if ((reply && !a) || (want_cnp && !cnp)) {
        if (a)
            ns_pkt_free(n, a);   /* out of memory: the run stops with an error */
        if (cnp)
            ns_pkt_free(n, cnp);
        return;
    }
    if (cnp)
        ns_host_send_ctl(n, f->dst, cnp);   /* the CNP first: it changes the rate */
    if (a)
        ns_host_send_ctl(n, f->dst, a);
    if (fresh && f->rcv_bytes == f->bytes)
        ns_sflow_delivered(n, f);
}

/* --- the sender's feedback ----------------------------------------------------- */

static void
on_cnp(ns_pnet *n, ns_dcqcn *d)
{
    const ns_dcqcn_cfg *c = cfg_of(n);
    ns_time now = n->sim->now;
    if (!c->rate_control)
        return;
    uint64_t m = (uint64_t)((now - d->alpha_ps) / c->alpha_timer_ps);
    ns_dcqcn_alpha_decay(&d->r, &d->p, m);
    d->alpha_ps = now;                 /* the alpha timer restarts */
    ns_dcqcn_on_cnp(&d->r, &d->p);
    d->bc_bytes = 0;
    ns_sim_cancel(n->sim, &d->incr_ev);
    ns_sim_at(n->sim, &d->incr_ev, ns_time_add(now, c->rate_timer_ps));
}

/* selective: packet s has arrived; returns 1 if it was not acknowledged before */
static int
ack_one(ns_dcqcn *d, uint32_t s)
{
    uint8_t *st = st_of(d, s);
    if (*st & PS_ACKED)
        return 0;
    if (*st & PS_LOST)
        d->nlost--;
    *st = PS_ACKED;
    return 1;
}

/* the receiver's cumulative point is cum */
static void
advance(ns_pnet *n, ns_dcqcn *d, uint32_t cum)
{
    const ns_dcqcn_cfg *c = cfg_of(n);
    if (cum > d->hi)
        cum = d->hi;
    if (cum <= d->una)
        return;
    if (c->recovery == REC_SELECTIVE) {
        for (uint32_t s = d->una; s < cum; s++)
            ack_one(d, s);
    }
    d->una = cum;
    if (d->nxt < d->una)
        d->nxt = d->una;
    d->progress_ps = n->sim->now;
}

static void
dcqcn_on_ack(ns_pnet *n, ns_sflow *f, ns_pkt *p)
{
    ns_dcqcn *d = f->tp;
    const ns_dcqcn_cfg *c = cfg_of(n);
    if (f->done) {
        ns_pkt_free(n, p);   /* late feedback: the sender is finished */
        return;
    }
    if (p->type == NS_PKT_CNP) {
        on_cnp(n, d);
        ns_pkt_free(n, p);
        return;
    }
    advance(n, d, p->cum);
    if (c->recovery == REC_SELECTIVE) {
        uint32_t s = p->seq;
        if (s >= d->una && s < d->hi)
            ack_one(d, s);
        if (p->type == NS_PKT_NAK && s < d->hi) {
            /* the packets below s not acknowledged, and not yet looked at, are lost */
            uint32_t from = d->nak_hi > d->una ? d->nak_hi : d->una;
            for (uint32_t k = from; k < s; k++) {
                uint8_t *st = st_of(d, k);
                if (*st == 0) {
                    *st = PS_LOST;
                    d->nlost++;
                    if (k < d->lost_cursor)
                        d->lost_cursor = k;
                }
            }
            if (s > d->nak_hi)
                d->nak_hi = s;
        }
        while (d->una < d->hi && (*st_of(d, d->una) & PS_ACKED))
            d->una++;
    } else if (p->type == NS_PKT_NAK && p->cum < d->nxt) {
        d->nxt = p->cum > d->una ? p->cum : d->una;   /* go back */
    }
    ns_pkt_free(n, p);
    if (d->una == f->npkts) {
        stop_timers(n, d);
        ns_sflow_finish(n, f);
        return;
    }
    ns_host_resume(n, f);
}

/* --- retransmission timeout --------------------------------------------------- */

static void
rto_fire(void *simp, ns_event *ev)
{
    ns_sim *sim = simp;
    ns_dcqcn *d = ns_container_of(ev, ns_dcqcn, rto_ev);
    const ns_dcqcn_cfg *c = cfg_of(d->n);
    if (d->una == d->hi)
        return;                        /* nothing outstanding: re-armed when something is sent */
    ns_time deadline = ns_time_add(d->progress_ps, c->rto_ps);
    if (sim->now < deadline) {
        ns_sim_at(sim, &d->rto_ev, deadline);
        return;
    }
    sim->xfer_pkt[d->f->xfer].timeouts++;
    ns_reps_timeout(d->n, d->f);
    if (c->recovery == REC_SELECTIVE) {
        for (uint32_t s = d->una; s < d->hi; s++) {
            uint8_t *st = st_of(d, s);
            if (!(*st & (PS_ACKED | PS_LOST))) {
                *st = PS_LOST;
                d->nlost++;
            }
        }
        d->lost_cursor = d->una;
        d->nak_hi = d->hi;
    } else {
        d->nxt = d->una;
    }
    d->progress_ps = sim->now;
    ns_sim_at(sim, &d->rto_ev, ns_time_add(sim->now, c->rto_ps));
    ns_host_resume(d->n, d->f);
}

/* --- settings ---------------------------------------------------------------- */

static void
dcqcn_defaults(void *settings)
{
    ns_dcqcn_cfg *c = settings;
    memset(c, 0, sizeof *c);
    /* DCQCN paper (Zhu et al. 2015), its parameter table and section 3 */
    c->g = 1.0 / 256;
    c->init_alpha = 1.0;
    c->cnp_interval_ps = 50 * NS_PS_PER_US;
    c->alpha_timer_ps = 55 * NS_PS_PER_US;
    c->rate_timer_ps = 55 * NS_PS_PER_US;
    c->byte_counter = 10 * 1000 * 1000;
    c->stages = 5;
    c->rai_bps = 40 * 1000 * 1000ull;
    /* R_HAI: ten times R_AI, the ratio of the ns-3 DCQCN model (HPCC code) */
    c->rhai_bps = 400 * 1000 * 1000ull;
    /* the ns-3 DCQCN model's minimum rate */
    c->min_rate_bps = 100 * 1000 * 1000ull;
    /* IRN (Mittal et al. 2018): RoCE's timeout tuned for a datacenter */
    c->rto_ps = 320 * NS_PS_PER_US;
    c->rate_control = 1;
    c->recovery = REC_GOBACKN;
}

static int
dcqcn_parse(const ns_settings *r, void *settings)
{
    static const char *const fields[] = {
        "g", "init_alpha", "cnp_interval", "alpha_timer", "rate_timer", "byte_counter",
        "fast_recovery_stages", "rai", "rhai", "min_rate", "rto", "rate_control", "recovery", NULL
    };
    ns_dcqcn_cfg *c = settings;
    r->check_fields(r, fields);
    c->g = r->number(r, "g", c->g, 1e-9, 1);
    c->init_alpha = r->number(r, "init_alpha", c->init_alpha, 0, 1);
    c->cnp_interval_ps = r->time(r, "cnp_interval", c->cnp_interval_ps);
    c->alpha_timer_ps = r->time(r, "alpha_timer", c->alpha_timer_ps);
    c->rate_timer_ps = r->time(r, "rate_timer", c->rate_timer_ps);
    c->byte_counter = r->size(r, "byte_counter", c->byte_counter);
    c->stages = (uint32_t)r->integer(r, "fast_recovery_stages", c->stages, 0, 1 << 20);
    c->rai_bps = r->rate(r, "rai", c->rai_bps);
    c->rhai_bps = r->rate(r, "rhai", c->rhai_bps);
    c->min_rate_bps = r->rate(r, "min_rate", c->min_rate_bps);
    c->rto_ps = r->time(r, "rto", c->rto_ps);
    c->rate_control = (uint8_t)r->boolean(r, "rate_control", c->rate_control);
    c->recovery = (uint8_t)r->option(r, "recovery", recovery_names, c->recovery);
    if (c->cnp_interval_ps < 0)
        return r->fail(r, "field 'cnp_interval' must not be negative");
    if (c->alpha_timer_ps <= 0)
        return r->fail(r, "field 'alpha_timer' must be positive");
    if (c->rate_timer_ps <= 0)
        return r->fail(r, "field 'rate_timer' must be positive");
    if (c->rto_ps <= 0)
        return r->fail(r, "field 'rto' must be positive");
    if (c->byte_counter == 0)
        return r->fail(r, "field 'byte_counter' must be positive");
    if (c->min_rate_bps == 0)
        return r->fail(r, "field 'min_rate' must be positive");
    return NS_OK;
}

static void
dcqcn_describe(const void *settings, char *buf, size_t n)
{
    const ns_dcqcn_cfg *c = settings;
    if (!c->rate_control) {
        snprintf(buf, n, "rate_control off (line rate), recovery %s", recovery_names[c->recovery]);
        return;
    }
    char cnp[32], k[32], t[32], b[32], ai[32], hai[32], rto[32];
    ns_format_time(c->cnp_interval_ps, cnp, sizeof cnp);
    ns_format_time(c->alpha_timer_ps, k, sizeof k);
    ns_format_time(c->rate_timer_ps, t, sizeof t);
    ns_format_size(c->byte_counter, b, sizeof b);
    ns_format_rate(c->rai_bps, ai, sizeof ai);
    ns_format_rate(c->rhai_bps, hai, sizeof hai);
    ns_format_time(c->rto_ps, rto, sizeof rto);
    snprintf(buf, n, "g %g, cnp_interval %s, alpha_timer %s, rate_timer %s, byte_counter %s, %u fast recovery "
             "stages, rai %s, rhai %s, recovery %s, rto %s", c->g, cnp, k, t, b, c->stages, ai, hai,
             recovery_names[c->recovery], rto);
}

const ns_transport ns_tp_dcqcn = {
    .name = "dcqcn", .flags = NS_TPF_ACKS | NS_TPF_ECN | NS_TPF_LOSSLESS, .state_size = sizeof(ns_dcqcn),
    .settings_size = sizeof(ns_dcqcn_cfg), .defaults = dcqcn_defaults, .parse = dcqcn_parse,
    .init = dcqcn_init, .next = dcqcn_next, .on_data = dcqcn_on_data, .on_ack = dcqcn_on_ack,
    .fini = dcqcn_fini,
    .conn_size = sizeof(ns_dcqcn_conn), .conn_save = dcqcn_conn_save, .conn_load = dcqcn_conn_load,
    .describe = dcqcn_describe
};
