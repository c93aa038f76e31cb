/*
 * sim.c - the simulation object and the task-graph driver (see sim.h).
 *
 * The driver starts an op once all its 'after' ops are done: a marker
 * finishes at once; a compute op queues on its host's CPU (one op at a
 * time, in the order they became ready); a transfer is handed to the
 * network model and finishes when the model calls ns_sim_transfer_done();
 * a delay op finishes its duration after it starts, on a timer of its own.
 * Ops that become ready during an event start after that event, at the
 * same time, in the order they became ready.
 */
#include <config.h>
#include "sim.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "alloc.h"
#include "budget.h"
#include "id.h"

_Static_assert(sizeof(ns_cpu) <= NS_MEM_HOST_BYTES, "a host's state outgrows its share of the budget (budget.h)");

extern const ns_model ns_packet_model;   /* sim/packet/packet_net.c */
extern const ns_model ns_flow_model;     /* sim/flow/flow_net.c */

/* the network models, one row each (net.h); run{model = ...} names a row */
const ns_model *const ns_models[] = {
    &ns_packet_model,
    &ns_flow_model,
    NULL
};

static void eth_fire(void *simp, ns_event *ev);

/* a transfer of a lb = "ethereal" batch, while it is grouped (see eth_fire) */
typedef struct ns_eth_rec {
    uint64_t key;            /* source edge node << 32 | destination edge node */
    uint32_t pos;            /* order of start */
    uint32_t x;
} ns_eth_rec;

const char *const ns_lb_names[] = {"ecmp", "spray", "flowlet", "adaptive", "ethereal", "reps", NULL};
const char *const ns_spray_names[] = {"random", "roundrobin", "oblivious", NULL};
const char *const ns_flow_solver_names[] = {"incremental", "component", "full", NULL};
const char *const ns_connections_names[] = {"per_transfer", "persistent", NULL};

void
ns_run_cfg_defaults(ns_run_cfg *c)
{
    memset(c, 0, sizeof *c);
    c->seed = 1;
    c->model = NS_MODEL_PACKET;
    c->lb = NS_LB_ECMP;
    c->spray = NS_SPRAY_RANDOM;
    c->spray_entropies = 64;
    c->flowlet_gap_ps = 10 * NS_PS_PER_US;
    c->subflows = 1;
    c->connections = NS_CONN_PER_TRANSFER;
    c->transport = NS_TP_IDEAL;
    c->tp_settings_row = -1;
    c->reroute_ps = NS_REROUTE_DEFAULT_PS;
    c->reps_buffer = NS_REPS_BUFFER;
    c->reps_freeze = 1;
    c->reps_freeze_ps = NS_REPS_FREEZE_PS;
}

int
ns_model_find(const char *name)
{
    for (int i = 0; ns_models[i]; i++)
        if (strcmp(ns_models[i]->name, name) == 0)
            return i;
    return -1;
}

const char *
ns_model_name(int row)
{
    for (int i = 0; ns_models[i]; i++)
        if (i == row)
            return ns_models[i]->name;
    return NULL;
}

/* links on the path from host a to host b (1-based; a != b): the NIC's,
 * the switch hops (every equal-cost next hop leads as far), the downlink;
 * 1 when a's NIC cable reaches b itself */
static uint32_t
path_links(const ns_fabric *f, uint32_t a, uint32_t b)
{
    uint32_t src = ns_fabric_host_node(f, a), dst = ns_fabric_host_node(f, b), n = 1;
    if (f->gpus_per_server && ns_fabric_server_of(f, src) == ns_fabric_server_of(f, dst))
        return 2;   /* NVLink up, NVLink down */
    if (ns_fabric_via_nvlink(f, src, dst)) {   /* PXN: NVLink up and down to the GPU on dst's rail */
        src = ns_fabric_server_of(f, src) * f->gpus_per_server + ns_fabric_local_of(f, dst);
        n = 3;
    }
    uint32_t node = f->host_attach[src];
    if (ns_fabric_is_host(f, node))
        return 1;   /* a cable between two hosts (netsim.pair) */
    while (node != f->host_attach[dst] && n < f->nnodes) {
        const ns_hopset *hs = ns_fabric_route(f, node, dst);
        if (hs->n == 0)
            break;
        node = f->links[f->hops[hs->off]].dst;
        n++;
    }
    return n + 1;
}

static void
link_bytes_total(ns_sim *sim)
{
    const ns_fabric *f = sim->fab;
    uint32_t payload = f->mtu > f->header ? f->mtu - f->header : 1;
    /* an ACK per data packet, back along a path as long */
    int acks = sim->cfg.model == NS_MODEL_PACKET && ns_transport_acks(sim->cfg.transport);
    double sum = 0;
    for (size_t i = 0; i < sim->nxfers; i++) {
        const ns_xfer *x = &sim->xfers[i];
        uint32_t src = ns_sim_xfer_src(sim, x), dst = ns_sim_xfer_dst(sim, x);
        uint64_t bytes = ns_sim_xfer_bytes(sim, x);
        if (src == dst || bytes == 0)
            continue;
        double packets = (double)((bytes + payload - 1) / payload);
        double wire = (double)bytes + packets * f->header * (acks ? 2 : 1);
        sum += wire * path_links(f, src, dst);
    }
    sim->link_bytes_total = sum;
}

