/*
 * flowbench.c - benchmark of the flow-level model on large leaf-spines,
 * built through the C API (no Lua): a random permutation or an all-to-all
 * (every ordered pair at once; a2av: sizes uniform in [B/2, 3B/2)) or a ring
 * allreduce of B bytes per rank (2 (n - 1) dependent steps), with a chosen load-balancing policy and
 * rate solver. Prints one line: sizes, wall time, events, re-solves, flows
 * recomputed, makespan and peak RSS. Run by bench/flow.sh; not a test.
 *
 * usage: flowbench HOSTS_PER_LEAF LEAVES SPINES perm|a2a|a2av|ring BYTES [lb] [solver] [model] [quantum]
 *   lb: ecmp (default) | spray; solver: incremental (default) | component | full;
 *   model: flow (default) | packet; quantum: run{ flow_quantum } in ps (default 0, exact); with a
 *   quantum the run is made twice, exact then with it, and the second line gives the quantum's
 *   error against the exact run: the largest and mean relative error of a transfer's completion time
 */
#include <config.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include "sim/flow/flow_net.h"
#include "sim/lib.h"
#include "sim/rng.h"
#include "sim/sim.h"
#include "topologies/topo.h"

#define RATE 400000000000ull   /* 400 Gb/s everywhere */
#define LAT  500000            /* 500 ns */

static double
now_s(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (double)tv.tv_sec + 1e-6 * (double)tv.tv_usec;
}

static ns_fabric *
leafspine(uint32_t hpl, uint32_t leaves, uint32_t spines, ns_err *e)
{
    ns_fabric_common c;
    ns_fabric_common_defaults(&c);
    ns_fabric *f = ns_topo_begin("leafspine", &c);
    char name[NS_NAME_MAX];
    uint32_t nh = hpl * leaves;
    for (uint32_t h = 0; h < nh; h++) {
        snprintf(name, sizeof name, "host%u", h + 1);
        if (ns_fabric_add_node(f, NS_NODE_HOST, NS_TIER_HOST, 0, name, 0, 0, (int)(h / hpl + 1), e) < 0)
            return NULL;
    }
    for (uint32_t l = 0; l < leaves; l++) {
        snprintf(name, sizeof name, "leaf%u", l + 1);
        ns_fabric_add_node(f, NS_NODE_SWITCH, NS_TIER_LEAF, 0, name, 0, 0, (int)l + 1, e);
    }
    for (uint32_t s = 0; s < spines; s++) {
        snprintf(name, sizeof name, "spine%u", s + 1);
        ns_fabric_add_node(f, NS_NODE_SWITCH, NS_TIER_SPINE, 0, name, 0, 0, 0, e);
    }
    for (uint32_t h = 0; h < nh; h++)
        ns_fabric_add_cable(f, h, nh + h / hpl, RATE, LAT, e);
    for (uint32_t l = 0; l < leaves; l++)
        for (uint32_t s = 0; s < spines; s++)
            ns_fabric_add_cable(f, nh + l, nh + leaves + s, RATE, LAT, e);
    if (ns_fabric_finish(f, e)) {
        ns_fabric_free(f);
        return NULL;
    }
    return f;
}

