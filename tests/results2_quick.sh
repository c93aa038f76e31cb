#!/bin/sh
# results2_quick.sh - results/streaming-diloco and results/moe-alltoall end
# to end on their tiny grids (run.sh --tiny): the sweeps give one CSV row per
# point, the analysis writes its PNG figures and tables; the numbers are
# checked against answers computed here: DiLoCo and Streaming DiLoCo
# utilisation from the sync time of a two-rank ring over the WAN, the peak
# bandwidths, the MoE capacity cap, bytes conservation and the lower bound.
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
[ -n "$PY" ] || skip_all 'no Python 3 with h5py (Debian: python3-h5py)'
"$PY" -c 'import pandas, matplotlib' 2>/dev/null || skip_all 'no pandas or matplotlib for that Python'
command -v parallel >/dev/null 2>&1 || skip_all 'no GNU parallel (Debian: parallel)'
export NETSIM NETSIM_PYTHON="$PY"
plan 34

png() {   # png FILE: exists and starts with the PNG signature
    [ -s "$1" ] && [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]
}
rows() { [ -f "$1" ] && echo $(( $(wc -l <"$1") - 1 )); }   # CSV rows below the header

# --- Streaming DiLoCo -------------------------------------------------------
D=$T/diloco
sh "$SRCDIR/results/streaming-diloco/run.sh" --tiny -o "$D" -j 2 >"$T/dil.out" 2>&1
st=$?
ok $st 'streaming-diloco: run.sh --tiny exits 0'
[ $st = 0 ] || sed 's/^/# /' "$T/dil.out" | tail -20
is "$(rows "$D/main/results.csv")" 10 'streaming-diloco: 10 points (5 methods x 2 rates) in main/results.csv'
is "$(rows "$D/check-packet/results.csv")" 1 'streaming-diloco: the packet-model check point'
png "$D/utilisation.png" && png "$D/bandwidth_needed.png" && png "$D/latency.png"
ok $? 'streaming-diloco: three PNG figures'
grep -q '^| 1B | DiLoCo | ' "$D/tables.md"; ok $? 'streaming-diloco: the bandwidth table has a DiLoCo row'

# Known answers, by hand: 1B parameters x 2 bytes, 4 shards of a 2-rank ring over
# the WAN (each worker sends all its bytes, in 2 steps), 9000-byte packets with
# 64-byte headers, path latency 1 ms + 6 x 1 us, one packet store-and-forward on
# the WAN per step; 100 steps of 0.1 s per outer step.
"$PY" - "$D/main/results.csv" >"$T/dil.chk" <<'PY'
import sys, math, pandas as pd
df = pd.read_csv(sys.argv[1]).set_index(["method", "gbps"])
def sync(x, R):                 # x bytes per worker, R bit/s
    pk = math.ceil(x / 8 / 8936)
    return 8 * (x + 8 * pk * 64) / R + 2 * (1e-3 + 6e-6 + 8 * 9000 / R)
H, t, B = 100, 0.1, 2e9
u = df.loc[("diloco", 10), "compute_utilization"]
print("diloco10", abs(u - H * t / (H * t + sync(B, 10e9))) < 1e-6, u)
u = df.loc[("diloco", 1), "compute_utilization"]
print("diloco1", abs(u - H * t / (H * t + sync(B, 1e9))) < 1e-6, u)
# streaming without overlap: 8 fragment syncs of B/8, each blocking
u = df.loc[("streaming", 10), "compute_utilization"]
print("streaming10", abs(u - H * t / (H * t + 8 * sync(B / 8, 10e9))) < 1e-6, u)
# with overlap 1: a fragment blocks by its sync time minus one step; the summary
# leaves out the 16th sync of the two outer steps (it ends after the last step)
u = df.loc[("streaming_overlap", 1), "compute_utilization"]
want = 2 * H * t / (2 * H * t + 15 * (sync(B / 8, 1e9) - t))
print("overlap1", abs(u - want) < 1e-6, u, want)
# 4-bit fragments (62.5 MB) take 52 ms at 10 Gbit/s < one step: nothing blocks
print("4bit10", df.loc[("streaming_4bit", 10), "compute_utilization"] == 1.0)
peaks = {m: df.loc[(m, 10), "peak_bandwidth_bps"] for m in ("dp", "diloco", "streaming", "streaming_4bit")}
# dp: 2 GB a step of 0.1 s; diloco: 2 GB in one step; streaming: 1/8 in one step; 4-bit: 1/4 of that
print("peaks", peaks["dp"] == 8 * B / t and peaks["diloco"] == 8 * B / t and
      peaks["streaming"] == 8 * B / 8 / t and peaks["streaming_4bit"] == 8 * B / 8 / 4 / t, peaks)
