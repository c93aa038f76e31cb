/*
 * servers.c - servers of several GPUs on any leaf-based fabric: each host
 * is a GPU with its own NIC, and the GPUs of a server share one scale-up
 * (NVLink) switch.
 *
 * Hosts are numbered server by server: GPU r of server s (both 0-based) is
 * host s x G + r + 1. Where its NIC goes:
 *   rails     leaves come in groups of G, one per rail; group g holds
 *             servers g x P .. g x P + P - 1 (P = NICs per leaf), and NIC r
 *             of each goes to leaf g x G + r. Cross-rail traffic meets at
 *             the spines (or, with PXN, crosses on NVLink first);
 *   no rails  a server's G NICs share one leaf, servers leaf by leaf.
 * The scale-up switches come after every other node ("nvswitch<s+1>", tier
 * NS_TIER_SCALEUP), cabled to their GPUs in GPU order. NVLink is lossless
 * (credit-based): its switch ports have unlimited buffers, no ECN and no
 * pause, so a congested NVLink queues rather than drops.
 */
#include <config.h>
#include "topo.h"

#include <stdio.h>
#include <string.h>

int
ns_servers_check(const ns_server_spec *sv, uint32_t leaves, uint32_t hosts_per_leaf, const char *what,
                 const char *leaf_word, ns_err *e)
{
    uint32_t g = sv->gpus;
    if (!g)
        return NS_OK;
    if (sv->nvlink.rate_bps == 0)
        return ns_errorf(e, NS_EINVAL, "%s: server.nvlink.rate must be positive", what);
    if (sv->pxn && !sv->rails)
        return ns_errorf(e, NS_EINVAL, "%s: pxn = true needs rails = true (PXN moves data to the GPU on the "
                         "destination's rail; without rails a server's NICs share one %s)", what, leaf_word);
    if (sv->rails && leaves % g)
        return ns_errorf(e, NS_EINVAL, "%s: with rails = true a server's %u NICs go to %u different %s switches "
                         "(one per rail, server.gpus = %u), so the %u %s switches%s must come in groups of %u; "
                         "use a multiple of %u, or rails = false", what, g, g, leaf_word, g, leaves, leaf_word,
                         strcmp(leaf_word, "edge") == 0 ? " of a pod" : "", g, g);
    if (!sv->rails && hosts_per_leaf % g)
        return ns_errorf(e, NS_EINVAL, "%s: with rails = false a server's %u NICs share one %s switch, but one "
                         "takes %u hosts; use a multiple of %u", what, g, leaf_word, hosts_per_leaf, g);
    return NS_OK;
}

uint32_t
ns_servers_host_leaf(const ns_server_spec *sv, uint32_t hosts_per_leaf, uint32_t h)
{
    if (!sv->gpus || !sv->rails)
        return h / hosts_per_leaf;
    uint32_t server = h / sv->gpus, rail = h % sv->gpus;
    return server / hosts_per_leaf * sv->gpus + rail;
}

int
ns_servers_scaleup_cfg(ns_fabric *f)
{
    ns_switch_cfg nvl = {0};   /* lossless, unmarked: see above */
    nvl.pfc = NS_PFC_OFF;
    return ns_fabric_add_cfg(f, &nvl);
}

int
ns_servers_add(ns_fabric *f, const ns_server_spec *sv, ns_err *e)
{
    uint32_t g = sv->gpus;
    if (!g)
        return NS_OK;
    if (f->nhosts % g)
        return ns_errorf(e, NS_EINVAL, "%s: %zu hosts do not make whole servers of %u GPUs", f->kind,
                         f->nhosts, g);
    int cfg = ns_servers_scaleup_cfg(f);
    if (cfg < 0)
        return ns_enomem(e, "the servers' NVLink switches");
    f->gpus_per_server = g;
    f->rails = (uint8_t)(sv->rails != 0);
    f->pxn = (uint8_t)(sv->pxn != 0);
    f->nvs0 = (uint32_t)f->nnodes;
    size_t servers = f->nhosts / g;
    char name[NS_NAME_MAX];
    for (size_t s = 0; s < servers; s++) {
        const ns_fnode *first = &f->nodes[s * g];
        snprintf(name, sizeof name, "nvswitch%zu", s + 1);
        if (ns_fabric_add_node(f, NS_NODE_SWITCH, NS_TIER_SCALEUP, cfg, name, first->dc, first->pod, 0, e) < 0)
            return e->code;
    }
    for (size_t s = 0; s < servers; s++)
        for (uint32_t r = 0; r < g; r++)
            if (ns_fabric_add_cable(f, f->nvs0 + (uint32_t)s, (uint32_t)(s * g + r), sv->nvlink.rate_bps,
                                    sv->nvlink.latency_ps, e) < 0)
                return e->code;
    return NS_OK;
}
