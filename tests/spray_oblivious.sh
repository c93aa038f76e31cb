#!/bin/sh
# spray_oblivious.sh - lb = "spray" with spray = "oblivious": a subflow's data
# packets cycle through its `entropies` labels, each once per cycle, and the
# switches hash the labels like any other. One transfer of E x m packets from
# leaf 1 to leaf 2 over 8 spines: each uplink of leaf 1 carries a multiple of
# m of its packets (m cycles, each label on one path) and all E m in all;
# with one entropy every packet takes one spine (as ECMP); random spraying
# has no such structure. Against htsim's oblivious spraying:
# bench/results-uec.md.
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
[ -n "$PY" ] || skip_all 'no Python with h5py (python3-h5py)'
plan 15

scenario ob.lua <<'LUA'
local E, m = param("E", 8), param("m", 5)
local fab = netsim.leafspine{ leaves = 2, spines = 8, hosts_per_leaf = 1, mtu = 4096,
  host_link = { rate = "100Gbps", latency = "1us" }, fabric_link = { rate = "100Gbps", latency = "1us" } }
local w = netsim.workload()
w:transfer{ src = 1, dst = 2, bytes = E * m * 4032 }      -- E m full packets of 4,032 B
netsim.run{ fabric = fab, workload = w, lb = "spray", spray = param("spray", "oblivious"),
            entropies = param("spray", "oblivious") == "oblivious" and E or nil, transport = "ideal" }
LUA
run_to e8.h5 ob.lua E=8 m=5
run_to e3.h5 ob.lua E=3 m=7
run_to e1.h5 ob.lua E=1 m=40
run_to rnd.h5 ob.lua spray=random E=8 m=5

check 'each uplink carries a multiple of m packets, E m in all (8 entropies x 5 cycles; 3 x 7)' "
for f, E, m in (('e8.h5', 8, 5), ('e3.h5', 3, 7)):
    c = up(f); print('#', f, c)
    ok &= sum(c) == E * m and all(x % m == 0 for x in c)"
check 'one entropy: every packet on one spine' "
c = up('e1.h5'); print('#', c); ok &= sorted(c)[-1] == 40 and sum(c) == 40"
check 'random spraying: the same 40 packets, not in multiples of 5 on every uplink' "
c = up('rnd.h5'); print('#', c); ok &= sum(c) == 40 and not all(x % 5 == 0 for x in c)"
run_checks "import h5py
T = '$T'
def up(f):
    h = h5py.File(T + '/' + f)
    names = {int(l['id']): l['name'].decode() for l in h['topology']['links'][:]}
    return [int(p['tx_packets']) for p in h['ports'][:] if names[int(p['link'])].startswith('leaf1->spine')]"

# the flow model has no labels: a clear error; entropies without oblivious: a warning
W='local fab = netsim.star{ hosts = 2, rate = "10Gbps", latency = "1us" }
local w = netsim.workload()
w:transfer{ src = 1, dst = 2, bytes = 1000 }'
expect_bad "$W
netsim.run{ fabric = fab, workload = w, model = 'flow', lb = 'spray', spray = 'oblivious' }" "bad.lua:4: run: spray = \"oblivious\" needs model = \"packet\"" 'oblivious under the flow model'
scenario warn.lua <<LUA
$W
netsim.run{ fabric = fab, workload = w, lb = 'spray', entropies = 16, output = 'w.h5' }
LUA
run -o hdr.h5 ob.lua E=8 m=1
grep -q '^netsim: spraying: oblivious, 8 entropies a subflow, hashed by the switches$' "$T/out"
ok $? 'the run header says how it sprays'
run -q warn.lua
grep -q "warning: run: field 'entropies' only applies with lb = \"spray\" and spray = \"oblivious\"; ignored with another spray" "$T/err"
ok $? 'entropies with random spraying: warned'
expect_bad "$W
netsim.run{ fabric = fab, workload = w, lb = 'spray', spray = 'oblivious', entropies = 0 }" "bad.lua:4: run: field 'entropies' must be >= 1 (got 0)" 'zero entropies'
finish
