/*
 * test_port.c - output ports: backlog from the free time, ECN marking
 * probability, drop-tail; the fast path's timing; and a port with a
 * scheduler: pause and resume, strict priority then weighted round robin
 * between classes, the header queue, against hand-computed times; and the
 * look-ahead's guess of a packet's next link against the link it takes.
 */
#include <config.h>
#include <string.h>
#include "sim/lib.h"
#include "sim/packet/packet_int.h"
#include "tests/tap.h"
#include "topologies/topo.h"

#define RATE 100000000000ull   /* 100 Gb/s: 80 ps per byte */
#define PPB 80
#define LAT 1000000            /* 1 us */

/* the model under test, and what arrived at the far end of link 0 */
static ns_pnet *N;
static uint32_t got_id[32];
static ns_time got_ps[32];
static int ngot;

/* a scripted action at a time: send a packet of a class (or a header),
 * pause or resume classes */
enum { SEND, HEADER, PAUSE, RESUME };
typedef struct act {
    ns_event ev;
    int      what;
    uint32_t id, size, cls;  /* SEND, HEADER: packet id, bytes, class; PAUSE, RESUME: class mask */
} act;

static ns_pkt *
pkt(uint32_t id, uint32_t size, uint32_t cls)
{
    ns_pkt *p = ns_pool_get(&N->pkt_pool);
    memset(p, 0, sizeof *p);
    p->seq = id;
    p->size = size;
    p->flags = (uint8_t)(cls << NS_PF_CLASS_SHIFT);
    return p;
}

static void
act_fire(void *simp, ns_event *ev)
{
    (void)simp;
    act *a = ns_container_of(ev, act, ev);
    if (a->what == SEND)
        ns_port_send(N, 0, pkt(a->id, a->size, a->cls));
    else if (a->what == HEADER)
        ns_port_send_header(N, 0, pkt(a->id, a->size, 0));
    else if (a->what == PAUSE)
        ns_port_pause(N, 0, a->cls);
    else
        ns_port_resume(N, 0, a->cls);
}

/* run the script; arrivals at the far end of link 0 are recorded (not
 * handed to a transport) */
static void
run(ns_sim *sim, act *acts, int nacts)
{
    ns_port *p = &N->ports[0];
    ngot = 0;
    for (int i = 0; i < nacts; i++) {
        ns_time t = acts[i].ev.when_ps;
        ns_event_init(&acts[i].ev, act_fire);
        ns_sim_at(sim, &acts[i].ev, t);
    }
    ns_event *ev;
    while ((ev = ns_evq_pop(&sim->evq))) {
        sim->now = ev->when_ps;
        if (ev != &p->ev) {
            ev->fn(sim, ev);
            continue;
        }
        ns_pkt *k = p->head;
        p->head = k->next;
        if (p->head)
            ns_sim_at(sim, &p->ev, k->next_ps);
        else
            p->tail = NULL;
        got_id[ngot] = k->seq;
        got_ps[ngot++] = sim->now;
        ns_pool_put(&N->pkt_pool, k);
    }
}

static act
at(ns_time t, int what, uint32_t id, uint32_t size, uint32_t cls)
{
    act a;
    memset(&a, 0, sizeof a);
    a.ev.when_ps = t;
    a.what = what;
    a.id = id;
    a.size = size;
    a.cls = cls;
    return a;
}

/* the arrivals are ids[] at times[] */
static void
expect(const char *what, const uint32_t *ids, const ns_time *times, int n)
{
    int same = ngot == n;
    for (int i = 0; same && i < n; i++)
        same = got_id[i] == ids[i] && got_ps[i] == times[i];
    ok(same, "%s", what);
    if (!same)
        for (int i = 0; i < ngot; i++)
            diag("arrival %d: packet %u at %lld ps", i, got_id[i], (long long)got_ps[i]);
}

