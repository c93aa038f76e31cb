/*
 * test_collectives.c - the C API of workloads/collectives.h: the shape of
 * the graphs (transfers, bytes per rank, the record), errors that leave
 * the workload unchanged, and every allocation failure ending in a clean
 * NS_ENOMEM with nothing leaked.
 */
#include <config.h>
#include <string.h>
#include "sim/alloc.h"
#include "sim/lib.h"
#include "sim/sim.h"
#include "tests/tap.h"
#include "topologies/topo.h"
#include "workloads/collectives.h"

static size_t
count_kind(const ns_workload *w, int kind)
{
    size_t k = 0;
    for (size_t i = 0; i < w->nops; i++)
        k += w->ops[i].kind == kind;
    return k;
}

static uint64_t
sum_bytes(const ns_workload *w)
{
    uint64_t b = 0;
    for (size_t i = 0; i < w->nops; i++)
        b += w->ops[i].kind == NS_OP_TRANSFER ? w->ops[i].bytes : 0;
    return b;
}

/* build a few collectives; returns the first error, and whether the call
 * that failed left the workload as it found it */
static int
build_all(ns_workload *w, ns_err *e, int *unchanged)
{
    static const uint32_t h7[] = {1, 2, 3, 4, 5, 6, 7};
    uint64_t m[7 * 7];
    ns_coll_ops o;
    for (int i = 0; i < 49; i++)
        m[i] = (uint64_t)(i * 37 % 11) * 100;
    *unchanged = 1;
    for (int k = 0; k < 5; k++) {
        size_t nops = w->nops, ndeps = w->ndeps, ncolls = w->ncolls, nch = w->ncoll_hosts;
        int rc;
        switch (k) {
        case 0: rc = ns_wl_allreduce(w, h7, 7, 70000, NS_ALG_HALVING_DOUBLING, 2, "hd", &o, e); break;
        case 1: rc = ns_wl_allreduce(w, h7, 6, 60000, NS_ALG_DIRECT, 1, NULL, &o, e); break;
        case 2: rc = ns_wl_reducescatter(w, h7, 5, 50000, NS_ALG_RING, 3, NULL, &o, e); break;
        case 3: rc = ns_wl_alltoallv(w, h7, 7, m, NS_ALG_PAIRWISE, NULL, &o, e); break;
        default: rc = ns_wl_permutation(w, h7, 7, 1000, NULL, &o, e); break;
        }
        if (rc) {
            *unchanged = w->nops == nops && w->ndeps == ndeps && w->ncolls == ncolls && w->ncoll_hosts == nch;
            return rc;
        }
    }
    return NS_OK;
}