PY
sed 's/^/# /' "$T/dil.chk"
grep -q '^diloco10 True' "$T/dil.chk"; ok $? 'DiLoCo at 10 Gbit/s: utilisation = H t / (H t + sync time)'
grep -q '^diloco1 True' "$T/dil.chk"; ok $? 'DiLoCo at 1 Gbit/s: the same formula'
grep -q '^streaming10 True' "$T/dil.chk"; ok $? 'Streaming DiLoCo, no overlap: 8 blocking fragment syncs'
grep -q '^overlap1 True' "$T/dil.chk"; ok $? 'Streaming DiLoCo, overlap 1: each sync blocks by its time minus a step'
grep -q '^4bit10 True' "$T/dil.chk"; ok $? '4-bit fragments fit in one step at 10 Gbit/s: utilisation 1'
grep -q '^peaks True' "$T/dil.chk"; ok $? 'peak bandwidths: 160, 160, 20 and 5 Gbit/s'

# The paper's own setting (one host a worker, no WAN latency, steps by layer,
# every layer its own sync): 24 layers of 1e9/24 parameters; forwards take
# T/3, backwards 2T/3 / 24 a layer; layer k (from the top) is released at
# T/3 + k b and the syncs queue one after the other, so layer 1's (the last)
# ends at E = max_k (T/3 + k b + (25 - k) S) and the next step's forward
# waits max(0, E - T). dp: 20 steps, 19 of them wait; diloco: 200 steps,
# one waits (the second outer step's sync gates no step).
is "$(rows "$D/paper/results.csv")" 10 "streaming-diloco: 10 points of the paper's setting"
grep -q "^### The paper's own setting against its Table 4" "$D/tables.md"
ok $? "streaming-diloco: tables.md compares with the paper's Table 4"
"$PY" - "$D/paper/results.csv" >"$T/paper.chk" <<'PY'
import sys, math, pandas as pd
df = pd.read_csv(sys.argv[1]).set_index(["method", "gbps"])
t, L = 0.1, 24
def sync(x, R):                 # a 2-rank ring of x bytes: per step 6 x 1 us of cables and a packet's
    h = x / 2                   # store-and-forward at each of the 6 switches (5 on 1.6 Tbit/s, 1 on the WAN)
    return 2 * (8 * (h + math.ceil(h / 8936) * 64) / R + 6e-6 + 8 * 9000 / R + 5 * 8 * 9000 / 1.6e12)
for R in (9.10298e9, 28.1177e9):
    S, b = sync(2e9 / L, R), 2 * t / 3 / L
    E = max(t / 3 + k * b + (L + 1 - k) * S for k in range(1, L + 1))
    w = max(0.0, E - t)
    u = df.loc[("dp", R / 1e9), "compute_utilization"]
    print("dp%g" % round(R / 1e9), abs(u - 20 * t / (20 * t + 19 * w)) < 1e-6, u)
    u = df.loc[("diloco", R / 1e9), "compute_utilization"]
    print("diloco%g" % round(R / 1e9), abs(u - 200 * t / (200 * t + w)) < 1e-6, u)
PY
sed 's/^/# /' "$T/paper.chk"
[ "$(grep -c ' True ' "$T/paper.chk")" = 4 ]
ok $? "paper's setting: dp and DiLoCo by layer at 9.1 and 28.1 Gbit/s = the queue of layer syncs by hand"

# --- MoE all-to-all ----------------------------------------------------------
M=$T/moe
sh "$SRCDIR/results/moe-alltoall/run.sh" --tiny -o "$M" -j 2 >"$T/moe.out" 2>&1
st=$?
ok $st 'moe-alltoall: run.sh --tiny exits 0'
[ $st = 0 ] || sed 's/^/# /' "$T/moe.out" | tail -20
is "$(rows "$M/main-flow/results.csv") $(rows "$M/main-packet/results.csv")" "4 4" \
    'moe-alltoall: 4 points (2 skews x 2 policies) in each model'
