/*
 * test_maxmin.c - the max-min rate solver against textbook answers (the
 * parking lot, a sprayed flow), and incremental solving against full
 * re-solving on random arrivals and departures: the three modes must give
 * the same rates to the bit per second, and every rate must be max-min fair
 * (each flow has a saturated link on which no flow is faster). The solver's
 * heaps and sorted runs stay in order throughout (ns_mm_test_disorder),
 * also on a link of 300 flows at a few levels, whose heap a solve sorts
 * into a run. New flows, listed in a batch, may leave before any solve.
 */
#include <config.h>
#include <string.h>
#include "sim/alloc.h"
#include "sim/lib.h"
#include "sim/flow/maxmin.h"
#include "sim/rng.h"
#include "tests/tap.h"

#define G 1000000000ull
#define Q NS_MM_Q

static uint64_t
rate_of(ns_mm *m, uint32_t id)
{
    return ns_mm_rate(m, id);
}

static void
ignore_change(void *ctx, const ns_mm_change *c)
{
    (void)ctx;
    (void)c;
}

static void
solve(ns_mm *m, int mode)
{
    if (ns_mm_solve(m, 0, mode, ignore_change, NULL) < 0)
        diag("solve failed");
}

/* the changes of one solve, kept */
#define MAXCHG 4096
static ns_mm_change changes[MAXCHG];
static long nchanges;

static void
keep_change(void *ctx, const ns_mm_change *c)
{
    (void)ctx;
    if (nchanges < MAXCHG)
        changes[nchanges] = *c;
    nchanges++;
}

/* parking lot: switches in a chain, one long flow over every hop and one
 * short flow per hop; hosts' own links are fast */
static void
parking_lot(void)
{
    for (int mode = 0; mode < 3; mode++) {
        /* links 0..2: the chain (10, 10, 10 Gb/s), 3..10: host links (100 Gb/s) */
        uint64_t cap[11] = {10 * G, 10 * G, 10 * G};
        for (int i = 3; i < 11; i++)
            cap[i] = 100 * G;
        ns_mm *m = ns_mm_new(11, cap);
        uint32_t all[3] = {0, 1, 2}, ones[3] = {Q, Q, Q};
        uint32_t glong = ns_mm_group(m, all, ones, 3);
        uint32_t g[3];
        for (int i = 0; i < 3; i++)
            g[i] = ns_mm_group(m, &all[i], ones, 1);
        uint32_t flong = ns_mm_add(m, 3, 4, glong, 0);
        uint32_t fs[3];
        for (int i = 0; i < 3; i++)
            fs[i] = ns_mm_add(m, (uint32_t)(5 + 2 * i), (uint32_t)(6 + 2 * i), g[i], (uint32_t)i + 1);
        solve(m, mode);
        int good = rate_of(m, flong) == 5 * G;
        for (int i = 0; i < 3; i++)
            good &= rate_of(m, fs[i]) == 5 * G;
        ok(good, "parking lot, equal links (%s): every flow gets C/2 = 5 Gb/s", mode == 0 ? "incremental" :
           mode == 1 ? "component" : "full");
        ns_mm_free(m);

        /* the last hop at 5 Gb/s: the long flow gets 2.5, the short ones 7.5, 7.5, 2.5 */
        cap[2] = 5 * G;
        m = ns_mm_new(11, cap);
        glong = ns_mm_group(m, all, ones, 3);
        for (int i = 0; i < 3; i++)
            g[i] = ns_mm_group(m, &all[i], ones, 1);
        flong = ns_mm_add(m, 3, 4, glong, 0);
        for (int i = 0; i < 3; i++)
            fs[i] = ns_mm_add(m, (uint32_t)(5 + 2 * i), (uint32_t)(6 + 2 * i), g[i], (uint32_t)i + 1);
        solve(m, mode);
        is_int(rate_of(m, flong), 2500000000ull, "parking lot, slow last hop: long flow 2.5 Gb/s");
        ok(rate_of(m, fs[0]) == 7500000000ull && rate_of(m, fs[1]) == 7500000000ull &&
           rate_of(m, fs[2]) == 2500000000ull, "short flows 7.5, 7.5, 2.5 Gb/s (%llu %llu %llu)",
           (unsigned long long)rate_of(m, fs[0]), (unsigned long long)rate_of(m, fs[1]),
           (unsigned long long)rate_of(m, fs[2]));
        /* the long flow leaves: the short ones get their hop */
        ns_mm_remove(m, flong, 0, 0);
        solve(m, mode);
        ok(rate_of(m, fs[0]) == 10 * G && rate_of(m, fs[1]) == 10 * G && rate_of(m, fs[2]) == 5 * G,
           "after the long flow leaves: 10, 10, 5 Gb/s");
        ns_mm_free(m);
    }
}

