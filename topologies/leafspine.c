/*
 * leafspine.c - two-tier leaf-spine fabrics, and several of them joined
 * into a multi-datacenter fabric through gateway switches and WAN cables.
 *
 * Numbering (user ids are 1-based):
 *   hosts     leaf by leaf: host h sits on leaf ceil(h / hosts_per_leaf);
 *             in a multidc, datacenter by datacenter; with servers, server
 *             by server and on the leaves servers.c says;
 *   switches  after the hosts: leaves, then spines (then, in a multidc, the
 *             gateway), datacenter by datacenter;
 *   names     every kind is numbered globally: "host17", "leaf3",
 *             "spine2", "gateway2"; in a multidc leaf l of datacenter d is
 *             leaf (d - 1) x leaves + l, the number fab:hosts{leaf=} takes.
 *   cables    hosts to their leaves (host order), then for each leaf, for
 *             each spine, links_per_spine cables (a degraded one at its own
 *             rate, a failed one left out: leaf-spine fabrics only); then gateway-spine cables
 *             (spine order), then the WAN mesh: for each pair of gateways
 *             (i < j, lexicographic), wan_links cables.
 * Forwarding comes from the graph (routing.c), like every fabric's.
 */
#include <config.h>
#include "topo.h"

#include <stdio.h>
#include <string.h>
#include "sim/alloc.h"
#include "sim/budget.h"

/* limits that keep every count within the fabric's 32-bit indices */
#define MAX_HOSTS  (1u << 24)
#define MAX_CABLES (1u << 27)

/* check a shape; `what` names it in messages ("leafspine", "multidc: dc 2") */
static int
check_shape(const ns_ls_shape *s, const char *what, ns_err *e)
{
    static const char *const names[] = {"leaves", "spines", "hosts_per_leaf", "links_per_spine"};
    const uint32_t v[] = {s->leaves, s->spines, s->hosts_per_leaf, s->links_per_spine};
    for (int i = 0; i < 4; i++)
        if (v[i] < 1)
            return ns_errorf(e, NS_EINVAL, "%s: field '%s' must be >= 1 (got %u)", what, names[i], v[i]);
    if ((uint64_t)s->leaves * s->hosts_per_leaf > MAX_HOSTS)
        return ns_errorf(e, NS_EINVAL, "%s: %u leaves x %u hosts_per_leaf is more than %u hosts", what,
                         s->leaves, s->hosts_per_leaf, MAX_HOSTS);
    /* 2^24 x 2^24 x 2^16 is 2^64: 128 bits, or it wraps to 0 and passes */
    if ((unsigned __int128)s->leaves * s->spines * s->links_per_spine > MAX_CABLES)
        return ns_errorf(e, NS_EINVAL, "%s: %u leaves x %u spines x %u links_per_spine is more than %u cables",
                         what, s->leaves, s->spines, s->links_per_spine, MAX_CABLES);
    if (s->host_link.rate_bps == 0 || s->fabric_link.rate_bps == 0)
        return ns_errorf(e, NS_EINVAL, "%s: link rates must be positive", what);
    return NS_OK;
}

/* the hosts of one leaf-spine: ids host0+1 .., on leaves leaf0+1 .. */
static int
add_hosts(ns_fabric *f, const ns_ls_shape *s, const ns_server_spec *sv, int dc, uint32_t host0, uint32_t leaf0,
          ns_err *e)
{
    char name[NS_NAME_MAX];
    uint32_t n = s->leaves * s->hosts_per_leaf;
    for (uint32_t h = 0; h < n; h++) {
        snprintf(name, sizeof name, "host%u", host0 + h + 1);
        if (ns_fabric_add_node(f, NS_NODE_HOST, NS_TIER_HOST, 0, name, dc, 0,
                               (int)(leaf0 + ns_servers_host_leaf(sv, s->hosts_per_leaf, h) + 1), e) < 0)
            return e->code;
    }
    return NS_OK;
}

