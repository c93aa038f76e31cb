/*
 * fattree.c - the three-tier k-ary fat-tree (Al-Fares, Loukissas, Vahdat,
 * SIGCOMM 2008).
 *
 * With h = k/2: k pods, each of h edge switches (tier leaf) and h
 * aggregation switches (tier spine); h^2 core switches; h hosts per edge
 * switch, k^3/4 hosts in all. Within a pod every edge switch is cabled to
 * every aggregation switch; aggregation switch a (0-based in its pod) of
 * every pod is cabled to core switches a*h .. a*h + h-1.
 *
 * Numbering (1-based, global): hosts pod by pod, edge switch by edge switch
 * (with servers, server by server, on the edge switches servers.c says);
 * edge switch i of pod p is "edge<(p-1)*h + i>" and its number is the `leaf`
 * field of its hosts and itself; "agg<n>" and "core<n>" likewise. Hosts,
 * edge and aggregation switches carry their pod. Switch nodes come edges,
 * aggregations, cores; cables hosts-edge, edge-agg, agg-core in loop order.
 * Paths between hosts: 1 under one edge switch, h within a pod, h^2 across
 * pods.
 */
#include <config.h>
#include "topo.h"

#include <stdio.h>
#include "sim/budget.h"

int
ns_topo_fattree(const ns_fattree_spec *s, ns_fabric **out, ns_err *e)
{
    *out = NULL;
    uint32_t k = s->k;
    if (k < 2 || k % 2)
        return ns_errorf(e, NS_EINVAL, "fattree: field 'k' must be even and >= 2 (got %u)", k);
    if (k > 400)   /* 16 million hosts */
        return ns_errorf(e, NS_EINVAL, "fattree: field 'k' must be <= 400 (got %u)", k);
    if (s->link.rate_bps == 0)
        return ns_errorf(e, NS_EINVAL, "fattree: the link rate must be positive");
    /* the rail groups of G edge switches lie within a pod: G divides k/2 */
    int mrc = ns_servers_check(&s->common.server, k / 2, k / 2, "fattree", "edge", e);
    if (mrc)
        return mrc;
    /* k^3/4 hosts, 5k^2/4 switches, 3k^3/4 cables, k^2/2 edge switches (and the servers' scale-up switches) */
    uint64_t k3 = (uint64_t)k * k * k, k2 = (uint64_t)k * k;
    uint64_t nvs = s->common.server.gpus ? k3 / 4 / s->common.server.gpus : 0, nvl = nvs ? k3 / 4 : 0;
    mrc = ns_mem_fabric_check(k3 / 4 + 5 * k2 / 4 + nvs, k3 / 4, 3 * k3 / 4 + nvl, k2 / 2, "fattree: this fabric", e);
    if (mrc)
        return mrc;
    ns_fabric *f = ns_topo_begin("fattree", &s->common);
    if (!f)
        return ns_enomem(e, "a fat-tree");
    const uint32_t h = k / 2;
    const uint32_t nhosts = k * h * h;
    const uint32_t edge0 = nhosts, agg0 = edge0 + k * h, core0 = agg0 + k * h;
    const uint64_t rate = s->link.rate_bps;
    const ns_time lat = s->link.latency_ps;
    char name[NS_NAME_MAX];
    int rc = NS_EINVAL;

    for (uint32_t v = 0; v < nhosts; v++) {
        uint32_t edge = ns_servers_host_leaf(&s->common.server, h, v);   /* global 0-based edge switch */
        snprintf(name, sizeof name, "host%u", v + 1);
        if (ns_fabric_add_node(f, NS_NODE_HOST, NS_TIER_HOST, 0, name, 0, (int)(edge / h + 1),
                               (int)(edge + 1), e) < 0)
            goto fail;
    }
    for (uint32_t i = 0; i < k * h; i++) {
        snprintf(name, sizeof name, "edge%u", i + 1);
        if (ns_fabric_add_node(f, NS_NODE_SWITCH, NS_TIER_LEAF, 0, name, 0, (int)(i / h + 1), (int)(i + 1), e) < 0)
            goto fail;
    }
    for (uint32_t i = 0; i < k * h; i++) {
        snprintf(name, sizeof name, "agg%u", i + 1);
        if (ns_fabric_add_node(f, NS_NODE_SWITCH, NS_TIER_SPINE, 0, name, 0, (int)(i / h + 1), 0, e) < 0)
            goto fail;
    }
    for (uint32_t i = 0; i < h * h; i++) {
        snprintf(name, sizeof name, "core%u", i + 1);
        if (ns_fabric_add_node(f, NS_NODE_SWITCH, NS_TIER_CORE, 0, name, 0, 0, 0, e) < 0)
            goto fail;
    }
    for (uint32_t v = 0; v < nhosts; v++)
        if (ns_fabric_add_cable(f, v, edge0 + ns_servers_host_leaf(&s->common.server, h, v), rate, lat, e) < 0)
            goto fail;
    for (uint32_t p = 0; p < k; p++)
        for (uint32_t i = 0; i < h; i++)
            for (uint32_t a = 0; a < h; a++)
                if (ns_fabric_add_cable(f, edge0 + p * h + i, agg0 + p * h + a, rate, lat, e) < 0)
                    goto fail;
    for (uint32_t p = 0; p < k; p++)
        for (uint32_t a = 0; a < h; a++)
            for (uint32_t j = 0; j < h; j++)
                if (ns_fabric_add_cable(f, agg0 + p * h + a, core0 + a * h + j, rate, lat, e) < 0)
                    goto fail;
    f->npods = (int32_t)k;
    f->nleaves = (int32_t)(k * h);
    if ((rc = ns_servers_add(f, &s->common.server, e)))
        goto fail;
    return ns_topo_end(f, NS_OK, out, e);
fail:
    return ns_topo_end(f, rc, out, e);
}
