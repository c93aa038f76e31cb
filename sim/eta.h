/*
 * eta.h - the time-left estimate of the progress line (sim/eta.c).
 *
 * Pure functions of the progress samples, so that tests/unit/test_eta.c
 * replays sequences recorded from real runs (tests/data/eta_*.log, written
 * by netsim --progress-log) and checks every estimate against the time that
 * was really left.
 */
#ifndef NS_ETA_H
#define NS_ETA_H

#include "sim.h"

typedef struct ns_eta {
    double end_s;    /* estimate of the run's length, seconds; -1 while unknown */
} ns_eta;

void ns_eta_init(ns_eta *e);
/* the share of the run's work done, in [0, 1]: the bytes its links have
 * carried over the bytes they carry in all (ns_progress), which grows as
 * the events do; ops_done / ops for a run without transfers */
double ns_eta_work(const ns_progress *p, double ops_done, double ops);
/* a sample `t` seconds into the run with `work` done (ns_eta_work): the
 * estimate of the seconds left, or -1 while less than 0.1 % is done */
double ns_eta_update(ns_eta *e, double t, double work);

#endif