void
ns_sim_progress(const ns_sim *sim, ns_progress *out)
{
    out->link_bytes = 0;
    out->link_bytes_total = sim->link_bytes_total;
    for (size_t l = 0; l < sim->fab->nlinks; l++) {
        ns_link_stats ls;
        sim->net->ops->link_stats(sim->net, (uint32_t)l, &ls);
        out->link_bytes += (double)ls.tx_bytes;
    }
    out->total_bytes = sim->total_bytes;
    out->delivered_bytes = (double)sim->delivered_bytes;
    /* the flow model sends a transfer's bytes when it starts: a running sum,
     * since a sample 4 times a second over 16.8 M transfer rows would read a
     * gigabyte each time */
    out->sent_bytes = sim->crossing_bytes;
    if (!sim->xfer_pkt)
        return;
    /* the packet model's packets sent, retransmissions included, each
     * transfer's up to its bytes */
    double payload = sim->fab->mtu > sim->fab->header ? (double)(sim->fab->mtu - sim->fab->header) : 1;
    out->sent_bytes = 0;
    for (size_t i = 0; i < sim->nxfers; i++) {
        double b = (double)ns_sim_xfer_bytes(sim, &sim->xfers[i]);
        double sent = (double)sim->xfer_pkt[i].packets * payload;
        out->sent_bytes += sent < b ? sent : b;
    }
}

const char *
ns_sim_errmsg(const ns_sim *sim)
{
    return sim->err.msg;
}

int
ns_sim_check_when(ns_sim *sim, ns_time when)
{
    if (when < sim->now)
        return ns_errorf(&sim->err, NS_ESIM, "internal error: event scheduled in the past (%lld < %lld)",
                         (long long)when, (long long)sim->now), -1;
    if (when == NS_TIME_MAX && sim->cfg.until_ps == 0)
        return ns_errorf(&sim->err, NS_ESIM, "the simulation would run past the end of netsim's clock "
                         "(2^63 ps, about 106.7 days of simulated time) at %.6g s; stop it earlier with "
                         "run{until = ...}", ns_time_to_s(sim->now)), -1;
    return 0;
}

int
ns_sim_at_checked(ns_sim *sim, ns_event *ev, ns_time when)
{
    if (ns_sim_check_when(sim, when))
        return -1;
    if (ns_evq_push(&sim->evq, ev, when))
        return ns_errorf(&sim->err, NS_ENOMEM, "out of memory in the event queue"), -1;
    return 0;
}

int
ns_sim_at_seq(ns_sim *sim, ns_event *ev, ns_time when, uint64_t seq)
{
    if (ns_sim_check_when(sim, when))
        return -1;
    if (ns_evq_push_seq(&sim->evq, ev, when, seq))
        return ns_errorf(&sim->err, NS_ENOMEM, "out of memory in the event queue"), -1;
    return 0;
}

static void cpu_done(void *simp, ns_event *ev);
static void delay_done(void *simp, ns_event *ev);

int
ns_sim_check_hosts(const ns_fabric *fab, const ns_workload *wl, ns_err *e)
{
    /* a collective's hosts, even one that moves nothing (a single rank) */
    for (size_t c = 0; c < wl->ncolls; c++) {
        const ns_coll *cl = &wl->colls[c];
        for (uint32_t k = 0; k < cl->ranks; k++) {
            uint32_t h = wl->coll_hosts[cl->hosts_off + k];
            if (h > fab->nhosts) {
                const ns_op *o = &wl->ops[cl->first_op];
                const char *lab = ns_wl_label(wl, o->label);
                return ns_errorf(e, NS_EINVAL, "%s:%d: %s%s%s%s: host %u is not a host of the fabric (hosts are 1..%zu)",
                                 wl->chunk[0] ? wl->chunk : "?", ns_wl_op_line(wl, cl->first_op), cl->kind,
                                 strcmp(lab, cl->kind) ? " '" : "", strcmp(lab, cl->kind) ? lab : "",
                                 strcmp(lab, cl->kind) ? "'" : "", h, fab->nhosts);
            }
        }
    }
    if (wl->max_host <= fab->nhosts)
        return NS_OK;
    for (size_t i = 0; i < wl->nops; i++) {
        const ns_op *o = &wl->ops[i];
        uint32_t bad = 0;
        const char *field = "node";
        if (o->kind == NS_OP_COMPUTE && o->node > fab->nhosts)
            bad = o->node;
        else if (o->kind == NS_OP_TRANSFER && o->node > fab->nhosts)
            bad = o->node, field = "src";
        else if (o->kind == NS_OP_TRANSFER && o->dst > fab->nhosts)
            bad = o->dst, field = "dst";
        if (bad) {
            char d[400];
            ns_wl_describe(wl, (uint32_t)i, d, sizeof d);
            return ns_errorf(e, NS_EINVAL, "%s: %s %u is not a host of the fabric (hosts are 1..%zu)",
                             d, field, bad, fab->nhosts);
        }
    }
    return NS_OK;
}