/* a sprayed flow: half of it on each of links 0 and 1; a single-path flow
 * shares link 0. Link 0 saturates when 1/2 t + t = 10 G: both at 20/3 G. */
static void
sprayed(void)
{
    uint64_t cap[4] = {10 * G, 10 * G, 100 * G, 100 * G};
    ns_mm *m = ns_mm_new(4, cap);
    uint32_t l2[2] = {0, 1}, half[2] = {Q / 2, Q / 2}, one = Q;
    uint32_t gs = ns_mm_group(m, l2, half, 2), gp = ns_mm_group(m, l2, &one, 1);
    ok(ns_mm_group(m, l2, half, 2) == gs, "a group is interned once");
    uint32_t fs = ns_mm_add(m, 2, NS_NONE, gs, 0);
    uint32_t fp = ns_mm_add(m, 3, NS_NONE, gp, 1);
    solve(m, NS_MM_INCREMENTAL);
    uint64_t want = 20 * G / 3;   /* floor(10 G x Q / (1.5 Q)) */
    ok(rate_of(m, fs) == want && rate_of(m, fp) == want, "sprayed + single flow on a 10 G link: both %llu (%llu, %llu)",
       (unsigned long long)want, (unsigned long long)rate_of(m, fs), (unsigned long long)rate_of(m, fp));
    is_int(ns_mm_link_load_bps(m, 1), want / 2, "the other spray link carries half the sprayed flow");
    /* link bytes integrate the load: 1 ms at 20/3 G x 1.5 = 10 G -> 1.25 MB on link 0 */
    ns_mm_remove(m, fp, 1000000000, 0);
    ok(ns_mm_link_bytes(m, 0, 1000000000) >= 1249999 && ns_mm_link_bytes(m, 0, 1000000000) <= 1250000,
       "link 0 carried 1.25 MB in 1 ms (%llu)", (unsigned long long)ns_mm_link_bytes(m, 0, 1000000000));
    solve(m, NS_MM_INCREMENTAL);
    is_int(rate_of(m, fs), 20 * G, "alone, the sprayed flow fills both 10 G links");
    /* released with its flow still going (a run stopped by `until`): the
     * links' counters go on from the load they had */
    uint64_t b0 = ns_mm_link_bytes(m, 0, 3000000000), b1 = ns_mm_link_bytes(m, 1, 3000000000);
    uint64_t load0 = ns_mm_link_load_bps(m, 0);
    size_t blocks = ns_alloc_live_blocks();
    ns_mm_release(m);
    ok(ns_mm_link_bytes(m, 0, 3000000000) == b0 && ns_mm_link_bytes(m, 1, 3000000000) == b1 &&
       ns_mm_link_load_bps(m, 0) == load0 && b0 >= 3749999 && b0 <= 3750000 && ns_alloc_live_blocks() < blocks,
       "released: its flows' memory goes (%zu -> %zu blocks), link 0 still carries %llu b/s, 3.75 MB by 3 ms (%llu)",
       blocks, ns_alloc_live_blocks(), (unsigned long long)load0, (unsigned long long)b0);
    ns_mm_free(m);
}

/* --- random cross-check ---------------------------------------------------- */

#define NL 40        /* links 0..19 fabric, 20..39 host links */
#define NG 30
#define MAXF 400

typedef struct world {
    ns_mm   *m[3];
    uint32_t id[3][MAXF];
    int      alive[MAXF];
    uint32_t up[MAXF], down[MAXF], grp[MAXF];
} world;

/* max-min check: every flow has a link where it is among the fastest and no
 * flow could get one more bit/s */
