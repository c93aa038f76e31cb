/*
 * star.c - the smallest fabrics: two hosts on one cable, and N hosts on one
 * switch.
 */
#include <config.h>
#include "topo.h"

#include <stdio.h>
#include <string.h>
#include "sim/alloc.h"
#include "sim/budget.h"

void
ns_fabric_common_defaults(ns_fabric_common *c)
{
    memset(c, 0, sizeof *c);
    c->mtu = 4096;
    c->header = 64;
    /* a current datacenter switch (sim/switch_defaults.c) */
    c->sw.buffer_auto = 1;
    c->sw.shared = 1;
    c->sw.dt_alpha = NS_BUFFER_DT_ALPHA;
    c->sw.ecn = 1;
    c->sw.ecn_auto = 1;
    c->sw.ecn_pmax = 1.0;
    c->sw.pfc = NS_PFC_AUTO;
}

ns_fabric *
ns_topo_begin(const char *kind, const ns_fabric_common *c)
{
    ns_fabric *f = ns_fabric_new();
    if (!f)
        return NULL;
    snprintf(f->kind, sizeof f->kind, "%s", kind);
    f->mtu = c->mtu;
    f->header = c->header;
    if (ns_fabric_add_cfg(f, &c->sw) < 0) {
        ns_fabric_free(f);
        return NULL;
    }
    return f;
}

int
ns_topo_end(ns_fabric *f, int rc, ns_fabric **out, ns_err *e)
{
    if (rc == NS_OK)
        rc = ns_fabric_finish(f, e);
    if (rc != NS_OK) {
        ns_fabric_free(f);
        return e->code ? e->code : rc;
    }
    *out = f;
    return NS_OK;
}

int
ns_topo_pair(const ns_pair_spec *s, ns_fabric **out, ns_err *e)
{
    *out = NULL;
    ns_fabric *f = ns_topo_begin("pair", &s->common);
    if (!f)
        return ns_enomem(e, "a pair of hosts");
    int rc = NS_EINVAL;
    if (ns_fabric_add_node(f, NS_NODE_HOST, NS_TIER_HOST, 0, "host1", 0, 0, 0, e) < 0 ||
        ns_fabric_add_node(f, NS_NODE_HOST, NS_TIER_HOST, 0, "host2", 0, 0, 0, e) < 0 ||
        ns_fabric_add_cable(f, 0, 1, s->link.rate_bps, s->link.latency_ps, e) < 0)
        goto fail;
    return ns_topo_end(f, NS_OK, out, e);
fail:
    return ns_topo_end(f, rc, out, e);
}

int
ns_topo_star(const ns_star_spec *s, ns_fabric **out, ns_err *e)
{
    *out = NULL;
    if (s->hosts < 1)
        return ns_errorf(e, NS_EINVAL, "star: hosts must be >= 1 (got %u)", s->hosts);
    int mrc = ns_mem_fabric_check((uint64_t)s->hosts + 1, s->hosts, s->hosts, 1, "star: this fabric", e);
    if (mrc)
        return mrc;
    ns_fabric *f = ns_topo_begin("star", &s->common);
    if (!f)
        return ns_enomem(e, "a star");
    int rc = NS_EINVAL;
    char name[NS_NAME_MAX];
    for (uint32_t h = 0; h < s->hosts; h++) {
        snprintf(name, sizeof name, "host%u", h + 1);
        if (ns_fabric_add_node(f, NS_NODE_HOST, NS_TIER_HOST, 0, name, 0, 0, 1, e) < 0)
            goto fail;
    }
    long sw = ns_fabric_add_node(f, NS_NODE_SWITCH, NS_TIER_LEAF, 0, "switch", 0, 0, 1, e);
    if (sw < 0)
        goto fail;
    for (uint32_t h = 0; h < s->hosts; h++)
        if (ns_fabric_add_cable(f, h, (uint32_t)sw, s->link.rate_bps, s->link.latency_ps, e) < 0)
            goto fail;
    f->nleaves = 1;   /* the switch is leaf 1 of its hosts */
    return ns_topo_end(f, NS_OK, out, e);
fail:
    return ns_topo_end(f, rc, out, e);
}
