/*
 * diloco_results.c - what the records of training schedules become once
 * the run finished (see diloco.h): the tables /iterations and /workers, and
 * the summary's training numbers and line. Registered as the result kind
 * ns_train_results (sim/results.h).
 */
#include <config.h>
#include "diloco.h"

#include <string.h>
#include "sim/alloc.h"
#include "sim/units.h"

/* the set's state, beside its records */
typedef struct train_state {
    uint32_t nworkers;             /* highest worker of any record */
    double   peak_bandwidth_bps;   /* rate at which each sync lasts its window, over the schedules */
} train_state;

_Static_assert(sizeof(train_state) <= NS_RESULT_STATE_MAX, "train_state fits a set's state");

static train_state
state_of(const ns_result_set *set)
{
    train_state st;
    memset(&st, 0, sizeof st);
    if (set)
        memcpy(&st, set->state.bytes, sizeof st);
    return st;
}

static void
state_put(ns_result_set *set, const train_state *st)
{
    memcpy(set->state.bytes, st, sizeof *st);
}

const ns_iter *
ns_train_iters(const ns_workload *w, size_t *n)
{
    const ns_result_set *set = ns_results_cfind(&w->results, &ns_train_results);
    *n = set ? set->nrecs : 0;
    return *n ? set->recs : NULL;
}

uint32_t
ns_train_workers(const ns_workload *w)
{
    return state_of(ns_results_cfind(&w->results, &ns_train_results)).nworkers;
}

double
ns_train_peak_bandwidth(const ns_workload *w)
{
    return state_of(ns_results_cfind(&w->results, &ns_train_results)).peak_bandwidth_bps;
}

long
ns_train_add_iter(ns_workload *w, const ns_iter *it, ns_err *e)
{
    ns_result_set *set = ns_results_use(&w->results, &ns_train_results);
    long i = ns_result_append(set, it, e);
    train_state st = state_of(set);
    if (i >= 0 && it->worker > st.nworkers) {
        st.nworkers = it->worker;
        state_put(set, &st);
    }
    return i;
}

void
ns_train_raise_peak(ns_workload *w, double bps)
{
    ns_result_set *set = ns_results_use(&w->results, &ns_train_results);
    train_state st = state_of(set);
    if (bps > st.peak_bandwidth_bps) {
        st.peak_bandwidth_bps = bps;
        state_put(set, &st);
    }
}

/* --- per worker, from the finished steps ---------------------------------- */

typedef struct worker_stats {
    uint32_t worker;         /* 1-based */
    uint32_t steps;          /* finished steps */
    ns_time  compute_ps;     /* sum over steps of compute end - step start */
    ns_time  wall_ps;        /* sum over steps of step end - step start */
    ns_time  blocked_ps;     /* wall - compute */
    uint64_t bytes_sent;     /* across workers, in the syncs of its steps */
    double   utilization;    /* compute / wall (0 without steps) */
} worker_stats;

/* r->scratch: one worker_stats per worker (worker w at [w - 1]), NULL without workers */
static int
prepare(ns_result_run *r)
{
    uint32_t nw = state_of(r->set).nworkers;
    r->scratch = NULL;
    if (!nw)
        return 0;
    worker_stats *v = ns_calloc(nw, sizeof *v);
    if (!v)
        return -1;
    for (uint32_t k = 0; k < nw; k++)
        v[k].worker = k + 1;
    for (size_t i = 0; i < r->set->nrecs; i++) {
        const ns_iter *it = ns_result_at(r->set, i);
        ns_time start = r->op_start[it->start_op], cend = r->op_finish[it->compute_op],
                end = r->op_finish[it->end_op];
        worker_stats *ws = &v[it->worker - 1];
        ws->bytes_sent += it->bytes_sent;
        if (start < 0 || cend < 0 || end < 0)
            continue;   /* the run stopped before this step ended */
        ws->steps++;
        ws->compute_ps += it->busy_ps > 0 ? it->busy_ps : cend - start;
        ws->wall_ps += end - start;
    }
    for (uint32_t k = 0; k < nw; k++) {
        v[k].blocked_ps = v[k].wall_ps - v[k].compute_ps;
        v[k].utilization = v[k].wall_ps > 0 ? (double)v[k].compute_ps / (double)v[k].wall_ps : 0;
    }
    r->scratch = v;
    return 0;
}

static void
release(ns_result_run *r)
{
    ns_free(r->scratch);
    r->scratch = NULL;
}

/* --- /iterations ------------------------------------------------------------ */

typedef struct iter_row {
    uint32_t worker, step;
    int64_t  start_ps, finish_ps, blocked_ps;
    uint64_t bytes_sent;
} iter_row;

static const ns_result_col iter_cols[] = {
    NS_RESULT_COL(iter_row, worker, NS_COL_U32, NULL), NS_RESULT_COL(iter_row, step, NS_COL_U32, NULL),
    NS_RESULT_COL(iter_row, start_ps, NS_COL_I64, "ps"), NS_RESULT_COL(iter_row, finish_ps, NS_COL_I64, "ps"),
    NS_RESULT_COL(iter_row, blocked_ps, NS_COL_I64, "ps"), NS_RESULT_COL(iter_row, bytes_sent, NS_COL_U64, "B"),
};

static size_t
iter_nrows(const ns_result_run *r)
{
    return r->set->nrecs;
}

