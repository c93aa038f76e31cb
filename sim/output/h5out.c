/*
 * h5out.c - writing the HDF5 results file (see h5out.h).
 *
 * Tables are compound datasets appended with the packet-table API in blocks
 * of up to 4,096 rows, chunked (at most 1 MiB a chunk) and deflated. Every
 * hid_t starts invalid and one exit path closes what was opened.
 */
#include <config.h>
#include "h5out.h"

#include <hdf5.h>
#include <hdf5_hl.h>
#include <stdio.h>
#include <string.h>
#include "sim/alloc.h"
#include "sim/lib.h"
#include "sim/sim.h"
#include "summary.h"

#define BLOCK_ROWS 4096
#define TS_ROWS 64            /* time-series rows buffered before a write */

struct ns_h5out {
    hid_t     file;
    size_t    nlinks;
    /* time series */
    hid_t     ts_time, ts_link, ts_queue;
    hsize_t   ts_rows;          /* rows written */
    size_t    ts_buffered;
    ns_time   ts_last_ps;       /* time of the last row taken, -1 before the first */
    int64_t  *buf_time;
    uint64_t *buf_link, *buf_queue;   /* TS_ROWS x nlinks */
    uint64_t *prev_tx;          /* cumulative tx bytes at the last sample */
    int       ts_failed;
};

/* --- small helpers ------------------------------------------------------- */

static hid_t
str_type(size_t len)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    if (t >= 0) {
        H5Tset_size(t, len);
        H5Tset_strpad(t, H5T_STR_NULLTERM);
    }
    return t;
}

static int
attr_str(hid_t loc, const char *name, const char *value)
{
    hid_t t = H5Tcopy(H5T_C_S1), sp = H5Screate(H5S_SCALAR), a = H5I_INVALID_HID;
    int rc = -1;
    if (t < 0 || sp < 0 || H5Tset_size(t, H5T_VARIABLE) < 0 || H5Tset_cset(t, H5T_CSET_UTF8) < 0)
        goto out;
    a = H5Acreate2(loc, name, t, sp, H5P_DEFAULT, H5P_DEFAULT);
    if (a >= 0 && H5Awrite(a, t, &value) >= 0)
        rc = 0;
out:
    if (a >= 0) H5Aclose(a);
    if (sp >= 0) H5Sclose(sp);
    if (t >= 0) H5Tclose(t);
    return rc;
}

static int
attr_num(hid_t loc, const char *name, hid_t type, const void *value)
{
    hid_t sp = H5Screate(H5S_SCALAR), a = H5I_INVALID_HID;
    int rc = -1;
    if (sp >= 0)
        a = H5Acreate2(loc, name, type, sp, H5P_DEFAULT, H5P_DEFAULT);
    if (a >= 0 && H5Awrite(a, type, value) >= 0)
        rc = 0;
    if (a >= 0) H5Aclose(a);
    if (sp >= 0) H5Sclose(sp);
    return rc;
}

static int attr_i64(hid_t loc, const char *name, int64_t v) { return attr_num(loc, name, H5T_NATIVE_INT64, &v); }
static int attr_u64(hid_t loc, const char *name, uint64_t v) { return attr_num(loc, name, H5T_NATIVE_UINT64, &v); }
static int attr_f64(hid_t loc, const char *name, double v) { return attr_num(loc, name, H5T_NATIVE_DOUBLE, &v); }

/* a table is described by its row type, row size and per-column units */
enum { T_STR = 0, T_U32, T_I32, T_U64, T_I64, T_F64 };

typedef struct column {
    const char *name;
    size_t      offset;
    int         type;        /* T_*; T_STR is a fixed string of `len` bytes */
    size_t      len;
    const char *unit;        /* NULL: no unit */
} column;

static hid_t
native(int t)
{
    switch (t) {
    case T_U32: return H5T_NATIVE_UINT32;
    case T_I32: return H5T_NATIVE_INT32;
    case T_U64: return H5T_NATIVE_UINT64;
    case T_I64: return H5T_NATIVE_INT64;
    default: return H5T_NATIVE_DOUBLE;
    }
}

typedef void fill_fn(void *ctx, size_t first, size_t n, void *rows);

