/*
 * summary.c - computing and printing the end-of-run summary (see summary.h).
 */
#include <config.h>
#include "summary.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include "sim/alloc.h"
#include "sim/sim.h"
#include "sim/units.h"

static int
cmp_time(const void *a, const void *b)
{
    ns_time x = *(const ns_time *)a, y = *(const ns_time *)b;
    return (x > y) - (x < y);
}

/* v[0 .. n) in increasing order. A run's completion times number one a
 * transfer (16.8 M for a 4,096-host all-to-all, where qsort's comparisons
 * took seconds): sorted by radix, least significant byte first, over the
 * bytes in which they differ; small arrays (or no memory for the scratch
 * copy) go to qsort. Equal times are indistinguishable, so the result is
 * the same either way. */
void
ns_sort_times(ns_time *v, size_t n)
{
    uint64_t *tmp = n >= 4096 ? ns_alloc(n * sizeof *tmp) : NULL;
    if (!tmp) {
        qsort(v, n, sizeof *v, cmp_time);
        return;
    }
    /* offsets from the least: unsigned, in the same order */
    ns_time lo = v[0], hi = v[0];
    for (size_t i = 1; i < n; i++) {
        lo = v[i] < lo ? v[i] : lo;
        hi = v[i] > hi ? v[i] : hi;
    }
    uint64_t span = (uint64_t)hi - (uint64_t)lo;
    uint64_t *src = (uint64_t *)v, *dst = tmp;
    for (size_t i = 0; i < n; i++)
        src[i] = (uint64_t)v[i] - (uint64_t)lo;
    for (int shift = 0; shift < 64 && (span >> shift) != 0; shift += 8) {
        size_t at[256] = { 0 };
        for (size_t i = 0; i < n; i++)
            at[(src[i] >> shift) & 255]++;
        for (size_t d = 0, sum = 0; d < 256; d++) {
            size_t c = at[d];
            at[d] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++)
            dst[at[(src[i] >> shift) & 255]++] = src[i];
        uint64_t *t = src;
        src = dst;
        dst = t;
    }
    for (size_t i = 0; i < n; i++)
        v[i] = (ns_time)(src[i] + (uint64_t)lo);
    ns_free(tmp);
}

