/*
 * packet_net.c - the packet-level network model: builds ports and hosts
 * from the fabric, splits transfers into subflows (the subflow plan,
 * sim/plan.h), forwards packets hop by hop through output-queued switches,
 * and reports transfer completions to the driver; its descriptor, memory
 * estimate and limits (net.h). See packet_int.h for the port idea.
 */
#include <config.h>
#include "packet_int.h"

#include <string.h>
#include "sim/alloc.h"
#include "sim/budget.h"
#include "sim/plan.h"
#include "sim/id.h"
#include "sim/rng.h"
#include "sim/route.h"

/* random spraying: the next packet's entropy, drawn for subflow f from its
 * label, its index and its packet count (packet_int.h: spray_key) */
static inline uint32_t
spray_draw(ns_pnet *n, ns_sflow *f)
{
    uint64_t base = ns_hash64(n->spray_key ^ ns_hash64(((uint64_t)f->entropy << 32) | f->sub));
    return (uint32_t)(ns_hash_draw(base, f->flowlet++) >> 32);
}

/* spray = "oblivious" (as Ultra Ethernet's oblivious spraying and htsim's):
 * the subflow holds E entropies and its data packets use each of them once
 * per cycle of E, from a random start each cycle; switches hash them as any
 * label, so a subflow's packets spread over the paths only as evenly as E
 * hashed values fall on them */
static uint32_t
oblivious_draw(ns_pnet *n, ns_sflow *f)
{
    uint64_t base = ns_hash64(n->spray_key ^ ns_hash64(((uint64_t)f->entropy << 32) | f->sub) ^ 0x6f626c76ull);
    uint32_t E = n->spray_entropies, c = f->ev_sent++;
    uint32_t cycle = c / E, pos = c % E;
    uint32_t i = (uint32_t)((pos + ns_hash_draw(base, cycle) % E) % E);
    return (uint32_t)(ns_hash_draw(base ^ 0x9e3779b97f4a7c15ull, i) >> 32);
}

ns_pkt *
ns_pkt_new(ns_pnet *n, ns_sflow *f, int type)
{
    ns_pkt *p = ns_pool_get(&n->pkt_pool);
    if (!p) {
        ns_errorf(&n->sim->err, NS_ENOMEM, "out of memory for packets (%zu in flight)", n->pkt_pool.live);
        return NULL;
    }
    p->next_ps = 0;
    p->flow = f;
    f->alive++;
    p->next = NULL;
    p->sent_ps = n->sim->now;
    p->seq = p->cum = 0;
    p->size = p->payload = 0;
    p->in_link = NS_NONE;
    p->dst = type == NS_PKT_DATA ? f->dst : f->src;
    p->type = (uint8_t)type;
    p->flags = 0;
    if (type == NS_PKT_DATA) {
        n->data_packets++;
        n->sim->xfer_pkt[f->xfer].packets++;
        if (n->lb == NS_LB_SPRAY && n->spray == NS_SPRAY_RANDOM) {
            p->entropy = spray_draw(n, f);
        } else if (n->lb == NS_LB_SPRAY && n->spray == NS_SPRAY_OBLIVIOUS) {
            p->entropy = oblivious_draw(n, f);
        } else if (n->lb == NS_LB_REPS) {
            p->entropy = ns_reps_next(n, f);
        } else if (n->lb == NS_LB_FLOWLET) {
            if (f->last_send_ps >= 0 && n->sim->now - f->last_send_ps > n->flowlet_gap_ps)
                f->flowlet++;
            p->entropy = ns_route_flowlet_label(f->entropy, f->flowlet);
        } else {
            p->entropy = f->entropy;
        }
        f->last_send_ps = n->sim->now;
    } else {
        n->ack_packets++;
        p->entropy = ns_route_reverse_label(f->entropy);
        if ((n->lb == NS_LB_SPRAY && n->spray != NS_SPRAY_ROUNDROBIN) || n->lb == NS_LB_REPS)   /* a random path */
            p->entropy = spray_draw(n, f);
        p->payload = f->rx_entropy;   /* echoed for REPS (an ACK carries no data) */
    }
    p->path_off = f->path_off;
    return p;
}

