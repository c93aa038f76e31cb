/*
 * test_flow.c - the flow-level model against hand calculations: one flow on
 * one cable, one flow through a switch (the same picosecond as the packet
 * model), N flows sharing a bottleneck, staggered arrivals, the parking lot
 * through a chain of switches, conservation of bytes, small transfers of 24
 * delays (more than the model's 16 FIFOs of subflows in flight) and of 300
 * (more than the table of delays first holds), and 400 subflows in flight
 * at once behind 100 already delivered (a FIFO that grows while it wraps).
 *
 * Timing of the flow model (see sim/flow_net.c): a subflow of W wire bytes
 * (payload + 64-byte header per 4032-byte packet) is all sent when its rate
 * has paid W x 8 bits, and arrives `delay` later, where delay = latencies of
 * the path + the first packet's serialization on every link leaving a switch.
 */
#include <config.h>
#include <string.h>
#include "sim/alloc.h"
#include "sim/lib.h"
#include "sim/sim.h"
#include "tests/tap.h"
#include "topologies/topo.h"

#define G 1000000000ull
#define R100 (100 * G)
#define LAT 1000000            /* 1 us */
#define MTU 4096u
#define HDR 64u
#define MSS (MTU - HDR)

/* a star of `hosts` hosts, 100 Gb/s and 1 us links */
static ns_fabric *
star_of(uint32_t hosts)
{
    ns_err e = {0};
    ns_star_spec ss;
    ns_fabric_common_defaults(&ss.common);
    ss.hosts = hosts;
    ss.link.rate_bps = R100;
    ss.link.latency_ps = LAT;
    ns_fabric *star = NULL;
    ns_topo_star(&ss, &star, &e);
    return star;
}

static uint64_t
wire_of(uint64_t b)
{
    return b + (b + MSS - 1) / MSS * HDR;
}

/* ceil(bytes x 8e12 / rate): the time to send at `rate` */
static ns_time
ser(uint64_t bytes, uint64_t rate)
{
    return ns_serialize_ps(bytes, rate);
}

static ns_sim *
run(const ns_fabric *f, const ns_workload *w, int model, uint32_t subflows)
{
    ns_run_cfg cfg;
    ns_err e = {0};
    ns_sim *sim;
    ns_run_cfg_defaults(&cfg);
    cfg.model = model;
    cfg.subflows = subflows;
    if (ns_sim_new(f, w, &cfg, &sim, &e)) {
        diag("sim: %s", e.msg);
        return NULL;
    }
    if (ns_sim_run(sim)) {
        diag("run: %s", ns_sim_errmsg(sim));
        ns_sim_free(sim);
        return NULL;
    }
    return sim;
}

static ns_time
op_finish(const ns_sim *s, uint32_t op)
{
    return s ? s->op_finish[op] : -1;
}

static void
one_flow(void)
{
    ns_err e = {0};
    const uint64_t B = 1000000;
    const uint64_t W = wire_of(B);
    /* a cable at 3 Gb/s (2666.67 ps per byte: the rounding shows) */
    ns_pair_spec ps;
    ns_fabric_common_defaults(&ps.common);
    ps.link.rate_bps = 3 * G;
    ps.link.latency_ps = LAT;
    ns_fabric *pair;
    ns_topo_pair(&ps, &pair, &e);
    ns_workload *w = ns_wl_new(1);
    ns_wl_transfer(w, 1, 2, B, NULL, &e);
    ns_sim *s = run(pair, w, NS_MODEL_FLOW, 1);
    ns_time want = (ns_time)(((unsigned __int128)W * 8 * NS_PS_PER_S + 3 * G - 1) / (3 * G)) + LAT;
    is_time(op_finish(s, 0), want, "one flow on one 3 Gb/s cable: ceil(wire x 8 / R) + latency = %lld ps", (long long)want);
    ns_link_stats ls;
    s->net->ops->link_stats(s->net, pair->host_link[0], &ls);
    is_int(ls.tx_bytes, W, "the cable carried the wire bytes, headers included");
    is_int(s->delivered_bytes, B, "delivered = asked, to the byte");
    is_int(ns_sim_xfer_packets(s, 0), (B + MSS - 1) / MSS, "packets counted as the packet model cuts them");
    ns_sim_free(s);
    ns_wl_free(w);
    ns_fabric_free(pair);

    /* through a star switch at 100 Gb/s: the same picosecond as the packet model */
    ns_fabric *star = star_of(9);
    w = ns_wl_new(1);
    ns_wl_transfer(w, 1, 2, B, NULL, &e);
    ns_sim *sf = run(star, w, NS_MODEL_FLOW, 1), *sp = run(star, w, NS_MODEL_PACKET, 1);
    want = ser(W, R100) + ser(MTU, R100) + 2 * LAT;
    is_time(op_finish(sf, 0), want, "one flow through a switch: wire/R + one store-and-forward + 2 latencies");
    is_time(op_finish(sf, 0), op_finish(sp, 0), "... the packet model's finish to the picosecond");
    ns_sim_free(sf);
    ns_sim_free(sp);
    ns_wl_free(w);
    /* a 100-byte transfer: one packet of 164 bytes */
    w = ns_wl_new(1);
    ns_wl_transfer(w, 1, 2, 100, NULL, &e);
    sf = run(star, w, NS_MODEL_FLOW, 1);
    sp = run(star, w, NS_MODEL_PACKET, 1);
    is_time(op_finish(sf, 0), 2 * ser(164, R100) + 2 * LAT, "a one-packet transfer: two serializations + 2 latencies");
    is_time(op_finish(sf, 0), op_finish(sp, 0), "... as the packet model");
    ns_sim_free(sf);
    ns_sim_free(sp);
    ns_wl_free(w);
    ns_fabric_free(star);
}

