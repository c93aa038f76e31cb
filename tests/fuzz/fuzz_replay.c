/*
 * fuzz_replay.c - fuzz target: the replay CSV reader (workloads/replay.c),
 * as w:replay{file=} uses it, and the task graph it builds.
 *
 * Properties: a failure is a clean error code whose message names the
 * builder, the file and (for a bad line) its line number, and leaves the
 * workload as it was; a trace that reads becomes a task graph without a
 * cycle in which every transfer joins two hosts >= 1, the transfers' bytes
 * add up to what the reader reports, and no delay is negative.
 */
#include <config.h>
#include "fuzz.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "sim/alloc.h"
#include "sim/taskgraph.h"
#include "workloads/traffic.h"

#define WHERE "fuzz.csv"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ns_fuzz_init((size_t)256 << 20);
    char *text = ns_fuzz_cstring(data, size, 0);
    if (!text)
        return 0;
    ns_workload *w = ns_wl_new(1);
    ns_fuzz_require(w != NULL, "a workload is made", NULL);
    ns_traffic_ops out;
    ns_err e = {0};
    int rc = ns_wl_replay(w, text, WHERE, NULL, &out, &e);
    if (rc) {
        ns_fuzz_require(rc == NS_EINVAL || rc == NS_ENOMEM, "a failed read gives an error code", e.msg);
        ns_fuzz_require(w->nops == 0 && w->ndeps == 0, "a failed read leaves the workload as it was", e.msg);
        if (rc == NS_EINVAL) {
            const char *p = "replay: " WHERE ":";
            ns_fuzz_require(strncmp(e.msg, p, strlen(p)) == 0, "a message names the builder and the file", e.msg);
            const char *q = e.msg + strlen(p);
            ns_fuzz_require(isdigit((unsigned char)*q) || strncmp(q, " no flows", 9) == 0,
                            "a message gives the line number (or says there are no flows)", e.msg);
        }
    } else {
        size_t transfers = 0;
        uint64_t bytes = 0;
        for (size_t i = 0; i < w->nops; i++) {
            const ns_op *op = &w->ops[i];
            if (op->kind == NS_OP_TRANSFER) {
                ns_fuzz_require(op->node >= 1 && op->dst >= 1, "a transfer joins hosts >= 1", NULL);
                transfers++;
                bytes += op->bytes;
            } else if (op->kind == NS_OP_DELAY) {
                ns_fuzz_require(op->duration_ps >= 0, "no delay is negative", NULL);
            }
        }
        ns_fuzz_require(transfers == out.flows && transfers > 0, "one transfer per flow read", NULL);
        ns_fuzz_require(bytes == out.bytes, "the transfers' bytes add up to the total read", NULL);
        ns_fuzz_require(out.start_op < w->nops && out.done_op < w->nops, "start and done are ops", NULL);
        uint32_t *order = malloc(w->nops * sizeof *order);
        if (order) {
            ns_fuzz_require(ns_wl_check(w, order, &e) == NS_OK, "the task graph has no cycle", e.msg);
            free(order);
        }
    }
    ns_wl_free(w);
    free(text);
    ns_fuzz_no_leak("replay");
    return 0;
}
