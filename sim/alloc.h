/*
 * alloc.h - the one allocator of netsim.
 *
 * Every heap block of netsim goes through ns_alloc/ns_calloc/ns_realloc/
 * ns_free, which count live blocks and bytes (so tests can prove nothing
 * leaked) and, when fault injection is armed, fail the Nth call (so tests can
 * prove that every allocation failure ends in a clean NS_ENOMEM). Injection
 * is compiled in only by configure --enable-fault-injection (NS_FAULT_INJECTION;
 * make check-fault builds such a copy); without it arming does nothing.
 * The counters are process-wide, like Lua's lua_Alloc state in its test build.
 */
#ifndef NS_ALLOC_H
#define NS_ALLOC_H

#include <stddef.h>
#include <stdint.h>

/* 1 when big blocks (8 MiB and more) are mappings of netsim's own, in huge
 * pages (alloc.c); 0 under AddressSanitizer, whose allocator then keeps
 * guarding them with redzones */
#if defined(__SANITIZE_ADDRESS__)
#define NS_ALLOC_MAPS_BIG 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NS_ALLOC_MAPS_BIG 0
#endif
#endif
#ifndef NS_ALLOC_MAPS_BIG
#define NS_ALLOC_MAPS_BIG 1
#endif

void *ns_alloc(size_t bytes);
void *ns_calloc(size_t n, size_t size);
/* ns_realloc(NULL, n) allocates; on failure the old block is untouched. */
void *ns_realloc(void *p, size_t bytes);
/* grow an array to hold at least `need` elements of `size` bytes, doubling;
 * returns 0 or -1 (the array is untouched on failure). */
int ns_grow(void **arr, size_t *cap, size_t need, size_t size);
/* the same, to exactly `need` elements (for a size known in advance) */
int ns_grow_exact(void **arr, size_t *cap, size_t need, size_t size);
void ns_free(void *p);
char *ns_strdup(const char *s);

/* live blocks and bytes right now, and the peak of bytes */
size_t ns_alloc_live_blocks(void);
size_t ns_alloc_live_bytes(void);
size_t ns_alloc_peak_bytes(void);
/* start measuring the peak anew from the live bytes of now */
void ns_alloc_reset_peak(void);
/* number of allocation calls so far (ns_alloc, ns_calloc, growing ns_realloc) */
uint64_t ns_alloc_calls(void);

/* fail the call numbered `n` (1-based, counted from now) and every one after
 * it; 0 disarms. */
void ns_alloc_fail_after(uint64_t n);
/* true once an injected failure has happened */
int ns_alloc_failed(void);

/* a ceiling on live bytes: an allocation that would pass it fails (returns
 * NULL) as if the machine were out of memory, so that a run too large for
 * the machine ends with a clean NS_ENOMEM instead of swapping or the kernel's
 * OOM killer. 0 removes the ceiling (the default). ns_alloc_limit_hit() is
 * true once an allocation failed for this reason. */
void ns_alloc_set_limit(size_t bytes);
size_t ns_alloc_limit(void);
int ns_alloc_limit_hit(void);

/* for tests: 1 makes the C library's malloc, calloc and realloc count as
 * refusing every block, as glibc's does under valgrind once its small heap
 * is full; netsim then maps small blocks itself (alloc.c). 0 ends it. */
void ns_alloc_refuse_libc(int on);
/* 1 when the C library's heap is asked for huge pages as it grows (alloc.c:
 * glibc, not under a sanitizer) */
int ns_alloc_advises_heap(void);
/* big blocks grown by copying their bytes into a new mapping, where the
 * kernel could not move their pages (mremap): each such growth touches
 * fresh pages for the whole block */
uint64_t ns_alloc_growths_copied(void);
/* 1 when a big block that moves as it grows moves to a 2 MiB boundary (not
 * under valgrind: see alloc.c) */
int ns_alloc_aligns_growth(void);

#endif
