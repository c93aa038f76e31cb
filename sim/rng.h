/*
 * rng.h - random streams, one per purpose, derived from the scenario seed.
 *
 * Each consumer (ECMP salts, spraying, a workload, a background generator)
 * owns its own stream seeded from (seed, purpose, id), so adding a consumer
 * perturbs no other. Backed by GSL's mt19937; only rng.c includes GSL.
 */
#ifndef NS_RNG_H
#define NS_RNG_H

#include <stddef.h>
#include <stdint.h>

typedef struct ns_rng ns_rng;

/* purposes: stable numbers, never reordered (they feed the seeds) */
enum {
    NS_RNG_ECMP_SALT = 1,
    NS_RNG_SPRAY     = 2,
    NS_RNG_ECN       = 3,
    NS_RNG_WORKLOAD  = 4,
    NS_RNG_TRANSPORT = 5,
    NS_RNG_BACKGROUND = 6,    /* w:background flows: id = its rank among the workload's w:background */
    NS_RNG_FAULTS    = 7,
    NS_RNG_PERMUTATION = 8,   /* w:permutation: id = its index among the workload's permutations */
    NS_RNG_STRAGGLER = 9,     /* w:diloco straggler factors: id = the worker's number */
    NS_RNG_MOE       = 10,    /* w:moe token routing: id = its index among the workload's w:moe */
    NS_RNG_PLACEMENT = 11     /* fab:allocate{policy = "random"}: id = hosts held before it */
};

/* a new stream for (seed, purpose, id), NULL when out of memory */
ns_rng *ns_rng_new(uint64_t seed, uint32_t purpose, uint64_t id);
void ns_rng_free(ns_rng *r);

uint32_t ns_rng_u32(ns_rng *r);
/* uniform integer in [0, n), n >= 1 */
uint64_t ns_rng_below(ns_rng *r, uint64_t n);
/* uniform double in [0, 1) */
double ns_rng_uniform(ns_rng *r);
double ns_rng_exponential(ns_rng *r, double mean);
double ns_rng_lognormal(ns_rng *r, double zeta, double sigma);
double ns_rng_gamma(ns_rng *r, double shape, double scale);
/* fill alpha[0..k) -> theta[0..k) summing to 1 */
void ns_rng_dirichlet(ns_rng *r, size_t k, const double *alpha, double *theta);
/* a uniform random permutation of perm[0..n) in place */
void ns_rng_shuffle(ns_rng *r, uint32_t *perm, size_t n);

/* a well-mixed 64-bit hash (splitmix64 finaliser): for ECMP, salts, seeds */
static inline uint64_t
ns_hash64(uint64_t x)
{
    x += UINT64_C(0x9e3779b97f4a7c15);
    x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
    return x ^ (x >> 31);
}

/* draw i (0, 1, ...) of the counter-based stream `base`: SplitMix64's
 * i-th output from state base (a well-tested generator, one hash a draw) */
static inline uint64_t
ns_hash_draw(uint64_t base, uint64_t i)
{
    return ns_hash64(base + i * UINT64_C(0x9e3779b97f4a7c15));
}

#endif
