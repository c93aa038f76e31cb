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
 * its waiting packets in queues.
 */
#include <config.h>
#include "packet_int.h"

#include <assert.h>
#include "sim/alloc.h"
#include "sim/rng.h"

uint64_t
ns_port_backlog(const ns_port *p, ns_time now)
{
    if (p->free_ps <= now)
        return 0;
    unsigned __int128 bits = (unsigned __int128)(uint64_t)(p->free_ps - now) * p->rate_bps;
    /* round up: a partly sent packet still occupies the buffer */
    return (uint64_t)((bits + 8 * (uint64_t)NS_PS_PER_S - 1) / (8 * (uint64_t)NS_PS_PER_S));
}

static inline ns_time
ser_ps(const ns_port *p, uint32_t bytes)
{
    return p->ps_per_byte ? (ns_time)(bytes * p->ps_per_byte) : ns_serialize_ps(bytes, p->rate_bps);
}

/* bytes queued in all ports of switch `sw` (shared buffer) */
static uint64_t
switch_occupancy(const ns_pnet *n, uint32_t sw, ns_time now)
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
no_room(const ns_pnet *n, const ns_port *p, uint64_t backlog, uint32_t size, ns_time now)
{
    if (!p->shared)
        return backlog + size > p->buffer_bytes;
    const ns_switch_cfg *c = &n->fab->cfgs[n->fab->nodes[p->sw].cfg];
    uint64_t used = switch_occupancy(n, p->sw, now);
    if (used + size > c->buffer_bytes)
        return 1;
    /* dynamic threshold (Choudhury and Hahne): alpha x the free pool */
    double threshold = c->dt_alpha * (double)(c->buffer_bytes - used);
    return (double)(backlog + size) > threshold;
}

double
ns_port_ecn_prob(const ns_switch_cfg *c, uint64_t backlog)
{
    if (backlog <= c->ecn_kmin)
        return 0;
    if (backlog > c->ecn_kmax)
        return 1;
    return c->ecn_pmax * (double)(backlog - c->ecn_kmin) / (double)(c->ecn_kmax - c->ecn_kmin);
}

HOT int
ecn_mark(ns_pnet *n, const ns_port *p, uint64_t backlog)
{
    double prob = ns_port_ecn_prob(&n->fab->cfgs[n->fab->nodes[p->sw].cfg], backlog);
    return prob >= 1 || (prob > 0 && ns_rng_uniform(n->ecn_rng) < prob);
}

static void sched_send(ns_pnet *n, uint32_t link, ns_pkt *pkt);

void
ns_port_send(ns_pnet *n, uint32_t link, ns_pkt *pkt)
{
    ns_port *p = &n->ports[link];
    if (p->sched) {
        sched_send(n, link, pkt);
        return;
    }
    ns_time now = n->sim->now;
    uint64_t backlog = ns_port_backlog(p, now);
    if (p->buffer_bytes && !n->unlimited && no_room(n, p, backlog, pkt->size, now)) {
        p->drops++;
        ns_pkt_free(n, pkt);
        return;
    }
    if (p->ecn && (pkt->flags & NS_PF_ECT) && ecn_mark(n, p, backlog)) {
        pkt->flags |= NS_PF_CE;
        p->marks++;
    }
    ns_time start = p->free_ps > now ? p->free_ps : now;
    p->free_ps = ns_time_add(start, ser_ps(p, pkt->size));
    p->enq_bytes += pkt->size;
    p->packets++;
    if (backlog + pkt->size > p->peak_bytes)
        p->peak_bytes = backlog + pkt->size;
    pkt->at = p->to;
    pkt->arrive_ps = ns_time_add(p->free_ps, p->latency_ps);
    pkt->next = NULL;
    if (p->tail) {
        p->tail->next = pkt;
    } else {
        p->head = pkt;
        ns_sim_at(n->sim, &p->ev, pkt->arrive_ps);
    }
    p->tail = pkt;
}

void
ns_port_deliver(void *simp, ns_event *ev)
{
    ns_sim *sim = simp;
    ns_port *p = ns_container_of(ev, ns_port, ev);
    ns_pkt *pkt = p->head;
    p->head = pkt->next;
    if (p->head)
        ns_sim_at(sim, &p->ev, p->head->arrive_ps);
    else
        p->tail = NULL;
    ns_pkt_arrive((ns_pnet *)sim->net, pkt);
}

/* --- ports with a scheduler ------------------------------------------------- */

