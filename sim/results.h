/*
 * results.h - workload result tables: the registry that builders fill.
 *
 * A builder of workloads/ that records something about its schedule (one
 * row per training step, per MoE layer, ...) describes those records in an
 * ns_result_kind: the size of a record, the tables the records become once
 * the run finished (written by the HDF5 writer at the file's root), and
 * the numbers and lines it adds to the end-of-run summary (printed, JSON,
 * /summary, the table netsim.run returns). A workload keeps one
 * ns_result_set per kind in use, with that kind's records. The writer and
 * the summary loop over the sets: neither knows a workload kind, so a new
 * workload adds its tables in its own file.
 *
 * Kinds are static descriptors; sets hold no pointer to anything but their
 * records, so a summary may keep the kinds after the workload is freed.
 */
#ifndef NS_RESULTS_H
#define NS_RESULTS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "error.h"
#include "time.h"

typedef struct ns_workload ns_workload;

/* --- tables ---------------------------------------------------------------- */

/* column types of a result table: fixed strings and fixed-width numbers */
enum { NS_COL_STR = 0, NS_COL_U32, NS_COL_I32, NS_COL_U64, NS_COL_I64, NS_COL_F64 };

typedef struct ns_result_col {
    const char *name;
    size_t      offset;   /* of the field in the row struct */
    int         type;     /* NS_COL_* */
    size_t      len;      /* NS_COL_STR: bytes of the string, NUL included */
    const char *unit;     /* written as the attribute "unit:<name>"; NULL: none */
} ns_result_col;

/* a column from field f of row struct T */
#define NS_RESULT_COL(T, f, ty, u) { #f, offsetof(T, f), ty, 0, u }
#define NS_RESULT_SCOL(T, f, u)    { #f, offsetof(T, f), NS_COL_STR, sizeof(((T *)0)->f), u }

typedef struct ns_result_set ns_result_set;

/* what a kind sees of a finished (or stopped) run */
typedef struct ns_result_run {
    const ns_workload   *wl;
    const ns_result_set *set;        /* the kind's records */
    const ns_time       *op_start;   /* per op: start time, -1 if it never started */
    const ns_time       *op_finish;  /* per op: finish time, -1 if it never finished */
    void                *scratch;    /* what the kind's prepare() made, else NULL */
} ns_result_run;

typedef struct ns_result_table {
    const char          *name;       /* the dataset, at the file's root: "iterations" */
    const ns_result_col *cols;
    size_t               ncols;
    size_t               row_size;   /* bytes of the row struct */
    size_t (*nrows)(const ns_result_run *r);
    /* rows first .. first + n - 1 into rows[0 .. n), which come zeroed */
    void (*fill)(const ns_result_run *r, size_t first, size_t n, void *rows);
} ns_result_table;

/* --- summary numbers ------------------------------------------------------- */

/* a number a kind adds to the summary: always reported (0 without records) */
typedef struct ns_result_num {
    const char *name;       /* key in JSON, /summary and the Lua table */
    int         integral;   /* 1: read .u, else .f */
} ns_result_num;

typedef union ns_result_value {
    uint64_t u;
    double   f;
} ns_result_value;

/* what summarize() gets and gives */
typedef struct ns_result_summary {
    ns_result_value *v;               /* OUT: the kind's numbers, in the order of kind->nums (zeroed) */
    double           compute_utilization;  /* IN: mean over the hosts that compute of busy / makespan;
                                              OUT: the kind's own figure, if it takes it over */
    int              owns_utilization;     /* OUT: 1 when the kind's lines report the utilization */
} ns_result_summary;

/* --- kinds ----------------------------------------------------------------- */

#define NS_RESULT_STATE_MAX 32   /* bytes of a set's state */

typedef struct ns_result_kind {
    const char            *name;       /* "training", "moe": for messages and debuggers */
    size_t                 rec_size;   /* bytes of one record */
    size_t                 state_size; /* bytes of the set's state, <= NS_RESULT_STATE_MAX */
    const ns_result_table *tables;     /* written in this order */
    size_t                 ntables;
    /* once per finished run, around fill() and summarize(): set r->scratch
     * (0, or -1 when out of memory) and free it; both may be NULL */
    int  (*prepare)(ns_result_run *r);
    void (*release)(ns_result_run *r);
    const ns_result_num   *nums;       /* summary numbers, NULL if none */
    size_t                 nnums;
    /* fill s->v and perhaps the utilization: 0, or -1 (no memory); NULL leaves the numbers 0 */
    int  (*summarize)(const ns_result_run *r, ns_result_summary *s);
    /* its lines of the printed summary, from the values summarize() gave; may be NULL */
    void (*print)(const ns_result_value *v, double compute_utilization, FILE *out);
} ns_result_kind;

/*
 * What kind set->kind sees of a finished run: fills r and calls the kind's
 * prepare(); 0, or -1 when out of memory (nothing to close then). Every
 * open is closed, after the tables are filled or the summary taken.
 */
int ns_result_run_open(ns_result_run *r, const ns_workload *wl, const ns_result_set *set,
                       const ns_time *op_start, const ns_time *op_finish);
void ns_result_run_close(ns_result_run *r);

/* --- sets: one per kind in a workload ------------------------------------- */

#define NS_RESULT_KINDS_MAX 8

/* state a builder keeps beside its records (counters, maxima); rolled
 * back with them */
typedef union ns_result_state {
    unsigned char bytes[NS_RESULT_STATE_MAX];
    uint64_t      align_u;
    double        align_f;
} ns_result_state;

struct ns_result_set {
    const ns_result_kind *kind;
    void                 *recs;       /* nrecs records of kind->rec_size bytes */
    size_t                nrecs, cap;
    ns_result_state       state;      /* zeroed at registration */
};

/* a workload's sets, in the order their kinds were registered */
typedef struct ns_results {
    ns_result_set set[NS_RESULT_KINDS_MAX];
    size_t        n;
} ns_results;

/* the set of kind k, or NULL when k was never registered */
ns_result_set *ns_results_find(ns_results *r, const ns_result_kind *k);
const ns_result_set *ns_results_cfind(const ns_results *r, const ns_result_kind *k);
/* the set of kind k, registered (empty) if new; never allocates, never
 * fails (more than NS_RESULT_KINDS_MAX kinds is a programming error) */
ns_result_set *ns_results_use(ns_results *r, const ns_result_kind *k);
/* append a copy of record rec: its index, or -1 (NS_ENOMEM in e) */
long ns_result_append(ns_result_set *s, const void *rec, ns_err *e);
/* record i of s */
static inline void *
ns_result_at(const ns_result_set *s, size_t i)
{
    return (char *)s->recs + i * s->kind->rec_size;
}
/* bytes the records hold as allocated (their capacity): for the memory estimate */
uint64_t ns_results_bytes(const ns_results *r);
void ns_results_free(ns_results *r);

/* record counts and states, to drop what a failed builder call added */
typedef struct ns_results_mark {
    size_t          n;
    size_t          nrecs[NS_RESULT_KINDS_MAX];
    ns_result_state state[NS_RESULT_KINDS_MAX];
} ns_results_mark;

void ns_results_mark_take(const ns_results *r, ns_results_mark *m);
/* sets registered since the mark stay registered, emptied (as interned labels stay) */
void ns_results_rollback(ns_results *r, const ns_results_mark *m);

#endif
