/*
 * fuzz_graphml.c - fuzz target: the GraphML reader (topologies/graph.c) and
 * the forwarding tables built from what it read (topologies/routing.c).
 *
 * The input is written to a scratch file and read as netsim.graph{} reads
 * it. Properties: a failure is a clean error code with a message and
 * nothing allocated; a fabric that builds has hosts, and from every host
 * the forwarding tables lead to every other host (first choice at each
 * hop, in at most as many hops as there are nodes).
 */
#include <config.h>
#include "fuzz.h"

#include <stdio.h>
#include <string.h>
#include "sim/alloc.h"
#include "topologies/topo.h"

#define MAX_PAIRS 64   /* host pairs whose route is walked */

static void
walk(const ns_fabric *f, uint32_t a, uint32_t b)
{
    uint32_t node = f->host_attach[a], dst = b;
    if (node == dst)
        return;                               /* two hosts cabled to each other */
    for (size_t steps = 0; steps <= f->nnodes; steps++) {
        if (node == f->host_attach[dst])
            return;                           /* the next hop is b's downlink */
        ns_fuzz_require(!ns_fabric_is_host(f, node), "a route never passes through a host", NULL);
        const ns_hopset *hs = ns_fabric_route(f, node, dst);
        ns_fuzz_require(hs->n > 0, "a switch has a next hop towards every host", NULL);
        ns_fuzz_require(hs->off + hs->n <= f->nhops, "next hops lie inside the hop table", NULL);
        uint32_t link = f->hops[hs->off];
        ns_fuzz_require(link < f->nlinks && f->links[link].src == node, "a next hop leaves its switch", NULL);
        node = f->links[link].dst;
    }
    ns_fuzz_require(0, "forwarding reaches the destination (no loop)", NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ns_fuzz_init((size_t)256 << 20);
    const char *path = ns_fuzz_temp_file(data, size, ".graphml");
    if (!path)
        return 0;
    ns_graph_spec s;
    ns_fabric_common_defaults(&s.common);
    s.path = path;
    s.display = "fuzz.graphml";
    ns_fabric *f = NULL;
    ns_err e = {0};
    int rc = ns_topo_graph(&s, &f, &e);
    if (rc) {
        ns_fuzz_require(f == NULL, "a failed read returns no fabric", NULL);
        ns_fuzz_require(rc == NS_EINVAL || rc == NS_ENOMEM || rc == NS_EIO, "a failed read gives an error code", NULL);
        ns_fuzz_require(e.msg[0] != '\0', "a failed read explains itself", NULL);
        ns_fuzz_require(strncmp(e.msg, "graph 'fuzz.graphml'", 20) == 0 || rc == NS_ENOMEM,
                        "a message names the file", e.msg);
    } else {
        ns_fuzz_require(f && f->finished && f->nhosts > 0, "a fabric read has hosts and forwarding", NULL);
        size_t pairs = 0;
        for (uint32_t a = 0; a < f->nhosts && pairs < MAX_PAIRS; a++)
            for (uint32_t b = 0; b < f->nhosts && pairs < MAX_PAIRS; b++)
                if (a != b) {
                    walk(f, a, b);
                    ns_fuzz_require(ns_fabric_path_count(f, a + 1, b + 1) >= 1, "two hosts have a path", NULL);
                    pairs++;
                }
    }
    ns_fabric_free(f);
    ns_fuzz_no_leak("graphml");
    return 0;
}
