/*
 * dcqcn_rate.h - the rate arithmetic of a DCQCN reaction point (the sender),
 * after Zhu et al., "Congestion Control for Large-Scale RDMA Deployments",
 * SIGCOMM 2015, section 3. Pure functions on a small state, so that a unit
 * test checks them against hand calculations (tests/unit/test_dcqcn.c);
 * the transport (transport_dcqcn.c) owns the timers that call them.
 *
 * The state: the current rate RC, the target rate RT, alpha (the estimate of
 * how congested the path is) and the two stage counters of the rate
 * increase: increase events of the timer (every T) and of the byte counter
 * (every B bytes sent) since the last cut.
 *
 * A CNP: RT = RC, RC = RC (1 - alpha/2), alpha = (1 - g) alpha + g, and the
 * stage counters start again. K without a CNP: alpha = (1 - g) alpha.
 * An increase event counts in its counter, then: while neither counter has
 * passed F it is fast recovery (RT stays); once one has passed F additive
 * increase, RT += R_AI; once both have, hyper increase, RT += i R_HAI with
 * i = min(counters) - F; in every case RC = (RT + RC) / 2. Rates stay in
 * [min_bps, line_bps].
 */
#ifndef NS_DCQCN_RATE_H
#define NS_DCQCN_RATE_H

#include <math.h>
#include <stdint.h>

typedef struct ns_dcqcn_params {
    double   line_bps;       /* the sender's NIC rate: RC and RT never exceed it */
    double   min_bps;        /* RC never falls below it */
    double   rai_bps;        /* additive increase step R_AI */
    double   rhai_bps;       /* hyper increase step R_HAI */
    double   g;              /* alpha gain */
    uint32_t stages;         /* F: fast recovery stages */
} ns_dcqcn_params;

typedef struct ns_dcqcn_rate {
    double   rc_bps, rt_bps; /* current and target rate */
    double   alpha;
    uint32_t t_stage;        /* timer increase events since the last cut */
    uint32_t bc_stage;       /* byte-counter increase events since the last cut */
} ns_dcqcn_rate;

enum { NS_DCQCN_TIMER = 0, NS_DCQCN_BYTES = 1 };

/* a new sender: line rate, alpha0 */
static inline void
ns_dcqcn_start(ns_dcqcn_rate *r, const ns_dcqcn_params *p, double alpha0)
{
    r->rc_bps = r->rt_bps = p->line_bps;
    r->alpha = alpha0;
    r->t_stage = r->bc_stage = 0;
}

static inline void
ns_dcqcn_on_cnp(ns_dcqcn_rate *r, const ns_dcqcn_params *p)
{
    r->rt_bps = r->rc_bps;
    r->rc_bps = r->rc_bps * (1 - r->alpha / 2);
    if (r->rc_bps < p->min_bps)
        r->rc_bps = p->min_bps;
    r->alpha = (1 - p->g) * r->alpha + p->g;
    r->t_stage = r->bc_stage = 0;
}

/* K has passed without a CNP */
static inline void
ns_dcqcn_on_alpha_timer(ns_dcqcn_rate *r, const ns_dcqcn_params *p)
{
    r->alpha = (1 - p->g) * r->alpha;
}

/* m alpha timer periods at once: the same as m calls of ns_dcqcn_on_alpha_timer */
static inline void
ns_dcqcn_alpha_decay(ns_dcqcn_rate *r, const ns_dcqcn_params *p, uint64_t m)
{
    if (m > 0)
        r->alpha *= pow(1 - p->g, (double)m);
}

/* an increase event of the timer (NS_DCQCN_TIMER) or the byte counter (NS_DCQCN_BYTES) */
static inline void
ns_dcqcn_on_increase(ns_dcqcn_rate *r, const ns_dcqcn_params *p, int which)
{
    if (which == NS_DCQCN_TIMER)
        r->t_stage++;
    else
        r->bc_stage++;
    uint32_t hi = r->t_stage > r->bc_stage ? r->t_stage : r->bc_stage;
    uint32_t lo = r->t_stage < r->bc_stage ? r->t_stage : r->bc_stage;
    if (lo > p->stages)
        r->rt_bps += (double)(lo - p->stages) * p->rhai_bps;   /* hyper increase */
    else if (hi > p->stages)
        r->rt_bps += p->rai_bps;                             /* additive increase */
    /* else fast recovery: the target stays */
    if (r->rt_bps > p->line_bps)
        r->rt_bps = p->line_bps;
    r->rc_bps = (r->rt_bps + r->rc_bps) / 2;
    if (r->rc_bps > p->line_bps)
        r->rc_bps = p->line_bps;
}

#endif
