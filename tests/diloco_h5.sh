#!/bin/sh
# diloco_h5.sh - what w:diloco writes to the results file: /iterations
# (start, finish, blocked time, bytes sent per worker and step) and /workers,
# against hand calculations; straggler factors with the distribution asked.
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
[ -n "$PY" ] || skip_all 'no Python with h5py'
plan 6

# two workers of 10 and 15 ms per step, diloco with H = 4 and free syncs:
# worker 1 waits 4 x 5 ms at every sync; then streaming on a pair
scenario het.lua <<'EOF2'
local fab = netsim.pair{ rate = "10Gbps", latency = "1ms" }
local w = netsim.workload()
local d = w:diloco{ workers = { { 1 }, { 2 } }, params = 1000000, bytes_per_param = 0,
                    step_time = { "10ms", "15ms" }, inner_steps = 4, outer_steps = 3 }
w:diloco{ workers = { { 1 }, { 2 } }, params = 1000000, layers = 4, step_time = "10ms", mode = "streaming",
          inner_steps = 4, outer_steps = 2, fragments = 2, overlap = 1, quant_bits = 8, after = d }
netsim.run{ fabric = fab, workload = w, output = "het.h5" }
EOF2
run -q het.lua
is "$status" 0 'two schedules run'
cat >"$T/het.py" <<'EOF2'
import sys, h5py
f = h5py.File(sys.argv[1], "r")
it, wk = f["iterations"][:], f["workers"][:]
MS = 10**9
bad = []
def want(cond, what):
    if not cond:
        bad.append(what)
want(len(it) == 2 * 12 + 2 * 8, "%d rows in /iterations" % len(it))
want(list(wk["worker"]) == [1, 2, 3, 4], "workers numbered 1..4 across both schedules")
for r in it[(it["worker"] <= 2)]:
    w, s = int(r["worker"]), int(r["step"])
    T = 10 * MS if w == 1 else 15 * MS
    blocked = 4 * 5 * MS if (w == 1 and s % 4 == 0) else 0
    want(r["blocked_ps"] == blocked, "worker %d step %d blocked %d" % (w, s, r["blocked_ps"]))
    want(r["finish_ps"] - r["start_ps"] == T + blocked, "worker %d step %d lasts" % (w, s))
    want(r["start_ps"] == (s - 1) // 4 * 60 * MS + (s - 1) % 4 * T, "worker %d step %d starts" % (w, s))
w12 = wk[wk["worker"] <= 2]
want(list(w12["compute_ps"]) == [120 * MS, 180 * MS] and list(w12["wall_ps"]) == [180 * MS, 180 * MS]
     and list(w12["blocked_ps"]) == [60 * MS, 0], "/workers times %s" % w12)
want(abs(w12["compute_utilization"][0] - 2 / 3) < 1e-12 and w12["compute_utilization"][1] == 1, "utilization")
# streaming: fragments of 500000 one-byte values, synced after steps 2, 4, 6, 8;
# each worker sends 500000 bytes in a ring over 2 ranks
st = it[it["worker"] >= 3]
for r in st:
    want(r["bytes_sent"] == (500000 if r["step"] % 2 == 0 else 0), "streaming bytes_sent %s" % (r,))
    want(r["start_ps"] >= 180 * MS, "the second schedule starts after the first")
want(wk["bytes_sent"][2] == 4 * 500000, "streaming: bytes per worker")
s = f["summary"].attrs
want(s["bytes_exchanged"] == 2 * 4 * 500000, "summary bytes_exchanged %s" % s["bytes_exchanged"])
want(abs(s["compute_utilization"] - (2 / 3 + 1 + 1 + 1) / 4) < 1e-12, "summary utilization %s" % s["compute_utilization"])
want(s["workers"] == 4, "summary workers")
for b in bad[:10]:
    print("# " + b)
sys.exit(1 if bad else 0)
EOF2
"$PY" "$T/het.py" "$T/het.h5"
ok $? '/iterations and /workers: start, finish, blocked time, bytes sent; the summary means them'

# stragglers: each step's time is step_time times a random factor
scenario strag.lua <<'EOF2'
local dist = param("dist", "lognormal")
local fab = netsim.pair{ rate = "10Gbps", latency = "1ms" }
local w = netsim.workload()
local s = dist == "lognormal" and { dist = "lognormal", sigma = 0.3, mu = 0.1 } or { dist = "gamma", shape = 4 }
w:diloco{ workers = { { 1 }, { 2 } }, params = 1000, step_time = "1ms", mode = "dp", steps = 1000, straggler = s }
netsim.run{ fabric = fab, workload = w }
EOF2
cat >"$T/strag.py" <<'EOF2'
import sys, h5py, numpy as np
it = h5py.File(sys.argv[1], "r")["iterations"][:]
kind = sys.argv[2]
f = {w: (it[it["worker"] == w]["finish_ps"] - it[it["worker"] == w]["start_ps"] - it[it["worker"] == w]["blocked_ps"]) / 1e9
     for w in (1, 2)}
ok = True
for w in (1, 2):
    x = f[w]
    if kind == "lognormal":
        m, s = np.log(x).mean(), np.log(x).std()
        # 1000 draws: standard errors 0.0095 (mean) and 0.0067 (sd)
        good = abs(m - 0.1) < 0.04 and abs(s - 0.3) < 0.03
    else:
        m, s = x.mean(), x.var()
        # Gamma(4, 1/4): mean 1 (s.e. 0.016), variance 0.25
        good = abs(m - 1) < 0.065 and abs(s - 0.25) < 0.06
    print("# worker %d: %s %.4f %.4f" % (w, kind, m, s))
    ok = ok and good
ok = ok and not np.array_equal(f[1], f[2])
sys.exit(0 if ok else 1)
EOF2
run -q strag.lua -o ln.h5
"$PY" "$T/strag.py" "$T/ln.h5" lognormal
ok $? 'lognormal stragglers: log factors have the mean and sigma asked, workers draw apart'
run -q strag.lua -o ga.h5 dist=gamma
"$PY" "$T/strag.py" "$T/ga.h5" gamma
ok $? 'gamma stragglers: factors of mean 1 and variance 1/shape'
cat >"$T/same.py" <<'EOF2'
import sys, h5py, numpy as np
a, b = (h5py.File(p, "r")["iterations"][:] for p in sys.argv[1:3])
sys.exit(0 if np.array_equal(a, b) else 1)
EOF2
run -q strag.lua -o ln2.h5
"$PY" "$T/same.py" "$T/ln.h5" "$T/ln2.h5"
ok $? 'stragglers: the same seed gives the same steps'
run -q strag.lua -o ln3.h5 -s 7
"$PY" "$T/same.py" "$T/ln.h5" "$T/ln3.h5"
ok $((! $?)) 'stragglers: another seed gives other steps'
finish
