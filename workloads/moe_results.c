/*
 * moe_results.c - what the records of MoE layers become once the run
 * finished (see moe.h): the table /moe_layers, with the times of each
 * layer's alltoalls. Registered as the result kind ns_moe_results
 * (sim/results.h).
 */
#include <config.h>
#include "moe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sim/alloc.h"
#include "sim/units.h"

const ns_moe_layer *
ns_moe_layers(const ns_workload *w, size_t *n)
{
    const ns_result_set *set = ns_results_cfind(&w->results, &ns_moe_results);
    *n = set ? set->nrecs : 0;
    return *n ? set->recs : NULL;
}

void
ns_moe_relabel(ns_workload *w, size_t row, uint32_t layer, int backward)
{
    ns_result_set *set = ns_results_find(&w->results, &ns_moe_results);
    if (!set || row >= set->nrecs)
        return;
    ns_moe_layer *l = ns_result_at(set, row);
    l->layer = layer;
    l->backward = (uint32_t)(backward != 0);
}

typedef struct moe_row {
    uint32_t moe, layer;
    char     pass[10];
    int32_t  dispatch_coll, combine_coll;
    int64_t  dispatch_start_ps, dispatch_finish_ps, dispatch_ps;
    int64_t  combine_start_ps, combine_finish_ps, combine_ps;
    uint64_t tokens_max;
    double   tokens_mean, imbalance, hosts_per_token;
    uint64_t dropped, dispatch_bytes;
} moe_row;

#define ASSIGNMENTS "token-expert assignments"

static const ns_result_col moe_cols[] = {
    NS_RESULT_COL(moe_row, moe, NS_COL_U32, NULL), NS_RESULT_COL(moe_row, layer, NS_COL_U32, NULL),
    NS_RESULT_SCOL(moe_row, pass, NULL),
    NS_RESULT_COL(moe_row, dispatch_coll, NS_COL_I32, NULL), NS_RESULT_COL(moe_row, combine_coll, NS_COL_I32, NULL),
    NS_RESULT_COL(moe_row, dispatch_start_ps, NS_COL_I64, "ps"),
    NS_RESULT_COL(moe_row, dispatch_finish_ps, NS_COL_I64, "ps"),
    NS_RESULT_COL(moe_row, dispatch_ps, NS_COL_I64, "ps"),
    NS_RESULT_COL(moe_row, combine_start_ps, NS_COL_I64, "ps"),
    NS_RESULT_COL(moe_row, combine_finish_ps, NS_COL_I64, "ps"),
    NS_RESULT_COL(moe_row, combine_ps, NS_COL_I64, "ps"),
    NS_RESULT_COL(moe_row, tokens_max, NS_COL_U64, ASSIGNMENTS),
    NS_RESULT_COL(moe_row, tokens_mean, NS_COL_F64, ASSIGNMENTS),
    NS_RESULT_COL(moe_row, imbalance, NS_COL_F64, NULL), NS_RESULT_COL(moe_row, hosts_per_token, NS_COL_F64, "hosts"),
    NS_RESULT_COL(moe_row, dropped, NS_COL_U64, ASSIGNMENTS), NS_RESULT_COL(moe_row, dispatch_bytes, NS_COL_U64, "B"),
};

static size_t
moe_nrows(const ns_result_run *r)
{
    return r->set->nrecs;
}

/* time from start to finish, -1 unless both happened */
static int64_t
span(int64_t start, int64_t finish)
{
    return start >= 0 && finish >= 0 ? finish - start : -1;
}

static void
fill_moe(const ns_result_run *r, size_t first, size_t n, void *rowsp)
{
    moe_row *rows = rowsp;
    for (size_t i = 0; i < n; i++) {
        const ns_moe_layer *m = ns_result_at(r->set, first + i);
        moe_row *w = &rows[i];
        w->moe = m->moe;
        w->layer = m->layer;
        strcpy(w->pass, m->backward ? "backward" : "forward");
        w->dispatch_coll = m->dispatch_coll;
        w->combine_coll = m->combine_coll;
        w->dispatch_start_ps = r->op_start[m->dispatch_start];
        w->dispatch_finish_ps = r->op_finish[m->dispatch_done];
        w->dispatch_ps = span(w->dispatch_start_ps, w->dispatch_finish_ps);
        w->combine_start_ps = r->op_start[m->combine_start];
        w->combine_finish_ps = r->op_finish[m->combine_done];
        w->combine_ps = span(w->combine_start_ps, w->combine_finish_ps);
        w->tokens_max = m->tokens_max;
        w->tokens_mean = m->tokens_mean;
        w->imbalance = m->tokens_mean > 0 ? (double)m->tokens_max / m->tokens_mean : 0;
        w->hosts_per_token = m->hosts_per_token;
        w->dropped = m->dropped;
        w->dispatch_bytes = m->dispatch_bytes;
    }
}

