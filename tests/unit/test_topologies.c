/*
 * test_topologies.c - the fabric builders (leaf-spine, fat-tree, multidc,
 * GraphML): node and link counts, numbering, node fields, equal-cost path
 * counts, every count computed here from the shape by hand; bad inputs;
 * clean failure under injected allocation failures.
 */
#include <config.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "sim/alloc.h"
#include "sim/lib.h"
#include "tests/tap.h"
#include "topologies/topo.h"

#define GBPS 1000000000ull

static ns_leafspine_spec
ls_spec(uint32_t leaves, uint32_t spines, uint32_t hpl, uint32_t lps)
{
    ns_leafspine_spec s;
    memset(&s, 0, sizeof s);
    ns_fabric_common_defaults(&s.common);
    s.shape.leaves = leaves;
    s.shape.spines = spines;
    s.shape.hosts_per_leaf = hpl;
    s.shape.links_per_spine = lps;
    s.shape.host_link.rate_bps = 100 * GBPS;
    s.shape.host_link.latency_ps = 1000000;
    s.shape.fabric_link.rate_bps = 400 * GBPS;
    s.shape.fabric_link.latency_ps = 500000;
    return s;
}

static size_t
count_tier(const ns_fabric *f, int tier)
{
    size_t n = 0;
    for (size_t v = 0; v < f->nnodes; v++)
        n += f->nodes[v].tier == tier;
    return n;
}

/* the switch a host is cabled to */
static const ns_fnode *
attach(const ns_fabric *f, uint32_t host)
{
    return &f->nodes[f->host_attach[host - 1]];
}

static void
test_leafspine(uint32_t L, uint32_t S, uint32_t H, uint32_t P)
{
    ns_leafspine_spec s = ls_spec(L, S, H, P);
    ns_fabric *f;
    ns_err e = {0};
    if (!ok(ns_topo_leafspine(&s, &f, &e) == NS_OK, "leafspine %ux%u, %u hosts/leaf, %u cables/spine builds: %s",
            L, S, H, P, e.msg))
        return;
    uint32_t nh = L * H;
    is_int(f->nhosts, nh, "  hosts = leaves x hosts_per_leaf");
    is_int(f->nnodes, nh + L + S, "  nodes = hosts + leaves + spines");
    is_int(f->nlinks, 2 * (nh + L * S * P), "  links = 2 x (hosts + leaves x spines x links_per_spine)");
    is_int(count_tier(f, NS_TIER_LEAF), L, "  leaf tier");
    is_int(count_tier(f, NS_TIER_SPINE), S, "  spine tier");
    is_int(f->nleaves, L, "  nleaves");
    int stable = 1, fields = 1, rates = 1;
    for (uint32_t h = 1; h <= nh; h++) {
        uint32_t leaf = (h + H - 1) / H;   /* ceil(h / H) */
        char want[32];
        snprintf(want, sizeof want, "host%u", h);
        const ns_fnode *sw = attach(f, h);
        stable &= f->nodes[h - 1].kind == NS_NODE_HOST && strcmp(f->nodes[h - 1].name, want) == 0;
        snprintf(want, sizeof want, "leaf%u", leaf);
        stable &= strcmp(sw->name, want) == 0;
        fields &= f->nodes[h - 1].leaf == (int)leaf && sw->leaf == (int)leaf && sw->tier == NS_TIER_LEAF;
        rates &= f->links[f->host_link[h - 1]].rate_bps == 100 * GBPS;
    }
    ok(stable, "  host h is 'host<h>' on 'leaf<ceil(h/hosts_per_leaf)>'");
    ok(fields, "  hosts and their leaf switch carry the leaf number");
    ok(rates, "  host cables have the host_link rate");
    /* path counts between every pair */
    int paths = 1;
    for (uint32_t a = 1; a <= nh && paths; a++)
        for (uint32_t b = 1; b <= nh && paths; b++) {
            uint64_t want = (a == b || (a - 1) / H == (b - 1) / H) ? 1 : (uint64_t)S * P * P;
            uint64_t got = ns_fabric_path_count(f, a, b);
            if (got != want) {
                diag("paths %u->%u: %llu, expected %llu", a, b, (unsigned long long)got, (unsigned long long)want);
                paths = 0;
            }
        }
    ok(paths, "  paths: 1 under one leaf, spines x links_per_spine^2 across leaves");
    if (L > 1) {
        const ns_hopset *hs = ns_fabric_route(f, f->host_attach[0], H);   /* leaf 1 towards a host of leaf 2 */
        is_int(hs->n, S * P, "  a leaf has spines x links_per_spine next hops towards another leaf");
        int up = 1;
        for (uint32_t i = 0; i < hs->n; i++)
            up &= f->links[f->hops[hs->off + i]].rate_bps == 400 * GBPS &&
                  f->nodes[f->links[f->hops[hs->off + i]].dst].tier == NS_TIER_SPINE;
        ok(up, "  they are fabric_link cables to spines");
    }
    ns_fabric_free(f);
}

