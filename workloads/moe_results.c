/*
 * moe_results.c - what the records of MoE layers become once the run
 * finished (see moe.h): the table /moe_layers, with the times of each
 * layer's alltoalls. Registered as the result kind ns_moe_results
 * (sim/results.h).
 */
#include <config.h>
#include "moe.h"

#include <string.h>

const ns_moe_layer *
ns_moe_layers(const ns_workload *w, size_t *n)
{
    const ns_result_set *set = ns_results_cfind(&w->results, &ns_moe_results);
    *n = set ? set->nrecs : 0;
    return *n ? set->recs : NULL;
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

const ns_result_kind ns_moe_results = {
    .name = "moe",
    .rec_size = sizeof(ns_moe_layer),
    .tables = tables,
    .ntables = sizeof tables / sizeof tables[0],
};
