/*
 * conn.c - persistent connections (run{connections = "persistent"}): the
 * congestion state a transport carries from one transfer of an ordered pair
 * of hosts (src, dst) to the next, as the long-lived queue pairs of
 * collectives do. The transport says what it carries (conn_size, conn_save,
 * conn_load: packet_int.h); this file keeps the records.
 *
 * Store. The pairs are known before the run (the workload's transfers): one
 * record per distinct (src, dst), numbered in (src, dst) order, and each
 * transfer's pair number, all allocated once when the model is built
 * (the transfers sorted by pair: O(n log n) once). A running transfer has a
 * record of its own (struct ns_conn_xfer) from a pool, taken when it starts
 * and returned once its last sender has finished: nothing is allocated per
 * packet, and per transfer only when the pool grows.
 *
 * The rules (man/netsim-lua.5, "connections"):
 *  - a transfer that starts loads its pair's record; before any transfer
 *    of the pair has completed, the transport's initial state stands;
 *  - one transfer at a time holds a pair's record: a transfer that starts
 *    while another transfer of its pair holds it (is still running: an
 *    alltoall issues many at once) starts from the initial state, as under
 *    per_transfer, so concurrency never multiplies the carried window;
 *  - its k subflows share what it loads (ns_sflow_share for a window);
 *  - when it completes (its last byte arrives: when the ops after it
 *    start), the record of its subflows as they stand (those whose senders
 *    finished earlier as they finished) becomes its pair's, replacing the
 *    one before, and the pair is released if the transfer held it;
 *  - its ACKs still on their way back then update the pair's record: when
 *    its last sender finishes, the record of its subflows as they finished
 *    replaces the pair's, unless another transfer of the pair has completed
 *    since. So a transfer that starts as the one before it completes (a
 *    dependency) starts from that one's state at that moment, and one that
 *    starts later from its final state.
 * A transfer's record lives from its start until its last sender finishes.
 */
#include <config.h>
#include "packet_int.h"

#include <stdlib.h>
#include <string.h>
#include "sim/alloc.h"

/* the record of a running transfer; its transport's record follows at
 * offsetof(state) */
struct ns_conn_xfer {
    ns_sflow *subs;          /* its subflows whose senders run, linked through cx_next */
    uint32_t  pair;
    uint32_t  xfer;
    uint8_t   holds;         /* 1: it holds its pair's record */
    uint8_t   completed;     /* its last byte has arrived */
    /* the fold of its subflows whose senders finished: */
    uint64_t  state[];       /* conn_size bytes (8-byte aligned) */
};

/* a pair's record: a header, then the transport's record */
enum { PAIR_SAVED = 1, PAIR_HELD = 2 };
typedef struct pair_hdr {
    uint32_t flags;          /* PAIR_* */
    uint32_t writer;         /* the transfer that completed last */
} pair_hdr;
_Static_assert(sizeof(pair_hdr) <= 16, "a pair's header outgrows its 16 bytes");

struct ns_conn {
    size_t         stride;   /* bytes per pair: 16 bytes of header, then the record */
    uint32_t       npairs;
    uint32_t      *pair_of;  /* per transfer: its pair */
    unsigned char *pairs;    /* npairs x stride */
    ns_pool        xpool;    /* records of running transfers */
    struct ns_conn_xfer **running;   /* per transfer: its record until it completes, else NULL */
};

static inline pair_hdr *
pair_of(struct ns_conn *c, uint32_t pair)
{
    return (pair_hdr *)(c->pairs + (size_t)pair * c->stride);
}

static inline unsigned char *
pair_state(struct ns_conn *c, uint32_t pair)
{
    return c->pairs + (size_t)pair * c->stride + 16;
}

typedef struct { uint64_t key; uint32_t xfer; } pair_key;

static int
cmp_key(const void *a, const void *b)
{
    const pair_key *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return x->xfer < y->xfer ? -1 : x->xfer > y->xfer;
}