static void
test_fattree(uint32_t k)
{
    ns_fattree_spec s;
    memset(&s, 0, sizeof s);
    ns_fabric_common_defaults(&s.common);
    s.k = k;
    s.link.rate_bps = 100 * GBPS;
    s.link.latency_ps = 1000000;
    ns_fabric *f;
    ns_err e = {0};
    if (!ok(ns_topo_fattree(&s, &f, &e) == NS_OK, "fattree k=%u builds: %s", k, e.msg))
        return;
    uint32_t h = k / 2, nh = k * k * k / 4;
    is_int(f->nhosts, nh, "  k^3/4 hosts");
    is_int(f->nnodes - f->nhosts, 5 * k * k / 4, "  5k^2/4 switches");
    is_int(count_tier(f, NS_TIER_LEAF), k * h, "  k^2/2 edge switches");
    is_int(count_tier(f, NS_TIER_SPINE), k * h, "  k^2/2 aggregation switches");
    is_int(count_tier(f, NS_TIER_CORE), h * h, "  k^2/4 core switches");
    /* cables: one per host, h x h per pod between edge and aggregation, h per
     * aggregation switch up to the core */
    is_int(f->nlinks, 2 * (nh + k * h * h + k * h * h), "  links = 2 x 3k^3/4");
    is_int(f->npods, k, "  npods");
    is_int(f->nleaves, k * h, "  nleaves (edge switches)");
    int fields = 1, degree = 1;
    for (uint32_t v = 1; v <= nh; v++) {
        uint32_t edge = (v - 1) / h + 1, pod = (v - 1) / (h * h) + 1;
        const ns_fnode *sw = attach(f, v);
        fields &= f->nodes[v - 1].pod == (int)pod && f->nodes[v - 1].leaf == (int)edge &&
                  sw->leaf == (int)edge && sw->pod == (int)pod && sw->tier == NS_TIER_LEAF;
    }
    for (size_t v = f->nhosts; v < f->nnodes; v++)
        degree &= f->nodes[v].nlinks == k;
    ok(fields, "  hosts numbered pod by pod, edge by edge; pod and leaf fields");
    ok(degree, "  every switch has k ports");
    uint64_t want_count[3] = {0, 0, 0}, got_bad = 0;
    for (uint32_t a = 1; a <= nh; a++)
        for (uint32_t b = 1; b <= nh; b++) {
            if (a == b)
                continue;
            int cls = (a - 1) / h == (b - 1) / h ? 0 : (a - 1) / (h * h) == (b - 1) / (h * h) ? 1 : 2;
            uint64_t want = cls == 0 ? 1 : cls == 1 ? h : (uint64_t)h * h;
            want_count[cls]++;
            if (ns_fabric_path_count(f, a, b) != want && got_bad++ < 3)
                diag("paths %u->%u: %llu, expected %llu", a, b,
                     (unsigned long long)ns_fabric_path_count(f, a, b), (unsigned long long)want);
        }
    ok(got_bad == 0, "  paths: 1 same edge (%llu pairs), k/2 same pod (%llu), (k/2)^2 across pods (%llu)",
       (unsigned long long)want_count[0], (unsigned long long)want_count[1], (unsigned long long)want_count[2]);
    ns_fabric_free(f);
}

