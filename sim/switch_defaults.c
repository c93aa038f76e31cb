/*
 * switch_defaults.c - what a switch does when the scenario does not say:
 * the buffers and the marking and pause thresholds of a current 100-800
 * Gb/s datacenter switch, resolved per switch and per port when the fabric
 * is finished (ns_fabric_finish), and described for the run's header.
 *
 * Buffer: one pool per switch shared by its output ports with a dynamic
 * threshold (Choudhury and Hahne, 1998), NS_BUFFER_BYTES_PER_TBPS bytes per
 * Tb/s of the switch's port capacity (Broadcom Tomahawk 4: 113 MB for 25.6
 * Tb/s; Tomahawk 3 and NVIDIA Spectrum-3: 64 MB for 12.8 Tb/s) and alpha
 * NS_BUFFER_DT_ALPHA (SONiC's lossy buffer profiles: dynamic_th 3, 2^3).
 *
 * ECN: the DCTCP guidance (Alizadeh et al., SIGCOMM 2010, section 3.4) is a
 * marking threshold K > C x RTT / 7 on the instantaneous queue. A port marks
 * from kmin = max(C x RTT / 7, 2 MTU) with a probability rising linearly to
 * 1 at kmax = max(C x RTT, 2 kmin), the ramp of switches' WRED profiles.
 * RTT is the fabric's longest base round trip as a port sees it: 2 H hops
 * of the port's own latency and one MTU's serialization, H = 2 x the top
 * switch tier (star 2, leaf-spine 4, fat tree 6).
 *
 * PFC: an ingress pauses its upstream port above xoff = C x RTT (the same
 * one-BDP figure: marking starts well before pausing), or less where the
 * buffer's even share per ingress, less the headroom, is smaller (at least
 * 2 MTU), and resumes below xon = xoff - 2 MTU. Headroom, the bytes that still arrive after xoff, is
 * 2 x the cable's bandwidth-delay product (the pause travels up, the last
 * bytes sent travel down) plus 2 MTU (a packet being sent at each end).
 */
#include <config.h>
#include "fabric.h"

#include <math.h>
#include <stdio.h>
#include "units.h"

/* hops of the longest host-to-host path, from the top switch tier */
static unsigned
path_hops(const ns_fabric *f)
{
    unsigned top = 1;
    for (size_t i = f->nhosts; i < f->nnodes; i++) {
        unsigned t = f->nodes[i].tier > NS_TIER_CORE ? NS_TIER_CORE : f->nodes[i].tier;
        if (t > top)
            top = t;
    }
    return 2 * top;
}

uint64_t
ns_switch_bdp_bytes(const ns_fabric *f, const ns_flink *l)
{
    ns_time hop = ns_time_add(l->latency_ps, ns_serialize_ps(f->mtu, l->rate_bps));   /* 1e6 s cables at 1 b/s: the clock's end */
    double rtt_s = 2.0 * path_hops(f) * (double)hop * 1e-12;
    return (uint64_t)ceil((double)l->rate_bps / 8 * rtt_s);
}

uint64_t
ns_switch_headroom_bytes(const ns_fabric *f, const ns_flink *l)
{
    double bdp = (double)l->rate_bps / 8 * (double)l->latency_ps * 1e-12;
    return (uint64_t)ceil(2 * bdp) + 2 * (uint64_t)f->mtu;
}

