/*
 * test_dcqcn.c - the DCQCN rate arithmetic (sim/packet/dcqcn_rate.h)
 * against hand calculations: the cut on a CNP, the alpha update and decay,
 * fast recovery halving the gap to the target each stage, additive and
 * hyper increase steps, and the clamps to the minimum and the line rate.
 */
#include <config.h>
#include "sim/packet/dcqcn_rate.h"
#include "tests/tap.h"

/* the paper's defaults (Zhu et al. 2015) on a 100 Gb/s NIC */
static const ns_dcqcn_params P = {
    .line_bps = 100e9, .min_bps = 100e6, .rai_bps = 40e6, .rhai_bps = 400e6, .g = 1.0 / 256, .stages = 5
};

int
main(void)
{
    ns_dcqcn_rate r;
    plan(26);

    /* a new sender runs at line rate */
    ns_dcqcn_start(&r, &P, 1.0);
    is_near(r.rc_bps, 100e9, 1e-3, "starts at line rate");
    is_near(r.rt_bps, 100e9, 1e-3, "target at line rate");

    /* first CNP with alpha = 1: RC = R (1 - 1/2) = 50 Gb/s, RT = the old RC,
     * alpha = (1 - g) 1 + g = 1 */
    ns_dcqcn_on_cnp(&r, &P);
    is_near(r.rc_bps, 50e9, 1e-3, "first CNP, alpha 1: R (1 - alpha/2) = 50 Gb/s");
    is_near(r.rt_bps, 100e9, 1e-3, "first CNP: target = the rate before the cut");
    is_near(r.alpha, 1.0, 1e-12, "alpha = (1 - g) + g = 1");

    /* with alpha = 0.5: RC = 100 (1 - 0.25) = 75 Gb/s; alpha = 0.5 (255/256) + 1/256 = 0.501953125 */
    ns_dcqcn_start(&r, &P, 0.5);
    ns_dcqcn_on_cnp(&r, &P);
    is_near(r.rc_bps, 75e9, 1e-3, "first CNP, alpha 0.5: R (1 - 0.25) = 75 Gb/s");
    is_near(r.alpha, 0.501953125, 1e-12, "alpha = 0.5 (1 - 1/256) + 1/256 = 0.501953125");
    /* a second CNP: RT = 75, RC = 75 (1 - 0.501953125 / 2) = 56.1767578125 Gb/s */
    ns_dcqcn_on_cnp(&r, &P);
    is_near(r.rt_bps, 75e9, 1e-3, "second CNP: target 75 Gb/s");
    is_near(r.rc_bps, 56.1767578125e9, 1e-3, "second CNP: 75 (1 - 0.501953125/2) = 56.18 Gb/s");

    /* alpha decay: ten periods K without a CNP: (255/256)^10 = 0.9616170416 */
    ns_dcqcn_start(&r, &P, 1.0);
    for (int i = 0; i < 10; i++)
        ns_dcqcn_on_alpha_timer(&r, &P);
    is_near(r.alpha, 0.9616170416164264, 1e-12, "ten alpha timers: (255/256)^10");
    ns_dcqcn_start(&r, &P, 1.0);
    ns_dcqcn_alpha_decay(&r, &P, 10);
    is_near(r.alpha, 0.9616170416164264, 1e-12, "a lazy decay of ten periods is the same");

    /* fast recovery from 20 Gb/s to a target of 40: the gap 20 halves each
     * stage: 30, 35, 37.5, 38.75, 39.375 Gb/s; the target stays */
    r.rc_bps = r.rt_bps = 40e9;
    r.alpha = 1.0;
    ns_dcqcn_on_cnp(&r, &P);
    is_near(r.rc_bps, 20e9, 1e-3, "cut from 40 to 20 Gb/s");
    ns_dcqcn_on_increase(&r, &P, NS_DCQCN_TIMER);
    is_near(r.rc_bps, 30e9, 1e-3, "fast recovery 1: 30 Gb/s");
    ns_dcqcn_on_increase(&r, &P, NS_DCQCN_TIMER);
    is_near(r.rc_bps, 35e9, 1e-3, "fast recovery 2: 35 Gb/s");
    for (int i = 0; i < 3; i++)
        ns_dcqcn_on_increase(&r, &P, NS_DCQCN_TIMER);
    is_near(r.rc_bps, 39.375e9, 1e-3, "fast recovery 5: 40 - 20/2^5 = 39.375 Gb/s");
    is_near(r.rt_bps, 40e9, 1e-3, "the target stays through the F = 5 stages");

    /* the sixth timer event is past F: additive, RT = 40.04, RC = (40.04 + 39.375)/2 = 39.7075 */
    ns_dcqcn_on_increase(&r, &P, NS_DCQCN_TIMER);
    is_near(r.rt_bps, 40.04e9, 1e-3, "additive increase: RT += R_AI = 40.04 Gb/s");
    is_near(r.rc_bps, 39.7075e9, 1e-3, "RC = (RT + RC)/2 = 39.7075 Gb/s");
    /* five byte-counter events: the timer has passed F, the counter not: additive each,
     * RT = 40.24; RC: 39.87375, 39.976875, 40.0584375, 40.12921875, 40.190859375 */
    for (int i = 0; i < 5; i++)
        ns_dcqcn_on_increase(&r, &P, NS_DCQCN_BYTES);
    is_near(r.rt_bps, 40.24e9, 1e-3, "five more additive steps: RT = 40.24 Gb/s");
    is_near(r.rc_bps, 40.190859375e9, 1e-3, "RC = 40.190859375 Gb/s");
    /* the sixth byte event: both counters past F, min(6, 6) - 5 = 1: hyper, RT += R_HAI = 40.64,
     * RC = (40.64 + 40.190859375)/2 = 40.4154296875 */
    ns_dcqcn_on_increase(&r, &P, NS_DCQCN_BYTES);
    is_near(r.rt_bps, 40.64e9, 1e-3, "hyper increase: RT += 1 R_HAI = 40.64 Gb/s");
    is_near(r.rc_bps, 40.4154296875e9, 1e-3, "RC = 40.4154296875 Gb/s");
    /* timer 7, bytes 7: min = 7, i = 2: RT += 2 R_HAI = 41.44 */
    ns_dcqcn_on_increase(&r, &P, NS_DCQCN_TIMER);
    ns_dcqcn_on_increase(&r, &P, NS_DCQCN_BYTES);
    is_near(r.rt_bps, 40.64e9 + 0.4e9 + 0.8e9, 1e-3, "hyper increase grows: i = 1 then 2 R_HAI");

    /* a CNP starts the stages again */
    ns_dcqcn_on_cnp(&r, &P);
    ok(r.t_stage == 0 && r.bc_stage == 0, "a CNP resets both stage counters");

    /* clamps: the minimum rate, and the line rate */
    r.rc_bps = 150e6;
    r.alpha = 1.0;
    ns_dcqcn_on_cnp(&r, &P);
    is_near(r.rc_bps, 100e6, 1e-3, "a cut below the minimum rate stops at 100 Mb/s");
    r.rc_bps = r.rt_bps = 99.99e9;
    r.t_stage = r.bc_stage = 20;
    ns_dcqcn_on_increase(&r, &P, NS_DCQCN_TIMER);
    ok(r.rt_bps == 100e9 && r.rc_bps <= 100e9, "increase stops at the line rate (RT %.6g, RC %.6g)",
       r.rt_bps, r.rc_bps);
    return done_testing();
}
