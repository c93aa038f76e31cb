/*
 * summary.h - the end-of-run numbers: what netsim prints, returns to Lua,
 * writes as JSON and as /summary attributes. One struct, one computation,
 * so the four never disagree.
 */
#ifndef NS_SUMMARY_H
#define NS_SUMMARY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "sim/time.h"

typedef struct ns_sim ns_sim;

typedef struct ns_summary {
    int      completed;          /* 1: every op finished */
    ns_time  makespan_ps;        /* last op finish */
    uint64_t ops, ops_done;
    uint64_t transfers, transfers_done;
    uint64_t bytes;              /* payload bytes of finished transfers */
    ns_time  fct_p50_ps, fct_p99_ps, fct_max_ps;
    double   fct_mean_ps;
    uint64_t events;
    double   wall_seconds, events_per_second;
    uint64_t packets, retransmits, ecn_marks, drops;
    double   max_congestion;     /* max over links of bytes carried / (rate x makespan) */
    int64_t  max_congestion_link;
    uint64_t peak_queue_bytes;
    int64_t  peak_queue_link;
    double   compute_utilization; /* training schedules: mean over workers of compute / wall time;
                                    else mean over hosts that compute of busy / makespan */
    uint32_t workers;            /* training schedules: workers in /iterations */
    uint64_t bytes_exchanged;    /* training schedules: bytes sent across workers */
    double   peak_bandwidth_bps; /* training schedules: peak cross-worker rate needed */
    uint64_t peak_packets;       /* most packets alive at once (memory) */
    uint64_t peak_rss_bytes;
} ns_summary;

/* one worker of a training schedule, from its finished /iterations rows */
typedef struct ns_worker_stats {
    uint32_t worker;         /* 1-based */
    uint32_t steps;          /* finished steps */
    ns_time  compute_ps;     /* sum over steps of compute end - step start */
    ns_time  wall_ps;        /* sum over steps of step end - step start */
    ns_time  blocked_ps;     /* wall - compute */
    uint64_t bytes_sent;     /* across workers, in the syncs of its steps */
    double   utilization;    /* compute / wall (0 without steps) */
} ns_worker_stats;

/* per-worker figures of the run's training schedules: *out gets
 * sim->wl->nworkers entries (worker w at [w - 1]), owned by the caller
 * (ns_free), NULL when there are none; 0, or -1 (no memory) */
int ns_summary_workers(const ns_sim *sim, ns_worker_stats **out, size_t *n);

/* fill s from a finished (or stopped) run; 0 or -1 (no memory) */
int ns_summary_compute(ns_summary *s, ns_sim *sim, double wall_seconds);
void ns_summary_print(const ns_summary *s, FILE *out);
void ns_summary_print_json(const ns_summary *s, FILE *out);

/* walk the summary's fields: name, value as double, whether integral */
typedef void ns_summary_visit_fn(void *ctx, const char *name, double value, int integral);
void ns_summary_visit(const ns_summary *s, ns_summary_visit_fn *fn, void *ctx);

#endif
