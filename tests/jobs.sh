#!/bin/sh
# jobs.sh - several jobs on one fabric (issue 18, item 2): netsim.run{workload
# = {w1, w2}}, netsim.workload{name, start}, the job column of every
# workload table, /jobs, the summary's job lines, --isolation and
# fab:allocate, against answers worked out by hand.
#
# Sharing one uplink (flow model, max-min): hosts 1, 2 on leaf 1, hosts 3, 4
# on leaf 2, one spine, 100 Gb/s everywhere. Job a sends S = 10 MB 1 -> 3, job
# b 2 -> 4: both cross leaf1->spine1. Alone a transfer takes tau + d (tau:
# its bytes on the wire at 100 Gb/s, d: the latencies). Both at once, each
# gets 50 Gb/s: both take 2 tau + d, so the shared makespan exceeds the alone
# one by exactly tau = wire bytes x 8 / 100 Gb/s, wire bytes = S + header x
# ceil(S / (mtu - header)). If b arrives at t0 = 500 us, a has sent t0 worth
# alone, the rest (tau - t0) at half rate: a ends at 2 tau - t0 + d; b has
# then sent tau - t0 worth and sends t0 worth at full rate: b ends at 2 tau +
# d, its makespan (from t0) 2 tau + d - t0. Both makespans: shared - t0.
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
[ -n "$PY" ] || skip_all 'no Python with h5py (python3-h5py)'
plan 44

scenario uplink.lua <<'LUA'
local bstart = param("bstart", "0us")
local fab = netsim.leafspine{ leaves = 2, spines = 1, hosts_per_leaf = 2,
  host_link = { rate = "100Gbps", latency = "1us" }, fabric_link = { rate = "100Gbps", latency = "1us" } }
local a = netsim.workload{ name = "a" }
a:transfer{ src = 1, dst = 3, bytes = 10e6 }
local b = netsim.workload{ name = "b", start = bstart }
b:transfer{ src = 2, dst = 4, bytes = 10e6 }
netsim.run{ fabric = fab, workload = { a, b }, model = "flow" }
LUA
run_to both.h5 uplink.lua
( cd "$T" && "$NETSIM" --isolation -o iso.h5 uplink.lua ) >"$T/iso.txt" 2>"$T/err"
is $? 0 'uplink.lua --isolation: runs'
run_to late.h5 uplink.lua bstart=500us
( cd "$T" && "$NETSIM" --isolation --json -o isoj.h5 uplink.lua ) >"$T/iso.json" 2>"$T/err"
is $? 0 'uplink.lua --isolation --json: runs'

grep -q '^job a  *2 hosts, arrives at 0: makespan .*; alone .*, slowdown 1\.9[0-9]*x$' "$T/iso.txt"
ok $? "the summary has a line per job with its slowdown ($(grep '^job a' "$T/iso.txt"))"
grep -q '^job b  *2 hosts, arrives at 0: makespan' "$T/iso.txt"
ok $? 'and one for job b'