static ns_dc_spec
dc_shape(uint32_t leaves, uint32_t spines, uint32_t hpl)
{
    ns_dc_spec d;
    memset(&d, 0, sizeof d);
    d.ls.leaves = leaves;
    d.ls.spines = spines;
    d.ls.hosts_per_leaf = hpl;
    d.ls.links_per_spine = 1;
    d.ls.host_link.rate_bps = 100 * GBPS;
    d.ls.host_link.latency_ps = 1000000;
    d.ls.fabric_link.rate_bps = 200 * GBPS;
    d.ls.fabric_link.latency_ps = 1000000;
    return d;
}

static ns_multidc_spec
mdc_spec(uint32_t dcs, const ns_dc_spec *dc, uint32_t wan_links)
{
    ns_multidc_spec s;
    memset(&s, 0, sizeof s);
    ns_fabric_common_defaults(&s.common);
    s.dcs = dcs;
    s.dc = dc;
    s.wan.rate_bps = 10 * GBPS;
    s.wan.latency_ps = 5000000000;   /* 5 ms */
    s.wan_links = wan_links;
    return s;
}

/* the node named `name` */
static long
find(const ns_fabric *f, const char *name)
{
    for (size_t v = 0; v < f->nnodes; v++)
        if (strcmp(f->nodes[v].name, name) == 0)
            return (long)v;
    return -1;
}

