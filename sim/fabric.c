/*
 * fabric.c - building and querying a fabric (see fabric.h).
 */
#include <config.h>
#include "fabric.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "alloc.h"
#include "lib.h"

ns_fabric *
ns_fabric_new(void)
{
    ns_fabric *f = ns_calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->mtu = 4096;
    f->header = 64;
    strcpy(f->kind, "custom");
    return f;
}

void
ns_fabric_free(ns_fabric *f)
{
    if (!f)
        return;
    ns_free(f->nodes);
    ns_free(f->links);
    ns_free(f->cfgs);
    ns_free(f->host_attach);
    ns_free(f->host_link);
    ns_free(f->host_edge);
    ns_free(f->host_down);
    ns_free(f->host_nvlink);
    ns_free(f->edge_node);
    ns_free(f->route);
    ns_free(f->hops);
    ns_free(f->held);
    ns_free(f);
}

int
ns_fabric_add_cfg(ns_fabric *f, const ns_switch_cfg *cfg)
{
    if (f->ncfgs >= 65535 || ns_grow((void **)&f->cfgs, &f->cfgs_cap, f->ncfgs + 1, sizeof *f->cfgs))
        return -1;
    f->cfgs[f->ncfgs] = *cfg;
    return (int)f->ncfgs++;
}

long
ns_fabric_add_node(ns_fabric *f, int kind, int tier, int cfg, const char *name,
                   int dc, int pod, int leaf, ns_err *e)
{
    if (kind == NS_NODE_HOST && f->nnodes > f->nhosts)
        return ns_errorf(e, NS_EINVAL, "host '%s' added after a switch: hosts come first", name), -1;
    if (kind == NS_NODE_SWITCH && (cfg < 0 || (size_t)cfg >= f->ncfgs))
        return ns_errorf(e, NS_EINVAL, "switch '%s': no such switch configuration %d", name, cfg), -1;
    if (f->nnodes >= UINT32_MAX / 2)
        return ns_errorf(e, NS_EINVAL, "too many nodes"), -1;
    if (ns_grow((void **)&f->nodes, &f->nodes_cap, f->nnodes + 1, sizeof *f->nodes))
        return ns_enomem(e, "a fabric"), -1;
    ns_fnode *n = &f->nodes[f->nnodes];
    memset(n, 0, sizeof *n);
    n->kind = (uint8_t)kind;
    n->tier = (uint8_t)tier;
    n->cfg = kind == NS_NODE_SWITCH ? (uint16_t)cfg : 0;
    n->dc = dc;
    n->pod = pod;
    n->leaf = leaf;
    n->edge = UINT32_MAX;
    snprintf(n->name, sizeof n->name, "%s", name);
    if (kind == NS_NODE_HOST)
        f->nhosts++;
    return (long)f->nnodes++;
}

static int
add_link(ns_fabric *f, uint32_t a, uint32_t b, uint64_t rate, ns_time lat)
{
    if (ns_grow((void **)&f->links, &f->links_cap, f->nlinks + 1, sizeof *f->links))
        return -1;
    ns_flink *l = &f->links[f->nlinks++];
    l->src = a;
    l->dst = b;
    l->reverse = UINT32_MAX;
    l->rate_bps = rate;
    l->latency_ps = lat;
    l->buffer_bytes = 0;
    return 0;
}

long
ns_fabric_add_cable(ns_fabric *f, uint32_t a, uint32_t b, uint64_t rate_bps,
                    ns_time latency_ps, ns_err *e)
{
    if (a >= f->nnodes || b >= f->nnodes)
        return ns_errorf(e, NS_EINVAL, "link %u-%u: no such node", a + 1, b + 1), -1;
    if ((f->nlinks & 0x3fff) == 0 && ns_interrupted())
        return ns_errorf(e, NS_EINTR, "interrupted while building the fabric (%zu links made)", f->nlinks), -1;
    if (a == b)
        return ns_errorf(e, NS_EINVAL, "link from node '%s' to itself", f->nodes[a].name), -1;
    if (rate_bps == 0)
        return ns_errorf(e, NS_EINVAL, "link '%s'-'%s': rate must be positive",
                         f->nodes[a].name, f->nodes[b].name), -1;
    if (latency_ps < 0)
        return ns_errorf(e, NS_EINVAL, "link '%s'-'%s': latency must not be negative",
                         f->nodes[a].name, f->nodes[b].name), -1;
    if (f->nlinks >= UINT32_MAX / 4)
        return ns_errorf(e, NS_EINVAL, "too many links"), -1;
    long id = (long)f->nlinks;
    if (add_link(f, a, b, rate_bps, latency_ps) || add_link(f, b, a, rate_bps, latency_ps)) {
        f->nlinks = (size_t)id;
        return ns_enomem(e, "a fabric"), -1;
    }
    f->links[id].reverse = (uint32_t)id + 1;
    f->links[id + 1].reverse = (uint32_t)id;
    return id;
}