/* nearest-rank percentile of sorted v[0..n) */
ns_time
ns_percentile(const ns_time *v, size_t n, double q)
{
    if (n == 0)
        return 0;
    size_t rank = (size_t)(q * (double)n + 0.999999999);
    if (rank < 1)
        rank = 1;
    if (rank > n)
        rank = n;
    return v[rank - 1];
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* NCCL's bus bandwidth factor and the bytes S its algorithm bandwidth
 * divides by the time (nccl-tests, PERFORMANCE.md): for allreduce,
 * reducescatter and allgather `bytes` is the buffer per rank, S; for the
 * others (an alltoall, perhaps from a skewed matrix, a permutation) the
 * bus bandwidth is what it comes to for a uniform one, the bytes the
 * busiest rank sends to the others over the time */
static double
bus_factor(const ns_coll *c, double *size)
{
    double n = c->ranks;
    *size = (double)c->bytes;
    if (strcmp(c->kind, "allreduce") == 0)
        return n > 1 ? 2 * (n - 1) / n : 1;
    if (strcmp(c->kind, "reducescatter") == 0 || strcmp(c->kind, "allgather") == 0)
        return n > 1 ? (n - 1) / n : 1;
    *size = c->nic_bytes;
    return 1;
}

/* one line's numbers per collective kind */
static int
summarize_colls(ns_summary *s, const ns_sim *sim)
{
    const ns_workload *wl = sim->wl;
    if (wl->ncolls == 0)
        return 0;
    double *dur = ns_alloc(wl->ncolls * sizeof *dur), *ratio = ns_alloc(wl->ncolls * sizeof *ratio),
           *bus = ns_alloc(wl->ncolls * sizeof *bus);
    if (!dur || !ratio || !bus) {
        ns_free(dur);
        ns_free(ratio);
        ns_free(bus);
        return -1;
    }
    for (size_t i = 0; i < wl->ncolls; i++) {
        const char *kind = wl->colls[i].kind;
        size_t k = 0;
        while (k < s->ncolls && strcmp(s->colls[k].kind, kind) != 0)
            k++;
        if (k == s->ncolls) {
            if (s->ncolls == NS_SUMMARY_COLL_KINDS)
                continue;   /* more kinds than lines: the table has them all */
            s->ncolls++;
            ns_coll_summary *cs = &s->colls[k];
            snprintf(cs->kind, sizeof cs->kind, "%s", kind);
            size_t nd = 0, nr = 0;
            for (size_t j = i; j < wl->ncolls; j++) {
                const ns_coll *c = &wl->colls[j];
                if (strcmp(c->kind, kind) != 0)
                    continue;
                cs->count++;
                if (cs->count == 1)
                    snprintf(cs->algorithm, sizeof cs->algorithm, "%s", c->algorithm);
                else if (strcmp(cs->algorithm, c->algorithm) != 0)
                    snprintf(cs->algorithm, sizeof cs->algorithm, "mixed");
                ns_time start, finish, bound;
                ns_sim_coll_span(sim, c, &start, &finish, &bound);
                if (finish < 0 || start < 0)
                    continue;
                double t = (double)(finish - start);
                double size, f = bus_factor(c, &size);
                dur[nd] = t;
                bus[nd] = t > 0 ? size * 8 / (t * 1e-12) * f : 0;
                nd++;
                if (bound > 0 && bound < INT64_MAX)
                    ratio[nr++] = t / (double)bound;
            }
            cs->done = nd;
            if (nd) {
                qsort(dur, nd, sizeof *dur, cmp_double);
                qsort(bus, nd, sizeof *bus, cmp_double);
                cs->p50_ps = (ns_time)dur[(nd - 1) / 2];
                cs->max_ps = (ns_time)dur[nd - 1];
                cs->busbw_p50_bps = bus[(nd - 1) / 2];
            }
            if (nr) {
                qsort(ratio, nr, sizeof *ratio, cmp_double);
                cs->vs_bound_p50 = ratio[(nr - 1) / 2];
                cs->vs_bound_max = ratio[nr - 1];
            }
        }
    }
    ns_free(dur);
    ns_free(ratio);
    ns_free(bus);
    return 0;
}

/*
 * The result kinds' numbers, kind by kind and job by job (a job's records
 * index its own ops: its run sees the op times from its first op on), and
 * perhaps their own utilization. The numbers of a run of one job are the
 * utilization's too; with several, each job's kind lines print their own.
 */
static int
summarize_kinds(ns_summary *s, const ns_sim *sim)
{
    const ns_workload *wl = sim->wl;
    size_t nj = wl->njobs ? wl->njobs : 1, off = 0;
    double util = s->compute_utilization;
    for (size_t j = 0; j < nj; j++) {
        const ns_workload *src = wl->njobs ? wl->jobs[j].src : wl;
        uint32_t op0 = wl->njobs ? wl->jobs[j].first_op : 0;
        for (size_t i = 0; i < src->results.n; i++) {
            const ns_result_set *set = &src->results.set[i];
            const ns_result_kind *k = set->kind;
            if (wl->njobs > 1 && set->nrecs == 0)
                continue;       /* of several jobs, only the kinds a job uses */
            if (s->nkinds == NS_SUMMARY_KINDS || off + k->nnums > NS_SUMMARY_NUMS_MAX)
                return 0;       /* more than the summary holds: the tables have them all */
            /* one job: each kind sees the utilization as the kinds before it left it */
            double in = wl->njobs > 1 ? util : s->compute_utilization;
            size_t at = s->nkinds++;
            s->kinds[at] = k;
            s->kind_job[at] = j;
            s->kind_util[at] = in;
            if (k->summarize) {
                ns_result_run r;
                if (ns_result_run_open(&r, src, set, sim->op_start + op0, sim->op_finish + op0))
                    return -1;
                ns_result_summary rs = { &s->nums[off], in, 0 };
                int rc = k->summarize(&r, &rs);
                ns_result_run_close(&r);
                if (rc)
                    return -1;
                s->kind_util[at] = rs.compute_utilization;
                if (wl->njobs <= 1) {
                    s->compute_utilization = rs.compute_utilization;
                    s->owns_utilization |= rs.owns_utilization;
                }
            }
            off += k->nnums;
        }
    }
    return 0;
}

int
ns_summary_compute(ns_summary *s, ns_sim *sim, double wall_seconds)
{
    const ns_workload *wl = sim->wl;
    const ns_fabric *fab = sim->fab;
    memset(s, 0, sizeof *s);
    s->ops = wl->nops;
    s->ops_done = sim->ops_done;
    s->completed = sim->ops_done == wl->nops;
    for (size_t i = 0; i < wl->nops; i++)
        if (sim->op_finish[i] > s->makespan_ps)
            s->makespan_ps = sim->op_finish[i];
    if (!s->completed && sim->now > s->makespan_ps)
        s->makespan_ps = sim->now;
    s->transfers = sim->nxfers;
    ns_time *fct = ns_alloc((sim->nxfers ? sim->nxfers : 1) * sizeof *fct);
    if (!fct)
        return -1;
    size_t nf = 0;
    double sum = 0;
    for (size_t i = 0; i < sim->nxfers; i++) {
        s->packets += ns_sim_xfer_packets(sim, (uint32_t)i);
        if (sim->xfer_pkt) {
            const ns_xfer_pkt *xp = &sim->xfer_pkt[i];
            s->retransmits += xp->retransmits;
            s->timeouts += xp->timeouts;
            s->ecn_marks += xp->ecn_marks;
        }
        ns_time start = ns_sim_xfer_start(sim, (uint32_t)i), finish = ns_sim_xfer_finish(sim, (uint32_t)i);
        if (finish >= 0) {
            fct[nf++] = finish - start;
            sum += (double)(finish - start);
            s->bytes += ns_sim_xfer_bytes(sim, &sim->xfers[i]);
        }
    }
    s->transfers_done = nf;
    ns_sort_times(fct, nf);
    s->fct_p50_ps = ns_percentile(fct, nf, 0.50);
    s->fct_p99_ps = ns_percentile(fct, nf, 0.99);
    s->fct_max_ps = nf ? fct[nf - 1] : 0;
    s->fct_mean_ps = nf ? sum / (double)nf : 0;
    ns_free(fct);

    s->max_congestion_link = -1;
    s->peak_queue_link = -1;
    s->paused_max_link = -1;
    for (size_t l = 0; l < fab->nlinks; l++) {
        ns_link_stats ls;
        sim->net->ops->link_stats(sim->net, (uint32_t)l, &ls);
        s->drops += ls.drops;
        s->pause_frames += ls.pause_frames;
        s->paused_ps += ls.paused_ps;
        if (ls.paused_ps > s->paused_max_ps) {
            s->paused_max_ps = ls.paused_ps;
            s->paused_max_link = (int64_t)l;
        }
        if (s->makespan_ps > 0) {
            double cap = (double)fab->links[l].rate_bps / 8.0 * ns_time_to_s(s->makespan_ps);
            double c = (double)ls.tx_bytes / cap;
            if (c > s->max_congestion) {
                s->max_congestion = c;
                s->max_congestion_link = (int64_t)l;
            }
        }
        if (ls.peak_queue_bytes > s->peak_queue_bytes) {
            s->peak_queue_bytes = ls.peak_queue_bytes;
            s->peak_queue_link = (int64_t)l;
        }
    }
    if (s->max_congestion_link >= 0)
        ns_fabric_link_name(fab, (size_t)s->max_congestion_link, s->max_congestion_name, sizeof s->max_congestion_name);
    if (s->peak_queue_link >= 0)
        ns_fabric_link_name(fab, (size_t)s->peak_queue_link, s->peak_queue_name, sizeof s->peak_queue_name);
    if (s->paused_max_link >= 0)
        ns_fabric_link_name(fab, (size_t)s->paused_max_link, s->paused_max_name, sizeof s->paused_max_name);
    s->packet_model = sim->cfg.model == NS_MODEL_PACKET;
    if (summarize_colls(s, sim))
        return -1;
    /* compute utilisation: over the hosts that compute at all */
    size_t busy_hosts = 0;
    double util = 0;
    for (size_t h = 0; h < fab->nhosts; h++) {
        if (sim->cpus[h].busy_ps > 0 && s->makespan_ps > 0) {
            util += (double)sim->cpus[h].busy_ps / (double)s->makespan_ps;
            busy_hosts++;
        }
    }
    s->compute_utilization = busy_hosts ? util / (double)busy_hosts : 0;
    if (summarize_kinds(s, sim))
        return -1;
    if (wl->njobs) {
        ns_job_summary *all = ns_alloc(wl->njobs * sizeof *all);
        if (!all || ns_summary_jobs(sim, all)) {
            ns_free(all);
            return -1;
        }
        s->njobs = wl->njobs;
        memcpy(s->jobs, all, (wl->njobs < NS_SUMMARY_JOBS ? wl->njobs : NS_SUMMARY_JOBS) * sizeof *all);
        ns_free(all);
    }
    s->events = sim->events;
    s->wall_seconds = wall_seconds;
    s->events_per_second = wall_seconds > 0 ? (double)sim->events / wall_seconds : 0;
    if (sim->net->ops->peak_objects)
        s->peak_packets = sim->net->ops->peak_objects(sim->net);
    s->has_solver = sim->net->ops->solver_stats != NULL;
    if (s->has_solver)
        sim->net->ops->solver_stats(sim->net, &s->solver);
    s->flow_quantum_ps = sim->cfg.flow_quantum_ps;
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) == 0)
        s->peak_rss_bytes = (uint64_t)ru.ru_maxrss * 1024;
    return 0;
}