static void
scheduled(void)
{
    ns_err e = {0};
    ns_pair_spec ps;
    ns_fabric_common_defaults(&ps.common);
    ps.link.rate_bps = RATE;
    ps.link.latency_ps = LAT;
    ns_fabric *pair;
    ns_topo_pair(&ps, &pair, &e);
    ns_workload *w = ns_wl_new(1);
    ns_run_cfg cfg;
    ns_run_cfg_defaults(&cfg);
    ns_sim *sim;
    if (ns_sim_new(pair, w, &cfg, &sim, &e)) {
        diag("sim: %s", e.msg);
        return;
    }
    N = (ns_pnet *)sim->net;
    ns_port *p = &N->ports[0];

    /* the fast path: back to back from the free time, one event per packet */
    act fifo[] = {at(0, SEND, 1, 1000, 0), at(10000, SEND, 2, 500, 3)};
    run(sim, fifo, 2);
    expect("fast path: 1000 B at 0 arrives at 80 ns + 1 us, 500 B sent at 10 ns after it, at 120 ns + 1 us",
           (uint32_t[]){1, 2}, (ns_time[]){1000 * PPB + LAT, 1500 * PPB + LAT}, 2);
    ok(!p->sched && N->sched == NULL, "a port without classes keeps the fast path and no scheduler");

    /* classes: 0 alone on the first level; 1 and 2 share the second, 2 with twice the weight */
    sim->now = 2 * LAT;
    p->free_ps = 0;
    ok(ns_port_set_classes(N, 0, 3, (uint8_t[]){0, 1, 1}, (uint32_t[]){1000, 1000, 2000}) == NS_OK && p->sched,
       "three classes given to a port");
    ok(ns_port_set_classes(N, 0, 9, (uint8_t[9]){0}, (uint32_t[9]){1}) == NS_EINVAL,
       "more classes than a port has are refused (%s)", sim->err.msg);
    ns_err_clear(&sim->err);

    /* pause and resume: a packet sent while paused leaves at the resume;
     * a pause lets the packet on the wire finish and holds the next */
    ns_time t0 = 2 * LAT;
    act pr[] = {
        at(t0, PAUSE, 0, 0, NS_PORT_ALL),
        at(t0 + 1000, SEND, 1, 1000, 0),
        at(t0 + 5000, RESUME, 0, 0, NS_PORT_ALL),        /* 1 leaves at t0 + 5 ns, for 80 ns */
        at(t0 + 6000, SEND, 2, 500, 0),                  /* waits behind 1 */
        at(t0 + 10000, PAUSE, 0, 0, 1),                  /* class 0: 1 finishes, 2 waits */
        at(t0 + 200000, RESUME, 0, 0, 1),                /* 2 leaves at t0 + 200 ns, for 40 ns */
    };
    run(sim, pr, 6);
    expect("pause and resume: packets leave at the resume, the one on the wire finishes",
           (uint32_t[]){1, 2},
           (ns_time[]){t0 + 5000 + 1000 * PPB + LAT, t0 + 200000 + 500 * PPB + LAT}, 2);
    ok(N->sched[0].queued == 0 && !ns_event_pending(&N->sched[0].tx_ev), "the scheduler is idle and empty after");

    /* strict priority, then deficit round robin: X (class 2) takes the idle
     * link at once; H1 H2 (class 0) go first; then A (class 1, 1000 B a
     * turn) and B (class 2, 2000 B a turn, 1000 left from X's turn) */
    ns_time t1 = 4 * LAT;
    act sp[] = {
        at(t1, SEND, 10, 1000, 2),
        at(t1 + 100, SEND, 21, 1000, 1), at(t1 + 100, SEND, 22, 1000, 1),
        at(t1 + 100, SEND, 31, 1000, 2), at(t1 + 100, SEND, 32, 1000, 2),
        at(t1 + 100, SEND, 33, 1000, 2), at(t1 + 100, SEND, 34, 1000, 2),
        at(t1 + 200, SEND, 41, 1000, 0), at(t1 + 200, SEND, 42, 1000, 0),
    };
    run(sim, sp, 9);
    uint32_t order[] = {10, 41, 42, 21, 31, 32, 33, 22, 34};
    ns_time times[9];
    for (int i = 0; i < 9; i++)
        times[i] = t1 + (i + 1) * 1000 * PPB + LAT;   /* back to back from t1 */
    expect("strict priority first, then the weights 1:2 in turns (X H1 H2 A1 B1 B2 B3 A2 B4)", order, times, 9);

    /* a trimmed header goes before every class, even one waiting longer */
    ns_time t2 = 6 * LAT;
    act hd[] = {
        at(t2, SEND, 1, 1000, 1), at(t2 + 100, SEND, 2, 1000, 0), at(t2 + 200, HEADER, 3, 64, 0),
    };
    run(sim, hd, 3);
    expect("the header queue first: 1 on the wire, then the header, then class 0",
           (uint32_t[]){1, 3, 2},
           (ns_time[]){t2 + 1000 * PPB + LAT, t2 + 1064 * PPB + LAT, t2 + 2064 * PPB + LAT}, 3);
    ok(p->packets == 2 + 2 + 9 + 3 && p->enq_bytes == 1500 + 1500 + 9000 + 2064,
       "the port counted %llu packets, %llu bytes", (unsigned long long)p->packets,
       (unsigned long long)p->enq_bytes);

    /* the queue seen by load balancing and the counters: the wire and the queues */
    sim->now = 8 * LAT;
    act q[] = {at(8 * LAT, PAUSE, 0, 0, NS_PORT_ALL), at(8 * LAT, SEND, 1, 1000, 0), at(8 * LAT, SEND, 2, 700, 2)};
    for (int i = 0; i < 3; i++) {
        ns_event_init(&q[i].ev, act_fire);
        act_fire(sim, &q[i].ev);
    }
    is_int(ns_port_queue(N, 0, sim->now), 1700, "paused: 1700 bytes wait in the queues");

    /* a NIC's port into a PFC switch (one class): what it is given goes on
     * the wire at once, behind the packet on it; a pause takes back what
     * has not started (2 and 3 behind 1; 4 given while paused waits behind
     * them), and the resume puts them back on the wire in order */
    N->sched[0].paused = 0;
    N->sched[0].queued = 0;
    memset(N->sched[0].qs, 0, sizeof N->sched[0].qs);   /* (the packets above go with the pool) */
    ns_time t3 = 10 * LAT;
    sim->now = t3;
    p->free_ps = t3;
    ok(ns_port_set_classes(N, 0, 1, (uint8_t[]){0}, (uint32_t[]){4096}) == NS_OK, "one class given to a NIC's port");
    N->sched[0].host = 1;
    act nic[] = {
        at(t3, SEND, 1, 1000, 0), at(t3 + 100, SEND, 2, 64, 0), at(t3 + 200, SEND, 3, 500, 0),
        at(t3 + 50000, PAUSE, 0, 0, NS_PORT_ALL),          /* 1 is on the wire until t3 + 80 ns */
        at(t3 + 60000, SEND, 4, 64, 0),
        at(t3 + 300000, RESUME, 0, 0, NS_PORT_ALL),
    };
    run(sim, nic, 6);
    ns_time r = t3 + 300000;
    expect("NIC's port: 1 finishes; 2, 3 taken back and 4 wait; at the resume 2, 3, 4 back to back",
           (uint32_t[]){1, 2, 3, 4},
           (ns_time[]){t3 + 1000 * PPB + LAT, r + 64 * PPB + LAT, r + 564 * PPB + LAT, r + 628 * PPB + LAT}, 4);
    act nic2[] = {
        at(2 * t3, SEND, 5, 1000, 0), at(2 * t3 + 100, SEND, 6, 64, 0),
        at(2 * t3 + 1000 * PPB, PAUSE, 0, 0, NS_PORT_ALL),   /* the instant 6 would start: it waits */
        at(2 * t3 + 200000, RESUME, 0, 0, NS_PORT_ALL),
    };
    run(sim, nic2, 4);
    expect("NIC's port: a pause at the instant a packet would start holds it",
           (uint32_t[]){5, 6}, (ns_time[]){2 * t3 + 1000 * PPB + LAT, 2 * t3 + 200000 + 64 * PPB + LAT}, 2);
    ok(N->sched[0].queued == 0 && !ns_event_pending(&N->sched[0].tx_ev) && p->packets == 2 + 2 + 9 + 3 + 2 + 6,
       "the NIC's port used no turn of its scheduler, and counted each packet once");
    ns_sim_free(sim);   /* frees the queued packets with the model */
    ns_wl_free(w);
    ns_fabric_free(pair);
}

