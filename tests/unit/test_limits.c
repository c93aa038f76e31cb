/*
 * test_limits.c - absurd sizes: the clock's end (saturating time, the event
 * queue at the last instants, runs refused before they start or stopped with
 * an error when they get there), packets a subflow can number, byte totals,
 * the memory estimate against what a build and a run really allocate, and
 * refusals of fabrics and task graphs too large for the memory allowed.
 */
#include <config.h>
#include <string.h>
#include "sim/alloc.h"
#include "sim/estimate.h"
#include "sim/lib.h"
#include "sim/sim.h"
#include "tests/tap.h"
#include "topologies/topo.h"

#define S NS_PS_PER_S

static ns_fabric *
pair(uint64_t rate, ns_time latency, uint32_t mtu)
{
    ns_pair_spec ps;
    ns_err e = {0};
    ns_fabric *f = NULL;
    ns_fabric_common_defaults(&ps.common);
    ps.common.mtu = mtu;
    ps.link.rate_bps = rate;
    ps.link.latency_ps = latency;
    ns_topo_pair(&ps, &f, &e);
    return f;
}

static ns_fabric *
leafspine(uint32_t leaves, uint32_t spines, uint32_t hpl, ns_time fabric_latency, int ecn, ns_err *e)
{
    ns_leafspine_spec s;
    memset(&s, 0, sizeof s);   /* no faults */
    ns_fabric *f = NULL;
    ns_fabric_common_defaults(&s.common);
    if (ecn) {
        s.common.sw.buffer_bytes = 400000;
        s.common.sw.ecn = 1;
        s.common.sw.ecn_kmin = 50000;
        s.common.sw.ecn_kmax = 200000;
    }
    s.shape.leaves = leaves;
    s.shape.spines = spines;
    s.shape.hosts_per_leaf = hpl;
    s.shape.links_per_spine = 1;
    s.shape.host_link.rate_bps = 100000000000ull;
    s.shape.host_link.latency_ps = 1000000;
    s.shape.fabric_link.rate_bps = 100000000000ull;
    s.shape.fabric_link.latency_ps = fabric_latency;
    ns_topo_leafspine(&s, &f, e);
    return f;
}

/* NS_OK or the error of ns_sim_new; the sim is freed */
static int
try_new(const ns_fabric *f, const ns_workload *w, const ns_run_cfg *c, ns_err *e)
{
    ns_sim *sim = NULL;
    int rc = ns_sim_new(f, w, c, &sim, e);
    ns_sim_free(sim);
    return rc;
}

/* what a whole run allocates at its peak (the simulation, the model, the run) */
static uint64_t
run_peak(const ns_fabric *f, const ns_workload *w, const ns_run_cfg *c)
{
    ns_err e = {0};
    ns_sim *sim = NULL;
    size_t before = ns_alloc_live_bytes();
    ns_alloc_reset_peak();
    if (ns_sim_new(f, w, c, &sim, &e) || ns_sim_run(sim))
        diag("run failed: %s", e.msg[0] ? e.msg : ns_sim_errmsg(sim));
    uint64_t peak = ns_alloc_peak_bytes() - before;
    ns_sim_free(sim);
    return peak;
}

static void
time_arithmetic(void)
{
    is_time(ns_time_add(NS_TIME_MAX - 5, 3), NS_TIME_MAX - 2, "a sum inside the clock is exact");
    is_time(ns_time_add(NS_TIME_MAX - 5, 6), NS_TIME_MAX, "a sum past the clock's end stops at its end");
    is_time(ns_time_mul(INT64_C(4611686018427387904), 2), NS_TIME_MAX, "so does a product (2^62 x 2)");
    is_time(ns_serialize_ps(1500, 100000000000ull), 120000, "1500 B at 100 Gbps: 120 ns");
    is_time(ns_serialize_ps(1000000000000ull, 1), NS_TIME_MAX, "1 TB at 1 bps (8e12 s) stops at the clock's end");
}

