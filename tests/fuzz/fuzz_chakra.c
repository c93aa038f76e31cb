/*
 * fuzz_chakra.c - fuzz target: the Chakra execution-trace reader
 * (workloads/chakra.c), as w:chakra{files=, replicate=true} uses it: the
 * input is one rank's trace, replicated over 2 ranks, read once strictly and
 * once with repair.
 *
 * Properties: a failure is a clean error code whose message names the
 * builder and the file (and, for a malformed record, a byte offset), and
 * leaves the workload as it was; a trace that reads becomes a task graph
 * without a cycle, whose compute ops and transfers name the two hosts, with
 * as many nodes as both ranks hold and start and done markers that are ops.
 */
#include <config.h>
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>
#include "sim/alloc.h"
#include "sim/taskgraph.h"
#include "workloads/chakra.h"
#include "workloads/collectives.h"

static void
one(const char *path, int repair)
{
    static const uint32_t hosts[2] = {1, 2};
    const char *files[1] = {path};
    ns_chakra_spec s;
    memset(&s, 0, sizeof s);
    s.files = files;
    s.nfiles = 1;
    s.hosts = hosts;
    s.ranks = 2;
    s.replicate = 1;
    s.algorithm = NS_ALG_RING;
    s.repair = repair;
    ns_workload *w = ns_wl_new(1);
    ns_fuzz_require(w != NULL, "a workload is made", NULL);
    ns_chakra_info out;
    ns_err e = {0};
    int rc = ns_wl_chakra(w, &s, &out, &e);
    if (rc) {
        ns_fuzz_require(rc == NS_EINVAL || rc == NS_ENOMEM, "a failed read gives an error code", e.msg);
        ns_fuzz_require(w->nops == 0 && w->ndeps == 0 && w->ncolls == 0,
                        "a failed read leaves the workload as it was", e.msg);
        if (rc == NS_EINVAL) {
            char p[4200];
            snprintf(p, sizeof p, "chakra: %s: byte ", path);
            ns_fuzz_require(strncmp(e.msg, p, strlen(p)) == 0,
                            "a message names the builder, the file and a byte offset", e.msg);
        }
    } else {
        for (size_t i = 0; i < w->nops; i++) {
            const ns_op *op = &w->ops[i];
            if (op->kind == NS_OP_TRANSFER)
                ns_fuzz_require(op->node >= 1 && op->node <= 2 && op->dst >= 1 && op->dst <= 2 &&
                                op->node != op->dst, "a transfer joins the two hosts", NULL);
            else if (op->kind == NS_OP_COMPUTE)
                ns_fuzz_require(op->node >= 1 && op->node <= 2 && op->duration_ps >= 0,
                                "a compute op is on a host, for a time >= 0", NULL);
            else if (op->kind == NS_OP_DELAY)
                ns_fuzz_require(op->duration_ps >= 0, "no delay is negative", NULL);
        }
        ns_fuzz_require(out.nodes % 2 == 0, "both ranks hold the same nodes", NULL);
        ns_fuzz_require(out.compute + out.memory + out.sends + out.recvs + out.colls + out.unknown_types <=
                        out.nodes, "no node is counted twice", NULL);
        ns_fuzz_require(out.sends == out.recvs || out.recvs < out.sends,
                        "every receive was matched to a send", NULL);
        ns_fuzz_require(repair || out.dropped_deps == 0, "only repair drops dependencies", NULL);
        ns_fuzz_require(out.start_op < w->nops && out.done_op < w->nops, "start and done are ops", NULL);
        uint32_t *order = malloc(w->nops * sizeof *order);
        if (order) {
            ns_fuzz_require(ns_wl_check(w, order, &e) == NS_OK, "the task graph has no cycle", e.msg);
            free(order);
        }
    }
    ns_wl_free(w);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ns_fuzz_init((size_t)256 << 20);
    const char *path = ns_fuzz_temp_file(data, size, ".et");
    if (!path)
        return 0;
    one(path, 0);
    one(path, 1);
    ns_fuzz_no_leak("chakra");
    return 0;
}