int
main(int argc, char **argv)
{
    if (argc < 6) {
        fprintf(stderr, "usage: %s HOSTS_PER_LEAF LEAVES SPINES perm|a2a BYTES [ecmp|spray] "
                "[incremental|component|full] [flow|packet]\n", argv[0]);
        return 2;
    }
    ns_lib_init();
    uint32_t hpl = (uint32_t)atoi(argv[1]), leaves = (uint32_t)atoi(argv[2]), spines = (uint32_t)atoi(argv[3]);
    int a2a = strncmp(argv[4], "a2a", 3) == 0, vary = strcmp(argv[4], "a2av") == 0;
    uint64_t bytes = strtoull(argv[5], NULL, 10);
    const char *lb = argc > 6 ? argv[6] : "ecmp", *solver = argc > 7 ? argv[7] : "incremental";
    const char *model = argc > 8 ? argv[8] : "flow";
    ns_err e = {0};
    double t0 = now_s();
    ns_fabric *f = leafspine(hpl, leaves, spines, &e);
    if (!f) {
        fprintf(stderr, "fabric: %s\n", e.msg);
        return 1;
    }
    uint32_t nh = hpl * leaves;
    ns_workload *w = ns_wl_new(1);
    if (a2a) {
        ns_rng *r = ns_rng_new(1, NS_RNG_WORKLOAD, 1);
        for (uint32_t a = 1; a <= nh; a++)
            for (uint32_t b = 1; b <= nh; b++)
                if (a != b && ns_wl_transfer(w, a, b, vary ? bytes / 2 + ns_rng_below(r, bytes) : bytes,
                                             NULL, &e) < 0)
                    return fprintf(stderr, "%s\n", e.msg), 1;
        ns_rng_free(r);
    } else if (strcmp(argv[4], "ring") == 0) {
        long *prev = calloc(nh, sizeof *prev), *cur = calloc(nh, sizeof *cur);
        for (uint32_t s = 0; s < 2 * (nh - 1); s++) {
            for (uint32_t h = 0; h < nh; h++) {
                cur[h] = ns_wl_transfer(w, h + 1, (h + 1) % nh + 1, bytes / nh, NULL, &e);
                if (s > 0)
                    ns_wl_after(w, (uint32_t)cur[h], (uint32_t)prev[(h + nh - 1) % nh], &e);
            }
            long *t = prev;
            prev = cur;
            cur = t;
        }
        free(prev);
        free(cur);
    } else {
        /* a random derangement: nobody sends to itself */
        uint32_t *perm = malloc(nh * sizeof *perm);
        ns_rng *r = ns_rng_new(1, NS_RNG_WORKLOAD, 0);
        for (uint32_t i = 0; i < nh; i++)
            perm[i] = i;
        ns_rng_shuffle(r, perm, nh);
        for (uint32_t i = 0; i < nh; i++)
            ns_wl_transfer(w, perm[i] + 1, perm[(i + 1) % nh] + 1, bytes, NULL, &e);
        ns_rng_free(r);
        free(perm);
    }
    long long quantum = argc > 9 ? atoll(argv[9]) : 0;
    ns_time *exact = NULL;
    for (int pass = 0; pass < (quantum > 0 ? 2 : 1); pass++) {
    t0 = now_s();
    ns_run_cfg cfg;
    ns_run_cfg_defaults(&cfg);
    cfg.flow_quantum_ps = pass ? (ns_time)quantum : 0;
    cfg.model = strcmp(model, "packet") == 0 ? NS_MODEL_PACKET : NS_MODEL_FLOW;
    cfg.lb = strcmp(lb, "spray") == 0 ? NS_LB_SPRAY : NS_LB_ECMP;
    cfg.flow_solver = strcmp(solver, "full") == 0 ? 2 : strcmp(solver, "component") == 0 ? 1 : 0;
    ns_sim *sim;
    if (ns_sim_new(f, w, &cfg, &sim, &e)) {
        fprintf(stderr, "sim: %s\n", e.msg);
        return 1;
    }
    double t1 = now_s();
    if (ns_sim_run(sim)) {
        fprintf(stderr, "run: %s\n", ns_sim_errmsg(sim));
        return 1;
    }
    double t2 = now_s();
    ns_time mk = 0;
    for (size_t i = 0; i < w->nops; i++)
        if (sim->op_finish[i] > mk)
            mk = sim->op_finish[i];
    ns_mm_stats st;
    ns_flow_net_stats(sim->net, &st);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("%-6s %-5s %-5s %-11s hosts %6u flows %8zu  build %6.2f s  run %7.2f s  events %9llu  solves %7llu  "
           "flows/solve %9.1f  max %8llu  makespan %10.3f us  peak RSS %6.0f MB\n",
           model, argv[4], lb, solver, nh, sim->nxfers, t1 - t0, t2 - t1,
           (unsigned long long)sim->events, (unsigned long long)st.solves,
           st.solves ? (double)st.flows_solved / (double)st.solves : 0.0, (unsigned long long)st.max_flows_solved,
           (double)mk * 1e-6, (double)ru.ru_maxrss / 1024.0);
    if (quantum > 0 && !pass) {   /* keep the exact completion times */
        exact = malloc(sim->nxfers * sizeof *exact);
        if (!exact)
            return 1;
        for (size_t i = 0; i < sim->nxfers; i++)
            exact[i] = ns_sim_xfer_finish(sim, (uint32_t)i) - ns_sim_xfer_start(sim, (uint32_t)i);
    } else if (quantum > 0) {
        double worst = 0, sum = 0;
        for (size_t i = 0; i < sim->nxfers; i++) {
            double fct = (double)(ns_sim_xfer_finish(sim, (uint32_t)i) - ns_sim_xfer_start(sim, (uint32_t)i));
            double err = (fct - (double)exact[i]) / (double)exact[i];
            worst = fabs(err) > fabs(worst) ? err : worst;
            sum += fabs(err);
        }
        printf("quantum %lld ps: completion times against exact: largest error %+.4f %%, mean |error| %.4f %%\n",
               quantum, 100 * worst, 100 * sum / (double)sim->nxfers);
        free(exact);
    }
    ns_sim_free(sim);
    }
    ns_wl_free(w);
    ns_fabric_free(f);
    return 0;
}
