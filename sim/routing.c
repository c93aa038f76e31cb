/*
 * routing.c - equal-cost forwarding tables of a fabric, from the graph.
 *
 * Paths are shortest in switch hops (as ECMP routing computes them); hosts
 * never forward. For every switch and every edge node (a node with hosts
 * attached), the next hops are the links to neighbour switches one hop
 * closer to the edge node, parallel links included. Distances come from
 * igraph on the switch-only graph, so every fabric, hand-built or read from
 * a file, gets the same forwarding and every load-balancing policy.
 */
#include <config.h>
#include "fabric.h"

#include <igraph.h>
#include <string.h>
#include "alloc.h"
#include "lib.h"
#include "rng.h"
#include "route.h"
#include "sim.h"

/* the per-switch cache of recent next-hop sets, to share identical sets */
#define RECENT 8

static int
assign_edges(ns_fabric *f, ns_err *e)
{
    f->edge_node = ns_alloc(f->nhosts * sizeof *f->edge_node);
    f->host_edge = ns_alloc(f->nhosts * sizeof *f->host_edge);
    if (!f->edge_node || !f->host_edge)
        return ns_enomem(e, "forwarding tables");
    f->nedges = 0;
    for (size_t h = 0; h < f->nhosts; h++) {
        uint32_t a = f->host_attach[h];
        if (a < f->nhosts && f->host_attach[a] != h)
            return ns_errorf(e, NS_EINVAL, "%s: host '%s' is linked to host '%s', which is linked elsewhere; "
                             "hosts do not forward", f->kind, f->nodes[h].name, f->nodes[a].name);
        if (f->nodes[a].edge == UINT32_MAX) {
            f->nodes[a].edge = (uint32_t)f->nedges;
            f->edge_node[f->nedges++] = a;
        }
        f->host_edge[h] = f->nodes[a].edge;
    }
    return NS_OK;
}

static int
same_set(const ns_fabric *f, const ns_hopset *hs, const uint32_t *cand, uint32_t n)
{
    return hs->n == n && memcmp(&f->hops[hs->off], cand, n * sizeof *cand) == 0;
}

static int build_routes(ns_fabric *f, const uint8_t *down, int strict, ns_err *e);

int
ns_fabric_compute_routes(ns_fabric *f, ns_err *e)
{
    int rc = assign_edges(f, e);
    if (rc)
        return rc;
    return build_routes(f, NULL, 1, e);
}

int
ns_fabric_reroute(const ns_fabric *f, const uint8_t *down, ns_hopset **route, uint32_t **hops, ns_err *e)
{
    ns_fabric tmp = *f;   /* shares the nodes and links, read only; tables of its own */
    tmp.route = NULL;
    tmp.hops = NULL;
    tmp.nhops = tmp.hops_cap = 0;
    int rc = build_routes(&tmp, down, 0, e);
    if (rc) {
        ns_free(tmp.route);
        ns_free(tmp.hops);
        return rc;
    }
    *route = tmp.route;
    *hops = tmp.hops;
    return NS_OK;
}

/* the next-hop sets of every switch towards every edge node, over the links
 * that are not down (down NULL: all); strict: every edge node must reach
 * every other (else unreachable entries stay empty) */