static int
is_maxmin(ns_mm *m, world *w, const uint64_t *cap, uint32_t glinks[NG][4], uint32_t gcoef[NG][4],
          const uint32_t *gn, int mi)
{
    static unsigned __int128 load[NL];
    static uint64_t wsum[NL], top[NL];
    memset(load, 0, sizeof load);
    memset(wsum, 0, sizeof wsum);
    memset(top, 0, sizeof top);
    for (int f = 0; f < MAXF; f++) {
        if (!w->alive[f])
            continue;
        uint64_t r = ns_mm_rate(m, w->id[mi][f]);
        uint32_t ls[6], cs[6], n = 0;
        ls[n] = w->up[f], cs[n++] = Q;
        if (w->down[f] != NS_NONE)
            ls[n] = w->down[f], cs[n++] = Q;
        if (w->grp[f] != NS_NONE)
            for (uint32_t k = 0; k < gn[w->grp[f]]; k++)
                ls[n] = glinks[w->grp[f]][k], cs[n++] = gcoef[w->grp[f]][k];
        for (uint32_t k = 0; k < n; k++) {
            load[ls[k]] += (unsigned __int128)r * cs[k];
            wsum[ls[k]] += cs[k];
            if (r > top[ls[k]])
                top[ls[k]] = r;
        }
    }
    for (int l = 0; l < NL; l++)
        if (load[l] > (unsigned __int128)cap[l] * Q)
            return diag("link %d over capacity", l), 0;
    for (int f = 0; f < MAXF; f++) {
        if (!w->alive[f])
            continue;
        uint64_t r = ns_mm_rate(m, w->id[mi][f]);
        uint32_t ls[6], n = 0;
        ls[n++] = w->up[f];
        if (w->down[f] != NS_NONE)
            ls[n++] = w->down[f];
        if (w->grp[f] != NS_NONE)
            for (uint32_t k = 0; k < gn[w->grp[f]]; k++)
                ls[n++] = glinks[w->grp[f]][k];
        int bott = 0;
        for (uint32_t k = 0; k < n && !bott; k++) {
            unsigned __int128 room = (unsigned __int128)cap[ls[k]] * Q - load[ls[k]];
            bott = top[ls[k]] == r && room < wsum[ls[k]];
        }
        if (!bott)
            return diag("flow %d (rate %llu) has no bottleneck", f, (unsigned long long)r), 0;
    }
    return 1;
}

/* age: the incremental solver's flows start their generations a few
 * changes short of the wrap, twice in the run (its heaps are then made
 * again, ns_mm_stats.relists), and its solve stamps jump close to theirs;
 * wide: the incremental and component solvers
 * keep every group of two links or more in lists, not heaps; huge: links of
 * 70 to 7,000 Tb/s, so that rates straddle 2^48 b/s, where the solver's heap
 * keys saturate (its scans then read the flows' rates); par: the component
 * and full solvers rebuild their heaps on two threads whenever they rebuild
 * any (ns_mm_set_parallel_min), the incremental one on one */