/* N senders to one receiver on a star: each gets floor(R / N) */
static void
shared_bottleneck(void)
{
    ns_err e = {0};
    const uint64_t B = 2000000, W = wire_of(B);
    ns_fabric *star = star_of(5);
    for (uint32_t nf = 3; nf <= 4; nf++) {
        ns_workload *w = ns_wl_new(1);
        for (uint32_t h = 1; h <= nf; h++)
            ns_wl_transfer(w, h, 5, B, NULL, &e);
        ns_sim *s = run(star, w, NS_MODEL_FLOW, 1);
        uint64_t share = R100 / nf;
        ns_time want = ser(W, share) + ser(MTU, R100) + 2 * LAT;
        int all = s != NULL;
        for (uint32_t i = 0; s && i < nf; i++)
            all &= s->op_finish[i] == want;
        ok(all, "%u flows into one host: each at R/%u = %llu bit/s, all done at %lld ps", nf, nf,
           (unsigned long long)share, (long long)want);
        ns_link_stats ls;
        s->net->ops->link_stats(s->net, ns_fabric_downlink(star, 4), &ls);
        is_int(ls.tx_bytes, nf * W, "the bottleneck carried %u x wire bytes", nf);
        ns_sim *sp = run(star, w, NS_MODEL_PACKET, 1);
        ns_time pk = 0;
        for (uint32_t i = 0; sp && i < nf; i++)
            if (sp->op_finish[i] > pk)
                pk = sp->op_finish[i];
        /* equal when R/N is whole; R/3 rounds down to whole bit/s, one ps later */
        ok(want - pk >= 0 && want - pk <= (R100 % nf ? 1 : 0),
           "the last one finishes as in the packet model's incast (%lld vs %lld ps)", (long long)want, (long long)pk);
        ns_sim_free(sp);
        ns_sim_free(s);
        ns_wl_free(w);
    }
    ns_fabric_free(star);
}

/* A starts at 0, B at t1 (after a compute op), both into host 3:
 *   [0, t1)  A alone at R: 80 ps per byte, sends t1/80 bytes
 *   [t1, tA) A and B at R/2: 160 ps per byte
 *   [tA, tB) B alone at R */
