#!/bin/sh
# summary_names.sh - issue 19, items 1 and 4: the summary names links
# (leaf1->spine1, with the id), has one "losses" line (drops, timeouts, PFC
# pauses), /topology/links has a `name` column, and a run whose result
# hinges on an artefact netsim can see gets a warning:
#  - buffers or ECN given to the ideal transport, which ignores them;
#  - a transport that reacts to ECN on a fabric where no switch marks;
#  - ECN marking from a kmin no port can hold (its buffer, or alpha /
#    (1 + alpha) of a shared pool: 8/9 x 64 KB = 56.9 KB): the run then
#    marks nothing, and a kmin below what a port holds marks.
# Numbers by hand: a 2-leaf, 1-spine leaf-spine with 2 hosts per leaf; host1
# and host2 (leaf1) send 4 MB each to host3 and host4 (leaf2): both flows
# cross leaf1->spine1 and spine1->leaf2, the busiest links.
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
[ -n "$PY" ] || skip_all 'no Python 3 with h5py (Debian: python3-h5py)'
plan 21

scenario two.lua <<'LUA'
local sw = param("switch", "default")
local t = nil
if sw == "noecn" then t = { ecn = false } elseif sw == "given" then t = { buffer = "1MB" } end
local fab = netsim.leafspine{ leaves = 2, spines = 1, hosts_per_leaf = 2, switch = t,
  host_link = { rate = "100Gbps", latency = "1us" }, fabric_link = { rate = "100Gbps", latency = "1us" } }
local w = netsim.workload()
w:transfer{ src = 1, dst = 3, bytes = "4MB" }
w:transfer{ src = 2, dst = 4, bytes = "4MB" }
netsim.run{ fabric = fab, workload = w, transport = param("transport", "dctcp"), output = sw .. ".h5" }
LUA
run two.lua
is "$status" 0 'two flows through one spine under dctcp'
cp "$T/out" "$T/default.out"
grep -q '^congestion    max link load 0\.[0-9]* (leaf1->spine1, link [0-9]*), peak queue [0-9.]* KB (leaf1->spine1, link [0-9]*)$' "$T/out"
ok $? "the busiest link and the peak queue are named ($(grep congestion "$T/out"))"
grep -q '^losses        0 dropped, 0 timeouts, no PFC pause$' "$T/out"; ok $? 'a losses line: nothing lost, no pause'
[ ! -s "$T/err" ]; ok $? 'no warning on the default switch'
check '/topology/links.name: src->dst by node names, for every link' "
f = h5py.File(T + '/default.h5')
names = {int(r['id']): r['name'].decode() for r in f['topology/nodes'][:]}
for l in f['topology/links'][:]:
    ok &= l['name'].decode() == names[int(l['src'])] + '->' + names[int(l['dst'])]
ok &= b'leaf1->spine1' in set(f['topology/links']['name'])"
check 'the summary names the link whose id it gives' "
import re
out = open(T + '/default.out').read()
f = h5py.File(T + '/default.h5')
byid = {int(l['id']): l['name'].decode() for l in f['topology/links'][:]}
for name, i in re.findall(r'\(([^ ,]+), link (\d+)\)', out):
    ok &= byid[int(i)] == name"

run two.lua switch=noecn
is "$status" 0 'dctcp on switches with ecn = false'
grep -q 'warning: run: transport "dctcp" reacts to ECN marks, but no switch marks (ecn = false): it sees congestion as losses' "$T/err"
ok $? "a warning: dctcp on a fabric that never marks ($(head -c 200 "$T/err"))"
run two.lua switch=given transport=ideal
is "$status" 0 'the ideal transport on a switch given a buffer'
grep -q 'warning: run: transport "ideal" ignores switch buffers and ECN marking' "$T/err"
ok $? "a warning: the buffer has no effect ($(head -c 200 "$T/err"))"
run two.lua transport=ideal switch=plain
is "$status" 0 'the ideal transport on the default switch'
[ ! -s "$T/err" ]; ok $? 'no warning: the scenario set nothing the transport ignores'

scenario drops.lua <<'LUA'
local fab = netsim.star{ hosts = 5, rate = "100Gbps", latency = "1us", switch = { buffer = "40KB", ecn = false } }
local w = netsim.workload()
for s = 1, 4 do w:transfer{ src = s, dst = 5, bytes = "1MB" } end
netsim.run{ fabric = fab, workload = w, transport = "dctcp", output = "drops.h5" }
LUA
run drops.lua
cp "$T/out" "$T/drops.out"
check 'the losses line counts what the tables count' "
import re
out = open(T + '/drops.out').read()
f = h5py.File(T + '/drops.h5')
m = re.search(r'^losses +(\d+) dropped, (\d+) timeouts', out, re.M)
ok &= m is not None and int(m.group(1)) == int(f['ports']['drops'].sum()) > 0
ok &= int(m.group(2)) == int(f['transfers']['timeouts'].sum())"
scenario ecnk.lua <<'LUA'
local fab = netsim.star{ hosts = 9, rate = "100Gbps", latency = "1us",
  switch = { buffer = "64KB", shared = param("shared", "false") == "true",
             ecn = { kmin = param("kmin", "1MB"), kmax = "2MB" } } }
local w = netsim.workload()
for s = 2, 9 do w:transfer{ src = s, dst = 1, bytes = "400KB" } end
netsim.run{ fabric = fab, workload = w, transport = "dctcp", output = "ecnk.h5" }
LUA
marks_of() { grep -o '[0-9]* ECN-marked' "$T/out" | cut -d' ' -f1; }
run ecnk.lua kmin=64KB
grep -q 'warning: run: a switch marks ECN above 64 KB queued (ecn.kmin), but a port of it holds at most 64 KB (its buffer): no packet will be marked' "$T/err"
ok $? "a warning: kmin at the port's buffer ($(head -c 200 "$T/err"))"
is "$(marks_of)" 0 'and the run marks nothing'
run ecnk.lua kmin=50KB
[ ! -s "$T/err" ]; ok $? 'no warning: kmin 50 KB below the 64 KB a port holds'
[ "$(marks_of)" -gt 0 ]; ok $? "and the run marks ($(marks_of) packets)"
run ecnk.lua kmin=57KB shared=true
grep -q 'warning: run: a switch marks ECN above 57 KB queued (ecn.kmin), but a port of it holds at most 56.89 KB (alpha / (1 + alpha) of its shared buffer)' "$T/err"
ok $? "a warning: kmin above 8/9 of a shared 64 KB ($(head -c 200 "$T/err"))"
is "$(marks_of)" 0 'and the run marks nothing'
run ecnk.lua kmin=50KB shared=true
[ ! -s "$T/err" ]; ok $? 'no warning: kmin 50 KB below 8/9 of a shared 64 KB'
[ "$(marks_of)" -gt 0 ]; ok $? "and the run marks ($(marks_of) packets)"

run_checks "import h5py
T = '$T'"
finish
