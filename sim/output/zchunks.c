/*
 * zchunks.c - shuffling and deflating a batch of HDF5 chunks on the machine's cores (see
 * zchunks.h). Each batch starts its threads and joins them: a batch is
 * milliseconds of work, a thread's start microseconds, and nothing stays
 * running between tables.
 */
#define _GNU_SOURCE   /* sched_getaffinity, CPU_COUNT */
#include <config.h>
#include "zchunks.h"

#include <pthread.h>
#include <string.h>
#include <sched.h>
#include <unistd.h>
#include <zlib.h>

#define THREADS_MAX 4

typedef struct batch {
    ns_zchunk *c;
    size_t     n;
    int        level;
    size_t     next;         /* the next chunk to take (atomic) */
} batch;

size_t
ns_zchunks_bound(size_t in_len)
{
    return (size_t)compressBound((uLong)in_len);
}

unsigned
ns_zchunks_threads(void)
{
    /* the cores this process may run on (taskset, a container's cpuset), else those online */
    cpu_set_t set;
    long n = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > THREADS_MAX ? THREADS_MAX : (unsigned)n;
}

void
ns_zchunks_shuffle(const void *in, void *out, size_t n, size_t elem)
{
    const unsigned char *src = in;
    unsigned char *dst = out;
    size_t count = n / elem;
    /* a row at a time: `elem` output streams, each written in order */
    for (size_t i = 0; i < count; i++, src += elem)
        for (size_t j = 0; j < elem; j++)
            dst[j * count + i] = src[j];
    memcpy(dst + count * elem, src, n - count * elem);
}

/* take chunks until none is left */
static void *
work(void *arg)
{
    batch *b = arg;
    for (;;) {
        size_t i = __atomic_fetch_add(&b->next, 1, __ATOMIC_RELAXED);
        if (i >= b->n)
            return NULL;
        ns_zchunk *c = &b->c[i];
        const void *data = c->in;
        if (c->elem > 1) {
            ns_zchunks_shuffle(c->in, c->tmp, c->in_len, c->elem);
            data = c->tmp;
        }
        uLongf len = (uLongf)ns_zchunks_bound(c->in_len);
        c->failed = compress2(c->out, &len, data, (uLong)c->in_len, b->level) != Z_OK;
        c->out_len = c->failed ? 0 : (size_t)len;
    }
}

int
ns_zchunks_deflate(ns_zchunk *c, size_t n, int level, unsigned threads)
{
    batch b = { c, n, level, 0 };
    pthread_t tid[THREADS_MAX];
    unsigned started = 0;
    if (threads > THREADS_MAX)
        threads = THREADS_MAX;
    while (started + 1 < threads && started + 1 < n && pthread_create(&tid[started], NULL, work, &b) == 0)
        started++;
    work(&b);
    for (unsigned t = 0; t < started; t++)
        pthread_join(tid[t], NULL);
    for (size_t i = 0; i < n; i++)
        if (c[i].failed)
            return -1;
    return 0;
}