static void
queue_at_the_end(void)
{
    /* events at the last instants of the clock come out in order, and the
     * queue neither hangs nor overflows its bucket arithmetic */
    ns_evq q;
    ns_event ev[6];
    const ns_time t[6] = {NS_TIME_MAX, NS_TIME_MAX - 1, 5, NS_TIME_MAX / 2, NS_TIME_MAX - 1000, 0};
    ns_evq_init(&q, NS_EVQ_CALENDAR);
    for (int i = 0; i < 6; i++) {
        ns_event_init(&ev[i], NULL);
        ns_evq_push(&q, &ev[i], t[i]);
    }
    const ns_time want[6] = {0, 5, NS_TIME_MAX / 2, NS_TIME_MAX - 1000, NS_TIME_MAX - 1, NS_TIME_MAX};
    int inorder = 1;
    for (int i = 0; i < 6; i++) {
        ns_event *e = ns_evq_pop(&q);
        inorder &= e && e->when_ps == want[i];
    }
    ok(inorder && ns_evq_pop(&q) == NULL, "six events up to the clock's last instant pop in order");
    ns_evq_destroy(&q);
    /* 5,000 events spread over the whole clock: the calendar re-tunes its
     * width on a span of 2^63 ps */
    ns_evq_init(&q, NS_EVQ_CALENDAR);
    static ns_event many[5000];
    uint64_t x = 88172645463325252ull;
    for (int i = 0; i < 5000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        ns_event_init(&many[i], NULL);
        ns_evq_push(&q, &many[i], (ns_time)(x >> 1));
    }
    ns_time last = -1;
    int n = 0;
    for (ns_event *e; (e = ns_evq_pop(&q)); n++) {
        if (e->when_ps < last)
            break;
        last = e->when_ps;
    }
    is_int(n, 5000, "5,000 events over the whole clock pop in order");
    ns_evq_destroy(&q);
}

static void
clock_end(void)
{
    ns_err e = {0};
    ns_run_cfg c;
    ns_run_cfg_defaults(&c);
    ns_fabric *f = pair(100000000000ull, 1000000, 4096);

    /* two compute ops of 5e6 s each, one after the other: 115.7 days */
    ns_workload *w = ns_wl_new(1);
    long a = ns_wl_compute(w, 1, 5000000 * S, "a", &e);
    long b = ns_wl_compute(w, 2, 5000000 * S, "b", &e);
    ns_wl_after(w, (uint32_t)b, (uint32_t)a, &e);
    int rc = try_new(f, w, &c, &e);
    ok(rc == NS_EINVAL && strstr(e.msg, "compute 'b' (op 1) ends a chain of ops that lasts at least 115.7 days"),
       "a chain of computes longer than the clock is refused (%s)", e.msg);
    /* with until, the run stops before the end: accepted, and it stops there */
    c.until_ps = 6000000 * S;
    ns_sim *sim = NULL;
    rc = ns_sim_new(f, w, &c, &sim, &e);
    if (!rc)
        rc = ns_sim_run(sim);
    ok(rc == NS_OK && sim && sim->stopped == 2 && sim->now == 6000000 * S && sim->op_finish[0] == 5000000 * S,
       "with until = 6e6 s it runs, and stops there");
    ns_sim_free(sim);
    c.until_ps = 0;
    ns_wl_free(w);

    /* the same two, independent, on one host: its CPU needs 115.7 days */
    w = ns_wl_new(1);
    ns_wl_compute(w, 1, 5000000 * S, NULL, &e);
    ns_wl_compute(w, 1, 5000000 * S, NULL, &e);
    rc = try_new(f, w, &c, &e);
    ok(rc == NS_EINVAL && strstr(e.msg, "host 1 computes (its compute ops one after the other) for 115.7 days"),
       "compute ops of one host adding up past the clock are refused (%s)", e.msg);
    ns_wl_free(w);
    ns_fabric_free(f);

    /* 1 PB through a 1 Gbps NIC: 8e6 s to send, 92.6 days: fits; twice that does not */
    f = pair(1000000000ull, 1000000, 1u << 20);
    c.subflows = 65535;
    w = ns_wl_new(1);
    ns_wl_transfer(w, 1, 2, 1000000000000000ull, "pb", &e);
    ok(try_new(f, w, &c, &e) == NS_OK, "1 PB through a 1 Gbps NIC (92.6 days) is accepted");
    ns_wl_transfer(w, 1, 2, 1000000000000000ull, "pb2", &e);
    rc = try_new(f, w, &c, &e);
    ok(rc == NS_EINVAL && strstr(e.msg, "host 1 needs, to send its transfers through its NIC, 185.2 days"),
       "2 PB through it (185.2 days) is refused (%s)", e.msg);
    ns_wl_free(w);
    ns_fabric_free(f);

    /* what no check before the run can see: 5e6 s between leaf and spine,
     * so a packet arrives after 1e7 s; the run stops there with an error */
    f = leafspine(2, 1, 1, 5000000 * S, 0, &e);
    w = ns_wl_new(1);
    ns_wl_transfer(w, 1, 2, 1000, NULL, &e);
    c.subflows = 1;
    sim = NULL;
    rc = ns_sim_new(f, w, &c, &sim, &e);
    ok(rc == NS_OK, "a transfer over 1e7 s of latency passes the checks before the run");
    rc = sim ? ns_sim_run(sim) : -1;
    ok(rc == NS_ESIM && strstr(ns_sim_errmsg(sim), "past the end of netsim's clock"),
       "the run stops with an error where the clock would overflow (%s)", sim ? ns_sim_errmsg(sim) : "");
    ns_sim_free(sim);
    ns_wl_free(w);
    ns_fabric_free(f);
}