is "$(rows "$M/capacity/results.csv")" 2 'moe-alltoall: 2 capacity points'
png "$M/alltoall_vs_skew.png" && png "$M/capacity.png" && png "$M/packet_vs_flow.png"
ok $? 'moe-alltoall: three PNG figures'
grep -q '^| 2 | Zipf 1.5 | ' "$T/moe/tables.md"; ok $? 'moe-alltoall: the time table has a Zipf 1.5 row'
is "$(rows "$M/dispatch/results.csv")" 4 'moe-alltoall: 4 dispatch points (per expert or host, at most 2 hosts or none)'
# 256 experts on 32 hosts, top 8: a token reaches 32 (1 - C(248,8)/C(256,8)) = 7.267 hosts
# (5 sd over 4 layers of 1,024 tokens: 0.08); a per-host dispatch sends a copy to each
# but its own, 7.267 - 0.227, where a per-expert one sends 8 x 31/32
"$PY" - "$T/moe/tables.md" >"$T/disp.chk" <<'PY'
import sys
from math import comb
rows = {}
for l in open(sys.argv[1]):
    c = [x.strip() for x in l.strip().strip("|").split("|")]
    if len(c) == 7 and c[2] in ("per_expert", "per_host"):
        rows[(c[1], c[2])] = (float(c[3]), float(c[4]))
p = 1 - comb(248, 8) / comb(256, 8)
hpt, (h2, _) = rows[("none", "per_host")][0], rows[("2", "per_host")]
ratio = rows[("none", "per_host")][1] / rows[("none", "per_expert")][1]
want = (32 * p - p) / (8 * 31 / 32)
print("# hosts per token %.4f (hand %.4f), max 2: %.3f; per-host / per-expert bytes %.4f (hand %.4f)"
      % (hpt, 32 * p, h2, ratio, want))
print(abs(hpt - 32 * p) < 0.08 and h2 == 2.0 and abs(ratio - want) < 0.02)
PY
sed -n '1p' "$T/disp.chk"
grep -q '^True' "$T/disp.chk"; ok $? 'moe-alltoall: per-host dispatch carries the copies the hand probability gives'

"$PY" - "$M" >"$T/moe.chk" <<'PY'
import sys, glob, h5py, numpy as np
d = sys.argv[1]
cap_ok, bytes_ok, bound_ok = True, True, True
nfiles = ncap = 0     # a check over no file, or no capacity run, must not pass
for path in sorted(glob.glob(d + "/*/*.h5")):
    if path.endswith("results.h5"):
        continue
    nfiles += 1
    with h5py.File(path, "r") as f:
        p = dict(zip([x.decode() for x in f["scenario/params/name"][:]],
                     [x.decode() for x in f["scenario/params/value"][:]]))
        ml, co = f["moe_layers"][:], f["collectives"][:]
        total = f["summary"].attrs["bytes"]
    # capacity factor c: an expert takes floor(c x 32 hosts x T x k / 64) assignments; 2 experts a host
    if float(p["capacity"]) > 0:
        cap = int(float(p["capacity"]) * 32 * int(p["tokens"]) * int(p["top_k"]) / 64)
        ncap += 1
        # (at Zipf 1.5 the hottest expert wants ~45 % of all assignments: it is full)
        cap_ok &= bool(((ml["tokens_max"] >= cap) & (ml["tokens_max"] <= 2 * cap)).all())
    # conservation: the transfers carry each layer's dispatch bytes twice (dispatch, combine)
    bytes_ok &= int(total) == 2 * int(ml["dispatch_bytes"].sum())
    # no all-to-all beats its lower bound
    bound_ok &= bool((co["finish_ps"] - co["start_ps"] >= co["lower_bound_ps"]).all())
