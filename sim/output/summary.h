/*
 * summary.h - the end-of-run numbers: what netsim prints, returns to Lua,
 * writes as JSON and as /summary attributes. One struct, one computation,
 * so the four never disagree. The result kinds of the workload add their
 * numbers and lines (sim/results.h).
 */
#ifndef NS_SUMMARY_H
#define NS_SUMMARY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "sim/fabric.h"
#include "sim/net.h"
#include "sim/taskgraph.h"
#include "sim/results.h"
#include "sim/time.h"

#define NS_SUMMARY_NUMS_MAX 64   /* numbers of all result kinds together */
#define NS_SUMMARY_KINDS    16   /* result kinds (of all jobs) with numbers in the summary */
#define NS_SUMMARY_JOBS     16   /* jobs with lines and numbers of their own (all are in /jobs) */

typedef struct ns_sim ns_sim;

/* the collectives of one kind (allreduce, ...) */
#define NS_SUMMARY_COLL_KINDS 8
typedef struct ns_coll_summary {
    char     kind[16];
    char     algorithm[24];      /* their algorithm, or "mixed" */
    uint64_t count, done;
    ns_time  p50_ps, max_ps;     /* durations of the finished ones */
    double   vs_bound_p50, vs_bound_max;   /* duration / lower bound (0: no bound) */
    double   busbw_p50_bps;      /* NCCL's bus bandwidth (algorithm bandwidth x its factor), median */
} ns_coll_summary;

/* one job of a run of several (sim/jobs.h): a row of /jobs */
typedef struct ns_job_summary {
    char     name[NS_JOB_NAME_MAX];
    ns_time  start_ps;           /* arrival */
    ns_time  finish_ps;          /* its last op's finish, -1 when it did not finish */
    ns_time  makespan_ps;        /* finish - arrival (to the end of the run if unfinished) */
    ns_time  alone_ps;           /* its makespan on the fabric alone (--isolation), -1 if not run */
    double   slowdown;           /* makespan / alone, 0 when alone is not known */
    uint64_t ops, ops_done, transfers, transfers_done, bytes;
    ns_time  fct_p50_ps, fct_p99_ps;   /* of its finished transfers (0 if none) */
    uint32_t hosts;
} ns_job_summary;

/* v[0 .. n) sorted in increasing order (by radix when big) */
void ns_sort_times(ns_time *v, size_t n);

/* the nearest-rank percentile q (0..1] of sorted v[0 .. n); 0 when n is 0 */
ns_time ns_percentile(const ns_time *v, size_t n, double q);

/* every job of sim's workload into out[0 .. wl->njobs): 0, or -1 when out of memory */
int ns_summary_jobs(const ns_sim *sim, ns_job_summary *out);

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
    uint64_t timeouts;           /* retransmission timeouts, over transfers */
    uint64_t pause_frames;       /* PFC pause frames, over ports */
    ns_time  paused_ps;          /* time ports spent paused, summed over ports */
    ns_time  paused_max_ps;      /* the most one port spent paused */
    int64_t  paused_max_link;
    /* the names of the links above ("leaf3->spine7"), "" when none */
    char     max_congestion_name[NS_LINK_NAME_MAX], peak_queue_name[NS_LINK_NAME_MAX],
             paused_max_name[NS_LINK_NAME_MAX];
    int      packet_model;
    ns_coll_summary colls[NS_SUMMARY_COLL_KINDS];
    size_t   ncolls;       /* the losses line: the packet model loses and pauses, the flow model not */
    double   max_congestion;     /* max over links of bytes carried / (rate x makespan) */
    int64_t  max_congestion_link;
    uint64_t peak_queue_bytes;
    int64_t  peak_queue_link;
    double   compute_utilization; /* mean over hosts that compute of busy / makespan, unless a
                                    result kind takes it over (owns_utilization) */
    /* the numbers of the workload's result kinds (sim/results.h), kind by kind in the order of
     * registration, each kind's in the order of its nums */
    const ns_result_kind *kinds[NS_SUMMARY_KINDS];
    size_t   nkinds;
    size_t   kind_job[NS_SUMMARY_KINDS];     /* the job of each kind's numbers (0 with one job) */
    double   kind_util[NS_SUMMARY_KINDS];    /* the utilization its lines print */
    ns_job_summary jobs[NS_SUMMARY_JOBS];    /* the first jobs of a run of several */
    size_t   njobs;                          /* jobs of the run: 0 for one workload run as it is */
    ns_result_value nums[NS_SUMMARY_NUMS_MAX];
    int      owns_utilization;   /* a kind's lines report compute_utilization */
    uint64_t peak_packets;       /* most packets alive at once (memory) */
    int      has_solver;         /* the model solves rates (the flow model) */
    ns_solver_stats solver;      /* its work; 0 without */
    ns_time  flow_quantum_ps;
    uint64_t peak_rss_bytes;
} ns_summary;

typedef struct ns_workload ns_workload;

/* fill s from a finished (or stopped) run; 0 or -1 (no memory) */
int ns_summary_compute(ns_summary *s, ns_sim *sim, double wall_seconds);
void ns_summary_print(const ns_summary *s, FILE *out);
void ns_summary_print_json(const ns_summary *s, FILE *out);

/* the summary of a run that was built but not simulated (--check): the
 * workload's result kinds are listed, with their numbers 0, so that the
 * same keys are there */
void ns_summary_unrun(ns_summary *s, const ns_workload *wl);

/* walk the summary's fields: name, value as double, whether integral */
typedef void ns_summary_visit_fn(void *ctx, const char *name, double value, int integral);
void ns_summary_visit(const ns_summary *s, ns_summary_visit_fn *fn, void *ctx);

#endif