/*
 * The WAN cut bound of every collective (ns_sim_coll_span). For a datacentre
 * d (the nodes whose dc is d), every byte a transfer of the collective moves
 * from a host in d to a host outside d crosses a link that leaves d, and
 * every byte into d one that enters it. With B bytes out of d and links out
 * of d of total rate C, the last byte is on such a link no sooner than
 * B * 8 / C after the collective starts, and reaches the far end no sooner
 * than the shortest latency L of those links later: the collective cannot
 * finish before B * 8 / C + L (the same into d). Headers only add bytes,
 * so the payload B keeps the bound conservative. The bound counts the
 * bytes the collective's own transfers move across the cut, so it is the
 * algorithm's: a ring allreduce of S bytes per rank whose ranks in d are
 * consecutive on the ring crosses the cut once each way, with 2 (n - 1) / n
 * S bytes each way; an alltoall of S per pair with k of its n ranks in d
 * moves k (n - k) S each way. Fabrics without datacentres (dc 0) have none.
 * NS_OK, or NS_ENOMEM.
 */
static int
cut_bounds(ns_sim *sim)
{
    const ns_fabric *fab = sim->fab;
    const ns_workload *wl = sim->wl;
    sim->coll_cut_ps = ns_calloc(wl->ncolls ? wl->ncolls : 1, sizeof *sim->coll_cut_ps);
    if (!sim->coll_cut_ps)
        return NS_ENOMEM;
    int32_t ndc = 0;
    for (size_t v = 0; v < fab->nnodes; v++)
        if (fab->nodes[v].dc > ndc)
            ndc = fab->nodes[v].dc;
    if (ndc < 2 || wl->ncolls == 0)
        return NS_OK;
    size_t m = (size_t)ndc + 1;
    /* per datacentre and direction (0: out, 1: in): capacity, shortest latency, bytes */
    uint64_t *cap = ns_calloc(2 * m, sizeof *cap);
    ns_time *lat = ns_alloc(2 * m * sizeof *lat);
    double *bytes = ns_alloc(2 * m * sizeof *bytes);
    if (!cap || !lat || !bytes) {
        ns_free(cap);
        ns_free(lat);
        ns_free(bytes);
        return NS_ENOMEM;
    }
    for (size_t i = 0; i < 2 * m; i++)
        lat[i] = INT64_MAX;
    for (size_t l = 0; l < fab->nlinks; l++) {
        const ns_flink *k = &fab->links[l];
        int32_t a = fab->nodes[k->src].dc, b = fab->nodes[k->dst].dc;
        if (a == b)
            continue;
        if (a > 0) {
            cap[2 * a] += k->rate_bps;
            if (k->latency_ps < lat[2 * a])
                lat[2 * a] = k->latency_ps;
        }
        if (b > 0) {
            cap[2 * b + 1] += k->rate_bps;
            if (k->latency_ps < lat[2 * b + 1])
                lat[2 * b + 1] = k->latency_ps;
        }
    }
    for (size_t c = 0; c < wl->ncolls; c++) {
        const ns_coll *cl = &wl->colls[c];
        for (size_t i = 0; i < 2 * m; i++)
            bytes[i] = 0;
        for (uint32_t o = cl->first_op; o <= cl->last_op; o++) {
            const ns_op *op = &wl->ops[o];
            if (op->kind != NS_OP_TRANSFER || ns_wl_op_parent(wl, o) != (int32_t)c)
                continue;
            int32_t a = fab->nodes[ns_fabric_host_node(fab, op->node)].dc;
            int32_t b = fab->nodes[ns_fabric_host_node(fab, op->dst)].dc;
            if (a == b)
                continue;
            if (a > 0)
                bytes[2 * a] += (double)op->bytes;
            if (b > 0)
                bytes[2 * b + 1] += (double)op->bytes;
        }
        double worst = 0;
        for (size_t i = 2; i < 2 * m; i++) {
            if (bytes[i] <= 0 || cap[i] == 0)
                continue;
            double t = bytes[i] * 8.0 * 1e12 / (double)cap[i] + (double)lat[i];
            if (t > worst)
                worst = t;
        }
        sim->coll_cut_ps[c] = worst < 9.2e18 ? (ns_time)(worst + 0.5) : INT64_MAX;
    }
    ns_free(cap);
    ns_free(lat);
    ns_free(bytes);
    return NS_OK;
}