print("cap", cap_ok and ncap > 0, ncap)
print("bytes", bytes_ok and nfiles > 0, nfiles)
print("bound", bound_ok and nfiles > 0)
# flow and packet agree on ECMP at Zipf 1.5 (receiver-bound): within 1 %
import pandas as pd
a = pd.read_csv(d + "/main-flow/results.csv").set_index(["zipf", "policy"])
b = pd.read_csv(d + "/main-packet/results.csv").set_index(["zipf", "policy"])
r = b.loc[(1.5, "ecmp"), "makespan"] / a.loc[(1.5, "ecmp"), "makespan"]
print("ratio", abs(r - 1) < 0.01, r)
PY
sed 's/^/# /' "$T/moe.chk"
grep -q '^cap True' "$T/moe.chk"; ok $? 'capacity factor 1: the busiest host receives between 1 and 2 expert caps (2 experts a host)'
grep -q '^bytes True' "$T/moe.chk"; ok $? 'transfers carry 2 x the dispatch bytes of every layer'
grep -q '^bound True' "$T/moe.chk"; ok $? 'no all-to-all beats its lower bound'
grep -q '^ratio True' "$T/moe.chk"; ok $? 'packet / flow within 1 % for skewed ECMP'
# --- Multi-tenant -----------------------------------------------------------
# the tiny grid: 4 leaves x 4 hosts, 4 spines (non-blocking), the DP job on 8
# hosts, the MoE job on the other 8. Packed, they hold leaves 1-2 and 3-4 and
# share no link: each takes exactly its time alone (slowdown 1); spread, they
# share every uplink: no faster than alone
M=$T/mt
sh "$SRCDIR/results/multi-tenant/run.sh" --tiny -o "$M" -j 2 >"$T/mt.out" 2>&1
st=$?
ok $st 'multi-tenant: run.sh --tiny exits 0'
[ $st = 0 ] || sed 's/^/# /' "$T/mt.out" | tail -20
is "$(rows "$M/sweep/results.csv")" 2 'multi-tenant: 2 points (packed, spread) in results.csv'
png "$M/slowdown.png"; ok $? 'multi-tenant: the PNG figure'
"$PY" - "$M/sweep/results.csv" >"$T/mt.chk" <<'PY'
import sys, pandas as pd
d = pd.read_csv(sys.argv[1]).set_index("placement")
ok = all(d.loc["packed", k] == 1.0 for k in ("job1_slowdown", "job2_slowdown"))
ok &= all(d.loc["spread", k] >= 1.0 for k in ("job1_slowdown", "job2_slowdown"))
ok &= all(d.loc[p, "jobs"] == 2 for p in ("packed", "spread"))
print(" ".join("%s %.4f/%.4f" % (p, d.loc[p, "job1_slowdown"], d.loc[p, "job2_slowdown"]) for p in ("packed", "spread")))
sys.exit(0 if ok else 1)
PY
ok $? "multi-tenant: packed jobs take exactly their time alone, spread ones no less ($(tr '\n' ' ' <"$T/mt.chk"))"

# --- the rail-optimised MoE dispatch (results/moe-alltoall/rails.sh) ----------
R=$T/rails
sh "$SRCDIR/results/moe-alltoall/rails.sh" --tiny -o "$R" -j 2 >"$T/rails.out" 2>&1
st=$?
ok $st 'moe-alltoall rails: rails.sh --tiny exits 0'
[ $st = 0 ] || sed 's/^/# /' "$T/rails.out" | tail -20
is "$(rows "$R/sweep/results.csv")" 4 'moe-alltoall rails: 4 points (2 dispatches x PXN off, on)'
# by hand: EP 16 = 2 servers, 256 experts (128 a server), top 8, 256 tokens of
# 7,168 bytes: one-stage sends 8 x 1/2 copies a token across, two-stage
# 1 - C(128, 8) / C(256, 8) = 0.9963 (one per token and other server)
"$PY" - "$R/rails.md" >"$T/rails.chk" <<'PY'
import sys, math
rows = [l.split("|")[1:-1] for l in open(sys.argv[1]) if l.startswith("| 16 ")]
mb = {(r[2].strip(), r[3].strip()): float(r[5]) for r in rows}
one = 256 * 4 * 7168 / 1e6
two = 256 * (1 - math.comb(128, 8) / math.comb(256, 8)) * 7168 / 1e6
ok = all(abs(mb[("per_expert", p)] / one - 1) < 0.03 for p in ("false", "true"))
ok &= all(abs(mb[("two_stage", p)] / two - 1) < 0.01 for p in ("false", "true"))
print(mb, "hand: %.3f %.3f" % (one, two))
sys.exit(0 if ok else 1)
PY
ok $? "moe-alltoall rails: NIC MB per GPU as the hand probabilities give ($(tr '\n' ' ' <"$T/rails.chk"))"

# --- results/ethereal on its tiny grid ---------------------------------------
E=$T/ethereal
sh "$SRCDIR/results/ethereal/run.sh" --tiny -o "$E" -j 2 >"$T/eth.out" 2>&1
st=$?
ok $st 'ethereal: run.sh --tiny exits 0'
[ $st = 0 ] || sed 's/^/# /' "$T/eth.out" | tail -20
# by hand: a ring allreduce of 1 MB over 256 ranks pushes 2 x 255/256 MB through every NIC at
# 400 Gb/s: 39.84 us at least; the table has the row, both policies above the bound
"$PY" - "$E/ring/results.csv" >"$T/eth.chk" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
bound = 2 * 255 / 256 * 1e6 * 8 / 400e9
ok = sorted(r["lb"] for r in rows) == ["ethereal", "spray"] and all(float(r["makespan"]) >= bound for r in rows)
print([(r["lb"], r["makespan"]) for r in rows], "bound %.3g" % bound)
sys.exit(0 if ok else 1)
PY
ok $? "ethereal: 2 points, each above the ring's NIC bound ($(tr '\n' ' ' <"$T/eth.chk"))"

finish
