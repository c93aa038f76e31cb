/*
 * alloc.c - counting allocator with fault injection (see alloc.h).
 *
 * Each block carries a 16-byte header holding its size so that live bytes
 * can be tracked without help from the C library.
 */
#include <config.h>
#include "alloc.h"

#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

typedef union blockhdr {
    size_t size;
    max_align_t align;   /* keep the payload aligned as malloc's is */
} blockhdr;

static size_t live_blocks, live_bytes, peak_bytes;
static uint64_t calls, fail_at;
static int failed;
static size_t limit_bytes = SIZE_MAX;   /* live bytes never exceed this */
static int limit_hit;

/* 1 if `more` bytes would take the live bytes past the limit */
static int
over_limit(size_t more)
{
    if (more <= limit_bytes && live_bytes <= limit_bytes - more)
        return 0;
    limit_hit = 1;
    return 1;
}

static int
should_fail(void)
{
    calls++;
#ifdef NS_FAULT_INJECTION
    if (fail_at && calls >= fail_at) {
        failed = 1;
        return 1;
    }
#endif
    return 0;
}

/* Ask for transparent huge pages (2 MiB) under a big block: the flow model's
 * arrays of millions of flows otherwise take a page fault per 4 KiB on
 * first touch, 15-20 % of a 1,024-host all-to-all on a machine whose kernel
 * gives huge pages only on request (transparent_hugepage = madvise). Only
 * the 2 MiB-aligned inside of the block; a hint, so its failure is ignored. */
#define HUGE_BLOCK ((size_t)8 << 20)
#define HUGE_PAGE  ((uintptr_t)2 << 20)

static void
advise_huge(void *p, size_t bytes)
{
#ifdef MADV_HUGEPAGE
    if (bytes < HUGE_BLOCK)
        return;
    uintptr_t a = ((uintptr_t)p + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
    uintptr_t b = ((uintptr_t)p + bytes) & ~(HUGE_PAGE - 1);
    if (b > a)
        (void)madvise((void *)a, b - a, MADV_HUGEPAGE);
#else
    (void)p;
    (void)bytes;
#endif
}

/* Blocks of 1 MiB and more get their own mapping, always: growing one then
 * moves its pages (mremap) instead of copying them, as glibc would once its
 * adaptive threshold had risen past them after a free. */
static void
malloc_setup(void)
{
    static int done;
    if (done)
        return;
    done = 1;
#ifdef M_MMAP_THRESHOLD
    mallopt(M_MMAP_THRESHOLD, 1 << 20);
#endif
}

/* zero: from calloc, which leaves fresh pages of a big block to the
 * kernel's zeroing instead of writing them twice */
static void *
alloc_block(size_t bytes, int zero)
{
    malloc_setup();
    if (should_fail() || bytes > SIZE_MAX - sizeof(blockhdr) || over_limit(bytes))
        return NULL;
    blockhdr *h = zero ? calloc(1, sizeof *h + bytes) : malloc(sizeof *h + bytes);
    if (!h)
        return NULL;
    h->size = bytes;
    advise_huge(h + 1, bytes);
    live_blocks++;
    live_bytes += bytes;
    if (live_bytes > peak_bytes)
        peak_bytes = live_bytes;
    return h + 1;
}

void *
ns_alloc(size_t bytes)
{
    return alloc_block(bytes, 0);
}

void *
ns_calloc(size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    return alloc_block(n * size, 1);
}

void *
ns_realloc(void *p, size_t bytes)
{
    if (!p)
        return ns_alloc(bytes);
    blockhdr *h = (blockhdr *)p - 1;
    size_t old = h->size;
    if (bytes > old && should_fail())
        return NULL;
    if (bytes > SIZE_MAX - sizeof(blockhdr) || (bytes > old && over_limit(bytes - old)))
        return NULL;
    blockhdr *n = realloc(h, sizeof *n + bytes);
    if (!n)
        return NULL;
    n->size = bytes;
    if (bytes > old)
        advise_huge(n + 1, bytes);
    live_bytes = live_bytes - old + bytes;
    if (live_bytes > peak_bytes)
        peak_bytes = live_bytes;
    return n + 1;
}

int
ns_grow(void **arr, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t n = *cap ? *cap : 8;
    while (n < need) {
        if (n > SIZE_MAX / 2)
            return -1;
        n *= 2;
    }
    return ns_grow_exact(arr, cap, n, size);
}

int
ns_grow_exact(void **arr, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    if (size && need > SIZE_MAX / size)
        return -1;
    void *p = ns_realloc(*arr, need * size);
    if (!p)
        return -1;
    *arr = p;
    *cap = need;
    return 0;
}

void
ns_free(void *p)
{
    if (!p)
        return;
    blockhdr *h = (blockhdr *)p - 1;
    live_blocks--;
    live_bytes -= h->size;
    free(h);
}

char *
ns_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = ns_alloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

size_t ns_alloc_live_blocks(void) { return live_blocks; }
size_t ns_alloc_live_bytes(void) { return live_bytes; }
size_t ns_alloc_peak_bytes(void) { return peak_bytes; }
void ns_alloc_reset_peak(void) { peak_bytes = live_bytes; }
uint64_t ns_alloc_calls(void) { return calls; }

void
ns_alloc_fail_after(uint64_t n)
{
    fail_at = n ? calls + n : 0;
    failed = 0;
}

int ns_alloc_failed(void) { return failed; }

void
ns_alloc_set_limit(size_t bytes)
{
    limit_bytes = bytes ? bytes : SIZE_MAX;
    limit_hit = 0;
}

size_t ns_alloc_limit(void) { return limit_bytes; }
int ns_alloc_limit_hit(void) { return limit_hit; }