static void
fill_iters(const ns_result_run *r, size_t first, size_t n, void *rowsp)
{
    iter_row *rows = rowsp;
    for (size_t i = 0; i < n; i++) {
        const ns_iter *it = ns_result_at(r->set, first + i);
        rows[i].worker = it->worker;
        rows[i].step = it->step;
        rows[i].start_ps = r->op_start[it->start_op];
        rows[i].finish_ps = r->op_finish[it->end_op];
        ns_time cdone = r->op_finish[it->compute_op];
        /* a step that may wait inside (busy_ps set) waited for all of it but its compute */
        if (rows[i].finish_ps < 0 || cdone < 0 || rows[i].start_ps < 0)
            rows[i].blocked_ps = -1;
        else
            rows[i].blocked_ps = it->busy_ps > 0 ? rows[i].finish_ps - rows[i].start_ps - it->busy_ps
                                                 : rows[i].finish_ps - cdone;
        rows[i].bytes_sent = it->bytes_sent;
    }
}

/* --- /workers ---------------------------------------------------------------- */

typedef struct worker_row {
    uint32_t worker, steps;
    int64_t  compute_ps, wall_ps, blocked_ps;
    uint64_t bytes_sent;
    double   compute_utilization;
} worker_row;

static const ns_result_col worker_cols[] = {
    NS_RESULT_COL(worker_row, worker, NS_COL_U32, NULL), NS_RESULT_COL(worker_row, steps, NS_COL_U32, NULL),
    NS_RESULT_COL(worker_row, compute_ps, NS_COL_I64, "ps"), NS_RESULT_COL(worker_row, wall_ps, NS_COL_I64, "ps"),
    NS_RESULT_COL(worker_row, blocked_ps, NS_COL_I64, "ps"), NS_RESULT_COL(worker_row, bytes_sent, NS_COL_U64, "B"),
    NS_RESULT_COL(worker_row, compute_utilization, NS_COL_F64, NULL),
};

static size_t
worker_nrows(const ns_result_run *r)
{
    return r->scratch ? state_of(r->set).nworkers : 0;
}

static void
fill_workers(const ns_result_run *r, size_t first, size_t n, void *rowsp)
{
    const worker_stats *ws = r->scratch;
    worker_row *rows = rowsp;
    for (size_t i = 0; i < n; i++) {
        const worker_stats *v = &ws[first + i];
        rows[i].worker = v->worker;
        rows[i].steps = v->steps;
        rows[i].compute_ps = v->compute_ps;
        rows[i].wall_ps = v->wall_ps;
        rows[i].blocked_ps = v->blocked_ps;
        rows[i].bytes_sent = v->bytes_sent;
        rows[i].compute_utilization = v->utilization;
    }
}

/* --- the summary ------------------------------------------------------------- */

enum { NUM_WORKERS, NUM_BYTES_EXCHANGED, NUM_PEAK_BANDWIDTH };

static const ns_result_num nums[] = {
    [NUM_WORKERS] = { "workers", 1 },                       /* workers in /iterations */
    [NUM_BYTES_EXCHANGED] = { "bytes_exchanged", 1 },       /* bytes sent across workers */
    [NUM_PEAK_BANDWIDTH] = { "peak_bandwidth_bps", 0 },     /* rate at which each sync lasts its window */
};

/* compute utilization: the mean over workers with finished steps of compute / wall time */
static int
summarize(const ns_result_run *r, ns_result_summary *s)
{
    train_state st = state_of(r->set);
    const worker_stats *ws = r->scratch;
    if (!st.nworkers || !ws)
        return 0;
    double util = 0;
    size_t counted = 0;
    uint64_t bytes = 0;
    for (uint32_t k = 0; k < st.nworkers; k++) {
        bytes += ws[k].bytes_sent;
        if (ws[k].steps) {
            util += ws[k].utilization;
            counted++;
        }
    }
    s->v[NUM_WORKERS].u = st.nworkers;
    s->v[NUM_BYTES_EXCHANGED].u = bytes;
    s->v[NUM_PEAK_BANDWIDTH].f = st.peak_bandwidth_bps;
    s->compute_utilization = counted ? util / (double)counted : 0;
    s->owns_utilization = 1;
    return 0;
}

static void
print(const ns_result_value *v, double compute_utilization, FILE *out)
{
    char a[32], d[32];
    if (!v[NUM_WORKERS].u)
        return;
    ns_format_size(v[NUM_BYTES_EXCHANGED].u, d, sizeof d);
    ns_format_rate((uint64_t)(v[NUM_PEAK_BANDWIDTH].f + 0.5), a, sizeof a);
    /* peak_bandwidth_bps is not what keeps compute busy (a blocking sync blocks
     * at any rate): it is the rate at which each sync lasts its window, and
     * says so; netsim-lua(5) gives the utilisation that rate implies */
    fprintf(out, "training      %u workers, compute utilization %.4f (mean of compute / wall time), "
            "%s exchanged", (unsigned)v[NUM_WORKERS].u, compute_utilization, d);
    if (v[NUM_PEAK_BANDWIDTH].f > 0)   /* w:training has no sync windows */
        fprintf(out, ", each sync within its window (overlap steps, or 1) at %s", a);
    fputc('\n', out);
}

static const ns_result_table tables[] = {
    { "iterations", iter_cols, sizeof iter_cols / sizeof iter_cols[0], sizeof(iter_row), iter_nrows, fill_iters },
    { "workers", worker_cols, sizeof worker_cols / sizeof worker_cols[0], sizeof(worker_row), worker_nrows,
      fill_workers },
};

const ns_result_kind ns_train_results = {
    .name = "training",
    .rec_size = sizeof(ns_iter),
    .state_size = sizeof(train_state),
    .tables = tables,
    .ntables = sizeof tables / sizeof tables[0],
    .prepare = prepare,
    .release = release,
    .nums = nums,
    .nnums = sizeof nums / sizeof nums[0],
    .summarize = summarize,
    .print = print,
};