static void
test_multidc(void)
{
    /* three alike datacenters: 2 leaves x 2 hosts, 3 spines; 2 WAN cables per pair */
    const uint32_t D = 3, L = 2, S = 3, H = 2, W = 2;
    ns_dc_spec dc[3];
    for (uint32_t d = 0; d < D; d++)
        dc[d] = dc_shape(L, S, H);
    ns_multidc_spec s = mdc_spec(D, dc, W);
    ns_fabric *f;
    ns_err e = {0};
    if (!ok(ns_topo_multidc(&s, &f, &e) == NS_OK, "multidc of 3 builds: %s", e.msg))
        return;
    uint32_t nh = D * L * H;
    is_int(f->nhosts, nh, "  hosts = dcs x leaves x hosts_per_leaf");
    is_int(f->nnodes - f->nhosts, D * (L + S + 1), "  switches = dcs x (leaves + spines + 1 gateway)");
    is_int(f->nlinks, 2 * (nh + D * L * S + D * S + D * (D - 1) / 2 * W),
           "  links = 2 x (hosts + leaf-spine + gateway-spine + WAN cables)");
    is_int(count_tier(f, NS_TIER_GATEWAY), D, "  one gateway per datacenter");
    is_int(f->ndcs, D, "  ndcs");
    is_int(f->nleaves, D * L, "  nleaves: leaves are numbered across datacenters");
    int fields = 1;
    for (uint32_t h = 1; h <= nh; h++) {
        int want_dc = (int)((h - 1) / (L * H) + 1), want_leaf = (int)((h - 1) / H + 1);
        fields &= f->nodes[h - 1].dc == want_dc && f->nodes[h - 1].leaf == want_leaf &&
                  attach(f, h)->dc == want_dc && attach(f, h)->leaf == want_leaf;
    }
    for (size_t v = f->nhosts; v < f->nnodes; v++)
        fields &= f->nodes[v].dc >= 1 && f->nodes[v].dc <= (int)D;
    ok(fields, "  hosts numbered datacenter by datacenter; dc on every node, global leaf numbers");
    long g1 = find(f, "gateway1"), g2 = find(f, "gateway2");
    ok(g1 >= 0 && g2 >= 0 && f->nodes[g1].dc == 1 && f->nodes[g2].dc == 2 &&
       f->nodes[g1].nlinks == S + (D - 1) * W, "  gateway1: one cable per spine, W per other gateway");
    /* same leaf 1; other leaf of the same DC: S; other DC: up S spines, W WAN
     * cables, down S spines */
    is_int(ns_fabric_path_count(f, 1, 2), 1, "  paths under one leaf");
    is_int(ns_fabric_path_count(f, 1, H + 1), S, "  paths between leaves of a datacenter: spines");
    is_int(ns_fabric_path_count(f, 1, L * H + 1), S * W * S, "  paths dc1 -> dc2: spines x wan links x spines");
    is_int(ns_fabric_path_count(f, nh, 1), S * W * S, "  paths dc3 -> dc1");
    /* the way from dc1 to dc2 goes through both gateways: spine -> gateway1 -> gateway2 */
    uint32_t dst = L * H;   /* node of host L*H+1, the first of dc2 */
    long sp = find(f, "spine1");
    const ns_hopset *hs = ns_fabric_route(f, (uint32_t)sp, dst);
    ok(hs->n == 1 && f->links[f->hops[hs->off]].dst == (uint32_t)g1, "  spine1 of dc1 sends dc2's traffic to gateway1");
    hs = ns_fabric_route(f, (uint32_t)g1, dst);
    int wan = hs->n == W;
    for (uint32_t i = 0; i < hs->n; i++)
        wan &= f->links[f->hops[hs->off + i]].dst == (uint32_t)g2 && f->links[f->hops[hs->off + i]].rate_bps == 10 * GBPS;
    ok(wan, "  gateway1 sends it over its W WAN cables to gateway2");
    ok(f->links[f->nodes[sp].first_link].rate_bps == 200 * GBPS, "  gateway cables default to the fabric_link rate");
    ns_fabric_free(f);

    /* two unlike datacenters, one WAN cable, their own gateway_link */
    ns_dc_spec two[2] = {dc_shape(2, 2, 2), dc_shape(1, 4, 3)};
    s = mdc_spec(2, two, 1);
    s.gateway_link.rate_bps = 800 * GBPS;
    if (!ok(ns_topo_multidc(&s, &f, &e) == NS_OK, "multidc of two unlike datacenters builds: %s", e.msg))
        return;
    is_int(f->nhosts, 2 * 2 + 1 * 3, "  hosts of both");
    is_int(ns_fabric_path_count(f, 1, 5), 2 * 1 * 4, "  paths dc1 -> dc2: 2 spines x 1 x 4 spines");
    is_int(ns_fabric_path_count(f, 5, 7), 1, "  dc2 has one leaf: one path");
    g1 = find(f, "gateway1");
    ok(g1 >= 0 && f->links[f->nodes[g1].first_link].rate_bps == 800 * GBPS, "  gateway_link sets the gateway cables");
    is_int(f->nleaves, 3, "  leaves 1, 2 in dc1 and 3 in dc2");
    ok(f->nodes[6].leaf == 3 && f->nodes[6].dc == 2 && strcmp(f->nodes[6].name, "host7") == 0,
       "  host 7 is on leaf 3 in dc 2");
    ns_fabric_free(f);
}

/* --- GraphML ---------------------------------------------------------------- */

static char gfile[64];

static void
write_graph(const char *nodes, const char *edges, int numeric)
{
    FILE *fp = fopen(gfile, "w");
    fprintf(fp, "<?xml version=\"1.0\"?>\n<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n"
                "<key id=\"k\" for=\"node\" attr.name=\"kind\" attr.type=\"string\"/>\n"
                "<key id=\"n\" for=\"node\" attr.name=\"name\" attr.type=\"string\"/>\n"
                "<key id=\"d\" for=\"node\" attr.name=\"dc\" attr.type=\"int\"/>\n"
                "<key id=\"r\" for=\"edge\" attr.name=\"rate\" attr.type=\"%s\"/>\n"
                "<key id=\"l\" for=\"edge\" attr.name=\"latency\" attr.type=\"%s\"/>\n"
                "<graph edgedefault=\"undirected\">\n%s%s</graph>\n</graphml>\n",
            numeric ? "double" : "string", numeric ? "double" : "string", nodes, edges);
    fclose(fp);
}