/* write table `name` of nrows rows, produced by fill() in blocks */
static int
write_table(hid_t loc, const char *name, const column *cols, size_t ncols, size_t rowsize,
            size_t nrows, fill_fn *fill, void *ctx)
{
    hid_t type = H5Tcreate(H5T_COMPOUND, rowsize), plist = H5I_INVALID_HID, pt = H5I_INVALID_HID;
    hid_t strs[16];
    size_t nstrs = 0;
    void *rows = NULL;
    int rc = -1;
    if (type < 0)
        return -1;
    for (size_t i = 0; i < ncols; i++) {
        hid_t t;
        if (cols[i].type == T_STR) {
            t = strs[nstrs++] = str_type(cols[i].len);
            if (t < 0)
                goto out;
        } else {
            t = native(cols[i].type);
        }
        if (H5Tinsert(type, cols[i].name, cols[i].offset, t) < 0)
            goto out;
    }
    plist = H5Pcreate(H5P_DATASET_CREATE);
    if (plist < 0 || H5Pset_deflate(plist, 4) < 0)
        goto out;
    size_t chunk = (1u << 20) / rowsize;
    if (chunk > BLOCK_ROWS)
        chunk = BLOCK_ROWS;
    if (nrows && chunk > nrows)
        chunk = nrows;
    if (chunk < 1)
        chunk = 1;
    pt = H5PTcreate(loc, name, type, (hsize_t)chunk, plist);
    if (pt < 0)
        goto out;
    rows = ns_alloc(BLOCK_ROWS * rowsize);
    if (!rows)
        goto out;
    for (size_t first = 0; first < nrows; first += BLOCK_ROWS) {
        size_t n = nrows - first < BLOCK_ROWS ? nrows - first : BLOCK_ROWS;
        memset(rows, 0, n * rowsize);
        fill(ctx, first, n, rows);
        if (H5PTappend(pt, n, rows) < 0)
            goto out;
    }
    H5PTclose(pt);
    pt = H5I_INVALID_HID;
    /* units as attributes "unit:<column>" */
    hid_t ds = H5Dopen2(loc, name, H5P_DEFAULT);
    if (ds < 0)
        goto out;
    rc = 0;
    for (size_t i = 0; i < ncols; i++) {
        if (cols[i].unit) {
            char an[64];
            snprintf(an, sizeof an, "unit:%s", cols[i].name);
            if (attr_str(ds, an, cols[i].unit))
                rc = -1;
        }
    }
    H5Dclose(ds);
out:
    ns_free(rows);
    if (pt >= 0) H5PTclose(pt);
    if (plist >= 0) H5Pclose(plist);
    for (size_t i = 0; i < nstrs; i++)
        H5Tclose(strs[i]);
    H5Tclose(type);
    return rc;
}

#define COL(T, f, ty, u) { #f, offsetof(T, f), ty, 0, u }
#define SCOL(T, f, u)    { #f, offsetof(T, f), T_STR, sizeof(((T *)0)->f), u }
#define NCOLS(a) (sizeof(a) / sizeof((a)[0]))

/* --- /topology ----------------------------------------------------------- */

typedef struct node_row {
    uint32_t id;
    char     kind[8];
    char     name[NS_NAME_MAX];
    int32_t  dc, pod, leaf, tier;
} node_row;

static void
fill_nodes(void *ctx, size_t first, size_t n, void *rowsp)
{
    const ns_fabric *f = ctx;
    node_row *rows = rowsp;
    for (size_t i = 0; i < n; i++) {
        const ns_fnode *v = &f->nodes[first + i];
        rows[i].id = (uint32_t)(first + i + 1);
        strcpy(rows[i].kind, v->kind == NS_NODE_HOST ? "host" : "switch");
        memcpy(rows[i].name, v->name, sizeof rows[i].name);
        rows[i].dc = v->dc;
        rows[i].pod = v->pod;
        rows[i].leaf = v->leaf;
        rows[i].tier = v->tier;
    }
}

typedef struct link_row {
    uint32_t id, src, dst;
    uint64_t rate_bps;
    int64_t  latency_ps;
    uint64_t buffer_bytes;
} link_row;

static void
fill_links(void *ctx, size_t first, size_t n, void *rowsp)
{
    const ns_fabric *f = ctx;
    link_row *rows = rowsp;
    for (size_t i = 0; i < n; i++) {
        const ns_flink *l = &f->links[first + i];
        rows[i].id = (uint32_t)(first + i);
        rows[i].src = l->src + 1;
        rows[i].dst = l->dst + 1;
        rows[i].rate_bps = l->rate_bps;
        rows[i].latency_ps = l->latency_ps;
        rows[i].buffer_bytes = l->buffer_bytes;
    }
}

