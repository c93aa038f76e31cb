#!/bin/sh
# summary_colls.sh - issue 19, item 2: a summary line per collective kind
# (count, completion p50 and max, the ratio to the lower bound, NCCL's bus
# bandwidth), in the printed summary and as numbers in --json, with answers
# by hand:
#  - a ring allreduce of S = 16 MB over 8 hosts of a 100 Gb/s star: lower
#    bound 2 (n-1)/n S / C = 1.75 x 16e6 x 8 / 100e9 = 2.24 ms; NCCL's bus
#    bandwidth = S / t x 2 (n-1)/n;
#  - three allgathers of 8 MB one after another: bus bandwidth = S / t x
#    (n-1)/n, p50 the second smallest of three, max the largest, as
#    /collectives has them;
#  - an alltoall of 1 MB per pair: the busiest rank sends 7 MB, bus
#    bandwidth 7 MB x 8 / t;
#  - a MoE line: layer passes, dispatch and combine times, the busiest
#    host's load against the mean, assignments dropped (by hand below);
#  - collectives across two datacentres joined by WAN cables of 10 Gb/s,
#    50 us (issue 19, item 3): the bound is the WAN cut's, not the NIC's
#    (by hand below).
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
[ -n "$PY" ] || skip_all 'no Python 3 with h5py (Debian: python3-h5py)'
plan 10

scenario colls.lua <<'LUA'
local fab = netsim.star{ hosts = 8, rate = "100Gbps", latency = "1us" }
local w = netsim.workload()
local hosts = fab:hosts()
local a = w:allreduce{ hosts = hosts, bytes = "16MB", algorithm = "ring" }
local prev = a
for i = 1, 3 do prev = w:allgather{ hosts = hosts, bytes = "8MB", algorithm = "ring", after = { prev } } end
w:alltoall{ hosts = hosts, bytes = "1MB", after = { prev } }
netsim.run{ fabric = fab, workload = w, output = "colls.h5" }
LUA
run colls.lua
is "$status" 0 'an allreduce, three allgathers and an alltoall'
cp "$T/out" "$T/colls.out"
grep -q '^allreduce     1 done of 1 (ring): p50 [0-9.]* ms, max [0-9.]* ms; 1\.0[0-9]x the lower bound (p50; max 1\.0[0-9]x); bus bandwidth [0-9.]* Gbps (p50)$' "$T/out"
ok $? "an allreduce line ($(grep '^allreduce' "$T/out"))"
grep -q '^allgather     3 done of 3 (ring): ' "$T/out"; ok $? 'an allgather line counts three'
run --json colls.lua
cp "$T/out" "$T/colls.json"
check 'the numbers of the lines: by hand, and against /collectives' "
import json
d = json.loads(open(T + '/colls.json').read().strip().splitlines()[-1])
f = h5py.File(T + '/colls.h5')
c = f['collectives'][:]
def dur(kind):
    return sorted((r['finish_ps'] - r['start_ps']) * 1e-12 for r in c if r['kind'].decode() == kind)
ar = dur('allreduce')[0]
ok &= abs(d['allreduce_p50'] - ar) < 1e-12 and abs(d['allreduce_max'] - ar) < 1e-12
ok &= abs(d['allreduce_busbw_bps'] - 16e6 * 8 / ar * 2 * 7 / 8) < 1e-3 * d['allreduce_busbw_bps']
ok &= abs(d['allreduce_vs_lower_bound'] - ar / (1.75 * 16e6 * 8 / 100e9)) < 1e-6
ag = dur('allgather')
ok &= d['allgather_done'] == 3 and abs(d['allgather_p50'] - ag[1]) < 1e-12 and abs(d['allgather_max'] - ag[2]) < 1e-12
ok &= abs(d['allgather_busbw_bps'] - 8e6 * 8 / ag[1] * 7 / 8) < 1e-3 * d['allgather_busbw_bps']
a2a = dur('alltoall')[0]
ok &= abs(d['alltoall_busbw_bps'] - 7e6 * 8 / a2a) < 1e-3 * d['alltoall_busbw_bps']
ok &= 1 <= d['alltoall_vs_lower_bound'] < 1.1"
check 'the bus bandwidth of a collective near its bound is near the NIC rate, never above' "
import json
d = json.loads(open(T + '/colls.json').read().strip().splitlines()[-1])
for k in ('allreduce', 'allgather', 'alltoall'):
    ok &= 0.9 * 100e9 < d[k + '_busbw_bps'] <= 100e9"

# MoE: top_k = experts sends every token to every expert; capacity factor
# 0.5 keeps floor(0.5 n T) = 2,000 of the n T = 4,000 assignments each of the
# E = 4 experts gets: 8,000 dropped a layer, 16,000 over 2 layers, and every
# host exactly as loaded as the mean (imbalance 1)
scenario moe.lua <<'LUA'
local fab = netsim.star{ hosts = 4, rate = "100Gbps", latency = "1us" }
local w = netsim.workload()
w:moe{ hosts = fab:hosts(), experts = 4, top_k = 4, tokens = 1000, hidden = 64, dtype_bytes = 2,
       capacity_factor = 0.5, layers = 2 }
