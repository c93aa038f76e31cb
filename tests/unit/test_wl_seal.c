/*
 * test_wl_seal.c - a sealed workload (ns_wl_seal) keeps its dependencies as
 * successor lists only: the same lists, the same run to the picosecond, 8
 * bytes less a dependency, runs of consecutive successors as ranges; a
 * change unseals it, a cycle keeps it unsealed.
 */
#include <config.h>
#include <stdlib.h>
#include <string.h>
#include "sim/alloc.h"
#include "sim/estimate.h"
#include "sim/jobs.h"
#include "sim/lib.h"
#include "sim/rng.h"
#include "sim/sim.h"
#include "tests/tap.h"
#include "topologies/topo.h"

#define NOPS 400

/* a random task graph on hosts 1 and 2: computes, transfers both ways and
 * markers, each after up to three earlier ops, the dependencies declared in
 * a shuffled order (so that the pairs are not grouped as the lists are) */
static ns_workload *
random_dag(uint64_t seed)
{
    ns_err e = {0};
    ns_rng *r = ns_rng_new(seed, 0, 0);
    ns_workload *w = ns_wl_new(seed);
    uint32_t *op = malloc(3 * NOPS * sizeof *op), *on = malloc(3 * NOPS * sizeof *on);
    uint32_t *perm = malloc(3 * NOPS * sizeof *perm);
    size_t nd = 0;
    for (uint32_t i = 0; i < NOPS; i++) {
        uint32_t kind = (uint32_t)ns_rng_below(r, 3), h = 1 + (uint32_t)ns_rng_below(r, 2);
        if (kind == 0)
            ns_wl_compute(w, h, (ns_time)(1 + ns_rng_below(r, 1000)) * NS_PS_PER_US, "c", &e);
        else if (kind == 1)
            ns_wl_transfer(w, h, 3 - h, 1000 + ns_rng_below(r, 100000), "x", &e);
        else
            ns_wl_marker(w, "m", &e);
        for (uint32_t k = 0; i > 0 && k < ns_rng_below(r, 4); k++) {
            op[nd] = i;
            on[nd++] = (uint32_t)ns_rng_below(r, i);
        }
    }
    for (size_t k = 0; k < nd; k++)
        perm[k] = (uint32_t)k;
    ns_rng_shuffle(r, perm, nd);
    for (size_t k = 0; k < nd; k++)
        ns_wl_after(w, op[perm[k]], on[perm[k]], &e);
    free(op);
    free(on);
    free(perm);
    ns_rng_free(r);
    return w;
}

typedef struct lists {
    uint32_t *start, *adj;
} lists;

static lists
adjacency(const ns_workload *w, int preds)
{
    lists l = { malloc((w->nops + 1) * sizeof *l.start), malloc((w->ndeps + 1) * sizeof *l.adj) };
    ns_wl_adjacency(w, preds, l.start, l.adj);
    return l;
}

static int
cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* the same lists, op by op; in the same order, or (sorted) as sets */
static int
same_lists(lists a, lists b, size_t n, int as_sets)
{
    if (memcmp(a.start, b.start, (n + 1) * sizeof *a.start))
        return 0;
    if (as_sets)
        for (size_t v = 0; v < n; v++) {
            qsort(a.adj + a.start[v], a.start[v + 1] - a.start[v], sizeof *a.adj, cmp_u32);
            qsort(b.adj + b.start[v], b.start[v + 1] - b.start[v], sizeof *b.adj, cmp_u32);
        }
    return memcmp(a.adj, b.adj, a.start[n] * sizeof *a.adj) == 0;
}

static void
free_lists(lists l)
{
    free(l.start);
    free(l.adj);
}

