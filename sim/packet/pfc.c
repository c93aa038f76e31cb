/*
 * pfc.c - priority flow control (IEEE 802.1Qbb), one priority: a switch
 * that runs it counts, per ingress link, the bytes that came in on it and
 * have not yet left; above the link's xoff it sends a pause frame up the
 * cable, which stops the upstream port (after the packet on the wire) when
 * it arrives a cable's delay later; at xon it sends a resume. Ports into
 * and out of such a switch therefore run their scheduler (port.c), and the
 * switch's own ports never drop (its buffer must hold every ingress's xoff
 * plus headroom: checked when the run starts).
 *
 * A cycle of paused ports each waiting on the next (a deadlock, e.g. after
 * a routing change) never clears by itself. A watch runs every
 * NS_PFC_WATCH_PS while any port is paused: ports paused since the previous
 * look, with packets queued, form a graph (L -> M when packets that came in
 * on L wait in M); a cycle in it stops the run with the cycle's ports named.
 */
#include <config.h>
#include "packet_int.h"

#include <stdio.h>
#include "sim/alloc.h"
#include "sim/id.h"
#include "sim/net.h"
#include "sim/units.h"

#define NS_PFC_WATCH_PS (100 * NS_PS_PER_US)

typedef struct pfc_frame {
    ns_event ev;
    uint32_t link;           /* the port it stops or restarts */
    uint8_t  pause;
} pfc_frame;

static void
frame_arrive(void *simp, ns_event *ev)
{
    ns_sim *sim = simp;
    ns_pnet *n = (ns_pnet *)sim->net;
    pfc_frame *fr = ns_container_of(ev, pfc_frame, ev);
    uint32_t link = fr->link;
    int pause = fr->pause;
    ns_pool_put(&n->frame_pool, fr);
    ns_port *p = &n->ports[link];
    if (pause) {
        if (p->paused_since < 0) {
            p->paused_since = sim->now;
            n->npaused++;
        }
        ns_port_pause(n, link, NS_PORT_ALL);
        if (!ns_event_pending(&n->pfc_watch))
            ns_sim_at(sim, &n->pfc_watch, ns_time_add(sim->now, NS_PFC_WATCH_PS));
    } else {
        if (p->paused_since >= 0) {
            p->paused_ps += sim->now - p->paused_since;
            p->paused_since = -1;
            n->npaused--;
        }
        ns_port_resume(n, link, NS_PORT_ALL);
    }
}

/* a frame from the ingress of `link` up the cable to the port of `link` */
static void
send_frame(ns_pnet *n, uint32_t link, int pause)
{
    pfc_frame *fr = ns_pool_get(&n->frame_pool);
    if (!fr) {
        ns_errorf(&n->sim->err, NS_ENOMEM, "out of memory for pause frames");
        return;
    }
    ns_event_init(&fr->ev, frame_arrive);
    fr->link = link;
    fr->pause = (uint8_t)pause;
    ns_sim_at(n->sim, &fr->ev, ns_time_add(n->sim->now, n->pfc[link].frame_ps));
    if (pause)
        n->ports[link].pause_frames++;
}

void
ns_pfc_arrive(ns_pnet *n, const ns_pkt *p)
{
    ns_pfc_in *in = &n->pfc[p->in_link];
    if (!in->on)
        return;
    in->bytes += p->size;
    if (!in->xoff_sent && in->bytes > in->xoff) {
        in->xoff_sent = 1;
        send_frame(n, p->in_link, 1);
    }
}

void
ns_pfc_leave(ns_pnet *n, const ns_pkt *p)
{
    ns_pfc_in *in = &n->pfc[p->in_link];
    if (!in->on)
        return;
    in->bytes -= p->size;
    if (in->xoff_sent && in->bytes <= in->xon) {
        in->xoff_sent = 0;
        send_frame(n, p->in_link, 0);
    }
}

/* --- deadlock watch ---------------------------------------------------------- */

/* port `link` has been paused since before the previous look and holds packets */
static int
stuck(const ns_pnet *n, uint32_t link, ns_time since)
{
    const ns_port *p = &n->ports[link];
    return p->sched && p->paused_since >= 0 && p->paused_since <= since && n->sched[link].queued > 0;
}

