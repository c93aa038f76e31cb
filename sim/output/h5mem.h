/*
 * h5mem.h - the memory the HDF5 writer (h5out.c) holds: a batch of table
 * chunks and their filtered copies, the HDF5 chunk caches, and the
 * time-series rows it buffers. One formula for
 * the writer and for the run's estimate (sim/estimate.c, sim/budget.c).
 */
#ifndef NS_H5MEM_H
#define NS_H5MEM_H

#include <stddef.h>
#include <stdint.h>

#define NS_H5OUT_BLOCK_ROWS 4096   /* table rows in a chunk, at most */

/* rows of /timeseries buffered before a write: 64, or fewer so that each
 * matrix's buffer stays within 4 MiB (one row for 512 Ki links or more) */
size_t ns_h5out_ts_rows(size_t nlinks);
/* the memory the writer holds for a fabric of nlinks links, with or
 * without a time series (the output term of the run's estimate) */
uint64_t ns_h5out_mem(size_t nlinks, int sampled);

#endif