static void
counters(void)
{
    ns_err e = {0};
    ns_run_cfg c;
    ns_run_cfg_defaults(&c);
    /* 4096-byte packets with 64-byte headers carry 4032 bytes: 2^31 packets
     * is 8,658,654,068,736 bytes; one byte more needs a second subflow */
    ns_fabric *f = pair(100000000000ull, 1000000, 4096);
    ns_workload *w = ns_wl_new(1);
    ns_wl_transfer(w, 1, 2, 8658654068736ull, "max", &e);
    ok(try_new(f, w, &c, &e) == NS_OK, "a transfer of 2^31 packets fits one subflow");
    ns_wl_transfer(w, 1, 2, 8658654068737ull, "over", &e);
    int rc = try_new(f, w, &c, &e);
    ok(rc == NS_EINVAL && strstr(e.msg, "transfer 'over' (op 1): 8658654068737 bytes in 1 subflow is 2147483649 "
                                        "packets of 4032 bytes per subflow"),
       "one byte more is refused, naming the transfer (%s)", e.msg);
    c.subflows = 2;
    ok(try_new(f, w, &c, &e) == NS_OK, "with 2 subflows it fits");
    ns_wl_free(w);
    ns_fabric_free(f);

    /* the workload's bytes: at most 2^60 */
    f = pair(1000000000000000000ull, 0, 1u << 20);
    c.subflows = 65535;
    w = ns_wl_new(1);
    ns_wl_transfer(w, 1, 2, (1ull << 59), NULL, &e);
    ns_wl_transfer(w, 2, 1, (1ull << 59), NULL, &e);
    ok(try_new(f, w, &c, &e) == NS_OK, "2^60 bytes in all are accepted");
    ns_wl_transfer(w, 1, 2, 1, NULL, &e);
    rc = try_new(f, w, &c, &e);
    ok(rc == NS_EINVAL && strstr(e.msg, "more than netsim's byte counters allow"),
       "one byte more is refused (%s)", e.msg);
    /* a transfer row holds 16 bits of subflows (sim.h) */
    ns_wl_free(w);
    w = ns_wl_new(1);
    ns_wl_transfer(w, 1, 2, 1000, NULL, &e);
    c.subflows = 65536;
    rc = try_new(f, w, &c, &e);
    ok(rc == NS_EINVAL && strstr(e.msg, "subflows must be 1 to 65535 (got 65536)"),
       "65,536 subflows are refused (%s)", e.msg);
    c.subflows = 65535;
    ns_wl_free(w);
    ns_fabric_free(f);
}