typedef struct port_row {
    uint32_t link;
    uint64_t tx_bytes, tx_packets, peak_queue_bytes, drops, ecn_marks;
} port_row;

static void
fill_ports(void *ctx, size_t first, size_t n, void *rowsp)
{
    ns_sim *sim = ctx;
    port_row *rows = rowsp;
    for (size_t i = 0; i < n; i++) {
        ns_link_stats s;
        sim->net->ops->link_stats(sim->net, (uint32_t)(first + i), &s);
        rows[i].link = (uint32_t)(first + i);
        rows[i].tx_bytes = s.tx_bytes;
        rows[i].tx_packets = s.tx_packets;
        rows[i].peak_queue_bytes = s.peak_queue_bytes;
        rows[i].drops = s.drops;
        rows[i].ecn_marks = s.ecn_marks;
    }
}

/* --- /transfers, /ops, /collectives, /iterations ------------------------- */

typedef struct xfer_row {
    uint32_t id, op, src, dst;
    uint64_t bytes;
    int64_t  start_ps, finish_ps;
    uint32_t subflows;
    uint64_t packets, retransmits, ecn_marks;
} xfer_row;

static void
fill_xfers(void *ctx, size_t first, size_t n, void *rowsp)
{
    ns_sim *sim = ctx;
    xfer_row *rows = rowsp;
    for (size_t i = 0; i < n; i++) {
        const ns_xfer *x = &sim->xfers[first + i];
        rows[i].id = (uint32_t)(first + i);
        rows[i].op = x->op;
        rows[i].src = x->src;
        rows[i].dst = x->dst;
        rows[i].bytes = x->bytes;
        rows[i].start_ps = x->start_ps;
        rows[i].finish_ps = x->finish_ps;
        rows[i].subflows = x->subflows;
        rows[i].packets = x->packets;
        rows[i].retransmits = x->retransmits;
        rows[i].ecn_marks = x->ecn_marks;
    }
}

typedef struct op_row {
    uint32_t id;
    char     kind[12];
    uint32_t node;
    int64_t  start_ps, finish_ps;
    int32_t  parent;
    char     label[NS_LABEL_MAX];
} op_row;

static void
fill_ops(void *ctx, size_t first, size_t n, void *rowsp)
{
    const char *const *kinds = ns_op_kind_names;
    ns_sim *sim = ctx;
    op_row *rows = rowsp;
    for (size_t i = 0; i < n; i++) {
        size_t k = first + i;
        const ns_op *o = &sim->wl->ops[k];
        rows[i].id = (uint32_t)k;
        strcpy(rows[i].kind, kinds[o->kind]);
        rows[i].node = o->node;
        rows[i].start_ps = sim->op_start[k];
        rows[i].finish_ps = sim->op_finish[k];
        rows[i].parent = o->parent;
        snprintf(rows[i].label, sizeof rows[i].label, "%s", ns_wl_label(sim->wl, o->label));
    }
}

typedef struct coll_row {
    uint32_t id;
    char     kind[16];
    char     algorithm[24];
    uint32_t ranks;
    uint64_t bytes;
    int64_t  start_ps, finish_ps, lower_bound_ps;
} coll_row;

static void
fill_colls(void *ctx, size_t first, size_t n, void *rowsp)
{
    ns_sim *sim = ctx;
    const ns_workload *wl = sim->wl;
    coll_row *rows = rowsp;
    for (size_t i = 0; i < n; i++) {
        const ns_coll *c = &wl->colls[first + i];
        rows[i].id = (uint32_t)(first + i);
        memcpy(rows[i].kind, c->kind, sizeof rows[i].kind);
        memcpy(rows[i].algorithm, c->algorithm, sizeof rows[i].algorithm);
        rows[i].ranks = c->ranks;
        rows[i].bytes = c->bytes;
        ns_time start = -1;
        for (uint32_t k = c->first_op; k <= c->last_op; k++)
            if (sim->op_start[k] >= 0 && (start < 0 || sim->op_start[k] < start))
                start = sim->op_start[k];
        rows[i].start_ps = start;
        rows[i].finish_ps = sim->op_finish[c->last_op];
        uint64_t rate = ns_fabric_min_host_rate(sim->fab, &wl->coll_hosts[c->hosts_off], c->ranks);
        double lb = c->nic_bytes * 8.0 * 1e12 / (double)rate + 0.5;
        rows[i].lower_bound_ps = lb < 9.2e18 ? (int64_t)lb : INT64_MAX;   /* past the clock: no overflow */
    }
}

