#!/bin/sh
# switch_defaults.sh - a fabric with no `switch` table gets the switch a
# datacenter would buy (issue 14, item 1), with numbers worked out by hand
# from the rules in netsim-lua(5):
#  - buffer: one pool per switch, 4.4 MB per Tb/s of its port capacity;
#  - dynamic threshold alpha 8: one congested port holds at most 8/9 of it;
#  - ECN from K = C x RTT / 7 to C x RTT, RTT = 2 H (latency + mtu time);
#  - the header names them; `ecn = false` marks nothing, `buffer =
#    "unlimited"` drops nothing; dctcp on the defaults marks.
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
[ -n "$PY" ] || skip_all 'no Python 3 with h5py (Debian: python3-h5py)'
plan 18

scenario ls.lua <<'LUA'
local fab = netsim.leafspine{ leaves = 2, spines = 2, hosts_per_leaf = 4,
  host_link = { rate = "100Gbps", latency = "1us" }, fabric_link = { rate = "100Gbps", latency = "1us" } }
local w = netsim.workload()
-- an incast of three leaf-1 hosts and one of leaf 2 into host 8
for _, s in ipairs{ 1, 2, 3, 5 } do w:transfer{ src = s, dst = 8, bytes = "2MB" } end
netsim.run{ fabric = fab, workload = w, transport = "dctcp", output = "ls.h5" }
LUA
run ls.lua
is "$status" 0 'a leaf-spine with no switch table under dctcp'
# leaf-spine: H = 4; hop = 1 us + 4096 x 8 / 100 Gb/s = 1.32768 us;
# RTT = 2 x 4 x 1.32768 = 10.62144 us; C x RTT = 132,768 B; K = 18,967 B
grep -q '^netsim: switch: default buffer (shared, 4.4 MB per Tb/s, up to 2.64 MB, alpha 8), ECN default 18.97 KB to 132.8 KB (pmax 1) at the first port; PFC off$' "$T/out"
ok $? "the header names the defaults: pool 2.64 MB (6 x 100 Gb/s), ECN 18,967 to 132,768 B ($(sed -n 2p "$T/out"))"
grep -q '^netsim: transport dctcp (its defaults): init_window 10 packets, min_rto 1 ms, g 0.0625, reorder_window 2 srtt (adaptive), an ACK per packet$' "$T/out"
ok $? "the header names the transport's settings and that they are its defaults"
check 'pools: a leaf (6 ports of 100 Gb/s) 2.64 MB, a spine (2 ports) 880 KB, NICs none' "
f = h5py.File(T + '/ls.h5')
kind = {int(r['id']): r['name'].decode() for r in f['topology/nodes'][:]}
for l in f['topology/links'][:]:
    src = kind[int(l['src'])]
    want = 2640000 if src.startswith('leaf') else 880000 if src.startswith('spine') else 0
    ok &= int(l['buffer_bytes']) == want"
check 'dctcp on the default switch: marks, drops nothing, and the queue stays below 2 x kmax' "
f = h5py.File(T + '/ls.h5')
ok &= int(f['transfers']['ecn_marks'].sum()) > 0
ok &= int(f['ports']['drops'].sum()) == 0
ok &= int(f['ports']['peak_queue_bytes'].max()) < 2 * 132768"

scenario star.lua <<'LUA'
local sw = param("switch", "default")
local t = nil
if sw == "noecn" then t = { ecn = false }
elseif sw == "unlimited" then t = { buffer = "unlimited", ecn = false } end
local fab = netsim.star{ hosts = 5, rate = "100Gbps", latency = "1us", switch = t }
local w = netsim.workload()
for s = 1, 4 do w:transfer{ src = s, dst = 5, bytes = "4MB" } end
netsim.run{ fabric = fab, workload = w, transport = "dctcp", output = sw .. ".h5" }
LUA
for sw in default noecn unlimited; do
    run star.lua switch=$sw
    is "$status" 0 "an incast of 4 on a star, switch $sw"
done
grep -q '^netsim: switch: unlimited buffers, no ECN; PFC off$' "$T/out"; ok $? 'the header says unlimited and no ECN'
# star: H = 2, RTT = 2 x 2 x 1.32768 us = 5.31072 us, C x RTT = 66,384 B,
# K = 9,484 B; pool = 5 x 100 Gb/s x 4.4 MB per Tb/s = 2.2 MB
check 'star, defaults: marks (from K = 9,484 B), drops nothing; the peak is the 4 initial windows of 10 packets arriving at once' "
f = h5py.File(T + '/default.h5')
ok &= int(f['transfers']['ecn_marks'].sum()) > 0 and int(f['ports']['drops'].sum()) == 0
ok &= 9484 < int(f['ports']['peak_queue_bytes'].max()) <= 4 * 10 * 4096"
check 'star, ecn = false: no mark; the one congested port fills to alpha / (1 + alpha) = 8/9 of the 2.2 MB pool, then drops' "
f = h5py.File(T + '/noecn.h5')
ok &= int(f['transfers']['ecn_marks'].sum()) == 0 and int(f['ports']['ecn_marks'].sum()) == 0
ok &= int(f['ports']['drops'].sum()) > 0
peak = int(f['ports']['peak_queue_bytes'].max())
ok &= 2200000 * 8 / 9 - 4096 <= peak <= 2200000 * 8 / 9 + 4096"
check 'star, unlimited: nothing dropped, no mark, and a queue deeper than any pool' "
f = h5py.File(T + '/unlimited.h5')
ok &= int(f['ports']['drops'].sum()) == 0 and int(f['ports']['ecn_marks'].sum()) == 0
ok &= int(f['ports']['peak_queue_bytes'].max()) > 2200000
ok &= all(int(l['buffer_bytes']) == 0 for l in f['topology/links'][:])"
run_checks "import h5py
T = '$T'"

expect_bad 'netsim.star{ hosts = 2, rate = "1Gbps", latency = "1us", switch = { buffer = "lots" } }' \
    "buffer" 'a buffer that is neither a size nor "unlimited"'
expect_bad 'netsim.star{ hosts = 2, rate = "1Gbps", latency = "1us", switch = { ecn = "on" } }' \
    "field 'ecn' must be a table {kmin=, kmax=, pmax=} or false" 'ecn of the wrong type'
finish
