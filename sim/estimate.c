/*
 * estimate.c - memory estimates and range checks made before a run (see estimate.h).
 */
#include <config.h>
#include "estimate.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include "alloc.h"
#include "fabric.h"
#include "net.h"
#include "sim.h"
#include "taskgraph.h"
#include "units.h"

/* --- what the machine has --------------------------------------------------- */

static uint64_t
read_u64_file(const char *path)
{
    FILE *f = fopen(path, "r");
    unsigned long long v;
    uint64_t r = UINT64_MAX;
    if (!f)
        return r;
    if (fscanf(f, "%llu", &v) == 1)     /* "max" (no limit) does not parse */
        r = v;
    fclose(f);
    return r;
}

uint64_t
ns_mem_machine(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGESIZE);
    uint64_t m = pages > 0 && psz > 0 ? (uint64_t)pages * (uint64_t)psz : UINT64_MAX;
    uint64_t cg = read_u64_file("/sys/fs/cgroup/memory.max");            /* cgroup v2 */
    if (cg < m)
        m = cg;
    cg = read_u64_file("/sys/fs/cgroup/memory/memory.limit_in_bytes");   /* cgroup v1 */
    if (cg < m)
        m = cg;
    struct rlimit rl;
    if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < m)
        m = rl.rlim_cur;
    if (getrlimit(RLIMIT_DATA, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < m)
        m = rl.rlim_cur;
    return m;
}

uint64_t
ns_mem_budget(void)
{
    size_t lim = ns_alloc_limit();
    return lim != SIZE_MAX ? (uint64_t)lim : ns_mem_machine();
}

/* --- the terms --------------------------------------------------------------- */

static uint64_t
smul(uint64_t a, uint64_t b)
{
    return ns_mem_mad(0, a, b);
}

uint64_t
ns_mem_fabric_shape(uint64_t nodes, uint64_t hosts, uint64_t cables, uint64_t edge_nodes)
{
    uint64_t switches = nodes > hosts ? nodes - hosts : 0;
    uint64_t b = 0;
    b = ns_mem_mad(b, nodes, sizeof(ns_fnode));
    b = ns_mem_mad(b, 2 * cables, 2 * sizeof(ns_flink));        /* links, and order_links' copy */
    b = ns_mem_mad(b, hosts, 3 * sizeof(uint32_t));             /* host_attach, host_link, edge_node */
    /* per (switch, edge node): route, about one hop, igraph's distance */
    b = ns_mem_mad(b, smul(switches, edge_nodes), sizeof(ns_hopset) + sizeof(uint32_t) + sizeof(double));
    b = ns_mem_mad(b, 2 * cables, sizeof(uint32_t));            /* next-hop candidates while routing */
    return b;
}

uint64_t
ns_mem_fabric(const ns_fabric *f)
{
    uint64_t b = 0;
    size_t nsw = f->nnodes - f->nhosts;
    b = ns_mem_mad(b, f->nodes_cap, sizeof(ns_fnode));
    b = ns_mem_mad(b, f->links_cap, sizeof(ns_flink));
    b = ns_mem_mad(b, f->cfgs_cap, sizeof(ns_switch_cfg));
    b = ns_mem_mad(b, f->nhosts, 3 * sizeof(uint32_t));
    b = ns_mem_mad(b, (uint64_t)nsw * f->nedges, sizeof(ns_hopset));
    b = ns_mem_mad(b, f->hops_cap, sizeof(uint32_t));
    return b;
}

/* what the driver allocates per op, dependency and transfer when it runs */
static uint64_t
driver_bytes(uint64_t nops, uint64_t ndeps, uint64_t ntransfers)
{
    uint64_t b = 0;
    /* op_start, op_finish, op_waiting, succ_start, op_next, op_xfer, ready,
     * plus ns_wl_check's indeg and start */
    b = ns_mem_mad(b, nops, 2 * sizeof(ns_time) + 7 * sizeof(uint32_t));
    /* the driver's successors, ns_wl_check's successors */
    b = ns_mem_mad(b, ndeps, 2 * sizeof(uint32_t));
    /* the /transfers record, the summary's completion times */
    b = ns_mem_mad(b, ntransfers, sizeof(ns_xfer) + sizeof(ns_time));
    return b;
}

uint64_t
ns_mem_ops(uint64_t nops, uint64_t ndeps, uint64_t ntransfers)
{
    /* the ops and dependencies themselves (dep_op, dep_on), and the driver's */
    uint64_t b = ns_mem_mad(ns_mem_mad(0, nops, sizeof(ns_op)), ndeps, 2 * sizeof(uint32_t));
    return ns_mem_add(b, driver_bytes(nops, ndeps, ntransfers));
}