void
ns_summary_unrun(ns_summary *s, const ns_workload *wl)
{
    size_t nj = wl->njobs ? wl->njobs : 1, off = 0;
    for (size_t j = 0; j < nj; j++) {
        const ns_workload *src = wl->njobs ? wl->jobs[j].src : wl;
        for (size_t i = 0; i < src->results.n && s->nkinds < NS_SUMMARY_KINDS; i++) {
            const ns_result_kind *k = src->results.set[i].kind;
            if (wl->njobs > 1 && src->results.set[i].nrecs == 0)
                continue;
            if (off + k->nnums > NS_SUMMARY_NUMS_MAX)
                return;
            s->kind_job[s->nkinds] = j;
            s->kinds[s->nkinds++] = k;   /* numbers stay 0 */
            off += k->nnums;
        }
    }
    s->njobs = wl->njobs;
    for (size_t j = 0; j < wl->njobs && j < NS_SUMMARY_JOBS; j++) {
        snprintf(s->jobs[j].name, sizeof s->jobs[j].name, "%s", wl->jobs[j].name);
        s->jobs[j].start_ps = wl->jobs[j].start_ps;
        s->jobs[j].ops = wl->jobs[j].nops;
        s->jobs[j].hosts = wl->jobs[j].nhosts;
        s->jobs[j].finish_ps = s->jobs[j].alone_ps = -1;
    }
}

