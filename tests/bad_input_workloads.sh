#!/bin/sh
# bad_input_workloads.sh - bad input to the collective and training-schedule
# builders: a message naming file:line, the builder, the field and the value;
# exit status 2; no output file.
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
plan 105

STAR='local fab = netsim.star{ hosts = 8, rate = "100Gbps", latency = "1us" }
local w = netsim.workload()'
RUN='netsim.run{ fabric = fab, workload = w }'

expect_bad "$STAR
w:allreduce{ hosts = { 1, 2, 3, 2 }, bytes = '1MB' }
$RUN" "bad.lua:3: allreduce: field 'hosts': host 2 appears more than once" 'allreduce: duplicate hosts'
expect_bad "$STAR
w:allreduce{ hosts = fab:hosts(), bytes = '1MB', algorithm = 'tree' }
$RUN" "bad.lua:3: allreduce: field 'algorithm' must be one of \"ring\", \"halving_doubling\", \"direct\", \"hierarchical\" (got \"tree\")" \
    'allreduce: unknown algorithm'
expect_bad "$STAR
w:reducescatter{ hosts = fab:hosts(), bytes = '1MB', chunks = 0 }
$RUN" "bad.lua:3: reducescatter: field 'chunks' must be >= 1 (got 0)" 'reducescatter: chunks = 0'
expect_bad "$STAR
w:allgather{ hosts = fab:hosts(), bytes = '1MB', algoritm = 'ring' }
$RUN" "bad.lua:3: allgather: unknown field 'algoritm'" 'allgather: unknown field'
expect_bad "$STAR
w:allreduce{ hosts = { 1, 2, 9 }, bytes = '1MB' }
$RUN" 'bad.lua:3: allreduce: host 9 is not a host of the fabric (hosts are 1..8)' 'allreduce: a host outside the fabric'
expect_bad "$STAR
w:allreduce{ hosts = { 12 }, bytes = '1MB' }
$RUN" 'bad.lua:3: allreduce: host 12 is not a host of the fabric' 'allreduce: a single host outside the fabric'
expect_bad "$STAR
w:alltoall{ hosts = { 1, 2, 3 }, matrix = { { 0, 1, 2 }, { 1, 0, 2 } } }
$RUN" "bad.lua:3: alltoall: field 'matrix' must have 3 rows, one per host (got 2)" 'alltoall: a matrix with too few rows'
expect_bad "$STAR
w:alltoall{ hosts = { 1, 2, 3 }, matrix = { { 0, 1, 2 }, { 1, 0 }, { 1, 2, 0 } } }
$RUN" "bad.lua:3: alltoall: field 'matrix': row 2 must have 3 entries, one per host (got 2)" 'alltoall: a short row'
expect_bad "$STAR
w:alltoall{ hosts = { 1, 2 }, matrix = { { 0, '1XB' }, { 1, 0 } } }
$RUN" "bad.lua:3: alltoall: field 'matrix': entry \\[1\\]\\[2\\]: bad size \"1XB\": unknown unit" 'alltoall: an entry with a bad unit'
expect_bad "$STAR
w:alltoall{ hosts = { 1, 2 }, bytes = 10, matrix = { { 0, 1 }, { 1, 0 } } }
$RUN" "bad.lua:3: alltoall: give either 'bytes' or 'matrix', not both" 'alltoall: bytes and matrix'
expect_bad "$STAR
w:alltoall{ hosts = { 1, 2 } }
$RUN" "bad.lua:3: alltoall: field 'bytes' (per pair) or 'matrix' is required" 'alltoall: neither bytes nor matrix'
expect_bad "$STAR
w:alltoall{ hosts = { 1, 2 }, bytes = 10, algorithm = 'ring' }
$RUN" "bad.lua:3: alltoall: field 'algorithm' must be one of \"direct\", \"pairwise\", \"hierarchical\" (got \"ring\")" \
    'alltoall: an algorithm it does not have'
