#!/bin/sh
# results_quick.sh - results/spraying-vs-splitting end to end: run.sh --tiny
# runs its sweeps (ecmp and random spraying with 1 and 4 subflows on the
# 256-host leaf-spine: ideal and dctcp on the healthy fabric, ideal with a
# degraded or failed cable) and analyze.py makes the tables and figures. Checks the tables'
# rows, the lower bound against bytes x 8 / 400 Gb/s computed here, that no
# run beats its bound, that a failed cable leaves fewer links, and that the
# figures are valid PNG files. And the scenario by itself: the ring
# allreduce in host order meets no contention, so its time is 2(p-1) steps
# of a chunk's packets plus the path of the farthest neighbour pair,
# computed here. And issue 14's parameters of the scenario (switch,
# connections, pfc), as the run header names them.
export PYTHONDONTWRITEBYTECODE=1   # nothing written into the source tree
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
[ -n "$PY" ] || skip_all 'no Python 3 with h5py (Debian: python3-h5py)'
"$PY" -c 'import pandas, matplotlib' 2>/dev/null || skip_all 'no pandas or matplotlib (Debian: python3-pandas python3-matplotlib)'
command -v parallel >/dev/null 2>&1 || skip_all 'GNU parallel is not installed (Debian: parallel)'
export NETSIM_PYTHON="$PY" MPLCONFIGDIR="$T/mpl"
RUN="$SRCDIR/results/spraying-vs-splitting/run.sh"
plan 16

sh "$RUN" --tiny -o "$T/runs" >"$T/out" 2>"$T/err"
is "$?" 0 'run.sh --tiny exits 0'
[ "$?" -eq 0 ] || sed 's/^/#   /' "$T/err" "$T/out" | tail -n 20
ls "$T"/runs/*/*.err >/dev/null 2>&1
ok $((! $?)) 'no point failed'

# rows: sweep -> points (policies x transports [x faults])
rows=$(for s in main fault; do printf '%s=%s ' $s $(($(wc -l <"$T/runs/$s/results.csv") - 1)); done)
is "$rows" 'main=8 fault=8 ' 'each sweep has one row per point'

F="$T/runs/figures"
"$PY" - "$F/points.csv" >"$T/check" 2>&1 <<'PY'
import sys
import pandas as pd
d = pd.read_csv(sys.argv[1])
print("points", len(d))
# by hand: a permutation's bound is bytes x 8 / NIC rate = 1e6 x 8 / 400e9 s
# (each over at least one point: a check over none must not pass)
print("bound", len(d) > 0 and all(abs(d["lower_bound_s"] - 1e6 * 8 / 400e9) < 1e-15))
print("above", len(d) > 0 and bool((d["norm_time"] >= 1).all() and (d["time_s"] >= d["lower_bound_s"]).all()))
# a link carries at least one whole transfer, headers included
print("load", len(d) > 0 and bool((d["max_link_load"] >= 1).all()))
h = d[(d["part"] == "main") & (d["transport"] == "ideal")].set_index("policy")
# ecmp collides: its busiest link carries whole transfers, more than spraying's
print("ecmp", h.loc["ecmp x1", "max_link_load"] > h.loc["spray", "max_link_load"] and
      abs(h.loc["ecmp x1", "max_link_load"] - round(h.loc["ecmp x1", "max_link_load"])) < 0.1)
PY
sed 's/^/# /' "$T/check"
grep -q '^points 16$' "$T/check"; ok $? 'points.csv has the 16 points'
grep -q '^bound True$' "$T/check"; ok $? 'the lower bound is bytes x 8 / 400 Gb/s'
grep -q '^above True$' "$T/check"; ok $? 'no run beats its lower bound'
grep -q '^load True$' "$T/check"; ok $? 'the busiest link carries at least one transfer'
grep -q '^ecmp True$' "$T/check"; ok $? 'ecmp: the busiest link carries whole colliding transfers, more than with spraying'

# a failed cable is not cabled: two links (one per direction) fewer
n=$("$PY" -c 'import h5py, sys; print(*[len(h5py.File(f)["topology/links"]) for f in sys.argv[1:]])' \
    "$T"/runs/main/*transport=ideal*lb=spray*subflows=1,*.h5 "$T"/runs/fault/*lb=spray*subflows=1,*fault=failed*.h5)
is "$(echo "$n" | awk '{print $1 - $2}')" 2 'fault=failed: one leaf-spine cable fewer'

grep -q '^| leafspine | permutation | 1 | ideal | ' "$F/tables.md" && grep -q '^## A degraded or failed' "$F/tables.md"
ok $? 'tables.md has the main table and the fault table'

# the ring in host order, ideal transport: chunks of exactly 4 full packets
# (4032 payload bytes each); a step ends when the farthest pair is done: its
# 4 packets at 400 Gb/s (81920 ps per 4096-byte packet), a store-and-forward
# of one packet per switch on the way, and the cables' latency (500 ns each):
# leaf-spine, 256 ranks: leaf, spine, leaf (3 switches, 4 cables), 510 steps;
# fat-tree k=8, 128 ranks: across pods, 5 switches and 6 cables, 254 steps
pkt=81920
for f in "leafspine 256 3 4" "fattree 128 5 6"; do
    set -- $f
    want=$(( 2 * ($2 - 1) * ((4 + $3) * pkt + $4 * 500000) ))
    run -q --json "$SRCDIR/results/spraying-vs-splitting/scenario.lua" -o "$T/ring-$1.h5" fabric=$1 \
        workload=allreduce order=host bytes=$((4 * 4032 * $2)) lb=ecmp transport=ideal
    got=$("$PY" -c 'import json, sys; print(json.loads(sys.stdin.readline())["makespan_ps"])' <"$T/out")
    is "$got" "$want" "$1: ring allreduce in host order takes 2(p-1) x (4 + switches) packets + cables"
done

# issue 14's parameters, read back from the run header: switch=default
# leaves the switches to netsim (a real switch's pool and ECN; PFC by
# itself under dcqcn) and connections reaches the run; the paper's switch
# table stays the default, and pfc=off turns PFC off even under dcqcn
S="$SRCDIR/results/spraying-vs-splitting/scenario.lua"
run "$S" -o "$T/r14.h5" bytes=64KB switch=default transport=dcqcn connections=persistent
[ "$status" -eq 0 ] && grep -q 'switch: default buffer (shared, 4.4 MB per Tb/s' "$T/out" &&
    grep -q 'PFC on (lossless)' "$T/out" && grep -q 'connections persistent' "$T/out"
ok $? 'switch=default transport=dcqcn connections=persistent: default switch, PFC on, persistent connections'
run "$S" -o "$T/r14.h5" bytes=64KB transport=dcqcn pfc=off
[ "$status" -eq 0 ] && grep -q 'switch: buffer 32 MB shared, ECN 100 KB to 400 KB' "$T/out" &&
    grep -q 'PFC off' "$T/out" && grep -q 'connections per_transfer' "$T/out"
ok $? 'defaults: the paper switch, per-transfer connections; pfc=off: no PFC under dcqcn'

pngs=0
for p in subflows-ideal subflows-dctcp congestion dctcp-cost fault; do
    [ "$(head -c 8 "$F/$p.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] && pngs=$((pngs + 1))
done
is "$pngs" 5 'five figures, each a PNG file'
"$PY" -c 'import sys, matplotlib.image as m; assert all(m.imread(f).shape[0] > 300 for f in sys.argv[1:])' "$F"/*.png
ok $? 'the figures decode'
finish
