/*
 * prefetch.h - bring a line toward the cache ahead of its use, for sure.
 *
 * GCC 12 deletes some __builtin_prefetch calls whose address it computes
 * from loads: in netsim 0.2 every prefetch of the flow model's batch of new
 * flows (maxmin.c list_prefetch) and of a delivery's op and successors
 * (sim.h) was missing from the binary (objdump), though the source asked
 * for them. A prefetch written as an asm statement stays where it is
 * written. Elsewhere (another compiler, another machine) this is
 * __builtin_prefetch behind an asm that hides the address from the
 * optimizer, which kept every prefetch of a test case GCC dropped.
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
