/* test_alloc.c - big blocks: their own mappings on 2 MiB boundaries, one
 * mapping each, kept whole when they grow (their pages move, the contents
 * stay), zero when asked, counted like any block */
#include <config.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
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

int
main(void)
{
    plan(14);
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
        aligned &= (uintptr_t)p % (2 * MiB) < 4096;
        whole &= one_mapping(p, n) != 0;
    }
    is_int(n, 128 * MiB, "a 1 MiB block grew to 128 MiB");
    ok(kept && holds(p, n), "its contents survived every growth");
    if (NS_ALLOC_MAPS_BIG) {
        ok(aligned, "a big block starts within a page of a 2 MiB boundary, after every growth");
        ok(whole, "a big block is one mapping after every growth (partial advice would split it)");
    } else {
        ok(1, "# SKIP big blocks are the sanitizer's (alloc.h NS_ALLOC_MAPS_BIG)");
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
    is_int(ns_alloc_live_blocks(), 0, "nothing leaked");
    is_int(ns_alloc_live_bytes(), 0, "no live bytes left");
    return done_testing();
}
