#!/bin/sh
# moe_h5.sh - w:moe as simulated, read back from the HDF5 file: per-pair
# dispatch bytes within sampling error of tokens x top_k x hidden x dtype x
# (experts on the destination / experts), the combine the exact transpose,
# /moe_layers times following the compute chain to the picosecond, and its
# byte counts equal to the transfers of each alltoall; the same seed gives
# the same routing, another seed another.
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
[ -n "$PY" ] || skip_all 'no Python with h5py'
plan 6

scenario moe.lua <<'LUA'
local fab = netsim.star{ hosts = 4, rate = "100Gbps", latency = "1us" }
local w = netsim.workload()
local c = w:compute{ node = 2, duration = "3us" }
w:moe{ hosts = fab:hosts(), experts = 8, top_k = 2, tokens = 4000, hidden = 256, dtype_bytes = 2, after = c,
       layers = 2, backward = true, compute = { attention = "7us", per_token = "3ns" } }
netsim.run{ fabric = fab, workload = w, output = param("out", "moe.h5") }
LUA
run -q -s 12 moe.lua
is "$status" 0 "a 2-layer MoE with a backward pass runs"
[ "$status" -eq 0 ] || sed 's/^/#   /' "$T/err"

check "dispatch bytes per pair: T k hidden dtype E_b/E, within 5 binomial sd" '
p = 2 / E                                  # 2 experts on each host
want, sd = T * k * p * hidden * dtype, math.sqrt(T * k * p * (1 - p)) * hidden * dtype
for row in m[m["pass"] == b"forward"]:
    a = matrix(row["dispatch_coll"])
    for i in range(n):
        for j in range(n):
            if i != j:
                print("# layer %d %d->%d: %d bytes (expected %.0f +- %.0f)" % (row["layer"], i + 1, j + 1, a[i, j], want, 5 * sd))
                ok &= abs(a[i, j] - want) <= 5 * sd
'
check "the combine moves the transpose of the dispatch, and the backward pass the same bytes" '
fw = {r["layer"]: r for r in m[m["pass"] == b"forward"]}
for row in m:
    d, c = matrix(row["dispatch_coll"]), matrix(row["combine_coll"])
    ok &= np.array_equal(c, d.T) and np.array_equal(d, matrix(fw[row["layer"]]["dispatch_coll"]))
    ok &= int(d.sum()) == int(row["dispatch_bytes"])
print("# ok" if ok else "# mismatch")
'
check "/moe_layers times follow the compute chain exactly" '
rows = list(m)
prev_end = 3_000_000                      # the MoE comes after a 3 us compute
for r in rows:
    times = 2 if r["pass"] == b"backward" else 1
    if r["pass"] == b"forward":
        ok &= r["dispatch_start_ps"] == prev_end + att
    else:
        ok &= r["dispatch_start_ps"] == prev_end
    ok &= r["combine_start_ps"] == r["dispatch_finish_ps"] + times * per_token * r["tokens_max"]
    ok &= r["dispatch_ps"] == r["dispatch_finish_ps"] - r["dispatch_start_ps"]
    ok &= r["combine_ps"] == r["combine_finish_ps"] - r["combine_start_ps"]
    prev_end = r["combine_finish_ps"] + (2 * att if r["pass"] == b"backward" else 0)
    print("# %s %d: dispatch %d..%d, combine %d..%d" % (r["pass"].decode(), r["layer"], r["dispatch_start_ps"],
          r["dispatch_finish_ps"], r["combine_start_ps"], r["combine_finish_ps"]))
ok &= int(f["summary"].attrs["makespan_ps"]) == prev_end
'
check "/moe_layers rows point at alltoall rows of /collectives with the same times" '
for r in m:
    for side in ("dispatch", "combine"):
        c = colls[r[side + "_coll"]]
        ok &= c["kind"] == b"alltoall" and c["start_ps"] == r[side + "_start_ps"] and c["finish_ps"] == r[side + "_finish_ps"]
ok &= [ (int(r["layer"]), r["pass"]) for r in m ] == [(1, b"forward"), (2, b"forward"), (2, b"backward"), (1, b"backward")]
'
run_checks '
import math, h5py, numpy as np
f = h5py.File("'"$T"'/moe.h5", "r")
x, colls, m = f["transfers"][:], f["collectives"][:], f["moe_layers"][:]
ops = f["ops"][:]
n, E, k, T, hidden, dtype = 4, 8, 2, 4000, 256, 2
att, per_token = 7_000_000, 3000          # ps
def matrix(coll):
    a = np.zeros((n + 1, n + 1), dtype=np.int64)
    for r in x:
        if ops[r["op"]]["parent"] == coll:
            a[r["src"], r["dst"]] += r["bytes"]
    return a[1:, 1:]'

# the same seed, the same routing; another seed, another
run -q -s 12 moe.lua out=same.h5
run -q -s 13 moe.lua out=other.h5
"$PY" - "$T" <<'PY'
import sys, h5py, numpy as np
d = sys.argv[1]
a, b, c = (h5py.File("%s/%s.h5" % (d, n), "r") for n in ("moe", "same", "other"))
same = all(np.array_equal(a[t][:], b[t][:]) for t in ("transfers", "moe_layers", "ops"))
other = not np.array_equal(a["moe_layers"]["tokens_max"], c["moe_layers"]["tokens_max"]) or \
        not np.array_equal(a["transfers"]["bytes"], c["transfers"]["bytes"])
print("# same seed identical: %s, other seed differs: %s" % (same, other))
sys.exit(0 if same and other else 1)
PY
ok $? "seed 12 twice gives identical /transfers, /ops and /moe_layers; seed 13 routes differently"
finish
