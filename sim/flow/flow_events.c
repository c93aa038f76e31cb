/*
 * flow_events.c - a lazy 4-ary min-heap of subflow events by (time, seq),
 * with a sorted run for big batches (see flow_events.h).
 */
#include <config.h>
#include "flow_events.h"

#include <assert.h>
#include <string.h>
#include "sim/alloc.h"

#define D 4
#define RUN_MIN 65536   /* a batch of this many events or more is sorted into the run */

static inline int
before(const ns_fevq_ent *a, const ns_fevq_ent *b)
{
    return a->when < b->when || (a->when == b->when && a->sg < b->sg);
}

static void
up(ns_fevq *q, size_t i)
{
    ns_fevq_ent x = q->e[i];
    while (i > 0) {
        size_t p = (i - 1) / D;
        if (!before(&x, &q->e[p]))
            break;
        q->e[i] = q->e[p];
        i = p;
    }
    q->e[i] = x;
}

static void
down(ns_fevq *q, size_t i)
{
    ns_fevq_ent x = q->e[i];
    for (;;) {
        size_t c = D * i + 1;
        if (c >= q->n)
            break;
        size_t end = c + D < q->n ? c + D : q->n;
        for (size_t k = c + 1; k < end; k++)
            if (before(&q->e[k], &q->e[c]))
                c = k;
        if (!before(&q->e[c], &x))
            break;
        q->e[i] = q->e[c];
        i = c;
    }
    q->e[i] = x;
}

void
ns_fevq_init(ns_fevq *q, ns_fevq_live_fn *is_live, void *ctx)
{
    memset(q, 0, sizeof *q);
    q->run_min = RUN_MIN;
    q->is_live = is_live;
    q->ctx = ctx;
}

void
ns_fevq_free(ns_fevq *q)
{
    ns_free(q->e);
    ns_free(q->run);
    ns_free(q->buf);
    ns_fevq_init(q, q->is_live, q->ctx);
}

static inline int
live(const ns_fevq *q, const ns_fevq_ent *x)
{
    return q->is_live(q->ctx, x->idx, ns_fevq_gen(x));
}

void
ns_fevq_compact(ns_fevq *q)
{
    size_t k = 0;
    for (size_t i = 0; i < q->n; i++)
        if (live(q, &q->e[i]))
            q->e[k++] = q->e[i];
    q->n = k;
    for (size_t i = k > 1 ? (k - 2) / D + 1 : 0; i-- > 0;)
        down(q, i);
    size_t r = 0;   /* the run stays sorted */
    for (size_t i = q->rh; i < q->rn; i++)
        if (live(q, &q->run[i]))
            q->run[r++] = q->run[i];
    q->rh = 0;
    q->rn = r;
    assert(q->n + q->rn + q->nbuf == q->live);
}

int
ns_fevq_reserve(ns_fevq *q)
{
    if (q->bulk)
        return ns_grow((void **)&q->buf, &q->buf_cap, q->nbuf + 1, sizeof *q->buf);
    if (q->n < q->cap)
        return 0;
    if (q->n + (q->rn - q->rh) - q->live >= q->n / 4 + 1) {   /* a quarter stale: drop them */
        ns_fevq_compact(q);
        if (q->n < q->cap)
            return 0;
    }
    return ns_grow((void **)&q->e, &q->cap, q->n + 1, sizeof *q->e);
}

void
ns_fevq_push(ns_fevq *q, ns_time when, uint64_t seq, uint32_t idx, uint16_t gen)
{
    assert(seq < NS_FEVQ_SEQ_END);
    ns_fevq_ent x = { (uint64_t)when, seq << NS_FEVQ_GEN_BITS | gen, idx };
    q->live++;
    if (q->bulk) {
        assert(q->nbuf < q->buf_cap);
        q->buf[q->nbuf++] = x;
        return;
    }
    assert(q->n < q->cap);
    q->e[q->n++] = x;
    up(q, q->n - 1);
}

void
ns_fevq_stale(ns_fevq *q)
{
    assert(q->live > 0);
    q->live--;
    if (q->n + (q->rn - q->rh) + q->nbuf - q->live > 2 * q->live + 4096)   /* three entries a live one */
        ns_fevq_compact(q);
}

/* drop the stale entries at the heap's top and the run's head */
static void
purge(ns_fevq *q)
{
    while (q->n > 0 && !live(q, &q->e[0])) {
        q->e[0] = q->e[--q->n];
        if (q->n > 1)
            down(q, 0);
    }
    while (q->rh < q->rn && !live(q, &q->run[q->rh]))
        q->rh++;
    if (q->rh == q->rn)
        q->rh = q->rn = 0;
}

const ns_fevq_ent *
ns_fevq_first(const ns_fevq *q)
{
    const ns_fevq_ent *h = q->n ? &q->e[0] : NULL, *r = q->rh < q->rn ? &q->run[q->rh] : NULL;
    return !r ? h : !h ? r : before(r, h) ? r : h;
}

const ns_fevq_ent *
ns_fevq_top(ns_fevq *q)
{
    purge(q);
    return ns_fevq_first(q);
}

void
ns_fevq_pop(ns_fevq *q)
{
    const ns_fevq_ent *t = ns_fevq_first(q);
    assert(t && live(q, t) && q->live > 0);
    q->live--;
    if (q->rh < q->rn && t == &q->run[q->rh]) {   /* (no run: q->run may be NULL) */
        if (++q->rh == q->rn)
            q->rh = q->rn = 0;
        return;
    }
    q->e[0] = q->e[--q->n];
    if (q->n > 1)
        down(q, 0);
}

