/* bench/memfloor.c - what a cache line costs on this machine, for the
 * floor of issue 20's target 2 (packet-level wall time per data packet
 * from 128 to 16,384 hosts).
 *
 * Two measurements, both over one random cyclic permutation of 64-byte
 * lines (so no hardware prefetcher can guess the next address):
 *   1. latency: one chain of dependent loads, for working sets from
 *      256 KiB to 256 MiB; where the time jumps is the last cache this
 *      process really gets (a VM may get a slice of the socket's);
 *   2. throughput: k independent chains interleaved over a working set
 *      far beyond the caches (k = 1 .. 128), the time a line costs when k
 *      misses are in flight at once. A simulation whose every event
 *      touches lines no cache holds cannot do better, a line, than the
 *      best of these.
 * Usage: bench/memfloor [MIB] (the working set for (2), default 256).
 * Not a test: figures only; run on a quiet machine. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

enum { LINE = 64, WORDS = LINE / 8 };

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* xorshift64*: the shuffle must not depend on the C library's rand() */
static uint64_t next_rand(uint64_t *s) {
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717ULL;
}

/* lines of `bytes` linked into one random cycle: word 0 of each line holds
 * the word index of the next line */
static uint64_t *make_cycle(size_t bytes, size_t *nlines, size_t **order_out) {
    size_t n = bytes / LINE;
    uint64_t *a = NULL;
    if (posix_memalign((void **)&a, 2u << 20, n * LINE)) {
        fprintf(stderr, "memfloor: cannot allocate %zu bytes\n", n * LINE);
        exit(1);
    }
    madvise(a, n * LINE, MADV_HUGEPAGE); /* keep the TLB out of the figure */
    memset(a, 0, n * LINE);
    size_t *order = malloc(n * sizeof *order);
    if (!order) {
        fprintf(stderr, "memfloor: out of memory\n");
        exit(1);
    }
    for (size_t i = 0; i < n; i++) order[i] = i;
    uint64_t s = 88172645463325252ULL;
    for (size_t i = n - 1; i > 0; i--) {
        size_t j = (size_t)(next_rand(&s) % (i + 1));
        size_t t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    for (size_t i = 0; i < n; i++) a[order[i] * WORDS] = order[(i + 1) % n] * WORDS;
    *nlines = n;
    *order_out = order;
    return a;
}

static volatile uint64_t sink;

static double chase(const uint64_t *a, const size_t *order, size_t n, int k, long loads) {
    uint64_t p[128];
    for (int j = 0; j < k; j++) p[j] = order[(n / (size_t)k) * (size_t)j] * WORDS;
    long rounds = loads / k;
    for (long i = 0; i < rounds / 8; i++) /* warm the TLB and whatever fits */
        for (int j = 0; j < k; j++) p[j] = a[p[j]];
    double t0 = now_s();
    for (long i = 0; i < rounds; i++)
        for (int j = 0; j < k; j++) p[j] = a[p[j]];
    double t = now_s() - t0;
    for (int j = 0; j < k; j++) sink += p[j]; /* keep the loads */
    return t / (double)(rounds * k) * 1e9;
}

int main(int argc, char **argv) {
    size_t big = (argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 256) << 20;
    if (big < (1u << 20)) {
        fprintf(stderr, "usage: memfloor [MIB >= 1]\n");
        return 2;
    }
    printf("# 1. one chain of dependent loads: ns a load by working set\n");
    for (size_t kib = 256; kib <= 256 * 1024; kib *= 2) {
        size_t n, *order;
        uint64_t *a = make_cycle(kib << 10, &n, &order);
        printf("%8zu KiB %8.1f ns\n", kib, chase(a, order, n, 1, 4000000));
        free(a);
        free(order);
    }
    printf("# 2. k independent chains over %zu MiB: ns a line\n", big >> 20);
    size_t n, *order;
    uint64_t *a = make_cycle(big, &n, &order);
    for (int k = 1; k <= 128; k *= 2) printf("%8d chains %6.1f ns\n", k, chase(a, order, n, k, 8000000));
    free(a);
    free(order);
    return 0;
}
