/*
 * h5out.h - the HDF5 results file (schema in man/netsim-hdf5.5).
 *
 * ns_h5out_open() creates the file (the caller gives a temporary name and
 * renames it once the run completed); ns_h5out_sample() is the simulator's
 * sampler callback and appends one row to the time series, so memory stays
 * bounded whatever the run length; ns_h5out_finish() writes the tables and
 * attributes of a finished run. Only h5out.c includes HDF5.
 */
#ifndef NS_H5OUT_H
#define NS_H5OUT_H

#include <stddef.h>
#include <stdint.h>
#include "sim/error.h"

typedef struct ns_h5out ns_h5out;
typedef struct ns_sim ns_sim;
typedef struct ns_summary ns_summary;

#define NS_SCHEMA_VERSION 1

typedef struct ns_h5meta {
    const char         *source;        /* the scenario's Lua text */
    const char *const  *param_names;   /* every parameter the scenario asked for */
    const char *const  *param_values;  /* its effective value, as text */
    size_t              nparams;
    const char         *command_line;
    const char         *scenario_path;
} ns_h5meta;

int ns_h5out_open(ns_h5out **out, const char *path, size_t nlinks, ns_err *e);
/* the sampler: one row of /timeseries at sim->now */
void ns_h5out_sample(void *h5out, ns_sim *sim);
int ns_h5out_finish(ns_h5out *h, ns_sim *sim, const ns_summary *s, const ns_h5meta *m, ns_err *e);
/* close the file (finished or not); NULL is fine */
void ns_h5out_close(ns_h5out *h);

#endif
