/*
 * port.c - output-queued switch and NIC ports: FIFO service, finite buffers
 * (per port, or one pool per switch with a dynamic threshold), drop-tail,
 * RED-style ECN marking on the instantaneous queue, and counters; and, for
 * ports given classes, a scheduler with pause (packet_int.h).
 *
 * The fast path does not hold waiting packets in a queue: it keeps the time
 * its link is next free. A packet arriving at `now` starts serialization at
 * max(now, free_ps), so the bytes ahead of it are (free_ps - now) x rate.
 * A port with a scheduler keeps free_ps for the packet on the wire only and
 * its waiting packets in queues, but for a NIC's port into a PFC switch:
 * it too puts each packet on the wire behind the one before, and a pause
 * takes back those not yet started (take_back).
 */
#include <config.h>
#include "packet_int.h"
#include "sim/prefetch.h"

#include <assert.h>
#include "sim/alloc.h"
#include "sim/id.h"
#include "sim/rng.h"

uint64_t
ns_port_backlog(const ns_port *p, ns_time now)
{
    if (p->free_ps <= now)
        return 0;
    if (p->ps_per_byte)   /* rate x ps_per_byte = 8e12: the same ceiling, in 64 bits (no 128-bit division) */
        return ((uint64_t)(p->free_ps - now) + p->ps_per_byte - 1) / p->ps_per_byte;
    unsigned __int128 bits = (unsigned __int128)(uint64_t)(p->free_ps - now) * p->rate_bps;
    /* round up: a partly sent packet still occupies the buffer */
    return (uint64_t)((bits + 8 * (uint64_t)NS_PS_PER_S - 1) / (8 * (uint64_t)NS_PS_PER_S));
}

void
ns_port_set_rate(ns_port *p, uint64_t bps)
{
    uint64_t bits = 8 * (uint64_t)NS_PS_PER_S;   /* ps per byte at 1 b/s */
    p->rate_bps = bps;
    p->ps_per_byte = bits % bps == 0 && bits / bps <= UINT32_MAX ? (uint32_t)(bits / bps) : 0;
}

static inline ns_time
ser_ps(const ns_port *p, uint32_t bytes)
{
    return p->ps_per_byte ? (ns_time)bytes * p->ps_per_byte : ns_serialize_ps(bytes, p->rate_bps);
}

/* --- the shared pools (ns_swbuf in packet_int.h) --------------------------- */

static inline ns_swbuf *
swbuf_of(ns_pnet *n, const ns_port *p)
{
    return &n->swbuf[p->sw - n->fab->nhosts];
}

uint64_t
ns_switch_occupancy(const ns_pnet *n, uint32_t sw, ns_time now)
{
    const ns_fnode *node = &n->fab->nodes[sw];
    uint64_t total = 0;
    for (uint32_t i = 0; i < node->nlinks; i++)
        total += ns_port_queue(n, node->first_link + i, now);
    return total;
}

/* inlined in the fast path, as when it was their only caller */
#define HOT static inline __attribute__((always_inline))

/* 1 if a packet of `size` bytes finds no room */
HOT int
no_room(ns_pnet *n, const ns_port *p, uint64_t backlog, uint32_t size, ns_time now)
{
    if (!p->shared)
        return backlog + size > p->buffer_bytes;
    /* dynamic threshold (Choudhury and Hahne): at most alpha x the free
     * pool; first on the bound of what the switch holds, exactly only if
     * that refuses (ns_swbuf) */
    ns_swbuf *b = swbuf_of(n, p);
    uint64_t pool = p->buffer_bytes, need = backlog + size;
    if (b->bound + size <= pool && (double)need <= p->dt_alpha * (double)(pool - b->bound)) {
        b->bound += size;
        return 0;
    }
    uint64_t used = ns_switch_occupancy(n, p->sw, now);
    b->bound = used;
    if (used + size > pool || (double)need > p->dt_alpha * (double)(pool - used))
        return 1;
    b->bound += size;
    return 0;
}

double
ns_port_ecn_prob(uint64_t kmin, uint64_t kmax, double pmax, uint64_t backlog)
{
    if (backlog <= kmin)
        return 0;
    if (backlog > kmax)
        return 1;   /* kmin == kmax: a step */
    return pmax * (double)(backlog - kmin) / (double)(kmax - kmin);
}

