/*
 * h5out.c - writing the HDF5 results file (see h5out.h).
 *
 * Tables are compound datasets of chunks of up to 4,096 rows (at most 1 MiB
 * a chunk), shuffled and deflated several at once on the machine's cores
 * (zchunks.h) and written whole. Every
 * hid_t starts invalid and one exit path closes what was opened.
 */
#include <config.h>
#include "h5out.h"
#include "h5mem.h"

#include <hdf5.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "sim/alloc.h"
#include "sim/lib.h"
#include "sim/sim.h"
#include "summary.h"
#include "zchunks.h"

#define BLOCK_ROWS NS_H5OUT_BLOCK_ROWS
#define TS_CHUNK_COLS ((size_t)1 << 17)   /* links in one chunk: 1 MiB a chunk row */
/* zlib's level for tables and time series: 1, its fastest, compresses the
 * tables about as well as 4 (a million-transfer run's file: 17.14 MB
 * against 17.16 MB) at a fraction of the time */
#define NS_H5_DEFLATE 1

/* files whose H5Fclose failed in this process (ns_h5out_lib_close): process-wide, as HDF5's state is */
static unsigned files_unclosed;

struct ns_h5out {
    hid_t     file;
    size_t    nlinks;
    /* time series */
    hid_t     ts_time, ts_link, ts_queue;
    hsize_t   ts_rows;          /* rows written */
    size_t    ts_buffered;
    ns_time   ts_last_ps;       /* time of the last row taken, -1 before the first */
    int64_t  *buf_time;
    size_t    ts_bufrows;       /* rows buffered before a write: ns_h5out_ts_rows() */
    uint64_t *buf_link, *buf_queue;   /* ts_bufrows x nlinks */
    uint64_t *prev_tx;          /* cumulative tx bytes at the last sample */
    int       ts_failed;
    int       io_errno;         /* errno of the first failed write, 0 if none was seen */
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

/* a table is described by its row type, row size and per-column units
 * (ns_result_col, as the result tables of sim/results.h are) */

static hid_t
native(int t)
{
    switch (t) {
    case NS_COL_U32: return H5T_NATIVE_UINT32;
    case NS_COL_I32: return H5T_NATIVE_INT32;
    case NS_COL_U64: return H5T_NATIVE_UINT64;
    case NS_COL_I64: return H5T_NATIVE_INT64;
    default: return H5T_NATIVE_DOUBLE;
    }
}

typedef void fill_fn(void *ctx, size_t first, size_t n, void *rows);

/* the dataset of table `name`: nrows rows of `type` (one dimension,
 * unlimited), chunks of `chunk` rows, shuffled by rows and deflated */
static hid_t
table_dataset(hid_t loc, const char *name, hid_t type, size_t nrows, size_t chunk)
{
    hsize_t dims[1] = { nrows }, maxdims[1] = { H5S_UNLIMITED }, cdims[1] = { chunk };
    hid_t space = H5Screate_simple(1, dims, maxdims), plist = H5Pcreate(H5P_DATASET_CREATE), ds = H5I_INVALID_HID;
    if (space >= 0 && plist >= 0 && H5Pset_chunk(plist, 1, cdims) >= 0 && H5Pset_shuffle(plist) >= 0 &&
        H5Pset_deflate(plist, NS_H5_DEFLATE) >= 0)
        ds = H5Dcreate2(loc, name, type, space, H5P_DEFAULT, plist, H5P_DEFAULT);
    if (plist >= 0)
        H5Pclose(plist);
    if (space >= 0)
        H5Sclose(space);
    return ds;
}

/* chunks [c0, c0 + batch) of a table (fewer at its end) filled into `in`
 * (chunk rows of rowsize bytes each) and made ready to deflate into z; how
 * many there are */
static size_t
fill_batch(ns_zchunk *z, size_t c0, size_t nchunks, size_t batch, size_t chunk, size_t nrows, size_t rowsize,
           unsigned char *in, unsigned char *tmp, unsigned char *out, size_t out_cap, fill_fn *fill, void *ctx)
{
    size_t in_len = chunk * rowsize, nz = nchunks - c0 < batch ? nchunks - c0 : batch;
    for (size_t k = 0; k < nz; k++) {
        size_t first = (c0 + k) * chunk, n = nrows - first < chunk ? nrows - first : chunk;
        unsigned char *rows = in + k * in_len;
        memset(rows, 0, in_len);   /* fills write what they set; rows past the end: HDF5's fill value, 0 */
        fill(ctx, first, n, rows);
        z[k] = (ns_zchunk){ rows, in_len, rowsize, tmp + k * in_len, out + k * out_cap, 0, 0 };
    }
    return nz;
}

/* write table `name` of nrows rows, produced by fill() a chunk at a time:
 * NS_ZCHUNKS_BATCH chunks at a time are filled, shuffled and deflated on
 * the machine's cores (zchunks.h) and written whole, in order, each batch
 * deflating while the next is filled and the one before written */
static int
write_table(hid_t loc, const char *name, const ns_result_col *cols, size_t ncols, size_t rowsize,
            size_t nrows, fill_fn *fill, void *ctx)
{
    hid_t type = H5Tcreate(H5T_COMPOUND, rowsize), ds = H5I_INVALID_HID;
    hid_t strs[16];
    size_t nstrs = 0;
    unsigned char *in = NULL, *tmp = NULL, *out = NULL;
    ns_zbatch zb;
    int running = 0;   /* zb holds a started batch */
    int rc = -1;
    if (type < 0)
        return -1;
    for (size_t i = 0; i < ncols; i++) {
        hid_t t;
        if (cols[i].type == NS_COL_STR) {
            if (nstrs == sizeof strs / sizeof strs[0])
                goto out;   /* more string columns than this writer takes */
            t = strs[nstrs++] = str_type(cols[i].len);
            if (t < 0)
                goto out;
        } else {
            t = native(cols[i].type);
        }
        if (H5Tinsert(type, cols[i].name, cols[i].offset, t) < 0)
            goto out;
    }
    size_t chunk = (1u << 20) / rowsize;
    if (chunk > BLOCK_ROWS)
        chunk = BLOCK_ROWS;
    if (nrows && chunk > nrows)
        chunk = nrows;
    if (chunk < 1)
        chunk = 1;
    ds = table_dataset(loc, name, type, nrows, chunk);
    if (ds < 0)
        goto out;
    size_t nchunks = (nrows + chunk - 1) / chunk, batch = nchunks < NS_ZCHUNKS_BATCH ? nchunks : NS_ZCHUNKS_BATCH;
    size_t nbatches = batch ? (nchunks + batch - 1) / batch : 0;
    size_t in_len = chunk * rowsize, out_cap = ns_zchunks_bound(in_len);
    unsigned threads = ns_zchunks_threads();
    /* two sets of buffers: batch k is filled in one while batch k - 1
     * deflates from the other (on the other threads, the caller joining in
     * last), then deflates while k - 1 is written */
    if (batch && (!(in = ns_alloc(2 * batch * in_len)) || !(tmp = ns_alloc(2 * batch * in_len)) ||
                  !(out = ns_alloc(2 * batch * out_cap))))
        goto out;
    ns_zchunk z[2][NS_ZCHUNKS_BATCH];
    size_t nz[2] = { 0, 0 };
    for (size_t k = 0; k <= nbatches; k++) {
        size_t set = k % 2, last = 1 - set;
        if (k < nbatches)
            nz[set] = fill_batch(z[set], k * batch, nchunks, batch, chunk, nrows, rowsize,
                                 in + set * batch * in_len, tmp + set * batch * in_len,
                                 out + set * batch * out_cap, out_cap, fill, ctx);
        if (k > 0) {
            running = 0;
            if (ns_zchunks_finish(&zb))
                goto out;
        }
        if (k < nbatches) {
            ns_zchunks_start(&zb, z[set], nz[set], NS_H5_DEFLATE, threads);
            running = 1;
        }
        for (size_t i = 0; k > 0 && i < nz[last]; i++) {
            hsize_t off[1] = { ((k - 1) * batch + i) * chunk };
            if (H5Dwrite_chunk(ds, H5P_DEFAULT, 0, off, z[last][i].out_len, z[last][i].out) < 0)
                goto out;
        }
    }
    /* units as attributes "unit:<column>" */
    rc = 0;
    for (size_t i = 0; i < ncols; i++) {
        if (cols[i].unit) {
            char an[64];
            snprintf(an, sizeof an, "unit:%s", cols[i].name);
            if (attr_str(ds, an, cols[i].unit))
                rc = -1;
        }
    }
out:
    if (running)   /* its threads work in the buffers */
        (void)ns_zchunks_finish(&zb);
    ns_free(in);
    ns_free(tmp);
    ns_free(out);
    if (ds >= 0) H5Dclose(ds);
    for (size_t i = 0; i < nstrs; i++)
        H5Tclose(strs[i]);
    H5Tclose(type);
    return rc;
}

#define COL(T, f, ty, u) NS_RESULT_COL(T, f, ty, u)
#define SCOL(T, f, u)    NS_RESULT_SCOL(T, f, u)
#define NCOLS(a) (sizeof(a) / sizeof((a)[0]))

/* --- /topology ----------------------------------------------------------- */

typedef struct node_row {
    uint32_t id;
    char     kind[8];
    char     name[NS_NAME_MAX];
    int32_t  dc, pod, leaf, tier;
    int32_t  server, rail;   /* 1-based, 0 when not applicable (fabric.h: servers) */
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
        rows[i].server = rows[i].rail = 0;
        uint32_t g = f->gpus_per_server, node = (uint32_t)(first + i);
        if (!g)
            continue;
        if (v->kind == NS_NODE_HOST) {
            rows[i].server = (int32_t)ns_fabric_server_of(f, node) + 1;
            rows[i].rail = (int32_t)ns_fabric_local_of(f, node) + 1;
        } else if (v->tier == NS_TIER_SCALEUP) {
            rows[i].server = (int32_t)(node - f->nvs0) + 1;
        } else if (v->tier == NS_TIER_LEAF && f->rails && v->leaf > 0) {
            rows[i].rail = (v->leaf - 1) % (int32_t)g + 1;   /* rail groups: G leaves in rail order */
        }
    }
}

