/*
 * test_timing.c - packet timing against hand calculations: one transfer over
 * one cable, through a star switch, and an incast.
 */
#include <config.h>
#include <string.h>
#include "sim/alloc.h"
#include "sim/lib.h"
#include "sim/sim.h"
#include "tests/tap.h"
#include "topologies/topo.h"

#define RATE 100000000000ull   /* 100 Gb/s: 80 ps per byte */
#define PPB 80
#define LAT 1000000            /* 1 us */

static ns_time
run_one(const ns_fabric *f, ns_workload *w, ns_sim **keep)
{
    ns_run_cfg cfg;
    ns_err e = {0};
    ns_sim *sim;
    ns_run_cfg_defaults(&cfg);
    if (ns_sim_new(f, w, &cfg, &sim, &e)) {
        diag("sim: %s", e.msg);
        return -1;
    }
    if (ns_sim_run(sim)) {
        diag("run: %s", ns_sim_errmsg(sim));
        ns_sim_free(sim);
        return -1;
    }
    ns_time m = 0;
    for (size_t i = 0; i < w->nops; i++)
        if (sim->op_finish[i] > m)
            m = sim->op_finish[i];
    if (keep)
        *keep = sim;
    else
        ns_sim_free(sim);
    return m;
}

int
main(void)
{
    ns_lib_init();
    plan(10);
    ns_err e = {0};
    const uint64_t B = 1000000;          /* 1 MB */
    const uint32_t mtu = 4096, hdr = 64, mss = mtu - hdr;
    const uint64_t npk = (B + mss - 1) / mss;         /* 249 packets */
    const uint64_t wire = B + npk * hdr;              /* bytes on the wire */
    const uint64_t last = B - (npk - 1) * mss + hdr;  /* the short last packet */

    /* one cable */
    ns_pair_spec ps;
    ns_fabric_common_defaults(&ps.common);
    ps.link.rate_bps = RATE;
    ps.link.latency_ps = LAT;
    ns_fabric *pair;
    ok(ns_topo_pair(&ps, &pair, &e) == 0, "pair fabric builds");
    ns_workload *w = ns_wl_new(1);
    ns_wl_transfer(w, 1, 2, B, NULL, &e);
    ns_sim *sim;
    ns_time t = run_one(pair, w, &sim);
    is_time(t, (ns_time)(wire * PPB) + LAT, "1 MB over one cable: wire bytes x 80 ps + 1 us");
    is_int(ns_sim_xfer_packets(sim, 0), npk, "%llu packets", (unsigned long long)npk);
    is_int(sim->delivered_bytes, B, "every byte delivered once");
    ns_sim_free(sim);
    ns_wl_free(w);
    ns_fabric_free(pair);

    /* through a star switch: add one store-and-forward of the first packet and
     * the second cable's propagation */
    ns_star_spec ss;
    ns_fabric_common_defaults(&ss.common);
    ss.hosts = 9;
    ss.link.rate_bps = RATE;
    ss.link.latency_ps = LAT;
    ns_fabric *star;
    ok(ns_topo_star(&ss, &star, &e) == 0, "star fabric builds");
    w = ns_wl_new(1);
    ns_wl_transfer(w, 1, 2, B, NULL, &e);
    t = run_one(star, w, NULL);
    is_time(t, (ns_time)(wire * PPB) + (ns_time)(mtu * PPB) + 2 * LAT, "1 MB through a star switch");
    ns_wl_free(w);
    (void)last;

    /* incast: 8 senders to host 9. The receiver's cable is busy without a gap
     * from the arrival of the first packet at the switch until it has carried
     * all 8 transfers. */
    w = ns_wl_new(1);
    for (uint32_t h = 1; h <= 8; h++)
        ns_wl_transfer(w, h, 9, B, NULL, &e);
    t = run_one(star, w, &sim);
    ns_time first_at_switch = (ns_time)(mtu * PPB) + LAT;
    is_time(t, first_at_switch + (ns_time)(8 * wire * PPB) + LAT, "incast of 8 x 1 MB");
    ns_link_stats ls;
    uint32_t down = ns_fabric_downlink(star, 8);
    sim->net->ops->link_stats(sim->net, down, &ls);
    is_int(ls.tx_bytes, 8 * wire, "the receiver's cable carried 8 x wire bytes");
    /* 8 packets arrive per packet time, 1 leaves: the queue peaks near 7/8 of all bytes */
    ok(ls.peak_queue_bytes > 7 * wire - 8 * mtu && ls.peak_queue_bytes <= 7 * wire + 8 * mtu,
       "peak queue about 7 x wire bytes (%llu)", (unsigned long long)ls.peak_queue_bytes);
    ns_sim_free(sim);
    ns_wl_free(w);
    ns_fabric_free(star);
    is_int((long)ns_alloc_live_blocks(), 0, "every block freed: nothing leaked");
    return done_testing();
}
