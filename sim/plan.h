/*
 * plan.h - the subflow plan: how a transfer is cut into subflows and
 * packets, and which path each subflow takes. Written once here and used by
 * the packet model, the flow model and the checks and estimates made before
 * a run, so that the three cut a transfer the same way.
 *
 * A transfer of B bytes from host node src to host node dst crosses the
 * network unless B = 0 or src = dst (the driver finishes those at once).
 * It becomes k = min(run subflows, B) subflows, never an empty one: subflow
 * i carries B / k bytes, one more when i < B mod k, so subflow 0 is the
 * largest. A subflow of b bytes is ceil(b / mss) packets, all of mss payload
 * bytes but the last.
 * Paths: every subflow of a transfer carries the transfer's flow label
 * (route.h: ns_route_label) and starts with path offset path0 + i, which
 * the switches spend digit by digit (ns_route_pick), so the k subflows take
 * k distinct paths wherever the fabric has k. path0 is 0 but under
 * lb = "ethereal", where the driver (sim.c) chooses k and path0 for each
 * transfer of a batch and the switches spend the offset without a hash
 * (ns_route_pin): path p is then the same p for every label.
 */
#ifndef NS_PLAN_H
#define NS_PLAN_H

#include <stdint.h>
#include "route.h"

typedef struct ns_plan {
    uint64_t base, extra;    /* subflow i carries base + (i < extra) bytes */
    uint32_t k;              /* subflows */
    uint32_t mss;            /* payload bytes of a full packet */
    uint32_t label;          /* the flow label of every subflow */
    uint32_t path0;          /* the path offset of subflow 0 */
} ns_plan;

/* 1 if a transfer of `bytes` from host node src to dst crosses the network */
static inline int
ns_plan_crosses(uint64_t bytes, uint32_t src, uint32_t dst)
{
    return bytes > 0 && src != dst;
}

/* the subflows of a transfer of `bytes` (> 0) when the run asks for `subflows` */
static inline uint32_t
ns_plan_subflows(uint64_t bytes, uint32_t subflows)
{
    return subflows < bytes ? subflows : (uint32_t)bytes;
}

/* packets of a subflow of `bytes` */
static inline uint64_t
ns_plan_packets(uint64_t bytes, uint32_t mss)
{
    return bytes / mss + (bytes % mss != 0);
}

/* the cut of a transfer of `bytes` (> 0), without its label */
static inline void
ns_plan_cut(ns_plan *p, uint64_t bytes, uint32_t subflows, uint32_t mss)
{
    p->k = ns_plan_subflows(bytes, subflows);
    p->base = bytes / p->k;
    p->extra = bytes % p->k;
    p->mss = mss;
    p->label = 0;
    p->path0 = 0;
}

/* the plan of transfer `xfer` of `bytes` (> 0) from host node src to dst,
 * cut into the `subflows` its driver asked for, subflow 0 on path `path0` */
static inline void
ns_plan_make(ns_plan *p, uint64_t bytes, uint32_t subflows, uint32_t path0, uint32_t mss, uint32_t src,
             uint32_t dst, uint32_t xfer)
{
    ns_plan_cut(p, bytes, subflows, mss);
    p->label = ns_route_label(src, dst, xfer);
    p->path0 = path0;
}

/* packets of all its subflows */
static inline uint64_t
ns_plan_all_packets(const ns_plan *p)
{
    return p->extra * ns_plan_packets(p->base + 1, p->mss) + (p->k - p->extra) * ns_plan_packets(p->base, p->mss);
}

/* bytes of subflow i */
static inline uint64_t
ns_plan_bytes(const ns_plan *p, uint32_t i)
{
    return p->base + (i < p->extra);
}

/* the path offset subflow i starts with */
static inline uint16_t
ns_plan_path(const ns_plan *p, uint32_t i)
{
    return (uint16_t)(p->path0 + i);
}

#endif
