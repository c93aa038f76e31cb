/*
 * prefetch.h - bring a line toward the cache ahead of its use, for sure.
 *
 * GCC 12 deletes the calls of a function that only prefetches: its
 * interprocedural analysis of what functions change (modref) finds that
 * such a function changes nothing, and a call that changes nothing and
 * returns nothing goes (-fno-ipa-modref keeps them). In netsim 0.2 that took
 * every prefetch of the flow model's batch of new flows (maxmin.c,
 * list_prefetch) and of a delivery's op and successors (sim.h): 9 of the 22
 * prefetches of sim/ were missing from the binary (objdump). A prefetch
 * written as an asm statement is never deleted. Elsewhere (another machine)
 * this is __builtin_prefetch behind an asm that hides its address.
 * tests/prefetch_kept.sh counts the prefetch instructions of the binary.
 */
#ifndef NS_PREFETCH_H
#define NS_PREFETCH_H

#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
/* read soon (rw: a write follows; x86 without PREFETCHW gets the same) */
#define ns_prefetch(p)   __asm__ volatile("prefetcht0 %0" : : "m"(*(const char *)(p)))
#define ns_prefetch_w(p) __asm__ volatile("prefetcht0 %0" : : "m"(*(const char *)(p)))
#elif defined(__GNUC__) && defined(__aarch64__)
#define ns_prefetch(p)   __asm__ volatile("prfm pldl1keep, %0" : : "Q"(*(const char *)(p)))
#define ns_prefetch_w(p) __asm__ volatile("prfm pstl1keep, %0" : : "Q"(*(const char *)(p)))
#elif defined(__GNUC__)
#define ns_prefetch(p) do { const void *ns_pf_ = (p); __asm__ volatile("" : "+r"(ns_pf_)); \
                            __builtin_prefetch(ns_pf_); } while (0)
#define ns_prefetch_w(p) do { const void *ns_pf_ = (p); __asm__ volatile("" : "+r"(ns_pf_)); \
                              __builtin_prefetch(ns_pf_, 1); } while (0)
#else
#define ns_prefetch(p)   ((void)(p))
#define ns_prefetch_w(p) ((void)(p))
#endif

#endif
