#!/bin/sh
# results/moe-alltoall/run.sh - run the MoE all-to-all experiment and draw its
# figures and tables (see README.md).
#
#   ./run.sh            the full grid (the committed figures): runs in runs/,
#                       figures and tables.md in this folder
#   ./run.sh --quick    a reduced grid: runs, figures and tables in runs-quick/
#   ./run.sh --tiny     a few small points (the test suite): all in runs-tiny/
#   -o DIR              put the runs, the figures and the tables in DIR
#   -j N                points at once (default 2; the packet runs are the cost)
#
# Needs GNU parallel and a Python 3 with h5py, numpy, pandas and matplotlib
# ($NETSIM_PYTHON, else /usr/bin/python3). netsim is $NETSIM if set, else the
# build at the top of the source tree. A finished point is not run again:
# delete DIR to start over.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../grid.sh"   # the options: grid, out, figs, jobs; TOP, SWEEP, PY

policies=ecmp,ecmp_subflows,spray,adaptive,flowlet
case $grid in
full)  zipf=0,0.5,0.75,1.0,1.25,1.5; topk=1,2,4,8; pol=$policies; seeds=1..3; tokens=256
       cap=0,1.0,1.25,1.5,2.0,3.0; cap_zipf=0,0.5,1.0,1.5
       size_tokens=8,32,128,512; size_zipf=0,1.5; size_pol=$policies; size_seeds=1..2; size_spines=4,2
       disp_zipf=0,1.0; disp_nodes=0,4,2 ;;
quick) zipf=0,1.0,1.5; topk=2,8; pol=$policies; seeds=1; tokens=256
       cap=0,1.0,1.5; cap_zipf=0,1.5
       size_tokens=8,256; size_zipf=0; size_pol=ecmp,spray,adaptive; size_seeds=1; size_spines=4,2
       disp_zipf=0,1.0; disp_nodes=0,4,2 ;;
tiny)  zipf=0,1.5; topk=2; pol=ecmp,spray; seeds=1; tokens=32
       cap=0,1.0; cap_zipf=1.5
       size_tokens=8; size_zipf=0; size_pol=ecmp; size_seeds=1; size_spines=4
       disp_zipf=0; disp_nodes=0,2 ;;
esac

start=$(date +%s)
for m in flow packet; do
    # 1. all-to-all time against skew and top_k, every policy, in both models
    "$SWEEP" "$HERE/scenario.lua" zipf=$zipf top_k=$topk policy=$pol tokens=$tokens seed=$seeds \
        -o "$out/main-$m" -j "$jobs" -- --model $m
    # 3. where the models part: message size (tokens per host) and oversubscription (2 spines: 2:1)
    "$SWEEP" "$HERE/scenario.lua" spines=$size_spines tokens=$size_tokens zipf=$size_zipf policy=$size_pol \
        top_k=2 seed=$size_seeds \
        -o "$out/size-$m" -j "$jobs" -- --model $m
done
# 2. token imbalance and dropped tokens against the capacity factor (flow model, spraying)
"$SWEEP" "$HERE/scenario.lua" capacity=$cap zipf=$cap_zipf top_k=2 policy=spray tokens=$tokens seed=$seeds \
    -o "$out/capacity" -j "$jobs"
# 4. node-limited routing and per-host dispatch: 256 experts (8 a host), top_k 8 (flow model, ECMP)
"$SWEEP" "$HERE/scenario.lua" experts=256 top_k=8 max_nodes=$disp_nodes dispatch=per_expert,per_host \
    zipf=$disp_zipf tokens=$tokens seed=$seeds -o "$out/dispatch" -j "$jobs"
echo "run.sh: simulations took $(( $(date +%s) - start )) s"
# not through a pipe, whose status would be tee's: a failed analysis fails run.sh
"$PY" "$HERE/analyze.py" "$out" --figures "$figs" >"$figs/tables.md.tmp"
mv "$figs/tables.md.tmp" "$figs/tables.md"
cat "$figs/tables.md"