int
ns_conn_new(ns_pnet *n)
{
    ns_sim *sim = n->sim;
    n->conn = NULL;
    if (sim->cfg.connections != NS_CONN_PERSISTENT || n->tp->conn_size == 0)
        return NS_OK;
    struct ns_conn *c = ns_calloc(1, sizeof *c);
    size_t nx = sim->nxfers;
    pair_key *keys = ns_alloc((nx ? nx : 1) * sizeof *keys);
    if (!c || !keys)
        goto fail;
    c->stride = (16 + n->tp->conn_size + 15) / 16 * 16;
    ns_pool_init(&c->xpool, sizeof(struct ns_conn_xfer) + n->tp->conn_size, 64);
    c->pair_of = ns_alloc((nx ? nx : 1) * sizeof *c->pair_of);
    c->running = ns_calloc(nx ? nx : 1, sizeof *c->running);
    if (!c->pair_of || !c->running)
        goto fail;
    /* number the pairs in (src, dst) order: sort the transfers by pair */
    for (size_t i = 0; i < nx; i++) {
        keys[i].key = (uint64_t)ns_sim_xfer_src(sim, &sim->xfers[i]) << 32 | ns_sim_xfer_dst(sim, &sim->xfers[i]);
        keys[i].xfer = (uint32_t)i;
    }
    qsort(keys, nx, sizeof *keys, cmp_key);
    uint32_t np = 0;
    for (size_t i = 0; i < nx; i++) {
        if (i > 0 && keys[i].key != keys[i - 1].key)
            np++;
        c->pair_of[keys[i].xfer] = np;
    }
    c->npairs = nx ? np + 1 : 0;
    ns_free(keys);
    keys = NULL;
    c->pairs = ns_calloc(c->npairs ? c->npairs : 1, c->stride);
    if (!c->pairs)
        goto fail;
    n->conn = c;
    return NS_OK;
fail:
    ns_free(keys);
    n->conn = c;
    ns_conn_free(n);
    return ns_errorf(&sim->err, NS_ENOMEM, "out of memory for the connections of %zu transfers", nx);
}

void
ns_conn_free(ns_pnet *n)
{
    struct ns_conn *c = n->conn;
    if (!c)
        return;
    ns_pool_destroy(&c->xpool);
    ns_free(c->pair_of);
    ns_free(c->running);
    ns_free(c->pairs);
    ns_free(c);
    n->conn = NULL;
}

int
ns_conn_start(ns_pnet *n, uint32_t xi)
{
    struct ns_conn *c = n->conn;
    if (!c)
        return 0;
    struct ns_conn_xfer *x = ns_pool_get(&c->xpool);
    if (!x)
        return -1;
    memset(x, 0, sizeof *x + n->tp->conn_size);
    x->pair = c->pair_of[xi];
    x->xfer = xi;
    pair_hdr *h = pair_of(c, x->pair);
    if (!(h->flags & PAIR_HELD)) {
        h->flags |= PAIR_HELD;
        x->holds = 1;
    }
    c->running[xi] = x;
    return 0;
}

void
ns_conn_attach(ns_pnet *n, ns_sflow *f)
{
    struct ns_conn *c = n->conn;
    if (!c)
        return;
    struct ns_conn_xfer *x = c->running[f->xfer];
    f->cx = x;
    f->cx_prev = NULL;
    f->cx_next = x->subs;
    if (x->subs)
        x->subs->cx_prev = f;
    x->subs = f;
    if (x->holds && (pair_of(c, x->pair)->flags & PAIR_SAVED))
        n->tp->conn_load(n, f, pair_state(c, x->pair));
}

/* the transfer's fold becomes its pair's record */
static void
save(ns_pnet *n, struct ns_conn_xfer *x)
{
    struct ns_conn *c = n->conn;
    pair_hdr *h = pair_of(c, x->pair);
    memcpy(pair_state(c, x->pair), x->state, n->tp->conn_size);
    h->flags |= PAIR_SAVED;
    h->writer = x->xfer;
}

void
ns_conn_sflow_done(ns_pnet *n, ns_sflow *f)
{
    struct ns_conn_xfer *x = f->cx;
    if (!x)
        return;
    n->tp->conn_save(n, f, x->state);
    if (f->cx_prev)
        f->cx_prev->cx_next = f->cx_next;
    else
        x->subs = f->cx_next;
    if (f->cx_next)
        f->cx_next->cx_prev = f->cx_prev;
    f->cx = NULL;
    f->cx_next = f->cx_prev = NULL;
    if (x->subs || !x->completed)
        return;
    /* the last sender of a completed transfer: its final state, unless a
     * transfer of the pair completed after it */
    if (pair_of(n->conn, x->pair)->writer == x->xfer)
        save(n, x);
    ns_pool_put(&n->conn->xpool, x);
}

void
ns_conn_xfer_done(ns_pnet *n, uint32_t xi)
{
    struct ns_conn *c = n->conn;
    if (!c || !c->running[xi])
        return;
    struct ns_conn_xfer *x = c->running[xi];
    c->running[xi] = NULL;
    x->completed = 1;
    save(n, x);
    /* the senders still running, as they stand, go into the pair's record
     * only (x keeps the fold of finished senders) */
    for (ns_sflow *f = x->subs; f; f = f->cx_next)
        n->tp->conn_save(n, f, pair_state(c, x->pair));
    pair_hdr *h = pair_of(c, x->pair);
    if (x->holds)
        h->flags &= ~(uint32_t)PAIR_HELD;
    if (!x->subs)
        ns_pool_put(&c->xpool, x);
}
