/*
 * op_runs.h - an op's scenario line and parent (its collective), kept as
 * runs of consecutive ops that share both.
 *
 * A builder makes its ops from one scenario line into one collective: a
 * 4,096-host alltoall is 16.8 M ops of one line and one parent, so that
 * two 32-bit fields an op (128 MiB there) become a few runs. Ops that
 * alternate lines (a Lua loop making a compute then a transfer) cost a run
 * an op: 12 bytes, against 8 kept in the op.
 */
#ifndef NS_OP_RUNS_H
#define NS_OP_RUNS_H

#include <stddef.h>
#include <stdint.h>

typedef struct ns_op_run {
    uint32_t first;     /* its first op; it lasts until the next run's first */
    int32_t  line;      /* scenario line that made its ops, 0 if unknown */
    int32_t  parent;    /* collective id, NS_NO_PARENT (-1) if none */
} ns_op_run;

typedef struct ns_op_runs {
    ns_op_run *r;       /* by first op, increasing; r[0].first == 0 once an op exists */
    size_t     n, cap;
} ns_op_runs;

/* op `op` (the next op: after every op the runs hold) has `line` and
 * `parent`: extends the last run or starts one. 0, or -1 out of memory */
int ns_op_runs_push(ns_op_runs *rs, uint32_t op, int32_t line, int32_t parent);
/* ops [first, last] (all < nops, the ops that exist) get `parent`; their
 * lines stay. 0, or -1 out of memory (the runs unchanged) */
int ns_op_runs_set_parent(ns_op_runs *rs, uint32_t first, uint32_t last, int32_t parent, uint32_t nops);
/* the ops from `nops` on are gone: so are the runs that start there or later */
void ns_op_runs_truncate(ns_op_runs *rs, uint32_t nops);
/* the run that holds op `op` (rs has at least one run) */
const ns_op_run *ns_op_runs_find(const ns_op_runs *rs, uint32_t op);
void ns_op_runs_free(ns_op_runs *rs);

#endif