static int
read_graph(ns_fabric **f, ns_err *e)
{
    ns_graph_spec s;
    ns_fabric_common_defaults(&s.common);
    s.path = gfile;
    s.display = "g.graphml";
    memset(e, 0, sizeof *e);
    return ns_topo_graph(&s, f, e);
}

#define SW(id) "<node id=\"" id "\"><data key=\"k\">switch</data></node>\n"
#define HO(id) "<node id=\"" id "\"><data key=\"k\">host</data></node>\n"
#define ED(a, b) "<edge source=\"" a "\" target=\"" b "\"><data key=\"r\">100Gbps</data><data key=\"l\">1us</data></edge>\n"
#define EN(a, b) "<edge source=\"" a "\" target=\"" b "\"><data key=\"r\">4e11</data><data key=\"l\">2.5e-7</data></edge>\n"

static void
expect_graph_error(const char *nodes, const char *edges, int numeric, const char *want, const char *desc)
{
    ns_fabric *f = NULL;
    ns_err e;
    write_graph(nodes, edges, numeric);
    int rc = read_graph(&f, &e);
    ok(rc != NS_OK && f == NULL && strstr(e.msg, want) != NULL, "graph error, %s: %s", desc, e.msg);
}

static void
test_graph(void)
{
    ns_fabric *f;
    ns_err e;
    /* switches listed first: hosts still come first, in file order; numeric attributes */
    write_graph(SW("s1") SW("s2") HO("b") "<node id=\"a\"><data key=\"k\">host</data><data key=\"n\">alpha</data>"
                "<data key=\"d\">2</data></node>\n" SW("core"),
                EN("b", "s1") EN("s2", "a") EN("s1", "core") EN("core", "s2") EN("core", "s2"), 1);
    if (!ok(read_graph(&f, &e) == NS_OK, "a GraphML file with switches first and numeric attributes: %s", e.msg))
        return;
    is_int(f->nhosts, 2, "  two hosts");
    ok(strcmp(f->nodes[0].name, "b") == 0 && strcmp(f->nodes[1].name, "alpha") == 0,
       "  hosts first in file order; name attribute over the id");
    ok(f->links[f->host_link[0]].rate_bps == 400 * GBPS && f->links[f->host_link[0]].latency_ps == 250000,
       "  rate 4e11 bits/s, latency 2.5e-7 s");
    is_int(ns_fabric_path_count(f, 1, 2), 2, "  two parallel cables core-s2: two paths");
    ok(f->nodes[1].dc == 2 && f->ndcs == 2, "  dc attribute read");
    ok(f->nodes[2].tier == NS_TIER_LEAF && f->nodes[4].tier == NS_TIER_SPINE, "  default tiers: leaf with hosts, spine without");
    ns_fabric_free(f);

    const char *two = HO("h1") HO("h2") SW("leaf1") SW("spine2");
    expect_graph_error(two, ED("h1", "leaf1") ED("h2", "leaf1")
                       "<edge source=\"leaf1\" target=\"spine2\"><data key=\"l\">1us</data></edge>\n", 0,
                       "graph 'g.graphml': edge 3 (leaf1-spine2): missing attribute 'rate'", "a missing rate");
    expect_graph_error(two, EN("h1", "leaf1") EN("h2", "leaf1")
                       "<edge source=\"leaf1\" target=\"spine2\"><data key=\"r\">1e9</data></edge>\n", 1,
                       "graph 'g.graphml': edge 3 (leaf1-spine2): missing attribute 'latency'",
                       "a missing numeric latency");
    expect_graph_error(two, ED("h1", "leaf1") "<edge source=\"h2\" target=\"leaf1\"><data key=\"r\">10Gbs</data>"
                       "<data key=\"l\">1us</data></edge>\n", 0,
                       "edge 2 (h2-leaf1): attribute 'rate': bad rate \"10Gbs\": unknown unit", "a bad rate unit");
    expect_graph_error(HO("h1") "<node id=\"x\"><data key=\"k\">router</data></node>\n", ED("h1", "x"), 0,
                       "graph 'g.graphml': node 2 (x): attribute 'kind' must be \"host\" or \"switch\" (got \"router\")",
                       "an unknown kind");
    expect_graph_error(HO("h1") "<node id=\"x\"/>\n", ED("h1", "x"), 0,
                       "graph 'g.graphml': node 2 (x): missing attribute 'kind'", "a missing kind");
    expect_graph_error(HO("h1") HO("h2") SW("s1") SW("s2"), ED("h1", "s1") ED("h2", "s2"), 0,
                       "graph 'g.graphml': host 'h1' cannot reach host 'h2' (no path from switch 's1' to switch 's2')",
                       "unreachable hosts");
    expect_graph_error(HO("h1") HO("h2") SW("s1"), ED("h1", "s1") ED("h2", "s1") ED("h1", "s1"), 0,
                       "graph 'g.graphml': host 'h1' has 2 links; a host has exactly one", "a host with two links");
    expect_graph_error(HO("h1") HO("h2") HO("h3") HO("h4"), ED("h1", "h2") ED("h3", "h4"), 0,
                       "graph 'g.graphml': host 'h1' cannot reach host 'h3' (there are no switches",
                       "hosts in pairs without switches");
    expect_graph_error(SW("s1") SW("s2"), ED("s1", "s2"), 0, "graph 'g.graphml': the fabric has no hosts", "no hosts");
    expect_graph_error(HO("h1") SW("s1"), ED("h1", "s1") ED("s1", "s1"), 0,
                       "graph 'g.graphml': edge 2 (s1-s1): a cable from a node to itself", "a loop");

    FILE *fp = fopen(gfile, "w");
    fputs("<graphml><graph><node id=\"a\"/></graph>", fp);
    fclose(fp);
    f = NULL;
    ok(read_graph(&f, &e) == NS_EINVAL && strstr(e.msg, "graph 'g.graphml': not a GraphML file igraph can read (") &&
       strstr(e.msg, "Line"), "broken XML: the message gives igraph's reason and line: %s", e.msg);
    unlink(gfile);
    ok(read_graph(&f, &e) == NS_EIO && strstr(e.msg, "cannot open") && strstr(e.msg, gfile),
       "a missing file: %s", e.msg);
}

