/* test_results.c - the registry of workload result tables (sim/results.h):
 * kinds are registered once, records append and roll back with their state,
 * the memory count is capacity x record size, and a run hands the kind its
 * records and the ops' times for fill() and summarize() */
#include <config.h>
#include <string.h>
#include "sim/alloc.h"
#include "sim/results.h"
#include "tests/tap.h"

typedef struct rec { uint32_t op; double weight; } rec;
typedef struct row { uint32_t op; int64_t took_ps; double weight; } row;

static const ns_result_col cols[] = {
    NS_RESULT_COL(row, op, NS_COL_U32, NULL),
    NS_RESULT_COL(row, took_ps, NS_COL_I64, "ps"),
    NS_RESULT_COL(row, weight, NS_COL_F64, NULL),
};

static size_t
nrows(const ns_result_run *r)
{
    return r->set->nrecs;
}

/* a row per record: the op's duration, from the run's op times */
static void
fill(const ns_result_run *r, size_t first, size_t n, void *rowsp)
{
    row *rows = rowsp;
    for (size_t i = 0; i < n; i++) {
        const rec *x = ns_result_at(r->set, first + i);
        rows[i].op = x->op;
        rows[i].took_ps = r->op_finish[x->op] - r->op_start[x->op];
        rows[i].weight = x->weight;
    }
}

static const ns_result_table tables[] = {
    {"toy", cols, sizeof cols / sizeof cols[0], sizeof(row), nrows, fill},
};
static const ns_result_num nums[] = {{"toy_records", 1}, {"toy_weight", 0}};

/* the number of records and their total weight; the utilization halved */
static int
summarize(const ns_result_run *r, ns_result_summary *s)
{
    s->v[0].u = r->set->nrecs;
    for (size_t i = 0; i < r->set->nrecs; i++)
        s->v[1].f += ((const rec *)ns_result_at(r->set, i))->weight;
    s->compute_utilization /= 2;
    s->owns_utilization = 1;
    return 0;
}

static const ns_result_kind toy = {
    "toy", sizeof(rec), sizeof(uint64_t), tables, 1, NULL, NULL, nums, 2, summarize, NULL,
};
static const ns_result_kind other = {
    "other", sizeof(uint64_t), 0, NULL, 0, NULL, NULL, NULL, 0, NULL, NULL,
};

int
main(void)
{
    plan(14);
    size_t live = ns_alloc_live_blocks();
    ns_results res;
    memset(&res, 0, sizeof res);
    ns_err e;
    ok(ns_results_find(&res, &toy) == NULL, "a kind never registered has no set");
    ns_result_set *s = ns_results_use(&res, &toy);
    ok(s && s->kind == &toy && s->nrecs == 0 && res.n == 1, "use registers an empty set");
    ok(ns_results_use(&res, &toy) == s && res.n == 1, "a second use finds the same set");
    ok(ns_results_use(&res, &other) == &res.set[1] && res.n == 2, "another kind gets its own set, in order");

    for (uint32_t i = 0; i < 3; i++) {
        rec x = {i, 0.5 * (i + 1)};
        ns_result_append(s, &x, &e);
    }
    *(uint64_t *)s->state.bytes = 7;
    ns_results_mark m;
    ns_results_mark_take(&res, &m);
    rec y = {3, 100};
    is_int(ns_result_append(s, &y, &e), 3, "append returns the record's index");
    *(uint64_t *)s->state.bytes = 99;
    uint64_t other_rec = 5;
    ns_result_append(&res.set[1], &other_rec, &e);
    is_int((long)ns_results_bytes(&res), (long)(s->cap * sizeof(rec) + res.set[1].cap * sizeof(uint64_t)),
           "bytes = capacity x record size, summed over the sets");
    ns_results_rollback(&res, &m);
    ok(s->nrecs == 3 && *(uint64_t *)s->state.bytes == 7, "rollback restores the records and the state of the mark");
    ok(res.set[1].nrecs == 0, "records another set got after the mark are dropped too");

    /* a run: op i started at i us and took (i + 1) us */
    ns_time start[4] = {0, 1000000, 2000000, 3000000};
    ns_time finish[4] = {1000000, 3000000, 5000000, 7000000};
    ns_result_run run;
    is_int(ns_result_run_open(&run, NULL, s, start, finish), 0, "open a run of the toy kind");
    row rows[3];
    memset(rows, 0, sizeof rows);
    is_int((long)toy.tables[0].nrows(&run), 3, "one row per record");
    toy.tables[0].fill(&run, 1, 2, rows);
    ok(rows[0].op == 1 && rows[0].took_ps == 2000000 && rows[1].op == 2 && rows[1].took_ps == 3000000 &&
       rows[1].weight == 1.5, "fill from a given row: op, duration from the op times, weight");
    ns_result_value v[2];
    memset(v, 0, sizeof v);
    ns_result_summary sum = {v, 0.8, 0};
    toy.summarize(&run, &sum);
    ok(v[0].u == 3 && v[1].f == 0.5 + 1.0 + 1.5, "summary numbers: 3 records, weight 3");
    ok(sum.owns_utilization && sum.compute_utilization == 0.4, "a kind may take over the utilization");
    ns_result_run_close(&run);
    ns_results_free(&res);
    is_int((long)(ns_alloc_live_blocks() - live), 0, "nothing left allocated");
    return done_testing();
}