static void
estimates(void)
{
    ns_err e = {0};
    ns_run_cfg c;
    ns_run_cfg_defaults(&c);

    /* a fabric's estimate against what building it allocates at its peak */
    size_t before = ns_alloc_live_bytes();
    ns_alloc_reset_peak();
    ns_fabric *f = leafspine(8, 4, 16, 1000000, 1, &e);
    uint64_t built = ns_alloc_peak_bytes() - before;
    uint64_t est = ns_mem_fabric_shape(8 * 16 + 8 + 4, 8 * 16, 8 * 16 + 8 * 4, 8);
    ok(f && est >= built / 2 && est <= 3 * built,
       "leafspine 8x4x16: estimated %llu bytes, built with a peak of %llu", (unsigned long long)est,
       (unsigned long long)built);
    ok(f && ns_mem_fabric(f) <= built, "the built fabric holds %llu bytes, no more than its peak",
       (unsigned long long)(f ? ns_mem_fabric(f) : 0));

    /* a run's estimate against what it allocates: a permutation of 1 MB
     * transfers sprayed over a leaf-spine without oversubscription (the
     * ideal transport's queues are unbounded, so only a fabric that does not
     * build them suits its estimate), then a permutation and an incast on
     * the 4:1 oversubscribed one under dctcp with ECN */
    ns_fabric *nb = leafspine(8, 16, 16, 1000000, 1, &e);
    const struct { const char *what; int incast; int transport; const ns_fabric *fab; } runs[] = {
        {"permutation, ideal, spray, 1:1", 0, NS_TP_IDEAL, nb},
        {"permutation, dctcp, ecmp, 4:1", 0, NS_TP_DCTCP, f},
        {"incast, dctcp, ecmp, 4:1", 1, NS_TP_DCTCP, f},
    };
    for (int r = 0; r < 3; r++) {
        ns_workload *w = ns_wl_new(1);
        for (uint32_t h = 1; h <= 128; h++)
            ns_wl_transfer(w, h, runs[r].incast ? (h == 1 ? 2 : 1) : (h + 15) % 128 + 1, 1000000, NULL, &e);
        c.transport = runs[r].transport;
        c.lb = runs[r].transport == NS_TP_IDEAL ? NS_LB_SPRAY : NS_LB_ECMP;
        ns_mem_est m;
        ns_mem_estimate(runs[r].fab, w, &c, &m);
        uint64_t peak = run_peak(runs[r].fab, w, &c);
        uint64_t model_and_state = m.model + ns_mem_ops(w->nops, w->ndeps, 128) + 128 * sizeof(ns_cpu);
        ok(model_and_state >= peak / 3 && model_and_state <= 3 * peak,
           "%s: estimated %llu bytes for the run (%llu packets in flight), it allocated %llu at its peak",
           runs[r].what, (unsigned long long)model_and_state, (unsigned long long)m.packets,
           (unsigned long long)peak);
        ns_wl_free(w);
    }

    /* the flow model: an all-to-all of 128 hosts (16,256 flows at once) */
    ns_workload *w = ns_wl_new(1);
    for (uint32_t a = 1; a <= 128; a++)
        for (uint32_t b = 1; b <= 128; b++)
            if (a != b)
                ns_wl_transfer(w, a, b, 1000000, NULL, &e);
    c.model = NS_MODEL_FLOW;
    c.transport = NS_TP_IDEAL;
    c.lb = NS_LB_ECMP;
    ns_mem_est m;
    ns_mem_estimate(nb, w, &c, &m);
    uint64_t peak = run_peak(nb, w, &c);
    uint64_t model_and_state = m.model + ns_mem_ops(w->nops, w->ndeps, w->nops) + 128 * sizeof(ns_cpu);
    ok(m.subflows == 16256 && model_and_state >= peak && 2 * model_and_state <= 3 * peak,
       "flow model, all-to-all of 128 hosts: estimated %llu bytes for the run (%llu subflows), it allocated "
       "%llu at its peak (above it, by less than half)",
       (unsigned long long)model_and_state, (unsigned long long)m.subflows, (unsigned long long)peak);
    ns_wl_free(w);
    ns_fabric_free(f);
    ns_fabric_free(nb);
}