/* check the faulty cables of a leaf-spine: each names a cable of the shape,
 * and no cable twice */
static int
check_faults(const ns_ls_shape *s, const ns_ls_fault *fl, size_t n, ns_err *e)
{
    for (size_t i = 0; i < n; i++) {
        const char *what = fl[i].rate_bps ? "degraded" : "failed";
        if (fl[i].leaf < 1 || fl[i].leaf > s->leaves || fl[i].spine < 1 || fl[i].spine > s->spines ||
            fl[i].cable < 1 || fl[i].cable > s->links_per_spine)
            return ns_errorf(e, NS_EINVAL, "leafspine: %s cable leaf %u, spine %u, cable %u does not exist "
                             "(leaves 1..%u, spines 1..%u, cables 1..%u)", what, fl[i].leaf, fl[i].spine,
                             fl[i].cable, s->leaves, s->spines, s->links_per_spine);
        for (size_t j = 0; j < i; j++)
            if (fl[j].leaf == fl[i].leaf && fl[j].spine == fl[i].spine && fl[j].cable == fl[i].cable)
                return ns_errorf(e, NS_EINVAL, "leafspine: cable leaf %u, spine %u, cable %u is named twice "
                                 "(in degraded or failed)", fl[i].leaf, fl[i].spine, fl[i].cable);
    }
    return NS_OK;
}

/* the fault of cable c (0-based) between leaf l and spine p (0-based), or NULL */
static const ns_ls_fault *
find_fault(const ns_ls_fault *fl, size_t n, uint32_t l, uint32_t p, uint32_t c)
{
    for (size_t i = 0; i < n; i++)
        if (fl[i].leaf == l + 1 && fl[i].spine == p + 1 && fl[i].cable == c + 1)
            return &fl[i];
    return NULL;
}

/* the leaves and spines of one leaf-spine and its cables (nfaults of them
 * slower or missing); its hosts are nodes host_node0 ..; returns the node
 * of its first spine in *spine_node */
static int
add_switches(ns_fabric *f, const ns_ls_shape *s, const ns_server_spec *sv, const ns_ls_fault *faults,
             size_t nfaults, int dc, int cfg, uint32_t host_node0, uint32_t leaf0, uint32_t spine0,
             uint32_t *spine_node, ns_err *e)
{
    char name[NS_NAME_MAX];
    uint32_t leaf_node = (uint32_t)f->nnodes;
    for (uint32_t l = 0; l < s->leaves; l++) {
        snprintf(name, sizeof name, "leaf%u", leaf0 + l + 1);
        if (ns_fabric_add_node(f, NS_NODE_SWITCH, NS_TIER_LEAF, cfg, name, dc, 0, (int)(leaf0 + l + 1), e) < 0)
            return e->code;
    }
    *spine_node = (uint32_t)f->nnodes;
    for (uint32_t p = 0; p < s->spines; p++) {
        snprintf(name, sizeof name, "spine%u", spine0 + p + 1);
        if (ns_fabric_add_node(f, NS_NODE_SWITCH, NS_TIER_SPINE, cfg, name, dc, 0, 0, e) < 0)
            return e->code;
    }
    uint32_t n = s->leaves * s->hosts_per_leaf;
    for (uint32_t h = 0; h < n; h++)
        if (ns_fabric_add_cable(f, host_node0 + h, leaf_node + ns_servers_host_leaf(sv, s->hosts_per_leaf, h),
                                s->host_link.rate_bps, s->host_link.latency_ps, e) < 0)
            return e->code;
    for (uint32_t l = 0; l < s->leaves; l++)
        for (uint32_t p = 0; p < s->spines; p++)
            for (uint32_t c = 0; c < s->links_per_spine; c++) {
                const ns_ls_fault *ft = find_fault(faults, nfaults, l, p, c);
                if (ft && ft->rate_bps == 0)
                    continue;   /* failed: not cabled */
                if (ns_fabric_add_cable(f, leaf_node + l, *spine_node + p, ft ? ft->rate_bps : s->fabric_link.rate_bps,
                                        s->fabric_link.latency_ps, e) < 0)
                    return e->code;
            }
    return NS_OK;
}