static void
test_errors(void)
{
    ns_fabric *f = NULL;
    ns_err e = {0};
    ns_leafspine_spec s = ls_spec(2, 0, 2, 1);
    ok(ns_topo_leafspine(&s, &f, &e) == NS_EINVAL && f == NULL &&
       strcmp(e.msg, "leafspine: field 'spines' must be >= 1 (got 0)") == 0, "spines = 0: %s", e.msg);
    s = ls_spec(0, 2, 2, 1);
    ok(ns_topo_leafspine(&s, &f, &e) == NS_EINVAL && strstr(e.msg, "'leaves' must be >= 1 (got 0)"), "leaves = 0: %s", e.msg);
    s = ls_spec(1 << 20, 2, 1 << 20, 1);
    ok(ns_topo_leafspine(&s, &f, &e) == NS_EINVAL && strstr(e.msg, "more than"), "too many hosts: %s", e.msg);
    ns_fattree_spec ft;
    memset(&ft, 0, sizeof ft);
    ns_fabric_common_defaults(&ft.common);
    ft.link.rate_bps = GBPS;
    ft.k = 5;
    ok(ns_topo_fattree(&ft, &f, &e) == NS_EINVAL && strstr(e.msg, "fattree: field 'k' must be even and >= 2 (got 5)"),
       "odd k: %s", e.msg);
    ft.k = 0;
    ok(ns_topo_fattree(&ft, &f, &e) == NS_EINVAL && f == NULL, "k = 0: %s", e.msg);
    ns_dc_spec dc[2] = {dc_shape(1, 1, 1), dc_shape(1, 1, 1)};
    ns_multidc_spec m = mdc_spec(2, dc, 0);
    ok(ns_topo_multidc(&m, &f, &e) == NS_EINVAL && strstr(e.msg, "WAN"), "no WAN cables: %s", e.msg);
    dc[1].ls.spines = 0;
    m = mdc_spec(2, dc, 1);
    ok(ns_topo_multidc(&m, &f, &e) == NS_EINVAL && strstr(e.msg, "multidc: dc 2: field 'spines' must be >= 1"),
       "a datacenter without spines: %s", e.msg);
}