void
ns_fabric_resolve_switches(ns_fabric *f)
{
    /* the pools: a switch's capacity is the sum of its output ports' rates */
    for (size_t i = f->nhosts; i < f->nnodes; i++) {
        const ns_fnode *n = &f->nodes[i];
        const ns_switch_cfg *c = &f->cfgs[n->cfg];
        double cap = 0;
        for (uint32_t k = 0; k < n->nlinks; k++)
            cap += (double)f->links[n->first_link + k].rate_bps;
        uint64_t pool = (uint64_t)ceil(cap / 1e12 * NS_BUFFER_BYTES_PER_TBPS);
        for (uint32_t k = 0; k < n->nlinks; k++)
            f->links[n->first_link + k].buffer_bytes = c->buffer_auto ? pool : c->buffer_bytes;
    }
    for (size_t i = 0; i < f->nlinks; i++) {
        ns_flink *l = &f->links[i];
        l->ecn_kmin = l->ecn_kmax = 0;
        l->ecn_pmax = 0;
        l->pfc_xoff = l->pfc_xon = 0;
        uint64_t bdp = ns_switch_bdp_bytes(f, l);
        if (l->src >= f->nhosts) {
            const ns_switch_cfg *c = &f->cfgs[f->nodes[l->src].cfg];
            if (c->ecn && c->ecn_auto) {
                uint64_t k = (bdp + NS_ECN_K_DIVISOR - 1) / NS_ECN_K_DIVISOR;
                if (k < 2 * (uint64_t)f->mtu)
                    k = 2 * (uint64_t)f->mtu;
                l->ecn_kmin = k;
                l->ecn_kmax = bdp > 2 * k ? bdp : 2 * k;
                l->ecn_pmax = 1;
            } else if (c->ecn) {
                l->ecn_kmin = c->ecn_kmin;
                l->ecn_kmax = c->ecn_kmax;
                l->ecn_pmax = c->ecn_pmax;
            }
        }
        if (l->dst >= f->nhosts) {
            const ns_fnode *sw = &f->nodes[l->dst];
            const ns_switch_cfg *c = &f->cfgs[sw->cfg];
            if (c->pfc != NS_PFC_OFF) {
                uint64_t xoff = c->pfc_xoff ? c->pfc_xoff : bdp;
                /* a derived xoff leaves every ingress its headroom in the
                 * buffer: at most an even share of it, less the headroom */
                const ns_flink *out = &f->links[sw->first_link];
                if (!c->pfc_xoff && out->buffer_bytes) {
                    uint64_t share = (c->shared || c->buffer_auto) ? out->buffer_bytes / sw->nlinks
                                                                 : out->buffer_bytes;
                    uint64_t room = ns_switch_headroom_bytes(f, l);
                    room = share > room ? share - room : 0;
                    if (room < xoff)
                        xoff = room > 2 * (uint64_t)f->mtu ? room : 2 * (uint64_t)f->mtu;
                }
                uint64_t gap = 2 * (uint64_t)f->mtu;
                l->pfc_xoff = xoff;
                l->pfc_xon = c->pfc_xon ? c->pfc_xon : (xoff > gap + f->mtu ? xoff - gap : f->mtu);
            }
        }
    }
}

/* one description per switch configuration in use, as the header prints it */
void
ns_fabric_describe_switches(const ns_fabric *f, char *buf, size_t n)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t ci = 0; ci < f->ncfgs && used + 1 < n; ci++) {
        const ns_switch_cfg *c = &f->cfgs[ci];
        const ns_flink *first = NULL;   /* a port of a switch with this configuration */
        uint64_t pool = 0;
        for (size_t i = 0; i < f->nlinks && !first; i++)
            if (f->links[i].src >= f->nhosts && f->nodes[f->links[i].src].cfg == ci &&
                f->nodes[f->links[i].src].tier != NS_TIER_SCALEUP)   /* NVLink: the servers' line */
                first = &f->links[i];
        if (!first)
            continue;
        for (size_t i = 0; i < f->nlinks; i++)
            if (f->links[i].src >= f->nhosts && f->nodes[f->links[i].src].cfg == ci &&
                f->links[i].buffer_bytes > pool)
                pool = f->links[i].buffer_bytes;
        char b[32], k1[32], k2[32];
        int w;
        if (c->buffer_auto) {
            ns_format_size(pool, b, sizeof b);
            w = snprintf(buf + used, n - used, "%sswitch: default buffer (shared, %.1f MB per Tb/s, up to %s, "
                         "alpha %g)", used ? "; " : "", NS_BUFFER_BYTES_PER_TBPS / 1e6, b, c->dt_alpha);
        } else if (c->buffer_bytes) {
            ns_format_size(c->buffer_bytes, b, sizeof b);
            w = snprintf(buf + used, n - used, "%sswitch: buffer %s%s", used ? "; " : "", b,
                         c->shared ? " shared" : " per port");
        } else {
            w = snprintf(buf + used, n - used, "%sswitch: unlimited buffers", used ? "; " : "");
        }
        if (w < 0 || (size_t)w >= n - used)
            return;
        used += (size_t)w;
        if (!c->ecn) {
            w = snprintf(buf + used, n - used, ", no ECN");
        } else {
            ns_format_size(first->ecn_kmin, k1, sizeof k1);
            ns_format_size(first->ecn_kmax, k2, sizeof k2);
            w = snprintf(buf + used, n - used, ", ECN %s%s to %s (pmax %g)%s", c->ecn_auto ? "default " : "",
                         k1, k2, first->ecn_pmax, c->ecn_auto ? " at the first port" : "");
        }
        if (w < 0 || (size_t)w >= n - used)
            return;
        used += (size_t)w;
        if (c->trim) {
            w = snprintf(buf + used, n - used, ", trimming (a packet with no room goes on as its header)");
            if (w < 0 || (size_t)w >= n - used)
                return;
            used += (size_t)w;
        }
    }
}