/* --- /failures ----------------------------------------------------------- */

typedef struct failure_row {
    uint32_t link;                     /* the a->b link of the cable (0-based, as /topology/links.id) */
    char     name[NS_LINK_NAME_MAX];   /* "leaf1->spine2" */
    int64_t  at_ps, until_ps;          /* until -1: for good */
    uint64_t rate_bps;                 /* 0: down */
    int64_t  reroute_ps;
    uint64_t lost_packets;
} failure_row;

static void
fill_failures(void *ctx, size_t first, size_t n, void *rowsp)
{
    const ns_sim *sim = ctx;
    failure_row *rows = rowsp;
    for (size_t i = 0; i < n; i++) {
        const ns_failure *f = &sim->cfg.failures[first + i];
        rows[i].link = f->link;
        ns_fabric_link_name(sim->fab, f->link, rows[i].name, sizeof rows[i].name);
        rows[i].at_ps = f->at_ps;
        rows[i].until_ps = f->until_ps == NS_TIME_MAX ? -1 : f->until_ps;
        rows[i].rate_bps = f->rate_bps;
        rows[i].reroute_ps = f->rate_bps ? 0 : sim->cfg.reroute_ps;
        rows[i].lost_packets = sim->cfg.failure_lost ? sim->cfg.failure_lost[first + i] : 0;
    }
}

