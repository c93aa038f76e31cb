/*
 * background.c - Poisson background flows at a target load of the hosts'
 * NIC capacity, sizes from a flow-size CDF (see traffic.h).
 */
#include <config.h>
#include "traffic.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include "flowdist.h"
#include "sim/alloc.h"
#include "sim/estimate.h"
#include "sim/rng.h"

int
ns_wl_background(ns_workload *w, const ns_background_spec *s, ns_traffic_ops *out, ns_err *e)
{
    if (s->n < 2)
        return ns_errorf(e, NS_EINVAL, "background: needs at least 2 hosts (got %zu)", s->n);
    if (!(s->load > 0 && s->load < 1))
        return ns_errorf(e, NS_EINVAL, "background: load must be > 0 and < 1 (got %g)", s->load);
    if (s->until_ps <= 0)
        return ns_errorf(e, NS_EINVAL, "background: until must be positive");
    if (s->label && strlen(s->label) >= NS_LABEL_MAX)
        return ns_errorf(e, NS_EINVAL, "background: label '%s' is too long (at most %d bytes)", s->label,
                         NS_LABEL_MAX - 1);
    double mean = ns_cdf_mean(s->sizes);
    double *cum = ns_alloc(s->n * sizeof *cum);   /* cumulative NIC rates, bit/s */
    if (!cum)
        return ns_enomem(e, "a workload");
    double total = 0;
    for (size_t i = 0; i < s->n; i++)
        cum[i] = total += (double)s->rate_bps[i];
    double lambda = s->load * total / (8 * mean);   /* flows per second, all hosts */
    /* the flows expected (Poisson: within a few square roots of it), with
     * their ops (a delay and a transfer each, two dependencies), before
     * drawing them: until = 1e6 s is refused at once, not once the memory
     * allowed has filled up */
    double expect = lambda * ((double)s->until_ps * 1e-12);
    if (expect > (double)(INT32_MAX / 4) * 1.01) {
        ns_free(cum);
        return ns_errorf(e, NS_EINVAL, "background: about %.4g flows expected (load x NIC rates x until / mean "
                         "size), more than %d; shorten 'until' or lower 'load'", expect, INT32_MAX / 4);
    }
    {
        uint64_t n = (uint64_t)expect;
        char detail[128];
        snprintf(detail, sizeof detail, "about %llu flows expected: load x NIC rates x until / mean size",
                 (unsigned long long)n);
        uint64_t need = ns_mem_add(ns_mem_mad(0, n, sizeof(ns_timed_flow)), ns_mem_ops(2 * n, 2 * n, n));
        int mrc = ns_mem_check(ns_mem_add(need, ns_alloc_live_bytes()), "background: its flows", detail, e);
        if (mrc) {
            ns_free(cum);
            return mrc;
        }
    }

    /* a stream per call, by its rank among the workload's w:background: the
     * flows do not change when ops are added before it */
    ns_rng *r = ns_rng_new(w->seed, NS_RNG_BACKGROUND, w->nbackground);
    ns_timed_flow *f = NULL;
    size_t nf = 0, cap = 0;
    int rc = NS_OK;
    if (!r) {
        rc = ns_enomem(e, "a workload");
        goto out;
    }
    double until_s = (double)s->until_ps * 1e-12, t = 0;
    for (;;) {
        t += ns_rng_exponential(r, 1 / lambda);
        ns_time t_ps = (ns_time)floor(t * 1e12 + 0.5);
        if (t >= until_s || t_ps >= s->until_ps)
            break;
        if (nf >= (size_t)INT32_MAX / 4) {
            rc = ns_errorf(e, NS_EINVAL, "background: more than %d flows; shorten 'until' or lower 'load'",
                           INT32_MAX / 4);
            goto out;
        }
        /* the source, in proportion to NIC rates; then another host, uniformly */
        double u = ns_rng_uniform(r) * total;
        size_t lo = 0, hi = s->n - 1;   /* the first i with u < cum[i] */
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (u < cum[mid])
                hi = mid;
            else
                lo = mid + 1;
        }
        size_t d = (size_t)ns_rng_below(r, s->n - 1);
        if (d >= lo)
            d++;
        if (ns_grow((void **)&f, &cap, nf + 1, sizeof *f)) {
            rc = ns_enomem(e, "a workload");
            goto out;
        }
        ns_timed_flow *x = &f[nf++];
        x->t_ps = t_ps;
        x->src = s->hosts[lo];
        x->dst = s->hosts[d];
        x->bytes = ns_cdf_sample(s->sizes, r);
        snprintf(x->label, sizeof x->label, "%s", s->label ? s->label : "");
    }
    rc = ns_wl_timed_flows(w, f, nf, out, e);
    if (rc == NS_OK)
        w->nbackground++;
out:
    ns_rng_free(r);
    ns_free(f);
    ns_free(cum);
    return rc;
}
