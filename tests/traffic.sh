#!/bin/sh
# traffic.sh - open-loop traffic as simulated: a replayed trace starts each
# transfer at its time exactly; background arrivals are a Poisson process
# (exponential gaps, sources uniform, destinations never the source), checked
# from the HDF5 file against numbers computed here.
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
[ -n "$PY" ] || skip_all 'no Python with h5py'
plan 10

# --- replay: three lines out of time order, units, a header and a comment --------
cat >"$T/trace.csv" <<'CSV'
# time, src, dst, bytes, label
time,src,dst,bytes,label
0.5ms, 1, 2, 1MB, first
0, 2, 3, 1000
1.5e-3,3,1,64KiB,third
CSV
scenario replay.lua <<'LUA'
local fab = netsim.star{ hosts = 3, rate = "100Gbps", latency = "1us" }
local w = netsim.workload()
local c = w:compute{ node = 1, duration = "2ms", label = "before" }
local h, info = w:replay{ file = "trace.csv", label = "rp", after = c }
assert(info.flows == 3 and info.bytes == 1000000 + 1000 + 65536, "info")
netsim.run{ fabric = fab, workload = w, output = "replay.h5" }
LUA
run -q replay.lua
is "$status" 0 "a 3-line trace replays"
[ "$status" -eq 0 ] || sed 's/^/#   /' "$T/err"
"$PY" - "$T/replay.h5" <<'PY'
import sys, h5py
f = h5py.File(sys.argv[1], "r")
x = f["transfers"][:]
ops = f["ops"][:]
t0 = 2_000_000_000                      # the replay comes after a 2 ms compute
want = [(1, 2, 1000000, t0 + 500_000_000, b"first"), (2, 3, 1000, t0, b"rp"),
        (3, 1, 65536, t0 + 1_500_000_000, b"third")]
got = [(int(r["src"]), int(r["dst"]), int(r["bytes"]), int(r["start_ps"]), ops[r["op"]]["label"]) for r in x]
print("# got ", got)
print("# want", want)
sys.exit(got != want)
PY
ok $? "the 3 transfers, in file order, start at their times exactly (after the 'after' op)"

# --- background: arrivals, sources, gaps -----------------------------------------
scenario bg.lua <<'LUA'
local fab = netsim.star{ hosts = 8, rate = "100Gbps", latency = "1us" }
local w = netsim.workload{ seed = 5 }
w:background{ hosts = fab:hosts(), load = 0.4, sizes = { cdf = "u.cdf" }, duration = "1ms", fabric = fab }
netsim.run{ fabric = fab, workload = w, output = "bg.h5" }
LUA
printf '1000 0\n3000 1\n' >"$T/u.cdf"
run -q bg.lua
is "$status" 0 "background on a star runs"
[ "$status" -eq 0 ] || sed 's/^/#   /' "$T/err"
near() {   # near NAME CODE: CODE sets got, want, tol; the check holds when |got - want| <= tol
    check "$1" "$2
ok = abs(got - want) <= tol
print('# %s: got %.6g, expected %.6g +- %.3g' % ('$1', got, want, tol))"
}
near "arrivals in 1 ms: lambda x T" 'got, want, tol = n, lam * dur, 5 * math.sqrt(lam * dur)'
near "mean gap between arrivals: 1 / lambda" \
    'g = np.diff(t); got, want, tol = g.mean(), 1 / lam, 5 / lam / math.sqrt(len(g))'
near "gaps longer than 1/lambda: a fraction exp(-1) (exponential gaps)" \
    'g = np.diff(t); p = math.exp(-1); got, want, tol = (g > 1 / lam).mean(), p, 5 * math.sqrt(p * (1 - p) / len(g))'
near "the busiest source: within 5 sd of n / 8 (sources uniform)" \
    'c = np.bincount(x["src"], minlength=9)[1:]; k = np.argmax(abs(c - n / H)); got, want, tol = c[k], n / H, 5 * math.sqrt(n * (1 / H) * (1 - 1 / H))'
near "no flow goes to its own source" 'got, want, tol = int((x["src"] == x["dst"]).sum()), 0, 0'
run_checks '
import math, h5py, numpy as np
f = h5py.File("'"$T"'/bg.h5", "r")
x = f["transfers"][:]
H, load, rate, mean, dur = 8, 0.4, 100e9, 2000.0, 1e-3
lam = load * H * rate / (8 * mean)          # flows per second, all hosts
t = np.sort(x["start_ps"].astype(np.int64)) * 1e-12
n = len(x)'

# --- background: its flows do not depend on the ops made before it -------------
scenario bg2.lua <<'LUA'
local extra = param("extra", 0)
local fab = netsim.star{ hosts = 8, rate = "100Gbps", latency = "1us" }
local w = netsim.workload{ seed = 5 }
for i = 1, extra do w:compute{ node = 1, duration = 0, label = "unrelated" } end
w:background{ hosts = fab:hosts(), load = 0.4, sizes = { cdf = "u.cdf" }, duration = "1ms", fabric = fab }
netsim.run{ fabric = fab, workload = w, output = param("out", "bg2.h5") }
LUA
run -q bg2.lua extra=0 out=a.h5 && run -q bg2.lua extra=3 out=b.h5
is "$status" 0 "background after 0 and after 3 unrelated ops runs"
"$PY" - "$T/a.h5" "$T/b.h5" <<'PY'
import sys, h5py
a, b = (h5py.File(p, "r")["transfers"][:] for p in sys.argv[1:])
key = lambda x: [(int(r["src"]), int(r["dst"]), int(r["bytes"]), int(r["start_ps"])) for r in x]
print("# %d and %d flows" % (len(a), len(b)))
sys.exit(not (len(a) > 100 and key(a) == key(b)))
PY
ok $? "the same background flows with or without 3 ops before it (a stream per w:background)"
finish
