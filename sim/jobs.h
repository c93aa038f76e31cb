/*
 * jobs.h - several workloads as the jobs of one run.
 *
 * netsim.run{workload = {w1, w2, ...}} runs its workloads side by side on
 * one fabric: they are merged into one task graph (each op tagged with its
 * job), the ops of a job that arrives later wait for a timer (a delay op),
 * and the run's tables and summary report each job apart (ns_job,
 * taskgraph.h). The workloads themselves are left as they are: a job's
 * result records (training steps, MoE layers) keep indexing its own ops.
 */
#ifndef NS_JOBS_H
#define NS_JOBS_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"
#include "taskgraph.h"

#define NS_JOBS_MAX 1024

/* two jobs that name the same host (a warning: they then share its NIC and
 * its compute); host 0 when none do */
typedef struct ns_jobs_overlap {
    uint32_t host;
    uint32_t job_a, job_b;   /* 0-based */
} ns_jobs_overlap;

/*
 * The merged workload of ws[0 .. n), in *out (the caller frees it with
 * ns_wl_free): NS_OK, or NS_EINVAL (no workload, too many, one listed twice,
 * two jobs of one name) or NS_ENOMEM with a message in e. Ops of job j are
 * ops[jobs[j].first_op ..) in their own order; arrival timers come after
 * all jobs' ops. `ov` (may be NULL) gets the first host two jobs share.
 */
int ns_jobs_merge(const ns_workload *const *ws, size_t n, ns_workload **out, ns_jobs_overlap *ov, ns_err *e);

/* the name of job j of a merged workload ("job1" when it was given none) */
const char *ns_job_name(const ns_workload *merged, size_t j);

#endif