/* ns_pkt_peek_link (a delivery's look-ahead, port.c) names the link
 * ns_pkt_next_link then takes, and the offset it leaves, at every node of a k = 4 fat-tree (three
 * tiers: two hashed choices on the way up) for every destination, label
 * and offset, and changes nothing in the packet; under hashed policies it
 * answers at every switch, under those that look at queues or turns it
 * leaves the multi-way hops to ns_lb_choose */
static void
peek_links(void)
{
    ns_err e = {0};
    ns_fattree_spec fs;
    ns_fabric_common_defaults(&fs.common);
    fs.k = 4;
    fs.link.rate_bps = RATE;
    fs.link.latency_ps = LAT;
    ns_fabric *ft;
    if (ns_topo_fattree(&fs, &ft, &e)) {
        diag("fattree: %s", e.msg);
        return;
    }
    ns_workload *w = ns_wl_new(1);
    static const struct { int lb, spray; const char *name; } pol[] = {
        {NS_LB_ECMP, 0, "ecmp"}, {NS_LB_SPRAY, NS_SPRAY_RANDOM, "spray"},
        {NS_LB_SPRAY, NS_SPRAY_ROUNDROBIN, "spray round robin"}, {NS_LB_ADAPTIVE, 0, "adaptive"},
    };
    for (size_t k = 0; k < sizeof pol / sizeof *pol; k++) {
        ns_run_cfg cfg;
        ns_run_cfg_defaults(&cfg);
        cfg.lb = pol[k].lb;
        cfg.spray = pol[k].spray;
        ns_sim *sim;
        if (ns_sim_new(ft, w, &cfg, &sim, &e)) {
            diag("sim: %s", e.msg);
            return;
        }
        N = (ns_pnet *)sim->net;
        long named = 0, left = 0, cases = 0;
        int agree = 1, same = 1;
        for (uint32_t at = 0; at < ft->nnodes; at++) {
            for (uint32_t dst = 0; dst < ft->nhosts; dst++) {
                if (at < ft->nhosts && at != dst)
                    continue;   /* a packet is at a host only at its end (PXN aside) */
                for (uint32_t label = 0; label < 16; label++) {
                    for (uint32_t off = 0; off < 8; off++) {
                        ns_pkt p = {0}, before;
                        p.dst = dst;
                        p.entropy = label * 2654435761u;
                        p.path_off = (uint16_t)off;
                        before = p;
                        uint32_t left_off, guess = ns_pkt_peek_link(N, &p, at, &left_off);
                        same &= memcmp(&p, &before, sizeof p) == 0;
                        uint32_t link = ns_pkt_next_link(N, &p, at);
                        cases++;
                        if (guess == NS_NONE) {
                            left++;
                            continue;
                        }
                        named++;
                        agree &= guess == link && left_off == p.path_off;
                    }
                }
            }
        }
        int hashed = pol[k].lb == NS_LB_ECMP || (pol[k].lb == NS_LB_SPRAY && pol[k].spray == NS_SPRAY_RANDOM);
        ok(agree && same && (hashed ? left == 0 : left > 0 && named > 0),
           "%s: the look-ahead's guess is the link taken, and the offset left, in %ld of %ld cases and "
           "leaves %ld to ns_lb_choose; the packet is unchanged", pol[k].name, named, cases, left);
        ns_sim_free(sim);
    }
    ns_wl_free(w);
    ns_fabric_free(ft);
}

