/*
 * packet_net.c - the packet-level network model: builds ports and hosts
 * from the fabric, splits transfers into subflows, forwards packets hop by
 * hop through output-queued switches, and reports transfer completions to
 * the driver. See packet_int.h for the port idea.
 */
#include <config.h>
#include "packet_int.h"

#include <string.h>
#include "sim/alloc.h"
#include "sim/id.h"
#include "sim/rng.h"
#include "sim/route.h"

ns_pkt *
ns_pkt_new(ns_pnet *n, ns_sflow *f, int type)
{
    ns_pkt *p = ns_pool_get(&n->pkt_pool);
    if (!p) {
        ns_errorf(&n->sim->err, NS_ENOMEM, "out of memory for packets (%zu in flight)", n->pkt_pool.live);
        return NULL;
    }
    p->arrive_ps = 0;
    p->flow = f;
    f->alive++;
    p->next = NULL;
    p->sent_ps = n->sim->now;
    p->seq = p->cum = 0;
    p->size = p->payload = 0;
    p->at = NS_NONE;
    p->type = (uint8_t)type;
    p->flags = 0;
    if (type == NS_PKT_DATA) {
        n->data_packets++;
        n->sim->xfers[f->xfer].packets++;
        if (n->lb == NS_LB_SPRAY && n->spray == NS_SPRAY_RANDOM) {
            p->entropy = ns_rng_u32(n->spray_rng);
        } else if (n->lb == NS_LB_FLOWLET) {
            if (f->last_send_ps >= 0 && n->sim->now - f->last_send_ps > n->flowlet_gap_ps)
                f->flowlet++;
            p->entropy = (uint32_t)ns_hash64(((uint64_t)f->entropy << 32) | f->flowlet);
        } else {
            p->entropy = f->entropy;
        }
        f->last_send_ps = n->sim->now;
    } else {
        n->ack_packets++;
        p->entropy = ns_route_reverse_label(f->entropy);
        if (n->lb == NS_LB_SPRAY && n->spray == NS_SPRAY_RANDOM)
            p->entropy = ns_rng_u32(n->spray_rng);
    }
    p->path_off = f->path_off;
    return p;
}

static void
release(ns_pnet *n, ns_sflow *f)
{
    n->tp->fini(n, f);
    if (f->live_prev)
        f->live_prev->live_next = f->live_next;
    else
        n->live = f->live_next;
    if (f->live_next)
        f->live_next->live_prev = f->live_prev;
    ns_pool_put(&n->flow_pool, f);
}

void
ns_pkt_free(ns_pnet *n, ns_pkt *p)
{
    ns_sflow *f = p->flow;
    ns_pool_put(&n->pkt_pool, p);
    if (--f->alive == 0 && f->done)
        release(n, f);
}

void
ns_pkt_arrive(ns_pnet *n, ns_pkt *p)
{
    uint32_t at = p->at;
    ns_sflow *f = p->flow;
    uint32_t dst = p->type == NS_PKT_DATA ? f->dst : f->src;
    if (at == dst) {
        if (p->type == NS_PKT_DATA)
            n->tp->on_data(n, f, p);
        else
            n->tp->on_ack(n, f, p);
        return;
    }
    ns_port_send(n, ns_lb_choose(n, at, dst, p), p);
}

void
ns_sflow_delivered(ns_pnet *n, ns_sflow *f)
{
    ns_xfer *x = &n->sim->xfers[f->xfer];
    x->delivered += f->rcv_bytes;
    if (--n->sf_left[f->xfer] == 0)
        ns_sim_transfer_done(n->sim, f->xfer);
}

void
ns_sflow_finish(ns_pnet *n, ns_sflow *f)
{
    ns_host_deactivate(n, f);
    f->done = 1;
    if (f->alive == 0)
        release(n, f);
}

/* --- ns_net_ops ---------------------------------------------------------- */

static int
pnet_start(ns_net *net, uint32_t xi)
{
    ns_pnet *n = (ns_pnet *)net;
    ns_xfer *x = &n->sim->xfers[xi];
    uint32_t src = x->src - 1, dst = x->dst - 1;
    uint32_t k = n->sim->cfg.subflows;
    if (k > x->bytes)
        k = (uint32_t)x->bytes;   /* never an empty subflow */
    x->subflows = k;
    n->sf_left[xi] = k;
    uint32_t entropy = ns_route_label(src, dst, xi);
    uint64_t base = x->bytes / k, extra = x->bytes % k;
    for (uint32_t i = 0; i < k; i++) {
        ns_sflow *f = ns_pool_get(&n->flow_pool);
        if (!f)
            return ns_errorf(&n->sim->err, NS_ENOMEM, "out of memory for flows");
        memset(f, 0, sizeof *f);
        f->live_next = n->live;
        if (n->live)
            n->live->live_prev = f;
        n->live = f;
        f->xfer = xi;
        f->src = src;
        f->dst = dst;
        f->bytes = base + (i < extra);
        f->npkts = (uint32_t)((f->bytes + n->mss - 1) / n->mss);
        f->entropy = entropy;
        f->path_off = (uint16_t)i;
        f->last_send_ps = -1;
        if (n->tp->init(n, f))
            return ns_errorf(&n->sim->err, NS_ENOMEM, "out of memory for flows");
        ns_host_activate(n, f);
    }
    return NS_OK;
}

