#!/bin/sh
# bad_input.sh - every bad input gives a message naming the problem (and
# file:line where there is one), exit status 2, and no output file.
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
plan 50

STAR='local fab = netsim.star{ hosts = 4, rate = "100Gbps", latency = "1us" }
local w = netsim.workload()'

expect_bad 'local x = = 1' 'bad.lua:1:' 'a Lua syntax error'
expect_bad 'local fab = netsim.star{ hosts = 4, rate = "100Gbps", latncy = "1us" }' \
    "bad.lua:1: star: unknown field 'latncy'" 'an unknown constructor field'
expect_bad 'local fab = netsim.star{ hosts = 4, rate = "-5Gbps" }' \
    "bad.lua:1: star: field 'rate': rate must be positive" 'a negative rate'
expect_bad 'local fab = netsim.star{ hosts = 4, rate = "10Gbs" }' \
    'unknown unit "Gbs" (expected bps, Kbps, Mbps, Gbps, Tbps)' 'unit 10Gbs'
expect_bad "$STAR
w:transfer{ src = 1, dst = 2, bytes = 100 }
netsim.run{ fabric = fab, workload = w }" \
    "parameter 'lb' was given on the command line but the scenario never asks for it" \
    'a NAME=VALUE nobody reads' lb=spray
expect_bad "$STAR
w:transfer{ src = 1, dst = 9, bytes = 100 }
netsim.run{ fabric = fab, workload = w }" \
    'bad.lua:3: transfer (op 0): dst 9 is not a host of the fabric (hosts are 1..4)' \
    'a transfer to a host that does not exist'
# the memory estimate reads an ethereal run's paths at the ops' hosts: the
# hosts are checked before it (it read past the host table; ASan, fuzzing)
for model in packet flow; do
    expect_bad "local L = { rate = '100Gbps', latency = '1us' }
local fab = netsim.leafspine{ leaves = 1, spines = 2, hosts_per_leaf = 2, host_link = L, fabric_link = L }
local w = netsim.workload()
w:transfer{ src = 3, dst = 1, bytes = 1000 }
netsim.run{ fabric = fab, workload = w, lb = 'ethereal', model = '$model' }" \
        'bad.lua:4: transfer (op 0): src 3 is not a host of the fabric (hosts are 1..2)' \
        "a transfer from a host that does not exist, lb ethereal, model $model"
done
expect_bad "$STAR
local a = w:compute{ node = 1, duration = '1us', label = 'a' }
local b = w:compute{ node = 1, duration = '1us', after = a, label = 'b' }
a:after(b)
netsim.run{ fabric = fab, workload = w }" \
    'dependency cycle' 'a dependency cycle'
expect_bad "$STAR
netsim.run{ fabric = fab, workload = w, lb = 'sprya' }" \
    "run: field 'lb' must be one of \"ecmp\", \"spray\", \"flowlet\", \"adaptive\", \"ethereal\", \"reps\" (got \"sprya\")" 'an unknown lb'
expect_bad "$STAR
netsim.run{ fabric = fab, workload = w, subflows = 0 }" \
    "run: field 'subflows' must be >= 1 (got 0)" 'subflows = 0'
expect_bad "$STAR
w:transfer{ src = 1, dst = 2, bytes = '1.5B' }" \
    'bad.lua:3: transfer: field .bytes.: size must be a whole number of bytes' 'a fractional byte count'
expect_bad "$STAR
w:compute{ node = 1, duration = '1us', label = string.rep('x', 40) }" \
    'label .* is too long' 'a label that is too long'
expect_bad "local n = param('hosts', 4)" "param 'hosts': expected an integer" \
    'a non-integer for an integer parameter' hosts=4.5
expect_bad "$STAR
w:transfer{ src = 1, dst = 2, bytes = 100, after = 'x' }" \
    'must be an op handle' 'after names something that is not an op'
expect_bad "local fab = netsim.star{ hosts = 0, rate = '1Gbps' }" \
    "star: field 'hosts' must be >= 1 (got 0)" 'a star without hosts'

# a missing scenario file
rm -f "$T"/*.h5
run missing.lua
is "$status" 2 'a missing scenario: exit status 2'
grep -q "cannot open scenario 'missing.lua'" "$T/err"
ok $? 'a missing scenario: message names the file'
finish
