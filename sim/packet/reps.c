/*
 * reps.c - recycled entropy packet spraying (lb = "reps"), as Ultra
 * Ethernet's REPS and its htsim implementation (buffer_reps.cpp, uec_mp.cpp)
 * describe it.
 *
 * Every sender (subflow) keeps the entropies of its last `buffer` data
 * packets whose ACK came back unmarked, in a ring; each is "fresh" until it
 * is used again. A data packet takes the earliest fresh entropy, or, when
 * there is none, a new random one (as spraying draws it). An ACK with ECE
 * (the data packet was marked), or no ACK at all (it was lost), puts nothing
 * back: entropies that meet congestion or loss drop out of use, and those
 * that do not keep being reused. With `freeze`, a retransmission timeout
 * freezes the ring for `freeze_time`: packets cycle through the entropies in
 * it, fresh or not (the paths last known to work, when a failure makes the
 * others lose everything); then the ring is emptied and the next 16 packets
 * explore with random entropies.
 * ACKs themselves are sprayed at random. The draws come from the subflow's
 * own stream (packet_net.c: spray_draw), so a run is the same every time.
 */
#include <config.h>
#include "packet_int.h"

#include <string.h>
#include "sim/rng.h"

typedef struct ns_reps {
    uint16_t head;            /* the next slot written */
    uint16_t count;           /* slots ever written, at most the size */
    uint16_t fresh;           /* slots written and not used since */
    uint16_t head_frozen;     /* frozen: the next slot read */
    uint16_t explore;         /* random entropies still to use */
    uint8_t  frozen;
    ns_time  frozen_until;
    uint32_t ent[];           /* n->sim->cfg.reps_buffer of them, then as many valid flags */
} ns_reps;

static inline uint8_t *
valid_of(const ns_pnet *n, ns_reps *r)
{
    return (uint8_t *)&r->ent[n->sim->cfg.reps_buffer];
}

static void
reset(ns_pnet *n, ns_reps *r)
{
    r->head = r->count = r->fresh = r->head_frozen = 0;
    memset(valid_of(n, r), 0, n->sim->cfg.reps_buffer);
}

size_t
ns_reps_size(uint32_t buffer)
{
    return sizeof(ns_reps) + buffer * (sizeof(uint32_t) + 1);
}

int
ns_reps_attach(ns_pnet *n, ns_sflow *f)
{
    ns_reps *r = ns_pool_get(&n->reps_pool);
    if (!r)
        return -1;
    memset(r, 0, sizeof *r);
    reset(n, r);
    f->reps = r;
    return 0;
}

void
ns_reps_detach(ns_pnet *n, ns_sflow *f)
{
    if (f->reps)
        ns_pool_put(&n->reps_pool, f->reps);
    f->reps = NULL;
}

/* leave a freeze that has run its time: start afresh, exploring */
static void
thaw(ns_pnet *n, ns_reps *r)
{
    if (r->frozen && n->sim->now > r->frozen_until) {
        r->frozen = 0;
        reset(n, r);
        r->explore = NS_REPS_EXPLORE;
    }
}

static uint32_t
random_entropy(ns_pnet *n, ns_sflow *f)
{
    uint64_t base = ns_hash64(n->spray_key ^ ns_hash64(((uint64_t)f->entropy << 32) | f->sub));
    return (uint32_t)(ns_hash_draw(base, f->flowlet++) >> 32);
}

uint32_t
ns_reps_next(ns_pnet *n, ns_sflow *f)
{
    ns_reps *r = f->reps;
    uint32_t size = n->sim->cfg.reps_buffer;
    uint8_t *valid = valid_of(n, r);
    thaw(n, r);
    if (r->explore > 0) {
        r->explore--;
        return random_entropy(n, f);
    }
    if (r->frozen) {
        if (r->count == 0)
            return random_entropy(n, f);
        uint32_t i = r->head_frozen % r->count;
        if (valid[i]) {
            valid[i] = 0;
            r->fresh--;
        }
        r->head_frozen = (uint16_t)((i + 1) % r->count);
        return r->ent[i];
    }
    if (r->fresh == 0)
        return random_entropy(n, f);
    /* the earliest fresh one: `fresh` slots behind the head */
    uint32_t i = (r->head + size - r->fresh) % size;
    valid[i] = 0;
    r->fresh--;
    return r->ent[i];
}

void
ns_reps_ack(ns_pnet *n, ns_sflow *f, const ns_pkt *ack)
{
    ns_reps *r = f->reps;
    if (!r)
        return;
    thaw(n, r);
    if (ack->flags & NS_PF_ECE)
        return;   /* the data packet was marked: its entropy is not reused */
    uint32_t size = n->sim->cfg.reps_buffer;
    uint8_t *valid = valid_of(n, r);
    if (!valid[r->head])
        r->fresh++;
    r->ent[r->head] = ack->payload;   /* the entropy the ACK echoes */
    valid[r->head] = 1;
    r->head = (uint16_t)((r->head + 1) % size);
    if (r->fresh > size)
        r->fresh = (uint16_t)size;
    if (r->count < size)
        r->count++;
}

void
ns_reps_timeout(ns_pnet *n, ns_sflow *f)
{
    ns_reps *r = f->reps;
    if (!r || !n->sim->cfg.reps_freeze || r->frozen || r->explore > 0)
        return;
    r->frozen = 1;
    r->frozen_until = ns_time_add(n->sim->now, n->sim->cfg.reps_freeze_ps);
}