static void
pnet_link_stats(ns_net *net, uint32_t link, ns_link_stats *s)
{
    ns_pnet *n = (ns_pnet *)net;
    const ns_port *p = &n->ports[link];
    uint64_t q = ns_port_backlog(p, n->sim->now);
    s->queue_bytes = q;
    s->tx_bytes = p->enq_bytes - q;
    s->tx_packets = p->packets;
    s->peak_queue_bytes = p->peak_bytes;
    s->drops = p->drops;
    s->ecn_marks = p->marks;
}

static uint64_t
pnet_peak_objects(ns_net *net)
{
    ns_pnet *n = (ns_pnet *)net;
    return n->pkt_pool.peak;
}

static void
pnet_free(ns_net *net)
{
    ns_pnet *n = (ns_pnet *)net;
    /* a run stopped early (until, a signal, an error) leaves subflows whose
     * transport state is still allocated */
    for (ns_sflow *f = n->live; f; f = f->live_next)
        n->tp->fini(n, f);
    ns_pool_destroy(&n->pkt_pool);
    ns_pool_destroy(&n->flow_pool);
    ns_pool_destroy(&n->tp_pool);
    ns_free(n->ports);
    ns_free(n->hosts);
    ns_free(n->salt);
    ns_free(n->rr);
    ns_free(n->sf_left);
    ns_rng_free(n->spray_rng);
    ns_rng_free(n->ecn_rng);
    ns_free(n);
}

/* see net.h and estimate.h */
uint64_t
ns_packet_net_estimate(const ns_fabric *f, const ns_workload *wl, const ns_run_cfg *c,
                       uint64_t peak_xfers, uint64_t *packets, uint64_t *subflows)
{
    uint32_t mss = f->mtu - f->header;
    int dctcp = c->transport == NS_TP_DCTCP;
    /* every packet of the workload (and its ACK) */
    double total = 0, in_links = 0;
    uint64_t nsub = 0;
    for (size_t i = 0; i < wl->nops; i++) {
        const ns_op *o = &wl->ops[i];
        if (o->kind != NS_OP_TRANSFER || o->bytes == 0 || o->node == o->dst)
            continue;
        total += (double)(o->bytes / mss + 1) * (dctcp ? 2 : 1);
        nsub += c->subflows < o->bytes ? c->subflows : o->bytes;
    }
    /* what the links hold: a bandwidth-delay product each, plus the queue
     * of a switch port: under dctcp its ECN threshold kmax, else its buffer;
     * else (the ideal transport, unlimited buffers) one more bandwidth-delay
     * product. A host's NIC paces its sender and holds no queue. */
    for (size_t l = 0; l < f->nlinks; l++) {
        const ns_flink *k = &f->links[l];
        double bdp = (double)k->rate_bps / 8 * (double)k->latency_ps * 1e-12;
        double q = 0;
        if (k->src >= f->nhosts) {
            const ns_switch_cfg *sc = &f->cfgs[f->nodes[k->src].cfg];
            q = bdp;
            if (dctcp && sc->ecn)
                q = (double)sc->ecn_kmax;
            else if (dctcp && sc->buffer_bytes)
                q = (double)sc->buffer_bytes;
        }
        in_links += (bdp + q) / (double)f->mtu + 1;
    }
    double pk = total < in_links ? total : in_links;
    *packets = pk > 1e18 ? (uint64_t)1e18 : (uint64_t)pk;
    uint64_t alive = peak_xfers * c->subflows;
    *subflows = alive < nsub ? alive : nsub;
    size_t nsw = f->nnodes - f->nhosts;
    double b = (double)f->nlinks * sizeof(ns_port) + (double)f->nhosts * sizeof(ns_phost) +
               (double)f->nnodes * sizeof(uint32_t) + (double)nsw * (double)f->nedges * sizeof(uint32_t) +
               (double)wl->nops * sizeof(uint32_t) +
               (double)*subflows * (sizeof(ns_sflow) + (dctcp ? ns_tp_dctcp_state_size() : 0) + sizeof(ns_event)) +
               (double)*packets * sizeof(ns_pkt) +
               ((double)f->nlinks + 2.0 * (double)f->nhosts) * sizeof(ns_event);   /* the calendar's buckets */
    return b > 1.8e19 ? UINT64_MAX : (uint64_t)b;
}