#ifdef NS_FAULT_INJECTION
/* fail the n-th allocation for n = 1, 2, ... until the build succeeds:
 * every failure must be a clean NS_ENOMEM with nothing left allocated */
static void
test_faults(const char *what, int (*build)(ns_fabric **, ns_err *))
{
    int clean = 1;
    uint64_t n;
    for (n = 1; n < 100000; n++) {
        ns_fabric *f = NULL;
        ns_err e = {0};
        ns_alloc_fail_after(n);
        int rc = build(&f, &e);
        ns_alloc_fail_after(0);
        if (rc == NS_OK) {
            ns_fabric_free(f);
            break;
        }
        if (rc != NS_ENOMEM || f || ns_alloc_live_blocks() != 0) {
            diag("%s: failing allocation %llu gave rc %d (%s), %zu blocks live", what, (unsigned long long)n, rc,
                 e.msg, ns_alloc_live_blocks());
            clean = 0;
            break;
        }
    }
    ok(clean && n > 1, "%s: each of the %llu allocations may fail cleanly", what, (unsigned long long)n - 1);
}

static int
build_ls(ns_fabric **f, ns_err *e)
{
    ns_leafspine_spec s = ls_spec(3, 2, 2, 2);
    return ns_topo_leafspine(&s, f, e);
}

static int
build_ft(ns_fabric **f, ns_err *e)
{
    ns_fattree_spec s;
    memset(&s, 0, sizeof s);
    ns_fabric_common_defaults(&s.common);
    s.k = 4;
    s.link.rate_bps = GBPS;
    return ns_topo_fattree(&s, f, e);
}

static int
build_mdc(ns_fabric **f, ns_err *e)
{
    ns_dc_spec dc[2] = {dc_shape(2, 2, 2), dc_shape(1, 3, 2)};
    dc[1].own_switch = 1;
    ns_multidc_spec s = mdc_spec(2, dc, 2);
    return ns_topo_multidc(&s, f, e);
}

static int
build_graph(ns_fabric **f, ns_err *e)
{
    return read_graph(f, e);
}
#endif

int
main(void)
{
    ns_lib_init();
    snprintf(gfile, sizeof gfile, "test_topologies-%ld.graphml", (long)getpid());
    plan(127);
    test_leafspine(4, 3, 5, 1);
    test_leafspine(4, 3, 5, 2);
    test_leafspine(1, 2, 3, 1);
    test_fattree(2);
    test_fattree(4);
    test_fattree(8);
    test_multidc();
    test_graph();
    test_errors();
#ifdef NS_FAULT_INJECTION
    test_faults("leafspine", build_ls);
    test_faults("fattree", build_ft);
    test_faults("multidc", build_mdc);
    write_graph(HO("h1") HO("h2") SW("s1") SW("s2"), ED("h1", "s1") ED("h2", "s2") ED("s1", "s2") ED("s1", "s2"), 0);
    test_faults("graph", build_graph);
    unlink(gfile);
#else
    ok(1, "# SKIP fault injection not compiled in");
    ok(1, "# SKIP fault injection not compiled in");
    ok(1, "# SKIP fault injection not compiled in");
    ok(1, "# SKIP fault injection not compiled in");
#endif
    is_int(ns_alloc_live_blocks(), 0, "nothing leaked");
    return done_testing();
}
