/*
 * nscc.c - NSCC's window (see nscc.h for what and after whom).
 */
#include <config.h>
#include "nscc.h"

#include <string.h>

#define REF_RATE_BPS 100e9   /* the reference network the constants are scaled from */
#define REF_RTT_PS   12e6

void
ns_nscc_init(ns_nscc *s, double line_Bps, ns_time network_rtt, double mtu, ns_time target)
{
    memset(s, 0, sizeof *s);
    s->line_Bps = line_Bps;
    s->mtu = mtu;
    s->network_rtt = network_rtt > 0 ? network_rtt : 1;
    s->target = target > 0 ? target : s->network_rtt;
    s->qa_threshold = 4 * s->target;
    s->qa_gate = 3;
    double bdp = line_Bps * (double)s->network_rtt * 1e-12;
    double ref_bdp = REF_RATE_BPS / 8 * REF_RTT_PS * 1e-12;
    double sa = bdp / ref_bdp, sb = (double)s->target / REF_RTT_PS;
    s->alpha = 4.0 * mtu * sa * sb / (double)s->target;   /* bytes per ps of delay below target */
    s->fi = 5 * mtu * sa;
    s->eta = 0.15 * mtu * sa;
    s->fi_scale = 0.25 * sa;
    s->gamma = 0.8;
    s->delay_alpha = 0.0125;
    s->adjust_bytes = 8 * mtu;
    s->min_wnd = mtu;
    s->base_rtt = s->network_rtt;
    s->maxwnd = 1.5 * bdp;
    if (s->maxwnd < 2 * mtu)
        s->maxwnd = 2 * mtu;
    s->wnd = s->maxwnd;
}

static void
bounds(ns_nscc *s)
{
    if (s->wnd < s->min_wnd)
        s->wnd = s->min_wnd;
    if (s->wnd > s->maxwnd)
        s->wnd = s->maxwnd;
}

/* the average queueing delay, from a sample (skip: it was ECN-marked) */
static void
update_delay(ns_nscc *s, ns_time rtt, int skip)
{
    double delay = (double)(rtt - s->base_rtt);
    if (!skip && delay > (double)s->target)
        s->avg_delay = s->delay_alpha * (double)s->base_rtt * 0.25 + (1 - s->delay_alpha) * s->avg_delay;
    else
        s->avg_delay = s->delay_alpha * delay + (1 - s->delay_alpha) * s->avg_delay;
}

/* quick adapt: at the end of each period (base RTT + target), if the
 * network said "heavy congestion" and little got through, the window drops
 * to what did; returns 1 when the ACK's own update is to be skipped */
static int
quick_adapt(ns_nscc *s, ns_time now, int is_loss, int skip, double delay)
{
    int done = 0;
    if (s->ignored < s->to_ignore && skip) {
        done = 1;
    } else if (now > s->qa_end) {
        if (s->qa_end != 0 && (s->trigger_qa || is_loss || delay > (double)s->qa_threshold) &&
            s->achieved < s->maxwnd / (double)(1u << s->qa_gate)) {
            s->wnd = s->achieved > s->min_wnd ? s->achieved : s->min_wnd;
            s->to_ignore = s->wnd;   /* htsim: the bytes in flight */
            s->ignored = 0;
            s->trigger_qa = 0;
            done = 1;
        }
        s->achieved = 0;
        s->qa_end = now + s->base_rtt + s->target;
    }
    if (done)
        s->inc = s->received = 0;
    return done;
}

static void
fast_increase(ns_nscc *s, double bytes, double delay)
{
    if (delay < 1e6) {   /* below 1 us: the path is empty */
        s->fi_count += bytes;
        if (s->fi_count > s->wnd || s->increase) {
            s->wnd += bytes * s->fi_scale;
            s->increase = 1;
            return;
        }
    } else {
        s->fi_count = 0;
    }
    s->increase = 0;
}

void
ns_nscc_ack(ns_nscc *s, ns_time now, ns_time rtt, int ecn, double bytes)
{
    if (rtt > 0 && rtt < s->base_rtt) {   /* a lower base RTT: a new bandwidth-delay product */
        s->base_rtt = rtt;
        double bdp = s->line_Bps * (double)rtt * 1e-12;
        s->maxwnd = 1.5 * bdp > 2 * s->mtu ? 1.5 * bdp : 2 * s->mtu;
    }
    double delay = (double)(rtt - s->base_rtt);
    update_delay(s, rtt, ecn);
    s->achieved += bytes;
    s->received += bytes;
    if (s->to_ignore > 0)
        s->ignored += bytes;
    if (quick_adapt(s, now, 0, ecn, delay))
        return;
    double target = (double)s->target;
    if (!ecn && delay >= target) {
        s->inc += s->fi * bytes;                               /* fair increase */
    } else if (!ecn) {
        fast_increase(s, bytes, delay);
        if (!s->increase)
            s->inc += s->alpha * bytes * (target - delay);     /* proportional increase */
    } else if (delay >= target) {
        s->increase = 0;                                       /* multiplicative decrease */
        s->fi_count = 0;
        if (s->avg_delay > target && now - s->last_dec > s->base_rtt) {
            double f = 1 - s->gamma * (s->avg_delay - target) / s->avg_delay;
            s->wnd *= f > 0.5 ? f : 0.5;
            s->last_dec = now;
        }
    }   /* a mark with the delay below target: another flow's queue; nothing */
    bounds(s);
    if (s->received > s->adjust_bytes || now - s->last_adjust > s->network_rtt) {
        s->wnd += s->inc / s->wnd;                             /* fulfil the increases */
        if (now - s->last_adjust >= s->network_rtt) {
            s->wnd += s->eta;
            s->last_adjust = now;
        }
        s->inc = s->received = 0;
    }
    bounds(s);
}

void
ns_nscc_nack(ns_nscc *s, ns_time now, double bytes)
{
    s->ignored += bytes;
    update_delay(s, s->base_rtt + s->network_rtt, 1);
    s->trigger_qa = 1;
    if (!quick_adapt(s, now, 1, 1, 0)) {
        s->wnd -= bytes;
        bounds(s);
    }
}
