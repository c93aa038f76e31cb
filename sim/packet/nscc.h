/*
 * nscc.h - the window of Ultra Ethernet's NSCC (network signal-based
 * congestion control), for transport = "uec" (transport_dctcp.c runs its
 * acknowledgements, losses and timers; nscc.c says how large the window is).
 *
 * After the UEC 1.0 specification's description of NSCC and its reference
 * implementation in Ultra Ethernet's htsim (uec.cpp): on every ACK the
 * sender looks at two signals, the ECN echo and the queueing delay (the RTT
 * sample less the base RTT), and
 *   no mark, delay below target:  proportional increase (faster the lower the delay),
 *                                 and fast increase while the delay is ~0;
 *   no mark, delay above target:  fair increase (a constant per byte acked);
 *   mark, delay above target:     multiplicative decrease, at most once per base RTT,
 *                                 by gamma x (avg delay - target) / avg delay (at most half);
 *   mark, delay below target:     nothing (the mark is another flow's queue);
 * increases are summed and applied every `adjust` (8 packets acked or one
 * network RTT), plus a small constant eta per network RTT; "quick adapt"
 * drops the window to what was delivered in the last period when a NACK
 * (trimming) or a delay beyond 4 x target shows heavy congestion; a NACK
 * also takes its bytes off the window. Window between one packet and 1.5
 * bandwidth-delay products, starting at the largest.
 * Parameters scale with the network as htsim's do: by the ratio of its
 * bandwidth-delay product to a reference (100 Gb/s, 12 us) and of the
 * target delay to the reference RTT.
 */
#ifndef NS_NSCC_H
#define NS_NSCC_H

#include <stdint.h>
#include "sim/time.h"

typedef struct ns_nscc {
    double   wnd, maxwnd, min_wnd;      /* bytes */
    double   inc;                       /* increases waiting for the next adjustment, bytes x bytes */
    double   achieved, received;        /* bytes acked since the quick-adapt period / adjustment began */
    double   fi_count, to_ignore, ignored;
    double   avg_delay;                 /* ps, EWMA */
    ns_time  base_rtt, last_dec, last_adjust, qa_end;
    /* per-run constants (the network) */
    double   alpha, fi, eta, fi_scale, gamma, delay_alpha, adjust_bytes, mtu, line_Bps;
    ns_time  target, network_rtt, qa_threshold;
    uint8_t  increase, trigger_qa, qa_gate;
} ns_nscc;

/* start: line rate in bytes/s, the network's base RTT (the longest path's),
 * the packet size, the target queueing delay (0: the network RTT) */
void ns_nscc_init(ns_nscc *s, double line_Bps, ns_time network_rtt, double mtu, ns_time target);
/* an ACK of `bytes` newly acknowledged, with its RTT sample and ECN echo */
void ns_nscc_ack(ns_nscc *s, ns_time now, ns_time rtt, int ecn, double bytes);
/* a NACK of a trimmed packet of `bytes` */
void ns_nscc_nack(ns_nscc *s, ns_time now, double bytes);

#endif