/* sort links by source node (stable, so parallel links keep their order) */
static int
order_links(ns_fabric *f, ns_err *e)
{
    size_t n = f->nlinks;
    uint32_t *count = ns_calloc(f->nnodes + 1, sizeof *count);
    uint32_t *newidx = ns_alloc((n ? n : 1) * sizeof *newidx);
    ns_flink *out = ns_alloc((n ? n : 1) * sizeof *out);
    if (!count || !newidx || !out) {
        ns_free(count);
        ns_free(newidx);
        ns_free(out);
        return ns_enomem(e, "a fabric");
    }
    for (size_t i = 0; i < n; i++)
        count[f->links[i].src + 1]++;
    for (size_t v = 0; v < f->nnodes; v++) {
        f->nodes[v].first_link = count[v];
        f->nodes[v].nlinks = count[v + 1];
        count[v + 1] += count[v];
    }
    for (size_t i = 0; i < n; i++)
        newidx[i] = count[f->links[i].src]++;
    for (size_t i = 0; i < n; i++) {
        out[newidx[i]] = f->links[i];
        out[newidx[i]].reverse = newidx[f->links[i].reverse];
    }
    ns_free(f->links);
    f->links = out;
    f->links_cap = n ? n : 1;
    ns_free(count);
    ns_free(newidx);
    return NS_OK;
}

void
ns_fabric_link_name(const ns_fabric *f, size_t l, char *buf, size_t n)
{
    snprintf(buf, n, "%s->%s", f->nodes[f->links[l].src].name, f->nodes[f->links[l].dst].name);
}

int
ns_fabric_finish(ns_fabric *f, ns_err *e)
{
    if (f->finished)
        return NS_OK;
    if (f->nhosts == 0)
        return ns_errorf(e, NS_EINVAL, "%s: the fabric has no hosts", f->kind);
    if (f->header >= f->mtu)
        return ns_errorf(e, NS_EINVAL, "%s: mtu (%u bytes) must exceed the header (%u bytes)",
                         f->kind, f->mtu, f->header);
    int rc = order_links(f, e);
    if (rc)
        return rc;
    ns_fabric_resolve_switches(f);
    f->host_attach = ns_alloc(f->nhosts * sizeof *f->host_attach);
    f->host_link = ns_alloc(f->nhosts * sizeof *f->host_link);
    f->host_down = ns_alloc(f->nhosts * sizeof *f->host_down);
    if (!f->host_attach || !f->host_link || !f->host_down)
        return ns_enomem(e, "a fabric");
    if (f->gpus_per_server && !(f->host_nvlink = ns_alloc(f->nhosts * sizeof *f->host_nvlink)))
        return ns_enomem(e, "a fabric");
    for (size_t h = 0; h < f->nhosts; h++) {
        const ns_fnode *n = &f->nodes[h];
        uint32_t want = f->gpus_per_server ? 2 : 1;
        if (n->nlinks != want)
            return ns_errorf(e, NS_EINVAL, "%s: host '%s' has %u links; a host has exactly %s", f->kind,
                             n->name, n->nlinks, want == 1 ? "one (its NIC)" : "two (its NIC and its NVLink)");
        uint32_t nic = UINT32_MAX, nvl = UINT32_MAX;
        for (uint32_t i = 0; i < n->nlinks; i++) {
            uint32_t l = n->first_link + i;
            if (f->nodes[f->links[l].dst].tier == NS_TIER_SCALEUP)
                nvl = l;
            else
                nic = l;
        }
        if (nic == UINT32_MAX || (f->gpus_per_server && nvl == UINT32_MAX))
            return ns_errorf(e, NS_EINVAL, "%s: host '%s' needs one link to the fabric%s", f->kind, n->name,
                             f->gpus_per_server ? " and one to its server's scale-up switch" : "");
        f->host_link[h] = nic;
        if (f->gpus_per_server)
            f->host_nvlink[h] = nvl;
        f->host_attach[h] = f->links[nic].dst;
        f->host_down[h] = f->links[nic].reverse;
    }
    rc = ns_fabric_compute_routes(f, e);
    if (rc)
        return rc;
    f->finished = 1;
    return NS_OK;
}

uint64_t
ns_fabric_min_host_rate(const ns_fabric *f, const uint32_t *hosts, size_t n)
{
    uint64_t r = UINT64_MAX;
    for (size_t i = 0; i < n; i++) {
        uint64_t x = f->links[f->host_link[hosts[i] - 1]].rate_bps;
        if (x < r)
            r = x;
    }
    return r;
}

/* paths from node v to the edge node `target`, memoised in memo (0 = unknown) */
static uint64_t
count_paths(const ns_fabric *f, uint32_t v, uint32_t target, uint32_t edge, uint64_t *memo)
{
    if (v == target)
        return 1;
    if (memo[v])
        return memo[v];
    const ns_hopset *hs = &f->route[(size_t)(v - f->nhosts) * f->nedges + edge];
    uint64_t total = 0;
    for (uint32_t i = 0; i < hs->n; i++)
        total += count_paths(f, f->links[f->hops[hs->off + i]].dst, target, edge, memo);
    memo[v] = total;
    return total;
}

uint64_t
ns_fabric_path_count(const ns_fabric *f, uint32_t a, uint32_t b)
{
    if (a == b)
        return 1;
    uint32_t na = ns_fabric_nic_host(f, a - 1, b - 1);
    if (na == UINT32_MAX)
        return 1;   /* inside a server: through its NVLink switch */
    a = na + 1;
    uint32_t sa = f->host_attach[a - 1], sb = f->host_attach[b - 1];
    if (a == b)
        return 1;
    if (sa == b - 1 || sa == sb)
        return 1;
    uint64_t *memo = ns_calloc(f->nnodes, sizeof *memo);
    if (!memo)
        return 0;
    uint64_t n = count_paths(f, sa, sb, f->nodes[sb].edge, memo);
    ns_free(memo);
    return n;
}