/* packets that came in on `from` wait in port `link` */
static int
holds_from(const ns_pnet *n, uint32_t link, uint32_t from)
{
    const ns_port_sched *s = &n->sched[link];
    for (uint32_t q = 0; q <= NS_PORT_CLASSES; q++)   /* every queue, the headers' too */
        for (const ns_pkt *k = s->qs[q].head; k; k = k->next)
            if (k->in_link == from)
                return 1;
    return 0;
}

static void
report_cycle(ns_pnet *n, const uint32_t *parent, uint32_t from, uint32_t to)
{
    /* the cycle is to -> ... -> from -> to, following parent back from `from` */
    char msg[NS_ERRMSG_MAX - 200];
    size_t used = 0;
    uint32_t count = 0;
    msg[0] = '\0';
    const ns_fabric *f = n->fab;
    uint32_t chain[64];
    for (uint32_t l = from; count < 64; l = parent[l]) {
        chain[count++] = l;
        if (l == to)
            break;
    }
    for (uint32_t i = count; i-- > 0;) {
        const ns_flink *l = &f->links[chain[i]];
        int w = snprintf(msg + used, sizeof msg - used, "%s%s->%s", used ? ", " : "", f->nodes[l->src].name,
                         f->nodes[l->dst].name);
        if (w < 0 || (size_t)w >= sizeof msg - used)
            break;
        used += (size_t)w;
    }
    ns_time last = 0;
    for (uint32_t i = 0; i < count; i++)
        if (n->ports[chain[i]].paused_since > last)
            last = n->ports[chain[i]].paused_since;
    char t[32];
    ns_format_time(last, t, sizeof t);
    ns_errorf(&n->sim->err, NS_ESIM, "PFC deadlock: %u port%s paused in a cycle, each waiting on the next "
              "(%s), all paused since %s: the fabric cannot move", count, count > 1 ? "s" : "", msg, t);
}

static void
watch(void *simp, ns_event *ev)
{
    ns_sim *sim = simp;
    ns_pnet *n = ns_container_of(ev, ns_pnet, pfc_watch);
    if (n->npaused == 0)
        return;
    const ns_fabric *f = n->fab;
    ns_time since = sim->now - NS_PFC_WATCH_PS;
    uint8_t *color = ns_calloc(f->nlinks, 1);          /* 0 new, 1 on the path, 2 done */
    uint32_t *parent = ns_alloc(f->nlinks * sizeof *parent);
    uint32_t *stack = ns_alloc(f->nlinks * sizeof *stack);
    uint32_t *next = ns_alloc(f->nlinks * sizeof *next);   /* the next candidate to try from a link */
    if (!color || !parent || !stack || !next)
        goto out;                                     /* look again next time */
    for (uint32_t root = 0; root < f->nlinks; root++) {
        if (color[root] || !stuck(n, root, since))
            continue;
        uint32_t top = 0;
        stack[top++] = root;
        color[root] = 1;
        next[root] = 0;
        parent[root] = NS_NONE;
        while (top) {
            uint32_t l = stack[top - 1];
            const ns_fnode *sw = &f->nodes[f->links[l].dst];
            if (f->links[l].dst < f->nhosts || next[l] >= sw->nlinks) {
                color[l] = 2;
                top--;
                continue;
            }
            uint32_t m = sw->first_link + next[l]++;
            if (color[m] == 2 || !stuck(n, m, since) || !holds_from(n, m, l))
                continue;
            if (color[m] == 1) {
                report_cycle(n, parent, l, m);
                goto out;
            }
            color[m] = 1;
            parent[m] = l;
            next[m] = 0;
            stack[top++] = m;
        }
    }
    ns_sim_at(sim, &n->pfc_watch, ns_time_add(sim->now, NS_PFC_WATCH_PS));
out:
    if (!color || !parent || !stack || !next)
        ns_sim_at(sim, &n->pfc_watch, ns_time_add(sim->now, NS_PFC_WATCH_PS));
    ns_free(color);
    ns_free(parent);
    ns_free(stack);
    ns_free(next);
}

/* --- set-up -------------------------------------------------------------------- */

