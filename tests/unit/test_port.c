/*
 * test_port.c - output ports: backlog from the free time, ECN marking
 * probability, drop-tail.
 */
#include <config.h>
#include "sim/packet/packet_int.h"
#include "tests/tap.h"

int
main(void)
{
    plan(10);
    ns_switch_cfg c = {0};
    c.ecn = 1;
    c.ecn_kmin = 100000;
    c.ecn_kmax = 400000;
    c.ecn_pmax = 0.2;
    is_near(ns_port_ecn_prob(&c, 0), 0, 0, "no marking on an empty queue");
    is_near(ns_port_ecn_prob(&c, 100000), 0, 0, "no marking at kmin");
    is_near(ns_port_ecn_prob(&c, 100001), 0.2 / 300000, 1e-12, "marking starts just above kmin");
    is_near(ns_port_ecn_prob(&c, 250000), 0.1, 1e-12, "half way: pmax / 2");
    is_near(ns_port_ecn_prob(&c, 400000), 0.2, 1e-12, "pmax at kmax");
    is_near(ns_port_ecn_prob(&c, 400001), 1, 0, "always above kmax");

    ns_port p = {0};
    p.rate_bps = 100000000000ull;   /* 80 ps per byte */
    p.free_ps = 1000000;
    is_int(ns_port_backlog(&p, 1000000), 0, "nothing queued once the link is free");
    is_int(ns_port_backlog(&p, 1000000 - 80 * 4096), 4096, "one packet time before: one packet queued");
    is_int(ns_port_backlog(&p, 1000000 - 81), 2, "a partly sent byte still counts");
    is_int(ns_port_backlog(&p, 2000000), 0, "after: empty");
    return done_testing();
}