uint64_t
ns_mem_workload(const ns_workload *wl, size_t nhosts)
{
    size_t nx = 0;
    for (size_t i = 0; i < wl->nops; i++)
        nx += wl->ops[i].kind == NS_OP_TRANSFER;
    /* the arrays as allocated (their capacity), the driver's as used */
    uint64_t b = ns_mem_mad(ns_mem_mad(0, wl->ops_cap, sizeof(ns_op)), wl->deps_cap, 2 * sizeof(uint32_t));
    b = ns_mem_add(b, driver_bytes(wl->nops, wl->ndeps, nx));
    b = ns_mem_mad(b, wl->labels_cap, sizeof(char *) + 24);     /* interned labels, about 24 bytes each */
    b = ns_mem_mad(b, wl->label_hash_cap, sizeof(uint32_t));
    b = ns_mem_mad(b, wl->colls_cap, sizeof(ns_coll));
    b = ns_mem_mad(b, wl->coll_hosts_cap, sizeof(uint32_t));
    b = ns_mem_add(b, ns_results_bytes(&wl->results));         /* the builders' records */
    b = ns_mem_mad(b, nhosts, sizeof(ns_cpu));
    return b;
}

/* transfers in the widest level of the task graph (level = ops on the
 * longest chain before it): the transfers that may run at once */
static uint64_t
widest_level(const ns_workload *wl)
{
    size_t n = wl->nops;
    uint64_t nx = 0;
    for (size_t i = 0; i < n; i++)
        nx += wl->ops[i].kind == NS_OP_TRANSFER;
    if (n == 0 || wl->ndeps == 0)
        return nx;
    uint32_t *order = ns_alloc(n * sizeof *order);
    uint32_t *start = ns_calloc(n + 1, sizeof *start);
    uint32_t *succ = ns_alloc(wl->ndeps * sizeof *succ);
    uint32_t *level = ns_calloc(n, sizeof *level);
    uint64_t *width = ns_calloc(n, sizeof *width);
    uint64_t best = nx;
    ns_err e;
    if (order && start && succ && level && width && ns_wl_check(wl, order, &e) == NS_OK) {
        ns_wl_adjacency(wl, 0, start, succ);
        for (size_t k = 0; k < n; k++) {
            uint32_t v = order[k];
            for (uint32_t j = start[v]; j < start[v + 1]; j++)
                if (level[succ[j]] < level[v] + 1)
                    level[succ[j]] = level[v] + 1;
        }
        best = 0;
        for (size_t i = 0; i < n; i++)
            if (wl->ops[i].kind == NS_OP_TRANSFER && ++width[level[i]] > best)
                best = width[level[i]];
    }
    ns_free(order);
    ns_free(start);
    ns_free(succ);
    ns_free(level);
    ns_free(width);
    return best;
}

void
ns_mem_estimate(const ns_fabric *f, const ns_workload *wl, const ns_run_cfg *c, ns_mem_est *m)
{
    memset(m, 0, sizeof *m);
    m->fabric = ns_mem_fabric(f);
    m->workload = ns_mem_workload(wl, f->nhosts);
    ns_models[c->model]->estimate(f, wl, c, widest_level(wl), m);
    /* HDF5 rows (4,096 at a time, up to 128 bytes), time-series rows and
     * per-link counters, and HDF5's chunk caches (1 MiB a dataset) */
    m->output = ns_mem_mad(4096 * 128 + ((uint64_t)8 << 20), f->nlinks,
                           64 * 2 * sizeof(uint64_t) + sizeof(uint64_t));
    m->total = ns_mem_add(ns_mem_add(ns_mem_add(ns_mem_add(NS_MEM_BASE_BYTES, m->fabric), m->workload),
                                     m->model), m->output);
}

void
ns_mem_describe(const ns_mem_est *m, int model, char *buf, size_t n)
{
    char a[32], b[32], c[32], d[32], e[32];
    ns_format_size(m->fabric, a, sizeof a);
    ns_format_size(m->workload, b, sizeof b);
    ns_format_size(m->model, c, sizeof c);
    ns_format_size(m->output, d, sizeof d);
    ns_format_size(NS_MEM_BASE_BYTES, e, sizeof e);
    snprintf(buf, n, "fabric %s, workload %s, %s model %s for %llu subflow%s and %llu packet%s in flight, "
             "output %s, program %s", a, b, ns_model_name(model), c,
             (unsigned long long)m->subflows, m->subflows == 1 ? "" : "s", (unsigned long long)m->packets,
             m->packets == 1 ? "" : "s", d, e);
}

int
ns_mem_check(uint64_t bytes, const char *what, const char *detail, ns_err *e)
{
    uint64_t budget = ns_mem_budget();
    if (bytes <= budget)
        return NS_OK;
    char need[32], have[32];
    ns_format_size(bytes, need, sizeof need);
    ns_format_size(budget, have, sizeof have);
    return ns_errorf(e, NS_ENOMEM, "%s would need about %s of memory%s%s%s, more than the %s netsim may use here "
                     "(this machine's memory, or --max-memory)", what, need, detail ? " (" : "",
                     detail ? detail : "", detail ? ")" : "", have);
}