static int
one_class(ns_pnet *n, uint32_t link)
{
    if (n->ports[link].sched)
        return NS_OK;
    static const uint8_t prio[1] = {0};
    const uint32_t quantum[1] = {n->fab->mtu};   /* a packet a turn: one pass of the round robin */
    return ns_port_set_classes(n, link, 1, prio, quantum);
}

/* the buffer of switch `sw` holds xoff + headroom for every ingress */
static int
check_headroom(ns_pnet *n, uint32_t sw)
{
    const ns_fabric *f = n->fab;
    const ns_fnode *node = &f->nodes[sw];
    const ns_switch_cfg *c = &f->cfgs[node->cfg];
    const ns_flink *out = &f->links[node->first_link];
    if (!out->buffer_bytes)
        return NS_OK;                                  /* unlimited */
    double total = (c->shared || c->buffer_auto) ? (double)out->buffer_bytes
                                                : (double)out->buffer_bytes * node->nlinks;
    double need = 0, one = 0;
    for (uint32_t k = 0; k < node->nlinks; k++) {
        const ns_flink *in = &f->links[f->links[node->first_link + k].reverse];
        double h = (double)in->pfc_xoff + (double)ns_switch_headroom_bytes(f, in);
        need += h;
        if (h > one)
            one = h;
    }
    if (need <= total)
        return NS_OK;
    return ns_errorf(&n->sim->err, NS_EINVAL, "switch '%s': PFC needs xoff plus headroom (2 x the cable's "
                     "bandwidth-delay product + 2 MTU), up to %.0f bytes, on each of its %u ingress ports: "
                     "%.0f bytes in all, more than its buffer of %.0f bytes; set a lower switch.pfc.xoff or a "
                     "larger switch.buffer", node->name, one, node->nlinks, need, total);
}

int
ns_pfc_anywhere(const ns_fabric *f, int transport)
{
    for (uint32_t c = 0; c < f->ncfgs; c++)
        if (ns_pfc_on(f, c, transport))
            return 1;
    return 0;
}

int
ns_pfc_setup(ns_pnet *n)
{
    const ns_fabric *f = n->fab;
    if (!ns_pfc_anywhere(f, n->sim->cfg.transport))
        return NS_OK;
    n->pfc = ns_calloc(f->nlinks ? f->nlinks : 1, sizeof *n->pfc);
    if (!n->pfc)
        return ns_enomem(&n->sim->err, "PFC state");
    ns_pool_init(&n->frame_pool, sizeof(pfc_frame), 256);
    ns_event_init(&n->pfc_watch, watch);
    for (size_t sw = f->nhosts; sw < f->nnodes; sw++) {
        const ns_fnode *node = &f->nodes[sw];
        if (!ns_pfc_on(f, node->cfg, n->sim->cfg.transport))
            continue;
        if (f->cfgs[node->cfg].trim)   /* a lossless port never refuses a packet: nothing to trim */
            return ns_errorf(&n->sim->err, NS_EINVAL, "switch '%s' runs PFC and trims packets "
                             "(switch = { trim = true }): a lossless switch never runs out of room, so it "
                             "would trim nothing; choose one (trim = false, or pfc = false)", node->name);
        int rc = check_headroom(n, (uint32_t)sw);
        if (rc)
            return rc;
        for (uint32_t k = 0; k < node->nlinks; k++) {
            uint32_t out = node->first_link + k, in = f->links[out].reverse;
            n->pfc[in].on = 1;
            n->pfc[in].xoff = f->links[in].pfc_xoff;
            n->pfc[in].xon = f->links[in].pfc_xon;
            n->pfc[in].frame_ps = f->links[out].latency_ps;   /* out is in's reverse */
            n->ports[out].lossless = 1;
            n->ports[out].shared = 0;   /* never drops: the pool's occupancy is never asked for */
            if ((rc = one_class(n, out)) || (rc = one_class(n, in)))
                return rc;
            if (f->links[in].src < f->nhosts)
                n->sched[in].host = 1;
        }
    }
    return NS_OK;
}

void
ns_pfc_free(ns_pnet *n)
{
    if (!n->pfc)
        return;
    ns_sim_cancel(n->sim, &n->pfc_watch);
    ns_pool_destroy(&n->frame_pool);
    ns_free(n->pfc);
    n->pfc = NULL;
}