HOT int
ecn_mark(ns_pnet *n, const ns_port *p, uint64_t backlog)
{
    if (backlog <= p->ecn_kmin)
        return 0;   /* without reading the rest of the port (ns_port) */
    double prob = ns_port_ecn_prob(p->ecn_kmin, p->ecn_kmax, p->ecn_pmax, backlog);
    if (prob >= 1)
        return 1;
    if (prob <= 0)
        return 0;
    /* a uniform draw from the port's index and its packet count (packet_int.h: ecn_key) */
    uint64_t h = ns_hash_draw(ns_hash64(n->ecn_key ^ (uint64_t)(p - n->ports)), p->packets);
    return (double)(h >> 11) * 0x1.0p-53 < prob;
}

/* put pkt on the wire of port p (link `link`) behind what it has accepted:
 * it starts when the link is free and arrives a serialization and a
 * latency later; the port's one event is its first packet's arrival */
HOT void
on_wire(ns_pnet *n, ns_port *p, uint32_t link, ns_pkt *pkt)
{
    ns_time now = n->sim->now;
    ns_time start = p->free_ps > now ? p->free_ps : now;
    p->free_ps = ns_time_add(start, ser_ps(p, pkt->size));
    ns_time arrive = ns_time_add(p->free_ps, p->latency_ps);
    pkt->in_link = link;
    pkt->next = NULL;
    if (p->tail) {
        p->tail->next = pkt;
        p->tail->next_ps = arrive;
    } else {
        p->head = pkt;
        ns_sim_at(n->sim, &p->ev, arrive);
    }
    p->tail = pkt;
}

static void sched_send(ns_pnet *n, uint32_t link, ns_pkt *pkt);

/* trimming: pkt found no room at port p; it goes on as its header, ahead
 * of the queue, as from a strict-priority queue: right after the packet on
 * the wire now (and any header already sent so), taking its own time on the
 * link (the backlog's end moves by it; the queued packets keep their times,
 * an approximation of a header's few bytes against a packet's) */
static void
ahead(ns_pnet *n, ns_port *p, uint32_t link, ns_pkt *pkt)
{
    ns_time now = n->sim->now;
    ns_time ser = ser_ps(p, pkt->size);
    /* the packet being serialised now: the first whose last bit leaves
     * after now. `at` is prev's arrival: the head's is the port event's
     * time (pending while the list is not empty), each next one's is in
     * the packet before it */
    ns_pkt *prev = p->head;
    ns_time at = prev ? p->ev.when_ps : 0;
    while (prev && at - p->latency_ps <= now) {
        at = prev->next_ps;
        prev = prev->next;
    }
    while (prev && prev->next && prev->next->type == NS_PKT_TRIMMED) {
        at = prev->next_ps;
        prev = prev->next;   /* behind the headers already sent ahead */
    }
    if (!prev) {   /* nothing queued (cannot be: it found no room); on the wire as usual */
        on_wire(n, p, link, pkt);
        return;
    }
    pkt->in_link = link;
    ns_time arrive = ns_time_add(at, ser);
    while (prev->next && prev->next_ps <= arrive)
        prev = prev->next;   /* the list stays in arrival order (a small packet may arrive as soon) */
    pkt->next = prev->next;
    pkt->next_ps = prev->next_ps;   /* meaningless when it is the tail, as for every tail */
    prev->next = pkt;
    prev->next_ps = arrive;
    if (p->tail == prev)
        p->tail = pkt;
    p->free_ps = ns_time_add(p->free_ps, ser);
    p->packets++;
    p->enq_bytes += pkt->size;
}

/* the cases ns_port_send takes out of line: a port with a scheduler, a
 * failed cable, a trimmed header at a busy trimming port */
static __attribute__((noinline)) void
send_special(ns_pnet *n, uint32_t link, ns_pkt *pkt)
{
    ns_port *p = &n->ports[link];
    if (p->sched)
        sched_send(n, link, pkt);
    else if (p->down)   /* a failed cable (failure.c) */
        ns_failures_lost(n, link, pkt);
    else
        ahead(n, p, link, pkt);   /* a header keeps its priority at every trimming switch */
}