typedef struct iter_row {
    uint32_t worker, step;
    int64_t  start_ps, finish_ps, blocked_ps;
    uint64_t bytes_sent;
} iter_row;

static void
fill_iters(void *ctx, size_t first, size_t n, void *rowsp)
{
    ns_sim *sim = ctx;
    iter_row *rows = rowsp;
    for (size_t i = 0; i < n; i++) {
        const ns_iter *it = &sim->wl->iters[first + i];
        rows[i].worker = it->worker;
        rows[i].step = it->step;
        rows[i].start_ps = sim->op_start[it->start_op];
        rows[i].finish_ps = sim->op_finish[it->end_op];
        ns_time cdone = sim->op_finish[it->compute_op];
        rows[i].blocked_ps = rows[i].finish_ps >= 0 && cdone >= 0 ? rows[i].finish_ps - cdone : -1;
        rows[i].bytes_sent = it->bytes_sent;
    }
}

typedef struct worker_row {
    uint32_t worker, steps;
    int64_t  compute_ps, wall_ps, blocked_ps;
    uint64_t bytes_sent;
    double   compute_utilization;
} worker_row;

static void
fill_workers(void *ctx, size_t first, size_t n, void *rowsp)
{
    const ns_worker_stats *ws = ctx;
    worker_row *rows = rowsp;
    for (size_t i = 0; i < n; i++) {
        const ns_worker_stats *v = &ws[first + i];
        rows[i].worker = v->worker;
        rows[i].steps = v->steps;
        rows[i].compute_ps = v->compute_ps;
        rows[i].wall_ps = v->wall_ps;
        rows[i].blocked_ps = v->blocked_ps;
        rows[i].bytes_sent = v->bytes_sent;
        rows[i].compute_utilization = v->utilization;
    }
}

typedef struct moe_row {
    uint32_t moe, layer;
    char     pass[10];
    int32_t  dispatch_coll, combine_coll;
    int64_t  dispatch_start_ps, dispatch_finish_ps, dispatch_ps;
    int64_t  combine_start_ps, combine_finish_ps, combine_ps;
    uint64_t tokens_max;
    double   tokens_mean, imbalance, hosts_per_token;
    uint64_t dropped, dispatch_bytes;
} moe_row;

static void
fill_moe(void *ctx, size_t first, size_t n, void *rowsp)
{
    ns_sim *sim = ctx;
    moe_row *rows = rowsp;
    for (size_t i = 0; i < n; i++) {
        const ns_moe_layer *m = &sim->wl->moe_layers[first + i];
        moe_row *r = &rows[i];
        r->moe = m->moe;
        r->layer = m->layer;
        strcpy(r->pass, m->backward ? "backward" : "forward");
        r->dispatch_coll = m->dispatch_coll;
        r->combine_coll = m->combine_coll;
        r->dispatch_start_ps = sim->op_start[m->dispatch_start];
        r->dispatch_finish_ps = sim->op_finish[m->dispatch_done];
        r->dispatch_ps = r->dispatch_start_ps >= 0 && r->dispatch_finish_ps >= 0 ?
            r->dispatch_finish_ps - r->dispatch_start_ps : -1;
        r->combine_start_ps = sim->op_start[m->combine_start];
        r->combine_finish_ps = sim->op_finish[m->combine_done];
        r->combine_ps = r->combine_start_ps >= 0 && r->combine_finish_ps >= 0 ?
            r->combine_finish_ps - r->combine_start_ps : -1;
        r->tokens_max = m->tokens_max;
        r->tokens_mean = m->tokens_mean;
        r->imbalance = m->tokens_mean > 0 ? (double)m->tokens_max / m->tokens_mean : 0;
        r->hosts_per_token = m->hosts_per_token;
        r->dropped = m->dropped;
        r->dispatch_bytes = m->dispatch_bytes;
    }
}

/* --- time series ---------------------------------------------------------- */

