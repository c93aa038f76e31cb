#!/bin/sh
# trace.sh - scripts/netsim-trace writes a Chrome/Perfetto JSON trace that
# Python's json reads back: one slice per finished compute op and transfer,
# one per (collective, host that sends in it), at the times of the HDF5 file
# to the picosecond; slices on one track nest properly (never a partial
# overlap), transfers of a collective lie inside its slice; one process per
# host, named after it.
export PYTHONDONTWRITEBYTECODE=1
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
[ -n "$PY" ] || skip_all 'no Python 3 with h5py (Debian: python3-h5py)'
"$PY" -c 'import pandas' 2>/dev/null || skip_all 'no pandas for that Python (Debian: python3-pandas)'
export NETSIM_PYTHON="$PY"
plan 9

scenario t.lua <<'LUA'
local fab = netsim.star{ hosts = 4, rate = "100Gbps", latency = "1us" }
local w = netsim.workload()
local ar = w:allreduce{ hosts = fab:hosts(), bytes = "4MB", algorithm = "ring" }
local c = w:compute{ node = 1, duration = "50us", after = { ar } }
local a2a = w:alltoall{ hosts = fab:hosts(), bytes = "200KB", after = { c } }
w:transfer{ src = 2, dst = 3, bytes = "1MB", after = { c } }
netsim.run{ fabric = fab, workload = w, output = "t.h5" }
LUA
run -q t.lua
is "$status" 0 'a run with a ring allreduce, a compute op, an alltoall and a transfer'
"$SRCDIR/scripts/netsim-trace" "$T/t.h5" -o "$T/t.json" >"$T/tr.out" 2>&1
is "$?" 0 'netsim-trace exits 0'

"$PY" - "$T/t.h5" "$T/t.json" >"$T/check" 2>&1 <<'PY'
import json, sys, collections
import h5py
h5, js = sys.argv[1:]
d = json.load(open(js))
ev = d["traceEvents"]
X = [e for e in ev if e["ph"] == "X"]
with h5py.File(h5) as f:
    ops = f["ops"][:]
    xf = f["transfers"][:]
    nodes = f["topology/nodes"][:]
kinds = {i: k.decode() if isinstance(k, bytes) else k for i, k in enumerate(["compute", "transfer", "marker", "delay"])}
def kind(o):
    k = o["kind"]
    return k.decode() if isinstance(k, bytes) else kinds.get(int(k), str(k))
comp = [o for o in ops if kind(o) == "compute"]
tr = [o for o in ops if kind(o) == "transfer"]
colls = collections.Counter((int(o["node"]), int(o["parent"])) for o in tr if o["parent"] >= 0)
by = collections.Counter(e["cat"] for e in X)
print("compute", by["compute"], len(comp))
print("transfer", by["transfer"], len(xf))
print("collective", by["collective"], len(colls))
# times: every transfer slice at its op's times, to the picosecond (args) and in us (ts, dur)
t_of = {int(o["id"]): (int(o["start_ps"]), int(o["finish_ps"])) for o in ops}
bad = 0
compared = 0
for e in X:
    if e["cat"] in ("transfer", "compute"):
        s, f_ = t_of[e["args"]["op"]]
        compared += 1
        if (e["args"]["start_ps"], e["args"]["finish_ps"]) != (s, f_) or abs(e["ts"] - s * 1e-6) > 1e-9 \
                or abs(e["dur"] - (f_ - s) * 1e-6) > 1e-9:
            bad += 1
print("times", compared, bad)
# nesting: on each track, slices either nest or are disjoint
tracks = collections.defaultdict(list)
for e in X:
    tracks[(e["pid"], e["tid"])].append((e["args"]["start_ps"], -e["args"]["finish_ps"], e))
partial = 0
pairs = 0
for lst in tracks.values():
    lst.sort(key=lambda t: (t[0], t[1]))
    stack = []
    for s, negf, e in lst:
        f_ = -negf
        while stack and stack[-1] <= s:
            stack.pop()
        if stack and f_ > stack[-1]:
            partial += 1
        pairs += 1
        stack.append(f_)
print("nesting", pairs, partial)
# a collective's transfers on its own track lie inside it
inside = 0
outside = 0
for e in X:
    if e["cat"] != "collective":
        continue
    for g in X:
        if g["cat"] == "transfer" and (g["pid"], g["tid"]) == (e["pid"], e["tid"]) and \
                g["args"]["start_ps"] < e["args"]["finish_ps"] and g["args"]["finish_ps"] > e["args"]["start_ps"]:
            ok = e["args"]["start_ps"] <= g["args"]["start_ps"] and g["args"]["finish_ps"] <= e["args"]["finish_ps"]
            inside += ok
            outside += not ok
print("inside", inside, outside)
names = sorted(e["args"]["name"] for e in ev if e["name"] == "process_name")
hosts = sorted((n["name"].decode() if isinstance(n["name"], bytes) else n["name"]) for n in nodes
               if (n["kind"].decode() if isinstance(n["kind"], bytes) else n["kind"]) == "host")
print("hosts", names == hosts, len(names))
PY
sed 's/^/# /' "$T/check"
# by hand: a ring allreduce over 4 hosts is 2 (4 - 1) steps of 4 transfers
# (24), the alltoall 4 x 3 transfers (12), plus one transfer: 37
grep -q '^transfer 37 37$' "$T/check"; ok $? 'one slice per transfer: 24 (ring) + 12 (alltoall) + 1'
grep -q '^compute 1 1$' "$T/check"; ok $? 'one slice per compute op'
grep -q '^collective 8 8$' "$T/check"; ok $? 'one collective slice per (collective, sending host): 4 + 4'
grep -q '^times 38 0$' "$T/check"; ok $? 'every slice at the times of the HDF5 file'
grep -Eq '^nesting [1-9][0-9]* 0$' "$T/check"; ok $? 'slices on a track nest or are disjoint'
grep -Eq '^inside [1-9][0-9]* 0$' "$T/check"; ok $? "a collective's transfers on its track lie inside it"
grep -q '^hosts True 4$' "$T/check"; ok $? 'one process per host, named after it'
finish
