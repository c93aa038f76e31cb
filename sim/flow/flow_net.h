/*
 * flow_net.h - what the flow-level model tells beyond the ns_net seam: the
 * rate solver's counters, for benchmarks and tests.
 */
#ifndef NS_FLOW_NET_H
#define NS_FLOW_NET_H

#include "maxmin.h"
#include "sim/net.h"

/* the solver counters of a flow model; -1 (and *out zeroed) if `net` is
 * not the flow model */
int ns_flow_net_stats(const ns_net *net, ns_mm_stats *out);

#endif