netsim.run{ fabric = fab, workload = w, output = "moe.h5" }
LUA
run moe.lua
grep -q '^moe           2 layer passes: dispatch p50 [0-9.]* us, max [0-9.]* us; combine p50 [0-9.]* us, max [0-9.]* us; busiest host 1.000x the mean load (worst pass); 16000 assignments dropped$' "$T/out"
ok $? "a MoE line ($(grep '^moe ' "$T/out"))"
run --json moe.lua
cp "$T/out" "$T/moe.json"
check 'the MoE numbers: 16,000 dropped and imbalance 1 by hand, the times as /moe_layers has them' "
import json
d = json.loads(open(T + '/moe.json').read().strip().splitlines()[-1])
m = h5py.File(T + '/moe.h5')['moe_layers'][:]
ok &= d['moe_passes'] == 2 and d['moe_dropped'] == 16000 and d['moe_imbalance_max'] == 1.0
disp = sorted(m['dispatch_ps'] * 1e-12)
comb = sorted(m['combine_ps'] * 1e-12)
ok &= abs(d['moe_dispatch_p50'] - disp[0]) < 1e-15 and abs(d['moe_dispatch_max'] - disp[1]) < 1e-15
ok &= abs(d['moe_combine_p50'] - comb[0]) < 1e-15 and abs(d['moe_combine_max'] - comb[1]) < 1e-15"
# Two datacentres of 4 hosts (100 Gb/s NICs), ranks 1-4 in dc 1 and 5-8 in
# dc 2. A ring allreduce of S = 16 MB over the 8 crosses the cut once each
# way, every ring edge carrying 2 (n-1)/n S = 28 MB: with one WAN cable the
# bound is 28e6 x 8 / 10e9 + 50 us = 22.45 ms (the NIC bound, 1.75 x 16e6 x
# 8 / 100e9 = 2.24 ms, made it ~10x), and the ring, 14 steps each paying
# the WAN latency once, comes within 10 % of it. An alltoall of 1 MB per
# pair moves k (n-k) S = 4 x 4 x 1 MB = 16 MB each way: over two WAN
# cables the bound is 16e6 x 8 / 20e9 + 50 us = 6.45 ms.
for links in 1 2; do
scenario wan$links.lua <<LUA
local fab = netsim.multidc{ dcs = 2,
  dc = { leaves = 1, spines = 1, hosts_per_leaf = 4,
         host_link = { rate = "100Gbps", latency = "1us" }, fabric_link = { rate = "400Gbps", latency = "1us" } },
  gateway_link = { rate = "400Gbps", latency = "1us" },
  wan = { rate = "10Gbps", latency = "50us", links = $links } }
local w = netsim.workload()
if $links == 1 then
  w:allreduce{ hosts = fab:hosts(), bytes = "16MB", algorithm = "ring" }
else
  w:alltoall{ hosts = fab:hosts(), bytes = "1MB" }
end
netsim.run{ fabric = fab, workload = w, output = "wan$links.h5" }
LUA
done
run wan1.lua
grep -q '^allreduce     1 done of 1 (ring): p50 2[23]\.[0-9]* ms, max 2[23]\.[0-9]* ms; 1\.0[0-9]x the lower bound (p50; max 1\.0[0-9]x); ' "$T/out"
ok $? "a ring allreduce across the WAN: within 10 % of its cut bound ($(grep '^allreduce' "$T/out"))"
run --json wan1.lua
cp "$T/out" "$T/wan1.json"
run wan2.lua
is "$status" 0 'an alltoall across two WAN cables'
run --json wan2.lua
cp "$T/out" "$T/wan2.json"
check 'the cut bounds by hand: 22.45 ms (one cable), 6.45 ms (two), in /collectives and the ratios of --json' "
import json
for name, kind, bound in (('wan1', 'allreduce', 28e6 * 8 / 10e9 + 50e-6), ('wan2', 'alltoall', 16e6 * 8 / 20e9 + 50e-6)):
    d = json.loads(open(T + '/' + name + '.json').read().strip().splitlines()[-1])
    c = h5py.File(T + '/' + name + '.h5')['collectives'][:]
    ok &= len(c) == 1 and c[0]['kind'].decode() == kind
    ok &= abs(c[0]['lower_bound_ps'] * 1e-12 - bound) < 1e-12
    t = (c[0]['finish_ps'] - c[0]['start_ps']) * 1e-12
    ok &= abs(d[kind + '_vs_lower_bound'] - t / bound) < 1e-6 and t >= bound"
run_checks "import h5py
T = '$T'"
finish