int
ns_sim_new(const ns_fabric *fab, const ns_workload *wl, const ns_run_cfg *cfg,
           ns_sim **out, ns_err *e)
{
    *out = NULL;
    if (!fab->finished)
        return ns_errorf(e, NS_EINVAL, "internal error: the fabric is not finished");
    int rc = ns_sim_check_hosts(fab, wl, e);
    if (rc)
        return rc;
    if (!ns_model_name(cfg->model))
        return ns_errorf(e, NS_EINVAL, "internal error: no network model %d", cfg->model);
    ns_sim *sim = ns_calloc(1, sizeof *sim);
    if (!sim)
        return ns_enomem(e, "the simulation");
    ns_event_init(&sim->sample_ev, NULL);
    ns_event_init(&sim->eth_ev, eth_fire);
    const ns_model *model = ns_models[cfg->model];
    if (ns_evq_init(&sim->evq, model->evq)) {
        ns_free(sim);
        return ns_enomem(e, "the simulation");
    }
    sim->fab = fab;
    sim->wl = wl;
    sim->cfg = *cfg;
    size_t n = wl->nops ? wl->nops : 1;
    sim->op_start = ns_alloc(n * sizeof *sim->op_start);
    sim->op_finish = ns_alloc(n * sizeof *sim->op_finish);
    sim->op_waiting = ns_calloc(n, sizeof *sim->op_waiting);
    if (ns_wl_sealed(wl)) {   /* the workload's own lists, borrowed */
        sim->succ_start = wl->succ_start;
        sim->succ = wl->succ;
    } else {
        sim->succ_start = ns_alloc((n + 1) * sizeof *sim->succ_start);
        sim->succ = ns_alloc((wl->ndeps ? wl->ndeps : 1) * sizeof *sim->succ);
        sim->succ_owned = 1;
    }
    sim->xfer_rank = ns_calloc(n / 64 + 1, sizeof *sim->xfer_rank);
    sim->done_cap = 1024;
    sim->done_q = ns_alloc(sim->done_cap * sizeof *sim->done_q);
    sim->cpus = ns_alloc(fab->nhosts * sizeof *sim->cpus);
    uint32_t *order = ns_alloc(n * sizeof *order);   /* for the checks */
    if (!sim->op_start || !sim->op_finish || !sim->op_waiting || !sim->succ_start || !sim->succ ||
        !sim->xfer_rank || !sim->done_q || !sim->cpus || !order) {
        ns_free(order);
        rc = ns_enomem(e, "the simulation");
        goto fail;
    }
    /* successors, in the order the dependencies were declared: the checks'
     * and the run's (op_waiting is scratch space here) */
    if (sim->succ_owned)
        ns_wl_adjacency(wl, 0, sim->succ_start, sim->succ);
    rc = ns_wl_order(wl, sim->succ_start, sim->succ, sim->op_waiting, order, e);
    if (rc == NS_OK)
        rc = ns_check_ranges(fab, wl, cfg, order, sim->succ_start, sim->succ, e);   /* the clock and the counters */
    ns_free(order);
    if (rc)
        goto fail;
    memset(sim->op_waiting, 0, n * sizeof *sim->op_waiting);
    for (uint32_t v = 0; v < wl->nops; v++) {
        uint32_t s;
        for (ns_succ_it it = ns_succ_of(sim->succ_start, sim->succ, v); ns_succ_next(&it, &s);)
            sim->op_waiting[s]++;
    }

    size_t nx = 0, nd = 0;
    for (size_t i = 0; i < wl->nops; i++) {
        sim->op_start[i] = sim->op_finish[i] = -1;
        ns_xfer_rank *r = &sim->xfer_rank[i / 64];
        if (i % 64 == 0)
            r->before = nx;
        if (wl->ops[i].kind == NS_OP_TRANSFER) {
            r->bits |= UINT64_C(1) << (i % 64);
            nx++;
        }
        nd += wl->ops[i].kind == NS_OP_DELAY;
    }
    int pkt_counts = cfg->model == NS_MODEL_PACKET;
    sim->xfers = ns_calloc(nx ? nx : 1, sizeof *sim->xfers);
    if (pkt_counts)
        sim->xfer_pkt = ns_calloc(nx ? nx : 1, sizeof *sim->xfer_pkt);
    sim->delays = ns_alloc((nd ? nd : 1) * sizeof *sim->delays);
    if (wl->njobs && (sim->job_xfer0 = ns_calloc(wl->njobs, sizeof *sim->job_xfer0)))
        for (size_t i = wl->nops; i-- > 0;)   /* a job's transfers are consecutive: its first */
            if (wl->ops[i].kind == NS_OP_TRANSFER)
                sim->job_xfer0[wl->ops[i].job] = ns_sim_xfer_of(sim, (uint32_t)i);
    if (!sim->xfers || (pkt_counts && !sim->xfer_pkt) || !sim->delays || (wl->njobs && !sim->job_xfer0)) {
        rc = ns_enomem(e, "the simulation");
        goto fail;
    }
    sim->nxfers = nx;
    if (cfg->subflows < 1 || cfg->subflows > NS_MAX_SUBFLOWS) {
        rc = ns_errorf(e, NS_EINVAL, "subflows must be 1 to %u (got %u)", NS_MAX_SUBFLOWS, cfg->subflows);
        goto fail;
    }
    if (cfg->lb == NS_LB_ETHEREAL) {
        if (cfg->subflows != 1) {
            rc = ns_errorf(e, NS_EINVAL, "lb \"ethereal\" cuts transfers itself: subflows must be 1 (got %u)",
                           cfg->subflows);
            goto fail;
        }
        sim->eth_pend = ns_alloc((nx ? nx : 1) * sizeof *sim->eth_pend);
        sim->eth_rec = ns_alloc((nx ? nx : 1) * sizeof *sim->eth_rec);
        if (!sim->eth_pend || !sim->eth_rec) {
            rc = ns_enomem(e, "the simulation");
            goto fail;
        }
    }
    for (size_t i = 0; i < wl->nops; i++) {
        if (wl->ops[i].kind != NS_OP_DELAY)
            continue;
        ns_event_init(&sim->delays[sim->ndelays].ev, delay_done);
        sim->delays[sim->ndelays++].op = (uint32_t)i;
    }
    for (size_t i = 0; i < wl->nops; i++) {
        if (wl->ops[i].kind != NS_OP_TRANSFER)
            continue;
        sim->xfers[ns_sim_xfer_of(sim, (uint32_t)i)].op = (uint32_t)i;
        sim->total_bytes += (double)wl->ops[i].bytes;
    }
    for (size_t h = 0; h < fab->nhosts; h++) {
        ns_event_init(&sim->cpus[h].ev, cpu_done);
        sim->cpus[h].running = NS_NONE;
        sim->cpus[h].head = sim->cpus[h].tail = NS_NONE;
        sim->cpus[h].busy_ps = 0;
    }
    link_bytes_total(sim);
    if (cut_bounds(sim)) {
        rc = ns_enomem(e, "the simulation");
        goto fail;
    }
    ns_err_clear(&sim->err);
    rc = model->create(sim, &sim->net);
    if (rc) {
        ns_errorf(e, rc, "%s", sim->err.msg);
        goto fail;
    }
    *out = sim;
    return NS_OK;
fail:
    ns_sim_free(sim);
    return rc;
}