static void
random_crosscheck(uint32_t full_fraction, int age, int wide, int huge, int par)
{
    ns_rng *r = ns_rng_new(7, 99, 0);
    uint64_t cap[NL];
    for (int l = 0; l < NL; l++)
        cap[l] = (1 + ns_rng_below(r, 100)) * (huge ? UINT64_C(1) << 46 : G) + ns_rng_below(r, 1000);
    world w;
    memset(&w, 0, sizeof w);
    for (int i = 0; i < 3; i++)
        w.m[i] = ns_mm_new(NL, cap);
    ns_mm_set_full_fraction(w.m[0], full_fraction);
    if (wide) {
        ns_mm_set_wide(w.m[0], 1);
        ns_mm_set_wide(w.m[1], 1);
    }
    if (par) {
        ns_mm_set_parallel_min(w.m[1], 0);
        ns_mm_set_parallel_min(w.m[2], 0);
    }
    uint32_t glinks[NG][4], gcoef[NG][4], gn[NG], gid[3][NG];
    for (int g = 0; g < NG; g++) {
        gn[g] = 1 + (uint32_t)ns_rng_below(r, 4);
        uint32_t split = 1 + (uint32_t)ns_rng_below(r, 3);   /* 1, 1/2 or 1/3 of the flow */
        for (uint32_t k = 0; k < gn[g]; k++) {
            glinks[g][k] = (uint32_t)(g * 7 + k * 3) % 20;
            for (uint32_t j = 0; j < k; j++)
                if (glinks[g][j] == glinks[g][k])
                    glinks[g][k] = (glinks[g][k] + 1 + j) % 20;
            gcoef[g][k] = (Q + split - 1) / split;
        }
        /* distinct links within a group */
        int dup = 0;
        for (uint32_t a = 0; a < gn[g]; a++)
            for (uint32_t b = a + 1; b < gn[g]; b++)
                dup |= glinks[g][a] == glinks[g][b];
        if (dup)
            gn[g] = 1;
        for (int i = 0; i < 3; i++)
            gid[i][g] = ns_mm_group(w.m[i], glinks[g], gcoef[g], gn[g]);
    }
    int same = 1, fair = 1, solves = 0, changes_ok = 1, ordered = 1;
    long above = 0, below = 0;   /* rates at or above 2^48 b/s, and under */
    uint64_t maxflows[3] = {0, 0, 0};
    for (int step = 0; step < 300; step++) {
        if (age && (step == 20 || step == 150)) {
            ns_mm_test_set_gens(w.m[0], UINT16_MAX - 3);
            ns_mm_test_set_relist(w.m[0], 37);   /* and the heaps are made again every 37 solves */
            ns_mm_test_set_stamp(w.m[0], 3);   /* and the solve stamps wrap soon after */
        }
        int nops = 1 + (int)ns_rng_below(r, step < 40 ? 12 : 5);
        for (int op = 0; op < nops; op++) {
            int f = (int)ns_rng_below(r, MAXF);
            if (w.alive[f]) {
                for (int i = 0; i < 3; i++)
                    ns_mm_remove(w.m[i], w.id[i][f], step, 0);
                w.alive[f] = 0;
            } else {
                w.up[f] = 20 + (uint32_t)ns_rng_below(r, 20);
                w.down[f] = ns_rng_below(r, 4) ? 20 + (uint32_t)ns_rng_below(r, 20) : NS_NONE;
                if (w.down[f] == w.up[f])
                    w.down[f] = NS_NONE;
                w.grp[f] = ns_rng_below(r, 5) ? (uint32_t)ns_rng_below(r, NG) : NS_NONE;
                for (int i = 0; i < 3; i++)
                    w.id[i][f] = ns_mm_add(w.m[i], w.up[f], w.down[f], w.grp[f] == NS_NONE ? NS_NONE : gid[i][w.grp[f]],
                                           (uint32_t)f);
                w.alive[f] = 1;
            }
        }
        for (int i = 0; i < 3; i++) {
            nchanges = 0;
            long nc = ns_mm_solve(w.m[i], step, i, keep_change, NULL);
            /* every change reported is a real change or a new flow, and counted */
            changes_ok &= nc == nchanges && nc <= MAXCHG;
            ordered &= ns_mm_test_disorder(w.m[i]) == 0;
            for (long k = 0; k < nc && k < MAXCHG; k++)
                changes_ok &= changes[k].new_bps == ns_mm_rate(w.m[i], w.id[i][changes[k].user]) &&
                              changes[k].new_bps != changes[k].old_bps;
        }
        solves++;
        for (int f = 0; f < MAXF; f++) {
            if (!w.alive[f])
                continue;
            uint64_t a = ns_mm_rate(w.m[0], w.id[0][f]), b = ns_mm_rate(w.m[1], w.id[1][f]),
                     c = ns_mm_rate(w.m[2], w.id[2][f]);
            above += c >= UINT64_C(1) << 48;
            below += c < UINT64_C(1) << 48;
            if (a != c || b != c) {
                if (same)
                    diag("step %d flow %d: incremental %llu component %llu full %llu", step, f,
                         (unsigned long long)a, (unsigned long long)b, (unsigned long long)c);
                same = 0;
            }
        }
        if (fair && !is_maxmin(w.m[0], &w, cap, glinks, gcoef, gn, 0)) {
            diag("at step %d", step);
            fair = 0;
        }
    }
    ok(same, "incremental (%s%s%s%s), component and full%s solves agree on every rate over %d random solves",
       full_fraction ? "going full past 1/4 of the flows" : "never going full",
       age ? ", generations wrapping" : "", wide ? ", groups in lists" : "",
       huge ? ", rates around 2^48 b/s" : "", par ? " (heaps rebuilt on two threads)" : "", solves);
    if (huge)
        ok(above > 1000 && below > 1000, "flow rates were at or above 2^48 b/s %ld times, below %ld times", above,
           below);
    ok(fair, "every allocation is feasible and max-min fair (a saturated link where the flow is fastest)");
    ok(changes_ok, "the reported changes carry the new rates");
    ok(ordered, "every heap and sorted run of the three solvers stays in order");
    int bytes_same = 1;
    for (int l = 0; l < NL; l++)
        bytes_same &= ns_mm_link_bytes(w.m[0], l, 1000) == ns_mm_link_bytes(w.m[2], l, 1000);
    ok(bytes_same, "link byte counters agree between incremental and full");
    ns_mm_stats s[3];
    for (int i = 0; i < 3; i++) {
        ns_mm_get_stats(w.m[i], &s[i]);
        maxflows[i] = s[i].flows_solved;
    }
    if (age)
        ok(s[0].relists > 2, "generations wrapped: the heaps were made again %llu times",
           (unsigned long long)s[0].relists);
    if (par && ns_cores() < 2)
        ok(1, "# SKIP one core: heaps are rebuilt on one thread");
    else if (par)
        ok(s[1].par_rebuilds > 100 && s[2].par_rebuilds > 100 && s[0].par_rebuilds == 0,
           "two threads rebuilt the heaps of %llu component and %llu full solves, none of the incremental's",
           (unsigned long long)s[1].par_rebuilds, (unsigned long long)s[2].par_rebuilds);
    ok(s[0].flows_solved < s[1].flows_solved && s[1].flows_solved <= s[2].flows_solved,
       "incremental recomputes fewer flows (%llu) than component (%llu) and full (%llu)",
       (unsigned long long)maxflows[0], (unsigned long long)maxflows[1], (unsigned long long)maxflows[2]);
    for (int i = 0; i < 3; i++)
        ns_mm_free(w.m[i]);
    ns_rng_free(r);
}

