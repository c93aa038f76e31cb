/*
 * rng.c - GSL-backed random streams (see rng.h).
 */
#include <config.h>
#include "rng.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include "alloc.h"
#include "lib.h"

struct ns_rng {
    gsl_rng *g;
};

ns_rng *
ns_rng_new(uint64_t seed, uint32_t purpose, uint64_t id)
{
    ns_rng *r = ns_alloc(sizeof *r);
    if (!r)
        return NULL;
    /* gsl_rng_alloc uses malloc: it is outside our counters but freed below */
    r->g = gsl_rng_alloc(gsl_rng_mt19937);
    if (!r->g) {
        ns_free(r);
        return NULL;
    }
    uint64_t s = ns_hash64(ns_hash64(seed) ^ ns_hash64(((uint64_t)purpose << 48) ^ id));
    unsigned long s32 = (unsigned long)(s & 0xffffffffu);
    gsl_rng_set(r->g, s32 ? s32 : 4357);   /* 0 would select GSL's default seed */
    return r;
}

void
ns_rng_free(ns_rng *r)
{
    if (!r)
        return;
    gsl_rng_free(r->g);
    ns_free(r);
}

uint32_t
ns_rng_u32(ns_rng *r)
{
    return (uint32_t)gsl_rng_get(r->g);
}

uint64_t
ns_rng_below(ns_rng *r, uint64_t n)
{
    if (n <= 1)
        return 0;
    if (n <= 0xffffffffu)
        return gsl_rng_uniform_int(r->g, (unsigned long)n);
    /* wider ranges: combine two draws, reject the biased tail */
    uint64_t lim = UINT64_MAX - UINT64_MAX % n;
    for (;;) {
        uint64_t x = ((uint64_t)ns_rng_u32(r) << 32) | ns_rng_u32(r);
        if (x < lim)
            return x % n;
    }
}

double ns_rng_uniform(ns_rng *r) { return gsl_rng_uniform(r->g); }
double ns_rng_exponential(ns_rng *r, double mean) { return gsl_ran_exponential(r->g, mean); }
double ns_rng_lognormal(ns_rng *r, double zeta, double sigma) { return gsl_ran_lognormal(r->g, zeta, sigma); }
double ns_rng_gamma(ns_rng *r, double shape, double scale) { return gsl_ran_gamma(r->g, shape, scale); }

void
ns_rng_dirichlet(ns_rng *r, size_t k, const double *alpha, double *theta)
{
    gsl_ran_dirichlet(r->g, k, alpha, theta);
}

void
ns_rng_shuffle(ns_rng *r, uint32_t *perm, size_t n)
{
    /* Fisher-Yates with our own draws, so the order is defined by us, not GSL */
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)ns_rng_below(r, i);
        uint32_t t = perm[i - 1];
        perm[i - 1] = perm[j];
        perm[j] = t;
    }
}

void
ns_rng_lib_init(void)
{
    gsl_set_error_handler_off();   /* GSL's default handler aborts */
}
