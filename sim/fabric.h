/*
 * fabric.h - a built fabric: nodes, directed links, switch settings and
 * equal-cost forwarding tables.
 *
 * Topology builders (topologies/) fill an ns_fabric through this interface
 * and call ns_fabric_finish(), which orders the links, checks the shape and
 * computes the forwarding tables from the graph. A fabric is plain data: it
 * knows nothing of packets and can be simulated many times, by the packet or
 * the flow model.
 *
 * Numbering: nodes are 0-based inside (user ids are index + 1). Hosts come
 * first, so host h (1-based, as in scenarios) is node h - 1. Every host has
 * one link to the scale-out fabric (its NIC); in a fabric of servers it also
 * has one to its server's scale-up (NVLink) switch. Links are directed, one
 * per direction of a cable; `reverse` names the opposite direction.
 *
 * Servers (topologies/servers.c): G GPUs per server, each a host with its
 * own NIC, joined by one scale-up switch per server (nodes nvs0 .. nvs0 +
 * servers - 1, cabled to their GPUs in GPU order). A packet from GPU a to
 * GPU b goes over NVLink when both are in one server; otherwise out of a's
 * NIC, unless PXN is on and b's NIC is on another rail: then over NVLink to
 * the GPU of a's server on b's rail, which sends it out of its own NIC
 * (the only case where a host forwards).
 */
#ifndef NS_FABRIC_H
#define NS_FABRIC_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"
#include "time.h"

enum { NS_NODE_HOST = 0, NS_NODE_SWITCH = 1 };

/* tiers, for the output tables and selectors */
enum { NS_TIER_HOST = 0, NS_TIER_LEAF = 1, NS_TIER_SPINE = 2, NS_TIER_CORE = 3, NS_TIER_GATEWAY = 4,
       NS_TIER_SCALEUP = 5 /* a server's NVLink switch */ };

#define NS_NAME_MAX 32

/* output-queue settings of a switch's ports. What a scenario does not say
 * is a current datacenter switch's (switch_defaults.c): `buffer_auto` and
 * `ecn_auto` ask ns_fabric_finish to size them per switch and per port. */
typedef struct ns_switch_cfg {
    uint64_t buffer_bytes;   /* per-port buffer, or the switch's shared pool; 0 = unlimited */
    int      shared;         /* 1: one pool per switch with a dynamic threshold */
    double   dt_alpha;       /* dynamic threshold: a port may hold alpha x free pool */
    int      ecn;            /* 1: RED-style marking on the instantaneous queue */
    uint64_t ecn_kmin, ecn_kmax; /* bytes (kmin == kmax: step marking at kmin) */
    double   ecn_pmax;       /* marking probability at kmax (1 above it) */
    uint8_t  buffer_auto;    /* 1: a shared pool sized from the switch's capacity */
    uint8_t  ecn_auto;       /* 1: thresholds per port from its rate and the fabric's RTT */
    int8_t   pfc;            /* NS_PFC_*: priority flow control on the ports into this switch */
    uint64_t pfc_xoff, pfc_xon;  /* bytes per ingress port; 0: derived (switch_defaults.c) */
    uint8_t  trim;           /* 1: a data packet that finds no room is cut to its header, sent first */
} ns_switch_cfg;

/* ns_switch_cfg.pfc: as the transport wants (lossless for RoCE), off, on */
enum { NS_PFC_AUTO = -1, NS_PFC_OFF = 0, NS_PFC_ON = 1 };

/* the defaults (switch_defaults.c), quoted by the run header and the man page */
#define NS_BUFFER_BYTES_PER_TBPS 4400000.0   /* Tomahawk 4: 113 MB for 25.6 Tb/s */
#define NS_BUFFER_DT_ALPHA       8.0         /* SONiC lossy profiles: dynamic_th 3, alpha = 2^3 */
#define NS_ECN_K_DIVISOR         7           /* DCTCP: K > C x RTT / 7 */

typedef struct ns_fnode {
    uint8_t  kind;           /* NS_NODE_HOST or NS_NODE_SWITCH */
    uint8_t  tier;
    uint16_t cfg;            /* index into fab->cfgs (switches) */
    int32_t  dc, pod, leaf;  /* 1-based groups, 0 when not applicable */
    uint32_t first_link;     /* outgoing links are [first_link, first_link + nlinks) */
    uint32_t nlinks;
    uint32_t edge;           /* switches with hosts: their index among edge switches, else UINT32_MAX */
    char     name[NS_NAME_MAX];
} ns_fnode;

typedef struct ns_flink {
    uint32_t src, dst;       /* node indices */
    uint32_t reverse;        /* link index of the other direction */
    uint64_t rate_bps;
    ns_time  latency_ps;
    uint64_t buffer_bytes;   /* buffer of the output port at src, or its switch's shared pool (0 = unlimited) */
    /* resolved by ns_fabric_finish from the switch's settings: marking at the
     * output port at src (ecn_kmax 0: none), and the PFC thresholds of the
     * ingress at dst (pfc_xoff 0: none, or not decided until the run) */
    uint64_t ecn_kmin, ecn_kmax;
    double   ecn_pmax;
    uint64_t pfc_xoff, pfc_xon;
} ns_flink;

