/* test_flow_events.c - the flow model's lazy event queue (flow_events.h):
 * over a long random run of schedules, moves, cancels, pops and batches
 * (small and big: sorted runs merged with the run left), every pop
 * is the earliest pending event by (time, seq) (checked against a scan of
 * all subflows), moved and cancelled events never fire, generations that
 * wrap drop old entries first, and stale entries stay bounded. A big
 * batch with thousands of events at each of a few picoseconds, their seqs
 * in random order (the sort's second key), pops in (time, seq) order. */
#include <config.h>
#include <stdlib.h>
#include "sim/alloc.h"
#include "sim/flow/flow_events.h"
#include "tests/tap.h"

#define N 3000

typedef struct sub {
    uint64_t when, seq;   /* its pending event, when pending */
    uint16_t gen;         /* 16 bits, as the queue keeps them */
    int      pending;
} sub;

static sub s[N];
static uint64_t next_seq = 1;
static unsigned rs = 777;
static unsigned rnd(void) { rs = rs * 1103515245u + 12345u; return rs >> 8; }

static int
is_live(void *ctx, uint32_t idx, uint16_t gen)
{
    (void)ctx;
    return s[idx].pending && s[idx].gen == gen;
}

/* the caller's side of a move or a cancel: the old entry goes stale */
static void
drop(ns_fevq *q, uint32_t i)
{
    s[i].pending = 0;
    ns_fevq_stale(q);
    if (++s[i].gen == 0)
        ns_fevq_compact(q);
}

static int
schedule(ns_fevq *q, uint32_t i, uint64_t when)
{
    if (ns_fevq_reserve(q))
        return -1;
    if (s[i].pending)
        drop(q, i);
    s[i].pending = 1;
    s[i].when = when;
    s[i].seq = next_seq++;
    ns_fevq_push(q, when, s[i].seq, i, s[i].gen);
    return 0;
}

/* the earliest pending subflow, by a scan */
static int
earliest(void)
{
    int best = -1;
    for (int i = 0; i < N; i++)
        if (s[i].pending && (best < 0 || s[i].when < s[best].when ||
                             (s[i].when == s[best].when && s[i].seq < s[best].seq)))
            best = i;
    return best;
}

