/*
 * budget.c - what netsim may use, and the fabric's memory (see budget.h).
 */
#include <config.h>
#include "budget.h"

#include <stdio.h>
#include <sys/resource.h>
#include <unistd.h>
#include "alloc.h"
#include "fabric.h"
#include "sim/output/h5mem.h"
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
ns_mem_run_floor(uint64_t hosts, uint64_t cables)
{
    uint64_t b = ns_mem_mad(NS_MEM_BASE_BYTES, hosts, NS_MEM_HOST_BYTES);
    b = ns_mem_mad(b, 2 * cables, NS_MEM_FLOW_LINK_BYTES);
    return ns_mem_add(b, ns_h5out_mem(0, 0));
}

int
ns_mem_fabric_check(uint64_t nodes, uint64_t hosts, uint64_t cables, uint64_t edge_nodes, const char *what,
                    ns_err *e)
{
    uint64_t fab = ns_mem_fabric_shape(nodes, hosts, cables, edge_nodes);
    uint64_t run = ns_mem_add(fab, ns_mem_run_floor(hosts, cables));
    if (run <= ns_mem_budget())
        return NS_OK;
    char a[32], b[32], detail[256];
    ns_format_size(fab, a, sizeof a);
    ns_format_size(run, b, sizeof b);
    snprintf(detail, sizeof detail, "%llu nodes, %llu of them hosts, and %llu cables: %s to build, "
             "%s at least to run it", (unsigned long long)nodes, (unsigned long long)hosts,
             (unsigned long long)cables, a, b);
    return ns_mem_check(run, what, detail, e);
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
