/*
 * wl_results.c - the result kinds of the workload builders (see wl_results.h).
 */
#include <config.h>
#include "wl_results.h"

#include "diloco.h"
#include "moe.h"

/* the order of the tables in the output file and of the summary's numbers */
static const ns_result_kind *const kinds[] = {
    &ns_train_results,    /* /iterations, /workers; workers, bytes_exchanged, peak_bandwidth_bps */
    &ns_moe_results,      /* /moe_layers */
};

void
ns_wl_results_init(ns_workload *w)
{
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        ns_results_use(&w->results, kinds[i]);
}
