/*
 * alloc.c - counting allocator with fault injection (see alloc.h).
 *
 * Each block carries a header holding its size so that live bytes can be
 * tracked without help from the C library. Big blocks (8 MiB and more) are
 * mappings of their own on 2 MiB boundaries, backed by transparent huge
 * pages and grown by moving their pages (see "Big blocks" below); so are
 * small blocks the C library refuses ("When the C library refuses"). The
 * C library's heap, where small blocks live, is asked for huge pages too
 * ("The C library's heap").
 */
#define _GNU_SOURCE   /* mremap, MREMAP_MAYMOVE, MREMAP_FIXED: without it big blocks were copied at every growth */
#include <config.h>
#include "alloc.h"

#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

typedef union blockhdr {
    struct {
        size_t size;     /* bytes asked for */
        size_t mapped;   /* a mapping of its own: its length; 0: malloc's */
        size_t lead;     /* a mapping of its own: the bytes before this header in it */
    } b;
    max_align_t align;   /* keep the payload aligned as malloc's is */
} blockhdr;

static size_t live_blocks, live_bytes, peak_bytes;
static uint64_t growths_copied;   /* big blocks grown by copying, not by moving their pages */
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

/* Big blocks. The flow model's arrays of millions of flows would otherwise
 * take a page fault per 4 KiB on first touch (15-20 % of a 1,024-host
 * all-to-all on a machine whose kernel gives huge pages only on request,
 * transparent_hugepage = madvise, as Debian's does). A block of HUGE_BLOCK
 * bytes or more is a mapping of its own that starts on a 2 MiB boundary and
 * asks for huge pages; growing it moves its pages (mremap) to a new
 * mapping that starts on a 2 MiB boundary too, so that the kernel moves
 * whole huge pages instead of splitting them. (glibc's own big blocks start
 * 16 bytes into a page: moving them splits their huge pages, and advising
 * only their aligned inside splits the mapping, which mremap then refuses
 * to grow, so that realloc copied the block at every growth.) */
#define HUGE_BLOCK ((size_t)8 << 20)
#define HUGE_PAGE  ((size_t)2 << 20)

/* A big block's bytes start on a 2 MiB boundary, its header at the end of
 * the 4 KiB page before it (BIG_LEAD bytes into its mapping): a block of
 * whole huge pages (the flow model's chunks of subflows, an array of a
 * power-of-two size) then takes those pages and no more. With the header
 * first, its last 32 bytes spilled into one more huge page, which its first
 * write to them cleared whole (2 MiB a block). */
#define PAGE ((size_t)4096)
#define BIG_LEAD (PAGE - sizeof(blockhdr))

/* the length of a big block's mapping for `bytes`, or 0 if too big (or not
 * a big block, or big blocks are malloc's) */
static size_t
map_len(size_t bytes)
{
    if (!NS_ALLOC_MAPS_BIG || bytes < HUGE_BLOCK || bytes > SIZE_MAX - PAGE - 2 * HUGE_PAGE)
        return 0;
    return PAGE + ((bytes + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1));
}

/* a fresh (zero) mapping of len bytes (PAGE more than a multiple of
 * HUGE_PAGE) whose bytes after its first page start on a HUGE_PAGE
 * boundary, or NULL */
static void *
map_aligned(size_t len)
{
    size_t span = len + HUGE_PAGE;
    char *p = mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    char *a = (char *)(((uintptr_t)p + PAGE + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1)) - PAGE;
    if (a > p)
        munmap(p, (size_t)(a - p));
    if (p + span > a + len)
        munmap(a + len, (size_t)(p + span - (a + len)));
#ifdef MADV_HUGEPAGE
    /* all of it: advice on a part would split the mapping, which mremap
     * then refuses to move (the header's page stays a small one) */
    (void)madvise(a, len, MADV_HUGEPAGE);   /* a hint: its failure is ignored */
#endif
    return a;
}

/* a new big block's header in a fresh mapping of len bytes (map_len), its
 * `mapped` and `lead` set; NULL when out of memory */
static blockhdr *
big_block(size_t len)
{
    char *a = map_aligned(len);   /* zero already */
    if (!a)
        return NULL;
    blockhdr *h = (blockhdr *)(a + BIG_LEAD);
    h->b.mapped = len;
    h->b.lead = BIG_LEAD;
    return h;
}