static void
staggered(void)
{
    ns_err e = {0};
    const uint64_t BA = 1000000, BB = 1500000, WA = wire_of(BA), WB = wire_of(BB);
    const ns_time t1 = 8000000;   /* 8 us: 100000 bytes of A alone */
    ns_fabric *star = star_of(5);
    ns_workload *w = ns_wl_new(1);
    long a = ns_wl_transfer(w, 1, 3, BA, NULL, &e);
    long c = ns_wl_compute(w, 2, t1, NULL, &e);
    long b = ns_wl_transfer(w, 2, 3, BB, NULL, &e);
    ns_wl_after(w, (uint32_t)b, (uint32_t)c, &e);
    /* a third flow on other hosts, started with B: untouched by the others */
    long d = ns_wl_transfer(w, 4, 5, BB, NULL, &e);
    ns_wl_after(w, (uint32_t)d, (uint32_t)c, &e);
    ns_sim *s = run(star, w, NS_MODEL_FLOW, 1);
    const ns_time delay = 2 * LAT + ser(MTU, R100);
    ns_time tA = t1 + 160 * (ns_time)(WA - (uint64_t)t1 / 80);
    ns_time tB = tA + 80 * (ns_time)(WB - (WA - (uint64_t)t1 / 80));
    is_time(op_finish(s, (uint32_t)a), tA + delay, "A: alone, then sharing with B at R/2");
    is_time(op_finish(s, (uint32_t)b), tB + delay, "B: at R/2 while A runs, then alone at R");
    is_time(op_finish(s, (uint32_t)d), t1 + 80 * (ns_time)WB + delay, "a flow on other hosts keeps R throughout");
    ns_sim *sp = run(star, w, NS_MODEL_PACKET, 1);
    ok(sp && llabs(sp->op_finish[b] - s->op_finish[b]) * 1000 < s->op_finish[b],
       "the packet model's B agrees within 0.1%% (%lld vs %lld ps)", sp ? (long long)sp->op_finish[b] : -1LL,
       (long long)s->op_finish[b]);
    ns_sim_free(sp);
    ns_sim_free(s);
    ns_wl_free(w);
    ns_fabric_free(star);
}

/* the parking lot: switches s1-s2-s3-s4 in a chain (10, 10, 5 Gb/s); a long
 * flow s1 -> s4 and one short flow per hop; hosts on 100 Gb/s. Max-min: long
 * 2.5, shorts 7.5, 7.5, 2.5 Gb/s */
static void
parking_lot(void)
{
    ns_err e = {0};
    ns_fabric_common c;
    ns_fabric_common_defaults(&c);
    ns_fabric *f = ns_topo_begin("chain", &c);
    /* hosts: 1 on s1 -> 2 on s4 (long); 3 on s1 -> 4 on s2; 5 on s2 -> 6 on s3; 7 on s3 -> 8 on s4 */
    static const int at[8] = {0, 3, 0, 1, 1, 2, 2, 3};
    for (int h = 0; h < 8; h++) {
        char name[16];
        snprintf(name, sizeof name, "h%d", h + 1);
        ns_fabric_add_node(f, NS_NODE_HOST, NS_TIER_HOST, 0, name, 0, 0, 0, &e);
    }
    long sw[4];
    for (int i = 0; i < 4; i++) {
        char name[16];
        snprintf(name, sizeof name, "s%d", i + 1);
        sw[i] = ns_fabric_add_node(f, NS_NODE_SWITCH, NS_TIER_LEAF, 0, name, 0, 0, 0, &e);
    }
    const uint64_t hop[3] = {10 * G, 10 * G, 5 * G};
    for (int i = 0; i < 3; i++)
        ns_fabric_add_cable(f, (uint32_t)sw[i], (uint32_t)sw[i + 1], hop[i], LAT, &e);
    for (int h = 0; h < 8; h++)
        ns_fabric_add_cable(f, (uint32_t)h, (uint32_t)sw[at[h]], R100, LAT, &e);
    ok(ns_fabric_finish(f, &e) == 0, "the chain of four switches builds");
    const uint64_t B = 1000000, W = wire_of(B);
    ns_workload *w = ns_wl_new(1);
    for (uint32_t i = 0; i < 4; i++)
        ns_wl_transfer(w, 2 * i + 1, 2 * i + 2, B, NULL, &e);
    ns_sim *s = run(f, w, NS_MODEL_FLOW, 1);
    /* delays: host cable + each hop's latency and first-packet serialization */
    ns_time dlong = LAT + (LAT + ser(MTU, hop[0])) + (LAT + ser(MTU, hop[1])) + (LAT + ser(MTU, hop[2])) +
                    (LAT + ser(MTU, R100));
    ns_time dhop[3];
    for (int i = 0; i < 3; i++)
        dhop[i] = LAT + (LAT + ser(MTU, hop[i])) + (LAT + ser(MTU, R100));
    /* the shorts on hops 1 and 2 finish first at 7.5 Gb/s; nothing changes for the others */
    is_time(op_finish(s, 1), ser(W, 7500000000ull) + dhop[0], "short flow on hop 1 at 7.5 Gb/s");
    is_time(op_finish(s, 2), ser(W, 7500000000ull) + dhop[1], "short flow on hop 2 at 7.5 Gb/s");
    is_time(op_finish(s, 3), ser(W, 2500000000ull) + dhop[2], "short flow on the 5 Gb/s hop at 2.5 Gb/s");
    is_time(op_finish(s, 0), ser(W, 2500000000ull) + dlong, "the long flow at 2.5 Gb/s");
    ns_sim_free(s);
    ns_wl_free(w);
    ns_fabric_free(f);
}

