/*
 * failure.c - cables that fail or slow down during a packet-level run
 * (run{ failures = {...}, reroute = ... }).
 *
 * Each failure is two events on its cable (both directions): the change at
 * at_ps and, unless it is for good, the repair at until_ps. A cable that goes
 * down loses what is on it: the packets on the wire and those queued behind
 * them at its two ports (a port keeps them on one list, port.c), and every
 * packet given to it while it is down. A slowed cable serialises the packets
 * given to it from then on at the new rate (those already on the wire keep
 * their times). Forwarding learns of a change reroute_ps later: the
 * forwarding tables are recomputed over the cables that are up
 * (ns_fabric_reroute) and put in place of the fabric's, in a copy of the
 * fabric that only this run sees. Until then switches keep sending to a
 * down cable, and lose what they send; a switch left with no way to a
 * destination loses the packets for it. Transports recover what was lost
 * as they recover any loss.
 */
#include <config.h>
#include "packet_int.h"

#include <string.h>
#include "sim/alloc.h"

typedef struct fail_ev {
    ns_event ev;
    struct ns_failures *fs;
    uint32_t i;              /* the failure */
    uint8_t  kind;           /* CHANGE, REPAIR or REROUTE */
} fail_ev;

enum { CHANGE = 0, REPAIR, REROUTE };

typedef struct ns_failures {
    ns_pnet   *n;
    ns_fabric  view;         /* the fabric with this run's forwarding tables */
    ns_hopset *route;        /* the tables in view, when they are this run's (else NULL) */
    uint32_t  *hops;
    uint8_t   *down;         /* per link */
    uint32_t   nfail;
    fail_ev   *ev;           /* 4 per failure: change, repair, and their reroutes */
} ns_failures;

void
ns_failures_lost(ns_pnet *n, uint32_t link, ns_pkt *p)
{
    ns_failures *fs = n->fail;
    if (n->unlimited && !n->sim->err.code) {
        /* a transport that never loses a packet has no way to recover one */
        char name[NS_LINK_NAME_MAX];
        ns_fabric_link_name(n->fab, link, name, sizeof name);
        ns_errorf(&n->sim->err, NS_EINVAL, "run: a packet was lost at %s (a failed cable, or no way left) at "
                  "%.3f us; transport \"%s\" does not recover losses: use one that does (dctcp, dcqcn, uec), or "
                  "failures that only slow a cable (rate =)", name, (double)n->sim->now / 1e6, n->tp->name);
    }
    n->ports[link].drops++;
    n->peek_pkt = NULL;   /* the look-ahead's guess (port.c) may name the packet lost */
    if (fs && n->sim->cfg.failure_lost)
        for (uint32_t i = 0; i < fs->nfail; i++) {
            uint32_t l = n->sim->cfg.failures[i].link;
            if (l == link || n->fab->links[l].reverse == link) {
                n->sim->cfg.failure_lost[i]++;
                break;
            }
        }
    ns_pkt_free(n, p);
}

/* port `link` loses everything on its list */
static void
drain(ns_pnet *n, uint32_t link)
{
    ns_port *p = &n->ports[link];
    if (ns_event_pending(&p->ev))
        ns_sim_cancel(n->sim, &p->ev);
    ns_pkt *k = p->head;
    p->head = p->tail = NULL;
    if (p->free_ps > n->sim->now)
        p->free_ps = n->sim->now;
    while (k) {
        ns_pkt *next = k->next;
        ns_failures_lost(n, link, k);
        k = next;
    }
}

/* the cable of failure i changes (up = 0) or is repaired (up = 1) */
static void
apply(ns_failures *fs, uint32_t i, int up)
{
    ns_pnet *n = fs->n;
    const ns_failure *f = &n->sim->cfg.failures[i];
    uint32_t l[2] = { f->link, n->fab->links[f->link].reverse };
    for (int k = 0; k < 2; k++) {
        ns_port *p = &n->ports[l[k]];
        if (up) {
            p->down = 0;
            ns_port_set_rate(p, n->fab->links[l[k]].rate_bps);
        } else if (f->rate_bps) {
            ns_port_set_rate(p, f->rate_bps);
        } else {
            p->down = 1;
            drain(n, l[k]);
        }
    }
    if (up && !f->rate_bps)   /* a host whose NIC came back may send again */
        for (int k = 0; k < 2; k++)
            if (n->fab->links[l[k]].src < n->fab->nhosts)
                ns_host_kick(n, ns_host_link_sender(n, l[k]));
}