typedef struct link_row {
    uint32_t id, src, dst;
    uint64_t rate_bps;
    int64_t  latency_ps;
    uint64_t buffer_bytes;
    char     name[NS_LINK_NAME_MAX];   /* "leaf3->spine7" */
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
        ns_fabric_link_name(f, first + i, rows[i].name, sizeof rows[i].name);
    }
}

typedef struct port_row {
    uint32_t link;
    uint64_t tx_bytes, tx_packets, peak_queue_bytes, drops, trimmed, ecn_marks, pause_frames;
    int64_t  paused_ps;
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
        rows[i].trimmed = s.trimmed;
        rows[i].ecn_marks = s.ecn_marks;
        rows[i].pause_frames = s.pause_frames;
        rows[i].paused_ps = s.paused_ps;
    }
}

/* --- /transfers, /ops, /collectives ---------------------------------------- */

typedef struct xfer_row {
    uint32_t id, op, src, dst;
    uint64_t bytes;
    int64_t  start_ps, finish_ps;
    uint32_t subflows;
    uint64_t packets, retransmits, timeouts;
    int64_t  pause_ps;
    uint64_t ecn_marks;
    uint32_t job;
} xfer_row;

/* a transfer's packet counts under a model that keeps none (the flow model) */
static const ns_xfer_pkt no_pkt_counts;