/* conservation with subflows: every transfer done, the bytes delivered
 * exactly, and each transfer's packets those of its subflows */
static void
conservation(void)
{
    ns_err e = {0};
    ns_fabric *star = star_of(8);
    ns_workload *w = ns_wl_new(1);
    uint64_t total = 0, want_wire[8] = {0}, want_pk[42] = {0};
    for (uint32_t i = 0; i < 42; i++) {
        /* the last two: 6 mss and 1 or 2 bytes, so that subflow 0 (and 1) take a packet more */
        uint64_t b = i < 40 ? 1 + (uint64_t)i * 99991 % 3000017 : 6 * (uint64_t)MSS + (i - 39);
        uint32_t src = i % 8 + 1, dst = (i * 3 + 1) % 8 + 1;
        if (dst == src)
            dst = src % 8 + 1;
        ns_wl_transfer(w, src, dst, b, NULL, &e);
        total += b;
        /* three subflows: bytes split b/3 (+1 for the first b%3) */
        for (uint32_t k = 0; k < 3 && k < b; k++) {
            want_wire[src - 1] += wire_of(b / 3 + (k < b % 3));
            want_pk[i] += (b / 3 + (k < b % 3) + MSS - 1) / MSS;
        }
    }
    ns_sim *s = run(star, w, NS_MODEL_FLOW, 3);
    int exact = s != NULL, packets = s != NULL;
    uint64_t got = s ? s->delivered_bytes : 0;
    for (size_t x = 0; s && x < s->nxfers; x++) {
        exact &= ns_sim_xfer_finish(s, (uint32_t)x) > 0;
        packets &= ns_sim_xfer_packets(s, (uint32_t)x) == want_pk[x];
    }
    ok(exact && got == total, "42 transfers in 3 subflows each: every one done, their bytes delivered exactly (%llu of %llu)",
       (unsigned long long)got, (unsigned long long)total);
    ok(packets, "each transfer's packets are its 3 subflows' (each cut at the mss)");
    int nic = 1;
    for (uint32_t h = 0; s && h < 8; h++) {
        ns_link_stats ls;
        s->net->ops->link_stats(s->net, star->host_link[h], &ls);
        nic &= ls.tx_bytes == want_wire[h];
    }
    ok(nic, "every NIC carried exactly its subflows' wire bytes");
    ns_sim_free(s);
    ns_wl_free(w);
    ns_fabric_free(star);
}

/* 24 one-packet transfers of 100, 180, ..., 1940 bytes between 24 pairs of
 * a star, all at once: each has its own delay (its packet's serialization
 * on the switch's link), so 16 wait in FIFOs of their delay and 8 in the
 * event queue; each finishes as alone, 2 x ser(bytes + header) + 2 LAT */