int
main(void)
{
    ns_lib_init();
    plan(32);
#define K 100000, 400000, 0.2
    is_near(ns_port_ecn_prob(K, 0), 0, 0, "no marking on an empty queue");
    is_near(ns_port_ecn_prob(K, 100000), 0, 0, "no marking at kmin");
    is_near(ns_port_ecn_prob(K, 100001), 0.2 / 300000, 1e-12, "marking starts just above kmin");
    is_near(ns_port_ecn_prob(K, 250000), 0.1, 1e-12, "half way: pmax / 2");
    is_near(ns_port_ecn_prob(K, 400000), 0.2, 1e-12, "pmax at kmax");
    is_near(ns_port_ecn_prob(K, 400001), 1, 0, "always above kmax");
    is_near(ns_port_ecn_prob(5000, 5000, 1, 5000), 0, 0, "a step (kmin == kmax): none at K");
    is_near(ns_port_ecn_prob(5000, 5000, 1, 5001), 1, 0, "a step: every packet above K");

    ns_port p = {0};
    p.rate_bps = 100000000000ull;   /* 80 ps per byte */
    p.free_ps = 1000000;
    is_int(ns_port_backlog(&p, 1000000), 0, "nothing queued once the link is free");
    is_int(ns_port_backlog(&p, 1000000 - 80 * 4096), 4096, "one packet time before: one packet queued");
    is_int(ns_port_backlog(&p, 1000000 - 81), 2, "a partly sent byte still counts");
    is_int(ns_port_backlog(&p, 2000000), 0, "after: empty");

    /* rates that divide 8e12 ps.bit/byte take the 64-bit path (ps_per_byte),
     * the others the 128-bit one; both must give the bytes of the bits left,
     * rounded up, for any time left */
    static const uint64_t rates[] = { 100000000000ull, 400000000000ull, 25000000000ull, 800000000000ull,
                                      1600000000000ull, 1000000000ull, 3000000000ull, 56000000000ull };
    int agree = 1, fast = 0;
    uint64_t r = 88172645463325252ull;
    for (size_t k = 0; k < sizeof rates / sizeof *rates; k++) {
        ns_port_set_rate(&p, rates[k]);
        fast += p.ps_per_byte != 0;
        for (int i = 0; i < 20000; i++) {
            r ^= r << 13, r ^= r >> 7, r ^= r << 17;
            ns_time left = (ns_time)(r % (i < 10000 ? 100000000ull : 4000000000000000ull)) + 1;
            p.free_ps = 5000000 + left;
            unsigned __int128 bits = (unsigned __int128)(uint64_t)left * rates[k];
            uint64_t want = (uint64_t)((bits + 8000000000000ull - 1) / 8000000000000ull);
            agree &= ns_port_backlog(&p, 5000000) == want;
        }
    }
    is_int(fast, 6, "six of the eight rates have a whole number of ps per byte");
    ok(agree, "backlog = bits left / 8, rounded up, at every rate (160,000 draws)");

    scheduled();
    peek_links();
    return done_testing();
}