/* an equal-cost next-hop set: links[off .. off+n) of fab->hops */
typedef struct ns_hopset {
    uint32_t off;
    uint32_t n;
} ns_hopset;

typedef struct ns_fabric {
    ns_fnode      *nodes;
    size_t         nnodes, nodes_cap;
    size_t         nhosts;
    ns_flink      *links;
    size_t         nlinks, links_cap;
    ns_switch_cfg *cfgs;
    size_t         ncfgs, cfgs_cap;
    uint32_t       mtu;          /* largest packet on the wire, header included, bytes */
    uint32_t       header;       /* header bytes per packet */
    char           kind[16];     /* "star", "leafspine", ... */
    int32_t        ndcs, npods, nleaves;

    /* forwarding, filled by ns_fabric_finish */
    int            finished;
    uint32_t      *host_attach;  /* host -> node its NIC link reaches */
    uint32_t      *host_link;    /* host -> its outgoing NIC link */
    /* copies of what forwarding reads per packet from the big node and link
     * records (nodes[host_attach[h]].edge, links[host_link[h]].reverse), in
     * dense arrays: a lookup then costs no cache miss on a 100-byte record */
    uint32_t      *host_edge;    /* host -> the edge index of its attachment */
    uint32_t      *host_down;    /* host -> the link into it from its attachment */
    size_t         nedges;       /* nodes with hosts attached ("edge" nodes) */
    uint32_t      *edge_node;    /* edge index -> node */
    ns_hopset     *route;        /* [(switch node - nhosts) * nedges + edge]: next hops towards the edge node */
    uint32_t      *hops;         /* link indices */
    size_t         nhops, hops_cap;

    /* servers (fabric{ server = { gpus = G, nvlink = {...} } }): hosts are
     * GPUs, numbered server by server, so host node h is GPU h % G of server
     * h / G; 0 when every host is a single-NIC endpoint */
    uint32_t       gpus_per_server;
    uint32_t       nvs0;         /* node of server 0's scale-up switch */
    uint8_t        rails;        /* 1: NIC r of every server on the leaf of rail r */
    uint8_t        pxn;          /* 1: cross-rail traffic moves to the right rail over NVLink first */
    uint32_t      *host_nvlink;  /* host -> its outgoing NVLink link (servers only, else NULL) */

    /* hosts handed out to jobs by fab:allocate (topologies/allocate.h), NULL until the first */
    uint8_t       *held;
    size_t         nheld;
} ns_fabric;

ns_fabric *ns_fabric_new(void);
void ns_fabric_free(ns_fabric *f);

/* add a switch configuration; returns its index or -1 (no memory) */
int ns_fabric_add_cfg(ns_fabric *f, const ns_switch_cfg *cfg);
/* add a node; hosts must all come before the first switch.
 * Returns the node index, or -1 with a message in `e`. */
long ns_fabric_add_node(ns_fabric *f, int kind, int tier, int cfg, const char *name,
                        int dc, int pod, int leaf, ns_err *e);
/* add a cable between nodes a and b: two directed links of the same rate and
 * latency. Returns the index of the a->b link, or -1 with a message. */
long ns_fabric_add_cable(ns_fabric *f, uint32_t a, uint32_t b, uint64_t rate_bps,
                         ns_time latency_ps, ns_err *e);
/* order links, check the shape, compute forwarding (sim/routing.c) */
int ns_fabric_finish(ns_fabric *f, ns_err *e);

/* "leaf3->spine7": the names of link l's ends (NS_LINK_NAME_MAX bytes hold it) */
#define NS_LINK_NAME_MAX (2 * NS_NAME_MAX + 2)
void ns_fabric_link_name(const ns_fabric *f, size_t l, char *buf, size_t n);

/* switch_defaults.c: resolve buffers, marking and pause thresholds into the
 * links (ns_fabric_finish calls it); describe the switches for the header */
void ns_fabric_resolve_switches(ns_fabric *f);
void ns_fabric_describe_switches(const ns_fabric *f, char *buf, size_t n);
/* a port's bandwidth x the fabric's longest base RTT; the headroom an
 * ingress needs above xoff to lose nothing */
uint64_t ns_switch_bdp_bytes(const ns_fabric *f, const ns_flink *l);
uint64_t ns_switch_headroom_bytes(const ns_fabric *f, const ns_flink *l);

static inline uint32_t ns_fabric_host_node(const ns_fabric *f, uint32_t host_id) { (void)f; return host_id - 1; }
static inline int ns_fabric_is_host(const ns_fabric *f, uint32_t node) { return node < f->nhosts; }

