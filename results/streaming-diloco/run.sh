#!/bin/sh
# results/streaming-diloco/run.sh - run the Streaming DiLoCo experiment and
# draw its figures and tables (see README.md).
#
#   ./run.sh            the full grid (the committed figures): runs in runs/,
#                       figures and tables.md in this folder
#   ./run.sh --quick    a reduced grid: runs, figures and tables in runs-quick/
#   ./run.sh --tiny     a few points (the test suite): all in runs-tiny/
#   -o DIR              put the runs, the figures and the tables in DIR
#   -j N                points at once (default 2)
#
# Needs GNU parallel and a Python 3 with h5py, numpy, pandas and matplotlib
# ($NETSIM_PYTHON, else /usr/bin/python3). netsim is $NETSIM if set, else the
# build at the top of the source tree. A finished point is not run again:
# delete DIR to start over.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../grid.sh"   # the options: grid, out, figs, jobs; TOP, SWEEP, PY

# The grids. gbps: the WAN rate in Gbit/s, log-spaced over 0.1 .. 1000.
logspace() {   # logspace PER_DECADE: 0.1 .. 1000, PER_DECADE points a decade
    "$PY" -c "import sys; n=int(sys.argv[1]); print(','.join('%.4g' % 10**(k/n - 1) for k in range(4*n+1)))" "$1"
}
methods=dp,diloco,streaming,streaming_overlap,streaming_4bit
case $grid in
full)  models=1B,10B,100B; gbps=$(logspace 20); lat_methods=$methods; lats=0ms,1ms,10ms,50ms,200ms
       chk_methods=$methods; chk_models=100M,1B; chk_gbps=0.3,1,3,10,30,100,300,1000 ;;
quick) models=1B,10B,100B; gbps=$(logspace 5);  lat_methods=$methods; lats=0ms,10ms,200ms
       chk_methods=diloco,streaming_overlap; chk_models=100M; chk_gbps=1,10 ;;
tiny)  models=1B; gbps=1,10; lat_methods=diloco; lats=10ms
       chk_methods=diloco; chk_models=100M; chk_gbps=10 ;;
esac
# the paper's own grid (Table 4 of arXiv 2501.18512): 50 rates, log-spaced over 0.1 .. 1000
paper_gbps=$("$PY" -c "print(','.join('%.6g' % 10**(-1 + 4*k/49) for k in range(50)))")
case $grid in
full|quick) paper_models=1B,10B,100B ;;
tiny)       paper_models=1B; paper_gbps=9.10298,28.1177 ;;
esac

start=$(date +%s)
# 1. compute utilisation versus WAN bandwidth: every method, model and rate
"$SWEEP" "$HERE/scenario.lua" method=$methods model=$models gbps="$gbps" -o "$out/main" -j "$jobs"
# 2. the ceiling that WAN latency sets: 1 Tbit/s, several one-way latencies
"$SWEEP" "$HERE/scenario.lua" method=$lat_methods model=$models gbps=1000 wan_latency=$lats \
    -o "$out/latency" -j "$jobs"
# 3. the flow model against the packet model: the 1B model and a 100M-parameter one (1B's shape,
#    a tenth of its size and step time) with both; dp over 10 steps (its steps are all alike)
for m in flow packet; do
    "$SWEEP" "$HERE/scenario.lua" method=$chk_methods model=$chk_models gbps=$chk_gbps dp_steps=10 \
        -o "$out/check-$m" -j "$jobs" -- --model $m
done
# 4. the paper's own setting: two workers of one host, no WAN latency, steps by layer and every
#    layer its own sync (its simulator's DAG); dp over 20 steps (all alike)
"$SWEEP" "$HERE/scenario.lua" method=$methods model=$paper_models gbps="$paper_gbps" granularity=layer \
    layer_syncs=true wan_latency=0ms hosts_per_dc=1 dp_steps=20 -o "$out/paper" -j "$jobs"
echo "run.sh: simulations took $(( $(date +%s) - start )) s"
# not through a pipe, whose status would be tee's: a failed analysis fails run.sh
"$PY" "$HERE/analyze.py" "$out" --figures "$figs" >"$figs/tables.md.tmp"
mv "$figs/tables.md.tmp" "$figs/tables.md"
cat "$figs/tables.md"