static int
build_routes(ns_fabric *f, const uint8_t *down, int strict, ns_err *e)
{
    int rc;
    size_t nsw = f->nnodes - f->nhosts;
    if (nsw == 0) {
        /* no switches: only two hosts cabled to each other reach each other */
        if (f->nhosts > 2)
            return ns_errorf(e, NS_EINVAL, "%s: host '%s' cannot reach host '%s' (there are no switches, "
                             "and a host does not forward)", f->kind, f->nodes[0].name,
                             f->nodes[f->host_attach[0] == 1 ? 2 : 1].name);
        return NS_OK;   /* a pair of hosts: no forwarding */
    }
    for (size_t h = 0; h < f->nhosts; h++)
        if (f->host_attach[h] < f->nhosts)
            return ns_errorf(e, NS_EINVAL, "%s: host '%s' is cabled directly to host '%s'; in a fabric with "
                             "switches every host must be cabled to a switch (hosts do not forward)", f->kind,
                             f->nodes[h].name, f->nodes[f->host_attach[h]].name);

    igraph_t g;
    igraph_vector_int_t edges, from;
    igraph_matrix_t dist;
    int have_g = 0, have_edges = 0, have_from = 0, have_dist = 0;
    uint32_t *cand = NULL;
    rc = NS_OK;

    if (igraph_vector_int_init(&edges, 0)) goto nomem;
    have_edges = 1;
    for (size_t i = 0; i < f->nlinks; i++) {
        const ns_flink *l = &f->links[i];
        if (l->src >= f->nhosts && l->dst >= f->nhosts && l->src < l->dst && !(down && down[i])) {
            if (igraph_vector_int_push_back(&edges, (igraph_integer_t)(l->src - f->nhosts)) ||
                igraph_vector_int_push_back(&edges, (igraph_integer_t)(l->dst - f->nhosts)))
                goto nomem;
        }
    }
    if (igraph_create(&g, &edges, (igraph_integer_t)nsw, IGRAPH_UNDIRECTED)) goto nomem;
    have_g = 1;
    if (igraph_vector_int_init(&from, 0)) goto nomem;
    have_from = 1;
    for (size_t k = 0; k < f->nedges; k++)
        if (igraph_vector_int_push_back(&from, (igraph_integer_t)(f->edge_node[k] - f->nhosts)))
            goto nomem;
    if (igraph_matrix_init(&dist, 0, 0)) goto nomem;
    have_dist = 1;
    if (igraph_distances(&g, &dist, igraph_vss_vector(&from), igraph_vss_all(), IGRAPH_ALL))
        goto nomem;

    f->route = ns_calloc(nsw * f->nedges, sizeof *f->route);
    cand = ns_alloc((f->nlinks ? f->nlinks : 1) * sizeof *cand);
    if (!f->route || !cand)
        goto nomem;
    for (size_t s = 0; s < nsw; s++) {
        if ((s & 0xff) == 0 && ns_interrupted()) {
            rc = ns_errorf(e, NS_EINTR, "interrupted while computing the forwarding tables");
            goto out;
        }
        const ns_fnode *sn = &f->nodes[f->nhosts + s];
        ns_hopset recent[RECENT];
        size_t nrecent = 0;
        for (size_t k = 0; k < f->nedges; k++) {
            ns_hopset *hs = &f->route[s * f->nedges + k];
            double d = MATRIX(dist, (igraph_integer_t)k, (igraph_integer_t)s);
            if (d == 0)
                continue;   /* this switch is the edge node: deliver on the host's downlink */
            if (d == IGRAPH_INFINITY) {
                /* only an error if some host can reach this switch: then the hosts
                 * below it cannot reach the hosts below edge k */
                continue;
            }
            uint32_t n = 0;
            for (uint32_t j = 0; j < sn->nlinks; j++) {
                uint32_t li = sn->first_link + j;
                uint32_t nb = f->links[li].dst;
                if (nb < f->nhosts || (down && down[li]))
                    continue;
                if (MATRIX(dist, (igraph_integer_t)k, (igraph_integer_t)(nb - f->nhosts)) == d - 1)
                    cand[n++] = li;
            }
            size_t r;
            for (r = 0; r < nrecent; r++)
                if (same_set(f, &recent[r], cand, n))
                    break;
            if (r < nrecent) {
                *hs = recent[r];
                continue;
            }
            if (ns_grow((void **)&f->hops, &f->hops_cap, f->nhops + n, sizeof *f->hops))
                goto nomem;
            memcpy(&f->hops[f->nhops], cand, n * sizeof *cand);
            hs->off = (uint32_t)f->nhops;
            hs->n = n;
            f->nhops += n;
            recent[nrecent < RECENT ? nrecent++ : (k % RECENT)] = *hs;
        }
    }
    /* every edge node must reach every other through the switches */
    for (size_t a = 0; a < f->nedges && strict; a++) {
        if (f->edge_node[a] < f->nhosts) {
            /* two hosts cabled to each other beside a switched fabric */
            rc = ns_errorf(e, NS_EINVAL, "%s: host '%s' is cabled directly to host '%s' and cannot reach the other hosts",
                           f->kind, f->nodes[f->edge_node[a]].name, f->nodes[f->host_attach[f->edge_node[a]]].name);
            goto out;
        }
        for (size_t b = 0; b < f->nedges; b++) {
            if (f->edge_node[b] < f->nhosts)
                continue;   /* reported when a reaches it */
            if (MATRIX(dist, (igraph_integer_t)b, (igraph_integer_t)(f->edge_node[a] - f->nhosts)) == IGRAPH_INFINITY) {
                const char *ha = NULL, *hb = NULL;
                for (size_t h = 0; h < f->nhosts; h++) {
                    if (!ha && f->host_attach[h] == f->edge_node[a]) ha = f->nodes[h].name;
                    if (!hb && f->host_attach[h] == f->edge_node[b]) hb = f->nodes[h].name;
                }
                rc = ns_errorf(e, NS_EINVAL, "%s: host '%s' cannot reach host '%s' (no path from switch '%s' to switch '%s')",
                               f->kind, ha, hb, f->nodes[f->edge_node[a]].name, f->nodes[f->edge_node[b]].name);
                goto out;
            }
        }
    }
    goto out;
nomem:
    rc = ns_enomem(e, "forwarding tables");
out:
    ns_free(cand);
    if (have_dist) igraph_matrix_destroy(&dist);
    if (have_from) igraph_vector_int_destroy(&from);
    if (have_g) igraph_destroy(&g);
    if (have_edges) igraph_vector_int_destroy(&edges);
    return rc;
}

