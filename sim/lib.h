/*
 * lib.h - process-wide setup: tame the libraries that abort or print on
 * errors (igraph, GSL, HDF5), so that every failure becomes an error code.
 */
#ifndef NS_LIB_H
#define NS_LIB_H

void ns_lib_init(void);
/* at the end of main: end the libraries that need it (HDF5) */
void ns_lib_close(void);

/* one per library, each in the only file that includes that library */
void ns_h5out_lib_init(void);
void ns_h5out_lib_close(void);
void ns_rng_lib_init(void);
void ns_routing_lib_init(void);
void ns_graph_lib_init(void);   /* topologies/graph.c: igraph keeps GraphML attributes */

#endif
