/*
 * topo.h - fabric builders. Each takes a plain spec, builds and finishes an
 * ns_fabric (forwarding included), and returns NS_OK and *out, or an error
 * code with a message in `e` (and nothing allocated).
 */
#ifndef NS_TOPO_H
#define NS_TOPO_H

#include <stdint.h>
#include "sim/error.h"
#include "sim/fabric.h"
#include "sim/time.h"

typedef struct ns_link_spec {
    uint64_t rate_bps;
    ns_time  latency_ps;
} ns_link_spec;

/* settings every builder shares */
typedef struct ns_fabric_common {
    uint32_t      mtu;        /* bytes on the wire, header included */
    uint32_t      header;     /* bytes per packet */
    ns_switch_cfg sw;         /* switch output queues */
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

int ns_topo_pair(const ns_pair_spec *s, ns_fabric **out, ns_err *e);
int ns_topo_star(const ns_star_spec *s, ns_fabric **out, ns_err *e);

/* shared by builders: a new fabric with the common settings applied and
 * switch configuration 0 added; NULL on no memory */
ns_fabric *ns_topo_begin(const char *kind, const ns_fabric_common *c);

#endif