int
ns_topo_leafspine(const ns_leafspine_spec *s, ns_fabric **out, ns_err *e)
{
    *out = NULL;
    int rc = check_shape(&s->shape, "leafspine", e);
    if (!rc)
        rc = check_faults(&s->shape, s->faults, s->nfaults, e);
    if (!rc)
        rc = ns_servers_check(&s->common.server, s->shape.leaves, s->shape.hosts_per_leaf, "leafspine", "leaf", e);
    if (rc)
        return rc;
    const ns_ls_shape *sh = &s->shape;
    uint64_t hosts = (uint64_t)sh->leaves * sh->hosts_per_leaf;
    uint64_t nvs = s->common.server.gpus ? hosts / s->common.server.gpus : 0, nvl = nvs ? hosts : 0;
    if ((rc = ns_mem_fabric_check(hosts + sh->leaves + sh->spines + nvs, hosts,
                                   hosts + nvl + (uint64_t)sh->leaves * sh->spines * sh->links_per_spine,
                                   sh->leaves, "leafspine: this fabric", e)))
        return rc;
    ns_fabric *f = ns_topo_begin("leafspine", &s->common);
    if (!f)
        return ns_enomem(e, "a leaf-spine");
    uint32_t spine_node;
    if ((rc = add_hosts(f, &s->shape, &s->common.server, 0, 0, 0, e)) ||
        (rc = add_switches(f, &s->shape, &s->common.server, s->faults, s->nfaults, 0, 0, 0, 0, 0, &spine_node, e)) ||
        (rc = ns_servers_add(f, &s->common.server, e)))
        goto fail;
    f->nleaves = (int32_t)s->shape.leaves;
    return ns_topo_end(f, NS_OK, out, e);
fail:
    return ns_topo_end(f, rc, out, e);
}

