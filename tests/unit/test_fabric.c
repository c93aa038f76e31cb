/*
 * test_fabric.c - fabric shape and forwarding from the graph: a star, a
 * hand-built two-leaf two-spine fabric with a parallel link, and errors.
 */
#include <config.h>
#include <string.h>
#include "sim/alloc.h"
#include "sim/lib.h"
#include "tests/tap.h"
#include "topologies/topo.h"

static ns_fabric *
tiny_leafspine(int connect_leaf2, ns_err *e)
{
    ns_fabric_common c;
    ns_fabric_common_defaults(&c);
    ns_fabric *f = ns_topo_begin("tiny", &c);
    for (int h = 0; h < 4; h++) {
        char name[16];
        snprintf(name, sizeof name, "h%d", h + 1);
        ns_fabric_add_node(f, NS_NODE_HOST, 0, 0, name, 0, 0, h / 2 + 1, e);
    }
    long l1 = ns_fabric_add_node(f, NS_NODE_SWITCH, 1, 0, "leaf1", 0, 0, 1, e);
    long l2 = ns_fabric_add_node(f, NS_NODE_SWITCH, 1, 0, "leaf2", 0, 0, 2, e);
    long s1 = ns_fabric_add_node(f, NS_NODE_SWITCH, 2, 0, "spine1", 0, 0, 0, e);
    long s2 = ns_fabric_add_node(f, NS_NODE_SWITCH, 2, 0, "spine2", 0, 0, 0, e);
    for (int h = 0; h < 4; h++)
        ns_fabric_add_cable(f, (uint32_t)h, (uint32_t)(h < 2 ? l1 : l2), 1000000000, 1000, e);
    ns_fabric_add_cable(f, (uint32_t)l1, (uint32_t)s1, 1000000000, 1000, e);
    ns_fabric_add_cable(f, (uint32_t)l1, (uint32_t)s2, 1000000000, 1000, e);
    ns_fabric_add_cable(f, (uint32_t)l1, (uint32_t)s2, 1000000000, 1000, e);   /* parallel */
    if (connect_leaf2) {
        ns_fabric_add_cable(f, (uint32_t)l2, (uint32_t)s1, 1000000000, 1000, e);
        ns_fabric_add_cable(f, (uint32_t)l2, (uint32_t)s2, 1000000000, 1000, e);
    }
    return f;
}

int
main(void)
{
    ns_lib_init();
    plan(12);
    ns_err e = {0};
    ns_star_spec ss;
    ns_fabric_common_defaults(&ss.common);
    ss.hosts = 4;
    ss.link.rate_bps = 1000000000;
    ss.link.latency_ps = 0;
    ns_fabric *f;
    ok(ns_topo_star(&ss, &f, &e) == 0, "star builds");
    is_int(f->nnodes, 5, "4 hosts + 1 switch");
    is_int(f->nlinks, 8, "one link per direction per cable");
    is_int(ns_fabric_path_count(f, 1, 4), 1, "one path between two hosts of a star");
    ns_fabric_free(f);

    f = tiny_leafspine(1, &e);
    ok(ns_fabric_finish(f, &e) == 0, "hand-built leaf-spine finishes");
    is_int(ns_fabric_path_count(f, 1, 3), 3, "three paths leaf1 -> leaf2 (one spine has two cables)");
    is_int(ns_fabric_path_count(f, 1, 2), 1, "one path under the same leaf");
    const ns_hopset *hs = ns_fabric_route(f, 4, 2);
    is_int(hs->n, 3, "leaf1 has three next hops towards host 3");
    int ok_links = 1;
    for (uint32_t i = 0; i < hs->n; i++)
        ok_links &= f->links[f->hops[hs->off + i]].src == 4 && f->links[f->hops[hs->off + i]].dst >= 6;
    ok(ok_links, "the next hops are leaf1's uplinks");
    ns_fabric_free(f);

    f = tiny_leafspine(0, &e);
    memset(&e, 0, sizeof e);
    ok(ns_fabric_finish(f, &e) == NS_EINVAL, "a leaf without uplinks makes hosts unreachable");
    ok(strstr(e.msg, "cannot reach") != NULL, "said clearly: %s", e.msg);
    ns_fabric_free(f);
    is_int(ns_alloc_live_blocks(), 0, "nothing leaked");
    return done_testing();
}
