/*
 * route.h - the hash-based path choice shared by the packet and the flow
 * model, so that `ecmp` means the same collisions in both.
 *
 * A transfer's flow label is a hash of its identity (source, destination,
 * transfer number), as a switch hashes a 5-tuple. At a switch with n > 1
 * equal-cost next hops, a label goes to next hop
 *     (hash(salt of the switch, label) + off) mod n,   then off = off / n
 * where off starts as the subflow's index. The offset is spent digit by
 * digit, in the radix of each choice on the way, so the k subflows of one
 * transfer take k distinct paths wherever the fabric has at least k (in a
 * fat-tree, subflows 0..3 take the 2 x 2 agg/core combinations, not twice
 * the same two).
 */
#ifndef NS_ROUTE_H
#define NS_ROUTE_H

#include <stdint.h>
#include "rng.h"

/* the flow label of transfer `xfer` from host node src to host node dst */
static inline uint32_t
ns_route_label(uint32_t src, uint32_t dst, uint32_t xfer)
{
    return (uint32_t)ns_hash64(((uint64_t)src << 40) ^ ((uint64_t)dst << 16) ^ xfer);
}

/* the label of the reverse direction (ACKs): another 5-tuple */
static inline uint32_t
ns_route_reverse_label(uint32_t label)
{
    return label ^ 0x5bd1e995u;
}

/* the label of flowlet `flowlet` of a transfer labelled `label`: a new
 * flowlet (after an idle gap) hashes to a new path */
static inline uint32_t
ns_route_flowlet_label(uint32_t label, uint32_t flowlet)
{
    return (uint32_t)ns_hash64(((uint64_t)label << 32) | flowlet);
}

/* the next-hop index in [0, n) for `label` at a switch with salt `salt`;
 * spends one digit of *off */
static inline uint32_t
ns_route_pick(uint32_t salt, uint32_t label, uint32_t *off, uint32_t n)
{
    uint32_t h = (uint32_t)ns_hash64(((uint64_t)salt << 32) | label);
    uint32_t idx = (uint32_t)(((uint64_t)h + *off) % n);
    *off /= n;
    return idx;
}

/* the next-hop index in [0, n) for a pinned path (lb = "ethereal", source
 * routing): the offset's next digit, no hash; spends it. Path p of a pair
 * of edge switches is the same p for every flow: its digits in the radix
 * of each choice on the way */
static inline uint32_t
ns_route_pin(uint32_t *off, uint32_t n)
{
    uint32_t idx = *off % n;
    *off /= n;
    return idx;
}

/* per-node salts for a run with `seed`: fills salt[0..nnodes); 0 or -1 (no memory) */
int ns_route_salts(uint64_t seed, uint32_t *salt, size_t nnodes);

#endif