static void
release(ns_pnet *n, ns_sflow *f)
{
    n->tp->fini(n, f);
    ns_reps_detach(n, f);
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

/* time the NIC of host `h` has been paused by PFC, so far */
static ns_time
nic_paused_ps(const ns_pnet *n, uint32_t h)
{
    const ns_port *p = &n->ports[n->fab->host_link[h]];
    return p->paused_ps + (p->paused_since >= 0 ? n->sim->now - p->paused_since : 0);
}

void
ns_sflow_delivered(ns_pnet *n, ns_sflow *f)
{
    ns_xfer *x = &n->sim->xfers[f->xfer];
    n->sim->delivered_bytes += f->rcv_bytes;
    if (--x->subflows_left == 0) {
        ns_xfer_pkt *xp = &n->sim->xfer_pkt[f->xfer];
        xp->pause_ps = nic_paused_ps(n, f->src) - xp->pause_ps;
        ns_conn_xfer_done(n, f->xfer);   /* before ops that wait for it start */
        ns_sim_transfer_done(n->sim, f->xfer);
    }
}

void
ns_sflow_finish(ns_pnet *n, ns_sflow *f)
{
    ns_host_deactivate(n, f);
    ns_conn_sflow_done(n, f);
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
    uint32_t src = ns_sim_xfer_src(n->sim, x) - 1, dst = ns_sim_xfer_dst(n->sim, x) - 1;
    ns_plan plan;
    ns_plan_make(&plan, ns_sim_xfer_bytes(n->sim, x), x->subflows, x->path0, n->mss, src, dst,
                 ns_sim_label_xfer(n->sim, xi));
    x->subflows = (uint16_t)plan.k;   /* at most the subflows asked for */
    n->sim->xfer_pkt[xi].pause_ps = nic_paused_ps(n, src);   /* until it ends: see ns_sflow_delivered */
    x->subflows_left = (uint16_t)plan.k;
    if (ns_conn_start(n, xi))
        return ns_errorf(&n->sim->err, NS_ENOMEM, "out of memory for connections");
    for (uint32_t i = 0; i < plan.k; i++) {
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
        f->tx = ns_host_sender(n, src, dst);
        f->bytes = ns_plan_bytes(&plan, i);
        f->npkts = (uint32_t)ns_plan_packets(f->bytes, n->mss);
        f->entropy = plan.label;
        f->path_off = ns_plan_path(&plan, i);
        f->sub = (uint16_t)i;
        f->last_send_ps = -1;
        if (n->tp->init(n, f) || (n->lb == NS_LB_REPS && ns_reps_attach(n, f)))
            return ns_errorf(&n->sim->err, NS_ENOMEM, "out of memory for flows");
        ns_conn_attach(n, f);
        ns_host_activate(n, f);
    }
    return NS_OK;
}

static void
pnet_link_stats(ns_net *net, uint32_t link, ns_link_stats *s)
{
    ns_pnet *n = (ns_pnet *)net;
    const ns_port *p = &n->ports[link];
    uint64_t q = ns_port_queue(n, link, n->sim->now);
    s->queue_bytes = q;
    s->tx_bytes = p->enq_bytes - q;
    s->tx_packets = p->packets;
    s->peak_queue_bytes = p->peak_bytes;
    s->drops = p->drops;
    s->trimmed = p->trims;
    s->ecn_marks = p->marks;
    s->pause_frames = p->pause_frames;
    s->paused_ps = p->paused_ps + (p->paused_since >= 0 ? n->sim->now - p->paused_since : 0);
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
    ns_failures_free(n);
    ns_pfc_free(n);
    ns_port_sched_free(n);
    ns_conn_free(n);
    ns_pool_destroy(&n->pkt_pool);
    ns_pool_destroy(&n->flow_pool);
    ns_pool_destroy(&n->reps_pool);
    ns_free(n->ports_mem);
    ns_free(n->hosts);
    ns_free(n->salt);
    ns_free(n->rr);
    ns_free(n->swbuf);
    ns_free(n);
}

/* see net.h and estimate.h: ports, hosts, per-node and per-route state,
 * the subflows alive at once (transfers of the widest level of the task
 * graph, times subflows) with their transport state, and the packets in
 * flight: at most every packet of the workload, and at most what the links
 * hold, a bandwidth-delay product each plus the queue a switch port builds */
static void
pnet_estimate(const ns_fabric *f, const ns_workload *wl, const ns_run_cfg *c, uint64_t peak_xfers,
              ns_mem_est *m)
{
    const ns_transport *tp = ns_transports[c->transport];
    uint32_t mss = f->mtu - f->header;
    /* every packet of the workload (and its ACK) */
    double total = 0, in_links = 0;
    uint64_t nsub = 0;
    uint32_t most = c->subflows;
    for (size_t i = 0; i < wl->nops; i++) {
        const ns_op *o = &wl->ops[i];
        if (o->kind != NS_OP_TRANSFER || !ns_plan_crosses(o->bytes, o->node, o->dst))
            continue;
        total += (double)(o->bytes / mss + 1) * (tp->flags & NS_TPF_ACKS ? 2 : 1);
        uint32_t k = ns_plan_subflows(o->bytes, ns_fabric_most_subflows(f, c->lb, c->subflows,
                                                                        o->node - 1, o->dst - 1));
        nsub += k;
        most = k > most ? k : most;
    }
    /* what the links hold: a bandwidth-delay product each, plus the queue
     * of a switch port: under a transport that backs off on ECN its
     * threshold kmax, else under one that drops its buffer; else (the ideal
     * transport, unlimited buffers) one more bandwidth-delay product. A
     * host's NIC paces its sender and holds no queue. */
    for (size_t l = 0; l < f->nlinks; l++) {
        const ns_flink *k = &f->links[l];
        double bdp = (double)k->rate_bps / 8 * (double)k->latency_ps * 1e-12;
        double q = 0;
        if (k->src >= f->nhosts) {
            q = bdp;
            if ((tp->flags & NS_TPF_ECN) && k->ecn_kmax)
                q = (double)k->ecn_kmax;
            else if (!(tp->flags & NS_TPF_UNLIMITED) && k->buffer_bytes)
                q = (double)k->buffer_bytes;
        }
        in_links += (bdp + q) / (double)f->mtu + 1;
    }
    double pk = total < in_links ? total : in_links;
    m->packets = pk > 1e18 ? (uint64_t)1e18 : (uint64_t)pk;
    uint64_t alive = peak_xfers * most;
    m->subflows = alive < nsub ? alive : nsub;
    size_t nsw = f->nnodes - f->nhosts;
    double senders = (double)f->nhosts * (f->gpus_per_server ? 2 : 1);   /* NICs and NVLink ports */
    double b = (double)f->nlinks * sizeof(ns_port) + senders * sizeof(ns_phost) +
               (double)f->nnodes * sizeof(uint32_t) + (double)nsw * (double)f->nedges * sizeof(uint32_t) +
               (double)wl->nops * sizeof(uint32_t) + (double)nsw * sizeof(ns_swbuf) +
               (double)m->subflows * (NS_SFLOW_OBJ_SIZE(tp) + sizeof(ns_event)) +
               (double)m->packets * sizeof(ns_pkt) + (double)wl->nops * sizeof(ns_xfer_pkt) +
               ((double)f->nlinks + 2.0 * senders) * sizeof(ns_event);   /* the calendar's buckets */
    if (ns_pfc_anywhere(f, c->transport))   /* every link's ingress state and scheduler (pfc.c, port.c) */
        b += (double)f->nlinks * (sizeof(ns_pfc_in) + sizeof(ns_port_sched));
    if (c->connections == NS_CONN_PERSISTENT && tp->conn_size)   /* conn.c: per transfer and per pair, at most */
        b += (double)wl->nops * (sizeof(uint32_t) + sizeof(void *) + 2.0 * (16 + (double)tp->conn_size));
    m->model = b > 1.8e19 ? UINT64_MAX : (uint64_t)b;
}

/* see net.h: a subflow numbers its packets with 32 bits */
static int
pnet_check(const ns_fabric *f, const ns_workload *wl, const ns_run_cfg *c, ns_err *e)
{
    uint32_t mss = f->mtu - f->header;
    char d[400];
    for (size_t i = 0; i < wl->nops; i++) {
        const ns_op *o = &wl->ops[i];
        if (o->kind != NS_OP_TRANSFER || !ns_plan_crosses(o->bytes, o->node, o->dst))
            continue;
        ns_plan plan;
        ns_plan_cut(&plan, o->bytes, c->subflows, mss);
        uint64_t k = plan.k, per = ns_plan_bytes(&plan, 0);   /* subflow 0 is the largest */
        uint64_t pkts = ns_plan_packets(per, mss);
        if (pkts > NS_MAX_SUBFLOW_PACKETS) {
            ns_wl_describe(wl, (uint32_t)i, d, sizeof d);
            return ns_errorf(e, NS_EINVAL, "%s: %llu bytes in %llu subflow%s is %llu packets of %u bytes per "
                             "subflow, more than the %u a subflow can number; split it over more subflows "
                             "(run{subflows = %llu}), or use a larger mtu", d, (unsigned long long)o->bytes,
                             (unsigned long long)k, k > 1 ? "s" : "", (unsigned long long)pkts, mss,
                             NS_MAX_SUBFLOW_PACKETS,
                             (unsigned long long)(o->bytes / ((uint64_t)NS_MAX_SUBFLOW_PACKETS * mss) + 1));
        }
    }
    return NS_OK;
}

static const ns_net_ops pnet_ops = {
    "packet", pnet_start, pnet_link_stats, pnet_peak_objects, pnet_free, NULL, NULL
};

static int pnet_new(ns_sim *sim, ns_net **out);

/* one event per packet per hop, at most one pending per port and host: a calendar */
const ns_model ns_packet_model = {
    "packet", NS_EVQ_CALENDAR, pnet_new, pnet_estimate, pnet_check
};

static int
pnet_new(ns_sim *sim, ns_net **out)
{
    const ns_fabric *f = sim->fab;
    const ns_run_cfg *c = &sim->cfg;
    if (!ns_transport_name(c->transport))
        return ns_errorf(&sim->err, NS_EINVAL, "internal error: no transport %d", c->transport);
    ns_pnet *n = ns_calloc(1, sizeof *n);
    if (!n)
        return ns_errorf(&sim->err, NS_ENOMEM, "out of memory building the packet model");
    n->net.ops = &pnet_ops;
    n->net.sim = sim;
    n->sim = sim;
    n->fab = f;
    n->tp = ns_transports[c->transport];
    n->unlimited = (n->tp->flags & NS_TPF_UNLIMITED) != 0;
    if (c->tp_settings_row == c->transport)
        memcpy(n->tp_settings.bytes, c->tp_settings.bytes, sizeof n->tp_settings.bytes);
    else if (n->tp->defaults)
        n->tp->defaults(n->tp_settings.bytes);
    n->lb = c->lb;
    n->lb_hashed = c->lb == NS_LB_ECMP || c->lb == NS_LB_FLOWLET || c->lb == NS_LB_REPS ||
                   (c->lb == NS_LB_SPRAY && c->spray != NS_SPRAY_ROUNDROBIN);
    n->spray = c->spray;
    n->spray_entropies = c->spray_entropies ? c->spray_entropies : 1;
    n->flowlet_gap_ps = c->flowlet_gap_ps;
    n->mss = f->mtu - f->header;
    n->ack_size = f->header;
    ns_pool_init(&n->pkt_pool, sizeof(ns_pkt), 4096);
    ns_pool_init(&n->flow_pool, NS_SFLOW_OBJ_SIZE(n->tp), 256);
    ns_pool_init(&n->reps_pool, ns_reps_size(c->reps_buffer), 256);
    size_t nsw = f->nnodes - f->nhosts;
    /* aligned by hand: the allocator's blocks are 16-byte aligned */
    n->ports_mem = ns_calloc(1, (f->nlinks ? f->nlinks : 1) * sizeof *n->ports + _Alignof(ns_port));
    n->ports = n->ports_mem ? (ns_port *)(((uintptr_t)n->ports_mem + _Alignof(ns_port) - 1) &
                                          ~(uintptr_t)(_Alignof(ns_port) - 1)) : NULL;
    size_t nsenders = f->nhosts * (f->gpus_per_server ? 2 : 1);
    n->hosts = ns_calloc(nsenders, sizeof *n->hosts);
    n->salt = ns_alloc(f->nnodes * sizeof *n->salt);
    n->rr = ns_calloc(nsw * f->nedges + 1, sizeof *n->rr);
    n->swbuf = ns_calloc(nsw + 1, sizeof *n->swbuf);
    n->spray_key = ns_hash64(ns_hash64(c->seed) ^ NS_RNG_SPRAY);
    n->ecn_key = ns_hash64(ns_hash64(c->seed) ^ NS_RNG_ECN);
    if (!n->ports || !n->hosts || !n->salt || !n->rr || !n->swbuf ||
        ns_route_salts(c->seed, n->salt, f->nnodes)) {
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
        ns_port_set_rate(p, l->rate_bps);
        p->latency_ps = l->latency_ps;
        p->to = l->dst;
        ns_event_init(&p->ev, ns_port_deliver);
        p->sw = NS_NONE;
        p->paused_since = -1;
        if (l->src >= f->nhosts) {
            const ns_switch_cfg *sc = &f->cfgs[f->nodes[l->src].cfg];
            p->sw = l->src;
            p->buffer_bytes = l->buffer_bytes;
            p->shared = (uint8_t)((sc->shared || sc->buffer_auto) && l->buffer_bytes);
            p->dt_alpha = sc->dt_alpha;
            p->ecn = (uint8_t)(sc->ecn && l->ecn_kmax);
            p->trim = sc->trim;
            p->ecn_kmin = l->ecn_kmin;
            p->ecn_kmax = l->ecn_kmax;
            p->ecn_pmax = l->ecn_pmax;
        }
    }
    if (!n->unlimited) {   /* a transport that drops: a buffer must hold a packet */
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
    for (size_t s = 0; s < nsenders; s++) {
        ns_event_init(&n->hosts[s].ev, ns_host_tx);
        n->hosts[s].node = (uint32_t)(s % f->nhosts);
        n->hosts[s].link = s < f->nhosts ? f->host_link[s] : f->host_nvlink[s - f->nhosts];
    }
    int rc = NS_OK;
    for (size_t i = 0; i < f->nlinks && !n->tp->on_trimmed; i++)
        if (n->ports[i].trim && !n->unlimited) {
            rc = ns_errorf(&sim->err, NS_EINVAL, "switch '%s' trims packets (switch = { trim = true }), which "
                           "transport \"%s\" cannot recover: use dctcp, or trim = false",
                           f->nodes[f->links[i].src].name, n->tp->name);
            break;
        }
    if (!rc)
        rc = ns_pfc_setup(n);
    if (!rc)
        rc = ns_failures_setup(n);
    if (rc) {
        pnet_free(&n->net);   /* the message names switches of the fabric, not of the model */
        return rc;
    }
    if (ns_conn_new(n)) {
        pnet_free(&n->net);
        return NS_ENOMEM;
    }
    *out = &n->net;
    return NS_OK;
}