static hid_t
ts_dataset(hid_t grp, const char *name, size_t ncols, hsize_t chunk_rows, const char *unit)
{
    hsize_t dims[2] = {0, ncols}, maxdims[2] = {H5S_UNLIMITED, ncols}, chunk[2] = {chunk_rows, ncols ? ncols : 1};
    int rank = ncols ? 2 : 1;
    hid_t sp = H5Screate_simple(rank, dims, maxdims), pl = H5Pcreate(H5P_DATASET_CREATE), ds = H5I_INVALID_HID;
    if (sp >= 0 && pl >= 0 && H5Pset_chunk(pl, rank, chunk) >= 0 && H5Pset_deflate(pl, 4) >= 0)
        ds = H5Dcreate2(grp, name, ncols ? H5T_NATIVE_UINT64 : H5T_NATIVE_INT64, sp, H5P_DEFAULT, pl, H5P_DEFAULT);
    if (ds >= 0 && attr_str(ds, "unit", unit)) {
        H5Dclose(ds);
        ds = H5I_INVALID_HID;
    }
    if (pl >= 0) H5Pclose(pl);
    if (sp >= 0) H5Sclose(sp);
    return ds;
}

static int
ts_append(hid_t ds, hsize_t row0, hsize_t nrows, size_t ncols, const void *data, hid_t memtype)
{
    int rank = ncols ? 2 : 1;
    hsize_t size[2] = {row0 + nrows, ncols}, start[2] = {row0, 0}, count[2] = {nrows, ncols};
    hid_t fs = H5I_INVALID_HID, ms = H5I_INVALID_HID;
    int rc = -1;
    if (H5Dset_extent(ds, size) < 0)
        return -1;
    fs = H5Dget_space(ds);
    ms = H5Screate_simple(rank, count, NULL);
    if (fs >= 0 && ms >= 0 && H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL) >= 0 &&
        H5Dwrite(ds, memtype, ms, fs, H5P_DEFAULT, data) >= 0)
        rc = 0;
    if (ms >= 0) H5Sclose(ms);
    if (fs >= 0) H5Sclose(fs);
    return rc;
}

static int
ts_flush(ns_h5out *h)
{
    if (!h->ts_buffered || h->ts_failed)
        return h->ts_failed ? -1 : 0;
    hsize_t n = h->ts_buffered;
    if (ts_append(h->ts_time, h->ts_rows, n, 0, h->buf_time, H5T_NATIVE_INT64) ||
        ts_append(h->ts_link, h->ts_rows, n, h->nlinks, h->buf_link, H5T_NATIVE_UINT64) ||
        ts_append(h->ts_queue, h->ts_rows, n, h->nlinks, h->buf_queue, H5T_NATIVE_UINT64)) {
        h->ts_failed = 1;
        return -1;
    }
    h->ts_rows += n;
    h->ts_buffered = 0;
    return 0;
}

