/*
 * zchunks.h - shuffling and deflating a batch of HDF5 chunks on the
 * machine's cores.
 *
 * Compression is four fifths of writing a big run's /transfers and /ops
 * (zlib's deflate at level 1: 29 % of a 262,000-transfer run built in Lua).
 * The HDF5 writer (h5out.c) fills a batch of chunks, has them filtered here
 * on up to ns_zchunks_threads() threads (the caller's among them), and
 * writes them whole (H5Dwrite_chunk) in order, calling HDF5 from one thread
 * only. The filters are HDF5's shuffle (a chunk's bytes regrouped by their
 * place in a row: the high bytes of every counter, zeros mostly, side by
 * side) then deflate, each byte for byte as HDF5's own filters would write
 * it, so that any HDF5 reader reads the chunks back; zlib's output depends
 * on its input and level alone, so the file holds the same chunks whatever
 * the number of threads.
 */
#ifndef NS_ZCHUNKS_H
#define NS_ZCHUNKS_H

#include <pthread.h>
#include <stddef.h>

/* chunks deflated at once: the writer's buffers are this many chunks and
 * their deflated copies, whatever the number of threads (h5mem.c) */
#define NS_ZCHUNKS_BATCH 4

typedef struct ns_zchunk {
    const void *in;          /* the chunk */
    size_t      in_len;
    size_t      elem;        /* shuffled by elements (rows) of this many bytes; 0: not shuffled */
    void       *tmp;         /* shuffling: room for in_len bytes */
    void       *out;         /* room for ns_zchunks_bound(in_len) bytes */
    size_t      out_len;     /* OUT: its deflated length */
    int         failed;      /* OUT: 1 if zlib failed on it */
} ns_zchunk;

/* the most bytes deflating in_len bytes can give (zlib's bound) */
size_t ns_zchunks_bound(size_t in_len);
/* threads a batch may use: the cores the process may run on, at most
 * NS_ZCHUNKS_THREADS_MAX */
unsigned ns_zchunks_threads(void);
/* HDF5's shuffle of n bytes of elements of `elem` bytes: byte j of element
 * i goes to j * (n / elem) + i; the bytes past the last whole element stay */
void ns_zchunks_shuffle(const void *in, void *out, size_t n, size_t elem);
/* shuffle (when asked) and deflate c[0 .. n) into zlib streams at `level`
 * (as HDF5's filters write them) on up to `threads` threads: 0, or -1 when
 * a chunk failed. A thread that cannot be started leaves its share to the
 * others. */
int ns_zchunks_deflate(ns_zchunk *c, size_t n, int level, unsigned threads);

/* The same in two steps, so that the caller can work meanwhile (fill the
 * next batch, write the last): ns_zchunks_start starts up to threads - 1
 * threads on c[0 .. n) and returns at once; ns_zchunks_finish has the
 * caller deflate what they have not taken, waits for them, and returns 0,
 * or -1 when a chunk failed. Every start is followed by its finish; b and
 * the chunks stay put in between. */
#define NS_ZCHUNKS_THREADS_MAX 4
typedef struct ns_zbatch {
    ns_zchunk *c;
    size_t     n;
    int        level;
    size_t     next;          /* the next chunk to take (atomic) */
    unsigned   started;       /* threads started */
    pthread_t  tid[NS_ZCHUNKS_THREADS_MAX - 1];
} ns_zbatch;
void ns_zchunks_start(ns_zbatch *b, ns_zchunk *c, size_t n, int level, unsigned threads);
int ns_zchunks_finish(ns_zbatch *b);

#endif
