/*
 * fuzz_scenario.c - fuzz target: a scenario's Lua text through the netsim
 * module (the constructors, the workload builders, netsim.run).
 *
 * The input runs as a scenario named fuzz.lua in the sandbox of fuzz_lua.c
 * (base, string, table, math, utf8 and coroutine; 200,000 instructions,
 * 64 MB, runs of at most 5,000 events that write no file; netsim.graph{}
 * only on the GraphML files of the tests). Properties: a scenario ends
 * normally or with a Lua error (a string), never a crash, and leaves no
 * netsim block.
 */
#include <config.h>
#include "fuzz.h"

#include <stdlib.h>

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ns_fuzz_init(0);
    char *src = ns_fuzz_cstring(data, size, 0);
    if (!src)
        return 0;
    ns_fuzz_lua("scenario", src, NULL);
    free(src);
    return 0;
}
