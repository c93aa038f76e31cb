/*
 * ring.c - what the transports' receivers share: a ring of one-byte flags
 * (a packet received, or not) over the sequence numbers [base, base + cap),
 * held inline in the transport's state until a window outgrows it.
 */
#include <config.h>
#include "packet_int.h"

#include "sim/alloc.h"

int
ns_flag_ring_grow(uint8_t **ring, const uint8_t *inline0, uint32_t *cap, uint32_t base, uint32_t need)
{
    uint32_t c = *cap;
    while (c < need)
        c *= 2;
    uint8_t *r = ns_calloc(c, 1);
    if (!r)
        return -1;
    for (uint32_t i = 0; i < *cap; i++)
        r[(base + i) & (c - 1)] = (*ring)[(base + i) & (*cap - 1)];
    if (*ring != inline0)
        ns_free(*ring);
    *ring = r;
    *cap = c;
    return 0;
}
