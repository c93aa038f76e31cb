/*
 * time.h - simulated time: a signed 64-bit count of picoseconds.
 *
 * No floating-point time in the engine: integer picoseconds make runs
 * bit-for-bit repeatable. INT64_MAX ps is about 106 days.
 */
#ifndef NS_TIME_H
#define NS_TIME_H

#include <stdint.h>

typedef int64_t ns_time;

#define NS_TIME_MAX  INT64_MAX
#define NS_PS_PER_NS INT64_C(1000)
#define NS_PS_PER_US INT64_C(1000000)
#define NS_PS_PER_MS INT64_C(1000000000)
#define NS_PS_PER_S  INT64_C(1000000000000)

static inline ns_time ns_time_from_ns(int64_t ns) { return ns * NS_PS_PER_NS; }
static inline ns_time ns_time_from_us(int64_t us) { return us * NS_PS_PER_US; }
static inline double ns_time_to_s(ns_time t) { return (double)t / (double)NS_PS_PER_S; }

/*
 * Sums and multiples of non-negative times that stop at NS_TIME_MAX instead
 * of overflowing: the clock's end is a value no event reaches (ns_sim_at
 * refuses it), so an overflow becomes an error, never a wrapped time.
 */
static inline ns_time
ns_time_add(ns_time a, ns_time b)
{
    ns_time r;
    return __builtin_add_overflow(a, b, &r) ? NS_TIME_MAX : r;
}

static inline ns_time
ns_time_mul(ns_time a, int64_t k)
{
    ns_time r;
    return __builtin_mul_overflow(a, k, &r) ? NS_TIME_MAX : r;
}

/*
 * Time to serialize `bytes` at `rate_bps`, rounded up to a whole picosecond:
 * ceil(bytes * 8e12 / rate), NS_TIME_MAX if that is past the clock's end.
 * Exact (128-bit intermediate), so the same on every machine.
 */
static inline ns_time
ns_serialize_ps(uint64_t bytes, uint64_t rate_bps)
{
    unsigned __int128 num = (unsigned __int128)bytes * 8u * (uint64_t)NS_PS_PER_S;
    unsigned __int128 t = (num + rate_bps - 1) / rate_bps;
    return t > (unsigned __int128)NS_TIME_MAX ? NS_TIME_MAX : (ns_time)t;
}

#endif