/* pkt found no room at port p: a data packet at a trimming port goes on
 * as its header, anything else is dropped */
static __attribute__((noinline)) void
refuse(ns_pnet *n, ns_port *p, uint32_t link, ns_pkt *pkt)
{
    if (p->trim && pkt->type == NS_PKT_DATA) {
        pkt->type = NS_PKT_TRIMMED;
        pkt->size = n->fab->header;
        p->trims++;
        ahead(n, p, link, pkt);
        return;
    }
    p->drops++;
    ns_pkt_free(n, pkt);
}

/* ns_port_send, inline in a port's delivery (a switch forwarding), the
 * rare cases out of line */
HOT void
port_send(ns_pnet *n, uint32_t link, ns_pkt *pkt)
{
    ns_port *p = &n->ports[link];
    ns_time now = n->sim->now;
    /* (sched | down: both flags in one test) */
    if ((p->sched | p->down) || (pkt->type == NS_PKT_TRIMMED && p->trim && p->free_ps > now)) {
        send_special(n, link, pkt);
        return;
    }
    uint64_t backlog = ns_port_backlog(p, now);
    if (p->buffer_bytes && !n->unlimited && no_room(n, p, backlog, pkt->size, now)) {
        refuse(n, p, link, pkt);
        return;
    }
    if (p->ecn && (pkt->flags & NS_PF_ECT) && ecn_mark(n, p, backlog)) {
        pkt->flags |= NS_PF_CE;
        p->marks++;
    }
    p->enq_bytes += pkt->size;
    p->packets++;
    if (backlog + pkt->size > p->peak_bytes)
        p->peak_bytes = backlog + pkt->size;
    on_wire(n, p, link, pkt);
}

void
ns_port_send(ns_pnet *n, uint32_t link, ns_pkt *pkt)
{
    port_send(n, link, pkt);
}

/* fetch the two lines of link's scheduler that a one-class port (PFC's)
 * reads for a packet, when the run has schedulers (the address only:
 * nothing is read, and a port without one wastes a fetch) */
HOT void
fetch_sched(const ns_pnet *n, uint32_t link)
{
    if (n->sched) {
        const ns_port_sched *s = &n->sched[link];
        ns_prefetch(s);
        ns_prefetch((const char *)s + 64);
    }
}

/* fetch what the delivery of pkt, leaving on `out`, reads first: its port
 * out (both lines, and its scheduler's), or at its host its subflow, the
 * lines of its transport's state the transport names (ns_transport.fetch;
 * else the state's first 128 bytes) and the host's NIC */
HOT void
fetch_way_on(const ns_pnet *n, const ns_pkt *pkt, uint32_t out)
{
    if (out < NS_PKT_HOME) {
        ns_prefetch(&n->ports[out]);
        ns_prefetch((const char *)&n->ports[out] + 64);
        fetch_sched(n, out);
    } else if (out == NS_PKT_HOME) {
        const char *f = (const char *)pkt->flow;
        size_t end = NS_SFLOW_TP_OFF + (n->tp->fetch || !n->tp->state_size ? 0 : 128);   /* none past the object */
        for (size_t off = 0; off < end; off += 64)
            ns_prefetch(f + off);
        if (n->tp->fetch)
            n->tp->fetch(n, pkt->flow, pkt);
        /* and the NIC that answers it or sends on: the host, its port */
        const ns_phost *h = &n->hosts[pkt->dst];
        ns_prefetch(h);
        ns_prefetch((const char *)(h + 1) - 1);
        uint32_t nl = n->fab->host_link[pkt->dst];
        ns_prefetch(&n->ports[nl]);
        ns_prefetch((const char *)&n->ports[nl] + 64);
        fetch_sched(n, nl);
    }
}

static void sched_tx_done(void *simp, ns_event *ev);

/* the packet a one-class port's turn (serve) will take: its first header,
 * else the first of its class; NULL if none, or if it has classes (the
 * round robin decides) */
static inline const ns_pkt *
turn_packet(const ns_port_sched *s)
{
    if (s->nclasses != 1)
        return NULL;
    return s->qs[0].head ? s->qs[0].head : s->qs[1].head;   /* ns_sched_queue: headers, class 0 */
}