static const ns_result_table tables[] = {
    { "moe_layers", moe_cols, sizeof moe_cols / sizeof moe_cols[0], sizeof(moe_row), moe_nrows, fill_moe },
};

/* --- the summary: one line for the MoE layers ------------------------------- */

enum { NUM_PASSES, NUM_DISPATCH_P50, NUM_DISPATCH_MAX, NUM_COMBINE_P50, NUM_COMBINE_MAX, NUM_IMBALANCE_MAX,
       NUM_DROPPED };

static const ns_result_num nums[] = {
    [NUM_PASSES] = { "moe_passes", 1 },                 /* layer passes (forward and backward) */
    [NUM_DISPATCH_P50] = { "moe_dispatch_p50", 0 },     /* s, over the passes whose dispatch finished */
    [NUM_DISPATCH_MAX] = { "moe_dispatch_max", 0 },
    [NUM_COMBINE_P50] = { "moe_combine_p50", 0 },
    [NUM_COMBINE_MAX] = { "moe_combine_max", 0 },
    [NUM_IMBALANCE_MAX] = { "moe_imbalance_max", 0 },   /* busiest host's assignments / mean, worst pass */
    [NUM_DROPPED] = { "moe_dropped", 1 },               /* assignments over capacity, all passes */
};

static int
cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* the median and the largest of the n times (ps) in t, in seconds; sorts t */
static void
p50_max(int64_t *t, size_t n, ns_result_value *p50, ns_result_value *max)
{
    if (!n)
        return;
    qsort(t, n, sizeof *t, cmp_i64);
    p50->f = ns_time_to_s(t[(n - 1) / 2]);
    max->f = ns_time_to_s(t[n - 1]);
}

static int
summarize(const ns_result_run *r, ns_result_summary *s)
{
    size_t n = r->set->nrecs;
    if (!n)
        return 0;
    int64_t *disp = ns_alloc(n * sizeof *disp), *comb = ns_alloc(n * sizeof *comb);
    if (!disp || !comb) {
        ns_free(disp);
        ns_free(comb);
        return -1;
    }
    size_t nd = 0, nc = 0;
    uint64_t dropped = 0;
    double worst = 0;
    for (size_t i = 0; i < n; i++) {
        const ns_moe_layer *m = ns_result_at(r->set, i);
        int64_t d = span(r->op_start[m->dispatch_start], r->op_finish[m->dispatch_done]);
        int64_t c = span(r->op_start[m->combine_start], r->op_finish[m->combine_done]);
        if (d >= 0)
            disp[nd++] = d;
        if (c >= 0)
            comb[nc++] = c;
        dropped += m->dropped;
        double imb = m->tokens_mean > 0 ? (double)m->tokens_max / m->tokens_mean : 0;
        if (imb > worst)
            worst = imb;
    }
    s->v[NUM_PASSES].u = n;
    p50_max(disp, nd, &s->v[NUM_DISPATCH_P50], &s->v[NUM_DISPATCH_MAX]);
    p50_max(comb, nc, &s->v[NUM_COMBINE_P50], &s->v[NUM_COMBINE_MAX]);
    s->v[NUM_IMBALANCE_MAX].f = worst;
    s->v[NUM_DROPPED].u = dropped;
    ns_free(disp);
    ns_free(comb);
    return 0;
}

static void
print(const ns_result_value *v, double compute_utilization, FILE *out)
{
    (void)compute_utilization;
    if (!v[NUM_PASSES].u)
        return;
    char a[32], b[32], c[32], d[32];
    ns_format_time((ns_time)(v[NUM_DISPATCH_P50].f * 1e12 + 0.5), a, sizeof a);
    ns_format_time((ns_time)(v[NUM_DISPATCH_MAX].f * 1e12 + 0.5), b, sizeof b);
    ns_format_time((ns_time)(v[NUM_COMBINE_P50].f * 1e12 + 0.5), c, sizeof c);
    ns_format_time((ns_time)(v[NUM_COMBINE_MAX].f * 1e12 + 0.5), d, sizeof d);
    fprintf(out, "moe           %llu layer passes: dispatch p50 %s, max %s; combine p50 %s, max %s; busiest "
            "host %.3fx the mean load (worst pass); %llu assignments dropped\n",
            (unsigned long long)v[NUM_PASSES].u, a, b, c, d, v[NUM_IMBALANCE_MAX].f,
            (unsigned long long)v[NUM_DROPPED].u);
}

const ns_result_kind ns_moe_results = {
    .name = "moe",
    .rec_size = sizeof(ns_moe_layer),
    .tables = tables,
    .ntables = sizeof tables / sizeof tables[0],
    .nums = nums,
    .nnums = sizeof nums / sizeof nums[0],
    .summarize = summarize,
    .print = print,
};