int
main(void)
{
    ns_lib_init();
    plan(17);
    ns_err e = {0};
    static const uint32_t h4[] = {5, 6, 7, 8}, dup[] = {1, 2, 1};
    ns_coll_ops o;

    /* ring allreduce over 4 ranks: 2(p-1) steps of p transfers of B/p */
    ns_workload *w = ns_wl_new(1);
    int rc = ns_wl_allreduce(w, h4, 4, 4000, NS_ALG_RING, 1, NULL, &o, &e);
    ok(rc == NS_OK, "ring allreduce builds");
    is_int(count_kind(w, NS_OP_TRANSFER), 2 * 3 * 4, "2(p-1)p transfers");
    is_int(sum_bytes(w), 2 * 3 * 4000, "2(p-1)B bytes");
    is_int(w->ncolls, 1, "one record");
    is_int((int64_t)w->colls[0].nic_bytes, 2 * 3 * 1000, "nic_bytes = 2(p-1)/p B");
    ok(w->colls[0].first_op == o.start_op && w->colls[0].last_op == o.done_op &&
       o.done_op == w->nops - 1, "the record spans start .. done");
    int parents = 1;
    for (size_t i = 0; i < w->nops; i++)
        parents &= ns_wl_op_parent(w, (uint32_t)i) == 0;
    ok(parents, "every op's parent is the record");
    uint32_t *order = ns_alloc(w->nops * sizeof *order);
    ok(ns_wl_check(w, order, &e) == NS_OK, "no cycle");
    ns_free(order);

    /* errors leave the workload as it was */
    size_t nops = w->nops, ndeps = w->ndeps;
    rc = ns_wl_allreduce(w, dup, 3, 10, NS_ALG_RING, 1, NULL, &o, &e);
    ok(rc == NS_EINVAL && strstr(e.msg, "host 1 appears more than once"), "duplicate hosts: %s", e.msg);
    rc = ns_wl_allgather(w, h4, 4, 10, NS_ALG_PAIRWISE, 1, NULL, &o, &e);
    ok(rc == NS_EINVAL && strstr(e.msg, "algorithm"), "pairwise allgather refused: %s", e.msg);
    rc = ns_wl_allreduce(w, h4, 4, 10, NS_ALG_RING, 1, "a label much longer than thirty-one bytes", &o, &e);
    ok(rc == NS_EINVAL, "a long label is refused: %s", e.msg);
    ok(w->nops == nops && w->ndeps == ndeps && w->ncolls == 1, "failed calls added nothing");
    ns_wl_free(w);

    /* the graphs run to completion on a star; the done markers finish last */
    ns_star_spec ss;
    ns_fabric_common_defaults(&ss.common);
    ss.hosts = 7;
    ss.link.rate_bps = 100000000000ull;
    ss.link.latency_ps = 1000;
    ns_fabric *star;
    ns_topo_star(&ss, &star, &e);
    int unchanged;
    ns_err_clear(&e);
    w = ns_wl_new(1);
    rc = build_all(w, &e, &unchanged);
    ns_run_cfg cfg;
    ns_run_cfg_defaults(&cfg);
    ns_sim *sim = NULL;
    if (rc == NS_OK)
        rc = ns_sim_new(star, w, &cfg, &sim, &e);
    if (rc == NS_OK)
        rc = ns_sim_run(sim);
    ok(rc == NS_OK && sim->ops_done == w->nops, "five collectives run to completion (%s)", e.msg);
    int last = 1;
    for (size_t c = 0; sim && c < w->ncolls; c++)
        for (uint32_t k = w->colls[c].first_op; k <= w->colls[c].last_op; k++)
            last &= sim->op_finish[k] <= sim->op_finish[w->colls[c].last_op];
    ok(last, "no op of a collective finishes after its done marker");
    ns_sim_free(sim);
    ns_wl_free(w);
    ns_fabric_free(star);

#ifdef NS_FAULT_INJECTION
    /* fail each allocation in turn: NS_ENOMEM, the workload unchanged, no leak */
    size_t live = ns_alloc_live_blocks();
    int clean = 1, n;
    for (n = 1; n < 100000; n++) {
        w = ns_wl_new(1);
        ns_alloc_fail_after((uint64_t)n);
        rc = build_all(w, &e, &unchanged);
        ns_alloc_fail_after(0);
        ns_wl_free(w);
        if (rc == NS_ENOMEM && unchanged)
            continue;
        if (rc != NS_OK) {
            diag("failure %d: rc %d (%s)", n, rc, e.msg);
            clean = 0;
        }
        break;
    }
    ok(clean, "each of the first %d allocations failing gives NS_ENOMEM or success", n);
    ok(n > 20, "the builders allocate (%d allocations until success)", n);
    is_int(ns_alloc_live_blocks(), live, "nothing leaked");
#else
    ok(1, "# SKIP fault injection not compiled in (configure --enable-fault-injection; make check-fault does)");
    ok(1, "# SKIP fault injection not compiled in (configure --enable-fault-injection; make check-fault does)");
    ok(1, "# SKIP fault injection not compiled in (configure --enable-fault-injection; make check-fault does)");
#endif
    return done_testing();
}