/* what a scheduler's turn (sched_tx_done) reads, for one whose event is
 * the second next: the packet it takes (the queues' line is most often
 * cached, a packet having joined them lately); and for one whose event is
 * next, the port it goes on and the counters of the ingress its packet
 * leaves (PFC). Out of line: where no port has a scheduler, the
 * delivery's code stays as it was */
static __attribute__((noinline)) void
fetch_turn_packet(const ns_port_sched *s)
{
    const ns_pkt *k = turn_packet(s);
    if (k)
        ns_prefetch(k);
}

static __attribute__((noinline)) void
fetch_turn(const ns_pnet *n, const ns_port_sched *s)
{
    const ns_port *p = &n->ports[s->link];
    ns_prefetch(p);
    ns_prefetch((const char *)p + 64);
    const ns_pkt *k = n->pfc ? turn_packet(s) : NULL;
    if (k && k->in_link != NS_NONE)
        ns_prefetch(&n->pfc[k->in_link]);
}

/*
 * The deliveries after this one, fetched ahead. In a large fabric the
 * lines a delivery reads (its port, its packet, the port it goes on to)
 * were last touched a serialization or a latency earlier, when the caches
 * held other ports' traffic: at 16,384 hosts, 61 events run in a simulated
 * nanosecond, and a prefetch issued when a packet becomes its port's head
 * is long evicted at its turn. What comes next in the calendar's order is
 * known, though: the next two events of the current bucket, or of the
 * next one (ns_evq_peek; a delivery is most often followed by one in the
 * same bucket: 76 % of pops at 1,024 hosts, 91 % at 4,096, and by the next
 * bucket's first in 14 % at 1,024). So each delivery fetches, for the
 * second, its packet (its port's line holds the pointer; that line was
 * fetched a pop earlier, as the line after it); for the first, whose
 * packet came a pop ago, the port out it will go to (or its subflow, and
 * its host's NIC); and the line of the event after them. A guess that
 * turns out wrong (an event pushed in between, a route that a failure
 * changes) only wastes a fetch. A scheduler's turn (a PFC port's link is
 * free for its next packet) looks ahead the same way, and is looked ahead
 * at: its packet two events before, its port one before (without it a
 * lossless run's turns waited on both: RoCE at 1,024 hosts 7.6 to 24 %
 * faster, bench/results-roce.md).
 */
HOT void
look_ahead(ns_pnet *n, const ns_evq *q)
{
    const ns_event *e1, *e2;
    const void *third = ns_evq_peek(q, &e1, &e2);
    if (e2) {
        ns_prefetch(third);
        if (e2->fn == ns_port_deliver)
            ns_prefetch(ns_container_of(e2, ns_port, ev)->head);
        else if (e2->fn == sched_tx_done)
            fetch_turn_packet(ns_container_of(e2, ns_port_sched, tx_ev));
    }
    if (!e1)
        return;
    if (e1->fn == ns_port_deliver) {
        const ns_port *p1 = ns_container_of(e1, ns_port, ev);
        const ns_pkt *k = p1->head;
        if (k) {
            uint32_t off, out = ns_pkt_peek_link(n, k, p1->to, &off);
            if (out != NS_NONE) {   /* kept for that delivery (where ns_lb_choose decides: not guessed) */
                n->peek_pkt = k;
                n->peek_out = out;
                n->peek_off = (uint16_t)off;
            }
            fetch_way_on(n, k, out);
            if (k->next)   /* and the bucket that delivery puts its port's next arrival in */
                ns_prefetch(ns_evq_bucket_of(q, k->next_ps));
            if (n->pfc)    /* and the counters of the ingress it arrives on (PFC) */
                ns_prefetch(&n->pfc[p1 - n->ports]);
        }
    } else if (e1->fn == sched_tx_done) {
        fetch_turn(n, ns_container_of(e1, ns_port_sched, tx_ev));
    }
}

