/* test_alloc.c - big blocks: their own mappings, their bytes on 2 MiB boundaries, one
 * mapping each, kept whole when they grow (their pages move, the contents
 * stay), zero when asked, counted like any block; small blocks the C
 * library refuses, mapped instead; and the C library's heap advised huge
 * pages */
#include <config.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include "sim/alloc.h"
#include "tests/tap.h"

#define MiB ((size_t)1 << 20)

/* byte i of the pattern */
static unsigned char
pat(size_t i)
{
    return (unsigned char)(i * 2654435761u >> 13);
}

static void
fill(unsigned char *p, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++)
        p[i] = pat(i);
}

static int
holds(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != pat(i))
            return 0;
    return 1;
}

/* 1 if one line of /proc/self/maps covers [p, p + n) (2: no /proc) */
static int
one_mapping(const void *p, size_t n)
{
    FILE *f = fopen("/proc/self/maps", "r");
    if (!f)
        return 2;
    char line[512];
    int found = 0;
    uintptr_t a = (uintptr_t)p, b = a + n;
    while (fgets(line, sizeof line, f)) {
        unsigned long lo, hi;
        if (sscanf(line, "%lx-%lx", &lo, &hi) == 2 && lo <= a && b <= hi)
            found = 1;
    }
    fclose(f);
    return found;
}

/* the flags (VmFlags of /proc/self/smaps) and the name of the mapping that
 * holds p, into flags and name; 0 when found */
static int
mapping_of(const void *p, char *flags, size_t nflags, char *name, size_t nname)
{
    FILE *f = fopen("/proc/self/smaps", "r");
    if (!f)
        return -1;
    char line[512];
    int in = 0, found = -1;
    uintptr_t a = (uintptr_t)p;
    while (fgets(line, sizeof line, f)) {
        unsigned long lo, hi;
        char nm[256] = "";
        if (sscanf(line, "%lx-%lx %*s %*s %*s %*s %255s", &lo, &hi, nm) >= 2 && strchr(line, '-') < strchr(line, ' ')) {
            in = lo <= a && a < hi;
            if (in)
                snprintf(name, nname, "%s", nm);
        } else if (in && strncmp(line, "VmFlags:", 8) == 0) {
            snprintf(flags, nflags, "%.500s", line + 8);
            flags[strcspn(flags, "\n")] = '\0';
            found = 0;
        }
    }
    fclose(f);
    return found;
}

/* small blocks come from the C library's heap, which is advised huge
 * pages as it grows: 32 MiB of 16 KiB blocks, and the heap's mapping
 * around the middle one has the flag of advised huge pages ("hg") */
