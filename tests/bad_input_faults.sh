#!/bin/sh
# bad_input_faults.sh - bad degraded= and failed= cables of netsim.leafspine
# give a message naming the file:line, the constructor, the field and the
# value, exit status 2, and no output file.
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
plan 27

LS='leaves = 2, spines = 2, hosts_per_leaf = 2, host_link = { rate = "100Gbps", latency = "1us" }'
RUN='local w = netsim.workload()
w:transfer{ src = 1, dst = 3, bytes = 1000 }
netsim.run{ fabric = fab, workload = w }'

expect_bad "local fab = netsim.leafspine{ $LS, failed = { leaf = 3, spine = 1 } }
$RUN" "bad.lua:1: leafspine: failed: field 'leaf' must be <= 2 (got 3)" 'a failed cable on a leaf that does not exist'
expect_bad "local fab = netsim.leafspine{ $LS, degraded = { { leaf = 1, spine = 0, rate = '10Gbps' } } }
$RUN" "bad.lua:1: leafspine: degraded\[1\]: field 'spine' must be >= 1 (got 0)" 'a degraded cable to spine 0'
expect_bad "local fab = netsim.leafspine{ $LS, failed = { leaf = 1, spine = 1, cable = 2 } }
$RUN" "bad.lua:1: leafspine: failed: field 'cable' must be <= 1 (got 2)" 'cable 2 with one cable per spine'
expect_bad "local fab = netsim.leafspine{ $LS, degraded = { leaf = 1, spine = 1 } }
$RUN" "bad.lua:1: leafspine: degraded: field 'rate' is required" 'a degraded cable without a rate'
expect_bad "local fab = netsim.leafspine{ $LS, degraded = { leaf = 1, spine = 1, rate = '0Gbps' } }
$RUN" "bad.lua:1: leafspine: degraded: field 'rate': rate must be positive" 'a degraded cable at rate 0'
expect_bad "local fab = netsim.leafspine{ $LS, failed = { leaf = 1, spine = 1, rate = '1Gbps' } }
$RUN" "bad.lua:1: leafspine: failed: unknown field 'rate'" 'a rate for a failed cable'
expect_bad "local fab = netsim.leafspine{ $LS, failed = 1 }
$RUN" "bad.lua:1: leafspine: field 'failed' must be a table {leaf = ..., spine = ...} or a list of them (got a number)" \
    'failed is not a table'
expect_bad "local fab = netsim.leafspine{ $LS, failed = { { leaf = 1, spine = 2 } },
  degraded = { leaf = 1, spine = 2, rate = '1Gbps' } }
$RUN" "bad.lua:1: leafspine: cable leaf 1, spine 2, cable 1 is named twice (in degraded or failed)" \
    'one cable both degraded and failed'
expect_bad "local fab = netsim.leafspine{ $LS, failed = { { leaf = 2, spine = 1 }, { leaf = 2, spine = 2 } } }
$RUN" "bad.lua:1: leafspine: host 'host1' cannot reach host 'host3' (no path from switch 'leaf1' to switch 'leaf2')" \
    'every uplink of a leaf failed'
finish