void
ns_port_deliver(void *simp, ns_event *ev)
{
    ns_sim *sim = simp;
    ns_pnet *n = (ns_pnet *)sim->net;
    ns_port *p = ns_container_of(ev, ns_port, ev);
    ns_pkt *pkt = p->head;
    /* where it goes next first, so that the memory it goes to is on its way
     * while this port's next arrival is scheduled (the look-ahead of the
     * delivery before fetched it already, mostly): the lookup reads no
     * state that scheduling changes */
    uint32_t out;
    if (pkt == n->peek_pkt) {
        /* the look-ahead of the delivery before found its link and fetched
         * what it goes to: nothing can have moved it since (only a
         * delivery moves a packet on, or spends its offset, and a failure
         * clears the guess) */
        out = n->peek_out;
        pkt->path_off = n->peek_off;
    } else {
        out = ns_pkt_next_link(n, pkt, p->to);
        fetch_way_on(n, pkt, out);
    }
    n->peek_pkt = NULL;
    look_ahead(n, &sim->evq);
    p->head = pkt->next;
    if (p->head) {
        /* (not fetched now: its turn comes a serialization later, thousands
         * of events on in a large fabric, and the look-ahead fetches it) */
        ns_sim_at(sim, &p->ev, pkt->next_ps);
    } else {
        p->tail = NULL;
    }
    if (ns_pkt_arrive(n, pkt, p->to, out))
        port_send(n, out, pkt);
}

/* --- ports with a scheduler ------------------------------------------------- */

int
ns_port_set_classes(ns_pnet *n, uint32_t link, uint32_t nclasses, const uint8_t *prio, const uint32_t *quantum)
{
    ns_port *p = &n->ports[link];
    if (nclasses < 1 || nclasses > NS_PORT_CLASSES)
        return ns_errorf(&n->sim->err, NS_EINVAL, "a port has 1 to %d classes, not %u", NS_PORT_CLASSES, nclasses);
    for (uint32_t c = 0; c < nclasses; c++)
        if (quantum[c] == 0)
            return ns_errorf(&n->sim->err, NS_EINVAL, "class %u of a port has a weight of 0 bytes", c);
    if (p->head || p->free_ps > n->sim->now)
        return ns_errorf(&n->sim->err, NS_EINVAL, "internal error: classes given to a busy port");
    if (!n->sched) {   /* one for every link: 320 bytes a link, against a port's 256 */
        size_t nl = n->fab->nlinks ? n->fab->nlinks : 1;
        n->sched_mem = ns_calloc(1, nl * sizeof *n->sched + _Alignof(ns_port_sched) - 1);
        if (!n->sched_mem)
            return ns_enomem(&n->sim->err, "port schedulers");
        n->sched = (ns_port_sched *)(((uintptr_t)n->sched_mem + _Alignof(ns_port_sched) - 1) &
                                     ~(uintptr_t)(_Alignof(ns_port_sched) - 1));
    }
    ns_port_sched *s = &n->sched[link];
    if (!p->sched) {
        ns_event_init(&s->tx_ev, sched_tx_done);
        s->link = link;
    }
    s->nclasses = nclasses;
    for (uint32_t c = 0; c < nclasses; c++) {
        s->prio[c] = prio[c];
        s->quantum[c] = quantum[c];
        s->deficit[c] = 0;
    }
    s->rr = 0;
    s->fresh = 0;
    p->sched = 1;
    return NS_OK;
}

/* free what the schedulers hold (packets still queued go with their pool) */
void
ns_port_sched_free(ns_pnet *n)
{
    if (!n->sched)
        return;
    for (size_t l = 0; l < n->fab->nlinks; l++) {
        if (n->ports[l].sched)
            ns_sim_cancel(n->sim, &n->sched[l].tx_ev);
    }
    ns_free(n->sched_mem);
    n->sched = NULL;
    n->sched_mem = NULL;
}

static inline int
sendable(ns_port_sched *s, uint32_t q)
{
    return ns_sched_queue(s, q)->head && !(s->paused & (1u << q));
}

/* the class to serve next: the best priority level with a sendable class,
 * and in it deficit round robin; -1 if nothing may be sent */