void
ns_sim_free(ns_sim *sim)
{
    if (!sim)
        return;
    /* the model first: it may cancel its pending events, which needs the
     * queue; the queue then frees its buckets without touching any event */
    if (sim->net)
        sim->net->ops->free(sim->net);
    ns_evq_destroy(&sim->evq);
    ns_free(sim->op_start);
    ns_free(sim->op_finish);
    ns_free(sim->op_waiting);
    if (sim->succ_owned) {
        ns_free(sim->succ_start);
        ns_free(sim->succ);
    }
    ns_free(sim->xfer_rank);
    ns_free(sim->done_q);
    ns_free(sim->cpus);
    ns_free(sim->xfers);
    ns_free(sim->xfer_pkt);
    ns_free(sim->job_xfer0);
    ns_free(sim->eth_pend);
    ns_free(sim->eth_rec);
    ns_free(sim->delays);
    ns_free(sim->coll_cut_ps);
    ns_free(sim);
}

/* --- the driver ---------------------------------------------------------- */

static void
op_done(ns_sim *sim, uint32_t op)
{
    sim->op_finish[op] = sim->now;
    sim->ops_done++;
    /* its successors are counted down after the event (drain_done), in the
     * order ops finished: they start in the order they became ready */
    if (sim->done_tail == sim->done_cap &&
        ns_grow((void **)&sim->done_q, &sim->done_cap, sim->done_cap + 1, sizeof *sim->done_q)) {
        ns_enomem(&sim->err, "the simulation");
        return;
    }
    sim->done_q[sim->done_tail++] = op;
}

static int
cpu_start_next(ns_sim *sim, ns_cpu *cpu)
{
    uint32_t op = cpu->head;
    cpu->head = sim->op_waiting[op];
    if (cpu->head == NS_NONE)
        cpu->tail = NS_NONE;
    cpu->running = op;
    sim->op_start[op] = sim->now;
    ns_time d = sim->wl->ops[op].duration_ps;
    cpu->busy_ps = ns_time_add(cpu->busy_ps, d);
    return ns_sim_at(sim, &cpu->ev, ns_time_add(sim->now, d));
}

static void
cpu_done(void *simp, ns_event *ev)
{
    ns_sim *sim = simp;
    ns_cpu *cpu = ns_container_of(ev, ns_cpu, ev);
    uint32_t op = cpu->running;
    cpu->running = NS_NONE;
    op_done(sim, op);
    if (cpu->head != NS_NONE)
        cpu_start_next(sim, cpu);
}

static void
delay_done(void *simp, ns_event *ev)
{
    ns_sim *sim = simp;
    op_done(sim, ns_container_of(ev, ns_delay, ev)->op);
}

/* the timer of delay op `op` */
static ns_delay *
find_delay(ns_sim *sim, uint32_t op)
{
    size_t lo = 0, hi = sim->ndelays;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (sim->delays[mid].op <= op)
            lo = mid;
        else
            hi = mid;
    }
    assert(lo < sim->ndelays && sim->delays[lo].op == op);
    return &sim->delays[lo];
}

