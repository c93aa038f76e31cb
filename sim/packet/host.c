/*
 * host.c - a host's NIC: sends control packets (ACKs, NACKs, CNPs) first,
 * then one data packet at a time from the subflows that have something to
 * send, round robin, each chosen as soon as the NIC has finished the
 * previous packet. So a sender paces at its NIC rate and its own queue
 * holds at most the packet on the wire and the control packets behind it.
 * A control packet goes on the wire when it is made, behind the packet
 * being sent (it starts when that one ends, as when the NIC served it
 * then), and the NIC's next choice of data moves after it: no event of its
 * own. A subflow whose window the packet it sent filled leaves the ring at
 * once (the transport's `blocked`), not at a turn that finds it empty, and
 * comes back when the transport says (ns_host_resume: an ACK, a timer), at
 * the end of the round; if the NIC is idle then, the packet goes in that
 * event. A GPU of a server has a second sender of the same kind on its
 * NVLink port.
 */
#include <config.h>
#include "packet_int.h"

static void
ring_insert(ns_phost *h, ns_sflow *f)
{
    if (!h->cur) {
        f->ring_next = f->ring_prev = f;
        h->cur = f;
    } else {
        /* just before cur: served last in the current round */
        f->ring_next = h->cur;
        f->ring_prev = h->cur->ring_prev;
        h->cur->ring_prev->ring_next = f;
        h->cur->ring_prev = f;
    }
    f->in_ring = 1;
}

static void
ring_remove(ns_phost *h, ns_sflow *f)
{
    if (f->ring_next == f) {
        h->cur = NULL;
    } else {
        f->ring_prev->ring_next = f->ring_next;
        f->ring_next->ring_prev = f->ring_prev;
        if (h->cur == f)
            h->cur = f->ring_next;
    }
    f->ring_next = f->ring_prev = NULL;
    f->in_ring = 0;
}

void
ns_host_kick(ns_pnet *n, uint32_t sender)
{
    ns_phost *h = &n->hosts[sender];
    if (ns_event_pending(&h->ev))
        return;
    if (!h->cur && !h->ctl_head)
        return;
    uint32_t link = h->link;
    const ns_port *p = &n->ports[link];
    if (p->sched && !ns_port_ready(n, link))
        return;   /* the port kicks the host when it can take a packet (paused by PFC, say) */
    ns_time t = p->free_ps > n->sim->now ? p->free_ps : n->sim->now;
    ns_sim_at(n->sim, &h->ev, t);
}

void
ns_host_activate(ns_pnet *n, ns_sflow *f)
{
    if (!f->in_ring)
        ring_insert(&n->hosts[f->tx], f);
    ns_host_kick(n, f->tx);
}

void
ns_host_deactivate(ns_pnet *n, ns_sflow *f)
{
    if (f->in_ring)
        ring_remove(&n->hosts[f->tx], f);
}

/* 1 if the NIC's port takes a control packet of `size` bytes now, behind
 * the packet on its wire: one of its own buffer that has room (port.c's
 * no_room for such a port; a shared pool or a failed cable take the old
 * way), and if it is a NIC's port into a PFC switch, one not paused and
 * holding nothing back (it too puts a packet behind the one on the wire) */
static int
takes_ctl_now(const ns_pnet *n, const ns_phost *h, uint32_t size)
{
    const ns_port *port = &n->ports[h->link];
    const ns_port_sched *s = port->sched ? &n->sched[h->link] : NULL;
    return !port->down && !port->shared && (!s || (ns_sched_eager(s) && ns_port_ready(n, h->link))) &&
           (!port->buffer_bytes || n->unlimited || ns_port_backlog(port, n->sim->now) + size <= port->buffer_bytes);
}

void
ns_host_send_ctl(ns_pnet *n, uint32_t host, ns_pkt *p)
{
    uint32_t sender = ns_host_sender(n, host, p->flow->src);
    ns_phost *h = &n->hosts[sender];
    const ns_port *port = &n->ports[h->link];
    if (!h->ctl_head && takes_ctl_now(n, h, p->size)) {
        /* served first, it goes on the wire now, behind the packet on it
         * (it starts when that one ends, as when the NIC sends it then),
         * and the NIC's next choice moves after it: one event less per
         * control packet */
        ns_port_send(n, h->link, p);
        if (ns_event_pending(&h->ev))
            ns_sim_at(n->sim, &h->ev, port->free_ps);
        else
            ns_host_kick(n, sender);
        return;
    }
    p->next = NULL;
    if (h->ctl_tail)
        h->ctl_tail->next = p;
    else
        h->ctl_head = p;
    h->ctl_tail = p;
    ns_host_kick(n, sender);
}

/* the NIC sends one packet: a control packet first, else one from the ring */
static void
send_one(ns_pnet *n, ns_phost *h)
{
    uint32_t link = h->link;
    if (h->ctl_head) {
        /* one, and behind it at once what a NIC's port into a PFC switch
         * takes (they waited out a pause: one turn each would be as many
         * events at the same times) */
        int pfc_nic = n->ports[link].sched;
        do {
            ns_pkt *p = h->ctl_head;
            h->ctl_head = p->next;
            if (!h->ctl_head)
                h->ctl_tail = NULL;
            ns_port_send(n, link, p);
        } while (pfc_nic && h->ctl_head && takes_ctl_now(n, h, h->ctl_head->size));
    } else {
        while (h->cur) {
            ns_sflow *f = h->cur;
            ns_pkt *p = n->tp->next(n, f);
            if (!p) {
                ring_remove(h, f);   /* nothing to send now; the transport re-activates it */
                continue;
            }
            h->cur = f->ring_next;
            ns_port_send(n, link, p);
            /* a paced subflow that may not send when the NIC is next free,
             * or one whose window is now full, leaves the ring now, rather
             * than at a wasted turn (it comes back by ns_host_resume) */
            if (f->in_ring && ((f->held && f->hold_ps > n->ports[link].free_ps) ||
                               (n->tp->blocked && n->tp->blocked(n, f))))
                ring_remove(h, f);
            break;
        }
    }
    ns_host_kick(n, (uint32_t)(h - n->hosts));
}

void
ns_host_tx(void *simp, ns_event *ev)
{
    ns_phost *h = ns_container_of(ev, ns_phost, ev);
    send_one((ns_pnet *)((ns_sim *)simp)->net, h);
}

void
ns_host_resume(ns_pnet *n, ns_sflow *f)
{
    ns_phost *h = &n->hosts[f->tx];
    if (n->tp->blocked && n->tp->blocked(n, f)) {
        /* nothing to send until its next ACK or timer (a mark cut its
         * window, or it waits for the last ACKs): off the ring, and the
         * NIC's turn goes if nothing else would use it */
        if (f->in_ring) {
            ring_remove(h, f);
            if (!h->cur && !h->ctl_head)
                ns_sim_cancel(n->sim, &h->ev);
        }
        return;
    }
    if (!f->in_ring)
        ring_insert(h, f);
    uint32_t link = h->link;
    const ns_port *p = &n->ports[link];
    if (!ns_event_pending(&h->ev) && p->free_ps <= n->sim->now && (!p->sched || ns_port_ready(n, link)))
        send_one(n, h);      /* the NIC is idle: now, in this event */
    else
        ns_host_kick(n, f->tx);
}
