/*
 * topo.h - fabric builders. Each takes a plain spec, builds and finishes an
 * ns_fabric (forwarding included), and returns NS_OK and *out, or an error
 * code with a message in `e` (and nothing allocated).
 */
#ifndef NS_TOPO_H
#define NS_TOPO_H

#include <stddef.h>
#include <stdint.h>
#include "sim/error.h"
#include "sim/fabric.h"
#include "sim/time.h"

typedef struct ns_link_spec {
    uint64_t rate_bps;
    ns_time  latency_ps;
} ns_link_spec;

/* servers of several GPUs (topologies/servers.c): every host is a GPU with
 * its own NIC; the `gpus` GPUs of a server share a scale-up switch, each by
 * one `nvlink` cable. With `rails`, NIC r of every server goes to the leaf
 * of rail r of its group (leaves come in groups of `gpus`, hosts_per_leaf
 * servers per group); without, a server's NICs share one leaf. `pxn`: a GPU
 * reaches another server's GPU on another rail over NVLink to its own
 * server's GPU on that rail first (NCCL's PXN); needs rails. */
typedef struct ns_server_spec {
    uint32_t     gpus;        /* 0: hosts are single-NIC endpoints, no servers */
    ns_link_spec nvlink;
    int          rails;
    int          pxn;
} ns_server_spec;

/* the NVLink a scenario that names no rate or latency gets: NVLink 4 as in
 * an HGX H100 server (18 links x 25 GB/s per direction = 450 GB/s = 3.6
 * Tb/s per GPU, through NVSwitch), and a hop's latency */
#define NS_NVLINK_RATE_BPS  3600000000000ull
#define NS_NVLINK_LATENCY_PS 250000
#define NS_SERVER_GPUS       8

/* settings every builder shares */
typedef struct ns_fabric_common {
    uint32_t       mtu;        /* bytes on the wire, header included */
    uint32_t       header;     /* bytes per packet */
    ns_switch_cfg  sw;         /* switch output queues */
    ns_server_spec server;     /* gpus 0: none */
} ns_fabric_common;

void ns_fabric_common_defaults(ns_fabric_common *c);

/* two hosts joined by one cable */
typedef struct ns_pair_spec {
    ns_link_spec     link;
    ns_fabric_common common;
} ns_pair_spec;

/* hosts on one switch */
typedef struct ns_star_spec {
    uint32_t         hosts;
    ns_link_spec     link;
    ns_fabric_common common;
} ns_star_spec;

/* the shape of one leaf-spine (a fabric of its own, or one datacenter of
 * a multidc): `leaves` leaf switches with `hosts_per_leaf` hosts each, every
 * leaf cabled to every one of `spines` spine switches by `links_per_spine`
 * parallel cables. Oversubscription at a leaf follows from the numbers:
 * hosts_per_leaf x host rate / (spines x links_per_spine x fabric rate). */
typedef struct ns_ls_shape {
    uint32_t     leaves;
    uint32_t     spines;
    uint32_t     hosts_per_leaf;
    uint32_t     links_per_spine;   /* >= 1 */
    ns_link_spec host_link;         /* host - leaf */
    ns_link_spec fabric_link;       /* leaf - spine */
} ns_ls_shape;

/* one leaf-spine cable that runs slower than fabric_link, or is missing:
 * cable `cable` (1 .. links_per_spine) between leaf `leaf` and spine `spine`
 * (both 1-based); rate_bps 0 means the cable has failed (it is left out,
 * and forwarding goes around it) */
typedef struct ns_ls_fault {
    uint32_t leaf;
    uint32_t spine;
    uint32_t cable;
    uint64_t rate_bps;
} ns_ls_fault;

typedef struct ns_leafspine_spec {
    ns_ls_shape        shape;
    const ns_ls_fault *faults;    /* nfaults entries (borrowed), each naming a distinct cable */
    size_t             nfaults;
    ns_fabric_common   common;
} ns_leafspine_spec;

/* the three-tier k-ary fat-tree of Al-Fares et al.: k pods of k/2 edge and
 * k/2 aggregation switches, (k/2)^2 core switches, k/2 hosts per edge
 * switch (k^3/4 hosts); every cable has `link`. k is even, >= 2. */
typedef struct ns_fattree_spec {
    uint32_t         k;
    ns_link_spec     link;
    ns_fabric_common common;
} ns_fattree_spec;

/* one datacenter of a multidc */
typedef struct ns_dc_spec {
    ns_ls_shape   ls;
    int           own_switch;   /* 1: `sw` applies to this DC's leaves and spines */
    ns_switch_cfg sw;           /* else they use common.sw, as the gateways do */
} ns_dc_spec;

/* datacenters joined by WAN cables through one gateway switch each: every
 * gateway is cabled to every spine of its datacenter, and every pair of
 * gateways is joined by `wan_links` cables of `wan` (a full mesh). */
typedef struct ns_multidc_spec {
    uint32_t          dcs;
    const ns_dc_spec *dc;            /* dcs entries */
    ns_link_spec      gateway_link;  /* gateway - spine; rate 0: each DC's fabric_link */
    ns_link_spec      wan;
    uint32_t          wan_links;     /* >= 1 */
    ns_fabric_common  common;
} ns_multidc_spec;

/* a GraphML file (see topologies/graph.c for the attributes it reads) */
typedef struct ns_graph_spec {
    const char      *path;      /* the file to open */
    const char      *display;   /* the file as the user named it, for messages */
    ns_fabric_common common;
} ns_graph_spec;

int ns_topo_pair(const ns_pair_spec *s, ns_fabric **out, ns_err *e);
int ns_topo_star(const ns_star_spec *s, ns_fabric **out, ns_err *e);
int ns_topo_leafspine(const ns_leafspine_spec *s, ns_fabric **out, ns_err *e);
int ns_topo_fattree(const ns_fattree_spec *s, ns_fabric **out, ns_err *e);
int ns_topo_multidc(const ns_multidc_spec *s, ns_fabric **out, ns_err *e);
int ns_topo_graph(const ns_graph_spec *s, ns_fabric **out, ns_err *e);

/* servers.c: check that `leaves` leaves of `hosts_per_leaf` NICs each hold
 * whole servers (`what` names the fabric in messages); the 0-based leaf of
 * host h (0-based, within the leaves) ; add the scale-up switches and their
 * cables to a fabric whose other nodes and cables are all in place */
int ns_servers_check(const ns_server_spec *sv, uint32_t leaves, uint32_t hosts_per_leaf, const char *what,
                     const char *leaf_word, ns_err *e);   /* leaf_word: "leaf" or "edge" */
uint32_t ns_servers_host_leaf(const ns_server_spec *sv, uint32_t hosts_per_leaf, uint32_t h);
int ns_servers_add(ns_fabric *f, const ns_server_spec *sv, ns_err *e);
/* the switch configuration of scale-up switches (lossless, unmarked): its index, or -1 (no memory) */
int ns_servers_scaleup_cfg(ns_fabric *f);

/* shared by builders: a new fabric with the common settings applied and
 * switch configuration 0 added; NULL on no memory */
ns_fabric *ns_topo_begin(const char *kind, const ns_fabric_common *c);
/* the end of a builder: with rc == NS_OK, finish f (forwarding) and hand it
 * to *out; otherwise, or if finishing fails, free f and return the error */
int ns_topo_end(ns_fabric *f, int rc, ns_fabric **out, ns_err *e);

#endif
