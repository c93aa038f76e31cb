/*
 * eta.c - the time-left estimate of the progress line (see eta.h).
 *
 * The old estimate, elapsed x (1 - f) / f on f = the share of ops done,
 * jumped about: a permutation finishes all its ops at its end (replayed in
 * tests/unit/test_eta.c it said up to 20 times the time left), a training
 * schedule's compute ops cost simulated time but almost no events. Wall
 * time goes with events, and events with the bytes the links carry (each
 * packet is an event or two per link it crosses, whatever it waits for):
 * in the runs recorded for the test (a permutation, a chunked ring
 * allreduce, Streaming DiLoCo with compute between syncs) the events per
 * byte carried stayed within 2 % of their final value from 10 % of a run
 * on. So the work done is the links' bytes over their total, and the run's
 * length is the time so far over the work done: a running mean of the pace
 * over the whole run, which is the smoothing. An exponential average of the
 * length on top (weight 0.3 or 0.5 for each new sample) only lagged: on the
 * recorded runs its worst error grew from 14 % to 30-37 % (Streaming DiLoCo).
 */
#include <config.h>
#include "eta.h"

void
ns_eta_init(ns_eta *e)
{
    e->end_s = -1;
}

double
ns_eta_work(const ns_progress *p, double ops_done, double ops)
{
    if (p->link_bytes_total > 0)
        return p->link_bytes < p->link_bytes_total ? p->link_bytes / p->link_bytes_total : 1;
    return ops > 0 ? ops_done / ops : 0;
}

double
ns_eta_update(ns_eta *e, double t, double work)
{
    if (work > 0.001 && t > 0)
        e->end_s = t / (work < 1 ? work : 1);
    if (e->end_s < 0)
        return -1;
    return e->end_s > t ? e->end_s - t : 0;
}