void
ns_h5out_sample(void *hp, ns_sim *sim)
{
    ns_h5out *h = hp;
    if (h->ts_failed || sim->now <= h->ts_last_ps)
        return;                 /* one row per instant: time_ps strictly increases */
    if (h->ts_time < 0) {
        hid_t g = H5Gcreate2(h->file, "timeseries", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        hsize_t chunk = (1u << 20) / (8 * (h->nlinks ? h->nlinks : 1));
        if (chunk < 1) chunk = 1;
        if (chunk > 1024) chunk = 1024;
        h->buf_time = ns_alloc(TS_ROWS * sizeof *h->buf_time);
        h->buf_link = ns_alloc(TS_ROWS * h->nlinks * sizeof *h->buf_link + 8);
        h->buf_queue = ns_alloc(TS_ROWS * h->nlinks * sizeof *h->buf_queue + 8);
        h->prev_tx = ns_calloc(h->nlinks + 1, sizeof *h->prev_tx);
        if (g >= 0) {
            h->ts_time = ts_dataset(g, "time_ps", 0, 1024, "ps");
            h->ts_link = ts_dataset(g, "link_bytes", h->nlinks, chunk, "B");
            h->ts_queue = ts_dataset(g, "queue_bytes", h->nlinks, chunk, "B");
            if (attr_i64(g, "sample_ps", sim->cfg.sample_ps))
                h->ts_failed = 1;
            H5Gclose(g);
        }
        if (g < 0 || h->ts_failed || h->ts_time < 0 || h->ts_link < 0 || h->ts_queue < 0 ||
            !h->buf_time || !h->buf_link || !h->buf_queue || !h->prev_tx) {
            h->ts_failed = 1;
            return;
        }
    }
    size_t r = h->ts_buffered;
    h->ts_last_ps = sim->now;
    h->buf_time[r] = sim->now;
    for (size_t l = 0; l < h->nlinks; l++) {
        ns_link_stats s;
        sim->net->ops->link_stats(sim->net, (uint32_t)l, &s);
        h->buf_link[r * h->nlinks + l] = s.tx_bytes - h->prev_tx[l];
        h->buf_queue[r * h->nlinks + l] = s.queue_bytes;
        h->prev_tx[l] = s.tx_bytes;
    }
    if (++h->ts_buffered == TS_ROWS)
        ts_flush(h);
}

/* --- open, finish, close -------------------------------------------------- */

int
ns_h5out_open(ns_h5out **out, const char *path, size_t nlinks, ns_err *e)
{
    *out = NULL;
    ns_h5out *h = ns_calloc(1, sizeof *h);
    if (!h)
        return ns_enomem(e, "the output file");
    h->ts_time = h->ts_link = h->ts_queue = H5I_INVALID_HID;
    h->ts_last_ps = -1;
    h->nlinks = nlinks;
    h->file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    if (h->file < 0) {
        ns_free(h);
        return ns_errorf(e, NS_EIO, "cannot create output file '%s'", path);
    }
    *out = h;
    return NS_OK;
}

typedef struct attr_ctx {
    hid_t loc;
    int   failed;
} attr_ctx;

static void
summary_attr(void *ctxp, const char *name, double v, int integral)
{
    attr_ctx *c = ctxp;
    if (integral ? attr_i64(c->loc, name, (int64_t)v) : attr_f64(c->loc, name, v))
        c->failed = 1;
}

static int
write_strings(hid_t loc, const char *name, const char *const *v, size_t n)
{
    hid_t t = H5Tcopy(H5T_C_S1), sp = H5I_INVALID_HID, ds = H5I_INVALID_HID;
    hsize_t dims[1] = {n};
    int rc = -1;
    if (t < 0 || H5Tset_size(t, H5T_VARIABLE) < 0 || H5Tset_cset(t, H5T_CSET_UTF8) < 0)
        goto out;
    sp = H5Screate_simple(1, dims, NULL);
    if (sp >= 0)
        ds = H5Dcreate2(loc, name, t, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (ds >= 0 && (n == 0 || H5Dwrite(ds, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0))
        rc = 0;
out:
    if (ds >= 0) H5Dclose(ds);
    if (sp >= 0) H5Sclose(sp);
    if (t >= 0) H5Tclose(t);
    return rc;
}

static int
write_scalar_string(hid_t loc, const char *name, const char *v)
{
    hid_t t = H5Tcopy(H5T_C_S1), sp = H5Screate(H5S_SCALAR), ds = H5I_INVALID_HID;
    int rc = -1;
    if (t >= 0 && sp >= 0 && H5Tset_size(t, H5T_VARIABLE) >= 0 && H5Tset_cset(t, H5T_CSET_UTF8) >= 0)
        ds = H5Dcreate2(loc, name, t, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (ds >= 0 && H5Dwrite(ds, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, &v) >= 0)
        rc = 0;
    if (ds >= 0) H5Dclose(ds);
    if (sp >= 0) H5Sclose(sp);
    if (t >= 0) H5Tclose(t);
    return rc;
}

int
ns_h5out_finish(ns_h5out *h, ns_sim *sim, const ns_summary *s, const ns_h5meta *m, ns_err *e)
{
    static const column node_cols[] = {
        COL(node_row, id, T_U32, NULL), SCOL(node_row, kind, NULL), SCOL(node_row, name, NULL),
        COL(node_row, dc, T_I32, NULL), COL(node_row, pod, T_I32, NULL),
        COL(node_row, leaf, T_I32, NULL), COL(node_row, tier, T_I32, NULL),
    };
    static const column link_cols[] = {
        COL(link_row, id, T_U32, NULL), COL(link_row, src, T_U32, NULL),
        COL(link_row, dst, T_U32, NULL), COL(link_row, rate_bps, T_U64, "bit/s"),
        COL(link_row, latency_ps, T_I64, "ps"), COL(link_row, buffer_bytes, T_U64, "B"),
    };
    static const column port_cols[] = {
        COL(port_row, link, T_U32, NULL), COL(port_row, tx_bytes, T_U64, "B"),
        COL(port_row, tx_packets, T_U64, NULL),
        COL(port_row, peak_queue_bytes, T_U64, "B"), COL(port_row, drops, T_U64, NULL),
        COL(port_row, ecn_marks, T_U64, NULL),
    };
    static const column xfer_cols[] = {
        COL(xfer_row, id, T_U32, NULL), COL(xfer_row, op, T_U32, NULL),
        COL(xfer_row, src, T_U32, NULL), COL(xfer_row, dst, T_U32, NULL),
        COL(xfer_row, bytes, T_U64, "B"), COL(xfer_row, start_ps, T_I64, "ps"),
        COL(xfer_row, finish_ps, T_I64, "ps"), COL(xfer_row, subflows, T_U32, NULL),
        COL(xfer_row, packets, T_U64, NULL), COL(xfer_row, retransmits, T_U64, NULL),
        COL(xfer_row, ecn_marks, T_U64, NULL),
    };
    static const column op_cols[] = {
        COL(op_row, id, T_U32, NULL), SCOL(op_row, kind, NULL), COL(op_row, node, T_U32, NULL),
        COL(op_row, start_ps, T_I64, "ps"), COL(op_row, finish_ps, T_I64, "ps"),
        COL(op_row, parent, T_I32, NULL), SCOL(op_row, label, NULL),
    };
    static const column coll_cols[] = {
        COL(coll_row, id, T_U32, NULL), SCOL(coll_row, kind, NULL), SCOL(coll_row, algorithm, NULL),
        COL(coll_row, ranks, T_U32, NULL), COL(coll_row, bytes, T_U64, "B"),
        COL(coll_row, start_ps, T_I64, "ps"), COL(coll_row, finish_ps, T_I64, "ps"),
        COL(coll_row, lower_bound_ps, T_I64, "ps"),
    };
    static const column iter_cols[] = {
        COL(iter_row, worker, T_U32, NULL), COL(iter_row, step, T_U32, NULL),
        COL(iter_row, start_ps, T_I64, "ps"), COL(iter_row, finish_ps, T_I64, "ps"),
        COL(iter_row, blocked_ps, T_I64, "ps"), COL(iter_row, bytes_sent, T_U64, "B"),
    };
    static const column worker_cols[] = {
        COL(worker_row, worker, T_U32, NULL), COL(worker_row, steps, T_U32, NULL),
        COL(worker_row, compute_ps, T_I64, "ps"), COL(worker_row, wall_ps, T_I64, "ps"),
        COL(worker_row, blocked_ps, T_I64, "ps"), COL(worker_row, bytes_sent, T_U64, "B"),
        COL(worker_row, compute_utilization, T_F64, NULL),
    };
    static const column moe_cols[] = {
        COL(moe_row, moe, T_U32, NULL), COL(moe_row, layer, T_U32, NULL), SCOL(moe_row, pass, NULL),
        COL(moe_row, dispatch_coll, T_I32, NULL), COL(moe_row, combine_coll, T_I32, NULL),
        COL(moe_row, dispatch_start_ps, T_I64, "ps"), COL(moe_row, dispatch_finish_ps, T_I64, "ps"),
        COL(moe_row, dispatch_ps, T_I64, "ps"),
        COL(moe_row, combine_start_ps, T_I64, "ps"), COL(moe_row, combine_finish_ps, T_I64, "ps"),
        COL(moe_row, combine_ps, T_I64, "ps"),
        COL(moe_row, tokens_max, T_U64, "token-expert assignments"),
        COL(moe_row, tokens_mean, T_F64, "token-expert assignments"),
        COL(moe_row, imbalance, T_F64, NULL), COL(moe_row, hosts_per_token, T_F64, "hosts"),
        COL(moe_row, dropped, T_U64, "token-expert assignments"), COL(moe_row, dispatch_bytes, T_U64, "B"),
    };
    const ns_fabric *fab = sim->fab;
    const ns_workload *wl = sim->wl;
    hid_t root = h->file, g = H5I_INVALID_HID;
    int bad = 0;
    const ns_run_cfg *c = &sim->cfg;

    if (h->ts_time >= 0) {
        ns_h5out_sample(h, sim);    /* the last sample, at the end of the run */
        bad |= ts_flush(h);
    }
    bad |= attr_str(root, "netsim_version", PACKAGE_VERSION);
    bad |= attr_i64(root, "schema_version", NS_SCHEMA_VERSION);
    bad |= attr_u64(root, "seed", c->seed);
    bad |= attr_str(root, "model", ns_model_name(c->model));
    bad |= attr_str(root, "lb", ns_lb_names[c->lb]);
    bad |= attr_str(root, "transport", ns_transport_name(c->transport));
    bad |= attr_i64(root, "subflows", c->subflows);
    bad |= attr_str(root, "command_line", m->command_line ? m->command_line : "");
    bad |= attr_str(root, "scenario", m->scenario_path ? m->scenario_path : "");
    bad |= attr_u64(root, "events", sim->events);
    bad |= attr_f64(root, "wall_seconds", s->wall_seconds);
    bad |= attr_i64(root, "completed", s->completed);
    bad |= attr_str(root, "fabric", fab->kind);

    g = H5Gcreate2(root, "scenario", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (g < 0)
        goto fail;
    bad |= write_scalar_string(g, "source", m->source ? m->source : "");
    {
        hid_t pg = H5Gcreate2(g, "params", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        if (pg < 0)
            goto fail;
        bad |= write_strings(pg, "name", m->param_names, m->nparams);
        bad |= write_strings(pg, "value", m->param_values, m->nparams);
        H5Gclose(pg);
    }
    H5Gclose(g);
    g = H5Gcreate2(root, "topology", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (g < 0)
        goto fail;
    bad |= write_table(g, "nodes", node_cols, NCOLS(node_cols), sizeof(node_row), fab->nnodes, fill_nodes, (void *)fab);
    bad |= write_table(g, "links", link_cols, NCOLS(link_cols), sizeof(link_row), fab->nlinks, fill_links, (void *)fab);
    bad |= attr_i64(g, "mtu", fab->mtu);
    bad |= attr_i64(g, "header", fab->header);
    H5Gclose(g);
    g = H5I_INVALID_HID;
    bad |= write_table(root, "ports", port_cols, NCOLS(port_cols), sizeof(port_row), fab->nlinks, fill_ports, sim);
    bad |= write_table(root, "transfers", xfer_cols, NCOLS(xfer_cols), sizeof(xfer_row), sim->nxfers, fill_xfers, sim);
    bad |= write_table(root, "ops", op_cols, NCOLS(op_cols), sizeof(op_row), wl->nops, fill_ops, sim);
    bad |= write_table(root, "collectives", coll_cols, NCOLS(coll_cols), sizeof(coll_row), wl->ncolls, fill_colls, sim);
    bad |= write_table(root, "iterations", iter_cols, NCOLS(iter_cols), sizeof(iter_row), wl->niters, fill_iters, sim);
    {
        ns_worker_stats *ws;
        size_t nw;
        if (ns_summary_workers(sim, &ws, &nw))
            goto fail;
        bad |= write_table(root, "workers", worker_cols, NCOLS(worker_cols), sizeof(worker_row), nw, fill_workers, ws);
        ns_free(ws);
    }
    bad |= write_table(root, "moe_layers", moe_cols, NCOLS(moe_cols), sizeof(moe_row), wl->nmoe_layers, fill_moe, sim);
    g = H5Gcreate2(root, "summary", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (g < 0)
        goto fail;
    attr_ctx ac = { g, 0 };
    ns_summary_visit(s, summary_attr, &ac);
    bad |= ac.failed;
    H5Gclose(g);
    g = H5I_INVALID_HID;
    if (bad)
        goto fail;
    if (H5Fflush(h->file, H5F_SCOPE_GLOBAL) < 0)
        goto fail;
    return NS_OK;
fail:
    if (g >= 0)
        H5Gclose(g);
    return ns_errorf(e, NS_EIO, "writing the output file failed (disk full, or out of memory?)");
}

void
ns_h5out_close(ns_h5out *h)
{
    if (!h)
        return;
    if (h->ts_time >= 0) H5Dclose(h->ts_time);
    if (h->ts_link >= 0) H5Dclose(h->ts_link);
    if (h->ts_queue >= 0) H5Dclose(h->ts_queue);
    if (h->file >= 0) H5Fclose(h->file);
    ns_free(h->buf_time);
    ns_free(h->buf_link);
    ns_free(h->buf_queue);
    ns_free(h->prev_tx);
    ns_free(h);
}

void
ns_h5out_lib_init(void)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);   /* errors become return codes, not printed stacks */
}
