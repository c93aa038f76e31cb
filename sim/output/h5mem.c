/*
 * h5mem.c - what the HDF5 writer holds in memory (see h5mem.h): apart from
 * the writer, so that the estimate can use it without the writer's module
 * and its includes (sim/budget.c, sim/estimate.c).
 */
#include <config.h>
#include "h5mem.h"
#include "zchunks.h"

#define TS_ROWS 64            /* time-series rows buffered before a write, at most */
#define TS_BUF_BYTES ((size_t)4 << 20)    /* ... and at most this much of each matrix, but one row */

size_t
ns_h5out_ts_rows(size_t nlinks)
{
    size_t r = TS_BUF_BYTES / (8 * (nlinks ? nlinks : 1));
    return r < 1 ? 1 : r > TS_ROWS ? TS_ROWS : r;
}

uint64_t
ns_h5out_mem(size_t nlinks, int sampled)
{
    /* two batches of table chunks (NS_H5OUT_BLOCK_ROWS rows of at most
     * 128 bytes each: one deflating while the other is written and filled),
     * their shuffled and their deflated copies (zlib's bound), and HDF5's
     * chunk caches (1 MiB a dataset, three open at once) */
    uint64_t chunk = (uint64_t)NS_H5OUT_BLOCK_ROWS * 128;
    uint64_t b = 2 * NS_ZCHUNKS_BATCH * (2 * chunk + ns_zchunks_bound((size_t)chunk)) + ((uint64_t)3 << 20);
    if (sampled) {
        uint64_t rows = ns_h5out_ts_rows(nlinks);
        /* the two row buffers, the last sample's counters, the times */
        b += 8 * (2 * rows * (uint64_t)nlinks + nlinks + 1 + rows) + 16;
    }
    return b;
}