check 'sharing one uplink: each job takes one more transfer time (tau, by hand) than alone' "
f = h5py.File(T + '/iso.h5')
j = f['jobs'][:]
mtu, hdr = int(f['topology'].attrs['mtu']), int(f['topology'].attrs['header'])
S = 10 * 10**6
wire = S + hdr * -(-S // (mtu - hdr))
tau = wire * 8 / 100e9 * 1e12
for r in j:
    ok &= abs((r['makespan_ps'] - r['alone_ps']) - tau) <= 1e-3 * tau
    ok &= abs(r['slowdown'] - r['makespan_ps'] / r['alone_ps']) < 1e-12
ok &= [x.decode() for x in j['name']] == ['a', 'b']"
check 'b arrives at 500 us: both makespans are the shared one less 500 us (by hand)' "
j0 = h5py.File(T + '/both.h5')['jobs'][:]
j1 = h5py.File(T + '/late.h5')['jobs'][:]
t0 = 500 * 10**6
for r in j1:
    ok &= abs(r['makespan_ps'] - (j0['makespan_ps'][0] - t0)) <= 1e-3 * j0['makespan_ps'][0]
ok &= j1['start_ps'][1] == t0 and j1['start_ps'][0] == 0
ok &= j1['alone_ps'][0] == -1 and j1['slowdown'][0] == 0"
check 'b arrives at 500 us: its transfer starts then (/ops, /transfers with their job column)' "
f = h5py.File(T + '/late.h5')
x = f['transfers'][:]
o = f['ops'][:]
ok &= list(x['job']) == [0, 1]
ok &= x['start_ps'][1] == 500 * 10**6 and x['start_ps'][0] == 0
arr = o[o['label'] == b'arrival']
ok &= len(arr) == 1 and arr['job'][0] == 1 and arr['kind'][0] == b'delay' and arr['finish_ps'][0] == 500 * 10**6"
check '--json has the job numbers, the same as /jobs' "
import json
d = json.loads(open(T + '/iso.json').read().strip().splitlines()[-1])
j = h5py.File(T + '/isoj.h5')['jobs'][:]
ok &= d['jobs'] == 2
for i in (0, 1):
    ok &= abs(d['job%d_makespan' % (i + 1)] - j['makespan_ps'][i] * 1e-12) < 1e-15
    ok &= abs(d['job%d_alone' % (i + 1)] - j['alone_ps'][i] * 1e-12) < 1e-15
    ok &= abs(d['job%d_slowdown' % (i + 1)] - j['slowdown'][i]) < 1e-12
    ok &= d['job%d_transfers_done' % (i + 1)] == 1"

# Two identical ring allreduces on disjoint leaves (fab:allocate packed: hosts
# 1-8 on leaves 1-2, 9-16 on leaves 3-4) of a non-blocking leaf-spine share no
# link: each takes exactly its time alone. An MoE job beside them shows the
# result tables' job column.
scenario disjoint.lua <<'LUA'
local fab = netsim.leafspine{ leaves = 4, spines = 4, hosts_per_leaf = 4,
  host_link = { rate = "100Gbps", latency = "1us" }, fabric_link = { rate = "100Gbps", latency = "1us" } }
local a = netsim.workload{ name = "ring_a" }
a:allreduce{ hosts = fab:allocate{ hosts = 8 }, bytes = "8MB" }
local b = netsim.workload{ name = "ring_b" }
b:allreduce{ hosts = fab:allocate{ hosts = 8 }, bytes = "8MB" }
netsim.run{ fabric = fab, workload = { a, b }, lb = param("lb", "ecmp"), transport = param("tp", "ideal") }
LUA
for lb in ecmp spray; do
    ( cd "$T" && "$NETSIM" -q --isolation -o "disj_$lb.h5" disjoint.lua lb=$lb ) >"$T/out" 2>"$T/err"
    is $? 0 "disjoint.lua lb=$lb --isolation: runs"
done
# DCTCP marks at random and spraying draws paths: a job's draws are its own
( cd "$T" && "$NETSIM" -q --isolation -o disj_dctcp.h5 disjoint.lua lb=spray tp=dctcp ) >"$T/out" 2>"$T/err"
is $? 0 'disjoint.lua lb=spray tp=dctcp --isolation: runs'
check 'disjoint leaves: each job takes its time alone, to the picosecond (ecmp, spray, spray with dctcp)' "
for lb in ('ecmp', 'spray', 'dctcp'):
    j = h5py.File(T + '/disj_%s.h5' % lb)['jobs'][:]
    for r in j:
        ok &= r['alone_ps'] > 0 and r['makespan_ps'] == r['alone_ps'] and r['slowdown'] == 1.0
    ok &= list(j['hosts']) == [8, 8]"
check 'the collectives carry their job' "
c = h5py.File(T + '/disj_ecmp.h5')['collectives'][:]
ok &= list(c['job']) == [0, 1]"

scenario moe2.lua <<'LUA'
local fab = netsim.star{ hosts = 8, rate = "100Gbps", latency = "1us" }
local a = netsim.workload()
a:allreduce{ hosts = {1, 2, 3, 4}, bytes = "1MB" }
local b = netsim.workload{ start = "20us" }
b:moe{ hosts = {5, 6, 7, 8}, experts = 4, top_k = 1, tokens = 64, hidden = 256, dtype_bytes = 2, layers = 2 }
netsim.run{ fabric = fab, workload = { a, b }, transport = "ideal" }
LUA
run_to moe2.h5 moe2.lua
( cd "$T" && "$NETSIM" -o moe2b.h5 moe2.lua ) >"$T/moe2.txt" 2>"$T/err"
grep -q '^job job2  *4 hosts, arrives at 20 us' "$T/moe2.txt" && grep -A1 '^job job2' "$T/moe2.txt" | grep -q '^moe'
ok $? "unnamed jobs are job1, job2; a job's MoE line follows its job line ($(grep -A1 '^job job2' "$T/moe2.txt" | tr '\n' '|'))"
check 'a result table (moe_layers) has the job column; its times are the run’s, shifted by nothing' "
f = h5py.File(T + '/moe2.h5')
m = f['moe_layers'][:]
o = f['ops'][:]
ok &= len(m) == 2 and set(m['job']) == {1}
ok &= all(m['dispatch_start_ps'] >= 20 * 10**6)
ok &= [x.decode() for x in f['jobs']['name']] == ['job1', 'job2']
ok &= set(o['job'][o['node'] >= 5]) == {1} and set(o['job'][(o['node'] >= 1) & (o['node'] <= 4)]) == {0}"

# fab:allocate by hand on 4 leaves x 4 hosts: packed 5 -> 1..5; spread 5 ->
# leaf 2's first free (6), leaf 3's (9), leaf 4's (13), then 7, 10; random 3
# of the 6 left; then 4 asked of 3 free
scenario alloc.lua <<'LUA'
local fab = netsim.leafspine{ leaves = 4, spines = 2, hosts_per_leaf = 4,
  host_link = { rate = "100Gbps", latency = "1us" }, fabric_link = { rate = "100Gbps", latency = "1us" } }
print(table.concat(fab:allocate{ hosts = 5, policy = "packed" }, " "))
print(table.concat(fab:allocate{ hosts = 5, policy = "spread" }, " "))
print(table.concat(fab:allocate{ hosts = 3, policy = "random" }, " "))
fab:allocate{ hosts = 4 }
LUA
run --check alloc.lua
is "$status" 2 'allocate past the free hosts: exit status 2'
is "$(sed -n 1,2p "$T/out" | tr '\n' '|')" '1 2 3 4 5|6 7 9 10 13|' 'packed and spread take the hosts worked out by hand'
r1=$(sed -n 3p "$T/out")
ok $(echo "$r1" | awk '{ for (i = 1; i <= NF; i++) if ($i !~ /^(8|11|12|14|15|16)$/ || seen[$i]++) bad = 1; exit !(NF == 3 && !bad) }'; echo $?) \
    "random takes 3 distinct free hosts ($r1)"
grep -q 'alloc.lua:6: .*allocate: 4 hosts asked, 3 free (of 16; 13 held by earlier allocations)' "$T/err"
ok $? "the refusal names the file, the line, and the counts ($(head -c 200 "$T/err"))"
run --check alloc.lua
is "$(sed -n 3p "$T/out")" "$r1" 'random is the same with the same seed'
run --check -s 7 alloc.lua
r7=$(sed -n 3p "$T/out")
ok $([ "$r7" != "$r1" ]; echo $?) "and another with another seed ($r7)"

run_checks "import h5py
T = '$T'"

# bad lists of jobs (expect_bad removes the outputs above)
W='local fab = netsim.star{ hosts = 4, rate = "100Gbps", latency = "1us" }
local a = netsim.workload{ name = "x" }
a:transfer{ src = 1, dst = 2, bytes = 1e6 }'
expect_bad "$W
netsim.run{ fabric = fab, workload = {}, output = 'o.h5' }" "bad.lua:4: .*field 'workload' is an empty list" 'an empty list of jobs'
expect_bad "$W
netsim.run{ fabric = fab, workload = { a, 3 }, output = 'o.h5' }" "workload\[2\] must be a workload (from netsim.workload()), got number" 'a list with a number'
expect_bad "$W
netsim.run{ fabric = fab, workload = { a, a }, output = 'o.h5' }" "jobs 1 and 2 are the same workload" 'one workload twice'
expect_bad "$W
local b = netsim.workload{ name = 'x' }
b:transfer{ src = 3, dst = 4, bytes = 1e6 }
netsim.run{ fabric = fab, workload = { a, b }, output = 'o.h5' }" "jobs 1 and 2 are both named 'x'" 'two jobs of one name'
expect_bad 'netsim.workload{ start = "-1us" }' "bad.lua:1: workload: .*start" 'a negative start'
expect_bad "netsim.workload{ name = '$(printf 'n%.0s' $(seq 40))' }" "field 'name' must be 1 to 31 bytes (got 40)" 'a name too long'
scenario overlap.lua <<LUA
$W
local b = netsim.workload()
b:transfer{ src = 2, dst = 3, bytes = 1e6 }
netsim.run{ fabric = fab, workload = { a, b }, output = "ov.h5" }
LUA
run -q overlap.lua
grep -q "overlap.lua:6: warning: run: jobs 'x' and 'job2' both use host 2 (and perhaps more): they share its NIC and its compute" "$T/err"
ok $(( status != 0 || $? )) "two jobs on one host: a warning, and the run goes on ($(head -c 200 "$T/err"))"
run -q --isolation -o one.h5 "$SRCDIR/scripts/examples/quickstart.lua"
grep -q 'isolation compares the jobs of a run of several.*nothing to compare' "$T/err"
ok $(( status != 0 || $? )) '--isolation on a run of one workload: a warning'

finish
