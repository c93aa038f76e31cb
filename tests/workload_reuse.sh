#!/bin/sh
# workload_reuse.sh - a workload run, changed, and run again. netsim.run
# seals a workload (its dependencies kept only as successor lists, which
# the run borrows); an op or dependency added after that unseals it, and
# the next run has it all. On an idle star, transfers of 1 MB one after
# another each take the same time T alone: a chain of two takes 2T, the
# chain grown to three takes 3T, to the picosecond, and the two runs of
# one scenario are the same with and without a run in between.
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
plan 5
scenario chain.lua <<'LUA'
local fab = netsim.star{ hosts = 3, rate = "10Gbps", latency = "1us" }
local w = netsim.workload()
local a = w:transfer{ src = 1, dst = 2, bytes = "1MB" }
local b = w:transfer{ src = 2, dst = 3, bytes = "1MB", after = { a } }
if param("first", 1) == 1 then
  netsim.run{ fabric = fab, workload = w, model = "flow", output = "two.h5" }
end
w:transfer{ src = 3, dst = 1, bytes = "1MB", after = { b } }
netsim.run{ fabric = fab, workload = w, model = "flow", output = "three.h5" }
LUA
run --json -q chain.lua
is "$status" 0 'a workload run, grown and run again'
/usr/bin/python3 - "$T/out" > "$T/r" 2>&1 <<'PY'
import json, sys
runs = json.load(open(sys.argv[1]))["runs"]
t = [r["transfers"] for r in runs]
m = [r["makespan_ps"] for r in runs]
print("transfers %s makespans %s" % (t, m))
assert t == [2, 3] and all(r["transfers_done"] == r["transfers"] for r in runs), t
assert 2 * m[1] == 3 * m[0], m
PY
ok $? "the second run has the third transfer, 3T after 2T ($(cat "$T/r"))"
mv "$T/out" "$T/out.both"
run --json -q chain.lua first=0
is "$status" 0 'the grown workload run alone'
/usr/bin/python3 -c 'import json,sys; a=json.load(open(sys.argv[1]))["runs"][1]; b=json.load(open(sys.argv[2])); assert a["makespan_ps"] == b["makespan_ps"] and a["events"] == b["events"], (a, b)' \
    "$T/out.both" "$T/out" > "$T/r" 2>&1
ok $? "it runs as it did after a run of the sealed chain ($(cat "$T/r"))"
/usr/bin/python3 -c 'import h5py,sys; o=h5py.File(sys.argv[1])["ops"][:]; assert len(o) == 3 and o[2]["start_ps"] == o[1]["finish_ps"] > o[1]["start_ps"] == o[0]["finish_ps"] > 0, o' \
    "$T/three.h5" > "$T/r" 2>&1
ok $? "its /ops: the new transfer starts when the one it waits for finishes ($(cat "$T/r"))"
finish