static int
pick(ns_port_sched *s)
{
    if (sendable(s, NS_PORT_HEADERS))
        return NS_PORT_HEADERS;
    if (s->nclasses == 1)   /* PFC's ports: nothing to share */
        return sendable(s, 0) ? 0 : -1;
    int level = -1;
    for (uint32_t c = 0; c < s->nclasses; c++)
        if (sendable(s, c) && (level < 0 || s->prio[c] < level))
            level = s->prio[c];
    if (level < 0)
        return -1;
    /* ends: every pass over the classes adds a quantum (> 0) to each
     * sendable class of the level */
    for (;;) {
        uint32_t c = s->rr;
        if (sendable(s, c) && s->prio[c] == level) {
            if (!s->fresh) {
                s->deficit[c] += s->quantum[c];   /* its turn begins */
                s->fresh = 1;
            }
            uint32_t size = ns_sched_queue(s, c)->head->size;
            if (s->deficit[c] >= size) {
                s->deficit[c] -= size;
                return (int)c;
            }
        } else if (!ns_sched_queue(s, c)->head) {
            s->deficit[c] = 0;   /* an empty class keeps no credit */
        }
        s->rr = (c + 1) % s->nclasses;
        s->fresh = 0;
    }
}

/* the first packet of queue q, taken off it */
static inline ns_pkt *
dequeue(ns_port_sched *s, uint32_t q)
{
    ns_pktq *w = ns_sched_queue(s, q);
    ns_pkt *pkt = w->head;
    w->head = pkt->next;
    if (!w->head)
        w->tail = NULL;
    s->queued -= pkt->size;
    return pkt;
}

/* put pkt on the wire of port p (a scheduler's): at once if its link is
 * free, or behind what is on it (a NIC's port, below) */
static inline void
transmit(ns_pnet *n, ns_port *p, ns_port_sched *s, ns_pkt *pkt)
{
    if (n->pfc && pkt->in_link != NS_NONE)
        ns_pfc_leave(n, pkt);   /* it leaves the switch it came into */
    on_wire(n, p, s->link, pkt);
}

/* start sending the next packet if the link is free and one may go. The
 * port's event (tx_ev) is armed only while packets wait: a packet that
 * finds the port idle goes at once (sched_send), and costs no event more
 * than on the fast path. */
static void
serve(ns_pnet *n, ns_port *p, ns_port_sched *s)
{
    ns_time now = n->sim->now;
    if (p->free_ps > now) {   /* the link is busy: come back when it is free */
        if (s->queued && !ns_event_pending(&s->tx_ev))
            ns_sim_at(n->sim, &s->tx_ev, p->free_ps);
        return;
    }
    int q = pick(s);
    if (q < 0)
        return;
    transmit(n, p, s, dequeue(s, (uint32_t)q));
    if (s->queued) {
        if (ns_event_pending(&s->tx_ev))
            ns_sim_cancel(n->sim, &s->tx_ev);   /* due now, behind this packet's arrival */
        ns_sim_at(n->sim, &s->tx_ev, p->free_ps);
    }
}

static void
sched_tx_done(void *simp, ns_event *ev)
{
    ns_sim *sim = simp;
    ns_pnet *n = (ns_pnet *)sim->net;
    ns_port_sched *s = ns_container_of(ev, ns_port_sched, tx_ev);
    n->peek_pkt = NULL;   /* (a guess is a delivery's, for the delivery right after it) */
    look_ahead(n, &sim->evq);
    serve(n, &n->ports[s->link], s);
    if (s->host && ns_port_ready(n, s->link))
        ns_host_kick(n, ns_host_link_sender(n, s->link));   /* the NIC may hand it the next packet */
}

int
ns_port_ready(const ns_pnet *n, uint32_t link)
{
    const ns_port_sched *s = &n->sched[link];
    return !s->queued && !s->paused;   /* the host sends when the link is free (its free_ps) */
}

static void
enqueue(ns_port_sched *s, uint32_t q, ns_pkt *pkt)
{
    ns_pktq *w = ns_sched_queue(s, q);
    pkt->next = NULL;
    if (w->tail)
        w->tail->next = pkt;
    else
        w->head = pkt;
    w->tail = pkt;
    s->queued += pkt->size;
}