void
ns_summary_visit(const ns_summary *s, ns_summary_visit_fn *fn, void *ctx)
{
    fn(ctx, "completed", s->completed, 1);
    fn(ctx, "makespan", ns_time_to_s(s->makespan_ps), 0);
    fn(ctx, "makespan_ps", (double)s->makespan_ps, 1);
    fn(ctx, "ops", (double)s->ops, 1);
    fn(ctx, "ops_done", (double)s->ops_done, 1);
    fn(ctx, "transfers", (double)s->transfers, 1);
    fn(ctx, "transfers_done", (double)s->transfers_done, 1);
    fn(ctx, "bytes", (double)s->bytes, 1);
    if (s->transfers_done > 0) {     /* no percentiles of nothing (not 0) */
        fn(ctx, "fct_p50", ns_time_to_s(s->fct_p50_ps), 0);
        fn(ctx, "fct_p99", ns_time_to_s(s->fct_p99_ps), 0);
        fn(ctx, "fct_max", ns_time_to_s(s->fct_max_ps), 0);
        fn(ctx, "fct_mean", s->fct_mean_ps * 1e-12, 0);
    }
    fn(ctx, "events", (double)s->events, 1);
    fn(ctx, "wall_seconds", s->wall_seconds, 0);
    fn(ctx, "events_per_second", s->events_per_second, 0);
    fn(ctx, "packets", (double)s->packets, 1);
    fn(ctx, "retransmits", (double)s->retransmits, 1);
    fn(ctx, "ecn_marks", (double)s->ecn_marks, 1);
    fn(ctx, "drops", (double)s->drops, 1);
    fn(ctx, "timeouts", (double)s->timeouts, 1);
    fn(ctx, "pause_frames", (double)s->pause_frames, 1);
    fn(ctx, "paused_seconds", ns_time_to_s(s->paused_ps), 0);
    fn(ctx, "max_congestion", s->max_congestion, 0);
    fn(ctx, "max_congestion_link", (double)s->max_congestion_link, 1);
    fn(ctx, "peak_queue_bytes", (double)s->peak_queue_bytes, 1);
    fn(ctx, "peak_queue_link", (double)s->peak_queue_link, 1);
    fn(ctx, "compute_utilization", s->compute_utilization, 0);
    for (size_t i = 0; i < s->ncolls; i++) {
        const ns_coll_summary *c = &s->colls[i];
        char key[64];
        snprintf(key, sizeof key, "%s_done", c->kind);
        fn(ctx, key, (double)c->done, 1);
        if (c->done == 0)
            continue;   /* no percentiles of nothing */
        snprintf(key, sizeof key, "%s_p50", c->kind);
        fn(ctx, key, ns_time_to_s(c->p50_ps), 0);
        snprintf(key, sizeof key, "%s_max", c->kind);
        fn(ctx, key, ns_time_to_s(c->max_ps), 0);
        snprintf(key, sizeof key, "%s_vs_lower_bound", c->kind);
        fn(ctx, key, c->vs_bound_p50, 0);
        snprintf(key, sizeof key, "%s_busbw_bps", c->kind);
        fn(ctx, key, c->busbw_p50_bps, 0);
    }
    for (size_t i = 0, off = 0; i < s->nkinds; i++) {
        for (size_t j = 0; j < s->kinds[i]->nnums; j++, off++) {
            const ns_result_num *d = &s->kinds[i]->nums[j];
            char key[96];
            if (s->njobs > 1)    /* each job's own: job2_moe_passes */
                snprintf(key, sizeof key, "job%zu_%s", s->kind_job[i] + 1, d->name);
            else
                snprintf(key, sizeof key, "%s", d->name);
            fn(ctx, key, d->integral ? (double)s->nums[off].u : s->nums[off].f, d->integral);
        }
    }
    if (s->njobs)
        fn(ctx, "jobs", (double)s->njobs, 1);
    for (size_t j = 0; j < s->njobs && j < NS_SUMMARY_JOBS; j++) {
        const ns_job_summary *jb = &s->jobs[j];
        char key[64];
        snprintf(key, sizeof key, "job%zu_makespan", j + 1);
        fn(ctx, key, ns_time_to_s(jb->makespan_ps), 0);
        snprintf(key, sizeof key, "job%zu_transfers_done", j + 1);
        fn(ctx, key, (double)jb->transfers_done, 1);
        if (jb->transfers_done) {
            snprintf(key, sizeof key, "job%zu_fct_p50", j + 1);
            fn(ctx, key, ns_time_to_s(jb->fct_p50_ps), 0);
            snprintf(key, sizeof key, "job%zu_fct_p99", j + 1);
            fn(ctx, key, ns_time_to_s(jb->fct_p99_ps), 0);
        }
        if (jb->alone_ps >= 0) {
            snprintf(key, sizeof key, "job%zu_alone", j + 1);
            fn(ctx, key, ns_time_to_s(jb->alone_ps), 0);
            snprintf(key, sizeof key, "job%zu_slowdown", j + 1);
            fn(ctx, key, jb->slowdown, 0);
        }
    }
    fn(ctx, "peak_packets", (double)s->peak_packets, 1);
    fn(ctx, "solves", (double)s->solver.solves, 1);
    fn(ctx, "rates_solved", (double)s->solver.rates, 1);
    fn(ctx, "peak_rss_bytes", (double)s->peak_rss_bytes, 1);
}

