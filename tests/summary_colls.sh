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
#    bandwidth 7 MB x 8 / t.
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
[ -n "$PY" ] || skip_all 'no Python 3 with h5py (Debian: python3-h5py)'
plan 5

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
check 'the numbers of the lines: by hand, and against /collectives' "
import json
d = json.loads(open(T + '/out').read().strip().splitlines()[-1])
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
d = json.loads(open(T + '/out').read().strip().splitlines()[-1])
for k in ('allreduce', 'allgather', 'alltoall'):
    ok &= 0.9 * 100e9 < d[k + '_busbw_bps'] <= 100e9"
run_checks "import h5py
T = '$T'"
finish
