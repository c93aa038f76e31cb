/*
 * test_taskgraph.c - the driver: chains, diamonds, CPU serialisation,
 * delay (timer) ops, cycles, and hosts that do not exist.
 */
#include <config.h>
#include <string.h>
#include "sim/alloc.h"
#include "sim/lib.h"
#include "sim/sim.h"
#include "tests/tap.h"
#include "topologies/topo.h"

#define MS NS_PS_PER_MS

int
main(void)
{
    ns_lib_init();
    plan(21);
    ns_err e = {0};
    ns_pair_spec ps;
    ns_fabric_common_defaults(&ps.common);
    ps.link.rate_bps = 100000000000ull;
    ps.link.latency_ps = 1000000;
    ns_fabric *f;
    ns_topo_pair(&ps, &f, &e);
    ns_run_cfg cfg;
    ns_run_cfg_defaults(&cfg);
    ns_sim *sim;

    /* chain: compute 1 ms on host 1 -> 1 MB to host 2 -> compute 2 ms on host 2 */
    ns_workload *w = ns_wl_new(1);
    long a = ns_wl_compute(w, 1, 1 * MS, "fwd", &e);
    long x = ns_wl_transfer(w, 1, 2, 1000000, "act", &e);
    long b = ns_wl_compute(w, 2, 2 * MS, "bwd", &e);
    ns_wl_after(w, (uint32_t)x, (uint32_t)a, &e);
    ns_wl_after(w, (uint32_t)b, (uint32_t)x, &e);
    ns_sim_new(f, w, &cfg, &sim, &e);
    ns_sim_run(sim);
    ns_time xfer = 1000000 + (1000000 + 249 * 64) * 80;   /* latency + wire bytes x 80 ps */
    is_time(sim->op_start[x], 1 * MS, "the transfer starts when the compute ends");
    is_time(sim->op_finish[x] - sim->op_start[x], xfer, "the transfer takes its hand-computed time");
    is_time(sim->op_finish[b], 3 * MS + xfer, "the chain ends at the sum of its parts");
    ns_sim_free(sim);
    ns_wl_free(w);

    /* diamond: m -> {1 ms on host 1, 3 ms on host 2} -> join */
    w = ns_wl_new(1);
    long m = ns_wl_marker(w, "start", &e);
    long c1 = ns_wl_compute(w, 1, 1 * MS, NULL, &e);
    long c2 = ns_wl_compute(w, 2, 3 * MS, NULL, &e);
    long j = ns_wl_marker(w, "join", &e);
    ns_wl_after(w, (uint32_t)c1, (uint32_t)m, &e);
    ns_wl_after(w, (uint32_t)c2, (uint32_t)m, &e);
    ns_wl_after(w, (uint32_t)j, (uint32_t)c1, &e);
    ns_wl_after(w, (uint32_t)j, (uint32_t)c2, &e);
    ns_sim_new(f, w, &cfg, &sim, &e);
    ns_sim_run(sim);
    is_time(sim->op_finish[j], 3 * MS, "a diamond waits for its slowest branch");
    ns_sim_free(sim);
    ns_wl_free(w);

    /* two computes on one host run one after the other, in ready order */
    w = ns_wl_new(1);
    long p = ns_wl_compute(w, 1, 2 * MS, NULL, &e);
    long q = ns_wl_compute(w, 1, 1 * MS, NULL, &e);
    ns_sim_new(f, w, &cfg, &sim, &e);
    ns_sim_run(sim);
    is_time(sim->op_finish[p], 2 * MS, "first compute on host 1");
    is_time(sim->op_start[q], 2 * MS, "the second waits for the CPU");
    is_time(sim->op_finish[q], 3 * MS, "and ends at 3 ms");
    ns_sim_free(sim);
    ns_wl_free(w);

    /* delay ops: timers that use no host. d1 (4 ms) -> transfer; d2 (1 ms) and
     * a 3 ms compute on host 1 run side by side; d3 (0) waits for d2 */
    w = ns_wl_new(1);
    long d1 = ns_wl_delay(w, 4 * MS, "d1", &e);
    long tx = ns_wl_transfer(w, 1, 2, 1000000, NULL, &e);
    long d2 = ns_wl_delay(w, 1 * MS, NULL, &e);
    long cc = ns_wl_compute(w, 1, 3 * MS, NULL, &e);
    long d3 = ns_wl_delay(w, 0, NULL, &e);
    ns_wl_after(w, (uint32_t)tx, (uint32_t)d1, &e);
    ns_wl_after(w, (uint32_t)d3, (uint32_t)d2, &e);
    ok(ns_sim_new(f, w, &cfg, &sim, &e) == NS_OK, "a workload with delays builds");
    ns_sim_run(sim);
    is_time(sim->op_finish[d1], 4 * MS, "a 4 ms delay finishes at 4 ms");
    is_time(sim->op_start[tx], 4 * MS, "the transfer after it starts at 4 ms exactly");
    is_time(sim->op_finish[d2], 1 * MS, "a second delay runs at the same time");
    is_time(sim->op_finish[cc], 3 * MS, "a delay does not take the host's CPU");
    is_time(sim->op_start[d3], 1 * MS, "a zero delay starts after its 'after' op");
    is_time(sim->op_finish[d3], 1 * MS, "and finishes at once");
    ns_sim_free(sim);
    ns_wl_free(w);

    /* ops start in the order they became ready: the ops that wait for none
     * first, in op order (a marker among them readies its successor after
     * them all), then successors in the order their ops finished */
    w = ns_wl_new(1);
    long mk = ns_wl_marker(w, NULL, &e);
    long r1 = ns_wl_compute(w, 1, 1 * MS, NULL, &e);
    long r2 = ns_wl_compute(w, 1, 2 * MS, NULL, &e);
    ns_wl_after(w, (uint32_t)r2, (uint32_t)mk, &e);
    long s2 = ns_wl_compute(w, 2, 1 * MS, NULL, &e);
    long s1 = ns_wl_compute(w, 2, 2 * MS, NULL, &e);
    long t1 = ns_wl_delay(w, 5 * MS, NULL, &e);
    long t2 = ns_wl_delay(w, 5 * MS, NULL, &e);
    ns_wl_after(w, (uint32_t)s1, (uint32_t)t1, &e);
    ns_wl_after(w, (uint32_t)s2, (uint32_t)t2, &e);
    ns_sim_new(f, w, &cfg, &sim, &e);
    ns_sim_run(sim);
    ok(sim->op_finish[r1] == 1 * MS && sim->op_finish[r2] == 3 * MS,
       "a marker's successor queues behind the ops that waited for nothing");
    ok(sim->op_finish[s1] == 7 * MS && sim->op_finish[s2] == 8 * MS,
       "two timers end at 5 ms: the first one's successor runs first");
    ns_sim_free(sim);
    ns_wl_free(w);

    /* a cycle is refused before the run, naming an op on it */
    w = ns_wl_new(1);
    long u = ns_wl_compute(w, 1, MS, "u", &e);
    long v = ns_wl_compute(w, 1, MS, "v", &e);
    ns_wl_after(w, (uint32_t)v, (uint32_t)u, &e);
    ns_wl_after(w, (uint32_t)u, (uint32_t)v, &e);
    memset(&e, 0, sizeof e);
    ok(ns_sim_new(f, w, &cfg, &sim, &e) == NS_EINVAL, "a dependency cycle is an error");
    ok(strstr(e.msg, "cycle") != NULL, "and says so: %s", e.msg);
    ns_wl_free(w);

    /* a transfer to a host that does not exist */
    w = ns_wl_new(1);
    ns_wl_transfer(w, 1, 7, 100, NULL, &e);
    memset(&e, 0, sizeof e);
    ok(ns_sim_new(f, w, &cfg, &sim, &e) == NS_EINVAL, "a transfer to host 7 of 2 is an error");
    ok(strstr(e.msg, "dst 7") != NULL, "naming the field and value: %s", e.msg);
    ns_wl_free(w);

    ns_fabric_free(f);
    is_int(ns_alloc_live_blocks(), 0, "nothing leaked");
    return done_testing();
}