/* run w on f: every op's start and finish, 2 * nops times */
static ns_time *
run(const ns_fabric *f, const ns_workload *w, int *borrowed)
{
    ns_err e = {0};
    ns_run_cfg cfg;
    ns_run_cfg_defaults(&cfg);
    ns_sim *sim = NULL;
    ns_time *t = calloc(2 * w->nops, sizeof *t);
    if (ns_sim_new(f, w, &cfg, &sim, &e) == NS_OK && ns_sim_run(sim) == NS_OK) {
        memcpy(t, sim->op_start, w->nops * sizeof *t);
        memcpy(t + w->nops, sim->op_finish, w->nops * sizeof *t);
        *borrowed = sim->succ == w->succ && sim->succ != NULL;
    }
    ns_sim_free(sim);
    return t;
}

/* runs of consecutive successors kept as ranges (taskgraph.h,
 * NS_SUCC_RANGE): a start marker (op 0) that 60 transfers (ops 1 to 60)
 * and then a compute wait for, a done marker (op 61) after every transfer,
 * then computes (ops 62 to 66), three in a row after one transfer and two
 * after another. Sealed, the lists read back as they were and the run is
 * the same; and a marker that 300,000 delays wait for keeps two entries,
 * in a block of their size */
static void
ranges_kept(const ns_fabric *f)
{
    ns_err e = {0};
    ns_workload *w = ns_wl_new(3);
    uint32_t m = (uint32_t)ns_wl_marker(w, "start", &e), t[60];
    for (uint32_t i = 0; i < 60; i++) {
        t[i] = (uint32_t)ns_wl_transfer(w, 1 + i % 2, 2 - i % 2, 1000 + 100 * i, "x", &e);
        ns_wl_after(w, t[i], m, &e);
    }
    uint32_t done = (uint32_t)ns_wl_marker(w, "done", &e), c[5];
    for (uint32_t i = 0; i < 60; i++)
        ns_wl_after(w, done, t[i], &e);
    for (int i = 0; i < 5; i++)
        c[i] = (uint32_t)ns_wl_compute(w, 1 + i % 2, NS_PS_PER_US, "c", &e);
    ns_wl_after(w, c[0], m, &e);               /* m: ops 1 to 60, then 62: a range and one */
    for (int i = 1; i < 4; i++)
        ns_wl_after(w, c[i], t[7], &e);        /* t[7]: 61, then 63, 64, 65: one and a range */
    ns_wl_after(w, c[3], t[9], &e);            /* t[9]: 61, then 65, 66: three, two in a row kept */
    ns_wl_after(w, c[4], t[9], &e);
    size_t ndeps = w->ndeps;
    lists s0 = adjacency(w, 0), p0 = adjacency(w, 1);
    int borrowed = 0;
    ns_time *t0 = run(f, w, &borrowed);
    int rc = ns_wl_seal(w, &e);   /* (before the checks read the lists) */
    ok(rc == NS_OK && w->succ_start[m + 1] - w->succ_start[m] == 3 && w->succ_start[t[7] + 1] - w->succ_start[t[7]] == 3 &&
       w->succ_start[t[9] + 1] - w->succ_start[t[9]] == 3 && w->succ_start[w->nops] == 3 + 3 + 3 + 58,
       "sealed: the start marker's 61 successors in 3 entries, 4 with 3 in a row in 3, 3 with 2 in a row in 3 "
       "(%u entries for %zu dependencies)", w->succ_start[w->nops], ndeps);
    lists s1 = adjacency(w, 0), p1 = adjacency(w, 1);
    ok(same_lists(s0, s1, w->nops, 0) && same_lists(p0, p1, w->nops, 1),
       "every op's successors read back in the order declared, and its predecessors");
    free_lists(s1);
    free_lists(p1);
    ns_time *t1 = run(f, w, &borrowed);
    ok(borrowed && memcmp(t0, t1, 2 * w->nops * sizeof *t0) == 0,
       "a run of the ranges starts and finishes every op at the same picosecond");
    free(t1);
    long z = ns_wl_delay(w, NS_PS_PER_US, "z", &e);
    lists s2 = adjacency(w, 0);
    ok(z > 0 && !ns_wl_sealed(w) && w->ndeps == ndeps && memcmp(s2.start, s0.start, (w->nops - 1) * sizeof *s0.start) == 0 &&
       memcmp(s2.adj, s0.adj, ndeps * sizeof *s0.adj) == 0, "unsealed, its pairs come back whole");
    free_lists(s2);
    free(t0);
    free_lists(s0);
    free_lists(p0);
    ns_wl_free(w);

    w = ns_wl_new(4);
    m = (uint32_t)ns_wl_marker(w, "start", &e);
    for (uint32_t i = 0; i < 300000; i++)
        ns_wl_after(w, (uint32_t)ns_wl_delay(w, NS_PS_PER_US, "d", &e), m, &e);
    size_t live0 = ns_alloc_live_bytes(), cap = w->deps_cap;
    rc = ns_wl_seal(w, &e);
    size_t live1 = ns_alloc_live_bytes();
    ok(rc == NS_OK && w->succ_start[w->nops] == 2 && live1 == live0 - 8 * cap + 4 * (w->nops + 1) + 4 * 2,
       "300,000 successors in a row: 2 entries, in 8 bytes (%zu bytes live before sealing, %zu after)", live0, live1);
    ns_wl_free(w);
}

