#!/bin/sh
# bad_input_workloads.sh - bad input to the collective and training-schedule
# builders: a message naming file:line, the builder, the field and the value;
# exit status 2; no output file.
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
plan 51

# expect_bad SCENARIO-TEXT PATTERN DESCRIPTION
expect_bad() {
    printf '%s\n' "$1" >"$T/bad.lua"
    rm -f "$T"/*.h5 "$T"/*.part-*
    run bad.lua
    is "$status" 2 "$3: exit status 2"
    grep -q -- "$2" "$T/err"
    ok $? "$3: message matches '$2' ($(head -c 200 "$T/err" | tr '\n' ' '))"
    ls "$T"/*.h5 "$T"/*.part-* >/dev/null 2>&1
    ok $((! $?)) "$3: no output file left"
}

STAR='local fab = netsim.star{ hosts = 8, rate = "100Gbps", latency = "1us" }
local w = netsim.workload()'
RUN='netsim.run{ fabric = fab, workload = w }'

expect_bad "$STAR
w:allreduce{ hosts = { 1, 2, 3, 2 }, bytes = '1MB' }
$RUN" "bad.lua:3: allreduce: field 'hosts': host 2 appears more than once" 'allreduce: duplicate hosts'
expect_bad "$STAR
w:allreduce{ hosts = fab:hosts(), bytes = '1MB', algorithm = 'tree' }
$RUN" "bad.lua:3: allreduce: field 'algorithm' must be one of \"ring\", \"halving_doubling\", \"direct\" (got \"tree\")" \
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
$RUN" "bad.lua:3: alltoall: field 'algorithm' must be one of \"direct\", \"pairwise\" (got \"ring\")" \
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
finish
