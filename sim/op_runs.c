/*
 * op_runs.c - an op's line and parent as runs (see op_runs.h).
 */
#include <config.h>
#include "op_runs.h"

#include <string.h>
#include "alloc.h"

int
ns_op_runs_push(ns_op_runs *rs, uint32_t op, int32_t line, int32_t parent)
{
    if (rs->n > 0 && rs->r[rs->n - 1].line == line && rs->r[rs->n - 1].parent == parent)
        return 0;
    if (ns_grow((void **)&rs->r, &rs->cap, rs->n + 1, sizeof *rs->r))
        return -1;
    rs->r[rs->n++] = (ns_op_run){ op, line, parent };
    return 0;
}

/* index of the run that holds op */
static size_t
find(const ns_op_runs *rs, uint32_t op)
{
    size_t lo = 0, hi = rs->n;   /* r[lo].first <= op < r[hi].first */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (rs->r[mid].first <= op)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

const ns_op_run *
ns_op_runs_find(const ns_op_runs *rs, uint32_t op)
{
    return &rs->r[find(rs, op)];
}

/* a run starts at op (< nops, after the first run's start): the run that
 * holds it is split there. Index of that run */
static size_t
split_at(ns_op_runs *rs, uint32_t op)
{
    size_t k = find(rs, op);
    if (rs->r[k].first == op)
        return k;
    memmove(&rs->r[k + 2], &rs->r[k + 1], (rs->n - k - 1) * sizeof *rs->r);
    rs->r[k + 1] = rs->r[k];
    rs->r[k + 1].first = op;
    rs->n++;
    return k + 1;
}

int
ns_op_runs_set_parent(ns_op_runs *rs, uint32_t first, uint32_t last, int32_t parent, uint32_t nops)
{
    if (last >= nops)
        last = nops - 1;
    if (first > last || rs->n == 0)
        return 0;
    /* splitting adds at most two runs: room first, so that a failure changes nothing */
    if (ns_grow((void **)&rs->r, &rs->cap, rs->n + 2, sizeof *rs->r))
        return -1;
    size_t a = split_at(rs, first);
    size_t b = last + 1 < nops ? split_at(rs, last + 1) : rs->n;   /* runs [a, b) hold the ops */
    for (size_t k = a; k < b; k++)
        rs->r[k].parent = parent;
    /* merge equal neighbours, from the run before a to the run at b */
    size_t lo = a > 0 ? a - 1 : 0, hi = b < rs->n ? b : rs->n - 1, out = lo;
    for (size_t k = lo + 1; k <= hi; k++) {
        if (rs->r[k].line == rs->r[out].line && rs->r[k].parent == rs->r[out].parent)
            continue;
        rs->r[++out] = rs->r[k];
    }
    size_t gone = hi - out;
    if (gone) {
        memmove(&rs->r[out + 1], &rs->r[hi + 1], (rs->n - hi - 1) * sizeof *rs->r);
        rs->n -= gone;
    }
    return 0;
}

void
ns_op_runs_truncate(ns_op_runs *rs, uint32_t nops)
{
    while (rs->n > 0 && rs->r[rs->n - 1].first >= nops)
        rs->n--;
}

void
ns_op_runs_free(ns_op_runs *rs)
{
    ns_free(rs->r);
    memset(rs, 0, sizeof *rs);
}
