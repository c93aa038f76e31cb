/*
 * lib.c - process-wide library setup (see lib.h).
 */
#define _GNU_SOURCE   /* sched_getaffinity, CPU_COUNT */
#include <config.h>
#include "lib.h"

#include <sched.h>
#include <unistd.h>

void
ns_lib_init(void)
{
    ns_h5out_lib_init();
    ns_rng_lib_init();
    ns_routing_lib_init();
    ns_graph_lib_init();
}

void
ns_lib_close(void)
{
    ns_h5out_lib_close();
}

/* process-wide, as the signal that sets it */
static volatile sig_atomic_t *interrupt_flag;

void
ns_set_interrupt_flag(volatile sig_atomic_t *flag)
{
    interrupt_flag = flag;
}

int
ns_interrupted(void)
{
    return interrupt_flag && *interrupt_flag;
}

unsigned
ns_cores(void)
{
    cpu_set_t set;
    long n = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : (unsigned)n;
}