/* forwarding over the cables down now (reroute_ps after a change) */
static int
reroute(ns_failures *fs)
{
    ns_pnet *n = fs->n;
    const ns_fabric *orig = n->sim->fab;
    for (uint32_t i = 0; i < orig->nlinks; i++)
        fs->down[i] = n->ports[i].down;
    ns_hopset *route;
    uint32_t *hops;
    int rc = ns_fabric_reroute(orig, fs->down, &route, &hops, &n->sim->err);
    if (rc)
        return rc;
    ns_free(fs->route);
    ns_free(fs->hops);
    fs->route = fs->view.route = route;
    fs->hops = fs->view.hops = hops;
    n->peek_pkt = NULL;   /* the look-ahead's guess (port.c) read the old tables */
    return NS_OK;
}

static void
fire(void *simp, ns_event *ev)
{
    (void)simp;
    fail_ev *fe = ns_container_of(ev, fail_ev, ev);
    ns_failures *fs = fe->fs;
    ns_pnet *n = fs->n;
    const ns_failure *f = &n->sim->cfg.failures[fe->i];
    if (n->sim->ops_done == n->sim->wl->nops)
        return;   /* the run is over: nothing left to lose or to route */
    if (fe->kind == REROUTE) {
        reroute(fs);   /* an error stays in sim->err: the run stops */
        return;
    }
    apply(fs, fe->i, fe->kind == REPAIR);
    if (!f->rate_bps) {   /* forwarding learns of it later */
        fail_ev *r = &fs->ev[4 * fe->i + 2 + (fe->kind == REPAIR)];
        ns_sim_at(n->sim, &r->ev, ns_time_add(n->sim->now, n->sim->cfg.reroute_ps));
    }
}

int
ns_failures_setup(ns_pnet *n)
{
    const ns_run_cfg *c = &n->sim->cfg;
    if (!c->nfailures)
        return NS_OK;
    if (n->pfc || n->sched)
        return ns_errorf(&n->sim->err, NS_EINVAL, "failures during a run are not simulated on lossless "
                         "(PFC) fabrics yet; run with switch = { pfc = false }, or without failures");
    ns_failures *fs = ns_calloc(1, sizeof *fs);
    if (!fs)
        return ns_enomem(&n->sim->err, "failures");
    n->fail = fs;
    fs->n = n;
    fs->nfail = c->nfailures;
    fs->view = *n->sim->fab;
    fs->down = ns_calloc(n->sim->fab->nlinks ? n->sim->fab->nlinks : 1, 1);
    fs->ev = ns_calloc(4 * (size_t)c->nfailures, sizeof *fs->ev);
    if (!fs->down || !fs->ev)
        return ns_enomem(&n->sim->err, "failures");
    n->fab = &fs->view;
    for (uint32_t i = 0; i < c->nfailures; i++) {
        for (int k = 0; k < 4; k++) {
            fail_ev *fe = &fs->ev[4 * i + k];
            ns_event_init(&fe->ev, fire);
            fe->fs = fs;
            fe->i = i;
            fe->kind = (uint8_t)(k == 0 ? CHANGE : k == 1 ? REPAIR : REROUTE);
        }
        if (ns_sim_at(n->sim, &fs->ev[4 * i].ev, c->failures[i].at_ps))
            return n->sim->err.code ? n->sim->err.code : NS_ENOMEM;
        if (c->failures[i].until_ps < NS_TIME_MAX && ns_sim_at(n->sim, &fs->ev[4 * i + 1].ev, c->failures[i].until_ps))
            return n->sim->err.code ? n->sim->err.code : NS_ENOMEM;
    }
    return NS_OK;
}

void
ns_failures_free(ns_pnet *n)
{
    ns_failures *fs = n->fail;
    if (!fs)
        return;
    n->fab = n->sim->fab;
    ns_free(fs->route);
    ns_free(fs->hops);
    ns_free(fs->down);
    ns_free(fs->ev);
    ns_free(fs);
    n->fail = NULL;
}