static void
refusals(void)
{
    ns_err e = {0};
    /* the ceiling of the allocator */
    ns_alloc_set_limit(1u << 20);
    void *p = ns_alloc(2u << 20);
    ok(p == NULL && ns_alloc_limit_hit(), "an allocation past the ceiling fails");
    ok(ns_mem_check(2u << 20, "this", NULL, &e) == NS_ENOMEM &&
       strstr(e.msg, "this would need about 2.097 MB of memory, more than the 1.049 MB netsim may use"),
       "a need past it is refused with both figures (%s)", e.msg);
    ns_alloc_set_limit(0);

    /* a million hosts, with 1 GB allowed: refused before anything is built */
    ns_alloc_set_limit((size_t)1 << 30);
    uint64_t calls = ns_alloc_calls();
    ns_fabric *f = leafspine(15625, 64, 64, 1000000, 0, &e);
    ok(f == NULL && e.code == NS_ENOMEM && strstr(e.msg, "leafspine: this fabric would need about") &&
       ns_alloc_calls() == calls,
       "a leaf-spine of a million hosts is refused before it is built (%s)", e.msg);
    ns_fattree_spec ft;
    ns_fabric_common_defaults(&ft.common);
    ft.k = 160;
    ft.link.rate_bps = 100000000000ull;
    ft.link.latency_ps = 0;
    int rc = ns_topo_fattree(&ft, &f, &e);
    ok(rc == NS_ENOMEM && strstr(e.msg, "fattree: this fabric would need about"),
       "so is a fat-tree of k = 160 (1,024,000 hosts) (%s)", e.msg);

    /* 10^12 transfers (an alltoall of a million hosts): refused at once,
     * with what they would need */
    ns_workload *w = ns_wl_new(1);
    calls = ns_alloc_calls();
    rc = ns_wl_reserve(w, 1000000000000ull, 0, 1000000000000ull, "alltoall", &e);
    ok(rc == NS_ENOMEM && strstr(e.msg, "alltoall: its task graph would need about") &&
       strstr(e.msg, "(1000000000000 ops, 1000000000000 of them transfers, and 0 dependencies)") &&
       ns_alloc_calls() == calls,
       "10^12 transfers are refused with the estimate, before any allocation (%s)", e.msg);
    ns_alloc_set_limit((size_t)1 << 50);
    rc = ns_wl_reserve(w, 3000000000ull, 0, 0, "alltoall", &e);
    ok(rc == NS_EINVAL && strstr(e.msg, "more than a workload may hold"),
       "with a petabyte allowed, 3e9 ops are still more than a workload holds (%s)", e.msg);
    ns_alloc_set_limit((size_t)1 << 30);
    rc = ns_wl_reserve(w, 1000, 1000, 1000, "alltoall", &e);
    ok(rc == NS_OK && w->ops_cap >= 1000 && w->deps_cap >= 1000, "1,000 fit, and the room is made");
    ns_wl_free(w);
    ns_alloc_set_limit(0);
}

/* the run's own stops (ns_sim_run looks at them when the event count
 * reaches one bound): the event limit and the progress report are exact,
 * a stop flag raised by a progress report stops the run at once, and one
 * raised by an event stops it within 1,024 events */
typedef struct progress_log {
    uint64_t calls, wrong;     /* calls, and calls not at a multiple of `every` */
    uint64_t every, raise_at;  /* raise the flag at the call with this many events (0: never) */
    volatile int *flag;
} progress_log;

static void
on_progress(void *ctx, ns_sim *sim)
{
    progress_log *l = ctx;
    l->calls++;
    if (sim->events != l->calls * l->every)
        l->wrong++;
    if (l->raise_at && sim->events >= l->raise_at)
        *l->flag = 1;
}