/* 300 flows share link 0 (900 Gb/s); flow i also crosses its own link of
 * 3, 1, 7, 2 or 5 Gb/s (i mod 5). Filling: the 1 and 2 Gb/s flows freeze at
 * their own links, then the 3 Gb/s ones (share 720 / 180 = 4), then the
 * rest at 540 / 120 = 4.5 Gb/s: link 0's heap holds four keys in no order,
 * and the first solve sorts it into a run (a heap this big by radix). Then
 * the fastest flows leave one by one and the rest speed up: incremental
 * solves against full ones. */
/* a flow whose rate changes at every solve for 70,000 solves (another flow
 * comes and goes on its link): its 16-bit generation would wrap at 65,536,
 * but the heaps are made again every 32,768 solves, gens back to 0: two
 * remakings and no wrap (a wrap would make a third); the rate right all along */
static void
long_lived(void)
{
    uint64_t cap[2] = {10 * G, 10 * G};
    ns_mm *m = ns_mm_new(2, cap);
    uint32_t a = ns_mm_add(m, 0, 1, NS_NONE, 0), b = NS_NONE;
    int right = 1;
    for (int step = 0; step < 70000; step++) {
        if (b == NS_NONE) {
            b = ns_mm_add(m, 0, NS_NONE, NS_NONE, 1);
        } else {
            ns_mm_remove(m, b, step, 0);
            b = NS_NONE;
        }
        solve(m, NS_MM_INCREMENTAL);
        right &= rate_of(m, a) == (b == NS_NONE ? 10 * G : 5 * G);
    }
    ns_mm_stats s;
    ns_mm_get_stats(m, &s);
    ok(right, "a flow whose rate changes at each of 70,000 solves has the right rate after each");
    ok(s.relists == 2 && s.wraps == 0, "its heaps were made again at solves 32,768 and 65,536 (%llu times), and "
       "its generation never wrapped (%llu)", (unsigned long long)s.relists, (unsigned long long)s.wraps);
    ns_mm_free(m);
}