static void
heap_advice(void)
{
    enum { NB = 2048 };
    static unsigned char *b[NB];
    for (int i = 0; i < NB; i++)
        b[i] = ns_alloc(16 << 10);
    char flags[512] = "", name[256] = "";
    int found = mapping_of(b[NB / 2], flags, sizeof flags, name, sizeof name);
    void *probe = mmap(NULL, 4 * MiB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    int thp = probe != MAP_FAILED && madvise(probe, 4 * MiB, MADV_HUGEPAGE) == 0;
    if (probe != MAP_FAILED)
        munmap(probe, 4 * MiB);
    if (!ns_alloc_advises_heap())
        ok(1, "# SKIP the heap is the sanitizer's, or not glibc's");
    else if (found != 0 || strcmp(name, "[heap]") != 0)
        ok(1, "# SKIP small blocks are not in the heap (%s): under valgrind?", found ? "no smaps" : name[0] ? name : "an anonymous mapping");
    else if (!thp)
        ok(1, "# SKIP this kernel has no transparent huge pages");
    else
        ok(strstr(flags, " hg") != NULL, "32 MiB of small blocks: the C library's heap is advised huge pages (VmFlags:%.60s)",
           flags);
    for (int i = 0; i < NB; i++)
        ns_free(b[i]);
}

int
main(void)
{
    plan(21);
    size_t live0 = ns_alloc_live_bytes();

    /* a small block grows into a big one, then bigger: contents kept */
    size_t n = MiB;
    unsigned char *p = ns_alloc(n);
    fill(p, 0, n);
    int kept = 1, aligned = 1, whole = 1;
    for (size_t to = 8 * MiB; to <= 128 * MiB; to *= 2) {
        unsigned char *q = ns_realloc(p, to);
        if (!q)
            break;
        p = q;
        kept &= holds(p, n);
        fill(p, n, to);
        n = to;
        aligned &= (uintptr_t)p % (2 * MiB) == 0;
        whole &= one_mapping(p, n) != 0;
    }
    is_int(n, 128 * MiB, "a 1 MiB block grew to 128 MiB");
    ok(kept && holds(p, n), "its contents survived every growth");
    if (NS_ALLOC_MAPS_BIG) {
        /* growing moves the pages: the block's 128 MiB, all touched, grows to
         * 256 MiB with no page fault; a copy would fault in 128 MiB of new
         * pages (64 faults at least, in huge pages) */
        struct rusage r0, r1;
        uint64_t copied0 = ns_alloc_growths_copied();
        getrusage(RUSAGE_SELF, &r0);
        unsigned char *q = ns_realloc(p, 256 * MiB);
        getrusage(RUSAGE_SELF, &r1);
        if (q)
            p = q;
        long faults = r1.ru_minflt - r0.ru_minflt;
        ok(q && faults < 16 && holds(p, n), "128 MiB grown to 256 MiB by moving its pages: %ld page faults", faults);
        is_int(ns_alloc_growths_copied(), copied0, "no big block was grown by copying");
        q = ns_realloc(p, n);
        if (q)
            p = q;
        if (ns_alloc_aligns_growth())
            ok(aligned, "a big block's bytes start on a 2 MiB boundary, after every growth");
        else
            ok(1, "# SKIP under valgrind big blocks move where it puts them (alloc.c)");
        ok(whole, "a big block is one mapping after every growth (partial advice would split it)");
    } else {
        ok(1, "# SKIP big blocks are the sanitizer's (alloc.h NS_ALLOC_MAPS_BIG)");
        ok(1, "# SKIP big blocks are the sanitizer's");
        ok(1, "# SKIP big blocks are the sanitizer's");
        ok(1, "# SKIP big blocks are the sanitizer's");
    }
    is_int(ns_alloc_live_bytes() - live0, 128 * MiB, "live bytes count it at its size");

    /* shrinking keeps what is left */
    p = ns_realloc(p, 1000);
    ok(p && holds(p, 1000), "shrunk to 1,000 bytes: they are kept");
    is_int(ns_alloc_live_bytes() - live0, 1000, "live bytes follow the shrink");
    p = ns_realloc(p, 16 * MiB);
    ok(p && holds(p, 1000), "grown again: the 1,000 bytes are kept");
    ns_free(p);
    is_int(ns_alloc_live_bytes(), live0, "freed: live bytes back where they were");

    /* calloc of a big block: zero, and so after a grown block was freed */
    unsigned char *z = ns_calloc(24, MiB);
    size_t nonzero = 0;
    for (size_t i = 0; i < 24 * MiB; i += 509)
        nonzero += z[i] != 0;
    is_int(nonzero, 0, "a 24 MiB ns_calloc is zero");
    if (NS_ALLOC_MAPS_BIG)
        ok(one_mapping(z, 24 * MiB) != 0, "and one mapping");
    else
        ok(1, "# SKIP big blocks are the sanitizer's");
    ns_free(z);

    /* a block of whole huge pages takes those pages and no more: its bytes
     * start on a huge page and its mapping ends where they end (with its
     * header before its bytes in the same huge page, 32 bytes spilled into
     * a sixth huge page, which the block's last write faulted in whole) */
    if (NS_ALLOC_MAPS_BIG) {
        unsigned char *w = ns_alloc(10 * MiB);
        uintptr_t end = 0;
        FILE *f = fopen("/proc/self/maps", "r");
        char line[512];
        while (f && fgets(line, sizeof line, f)) {
            unsigned long lo, hi;
            if (sscanf(line, "%lx-%lx", &lo, &hi) == 2 && lo <= (uintptr_t)w && (uintptr_t)w < hi)
                end = hi;
        }
        if (f)
            fclose(f);
        if (!f)
            ok(1, "# SKIP no /proc/self/maps");
        else
            ok(w && (uintptr_t)w % (2 * MiB) == 0 && end == (uintptr_t)w + 10 * MiB,
               "a 10 MiB block: its bytes start on a huge page and its mapping ends with them (%+ld bytes)",
               (long)(end - ((uintptr_t)w + 10 * MiB)));
        ns_free(w);
    } else {
        ok(1, "# SKIP big blocks are the sanitizer's");
    }

    /* many big blocks side by side: each grows on its own */
    unsigned char *b[4];
    for (int i = 0; i < 4; i++) {
        b[i] = ns_alloc(8 * MiB);
        memset(b[i], 'a' + i, 8 * MiB);
    }
    int ok_all = 1;
    for (int i = 0; i < 4; i++) {
        unsigned char *q = ns_realloc(b[i], 20 * MiB);
        ok_all &= q != NULL;
        if (q) {
            b[i] = q;
            ok_all &= q[0] == 'a' + i && q[8 * MiB - 1] == 'a' + i;
        }
    }
    ok(ok_all, "four neighbouring big blocks grow, each keeping its contents");
    for (int i = 0; i < 4; i++)
        ns_free(b[i]);

    /* the C library refusing small blocks, as glibc's malloc does under
     * valgrind once its heap segment is full: they come from mappings */
    if (NS_ALLOC_MAPS_BIG) {
        unsigned char *had = ns_alloc(5000);   /* the C library's, before */
        fill(had, 0, 5000);
        ns_alloc_refuse_libc(1);
        unsigned char *s = ns_alloc(1000);
        if (s)
            fill(s, 0, 1000);
        unsigned char *c = ns_calloc(300, 10);
        int zero = c != NULL;
        for (size_t i = 0; c && i < 3000; i++)
            zero &= c[i] == 0;
        ok(s && zero, "refused by the C library, ns_alloc and ns_calloc still give blocks (the calloc's zero)");
        int grew = 1;
        size_t sn = 1000;
        for (size_t to = 3000; to <= 20 * MiB && grew; to *= 3) {   /* pages, more pages, then a big block */
            unsigned char *q = ns_realloc(s, to);
            grew = q && holds(q, sn);
            if (q) {
                s = q;
                fill(s, sn, to);
                sn = to;
            }
        }
        unsigned char *moved = ns_realloc(had, 100000);   /* the C library's block, which it will not grow */
        ok(grew && sn > 8 * MiB && moved && holds(moved, 5000),
           "they grow from pages to a big block, and a block the C library gave moves out of it, contents kept");
        is_int(ns_alloc_live_bytes(), sn + 3000 + 100000, "live bytes count them");
        ns_free(s);
        ns_free(c);
        ns_free(moved);
        ns_alloc_refuse_libc(0);
    } else {
        ok(1, "# SKIP the sanitizer's allocator is the only one asked");
        ok(1, "# SKIP the sanitizer's allocator is the only one asked");
        ok(1, "# SKIP the sanitizer's allocator is the only one asked");
    }
    heap_advice();
    is_int(ns_alloc_live_blocks(), 0, "nothing leaked");
    is_int(ns_alloc_live_bytes(), 0, "no live bytes left");
    return done_testing();
}
