#!/bin/sh
# reps.sh - lb = "reps", recycled entropy packet spraying (issue 15, item 2).
#
# tests/data/reps.lua: 2 leaves x 4 hosts, 4 spines, 100 Gb/s; each host of
# leaf 1 sends 4 MB to leaf 2 under dctcp (about 4,000 data packets over
# leaf 1's 4 uplinks).
# - All paths equal: REPS reuses entropies that came back unmarked, drawn at
#   random when it has none, so each uplink carries 1/4 of the packets like
#   random spraying: within 5 multinomial standard deviations,
#   5 sqrt(1/4 x 3/4 / 4,000) = 0.034.
# - leaf1-spine1 at 25 Gb/s: its queue fills and its packets are marked, so
#   REPS stops reusing their entropies and sends there only when it draws at
#   random: well below the 1/4 that spraying sends (less than 1/8 here), and
#   the transfers end sooner.
# - A cable down with a slow reroute (2 ms): spraying keeps sending 1/4 of
#   the packets into it until then; REPS, after a timeout, freezes on the
#   entropies that last came back and finishes in less than half the time;
#   without freeze it does not.
# - At flow level REPS is the fluid ideal of spraying: the same times.
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
[ -n "$PY" ] || skip_all 'no Python with h5py (python3-h5py)'
S=$SRCDIR/tests/data/reps.lua
run_to even.h5 "$S"
run_to even2.h5 "$S"
run_to evenspray.h5 "$S" lb=spray
run_to slow.h5 "$S" slow=25Gbps
run_to slowspray.h5 "$S" slow=25Gbps lb=spray
run_to flow.h5 "$S" model=flow
run_to flowspray.h5 "$S" model=flow lb=spray
scenario down.lua <<'LUA'
local fab = netsim.leafspine{ leaves = 2, spines = 4, hosts_per_leaf = 4, host_link = { rate = "100Gbps", latency = "1us" } }
local w = netsim.workload()
for h = 1, 4 do w:transfer{ src = h, dst = h + 4, bytes = 4000000 } end
local lb = param("lb", "reps")
netsim.run{ fabric = fab, workload = w, lb = lb, transport = "dctcp",
            reps = lb == "reps" and { freeze = param("freeze", "true") == "true" } or nil,
            failures = { { link = fab:link("leaf1", "spine1"), at = "50us" } }, reroute = "2ms", output = "down.h5" }
LUA
run_to down.h5 down.lua
run_to downnofreeze.h5 down.lua freeze=false
run_to downspray.h5 down.lua lb=spray
run -o hdr.h5 "$S"
grep -q '^netsim: .* lb reps,' "$T/out"; ok $? 'the run header says lb reps'

check 'equal paths: every uplink carries 1/4 of the packets, within 0.034' "
s = shares('even')
ok &= len(s) == 4 and all(abs(x - 0.25) <= 0.034 for x in s)"
check 'a slow uplink: REPS sends it less than 1/8 of the packets, spraying about 1/4; REPS ends sooner' "
ok &= shares('slow')[0] < 0.125 and abs(shares('slowspray')[0] - 0.25) <= 0.034
ok &= span('slow') < span('slowspray')"
check 'a cable down, reroute 2 ms: REPS with freeze ends in less than half the time of spraying; without freeze not' "
ok &= 2 * span('down') < span('downspray') and 2 * span('downnofreeze') > span('downspray')
ok &= int(h5('down')['summary'].attrs['timeouts']) >= 1"
check 'flow level: REPS is spraying, to the picosecond' "
ok &= span('flow') == span('flowspray') > 0"
check 'the same seed gives the same run' "
ok &= all((h5('even')[t][n] == h5('even2')[t][n]).all() for t in ('transfers', 'ports') for n in h5('even')[t].dtype.names)"

run_checks "
$(h5_setup)
def shares(name):
    f = h5(name)
    n = {int(r['id']): r['name'].decode() for r in f['topology/nodes'][:]}
    up = [int(p['tx_packets']) for l, p in zip(f['topology/links'][:], f['ports'][:])
          if n[int(l['src'])] == 'leaf1' and n[int(l['dst'])].startswith('spine')]
    return [x / sum(up) for x in up]
def span(name):
    return int(h5(name)['summary'].attrs['makespan_ps'])
"

# --- settings ---------------------------------------------------------------
F='local fab = netsim.leafspine{ leaves = 2, spines = 2, hosts_per_leaf = 2, host_link = { rate = "100Gbps", latency = "1us" } }
local w = netsim.workload()
w:transfer{ src = 1, dst = 3, bytes = 1e6 }'
expect_bad "$F
netsim.run{ fabric = fab, workload = w, lb = \"reps\", reps = { buffers = 8 }, output = \"bad.h5\" }" \
    "bad.lua:4: run: reps: unknown field 'buffers'" 'a misspelt reps setting'
expect_bad "$F
netsim.run{ fabric = fab, workload = w, lb = \"reps\", reps = { buffer = 0 }, output = \"bad.h5\" }" \
    "bad.lua:4: run: reps: field 'buffer'" 'a buffer of 0'
scenario warn.lua <<LUA
$F
netsim.run{ fabric = fab, workload = w, lb = "spray", reps = { buffer = 4 }, output = "warn.h5" }
LUA
run warn.lua
grep -q "warning: run: field 'reps'" "$T/err"; ok $? "reps = {...} with lb = spray warns that it is unused"

plan "$_n"
finish