static void
few_levels(void)
{
    enum { NF = 300 };
    static const uint64_t own[5] = {3, 1, 7, 2, 5};
    uint64_t cap[NF + 1];
    cap[0] = 900 * G;
    for (int i = 0; i < NF; i++)
        cap[1 + i] = own[i % 5] * G;
    ns_mm *m[2] = {ns_mm_new(NF + 1, cap), ns_mm_new(NF + 1, cap)};
    uint32_t id[2][NF];
    for (int k = 0; k < 2; k++) {
        for (int i = 0; i < NF; i++)
            id[k][i] = ns_mm_add(m[k], 1 + (uint32_t)i, 0, NS_NONE, (uint32_t)i);
        solve(m[k], k == 0 ? NS_MM_INCREMENTAL : NS_MM_FULL);
    }
    int rates_ok = 1;
    for (int i = 0; i < NF; i++) {
        uint64_t want = own[i % 5] <= 2 ? own[i % 5] * G : own[i % 5] == 3 ? 3 * G : 4500000000ull;
        rates_ok &= rate_of(m[0], id[0][i]) == want && rate_of(m[1], id[1][i]) == want;
    }
    ok(rates_ok, "300 flows on one link at four levels: 1, 2, 3 and 4.5 Gb/s");
    uint64_t disorder = ns_mm_test_disorder(m[0]) + ns_mm_test_disorder(m[1]);
    int same = 1;
    for (int i = NF - 1; i >= 0; i--) {   /* the 7 and 5 Gb/s flows leave first (i mod 5 = 2, 4) */
        if (i % 5 != 2 && i % 5 != 4)
            continue;
        for (int k = 0; k < 2; k++) {
            ns_mm_remove(m[k], id[k][i], 1, 0);
            solve(m[k], k == 0 ? NS_MM_INCREMENTAL : NS_MM_FULL);
            disorder += ns_mm_test_disorder(m[k]);
        }
        for (int j = 0; j < NF; j++)
            if ((j % 5 != 2 && j % 5 != 4) || j < i)
                same &= rate_of(m[0], id[0][j]) == rate_of(m[1], id[1][j]);
    }
    ok(same, "as the fastest leave one by one, incremental and full solves agree");
    is_int((long)disorder, 0, "the heap sorted by its levels, and every heap after, are in order");
    for (int k = 0; k < 2; k++)
        ns_mm_free(m[k]);
}

/* new flows go into their heaps in a batch, at the next solve or removal:
 * three flows on a 9 Gb/s link, the middle one removed before any solve,
 * and a group's flow added after it; then, out of memory while the batch
 * is listed (fault-injection builds), the removal and the solve fail and
 * the solver is freed whole */
static void
batched_arrivals(void)
{
    uint64_t cap[3] = {9 * G, 9 * G, 9 * G};
    ns_mm *m = ns_mm_new(3, cap);
    uint32_t l12[2] = {1, 2}, q12[2] = {Q, Q};
    uint32_t g = ns_mm_group(m, l12, q12, 2);
    uint32_t a = ns_mm_add(m, 0, NS_NONE, NS_NONE, 0), b = ns_mm_add(m, 0, NS_NONE, NS_NONE, 1);
    uint32_t c = ns_mm_add(m, 0, NS_NONE, NS_NONE, 2);
    int rm = ns_mm_remove(m, b, 0, 0);
    uint32_t d = ns_mm_add(m, 0, NS_NONE, g, 3);
    solve(m, NS_MM_INCREMENTAL);
    ok(rm == 0 && rate_of(m, a) == 3 * G && rate_of(m, c) == 3 * G && rate_of(m, d) == 3 * G &&
       ns_mm_test_disorder(m) == 0, "a flow removed before its first solve: the 3 left get 9/3 Gb/s each");
    ns_mm_free(m);
#ifdef NS_FAULT_INJECTION
    m = ns_mm_new(3, cap);
    g = ns_mm_group(m, l12, q12, 2);
    a = ns_mm_add(m, 0, NS_NONE, NS_NONE, 0);
    b = ns_mm_add(m, 1, NS_NONE, g, 1);
    ns_alloc_fail_after(1);   /* the first heap's room */
    rm = ns_mm_remove(m, a, 0, 0);
    long sv = ns_mm_solve(m, 0, NS_MM_INCREMENTAL, ignore_change, NULL);
    ns_alloc_fail_after(0);
    ok(rm == -1 && sv == -1, "out of memory listing new flows: the removal and the next solve fail (%d, %ld)", rm, sv);
    ns_mm_free(m);
#else
    ok(1, "# SKIP allocation failures need --enable-fault-injection");
#endif
}

int
main(void)
{
    ns_lib_init();
    plan(3 * 4 + 6 + 6 * 6 + 1 + 1 + 1 + 3 + 2 + 2 + 1);
    parking_lot();
    sprayed();
    random_crosscheck(0, 0, 0, 0, 0);
    random_crosscheck(4, 0, 0, 0, 0);
    random_crosscheck(4, 1, 0, 0, 0);
    random_crosscheck(0, 0, 1, 0, 0);
    random_crosscheck(0, 0, 0, 1, 0);
    random_crosscheck(4, 0, 0, 0, 1);
    few_levels();
    long_lived();
    batched_arrivals();
    is_int(ns_alloc_live_blocks(), 0, "nothing leaked");
    return done_testing();
}