static void
many_delays(void)
{
    ns_err e = {0};
    ns_fabric *star = star_of(48);
    ns_workload *w = ns_wl_new(1);
    for (uint32_t i = 0; i < 24; i++)
        ns_wl_transfer(w, 1 + i, 25 + i, 100 + 80 * (uint64_t)i, NULL, &e);
    ns_sim *sf = run(star, w, NS_MODEL_FLOW, 1), *sp = run(star, w, NS_MODEL_PACKET, 1);
    int exact = sf != NULL, same = sf && sp;
    uint64_t bytes = 0;
    for (uint32_t i = 0; sf && i < 24; i++) {
        exact &= sf->op_finish[i] == 2 * ser(100 + 80 * (uint64_t)i + HDR, R100) + 2 * LAT;
        same &= sp && sf->op_finish[i] == sp->op_finish[i] && ns_sim_xfer_packets(sf, i) == ns_sim_xfer_packets(sp, i);
        bytes += 100 + 80 * (uint64_t)i;
    }
    exact &= sf && sf->delivered_bytes == bytes;
    ok(exact, "24 transfers of 24 delays: each done at 2 x ser(bytes + header) + 2 latencies");
    ok(same, "... as in the packet model, with its packet counts");
    ns_sim_free(sf);
    ns_sim_free(sp);
    ns_wl_free(w);
    ns_fabric_free(star);

    /* 300 of 40, 49, ..., 2731 bytes between 300 pairs: 300 delays, which
     * subflows keep as indices into a table of the delays met (it grows
     * from 64 slots to 1,024) */
    star = star_of(600);
    w = ns_wl_new(1);
    for (uint32_t i = 0; i < 300; i++)
        ns_wl_transfer(w, 1 + i, 301 + i, 40 + 9 * (uint64_t)i, NULL, &e);
    sf = run(star, w, NS_MODEL_FLOW, 1);
    exact = sf != NULL;
    for (uint32_t i = 0; sf && i < 300; i++)
        exact &= sf->op_finish[i] == 2 * ser(40 + 9 * (uint64_t)i + HDR, R100) + 2 * LAT;
    ok(exact, "300 transfers of 300 delays: each done at 2 x ser(bytes + header) + 2 latencies");
    ns_sim_free(sf);
    ns_wl_free(w);
    ns_fabric_free(star);
}

/* a pair at 100 Gb/s: 100 transfers of 10,000 B and 400 of 1 MB + 4,032 i
 * bytes (i = 0 .. 399) start at once. All 500 share the NIC (200 Mb/s
 * each) until the small ones have sent their 10,192 wire bytes at tA =
 * 407.68 us; the 400 then finish one by one, from about 32.6 ms to 58.6 ms.
 * With a 30 ms cable the 100 are delivered (at 30.41 ms) before the first
 * of the 400 is sent, and all 400 are in flight at once: their FIFO's head
 * has moved on, and it grows past its first 256 entries while wrapped.
 * Rates do not depend on the cable's latency, so a cable 1 ps longer
 * delivers every transfer exactly 1 ps later; and the 400 arrive in order
 * of size (a FIFO out of order would deliver one late: the model asserts). */
static ns_sim *
pair_run(ns_time latency, ns_workload *w, ns_fabric **pair)
{
    ns_err e = {0};
    ns_pair_spec ps;
    ns_fabric_common_defaults(&ps.common);
    ps.link.rate_bps = R100;
    ps.link.latency_ps = latency;
    ns_topo_pair(&ps, pair, &e);
    return run(*pair, w, NS_MODEL_FLOW, 1);
}

static void
fifo_grows(void)
{
    ns_err e = {0};
    ns_workload *w = ns_wl_new(1);
    for (uint32_t i = 0; i < 500; i++)
        ns_wl_transfer(w, 1, 2, i < 100 ? 10000 : 1000000 + 4032 * (uint64_t)(i - 100), NULL, &e);
    const ns_time L = (ns_time)30000 * LAT, tA = 407680000;
    ns_fabric *p1, *p2;
    ns_sim *s1 = pair_run(L, w, &p1), *s2 = pair_run(L + 1, w, &p2);
    int small = s1 != NULL, later = s1 && s2, ordered = s1 != NULL;
    for (uint32_t i = 0; s1 && i < 500; i++) {
        if (i < 100)
            small &= s1->op_finish[i] == tA + L;
        else if (i > 100)
            ordered &= s1->op_finish[i] > s1->op_finish[i - 1] && s1->op_finish[100] - L > tA + L;
        later &= s2 && s2->op_finish[i] == s1->op_finish[i] + 1;
    }
    ok(small, "100 small transfers: sent at 407.68 us, delivered 30 ms later");
    ok(ordered, "400 bigger ones sent one by one after the small ones arrived, delivered in order of size");
    ok(later, "a cable 1 ps longer delivers all 500 exactly 1 ps later");
    ns_sim_free(s1);
    ns_sim_free(s2);
    ns_wl_free(w);
    ns_fabric_free(p1);
    ns_fabric_free(p2);
}

int
main(void)
{
    ns_lib_init();
    plan(8 + 6 + 4 + 5 + 3 + 3 + 3 + 1);
    one_flow();
    shared_bottleneck();
    staggered();
    parking_lot();
    conservation();
    many_delays();
    fifo_grows();
    is_int(ns_alloc_live_blocks(), 0, "nothing leaked");
    return done_testing();
}
