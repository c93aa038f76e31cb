#!/bin/sh
# collectives_h5.sh - what collectives write to the results file: one
# /collectives row each with its NIC lower bound (computed here by hand),
# every op's parent, and permutations that are derangements, the same for
# the same seed and unchanged by a later permutation.
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
[ -n "$PY" ] || skip_all 'no Python with h5py'
plan 6

scenario coll.lua <<'EOF2'
local fab = netsim.star{ hosts = 8, rate = "100Gbps", latency = "1us" }
local w = netsim.workload()
local B = 8 * 4032 * 10
local h5 = { 1, 2, 3, 4, 5 }
local a = w:allreduce{ hosts = fab:hosts(), bytes = B, label = "ar" }
a = w:allreduce{ hosts = h5, bytes = 4 * 1000, algorithm = "halving_doubling", after = a }
a = w:reducescatter{ hosts = fab:hosts(), bytes = B, after = a }
a = w:allreduce{ hosts = fab:hosts(), bytes = B, algorithm = "direct", after = a }
local m = {}
for i = 1, 5 do m[i] = {} for j = 1, 5 do m[i][j] = (i == 2 or j == 4) and 5000 or 100 end end
a = w:alltoall{ hosts = h5, matrix = m, after = a }
w:alltoall{ hosts = fab:hosts(), bytes = 999, algorithm = "pairwise", after = a }
netsim.run{ fabric = fab, workload = w, output = "coll.h5" }
EOF2
run -q coll.lua
is "$status" 0 'collectives scenario runs'
cat >"$T/check.py" <<'EOF2'
import sys, h5py
f = h5py.File(sys.argv[1], "r")
c = f["collectives"][:]
ops = f["ops"][:]
B = 8 * 4032 * 10
ps = lambda nic: round(nic * 8 * 1e12 / 100e9)
# row sums and column sums of the 5x5 matrix (diagonal ignored)
rows = [sum((5000 if (i == 2 or j == 4) else 100) for j in range(1, 6) if j != i) for i in range(1, 6)]
cols = [sum((5000 if (i == 2 or j == 4) else 100) for i in range(1, 6) if j != i) for j in range(1, 6)]
want = [
    ("allreduce", "ring", 8, B, ps(2 * 7 * B / 8)),
    # the folded odd rank: halves 2000, 1000, doubles 1000, 2000, returns 4000
    ("allreduce", "halving_doubling", 5, 4000, ps(2000 + 1000 + 1000 + 2000 + 4000)),
    ("reducescatter", "ring", 8, B, ps(7 * B / 8)),
    ("allreduce", "direct", 8, B, ps(2 * 7 * B / 8)),
    ("alltoall", "direct", 5, 5000, ps(max(rows + cols))),
    ("alltoall", "pairwise", 8, 999, ps(7 * 999)),
]
bad = 0
for k, (kind, alg, ranks, nbytes, lb) in enumerate(want):
    r = c[k]
    got = (r["kind"].decode(), r["algorithm"].decode(), int(r["ranks"]), int(r["bytes"]), int(r["lower_bound_ps"]))
    if got != (kind, alg, ranks, nbytes, lb):
        print("# row %d: got %s, expected %s" % (k, got, (kind, alg, ranks, nbytes, lb)))
        bad = 1
    mine = ops[ops["parent"] == k]
    if not (r["start_ps"] == mine["start_ps"].min() and r["finish_ps"] == mine["finish_ps"].max()):
        print("# row %d: start/finish are not those of its ops" % k)
        bad = 1
    if r["finish_ps"] < r["start_ps"] + r["lower_bound_ps"]:
        print("# row %d finishes before its lower bound" % k)
        bad = 1
if len(c) != len(want) or (ops["parent"] < 0).any():
    print("# %d rows; %d ops without a parent" % (len(c), (ops["parent"] < 0).sum()))
    bad = 1
sys.exit(bad)
EOF2
"$PY" "$T/check.py" "$T/coll.h5"
ok $? '/collectives rows: kind, algorithm, ranks, bytes, lower bound = busiest NIC bytes / rate; ops carry their parent'

scenario perm.lua <<'EOF2'
local extra = param("extra", false)
local fab = netsim.star{ hosts = 16, rate = "100Gbps", latency = "1us" }
local w = netsim.workload()
local p = w:permutation{ hosts = fab:hosts(), bytes = 1000 }
if extra then w:permutation{ hosts = fab:hosts(), bytes = 2000, after = p } end
netsim.run{ fabric = fab, workload = w }
EOF2
cat >"$T/perm.py" <<'EOF2'
import sys, h5py
t = h5py.File(sys.argv[1], "r")["transfers"][:]
t = t[t["bytes"] == 1000]
pairs = sorted((int(a), int(b)) for a, b in zip(t["src"], t["dst"]))
srcs, dsts = [a for a, b in pairs], sorted(b for a, b in pairs)
ok = srcs == list(range(1, 17)) and dsts == list(range(1, 17)) and all(a != b for a, b in pairs)
print(" ".join("%d>%d" % p for p in pairs))
sys.exit(0 if ok else 1)
EOF2
run -q perm.lua -o a.h5 -s 1
"$PY" "$T/perm.py" "$T/a.h5" >"$T/a.txt"
ok $? 'permutation: every host sends once and receives once, never to itself'
run -q perm.lua -o b.h5 -s 1
"$PY" "$T/perm.py" "$T/b.h5" >"$T/b.txt"
cmp -s "$T/a.txt" "$T/b.txt"
ok $? 'permutation: the same seed gives the same permutation'
run -q perm.lua -o c.h5 -s 2
"$PY" "$T/perm.py" "$T/c.h5" >"$T/c.txt"
cmp -s "$T/a.txt" "$T/c.txt"
ok $((! $?)) 'permutation: another seed gives another permutation'
run -q perm.lua -o d.h5 -s 1 extra=true
"$PY" "$T/perm.py" "$T/d.h5" >"$T/d.txt"
cmp -s "$T/a.txt" "$T/d.txt"
ok $? 'permutation: adding a second permutation leaves the first unchanged'
finish