expect_bad "$STAR
w:permutation{ hosts = { 3 }, bytes = 10 }
$RUN" "bad.lua:3: permutation: field 'hosts' must list at least 2 hosts (got 1)" 'permutation: one host'
expect_bad "$STAR
w:permutation{ hosts = { 3, 4, 3 }, bytes = 10 }
$RUN" "bad.lua:3: permutation: field 'hosts': host 3 appears more than once" 'permutation: duplicate hosts'
expect_bad "$STAR
w:allreduce{ hosts = fab:hosts(), bytes = 10, label = string.rep('y', 32) }
$RUN" "bad.lua:3: allreduce: label 'y*' is too long" 'allreduce: a label that is too long'
expect_bad "$STAR
w:allreduce{ hosts = {}, bytes = 10 }
$RUN" "bad.lua:3: allreduce: field 'hosts' is an empty list" 'allreduce: no hosts'
expect_bad "$STAR
w:allreduce{ hosts = fab:hosts() }
$RUN" "bad.lua:3: allreduce: field 'bytes' is required" 'allreduce: no bytes'
PAIR='local fab = netsim.pair{ rate = "10Gbps", latency = "1ms" }
local w = netsim.workload()'
D='params = 1000, step_time = "1ms"'
expect_bad "$PAIR
w:diloco{ workers = { { 1 }, { 2, 1 } }, $D, inner_steps = 2, outer_steps = 1 }
$RUN" "bad.lua:3: diloco: field 'workers': every worker must have the same number of hosts" 'diloco: workers of different sizes'
expect_bad "$PAIR
w:diloco{ workers = { { 1, 2 }, { 2, 3 } }, $D, inner_steps = 2, outer_steps = 1 }
$RUN" "bad.lua:3: diloco: field 'workers': host 2 appears more than once" 'diloco: a host in two workers'
expect_bad "$PAIR
w:diloco{ workers = { 1, 2 }, $D, inner_steps = 2, outer_steps = 1 }
$RUN" "bad.lua:3: diloco: field 'workers': worker 1 must be a list of host ids (got number)" 'diloco: workers not lists'
expect_bad "$PAIR
w:diloco{ workers = { { 1 }, { 2 } }, $D, mode = 'streaming', layers = 4, fragments = 5, inner_steps = 8, outer_steps = 1 }
$RUN" "bad.lua:3: diloco: field 'fragments' (5) must not exceed 'layers' (4)" 'diloco: fragments > layers'
expect_bad "$PAIR
w:diloco{ workers = { { 1 }, { 2 } }, $D, mode = 'streaming', overlap = -1, inner_steps = 8, outer_steps = 1 }
$RUN" "bad.lua:3: diloco: field 'overlap' must be >= 0 (got -1)" 'diloco: overlap < 0'
expect_bad "$PAIR
w:diloco{ workers = { { 1 }, { 2 } }, $D, mode = 'streaming', overlap = 8, inner_steps = 8, outer_steps = 1 }
$RUN" "bad.lua:3: diloco: field 'overlap' (8) must be smaller than 'inner_steps' (8)" 'diloco: overlap >= inner_steps'
expect_bad "$PAIR
w:diloco{ workers = { { 1 }, { 2 } }, $D, mode = 'diloco', layer_syncs = true, inner_steps = 8, outer_steps = 1 }
$RUN" "bad.lua:3: diloco: layer_syncs = true needs granularity = \"layer\" (syncs by layer need steps by layer)" 'diloco: layer_syncs by step'
expect_bad "$PAIR
w:diloco{ workers = { { 1 }, { 2 } }, $D, mode = 'dp', granularity = 'layer', buckets = 4, steps = 2 }
$RUN" "bad.lua:3: diloco: field 'buckets' is for granularity = \"step\": by layer, dp syncs all its gradients after the backward, or every layer on its own with layer_syncs = true" 'diloco: dp buckets by layer'
expect_bad "$PAIR
w:diloco{ workers = { { 1 }, { 2 } }, $D, mode = 'local', inner_steps = 8, outer_steps = 1 }
$RUN" "bad.lua:3: diloco: field 'mode' must be one of \"dp\", \"diloco\", \"streaming\" (got \"local\")" 'diloco: unknown mode'
expect_bad "$PAIR
w:diloco{ workers = { { 1 }, { 2 } }, $D, outer_steps = 1 }
$RUN" "bad.lua:3: diloco: field 'inner_steps' is required with mode = \"diloco\"" 'diloco: no inner_steps'
expect_bad "$PAIR
w:diloco{ workers = { { 1 }, { 2 } }, $D, inner_steps = 4, steps = 10 }
$RUN" "bad.lua:3: diloco: field 'steps' (10) must be a multiple of 'inner_steps' (4)" 'diloco: steps not a multiple of H'
expect_bad "$PAIR
w:diloco{ workers = { { 1 }, { 2 } }, $D, inner_steps = 4, steps = 8, outer_steps = 2 }
$RUN" "bad.lua:3: diloco: give either 'outer_steps' or 'steps', not both" 'diloco: steps and outer_steps'
expect_bad "$PAIR
w:diloco{ workers = { { 1 }, { 2 } }, params = 1000, step_time = { '1ms' }, inner_steps = 4, steps = 8 }
$RUN" "bad.lua:3: diloco: field 'step_time' must list one time per worker (2), got 1" 'diloco: step_time list too short'
expect_bad "$PAIR
w:diloco{ workers = { { 1 }, { 2 } }, $D, inner_steps = 4, steps = 8, straggler = { dist = 'pareto' } }
$RUN" "bad.lua:3: diloco: straggler: field 'dist' must be one of \"lognormal\", \"gamma\" (got \"pareto\")" \
    'diloco: unknown straggler distribution'
expect_bad "$PAIR
w:diloco{ workers = { { 1 }, { 2 } }, $D, inner_steps = 4, steps = 8, straggler = { dist = 'lognormal', sd = 1 } }
$RUN" "bad.lua:3: diloco: straggler: unknown field 'sd'" 'diloco: unknown straggler field'
expect_bad "$PAIR
w:diloco{ workers = { { 1 }, { 2 } }, $D, inner_steps = 4, steps = 8, quant_bits = 0 }
$RUN" "bad.lua:3: diloco: field 'quant_bits' must be >= 1 (got 0)" 'diloco: quant_bits = 0'
expect_bad "$PAIR
w:diloco{ workers = { { 1 }, { 2 } }, $D, inner_steps = 4, steps = 8, fragment = 2 }
$RUN" "bad.lua:3: diloco: unknown field 'fragment'" 'diloco: unknown field'
expect_bad "$PAIR
w:diloco{ workers = { { 1 }, { 3 } }, $D, inner_steps = 4, steps = 8 }
$RUN" "bad.lua:3: allreduce 'diloco_sync': host 3 is not a host of the fabric (hosts are 1..2)" 'diloco: a worker host outside the fabric'
finish