uint32_t
ns_fabric_pinned_paths(const ns_fabric *f, uint32_t src, uint32_t dst)
{
    src = ns_fabric_nic_host(f, src, dst);
    if (src == UINT32_MAX)
        return 1;   /* inside a server: one NVLink switch */
    uint32_t node = f->host_attach[src], target = f->host_attach[dst];
    uint64_t s = 1;
    if (node < f->nhosts)
        return 1;   /* two hosts on one cable */
    for (size_t hops = 0; node != target && hops < f->nlinks; hops++) {
        const ns_hopset *hs = ns_fabric_route(f, node, dst);
        if (hs->n == 0)
            break;
        s *= hs->n;
        if (s > NS_PIN_MAX_PATHS)
            return NS_PIN_MAX_PATHS;
        node = f->links[f->hops[hs->off]].dst;
    }
    return (uint32_t)s;
}

uint32_t
ns_fabric_most_subflows(const ns_fabric *f, int lb, uint32_t subflows, uint32_t src, uint32_t dst)
{
    return lb == NS_LB_ETHEREAL ? ns_fabric_pinned_paths(f, src, dst) : subflows;
}

void
ns_routing_lib_init(void)
{
    igraph_set_error_handler(igraph_error_handler_ignore);   /* the default aborts */
    igraph_set_warning_handler(igraph_warning_handler_ignore);
}

/* the per-switch ECMP salts (route.h) */
int
ns_route_salts(uint64_t seed, uint32_t *salt, size_t nnodes)
{
    ns_rng *r = ns_rng_new(seed, NS_RNG_ECMP_SALT, 0);
    if (!r)
        return -1;
    for (size_t v = 0; v < nnodes; v++)
        salt[v] = ns_rng_u32(r);
    ns_rng_free(r);
    return 0;
}