/* --- lb = "ethereal": batches ----------------------------------------------
 *
 * The source switch assigns paths to the transfers of a batch: those that
 * start at one picosecond from hosts under one edge switch to hosts under
 * another (arXiv 2407.00550). A transfer that starts waits in eth_pend;
 * eth_ev, queued at the same instant, fires once nothing else is due then
 * (so transfers made ready by later events of the instant join the batch),
 * assigns every pending transfer its subflows and path0, and hands them to
 * the network model in the order they started. With n transfers in a
 * group and s pinned paths (ns_fabric_pinned_paths), r = n mod s: the first
 * n - r go whole to paths 0, 1, ..., s - 1, 0, ... in turn; the last r are
 * cut into m = s / gcd(r, s) equal pieces each, leftover t's pieces on
 * paths t m, t m + 1, ... (mod s), so every path gets r / gcd(r, s) pieces. */

static int
eth_cmp(const void *a, const void *b)
{
    const ns_eth_rec *p = a, *q = b;
    if (p->key != q->key)
        return p->key < q->key ? -1 : 1;
    return p->pos < q->pos ? -1 : p->pos > q->pos;
}

static uint32_t
gcd_u32(uint32_t a, uint32_t b)
{
    while (b) {
        uint32_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* a left-over transfer's s / gcd(r, s) subflows and its path0 fit a transfer row */
_Static_assert(NS_PIN_MAX_PATHS <= NS_MAX_SUBFLOWS, "pinned paths outnumber a transfer's subflows");

static int
eth_join(ns_sim *sim, uint32_t x)
{
    sim->eth_pend[sim->eth_n++] = x;
    if (!ns_event_pending(&sim->eth_ev) && ns_sim_at(sim, &sim->eth_ev, sim->now))
        return sim->err.code;
    return NS_OK;
}

static void
eth_fire(void *simp, ns_event *ev)
{
    ns_sim *sim = simp;
    if (ns_evq_due_at(&sim->evq, sim->now)) {
        ns_sim_at(sim, ev, sim->now);   /* after the instant's other events */
        return;
    }
    const ns_fabric *f = sim->fab;
    size_t n = sim->eth_n;
    for (size_t i = 0; i < n; i++) {
        const ns_xfer *xf = &sim->xfers[sim->eth_pend[i]];
        /* batches by the edge switches the transfer crosses the fabric
         * between (inside a server: its NVLink switch, a batch of its own) */
        uint32_t src = ns_sim_xfer_src(sim, xf) - 1, dst = ns_sim_xfer_dst(sim, xf) - 1;
        uint32_t nic = ns_fabric_nic_host(f, src, dst);
        uint32_t a = nic == UINT32_MAX ? f->nvs0 + ns_fabric_server_of(f, src) : f->host_attach[nic];
        uint32_t b = nic == UINT32_MAX ? a : f->host_attach[dst];
        sim->eth_rec[i] = (ns_eth_rec){ ((uint64_t)a << 32) | b, (uint32_t)i, sim->eth_pend[i] };
    }
    qsort(sim->eth_rec, n, sizeof *sim->eth_rec, eth_cmp);
    for (size_t lo = 0, hi; lo < n; lo = hi) {
        for (hi = lo + 1; hi < n && sim->eth_rec[hi].key == sim->eth_rec[lo].key; hi++)
            ;
        const ns_xfer *x0 = &sim->xfers[sim->eth_rec[lo].x];
        uint32_t s = ns_fabric_pinned_paths(f, ns_sim_xfer_src(sim, x0) - 1, ns_sim_xfer_dst(sim, x0) - 1);
        uint32_t cnt = (uint32_t)(hi - lo), r = cnt % s, whole = cnt - r;
        uint32_t m = r ? s / gcd_u32(r, s) : 1;
        for (uint32_t j = 0; j < cnt; j++) {
            ns_xfer *xf = &sim->xfers[sim->eth_rec[lo + j].x];
            if (j < whole) {
                xf->subflows = 1;
                xf->path0 = (uint16_t)(j % s);
            } else {
                xf->subflows = (uint16_t)m;   /* m <= s <= NS_PIN_MAX_PATHS */
                xf->path0 = (uint16_t)((uint64_t)(j - whole) * m % s);
            }
        }
    }
    sim->eth_n = 0;
    for (size_t i = 0; i < n; i++)
        if (sim->net->ops->start(sim->net, sim->eth_pend[i]))
            return;   /* the error is in sim->err */
}

static int
start_op(ns_sim *sim, uint32_t op)
{
    const ns_op *o = &sim->wl->ops[op];
    switch (o->kind) {
    case NS_OP_MARKER:
        sim->op_start[op] = sim->now;
        op_done(sim, op);
        return NS_OK;
    case NS_OP_COMPUTE: {
        ns_cpu *cpu = &sim->cpus[o->node - 1];
        sim->op_waiting[op] = NS_NONE;
        if (cpu->tail == NS_NONE)
            cpu->head = op;
        else
            sim->op_waiting[cpu->tail] = op;
        cpu->tail = op;
        if (cpu->running == NS_NONE && cpu_start_next(sim, cpu))
            return sim->err.code;
        return NS_OK;
    }
    case NS_OP_TRANSFER: {
        uint32_t x = ns_sim_xfer_of(sim, op);
        ns_xfer *xf = &sim->xfers[x];
        sim->op_start[op] = sim->now;
        uint64_t bytes = ns_sim_xfer_bytes(sim, xf);
        if (bytes == 0 || ns_sim_xfer_src(sim, xf) == ns_sim_xfer_dst(sim, xf)) {
            /* nothing crosses the network: done at once */
            sim->delivered_bytes += bytes;
            sim->xfers_done++;
            op_done(sim, op);
            return NS_OK;
        }
        sim->crossing_bytes += (double)bytes;
        xf->subflows = (uint16_t)sim->cfg.subflows;   /* checked by ns_sim_new */
        xf->path0 = 0;
        if (sim->cfg.lb == NS_LB_ETHEREAL)
            return eth_join(sim, x);
        return sim->net->ops->start(sim->net, x);
    }
    case NS_OP_DELAY:
        sim->op_start[op] = sim->now;
        if (ns_sim_at(sim, &find_delay(sim, op)->ev, sim->now + o->duration_ps))
            return sim->err.code;
        return NS_OK;
    }
    return NS_OK;
}

void
ns_sim_transfer_done(ns_sim *sim, uint32_t x)
{
    sim->xfers_done++;
    op_done(sim, sim->xfers[x].op);   /* its finish is its op's */
}

/* start what became ready: the successors of the ops done, in the order
 * they finished, each as its count reaches 0 (ops done meanwhile join the
 * FIFO's end); NS_NONE: every op that waits for none, in op order */
static int
drain_done(ns_sim *sim)
{
    int rc = NS_OK;
    while (rc == NS_OK && sim->done_head < sim->done_tail) {
        uint32_t op = sim->done_q[sim->done_head++];
        if (op == NS_NONE) {
            for (size_t i = 0; i < sim->wl->nops && rc == NS_OK; i++)
                if (sim->op_waiting[i] == 0)
                    rc = start_op(sim, (uint32_t)i);
            continue;
        }
        uint32_t s;
        for (ns_succ_it it = ns_succ_of(sim->succ_start, sim->succ, op); rc == NS_OK && ns_succ_next(&it, &s);)
            if (--sim->op_waiting[s] == 0)
                rc = start_op(sim, s);
    }
    if (rc == NS_OK)
        rc = sim->err.code;
    sim->done_head = sim->done_tail = 0;
    return rc;
}

static void
sample_tick(void *simp, ns_event *ev)
{
    ns_sim *sim = simp;
    (void)ev;
    sim->sample_fn(sim->sample_ctx, sim);
    /* keep sampling only while something else is going on */
    if (ns_evq_size(&sim->evq) > 0)
        ns_sim_at(sim, &sim->sample_ev, ns_time_add(sim->now, sim->cfg.sample_ps));
}

void
ns_sim_set_sampler(ns_sim *sim, ns_sample_fn *fn, void *ctx)
{
    sim->sample_fn = fn;
    sim->sample_ctx = ctx;
}

void
ns_sim_set_progress(ns_sim *sim, ns_progress_fn *fn, void *ctx, uint64_t every)
{
    sim->progress_fn = fn;
    sim->progress_ctx = ctx;
    sim->progress_every = every ? every : 1;
}

/* events between two looks at the stop flag (ns_sim_run) */
#define STOP_EVERY 1024

int
ns_sim_run(ns_sim *sim)
{
    const ns_workload *wl = sim->wl;
    sim->done_head = 0;
    sim->done_q[0] = NS_NONE;   /* the ops that wait for none start first */
    sim->done_tail = 1;
    if (sim->sample_fn && sim->cfg.sample_ps > 0) {
        sim->sample_ev.fn = sample_tick;
        sim->sample_fn(sim->sample_ctx, sim);          /* the sample at time 0 */
        if (ns_sim_at(sim, &sim->sample_ev, sim->cfg.sample_ps))
            return sim->err.code;
    }
    int rc = drain_done(sim);
    uint64_t next_progress = sim->progress_fn ? sim->progress_every : UINT64_MAX;
    /* the run's limits, fixed before it starts, as one comparison each; the
     * stop flag, the event limit and the progress report are looked at when
     * the event count reaches check_at (the flag at least every STOP_EVERY
     * events: a signal stops the run within STOP_EVERY events, not at the
     * next one; the limit and the report stay exact) */
    volatile int *const stop_flag = sim->stop_flag;
    const uint64_t max_events = sim->max_events ? sim->max_events : UINT64_MAX;
    const ns_time until = sim->cfg.until_ps > 0 ? sim->cfg.until_ps : NS_TIME_MAX;
    uint64_t check_at = sim->events;
    while (rc == NS_OK) {
        if (sim->events >= check_at) {
            if (sim->events >= next_progress) {
                sim->progress_fn(sim->progress_ctx, sim);
                next_progress = sim->events + sim->progress_every;
            }
            if (stop_flag && *stop_flag) {
                sim->stopped = 1;
                break;
            }
            if (sim->events >= max_events) {
                sim->stopped = 3;
                break;
            }
            check_at = sim->events + STOP_EVERY;
            if (check_at > next_progress)
                check_at = next_progress;
            if (check_at > max_events)
                check_at = max_events;
        }
        ns_event *ev = ns_evq_pop(&sim->evq);
        if (!ev)
            break;
        if (ev->when_ps > until) {
            /* stop; the event stays unprocessed (its owner frees with the model) */
            sim->now = sim->cfg.until_ps;
            sim->stopped = 2;
            break;
        }
        sim->now = ev->when_ps;
        sim->events++;
        ev->fn(sim, ev);
        if (sim->err.code)
            return sim->err.code;
        if (sim->done_head < sim->done_tail)
            rc = drain_done(sim);
    }
    if (rc)
        return rc;
    if (!sim->stopped && sim->ops_done < wl->nops) {
        /* nothing left to happen, yet some op never finished: a model bug */
        for (size_t i = 0; i < wl->nops; i++) {
            if (sim->op_finish[i] < 0) {
                char d[400];
                ns_wl_describe(wl, (uint32_t)i, d, sizeof d);
                return ns_errorf(&sim->err, NS_ESIM, "the simulation ran out of events with %zu ops unfinished, "
                                 "among them %s", wl->nops - sim->ops_done, d);
            }
        }
    }
    return NS_OK;
}

void
ns_sim_finish(ns_sim *sim)
{
    if (sim->net && sim->net->ops->finish)
        sim->net->ops->finish(sim->net);
}

static int
cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* on a fabric of servers, the bound of collective c from its own transfers:
 * the most bytes any of its ranks sends out of (or takes in through) one
 * port, its NIC or its NVLink, over that port's rate; when its NVLink and NIC
 * transfers come one after the other (c->phased: a hierarchical collective
 * of one chunk), a rank's NVLink time plus its NIC time. -1 when out of
 * memory (the caller falls back to the NIC bound) */
static double
server_bound_ps(const ns_sim *sim, const ns_coll *c)
{
    const ns_fabric *f = sim->fab;
    const ns_workload *wl = sim->wl;
    size_t r = c->ranks;
    uint64_t *key = ns_alloc((r ? r : 1) * sizeof *key);
    double *load = ns_calloc(4 * (r ? r : 1), sizeof *load);   /* per rank: NIC out, NVLink out, NIC in, NVLink in */
    if (!key || !load) {
        ns_free(key);
        ns_free(load);
        return -1;
    }
    for (size_t i = 0; i < r; i++)
        key[i] = (uint64_t)wl->coll_hosts[c->hosts_off + i] << 32 | i;
    qsort(key, r, sizeof *key, cmp_u64);
    for (uint32_t k = c->first_op; k <= c->last_op; k++) {
        const ns_op *o = &wl->ops[k];
        if (o->kind != NS_OP_TRANSFER || o->node == o->dst)
            continue;
        uint32_t a = o->node - 1, b = o->dst - 1;
        int out_nvl = ns_fabric_via_nvlink(f, a, b);
        int in_nvl = ns_fabric_server_of(f, a) == ns_fabric_server_of(f, b);
        for (int side = 0; side < 2; side++) {
            uint64_t h = side ? o->dst : o->node;
            size_t lo = 0, hi = r;
            while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                if ((key[mid] >> 32) < h)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            if (lo < r && (key[lo] >> 32) == h)
                load[4 * (key[lo] & 0xffffffffu) + 2 * side + (side ? in_nvl : out_nvl)] += (double)o->bytes;
        }
    }
    double worst = 0;
    for (size_t i = 0; i < r; i++) {
        uint32_t h = wl->coll_hosts[c->hosts_off + i] - 1;
        double nic = (double)f->links[f->host_link[h]].rate_bps, nvl = (double)f->links[f->host_nvlink[h]].rate_bps;
        for (int side = 0; side < 2; side++) {
            double t1 = load[4 * i + 2 * side] * 8e12 / nic, t2 = load[4 * i + 2 * side + 1] * 8e12 / nvl;
            double t = c->phased ? t1 + t2 : t1 > t2 ? t1 : t2;
            worst = t > worst ? t : worst;
        }
    }
    ns_free(key);
    ns_free(load);
    return worst;
}

void
ns_sim_coll_span(const ns_sim *sim, const ns_coll *c, ns_time *start, ns_time *finish, ns_time *bound)
{
    const ns_workload *wl = sim->wl;
    ns_time t = -1;
    for (uint32_t k = c->first_op; k <= c->last_op; k++)
        if (sim->op_start[k] >= 0 && (t < 0 || sim->op_start[k] < t))
            t = sim->op_start[k];
    *start = t;
    *finish = sim->op_finish[c->last_op];
    uint64_t rate = ns_fabric_min_host_rate(sim->fab, &wl->coll_hosts[c->hosts_off], c->ranks);
    double lb = sim->fab->gpus_per_server ? server_bound_ps(sim, c) : -1;
    if (lb < 0)
        lb = c->nic_bytes * 8.0 * 1e12 / (double)rate;
    lb += 0.5;
    *bound = lb < 9.2e18 ? (ns_time)lb : INT64_MAX;   /* past the clock: no overflow */
    ns_time cut = sim->coll_cut_ps[c - wl->colls];
    if (cut > *bound)
        *bound = cut;
}