int
main(void)
{
    plan(12);
    ns_fevq q;
    ns_fevq_init(&q, is_live, NULL);
    q.run_min = 40;   /* batches of 40 events or more become sorted runs */
    long batches = 0, runs = 0;
    uint64_t now = 0;
    long pops = 0, moves = 0, cancels = 0, bad_order = 0, bad_live = 0, oom = 0;
    size_t most = 0;
    /* some generations start near the wrap */
    for (int i = 0; i < N; i += 7)
        s[i].gen = (uint16_t)(UINT16_MAX - rnd() % 3);
    for (long step = 0; step < 300000; step++) {
        uint32_t i = rnd() % N;
        unsigned op = rnd() % 10;
        if (op == 9 && rnd() % 8 == 0) {   /* a batch, as a solve gives one */
            unsigned k = rnd() % 100;
            ns_fevq_bulk_begin(&q);
            for (unsigned j = 0; j < k; j++) {
                uint32_t b = rnd() % N;
                if (s[b].pending && s[b].seq > next_seq - j - 1)
                    continue;   /* once per batch, as a solve moves a subflow once */
                if (s[b].pending)
                    moves++;
                oom |= schedule(&q, b, now + rnd() % 500) != 0;
            }
            size_t rn_before = q.rn - q.rh;
            oom |= ns_fevq_bulk_end(&q) != 0;
            batches++;
            runs += q.rn - q.rh > rn_before;
            continue;
        }
        if (op < 6) {   /* schedule or move; ties in time are frequent */
            if (s[i].pending)
                moves++;
            oom |= schedule(&q, i, now + rnd() % 500) != 0;
        } else if (op < 7) {
            if (s[i].pending) {
                drop(&q, i);
                cancels++;
            }
        } else {
            const ns_fevq_ent *t = ns_fevq_top(&q);
            int want = earliest();
            if (!t) {
                bad_order += want >= 0;
                continue;
            }
            bad_order += want < 0 || t->idx != (uint32_t)want || t->when != s[want].when ||
                         ns_fevq_seq(t) != s[want].seq;
            bad_live += !is_live(NULL, t->idx, ns_fevq_gen(t));
            now = t->when;
            uint32_t k = t->idx;
            ns_fevq_pop(&q);
            s[k].pending = 0;
            if (++s[k].gen == 0)
                ns_fevq_compact(&q);
            pops++;
        }
        size_t live = 0;
        if (step % 1000 == 0) {
            for (int j = 0; j < N; j++)
                live += s[j].pending;
            bad_live += live != q.live;
        }
        if (q.n + (q.rn - q.rh) + q.nbuf > most)
            most = q.n + (q.rn - q.rh) + q.nbuf;
    }
    ok(!oom, "no allocation failed");
    ok(batches > 1000 && runs > 100, "%ld batches, %ld of them sorted into the run", batches, runs);
    ok(pops > 50000 && moves > 50000 && cancels > 10000, "the run popped %ld, moved %ld and cancelled %ld events",
       pops, moves, cancels);
    is_int(bad_order, 0, "every pop is the earliest pending event by (time, seq)");
    is_int(bad_live, 0, "the top is always live, and the live count is the pending events");
    ok(most <= 3 * N + 4096 + 1, "stale entries stay bounded: at most %zu entries for %d subflows", most, N);
    uint32_t wrapped = 0;
    for (int i = 0; i < N; i += 7)
        wrapped += s[i].gen < 1000;
    ok(wrapped > 0, "generations wrapped (%u subflows) without an old entry passing for a new one", wrapped);
    ns_fevq_free(&q);

    /* a big batch: 3 x 23,000 events at 3 picoseconds, seqs a random
     * permutation of 1 .. 70,000, plus 1,000 over a wider range */
    enum { BIG = 70000 };
    static uint64_t perm[BIG];
    for (uint32_t i = 0; i < BIG; i++)
        perm[i] = i + 1;
    for (uint32_t i = BIG - 1; i > 0; i--) {
        uint32_t j = rnd() % (i + 1);
        uint64_t t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
    }
    ns_fevq_init(&q, is_live, NULL);   /* (a batch this big becomes a run) */
    for (int i = 0; i < N; i++) {
        s[i].pending = 1;   /* every entry live: is_live asks s[idx % N] */
        s[i].gen = 0;
    }
    ns_fevq_bulk_begin(&q);
    for (uint32_t i = 0; i < BIG; i++) {
        oom |= ns_fevq_reserve(&q) != 0;
        uint64_t when = i < 69000 ? 1000000 + (rnd() % 3) * 7 : rnd() % 5000000;
        ns_fevq_push(&q, when, perm[i], i % N, 0);
    }
    oom |= ns_fevq_bulk_end(&q) != 0;
    ok(q.rn == BIG && q.n == 0, "the big batch became the sorted run");
    long popped = 0, unordered = 0;
    uint64_t pw = 0, ps = 0;
    const ns_fevq_ent *t;
    while ((t = ns_fevq_top(&q))) {
        unordered += t->when < pw || (t->when == pw && ns_fevq_seq(t) <= ps);
        pw = t->when;
        ps = ns_fevq_seq(t);
        ns_fevq_pop(&q);
        popped++;
    }
    is_int(popped, BIG, "a big batch pops whole");
    is_int(unordered + oom, 0, "a big batch of many events at one time pops in (time, seq) order");
    ns_fevq_free(&q);

    /* the biggest seqs and gens an entry keeps: three events at one
     * picosecond, seqs 2^48 - 1, - 2, - 3, come back whole, in seq order */
    ns_fevq_init(&q, is_live, NULL);
    for (int i = 0; i < 3; i++) {
        s[i].pending = 1;
        s[i].gen = (uint16_t)(UINT16_MAX - i);
        oom |= ns_fevq_reserve(&q) != 0;
        ns_fevq_push(&q, 42, NS_FEVQ_SEQ_END - 1 - (uint64_t)i, (uint32_t)i, s[i].gen);
    }
    long wrong = 0;
    for (int i = 2; i >= 0; i--) {
        t = ns_fevq_top(&q);
        wrong += !t || t->idx != (uint32_t)i || ns_fevq_seq(t) != NS_FEVQ_SEQ_END - 1 - (uint64_t)i ||
                 ns_fevq_gen(t) != (uint16_t)(UINT16_MAX - i) || t->when != 42;
        if (t)
            ns_fevq_pop(&q);
    }
    is_int(wrong + oom, 0, "seqs up to 2^48 - 1 and gens up to 65,535 come back whole, in seq order");
    ns_fevq_free(&q);
    is_int(ns_alloc_live_blocks(), 0, "nothing leaked");
    return done_testing();
}