/* --- the clock and the counters ------------------------------------------------ */

#define CLOCK_END_S 9223372.036854775807   /* NS_TIME_MAX picoseconds, in seconds */

static void
days(double seconds, char *buf, size_t n)
{
    if (seconds >= 86400)
        snprintf(buf, n, "%.4g days", seconds / 86400);
    else
        snprintf(buf, n, "%.4g s", seconds);
}

int
ns_check_ranges(const ns_fabric *f, const ns_workload *wl, const ns_run_cfg *c,
                const uint32_t *order, ns_err *e)
{
    size_t n = wl->nops;
    unsigned __int128 total = 0;
    char d[400], t[64];
    const ns_model *model = ns_models[c->model];
    if (model->check) {
        int rc = model->check(f, wl, c, e);
        if (rc)
            return rc;
    }
    for (size_t i = 0; i < n; i++) {
        const ns_op *o = &wl->ops[i];
        if (o->kind != NS_OP_TRANSFER)
            continue;
        total += o->bytes;
    }
    if (total > NS_MAX_WORKLOAD_BYTES) {
        char b[32];
        ns_format_size(total > UINT64_MAX ? UINT64_MAX : (uint64_t)total, b, sizeof b);
        return ns_errorf(e, NS_EINVAL, "the workload moves %s%s in all, more than netsim's byte counters allow "
                         "(2^60 bytes, 1.15 EB)", total > UINT64_MAX ? "more than " : "", b);
    }
    if (c->until_ps > 0 || n == 0)
        return NS_OK;   /* the run stops at `until`, before the clock's end */

    /* lower bounds of the makespan, in seconds (double: no overflow) */
    double *fin = ns_calloc(n, sizeof *fin);
    double *cpu = ns_calloc(f->nhosts, sizeof *cpu);
    double *nic = ns_calloc(f->nhosts, sizeof *nic);
    uint32_t *start = ns_calloc(n + 1, sizeof *start);
    uint32_t *succ = ns_alloc((wl->ndeps ? wl->ndeps : 1) * sizeof *succ);
    int rc = NS_OK;
    if (!fin || !cpu || !nic || !start || !succ) {
        rc = ns_enomem(e, "the range checks");
        goto out;
    }
    ns_wl_adjacency(wl, 0, start, succ);
    /* fin[v] holds the latest finish of v's predecessors until v is reached */
    for (size_t k = 0; k < n; k++) {
        uint32_t v = order[k];
        const ns_op *o = &wl->ops[v];
        double dur = 0;
        if (o->kind == NS_OP_COMPUTE) {
            dur = (double)o->duration_ps * 1e-12;
            cpu[o->node - 1] += dur;
        } else if (o->kind == NS_OP_TRANSFER && o->bytes > 0 && o->node != o->dst) {
            const ns_flink *l = &f->links[f->host_link[o->node - 1]];
            double ser = (double)o->bytes * 8 / (double)l->rate_bps;
            nic[o->node - 1] += ser;
            dur = ser + (double)l->latency_ps * 1e-12;
        }
        fin[v] += dur;
        if (fin[v] >= CLOCK_END_S) {
            ns_wl_describe(wl, v, d, sizeof d);
            days(fin[v], t, sizeof t);
            rc = ns_errorf(e, NS_EINVAL, "%s ends a chain of ops that lasts at least %s (compute durations, and "
                           "transfers at their sender's NIC rate), past the end of netsim's clock (2^63 ps, "
                           "106.7 days); make it shorter, or stop the run earlier with run{until = ...}", d, t);
            goto out;
        }
        for (uint32_t j = start[v]; j < start[v + 1]; j++)
            if (fin[succ[j]] < fin[v])
                fin[succ[j]] = fin[v];
    }
    for (size_t h = 0; h < f->nhosts; h++) {
        if (cpu[h] >= CLOCK_END_S || nic[h] >= CLOCK_END_S) {
            int is_cpu = cpu[h] >= CLOCK_END_S;
            days(is_cpu ? cpu[h] : nic[h], t, sizeof t);
            rc = ns_errorf(e, NS_EINVAL, "host %zu %s %s, past the end of netsim's clock (2^63 ps, 106.7 days); "
                           "make it shorter, or stop the run earlier with run{until = ...}", h + 1,
                           is_cpu ? "computes (its compute ops one after the other) for" :
                                    "needs, to send its transfers through its NIC,", t);
            goto out;
        }
    }
out:
    ns_free(fin);
    ns_free(cpu);
    ns_free(nic);
    ns_free(start);
    ns_free(succ);
    return rc;
}
