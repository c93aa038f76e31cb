/*
 * lib.h - process-wide setup: tame the libraries that abort or print on
 * errors (igraph, GSL, HDF5), so that every failure becomes an error code.
 */
#ifndef NS_LIB_H
#define NS_LIB_H

void ns_lib_init(void);
/* at the end of main: end the libraries that need it (HDF5) */
void ns_lib_close(void);

/* an interrupt (a signal) asks the builders to stop: main() names the flag
 * its signal handler sets; ns_interrupted() reads it (0 when none was named).
 * Builders check it every few thousand items and give up with NS_EINTR. */
#include <signal.h>
void ns_set_interrupt_flag(volatile sig_atomic_t *flag);
int ns_interrupted(void);

/* the cores this process may run on (its CPU affinity: taskset, a
 * container's CPU set), else those online; at least 1 */
unsigned ns_cores(void);

/* one per library, each in the only file that includes that library */
void ns_h5out_lib_init(void);
void ns_h5out_lib_close(void);
/* 1 if a file's close failed in this process (a full disk): HDF5 is then
 * left half-open, holding its memory to the end */
int  ns_h5out_left_open(void);
void ns_rng_lib_init(void);
void ns_routing_lib_init(void);
void ns_graph_lib_init(void);   /* topologies/graph.c: igraph keeps GraphML attributes */

#endif