typedef struct json_ctx {
    FILE *out;
    int   first;
} json_ctx;

static void
json_field(void *ctxp, const char *name, double v, int integral)
{
    json_ctx *c = ctxp;
    fprintf(c->out, integral ? "%s\"%s\":%.0f" : "%s\"%s\":%.17g", c->first ? "" : ",", name, v);
    c->first = 0;
}

void
ns_summary_print_json(const ns_summary *s, FILE *out)
{
    json_ctx c = { out, 1 };
    fputc('{', out);
    ns_summary_visit(s, json_field, &c);
    fputs("}\n", out);
}

/* a line per job, each followed by its result kinds' lines */
static void
print_jobs(const ns_summary *s, FILE *out)
{
    for (size_t j = 0; j < s->njobs && j < NS_SUMMARY_JOBS; j++) {
        const ns_job_summary *jb = &s->jobs[j];
        char a[32], b[32], c[32], d[32];
        if (jb->start_ps > 0)
            ns_format_time(jb->start_ps, a, sizeof a);
        else
            snprintf(a, sizeof a, "0");
        ns_format_time(jb->makespan_ps, b, sizeof b);
        fprintf(out, "job %-9s %u hosts, arrives at %s: makespan %s%s, %llu transfers", jb->name, jb->hosts, a, b,
                jb->finish_ps < 0 ? " (unfinished)" : "", (unsigned long long)jb->transfers_done);
        if (jb->transfers_done) {
            ns_format_time(jb->fct_p50_ps, c, sizeof c);
            ns_format_time(jb->fct_p99_ps, d, sizeof d);
            fprintf(out, " (FCT p50 %s, p99 %s)", c, d);
        }
        if (jb->alone_ps >= 0) {
            ns_format_time(jb->alone_ps, c, sizeof c);
            fprintf(out, "; alone %s, slowdown %.3fx", c, jb->slowdown);
        }
        fputc('\n', out);
        for (size_t i = 0, off = 0; i < s->nkinds; i++) {
            if (s->kind_job[i] == j && s->kinds[i]->print)
                s->kinds[i]->print(&s->nums[off], s->kind_util[i], out);
            off += s->kinds[i]->nnums;
        }
    }
    if (s->njobs > NS_SUMMARY_JOBS)
        fprintf(out, "jobs          %zu more in /jobs\n", s->njobs - NS_SUMMARY_JOBS);
}