static void sched_tx_done(void *simp, ns_event *ev);

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
    if (!n->sched) {
        n->sched = ns_calloc(n->fab->nlinks ? n->fab->nlinks : 1, sizeof *n->sched);
        if (!n->sched)
            return ns_enomem(&n->sim->err, "port schedulers");
    }
    ns_port_sched *s = n->sched[link];
    if (!s) {
        s = ns_calloc(1, sizeof *s);
        if (!s)
            return ns_enomem(&n->sim->err, "port schedulers");
        n->sched[link] = s;
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
        if (n->sched[l]) {
            ns_sim_cancel(n->sim, &n->sched[l]->tx_ev);
            ns_free(n->sched[l]);
        }
    }
    ns_free(n->sched);
    n->sched = NULL;
}

static inline int
sendable(const ns_port_sched *s, uint32_t q)
{
    return s->q[q].head && !(s->paused & (1u << q));
}

/* the class to serve next: the best priority level with a sendable class,
 * and in it deficit round robin; -1 if nothing may be sent */
static int
pick(ns_port_sched *s)
{
    if (sendable(s, NS_PORT_HEADERS))
        return NS_PORT_HEADERS;
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
            uint32_t size = s->q[c].head->size;
            if (s->deficit[c] >= size) {
                s->deficit[c] -= size;
                return (int)c;
            }
        } else if (!s->q[c].head) {
            s->deficit[c] = 0;   /* an empty class keeps no credit */
        }
        s->rr = (c + 1) % s->nclasses;
        s->fresh = 0;
    }
}

/* start sending the next packet if the link is free and one may go */
static void
serve(ns_pnet *n, ns_port *p, ns_port_sched *s)
{
    if (s->busy)
        return;
    int q = pick(s);
    if (q < 0)
        return;
    ns_pkt *pkt = s->q[q].head;
    s->q[q].head = pkt->next;
    if (!s->q[q].head)
        s->q[q].tail = NULL;
    s->queued -= pkt->size;
    ns_time now = n->sim->now;
    ns_time start = p->free_ps > now ? p->free_ps : now;
    p->free_ps = ns_time_add(start, ser_ps(p, pkt->size));
    pkt->at = p->to;
    pkt->arrive_ps = ns_time_add(p->free_ps, p->latency_ps);
    pkt->next = NULL;
    if (p->tail) {
        p->tail->next = pkt;
    } else {
        p->head = pkt;
        ns_sim_at(n->sim, &p->ev, pkt->arrive_ps);
    }
    p->tail = pkt;
    s->busy = 1;
    ns_sim_at(n->sim, &s->tx_ev, p->free_ps);
}

static void
sched_tx_done(void *simp, ns_event *ev)
{
    ns_sim *sim = simp;
    ns_pnet *n = (ns_pnet *)sim->net;
    ns_port_sched *s = ns_container_of(ev, ns_port_sched, tx_ev);
    s->busy = 0;
    serve(n, &n->ports[s->link], s);
}

static void
enqueue(ns_port_sched *s, uint32_t q, ns_pkt *pkt)
{
    pkt->next = NULL;
    if (s->q[q].tail)
        s->q[q].tail->next = pkt;
    else
        s->q[q].head = pkt;
    s->q[q].tail = pkt;
    s->queued += pkt->size;
}

/* the fast path's admission, marking and counters, then a queue */
static void
sched_send(ns_pnet *n, uint32_t link, ns_pkt *pkt)
{
    ns_port *p = &n->ports[link];
    ns_port_sched *s = n->sched[link];
    ns_time now = n->sim->now;
    uint64_t backlog = ns_port_queue(n, link, now);
    if (p->buffer_bytes && !n->unlimited && no_room(n, p, backlog, pkt->size, now)) {
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
    uint32_t c = ns_pkt_class(pkt);
    enqueue(s, c < s->nclasses ? c : s->nclasses - 1, pkt);
    serve(n, p, s);
}

void
ns_port_send_header(ns_pnet *n, uint32_t link, ns_pkt *pkt)
{
    ns_port *p = &n->ports[link];
    ns_port_sched *s = n->sched[link];
    assert(p->sched);
    uint64_t backlog = ns_port_queue(n, link, n->sim->now);
    p->enq_bytes += pkt->size;
    p->packets++;
    if (backlog + pkt->size > p->peak_bytes)
        p->peak_bytes = backlog + pkt->size;
    enqueue(s, NS_PORT_HEADERS, pkt);
    serve(n, p, s);
}

void
ns_port_pause(ns_pnet *n, uint32_t link, uint32_t classes)
{
    assert(n->ports[link].sched);
    n->sched[link]->paused |= classes & NS_PORT_ALL;
}

void
ns_port_resume(ns_pnet *n, uint32_t link, uint32_t classes)
{
    ns_port_sched *s = n->sched[link];
    assert(n->ports[link].sched);
    s->paused &= ~classes;
    serve(n, &n->ports[link], s);
}