/* the start of the mapping of block h (a mapping of its own) */
static char *
map_base(blockhdr *h)
{
    return (char *)h - h->b.lead;
}

/* 1 under valgrind, whose preloaded libraries name it: valgrind (3.19)
 * leaves the part a mapping gains by mremap(MREMAP_FIXED) unaddressable to
 * the program, so there big blocks move where it puts them, not on a 2 MiB
 * boundary (the boundary is for speed alone) */
static int
under_valgrind(void)
{
    static int known, yes;
    if (!known) {
        const char *pre = getenv("LD_PRELOAD");
        yes = pre && strstr(pre, "vgpreload") != NULL;
        known = 1;
    }
    return yes;
}

/* block h (a mapping of h->b.mapped bytes) grown to a mapping of len
 * bytes, its contents and its place in the mapping kept; NULL when out of
 * memory (h untouched) */
static blockhdr *
map_grow(blockhdr *h, size_t len)
{
    size_t old = h->b.mapped, lead = h->b.lead;
    char *base = map_base(h);
#ifdef MREMAP_FIXED
    char *q = mremap(base, old, len, 0);   /* in place, when the pages after it are free */
    if (q != MAP_FAILED)
        return (blockhdr *)(q + lead);
    if (under_valgrind() && (q = mremap(base, old, len, MREMAP_MAYMOVE)) != MAP_FAILED)
        return (blockhdr *)(q + lead);
#endif
    char *a = map_aligned(len);
    if (!a)
        return NULL;
#ifdef MREMAP_FIXED
    q = mremap(base, old, len, MREMAP_MAYMOVE | MREMAP_FIXED, a);   /* replaces the new mapping */
    if (q != MAP_FAILED)
        return (blockhdr *)(q + lead);
#endif
    memcpy(a, base, old);
    munmap(base, old);
    growths_copied++;
    return (blockhdr *)(a + lead);
}

/* The C library's heap. Small blocks come from glibc's heap (brk), which
 * the kernel backs with 4 KiB pages unless asked: a page fault per 4 KiB
 * on first touch, and a TLB miss for nearly every touch of the flow
 * model's heaps of flows, thousands of small arrays spread over hundreds of
 * MiB (the first start of a 2,048-host all-to-all: 2.40 s with 4 KiB
 * pages, 1.98 s with huge pages, medians of 4 interleaved runs). The heap
 * grows in steps of HEAP_PAD or more (M_TOP_PAD), and every whole huge page
 * of a step is advised as soon as the step is made, before anything in it
 * is touched (pages touched before advice stay small). A step's last part,
 * beyond its last huge page boundary, is touched before the next step
 * advises it and stays in 4 KiB pages: a quarter of the heap (174 of 713
 * MB in a 4,096-host all-to-all). Steps of 32 or 64 MiB leave less so, but
 * the same run then held 9 to 10 MB more at its peak (free space inside
 * huge pages, and a trim keeps a step's worth), and a 2,048-host one ran no
 * faster (2026-12-07): not taken. */
#if NS_ALLOC_MAPS_BIG && defined(__GLIBC__) && defined(MADV_HUGEPAGE) && defined(M_TOP_PAD)
#define ADVISE_HEAP 1
#define HEAP_PAD ((size_t)8 << 20)
static uintptr_t heap_advised;   /* the heap is advised up to here (a huge page boundary) */

static void
advise_heap(void)
{
    uintptr_t top = (uintptr_t)sbrk(0) & ~(uintptr_t)(HUGE_PAGE - 1);
    if (top < heap_advised) {   /* trimmed: a regrown part is a mapping of its own, not advised */
        heap_advised = top;
        return;
    }
    if (top > heap_advised) {
        (void)madvise((void *)heap_advised, top - heap_advised, MADV_HUGEPAGE);   /* a hint */
        heap_advised = top;
    }
}
#else
#define ADVISE_HEAP 0
static void advise_heap(void) {}
#endif

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
#if ADVISE_HEAP
    mallopt(M_TOP_PAD, (int)HEAP_PAD);
    /* from the first huge page boundary at or above the heap's end now */
    heap_advised = ((uintptr_t)sbrk(0) + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
#endif
#ifdef M_TRIM_THRESHOLD
    /* fixing the mmap threshold also fixes glibc's trim threshold at its
     * 128 KiB: a block of a few hundred KiB freed at the top of the heap
     * (HDF5's chunk buffers, one a chunk written) went back to the kernel
     * and came back as new pages at the next malloc */
    mallopt(M_TRIM_THRESHOLD, 32 << 20);
#endif
}

