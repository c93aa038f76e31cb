/*
 * test_diloco.c - the C API of workloads/diloco.h: the shape of the graph
 * (compute ops, syncs, /iterations rows), bad specs refused, and every
 * allocation failure ending in a clean NS_ENOMEM, the workload unchanged
 * and nothing leaked.
 */
#include <config.h>
#include <string.h>
#include "sim/alloc.h"
#include "sim/lib.h"
#include "tests/tap.h"
#include "workloads/collectives.h"
#include "workloads/diloco.h"

static const uint32_t hosts[] = {1, 2, 3, 4, 5, 6};
static const ns_time steps[] = {1000, 1500, 1000};

static void
spec_init(ns_diloco_spec *s, int mode)
{
    memset(s, 0, sizeof *s);
    s->hosts = hosts;
    s->nworkers = 3;
    s->hosts_per_worker = 2;
    s->params = 1000;
    s->layers = 4;
    s->bytes_per_param = 2;
    s->step_ps = steps;
    s->mode = mode;
    s->inner_steps = 4;
    s->outer_steps = 2;
    s->buckets = 3;
    s->backward_fraction = 2.0 / 3;
    s->fragments = 2;
    s->overlap = 1;
    s->inner_allreduce = 1;
    s->algorithm = NS_ALG_RING;
    s->straggler = NS_STRAGGLER_LOGNORMAL;
    s->straggler_sigma = 0.1;
}

static size_t
count(const ns_workload *w, int kind)
{
    size_t k = 0;
    for (size_t i = 0; i < w->nops; i++)
        k += w->ops[i].kind == kind;
    return k;
}

/* the workload's /iterations records */
static size_t
niters(const ns_workload *w)
{
    size_t n;
    ns_train_iters(w, &n);
    return n;
}

int
main(void)
{
    ns_lib_init();
    plan(12);
    ns_err e = {0};
    ns_diloco_spec s;
    uint32_t st, done;

    /* streaming: 8 steps x 3 workers x 2 hosts compute ops; fragment syncs after
     * steps 2, 4, 6, 8, each 2 shards; an inner allreduce per worker and step */
    spec_init(&s, NS_TRAIN_STREAMING);
    ns_workload *w = ns_wl_new(1);
    ok(ns_wl_diloco(w, &s, &st, &done, &e) == NS_OK, "streaming builds (%s)", e.msg);
    is_int(count(w, NS_OP_COMPUTE), 8 * 3 * 2, "one compute op per host and step");
    is_int(niters(w), 8 * 3, "one /iterations row per worker and step");
    is_int(w->ncolls, 8 * 3 + 4 * 2, "inner allreduces and sync shards");
    is_int(ns_train_workers(w), 3, "three workers");
    ok(done == w->nops - 1 && st < done, "start and done markers");
    /* a second schedule numbers its workers after the first */
    s.mode = NS_TRAIN_DP;
    ok(ns_wl_diloco(w, &s, &st, &done, &e) == NS_OK && ns_train_workers(w) == 6, "dp appended: workers 4..6");
    is_int(count(w, NS_OP_COMPUTE), 8 * 3 * 2 + 2 * 3 * 2 * 4, "dp: forward + 3 backward ops per host and step");
    ns_wl_free(w);

    /* bad specs */
    w = ns_wl_new(1);
    spec_init(&s, NS_TRAIN_STREAMING);
    s.fragments = 5;
    ok(ns_wl_diloco(w, &s, &st, &done, &e) == NS_EINVAL && strstr(e.msg, "fragments"), "%s", e.msg);
    spec_init(&s, NS_TRAIN_DILOCO);
    static const uint32_t dup[] = {1, 2, 3, 4, 5, 1};
    s.hosts = dup;
    ok(ns_wl_diloco(w, &s, &st, &done, &e) == NS_EINVAL && w->nops == 0, "%s", e.msg);
    ns_wl_free(w);

#ifdef NS_FAULT_INJECTION
    /* fail each allocation in turn */
    size_t live = ns_alloc_live_blocks();
    int clean = 1, n;
    for (n = 1; n < 100000; n++) {
        w = ns_wl_new(1);
        ns_wl_marker(w, NULL, &e);
        spec_init(&s, n % 2 ? NS_TRAIN_STREAMING : NS_TRAIN_DP);
        ns_alloc_fail_after((uint64_t)n);
        int rc = ns_wl_diloco(w, &s, &st, &done, &e);
        ns_alloc_fail_after(0);
        int unchanged = w->nops == 1 && w->ndeps == 0 && w->ncolls == 0 && niters(w) == 0 && ns_train_workers(w) == 0;
        ns_wl_free(w);
        if (rc == NS_ENOMEM && unchanged)
            continue;
        if (rc != NS_OK) {
            diag("failure %d: rc %d (%s)", n, rc, e.msg);
            clean = 0;
        }
        if (n < 200)
            continue;   /* the dp build needs fewer allocations: keep going */
        break;
    }
    ok(clean, "each of the first %d allocations failing gives NS_ENOMEM, the workload unchanged", n);
    is_int(ns_alloc_live_blocks(), live, "nothing leaked");
#else
    ok(1, "# SKIP fault injection not compiled in (configure --enable-fault-injection; make check-fault does)");
    ok(1, "# SKIP fault injection not compiled in (configure --enable-fault-injection; make check-fault does)");
#endif
    return done_testing();
}