static void
fill_xfers(void *ctx, size_t first, size_t n, void *rowsp)
{
    ns_sim *sim = ctx;
    xfer_row *rows = rowsp;
    for (size_t i = 0; i < n; i++) {
        const ns_xfer *x = &sim->xfers[first + i];
        rows[i].id = (uint32_t)(first + i);
        rows[i].op = x->op;
        rows[i].src = ns_sim_xfer_src(sim, x);
        rows[i].dst = ns_sim_xfer_dst(sim, x);
        rows[i].bytes = ns_sim_xfer_bytes(sim, x);
        rows[i].start_ps = ns_sim_xfer_start(sim, (uint32_t)(first + i));
        rows[i].finish_ps = ns_sim_xfer_finish(sim, (uint32_t)(first + i));
        rows[i].subflows = x->subflows;
        rows[i].packets = ns_sim_xfer_packets(sim, (uint32_t)(first + i));
        const ns_xfer_pkt *xp = sim->xfer_pkt ? &sim->xfer_pkt[first + i] : &no_pkt_counts;
        rows[i].retransmits = xp->retransmits;
        rows[i].timeouts = xp->timeouts;
        rows[i].pause_ps = rows[i].finish_ps >= 0 ? xp->pause_ps : 0;
        rows[i].ecn_marks = xp->ecn_marks;
        rows[i].job = sim->wl->ops[x->op].job;
    }
}

typedef struct op_row {
    uint32_t id;
    char     kind[12];
    uint32_t node;
    int64_t  start_ps, finish_ps;
    int32_t  parent;
    char     label[NS_LABEL_MAX];
    uint32_t job;
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
        rows[i].parent = ns_wl_op_parent(sim->wl, (uint32_t)k);
        /* cut to the column as snprintf would (the row is zeroed); snprintf
         * cost 900 instructions an op, a tenth of writing /ops */
        const char *lab = ns_wl_label(sim->wl, o->label);
        memcpy(rows[i].label, lab, strnlen(lab, sizeof rows[i].label - 1));
        rows[i].job = o->job;
    }
}

typedef struct coll_row {
    uint32_t id;
    char     kind[16];
    char     algorithm[24];
    uint32_t ranks;
    uint64_t bytes;
    int64_t  start_ps, finish_ps, lower_bound_ps;
    uint32_t job;
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
        ns_time start, finish, bound;
        ns_sim_coll_span(sim, c, &start, &finish, &bound);
        rows[i].start_ps = start;
        rows[i].finish_ps = finish;
        rows[i].lower_bound_ps = bound;
        rows[i].job = wl->ops[c->last_op].job;
    }
}

/* --- /jobs: one row per job ------------------------------------------------ */

typedef struct job_row {
    uint32_t job;
    char     name[NS_JOB_NAME_MAX];
    uint32_t hosts;
    int64_t  start_ps, finish_ps, makespan_ps, alone_ps;
    double   slowdown;
    uint64_t ops, ops_done, transfers, transfers_done, bytes;
    int64_t  fct_p50_ps, fct_p99_ps;
} job_row;

