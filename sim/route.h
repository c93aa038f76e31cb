/*
 * route.h - the hash-based path choice shared by the packet and the flow
 * model, so that `ecmp` means the same collisions in both.
 *
 * A transfer's flow label is a hash of its identity (source, destination,
 * transfer number), as a switch hashes a 5-tuple. At a switch with n
 * equal-cost next hops, a label goes to next hop
 *     (hash(salt of the switch, label) + path_off) mod n
 * where path_off is the subflow's index: the k subflows of one transfer take
 * k distinct next hops wherever n >= k.
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

/* the next-hop index in [0, n) for `label` at a switch with salt `salt` */
static inline uint32_t
ns_route_pick(uint32_t salt, uint32_t label, uint32_t path_off, uint32_t n)
{
    uint32_t h = (uint32_t)ns_hash64(((uint64_t)salt << 32) | label);
    return (h + path_off) % n;
}

/* per-node salts for a run with `seed`: fills salt[0..nnodes); 0 or -1 (no memory) */
int ns_route_salts(uint64_t seed, uint32_t *salt, size_t nnodes);

#endif
