/* test_zchunks.c - shuffling and deflating a batch of chunks on several
 * threads (sim/output/zchunks.h): HDF5's shuffle on a hand-made example;
 * every chunk comes back whole through zlib's uncompress and the shuffle
 * undone, each is the very stream one compress2 call at that level makes
 * of the shuffled bytes (what HDF5's filters write and read), and one
 * thread or four make the same bytes */
#include <config.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include "sim/output/zchunks.h"
#include "sim/rng.h"
#include "tests/tap.h"

#define N 11   /* more chunks than the batch, of several sizes */

static unsigned char *in[N], *tmp[N], *out1[N], *out4[N];

/* the shuffle of n bytes by elem against a byte loop, on random bytes */
static int
shuffle_as_bytes(ns_rng *r, size_t n, size_t elem)
{
    unsigned char *a = malloc(n), *got = malloc(n), *want = malloc(n);
    for (size_t i = 0; i < n; i++)
        a[i] = (unsigned char)ns_rng_below(r, 256);
    size_t count = n / elem;
    for (size_t i = 0; i < count; i++)
        for (size_t j = 0; j < elem; j++)
            want[j * count + i] = a[i * elem + j];
    memcpy(want + count * elem, a + count * elem, n - count * elem);
    ns_zchunks_shuffle(a, got, n, elem);
    int same = memcmp(got, want, n) == 0;
    free(a);
    free(got);
    free(want);
    return same;
}
static size_t len[N], d1[N], d4[N];

/* deflate the N chunks into out on `threads` threads, their lengths into d */
static int
deflate_all(unsigned char **out, size_t *d, unsigned threads)
{
    ns_zchunk z[N];
    for (int i = 0; i < N; i++)
        z[i] = (ns_zchunk){ in[i], len[i], i % 2 ? 96 : 0, tmp[i], out[i], 0, 0 };   /* odd ones shuffled */
    int rc = ns_zchunks_deflate(z, N, 1, threads);
    for (int i = 0; i < N; i++)
        d[i] = z[i].out_len;
    return rc;
}

int
main(void)
{
    plan(10);
    /* 3 rows of 4 bytes and 2 bytes left over: byte j of row i at 3 j + i */
    const unsigned char ex[14] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14 };
    const unsigned char want[14] = { 1, 5, 9, 2, 6, 10, 3, 7, 11, 4, 8, 12, 13, 14 };
    unsigned char got[14];
    ns_zchunks_shuffle(ex, got, sizeof ex, 4);
    ok(memcmp(got, want, sizeof got) == 0, "shuffle: bytes regrouped by their place in a row, the rest kept");
    unsigned char one[5] = { 9, 8, 7, 6, 5 }, kept[5];
    ns_zchunks_shuffle(one, kept, 5, 1);
    ok(memcmp(one, kept, 5) == 0, "shuffle by 1-byte elements: unchanged");
    ns_rng *rs = ns_rng_new(2, 0, 0);
    ok(shuffle_as_bytes(rs, 4096 * 96, 96) && shuffle_as_bytes(rs, 100 * 80 + 3, 80) &&
       shuffle_as_bytes(rs, 37 * 13 + 5, 13) && shuffle_as_bytes(rs, 33 * 16, 16) &&
       shuffle_as_bytes(rs, 17 * 35, 35) && shuffle_as_bytes(rs, 15 * 24 + 1, 24) &&
       shuffle_as_bytes(rs, 200 * 40 + 7, 40) && shuffle_as_bytes(rs, 64 * 16, 16),
       "shuffle of rows of 96, 80, 13, 16, 35, 24 and 40 bytes (blocks of 64 rows and the rest) as a byte loop");
    ns_rng_free(rs);
    ns_rng *r = ns_rng_new(1, 0, 0);
    for (int i = 0; i < N; i++) {
        /* rows like a table's: runs of zeros, counters, random words */
        len[i] = i == 0 ? 1 : (size_t)(4096 * 96 / (1 + i % 4));
        in[i] = calloc(len[i], 1);
        for (size_t k = 0; k < len[i]; k += 8)
            if (k % 96 < 32)
                in[i][k] = (unsigned char)(i == 3 ? ns_rng_below(r, 256) : k / 96);
        tmp[i] = malloc(len[i]);
        out1[i] = malloc(ns_zchunks_bound(len[i]));
        out4[i] = malloc(ns_zchunks_bound(len[i]));
    }
    ok(ns_zchunks_threads() >= 1 && ns_zchunks_threads() <= 4, "threads: 1 to 4 (%u here)", ns_zchunks_threads());
    is_int(deflate_all(out1, d1, 1), 0, "one thread: every chunk deflated");
    is_int(deflate_all(out4, d4, 4), 0, "four threads: every chunk deflated");
    int same = 1, whole = 1, as_compress2 = 1;
    for (int i = 0; i < N; i++) {
        same &= d4[i] == d1[i] && memcmp(out1[i], out4[i], d4[i]) == 0;
        /* what HDF5 reads: inflate, then undo the shuffle (byte j of row r at j x rows + r) */
        unsigned char *back = malloc(len[i]), *rows = malloc(len[i]);
        uLongf blen = (uLongf)len[i];
        whole &= uncompress(back, &blen, out4[i], (uLong)d4[i]) == Z_OK && blen == len[i];
        size_t e = i % 2 ? 96 : 1, nr = len[i] / e;
        for (size_t q = 0; q < nr; q++)
            for (size_t j = 0; j < e; j++)
                rows[q * e + j] = back[j * nr + q];
        memcpy(rows + nr * e, back + nr * e, len[i] - nr * e);
        whole &= memcmp(rows, in[i], len[i]) == 0;
        /* the stream of one compress2 call on the shuffled bytes */
        unsigned char *ref = malloc(ns_zchunks_bound(len[i]));
        uLongf rlen = (uLongf)ns_zchunks_bound(len[i]);
        as_compress2 &= compress2(ref, &rlen, back, (uLong)len[i], 1) == Z_OK && rlen == d4[i] &&
                        memcmp(ref, out4[i], d4[i]) == 0;
        free(ref);
        free(rows);
        free(back);
    }
    ok(same, "one thread and four give the same bytes, chunk by chunk");
    ok(whole, "every chunk inflates and unshuffles to its input");
    ok(as_compress2, "every chunk is compress2's stream of its shuffled bytes at level 1");
    ok((d1[3] > d1[7]), "the chunk of random words deflates less than one of counters (%zu > %zu bytes)",
       d1[3], d1[7]);
    for (int i = 0; i < N; i++) {
        free(in[i]);
        free(tmp[i]);
        free(out1[i]);
        free(out4[i]);
    }
    ns_rng_free(r);
    return done_testing();
}