static void
fill_jobs(void *ctx, size_t first, size_t n, void *rowsp)
{
    const ns_job_summary *js = ctx;
    job_row *rows = rowsp;
    for (size_t i = 0; i < n; i++) {
        const ns_job_summary *j = &js[first + i];
        job_row *r = &rows[i];
        r->job = (uint32_t)(first + i);
        memcpy(r->name, j->name, sizeof r->name);
        r->hosts = j->hosts;
        r->start_ps = j->start_ps;
        r->finish_ps = j->finish_ps;
        r->makespan_ps = j->makespan_ps;
        r->alone_ps = j->alone_ps;
        r->slowdown = j->slowdown;
        r->ops = j->ops;
        r->ops_done = j->ops_done;
        r->transfers = j->transfers;
        r->transfers_done = j->transfers_done;
        r->bytes = j->bytes;
        r->fct_p50_ps = j->fct_p50_ps;
        r->fct_p99_ps = j->fct_p99_ps;
    }
}

/* /jobs of a run of several workloads (none otherwise): 0, or -1 when out of memory */
static int
write_jobs(hid_t root, const ns_sim *sim, int *bad)
{
    static const ns_result_col cols[] = {
        COL(job_row, job, NS_COL_U32, NULL), SCOL(job_row, name, NULL), COL(job_row, hosts, NS_COL_U32, NULL),
        COL(job_row, start_ps, NS_COL_I64, "ps"), COL(job_row, finish_ps, NS_COL_I64, "ps"),
        COL(job_row, makespan_ps, NS_COL_I64, "ps"), COL(job_row, alone_ps, NS_COL_I64, "ps"),
        COL(job_row, slowdown, NS_COL_F64, NULL), COL(job_row, ops, NS_COL_U64, NULL),
        COL(job_row, ops_done, NS_COL_U64, NULL), COL(job_row, transfers, NS_COL_U64, NULL),
        COL(job_row, transfers_done, NS_COL_U64, NULL), COL(job_row, bytes, NS_COL_U64, "B"),
        COL(job_row, fct_p50_ps, NS_COL_I64, "ps"), COL(job_row, fct_p99_ps, NS_COL_I64, "ps"),
    };
    size_t nj = sim->wl->njobs;
    if (!nj)
        return 0;
    ns_job_summary *js = ns_alloc(nj * sizeof *js);
    if (!js || ns_summary_jobs(sim, js)) {
        ns_free(js);
        return -1;
    }
    *bad |= write_table(root, "jobs", cols, NCOLS(cols), sizeof(job_row), nj, fill_jobs, js);
    ns_free(js);
    return 0;
}

/* --- the workload's result tables (sim/results.h), job by job ---------------- */

/*
 * A job's result records index its own ops from 0 (jobs.h): each job's
 * tables are filled from its own workload, with the run's op times from its
 * first op on, and the rows of all jobs go into one table with a last
 * column `job`. A run of one workload is one job.
 */
typedef struct job_view {
    const ns_workload *src;
    uint32_t           first_op;
    uint32_t           job;
} job_view;

/* the jobs of sim's workload as views (ns_free them); NULL when out of memory */
static job_view *
job_views(const ns_sim *sim, size_t *n)
{
    const ns_workload *wl = sim->wl;
    *n = wl->njobs ? wl->njobs : 1;
    job_view *v = ns_calloc(*n, sizeof *v);
    if (!v)
        return NULL;
    if (!wl->njobs)
        v[0].src = wl;
    for (size_t j = 0; j < wl->njobs; j++)
        v[j] = (job_view){ wl->jobs[j].src, wl->jobs[j].first_op, (uint32_t)j };
    return v;
}

