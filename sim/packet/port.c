/*
 * port.c - output-queued switch and NIC ports: FIFO service, finite buffers
 * (per port, or one pool per switch with a dynamic threshold), drop-tail,
 * RED-style ECN marking on the instantaneous queue, and counters.
 *
 * A port does not hold its packets in a list: it keeps the time its link is
 * next free. A packet arriving at `now` starts serialization at
 * max(now, free_ps), so the bytes ahead of it are (free_ps - now) x rate.
 */
#include <config.h>
#include "packet_int.h"

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
        total += ns_port_backlog(&n->ports[node->first_link + i], now);
    return total;
}

/* 1 if a packet of `size` bytes finds no room */
static int
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

static int
ecn_mark(ns_pnet *n, const ns_port *p, uint64_t backlog)
{
    double prob = ns_port_ecn_prob(&n->fab->cfgs[n->fab->nodes[p->sw].cfg], backlog);
    return prob >= 1 || (prob > 0 && ns_rng_uniform(n->ecn_rng) < prob);
}

void
ns_port_send(ns_pnet *n, uint32_t link, ns_pkt *pkt)
{
    ns_port *p = &n->ports[link];
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
