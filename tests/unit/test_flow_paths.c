/*
 * test_flow_paths.c - the flow model picks the packet model's paths. On a
 * hand-built two-level fabric (4 leaves x 4 spines, 4 hosts per leaf), the
 * same workload runs at packet level and at flow level with the same seed:
 *   ecmp (1 and 3 subflows) and flowlet: every link must carry exactly the
 *     same bytes in both models (same hash, same collisions; the ideal
 *     transport sends no ACKs, and both count one header per packet);
 *   spray: the fabric links together carry the same bytes.
 * Makespans: on a permutation (all transfers at once, equal sizes) ecmp and
 * round-robin spraying agree within 1%; random spraying is slower at packet
 * level (its random imbalance builds queues the fluid ideal does not have),
 * within 10% here. With a second wave of transfers, ecmp agrees within 10%:
 * the packet model's ideal transport is not max-min fair (senders send at
 * line rate and a FIFO shares a link in proportion to what arrives).
 */
#include <config.h>
#include <string.h>
#include "sim/alloc.h"
#include "sim/lib.h"
#include "sim/sim.h"
#include "tests/tap.h"
#include "topologies/topo.h"

#define LEAVES 4
#define SPINES 4
#define HPL 4
#define NH (LEAVES * HPL)

static ns_fabric *
leafspine(ns_err *e)
{
    ns_fabric_common c;
    ns_fabric_common_defaults(&c);
    ns_fabric *f = ns_topo_begin("ls4x4", &c);
    char name[16];
    for (int h = 0; h < NH; h++) {
        snprintf(name, sizeof name, "h%d", h + 1);
        ns_fabric_add_node(f, NS_NODE_HOST, NS_TIER_HOST, 0, name, 0, 0, h / HPL + 1, e);
    }
    long leaf[LEAVES], spine[SPINES];
    for (int i = 0; i < LEAVES; i++) {
        snprintf(name, sizeof name, "leaf%d", i + 1);
        leaf[i] = ns_fabric_add_node(f, NS_NODE_SWITCH, NS_TIER_LEAF, 0, name, 0, 0, i + 1, e);
    }
    for (int i = 0; i < SPINES; i++) {
        snprintf(name, sizeof name, "spine%d", i + 1);
        spine[i] = ns_fabric_add_node(f, NS_NODE_SWITCH, NS_TIER_SPINE, 0, name, 0, 0, 0, e);
    }
    for (int h = 0; h < NH; h++)
        ns_fabric_add_cable(f, (uint32_t)h, (uint32_t)leaf[h / HPL], 100000000000ull, 500000, e);
    for (int l = 0; l < LEAVES; l++)
        for (int s = 0; s < SPINES; s++)
            ns_fabric_add_cable(f, (uint32_t)leaf[l], (uint32_t)spine[s], 100000000000ull, 500000, e);
    if (ns_fabric_finish(f, e)) {
        ns_fabric_free(f);
        return NULL;
    }
    return f;
}

