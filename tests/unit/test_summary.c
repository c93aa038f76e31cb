/* test_summary.c - the summary's sort of completion times (ns_sort_times,
 * sim/output/summary.h): by radix for big arrays, by qsort for small ones;
 * both must give qsort's order exactly, whatever the values' spread, sign
 * or repeats, and the nearest-rank percentiles read from it */
#include <config.h>
#include <stdlib.h>
#include <string.h>
#include "sim/alloc.h"
#include "sim/output/summary.h"
#include "sim/rng.h"
#include "tests/tap.h"

static int
cmp(const void *a, const void *b)
{
    ns_time x = *(const ns_time *)a, y = *(const ns_time *)b;
    return (x > y) - (x < y);
}

/* n values from `draw`, sorted both ways: 1 when the two agree */
static int
same_as_qsort(size_t n, ns_time (*draw)(ns_rng *, size_t), uint64_t seed)
{
    ns_time *a = malloc((n ? n : 1) * sizeof *a), *b = malloc((n ? n : 1) * sizeof *b);
    ns_rng *r = ns_rng_new(seed, 0, 0);
    for (size_t i = 0; i < n; i++)
        a[i] = b[i] = draw(r, i);
    ns_sort_times(a, n);
    qsort(b, n, sizeof *b, cmp);
    int same = memcmp(a, b, n * sizeof *a) == 0;
    ns_rng_free(r);
    free(a);
    free(b);
    return same;
}

/* completion times of a big run: 80 to 90 ms, in ps (five bytes differ) */
static ns_time
fct(ns_rng *r, size_t i)
{
    (void)i;
    return 80000000000 + (ns_time)ns_rng_below(r, 10000000000);
}

/* every byte differs, the sign too */
static ns_time
wide(ns_rng *r, size_t i)
{
    (void)i;
    return (ns_time)(ns_rng_below(r, UINT64_C(1) << 62) - (UINT64_C(1) << 61));
}

/* 7 distinct values, each repeated */
static ns_time
few(ns_rng *r, size_t i)
{
    (void)i;
    return 1000 * (ns_time)ns_rng_below(r, 7);
}

/* all equal */
static ns_time
same(ns_rng *r, size_t i)
{
    (void)r;
    (void)i;
    return 42;
}

/* decreasing: the reverse of the order wanted */
static ns_time
down(ns_rng *r, size_t i)
{
    (void)r;
    return 1000000 - (ns_time)i * 3;
}

int
main(void)
{
    plan(11);
    size_t live = ns_alloc_live_blocks();
    ok(same_as_qsort(200000, fct, 1), "200,000 completion times of 80 to 90 ms: qsort's order");
    ok(same_as_qsort(100000, wide, 2), "100,000 times over 62 bits, negative and positive: qsort's order");
    ok(same_as_qsort(50000, few, 3), "50,000 times of 7 values: qsort's order");
    ok(same_as_qsort(4096, same, 4), "4,096 equal times (the radix's smallest size)");
    ok(same_as_qsort(300000, down, 5), "300,000 decreasing times: qsort's order");
    ok(same_as_qsort(4095, fct, 6), "4,095 times (qsort's largest size)");
    ok(same_as_qsort(1, fct, 7) && same_as_qsort(0, fct, 8), "one time, and none");

    /* percentiles of 1 .. 10,000 us, shuffled: nearest rank */
    size_t n = 10000;
    ns_time *v = malloc(n * sizeof *v);
    for (size_t i = 0; i < n; i++)
        v[i] = (ns_time)((i * 7919) % n + 1) * 1000000;   /* 7919 is prime: a permutation */
    ns_sort_times(v, n);
    is_time(ns_percentile(v, n, 0.50), 5000000000, "p50 of 1 .. 10,000 us is 5,000 us");
    is_time(ns_percentile(v, n, 0.99), 9900000000, "p99 is 9,900 us");
    is_time(v[n - 1], 10000000000, "the last is the largest, 10,000 us");
    free(v);
    is_int((long)(ns_alloc_live_blocks() - live), 0, "nothing left allocated");
    return done_testing();
}