typedef struct result_fill {
    const ns_result_table *table;
    ns_result_run         *runs;     /* per view: open, or .set NULL when the job lacks the kind */
    const job_view        *views;
    size_t                 nviews;
    size_t                 wide;     /* bytes of a written row: the table's row and its job */
    void                  *tmp;      /* rows of the table's own size */
} result_fill;

static void
fill_result(void *ctx, size_t first, size_t n, void *rowsp)
{
    const result_fill *f = ctx;
    char *rows = rowsp;
    size_t base = 0, done = 0;
    for (size_t j = 0; j < f->nviews && done < n; j++) {
        if (!f->runs[j].set)
            continue;
        size_t rows_j = f->table->nrows(&f->runs[j]);
        size_t lo = first + done;
        if (lo < base + rows_j) {
            size_t k = lo - base, m = rows_j - k < n - done ? rows_j - k : n - done;
            memset(f->tmp, 0, m * f->table->row_size);
            f->table->fill(&f->runs[j], k, m, f->tmp);
            for (size_t r = 0; r < m; r++) {
                char *row = rows + (done + r) * f->wide;
                uint32_t job = f->views[j].job;
                memcpy(row, (char *)f->tmp + r * f->table->row_size, f->table->row_size);
                memcpy(row + f->wide - 8, &job, sizeof job);
            }
            done += m;
        }
        base += rows_j;
    }
}

/* one table of a result kind over the jobs that have it */
static int
write_result_table(hid_t root, const ns_result_table *tb, result_fill *f)
{
    ns_result_col cols[32];
    if (tb->ncols + 1 > sizeof cols / sizeof cols[0])
        return -1;
    memcpy(cols, tb->cols, tb->ncols * sizeof *cols);
    f->wide = (tb->row_size + 8 + 7) / 8 * 8;
    cols[tb->ncols] = (ns_result_col){ "job", f->wide - 8, NS_COL_U32, 0, NULL };
    size_t nrows = 0;
    for (size_t j = 0; j < f->nviews; j++)
        if (f->runs[j].set)
            nrows += tb->nrows(&f->runs[j]);
    f->table = tb;
    f->tmp = ns_alloc(BLOCK_ROWS * tb->row_size);
    if (!f->tmp)
        return -1;
    int rc = write_table(root, tb->name, cols, tb->ncols + 1, f->wide, nrows, fill_result, f);
    ns_free(f->tmp);
    f->tmp = NULL;
    return rc;
}

/* the kinds in use by any job, in the order of first use */
static size_t
result_kinds(const job_view *v, size_t nv, const ns_result_kind **kinds)
{
    size_t nk = 0;
    for (size_t j = 0; j < nv; j++)
        for (size_t i = 0; i < v[j].src->results.n; i++) {
            const ns_result_kind *k = v[j].src->results.set[i].kind;
            size_t x = 0;
            while (x < nk && kinds[x] != k)
                x++;
            if (x == nk && nk < NS_RESULT_KINDS_MAX)
                kinds[nk++] = k;
        }
    return nk;
}

/* every table of every result kind of the jobs, at the root: 0, or -1 when
 * out of memory; a table that could not be written sets *bad */
static int
write_results(hid_t root, const ns_sim *sim, int *bad)
{
    size_t nv;
    job_view *v = job_views(sim, &nv);
    ns_result_run *runs = ns_calloc(nv ? nv : 1, sizeof *runs);
    const ns_result_kind *kinds[NS_RESULT_KINDS_MAX];
    int rc = -1;
    if (!v || !runs)
        goto out;
    size_t nk = result_kinds(v, nv, kinds);
    for (size_t k = 0; k < nk; k++) {
        int failed = 0;
        for (size_t j = 0; j < nv; j++) {
            const ns_result_set *set = ns_results_cfind(&v[j].src->results, kinds[k]);
            memset(&runs[j], 0, sizeof runs[j]);
            if (set && ns_result_run_open(&runs[j], v[j].src, set, sim->op_start + v[j].first_op,
                                          sim->op_finish + v[j].first_op)) {
                runs[j].set = NULL;
                failed = 1;
            }
        }
        result_fill f = { NULL, runs, v, nv, 0, NULL };
        for (size_t t = 0; !failed && t < kinds[k]->ntables; t++)
            *bad |= write_result_table(root, &kinds[k]->tables[t], &f);
        for (size_t j = 0; j < nv; j++)
            if (runs[j].set)
                ns_result_run_close(&runs[j]);
        if (failed)
            goto out;
    }
    rc = 0;
out:
    ns_free(runs);
    ns_free(v);
    return rc;
}