void
ns_summary_print(const ns_summary *s, FILE *out)
{
    char a[32], b[32], c[32], d[32];
    ns_format_time(s->makespan_ps, a, sizeof a);
    fprintf(out, "makespan      %s%s\n", a, s->completed ? "" : "  (stopped before every op finished)");
    fprintf(out, "transfers     %llu done of %llu, %llu bytes\n", (unsigned long long)s->transfers_done,
            (unsigned long long)s->transfers, (unsigned long long)s->bytes);
    if (s->transfers_done > 0) {
        ns_format_time(s->fct_p50_ps, a, sizeof a);
        ns_format_time(s->fct_p99_ps, b, sizeof b);
        ns_format_time(s->fct_max_ps, c, sizeof c);
        fprintf(out, "fct           p50 %s  p99 %s  max %s\n", a, b, c);
    } else {
        fprintf(out, "fct           none: no transfer finished\n");
    }
    fprintf(out, "packets       %llu data, %llu retransmitted, %llu ECN-marked\n",
            (unsigned long long)s->packets, (unsigned long long)s->retransmits, (unsigned long long)s->ecn_marks);
    if (s->packet_model) {
        /* what was lost or held: drops, timeouts, PFC pauses */
        fprintf(out, "losses        %llu dropped, %llu timeouts", (unsigned long long)s->drops,
                (unsigned long long)s->timeouts);
        if (s->pause_frames > 0) {
            ns_format_time(s->paused_ps, a, sizeof a);
            ns_format_time(s->paused_max_ps, b, sizeof b);
            fprintf(out, ", %llu PFC pause frames: ports paused %s in all, at most %s (%s, link %lld)",
                    (unsigned long long)s->pause_frames, a, b, s->paused_max_name, (long long)s->paused_max_link);
        } else {
            fprintf(out, ", no PFC pause");
        }
        fputc('\n', out);
    }
    ns_format_size(s->peak_queue_bytes, d, sizeof d);
    if (s->max_congestion_link >= 0)
        fprintf(out, "congestion    max link load %.3f (%s, link %lld), ", s->max_congestion, s->max_congestion_name,
                (long long)s->max_congestion_link);
    else
        fprintf(out, "congestion    no link carried anything, ");
    if (s->peak_queue_link >= 0)
        fprintf(out, "peak queue %s (%s, link %lld)\n", d, s->peak_queue_name, (long long)s->peak_queue_link);
    else
        fprintf(out, "no queue\n");
    for (size_t i = 0; i < s->ncolls; i++) {
        const ns_coll_summary *cs = &s->colls[i];
        fprintf(out, "%-13s %llu done of %llu (%s)", cs->kind, (unsigned long long)cs->done,
                (unsigned long long)cs->count, cs->algorithm);
        if (cs->done > 0) {
            ns_format_time(cs->p50_ps, a, sizeof a);
            ns_format_time(cs->max_ps, b, sizeof b);
            ns_format_rate((uint64_t)(cs->busbw_p50_bps + 0.5), d, sizeof d);
            fprintf(out, ": p50 %s, max %s; %.2fx the lower bound (p50; max %.2fx); bus bandwidth %s (p50)",
                    a, b, cs->vs_bound_p50, cs->vs_bound_max, d);
        }
        fputc('\n', out);
    }
    if (s->njobs)
        print_jobs(s, out);
    else
        for (size_t i = 0, off = 0; i < s->nkinds; i++) {
            if (s->kinds[i]->print)
                s->kinds[i]->print(&s->nums[off], s->kind_util[i], out);
            off += s->kinds[i]->nnums;
        }
    if (!s->owns_utilization && s->compute_utilization > 0)
        fprintf(out, "compute       utilization %.4f\n", s->compute_utilization);
    if (s->has_solver) {
        fprintf(out, "solver        %llu solves recomputed %llu rates (%.0f a solve, at most %llu), ",
                (unsigned long long)s->solver.solves, (unsigned long long)s->solver.rates,
                s->solver.solves ? (double)s->solver.rates / (double)s->solver.solves : 0.0,
                (unsigned long long)s->solver.rates_max);
        if (s->flow_quantum_ps > 0) {
            ns_format_time(s->flow_quantum_ps, a, sizeof a);
            fprintf(out, "flow_quantum %s\n", a);
        } else {
            fprintf(out, "exact\n");
        }
    }
    fprintf(out, "events        %llu in %.3f s wall (%.3g events/s), peak RSS %.1f MB\n",
            (unsigned long long)s->events, s->wall_seconds, s->events_per_second,
            (double)s->peak_rss_bytes / 1e6);
}