static const ns_net_ops pnet_ops = {
    "packet", pnet_start, pnet_link_stats, pnet_peak_objects, pnet_free
};

int
ns_packet_net_new(ns_sim *sim, ns_net **out)
{
    const ns_fabric *f = sim->fab;
    const ns_run_cfg *c = &sim->cfg;
    ns_pnet *n = ns_calloc(1, sizeof *n);
    if (!n)
        return ns_errorf(&sim->err, NS_ENOMEM, "out of memory building the packet model");
    n->net.ops = &pnet_ops;
    n->net.sim = sim;
    n->sim = sim;
    n->fab = f;
    n->tp = c->transport == NS_TP_DCTCP ? &ns_tp_dctcp : &ns_tp_ideal;
    n->unlimited = c->transport == NS_TP_IDEAL;
    n->lb = c->lb;
    n->spray = c->spray;
    n->flowlet_gap_ps = c->flowlet_gap_ps;
    n->mss = f->mtu - f->header;
    n->ack_size = f->header;
    ns_pool_init(&n->pkt_pool, sizeof(ns_pkt), 4096);
    ns_pool_init(&n->flow_pool, sizeof(ns_sflow), 256);
    ns_pool_init(&n->tp_pool, c->transport == NS_TP_DCTCP ? ns_tp_dctcp_state_size() : 1, 256);
    size_t nsw = f->nnodes - f->nhosts;
    n->ports = ns_calloc(f->nlinks ? f->nlinks : 1, sizeof *n->ports);
    n->hosts = ns_calloc(f->nhosts, sizeof *n->hosts);
    n->salt = ns_alloc(f->nnodes * sizeof *n->salt);
    n->rr = ns_calloc(nsw * f->nedges + 1, sizeof *n->rr);
    n->sf_left = ns_calloc(sim->nxfers + 1, sizeof *n->sf_left);
    n->spray_rng = ns_rng_new(c->seed, NS_RNG_SPRAY, 0);
    n->ecn_rng = ns_rng_new(c->seed, NS_RNG_ECN, 0);
    if (!n->ports || !n->hosts || !n->salt || !n->rr || !n->sf_left ||
        !n->spray_rng || !n->ecn_rng || ns_route_salts(c->seed, n->salt, f->nnodes)) {
        pnet_free(&n->net);
        return ns_errorf(&sim->err, NS_ENOMEM, "out of memory building the packet model");
    }
    /* round-robin pointers start anywhere, as on real switches: started
     * together they would keep neighbouring switches in step */
    for (size_t k = 0; k < nsw * f->nedges; k++)
        n->rr[k] = (uint32_t)ns_hash64(c->seed ^ ((uint64_t)k << 20));
    for (size_t i = 0; i < f->nlinks; i++) {
        const ns_flink *l = &f->links[i];
        ns_port *p = &n->ports[i];
        p->rate_bps = l->rate_bps;
        p->ps_per_byte = (8 * (uint64_t)NS_PS_PER_S) % l->rate_bps == 0 ? 8 * (uint64_t)NS_PS_PER_S / l->rate_bps : 0;
        p->latency_ps = l->latency_ps;
        p->to = l->dst;
        ns_event_init(&p->ev, ns_port_deliver);
        p->sw = NS_NONE;
        if (l->src >= f->nhosts) {
            const ns_switch_cfg *sc = &f->cfgs[f->nodes[l->src].cfg];
            p->sw = l->src;
            p->buffer_bytes = sc->buffer_bytes;
            p->shared = (uint8_t)(sc->shared && sc->buffer_bytes);
            p->ecn = (uint8_t)sc->ecn;
        }
    }
    if (c->transport == NS_TP_DCTCP) {
        for (size_t i = 0; i < f->nlinks; i++) {
            if (n->ports[i].buffer_bytes && n->ports[i].buffer_bytes < f->mtu) {
                /* the message first: it reads the port, which pnet_free frees */
                ns_errorf(&sim->err, NS_EINVAL, "switch '%s': a buffer of %llu bytes cannot hold one "
                          "packet (mtu %u bytes)", f->nodes[f->links[i].src].name,
                          (unsigned long long)n->ports[i].buffer_bytes, f->mtu);
                pnet_free(&n->net);
                return NS_EINVAL;
            }
        }
    }
    for (size_t h = 0; h < f->nhosts; h++) {
        ns_event_init(&n->hosts[h].ev, ns_host_tx);
        n->hosts[h].node = (uint32_t)h;
    }
    *out = &n->net;
    return NS_OK;
}
