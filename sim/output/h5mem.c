/*
 * h5mem.c - what the HDF5 writer holds in memory (see h5mem.h): apart from
 * the writer, so that the estimate can use it without the writer's module
 * and its includes (sim/budget.c, sim/estimate.c).
 */
#include <config.h>
#include "h5mem.h"

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
    /* a block of table rows (NS_H5OUT_BLOCK_ROWS of at most 128 bytes), HDF5's chunk
     * caches (1 MiB a dataset, three open at once) and a chunk and its
     * deflated copy while one is written */
    uint64_t b = (uint64_t)NS_H5OUT_BLOCK_ROWS * 128 + ((uint64_t)5 << 20);
    if (sampled) {
        uint64_t rows = ns_h5out_ts_rows(nlinks);
        /* the two row buffers, the last sample's counters, the times */
        b += 8 * (2 * rows * (uint64_t)nlinks + nlinks + 1 + rows) + 16;
    }
    return b;
}