/* When the C library refuses. glibc's malloc can fail with memory to
 * spare: under valgrind, whose client heap (brk) is a small segment,
 * blocks below the mmap threshold come from that heap, and once it is full
 * malloc returns NULL though mmap still works (a 4,096-host run stopped so,
 * "out of memory for packets"). A small block the C library refuses is then
 * a mapping of its own, rounded to pages: freed with munmap and grown by
 * moving its pages, as a big block. Not under a sanitizer, whose allocator
 * is the one to ask. ns_alloc_refuse_libc makes the refusal happen, for
 * tests. */
static int refuse_libc;

static size_t
page_len(size_t bytes)
{
    return (sizeof(blockhdr) + bytes + PAGE - 1) & ~(PAGE - 1);
}

/* a small block from the C library, or else a mapping; NULL when out of
 * memory. Its `mapped` is set */
static blockhdr *
small_block(size_t bytes, int zero)
{
    blockhdr *h = NULL;
    if (!refuse_libc)
        h = zero ? calloc(1, sizeof *h + bytes) : malloc(sizeof *h + bytes);
    if (h) {
        advise_heap();
        h->b.mapped = 0;
        return h;
    }
    if (!NS_ALLOC_MAPS_BIG)
        return NULL;
    size_t len = page_len(bytes);
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    h = p;   /* zero */
    h->b.mapped = len;
    h->b.lead = 0;
    return h;
}

/* small block h (the C library's) resized to `bytes`, its contents kept
 * (up to the smaller size); NULL when out of memory (h untouched) */
static blockhdr *
small_resize(blockhdr *h, size_t bytes)
{
    blockhdr *n = refuse_libc ? NULL : realloc(h, sizeof *n + bytes);
    if (n) {
        advise_heap();
        return n;
    }
    if (!(n = small_block(bytes, 0)))
        return NULL;
    memcpy(n + 1, h + 1, h->b.size < bytes ? h->b.size : bytes);
    free(h);
    return n;
}

/* zero: from calloc, which leaves fresh pages of a big block to the
 * kernel's zeroing instead of writing them twice */
static void *
alloc_block(size_t bytes, int zero)
{
    malloc_setup();
    if (should_fail() || bytes > SIZE_MAX - sizeof(blockhdr) || over_limit(bytes))
        return NULL;
    blockhdr *h;
    size_t len = map_len(bytes);
    if (len)
        h = big_block(len);
    else
        h = small_block(bytes, zero);
    if (!h)
        return NULL;
    h->b.size = bytes;
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
    size_t old = h->b.size;
    if (bytes > old && should_fail())
        return NULL;
    if (bytes > SIZE_MAX - sizeof(blockhdr) || (bytes > old && over_limit(bytes - old)))
        return NULL;
    blockhdr *n;
    size_t len = map_len(bytes);
    if (h->b.mapped) {             /* a mapping stays one, even when it shrinks */
        size_t to = len ? len : page_len(h->b.lead + bytes);   /* a small one the C library refused: pages */
        if (h->b.lead + sizeof *h + bytes <= h->b.mapped)
            n = h;
        else if (!(n = map_grow(h, to)))
            return NULL;
        else
            n->b.mapped = to;
    } else if (len) {              /* a small block becomes big: copied once */
        if (!(n = big_block(len)))
            return NULL;
        memcpy(n + 1, h + 1, old);
        free(h);
    } else if (!(n = small_resize(h, bytes))) {
        return NULL;
    }
    n->b.size = bytes;
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
    live_bytes -= h->b.size;
    if (h->b.mapped)
        munmap(map_base(h), h->b.mapped);
    else
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

void ns_alloc_refuse_libc(int on) { refuse_libc = on; }
int ns_alloc_advises_heap(void) { return ADVISE_HEAP; }
uint64_t ns_alloc_growths_copied(void) { return growths_copied; }
int ns_alloc_aligns_growth(void) { return NS_ALLOC_MAPS_BIG && !under_valgrind(); }
