/*
 * test_op_runs.c - an op's line and parent kept as runs: against a plain
 * array of every op's line and parent, over random pushes and parent
 * ranges; runs merged where neighbours are equal; a failed allocation
 * leaves the runs as they were.
 */
#include <config.h>
#include <string.h>
#include "sim/alloc.h"
#include "sim/lib.h"
#include "sim/op_runs.h"
#include "sim/rng.h"
#include "sim/taskgraph.h"
#include "tests/tap.h"

#define MAXOPS 3000

/* 1 if the runs give every op of [0, nops) the array's line and parent,
 * start at op 0, increase, and no two neighbours are equal */
static int
agrees(const ns_op_runs *rs, const int32_t *line, const int32_t *parent, uint32_t nops)
{
    if (nops == 0)
        return rs->n == 0;
    if (rs->n == 0 || rs->r[0].first != 0)
        return 0;
    for (size_t k = 1; k < rs->n; k++)
        if (rs->r[k].first <= rs->r[k - 1].first || rs->r[k].first >= nops ||
            (rs->r[k].line == rs->r[k - 1].line && rs->r[k].parent == rs->r[k - 1].parent))
            return 0;
    for (uint32_t i = 0; i < nops; i++) {
        const ns_op_run *r = ns_op_runs_find(rs, i);
        if (r->line != line[i] || r->parent != parent[i])
            return 0;
    }
    return 1;
}

int
main(void)
{
    ns_lib_init();
    plan(7);
    static int32_t line[MAXOPS], parent[MAXOPS];
    ns_rng *r = ns_rng_new(3, 1, 0);
    ns_op_runs rs = {0};
    uint32_t nops = 0;
    int same = 1, pushes_ok = 1;
    size_t sets = 0;
    while (nops < MAXOPS) {
        /* a burst of ops from one line (a builder), or ops alternating lines (a loop) */
        uint32_t burst = 1 + (uint32_t)ns_rng_below(r, ns_rng_below(r, 2) ? 200 : 3);
        int32_t l = 1 + (int32_t)ns_rng_below(r, 5);
        uint32_t first = nops;
        for (uint32_t k = 0; k < burst && nops < MAXOPS; k++, nops++) {
            line[nops] = ns_rng_below(r, 4) ? l : l + 1;
            parent[nops] = NS_NO_PARENT;
            pushes_ok &= ns_op_runs_push(&rs, nops, line[nops], parent[nops]) == 0;
        }
        /* a collective over the burst (the usual case), or any range (nested, or reset) */
        uint32_t a = first, b = nops - 1;
        if (ns_rng_below(r, 3) == 0) {
            a = (uint32_t)ns_rng_below(r, nops);
            b = a + (uint32_t)ns_rng_below(r, nops - a + 5);   /* past the end: clamped */
        }
        int32_t p = ns_rng_below(r, 6) ? (int32_t)ns_rng_below(r, 4) : NS_NO_PARENT;
        if (ns_op_runs_set_parent(&rs, a, b, p, nops) != 0)
            pushes_ok = 0;
        for (uint32_t i = a; i <= b && i < nops; i++)
            parent[i] = p;
        sets++;
        same &= agrees(&rs, line, parent, nops);
    }
    ok(pushes_ok, "pushes and parent ranges succeed");
    ok(same, "after each of %zu parent ranges, every op of %u has the line and parent of a plain array", sets,
       nops);
    ok(rs.n < nops / 2, "runs are fewer than ops (%zu runs for %u ops)", rs.n, nops);

    /* one builder's 100,000 ops from one line in one collective: one run */
    ns_op_runs one = {0};
    for (uint32_t i = 0; i < 100000; i++)
        ns_op_runs_push(&one, i, 7, NS_NO_PARENT);
    ns_op_runs_set_parent(&one, 0, 99999, 0, 100000);
    ok(one.n == 1 && ns_op_runs_find(&one, 54321)->line == 7 && ns_op_runs_find(&one, 99999)->parent == 0,
       "100,000 ops of one line in one collective are one run (%zu)", one.n);

    /* a builder undone: its ops' runs go, the runs before stay */
    ns_op_runs_push(&one, 100000, 8, NS_NO_PARENT);
    ns_op_runs_push(&one, 100001, 9, NS_NO_PARENT);
    ns_op_runs_truncate(&one, 100001);
    size_t n2 = one.n;
    ns_op_runs_truncate(&one, 100000);
    ok(n2 == 2 && one.n == 1 && ns_op_runs_find(&one, 99999)->line == 7, "truncated to 100,001 ops: 2 runs; to 100,000: 1");

    /* a failed allocation (room for the split) leaves the runs as they were */
    ns_op_runs_free(&one);
    uint32_t made = 0;
    do {   /* runs of two ops until the array is full: a split must grow it */
        ns_op_runs_push(&one, made, 1 + (int32_t)made / 2, NS_NO_PARENT);
        made++;
    } while (one.n < one.cap || made % 2);
#ifdef NS_FAULT_INJECTION
    size_t nruns = one.n;
    ns_op_run before[4];
    memcpy(before, one.r, sizeof before);
    ns_alloc_fail_after(1);
    int rc = ns_op_runs_set_parent(&one, 5, 5, 2, made);
    ns_alloc_fail_after(0);
    ok(rc == -1 && one.n == nruns && memcmp(before, one.r, sizeof before) == 0,
       "out of memory: -1 and the runs unchanged (%zu runs)", one.n);
#else
    ok(1, "# SKIP allocation failures need --enable-fault-injection");
#endif
    ns_op_runs_free(&one);
    ns_op_runs_free(&rs);
    ns_rng_free(r);
    is_int(ns_alloc_live_blocks(), 0, "nothing leaked");
    return done_testing();
}