int
ns_topo_multidc(const ns_multidc_spec *s, ns_fabric **out, ns_err *e)
{
    *out = NULL;
    if (s->dcs < 1)
        return ns_errorf(e, NS_EINVAL, "multidc: field 'dcs' must be >= 1 (got %u)", s->dcs);
    if (s->dcs > 4096)
        return ns_errorf(e, NS_EINVAL, "multidc: field 'dcs' must be <= 4096 (got %u)", s->dcs);
    if (s->dcs > 1 && (s->wan_links < 1 || s->wan.rate_bps == 0))
        return ns_errorf(e, NS_EINVAL, "multidc: the WAN needs a positive rate and at least one link per pair");
    uint64_t hosts = 0, cables = (uint64_t)s->dcs * (s->dcs - 1) / 2 * s->wan_links;
    for (uint32_t d = 0; d < s->dcs; d++) {
        char what[48];
        snprintf(what, sizeof what, "multidc: dc %u", d + 1);
        int rc = check_shape(&s->dc[d].ls, what, e);
        if (!rc)
            rc = ns_servers_check(&s->common.server, s->dc[d].ls.leaves, s->dc[d].ls.hosts_per_leaf, what, "leaf", e);
        if (rc)
            return rc;
        hosts += (uint64_t)s->dc[d].ls.leaves * s->dc[d].ls.hosts_per_leaf;
        cables += (uint64_t)s->dc[d].ls.leaves * s->dc[d].ls.spines * s->dc[d].ls.links_per_spine +
                  s->dc[d].ls.spines;
    }
    if (hosts > MAX_HOSTS || cables > MAX_CABLES)
        return ns_errorf(e, NS_EINVAL, "multidc: too large (%llu hosts, %llu cables; at most %u and %u)",
                         (unsigned long long)hosts, (unsigned long long)cables, MAX_HOSTS, MAX_CABLES);
    uint64_t switches = s->dcs, leaves = 0;
    for (uint32_t d = 0; d < s->dcs; d++) {
        switches += (uint64_t)s->dc[d].ls.leaves + s->dc[d].ls.spines;
        leaves += s->dc[d].ls.leaves;
    }
    uint64_t nvs = s->common.server.gpus ? hosts / s->common.server.gpus : 0, nvl = nvs ? hosts : 0;
    int mrc = ns_mem_fabric_check(hosts + switches + nvs, hosts, hosts + cables + nvl, leaves,
                                  "multidc: this fabric", e);
    if (mrc)
        return mrc;

    ns_fabric *f = ns_topo_begin("multidc", &s->common);
    if (!f)
        return ns_enomem(e, "a multi-datacenter fabric");
    int rc = NS_EINVAL;
    uint32_t *gw = ns_alloc(s->dcs * sizeof *gw);
    if (!gw) {
        rc = ns_enomem(e, "a multi-datacenter fabric");
        goto fail;
    }
    /* hosts first, datacenter by datacenter */
    uint32_t host0 = 0, leaf0 = 0, spine0 = 0;
    for (uint32_t d = 0; d < s->dcs; d++) {
        if ((rc = add_hosts(f, &s->dc[d].ls, &s->common.server, (int)d + 1, host0, leaf0, e)))
            goto fail;
        host0 += s->dc[d].ls.leaves * s->dc[d].ls.hosts_per_leaf;
        leaf0 += s->dc[d].ls.leaves;
    }
    /* then each datacenter's switches and its gateway */
    host0 = leaf0 = 0;
    for (uint32_t d = 0; d < s->dcs; d++) {
        const ns_dc_spec *dc = &s->dc[d];
        int cfg = 0;
        if (dc->own_switch && (cfg = ns_fabric_add_cfg(f, &dc->sw)) < 0) {
            rc = ns_enomem(e, "a multi-datacenter fabric");
            goto fail;
        }
        uint32_t spine_node;
        if ((rc = add_switches(f, &dc->ls, &s->common.server, NULL, 0, (int)d + 1, cfg, host0, leaf0, spine0,
                               &spine_node, e)))
            goto fail;
        char name[NS_NAME_MAX];
        snprintf(name, sizeof name, "gateway%u", d + 1);
        long g = ns_fabric_add_node(f, NS_NODE_SWITCH, NS_TIER_GATEWAY, 0, name, (int)d + 1, 0, 0, e);
        if (g < 0)
            goto fail;
        gw[d] = (uint32_t)g;
        const ns_link_spec *gl = s->gateway_link.rate_bps ? &s->gateway_link : &dc->ls.fabric_link;
        for (uint32_t p = 0; p < dc->ls.spines; p++)
            if (ns_fabric_add_cable(f, gw[d], spine_node + p, gl->rate_bps, gl->latency_ps, e) < 0)
                goto fail;
        host0 += dc->ls.leaves * dc->ls.hosts_per_leaf;
        leaf0 += dc->ls.leaves;
        spine0 += dc->ls.spines;
    }
    for (uint32_t a = 0; a < s->dcs; a++)
        for (uint32_t b = a + 1; b < s->dcs; b++)
            for (uint32_t c = 0; c < s->wan_links; c++)
                if (ns_fabric_add_cable(f, gw[a], gw[b], s->wan.rate_bps, s->wan.latency_ps, e) < 0)
                    goto fail;
    f->ndcs = (int32_t)s->dcs;
    f->nleaves = (int32_t)leaf0;
    if ((rc = ns_servers_add(f, &s->common.server, e)) || (rc = ns_fabric_finish(f, e)))
        goto fail;
    ns_free(gw);
    *out = f;
    return NS_OK;
fail:
    ns_free(gw);
    ns_fabric_free(f);
    return e->code ? e->code : rc ? rc : NS_EINVAL;
}