void
ns_fevq_bulk_begin(ns_fevq *q)
{
    q->bulk = 1;
    q->nbuf = 0;
}

/* insertion sort by (time, seq): for the small buckets of sort_msd */
static void
sort_small(ns_fevq_ent *a, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        ns_fevq_ent x = a[i];
        size_t k = i;
        while (k > 0 && before(&x, &a[k - 1])) {
            a[k] = a[k - 1];
            k--;
        }
        a[k] = x;
    }
}

static inline uint64_t
sort_key(const ns_fevq_ent *x, int by_seq)
{
    return by_seq ? ns_fevq_seq(x) : x->when;
}

static void sort_by(ns_fevq_ent *a, size_t n, int by_seq);

/* sort a[0 .. n) by (time, seq) in place: most significant digit first, 11
 * bits or fewer of (key - lo) a pass from bit `top` down (American flag sort: no
 * second array), the key being the time, then, in a bucket of one time,
 * the seq (a big batch has thousands of events at one picosecond); small
 * buckets by insertion */
static void
sort_msd(ns_fevq_ent *a, size_t n, int by_seq, uint64_t lo, int top)
{
    if (n <= 32) {
        sort_small(a, n);
        return;
    }
    if (top <= 0) {   /* one key: by time, go on by seq; by seq, done (seqs differ) */
        if (!by_seq)
            sort_by(a, n, 1);
        return;
    }
    /* digits of up to 11 bits, fewer for a small bucket (about 4 entries a
     * bucket of the pass: the pass's cost is its buckets as well as its entries) */
    int dbits = 11;
    while (dbits > 3 && ((size_t)1 << dbits) > n / 4)
        dbits--;
    int shift = top > dbits ? top - dbits : 0;
    size_t nb = (size_t)1 << dbits, mask = nb - 1;
    size_t start[2048], end[2048];
    memset(start, 0, nb * sizeof *start);
    for (size_t i = 0; i < n; i++)
        start[((sort_key(&a[i], by_seq) - lo) >> shift) & mask]++;
    size_t sum = 0;
    for (size_t d = 0; d < nb; d++) {
        size_t c = start[d];
        start[d] = sum;
        end[d] = sum += c;
    }
    size_t first[2048];
    memcpy(first, start, nb * sizeof *first);
    for (size_t d = 0; d < nb; d++)
        while (start[d] < end[d]) {
            ns_fevq_ent x = a[start[d]];
            size_t dx = ((sort_key(&x, by_seq) - lo) >> shift) & mask;
            while (dx != d) {   /* x goes to its bucket; take the one there */
                ns_fevq_ent y = a[start[dx]];
                a[start[dx]++] = x;
                x = y;
                dx = ((sort_key(&x, by_seq) - lo) >> shift) & mask;
            }
            a[start[d]++] = x;
        }
    for (size_t d = 0; d < nb; d++)
        sort_msd(a + first[d], end[d] - first[d], by_seq, lo, shift);
}

/* sort a[0 .. n) by the time (by_seq 0) or the seq (1), then on as sort_msd
 * does: from the highest bit in which their keys differ */
static void
sort_by(ns_fevq_ent *a, size_t n, int by_seq)
{
    uint64_t lo = UINT64_MAX, hi = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t k = sort_key(&a[i], by_seq);
        lo = k < lo ? k : lo;
        hi = k > hi ? k : hi;
    }
    int bits = 0;
    while (bits < 64 && ((hi - lo) >> bits) != 0)
        bits++;
    sort_msd(a, n, by_seq, lo, bits);
}

/* the batch, sorted, merged with what is left of the run: 0 or -1 */
static int
to_run(ns_fevq *q)
{
    size_t left = q->rn - q->rh, n = left + q->nbuf;
    ns_fevq_ent *run = NULL;
    if (left && !(run = ns_alloc(n * sizeof *run)))
        return -1;
    sort_by(q->buf, q->nbuf, 0);
    if (!left) {   /* the batch is the run */
        ns_free(q->run);
        q->run = q->buf;
        q->buf = NULL;
        q->buf_cap = 0;
        q->rh = 0;
        q->rn = q->nbuf;
        q->nbuf = 0;
        return 0;
    }
    size_t i = q->rh, j = 0, k = 0;
    while (i < q->rn && j < q->nbuf)
        run[k++] = before(&q->buf[j], &q->run[i]) ? q->buf[j++] : q->run[i++];
    while (i < q->rn)
        run[k++] = q->run[i++];
    while (j < q->nbuf)
        run[k++] = q->buf[j++];
    ns_free(q->run);
    q->run = run;
    q->rh = 0;
    q->rn = n;
    q->nbuf = 0;
    return 0;
}

int
ns_fevq_bulk_end(ns_fevq *q)
{
    q->bulk = 0;
    if (q->nbuf >= q->run_min && to_run(q) == 0)
        return 0;
    /* a small batch (or no memory to sort): into the heap */
    if (q->n + q->nbuf > q->cap &&
        ns_grow((void **)&q->e, &q->cap, q->n + q->nbuf, sizeof *q->e))
        return -1;
    for (size_t i = 0; i < q->nbuf; i++) {
        q->e[q->n++] = q->buf[i];
        up(q, q->n - 1);
    }
    q->nbuf = 0;
    return 0;
}