int
main(void)
{
    ns_lib_init();
    plan(26);
    ns_err e = {0};
    ns_pair_spec ps;
    ns_fabric_common_defaults(&ps.common);
    ps.link.rate_bps = 100000000000ull;
    ps.link.latency_ps = 1000000;
    ns_fabric *f;
    ns_topo_pair(&ps, &f, &e);

    ns_workload *w = random_dag(7);
    size_t ndeps = w->ndeps, cap = w->deps_cap;
    diag("%zu ops, %zu dependencies", w->nops, ndeps);
    lists succ0 = adjacency(w, 0), pred0 = adjacency(w, 1);
    uint64_t mem0 = ns_mem_workload(w, f->nhosts);
    int borrowed = 0;
    ns_time *t0 = run(f, w, &borrowed);
    ok(!ns_wl_sealed(w) && !borrowed, "a workload as built is not sealed; its run makes its own lists");

    ok(ns_wl_seal(w, &e) == NS_OK && ns_wl_sealed(w), "it seals");
    ok(w->dep_op == NULL && w->dep_on == NULL && w->deps_cap == 0 && w->ndeps == ndeps,
       "its pairs are gone, its %zu dependencies are not", ndeps);
    is_int(mem0 - ns_mem_workload(w, f->nhosts), 8 * cap, "the estimate drops 8 bytes a dependency room");
    lists succ1 = adjacency(w, 0), pred1 = adjacency(w, 1);
    ok(same_lists(succ0, succ1, w->nops, 0), "every op's successors, in the order declared");
    ok(same_lists(pred0, pred1, w->nops, 1), "every op's predecessors");
    free_lists(succ1);
    free_lists(pred1);
    ns_time *t1 = run(f, w, &borrowed);
    ok(borrowed, "a run borrows the sealed lists");
    ok(memcmp(t0, t1, 2 * w->nops * sizeof *t0) == 0, "and starts and finishes every op at the same picosecond");
    free(t1);
    t1 = run(f, w, &borrowed);
    ok(memcmp(t0, t1, 2 * w->nops * sizeof *t0) == 0 && ns_wl_sealed(w), "so does a second run");
    free(t1);
    ok(ns_wl_seal(w, &e) == NS_OK && ns_wl_sealed(w), "sealing again changes nothing");

    /* a merge of jobs reads a sealed source's lists */
    ns_workload *plain = random_dag(7), *m1 = NULL, *m2 = NULL;
    const ns_workload *a[1] = { w }, *b[1] = { plain };
    int rc1 = ns_jobs_merge(a, 1, &m1, NULL, &e), rc2 = ns_jobs_merge(b, 1, &m2, NULL, &e);
    ok(rc1 == NS_OK && rc2 == NS_OK && m1->ndeps == m2->ndeps, "jobs merge a sealed workload (%zu dependencies)",
       m1 ? m1->ndeps : 0);
    lists ms1 = adjacency(m1, 0), ms2 = adjacency(m2, 0);
    ok(same_lists(ms1, ms2, m1->nops, 0), "into the same graph as the unsealed one");
    free_lists(ms1);
    free_lists(ms2);
    ns_wl_free(m1);
    ns_wl_free(m2);
    ns_wl_free(plain);

    /* a change unseals: one more op after the last */
    long z = ns_wl_delay(w, NS_PS_PER_MS, "z", &e);
    ok(z == NOPS && !ns_wl_sealed(w) && w->dep_op && w->ndeps == ndeps, "a new op unseals it, its pairs back");
    ok(ns_wl_after(w, (uint32_t)z, NOPS - 1, &e) == NS_OK && w->ndeps == ndeps + 1, "and takes a dependency");
    lists succ2 = adjacency(w, 0);
    int kept = memcmp(succ2.adj, succ0.adj, sizeof *succ0.adj * succ0.start[NOPS - 1]) == 0;
    ok(kept && succ2.start[NOPS] - succ2.start[NOPS - 1] == succ0.start[NOPS] - succ0.start[NOPS - 1] + 1 &&
       succ2.adj[succ2.start[NOPS] - 1] == (uint32_t)z, "the old lists kept, the new successor last");
    free_lists(succ2);
    ns_time *t2 = run(f, w, &borrowed);
    ok(memcmp(t0, t2, NOPS * sizeof *t0) == 0 && t2[w->nops + NOPS] == t2[w->nops + NOPS - 1] + NS_PS_PER_MS,
       "the old ops run as before, the new timer after its op, for 1 ms");
    free(t2);
    free(t0);
    free_lists(succ0);
    free_lists(pred0);
    ns_wl_free(w);

    /* a cycle: not sealed, and named as the run names it */
    w = ns_wl_new(1);
    long u = ns_wl_compute(w, 1, NS_PS_PER_MS, "u", &e);
    long v = ns_wl_compute(w, 1, NS_PS_PER_MS, "v", &e);
    ns_wl_after(w, (uint32_t)v, (uint32_t)u, &e);
    ns_wl_after(w, (uint32_t)u, (uint32_t)v, &e);
    ns_err ec = {0}, es = {0};
    uint32_t order[2];
    ns_wl_check(w, order, &ec);
    ok(ns_wl_seal(w, &es) == NS_EINVAL && !ns_wl_sealed(w) && w->dep_op, "a cyclic workload is not sealed");
    ok(strcmp(es.msg, ec.msg) == 0 && strstr(es.msg, "cycle"), "the cycle named as the checks name it: %s", es.msg);
    ns_wl_free(w);

#ifdef NS_FAULT_INJECTION
    w = random_dag(11);
    ndeps = w->ndeps;
    ns_alloc_fail_after(2);
    int rc = ns_wl_seal(w, &e);
    ns_alloc_fail_after(0);
    ok(rc == NS_ENOMEM && !ns_wl_sealed(w) && w->dep_op && w->ndeps == ndeps, "out of memory: not sealed, nothing lost");
    ns_wl_seal(w, &e);
    ns_alloc_fail_after(1);
    rc = ns_wl_after(w, NOPS - 1, 0, &e);
    ns_alloc_fail_after(0);
    ok(rc == NS_ENOMEM && ns_wl_sealed(w) && w->ndeps == ndeps && w->succ_start[w->nops] <= ndeps &&
       (w->succ[w->succ_start[w->nops] - 1] & ~NS_SUCC_RANGE) <= NOPS,
       "a change that cannot unseal it fails, and it stays sealed");
    ns_wl_free(w);
#else
    ok(1, "# SKIP allocation failures need --enable-fault-injection");
    ok(1, "# SKIP allocation failures need --enable-fault-injection");
#endif

    ranges_kept(f);
    ns_fabric_free(f);
    is_int(ns_alloc_live_blocks(), 0, "nothing leaked");
    return done_testing();
}