/* the fast path's admission, marking and counters, then a queue */
static void
sched_send(ns_pnet *n, uint32_t link, ns_pkt *pkt)
{
    ns_port *p = &n->ports[link];
    ns_port_sched *s = &n->sched[link];
    ns_time now = n->sim->now;
    uint64_t backlog = ns_port_queue(n, link, now);
    if (p->buffer_bytes && !n->unlimited && !p->lossless && no_room(n, p, backlog, pkt->size, now)) {
        p->drops++;
        ns_pkt_free(n, pkt);
        return;
    }
    if (p->ecn && (pkt->flags & NS_PF_ECT) && ecn_mark(n, p, backlog)) {
        pkt->flags |= NS_PF_CE;
        p->marks++;
    }
    p->enq_bytes += pkt->size;
    p->packets++;
    if (backlog + pkt->size > p->peak_bytes)
        p->peak_bytes = backlog + pkt->size;
    if (ns_sched_eager(s)) {
        /* on the wire at once, behind what is on it (an ACK behind the
         * data packet being sent). Nothing waits in its queue unless it is
         * paused. */
        if (s->paused)
            enqueue(s, 0, pkt);
        else
            transmit(n, p, s, pkt);
        return;
    }
    if (s->nclasses == 1 && !s->queued && !s->paused && p->free_ps <= now) {
        /* one class (PFC's ports), nothing waits and the link is free: at
         * once (with classes, the round robin's turn must see it) */
        transmit(n, p, s, pkt);
        return;
    }
    uint32_t c = ns_pkt_class(pkt);
    enqueue(s, c < s->nclasses ? c : s->nclasses - 1, pkt);
    serve(n, p, s);
}

void
ns_port_send_header(ns_pnet *n, uint32_t link, ns_pkt *pkt)
{
    ns_port *p = &n->ports[link];
    ns_port_sched *s = &n->sched[link];
    assert(p->sched);
    uint64_t backlog = ns_port_queue(n, link, n->sim->now);
    if (p->shared)
        swbuf_of(n, p)->bound += pkt->size;   /* admitted without no_room: the bound counts it */
    p->enq_bytes += pkt->size;
    p->packets++;
    if (backlog + pkt->size > p->peak_bytes)
        p->peak_bytes = backlog + pkt->size;
    enqueue(s, NS_PORT_HEADERS, pkt);
    serve(n, p, s);
}

/* a NIC's port pauses: the packets on its wire that have not started
 * before now (control packets behind the data packet being sent; one that
 * would start now waits too) come off it, in order, into its queue */
static void
take_back(ns_pnet *n, ns_port *p, ns_port_sched *s)
{
    ns_time now = n->sim->now;
    ns_pkt *prev = NULL, *k = p->head;
    ns_time at = k ? p->ev.when_ps : 0, prev_at = 0;   /* k's arrival at the far end, prev's */
    while (k && at - p->latency_ps - ser_ps(p, k->size) < now) {   /* started: it goes on */
        prev = k;
        prev_at = at;
        at = k->next_ps;
        k = k->next;
    }
    if (!k)
        return;
    if (prev) {
        prev->next = NULL;
        p->tail = prev;
        p->free_ps = prev_at - p->latency_ps;
    } else {   /* the head would start now: nothing is on the wire */
        ns_sim_cancel(n->sim, &p->ev);
        p->head = p->tail = NULL;
        p->free_ps = now;
    }
    while (k) {
        ns_pkt *next = k->next;
        k->in_link = NS_NONE;   /* (on_wire set it): it came from the host */
        enqueue(s, 0, k);
        k = next;
    }
}

void
ns_port_pause(ns_pnet *n, uint32_t link, uint32_t classes)
{
    ns_port_sched *s = &n->sched[link];
    assert(n->ports[link].sched);
    uint32_t was = s->paused;
    s->paused |= classes & NS_PORT_ALL;
    if (ns_sched_eager(s) && !was && s->paused)
        take_back(n, &n->ports[link], s);
}

void
ns_port_resume(ns_pnet *n, uint32_t link, uint32_t classes)
{
    ns_port_sched *s = &n->sched[link];
    ns_port *p = &n->ports[link];
    assert(p->sched);
    s->paused &= ~classes;
    if (ns_sched_eager(s)) {   /* everything waiting goes on the wire (sched_send) */
        int q;
        while (!s->paused && (q = pick(s)) >= 0)
            transmit(n, p, s, dequeue(s, (uint32_t)q));
    } else {
        serve(n, p, s);
    }
    if (s->host && ns_port_ready(n, link))
        ns_host_kick(n, ns_host_link_sender(n, link));
}