static ns_sim *
run(const ns_fabric *f, const ns_workload *w, int model, int lb, uint32_t k, int spray)
{
    ns_run_cfg cfg;
    ns_err e = {0};
    ns_sim *sim;
    ns_run_cfg_defaults(&cfg);
    cfg.model = model;
    cfg.lb = lb;
    cfg.spray = spray;
    cfg.subflows = k;
    cfg.seed = 3;
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
makespan(const ns_sim *s)
{
    ns_time m = 0;
    for (size_t i = 0; i < s->wl->nops; i++)
        if (s->op_finish[i] > m)
            m = s->op_finish[i];
    return m;
}

/* a permutation across leaves, then (if `waves` is 2) a second wave of random pairs */
static ns_workload *
workload(int waves, ns_err *e)
{
    ns_workload *w = ns_wl_new(5);
    long first[NH];
    for (uint32_t h = 1; h <= NH; h++)
        first[h - 1] = ns_wl_transfer(w, h, (h + 4) % NH + 1, 3000000 + 1000 * h * (waves - 1), NULL, e);
    if (waves < 2)
        return w;
    uint32_t x = 12345;
    for (int i = 0; i < 24; i++) {
        x = x * 1103515245u + 12345u;
        uint32_t a = (x >> 8) % NH + 1;
        x = x * 1103515245u + 12345u;
        uint32_t b = (x >> 8) % NH + 1;
        if (a == b)
            b = a % NH + 1;
        long t = ns_wl_transfer(w, a, b, 500000 + 7777 * (uint64_t)i, NULL, e);
        ns_wl_after(w, (uint32_t)t, (uint32_t)first[i % NH], e);
    }
    return w;
}

static int
within(const ns_sim *p, const ns_sim *q, double tol, const char *what)
{
    if (!p || !q)
        return ok(0, "%s: both models ran", what);
    double mp = (double)makespan(p), mq = (double)makespan(q);
    return ok(mq > (1 - tol) * mp && mq < (1 + tol) * mp, "%s: makespan packet %.3f us, flow %.3f us (within %.0f%%)",
              what, mp * 1e-6, mq * 1e-6, tol * 100);
}

int
main(void)
{
    ns_lib_init();
    plan(15);
    ns_err e = {0};
    ns_fabric *f = leafspine(&e);
    ok(f != NULL, "4 leaves x 4 spines x 4 hosts builds");
    ns_workload *w = workload(2, &e), *perm = workload(1, &e);
    static const struct { int lb; uint32_t k; const char *what; } cases[] = {
        {NS_LB_ECMP, 1, "ecmp"}, {NS_LB_ECMP, 3, "ecmp, 3 subflows"}, {NS_LB_FLOWLET, 1, "flowlet"},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        ns_sim *p = run(f, w, NS_MODEL_PACKET, cases[c].lb, cases[c].k, NS_SPRAY_RANDOM);
        ns_sim *q = run(f, w, NS_MODEL_FLOW, cases[c].lb, cases[c].k, NS_SPRAY_RANDOM);
        int same = p && q;
        size_t differ = 0;
        uint64_t spine_max = 0, one = 0;
        for (size_t l = 0; same && l < f->nlinks; l++) {
            ns_link_stats a, b;
            p->net->ops->link_stats(p->net, (uint32_t)l, &a);
            q->net->ops->link_stats(q->net, (uint32_t)l, &b);
            if (a.tx_bytes != b.tx_bytes) {
                if (!differ)
                    diag("link %zu (%s -> %s): packet %llu, flow %llu bytes", l, f->nodes[f->links[l].src].name,
                         f->nodes[f->links[l].dst].name, (unsigned long long)a.tx_bytes,
                         (unsigned long long)b.tx_bytes);
                differ++;
            }
            if (f->links[l].src >= NH + LEAVES && a.tx_bytes > spine_max)
                spine_max = a.tx_bytes;
        }
        one = 3000000 + 3000000 / 4032 * 64;
        ok(same && differ == 0, "%s: every one of %zu links carries the same bytes in both models", cases[c].what,
           f->nlinks);
        ok(spine_max > one + one / 2, "%s: flows collide (the busiest spine downlink carried %llu bytes, "
           "a transfer is about %llu)", cases[c].what, (unsigned long long)spine_max, (unsigned long long)one);
        if (c == 0)
            within(p, q, 0.10, "ecmp, two waves");
        ns_sim_free(p);
        ns_sim_free(q);
    }
    static const struct { int lb, spray; double tol; const char *what; } pc[] = {
        {NS_LB_ECMP, 0, 0.01, "permutation, ecmp"},
        {NS_LB_SPRAY, NS_SPRAY_ROUNDROBIN, 0.01, "permutation, spray roundrobin"},
        {NS_LB_SPRAY, NS_SPRAY_RANDOM, 0.10, "permutation, spray random"},
    };
    for (size_t c = 0; c < sizeof pc / sizeof pc[0]; c++) {
        ns_sim *p = run(f, perm, NS_MODEL_PACKET, pc[c].lb, 1, pc[c].spray);
        ns_sim *q = run(f, perm, NS_MODEL_FLOW, pc[c].lb, 1, pc[c].spray);
        within(p, q, pc[c].tol, pc[c].what);
        if (pc[c].lb == NS_LB_ECMP) {
            ns_time alone = (ns_time)(3000000 + (3000000 + 4031) / 4032 * 64) * 80;   /* at 100 Gb/s */
            ok(q && makespan(q) > 2 * alone, "ecmp permutation: collisions (%.3f us, a transfer alone takes "
               "%.3f us)", q ? (double)makespan(q) * 1e-6 : 0.0, (double)alone * 1e-6);
        }
        ns_sim_free(p);
        ns_sim_free(q);
    }
    /* spraying: the fluid ideal spreads evenly, packets spread at random */
    ns_sim *p = run(f, w, NS_MODEL_PACKET, NS_LB_SPRAY, 1, NS_SPRAY_RANDOM);
    ns_sim *q = run(f, w, NS_MODEL_FLOW, NS_LB_SPRAY, 1, NS_SPRAY_RANDOM);
    if (p && q) {
        uint64_t fp = 0, fq = 0;
        for (size_t l = 0; l < f->nlinks; l++) {
            if (f->links[l].src < NH || f->links[l].dst < NH)
                continue;   /* host cables */
            ns_link_stats a, b;
            p->net->ops->link_stats(p->net, (uint32_t)l, &a);
            q->net->ops->link_stats(q->net, (uint32_t)l, &b);
            fp += a.tx_bytes;
            fq += b.tx_bytes;
        }
        ok(fq <= fp && fp - fq <= f->nlinks, "spray: fabric links carry the same bytes in total (packet %llu, flow %llu)",
           (unsigned long long)fp, (unsigned long long)fq);
    } else {
        ok(0, "spray: both models ran");
    }
    within(p, q, 0.10, "spray random, two waves");
    ns_sim_free(p);
    ns_sim_free(q);
    ns_wl_free(w);
    ns_wl_free(perm);
    ns_fabric_free(f);
    is_int(ns_alloc_live_blocks(), 0, "nothing leaked");
    return done_testing();
}
