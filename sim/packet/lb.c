/*
 * lb.c - choosing the next hop among equal-cost links at a switch.
 *
 * A packet carries a flow label (`entropy`) and a subflow offset
 * (`path_off`). Hash-based policies pick (hash(label, switch salt) + offset)
 * mod n and spend one digit of the offset (route.h), so the k subflows of
 * one transfer take k distinct paths wherever there are k, and all packets
 * of a label follow one path:
 *   ecmp     label = hash of the transfer's identity, fixed;
 *   flowlet  label changes after an idle gap (chosen at the sender);
 *   spray    random: a fresh random label per packet (at the sender);
 *            roundrobin: successive packets to successive links, per switch
 *            and destination;
 *   adaptive the link with the fewest queued bytes, ties broken from the
 *            hashed choice onwards;
 *   ethereal no hash: the offset alone names the path (ns_route_pin), as
 *            the driver assigned it to the subflow (source routing).
 * A server's scale-up switch has no route table: it sends to the GPU the
 * packet is for, or under PXN to the GPU of its server on the destination's
 * rail, whose NIC takes it on (fabric.h).
 */
#include <config.h>
#include "packet_int.h"

#include "sim/rng.h"
#include "sim/id.h"
#include "sim/route.h"

uint32_t
ns_lb_choose(ns_pnet *n, uint32_t node, uint32_t dst, ns_pkt *p)
{
    const ns_fabric *f = n->fab;
    uint32_t attach = f->host_attach[dst];
    if (attach == node)
        return ns_fabric_downlink(f, dst);
    if (node < f->nhosts)
        return f->host_link[node];   /* a GPU passing PXN traffic on: out of its NIC */
    const ns_hopset *hs = ns_fabric_route(f, node, dst);
    const uint32_t *links = &f->hops[hs->off];
    if (hs->n <= 1) {   /* one way on; none: a scale-up switch, which routes by GPU, or no way left */
        if (hs->n)
            return links[0];
        return f->nodes[node].tier == NS_TIER_SCALEUP ? ns_fabric_scaleup_next(f, node, dst) : NS_NONE;
    }
    uint32_t off = p->path_off;
    uint32_t idx = n->lb == NS_LB_ETHEREAL ? ns_route_pin(&off, hs->n)
                                           : ns_route_pick(n->salt[node], p->entropy, &off, hs->n);
    p->path_off = (uint16_t)off;
    if (n->lb == NS_LB_SPRAY && n->spray == NS_SPRAY_ROUNDROBIN) {
        size_t entry = (size_t)(node - f->nhosts) * f->nedges + f->nodes[attach].edge;
        idx = n->rr[entry]++ % hs->n;
    } else if (n->lb == NS_LB_ADAPTIVE) {
        ns_time now = n->sim->now;
        uint32_t best = idx;
        uint64_t best_q = ns_port_queue(n, links[idx], now);
        for (uint32_t k = 1; k < hs->n && best_q > 0; k++) {
            uint32_t j = (idx + k) % hs->n;
            uint64_t q = ns_port_queue(n, links[j], now);
            if (q < best_q) {
                best_q = q;
                best = j;
            }
        }
        idx = best;
    }
    return links[idx];
}