static volatile int flag_by_event;
static uint64_t flag_raised_at;

static void
raise_flag(void *simp, ns_event *ev)
{
    ns_sim *sim = simp;
    (void)ev;
    flag_by_event = 1;
    flag_raised_at = sim->events;
}

static ns_sim *
limits_run(const ns_fabric *f, const ns_workload *w, const ns_run_cfg *c)
{
    ns_err e = {0};
    ns_sim *sim = NULL;
    if (ns_sim_new(f, w, c, &sim, &e))
        diag("ns_sim_new: %s", e.msg);
    return sim;
}

static void
run_stops(void)
{
    ns_err e = {0};
    ns_run_cfg c;
    ns_run_cfg_defaults(&c);
    ns_fabric *f = pair(100000000000ull, 1000000, 4096);
    ns_workload *w = ns_wl_new(1);
    ns_wl_transfer(w, 1, 2, 40000000, "x", &e);   /* 9,767 packets: about 20,000 events */

    ns_sim *sim = limits_run(f, w, &c);
    int rc = sim ? ns_sim_run(sim) : -1;
    uint64_t all = sim ? sim->events : 0;
    ok(rc == NS_OK && sim->stopped == 0 && all > 10000, "the whole run: %llu events", (unsigned long long)all);
    ns_sim_free(sim);

    sim = limits_run(f, w, &c);
    if (sim)
        sim->max_events = 5003;
    rc = sim ? ns_sim_run(sim) : -1;
    ok(rc == NS_OK && sim->stopped == 3 && sim->events == 5003, "max_events = 5003 stops after 5003 events (%llu)",
       sim ? (unsigned long long)sim->events : 0ULL);
    ns_sim_free(sim);

    volatile int flag = 0;
    progress_log l = {0, 0, 777, 0, &flag};
    sim = limits_run(f, w, &c);
    if (sim)
        ns_sim_set_progress(sim, on_progress, &l, 777);
    rc = sim ? ns_sim_run(sim) : -1;
    ok(rc == NS_OK && l.calls == all / 777 && l.wrong == 0,
       "a progress report every 777 events: %llu calls, each at a multiple of 777", (unsigned long long)l.calls);
    ns_sim_free(sim);

    l = (progress_log){0, 0, 100, 3000, &flag};
    sim = limits_run(f, w, &c);
    if (sim) {
        ns_sim_set_progress(sim, on_progress, &l, 100);
        sim->stop_flag = &flag;
    }
    rc = sim ? ns_sim_run(sim) : -1;
    ok(rc == NS_OK && sim->stopped == 1 && sim->events == 3000,
       "a stop flag raised by the progress report at 3,000 events stops the run there (%llu)",
       sim ? (unsigned long long)sim->events : 0ULL);
    ns_sim_free(sim);

    /* raised by an event of its own, 1 ns into the run */
    ns_event ev;
    ns_event_init(&ev, raise_flag);
    flag_by_event = 0;
    sim = limits_run(f, w, &c);
    if (sim) {
        sim->stop_flag = &flag_by_event;
        ns_sim_at(sim, &ev, 1000);
    }
    rc = sim ? ns_sim_run(sim) : -1;
    ok(rc == NS_OK && sim->stopped == 1 && flag_raised_at > 0 && sim->events >= flag_raised_at &&
       sim->events <= flag_raised_at + 1024,
       "a stop flag raised by an event at event %llu stops the run within 1,024 events (%llu)",
       (unsigned long long)flag_raised_at, sim ? (unsigned long long)sim->events : 0ULL);
    ns_sim_free(sim);
    ns_wl_free(w);
    ns_fabric_free(f);
}

int
main(void)
{
    ns_lib_init();
    plan(39);
    time_arithmetic();
    queue_at_the_end();
    clock_end();
    run_stops();
    counters();
    estimates();
    refusals();
    is_int(ns_alloc_live_blocks(), 0, "nothing leaked");
    return tap_failed != 0;
}