/* next hops from switch `node` towards host node `dst`; an empty set when the
 * switch is the host's attachment (the next hop is then the host's downlink,
 * ns_fabric_downlink) */
static inline const ns_hopset *
ns_fabric_route(const ns_fabric *f, uint32_t node, uint32_t dst_host_node)
{
    uint32_t edge = f->host_edge[dst_host_node];
    return &f->route[(size_t)(node - f->nhosts) * f->nedges + edge];
}

/* the link into host node h from its attachment */
static inline uint32_t
ns_fabric_downlink(const ns_fabric *f, uint32_t h)
{
    return f->host_down[h];
}

/* the server (0-based) of host node h and its GPU index inside it (its
 * rail when rails are on); only when f->gpus_per_server > 0 */
static inline uint32_t ns_fabric_server_of(const ns_fabric *f, uint32_t h) { return h / f->gpus_per_server; }
static inline uint32_t ns_fabric_local_of(const ns_fabric *f, uint32_t h) { return h % f->gpus_per_server; }

/* 1 if a packet from host node h to host node dst leaves h over NVLink */
static inline int
ns_fabric_via_nvlink(const ns_fabric *f, uint32_t h, uint32_t dst)
{
    return f->gpus_per_server && (ns_fabric_server_of(f, h) == ns_fabric_server_of(f, dst) ||
                                  (f->pxn && ns_fabric_local_of(f, h) != ns_fabric_local_of(f, dst)));
}

/* the link host node h sends on towards host node dst */
static inline uint32_t
ns_fabric_egress(const ns_fabric *f, uint32_t h, uint32_t dst)
{
    return ns_fabric_via_nvlink(f, h, dst) ? f->host_nvlink[h] : f->host_link[h];
}

/* at scale-up switch `nvs`, the link towards host node dst: to dst itself
 * when it is in this server, else (PXN) to this server's GPU on dst's rail */
static inline uint32_t
ns_fabric_scaleup_next(const ns_fabric *f, uint32_t nvs, uint32_t dst)
{
    uint32_t g = (nvs - f->nvs0) * f->gpus_per_server + ns_fabric_local_of(f, dst);
    return f->links[f->host_nvlink[g]].reverse;
}

/* the host node whose NIC takes traffic from host node h to dst into the
 * scale-out fabric: h itself, or under PXN its server's GPU on dst's rail;
 * UINT32_MAX when the traffic stays inside one server */
static inline uint32_t
ns_fabric_nic_host(const ns_fabric *f, uint32_t h, uint32_t dst)
{
    if (!f->gpus_per_server)
        return h;
    if (ns_fabric_server_of(f, h) == ns_fabric_server_of(f, dst))
        return UINT32_MAX;
    if (ns_fabric_via_nvlink(f, h, dst))
        return ns_fabric_server_of(f, h) * f->gpus_per_server + ns_fabric_local_of(f, dst);
    return h;
}

/* the lowest NIC rate among the given hosts (1-based ids) */
uint64_t ns_fabric_min_host_rate(const ns_fabric *f, const uint32_t *hosts, size_t n);
/* number of distinct shortest paths from host a to host b (both 1-based) */
uint64_t ns_fabric_path_count(const ns_fabric *f, uint32_t a, uint32_t b);

/* implemented in sim/routing.c */
int ns_fabric_compute_routes(ns_fabric *f, ns_err *e);
/* the forwarding tables of f without the links marked in down[] (both
 * directions of a cable marked): new arrays in *route and *hops (the
 * caller frees them); a switch that cannot reach an edge node any more has
 * an empty set for it. For failures during a run (sim/packet/failure.c) */
int ns_fabric_reroute(const ns_fabric *f, const uint8_t *down, ns_hopset **route, uint32_t **hops, ns_err *e);
/* the pinned paths (route.h: ns_route_pin) from host node src to host node
 * dst: the product of the equal-cost choices along path 0, which is every
 * equal-cost path in a fabric whose choices do not depend on the way taken
 * (leaf-spine, fat-tree, datacentres joined by WAN links); 1 under one
 * switch; capped at NS_PIN_MAX_PATHS. O(hops) */
#define NS_PIN_MAX_PATHS 32767u   /* below NS_MAX_SUBFLOWS (sim.h): a transfer's subflows, a path offset */
uint32_t ns_fabric_pinned_paths(const ns_fabric *f, uint32_t src, uint32_t dst);
/* the most subflows asked for a transfer from host node src to dst under
 * policy `lb` (NS_LB_*, sim.h) with run{subflows = subflows}: `subflows`,
 * or under ethereal its pinned paths (a left-over transfer's s / gcd(r, s)
 * is at most s); for the estimates made before a run */
uint32_t ns_fabric_most_subflows(const ns_fabric *f, int lb, uint32_t subflows, uint32_t src, uint32_t dst);

#endif
