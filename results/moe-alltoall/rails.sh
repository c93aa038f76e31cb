#!/bin/sh
# rails.sh - the rail-optimised part of results/moe-alltoall (issue 16):
# rails.lua over EP 16/32/64, dispatch per_expert, per_host and two_stage,
# PXN off and on, uniform and Zipf 1.0 routing, 2 seeds, flow model; then
# rails.py prints the table (rails.md) beside DeepEP's published figures.
#
# usage: ./rails.sh [--full | --tiny] [-j N] [-o DIR]
#   --full   (default) 3 x 3 x 2 x 2 x 2 = 72 runs, about 2 min with -j 2
#   --tiny   EP 16 only, 1 seed, 256 tokens: for the test suite (seconds)
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
SWEEP=${NETSIM_SWEEP:-$TOP/scripts/netsim-sweep}
PY=${NETSIM_PYTHON:-/usr/bin/python3}
grid=full jobs=2 out=''
while [ $# -gt 0 ]; do
    case $1 in
    --full|--tiny) grid=${1#--} ;;
    -j) jobs=${2:?-j needs a number}; shift ;;
    -o) out=${2:?-o needs a folder}; shift ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "rails.sh: unknown argument '$1' (see rails.sh --help)" >&2; exit 2 ;;
    esac
    shift
done
out=${out:-$HERE/runs/rails-$grid}
case $grid in
full) GRID="ep=16,32,64 dispatch=per_expert,per_host,two_stage pxn=false,true zipf=0,1.0 seed=1..2" MD=$HERE/rails.md ;;
tiny) GRID="ep=16 dispatch=per_expert,two_stage pxn=false,true zipf=0 seed=1 tokens=256" MD=$out/rails.md ;;
esac
mkdir -p "$out"
# shellcheck disable=SC2086 # GRID is a list of NAME=VALUES words
"$SWEEP" "$HERE/rails.lua" $GRID -o "$out/sweep" -j "$jobs" --no-bar >"$out/sweep.log" 2>&1 || {
    echo "rails.sh: the sweep had failures (see $out/sweep.log)" >&2; exit 1; }
"$PY" "$HERE/rails.py" "$out/sweep" | tee "$MD"