/* --- time series ---------------------------------------------------------- */

static hid_t
ts_dataset(hid_t grp, const char *name, size_t ncols, hsize_t chunk_rows, const char *unit)
{
    hsize_t dims[2] = {0, ncols}, maxdims[2] = {H5S_UNLIMITED, ncols}, chunk[2] = {chunk_rows, ncols < 1 ? 1 : ncols > TS_CHUNK_COLS ? TS_CHUNK_COLS : ncols};
    int rank = ncols ? 2 : 1;
    hid_t sp = H5Screate_simple(rank, dims, maxdims), pl = H5Pcreate(H5P_DATASET_CREATE), ds = H5I_INVALID_HID;
    if (sp >= 0 && pl >= 0 && H5Pset_chunk(pl, rank, chunk) >= 0 && H5Pset_shuffle(pl) >= 0 &&
        H5Pset_deflate(pl, NS_H5_DEFLATE) >= 0)
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
        h->io_errno = errno;
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
        h->ts_bufrows = ns_h5out_ts_rows(h->nlinks);
        h->buf_time = ns_alloc(h->ts_bufrows * sizeof *h->buf_time);
        h->buf_link = ns_alloc(h->ts_bufrows * h->nlinks * sizeof *h->buf_link + 8);
        h->buf_queue = ns_alloc(h->ts_bufrows * h->nlinks * sizeof *h->buf_queue + 8);
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
    if (++h->ts_buffered == h->ts_bufrows)
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
    static const ns_result_col node_cols[] = {
        COL(node_row, id, NS_COL_U32, NULL), SCOL(node_row, kind, NULL), SCOL(node_row, name, NULL),
        COL(node_row, dc, NS_COL_I32, NULL), COL(node_row, pod, NS_COL_I32, NULL),
        COL(node_row, leaf, NS_COL_I32, NULL), COL(node_row, tier, NS_COL_I32, NULL),
        COL(node_row, server, NS_COL_I32, NULL), COL(node_row, rail, NS_COL_I32, NULL),
    };
    static const ns_result_col link_cols[] = {
        COL(link_row, id, NS_COL_U32, NULL), COL(link_row, src, NS_COL_U32, NULL),
        COL(link_row, dst, NS_COL_U32, NULL), COL(link_row, rate_bps, NS_COL_U64, "bit/s"),
        COL(link_row, latency_ps, NS_COL_I64, "ps"), COL(link_row, buffer_bytes, NS_COL_U64, "B"),
        SCOL(link_row, name, NULL),
    };
    static const ns_result_col port_cols[] = {
        COL(port_row, link, NS_COL_U32, NULL), COL(port_row, tx_bytes, NS_COL_U64, "B"),
        COL(port_row, tx_packets, NS_COL_U64, NULL),
        COL(port_row, peak_queue_bytes, NS_COL_U64, "B"), COL(port_row, drops, NS_COL_U64, NULL),
        COL(port_row, trimmed, NS_COL_U64, NULL),
        COL(port_row, ecn_marks, NS_COL_U64, NULL), COL(port_row, pause_frames, NS_COL_U64, NULL),
        COL(port_row, paused_ps, NS_COL_I64, "ps"),
    };
    static const ns_result_col xfer_cols[] = {
        COL(xfer_row, id, NS_COL_U32, NULL), COL(xfer_row, op, NS_COL_U32, NULL),
        COL(xfer_row, src, NS_COL_U32, NULL), COL(xfer_row, dst, NS_COL_U32, NULL),
        COL(xfer_row, bytes, NS_COL_U64, "B"), COL(xfer_row, start_ps, NS_COL_I64, "ps"),
        COL(xfer_row, finish_ps, NS_COL_I64, "ps"), COL(xfer_row, subflows, NS_COL_U32, NULL),
        COL(xfer_row, packets, NS_COL_U64, NULL), COL(xfer_row, retransmits, NS_COL_U64, NULL),
        COL(xfer_row, timeouts, NS_COL_U64, NULL), COL(xfer_row, pause_ps, NS_COL_I64, "ps"),
        COL(xfer_row, ecn_marks, NS_COL_U64, NULL), COL(xfer_row, job, NS_COL_U32, NULL),
    };
    static const ns_result_col op_cols[] = {
        COL(op_row, id, NS_COL_U32, NULL), SCOL(op_row, kind, NULL), COL(op_row, node, NS_COL_U32, NULL),
        COL(op_row, start_ps, NS_COL_I64, "ps"), COL(op_row, finish_ps, NS_COL_I64, "ps"),
        COL(op_row, parent, NS_COL_I32, NULL), SCOL(op_row, label, NULL), COL(op_row, job, NS_COL_U32, NULL),
    };
    static const ns_result_col coll_cols[] = {
        COL(coll_row, id, NS_COL_U32, NULL), SCOL(coll_row, kind, NULL), SCOL(coll_row, algorithm, NULL),
        COL(coll_row, ranks, NS_COL_U32, NULL), COL(coll_row, bytes, NS_COL_U64, "B"),
        COL(coll_row, start_ps, NS_COL_I64, "ps"), COL(coll_row, finish_ps, NS_COL_I64, "ps"),
        COL(coll_row, lower_bound_ps, NS_COL_I64, "ps"), COL(coll_row, job, NS_COL_U32, NULL),
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
    bad |= attr_str(root, "connections", ns_connections_names[c->connections]);
    bad |= attr_i64(root, "subflows", c->subflows);
    bad |= attr_i64(root, "flow_quantum_ps", c->model == NS_MODEL_FLOW ? c->flow_quantum_ps : 0);
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
    if (sim->cfg.nfailures) {
        static const ns_result_col failure_cols[] = {
            COL(failure_row, link, NS_COL_U32, NULL), SCOL(failure_row, name, NULL),
            COL(failure_row, at_ps, NS_COL_I64, "ps"), COL(failure_row, until_ps, NS_COL_I64, "ps"),
            COL(failure_row, rate_bps, NS_COL_U64, "bit/s"), COL(failure_row, reroute_ps, NS_COL_I64, "ps"),
            COL(failure_row, lost_packets, NS_COL_U64, NULL),
        };
        bad |= write_table(root, "failures", failure_cols, NCOLS(failure_cols), sizeof(failure_row),
                           sim->cfg.nfailures, fill_failures, sim);
    }
    if (write_results(root, sim, &bad) || write_jobs(root, sim, &bad))
        goto fail;
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
    if (!h->io_errno)
        h->io_errno = errno;
    if (h->io_errno)
        return ns_errorf(e, NS_EIO, "writing the output file failed: %s", strerror(h->io_errno));
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
    if (h->file >= 0 && H5Fclose(h->file) < 0)
        files_unclosed++;
    ns_free(h->buf_time);
    ns_free(h->buf_link);
    ns_free(h->buf_queue);
    ns_free(h->prev_tx);
    ns_free(h);
}

void
ns_h5out_lib_init(void)
{
    /* first of all HDF5 calls: no atexit() handler, ns_h5out_lib_close() ends the library instead */
    H5dont_atexit();
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);   /* errors become return codes, not printed stacks */
}

int
ns_h5out_left_open(void)
{
    return files_unclosed > 0;
}

void
ns_h5out_lib_close(void)
{
    /* HDF5 1.10 keeps a file whose close failed (a full disk) half-open and
     * crashes when it ends the library; the process is ending anyway, so the
     * library is then left as it is */
    if (files_unclosed == 0)
        H5close();
}
